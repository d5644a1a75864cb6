"""Apps mounted below a path by werkzeug's `DispatcherMiddleware(root_app, {"/v2":
get_v2_app(), ...})` (cloudkitty): each value, an app or a factory's result, is served below
its key, like `app.mount()`. The mapping is a dict literal in the call or a name bound once
to one; a key that is not a literal string leaves that app's routes below `{?}`."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from .call_bindings import reference
from .common import literal_str, object_name
from .routes import MountFact

if TYPE_CHECKING:
    from ...context import FileContext

DISPATCHERS = frozenset({"werkzeug.middleware.dispatcher.DispatcherMiddleware",
                         "werkzeug.wsgi.DispatcherMiddleware"})


def dispatcher_mounts(ctx: FileContext, call: ast.Call) -> list[object]:
    if (ctx.qualified_name(call.func) or "") not in DISPATCHERS or len(call.args) != 2:
        return []
    root = call.args[0]
    # `app.wsgi_app = DispatcherMiddleware(app.wsgi_app, {...})`, Flask's own idiom: the
    # mounts hang off the app whose WSGI callable is wrapped
    if isinstance(root, ast.Attribute) and root.attr == "wsgi_app":
        root = root.value
    parent = object_name(ctx, root)
    mapping: ast.AST | None = call.args[1]
    if isinstance(mapping, ast.Name):
        bindings = ctx.semantic.lookup(mapping.id, mapping)[1]
        mapping = bindings[0].value if len(bindings) == 1 and bindings[0].kind == "assign" \
            else None
    if parent is None or not isinstance(mapping, ast.Dict):
        return []
    out: list[object] = []
    for key, value in zip(mapping.keys, mapping.values, strict=False):
        child = reference(ctx, value) if key is not None else None
        if child is not None:
            out.append(MountFact(parent, child, literal_str(key), "flask", ctx.path,
                                 call.lineno))
    return out


__all__ = ["DISPATCHERS", "dispatcher_mounts"]
