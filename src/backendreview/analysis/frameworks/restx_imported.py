"""flask-restx / flask-restplus resources in modules that import neither library: the
`Api` is built in one module (`api = UDataApi(...)`) and every resource module only imports
it (`from udata.api import api`), makes its namespace (`ns = api.namespace("harvest")`) and
decorates its Resource classes (`@ns.route("/sources/")`). Nothing in such a file says the
imported object is an Api, so its registrations are candidates: kept in the project phase
only when the object they hang on resolves to an Api (or a namespace) that a flask-restx
file built; every other candidate (a project registry's `namespace()`, `@x.route` of an
object that is no Api) is dropped.

The same holds for objects built from a project class (`api_v1 = Namespace("users")` with
`class Namespace(flask_restx.Namespace)` in another module, `api = FasJsonApi(blueprint)` in
a module that imports no flask-restx): the object is an Api or a Namespace only if the
program model's class hierarchy reaches flask-restx's class (`RestxBuiltFact`), and the
registrations hanging on it are candidates like the ones above."""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from .common import kwarg, object_name, path_text, this_module
from .routes import MountFact, OwnerFact, Resolver, RouteFact

if TYPE_CHECKING:
    from ...context import FileContext


@dataclass(frozen=True)
class RestxApiFact:
    """An Api or Namespace object a flask-restx file built (`name` qualified)."""

    name: str
    file: str
    line: int


@dataclass(frozen=True)
class RestxCandidateFact:
    """Registrations that hold only if `api` is a flask-restx Api or Namespace."""

    api: str  # the imported object the registrations hang on
    namespace: str | None  # the namespace this candidate creates (it may carry routes)
    owners: tuple[OwnerFact, ...]
    mounts: tuple[MountFact, ...]
    routes: tuple[RouteFact, ...]
    file: str
    line: int


@dataclass(frozen=True)
class RestxBuiltFact:
    """`name = Cls(...)` at module level, `Cls` a project class: `api` holds the facts that
    hold if Cls derives from a flask-restx / flask-restplus Api, `namespace` the ones for a
    Namespace subclass (project phase: resolve_candidates)."""

    name: str
    cls: str
    api: tuple[object, ...]
    namespace: tuple[object, ...]
    file: str
    line: int


# What an object must be used for in its file to be recorded as a possible Api / Namespace.
_RESTX_USES = (".route(", ".add_namespace(", ".add_resource(", ".namespace(")
BUILT_REGISTRATIONS = frozenset({"add_namespace", "add_resource", "namespace"})


def may_build(ctx: FileContext) -> bool:
    """The file writes a use of an Api / Namespace object (one look at the text)."""
    return any(use in ctx.text for use in _RESTX_USES)


def _project_class_call(ctx: FileContext, call: ast.Call) -> str | None:
    """The qualified name of the class `call` builds when it is a project class: defined at
    module level in this file or imported by name from a module that is not the standard
    library (the project phase decides whether it is one of the project's)."""
    from .flask_rest import APIS, NAMESPACES

    func = call.func
    if not isinstance(func, ast.Name) or not func.id[:1].isupper():
        return None
    _, bindings = ctx.semantic.lookup(func.id, func)
    if not bindings or not all(b.kind in ("import", "class") for b in bindings):
        return None
    if any(b.kind == "import" and not isinstance(b.node, ast.ImportFrom) for b in bindings):
        return None
    name = object_name(ctx, func)
    if not name or name in APIS or name in NAMESPACES or \
            name.lstrip(".").split(".", 1)[0] in sys.stdlib_module_names:
        return None
    return name


def _built_object(ctx: FileContext, expr: ast.AST) -> str | None:
    """`expr` names a module-level object built from a project class (`api_v1 =
    Namespace("users")`): its qualified name."""
    from .common import bound_call

    if not isinstance(expr, ast.Name):
        return None
    call = bound_call(ctx, expr)
    if call is None or ctx.semantic.scope_of(call) is not ctx.semantic.module_scope or \
            _project_class_call(ctx, call) is None:
        return None
    from .flask_rest import _kind

    return None if _kind(ctx, expr) is not None else object_name(ctx, expr)


def built_object(ctx: FileContext, call: ast.Call) -> list[RestxBuiltFact]:
    """`x = Cls(...)` at module level, Cls a project class, `x` used in this file as an Api
    or Namespace is (`x.route(`, `x.add_namespace(`...): both readings, one kept later."""
    from .common import assigned_target
    from .flask_rest import _kind, _owner

    target = assigned_target(ctx, call)
    if not isinstance(target, ast.Name) or not any(
            target.id + use in ctx.text for use in _RESTX_USES):
        return []
    cls = _project_class_call(ctx, call)
    if cls is None or ctx.semantic.scope_of(call) is not ctx.semantic.module_scope or \
            _kind(ctx, target) is not None:
        return []
    name = object_name(ctx, target)
    if name is None:
        return []
    api = tuple(f for f in _owner(ctx, call, target, "api") if not isinstance(f, RestxApiFact))
    namespace = tuple(f for f in _owner(ctx, call, target, "ns")
                      if not isinstance(f, RestxApiFact))
    return [RestxBuiltFact(name, cls, api, namespace, ctx.path, call.lineno)]


def built_registration(ctx: FileContext, call: ast.Call) -> list[RestxCandidateFact]:
    """`x.add_namespace(ns, path=...)`, `x.namespace(...)`, `x.add_resource(R, *urls)` on an
    object built from a project class: candidates kept when `x` is an Api / Namespace."""
    from .flask_rest import _add_resource, namespace_owner

    if not (isinstance(call.func, ast.Attribute) and call.args):
        return []
    api = _built_object(ctx, call.func.value)
    if api is None:
        return []
    attr = call.func.attr
    if attr == "add_namespace":
        path = kwarg(call, "path") or (call.args[1] if len(call.args) > 1 else None)
        child = object_name(ctx, call.args[0])
        if child is None:
            return []
        mount = MountFact(api, child, "", "flask", ctx.path, call.lineno) if path is None \
            else MountFact(api, child, path_text(ctx, path), "flask", ctx.path, call.lineno,
                           replaces_prefix=True)
        return [RestxCandidateFact(api, None, (), (mount,), (), ctx.path, call.lineno)]
    if attr == "add_resource":
        routes = tuple(r for r in _add_resource(ctx, call, api) if isinstance(r, RouteFact))
        return [RestxCandidateFact(api, None, (), (), routes, ctx.path, call.lineno)] \
            if routes else []
    if attr == "namespace":
        from .common import assigned_target

        target = assigned_target(ctx, call)
        name = object_name(ctx, target) if isinstance(target, ast.Name) else None
        if name is None:
            return []
        owner = namespace_owner(ctx, call, name)
        mount = MountFact(api, name, "", "flask", ctx.path, call.lineno)
        return [RestxCandidateFact(api, name, (owner,), (mount,), (), ctx.path, call.lineno)]
    return []


def _imported_object(ctx: FileContext, expr: ast.AST) -> str | None:
    """The qualified name of an object imported by name from a project module (`from
    udata.api import api`): not a module (`import x`), not the standard library."""
    if not isinstance(expr, ast.Name):
        return None
    _, bindings = ctx.semantic.lookup(expr.id, expr)
    if not bindings or not all(b.kind == "import" and isinstance(b.node, ast.ImportFrom)
                               for b in bindings):
        return None
    name = object_name(ctx, expr)
    if not name or name.lstrip(".").split(".", 1)[0] in sys.stdlib_module_names:
        return None
    return name


def _namespace_call(ctx: FileContext, expr: ast.AST) -> tuple[str, ast.Call] | None:
    """`ns` bound once, at module level, to `<imported>.namespace(...)`: (api, call)."""
    from .common import bound_call

    if not isinstance(expr, ast.Name):
        return None
    call = bound_call(ctx, expr)
    if call is None or not (isinstance(call.func, ast.Attribute) and
                            call.func.attr == "namespace"):
        return None
    if ctx.semantic.scope_of(call) is not ctx.semantic.module_scope:
        return None
    api = _imported_object(ctx, call.func.value)
    return (api, call) if api else None


def namespace_candidate(ctx: FileContext, call: ast.Call) -> list[RestxCandidateFact]:
    """`ns = api.namespace("name", path=...)` on an imported object."""
    # The name test first: this runs on every call of a file that imports no flask-restx,
    # and the imports below cost more than the test.
    if not (isinstance(call.func, ast.Attribute) and call.func.attr == "namespace"):
        return []
    from .common import assigned_target
    from .flask_rest import namespace_owner

    target = assigned_target(ctx, call)
    if not isinstance(target, ast.Name) or _namespace_call(ctx, target) is None:
        return []
    api = _imported_object(ctx, call.func.value)
    name = object_name(ctx, target)
    if api is None or name is None:
        return []
    owner = namespace_owner(ctx, call, name)
    mount = MountFact(api, name, "", "flask", ctx.path, call.lineno)
    return [RestxCandidateFact(api, name, (owner,), (mount,), (), ctx.path, call.lineno)]


def class_candidates(ctx: FileContext, node: ast.ClassDef, built_only: bool = False
                     ) -> list[RestxCandidateFact]:
    """`@ns.route("/a", "/b")` on a class, `ns` a namespace of an imported object, an
    imported object itself or an object built from a project class (`built_only`: only
    that, in a flask-restx file whose own reader sees the others)."""
    from .flask_rest import resource_route

    out: list[RestxCandidateFact] = []
    for dec in node.decorator_list:
        if not (isinstance(dec, ast.Call) and isinstance(dec.func, ast.Attribute) and
                dec.func.attr == "route" and dec.args):
            continue
        holder = dec.func.value
        api = _built_object(ctx, holder)
        if api is None and not built_only:
            made = _namespace_call(ctx, holder)
            api = made[0] if made else _imported_object(ctx, holder)
        owner = object_name(ctx, holder)
        if api is None or owner is None:
            continue
        ref = f"{this_module(ctx)}.{node.name}"
        routes = tuple(resource_route(ctx, owner, path_text(ctx, url), ref, url)
                       for url in dec.args)
        out.append(RestxCandidateFact(api, None, (), (), routes, ctx.path, dec.lineno))
    return out


def resolve_candidates(facts: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """The candidates whose object is a flask-restx Api or Namespace (one built in a
    flask-restx file, or a candidate namespace already kept), merged into the route facts."""
    candidates: list[RestxCandidateFact] = list(facts.get("restx_candidate", []))
    if not candidates:
        return facts
    known = {a.name for a in facts.get("restx_api", [])}
    built = _built_kept(facts)
    known |= {name for name, _facts in built}
    candidates = _through_reexports(facts, candidates, known)
    kept: list[RestxCandidateFact] = []
    pending = candidates
    while pending:  # a namespace kept makes the routes on it kept
        resolver = Resolver(sorted(known))
        accepted = [c for c in pending if resolver.find(c.api)]
        if not accepted:
            break
        kept += accepted
        known |= {c.namespace for c in accepted if c.namespace}
        pending = [c for c in pending if not resolver.find(c.api)]
    if not kept and not built:
        return facts
    kept.sort(key=lambda c: (c.file, c.line))
    made = [f for _name, found in built for f in found]
    out = dict(facts)
    out["route_owner"] = [*facts.get("route_owner", []),
                          *(f for f in made if isinstance(f, OwnerFact)),
                          *(o for c in kept for o in c.owners)]
    out["route_mount"] = [*facts.get("route_mount", []),
                          *(f for f in made if isinstance(f, MountFact)),
                          *(m for c in kept for m in c.mounts)]
    out["route"] = [*facts.get("route", []), *(r for c in kept for r in c.routes)]
    return out


RESTX_APIS = frozenset({"flask_restx.Api", "flask_restx.api.Api", "flask_restplus.Api",
                        "flask_restplus.api.Api"})
RESTX_NAMESPACES = frozenset({"flask_restx.Namespace", "flask_restx.namespace.Namespace",
                              "flask_restplus.Namespace", "flask_restplus.namespace.Namespace"})


def _built_kept(facts: dict[str, list[Any]]) -> list[tuple[str, tuple[object, ...]]]:
    """The objects built from project classes that derive from flask-restx's Api or
    Namespace (through the program model's class hierarchy), with the facts of that
    reading; the others are no Api and hold nothing."""
    built: list[RestxBuiltFact] = list(facts.get("restx_built", []))
    from ..program import FACT_KIND, program_of

    if not built or not facts.get(FACT_KIND):
        return []
    from .flask_subclasses import _derives_from, _library_name

    model = program_of(facts)

    def reaches(cls: str, classes: frozenset[str]) -> bool:
        return _derives_from(model, cls, classes) or _library_name(model, cls) in classes

    # A namespace serves its resources only once an Api adds it (`api.add_namespace(ns)`):
    # the names some mount, written or candidate, attaches below a parent.
    mounts = [*facts.get("route_mount", []),
              *(m for c in facts.get("restx_candidate", []) for m in c.mounts)]
    added = {m.child for m in mounts if m.child}
    added |= {model.defining_name(child) for child in added} - {None}
    out: list[tuple[str, tuple[object, ...]]] = []
    for fact in sorted(built, key=lambda f: (f.file, f.line)):
        if reaches(fact.cls, RESTX_NAMESPACES):
            if fact.name in added:
                out.append((fact.name, fact.namespace))
        elif reaches(fact.cls, RESTX_APIS):
            out.append((fact.name, fact.api))
    return out


def _through_reexports(facts: dict[str, list[Any]], candidates: list[RestxCandidateFact],
                       known: set[str]) -> list[RestxCandidateFact]:
    """Candidates whose Api is imported through a package that re-exports it (flexget's
    `from flexget.api import api`, `flexget/api/__init__.py` doing `from .app import api`)
    renamed to where it is defined, when the name as imported matches no Api and the
    program model sees the re-export; a name no re-export explains stays as it is (and its
    candidate is dropped unless something else makes it an Api)."""
    from ..program import FACT_KIND, program_of

    if not facts.get(FACT_KIND):
        return candidates
    resolver = Resolver(sorted(known))
    program = program_of(facts)
    out: list[RestxCandidateFact] = []
    for cand in candidates:
        defined = None if resolver.find(cand.api) else program.defining_name(cand.api)
        if defined is None or defined == cand.api:
            out.append(cand)
            continue
        old = cand.api
        out.append(replace(
            cand, api=defined,
            mounts=tuple(replace(m, parent=defined) if m.parent == old else m
                         for m in cand.mounts),
            routes=tuple(replace(r, owner=defined) if r.owner == old else r
                         for r in cand.routes)))
    return out
