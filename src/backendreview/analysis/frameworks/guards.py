"""Project decorators that guard a route, known by what their body does rather than by their
name: `@admins_only` whose wrapper aborts with 401 / 403 (or redirects to a login page) when
no user is signed in "requires authentication"; a wrapper that calls a limiter "enforces a
rate limit". Summarized per file, applied to routes in the project phase."""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING

from ...astutil import own_nodes
from .common import body_limiter_calls, callable_name, this_module
from .routes import GuardFact

if TYPE_CHECKING:
    from ...context import FileContext

# What a wrapper looks at to decide who is calling.
_IDENTITY = re.compile(r"(current_user|\bg\.user|request\.user|session\[|session\.get|"
                       r"is_authenticated|is_anonymous|is_admin|is_staff|is_superuser|authed\(|"
                       r"get_current_user|get_jwt_identity|verify_jwt|Authorization|"
                       r"\bg\.auth|auth_token|api_key)", re.I)
_DENY_STATUS = frozenset({401, 403})
_DENY_EXCEPTIONS = re.compile(r"(Unauthorized|Forbidden|PermissionDenied|NotAuthenticated|"
                              r"AuthenticationFailed|AuthenticationError|AccessDenied|"
                              r"LoginRequired)")


def guard_decorator(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef
                    ) -> GuardFact | None:
    """A module-level decorator (`def deco(f)` returning an inner wrapper, or a decorator
    factory one level up) whose wrapper denies anonymous callers or checks a limiter."""
    if ctx.semantic.scope_of(func) is not ctx.semantic.module_scope:
        return None
    wrappers = [n for n in ast.walk(func) if isinstance(n, ast.FunctionDef |
                                                       ast.AsyncFunctionDef) and n is not func]
    if not wrappers:
        return None
    for wrapper in wrappers:
        text = ctx.source(wrapper)
        if _IDENTITY.search(text) and _denies(ctx, wrapper):
            return GuardFact(f"{this_module(ctx)}.{func.name}", "auth",
                             "aborts for anonymous users", ctx.path, func.lineno)
        if body_limiter_calls(ctx, wrapper):
            return GuardFact(f"{this_module(ctx)}.{func.name}", "limit",
                             "checks a rate limiter", ctx.path, func.lineno)
    return None


def _denies(ctx: FileContext, wrapper: ast.AST) -> bool:
    return any(_deny_node(ctx, node) for node in own_nodes(wrapper))


def _deny_node(ctx: FileContext, node: ast.AST) -> bool:
    """abort(401|403), a redirect to a login page, raising an auth exception, or returning
    a 401 / 403 response."""
    if isinstance(node, ast.Call):
        name = callable_name(ctx, node).rsplit(".", 1)[-1]
        if name == "abort" and node.args and _status(node.args[0]) in _DENY_STATUS:
            return True
        if name == "redirect" and "login" in ctx.source(node).lower():
            return True
        raised = isinstance(ctx.semantic.parent(node), ast.Raise)
        return raised and bool(_DENY_EXCEPTIONS.search(name) or (
            name == "HTTPException" and any(_status(k.value) in _DENY_STATUS
                                            for k in node.keywords if k.arg == "status_code")))
    if isinstance(node, ast.Raise) and node.exc is not None:
        return bool(_DENY_EXCEPTIONS.search(ctx.source(node.exc).split("(")[0]))
    if isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple):
        return any(_status(e) in _DENY_STATUS for e in node.value.elts[1:])
    return False


def _status(node: ast.AST) -> int | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        return node.value
    if isinstance(node, ast.Attribute):
        digits = re.findall(r"\d{3}", node.attr)
        return int(digits[0]) if digits else None
    return None
