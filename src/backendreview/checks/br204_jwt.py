"""BR204 jwt-without-expiry and BR205 jwt-unverified (CWE-613, CWE-347).

BR204: `jwt.encode()` (PyJWT, python-jose, authlib) of a payload dict, written inline or in a
local variable (with later `payload["exp"] = ...` / `payload.update(exp=...)` seen), that has
no `exp` claim. Payloads whose keys cannot all be seen (`**claims`, a parameter) are not
reported.
BR205: `jwt.decode()` with signature verification turned off
(`options={"verify_signature": False}`, `verify=False`), with the `none` algorithm, or
(PyJWT / python-jose) without an `algorithms` list, which lets the token's header choose.
"""

from __future__ import annotations

import ast
import re

from ..analysis.values import constant_str, keyword
from .base import Rule
from .idp_tokens import fetched_from_idp
from .jwt_fixes import expiry_fix, verify_fix

# qualified name -> index of the payload argument
_ENCODERS = {"jwt.encode": 0, "jwt.api_jwt.encode": 0, "jose.jwt.encode": 0,
             "authlib.jose.jwt.encode": 1, "jwt.PyJWT.encode": 0}
_DECODERS = frozenset({"jwt.decode", "jwt.api_jwt.decode", "jose.jwt.decode",
                       "jwt.PyJWT.decode"})
# Both rules start from a call whose qualified name is one of the above, which only an import
# of these packages gives: files that import none are not visited (most of a project).
_JWT_PACKAGES = tuple(sorted({name.split(".")[0] for name in (*_ENCODERS, *_DECODERS)}))


_METADATA_CLAIMS = frozenset({"exp", "iat", "nbf", "iss", "kid", "alg", "aud", "typ"})
_VERIFYING_CALL = re.compile(r"verify|userinfo|user_info|jwks?|jwk_set|introspect", re.IGNORECASE)


class JwtWithoutExpiry(Rule):
    id = "BR204"
    requires_imports = _JWT_PACKAGES

    def visit_Call(self, node: ast.Call) -> None:
        qualified = self.ctx.qualified_name(node.func) or ""
        index = _ENCODERS.get(qualified)
        if index is None:
            return
        payload = node.args[index] if len(node.args) > index else (
            keyword(node, "payload") or keyword(node, "claims"))
        if payload is None:
            return
        algorithm = keyword(node, "algorithm")
        if constant_str(algorithm) in ("none", "None"):
            return  # an unsigned assertion (PayPal-Auth-Assertion), not a credential
        keys = self._keys(payload, node)
        if keys is None or "exp" in keys:
            return
        if isinstance(self.ctx.semantic.parent(node), ast.Expr):
            # skyvern security.py:32: `jwt.encode({"sub": "startup-check"}, key)` only to
            # see the key is usable; the token is thrown away, so no one can hold it.
            return
        shown = self.ctx.source(payload)
        if len(shown) > 40 or "\n" in shown:
            shown = "the payload"
        self.report(node, f"token signed without an `exp` claim ({shown} has "
                    f"{', '.join(sorted(keys)) or 'no keys'}): it stays valid forever once "
                    f"issued or leaked",
                    fix=expiry_fix(self.ctx, payload))

    def _keys(self, payload: ast.AST, call: ast.Call) -> set[str] | None:
        """The claim names the payload gets before `call`, or None when unknown."""
        if isinstance(payload, ast.Dict):
            return _dict_keys(payload)
        if isinstance(payload, ast.Call) and self.ctx.qualified_name(payload.func) == (
                "builtins.dict") and not payload.args:
            if any(k.arg is None for k in payload.keywords):
                return None
            return {k.arg for k in payload.keywords if k.arg}
        if not isinstance(payload, ast.Name):
            return None
        bindings = self.ctx.reaching_bindings(payload)
        if not bindings:
            return None
        keys: set[str] = set()
        for binding in bindings:
            if binding.kind not in ("assign", "annassign") or binding.value is None:
                return None
            found = self._keys(binding.value, call) if not isinstance(
                binding.value, ast.Name) else None
            if found is None:
                return None
            keys |= found
        # Later additions in the same function: payload["exp"] = ..., payload.update(...)
        function = self.ctx.semantic.enclosing_function(call) or self.ctx.tree
        for node in ast.walk(function):
            if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and (
                    node.value.id == payload.id) and isinstance(node.ctx, ast.Store):
                key = constant_str(node.slice)
                if key is None:
                    return None
                keys.add(key)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and (
                    node.func.attr in ("update", "setdefault")) and isinstance(
                    node.func.value, ast.Name) and node.func.value.id == payload.id:
                if node.func.attr == "setdefault" and node.args:
                    key = constant_str(node.args[0])
                    if key is None:
                        return None
                    keys.add(key)
                    continue
                if node.args:
                    extra = _dict_keys(node.args[0]) if isinstance(node.args[0], ast.Dict) \
                        else None
                    if extra is None:
                        return None
                    keys |= extra
                if any(k.arg is None for k in node.keywords):
                    return None
                keys |= {k.arg for k in node.keywords if k.arg}
        return keys


def _dict_keys(node: ast.Dict) -> set[str] | None:
    keys: set[str] = set()
    for key in node.keys:
        text = constant_str(key)
        if text is None:
            return None  # **spread or a computed key: cannot tell
        keys.add(text)
    return keys


class JwtUnverified(Rule):
    id = "BR205"
    requires_imports = _JWT_PACKAGES

    def visit_Call(self, node: ast.Call) -> None:
        qualified = self.ctx.qualified_name(node.func) or ""
        if qualified not in _DECODERS:
            return
        options = keyword(node, "options")
        if isinstance(options, ast.Dict):
            for key, value in zip(options.keys, options.values, strict=True):
                if constant_str(key) == "verify_signature" and isinstance(
                        value, ast.Constant) and value.value is False:
                    if self._verified_elsewhere(node) or self._peeks_metadata(node) or \
                            self._from_token_endpoint(node):
                        return
                    self._report(node, "signature verification is turned off "
                                 "(`options={\"verify_signature\": False}`)")
                    return
        verify = keyword(node, "verify")
        if isinstance(verify, ast.Constant) and verify.value is False:
            self._report(node, "signature verification is turned off (`verify=False`)")
            return
        algorithms = keyword(node, "algorithms")
        if algorithms is None and len(node.args) >= 3:
            algorithms = node.args[2]
        if isinstance(algorithms, ast.List | ast.Tuple):
            if any((constant_str(e) or "").lower() == "none" for e in algorithms.elts):
                self._report(node, "the `none` algorithm is accepted")
            return
        if algorithms is None and not any(k.arg is None for k in node.keywords):
            self._report(node, "no `algorithms` list is given, so the token's own header "
                         "picks the algorithm (algorithm confusion)")

    def _from_token_endpoint(self, node: ast.Call) -> bool:
        """The token is one this code received in the response of its own request to the
        identity provider (OIDC Core 3.1.3.7: TLS stands in for the signature there)."""
        token = node.args[0] if node.args else keyword(node, "jwt") or keyword(node, "token")
        return token is not None and fetched_from_idp(self.ctx, token)

    def _peeks_metadata(self, node: ast.Call) -> bool:
        """`jwt.decode(t, options=...)["exp"]` / `.get("iss")`: reading when the token expires
        or who issued it (to pick a key) grants nothing by itself."""
        parent = self.ctx.semantic.parent(node)
        key = None
        if isinstance(parent, ast.Subscript) and parent.value is node:
            key = constant_str(parent.slice)
        elif isinstance(parent, ast.Attribute) and parent.attr == "get":
            call = self.ctx.semantic.parent(parent)
            if isinstance(call, ast.Call) and call.args:
                key = constant_str(call.args[0])
        return key in _METADATA_CLAIMS

    def _verified_elsewhere(self, node: ast.Call) -> bool:
        """Peeking at claims is fine when the token is verified in the same function: a
        decode with verification (after picking the key by `iss` / `kid`), a JWKS fetch, or
        the provider's userinfo / introspection endpoint accepting it."""
        function = self.ctx.semantic.enclosing_function(node)
        if function is None:
            return False
        for other in ast.walk(function):
            if other is node or not isinstance(other, ast.Call):
                continue
            func = other.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if _VERIFYING_CALL.search(name or ""):
                return True
            if self.ctx.qualified_name(func) in _DECODERS and keyword(other, "options") is None:
                return True
        return False

    def _report(self, node: ast.Call, what: str) -> None:
        self.report(node, f"`{self.ctx.source(node.func)}()` accepts forged tokens: {what}",
                    fix=verify_fix(self.ctx, node))


RULES = (JwtWithoutExpiry, JwtUnverified)
