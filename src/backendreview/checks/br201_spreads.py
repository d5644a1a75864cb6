"""BR201 for a model built from a whole input schema: `User(**body.model_dump())`.

No password shows at the call: it is a field of the body's schema (`UserCreate.password`),
spread into the model's constructor, where a `password` column takes it as sent. The file
half records the spread (`SpreadStore`: the model and the schema the body is annotated with);
the project half reports it when the schema declares a password field that the model also
declares as a plain column (same name), neither hashing it on the way (a schema validator, a
model setter or save(), br201_models), and the dump does not leave the field out
(`exclude={"password"}`).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..analysis.program import definition_ref
from ..analysis.values import constant_str
from ..model import Finding

if TYPE_CHECKING:
    from ..context import FileContext

SPREADS = "br201_spreads"

_DUMPS = frozenset({"dict", "model_dump", "to_dict", "_asdict"})


@dataclass(frozen=True)
class SpreadStore:
    finding: Finding  # at the spread; worded in the project phase once the field is known
    model_ref: str | None
    schema_ref: str
    label: str  # the write as written: `User(...)`
    text: str  # the spread as written: `body.model_dump()`


def spread_schema(ctx: FileContext, expr: ast.expr) -> str | None:
    """The schema class `body` is annotated with in `**body.model_dump()` / `**body.dict()`
    / `**dict(body)` / `**vars(body)`, when the dump keeps every field."""
    if not isinstance(expr, ast.Call):
        return None
    func = expr.func
    if isinstance(func, ast.Attribute) and func.attr in _DUMPS and not expr.args:
        if any(k.arg in ("exclude", "include") for k in expr.keywords):
            return None  # the dump chooses its fields: the password is seldom among them
        body = func.value
    elif isinstance(func, ast.Name) and func.id in ("dict", "vars") and len(expr.args) == 1 \
            and not expr.keywords:
        body = expr.args[0]
    else:
        return None
    if not isinstance(body, ast.Name):
        return None
    for binding in ctx.reaching_bindings(body):
        annotation = binding.annotation
        if binding.kind != "param" or annotation is None:
            return None
        if isinstance(annotation, ast.Subscript):  # Annotated[UserCreate, Body()]
            inner = annotation.slice
            annotation = inner.elts[0] if isinstance(inner, ast.Tuple) else inner
        if constant_str(annotation):
            return None
        return definition_ref(ctx, annotation)
    return None


def worded(item: SpreadStore, field: str, schema: str) -> Finding:
    fix = item.finding.fix
    if fix is not None and fix.suggestion:
        fix = replace(fix, suggestion=fix.suggestion.replace("FIELD", field))
    return replace(item.finding, fix=fix, message=(
        f"plaintext password (the `{field}` field of `{schema}`) is stored by `{item.label}` "
        f"through `**{item.text}` without a password hash"))
