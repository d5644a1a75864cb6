"""DRF facts for BR102 (c): which relations a ModelSerializer reads for each row, and which
queryset a list view or viewset serializes with it."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...astutil import own_nodes
from ...model import Span
from .models import class_ref
from .queries import Origin, OriginFinder
from .serializer_reads import RowRead, representation_kind, row_reads

if TYPE_CHECKING:
    from ...context import FileContext

_MODEL_SERIALIZERS = frozenset({
    "rest_framework.serializers.ModelSerializer",
    "rest_framework.serializers.HyperlinkedModelSerializer",
})
# Field classes that read a related object (or manager) rather than a column.
_RELATED_FIELDS = frozenset({"StringRelatedField", "SlugRelatedField",
                             "HyperlinkedRelatedField", "RelatedField"})


@dataclass(frozen=True)
class SerializerField:
    name: str
    source: tuple[str, ...]  # the attribute path read from each row
    nested: str | None  # the nested serializer's class reference
    many: bool
    line: int


@dataclass(frozen=True)
class SerializerFact:
    qualname: str
    name: str
    path: str
    line: int
    bases: tuple[str, ...]
    model: str | None
    fields: tuple[SerializerField, ...]
    meta_fields: tuple[str, ...]  # Meta.fields as written ("__all__" kept)
    depth: int
    declared: tuple[str, ...] = ()  # every field the class declares (they shadow Meta.fields)
    # SerializerMethodFields: (field name, the method DRF calls for each object, line)
    method_fields: tuple[tuple[str, str, int], ...] = ()
    # "" (DRF's to_representation), "super" (an override that calls it) or "own" (an
    # override that builds the output itself: the declared fields are not read).
    representation: str = ""
    # The relations to_representation and the method fields' methods read from each row.
    reads: tuple[RowRead, ...] = ()


@dataclass(frozen=True)
class ListViewFact:
    path: str
    name: str
    serializer: str
    origin: Origin
    span: Span
    snippet: str
    module: str
    # No base the class names says it lists: one of the project's base classes must (its
    # hierarchy is read in the project phase).
    inherited: bool = False


def method_field_method(call: ast.Call, field: str) -> str:
    """The method DRF calls with each object serialized for `field = SerializerMethodField(
    ...)`: `method_name` (the keyword or the first argument), `get_<field>` when none is
    given. One answer for BR102's method-field queries and the program's dispatch."""
    method = next((k.value.value for k in call.keywords if k.arg == "method_name"
                   and isinstance(k.value, ast.Constant) and isinstance(k.value.value, str)),
                  None)
    if method is None and call.args and isinstance(call.args[0], ast.Constant) and (
            isinstance(call.args[0].value, str)):
        method = call.args[0].value
    return method or f"get_{field}"


def extract_serializer(ctx: FileContext, node: ast.ClassDef) -> SerializerFact | None:
    bases = tuple(class_ref(ctx, b) or ctx.source(b) for b in node.bases)
    if not bases:
        return None
    model: str | None = None
    meta_fields: tuple[str, ...] = ()
    depth = 0
    fields: list[SerializerField] = []
    declared: list[str] = []
    method_fields: list[tuple[str, str, int]] = []
    for stmt in node.body:
        if isinstance(stmt, ast.ClassDef) and stmt.name == "Meta":
            for inner in stmt.body:
                if not (isinstance(inner, ast.Assign) and len(inner.targets) == 1
                        and isinstance(inner.targets[0], ast.Name)):
                    continue
                key = inner.targets[0].id
                if key == "model":
                    model = class_ref(ctx, inner.value)
                elif key == "fields":
                    if isinstance(inner.value, ast.List | ast.Tuple):
                        meta_fields = tuple(e.value for e in inner.value.elts
                                            if isinstance(e, ast.Constant)
                                            and isinstance(e.value, str))
                    elif isinstance(inner.value, ast.Constant) and inner.value.value == "__all__":
                        meta_fields = ("__all__",)
                elif key == "depth" and isinstance(inner.value, ast.Constant) and isinstance(
                        inner.value.value, int):
                    depth = inner.value.value
            continue
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Name) and isinstance(stmt.value, ast.Call)):
            continue
        name = stmt.targets[0].id
        declared.append(name)
        call = stmt.value
        source_kw = next((k.value for k in call.keywords if k.arg == "source"), None)
        source = (source_kw.value if isinstance(source_kw, ast.Constant)
                  and isinstance(source_kw.value, str) else None)
        many = any(k.arg == "many" and isinstance(k.value, ast.Constant) and k.value.value is True
                   for k in call.keywords)
        callee = call.func.attr if isinstance(call.func, ast.Attribute) else (
            call.func.id if isinstance(call.func, ast.Name) else "")
        if source == "*":
            continue
        if callee == "SerializerMethodField":
            method_fields.append((name, method_field_method(call, name), stmt.lineno))
            continue
        qualified = ctx.qualified_name(call.func) or ""
        if callee.endswith("Serializer") and not qualified.startswith("rest_framework."):
            ref = class_ref(ctx, call.func)
            path = tuple((source or name).split("."))
            fields.append(SerializerField(name, path, ref, many, stmt.lineno))
        elif source and "." in source:
            fields.append(SerializerField(name, tuple(source.split(".")), None, many,
                                          stmt.lineno))
        elif callee in _RELATED_FIELDS or (callee == "PrimaryKeyRelatedField" and many) or (
                callee.endswith("IdentityField") and many):
            # An identity field with many=True links each row of the relation its source
            # (the field's name) names: `roles = HyperlinkedIdentityField(many=True)`.
            fields.append(SerializerField(name, tuple((source or name).split(".")), None, many,
                                          stmt.lineno))
        elif callee.endswith("IdentityField"):
            # The object's own URL, built from lookup fields that may walk relations:
            # `lookup_field=("component__project__slug", "component__slug")`.
            for path in _lookup_relations(call):
                fields.append(SerializerField(name, path, None, False, stmt.lineno))
    representation = representation_kind(node)
    reads = row_reads(node, [*(["to_representation"] if representation else []),
                             *(method for _, method, _ in method_fields)])
    if model is None and not fields and not method_fields and not reads:
        return None
    return SerializerFact(f"{ctx.module}.{node.name}", node.name, ctx.path,
                          node.lineno, bases, model, tuple(fields), meta_fields, depth,
                          tuple(declared), tuple(method_fields), representation, reads)


def _lookup_relations(call: ast.Call) -> list[tuple[str, ...]]:
    """The relations an identity field's `lookup_field` walks (`project__slug` -> project),
    longest first and each once."""
    value = next((k.value for k in call.keywords if k.arg == "lookup_field"), None)
    items = value.elts if isinstance(value, ast.Tuple | ast.List) else [value]
    paths = {tuple(item.value.split("__")[:-1]) for item in items
             if isinstance(item, ast.Constant) and isinstance(item.value, str)
             and "__" in item.value}
    return [p for p in sorted(paths, key=lambda p: (-len(p), p))
            if not any(q[:len(p)] == p and q != p for q in paths)]


def extract_list_view(ctx: FileContext, node: ast.ClassDef,
                      origins: OriginFinder) -> ListViewFact | None:
    """A class-based view with `queryset = ...` and `serializer_class = ...` whose bases say it
    lists (ListAPIView, ListCreateAPIView, ModelViewSet, ReadOnlyModelViewSet, ListModelMixin)."""
    bases = [class_ref(ctx, b) or ctx.source(b) for b in node.bases]
    # Bases of the project's own (`class StageViewSet(AppModelViewSet)`) may list: the
    # project phase reads their hierarchy (`inherited`).
    inherited = not any(is_list_base(b) for b in bases)
    if not bases:
        return None
    queryset: ast.expr | None = None
    serializer: str | None = None
    for stmt in node.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(
                stmt.targets[0], ast.Name):
            if stmt.targets[0].id == "queryset":
                queryset = stmt.value
            elif stmt.targets[0].id == "serializer_class":
                serializer = class_ref(ctx, stmt.value)
        if isinstance(stmt, ast.FunctionDef) and stmt.name == "get_queryset":
            # one plain `return <query>` (locals and chained filters are followed)
            returns = [n for n in ast.walk(stmt) if isinstance(n, ast.Return)]
            if len(returns) != 1 or returns[0].value is None:
                return None
            queryset = returns[0].value
        elif isinstance(stmt, ast.FunctionDef) and stmt.name == "list" and _lists_by_super(stmt):
            continue  # work of its own, then DRF's list of the same queryset and serializer
        elif isinstance(stmt, ast.FunctionDef) and stmt.name in (
                "get_serializer_class", "list"):
            return None  # decided at run time: we cannot tell which fields
    if queryset is None or serializer is None:
        return None
    origin = origins.of(queryset)
    if origin is None or origin.orm != "django":
        return None
    return ListViewFact(ctx.path, node.name, serializer, origin, ctx.span_of(queryset),
                        ctx.source(queryset).split("\n")[0].strip(), ctx.module, inherited)


_LIST_BASES = frozenset({"ListAPIView", "ListCreateAPIView", "ModelViewSet",
                         "ReadOnlyModelViewSet", "ListModelMixin"})
# What a view class may define to choose, at run time, the serializer or the list it answers.
RUNTIME_LIST_METHODS = ("get_serializer_class", "list")


def is_list_base(ref: str) -> bool:
    """A base whose name says the view lists (DRF's, or a project class named after one)."""
    return ref.rsplit(".", 1)[-1] in _LIST_BASES


def _lists_by_super(method: ast.FunctionDef) -> bool:
    """`def list(self, request): ...; return super().list(request)`: the override's own
    path ends in DRF's list, which serializes `get_queryset()` with `serializer_class`."""
    last = method.body[-1] if method.body else None
    if not (isinstance(last, ast.Return) and isinstance(last.value, ast.Call)):
        return False
    func = last.value.func
    return (isinstance(func, ast.Attribute) and func.attr == "list"
            and isinstance(func.value, ast.Call) and isinstance(func.value.func, ast.Name)
            and func.value.func.id == "super")


# -- what a view's own get_queryset adds to the queryset of its bases ---------------------------
_LOADER_METHODS = frozenset({"select_related", "prefetch_related"})


@dataclass(frozen=True)
class QuerysetMethodFact:
    """A class's `get_queryset`: the relations it loads on the queryset it starts from.

    A view that inherits it lists `queryset` with these loaders added (DRF calls
    `get_queryset()` for every list), so the base class's prefetches count for it."""

    qualname: str  # module.Class.get_queryset
    loads: tuple[str, ...]  # relation paths named by literal arguments ("a__b" -> "a.b")
    runtime: bool  # it also loads relations named only at run time (non-literal arguments)
    calls: tuple[str, ...]  # the functions it calls, by dotted name: a helper may load more
    # What it starts from: "super" (`super().get_queryset()`, the next base's answer),
    # "queryset" (the class attribute `self.queryset`) or "" (a query of its own making).
    start: str


@dataclass(frozen=True)
class RuntimeLoaderFact:
    """A function that calls `select_related` / `prefetch_related` with relations named at
    run time (`queryset.prefetch_related(*fields)`): what it loads cannot be read."""

    qualname: str


def loader_arguments(function: ast.AST) -> tuple[list[str], bool]:
    """The relation paths a function's own `select_related` / `prefetch_related` calls name
    literally, and whether any of them names relations only known at run time."""
    loads: list[str] = []
    runtime = False
    for node in own_nodes(function):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in _LOADER_METHODS):
            continue
        if node.func.attr == "select_related" and not node.args and not node.keywords:
            loads.append("*fk")  # every non-null foreign key
        for arg in node.args:
            relation = _literal_relation(arg)
            if relation is None:
                runtime = True
            else:
                loads.append(relation)
    return loads, runtime


def _literal_relation(arg: ast.expr) -> str | None:
    """The relation a loader argument names in the code (`"a__b"` -> "a.b",
    `Prefetch("lines", queryset=...)` -> "lines"); None when it is named at run time."""
    if isinstance(arg, ast.Call) and arg.args:
        arg = arg.args[0]
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return arg.value.replace("__", ".")
    return None


def extract_queryset_method(ctx: FileContext, cls: ast.ClassDef,
                            method: ast.FunctionDef | ast.AsyncFunctionDef
                            ) -> QuerysetMethodFact:
    loads, runtime = loader_arguments(method)
    calls: list[str] = []
    start = ""
    for node in own_nodes(method):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr == "get_queryset" and isinstance(
                    func.value, ast.Call) and isinstance(func.value.func, ast.Name) and (
                    func.value.func.id == "super"):
                start = "super"
            name = ctx.qualified_name(func)
            if name and name not in calls:
                calls.append(name)
        elif isinstance(node, ast.Attribute) and node.attr == "queryset" and isinstance(
                node.value, ast.Name) and node.value.id == "self" and not start:
            start = "queryset"
    return QuerysetMethodFact(f"{ctx.module}.{cls.name}.{method.name}",
                              tuple(dict.fromkeys(loads)), runtime, tuple(sorted(calls)),
                              start)


def runtime_loader(ctx: FileContext, call: ast.Call) -> RuntimeLoaderFact | None:
    """The function around `call` when the call loads relations named only at run time."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr in _LOADER_METHODS and any(
            _literal_relation(a) is None for a in call.args)):
        return None
    names: list[str] = []
    for anc in ctx.semantic.ancestors(call):
        if isinstance(anc, ast.ClassDef) and not names:
            return None  # a class body, not a function
        if isinstance(anc, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.append(anc.name)
        elif isinstance(anc, ast.Lambda):
            return None
    if not names:
        return None
    return RuntimeLoaderFact(".".join([ctx.module, *reversed(names)]))
