"""Authentication declared once in a Django middleware (byro's `PermissionMiddleware`): a
project class listed in settings' `MIDDLEWARE` whose `__call__` / `process_view` /
`process_request` turns anonymous users away covers every Django (and DRF) route.

Known by what the method does, never by the class's name. The method's `if` statements are
read: one whose test asks whether the user is anonymous (`request.user.is_anonymous`, `not
request.user.is_authenticated`), optionally with an allow-list (`and url.url_name not in
self.UNAUTHENTICATED_URLS`, `request.path not in ("/login/",)`: a literal of the method, the
class or the module), refuses when its branch returns a response that is not the next
handler's (`redirect(...)`, `HttpResponseForbidden()`) or raises, directly or by clearing a
flag (`allow = False`) that a later `if not allow:` refuses on. Any other part of the test (a
setting, a computed condition) makes the middleware authenticate nobody for certain: no
auth. The routes whose URL name or path the allow-list holds stay public; when the method
can set the flag back (`allow = True` in a loop over plugin-registered matchers), the routes
it then lets through are unknown, which the Auth column says.

Per file the collector records the authenticating class (GuardFact, kind
"django-middleware") and each settings `MIDDLEWARE` entry (SettingsFact
"django-middleware"); the project phase shows `<Class> (settings MIDDLEWARE: ...)` in the
Auth column of every Django route the allow-list does not exempt."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from .common import literal_strings, this_module
from .routes import GuardFact

if TYPE_CHECKING:
    from ...context import FileContext

DJANGO_MIDDLEWARE = "django-middleware"
_METHODS = frozenset({"__call__", "process_view", "process_request"})
_HANDS_ON = frozenset({"get_response", "process_view", "process_request"})
# Words of the calls that answer an anonymous user instead of the view: redirects to a
# login page, 401 / 403 responses (HttpResponseForbidden, HttpResponseRedirect, ...).
_REFUSING_WORDS = ("redirect", "forbidden", "unauthorized", "denied", "login")
# What an allow-list is compared with: the resolved URL's name, or the request's path.
_NAME_ATTRS = frozenset({"url_name"})
_PATH_ATTRS = frozenset({"path", "path_info"})


def middleware_guard(ctx: FileContext, node: ast.ClassDef) -> GuardFact | None:
    """The GuardFact of a module-level class whose request method refuses anonymous users."""
    if ctx.semantic.scope_of(node) is not ctx.semantic.module_scope:
        return None
    for method in node.body:
        if not (isinstance(method, ast.FunctionDef) and method.name in _METHODS):
            continue
        found = _refusal(ctx, node, method)
        if found is not None:
            exempt, reopened = found
            why = "middleware: refuses anonymous users" + (
                "; more URLs let through at run time" if reopened else "")
            return GuardFact(f"{this_module(ctx)}.{node.name}", DJANGO_MIDDLEWARE, why,
                             ctx.path, node.lineno, exempt)
    return None


def _refusal(ctx: FileContext, cls: ast.ClassDef, method: ast.FunctionDef
             ) -> tuple[tuple[str, ...], bool] | None:
    """(the allow-list, whether a flag can be set back) when the method refuses anonymous
    users; None otherwise."""
    ifs = [n for n in ast.walk(method) if isinstance(n, ast.If)]
    for stmt in ifs:
        exempt = _anonymous_test(ctx, cls, stmt.test)
        if exempt is None:
            continue
        if any(_refuses(s) for s in stmt.body):
            return exempt, False
        flags = [t.id for s in stmt.body if isinstance(s, ast.Assign) and
                 _is_false(s.value) for t in s.targets if isinstance(t, ast.Name)]
        for flag in flags:
            if any(_refuses(s) for other in ifs if _tests_not(other.test, flag)
                   for s in other.body):
                reopened = sum(1 for n in ast.walk(method) if isinstance(n, ast.Assign) and
                               _is_true(n.value) and any(isinstance(t, ast.Name) and
                                                         t.id == flag for t in n.targets))
                # The flag's first value (`allow = True` before the check) is no reopening.
                return exempt, reopened > 1
    return None


def _anonymous_test(ctx: FileContext, cls: ast.ClassDef, test: ast.expr
                    ) -> tuple[str, ...] | None:
    """The allow-list (URL names as `name:<n>`, paths as written) of a test that asks
    whether the user is anonymous, every other part being an allow-list; None otherwise."""
    parts = test.values if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And) \
        else [test]
    anonymous = False
    exempt: list[str] = []
    for part in parts:
        if _asks_anonymous(part):
            anonymous = True
            continue
        listed = _allow_list(ctx, cls, part)
        if listed is None:
            return None
        exempt += listed
    return tuple(exempt) if anonymous else None


def _asks_anonymous(node: ast.expr) -> bool:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        inner = node.operand
        return isinstance(inner, ast.Attribute) and inner.attr == "is_authenticated" and \
            _is_user(inner.value)
    return isinstance(node, ast.Attribute) and node.attr == "is_anonymous" and \
        _is_user(node.value)


def _is_user(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "user"


def _allow_list(ctx: FileContext, cls: ast.ClassDef, node: ast.expr) -> list[str] | None:
    """`url.url_name not in self.UNAUTHENTICATED_URLS`, `request.path not in ("/login/",)`."""
    if not (isinstance(node, ast.Compare) and len(node.ops) == 1 and
            isinstance(node.ops[0], ast.NotIn) and isinstance(node.left, ast.Attribute)):
        return None
    attr = node.left.attr
    if attr not in _NAME_ATTRS | _PATH_ATTRS:
        return None
    items = _strings(ctx, cls, node.comparators[0])
    if items is None:
        return None
    return [f"name:{i}" for i in items] if attr in _NAME_ATTRS else items


def _strings(ctx: FileContext, cls: ast.ClassDef, node: ast.expr) -> list[str] | None:
    """A literal tuple / list / set of strings, or a class attribute (`self.X`) or module
    constant bound once to one."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and \
            node.value.id in ("self", "cls"):
        value = _class_value(cls, node.attr)
        return literal_strings(ctx, value) if value is not None else None
    return literal_strings(ctx, node)


def _class_value(cls: ast.ClassDef, name: str) -> ast.AST | None:
    found = [s.value for s in cls.body if isinstance(s, ast.Assign) and
             any(isinstance(t, ast.Name) and t.id == name for t in s.targets)]
    return found[0] if len(found) == 1 else None


def _refuses(stmt: ast.stmt) -> bool:
    """`raise PermissionDenied`, `return redirect(...)` / `HttpResponseForbidden()` /
    `redirect_to_login(...)`, or a response with status 401 / 403: positive evidence only.
    Handing the request on (`self.get_response(request)`, `super().__call__(request)`, any
    other call) is no refusal."""
    if isinstance(stmt, ast.Raise):
        return True
    if not (isinstance(stmt, ast.Return) and isinstance(stmt.value, ast.Call)):
        return False
    call = stmt.value
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if name in _HANDS_ON:
        return False
    if any(word in name.lower() for word in _REFUSING_WORDS):
        return True
    return any(k.arg in ("status", "status_code") and isinstance(k.value, ast.Constant) and
               k.value.value in (401, 403) for k in call.keywords)


def _is_false(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is False


def _is_true(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def _tests_not(test: ast.expr, flag: str) -> bool:
    return isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) and isinstance(
        test.operand, ast.Name) and test.operand.id == flag


def middleware_auth(settings: list[Any], guards: list[GuardFact], resolver_of: Any
                    ) -> list[tuple[str, frozenset[str]]]:
    """(what the Auth column shows, the exempt URL names / paths) of each authenticating
    project middleware listed in settings' MIDDLEWARE."""
    found = {g.name: g for g in guards if g.kind == DJANGO_MIDDLEWARE}
    if not found:
        return []
    resolver = resolver_of(sorted(found))
    out: list[tuple[str, frozenset[str]]] = []
    for setting in settings:
        if setting.key != DJANGO_MIDDLEWARE:
            continue
        name = resolver.find(setting.value)
        if name is None:
            continue
        guard = found[name]
        shown = f"{name.rsplit('.', 1)[-1]} (settings MIDDLEWARE; {guard.why})"
        out.append((shown, frozenset(guard.exempt)))
    return out


def exempted(path: str, url_name: str, exempt: frozenset[str]) -> bool:
    """A route the middleware's allow-list lets through: its URL name, or its path."""
    return (bool(url_name) and f"name:{url_name}" in exempt) or path in exempt


__all__ = ["DJANGO_MIDDLEWARE", "exempted", "middleware_auth", "middleware_guard"]
