"""Apps and routers held in instance attributes.

    class TrackingRouter:
        def __init__(self, registry):
            self.router = APIRouter()
            self.router.add_api_route("/{uri}/get-resource/", self.get_resource, methods=["POST"])

    tracking = TrackingRouter(registry)
    app.include_router(tracking.router, prefix="/tracking")

The router is "attribute `router` of every `TrackingRouter` object": one name,
`<module>.TrackingRouter.router`, for the object built in the class's methods (`self.router`),
for the routes declared on it in any method of the class (also in functions nested in one),
and for `obj.router` / `TrackingRouter(...).router` where `obj` is bound once to an instance
of that class. The class is the one the code names at the constructor call (imported or
local; re-exports are followed in the project phase like any other name). An instance whose
class is not known (a parameter, a value bound more than once) stays unresolved.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from .common import analyze_handler, object_name, this_module

if TYPE_CHECKING:
    from ...context import FileContext
    from .routes import HandlerInfo

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def enclosing_class(ctx: FileContext, node: ast.AST) -> ast.ClassDef | None:
    for anc in ctx.semantic.ancestors(node):
        if isinstance(anc, ast.ClassDef):
            return anc
    return None


def self_attribute(ctx: FileContext, expr: ast.AST) -> str | None:
    """`self.app` in a method of class `Endpoint` (or in a function nested in one):
    `<module>.Endpoint.app`, the attribute of every object of the class."""
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and \
            expr.value.id == "self":
        cls = enclosing_class(ctx, expr)
        if cls is not None:
            return f"{this_module(ctx)}.{cls.name}.{expr.attr}"
    return None


def held_owner(ctx: FileContext, expr: ast.AST,
               builds_owner: Callable[[ast.expr], bool]) -> str | None:
    """`self.router` where the enclosing class assigns that attribute only objects
    `builds_owner` accepts (`self.router = APIRouter(...)` in `__init__`), at least once.
    A class that also rebinds the attribute to anything else (`self.router = other`) holds
    no router we can name."""
    found = _self_attribute_of_class(ctx, expr)
    if found is None:
        return None
    name, cls, attr = found
    values = [node.value for node in _assignments(cls, attr) if node.value is not None]
    if values and all(builds_owner(v) for v in values):
        return name
    return None


def inherited_owner(ctx: FileContext, expr: ast.AST) -> str | None:
    """`self.router` in a class that never assigns it but derives from another class: the
    attribute of this class's objects, `<module>.Sub.router`, which the project phase finds
    held by a class of its MRO (`inherited_mounts`)."""
    found = _self_attribute_of_class(ctx, expr)
    if found is None:
        return None
    name, cls, attr = found
    if not any(not (isinstance(b, ast.Name) and b.id == "object") for b in cls.bases):
        return None
    if _assignments(cls, attr):
        return None
    return name


def _self_attribute_of_class(ctx: FileContext, expr: ast.AST
                             ) -> tuple[str, ast.ClassDef, str] | None:
    """`self.<attr>` in a method: its name as this class's objects' attribute, the class,
    and the attribute."""
    name = self_attribute(ctx, expr)
    if name is None:
        return None
    assert isinstance(expr, ast.Attribute)
    cls = enclosing_class(ctx, expr)
    assert cls is not None
    return name, cls, expr.attr


def _assignments(cls: ast.ClassDef, attr: str) -> list[ast.Assign | ast.AnnAssign]:
    """Every `self.<attr> = …` / `self.<attr>: T [= …]` anywhere in the class."""
    return [node for node in ast.walk(cls) if isinstance(node, ast.Assign | ast.AnnAssign)
            and any(_is_self_attr(t, attr) for t in _targets(node))]


def _targets(node: ast.Assign | ast.AnnAssign) -> list[ast.expr]:
    return list(node.targets) if isinstance(node, ast.Assign) else [node.target]


def _is_self_attr(target: ast.expr, attr: str) -> bool:
    return isinstance(target, ast.Attribute) and target.attr == attr and isinstance(
        target.value, ast.Name) and target.value.id == "self"


def instance_attribute(ctx: FileContext, expr: ast.AST | None) -> str | None:
    """`Endpoint().app`, or `ep.app` with `ep` bound once to `Endpoint(...)`:
    `<Endpoint's qualified name>.app`. Anything else: None."""
    if not isinstance(expr, ast.Attribute):
        return None
    value = expr.value
    if isinstance(value, ast.Name):
        bindings = ctx.semantic.lookup(value.id, value)[1]
        if len(bindings) != 1 or not isinstance(bindings[0].value, ast.Call) or \
                bindings[0].kind != "assign":
            return None
        value = bindings[0].value
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name | ast.Attribute):
        cls = object_name(ctx, value.func)
        return f"{cls}.{expr.attr}" if cls else None
    return None


def self_method_handler(ctx: FileContext, handler: ast.AST | None) -> HandlerInfo | None:
    """`self.get_user` handed over as a handler in a method of a class: that class's method,
    read like any handler (named `Class.method`)."""
    if not (isinstance(handler, ast.Attribute) and isinstance(handler.value, ast.Name) and
            handler.value.id == "self"):
        return None
    cls = enclosing_class(ctx, handler)
    if cls is None:
        return None
    method = next((stmt for stmt in cls.body if isinstance(stmt, _FUNCTIONS) and
                   stmt.name == handler.attr), None)
    if method is None:
        return None
    return replace(analyze_handler(ctx, method), name=f"{cls.name}.{method.name}")


def inherited_mounts(facts: dict[str, list[Any]], mounts: list[Any], route_facts: list[Any]
                     ) -> list[Any]:
    """`Sub.router`, named by a route declared in `Sub` or by an include of a `Sub` object's
    router, where `Sub` holds no router of its own but a class of its MRO does
    (`Base.router`, built in `Base.__init__`): a `Sub` object's router is that one, so the
    base's routes hang below it (an empty-prefix mount). Through the program model's class
    hierarchy, across modules; a class it does not know names nothing."""
    from ..program import FACT_KIND, program_of
    from .routes import MountFact, Resolver

    frameworks = ("fastapi", "flask")
    held = sorted({o.name for o in facts.get("route_owner", []) if o.framework in frameworks})
    if not facts.get(FACT_KIND) or not held:
        return []
    program = program_of(facts)
    resolver = Resolver(held)
    flask_held = {o.name for o in facts.get("route_owner", []) if o.framework == "flask"}
    names = {m.child for m in mounts if m.child and not m.child.startswith("call:")}
    names |= {r.owner for r in route_facts if r.owner and (
        r.framework == "fastapi" or r.inherited_owner)}
    out: list[Any] = []
    for name in sorted(names):
        if "." not in name or resolver.find(name) is not None:
            continue
        cls_ref, attr = name.rsplit(".", 1)
        cls = program.class_of(cls_ref)
        if cls is None:
            continue
        for base in program.mro(cls)[1:]:
            found = resolver.find(f"{base.qualname}.{attr}")
            if found is not None:
                if found in flask_held:
                    # A Flask app built in the base's `__init__` is the subclass object's
                    # app, served on its own: the subclass's routes join it.
                    out.append(MountFact(found, name, "", "flask", base.path, base.line))
                else:
                    out.append(MountFact(name, found, "", "fastapi", base.path, base.line))
                break
    return out


__all__ = [
    "enclosing_class",
    "held_owner",
    "inherited_mounts",
    "inherited_owner",
    "instance_attribute",
    "self_attribute",
    "self_method_handler",
]
