"""Per-iteration queries that the code itself bounds, as far as BR102 cares.

Two shapes a reviewer does not call an N+1 even though a query sits in a loop:

- SQL that reads no table: `SELECT * FROM trim(%s)`, `SELECT upper(%s)`. The database is
  used as a calculator on one value; there is no row to load per item, no key to gather,
  and no join that would replace it.
- A loop that stops at its first hit: the query is followed, in the same block, by a
  `break` or `return`, so every query that completes ends the loop. At most one query
  succeeds; the others are misses signalled by an exception (a lookup tried on each
  worksheet until one resolves). Gathering every item's key up front would query items
  the loop never reaches.
- A loop over a small sample the code caps (`rows[:5]`, `.limit(5)`, the rows of a
  statement ending in `LIMIT 5`): a preview of a handful, whatever the table holds.
- A read of rows the iteration itself has just written (an UPDATE, then a count of what
  it filled): no query before the loop can see the write; a note that says so.
- A re-read after waiting: the iteration sleeps (polling an asynchronous job) and then
  queries; the fresh read of what changed meanwhile is the point, and no query before the
  loop can see the future.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator

from ..analysis.sql_bounds import last_execute, reads_table, statement_text

# Built-in SQL functions that compute on their arguments without reading a table (string,
# numeric, date and conversion functions of PostgreSQL, SQLite and MySQL).
_COMPUTING = frozenset({
    "abs", "btrim", "cast", "ceil", "ceiling", "char_length", "character_length", "coalesce",
    "concat", "concat_ws", "date_trunc", "floor", "format", "greatest", "initcap", "least",
    "left", "length", "lower", "lpad", "ltrim", "md5", "nullif", "overlay", "position",
    "regexp_match", "regexp_matches", "regexp_replace", "regexp_split_to_array", "repeat",
    "replace", "reverse", "right", "round", "rpad", "rtrim", "split_part", "strpos", "substr",
    "substring", "to_char", "to_date", "to_number", "to_timestamp", "translate", "trim",
    "trunc", "unaccent", "upper",
})
_CALL = re.compile(r"\b(\w+)\s*\(")


def computes_only(sql: str) -> bool:
    """The statement reads no table: every row source and every function it calls is a
    built-in computing on the statement's own values."""
    if reads_table(sql):
        return False  # `FROM users` (or `FROM {table}`): a table, sql_bounds' answer
    return all(name.lower() in _COMPUTING for name in _CALL.findall(statement_text(sql)))


_STOPS = (ast.Break, ast.Return)
_SLEEPS = frozenset({"time.sleep", "asyncio.sleep", "gevent.sleep", "trio.sleep",
                     "anyio.sleep"})


def _statements_around(ctx, call: ast.AST, loop: ast.AST  # type: ignore[no-untyped-def]
                       ) -> Iterator[tuple[ast.AST, list[ast.stmt], int]]:
    """(the block's owner, the block, the index of the statement holding the call) for each
    block from the call's own statement out to the loop's body."""
    node: ast.AST = call
    for parent in ctx.semantic.ancestors(call):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(parent, field, None)
            if isinstance(block, list) and node in block:
                yield parent, block, block.index(node)
        if parent is loop:
            return
        node = parent


def stops_at_first_hit(ctx, call: ast.AST, loop: ast.AST) -> bool:  # type: ignore[no-untyped-def]
    """`for sheet in book: try: gid = Node.objects.filter(...)[0].graph_id; break ...`: a
    statement after the query's own, in the same block inside the loop, leaves the loop
    unconditionally."""
    if not isinstance(loop, ast.For | ast.AsyncFor):
        return False
    # Inside an inner loop, a `break` leaves that loop, not the one the query depends on.
    inner_loop = False
    for owner, block, index in _statements_around(ctx, call, loop):
        if owner is not loop and isinstance(owner, ast.For | ast.AsyncFor | ast.While):
            inner_loop = True
        stops = (ast.Return,) if inner_loop else _STOPS
        if any(isinstance(stmt, stops) for stmt in block[index + 1:]):
            return True
    return False


def reads_after_waiting(ctx, call: ast.AST, loop: ast.AST) -> bool:  # type: ignore[no-untyped-def]
    """`while job.status == RUNNING: time.sleep(2)` then `Harvester.objects.get(...)`: a
    statement before the query's own, in the same iteration, sleeps."""
    return any(isinstance(n, ast.Call) and ctx.qualified_name(n.func) in _SLEEPS
               for _, block, index in _statements_around(ctx, call, loop)
               for stmt in block[:index] for n in ast.walk(stmt))


# Query-set methods that write the rows of a model.
_WRITES = frozenset({"update", "bulk_update", "bulk_create", "create", "delete",
                     "get_or_create", "update_or_create"})


def _chain_root(expr: ast.expr) -> str | None:
    """`Prediction` of `Prediction.objects.filter(...).count()`."""
    while isinstance(expr, ast.Call | ast.Attribute | ast.Subscript):
        expr = expr.func if isinstance(expr, ast.Call) else expr.value
    return expr.id if isinstance(expr, ast.Name) else None


def written_before(ctx, call: ast.Call, loop: ast.AST) -> int | None:  # type: ignore[no-untyped-def]
    """`Prediction.objects.filter(task__project_id=p).update(project_id=p)` and then
    `Prediction.objects.filter(project_id=p).count()` in the same iteration: the query
    reads rows of the model the iteration has just written. One query before the loop
    would read them before any write (a count of a column not filled yet). The line of
    the write, or None."""
    model = _chain_root(call)
    if model is None or not model[:1].isupper():
        return None
    for _, block, index in _statements_around(ctx, call, loop):
        for stmt in block[:index]:
            for node in _reaching(stmt):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and (
                        node.func.attr in _WRITES) and _chain_root(node) == model:
                    return node.lineno
    return None


# Query-set methods whose arguments narrow the rows a chain reads or writes.
_NARROWS = frozenset({"filter", "filter_by", "get", "where"})
# Writes whose keyword arguments are the values the written rows carry afterwards
# (`update(project_id=p)` fills the column; `create(project_id=p)` makes a row with it).
_SETS = frozenset({"update", "create", "get_or_create", "update_or_create"})
# Writes whose keyword arguments are both the lookup and the made row's values.
_MAKES = frozenset({"create", "get_or_create", "update_or_create"})
# Reads whose answer depends only on which rows match, not on their other columns.
_COUNTS = frozenset({"count", "exists"})


def _column(key: str) -> str:
    """The column a lookup keyword names: `project`, `project_id` and `project__id` are
    one column; `task__project` names the `task` relation."""
    first = key.split("__")[0]
    return "id" if first == "pk" else first.removesuffix("_id")


def _value(expr: ast.expr) -> str:
    """What a condition compares with, `order` and `order.id` (or `.pk`) alike: the same
    row named as an object or by its key."""
    if isinstance(expr, ast.Attribute) and expr.attr in ("id", "pk"):
        expr = expr.value
    return ast.dump(expr)


def _exact(key: str) -> bool:
    """`project_id=`, `project=`, `project__id=`: an equality on the model's own column, not
    a lookup (`__in`, `__gt`) or a related model's column (`task__project=`)."""
    rest = key.partition("__")[2]
    return not rest or rest == "id"


def _lookups(chain: ast.expr) -> tuple[dict[str, set[str]], set[str], bool]:
    """Of the filter()/get()/where()/exclude() calls below a query chain's outermost call:
    the equalities (column → the dumped values it must equal), every column a condition
    looks at, and whether a condition cannot be read (a Q object, an expression, `**kw`)."""
    equal: dict[str, set[str]] = {}
    columns: set[str] = set()
    opaque = False
    node: ast.expr = chain.func.value if isinstance(chain, ast.Call) and isinstance(
        chain.func, ast.Attribute) else chain
    while isinstance(node, ast.Call | ast.Attribute | ast.Subscript):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            method = node.func.attr
            if method in _NARROWS or method == "exclude":
                opaque = opaque or bool(node.args)
                for kw in node.keywords:
                    if kw.arg is None:
                        opaque = True
                        continue
                    columns.add(_column(kw.arg))
                    if method != "exclude" and _exact(kw.arg):
                        equal.setdefault(_column(kw.arg), set()).add(_value(kw.value))
            node = node.func.value
        else:
            node = node.func if isinstance(node, ast.Call) else node.value
    return equal, columns, opaque


def _leaves_read_alone(read: ast.Call, write: ast.Call) -> bool:
    """Whether the write provably changes nothing the read answers: its rows are another
    group's before and after it (`filter(project_id=old).delete()`, then a read of
    `filter(project_id=new)`), or it is an update of columns a count does not look at
    (`update(task_project_id=0)`, then `filter(project_id=p).count()`). Anything else (a
    `create(order_id=o.id)` then a read of `filter(order=o)`, an `update(done=True)` then a
    count of `done=False`, a `bulk_create`) may change it."""
    if not isinstance(write.func, ast.Attribute):
        return False
    method = write.func.attr
    if method not in _SETS and method != "delete":
        return False  # bulk_create(objs), bulk_update(objs): the rows cannot be told
    wheres, _, _ = _lookups(write)
    sets: dict[str, set[str]] = {}
    for kw in write.keywords if method in _SETS else ():
        if kw.arg is None:
            return False  # `update(**values)`
        if kw.arg not in ("defaults", "create_defaults") and _exact(kw.arg):
            sets.setdefault(_column(kw.arg), set()).add(_value(kw.value))
    if method in _MAKES:
        wheres = sets  # the lookup is the made row's values
    elif method == "delete":
        sets = wheres
    reads, looked_at, opaque = _lookups(read)
    for column, values in reads.items():
        before, after = wheres.get(column), sets.get(column, wheres.get(column))
        if before and after and not (values & before) and not (values & after):
            return True  # another group's rows, before the write and after it
    return (method == "update" and not opaque and isinstance(read.func, ast.Attribute)
            and read.func.attr in _COUNTS and not set(sets) & looked_at)


def rows_written_before(ctx, call: ast.Call, loop: ast.AST) -> int | None:  # type: ignore[no-untyped-def]
    """The line of a write, earlier in the same iteration, to the model `call` reads that
    may change what it reads (`written_before`, less the writes `_leaves_read_alone`
    proves apart). For the fix text only: whether a batch before the loop would read the
    rows before the iteration writes them."""
    model = _chain_root(call)
    if model is None:
        return None
    for _, block, index in _statements_around(ctx, call, loop):
        for stmt in block[:index]:
            for node in _reaching(stmt):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and (
                        node.func.attr in _WRITES) and _chain_root(node) == model and (
                        not _leaves_read_alone(call, node)):
                    return node.lineno
    return None


_EXITS = (ast.Continue, ast.Break, ast.Return, ast.Raise)


def _reaching(stmt: ast.stmt, inner_loop: bool = False) -> Iterator[ast.AST]:
    """The nodes of `stmt` whose effects can precede the statements after it in the same
    iteration: a branch that ends by leaving (`if old: X.delete(); continue`) is skipped,
    since the code after the statement never runs after that branch's write. Inside an
    inner loop, `break`/`continue` leave that loop only."""
    if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
        return
    blocks = [getattr(stmt, f) for f in ("body", "orelse", "finalbody")
              if isinstance(getattr(stmt, f, None), list)]
    blocks += [h.body for h in getattr(stmt, "handlers", [])]
    blocks += [c.body for c in getattr(stmt, "cases", [])]
    if not blocks:
        yield from ast.walk(stmt)
        return
    nested = {id(s) for block in blocks for s in block}
    for child in ast.iter_child_nodes(stmt):
        if id(child) not in nested and not isinstance(child, ast.ExceptHandler | ast.match_case):
            yield from ast.walk(child)  # the test, the iterable, the context managers
    inner_loop = inner_loop or isinstance(stmt, ast.For | ast.AsyncFor | ast.While)
    exits = (ast.Return, ast.Raise) if inner_loop else _EXITS
    for block in blocks:
        if block and isinstance(block[-1], exits):
            continue
        for inner in block:
            yield from _reaching(inner, inner_loop)


# A sample of a handful: `rows[:5]`, `.limit(5)`, `LIMIT 5`. Larger constants are pages,
# whose per-row queries multiply like any other.
_SAMPLE_SIZE = 10
_SQL_LIMIT = re.compile(r"\blimit\s+(\d+)\s*;?\s*$", re.IGNORECASE)
FETCHES = frozenset({"fetchall", "fetchmany"})


def small_sample(ctx, iterable: ast.expr, sql_text: Callable[[ast.expr], str | None],  # type: ignore[no-untyped-def]
                 depth: int = 0) -> bool:
    """The loop goes over at most a handful of items the code itself capped: a slice or a
    `.limit()` with a small constant, or the rows of a statement ending in `LIMIT n`
    (through locals and comprehensions): a preview, not every row."""
    if depth > 8:
        return False
    if isinstance(iterable, ast.Subscript) and isinstance(iterable.slice, ast.Slice):
        upper, lower = iterable.slice.upper, iterable.slice.lower
        return small_bound(upper) and (lower is None or isinstance(lower, ast.Constant))
    if isinstance(iterable, ast.ListComp | ast.SetComp | ast.GeneratorExp):
        return small_sample(ctx, iterable.generators[0].iter, sql_text, depth + 1)
    if isinstance(iterable, ast.Name):
        bindings = ctx.reaching_bindings(iterable)
        return bool(bindings) and all(
            b.kind == "assign" and b.value is not None and b.value is not iterable
            and small_sample(ctx, b.value, sql_text, depth + 1) for b in bindings)
    if not (isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Attribute)):
        return False
    func = iterable.func
    if func.attr == "limit" and iterable.args:
        return small_bound(iterable.args[0])
    if func.attr in ("all", "scalars") or func.attr.startswith("order_by"):
        return small_sample(ctx, func.value, sql_text, depth + 1)
    if func.attr in FETCHES:
        statement = last_execute(ctx, iterable, func.value)
        text = sql_text(statement.args[0]) if statement and statement.args else None
        match = _SQL_LIMIT.search(text or "")
        return bool(match) and int(match[1]) <= _SAMPLE_SIZE
    return False


def small_bound(bound: ast.expr | None) -> bool:
    return isinstance(bound, ast.Constant) and isinstance(bound.value, int) and (
        0 <= bound.value <= _SAMPLE_SIZE)


def follows_relation(call: ast.Call, items: set[str]) -> bool:
    """The per-row query's condition is the row itself or one of its keys (`filter(post=p)`,
    `filter(pk=p.author_id)`, `get(id=p.owner.pk)`): a relation a loader can follow."""
    for node in ast.walk(call):
        if not isinstance(node, ast.keyword):
            continue
        value = node.value
        if isinstance(value, ast.Name) and value.id in items:
            return True
        if isinstance(value, ast.Attribute) and (value.attr in ("pk", "id") or value.attr.endswith(
                "_id")) and isinstance(value.value, ast.Name | ast.Attribute):
            root = value.value
            while isinstance(root, ast.Attribute):
                root = root.value
            if isinstance(root, ast.Name) and root.id in items:
                return True
    return False
