"""Project subclasses of `flask.Blueprint` (`class PgAdminModule(Blueprint)`, and its
subclasses across modules): `blueprint = ToolsModule("tools", __name__)` is a blueprint
whose routes and prefix count like a plain one's.

Per file, the collector cannot tell whether `ToolsModule` derives from flask's Blueprint: the
Flask recogniser emits the owner and its routes with the class they were built from
(`owner_class`), and this module keeps them in the project phase only when the program
model's class hierarchy reaches `flask.Blueprint` (a class merely named Blueprint is not
one). The prefix: `url_prefix=` at the call; else the `__init__` default of the nearest class
of the MRO that sets one (`kwargs.setdefault("url_prefix", "/" + name)`), filled with the
constructor's arguments; anything computed some other way stays unknown (`{?}`)."""

from __future__ import annotations

import ast
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from .blueprint_verbs import verb_methods
from .common import path_text
from .flask import SHORTCUTS

if TYPE_CHECKING:
    from ...context import FileContext
    from ..program.model import ProgramModel

BLUEPRINT_CLASSES = frozenset({"flask.Blueprint", "flask.blueprints.Blueprint",
                               "quart.Blueprint", "apiflask.APIBlueprint",
                               "flask_smorest.Blueprint"})

# A project subclass of the app class (`class DtaleFlask(Flask)`, built inside the
# project's `build_app()`): an app at the root whose routes count like a Flask app's, unless
# a class of its MRO overrides `route()` without handing on to flask's.
APP_CLASSES = frozenset({"flask.Flask", "flask.app.Flask", "quart.Quart", "quart.app.Quart",
                         "apiflask.APIFlask"})


@dataclass(frozen=True)
class BlueprintInitFact:
    """A class whose `__init__` sets the blueprint's url_prefix default."""

    cls: str  # qualified name of the class
    params: tuple[str, ...]  # the positional parameters after self
    # The default as parts: ("lit", text) or ("param", name); None = computed otherwise.
    parts: tuple[tuple[str, str], ...] | None
    file: str
    line: int
    # `def __init__(self, *args, **kwargs): super().__init__(*args, **kwargs)`: hands every
    # argument on unchanged (the next class of the MRO decides).
    passes_through: bool = False


def blueprint_init(ctx: FileContext, node: ast.ClassDef) -> BlueprintInitFact | None:
    """The url_prefix default an `__init__` of this class sets: `kwargs.setdefault(
    "url_prefix", ...)`, a `url_prefix=` parameter default, or `super().__init__(...,
    url_prefix=...)`."""
    from .common import this_module

    init = next((s for s in node.body if isinstance(s, ast.FunctionDef) and
                 s.name == "__init__"), None)
    if init is None or ctx.semantic.scope_of(node) is not ctx.semantic.module_scope:
        return None
    params = tuple(a.arg for a in init.args.args[1:])
    found: ast.expr | None = None
    seen = False
    defaults = init.args.defaults
    named = init.args.args[len(init.args.args) - len(defaults):]
    for arg, default in [*zip(named, defaults, strict=True),
                         *zip(init.args.kwonlyargs, init.args.kw_defaults, strict=True)]:
        if arg.arg == "url_prefix":
            seen, found = True, default
    for sub in ast.walk(init):
        if not isinstance(sub, ast.Call) or not isinstance(sub.func, ast.Attribute):
            continue
        if sub.func.attr == "setdefault" and len(sub.args) == 2 and isinstance(
                sub.args[0], ast.Constant) and sub.args[0].value == "url_prefix":
            seen, found = True, sub.args[1]
        elif sub.func.attr == "__init__":
            for kw in sub.keywords:
                if kw.arg == "url_prefix" and not (isinstance(kw.value, ast.Name) and
                                                   kw.value.id == "url_prefix"):
                    seen, found = True, kw.value
    if not seen:
        if _passes_through(init):
            return BlueprintInitFact(f"{this_module(ctx)}.{node.name}", params, None,
                                     ctx.path, node.lineno, passes_through=True)
        return None
    parts = _parts(ctx, found, set(params)) if found is not None else None
    return BlueprintInitFact(f"{this_module(ctx)}.{node.name}", params, parts, ctx.path,
                             node.lineno)


def _passes_through(init: ast.FunctionDef) -> bool:
    args = init.args
    if len(args.args) != 1 or args.vararg is None or args.kwarg is None or args.kwonlyargs:
        return False
    for sub in ast.walk(init):
        if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute) and \
                sub.func.attr == "__init__":
            return len(sub.args) == 1 and isinstance(sub.args[0], ast.Starred) and \
                isinstance(sub.args[0].value, ast.Name) and \
                sub.args[0].value.id == args.vararg.arg and len(sub.keywords) == 1 and \
                sub.keywords[0].arg is None and isinstance(sub.keywords[0].value, ast.Name) \
                and sub.keywords[0].value.id == args.kwarg.arg
    return False


def _parts(ctx: FileContext, node: ast.expr, params: set[str]
           ) -> tuple[tuple[str, str], ...] | None:
    """A string built from literals, module constants and the parameters, with `+`."""
    if isinstance(node, ast.Name) and node.id in params:
        return (("param", node.id),)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left = _parts(ctx, node.left, params)
        right = _parts(ctx, node.right, params)
        return None if left is None or right is None else left + right
    if isinstance(node, ast.Constant) and node.value is None:
        return (("lit", ""),)
    text = path_text(ctx, node) if not isinstance(node, ast.Name) or \
        node.id not in params else None
    return None if text is None else (("lit", text),)


def resolve_project_blueprints(facts: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """The facts with project-class owners kept only when their class is a Blueprint
    subclass (their prefix filled from the class), and their routes with them."""
    owners = facts.get("route_owner", [])
    routes = facts.get("route", [])
    if not any(o.owner_class for o in owners) and not any(r.owner_class for r in routes):
        return facts
    from ..program import FACT_KIND, program_of

    model = program_of(facts) if facts.get(FACT_KIND) else None
    inits = {f.cls: f for f in facts.get("blueprint_init", [])}
    verdicts: dict[str, bool] = {}

    def is_blueprint(cls: str) -> bool:
        if cls not in verdicts:
            verdicts[cls] = cls in BLUEPRINT_CLASSES or (model is not None and (
                _derives_from(model, cls, BLUEPRINT_CLASSES) or
                _library_name(model, cls) in BLUEPRINT_CLASSES))
        return verdicts[cls]

    apps: dict[str, bool] = {}

    def is_app(cls: str) -> bool:
        if cls not in apps:
            apps[cls] = model is not None and _derives_from(model, cls, APP_CLASSES) and \
                _route_registers(model, cls)
        return apps[cls]

    kept_owners = []
    for owner in owners:
        if owner.owner_class is None:
            kept_owners.append(owner)
        elif is_blueprint(owner.owner_class):
            assert model is not None
            prefix = _class_prefix(model, owner, inits) if owner.prefix_from_class \
                else owner.prefix
            kept_owners.append(replace(owner, prefix=prefix))
        elif is_app(owner.owner_class):
            kept_owners.append(replace(owner, kind="app", prefix=""))
    calls = {f.method: f for f in facts.get("self_call", [])}

    def with_verb(route: Any) -> Any:
        """`@obj.get(rule)` on a project class's instance: the methods its `get` (its own,
        followed to `self.route`, or flask's) registers the rule with; None: no route."""
        if not route.class_verb:
            return route
        assert model is not None  # kept owner classes were resolved through it
        if model.class_of(route.owner_class) is None:  # flask's class under another name
            return replace(route, methods=(SHORTCUTS[route.class_verb],))
        methods = verb_methods(model, calls, route.owner_class, route.class_verb,
                               _route_registers(model, route.owner_class))
        return None if methods is None else replace(route, methods=methods)

    kept_routes = [r for r in (with_verb(r) for r in routes if r.owner_class is None or
                               is_blueprint(r.owner_class) or is_app(r.owner_class))
                   if r is not None]
    out = dict(facts)
    out["route_owner"] = kept_owners
    out["route"] = kept_routes
    return out


def _derives_from(model: ProgramModel, ref: str, classes: frozenset[str]) -> bool:
    from ..program.model import ClassInfo

    cls = model.class_of(ref)
    if not isinstance(cls, ClassInfo):
        return False
    for item in model.mro(cls):
        for base in item.bases:
            if model.resolve(base) is not None:
                continue  # a project class: its own bases are in the MRO
            if (model.defining_name(base) or base) in classes:
                return True
    return False


def _library_name(model: ProgramModel, ref: str) -> str | None:
    """The library name a project module re-exports (`superdesk.Blueprint`, with `from
    flask import Blueprint` in superdesk/__init__.py, is `flask.Blueprint`)."""
    for followed in range(8):
        module_name, _dot, name = ref.rpartition(".")
        module = model.module_of(module_name) if module_name else None
        if module is None:
            return ref if followed else None  # out of the project: the library's name
        target = module.imports.get(name)
        if target is None:
            return None  # defined in the project: a class of its own
        ref = target
    return None


def _route_registers(model: ProgramModel, ref: str) -> bool:
    """No class of the MRO overrides `route()` with a body that never reaches flask's
    (`super().route(...)`, `self.add_url_rule(...)`): `@app.route` then registers."""
    cls = model.class_of(ref)
    if cls is None:
        return False
    found = model.method(cls, "route")
    if found is None:
        return True  # flask's own
    return any((site.callee.kind == "super" and site.callee.attr == "route") or
               (site.callee.kind == "self" and site.callee.attr == "add_url_rule")
               for site in found.calls)


def _class_prefix(model: ProgramModel, owner: Any, inits: dict[str, BlueprintInitFact]
                  ) -> str | None:
    """The url_prefix the nearest `__init__` that sets one gives these arguments; "" when
    no class of the MRO sets one (flask's own default: no prefix)."""
    cls = model.class_of(owner.owner_class)
    if cls is None:
        return None
    for item in model.mro(cls):
        init = inits.get(item.qualname)
        if init is None or init.passes_through:
            if init is None and "__init__" in item.methods:
                return None  # an `__init__` of its own may hand on other arguments
            continue
        if init.parts is None:
            return None
        args = dict(owner.ctor_args)
        out = ""
        for kind, value in init.parts:
            if kind == "lit":
                out += value
                continue
            position = str(init.params.index(value)) if value in init.params else None
            given = args.get(value, args.get(position or ""))
            if given is None:
                return None
            out += given
        return out
    return ""


__all__ = ["BLUEPRINT_CLASSES", "BlueprintInitFact", "blueprint_init",
           "resolve_project_blueprints"]
