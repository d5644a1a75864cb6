"""Project functions that quote or escape a value for SQL text.

A backend that cannot bind a part (an identifier, a DDL argument) often writes its own
quoting helper, as CKAN's datastore does:

    def identifier(s):
        return '"' + s.replace('"', '""').replace('\\0', '') + '"'

What such a function returns is a quoted identifier or string literal whatever its argument
holds, so a value made by it is not injection. The helper is recognised by its body, never by
its name: every `return` either wraps the parameter, quote-doubled, in that very quote, or
hands back a driver's or dialect's own quoting call (`conn.ops.quote_name(name)`,
`dialect.identifier_preparer.quote(name)`, `psycopg2.extensions.quote_ident(name, cur)`),
or the text reduced to word characters (`re.sub(r"[^A-Za-z0-9_]", "_", name)`, see
analysis/inert.py), which needs no quoting at all.
"""

from __future__ import annotations

import ast

from ..astutil import own_nodes
from .inert import word_reduced

_QUOTES = ("'", '"', "`")
# Quoting methods of drivers, dialects and frameworks, by the attribute the call names.
DRIVER_QUOTING = frozenset({
    "quote_name", "quote_ident", "quote_identifier", "quote_literal", "escape_string",
    "escape_literal", "escape_identifier", "quote_schema", "literal",
})
# `dialect.identifier_preparer.quote(x)`: the bare `quote` counts only on a preparer.
_PREPARER = "identifier_preparer"


def quoting_function(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Every `return` of `func` gives its first parameter quoted for SQL (see the module)."""
    params = [a.arg for a in [*func.args.posonlyargs, *func.args.args]]
    if params and params[0] in ("self", "cls"):
        params = params[1:]
    if not params:
        return False
    own = list(own_nodes(func))
    returns = [n for n in own if isinstance(n, ast.Return)]
    if not returns or any(r.value is None for r in returns):
        return False
    return all(_quoted(r.value, set(params), _single_locals(own, set(params)))  # type: ignore[arg-type]
               for r in returns)


def _single_locals(own: list[ast.AST], params: set[str]) -> dict[str, ast.expr]:
    """The locals of the function assigned exactly once, by a plain `name = value`, and
    never a parameter: `escaped = name.replace('"', '""')` before `return f'"{escaped}"'`
    is the parameter escaped as surely as if the return spelled it out."""
    values: dict[str, ast.expr] = {}
    counts: dict[str, int] = {}
    for node in own:
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            counts[node.id] = counts.get(node.id, 0) + 1
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(
                node.targets[0], ast.Name):
            values[node.targets[0].id] = node.value
    return {name: value for name, value in values.items()
            if counts.get(name) == 1 and name not in params}


def _quoted(expr: ast.expr, params: set[str], local: dict[str, ast.expr] | None = None
            ) -> bool:
    if isinstance(expr, ast.Call) and (driver_quote(expr) or word_reduced(expr)):
        return True
    parts = _concatenation(expr)
    if parts is None or len(parts) < 3:
        return False
    first, *middle, last = parts
    quote = _text(first)[-1:] if _text(first) else ""
    if quote not in _QUOTES or not _text(last).startswith(quote):
        return False
    # Between the quotes: only the parameter, escaped for that quote (here or in a local
    # assigned once).
    if len(middle) != 1:
        return False
    inner = middle[0]
    if isinstance(inner, ast.Name) and local and inner.id in local:
        inner = local[inner.id]
    return _escapes(inner, quote, params)


def _concatenation(expr: ast.expr) -> list[ast.expr] | None:
    """The parts of `a + b + c` or `f"{a}{b}"` in order, literal text as constants."""
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        left = _concatenation(expr.left) or [expr.left]
        right = _concatenation(expr.right) or [expr.right]
        return [*left, *right]
    if isinstance(expr, ast.JoinedStr):
        return [v.value if isinstance(v, ast.FormattedValue) else v for v in expr.values]
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and (
            expr.func.attr == "format") and isinstance(expr.func.value, ast.Constant) and (
            isinstance(expr.func.value.value, str)) and len(expr.args) == 1:
        before, _, after = expr.func.value.value.partition("{}")
        if after.count("{}") == 0 and "{" not in before + after:
            return [ast.Constant(before), expr.args[0], ast.Constant(after)]
    return None


def _text(expr: ast.expr) -> str:
    return expr.value if isinstance(expr, ast.Constant) and isinstance(expr.value, str) else ""


def _escapes(expr: ast.expr, quote: str, params: set[str]) -> bool:
    """A chain of `.replace(...)` calls on a parameter, one of which doubles `quote`."""
    doubled = False
    while isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and (
            expr.func.attr == "replace") and len(expr.args) == 2:
        old, new = (_text(a) if isinstance(a, ast.Constant) else None for a in expr.args)
        if old is None or new is None:
            return False
        doubled |= old == quote and new == quote * 2
        expr = expr.func.value
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and (
            expr.func.id == "str") and len(expr.args) == 1:
        expr = expr.args[0]
    return doubled and isinstance(expr, ast.Name) and expr.id in params


def driver_quote(call: ast.Call) -> bool:
    func = call.func
    if not isinstance(func, ast.Attribute | ast.Name):
        return False
    name = func.attr if isinstance(func, ast.Attribute) else func.id
    if name in DRIVER_QUOTING:
        # a bare `literal(x)` is too common a name to be a driver's without a receiver
        return isinstance(func, ast.Attribute) or name != "literal"
    return name == "quote" and isinstance(func, ast.Attribute) and isinstance(
        func.value, ast.Attribute) and func.value.attr == _PREPARER
