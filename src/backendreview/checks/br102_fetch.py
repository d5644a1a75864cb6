"""Cursor fetch rows: a loop over what a DB-API cursor fetched after a SELECT with no LIMIT
walks every row the query matched, as a loop over an ORM query does.

Only what the file shows counts: the loop iterates `cur.fetchall()`, `cur.fetchmany(size)`
with a size above a small sample (the batches of a loop that fetches them all) or the
cursor itself (directly or through a local bound once), `cur` is a database handle
(analysis/dbapi.py), and the last `cur.execute(...)` before the loop in the same function
runs text that returns every row of a table (analysis/sql_bounds.py, BR303's answer too).
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from ..analysis.dbapi import HandleResolver
from ..analysis.sql_bounds import last_execute, selects_every_row
from .br102_bounds import FETCHES, small_bound


def fetched_rows(ctx, handles: HandleResolver, sql_text: Callable[[ast.expr], str | None],  # type: ignore[no-untyped-def]
                 expr: ast.expr, depth: int = 0) -> str | None:
    """The SELECT whose unbounded rows `expr` is (shortened), or None."""
    if depth > 3:
        return None
    if isinstance(expr, ast.Await):
        expr = expr.value
    if isinstance(expr, ast.Name) and handles.of(expr) is None:
        bindings = ctx.reaching_bindings(expr)
        if len(bindings) != 1 or bindings[0].kind != "assign" or bindings[0].value is None:
            return None
        return fetched_rows(ctx, handles, sql_text, bindings[0].value, depth + 1)
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and (
            expr.func.attr in FETCHES):
        size = expr.args[0] if expr.args else next(
            (k.value for k in expr.keywords if k.arg == "size"), None)
        if expr.func.attr == "fetchmany" and (size is None or small_bound(size)):
            # a handful (the size, or the cursor's arraysize: 1 unless set), not every row
            return None
        cursor: ast.expr = expr.func.value
    elif isinstance(expr, ast.Name):
        cursor = expr  # `for row in cur:` iterates the cursor's rows
    else:
        return None
    handle = handles.of(cursor)
    if handle is None or handle.kind != "cursor":
        return None
    statement = last_execute(ctx, expr, cursor)
    text = sql_text(statement.args[0]) if statement is not None and statement.args else None
    if text is None or not selects_every_row(text):
        return None
    shown = " ".join(text.split())
    return shown if len(shown) <= 60 else shown[:57] + "..."
