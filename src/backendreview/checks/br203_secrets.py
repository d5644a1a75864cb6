"""BR203 hardcoded-secret: signing keys and API secrets written as literals (CWE-798).

Reported: a string literal bound to a secret-named setting (`SECRET_KEY = "..."`,
`app.config["JWT_SECRET_KEY"] = "..."`, `app.secret_key = "..."`), passed as a secret-named
keyword (`SessionMiddleware(secret_key="...")`), used as the key of `jwt.encode()`, or given
as the fallback of `os.environ.get("SECRET_KEY", "...")`.
An API key by its name (`API_KEY`, `TMDB_APIKEY`) in no vendor's secret-key format is
reported as a note: it is a key the code sends to another service, and an open-source client's
registered application key ships to every install by design.
Not reported: test suites, examples and docs, settings modules named for development or
testing (settings/dev.py, local_settings.py, test_settings.py); empty strings, obvious
placeholders (`changeme`, `<your key>`, `${SECRET}`), and values too short to be a key.
"""

from __future__ import annotations

import ast
import re

from ..analysis.paths import is_non_production
from ..analysis.values import constant_str, written_name
from ..model import Fix
from .base import Rule
from .confidence import NOTE, as_note
from .fixcode import parses

# A bare `secret` is too often something else (a ticket's or an order's secret code).
_SECRET_NAME = re.compile(
    r"(?:^|_)(?:secret_key|api_?key|api_secret|private_key|signing_key|jwt_key"
    r"|access_key_secret|secret_access_key|client_secret|auth_token|token_secret"
    r"|encryption_key|session_secret|app_secret|hmac_key|webhook_secret)$|^\w+_secret$",
    re.IGNORECASE)
_NOT_SECRET = re.compile(r"(?:file|path|name|env|var|header|field|prefix|id|url|length|type"
                         r"|setting|param)$", re.IGNORECASE)
_PLACEHOLDER = re.compile(
    r"^(?:<.*>|\$\{.*\}|\{\{.*\}\}|%\(.*\)s|x+|\*+|\.+)$|change.?me|changeit|replace|your[-_ ]"
    r"|example|dummy|placeholder|todo|fixme|insecure-test|not[-_ ]?(?:a[-_ ])?secret|secret-key$"
    r"|^secret$|^test|^fake|^sample|^none$|^null$", re.IGNORECASE)
_JWT_ENCODE = frozenset({"jwt.encode", "jose.jwt.encode", "jwt.api_jwt.encode"})
_ENV_GET = frozenset({"os.environ.get", "os.getenv", "os.environ.setdefault",
                      "environ.Env.str", "decouple.config"})
_MIN_LENGTH = 8
_MAX_LENGTH = 16_384
_NAME_CHARS = re.compile(r"[A-Za-z_.\-:]")


# A value that is itself the name of an environment variable (`"E2B_API_KEY"`).
_ENV_NAME = re.compile(r"[A-Z][A-Z0-9]*(_[A-Z0-9]+)+")


def is_secret_name(name: str | None) -> bool:
    if not name:
        return False
    return bool(_SECRET_NAME.search(name)) and not _NOT_SECRET.search(name)


# Keys their vendors publish for use in client code, by their documented prefixes: a
# PostHog project API key (`phc_`, write-only event capture) and a Stripe publishable key
# (`pk_live_`, `pk_test_`). Committing one reveals nothing; reading it from the environment
# with no default would only turn the feature off where it is unset.
_PUBLISHABLE = re.compile(r"(?:phc_|pk_(?:live|test)_)[A-Za-z0-9]{16,}$")


# A name for a key the code presents to another service (`API_KEY`, `TMDB_APIKEY`), not
# one it signs or decrypts with: no secret / private / signing word in it.
_API_KEY_NAME = re.compile(r"(?:^|_)api_?key$", re.IGNORECASE)
# Formats their vendors give only to secret keys: these stay errors whatever the name.
_SECRET_FORMAT = re.compile(
    r"^(?:sk-|sk_(?:live|test)_|rk_(?:live|test)_|phx_|AKIA|ASIA|gh[pousr]_|github_pat_"
    r"|xox[abposr]-|SG\.|glpat-|hf_|key-)")


# Constant-time comparisons of what a caller presents with the server's key.
_COMPARE_DIGEST = frozenset({"hmac.compare_digest", "secrets.compare_digest"})


def _client_key(name: str, value: str | None) -> bool:
    """An API key by its name, in no secret key's format: the value may be the application
    key an open-source client is registered with and ships to every install (TheTVDB, TMDB),
    which the code cannot tell from a key billed to the project."""
    return bool(_API_KEY_NAME.search(name)) and not _SECRET_FORMAT.match(value or "")


def looks_like_secret_value(value: str | None) -> bool:
    """Long enough, not a placeholder, and mixed like a key: names of environment variables
    (`OPENAI_API_KEY`), config keys (`rag.openai.api_key`) and labels (`client_secret`,
    `mlflow-gateway-auth`) are words without digits and are not secrets."""
    if value is None:
        return False
    text = value.strip()
    # The cheap tests first: a multi-megabyte literal (embedded data) must not be scanned by
    # every placeholder pattern. Keys, even PEM bodies, are far below the maximum.
    if not _MIN_LENGTH <= len(text) <= _MAX_LENGTH or " " in text:
        return False
    if _PLACEHOLDER.search(text) or _PUBLISHABLE.match(text):
        return False
    if "://" in text or text.startswith("/"):
        return False
    has_digit = any(c.isdigit() for c in text)
    has_alpha = any(c.isalpha() for c in text)
    # Without digits, only long values with symbols beyond a dotted / dashed name count.
    return (has_digit and has_alpha) or (len(text) >= 32
                                         and bool(_NAME_CHARS.sub("", text)))


# The secrets an application signs with itself (sessions, tokens), which an install can
# generate for itself, unlike a key a vendor issues. Only the names of the application's
# own key: a prefixed `AWS_SECRET_KEY`, `STRIPE_WEBHOOK_SECRET` or `AWS_SECRET` is a
# vendor's, which no install can generate.
_SIGNING_NAME = re.compile(r"^(?:DJANGO_|FLASK_)?(?:SECRET_KEY|SECRET|JWT_SECRET(?:_KEY)?"
                           r"|(?:JWT_)?SIGNING_KEY|SESSION_SECRET(?:_KEY)?)$")


class HardcodedSecret(Rule):
    id = "BR203"

    def __init__(self, ctx, doc) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx, doc)
        self.skip = is_non_production(ctx.policy_path)

    def visit_Assign(self, node: ast.Assign) -> None:
        if self.skip:
            return
        value = constant_str(node.value)
        if not looks_like_secret_value(value):
            return
        for target in node.targets:
            name = written_name(target)
            if is_secret_name(name):
                self._report(node.value, str(name))
                return

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if self.skip or node.value is None:
            return
        # pydantic settings: `secret_key: str = "..."` is a default that ships.
        if looks_like_secret_value(constant_str(node.value)):
            name = written_name(node.target)
            if is_secret_name(name):
                self._report(node.value, str(name))

    def visit_Dict(self, node: ast.Dict) -> None:
        if self.skip:
            return
        for key, value in zip(node.keys, node.values, strict=True):
            name = constant_str(key)
            if is_secret_name(name) and looks_like_secret_value(constant_str(value)):
                self._report(value, str(name))

    def visit_Call(self, node: ast.Call) -> None:
        if self.skip:
            return
        qualified = self.ctx.qualified_name(node.func) or ""
        if qualified in _JWT_ENCODE and len(node.args) >= 2:
            key = node.args[1]
            if looks_like_secret_value(constant_str(key)):
                self._report(key, "the jwt.encode() key")
            return
        if qualified in _ENV_GET and len(node.args) >= 2:
            name = constant_str(node.args[0])
            default = node.args[1]
            if is_secret_name(name) and looks_like_secret_value(constant_str(default)):
                self._report(default, f"{name} (as the fallback when the variable is unset)",
                             env=name)
            return
        for kw in node.keywords:
            if is_secret_name(kw.arg) and looks_like_secret_value(constant_str(kw.value)):
                self._report(kw.value, str(kw.arg))

    def _report(self, node: ast.AST, name: str, env: str | None = None) -> None:
        if _test_config_class(self.ctx.semantic.enclosing_class(node)):
            return
        literal = constant_str(node) or ""
        if _client_key(env or name.split(" ")[0], literal) and not (
                env is None and _ENV_NAME.fullmatch(literal)) and \
                not self._checks_callers_with(node):
            # (A value that is a variable's name keeps its own fix, below; so does a key
            # the server checks what callers present against: its own secret.)
            self._report_client_key(node, name)
            return
        variable = env or re.sub(r"[^A-Za-z0-9]+", "_", name.split(" ")[0]).strip("_").upper()
        if not variable or variable == "THE":
            variable = "JWT_SECRET_KEY"
        os_name = _os_module_name(self.ctx.tree)
        read = f'{os_name or "os"}.environ'
        value = constant_str(node)
        if value and _ENV_NAME.fullmatch(value) and env is None:
            # `ENV_E2B_API_KEY = "E2B_API_KEY"`: reading the environment with it would turn
            # the variable's name into a (missing) value and break every lookup that uses it.
            fix = Fix(f"The value looks like the name of an environment variable, not a "
                      f"secret: if the code reads the secret with it (os.environ[{name}]), "
                      f"nothing needs to change; if it is the secret itself, load it from the "
                      f"environment or a secret store at run time and rotate it.")
        elif (compared := self._compared_against(node)) is not None:
            # `DEFAULT_TOKEN_SECRET = "..."` then `token_secret == DEFAULT_TOKEN_SECRET`: the
            # project knows it is a published default and checks for it; an environment read
            # in its place would make that check compare with None and the fallback vanish.
            target, line = compared
            fix = Fix(f"`{target}` is a known default the code checks the configured secret "
                      f"against (line {line}): keep the constant, and make every path that "
                      f"would sign with it refuse to (fail at start-up, or serve only a local "
                      f"or read-only mode) unless a real secret is configured; replacing it "
                      f"with an environment read would break that check.")
        elif (client_id := self._registered_client(node, name)) is not None:
            # flexget trakt/db.py:30: `CLIENT_SECRET` beside a hard-coded `CLIENT_ID`: the
            # OAuth registration of the distributed app, the same for every install; an
            # unset variable in its place breaks authorisation for every user.
            fix = Fix(f"`{client_id}` is hard-coded beside it, so this is the OAuth client "
                      f"registration every install shares: an installed open-source client "
                      f"cannot keep it secret, and replacing it with an unset environment "
                      f"variable would break authorisation for every user. If the provider "
                      f"offers a flow without a client secret (device code, PKCE), move to "
                      f"it; otherwise keep the shipped registration, or let each install "
                      f"register its own app and supply both values in its configuration. A "
                      f"secret of a deployment of your own is revoked and loaded at run time.")
        elif self.ctx.semantic.enclosing_function(node) is None:
            # Module and class bodies run at import: `os.environ[...]` there raises KeyError
            # in every process without the variable (tools, tests, other entry points).
            # kolibri settings/base.py:70: the installs of a packaged app set no variable;
            # a key the app signs with can be made by each install itself.
            own = (" If the project is installed by its users (a packaged app, not a "
                   "deployment of yours), no one sets that variable: generate a random "
                   "secret on an install's first start and keep it with that install's data "
                   "instead.") if _SIGNING_NAME.search(variable) else ""
            fix = Fix("Load the secret at run time and rotate the committed value; this line "
                      "runs at import, so read it with .get() here and fail fast where the "
                      "application starts (or the secret is used) when it is missing." + own,
                      self._in_place(node, f'{read}.get("{variable}")', os_name))
        else:
            fix = Fix("Load the secret at run time and fail fast when it is missing; "
                      "rotate the committed value.",
                      self._in_place(node, f'{read}["{variable}"]', os_name))
        self.report(node, f"hardcoded secret for `{name}`: anyone with the source (or the "
                    f"image, or the git history) can sign tokens or sessions with it; read it "
                    f"from the environment or a secret store and rotate this one", fix=fix)


    def _report_client_key(self, node: ast.AST, name: str) -> None:
        """A key sent to another service: a note, and no environment read in its place (an
        install without the variable would lose the service the key was shipped for)."""
        self.report(node, as_note(
            f"hardcoded API key for `{name}`",
            "a key the code sends to another service, not one it signs with: an open-source "
            "client's registered application key ships to every install by design; a key "
            "billed to the project or opening private data must not be in the source"),
            severity=NOTE,
            fix=Fix("If this is the application key the project is registered with for a "
                    "public API, nothing needs to change. If it is a key billed to you or "
                    "opening private data, revoke it and read the key from the "
                    "application's configuration, letting each install supply its own; "
                    "replacing the literal with an unset environment variable would turn "
                    "the service off for every install."))

    def _registered_client(self, node: ast.AST, name: str) -> str | None:
        """The module-level `CLIENT_ID` (`CONSUMER_KEY`) assigned a literal beside a
        module-level client secret: the two make one OAuth app registration."""
        if "CLIENT_SECRET" not in name.upper() and "CONSUMER_SECRET" not in name.upper():
            return None
        if self._module_binding(node) is None:
            return None
        mine = self._module_binding(node) or ""
        # `TRAKT_CLIENT_SECRET` pairs with `TRAKT_CLIENT_ID`, `CONSUMER_SECRET` with
        # `CONSUMER_KEY`: the same registration's two halves.
        wanted = {re.sub(r"CLIENT_SECRET$", "CLIENT_ID", mine.upper()),
                  re.sub(r"CONSUMER_SECRET$", "CONSUMER_KEY", mine.upper())} - {mine.upper()}
        for stmt in self.ctx.tree.body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(
                    stmt.targets[0], ast.Name) and stmt.targets[0].id.upper() in wanted and \
                    len(constant_str(stmt.value) or "") >= 8:
                return stmt.targets[0].id
        return None

    def _module_binding(self, node: ast.AST) -> str | None:
        """The module-level name the literal is assigned to alone (`API_KEY = "…"`)."""
        parent = self.ctx.semantic.parent(node)
        if isinstance(parent, ast.Assign) and parent.value is node and len(
                parent.targets) == 1 and isinstance(parent.targets[0], ast.Name) and \
                self.ctx.semantic.enclosing_function(node) is None:
            return parent.targets[0].id
        return None

    def _compared_against(self, node: ast.AST) -> tuple[str, int] | None:
        """The module-level name the literal is assigned to, and the first line comparing a
        value with it (`==`, `!=`, `is`), when the file has one."""
        name = self._module_binding(node)
        if name is None:
            return None
        for sub in ast.walk(self.ctx.tree):
            if isinstance(sub, ast.Compare) and all(
                    isinstance(op, ast.Eq | ast.NotEq | ast.Is | ast.IsNot) for op in sub.ops) \
                    and any(isinstance(side, ast.Name) and side.id == name
                            for side in [sub.left, *sub.comparators]):
                return name, sub.lineno
        return None

    def _checks_callers_with(self, node: ast.AST) -> bool:
        """The file compares a value with the module-level name the literal is bound to
        (`==`, `!=`, `compare_digest`), and that value is no constant and not one read with
        the name as its fallback: `if request.headers.get("X-Api-Key") != API_KEY` checks
        callers against the server's own key, where `api_key = get_from_config("k",
        DEFAULT_API_KEY)` then `if api_key == DEFAULT_API_KEY` checks for the shipped
        default (privacyidea's Yubico key, a key it sends)."""
        name = self._module_binding(node)
        if name is None:
            return False
        for sub in ast.walk(self.ctx.tree):
            if isinstance(sub, ast.Compare) and all(
                    isinstance(op, ast.Eq | ast.NotEq) for op in sub.ops):
                sides = [sub.left, *sub.comparators]
            elif isinstance(sub, ast.Call) and \
                    self.ctx.qualified_name(sub.func) in _COMPARE_DIGEST:
                sides = list(sub.args)
            else:
                continue
            if not any(isinstance(side, ast.Name) and side.id == name for side in sides):
                continue
            if any(not isinstance(side, ast.Name | ast.Constant) or (
                    isinstance(side, ast.Name) and side.id != name
                    and not self._read_with_fallback(side, name)) for side in sides):
                return True
        return False

    def _read_with_fallback(self, value: ast.Name, name: str) -> bool:
        """Every binding of `value` reads the module-level `name` (`x = conf.get("k",
        name)`)."""
        bindings = self.ctx.semantic.lookup(value.id, value)[1]
        return bool(bindings) and all(binding.value is not None and any(
            isinstance(n, ast.Name) and n.id == name for n in ast.walk(binding.value))
            for binding in bindings)

    def _in_place(self, node: ast.AST, read: str, os_name: str | None) -> str:
        """`read` where the literal was, as the whole assignment when it is one (`API_KEY =
        os.environ.get(...)`), so the value still lands where the code uses it."""
        parent = self.ctx.semantic.parent(node)
        placed = read
        if isinstance(parent, ast.Assign | ast.AnnAssign) and parent.value is node:
            targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
            if all(isinstance(t, ast.Name | ast.Attribute | ast.Subscript) for t in targets):
                placed = " = ".join([*(self.ctx.source(t) for t in targets), read])
        placed = placed if parses(placed) else read
        return placed if os_name else f"import os\n\n{placed}"


# `class TestingConfig(Config)`, `DevelopmentSettings`: Flask's and pydantic's configuration
# classes for tests and development, selected only there.
_TEST_CONFIG = re.compile(r"(Test|Testing|Dev|Development|Debug|Local)(Config|Configuration|"
                          r"Settings)$")


def _test_config_class(cls: ast.ClassDef | None) -> bool:
    return cls is not None and bool(_TEST_CONFIG.search(cls.name))


def _os_module_name(tree: ast.Module) -> str | None:
    """The name `os` is imported under in the module, if it is."""
    for stmt in ast.walk(tree):
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.name == "os":
                    return alias.asname or "os"
    return None


RULES = (HardcodedSecret,)
