"""aiohttp: `RouteTableDef` decorators, `app.router.add_get/add_post/add_route`,
`app.add_routes([web.get(...)])` / `app.router.add_routes(table)` (a table imported from
another module), `add_subapp(prefix, sub)`, class-based views (`web.view(path, View)`), and
apps held by an endpoint class (`self.app.add_routes([...])` in a method, mounted as
`add_subapp("/p", Endpoint().app)`)."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from .common import (
    analyze_handler,
    arg_or_kw,
    assigned_target,
    callable_name,
    constructor,
    imported_owner,
    kwarg,
    literal_str,
    markers,
    object_name,
    path_texts,
)
from .fastapi_starlette import _local_handler, endpoint_ref
from .instance_owners import instance_attribute, self_attribute, self_method_handler
from .routes import HandlerInfo, MountFact, OwnerFact, RouteFact, SettingsFact

if TYPE_CHECKING:
    from ...context import FileContext

APP = frozenset({"aiohttp.web.Application", "aiohttp.web_app.Application"})
TABLE = frozenset({"aiohttp.web.RouteTableDef", "aiohttp.web_routedef.RouteTableDef"})
VERBS = {"get": "GET", "post": "POST", "put": "PUT", "patch": "PATCH", "delete": "DELETE",
         "head": "HEAD", "view": "ANY"}
ADDERS = {f"add_{k}": v for k, v in VERBS.items()}
DEFS = {f"aiohttp.web.{k}": v for k, v in VERBS.items()}


def route_from_decorator(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef,
                         dec: ast.expr) -> RouteFact | None:
    if not (isinstance(dec, ast.Call) and isinstance(dec.func, ast.Attribute)):
        return None
    attr = dec.func.attr
    if constructor(ctx, dec.func.value) not in TABLE and not (
            # `from .base import routes` (a RouteTableDef declared in another module):
            # a route when the decorator carries a path.
            attr in VERBS and imported_owner(ctx, dec.func.value, ("aiohttp",)) and
            (literal_str(arg_or_kw(dec, 0, "path")) or "/").startswith("/")):
        return None
    if attr == "route":
        method = (literal_str(arg_or_kw(dec, 0, "method")) or "ANY").upper()
        path_node = arg_or_kw(dec, 1, "path")
    elif attr in VERBS:
        method = VERBS[attr]
        path_node = arg_or_kw(dec, 0, "path")
    else:
        return None
    return RouteFact("aiohttp", object_name(ctx, dec.func.value), literal_str(path_node),
                     (method,), ctx.path, ctx.span_of(path_node if path_node is not None
                                                      else dec), analyze_handler(ctx, func))


def _app_of(ctx: FileContext, expr: ast.AST) -> str | None:
    """`app.router` -> the app's name, when `app` is a web.Application (or an object of
    this aiohttp module: `self.app.router`)."""
    if isinstance(expr, ast.Attribute) and expr.attr == "router":
        expr = expr.value
        if constructor(ctx, expr) in APP or (
                isinstance(expr, ast.Name | ast.Attribute) and
                ctx.semantic.is_imported("aiohttp")):
            return _owner_name(ctx, expr)
    return None


def _owner_name(ctx: FileContext, expr: ast.AST) -> str | None:
    """The app an expression names. `self.app` in a method of class `Endpoint` is the
    `app` of every `Endpoint` object: `<module>.Endpoint.app`, the name a mount of
    `Endpoint(...).app` resolves to."""
    return self_attribute(ctx, expr) or object_name(ctx, expr)


def _subapp_name(ctx: FileContext, expr: ast.AST | None) -> str | None:
    """The child of `add_subapp(prefix, child)`: an app object, or the `app` attribute of
    an object built from a class (`Endpoint().app`, `ep = Endpoint(); ep.app`)."""
    if expr is None:
        return None
    return instance_attribute(ctx, expr) or _owner_name(ctx, expr)


def _factory_app(ctx: FileContext, expr: ast.AST) -> str | None:
    """`make_app()` with `def make_app(): app = web.Application(); ...; return app` in
    this file: the app the factory returns."""
    if not (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name)):
        return None
    defs = [b.node for b in ctx.semantic.lookup(expr.func.id, expr.func)[1] if b.kind == "def"]
    if len(defs) != 1 or not isinstance(defs[0], ast.FunctionDef | ast.AsyncFunctionDef):
        return None
    returned = {object_name(ctx, node.value) for node in ast.walk(defs[0])
                if isinstance(node, ast.Return) and isinstance(node.value, ast.Name)}
    return returned.pop() if len(returned) == 1 else None


def _handler(ctx: FileContext, handler: ast.AST | None) -> tuple[HandlerInfo | None,
                                                                 str | None]:
    """The handler of a registration and, for a class-based view or a function in another
    module, the name the project phase expands. `self.get_user` in a class is its method."""
    method = self_method_handler(ctx, handler)
    if method is not None:
        return method, None
    if isinstance(handler, ast.Name) and any(
            b.kind == "class" for b in ctx.semantic.lookup(handler.id, handler)[1]):
        # `web.view("/items", ItemsView)`: the class's get / post methods are the routes.
        return _local_handler(ctx, handler), object_name(ctx, handler)
    return _local_handler(ctx, handler), endpoint_ref(ctx, handler)


RUNNERS = frozenset({"aiohttp.web.run_app", "aiohttp.web.AppRunner",
                     "aiohttp.web_runner.AppRunner", "aiohttp.web.Server"})


# The names `on_call` can react to (frameworks/collector skips every other call before any
# handler runs): a call's written name (the attribute, or the bare name) or the last part of
# its qualified name is in CALL_NAMES or ends with one of CALL_SUFFIXES. Change them with
# on_call; tests/test_call_triggers.py checks them on every route fixture project.
CALL_NAMES = frozenset({*(qn.rsplit(".", 1)[-1] for qn in RUNNERS | APP | TABLE), *ADDERS,
                        "add_route", "add_routes", "add_subapp"})
CALL_SUFFIXES: tuple[str, ...] = ()


def on_call(ctx: FileContext, call: ast.Call) -> list[object]:
    qn = ctx.qualified_name(call.func)
    if qn in RUNNERS and call.args:
        # The app served at the root: `web.run_app(app)`, `web.AppRunner(self.app)`,
        # `web.run_app(make_app())` with the factory in this file.
        served = _factory_app(ctx, call.args[0]) or _subapp_name(ctx, call.args[0])
        return [SettingsFact("aiohttp-root", served, "aiohttp", ctx.path, call.lineno)] \
            if served else []
    if qn in APP or qn in TABLE:
        target = assigned_target(ctx, call)
        if target is not None:
            name = _owner_name(ctx, target)
            middlewares = kwarg(call, "middlewares")
            raw = [callable_name(ctx, e) for e in middlewares.elts] if isinstance(
                middlewares, ast.List | ast.Tuple) else []
            auth, limits = markers(raw)
            if name:
                return [OwnerFact(name, "aiohttp", "app" if qn in APP else "router", "",
                                  auth, limits, ctx.path, call.lineno, tuple(raw))]
        return []
    if not isinstance(call.func, ast.Attribute):
        return []
    attr = call.func.attr
    if attr in ADDERS or attr == "add_route":
        owner = _app_of(ctx, call.func.value)
        if owner is None:
            return []
        if attr == "add_route":
            method = (literal_str(arg_or_kw(call, 0, "method")) or "ANY").upper()
            path_node, handler = arg_or_kw(call, 1, "path"), arg_or_kw(call, 2, "handler")
        else:
            method = ADDERS[attr]
            path_node, handler = arg_or_kw(call, 0, "path"), arg_or_kw(call, 1, "handler")
        info, ref = _handler(ctx, handler)
        return [RouteFact("aiohttp", owner, path_texts(ctx, path_node)[0], (method,), ctx.path,
                          ctx.span_of(path_node if path_node is not None else call),
                          info, view_ref=ref)]
    receiver = call.func.value
    if attr == "add_routes" and isinstance(receiver, ast.Attribute) and \
            receiver.attr == "router":
        receiver = receiver.value  # `app.router.add_routes(...)`
    if attr in ("add_routes", "add_subapp") and (
            constructor(ctx, receiver) in APP or ctx.semantic.is_imported("aiohttp")):
        owner = _owner_name(ctx, receiver)
        if owner is None:
            return []
        if attr == "add_subapp":
            prefix = literal_str(arg_or_kw(call, 0, "prefix"))
            sub = arg_or_kw(call, 1, "subapp")
            return [MountFact(owner, _subapp_name(ctx, sub), prefix,
                              "aiohttp", ctx.path, call.lineno, subapp=True)]
        routes = arg_or_kw(call, 0, "routes")
        if isinstance(routes, ast.List | ast.Tuple):
            out: list[object] = []
            for elt in routes.elts:
                if isinstance(elt, ast.Call):
                    out += _route_def(ctx, elt, owner)
            return out
        if routes is not None:
            return [MountFact(owner, object_name(ctx, routes), "", "aiohttp", ctx.path,
                              call.lineno)]
    return []


def _route_def(ctx: FileContext, call: ast.Call, owner: str) -> list[object]:
    qn = ctx.qualified_name(call.func) or ""
    if qn in DEFS:
        method = DEFS[qn]
        path_node, handler = arg_or_kw(call, 0, "path"), arg_or_kw(call, 1, "handler")
    elif qn == "aiohttp.web.route":
        method = (literal_str(arg_or_kw(call, 0, "method")) or "ANY").upper()
        path_node, handler = arg_or_kw(call, 1, "path"), arg_or_kw(call, 2, "handler")
    else:
        return []
    info, ref = _handler(ctx, handler)
    return [RouteFact("aiohttp", owner, path_texts(ctx, path_node)[0], (method,), ctx.path,
                      ctx.span_of(path_node if path_node is not None else call),
                      info, view_ref=ref)]


__all__ = ["analyze_handler", "on_call", "route_from_decorator"]
