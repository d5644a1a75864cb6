"""Project subclasses of Starlette's `Router` (or FastAPI's `APIRouter`) with decorator
methods of their own, as in marimo:

    class APIRouter(starlette.routing.Router):
        def post(self, path):
            def decorator(func):
                self.add_route(path=self.prefix + path, endpoint=func, methods=["POST"])
                return func
            return decorator

        def include_router(self, router, prefix=""):
            self.mount(path=self.prefix + prefix, app=router)

    router = APIRouter()            # in another module

    @router.post("/login")
    async def login(request): ...

What a method does is read from its body, not from its name: a method registers a route when
a call in it hands its `path` parameter to the router's own `add_route` / `add_api_route` /
`add_websocket_route` with a function defined in or passed to the method (the HTTP methods
are the literal `methods=` of that call; a websocket route is a GET, like WebSocketRoute), and
it includes a router when it hands its router parameter to `self.mount(...)` or
`self.include_router(...)`. Per file the collector records those methods
(`RouterMethodFact`), and, wherever an object built from a class that is not the library's
is used that way (`@router.post("/x")`, `router.include_router(child, prefix="/api")`,
`router = APIRouter(prefix="/p")`), a candidate. The project phase keeps a candidate only
when the program model's class hierarchy reaches Starlette's Router / FastAPI's APIRouter and
a class of its MRO defines that method as a registering one; a class that merely shares the
names registers nothing."""

from __future__ import annotations

import ast
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from .common import (
    analyze_handler,
    kwarg,
    literal_str,
    object_name,
    path_text,
    prefix_of,
    str_list,
    this_module,
)
from .routes import MountFact, OwnerFact, RouteFact

if TYPE_CHECKING:
    from ...context import FileContext
    from ..program.model import ProgramModel

ROUTER_CLASSES = frozenset({"starlette.routing.Router", "fastapi.APIRouter",
                            "fastapi.routing.APIRouter"})
_FASTAPI_ROUTERS = frozenset({"fastapi.APIRouter", "fastapi.routing.APIRouter"})
_ADDERS = {"add_route": "route", "add_api_route": "route", "add_websocket_route": "websocket"}
_INCLUDERS = ("mount", "include_router")
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


@dataclass(frozen=True)
class RouterMethodFact:
    """A method of a class that registers a route (kind "route" with its HTTP methods,
    or "websocket") or includes another router (kind "include")."""

    cls: str  # qualified name of the class
    method: str
    kind: str  # route | websocket | include
    http: tuple[str, ...]
    file: str
    line: int


@dataclass(frozen=True)
class SubclassCandidateFact:
    """A route, owner or mount on an object built from a class that is not the library's:
    kept when `cls` turns out to be a Router subclass whose `method` registers
    (method "" for the owner itself)."""

    cls: str  # the class as the code names it (qualified when imported)
    method: str
    fact: RouteFact | OwnerFact | MountFact


# -- per file ----------------------------------------------------------------------------
def router_methods(ctx: FileContext, node: ast.ClassDef) -> list[object]:
    """The registering methods of a module-level class with bases."""
    if not node.bases or ctx.semantic.scope_of(node) is not ctx.semantic.module_scope:
        return []
    out: list[object] = []
    name = f"{this_module(ctx)}.{node.name}"
    for method in node.body:
        if not isinstance(method, _FUNCTIONS) or len(method.args.args) < 2:
            continue
        param = method.args.args[1].arg  # the path (or the router included)
        found = _registration(method, param)
        if found is not None:
            kind, http = found
            out.append(RouterMethodFact(name, method.name, kind, http, ctx.path, method.lineno))
    return out


def _registration(method: ast.FunctionDef | ast.AsyncFunctionDef, param: str
                  ) -> tuple[str, tuple[str, ...]] | None:
    inner = {n.name for n in ast.walk(method) if isinstance(n, _FUNCTIONS) and n is not method}
    inner |= {a.arg for n in ast.walk(method) if isinstance(n, _FUNCTIONS) and n is not method
              for a in n.args.args}
    for call in ast.walk(method):
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and
                isinstance(call.func.value, ast.Name) and call.func.value.id == "self"):
            continue
        attr = call.func.attr
        first = call.args[0] if call.args else kwarg(call, "path")
        if attr in _ADDERS and _mentions(first, param):
            endpoint = call.args[1] if len(call.args) > 1 else kwarg(call, "endpoint")
            if not (isinstance(endpoint, ast.Name) and endpoint.id in inner):
                continue  # registers something other than the decorated function
            if _ADDERS[attr] == "websocket":
                return "websocket", ("GET",)
            http = str_list(kwarg(call, "methods"))
            if http:
                return "route", http
        elif attr in _INCLUDERS:
            child = (call.args[1] if len(call.args) > 1 else kwarg(call, "app")) \
                if attr == "mount" else (call.args[0] if call.args else kwarg(call, "router"))
            if isinstance(child, ast.Name) and child.id == param:
                return "include", ()
    return None


def _mentions(node: ast.AST | None, name: str) -> bool:
    return node is not None and any(isinstance(n, ast.Name) and n.id == name
                                    for n in ast.walk(node))


def _built_from(ctx: FileContext, expr: ast.AST) -> tuple[str, ast.Call] | None:
    """`router` bound once, at module level or in this function, to `SomeClass(...)` of a
    class that is not one the framework recognisers know: (the class's name, the call)."""
    if not isinstance(expr, ast.Name):
        return None
    bindings = ctx.semantic.lookup(expr.id, expr)[1]
    if len(bindings) != 1 or bindings[0].kind != "assign" or not isinstance(
            bindings[0].value, ast.Call):
        return None
    call = bindings[0].value
    qn = ctx.qualified_name(call.func) or ""
    if qn.startswith(("fastapi.", "starlette.")):
        return None
    cls = object_name(ctx, call.func)
    return (cls, call) if cls else None


def local_class_registers(ctx: FileContext, method: ast.Attribute) -> bool | None:
    """For `obj.m` with `obj` built from a class written in this file: whether that class's
    own method `m` registers a route (router_methods); None when the class is not this
    file's (the project phase decides)."""
    built = _built_from(ctx, method.value)
    if built is None or not isinstance(built[1].func, ast.Name):
        return None
    bindings = ctx.semantic.lookup(built[1].func.id, built[1].func)[1]
    classes = [b.node for b in bindings if b.kind == "class"]
    if len(bindings) != 1 or len(classes) != 1 or not isinstance(classes[0], ast.ClassDef):
        return None
    return any(isinstance(f, RouterMethodFact) and f.method == method.attr and f.kind != "include"
               for f in router_methods(ctx, classes[0]))


def decorator_candidate(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef,
                        dec: ast.expr) -> SubclassCandidateFact | None:
    """`@router.post("/login")` on an object of a class the recognisers do not know."""
    if not (isinstance(dec, ast.Call) and isinstance(dec.func, ast.Attribute)):
        return None
    path_node = dec.args[0] if dec.args else kwarg(dec, "path")
    path = literal_str(path_node)
    if path is None:
        return None
    built = _built_from(ctx, dec.func.value)
    if built is None:
        return None
    route = RouteFact("starlette", object_name(ctx, dec.func.value), path, (), ctx.path,
                      ctx.span_of(path_node if path_node is not None else dec),
                      handler=analyze_handler(ctx, func),
                      decorator=(ctx.span_of(dec), ctx.source(dec)))
    return SubclassCandidateFact(built[0], dec.func.attr, route)


def call_candidates(ctx: FileContext, call: ast.Call) -> list[object]:
    """`router = APIRouter(prefix="/p")` and `parent.include_router(child, prefix="/api")`
    on objects of classes the recognisers do not know."""
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr == "include_router":
        built = _built_from(ctx, func.value)
        child = call.args[0] if call.args else kwarg(call, "router")
        if built is None or child is None:
            return []
        prefix_node = call.args[1] if len(call.args) > 1 else kwarg(call, "prefix")
        prefix = "" if prefix_node is None else path_text(ctx, prefix_node)
        mount = MountFact(object_name(ctx, func.value), object_name(ctx, child), prefix,
                          "starlette", ctx.path, call.lineno)
        return [SubclassCandidateFact(built[0], func.attr, mount)]
    parent = ctx.semantic.parent(call)
    if not (isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(
            parent.targets[0], ast.Name)):
        return []
    built = _built_from(ctx, parent.targets[0])
    if built is None or built[1] is not call:
        return []
    prefix_node = call.args[0] if call.args else kwarg(call, "prefix")
    prefix = "" if prefix_node is None else prefix_of(ctx, prefix_node)
    name = object_name(ctx, parent.targets[0])
    if name is None:
        return []
    owner = OwnerFact(name, "starlette", "router", prefix, file=ctx.path, line=call.lineno)
    return [SubclassCandidateFact(built[0], "", owner)]


# -- project phase -----------------------------------------------------------------------
def resolve_router_subclasses(facts: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """The facts with the candidates that a Router subclass's methods make real added as
    routes, owners and mounts."""
    candidates: list[SubclassCandidateFact] = facts.get("router_candidate", [])
    methods: list[RouterMethodFact] = facts.get("router_method", [])
    if not candidates:
        return facts
    from ..program import FACT_KIND, program_of

    if not facts.get(FACT_KIND):
        return facts
    model = program_of(facts)
    by_class: dict[str, dict[str, RouterMethodFact]] = {}
    for m in methods:
        by_class.setdefault(m.cls, {})[m.method] = m
    verdicts: dict[str, dict[str, RouterMethodFact] | None] = {}

    def registering(ref: str) -> dict[str, RouterMethodFact] | None:
        """The registering methods along the class's MRO, when it is a Router."""
        if ref not in verdicts:
            verdicts[ref] = _mro_methods(model, ref, by_class)
        return verdicts[ref]

    routes, owners, mounts = [], [], []
    # A call the FastAPI recogniser read as well (a module that imports fastapi): once.
    known = {(m.parent, m.child, m.file, m.line) for m in facts.get("route_mount", [])}
    for cand in candidates:
        found = registering(cand.cls)
        if found is None:
            continue
        fact = cand.fact
        if isinstance(fact, OwnerFact):
            owners.append(fact)
            continue
        method = found.get(cand.method)
        if method is None:
            continue
        if isinstance(fact, RouteFact) and method.kind != "include":
            routes.append(replace(fact, methods=method.http))
        elif isinstance(fact, MountFact) and method.kind == "include" and (
                fact.parent, fact.child, fact.file, fact.line) not in known:
            mounts.append(fact)
    if not (routes or owners or mounts):
        return facts
    out = dict(facts)
    out["route"] = [*facts.get("route", []), *routes]
    out["route_owner"] = [*facts.get("route_owner", []), *owners]
    out["route_mount"] = [*facts.get("route_mount", []), *mounts]
    return out


def _mro_methods(model: ProgramModel, ref: str, by_class: dict[str, dict[str, RouterMethodFact]]
                 ) -> dict[str, RouterMethodFact] | None:
    cls = model.class_of(ref)
    if cls is None:
        return None
    order = model.mro(cls)
    libraries = {model.defining_name(base) or base for item in order for base in item.bases
                 if model.resolve(base) is None}
    if not libraries & ROUTER_CLASSES:
        return None
    found: dict[str, RouterMethodFact] = {}
    decided: set[str] = set()
    for item in order:  # the nearest class defining a method decides what it does
        own = by_class.get(item.qualname, {})
        for name in item.methods:
            if name not in decided and name in own:
                found[name] = own[name]
            decided.add(name)
    if "include_router" not in decided and libraries & _FASTAPI_ROUTERS:
        # No project class of the MRO overrides it: FastAPI's own include_router (fides'
        # `class APIRouter(fastapi.APIRouter)` that only changes api_route).
        found["include_router"] = RouterMethodFact(ref, "include_router", "include", (), "",
                                                   0)
    return found


__all__ = ["ROUTER_CLASSES", "RouterMethodFact", "SubclassCandidateFact",
           "call_candidates", "decorator_candidate", "local_class_registers",
           "resolve_router_subclasses", "router_methods"]
