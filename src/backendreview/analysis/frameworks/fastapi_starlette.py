"""FastAPI and Starlette: app / APIRouter decorators, `add_api_route`, `include_router`,
`mount`, and Starlette `Route` / `Mount` lists."""

from __future__ import annotations

import ast
import re
from dataclasses import replace
from typing import TYPE_CHECKING

from .auth_middleware import middleware_hook
from .call_bindings import ownerish, reference
from .common import (
    IDENTITY,
    analyze_handler,
    arg_or_kw,
    assigned_target,
    callable_name,
    constructor,
    denies_anonymous,
    depends_targets,
    imported_owner,
    kwarg,
    library_class,
    literal_str,
    markers,
    object_name,
    path_text,
    prefix_of,
    str_list,
    this_module,
    written_source,
)
from .html_pages import PAGE_RESPONSES
from .instance_owners import (
    enclosing_class,
    held_owner,
    inherited_owner,
    instance_attribute,
    self_method_handler,
)
from .looped_routes import looped_route
from .routes import MOUNTED_ENDPOINT, GuardFact, HandlerInfo, MountFact, OwnerFact, RouteFact

if TYPE_CHECKING:
    from ...context import FileContext

APPS = {"fastapi.FastAPI": ("fastapi", "app"), "fastapi.applications.FastAPI": ("fastapi", "app"),
        "fastapi.APIRouter": ("fastapi", "router"),
        "fastapi.routing.APIRouter": ("fastapi", "router"),
        "starlette.applications.Starlette": ("starlette", "app"),
        "starlette.routing.Router": ("starlette", "router")}
ROUTE_METHODS = {"get": ("GET",), "post": ("POST",), "put": ("PUT",), "patch": ("PATCH",),
                 "delete": ("DELETE",), "options": ("OPTIONS",), "head": ("HEAD",),
                 "trace": ("TRACE",)}


def owner_kind(ctx: FileContext, expr: ast.AST) -> tuple[str, str] | None:
    """(framework, app|router) when `expr` is a FastAPI / Starlette app or router: built here,
    or imported into a file that imports fastapi / starlette."""
    qn = constructor(ctx, expr)
    if qn in APPS:
        return APPS[qn]
    if library_class(qn, ("APIRouter", "Router")) and ctx.semantic.is_imported("fastapi"):
        return ("fastapi", "router")
    if imported_owner(ctx, expr, ("fastapi",)):
        return ("fastapi", "router")
    annotation = param_annotation(ctx, expr)
    if annotation and annotation in APPS:
        # `def register_routes(app: FastAPI)`: resolved through its callers.
        return APPS[annotation]
    if isinstance(expr, ast.Attribute):
        held = held_kind(ctx, expr)
        if held is not None:
            return held
        if ctx.semantic.is_imported("fastapi") and inherited_owner(ctx, expr):
            return ("fastapi", "router")
    return None


def held_router(ctx: FileContext, expr: ast.AST) -> str | None:
    """`self.router` of a class whose methods assign it only `APIRouter(...)`, or `self._app`
    assigned only `FastAPI(...)` / `Starlette(...)`: `<module>.<Class>.<attr>`
    (frameworks/instance_owners), one name for the object built in `__init__`, the routes
    declared on it in other methods and the calls that hand it to a function."""
    return held_owner(ctx, expr, lambda value: _built_kind(ctx, value) is not None)


def held_kind(ctx: FileContext, expr: ast.AST) -> tuple[str, str] | None:
    """(framework, app|router) of what `self.<attr>` holds (held_router), else None."""
    if held_router(ctx, expr) is None:
        return None
    assert isinstance(expr, ast.Attribute)
    cls = enclosing_class(ctx, expr)
    assert cls is not None
    kinds = {_built_kind(ctx, node.value) for node in ast.walk(cls)
             if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None and any(
                 isinstance(t, ast.Attribute) and t.attr == expr.attr and
                 isinstance(t.value, ast.Name) and t.value.id == "self"
                 for t in (node.targets if isinstance(node, ast.Assign) else [node.target]))}
    return kinds.pop() if len(kinds) == 1 else ("fastapi", "router")


def _built_kind(ctx: FileContext, value: ast.expr) -> tuple[str, str] | None:
    if not isinstance(value, ast.Call):
        return None
    qn = ctx.qualified_name(value.func)
    found = APPS.get(qn or "")
    if found is not None:
        return found
    if ctx.semantic.is_imported("fastapi") and library_class(qn, ("APIRouter", "Router")):
        return ("fastapi", "router")
    return None


def owner_name(ctx: FileContext, expr: ast.AST) -> str | None:
    """The app / router an expression names: a router held in an instance attribute by its
    class (`self.router`), anything else by object_name."""
    return held_router(ctx, expr) or (ctx.semantic.is_imported("fastapi") and inherited_owner(
        ctx, expr)) or object_name(ctx, expr)


def param_annotation(ctx: FileContext, expr: ast.AST) -> str | None:
    """The qualified name of a parameter's annotation (`app: FastAPI`); "" for a parameter
    without one; None when `expr` is not a parameter."""
    if not isinstance(expr, ast.Name):
        return None
    bindings = ctx.semantic.lookup(expr.id, expr)[1]
    if not bindings or any(b.kind != "param" for b in bindings):
        return None
    annotation = bindings[0].annotation
    return (ctx.qualified_name(annotation) or "") if annotation is not None else ""


def route_from_decorator(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef,
                         dec: ast.expr) -> RouteFact | None:
    if not (isinstance(dec, ast.Call) and isinstance(dec.func, ast.Attribute)):
        return None
    attr = dec.func.attr
    if attr not in ROUTE_METHODS and attr not in ("api_route", "route", "websocket"):
        return None
    kind = owner_kind(ctx, dec.func.value)
    if kind is None and ownerish(dec.func.value) and param_annotation(
            ctx, dec.func.value) == "" and ctx.semantic.is_imported("fastapi"):
        # `def register_endpoints(cls, router): @router.get(...)`: a route only at a call
        # that passes a router (frameworks/param_routes checks the argument).
        kind = ("fastapi", "router")
    if kind is None:
        return None
    path_node = arg_or_kw(dec, 0, "path")
    path = path_text(ctx, path_node)
    if attr in ROUTE_METHODS:
        methods = ROUTE_METHODS[attr]
    elif attr == "websocket":
        # A WebSocket route opens with a GET handshake: shown as GET, like a Starlette
        # WebSocketRoute or add_websocket_route.
        methods = ("GET",)
    else:
        methods = str_list(kwarg(dec, "methods")) or ("GET",)
    response_model = kwarg(dec, "response_model")
    status = kwarg(dec, "status_code")
    status_code = _status(ctx, status)
    deps = kwarg(dec, "dependencies")
    handler = analyze_handler(
        ctx, func, ([deps] if deps is not None else []) + _controller_dependencies(ctx, func),
        response_model=ctx.source(response_model) if response_model is not None else None,
        status_code=status_code)
    if _serves_html(ctx, func, kwarg(dec, "response_class")):
        handler = replace(handler, serves_html=True)
    return RouteFact(framework=kind[0], owner=owner_name(ctx, dec.func.value), path=path,
                     methods=methods, file=ctx.path,
                     span=ctx.span_of(path_node if path_node is not None else dec),
                     handler=handler, decorator=(ctx.span_of(dec), ctx.source(dec)),
                     path_source=written_source(ctx, path_node, path))


# A 401 names the caller's missing or bad credentials (a 403 alone may refuse for any reason:
# a feature switched off, a read-only mode).
_UNAUTHORIZED = re.compile(r"\b401\b|UNAUTHORIZED")


def dependency_guard(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef
                     ) -> GuardFact | None:
    """A module-level function, handed to `Depends(...)` somewhere, whose own code refuses
    the caller (raises / returns 401 or 403) after looking at who the caller is, or with a
    401: freqtrade's `http_basic_or_jwt_token`, feast's `inject_user_details` (a 401 for a
    missing or bad token when security is configured). Whatever it is called; routes and
    routers depending on it (`include_router(r, dependencies=[Depends(f)])`,
    `FastAPI(dependencies=...)`) require authentication (routes._apply_guards). A dependency
    that only reads the user, or refuses for another reason, guards nothing."""
    if ctx.semantic.scope_of(func) is not ctx.semantic.module_scope or func.decorator_list:
        return None
    text = ctx.source(func)
    unauthorized = bool(_UNAUTHORIZED.search(text))
    if not (unauthorized or IDENTITY.search(text)) or not denies_anonymous(
            ctx, func, redirects=False):
        return None
    why = "refuses unauthenticated callers" if unauthorized else "refuses callers by who they are"
    return GuardFact(f"{this_module(ctx)}.{func.name}", "auth", why, ctx.path, func.lineno)


def _lifespan_app(ctx: FileContext, call: ast.Call, target: ast.AST, framework: str
                  ) -> list[object]:
    """`Starlette(lifespan=lifespan)` with `async def lifespan(app)` written here: the
    framework calls it with this app, so what it registers on its first parameter
    (`app.routes.append(Route(...))`) is this app's (an empty-prefix mount of the name)."""
    func = kwarg(call, "lifespan")
    if not isinstance(func, ast.Name):
        return []
    defs = [b.node for b in ctx.semantic.lookup(func.id, func)[1] if b.kind == "def"]
    if len(defs) != 1 or not isinstance(defs[0], ast.FunctionDef | ast.AsyncFunctionDef):
        return []
    params = [*defs[0].args.posonlyargs, *defs[0].args.args]
    parent = object_name(ctx, target)
    if not params or parent is None:
        return []
    child = f"{this_module(ctx)}.{defs[0].name}.{params[0].arg}"
    return [MountFact(parent, child, "", framework, ctx.path, call.lineno)]


def _serves_html(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef,
                 response_class: ast.AST | None) -> bool:
    """A page of the web UI declared as HTML (`response_class=HTMLResponse`); what the
    handler returns is read by analyze_handler (html_pages.returns_page)."""
    return response_class is not None and ctx.source(response_class).rsplit(".", 1)[-1] in (
        PAGE_RESPONSES)


def _controller_dependencies(ctx: FileContext, func: ast.AST) -> list[ast.AST]:
    """A method of a class-based controller: the class attributes declared with `Depends`
    (`user: User = Depends(get_current_user)`) apply to every route of the class."""
    cls = ctx.semantic.parent(func)
    if not isinstance(cls, ast.ClassDef):
        return []
    return [stmt.value for stmt in cls.body
            if isinstance(stmt, ast.Assign | ast.AnnAssign) and stmt.value is not None]


def _status(ctx: FileContext, node: ast.AST | None) -> int | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        return node.value
    if node is not None:
        qn = ctx.qualified_name(node) or ""
        digits = [p for p in qn.replace(".", "_").split("_") if p.isdecimal()]
        if digits:
            return int(digits[0])
    return None


# The names `on_call` can react to (frameworks/collector skips every other call before any
# handler runs): a call's written name (the attribute, or the bare name) or the last part of
# its qualified name is in CALL_NAMES or ends with one of CALL_SUFFIXES. Change them with
# on_call; tests/test_call_triggers.py checks them on every route fixture project.
CALL_NAMES = frozenset({*(qn.rsplit(".", 1)[-1] for qn in APPS), "Route", "WebSocketRoute",
                        "Mount", "Host", "include_router", "add_api_route", "mount",
                        "add_route", "add_websocket_route", "add_middleware"})
# Starlette's own registration methods on an app or router (`app.add_route("/x", fn)`).
_STARLETTE_ADDERS = ("add_route", "add_websocket_route")
CALL_SUFFIXES = ("APIRouter", "Router")  # library_class(qn, ...) below


def on_call(ctx: FileContext, call: ast.Call) -> list[object]:
    facts: list[object] = []
    qn = ctx.qualified_name(call.func)
    # Cheapest test first: this runs for every call of every file that imports a framework.
    found = APPS.get(qn or "")
    if found is None and ctx.semantic.is_imported("fastapi") and library_class(
            qn, ("APIRouter", "Router")) and assigned_target(ctx, call) is not None:
        found = ("fastapi", "router")
    if found is not None:
        target = assigned_target(ctx, call)
        parent = ctx.semantic.parent(call)
        if target is not None:
            name = owner_name(ctx, target)
            if name:
                framework, kind = found
                prefix_node = kwarg(call, "prefix")
                prefix = "" if prefix_node is None else prefix_of(ctx, prefix_node)
                deps = kwarg(call, "dependencies")
                raw = depends_targets(ctx, [deps]) if deps is not None else []
                auth, limits = markers(raw)
                root_path = literal_str(kwarg(call, "root_path")) if kind == "app" else None
                facts.append(OwnerFact(name, framework, kind, prefix, auth, limits, ctx.path,
                                       call.lineno, tuple(raw), root_path=root_path or ""))
        if target is not None:
            # `Starlette(routes=routes)`, `Router(routes=api_routes + ui_routes)`: the lists'
            # routes hang off the app.
            for child in route_lists(ctx, kwarg(call, "routes")):
                facts.append(MountFact(object_name(ctx, target), child, "", found[0],
                                       ctx.path, call.lineno))
            facts += _lifespan_app(ctx, call, target, found[0])
        del parent
        return facts
    if not isinstance(call.func, ast.Attribute):
        if qn in ("starlette.routing.Route", "starlette.routing.WebSocketRoute"):
            facts += _starlette_route(ctx, call)
        elif qn in ("starlette.routing.Mount", "starlette.routing.Host"):
            facts += _starlette_mount(ctx, call, host=qn == "starlette.routing.Host")
        return facts
    attr = call.func.attr
    if attr not in ("include_router", "add_api_route", "mount", "add_middleware",
                    *_STARLETTE_ADDERS):
        return facts
    kind = owner_kind(ctx, call.func.value)
    if kind is None and attr not in ("mount", *_STARLETTE_ADDERS) and param_annotation(
            ctx, call.func.value) == "" and \
            ctx.semantic.is_imported("fastapi"):
        # `def configure_routes(app): app.include_router(...)`: only FastAPI objects have
        # these methods.
        kind = ("fastapi", "router")
    if kind is None:
        return facts
    parent_name = owner_name(ctx, call.func.value)
    if attr == "add_middleware":
        if kind[1] == "app":
            facts += middleware_hook(ctx, call, parent_name)
    elif attr == "include_router":
        child = arg_or_kw(call, 0, "router")
        prefix_node = kwarg(call, "prefix")
        prefix = "" if prefix_node is None else path_text(ctx, prefix_node)
        deps = kwarg(call, "dependencies")
        raw = depends_targets(ctx, [deps]) if deps is not None else []
        auth, limits = markers(raw)
        # `include_router(tracking.router)`: the router every TrackingRouter object holds.
        child_name = (instance_attribute(ctx, child) or held_router(ctx, child) or
                      reference(ctx, child)) if child else None
        facts.append(MountFact(parent_name, child_name, prefix,
                               kind[0], ctx.path, call.lineno, auth, limits, tuple(raw)))
    elif attr == "mount":
        prefix = path_text(ctx, arg_or_kw(call, 0, "path"))
        child = arg_or_kw(call, 1, "app")
        if child is not None and not isinstance(child, ast.Call):
            facts.append(MountFact(parent_name, object_name(ctx, child), prefix, kind[0],
                                   ctx.path, call.lineno))
            # `app.mount("/status", StatusEndpoint)`: an endpoint class serves there itself.
            facts += _mounted_endpoint(ctx, call, parent_name, child, kind[0])
    elif attr in _STARLETTE_ADDERS:
        # Starlette's `app.add_route(path, endpoint, methods=...)` (a FastAPI app has it too).
        path_node = arg_or_kw(call, 0, "path")
        endpoint = arg_or_kw(call, 1, "route")
        methods = str_list(kwarg(call, "methods")) or ("GET",)
        path = path_text(ctx, path_node)
        facts.append(RouteFact(kind[0], parent_name, path, methods,
                               ctx.path, ctx.span_of(path_node if path_node is not None
                                                     else call),
                               _local_handler(ctx, endpoint),
                               view_ref=endpoint_ref(ctx, endpoint),
                               path_source=written_source(ctx, path_node, path)))
    elif attr == "add_api_route":
        path_node = arg_or_kw(call, 0, "path")
        endpoint = arg_or_kw(call, 1, "endpoint")
        methods = str_list(kwarg(call, "methods")) or ("GET",)
        handler = _local_handler(ctx, endpoint)
        path = path_text(ctx, path_node)
        facts.append(RouteFact(kind[0], parent_name, path, methods, ctx.path,
                               ctx.span_of(path_node if path_node is not None else call),
                               handler, path_source=written_source(ctx, path_node, path)))
    return facts


def _local_handler(ctx: FileContext, endpoint: ast.AST | None) -> HandlerInfo | None:
    method = self_method_handler(ctx, endpoint)
    if method is not None:
        return method
    if isinstance(endpoint, ast.Name):
        _, bindings = ctx.semantic.lookup(endpoint.id, endpoint)
        defs = [b.node for b in bindings if b.kind == "def"]
        if len(defs) == 1 and isinstance(defs[0], ast.FunctionDef | ast.AsyncFunctionDef):
            return analyze_handler(ctx, defs[0])
    if endpoint is not None:
        return HandlerInfo(name=callable_name(ctx, endpoint), line=endpoint.lineno,  # type: ignore[attr-defined]
                           span=ctx.span_of(endpoint))
    return None


def endpoint_ref(ctx: FileContext, endpoint: ast.AST | None) -> str | None:
    """The qualified name of an endpoint function imported from another module, or of an
    endpoint class (an HTTPEndpoint's methods are its routes'), resolved to its definition,
    and what its code shows, in the project phase."""
    if isinstance(endpoint, ast.Name):
        _, bindings = ctx.semantic.lookup(endpoint.id, endpoint)
        if bindings and (all(b.kind == "import" for b in bindings) or
                         all(b.kind == "class" for b in bindings)):
            return object_name(ctx, endpoint)
    elif isinstance(endpoint, ast.Attribute):
        return object_name(ctx, endpoint)
    return None


def _list_owner(ctx: FileContext, call: ast.Call) -> str | None:
    """The owner of a Starlette Route / Mount: the enclosing Mount, the app built with
    `routes=[...]`, or the list variable."""
    node: ast.AST = call
    for anc in ctx.semantic.ancestors(call):
        if isinstance(anc, ast.Call):
            qn = ctx.qualified_name(anc.func) or ""
            if qn == "starlette.routing.Mount":
                return f"{this_module(ctx)}.<mount:{anc.lineno}:{anc.col_offset}>"
            if qn in APPS:
                parent = ctx.semantic.parent(anc)
                if isinstance(parent, ast.Assign) and len(parent.targets) == 1:
                    return object_name(ctx, parent.targets[0])
                return None
        if isinstance(anc, ast.Call) and isinstance(anc.func, ast.Attribute) and \
                anc.func.attr in ("append", "insert", "extend") and isinstance(
                    anc.func.value, ast.Attribute) and anc.func.value.attr == "routes":
            # `app.routes.append(Route(...))`: the app's (or router's) own route list.
            return owner_name(ctx, anc.func.value.value)
        if isinstance(anc, ast.Assign) and len(anc.targets) == 1:
            return object_name(ctx, anc.targets[0])
        if isinstance(anc, ast.AugAssign) and isinstance(anc.op, ast.Add):
            return object_name(ctx, anc.target)  # `routes += [Route(...)]`
        if isinstance(anc, ast.stmt):
            return None
        node = anc
    del node
    return None


def _starlette_route(ctx: FileContext, call: ast.Call) -> list[object]:
    path_node = arg_or_kw(call, 0, "path")
    endpoint = arg_or_kw(call, 1, "endpoint")
    methods = str_list(kwarg(call, "methods")) or ("GET",)
    path = path_text(ctx, path_node)
    route = RouteFact("starlette", _list_owner(ctx, call), path, methods,
                      ctx.path, ctx.span_of(path_node if path_node is not None else call),
                      _local_handler(ctx, endpoint), view_ref=endpoint_ref(ctx, endpoint),
                      path_source=written_source(ctx, path_node, path))
    if route.path is None:
        # `for name, func in get_routes(): Route(f"/{name}", ...)`: one per row of the table.
        looped = looped_route(ctx, route, path_node)
        if looped is not None:
            return [looped]
    return [route]


def _starlette_mount(ctx: FileContext, call: ast.Call, host: bool = False) -> list[object]:
    """`Mount(path, app)` / `Mount(path, routes=[...])`; `Host(host, app)` serves its app's
    routes at their own paths (the host name is no part of the path)."""
    me = f"{this_module(ctx)}.<mount:{call.lineno}:{call.col_offset}>"
    prefix = "" if host else path_text(ctx, arg_or_kw(call, 0, "path"))
    out: list[object] = [MountFact(_list_owner(ctx, call), me, prefix, "starlette", ctx.path,
                                   call.lineno)]
    for child in route_lists(ctx, kwarg(call, "routes")):
        out.append(MountFact(me, child, "", "starlette", ctx.path, call.lineno))
    app = arg_or_kw(call, 1, "app")
    if isinstance(app, ast.Name | ast.Attribute):
        out.append(MountFact(me, object_name(ctx, app), "", "starlette", ctx.path, call.lineno))
        if not host:
            out += _mounted_endpoint(ctx, call, me, app, "starlette")
    return out


def _mounted_endpoint(ctx: FileContext, call: ast.Call, owner: str | None, app: ast.expr,
                      framework: str) -> list[object]:
    """`Mount("/v1/status", StatusEndpoint)`: a class mounted as the application serves the
    mount's path with its own methods when it is an HTTPEndpoint; the project phase keeps
    this route only then (routes.MOUNTED_ENDPOINT), not for a router, an app or another ASGI
    class mounted the same way."""
    ref = endpoint_ref(ctx, app)
    if ref is None:
        return []
    return [RouteFact(framework, owner, "", (), ctx.path, ctx.span_of(call),
                      HandlerInfo(name=ref.rsplit(".", 1)[-1], line=app.lineno,
                                  span=ctx.span_of(app)),
                      view_ref=ref, registration=MOUNTED_ENDPOINT)]


def route_lists(ctx: FileContext, node: ast.AST | None) -> list[str]:
    """The route lists a `routes=` value names: `routes`, `api.routes`, `a + b`,
    `[*a, Route(...)]` (inline items find their owner themselves: _list_owner)."""
    if isinstance(node, ast.Attribute) and node.attr == "routes" and _bound_object(ctx,
                                                                                  node.value):
        # `Starlette(routes=app_router.routes)`: the routes of a router object are its own.
        name = object_name(ctx, node.value)
        return [name] if name else []
    if isinstance(node, ast.Name | ast.Attribute):
        name = object_name(ctx, node)
        return [name] if name else []
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute):
        # `Starlette(routes=build_routes(base_url=...))`: what the factory returns
        # (call_bindings.factory_fact: a router, or its `.routes`).
        name = object_name(ctx, node.func)
        return [f"call:{name}"] if name else []
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return route_lists(ctx, node.left) + route_lists(ctx, node.right)
    if isinstance(node, ast.List | ast.Tuple):
        return [name for e in node.elts if isinstance(e, ast.Starred)
                for name in route_lists(ctx, e.value)]
    return []


def _bound_object(ctx: FileContext, node: ast.AST) -> bool:
    """A name bound only to objects some call built (not a module, not a list)."""
    if not isinstance(node, ast.Name):
        return False
    bindings = ctx.semantic.lookup(node.id, node)[1]
    return bool(bindings) and all(b.kind == "assign" and isinstance(b.value, ast.Call)
                                  for b in bindings)


def concatenated_lists(ctx: FileContext, node: ast.Assign | ast.AugAssign) -> list[object]:
    """`routes = api_routes + [Mount(...)]`, `routes += ui_routes` at module level: the named
    lists' routes are the target list's."""
    target = node.targets[0] if isinstance(node, ast.Assign) else node.target
    value = node.value
    if not isinstance(target, ast.Name) or ctx.semantic.scope_of(node) is not \
            ctx.semantic.module_scope:
        return []
    if isinstance(node, ast.Assign) and not (
            isinstance(value, ast.BinOp) or (isinstance(value, ast.List | ast.Tuple) and any(
                isinstance(e, ast.Starred) for e in value.elts))):
        return []  # a plain list's items find their owner themselves; a name is an alias
    if isinstance(node, ast.AugAssign) and not isinstance(node.op, ast.Add):
        return []
    parent = f"{this_module(ctx)}.{target.id}"
    return [MountFact(parent, child, "", "starlette", ctx.path, node.lineno)
            for child in route_lists(ctx, value) if child != parent]
