"""Project decorators that guard a route, known by what their body does rather than by their
name: `@admins_only` whose wrapper aborts with 401 / 403 (or redirects to a login page) when
no user is signed in "requires authentication"; a wrapper that calls a limiter "enforces a
rate limit". Summarized per file, applied to routes in the project phase."""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING

from .common import IDENTITY, LIMIT_NAME, body_limiter_calls, denies_anonymous, this_module
from .routes import GuardFact

if TYPE_CHECKING:
    from ...context import FileContext

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
        if IDENTITY.search(text) and denies_anonymous(ctx, wrapper):
            return GuardFact(f"{this_module(ctx)}.{func.name}", "auth",
                             "aborts for anonymous users", ctx.path, func.lineno)
        if body_limiter_calls(ctx, wrapper):
            return GuardFact(f"{this_module(ctx)}.{func.name}", "limit",
                             "checks a rate limiter", ctx.path, func.lineno)
    return None




def middleware_enforcement(ctx: FileContext, node: ast.ClassDef) -> GuardFact | None:
    """A project middleware class named like a limiter: does its code ever refuse a request
    (a 429 status, raising a throttling error, calling a limiter check)? One that only adds
    rate-limit headers does not limit anything."""
    if ctx.semantic.scope_of(node) is not ctx.semantic.module_scope or not (
            "Middleware" in node.name and LIMIT_NAME.search(node.name)):
        return None
    text = ctx.source(node)
    enforces = bool(re.search(r"\b429\b|TOO_MANY_REQUESTS|Ratelimited|Throttled|"
                              r"raise\s+\w*(Limit|Throttl)", text))
    if not enforces:
        enforces = any(body_limiter_calls(ctx, f) for f in node.body
                       if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef))
    return GuardFact(f"{this_module(ctx)}.{node.name}", "limit" if enforces else "inert",
                     "refuses requests over a limit" if enforces else "sets headers only",
                     ctx.path, node.lineno)
