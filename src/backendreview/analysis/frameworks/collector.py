"""The route fact collector: a Rule-like visitor the engine runs in its single walk when a
route rule (or `backendreview routes`) needs routes. It only reads the file and emits plain
facts; the project phase (routes.merge_routes) puts them together."""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING, ClassVar

from ..program.partials import applied, calls_made, is_partial, may_hold_partials
from . import (
    aiohttp,
    appbuilder,
    auth_middleware,
    blueprint_verbs,
    call_bindings,
    config_paths,
    connexion_spec,
    django,
    django_decorated_patterns,
    django_middleware,
    django_registrars,
    django_url_helpers,
    drf_registry,
    endpoint_factory,
    eve,
    fastapi_starlette,
    flask,
    flask_classful,
    flask_plugins,
    flask_rest,
    flask_subclasses,
    graphql,
    guards,
    host_apps,
    html_pages,
    looped_routes,
    marked_routes,
    module_tables,
    param_routes,
    principal,
    restful_helpers,
    restx_imported,
    router_subclasses,
    tastypie_api,
    view_lookup,
    wsgi_dispatch,
)
from .common import assigned_target, dependency_alias, kwarg
from .routes import OwnerFact, SettingsFact

if TYPE_CHECKING:
    from ...context import FileContext
    from ...semantic import SemanticModel

FRAMEWORK_MODULES = ("fastapi", "starlette", "flask", "quart", "apiflask", "flask_smorest",
                     "django", "rest_framework", "aiohttp", "slowapi", "flask_limiter",
                     "fastapi_limiter", "flask_appbuilder", "connexion", *flask_rest.LIBS,
                     # dynamic-rest: a DRF extension (its routers and viewsets are DRF's)
                     "dynamic_rest")
FACT_KINDS = {"RouteFact": "route", "OwnerFact": "route_owner", "MountFact": "route_mount",
              "ViewClassFact": "view_class", "SettingsFact": "settings",
              "ViewFuncFact": "view_func", "ResourceHelperFact": "resource_helper",
              "HelperCallFact": "helper_call", "AliasFact": "dependency_alias",
              "GuardFact": "guard", "HookFact": "route_hook", "GqlTypeFact": "gql_type",
              "GqlBindingFact": "gql_binding", "GqlSchemaFact": "gql_schema",
              "GqlEndpointFact": "gql_endpoint", "GqlSettingsFact": "gql_settings",
              "GqlViewClassFact": "gql_view", "ParamsFact": "route_params",
              "CallArgFact": "route_call", "FactoryFact": "route_factory",
              "MakerFact": "route_maker", "MakerUseFact": "route_maker_use",
              "CollectionFact": "route_collection", "PageFunctionFact": "page_function",
              "BlueprintInitFact": "blueprint_init", "DeferredRouteFact": "deferred_route",
              "DeferredWrapFact": "deferred_wrap", "SelfCallFact": "self_call",
              "MarkDecoratorFact": "mark_decorator", "MarkReaderFact": "mark_reader",
              "ClassTableFact": "class_table",
              "ResourceRegistrarFact": "resource_registrar",
              "ResourceTableFact": "resource_table", "ProvidesFact": "registry_provides",
              "RegistryCallFact": "registry_call", "UrlHelperFact": "url_helper",
              "PatternDecoratorFact": "pattern_decorator", "PatternGroupFact": "pattern_group",
              "UrlHelperCallFact": "url_helper_call", "ViewAliasFact": "view_alias",
              "ParamRouteFact": "param_route", "ParamCallFact": "param_call",
              "RestxApiFact": "restx_api", "RestxCandidateFact": "restx_candidate",
              "RestxBuiltFact": "restx_built", "ClassfulClassFact": "classful_class",
              "ClassfulRegisterFact": "classful_register", "ViewMarkFact": "view_mark",
              "TastypieApiFact": "tastypie_api", "TastypieRegisterFact": "tastypie_register",
              "TastypieClassFact": "tastypie_class", "RegistrarFact": "django_registrar",
              "DecoratedClassFact": "decorated_class", "RouterMethodFact": "router_method",
              "SubclassCandidateFact": "router_candidate", "LoopedRouteFact": "looped_route",
              "ReturnedRowsFact": "returned_rows", "EveClassFact": "eve_class",
              "EveCallFact": "eve_call", "EveRegistrarFact": "eve_registrar",
              "EveDomainFact": "eve_domain", "EveAppFact": "eve_app",
              "EveSettingFact": "eve_setting", "TableCallFact": "table_call",
              "TableRegistrarFact": "table_registrar", "PluginConfigFact": "plugin_config"}
SETTINGS_NAMES = frozenset({"ROOT_URLCONF", "REST_FRAMEWORK", "MIDDLEWARE", "ACCOUNT_RATE_LIMITS",
                            "SPECTACULAR_SETTINGS"})
# The call handlers run only on calls that name one of their declared triggers (each module's
# CALL_NAMES / CALL_SUFFIXES, beside its on_call), plus RouteCollector._slowapi's own.
TRIGGERED = (fastapi_starlette, flask, aiohttp, django)
SLOWAPI_NAMES = frozenset({"Limiter", "add_middleware"})
CALL_NAMES = frozenset().union(SLOWAPI_NAMES, *(m.CALL_NAMES for m in TRIGGERED))
CALL_SUFFIXES = tuple(sorted({s for m in TRIGGERED for s in m.CALL_SUFFIXES}))


# `[{` with any blank space, line ending (CRLF too) or comment between: a list of dict
# literals, the only shape module_tables reads (a comment runs to its newline: one way to
# match, no backtracking over `#` rulers)
_TABLE_OPENING = re.compile(r"\[(?:\s|#[^\n]*\n)*\{")


class RouteCollector:
    """Emits route, route_owner, route_mount, view_class, view_func and settings facts."""

    id: ClassVar[str] = "routes"

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        sem = ctx.semantic
        self.active = any(sem.is_imported(m) for m in FRAMEWORK_MODULES)
        self.django = any(sem.is_imported(m) for m in ("django", "rest_framework",
                                                       "dynamic_rest"))
        self.flask = any(sem.is_imported(m) for m in ("flask", "quart", "apiflask"))
        if not self.active and flask.reexport_only(ctx):
            # `bp = superdesk.Blueprint(...)`: flask's Blueprint through a project module.
            self.active = self.flask = True
        self.flask_rest = flask_rest.active(ctx)
        self.fastapi = sem.is_imported("fastapi")
        self.starlette_or_fastapi = self.fastapi or sem.is_imported("starlette")
        self.connexion = connexion_spec.active(ctx)
        # Request handlers `def handler(request)` referenced from route lists elsewhere.
        self.starlette_or_aiohttp = sem.is_imported("starlette") or sem.is_imported("aiohttp")
        self.graphql = graphql.active(ctx)
        # Functions that may render a page (html_pages.page_function): only a file that
        # names a template or an HTML response can hold one.
        self.pages = any(w in ctx.text for w in ("render", "Template", "HTMLResponse"))
        self._subclass_owners: set[OwnerFact] = set()  # emitted by flask.subclass_route
        self._made: list[ast.Call] = []  # calls a partial stands for (_partial)
        self.tastypie = tastypie_api.active(ctx)
        # Per-file call gates, each exact (visit_Call, _visit_call): the callee names bound
        # by a loop (drf_registry's populator loops), the callee names a gated handler
        # reacts to, whether a partial can be made.
        self._loop_callees = sem.names_bound("for")
        self._triggers = _trigger_names(sem)
        self._partials = may_hold_partials(ctx)
        # Eve's facts, read in this walk (resource modules may import no framework); None
        # where the walk is partial (file_facts below) and end_file never comes.
        self._eve: eve.FileReader | None = eve.FileReader(ctx)
        # A list of dict literals in a call or a loop importing modules by name
        # (module_tables): written as text before any node is read.
        self._tables = _TABLE_OPENING.search(ctx.text) is not None
        self._imports_modules = "import_module" in ctx.text
        # Objects of a project class used like a flask-restx Api or Namespace: only a file
        # that writes one of their uses can hold one.
        self._restx_built = restx_imported.may_build(ctx)
        # A plugin of a host application (host_apps): only a file importing the host.
        self._host_app = sem.is_imported("nautobot") or sem.is_imported("netbox")
        # Flask-Classful views: the library's module, or a Flask module naming a view's
        # attributes or registering a class (a view of a project FlaskView subclass).
        self._classful = flask_classful.active(ctx)
        self._classful_views = self._classful or (self.flask and
                                                  flask_classful.may_hold_views(ctx))

    @classmethod
    def visitors(cls) -> dict[type[ast.AST], str]:
        return {ast.Call: "visit_Call", ast.FunctionDef: "visit_FunctionDef",
                ast.AsyncFunctionDef: "visit_FunctionDef", ast.ClassDef: "visit_ClassDef",
                ast.Assign: "visit_Assign", ast.AugAssign: "visit_Assign"}

    def _emit(self, facts: list[object]) -> None:
        for fact in facts:
            self.ctx.emit_fact(FACT_KINDS[type(fact).__name__], fact)

    def _marked(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        """Routes a project decorator marks for a loop that mounts them (marked_routes): the
        decorator, the reader, the candidates. Their modules may import no framework."""
        if isinstance(node, ast.FunctionDef) and not node.decorator_list:
            self._emit([f for f in [marked_routes.mark_decorator(self.ctx, node),
                                    marked_routes.class_table(self.ctx, node)] if f])
        if self.ctx.memo("mark-reader", self.ctx.tree,
                         lambda: ".route" in self.ctx.text and "__" in self.ctx.text):
            self._emit([f for f in [marked_routes.mark_reader(self.ctx, node)] if f])
        for dec in node.decorator_list:
            if isinstance(dec, ast.Call) and dec.keywords:
                self._emit([f for f in [marked_routes.marked_route(self.ctx, node, dec)] if f])

    def _emit_owned(self, node: ast.AST, facts: list[object]) -> None:
        """Route and mount facts, with the parameters of the functions around `node` that
        they are registered on (`def register_routes(app): app.include_router(...)`)."""
        if not facts:  # most calls: runs three times per call of every framework file
            return
        if not self.ctx.__dict__.get("_collecting_routes", False):
            # A route on a parameter of the function around it exists once per call of that
            # function (param_routes); the per-file handler question still sees it.
            facts = param_routes.templated(self.ctx, node, facts)
        names = [n for f in facts for n in (getattr(f, "owner", None), getattr(
            f, "parent", None), getattr(f, "child", None)) if isinstance(n, str)]
        self._emit(facts + call_bindings.params_facts(self.ctx, node, names))

    def visit_Call(self, node: ast.Call) -> None:
        # Eve's reader answers nothing for a call with fewer than two arguments (or none
        # positional) outside a file importing eve (eve.FileReader.on_call).
        if self._eve is not None and (self._eve.eve_here or (
                node.args and len(node.args) + len(node.keywords) > 1)):
            self._eve.on_call(node)
        # Each reader below is asked only when its per-file gate (or the callee's written
        # name) lets it answer: what it answers for the other calls is empty.
        func = node.func
        kind = type(func)
        written = func.attr if kind is ast.Attribute else (  # type: ignore[attr-defined]
            func.id if kind is ast.Name else "")  # type: ignore[attr-defined]
        # The three argument readers answer nothing for a call without arguments (one in
        # six), and helper_call nothing for one with fewer than two positional ones.
        passes = bool(node.args or node.keywords)
        # One pass over the arguments for the two readers below (call_bindings.arg_marks):
        # call_arg_facts answers only for an app-like argument or callee, param_routes'
        # call_fact only for one of the marks its _may_register looks for.
        marks = call_bindings.arg_marks(node) if passes else 0
        # An app, router or blueprint handed to a function (in any file: `main.py` may
        # import no framework).
        if passes and (marks & call_bindings.OWNER_ARG or call_bindings.ownerish(func)):
            self._emit_some(call_bindings.call_arg_facts(self.ctx, node))
        # An app registry's functions called with a router (drf_registry), in any file.
        if kind is ast.Name and written in self._loop_callees:
            self._emit_some(drf_registry.registry_call(self.ctx, node))
        # `admin_url(r"^x/$", View)` items of a URL list (django_url_helpers): a module of
        # URL lists may import only the project's helper.
        if len(node.args) > 1:
            self._emit_some(django_url_helpers.helper_call(self.ctx, node))
        # A call that may reach a function registering routes on its parameters (a class
        # among the arguments counts only with several of them).
        if marks & ~call_bindings.CLASS_ARG or (
                marks and len(node.args) + len(node.keywords) > 1):
            self._emit_some(param_routes.call_fact(self.ctx, node))
        # A table of resources handed to a project registrar (module_tables): the module
        # may import no framework.
        if self._tables and node.args:
            self._emit_some(module_tables.table_call(self.ctx, node))
        if written == "DispatcherMiddleware":
            self._emit_some(wsgi_dispatch.dispatcher_mounts(self.ctx, node))
        if not self.flask_rest and written == "namespace":
            # `ns = api.namespace(...)` on an Api imported from another module: a resource
            # module may import neither flask-restx nor flask.
            self._emit_some(restx_imported.namespace_candidate(self.ctx, node))
        if written == "register" and self._classful_views:
            self._emit_some(flask_classful.register_fact(self.ctx, node))
        if self._restx_built:
            # An Api / Namespace built from a project class (`api_v1 = Namespace("users")`
            # with the project's subclass), and what is registered on it.
            if kind is ast.Name:
                self._emit_some(restx_imported.built_object(self.ctx, node))
            elif written in restx_imported.BUILT_REGISTRATIONS:
                self._emit_some(restx_imported.built_registration(self.ctx, node))
        if self.tastypie:
            self._emit(tastypie_api.on_call(self.ctx, node))
        self._visit_call(node, written)

    def _emit_some(self, facts: list[object]) -> None:
        if facts:  # most calls: asked of every call, with nothing found
            self._emit(facts)

    def _visit_call(self, node: ast.Call, written: str) -> None:
        if self.graphql:
            self._emit(graphql.on_call(self.ctx, node))
        if written == "include_router" or written.endswith(CALL_SUFFIXES):
            # On an object of a project Router subclass (router_subclasses): the module that
            # puts the routers together may import only the project's router.
            self._emit_owned(node, router_subclasses.call_candidates(self.ctx, node))
        if not self.active:
            if written == "register_blueprint" and isinstance(node.func, ast.Attribute):
                # `app.register_blueprint(module.blueprint)` in a module that imports no
                # framework (the app comes in as a parameter).
                self._emit_owned(node, flask.on_call(self.ctx, node))
            elif written == "register" and isinstance(node.func, ast.Attribute):
                # `router.register(prefix, ViewSet)` on a parameter, in a populator module
                # that imports only its viewsets.
                self._emit_owned(node, drf_registry.parameter_register(self.ctx, node))
            elif written.endswith("Router"):
                # `router = routers.ListPatchRouter()` with the project's router class, in an
                # api/urls module that imports only its routers and views.
                self._emit(django.on_call(self.ctx, node))
            return
        if isinstance(node.func, ast.Call):
            self._decorator_call(node)
        if self.flask and isinstance(node.func, ast.Name) and len(node.args) == 1:
            # `api_endpoint(get_errors)`: a route-registering decorator applied by a call.
            self._emit(endpoint_factory.applied(self.ctx, node))
        if self._partials and is_partial(self.ctx, node):
            self._partial(node)
        # Most calls of a framework file name nothing any of these handlers reacts to: they
        # are skipped before any handler runs (each handler's output is empty for them).
        triggered = written in self._triggers or (self.flask and self._module_assigned(node))
        if triggered:
            self._emit_owned(node, fastapi_starlette.on_call(self.ctx, node))
            self._emit_owned(node, flask.on_call(self.ctx, node))
            self._emit_owned(node, aiohttp.on_call(self.ctx, node))
        if self.flask_rest:
            found = flask_rest.on_call(self.ctx, node)
            if found and not self.ctx.__dict__.get("_collecting_routes", False):
                found = param_routes.templated(self.ctx, node, found)
            self._emit(found)
        elif self.flask:
            if isinstance(node.func, ast.Attribute) and node.func.attr == "add_resource":
                # `api.add_resource(...)` on a parameter in a helper module (param_routes).
                self._emit(param_routes.parameter_resources(self.ctx, node))
            # Route tables handed to a project helper (`configure_api(bp, routes)`), an Api
            # imported from another module initialised on a blueprint.
            self._emit(flask_rest.helper_call(self.ctx, node))
            self._emit(flask_rest.init_on_blueprint(self.ctx, node))
        if written in appbuilder.REGISTER:
            self._emit(appbuilder.on_call(self.ctx, node))
        if self.connexion:
            self._emit(connexion_spec.on_call(self.ctx, node))
        if triggered:
            if self.django:
                self._emit_owned(node, django.on_call(self.ctx, node))
            self._emit(self._slowapi(node))

    def _partial(self, node: ast.Call) -> None:
        """`functools.partial(app.register_blueprint, api, url_prefix="/api")`: registers
        like the direct call, with the arguments of each call of it seen in this file
        merged in (analysis/program/partials)."""
        if not self._may_trigger(applied(node)):
            return  # a partial of nothing that registers: its calls are not looked for
        for made in calls_made(self.ctx, node):
            self._made.append(made)  # alive while the file's answers are keyed by node id
            self._emit_owned(node, fastapi_starlette.on_call(self.ctx, made))
            self._emit_owned(node, flask.on_call(self.ctx, made))
            self._emit_owned(node, aiohttp.on_call(self.ctx, made))

    def _may_trigger(self, node: ast.Call) -> bool:
        """Whether any gated `on_call` (TRIGGERED) or `_slowapi` can react to this call: its
        written name or the last part of its qualified name is a declared trigger, or (for
        flask.project_class) it is the value of a module-level assignment in a Flask file."""
        func = node.func
        written = func.attr if isinstance(func, ast.Attribute) else (
            func.id if isinstance(func, ast.Name) else "")
        if written in CALL_NAMES or written.endswith(CALL_SUFFIXES):
            return True
        qn = self.ctx.qualified_name(func)
        if qn and _triggers(qn.rsplit(".", 1)[-1]):
            return True
        return self.flask and self._module_assigned(node)

    def _module_assigned(self, node: ast.Call) -> bool:
        """The value of a module-level assignment, or of a function's own app it registers
        on (flask.project_class's calls)."""
        parent = self.ctx.semantic.parent(node)
        return isinstance(parent, ast.Assign | ast.AnnAssign) and (
            self.ctx.semantic.parent(parent) is self.ctx.tree or
            flask.local_owner_assignment(self.ctx, node))

    def _limiter_object(self, node: ast.Call, qn: str) -> list[object]:
        """`limiter = Limiter(...)` at module level: fixes reuse the project's limiter."""
        if not qn.startswith(("slowapi.", "flask_limiter.")):
            return []  # asked of every call: no split for the calls of other libraries
        library = {"slowapi": "fastapi", "flask_limiter": "flask"}.get(qn.split(".")[0])
        if library is None or not qn.endswith(".Limiter"):
            return []
        target = assigned_target(self.ctx, node)
        statement = self.ctx.semantic.parent(node)
        if not isinstance(target, ast.Name) or statement not in self.ctx.tree.body:
            return []
        return [SettingsFact("limiter-object", f"{self.ctx.module}.{target.id}",
                             library, self.ctx.path, node.lineno)]

    def _decorator_call(self, node: ast.Call) -> None:
        """`router.post("/x")(create_x)`: a route decorator applied by calling it on a
        function defined in this file."""
        if len(node.args) != 1 or not isinstance(node.args[0], ast.Name):
            return
        _, bindings = self.ctx.semantic.lookup(node.args[0].id, node.args[0])
        defs = [b.node for b in bindings if b.kind == "def"]
        if len(defs) != 1 or not isinstance(defs[0], ast.FunctionDef | ast.AsyncFunctionDef):
            if self.flask:
                # `bp.route(...)(login)` with a library's view function.
                fact = flask.route_applied_to_import(self.ctx, node)
                self._emit([fact] if fact is not None else [])
            return
        for module in (fastapi_starlette, flask, aiohttp):
            fact = module.route_from_decorator(self.ctx, defs[0], node.func)
            if fact is not None:
                self._emit([fact])
                return

    def _slowapi(self, node: ast.Call) -> list[object]:
        qn = self.ctx.qualified_name(node.func) or ""
        found = self._limiter_object(node, qn)
        if qn in ("slowapi.Limiter", "slowapi.extension.Limiter"):
            limits = kwarg(node, "default_limits") or kwarg(node, "application_limits")
            if limits is not None and not (isinstance(limits, ast.List | ast.Tuple)
                                           and not limits.elts):
                return [*found, SettingsFact("slowapi-default",
                                             "slowapi.Limiter(default_limits=...)",
                                             "fastapi", self.ctx.path, node.lineno)]
        if isinstance(node.func, ast.Attribute) and node.func.attr == "add_middleware" and \
                node.args:
            mw = self.ctx.qualified_name(node.args[0]) or ""
            if mw.startswith("slowapi."):
                return [SettingsFact("slowapi-middleware", mw, "fastapi", self.ctx.path,
                                     node.lineno)]
        return found

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        if self._eve is not None:
            self._eve.on_function(node)
        # A settings helper returning the REST_FRAMEWORK dict may import nothing at all.
        self._emit(django.settings_function(self.ctx, node))
        # A helper that registers routes for its callers may import no framework itself.
        helper = flask_rest.helper_from_function(self.ctx, node)
        if helper is not None:
            self._emit([helper])
        # An app factory may import no framework (it calls another factory).
        # Listed once for factory_fact and page_function (each answers the same whatever the
        # order), from the statements the semantic model listed in its walk.
        if self._imports_modules:
            self._emit_some(module_tables.module_loop_calls(self.ctx, node))
            registrar = module_tables.table_registrar(self.ctx, node)
            if registrar is not None:
                self._emit([registrar])
        returns = self.ctx.semantic.own_returns(node)
        factory = call_bindings.factory_fact(self.ctx, node, returns)
        if factory is not None:
            self._emit([factory])
        if returns:
            # A table of (path, handler) rows a route loop elsewhere may iterate
            # (looped_routes); its module may import no framework.
            rows = looped_routes.returned_rows(self.ctx, node, returns)
            if rows is not None:
                self._emit([rows])
        if self.graphql:
            self._emit(graphql.on_function(self.ctx, node))
        if self.pages:
            page = html_pages.page_function(self.ctx, node, returns)
            if page is not None:
                self._emit([page])
        if node.decorator_list:
            # `@BlueprintPlugin.route("/x")` on a plugin's method: a candidate the project
            # phase keeps only if the decorator defers to a blueprint (flask_plugins). A
            # plugin module may import no framework.
            self._emit(flask_plugins.deferred_routes(
                self.ctx, node, direct_only=self.ctx.__dict__.get("_collecting_routes", False)))
        if not self.ctx.__dict__.get("_collecting_routes", False):
            self._marked(node)
            # A decorator factory of another module of the project (endpoint_factory): the
            # project phase joins each use to it. The using module may import no framework.
            if node.decorator_list:
                self._emit(endpoint_factory.imported_uses(self.ctx, node))
            elif self.flask:
                self._emit(endpoint_factory.maker_fact(self.ctx, node))
        if not self.active and node.decorator_list:
            # `@rest.get("/leases")` on an instance of a project class defined elsewhere: a
            # candidate the project phase keeps only for a Blueprint subclass's routes.
            for dec in node.decorator_list:
                found = [f for f in flask.subclass_route(self.ctx, node, dec)
                         if f not in self._subclass_owners]  # each owner once
                self._subclass_owners.update(f for f in found if isinstance(f, OwnerFact))
                self._emit(found)
        if not self.active:
            return
        if self.flask and node.decorator_list:
            # `@api_endpoint`: a project decorator that registers the function as a route;
            # the route of its inner function exists once per use only.
            self._emit(endpoint_factory.decorated(self.ctx, node))
            if endpoint_factory.inside_factory(self.ctx, node):
                return
        for dec in node.decorator_list:
            for module in (fastapi_starlette, flask, aiohttp):
                fact = module.route_from_decorator(self.ctx, node, dec)
                if fact is not None:
                    self._emit_owned(dec, [fact])
                    break
            else:
                if self.starlette_or_fastapi:
                    candidate = router_subclasses.decorator_candidate(self.ctx, node, dec)
                    if candidate is not None:
                        self._emit([candidate])
        if self.django:
            helper = django_url_helpers.helper_fact(self.ctx, node)
            if helper is not None:
                self._emit([helper])
            decorating = django_decorated_patterns.decorator_helper(self.ctx, node)
            if decorating is not None:
                self._emit([decorating])
        if self.django or self.starlette_or_aiohttp:
            fact = django.view_func(self.ctx, node)
            if fact is not None:
                self._emit([fact])
        if self.flask and node.decorator_list:
            hooks = guards.flask_auth_hooks(self.ctx, node)
            # A hook on a parameter (`def register_handlers(app)`) stands for what the
            # callers pass: the function's parameters go with it.
            self._emit(hooks + call_bindings.params_facts(self.ctx, node,
                                                          [h.owner for h in hooks]))
        if not node.decorator_list:
            guard = guards.guard_decorator(self.ctx, node)
            if guard is None and self.fastapi:
                guard = fastapi_starlette.dependency_guard(self.ctx, node)
            if guard is not None:
                self._emit([guard])

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        if self._eve is not None:
            self._eve.on_class(node)
        if self.graphql:
            self._emit(graphql.on_class(self.ctx, node))
        if self.flask_rest:
            self._emit(list(flask_rest.route_from_class(self.ctx, node)))
            found = restful_helpers.registrar(self.ctx, node)
            if found is not None:
                self._emit([found])
            if node.decorator_list and self._restx_built:
                self._emit(restx_imported.class_candidates(self.ctx, node, built_only=True))
        elif node.decorator_list:
            self._emit(restx_imported.class_candidates(self.ctx, node))
        if self.django and node.decorator_list:
            # `@urls.register class FloatingIP(View)`: a view a project decorator registers.
            decorated = django_registrars.decorated_class(self.ctx, node)
            self._emit([decorated] if decorated is not None else [])
        # A table of resources a base class registers (restful_helpers): its module may
        # import no framework.
        self._emit(restful_helpers.tables(self.ctx, node))
        if self.tastypie or tastypie_api.holds_options(node):
            self._emit(tastypie_api.on_class(self.ctx, node))
        # In every file: a resource or viewset may take its methods, permissions and
        # pagination from a base class or mixin in a module that imports no framework.
        if self.starlette_or_fastapi:
            self._emit(router_subclasses.router_methods(self.ctx, node))
            guard = auth_middleware.middleware_guard(self.ctx, node)
            if guard is not None:
                self._emit([guard])
        if self.django:
            guard = django_middleware.middleware_guard(self.ctx, node)
            if guard is not None:
                self._emit([guard])
        inert = guards.middleware_enforcement(self.ctx, node)
        if inert is not None:
            self._emit([inert])
        if self._host_app:
            # A Nautobot app / NetBox plugin config: where the host mounts its urls.
            config = host_apps.plugin_config(self.ctx, node)
            if config is not None:
                self._emit([config])
        if self.flask and self.ctx.memo("add-url-rule", self.ctx.tree,
                                        lambda: "add_url_rule" in self.ctx.text):
            self._emit(flask_plugins.deferred_decorators(self.ctx, node))
            self._emit(flask_plugins.deferred_wrappers(self.ctx, node))
        if self.flask:
            init = flask_subclasses.blueprint_init(self.ctx, node)
            if init is not None:
                self._emit([init])
            if node.bases:
                # methods that hand on to their instance's (`get` -> `self.route`)
                self._emit(blueprint_verbs.self_calls(self.ctx, node))
        fact = appbuilder.enrich(self.ctx, node, django.view_class(self.ctx, node))
        if fact is not None:
            self._emit([fact])
        if self._classful or (self._classful_views and node.bases):
            # A FlaskView's members and attributes, and its mixins' (bases or not) in the
            # library's importers; decided in the project phase (flask_classful).
            classful = flask_classful.class_fact(self.ctx, node)
            if classful is not None:
                self._emit([classful])

    def visit_Assign(self, node: ast.Assign | ast.AugAssign) -> None:
        if self._eve is not None and type(node) is ast.Assign:
            self._eve.on_assign(node)
        target = node.targets[0] if isinstance(node, ast.Assign) else node.target
        if not isinstance(target, ast.Name):
            if self.flask and type(node) is ast.Assign and isinstance(target, ast.Attribute):
                # `get.is_public = True`: a mark a before_request hook may let through.
                mark = guards.view_mark(self.ctx, node)
                if mark is not None:
                    self._emit([mark])
            return
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Subscript) and \
                self.ctx.semantic.is_imported("fastapi"):
            alias = dependency_alias(self.ctx, node)
            if alias is not None:
                self._emit([alias])
                return
        if target.id.isupper():
            # `SECURITY_LOGIN_URL = "/login/"`: the value of a configured route path.
            self._emit(config_paths.constant_fact(self.ctx, node))
        if target.id == drf_registry.REGISTRY_NAME:
            self._emit(drf_registry.provides_facts(self.ctx, node))
        if self.django:
            alias = view_lookup.view_alias(self.ctx, node)
            if alias is not None:
                self._emit([alias])
            if self.ctx.semantic.scope_of(node) is self.ctx.semantic.module_scope:
                # `urls += decorated_patterns([login_required], path(...), *more_urls)`
                self._emit(django_decorated_patterns.assign_groups(self.ctx, node))
        if self.starlette_or_aiohttp and self.ctx.semantic.is_imported("starlette"):
            # `routes = api_routes + [Mount(...)]`: Starlette route lists put together.
            self._emit(fastapi_starlette.concatenated_lists(self.ctx, node))
        collection = call_bindings.collection_fact(self.ctx, node)
        if collection is not None:
            self._emit([collection])
        if target.id.startswith("GRAPHENE"):
            self._emit(graphql.on_assign(self.ctx, node))
        if target.id in SETTINGS_NAMES or (self.django and target.id.endswith("patterns")) or (
                not self.active and target.id == "urlpatterns"):
            # (`urlpatterns = router.urls` in a module that imports only its router.)
            self._emit(django.on_assign(self.ctx, node))
        if target.id == "urlpatterns" and isinstance(node, ast.Assign) and \
                self.ctx.semantic.scope_of(node) is self.ctx.semantic.module_scope:
            # `urlpatterns = get_urls()` (a URL module may import only the project's helper).
            self._emit(django_url_helpers.returned_list_mount(self.ctx, target.id, node.value))

    def end_file(self) -> None:
        # Permission objects are module constants or class attributes: read once per file.
        self._emit(principal.permission_facts(self.ctx))
        # Eve resources: classes, registrations and settings may sit in modules that import
        # no framework (a resource module imports only the project's base class).
        if self._eve is not None:
            self._emit(self._eve.facts)


def file_facts(ctx: FileContext) -> list[object]:
    """The registrations the collector finds in one file, gathered instead of emitted: the
    same recognisers answer per-file questions (analysis/handlers.is_route_handler) that the
    project phase answers for the route table. A pure function of the file, computed once
    per file whichever rule asks. Only what can register a function of this file is
    visited: decorated functions and classes with decorated methods, and calls that pass a
    function of this file (`add_get("/x", handler)`, `router.post("/x")(fn)`,
    `set_field("x", fn)`, `web.get(..., self.handler)` in a list)."""

    def compute() -> list[object]:
        collector = RouteCollector(ctx)
        if not (collector.active or collector.graphql):
            return []
        collector._eve = None  # its end_file is not run: nothing of Eve is read
        found: list[object] = []
        collector._emit = found.extend  # type: ignore[method-assign]
        funcs: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
        classes: list[ast.ClassDef] = []
        calls: list[ast.Call] = []
        # The nodes the semantic model already listed: no second walk of the file.
        # By exact type (as the parser makes them): one test for most nodes, not three.
        call, function, async_function, class_def = (ast.Call, ast.FunctionDef,
                                                     ast.AsyncFunctionDef, ast.ClassDef)
        for node in ctx.semantic.nodes or list(ast.walk(ctx.tree)):
            kind = type(node)
            if kind is call:
                calls.append(node)  # type: ignore[arg-type]
            elif kind is function or kind is async_function:
                funcs.append(node)  # type: ignore[arg-type]
            elif kind is class_def:
                classes.append(node)  # type: ignore[arg-type]
        local = {f.name for f in funcs}
        # While gathering, handler bodies are not read (analyze_handler) and the per-file
        # answer is not asked again.
        ctx.__dict__["_collecting_routes"] = True
        try:
            for func in funcs:
                if func.decorator_list:
                    collector.visit_FunctionDef(func)
            for cls in classes:
                if any(isinstance(m, ast.FunctionDef | ast.AsyncFunctionDef) and
                       m.decorator_list for m in cls.body):
                    collector.visit_ClassDef(cls)
            for call in calls:
                if _passes_local(call, local):
                    collector.visit_Call(call)
        finally:
            ctx.__dict__["_collecting_routes"] = False
        return found

    return ctx.memo("route-facts", ctx.tree, compute)


def _triggers(name: str) -> bool:
    return name in CALL_NAMES or name.endswith(CALL_SUFFIXES)


def _trigger_names(semantic: SemanticModel) -> frozenset[str]:
    """The callee names of a file with which RouteCollector._may_trigger answers yes by
    name: the written name triggers, or the last part of the qualified name does. That
    last part is the written name for `x.f(...)` and for a builtin, and an import's for a
    bare name (a qualified name comes from an import), so the import-bound names whose
    import triggers are added."""
    return frozenset(n for n in semantic.callee_names() if _triggers(n)).union(
        semantic.imports_binding(lambda qualified: _triggers(qualified.rsplit(".", 1)[-1])))


def _passes_local(call: ast.Call, local: set[str]) -> bool:
    """An argument names a function of this file: directly (`add_get("/x", handler)`,
    `self.handler`), or inside a list / tuple of route definitions (`add_routes([web.get(
    "/x", handler)])`, `Route("/x", endpoint)` items)."""
    args = [*call.args, *(k.value for k in call.keywords)]
    for arg in args:
        if isinstance(arg, ast.List | ast.Tuple):
            for elt in arg.elts:
                args += elt.args if isinstance(elt, ast.Call) else [elt]
                if isinstance(elt, ast.Call):
                    args += [k.value for k in elt.keywords]
        elif (isinstance(arg, ast.Name) and arg.id in local) or (
                isinstance(arg, ast.Attribute) and arg.attr in local):
            return True
    return False
