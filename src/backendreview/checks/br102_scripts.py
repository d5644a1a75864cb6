"""Which BR102 findings run in a command-line or build script, and so go out as notes.

`confidence.script_reason` reads the path (`tools/`, `scripts/`, `cli.py`,
`management/commands/`). The path is only a hint: a web app's `tools/` package that
registers route handlers serves requests like any other view module (pgAdmin's
`tools/user_management` is an admin API), so a file the route model gives a handler in, or
whose functions carry a route decorator with a URL path (`@blueprint.route("/user/<id>")`,
where the blueprint is a project subclass the per-file route recognisers cannot resolve), is
never called a script.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from ..analysis.handlers import registered_handler_lines
from .confidence import script_reason

_ROUTE_DECORATORS = frozenset({"route", "get", "post", "put", "patch", "delete"})


def file_script_reason(ctx) -> str | None:  # type: ignore[no-untyped-def]
    """In the per-file phase: the path's script reason, unless the file serves requests."""
    reason = script_reason(ctx.path)
    if reason is None or serves_requests(ctx):
        return None
    return reason


def serves_requests(ctx) -> bool:  # type: ignore[no-untyped-def]
    """The file registers route handlers: by the route model's recognisers, or a module-level
    function decorated `@<router>.route("/path", ...)` (a literal URL path)."""
    if registered_handler_lines(ctx):
        return True
    for stmt in ctx.tree.body:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef) and any(
                _url_route(d) for d in stmt.decorator_list):
            return True
    return False


def _url_route(decorator: ast.expr) -> bool:
    if not (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)
            and decorator.func.attr in _ROUTE_DECORATORS and decorator.args):
        return False
    path = decorator.args[0]
    return isinstance(path, ast.Constant) and isinstance(path.value, str) and (
        path.value.startswith("/"))


class ScriptPaths:
    """In the project phase: the path's script reason, unless a route's handler is in it."""

    def __init__(self, handler_files: Iterable[str]) -> None:
        # the route model's handler files and the files `serves_requests` saw
        self.serving = frozenset(handler_files)

    def reason(self, path: str) -> str | None:
        return None if path in self.serving else script_reason(path)
