"""DRF routers handed to project functions through an app registry (shuup's `provides`).

A reusable Django app declares the functions that fill the API in its AppConfig:

    provides = {"api_populator": ["shop.core.api:populate_core_api"]}

and the project's router calls each of them with itself:

    class AutoRouter(routers.DefaultRouter):
        def populate(self):
            for func in get_provide_objects("api_populator"):
                func(router=self)

while `def populate_core_api(router): router.register("shop/product", ProductViewSet)`
registers on whatever router it is given. Per file, this module records:

- `ProvidesFact`: a `provides = {category: ["module:attr", ...]}` dict literal (strings, or
  `__name__ + ".api:f"` in the module the dict is written in), each entry as a dotted name;
- `RegistryCallFact`: a call of the loop variable of `for func in <call>("category")`, with
  the router-like arguments it passes (`self` of a method: every object built from that
  class);
- the `router.register(prefix, ViewSet)` calls on a function's parameter in a file that
  imports no framework (frameworks/django reads them in the others).

In the project phase each registry call becomes one call of every function the category
names (call_bindings.CallArgFact), so the parameter stands for the router like any other
argument; a dotted name that names no project function binds nothing. A router parameter
that no call reaches still serves its viewsets, below `{?}` (routes.merge_routes keeps those
registrations only when the registered class is a DRF viewset through its hierarchy).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .call_bindings import CallArgFact, reference
from .common import literal_str, this_module

if TYPE_CHECKING:
    from ...context import FileContext
    from .routes import OwnerFact

REGISTRY_NAME = "provides"


@dataclass(frozen=True)
class ProvidesFact:
    category: str
    targets: tuple[str, ...]  # dotted names: "shop.core.api.populate_core_api"
    file: str
    line: int


@dataclass(frozen=True)
class RegistryCallFact:
    category: str
    # (position as digits, or keyword name; reference). `self:<module.Class>` for `self`.
    args: tuple[tuple[str, str], ...]
    file: str
    line: int


# -- per file --------------------------------------------------------------------------------
def _entry(ctx: FileContext, node: ast.expr) -> str | None:
    """`"shop.core.api:populate_core_api"` or `__name__ + ".api:populate"`: the dotted name."""
    text = literal_str(node)
    if text is None and isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and \
            isinstance(node.left, ast.Name) and node.left.id == "__name__":
        tail = literal_str(node.right)
        text = f"{this_module(ctx)}{tail}" if tail is not None else None
    if not text or text.count(":") != 1:
        return None
    module, attr = text.split(":")
    if not module or not attr.isidentifier():
        return None
    return f"{module}.{attr}"


def provides_facts(ctx: FileContext, node: ast.Assign | ast.AugAssign) -> list[ProvidesFact]:
    """`provides = {"api_populator": ["mod:func", ...], ...}`: one fact per category."""
    if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(
            node.targets[0], ast.Name) and node.targets[0].id == REGISTRY_NAME and
            isinstance(node.value, ast.Dict)):
        return []
    out: list[ProvidesFact] = []
    for key, value in zip(node.value.keys, node.value.values, strict=False):
        category = literal_str(key) if key is not None else None
        if category is None or not isinstance(value, ast.List | ast.Tuple):
            continue
        targets = tuple(t for t in (_entry(ctx, e) for e in value.elts) if t)
        if targets:
            out.append(ProvidesFact(category, targets, ctx.path, value.lineno))
    return out


def _loop_category(ctx: FileContext, func: ast.expr) -> str | None:
    """`func` bound only by `for func in get_provide_objects("api_populator")`: the category."""
    if not isinstance(func, ast.Name):
        return None
    bindings = ctx.semantic.lookup(func.id, func)[1]
    if not bindings or not all(b.kind == "for" for b in bindings):
        return None
    source = bindings[0].value
    if not (isinstance(source, ast.Call) and len(source.args) == 1 and not source.keywords):
        return None
    return literal_str(source.args[0])


def _self_class(ctx: FileContext, expr: ast.expr) -> str | None:
    """`self` in a method: the enclosing class, by qualified name."""
    if not (isinstance(expr, ast.Name) and expr.id == "self"):
        return None
    cls = next((a for a in ctx.semantic.ancestors(expr) if isinstance(a, ast.ClassDef)), None)
    return f"{this_module(ctx)}.{cls.name}" if cls is not None else None


def registry_call(ctx: FileContext, call: ast.Call) -> list[RegistryCallFact]:
    """`func(router=self)` in `for func in get_provide_objects("api_populator"):`."""
    if not isinstance(call.func, ast.Name) or not (call.args or call.keywords):
        return []
    category = _loop_category(ctx, call.func)
    if category is None:
        return []
    args: list[tuple[str, str]] = []
    for key, arg in [*((str(i), a) for i, a in enumerate(call.args)),
                     *((k.arg, k.value) for k in call.keywords if k.arg)]:
        if isinstance(arg, ast.Starred):
            break
        cls = _self_class(ctx, arg)
        ref = f"self:{cls}" if cls else (reference(ctx, arg) if isinstance(
            arg, ast.Name | ast.Attribute) else None)
        if ref:
            args.append((key, ref))
    if not args:
        return []
    return [RegistryCallFact(category, tuple(args), ctx.path, call.lineno)]


def parameter_register(ctx: FileContext, call: ast.Call) -> list[object]:
    """`router.register("shop/product", ProductViewSet)` on a parameter of the enclosing
    function, on a router imported from another module or on one built here, in a file that
    imports no framework (a populator or api/urls module that only imports its viewsets and
    the router): the same fact frameworks/django records in the others."""
    from .django import _router_register

    receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
    if not isinstance(receiver, ast.Name):
        return []
    bindings = ctx.semantic.lookup(receiver.id, receiver)[1]
    if not bindings or (not all(b.kind == "param" for b in bindings) and not all(
            b.kind == "import" and "." in b.qualified for b in bindings) and not all(
            b.kind == "assign" and isinstance(b.value, ast.Call) for b in bindings)):
        return []
    # A parameter, a router shared from another module (`from project.api.urls import
    # router`), or one built here from a project router class (`routers.ListPatchRouter()`,
    # _router_register checks the class name): the project phase keeps it only on a router
    # object it knows.
    return _router_register(ctx, call)


# -- project phase ---------------------------------------------------------------------------
def registry_calls(facts: dict[str, list[Any]], owners: dict[str, OwnerFact]
                   ) -> list[CallArgFact]:
    """Each registry call as a call of every function its category names; `self` stands for
    every router built from the method's class (found among the router objects)."""
    from .routes import Resolver

    by_category: dict[str, list[str]] = {}
    for fact in facts.get("registry_provides", []):
        by_category.setdefault(fact.category, []).extend(fact.targets)
    classes: dict[str, list[str]] = {}
    for owner in sorted(owners.values(), key=lambda o: o.name):
        if owner.raw:
            classes.setdefault(owner.raw[0], []).append(owner.name)
    class_resolver = Resolver(sorted(classes))
    out: list[CallArgFact] = []
    for call in facts.get("registry_call", []):
        targets = by_category.get(call.category, [])
        if not targets:
            continue
        args: list[tuple[str, str]] = []
        for key, ref in call.args:
            if ref.startswith("self:"):
                found = class_resolver.find(ref[len("self:"):])
                args += [(key, name) for name in classes.get(found or "", [])]
            else:
                args.append((key, ref))
        for target in dict.fromkeys(targets):
            if args:
                out.append(CallArgFact(target, tuple(args), call.file, call.line))
    return out


__all__ = ["ProvidesFact", "RegistryCallFact", "parameter_register", "provides_facts",
           "registry_call", "registry_calls"]
