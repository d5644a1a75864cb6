"""BR102 fix texts written for the query at hand: the loader goes on the query (never after
`.all()`, whose list has no `.options`), and a per-row query becomes one query over every
row's key that names the model and the column the loop looks up.
"""

from __future__ import annotations

import ast
import re

from ..analysis.orm.models import extract_class
from ..analysis.rewrite import imported_name
from ..context import FileContext
from .fixcode import code_or_none

# Methods that end a query chain and return rows, not a query: a loader goes before them.
_TERMINAL = re.compile(
    r"(?:\s*\.\s*(?:all|first|one|one_or_none|iterator|scalars|unique|fetchall|scalar)"
    r"\([^()]*\))+\s*$")
# Fresh reads that Prefetch cannot serve: they return values or aggregates, not model rows.
NOT_PREFETCHABLE = frozenset({"values", "values_list", "aggregate", "annotate", "distinct",
                              "only", "defer", "latest", "earliest"})


def with_loader(text: str, loader: str, style: str) -> str | None:
    """`loader` (`.options(...)`, `.select_related(...)`) added to the query `text` at its
    origin: inside `select(...)`, or before the methods that turn the query into rows. None
    when `text` is not the whole query (shortened for display, or its first line only)."""
    return code_or_none(_placed(text, loader, style))


# `db.session.scalars(stmt).all()`: the statement was built elsewhere; the session has no
# `.options`, the loader goes on the statement.
_RUNS_STATEMENT = re.compile(r"^[\w.]*session\w*\s*\.\s*(?:scalars|execute|scalar)\(\s*"
                             r"(?P<stmt>[A-Za-z_]\w*)\s*\)")


def _placed(text: str, loader: str, style: str) -> str:
    runs = _RUNS_STATEMENT.match(text) if style != "django" else None
    if runs is not None and loader.startswith(".options("):
        return f"{runs['stmt']} = {runs['stmt']}{loader}"
    start = text.find("select(")
    if style == "select" and start >= 0:
        depth = 0
        for index in range(start + len("select"), len(text)):
            depth += {"(": 1, ")": -1}.get(text[index], 0)
            if depth == 0:
                return text[:index + 1] + loader + text[index + 1:]
    match = _TERMINAL.search(text)
    if match and match.start() > 0:
        return text[:match.start()] + loader + text[match.start():]
    return text + loader


def _short(text: str) -> str | None:
    """The loop's iterable on one line; None when too long to repeat (never a made-up
    name such as `rows`, which the code at hand does not bind)."""
    text = " ".join(text.split())
    return text if len(text) <= 80 else None


def _iterable_twice(ctx: FileContext, iterable: ast.expr) -> bool:
    """Walking the loop's iterable a second time, to gather the keys first, gives the same
    items at no other cost: a local, an attribute, or a query chain — not a streamed
    `.iterator()` (gathering materialises every row the loop streams) nor another call (a
    generator, a progress wrapper such as `pb.iter(rows)` that would count twice)."""
    if isinstance(iterable, ast.Name | ast.Attribute):
        return True
    if not isinstance(iterable, ast.Call):
        return False
    text = ctx.source(iterable)
    return ".objects" in text and not re.search(r"\.iterator\(", text)


def _gathered(ctx: FileContext, value: ast.AST, loop: ast.For | ast.AsyncFor | ast.comprehension
              ) -> str | None:
    """`[row.user_id for row in rows]`: the keys of every iteration, gathered first."""
    if not isinstance(loop.target, ast.Name) or not _iterable_twice(ctx, loop.iter):
        return None
    var = loop.target.id
    rows = _short(ctx.source(loop.iter))
    if rows is None:
        return None
    text = ctx.source(value)
    if "\n" in text or not any(isinstance(n, ast.Name) and n.id == var
                               for n in ast.walk(value)):
        return None  # the key is computed in the loop body: it cannot be gathered here
    if _rebinds(loop, var):
        return None  # `value = value.strip()`: the iterable's items are not the keys
    conditions = _item_conditions(ctx, value, loop, var)
    if conditions is None:
        return None
    tests = [test for test, _ in _item_tests(ctx, value, loop) or ()]
    if _reads_set_attribute(loop, var, [value, *tests]):
        return None  # gathered before the loop, it would read what the loop has not set yet
    if any(_QUERIES.search(ctx.source(part)) for part in [value, *tests]):
        return None  # `if keep(Group.objects.get(name=g))`: gathering would query per item
    if conditions:
        return f"[{text} for {var} in {rows} if {' and '.join(conditions)}]"
    return rows if text == var else f"[{text} for {var} in {rows}]"


# A query inside the key or its test: the gathering comprehension would run it per item.
_QUERIES = re.compile(r"\.objects\b|\.query\b|\.execute\(|\.scalars?\(|\bselect\(")


def _rebinds(loop: ast.For | ast.AsyncFor | ast.comprehension, var: str) -> bool:
    """The loop body assigns its own variable again before using it as the key."""
    body = loop.body if isinstance(loop, ast.For | ast.AsyncFor) else []
    for stmt in body:
        for node in ast.walk(stmt):
            targets: list[ast.AST] = []
            if isinstance(node, ast.Assign):
                targets = list(node.targets)
            elif isinstance(node, ast.AugAssign | ast.AnnAssign | ast.NamedExpr):
                targets = [node.target]
            if any(_binds(t, var) for t in targets):
                return True
    return False


def _reads_set_attribute(loop: ast.For | ast.AsyncFor | ast.comprehension, var: str,
                         reads: list[ast.AST]) -> bool:
    """`edit.name = None ... if edit.name is None: Graph.objects.get(pk=edit.graph_id)`: the
    key or the test reads an attribute of the item that the loop body assigns, so the value
    seen before the loop is not the one the query used (or does not exist yet)."""
    body = loop.body if isinstance(loop, ast.For | ast.AsyncFor) else []
    assigned: set[str] = set()
    for stmt in body:
        for node in ast.walk(stmt):
            targets: list[ast.AST] = []
            if isinstance(node, ast.Assign):
                targets = list(node.targets)
            elif isinstance(node, ast.AugAssign | ast.AnnAssign):
                targets = [node.target]
            assigned |= {t.attr for t in targets if isinstance(t, ast.Attribute)
                         and isinstance(t.value, ast.Name) and t.value.id == var}
    return any(isinstance(n, ast.Attribute) and n.attr in assigned and isinstance(
        n.value, ast.Name) and n.value.id == var for read in reads for n in ast.walk(read))


def _binds(target: ast.AST, var: str) -> bool:
    """`var = ...` / `var, x = ...`; not `var.attr = ...` or `var[k] = ...`, which change
    the item, not which item it is."""
    if isinstance(target, ast.Name):
        return target.id == var
    if isinstance(target, ast.Tuple | ast.List):
        return any(_binds(e, var) for e in target.elts)
    if isinstance(target, ast.Starred):
        return _binds(target.value, var)
    return False


def _item_conditions(ctx: FileContext, value: ast.AST,
                     loop: ast.For | ast.AsyncFor | ast.comprehension, var: str
                     ) -> list[str] | None:
    """The tests on the item that decide whether the query runs (`if is_uuid(value):`):
    only those items' keys belong in the batch, or it may ask for keys the column cannot
    hold. None when one cannot be written on one line."""
    tests: list[str] = []
    items = _item_tests(ctx, value, loop)
    if items is None:
        return None
    for test, holds in items:
        if not any(isinstance(n, ast.Name) and n.id == var for n in ast.walk(test)):
            continue  # a flag of the function, not a choice among the items
        text = ctx.source(test)
        if "\n" in text:
            return None
        tests.append(text if holds else f"not ({text})")
    return tests


def _item_tests(ctx: FileContext, value: ast.AST,
                loop: ast.For | ast.AsyncFor | ast.comprehension
                ) -> list[tuple[ast.expr, bool]] | None:
    """The `if` tests around the query inside the loop, each with whether the query runs
    when it holds. None when the loop is not among the value's ancestors."""
    if isinstance(loop, ast.comprehension):
        return [(test, True) for test in loop.ifs]
    items: list[tuple[ast.expr, bool]] = []
    child: ast.AST = value
    for anc in ctx.semantic.ancestors(value):
        if anc is loop:
            return items
        if isinstance(anc, ast.If) and child is not anc.test:
            items.append((anc.test, child in anc.body))
        elif isinstance(anc, ast.IfExp) and child is not anc.test:
            items.append((anc.test, child is anc.body))
        child = anc
    return None


def _inline(ctx: FileContext, node: ast.AST) -> str:
    """A receiver's source on one line: a chain written over several lines inside the
    parentheses of its statement does not parse once taken out of them."""
    return re.sub(r"\s*\n\s*", "", ctx.source(node))


def _model_name(ref: str | None) -> str | None:
    return ref.rsplit(".", 1)[-1] if ref else None


def _lookup(call: ast.Call) -> tuple[str, ast.AST] | None:
    """(column, value) of a per-row lookup: one keyword (`pk=c.post_id`), or a comparison in
    the filter (`User.id == row.user_id`)."""
    if len(call.keywords) == 1 and not call.args and call.keywords[0].arg:
        return call.keywords[0].arg, call.keywords[0].value
    if len(call.args) == 1 and not call.keywords and isinstance(call.args[0], ast.Compare):
        compare = call.args[0]
        if len(compare.ops) == 1 and isinstance(compare.ops[0], ast.Eq) and isinstance(
                compare.left, ast.Attribute):
            return compare.left.attr, compare.comparators[0]
    return None


def explicit_fix(ctx: FileContext, call: ast.Call, loop: ast.AST, model: str | None,
                 kind: str) -> str | None:
    """One query before the loop for a query the loop runs per row. `kind`: "django",
    "session-get", "query", "select". None unless it is code that parses."""
    return code_or_none(_explicit_fix(ctx, call, loop, model, kind))


def _explicit_fix(ctx: FileContext, call: ast.Call, loop: ast.AST, model: str | None,
                  kind: str) -> str | None:
    if isinstance(loop, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
        loop = loop.generators[0] if len(loop.generators) == 1 else loop
    if not isinstance(loop, ast.For | ast.AsyncFor | ast.comprehension):
        return None
    name = _model_name(model)
    if kind == "shortcut":  # get_object_or_404(Post, pk=i)
        found = _lookup(ast.Call(func=call.func, args=[], keywords=call.keywords))
        if name is None or found is None or len(call.args) != 1:
            return None
        ids = _gathered(ctx, found[1], loop)
        extra = "" if found[0] in ("pk", "id") else f', field_name="{found[0]}"'
        return f"{name}.objects.in_bulk({ids}{extra})" if ids else None
    if kind == "sql":
        return _sql_fix(ctx, call, loop)
    if not isinstance(call.func, ast.Attribute):
        return None
    if kind == "session-get":
        if name is None or len(call.args) != 2:
            return None
        ids = _gathered(ctx, call.args[1], loop)
        if ids is None:
            return None
        return session_get_batch(ctx, call, model, ids)
    lookup_call = call
    if kind in ("query", "select") or (kind == "django" and _lookup(call) is None):
        # The filter with the per-row comparison: db.query(M).filter(M.id == r.x).first()
        lookup_call = next((n for n in ast.walk(call) if isinstance(n, ast.Call)
                            and isinstance(n.func, ast.Attribute)
                            and n.func.attr in ("filter", "filter_by", "where")
                            and _lookup(n)), None)
        if lookup_call is None or _other_conditions(call, lookup_call, kind):
            # Rebuilt from the per-row comparison alone, the batch query would drop the
            # other conditions (`.where(M.kind == kind)`): no code rather than a wider query.
            return None
    found = _lookup(lookup_call)
    if found is None:
        return None
    column, value = found
    ids = _gathered(ctx, value, loop)
    if ids is None:
        return None
    receiver = _inline(ctx, lookup_call.func.value)  # type: ignore[attr-defined]
    if kind == "django":
        shown = django_model_text(ctx, call)
        if name is None or shown is None:
            return None
        if call.func.attr == "get":
            # in_bulk needs a key that is unique on its own: the primary key. A lookup by
            # another field may be unique only with others (a name per domain).
            return f"{shown}.objects.in_bulk({ids})" if column in ("pk", "id") else None
        if "__" in column and not column.endswith("__exact"):
            return None  # a range or pattern lookup (`__gte`, `__contains`), not a key
        base = column.split("__")[0]
        batch = f"{shown}.objects.filter({base}__in={ids})"
        if call.func.attr == "count":
            # A count per row batches as one grouped count, not as every row fetched.
            count = imported_name(ctx.tree, "django.db.models.Count")
            head = "" if count else "from django.db.models import Count\n\n"
            return (f"{head}counts = dict({batch}.values_list(\"{base}\")"
                    f".annotate(n={count or 'Count'}(\"pk\")))")
        if call.func.attr == "exists":
            return f"present = set({batch}.values_list(\"{base}\", flat=True))"
        return batch
    if name is None:
        return None
    if isinstance(lookup_call.args[0] if lookup_call.args else None, ast.Compare):
        owner = _inline(ctx, lookup_call.args[0].left.value)  # type: ignore[attr-defined]
    else:
        owner = name
    condition = f"{owner}.{column}.in_({ids})"
    if kind == "query" and call.func.attr == "count":
        return _grouped_count(ctx, receiver, f"{owner}.{column}", condition)
    if kind == "query":
        return f"{receiver}.filter({condition}).all()"
    select = imported_name(ctx.tree, "sqlalchemy.select") or "select"
    statement = f"{select}({name}).where({condition})"
    runner = next((n for n in ast.walk(call) if isinstance(n, ast.Call) and isinstance(
        n.func, ast.Attribute) and n.func.attr in ("execute", "scalars")), None)
    if runner is None:
        return statement
    session = _inline(ctx, runner.func.value)  # type: ignore[attr-defined]
    return f"{session}.scalars({statement}).all()"


def _grouped_count(ctx: FileContext, receiver: str, key: str, condition: str) -> str:
    """`db.query(M).filter(M.k == row.x).count()` per row: one count per key, grouped, on
    the same query (`with_entities` keeps its session: `M.query` of Flask-SQLAlchemy too)."""
    func = imported_name(ctx.tree, "sqlalchemy.func")
    head = "" if func else "from sqlalchemy import func\n\n"
    return (f"{head}counts = dict({receiver}.with_entities({key}, {func or 'func'}.count())"
            f".filter({condition}).group_by({key}).all())")


def _other_conditions(call: ast.Call, lookup_call: ast.Call, kind: str) -> bool:
    """The query filters on more than the one per-row comparison, and the rebuilt query
    would lose it: a `query` fix keeps what comes before the comparison (its receiver), the
    others are written anew."""
    if len(lookup_call.args) + len(lookup_call.keywords) > 1:
        return True
    kept = {id(n) for n in ast.walk(lookup_call.func)} if kind == "query" else set()
    return any(isinstance(n, ast.Call) and n is not lookup_call and id(n) not in kept and
               isinstance(n.func, ast.Attribute) and n.func.attr in ("filter", "filter_by",
                                                                     "where")
               for n in ast.walk(call))


# `WHERE id = ?` with the one value of the row: the same statement for every key at once.
_ONE_KEY = re.compile(r"(?P<column>[\w.]+)\s*=\s*(?P<mark>\$1|\?|%s)(?![\w$])")
_PER_ROW_METHODS = {"fetchrow": "fetch", "fetchval": "fetch", "fetchone": "fetchall"}


def _sql_fix(ctx: FileContext, call: ast.Call, loop: ast.AST) -> str | None:
    """`conn.fetchrow("... WHERE id = $1", user_id)` per row -> one `= ANY($1)` (asyncpg,
    psycopg) or `IN (?, ?, ...)` (sqlite3) statement over every row's key."""
    if not (isinstance(call.func, ast.Attribute) and call.args and isinstance(
            call.args[0], ast.Constant) and isinstance(call.args[0].value, str)):
        return None
    sql = call.args[0].value
    marks = _ONE_KEY.findall(sql)
    if len(marks) != 1 or sql.count(marks[0][1]) != 1 or "\n" in sql:
        return None
    params = call.args[1:]
    value = params[0] if params else None
    if isinstance(value, ast.Tuple | ast.List) and len(value.elts) == 1:
        value = value.elts[0]
    if value is None or not isinstance(loop, ast.For | ast.AsyncFor | ast.comprehension):
        return None
    ids = _gathered(ctx, value, loop)
    if ids is None:
        return None
    receiver = _inline(ctx, call.func.value)
    method = _PER_ROW_METHODS.get(call.func.attr, call.func.attr)
    match = _ONE_KEY.search(sql)
    assert match is not None
    column, mark = match["column"], match["mark"]
    if mark == "?":
        new_sql = sql[:match.start()] + f"{column} IN ({{', '.join('?' * len({ids}))}})" + \
            sql[match.end():]
        return f"{receiver}.{method}(f{new_sql!r}, {ids})"
    new_sql = sql[:match.start()] + f"{column} = ANY({mark})" + sql[match.end():]
    args = f"{new_sql!r}, {ids}" if mark == "$1" else f"{new_sql!r}, ({ids},)"
    return f"{receiver}.{method}({args})"


_DJANGO_MANAGERS = ("objects", "_default_manager", "_base_manager")


def django_model_text(ctx: FileContext, call: ast.Call) -> str | None:
    """The model as this file writes it before `.objects` (`models.Repository`, `Repository`):
    the name in scope, never a bare class name the module does not import."""
    node: ast.expr = call.func
    while isinstance(node, ast.Attribute | ast.Call):
        if isinstance(node, ast.Attribute) and node.attr in _DJANGO_MANAGERS:
            return _inline(ctx, node.value)
        node = node.func if isinstance(node, ast.Call) else node.value
    return None


def django_batch_text(ctx: FileContext, call: ast.Call, names: list[str],
                      loop: ast.AST | None = None) -> str | None:
    """The one query that serves every iteration of a per-row Django lookup, in words that fit
    it: `in_bulk` only for a primary-key `get`; otherwise one `filter` that keeps the fixed
    conditions and turns the one condition that follows the loop into `__in`, mapped or grouped
    by that field. None when the loop changes more than one condition, or a non-equality."""
    shown = django_model_text(ctx, call)
    if shown is None or not isinstance(call.func, ast.Attribute):
        return None
    wanted = set(names)
    fixed: list[str] = []
    varying: list[str] = []
    values: list[ast.expr] = []
    node: ast.expr = call
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr in _DJANGO_MANAGERS:
            break
        for arg in node.args:
            if any(isinstance(n, ast.Name) and n.id in wanted for n in ast.walk(arg)):
                return None  # a Q object or expression that follows the loop
        for keyword in node.keywords:
            if keyword.arg is None:
                return None
            uses = any(isinstance(n, ast.Name) and n.id in wanted for n in ast.walk(keyword.value))
            if uses:
                varying.append(keyword.arg)
                values.append(keyword.value)
            else:
                fixed.append(f"{keyword.arg}={_inline(ctx, keyword.value)}")
        node = node.func.value
    if len(varying) != 1:
        return None
    field = varying[0].removesuffix("__exact")
    if "__" in field and field.rsplit("__", 1)[-1] in _NOT_KEYS:
        return None
    keys = _loop_keys(ctx, values[0], loop) or "<keys>"
    if call.func.attr == "get" and field in ("pk", "id") and not fixed:
        return (f"{shown}.objects.in_bulk({keys}) before the loop, then look each row up in "
                f"that dict")
    if field.endswith("__iexact"):
        # `name__iexact__in` is no lookup (iexact ends a lookup; FieldError): a
        # case-insensitive batch compares lower-cased values through an annotation.
        base = field.removesuffix("__iexact")
        alias = base.replace("__", "_") + "_lower"
        lowered = f"[key.lower() for key in {keys}]" if keys != "<keys>" else "<lower-cased keys>"
        condition = ", ".join([*fixed, f"{alias}__in={lowered}"])
        return (f"{shown}.objects.annotate({alias}=Lower(\"{base}\")).filter({condition}) "
                f"before the loop (Lower from django.db.models.functions), then look each row "
                f"up in a dict keyed by its lower-cased `{base}`")
    condition = ", ".join([*fixed, f"{field}__in={keys}"])
    if call.func.attr == "get":
        return (f"{shown}.objects.filter({condition}) before the loop, then look each row up "
                f"in a dict keyed by its `{field}`")
    return (f"{shown}.objects.filter({condition}) before the loop, grouped by `{field}` (or an "
            f"annotate()/Subquery on the outer query)")


def _loop_keys(ctx: FileContext, value: ast.expr, loop: ast.AST | None) -> str | None:
    """The keys the batch query takes, written out (`[s.group_id for s in shares]`) when
    they can be gathered from the loop's iterable, instead of a `<keys>` placeholder."""
    if isinstance(loop, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
        loop = loop.generators[0] if len(loop.generators) == 1 else None
    if not isinstance(loop, ast.For | ast.AsyncFor | ast.comprehension):
        return None
    return _gathered(ctx, value, loop)


# Lookups that compare rather than match a key: no `__in` can stand for them. (`in`: the row's
# condition is a list already, and `field__in__in` is no lookup.)
_NOT_KEYS = frozenset({"in", "gt", "gte", "lt", "lte", "range", "contains", "icontains",
                       "startswith", "istartswith", "endswith", "iendswith", "regex",
                       "iregex", "isnull", "year", "month", "day", "date", "week_day"})


def primary_key(ctx: FileContext, model: str | None) -> tuple[str, ...] | None:
    """The primary-key columns of `model` when its class is in this file (its own columns
    declared `primary_key=True`, else those of a base class here); None when the file does
    not show them."""
    name = _model_name(model)
    classes = {n.name: n for n in ctx.tree.body if isinstance(n, ast.ClassDef)}
    seen: set[str] = set()
    while name in classes and name not in seen:
        seen.add(name)
        fact = extract_class(ctx, classes[name])
        if fact is None:
            return None
        keys = tuple(f.name for f in fact.fields if f.primary_key)
        if keys:
            return keys
        name = next((b.rsplit(".", 1)[-1] for b in fact.bases
                     if b.rsplit(".", 1)[-1] in classes), None)
    return None


def session_get_batch(ctx: FileContext, call: ast.Call, model: str | None,
                      ids: str = "<keys>") -> str | None:
    """The one query before the loop that replaces a per-row `session.get(Model, key)`:
    `select(Model).where(Model.<primary key>.in_(<keys>))` with the key the model declares
    (when its class is not in this file: `id`, the usual name, in code; the placeholder in
    words). A composite key has no
    `.in_` on one column: `tuple_(...)` of its columns. None when nothing fits (an awaited
    get without `select` imported, in code; in words (`ids` = "<keys>") `select` is named)."""
    name = _model_name(model)
    if name is None or not isinstance(call.func, ast.Attribute):
        return None
    # The class elsewhere: code uses `id`, the usual key (and what the project's other
    # queries mostly name); words say <primary key> rather than guess one that may be wrong
    # (`connection_id` as the key of a one-to-one secret table).
    keys = primary_key(ctx, model)
    if keys is None and len(call.args) > 1 and isinstance(call.args[1], ast.Tuple):
        # `session.get(Model, (a, b))`: a composite key whose columns are declared in
        # another module; `Model.id` would not exist (zenml's TriggerSnapshotSchema).
        if ids != "<keys>":
            return None
        keys = tuple(f"<key column {n + 1}>" for n in range(len(call.args[1].elts)))
    keys = keys or (("<primary key>",) if ids == "<keys>" else ("id",))
    if len(keys) == 1:
        column = f"{name}.{keys[0]}"
    else:
        # `session.get(Model, (a, b))`: the key is a tuple; SQLAlchemy's tuple_ compares
        # every column at once (PostgreSQL, MySQL; not SQLite before 3.15).
        tuple_ = imported_name(ctx.tree, "sqlalchemy.tuple_")
        if tuple_ is None and ids != "<keys>":
            return None  # code must use names in scope; the words name `tuple_` alone
        tuple_ = tuple_ or "tuple_"
        column = f"{tuple_}({', '.join(f'{name}.{k}' for k in keys)})"
    condition = f"{column}.in_({ids})"
    session = _inline(ctx, call.func.value)
    select = imported_name(ctx.tree, "sqlalchemy.select") or imported_name(
        ctx.tree, "sqlmodel.select") or ("select" if ids == "<keys>" else None)
    if isinstance(ctx.semantic.parent(call), ast.Await):
        # `await session.get(...)`: an AsyncSession, which has no `.query()`; its
        # `scalars()` is awaited before `.all()`.
        if not select:
            return None
        return f"(await {session}.scalars({select}({name}).where({condition}))).all()"
    if select:
        return f"{session}.scalars({select}({name}).where({condition})).all()"
    return f"{session}.query({name}).filter({condition}).all()"
