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
                     "execution_options", "correlate", "distinct", "having"})
# What the caller leaves out to mean "every row": `limit: int = 0`, `limit=None`, `-1`.
_NO_LIMIT_DEFAULTS = (None, 0, -1)


@dataclass(frozen=True)
class SelectRows:
    execute: ast.Call  # the `execute(...)` / `scalars(...)` call that runs the statement
    # The parameter that bounds the rows when the caller passes it (`limit`); "" when
    # nothing does.
    unless: str = ""


def fetched_select(ctx: FileContext, fetch: ast.Call, func: ast.AST) -> SelectRows | None:
    """`conn.execute(stmt).fetchall()` / `.all()` / `session.scalars(stmt).all()` where `stmt`
    is a `select()` this function builds: unbounded (`unless` empty), bounded only when a
    parameter is passed (`unless` names it), or None (bounded, or not a select we can read)."""
    execute = _execute_of(fetch)
    if execute is None or not execute.args:
        return None
    statement = execute.args[0]
    if isinstance(statement, ast.Call):
        return None if _bounded_chain(statement) or not _is_select(ctx, statement) \
            else SelectRows(execute)
    if not isinstance(statement, ast.Name) or not isinstance(
            func, ast.FunctionDef | ast.AsyncFunctionDef):
        return None
    bindings = ctx.reaching_bindings(statement)
    if not bindings or any(b.kind != "assign" or not isinstance(b.value, ast.Call)
                           for b in bindings):
        return None
    unless = ""
    started = False
    for binding in sorted(bindings, key=lambda b: b.lineno):
        value = binding.value
        assert isinstance(value, ast.Call)
        root = _chain_root(value)
        if isinstance(root, ast.Name) and root.id == statement.id:
            # A refinement of the same statement: `query = query.where(...)`.
            if not _refines(value):
                return None
            if _bounded_chain(value):
                param = _guarding_parameter(ctx, binding.node, func)
                if param is None:
                    return None  # bounded on every path we can tell, or we cannot tell
                unless = param
            continue
        if started or _bounded_chain(value) or not _is_select(ctx, value):
            return None  # a second, different statement, or a bounded one
        started = True
    return SelectRows(execute, unless) if started else None


def _execute_of(fetch: ast.Call) -> ast.Call | None:
    fn = fetch.func
    if not (isinstance(fn, ast.Attribute) and fn.attr in ("fetchall", "all")):
        return None
    inner = fn.value
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


def _is_select(ctx: FileContext, call: ast.Call) -> bool:
    root = _chain_root(call)
    if not isinstance(root, ast.Call):
        return False
    name = ctx.qualified_name(root.func) or ""
    return name in ("sqlalchemy.select", "sqlalchemy.sql.select", "sqlmodel.select",
                    "sqlalchemy.future.select", "sqlalchemy.sql.expression.select")


def _guarding_parameter(ctx: FileContext, stmt: ast.AST,
                        func: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    """The parameter whose "no limit" default skips the bounding statement: `stmt` sits
    under `if limit:` / `if limit > 0:` / `if limit is not None:` and `limit` defaults to
    0, None or -1. None when the statement runs on every path, or under another test."""
    defaults = _parameter_defaults(func)
    up = ctx.semantic.parent(stmt)
    while up is not None and up is not func:
        if isinstance(up, ast.If):
            if not any(stmt is n or _contains(n, stmt) for n in up.body):
                return None  # in the else branch: bounded when the test fails
            names = {n.id for n in ast.walk(up.test) if isinstance(n, ast.Name)}
            guards = sorted(n for n in names if n in defaults
                            and defaults[n] in _NO_LIMIT_DEFAULTS)
            return guards[0] if len(guards) == 1 and len(names) == 1 else None
        up = ctx.semantic.parent(up)
    return None


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

