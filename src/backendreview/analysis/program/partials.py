"""`functools.partial(f, *args, **kw)`: a callable that calls `f` later, with the bound
arguments first and the call's own after them (a keyword given at the call replaces the
bound one). Call resolution (extract._callee) and the route recognisers
(frameworks/collector) read a partial as the call of `f` it stands for, so
`functools.partial(app.register_blueprint, api, url_prefix="/api")` registers like the
direct call. Only a partial bound to one name, or called where it is made, is followed:
anything else (a partial rebound, passed around and called under another name) stays
as unresolved as any other call."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ...context import FileContext

PARTIAL_NAMES = frozenset({"functools.partial"})


def may_hold_partials(ctx: FileContext) -> bool:
    """Whether the file can make a partial at all: asked of every call of every file."""
    return ctx.memo("partial-text", ctx.tree, lambda: "partial" in ctx.text)


def is_partial(ctx: FileContext, call: ast.AST) -> bool:
    """`functools.partial(f, ...)` with the callable written out (not `partial(*args)`)."""
    return isinstance(call, ast.Call) and bool(call.args) and not isinstance(
        call.args[0], ast.Starred) and ctx.qualified_name(call.func) in PARTIAL_NAMES


def applied(partial: ast.Call, later: ast.Call | None = None) -> ast.Call:
    """The call the partial makes when called as `later` (or with no arguments): a node
    outside the tree (no parent) whose parts are the written ones, placed at `later` (the
    partial when no call is seen)."""
    keywords = {k.arg: k for k in partial.keywords if k.arg}
    unpacked = [k for k in partial.keywords if k.arg is None]
    args = list(partial.args[1:])
    if later is not None:
        args += later.args
        keywords.update({k.arg: k for k in later.keywords if k.arg})
        unpacked += [k for k in later.keywords if k.arg is None]
    call = ast.Call(func=partial.args[0], args=args,
                    keywords=[*keywords.values(), *unpacked])
    return ast.copy_location(call, later if later is not None else partial)


def bound_partial(ctx: FileContext, name: ast.AST) -> ast.Call | None:
    """The partial a name stands for: its one binding assigns a `functools.partial(...)`."""
    if not isinstance(name, ast.Name) or not may_hold_partials(ctx):
        return None
    bindings = ctx.semantic.lookup(name.id, name)[1]
    if len(bindings) != 1 or bindings[0].kind not in ("assign", "annassign"):
        return None
    value = bindings[0].value
    return value if isinstance(value, ast.Call) and is_partial(ctx, value) else None


def through_partials(ctx: FileContext, call: ast.Call) -> ast.Call | None:
    """The call `call` makes through partials (`call` itself when it calls none); None for
    partials of partials deeper than any real code nests them (or a cycle of names)."""
    for _ in range(8):
        partial = call.func if is_partial(ctx, call.func) else bound_partial(ctx, call.func)
        if partial is None:
            return call
        call = applied(partial, call)  # type: ignore[arg-type]
    return None


def later_calls(ctx: FileContext, partial: ast.Call) -> list[ast.Call]:
    """The calls of the partial seen in its file: `partial(...)(...)` where it is made, or
    `name(...)` of the one name it is assigned to, in the scope that name is visible in."""
    parent = ctx.semantic.parent(partial)
    if isinstance(parent, ast.Call) and parent.func is partial:
        return [parent]
    if not (isinstance(parent, ast.Assign | ast.AnnAssign) and parent.value is partial):
        return []
    targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
    if len(targets) != 1 or not isinstance(targets[0], ast.Name):
        return []
    name = targets[0].id
    scope = ctx.semantic.scope_of(partial)
    return [node for node in ast.walk(scope.node)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and
            node.func.id == name and bound_partial(ctx, node.func) is partial]


def calls_made(ctx: FileContext, partial: ast.Call) -> list[ast.Call]:
    """What the partial calls, once per call of it seen in the file; once with the bound
    arguments only when it is kept (in a list, a registry) and called out of sight."""
    seen = later_calls(ctx, partial)
    return [applied(partial, call) for call in seen] if seen else [applied(partial)]


__all__ = ["PARTIAL_NAMES", "applied", "bound_partial", "calls_made", "is_partial",
           "later_calls", "may_hold_partials", "through_partials"]
