"""flask-restx / flask-restplus resources in modules that import neither library: the
`Api` is built in one module (`api = UDataApi(...)`) and every resource module only imports
it (`from udata.api import api`), makes its namespace (`ns = api.namespace("harvest")`) and
decorates its Resource classes (`@ns.route("/sources/")`). Nothing in such a file says the
imported object is an Api, so its registrations are candidates: kept in the project phase
only when the object they hang on resolves to an Api (or a namespace) that a flask-restx
file built; every other candidate (a project registry's `namespace()`, `@x.route` of an
object that is no Api) is dropped."""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from .common import object_name, path_text, this_module
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


def class_candidates(ctx: FileContext, node: ast.ClassDef) -> list[RestxCandidateFact]:
    """`@ns.route("/a", "/b")` on a class, `ns` a namespace of an imported object or an
    imported object itself."""
    from .flask_rest import resource_route

    out: list[RestxCandidateFact] = []
    for dec in node.decorator_list:
        if not (isinstance(dec, ast.Call) and isinstance(dec.func, ast.Attribute) and
                dec.func.attr == "route" and dec.args):
            continue
        holder = dec.func.value
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
    if not kept:
        return facts
    kept.sort(key=lambda c: (c.file, c.line))
    out = dict(facts)
    out["route_owner"] = [*facts.get("route_owner", []), *(o for c in kept for o in c.owners)]
    out["route_mount"] = [*facts.get("route_mount", []), *(m for c in kept for m in c.mounts)]
    out["route"] = [*facts.get("route", []), *(r for c in kept for r in c.routes)]
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
