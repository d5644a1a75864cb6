"""BR209 password-in-response: a password or its hash sent back to the client (CWE-200).

Reported: a DRF ModelSerializer of a user model (one with a password field: Django's User,
get_user_model(), AbstractUser / AbstractBaseUser subclasses) with `fields = "__all__"`, or
listing a password field that is not write-only; a pydantic model declared in the same file
as a route's `response_model=` (or return annotation) with a password or hash field; a dict
literal with a password key returned from a route handler.
Not reported: `exclude = ["password"]`, `extra_kwargs={"password": {"write_only": True}}`,
`write_only_fields`, request models, models from other files (not visible here), a
serializer whose fields are only the credentials a client signs in with (`["username",
"password"]`): a login form's input, not a representation of the user, and fields whose
declared type says they hold no text (`learner_can_edit_password = BooleanField()` on the
serializer or the model, `can_reset_password: bool` on a pydantic model). A serializer field
taken from the model (or read by a SerializerMethodField from an attribute path of it) is
decided in the project phase (br209_fields), where the model's field declaration is known.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from ..analysis.handlers import is_route_handler
from ..analysis.orm.drf import method_field_method
from ..analysis.orm.models import class_ref
from ..analysis.values import constant_str, is_password_name
from ..astutil import annotation_core
from ..model import Finding, Fix
from .base import Rule
from .br209_fields import DEFERRED, DeferredField, not_text_field

_USER_MODELS = frozenset({"django.contrib.auth.models.User",
                          "django.contrib.auth.models.AbstractUser",
                          "django.contrib.auth.models.AbstractBaseUser"})
_HASH_FIELD = re.compile(r"^(?:hashed_password|password_hash|password_digest|passwd_hash"
                         r"|pwd_hash|encrypted_password)$", re.IGNORECASE)

# What a client signs in with, besides the password.
_LOGIN_FIELDS = frozenset({"username", "email", "login", "user", "otp", "code", "totp",
                           "remember", "remember_me"})


def _sensitive(name: str | None) -> bool:
    return bool(name) and (is_password_name(name) or bool(_HASH_FIELD.match(name or "")))


class PasswordInResponse(Rule):
    id = "BR209"

    # -- DRF serializers -------------------------------------------------------------------
    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        if any((self.ctx.qualified_name(b) or "").startswith("rest_framework.serializers.")
               for b in node.bases):
            self._serializer(node)

    def _serializer(self, cls: ast.ClassDef) -> None:
        meta = next((s for s in cls.body if isinstance(s, ast.ClassDef) and s.name == "Meta"),
                    None)
        if meta is None:
            return
        values: dict[str, ast.AST] = {}
        for stmt in meta.body:
            if isinstance(stmt, ast.Assign):
                for target in stmt.targets:
                    if isinstance(target, ast.Name):
                        values[target.id] = stmt.value
        model = values.get("model")
        fields = values.get("fields")
        if model is None or fields is None or "exclude" in values:
            return
        write_only = self._write_only(values.get("extra_kwargs"))
        write_only |= {constant_str(e) for e in getattr(values.get("write_only_fields"), "elts",
                                                       [])}
        # A field declared on the serializer itself: password = CharField(write_only=True)
        for stmt in cls.body:
            if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call):
                for target in stmt.targets:
                    if isinstance(target, ast.Name) and any(
                            k.arg == "write_only" and isinstance(k.value, ast.Constant)
                            and k.value.value is True for k in stmt.value.keywords):
                        write_only.add(target.id)
        if constant_str(fields) == "__all__":
            if self._is_user_model(model) and "password" not in write_only:
                self._report(fields, f"serializer `{cls.name}` sends every field of "
                             f"`{self.ctx.source(model)}`, including the password hash",
                             'exclude = ["password"]  # or list the fields to send')
            return
        if isinstance(fields, ast.List | ast.Tuple):
            names = [constant_str(e) for e in fields.elts]
            if names and all(n in _LOGIN_FIELDS or _sensitive(n) for n in names):
                return  # credentials in, nothing about the user out: a login serializer
            read_only = {constant_str(e) for e in getattr(values.get("read_only_fields"),
                                                          "elts", [])}
            declared = _declared_fields(cls)
            model_ref = class_ref(self.ctx, model) if isinstance(
                model, ast.Name | ast.Attribute) else None
            for element in fields.elts:
                name = constant_str(element)
                if not _sensitive(name) or name in write_only:
                    continue
                assert name is not None
                call = declared.get(name)
                path: tuple[str, ...] | None = (name,)
                if call is not None:
                    kind = _callee(call)
                    if not_text_field(kind):
                        continue  # `x_password = BooleanField()`: a flag, not a secret
                    path = _method_path(cls, name, call) if kind == "SerializerMethodField" \
                        else None
                # A read-only field would vanish altogether with write_only.
                # kolibri's `picture_password` (read-only, shown to coaches by design): a
                # read-only field is sent on purpose, which the fix must weigh.
                suggestion = (f'leave "{name}" out of `fields`; it is read-only here, so it '
                              f"is sent on purpose: if it is a credential the product shows "
                              f"by design (a code a teacher reads out), keep it and limit who "
                              f"can read this serializer instead" if name in read_only
                              else f'extra_kwargs = {{"{name}": {{"write_only": True}}}}')
                finding = self._report(element, f"serializer `{cls.name}` sends `{name}` to "
                                       f"the client", suggestion)
                if path is not None and model_ref is not None:
                    # The model's declaration (in any module) tells what the field holds.
                    self.ctx.findings.remove(finding)
                    self.ctx.emit_fact(DEFERRED, DeferredField(finding, model_ref, path))

    def _write_only(self, extra: ast.AST | None) -> set[str | None]:
        out: set[str | None] = set()
        if isinstance(extra, ast.Dict):
            for key, value in zip(extra.keys, extra.values, strict=True):
                if isinstance(value, ast.Dict) and any(
                        constant_str(k) == "write_only" and isinstance(v, ast.Constant)
                        and v.value is True for k, v in zip(value.keys, value.values,
                                                             strict=True)):
                    out.add(constant_str(key))
        return out

    def _is_user_model(self, model: ast.AST) -> bool:
        qualified = self.ctx.qualified_name(model) or ""
        if qualified in _USER_MODELS:
            return True
        if isinstance(model, ast.Call):
            return self.ctx.qualified_name(model.func) == "django.contrib.auth.get_user_model"
        if isinstance(model, ast.Name):
            for binding in self.ctx.semantic.lookup(model.id, model)[1]:
                if binding.kind == "assign" and isinstance(binding.value, ast.Call) and (
                        self.ctx.qualified_name(binding.value.func)
                        == "django.contrib.auth.get_user_model"):
                    return True
                if binding.kind == "class" and isinstance(binding.node, ast.ClassDef) and any(
                        (self.ctx.qualified_name(b) or "") in _USER_MODELS
                        for b in binding.node.bases):
                    return True
        return False

    # -- pydantic response models and returned dicts ------------------------------------------
    # Whether a function is a route handler takes the file's route registrations (the route
    # recognisers over the whole file): asked only of the functions that would report if it
    # is one, i.e. that respond with a model carrying a password field or return a dict
    # with a password key (most files have none).
    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self._functions: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
        self._dict_returns: set[int] = set()  # functions that return a password key

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self._functions.append(node)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Return(self, node: ast.Return) -> None:
        if isinstance(node.value, ast.Dict) and any(
                _sensitive(constant_str(key)) and not isinstance(value, ast.Constant)
                for key, value in zip(node.value.keys, node.value.values, strict=True)):
            # Every function around it walks to it (`_check_handler` walks nested code).
            for anc in self.ctx.semantic.ancestors(node):
                if isinstance(anc, ast.FunctionDef | ast.AsyncFunctionDef):
                    self._dict_returns.add(id(anc))

    def end_file(self) -> None:
        for node in self._functions:
            if (id(node) in self._dict_returns or any(
                    self._pydantic_password_field(target) is not None
                    for _, target in self._response_models(node))) and \
                    is_route_handler(self.ctx, node):
                self._check_handler(node)

    @staticmethod
    def _response_models(node: ast.FunctionDef | ast.AsyncFunctionDef
                         ) -> list[tuple[ast.AST, ast.Name]]:
        """(model as written, the class it names) for `response_model=` or the return
        annotation."""
        models: list[ast.AST] = []
        for decorator in node.decorator_list:
            if isinstance(decorator, ast.Call):
                for kw in decorator.keywords:
                    if kw.arg == "response_model":
                        models.append(kw.value)
        if node.returns is not None and not models:
            models.append(node.returns)
        out: list[tuple[ast.AST, ast.Name]] = []
        for model in models:
            target = model
            if isinstance(target, ast.Subscript):  # list[UserOut]
                target = target.slice
            if isinstance(target, ast.Name):
                out.append((model, target))
        return out

    def _check_handler(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for model, target in self._response_models(node):
            field = self._pydantic_password_field(target)
            if field is not None:
                self._report(model, f"route `{node.name}` responds with `{target.id}`, whose "
                             f"field `{field}` carries the password or its hash",
                             f"a response model without `{field}` (e.g. {target.id}Out)")
        for stmt in ast.walk(node):
            if isinstance(stmt, ast.Return) and isinstance(stmt.value, ast.Dict):
                for key, value in zip(stmt.value.keys, stmt.value.values, strict=True):
                    name = constant_str(key)
                    if _sensitive(name) and not isinstance(value, ast.Constant):
                        self._report(key, f"route `{node.name}` returns `{name}` to the client",
                                     f'drop "{name}" from the response')  # type: ignore[arg-type]

    def _pydantic_password_field(self, name: ast.Name) -> str | None:
        for binding in self.ctx.semantic.lookup(name.id, name)[1]:
            if binding.kind != "class" or not isinstance(binding.node, ast.ClassDef):
                continue
            cls = binding.node
            if not any((self.ctx.qualified_name(b) or "").startswith(("pydantic.", "sqlmodel."))
                       or self._local_base_has(b) for b in cls.bases):
                continue
            for stmt in self._fields(cls):
                if _sensitive(stmt):
                    return stmt
        return None

    def _local_base_has(self, base: ast.AST) -> bool:
        if not isinstance(base, ast.Name):
            return False
        return any(b.kind == "class" for b in self.ctx.semantic.lookup(base.id, base)[1])

    def _fields(self, cls: ast.ClassDef, depth: int = 0) -> list[str]:
        names = [s.target.id for s in cls.body
                 if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)
                 and not self._excluded(s) and not _flag_annotation(s.annotation)]
        if depth < 3:
            for base in cls.bases:
                if isinstance(base, ast.Name):
                    for binding in self.ctx.semantic.lookup(base.id, base)[1]:
                        if binding.kind == "class" and isinstance(binding.node, ast.ClassDef):
                            names += self._fields(binding.node, depth + 1)
        return names

    def _excluded(self, stmt: ast.AnnAssign) -> bool:
        """`password: str = Field(exclude=True)` is never serialised."""
        value = stmt.value
        return isinstance(value, ast.Call) and any(
            k.arg == "exclude" and isinstance(k.value, ast.Constant) and k.value.value is True
            for k in value.keywords)

    def _report(self, node: ast.AST, message: str, suggestion: str) -> Finding:
        return self.report(node, message + ": even a hash lets an attacker guess passwords "
                           "offline", fix=Fix("Never serialise password fields; make them "
                                              "write-only or leave them out of response "
                                              f"models: {suggestion}."))


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _declared_fields(cls: ast.ClassDef) -> dict[str, ast.Call]:
    """The fields the serializer class declares itself: name -> the field's constructor."""
    out: dict[str, ast.Call] = {}
    for stmt in cls.body:
        if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call):
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    out[target.id] = stmt.value
    return out


def _method_path(cls: ast.ClassDef, name: str, call: ast.Call) -> tuple[str, ...] | None:
    """The attribute path a SerializerMethodField's method returns of the object it is
    given (`return instance.dataset.can_edit_password` -> ("dataset", "can_edit_password")),
    when the method is exactly that one return; None otherwise."""
    method = method_field_method(call, name)
    func = next((s for s in cls.body if isinstance(s, ast.FunctionDef) and s.name == method),
                None)
    if func is None or len(func.args.args) != 2 or len(func.body) != 1 or not isinstance(
            func.body[0], ast.Return):
        return None
    param = func.args.args[1].arg
    path: list[str] = []
    node = func.body[0].value
    while isinstance(node, ast.Attribute):
        path.append(node.attr)
        node = node.value
    if not (isinstance(node, ast.Name) and node.id == param and path):
        return None
    return tuple(reversed(path))


_FLAG_TYPES = frozenset({"bool", "int", "float", "datetime", "date"})


def _flag_annotation(annotation: ast.expr) -> bool:
    """`x: bool`, `x: Optional[bool]`, `x: bool | None`: a value that holds no text."""
    node = annotation_core(annotation)
    name = node.id if isinstance(node, ast.Name) else getattr(node, "attr", "")
    return name in _FLAG_TYPES


RULES = (PasswordInResponse,)
