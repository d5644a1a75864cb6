"""BR201 for DRF: a ModelSerializer of a user model whose `password` field is writable.

DRF's default `create()` / `update()` hand every validated field to `Model.objects.create()`
/ `setattr()`: a `password` among them is stored as the client sent it, unless the
serializer (or a base of it) overrides the write (`create`, `update`, `save`) or hashes in a
validator. The serializer is only a store when a writable view uses it: the file half
records the candidate (`PasswordSerializer`), the project half looks for a view class whose
`serializer_class` names it and whose bases create or update (`ModelViewSet`,
`CreateModelMixin`, `ListCreateAPIView`...), across modules, and checks that the user model
does not hash what it is given (br201_models).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, replace
from pathlib import PurePath
from typing import TYPE_CHECKING

from ..analysis.program import ClassInfo, ProgramModel, definition_ref
from ..analysis.values import constant_str
from ..model import Finding, Fix, Related, Span
from .br201_hashing import hashes

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..analysis.values import ValueTracker
    from ..context import FileContext

SERIALIZERS = "br201_serializers"

# Methods that take the write over: DRF's default one is then not what stores the row.
_WRITE_OVERRIDES = frozenset({"create", "update", "save", "perform_create", "perform_update"})
# DRF views and mixins that create or update through their serializer.
_WRITABLE_VIEWS = frozenset({
    "ModelViewSet", "CreateModelMixin", "UpdateModelMixin", "CreateAPIView", "UpdateAPIView",
    "ListCreateAPIView", "RetrieveUpdateAPIView", "RetrieveUpdateDestroyAPIView"})
# A view that writes itself (`perform_create(serializer)`: `serializer.save(password=
# make_password(...))`) is not DRF's default write.
_VIEW_WRITES = frozenset({"create", "update", "perform_create", "perform_update"})
_DJANGO_USER_MODELS = frozenset({"django.contrib.auth.models.User",
                                 "django.contrib.auth.get_user_model"})
_DJANGO_USER_BASES = ("django.contrib.auth.models.AbstractUser",
                      "django.contrib.auth.models.AbstractBaseUser",
                      "django.contrib.auth.base_user.AbstractBaseUser")


@dataclass(frozen=True)
class PasswordSerializer:
    """A ModelSerializer writing `password` with DRF's default create / update."""

    finding: Finding
    qualname: str
    model_ref: str | None  # the project model, None for Django's user model
    django_user: bool  # Meta.model is Django's user model (get_user_model(), auth.User)
    all_fields: bool  # fields = "__all__": the model must have a password to write


def _last(expr: ast.expr) -> str:
    return expr.attr if isinstance(expr, ast.Attribute) else getattr(expr, "id", "")


def _strings(expr: ast.expr | None) -> set[str]:
    if isinstance(expr, ast.List | ast.Tuple | ast.Set):
        return {s for s in (constant_str(e) for e in expr.elts) if s}
    return set()


def _read_only_in_kwargs(expr: ast.expr | None) -> bool:
    """`extra_kwargs = {"password": {"read_only": True}}`."""
    if not isinstance(expr, ast.Dict):
        return False
    for key, value in zip(expr.keys, expr.values, strict=True):
        if constant_str(key) == "password" and isinstance(value, ast.Dict):
            return any(constant_str(k) == "read_only" and isinstance(v, ast.Constant)
                       and v.value is True for k, v in zip(value.keys, value.values,
                                                           strict=True))
    return False


def password_serializer(ctx: FileContext, values: ValueTracker, node: ast.ClassDef,
                        report: Callable[..., Finding]) -> PasswordSerializer | None:
    """The candidate, with its finding (kept out of the file's findings), or None."""
    if not any(_last(b).endswith("ModelSerializer") for b in node.bases):
        return None
    meta = next((s for s in node.body if isinstance(s, ast.ClassDef) and s.name == "Meta"), None)
    if meta is None:
        return None
    slots: dict[str, ast.expr] = {}
    for stmt in meta.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(
                stmt.targets[0], ast.Name):
            slots[stmt.targets[0].id] = stmt.value
    model, fields = slots.get("model"), slots.get("fields")
    if model is None or fields is None:
        return None
    all_fields = constant_str(fields) == "__all__"
    if not all_fields and "password" not in _strings(fields):
        return None
    if "password" in _strings(slots.get("exclude")) | _strings(slots.get("read_only_fields")) \
            or _read_only_in_kwargs(slots.get("extra_kwargs")):
        return None
    for stmt in node.body:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef) and (
                stmt.name in _WRITE_OVERRIDES):
            return None
        if isinstance(stmt, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "password" for t in stmt.targets):
            value = stmt.value
            if not isinstance(value, ast.Call) or not _last(value.func).endswith("CharField") \
                    or any(k.arg == "read_only" for k in value.keywords):
                return None  # a method field, a hidden field, a read-only one
    if hashes(values, node):
        return None  # a validator hashes it (`data["password"] = make_password(...)`)
    target = model.func if isinstance(model, ast.Call) else model
    qualified = ctx.qualified_name(target) or ""
    django_user = qualified in _DJANGO_USER_MODELS
    model_ref = None if django_user else definition_ref(ctx, target)
    if not django_user and model_ref is None:
        return None
    finding = report(node, f"plaintext password is stored by `{node.name}`: a ModelSerializer "
                     f"of the user model whose `password` field is writable; DRF's default "
                     f"create() / update() write it as the client sent it, unhashed",
                     fix=Fix("Make `password` write-only and override create() / update() to "
                             "pop it and call `set_password()` (which hashes) before saving.",
                             "def create(self, validated_data):\n"
                             "    password = validated_data.pop(\"password\")\n"
                             "    user = super().create(validated_data)\n"
                             "    user.set_password(password)\n"
                             "    user.save(update_fields=[\"password\"])\n"
                             "    return user\n\n"
                             "def update(self, instance, validated_data):\n"
                             "    password = validated_data.pop(\"password\", None)\n"
                             "    user = super().update(instance, validated_data)\n"
                             "    if password is not None:\n"
                             "        user.set_password(password)\n"
                             "        user.save(update_fields=[\"password\"])\n"
                             "    return user"))
    ctx.findings.remove(finding)
    qualname = ".".join([ctx.module, *reversed([a.name for a in ctx.semantic.ancestors(node)
                                                if isinstance(a, ast.ClassDef)]), node.name])
    return PasswordSerializer(finding, qualname, model_ref, django_user, all_fields)


def _bases_of(program: ProgramModel, cls: ClassInfo) -> set[str]:
    """The last names of every base on the class's project MRO (library bases included)."""
    return {base.rsplit(".", 1)[-1] for k in program.mro(cls) for base in k.bases}


def writing_view(program: ProgramModel, item: PasswordSerializer) -> ClassInfo | None:
    """A view class that creates or updates through the serializer."""
    for cls in sorted(program.classes.values(), key=lambda c: (c.path, c.line)):
        ref = cls.class_refs.get("serializer_class")
        target = program.class_of(ref) if ref else None
        if target is not None and target.qualname == item.qualname and (
                _bases_of(program, cls) & _WRITABLE_VIEWS) and not any(
                    _VIEW_WRITES & set(k.methods) for k in program.mro(cls)):
            return cls
    return None


def overridden_in_bases(program: ProgramModel, item: PasswordSerializer) -> bool:
    """A project base of the serializer takes the write over."""
    cls = program.classes.get(item.qualname)
    return cls is not None and any(
        _WRITE_OVERRIDES & set(k.methods) for k in program.mro(cls)[1:])


def has_password(program: ProgramModel, item: PasswordSerializer,
                 declares: set[str]) -> bool:
    """The model has a `password` to write: Django's user model, a project model deriving
    from Django's abstract users, or one declaring the column (`declares`: classes)."""
    if item.django_user:
        return True
    cls = program.class_of(item.model_ref)
    if cls is None:
        return False
    mro = program.mro(cls)
    return any(k.qualname in declares for k in mro) or any(
        base.startswith(_DJANGO_USER_BASES) for k in mro for base in k.bases)


def explained(item: PasswordSerializer, view: ClassInfo) -> Finding:
    where = f"{PurePath(view.path).name}:{view.line}"
    return replace(item.finding,
                   message=f"{item.finding.message} (`{view.name}` ({where}) writes users "
                           f"through it)",
                   related=(Related(Span(view.line, 1, view.line, 2),
                                    f"{view.name} writes through the serializer", view.path),))

