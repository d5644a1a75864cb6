"""Model facts: the classes of a file that may be ORM models, with their fields and
relations (Django and SQLAlchemy declarative), and the project-wide index that merges them.

Per file we only record what the class says (its bases as qualified names, its field calls);
whether a class *is* a model is decided in the project phase, where bases defined in other
files (abstract models, `Base = declarative_base()`, `db = SQLAlchemy()`) are known.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ...context import FileContext

# Relation kinds. Forward single-valued relations load one row; the others a collection.
FK, O2O, M2M, GFK, GENERIC_REL = "ForeignKey", "OneToOneField", "ManyToManyField", \
    "GenericForeignKey", "GenericRelation"
REVERSE_FK, REVERSE_O2O, REVERSE_M2M = "reverse ForeignKey", "reverse OneToOneField", \
    "reverse ManyToManyField"
SA_REL = "relationship"
COLUMN = "column"
SINGLE = frozenset({FK, O2O, GFK, REVERSE_O2O})

DJANGO_MODEL_BASES = frozenset({"django.db.models.Model", "django.db.models.base.Model"})
SA_MODEL_BASES = frozenset({
    "sqlalchemy.orm.DeclarativeBase", "sqlalchemy.orm.DeclarativeBaseNoMeta",
    "sqlalchemy.orm.decl_api.DeclarativeBase", "sqlmodel.SQLModel",
})
SA_BASE_FACTORIES = frozenset({
    "sqlalchemy.orm.declarative_base", "sqlalchemy.ext.declarative.declarative_base",
    "sqlalchemy.orm.decl_api.declarative_base", "sqlalchemy.orm.registry.generate_base",
})
FLASK_SQLALCHEMY = frozenset({"flask_sqlalchemy.SQLAlchemy"})

_DJANGO_RELATIONS = {
    "django.db.models.ForeignKey": FK,
    "django.db.models.fields.related.ForeignKey": FK,
    "django.db.models.OneToOneField": O2O,
    "django.db.models.fields.related.OneToOneField": O2O,
    "django.db.models.ManyToManyField": M2M,
    "django.db.models.fields.related.ManyToManyField": M2M,
    "django.contrib.contenttypes.fields.GenericForeignKey": GFK,
    "django.contrib.contenttypes.generic.GenericForeignKey": GFK,
    "django.contrib.contenttypes.fields.GenericRelation": GENERIC_REL,
    "modelcluster.fields.ParentalKey": FK,
    "modelcluster.fields.ParentalManyToManyField": M2M,
    "taggit.managers.TaggableManager": M2M,
}


@dataclass(frozen=True)
class FieldFact:
    name: str
    kind: str  # one of the relation kinds above, or COLUMN
    target: str | None = None  # as written: qualified name, "app.Model", "Model", "self"
    related_name: str | None = None
    lazy: str | None = None  # SQLAlchemy loader strategy; None means the default "select"
    many: bool | None = None  # SQLAlchemy: a collection (uselist) or a single object
    backref: str | None = None
    backref_lazy: str | None = None
    parent_link: bool = False
    primary_key: bool = False  # a column declared `primary_key=True`


@dataclass(frozen=True)
class ClassFact:
    qualname: str  # module.Class
    name: str
    path: str
    line: int
    bases: tuple[str, ...]  # qualified names where resolvable, else the source text
    abstract: bool
    fields: tuple[FieldFact, ...]
    framework_hint: str | None  # "django" / "sqlalchemy" when the body alone says so
    # Django: the field sets that identify at most one row (`unique=True`, the primary key,
    # `Meta.unique_together`, an unconditional `UniqueConstraint(fields=...)`).
    unique: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class BaseFact:
    """A module-level name that is a declarative base: `Base = declarative_base()`, or the
    `Model` of `db = SQLAlchemy()`."""

    qualname: str
    # For `db = MySQLAlchemy(app)`: the class called, when it is not flask_sqlalchemy's own
    # (a project subclass, resolved in the project phase).
    factory: str | None = None




def class_ref(ctx: FileContext, expr: ast.expr) -> str | None:
    """A reference to a class as a dotted name: through imports, or `module.Class` for a
    class defined at module level of this file."""
    qualified = ctx.qualified_name(expr)
    if qualified and not qualified.startswith("builtins."):
        return qualified
    if isinstance(expr, ast.Name):
        bindings = ctx.semantic.module_scope.bindings.get(expr.id, [])
        loaded = _get_model_ref(bindings)
        if loaded:
            return loaded
        if bindings and all(b.kind in ("class", "assign") for b in bindings):
            return f"{ctx.module}.{expr.id}"
    if isinstance(expr, ast.Attribute):
        inner = class_ref(ctx, expr.value)
        return f"{inner}.{expr.attr}" if inner else None
    return None


def loaded_model_ref(ctx: FileContext, expr: ast.expr) -> str | None:
    """The "app.Model" reference of a module-level `Product = get_model(...)` name."""
    if not isinstance(expr, ast.Name):
        return None
    return _get_model_ref(ctx.semantic.module_scope.bindings.get(expr.id, []))


def _get_model_ref(bindings: list) -> str | None:  # type: ignore[type-arg]
    """`Product = get_model("catalogue", "Product")` / `apps.get_model("shop.Order")`: the
    model loaded by app label, as an "app.Model" reference."""
    if len(bindings) != 1 or bindings[0].kind != "assign":
        return None
    value = bindings[0].value
    if not isinstance(value, ast.Call) or _callee_name(value.func) not in (
            "get_model", "get_class"):
        return None
    args = [_string(a) for a in value.args[:2]]
    if len(args) == 2 and all(args) and _callee_name(value.func) == "get_model":
        return f"{args[0]}.{args[1]}"
    if len(args) >= 1 and args[0] and "." in args[0] and len(value.args) == 1:
        return args[0]
    return None


def _string(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    return None


def _callee_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def extract_class(ctx: FileContext, node: ast.ClassDef) -> ClassFact | None:
    """The fact for a class that could be a model, or None for classes that cannot be."""
    if ctx.semantic.enclosing_function(node) is not None:
        return None
    bases: list[str] = []
    for base in node.bases:
        ref = class_ref(ctx, base)
        bases.append(ref or ctx.source(base))
    fields: list[FieldFact] = []
    hint: str | None = None
    abstract = False
    unique: list[tuple[str, ...]] = []
    for stmt in node.body:
        if isinstance(stmt, ast.ClassDef) and stmt.name == "Meta":
            for inner in stmt.body:
                if isinstance(inner, ast.Assign) and any(
                        isinstance(t, ast.Name) and t.id == "abstract" for t in inner.targets):
                    abstract = isinstance(inner.value, ast.Constant) and inner.value.value is True
                unique += _meta_unique(ctx, inner)
            continue
        if isinstance(stmt, ast.Assign | ast.AnnAssign) and isinstance(stmt.value, ast.Call) \
                and any(k.arg in ("unique", "primary_key") and isinstance(k.value, ast.Constant)
                        and k.value.value is True for k in stmt.value.keywords):
            target = stmt.targets[0] if isinstance(stmt, ast.Assign) else stmt.target
            if isinstance(target, ast.Name):
                unique.append((target.id,))
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(
                stmt.targets[0], ast.Name):
            if stmt.targets[0].id == "__abstract__":
                abstract = isinstance(stmt.value, ast.Constant) and stmt.value.value is True
                continue
            found = _field(ctx, stmt.targets[0].id, stmt.value, None)
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            found = _field(ctx, stmt.target.id, stmt.value, stmt.annotation)
        else:
            continue
        if found is None:
            continue
        fact, framework = found
        fields.append(fact)
        hint = hint or framework
    if not bases and not fields:
        return None
    if all(b in ("object", "builtins.object") for b in bases) and not fields:
        return None
    return ClassFact(qualname=f"{ctx.module}.{node.name}", name=node.name,
                     path=ctx.path, line=node.lineno, bases=tuple(bases), abstract=abstract,
                     fields=tuple(fields), framework_hint=hint, unique=tuple(unique))


def _meta_unique(ctx: FileContext, stmt: ast.stmt) -> list[tuple[str, ...]]:
    """`unique_together = ("date", "user")` (or a list of such), and `constraints = [
    UniqueConstraint(fields=[...])]` without a `condition` (a partial index leaves other
    rows free)."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)):
        return []
    name, value = stmt.targets[0].id, stmt.value
    if name == "unique_together" and isinstance(value, ast.Tuple | ast.List):
        groups = value.elts if all(isinstance(e, ast.Tuple | ast.List)
                                   for e in value.elts) else [value]
        return [fields for g in groups if (fields := _strings_of(g))]
    if name != "constraints" or not isinstance(value, ast.Tuple | ast.List):
        return []
    out: list[tuple[str, ...]] = []
    for item in value.elts:
        if isinstance(item, ast.Call) and (_callee_name(item.func) or "") == (
                "UniqueConstraint") and _keyword(item, "condition") is None:
            fields = _strings_of(_keyword(item, "fields"))
            if fields:
                out.append(fields)
    return out


def _strings_of(node: ast.AST | None) -> tuple[str, ...]:
    if not isinstance(node, ast.Tuple | ast.List):
        return ()
    values = [e.value for e in node.elts if isinstance(e, ast.Constant)
              and isinstance(e.value, str)]
    return tuple(values) if len(values) == len(node.elts) else ()


def _field(ctx: FileContext, name: str, value: ast.expr | None,
           annotation: ast.expr | None) -> tuple[FieldFact, str | None] | None:
    mapped = _mapped_annotation(ctx, annotation) if annotation is not None else None
    if not isinstance(value, ast.Call):
        if mapped is not None:
            return FieldFact(name, COLUMN), "sqlalchemy"
        return None
    qualified = ctx.qualified_name(value.func) or ""
    callee = _callee_name(value.func) or ""
    kind = _DJANGO_RELATIONS.get(qualified)
    if kind is None and qualified.startswith("django.db.models.") and callee in (
            "ForeignKey", "OneToOneField", "ManyToManyField"):
        kind = {"ForeignKey": FK, "OneToOneField": O2O, "ManyToManyField": M2M}[callee]
    if kind is not None:
        target_node = value.args[0] if value.args else _keyword(value, "to")
        target = None
        if kind == GFK:
            target = None
        elif target_node is not None:
            target = _string(target_node) or class_ref(ctx, target_node) or ctx.source(
                target_node)
        related = _string(_keyword(value, "related_name"))
        parent_link = isinstance(_keyword(value, "parent_link"), ast.Constant) and bool(
            _keyword(value, "parent_link").value)  # type: ignore[union-attr]
        return FieldFact(name, kind, target=target, related_name=related,
                         parent_link=parent_link), "django"
    if callee == "relationship" and (qualified.startswith("sqlalchemy") or isinstance(
            value.func, ast.Attribute) or qualified.endswith("relationship")):
        return _relationship(ctx, name, value, mapped), "sqlalchemy"
    key = isinstance(pk := _keyword(value, "primary_key"), ast.Constant) and pk.value is True
    if qualified.startswith("django.db.models.") and callee.endswith("Field"):
        return FieldFact(name, COLUMN, primary_key=key), "django"
    if callee in ("Column", "mapped_column", "column_property", "deferred", "composite"):
        return FieldFact(name, COLUMN, primary_key=key), "sqlalchemy" if qualified.startswith(
            "sqlalchemy") else None
    if callee.endswith("Field") and isinstance(value.func, ast.Attribute):
        return FieldFact(name, COLUMN, primary_key=key), None
    return None


def _mapped_annotation(ctx: FileContext, annotation: ast.expr) -> tuple[str | None, bool] | None:
    """`Mapped[List["Comment"]]` -> ("Comment", True); `Mapped["User"]` -> ("User", False)."""
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            annotation = ast.parse(annotation.value, mode="eval").body
        except SyntaxError:
            return None
    if not isinstance(annotation, ast.Subscript):
        return None
    head = _callee_name(annotation.value)
    if head not in ("Mapped", "WriteOnlyMapped", "DynamicMapped"):
        return None
    inner = annotation.slice
    many = False
    if isinstance(inner, ast.Subscript) and _callee_name(inner.value) in (
            "List", "list", "Set", "set", "Sequence", "Collection", "Iterable"):
        many = True
        inner = inner.slice
    if isinstance(inner, ast.Subscript) and _callee_name(inner.value) == "Optional":
        inner = inner.slice
    if isinstance(inner, ast.BinOp):
        inner = inner.left
    target = _string(inner) or (_callee_name(inner) if isinstance(
        inner, ast.Name | ast.Attribute) else None)
    return target, many


def _relationship(ctx: FileContext, name: str, call: ast.Call,
                  mapped: tuple[str | None, bool] | None) -> FieldFact:
    target_node = call.args[0] if call.args else _keyword(call, "argument")
    target: str | None = None
    if target_node is not None:
        if isinstance(target_node, ast.Lambda):
            target_node = target_node.body
        target = _string(target_node) or class_ref(ctx, target_node) or ctx.source(target_node)
    if target is None and mapped is not None:
        target = mapped[0]
    lazy_node = _keyword(call, "lazy")
    lazy = _string(lazy_node)
    if isinstance(lazy_node, ast.Constant) and isinstance(lazy_node.value, bool):
        lazy = "select" if lazy_node.value else "joined"
    if isinstance(lazy_node, ast.Constant) and lazy_node.value is None:
        lazy = "noload"
    uselist = _keyword(call, "uselist")
    many: bool | None = None
    if isinstance(uselist, ast.Constant) and isinstance(uselist.value, bool):
        many = uselist.value
    elif mapped is not None:
        many = mapped[1]
    backref_node = _keyword(call, "backref")
    backref = _string(backref_node)
    backref_lazy = None
    if isinstance(backref_node, ast.Call) and backref_node.args:
        backref = _string(backref_node.args[0])
        backref_lazy = _string(_keyword(backref_node, "lazy"))
    return FieldFact(name, SA_REL, target=target, lazy=lazy, many=many, backref=backref,
                     backref_lazy=backref_lazy)


def extract_base(ctx: FileContext, node: ast.Assign) -> BaseFact | None:
    """`Base = declarative_base()` / `db = SQLAlchemy(app)` at module level."""
    if len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name):
        return None
    if not isinstance(node.value, ast.Call):
        return None
    qualified = ctx.qualified_name(node.value.func) or ""
    name = f"{ctx.module}.{node.targets[0].id}"
    if qualified in SA_BASE_FACTORIES:
        return BaseFact(name)
    if qualified in FLASK_SQLALCHEMY:
        return BaseFact(name + ".Model")
    func = node.value.func
    if isinstance(func, ast.Name | ast.Attribute) and (
            func.id if isinstance(func, ast.Name) else func.attr).endswith("SQLAlchemy"):
        ref = class_ref(ctx, func)
        if ref:
            return BaseFact(name + ".Model", ref)
    return None


# -- the project-wide index ------------------------------------------------------------------
@dataclass
class Model:
    fact: ClassFact
    framework: str
    fields: dict[str, FieldFact] = field(default_factory=dict)
    parents: list[Model] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.fact.name


class ModelIndex:
    """Every model of the project with its own, inherited and reverse relations."""

    def __init__(self, classes: list[ClassFact], bases: list[BaseFact]) -> None:
        self.classes = {c.qualname: c for c in classes}
        self._resolved: dict[tuple[str, str], ClassFact | None] = {}
        self.by_name: dict[str, list[ClassFact]] = {}
        for cls in classes:
            self.by_name.setdefault(cls.name, []).append(cls)
        self.sa_bases = {b.qualname for b in bases
                         if b.factory is None or self._is_flask_sqlalchemy(b.factory)}
        tails: dict[str, list[str]] = {}
        for qualname in self.sa_bases:
            tails.setdefault(".".join(qualname.split(".")[-2:]), []).append(qualname)
        # `from app.core.db import db` re-exported from app/core/db/sqlalchemy.py: the
        # variable and attribute ("db.Model") identify it when only one base has them.
        self.sa_tails = {tail for tail, names in tails.items() if len(names) == 1}
        self.models: dict[str, Model] = {}
        self._classify()
        self._inherit()
        self._reverse()

    # A reference written in one file ("blog.models.Post", "blog.Post", "Post") to a class
    # fact recorded in another (qualname from its path: "src.blog.models.post.Post").
    def resolve_class(self, ref: str | None, near: str = "") -> ClassFact | None:
        if not ref:
            return None
        # The index does not change once built, and _classify asks the same questions on
        # every pass of its fixed point: answer each (ref, near) once.
        key = (ref, near)
        if key not in self._resolved:
            self._resolved[key] = self._resolve_class(ref, near)
        return self._resolved[key]

    def _resolve_class(self, ref: str, near: str) -> ClassFact | None:
        if ref in self.classes:
            return self.classes[ref]
        name = ref.rsplit(".", 1)[-1]
        candidates = self.by_name.get(name, [])
        if not candidates:
            return None
        if len(candidates) == 1:
            return candidates[0]
        suffix = [c for c in candidates if c.qualname.endswith("." + ref)]
        if len(suffix) == 1:
            return suffix[0]
        prefix = ref.rsplit(".", 1)[0] if "." in ref else ""
        if prefix:
            # a package that re-exports (`from .post import Post` in models/__init__.py), or an
            # app label ("blog.Post") that names a directory on the model's path.
            inside = [c for c in candidates if ("." + prefix + ".") in ("." + c.qualname)]
            if len(inside) == 1:
                return inside[0]
            label = prefix.rsplit(".", 1)[-1]
            labelled = [c for c in candidates if f".{label}." in f".{c.qualname}"]
            if len(labelled) == 1:
                return labelled[0]
        if near:
            # the model of the same module or package as the reference
            module = near.rsplit(".", 1)[0]
            same = [c for c in candidates if c.qualname.rsplit(".", 1)[0] == module]
            if len(same) == 1:
                return same[0]
        return None

    def _is_flask_sqlalchemy(self, ref: str, depth: int = 0) -> bool:
        if ref in FLASK_SQLALCHEMY:
            return True
        cls = self.resolve_class(ref)
        if cls is None or depth > 5:
            return False
        return any(self._is_flask_sqlalchemy(b, depth + 1) for b in cls.bases)

    def model(self, ref: str | None, near: str = "") -> Model | None:
        cls = self.resolve_class(ref, near)
        return self.models.get(cls.qualname) if cls else None

    def _classify(self) -> None:
        framework: dict[str, str] = {}
        changed = True
        while changed:
            changed = False
            for cls in self.classes.values():
                if cls.qualname in framework:
                    continue
                found = self._framework_of(cls, framework)
                if found:
                    framework[cls.qualname] = found
                    changed = True
        for qualname, kind in framework.items():
            cls = self.classes[qualname]
            self.models[qualname] = Model(cls, kind, {f.name: f for f in cls.fields})

    def _framework_of(self, cls: ClassFact, known: dict[str, str]) -> str | None:
        for base in cls.bases:
            if base in DJANGO_MODEL_BASES:
                return "django"
            if base in SA_MODEL_BASES or any(b == base or b.endswith("." + base)
                                             for b in self.sa_bases):
                return "sqlalchemy"
            if ".".join(base.split(".")[-2:]) in self.sa_tails and base.count(".") >= 2:
                return "sqlalchemy"
            parent = self.resolve_class(base, cls.qualname)
            if parent is not None and parent.qualname != cls.qualname and (
                    parent.qualname in known):
                return known[parent.qualname]
        return None

    def _inherit(self) -> None:
        for model in self.models.values():
            seen: set[str] = {model.fact.qualname}
            stack = list(model.fact.bases)
            while stack:
                base = stack.pop()
                parent = self.resolve_class(base, model.fact.qualname)
                if parent is None or parent.qualname in seen:
                    continue
                seen.add(parent.qualname)
                for f in parent.fields:
                    name = f.name
                    related = f.related_name
                    if related and "%(" in related:
                        related = related.replace("%(class)s", model.name.lower()).replace(
                            "%(app_label)s", "")
                    model.fields.setdefault(name, FieldFact(
                        f.name, f.kind, f.target, related, f.lazy, f.many, f.backref,
                        f.backref_lazy, f.parent_link))
                if parent.qualname in self.models:
                    model.parents.append(self.models[parent.qualname])
                    if not parent.abstract and model.framework == "django":
                        # multi-table inheritance: the parent reaches the child with a query
                        self.models[parent.qualname].fields.setdefault(
                            model.name.lower(), FieldFact(model.name.lower(), REVERSE_O2O,
                                                          model.fact.qualname))
                stack.extend(parent.bases)

    def _reverse(self) -> None:
        for model in list(self.models.values()):
            if model.fact.abstract:
                continue
            for f in list(model.fields.values()):
                if f.kind in (FK, O2O, M2M) and f.related_name != "+" and not (
                        f.related_name or "").endswith("+"):
                    target = self._target(model, f)
                    if target is None:
                        continue
                    if f.related_name:
                        accessor = f.related_name
                    elif f.kind == O2O:
                        accessor = model.name.lower()
                    else:
                        accessor = model.name.lower() + "_set"
                    kind = {FK: REVERSE_FK, O2O: REVERSE_O2O, M2M: REVERSE_M2M}[f.kind]
                    # for reverse relations, related_name holds the forward field's name
                    target.fields.setdefault(accessor, FieldFact(accessor, kind,
                                                                 model.fact.qualname,
                                                                 related_name=f.name))
                elif f.kind == SA_REL and f.backref:
                    target = self._target(model, f)
                    if target is None:
                        continue
                    many = None if f.many is None else not f.many
                    target.fields.setdefault(f.backref, FieldFact(
                        f.backref, SA_REL, model.fact.qualname, lazy=f.backref_lazy,
                        many=many))

    def target(self, model: Model, f: FieldFact) -> Model | None:
        return self._target(model, f)

    def _target(self, model: Model, f: FieldFact) -> Model | None:
        if f.target in (None, ""):
            return None
        if f.target == "self":
            return model
        ref = f.target
        assert ref is not None
        return self.model(ref, model.fact.qualname)

    def field(self, model: Model, name: str) -> FieldFact | None:
        return model.fields.get(name)
