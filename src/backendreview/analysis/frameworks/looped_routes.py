"""Routes registered in a loop over a table a function returns (nominatim):

    # v1/server_glue.py
    async def get_routes(api):
        routes = [("status", status_endpoint), ("details", details_endpoint)]
        routes.append(("search", search_endpoint))
        return routes

    # server/starlette/server.py
    for name, func in await api_impl.get_routes(app.state.API):
        app.routes.append(Route(f"/{name}", endpoint=_wrap_endpoint(func)))

A loop over a list of literal tuples is a set of routes with known paths: one route per row,
its path the template filled with the row's string at the loop variable's position (the
rows read with analysis/values.table_value, the evaluator django_loops and module_tables
share). Per file
the collector records the route with its template (`LoopedRouteFact`) and every module-level
function that returns such a table (`ReturnedRowsFact`: one list name, built from tuple
literals and `.append((...))` of tuple literals, returned on every path); the project phase
expands the template over the rows of the function the loop calls, found through the
module's imports. A row whose item is not a string literal, or a function that returns
anything else, gives nothing: the route stays as it was (`{?}`)."""

from __future__ import annotations

import ast
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from ..values import table_string
from .common import object_name, this_module
from .routes import RouteFact

if TYPE_CHECKING:
    from ...context import FileContext


@dataclass(frozen=True)
class ReturnedRowsFact:
    func: str  # qualified name
    rows: tuple[tuple[str | None, ...], ...]
    file: str
    line: int


@dataclass(frozen=True)
class LoopedRouteFact:
    route: RouteFact
    parts: tuple[tuple[str, int], ...]  # ("lit", 0) with text in `texts`, or ("row", index)
    texts: tuple[str, ...]
    callee: str  # how the loop names the function that returns the rows


def looped_route(ctx: FileContext, route: RouteFact, path_node: ast.AST | None
                 ) -> LoopedRouteFact | None:
    """`Route(f"/{name}", ...)` with `name` bound by `for name, func in rows_of(...)`."""
    if not isinstance(path_node, ast.JoinedStr):
        return None
    parts: list[tuple[str, int]] = []
    texts: list[str] = []
    callee: str | None = None
    for value in path_node.values:
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            parts.append(("lit", len(texts)))
            texts.append(value.value)
            continue
        if not (isinstance(value, ast.FormattedValue) and isinstance(value.value, ast.Name)
                and value.format_spec is None and value.conversion == -1):
            return None
        found = _row_position(ctx, value.value)
        if found is None or (callee is not None and found[0] != callee):
            return None
        callee = found[0]
        parts.append(("row", found[1]))
    if callee is None:
        return None
    return LoopedRouteFact(route, tuple(parts), tuple(texts), callee)


def _row_position(ctx: FileContext, name: ast.Name) -> tuple[str, int] | None:
    """(the function called, the tuple position) for a loop variable of
    `for a, b in [await] f(...)`."""
    loop = next((a for a in ctx.semantic.ancestors(name) if isinstance(a, ast.For | ast.AsyncFor)
                 and isinstance(a.target, ast.Tuple) and any(
                     isinstance(e, ast.Name) and e.id == name.id for e in a.target.elts)), None)
    if loop is None or not isinstance(loop.target, ast.Tuple) or any(
            b.node is not loop for b in ctx.semantic.lookup(name.id, name)[1]
            if b.node in set(ctx.semantic.ancestors(name))):
        return None  # bound again between the loop and the route
    index = next((i for i, e in enumerate(loop.target.elts)
                  if isinstance(e, ast.Name) and e.id == name.id), None)
    it = loop.iter.value if isinstance(loop.iter, ast.Await) else loop.iter
    if index is None or not isinstance(it, ast.Call):
        return None
    callee = object_name(ctx, it.func)
    return (callee, index) if callee else None


def returned_rows(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef,
                  returns: list[ast.Return]) -> ReturnedRowsFact | None:
    """A module-level function whose every return gives one list built from tuples."""
    if not returns or ctx.semantic.scope_of(func) is not ctx.semantic.module_scope:
        return None
    names = {r.value.id for r in returns if isinstance(r.value, ast.Name)}
    if len(names) != 1 or any(not isinstance(r.value, ast.Name) for r in returns):
        return None
    name = names.pop()
    rows: list[tuple[str | None, ...]] = []
    assigned = 0
    for node in ast.walk(func):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name
                                                for t in node.targets):
            if not isinstance(node.value, ast.List) or not all(
                    isinstance(e, ast.Tuple) for e in node.value.elts):
                return None
            assigned += 1
            rows += [_row(e) for e in node.value.elts if isinstance(e, ast.Tuple)]
        elif isinstance(node, ast.AugAssign | ast.AnnAssign) and isinstance(
                node.target, ast.Name) and node.target.id == name:
            return None
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                isinstance(node.func.value, ast.Name) and node.func.value.id == name:
            if node.func.attr != "append" or len(node.args) != 1 or not isinstance(
                    node.args[0], ast.Tuple):
                return None  # extended or changed some other way: not a table we can read
            rows.append(_row(node.args[0]))
    if assigned != 1 or not rows:
        return None
    return ReturnedRowsFact(f"{this_module(ctx)}.{func.name}", tuple(dict.fromkeys(rows)),
                            ctx.path, func.lineno)


def _row(node: ast.Tuple) -> tuple[str | None, ...]:
    """The row's strings (None where an item is no string the literal-table evaluator
    tells without names: a handler, a computed item)."""
    return tuple(table_string(e, {}) for e in node.elts)


def expand_looped_routes(facts: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """The looped routes added to the route facts: one per row of their table, or the route
    as written (its path unknown) when the table is not known."""
    looped: list[LoopedRouteFact] = facts.get("looped_route", [])
    if not looped:
        return facts
    from .routes import Resolver, _reexported

    tables = {t.func: t for t in facts.get("returned_rows", [])}
    resolver = Resolver(sorted(tables))
    added: list[RouteFact] = []
    for fact in looped:
        # `api_impl.get_routes` re-exported by the package's `__init__`.
        found = resolver.find(fact.callee) or _reexported(fact.callee, resolver)
        if found is None:
            added.append(fact.route)  # the route as written: its path unknown
            continue
        paths = []
        for row in tables[found].rows:
            path = ""
            for kind, index in fact.parts:
                item = fact.texts[index] if kind == "lit" else (
                    row[index] if index < len(row) else None)
                if item is None:
                    break
                path += item
            else:
                paths.append(path)
        added += [replace(fact.route, path=p) for p in paths] if paths else [fact.route]
    out = dict(facts)
    out["route"] = [*facts.get("route", []), *added]
    return out


__all__ = ["LoopedRouteFact", "ReturnedRowsFact", "expand_looped_routes", "looped_route",
           "returned_rows"]
