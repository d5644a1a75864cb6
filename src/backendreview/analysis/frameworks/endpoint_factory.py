"""Project decorators that register the function they decorate as a Flask route, with a
path and method computed from the function's name (fava's `@api_endpoint`):

    def api_endpoint(func):
        method, _, name = func.__name__.partition("_")
        @json_api.route(f"/{name}", methods=[method])
        @wraps(func)
        def _wrapper(): ...
        return _wrapper

    @api_endpoint
    def get_changed(): ...          # GET /changed on json_api
    api_endpoint(get_errors)        # GET /errors (a function imported from elsewhere)

A module-level function of one parameter whose body defines a function decorated with a
route of a Flask app or blueprint, and that returns that function or its parameter, is such
a factory (a blueprint builder returning its blueprint is not): each use registers that
route, its path
and methods evaluated for the decorated function's name when the body computes them from
`func.__name__` by a plain `partition` / `split(sep, 1)` (or uses the name whole); any other
computation leaves the path `{?}` and the methods unknown, never guessed. The inner
function's own decorator registers nothing until the factory is used, so it is not a route
by itself. A decorator whose body registers no route is not a factory.

A decorator factory one level up (ironic-inspector's `api(path, rule=None, **flask_kwargs)`,
whose `outer(func)` returns a wrapper decorated `@_app.route(path, **flask_kwargs)`) registers
one route per use `@api("/v1/rules", methods=["GET", "POST"])`: the path is the argument the
use binds to the factory's parameter the route takes (a literal, or a constant `path_text`
can read; anything else `{?}`), the methods the use's `methods=` when the route call passes
the factory's `**kwargs` on (or takes a parameter as `methods=`), flask's GET when the use
gives none, and the handler the decorated function. A use in another module (`from
insp.main import api`, `main.api(...)`) is joined to the factory in the project phase
(`resolve_maker_uses`): the factory's module gives a `MakerFact`, the using module a
`MakerUseFact` with its arguments read there (a literal, a constant `path_text` can read,
`methods=` lists), and the factory's `{?}` wrapper row, which stood for those uses, goes
once one is found (it stays while a use spreads its arguments, `@api(*PATHS)`). A
factory whose decorator returns the function unchanged (its route is some other function
of its own) or whose wrapper carries no route is not one.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from ...model import Span
from .common import (
    analyze_handler,
    kwarg,
    literal_str,
    object_name,
    path_text,
    str_list,
    this_module,
)
from .routes import UNKNOWN_PREFIX, HandlerInfo, Resolver, RouteFact

if TYPE_CHECKING:
    from ...context import FileContext

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
# A piece of the decorated function's name: ("name",) whole, ("part", sep, index) of
# `name.partition(sep)`.
_Piece = tuple[str, ...]


@dataclass(frozen=True)
class _Factory:
    route: RouteFact  # the inner function's route: its owner (blueprint / app) and decorator
    path: tuple[str | _Piece, ...] | None  # literal texts and name pieces; None: computed
    methods: tuple[tuple[str | _Piece, ...], ...] | None  # each method likewise


def _name_pieces(func: ast.FunctionDef | ast.AsyncFunctionDef, param: str
                 ) -> dict[str, _Piece]:
    """Names the factory's own body binds to pieces of `param.__name__`."""

    def is_name_of(node: ast.AST) -> bool:
        return isinstance(node, ast.Attribute) and node.attr == "__name__" and isinstance(
            node.value, ast.Name) and node.value.id == param

    env: dict[str, _Piece] = {}
    for stmt in func.body:
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1):
            continue
        target, value = stmt.targets[0], stmt.value
        if isinstance(target, ast.Name) and is_name_of(value):
            env[target.id] = ("name",)
            continue
        if not (isinstance(target, ast.Tuple) and isinstance(value, ast.Call) and
                isinstance(value.func, ast.Attribute) and is_name_of(value.func.value) and
                value.args and not value.keywords):
            continue
        sep = literal_str(value.args[0])
        if not sep:
            continue
        if value.func.attr == "partition" and len(value.args) == 1 and len(target.elts) == 3:
            indexes = (0, 1, 2)
        elif value.func.attr == "split" and len(value.args) == 2 and isinstance(
                value.args[1], ast.Constant) and value.args[1].value == 1 and \
                len(target.elts) == 2:
            # `a, b = name.split("_", 1)`: the pieces partition gives, when the name has sep.
            indexes = (0, 2)
        else:
            continue
        for elt, index in zip(target.elts, indexes, strict=True):
            if isinstance(elt, ast.Name):
                env[elt.id] = ("part", sep, str(index))
    return env


def _template(node: ast.AST | None, env: dict[str, _Piece]) -> tuple[str | _Piece, ...] | None:
    """A string the factory computes: literal parts and name pieces, or None."""
    if node is None:
        return None
    text = literal_str(node)
    if text is not None:
        return (text,)
    if isinstance(node, ast.Name) and node.id in env:
        return (env[node.id],)
    if isinstance(node, ast.JoinedStr):
        out: list[str | _Piece] = []
        for value in node.values:
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                out.append(value.value)
            elif isinstance(value, ast.FormattedValue) and value.conversion == -1 and \
                    value.format_spec is None and isinstance(value.value, ast.Name) and \
                    value.value.id in env:
                out.append(env[value.value.id])
            else:
                return None
        return tuple(out)
    return None


def _fill(template: tuple[str | _Piece, ...], name: str) -> str:
    out = []
    for part in template:
        if isinstance(part, str):
            out.append(part)
        elif part[0] == "name":
            out.append(name)
        else:
            out.append(name.partition(part[1])[int(part[2])])
    return "".join(out)


def factory(ctx: FileContext, func: ast.AST) -> _Factory | None:
    """`func` as a route-registering decorator (memoised per function)."""
    if not isinstance(func, _FUNCTIONS):
        return None
    return ctx.memo("endpoint-factory", func, lambda: _factory(ctx, func))


def _factory(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef
             ) -> _Factory | None:
    from . import flask

    params = [*func.args.posonlyargs, *func.args.args]
    if len(params) != 1 or ctx.semantic.scope_of(func) is not ctx.semantic.module_scope:
        return None
    # A decorator returns the function it was given or a wrapper defined in it; a builder
    # with one parameter that returns its blueprint (`construct_blueprint(datastore)`) is
    # no decorator, and its nested handlers are routes of their own.
    returned = {params[0].arg} | {inner.name for inner in func.body
                                  if isinstance(inner, _FUNCTIONS)}
    if not any(isinstance(ret.value, ast.Name) and ret.value.id in returned
               for ret in ctx.semantic.own_returns(func)):
        return None
    for inner in func.body:
        if not isinstance(inner, _FUNCTIONS):
            continue
        for dec in inner.decorator_list:
            route = flask.route_from_decorator(ctx, inner, dec)
            if route is None or not isinstance(dec, ast.Call):
                continue
            env = _name_pieces(func, params[0].arg)
            path = _template(dec.args[0] if dec.args else kwarg(dec, "rule"), env)
            methods_node = kwarg(dec, "methods")
            methods: tuple[tuple[str | _Piece, ...], ...] | None = (("GET",),)
            if isinstance(dec.func, ast.Attribute) and dec.func.attr in flask.SHORTCUTS:
                methods = ((flask.SHORTCUTS[dec.func.attr],),)
            elif methods_node is not None:
                items = [_template(e, env) for e in methods_node.elts] if isinstance(
                    methods_node, ast.List | ast.Tuple) else [None]
                methods = None if any(i is None for i in items) else tuple(
                    i for i in items if i is not None)
            return _Factory(route, path, methods)
    return None


@dataclass(frozen=True)
class _Maker:
    """A decorator factory (ironic-inspector's `api(path, rule=None, **flask_kwargs)`): the
    function it returns is a decorator whose wrapper carries the route; the path and the
    methods are what each use passes (`@api("/v1/rules", methods=["GET"])`)."""

    route: RouteFact  # the wrapper's route: its owner and decorator
    params: tuple[str, ...]  # the factory's positional parameters, in order
    keywords: frozenset[str]  # every parameter a use may name
    path: str | None  # the factory parameter the route's path is; None: not one
    path_text: str | None  # the route's own path when it is not a parameter
    methods: str | None  # the factory parameter given as `methods=`
    spread: bool  # the route call passes the factory's `**kwargs` on (`methods=` among them)


def decorator_factory(ctx: FileContext, func: ast.AST) -> _Maker | None:
    """`func` as a route-registering decorator factory (memoised per function)."""
    if not isinstance(func, _FUNCTIONS):
        return None
    return ctx.memo("endpoint-maker", func, lambda: _maker(ctx, func))


def _returns(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef,
             names: set[str]) -> bool:
    return any(isinstance(ret.value, ast.Name) and ret.value.id in names
               for ret in ctx.semantic.own_returns(func))


def _maker(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef) -> _Maker | None:
    from . import flask

    if ctx.semantic.scope_of(func) is not ctx.semantic.module_scope:
        return None
    if isinstance(func, ast.AsyncFunctionDef):
        # `@aget("/x")` with `async def aget(path)`: the call gives a coroutine, not a
        # decorator (Python raises at import), so nothing is registered.
        return None
    for ret in ctx.semantic.own_returns(func):
        # `def get(path): return app.route(path, methods=["GET"])`: the factory hands back
        # the app's own route decorator, which registers the decorated function itself.
        if isinstance(ret.value, ast.Call):
            stub = HandlerInfo(name=func.name, line=func.lineno, span=ctx.span_of(func))
            route = flask.route_from_decorator(ctx, func, ret.value, handler=stub)
            if route is not None:
                return _made_by(ctx, func, replace(route, handler=None), ret.value)
    for outer in func.body:
        # The decorator the factory returns: one parameter (the decorated function).
        if not isinstance(outer, _FUNCTIONS) or len(outer.args.args) != 1 or \
                outer.args.posonlyargs or not _returns(ctx, func, {outer.name}):
            continue
        for inner in outer.body:
            # The decorator hands back the wrapper that carries the route; one that returns
            # the function unchanged registers some other function of its own (no use's).
            if not isinstance(inner, _FUNCTIONS) or not _returns(ctx, outer, {inner.name}):
                continue
            for dec in inner.decorator_list:
                route = flask.route_from_decorator(ctx, inner, dec)
                if route is not None and isinstance(dec, ast.Call):
                    return _made_by(ctx, func, route, dec)
    return None


def _made_by(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef, route: RouteFact,
             dec: ast.Call) -> _Maker:
    """The factory `func` whose route call `dec` registers `route`: which of its parameters
    the call takes as the path and as `methods=`, and whether it passes `**kwargs` on."""
    params = tuple(a.arg for a in [*func.args.posonlyargs, *func.args.args])
    keywords = frozenset([*params, *(a.arg for a in func.args.kwonlyargs)])
    spread = func.args.kwarg.arg if func.args.kwarg is not None else None
    path_node = dec.args[0] if dec.args else kwarg(dec, "rule")
    path = path_node.id if isinstance(path_node, ast.Name) and \
        path_node.id in keywords and _factory_name(ctx, path_node, func) else None
    methods_node = kwarg(dec, "methods")
    methods = methods_node.id if isinstance(methods_node, ast.Name) and \
        methods_node.id in keywords and _factory_name(ctx, methods_node, func) else None
    passes = spread is not None and any(
        k.arg is None and isinstance(k.value, ast.Name) and k.value.id == spread
        for k in dec.keywords)
    return _Maker(route, params, keywords, path, None if path is not None else route.path,
                  methods, passes)


def _factory_name(ctx: FileContext, name: ast.Name, func: ast.AST) -> bool:
    """`name` is the factory's own parameter (not rebound in the inner functions)."""
    scope, bindings = ctx.semantic.lookup(name.id, name)
    return scope is not None and scope.node is func and bool(bindings) and \
        all(b.kind == "param" for b in bindings)


def inside_factory(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """`func` is the inner function of a factory (or of the decorator a decorator factory
    returns): its route exists once per use only."""
    parent = ctx.semantic.parent(func)
    if factory(ctx, parent) is not None:
        return True
    if not isinstance(parent, _FUNCTIONS):
        return False
    maker = ctx.semantic.parent(parent)
    # Only the uses in the factory's own module are followed: a factory used only from
    # other modules keeps its wrapper's route (path `{?}`), which stands for those uses.
    return decorator_factory(ctx, maker) is not None and any(
        used is maker for used in _makers_used(ctx))


def _makers_used(ctx: FileContext) -> list[ast.AST]:
    """The decorator factories of this module that some definition here is decorated with."""
    def compute() -> list[ast.AST]:
        out: list[ast.AST] = []
        for node in ast.walk(ctx.tree):
            for dec in getattr(node, "decorator_list", ()):
                if isinstance(dec, ast.Call) and isinstance(dec.func, ast.Name):
                    bindings = ctx.semantic.lookup(dec.func.id, dec.func)[1]
                    if len(bindings) == 1 and bindings[0].kind == "def":
                        out.append(bindings[0].node)
        return out

    return ctx.memo("endpoint-maker-uses", ctx.tree, compute)


def _local_maker(ctx: FileContext, expr: ast.expr) -> _Maker | None:
    """`@api(...)` with `api` bound only to a decorator factory defined in this module."""
    if not (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name)):
        return None
    bindings = ctx.semantic.lookup(expr.func.id, expr.func)[1]
    if len(bindings) != 1 or bindings[0].kind != "def":
        return None
    return decorator_factory(ctx, bindings[0].node)


@dataclass(frozen=True)
class UseArg:
    """One argument of a decorator factory's use, read where it is written."""

    path: str | None  # its text as a path (a literal, a constant path_text can read)
    written: bool  # a string literal (a fix may rewrite it)
    span: Span
    methods: tuple[str, ...] | None  # its strings, when a literal list of them


@dataclass(frozen=True)
class MakerFact:
    """A route-registering decorator factory defined in this module (`api` of ironic's
    main.py), for uses in other modules to be joined to in the project phase."""

    name: str  # qualified name
    maker: _Maker
    file: str


@dataclass(frozen=True)
class MakerUseFact:
    """`@api("/v1/rules", methods=["GET"])` with `api` imported: the use, its arguments read
    here (which parameter each binds to is the factory's, known in the project phase)."""

    ref: str  # the qualified name the decorator call names (`insp.main.api`)
    args: tuple[UseArg, ...]
    keywords: tuple[tuple[str, UseArg], ...]
    handler: HandlerInfo  # the decorated function
    file: str
    span: Span  # the use call
    source: str
    # Arguments spread at the use (`@api(*PATHS)`, `@api("/x", **OPTS)`): which parameter
    # gets what is not told, so no row is made and the factory's `{?}` wrapper row, which
    # stands for such a use, stays.
    spread: bool = False


def _use_arg(ctx: FileContext, node: ast.expr) -> UseArg:
    return UseArg(path_text(ctx, node), literal_str(node) is not None, ctx.span_of(node),
                  str_list(node))


def _read_use(ctx: FileContext, use: ast.Call, ref: str, handler: HandlerInfo
              ) -> MakerUseFact | None:
    """The use's arguments as the factory will bind them; None when they are spread
    (`*args`, `**kw`: which parameter gets what is not told)."""
    if any(isinstance(a, ast.Starred) for a in use.args) or \
            any(k.arg is None for k in use.keywords):
        return None
    return MakerUseFact(ref, tuple(_use_arg(ctx, a) for a in use.args),
                        tuple((k.arg, _use_arg(ctx, k.value)) for k in use.keywords
                              if k.arg is not None),
                        handler, ctx.path, ctx.span_of(use), ctx.source(use))


def _made_route(ctx: FileContext, made: _Maker, use: ast.Call, handler: HandlerInfo
                ) -> RouteFact | None:
    """The route one use of a decorator factory in its own module registers."""
    read = _read_use(ctx, use, "", handler)
    return _bound_route(made, read) if read is not None else None


def _bound_route(made: _Maker, use: MakerUseFact) -> RouteFact:
    """The route one use registers: its arguments bound to the factory's parameters; a path
    or methods given any other way than a literal (or a readable constant) is unknown."""
    bound: dict[str, UseArg] = dict(zip(made.params, use.args, strict=False))
    extra: dict[str, UseArg] = {}
    for name, arg in use.keywords:
        (bound if name in made.keywords else extra)[name] = arg
    if made.path is not None:
        found = bound.get(made.path)
        path = found.path if found is not None else None
        written = found is not None and found.written
        span = found.span if written and found is not None else use.span
    else:
        path, written, span = made.path_text, False, use.span
    methods_arg = bound.get(made.methods) if made.methods else (
        extra.get("methods") if made.spread else None)
    if made.methods or (made.spread and "methods" in extra):
        methods = (methods_arg.methods if methods_arg is not None else None) or ()
    else:
        methods = made.route.methods
    return replace(made.route, path=path if path is not None else UNKNOWN_PREFIX,
                   methods=tuple(m.upper() for m in methods), file=use.file, span=span,
                   handler=_inside(use.handler, made.route.handler),
                   decorator=(use.span, use.source), path_written=written, path_source="")


# Attribute decorators that are a router's own (`@bp.route`, `@app.get`): not recorded as
# candidate uses unless the name before them is a module (`import insp.main`).
_ROUTER_VERBS = frozenset({"route", "get", "post", "put", "patch", "delete", "head", "options",
                           "websocket", "api_route", "add_url_rule", "expose"})


def maker_fact(ctx: FileContext, func: ast.AST) -> list[object]:
    """`func` is a module-level decorator factory: its fact, for uses elsewhere."""
    maker = decorator_factory(ctx, func)
    if maker is None or not isinstance(func, _FUNCTIONS):
        return []
    return [MakerFact(f"{this_module(ctx)}.{func.name}", maker, ctx.path)]


def imported_uses(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef
                  ) -> list[object]:
    """`@api("/x")` on `func` with `api` imported from a module of this project (`from
    insp.main import api`, `main.api(...)`): a candidate use the project phase joins to the
    factory, if `api` is one. A module of another top-level package (`click.option`) is
    not looked at."""
    out: list[object] = []
    package = this_module(ctx).split(".")
    for dec in func.decorator_list:
        if not isinstance(dec, ast.Call):
            continue
        head = dec.func
        while isinstance(head, ast.Attribute):
            head = head.value
        if not isinstance(head, ast.Name):
            continue
        bindings = ctx.semantic.lookup(head.id, head)[1]
        if not bindings or not all(b.kind == "import" for b in bindings):
            continue
        if isinstance(dec.func, ast.Attribute) and dec.func.attr in _ROUTER_VERBS and not all(
                isinstance(b.node, ast.Import) for b in bindings):
            continue  # `@bp.get(...)` on an imported router, not `@insp.main.get(...)`
        ref = object_name(ctx, dec.func)
        if not ref or (not ref.startswith(".") and ref.split(".")[0] not in package):
            continue
        handler = analyze_handler(ctx, func)
        use = _read_use(ctx, dec, ref, handler)
        out.append(use if use is not None else MakerUseFact(
            ref, (), (), handler, ctx.path, ctx.span_of(dec), ctx.source(dec), spread=True))
    return out


def resolve_maker_uses(facts: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """The routes uses in other modules register, each joined to the factory its name
    resolves to; the factory's `{?}` wrapper row, which stood for them, goes once one is,
    unless a use spreads its arguments (that use's path is still unknown)."""
    uses = facts.get("route_maker_use", [])
    makers = {m.name: m for m in facts.get("route_maker", [])}
    if not uses or not makers:
        return facts
    resolver = Resolver(sorted(makers))
    made: list[RouteFact] = []
    wrappers: set[tuple[str, int, int]] = set()
    spread: set[tuple[str, int, int]] = set()
    for use in uses:
        found = resolver.find(use.ref)
        if found is None:
            continue
        maker = makers[found]
        span = maker.maker.route.span
        wrapper = (maker.file, span.start_line, span.start_col)
        if use.spread:
            spread.add(wrapper)  # its route is the `{?}` wrapper row's: that row stays
            continue
        made.append(_bound_route(maker.maker, use))
        wrappers.add(wrapper)
    wrappers -= spread
    if not made:
        return facts
    out = dict(facts)
    out["route"] = [r for r in facts.get("route", []) if (
        r.file, r.span.start_line, r.span.start_col) not in wrappers] + made
    return out


def _inside(handler: HandlerInfo, wrapper: HandlerInfo | None) -> HandlerInfo:
    """The decorated function runs inside the factory's wrapper, the function the route
    really registers: what guards the wrapper (its auth and limiter decorators, the checks
    this file shows in its body, project decorators left for the project phase) guards each
    use's route too. What only the project phase finds in the wrapper's body is not joined."""
    if wrapper is None:
        return handler

    def joined(own: tuple[str, ...], more: tuple[str, ...]) -> tuple[str, ...]:
        return own + tuple(m for m in more if m not in own)

    return replace(handler, auth=joined(handler.auth, wrapper.auth),
                   limits=joined(handler.limits, wrapper.limits),
                   decorators=joined(handler.decorators, wrapper.decorators),
                   guards=joined(handler.guards, wrapper.guards))


def _local_factory(ctx: FileContext, expr: ast.expr) -> _Factory | None:
    """A bare name bound only to a factory defined in this module."""
    if not isinstance(expr, ast.Name):
        return None
    bindings = ctx.semantic.lookup(expr.id, expr)[1]
    if len(bindings) != 1 or bindings[0].kind != "def":
        return None
    return factory(ctx, bindings[0].node)


def _route(ctx: FileContext, made: _Factory, name: str, handler: HandlerInfo, use: ast.AST
           ) -> RouteFact:
    path = _fill(made.path, name) if made.path is not None else UNKNOWN_PREFIX
    methods = tuple(_fill(m, name).upper() for m in made.methods) if made.methods else ()
    return replace(made.route, path=path, methods=methods, file=ctx.path,
                   span=ctx.span_of(use), handler=_inside(handler, made.route.handler),
                   decorator=(ctx.span_of(use), ctx.source(use)))


def decorated(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef) -> list[object]:
    """`@api_endpoint` / `@api("/path", methods=[...])` on `func`: the route it registers."""
    out: list[object] = []
    for dec in func.decorator_list:
        made = _local_factory(ctx, dec)
        if made is not None:
            out.append(_route(ctx, made, func.name, analyze_handler(ctx, func), dec))
            continue
        maker = _local_maker(ctx, dec)
        if maker is not None and isinstance(dec, ast.Call):
            route = _made_route(ctx, maker, dec, analyze_handler(ctx, func))
            if route is not None:
                out.append(route)
    return out


def applied(ctx: FileContext, call: ast.Call) -> list[object]:
    """`api_endpoint(get_errors)` as a statement: the route it registers for that function
    (defined here: its own code; imported: named, at the registration)."""
    if not (len(call.args) == 1 and not call.keywords and isinstance(call.args[0], ast.Name)
            and isinstance(ctx.semantic.parent(call), ast.Expr)):
        return []
    made = _local_factory(ctx, call.func)
    if made is None:
        return []
    arg = call.args[0]
    bindings = ctx.semantic.lookup(arg.id, arg)[1]
    defs = [b.node for b in bindings if isinstance(b.node, _FUNCTIONS)]
    if len(defs) == 1 and len(bindings) == 1:
        handler = analyze_handler(ctx, defs[0])  # type: ignore[arg-type]
    elif bindings and all(b.kind == "import" for b in bindings):
        # Written in another module: found there through the program model (routes.BY_NAME).
        handler = HandlerInfo(name=arg.id, line=call.lineno, span=ctx.span_of(call))
        return [replace(_route(ctx, made, arg.id, handler, call), registration="by-name",
                        view_ref=object_name(ctx, arg))]
    else:
        return []
    return [_route(ctx, made, arg.id, handler, call)]


__all__ = ["MakerFact", "MakerUseFact", "applied", "decorated", "decorator_factory", "factory",
           "imported_uses", "inside_factory", "maker_fact", "resolve_maker_uses"]
