"""What a function puts into a collection it builds itself (a local dict, list or set).

A value read out of such a collection (`selected[key]`, `", ".join(names)`) is one of the
values put in: at its construction, and by every later write (`selected[k] = v`,
`names.append(v)`, `names += [...]`). `written_into` lists those later writes, so that a
rule can judge each like the construction's values; it answers None when the collection may
change in a way the function does not show (handed to a call that may fill it, aliased,
written through a tuple target or an augmented subscript).
"""

from __future__ import annotations

import ast
from typing import Any

from ..astutil import walk

# Methods that only read a collection, or take items out of it (nothing new comes in).
_READS = frozenset({"values", "keys", "items", "get", "copy", "count", "index", "pop",
                    "popitem", "remove", "discard", "clear"})
# Methods that put their arguments (after the first, for these) into the collection.
_KEYED_WRITES = frozenset({"insert", "setdefault"})
_WRITES = frozenset({"append", "add", "extend", "update", *_KEYED_WRITES})
# Calls that read the collection handed to them and never change it.
_READERS = frozenset({"join", "len", "sorted", "list", "tuple", "set", "frozenset", "any",
                      "all", "enumerate", "zip", "reversed", "min", "max", "format",
                      "dict", "map", "filter", "iter", "str", "repr", "isinstance"})


# (id(func), name) -> (func, answer): a function is asked once per collection, however many
# parts of however many statements read it. The node is kept to tell a reused id apart.
_ANSWERS: dict[tuple[int, str], tuple[ast.AST, list[ast.expr] | None]] = {}
_ANSWERS_KEPT = 4096


def written_into(ctx: Any, func: ast.AST, name: str) -> list[ast.expr] | None:
    """The values `func` writes into its local collection `name` after binding it (the
    bindings themselves are the caller's to judge); None when the collection may change
    in a way the code does not show."""
    key = (id(func), name)
    cached = _ANSWERS.get(key)
    if cached is not None and cached[0] is func:
        return cached[1]
    if len(_ANSWERS) >= _ANSWERS_KEPT:
        _ANSWERS.clear()
    found = _writes(ctx, func, name)
    _ANSWERS[key] = (func, found)
    return found


def _writes(ctx: Any, func: ast.AST, name: str) -> list[ast.expr] | None:
    writes: list[ast.expr] = []
    for node in walk(func):
        if not isinstance(node, ast.Name) or node.id != name:
            continue
        parent = ctx.semantic.parent(node)
        if isinstance(node.ctx, ast.Store):
            if isinstance(parent, ast.AugAssign):
                writes.append(parent.value)  # `names += [...]`
            continue  # a binding (assignment, loop target): judged as a binding
        if isinstance(parent, ast.Subscript) and parent.value is node:
            if isinstance(parent.ctx, ast.Load | ast.Del):
                continue
            holder = ctx.semantic.parent(parent)
            if isinstance(holder, ast.Assign) and len(holder.targets) == 1:
                writes.append(holder.value)
                continue
            return None  # `name[k] += v`, `for name[k] in ...`, a tuple target
        if isinstance(parent, ast.Attribute) and parent.value is node:
            call = ctx.semantic.parent(parent)
            if not isinstance(call, ast.Call) or call.func is not parent:
                return None  # a method handed on (`add = names.append`)
            if parent.attr in _READS:
                continue
            if parent.attr in _WRITES:
                args = call.args[1:] if parent.attr in _KEYED_WRITES else call.args
                writes += [a.value if isinstance(a, ast.Starred) else a for a in args]
                writes += [k.value for k in call.keywords]
                continue
            return None
        if isinstance(parent, ast.Call) and node in parent.args:
            func_node = parent.func
            called = func_node.attr if isinstance(func_node, ast.Attribute) else (
                func_node.id if isinstance(func_node, ast.Name) else "")
            if called in _READERS:
                continue
            return None  # handed to a call that may fill it
        if isinstance(parent, ast.Assign | ast.AnnAssign | ast.NamedExpr | ast.keyword):
            return None  # an alias, or handed on by keyword
    return writes
