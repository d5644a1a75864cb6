"""The Route model, and the project-phase merge that turns per-file facts into routes.

Per file, the collector (frameworks/collector.py) emits plain, picklable facts:

- `RouteFact`: one route as written in its file: its own path, the owner that holds it
  (the qualified name of the app / APIRouter / Blueprint / RouteTableDef / urlpatterns list /
  DRF router), the handler and the evidence found on it (auth, limiter, pagination markers).
- `OwnerFact`: an app or router object with the prefix and markers declared on it.
- `MountFact`: `include_router(child, prefix=)`, `register_blueprint(bp, url_prefix=)`,
  `path("api/", include("x.urls"))`, `add_subapp("/p", sub)`: the child owner is reachable
  below the parent with that prefix.
- `ViewClassFact`: a class-based view (Django View, DRF APIView / ViewSet, Flask MethodView)
  whose methods, permission / throttle / pagination attributes decide the routes.
- `SettingsFact`: project-wide defaults (DRF `DEFAULT_THROTTLE_CLASSES`, a global limiter,
  `ROOT_URLCONF`).

`merge_routes(facts)` resolves every prefix through the mounts (across modules, by the
qualified names the imports give), expands class-based views and DRF routers into one
`Route` per method set, and records a prefix it cannot resolve as unknown: the path then
starts with `{?}` and `prefix_known` is False. Nothing is guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from ...model import Span
from ..mro import linearize
from ..paths import is_test_path
from .html_pages import PageSummaries, lineage_serves_html
from .naming import segments
from .writes import WriteFact

if TYPE_CHECKING:
    from .call_bindings import Bindings

UNKNOWN_PREFIX = "{?}"
_UNKNOWN_RUN = re.compile(r"\{\?\}(?:/\{\?\})+")
# RouteFact.registration of a class mounted as an application (`Mount("/status", Endpoint)`):
# a route only when the class is a Starlette HTTPEndpoint (merge_routes).
MOUNTED_ENDPOINT = "mounted-endpoint"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class QueryFact:
    """An unbounded query returned by a handler: where it is and its source text."""

    span: Span
    text: str
    orm: str  # django | sqlalchemy | dbapi | drf | manager (`X.objects...`, Django or MongoEngine)
    # Listed on a server-rendered page (a template context, a Django ListView) rather than
    # returned as data.
    rendered: bool = False
    # Bounded only when the function's caller passes this parameter (`limit`, whose
    # default 0 / None means every row): the call site decides (analysis/row_bounds.py).
    unless: str = ""
    # The test that guards that bound (`limit > 0`), and whether leaving `unless` out skips
    # it: False for a page-size default (`limit: int = 10`), when only a caller passing a
    # value the test turns away (`limit=0`) gets every row. Such a query is no route's own
    # unbounded list; through a call, the call's arguments decide.
    guard: str = ""
    by_default: bool = True
    # A DRF view's `get_queryset` (its own or a base class's, the nearest in the MRO) keeps
    # the rows of one parent the request must name: the filter and what requires it
    # ("`project_id=project.id` (query parameter `project`, required)";
    # frameworks/queryset_scope.py). "" when it does not.
    parent: str = ""
    # The chain the nearest `filter_queryset` override applies to the list before it is
    # serialized (".filter(organizationmember__in=...).distinct()"); "" when none is read.
    refined: str = ""
    # A filter value of the query that the handler computes from the requesting user
    # (`permitted = get_nodegroups_by_perm(request.user, ...)`, then `.filter(nodegroup__in=
    # permitted)`): the rows that user may read, as the handler's code wrote it; "" else.
    requester: str = ""
    # The nearest `get_queryset` of a DRF view's MRO starts from this queryset and filters
    # it by a computed value (ViewClassFact.narrows): the list is narrowed by code BR303
    # does not follow; "" when none.
    narrowed: str = ""


@dataclass(frozen=True)
class HandlerInfo:
    """What the handler's own code shows."""

    name: str
    line: int
    span: Span  # the def line (or class line)
    params: tuple[str, ...] = ()
    decorators: tuple[str, ...] = ()  # qualified names (or source) of decorators
    dependencies: tuple[str, ...] = ()  # FastAPI Depends(...) targets
    auth: tuple[str, ...] = ()
    limits: tuple[str, ...] = ()
    pagination: tuple[str, ...] = ()
    unbounded: QueryFact | None = None
    status_code: int | None = None
    writes: tuple[str, ...] = ()  # write-like calls seen in the body (loose, for BR304)
    resource_writes: tuple[WriteFact, ...] = ()  # resolved writes (for BR306 unsafe GET)
    response_model: str | None = None
    sets_status: bool = False  # the body chooses a status (status_code=, `return x, 201`)
    file: str = ""  # where the handler is written (a method may come from a base class)
    # Qualified names of parameter annotations (`user: CurrentUser`): an alias declared in
    # another module may carry a dependency (`Annotated[User, Depends(get_current_user)]`).
    annotations: tuple[str, ...] = ()
    delegates: bool = False  # the body calls super().<same method>()
    # A DRF `get` whose body calls the generic list (`self.list(request)`): the view's
    # pagination class pages what it answers, as for `super().get()`.
    lists: bool = False
    guards: tuple[str, ...] = ()  # `with perm.require(403):` context managers in the body
    # The body checks credentials the client sent: "verify" (a password / secret read from
    # the request and checked, or a token issued for it) or "read" (only read), and how.
    credentials: tuple[str, str] | None = None
    # The handler answers with an HTML page (`response_class=HTMLResponse`, `-> HTMLResponse`,
    # a template response): a web page, where REST naming does not apply.
    serves_html: bool = False
    # Every return answers JSON (`jsonify(...)`, `JsonResponse(...)`, `json_response(...)`):
    # a JSON API route whatever its path looks like (a Flask blueprint with no `/api` prefix).
    serves_json: bool = False
    # A parameter named `request` / `req` annotated with a model, not a Request class
    # (FastAPI's `request: GetOnlineFeaturesRequest`): the request body under that name.
    request_is_body: bool = False
    # The last statement returns a redirect: what runs to the end hands the client on, so a
    # page an early return renders (an error page) is not what the route serves.
    ends_in_redirect: bool = False
    is_async: bool = False  # `async def`: fix suggestions show the handler as written


@dataclass(frozen=True)
class RouteFact:
    framework: str  # fastapi | starlette | flask | django | drf | aiohttp
    owner: str | None  # qualified name of the object holding the route; None: unknown
    path: str | None  # the route's own path as written; None when not a literal
    methods: tuple[str, ...]  # () = decided by the view class / any
    file: str
    span: Span  # the path string (or the registration call)
    handler: HandlerInfo | None = None
    view_ref: str | None = None  # qualified name of a class-based view / viewset to expand
    view_ref_local: str | None = None  # the same, relative to this file's module
    is_router_register: bool = False  # DRF router.register(prefix, ViewSet)
    basename: str | None = None
    # "appbuilder": a Flask-AppBuilder view / API class registered on the app; its routes
    # come from the class's @expose methods and its route_base.
    registration: str = ""
    # DRF register(): the router's class when not a DRF router itself ("" = imported router).
    router_class: str | None = None
    # The route decorator call and its text (fixes); for a Django URL pattern, the view
    # argument as registered.
    decorator: tuple[Span, str] | None = None
    # Flask: the owner was built from this class, which is not flask's: a route only when the
    # class derives from flask.Blueprint (frameworks/flask_subclasses, project phase).
    owner_class: str | None = None
    # `@obj.get(...)` with `obj` built from a project class (`owner_class`): the decorator is
    # that class's own `get` or flask's; the project phase follows it to `self.route(...)`
    # and takes the methods from there (frameworks/blueprint_verbs).
    class_verb: str = ""
    # `@webmethod(route=..., method=...)`: the project decorator (qualified) that only marks
    # the method for a reader that mounts it; kept or dropped in the project phase
    # (frameworks/marked_routes).
    marked_by: str = ""
    # `X.route` of a project decorator that only marks the method for a blueprint built later
    # (frameworks/flask_plugins): kept only if X.route is one; `owner` is the method's class.
    deferred_to: str | None = None
    # The own path is the string literal at `span` (a fix may rewrite it); False when it was
    # put together from a registrar's parameters (frameworks/param_routes).
    path_written: bool = True
    # The path argument's source text at `span` when it is more than a plain string literal
    # (`r"^api/node/(?P<id>%s)$" % uuid_regex`): a fix renames a segment inside it and
    # keeps the anchors, the `r` prefix and the formatting as written. "" = the literal.
    path_source: str = ""
    # Django: the pattern's `name=` (a middleware's allow-list may name it).
    url_name: str = ""
    # Flask: `self.app` of a class that never assigns it (frameworks/flask.held_app): a
    # route only when a base class holds an app there (instance_owners.inherited_mounts).
    inherited_owner: bool = False
    # A piece of `path` written as one literal elsewhere (flask-classful's `route_base =
    # "comment"`): its file, the string's span, the literal, and how many segments of
    # `path` come before it. A rename of those segments goes there (Route.registered_at).
    base_at: tuple[str, Span, str, int] | None = None


@dataclass(frozen=True)
class OwnerFact:
    name: str  # qualified name
    framework: str
    kind: str  # app | router
    prefix: str | None  # declared prefix ("" = none); None = not a literal
    auth: tuple[str, ...] = ()
    limits: tuple[str, ...] = ()
    file: str = ""
    line: int = 0
    raw: tuple[str, ...] = ()  # dependency / decorator names, for project-declared limiters
    # Flask: built from this project class (a router only when it derives from
    # flask.Blueprint); with no url_prefix= at the call, the class's `__init__` default
    # decides, given the constructor's arguments (name or position, value; None = computed).
    owner_class: str | None = None
    ctor_args: tuple[tuple[str, str | None], ...] = ()
    prefix_from_class: bool = False
    # FastAPI(root_path="/api/v1"): the prefix a proxy strips, so clients see it before every
    # route of the app when the app is served at the root; a mount's path replaces it.
    root_path: str = ""


@dataclass(frozen=True)
class MountFact:
    parent: str | None
    child: str | None  # qualified name (module path for Django include("x.urls"))
    prefix: str | None  # None = not a literal
    framework: str
    file: str
    line: int
    auth: tuple[str, ...] = ()
    limits: tuple[str, ...] = ()
    raw: tuple[str, ...] = ()
    # flask-restx `add_namespace(ns, path=...)`: the mount's prefix replaces the child's own.
    replaces_prefix: bool = False
    subapp: bool = False  # aiohttp add_subapp(): the child is an application


@dataclass(frozen=True)
class ActionFact:
    name: str
    detail: bool
    methods: tuple[str, ...]
    url_path: str
    handler: HandlerInfo


@dataclass(frozen=True)
class ExposeFact:
    """A Flask-AppBuilder `@expose(url, methods)` method."""

    method: str  # the Python method's name
    url: str | None
    http: tuple[str, ...]
    handler: HandlerInfo


@dataclass(frozen=True)
class ViewClassFact:
    name: str  # qualified name
    file: str
    line: int
    span: Span
    bases: tuple[str, ...]  # qualified names (or dotted source when unresolved)
    methods: dict[str, HandlerInfo] = field(default_factory=dict)  # get/post/list/create...
    actions: tuple[ActionFact, ...] = ()
    attrs: dict[str, str] = field(default_factory=dict)  # permission_classes etc. -> source
    auth: tuple[str, ...] = ()  # mixins, decorators, permission classes
    limits: tuple[str, ...] = ()
    pagination: tuple[str, ...] = ()
    queryset: QueryFact | None = None
    exposes: tuple[ExposeFact, ...] = ()  # Flask-AppBuilder
    literals: dict[str, str] = field(default_factory=dict)  # route_base, resource_name...
    # The class's own `get_queryset`: "own" when it builds the queryset itself (it reads
    # neither `self.queryset` / `self.model` nor `super()`), so a `queryset =` anywhere in
    # the hierarchy is not what it lists; "base" when it starts from one of those; "" when
    # the class defines none.
    get_queryset: str = ""
    # What the class's own `get_queryset` narrows its list to (QueryFact.parent), and the
    # chain its own `filter_queryset` applies (QueryFact.refined); "" when none or unread.
    # "-" : the class defines the method and it does neither (it decides for its subclasses).
    scope: str = ""
    refines: str = ""
    # A filter the class's own `get_queryset` applies to the queryset it starts from, with a
    # value the code computes (`Class.get_queryset: .filter(team__in=self.teams())`); "-"
    # when it applies none or keeps one required parent (`scope`); "" when it has none.
    narrows: str = ""


@dataclass(frozen=True)
class AliasFact:
    """`CurrentUser = Annotated[User, Depends(get_current_user)]`: a type alias whose use as
    a parameter annotation adds the dependency to the handler."""

    name: str  # qualified name
    dependencies: tuple[str, ...]
    auth: tuple[str, ...]  # the dependencies that authenticate
    limits: tuple[str, ...]  # the dependencies that rate-limit
    file: str
    line: int


# GuardFact kinds of frameworks/guards beside auth / limit: a module-level function that
# raises for callers a user / permission test turns away (`def require_owner(request, pk):
# ... raise PermissionDenied`), and a decorator whose wrapper first calls functions of
# other modules (their names in `why`): auth when one of them is a REFUSER, decided in the
# project phase (resolve_called_checks).
REFUSER = "refuser"
CALLS_CHECK = "calls-check"


@dataclass(frozen=True)
class GuardFact:
    """A project decorator whose body guards the route (frameworks/guards.py)."""

    name: str  # qualified name
    kind: str  # auth | limit | inert | permission | REFUSER | CALLS_CHECK ...
    why: str  # "aborts for anonymous users"; CALLS_CHECK: the called names
    file: str
    line: int
    # Paths the wrapper lets through before any check (`if request.path in ["/login"]:
    # return f(...)`): a before_request hook using it does not guard them.
    exempt: tuple[str, ...] = ()


@dataclass(frozen=True)
class HookFact:
    """A Flask `@bp.before_request` hook that authenticates every request of its blueprint
    or app (frameworks/guards.py): the owner's routes require authentication."""

    owner: str  # qualified name of the blueprint / app
    auth: tuple[str, ...]  # what shows it authenticates, for the route table
    raw: tuple[str, ...]  # the hook's decorators (project guards resolve in the project phase)
    file: str
    line: int
    # Paths the hook lets through before its check (`if request.path == "/" or
    # request.path.startswith("/auth/login"): return None`): "=/" exact, "^/auth/login" a
    # prefix. The routes served there are not authenticated by it.
    exempt: tuple[str, ...] = ()


@dataclass(frozen=True)
class SettingsFact:
    key: str  # drf-throttle | drf-pagination | drf-permission | global-limiter | root-urlconf
    value: str
    framework: str
    file: str
    line: int
    via: str = ""  # a settings function that returns it; applies only when settings call it


@dataclass
class Route:
    """One HTTP route of the project, as every route rule sees it."""

    methods: tuple[str, ...]
    path: str  # full path; starts with UNKNOWN_PREFIX when a prefix is unknown
    own_path: str  # the part written at the route itself
    prefix_known: bool
    framework: str
    file: str
    span: Span
    handler: str
    handler_file: str
    handler_line: int
    auth: tuple[str, ...] = ()
    limits: tuple[str, ...] = ()
    pagination: tuple[str, ...] = ()
    unbounded: QueryFact | None = None
    unbounded_file: str = ""
    status_code: int | None = None
    writes: tuple[str, ...] = ()
    resource_writes: tuple[WriteFact, ...] = ()
    response_model: str | None = None
    sets_status: bool = False
    credentials: tuple[str, str] | None = None
    raw: tuple[str, ...] = ()  # decorator and dependency names along the chain
    action: str = ""  # DRF: list | create | retrieve ... | custom action name
    global_limits: tuple[str, ...] = ()
    global_auth: tuple[str, ...] = ()
    global_pagination: tuple[str, ...] = ()
    # Class attributes that replace the project defaults (DRF permission_classes = [AllowAny],
    # pagination_class = None, throttle_classes = []).
    overrides: tuple[str, ...] = ()
    handler_params: tuple[str, ...] = ()  # the handler function's parameter names
    decorator: tuple[Span, str] | None = None  # the route decorator call and its text (fixes)
    # A DRF @action route: where its viewset was registered (`router.register("image", V)`):
    # the file, the prefix string's span, the prefix as written, and how many segments of
    # `path` end with it. The prefix is the register call's to fix, not the action's.
    registered_at: tuple[str, Span, str, int] | None = None
    serves_html: bool = False
    serves_json: bool = False
    handler_async: bool = False  # the handler is an `async def` (fixes show it so)
    request_is_body: bool = False  # HandlerInfo.request_is_body
    ends_in_redirect: bool = False  # HandlerInfo.ends_in_redirect
    # The app (or root URL list) the route is served by, when its chain reaches one.
    app: str | None = None
    path_written: bool = True  # RouteFact.path_written
    path_source: str = ""  # RouteFact.path_source
    # The handler hands the request on to the library's method (`super().get()`, through
    # every project base) or to DRF's generic `self.list()`: not an answer of its own.
    hands_on: bool = False

    @property
    def params(self) -> list[str]:
        return path_params(self.path)

    @property
    def is_write(self) -> bool:
        return bool(set(self.methods) & WRITE_METHODS)

    def to_dict(self) -> dict[str, Any]:
        return {
            "methods": list(self.methods),
            "path": self.path,
            "prefix_known": self.prefix_known,
            "framework": self.framework,
            "handler": self.handler,
            "location": f"{self.handler_file}:{self.handler_line}",
            "defined_at": f"{self.file}:{self.span.start_line}",
            "auth": sorted(set(self.auth + self.global_auth)),
            "rate_limit": sorted(set(self.limits + self.global_limits)),
            "pagination": sorted(set(self.pagination + self.global_pagination)),
            # What the handler answers, when its code shows it: an HTML page (a rendered
            # template, a template view, HTML renderers) or JSON on every return.
            "serves": "html" if self.serves_html else "json" if self.serves_json else None,
        }




def path_params(path: str) -> list[str]:
    import re

    # The body of a named regex group is its pattern, not a parameter of its own: a setting
    # shown there (`(?P<graphid>{UUID_REGEX})`) names what the group matches.
    path = re.sub(r"(\(\?P<[^>]+>)[^()]*(?:\([^()]*\)[^()]*)*\)", r"\1)", path)
    return re.findall(r"\{([^}:]+)[^}]*\}|<(?:[^>:]+:)?([^>]+)>|\(\?P<([^>]+)>", path)


# -- DRF and Django class-based views: which methods a base class serves ------------------
# DRF views of libraries, by qualified name: the methods each serves and the DRF settings
# its class body overrides (read from drf-spectacular 0.30.0's views.py: APIView subclasses
# with one `get`, `permission_classes = SERVE_PERMISSIONS` — AllowAny unless the project's
# SPECTACULAR_SETTINGS says otherwise — and `authentication_classes` of their own; the
# throttles stay DRF's defaults).
_SPECTACULAR_SERVED = ("permission_classes", "authentication_classes", "serve_permissions")
_LIBRARY_API_VIEWS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    f"drf_spectacular.views.{name}": (("GET",), _SPECTACULAR_SERVED)
    for name in ("SpectacularAPIView", "SpectacularYAMLAPIView", "SpectacularJSONAPIView",
                 "SpectacularSwaggerView", "SpectacularSwaggerSplitView",
                 "SpectacularRedocView")}
_VIEWSET_LIST = {"list": "GET", "create": "POST"}
_VIEWSET_DETAIL = {"retrieve": "GET", "update": "PUT", "partial_update": "PATCH",
                   "destroy": "DELETE"}
_MIXIN_ACTIONS = {
    "ListModelMixin": ("list",), "CreateModelMixin": ("create",),
    "RetrieveModelMixin": ("retrieve",), "UpdateModelMixin": ("update", "partial_update"),
    "DestroyModelMixin": ("destroy",),
    "ModelViewSet": ("list", "create", "retrieve", "update", "partial_update", "destroy"),
    "ReadOnlyModelViewSet": ("list", "retrieve"),
    # dynamic-rest, a DRF extension: `DynamicModelViewSet(WithDynamicViewSetMixin,
    # viewsets.ModelViewSet)`.
    "DynamicModelViewSet": ("list", "create", "retrieve", "update", "partial_update",
                            "destroy"),
}
_GENERIC_METHODS = {
    # rest_framework.generics
    "ListAPIView": ("GET",), "CreateAPIView": ("POST",), "RetrieveAPIView": ("GET",),
    "DestroyAPIView": ("DELETE",), "UpdateAPIView": ("PUT", "PATCH"),
    "ListCreateAPIView": ("GET", "POST"), "RetrieveUpdateAPIView": ("GET", "PUT", "PATCH"),
    "RetrieveDestroyAPIView": ("GET", "DELETE"),
    "RetrieveUpdateDestroyAPIView": ("GET", "PUT", "PATCH", "DELETE"),
    # django.views.generic
    "TemplateView": ("GET",), "ListView": ("GET",), "DetailView": ("GET",),
    "RedirectView": ("GET",), "FormView": ("GET", "POST"), "CreateView": ("GET", "POST"),
    "UpdateView": ("GET", "POST"), "DeleteView": ("GET", "POST"),
    # django.contrib.auth.views: the form views take POST, the pages after them only render
    "LoginView": ("GET", "POST"), "PasswordChangeView": ("GET", "POST"),
    "PasswordChangeDoneView": ("GET",), "PasswordResetView": ("GET", "POST"),
    "PasswordResetDoneView": ("GET",), "PasswordResetConfirmView": ("GET", "POST"),
    "PasswordResetCompleteView": ("GET",),
}
_LIST_GENERICS = {"ListAPIView", "ListCreateAPIView"}
# Django's generic ListView, by qualified name: projects have ListViews of their own with their
# own paging (misago's admin ListView pages with items_per_page).
_DJANGO_LIST_VIEW = ("django.views.generic.ListView", "django.views.generic.list.ListView")


def _lists_every_row(libs: set[str]) -> bool:
    return bool(libs & _LIST_GENERICS) or bool(libs & set(_DJANGO_LIST_VIEW))
HTTP_METHODS = ("get", "post", "put", "patch", "delete")


class Resolver:
    """Finds facts by qualified name. Paths in facts give module names relative to where the
    run started (`src.app.urls`), imports give absolute ones (`app.urls`): a name matches a
    known name that ends with it on a dot boundary, when exactly one does."""

    def __init__(self, names: list[str]) -> None:
        self.names = set(names)
        self._by_last: dict[str, list[str]] = {}
        for name in self.names:
            self._by_last.setdefault(name.rsplit(".", 1)[-1], []).append(name)

    def named(self, last: str) -> list[str]:
        """The known names whose last dotted part is `last`."""
        return self._by_last.get(last, [])

    def find(self, name: str | None) -> str | None:
        if not name:
            return None
        if name in self.names:
            return name
        # A relative import (`..registry.configure_api`) matches by what follows the dots.
        name = name.lstrip(".")
        candidates = [n for n in self._by_last.get(name.rsplit(".", 1)[-1], ())
                      if n.endswith("." + name) or name.endswith("." + n)]
        return candidates[0] if len(candidates) == 1 else None


def _join(prefix: str, path: str) -> str:
    if not prefix:
        return path
    if not path:
        return prefix
    if prefix.endswith("/") and path.startswith("/"):
        return prefix + path[1:]
    if not prefix.endswith("/") and not path.startswith("/") and not prefix.endswith("^"):
        return prefix + "/" + path
    return prefix + path


def _clean_django(path: str) -> str:
    # re_path patterns: drop anchors so the table shows a readable path.
    if path.startswith("^"):
        path = path[1:]
    for tail in ("$", "\\Z"):
        if path.endswith(tail):
            path = path[:-len(tail)]
    return path


@dataclass
class _Chain:
    prefix: str
    known: bool
    auth: tuple[str, ...] = ()
    limits: tuple[str, ...] = ()
    raw: tuple[str, ...] = ()
    root: str | None = None  # the app at the top of the chain, when it is placed


def _drf_defaults_for(route: Route, auth: tuple[str, ...], pages: tuple[str, ...]
                      ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """DRF's defaults as they act on one route: `...OrReadOnly` permission classes let
    anyone read (they guard the writes only); the pagination class pages list responses
    only (a viewset's list action, a list generic's GET)."""
    if not route.is_write:
        auth = tuple(a for a in auth if "OrReadOnly" not in a)
    return auth, pages if route.action == "list" else ()


def _mount_by_attribute(mounts: list[MountFact], owners: dict[str, OwnerFact],
                        children: dict[str, list[MountFact]]) -> None:
    """`for module in MODULES: app.register_blueprint(module.blueprint)`: a mount of the
    attribute `blueprint` of modules the code does not name reaches every blueprint called
    `blueprint` that no other registration places."""
    for mount in mounts:
        if mount.framework != "flask" or not mount.child or "." not in mount.child:
            continue
        attribute = mount.child.rsplit(".", 1)[-1]
        for name, owner in owners.items():
            if owner.kind == "router" and owner.framework == "flask" and \
                    name.rsplit(".", 1)[-1] == attribute and name not in children:
                children[name] = [mount]


def _through_reexports(facts: dict[str, list[Any]], mounts: list[MountFact],
                       route_facts: list[RouteFact]) -> list[MountFact]:
    """Mounted children named through a package that re-exports them
    (`app.include_router(oauth2_router)` or `create_v1_router()` imported from
    `pkg/routers/__init__.py`) renamed to where they are defined, when the name as imported
    matches no router or factory and the program model sees the re-export; likewise a
    parent named through such a package that matches no declared owner, when the name it
    is defined under does."""
    from ..program import FACT_KIND, program_of

    if not facts.get(FACT_KIND):
        return mounts
    known = Resolver(sorted({o.name for o in facts.get("route_owner", [])} |
                            {r.owner for r in route_facts if r.owner} |
                            {m.parent for m in mounts if m.parent}))
    factories = Resolver(sorted(f.func for f in facts.get("route_factory", [])))
    declared = Resolver(sorted({o.name for o in facts.get("route_owner", [])}))
    program = program_of(facts)
    out: list[MountFact] = []
    for mount in mounts:
        child = mount.child or ""
        called = child.startswith("call:")
        name = child[len("call:"):] if called else child
        if name and (factories if called else known).find(name) is None:
            defined = program.defining_name(name)
            if defined is not None:
                mount = replace(mount, child=f"call:{defined}" if called else defined)
        parent = mount.parent
        if parent and declared.find(parent) is None:
            # `api.namespace("plugins")` on an Api imported through a re-exporting package
            # (flexget's `from flexget.api import api`): the parent is the Api where it is
            # built, when the program model sees the re-export and that name is an owner.
            defined = program.defining_name(parent)
            if defined is not None and declared.find(defined) is not None:
                mount = replace(mount, parent=defined)
        out.append(mount)
    return out


def _effective_settings(settings: list[SettingsFact]) -> list[SettingsFact]:
    """Settings declared directly, plus those a settings function returns when the settings
    module calls it (`REST_FRAMEWORK = get_drf_settings(...)`)."""
    called = [s.value for s in settings if s.key == "drf-settings-from"]
    via = Resolver(sorted({s.via for s in settings if s.via}))
    used = {via.find(name) for name in called} - {None}
    return [s for s in settings if s.key != "drf-settings-from" and (not s.via or s.via in used)]


_SETTING_ORIGIN = {"drf-throttle": "settings DEFAULT_THROTTLE_CLASSES",
                   "drf-permission": "settings DEFAULT_PERMISSION_CLASSES",
                   "drf-pagination": "settings DEFAULT_PAGINATION_CLASS",
                   "global-auth": "settings MIDDLEWARE", "global-limiter": "app-wide",
                   "spectacular-permission": "settings SPECTACULAR_SETTINGS SERVE_PERMISSIONS"}


def merge_routes(facts: dict[str, list[Any]]) -> list[Route]:
    from .config_paths import resolve_config_paths
    from .endpoint_factory import resolve_maker_uses
    from .flask_plugins import resolve_deferred_routes
    from .flask_subclasses import resolve_project_blueprints
    from .looped_routes import expand_looped_routes
    from .marked_routes import resolve_marked_routes
    from .restx_imported import resolve_candidates
    from .router_subclasses import resolve_router_subclasses

    facts = resolve_maker_uses(resolve_marked_routes(facts))
    facts = resolve_deferred_routes(resolve_project_blueprints(resolve_config_paths(
        resolve_candidates(resolve_router_subclasses(expand_looped_routes(facts))))))
    owners: dict[str, OwnerFact] = {}
    for owner in facts.get("route_owner", []):
        # A DRF router fact never replaces another framework's fact for the same object
        # (a project `*Router()` read by both collectors).
        if owner.name not in owners or owners[owner.name].framework == "drf":
            owners[owner.name] = owner
    mounts: list[MountFact] = list(facts.get("route_mount", []))
    from .django_decorated_patterns import group_mounts

    mounts += group_mounts(facts)  # `urls += decorated_patterns([login_required], ...)`
    from .host_apps import host_of_root, plugin_mounts

    # A Nautobot app's / NetBox plugin's url modules, where the host's loader mounts them.
    host_owners, host_mounts = plugin_mounts(facts.get("plugin_config", []))
    for owner in host_owners:
        owners.setdefault(owner.name, owner)
    mounts += host_mounts
    views: dict[str, ViewClassFact] = {v.name: v for v in facts.get("view_class", [])}
    view_resolver = Resolver(sorted(views))
    drf_owners = {o.name: o for o in owners.values() if o.framework == "drf"}
    drf_owner_resolver = Resolver(sorted(drf_owners))
    # Routers handed to functions through an app registry (drf_registry): its calls are
    # calls like any other for the parameter bindings below.
    from .call_bindings import Bindings, bind_mounts
    from .drf_registry import registry_calls

    # (The facts dict itself stays the run's: later phases key their caches on it.)
    bindings = Bindings({**facts, "route_call": [*facts.get("route_call", []),
                                                 *registry_calls(facts, drf_owners)]})
    route_facts: list[RouteFact] = [
        _with_router_class(r, drf_owners, drf_owner_resolver)
        for r in facts.get("route", []) if r.router_class is None or _is_drf_router(
            r, drf_owners, drf_owner_resolver, views, view_resolver, bindings)]
    route_facts += helper_routes(facts.get("resource_helper", []), facts.get("helper_call", []))
    from .param_routes import param_routes
    from .path_constants import with_imported_constants

    route_facts += param_routes(facts)
    from .restful_helpers import registered_resources

    registrar_owners, registered = registered_resources(facts)
    route_facts += registered
    from .module_tables import table_routes, without_templates

    route_facts = without_templates(facts, route_facts)
    table_owners, table_mounts, table_facts = table_routes(facts)
    registrar_owners += table_owners
    mounts += table_mounts
    route_facts += table_facts
    for owner in registrar_owners:
        owners.setdefault(owner.name, owner)
    from .tastypie_api import tastypie_routes

    tastypie_owners, tastypie_facts = tastypie_routes(facts)
    route_facts += tastypie_facts
    for owner in tastypie_owners:
        owners.setdefault(owner.name, owner)
    from .django_url_helpers import helper_routes as url_helper_routes

    url_routes, url_auth = url_helper_routes(facts, view_resolver)
    route_facts += url_routes
    from .django_registrars import decorated_routes

    route_facts += decorated_routes(facts)
    from .flask_classful import classful_routes

    route_facts += classful_routes(facts)
    from .eve import eve_routes

    route_facts += eve_routes(facts)
    from .appbuilder import complete_views

    route_facts = complete_views(facts, route_facts, views)
    view_resolver = Resolver(sorted(views))
    route_facts = [r for r in route_facts if r.registration != MOUNTED_ENDPOINT or
                   _http_endpoint(r.view_ref, views, view_resolver)]
    funcs: dict[str, Any] = {f.name: f for f in facts.get("view_func", [])}
    func_resolver = Resolver(sorted(funcs))
    from .view_lookup import follow_aliases

    # `path("x/", views.authorize)` with `authorize = AuthorizeView.as_view()`.
    route_facts = follow_aliases(facts, route_facts, lambda ref: (
        view_resolver.find(ref) or func_resolver.find(ref)) is not None)
    settings: list[SettingsFact] = _effective_settings(list(facts.get("settings", [])))
    # A limiter-named middleware whose code never refuses a request limits nothing.
    inert = Resolver(sorted(g.name for g in facts.get("guard", []) if g.kind == "inert"))
    settings = [s for s in settings if not (s.key == "global-limiter" and inert.find(s.value))]

    owners, mounts, route_facts = with_imported_constants(facts, owners, mounts, route_facts)
    # Apps and routers handed to functions: a parameter stands for what its callers pass.
    mounts = _through_reexports(facts, mounts, route_facts)
    from .instance_owners import inherited_mounts

    mounts += inherited_mounts(facts, mounts, route_facts)  # `Sub.router` is `Base.router`
    inherited = {m.child for m in mounts}
    route_facts = [r for r in route_facts if not r.inherited_owner or r.owner in inherited]
    mounts = bind_mounts(bindings, mounts,
                         [r.owner for r in route_facts if r.owner] +
                         [m.parent for m in mounts if m.parent])
    owner_names = set(owners) | {r.owner for r in route_facts if r.owner}
    owner_names |= {m.parent for m in mounts if m.parent}
    resolver = Resolver(sorted(owner_names))
    # Django include("pkg.urls") names a module; its list is "<module>.urlpatterns".
    children: dict[str, list[MountFact]] = {}
    by_attribute: list[MountFact] = []
    for mount in mounts:
        child = resolver.find(mount.child) or resolver.find(f"{mount.child}.urlpatterns")
        if child is None:
            by_attribute.append(mount)
            continue
        children.setdefault(child, []).append(mount)
    _mount_by_attribute(by_attribute, owners, children)
    # aiohttp: when some add_subapp() mounts an app the code does not name (a parameter, a
    # factory's result), any app not seen being served (run_app / AppRunner) may be that
    # one: its prefix is unknown, not the root.
    aiohttp_unplaced = any(m.subapp for m in by_attribute)
    aiohttp_served = {resolver.find(s.value) or s.value for s in settings
                      if s.key == "aiohttp-root"}

    # The project's ROOT_URLCONF, not a test settings module's (`tests/settings.py` pointing
    # at `tests.urls`), when both are read.
    urlconfs = [s for s in settings if s.key == "root-urlconf"]
    root_urlconf = next((s.value for s in urlconfs if not is_test_path(s.file)),
                        urlconfs[0].value if urlconfs else None)
    root_urlconf_name = resolver.find(f"{root_urlconf}.urlpatterns") if root_urlconf else None

    hooks = _hooks_through_reexports(facts, facts.get("route_hook", []), resolver)
    hooks = _bound_hooks(bindings, hooks)
    hook_auth = _hook_auth(hooks, resolver, facts.get("guard", []))
    from .django_middleware import exempted, middleware_auth

    django_middleware = middleware_auth(settings, facts.get("guard", []), Resolver)
    cache: dict[str, list[_Chain]] = {}

    def chains(owner: str | None, depth: int = 0) -> list[_Chain]:
        if owner is None:
            return [_Chain(UNKNOWN_PREFIX, False)]
        if owner in cache:
            return cache[owner]
        cache[owner] = [_Chain(UNKNOWN_PREFIX, False)]  # cycle guard
        fact = owners.get(owner)
        own_prefix = fact.prefix if fact else ""
        own = _Chain("", True, (fact.auth if fact else ()) + hook_auth.get(owner, ()),
                     fact.limits if fact else (), fact.raw if fact else ())
        if own_prefix is None:
            own = replace(own, prefix=UNKNOWN_PREFIX, known=False)
        else:
            own = replace(own, prefix=own_prefix)
        result: list[_Chain] = []
        parents = children.get(owner, [])
        if parents and depth < 20:
            for mount in parents:
                for up in chains(resolver.find(mount.parent), depth + 1):
                    prefix = UNKNOWN_PREFIX if mount.prefix is None else (
                        _clean_django(mount.prefix) if mount.framework == "django"
                        else mount.prefix)
                    known = up.known and mount.prefix is not None and (
                        own.known or mount.replaces_prefix)
                    full = _join(up.prefix, prefix) if mount.replaces_prefix else _join(
                        _join(up.prefix, prefix), own.prefix)
                    result.append(_Chain(full, known, up.auth + mount.auth + own.auth,
                                         up.limits + mount.limits + own.limits,
                                         up.raw + mount.raw + own.raw, up.root))
        else:
            is_root = False
            if fact is not None and fact.kind == "app":
                is_root = not (fact.framework == "aiohttp" and aiohttp_unplaced and
                               owner not in aiohttp_served)
            elif owner.endswith("urlpatterns") or owner.endswith(".urls"):
                is_root = (owner == root_urlconf_name) if root_urlconf_name else True
            if is_root:
                if fact is not None and fact.root_path:
                    own = replace(own, prefix=_join(fact.root_path, own.prefix))
                result.append(replace(own, root=owner))
            elif fact is not None and fact.framework == "flask" and fact.kind == "router" and \
                    (own_prefix or "").startswith("/"):
                # A Flask blueprint whose registration is not seen (registered in a loop over
                # discovered modules): `register_blueprint(bp)` keeps the blueprint's own
                # url_prefix, which is where its routes are served.
                result.append(own)
            elif own.prefix == UNKNOWN_PREFIX:  # unknown where, unknown own prefix: one {?}
                result.append(replace(own, known=False))
            else:
                result.append(replace(own, prefix=_join(UNKNOWN_PREFIX, own.prefix),
                                      known=False))
        cache[owner] = result
        return result

    global_limits: dict[str, tuple[str, ...]] = {}
    global_auth: dict[str, tuple[str, ...]] = {}
    global_pages: dict[str, tuple[str, ...]] = {}
    keys = {s.key for s in settings}
    if "slowapi-default" in keys and "slowapi-middleware" in keys:
        # slowapi's default_limits apply to every route only through its middleware.
        for fw in ("fastapi", "starlette"):
            global_limits[fw] = ("slowapi SlowAPIMiddleware + default_limits",)
    serve_auth: tuple[str, ...] = ()  # drf-spectacular's SERVE_PERMISSIONS, when set
    for s in settings:
        # Shown with where it was declared: a project default, not the route's own code.
        shown = f"{s.value} ({_SETTING_ORIGIN.get(s.key, 'project default')})"
        if s.key in ("drf-throttle", "global-limiter"):
            global_limits[s.framework] = (*global_limits.get(s.framework, ()), shown)
        elif s.key in ("drf-permission", "drf-authentication", "global-auth"):
            global_auth[s.framework] = (*global_auth.get(s.framework, ()), shown)
        elif s.key == "drf-pagination":
            global_pages[s.framework] = (*global_pages.get(s.framework, ()), shown)
        elif s.key == "spectacular-permission":
            serve_auth += (shown,)

    aliases: dict[str, AliasFact] = {a.name: a for a in facts.get("dependency_alias", [])}
    alias_resolver = Resolver(sorted(aliases))
    guards = resolve_called_checks(facts.get("guard", []))
    guard_resolver = Resolver(sorted(guards))
    pages = _page_summaries(facts)
    routes: list[Route] = []
    for fact in route_facts:
        if fact.registration in ("appbuilder", "connexion", "eve"):
            # Flask-AppBuilder registers one blueprint per class at the app's root; a
            # Connexion spec's paths and an Eve resource's carry their full base path.
            found = [_Chain("", True)]
        else:
            found = chains(resolver.find(fact.owner) or fact.owner)
        # A list reachable from the root and also from lists we cannot place: show the
        # resolved paths only. Identical chains collapse.
        if any(c.known for c in found):
            found = [c for c in found if c.known]
        unique: dict[tuple[str, bool], _Chain] = {}
        for c in found:
            # Unknown places that differ only in how many unknown parts they stack
            # (`{?}/{?}` through an app whose blueprint loop is not read, `{?}` unplaced)
            # say the same: one row, the shortest.
            key = (c.prefix if c.known else _UNKNOWN_RUN.sub(UNKNOWN_PREFIX, c.prefix),
                   c.known)
            if key not in unique or len(c.prefix) < len(unique[key].prefix):
                unique[key] = c
        for chain in unique.values():
            own = fact.path if fact.path is not None else UNKNOWN_PREFIX
            if fact.framework in ("django", "drf"):
                own = _clean_django(own)
                prefix = _clean_django(chain.prefix)
            else:
                prefix = chain.prefix
            known = chain.known and fact.path is not None and UNKNOWN_PREFIX not in fact.path
            for route in _expand(fact, prefix, own, known, chain, views, view_resolver,
                                 funcs, func_resolver, pages):
                route.app = chain.root
                _apply_aliases(route, fact, aliases, alias_resolver)
                _apply_guards(route, guards, guard_resolver)
                if id(fact) in url_auth:
                    route.auth += (url_auth[id(fact)],)
                # DRF defaults apply to DRF views only; Django middleware to both.
                fws = ("django", "drf") if route.framework == "drf" else (route.framework,)
                route.global_limits = sum((global_limits.get(f, ()) for f in fws), ())
                route.global_auth = sum((global_auth.get(f, ()) for f in fws), ())
                if route.framework in ("django", "drf"):
                    # A project middleware in settings MIDDLEWARE, less its allow-list.
                    route.global_auth += tuple(
                        shown for shown, exempt in django_middleware
                        if not exempted(route.path, fact.url_name, exempt))
                route.global_pagination = sum((global_pages.get(f, ()) for f in fws), ())
                host = host_of_root(chain.root)
                if host is not None and route.framework == "drf":
                    # A plugin's API served by its host: the host's REST_FRAMEWORK
                    # settings, unless the tree holds settings of its own.
                    route.global_auth = route.global_auth or (
                        host.shown(host.authentication, "DEFAULT_AUTHENTICATION_CLASSES"),
                        host.shown(host.permission, "DEFAULT_PERMISSION_CLASSES"))
                    route.global_pagination = route.global_pagination or (
                        host.shown(host.pagination, "DEFAULT_PAGINATION_CLASS"),)
                if route.framework == "drf":
                    route.global_auth, route.global_pagination = _drf_defaults_for(
                        route, route.global_auth, route.global_pagination)
                if "permission_classes" in route.overrides:
                    route.global_auth = ()
                if "serve_permissions" in route.overrides:
                    route.global_auth = serve_auth
                if "pagination_class" in route.overrides:
                    route.global_pagination = ()
                if "throttle_classes" in route.overrides:
                    route.global_limits = tuple(g for g in route.global_limits
                                                if route.framework != "drf" or
                                                "Throttle" not in g)
                routes.append(route)
    _resolve_spec_handlers(routes, route_facts, facts)
    # GraphQL operations (QUERY users, MUTATION createUser) below their endpoint's path.
    from .graphql_model import graphql_operations

    def placed(router: str) -> str | None:
        known = [c.prefix for c in chains(resolver.find(router) or router) if c.known]
        return known[0] if len(set(known)) == 1 else None

    routes += graphql_operations(facts, routes, placed)
    for route in routes:
        # JSON answered through a project helper (`return send_result(obj)`, whose body is
        # `return jsonify(...)`), followed through the call graph into other modules.
        if not (route.serves_html or route.serves_json) and route.handler_line and \
                pages.handler_answers_json(route.handler_file, route.handler_line):
            route.serves_json = True
    _drop_exempt_hook_auth(routes, hooks, resolver, facts.get("guard", []),
                           facts.get("view_mark", []))
    _keep_json_modules(routes)
    for route in routes:
        # A page rendered through a project helper (a form helper's get_response()).
        if not (route.serves_html or route.serves_json) and route.handler_line and \
                pages.handler_renders(route.handler_file, route.handler_line):
            route.serves_html = True
    routes.sort(key=lambda r: (r.file, r.span.start_line, r.path, r.methods))
    return routes


def _page_summaries(facts: dict[str, list[Any]]) -> PageSummaries:
    """Which project functions render a page, over the program model when the run has one."""
    from ..program import FACT_KIND, program_of

    return PageSummaries(program_of(facts) if facts.get(FACT_KIND) else None,
                         facts.get("page_function", []))


def _keep_json_modules(routes: list[Route]) -> None:
    """A handler answering JSON makes its route an API route only when every route handled
    in its module answers JSON (a Flask API blueprint that `jsonify`s everywhere): the one
    AJAX helper among a web UI's page views stays a page route."""
    mixed = {r.handler_file for r in routes if not r.serves_json}
    for route in routes:
        if route.serves_json and route.handler_file in mixed:
            route.serves_json = False


def _bound_hooks(bindings: Bindings, hooks: list[HookFact]) -> list[HookFact]:
    """A hook on a parameter (`def register_handlers(app): @app.before_request ...`) is a
    hook on each object the callers pass (`register_handlers(app)` in `create_app`), the
    same one its blueprints are registered on through another helper's parameter."""
    out = list(hooks)
    for hook in hooks:
        if bindings.is_parameter(hook.owner):
            out += [replace(hook, owner=value) for value in bindings.values(hook.owner)
                    if value != hook.owner]
    return out


def _hooks_through_reexports(facts: dict[str, list[Any]], hooks: list[HookFact],
                             resolver: Resolver) -> list[HookFact]:
    """`@api_app.before_request` on an app imported through a package that re-exports it
    (flexget's `from flexget.api import api_app`, built in flexget/api/app.py): the hook's
    owner is the app where it is built, when the name as imported matches no owner and the
    program model sees the re-export to one that does."""
    from ..program import FACT_KIND, program_of

    if not hooks or not facts.get(FACT_KIND):
        return hooks
    program = program_of(facts)
    out: list[HookFact] = []
    for hook in hooks:
        if resolver.find(hook.owner) is None:
            defined = program.defining_name(hook.owner)
            if defined is not None and resolver.find(defined) is not None:
                hook = replace(hook, owner=defined)
        out.append(hook)
    return out


def _hook_auth(hooks: list[HookFact], resolver: Resolver, guards: list[GuardFact]
               ) -> dict[str, tuple[str, ...]]:
    """Blueprint / app name -> how its `before_request` hooks authenticate: by their own
    code, or through a project decorator whose wrapper refuses anonymous callers; and how
    the middleware added to it does (frameworks/auth_middleware)."""
    from .auth_middleware import MIDDLEWARE_GUARD

    kinds = {g.name: g for g in guards if g.kind in ("auth", MIDDLEWARE_GUARD)}
    guard_resolver = Resolver(sorted(kinds))
    out: dict[str, tuple[str, ...]] = {}
    for hook in hooks:
        owner = resolver.find(hook.owner) or hook.owner
        shown = hook.auth + tuple(
            f"{found.rsplit('.', 1)[-1]} ({kinds[found].why})"
            if kinds[found].kind == MIDDLEWARE_GUARD
            else f"{found.rsplit('.', 1)[-1]} (before_request hook)"
            for name in hook.raw if (found := guard_resolver.find(name)))
        if shown:
            out[owner] = out.get(owner, ()) + shown
    return out


def _drop_exempt_hook_auth(routes: list[Route], hooks: list[HookFact], resolver: Resolver,
                           guards: list[GuardFact], view_marks: Iterable[Any] = ()) -> None:
    """A hook's guard that lets named paths through (dtale's `requires_auth` passes
    `/login` and `/logout`) does not authenticate the routes served at those paths.

    The routes keep only the hook's label (`require_login() refuses anonymous callers
    (before_request hook)`), not which hook it came from: a label shown by several hooks
    (same-named hooks on two blueprints) is dropped only where every one of them lets the
    path through."""
    auth_guards = {g.name: g.exempt for g in guards if g.kind == "auth"}
    guard_resolver = Resolver(sorted(auth_guards))
    # label -> what each hook showing it lets through (an empty set: nothing)
    passed: dict[str, list[set[str]]] = {}
    for hook in hooks:
        shows: dict[str, set[str]] = {}
        for name in hook.raw:
            found = guard_resolver.find(name) if auth_guards else None
            if found is not None:
                shown = f"{found.rsplit('.', 1)[-1]} (before_request hook)"
                shows.setdefault(shown, set()).update("=" + p for p in auth_guards[found])
        for shown in hook.auth:
            # The hook's own body lets these paths through (its shown auth is its own).
            shows.setdefault(shown, set()).update(hook.exempt)
        for shown, paths in shows.items():
            passed.setdefault(shown, []).append(paths)
    passed = {shown: sets for shown, sets in passed.items() if all(sets)}
    if not passed:
        return
    marks: dict[tuple[str, int], frozenset[str]] = {}
    for mark in view_marks:
        key = (mark.file, mark.line)
        marks[key] = marks.get(key, frozenset()) | {mark.attr}
    for route in routes:
        carried = marks.get((route.handler_file, route.handler_line), frozenset())
        if any(_passed_all(route.path, passed.get(a, ()), carried) for a in route.auth):
            route.auth = tuple(a for a in route.auth if not _passed_all(
                route.path, passed.get(a, ()), carried))


def _passed_all(path: str, sets: list[set[str]], marks: frozenset[str] = frozenset()
                ) -> bool:
    return bool(sets) and all(_passed(path, paths, marks) for paths in sets)


def _passed(path: str, exempt: Iterable[str], marks: frozenset[str] = frozenset()) -> bool:
    """`path` is one a guard lets through: "=p" that path, "^p" any path starting so, "@a"
    a view whose function carries the attribute `a` (`marks`)."""
    return any(path == e[1:] if e[0] == "=" else e[1:] in marks if e[0] == "@"
               else path.startswith(e[1:]) for e in exempt)


# Registrations whose handler is a function named at the registration and written elsewhere:
# a Connexion operationId, a function imported and handed to a route-registering decorator
# (frameworks/endpoint_factory: `api_endpoint(get_errors)`).
BY_NAME = ("connexion", "by-name")


def _resolve_spec_handlers(routes: list[Route], route_facts: list[RouteFact],
                           facts: dict[str, list[Any]]) -> None:
    """A Connexion operation's `operationId` (`petshop.pets.list_pets`) names a Python
    function: resolved through the program model (re-exports and dotted-suffix module names
    included), the route's handler is that function, so the rules that follow a handler's
    calls see it. An id that leads outside the project stays the spec's line."""
    from ..program import AUTH, FACT_KIND, LIMIT, program_of
    from ..program.facts import FunctionInfo

    if not facts.get(FACT_KIND) or not any(f.registration in BY_NAME for f in route_facts):
        return
    program = program_of(facts)
    refs = {(f.file, f.span): f.view_ref for f in route_facts
            if f.registration in BY_NAME and f.view_ref}
    spec_ops = {(f.file, f.span) for f in route_facts if f.registration == "connexion"}
    for route in routes:
        if route.handler_file != route.file or (route.file, route.span) not in refs:
            continue
        ref = refs.get((route.file, route.span))
        found = program.resolve(ref) if ref else None
        if isinstance(found, FunctionInfo):
            route.handler_file, route.handler_line = found.path, found.line
            route.handler_params = found.params
            if (route.file, route.span) in spec_ops and not found.varkw:
                # Connexion hands a query parameter to the function only when its signature
                # takes it: one the spec declares and the function does not take (`limit`
                # on an operation whose function returns every row) pages nothing, unless
                # the function reads it from the request itself (`request.args.get("limit")`).
                route.pagination = tuple(p for p in route.pagination
                                         if p in found.params or p in found.page_reads)
            # What the function's code shows (its decorators, a limiter call, an auth
            # check), shown with where it came from.
            for kind, column in ((AUTH, "auth"), (LIMIT, "limits")):
                shown = tuple(dict.fromkeys(
                    f"{r.effect.detail} ({found.name})" for r in
                    program.guarded_by(found, kind) if r.always))
                setattr(route, column, getattr(route, column) + shown)


_DRF_ROUTER_MODULES = ("rest_framework.", "rest_framework_nested.", "rest_framework_extensions.",
                       "dynamic_rest.")


def _is_drf_router(fact: RouteFact, owners: dict[str, OwnerFact], owner_resolver: Resolver,
                   views: dict[str, ViewClassFact], resolver: Resolver,
                   bindings: Bindings | None = None) -> bool:
    """`router.register(...)` on a DRF router: a DRF class, or a project class whose bases
    (across modules) reach one; for a router imported from another module, the class of the
    object it was built from; for a function's parameter, what its callers pass (a router
    parameter no call reaches: when the registered class is a DRF viewset)."""
    from .host_apps import is_host_router

    cls = fact.router_class
    if not cls and bindings is not None and fact.owner and bindings.is_parameter(fact.owner):
        values = [v for v in bindings.values(fact.owner) if v != fact.owner]
        if not values:
            return _is_drf_viewset(fact.view_ref, views, resolver)
        return any(_is_drf_router(replace(fact, owner=v), owners, owner_resolver, views,
                                  resolver) for v in values)
    if not cls:
        found = owner_resolver.find(fact.owner)
        if found is None:
            return False
        cls = owners[found].raw[0] if owners[found].raw else ""
    if cls.startswith(_DRF_ROUTER_MODULES) or is_host_router(cls):
        return True
    found_class = resolver.find(cls)
    if found_class is None:
        # A router class from a library the project does not ship (a DRF router subclass
        # such as a third-party `...Router`): its bases are unseen, so the class registered
        # on it decides. A class of the project's own packages is not a library's: one that
        # is no view class and reaches no DRF router is not a router (`NotARouter`).
        roots = {name.split(".", 1)[0] for name in (*views, *owners)}
        return "." in cls and cls.split(".", 1)[0] not in roots and _is_drf_viewset(
            fact.view_ref, views, resolver)
    return any(isinstance(item, str) and item.startswith(_DRF_ROUTER_MODULES)
               for item in _base_names(views[found_class], views, resolver))


def _with_router_class(fact: RouteFact, owners: dict[str, OwnerFact], owner_resolver: Resolver
                       ) -> RouteFact:
    """A registration on a router imported from another module (`router_class` ""): the
    class its object was built from, so that what the router serves follows its class
    (a host's UI router serves pages, its API router the bulk list actions: host_apps)."""
    if fact.router_class != "" or not fact.owner:
        return fact
    found = owner_resolver.find(fact.owner)
    if found is None or not owners[found].raw:
        return fact
    return replace(fact, router_class=owners[found].raw[0])


_DRF_VIEWSETS = ("rest_framework.viewsets.", "dynamic_rest.viewsets.")


def _is_drf_viewset(ref: str | None, views: dict[str, ViewClassFact], resolver: Resolver
                    ) -> bool:
    """A class whose hierarchy (across modules) reaches a DRF viewset or ViewSetMixin, or a
    host application's viewset (host_apps)."""
    from .host_apps import viewset_actions

    found = resolver.find(ref)
    if found is None:
        return bool(ref and (ref.startswith(_DRF_VIEWSETS) or viewset_actions(ref)))
    return any(isinstance(item, str) and (item.startswith(_DRF_VIEWSETS) or
                                          bool(viewset_actions(item)))
               for item in _base_names(views[found], views, resolver))


def helper_routes(helpers: list[Any], calls: list[Any]) -> list[RouteFact]:
    """Routes registered through a project helper that wraps flask-restful / flask-restx
    `add_resource` (`add_org_resource(api, Cls, "/a")`, `api.add_org_resource(Cls, "/a")`):
    each call site gives the api, the resource class and the urls the helper registers."""
    by_name = {h.name: h for h in helpers}
    resolver = Resolver(sorted(by_name))
    out: list[RouteFact] = []
    for call in calls:
        found = resolver.find(call.callee)
        if found is None:
            continue
        helper = by_name[found]
        args = list(call.args)
        if helper.pairs:
            out += _pair_routes(helper, call, args)
            continue
        if helper.api_param is None:
            owner = call.receiver
        elif helper.api_param < len(args) and args[helper.api_param][0] == "ref":
            owner = args[helper.api_param][1]
        else:
            continue
        if helper.resource_param >= len(args) or args[helper.resource_param][0] != "ref":
            continue
        ref = args[helper.resource_param][1]
        name = (ref or "?").rsplit(".", 1)[-1]
        for kind, url in args[helper.urls_param:]:
            path = helper.template.format(url) if kind == "str" and url is not None else None
            out.append(RouteFact("flask", owner, path, (), call.file, call.span,
                                 HandlerInfo(name=name, line=call.line, span=call.span),
                                 view_ref=ref))
    return out


def _pair_routes(helper: Any, call: Any, args: list[tuple[str, str | None]]
                 ) -> list[RouteFact]:
    """`configure_api(blueprint, routes)` with `routes = [("/x", XResource), ...]`."""
    if helper.api_param >= len(args) or args[helper.api_param][0] != "ref":
        return []
    owner = args[helper.api_param][1]
    pairs = dict(call.pairs).get(helper.urls_param, ())
    out: list[RouteFact] = []
    for path, ref in pairs:
        name = ref.rsplit(".", 1)[-1]
        out.append(RouteFact("flask", owner, path, (), call.file, call.span,
                             HandlerInfo(name=name, line=call.line, span=call.span),
                             view_ref=ref))
    return out


def resolve_called_checks(facts: list[GuardFact]) -> dict[str, GuardFact]:
    """The guards by name, a decorator whose wrapper first calls a check of another module
    (frameworks/guards CALLS_CHECK) decided: auth when one of the calls resolves to a
    function that raises for callers a user / permission test turns away (REFUSER), else
    dropped. The REFUSER facts themselves guard no route: they are left out."""
    refusers = Resolver(sorted(g.name for g in facts if g.kind == REFUSER))
    out: dict[str, GuardFact] = {}
    for g in facts:
        if g.kind == REFUSER:
            continue
        if g.kind == CALLS_CHECK:
            found = next((f for f in map(refusers.find, g.why.split()) if f), None)
            if found is None:
                continue
            g = replace(g, kind="auth", why=f"calls {found.rsplit('.', 1)[-1]}(), which "
                                            f"refuses callers a user or permission test "
                                            f"turns away")
        out[g.name] = g
    return out


def _apply_guards(route: Route, guards: dict[str, GuardFact], resolver: Resolver) -> None:
    """Decorators on the route (or its router / class) that the project wrote to deny
    anonymous callers or check a limiter, whatever they are called."""
    if not guards:
        return
    for name in route.raw:
        found = resolver.find(name)
        if found is None:
            _apply_permission(route, name, guards, resolver)
            continue
        guard = guards[found]
        shown = f"{found.rsplit('.', 1)[-1]} ({guard.why})"
        if guard.kind == "auth" and not any(found.endswith(a) or a.endswith(found)
                                            for a in route.auth):
            route.auth += (shown,)
        elif guard.kind == "limit" and not any(found.endswith(a) or a.endswith(found)
                                               for a in route.limits):
            route.limits += (shown,)


# flask-principal's own Permission class (or a vendored copy of the library).
LIBRARY_PERMISSION = re.compile(r"(?:^|\.)flask_principal\.Permission$")


def _apply_permission(route: Route, name: str, guards: dict[str, GuardFact],
                      resolver: Resolver) -> None:
    """`@ADMIN.require(403)` / `@Permissions.ADMIN.require(403)` on a flask-principal
    Permission (frameworks/principal.py): a module constant, or an attribute of a class
    holding Permissions; or a `.can()` test in the body whose branch refuses the caller."""
    obj, _, method = name.rpartition(".")
    if method not in ("require", "can") or not obj:
        return
    label = None
    if LIBRARY_PERMISSION.search(obj):  # built inline: `Permission(RoleNeed(...)).require`
        label = f"Permission(...).{method} (flask-principal)"
    for owner in (obj, obj.rsplit(".", 1)[0]):
        found = resolver.find(owner) if "." in owner and label is None else None
        if found is None:
            continue
        guard = guards[found]
        if guard.kind == "permission-class" and owner == obj:
            label = f"{obj.rsplit('.', 1)[-1]}(...).{method} ({guard.why})"
        elif guard.kind == "permission":
            shown = ".".join(obj.rsplit(".", 2 if owner != obj else 1)[1:])
            label = f"{shown}.{method} ({guard.why})"
    if label is not None and label not in route.auth:
        route.auth += (label,)


def _apply_aliases(route: Route, fact: RouteFact, aliases: dict[str, AliasFact],
                   resolver: Resolver) -> None:
    """Dependencies a handler takes through annotation aliases declared anywhere in the
    project (`user: CurrentUser`), shown as `CurrentUser -> get_current_user`."""
    handler = fact.handler
    if handler is None or not handler.annotations or not aliases:
        return
    for annotation in handler.annotations:
        found = resolver.find(annotation)
        if found is None:
            continue
        fact_alias = aliases[found]
        alias = found.rsplit(".", 1)[-1]
        route.auth += tuple(f"{alias} -> {d}" for d in fact_alias.auth)
        route.limits += tuple(f"{alias} -> {d}" for d in fact_alias.limits)
        route.raw += tuple(f"{alias} -> {d}" for d in fact_alias.dependencies)


def _route(fact: RouteFact, path: str, known: bool, chain: _Chain, methods: tuple[str, ...],
           handler: HandlerInfo | None, handler_file: str, extra_auth: tuple[str, ...] = (),
           extra_limits: tuple[str, ...] = (), extra_pages: tuple[str, ...] = (),
           unbounded: QueryFact | None = None, action: str = "",
           framework: str | None = None, overrides: tuple[str, ...] = (),
           where: tuple[str, Span, str] | None = None, action_detail: bool = False) -> Route:
    h = handler
    route = Route(
        methods=methods, path=path if path.startswith("/") or path.startswith(UNKNOWN_PREFIX)
        else "/" + path,
        own_path=_clean_django(fact.path or "") if fact.framework in ("django", "drf")
        else fact.path or "", prefix_known=known,
        framework=framework or fact.framework, file=fact.file, span=fact.span,
        handler=h.name if h else "?", handler_file=(h.file if h and h.file else handler_file),
        handler_line=h.line if h else fact.span.start_line,
        auth=chain.auth + (h.auth if h else ()) + extra_auth,
        limits=chain.limits + (h.limits if h else ()) + extra_limits,
        # A class's pagination (paginate_by, pagination_class) pages what it lists: not the
        # responses of its writes.
        pagination=(h.pagination if h else ()) + (
            () if methods and set(methods) <= WRITE_METHODS else extra_pages),
        unbounded=unbounded if unbounded is not None else (h.unbounded if h else None),
        unbounded_file=handler_file,
        status_code=h.status_code if h else None, writes=h.writes if h else (),
        resource_writes=h.resource_writes if h else (),
        response_model=h.response_model if h else None,
        sets_status=h.sets_status if h else False,
        credentials=h.credentials if h else None,
        raw=chain.raw + ((h.decorators + h.dependencies + h.guards) if h else ()),
        action=action, overrides=overrides, handler_params=h.params if h else (),
        decorator=fact.decorator, serves_html=h.serves_html if h else False,
        serves_json=h.serves_json if h else False,
        handler_async=h.is_async if h else False, path_written=fact.path_written,
        request_is_body=h.request_is_body if h else False,
        ends_in_redirect=h.ends_in_redirect if h else False,
        # A handler that returns a query of its own (`if ?all=: return Response(S(qs))`,
        # else `super().get()`) answers that one itself, whatever its other branch does.
        path_source=fact.path_source,
        hands_on=bool(h and (h.delegates or h.lists) and h.unbounded is None),
    )
    # A `size` the path captures (`/avatar/<int:size>/…`, `/thumbnail/<int:size>`) is the
    # size of what the path names, not a page size; a page number or a limit captured by
    # the path (`/history/<int:page>`) still pages or bounds the answer.
    captured = {name for groups in route.params for name in groups if name}
    if "size" in captured and route.pagination:
        route.pagination = tuple(p for p in route.pagination if p != "size")
    if where is not None:
        # Report where the route is written when that is not the registration (DRF @action).
        registered = len(segments(path)) - len(segments(where[2])) - (
            1 if action_detail else 0)
        route.registered_at = (route.file, route.span, route.own_path, registered)
        route.file, route.span, route.own_path = where
    elif fact.base_at is not None and fact.path is not None:
        file, span, written, before = fact.base_at
        end = len(segments(route.path)) - len(segments(fact.path)) + before + len(
            segments(written))
        route.registered_at = (file, span, written, end)
    return route


def _http_endpoint(ref: str | None, views: dict[str, ViewClassFact], resolver: Resolver
                   ) -> bool:
    """A project class deriving (through project classes) from Starlette's HTTPEndpoint."""
    found = resolver.find(ref)
    return found is not None and any(
        isinstance(item, str) and item.rsplit(".", 1)[-1] == "HTTPEndpoint"
        for item in _base_names(views[found], views, resolver))


def _base_names(view: ViewClassFact, views: dict[str, ViewClassFact], resolver: Resolver
                ) -> list[ViewClassFact | str]:
    """The class and its ancestors in Python's method resolution order (C3,
    analysis/mro.py): project classes as facts, library classes as names (opaque: their own
    bases are the library's), so the first class of the list that defines a method or an
    attribute is the one Python uses."""

    def parents(item: ViewClassFact | str) -> list[ViewClassFact | str]:
        if isinstance(item, str):
            return []
        out: list[ViewClassFact | str] = []
        for base in item.bases:
            found = resolver.find(base)
            out.append(views[found] if found and found != item.name else base)
        return out

    def key(item: ViewClassFact | str) -> tuple[str, str]:
        return ("library", item) if isinstance(item, str) else ("project", item.name)

    return list(linearize(view, parents, key))


def _reexported(name: str, resolver: Resolver) -> str | None:
    """`from indico.modules.admin import RHAdminBase`, re-exported by the package's
    `__init__` from `indico.modules.admin.controllers.base`: the one known class of that name
    defined inside the package the base is imported from."""
    if "." not in name:
        return None
    package, last = name.rsplit(".", 1)
    # The known names ending in `last`, from the resolver's index (this was a scan of every
    # known name per base, in the parent's serial project phase: 391 scans on wagtail).
    found = [n for n in resolver.named(last) if f".{package}." in f".{n}"]
    return found[0] if len(found) == 1 else None


def _lookup_kwarg(view: ViewClassFact, views: dict[str, ViewClassFact],
                  resolver: Resolver) -> str:
    """The URL keyword of a viewset's detail routes, as DRF's routers build it:
    `lookup_url_kwarg`, else `lookup_field`, else `pk`, the nearest class in the
    hierarchy deciding (a class that sets either one decides both)."""
    for item in _base_names(view, views, resolver):
        if isinstance(item, ViewClassFact):
            found = item.literals.get("lookup_url_kwarg") or item.literals.get("lookup_field")
            if found:
                return found
    return "pk"


def _class_view(view: ViewClassFact, views: dict[str, ViewClassFact], resolver: Resolver,
                _seen: frozenset[str] = frozenset()
                ) -> tuple[dict[str, HandlerInfo], set[str], tuple[str, ...], tuple[str, ...],
                           tuple[str, ...], QueryFact | None, list[str]]:
    """Methods (own and inherited), library base names, auth / limit / pagination evidence."""
    chain = _base_names(view, views, resolver)
    methods: dict[str, HandlerInfo] = {}
    libs: set[str] = set()
    auth: tuple[str, ...] = ()
    limits: tuple[str, ...] = ()
    pages: tuple[str, ...] = ()
    queryset: QueryFact | None = None
    attrs_seen: set[str] = set()
    for item in chain:
        if isinstance(item, str):
            libs.add(item.rsplit(".", 1)[-1])
            if item in _DJANGO_LIST_VIEW:
                libs.add(item)
            # A project base imported through a package that re-exports it: what it does
            # counts for authentication only (the rest of the model keeps reading the
            # name, as Flask-AppBuilder's own views expect of `flask_appbuilder.ModelRestApi`).
            target = _reexported(item, resolver)
            if target is not None and target not in _seen and target != view.name:
                auth += _class_view(views[target], views, resolver, _seen | {view.name})[2]
            continue
        for name, info in item.methods.items():
            if name not in methods:
                methods[name] = info
            elif methods[name].delegates:
                # `return super().get()`: the base's evidence is this method's too.
                mine = methods[name]
                methods[name] = replace(
                    mine, delegates=info.delegates, lists=info.lists,
                    pagination=tuple(dict.fromkeys(mine.pagination + info.pagination)),
                    auth=tuple(dict.fromkeys(mine.auth + info.auth)),
                    limits=tuple(dict.fromkeys(mine.limits + info.limits)),
                    unbounded=mine.unbounded or info.unbounded)
        # A base read by name stands only when it is not the project's: a project class's
        # own evidence (its fact, later in the chain) decides, whatever its name says.
        own_auth = tuple(a for a in item.auth if a not in item.bases or resolver.find(a) is None)
        # An attribute set in a subclass overrides the base: first one seen wins.
        if "permission_classes" not in attrs_seen:
            auth += own_auth
        else:
            auth += tuple(a for a in own_auth if not a.startswith("permission_classes"))
        if "throttle_classes" not in attrs_seen:
            limits += item.limits
        form = resolver.find(item.attrs.get("form_class"))
        if form is not None and form != item.name:
            limits += views[form].limits
        if "pagination_class" not in attrs_seen:
            pages += item.pagination
        attrs_seen |= set(item.attrs)
        if queryset is None and item.queryset is not None:
            queryset = item.queryset
    get, listing = methods.get("get"), methods.get("list")
    if get is not None and get.lists and listing is not None and not listing.delegates:
        # `self.list()` runs the project's own list() (nearest in the MRO), which builds its
        # answer itself: no pagination class pages it.
        methods["get"] = replace(get, lists=False)
    own = _own_get_queryset(chain)
    if own is not None:
        queryset = own.queryset
    if queryset is not None:
        queryset = _as_listed(queryset, chain)
    return methods, libs, auth, limits, pages, queryset, [v.name for v in chain
                                                          if isinstance(v, ViewClassFact)]


def _as_listed(queryset: QueryFact, chain: list[ViewClassFact | str]) -> QueryFact:
    """The queryset as DRF's list serves it: narrowed by the nearest `get_queryset` of the
    MRO to one parent the request names, refined by the nearest `filter_queryset`. A
    library class first in the order (its own method) leaves the question unread."""
    scope = _nearest(chain, "scope")
    refines = _nearest(chain, "refines")
    narrows = _nearest(chain, "narrows")
    return replace(queryset, parent=queryset.parent or scope, refined=refines,
                   narrowed=narrows)


def _nearest(chain: list[ViewClassFact | str], attr: str) -> str:
    for item in chain:
        if isinstance(item, str):
            return ""  # not read: a library class may define it
        value = getattr(item, attr)
        if value:
            return "" if value == "-" else value
    return ""


def _own_get_queryset(chain: list[ViewClassFact | str]) -> ViewClassFact | None:
    """The class whose own `get_queryset` answers the list, when the nearest one in the
    hierarchy builds its queryset itself: a subclass's `queryset = Dynamic.objects.all()`
    under a base whose get_queryset never reads it (kolibri's network location views) is
    not what the list returns; what that get_queryset returns is (None when unread). A
    get_queryset that starts from `super()` hands the question on to the next one."""
    for item in chain:
        if not isinstance(item, ViewClassFact) or not item.get_queryset:
            continue
        if item.get_queryset == "own":
            return item
        if item.queryset is not None:
            return None  # it reads its own query from `self.model` / `self.queryset`
    return None


def _expand(fact: RouteFact, prefix: str, own: str, known: bool, chain: _Chain,
            views: dict[str, ViewClassFact], resolver: Resolver, funcs: dict[str, Any],
            func_resolver: Resolver, pages: PageSummaries | None = None) -> list[Route]:
    routes = _expand_view(fact, prefix, own, known, chain, views, resolver, funcs,
                          func_resolver)
    if fact.view_ref is not None and fact.registration != "appbuilder" and _class_serves_html(
            fact, views, resolver, pages or PageSummaries(None)):
        # A template view or an HTML-rendering viewset: every method it serves is a page
        # (or the form post of one), but for a method that answers JSON itself.
        for route in routes:
            route.serves_html = route.serves_html or not route.serves_json
    return routes


def _class_serves_html(fact: RouteFact, views: dict[str, ViewClassFact], resolver: Resolver,
                       pages: PageSummaries) -> bool:
    """The registered view class renders HTML: through its view facts' lineage, or, for a
    class the route collector kept no fact of (`class InvoiceEdit(InvoicePageBase): pass`)
    or a library view (`TemplateView.as_view(...)`), through the program model's class
    hierarchy to the first class that has one."""
    found = resolver.find(fact.view_ref) or resolver.find(fact.view_ref_local)
    if found is not None:
        return lineage_serves_html(_base_names(views[found], views, resolver), pages)
    ref = fact.view_ref or ""
    if lineage_serves_html([ref], pages):
        return True
    for cls in pages.classes_of(ref):
        known = resolver.find(cls.qualname)
        if known is not None:
            return lineage_serves_html(_base_names(views[known], views, resolver), pages)
        if lineage_serves_html(list(cls.bases), pages):
            return True
    return False


def _expand_view(fact: RouteFact, prefix: str, own: str, known: bool, chain: _Chain,
                 views: dict[str, ViewClassFact], resolver: Resolver, funcs: dict[str, Any],
                 func_resolver: Resolver) -> list[Route]:
    full = _join(prefix, own)
    if fact.view_ref is None:
        return [_route(fact, full, known, chain, fact.methods or ("ANY",), fact.handler,
                       fact.file)]
    found = resolver.find(fact.view_ref) or resolver.find(fact.view_ref_local)
    func_name = None if found else func_resolver.find(fact.view_ref)
    if found is None and func_name is None:
        # `api.Login.as_view()` where the package's `__init__` star-imports its modules
        found = _reexported(fact.view_ref, resolver)
    if func_name is not None:
        func = funcs[func_name]
        wrap = fact.handler
        framework = "drf" if any(d.endswith("api_view") for d in func.handler.decorators) \
            else fact.framework
        methods = fact.methods or func.methods or ("ANY",)
        route = _route(fact, full, known, chain, methods, func.handler, func.file,
                       wrap.auth if wrap else (), wrap.limits if wrap else (),
                       framework=framework)
        if wrap is not None:
            # `team_members_only(views.edit)`: a project guard wrapping the view.
            route.raw += tuple(d for d in wrap.decorators if d not in route.raw)
        return [route]
    if found is None:
        # A view class from a library or not in the reviewed paths: one route, methods unknown.
        # Flask-AppBuilder serves such a class below its own route_base, not at the root.
        if fact.registration == "appbuilder":
            full, known = UNKNOWN_PREFIX, False
        last = fact.view_ref.rsplit(".", 1)[-1]
        handler = fact.handler or HandlerInfo(name=last, line=fact.span.start_line,
                                              span=fact.span)
        library = _LIBRARY_API_VIEWS.get(fact.view_ref)
        if library is not None:
            # A library's DRF view: DRF's settings act on it, less what its class sets.
            return [_route(fact, full, known, chain, fact.methods or library[0], handler,
                           fact.file, framework="drf", overrides=library[1])]
        # A Django / DRF generic view serves the methods its class is known for.
        methods = fact.methods or (_GENERIC_METHODS.get(last, ()) if "." in fact.view_ref
                                   else ()) or ("ANY",)
        return [_route(fact, full, known, chain, methods, handler, fact.file)]
    view = views[found]
    if fact.registration == "appbuilder":
        return _appbuilder_routes(fact, chain, view, views, resolver)
    out = _expand_class(fact, full, known, chain, view, views, resolver)
    if fact.handler is not None:
        _add_wrappers(out, fact.handler)
    return out


def _add_wrappers(routes: list[Route], wrap: HandlerInfo) -> None:
    """`path("me/profile", login_required(views.user_profile))` with `user_profile =
    UserProfile.as_view()`: what wraps the registered view guards every route its class
    serves (the library's auth / limits, and the wrappers as raw decorators for the
    project's own guards, `team_members_only(TeamView.as_view())`)."""
    for route in routes:
        route.auth += tuple(a for a in wrap.auth if a not in route.auth)
        route.limits += tuple(a for a in wrap.limits if a not in route.limits)
        route.raw += tuple(d for d in wrap.decorators if d not in route.raw)


def _expand_class(fact: RouteFact, full: str, known: bool, chain: _Chain,
                  view: ViewClassFact, views: dict[str, ViewClassFact], resolver: Resolver
                  ) -> list[Route]:
    """The routes a registered project view class serves (methods, DRF router actions)."""
    from .host_apps import (
        BULK_LIST_METHODS,
        has_notes_action,
        is_bulk_router,
        is_ui_router,
        viewset_actions,
    )

    methods, libs, auth, limits, pages, queryset, _ = _class_view(view, views, resolver)
    lineage = _base_names(view, views, resolver)
    # What the project's classes set, and what a library view in the MRO sets in its own
    # class body (drf-spectacular's views: permission / authentication classes of their own).
    own_attrs = {a for item in lineage if isinstance(item, ViewClassFact) for a in item.attrs}
    library_attrs = {a for item in lineage if isinstance(item, str)
                     for a in _LIBRARY_API_VIEWS.get(item, ((), ()))[1]}
    if "permission_classes" in own_attrs:
        # The project's class sets its own: SERVE_PERMISSIONS no longer reaches it.
        library_attrs.discard("serve_permissions")
    overrides = tuple(sorted(own_attrs | library_attrs))
    # What the library serves: Python looks a method up along the whole MRO, so every
    # generic library view in it contributes its methods (`ListAPIView, CreateAPIView`
    # serve GET and POST), in MRO order, whatever their names sort as.
    lib_methods = tuple(dict.fromkeys(
        m for item in lineage if isinstance(item, str)
        for m in (_GENERIC_METHODS.get(item.rsplit(".", 1)[-1], ())
                  or _LIBRARY_API_VIEWS.get(item, ((), ()))[0])))
    view_handler = HandlerInfo(name=view.name.rsplit(".", 1)[-1], line=view.line,
                               span=view.span)
    out: list[Route] = []
    is_viewset = fact.is_router_register or any("ViewSet" in b for b in libs) or any(
        m in methods for m in ("list", "retrieve", "create", "destroy"))
    framework = "drf" if (is_viewset or any(b.endswith("APIView") for b in libs)) else (
        fact.framework)
    if fact.is_router_register:
        if is_ui_router(fact.router_class):
            from .host_apps import ui_routes

            return ui_routes(fact, full, known, chain, view, views, resolver, methods, auth,
                             limits, pages, queryset, overrides)
        actions: dict[str, str] = {}
        for lib in libs:
            for action in _MIXIN_ACTIONS.get(lib, ()):
                actions[action] = view.file
        # A host application's viewset (Nautobot, NetBox), by qualified name: a library
        # class, or the host's own class when the run reviews the host itself.
        for item in lineage:
            for action in viewset_actions(item if isinstance(item, str) else item.name):
                actions[action] = view.file
        if is_bulk_router(fact.router_class):
            for action in BULK_LIST_METHODS:
                if action in methods:
                    actions[action] = view.file
        # The host's router maps PUT / PATCH / DELETE of the list route to the bulk actions.
        list_mapping = {**_VIEWSET_LIST, **BULK_LIST_METHODS} if is_bulk_router(
            fact.router_class) else _VIEWSET_LIST
        for action in list(_VIEWSET_LIST) + list(_VIEWSET_DETAIL):
            if action in methods:
                actions[action] = view.file
        # DRF routers add a trailing slash by default.
        list_path = full.rstrip("/") + "/"
        detail_path = list_path + f"{{{_lookup_kwarg(view, views, resolver)}}}/"
        for _group, mapping, path in (("list", list_mapping, list_path),
                                     ("detail", _VIEWSET_DETAIL, detail_path)):
            for action, method in mapping.items():
                if action not in actions:
                    continue
                handler = methods.get(action) or view_handler
                if handler is not view_handler:
                    handler = replace(handler, name=f"{view_handler.name}.{handler.name}")
                unbounded = None
                if action == "list" and handler is view_handler:
                    unbounded = queryset
                out.append(_route(fact, path, known, chain, (method,), handler, view.file,
                                  auth, limits, pages, unbounded, action, framework,
                                  overrides))
        acts = _collect_actions(view, views, resolver)
        if not any(a.name == "notes" for a in acts) and any(
                has_notes_action(item if isinstance(item, str) else item.name)
                for item in lineage):
            # Nautobot's NotesViewSetMixin: `@action(detail=True, methods=["get", "post"])`.
            out.append(_route(fact, detail_path + "notes/", known, chain, ("GET", "POST"),
                              view_handler, view.file, auth, limits, pages, None, "notes",
                              framework, overrides))
        for act in acts:
            base = detail_path if act.detail else list_path
            path = _join(base.rstrip("/") + "/", act.url_path + "/")
            named = replace(act.handler, name=f"{view_handler.name}.{act.handler.name}")
            # An action inherited from a mixin in another module is written there.
            act_file = act.handler.file or view.file
            out.append(_route(fact, path, known, chain, act.methods, named, act_file,
                              auth, limits, pages, None, act.name, framework, overrides,
                              (act_file, act.handler.span, act.url_path), act.detail))
        return out
    if fact.methods and not methods:
        # `add_url_rule(rule, endpoint, RHClass, methods=(...))`: the registration decides.
        return [_route(fact, full, known, chain, fact.methods, view_handler, view.file, auth,
                       limits, pages, None, "", framework, overrides)]
    served: list[tuple[str, HandlerInfo]] = []
    # A project method that only hands over to the library (`return super().post(...)`,
    # a guard first) serves that method only when the library view does: a mixin's
    # post() on a TemplateView page leaves it a GET page.
    lib_serves = set(lib_methods)
    for name in HTTP_METHODS:
        if name in methods and not (methods[name].delegates and lib_serves and
                                    name.upper() not in lib_serves):
            served.append((name.upper(), methods[name]))
    inherited: list[str] = []
    if served and "http_method_names" not in overrides:
        # The library view's own methods the project classes do not define are still served
        # (ephios' `OIDCLoginView(LoginView)` overrides only get(): the login POST is
        # LoginView's). A class that narrows http_method_names serves what it lists: not
        # told here, so nothing is added.
        inherited = [m for m in lib_methods if m.lower() not in methods]
    if not served:
        list_view = _lists_every_row(libs)
        if list_view and queryset is not None and libs & set(_DJANGO_LIST_VIEW):
            queryset = replace(queryset, rendered=True)
        for method in lib_methods or ("ANY",):
            listing = method == "GET" and list_view
            out.append(_route(fact, full, known, chain, (method,), view_handler, view.file,
                              auth, limits, pages, queryset if listing else None,
                              "list" if listing else "", framework, overrides))
        return out
    for method, handler in served:
        handler = replace(handler, name=f"{view_handler.name}.{handler.name}")
        unbounded = None
        listing = method == "GET" and _lists_every_row(libs)
        if listing and handler.unbounded is None:
            unbounded = queryset
            if unbounded is not None and libs & set(_DJANGO_LIST_VIEW):
                unbounded = replace(unbounded, rendered=True)
        out.append(_route(fact, full, known, chain, (method,), handler, view.file, auth,
                          limits, pages, unbounded, "list" if listing else "", framework,
                          overrides))
    for method in inherited:
        # Served by the library's code: the class is the handler (as for a class that
        # defines no method of its own).
        listing = method == "GET" and _lists_every_row(libs)
        out.append(_route(fact, full, known, chain, (method,), view_handler, view.file, auth,
                          limits, pages, queryset if listing else None,
                          "list" if listing else "", framework, overrides))
    return out


def _appbuilder_routes(fact: RouteFact, chain: _Chain, view: ViewClassFact,
                       views: dict[str, ViewClassFact], resolver: Resolver) -> list[Route]:
    """The @expose routes of a Flask-AppBuilder class and its bases (a subclass's method
    overrides the base's), below the route_base the nearest class declares."""
    from .appbuilder import API_BASES, LIBRARY_AUTH, LIBRARY_PAGINATED, LIBRARY_ROUTES, VIEW_BASES

    lineage = _base_names(view, views, resolver)
    literals: dict[str, str] = {}
    exposes: dict[str, list[ExposeFact]] = {}
    libs: list[str] = []
    for item in lineage:
        if isinstance(item, str):
            libs.append(item.rsplit(".", 1)[-1])
            continue
        for key, value in item.literals.items():
            literals.setdefault(key, value)
        by_method: dict[str, list[ExposeFact]] = {}
        for exp in item.exposes:
            by_method.setdefault(exp.method, []).append(exp)
        for method, items in by_method.items():
            exposes.setdefault(method, items)
    for lib in libs:
        for method, (url, http) in LIBRARY_ROUTES.get(lib, {}).items():
            pages = (f"{lib}.{method} (page, page_size)",) if method in LIBRARY_PAGINATED \
                else ()
            handler = HandlerInfo(name=method, line=view.line, span=view.span,
                                  auth=LIBRARY_AUTH.get(lib, ("flask_appbuilder protect()",)),
                                  pagination=pages)
            exposes.setdefault(method, [ExposeFact(method, url, http, handler)])
    cls = view.name.rsplit(".", 1)[-1]
    # Flask-AppBuilder's own base classes are project classes when the library itself is
    # reviewed: they count by name too.
    kinds = set(libs) | {item.name.rsplit(".", 1)[-1] for item in lineage[1:]
                         if isinstance(item, ViewClassFact)}
    if "route_base" in literals:
        base = literals["route_base"]
    elif kinds & API_BASES:
        resource = literals.get("resource_name") or cls.lower()
        base = f"/api/{literals.get('version', 'v1')}/{resource.lower()}"
    elif kinds & VIEW_BASES:
        base = "/" + cls.lower()
    else:
        return []
    include = literals.get("include_route_methods")
    exclude = set((literals.get("exclude_route_methods") or "").split(","))
    out: list[Route] = []
    for method in sorted(exposes):
        if (include is not None and method not in include.split(",")) or method in exclude:
            continue
        for exp in exposes[method]:
            known = exp.url is not None
            path = _join(base, exp.url or UNKNOWN_PREFIX)
            handler = replace(exp.handler, name=f"{cls}.{exp.handler.name}")
            out.append(_route(fact, path, known, chain, exp.http, handler, view.file,
                              framework="flask", action=method))
    return out


def _collect_actions(view: ViewClassFact, views: dict[str, ViewClassFact],
                     resolver: Resolver) -> list[ActionFact]:
    out: list[ActionFact] = []
    seen: set[str] = set()
    for item in _base_names(view, views, resolver):
        if isinstance(item, ViewClassFact):
            for act in item.actions:
                if act.name not in seen:
                    seen.add(act.name)
                    out.append(act)
    return out


def project_routes(facts: dict[str, list[Any]]) -> list[Route]:
    """The merged routes, computed once per run however many route rules ask."""
    cached = facts.get("_merged_routes")
    if cached is None:
        cached = [merge_routes(facts)]
        facts["_merged_routes"] = cached
    return cached[0]


def is_api_route(route: Route) -> bool:
    """An API route (JSON, where REST naming applies) rather than an HTML page: FastAPI,
    Starlette, DRF and aiohttp routes, a handler that answers only JSON, and any route under
    an `api` or version segment.
    GraphQL operations are not: their names are fields, not paths."""
    if (route.methods and route.methods[0] in ("QUERY", "MUTATION")) or route.serves_html:
        return False
    if route.framework in ("fastapi", "starlette", "drf", "aiohttp") or route.serves_json:
        return True
    import re

    # `/api/`, `/api2/`, `/apiv1/`, `/v1/`; not a page named after API things (`/api-tokens/
    # add/`, a form page of the web UI).
    return any(re.fullmatch(r"_?api(v?\d+(\.\d+)?)?|v\d+(\.\d+)?", s.lower())
               for s in route.path.split("/"))
