"""URL includes registered in a module-level loop over a literal table (openwisp's
`url_metadata`):

    url_metadata = [{"regexp": "api/v1/", "app": "pkg.config",
                     "include": {"module": "{app}.api.urls", "namespace": "config_api"}}, ...]
    for meta in url_metadata:
        module = meta["include"].pop("module")
        if "app" in meta:
            if meta["app"] not in settings.INSTALLED_APPS:
                continue
            module = module.format(**meta)
        urlpatterns.append(path(meta["regexp"], include(module, **meta["include"])))

Each item of the table is run through the loop body up to the registration with the
literal-table evaluator (analysis/values.table_value): item keys (`meta["k"]`, `.get("k")`,
`.pop("k")`), `str.format(**meta)`, locals assigned in the body, and `"k" in meta`. A
condition it cannot decide that only skips the item (`if ... : continue`) is taken as not
skipping it: the table lists what the project serves when its apps are installed. Anything
else it cannot evaluate makes the whole loop unknown (the mount keeps `{?}`), and a loop over
anything but a literal list of literal dicts is never read this way.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from ..values import UnknownValue, table_value

if TYPE_CHECKING:
    from ...context import FileContext


class _Skip(Exception):
    """The item reaches `continue` before the registration."""


def _loop_of(ctx: FileContext, call: ast.Call) -> ast.For | None:
    node: ast.AST | None = call
    while node is not None:
        parent = ctx.semantic.parent(node)
        if isinstance(parent, ast.For):
            return parent if ctx.semantic.parent(parent) is ctx.tree else None
        if isinstance(parent, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef |
                      ast.Module) or parent is None:
            return None
        node = parent
    return None


def _table(ctx: FileContext, loop: ast.For) -> list[dict[str, Any]] | None:
    source = loop.iter
    if isinstance(source, ast.Name):
        bindings = ctx.semantic.lookup(source.id, source)[1]
        if len(bindings) != 1 or bindings[0].kind != "assign":
            return None
        source = bindings[0].value
    if not isinstance(source, ast.List | ast.Tuple):
        return None
    try:
        items = [ast.literal_eval(e) for e in source.elts]
    except (ValueError, SyntaxError, TypeError):
        return None
    return items if all(isinstance(i, dict) for i in items) else None


def _only_skips(body: list[ast.stmt]) -> bool:
    return all(isinstance(s, ast.Continue | ast.Pass) for s in body)


def _run(body: list[ast.stmt], target: ast.stmt, env: dict[str, Any]) -> bool:
    """Run statements until `target` (True when reached)."""
    for stmt in body:
        if stmt is target:
            return True
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(
                stmt.targets[0], ast.Name):
            env[stmt.targets[0].id] = table_value(stmt.value, env)
        elif isinstance(stmt, ast.If):
            inside = any(sub is target for sub in ast.walk(stmt))
            try:
                test = bool(table_value(stmt.test, env))
            except UnknownValue:
                if inside or not (_only_skips(stmt.body) and _only_skips(stmt.orelse)):
                    raise
                continue  # `if app not installed: continue`: listed as served
            if _run(stmt.body if test else stmt.orelse, target, env):
                return True
        elif isinstance(stmt, ast.Continue):
            raise _Skip
        elif any(sub is target for sub in ast.walk(stmt)):
            raise UnknownValue
        elif isinstance(stmt, ast.Expr | ast.Pass):
            continue
        else:
            raise UnknownValue
    return False


def looped_includes(ctx: FileContext, call: ast.Call, route: ast.AST | None,
                    child: ast.AST | None) -> list[tuple[str, str]] | None:
    """(prefix, included module) per item of the table the loop around `call` walks; None
    when the call is in no such loop or any item cannot be told."""
    loop = _loop_of(ctx, call)
    if loop is None or not isinstance(loop.target, ast.Name) or route is None or \
            child is None:
        return None
    items = _table(ctx, loop)
    if not items:
        return None
    top = next((s for s in loop.body if any(sub is call for sub in ast.walk(s))), None)
    if top is None:
        return None
    out: list[tuple[str, str]] = []
    for item in items:
        env: dict[str, Any] = {loop.target.id: _copy(item)}
        try:
            if not _run(loop.body, _innermost(top, call), env):
                return None
            prefix, module = table_value(route, env), table_value(child, env)
        except _Skip:
            continue
        except UnknownValue:
            return None
        if not isinstance(prefix, str) or not isinstance(module, str):
            return None
        out.append((prefix, module))
    return out


def _innermost(top: ast.stmt, call: ast.Call) -> ast.stmt:
    """The statement holding `call` innermost (inside the ifs of the loop body)."""
    for sub in ast.walk(top):
        if isinstance(sub, ast.If):
            for stmt in [*sub.body, *sub.orelse]:
                if not isinstance(stmt, ast.If) and any(n is call for n in ast.walk(stmt)):
                    return stmt
    return top


def _copy(value: Any) -> Any:
    """A deep copy of the literal item (`.pop()` mutates it per run)."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


__all__ = ["looped_includes"]
