"""BR403 secret-in-log: a password, token or key written to a log (CWE-532).

A logging call (logging, structlog, loguru, a module logger) or `print` whose arguments carry
a value named like a password (password, passwd, new_password...) or a credential
(access_token, refresh_token, api_key, client_secret, private_key...), directly, in an
f-string, `%` / `.format()` arguments or `str()`. Values that went through another call
(`len(password)`, `mask(token)`) and names that say they hold a hash are not reported, nor
are names that only appear inside the message text.

Two calls look like logging and are not: building a logging handler or formatter
(`SMTPHandler(..., credentials=(user, password))` logs in to the mail server, it writes no
record), and `print` in command-line code (a `commands/` or `cli/` package, `cli.py`,
`manage.py`, `scripts/`) or outside any function (a script's top-level code, run by
whoever executes the file): there stdout is the operator's terminal, which shows them the
token the command was run to create. Logger calls there still count: their records are kept.
"""

from __future__ import annotations

import ast
import re

from ..analysis.handlers import is_logging_call
from ..analysis.paths import is_test_path
from ..analysis.values import constant_str, is_password_name, snake
from ..model import Fix
from .base import Rule
from .confidence import script_reason

_CREDENTIAL = re.compile(
    r"(?:^|_)(?:access_token|refresh_token|id_token|auth_token|api_token|bearer_token"
    r"|session_token|jwt|api_key|apikey|secret_key|client_secret|private_key|signing_key"
    r"|passphrase|secret_values?)$")
_BARE_SECRET_NAMES = frozenset({"token", "secret", "jwt_token", "auth"})
# Request headers that carry the caller's credential as they are.
_SECRET_HEADER = re.compile(r"^(?:proxy-)?authorization$|^x-(?:api|auth|access)-(?:key|token)$"
                            r"|^api-key$|^cookie$", re.I)
_MINTS_TOKEN = re.compile(r"^(?:create|issue|generate|make|mint|sign|encode|new)_\w*"
                          r"(?:token|jwt|secret)$|^token_(?:urlsafe|hex|bytes)$")
_TEXT_CALLS = frozenset({"builtins.str", "builtins.repr", "builtins.format", "json.dumps"})
# Methods that give the secret back in another form (`header.split(" ")[1]`, the bearer
# token; `key.get_secret_value()`, a pydantic SecretStr revealed): still the secret.
_SAME_TEXT_METHODS = frozenset({"format", "join", "split", "rsplit", "partition",
                                "rpartition", "strip", "lstrip", "rstrip", "replace",
                                "removeprefix", "removesuffix", "encode", "decode", "lower",
                                "upper", "get_secret_value"})
# Of these, the methods whose arguments do not reach the text they return (`strip(chars)`,
# `split(sep)`, `removeprefix(p)`): a secret passed there is taken out, not logged.
_ARGS_TAKEN_OUT = frozenset({"split", "rsplit", "strip", "lstrip", "rstrip", "removeprefix",
                             "removesuffix", "encode", "decode"})
# Receivers whose UPPER_CASE attributes are configured values, not constants of the code:
# `settings.SECRET_KEY`, `app.config.API_KEY`.
_CONFIG_OBJECTS = frozenset({"settings", "config", "conf", "cfg", "options"})


_COMMAND_PACKAGE = frozenset({"commands", "cli"})


def _command_line(path: str) -> bool:
    """Command-line code, whose stdout is the operator's terminal."""
    parts = path.replace("\\", "/").lower().split("/")
    return bool(script_reason(path)) or bool(set(parts[:-1]) & _COMMAND_PACKAGE)


def is_secret_name(name: str | None) -> bool:
    if not name:
        return False
    return is_password_name(name) or (bool(_CREDENTIAL.search(snake(name.strip("_")))) and (
        "hash" not in name.lower()))


class SecretInLog(Rule):
    id = "BR403"

    def visit_Call(self, node: ast.Call) -> None:
        if is_test_path(self.ctx.policy_path) or not is_logging_call(self.ctx, node):
            return
        qualified = self.ctx.qualified_name(node.func) or ""
        if qualified.startswith(("warnings.", "traceback.")):
            return
        if qualified.startswith("logging.") and qualified.rsplit(".", 1)[-1][:1].isupper():
            return  # a Handler / Formatter being built: configuration, not a record
        if qualified == "builtins.print" and (_command_line(self.ctx.policy_path) or (
                self.ctx.semantic.enclosing_function(node) is None)
                or self._in_command(node)):
            return  # the operator's terminal: a command, or a script's top-level code
        for arg in [*node.args, *(k.value for k in node.keywords
                                  if k.arg not in ("exc_info", "stack_info", "stacklevel"))]:
            found = self._secret_in(arg) or self._keyed_secret(node, arg)
            if found:
                generated = self._generated_here(arg, found)
                shown = None if generated else self._shown_elsewhere(node, found)
                if shown is not None:
                    fix = Fix(
                        f"The same function also shows `{found}` to the user (line {shown}): "
                        f"this log line is the fallback by which they receive it, so redacting "
                        f"it would lose the secret. Write it to the command's own output "
                        f"(print(), the console) instead of the log, and log only that it was "
                        f"created.")
                elif generated and qualified == "builtins.print":
                    fix = _GENERATED_PRINT_FIX
                elif generated:
                    fix = _GENERATED_FIX
                else:
                    # Every secret of the call: leaving a second one in (the value read back
                    # beside the value written) leaves the leak.
                    every = self._every_secret(node)
                    fix = Fix(
                        "Log an identifier (the user id, the key's last 4 characters) instead "
                        f"of the secret{'s' if len(every) > 1 else ''}.",
                        f"{self.ctx.source(node.func)}(...)  # without {', '.join(every)}")
                self.report(node, f"`{found}` is written to the log by "
                            f"`{self.ctx.source(node.func)}()`: logs are kept, shipped and "
                            f"read far more widely than the secret should be", fix=fix)
                return

    def _every_secret(self, node: ast.Call) -> list[str]:
        """The secrets each argument of the logging call carries, in order, once each."""
        out: list[str] = []
        for arg in [*node.args, *(k.value for k in node.keywords
                                  if k.arg not in ("exc_info", "stack_info", "stacklevel"))]:
            for part in [arg, *(e.value for e in ast.walk(arg)
                                if isinstance(e, ast.FormattedValue))]:
                found = self._secret_in(part) or self._keyed_secret(node, part)
                if found and found not in out:
                    out.append(found)
        # A name built on a found one's (`new_secret_value_from_vault`, the value read back
        # beside `new_secret_value`) holds the same secret under another word; not one
        # whose name says it holds something about the secret (`api_key_id`,
        # `password_length`, `token_type`: what the fix asks to log instead), nor a yes/no
        # or a masked form of it.
        for arg in [*node.args, *(k.value for k in node.keywords
                                  if k.arg not in ("exc_info", "stack_info", "stacklevel"))]:
            for name in ast.walk(arg):
                if isinstance(name, ast.Name) and name.id not in out and any(
                        name.id.startswith(f"{found}_") for found in out
                        if found.isidentifier()) and not _names_no_value(name) and \
                        not self._holds_no_secret(name):
                    out.append(name.id)
        return out

    def _shown_elsewhere(self, node: ast.Call, found: str) -> int | None:
        """The line of another call in the same function that hands `found` to something
        other than a log (`Panel(f"...{key.api_key}...")`, `console.print(key)`): the
        function's job is to show the secret, and this log line is a fallback of that."""
        function = self.ctx.semantic.enclosing_function(node)
        if function is None:
            return None
        for call in ast.walk(function):
            if not isinstance(call, ast.Call) or call is node or is_logging_call(self.ctx, call):
                continue
            callee = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(
                call.func, "id", "")
            if callee not in _DISPLAY_CALLS:
                continue  # a secret handed to a client or a store is not shown to anyone
            for arg in [*call.args, *(k.value for k in call.keywords)]:
                if any(self.ctx.source(part) == found for part in ast.walk(arg)
                       if isinstance(part, ast.Name | ast.Attribute)):
                    return call.lineno
        return None

    def _generated_here(self, arg: ast.AST, found: str) -> bool:
        """The secret is one this code has just made (`password = get_random_password()`,
        `"".join(secrets.choice(alphabet) ...)`): the line may be how the operator learns it.
        Passwords and keys only: a token minted for a client is not handed over by a log."""
        if not (is_password_name(found) or snake(found).endswith("key")):
            return False
        for name in ast.walk(arg):
            if not (isinstance(name, ast.Name) and name.id == found):
                continue
            for binding in self.ctx.reaching_bindings(name):
                if binding.kind not in ("assign", "annassign") or binding.value is None:
                    continue
                for call in ast.walk(binding.value):
                    if not isinstance(call, ast.Call):
                        continue
                    qualified = self.ctx.qualified_name(call.func) or ""
                    callee = call.func.attr if isinstance(call.func, ast.Attribute) else (
                        getattr(call.func, "id", ""))
                    if qualified.startswith("secrets.") or _GENERATES.search(snake(callee)):
                        return True
        return False

    def _secret_in(self, expr: ast.AST) -> str | None:
        stack: list[ast.AST] = [expr]
        while stack:
            node = stack.pop()
            if isinstance(node, ast.Name):
                # UPPER_CASE names are constants: a header or route name, not a secret.
                if is_secret_name(node.id) and not node.id.isupper() and \
                        not self._holds_no_secret(node):
                    return node.id
                if node.id in _BARE_SECRET_NAMES and self._issued_secret(node):
                    return node.id
                if self._read_from_credential(node):
                    return node.id
                if self._dict_with_secret(node):
                    return node.id
                continue
            if isinstance(node, ast.Attribute):
                if is_secret_name(node.attr) and (not node.attr.isupper()
                                                  or _configured(node)):
                    return self.ctx.source(node)
                continue
            if isinstance(node, ast.Subscript):
                key = constant_str(node.slice)
                if is_secret_name(key) or (key and _SECRET_HEADER.match(key)):
                    return self.ctx.source(node)
                if isinstance(node.value, ast.Call) and _later_part(node.slice):
                    # `header.split(" ")[1]`: the token after the scheme (`[0]` is the scheme)
                    stack.append(node.value)
                continue
            if isinstance(node, ast.Call):
                func = node.func
                key = constant_str(node.args[0]) if node.args else None
                if isinstance(func, ast.Attribute) and func.attr == "get" and key and (
                        is_secret_name(key) or _SECRET_HEADER.match(key)):
                    return self.ctx.source(node)  # request.form.get("password")
                if self.ctx.qualified_name(func) in _TEXT_CALLS or (
                        isinstance(func, ast.Attribute) and func.attr in _SAME_TEXT_METHODS):
                    method = func.attr if isinstance(func, ast.Attribute) else ""
                    if method == "replace":
                        # `text.replace(key, "*****")`: the key is what is taken out
                        stack.extend(node.args[1:])
                    elif method not in _ARGS_TAKEN_OUT:
                        stack.extend(node.args)
                        stack.extend(k.value for k in node.keywords)
                    if isinstance(func, ast.Attribute):
                        stack.append(func.value)
                continue  # len(password), mask(token): not the secret itself
            if isinstance(node, ast.Compare | ast.BoolOp | ast.UnaryOp):
                continue  # `password is None`: a bool
            if isinstance(node, ast.IfExp):
                stack.extend((node.body, node.orelse))
                continue
            stack.extend(ast.iter_child_nodes(node))
        return None

    def _keyed_secret(self, call: ast.Call, arg: ast.expr) -> str | None:
        """The secret said by the key it is logged under, whatever the value's name:
        structlog's `log.info("login", password=p)`, `extra={"password": p}`, the mapping of
        `logger.info("%(password)s", {"password": p})`. The value must be the secret as given
        (`_carries`), and the mapping must reach the record as it is: one handed to
        `redact({...})` first is not logged."""
        for keyword in call.keywords:
            if keyword.value is arg and is_secret_name(keyword.arg) and self._carries(arg):
                return self.ctx.source(arg)
        for node in self._reached_dicts(arg):
            for key, value in zip(node.keys, node.values, strict=True):
                if key is not None and is_secret_name(constant_str(key)) and (
                        self._carries(value)):
                    return self.ctx.source(value)
        return None

    def _reached_dicts(self, arg: ast.AST) -> list[ast.Dict]:
        """The mappings whose entries reach the record as they are: `arg` itself, one nested
        in it or in a list, one turned to text by `str()` / `json.dumps()`; not one handed to
        another call first (`redact({...})`, `mask(...)`)."""
        found: list[ast.Dict] = []
        stack: list[ast.AST] = [arg]
        while stack:
            node = stack.pop()
            if isinstance(node, ast.Dict):
                found.append(node)
                stack.extend(node.values)
            elif isinstance(node, ast.List | ast.Tuple | ast.Set):
                stack.extend(node.elts)
            elif isinstance(node, ast.Call) and self.ctx.qualified_name(node.func) in _TEXT_CALLS:
                stack.extend(node.args)
        return found

    def _carries(self, value: ast.expr, depth: int = 0) -> bool:
        """The value's text holds the secret as given: a variable or a field, text built from
        it (`"Bearer " + t`, `f"{t}"`, `str(t)`, `t.strip()`). Not a literal, a yes/no
        (`p is not None`), what another call made of it (`mask(p)`, `len(p)`), a few
        characters of it (`p[:2]`), nor a local whose name says it holds no value
        (`_NAMES_NO_VALUE`). The same reading as `_secret_in`, for a value unnamed: what a
        secret's key holds, in a logged mapping or in a dict local logged whole."""
        if depth > 8:
            return False
        if isinstance(value, ast.Name):
            return not _names_no_value(value) and not self._holds_no_secret(value)
        if isinstance(value, ast.Attribute):
            return True
        if isinstance(value, ast.Subscript):
            return not _short_slice(value)
        if isinstance(value, ast.JoinedStr | ast.FormattedValue):
            parts = value.values if isinstance(value, ast.JoinedStr) else [value.value]
            return any(self._carries(p, depth + 1) for p in parts)
        if isinstance(value, ast.BinOp):
            return self._carries(value.left, depth + 1) or self._carries(value.right, depth + 1)
        if isinstance(value, ast.IfExp):
            return self._carries(value.body, depth + 1) or self._carries(value.orelse, depth + 1)
        if isinstance(value, ast.List | ast.Tuple | ast.Set):
            return any(self._carries(e, depth + 1) for e in value.elts)
        if isinstance(value, ast.Dict):
            return any(self._carries(v, depth + 1) for v in value.values)
        if isinstance(value, ast.Await | ast.Starred):
            return self._carries(value.value, depth + 1)
        if isinstance(value, ast.Call):
            func = value.func
            if self.ctx.qualified_name(func) in _TEXT_CALLS:
                return any(self._carries(a, depth + 1) for a in value.args)
            if isinstance(func, ast.Attribute) and func.attr in _SAME_TEXT_METHODS:
                return self._carries(func.value, depth + 1)
        return False  # a literal, a bool, `mask(p)`

    def _read_from_credential(self, name: ast.Name) -> bool:
        """A local of any name that holds a secret read by key: `token =
        request.headers.get("Authorization")`, `value = os.environ["API_KEY"]`, `secret =
        request.form["client_secret"]`, `bearer = header.split(" ")[1]` of such a read. The
        name does not say it, the assignment does; a masked form or a yes/no about it does
        not count (`_holds_no_secret`)."""
        if name.id.isupper() or _NAMES_NO_VALUE.search(snake(name.id)) or (
                self._holds_no_secret(name)):
            return False
        for binding in self.ctx.reaching_bindings(name):
            if binding.kind in ("assign", "annassign") and binding.value is not None and (
                    self._credential_read(binding.value)):
                return True
        return False

    def _credential_read(self, value: ast.AST, depth: int = 0) -> bool:
        """`x["client_secret"]`, `headers.get("Authorization")`, and that text reshaped by
        its own methods (`.strip()`, `.split(" ")[1]`, `.removeprefix("Bearer ")`), through
        the locals it was kept in on the way: the secret as read. The depth bounds the walk
        (`token = token.strip()` binds a name to itself)."""
        if depth > 3:
            return False
        if isinstance(value, ast.Await):
            value = value.value
        if isinstance(value, ast.Name):
            return not self._holds_no_secret(value) and any(
                b.kind in ("assign", "annassign") and b.value is not None
                and self._credential_read(b.value, depth + 1)
                for b in self.ctx.reaching_bindings(value))
        if isinstance(value, ast.Subscript):
            if _secret_key(constant_str(value.slice)):
                return True
            return isinstance(value.value, ast.Call) and _later_part(value.slice) and (
                self._credential_read(value.value, depth + 1))
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
            method = value.func.attr
            if method == "get" and value.args and _secret_key(constant_str(value.args[0])):
                return True
            if method in _SAME_TEXT_METHODS and method not in ("format", "join", "replace"):
                return self._credential_read(value.func.value, depth + 1)
        return False

    def _in_command(self, node: ast.AST) -> bool:
        """A command an operator runs, wherever its file is: a method of a command class
        (Django's `BaseCommand`, Flask-Script's / cliff's `Command`) or a function registered
        as one (`@click.command()`, `@app.cli.command()`, `@manager.command`)."""
        function = self.ctx.semantic.enclosing_function(node)
        if function is None or isinstance(function, ast.Lambda):
            return False
        for dec in function.decorator_list:
            target = dec.func if isinstance(dec, ast.Call) else dec
            name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
            if name == "command":
                return True
        cls = self.ctx.semantic.enclosing_class(function)
        return cls is not None and any(
            self.ctx.source(base).rsplit(".", 1)[-1].endswith("Command") for base in cls.bases)

    def _dict_with_secret(self, name: ast.Name) -> bool:
        """`creds = {"user": u, "password": p}` logged whole: a dict literal holding a value
        under a secret's key, unless the function takes that key out (`creds.pop("password")`,
        `del creds["password"]`) or overwrites it before."""
        keys: set[str] = set()
        for binding in self.ctx.reaching_bindings(name):
            if binding.kind == "assign" and isinstance(binding.value, ast.Dict):
                keys.update(k for k, v in ((constant_str(k), v) for k, v in zip(
                    binding.value.keys, binding.value.values, strict=True))
                    if k and is_secret_name(k) and self._carries(v))
        if not keys:
            return False
        function = self.ctx.semantic.enclosing_function(name)
        for sub in ast.walk(function or self.ctx.tree):
            if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute) and (
                    sub.func.attr == "pop") and self.ctx.source(sub.func.value) == name.id and (
                    sub.args and constant_str(sub.args[0]) in keys):
                return False
            targets = sub.targets if isinstance(sub, ast.Delete | ast.Assign) else []
            if any(isinstance(t, ast.Subscript) and self.ctx.source(t.value) == name.id
                   and constant_str(t.slice) in keys for t in targets):
                return False
        return True

    def _holds_no_secret(self, name: ast.Name) -> bool:
        """`is_jwt` (a yes/no about the token) and `log_key = f"{key[:4]}***{key[-4:]}"` (a
        masked form, what this rule's fix asks for) are named like the secret but hold none."""
        if _PREDICATE.match(name.id):
            return True
        bindings = [b for b in self.ctx.reaching_bindings(name)
                    if b.kind in ("assign", "annassign") and b.value is not None]
        if not bindings or len(bindings) != len(self.ctx.reaching_bindings(name)):
            return False
        if all(_is_boolean(b.value) for b in bindings):
            return True
        # `shown = key` then `if shown: shown = shown[:8] + "*" * 15`: masked in place.
        masked = [b for b in bindings if _is_masked(b.value)]
        return bool(masked) and all(b in masked or isinstance(b.value, ast.Name)
                                    for b in bindings)

    def _issued_secret(self, name: ast.Name) -> bool:
        """A bare `token` / `secret` is only a credential when this function minted it
        (`token = create_access_token(...)`, `jwt.encode(...)`, `secrets.token_urlsafe()`);
        a tokenizer's `token` or a loop variable is not."""
        for binding in self.ctx.reaching_bindings(name):
            value = binding.value
            if isinstance(value, ast.Await):
                value = value.value
            if binding.kind in ("assign", "annassign") and isinstance(value, ast.Call):
                qualified = self.ctx.qualified_name(value.func) or ""
                callee = value.func.attr if isinstance(value.func, ast.Attribute) else (
                    getattr(value.func, "id", ""))
                if qualified.startswith(("jwt.", "secrets.token")) or _MINTS_TOKEN.search(
                        snake(callee)):
                    return True
        return False


_PREDICATE = re.compile(r"^_?(?:is|has)_")


# A local whose own name says it holds something about the secret, not the secret: where it
# is (`ssh_private_key_path = creds.get("ssh_private_key")`), what it is called, its id.
# So does one that says it holds a hash or a masked form of it (`api_key_hash =
# metadata.get("user_api_key")`: litellm keeps the key's hash under that key).
_NAMES_NO_VALUE = re.compile(r"(?:^|_)(?:path|file|filename|dir|name|id|url|type|kind|length"
                             r"|len|env|var|expiry|expires|ttl)s?$|hash|digest|fingerprint"
                             r"|(?:^|_)(?:masked|redacted|hint)(?:_|$)")


def _names_no_value(value: ast.AST) -> bool:
    return isinstance(value, ast.Name) and bool(_NAMES_NO_VALUE.search(snake(value.id)))


def _secret_key(key: str | None) -> bool:
    return bool(key) and (is_secret_name(key) or bool(_SECRET_HEADER.match(key or "")))


def _later_part(index: ast.AST) -> bool:
    """`[1]`, `[-1]`: a part after the first of a split text."""
    if isinstance(index, ast.UnaryOp) and isinstance(index.op, ast.USub):
        index = index.operand
    return isinstance(index, ast.Constant) and type(index.value) is int and index.value != 0


def _configured(node: ast.Attribute) -> bool:
    """`settings.SECRET_KEY`, `app.config.API_KEY`: a configured secret, not a constant."""
    owner = node.value
    last = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
    return last.lower() in _CONFIG_OBJECTS
# A masked form keeps at most this many characters at either end (`key[:8]`, `key[-4:]`).
_MASK_KEEPS = 8


def _is_boolean(value: ast.AST) -> bool:
    return isinstance(value, ast.Compare | ast.BoolOp) or (
        isinstance(value, ast.UnaryOp) and isinstance(value.op, ast.Not)) or (
        isinstance(value, ast.Constant) and isinstance(value.value, bool))


def _short_slice(node: ast.Subscript) -> bool:
    """`[:4]` or `[-4:]`: a few characters from one end (not `[:-4]`, not `[4:]`)."""
    cut = node.slice
    if not isinstance(cut, ast.Slice) or cut.step is not None:
        return False
    if cut.lower is None and cut.upper is not None:
        bound: ast.AST = cut.upper
    elif cut.upper is None and isinstance(cut.lower, ast.UnaryOp) and \
            isinstance(cut.lower.op, ast.USub):
        bound = cut.lower.operand
    else:
        return False
    return isinstance(bound, ast.Constant) and isinstance(bound.value, int) and \
        0 < bound.value <= _MASK_KEEPS


def _is_masked(value: ast.AST) -> bool:
    """A value built from a few characters at the ends of a name, constants (`"*" * 15`)
    and lengths: every name in it is sliced short or measured, and one at least is sliced."""
    sliced: set[int] = set()
    measured: set[int] = set()
    for node in ast.walk(value):
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and \
                _short_slice(node):
            sliced.add(id(node.value))
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "len":
            measured.update(id(a) for a in node.args if isinstance(a, ast.Name))
    names = [n for n in ast.walk(value) if isinstance(n, ast.Name)]
    return bool(sliced) and all(id(n) in sliced or id(n) in measured or n.id == "len"
                                for n in names)


# `get_random_password()`, `make_random_password()`, `generate_secret()`, `token_urlsafe()`.
_GENERATES = re.compile(r"(^|_)(random|generate|gen|token_(urlsafe|hex|bytes))(_|$)")
# Calls that put text in front of the user of a command: the terminal, a rich panel.
_DISPLAY_CALLS = frozenset({"print", "echo", "secho", "Panel", "Text", "Markdown", "rprint",
                            "pprint"})
_GENERATED_FIX = Fix(
    "The code generates this secret itself, so this line may be how the operator learns it: "
    "redacting it would lose the secret. Hand it over once where it is not kept (the "
    "command's own output, a one-time page), or let the operator set it, and log only that "
    "it was created.")

# print() of a generated key: the command's output is how the operator receives it.
_GENERATED_PRINT_FIX = Fix(
    "The code generates this secret itself and print() writes it to the command's output, "
    "which is how the operator receives it: if this runs as a command an operator starts, "
    "nothing needs to change; if it runs in a server process whose output is kept as logs, "
    "hand the secret over another way (a one-time page) and print only that it was created.")


RULES = (SecretInLog,)
