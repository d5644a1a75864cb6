"""Routes registered by a project function on what its callers pass ("follow the call"):

    def register_endpt(resource, url, name):              # gramps-webapi
        api_blueprint.add_url_rule(url, view_func=resource.as_view(name))
    register_endpt(PeopleResource, "/people/", "people")   # POST... /people/ -> PeopleResource

    class CustomObjectApiConfig:                           # aim
        @classmethod
        def register_endpoints(cls, router):
            @router.get(f"/search/{seq_name}/")
            async def search_api(...): ...
    ImageApiConfig.register_endpoints(runs_router)         # GET /search/{?}/ on runs_router

Per file, a route the collector found inside a function whose router, path or view comes
from that function's parameters is not a route by itself: it becomes a summary of the
function (`ParamRouteFact`: owner, path pieces and view, each a literal, a reference or a
parameter), and every call that may reach such a function is recorded with its arguments
as pieces (`ParamCallFact`). The project phase resolves each call through the program model
(imports, re-exports, the class hierarchy for `Sub.classmethod(...)`), substitutes the
arguments, and gives one route per call. A call made inside another function with that
function's own parameters makes it a registrar too (solved over the calls, bounded and
recursion-safe). What cannot be told stays unknown: an argument computed at run time is
`{?}` in the path, a call that resolves to no project function registers nothing, and a
function nobody calls registers nothing.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from ...model import Span
from ..paths import is_test_path
from .call_bindings import ownerish
from .common import bound_call, kwarg, object_name, path_text, this_module
from .path_constants import constant_text
from .routes import UNKNOWN_PREFIX, HandlerInfo, Resolver, RouteFact

if TYPE_CHECKING:
    from ...context import FileContext

# ("lit", text) | ("param", name) | ("ref", dotted name) | ("unknown", "")
Piece = tuple[str, str]
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_MAX_DEPTH = 4
# Where each registration call takes its view: (position, keyword).
_VIEW_ARG = {"add_url_rule": (2, "view_func"), "add_api_route": (1, "endpoint"),
             "add_route": (1, "endpoint"), "add_resource": (0, "resource")}


@dataclass(frozen=True)
class ParamRouteFact:
    """A route `func` registers, given its parameters."""

    func: str  # qualified name (module[.Class].function), as the program model names it
    params: tuple[str, ...]  # positional parameters as written (self / cls included)
    route: RouteFact  # as collected inside the function
    owner: Piece | None  # None: the route's own owner (not a parameter)
    path: tuple[Piece, ...] | None  # None: the route's own path
    view: Piece | None  # a parameter (or, once substituted, a reference) naming the view
    # where the registration is written (file:line:col), then each call it came through
    origin: str = ""
    # the router is a parameter taken for one by its name alone: no route unless a call
    # passes a known app or router
    guessed_owner: bool = False


@dataclass(frozen=True)
class ParamCallFact:
    """A call that may reach such a function, with its arguments as pieces."""

    callee: str
    caller: str  # the enclosing function's qualified name; "" at module level
    caller_params: tuple[str, ...]  # its positional parameters as written
    args: tuple[tuple[str, tuple[Piece, ...]], ...]  # (position digits | keyword, pieces)
    file: str
    line: int
    span: Span
    literal_spans: tuple[tuple[str, Span], ...] = ()  # where each string literal arg is


# -- per file: the summary ------------------------------------------------------------------
def _registering_function(ctx: FileContext, node: ast.AST
                          ) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The function whose body runs the registration (a decorator of a nested function
    runs in the function around it)."""
    prev: ast.AST = node
    for anc in ctx.semantic.ancestors(node):
        if isinstance(anc, _FUNCTIONS) and prev in anc.body:
            return anc
        prev = anc
    return None


def _function_name(ctx: FileContext, func: ast.AST) -> str | None:
    """module.function or module.Class.method; None for a nested function (no caller can
    name it from elsewhere)."""
    parent = ctx.semantic.parent(func)
    if parent is ctx.tree:
        return f"{this_module(ctx)}.{func.name}"  # type: ignore[attr-defined]
    if isinstance(parent, ast.ClassDef) and ctx.semantic.parent(parent) is ctx.tree:
        return f"{this_module(ctx)}.{parent.name}.{func.name}"  # type: ignore[attr-defined]
    return None


def _params(func: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[str, ...]:
    return tuple(a.arg for a in [*func.args.posonlyargs, *func.args.args,
                                 *func.args.kwonlyargs])


def _pieces(ctx: FileContext, expr: ast.AST | None, params: tuple[str, ...],
            func: ast.AST | None, depth: int = 0) -> tuple[Piece, ...]:
    """A string as literal parts, parameters of `func` and references to resolve later."""
    if expr is None or depth > _MAX_DEPTH:
        return (("unknown", ""),)
    if isinstance(expr, ast.Constant):
        return (("lit", expr.value),) if isinstance(expr.value, str) else (("unknown", ""),)
    if isinstance(expr, ast.JoinedStr):
        out: list[Piece] = []
        for part in expr.values:
            if isinstance(part, ast.FormattedValue):
                if part.conversion != -1 or part.format_spec is not None:
                    return (("unknown", ""),)
                out += _pieces(ctx, part.value, params, func, depth + 1)
            else:
                out += _pieces(ctx, part, params, func, depth + 1)
        return tuple(out)
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        return (*_pieces(ctx, expr.left, params, func, depth + 1),
                *_pieces(ctx, expr.right, params, func, depth + 1))
    if isinstance(expr, ast.Name):
        scope, bindings = ctx.semantic.lookup(expr.id, expr)
        if func is not None and scope is not None and scope.node is func:
            if expr.id in params:
                return (("param", expr.id),)
            from .flask import local_owner_assignment

            built = bound_call(ctx, expr)
            if built is not None and local_owner_assignment(ctx, built):
                # The function's own app (`app = ProjectFlask(...)`; `@app.route`): an
                # owner the project phase knows by this name.
                ref = object_name(ctx, expr)
                return (("ref", ref),) if ref else (("unknown", ""),)
            # A local assigned once (`endpoint = f"/search/{name}/"`): its value.
            if len(bindings) == 1 and bindings[0].kind in ("assign", "annassign") and \
                    bindings[0].value is not None:
                return _pieces(ctx, bindings[0].value, params, func, depth + 1)
            return (("unknown", ""),)
        text = path_text(ctx, expr)
        if text is not None and not text.startswith("{"):
            return (("lit", text),)
    if isinstance(expr, ast.Name | ast.Attribute):
        ref = object_name(ctx, expr)
        if ref is not None:
            return (("ref", ref),)
    return (("unknown", ""),)


def _single(ctx: FileContext, expr: ast.AST | None, params: tuple[str, ...],
            func: ast.AST) -> Piece | None:
    """A view or owner argument: a parameter (`resource`, `resource.as_view(name)`)."""
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and \
            expr.func.attr == "as_view":
        expr = expr.func.value
    if isinstance(expr, ast.Name) and expr.id in params and \
            ctx.semantic.scope_of(expr).node is func:
        return ("param", expr.id)
    return None


def _guessed_owner(ctx: FileContext, receiver: ast.expr, fact: RouteFact) -> bool:
    """A router parameter taken for one by its name alone (`def register_endpoints(cls,
    router): @router.get(...)`, fastapi_starlette.route_from_decorator; `bp.route` /
    `bp.add_url_rule` in flask): a route only where a call passes a router. FastAPI's
    `add_api_route` on an unannotated parameter was read before as the parameter's route
    (call_bindings binds it), so it is not one of these."""
    from .fastapi_starlette import param_annotation

    if fact.is_router_register or param_annotation(ctx, receiver) != "":
        return False
    return fact.framework == "flask" or (
        fact.framework in ("fastapi", "starlette") and fact.decorator is not None)


def templated(ctx: FileContext, node: ast.AST, facts: list[object]) -> list[object]:
    """The route facts a registration `node` gave, with each one whose owner, path or view
    is a parameter of the function around it replaced by that function's summary."""
    if not facts or not isinstance(node, ast.Call) or \
            not isinstance(node.func, ast.Attribute):
        return facts
    func = _registering_function(ctx, node)
    if func is None:
        return facts
    params = _params(func)
    if not params:
        return facts
    name = _function_name(ctx, func)
    if name is None:
        return facts
    from .flask_rest import helper_from_function

    if helper_from_function(ctx, func) is not None:
        return facts  # an add_resource helper: resolved at its calls by flask_rest's summary
    owner = _single(ctx, node.func.value, params, func)
    position, keyword = _VIEW_ARG.get(node.func.attr, (-1, ""))
    view_expr = kwarg(node, keyword) if keyword else None
    if view_expr is None and 0 <= position < len(node.args):
        view_expr = node.args[position]
    view = _single(ctx, view_expr, params, func)
    by_span = {ctx.span_of(a): a for a in [*node.args, *(k.value for k in node.keywords)]}
    out: list[object] = []
    for fact in facts:
        if not isinstance(fact, RouteFact):
            out.append(fact)
            continue
        path_expr = by_span.get(fact.span)
        path = _pieces(ctx, path_expr, params, func) if path_expr is not None else None
        from_param = path is not None and any(kind == "param" for kind, _ in path)
        guessed = owner is not None and _guessed_owner(ctx, node.func.value, fact)
        if view is None and not from_param and not guessed:
            # Only the router is a parameter: call_bindings binds it through the callers'
            # arguments (`def register_routes(app: FastAPI)`), as any parameter owner.
            out.append(fact)
            continue
        if not from_param and fact.path is not None:
            path = None  # a literal path: the route's own
        origin = f"{ctx.path}:{fact.span.start_line}:{fact.span.start_col}"
        out.append(ParamRouteFact(name, params, fact, owner, path, view, origin, guessed))
    return out


def parameter_resources(ctx: FileContext, call: ast.Call) -> list[object]:
    """`api.add_resource(resource, f"/reports/{name}")` on an `api` parameter, in a helper
    module that may import no flask-restx / flask-restful (flask_rest reads the files that
    do): a summary of the helper, a route at each call that passes an Api."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr == "add_resource" and
            isinstance(func.value, ast.Name) and len(call.args) >= 2 and
            ctx.semantic.lookup(func.value.id, func.value)[1][:1] and
            all(b.kind == "param" for b in ctx.semantic.lookup(func.value.id, func.value)[1])):
        return []
    resource = object_name(ctx, call.args[0])
    owner = object_name(ctx, func.value)
    facts: list[object] = []
    for url in call.args[1:]:
        if isinstance(url, ast.Starred):
            break
        span = ctx.span_of(url)
        name = (resource or "?").rsplit(".", 1)[-1]
        facts.append(RouteFact("flask", owner, None, (), ctx.path, span,
                               HandlerInfo(name=name, line=span.start_line, span=span),
                               view_ref=resource))
    return [f for f in templated(ctx, call, facts) if not isinstance(f, RouteFact)]


# -- per file: the calls --------------------------------------------------------------------
def _may_register(call: ast.Call) -> bool:
    """A call worth recording: it passes a path, an f-string or a router-like object, or
    a class among several arguments (`register(Resource, url_for_it(), "name")`). Asked of
    every call of every file: one pass over the arguments, each tested by its exact type
    (as the parser makes them)."""
    several = len(call.args) + len(call.keywords) > 1
    capital = False
    constant, joined, name, attribute = ast.Constant, ast.JoinedStr, ast.Name, ast.Attribute
    for arg in [*call.args, *(k.value for k in call.keywords)]:
        kind = type(arg)
        if kind is constant:
            value = arg.value  # type: ignore[attr-defined]
            if isinstance(value, str) and value.startswith("/"):
                return True
        elif kind is joined:
            return True
        elif kind is name:
            if ownerish(arg):
                return True
            written = arg.id  # type: ignore[attr-defined]
            if several and written[:1].isupper() and not written.isupper():
                capital = True
        elif kind is attribute and ownerish(arg):
            return True
    return capital


def call_fact(ctx: FileContext, call: ast.Call) -> list[object]:
    """`register_endpt(Resource, "/people/", "people")`, `Config.register_endpoints(router)`."""
    func = call.func
    if not isinstance(func, ast.Name | ast.Attribute) or not _may_register(call):
        return []
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and \
            func.value.id in ("self", "cls"):
        return []  # a method reached through an instance: its class is not told here
    callee = object_name(ctx, func)
    if not callee:
        return []
    enclosing = ctx.semantic.enclosing_function(call)
    caller = _function_name(ctx, enclosing) if enclosing is not None else ""
    params = _params(enclosing) if enclosing is not None and caller else ()
    scope = enclosing if caller else None
    args: list[tuple[str, tuple[Piece, ...]]] = []
    spans: list[tuple[str, Span]] = []
    written = [(str(i), a) for i, a in enumerate(call.args)] + [
        (k.arg, k.value) for k in call.keywords if k.arg]
    for key, arg in written:
        if isinstance(arg, ast.Starred):
            break
        args.append((key, _pieces(ctx, arg, params, scope)))
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            spans.append((key, ctx.span_of(arg)))
    return [ParamCallFact(callee, caller or "", params, tuple(args), ctx.path, call.lineno,
                          ctx.span_of(call), tuple(spans))]


# -- project phase --------------------------------------------------------------------------
class _Solver:
    """What each function registers given its parameters, solved over the calls: a
    function's own registrations, and those of the registrars it calls with its own
    parameters. Each registration counts once per chain of calls; a chain that passes a
    call twice (recursion) adds nothing, and the rounds are bounded."""

    def __init__(self, facts: dict[str, list[Any]], model: Any) -> None:
        from ..program.model import FunctionInfo

        self.model = model
        self.function_info = FunctionInfo
        self.table: dict[str, list[ParamRouteFact]] = {}
        for fact in facts.get("param_route", []):
            self.table.setdefault(fact.func, []).append(fact)
        self.calls_in: dict[str, list[ParamCallFact]] = {}
        for call in facts.get("param_call", []):
            self.calls_in.setdefault(call.caller, []).append(call)
        self._targets: dict[str, Any] = {}
        for _ in range(_MAX_DEPTH):
            if not self._round():
                break

    def _round(self) -> bool:
        changed = False
        for func, calls in sorted(self.calls_in.items()):
            if not func:
                continue
            known = self.table.setdefault(func, [])
            origins = {t.origin for t in known}
            for call in calls:
                for made in self.through(call):
                    if _open(made) and made.origin not in origins:
                        known.append(made)
                        origins.add(made.origin)
                        changed = True
        return changed

    def target(self, callee: str) -> Any:
        if callee not in self._targets:
            found = self.model.resolve(callee)
            self._targets[callee] = found if isinstance(found, self.function_info) else None
        return self._targets[callee]

    def through(self, call: ParamCallFact) -> list[ParamRouteFact]:
        """The registrations a call makes, its arguments substituted."""
        target = self.target(call.callee)
        if target is None:
            return []
        offset = {"function": 0, "staticmethod": 0, "classmethod": 1}.get(target.kind)
        if offset is None:
            return []
        if target.qualname == call.caller:
            return []  # a function calling itself registers nothing more
        site = _site(call)
        out = []
        for template in self.table.get(target.qualname, ()):
            if site in template.origin:
                continue  # a cycle of calls adds nothing
            # `Sub.register(bp)` on a classmethod: `cls` is the class the call names.
            receiver = {template.params[0]: (("ref", call.callee.rsplit(".", 1)[0]),)} \
                if offset and template.params and "." in call.callee else {}
            out.append(_substitute(template, template.params[offset:], call, receiver))
        return out


def _site(call: ParamCallFact) -> str:
    return f"|{call.file}:{call.span.start_line}:{call.span.start_col}"


def _bind(params: tuple[str, ...], args: tuple[tuple[str, tuple[Piece, ...]], ...]
          ) -> dict[str, tuple[Piece, ...]]:
    out: dict[str, tuple[Piece, ...]] = {}
    for key, pieces in args:
        if key.isdecimal():
            if int(key) < len(params):
                out[params[int(key)]] = pieces
        elif key in params:
            out[key] = pieces
    return out


def _one(piece: Piece | None, bound: dict[str, tuple[Piece, ...]]) -> Piece | None:
    if piece is None or piece[0] != "param":
        return piece
    given = bound.get(piece[1])
    return given[0] if given is not None and len(given) == 1 and \
        given[0][0] in ("ref", "param") else ("unknown", "")


def _substitute(template: ParamRouteFact, params: tuple[str, ...], call: ParamCallFact,
                receiver: dict[str, tuple[Piece, ...]]) -> ParamRouteFact:
    """The template as the call makes it (`params`: the ones the call's arguments bind;
    `receiver`: a classmethod's `cls`)."""
    bound = {**receiver, **_bind(params, call.args)}
    path = None
    if template.path is not None:
        path = tuple(p for piece in template.path for p in (
            bound.get(piece[1], (("unknown", ""),)) if piece[0] == "param" else (piece,)))
    # A path given whole by one string literal of the call is written there (a fix may
    # rewrite it); any other path is put together from pieces.
    span, written = call.span, False
    literals = dict(call.literal_spans)
    if template.path is not None and len(template.path) == 1 and \
            template.path[0][0] == "param":
        name = template.path[0][1]
        key = str(params.index(name)) if name in params else name
        written = key in literals and key in dict(call.args)
        span = literals[key] if written else call.span
    handler = template.route.handler
    if handler is not None and not handler.file:
        # The handler stays where it is written when the registration moves to the call.
        handler = replace(handler, file=template.route.file)
    route = replace(template.route, file=call.file, span=span, path_written=written,
                    handler=handler)
    return replace(template, func=call.caller, params=call.caller_params, route=route,
                   origin=template.origin + _site(call),
                   owner=_one(template.owner, bound),
                   path=path, view=_one(template.view, bound))


def _open(template: ParamRouteFact) -> bool:
    """Still given by the parameters of the function the call was made in."""
    pieces = [*(template.path or ()), template.owner, template.view]
    return any(p is not None and p[0] == "param" for p in pieces)


def _text(pieces: tuple[Piece, ...], model: Any) -> str:
    out = ""
    for kind, value in pieces:
        if kind == "lit":
            out += value
        elif kind == "ref":
            found = constant_text(model, value)
            last = value.rsplit(".", 1)[-1]
            out += found if found is not None else (
                "{" + last + "}" if last.isupper() else UNKNOWN_PREFIX)
        else:
            out += UNKNOWN_PREFIX
    return out


def param_routes(facts: dict[str, list[Any]]) -> list[RouteFact]:
    """One route per call that reaches a registrar, its arguments substituted. A registration
    no chain of resolved calls reaches (a method called through `self`, a function nobody
    calls) keeps the route the collector read, its unknown parts `{?}`; one whose router is
    a parameter known by its name only registers nothing then, nor where the argument is
    not an app or router this run knows."""
    templates = facts.get("param_route", [])
    if not templates:
        return []
    from ..program import FACT_KIND, program_of

    if not facts.get(FACT_KIND):
        return [t.route for t in templates if not t.guessed_owner]
    solver = _Solver(facts, program_of(facts))
    owners = Resolver(sorted({o.name for o in facts.get("route_owner", [])}))
    out: list[RouteFact] = []
    seen: set[tuple[Any, ...]] = set()
    produced: set[str] = set()  # where the registrations that gave a route are written
    for call in facts.get("param_call", []):
        test = is_test_path(call.file)
        for made in solver.through(call):
            if _open(made) and made.func:
                continue  # stands for what its own callers pass (solved at those calls)
            produced.add(made.origin.split("|", 1)[0])
            if test:
                continue  # a test's call registers nothing the application serves
            if made.owner is not None and (made.owner[0] != "ref" or
                                           owners.find(made.owner[1]) is None):
                if made.guessed_owner:
                    continue  # not an app or router this run knows: registers nothing seen
                # The router parameter as the collector named it: call_bindings binds it
                # through the callers' arguments (a factory's app, a collection's items).
                made = replace(made, owner=None)
            route = _route(made, solver.model)
            key = (route.file, route.span, route.owner, route.path, route.view_ref,
                   route.handler.span if route.handler else None)
            if key not in seen:  # the same registration reached by two chains
                seen.add(key)
                out.append(route)
    out += [t.route for t in templates if t.origin not in produced and not t.guessed_owner]
    return out


def _route(made: ParamRouteFact, model: Any) -> RouteFact:
    route = made.route
    owner = route.owner
    if made.owner is not None:
        owner = made.owner[1] if made.owner[0] == "ref" else None
    path = route.path if made.path is None else _text(made.path, model)
    handler = route.handler
    view_ref = route.view_ref
    registration = route.registration
    if made.view is not None and made.view[0] == "ref":
        view_ref = made.view[1]
        handler = HandlerInfo(name=view_ref.rsplit(".", 1)[-1], line=route.span.start_line,
                              span=route.span)
        from ..program.model import FunctionInfo

        if isinstance(model.resolve(view_ref), FunctionInfo):
            # A function handed in (`add_route(router, "/health", health)`): its own code is
            # the handler, found through the program model (routes.BY_NAME).
            registration = "by-name"
    return replace(route, owner=owner, path=path, handler=handler, view_ref=view_ref,
                   view_ref_local=None if view_ref != route.view_ref else route.view_ref_local,
                   registration=registration)


__all__ = ["ParamCallFact", "ParamRouteFact", "call_fact", "param_routes", "parameter_resources",
           "templated"]
