"""Project decorators that guard a route, known by what their body does rather than by their
name: `@admins_only` whose wrapper aborts with 401 / 403 (or redirects to a login page) when
no user is signed in "requires authentication"; a wrapper that calls a limiter "enforces a
rate limit". Summarized per file, applied to routes in the project phase."""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING

from .common import (
    IDENTITY,
    LIMIT_NAME,
    body_limiter_calls,
    callable_name,
    classify,
    decorator_names,
    denies_anonymous,
    object_name,
    this_module,
)
from .routes import GuardFact, HookFact

if TYPE_CHECKING:
    from ...context import FileContext

_DEFINITIONS = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef})


def guard_decorator(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef
                    ) -> GuardFact | None:
    """A module-level decorator (`def deco(f)` returning an inner wrapper, or a decorator
    factory one level up) whose wrapper denies anonymous callers or checks a limiter."""
    if ctx.semantic.scope_of(func) is not ctx.semantic.module_scope:
        return None
    if _returns_limiter_decorator(ctx, func):
        return GuardFact(f"{this_module(ctx)}.{func.name}", "limit",
                         "returns a rate limiter's decorator", ctx.path, func.lineno)
    # A nested `def` is a statement of the function's own code or of a class or function
    # defined in it: without one of those, no wrapper (most functions; no walk of the body).
    if not any(type(stmt) in _DEFINITIONS for stmt in ctx.semantic.own_statements(func)):
        return None
    wrappers = [n for n in ast.walk(func) if isinstance(n, ast.FunctionDef |
                                                       ast.AsyncFunctionDef) and n is not func]
    if not wrappers:
        return None
    for wrapper in wrappers:
        text = ctx.source(wrapper)
        if IDENTITY.search(text) and denies_anonymous(ctx, wrapper):
            return GuardFact(f"{this_module(ctx)}.{func.name}", "auth",
                             "aborts for anonymous users", ctx.path, func.lineno,
                             exempt=_passed_paths(func, wrapper))
        applied = _applied_auth_decorator(ctx, func, wrapper)
        if applied:
            return GuardFact(f"{this_module(ctx)}.{func.name}", "auth",
                             f"applies {applied}", ctx.path, func.lineno)
        if body_limiter_calls(ctx, wrapper):
            return GuardFact(f"{this_module(ctx)}.{func.name}", "limit",
                             "checks a rate limiter", ctx.path, func.lineno)
    return None


def _passed_paths(func: ast.FunctionDef | ast.AsyncFunctionDef,
                  wrapper: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[str, ...]:
    """`if request.path in ["/login", "/logout"]: return f(*args, **kwargs)` (or `==`)
    among the wrapper's own statements: the paths served before any check."""
    view = func.args.args[0].arg if func.args.args else ""
    out: list[str] = []
    for stmt in wrapper.body:
        if not (isinstance(stmt, ast.If) and len(stmt.body) == 1 and isinstance(
                stmt.body[0], ast.Return) and isinstance(stmt.body[0].value, ast.Call) and
                isinstance(stmt.body[0].value.func, ast.Name) and
                stmt.body[0].value.func.id == view):
            continue
        test = stmt.test
        if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(
                test.left, ast.Attribute) and test.left.attr == "path" and isinstance(
                test.left.value, ast.Name) and test.left.value.id == "request"):
            continue
        right = test.comparators[0]
        if isinstance(test.ops[0], ast.Eq) and isinstance(right, ast.Constant) and \
                isinstance(right.value, str):
            out.append(right.value)
        elif isinstance(test.ops[0], ast.In) and isinstance(right, ast.List | ast.Tuple |
                                                               ast.Set):
            out += [e.value for e in right.elts if isinstance(e, ast.Constant) and
                    isinstance(e.value, str)]
    return tuple(out)


def _applied_auth_decorator(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef,
                            wrapper: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    """OctoPrint's `restricted_access`: the wrapper hands the decorated view to an auth
    decorator (`flask_login.login_required(func)(*args, **kwargs)`) — the view runs only
    behind it. Only the decorated function itself counts, not any other argument."""
    if not func.args.args:
        return None
    view = func.args.args[0].arg
    for node in ast.walk(wrapper):
        if isinstance(node, ast.Call) and any(isinstance(a, ast.Name) and a.id == view
                                              for a in node.args):
            name = callable_name(ctx, node)
            if classify(name) == "auth":
                return name.rsplit(".", 1)[-1]
    return None


def _returns_limiter_decorator(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef
                               ) -> bool:
    """`def limit(*args, **kwargs): return app_limiter.limit(*args, **kwargs)`: a project
    wrapper handing on a limiter's own decorator (Flask-Limiter's / slowapi's `limit` or
    `shared_limit` on an object named like a limiter), whatever the wrapper is called."""
    if not ctx.memo("limit-text", ctx.tree, lambda: ".limit(" in ctx.text or
                    ".shared_limit(" in ctx.text):
        return False
    for ret in ctx.semantic.own_returns(func):
        call = ret.value
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and \
                call.func.attr in ("limit", "shared_limit") and \
                classify(callable_name(ctx, call)) == "limit":
            return True
    return False


# A call in a hook's body that checks the caller's credentials: `verify_auth_token(...)`,
# `check_auth_token()`, `verify_jwt_in_request()`, `authenticate_request(request)`.
_CHECK_CALL = re.compile(r"^(?:verify|check|require|ensure|validate|authenticate)_?\w*"
                         r"(?:auth|token|jwt|login|user|admin|session|credential|api_?key)",
                         re.I)


def flask_auth_hooks(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef
                     ) -> list[HookFact]:
    """`@bp.before_request` on a function that authenticates (an auth decorator on it, a
    credential check in its body, or a 401 / 403 for anonymous callers): every route of
    `bp` requires authentication. `before_app_request` hooks are left out: they run for
    the whole app and mostly only load the optional user."""
    owners = [d.value for d in func.decorator_list
              if isinstance(d, ast.Attribute) and d.attr == "before_request"]
    if not owners:
        return []
    names = [n for n in decorator_names(ctx, func) if not n.endswith(".before_request")]
    shown = [f"{n.rsplit('.', 1)[-1]} (before_request hook)" for n in names
             if classify(n) == "auth"]
    if not shown:
        for node in ast.walk(func):
            if isinstance(node, ast.Call):
                name = callable_name(ctx, node).rsplit(".", 1)[-1]
                if _CHECK_CALL.match(name):
                    shown.append(f"{func.name}() calls {name}() (before_request hook)")
                    break
    if not shown and IDENTITY.search(ctx.source(func)) and denies_anonymous(ctx, func):
        shown.append(f"{func.name}() refuses anonymous callers (before_request hook)")
    out: list[HookFact] = []
    for owner in owners:
        name = object_name(ctx, owner)
        if name and (shown or names):
            out.append(HookFact(name, tuple(shown), tuple(names), ctx.path, func.lineno))
    return out


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
