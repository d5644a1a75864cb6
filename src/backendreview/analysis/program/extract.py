"""Per-file extraction of the program model's facts (see facts.py).

One pass over the module's definitions: for every class its bases, methods and attribute
types; for every function its parameters and their types, every call it makes (with what the
file can tell about the callee, whether the result is returned, and whether a loop runs it
once per item) and its direct effects: the queries it runs, the unbounded query it returns,
the rate limit or authentication check it makes.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from ...astutil import TRY_NODES, annotation_core, call_chain, own_nodes, walk
from ..allowlist import guarded
from ..containers import written_into
from ..frameworks.common import (
    LIMIT_NAME,
    REDIRECTS,
    REQUESTER_VALUE,
    body_limiter_calls,
    callable_name,
    classify,
    decorator_names,
    path_text,
    read_page_key,
    unbounded_query,
)
from ..inert import inert_text
from ..orm.drf import method_field_method
from ..orm.queries import (
    DJANGO_CHAIN,
    DJANGO_EVALUATE,
    DJANGO_MANAGERS,
    DJANGO_ROWS_AS_DATA,
    SA_CHAIN,
    SA_EVALUATE,
    OriginFinder,
)
from ..quoting import quoting_function
from ..wrappers import wraps_only
from .answers import answered_calls
from .credential_checks import credential_checks
from .facts import (
    AUTH,
    KEEPS,
    LIMIT,
    QUERY,
    SELF_CLASS,
    UNBOUNDED,
    Callee,
    CallSite,
    ClassInfo,
    ConstNeed,
    Effect,
    FunctionInfo,
    ModuleInfo,
    Registration,
    derived_ref,
)
from .loaders import loaded_spec
from .numbers import number_args, numeric_column
from .partials import may_hold_partials, through_partials

if TYPE_CHECKING:
    from ...context import FileContext

FACT_KIND = "program"
# The collector names a rule can list in `needs_facts`: the whole model; the call graph
# level (classes, signatures, the attribute types that resolve calls, and the call sites whose
# value a function returns, with their callee and place: what the project phase asks of it,
# `targets` of a callee a rule recorded itself and the returned edges; no other call sites,
# no local types, effects, quoting or loop details); or only the class hierarchy and the
# definitions' signatures (no call sites, effects or types). Every level records the
# module's string constants (route paths are built of them).
FULL = "program"
CALLS = "program-calls"
CLASSES = "program-classes"
LEVELS = (CLASSES, CALLS, FULL)  # each answers everything the ones before it do

_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
# Callee names of registration calls (facts.Registration): signals, schedulers, template
# libraries; `receiver` as the `@receiver(signal)` decorator.
_REGISTRARS = ("connect", "add_job", "filter", "simple_tag", "inclusion_tag", "tag",
               "assignment_tag", "receiver")
_HANDED = frozenset({"receiver", "func", "filter_func", "compile_function"})
# Module constants a path may be built of, beyond a literal (ModuleInfo.path_constants).
_COMPOSED = (ast.BinOp, ast.JoinedStr, ast.Call, ast.Name, ast.Attribute, ast.Constant)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)
_DJANGO_WRITES = frozenset({"create", "get_or_create", "update_or_create", "bulk_create",
                            "bulk_update", "update", "delete"})
# `pkg.tasks.send_mail`: a dotted name written as a string (a task sent by its name).
_DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")
# The session classes of SQLAlchemy and SQLModel, as an annotation resolves them.
_SA_SESSION_TYPE = re.compile(r"^(sqlalchemy|sqlmodel)(\.[\w.]+)?\.(Async)?Session$")
_SESSION_WRITES = frozenset({"add", "add_all", "delete", "commit", "flush", "merge",
                             "bulk_save_objects", "bulk_insert_mappings"})
_DJANGO_LAZY = (DJANGO_CHAIN | DJANGO_ROWS_AS_DATA) - {"none"}
_CONSUMERS = frozenset({"builtins.list", "builtins.len", "builtins.sorted", "builtins.set",
                        "builtins.tuple", "builtins.sum", "builtins.any", "builtins.all",
                        "builtins.bool", "builtins.dict", "builtins.max", "builtins.min"})
_HTTP_CLIENTS = frozenset({"aiohttp", "requests", "httpx", "urllib3"})
_SESSION_READS = frozenset({"execute", "scalars", "scalar", "scalar_one",
                            "scalar_one_or_none", "get"})
_DBAPI_READS = frozenset({"execute", "executemany", "fetch", "fetchrow", "fetchval",
                          "fetchall", "fetchone", "fetchmany"})
_DBAPI_HANDLE = re.compile(r"^(cur|cursor|conn|connection|db_?conn)$|cursor", re.I)
_SQLA_MODULES = ("sqlalchemy", "flask_sqlalchemy", "sqlmodel")
# Unwrapping annotations down to the one type they hold.
# `type[X]` names the class X itself (a factory returning a class, a `cls` parameter).
_CLASS_OF_TYPES = frozenset({"Type", "type"})
# A test about who the caller is, in an `if` whose body turns the caller away.
_AUTH_TEST = re.compile(r"is_authenticated|is_anonymous|current_user|request\.user\b|"
                        r"\buser\s+is\s+None|\bnot\s+user\b|is_superuser|is_staff|is_admin\b")
# A shared secret / API key / Authorization header compared with what the request sent (a
# provisioning API behind a bearer secret): an auth check when the body answers 401 / 403.
# `auth.REDIRECT_FIELD_NAME` reads a module's constant (django.contrib.auth), no secret.
SECRET_TEST = re.compile(r"\bauth\b(?!(?-i:\.[A-Z]))|authorization|\bsecret\b|shared_secret"
                         r"|api_?key|bearer", re.I)
_REJECT_CALLS = re.compile(r"^(abort|redirect|redirect_to_login|HttpResponseForbidden|"
                           r"HttpResponseRedirect|PermissionDenied|HTTPException|"
                           r"HTTPUnauthorized|HTTPForbidden|Unauthorized|Forbidden|"
                           r"NotAuthenticated|AuthenticationFailed|login_required)$")
_REJECT_STATUS = frozenset({401, 403})
_DENY_ERROR = re.compile(r"Unauthori[sz]ed|Forbidden|PermissionDenied|NotAuthenticated|"
                         r"AuthenticationFailed|AuthError|AuthenticationError|AccessDenied")
_CACHE_USE = re.compile(r"\bcache\.(get|get_or_set|get_many)\(|\bcaches\[|\bcache_get\(")


class ProgramCollector:
    """Run by the engine in the file walk when a rule needs the program model: records, for
    the nodes the extraction asks about, the function whose own code they are, the loop that
    repeats them and whether they run only on some paths (one look up the parents of each,
    instead of a second walk of every body), then emits one `ModuleInfo` at the end."""

    id: ClassVar[str] = "program"

    def __init__(self, ctx: FileContext, level: str = FULL) -> None:
        self.ctx = ctx
        self.level = level
        self.walked: dict[int, list[tuple[ast.AST, ast.AST | None]]] = {}
        self.conditional: set[int] = set()

    def visitors(self) -> dict[type[ast.AST], str]:
        # The whole model records its calls, returns, tests and assignments in the walk,
        # with the loop and the branches around each (`visit`). The lower levels need only
        # statements, with neither: each function's own ones come from the semantic model's
        # per-scope lists at the end (`_OwnWalked`), without a visit of each of them.
        # The call graph level needs its calls' walk order, for the returned ones: the
        # semantic model's list of calls gives it (`_CallOrder`), without a visit of each.
        if self.level in (CALLS, CLASSES):
            return {}
        return {kind: "visit" for kind in _BODY_NODES}

    def visit(self, node: ast.AST) -> None:
        owner, loop, conditional = _context(self.ctx, node)
        if owner is None:
            return
        self.walked.setdefault(id(owner), []).append((node, loop))
        if conditional:
            self.conditional.add(id(node))

    def end_file(self) -> None:
        walked = self.walked if self.level == FULL else _OwnWalked(
            self.ctx, _DEFINITION_NODES if self.level == CLASSES else _RETURN_GRAPH_NODES)
        self.ctx.emit_fact(FACT_KIND, _Extractor(self.ctx, walked, self.conditional,
                                                 level=self.level,
                                                 call_order=_CallOrder(self.ctx.semantic.calls)
                                                 if self.level == CALLS else {}).run())


class _CallOrder(Mapping[int, tuple[int, ast.Call]]):
    """Each call's place among the file's calls in walk order, keyed by its id: what the
    call graph level looks up for the calls a function returns (the order of its call
    sites). Numbered from the semantic model's list on the first look-up, so a file whose
    functions return no call numbers none."""

    def __init__(self, calls: list[ast.Call]) -> None:
        self._calls = calls
        self._order: dict[int, tuple[int, ast.Call]] | None = None

    def _numbered(self) -> dict[int, tuple[int, ast.Call]]:
        if self._order is None:
            self._order = {id(call): (i, call) for i, call in enumerate(self._calls)}
        return self._order

    def __getitem__(self, key: int) -> tuple[int, ast.Call]:
        return self._numbered()[key]

    def __contains__(self, key: object) -> bool:
        return key in self._numbered()

    def __iter__(self) -> Iterator[int]:
        return iter(self._numbered())

    def __len__(self) -> int:
        return len(self._numbered())


class _OwnWalked:
    """What `ProgramCollector.visit` would have recorded below the whole model, read from
    the semantic model's statement lists instead: a function's own statements of the
    level's kinds, in walk order, each without a loop (the lower levels read neither loops
    nor branches). The node types are all statements, and a statement is a function's own
    code exactly when its scope is that function's (no statement is inside a lambda or a
    comprehension), which is what `_context` finds by climbing the parents of each."""

    def __init__(self, ctx: FileContext, kinds: tuple[type[ast.AST], ...]) -> None:
        self.semantic = ctx.semantic
        self.kinds = frozenset(kinds)

    def of(self, function: ast.AST) -> list[tuple[ast.AST, ast.AST | None]]:
        kinds = self.kinds
        return [(stmt, None) for stmt in self.semantic.own_statements(function)
                if type(stmt) in kinds]


_DEFINITION_NODES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
def _stub_raises(func: ast.FunctionDef | ast.AsyncFunctionDef) -> set[int]:
    """A stub whose body only raises (`def list(self, request): raise Http404()`): the calls
    that build what it raises, so the call graph level tells a stub from a handler as the
    whole model does (where they are the function's only call sites)."""
    body = func.body[1:] if func.body and isinstance(func.body[0], ast.Expr) and isinstance(
        func.body[0].value, ast.Constant) else func.body
    if not body or not all(isinstance(stmt, ast.Raise) for stmt in body):
        return set()
    return {id(part) for stmt in body for expr in (stmt.exc, stmt.cause) if expr is not None
            for part in walk(expr) if isinstance(part, ast.Call)}


_RETURN_GRAPH_NODES = (ast.Return, ast.Assign, ast.AnnAssign, *_DEFINITION_NODES)
_BODY_NODES = (ast.Call, *_RETURN_GRAPH_NODES, ast.If, ast.Try)
# Argument shapes that can be built from constants beyond a literal: a local or constant
# name, an entry of a mapping, a call (a record of constants, a function returning one), an
# f-string or concatenation of constants.
_COLLECTIONS = (ast.Dict, ast.List, ast.Set, ast.DictComp, ast.ListComp, ast.SetComp)
_CONST_BUILT = (ast.Name, ast.Subscript, ast.Call, ast.Attribute, ast.JoinedStr, ast.BinOp)


def constant_needs(ctx: FileContext, expr: ast.expr, quoted: bool = False
                   ) -> list[ConstNeed] | None:
    """What the value of `expr` (in its function) needs to be a constant, for a rule that
    lets the project phase decide (BR101); None when it may hold a runtime value. `quoted`:
    a call of a runtime value may also be a project function that quotes it for SQL (a
    `quoted` need), which is as safe as a constant in SQL text."""
    extractor = _Extractor(ctx, {}, set())
    extractor.quoted_ok = quoted
    func = ctx.semantic.enclosing_function(expr)
    cls_node = ctx.semantic.enclosing_class(expr)
    cls: ClassInfo | None = None
    self_name: str | None = None
    if cls_node is not None and func is not None and \
            ctx.semantic.parent(func) is cls_node:
        cls = ClassInfo(qualname=_qualname_of(ctx, cls_node), name=cls_node.name,
                        path=ctx.path, line=cls_node.lineno)
        params = [*func.args.posonlyargs, *func.args.args]
        self_name = params[0].arg if params else None
    return extractor.const_needs(expr, (cls, self_name, {}))


def definition_ref(ctx: FileContext, expr: ast.AST,
                   kinds: tuple[str, ...] = ("class",)) -> str | None:
    """A dotted reference to the project definition `expr` names (a class by default; pass
    `kinds` to accept functions too): through imports, or `module.Name` for one defined at
    this module's top level. Builtins, locals and parameters give None."""
    qualified = ctx.qualified_name(expr)
    if qualified:
        return None if qualified.startswith("builtins.") else qualified
    if isinstance(expr, ast.Name):
        scope, bindings = ctx.semantic.lookup(expr.id, expr)
        if scope is ctx.semantic.module_scope and bindings and all(
                b.kind in kinds for b in bindings):
            return f"{ctx.module}.{expr.id}"
    return None


def callee_of(ctx: FileContext, call: ast.Call) -> Callee | None:
    """What `call` calls, as its file can tell (the same answer the extraction records for
    the call sites of the program model), for rules that join their own facts to it."""
    func = ctx.semantic.enclosing_function(call)
    cls_node = ctx.semantic.enclosing_class(call)
    cls: ClassInfo | None = None
    self_name: str | None = None
    if cls_node is not None and func is not None and ctx.semantic.parent(func) is cls_node:
        cls = ClassInfo(qualname=_qualname_of(ctx, cls_node), name=cls_node.name,
                        path=ctx.path, line=cls_node.lineno)
        params = [*func.args.posonlyargs, *func.args.args]
        self_name = params[0].arg if params else None
    extractor = getattr(ctx, "_callee_extractor", None)
    if extractor is None:
        extractor = _Extractor(ctx, {}, set())
        ctx._callee_extractor = extractor  # type: ignore[attr-defined]
    return extractor._callee(call, cls, self_name, {})


def _qualname_of(ctx: FileContext, node: ast.AST) -> str:
    names = [getattr(node, "name", "")]
    for anc in ctx.semantic.ancestors(node):
        if isinstance(anc, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            names.append(anc.name)
    return ".".join([ctx.module, *reversed(names)])


_CONDITIONS = (ast.If, ast.IfExp, ast.BoolOp, ast.ExceptHandler, ast.Match, ast.While)
# The same as sets of exact types: `_context` runs for every call, return and assignment of
# every file, up through all their ancestors, and a set lookup by type is the cheapest test.
_FUNCTION_TYPES = frozenset({ast.FunctionDef, ast.AsyncFunctionDef})
_OPAQUE_TYPES = frozenset({ast.Lambda, ast.ClassDef})
_CONDITION_TYPES = frozenset(_CONDITIONS)
_COMPREHENSION_TYPES = frozenset(_COMPREHENSIONS)
_FOR_TYPES = frozenset({ast.For, ast.AsyncFor})
_LOOP_TYPES = _FOR_TYPES | _COMPREHENSION_TYPES | {ast.While, ast.comprehension}


def _context(ctx: FileContext, node: ast.AST
             ) -> tuple[ast.AST | None, ast.AST | None, bool]:
    """The function whose own code `node` is (None: module or class level, or inside a
    lambda), the innermost loop that runs it once per item, and whether it runs only on
    some paths of that function."""
    loop: ast.AST | None = None
    conditional = False
    child = node
    skip: ast.AST | None = None  # a comprehension whose first iterable `node` is part of
    for anc in ctx.semantic.ancestors(node):
        kind = type(anc)
        if kind in _FUNCTION_TYPES:
            if any(child is stmt for stmt in anc.body):  # type: ignore[attr-defined]
                return anc, loop, conditional
            # A decorator, default or annotation runs where the function is defined, not
            # when it is called: it is the enclosing scope's code.
            loop, conditional = None, False
            child = anc
            continue
        if kind in _OPAQUE_TYPES:
            return None, None, False
        if loop is None and kind in _LOOP_TYPES:
            if kind in _FOR_TYPES:
                # In the body: neither the target, the iterable nor the `else` clause.
                if child is not anc.iter and child is not anc.target and not any(  # type: ignore[attr-defined]
                        child is stmt for stmt in anc.orelse):  # type: ignore[attr-defined]
                    loop = anc
            elif kind is ast.While:
                if not any(child is stmt for stmt in anc.orelse):  # type: ignore[attr-defined]
                    loop = anc
            elif kind is ast.comprehension:
                parent = ctx.semantic.parent(anc)
                if type(parent) in _COMPREHENSION_TYPES and \
                        parent.generators[0] is anc and child is anc.iter:  # type: ignore[union-attr]
                    skip = parent
            elif anc is not skip:
                loop = anc
        if kind in _CONDITION_TYPES and not _evaluated_first(anc, child):
            conditional = True
        child = anc
    return None, None, False


_ROW_WRAPPERS = frozenset({"builtins.enumerate", "builtins.list", "builtins.sorted",
                           "builtins.reversed", "builtins.tuple"})


def _loop_iterable(loop: ast.AST) -> ast.expr | None:
    if isinstance(loop, ast.For | ast.AsyncFor):
        return loop.iter
    if isinstance(loop, _COMPREHENSIONS):
        return loop.generators[0].iter
    return None


def _evaluated_first(condition: ast.AST, child: ast.AST) -> bool:
    """`child` is the part of `condition` that always runs: the test of an `if` / `while` /
    conditional expression, the subject of a `match`, the first operand of `and` / `or`
    (`debits.aggregate(...)["x"] or Decimal(0)` queries on every call)."""
    if isinstance(condition, ast.BoolOp):
        return child is condition.values[0]
    if isinstance(condition, ast.Match):
        return child is condition.subject
    return child is getattr(condition, "test", None)


class _Extractor:
    def __init__(self, ctx: FileContext,
                 walked: dict[int, list[tuple[ast.AST, ast.AST | None]]] | _OwnWalked,
                 conditional: set[int], level: str = FULL,
                 call_order: Mapping[int, tuple[int, ast.Call]] | None = None) -> None:
        self.ctx = ctx
        self.walked = walked
        self.conditional_nodes = conditional
        self.call_order = {} if call_order is None else call_order
        self.quoted_ok = False  # see constant_needs
        # Whether a name checked against a fixed set counts as a constant: not for call
        # arguments (_const_args), where the check would run for every runtime argument of
        # every call of the project.
        self.guards_ok = True
        # `bodies` False: the classes level (definitions, bases and signatures only); `full`
        # False as well: the call graph level (see CALLS).
        self.full = level == FULL
        self.bodies = level != CLASSES
        # `f"{url}/api/create"` is written with `}/`: a file without it has no upstream path
        # to read (_upstream_paths), and most files have none.
        self.joins_paths = "}/" in ctx.text
        self.module = ctx.module
        sem = ctx.semantic
        self.django = sem.is_imported("django") or sem.is_imported("rest_framework")
        self.sqla = any(sem.is_imported(m) for m in _SQLA_MODULES)
        self.functions: list[FunctionInfo] = []
        self.classes: list[ClassInfo] = []
        self.origins = OriginFinder(ctx)
        self._row_loops: dict[int, bool] = {}
        self._cache_use: bool | None = None  # see cache_use

    @property
    def cache_use(self) -> bool:
        """Whether any function of the file may read a cache: most do not, and the text of
        every function is then not searched. (Bodies are not read at the classes level.)
        Answered on first use: the extractor `callee_of` makes for a file's rules only
        resolves callees, and the search of the whole text (about 0.4 ms a file that says
        "cache") was paid for nothing there."""
        found = self._cache_use
        if found is None:
            found = self._cache_use = self.full and "cache" in self.ctx.text and \
                _CACHE_USE.search(self.ctx.text) is not None
        return found

    def run(self) -> ModuleInfo:
        tree = self.ctx.tree
        self._body(tree.body, self.module, None)
        imports: dict[str, str] = {}
        constants: dict[str, str] = {}
        path_constants: dict[str, str] = {}
        instances: dict[str, str] = {}
        loads: dict[str, str] = {}
        wraps: dict[str, str] = {}
        for name, bindings in self.ctx.semantic.module_scope.bindings.items():
            qualified = {b.qualified for b in bindings if b.kind == "import"}
            if len(qualified) == 1 and len(bindings) == 1:
                imports[name] = next(iter(qualified))  # type: ignore[arg-type]
            # A constant is bound once, and by no function through `global NAME`. Read at
            # every level: route paths are built of them (path_constants), and the route
            # model runs beside any level.
            once = len(bindings) == 1 and not self.ctx.semantic.declared_global(name)
            if once and bindings[0].kind == "assign" and isinstance(
                    bindings[0].value, ast.Constant) and isinstance(bindings[0].value.value, str):
                constants[name] = bindings[0].value.value
            elif once and bindings[0].kind in (
                    "assign", "annassign") and isinstance(bindings[0].value, _COMPOSED):
                text = path_text(self.ctx, bindings[0].value)
                if text is not None:
                    path_constants[name] = text
            made = self._instance_type(bindings)
            if made:
                instances[name] = made
                value = bindings[0].value
                spec = loaded_spec(value, self._ref(value.func)) if isinstance(
                    value, ast.Call) else None
                if spec is not None:
                    loads[name] = spec
                wrapped = self._wrapped(value)
                if wrapped:
                    wraps[name] = wrapped
        return ModuleInfo(name=self.module, path=self.ctx.path, imports=dict(sorted(
            imports.items())), functions=tuple(self.functions), classes=tuple(self.classes),
            constants=dict(sorted(constants.items())),
            path_constants=dict(sorted(path_constants.items())),
            instances=dict(sorted(instances.items())),
            star_imports=_star_imports(self.ctx.path, self.module, tree),
            toplevel_calls=self._toplevel_calls() if self.full else (),
            loads=dict(sorted(loads.items())),
            registrations=self._registrations() if self.bodies else (),
            wraps=dict(sorted(wraps.items())))

    def _wrapped(self, value: ast.expr | None) -> str | None:
        """`f(Cls())` / `f(func)`: the reference of the one definition the call wraps
        (ModuleInfo.wraps), else None."""
        if not isinstance(value, ast.Call) or len(value.args) != 1:
            return None
        arg = value.args[0]
        if isinstance(arg, ast.Call) and not arg.args and not arg.keywords:
            arg = arg.func  # an instance of the class: its methods are the code
        return self._ref(arg) if isinstance(arg, ast.Name | ast.Attribute) else None

    def first_ref(self, call: ast.Call) -> str:
        """CallSite.first_ref: the first positional argument as a reference to a definition
        or a module-level object, or as the dotted name a string spells; "" otherwise."""
        if not call.args:
            return ""
        arg = call.args[0]
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            return arg.value if _DOTTED.fullmatch(arg.value) else ""
        if isinstance(arg, ast.Name):
            ref = self._ref(arg)
            if ref is None:
                scope, bindings = self.ctx.semantic.lookup(arg.id, arg)
                if scope is self.ctx.semantic.module_scope and self._instance_type(bindings):
                    ref = f"{self.module}.{arg.id}"
            return ref or ""
        if isinstance(arg, ast.Attribute):
            return self._ref(arg) or ""
        return ""

    def _toplevel_calls(self) -> tuple[CallSite, ...]:
        """The calls of the module's own top-level code, not of a function or class body
        (ModuleInfo.toplevel_calls), whose callee is a reference the model may resolve."""
        out: list[CallSite] = []
        for node in own_nodes(self.ctx.tree):
            if not isinstance(node, ast.Call):
                continue
            callee = self._callee(node, None, None, {})
            if callee is not None and callee.kind == "ref":
                out.append(self._site(node, callee, set(), passed_args=passed_args(node),
                                      static_args=static_args(self.ctx, node)))
        return tuple(out)

    def _registrations(self) -> tuple[Registration, ...]:
        """Functions handed to a framework that calls them later (facts.Registration):
        `x.connect(fn)`, `x.add_job(fn)`, `register.filter("name", fn)` anywhere in the file,
        and `@receiver(signal, ...)` on a def. Only what the file resolves: a registrar
        written as a reference (or a method of an object this module or function made),
        a function written as a reference or a def of an enclosing function."""
        out: list[Registration] = []
        sem = self.ctx.semantic
        for call in sem.calls_named(_REGISTRARS):
            func = call.func
            if isinstance(func, ast.Name):
                if func.id != "receiver":
                    continue
                registrar = self._ref(func)
                owner = sem.parent(call)
                if not registrar or not isinstance(
                        owner, ast.FunctionDef | ast.AsyncFunctionDef) or not any(
                        dec is call for dec in owner.decorator_list):
                    continue
                target = self._def_qualname(owner)
                signals = call.args[0] if call.args else None
                parts = signals.elts if isinstance(signals, ast.List | ast.Tuple) else [signals]
                for part in parts:
                    subject = self._ref(part) or self._made_here(part) if part else None
                    out.append(Registration(registrar, target, call.lineno, subject or ""))
                continue
            if not isinstance(func, ast.Attribute):
                continue
            registrar = self._ref(func) or self._made_here(func.value)
            if not registrar:
                continue
            if not self._ref(func):
                registrar = f"{registrar}.{func.attr}"
            values = [*call.args, *(k.value for k in call.keywords if k.arg in _HANDED)]
            for value in values:
                target = self._function_ref(value)
                if target:
                    out.append(Registration(registrar, target, call.lineno))
        return tuple(out)

    def _made_here(self, expr: ast.expr) -> str | None:
        """`sig` of `sig.connect(...)` as a reference: a module-level object of this module
        (`module.sig`), or a local bound once to a call of a referenced class or factory
        (`scheduler = BackgroundScheduler()`: that class's reference)."""
        if not isinstance(expr, ast.Name):
            return None
        scope, bindings = self.ctx.semantic.lookup(expr.id, expr)
        if scope is self.ctx.semantic.module_scope and self._instance_type(bindings):
            return f"{self.module}.{expr.id}"
        if scope is not None and scope.is_function and len(bindings) == 1 and bindings[
                0].kind == "assign" and isinstance(bindings[0].value, ast.Call):
            return self._ref(bindings[0].value.func)
        return None

    def _function_ref(self, expr: ast.expr) -> str | None:
        """A function written as a reference (`tasks.cleanup`, `on_save`) or the name of a
        def of an enclosing function; None for anything else (a call, a lambda)."""
        if isinstance(expr, ast.Name):
            return self._ref(expr) or self._nested_def(expr)
        if isinstance(expr, ast.Attribute):
            return self._ref(expr)
        return None

    def _nested_def(self, name: ast.Name) -> str | None:
        """The qualname of the def `name` names when it is bound once, by that def, in an
        enclosing function (`def outer(): def helper(): ...; helper()`): what the model
        records for it (`module.outer.helper`)."""
        scope, bindings = self.ctx.semantic.lookup(name.id, name)
        if scope is None or not scope.is_function or len(bindings) != 1 or bindings[
                0].kind != "def":
            return None
        node = bindings[0].node
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            return None
        return self._def_qualname(node)

    def _def_qualname(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
        """The qualname `_body` / `_function` give the def (`module.Class.method.inner`)."""
        names = [node.name]
        for anc in self.ctx.semantic.ancestors(node):
            if isinstance(anc, _DEFINITION_NODES):
                names.append(anc.name)
        return ".".join([self.module, *reversed(names)])

    def _instance_type(self, bindings: list) -> str | None:  # type: ignore[type-arg]
        """`db = Database()` / `db: Database = make_db()` at module level: the reference of
        the object's class (or of the factory that makes it), so `db.counts(...)` in any
        module resolves as a method call."""
        if len(bindings) != 1 or bindings[0].kind not in ("assign", "annassign"):
            return None
        node, value = bindings[0].node, bindings[0].value
        if isinstance(node, ast.AnnAssign):
            made = self._ref(node.annotation)
            if made:
                return made
        return self._ref(value.func) if isinstance(value, ast.Call) else None

    # -- definitions -------------------------------------------------------------------------
    def _body(self, body: list[ast.stmt], prefix: str, cls: ClassInfo | None) -> None:
        # Definitions under `if` / `try` at module or class level count too (conditional
        # imports of implementations, `if TYPE_CHECKING`).
        stack = list(reversed(body))
        while stack:
            stmt = stack.pop()
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
                self._function(stmt, prefix, cls)
            elif isinstance(stmt, ast.ClassDef):
                self._class(stmt, prefix)
            elif isinstance(stmt, ast.If | ast.Try | ast.With):
                for part in ("body", "orelse", "finalbody", "handlers"):
                    for child in reversed(getattr(stmt, part, [])):
                        if isinstance(child, ast.ExceptHandler):
                            stack.extend(reversed(child.body))
                        else:
                            stack.append(child)

    def _class(self, node: ast.ClassDef, prefix: str) -> None:
        qualname = f"{prefix}.{node.name}"
        bases = tuple(ref for ref in (self._ref(_unsubscript(b)) for b in node.bases) if ref)
        if not self.bodies:
            info = ClassInfo(qualname=qualname, name=node.name, path=self.ctx.path,
                             line=node.lineno, bases=bases)
            self.classes.append(info)
            self._body(node.body, qualname, info)
            return
        literal = tuple(
            target.id for stmt in node.body
            if isinstance(stmt, ast.Assign | ast.AnnAssign) and stmt.value is not None
            for target in (stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target])
            if isinstance(target, ast.Name) and self.const_needs(stmt.value, None) == []
        ) if self.full else ()
        numbers = tuple(name for name in (numeric_column(self.ctx, stmt) for stmt in node.body)
                        if name) if self.full else ()
        assigned = tuple(
            target.id for stmt in node.body
            if isinstance(stmt, ast.Assign | ast.AnnAssign) and stmt.value is not None
            for target in (stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target])
            if isinstance(target, ast.Name)) if self.full else ()
        info = ClassInfo(qualname=qualname, name=node.name, path=self.ctx.path,
                         line=node.lineno, bases=bases, const_attrs=literal,
                         number_attrs=numbers, assigned_attrs=assigned)
        for stmt in node.body:
            if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                ref = self._type_ref(stmt.annotation)
                if ref is None and isinstance(stmt.value, ast.Call):
                    ref = self._ref(stmt.value.func)
                if ref:
                    info.attr_types[stmt.target.id] = ref
            elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(
                    stmt.targets[0], ast.Name) and isinstance(stmt.value, ast.Call):
                ref = self._ref(stmt.value.func)
                if ref:
                    info.attr_types[stmt.targets[0].id] = ref
                    if ref.endswith("SerializerMethodField"):
                        info.method_fields[method_field_method(
                            stmt.value, stmt.targets[0].id)] = stmt.targets[0].id
                    target = _relation_target(stmt.value)
                    target_ref = self._ref(target) if target is not None else None
                    if target_ref:
                        info.attr_targets[stmt.targets[0].id] = target_ref
            elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(
                    stmt.targets[0], ast.Name) and _CLASS_SLOT.search(stmt.targets[0].id):
                # `form_class = LoginForm`: the class a library view instantiates itself.
                ref = self._ref(stmt.value)
                if ref:
                    info.class_refs[stmt.targets[0].id] = ref
            elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(
                    stmt.targets[0], ast.Name) and stmt.targets[0].id == "filter_backends" \
                    and isinstance(stmt.value, ast.List | ast.Tuple):
                # DRF's `filter_backends = (A, B)`: one slot per class, in order
                # (`filter_backends[0]`...; `filter_backends[]` for an empty list, which
                # still overrides a base's)
                refs = [self._ref(e) for e in stmt.value.elts]
                for index, ref in enumerate(refs):
                    if ref:
                        info.class_refs[f"filter_backends[{index}]"] = ref
                if not refs:
                    info.class_refs["filter_backends[]"] = ""
        self._untold_slots(node, info)
        self.classes.append(info)
        self._body(node.body, qualname, info)

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, prefix: str,
                  cls: ClassInfo | None, closure: dict[str, str] | None = None
                  ) -> FunctionInfo:
        """`closure`: the types of the enclosing function's parameters and locals, which a
        nested function reads unless it binds the name itself (a route handler defined in
        `def get_router(store: LineageStore)` calling `store.get_jobs()`)."""
        ctx = self.ctx
        qualname = f"{prefix}.{node.name}"
        decorators = tuple(decorator_names(ctx, node))
        kind = "function"
        if cls is not None:
            kind = "method"
            for dec in decorators:
                last = dec.rsplit(".", 1)[-1]
                if last in ("property", "cached_property"):
                    kind = "property"
                elif last in ("classmethod", "staticmethod"):
                    kind = last
            cls.methods[node.name] = qualname
        args = node.args
        params = tuple(a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs])
        if not self.bodies:
            return self._signature(node, qualname, cls, kind, params, decorators)
        param_types: dict[str, str] = {}
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
            if arg.annotation is not None:
                ref = self._type_ref(arg.annotation)
                if ref:
                    param_types[arg.arg] = ref
        self_name = params[0] if cls is not None and kind != "staticmethod" and params else None
        # One walk of the body serves every question below (the body is not walked again).
        walked = self._walked(node)
        own = [n for n, _ in walked]
        if cls is not None and self_name:
            self._instance_attrs(own, self_name, param_types, cls)
        outer = _unshadowed(closure, node, own) if closure else {}
        if self.full:
            local_types = self._local_types(own, self_name if cls is not None else None)
            types = {**outer, **local_types, **param_types}
            calls, effects = self._body_facts(node, walked, own, cls, self_name, types)
        else:
            local_types, effects = {}, []
            types = {**outer, **param_types}
            calls = self._returned_sites(node, own, cls, self_name, types)
        # Functions nested in this one (decorator wrappers, local helpers). A wrapper that
        # turns anonymous callers away makes its decorator an auth check.
        for child in own:
            if isinstance(child, ast.ClassDef):
                self._class(child, qualname)
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                inner = self._function(child, qualname, None, closure=types)
                if any(e.kind == AUTH and not e.detail.startswith("@") for e in inner.effects):
                    effects.append(Effect(AUTH, child.lineno, f"{child.name}()"))
        for dec in decorators if self.full else ():
            marker = classify(dec)
            if marker == "limit":
                effects.append(Effect(LIMIT, node.lineno, f"@{dec}"))
            elif marker == "auth":
                effects.append(Effect(AUTH, node.lineno, f"@{dec}"))
        # Decorators as references the project phase can resolve (a module-level def of this
        # file is `module.name`), else as the file names them.
        refs = tuple(self._ref(d.func if isinstance(d, ast.Call) else d) or name
                     for d, name in zip(node.decorator_list, decorators, strict=False))
        const_return, const_needs = self._const_return(own, cls, self_name, types) \
            if self.full else (False, ())
        info = FunctionInfo(
            qualname=qualname, name=node.name, path=ctx.path, line=node.lineno,
            cls=cls.qualname if cls is not None else None, kind=kind, params=params,
            varkw=node.args.kwarg is not None,
            page_reads=tuple(dict.fromkeys(key for part in own
                                           if (key := read_page_key(part)) is not None))
            if self.full else (),
            decorators=refs, param_types=param_types, local_types=local_types,
            returns=self._type_ref(node.returns) if node.returns is not None else None,
            calls=tuple(calls), effects=tuple(_dedupe(effects)),
            const_return=const_return, const_needs=const_needs,
            quotes=self.full and quoting_function(node), wraps_only=wraps_only(node),
            redirects=self.full and redirects_only(ctx, own),
            auth_acts=_auth_acts(own) if self.full else (),
            value_uses=_value_uses(own, params) if self.full else (),
            user_filter=_user_filter(own, params) if self.bodies else "",
            staff_flag=_staff_flag(own, params) if self.bodies else "",
            upstream_paths=_upstream_paths(self.ctx.semantic.own_statements(node),
                                           self.ctx.lines)
            if self.bodies and self.joins_paths else (),
            positional=len(args.posonlyargs) + len(args.args),
            end_line=node.end_lineno or node.lineno, imports=self._own_imports(node),
            gates=_gates(ctx, own) if closure is not None and self.full else (),
        )
        self.functions.append(info)
        return info

    def _signature(self, node: ast.FunctionDef | ast.AsyncFunctionDef, qualname: str,
                   cls: ClassInfo | None, kind: str, params: tuple[str, ...],
                   decorators: tuple[str, ...]) -> FunctionInfo:
        """The classes level of a function: what resolving a reference through it needs
        (where it is, its parameters and decorators, the class its return annotation names),
        and the definitions nested in it; none of its body's calls, effects or types."""
        for child, _ in self._walked(node):
            if isinstance(child, ast.ClassDef):
                self._class(child, qualname)
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                self._function(child, qualname, None)
        refs = tuple(self._ref(d.func if isinstance(d, ast.Call) else d) or name
                     for d, name in zip(node.decorator_list, decorators, strict=False))
        info = FunctionInfo(
            qualname=qualname, name=node.name, path=self.ctx.path, line=node.lineno,
            cls=cls.qualname if cls is not None else None, kind=kind, params=params,
            varkw=node.args.kwarg is not None,
            decorators=refs, wraps_only=wraps_only(node),
            returns=self._type_ref(node.returns) if node.returns is not None else None,
            end_line=node.end_lineno or node.lineno, imports=self._own_imports(node),
            positional=len(node.args.posonlyargs) + len(node.args.args))
        self.functions.append(info)
        return info

    def _untold_slots(self, node: ast.ClassDef, info: ClassInfo) -> None:
        """A `*_class` / `*_form` name the class body binds other than by one plain
        assignment of its own (twice, under an `if` or `try`, by unpacking, by an import) holds
        what cannot be told: "" (as `filter_backends[]`), which overrides a base's class."""
        scope = self.ctx.semantic.scope_for(node)
        if scope is None:
            return
        top = {id(stmt) for stmt in node.body}
        for name, bindings in sorted(scope.bindings.items()):
            if not _CLASS_SLOT.search(name) or any(b.kind in ("def", "class") for b in bindings):
                continue
            stmt = bindings[0].node
            plain = len(bindings) == 1 and id(stmt) in top and (
                isinstance(stmt, ast.AnnAssign) or (isinstance(stmt, ast.Assign) and len(
                    stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)))
            if not plain:
                info.class_refs[name] = ""

    def _own_imports(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, str]:
        """The names the function's own body imports, each bound once in its scope; "" for
        a name it binds otherwise that an import there or in an enclosing def would give (also
        assigned, imported twice, a parameter of an inner def): it shadows that import, and
        cannot be told."""
        scope = self.ctx.semantic.scope_for(node)
        if scope is None:
            return {}
        outer: set[str] = set()
        up = scope.parent
        while up is not None:
            if up.is_function:
                outer.update(name for name, bindings in up.bindings.items()
                             if any(b.kind == "import" for b in bindings))
            up = up.parent
        out: dict[str, str] = {}
        for name, bindings in sorted(scope.bindings.items()):
            if len(bindings) == 1 and bindings[0].kind == "import" and bindings[0].qualified:
                out[name] = bindings[0].qualified
            elif name in outer or any(b.kind == "import" for b in bindings):
                out[name] = ""
        return out

    def _walked(self, function: ast.AST) -> list[tuple[ast.AST, ast.AST | None]]:
        walked = self.walked
        if isinstance(walked, _OwnWalked):
            return walked.of(function)
        return walked.get(id(function), [])

    def _local_types(self, own: list[ast.AST], self_name: str | None = None) -> dict[str, str]:
        """Locals assigned once from a call of a known name: `repo = UserRepo(db)`,
        `svc = get_service()` (the project phase tells a class from a factory), or from a
        call of a class attribute of the method's own class (`form = self.form_class(...)`:
        SELF_CLASS)."""
        seen: dict[str, set[str | None]] = {}
        keeps: dict[str, set[str]] = {}
        for node in own:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(
                    node.targets[0], ast.Name):
                value = node.value
                ref = self._ref(value.func) if isinstance(value, ast.Call) else None
                if ref is None and self_name and isinstance(value, ast.Call) and isinstance(
                        value.func, ast.Attribute) and isinstance(value.func.value, ast.Name) \
                        and value.func.value.id == self_name:
                    ref = SELF_CLASS + value.func.attr
                name = node.targets[0].id
                if ref is None and isinstance(value, ast.Call) and isinstance(
                        value.func, ast.Attribute) and isinstance(value.func.value, ast.Name) \
                        and value.func.value.id == name:
                    # `user = user.create()`: the same class if that method returns it (KEEPS)
                    keeps.setdefault(name, set()).add(value.func.attr)
                    continue
                seen.setdefault(name, set()).add(ref)
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                seen.setdefault(node.target.id, set()).add(self._type_ref(node.annotation))
        out = {name: next(iter(refs)) for name, refs in sorted(seen.items())  # type: ignore[misc]
               if len(refs) == 1 and None not in refs}
        for name, methods in keeps.items():
            if name in out and not derived_ref(out[name]):
                out[name] = KEEPS.join([out[name], *sorted(methods)])
            else:
                out.pop(name, None)
        return out

    def _instance_attrs(self, own: list[ast.AST], self_name: str, param_types: dict[str, str],
                        cls: ClassInfo) -> None:
        for node in own:
            if not isinstance(node, ast.Assign | ast.AnnAssign):
                continue
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if not (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
                        and target.value.id == self_name):
                    continue
                if node.value is not None:
                    # Every assignment of the attribute must load the same class: one
                    # assigning anything else (`self.login_view = MagicLinkPage`, in an
                    # override or a branch) leaves "" — the class it holds cannot be told.
                    spec = loaded_spec(node.value, self._ref(node.value.func)) \
                        if isinstance(node.value, ast.Call) else None
                    before = cls.loads.get(target.attr, spec or "")
                    cls.loads[target.attr] = spec if spec and before == spec else ""
                if target.attr in cls.attr_types:
                    continue
                ref: str | None = None
                if isinstance(node, ast.AnnAssign):
                    ref = self._type_ref(node.annotation)
                value = node.value
                if ref is None and isinstance(value, ast.Call):
                    ref = self._ref(value.func)
                elif ref is None and isinstance(value, ast.Name):
                    ref = param_types.get(value.id)
                if ref:
                    cls.attr_types[target.attr] = ref

    # -- bodies ------------------------------------------------------------------------------
    def _body_facts(self, func: ast.FunctionDef | ast.AsyncFunctionDef,
                    walked: list[tuple[ast.AST, ast.AST | None]], own: list[ast.AST],
                    cls: ClassInfo | None, self_name: str | None, types: dict[str, str]
                    ) -> tuple[list[CallSite], list[Effect]]:
        ctx = self.ctx
        returned = self._returned_calls(own)
        answered = answered_calls(self.ctx, own)
        calls: list[CallSite] = []
        effects: list[Effect] = []
        for node, loop in walked:
            if isinstance(node, ast.Call):
                query = self._query(node)
                conditional = id(node) in self.conditional_nodes
                if query is not None:
                    effects.append(Effect(QUERY, node.lineno, query[0], write=query[1],
                                          conditional=conditional, fixed=_fixed_query(node)))
                callee = self._callee(node, cls, self_name, types)
                if callee is not None:
                    calls.append(self._site(
                        node, callee, returned, answered=id(node) in answered,
                        loop_line=loop.lineno if loop is not None else 0,
                        loop_literal=loop is not None and _literal_loop(ctx, loop),
                        loop_item=loop is not None and _uses_loop_variable(node, loop),
                        loop_rows=loop is not None and self._rows_loop(loop),
                        loop_source=self._loop_source(loop) if loop is not None else (),
                        conditional=conditional, static_args=(fixed := static_args(ctx, node)),
                        passed_args=passed_args(node),
                        const_args=self._const_args(node, fixed, (cls, self_name, types)),
                        inert_args=(inert := inert_args(ctx, node, fixed)),
                        requester_args=requester_args(node),
                        literal_args=literal_args(node),
                        number_args=number_args(ctx, node, (*fixed, *inert)),
                        first_ref=self.first_ref(node)))
            elif isinstance(node, ast.Return) and node.value is not None:
                found = unbounded_query(ctx, node.value, func)
                # A rendered page is not rows handed back to a caller: BR303 reports it
                # at the route whose handler renders it.
                if found is not None and not found.rendered:
                    effects.append(Effect(UNBOUNDED, node.lineno, found.text,
                                          unless=found.unless, guard=found.guard,
                                          by_default=found.by_default))
            elif isinstance(node, ast.If) and _rejects_anonymous(ctx, node):
                effects.append(Effect(AUTH, node.lineno, _short(ctx.source(node.test))))
            elif isinstance(node, ast.Try) and _refuses_failed_check(ctx, func, node):
                effects.append(Effect(AUTH, node.lineno, "try: " + _short(
                    ctx.source(node.body[0]), 60) + " (a failure refuses the caller)"))
        if self.cache_use and _CACHE_USE.search(ctx.source(func)):
            # Reads behind a cache lookup run once per key, not once per call.
            effects = [e for e in effects if e.kind != QUERY or e.write]
        effects += _limit_effects(ctx, func, walked)
        effects += credential_checks(ctx, func, own, self_name)
        return calls, effects

    def _returned_sites(self, func: ast.FunctionDef | ast.AsyncFunctionDef, own: list[ast.AST],
                        cls: ClassInfo | None, self_name: str | None,
                        param_types: dict[str, str]) -> list[CallSite]:
        """The call graph level: the call sites of `func`'s own code whose value it returns,
        in the order the whole model lists them, with the callee it would give them."""
        returned = self._returned_calls(own) or _stub_raises(func)
        if not returned:
            return []
        order = self.call_order
        nodes = sorted((order[key] for key in returned if key in order), key=lambda p: p[0])
        # The locals' types and the answered calls are read only once a call is this
        # function's own, and once one has a callee: most returned calls are neither (a
        # call in a lambda or a nested def, a builtin's), and both readings are pure.
        types: dict[str, str] | None = None
        answered: set[int] | None = None
        calls: list[CallSite] = []
        for _, node in nodes:
            if _context(self.ctx, node)[0] is not func:
                continue  # in a lambda or a nested function: not this function's own call
            if types is None:
                types = {**self._local_types(own, self_name if cls is not None else None),
                         **param_types}
            callee = self._callee(node, cls, self_name, types)
            if callee is not None:
                if answered is None:
                    answered = answered_calls(self.ctx, own)
                # (its arguments' names too: BR301 asks whether a serializer it answers
                # with is given `many=`)
                calls.append(self._site(node, callee, returned, answered=id(node) in answered,
                                        passed_args=passed_args(node)))
        return calls

    def _site(self, node: ast.Call, callee: Callee, returned: set[int], **details: Any
              ) -> CallSite:
        return CallSite(line=node.lineno, col=node.col_offset,
                        end_line=node.end_lineno or node.lineno,
                        end_col=node.end_col_offset or node.col_offset, callee=callee,
                        text=_short(self.ctx.source(node.func)), returned=id(node) in returned,
                        **details)

    # -- constants ---------------------------------------------------------------------------
    def _const_return(self, own: list[ast.AST], cls: ClassInfo | None, self_name: str | None,
                      types: dict[str, str]) -> tuple[bool, tuple[ConstNeed, ...]]:
        returns = [n for n in own if isinstance(n, ast.Return)]
        if not returns or any(r.value is None for r in returns):
            return False, ()
        needs: list[ConstNeed] = []
        for ret in returns:
            found = self.const_needs(ret.value, (cls, self_name, types))  # type: ignore[arg-type]
            if found is None:
                return False, ()
            needs += [n for n in found if n not in needs]
        return True, tuple(needs[:8])

    def const_needs(self, expr: ast.expr,
                    scope: tuple[ClassInfo | None, str | None, dict[str, str]] | None,
                    depth: int = 0) -> list[ConstNeed] | None:
        """None when `expr` may hold a runtime value; else what it needs to be a constant
        (nothing, for literals and module constants)."""
        if depth > 6:
            return None
        cls, self_name, types = scope or (None, None, {})

        def all_of(parts: list[ast.expr]) -> list[ConstNeed] | None:
            out: list[ConstNeed] = []
            for part in parts:
                found = self.const_needs(part, scope, depth + 1)
                if found is None:
                    return None
                out += found
            return out

        if isinstance(expr, ast.Constant):
            return []
        if isinstance(expr, ast.JoinedStr):
            return all_of([v.value if isinstance(v, ast.FormattedValue) else v
                           for v in expr.values])
        if isinstance(expr, ast.BinOp):
            return all_of([expr.left, expr.right])
        if isinstance(expr, ast.Tuple | ast.List | ast.Set):
            return all_of(list(expr.elts))
        if isinstance(expr, ast.IfExp):
            return all_of([expr.body, expr.orelse])
        if isinstance(expr, ast.Name):
            return self._const_name(expr, scope, depth)
        if isinstance(expr, ast.Dict):
            return all_of([*(k for k in expr.keys if k is not None), *expr.values])
        if isinstance(expr, ast.Subscript):
            # SORT_FIELDS[key]: whatever the key, the value is one of the container's.
            return all_of([expr.value])
        if isinstance(expr, ast.Attribute):
            base = expr.value
            if isinstance(base, ast.Name) and cls is not None and (
                    base.id == self_name or base.id == "cls"):
                return [ConstNeed("attr", ref=cls.qualname, attr=expr.attr)]
            ref = self._ref(base)
            if ref is not None and expr.attr.isupper():
                return []  # another module's constant (`settings.TABLE`, `models.PREFIX`)
            if ref is not None:
                return [ConstNeed("attr", ref=ref, attr=expr.attr)]
            enum = self._member_of(base) if expr.attr in ("value", "name") else None
            return [ConstNeed("enum", ref=enum)] if enum else None
        if isinstance(expr, ast.Call):
            func = expr.func
            parts = [*expr.args, *(k.value for k in expr.keywords)]
            if isinstance(func, ast.Attribute) and func.attr in ("join", "format", "upper",
                                                                 "lower", "strip"):
                return all_of([func.value, *parts])
            if isinstance(func, ast.Attribute) and func.attr == "get" and expr.args:
                # COLUMNS.get(name, "id"): a member of a constant mapping or its constant
                # default; `COLUMNS.get(name, name)` hands back the input, so the default
                # must be constant too.
                return all_of([func.value, *parts[1:]])
            if (self.ctx.qualified_name(func) or "") in ("builtins.str", "builtins.int",
                                                          "builtins.len"):
                return all_of(parts)
            callee = self._callee(expr, cls, self_name, types) or self._record_ref(func)
            if callee is None:
                return None
            arg_needs = all_of(parts)
            if arg_needs is None:
                return [ConstNeed("quoted", callee=callee)] if self.quoted_ok and parts else None
            return [ConstNeed("call", callee=callee, args=tuple(arg_needs[:8]))]
        return None

    def _record_ref(self, func: ast.expr) -> Callee | None:
        """`Query` where this module made `Query = namedtuple("Query", [...])`: a record
        factory, named for the project phase (ModuleInfo.instances holds its factory)."""
        if not isinstance(func, ast.Name):
            return None
        scope, bindings = self.ctx.semantic.lookup(func.id, func)
        if scope is not self.ctx.semantic.module_scope or not self._instance_type(bindings):
            return None
        return Callee("ref", f"{self.module}.{func.id}")

    def _const_args(self, call: ast.Call, fixed: tuple[str, ...],
                    scope: tuple[ClassInfo | None, str | None, dict[str, str]]
                    ) -> tuple[tuple[str, tuple[ConstNeed, ...]], ...]:
        """The arguments of `call` beyond the literal ones that are built from constants
        alone, given what the project phase must check (`Query(where="1=1")` needs `Query`
        to be a plain record; `default_filter()` needs it to return constants): a callee's
        parameter is then as fixed as if a literal were passed. Only a function's calls are
        asked (not module-level ones), and only arguments that may be constant-built."""
        out: list[tuple[str, tuple[ConstNeed, ...]]] = []
        for key, arg in [*((str(i), a) for i, a in enumerate(call.args)),
                         *((k.arg, k.value) for k in call.keywords if k.arg)]:
            if isinstance(arg, ast.Starred):
                break
            if key in fixed or not isinstance(arg, _CONST_BUILT):
                continue
            self.guards_ok = False
            try:
                needs = self.const_needs(arg, scope)
            finally:
                self.guards_ok = True
            if needs is not None:
                out.append((key, tuple(needs[:8])))
        return tuple(out)

    def _const_name(self, name: ast.Name, scope: tuple[ClassInfo | None, str | None,
                                                       dict[str, str]] | None,
                    depth: int) -> list[ConstNeed] | None:
        found = self._const_bindings(name, scope, depth)
        if found is None and self.guards_ok and guarded(self.ctx, name, validators=False):
            return []  # `if key not in ALLOWED: raise` before: one of a fixed set
        return found

    def _const_bindings(self, name: ast.Name, scope: tuple[ClassInfo | None, str | None,
                                                           dict[str, str]] | None,
                        depth: int) -> list[ConstNeed] | None:
        bindings = self.ctx.reaching_bindings(name)
        if not bindings:
            # A module constant read in a function (`SORT_FIELDS`): its module bindings.
            where, module_bindings = self.ctx.semantic.lookup(name.id, name)
            if where is not self.ctx.semantic.module_scope or not name.id.isupper():
                return None
            bindings = module_bindings
        if not bindings:
            return None
        out: list[ConstNeed] = []
        for binding in bindings:
            if binding.kind == "import":
                if not name.id.isupper():
                    return None  # an imported constant by convention, nothing else
                continue
            if binding.kind in ("for", "comprehension") and binding.value is not None:
                # `for key, table in TABLE_MAP.items(): return table`: an item of a
                # collection built from constants is one
                iterated = binding.value
                if isinstance(iterated, ast.Call) and isinstance(iterated.func, ast.Attribute) \
                        and iterated.func.attr in ("items", "keys", "values") and not (
                            iterated.args or iterated.keywords):
                    iterated = iterated.func.value
                # `for t in TABLES_BY_KIND.get(kind, ())`, `for t in cls.TABLES[kind]`: an
                # entry of a constant mapping whatever the key (const_needs asks that the
                # mapping and the default are constants), so its items are constants too
                if not isinstance(iterated, ast.Name | ast.Tuple | ast.List | ast.Set
                                  | ast.Subscript | ast.Attribute) and not (
                        isinstance(iterated, ast.Call) and isinstance(
                            iterated.func, ast.Attribute) and iterated.func.attr == "get"):
                    return None
                found = self.const_needs(iterated, scope, depth + 1)
                if found is None:
                    return None
                out += found
                continue
            # `column, direction = VALID_PARAMS[key]`: an element unpacked from an entry of
            # a constant mapping (the binding keeps the whole right-hand side) is a constant
            # when the whole is
            if binding.kind not in ("assign", "annassign", "unpack") or binding.value is None \
                    or binding.value is name:
                return None
            found = self.const_needs(binding.value, scope, depth + 1)
            if found is None:
                return None
            out += found
            if isinstance(binding.value, _COLLECTIONS):
                # a collection the function fills later holds those values too
                func = self.ctx.semantic.enclosing_function(name)
                writes = written_into(self.ctx, func, name.id) if func is not None else []
                parts = [self.const_needs(w, scope, depth + 1) for w in writes or ()]
                if writes is None or any(p is None for p in parts):
                    return None
                out += [n for p in parts for n in p or ()]
        return out

    def _loop_source(self, loop: ast.AST) -> tuple[int, int] | tuple[()]:
        """Where the call whose result `loop` iterates is: `for t in helper()`, or `for t in
        tokens` with `tokens = helper()` (possibly awaited) the local's one binding."""
        it = _loop_iterable(loop)
        while isinstance(it, ast.Call) and (self.ctx.qualified_name(it.func) or "") in (
                _ROW_WRAPPERS) and it.args:
            it = it.args[0]
        if isinstance(it, ast.Name):
            bindings = self.ctx.semantic.lookup(it.id, it)[1]
            it = bindings[0].value if len(bindings) == 1 and bindings[0].kind == "assign" \
                else None
        if isinstance(it, ast.Await):
            it = it.value
        if not isinstance(it, ast.Call):
            return ()
        return it.lineno, it.col_offset

    def _rows_loop(self, loop: ast.AST) -> bool:
        """The loop iterates the rows of a query (`for m in Member.objects.filter(...)`,
        `for u in session.scalars(select(User))`), through locals and chained filters."""
        key = id(loop)
        if key not in self._row_loops:
            it = _loop_iterable(loop)
            while isinstance(it, ast.Call) and (self.ctx.qualified_name(it.func) or "") in (
                    _ROW_WRAPPERS) and it.args:
                it = it.args[0]
            origin = self.origins.of(it) if it is not None else None
            self._row_loops[key] = origin is not None and origin.rows
        return self._row_loops[key]


    def _returned_calls(self, own: list[ast.AST]) -> set[int]:
        out: set[int] = set()
        for node in own:
            if not (isinstance(node, ast.Return) and node.value is not None):
                continue
            for part in walk(node.value):
                if isinstance(part, ast.Call):
                    out.add(id(part))
                elif isinstance(part, ast.Name):
                    bindings = self.ctx.reaching_bindings(part)
                    if len(bindings) == 1 and bindings[0].kind == "assign" and \
                            isinstance(bindings[0].value, ast.Call):
                        out.update(id(n) for n in walk(bindings[0].value)
                                   if isinstance(n, ast.Call))
        return out

    def _query(self, call: ast.Call) -> tuple[str, bool] | None:
        """The query a call runs: (its text, whether it writes). A lazy queryset / Query
        (`filter()`, `order_by()`) runs only where it is consumed, by the code that
        iterates it."""
        fn = call.func
        if not isinstance(fn, ast.Attribute):
            return None
        names, root = call_chain(call)
        last = fn.attr
        if "select_for_update" in names or "with_for_update" in names:
            return None  # row locking: one query per row on purpose
        if self.django and last in ("save", "delete") and not DJANGO_MANAGERS & set(names):
            return _short(self.ctx.source(call)), True  # an instance written back
        if self.sqla and last in _SESSION_WRITES and self._db_session(call, names, root):
            return _short(self.ctx.source(call)), True
        if self.sqla and last == "execute" and call.args and _writes_rows(call.args[0]):
            return _short(self.ctx.source(call)), True
        # `Member.objects.get(...)` / `User.query.first()` on a class is the ORM even in a
        # service module that imports only the models.
        on_class = isinstance(root, ast.Name) and root.id[:1].isupper()
        if (self.django or on_class) and DJANGO_MANAGERS & set(names[:-1]):
            if last in _DJANGO_WRITES:
                return _short(self.ctx.source(call)), True
            if last in DJANGO_EVALUATE or (last in _DJANGO_LAZY and self._consumed(call)):
                return _short(self.ctx.source(call)), False
            return None
        if isinstance(root, ast.Name) and set(names[:-1]) <= _DJANGO_LAZY and (
                self._queryset_local(root, frozenset())):
            # `qs = Booking.objects.filter(member=self)`, then `qs.filter(...).aggregate()`:
            # the query runs on the local, built in steps (byro's Member._calc_balance).
            if last in _DJANGO_WRITES:
                return _short(self.ctx.source(call)), True
            if last in DJANGO_EVALUATE or (last in _DJANGO_LAZY and self._consumed(call)):
                return _short(self.ctx.source(call)), False
            return None
        if (self.sqla or on_class) and "query" in names[:-1] and (
                last in SA_EVALUATE or (last in SA_CHAIN and self._consumed(call))):
            return _short(self.ctx.source(call)), False
        if self.sqla and last in _SESSION_READS and self._db_session(call, names, root):
            return _short(self.ctx.source(call)), False
        if last in _DBAPI_READS and isinstance(root, ast.Name) and (
                _DBAPI_HANDLE.search(root.id) or any(_DBAPI_HANDLE.search(n)
                                                     for n in names[:-1])):
            return _short(self.ctx.source(call)), False
        return None

    def _queryset_local(self, name: ast.Name, seen: frozenset[str]) -> bool:
        """Every binding of the local `name` in its function is a Django queryset: a
        manager chain on a model class (`Booking.objects.filter(...)`) or lazy steps on
        another such local (`debits = qs.filter(...)`, `qs = qs.exclude(...)`)."""
        if name.id in seen or self.ctx.semantic.enclosing_function(name) is None:
            return False
        scope, bindings = self.ctx.semantic.lookup(name.id, name)
        if scope is None or scope is self.ctx.semantic.module_scope or not bindings:
            return False
        seen |= {name.id}
        for binding in bindings:
            value = binding.value
            if binding.kind != "assign" or not isinstance(value, ast.Call):
                return False
            names, root = call_chain(value)
            if not isinstance(root, ast.Name) or not names:
                return False
            if root.id == name.id and set(names) <= _DJANGO_LAZY:
                continue  # `qs = qs.filter(...)`: the other bindings decide
            if root.id[:1].isupper() and names[0] in DJANGO_MANAGERS and set(
                    names[1:]) <= _DJANGO_LAZY:
                continue
            if not (set(names) <= _DJANGO_LAZY and self._queryset_local(root, seen)):
                return False
        return True

    def _consumed(self, call: ast.Call) -> bool:
        parent = self.ctx.semantic.parent(call)
        if isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(
                parent.targets[0], ast.Name):
            return self._consumed_local(parent.targets[0].id, parent)
        return self._consumes(parent, call)

    def _consumes(self, parent: ast.AST | None, value: ast.expr) -> bool:
        """`parent` runs the query `value` stands for: it iterates it, hands it to a builtin
        that reads every row, or to a serializer of many (`XSerializer(rows, many=True)`)."""
        if isinstance(parent, ast.For | ast.AsyncFor | ast.comprehension):
            return parent.iter is value
        if isinstance(parent, ast.Call) and parent.args and value in parent.args:
            if (self.ctx.qualified_name(parent.func) or "") in _CONSUMERS:
                return True
            return parent.args[0] is value and any(
                k.arg == "many" and isinstance(k.value, ast.Constant) and k.value.value is True
                for k in parent.keywords)
        return False

    def _consumed_local(self, name: str, assign: ast.Assign) -> bool:
        """`rows = Model.objects.filter(...)` then `list(rows)` / `for r in rows` in the same
        function, the name bound once there: the query runs where the local is consumed."""
        func = self.ctx.semantic.enclosing_function(assign)
        if func is None:
            return False
        bound = 0
        uses: list[ast.Name] = []
        for node in ast.walk(func):
            if isinstance(node, ast.Name) and node.id == name:
                if isinstance(node.ctx, ast.Store):
                    bound += 1
                elif node.lineno > assign.lineno:
                    uses.append(node)
        return bound == 1 and any(self._consumes(self.ctx.semantic.parent(use), use)
                                  for use in uses)

    def _db_session(self, call: ast.Call, names: list[str], root: ast.AST) -> bool:
        """A SQLAlchemy session, not an HTTP client session (`aiohttp.ClientSession`,
        `requests.Session`): `session.get(Model, id)` takes the model first."""
        if not (any("session" in n.lower() for n in names[:-1])
                or (isinstance(root, ast.Name) and "session" in root.id.lower())
                or (len(names) == 1 and self._session_param(root))):
            return False
        if names[-1] == "get" and not (len(call.args) >= 2 and isinstance(
                call.args[0], ast.Name | ast.Attribute)):
            return False
        if isinstance(root, ast.Name):
            for binding in self.ctx.semantic.lookup(root.id, root)[1]:
                value = binding.value
                made = self.ctx.qualified_name(value.func) if isinstance(
                    value, ast.Call) else None
                if made and made.split(".")[0] in _HTTP_CLIENTS:
                    return False
        return True

    def _session_param(self, root: ast.AST) -> bool:
        """`db.delete(row)` where every binding of `db` is a parameter annotated with a
        SQLAlchemy (or SQLModel) session class: the type says what the name does not."""
        if not isinstance(root, ast.Name):
            return False
        bindings = self.ctx.reaching_bindings(root)
        return bool(bindings) and all(
            b.kind == "param" and b.annotation is not None
            and _SA_SESSION_TYPE.match(self._type_ref(b.annotation) or "") is not None
            for b in bindings)

    def _callee(self, call: ast.Call, cls: ClassInfo | None, self_name: str | None,
                types: dict[str, str]) -> Callee | None:
        fn = call.func
        if may_hold_partials(self.ctx):
            # `register = functools.partial(f, x)` then `register()`: the call of `f`.
            made = through_partials(self.ctx, call)
            if made is None:
                return None
            fn = made.func
        if isinstance(fn, ast.Name):
            ref = self._ref(fn) or self._nested_def(fn)
            if ref is None:
                # An object this module made, called (`login_view = LoginView.as_view()`,
                # then `login_view(request)`): the model knows what made it through
                # ModuleInfo.instances, as for `db.counts()` below.
                scope, bindings = self.ctx.semantic.lookup(fn.id, fn)
                if scope is self.ctx.semantic.module_scope and self._instance_type(bindings):
                    return Callee("ref", f"{self.module}.{fn.id}")
            return Callee("ref", ref) if ref else None
        if not isinstance(fn, ast.Attribute):
            return None
        base = fn.value
        if isinstance(base, ast.Name):
            if cls is not None and self_name and base.id == self_name:
                return Callee("self", "", fn.attr)
            if base.id in types and self._is_local(base):
                return Callee("typed", types[base.id], fn.attr)
            scope, bindings = self.ctx.semantic.lookup(base.id, base)
            if scope is self.ctx.semantic.module_scope and self._instance_type(bindings):
                # an object this module made (`db = Database()`): the model resolves
                # `module.db.counts` through ModuleInfo.instances
                return Callee("ref", f"{self.module}.{base.id}.{fn.attr}")
        if isinstance(base, ast.Call):
            if cls is not None and isinstance(base.func, ast.Name) and base.func.id == "super":
                return Callee("super", "", fn.attr)
            # `Service().listing()`, `get_repo().all()`: a method of what the call returns.
            made = self._ref(base.func)
            return Callee("typed", made, fn.attr) if made else None
        if cls is not None and self_name and isinstance(base, ast.Attribute) and isinstance(
                base.value, ast.Name) and base.value.id == self_name:
            return Callee("selfattr", base.attr, fn.attr)
        ref = self._ref(fn)
        return Callee("ref", ref) if ref else None

    def _is_local(self, name: ast.Name) -> bool:
        scope, _ = self.ctx.semantic.lookup(name.id, name)
        return scope is not None and scope.is_function

    # -- names -------------------------------------------------------------------------------
    def _member_of(self, base: ast.expr) -> str | None:
        """The class `base` is an instance of when every binding makes it one: `Order(text)`
        or a parameter annotated `Order` (the project phase asks whether it is an `Enum`,
        whose `.value` is then one of a fixed set)."""
        if not isinstance(base, ast.Name):
            return None
        bindings = self.ctx.reaching_bindings(base)
        refs: set[str | None] = set()
        for binding in bindings:
            if binding.kind == "param":
                refs.add(self._ref(binding.annotation) if binding.annotation else None)
            elif binding.kind in ("assign", "annassign") and isinstance(binding.value, ast.Call):
                refs.add(self._ref(binding.value.func))
            else:
                return None
        return refs.pop() if len(refs) == 1 else None

    def _ref(self, expr: ast.AST) -> str | None:
        """A dotted reference: through imports, or `module.name` for a def / class of this
        module. Locals, parameters and builtins give None."""
        if isinstance(expr, ast.Name):
            qualified = self.ctx.qualified_name(expr)
            if qualified:
                return None if qualified.startswith("builtins.") else qualified
            scope, bindings = self.ctx.semantic.lookup(expr.id, expr)
            if scope is self.ctx.semantic.module_scope and bindings and all(
                    b.kind in ("def", "class") for b in bindings):
                return f"{self.module}.{expr.id}"
            return None
        if isinstance(expr, ast.Attribute):
            inner = self._ref(expr.value)
            return f"{inner}.{expr.attr}" if inner else None
        return None

    def _type_ref(self, annotation: ast.AST | None) -> str | None:
        """The one class an annotation names: `X`, `Optional[X]`, `X | None`,
        `Annotated[X, Depends(...)]`, `type[X]`, `"X"`. Collections and unions of classes give
        None."""
        node = annotation_core(annotation)
        for _ in range(8):
            if not isinstance(node, ast.Subscript):
                return self._ref(node) if node is not None else None
            outer = node.value
            last = outer.attr if isinstance(outer, ast.Attribute) else getattr(outer, "id", "")
            if last not in _CLASS_OF_TYPES:
                # A generic class of the project's own package, parameterized
                # (`BaseUserManager[models.UP, models.ID]`): its instances are that class.
                # A library's generics (collections, `Mapped[int]`) say nothing of the kind.
                ref = self._ref(outer)
                own = ref is not None and ref.split(".")[0] == self.module.split(".")[0]
                return ref if own else None
            node = annotation_core(node.slice)
        return None


# -- helpers ---------------------------------------------------------------------------------
def _star_imports(path: str, module: str, tree: ast.Module) -> tuple[str, ...]:
    """The modules `from m import *` at module level names, made absolute."""
    out: list[str] = []
    for node in tree.body:
        if not (isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names)):
            continue
        if not node.level:
            out.append(node.module or "")
            continue
        base = module.split(".")
        cut = len(base) - node.level + (1 if path.endswith("__init__.py") else 0)
        prefix = ".".join(base[:cut]) if cut > 0 else ""
        if prefix:
            out.append(f"{prefix}.{node.module}" if node.module else prefix)
    return tuple(m for m in out if m)


def _literal_loop(ctx: FileContext, loop: ast.AST) -> bool:
    """The loop goes over a literal collection or a range(): a handful of items known when
    the code is written, not one per stored row."""
    if isinstance(loop, ast.For | ast.AsyncFor):
        it: ast.AST = loop.iter
    elif isinstance(loop, _COMPREHENSIONS):
        it = loop.generators[0].iter
    else:
        return False
    if isinstance(it, ast.Call) and (ctx.qualified_name(it.func) or "") in (
            "builtins.enumerate", "builtins.sorted", "builtins.reversed") and it.args:
        it = it.args[0]
    if isinstance(it, ast.List | ast.Tuple | ast.Set | ast.Dict | ast.Constant):
        return True
    if isinstance(it, ast.Call) and (ctx.qualified_name(it.func) or "") == "builtins.range":
        return True
    if isinstance(it, ast.Name):
        bindings = ctx.reaching_bindings(it)
        return bool(bindings) and all(
            isinstance(b.value, ast.List | ast.Tuple | ast.Set | ast.Dict) and b.kind in (
                "assign", "annassign") for b in bindings)
    return False


def _unshadowed(closure: dict[str, str], func: ast.FunctionDef | ast.AsyncFunctionDef,
                own: list[ast.AST]) -> dict[str, str]:
    """The enclosing function's typed names that `func` does not bind itself."""
    args = func.args
    bound = {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs,
                             *filter(None, (args.vararg, args.kwarg))]}
    bound |= {n.id for n in own if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    return {name: ref for name, ref in closure.items() if name not in bound}


def passed_args(call: ast.Call) -> tuple[str, ...]:
    """Every argument `call` passes: positions as digit strings, keywords by name, and "*"
    when a `*args` / `**kwargs` hides the rest."""
    out: list[str] = []
    for index, arg in enumerate(call.args):
        if isinstance(arg, ast.Starred):
            out.append("*")
            break
        out.append(str(index))
    for keyword in call.keywords:
        out.append(keyword.arg if keyword.arg else "*")
    return tuple(out)


# `request.user`, `self.request.user.object`, `current_user.id`, `g.user`
_REQUESTER_ARG = REQUESTER_VALUE


def requester_args(call: ast.Call) -> tuple[str, ...]:
    """The arguments of `call` (positions as digit strings, keywords by name) that are the
    requesting user or one of its attributes."""
    out: list[str] = []
    for key, arg in [*((str(i), a) for i, a in enumerate(call.args)),
                     *((k.arg, k.value) for k in call.keywords if k.arg)]:
        if isinstance(arg, ast.Starred):
            break
        if isinstance(arg, ast.Attribute | ast.Name) and _REQUESTER_ARG.match(ast.unparse(arg)):
            out.append(key)
    return tuple(out)


def literal_args(call: ast.Call) -> tuple[tuple[str, str], ...]:
    """The arguments of `call` (positions as digit strings, keywords by name) that are an
    int, None or bool literal (`-1` too), each with its text."""
    out: list[tuple[str, str]] = []
    for key, arg in [*((str(i), a) for i, a in enumerate(call.args)),
                     *((k.arg, k.value) for k in call.keywords if k.arg)]:
        if isinstance(arg, ast.Starred):
            break  # positions after a *args are unknown
        value = arg.operand if isinstance(arg, ast.UnaryOp) and isinstance(
            arg.op, ast.USub) else arg
        if isinstance(value, ast.Constant) and (value.value is None or isinstance(
                value.value, int)):
            out.append((key, ast.unparse(arg)))
    return tuple(out)


def static_args(ctx: FileContext, call: ast.Call) -> tuple[str, ...]:
    """The arguments of `call` (positions as digit strings, keywords by name) that are
    fixed by the code: literals, and classes or functions named directly."""
    out: list[str] = []
    for key, arg in [*((str(i), a) for i, a in enumerate(call.args)),
                     *((k.arg, k.value) for k in call.keywords if k.arg)]:
        if isinstance(arg, ast.Starred):
            break  # positions after a *args are unknown
        if isinstance(arg, ast.UnaryOp):
            arg = arg.operand
        if isinstance(arg, ast.Constant) or (isinstance(arg, ast.JoinedStr) and all(
                isinstance(v, ast.Constant) for v in arg.values)):
            out.append(key)  # a literal, or an f-string with no fields (`f"id IN ($2)"`)
        elif isinstance(arg, ast.Name) and arg.id.lstrip("_")[:1].isupper():
            # classes and constants by the naming convention only: a lookup per argument
            # is not free
            scope, bindings = ctx.semantic.lookup(arg.id, arg)
            at_module = scope is not None and isinstance(scope.node, ast.Module)
            if bindings and all(b.kind in ("class", "def", "import") or (
                    at_module and _module_constant(b)) for b in bindings):
                out.append(key)
    return tuple(out)


def inert_args(ctx: FileContext, call: ast.Call, fixed: tuple[str, ...]) -> tuple[str, ...]:
    """The arguments of `call` beyond the fixed ones whose text cannot carry SQL (numbers,
    primary keys, timestamps, names reduced to word characters: analysis/inert.py), and
    names the caller checked against a fixed set before the call (`if order not in
    ("asc", "desc"): raise`, then `get_all(order=order)`: one of the set's constants)."""
    out: list[str] = []
    for key, arg in [*((str(i), a) for i, a in enumerate(call.args)),
                     *((k.arg, k.value) for k in call.keywords if k.arg)]:
        if isinstance(arg, ast.Starred):
            break
        if key not in fixed and not isinstance(arg, ast.Constant) and (
                inert_text(ctx, arg) or _checked_against_fixed_set(ctx, arg)):
            out.append(key)
    return tuple(out)


def _checked_against_fixed_set(ctx: FileContext, arg: ast.expr) -> bool:
    """`arg` is a name its function tests for membership somewhere (`x in` / `x not in`,
    found once per function) and that test makes it one of a fixed set where `arg` is
    read (allowlist.guarded, fixed sets only: a validator says nothing of the text)."""
    if not isinstance(arg, ast.Name):
        return False
    function = ctx.semantic.enclosing_function(arg)
    if function is None:
        return False
    names = ctx.memo("membership_tested", function, lambda: frozenset(
        node.left.id for node in ast.walk(function)
        if isinstance(node, ast.Compare) and isinstance(node.left, ast.Name)
        and any(isinstance(op, ast.In | ast.NotIn) for op in node.ops)))
    return arg.id in names and guarded(ctx, arg, validators=False)


def _module_constant(binding: Any) -> bool:
    """`PROVIDER_TABLE = "deployment"`, `_LOCK_ID = 0x4C61`, `_RELABELS = {...}`: a
    module-level name bound once to literal data (no call, no name), so every call that
    passes it passes the code's own value."""
    if binding.kind not in ("assign", "annassign") or binding.value is None:
        return False
    return all(isinstance(n, ast.Constant | ast.expr_context | ast.operator | ast.unaryop
                          | ast.Dict | ast.List | ast.Tuple | ast.Set | ast.BinOp | ast.UnaryOp)
               for n in ast.walk(binding.value))


def _writes_rows(statement: ast.AST) -> bool:
    """`update(X).where(...)`, `insert(X).values(...)`, `delete(X)`: a SQLAlchemy write."""
    root = call_chain(statement)[1] if isinstance(statement, ast.Call) else None
    return isinstance(root, ast.Name) and root.id in ("update", "insert", "delete")


def _uses_loop_variable(call: ast.Call, loop: ast.AST) -> bool:
    if isinstance(loop, ast.For | ast.AsyncFor):
        targets: list[ast.AST] = [loop.target]
    elif isinstance(loop, _COMPREHENSIONS):
        targets = [gen.target for gen in loop.generators]
    else:
        return False
    names = {n.id for t in targets for n in walk(t) if isinstance(n, ast.Name)}
    parts: list[ast.AST] = [*call.args, *(k.value for k in call.keywords)]
    if isinstance(call.func, ast.Attribute):
        parts.append(call.func.value)
    return any(isinstance(n, ast.Name) and n.id in names for p in parts for n in walk(p))


# An answer that says "too many requests": the end of a limiter's counter check.
_TOO_MANY = re.compile(r"\b429\b|TOO_MANY_REQUESTS|TooMany\w*|Throttled\b"
                       r"|RateLimit\w*(?:Exceeded|Error)|RateLimited"
                       r"|rate[ _-]?limit\w*\s*exceeded|too many (?:requests|attempts|login)"
                       r"|attempts exceeded", re.I)


def _limit_effects(ctx: FileContext, func: ast.AST,
                   walked: list[tuple[ast.AST, ast.AST | None]]) -> list[Effect]:
    """Where a function enforces a rate limit: each call of a limiter (`is_ratelimited`,
    `limiter.hit`, `check_rate_limit`), on its own line so the project phase can tell a
    project helper named like a limiter (its own summary decides) from a library one, and
    each raise / return of a too-many-requests answer (`raise HTTPException(429)`)."""
    out: list[Effect] = []
    calls = [node for node, _ in walked if isinstance(node, ast.Call)]
    if body_limiter_calls(ctx, func):
        for node in calls:
            name = callable_name(ctx, node)
            if LIMIT_NAME.search(name.replace(".", "_")):
                out.append(Effect(LIMIT, node.lineno, f"{name}()"))
    # The rarer shapes are looked for only where a counter call or a 429 is in sight.
    counting = any(isinstance(c.func, ast.Attribute) and c.func.attr in _COUNTERS
                   for c in calls)
    too_many = ctx.memo("too-many", ctx.tree, lambda: _TOO_MANY.search(ctx.text) is not None)
    if not (counting or too_many):
        return out
    counted = _counter_locals(func) if counting else frozenset()
    for node in own_nodes(func):
        bounded = counting and isinstance(node, ast.Compare) and _counter_bound(node, counted)
        if bounded or (too_many and isinstance(node, ast.Raise | ast.Return)
                       and _TOO_MANY.search(ctx.source(node))):
            out.append(Effect(LIMIT, node.lineno, _short(ctx.source(node))))
    return out


# Call names that do what an authentication endpoint does: check a secret the client sent,
# issue a token or session for it, send a message per call, create an account.
AUTH_ACT = re.compile(r"authenticat|check_?password|verify|compare_digest|checkpw|login"
                      r"|log_in|sign_?in|token|jwt|session|otp|mail|sms|send|notify"
                      r"|create_user|register|signup|sign_up|set_password|reset|recover",
                      re.I)


# Names with one of those words that do other work: a database or HTTP client session
# fetched or built (`get_session()`, `sessionmaker`, keystoneauth's `Session(...)` and
# `Token(...)` plugins), an error handler recovering (`handle_recoverable`).
_NOT_AUTH_ACT = re.compile(r"^(?:get_\w*session|\w*sessionmaker|scoped_session"
                           r"|\w*recoverable\w*|(?:[A-Z]\w*)?(?:Session|Token))$")


def _auth_acts(own: list[ast.AST]) -> tuple[str, ...]:
    names: list[str] = []
    for node in own:
        # `view_class.as_view()(request)` hands the request to another view, whose work (a
        # library sign-up or sign-in) is out of sight.
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Call) and isinstance(
                node.func.func, ast.Attribute) and node.func.func.attr == "as_view" and (
                "as_view" not in names):
            names.append("as_view")
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else (
                func.id if isinstance(func, ast.Name) else "")
            if name and AUTH_ACT.search(name) and not _NOT_AUTH_ACT.match(name) and (
                    name not in names):
                names.append(name)
    return tuple(names)


def _value_uses(own: list[ast.AST], params: tuple[str, ...]) -> tuple[str, ...]:
    """FunctionInfo.value_uses: any `==`/`!=` (which side holds what a client sent is a
    data-flow question; an equality anywhere keeps the route's check possible), and a
    parameter's value assigned to an attribute or an item."""
    names = set(params) - {"self", "cls"}
    uses: set[str] = set()
    for node in own:
        if isinstance(node, ast.Compare) and any(
                isinstance(op, ast.Eq | ast.NotEq) for op in node.ops):
            uses.add("compare")
        elif isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Attribute | ast.Subscript) for t in targets) and any(
                    isinstance(n, ast.Name) and n.id in names for n in ast.walk(node.value)):
                uses.add("store")
    return tuple(sorted(uses))




def _user_filter(own: list[ast.AST], params: tuple[str, ...]) -> str:
    """`return request.user.filter_readable(queryset)` (or `self.request.user...`) where
    `queryset` is a parameter: the user method's name."""
    for node in own:
        value = node.value if isinstance(node, ast.Return) else None
        if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute)
                and any(isinstance(a, ast.Name) and a.id in params for a in value.args)):
            continue
        owner = value.func.value  # `request.user` / `self.request.user`
        if isinstance(owner, ast.Attribute) and owner.attr == "user" and (
                (isinstance(owner.value, ast.Name) and owner.value.id == "request") or (
                isinstance(owner.value, ast.Attribute) and owner.value.attr == "request"
                and isinstance(owner.value.value, ast.Name)
                and owner.value.value.id == "self")):
            return value.func.attr
    return ""


# The flags of a user that only site staff hold (Django's `is_superuser`, `is_staff`).
_STAFF_FLAGS = frozenset({"is_superuser", "is_staff"})


def _upstream_paths(statements: list[ast.stmt], lines: list[str]) -> tuple[str, ...]:
    """`f"{url}/api/create"`: the literal path after a computed base URL, up to the next
    computed part or query string (`f"{base}/api/tags?x={y}"` -> "/api/tags"), in what the
    function's own statements return, assign, call or open (the semantic model's list of
    them: the same answer at every level of the model). Only a statement whose lines
    write `}/` is walked: walking every statement of every function cost 3.8 of 30 s of a
    profiled BR302 run on weblate."""
    out: list[str] = []
    for stmt in statements:
        if not any("}/" in line for line in lines[stmt.lineno - 1:stmt.end_lineno]):
            continue
        if isinstance(stmt, ast.Return | ast.Assign | ast.AnnAssign | ast.Expr):
            roots: list[ast.AST] = [stmt.value] if stmt.value is not None else []
        elif isinstance(stmt, ast.With | ast.AsyncWith):
            roots = [item.context_expr for item in stmt.items]
        else:
            continue
        for root in roots:
            for node in ast.walk(root):
                if not (isinstance(node, ast.JoinedStr) and len(node.values) >= 2
                        and isinstance(node.values[0], ast.FormattedValue)
                        and isinstance(node.values[1], ast.Constant)
                        and isinstance(node.values[1].value, str)):
                    continue
                path = node.values[1].value.split("?", 1)[0]
                if path.startswith("/") and len(path) > 1:
                    out.append(path)
    return tuple(dict.fromkeys(out))


def _staff_flag(own: list[ast.AST], params: tuple[str, ...]) -> str:
    """Every `return` of the function (one at least) answers true only when the request's
    user holds a staff flag: `return request.user.is_superuser`, `return bool(request.user
    and request.user.is_active and request.user.is_superuser)` (a conjunct of an `and`),
    `request` being a parameter. The flag's name, else "" (an `or` lets others through)."""
    returns = [n for n in own if isinstance(n, ast.Return)]
    flags = [_required_flag(r.value, params) for r in returns]
    return flags[0] if flags and all(flags) else ""


def _required_flag(value: ast.expr | None, params: tuple[str, ...]) -> str:
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and (
            value.func.id == "bool") and len(value.args) == 1 and not value.keywords:
        return _required_flag(value.args[0], params)
    if isinstance(value, ast.BoolOp) and isinstance(value.op, ast.And):
        return next((f for f in (_required_flag(v, params) for v in value.values) if f), "")
    if isinstance(value, ast.Compare) and len(value.ops) == 1 and isinstance(
            value.ops[0], ast.Is | ast.Eq) and isinstance(value.comparators[0], ast.Constant) \
            and value.comparators[0].value is True:
        return _required_flag(value.left, params)  # `request.user.is_superuser is True`
    if isinstance(value, ast.Attribute) and value.attr in _STAFF_FLAGS:
        owner = value.value  # `request.user`, `request` a parameter
        if isinstance(owner, ast.Attribute) and owner.attr == "user" and isinstance(
                owner.value, ast.Name) and owner.value.id in params:
            return value.attr
    return ""


def redirects_only(ctx: FileContext, own: list[ast.AST]) -> bool:
    """Every `return` of the function (one at least) is a redirect call."""
    returns = [n for n in own if isinstance(n, ast.Return)]
    return bool(returns) and all(
        isinstance(r.value, ast.Call)
        and callable_name(ctx, r.value).rsplit(".", 1)[-1] in REDIRECTS for r in returns)


_COUNTERS = frozenset({"incr", "incrby", "increment", "hincrby", "incr_version"})
# Class attributes naming a class a library base instantiates (`form_class`,
# `authentication_form`, `serializer_class`, `pagination_class`).
_CLASS_SLOT = re.compile(r"(?:_class|_form)$")
# ORM relation constructors whose first argument (or `to=`) is the related class.
_RELATION_CALLS = frozenset({"ForeignKey", "OneToOneField", "ManyToManyField", "ParentalKey"})


def _relation_target(call: ast.Call) -> ast.expr | None:
    """The related class as written in `ForeignKey(Target, ...)` / `ForeignKey(to=Target)`."""
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if name not in _RELATION_CALLS:
        return None
    if call.args:
        return call.args[0]
    return next((k.value for k in call.keywords if k.arg == "to"), None)


def _counter_bound(node: ast.Compare, counted: frozenset[str] = frozenset()) -> bool:
    """`cache.incr(key) > 5`: a shared counter bumped per call and held to a bound, read
    straight from the counter call or from a local it was stored in (`new = p.incr(key)`,
    or a Redis pipeline's `new = p.execute()[1]` after `p.incr(key)`)."""
    if not any(isinstance(op, ast.Gt | ast.GtE | ast.Lt | ast.LtE) for op in node.ops):
        return False
    return any((isinstance(side, ast.Call) and isinstance(side.func, ast.Attribute)
                and side.func.attr in _COUNTERS)
               or (isinstance(side, ast.Name) and side.id in counted)
               for side in (node.left, *node.comparators))


def _counter_locals(func: ast.AST) -> frozenset[str]:
    """Locals assigned the result of a counter call or of a pipeline's execute()."""
    out: set[str] = set()
    for node in own_nodes(func):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(
                node.targets[0], ast.Name) and any(
                isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute)
                and c.func.attr in _COUNTERS | {"execute"} for c in walk(node.value)):
            out.add(node.targets[0].id)
    return frozenset(out)


# `try` and, from Python 3.11, `try`/`except*` (the package runs on 3.10 too)


def _gates(ctx: FileContext, own: list[ast.AST]) -> tuple[str, ...]:
    """FunctionInfo.gates: the tests of the function's own `if` statements whose body
    raises, returns or calls a rejecting function (`abort(403)`); and for a `try` one of
    whose handlers does so (`except BadSignature: return 401`), the exception it catches
    (`BaseException` for a bare `except`): what the tried code fails on turns the call
    away, so the gate reads no configuration."""
    out: list[str] = []
    for node in own:
        if isinstance(node, ast.If) and _turns_away(node.body):
            out.append(_short(ctx.source(node.test), 160))
        elif isinstance(node, TRY_NODES):
            out.extend(_short(ctx.source(h.type), 160) if h.type is not None
                       else "BaseException" for h in node.handlers if _turns_away(h.body))
    return tuple(out)


def _turns_away(body: list[ast.stmt]) -> bool:
    """The statements raise, return or call a rejecting function (`abort(403)`)."""
    for part in (p for stmt in body for p in walk(stmt)):
        name = ""
        if isinstance(part, ast.Call):
            fn = part.func
            name = fn.attr if isinstance(fn, ast.Attribute) else getattr(fn, "id", "")
        if isinstance(part, ast.Raise | ast.Return) or _REJECT_CALLS.match(name):
            return True
    return False


def _rejects_anonymous(ctx: FileContext, node: ast.If) -> bool:
    test = ctx.source(node.test)
    secret = False
    if not _AUTH_TEST.search(test):
        if not SECRET_TEST.search(test):
            return False
        secret = True  # only a 401 / 403 answer or an auth error says it guards access
    for stmt in node.body:
        for part in walk(stmt):
            if isinstance(part, ast.Raise) and not secret:
                return True
            if isinstance(part, ast.Raise) and part.exc is not None and _DENY_ERROR.search(
                    ctx.source(part.exc).split("(")[0]):
                return True
            if isinstance(part, ast.Call):
                fn = part.func
                name = fn.attr if isinstance(fn, ast.Attribute) else getattr(fn, "id", "")
                if _REJECT_CALLS.match(name) and not (secret and "redirect" in name):
                    return True
                if any(isinstance(a, ast.Constant) and a.value in _REJECT_STATUS
                       for a in [*part.args, *(k.value for k in part.keywords)]):
                    return True
    return False


_CHECK_CALL = re.compile(r"(verify|decode|validate|check|authenticate)", re.I)
_PASSWORD = re.compile(r"passw(?:or)?d", re.I)
_HEADER_CREDENTIAL = re.compile(r"[\"'](?:HTTP_)?Authorization[\"']|\.authorization\b", re.I)


def _call_name(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _refuses_failed_check(ctx: FileContext, func: ast.AST, node: ast.Try) -> bool:
    """`auth = request.headers.get("Authorization")`, then `try: payload =
    signer.verify_token(auth) … except BadSignature: raise PermissionDenied(…)`: the
    function reads the credential every request carries (the Authorization header), the
    `try` checks it (SECRET_TEST / _AUTH_TEST on its body, a verify / decode / check call)
    and an `except` refuses the caller with an auth error when the check fails. A sign-in
    checks a password or a grant from the body the same way: that is how it answers, not a
    guard of the route, so it is not counted."""
    if not _HEADER_CREDENTIAL.search(ctx.source(func)):
        return False
    # The check guards the route only when every call runs it: a `try` under a branch
    # (`if auth: try: …`) or after an early return (`if not auth: … return`) lets an
    # anonymous caller through.
    own = getattr(func, "body", [])
    if node not in own or any(isinstance(part, ast.Return) for stmt in own[:own.index(node)]
                              for part in walk(stmt)):
        return False
    body = "\n".join(ctx.source(stmt) for stmt in node.body)
    if not (_AUTH_TEST.search(body) or SECRET_TEST.search(body)):
        return False
    if _PASSWORD.search(body):
        # A password checked from the header (`authenticate(auth.username, auth.password)`)
        # is a sign-in by Basic credentials: how it answers, not a guard of the route.
        return False
    # The `try` runs a check (`verify_token`, `jwt.decode`, `authenticate`): building an API
    # client with the service's own key (`OpenAI(api_key=...)`) checks no caller.
    if not any(isinstance(part, ast.Call) and _CHECK_CALL.match(
            _call_name(part.func).lstrip("_")) for stmt in node.body for part in walk(stmt)):
        return False
    return any(isinstance(part, ast.Raise) and part.exc is not None and _DENY_ERROR.search(
        ctx.source(part.exc).split("(")[0]) for handler in node.handlers
        for stmt in handler.body for part in walk(stmt))


def _unsubscript(expr: ast.expr) -> ast.expr:
    return expr.value if isinstance(expr, ast.Subscript) else expr


def _fixed_query(call: ast.Call) -> bool:
    """`AutoComponentList.objects.iterator()`: the chain starts at a class and names nothing
    else (no parameter, local or attribute of one), so every run is the same query."""
    _, root = call_chain(call)
    if not (isinstance(root, ast.Name) and root.id[:1].isupper()):
        return False
    return all(n is root for n in ast.walk(call) if isinstance(n, ast.Name))


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _dedupe(effects: list[Effect]) -> list[Effect]:
    seen: set[tuple[str, int]] = set()
    out: list[Effect] = []
    # One query per line: a chain's inner calls are parts of the same query, whose whole
    # (outermost, longest) text names it best.
    for effect in sorted(effects, key=lambda e: (e.kind, e.line, -len(e.detail))):
        key = (effect.kind, effect.line)
        if key not in seen:
            seen.add(key)
            out.append(effect)
    return out
