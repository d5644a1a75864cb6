"""Host applications that load plugin apps: Nautobot and NetBox.

A Nautobot app (`class GoldenConfig(NautobotAppConfig)`) or NetBox plugin
(`class MyConfig(PluginConfig)`) is a Django app the host's plugin loader mounts: its
`urls.urlpatterns` under `/plugins/<base_url>/`, its `api.urls.urlpatterns` under
`/api/plugins/<base_url>/` (`base_url` of the config class, else the app label). Its API
viewsets derive from the host's viewset classes (`NautobotModelViewSet`,
`NetBoxModelViewSet`), registered on the host's router (which maps PUT / PATCH / DELETE of
the list route to the bulk actions), and the host's REST_FRAMEWORK settings authenticate
and page them. None of that is in the plugin's tree: this module is the library knowledge,
as read from the hosts' sources (nautobot 3.2.7: nautobot/extras/plugins/__init__.py
NautobotAppConfig.ready, nautobot/core/api/routers.py, nautobot/core/settings.py
REST_FRAMEWORK; netbox 4.7.3: netbox/plugins/urls.py, netbox/api/routers.py,
netbox/api/viewsets/__init__.py, netbox/settings.py REST_FRAMEWORK).

Every class is matched by its qualified name through the imports (a class spelt like the
host's but imported from elsewhere is not the host's).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from .common import literal_str, this_module
from .routes import HandlerInfo, MountFact, OwnerFact

if TYPE_CHECKING:
    from ...context import FileContext
    from ...model import Span
    from .routes import QueryFact, Resolver, Route, RouteFact, ViewClassFact, _Chain

_CRUD = ("list", "create", "retrieve", "update", "partial_update", "destroy")
_BULK = ("bulk_update", "bulk_partial_update", "bulk_destroy")
# The host routers' list route: DRF's mapping plus these (OrderedDefaultRouter.__init__,
# NetBoxRouter.__init__: `self.routes[0].mapping.update(...)`).
BULK_LIST_METHODS = {"bulk_update": "PUT", "bulk_partial_update": "PATCH",
                     "bulk_destroy": "DELETE"}


@dataclass(frozen=True)
class Host:
    name: str
    configs: frozenset[str]  # the plugin AppConfig base classes
    # Where the loader imports the plugin's url modules from: Nautobot, the config class's
    # module (`f"{self.__module__}.urls.urlpatterns"`); NetBox, the plugin's package.
    urls_from_package: bool
    routers: frozenset[str]  # DRF router subclasses with the bulk list mapping
    viewsets: dict[str, tuple[str, ...]]  # viewset class -> the router actions it serves
    notes: frozenset[str]  # viewset classes with Nautobot's `notes` detail action
    permission: str
    authentication: str
    pagination: str
    api_prefix: str = "/api/plugins"
    ui_prefix: str = "/plugins"

    @property
    def api_root(self) -> str:
        """The synthetic app standing for the host's plugin API URL list."""
        return f"<{self.name} plugin API>"

    @property
    def ui_root(self) -> str:
        return f"<{self.name} plugin UI>"

    def shown(self, value: str, setting: str) -> str:
        return f"{value} ({self.name} REST_FRAMEWORK {setting})"


_NAUTOBOT_MODEL = (*_CRUD, *_BULK)
NAUTOBOT = Host(
    name="nautobot",
    configs=frozenset({"nautobot.apps.NautobotAppConfig",
                       "nautobot.extras.plugins.NautobotAppConfig"}),
    urls_from_package=False,
    routers=frozenset({"nautobot.apps.api.OrderedDefaultRouter",
                       "nautobot.core.api.routers.OrderedDefaultRouter"}),
    viewsets={
        # nautobot.core.api.views.ModelViewSet: DRF's ModelViewSet + the bulk mixins;
        # extras' CustomFieldModelViewSet and NautobotModelViewSet derive from it.
        "nautobot.apps.api.ModelViewSet": _NAUTOBOT_MODEL,
        "nautobot.core.api.views.ModelViewSet": _NAUTOBOT_MODEL,
        "nautobot.apps.api.CustomFieldModelViewSet": _NAUTOBOT_MODEL,
        "nautobot.extras.api.views.CustomFieldModelViewSet": _NAUTOBOT_MODEL,
        "nautobot.apps.api.NautobotModelViewSet": _NAUTOBOT_MODEL,
        "nautobot.extras.api.views.NautobotModelViewSet": _NAUTOBOT_MODEL,
        "nautobot.apps.api.ReadOnlyModelViewSet": ("list", "retrieve"),
        "nautobot.core.api.views.ReadOnlyModelViewSet": ("list", "retrieve"),
        # the bulk mixins a project viewset may add to DRF's own mixins
        "nautobot.apps.api.BulkUpdateModelMixin": ("bulk_update", "bulk_partial_update"),
        "nautobot.core.api.views.BulkUpdateModelMixin": ("bulk_update",
                                                         "bulk_partial_update"),
        "nautobot.apps.api.BulkDestroyModelMixin": ("bulk_destroy",),
        "nautobot.core.api.views.BulkDestroyModelMixin": ("bulk_destroy",),
    },
    notes=frozenset({"nautobot.apps.api.NautobotModelViewSet",
                     "nautobot.extras.api.views.NautobotModelViewSet",
                     "nautobot.apps.api.NotesViewSetMixin",
                     "nautobot.extras.api.views.NotesViewSetMixin"}),
    # nautobot/core/settings.py REST_FRAMEWORK
    permission="nautobot.core.api.authentication.TokenPermissions",
    authentication="nautobot.core.api.authentication.TokenAuthentication",
    pagination="nautobot.core.api.pagination.OptionalLimitOffsetPagination",
)
_NETBOX_MODEL = (*_CRUD, *_BULK)
NETBOX = Host(
    name="netbox",
    configs=frozenset({"netbox.plugins.PluginConfig"}),
    urls_from_package=True,
    routers=frozenset({"netbox.api.routers.NetBoxRouter"}),
    viewsets={
        "netbox.api.viewsets.NetBoxModelViewSet": _NETBOX_MODEL,
        "netbox.api.viewsets.NetBoxReadOnlyModelViewSet": ("list", "retrieve"),
    },
    notes=frozenset(),
    # netbox/settings.py REST_FRAMEWORK
    permission="netbox.api.authentication.TokenPermissions",
    authentication="netbox.api.authentication.TokenAuthentication",
    pagination="netbox.api.pagination.NetBoxPagination",
)
HOSTS = (NAUTOBOT, NETBOX)

# Nautobot's UI: `NautobotUIViewSetRouter` (nautobot/core/views/routers.py) serves a
# NautobotUIViewSet's actions as HTML pages at these paths below the prefix (`{lookup}` the
# detail key), GET and POST as its Route mappings say; @action routes follow as DRF's do.
UI_ROUTERS = frozenset({"nautobot.apps.urls.NautobotUIViewSetRouter",
                        "nautobot.core.views.routers.NautobotUIViewSetRouter"})
UI_ROUTES: tuple[tuple[str, bool, tuple[tuple[str, str], ...]], ...] = (
    ("", False, (("GET", "list"),)),
    ("add/", False, (("GET", "create"), ("POST", "create"))),
    ("import/", False, (("GET", "bulk_create"), ("POST", "bulk_create"))),
    ("edit/", False, (("POST", "bulk_update"),)),
    ("delete/", False, (("POST", "bulk_destroy"),)),
    ("", True, (("GET", "retrieve"),)),
    ("delete/", True, (("GET", "destroy"), ("POST", "destroy"))),
    ("edit/", True, (("GET", "update"), ("POST", "update"))),
)
# The UI viewset mixins (nautobot/core/views/mixins.py): the actions each serves, and the
# @action detail pages (url_path, methods) it declares.
_UI_MIXINS: dict[str, tuple[tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...]]] = {
    "ObjectDetailViewMixin": (("retrieve",), ()),
    "ObjectListViewMixin": (("list",), ()),
    "ObjectEditViewMixin": (("create", "update"), ()),
    "ObjectDestroyViewMixin": (("destroy",), ()),
    "ObjectBulkDestroyViewMixin": (("bulk_destroy",), ()),
    "ObjectBulkCreateViewMixin": (("bulk_create",), ()),
    "ObjectBulkUpdateViewMixin": (("bulk_update",), ()),
    "ObjectChangeLogViewMixin": ((), (("changelog", ("GET",)),)),
    "ObjectNotesViewMixin": ((), (("notes", ("GET",)),)),
    "ObjectDataComplianceViewMixin": ((), (("data-compliance", ("GET",)),)),
}
# NautobotUIViewSet (nautobot/core/views/viewsets.py) is all of them (its bulk-rename page
# is dropped for some models at run time: not shown).
_UI_VIEWSET = (tuple(a for acts, _ in _UI_MIXINS.values() for a in acts),
               tuple(d for _, details in _UI_MIXINS.values() for d in details))
UI_CLASSES = {
    **{f"{module}.{name}": value for name, value in _UI_MIXINS.items()
       for module in ("nautobot.apps.views", "nautobot.core.views.mixins")},
    "nautobot.apps.views.NautobotUIViewSet": _UI_VIEWSET,
    "nautobot.core.views.viewsets.NautobotUIViewSet": _UI_VIEWSET,
}
# NautobotViewSetMixin.dispatch checks the object permission of the action for every page;
# the list page's table is paged (NautobotHTMLRenderer: EnhancedPaginator, per_page capped
# by MAX_PAGE_SIZE).
UI_AUTH = "nautobot NautobotViewSetMixin (object permissions in dispatch)"
UI_PAGINATION = "nautobot NautobotHTMLRenderer (EnhancedPaginator)"


def is_ui_router(name: str | None) -> bool:
    return name in UI_ROUTERS


def ui_actions(lineage: list[str]) -> tuple[set[str], dict[str, tuple[str, ...]]]:
    """The UI actions and @action detail pages the host classes of a lineage serve."""
    actions: set[str] = set()
    details: dict[str, tuple[str, ...]] = {}
    for name in lineage:
        acts, pages = UI_CLASSES.get(name, ((), ()))
        actions.update(acts)
        for url_path, methods in pages:
            details.setdefault(url_path, methods)
    return actions, details
_BY_ROOT = {root: host for host in HOSTS for root in (host.api_root, host.ui_root)}


def host_of_root(root: str | None) -> Host | None:
    return _BY_ROOT.get(root or "")


def is_host_router(name: str | None) -> bool:
    """A host's DRF router: its API router (bulk list mapping) or Nautobot's UI router."""
    return any(name in host.routers for host in HOSTS) or is_ui_router(name)


def is_bulk_router(name: str | None) -> bool:
    return any(name in host.routers for host in HOSTS)


def viewset_actions(name: str) -> tuple[str, ...]:
    """The router actions a host viewset class serves (`()` for any other class)."""
    for host in HOSTS:
        if name in host.viewsets:
            return host.viewsets[name]
    return UI_CLASSES.get(name, ((), ()))[0]


def has_notes_action(name: str) -> bool:
    return any(name in host.notes for host in HOSTS)


@dataclass(frozen=True)
class PluginConfigFact:
    """A plugin's AppConfig class: the host, the URL segment the loader mounts it under
    (None when not a literal) and the module its url modules are looked up in."""

    name: str  # qualified name of the class
    host: str
    base_url: str | None
    urls_module: str
    file: str
    line: int


def plugin_config(ctx: FileContext, node: ast.ClassDef) -> PluginConfigFact | None:
    """`class GoldenConfig(NautobotAppConfig): base_url = "golden-config"`."""
    if not node.bases:
        return None
    bases = {ctx.qualified_name(b) for b in node.bases} - {None}
    host = next((h for h in HOSTS if bases & h.configs), None)
    if host is None:
        return None
    attrs: dict[str, ast.expr] = {}
    for stmt in node.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(
                stmt.targets[0], ast.Name):
            attrs[stmt.targets[0].id] = stmt.value
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and (
                stmt.value is not None):
            # `base_url: str = "golden-config"` sets the attribute too: skipping it would
            # mount the plugin under its label, a wrong path shown as known.
            attrs[stmt.target.id] = stmt.value
    base_url = _segment(attrs, "base_url")
    # The loaders mount at `base_url or label`: a written None or "" is the label too.
    falsy = isinstance(attrs.get("base_url"), ast.Constant) and not attrs["base_url"].value
    if base_url is None and ("base_url" not in attrs or falsy):
        # Django's AppConfig.label: the last part of `name`, unless the class sets one.
        label = _segment(attrs, "label")
        if label is None and "label" not in attrs:
            name = _segment(attrs, "name")
            label = name.rsplit(".", 1)[-1] if name else None
        base_url = label
    module = this_module(ctx)
    is_package = ctx.path.replace("\\", "/").endswith("/__init__.py") or \
        ctx.path == "__init__.py"
    if host.urls_from_package and not is_package:
        module = module.rsplit(".", 1)[0] if "." in module else module
    return PluginConfigFact(f"{this_module(ctx)}.{node.name}", host.name, base_url, module,
                            ctx.path, node.lineno)


def _segment(attrs: dict[str, ast.expr], name: str) -> str | None:
    value = attrs.get(name)
    text = literal_str(value) if value is not None else None
    return text.strip("/") if text else None


def plugin_mounts(configs: list[PluginConfigFact]) -> tuple[list[OwnerFact], list[MountFact]]:
    """The host's plugin URL lists as apps at their prefix, and each plugin's url modules
    mounted there below its base_url (an unknown segment when it is not a literal)."""
    owners: list[OwnerFact] = []
    mounts: list[MountFact] = []
    for fact in sorted(configs, key=lambda f: (f.file, f.line)):
        host = next(h for h in HOSTS if h.name == fact.host)
        for root, prefix, child in ((host.api_root, host.api_prefix, "api.urls"),
                                    (host.ui_root, host.ui_prefix, "urls")):
            owners.append(OwnerFact(root, "django", "app", prefix, file=fact.file,
                                    line=fact.line))
            mounts.append(MountFact(
                root, f"{fact.urls_module}.{child}.urlpatterns",
                None if fact.base_url is None else f"{fact.base_url}/", "django",
                fact.file, fact.line))
    return owners, mounts


def ui_routes(fact: RouteFact, full: str, known: bool, chain: _Chain, view: ViewClassFact,
              views: dict[str, ViewClassFact], resolver: Resolver,
              methods: dict[str, HandlerInfo], auth: tuple[str, ...], limits: tuple[str, ...],
              pages: tuple[str, ...], queryset: QueryFact | None,
              overrides: tuple[str, ...]) -> list[Route]:
    """The pages `NautobotUIViewSetRouter().register(prefix, ViewSet)` serves: the actions
    of the host's UI mixins in the class's lineage, or the project's own methods of those
    names, at the router's paths; then the class's @action pages."""
    from .routes import _base_names, _collect_actions, _join, _lookup_kwarg, _route

    # By qualified name: the host's library classes, or its own when the run reviews it.
    lineage = [item if isinstance(item, str) else item.name
               for item in _base_names(view, views, resolver)]
    actions, details = ui_actions(lineage)
    actions |= {name for name in methods if any(name == a for _, _, m in UI_ROUTES
                                                for _, a in m)}
    handler_of_view = HandlerInfo(name=view.name.rsplit(".", 1)[-1], line=view.line,
                                  span=view.span)
    list_path = full.rstrip("/") + "/"
    detail_path = list_path + f"{{{_lookup_kwarg(view, views, resolver)}}}/"
    ui_auth = (*auth, UI_AUTH) if lineage and any(n in UI_CLASSES for n in lineage) else auth
    out: list[Route] = []

    def add(path: str, verbs: tuple[str, ...], action: str, handler: HandlerInfo,
            where: tuple[str, Span, str] | None = None, detail: bool = False) -> None:
        listing = action == "list"
        route = _route(fact, path, known, chain, verbs, handler, handler.file or view.file,
                       ui_auth, limits, (*pages, UI_PAGINATION) if listing else pages,
                       queryset if listing and handler is handler_of_view else None, action,
                       "django", overrides, where, detail)
        route.serves_html = True
        out.append(route)

    for suffix, detail, mapping in UI_ROUTES:
        for verb, action in mapping:
            if action not in actions:
                continue
            own = methods.get(action)
            handler = replace(own, name=f"{handler_of_view.name}.{own.name}") if own \
                else handler_of_view
            add((detail_path if detail else list_path) + suffix, (verb,), action, handler)
    declared = _collect_actions(view, views, resolver)
    for url_path, verbs in details.items():
        if not any(a.url_path == url_path for a in declared):
            add(detail_path + url_path + "/", verbs, url_path, handler_of_view)
    for act in declared:
        base = detail_path if act.detail else list_path
        named = replace(act.handler, name=f"{handler_of_view.name}.{act.handler.name}")
        act_file = act.handler.file or view.file
        add(_join(base.rstrip("/") + "/", act.url_path + "/"), act.methods, act.name, named,
            (act_file, act.handler.span, act.url_path), act.detail)
    return out
