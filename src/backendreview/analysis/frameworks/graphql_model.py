"""The project's GraphQL model, built from the per-file facts of frameworks/graphql.py: which
classes are types and mutations (through their bases, across modules), which schemas are
served by which endpoint under which path, and the operations (root fields) as `Route`s so
that every route rule and `backendreview routes` see `QUERY users` / `MUTATION createUser`.

An operation's path is the endpoint's full path (resolved through the HTTP route the
endpoint is registered as, when the route model has it) followed by the field name:
`/graphql/ users`. An endpoint whose path is unknown shows as `{?}`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .graphql import (
    _MUTATION_PREFIXES,
    _OBJECT_BASES,
    GqlBindingFact,
    GqlEndpointFact,
    GqlField,
    GqlSchemaFact,
    GqlSettingsFact,
    GqlTypeFact,
    GqlViewClassFact,
)
from .routes import UNKNOWN_PREFIX, HandlerInfo, Resolver, Route

OPERATIONS = ("QUERY", "MUTATION")
GRAPHQL_FRAMEWORKS = frozenset({"graphene", "strawberry", "ariadne"})


def is_graphql_route(route: Route) -> bool:
    return bool(route.methods) and route.methods[0] in OPERATIONS


@dataclass
class Endpoint:
    """A served endpoint with its schema and everything that limits it."""

    fact: GqlEndpointFact
    schema: GqlSchemaFact | None
    path: str
    path_known: bool
    http: Route | None
    limits: tuple[str, ...] = ()
    introspection_off: tuple[str, ...] = ()
    alias_cap: tuple[str, ...] = ()
    auth: tuple[str, ...] = ()  # wrappers and a view subclass that checks the caller

    @property
    def library(self) -> str:
        if self.fact.library != "?":
            return self.fact.library
        return self.schema.library if self.schema else "graphene"


@dataclass
class ResolvedType:
    fact: GqlTypeFact
    library: str
    kind: str  # object | mutation
    fields: list[tuple[GqlField, str]] = field(default_factory=list)  # (field, its file)
    mutate: tuple[HandlerInfo, str] | None = None


class GraphModel:
    def __init__(self, facts: dict[str, list[Any]], http_routes: list[Route],
                 placed: Callable[[str], str | None] | None = None) -> None:
        self.placed = placed
        self.type_facts: dict[str, GqlTypeFact] = {}
        for fact in facts.get("gql_type", []):
            self.type_facts.setdefault(fact.name, fact)
        self.types = Resolver(sorted(self.type_facts))
        self.bindings: dict[str, list[GqlBindingFact]] = {}
        for binding in facts.get("gql_binding", []):
            owner = self.types.find(binding.owner)
            if owner is not None:
                self.bindings.setdefault(owner, []).append(binding)
        self.schemas: list[GqlSchemaFact] = list(facts.get("gql_schema", []))
        self.settings: list[GqlSettingsFact] = list(facts.get("gql_settings", []))
        self._resolved: dict[str, ResolvedType | None] = {}
        self._by_name: dict[str, ResolvedType] | None = None
        self.views: dict[str, GqlViewClassFact] = {v.name: v for v in facts.get("gql_view", [])}
        self.endpoints = [self._endpoint(e, http_routes)
                          for e in facts.get("gql_endpoint", [])]

    # -- types ------------------------------------------------------------------------------
    def resolve(self, name: str | None) -> ResolvedType | None:
        found = self.types.find(name)
        if found is None:
            return None
        if found in self._resolved:
            return self._resolved[found]
        self._resolved[found] = None  # cycle guard
        fact = self.type_facts[found]
        library, kind = fact.library, fact.kind
        fields: list[tuple[GqlField, str]] = [(f, fact.file) for f in fact.fields]
        fields += [(b.field, b.file) for b in self.bindings.get(found, [])]
        mutate = (fact.mutate, fact.file) if fact.mutate else None
        for base in fact.bases:
            if base in _OBJECT_BASES and library == "?":
                library, kind = "graphene", _OBJECT_BASES[base]
            elif base.startswith(_MUTATION_PREFIXES) and library == "?":
                library, kind = "graphene", "mutation"
            parent = self.resolve(base) if base not in _OBJECT_BASES else None
            if parent is None:
                continue
            if library == "?":
                library, kind = parent.library, parent.kind
            seen = {f.attr for f, _ in fields}
            fields += [(f, p) for f, p in parent.fields if f.attr not in seen]
            mutate = mutate or parent.mutate
        if library == "?":
            return None
        out = ResolvedType(fact, library, kind, fields, mutate)
        self._resolved[found] = out
        return out

    def by_class_name(self) -> dict[str, ResolvedType]:
        """Resolved types by class (and GraphQL) name, for `list[ProjectType]` lookups."""
        if self._by_name is None:
            self._by_name = {}
            for resolved in self.all_types():
                self._by_name.setdefault(resolved.fact.name.rsplit(".", 1)[-1], resolved)
                self._by_name.setdefault(resolved.fact.graphql_name, resolved)
        return self._by_name

    def ancestors(self, resolved: ResolvedType, depth: int = 0) -> list[str]:
        """Qualified names of the project classes `resolved` derives from (mixins too)."""
        out: list[str] = []
        for base in resolved.fact.bases:
            found = self.types.find(base)
            if found is None or depth > 10:
                continue
            out.append(found)
            parent = self.resolve(found)
            if parent is not None:
                out += self.ancestors(parent, depth + 1)
        return out

    def all_types(self) -> list[ResolvedType]:
        out = [self.resolve(name) for name in sorted(self.type_facts)]
        return [t for t in out if t is not None]

    def roots(self) -> list[tuple[str, ResolvedType, GqlSchemaFact | None]]:
        """(operation, root type, schema) for every root type of every schema; with no
        schema in the reviewed code, the types named Query / Mutation."""
        out: list[tuple[str, ResolvedType, GqlSchemaFact | None]] = []
        seen: set[tuple[str, str]] = set()
        for schema in self.schemas:
            pairs: list[tuple[str, str]] = []
            for key, ref in schema.roots.items():
                if key in ("query", "mutation"):
                    pairs.append((key, ref))
            for ref in schema.bindables:
                resolved = self.resolve(ref)
                if resolved and resolved.fact.graphql_name in ("Query", "Mutation"):
                    pairs.append((resolved.fact.graphql_name.lower(), ref))
            for key, ref in pairs:
                resolved = self.resolve(ref)
                if resolved is not None and (key, resolved.fact.name) not in seen:
                    seen.add((key, resolved.fact.name))
                    out.append((key.upper(), resolved, schema))
        libraries = {s.library for s in self.schemas}
        for resolved in self.all_types():
            if resolved.library in libraries or resolved.kind != "object":
                continue
            name = resolved.fact.graphql_name
            for key in ("Query", "Mutation"):
                root = name == key or (name.endswith((key, key + "s")) and
                                       resolved.library != "ariadne")
                if root and (key.lower(), resolved.fact.name) not in seen:
                    seen.add((key.lower(), resolved.fact.name))
                    out.append((key.upper(), resolved, None))
        return out

    def root_names(self) -> set[str]:
        return {t.fact.name for _, t, _ in self.roots()}

    # -- endpoints --------------------------------------------------------------------------
    def schema_for(self, ref: str | None) -> GqlSchemaFact | None:
        named = {s.name: s for s in self.schemas if s.name}
        found = Resolver(sorted(named)).find(ref) if ref else None
        if found is not None:
            return named[found]
        for setting in self.settings:
            if setting.key == "schema":
                found = Resolver(sorted(named)).find(setting.value)
                if found is not None:
                    return named[found]
        return self.schemas[0] if len(self.schemas) == 1 else None

    def _endpoint(self, fact: GqlEndpointFact, http_routes: list[Route]) -> Endpoint:
        schema = self.schema_for(fact.schema)
        http = None
        if fact.registration is not None:
            start, end = fact.registration
            http = next((r for r in http_routes if r.file == fact.file and
                         start <= r.span.start_line <= end), None)
        at = self.placed(fact.router) if self.placed and fact.router and http is None \
            else None
        if http is not None:
            path, known = http.path, http.prefix_known
        elif at is not None:
            path, known = at, True
        elif fact.path is not None:
            path = fact.path if fact.path_known else UNKNOWN_PREFIX + fact.path
            known = fact.path_known
        else:
            path, known = UNKNOWN_PREFIX, False
        settings_limits = tuple(s.value for s in self.settings if s.key == "limit")
        settings_intro = tuple(s.value for s in self.settings if s.key == "introspection")
        schema_parts = (schema.limits, schema.introspection_off, schema.alias_cap) if schema \
            else ((), (), ())
        found = Resolver(sorted(self.views)).find(fact.view_class)
        view = self.views[found] if found else GqlViewClassFact("", "", 0)
        return Endpoint(fact, schema, path or "/", known, http,
                        fact.limits + schema_parts[0] + settings_limits + view.limits,
                        fact.introspection_off + schema_parts[1] + settings_intro +
                        view.introspection_off,
                        fact.alias_cap + schema_parts[2] + view.alias_cap,
                        fact.auth + view.auth)

    def endpoints_of(self, schema: GqlSchemaFact | None) -> list[Endpoint]:
        return [e for e in self.endpoints if e.schema is schema and schema is not None]

    # -- operations -------------------------------------------------------------------------
    def operations(self) -> list[Route]:
        out: list[Route] = []
        for op, root, schema in self.roots():
            served = self.endpoints_of(schema) or [None]
            for endpoint in served:
                for gql_field, file in root.fields:
                    out.append(self._operation(op, root, gql_field, file, endpoint))
        return out

    def _operation(self, op: str, root: ResolvedType, gql_field: GqlField, file: str,
                   endpoint: Endpoint | None) -> Route:
        handler, handler_file = gql_field.handler, file
        handler_name = None
        if gql_field.mutation_ref is not None:
            op = "MUTATION"
            target = self.resolve(gql_field.mutation_ref)
            if target is not None and target.mutate is not None:
                handler, handler_file = target.mutate
                handler_name = f"{target.fact.graphql_name}.{handler.name}"
            elif target is not None:
                handler_name = target.fact.graphql_name
                handler_file = target.fact.file
            else:
                handler_name = gql_field.mutation_ref.rsplit(".", 1)[-1]
        if gql_field.mutation:
            op = "MUTATION"
        http = endpoint.http if endpoint else None
        path = endpoint.path if endpoint else UNKNOWN_PREFIX
        known = endpoint.path_known if endpoint else False
        ep_auth = endpoint.auth if endpoint else ()
        h = handler
        route = Route(
            methods=(op,), path=f"{path} {gql_field.name}", own_path=gql_field.name,
            prefix_known=known, framework=root.library, file=file, span=gql_field.span,
            handler=handler_name or (h.name if h else gql_field.attr),
            handler_file=handler_file, handler_line=h.line if h else gql_field.span.start_line,
            auth=gql_field.auth + (h.auth if h else ()) + root.fact.auth + ep_auth + (
                http.auth if http else ()),
            limits=(h.limits if h else ()) + (http.limits if http else ()),
            pagination=gql_field.pagination + (h.pagination if h else ()),
            unbounded=gql_field.unbounded or (h.unbounded if h else None),
            unbounded_file=file if gql_field.unbounded else handler_file,
            writes=h.writes if h else (), resource_writes=h.resource_writes if h else (),
            raw=(h.decorators + h.dependencies if h else ()) + (http.raw if http else ()),
            action=gql_field.attr,
        )
        if http is not None:
            route.global_limits = http.global_limits
            route.global_auth = http.global_auth
        target = self.by_class_name().get(gql_field.list_of or "")
        if target is not None and target.fact.paginated:
            # strawberry-django: a type declared with pagination=True pages every list of it.
            route.pagination += (f"{target.fact.graphql_name}(pagination=True)",)
        route.pagination = tuple(dict.fromkeys(route.pagination))
        return route


_cache: tuple[dict[str, list[Any]], GraphModel] | None = None


def graph_model(facts: dict[str, list[Any]], http_routes: list[Route],
                placed: Callable[[str], str | None] | None = None) -> GraphModel:
    """The GraphQL model, built once per run whichever rule asks first. It is kept beside
    the facts, not in them (the facts are data; the cache holds the dict so that its
    identity cannot be reused by a later run)."""
    global _cache
    if _cache is None or _cache[0] is not facts:
        _cache = (facts, GraphModel(facts, http_routes, placed))
    return _cache[1]


def graphql_operations(facts: dict[str, list[Any]], http_routes: list[Route],
                       placed: Callable[[str], str | None] | None = None) -> list[Route]:
    """`placed(router)`: the full path of a router the route model places, else None."""
    if not facts.get("gql_type") and not facts.get("gql_binding"):
        return []
    return graph_model(facts, http_routes, placed).operations()
