"""Rows a SQLAlchemy Core `select()` fetches, when the statement is built up in steps.

`query = select(tbl)`, then `if namespaces: query = query.where(...)`, then
`if limit > 0: query = query.limit(limit)`, then `conn.execute(query).fetchall()`: a store
method that pages only when its caller asks. The question is whether the fetched rows are
bounded, never bounded, or bounded only when a parameter is given a value other than its
"no limit" default (the caller then decides: BR303 follows that through the call graph).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from ..context import FileContext

# Calls on a statement that bound its rows; `first()` / `scalar()` and friends fetch one.
_BOUNDS = frozenset({"limit", "slice", "offset", "fetch"})
# Steps that keep a statement's rows unbounded (a refinement of the same select).
_REFINE = frozenset({"where", "filter", "filter_by", "order_by", "join", "outerjoin",
                     "options", "select_from", "add_columns", "with_only_columns",
                     "execution_options", "correlate", "distinct", "having",
                     # a compound select keeps every row of the selects it joins
                     "union", "union_all"})
# What the caller leaves out to mean "every row": `limit: int = 0`, `limit=None`, `-1`.
_NO_LIMIT_DEFAULTS = (None, 0, -1)


@dataclass(frozen=True)
class SelectRows:
    execute: ast.Call  # the `execute(...)` / `scalars(...)` call that runs the statement
    # The parameter that bounds the rows when the caller passes it (`limit`); "" when
    # nothing does.
    unless: str = ""
    # The test that guards the bound (`limit > 0`): a call that passes `unless` a literal
    # failing it (`limit=0`) gets every row (guard_passes).
    guard: str = ""
    # Whether a call that leaves `unless` out gets every row: its default fails the guard
    # (`limit: int = 0`). False for a page-size default (`limit: int = 10`): then only a call
    # passing a value that skips the bound gets every row.
    by_default: bool = True
    # The statement as built, names spelled out (`select(Key).where(Key.owner_id ==
    # current_user.id).order_by(Key.id)` for `stmt`, built as `base = select(Key).where(...)`
    # then `stmt = base.order_by(...)`), the refinements every path applies: what BR303
    # reads for the caller's own rows, an aggregate, a key or a seeded table ("" when the
    # statement is written in the execute call as is).
    statement: str = ""


def fetched_select(ctx: FileContext, fetch: ast.Call, func: ast.AST) -> SelectRows | None:
    """`conn.execute(stmt).fetchall()` / `.all()` / `session.scalars(stmt).all()` where `stmt`
    is a `select()` this function builds: unbounded (`unless` empty), bounded only when a
    parameter is passed (`unless` names it), or None (bounded, or not a select we can read)."""
    execute = _execute_of(fetch)
    if execute is None or not execute.args:
        return None
    statement = execute.args[0]
    if isinstance(statement, ast.Call):
        if _bounded_chain(statement) or not _is_select(ctx, statement):
            return None
        built = _statement_text(ctx, statement)
        return SelectRows(execute, statement=" ".join(built.split())
                          if built != ctx.source(statement) else "")
    if not isinstance(statement, ast.Name) or not isinstance(
            func, ast.FunctionDef | ast.AsyncFunctionDef):
        return None
    bindings = ctx.reaching_bindings(statement)
    if not bindings or any(b.kind != "assign" or not isinstance(b.value, ast.Call)
                           for b in bindings):
        return None
    unless, guard, by_default = "", "", True
    started = False
    built: list[str] = []
    for binding in sorted(bindings, key=lambda b: b.lineno):
        value = binding.value
        assert isinstance(value, ast.Call)
        root = _chain_root(value)
        if isinstance(root, ast.Name) and root.id == statement.id:
            # A refinement of the same statement: `query = query.where(...)`.
            if not _refines(value):
                return None
            if _bounded_chain(value):
                guarded = _guarding_parameter(ctx, binding.node, func)
                if guarded is None:
                    return None  # bounded on every path we can tell, or we cannot tell
                if unless and guarded[0] != unless:
                    # Two bounds under tests of two parameters (`limit`, `page_size`): a
                    # call turning one off keeps the other; one parameter cannot say that.
                    return None
                unless, guard, by_default = guarded
            elif _on_every_path(ctx, binding.node, func):
                # a refinement every run applies (`if mine: q = q.where(owner == me)` is not
                # the list's filter when the flag is off; a guarded bound may not run)
                built.append(ctx.source(value)[len(statement.id):])
            continue
        if started or _bounded_chain(value) or not _is_select(ctx, value):
            return None  # a second, different statement, or a bounded one
        started = True
        built.append(_statement_text(ctx, value))
    return SelectRows(execute, unless, guard, by_default, " ".join("".join(built).split())) \
        if started else None


def _execute_of(fetch: ast.Call) -> ast.Call | None:
    fn = fetch.func
    if not (isinstance(fn, ast.Attribute) and fn.attr in ("fetchall", "all")):
        return None
    inner = fn.value
    if isinstance(inner, ast.Await):  # `(await session.execute(stmt)).all()`
        inner = inner.value
    # `session.execute(stmt).scalars().all()`
    if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute) and (
            inner.func.attr == "scalars") and not inner.args:
        inner = inner.func.value
    if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute) and (
            inner.func.attr in ("execute", "scalars")):
        return inner
    return None


def _chain_root(call: ast.AST) -> ast.AST:
    node = call
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        node = node.func.value
    return node


def _chain_methods(call: ast.AST) -> list[str]:
    names: list[str] = []
    node = call
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        names.append(node.func.attr)
        node = node.func.value
    return names


def _refines(call: ast.Call) -> bool:
    return all(m in _REFINE or m in _BOUNDS for m in _chain_methods(call))


def _bounded_chain(call: ast.Call) -> bool:
    return bool(_BOUNDS & set(_chain_methods(call)))


def _is_select(ctx: FileContext, call: ast.Call, depth: int = 0) -> bool:
    """A chain of refinements on a `select()`, or on a name bound once before to an
    unbounded such chain (`q = select(A).filter(...)`, then `q.union(r).order_by(...)`)."""
    root = _chain_root(call)
    if isinstance(root, ast.Name) and depth < 3 and _refines(call):
        bindings = ctx.reaching_bindings(root)
        return len(bindings) == 1 and bindings[0].kind == "assign" and isinstance(
            bindings[0].value, ast.Call) and not _bounded_chain(bindings[0].value) and \
            _is_select(ctx, bindings[0].value, depth + 1)
    if not isinstance(root, ast.Call):
        return False
    name = ctx.qualified_name(root.func) or ""
    return name in ("sqlalchemy.select", "sqlalchemy.sql.select", "sqlmodel.select",
                    "sqlalchemy.future.select", "sqlalchemy.sql.expression.select")


def _on_every_path(ctx: FileContext, stmt: ast.AST, func: ast.AST) -> bool:
    """`stmt` runs whenever the function does: no branch, loop or `try` holds it."""
    up = ctx.semantic.parent(stmt)
    while up is not None and up is not func:
        if isinstance(up, ast.If | ast.For | ast.AsyncFor | ast.While | ast.Try | ast.Match
                      | ast.IfExp):
            return False
        up = ctx.semantic.parent(up)
    return True


def _statement_text(ctx: FileContext, call: ast.Call, depth: int = 0) -> str:
    """The source of a select chain, a name at its root (`base.order_by(...)`, `base` bound
    once to a select, as _is_select follows it) spelled out through that binding."""
    text = ctx.source(call)
    root = _chain_root(call)
    if isinstance(root, ast.Name) and depth < 3 and text.startswith(root.id):
        bindings = ctx.reaching_bindings(root)
        if len(bindings) == 1 and isinstance(bindings[0].value, ast.Call):
            return _statement_text(ctx, bindings[0].value, depth + 1) + text[len(root.id):]
    return text


def _guarding_parameter(ctx: FileContext, stmt: ast.AST,
                        func: ast.FunctionDef | ast.AsyncFunctionDef
                        ) -> tuple[str, str, bool] | None:
    """The parameter whose value can skip the bounding statement: `stmt` sits under
    `if limit:` / `if limit > 0:` / `if limit is not None:`, a test of that one parameter,
    which has a literal default. The parameter, the test's text, and whether the default
    skips the bound (`limit: int = 0`, None or -1: every row unless the caller passes it;
    not so for a default the test lets through, `limit: int = 10`); None when the
    statement runs on every path, or under another test."""
    defaults = _parameter_defaults(func)
    up = ctx.semantic.parent(stmt)
    while up is not None and up is not func:
        if isinstance(up, ast.If):
            if not any(stmt is n or _contains(n, stmt) for n in up.body):
                return None  # in the else branch: bounded when the test fails
            names = {n.id for n in ast.walk(up.test) if isinstance(n, ast.Name)}
            if len(names) != 1:
                return None
            name = next(iter(names))
            test = ast.unparse(up.test)
            if name not in defaults or defaults[name] is ...:
                return None
            if not _reads_parameter(ctx, up.test, name):
                return None  # `limit = limit or 50` above: the test reads a local
            if defaults[name] in _NO_LIMIT_DEFAULTS:
                return name, test, True  # `limit=0` / None / -1: "no limit" by default
            if guard_passes(test, name, defaults[name]) is not True:
                return None  # a default we cannot read as either
            # A page size by default (`limit: int = 10` under `if limit > 0:`): bounded
            # unless the caller passes a value the test turns away (`limit=0`).
            return name, test, False
        up = ctx.semantic.parent(up)
    return None


def _reads_parameter(ctx: FileContext, test: ast.expr, name: str) -> bool:
    """Every use of `name` in the guard `test` reaches only the parameter's own binding: no
    assignment above (`limit = limit or 50`, `limit = min(limit, 100)`) may have changed
    the value the caller passed, which is what a call's argument or default decides."""
    return all(
        (bindings := ctx.reaching_bindings(n)) and all(b.kind == "param" for b in bindings)
        for n in ast.walk(test) if isinstance(n, ast.Name) and n.id == name)


def guard_passes(test: str, name: str, value: object) -> bool | None:
    """Whether the guard `test` (`limit > 0`, `limit`, `limit is not None`, `not limit`)
    holds when its one name `name` is `value` (a literal: an int, None, a bool); None
    when the test is not of those simple forms."""
    try:
        node = ast.parse(test, mode="eval").body
    except SyntaxError:
        return None
    result = _evaluate(node, name, value)
    return result if isinstance(result, bool) else (
        None if result is ... else bool(result))


_COMPARE = {ast.Gt: lambda a, b: a > b, ast.GtE: lambda a, b: a >= b,
            ast.Lt: lambda a, b: a < b, ast.LtE: lambda a, b: a <= b,
            ast.Eq: lambda a, b: a == b, ast.NotEq: lambda a, b: a != b,
            ast.Is: lambda a, b: a is b, ast.IsNot: lambda a, b: a is not b}


def _evaluate(node: ast.expr, name: str, value: object) -> object:
    """The value of a guard made of the name, literals, comparisons, `not`, `and`, `or`;
    `...` for anything else (or a comparison Python would refuse, `None > 0`)."""
    if isinstance(node, ast.Name):
        return value if node.id == name else ...
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.UnaryOp):
        operand = _evaluate(node.operand, name, value)
        if operand is ...:
            return ...
        if isinstance(node.op, ast.Not):
            return not operand
        if isinstance(node.op, ast.USub) and isinstance(operand, int):
            return -operand
        return ...
    if isinstance(node, ast.BoolOp):
        parts = [_evaluate(v, name, value) for v in node.values]
        if any(p is ... for p in parts):
            return ...
        return all(parts) if isinstance(node.op, ast.And) else any(parts)
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _COMPARE:
        left, right = _evaluate(node.left, name, value), _evaluate(
            node.comparators[0], name, value)
        if left is ... or right is ...:
            return ...
        try:
            return bool(_COMPARE[type(node.ops[0])](left, right))
        except TypeError:
            return ...
    return ...


def _contains(tree: ast.AST, node: ast.AST) -> bool:
    return any(n is node for n in ast.walk(tree))


def _parameter_defaults(func: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, object]:
    args = func.args
    positional = [*args.posonlyargs, *args.args]
    out: dict[str, object] = {}
    for arg, default in zip(positional[len(positional) - len(args.defaults):], args.defaults,
                            strict=True):
        out[arg.arg] = _literal(default)
    for arg, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        if kw_default is not None:
            out[arg.arg] = _literal(kw_default)
    return out


def _literal(node: ast.expr) -> object:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(
            node.operand, ast.Constant) and isinstance(node.operand.value, int):
        return -node.operand.value
    return node.value if isinstance(node, ast.Constant) else ...


def passes_parameter(params: tuple[str, ...], is_method: bool, passed: tuple[str, ...],
                     name: str) -> bool:
    """Whether a call that passes `passed` (positions as digit strings, keyword names, "*")
    gives the callee's parameter `name` a value."""
    if "*" in passed or name in passed:
        return True
    own = list(params[1:] if is_method else params)
    return name in own and str(own.index(name)) in passed


def passed_literal(params: tuple[str, ...], is_method: bool,
                   literals: tuple[tuple[str, str], ...], name: str) -> str | None:
    """The literal text a call gives the callee's parameter `name` (by keyword or by
    position), from its literal arguments; None when it gives no literal there."""
    given = dict(literals)
    if name in given:
        return given[name]
    own = list(params[1:] if is_method else params)
    return given.get(str(own.index(name))) if name in own else None


def skips_bound(guard: str, name: str, literal: str | None) -> bool:
    """A call passing `literal` to the parameter `name` turns the guarded bound off: the
    guard (`limit > 0`) fails for it (`limit=0`). False when it holds, or cannot be told."""
    if not guard or literal is None:
        return False
    try:
        value = ast.literal_eval(literal)
    except (ValueError, SyntaxError):
        return False
    return guard_passes(guard, name, value) is False
