"""Where each dynamic part of BR101's SQL text comes from, and whether that is evidence.

A value spliced into SQL is injection only when someone outside the code can choose it. The
rule therefore classifies every dynamic part by its origin (the policy is documented in
rules/BR101-raw-sql.yaml):

- `evidence`: request data, or a parameter of the enclosing function used as a value or an
  identifier: reported at the rule's severity, as CodeQL and Semgrep users expect;
- `safe`: text that cannot carry an attacker's SQL although the file cannot prove it a
  literal: a value escaped for the quote it sits in (`x.replace("'", "''")`), a dialect
  fragment of the very database object that runs the statement (`db.timestamp_now` in
  `db.execute(...)`), a value checked against an allowlist or a validator on every path
  before it is used (`if sort not in COLUMNS: sort = "id"`): not reported;
- `helper`: parts made from parameters when the statement has no SQL text of its own
  (`f"{query} {clause} {order}"`), or only from parameters the same function runs that way
  elsewhere (`SELECT COUNT(*) FROM ({query}) AS n`): the function runs SQL its callers
  wrote, so the finding belongs at the callers that build that text from runtime values
  (the project phase, br101_calls.py);
- `unknown`: object state, configuration, module globals: nothing here says who chose it;
  reported as a `note` with that reason.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from ..analysis.allowlist import enum_member_value, guarded, quoting_helper, validating_function
from ..analysis.containers import written_into
from ..analysis.inert import inert_text
from ..analysis.values import tracker_for

EVIDENCE = "evidence"
SAFE = "safe"
HELPER = "helper"
UNKNOWN = "unknown"

_MAX_DEPTH = 5
# How far `_safe` follows names, calls of the module's functions and containers: a copy
# tool's WHERE clause is one local, a helper, its helper and their comprehensions away.
_SAFE_DEPTH = 8
# Names of values that hold SQL fragments (column lists, clauses), not single values.
FRAGMENT_NAME = re.compile(
    r"(?:^|_)(?:columns?|cols|fields|values|clauses?|sql|query|where|conditions?|filters?"
    r"|order(?:_by)?|sort|placeholders|fragment|expr(?:ession)?s?|joins?|tables?|select"
    r"|group_by|having|limit_clause|set_clause|assignments|statement|stmt)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Origin:
    kind: str
    reason: str = ""
    param: str | None = None  # HELPER: the parameter that carries the SQL text
    # HELPER: every parameter the part is made from; EVIDENCE: the parameters behind it
    # (empty when request data is)
    params: tuple[str, ...] = ()


def classify(ctx, value: ast.expr, sink_call: ast.Call, only_values: bool = False,
             sql_params: frozenset[str] = frozenset(), quote: str = ""
             ) -> Origin:  # type: ignore[no-untyped-def]
    """The origin of one dynamic part of SQL text sent by `sink_call`. `only_values`: the
    statement has no SQL text of its own here, only the values spliced together;
    `sql_params`: parameters the enclosing function runs as a statement elsewhere; `quote`:
    the quote the part sits in, if any."""
    safe = _safe(ctx, value, sink_call, quote)
    if safe:
        return Origin(SAFE, safe)
    if only_values or sql_params:
        # No SQL text of its own: every part its parameters make is its callers' SQL.
        params = parameters_behind(ctx, value)
        if params and (only_values or params <= sql_params):
            return Origin(HELPER, param=sorted(params)[0], params=tuple(sorted(params)))
    found = _evidence(ctx, value, 0, set())
    if found:
        # Request data is evidence here; a parameter only as far as its callers show one
        # passes a runtime value (the project phase asks: `params`).
        behind = parameters_behind(ctx, value)
        return Origin(EVIDENCE, found, params=tuple(sorted(behind)) if behind else ())
    return Origin(UNKNOWN, _unknown_reason(ctx, value))


# -- safe parts ----------------------------------------------------------------------------
def _safe(ctx, value: ast.expr, sink_call: ast.Call, quote: str,  # type: ignore[no-untyped-def]
          depth: int = 0) -> str:
    if depth > _SAFE_DEPTH:
        return ""
    if quote and _escaped(value, quote):
        return "escaped for the quote it sits in"
    if _dialect(ctx, value, sink_call):
        return "a dialect fragment of the database object that runs the statement"
    if isinstance(value, ast.Call) and validating_function(ctx, value):
        return "made by a function that validates what it returns"
    if isinstance(value, ast.Call):
        made = _module_function_returns_safe(ctx, value, sink_call, depth)
        if made:
            return made
    helper = quoting_helper(ctx, value)
    if helper:
        return f"already quoted by `{helper}()`"
    if _sqlalchemy_quoted(ctx, value):
        return "quoted by SQLAlchemy (`column()` / `table()` quote the name they print)"
    composed = _composed_of_safe(ctx, value, sink_call, depth)
    if composed:
        return composed
    if _numeric(ctx, value):
        return "a number, which cannot carry SQL text"
    inert = inert_text(ctx, value)
    if inert:
        return inert
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and (
            value.func.attr == "hexdigest") and not value.args:
        # hashlib / hmac: the digits 0-9a-f, whatever was hashed
        return "a hex digest, which holds only the digits 0-9a-f"
    if isinstance(value, ast.Subscript) and isinstance(value.slice, ast.Slice):
        return _safe(ctx, value.value, sink_call, quote, depth + 1)  # `digest[:12]`
    held = _local_mapping_values(ctx, value, sink_call, depth)
    if held:
        return held
    if _literal_run(ctx, value):
        return "a run of a literal (placeholders sized to a list), whatever its length"
    if _catalog_names(ctx, value):
        return "names the database's own catalog lists (pg_constraint, information_schema)"
    if _schema_name(ctx, value):
        return "the name of a table or column of the application's own SQLAlchemy schema"
    if enum_member_value(ctx, value):
        return "the value of an `Enum` member, one of a fixed set"
    if isinstance(value, ast.Name):
        if guarded(ctx, value):
            return "checked against an allowlist or a validator before use"
        bindings = ctx.reaching_bindings(value) or ctx.semantic.lookup(value.id, value)[1]
        if bindings and all(b.kind in ("for", "comprehension") and _counts(ctx, b, value.id)
                            for b in bindings):
            return "a number, which cannot carry SQL text"
        if bindings and all(b.kind == "param" and _declared_number(b.annotation)
                            for b in bindings):
            return "a parameter declared a number (`int`), which cannot carry SQL text"
        if bindings and all(b.kind == "unpack" and isinstance(b.value, ast.Call)
                            for b in bindings):
            # `where, params = _id_where(rid)`: that item of what the function returns
            reasons = [_unpacked_item_safe(ctx, b, value.id, sink_call, depth + 1)
                       for b in bindings]
            if all(reasons):
                return reasons[0]
        own = comprehension_source(ctx, value)
        if own is not None:
            return _items_safe(ctx, own, sink_call, depth + 1)
        if bindings and all(b.kind in ("for", "comprehension") and isinstance(
                getattr(b.node, "target", None), ast.Name) and b.value is not None
                for b in bindings):
            # `for name in names`: each item of a collection whose every item is safe
            reasons = [_items_safe(ctx, b.value, sink_call, depth + 1) for b in bindings]
            if all(reasons):
                return reasons[0]

        if bindings and all(b.kind in ("assign", "annassign") and b.value is not None
                            and b.value is not value for b in bindings):
            # a local bound to literal text on one path and a safe value on another
            # (`pk_sql = '"_id"'` / `pk_sql = ",".join(identifier(k) for k in keys)`)
            reasons = [_safe(ctx, b.value, sink_call, quote, depth + 1) or (
                "literal" if _text_literal(b.value) else "") for b in bindings]
            named = [r for r in reasons if r != "literal"]
            if all(reasons) and named:
                return named[0]
    return ""


def comprehension_source(ctx, name: ast.Name) -> ast.expr | None:  # type: ignore[no-untyped-def]
    """What `name` iterates when a comprehension around it binds it (`column` in
    `[column.name for column in columns]`): the comprehension's own scope, whatever other
    loops of the function bind the same name."""
    node: ast.AST | None = name
    for _ in range(12):
        node = ctx.semantic.parent(node)
        if node is None or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef
                                      | ast.Lambda | ast.ClassDef | ast.stmt):
            return None
        if isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
            for generator in node.generators:
                if isinstance(generator.target, ast.Name) and generator.target.id == name.id:
                    return generator.iter
    return None


def _items_safe(ctx, collection: ast.expr, sink_call: ast.Call,  # type: ignore[no-untyped-def]
                depth: int) -> str:
    """Every item of `collection` is safe: a list / tuple / set display of safe values, a
    comprehension whose element is safe (`[column.name for column in columns]`), or a
    local bound only to one of those."""
    if depth > _SAFE_DEPTH:
        return ""
    if isinstance(collection, ast.ListComp | ast.SetComp | ast.GeneratorExp):
        return _safe(ctx, collection.elt, sink_call, "", depth + 1)
    if isinstance(collection, ast.List | ast.Tuple | ast.Set) and collection.elts:
        reasons = [_safe(ctx, e, sink_call, "", depth + 1) or (
            "literal" if _text_literal(e) else "") for e in collection.elts]
        named = [r for r in reasons if r != "literal"]
        return (named[0] if named else "literal text") if all(reasons) else ""
    if isinstance(collection, ast.Name):
        bindings = ctx.reaching_bindings(collection)
        func = ctx.semantic.enclosing_function(collection)
        writes = written_into(ctx, func, collection.id) if func is not None else None
        if writes is None or not bindings or not all(
                b.kind in ("assign", "annassign") and b.value is not None for b in bindings):
            return ""
        reasons = [_items_safe(ctx, b.value, sink_call, depth + 1) for b in bindings]
        reasons += [_safe(ctx, w, sink_call, "", depth + 1) or _items_safe(
            ctx, w, sink_call, depth + 1) or ("literal" if _text_literal(w) else "")
            for w in writes]
        named = [r for r in reasons if r != "literal"]
        return (named[0] if named else "literal text") if all(reasons) else ""
    return ""


def _local_mapping_values(ctx, value: ast.expr, sink_call: ast.Call,  # type: ignore[no-untyped-def]
                          depth: int) -> str:
    """`selected[key]`, `", ".join(selected.values())` or `selected.get(key)` where
    `selected` is a dict the function builds itself (`{name: f'"{name}"' for name in
    names}`), every value it is built with and every value written into it later
    (`selected[c] = "NULL"`) is safe, and it never leaves the function's hands (passed to a
    call, returned, aliased, `.update()`d): value tracking through the dict, writes
    included."""
    if isinstance(value, ast.Subscript) and not isinstance(value.slice, ast.Slice):
        mapping = value.value
    elif isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and (
            value.func.attr in ("values", "get")) and not value.keywords and (
            (value.func.attr == "get" and 1 <= len(value.args) <= 2) or not value.args):
        mapping = value.func.value
        if value.func.attr == "get" and len(value.args) == 2 and not (
                _text_literal(value.args[1]) or _safe(ctx, value.args[1], sink_call, "",
                                                      depth + 1)):
            return ""  # `.get(key, key)` hands back the key
    else:
        return ""
    if not isinstance(mapping, ast.Name) or depth > _SAFE_DEPTH:
        return ""
    func = ctx.semantic.enclosing_function(mapping)
    if func is None:
        return ""
    bindings = ctx.semantic.lookup(mapping.id, mapping)[1]
    if not bindings or not all(b.kind in ("assign", "annassign") and isinstance(
            b.value, ast.Dict | ast.DictComp) for b in bindings):
        return ""
    put: list[ast.expr] = []
    for binding in bindings:
        built = binding.value
        put += [built.value] if isinstance(built, ast.DictComp) else list(built.values)
    writes = written_into(ctx, func, mapping.id)
    if writes is None:
        return ""
    reasons = []
    for part in [*put, *writes]:
        reason = "literal" if _text_literal(part) else _safe(ctx, part, sink_call, "",
                                                              depth + 1)
        if not reason:
            return ""
        reasons.append(reason)
    named = [r for r in reasons if r != "literal"]
    return named[0] if named else "literal text"


# Functions of this module whose returns are being judged: a call back into one (`_kept`
# and `_dangling` call each other) is judged by the other returns, as a fixpoint would.
_JUDGING: set[int] = set()


def _module_function_returns_safe(ctx, call: ast.Call, sink_call: ast.Call,  # type: ignore[no-untyped-def]
                                  depth: int, index: int | None = None) -> str:
    """`_where(model)` where `_where` is a function of this module and every value it
    returns is safe by its own body (schema names of a parameter declared a `Table`,
    literal text, calls of other such functions): the call's arguments do not matter.
    `index`: the call's result is unpacked (`where, params = _id_where(rid)`) and only that
    item of every returned tuple counts (`return "id = ?", (rid,)`: a constant template with
    its value bound beside it)."""
    if not isinstance(call.func, ast.Name):
        return ""
    bindings = ctx.semantic.lookup(call.func.id, call.func)[1]
    if len(bindings) != 1 or bindings[0].kind != "def":
        return ""
    func = bindings[0].node
    if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef) or func.decorator_list:
        return ""
    if id(func) in _JUDGING:
        return "assumed"  # the recursive call: the other returns decide
    returns = ctx.semantic.own_returns(func)
    if not returns or any(r.value is None for r in returns):
        return ""
    _JUDGING.add(id(func))
    try:
        reasons = []
        for ret in returns:
            returned = ret.value
            if index is not None:
                returned = returned.elts[index] if isinstance(returned, ast.Tuple) and len(
                    returned.elts) > index and not any(
                    isinstance(e, ast.Starred) for e in returned.elts) else None
            reason = "" if returned is None else (
                "literal" if _text_literal(returned) else
                _safe(ctx, returned, sink_call, "", depth + 1))
            if not reason:
                return ""
            reasons.append(reason)
    finally:
        _JUDGING.discard(id(func))
    named = [r for r in reasons if r not in ("assumed", "literal")]
    return named[0] if named else f"text `{func.name}()` builds from literals only"


def _unpacked_item_safe(ctx, binding, name: str, sink_call: ast.Call,  # type: ignore[no-untyped-def]
                        depth: int) -> str:
    """`name` is one item of a flat tuple target assigned a call of a module function
    (`where, params = _id_where(rid)`): safe when that item of every return is."""
    node = binding.node
    targets = node.targets if isinstance(node, ast.Assign) else []
    if len(targets) != 1 or not isinstance(targets[0], ast.Tuple | ast.List):
        return ""
    elts = targets[0].elts
    if any(not isinstance(e, ast.Name) for e in elts):
        return ""  # starred or nested targets: the item's place is not fixed
    index = next((i for i, e in enumerate(elts) if e.id == name), None)
    if index is None:
        return ""
    return _module_function_returns_safe(ctx, binding.value, sink_call, depth, index)


_SA_QUOTING = frozenset({"sqlalchemy.column", "sqlalchemy.table", "sqlalchemy.sql.column",
                         "sqlalchemy.sql.table", "sqlalchemy.sql.expression.column",
                         "sqlalchemy.sql.expression.table"})


def _sqlalchemy_quoted(ctx, value: ast.expr) -> bool:  # type: ignore[no-untyped-def]
    """`sa.column(name)` / `str(sa.table(name))`: printed, SQLAlchemy quotes the name as an
    identifier (doubling any quote in it). `literal_column` and `text` do not, so they are
    not here."""
    if isinstance(value, ast.Call) and (ctx.qualified_name(value.func) or "") == (
            "builtins.str") and len(value.args) == 1:
        value = value.args[0]
    return isinstance(value, ast.Call) and (
        ctx.qualified_name(value.func) or "") in _SA_QUOTING


def _composed_of_safe(ctx, value: ast.expr, sink_call: ast.Call,  # type: ignore[no-untyped-def]
                      depth: int) -> str:
    """Text made only of safe parts and literal text: `", ".join(identifier(c) for c in
    cols)`, `f"{identifier(t)}.{identifier(c)}"`, `"_id, " + sql_columns`, `f":val_{i}" for i
    in range(n)` (numbered placeholders). The reason of the first part stands for all."""
    parts: list[ast.expr] = []
    if isinstance(value, ast.JoinedStr):
        parts = [v.value for v in value.values if isinstance(v, ast.FormattedValue)]
    elif isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        parts = [p for p in (value.left, value.right) if not _text_literal(p)]
    elif isinstance(value, ast.IfExp):
        parts = [p for p in (value.body, value.orelse) if not _text_literal(p)]
    elif isinstance(value, ast.BoolOp) and isinstance(value.op, ast.Or):
        parts = [p for p in value.values if not _text_literal(p)]  # `clause or "1 = 1"`
    elif isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and (
            value.func.attr in ("join", "format")) and _text_literal(value.func.value):
        parts = [*value.args, *(k.value for k in value.keywords)]
    elif isinstance(value, ast.ListComp | ast.GeneratorExp | ast.SetComp):
        parts = [value.elt]
    elif isinstance(value, ast.List | ast.Tuple):
        parts = list(value.elts)
    if not parts:
        return ""
    reasons = []
    for part in parts:
        if _text_literal(part):
            continue
        reason = _safe(ctx, part, sink_call, "", depth)  # structure, not a new binding
        if not reason:
            return ""
        reasons.append(reason)
    return reasons[0] if reasons else ""


# Operators whose result is a number whatever the operands (on text they raise TypeError).
_NUMERIC_OPS = (ast.Sub, ast.Div, ast.FloorDiv, ast.Pow, ast.BitAnd, ast.BitOr, ast.BitXor,
                ast.LShift, ast.RShift)
_NUMERIC_CALLS = frozenset({"builtins.int", "builtins.float", "builtins.len", "builtins.abs",
                            "builtins.round", "builtins.bool", "builtins.ord"})
_STRIPS = frozenset({"strip", "rstrip", "lstrip"})


def _numeric(ctx, value: ast.expr, depth: int = 0) -> bool:  # type: ignore[no-untyped-def]
    """`-edit_index - 1`, `max_id + 1`, `len(ids)`, `int(limit)`: arithmetic yields a number
    (or raises), and a number spliced into SQL text cannot change the statement."""
    if depth > _MAX_DEPTH:
        return False
    if isinstance(value, ast.Constant):
        return isinstance(value.value, int | float) and not isinstance(value.value, bool)
    if isinstance(value, ast.UnaryOp):
        return isinstance(value.op, ast.USub | ast.UAdd | ast.Invert)
    if isinstance(value, ast.BinOp):
        left, right = _numeric(ctx, value.left, depth + 1), _numeric(ctx, value.right, depth + 1)
        if isinstance(value.op, _NUMERIC_OPS):
            # `max_id - 1` is a number; `Path(base) / name` and `set_a - set_b` are not, so
            # the operator alone proves nothing: one side must be a number.
            return left or right
        if isinstance(value.op, ast.Add):
            # `max_id + 1`: text plus a number raises, so a sum with a number is a number
            return (left or right) and not _text_literal(value.left) and not _text_literal(
                value.right)
        # `text * 2` is text again: a product is a number only of two numbers
        return isinstance(value.op, ast.Mult) and left and right
    if isinstance(value, ast.Call):
        return (ctx.qualified_name(value.func) or "") in _NUMERIC_CALLS
    return False


_NUMBER_TYPES = frozenset({"int", "float", "bool", "UUID", "uuid.UUID"})


def _declared_number(annotation: ast.expr | None) -> bool:
    """`key: int`, `lock_id: int`: the function declares the parameter a number (a UUID
    prints as hex digits and dashes). Type checkers hold the project's callers to it and
    frameworks convert route parameters by it; `int | None` prints `None` at worst."""
    if annotation is None:
        return False
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        return all(_declared_number(side) or (isinstance(side, ast.Constant)
                                              and side.value is None)
                   for side in (annotation.left, annotation.right))
    text = ast.unparse(annotation)
    return text in _NUMBER_TYPES


def _counts(ctx, binding, name: str) -> bool:  # type: ignore[no-untyped-def]
    """`for i in range(n)` / `for i, row in enumerate(rows)`: the loop variable is a
    number."""
    iterated = binding.value
    if not isinstance(iterated, ast.Call):
        return False
    called = ctx.qualified_name(iterated.func) or ""
    if called == "builtins.range":
        return True
    target = getattr(binding.node, "target", None)
    return called == "builtins.enumerate" and isinstance(target, ast.Tuple) and bool(
        target.elts) and isinstance(target.elts[0], ast.Name) and target.elts[0].id == name


def _text_literal(value: ast.expr) -> bool:
    return isinstance(value, ast.Constant) and isinstance(value.value, str)


def _literal_run(ctx, value: ast.expr, depth: int = 0) -> bool:  # type: ignore[no-untyped-def]
    """`("?," * len(ids)).rstrip(",")`, `", ".join(["%s"] * len(ids))`: a literal repeated
    a number of times is that literal's text however long the list, so only placeholders
    (never a value) reach the statement. Through local names."""
    if depth > _MAX_DEPTH:
        return False
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Mult):
        sides = (value.left, value.right)
        return any(_text_literal(s) or (isinstance(s, ast.List | ast.Tuple) and s.elts and all(
            _text_literal(e) for e in s.elts)) for s in sides) and any(
            _numeric(ctx, s) or isinstance(s, ast.Name) for s in sides)
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
        args_constant = all(isinstance(a, ast.Constant) for a in value.args)
        if value.func.attr in _STRIPS and args_constant:
            return _literal_run(ctx, value.func.value, depth + 1)
        if value.func.attr == "join" and _text_literal(value.func.value) and len(
                value.args) == 1:
            return _literal_run(ctx, value.args[0], depth + 1)
    if isinstance(value, ast.Name):
        bindings = ctx.reaching_bindings(value)
        return bool(bindings) and all(
            b.kind in ("assign", "annassign") and b.value is not None
            and b.value is not value and _literal_run(ctx, b.value, depth + 1)
            for b in bindings)
    return False


# The database's own catalog: the names it lists are objects the database made, not text
# a user typed.
_CATALOG = re.compile(r"\b(pg_catalog|pg_constraint|pg_class|pg_index|pg_indexes|pg_tables|"
                      r"pg_namespace|pg_attribute|pg_sequences?|information_schema|"
                      r"sqlite_master|sqlite_schema)\b"
                      # MySQL / Snowflake / Spark listings: `SHOW SCHEMAS`, `SHOW TABLES IN x`
                      r"|^\s*SHOW\s+(?:FULL\s+|TERSE\s+)?(?:SCHEMAS|DATABASES|TABLES|VIEWS"
                      r"|COLUMNS|INDEX(?:ES)?|SEQUENCES)\b", re.IGNORECASE)
_READS = frozenset({"fetch", "fetchall", "fetchrow", "fetchval", "fetchone", "fetchmany",
                    "execute"})
# The rows of a result already read (SQLAlchemy's Result, a DB-API cursor).
_RESULT_ROWS = frozenset({"all", "fetchall", "scalars", "mappings", "tuples", "one", "first",
                          "one_or_none", "scalar_one"})


def _catalog_names(ctx, value: ast.expr, depth: int = 0) -> bool:  # type: ignore[no-untyped-def]
    """`", ".join(f"DROP CONSTRAINT {name}" for name in names)` where `names` are the rows of
    a query on `pg_constraint`: identifiers read from the database's catalog, through
    joins, f-strings, comprehensions, row fields and local names."""
    if depth > _MAX_DEPTH:
        return False
    if isinstance(value, ast.Await):
        return _catalog_names(ctx, value.value, depth + 1)
    if isinstance(value, ast.Attribute | ast.Subscript):
        return _catalog_names(ctx, value.value, depth + 1)
    if isinstance(value, ast.JoinedStr):
        fields = [v.value for v in value.values if isinstance(v, ast.FormattedValue)]
        return bool(fields) and all(_catalog_names(ctx, f, depth + 1) for f in fields)
    if isinstance(value, ast.ListComp | ast.SetComp | ast.GeneratorExp):
        targets = {n.id for g in value.generators for n in ast.walk(g.target)
                   if isinstance(n, ast.Name)}
        used = [n for n in ast.walk(value.elt) if isinstance(n, ast.Name)]
        return bool(used) and all(n.id in targets for n in used) and all(
            _catalog_names(ctx, g.iter, depth + 1) for g in value.generators)
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
        if value.func.attr == "join" and len(value.args) == 1:
            return _catalog_names(ctx, value.args[0], depth + 1)
        if value.func.attr in _READS and value.args:
            return bool(_CATALOG.search(_text_of(ctx, value.args[0])))
        if value.func.attr in _RESULT_ROWS and not value.args:
            # `conn.execute(sa.text("... information_schema ...")).all()`
            return _catalog_names(ctx, value.func.value, depth + 1)
        return False
    if isinstance(value, ast.Name):
        bindings = ctx.reaching_bindings(value)
        return bool(bindings) and all(
            b.value is not None and b.value is not value
            and _catalog_names(ctx, b.value, depth + 1) for b in bindings)
    return False


# SQLAlchemy schema objects, by the annotation that declares them: their names are the
# ones the application's models (or the inspected database) define, not text a user typed.
_SCHEMA_TYPE = re.compile(r"\b(?:Table|Column|MetaData|ForeignKeyConstraint|"
                          r"PrimaryKeyConstraint|ForeignKey|Index)\b")
# Attributes of a schema object that are schema objects or collections of them.
_SCHEMA_PARTS = frozenset({"columns", "c", "primary_key", "foreign_keys",
                           "foreign_key_constraints", "constraints", "indexes", "tables",
                           "sorted_tables", "elements", "parent", "column", "table",
                           "referred_table"})
_SCHEMA_NAMES = frozenset({"name", "key", "fullname"})


def _schema_name(ctx, value: ast.expr) -> bool:  # type: ignore[no-untyped-def]
    """`column.name`, `table.name`, `key.name for key in table.primary_key.columns`: the
    `.name` of a SQLAlchemy `Table` / `Column` / constraint reached from a parameter
    declared one (`table: sa.Table`, `models: Mapping[str, sa.Table]`), through the
    schema's own collections and loops over them."""
    return isinstance(value, ast.Attribute) and value.attr in _SCHEMA_NAMES and (
        _schema_object(ctx, value.value, 0))


def _schema_object(ctx, expr: ast.expr, depth: int) -> bool:  # type: ignore[no-untyped-def]
    if depth > _MAX_DEPTH:
        return False
    if isinstance(expr, ast.Attribute):
        return expr.attr in _SCHEMA_PARTS and _schema_object(ctx, expr.value, depth + 1)
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and (
            expr.func.attr in ("values", "get")) and not (
            expr.func.attr == "values" and expr.args):
        return _schema_object(ctx, expr.func.value, depth + 1)
    if isinstance(expr, ast.Subscript):
        return _schema_object(ctx, expr.value, depth + 1)
    if not isinstance(expr, ast.Name):
        return False
    own = comprehension_source(ctx, expr)
    if own is not None:
        return _schema_object(ctx, own, depth + 1)
    bindings = ctx.reaching_bindings(expr) or ctx.semantic.lookup(expr.id, expr)[1]
    if not bindings:
        return False
    for binding in bindings:
        if binding.kind == "param":
            if binding.annotation is None or not _SCHEMA_TYPE.search(
                    ast.unparse(binding.annotation)):
                return False
        elif (binding.kind in ("for", "comprehension") and isinstance(
                getattr(binding.node, "target", None), ast.Name)) or binding.kind in (
                "assign", "annassign"):
            # `for column in table.columns`, `parent = foreign_key.referred_table`
            if binding.value is None or not _schema_object(ctx, binding.value, depth + 1):
                return False
        else:
            return False
    return True


def _text_of(ctx, expr: ast.expr) -> str:  # type: ignore[no-untyped-def]
    """The literal text of a statement (through one local name), fields left out."""
    if isinstance(expr, ast.Name):
        bindings = ctx.reaching_bindings(expr)
        if len(bindings) == 1 and bindings[0].value is not None:
            expr = bindings[0].value
    return " ".join(n.value for n in ast.walk(expr)
                    if isinstance(n, ast.Constant) and isinstance(n.value, str))


def _escaped(value: ast.expr, quote: str) -> bool:
    """`'{x.replace("'", "''")}'`, `"{x.replace('"', '""')}"`: quote-doubling, the SQL
    escape of a value inside that very quote (outside quotes it escapes nothing)."""
    if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute)
            and value.func.attr == "replace" and len(value.args) == 2):
        return False
    old, new = value.args
    return (isinstance(old, ast.Constant) and isinstance(new, ast.Constant)
            and old.value == quote and new.value == quote * 2)


def _root(expr: ast.expr) -> ast.expr:
    while True:
        if isinstance(expr, ast.Attribute | ast.Subscript):
            expr = expr.value
        elif isinstance(expr, ast.Call):
            expr = expr.func
        elif isinstance(expr, ast.Await):
            expr = expr.value
        else:
            return expr


def _dialect(ctx, value: ast.expr, sink_call: ast.Call) -> bool:  # type: ignore[no-untyped-def]
    """`db.timestamp_now` / `db.timestamp_placeholder("at")` spliced into `db.execute(...)`
    (or `(conn or db).execute(...)`): the database wrapper's own SQL for its dialect. Only
    attributes and calls with constant arguments on the object that runs the statement."""
    func = sink_call.func
    if not isinstance(func, ast.Attribute) or not isinstance(value, ast.Attribute | ast.Call):
        return False
    root = _root(value)
    if not isinstance(root, ast.Name) or root.id in ("self", "cls"):
        return False
    receiver_names = {n.id for n in ast.walk(func.value) if isinstance(n, ast.Name)}
    if root.id not in receiver_names:
        return False
    for node in ast.walk(value):
        if isinstance(node, ast.Call) and not all(isinstance(a, ast.Constant) for a in [
                *node.args, *(k.value for k in node.keywords)]):
            return False
    return True


# -- helpers that run their parameter ------------------------------------------------------
def param_of(ctx, name: ast.Name, depth: int = 0) -> str | None:  # type: ignore[no-untyped-def]
    bindings = ctx.reaching_bindings(name)
    if len(bindings) > 1 and sum(b.kind == "param" for b in bindings) == 1 and all(
            b.kind in ("param", "augassign") for b in bindings):
        # `query += f" LIMIT {limit}"`: the parameter's text still leads the statement
        bindings = [b for b in bindings if b.kind == "param"]
    if len(bindings) != 1 or depth > 3:
        return None
    binding = bindings[0]
    if binding.kind == "param":
        return None if name.id in ("self", "cls") else name.id
    if binding.kind in ("assign", "annassign") and isinstance(binding.value, ast.Name):
        return param_of(ctx, binding.value, depth + 1)
    return None


# -- evidence ------------------------------------------------------------------------------
def _evidence(ctx, expr: ast.AST, depth: int, seen: set[int]) -> str:  # type: ignore[no-untyped-def]
    """`request data` / `parameter x` when the value is built from them, else ""."""
    if depth > _MAX_DEPTH or id(expr) in seen:
        return ""
    seen.add(id(expr))
    tracker = tracker_for(ctx)
    for node in _value_nodes(expr):
        if isinstance(node, ast.Attribute | ast.Call | ast.Name):
            source = tracker.request_data(node)
            if source:
                return f"request data (`{source}`)"
        if not isinstance(node, ast.Name) or isinstance(node.ctx, ast.Store):
            continue
        for binding in ctx.reaching_bindings(node):
            if binding.kind == "param":
                if node.id not in ("self", "cls"):
                    return f"the parameter `{node.id}`"
                continue
            if binding.value is not None and binding.value is not node:
                found = _evidence(ctx, binding.value, depth + 1, seen)
                if found:
                    return found
    return ""


def _value_nodes(expr: ast.AST) -> list[ast.AST]:
    """The nodes of `expr` that can reach its value: the test of `a if cond else b` and the
    `if` filters of a comprehension only choose between values (`f"{src}::{enum}" if
    conn.dialect.name == "postgresql" else src` carries nothing of `conn`)."""
    out: list[ast.AST] = []
    todo = [expr]
    pop, add, node_type = todo.pop, out.append, ast.AST
    if_exp, comprehension = ast.IfExp, ast.comprehension
    while todo:
        node = pop()
        add(node)
        kind = type(node)
        if kind is if_exp:
            todo += [node.body, node.orelse]  # type: ignore[attr-defined]
        elif kind is comprehension:
            todo += [node.target, node.iter]  # type: ignore[attr-defined]
        else:
            # ast.iter_child_nodes, inlined (same order): asked of every argument of
            # every call, it was most of this function's cost
            for name in node._fields:
                value = getattr(node, name, None)
                if isinstance(value, node_type):
                    todo.append(value)
                elif type(value) is list:
                    todo += [item for item in value if isinstance(item, node_type)]
    return out


def parameters_behind(ctx, expr: ast.AST, depth: int = 0, seen: set[int] | None = None
                      ) -> set[str] | None:  # type: ignore[no-untyped-def]
    """The parameters of the enclosing function a value is built from (through locals and
    loops); None when request data is part of it too."""
    seen = set() if seen is None else seen
    out: set[str] = set()
    if depth > _MAX_DEPTH or id(expr) in seen:
        return out
    seen.add(id(expr))
    tracker = tracker_for(ctx)
    for node in _value_nodes(expr):
        if isinstance(node, ast.Attribute | ast.Call | ast.Name) and tracker.request_data(node):
            return None
        if not isinstance(node, ast.Name) or isinstance(node.ctx, ast.Store):
            continue
        params, values = name_sources(ctx, node)
        out |= params
        for value in values:
            found = parameters_behind(ctx, value, depth + 1, seen)
            if found is None:
                return None
            out |= found
    return out


def name_sources(ctx, name: ast.Name) -> tuple[set[str], list[ast.expr]]:  # type: ignore[no-untyped-def]
    """What a use of `name` reads: the enclosing function's parameters it is (not `self` /
    `cls`), and the values assigned to it that reach the use, to follow further."""
    params: set[str] = set()
    values: list[ast.expr] = []
    for binding in ctx.reaching_bindings(name):
        if binding.kind == "param":
            if name.id not in ("self", "cls"):
                params.add(name.id)
        elif binding.value is not None and binding.value is not name:
            values.append(binding.value)
    return params, values


def _unknown_reason(ctx, value: ast.expr) -> str:  # type: ignore[no-untyped-def]
    root = _root(value)
    if isinstance(root, ast.Name) and root.id in ("self", "cls"):
        return ("it comes from the object's own state, not from this function's parameters "
                "or a request")
    return ("nothing shows it comes from a request or a parameter (configuration, module "
            "state or a value computed here)")
