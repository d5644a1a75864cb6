"""GraphQL servers (graphene, graphene-django, strawberry, strawberry-django, ariadne): the
per-file facts the project phase turns into operations (`QUERY users`, `MUTATION
createUser`) and into the served endpoints the GraphQL rules check.

Per file, only in files that import a GraphQL library (or set Django's GRAPHENE setting):

- `GqlTypeFact`: a class that may be a GraphQL type (a graphene ObjectType / DjangoObjectType
  / Mutation, a `@strawberry.type`), with its fields, their resolvers and its bases; the
  merge decides through the bases (across modules) what the class is.
- `GqlBindingFact`: an ariadne resolver bound to a field (`@query.field("users")`,
  `query.set_field("users", f)`), or an ariadne bindable (`QueryType()`, `ObjectType("User")`).
- `GqlSchemaFact`: `graphene.Schema(query=, mutation=)`, `strawberry.Schema(...)`,
  `make_executable_schema(...)` with the limits declared on it.
- `GqlEndpointFact`: the view or app that serves a schema over HTTP (`GraphQLView.as_view`,
  `GraphQLRouter`, ariadne `GraphQL`, `graphql_sync` in a route) with the path it is
  registered under and the limits declared on it.
- `GqlSettingsFact`: Django's `GRAPHENE = {"SCHEMA": ...}` and graphene-protector settings.

Nothing here imports or runs the reviewed code: classes and names are matched by qualified
name through the file's imports, and a class from another module by its bases in the merge.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...astutil import call_chain, own_nodes
from ...model import Span
from ..paths import is_test_path
from .common import (
    PAGE_PARAMS,
    analyze_handler,
    assigned_target,
    bound_call,
    callable_name,
    classify,
    kwarg,
    literal_str,
    object_name,
    this_module,
)
from .routes import HandlerInfo, QueryFact

if TYPE_CHECKING:
    from ...context import FileContext

GQL_MODULES = ("graphene", "graphene_django", "graphene_sqlalchemy", "strawberry",
               "strawberry_django", "ariadne", "graphql", "flask_graphql", "graphql_server",
               "graphql_jwt", "starlette_graphene3", "graphene_protector")

# Library classes a project class may derive from: qualified-name prefix -> (library, kind).
_OBJECT_BASES = {
    "graphene.ObjectType": "object", "graphene.types.objecttype.ObjectType": "object",
    "graphene.Interface": "object", "graphene_django.DjangoObjectType": "object",
    "graphene_django.types.DjangoObjectType": "object",
    "graphene_sqlalchemy.SQLAlchemyObjectType": "object",
    "graphene_sqlalchemy.types.SQLAlchemyObjectType": "object",
    "graphene.Mutation": "mutation", "graphene.relay.ClientIDMutation": "mutation",
    "graphene.types.mutation.Mutation": "mutation",
}
_MUTATION_PREFIXES = ("graphene_django.forms.mutation.", "graphene_django.rest_framework.",
                      "graphql_jwt.")
_STRAWBERRY_TYPES = frozenset({
    "strawberry.type", "strawberry.interface", "strawberry.federation.type",
    "strawberry_django.type", "strawberry.django.type", "strawberry_django.interface",
})
_STRAWBERRY_FIELDS = frozenset({
    "strawberry.field", "strawberry.mutation", "strawberry_django.field",
    "strawberry_django.mutation", "strawberry.django.field", "strawberry.django.mutation",
    "strawberry.relay.connection", "strawberry_django.connection",
    "strawberry_django.offset_paginated", "strawberry.federation.field",
    "strawberry_django.mutations.create", "strawberry_django.mutations.update",
    "strawberry_django.mutations.delete", "strawberry_django.relay.connection",
})
_ARIADNE_BINDABLES = {"ariadne.QueryType": "Query", "ariadne.MutationType": "Mutation",
                      "ariadne.SubscriptionType": "Subscription", "ariadne.ObjectType": None,
                      "ariadne.objects.QueryType": "Query",
                      "ariadne.objects.MutationType": "Mutation",
                      "ariadne.objects.ObjectType": None}
_SCHEMAS = {"graphene.Schema": "graphene", "graphene.types.schema.Schema": "graphene",
            "strawberry.Schema": "strawberry", "strawberry.federation.Schema": "strawberry",
            "ariadne.make_executable_schema": "ariadne",
            "graphene_protector.django.graphene.Schema": "graphene",
            "graphene_protector.django.strawberry.Schema": "strawberry",
            "graphene_protector.graphene.Schema": "graphene",
            "graphene_protector.strawberry.Schema": "strawberry"}
# Calls that serve a schema over HTTP; `.as_view` of these view classes counts as well.
_VIEW_CLASSES = {
    "graphene_django.views.GraphQLView": "graphene",
    "flask_graphql.GraphQLView": "graphene", "graphql_server.flask.GraphQLView": "graphene",
    "graphql_server.flask.graphqlview.GraphQLView": "graphene",
    "strawberry.django.views.GraphQLView": "strawberry",
    "strawberry.django.views.AsyncGraphQLView": "strawberry",
    "strawberry.flask.views.GraphQLView": "strawberry",
    "strawberry.flask.views.AsyncGraphQLView": "strawberry",
    "strawberry.aiohttp.views.GraphQLView": "strawberry",
    "ariadne.contrib.django.views.GraphQLView": "ariadne",
    "ariadne_django.views.GraphQLView": "ariadne",
}
_APP_CALLS = {
    "strawberry.fastapi.GraphQLRouter": "strawberry", "strawberry.asgi.GraphQL": "strawberry",
    "ariadne.asgi.GraphQL": "ariadne", "ariadne.wsgi.GraphQL": "ariadne",
    "ariadne.wsgi.GraphQLMiddleware": "ariadne",
    "starlette_graphene3.GraphQLApp": "graphene", "starlette.graphql.GraphQLApp": "graphene",
}
# Executing a query inside an HTTP route (Flask + ariadne, hand-written views).
_EXECUTE_CALLS = {"ariadne.graphql_sync": "ariadne", "ariadne.graphql": "ariadne",
                  "graphql.graphql_sync": "graphene", "graphql.graphql": "graphene"}
# Calls that register a view or app under a path: name -> the keyword holding the path.
_REGISTRATIONS = {"path": "route", "re_path": "route", "url": "regex",
                  "add_url_rule": "rule", "mount": "path", "include_router": "prefix",
                  "add_route": "path", "Mount": "path", "Route": "path",
                  "add_api_route": "path", "add_websocket_route": "path"}
_APP_CONSTRUCTORS = frozenset({"fastapi.FastAPI", "starlette.applications.Starlette",
                               "flask.Flask", "flask.app.Flask"})

# What limits a served schema: depth, token, cost or complexity validators and extensions.
LIMIT_NAMES = re.compile(
    r"(depth_?limit|QueryDepthLimiter|MaxTokensLimiter|MaxAliasesLimiter|cost_validator|"
    r"complexity|query_?cost|CostLimit|max_?depth|graphene_protector|Protector|"
    r"max_?tokens|DepthLimit)", re.I)
INTROSPECTION_OFF = re.compile(r"(DisableIntrospection|NoSchemaIntrospection|"
                               r"disable_?introspection|introspection_?disabled)", re.I)
ALIAS_CAP = re.compile(r"(MaxAliasesLimiter|MaxTokensLimiter|max_?aliases|cost_validator|"
                       r"complexity|Protector)", re.I)
LOADER = re.compile(r"(\.load\(|load_many\(|loaders?\b|DataLoader|dataloader)", re.I)
_BODY_AUTH = re.compile(
    r"(is_authenticated|is_anonymous|is_staff|is_superuser|has_perms?\(|PermissionDenied|"
    r"check_permission|require_(login|auth|user|permission)|login_required|"
    r"permission_required|IsAuthenticated|not\s+authenticated|authentication required|"
    r"get_user_or_raise|Unauthorized|Forbidden)", re.I)
_PAGE_CALLS = ("Connection", "Paginated", "Pagination", "Page")
_FIELD_KWARGS = frozenset({"description", "required", "resolver", "default_value", "name",
                           "deprecation_reason", "source", "permission_classes",
                           "extensions", "graphql_type", "directives", "filters", "order",
                           "pagination", "init", "default", "default_factory"})


@dataclass(frozen=True)
class GqlField:
    name: str  # the GraphQL name (camelCase where the library converts)
    attr: str  # the Python name
    span: Span
    handler: HandlerInfo | None = None  # the resolver (graphene resolve_x, strawberry method)
    mutation_ref: str | None = None  # graphene `create_user = CreateUser.Field()`
    list_of: str | None = None  # the type a list / connection field returns, by name
    pagination: tuple[str, ...] = ()
    unbounded: QueryFact | None = None  # a list field that serves every row by itself
    auth: tuple[str, ...] = ()  # strawberry permission_classes, extensions
    per_parent: QueryFact | None = None  # a query run once per parent object (BR102)
    relation_read: str | None = None  # `self.comments.all()`: the relation read per parent
    loader: bool = False  # the resolver goes through a DataLoader
    preloads: tuple[str, ...] = ()  # relations the list resolver loads eagerly
    mutation: bool = False  # strawberry @strawberry.mutation
    optimizer_hint: bool = False  # strawberry-django `field(prefetch_related=...)`
    # Arguments the client must pass (no default): `validate(condition: str)`.
    required_args: tuple[str, ...] = ()


@dataclass(frozen=True)
class GqlTypeFact:
    name: str  # qualified name of the class (or the ariadne bindable object)
    library: str  # graphene | strawberry | ariadne | ? (decided through bases)
    kind: str  # object | mutation | ? (decided through bases)
    graphql_name: str
    file: str
    line: int
    span: Span
    bases: tuple[str, ...] = ()
    fields: tuple[GqlField, ...] = ()
    mutate: HandlerInfo | None = None  # graphene Mutation.mutate (or mutate_and_get_payload)
    auth: tuple[str, ...] = ()  # class decorators, strawberry type-level permissions
    strawberry_django: bool = False
    paginated: bool = False  # `@strawberry_django.type(..., pagination=True)`: lists page


@dataclass(frozen=True)
class GqlBindingFact:
    owner: str  # qualified name of the ariadne bindable (`query`)
    field: GqlField
    file: str


@dataclass(frozen=True)
class GqlSchemaFact:
    name: str | None  # qualified name of the schema object
    library: str
    roots: dict[str, str]  # query / mutation / subscription -> qualified type name
    bindables: tuple[str, ...]  # ariadne: the bindable objects passed in
    file: str
    line: int
    span: Span
    limits: tuple[str, ...] = ()
    introspection_off: tuple[str, ...] = ()
    alias_cap: tuple[str, ...] = ()
    batching: str | None = None  # strawberry batching_config: "capped" | "uncapped"
    optimizer: bool = False  # strawberry-django DjangoOptimizerExtension


@dataclass(frozen=True)
class GqlEndpointFact:
    library: str
    file: str
    span: Span  # the view / app construction
    schema: str | None  # qualified name of the schema passed in
    path: str | None  # the literal path it is registered under
    path_known: bool  # registered on an application (not a router of unknown prefix)
    registration: tuple[int, int] | None  # lines of the registration call (HTTP route match)
    view_class: str | None = None  # a project subclass of a GraphQL view
    limits: tuple[str, ...] = ()
    introspection_off: tuple[str, ...] = ()
    alias_cap: tuple[str, ...] = ()
    batch: bool = False
    debug_only: bool = False  # registered under `if settings.DEBUG:`
    auth: tuple[str, ...] = ()  # login_required(GraphQLView.as_view(...))
    # A strawberry GraphQLRouter's own name: placed by the route model like any router
    # (`app.include_router(create_graphql_router())` in another function or module).
    router: str | None = None


@dataclass(frozen=True)
class GqlViewClassFact:
    """A project subclass of a GraphQL view: what its body limits and checks."""

    name: str
    file: str
    line: int
    auth: tuple[str, ...] = ()
    limits: tuple[str, ...] = ()
    introspection_off: tuple[str, ...] = ()
    alias_cap: tuple[str, ...] = ()


@dataclass(frozen=True)
class GqlSettingsFact:
    key: str  # schema | limit | introspection
    value: str
    file: str
    line: int


def active(ctx: FileContext) -> bool:
    """A file that imports a GraphQL library, or serves a project's own GraphQL view
    (`ProjectGraphQLView.as_view(schema=schema)` in a urls module). Asked once per file."""
    return ctx.memo("graphql-active", ctx.tree, lambda: _active(ctx))


def _active(ctx: FileContext) -> bool:
    # Test code builds throwaway schemas and views: none of it is served.
    if is_test_path(ctx.policy_path):
        return False
    # Types declared through project helpers (`@register_type(...)` over a project base
    # class) import no library: a file that names a graphql module is read too.
    return any(ctx.semantic.is_imported(m) for m in GQL_MODULES) or (
        "graphql" in ctx.text or "GraphQL" in ctx.text)


def camel(name: str) -> str:
    """graphene's and strawberry's auto_camelcase: `create_user` -> `createUser`."""
    lead = len(name) - len(name.lstrip("_"))
    parts = name[lead:].split("_")
    return name[:lead] + parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])


def _qn(ctx: FileContext, expr: ast.AST) -> str:
    target = expr.func if isinstance(expr, ast.Call) else expr
    return ctx.qualified_name(target) or ctx.source(target)


# -- classes --------------------------------------------------------------------------------
def on_class(ctx: FileContext, cls: ast.ClassDef) -> list[object]:
    """A class that is (or may be, through project bases) a GraphQL type or mutation."""
    view = _view_class(ctx, cls)
    if view is not None:
        return [view]
    library, kind = "?", "?"
    decorators = [_qn(ctx, d) for d in cls.decorator_list]
    strawberry_django = False
    for name in decorators:
        if name in _STRAWBERRY_TYPES:
            library, kind = "strawberry", "object"
            strawberry_django = name.startswith(("strawberry_django", "strawberry.django"))
    # A base defined in this module gets its module's name: two modules may both define
    # a `ComponentType`.
    bases = tuple(ctx.qualified_name(b) or object_name(ctx, b) or ctx.source(b)
                  for b in cls.bases)
    for base in bases:
        if base in _OBJECT_BASES:
            library, kind = "graphene", _OBJECT_BASES[base]
        elif base.startswith(_MUTATION_PREFIXES):
            library, kind = "graphene", "mutation"
    if library == "?" and not any(isinstance(b, ast.Name | ast.Attribute) for b in cls.bases):
        return []
    if library == "?" and all(b.startswith(("builtins.", "typing.", "enum.", "django.",
                                            "pydantic.", "abc.")) for b in bases):
        return []
    name = _class_name(ctx, cls)
    fields: list[GqlField] = []
    methods = {n.name: n for n in cls.body if isinstance(n, ast.FunctionDef |
                                                          ast.AsyncFunctionDef)}
    for stmt in cls.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(
                stmt.targets[0], ast.Name) and isinstance(stmt.value, ast.Call):
            field = _graphene_field(ctx, stmt.targets[0].id, stmt.value, methods)
            if field is not None:
                fields.append(field)
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            field = _strawberry_attr(ctx, stmt, methods)
            if field is not None:
                fields.append(field)
        elif isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            field = _strawberry_method(ctx, stmt)
            if field is not None:
                fields.append(field)
    # resolve_x with no declared field: graphene-django model fields, inherited fields.
    declared = {f.attr for f in fields} | {f.name for f in fields}
    for mname, func in methods.items():
        if mname.startswith("resolve_") and mname[8:] not in declared and \
                camel(mname[8:]) not in declared:
            fields.append(_field_from_resolver(ctx, mname[8:], func, func))
    mutate = None
    for mname in ("mutate", "mutate_and_get_payload", "perform_mutate"):
        if mname in methods:
            mutate = _handler(ctx, methods[mname])
            break
    auth = tuple(d for d in decorators if classify(d) == "auth")
    paginated = any(isinstance(d, ast.Call) and _true(kwarg(d, "pagination"))
                    for d in cls.decorator_list)
    return [GqlTypeFact(name, library, kind, cls.name, ctx.path, cls.lineno,
                        ctx.line_span(cls.lineno), bases, tuple(fields), mutate, auth,
                        strawberry_django, paginated)]


def _true(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


_HINTS = ("prefetch_related", "select_related", "only", "annotate")


def _view_class(ctx: FileContext, cls: ast.ClassDef) -> GqlViewClassFact | None:
    bases = [_qn(ctx, b) for b in cls.bases]
    if not any(b in _VIEW_CLASSES or b.rsplit(".", 1)[-1] in ("GraphQLView",
                                                               "AsyncGraphQLView")
               for b in bases):
        return None
    limits, intro, alias = _limits(_config_names(ctx, list(cls.body)))
    methods = [n for n in cls.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    auth = tuple(b for b in bases if classify(b) == "auth")  # LoginRequiredMixin
    auth += tuple(a for m in methods for a in body_auth(ctx, m))
    auth += tuple(d for m in methods for d in (_qn(ctx, x) for x in m.decorator_list)
                  if classify(d) == "auth")
    return GqlViewClassFact(_class_name(ctx, cls), ctx.path, cls.lineno,
                            tuple(dict.fromkeys(auth)), limits, intro, alias)


def _class_name(ctx: FileContext, cls: ast.ClassDef) -> str:
    from .common import this_module

    parent = ctx.semantic.parent(cls)
    if isinstance(parent, ast.ClassDef):
        return f"{this_module(ctx)}.{parent.name}.{cls.name}"
    return f"{this_module(ctx)}.{cls.name}"


def _innermost_type(ctx: FileContext, expr: ast.AST | None, depth: int = 0) -> str | None:
    """`graphene.List(graphene.NonNull(UserType))` -> "UserType"; `lambda: T` -> "T"."""
    if expr is None or depth > 5:
        return None
    if isinstance(expr, ast.Lambda):
        return _innermost_type(ctx, expr.body, depth + 1)
    if isinstance(expr, ast.Call):
        inner = expr.args[0] if expr.args else kwarg(expr, "of_type")
        return _innermost_type(ctx, inner, depth + 1)
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return expr.value.rsplit(".", 1)[-1]
    if isinstance(expr, ast.Name | ast.Attribute):
        return ctx.source(expr).rsplit(".", 1)[-1]
    return None


def _graphene_field(ctx: FileContext, attr: str, call: ast.Call,
                    methods: dict[str, ast.FunctionDef | ast.AsyncFunctionDef]
                    ) -> GqlField | None:
    qn = _qn(ctx, call)
    last = qn.rsplit(".", 1)[-1]
    mutation_ref = None
    if isinstance(call.func, ast.Attribute) and call.func.attr == "Field" and not \
            qn.startswith("graphene."):
        # `create_user = CreateUser.Field()`: the mutation class serves the field.
        mutation_ref = object_name(ctx, call.func.value) or ctx.source(call.func.value)
    elif not qn.startswith(("graphene", "graphene_django", "graphene_sqlalchemy",
                            "graphene_file_upload")) and "Field" not in last and \
            "Connection" not in last:
        return None
    list_of = None
    pagination: list[str] = []
    if last in ("List", "DjangoListField") or "Connection" in last:
        list_of = _innermost_type(ctx, call.args[0] if call.args else None)
    if "Connection" in last:
        pagination.append(last)
    if last == "Field" and call.args and isinstance(call.args[0], ast.Call) and \
            _qn(ctx, call.args[0]).rsplit(".", 1)[-1] == "List":
        list_of = _innermost_type(ctx, call.args[0])
    for kw in call.keywords:
        if kw.arg and kw.arg.lower() in PAGE_PARAMS:
            pagination.append(kw.arg)
    resolver = methods.get(f"resolve_{attr}")
    ref = kwarg(call, "resolver")
    if resolver is None and isinstance(ref, ast.Name):
        resolver = _local_function(ctx, ref)
    base = _field_from_resolver(ctx, attr, resolver, call) if resolver is not None else \
        GqlField(camel(attr), attr, ctx.span_of(call))
    unbounded = base.unbounded
    if last == "DjangoListField" and resolver is None and list_of:
        unbounded = QueryFact(ctx.span_of(call), ctx.source(call), "django")
    return GqlField(camel(attr), attr, ctx.span_of(call), base.handler, mutation_ref, list_of,
                    tuple(dict.fromkeys(pagination + list(base.pagination))), unbounded,
                    base.auth, base.per_parent, base.relation_read, base.loader,
                    base.preloads, required_args=base.required_args)


def _local_function(ctx: FileContext, ref: ast.Name
                    ) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    for binding in ctx.semantic.lookup(ref.id, ref)[1]:
        if binding.kind == "def" and isinstance(binding.node, ast.FunctionDef |
                                                ast.AsyncFunctionDef):
            return binding.node  # type: ignore[return-value]
    return None


def _strawberry_attr(ctx: FileContext, stmt: ast.AnnAssign,
                     methods: dict[str, ast.FunctionDef | ast.AsyncFunctionDef]
                     ) -> GqlField | None:
    attr = stmt.target.id  # type: ignore[union-attr]
    call = stmt.value if isinstance(stmt.value, ast.Call) else None
    qn = _qn(ctx, call) if call is not None else ""
    if call is not None and qn not in _STRAWBERRY_FIELDS:
        return None
    annotation = ctx.source(stmt.annotation)
    list_of = _annotation_list(annotation)
    pagination = _annotation_pages(annotation)
    auth = _permission_names(ctx, call) if call is not None else ()
    resolver = None
    if call is not None:
        ref = kwarg(call, "resolver")
        if isinstance(ref, ast.Name):
            resolver = _local_function(ctx, ref)
        page = kwarg(call, "pagination")
        if isinstance(page, ast.Constant) and page.value is True:
            pagination += ("pagination=True",)
        if "connection" in qn or "paginated" in qn:
            pagination += (qn.rsplit(".", 1)[-1],)
    node: ast.AST = call if call is not None else stmt
    base = _field_from_resolver(ctx, attr, resolver, node) if resolver else None
    unbounded = base.unbounded if base else None
    if call is not None and resolver is None and qn.startswith(
            ("strawberry_django.field", "strawberry.django.field")) and list_of and \
            not pagination:
        unbounded = QueryFact(ctx.span_of(stmt), ctx.source(stmt), "django")
    mutation = "mutation" in qn or qn.startswith("strawberry_django.mutations.")
    return GqlField(camel(attr), attr, ctx.span_of(stmt.target), base.handler if base else None,
                    None, list_of, tuple(pagination) + (base.pagination if base else ()),
                    unbounded, auth + (base.auth if base else ()),
                    base.per_parent if base else None, base.relation_read if base else None,
                    base.loader if base else False, base.preloads if base else (), mutation,
                    required_args=base.required_args if base else ())


def _strawberry_method(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef
                       ) -> GqlField | None:
    for dec in func.decorator_list:
        qn = _qn(ctx, dec)
        if qn not in _STRAWBERRY_FIELDS:
            continue
        field = _field_from_resolver(ctx, func.name, func, func)
        auth = _permission_names(ctx, dec) if isinstance(dec, ast.Call) else ()
        pages = field.pagination
        if "connection" in qn or "paginated" in qn:
            pages += (qn.rsplit(".", 1)[-1],)
        ret = ctx.source(func.returns) if func.returns is not None else ""
        hint = isinstance(dec, ast.Call) and any(kwarg(dec, h) is not None for h in _HINTS)
        name = camel(func.name)
        if isinstance(dec, ast.Call):
            explicit = literal_str(kwarg(dec, "name"))
            name = explicit or name
        return GqlField(name, func.name, ctx.span_of(func.decorator_list[0]), field.handler,
                        None, _annotation_list(ret), pages + _annotation_pages(ret),
                        field.unbounded, field.auth + auth, field.per_parent,
                        field.relation_read, field.loader, field.preloads,
                        "mutation" in qn, hint, required_args=field.required_args)
    return None


def _annotation_list(text: str) -> str | None:
    match = re.search(r"\b(?:list|List|Sequence|Iterable)\[\s*(?:Optional\[)?"
                      r"[\"']?([\w.]+)", text)
    if match:
        return match.group(1).rsplit(".", 1)[-1]
    match = re.search(r"Connection\[\s*[\"']?([\w.]+)", text)
    return match.group(1).rsplit(".", 1)[-1] if match else None


def _annotation_pages(text: str) -> tuple[str, ...]:
    return tuple(p for p in _PAGE_CALLS if re.search(rf"\w*{p}\b", text))[:1]


def _permission_names(ctx: FileContext, call: ast.Call | None) -> tuple[str, ...]:
    if call is None:
        return ()
    out: list[str] = []
    for key in ("permission_classes", "extensions"):
        value = kwarg(call, key)
        if isinstance(value, ast.List | ast.Tuple):
            for elt in value.elts:
                name = callable_name(ctx, elt)
                if key == "permission_classes" or classify(name) == "auth" or \
                        "Perm" in name:
                    out.append(name)
    return tuple(out)


# -- resolvers --------------------------------------------------------------------------------
def _handler(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef) -> HandlerInfo:
    info = analyze_handler(ctx, func)
    extra = body_auth(ctx, func)
    if extra:
        from dataclasses import replace

        info = replace(info, auth=info.auth + extra)
    return info


def body_auth(ctx: FileContext, func: ast.AST) -> tuple[str, ...]:
    """An authentication check written in the resolver (`if not info.context.user.
    is_authenticated: raise PermissionDenied`), named by what it reads."""
    text = ctx.source(func)
    found = _BODY_AUTH.findall(text)
    return tuple(dict.fromkeys(f"body: {m[0]}" for m in found))


def _field_from_resolver(ctx: FileContext, attr: str, func: ast.AST | None,
                         at: ast.AST) -> GqlField:
    if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
        return GqlField(camel(attr), attr, ctx.span_of(at))
    handler = _handler(ctx, func)
    per_parent, relation = _per_parent_query(ctx, func)
    text = ctx.source(func)
    preloads = tuple(re.findall(r"(?:select_related|prefetch_related|joinedload|selectinload|"
                                r"subqueryload)\(\s*[\"']?([\w.]+)", text))
    return GqlField(camel(attr), attr, ctx.span_of(at), handler,
                    pagination=handler.pagination, unbounded=handler.unbounded,
                    per_parent=per_parent, relation_read=relation,
                    loader=bool(LOADER.search(text)), preloads=preloads,
                    required_args=_required_args(func))


def _required_args(func: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[str, ...]:
    """The resolver's arguments without a default, past the parent and `info`."""
    args = func.args
    positional = args.posonlyargs + args.args
    required = positional[:len(positional) - len(args.defaults)]
    names = [a.arg for a in required[1:]]  # the first is the parent (self / root)
    names += [a.arg for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True)
              if d is None]
    return tuple(n for n in names if n not in ("info", "root", "parent", "obj", "_"))


_QUERY_ENDS = frozenset({"get", "filter", "exclude", "first", "all", "count", "exists",
                         "one", "one_or_none", "scalar", "scalars", "execute", "values",
                         "values_list", "aggregate", "last", "filter_by", "get_or_none"})


def _per_parent_query(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef
                      ) -> tuple[QueryFact | None, str | None]:
    """A query the resolver runs for its parent object: `User.objects.get(pk=self.owner_id)`,
    `User.query.get(root.owner_id)`, `session.get(User, parent.owner_id)`, or a related
    manager read `self.comments.all()`. Only one that reads the parent counts."""
    params = [a.arg for a in func.args.posonlyargs + func.args.args]
    parents = {p for p in params[:1]} | {"self", "root", "parent", "obj"}
    parents.discard("info")
    for node in own_nodes(func):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in _QUERY_ENDS:
            continue
        up = ctx.semantic.parent(node)
        if isinstance(up, ast.Attribute) and isinstance(ctx.semantic.parent(up), ast.Call) \
                and ctx.semantic.parent(up).func is up:  # type: ignore[union-attr]
            continue  # the outer call of the chain decides
        chain, root = call_chain(node)
        reads_parent = any(isinstance(n, ast.Name) and n.id in parents
                           for arg in [*node.args, *(k.value for k in node.keywords)]
                           for n in ast.walk(arg))
        if isinstance(root, ast.Name) and root.id in parents and len(chain) >= 2 and \
                chain[-1] in ("all", "filter", "count", "exists", "first", "exclude",
                              "values", "values_list", "last"):
            # self.comments.all(): a related manager, one query per parent.
            if chain[0] in ("objects", "query", "_meta", "__class__"):
                continue
            if _called_on_parent(ctx, node):
                # self.get_descendants().filter(...): a query method, not a relation.
                return QueryFact(ctx.span_of(node), ctx.source(node), "django"), None
            return QueryFact(ctx.span_of(node), ctx.source(node), "django"), chain[0]
        if not reads_parent and not _inner_reads_parent(node, parents):
            continue
        if "objects" in chain or "query" in chain or (
                isinstance(root, ast.Name) and root.id in ("session", "db")) or (
                chain and chain[0] == "session"):
            return QueryFact(ctx.span_of(node), ctx.source(node),
                             "django" if "objects" in chain else "sqlalchemy"), None
    return None, None


def _called_on_parent(ctx: FileContext, call: ast.Call) -> bool:
    """Whether the chain starts with a method call on the parent (`self.get_x()...`)."""
    node: ast.AST = call
    while isinstance(node, ast.Call | ast.Attribute):
        inner = node.func if isinstance(node, ast.Call) else node.value
        if isinstance(node, ast.Attribute) and isinstance(inner, ast.Name):
            up = ctx.semantic.parent(node)
            return isinstance(up, ast.Call) and up.func is node
        node = inner
    return False


def _inner_reads_parent(call: ast.Call, parents: set[str]) -> bool:
    """A parent read anywhere in the chain's arguments (`.filter(post=self).count()`)."""
    node: ast.AST = call
    while isinstance(node, ast.Call | ast.Attribute):
        if isinstance(node, ast.Call):
            for arg in [*node.args, *(k.value for k in node.keywords)]:
                if any(isinstance(n, ast.Name) and n.id in parents for n in ast.walk(arg)):
                    return True
            node = node.func
        else:
            node = node.value
    return False


# -- ariadne bindings -------------------------------------------------------------------------
def on_function(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef
                ) -> list[object]:
    """`@query.field("users")` on an ariadne resolver."""
    if not ctx.semantic.is_imported("ariadne"):
        return []
    out: list[object] = []
    for dec in func.decorator_list:
        if isinstance(dec, ast.Call) and isinstance(dec.func, ast.Attribute) and \
                dec.func.attr == "field" and dec.args:
            field = literal_str(dec.args[0])
            owner = object_name(ctx, dec.func.value)
            if field is None or owner is None:
                continue
            base = _field_from_resolver(ctx, field, func, dec)
            out.append(GqlBindingFact(owner, _renamed(base, field), ctx.path))
    return out


def _renamed(field: GqlField, name: str) -> GqlField:
    from dataclasses import replace

    return replace(field, name=name)


# -- calls: schemas, endpoints, ariadne bindables -----------------------------------------------
def on_call(ctx: FileContext, call: ast.Call) -> list[object]:
    qn = ctx.qualified_name(call.func) or ""
    if qn in _ARIADNE_BINDABLES:
        return _ariadne_bindable(ctx, call, qn)
    if qn in _SCHEMAS:
        return [_schema(ctx, call, _SCHEMAS[qn])]
    if qn == "ariadne.gql":
        return _sdl_lists(ctx, call)
    if isinstance(call.func, ast.Attribute) and call.func.attr == "set_field" and \
            len(call.args) >= 2 and ctx.semantic.is_imported("ariadne"):
        field = literal_str(call.args[0])
        owner = object_name(ctx, call.func.value)
        func = _local_function(ctx, call.args[1]) if isinstance(call.args[1], ast.Name) \
            else None
        if field and owner:
            base = _field_from_resolver(ctx, field, func, call)
            return [GqlBindingFact(owner, _renamed(base, field), ctx.path)]
        return []
    library = _endpoint_library(ctx, call, qn)
    if library is not None:
        return [_endpoint(ctx, call, library)]
    return []


_SDL_LIST = re.compile(r"\w+\s*(?:\([^)]*\))?\s*:\s*\[\s*(\w+)")


def _sdl_lists(ctx: FileContext, call: ast.Call) -> list[object]:
    """Types an ariadne SDL serves in lists (`posts: [Post!]!`), for BR102 on resolvers."""
    text = literal_str(call.args[0]) if call.args else None
    if text is None:
        return []
    names = sorted(set(_SDL_LIST.findall(text)))
    return [GqlSettingsFact("sdl-list", n, ctx.path, call.lineno) for n in names]


def _ariadne_bindable(ctx: FileContext, call: ast.Call, qn: str) -> list[object]:
    target = assigned_target(ctx, call)
    name = object_name(ctx, target) if target is not None else None
    graphql_name = _ARIADNE_BINDABLES[qn] or literal_str(call.args[0] if call.args else
                                                         kwarg(call, "name"))
    if name is None or graphql_name is None:
        return []
    return [GqlTypeFact(name, "ariadne", "object", graphql_name, ctx.path, call.lineno,
                        ctx.span_of(call))]


def _config_names(ctx: FileContext, nodes: list[ast.AST | None]) -> list[str]:
    """Every name used in the configuration expressions (validation rules, extensions):
    a conditional list (`[] if DEBUG else [DisableIntrospection]`) counts as configured."""
    out: list[str] = []
    roots = [n for n in nodes if n is not None]
    followed: set[str] = set()
    while roots:
        root = roots.pop()
        for node in ast.walk(root):
            if isinstance(node, ast.Name | ast.Attribute):
                out.append(ctx.qualified_name(node) or ctx.source(node))
                if isinstance(node, ast.Name) and node.id not in followed:
                    # `extensions = [...]` built above, then `extensions.append(...)`;
                    # `extensions=get_schema_extensions()` defined in this file.
                    followed.add(node.id)
                    roots += _built_from(ctx, node)
                    func = _local_function(ctx, node)
                    if func is not None:
                        roots.append(func)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                out.append(node.value)
    return out


def _built_from(ctx: FileContext, name: ast.Name) -> list[ast.AST]:
    """The values a local list is assigned and appended in its scope."""
    scope, bindings = ctx.semantic.lookup(name.id, name)
    if not bindings or any(b.kind == "import" for b in bindings):
        return []
    out: list[ast.AST] = [b.value for b in bindings if b.value is not None]
    body = scope.node if scope is not None else ctx.tree
    for node in ast.walk(body):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                node.func.attr in ("append", "extend", "insert") and isinstance(
                    node.func.value, ast.Name) and node.func.value.id == name.id:
            out += node.args
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name) and \
                node.target.id == name.id:
            out.append(node.value)
    return out


def _limits(names: list[str]) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    limits = tuple(dict.fromkeys(n for n in names if LIMIT_NAMES.search(n)))
    intro = tuple(dict.fromkeys(n for n in names if INTROSPECTION_OFF.search(n)))
    alias = tuple(dict.fromkeys(n for n in names if ALIAS_CAP.search(n)))
    return limits, intro, alias


def _schema(ctx: FileContext, call: ast.Call, library: str) -> GqlSchemaFact:
    target = assigned_target(ctx, call)
    name = object_name(ctx, target) if target is not None else None
    roots: dict[str, str] = {}
    bindables: list[str] = []
    if library == "ariadne":
        for arg in call.args[1:]:
            items = arg.elts if isinstance(arg, ast.List | ast.Tuple) else [arg]
            for item in items:
                ref = object_name(ctx, item)
                if ref:
                    bindables.append(ref)
    else:
        for index, key in enumerate(("query", "mutation", "subscription")):
            node = kwarg(call, key)
            if node is None and index < len(call.args):
                node = call.args[index]
            ref = object_name(ctx, node) if node is not None else None
            if ref:
                roots[key] = ref
    config = [kwarg(call, k) for k in ("extensions", "validation_rules", "middleware",
                                       "config")]
    names = _config_names(ctx, config)
    qn = ctx.qualified_name(call.func) or ""
    if "protector" in qn:
        names.append(qn)
    limits, intro, alias = _limits(names)
    batching = None
    for node in ast.walk(kwarg(call, "config") or ast.Constant(None)):
        if (isinstance(node, ast.keyword) and node.arg == "batching_config") or (
                isinstance(node, ast.Dict) and any(literal_str(k) == "max_operations"
                                                   for k in node.keys)):
            batching = "capped" if "max_operations" in ctx.source(
                kwarg(call, "config")) else "uncapped"  # type: ignore[arg-type]
    optimizer = any("Optimizer" in n for n in names)
    return GqlSchemaFact(name, library, roots, tuple(bindables), ctx.path, call.lineno,
                         ctx.span_of(call), limits, intro, alias, batching, optimizer)


def _endpoint_library(ctx: FileContext, call: ast.Call, qn: str) -> str | None:
    if qn in _APP_CALLS:
        return _APP_CALLS[qn]
    if qn in _EXECUTE_CALLS and _route_path(ctx, call)[0] is not None:
        # Only inside a route (`@app.route("/graphql")`): a library's own execute() that
        # wraps graphql_sync serves nothing by itself.
        return _EXECUTE_CALLS[qn]
    if isinstance(call.func, ast.Attribute) and call.func.attr == "as_view":
        view = ctx.qualified_name(call.func.value) or ""
        if view in _VIEW_CLASSES:
            return _VIEW_CLASSES[view]
        base = _view_subclass_library(ctx, call.func.value)
        if base is not None:
            return base
    return None


def _view_subclass_library(ctx: FileContext, expr: ast.AST) -> str | None:
    """A project subclass of a GraphQL view (`class PrivateGraphQLView(GraphQLView)`),
    defined in this file or imported under a name that says what it is."""
    if isinstance(expr, ast.Name):
        for binding in ctx.semantic.lookup(expr.id, expr)[1]:
            if binding.kind == "class" and isinstance(binding.node, ast.ClassDef):
                for base in binding.node.bases:
                    qn = ctx.qualified_name(base) or ""
                    if qn in _VIEW_CLASSES:
                        return _VIEW_CLASSES[qn]
            if binding.kind == "import" and (binding.qualified or "").endswith(
                    "GraphQLView"):
                # The library is the schema's, decided in the merge.
                return "?"
    return None


def _endpoint(ctx: FileContext, call: ast.Call, library: str) -> GqlEndpointFact:
    schema_node = kwarg(call, "schema")
    if schema_node is None and call.args and not (
            isinstance(call.func, ast.Attribute) and call.func.attr == "as_view"):
        schema_node = call.args[0]
    schema = object_name(ctx, schema_node) if schema_node is not None else None
    view_class = None
    if isinstance(call.func, ast.Attribute) and call.func.attr == "as_view":
        view_class = object_name(ctx, call.func.value)
    config = [kwarg(call, k) for k in ("validation_rules", "extensions", "middleware",
                                       "introspection", "schema_extensions")]
    names = _config_names(ctx, config)
    limits, intro, alias = _limits(names)
    introspection = kwarg(call, "introspection")
    if introspection is not None and not (isinstance(introspection, ast.Constant) and
                                          introspection.value is True):
        intro += (f"introspection={ctx.source(introspection)}",)
    if view_class is not None:
        view_cls = _local_class(ctx, call.func.value)  # type: ignore[attr-defined]
        if view_cls is not None:
            cls_names = _config_names(ctx, [s for s in view_cls.body])
            more = _limits(cls_names)
            limits, intro, alias = limits + more[0], intro + more[1], alias + more[2]
    batch = kwarg(call, "batch")
    path, known, registration, wrappers = _registration(ctx, call)
    if isinstance(call.func, ast.Name | ast.Attribute) and (ctx.qualified_name(call.func)
                                                             or "") in _EXECUTE_CALLS:
        path, known, registration = _route_path(ctx, call)
    auth = tuple(w for w in wrappers if classify(w) == "auth")
    router = None
    if ctx.qualified_name(call.func) == "strawberry.fastapi.GraphQLRouter":
        # The router's own `prefix=` is below the prefix it is included under.
        own = kwarg(call, "prefix")
        own_path = literal_str(own) if own is not None else ""
        if own_path is None:
            path, known = None, False
        elif registration is not None and path is not None:
            path = path.rstrip("/") + own_path
        else:
            path, known = own_path, False
        target = assigned_target(ctx, call)
        router = object_name(ctx, target) if isinstance(target, ast.Name) else None
    return GqlEndpointFact(library, ctx.path, ctx.span_of(call), schema, path, known,
                           registration, view_class, limits, intro, alias,
                           isinstance(batch, ast.Constant) and batch.value is True,
                           _debug_only(ctx, call), auth, router)


def _local_class(ctx: FileContext, expr: ast.AST) -> ast.ClassDef | None:
    if isinstance(expr, ast.Name):
        for binding in ctx.semantic.lookup(expr.id, expr)[1]:
            if binding.kind == "class" and isinstance(binding.node, ast.ClassDef):
                return binding.node
    return None


def _registration(ctx: FileContext, call: ast.Call
                  ) -> tuple[str | None, bool, tuple[int, int] | None, list[str]]:
    """The path a view / app is registered under: the call it is an argument of (through
    wrappers such as `csrf_exempt(...)`), or the call that takes the name it is bound to."""
    wrappers: list[str] = []
    node: ast.AST = call
    parent = ctx.semantic.parent(node)
    while parent is not None:
        if isinstance(parent, ast.keyword):
            parent = ctx.semantic.parent(parent)
            continue
        if not isinstance(parent, ast.Call):
            break
        name = parent.func.attr if isinstance(parent.func, ast.Attribute) else getattr(
            parent.func, "id", "")
        if name in _REGISTRATIONS:
            return (*_registered_path(ctx, parent, name), wrappers)
        wrappers.append(callable_name(ctx, parent))
        parent = ctx.semantic.parent(parent)
    target = assigned_target(ctx, call)
    if isinstance(target, ast.Name):
        scope = ctx.semantic.lookup(target.id, target)[0]
        for other in ast.walk(ctx.tree):
            if not isinstance(other, ast.Call):
                continue
            name = other.func.attr if isinstance(other.func, ast.Attribute) else getattr(
                other.func, "id", "")
            # The same variable: a `router` of another function is another object.
            if name in _REGISTRATIONS and any(
                    isinstance(a, ast.Name) and a.id == target.id and
                    ctx.semantic.lookup(a.id, a)[0] is scope
                    for a in [*other.args, *(k.value for k in other.keywords)]):
                return (*_registered_path(ctx, other, name), wrappers)
    return None, False, None, wrappers


def _registered_path(ctx: FileContext, reg: ast.Call, name: str
                     ) -> tuple[str | None, bool, tuple[int, int]]:
    node = kwarg(reg, _REGISTRATIONS[name])
    if node is None and name != "include_router" and reg.args:
        node = reg.args[0]
    path = "" if node is None and name == "include_router" else literal_str(node)
    receiver = reg.func.value if isinstance(reg.func, ast.Attribute) else None
    built = bound_call(ctx, receiver) if receiver is not None else None
    known = built is not None and ctx.qualified_name(built.func) in _APP_CONSTRUCTORS
    if receiver is None:
        # `Starlette(routes=[Mount("/graphql", GraphQL(schema))])`: a route of the app; or
        # of a module-level list this file's app is built with (`Starlette(routes=routes)`).
        known = any(isinstance(a, ast.Call) and ctx.qualified_name(a.func) in
                    _APP_CONSTRUCTORS for a in ctx.semantic.ancestors(reg)) or \
            _in_app_routes_list(ctx, reg)
    lines = (reg.lineno, getattr(reg, "end_lineno", reg.lineno) or reg.lineno)
    return path, known, lines


def _in_app_routes_list(ctx: FileContext, reg: ast.Call) -> bool:
    """`routes = [..., Mount("/graphql", graphql)]` at module level, and an app of this file
    built with `routes=routes` (or `routes + more`): the mount is at the app's root."""
    from .fastapi_starlette import route_lists

    statement = next((a for a in ctx.semantic.ancestors(reg) if isinstance(a, ast.stmt)), None)
    if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(
            statement.targets[0], ast.Name) and statement in ctx.tree.body):
        return False
    name = f"{this_module(ctx)}.{statement.targets[0].id}"
    return any(isinstance(c, ast.Call) and ctx.qualified_name(c.func) in _APP_CONSTRUCTORS and
               name in route_lists(ctx, kwarg(c, "routes"))
               for s in ctx.tree.body if isinstance(s, ast.Assign | ast.Expr)
               for c in [s.value])


def _route_path(ctx: FileContext, call: ast.Call
                ) -> tuple[str | None, bool, tuple[int, int] | None]:
    """`graphql_sync(schema, ...)` inside `@app.route("/graphql", methods=["POST"])`."""
    func = ctx.semantic.enclosing_function(call)
    if func is None:
        return None, False, None
    for dec in func.decorator_list:
        if isinstance(dec, ast.Call) and isinstance(dec.func, ast.Attribute) and \
                dec.func.attr in ("route", "post", "get", "api_route") and dec.args:
            path = literal_str(dec.args[0])
            if path is not None:
                return path, False, (dec.lineno, func.lineno)
    return None, False, None


def _debug_only(ctx: FileContext, call: ast.Call) -> bool:
    for node in ctx.semantic.ancestors(call):
        if isinstance(node, ast.If) and "DEBUG" in ctx.source(node.test).upper() and \
                not isinstance(node.test, ast.UnaryOp):
            return True
    return False


# -- Django settings ----------------------------------------------------------------------------
def on_assign(ctx: FileContext, node: ast.Assign | ast.AugAssign) -> list[object]:
    target = node.targets[0] if isinstance(node, ast.Assign) else node.target
    if not isinstance(target, ast.Name):
        return []
    out: list[object] = []
    if target.id == "GRAPHENE" and isinstance(node.value, ast.Dict):
        for key, value in zip(node.value.keys, node.value.values, strict=False):
            if literal_str(key) == "SCHEMA" and literal_str(value):
                out.append(GqlSettingsFact("schema", literal_str(value) or "", ctx.path,
                                           node.lineno))
        names = _config_names(ctx, [node.value])
        limits, intro, _ = _limits(names)
        out += [GqlSettingsFact("limit", n, ctx.path, node.lineno) for n in limits]
        out += [GqlSettingsFact("introspection", n, ctx.path, node.lineno) for n in intro]
    elif target.id.startswith("GRAPHENE_PROTECTOR_") and target.id.endswith(
            ("DEPTH_LIMIT", "COMPLEXITY_LIMIT", "SELECTIONS_LIMIT")):
        out.append(GqlSettingsFact("limit", target.id, ctx.path, node.lineno))
    return out


def is_resolver(ctx: FileContext, func: ast.AST) -> bool:
    """A GraphQL resolver or mutation (its return value goes to the client): a strawberry
    field method, a graphene `resolve_*` / `mutate` method on a graphene class, an ariadne
    `@query.field(...)` function."""
    if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef) or not active(ctx):
        return False
    for dec in func.decorator_list:
        if _qn(ctx, dec) in _STRAWBERRY_FIELDS:
            return True
        if isinstance(dec, ast.Call) and isinstance(dec.func, ast.Attribute) and \
                dec.func.attr == "field" and dec.args and literal_str(dec.args[0]) and \
                ctx.semantic.is_imported("ariadne"):
            return True
    parent = ctx.semantic.parent(func)
    if not isinstance(parent, ast.ClassDef):
        return False
    if not (func.name.startswith("resolve_") or func.name in (
            "mutate", "mutate_and_get_payload", "perform_mutate")):
        return False
    for base in parent.bases:
        qn = _qn(ctx, base)
        if qn.startswith(("graphene", "graphql_jwt")) or qn.rsplit(".", 1)[-1].endswith(
                ("ObjectType", "Mutation", "Type", "Node", "Query")):
            return True
    return False
