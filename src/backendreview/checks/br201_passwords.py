"""BR201 plaintext-password and BR202 weak-password-hash (CWE-256, CWE-916, CWE-328).

BR201 follows a password from where the client (or a caller) supplied it to where it is
stored, looked up or compared, and stays silent when it went through any call on the way:
a hasher, or something we cannot see into. BR202 looks at the hash functions a password goes
through: single-pass digests, and adaptive hashes configured below OWASP's work factors.
"""

from __future__ import annotations

import ast
import re

from ..analysis.handlers import is_logging_call
from ..analysis.paths import is_non_production, is_test_path
from ..analysis.program import definition_ref
from ..analysis.sql_columns import column_values, interpolated, parameter
from ..analysis.strings import StringAnalyzer
from ..analysis.values import (
    ValueTracker,
    argument,
    constant_str,
    is_password_name,
    keyword,
    may_name_password,
    snake,
    tracker_for,
    written_name,
)
from ..context import FileContext
from ..model import Finding, Fix, Severity
from .base import Rule
from .br201_calls import (
    COMPARES,
    LOOKS_UP,
    STORES,
    PasswordFlow,
    hands_on_secret_name,
    secret_names,
)
from .br201_hashing import HASHING_CALL, record_hash_uses
from .br201_models import (
    CLASSES,
    DEFERRED,
    HOOKS,
    DeferredStore,
    class_qualname,
    module_hooks,
    password_class,
)
from .br201_serializers import SERIALIZERS, password_serializer
from .br201_spreads import SPREADS, SpreadStore, spread_schema
from .fixcode import code_or_none
from .outbound_digest import is_sent_elsewhere

# ORM methods that write or look up rows by keyword.
_WRITE_METHODS = frozenset({"create", "update", "get_or_create", "update_or_create", "insert",
                            "values", "add", "create_or_update", "upsert"})
# Writes that build a model instance (and so run its setters and save()).
_INSTANCE_WRITES = frozenset({"create", "get_or_create", "update_or_create"})
_LOOKUP_METHODS = frozenset({"filter", "filter_by", "get", "exclude", "get_or_none",
                             "find_one", "first_or_404", "one_or_none"})
_DOC_WRITE_METHODS = frozenset({"insert_one", "insert_many", "update_one", "update_many",
                                "replace_one", "find_one_and_update", "insert", "set",
                                "hset", "hmset", "put_item", "find_one", "find"})
# Document writes that add a row as given (a seed's `users.insert_one({...})`); updates are
# left out: their filter document holds what is looked up, not what is stored.
_DOC_INSERTS = frozenset({"insert_one", "insert_many", "insert"})
_MODEL_BASES = frozenset({"Base", "db.Model", "Model", "models.Model", "Document",
                          "AbstractUser", "AbstractBaseUser", "DeclarativeBase"})
_MODEL_BASE_PREFIXES = ("django.db.models.", "django.contrib.auth.models.", "sqlalchemy.orm.",
                        "flask_sqlalchemy.", "peewee.", "tortoise.", "mongoengine.",
                        "ormar.", "pony.orm.", "beanie.", "odmantic.")
_FETCH_FUNCS = frozenset({"django.shortcuts.get_object_or_404", "flask_login.current_user",
                          "flask_security.current_user"})
# Calls taking the model class first and giving one row, or a query of it, back.
_FETCH_WITH_MODEL = frozenset({"get", "get_one", "query", "get_object_or_404",
                               "get_or_404", "first_or_404", "select"})
_HASH_HELPER = re.compile(r"^(?:get_)?(?:hash|encrypt)_?password$|^password_?hash$|^make_password$",
                          re.IGNORECASE)
_VERIFY_HELPER = re.compile(r"^(?:verify|check)_?password(?:_hash)?$", re.IGNORECASE)
_SQL_WRITE = re.compile(r"^\s*(?:insert|update|replace|upsert)\b", re.IGNORECASE)
_SQL_STATEMENT = re.compile(r"^\s*(?:--[^\n]*\n\s*)*(?:select|insert|update|replace|upsert|with"
                            r"|delete|merge)\b", re.IGNORECASE)
_SQL_TABLE = re.compile(r"\b(?:into|update)\s+([\w.\"`\[\]]+)", re.IGNORECASE)
_USER_TABLE = re.compile(r"(?i)user|account|member|admin|login|person|people|customer|staff"
                         r"|operator|employee|auth|credential|profile")
_SQL_PASSWORD_WORDS = r"password|passwd|pwd|user_password|passwort"
_SQL_PASSWORD_COLUMN = re.compile(rf"\b(?:{_SQL_PASSWORD_WORDS})\b", re.IGNORECASE)
# DB-API execute, asyncpg fetch*, pg8000 run, Django raw, SQLAlchemy exec_driver_sql.
_SQL_RUN_METHODS = frozenset({"execute", "executemany", "fetch", "fetchrow", "fetchval",
                              "run", "raw", "exec_driver_sql"})
# Literals that are not a usable password: Django's unusable marker ("!..."), masks
# ("*****"), and stored hashes (bcrypt, argon2, Django's algorithm$... format, hex digests).
_NOT_A_PASSWORD = re.compile(r"^(?:!.*|(.)\1*|\$2[aby]?\$.*|\$argon2.*|\$\w+\$.*"
                             r"|(?:pbkdf2_sha\d+|argon2|bcrypt\w*|scrypt|sha1|md5)\$.*"
                             # werkzeug's `pbkdf2:sha256:600000$salt$hash`, `scrypt:32768:8:1$...`
                             r"|(?:pbkdf2|scrypt):[\w:]+\$.*"
                             r"|[0-9a-fA-F]{32,})$", re.DOTALL)

# A constant compared to be refused or warned about, not accepted: DEFAULT_ADMIN_PASSWORD,
# LEGACY_PASSWORD, PASSWORD_MASK.
_KNOWN_BAD_PASSWORD = re.compile(r"DEFAULT|LEGACY|EXAMPLE|DUMMY|PLACEHOLDER|MASK|INSECURE"
                                 r"|WEAK|COMMON|BANNED|BLOCKED|FORBIDDEN")


# Constant-time comparisons of two strings or byte strings.
_CONSTANT_TIME_FUNCS = frozenset({"hmac.compare_digest", "secrets.compare_digest",
                                  "django.utils.crypto.constant_time_compare"})


def _unencoded(expr: ast.expr) -> ast.expr:
    """`stored.encode()` / `b"..."`-free view of a compare_digest argument."""
    while isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and (
            expr.func.attr == "encode") and not expr.args:
        expr = expr.func.value
    return expr


def _manager_owner(expr: ast.AST) -> ast.expr | None:
    """`User` in `User.objects` / `User.query`: a class (by its capital) whose manager or
    query property a write goes through, wherever the class is defined; the project phase
    checks it names a project class."""
    if not isinstance(expr, ast.Attribute) or expr.attr not in ("objects", "query"):
        return None
    owner = expr.value
    last = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
    return owner if last[:1].isupper() else None


def _collection_name(expr: ast.AST) -> str | None:
    """The collection a document write goes to: `db.users`, `db["users"]`,
    `db.get_collection("users")`; None when the code does not name it."""
    if isinstance(expr, ast.Attribute):
        return expr.attr
    if isinstance(expr, ast.Subscript):
        return constant_str(expr.slice)
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and (
            expr.func.attr == "get_collection") and expr.args:
        return constant_str(expr.args[0])
    return None


# A collection or a key naming another service whose account it is: a mail relay's login
# (`mail_accounts`, `smtp_password`) is a stored credential (BR203), not a user's password.
_OTHER_SERVICE = re.compile(r"(?i)(?:^|_)(?:e?mail|smtp|imap|pop3?|ldap|s?ftp|proxy|redis|vpn"
                            r"|wifi)(?:_|$)")


def _literal_password_entry(expr: ast.AST) -> ast.expr | None:
    """The literal under a password key of a document literal (or of one in a list literal,
    `insert_many([...])`): `{"name": "admin", "password": "admin"}`."""
    documents = expr.elts if isinstance(expr, ast.List | ast.Tuple) else [expr]
    for document in documents:
        if not isinstance(document, ast.Dict):
            continue
        for key, value in zip(document.keys, document.values, strict=True):
            name = constant_str(key) if key is not None else None
            if is_password_name(name) and not _OTHER_SERVICE.search(snake(name or "")) and (
                    is_literal_password(value)):
                return value
    return None


def is_literal_password(expr: ast.AST | str) -> bool:
    """A non-empty string literal that could be typed as a password."""
    text = expr if isinstance(expr, str) else constant_str(expr)
    return bool(text) and not text.isspace() and not _NOT_A_PASSWORD.match(text)


# -- the project's password stack (for fix suggestions) -------------------------------------
def password_stack(ctx: FileContext, value: str) -> tuple[str, str]:
    """(hash call, verify call) for `value` in the hashing library this file already uses."""
    semantic = ctx.semantic
    tracker = tracker_for(ctx)
    # The project's own helpers, imported or defined here: hash_password / verify_password.
    helpers = [b.name for bindings in semantic.module_scope.bindings.values() for b in bindings
               if b.kind in ("import", "def")]
    hasher = next((n for n in helpers if _HASH_HELPER.search(n)), None)
    verifier = next((n for n in helpers if _VERIFY_HELPER.search(n)), None)
    if hasher:
        verify = f"{verifier}({value}, <stored hash>)" if verifier else (
            "the matching verify function")
        return f"{hasher}({value})", verify
    for stmt in ctx.tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(
                stmt.targets[0], ast.Name) and tracker.hasher_object(stmt.value):
            name = stmt.targets[0].id
            return (f"{name}.hash({value})", f"{name}.verify({value}, <stored hash>)")
    if semantic.is_imported("django"):
        return (f"make_password({value})  # or user.set_password({value})",
                f"check_password({value}, <stored hash>)  # or user.check_password({value})")
    if semantic.is_imported("werkzeug") or semantic.is_imported("flask"):
        return (f"generate_password_hash({value})",
                f"check_password_hash(<stored hash>, {value})")
    if semantic.is_imported("bcrypt"):
        return (f"bcrypt.hashpw({value}.encode(), bcrypt.gensalt(rounds=12))",
                f"bcrypt.checkpw({value}.encode(), <stored hash>)")
    if semantic.is_imported("passlib"):
        return (f'CryptContext(schemes=["argon2", "bcrypt"]).hash({value})',
                f'CryptContext(schemes=["argon2", "bcrypt"]).verify({value}, <stored hash>)')
    if semantic.is_imported("pwdlib"):
        return (f"PasswordHash.recommended().hash({value})",
                f"PasswordHash.recommended().verify({value}, <stored hash>)")
    return (f"PasswordHasher().hash({value})  # argon2-cffi",
            f"PasswordHasher().verify(<stored hash>, {value})")


# Where the names a suggestion starts with come from, for a file that does not bind them.
_HASHER_IMPORTS = {
    "make_password": "from django.contrib.auth.hashers import make_password",
    "check_password": "from django.contrib.auth.hashers import check_password",
    "generate_password_hash": "from werkzeug.security import generate_password_hash",
    "check_password_hash": "from werkzeug.security import check_password_hash",
    "bcrypt": "import bcrypt",
    "CryptContext": "from passlib.context import CryptContext",
    "PasswordHash": "from pwdlib import PasswordHash",
    "PasswordHasher": "from argon2 import PasswordHasher",
}


_STRING_LITERAL = re.compile(r"\"[^\"\n]*\"|'[^'\n]*'")


def with_hasher_import(ctx: FileContext, code: str) -> str:
    """`code` preceded by the imports of the hashers it calls that the file does not bind
    already (a suggestion reads only names in scope or that it imports). Names inside string
    literals are not calls: `CryptContext(schemes=["bcrypt"])` needs passlib, not bcrypt."""
    calls = _STRING_LITERAL.sub('""', code)
    imports = [line for name, line in _HASHER_IMPORTS.items()
               if re.search(rf"(?<![\w.]){name}\b", calls)
               and name not in ctx.semantic.module_scope.bindings]
    return "\n".join(imports) + f"\n\n{code}" if imports else code


class _ModelKnowledge:
    """Is this callee an ORM model class; is this value a model instance."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx

    def model_class(self, expr: ast.AST, depth: int = 0) -> str | None:
        if depth > 4:
            return None
        name = expr.attr if isinstance(expr, ast.Attribute) else getattr(expr, "id", None)
        if not name or not name[:1].isupper():
            return None
        qualified = self.ctx.qualified_name(expr) or ""
        if qualified.startswith(("django.contrib.auth.models.", "mongoengine.")):
            return name
        parts = qualified.split(".")
        if any(p in ("models", "model", "orm", "entities", "tables", "db_models") for p in
               parts[:-1]):
            return name
        if isinstance(expr, ast.Name):
            for binding in self.ctx.semantic.lookup(expr.id, expr)[1]:
                if binding.kind == "class" and isinstance(binding.node, ast.ClassDef) and (
                        self.is_model_classdef(binding.node, depth + 1)):
                    return name
                if binding.kind == "assign" and isinstance(binding.value, ast.Call):
                    callee = self.ctx.qualified_name(binding.value.func)
                    if callee == "django.contrib.auth.get_user_model":
                        return name
        return None

    def is_model_classdef(self, cls: ast.ClassDef, depth: int = 0) -> bool:
        table = any(k.arg == "table" and isinstance(k.value, ast.Constant) and k.value.value
                    for k in cls.keywords)
        for base in cls.bases:
            text = self.ctx.source(base)
            qualified = self.ctx.qualified_name(base) or ""
            if qualified.startswith("sqlmodel."):
                if table:
                    return True
                continue
            if text in _MODEL_BASES or qualified.startswith(_MODEL_BASE_PREFIXES):
                return True
            if self.model_class(base, depth + 1):
                return True
            if table and isinstance(base, ast.Name):
                return True
        return False

    def is_model_instance(self, expr: ast.AST, depth: int = 0) -> bool:
        if depth > 3:
            return False
        if isinstance(expr, ast.Attribute) and expr.attr == "user" and isinstance(
                expr.value, ast.Name) and expr.value.id == "request":
            return True
        if self.ctx.qualified_name(expr) in _FETCH_FUNCS:
            return True
        if isinstance(expr, ast.Name) and expr.id == "self":
            cls = self.ctx.semantic.enclosing_class(expr)
            return cls is not None and self.is_model_classdef(cls)
        if not isinstance(expr, ast.Name):
            return False
        for binding in self.ctx.reaching_bindings(expr):
            if binding.kind == "param" and binding.annotation is not None and (
                    self.model_class(binding.annotation)):
                return True
            if binding.kind in ("assign", "annassign") and binding.value is not None and (
                    self.is_fetch(binding.value)
                    or self.is_model_instance(binding.value, depth + 1)):
                return True
        return False

    def is_fetch(self, value: ast.AST) -> bool:
        """A model constructor or an ORM query returning one row."""
        if isinstance(value, ast.Await):
            value = value.value
        if not isinstance(value, ast.Call):
            return False
        if self.model_class(value.func):
            return True
        if self.ctx.qualified_name(value.func) in _FETCH_FUNCS:
            return True
        text = self.ctx.source(value.func)
        if isinstance(value.func, ast.Attribute) and value.func.attr in (
                "get", "first", "one", "one_or_none", "scalar_one", "first_or_404",
                "get_or_404", "scalar", "get_or_none", "get_by_id", "find_one"):
            if ".objects" in text or ".query" in text or "session" in text.lower():
                return True
            # Peewee's `User.get(User.name == n)`, tortoise's `await User.get(name=n)`,
            # beanie's `User.find_one(...)`, `User.select().where(...).first()`: a query
            # chain rooted at a model class gives one row of it.
            root: ast.AST = value.func.value
            while isinstance(root, ast.Call | ast.Attribute):
                root = root.func if isinstance(root, ast.Call) else root.value
            return isinstance(root, ast.Name) and self.model_class(root) is not None
        return False


class PlaintextPassword(Rule):
    id = "BR201"

    def __init__(self, ctx, doc) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx, doc)
        self.values: ValueTracker = tracker_for(ctx)
        self.models = _ModelKnowledge(ctx)
        self.values.is_model_class = self.models.is_model_classdef
        self.strings = StringAnalyzer(ctx)
        self.non_production = is_non_production(ctx.policy_path)
        self.flow = PasswordFlow(ctx)
        self.names_passwords = may_name_password(ctx)
        # Without password names, only a secret-named parameter handed on is left to find.
        self.secret_names = frozenset() if self.names_passwords else secret_names(ctx)

    # -- ORM calls, document stores, INSERT parameters -------------------------------------
        if not self.names_passwords and not self.secret_names:
            # Only SQL text is left to read (visit_Call): the calls of those methods are
            # read at the end of the file instead of every call being dispatched here.
            self.idle = frozenset({ast.Call})

    def visit_Call(self, node: ast.Call) -> None:
        if not self.names_passwords and not (
                self.secret_names and hands_on_secret_name(node, self.secret_names)):
            # Without a name that can be a password's, neither a store, a lookup, a document
            # write nor a plaintext argument can be found, and no secret-named parameter is
            # handed on: only SQL text (assembled from constants) is left to read.
            func = node.func
            if not (isinstance(func, ast.Attribute) and func.attr in _SQL_RUN_METHODS
                    and node.args):
                return
        sink = self._orm_sink(node)
        if sink is None and self._constant_time_compare(node):
            return
        if sink is None:
            self.flow.call(node, self._plaintext_text, self._helper_finding)
        if sink is not None:
            label, lookup = sink
            if self._model_hashes(node.func):
                return
            for kw, value in self._password_keywords(node):
                origin = self.values.plaintext_password(value)
                attr = kw.arg if isinstance(kw, ast.keyword) and kw.arg else "password"
                if origin is None or origin.kind == "parameter":
                    self.flow.use(value, node, LOOKS_UP if lookup else STORES, label,
                                  reported=origin is not None,
                                  model_ref=None if lookup else self._sink_model_ref(node),
                                  attr=attr, constructor=True,
                                  through_instance=self._through_instance(node, label))
                if origin is not None:
                    finding = self._report_store(kw, value, origin.text, label, lookup)
                    if not lookup:
                        attr = kw.arg if isinstance(kw, ast.keyword) and kw.arg else "password"
                        self._defer(finding, self._sink_model_ref(node), attr, True, value,
                                    through_instance=self._through_instance(node, label))
                elif not lookup and is_literal_password(value) and self._seeds_users(label):
                    # A literal handed to a model whose setter hashes is stored hashed.
                    self._defer(self._report_literal(kw, value, label),
                                self._sink_model_ref(node), attr, True, value,
                                through_instance=self._through_instance(node, label))
            if not lookup and self._through_instance(node, label):
                self._spreads(node, label)
            if label.endswith("(...)"):
                # Account(name, password): the constructor's positional fields.
                for arg in node.args:
                    origin = self.values.plaintext_password(arg)
                    if origin is not None and self._names_password(arg):
                        finding = self._report_store(arg, arg, origin.text, label, False)
                        self._defer(finding, self._sink_model_ref(node), "password", True, arg)
            return
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in _DOC_WRITE_METHODS:
            for arg in [*node.args, *(k.value for k in node.keywords)]:
                found = self._password_in_dict(arg)
                if found is not None:
                    key_node, value, origin = found
                    lookup = func.attr.startswith("find")
                    self._report_store(key_node, value, origin, f".{func.attr}()", lookup)
                    return
            collection = _collection_name(func.value)
            if func.attr in _DOC_INSERTS and node.args and self._seeds_users(collection) and (
                    not _OTHER_SERVICE.search(collection or "")):
                # The document is the first argument (`insert_one(doc)`, `insert_many(docs)`,
                # `insert(doc_or_docs)`); `users.insert(0, {...})` is a list's, not a store.
                literal = _literal_password_entry(node.args[0])
                if literal is not None:
                    self._report_literal(literal, literal, f".{func.attr}()")
            return
        if isinstance(func, ast.Attribute) and func.attr in _SQL_RUN_METHODS and node.args:
            self._sql_password(node, func)

    # -- models that hash (decided in the project phase, br201_models) -----------------------
    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        fact = password_class(self.ctx, self.values, node, self.models.is_model_classdef)
        if fact is not None:
            self.ctx.emit_fact(CLASSES, fact)
        # Not behind names_passwords: `fields = "__all__"` writes a password no name shows.
        serializer = password_serializer(self.ctx, self.values, node, self.report)
        if serializer is not None:
            self.ctx.emit_fact(SERIALIZERS, serializer)

    def end_file(self) -> None:
        if ast.Call in self.idle:
            for call in self.ctx.semantic.calls_named(_SQL_RUN_METHODS):
                self.visit_Call(call)
        # What hashes a parameter, for the setters that hand their value to this function.
        record_hash_uses(self.ctx, self.values)
        for hook in module_hooks(self.ctx, self.values):
            self.ctx.emit_fact(HOOKS, hook)

    def _defer(self, finding: Finding, model_ref: str | None, attr: str, constructor: bool,
               value: ast.expr, through_instance: bool = True) -> None:
        """Hand a store finding to the project phase, which drops it when the model (or the
        input schema the value comes from) hashes the password."""
        source_ref, source_attr = self._source_ref(value)
        if not through_instance and source_ref is None:
            return  # nothing the project phase could find: the finding stands
        self.ctx.findings.remove(finding)
        self.ctx.emit_fact(DEFERRED, DeferredStore(finding, model_ref, attr, constructor,
                                                   source_ref, source_attr, through_instance))

    @staticmethod
    def _through_instance(call: ast.Call, label: str) -> bool:
        """The write builds a model instance, so the model's setters, validators and save()
        run: the constructor, Django's `create()` / `get_or_create()` /
        `update_or_create()`. A queryset `update()` or a Core `insert().values()` writes the
        column directly, past anything the model does."""
        if label.endswith("(...)"):
            return True
        return isinstance(call.func, ast.Attribute) and call.func.attr in _INSTANCE_WRITES

    def _plaintext_text(self, expr: ast.expr) -> str | None:
        """The origin of a plaintext password the request carried (not a parameter: the
        caller's callers decide about those)."""
        origin = self.values.plaintext_password(expr)
        return origin.text if origin is not None and origin.kind != "parameter" else None

    def _helper_finding(self, call: ast.Call) -> Finding:
        """The finding at a call handing a plaintext password to a project function, kept
        out of the file's findings: the project phase words it once the callee is known."""
        value = self.ctx.source(call.func)
        hashed, _ = password_stack(self.ctx, "password")
        finding = self.report(call, f"plaintext password is handed to `{value}`",
                              fix=Fix("Hash the password before handing it on (or let the "
                                      "helper hash it), and verify passwords with the "
                                      "hasher's verify function.",
                                      with_hasher_import(self.ctx, f"password={hashed}")))
        self.ctx.findings.remove(finding)
        return finding

    def _sink_model_ref(self, call: ast.Call) -> str | None:
        """The model class an ORM write names: `User(...)`, `User.objects.create(...)`."""
        expr: ast.AST = call.func
        while True:
            if self.models.model_class(expr):
                return definition_ref(self.ctx, expr)
            owner = _manager_owner(expr)
            if owner is not None:
                return definition_ref(self.ctx, owner)
            if isinstance(expr, ast.Attribute):
                expr = expr.value
            elif isinstance(expr, ast.Call):
                expr = expr.func
            else:
                return None

    def _instance_ref(self, expr: ast.AST, depth: int = 0) -> str | None:
        """The class of a model instance, when the file can tell it: `self` in a model, a
        parameter annotated with the model, a local built or fetched from it
        (`User(...)`, `User.query.get(...)`, `User.objects.get(...)`)."""
        if depth > 3:
            return None
        if isinstance(expr, ast.Name) and expr.id == "self":
            cls = self.ctx.semantic.enclosing_class(expr)
            return class_qualname(self.ctx, cls) if cls is not None else None
        if not isinstance(expr, ast.Name):
            return None
        refs: set[str | None] = set()
        for binding in self.ctx.reaching_bindings(expr):
            if binding.kind == "param" and binding.annotation is not None:
                refs.add(definition_ref(self.ctx, binding.annotation)
                         if self.models.model_class(binding.annotation) else None)
            elif binding.kind in ("assign", "annassign") and binding.value is not None:
                value = binding.value.value if isinstance(binding.value, ast.Await) else (
                    binding.value)
                refs.add((self._sink_model_ref(value) or self._fetched_model_ref(value))
                         if isinstance(value, ast.Call) else
                         self._instance_ref(value, depth + 1))
            else:
                refs.add(None)
        return refs.pop() if len(refs) == 1 else None

    def _spreads(self, call: ast.Call, label: str) -> None:
        """`User(**body.model_dump())`: a whole input schema spread into a model; decided
        in the project phase, which knows both classes' fields (br201_spreads)."""
        for kw in call.keywords:
            schema = spread_schema(self.ctx, kw.value) if kw.arg is None else None
            if schema is None:
                continue
            dump = kw.value
            body = self.ctx.source(dump.func.value if isinstance(dump, ast.Call) and isinstance(
                dump.func, ast.Attribute) else dump.args[0])  # type: ignore[attr-defined]
            hashed = password_stack(self.ctx, f"{body}.FIELD")[0].split("  #")[0]
            finding = self.report(kw.value, "plaintext password is stored through a spread",
                                  fix=Fix("Leave the password out of the dump and store its "
                                          "hash under the model's field.", with_hasher_import(
                                              self.ctx, f"{self.ctx.source(call.func)}(**"
                                              f"{body}.model_dump(exclude={{\"FIELD\"}}), "
                                              f"FIELD={hashed})")))
            self.ctx.findings.remove(finding)
            self.ctx.emit_fact(SPREADS, SpreadStore(
                finding, self._sink_model_ref(call), schema, label,
                self.ctx.source(kw.value)))

    def _fetched_model_ref(self, call: ast.Call) -> str | None:
        """The model class a one-row fetch names as its first argument:
        `session.get(model.User, id)`, `get_object_or_404(User, pk=pk)`,
        `session.query(User).filter(...).first()`. The class is checked in the project
        phase (a reference that names no project class proves nothing)."""
        expr: ast.AST = call
        while isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and (
                expr.func.attr not in _FETCH_WITH_MODEL):
            expr = expr.func.value
        if not isinstance(expr, ast.Call) or not expr.args:
            return None
        name = expr.func.attr if isinstance(expr.func, ast.Attribute) else getattr(
            expr.func, "id", "")
        if name not in _FETCH_WITH_MODEL:
            return None
        model = expr.args[0]
        last = model.attr if isinstance(model, ast.Attribute) else getattr(model, "id", "")
        return definition_ref(self.ctx, model) if last[:1].isupper() else None

    def _source_ref(self, value: ast.expr) -> tuple[str | None, str]:
        """`body.password` where `body: UserCreate`: the schema class and the field, whose
        validator may hash it."""
        origin = self.values.plaintext_password(value)
        node = origin.node if origin is not None else None
        if origin is None or origin.kind != "body-field" or not isinstance(
                node, ast.Attribute) or not isinstance(node.value, ast.Name):
            return None, ""
        for binding in self.ctx.reaching_bindings(node.value):
            annotation = binding.annotation
            if binding.kind == "param" and annotation is not None:
                if isinstance(annotation, ast.Subscript):  # Annotated[UserCreate, Body()]
                    inner = annotation.slice
                    annotation = inner.elts[0] if isinstance(inner, ast.Tuple) else inner
                return definition_ref(self.ctx, annotation), node.attr
        return None, ""

    def _names_password(self, expr: ast.AST) -> bool:
        """A positional argument says it is the password (`password`, `form['password']`)."""
        if isinstance(expr, ast.Name):
            return is_password_name(expr.id)
        return True  # a request field or body field the tracker found by its password key

    def _model_hashes(self, func: ast.AST) -> bool:
        """The model class, defined in this file, hashes what it is given (a password
        setter or an `__init__` that calls a hasher)."""
        if not isinstance(func, ast.Name):
            return False
        for binding in self.ctx.semantic.lookup(func.id, func)[1]:
            if binding.kind == "class" and isinstance(binding.node, ast.ClassDef):
                return any(self.values.is_hasher_call(n) for n in ast.walk(binding.node))
        return False

    # -- SQL text: WHERE password = ?, INSERT INTO users (name, password) VALUES (...) ---------
    def _sql_password(self, node: ast.Call, func: ast.Attribute) -> None:
        sql_arg = node.args[0]
        if self._core_write(sql_arg):
            # conn.execute(users.insert(), {"name": n, "password": p})
            for params in node.args[1:]:
                items = params.elts if isinstance(params, ast.List | ast.Tuple) else [params]
                for item in items:
                    found = self._password_in_dict(item)
                    if found is not None:
                        key, value, origin = found
                        self._report_store(key, value, origin,
                                           f"{self.ctx.source(func)}() (SQL INSERT/UPDATE)",
                                           False)
                        return
            return
        if isinstance(sql_arg, ast.Call) and sql_arg.args and (
                self.ctx.qualified_name(sql_arg.func) or "").endswith(".text"):
            sql_arg = sql_arg.args[0]  # session.execute(text("..."), {...})
        build = self.strings.analyze(sql_arg)
        if build is None:
            return
        text = build.constant_text()
        if not _SQL_STATEMENT.match(text) or not _SQL_PASSWORD_COLUMN.search(text):
            return  # `subprocess.run(f"mysql --password={pw}")` is no SQL
        write = bool(_SQL_WRITE.match(text))
        seeds = write and self._seeds_users(_SQL_TABLE.search(text))
        label = f"{self.ctx.source(func)}()"
        params = list(node.args[1:]) + [k.value for k in node.keywords
                                         if k.arg in ("params", "parameters", "args")]
        for value in column_values(text, _SQL_PASSWORD_WORDS):
            if value.kind == "literal":
                if seeds and is_literal_password(value.text):
                    self._report_literal(node, ast.Constant(value.text),
                                         f"{label} (SQL INSERT/UPDATE)")
                continue
            if value.kind == "value":
                expr = interpolated(build, value.index)
            elif value.kind == "placeholder":
                expr = parameter(params, value)
            else:
                continue
            if expr is None:
                continue
            origin = self.values.plaintext_password(expr)
            what = "SQL INSERT/UPDATE" if write else "SQL WHERE"
            if origin is None or origin.kind == "parameter":
                self.flow.use(expr, node, STORES if write else LOOKS_UP, f"{label} ({what})",
                              reported=origin is not None)
            if origin is not None:
                self._report_store(node, expr, origin.text, f"{label} ({what})", not write)
                return
            if seeds and is_literal_password(expr):
                self._report_literal(node, expr, f"{label} (SQL INSERT/UPDATE)")
                return

    def _seeds_users(self, target: str | re.Match[str] | None) -> bool:
        """Seed code outside tests writing into a users table or model: a literal password
        for a mail server or a remote database is a stored credential (BR203), not an
        account password."""
        if isinstance(target, re.Match):
            target = target.group(1)
        return not self.non_production and bool(target) and bool(_USER_TABLE.search(target))

    def _core_write(self, expr: ast.AST) -> bool:
        """A SQLAlchemy Core insert/update construct: `users.insert()`, `insert(User)`."""
        if not isinstance(expr, ast.Call):
            return False
        qualified = self.ctx.qualified_name(expr.func) or ""
        if qualified.startswith(("sqlalchemy.", "sqlmodel.")) and qualified.rsplit(".", 1)[-1] in (
                "insert", "update"):
            return True
        return isinstance(expr.func, ast.Attribute) and expr.func.attr in ("insert", "update") and (
            not expr.args) and any(self.ctx.semantic.is_imported(m) for m in (
                "sqlalchemy", "flask_sqlalchemy", "sqlmodel", "databases"))

    def _report_literal(self, at: ast.AST, value: ast.expr, sink: str) -> Finding:
        literal = value.value if isinstance(value, ast.Constant) else self.ctx.source(value)
        # The example reads the variable it hashes, so every name in it is bound.
        hashed, _ = password_stack(self.ctx, "initial_password")
        os_import = "" if "os" in self.ctx.semantic.module_scope.bindings else "import os\n\n"
        example = with_hasher_import(
            self.ctx, f'{os_import}initial_password = os.environ["INITIAL_PASSWORD"]\n{hashed}')
        return self.report(at, f"literal password {literal!r} is stored by `{sink}` without "
                           f"a password hash: seed or bootstrap code ships a known password "
                           f"in plaintext", fix=Fix("Read the initial password from the "
                                                    "environment and store its hash (or force "
                                                    "a reset on first login).", example))

    def _orm_sink(self, call: ast.Call) -> tuple[str, bool] | None:
        """(label, is_lookup) when `call` writes or looks up ORM rows by keyword."""
        func = call.func
        model = self.models.model_class(func)
        if model:
            return f"{model}(...)", False
        if not isinstance(func, ast.Attribute):
            return None
        method = func.attr
        if method not in _WRITE_METHODS and method not in _LOOKUP_METHODS:
            return None
        receiver = self.ctx.source(func.value)
        label = f"{receiver if len(receiver) <= 40 else '...'}.{method}()"
        ormish = (".objects" in receiver or receiver.endswith("objects")
                  or ".query" in receiver or receiver.startswith("query")
                  or "session.query" in receiver
                  or self.models.model_class(func.value) is not None)
        if not ormish and isinstance(func.value, ast.Call):
            # insert(User).values(...), update(User).where(...).values(...)
            inner = func.value
            while isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute):
                inner = inner.func.value
            if isinstance(inner, ast.Call):
                qualified = self.ctx.qualified_name(inner.func) or ""
                ormish = qualified.startswith("sqlalchemy.") or qualified.startswith("sqlmodel.")
            ormish = ormish or self._core_write(func.value)
        if not ormish:
            return None
        return label, method in _LOOKUP_METHODS

    def _password_keywords(self, call: ast.Call) -> list[tuple[ast.AST, ast.expr]]:
        out: list[tuple[ast.AST, ast.expr]] = []
        for kw in call.keywords:
            if kw.arg is not None and is_password_name(kw.arg):
                out.append((kw, kw.value))
            elif kw.arg is None:
                found = self._password_in_dict(kw.value)
                if found is not None:
                    out.append((kw, found[1]))
        for arg in call.args:
            if isinstance(arg, ast.Dict):
                found = self._password_in_dict(arg)
                if found is not None:
                    out.append((found[0], found[1]))
        return out

    def _password_in_dict(self, expr: ast.AST, depth: int = 0
                          ) -> tuple[ast.AST, ast.expr, str] | None:
        """A `"password": <plaintext>` entry in a dict literal (or a local bound to one)."""
        if depth > 2:
            return None
        if isinstance(expr, ast.Name):
            for binding in self.ctx.reaching_bindings(expr):
                if binding.kind == "assign" and isinstance(binding.value, ast.Dict):
                    found = self._password_in_dict(binding.value, depth + 1)
                    if found:
                        return found
            return None
        if isinstance(expr, ast.Call) and self.ctx.qualified_name(expr.func) == "builtins.dict":
            for kw in expr.keywords:
                if kw.arg and is_password_name(kw.arg):
                    origin = self.values.plaintext_password(kw.value)
                    if origin:
                        return kw, kw.value, origin.text
            return None
        if not isinstance(expr, ast.Dict):
            return None
        for key, value in zip(expr.keys, expr.values, strict=True):
            if is_password_name(constant_str(key)):
                origin = self.values.plaintext_password(value)
                if origin:
                    return key, value, origin.text  # type: ignore[return-value]
            elif isinstance(value, ast.Dict):  # {"$set": {"password": ...}}
                found = self._password_in_dict(value, depth + 1)
                if found:
                    return found
        return None

    # -- attribute assignment on a model -----------------------------------------------------
    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            if not isinstance(target, ast.Attribute) or not is_password_name(target.attr):
                continue
            if not self.models.is_model_instance(target.value):
                continue
            origin = self.values.plaintext_password(node.value)
            if origin is None or origin.kind == "parameter":
                self.flow.use(node.value, node, STORES, f"{self.ctx.source(target)} = ...",
                              reported=origin is not None,
                              model_ref=self._instance_ref(target.value), attr=target.attr,
                              through_instance=True)
            if origin is None:
                continue
            owner = self.ctx.source(target.value)
            hashed, _ = password_stack(self.ctx, self.ctx.source(node.value))
            if self.ctx.semantic.is_imported("django") and target.attr == "password":
                suggestion = f"{owner}.set_password({self.ctx.source(node.value)})"
            else:
                suggestion = f"{self.ctx.source(target)} = {hashed}"
            finding = self.report(
                node, f"plaintext password ({origin.text}) is assigned to "
                f"`{self.ctx.source(target)}` on a model without a password hash; "
                f"store a salted slow hash instead",
                fix=Fix("Hash the password before storing it.",
                        with_hasher_import(self.ctx, suggestion)))
            self._defer(finding, self._instance_ref(target.value), target.attr, False,
                        node.value)

    # -- comparisons -----------------------------------------------------------------------
    def visit_Compare(self, node: ast.Compare) -> None:
        if len(node.ops) != 1:
            return
        left, right = node.left, node.comparators[0]
        if isinstance(node.ops[0], ast.In | ast.NotIn):
            self._compare_in(node, left, right)
            return
        if not isinstance(node.ops[0], ast.Eq | ast.NotEq):
            return
        for provided, stored in ((left, right), (right, left)):
            if is_literal_password(stored) and self._hardcoded(node, provided, stored, "=="):
                return
        for provided, stored in ((left, right), (right, left)):
            origin = self.values.plaintext_password(provided)
            if origin is None and self._is_stored_password(stored):
                op = "==" if isinstance(node.ops[0], ast.Eq) else "!="
                self.flow.use(provided, node, COMPARES,
                              f"with `{self.ctx.source(stored)}` using `{op}`")
            if origin is None or not self._is_stored_password(stored):
                continue
            op = "==" if isinstance(node.ops[0], ast.Eq) else "!="
            self._report_compare(node, origin.text, provided, stored, f"`{op}`")
            return

    def _report_compare(self, node: ast.AST, origin: str, provided: ast.expr, stored: ast.expr,
                        how: str) -> None:
        _, verify = password_stack(self.ctx, self.ctx.source(provided))
        if isinstance(stored, ast.Attribute) and self.models.model_class(stored.value):
            # `select(User).where(User.password == p)`: the column of the class, so the
            # comparison runs in SQL. There is no row to verify against in this expression:
            # the fix is the lookup's (find the user by name, then verify), not a verify
            # call on the column object.
            self.report(node, f"plaintext password ({origin}) is compared with "
                        f"`{self.ctx.source(stored)}` using {how} in a query: the password "
                        f"column holds plaintext; look the user up by name and verify the "
                        f"password against its hash",
                        fix=Fix("Look the user up by identifier and verify the password hash.",
                                code_or_none(with_hasher_import(self.ctx, verify))))
            return
        self.report(node, f"plaintext password ({origin}) is compared with "
                    f"`{self.ctx.source(stored)}` using {how}: passwords must be stored "
                    f"hashed and checked with the hasher's verify function",
                    fix=Fix("Store a password hash and verify against it (constant "
                            "time).", code_or_none(with_hasher_import(self.ctx, verify.replace(
                                "<stored hash>", self.ctx.source(stored))))))

    def _constant_time_compare(self, node: ast.Call) -> bool:
        """`hmac.compare_digest(password, user.password)`, `secrets.compare_digest(
        credentials.password, "swordfish")`: constant time, but still plaintext against a
        stored column or a literal. A configured secret (`settings.COMPUTE_PASSWORD`) is
        left alone here: a constant-time check of a shared credential the configuration
        must hold in clear for its clients is what such code is meant to do."""
        # Asked of every call: the argument count first, the qualified name only then.
        if len(node.args) != 2 or (self.ctx.qualified_name(node.func) or ""
                                   ) not in _CONSTANT_TIME_FUNCS:
            return False
        for provided, stored in ((node.args[0], node.args[1]), (node.args[1], node.args[0])):
            stored = _unencoded(stored)
            what = f"{self.ctx.source(node.func)}()"
            if is_literal_password(stored):
                if self._hardcoded(node, provided, stored, what):
                    return True
                continue
            origin = self.values.plaintext_password(provided)
            if origin is None or not isinstance(stored, ast.Attribute) or not (
                    self._is_stored_password(stored)) or stored.attr.isupper():
                continue
            self._report_compare(node, origin.text, provided, stored, f"`{what}`")
            return True
        return False

    def _compare_in(self, node: ast.Compare, left: ast.expr, right: ast.expr) -> None:
        """`password in ("letmein", "hunter2")`: a list of accepted plaintext passwords."""
        if isinstance(right, ast.Tuple | ast.List | ast.Set) and right.elts and all(
                is_literal_password(e) for e in right.elts):
            self._hardcoded(node, left, right, "in")

    def _hardcoded(self, node: ast.AST, provided: ast.expr, literal: ast.expr,
                   op: str) -> bool:
        origin = self.values.plaintext_password(provided)
        if origin is None:
            return False
        _, verify = password_stack(self.ctx, self.ctx.source(provided))
        shown = (f"{op[:-2]}(..., {self.ctx.source(literal)})" if op.endswith("()")
                 else f"{op} {self.ctx.source(literal)}")
        self.report(node, f"plaintext password ({origin.text}) is compared with a literal "
                    f"(`{shown}`): the accepted password sits in the "
                    f"source code in plaintext",
                    fix=Fix("Keep only a hash of the password (in configuration, not code) "
                            "and verify against it in constant time.",
                            code_or_none(with_hasher_import(self.ctx, verify))))
        return True

    def _is_configured_password(self, expr: ast.AST) -> bool:
        """ADMIN_PASSWORD, os.environ.get("ADMIN_PASSWORD"), os.getenv("DB_PASSWORD")."""
        if isinstance(expr, ast.Name):
            return expr.id.isupper() and is_password_name(expr.id) and not (
                _KNOWN_BAD_PASSWORD.search(expr.id))
        if isinstance(expr, ast.Call) and expr.args:
            key = constant_str(expr.args[0])
            qualified = self.ctx.qualified_name(expr.func) or ""
            is_get = isinstance(expr.func, ast.Attribute) and expr.func.attr == "get"
            return bool(key) and key.isupper() and is_password_name(key) and (
                is_get or qualified in ("os.getenv", "os.environ.get"))
        return False

    def _is_stored_password(self, expr: ast.AST) -> bool:
        if self.values.plaintext_password(expr) is not None:
            return False  # two client values (password == confirm_password)
        if isinstance(expr, ast.Attribute):
            if not is_password_name(expr.attr):
                return False
            base = expr.value
            # A column of a model (User.password), a model row (user.password), or a
            # configured secret (settings.ADMIN_PASSWORD).
            return bool(self.models.model_class(base) or self.models.is_model_instance(base)
                        or expr.attr.isupper())
        if isinstance(expr, ast.Subscript):
            key = constant_str(expr.slice)
            return is_password_name(key) and not self.values.request_data(expr.value)
        return self._is_configured_password(expr)

    def _report_store(self, at: ast.AST, value: ast.expr, origin: str, sink: str,
                      lookup: bool) -> Finding:
        text = self.ctx.source(value)
        hashed, verify = password_stack(self.ctx, text)
        if lookup:
            message = (f"rows are looked up by plaintext password ({origin}) in `{sink}`: "
                       f"the password column holds plaintext; look the user up by name and "
                       f"verify the password against its hash")
            fix = Fix("Look the user up by identifier and verify the password hash.",
                      code_or_none(with_hasher_import(self.ctx, verify)))
        else:
            message = (f"plaintext password ({origin}) is stored by `{sink}` without a "
                       f"password hash")
            fix = Fix("Hash the password with a slow salted hasher before storing it.",
                      with_hasher_import(self.ctx, self._store_suggestion(sink, text, hashed)))
        return self.report(at, message, fix=fix)

    def _store_suggestion(self, sink: str, text: str, hashed: str) -> str:
        if sink.endswith("objects.create()") and self.ctx.semantic.is_imported("django"):
            return (f"{sink[:-len('create()')]}create_user(..., password={text})  "
                    f"# create_user hashes it")
        return f"password={hashed}"


# -- BR202 -------------------------------------------------------------------------------------
# hmac.compare_digest, passlib.utils.consteq, Django's constant_time_compare.
_CONSTANT_TIME_COMPARES = frozenset({"compare_digest", "consteq", "constant_time_compare",
                                     "safe_str_cmp"})
# The modules whose calls WeakPasswordHash.visit_Call reads.
_HASHING_MODULES = ("hashlib", "bcrypt", "werkzeug", "passlib")
_WEAK_DIGESTS = frozenset({"md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha3_224",
                           "sha3_256", "sha3_384", "sha3_512", "blake2b", "blake2s", "md4",
                           "ripemd160", "sha"})
_PBKDF2_MIN = {"sha1": 1_300_000, "sha256": 600_000, "sha512": 210_000}
_BCRYPT_MIN_ROUNDS = 12
# `{SSHA}`, `{SHA512}`, `{SMD5}`: the scheme tag of an LDAP / htpasswd password value.
_SCHEME_TAG = re.compile(r"^\{S?(SHA|MD5)\d*\}")
_SCRYPT_MIN_COST = 2 ** 13 * 8 * 10  # OWASP's weakest listed equivalent (N=2^13, r=8, p=10)
_WEAK_DJANGO_HASHERS = frozenset({"MD5PasswordHasher", "UnsaltedMD5PasswordHasher",
                                  "SHA1PasswordHasher", "UnsaltedSHA1PasswordHasher",
                                  "CryptPasswordHasher"})


def _declared_not_for_security(node: ast.Call) -> bool:
    """`hashlib.sha1(pw, usedforsecurity=False)`: the author states in the call (Python 3.9+)
    that the digest is a lookup key or checksum, not a credential; the interpreter itself
    allows it under FIPS for that reason."""
    flag = keyword(node, "usedforsecurity")
    return isinstance(flag, ast.Constant) and flag.value is False


# A name that says it holds a password or its hash (`password`, `pwd_hash`, `digest`).
_STORED_AS = re.compile(r"passw|passphrase|(?:^|_)pwd?(?:_|\d|$)|hash|digest")


def _stored_name(name: str | None) -> bool:
    return bool(name) and bool(_STORED_AS.search(snake(name or "")))


class WeakPasswordHash(Rule):
    id = "BR202"

    def __init__(self, ctx, doc) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx, doc)
        self.values: ValueTracker = tracker_for(ctx)
        if not any(ctx.semantic.is_imported(m) for m in _HASHING_MODULES):
            # Every call this rule reads has a qualified name under one of these modules
            # (a `.update()` too: its digest object comes from hashlib), and a qualified name
            # starts with an imported module: no call of this file is read.
            self.idle = frozenset({ast.Call})

    def visit_Call(self, node: ast.Call) -> None:
        qualified = self.ctx.qualified_name(node.func) or ""
        if qualified.startswith("hashlib."):
            self._hashlib(node, qualified[len("hashlib."):])
        elif qualified == "bcrypt.gensalt":
            rounds = self.values.int_value(argument(node, 0, "rounds"))
            if rounds is not None and rounds < _BCRYPT_MIN_ROUNDS:
                self.report(node, f"bcrypt.gensalt() with {rounds} rounds: use at least "
                            f"{_BCRYPT_MIN_ROUNDS}", fix=Fix(
                                "Raise the bcrypt cost factor.", "bcrypt.gensalt(rounds=12)"))
        elif qualified in ("werkzeug.security.generate_password_hash",
                           "werkzeug.generate_password_hash"):
            self._werkzeug(node)
        elif qualified.startswith("passlib.") and isinstance(node.func, ast.Attribute) and (
                node.func.attr == "using"):
            self._passlib_using(node, qualified)
        elif qualified == "passlib.context.CryptContext":
            for kw in node.keywords:
                if kw.arg in ("bcrypt__rounds", "bcrypt__default_rounds"):
                    rounds = self.values.int_value(kw.value)
                    if rounds is not None and rounds < _BCRYPT_MIN_ROUNDS:
                        self.report(kw, f"CryptContext bcrypt rounds {rounds}: use at least "
                                    f"{_BCRYPT_MIN_ROUNDS}", fix=Fix(
                                        "Raise the bcrypt cost factor.", f"{kw.arg}=12"))
        elif isinstance(node.func, ast.Attribute) and node.func.attr == "update" and (
                isinstance(node.func.value, ast.Name)) and node.args:
            digest = self._digest_object(node.func.value)
            if digest:
                password = self.values.password_in(node.args[0])
                if password and not self._inside_hasher(node):
                    self._report_digest(node, digest, password)

    def _hashlib(self, node: ast.Call, name: str) -> None:
        if name == "pbkdf2_hmac":
            self._pbkdf2(node)
            return
        if name == "scrypt":
            self._scrypt(node)
            return
        digest = name
        data = argument(node, 0, "string") or keyword(node, "data")
        if name == "new":
            digest = (self.values.str_value(argument(node, 0, "name")) or "").lower()
            data = argument(node, 1, "data") or keyword(node, "string")
        if digest not in _WEAK_DIGESTS or data is None:
            return
        if _declared_not_for_security(node):
            return
        password = self.values.password_in(data)
        if password and not self._inside_hasher(node) and not self._upgrades_legacy_hash(node):
            self._report_digest(node, digest, password)

    def _upgrades_legacy_hash(self, node: ast.AST) -> bool:
        """A legacy-hash upgrade at login: the function only compares the weak digest
        (`consteq(sha1(pw + salt).hexdigest(), stored)`, `==`) and, on a match, re-hashes the
        password with a slow hasher (`self._set_password(password)`, `pwd_context.hash(pw)`).
        New passwords never get the weak digest; replacing the check would lock out every
        user still holding a legacy hash."""
        function = self.ctx.semantic.enclosing_function(node)
        if function is None or isinstance(function, ast.Lambda):
            return False
        compares = rehashes = False
        for n in ast.walk(function):
            if isinstance(n, ast.Compare):
                compares = True
            elif isinstance(n, ast.Call):
                func = n.func
                name = (func.attr if isinstance(func, ast.Attribute)
                        else getattr(func, "id", "")).lstrip("_")
                if name in _CONSTANT_TIME_COMPARES:
                    compares = True
                elif n is not node and n.args and (
                        self.values.is_hasher_call(n) or HASHING_CALL.match(name)
                        or (isinstance(func, ast.Attribute) and name in ("hash", "encrypt"))):
                    rehashes = True
        return compares and rehashes

    def _inside_hasher(self, node: ast.AST) -> bool:
        """sha256 as a pre-hash inside bcrypt.hashpw(...) (bcrypt's 72-byte limit)."""
        for anc in self.ctx.semantic.ancestors(node):
            if isinstance(anc, ast.Call) and self.values.is_hasher_call(anc):
                return True
            if isinstance(anc, ast.stmt):
                return False
        return False

    def _digest_object(self, name: ast.Name) -> str | None:
        for binding in self.ctx.reaching_bindings(name):
            value = binding.value
            if binding.kind == "assign" and isinstance(value, ast.Call):
                qualified = self.ctx.qualified_name(value.func) or ""
                if qualified.startswith("hashlib."):
                    digest = qualified[len("hashlib."):]
                    if digest == "new":
                        digest = (self.values.str_value(argument(value, 0, "name")) or "").lower()
                    if digest in _WEAK_DIGESTS:
                        return digest
        return None

    def _is_range_query_prefix(self, node: ast.Call) -> bool:
        """`sha = sha1(password).hexdigest(); lookup(sha[:5])`: a k-anonymity range query
        (Have I Been Pwned takes a SHA-1 prefix), not a stored password hash."""
        stmt = self.ctx.semantic.statement_of(node)
        function = self.ctx.semantic.enclosing_function(node)
        if not isinstance(stmt, ast.Assign | ast.AnnAssign) or function is None:
            return False
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        names = {t.id for t in targets if isinstance(t, ast.Name)}
        return any(isinstance(n, ast.Subscript) and isinstance(n.slice, ast.Slice)
                   and isinstance(n.value, ast.Name) and n.value.id in names
                   for n in ast.walk(function))

    def _is_lookup_key(self, node: ast.Call) -> bool:
        """`key = sha3_512(password).hexdigest(); if key in self._checked: ...`: the digest
        is only a key into an in-memory mapping (a per-request cache of checked passwords),
        never stored or compared with a stored hash. A salted hasher there would never hit
        the cache; the rule has nothing to say."""
        stmt = self.ctx.semantic.statement_of(node)
        function = self.ctx.semantic.enclosing_function(node)
        if not isinstance(stmt, ast.Assign) or function is None or len(stmt.targets) != 1 or \
                not isinstance(stmt.targets[0], ast.Name):
            return False
        name = stmt.targets[0].id
        keyed: set[int] = set()  # the uses of the name as a key
        indexes = False  # `cache[key]`: a mapping keyed by the digest, not a set of hashes
        for sub in ast.walk(function):
            if isinstance(sub, ast.Subscript) and isinstance(sub.slice, ast.Name) and \
                    sub.slice.id == name:
                keyed.add(id(sub.slice))
                indexes = True
            elif isinstance(sub, ast.Compare) and isinstance(sub.left, ast.Name) and \
                    sub.left.id == name and all(isinstance(o, ast.In | ast.NotIn)
                                                for o in sub.ops):
                keyed.add(id(sub.left))
            elif isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute) and \
                    sub.func.attr in ("get", "setdefault", "pop") and sub.args and \
                    isinstance(sub.args[0], ast.Name) and sub.args[0].id == name:
                keyed.add(id(sub.args[0]))
                indexes = True
        uses = [n for n in ast.walk(function) if isinstance(n, ast.Name) and n.id == name
                and isinstance(n.ctx, ast.Load)]
        # `if digest in STORED_HASHES:` alone checks the password against stored hashes.
        return indexes and all(id(n) in keyed for n in uses)

    def _hasher_class(self, node: ast.Call) -> str | None:
        """The class the digest is in, when it subclasses a Django password hasher
        (`class SHA1PasswordHasher(BasePasswordHasher)`)."""
        cls = self.ctx.semantic.enclosing_class(node)
        if cls is None:
            return None
        # A base named `…PasswordHasher` that is not Django's (a project's own legacy base)
        # counts only with the class declaring its `algorithm`, the tag Django's hashers
        # store hashes under: argon2-cffi's `PasswordHasher` is named alike and is none.
        declares = any(isinstance(stmt, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "algorithm" for t in stmt.targets)
            for stmt in cls.body)
        for base in cls.bases:
            qualified = self.ctx.qualified_name(base) or self.ctx.source(base)
            if qualified.startswith("django.contrib.auth.hashers.") or (
                    declares and qualified.endswith("PasswordHasher")):
                return cls.name
        return None

    def _formatted_into_text(self, node: ast.Call) -> bool:
        """The digest is a value formatted into an f-string (`f"k={sha256(pw)}"`)."""
        for anc in self.ctx.semantic.ancestors(node):
            if isinstance(anc, ast.FormattedValue):
                return True
            if isinstance(anc, ast.stmt):
                return False
        return False

    def _stored_as_password(self, node: ast.Call) -> bool:
        """The string the digest is formatted into goes where a password's hash is kept:
        assigned to (or passed as) a password- or hash-named target (`user.password =
        f"{salt}${sha256(salt + pw)}"`), or returned by a hash-named function
        (`def hash_password(...)`). That string is the stored hash, not a key."""
        for anc in self.ctx.semantic.ancestors(node):
            if isinstance(anc, ast.keyword):
                return _stored_name(anc.arg)
            if isinstance(anc, ast.Assign | ast.AnnAssign | ast.AugAssign):
                targets = anc.targets if isinstance(anc, ast.Assign) else [anc.target]
                return any(_stored_name(written_name(t)) for t in targets)
            if isinstance(anc, ast.Return):
                func = self.ctx.semantic.enclosing_function(anc)
                return func is not None and _stored_name(func.name)
            if isinstance(anc, ast.stmt):
                return False
        return False

    def _logged(self, node: ast.Call) -> bool:
        """The digest is an argument of a logging call (directly, or inside the message it
        formats), in the same statement."""
        for anc in self.ctx.semantic.ancestors(node):
            if isinstance(anc, ast.Call) and is_logging_call(self.ctx, anc):
                return True
            if isinstance(anc, ast.stmt):
                return False
        return False

    def _imposed_format(self, node: ast.Call) -> str | None:
        """The scheme tag of an output format the digest is written for (`{SSHA}` for an
        LDAP userPassword): what consumes the hash decides the algorithm, not this code."""
        scope: ast.AST = self.ctx.semantic.enclosing_function(node) or self.ctx.tree
        for sub in ast.walk(scope):
            if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
                match = _SCHEME_TAG.match(sub.value)
                if match:
                    return match[0]
        return None

    def _report_digest(self, node: ast.Call, digest: str, password: str) -> None:
        if self._is_range_query_prefix(node) or self._is_lookup_key(node) or \
                is_sent_elsewhere(self.ctx, node):
            return
        imposed = self._imposed_format(node)
        if imposed:
            # A note, and no hasher swapped in: the consumer would reject anything else.
            self.report(node, f"password `{password}` is hashed with a single pass of "
                        f"{digest} in the {imposed} format, which whatever consumes it "
                        f"(an LDAP directory, an htpasswd file) imposes; a fast digest either "
                        f"way", fix=Fix(
                            f"Keep the {imposed} format only where the consumer requires it, "
                            f"and use the strongest scheme it accepts (e.g. {{SSHA512}} or "
                            f"{{CRYPT}} with bcrypt); another hasher's output would not be "
                            f"accepted there."), severity=Severity.NOTE)
            return
        fast_digest = (f"password `{password}` is hashed with a single pass of {digest}: fast "
                       f"digests are brute-forced at billions of guesses per second, with or "
                       f"without a salt; use a slow salted password hasher")
        hasher = self._hasher_class(node)
        if hasher is not None:
            # geonode people/hashers.py:51: a Django hasher class in a legacy format; it
            # verifies the hashes already stored in that format, which another digest
            # would all break.
            self.report(node, fast_digest,
                        fix=Fix(f"`{hasher}` is a password hasher class: it verifies the "
                                f"hashes already stored in its format, and changing its digest "
                                f"would break every one of them. Keep it only to read legacy "
                                f"hashes: not first in PASSWORD_HASHERS (so each login "
                                f"rehashes with the first one), or wrapped in a slow hasher "
                                f"(as Django's PBKDF2WrappedSHA1PasswordHasher wraps SHA1) "
                                f"with the stored hashes converted once."))
            return
        if self._formatted_into_text(node) and not self._logged(node) and \
                not self._stored_as_password(node):
            # litellm azure/common_utils.py:761: `f"...|azure_password={sha256(pw)}|..."`, a
            # client-cache key built from the credentials: a salted hasher would never match
            # twice, so the cache would never hit.
            self.report(node, fast_digest,
                        fix=Fix("The digest is formatted into a string built here (a key or an "
                                "identifier), not stored as the password's hash: if that string "
                                "is a cache or lookup key, a salted password hasher would never "
                                "give the same value twice; key it with an HMAC under a "
                                "server-side secret (`hmac.new(secret, password, "
                                "hashlib.sha256)`), stable but not guessable offline. If the "
                                "string is stored to check the password later, use a password "
                                "hasher (argon2id, bcrypt) instead."))
            return
        if self._logged(node):
            # flexget mqtt.py:200: `logger.debug('... password sha256 hash is "{}"',
            # sha256(password).hexdigest())`: a fingerprint in a log line, not storage. A
            # salted hasher there fingerprints nothing; the leak is the log line itself.
            self.report(node, f"password `{password}` is hashed with a single pass of "
                        f"{digest} and written to a log: a fast unsalted digest of a password "
                        f"is brute-forced from the log at billions of guesses per second",
                        fix=Fix("Log nothing derived from the password (not even a hash: a "
                                "salted password hasher would fingerprint nothing, and this "
                                "digest gives the password away to whoever reads the log); "
                                "log that a password is set, or the username, instead."))
            return
        hashed, _ = password_stack(self.ctx, password)
        self.report(node, fast_digest,
                    fix=Fix("Replace the digest with a password hasher (argon2id, bcrypt, "
                            "scrypt or PBKDF2 with OWASP's iterations); existing hashes can "
                            "be upgraded at the next login.",
                            with_hasher_import(self.ctx, hashed)))

    def _pbkdf2(self, node: ast.Call) -> None:
        digest = (self.values.str_value(argument(node, 0, "hash_name")) or "").lower()
        iterations = self.values.int_value(argument(node, 3, "iterations"))
        password = self.values.password_in(argument(node, 1, "password") or node)
        if iterations is None or not password or is_sent_elsewhere(self.ctx, node):
            return  # a remote login format (computed here, checked there) is not storage
        minimum = _PBKDF2_MIN.get(digest, 600_000)
        if digest in ("md5", "md4"):
            minimum = 10 ** 12  # no iteration count makes PBKDF2-MD5 acceptable
        if iterations < minimum:
            self.report(node, f"PBKDF2-HMAC-{digest.upper() or '?'} on `{password}` with "
                        f"{iterations:,} iterations: OWASP asks for at least {minimum:,}"
                        if minimum < 10 ** 12 else
                        f"PBKDF2 with {digest} on `{password}`: use sha256 or sha512",
                        fix=Fix("Raise the iteration count (or switch to argon2id) at "
                                "every site that derives or verifies this key together: a "
                                "stored hash verifies only with the count it was made with, "
                                "so unless the count is stored beside it (as "
                                "`pbkdf2_sha256$600000$salt$hash` does), keep the old count "
                                "for existing hashes and rehash them at the next login."))

    def _scrypt(self, node: ast.Call) -> None:
        n = self.values.int_value(keyword(node, "n"))
        r = self.values.int_value(keyword(node, "r"))
        p = self.values.int_value(keyword(node, "p"))
        password = self.values.password_in(argument(node, 0, "password") or node)
        if None in (n, r, p) or not password:
            return
        if n * r * p < _SCRYPT_MIN_COST:  # type: ignore[operator]
            self.report(node, f"hashlib.scrypt() on `{password}` with n={n}, r={r}, p={p}: "
                        f"below OWASP's minimum cost (n=2**17, r=8, p=1 or equivalent)",
                        fix=Fix("Raise the scrypt cost at every site that derives or "
                                "verifies this hash together, and store the cost beside the "
                                "hash (e.g. `scrypt$n$r$p$salt$hash`): a stored hash verifies "
                                "only with the cost it was made with, so existing rows keep "
                                "their old cost until they are rehashed at the next login.",
                                "hashlib.scrypt(..., n=2**17, r=8, p=1, maxmem=2**28)"))

    def _werkzeug(self, node: ast.Call) -> None:
        method = self.values.str_value(argument(node, 1, "method"))
        if not method:
            return
        parts = method.split(":")
        if parts[0] in ("plain", "md5", "sha1", "sha256", "sha512") and len(parts) == 1:
            self.report(node, f"generate_password_hash(method={method!r}) is a single salted "
                        f"digest: use the default (scrypt) or pbkdf2 with enough iterations",
                        fix=Fix("Drop the method argument to use werkzeug's default.",
                                "generate_password_hash(password)"))
            return
        if parts[0] == "pbkdf2" and len(parts) == 3 and parts[2].isdecimal():
            digest, iterations = parts[1], int(parts[2])
            minimum = _PBKDF2_MIN.get(digest, 600_000)
            if iterations < minimum:
                self.report(node, f"generate_password_hash(method={method!r}): {iterations:,} "
                            f"iterations, OWASP asks for at least {minimum:,}",
                            fix=Fix("Raise the iteration count.",
                                    f'method="pbkdf2:{digest}:{minimum}"'))

    def _passlib_using(self, node: ast.Call, qualified: str) -> None:
        rounds = self.values.int_value(keyword(node, "rounds"))
        if rounds is None:
            return
        scheme = qualified.split(".")[-2]
        minimum = {"bcrypt": _BCRYPT_MIN_ROUNDS, "pbkdf2_sha256": 600_000,
                   "pbkdf2_sha512": 210_000, "pbkdf2_sha1": 1_300_000}.get(scheme)
        if minimum is not None and rounds < minimum:
            self.report(node, f"passlib {scheme} with rounds={rounds:,}: use at least "
                        f"{minimum:,}", fix=Fix("Raise the work factor.",
                                                f"{scheme}.using(rounds={minimum})"))

    # -- Django PASSWORD_HASHERS ---------------------------------------------------------------
    def visit_Assign(self, node: ast.Assign) -> None:
        if not isinstance(self.ctx.semantic.parent(node), ast.Module):
            return
        if not any(isinstance(t, ast.Name) and t.id == "PASSWORD_HASHERS" for t in node.targets):
            return
        if is_test_path(self.ctx.policy_path) or not isinstance(node.value, ast.List | ast.Tuple):
            return
        if not node.value.elts:
            return
        first = constant_str(node.value.elts[0])
        if first and first.rsplit(".", 1)[-1] in _WEAK_DJANGO_HASHERS:
            self.report(node.value.elts[0], f"PASSWORD_HASHERS is led by "
                        f"{first.rsplit('.', 1)[-1]}: new passwords are stored with a fast "
                        f"digest", fix=Fix(
                            "Put a slow hasher first; keep the weak one later in the list "
                            "only to verify and upgrade old hashes.",
                            '"django.contrib.auth.hashers.Argon2PasswordHasher"  # or '
                            'PBKDF2PasswordHasher'))


RULES = (PlaintextPassword, WeakPasswordHash)
