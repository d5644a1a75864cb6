"""BR104 connection-per-request: a database connection, pool or engine created inside a
request handler.

A handler is a function decorated as a route (`@app.get`, `@router.post`, `@bp.route`,
`@app.api_route`, `@api_view`...) or one that takes the request (`request` parameter or a
`Request` annotation: Django and DRF views, Starlette, aiohttp). What counts as opening a
connection comes from the driver table shared with BR101 (analysis/dbapi.py CONSTRUCTORS):
`sqlite3.connect`, `psycopg2.connect`, `asyncpg.connect` / `create_pool`,
`create_engine`, `create_async_engine`...
"""

from __future__ import annotations

import ast

from ..analysis.dbapi import CONSTRUCTORS
from ..model import Fix
from .base import Rule

_ROUTE_DECORATORS = frozenset({"get", "post", "put", "patch", "delete", "route", "api_route",
                               "websocket", "head", "options", "api_view", "action"})
_OPENERS = {name: handle for name, handle in CONSTRUCTORS.items()
            if handle.kind in ("connection", "pool", "engine")
            and not name.endswith((".Connection", ".Session", "connections.Connection"))}


class ConnectionPerRequest(Rule):
    id = "BR104"
    requires_imports = tuple(sorted({name.split(".")[0] for name in _OPENERS}))

    def visit_Call(self, node: ast.Call) -> None:
        qualified = self.ctx.qualified_name(node.func)
        handle = _OPENERS.get(qualified or "")
        if handle is None:
            return
        function = self.ctx.semantic.enclosing_function(node)
        if function is None or self.ctx.semantic.enclosing_function(function) is not None:
            return
        why = _handler(self.ctx, function)
        if why is None:
            return
        opener = qualified.rsplit(".", 1)[-1] if qualified else "connect"
        kind = "engine" if handle.kind == "engine" else (
            "pool" if handle.kind == "pool" else "connection")
        setup = _setup(handle.library, kind)
        self.report(node, f"`{self.ctx.source(node.func)}()` opens a new {handle.library} {kind} "
                          f"on every call of {why} `{function.name}`; create it once at "
                          f"startup and reuse it ({setup})", fix=Fix(
                              description=f"move `{opener}()` to module level or application "
                                          f"startup and take the {kind} from there "
                                          f"({setup})",
                              suggestion=_SETUP_CODE.get(handle.library)))


def _handler(ctx, function: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:  # type: ignore[no-untyped-def]
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = target.attr if isinstance(target, ast.Attribute) else (
            target.id if isinstance(target, ast.Name) else "")
        if name in _ROUTE_DECORATORS:
            return "the route handler"
    params = [*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs]
    for param in params[:3]:
        annotation = ctx.qualified_name(param.annotation) if param.annotation else None
        if param.arg == "request" or (annotation or "").endswith(".Request"):
            return "the request handler"
    return None


_SETUP_CODE = {
    "sqlalchemy": "engine = create_engine(URL, pool_pre_ping=True)  # at module level",
    "asyncpg": "pool = await asyncpg.create_pool(DSN)  # in the app's startup / lifespan",
}


def _setup(library: str, kind: str) -> str:
    if library == "sqlalchemy":
        return "engine = create_engine(URL, pool_pre_ping=True) at module level"
    if library == "asyncpg":
        return "pool = await asyncpg.create_pool(DSN) in the app's startup/lifespan, then " \
               "`async with pool.acquire() as conn`"
    if library in ("psycopg2",):
        return "a psycopg2.pool.ThreadedConnectionPool created at startup, getconn()/putconn()"
    if library == "psycopg":
        return "a psycopg_pool.ConnectionPool created at startup, `with pool.connection()`"
    if library == "sqlite3":
        return "one connection per thread or a pool created at startup"
    return f"one {library} pool created at startup"


RULES = (ConnectionPerRequest,)
