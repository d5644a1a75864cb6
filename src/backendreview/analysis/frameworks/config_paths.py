"""Flask routes at configured URLs (`bp.route(app.config["SECURITY_LOGIN_URL"])(login)`,
shown `{SECURITY_LOGIN_URL}` by path_text): when the project sets the key to one constant
path (`SECURITY_LOGIN_URL = "/login/"` in its settings module or a settings class), the
route shows that value. A key set to different values in different places (a testing
class, another deployment's settings) keeps its name: which one applies is not known."""

from __future__ import annotations

import ast
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from .path_format import NAME_REF
from .routes import SettingsFact

if TYPE_CHECKING:
    from ...context import FileContext

KIND = "config-path"


def constant_fact(ctx: FileContext, node: ast.Assign | ast.AugAssign) -> list[SettingsFact]:
    """`LOGIN_URL = "/login/"` at module level or in a module-level class body."""
    if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and
            isinstance(node.targets[0], ast.Name) and node.targets[0].id.isupper() and
            isinstance(node.value, ast.Constant) and isinstance(node.value.value, str) and
            node.value.value.startswith("/")):
        return []
    scope = ctx.semantic.scope_of(node)
    module = ctx.semantic.module_scope
    if scope is not module and not (isinstance(scope.node, ast.ClassDef) and
                                    ctx.semantic.scope_of(scope.node) is module):
        return []
    return [SettingsFact(KIND, f"{node.targets[0].id}={node.value.value}", "flask", ctx.path,
                         node.lineno)]


def resolve_config_paths(facts: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """Flask route paths with their configured keys replaced by the project's one value."""
    values: dict[str, set[str]] = {}
    for fact in facts.get("settings", []):
        if fact.key == KIND:
            key, _, value = fact.value.partition("=")
            values.setdefault(key, set()).add(value)
    known = {k: next(iter(v)) for k, v in values.items() if len(v) == 1}
    if not known:
        return facts

    def fill(path: str) -> str:
        # `{settings.LOGIN_URL}` too: the key is the name, whatever it is read through.
        return NAME_REF.sub(lambda m: known.get(m[2], m[0]), path)

    routes = [replace(r, path=fill(r.path)) if r.framework == "flask" and r.path and
              "{" in r.path else r for r in facts.get("route", [])]
    return {**facts, "route": routes}
