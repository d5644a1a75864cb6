"""Whether SQL text returns every row of a table, and which `execute` produced the rows a
cursor's fetch reads: one answer for BR102 (a loop over a cursor's fetched rows) and BR303
(a handler returning them).

The text is what the string analysis reads (StringAnalyzer.constant_text: "\\x00" stands
for a piece it cannot read). A statement returns every row when it is a read (`SELECT`, a
parenthesised `SELECT`, or `WITH ... SELECT`, after any leading comments) of at least one
table, and nothing bounds its rows:

- LIMIT, FETCH FIRST / FETCH NEXT, or SELECT [DISTINCT] TOP n;
- one row by key: `WHERE ... id = <value>` (or `pk`, quoted or not) where the value is a
  placeholder, a literal, a piece the analysis cannot read or a `(SELECT ...)`;
  `o.id = l.order_id` is a join, and `id = ANY(%s)` a list of keys, neither one row;
- one aggregate row: the select list starts with count / sum / min / max / avg / exists and
  no GROUP BY makes a row per group.

A read of no table (`SELECT now()`, `SELECT 1`, `SELECT * FROM generate_series(...)`)
returns what the database computes, not a table's rows. A `WITH` that inserts, updates or
deletes returns the rows it wrote.
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING

from ..astutil import own_nodes

if TYPE_CHECKING:
    from ..context import FileContext

_LEADING = re.compile(r"^(?:\s+|--[^\n]*(?:\n|$)|/\*.*?\*/)*", re.DOTALL)
# String literals hold no SQL: `WHERE note = 'limit'` bounds nothing.
_QUOTED = re.compile(r"'(?:[^']|'')*'")
_READ = re.compile(r"^(?:\(\s*)*select\b|^with\b", re.IGNORECASE)
_WRITE = re.compile(r"\b(?:insert\s+into|update\s+[\w.\"`]+\s+set|delete\s+from)\b",
                    re.IGNORECASE)
# A row source: a name (or an unread piece) after FROM / JOIN; followed by `(` it is a
# function (`FROM generate_series(1, 5)`, `extract(epoch FROM now())`).
_SOURCE = re.compile(r"\b(?:from|join)\s+([\w.\"`]+|\x00)(\s*\()?", re.IGNORECASE)
_BOUNDED = re.compile(
    r"\blimit\b|\bfetch\s+(?:first|next)\b"
    r"|\bselect\s+(?:distinct\s+)?top\s*(?:\(|\d|\x00|@|%|\?|:)"
    # one row by key: the key (bare or quoted: `"orders"."id"`, `[id]`) compared with a
    # placeholder (`@oid` in T-SQL), a literal, an unread piece or a scalar subquery
    r"|\bwhere\b.*\b(?:id|pk)[\"`\]]?\s*=\s*"
    r"(?:%s|%\(\w+\)s|\?|:\w|\$\d|@\w|-?\d+\b|'|\x00|\(\s*select\b)",
    re.IGNORECASE | re.DOTALL)
_AGGREGATE = re.compile(r"^(?:\(\s*)*select\s+(?:count|sum|min|max|avg|exists)\s*\(",
                        re.IGNORECASE)
_GROUPED = re.compile(r"\bgroup\s+by\b", re.IGNORECASE)


def statement_text(sql: str) -> str:
    """`sql` as the questions here read it: leading comments dropped, string literals
    blanked (`WHERE note = 'limit'` bounds nothing, `SELECT 'from x'` reads no table)."""
    return _QUOTED.sub("''", _LEADING.sub("", sql, count=1))


def opens_read(sql: str) -> bool:
    """The statement starts as a read: SELECT, a parenthesised SELECT or WITH, after any
    leading comments (a WITH may still write: selects_every_row tells)."""
    return _READ.match(statement_text(sql)) is not None


def reads_table(sql: str) -> bool:
    """A FROM / JOIN of the statement names a table (or a piece the string analysis cannot
    read, which may be one), not a function: `FROM generate_series(1, 5)` reads none."""
    return any(source.group(2) is None for source in _SOURCE.finditer(statement_text(sql)))


def selects_every_row(sql: str) -> bool:
    """`sql` reads a table and nothing bounds the rows it returns."""
    text = statement_text(sql)
    if not _READ.match(text) or _WRITE.search(text):
        return False
    if not reads_table(text):
        return False  # no table: rows the database computes
    if _AGGREGATE.match(text) and not _GROUPED.search(text):
        return False
    return not _BOUNDED.search(text)


def _is_execute(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and (
        node.func.attr == "execute")


def last_execute(ctx: FileContext, at: ast.expr, receiver: ast.expr) -> ast.Call | None:
    """The `execute(...)` whose rows reading `receiver` at `at` gets: `receiver` itself when
    it is one (`conn.execute(sql).fetchall()`), else the last `receiver.execute(...)` on the
    same name before `at` in the enclosing function's own code (the execute of a function
    nested in it has not run there)."""
    if _is_execute(receiver):
        return receiver  # type: ignore[return-value]
    function = ctx.semantic.enclosing_function(at)
    if function is None or not isinstance(receiver, ast.Name):
        return None
    before = (at.lineno, at.col_offset)
    best: ast.Call | None = None
    for node in own_nodes(function):
        if _is_execute(node) and isinstance(node.func.value, ast.Name) and (  # type: ignore[attr-defined]
                node.func.value.id == receiver.id) and (  # type: ignore[attr-defined]
                (node.lineno, node.col_offset) < before) and (  # type: ignore[attr-defined]
                best is None or (node.lineno, node.col_offset) > (  # type: ignore[attr-defined]
                    best.lineno, best.col_offset)):
            best = node  # type: ignore[assignment]
    return best
