"""BR205: is the token being decoded one this code fetched itself from the identity provider?

An OAuth/OIDC client that exchanges the authorization code at the provider's token endpoint
receives the id_token (and access token) in the response body of its own request, over TLS.
OpenID Connect Core 3.1.3.7 lets such a client rely on the TLS server check in place of the
signature: nobody but the provider could have put the token there, so reading its claims
without verification accepts no forged token. A token that arrives in a request to this
application (a header, a cookie, a body the browser posts) is the opposite case and stays a
finding. The answer follows the token's value back by data flow: through locals, `self.x`
assigned in the same function, field reads (`resp.json()["id_token"]`, `.get(...)`, `.id_token`)
and one-argument wrappers (`validate(...)`), and from a parameter to every call site of its
function in the file, until it reaches an HTTP request the code sends or an OAuth library's
token-exchange call.
"""

from __future__ import annotations

import ast

from ..context import FileContext
from .outbound_digest import HTTP_CLIENT_MODULES

# `.post(...)`/`.request(...)` of a client object; `.get` is a mapping's as often as a client's.
_SENDS = frozenset({"post", "request"})
# OAuth client libraries' code exchange (authlib, requests-oauthlib, oauthlib wrappers).
_TOKEN_EXCHANGES = frozenset({"fetch_token", "fetch_access_token", "authorize_access_token",
                              "refresh_token", "fetch_id_token"})
# fastapi-sso: `await sso.verify_and_process(request)` exchanges the code and keeps the
# provider's answer on the object (`sso.id_token`, `sso.access_token`).
_OBJECT_EXCHANGES = frozenset({"verify_and_process", "process_login"})
_MAX_DEPTH = 8


def fetched_from_idp(ctx: FileContext, token: ast.AST) -> bool:
    return _Origin(ctx).received(token, 0)


class _Origin:
    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.seen: set[int] = set()  # parameters already followed to their callers

    def received(self, expr: ast.AST, depth: int) -> bool:
        if depth > _MAX_DEPTH:
            return False
        if isinstance(expr, ast.Await):
            return self.received(expr.value, depth + 1)
        if isinstance(expr, ast.Call):
            return self._call(expr, depth)
        if isinstance(expr, ast.Subscript):
            return self.received(expr.value, depth + 1)
        if isinstance(expr, ast.Attribute):
            if isinstance(expr.value, ast.Name) and expr.value.id == "self":
                return self._self_attribute(expr, depth)
            if isinstance(expr.value, ast.Name) and self._exchanged_on(expr.value):
                return True
            return self.received(expr.value, depth + 1)
        if isinstance(expr, ast.Name):
            return self._name(expr, depth)
        return False

    def _call(self, call: ast.Call, depth: int) -> bool:
        if self._sends(call):
            return True
        func = call.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in _TOKEN_EXCHANGES:
            return True
        if isinstance(func, ast.Attribute) and name in ("json", "get", "copy"):
            return self.received(func.value, depth + 1)  # `resp.json()`, `tokens.get("id_token")`
        args = [a for a in call.args if not isinstance(a, ast.Starred)]
        if len(args) == 1 and not call.keywords:
            return self.received(args[0], depth + 1)  # `validate(tokens)`, `str(token)`
        # `await _send_or_raise(client.post(url, ...), endpoint=url)`: the response it checks.
        return any(isinstance(a, ast.Call) and self._sends(a) for a in args)

    def _sends(self, call: ast.Call) -> bool:
        qualified = self.ctx.qualified_name(call.func) or ""
        if qualified.startswith(HTTP_CLIENT_MODULES):
            return qualified.rsplit(".", 1)[-1] in (*_SENDS, "get", "urlopen")
        return isinstance(call.func, ast.Attribute) and call.func.attr in _SENDS

    def _exchanged_on(self, obj: ast.Name) -> bool:
        """`await sso.verify_and_process(request)` earlier in the same function."""
        function = self.ctx.semantic.enclosing_function(obj)
        return function is not None and any(
            isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and
            n.func.attr in _OBJECT_EXCHANGES and isinstance(n.func.value, ast.Name) and
            n.func.value.id == obj.id and n.lineno <= obj.lineno for n in ast.walk(function))

    def _self_attribute(self, expr: ast.Attribute, depth: int) -> bool:
        """`self._id_token = tokens.get("id_token")` earlier in the same method."""
        function = self.ctx.semantic.enclosing_function(expr)
        if function is None:
            return False
        values = [n.value for n in ast.walk(function)
                  if isinstance(n, ast.Assign) and n.lineno < expr.lineno and any(
                      isinstance(t, ast.Attribute) and t.attr == expr.attr and
                      isinstance(t.value, ast.Name) and t.value.id == "self" for t in n.targets)]
        return bool(values) and all(self.received(v, depth + 1) for v in values)

    def _name(self, name: ast.Name, depth: int) -> bool:
        bindings = self.ctx.reaching_bindings(name)
        if not bindings:
            return False
        for binding in bindings:
            if binding.kind == "param":
                if not self._callers_pass_received(name, depth):
                    return False
            elif binding.kind in ("assign", "annassign") and binding.value is not None:
                if not self.received(binding.value, depth + 1):
                    return False
            else:
                return False
        return True

    def _callers_pass_received(self, name: ast.Name, depth: int) -> bool:
        """Every call of the enclosing function in this file passes a fetched token."""
        function = self.ctx.semantic.enclosing_function(name)
        if function is None or id(function) in self.seen:
            return False
        self.seen.add(id(function))
        params = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
        is_method = self.ctx.semantic.enclosing_class(function) is not None
        found = False
        for call in ast.walk(self.ctx.tree):
            if not isinstance(call, ast.Call):
                continue
            func = call.func
            callee = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if callee != function.name:
                continue
            arg = next((k.value for k in call.keywords if k.arg == name.id), None)
            if arg is None and name.id in params:
                index = params.index(name.id)
                if is_method and params and params[0] in ("self", "cls") and \
                        isinstance(func, ast.Attribute):
                    index -= 1  # `self.m(x)` / `cls.m(x)`: the receiver fills the first
                if 0 <= index < len(call.args):
                    arg = call.args[index]
            if arg is None or not self.received(arg, depth + 1):
                return False
            found = True
        return found
