"""Small ast helpers that several rules need."""

from __future__ import annotations

import ast
from collections.abc import Iterable

_NESTED_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
# `try` statements of every Python the tool runs on: `try/except*` (ast.TryStar) is 3.11+,
# and naming it on 3.10 raises AttributeError.
TRY_NODES: tuple[type, ...] = tuple(getattr(ast, n) for n in ("Try", "TryStar") if hasattr(ast, n))


def nodes_within(roots: Iterable[ast.AST]) -> list[ast.AST]:
    """`roots` and every node below them in source order, without descending into nested
    functions, lambdas or classes (those nodes themselves are included): what one function
    body or one except clause does when it runs."""
    out: list[ast.AST] = []
    stack: list[ast.AST] = list(roots)
    stack.reverse()
    pop, push, add = stack.pop, stack.extend, out.append
    node_type, nested = ast.AST, _NESTED_SCOPES
    while stack:
        node = pop()
        add(node)
        if isinstance(node, nested):
            continue
        # ast.iter_child_nodes, inlined: this walk runs over every handler body, often.
        children: list[ast.AST] = []
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, node_type):
                children.append(value)
            elif isinstance(value, list):
                children += [item for item in value if isinstance(item, node_type)]
        children.reverse()
        push(children)
    return out


# Fields that hold a string, a number or a flag in every node type that has them (never a
# node nor a list of nodes): walk does not read them. `name` and `value` are not here (a
# TypeAlias's name and most values are nodes); a Constant's fields are none of its children.
_SCALAR_FIELDS = frozenset({"id", "attr", "arg", "module", "level", "type_comment", "kind",
                            "conversion", "is_async", "simple", "n", "s", "tag", "rest",
                            "lineno"})
_WALKED_FIELDS: dict[type, tuple[str, ...]] = {ast.Constant: ()}


def _walked_fields(kind: type) -> tuple[str, ...]:
    fields = _WALKED_FIELDS[kind] = tuple(
        f for f in kind._fields if f not in _SCALAR_FIELDS)  # type: ignore[attr-defined]
    return fields


def walk(node: ast.AST) -> list[ast.AST]:
    """Every node below and including `node`, like `ast.walk` (in depth-first order, not
    breadth-first) at a third of its cost: for the hot paths that only collect or test."""
    out: list[ast.AST] = []
    stack = [node]
    pop, add = stack.pop, out.append
    node_type = ast.AST
    fields_of = _WALKED_FIELDS
    while stack:
        current = pop()
        add(current)
        kind = type(current)
        fields = fields_of.get(kind)
        # The fields that can hold children, per node type (read once): a Name's `id`, an
        # Attribute's `attr`, a Constant's value are skipped without a look-up (issue 14).
        for name in fields if fields is not None else _walked_fields(kind):
            value = getattr(current, name, None)
            if isinstance(value, node_type):
                stack.append(value)
            elif isinstance(value, list):
                stack += [item for item in value if isinstance(item, node_type)]
    return out


# The last few functions walked: one handler's body is asked about by several helpers in a
# row (writes, returns, credential checks, limiter calls). The entry holds the function
# node itself, so its id cannot be reused while the entry lives.
_OWN_NODES: dict[int, tuple[ast.AST, list[ast.AST]]] = {}
_OWN_NODES_KEPT = 8


def own_nodes(function: ast.AST) -> list[ast.AST]:
    """The nodes of a function's own body (and signature), not of functions nested in it."""
    cached = _OWN_NODES.get(id(function))
    if cached is not None and cached[0] is function:
        return list(cached[1])
    nodes = nodes_within(ast.iter_child_nodes(function))
    if len(_OWN_NODES) >= _OWN_NODES_KEPT:
        del _OWN_NODES[next(iter(_OWN_NODES))]
    _OWN_NODES[id(function)] = (function, nodes)
    return list(nodes)


def own_returns(func: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.Return]:
    """The `return` statements of the function's own body, found through its statements
    only (every function of every file is asked: expressions are not walked)."""
    out: list[ast.Return] = []
    stack: list[ast.stmt] = list(func.body)
    while stack:
        stmt = stack.pop()
        if isinstance(stmt, ast.Return):
            out.append(stmt)
        elif not isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            for name in ("body", "orelse", "finalbody", "handlers", "cases"):
                block = getattr(stmt, name, None)
                if isinstance(block, list):
                    stack += [b for b in block if isinstance(b, ast.stmt)] + [
                        s for h in block if isinstance(h, ast.excepthandler | ast.match_case)
                        for s in h.body]
    return out


def call_chain(expr: ast.AST) -> tuple[list[str], ast.AST]:
    """Method names of a call chain, innermost first, and its root."""
    names: list[str] = []
    node = expr
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        else:
            break
    names.reverse()
    return names, node


# Subscripts whose first argument is the annotated type itself: `Optional[X]`, `Annotated[X, …]`,
# `Union[X, None]`. Matched on the last name only, as `typing.Optional` and a bare import alike.
_TRANSPARENT_WRAPPERS = frozenset({"Optional", "Annotated", "Union"})


def annotation_core(annotation: ast.AST | None) -> ast.expr | None:
    """The one type an annotation is about, with `None` alternatives, `Optional`, `Annotated`
    metadata and string quotes taken away: `X`, `Optional[X]`, `X | None`, `Union[X, None]`,
    `Annotated[X, Depends(...)]`, `"X"` all give `X`. A union of several types gives None."""
    node = annotation
    for _ in range(8):  # nesting depth a real annotation never reaches
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                node = ast.parse(node.value, mode="eval").body
            except SyntaxError:
                return None
            continue
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            parts = [p for p in (node.left, node.right) if not _is_none(p)]
            if len(parts) != 1:
                return None
            node = parts[0]
            continue
        if isinstance(node, ast.Subscript):
            head = node.value
            last = head.attr if isinstance(head, ast.Attribute) else getattr(head, "id", "")
            if last not in _TRANSPARENT_WRAPPERS:
                return node
            inner = node.slice
            elts = inner.elts if isinstance(inner, ast.Tuple) else [inner]
            if last == "Annotated":
                node = elts[0] if elts else None
                continue
            parts = [e for e in elts if not _is_none(e)]
            if len(parts) != 1:
                return None
            node = parts[0]
            continue
        return node if isinstance(node, ast.expr) else None
    return None


def _is_none(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is None
