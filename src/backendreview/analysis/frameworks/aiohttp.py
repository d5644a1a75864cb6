"""aiohttp: `RouteTableDef` decorators, `app.router.add_get/add_post/add_route`,
`app.add_routes([web.get(...)])` and `add_subapp(prefix, sub)`."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from .common import (
    analyze_handler,
    arg_or_kw,
    assigned_target,
    callable_name,
    constructor,
    kwarg,
    literal_str,
    markers,
    object_name,
)
from .fastapi_starlette import _local_handler, endpoint_ref
from .routes import MountFact, OwnerFact, RouteFact

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
    if constructor(ctx, dec.func.value) not in TABLE:
        return None
    attr = dec.func.attr
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
    """`app.router` -> the app's name, when `app` is a web.Application."""
    if isinstance(expr, ast.Attribute) and expr.attr == "router":
        expr = expr.value
        if constructor(ctx, expr) in APP or (
                isinstance(expr, ast.Name) and ctx.semantic.is_imported("aiohttp")):
            return object_name(ctx, expr)
    return None


def on_call(ctx: FileContext, call: ast.Call) -> list[object]:
    qn = ctx.qualified_name(call.func)
    if qn in APP or qn in TABLE:
        target = assigned_target(ctx, call)
        if target is not None:
            name = object_name(ctx, target)
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
        return [RouteFact("aiohttp", owner, literal_str(path_node), (method,), ctx.path,
                          ctx.span_of(path_node if path_node is not None else call),
                          _local_handler(ctx, handler), view_ref=endpoint_ref(ctx, handler))]
    if attr in ("add_routes", "add_subapp") and (
            constructor(ctx, call.func.value) in APP or ctx.semantic.is_imported("aiohttp")):
        owner = object_name(ctx, call.func.value)
        if owner is None:
            return []
        if attr == "add_subapp":
            prefix = literal_str(arg_or_kw(call, 0, "prefix"))
            sub = arg_or_kw(call, 1, "subapp")
            return [MountFact(owner, object_name(ctx, sub) if sub else None, prefix,
                              "aiohttp", ctx.path, call.lineno)]
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
    return [RouteFact("aiohttp", owner, literal_str(path_node), (method,), ctx.path,
                      ctx.span_of(path_node if path_node is not None else call),
                      _local_handler(ctx, handler), view_ref=endpoint_ref(ctx, handler))]


__all__ = ["analyze_handler", "on_call", "route_from_decorator"]
