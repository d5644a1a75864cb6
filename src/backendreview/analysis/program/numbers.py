"""Numbers read from the database: a field of an ORM row whose model declares it numeric.

`ws.id` where `ws` is a row of `Workspace.query.all()` prints as digits whoever chose the
query's filter, provided the model declares `id = Column(Integer, primary_key=True)`. The
row's model is known in the file (analysis/orm/queries.OriginFinder); its declaration may be
in another module, so the file records a need (`ConstNeed("number", ref=model, attr=field)`)
and the project phase checks it against the class's numeric columns
(`ClassInfo.number_attrs`, `ProgramModel.satisfied`). BR101 splices such a value unbound
without a finding, and the SQL flow counts a call passing one as passing inert text.
"""

from __future__ import annotations

import ast

from ...context import FileContext
from ..orm.models import class_ref
from ..orm.queries import DJANGO_EVALUATE, DJANGO_MANAGERS, SA_EVALUATE, OriginFinder
from .facts import ConstNeed

# SQLAlchemy column types whose values print as digits (and a sign, a dot, an exponent):
# the generic types and their upper-case SQL-standard spellings.
_SA_NUMBER_TYPES = frozenset({
    "Integer", "BigInteger", "SmallInteger", "Float", "Numeric", "Boolean", "Double",
    "INTEGER", "BIGINT", "SMALLINT", "INT", "FLOAT", "NUMERIC", "DECIMAL", "REAL", "DOUBLE",
    "DOUBLE_PRECISION", "BOOLEAN",
})
_SA_COLUMNS = frozenset({"Column", "mapped_column"})
# Django fields whose values print as digits, `True` / `False`, or a UUID's hex and dashes.
_DJANGO_NUMBER_FIELDS = frozenset({
    "AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField",
    "SmallIntegerField", "PositiveIntegerField", "PositiveSmallIntegerField",
    "PositiveBigIntegerField", "FloatField", "DecimalField", "BooleanField", "UUIDField",
})
_MAPPED_NUMBERS = frozenset({"int", "float", "bool", "Decimal", "decimal.Decimal",
                             "uuid.UUID", "UUID"})
# Calls that evaluate a query to one row.
_ONE_ROW = (DJANGO_EVALUATE | SA_EVALUATE) - {"count", "exists", "aggregate", "in_bulk",
                                              "contains", "all", "scalar"}
_MAX_DEPTH = 4


def _last_name(expr: ast.expr) -> str:
    if isinstance(expr, ast.Call):
        expr = expr.func
    if isinstance(expr, ast.Attribute):
        return expr.attr
    return expr.id if isinstance(expr, ast.Name) else ""


def numeric_column(ctx: FileContext, stmt: ast.stmt) -> str | None:
    """The attribute a class-body statement declares a numeric column, else None:
    `id = Column(Integer, primary_key=True)`, `db.Column(db.BigInteger)`, `mapped_column(
    sa.Integer)`, `n: Mapped[int]`, `models.IntegerField()`. The column's type is the
    first positional argument that is not its name (a string)."""
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
        target, value, annotation = stmt.target.id, stmt.value, stmt.annotation
    elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(
            stmt.targets[0], ast.Name):
        target, value, annotation = stmt.targets[0].id, stmt.value, None
    else:
        return None
    if isinstance(annotation, ast.Subscript) and _last_name(annotation.value) == "Mapped":
        inner = annotation.slice
        if isinstance(inner, ast.Subscript) and _last_name(inner.value) == "Optional":
            inner = inner.slice
        if isinstance(inner, ast.BinOp) and isinstance(inner.op, ast.BitOr) and isinstance(
                inner.right, ast.Constant) and inner.right.value is None:
            inner = inner.left  # `Mapped[int | None]`
        if ast.unparse(inner) in _MAPPED_NUMBERS and (
                value is None or _last_name(value) in _SA_COLUMNS) and not (
                isinstance(value, ast.Call) and _typed_args(value)):
            return target  # `Mapped[int]`, `Mapped[int] = mapped_column(...)` untyped
    if not isinstance(value, ast.Call):
        return None
    callee = _last_name(value)
    if callee in _SA_COLUMNS:
        types = _typed_args(value)
        return target if types and _last_name(types[0]) in _SA_NUMBER_TYPES else None
    qualified = ctx.qualified_name(value.func) or ""
    if callee in _DJANGO_NUMBER_FIELDS and qualified.startswith("django.db.models"):
        return target
    return None


def _typed_args(call: ast.Call) -> list[ast.expr]:
    """The positional arguments of a column call but its name: the type comes first."""
    return [a for a in call.args
            if not (isinstance(a, ast.Constant) and isinstance(a.value, str))]


def number_needs(ctx: FileContext, expr: ast.expr, depth: int = 0
                 ) -> list[ConstNeed] | None:
    """What makes `expr` a number read from the database: `[ConstNeed("number", ref=model,
    attr=field)]` for `row.field` where `row` is a row of a query on `model` (a loop over
    it, or the one row `.first()` / `.get()` / `.one()` gives), through `str()` / `int()`
    and locals bound only to such values; None when it is not one."""
    if depth > _MAX_DEPTH:
        return None
    if isinstance(expr, ast.Call) and (ctx.qualified_name(expr.func) or "") in (
            "builtins.str", "builtins.int") and len(expr.args) == 1 and not expr.keywords:
        return number_needs(ctx, expr.args[0], depth + 1)
    if isinstance(expr, ast.Name):
        bindings = ctx.reaching_bindings(expr)
        if not bindings or not all(b.kind in ("assign", "annassign") and b.value is not None
                                   and b.value is not expr for b in bindings):
            return None
        out: list[ConstNeed] = []
        for binding in bindings:
            found = number_needs(ctx, binding.value, depth + 1)
            if found is None:
                return None
            out += [n for n in found if n not in out]
        return out
    if not (isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name)):
        return None
    model = row_model(ctx, expr.value)
    return [ConstNeed("number", ref=model, attr=expr.attr)] if model else None


def row_model(ctx: FileContext, name: ast.Name) -> str | None:
    """The class reference of the model whose rows `name` holds on every path that reaches
    it: a loop variable over a query's rows, or a local assigned one row of a query."""
    if name.id in ("self", "cls"):
        return None
    bindings = ctx.reaching_bindings(name)
    if not bindings:
        return None
    finder = OriginFinder(ctx)
    models: set[str] = set()
    for binding in bindings:
        value = binding.value
        if value is None:
            return None
        if binding.kind in ("for", "comprehension") and isinstance(
                getattr(binding.node, "target", None), ast.Name):
            origin = finder.of(value)
        elif binding.kind in ("assign", "annassign"):
            if isinstance(value, ast.Await):
                value = value.value
            if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute)
                    and value.func.attr in _ONE_ROW):
                return None
            receiver = value.func.value
            if isinstance(receiver, ast.Attribute) and receiver.attr in DJANGO_MANAGERS:
                model = class_ref(ctx, receiver.value)  # `Group.objects.get(pk=x)`
                if model is None:
                    return None
                models.add(model)
                continue
            origin = finder.of(receiver)
        else:
            return None
        if origin is None or not origin.rows or origin.model is None or origin.orm not in (
                "sqlalchemy", "django"):
            return None
        models.add(origin.model)
    return models.pop() if len(models) == 1 else None


def number_args(ctx: FileContext, call: ast.Call, known: tuple[str, ...]
                ) -> tuple[tuple[str, tuple[ConstNeed, ...]], ...]:
    """The arguments of `call` (beyond the `known` ones) that are fields of ORM rows, with
    what the project phase must find for each to be a number (`CallSite.number_args`)."""
    out: list[tuple[str, tuple[ConstNeed, ...]]] = []
    for key, arg in [*((str(i), a) for i, a in enumerate(call.args)),
                     *((k.arg, k.value) for k in call.keywords if k.arg)]:
        if isinstance(arg, ast.Starred):
            break
        if key in known or not isinstance(arg, ast.Attribute | ast.Name | ast.Call):
            continue
        needs = number_needs(ctx, arg)
        if needs:
            out.append((key, tuple(needs)))
    return tuple(out)
