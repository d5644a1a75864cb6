"""What a DRF serializer's own code reads from each object it serializes (BR102).

DRF calls `to_representation(instance)` once per object of a list, and a
`SerializerMethodField`'s `get_<field>(obj)` once per object; both receive the row. The
relations they read from it (`instance.active_organization.title`,
`instance.om_through.all()`) cost one query per row unless the list's queryset loads them,
and a relation read through a query method (`instance.filters.filter(...)`) is a query of
its own that no prefetch serves.

A `to_representation` that never calls `super().to_representation(...)` builds the output
itself: DRF reads none of the declared fields then, only what that method reads.

Per-file and syntactic: the row is the method's first parameter after `self`; a local
bound once to a chain from it (`organization = instance.active_organization`) continues the
chain, and a helper of the same class called with the row (`self._is_deleted(instance)`)
is read too (one level).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

# Query methods on a related manager: each runs a query of its own (a prefetch is bypassed).
# `last()` reverses the queryset (`reverse()` or `order_by("-pk")`), a clone without the
# prefetched rows, so it queries even when the relation is prefetched.
FRESH_METHODS = frozenset({"filter", "exclude", "get", "order_by", "values", "values_list",
                           "aggregate", "annotate", "latest", "earliest", "select_related",
                           "prefetch_related", "only", "defer", "distinct", "last"})
# Reads a prefetch of the relation serves (`first()` only when the related model is
# ordered: otherwise it orders by pk, a clone too — not told apart here).
CACHED_METHODS = frozenset({"all", "count", "exists", "first"})


@dataclass(frozen=True)
class RowRead:
    """`path` read from the row by `method` on `line`; `fresh` is the query method called on
    the last relation (`filter`), which bypasses a prefetch of it."""

    path: tuple[str, ...]
    method: str
    line: int
    fresh: str | None = None
    text: str = ""
    # A read a prefetch serves (`all`, `count`, ...) called on the last relation; a
    # collection read without one is the manager itself, not a query.
    cached: str | None = None


def representation_kind(cls: ast.ClassDef) -> str:
    """"" when the class does not define `to_representation`, "super" when its override
    calls the base's (itself or through a method of the class it calls, one level:
    `return self._full(instance)`), "own" when it builds the output itself."""
    method = _method(cls, "to_representation")
    if method is None:
        return ""
    if _calls_base(method):
        return "super"
    for node in ast.walk(method):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(
                node.func.value, ast.Name) and node.func.value.id == "self":
            helper = _method(cls, node.func.attr)
            if helper is not None and helper is not method and _calls_base(helper):
                return "super"
    return "own"


def _calls_base(method: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """`super().to_representation(...)`, or the base's named:
    `serializers.ModelSerializer.to_representation(self, instance)`."""
    for node in ast.walk(method):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "to_representation"):
            continue
        owner = node.func.value
        if isinstance(owner, ast.Call) and isinstance(owner.func, ast.Name) and (
                owner.func.id == "super"):
            return True
        if node.args and isinstance(node.args[0], ast.Name) and node.args[0].id == "self":
            return True
    return False


def row_reads(cls: ast.ClassDef, methods: list[str]) -> tuple[RowRead, ...]:
    """The relation paths the named methods of `cls` read from their row parameter."""
    found: dict[tuple[tuple[str, ...], str | None, str | None], RowRead] = {}
    for name in methods:
        method = _method(cls, name)
        if method is None:
            continue
        for read in _reads(cls, method, name, 0, 0 if _is_static(method) else 1):
            found.setdefault((read.path, read.fresh, read.cached), read)
    return tuple(found.values())


def _method(cls: ast.ClassDef, name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    return next((s for s in cls.body if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef)
                 and s.name == name), None)


def _is_static(method: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in method.decorator_list)


def _row_param(method: ast.FunctionDef | ast.AsyncFunctionDef, position: int = 1) -> str | None:
    params = [*method.args.posonlyargs, *method.args.args]
    return params[position].arg if len(params) > position else None


def _reads(cls: ast.ClassDef, method: ast.FunctionDef | ast.AsyncFunctionDef, owner: str,
           depth: int, position: int = 1) -> list[RowRead]:
    row = _row_param(method, position)
    if row is None:
        return []
    aliases = _aliases(method, row)
    reads: list[RowRead] = []
    chains_seen: set[int] = _fallbacks(method, row)
    for node in ast.walk(method):
        if isinstance(node, ast.Call) and depth == 0 and isinstance(node.func, ast.Attribute) and (
                isinstance(node.func.value, ast.Name) and node.func.value.id == "self"):
            helper = _method(cls, node.func.attr)
            # A static helper has no `self`: the row is its parameter at the argument's index
            offset = 0 if helper is not None and _is_static(helper) else 1
            for index, arg in enumerate(node.args):
                if isinstance(arg, ast.Name) and arg.id == row and helper is not None:
                    reads += _reads(cls, helper, owner, depth + 1, index + offset)
        if not isinstance(node, ast.Attribute) or id(node) in chains_seen:
            continue
        chain = _chain(node, row, aliases)
        if chain is None:
            continue
        for inner in ast.walk(node):
            chains_seen.add(id(inner))  # the chain's own prefixes
        parent = _parent_call(method, node)
        fresh = cached = None
        path = chain
        if parent is not None and chain[-1] in FRESH_METHODS:
            fresh, path = chain[-1], chain[:-1]
        elif parent is not None and chain[-1] in CACHED_METHODS:
            cached, path = chain[-1], chain[:-1]
        elif parent is not None:
            path = chain[:-1]  # a method of the row or of a related object
        if path:
            reads.append(RowRead(path, owner, node.lineno, fresh,
                                 ast.unparse(parent if parent is not None else node)[:80],
                                 cached))
    return reads


def _annotation_test(test: ast.expr, row: str) -> bool:
    """`hasattr(obj, "member_count")`, `getattr(obj, "member_count", None) [is not None]`,
    or either joined by `and`: the code checks for a value the list's query annotates."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return any(_annotation_test(value, row) for value in test.values)
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(
            test.ops[0], ast.IsNot):
        test = test.left
    return (isinstance(test, ast.Call) and isinstance(test.func, ast.Name)
            and test.func.id in ("hasattr", "getattr") and len(test.args) >= 2
            and isinstance(test.args[0], ast.Name) and test.args[0].id == row
            and isinstance(test.args[1], ast.Constant) and isinstance(test.args[1].value, str))


def _fallbacks(method: ast.AST, row: str) -> set[int]:
    """The nodes that run only when the row lacks an annotated value: after
    `if hasattr(obj, "n"): return obj.n`, in the `else` of such a test, or the fallback of
    `obj.n if hasattr(obj, "n") else obj.members.count()` / `getattr(obj, "n", None) or ...`.
    Their reads are what the code does when the list did not annotate: whether this list
    does is not read here, so they are not counted (precision first)."""
    nodes: list[ast.AST] = []
    for node in ast.walk(method):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if not isinstance(block, list):
                continue
            for index, stmt in enumerate(block):
                if isinstance(stmt, ast.If) and _annotation_test(stmt.test, row):
                    nodes += stmt.orelse
                    if stmt.body and isinstance(stmt.body[-1], ast.Return | ast.Raise):
                        nodes += block[index + 1:]
        if isinstance(node, ast.IfExp) and _annotation_test(node.test, row):
            nodes.append(node.orelse)
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or) and (
                _annotation_test(node.values[0], row)):
            nodes += node.values[1:]
    return {id(inner) for node in nodes for inner in ast.walk(node)}


def _chain(node: ast.Attribute, row: str, aliases: dict[str, tuple[str, ...]]
           ) -> tuple[str, ...] | None:
    names: list[str] = []
    current: ast.expr = node
    while isinstance(current, ast.Attribute):
        names.append(current.attr)
        current = current.value
    if not isinstance(current, ast.Name):
        return None
    if current.id == row:
        return tuple(reversed(names))
    if current.id in aliases:
        return aliases[current.id] + tuple(reversed(names))
    return None


def _aliases(method: ast.AST, row: str) -> dict[str, tuple[str, ...]]:
    """Locals assigned once, to an attribute chain of the row (no call in it)."""
    counts: dict[str, int] = {}
    bound: dict[str, tuple[str, ...]] = {}
    for node in ast.walk(method):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            counts[node.id] = counts.get(node.id, 0) + 1
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(
                node.targets[0], ast.Name) and isinstance(node.value, ast.Attribute):
            chain = _chain(node.value, row, {})
            if chain:
                bound[node.targets[0].id] = chain
    return {name: chain for name, chain in bound.items() if counts.get(name) == 1}


def _parent_call(method: ast.AST, node: ast.Attribute) -> ast.Call | None:
    for candidate in ast.walk(method):
        if isinstance(candidate, ast.Call) and candidate.func is node:
            return candidate
    return None


__all__ = ["CACHED_METHODS", "FRESH_METHODS", "RowRead", "representation_kind", "row_reads"]
