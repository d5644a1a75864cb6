"""A small intra-procedural value tracker for the security rules.

It answers two questions about an expression inside one function, following local variables
through `semantic.reaching_bindings`:

- Is this a *plaintext password* and where did it come from: request data (Flask
  `request.form/json/args`, Django `request.POST/data`, a FastAPI / pydantic body parameter's
  field, DRF `validated_data`, a form's `cleaned_data` / WTForms field), or a function
  parameter named like a password? Values that went through any other call (a hasher, a
  generator, a lookup) are not plaintext as far as this tracker knows: precision first.
- Did a value pass a recognised password hasher (bcrypt, argon2-cffi, passlib, pwdlib,
  werkzeug.security, django.contrib.auth.hashers, hashlib.scrypt / pbkdf2_hmac)?
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass

from ..context import FileContext

# A password-like name ends with the password word: password, new_password, passwd, pwd,
# password2, plain_pw. Names that say they hold a hash or something about the password
# (password_hash, hashed_password, password_reset_token, password_changed_at) do not match.
_PASSWORD_WORD = re.compile(r"(?:^|_)(?:password|passwd|passwort|pwd|pw|passphrase|pass_word)\d*$")
_HASHED_PREFIX = re.compile(
    r"(?:^|_)(?:hash|hashed|encrypted|crypted|encoded|enc|digest|salted|hash_of|sha\d*|md5)_"
    # Flags and settings about a password, not the password: has_password, min_password
    r"|^(?:has|is|needs?|requires?|must|use|uses|show|allow|can|should|with|no|min|max|len"
    r"|length|set|reset|forgot|change)_")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def snake(name: str) -> str:
    return _CAMEL.sub("_", name).lower()


def is_password_name(name: str | None) -> bool:
    if not name:
        return False
    name = snake(name.strip("_"))
    return bool(_PASSWORD_WORD.search(name)) and not _HASHED_PREFIX.search(name)


# What every name `is_password_name` accepts contains, lower-cased: `snake()` only inserts
# underscores before capitals, so "password", "passwd", "passwort" show "passw", "pwd" and
# "pw" show "pw", and "passphrase" / "pass_word" show themselves.
_PASSWORD_MARKS = ("pw", "passw", "passphrase", "pass_word")


def may_name_password(ctx: FileContext) -> bool:
    """Whether any name or string constant of the file could be one `is_password_name`
    accepts. False is exact: an ASCII identifier is spelled in the text as the parser reads
    it, and string constants are read as parsed (escapes, implicit concatenation); in a file
    with non-ASCII text the parsed (NFKC-normalised) identifiers are read too. Answered once
    per file."""
    found = getattr(ctx, "_may_name_password", None)
    if found is None:
        found = _names_password(ctx)
        ctx._may_name_password = found  # type: ignore[attr-defined]
    return found


def _names_password(ctx: FileContext) -> bool:
    text = ctx.text
    if _marked(text):
        return True
    nodes = ctx.semantic.nodes
    constant = ast.Constant
    # The string constants as parsed, in one string (a separator no mark contains).
    strings = "\n".join(value for value in [n.value for n in nodes  # type: ignore[attr-defined]
                                             if type(n) is constant] if type(value) is str)
    if _marked(strings):
        return True
    if text.isascii():
        return False
    named = _NAMED_NODES
    return _marked("\n".join(getattr(node, field, None) or "" for node in nodes
                             for field in named.get(type(node), ())))


def _marked(text: str) -> bool:
    lowered = text.lower()
    return any(mark in lowered for mark in _PASSWORD_MARKS)


# The nodes that carry identifiers, and their fields.
_NAMED_NODES: dict[type, tuple[str, ...]] = {
    ast.Name: ("id",), ast.Attribute: ("attr",), ast.keyword: ("arg",), ast.arg: ("arg",),
    ast.FunctionDef: ("name",), ast.AsyncFunctionDef: ("name",), ast.ClassDef: ("name",),
    ast.alias: ("name", "asname"),
}


# Containers of request data, by qualified name (Flask's global request).
_FLASK_REQUEST_DATA = frozenset({
    "flask.request.form", "flask.request.json", "flask.request.args", "flask.request.values",
    "flask.request.get_json", "flask.request.data", "quart.request.form", "quart.request.json",
    "quart.request.get_json",
})
# Attributes of a request object (Django, DRF, Starlette, aiohttp) that carry client data.
_REQUEST_ATTRS = frozenset({"POST", "GET", "data", "query_params", "json", "form", "args",
                            "values", "get_json", "post", "body", "query", "match_info"})
_VALIDATED = frozenset({"validated_data", "cleaned_data", "initial_data"})
# Calls that leave a plaintext password plaintext.
_PRESERVING_METHODS = frozenset({"strip", "encode", "decode", "rstrip", "lstrip"})
_PRESERVING_FUNCS = frozenset({"builtins.str", "builtins.bytes"})

# Recognised password hashers, by qualified name (functions) or by method name on an
# object built from one of the classes below.
HASHER_FUNCTIONS = frozenset({
    "bcrypt.hashpw", "bcrypt.kdf", "werkzeug.security.generate_password_hash",
    "werkzeug.generate_password_hash", "django.contrib.auth.hashers.make_password",
    "hashlib.scrypt", "hashlib.pbkdf2_hmac", "argon2.hash_password",
    "argon2.low_level.hash_secret", "passlib.hash.bcrypt.hash", "passlib.hash.argon2.hash",
    "passlib.hash.pbkdf2_sha256.hash", "passlib.hash.sha512_crypt.hash",
    "passlib.hash.bcrypt_sha256.hash", "passlib.hash.scrypt.hash",
    "flask_bcrypt.generate_password_hash",
})
HASHER_CLASSES = frozenset({
    "argon2.PasswordHasher", "passlib.context.CryptContext", "passlib.apps.custom_app_context",
    "pwdlib.PasswordHash", "pwdlib.PasswordHash.recommended", "flask_bcrypt.Bcrypt",
})


@dataclass(frozen=True)
class Origin:
    """Where a plaintext password came from."""

    kind: str  # request | parameter | body-field | form
    text: str  # how a message names it: "request.POST['password']", "parameter `password`"
    node: ast.AST


def constant_str(expr: ast.AST | None) -> str | None:
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return expr.value
    return None


_RAW_PASSWORD_FUNCTION = re.compile(
    r"register|sign_?up|sign_?in|log_?in|authenticate|^(?:set|change|reset|update)_password$"
    r"|^create_(?:user|account|admin|superuser)$", re.IGNORECASE)
_INPUT_CLASS = re.compile(r"(?:Create|Creation|In|Input|Request|Form|Register|Registration"
                          r"|Signup|SignUp|Login|Payload|Body|Update|Credentials|Params)$")


class ValueTracker:
    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        # Set by the password rules: tells whether a class is an ORM model.
        self.is_model_class: Callable[[ast.ClassDef], bool] | None = None
        # request_data's answer for a name, by (node id, depth): the values a local was
        # assigned are followed again for every use of it (BR101 asks of every argument).
        # The entry holds the node, so its id cannot be reused while the entry lives.
        self._name_data: dict[tuple[int, int], tuple[ast.Name, str | None]] = {}

    # -- request data ----------------------------------------------------------------------
    def request_data(self, expr: ast.AST, depth: int = 0) -> str | None:
        """A short name of the client-data container `expr` is, or None."""
        if depth > 4:
            return None
        if isinstance(expr, ast.Await):
            return self.request_data(expr.value, depth + 1)
        if isinstance(expr, ast.Call):
            if self._is_reqparse(expr):
                return f"{self.ctx.source(expr.func)}()"
            # request.get_json(), await request.json(), await request.post(), request.form()
            return self.request_data(expr.func, depth + 1)
        qualified = self.ctx.qualified_name(expr)
        if qualified in _FLASK_REQUEST_DATA:
            return qualified.split(".", 1)[1]
        if isinstance(expr, ast.Attribute):
            if expr.attr in _VALIDATED:
                return f"{self.ctx.source(expr)}"
            if expr.attr in _REQUEST_ATTRS and self._is_request_object(expr.value):
                return self.ctx.source(expr)
            return None
        if isinstance(expr, ast.Name):
            if expr.id in _VALIDATED or self._serializer_validate_input(expr):
                return expr.id
            key = (id(expr), depth)
            known = self._name_data.get(key)
            if known is not None and known[0] is expr:
                return known[1]
            found = None
            for binding in self.ctx.reaching_bindings(expr):
                if binding.kind in ("assign", "annassign") and binding.value is not None:
                    found = self.request_data(binding.value, depth + 1)
                    if found:
                        break
            self._name_data[key] = (expr, found or None)
            return found or None
        return None

    def _serializer_validate_input(self, name: ast.Name) -> bool:
        """`def validate(self, attrs)` of a DRF serializer: `attrs` is the client's data."""
        function = self.ctx.semantic.enclosing_function(name)
        if function is None or function.name != "validate":
            return False
        params = [a.arg for a in function.args.args]
        if len(params) != 2 or params[1] != name.id:
            return False
        cls = self.ctx.semantic.enclosing_class(function)
        return cls is not None and any(self.ctx.source(b).endswith("Serializer")
                                       for b in cls.bases)

    def _is_reqparse(self, call: ast.Call) -> bool:
        """`parser.parse_args()` of Flask-RESTful / Flask-RESTX reqparse: the request's fields.
        argparse has the same method, so the file must use a reqparse library."""
        return isinstance(call.func, ast.Attribute) and call.func.attr == "parse_args" and any(
            self.ctx.semantic.is_imported(m) for m in ("flask_restful", "flask_restx",
                                                       "flask_restplus"))

    def _is_request_object(self, expr: ast.AST) -> bool:
        qualified = self.ctx.qualified_name(expr)
        if qualified in ("flask.request", "quart.request"):
            return True
        if isinstance(expr, ast.Attribute):
            return expr.attr == "request" and isinstance(expr.value, ast.Name) and (
                expr.value.id == "self")
        if not isinstance(expr, ast.Name) or expr.id not in ("request", "req"):
            return False
        bindings = self.ctx.reaching_bindings(expr)
        return any(b.kind == "param" for b in bindings)

    # -- plaintext passwords ---------------------------------------------------------------
    def plaintext_password(self, expr: ast.AST, depth: int = 0) -> Origin | None:
        """The origin of `expr` when it is a client-supplied or parameter password that has
        not been hashed; None when unknown or not a password."""
        if depth > 6:
            return None
        if isinstance(expr, ast.Call):
            func = expr.func
            if isinstance(func, ast.Attribute) and func.attr in _PRESERVING_METHODS:
                return self.plaintext_password(func.value, depth + 1)
            if isinstance(func, ast.Attribute) and func.attr == "get" and expr.args:
                key = constant_str(expr.args[0])
                if is_password_name(key):
                    container = self.request_data(func.value)
                    if container:
                        return Origin("request", f"{container}.get({key!r})", expr)
                return None
            if self.ctx.qualified_name(func) in _PRESERVING_FUNCS and len(expr.args) == 1:
                return self.plaintext_password(expr.args[0], depth + 1)
            return None
        if isinstance(expr, ast.Subscript):
            key = constant_str(expr.slice)
            if is_password_name(key):
                container = self.request_data(expr.value)
                if container:
                    return Origin("request", f"{container}[{key!r}]", expr)
            return None
        if isinstance(expr, ast.Attribute):
            # WTForms: form.password.data
            if expr.attr == "data" and isinstance(expr.value, ast.Attribute) and (
                    is_password_name(expr.value.attr)):
                return Origin("form", self.ctx.source(expr), expr)
            if is_password_name(expr.attr) and isinstance(expr.value, ast.Name) and (
                    self.is_body_parameter(expr.value)):
                return Origin("body-field", self.ctx.source(expr), expr)
            return None
        if isinstance(expr, ast.Name):
            bindings = self.ctx.reaching_bindings(expr)
            if not bindings:
                return None
            origins: list[Origin] = []
            for binding in bindings:
                if binding.kind == "param":
                    if not is_password_name(expr.id) or (binding.value is not None and not (
                            isinstance(binding.value, ast.Constant)
                            and binding.value.value is None)):
                        return None
                    if not self._receives_raw_password(expr):
                        return None
                    origins.append(Origin("parameter", f"parameter `{expr.id}`", binding.node))
                elif binding.kind in ("assign", "annassign") and binding.value is not None:
                    found = self.plaintext_password(binding.value, depth + 1)
                    if found is None:
                        return None  # one path hashes it or we cannot tell: stay silent
                    origins.append(found)
                else:
                    return None
            return origins[0] if origins else None
        return None

    def _receives_raw_password(self, at: ast.AST) -> bool:
        """Whether a function's password parameter holds what the user typed. A helper named
        `insert_auth(email, password)` is often handed a hash by its callers, so only route
        handlers, methods of model classes, and functions named for the act (register,
        login, set_password...) count."""
        function = self.ctx.semantic.enclosing_function(at)
        if function is None:
            return False
        if _RAW_PASSWORD_FUNCTION.search(function.name):
            return True
        from .handlers import is_route_handler

        if is_route_handler(self.ctx, function):
            return True
        cls = self.ctx.semantic.enclosing_class(function)
        return cls is not None and self.ctx.semantic.parent(function) is cls and (
            self.is_model_class is not None and self.is_model_class(cls))

    def is_body_parameter(self, name: ast.Name) -> bool:
        """`user_in` in `def register(user_in: UserCreate)`: a parameter typed with a class
        (a pydantic model, a dataclass, a form), whose fields are client data."""
        for binding in self.ctx.reaching_bindings(name):
            if binding.kind != "param" or binding.annotation is None:
                continue
            annotation = binding.annotation
            if isinstance(annotation, ast.Subscript):  # Annotated[UserCreate, Body()]
                inner = annotation.slice
                annotation = inner.elts[0] if isinstance(inner, ast.Tuple) else inner
            if isinstance(annotation, ast.Name | ast.Attribute):
                qualified = self.ctx.qualified_name(annotation) or ""
                last = annotation.attr if isinstance(annotation, ast.Attribute) else annotation.id
                if qualified.startswith(("builtins.", "typing.")) or not last[:1].isupper():
                    continue
                if last in ("Request", "HttpRequest", "WebSocket", "Any", "Session"):
                    continue
                # A body model of a route, or a class named as client input (UserCreate,
                # SignupForm, LoginRequest); not a row model handed around (AuthModel).
                if _INPUT_CLASS.search(last):
                    return True
                function = self.ctx.semantic.enclosing_function(name)
                from .handlers import is_route_handler

                if function is not None and is_route_handler(self.ctx, function):
                    return True
        return False

    # -- values that mention a password (for weak hashing) ---------------------------------
    def password_in(self, expr: ast.AST, depth: int = 0) -> str | None:
        """The password-like name `expr` contains (directly, through `.encode()`, a salt
        concatenation, an f-string, or a local variable), or None."""
        if depth > 5:
            return None
        if isinstance(expr, ast.Name):
            if is_password_name(expr.id):
                return expr.id
            for binding in self.ctx.reaching_bindings(expr):
                if binding.kind in ("assign", "annassign") and binding.value is not None:
                    found = self.password_in(binding.value, depth + 1)
                    if found:
                        return found
            return None
        if isinstance(expr, ast.Attribute):
            if is_password_name(expr.attr):
                return self.ctx.source(expr)
            if expr.attr == "data" and isinstance(expr.value, ast.Attribute):
                return self.password_in(expr.value, depth + 1)
            return None
        if isinstance(expr, ast.Subscript):
            key = constant_str(expr.slice)
            return self.ctx.source(expr) if is_password_name(key) else None
        if isinstance(expr, ast.Call):
            func = expr.func
            if isinstance(func, ast.Attribute) and func.attr in _PRESERVING_METHODS | {
                    "get", "format", "join", "lower", "upper"}:
                if func.attr == "get" and expr.args:
                    key = constant_str(expr.args[0])
                    return self.ctx.source(expr) if is_password_name(key) else None
                for part in [func.value, *expr.args]:
                    found = self.password_in(part, depth + 1)
                    if found:
                        return found
                return None
            if self.ctx.qualified_name(func) in ("builtins.str", "builtins.bytes") and expr.args:
                return self.password_in(expr.args[0], depth + 1)
            return None
        if isinstance(expr, ast.BinOp):
            return self.password_in(expr.left, depth + 1) or self.password_in(expr.right,
                                                                               depth + 1)
        if isinstance(expr, ast.JoinedStr):
            for value in expr.values:
                if isinstance(value, ast.FormattedValue):
                    found = self.password_in(value.value, depth + 1)
                    if found:
                        return found
        return None

    # -- hashers ---------------------------------------------------------------------------
    def is_hasher_call(self, call: ast.AST) -> bool:
        if not isinstance(call, ast.Call):
            return False
        qualified = self.ctx.qualified_name(call.func)
        if qualified in HASHER_FUNCTIONS:
            return True
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in ("hash", "encrypt", "make"):
            return self.hasher_object(func.value) is not None
        return False

    def hasher_object(self, expr: ast.AST) -> str | None:
        """The hasher class an object was built from (`pwd_context = CryptContext(...)`)."""
        if isinstance(expr, ast.Call):
            qualified = self.ctx.qualified_name(expr.func)
            return qualified if qualified in HASHER_CLASSES else None
        qualified = self.ctx.qualified_name(expr)
        if qualified in HASHER_CLASSES:
            return qualified
        if isinstance(expr, ast.Name):
            for binding in self.ctx.reaching_bindings(expr):
                if binding.value is not None and binding.kind in ("assign", "annassign"):
                    found = self.hasher_object(binding.value)
                    if found:
                        return found
        return None

    # -- constants -------------------------------------------------------------------------
    def int_value(self, expr: ast.AST | None, depth: int = 0) -> int | None:
        """An int literal, `10 ** 5`, `100_000`, or a name bound once to one."""
        if expr is None or depth > 3:
            return None
        if isinstance(expr, ast.Constant) and type(expr.value) is int:
            return expr.value
        if isinstance(expr, ast.BinOp):
            left = self.int_value(expr.left, depth + 1)
            right = self.int_value(expr.right, depth + 1)
            if left is None or right is None:
                return None
            if isinstance(expr.op, ast.Mult):
                return left * right
            if isinstance(expr.op, ast.Pow) and 0 <= right < 64:
                return left ** right
            if isinstance(expr.op, ast.LShift) and 0 <= right < 64:
                return left << right
            return None
        if isinstance(expr, ast.Name):
            bindings = self.ctx.reaching_bindings(expr)
            if len(bindings) == 1 and bindings[0].kind in ("assign", "annassign"):
                return self.int_value(bindings[0].value, depth + 1)
        return None

    def str_value(self, expr: ast.AST | None, depth: int = 0) -> str | None:
        if expr is None or depth > 3:
            return None
        text = constant_str(expr)
        if text is not None:
            return text
        if isinstance(expr, ast.Name):
            bindings = self.ctx.reaching_bindings(expr)
            if len(bindings) == 1 and bindings[0].kind in ("assign", "annassign"):
                return self.str_value(bindings[0].value, depth + 1)
        return None


def written_name(target: ast.AST) -> str | None:
    """The name an assignment writes: `x`, `user.password`, `row["password"]`."""
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute):
        return target.attr
    if isinstance(target, ast.Subscript):
        return constant_str(target.slice)
    return None


def keyword(call: ast.Call, name: str) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    return None


def argument(call: ast.Call, index: int, name: str) -> ast.expr | None:
    if len(call.args) > index and not isinstance(call.args[index], ast.Starred):
        return call.args[index]
    return keyword(call, name)


def tracker_for(ctx: FileContext) -> ValueTracker:
    """One tracker per file, shared by the rules that use it."""
    tracker = getattr(ctx, "_value_tracker", None)
    if tracker is None:
        tracker = ValueTracker(ctx)
        ctx._value_tracker = tracker  # type: ignore[attr-defined]
    return tracker


# -- literal tables: a value computed from literal rows ---------------------------------------
class UnknownValue(Exception):
    """A value `table_value` cannot tell from the literals and the names it was given."""


def table_value(node: ast.AST, env: dict[str, object]) -> object:
    """The value of an expression over a row of a literal table, the one evaluator of the
    route readers that expand "a route per row" (frameworks/django_loops: a module-level loop
    over literal dicts; frameworks/module_tables: rows of dicts naming a module with
    `__name__`; frameworks/looped_routes: rows of tuples). It knows only what such rows
    need: literals, the names `env` binds (the row, the locals assigned from it),
    `row["k"]` / `row[0]`, `.get("k")` / `.pop("k")` of a dict, `"k" in row`, `+` of strings
    and `str.format(**row)`. Raises UnknownValue for anything else."""
    try:
        return _table_value(node, env, 0)
    except TypeError:
        # an unhashable key (`row[[1]]`, `[1] in row`): no value, as for anything unknown
        raise UnknownValue from None


def table_string(node: ast.AST, env: dict[str, object]) -> str | None:
    """`table_value` when it is a string; None for any other value or an unknown one."""
    try:
        value = table_value(node, env)
    except UnknownValue:
        return None
    return value if isinstance(value, str) else None


# Written tables nest a few levels; a `+` chain of a thousand literals must not exhaust the
# stack (a RecursionError would fail the whole route collector for the file).
_TABLE_DEPTH = 64


def _table_value(node: ast.AST, env: dict[str, object], depth: int) -> object:
    if depth > _TABLE_DEPTH:
        raise UnknownValue
    depth += 1
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        if node.id in env:
            return env[node.id]
        raise UnknownValue
    if isinstance(node, ast.Subscript):
        base, key = _table_value(node.value, env, depth), _table_value(node.slice, env, depth)
        if isinstance(base, dict) and key in base:
            return base[key]
        if isinstance(base, tuple | list) and type(key) is int and -len(base) <= key < len(base):
            return base[key]
        raise UnknownValue
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _table_value(node.left, env, depth), _table_value(node.right, env, depth)
        if isinstance(left, str) and isinstance(right, str):
            return left + right
        raise UnknownValue
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(
            node.ops[0], ast.In | ast.NotIn):
        container = _table_value(node.comparators[0], env, depth)
        if not isinstance(container, dict):
            raise UnknownValue
        found = _table_value(node.left, env, depth) in container
        return found if isinstance(node.ops[0], ast.In) else not found
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return _method_value(node, node.func.attr, _table_value(node.func.value, env, depth), env,
                             depth)
    raise UnknownValue


def _method_value(call: ast.Call, attr: str, base: object, env: dict[str, object],
                  depth: int) -> object:
    if isinstance(base, dict) and attr in ("get", "pop") and len(call.args) in (1, 2) \
            and not call.keywords:
        key = _table_value(call.args[0], env, depth)
        default = _table_value(call.args[1], env, depth) if len(call.args) == 2 else None
        if key not in base and len(call.args) == 1:
            raise UnknownValue
        return base.pop(key, default) if attr == "pop" else base.get(key, default)
    if isinstance(base, str) and attr == "format" and not call.args and all(
            k.arg is None for k in call.keywords):
        values: dict[str, object] = {}
        for k in call.keywords:
            mapping = _table_value(k.value, env, depth)
            if not isinstance(mapping, dict):
                raise UnknownValue
            values.update(mapping)
        try:
            return base.format(**values)
        except (KeyError, IndexError, ValueError):
            raise UnknownValue from None
    raise UnknownValue
