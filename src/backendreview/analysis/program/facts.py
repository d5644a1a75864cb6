"""The per-file facts of the program model: plain, picklable records of what one module
defines and what each of its functions does directly.

They are computed by `extract.py` inside the engine's per-file work (a pure function of the
file's text), travel back as `FileResult.facts["program"]` and are cached with the file; the
project phase (`model.py`) joins them into one index and solves the summaries over the call
graph. Nothing here refers to another file: a reference to a name of another module is kept
as the dotted name the imports give (`app.repos.UserRepo.get`), resolved later or never.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields
from typing import Any, TypeVar

_T = TypeVar("_T")


def _filled(cls: type[_T]) -> type[_T]:
    """Give a frozen dataclass an `__init__` that fills the instance dictionary at once.

    The generated frozen `__init__` sets each field through `object.__setattr__`: half the
    cost of a `FunctionInfo` (31 fields, one per function of every file) or a `CallSite`.
    This one takes the same parameters with the same defaults (a fresh value from each
    default factory) and makes the same object, fields in the same order: equality,
    `repr`, pickling and `dataclasses.replace` see no difference, and assigning a field
    still raises. It assigns the dictionary's items one by one, in field order: that keeps
    CPython's key-sharing dictionary, which `self.__dict__.update(...)` does not (on 3.11 a
    FunctionInfo's dictionary 832 bytes instead of 296, a CallSite's 832 instead of 280,
    for records that stay alive through the project phase), at nearly the same speed.
    Records with `__post_init__`, `init=False` or keyword-only fields are refused: this
    `__init__` would skip or mistake them."""
    params: list[str] = []
    items: list[str] = []
    names: dict[str, Any] = {"_MISSING": MISSING}
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"_filled: {cls.__name__} has __post_init__")
    for f in fields(cls):  # type: ignore[arg-type]
        if not f.init or f.kw_only is True:
            raise TypeError(f"_filled: {cls.__name__}.{f.name} is init=False or keyword-only")
        if f.default is not MISSING:
            names[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
            items.append(f"    d[{f.name!r}] = {f.name}\n")
        elif f.default_factory is not MISSING:
            names[f"_factory_{f.name}"] = f.default_factory
            params.append(f"{f.name}=_MISSING")
            items.append(f"    d[{f.name!r}] = _factory_{f.name}() if {f.name} is _MISSING "
                         f"else {f.name}\n")
        else:
            params.append(f.name)
            items.append(f"    d[{f.name!r}] = {f.name}\n")
    made: dict[str, Any] = {}
    exec(f"def __init__(self, {', '.join(params)}):\n"  # the field names of our own records
         f"    d = self.__dict__\n{''.join(items)}", names, made)
    made["__init__"].__qualname__ = f"{cls.__qualname__}.__init__"
    cls.__init__ = made["__init__"]  # type: ignore[misc]
    return cls

# A local's type reference `self:form_class`: an instance of the class the method's own
# class assigns to that class attribute (`form = self.form_class(data=...)`), which only the
# project phase can tell (ProgramModel.class_attribute). No dotted name has a colon.
SELF_CLASS = "self:"
# ... and `R#create`: the local is first made by `R` (a class or factory) and then
# reassigned what its own `create()` returns (`user = User.parse(body)`, later
# `user = user.create()`): R's class, when that method returns R's class too
# (ProgramModel.receiver_class). No dotted name has a `#`.
KEEPS = "#"


def derived_ref(ref: str) -> bool:
    """A type reference only the project phase can read (SELF_CLASS, KEEPS), never a
    library's dotted name."""
    return ref.startswith(SELF_CLASS) or KEEPS in ref

# Effect kinds a function can have, directly or through the functions it calls.
QUERY = "query"  # runs a database query (detail: the call; `write` tells writes from reads)
UNBOUNDED = "unbounded"  # returns every row of a query (no limit / slice / pagination)
LIMIT = "limit"  # enforces a rate limit
AUTH = "auth"  # rejects anonymous callers
# checks a password it was handed (`maybe_ipa_login(..., form.password.data)`): a sign-in
CREDENTIAL = "credential"
EFFECT_KINDS = (QUERY, UNBOUNDED, LIMIT, AUTH, CREDENTIAL)


@_filled
@dataclass(frozen=True)
class Callee:
    """What a call site calls, as far as its own file can tell.

    kind: `ref` (a dotted name through imports or a module-level def: a function, a class
    being constructed, `Class.method`, `module.function`), `self` (a method of the enclosing
    class, `self.m()` / `cls.m()`), `super` (`super().m()`), `selfattr` (`self.<ref>.<attr>()`,
    a method of an instance attribute), `typed` (`x.<attr>()` where `x` has the type `ref`:
    an annotation, a constructor call, a factory's return annotation).
    """

    kind: str
    ref: str = ""
    attr: str = ""


@_filled
@dataclass(frozen=True)
class CallSite:
    line: int
    col: int
    end_line: int
    end_col: int
    callee: Callee
    text: str  # the callee as written, for messages: `self.repo.get_one`
    returned: bool = False  # the call's result is (part of) what the function returns
    # the call's result is what the function returns, or an item of the container or
    # response it returns (`{"jobs": jobs}`, `jsonify(x)`), not an argument of another call
    answered: bool = False
    loop_line: int = 0  # the line of the innermost loop that runs the call once per item
    loop_literal: bool = False  # that loop iterates a literal collection or a range()
    loop_item: bool = False  # the call's receiver or arguments use that loop's variable
    loop_rows: bool = False  # that loop iterates the rows of a query
    # (line, col) of the call whose result that loop iterates, directly or through a local
    # bound once (`tokens = state.get_all_tokens()`; `for t in tokens`): the project phase
    # asks whether its callee returns every row of a query. () when there is none.
    loop_source: tuple[int, int] | tuple[()] = ()
    conditional: bool = False  # under an if / try-except / boolean operator of its function
    static_args: tuple[str, ...] = ()  # arguments fixed by the code (literals, classes)
    # every argument the call passes (positions, keyword names); "*" when a *args or
    # **kwargs makes the rest unknown. A parameter not named here takes its default.
    passed_args: tuple[str, ...] = ()
    # arguments built only from constants once the project phase checks what they need
    # (`Query(where="1=1")`, `QUERIES[kind]`, `default_filter()`): key -> ConstNeeds
    const_args: tuple[tuple[str, tuple[ConstNeed, ...]], ...] = ()
    # arguments whose text cannot carry SQL though the code does not fix them: numbers,
    # primary keys, timestamps, names reduced to word characters (analysis/inert.py)
    inert_args: tuple[str, ...] = ()
    # arguments that are the requesting user (`request.user`, `request.user.object`,
    # `current_user`, `g.user.id`): a helper given them filters for that user's own rows
    requester_args: tuple[str, ...] = ()
    # arguments that are a field of an ORM row (`ws.id` of a loop over a query on
    # `Workspace`): numbers once the project phase finds the model declares the field a
    # numeric column (analysis/program/numbers.py): key -> the `number` needs
    number_args: tuple[tuple[str, tuple[ConstNeed, ...]], ...] = ()
    # arguments that are an int, None or bool literal (`limit=0`, position "1" for
    # `get(x, -1)`): key -> the literal's text, for a guard of the callee to read
    # (row_bounds.guard_passes: does this call turn the callee's page size off?)
    literal_args: tuple[tuple[str, str], ...] = ()
    # The first positional argument when it names a definition (a def, a class, a
    # module-level object, through the imports) or is a dotted name written as a string
    # (`send_task(on_reset, ...)`, `enqueue(send_mail, ...)`, `send_task("app.tasks.mail")`):
    # a task handed to the call to be sent (BR206); "" otherwise.
    first_ref: str = ""


@_filled
@dataclass(frozen=True)
class Effect:
    kind: str
    line: int
    detail: str  # what does it: the query, the limiter call, the auth check
    write: bool = False  # QUERY: the query writes (create, save, update, delete)
    conditional: bool = False  # under an if / try-except / boolean operator of its function
    # QUERY: built from a model class and literals only (`Setting.objects.all()`): the same
    # query wherever and however often it runs.
    fixed: bool = False
    # UNBOUNDED: bounded when the caller passes this parameter (`limit`, whose default
    # means every row); a call that passes it gets no such effect (analysis/row_bounds.py).
    unless: str = ""
    # The test guarding that bound (`limit > 0`), and whether a call leaving `unless` out
    # gets every row (False for a page-size default, `limit: int = 10`: then only a call
    # passing a literal the test turns away, `limit=0`, does).
    guard: str = ""
    by_default: bool = True


@_filled
@dataclass(frozen=True)
class ConstNeed:
    """What a value needs to be a constant, beyond its own text: a call whose callee must
    return only constants (`callee`), or a class attribute that must be a literal (`ref`
    the class, `attr` its name)."""

    kind: str  # call | attr | quoted (a call whose callee quotes its argument for SQL)
    #           | enum (`ref` must name an Enum class: a member's `.value`)
    #           | number (`ref` a model class that declares `attr` a numeric column: a
    #             field of one of its rows prints as digits; analysis/program/numbers.py)
    callee: Callee | None = None
    ref: str = ""
    attr: str = ""
    # `call`: what the call's own arguments need, which matters only when the callee is a
    # plain record (`Query(where=X.clause)` holds what it is given)
    args: tuple[ConstNeed, ...] = ()


@_filled
@dataclass(frozen=True)
class FunctionInfo:
    qualname: str  # module.Class.method / module.function / module.outer.inner
    name: str
    path: str
    line: int
    cls: str | None = None  # qualname of the enclosing class, for methods
    kind: str = "function"  # function | method | property | classmethod | staticmethod
    params: tuple[str, ...] = ()
    varkw: bool = False  # takes `**kwargs`: any keyword argument is accepted
    # Page parameters the body reads by name from the request (`request.args.get("limit")`):
    # a Connexion operation pages by them though its function does not take them.
    page_reads: tuple[str, ...] = ()
    decorators: tuple[str, ...] = ()  # dotted names as the file resolves them
    param_types: dict[str, str] = field(default_factory=dict)  # param -> type reference
    local_types: dict[str, str] = field(default_factory=dict)  # local -> type reference
    returns: str | None = None  # the return annotation's type reference
    calls: tuple[CallSite, ...] = ()
    effects: tuple[Effect, ...] = ()
    # Every `return` gives a value built only from literals and module constants, given
    # `const_needs` (calls to functions that do the same, literal class attributes).
    const_return: bool = False
    const_needs: tuple[ConstNeed, ...] = ()
    # Every `return` gives the first parameter quoted for SQL text (analysis/quoting.py).
    quotes: bool = False
    # A decorator (or decorator factory) that only returns a `functools.wraps` wrapper
    # handing on its own arguments (analysis/wrappers.py): not what makes an entry point.
    wraps_only: bool = False
    # Every `return` hands back a redirect (`redirect(...)`, `RedirectResponse(...)`, a
    # library call starting an identity provider's flow): the function answers elsewhere.
    redirects: bool = False
    # The calls whose name says they check a secret, issue a token or session, send a
    # message or create an account (`user_manager.authenticate`, `send_mail`), resolved
    # or not, and `as_view` when it hands the request to another view (`X.as_view()(request)`)
    # whose work is out of sight: what makes a route an authentication endpoint by
    # behaviour (BR206).
    auth_acts: tuple[str, ...] = ()
    # What the function's own code does with the values it is given (BR206: does a
    # one-time-code route check the code, or keep it?): "compare" when it has an `==` or
    # `!=` at all, "store" when it assigns a value built from a parameter to an attribute
    # or an item (`user.otp_code = code`, `codes[key] = body.code`).
    value_uses: tuple[str, ...] = ()
    # A `return` hands back what a method of the requesting user makes of a parameter
    # (`return request.user.filter_readable(queryset)`: a DRF filter backend that keeps
    # the rows that user may read): that method's name, else "".
    user_filter: str = ""
    # Every `return` (one at least) requires a staff flag of the request's user
    # (`return bool(request.user and request.user.is_superuser)`, `request` a parameter):
    # the flag's name, else "". A DRF permission class whose `has_permission` does this
    # lets only site staff through (BR303 reads it through the class, not by its name).
    staff_flag: str = ""
    # The paths the body appends to a computed base URL (`f"{url}/api/create"` ->
    # "/api/create"): where a proxy handler forwards the request (BR302: a route whose own
    # path is the upstream's path mirrors that API, its spelling is the upstream's).
    upstream_paths: tuple[str, ...] = ()
    # A function nested in another (a decorator's wrapper): the tests of its `if`
    # statements whose body turns the call away (raises, returns, aborts), as written:
    # what the wrapper checks before it calls on (BR206 reads a guard by them).
    gates: tuple[str, ...] = ()
    # The last line of the def, and the names its own body imports (`from .views import
    # LoginView` inside `def get_urls(self)`), each bound once there: a name such a body
    # uses resolves through them before the module's imports (ProgramModel.imported); ""
    # for a name bound there otherwise that would shadow such an import (untold).
    end_line: int = 0
    imports: dict[str, str] = field(default_factory=dict)
    # How many of `params` (positional-only and plain ones, before the keyword-only ones) a
    # positional argument may bind; -1: all of them (a function made up, not read).
    positional: int = -1


@_filled
@dataclass(frozen=True)
class ClassInfo:
    qualname: str
    name: str
    path: str
    line: int
    bases: tuple[str, ...] = ()  # dotted references, resolved in the project phase
    methods: dict[str, str] = field(default_factory=dict)  # name -> FunctionInfo.qualname
    attr_types: dict[str, str] = field(default_factory=dict)  # attribute -> type reference
    # DRF `SerializerMethodField`s the body declares: the method DRF calls for each one
    # (analysis/orm/drf.py method_field_method) -> the field's name
    method_fields: dict[str, str] = field(default_factory=dict)
    const_attrs: tuple[str, ...] = ()  # class attributes assigned a literal in the body
    # class attributes declared a numeric column (`id = Column(Integer, ...)`,
    # `models.IntegerField()`, `Mapped[int]`): analysis/program/numbers.py
    number_attrs: tuple[str, ...] = ()
    # class attributes the body assigns any value (`id = Column(String(64))`): with
    # `methods`, what decides which class of an MRO declares an attribute
    assigned_attrs: tuple[str, ...] = ()
    # class attributes naming a class (`form_class = LoginForm`) -> its dotted reference
    class_refs: dict[str, str] = field(default_factory=dict)
    # ORM relations naming their target class by reference (`dataset =
    # models.ForeignKey(FacilityDataset, ...)`): attribute -> the target's dotted reference.
    # Lazy string targets ("app.Model") are not recorded: the program cannot resolve them.
    attr_targets: dict[str, str] = field(default_factory=dict)
    # instance attributes a method assigns a class loaded by name
    # (`self.login_view = get_class("customer.views", "LoginView")`): attribute ->
    # "customer.views:LoginView" (ProgramModel.loaded resolves it); "" when the class's
    # methods assign the attribute anything else too (the first class of an MRO with the
    # attribute here decides)
    loads: dict[str, str] = field(default_factory=dict)


@_filled
@dataclass(frozen=True)
class Registration:
    """A function handed to a framework that calls it later: `post_save.connect(fn)`,
    `@receiver(post_save, sender=Order)`, `register.filter("money", fn)`,
    `scheduler.add_job(fn, ...)`. What the registrar is decides the kind of entry point
    (analysis/program/dispatch.py), in the project phase."""

    registrar: str  # the registering callee as a dotted reference (`app.signals.paid.connect`)
    target: str  # the function handed over, as a reference the model resolves
    line: int
    subject: str = ""  # `@receiver(sig)`: the signal's reference


@_filled
@dataclass(frozen=True)
class ModuleInfo:
    name: str
    path: str
    imports: dict[str, str] = field(default_factory=dict)  # local name -> dotted name
    functions: tuple[FunctionInfo, ...] = ()
    classes: tuple[ClassInfo, ...] = ()
    constants: dict[str, str] = field(default_factory=dict)  # NAME -> literal string value
    # NAME -> the path text of a module constant built of others (`DETAIL = BY_KEY + "/x"`,
    # `f"{urls.BASE}/x"`), as path_text reads it: imported parts still `{NAME}` /
    # `{base.NAME}` (path_format.NAME_REF), for the project phase to fill
    path_constants: dict[str, str] = field(default_factory=dict)
    # NAME -> the class (or factory) reference of a module-level object: `db = Database()`
    instances: dict[str, str] = field(default_factory=dict)
    # `from pkg.types import *`: the modules whose public names this one re-exports unnamed
    star_imports: tuple[str, ...] = ()
    # The calls of the module's own top-level code (a script's body, `if __name__ ==
    # "__main__":`, start-up wiring), outside any function or class: they run when the
    # module is imported or run, before any request exists, so what they pass is the
    # module's own (literals, its configuration, the command line). Only callees written
    # as references (`admin.setup_db(...)`); the full model level only.
    toplevel_calls: tuple[CallSite, ...] = ()
    # NAME -> "module.path:ClassName" of a module-level `NAME = get_class("module.path",
    # "ClassName")`: a class loaded by name (ProgramModel.loaded resolves it)
    loads: dict[str, str] = field(default_factory=dict)
    # functions handed to a framework by a registration call or a `@receiver(...)`
    registrations: tuple[Registration, ...] = ()
    # NAME -> the project definition a module-level object wraps: `NAME = f(Cls())` or
    # `NAME = f(func)` (`on_reset = dramatiq.actor(ResetTask())`): the code behind the
    # object the factory `instances[NAME]` makes
    wraps: dict[str, str] = field(default_factory=dict)
