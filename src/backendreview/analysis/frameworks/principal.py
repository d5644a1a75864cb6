"""flask-principal permissions as route guards. `@Permissions.FILES_DELETE.require(403)`
aborts with that status unless the signed-in identity holds the permission's needs, so the
route requires authentication. Known by what the object is — an instance of
`flask_principal.Permission` (or of a subclass of it declared in the same module), held as a
module constant or as a class attribute of a holder class — never by its name. A vendored
copy of the library (`octoprint.vendor.flask_principal`) counts as the library."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from .common import callable_name, this_module
from .routes import LIBRARY_PERMISSION, GuardFact

if TYPE_CHECKING:
    from ...context import FileContext

# Kind of the facts this module emits: resolved in routes._apply_guards against a route's
# `.require` decorators, shown as `Permissions.X.require (flask-principal)`.
PERMISSION = "permission"
PERMISSION_CLASS = "permission-class"  # a project subclass, built inline: `AppPermission(...)`
WHY = "flask-principal"


def active(ctx: FileContext) -> bool:
    return ctx.memo("flask-principal", ctx.tree, lambda: "flask_principal" in ctx.text)


def permission_classes(ctx: FileContext) -> frozenset[str]:
    """Local names of this module's Permission classes: the library's, imported under any
    name, and module-level subclasses of it (transitively, in declaration order)."""
    def build() -> frozenset[str]:
        found: set[str] = set()
        for node in ctx.tree.body:
            if isinstance(node, ast.ClassDef) and any(
                    is_permission_class(ctx, b, found) for b in node.bases):
                found.add(node.name)
        return frozenset(found)
    return ctx.memo("principal-classes", ctx.tree, build)


def is_permission_class(ctx: FileContext, expr: ast.AST, local: set[str] | frozenset[str]
                        ) -> bool:
    if isinstance(expr, ast.Name) and expr.id in local:
        return True
    return bool(LIBRARY_PERMISSION.search(callable_name(ctx, expr)))


def is_permission(ctx: FileContext, value: ast.AST | None) -> bool:
    """`Permission(RoleNeed("admin"))` or `ProjectPermission(...)`: a new Permission."""
    return isinstance(value, ast.Call) and is_permission_class(
        ctx, value.func, permission_classes(ctx))


def _held(ctx: FileContext, body: list[ast.stmt]) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    for stmt in body:
        if isinstance(stmt, ast.Assign) and is_permission(ctx, stmt.value):
            out += [(t.id, stmt.lineno) for t in stmt.targets if isinstance(t, ast.Name)]
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and \
                is_permission(ctx, stmt.value):
            out.append((stmt.target.id, stmt.lineno))
    return out


def permission_facts(ctx: FileContext) -> list[GuardFact]:
    """Per module: each module-level Permission constant (`module.ADMIN`), each project
    subclass of Permission (`module.AppPermission`), and each class holding Permission
    attributes (`module.Permissions`). A holder class stands for all its attributes:
    OctoPrint's adds plugin permissions at run time through its metaclass."""
    if not active(ctx):
        return []
    module = this_module(ctx)
    facts = [GuardFact(f"{module}.{name}", PERMISSION, WHY, ctx.path, line)
             for name, line in _held(ctx, ctx.tree.body)]
    facts += [GuardFact(f"{module}.{node.name}", PERMISSION_CLASS, WHY, ctx.path, node.lineno)
              for node in ctx.tree.body
              if isinstance(node, ast.ClassDef) and node.name in permission_classes(ctx)]
    for node in ctx.tree.body:
        if isinstance(node, ast.ClassDef) and _held(ctx, node.body):
            facts.append(GuardFact(f"{module}.{node.name}", PERMISSION, WHY, ctx.path,
                                   node.lineno))
    return facts
