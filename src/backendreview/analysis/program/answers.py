"""Which calls of a function give the value it answers with.

`return repo.get_all()`, `jobs = store.get_jobs(); return {"jobs": jobs}`,
`return jsonify([j.to_dict() for j in store.get_jobs()])`: the rows of each of these calls
are what the caller receives. `return render_page(cc=store.columns())` is not such a call:
what `render_page` does with its argument is its own business (the call graph follows it
there), so `store.columns()` is not what this function answers with.
"""

from __future__ import annotations

import ast

from ...context import FileContext
from ..frameworks.common import bundles_lists, carries_rows


def answered_calls(ctx: FileContext, own: list[ast.AST]) -> set[int]:
    """ids of the calls whose value is what `own`'s returns give, or an item of the
    container, response or list serializer they give."""
    out: set[int] = set()
    for node in own:
        if isinstance(node, ast.Return) and node.value is not None:
            _visit(ctx, node.value, out, 0)
    return out


def _visit(ctx: FileContext, expr: ast.AST, out: set[int], depth: int) -> None:
    if depth > 6:
        return
    if isinstance(expr, ast.Await):
        _visit(ctx, expr.value, out, depth + 1)
    elif isinstance(expr, ast.Call):
        out.add(id(expr))
        if carries_rows(expr):
            for arg in [*expr.args, *(k.value for k in expr.keywords)]:
                _visit(ctx, arg, out, depth + 1)
        elif isinstance(expr.func, ast.Attribute):
            # `repo.all().order_by(...)`, `store.get_jobs().copy()`: the receiver's rows.
            _visit(ctx, expr.func.value, out, depth + 1)
    elif isinstance(expr, ast.Attribute) and expr.attr == "data":
        _visit(ctx, expr.value, out, depth + 1)
    elif isinstance(expr, ast.ListComp | ast.GeneratorExp | ast.SetComp | ast.DictComp):
        _visit(ctx, expr.generators[0].iter, out, depth + 1)
    elif isinstance(expr, ast.Dict):
        if bundles_lists(expr):
            return
        for value in expr.values:
            _visit(ctx, value, out, depth + 1)
    elif isinstance(expr, ast.List | ast.Tuple | ast.Set):
        for value in expr.elts:
            _visit(ctx, value, out, depth + 1)
    elif isinstance(expr, ast.IfExp):
        _visit(ctx, expr.body, out, depth + 1)
        _visit(ctx, expr.orelse, out, depth + 1)
    elif isinstance(expr, ast.Name):
        for binding in ctx.reaching_bindings(expr):
            if binding.kind in ("assign", "annassign") and binding.value is not None:
                _visit(ctx, binding.value, out, depth + 1)
