"""The program model's CREDENTIAL effect: a function that checks a password it was handed.

A sign-in is known by what it does, not by what it is called: noggin's `root()` view hands
its login form to `handle_login_form(form)`, which reads `form.password.data` and passes it
to `maybe_ipa_login(...)`. Solved over the call graph like the other effects, this lets
BR206 see a route whose handler checks a credential two calls away.

The password must come from what the function is given (a parameter, the fields of a form
or the data of a request it was handed, the request itself): a password read from settings
or the environment to log in to a mail server or a backend is the service's own, not a
caller's guess.
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING

from ...astutil import walk
from ..values import is_password_name, may_name_password
from .facts import CREDENTIAL, Effect

if TYPE_CHECKING:
    from ...context import FileContext

# A call that checks a secret it is handed: `authenticate`, `check_password`, `verify...`,
# `checkpw`, `compare_digest`, or a sign-in against a backend (`maybe_ipa_login`,
# `client.login`, `ldap_sign_in`). Setting or changing a password checks nothing.
_CHECK_CALL = re.compile(r"authenticat|check_?pass|verify|checkpw|compare_digest"
                         r"|(?:^|_)log_?in(?:$|_)|sign_?in|logon", re.I)
# The caller's current password, handed to any call, is there to be checked
# (`api.keystone.user_update_own_password(request, data["current_password"], new)`).
_CURRENT = re.compile(r"(?:current|old|original|existing)_?pass", re.I)
# The data of a form or request a function was handed: `self.cleaned_data["password"]`.
_HANDED_DATA = frozenset({"cleaned_data", "data", "validated_data", "initial_data", "form",
                          "POST", "json", "form_data", "body"})
# Roots that hold the service's own configuration, never a caller's input.
_CONFIG_ROOTS = frozenset({"settings", "config", "conf", "os", "environ", "current_app",
                           "app", "cfg", "options"})


def credential_checks(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef,
                      own: list[ast.AST], self_name: str | None) -> list[Effect]:
    """One CREDENTIAL effect per call of `func` that checks a password `func` was given."""
    if not may_name_password(ctx):
        return []
    params = {a.arg for a in [*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs,
                              *(x for x in (func.args.vararg, func.args.kwarg) if x)]}
    calls = [n for n in own if isinstance(n, ast.Call)]
    if not calls:
        return []
    carriers = _password_locals(own, params, self_name)
    out: list[Effect] = []
    for call in calls:
        checks = _CHECK_CALL.search(_call_name(call) or "") is not None
        given = next((how for arg in [*call.args, *call.keywords]
                      if (how := _carries_password(arg, params, carriers, self_name))
                      and (checks or _CURRENT.search(how))), None)
        if given:
            # Shown as the call with the password it is given: `maybe_ipa_login(form.password)`.
            out.append(Effect(CREDENTIAL, call.lineno, f"{_call_name(call)}({given})"))
    return out


def _call_name(call: ast.Call) -> str | None:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else (
        func.id if isinstance(func, ast.Name) else None)


def _password_locals(own: list[ast.AST], params: set[str], self_name: str | None
                     ) -> dict[str, str]:
    """Locals assigned a password the function was handed (`password = form.password.data`),
    and what they hold; `password += form.otp.data` keeps one."""
    out: dict[str, str] = {}
    for node in own:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(
                node.targets[0], ast.Name):
            how = _reads_password(node.value, params, self_name)
            if how:
                out[node.targets[0].id] = how
    return out


def _carries_password(arg: ast.AST, params: set[str], carriers: dict[str, str],
                      self_name: str | None) -> str | None:
    value = arg.value if isinstance(arg, ast.keyword) else arg
    if isinstance(value, ast.Constant):
        return None  # a literal password is BR201's concern, not a caller's guess
    for node in walk(value):
        if isinstance(node, ast.Name) and node.id in carriers:
            return carriers[node.id]
        if isinstance(node, ast.Name) and node.id in params and is_password_name(node.id):
            return node.id
    return _reads_password(value, params, self_name)


def _reads_password(value: ast.AST, params: set[str], self_name: str | None) -> str | None:
    """`form.password.data`, `data["password"]`, `request.POST.get("password")`, a
    password parameter: a password read from what the function was given."""
    for node in walk(value):
        key: str | None = None
        base: ast.AST | None = None
        if isinstance(node, ast.Attribute):
            key, base = node.attr, node.value
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            key, base = node.slice.value if isinstance(node.slice.value, str) else None, \
                node.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and (
                node.func.attr == "get") and node.args and isinstance(
                node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            key, base = node.args[0].value, node.func.value
        elif isinstance(node, ast.Name) and node.id in params and is_password_name(node.id):
            return node.id
        if key and base is not None and is_password_name(key) and _handed(
                base, params, self_name):
            whole = ast.unparse(value)  # `form.password.data` rather than its inner part
            return whole if len(whole) <= 60 else ast.unparse(node)
    return None


def _handed(base: ast.AST, params: set[str], self_name: str | None) -> bool:
    """The value a password is read from came in with the call: a parameter (the form, the
    request, its data), the framework's request object, or the data of the form `self` is."""
    chain: list[str] = []
    node = base
    while isinstance(node, ast.Attribute | ast.Subscript | ast.Call):
        if isinstance(node, ast.Attribute):
            chain.append(node.attr)
        node = node.func if isinstance(node, ast.Call) else node.value
    if not isinstance(node, ast.Name) or node.id in _CONFIG_ROOTS:
        return False
    if node.id == self_name:
        return bool(set(chain) & _HANDED_DATA)
    return node.id in params or node.id == "request"
