"""App-wide authentication in a Starlette / FastAPI middleware (skypilot's
`BasicAuthMiddleware`): `app.add_middleware(Cls)` where `Cls.dispatch` refuses a request that
carries no credentials.

Known by what `dispatch` does, never by the class's name. Its top-level statements are read
in order; a name is a credential when it is read from the request's headers or cookies (or
computed from one). The first `if` whose test looks at a credential decides:

- its branch refuses (returns a 401 / 403 response, raises a 401 / 403, directly or through a
  function of the module whose own code does): the middleware authenticates;
- its branch hands the request on (`return await call_next(request)`): a request without that
  credential passes, so the middleware authenticates nobody (a bearer-token check that lets
  every other request through to other auth, a middleware that only logs).

Earlier exemptions that do not look at credentials (loopback callers, a health path, a user a
previous middleware already set) do not change the verdict: they are the deployment's own
choices. Per file the collector records the authenticating classes (GuardFact, kind
"auth-middleware") and each `add_middleware` call (HookFact with the class's name); the project
phase shows `<Class> (middleware: ...)` in the Auth column of every route of that app."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from .common import _http_status, _local_callee, callable_name, object_name, this_module
from .routes import GuardFact, HookFact

if TYPE_CHECKING:
    from ...context import FileContext

MIDDLEWARE_GUARD = "auth-middleware"
_DENY = frozenset({401, 403})
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def middleware_guard(ctx: FileContext, node: ast.ClassDef) -> GuardFact | None:
    """The GuardFact of a module-level middleware class whose dispatch refuses requests
    without credentials."""
    if not node.bases or ctx.semantic.scope_of(node) is not ctx.semantic.module_scope:
        return None
    dispatch = next((s for s in node.body if isinstance(s, _FUNCTIONS) and
                     s.name == "dispatch"), None)
    if dispatch is None or len(dispatch.args.args) < 3:
        return None
    if not _refuses_without_credentials(ctx, dispatch):
        return None
    return GuardFact(f"{this_module(ctx)}.{node.name}", MIDDLEWARE_GUARD,
                     "middleware: refuses requests without credentials", ctx.path, node.lineno)


def _refuses_without_credentials(ctx: FileContext, dispatch: ast.FunctionDef |
                                 ast.AsyncFunctionDef) -> bool:
    request = dispatch.args.args[1].arg
    call_next = dispatch.args.args[2].arg
    credentials: set[str] = set()
    for stmt in dispatch.body:
        if isinstance(stmt, ast.Assign | ast.AnnAssign) and stmt.value is not None:
            if _reads_credentials(stmt.value, request, credentials):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                credentials |= {t.id for t in targets if isinstance(t, ast.Name)}
            continue
        if not isinstance(stmt, ast.If) or not _mentions(stmt.test, credentials):
            continue
        if _hands_on(stmt.body, call_next):
            return False
        return any(_refuses(ctx, dispatch, s) for s in stmt.body)
    return False


def _reads_credentials(value: ast.AST, request: str, credentials: set[str]) -> bool:
    for node in ast.walk(value):
        if isinstance(node, ast.Name) and node.id in credentials:
            return True
        if isinstance(node, ast.Attribute) and node.attr in ("headers", "cookies") and \
                isinstance(node.value, ast.Name) and node.value.id == request:
            return True
    return False


def _mentions(node: ast.AST, names: set[str]) -> bool:
    return any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(node))


def _hands_on(body: list[ast.stmt], call_next: str) -> bool:
    """`return await call_next(request)` in the branch."""
    for stmt in body:
        if isinstance(stmt, ast.Return) and stmt.value is not None:
            value = stmt.value.value if isinstance(stmt.value, ast.Await) else stmt.value
            if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and \
                    value.func.id == call_next:
                return True
    return False


def _refuses(ctx: FileContext, dispatch: ast.AST, stmt: ast.stmt, depth: int = 0) -> bool:
    """A 401 / 403 returned or raised by the statement, or by the module function / method
    whose result it returns (`return _basic_auth_401_response(request, ...)`)."""
    value: ast.AST | None = None
    if isinstance(stmt, ast.Return):
        value = stmt.value
    elif isinstance(stmt, ast.Raise):
        value = stmt.exc
    if isinstance(value, ast.Await):
        value = value.value
    if not isinstance(value, ast.Call):
        return False
    if any(k.arg in ("status_code", "status") and _http_status(k.value) in _DENY
           for k in value.keywords):
        return True
    if isinstance(stmt, ast.Raise) and callable_name(ctx, value).rsplit(".", 1)[-1] in (
            "HTTPException",) and value.args and _http_status(value.args[0]) in _DENY:
        return True
    callee = _local_callee(ctx, dispatch, value.func) if depth == 0 else None
    if callee is None:
        return False
    return any(_refuses(ctx, callee, s, depth + 1) for s in ast.walk(callee)
               if isinstance(s, ast.Return | ast.Raise))


def middleware_hook(ctx: FileContext, call: ast.Call, owner: str | None) -> list[object]:
    """`app.add_middleware(Cls, ...)`: the app's routes pass through `Cls` (which the project
    phase keeps only when it authenticates)."""
    cls = call.args[0] if call.args else None
    if owner is None or not isinstance(cls, ast.Name | ast.Attribute):
        return []
    name = object_name(ctx, cls)
    if name is None:
        return []
    return [HookFact(owner, (), (name,), ctx.path, call.lineno)]


__all__ = ["MIDDLEWARE_GUARD", "middleware_guard", "middleware_hook"]
