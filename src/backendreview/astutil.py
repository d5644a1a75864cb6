"""Small ast helpers that several rules need."""

from __future__ import annotations

import ast
from collections.abc import Iterable

_NESTED_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def nodes_within(roots: Iterable[ast.AST]) -> list[ast.AST]:
    """`roots` and every node below them in source order, without descending into nested
    functions, lambdas or classes (those nodes themselves are included): what one function
    body or one except clause does when it runs."""
    out: list[ast.AST] = []
    stack: list[ast.AST] = list(reversed(list(roots)))
    while stack:
        node = stack.pop()
        out.append(node)
        if isinstance(node, _NESTED_SCOPES):
            continue
        stack.extend(reversed(list(ast.iter_child_nodes(node))))
    return out


def own_nodes(function: ast.AST) -> list[ast.AST]:
    """The nodes of a function's own body (and signature), not of functions nested in it."""
    return nodes_within(ast.iter_child_nodes(function))


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
