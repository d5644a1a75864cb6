"""Apps and routers handed to functions: `def register_routes(app): app.include_router(r)`,
`def configure_blueprints(app, blueprints): for bp in blueprints: app.register_blueprint(bp)`,
`MaubotServer(management_api)` with `self.app.add_subapp("/p", management_api)`.

A route or mount whose owner is a function parameter is named `<module>.<function>.<param>`
(frameworks/common.object_name). Per file, this module records what the project phase needs
to tell which objects that parameter stands for:

- `ParamsFact`: the positional parameters of a function whose parameter owns a route or a
  mount, or is passed on to another call (and the name its callers use for it).
- `CallArgFact`: a call that passes app-, router- or blueprint-like arguments to a project
  function, with each argument's reference (`call:<factory>` for a factory's result).
- `FactoryFact`: a function that returns an app or router (`def create_app(): app =
  FastAPI(); ...; return app`).
- `CollectionFact`: a module-level tuple / list of such objects (`BLUEPRINTS = (a_bp, b_bp)`).

`bound_values` follows them in the project phase: a parameter stands for the arguments of
every call site that reaches its function, through parameters passed on, factories and
collections; a parameter no call reaches stands for nothing (its prefix stays unknown).
Nothing is guessed: an argument computed some other way stands for nothing.
"""

from __future__ import annotations

import ast
import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .common import bound_call, object_name, this_module

if TYPE_CHECKING:
    from ...context import FileContext
    from .routes import MountFact

# Names that may hold an app, router or blueprint (or a collection of them): a cheap filter
# on which call arguments are recorded at all. The binding itself is exact.
_OWNERISH = re.compile(r"(^|_)(app|apps|application|api|apis|router|routers|blueprint|"
                       r"blueprints|bp|bps|server|routes|webapp|mod|mods)$", re.I)
# Constructors whose result is an app or router object (its own name is the owner's name).
_OWNER_CLASSES = re.compile(r"(^|\.)(Flask|Quart|APIFlask|Blueprint|APIBlueprint|FastAPI|"
                            r"APIRouter|GraphQLRouter|Starlette|Router|Application|RouteTableDef|Api|"
                            r"Namespace)$")
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_MAX_DEPTH = 8


@dataclass(frozen=True)
class ParamsFact:
    prefix: str  # how object_name names the function's locals: `<module>.<function>`
    callable: str  # how callers name it: `mod.func`, `mod.Class` (__init__), `mod.Class.m`
    params: tuple[str, ...]  # positional parameters, without self / cls for methods
    file: str
    line: int
    # (parameter, reference) of a default that is an app-like name: `routers: List = ROUTERS`
    defaults: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class CallArgFact:
    callee: str
    args: tuple[tuple[str, str], ...]  # (position as digits, or keyword name; reference)
    file: str
    line: int
    # Every position and keyword the call passes (a parameter it omits takes its default);
    # None when it spreads `*args` / `**kwargs`: any may be passed.
    passed: tuple[str, ...] | None = None


@dataclass(frozen=True)
class FactoryFact:
    func: str  # how callers name it
    returned: str  # the reference of the returned object
    file: str
    line: int


@dataclass(frozen=True)
class CollectionFact:
    name: str
    items: tuple[str, ...]
    file: str
    line: int


# -- per file --------------------------------------------------------------------------------
def _enclosing_class(ctx: FileContext, func: ast.AST) -> ast.ClassDef | None:
    parent = ctx.semantic.parent(func)
    return parent if isinstance(parent, ast.ClassDef) else None


def _callable_name(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    cls = _enclosing_class(ctx, func)
    module = this_module(ctx)
    if cls is None:
        return f"{module}.{func.name}"
    if func.name == "__init__":
        return f"{module}.{cls.name}"
    return f"{module}.{cls.name}.{func.name}"


def _positional(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef
                ) -> tuple[str, ...]:
    args = [a.arg for a in (*func.args.posonlyargs, *func.args.args)]
    is_static = any(isinstance(d, ast.Name) and d.id == "staticmethod"
                    for d in func.decorator_list)
    if args and _enclosing_class(ctx, func) is not None and not is_static:
        args = args[1:]  # self / cls
    return tuple(args + [a.arg for a in func.args.kwonlyargs])


def _defaults(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef
              ) -> tuple[tuple[str, str], ...]:
    """The app-like defaults of `func`'s parameters, by parameter name."""
    positional = [*func.args.posonlyargs, *func.args.args]
    pairs = list(zip(positional[len(positional) - len(func.args.defaults):],
                     func.args.defaults, strict=True))
    pairs += [(a, d) for a, d in zip(func.args.kwonlyargs, func.args.kw_defaults, strict=True)
              if d is not None]
    out: list[tuple[str, str]] = []
    for arg, default in pairs:
        if isinstance(default, ast.Name | ast.Attribute) and ownerish(default):
            ref = reference(ctx, default)
            if ref is not None:
                out.append((arg.arg, ref))
    return tuple(out)


def params_facts(ctx: FileContext, node: ast.AST, names: list[str]) -> list[object]:
    """The ParamsFact of each function around `node` one of whose parameters `names`
    mention (`<module>.<function>.<param>`, optionally followed by `[]` or attributes)."""
    if not names:
        return []
    module = this_module(ctx)
    out: list[object] = []
    for anc in ctx.semantic.ancestors(node):
        if not isinstance(anc, _FUNCTIONS):
            continue
        prefix = f"{module}.{anc.name}."
        mentioned = {n[len(prefix):].split(".")[0].removesuffix("[]") for n in names
                     if n.startswith(prefix)}
        params = _positional(ctx, anc)
        if mentioned & set(params):
            out.append(ParamsFact(prefix[:-1], _callable_name(ctx, anc), params, ctx.path,
                                  anc.lineno, _defaults(ctx, anc)))
    return out


def reference(ctx: FileContext, expr: ast.AST) -> str | None:
    """What an argument, a returned value or a mounted child refers to: an app / router
    built here (its own name), a factory's result (`call:<factory>`, also called in place:
    `app.include_router(create_v1_router())`), or a name (a parameter, an import, a
    module-level object; `self.app` in a class is `<module>.<Class>.app`)."""
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and \
            expr.value.id in ("self", "cls"):
        cls = next((a for a in ctx.semantic.ancestors(expr) if isinstance(a, ast.ClassDef)),
                   None)
        return f"{this_module(ctx)}.{cls.name}.{expr.attr}" if cls is not None else None
    call = bound_call(ctx, expr) if isinstance(expr, ast.Name | ast.Call) else None
    if call is not None:
        qn = ctx.qualified_name(call.func) or ""
        if not _OWNER_CLASSES.search(qn) and not _local_owner_class(ctx, call.func):
            factory = object_name(ctx, call.func)
            return f"call:{factory}" if factory else None
    if isinstance(expr, ast.Name):
        bindings = ctx.semantic.lookup(expr.id, expr)[1]
        loops = [b for b in bindings if b.kind == "for"]
        if loops and len(loops) == len(bindings) and isinstance(loops[0].value,
                                                                 ast.Name | ast.Attribute):
            # `for bp in blueprints:`: each item of the iterated collection.
            items = reference(ctx, loops[0].value)
            return f"{items}[]" if items else None
    return object_name(ctx, expr)


def _local_owner_class(ctx: FileContext, func: ast.expr) -> bool:
    """`CustomFlask(...)` with `class CustomFlask(Flask)` written in the same function
    (faraday's create_app defines its own): the object built is an app like Flask's, known by
    its own name, not a factory's result (a class local to a function is no factory the
    project phase can follow; a module-level class is left to the factory's reading)."""
    if not isinstance(func, ast.Name):
        return False
    scope, bindings = ctx.semantic.lookup(func.id, func)
    return scope is not None and scope.is_function and len(bindings) == 1 and \
        bindings[0].kind == "class" and isinstance(bindings[0].node, ast.ClassDef) and any(
        _OWNER_CLASSES.search(ctx.qualified_name(base) or "")
        for base in bindings[0].node.bases)


def ownerish(expr: ast.AST) -> bool:
    name = expr.attr if isinstance(expr, ast.Attribute) else getattr(expr, "id", "")
    return _ownerish_name(name)


@functools.lru_cache(maxsize=4096)
def _ownerish_name(name: str) -> bool:
    # Asked of the names of every call's arguments (call_arg_facts, param_routes): a few
    # hundred distinct names per project, each tested once.
    return bool(_OWNERISH.search(name))


# What a call's arguments show, read in one pass shared by the route collector's argument
# readers (issue 14): each reader answers nothing for a call whose arguments show none of
# its marks, so it is asked only of the calls that show one.
OWNER_ARG = 1  # an app-like name or attribute (call_arg_facts, param_routes._may_register)
PATH_ARG = 2  # an f-string, or a string starting with "/" (param_routes._may_register)
CLASS_ARG = 4  # a name written like a class, `Resource` (param_routes._may_register)


def arg_marks(call: ast.Call) -> int:
    """The marks of `call`'s arguments, positional and keyword values alike (a `*args` or
    `**kwargs` shows none): OWNER_ARG alone as soon as one is app-like (it lets every
    reader in), else PATH_ARG | CLASS_ARG as found."""
    marks = 0
    name, attribute, constant = ast.Name, ast.Attribute, ast.Constant
    values = [*call.args, *(k.value for k in call.keywords)] if call.keywords else call.args
    for arg in values:
        kind = type(arg)
        if kind is name:
            written = arg.id  # type: ignore[attr-defined]
            if _ownerish_name(written):
                return OWNER_ARG
            if written[:1].isupper() and not written.isupper():
                marks |= CLASS_ARG
        elif kind is attribute:
            if _ownerish_name(arg.attr):  # type: ignore[attr-defined]
                return OWNER_ARG
        elif kind is constant:
            value = arg.value  # type: ignore[attr-defined]
            if isinstance(value, str) and value.startswith("/"):
                marks |= PATH_ARG
        elif kind is ast.JoinedStr:
            marks |= PATH_ARG
    return marks


def _callee(ctx: FileContext, func: ast.expr) -> str | None:
    """A project function as callers name it: `f`, `module.f` (an imported module),
    `self.m` / `cls.m` (a method of the enclosing class)."""
    if isinstance(func, ast.Name):
        return object_name(ctx, func)
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        if func.value.id in ("self", "cls"):
            return reference(ctx, func)
        bindings = ctx.semantic.lookup(func.value.id, func.value)[1]
        if bindings and all(b.kind == "import" for b in bindings):
            return object_name(ctx, func)
    return None


def call_arg_facts(ctx: FileContext, call: ast.Call) -> list[object]:
    """A call passing app-like arguments to a function: the CallArgFact, and the ParamsFact
    of the enclosing function when it passes its own parameter on."""
    # Asked of every call of every file: the app-like arguments are picked out in one pass
    # (positional ones up to a `*args`, then named ones), with no intermediate lists.
    args: list[tuple[str, ast.expr]] = []
    for index, arg in enumerate(call.args):
        if isinstance(arg, ast.Starred):
            break
        if isinstance(arg, ast.Name | ast.Attribute) and ownerish(arg):
            args.append((str(index), arg))
    for keyword in call.keywords:
        value = keyword.value
        if keyword.arg and isinstance(value, ast.Name | ast.Attribute) and ownerish(value):
            args.append((keyword.arg, value))
    # `app = create_app(lifespan=lifespan)`: a factory called with no app-like argument
    # still gives its app-like parameters their defaults (`routers: List = ROUTERS`).
    if not args and not ownerish(call.func):
        return []
    callee = _callee(ctx, call.func)
    if callee is None or (not args and _OWNER_CLASSES.search(callee)):
        return []  # (`APIRouter()` builds an owner: no parameters of the project's)
    refs = tuple((key, ref) for key, arg in args if (ref := reference(ctx, arg)) is not None)
    if not refs and args:
        return []
    spread = any(isinstance(a, ast.Starred) for a in call.args) or any(
        k.arg is None for k in call.keywords)
    passed = None if spread else tuple(
        [str(i) for i in range(len(call.args))] + [k.arg for k in call.keywords if k.arg])
    out: list[object] = [CallArgFact(callee, refs, ctx.path, call.lineno, passed)]
    return out + params_facts(ctx, call, [r for _, r in refs])


def factory_fact(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef,
                 returns: list[ast.Return] | None = None) -> FactoryFact | None:
    """`def create_app(): app = Flask(__name__); ...; return app`: what the factory returns,
    when every `return` of its own body returns the same app-like name. `returns` is
    `ctx.semantic.own_returns(func)` when the caller already listed them (the collector
    shares one list with html_pages.page_function)."""
    returned: set[str] = set()
    for node in ctx.semantic.own_returns(func) if returns is None else returns:
        value = node.value
        if isinstance(value, ast.Attribute) and value.attr == "routes" and \
                isinstance(value.value, ast.Name):
            # `return app_router.routes` (marimo's build_routes): that router's routes,
            # handed to `Starlette(routes=build_routes(...))`.
            value = value.value
        if not (isinstance(value, ast.Name) and ownerish(value)):
            return None
        ref = reference(ctx, value)
        if ref is None:
            return None
        returned.add(ref)
    if len(returned) != 1:
        return None
    return FactoryFact(_callable_name(ctx, func), returned.pop(), ctx.path, func.lineno)


def collection_fact(ctx: FileContext, node: ast.Assign | ast.AugAssign) -> CollectionFact | None:
    """`BLUEPRINTS = (users_bp, roles_bp)` at module level: its items."""
    if not isinstance(node, ast.Assign) or len(node.targets) != 1 or not isinstance(
            node.targets[0], ast.Name) or not ownerish(node.targets[0]) or not isinstance(
            node.value, ast.List | ast.Tuple) or not node.value.elts:
        return None
    if ctx.semantic.scope_of(node) is not ctx.semantic.module_scope:
        return None
    items = [object_name(ctx, e) if isinstance(e, ast.Name | ast.Attribute) else None
             for e in node.value.elts]
    if any(i is None for i in items):
        return None
    return CollectionFact(f"{this_module(ctx)}.{node.targets[0].id}",
                          tuple(i for i in items if i), ctx.path, node.lineno)


# -- project phase ---------------------------------------------------------------------------
class Bindings:
    """Which objects a parameter (or the items of a collection parameter) stands for."""

    def __init__(self, facts: dict[str, list[Any]]) -> None:
        from .routes import Resolver

        self.by_prefix: dict[str, list[ParamsFact]] = {}
        for p in facts.get("route_params", []):
            self.by_prefix.setdefault(p.prefix, []).append(p)
        self.calls: dict[str, list[CallArgFact]] = {}
        for c in facts.get("route_call", []):
            self.calls.setdefault(c.callee, []).append(c)
        self.factories = {f.func: f for f in facts.get("route_factory", [])}
        self.factory_resolver = Resolver(sorted(self.factories))
        self.collections = {c.name: c for c in facts.get("route_collection", [])}
        self.collection_resolver = Resolver(sorted(self.collections))
        self._calls_of: dict[str, list[CallArgFact]] = {}
        self._cache: dict[str, tuple[str, ...]] = {}

    def is_parameter(self, ref: str) -> bool:
        """A parameter, a factory's result or a collection's items: a name for others."""
        if ref.startswith("call:") or ref.endswith("[]"):
            return True
        prefix, _, param = ref.rpartition(".")
        return any(param in p.params for p in self.by_prefix.get(prefix, ()))

    def values(self, ref: str, depth: int = 0) -> tuple[str, ...]:
        """The objects `ref` stands for; `(ref,)` when it is not a parameter, a factory's
        result or a collection's items, `()` when it is one that nothing reaches."""
        if ref in self._cache:
            return self._cache[ref]
        self._cache[ref] = ()  # a cycle of calls stands for nothing
        found = tuple(dict.fromkeys(self._values(ref, depth))) if depth < _MAX_DEPTH else ()
        self._cache[ref] = found
        return found

    def _values(self, ref: str, depth: int) -> list[str]:
        if ref.endswith("[]"):
            out: list[str] = []
            for value in self.values(ref[:-2], depth + 1):
                found = self.collection_resolver.find(value)
                if found is not None:
                    for item in self.collections[found].items:
                        out += self.values(item, depth + 1)
            return out
        if ref.startswith("call:"):
            found = self.factory_resolver.find(ref[len("call:"):])
            return list(self.values(self.factories[found].returned, depth + 1)) if found \
                else []
        prefix, _, param = ref.rpartition(".")
        funcs = [p for p in self.by_prefix.get(prefix, ()) if param in p.params]
        if not funcs:
            return [ref]
        out = []
        for func in funcs:
            index = str(func.params.index(param))
            default = dict(func.defaults).get(param)
            for call in self._calls_to(func.callable):
                given = False
                for key, arg in call.args:
                    if key in (index, param):
                        out += self.values(arg, depth + 1)
                        given = True
                if not given and default is not None and call.passed is not None and \
                        index not in call.passed and param not in call.passed:
                    out += self.values(default, depth + 1)  # the call leaves the default
        return out

    def _calls_to(self, callable_name: str) -> list[CallArgFact]:
        if callable_name not in self._calls_of:
            # Callers name a function through their imports (absolute) or this run's module
            # names: every callee name that resolves to it.
            from .routes import Resolver

            target = Resolver([callable_name])
            self._calls_of[callable_name] = [
                c for callee, calls in sorted(self.calls.items())
                if target.find(callee) is not None for c in calls]
        return self._calls_of[callable_name]


def bind_mounts(bindings: Bindings, mounts: list[MountFact], owners: list[str]
                ) -> list[MountFact]:
    """The mounts with parameters replaced by what they stand for: a mount of a parameter
    child (`add_subapp("/p", management_api)`, `register_blueprint(bp)` in a loop over a
    parameter) becomes one mount per object, and an owner that is a parameter hangs below
    each object it stands for with the empty prefix (the same object, another name)."""
    from dataclasses import replace

    from .routes import MountFact

    out: list[MountFact] = []
    for mount in mounts:
        child = mount.child
        if child and bindings.is_parameter(child):
            values = bindings.values(child)
            out += [replace(mount, child=v) for v in values if v != child]
            if not values:
                out.append(mount)
        else:
            out.append(mount)
    for owner in sorted(set(owners)):
        if not bindings.is_parameter(owner):
            continue
        for value in bindings.values(owner):
            if value != owner:
                out.append(MountFact(value, owner, "", "parameter", "", 0))
    return out


__all__ = ["Bindings", "CallArgFact", "CollectionFact", "FactoryFact", "ParamsFact",
           "bind_mounts", "call_arg_facts", "collection_fact", "factory_fact", "params_facts",
           "reference"]

