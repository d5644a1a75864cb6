"""Fixes for BR204 (add `exp`) and BR205 (verify, pin the algorithm), written with the names
the module already has: its datetime imports, its signing key and algorithm constants.

Both are unsafe (ruff's sense): tokens start expiring, or tokens signed another way start
being refused.
"""

from __future__ import annotations

import ast
import re

from ..analysis.rewrite import (
    dict_with_key,
    import_edit,
    imported_name,
    replace_in,
    with_keyword,
    without_keyword,
)
from ..analysis.values import constant_str, keyword
from ..context import FileContext
from ..model import Edit, Fix

_EXPIRY_DESCRIPTION = ("Add a short expiry (access tokens: minutes) and check it on decode "
                       "(PyJWT and python-jose verify `exp` when present).")
_VERIFY_DESCRIPTION = "Verify the signature with the expected key and pin the algorithm."
# No key at the call: name where an issuer's key comes from, not just "the expected key".
_NO_KEY_DESCRIPTION = (
    "Verify the signature with the issuer's key and pin the algorithm: for an identity "
    "provider's token, the keys it publishes at the `jwks_uri` of its discovery document "
    "(`jwt.PyJWKClient(jwks_uri).get_signing_key_from_jwt(token).key`, `algorithms=[\"RS256\"]`, "
    "`audience=` the client id); for the application's own tokens, the secret it signs them "
    "with. A token this code fetched itself from the provider's token endpoint over TLS may "
    "be read unverified (OpenID Connect Core 3.1.3.7): then decode it where it is received.")

# Keys that are public halves of key pairs or come from a JWKS endpoint: an RSA signature.
_ASYMMETRIC_KEY = re.compile(r"jwk|public|pub_?key|rsa|pem|cert|signing_key|\.key\b",
                             re.IGNORECASE)
_EC_KEY = re.compile(r"(?:^|_)ec(?:_|$)|ecdsa|es256", re.IGNORECASE)
_KEY_NAME = re.compile(r"(?:secret|key)$", re.IGNORECASE)
_ALGORITHM_NAME = re.compile(r"alg(?:orithm)?s?$", re.IGNORECASE)


def _expiry(ctx: FileContext) -> tuple[str, list[Edit]]:
    """`datetime.now(timezone.utc) + timedelta(minutes=15)` as this module can spell it, and
    the import it needs when it has none."""
    names = {q: imported_name(ctx.tree, f"datetime.{q}")
             for q in ("datetime", "timezone", "timedelta")}
    missing = sorted(q for q, name in names.items() if name is None)
    if missing and any(n == "datetime" for n in _module_names(ctx)) and names[
            "datetime"] is None:
        return "", []  # `datetime` is the module here; a `from` import would shadow it
    edits: list[Edit] = []
    if missing:
        edit = import_edit(ctx.tree, f"from datetime import {', '.join(missing)}")
        if edit is None:
            return "", []
        edits.append(edit)
    spelled = {q: name or q for q, name in names.items()}
    return (f"{spelled['datetime']}.now({spelled['timezone']}.utc) + "
            f"{spelled['timedelta']}(minutes=15)"), edits


def _module_names(ctx: FileContext) -> set[str]:
    out: set[str] = set()
    for stmt in ctx.tree.body:
        if isinstance(stmt, ast.Import):
            out |= {(a.asname or a.name).split(".")[0] for a in stmt.names}
    return out


def expiry_fix(ctx: FileContext, payload: ast.AST) -> Fix:
    """Add `"exp"` to the payload dict, where it is written (in the call, or the one dict a
    local name is bound to)."""
    value, imports = _expiry(ctx)
    target = payload
    if isinstance(payload, ast.Name):
        bindings = ctx.reaching_bindings(payload)
        target = bindings[0].value if len(bindings) == 1 and bindings[0].value else payload
    if not value or not isinstance(target, ast.Dict):
        shown = ctx.source(payload)
        code = f'{shown}["exp"] = {value}' if value and isinstance(payload, ast.Name) else None
        return Fix(_EXPIRY_DESCRIPTION, code, safe=False)
    rewritten = dict_with_key(ctx.source(target), "exp", value)
    if rewritten is None:
        return Fix(_EXPIRY_DESCRIPTION, safe=False)
    return Fix(_EXPIRY_DESCRIPTION, rewritten,
               edits=(*imports, Edit(ctx.span_of(target), rewritten)), safe=False)


def _project_algorithm(ctx: FileContext) -> tuple[str | None, str | None]:
    """(how to spell the algorithm list, the algorithm) from what the module signs with or
    declares: `jwt.encode(..., algorithm=ALGORITHM)` or `ALGORITHM = "HS256"`."""
    for stmt in ctx.tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(
                stmt.targets[0], ast.Name) and _ALGORITHM_NAME.search(stmt.targets[0].id):
            value = constant_str(stmt.value)
            if value:
                return f"[{stmt.targets[0].id}]", value
    for node in ast.walk(ctx.tree):
        if isinstance(node, ast.Call) and (ctx.qualified_name(node.func) or "").endswith(
                "jwt.encode"):
            algorithm = keyword(node, "algorithm")
            value = constant_str(algorithm)
            if value:
                return f'["{value}"]', value
            if isinstance(algorithm, ast.Name):
                return f"[{algorithm.id}]", None
    return None, None


def algorithms_for(ctx: FileContext, key: ast.AST | None, module_key: str = "") -> str:
    """The algorithm list the key type implies: RS256 for JWKS / public keys, ES256 for EC
    keys, otherwise what the module signs with, HS256 for a shared secret."""
    spelled, declared = _project_algorithm(ctx)
    if key is not None:
        text = ctx.source(key)
        if isinstance(key, ast.Name):  # where the key comes from says what it is
            text += " ".join(ctx.source(b.value) for b in ctx.reaching_bindings(key)
                             if b.value is not None)
        asymmetric = bool(_ASYMMETRIC_KEY.search(text))
    else:
        text = module_key
        asymmetric = bool(_ASYMMETRIC_KEY.search(text)) if text else (
            "jwks" in ctx.text.lower() and not (declared or "").startswith("HS"))
    if asymmetric:
        family = "ES" if _EC_KEY.search(text) else "RS"
        if declared and declared.startswith(family):
            return spelled or f'["{declared}"]'
        return f'["{family}256"]'
    if _EC_KEY.search(text):
        return '["ES256"]'
    if declared and not declared.startswith("HS"):
        return '["HS256"]'  # a shared secret cannot verify the module's RS/ES tokens
    return spelled or '["HS256"]'


def _module_key(ctx: FileContext) -> tuple[str, str] | None:
    """A module-level signing key (`SECRET_KEY = ...`, `PUBLIC_KEY = ...`): its name and the
    text of its value."""
    for stmt in ctx.tree.body:
        if isinstance(stmt, ast.Assign | ast.AnnAssign):
            target = stmt.targets[0] if isinstance(stmt, ast.Assign) else stmt.target
            if isinstance(target, ast.Name) and _KEY_NAME.search(target.id) and not (
                    _names_itself(target.id, stmt.value)):
                value = ctx.source(stmt.value) if stmt.value is not None else ""
                return target.id, f"{target.id} {value}"
    return None


def _names_itself(name: str, value: ast.AST | None) -> bool:
    """`_SERVER_USER_HASH_KEY = 'server_user_hash'`: a constant whose string spells its own
    name (less the `_KEY`) is the name of a key in a config or a dict, not key material;
    verifying a signature with it would reject every token."""
    text = constant_str(value) if value is not None else None
    stem = re.sub(r"_?(key|secret)$", "", name.strip("_"), flags=re.IGNORECASE).lower()
    return text is not None and bool(stem) and text.lower().replace("-", "_") == stem


# What a function or a local says when the decode is unverified on purpose: it reads the
# claims to route (pick the key, the issuer, the validation path) or of tokens it does not
# trust (an expired one's subject), and says so.
_UNVERIFIED_NAME = re.compile(r"unverified|insecure|peek|routing", re.IGNORECASE)
# A function named for what it returns (`get_unverified_claims`, `decode_unverified`), not
# one that merely has the word (a test's `jose_unverified`).
_UNVERIFIED_FUNCTION = re.compile(
    r"unverified_(?:claims|payload|header|token|jwt)|(?:decode|read|peek)_(?:unverified|"
    r"insecure)|(?:^|_)peek(?:_|$)|routing", re.IGNORECASE)
_UNVERIFIED_WORDS = re.compile(
    r"unverified|without (?:signature )?verif|(?:signature|token) is (?:intentionally |"
    r"deliberately )?not verified|not verif(?:y|ied) the signature|for (?:lightweight )?routing",
    re.IGNORECASE)


def _deliberately_unverified(ctx: FileContext, call: ast.Call) -> str | None:
    """Where the code says this decode is unverified on purpose: the local it binds, the
    function's name or its docstring."""
    parent = ctx.semantic.parent(call)
    if isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(
            parent.targets[0], ast.Name) and _UNVERIFIED_NAME.search(parent.targets[0].id):
        return f"it binds `{parent.targets[0].id}`"
    function = ctx.semantic.enclosing_function(call)
    if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
        return None
    if _UNVERIFIED_FUNCTION.search(function.name):
        return f"its function is `{function.name}`"
    docstring = ast.get_docstring(function) or ""
    if _UNVERIFIED_WORDS.search(docstring):
        return f"the docstring of `{function.name}` says so"
    return None


def verify_fix(ctx: FileContext, call: ast.Call) -> Fix:
    """Drop what turns verification off and pin the algorithm list the key implies; or, for
    a decode the code says is unverified on purpose, words: verifying it there would refuse
    the tokens it exists to read, and what matters is that none of its claims grants
    anything."""
    deliberate = _deliberately_unverified(ctx, call)
    if deliberate is not None:
        return Fix(f"This decode is unverified on purpose ({deliberate}): verifying it here "
                   f"would refuse the tokens it exists to read (to pick the key, the issuer or "
                   f"the validation path, or to read a token it does not trust). Keep it, and "
                   f"make sure no claim read from it decides access: use it only to choose how "
                   f"to verify, and trust a claim only after the token is verified on the path "
                   f"it picks (a decode with the issuer's key and a pinned algorithm).",
                   safe=False)
    func = ctx.source(call.func)
    key = call.args[1] if len(call.args) > 1 else keyword(call, "key")
    module_key = _module_key(ctx) if key is None else None
    algorithms = algorithms_for(ctx, key, module_key[1] if module_key else "")
    token = ctx.source(call.args[0]) if call.args else "token"
    key_text = ctx.source(key) if key is not None else (module_key[0] if module_key else None)
    suggestion = f"{func}({token}, {key_text}, algorithms={algorithms})" if key_text and len(
        token) <= 30 else None
    if key is None:
        return Fix(_VERIFY_DESCRIPTION if key_text else _NO_KEY_DESCRIPTION, suggestion,
                   safe=False)
    source = ctx.source(call)
    positional = call.args[2] if len(call.args) > 2 else None
    listed = keyword(call, "algorithms") or positional
    rewritten: str | None = source
    if isinstance(listed, ast.List | ast.Tuple):
        kept = [e for e in listed.elts if (constant_str(e) or "").lower() != "none"]
        new_list = "[" + ", ".join(ctx.source(e) for e in kept) + "]" if kept else algorithms
        rewritten = _replace_node(ctx, call, listed, new_list)
    elif listed is None:
        rewritten = with_keyword(source, "algorithms", algorithms)
    rewritten = _without_verify_off(ctx, call, rewritten)
    if rewritten is None or rewritten == source:
        return Fix(_VERIFY_DESCRIPTION, suggestion, safe=False)
    return Fix(_VERIFY_DESCRIPTION, rewritten, edits=(Edit(ctx.span_of(call), rewritten),),
               safe=False)


def _replace_node(ctx: FileContext, call: ast.Call, node: ast.AST, text: str) -> str | None:
    return replace_in(ctx.source(call), ctx.source(node), text)


def _without_verify_off(ctx: FileContext, call: ast.Call, source: str | None) -> str | None:
    """Remove `verify=False` and an `options` dict whose only entry turns verification off."""
    if source is None:
        return None
    verify = keyword(call, "verify")
    if isinstance(verify, ast.Constant) and verify.value is False:
        source = without_keyword(source, "verify")
    options = keyword(call, "options")
    if isinstance(options, ast.Dict) and source is not None:
        entries = [constant_str(k) for k in options.keys]
        if entries == ["verify_signature"]:
            return without_keyword(source, "options")
        if "verify_signature" in entries:
            return None  # other options stay; a person removes the one entry
    return source
