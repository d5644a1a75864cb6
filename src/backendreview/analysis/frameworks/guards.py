"""Project decorators that guard a route, known by what their body does rather than by their
name: `@admins_only` whose wrapper aborts with 401 / 403 (or redirects to a login page) when
no user is signed in "requires authentication"; a wrapper that calls a limiter "enforces a
rate limit". Summarized per file, applied to routes in the project phase."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...astutil import own_nodes
from .common import (
    IDENTITY,
    LIMIT_NAME,
    body_limiter_calls,
    callable_name,
    classify,
    decorator_names,
    denies_anonymous,
    first_callees,
    object_name,
    refuses_caller,
    this_module,
)
from .routes import CALLS_CHECK, REFUSER, GuardFact, HookFact

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
        return _refusing_check(ctx, func)
    wrappers = [n for n in ast.walk(func) if isinstance(n, ast.FunctionDef |
                                                       ast.AsyncFunctionDef) and n is not func]
    if not wrappers:
        return None
    for wrapper in wrappers:
        text = ctx.source(wrapper)
        if _setting_gated(ctx, wrapper):
            continue
        if IDENTITY.search(text) and denies_anonymous(ctx, wrapper):
            return GuardFact(f"{this_module(ctx)}.{func.name}", "auth",
                             "aborts for anonymous users", ctx.path, func.lineno,
                             exempt=_passed_paths(func, wrapper))
        # A function of this module the wrapper calls first (`_require_owner(request, pk)`)
        # guards only by raising: the response it returns is thrown away.
        if _refuses_on_caller_test(ctx, wrapper) or any(
                _refuses_on_caller_test(ctx, f, raising=True)
                for f in first_callees(ctx, wrapper)):
            return GuardFact(f"{this_module(ctx)}.{func.name}", "auth", REFUSES_WHY, ctx.path,
                             func.lineno)
        applied = _applied_auth_decorator(ctx, func, wrapper)
        if applied:
            return GuardFact(f"{this_module(ctx)}.{func.name}", "auth",
                             f"applies {applied}", ctx.path, func.lineno)
        if body_limiter_calls(ctx, wrapper):
            return GuardFact(f"{this_module(ctx)}.{func.name}", "limit",
                             "checks a rate limiter", ctx.path, func.lineno)
        called = _first_imported_calls(ctx, wrapper)
        if called:
            # Decided in the project phase (routes.resolve_called_checks): auth when one of
            # them is a REFUSER of another module.
            return GuardFact(f"{this_module(ctx)}.{func.name}", CALLS_CHECK, " ".join(called),
                             ctx.path, func.lineno)
    return None


REFUSER_WHY = "raises for callers a user or permission test turns away"


def _refusing_check(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef
                    ) -> GuardFact | None:
    # Only a function that raises or aborts can refuse from a call whose answer is dropped.
    text = ctx.source(func)
    if "raise" not in text and "abort(" not in text:
        return None
    if not _refuses_on_caller_test(ctx, func, raising=True):
        return None
    return GuardFact(f"{this_module(ctx)}.{func.name}", REFUSER, REFUSER_WHY, ctx.path,
                     func.lineno)


def _first_imported_calls(ctx: FileContext, wrapper: ast.FunctionDef | ast.AsyncFunctionDef
                          ) -> list[str]:
    """Qualified names of the functions of other modules the wrapper's body calls as
    statements of its own, on every path (`check_access(request)`, `await
    ensure_member(request, team)`), as the imports name them."""
    out: list[str] = []
    for stmt in wrapper.body:
        call = stmt.value if isinstance(stmt, ast.Expr) else None
        if isinstance(call, ast.Await):
            call = call.value
        if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name | ast.Attribute):
            continue
        name = ctx.qualified_name(call.func)
        if name and "." in name and not name.startswith(this_module(ctx) + "."):
            out.append(name)
    return out


# A test that reads the project's configuration: `helpdesk_settings.X`, `settings.X`,
# `getattr(settings, "X", False)`, `current_app.config["X"]`.
_SETTING = re.compile(r"\bsettings\.|_settings\.|getattr\(\s*\w*settings\b|\bconfig\[|"
                      r"\.config\.get\(")


def _setting_gated(ctx: FileContext, wrapper: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Every refusal of the wrapper sits under a test that also reads a setting
    (django-helpdesk's `protect_view`: `if not request.user.is_authenticated and
    helpdesk_settings.HELPDESK_REDIRECT_TO_LOGIN_BY_DEFAULT: return redirect(...)`, off
    by default): whether anyone is refused is the deployment's choice, which the code does
    not show. Not counted as auth; a wrapper that refuses nothing is not gated."""
    refusals = [n for n in own_nodes(wrapper) if refuses_caller(ctx, n)]
    if not refusals:
        return False
    for node in refusals:
        gated = False
        child, parent = node, ctx.semantic.parent(node)
        while parent is not None and parent is not wrapper:
            # Only the branch the test guards: in its `else`/`elif` (Flask-Login's own
            # `if request.method in EXEMPT or current_app.config.get("LOGIN_DISABLED"):
            # pass` / `elif not current_user.is_authenticated: return ...unauthorized()`)
            # the refusal runs whenever the setting is off, i.e. by default.
            if isinstance(parent, ast.If) and any(child is stmt for stmt in parent.body) \
                    and _SETTING.search(ctx.source(parent.test)):
                gated = True
                break
            child, parent = parent, ctx.semantic.parent(parent)
        if not gated:
            return False
    return True


REFUSES_WHY = "refuses callers a user or permission test turns away"

# A call in a branch's test that asks whether the caller may act, when it is handed the
# request or the user: `map_inst.can_edit(request=request)`, `obj.is_anonymous_owner(request)`,
# `team.has_member(user)`, `check_access(request)`. `is_ajax(request)` asks how, not who.
_PERMISSION_CALL = re.compile(r"^(?:can|may)(?:_|$)|perm|allow|owner|member|access|"
                              r"authori[sz]|^is_(?:admin|staff|superuser)", re.I)
_CALLER_NAMES = frozenset({"request", "user", "current_user"})


def _refuses_on_caller_test(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef,
                            raising: bool = False) -> bool:
    """umap's `team_members_only`: a branch of the function that tests who is calling
    refuses them (`if not request.user.is_authenticated or team not in
    request.user.teams.all(): return HttpResponseForbidden()`; `if not
    map_inst.can_view(request): raise PermissionDenied`; `can_edit =
    map_inst.can_edit(request=request)` then `if not can_edit: return
    HttpResponseForbidden()`), or, after `if <caller test>: return view(...)`, the statement
    that follows does. A 403 on a test of something else (a feature flag, the HTTP method,
    whether a datalayer belongs to the map) says nothing of the caller: not auth. With
    `raising`, only a raised error or `abort(...)` refuses."""
    callers = set(_CALLER_NAMES)
    params = [a.arg for a in func.args.posonlyargs + func.args.args]
    if params and params[0] not in ("self", "cls"):
        callers.add(params[0])  # `def wrapper(request, *args, **kwargs)`
    nodes = own_nodes(func)
    assigned: dict[str, list[ast.expr]] = {}
    for node in nodes:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(
                node.targets[0], ast.Name):
            assigned.setdefault(node.targets[0].id, []).append(node.value)
    for node in nodes:
        if not isinstance(node, ast.If) or not _tests_caller(ctx, node.test, callers,
                                                             assigned):
            continue
        branch: list[ast.stmt] = [*node.body, *node.orelse]
        if node.body and isinstance(node.body[-1], ast.Return):
            branch += _following(ctx, node)
        if any(refuses_caller(ctx, n) and (not raising or _raises(ctx, n))
               for stmt in branch for n in ast.walk(stmt)):
            return True
    return False


def _raises(ctx: FileContext, node: ast.AST) -> bool:
    return isinstance(node, ast.Raise) or (isinstance(node, ast.Call) and callable_name(
        ctx, node).rsplit(".", 1)[-1] == "abort")


def _following(ctx: FileContext, node: ast.If) -> list[ast.stmt]:
    """The statements after `node` in the block that holds it."""
    parent = ctx.semantic.parent(node)
    for field in ("body", "orelse", "finalbody"):
        block = getattr(parent, field, None)
        if isinstance(block, list) and node in block:
            return block[block.index(node) + 1:]
    return []


def _tests_caller(ctx: FileContext, test: ast.expr, callers: set[str],
                  assigned: dict[str, list[ast.expr]]) -> bool:
    """The test looks at who is calling: the user, the session, a permission (IDENTITY),
    or a permission-like call handed the request / the user, directly or through a local
    assigned once from one (`can_edit = map_inst.can_edit(request=request)`)."""
    if IDENTITY.search(ctx.source(test)):
        return True
    for node in ast.walk(test):
        if isinstance(node, ast.Call) and _asks_about_caller(ctx, node, callers):
            return True
        if isinstance(node, ast.Name) and len(assigned.get(node.id, ())) == 1:
            value = assigned[node.id][0]
            if isinstance(value, ast.Call) and _asks_about_caller(ctx, value, callers):
                return True
    return False


def _asks_about_caller(ctx: FileContext, call: ast.Call, callers: set[str]) -> bool:
    name = callable_name(ctx, call).rsplit(".", 1)[-1]
    if not _PERMISSION_CALL.search(name):
        return False
    values = [*call.args, *(k.value for k in call.keywords)]
    return any((isinstance(v, ast.Name) and v.id in callers) or (
        isinstance(v, ast.Attribute) and v.attr == "user") for v in values)


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
        # `request.path == p` / `in [...]` only: the paths it names exactly.
        if isinstance(stmt.test, ast.Compare):
            out += [p[1:] for p in _path_pass(stmt.test) or () if p.startswith("=")]
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
    # An auth decorator on the hook refuses the caller before the body runs: the body's
    # leading `if request.path == p: return None` lets nothing past it then.
    by_decorator = bool(shown)
    if not shown:
        for node in ast.walk(func):
            if isinstance(node, ast.Call):
                name = callable_name(ctx, node).rsplit(".", 1)[-1]
                if _CHECK_CALL.match(name):
                    shown.append(f"{func.name}() calls {name}() (before_request hook)")
                    break
    if not shown and IDENTITY.search(ctx.source(func)) and denies_anonymous(ctx, func) and \
            not _refuses_only_sessions(ctx, func):
        shown.append(f"{func.name}() refuses anonymous callers (before_request hook)")
    exempt = _hook_passes(func) if shown and not by_decorator else ()
    if shown and not by_decorator:
        exempt += _passes_marked_views(ctx, func)
    out: list[HookFact] = []
    for owner in owners:
        name = object_name(ctx, owner)
        if name and (shown or names):
            out.append(HookFact(name, tuple(shown), tuple(names), ctx.path, func.lineno,
                                exempt))
    return out


@dataclass(frozen=True)
class ViewMarkFact:
    """`post.is_public = True` in a class body, `handler.is_public = True` at module level:
    an attribute set on a view function (`line`: its def line), which a hook may read to let
    the view through (`_passes_marked_views`)."""

    attr: str
    file: str
    line: int


def view_mark(ctx: FileContext, node: ast.Assign) -> ViewMarkFact | None:
    """`<function>.<attr> = True`, the function defined in the same scope."""
    target = node.targets[0] if len(node.targets) == 1 else None
    if not (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and
            isinstance(node.value, ast.Constant) and node.value.value is True):
        return None
    bindings = ctx.semantic.lookup(target.value.id, target.value)[1]
    if len(bindings) != 1 or not isinstance(bindings[0].node,
                                            ast.FunctionDef | ast.AsyncFunctionDef):
        return None
    return ViewMarkFact(target.attr, ctx.path, bindings[0].node.lineno)


def _passes_marked_views(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef
                         ) -> tuple[str, ...]:
    """`view = app.view_functions.get(request.endpoint)` then `not getattr(view,
    "is_public", False)` in the hook's test: views carrying that attribute pass ("@is_public").
    Only a read that gates every refusal lets a view through (`_gates_refusals`): a hook that
    reads the mark for something else still refuses the marked view."""
    out: list[str] = []
    refusals = [n for n in own_nodes(func) if refuses_caller(ctx, n)]
    for node in own_nodes(func):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and
                node.func.id == "getattr" and len(node.args) >= 2 and
                isinstance(node.args[0], ast.Name) and isinstance(node.args[1], ast.Constant)
                and isinstance(node.args[1].value, str)):
            continue
        if len(node.args) > 2 and not (isinstance(node.args[2], ast.Constant) and
                                       not node.args[2].value):
            continue
        bindings = ctx.semantic.lookup(node.args[0].id, node.args[0])[1]
        if len(bindings) == 1 and bindings[0].value is not None and \
                "view_functions" in ctx.source(bindings[0].value) and \
                _gates_refusals(ctx, func, node, refusals):
            out.append("@" + node.args[1].value)
    return tuple(out)


def _gates_refusals(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef,
                    read: ast.expr, refusals: list[ast.AST]) -> bool:
    """The mark's read keeps a marked view from every refusal of the hook: `if ... and not
    getattr(view, "is_public", False) [and ...]:` with every refusal in that `if`'s body, or
    `if getattr(view, "is_public", False): return` as a statement of the hook's body before
    any refusal."""
    negated = False
    child: ast.AST = read
    parent = ctx.semantic.parent(child)
    if isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Not):
        negated, child, parent = True, parent, ctx.semantic.parent(parent)
    if negated:
        while isinstance(parent, ast.BoolOp) and isinstance(parent.op, ast.And):
            child, parent = parent, ctx.semantic.parent(parent)
    if not (isinstance(parent, ast.If) and parent.test is child) or not refusals:
        return False
    gate = parent
    if negated:
        return all(_in_body(ctx, n, gate) for n in refusals)
    if not (len(gate.body) == 1 and isinstance(gate.body[0], ast.Return) and (
            gate.body[0].value is None or (isinstance(gate.body[0].value, ast.Constant) and
                                           gate.body[0].value.value is None)) and
            not gate.orelse and gate in func.body):
        return False
    first = func.body.index(gate)
    return all(_statement_index(ctx, n, func) > first for n in refusals)


def _statement_index(ctx: FileContext, node: ast.AST,
                     func: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """The index of the statement of `func`'s body that holds `node` (-1: none)."""
    child = node
    for parent in ctx.semantic.ancestors(node):
        if parent is func:
            return next((i for i, s in enumerate(func.body) if s is child), -1)
        child = parent
    return -1


def _in_body(ctx: FileContext, node: ast.AST, gate: ast.If) -> bool:
    """`node` sits in `gate.body` (not its test, not its else branch)."""
    child = node
    for parent in ctx.semantic.ancestors(node):
        if parent is gate:
            return any(child is s for s in gate.body)
        child = parent
    return False


def _refuses_only_sessions(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef
                           ) -> bool:
    """Every refusal of the hook sits below `if session:`: only a caller that has a session
    can be refused (faraday's idle_session_timeout ends idle sessions), an anonymous one with
    none passes."""
    refusals = [n for n in own_nodes(func) if refuses_caller(ctx, n)]

    def under_session(node: ast.AST) -> bool:
        child = node
        for parent in ctx.semantic.ancestors(node):
            if isinstance(parent, ast.If) and child in parent.body and (
                    ctx.qualified_name(parent.test) == "flask.session" or (
                        isinstance(parent.test, ast.Name) and parent.test.id == "session")):
                return True
            if parent is func:
                return False
            child = parent
        return False

    return bool(refusals) and all(under_session(n) for n in refusals)


def _hook_passes(func: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[str, ...]:
    """The paths a hook lets through by its first statements, `if <tests of request.path>:
    return None` (flexget's `check_valid_login`: `request.path == '/' or
    request.path.startswith('/auth/login') or ...`): "=p" for `== p` / `in [...]`, "^p" for
    `.startswith(p)`. A test that is not only such comparisons (or a method test) lets
    nothing through here: which paths pass is then not told."""
    out: list[str] = []
    for stmt in func.body:
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            continue  # the docstring
        if not (isinstance(stmt, ast.If) and len(stmt.body) == 1 and isinstance(
                stmt.body[0], ast.Return) and (stmt.body[0].value is None or (
                    isinstance(stmt.body[0].value, ast.Constant) and
                    stmt.body[0].value.value is None)) and not stmt.orelse):
            break
        tests = stmt.test.values if isinstance(stmt.test, ast.BoolOp) and isinstance(
            stmt.test.op, ast.Or) else [stmt.test]
        found = [_path_pass(t) for t in tests]
        paths = [p for p in found if p is not None]
        # Other alternatives (`request.method == "OPTIONS"`) pass requests whatever their
        # path: they leave the paths named beside them passed, and add none.
        if not paths:
            break
        out += [p for group in paths for p in group]
    return tuple(out)


def _request_path(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "path" and isinstance(
        node.value, ast.Name) and node.value.id == "request"


def _path_pass(test: ast.expr) -> tuple[str, ...] | None:
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and _request_path(test.left):
        right = test.comparators[0]
        if isinstance(test.ops[0], ast.Eq) and isinstance(right, ast.Constant) and \
                isinstance(right.value, str):
            return ("=" + right.value,)
        if isinstance(test.ops[0], ast.In) and isinstance(right, ast.List | ast.Tuple |
                                                           ast.Set):
            return tuple("=" + e.value for e in right.elts
                         if isinstance(e, ast.Constant) and isinstance(e.value, str))
    if isinstance(test, ast.Call) and isinstance(test.func, ast.Attribute) and \
            test.func.attr == "startswith" and _request_path(test.func.value) and \
            len(test.args) == 1 and isinstance(test.args[0], ast.Constant) and \
            isinstance(test.args[0].value, str):
        return ("^" + test.args[0].value,)
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
