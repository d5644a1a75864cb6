"""Django and Django REST Framework: `path()` / `re_path()` / `url()` lists with `include()`
chains, function views and class-based views, DRF routers (`register` → list and detail
routes, `@action` routes), APIView / generics / ViewSets, and the settings that apply to
every route (`REST_FRAMEWORK`, `MIDDLEWARE`, `ROOT_URLCONF`)."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..paths import is_test_path
from .common import (
    analyze_handler,
    arg_or_kw,
    assigned_target,
    body_limiter_calls,
    bound_call,
    callable_name,
    classify,
    decorator_names,
    kwarg,
    literal_str,
    markers,
    object_name,
    path_text,
    refuses_anonymous,
    str_list,
    this_module,
    written_source,
)
from .django_middleware import DJANGO_MIDDLEWARE
from .queryset_scope import list_paging, narrowed_by, refinement, required_parent
from .routes import (
    ActionFact,
    HandlerInfo,
    MountFact,
    OwnerFact,
    QueryFact,
    RouteFact,
    SettingsFact,
    ViewClassFact,
)
from .view_lookup import defaulted_module_attribute, looked_up_view, looks_up_by_name

if TYPE_CHECKING:
    from ...context import FileContext

PATH_FUNCS = frozenset({"django.urls.path", "django.urls.re_path", "django.conf.urls.url",
                        "django.urls.conf.path", "django.urls.conf.re_path"})
INCLUDE_FUNCS = frozenset({"django.urls.include", "django.conf.urls.include",
                           "django.urls.conf.include"})
ROUTERS = frozenset({"rest_framework.routers.DefaultRouter",
                     "rest_framework.routers.SimpleRouter",
                     "rest_framework_nested.routers.DefaultRouter",
                     "rest_framework_nested.routers.SimpleRouter"})
NESTED_ROUTERS = frozenset({"rest_framework_nested.routers.NestedSimpleRouter",
                            "rest_framework_nested.routers.NestedDefaultRouter"})
VIEW_METHODS = frozenset({"get", "post", "put", "patch", "delete", "list", "create",
                          "retrieve", "update", "partial_update", "destroy"})
METHOD_DECORATORS = {"django.views.decorators.http.require_POST": ("POST",),
                     "django.views.decorators.http.require_GET": ("GET",),
                     "django.views.decorators.http.require_safe": ("GET", "HEAD")}
ALLOW_ANY = frozenset({"AllowAny"})


# A base class that is not the project's and not a known library guard counts as
# authentication only when its name can mean nothing else (`LoginRequiredMixin`,
# `ObjectPermissionRequiredMixin`, `AuthenticatedHandler`, `AdminRequiredView`). A bare
# `Auth` / `OAuth` / `Permission` in a name does not: login views are exactly the classes
# named `AuthBase` / `LoginView`, and a `PermissionHelperMixin` may only offer helpers.
_GUARD_NAME = re.compile(
    r"^(LoginRequired|Authenticated|LoggedIn|(Admin|Staff|Superuser|Login|Auth)Required)"
    r"|(LoginRequired|PermissionRequired|UserPassesTest|(Admin|Staff|Superuser)Required)"
    r"(Mixin|View|Base)?$")
# Library modules whose guard-named classes deny anonymous callers by what they are.
_GUARD_LIBS = ("django.contrib.auth.mixins.", "django.contrib.auth.decorators.",
               "rest_framework.permissions.", "flask_login.", "braces.views.",
               "guardian.mixins.", "django.contrib.admin.views.decorators.")
# Methods a view's base runs before every handler: a body there that refuses anonymous
# callers guards every subclass (`if not request.user.is_authenticated: raise
# PermissionDenied`, a redirect to the login page).
# (`_check_access`: the hook a request-handler base such as indico's RH runs first.)
_GUARD_HOOKS = frozenset({"dispatch", "before_request", "initial", "check_permissions",
                          "check_access", "_check_access"})


# Library views that require a signed-in user although their names do not say so
# (django-oauth-toolkit's authorize page derives from LoginRequiredMixin).
_GUARD_CLASSES = frozenset({"oauth2_provider.views.AuthorizationView",
                            "oauth2_provider.views.base.AuthorizationView"})


def guard_base(name: str) -> bool:
    """A base class that is not the project's, read by name: a known library's auth class,
    or a name that says nothing but "requires authentication"."""
    if name in _GUARD_CLASSES or (name.startswith(_GUARD_LIBS) and classify(name) == "auth"):
        return True
    return bool(_GUARD_NAME.search(name.rsplit(".", 1)[-1]))


@dataclass(frozen=True)
class ViewFuncFact:
    """A module-level function that can serve as a Django view (first parameter `request`)."""

    name: str
    file: str
    handler: HandlerInfo
    methods: tuple[str, ...]


def _list_owner(ctx: FileContext, call: ast.Call) -> str | None:
    """The module-level list a URL pattern belongs to: assigned in it (`urlpatterns = [...]`,
    `tmp = [...]` in a module-level loop) or added to it (`urlpatterns.append(path(...))`,
    `.insert(0, ...)`, `.extend([...])`)."""
    from .django_decorated_patterns import assigned_list, group_call, group_name, pattern_args

    prev: ast.AST = call
    for anc in ctx.semantic.ancestors(call):
        inline = _inline_included(ctx, anc)
        if inline is not None:
            return inline
        if isinstance(anc, ast.Call) and group_call(ctx, anc) and \
                any(prev is a for a in pattern_args(ctx, anc)) and \
                assigned_list(ctx, anc) is not None:
            # `urls += decorated_patterns([login_required], path(...))`: the patterns
            # written in the call are a list of their own (django_decorated_patterns).
            return group_name(ctx, anc)
        prev = anc
        mutated = _mutated_list(ctx, anc)
        if mutated is not None:
            return mutated
        if isinstance(anc, ast.Assign | ast.AugAssign | ast.AnnAssign):
            target = anc.targets[0] if isinstance(anc, ast.Assign) else anc.target
            if isinstance(target, ast.Name) and ctx.semantic.scope_of(anc) is \
                    ctx.semantic.module_scope:
                return f"{this_module(ctx)}.{target.id}"
            if isinstance(anc, ast.AugAssign) and isinstance(target, ast.Name):
                # `urlpatterns += [...]` in an AppConfig.ready() that imported the project's
                # list (`from project.urls import urlpatterns`): that list grows.
                return imported_list(ctx, target)
            return None
        if isinstance(anc, ast.stmt):
            return None
    return None


def _inline_included(ctx: FileContext, node: ast.AST) -> str | None:
    """`path("members/<pk>/", include([path("data", ...), ...]))` (or `include(([...],
    "ns"))`): the list written in the include is a URL list of its own, below the
    including pattern's prefix; named by where it is written."""
    if not isinstance(node, ast.List | ast.Tuple):
        return None
    parent = ctx.semantic.parent(node)
    if isinstance(parent, ast.Tuple) and parent.elts and parent.elts[0] is node:
        parent = ctx.semantic.parent(parent)  # include(([...], "app_name"))
    elif isinstance(parent, ast.Tuple):
        return None
    if isinstance(parent, ast.Call) and parent.args and (
            parent.args[0] is node or parent.args[0] is ctx.semantic.parent(node)) and \
            (ctx.qualified_name(parent.func) or "") in INCLUDE_FUNCS:
        return f"{this_module(ctx)}.<include:{node.lineno}:{node.col_offset}>"
    return None


_LIST_ADDERS = frozenset({"append", "extend", "insert"})


IMPORT_STRING = frozenset({"django.utils.module_loading.import_string"})


def imported_by_path(ctx: FileContext, node: ast.AST | None, depth: int = 0) -> str | None:
    """`import_string("shop.api.urls.api_patterns")` (or a name bound once to that call):
    the dotted path when it is a literal, the object it names being found like any other
    (a module-level list of another module). A path computed at run time
    (`"{}.urls.api_urls".format(app.name)`) names nothing: None."""
    if isinstance(node, ast.Name) and depth < 2:
        bindings = ctx.semantic.lookup(node.id, node)[1]
        if len(bindings) == 1 and bindings[0].kind == "assign":
            return imported_by_path(ctx, bindings[0].value, depth + 1)
        return None
    if not (isinstance(node, ast.Call) and (ctx.qualified_name(node.func) or "") in
            IMPORT_STRING):
        return None
    arg = arg_or_kw(node, 0, "dotted_path")
    text = literal_str(arg)
    if text is None and isinstance(arg, ast.Name):
        # A module constant: `import_string(API_URLS)` with `API_URLS = "app.urls.api"`.
        bindings = ctx.semantic.lookup(arg.id, arg)[1]
        if len(bindings) == 1 and bindings[0].kind == "assign":
            text = literal_str(bindings[0].value)
    return text if text and "." in text else None


def _returned_list(ctx: FileContext, call: ast.Call) -> str | None:
    """A pattern in a list a function returns (`def get_urls(): return [path(...)]`): the
    function's name, which `include(get_urls())` mounts."""
    from .django_url_helpers import _returned_by

    seq = ctx.semantic.parent(call)
    return _returned_by(ctx, seq) if isinstance(seq, ast.List | ast.Tuple) else None


def _mutated_list(ctx: FileContext, node: ast.AST) -> str | None:
    """`urlpatterns.append(...)` / `.extend(...)` / `.insert(...)` on a module-level name:
    that list's qualified name."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and
            node.func.attr in _LIST_ADDERS and isinstance(node.func.value, ast.Name)):
        return None
    scope, bindings = ctx.semantic.lookup(node.func.value.id, node.func.value)
    if scope is not ctx.semantic.module_scope or not bindings or any(
            b.kind == "import" for b in bindings):
        return imported_list(ctx, node.func.value)
    return f"{this_module(ctx)}.{node.func.value.id}"


def imported_list(ctx: FileContext, name: ast.Name) -> str | None:
    """`urlpatterns` bound only by `from project.urls import urlpatterns` (at module level or
    in a function such as AppConfig.ready()): the other module's list, which `+=`,
    `.append()`, `.insert()` and `.extend()` mutate in place. A local list of the same name
    (`urlpatterns = []` in the function) is not it."""
    bindings = [b for b in ctx.semantic.lookup(name.id, name)[1] if b.kind != "augassign"]
    if not bindings or not all(b.kind == "import" for b in bindings):
        return None
    qualified = {b.qualified for b in bindings}
    found = qualified.pop() if len(qualified) == 1 else ""
    # `from project.urls import urlpatterns`: a list, not `import project.urls` (a module).
    return found if found.count(".") >= 1 and found.rsplit(".", 1)[-1] == name.id and \
        name.id.endswith("patterns") else None


def _unwrap(ctx: FileContext, view: ast.expr) -> tuple[ast.expr, list[str]]:
    """`login_required(views.x)`, `csrf_exempt(View.as_view())`: the view and the wrappers."""
    wrappers: list[str] = []
    while isinstance(view, ast.Call) and view.args and not (
            isinstance(view.func, ast.Attribute) and view.func.attr == "as_view"):
        qn = ctx.qualified_name(view.func) or ""
        if qn in INCLUDE_FUNCS or looks_up_by_name(ctx, view):
            # `get_view("authorize")` takes a name, not a view: it wraps nothing.
            break
        wrappers.append(callable_name(ctx, view.func))
        view = view.args[0]
    return view, wrappers


# The names `on_call` can react to (frameworks/collector skips every other call before any
# handler runs): a call's written name (the attribute, or the bare name) or the last part of
# its qualified name is in CALL_NAMES or ends with one of CALL_SUFFIXES. Change them with
# on_call; tests/test_call_triggers.py checks them on every route fixture project.
CALL_NAMES = frozenset({*(qn.rsplit(".", 1)[-1] for qn in PATH_FUNCS), "register", "extend"})
CALL_SUFFIXES = ("Router",)  # _router_class: the qualified or written name ends so


def on_call(ctx: FileContext, call: ast.Call) -> list[object]:
    qn = ctx.qualified_name(call.func)
    if qn in PATH_FUNCS:
        return _path_entry(ctx, call, qn)
    if isinstance(call.func, ast.Attribute) and call.func.attr == "register":
        return _router_register(ctx, call)
    if isinstance(call.func, ast.Attribute) and call.func.attr == "extend" and \
            len(call.args) == 1 and isinstance(call.args[0], ast.Name | ast.Call):
        # `urlpatterns.extend(tmp_list)`: the other list's routes are this list's routes
        # (also a list named by a literal dotted path: `import_string("app.urls.more")`).
        parent = _mutated_list(ctx, call)
        child = imported_by_path(ctx, call.args[0])
        if child is None and isinstance(call.args[0], ast.Name):
            child = object_name(ctx, call.args[0])
        if parent is not None and child is not None and child != parent:
            return [MountFact(parent, child, "", "django", ctx.path, call.lineno)]
    # Asked of every call of a Django file: only a name ending in `Router` can be a router
    # class (_router_class: its qualified name, or when unresolved the name as written), so
    # no other call needs its assignment looked up.
    func = call.func
    written = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if not (qn or written or "").endswith("Router"):
        return []
    target = assigned_target(ctx, call)
    router_class = _router_class(ctx, call) if target is not None else None
    if target is not None and router_class is not None:
        return [_router_owner(ctx, call, target, router_class)]
    return []


def _router_class(ctx: FileContext, call: ast.Call) -> str | None:
    """The class of `SimpleRouter()`, `routers.NestedSimpleRouter(parent, ...)` or a
    project router class (`OptionalSlashRouter()`, checked in the project phase)."""
    qn = ctx.qualified_name(call.func)
    if not qn:
        # A name of this file: `object_name` ends with the name as written, and every
        # router class ends with `Router` (asked of every assigned call: resolve only those).
        func = call.func
        written = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if not written.endswith("Router"):
            return None
        qn = object_name(ctx, func)
    if qn in ROUTERS or qn in NESTED_ROUTERS:
        return qn
    if (qn or "").endswith("Router") and not (qn or "").startswith(_OTHER_ROUTERS):
        return qn  # a project class: confirmed against its bases in the project phase
    return None


# Routers of other frameworks a Django project may also import (FastAPI's APIRouter...).
_OTHER_ROUTERS = ("fastapi.", "starlette.", "flask", "aiohttp.", "ninja.", "litestar.")


def _router_owner(ctx: FileContext, call: ast.Call, target: ast.expr, router_class: str
                  ) -> OwnerFact:
    """A DRF router object. A nested router (drf-nested-routers) sits below its parent's
    registration: `NestedSimpleRouter(router, r"projects", lookup="project")` serves
    `projects/{project_pk}/...`."""
    prefix: str | None = ""
    if router_class in NESTED_ROUTERS:
        parent_prefix = literal_str(arg_or_kw(call, 1, "parent_prefix"))
        lookup = literal_str(kwarg(call, "lookup"))
        prefix = None if parent_prefix is None or lookup is None else \
            f"{_clean_regex(parent_prefix)}/{{{lookup}_pk}}"
    return OwnerFact(object_name(ctx, target) or "", "drf", "router", prefix, file=ctx.path,
                     line=call.lineno, raw=(router_class,))


def _router_urls(ctx: FileContext, expr: ast.AST) -> bool:
    """`router.urls` of a DRF router (a router class built here, or a router imported from
    another module), not `weblate.accounts.urls`, a module."""
    if not (isinstance(expr, ast.Attribute) and expr.attr == "urls"):
        return False
    call = bound_call(ctx, expr.value)
    if call is not None:
        return _router_class(ctx, call) is not None
    if isinstance(expr.value, ast.Name):
        _, bindings = ctx.semantic.lookup(expr.value.id, expr.value)
        # `from .api import router`: an object, where `import pkg.urls` binds a package.
        return bool(bindings) and all(b.kind == "import" and "." in b.qualified and
                                      not b.qualified.endswith(".urls") for b in bindings) \
            and expr.value.id.lower().endswith("router")
    return False


def _clean_regex(prefix: str) -> str:
    return prefix.lstrip("^").rstrip("$").rstrip("/")


def _router_register(ctx: FileContext, call: ast.Call) -> list[object]:
    """`router.register(prefix, ViewSet)` on a DRF router, a project subclass of one, or a
    router imported from another module (both confirmed in the project phase)."""
    receiver = call.func.value  # type: ignore[attr-defined]
    prefix = arg_or_kw(call, 0, "prefix")
    viewset = arg_or_kw(call, 1, "viewset")
    if not isinstance(prefix, ast.Constant) or not isinstance(viewset, ast.Name | ast.Attribute):
        return []
    call_of = bound_call(ctx, receiver)
    router_class = _router_class(ctx, call_of) if call_of is not None else None
    if router_class is None and not (call_of is None and isinstance(receiver, ast.Name)):
        return []
    if call_of is None and is_test_path(ctx.policy_path):
        # A test registering on a router it imports (`from app.api.urls import router`):
        # no urlconf imports a test module, so the served router never holds it.
        return []
    return [RouteFact("drf", object_name(ctx, receiver), literal_str(prefix), (),
                      ctx.path, ctx.span_of(prefix), view_ref=object_name(ctx, viewset),
                      is_router_register=True, router_class=router_class or "")]


def _path_entry(ctx: FileContext, call: ast.Call, qn: str) -> list[object]:
    from .django_registrars import registrar

    # `def register(view): urlpatterns.append(re_path(view.url_regex, view.as_view()))`:
    # a pattern per decorated class, not one of its own.
    found = registrar(ctx, call)
    if found is not None:
        return [found]
    owner = _list_owner(ctx, call) or _returned_list(ctx, call)
    route_node = arg_or_kw(call, 0, "route") or arg_or_kw(call, 0, "regex")
    route = path_text(ctx, route_node)
    view = arg_or_kw(call, 1, "view")
    if view is None:
        return []
    registered = view
    view, wrappers = _unwrap(ctx, view)
    auth, limits = markers(wrappers)
    span = ctx.span_of(route_node if route_node is not None else call)
    if isinstance(view, ast.Call) and (ctx.qualified_name(view.func) or "") in INCLUDE_FUNCS:
        target = view.args[0] if view.args else None
        if isinstance(target, ast.Tuple) and target.elts:
            target = target.elts[0]
        child = literal_str(target) or imported_by_path(ctx, target) or (
            _inline_included(ctx, target) if target is not None else None)
        if child is None and isinstance(target, ast.Call) and isinstance(
                target.func, ast.Name | ast.Attribute):
            # `include(get_api_urls(api_views))`: the list the function returns.
            child = object_name(ctx, target.func)
        elif child is None and target is not None:
            if _router_urls(ctx, target):
                child = object_name(ctx, target.value)
            else:
                child = object_name(ctx, target)
        if route is None or child is None:
            from .django_loops import looped_includes

            # `for meta in url_metadata: urlpatterns.append(path(meta["regexp"],
            # include(module)))`: one mount per item of the literal table.
            table = looped_includes(ctx, call, route_node, view.args[0] if view.args else None)
            if table is not None:
                return [MountFact(owner, module, prefix, "django", ctx.path, call.lineno,
                                  auth, limits, tuple(wrappers)) for prefix, module in table]
        return [MountFact(owner, child, route, "django", ctx.path, call.lineno, auth, limits,
                          tuple(wrappers))]
    methods: tuple[str, ...] = ()
    view_ref = None
    if isinstance(view, ast.Call) and isinstance(view.func, ast.Attribute) and \
            view.func.attr == "as_view":
        view_ref = object_name(ctx, view.func.value)
        actions = view.args[0] if view.args else kwarg(view, "actions")
        if isinstance(actions, ast.Dict):
            methods = tuple(k.value.upper() for k in actions.keys
                            if isinstance(k, ast.Constant) and isinstance(k.value, str))
    elif isinstance(view, ast.Name | ast.Attribute):
        view_ref = defaulted_module_attribute(ctx, view) or _through_callers(ctx, view) or \
            object_name(ctx, view)
    else:
        view_ref = looked_up_view(ctx, view)
    handler = None
    if view_ref is None:
        handler = HandlerInfo(name=ctx.source(view)[:60], line=view.lineno, span=span,
                              auth=auth, limits=limits)
    elif wrappers:
        handler = HandlerInfo(name=view_ref.rsplit(".", 1)[-1], line=call.lineno, span=span,
                              decorators=tuple(wrappers), auth=auth, limits=limits)
    # The view as registered, for fixes that wrap it where the view itself is not the
    # project's (`auth_views.PasswordResetView.as_view()`).
    return [RouteFact("django", owner, route, methods, ctx.path, span, handler,
                      view_ref=view_ref,
                      decorator=(ctx.span_of(registered), ctx.source(registered)),
                      path_source=written_source(ctx, route_node, route),
                      url_name=literal_str(kwarg(call, "name")) or "")]


def _through_callers(ctx: FileContext, view: ast.expr) -> str | None:
    """`api_views.ca_detail` on a parameter of `def get_pki_api_urls(api_views)`, which its
    module calls only with the module it imports (`from . import views as api_views`;
    `urlpatterns = get_pki_api_urls(api_views)`): that module's attribute."""
    if not (isinstance(view, ast.Attribute) and isinstance(view.value, ast.Name)):
        return None
    scope, bindings = ctx.semantic.lookup(view.value.id, view.value)
    func = scope.node if scope is not None else None
    if not bindings or any(b.kind != "param" for b in bindings) or not isinstance(
            func, ast.FunctionDef | ast.AsyncFunctionDef):
        return None
    params = [a.arg for a in func.args.args]
    if view.value.id not in params:
        return None
    index = params.index(view.value.id)

    def passed() -> str | None:
        found: set[str | None] = set()
        # The calls written `name(...)`, from the semantic model's index of the file's
        # calls (a set is made: their order does not matter), not a walk of the file.
        for node in ctx.semantic.calls_named([func.name]):
            if isinstance(node.func, ast.Name) and node.func.id == func.name:
                arg = node.args[index] if index < len(node.args) else kwarg(
                    node, params[index])
                bound = ctx.semantic.lookup(arg.id, arg)[1] if isinstance(
                    arg, ast.Name) else []
                found.add(object_name(ctx, arg) if bound and all(
                    b.kind == "import" for b in bound) else None)
        return found.pop() if len(found) == 1 else None

    module = ctx.memo("django-param-module", func, passed)
    return f"{module}.{view.attr}" if module else None


def on_assign(ctx: FileContext, node: ast.Assign | ast.AugAssign) -> list[object]:
    """Module-level settings and `urlpatterns += router.urls`."""
    if ctx.semantic.scope_of(node) is not ctx.semantic.module_scope:
        return []
    target = node.targets[0] if isinstance(node, ast.Assign) else node.target
    if not isinstance(target, ast.Name):
        return []
    out: list[object] = []
    value = node.value
    # `urlpatterns += router.urls` / `urlpatterns = [...] + router.urls`
    parts = [value]
    while parts:
        part = parts.pop()
        if isinstance(part, ast.BinOp):
            parts += [part.left, part.right]
        elif imported_by_path(ctx, part) is not None:
            # `urlpatterns += import_string("plugins.urls.patterns")`
            out.append(MountFact(f"{this_module(ctx)}.{target.id}", imported_by_path(
                ctx, part), "", "django", ctx.path, node.lineno))
        elif _router_urls(ctx, part):
            out.append(MountFact(f"{this_module(ctx)}.{target.id}",
                                 object_name(ctx, part.value), "", "django", ctx.path,
                                 node.lineno))
        elif (isinstance(part, ast.Name | ast.Attribute) and part is not value) or (
                (isinstance(node, ast.AugAssign) or target.id.endswith("patterns")) and
                part is value and isinstance(part, ast.Name | ast.Attribute)):
            # `urlpatterns = common_patterns + plugin_patterns` (or `urlpatterns =
            # real_patterns`): the lists' routes are this list's routes.
            child = object_name(ctx, part)
            if child and child != f"{this_module(ctx)}.{target.id}":
                out.append(MountFact(f"{this_module(ctx)}.{target.id}", child, "", "django",
                                     ctx.path, node.lineno))
    name = target.id
    if name == "ROOT_URLCONF" and literal_str(value):
        out.append(SettingsFact("root-urlconf", literal_str(value) or "", "django", ctx.path,
                                node.lineno))
    elif name == "REST_FRAMEWORK" and isinstance(value, ast.Dict):
        out += drf_settings(ctx, value)
    elif name == "SPECTACULAR_SETTINGS" and isinstance(value, ast.Dict):
        # drf-spectacular's views take their permission classes from SERVE_PERMISSIONS
        # (AllowAny unless set), not from DEFAULT_PERMISSION_CLASSES.
        for key, item in zip(value.keys, value.values, strict=False):
            if literal_str(key) == "SERVE_PERMISSIONS" and isinstance(item, ast.List | ast.Tuple):
                names = [literal_str(e) or _oneline(ctx.source(e)) for e in item.elts]
                if names and not all(n.rsplit(".", 1)[-1] in ALLOW_ANY for n in names):
                    out.append(SettingsFact("spectacular-permission", ", ".join(names), "drf",
                                            ctx.path, item.lineno))
    elif name == "REST_FRAMEWORK" and isinstance(value, ast.Call):
        # `REST_FRAMEWORK = get_drf_settings(...)`: the dict the project function returns.
        func = object_name(ctx, value.func)
        if func:
            out.append(SettingsFact("drf-settings-from", func, "drf", ctx.path, node.lineno))
    elif name == "ACCOUNT_RATE_LIMITS" and isinstance(value, ast.Constant) and (
            value.value is False):
        # django-allauth's own limits on its views, switched off (a dict only retunes them)
        out.append(SettingsFact("allauth-limits-off", "ACCOUNT_RATE_LIMITS = False", "django",
                                ctx.path, node.lineno))
    elif name == "MIDDLEWARE" and isinstance(value, ast.List | ast.Tuple):
        for elt in value.elts:
            text = literal_str(elt) or ""
            if classify(text) == "limit":
                out.append(SettingsFact("global-limiter", text, "django", ctx.path, elt.lineno))
            elif "LoginRequiredMiddleware" in text:
                out.append(SettingsFact("global-auth", text, "django", ctx.path, elt.lineno))
            elif text and not text.startswith("django."):
                # A project middleware may turn anonymous users away (django_middleware).
                out.append(SettingsFact(DJANGO_MIDDLEWARE, text, "django", ctx.path,
                                        elt.lineno))
    return out


def drf_settings(ctx: FileContext, value: ast.Dict, via: str = "") -> list[object]:
    """Project-wide DRF defaults in a REST_FRAMEWORK dict (or the dict a settings function
    `via` returns)."""
    out: list[object] = []
    for key, item in zip(value.keys, value.values, strict=False):
        k = literal_str(key)
        if k == "DEFAULT_THROTTLE_CLASSES" and isinstance(item, ast.List | ast.Tuple) \
                and item.elts:
            out.append(SettingsFact("drf-throttle", _oneline(ctx.source(item)), "drf",
                                    ctx.path, item.lineno, via))
        elif k == "DEFAULT_PAGINATION_CLASS" and not (
                isinstance(item, ast.Constant) and item.value is None):
            # An unsized default still is the project's paging (each view is as paged as
            # the others): BR303 reports it once, at the setting, by this mark.
            unsized = UNSIZED_PAGINATION if _pages_nothing(ctx, item, value) else ""
            out.append(SettingsFact("drf-pagination", _oneline(ctx.source(item)) + unsized,
                                    "drf", ctx.path, item.lineno, via))
        elif k == "DEFAULT_PERMISSION_CLASSES" and isinstance(item, ast.List | ast.Tuple):
            names = [literal_str(e) or _oneline(ctx.source(e)) for e in item.elts]
            if names and not all(n.rsplit(".", 1)[-1] in ALLOW_ANY for n in names):
                out.append(SettingsFact("drf-permission", ", ".join(names), "drf",
                                        ctx.path, item.lineno, via))
    return out


# DRF's own classes read their page size from PAGE_SIZE (`default_limit`, `page_size`); with
# none set, `paginate_queryset` returns None and the whole list goes out unless the client
# asks for a page (`?limit=`).
_STOCK_PAGINATION = {"PageNumberPagination", "LimitOffsetPagination", "CursorPagination"}
UNSIZED_PAGINATION = " (no PAGE_SIZE)"
_PAGE_SIZE_KEY = re.compile(r"""['"]PAGE_SIZE['"]""")


def _pages_nothing(ctx: FileContext, item: ast.expr, settings: ast.Dict) -> bool:
    """The default pagination class is one of DRF's own and no PAGE_SIZE is set: the
    default pages nothing. A PAGE_SIZE anywhere in the settings file (a later
    `REST_FRAMEWORK["PAGE_SIZE"] = 50`) counts as set."""
    name = (literal_str(item) or _oneline(ctx.source(item))).rsplit(".", 1)[-1]
    if name not in _STOCK_PAGINATION:
        return False
    sizes = [v for k, v in zip(settings.keys, settings.values, strict=False)
             if literal_str(k) == "PAGE_SIZE"]
    if sizes:  # `"PAGE_SIZE": None` is DRF's own default: no size
        return all(isinstance(v, ast.Constant) and v.value is None for v in sizes)
    return not _PAGE_SIZE_KEY.search(ctx.text)


def _oneline(text: str) -> str:
    return " ".join(text.split())


def settings_function(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef
                      ) -> list[object]:
    """A module-level function that returns a REST_FRAMEWORK-style dict literal."""
    if ctx.semantic.scope_of(func) is not ctx.semantic.module_scope or not func.body:
        return []
    last = func.body[-1]
    if not (isinstance(last, ast.Return) and isinstance(last.value, ast.Dict)):
        return []
    keys = {literal_str(k) for k in last.value.keys}
    if not any(k and k.startswith("DEFAULT_") for k in keys):
        return []
    return drf_settings(ctx, last.value, f"{this_module(ctx)}.{func.name}")


def _permission_markers(ctx: FileContext, value: ast.AST) -> list[str]:
    if isinstance(value, ast.List | ast.Tuple):
        names = [callable_name(ctx, e) for e in value.elts]
    else:
        names = [ctx.source(value)]
    # Permission classes combined with `&` / `|` read as one name; AllowAny is no auth.
    return [f"permission_classes:{n}" for n in names if n.rsplit(".", 1)[-1] not in ALLOW_ANY]


def view_func(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef
              ) -> ViewFuncFact | None:
    """A module-level function whose first parameter is `request`."""
    if ctx.semantic.scope_of(func) is not ctx.semantic.module_scope:
        return None
    args = func.args.args
    if not args or args[0].arg not in ("request", "req"):
        return None
    methods: tuple[str, ...] = ()
    extra_auth: list[str] = []
    for dec in func.decorator_list:
        qn = callable_name(ctx, dec)
        if qn in METHOD_DECORATORS:
            methods = METHOD_DECORATORS[qn]
        elif isinstance(dec, ast.Call) and qn in (
                "rest_framework.decorators.api_view",
                "django.views.decorators.http.require_http_methods"):
            methods = str_list(arg_or_kw(dec, 0, "http_method_names")) or (
                ("GET",) if qn.endswith("api_view") else ())
        elif isinstance(dec, ast.Call) and qn == "rest_framework.decorators.permission_classes":
            extra_auth += _permission_markers(ctx, dec.args[0]) if dec.args else []
    handler = analyze_handler(ctx, func)
    if any(d.endswith("permission_classes") for d in handler.decorators):
        auth = tuple(a for a in handler.auth if not a.endswith("permission_classes"))
        handler = _with(handler, auth=auth + tuple(extra_auth))
    return ViewFuncFact(f"{this_module(ctx)}.{func.name}", ctx.path, handler, methods)


def _names_throttle(ctx: FileContext, value: ast.expr) -> bool:
    """`throttle_classes = RESET_THROTTLES`, a module constant of this file built from named
    throttle classes (`tuple(dict.fromkeys((*DEFAULTS, ScopedRateThrottle)))`): it declares
    a throttle. An empty or unknown value does not."""
    if not isinstance(value, ast.Name):
        return False
    scope, bindings = ctx.semantic.lookup(value.id, value)
    if scope is not ctx.semantic.module_scope or len(bindings) != 1 or \
            bindings[0].kind != "assign" or bindings[0].value is None:
        return False
    return any(isinstance(node, ast.Name | ast.Attribute) and (
        node.id if isinstance(node, ast.Name) else node.attr).endswith("Throttle")
        for node in ast.walk(bindings[0].value))


def _with(handler: HandlerInfo, **changes: object) -> HandlerInfo:
    from dataclasses import replace

    return replace(handler, **changes)  # type: ignore[arg-type]


_WRITE_VIEW_METHODS = frozenset({"post", "put", "patch", "delete"})


def _decorated_method(ctx: FileContext, dec: ast.Call) -> str | None:
    """The method a class-level `method_decorator(..., name="post")` wraps, when it is one
    handler method rather than `dispatch` (which serves every method)."""
    if not callable_name(ctx, dec.func).endswith("method_decorator"):
        return None
    name = next((k.value for k in dec.keywords if k.arg == "name"), None)
    if name is None and len(dec.args) > 1:
        name = dec.args[1]
    if not (isinstance(name, ast.Constant) and isinstance(name.value, str)):
        return None
    return None if name.value == "dispatch" else name.value


def _pagination_mixin(node: ast.ClassDef) -> bool:
    """`class PaginationMixin:` with `paginate_by` or `get_paginate_by()`: a base-less mixin
    that list views inherit their page size from."""
    for stmt in node.body:
        if isinstance(stmt, ast.FunctionDef) and stmt.name in ("get_paginate_by",
                                                               "paginate_queryset"):
            return True
        if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id in (
                "paginate_by", "pagination_class") for t in stmt.targets):
            return True
    return False


def view_class(ctx: FileContext, node: ast.ClassDef) -> ViewClassFact | None:
    """A class that serves requests, or may be a base of one: view-like bases, or handler
    methods / permission, throttle, pagination attributes of its own (a mixin)."""
    if ctx.semantic.scope_of(node) is not ctx.semantic.module_scope:
        return None
    bases = tuple(object_name(ctx, b) or ctx.source(b) for b in node.bases)
    methods: dict[str, HandlerInfo] = {}
    actions: list[ActionFact] = []
    attrs: dict[str, str] = {}
    literals: dict[str, str] = {}
    # A base read by name only; the project phase drops the name of a base that resolves to
    # a project class (what that class does decides, routes._class_view).
    auth: list[str] = [b for b in bases if guard_base(b)]
    limits: list[str] = []
    pagination: list[str] = []
    queryset: QueryFact | None = None
    model_query: QueryFact | None = None
    get_queryset = ""  # see ViewClassFact.get_queryset
    scope = refines = narrows = ""  # see ViewClassFact.scope / refines / narrows
    own_query: QueryFact | None = None
    # `@method_decorator(ratelimit(...), name="get")` wraps that one method: kept aside
    # and given to its handler below.
    scoped: list[tuple[str, str, str]] = []
    for dec in node.decorator_list:
        # @method_decorator(login_required, name="dispatch"); not a path (`@ns.route("/auth")`
        # names no decorator).
        if isinstance(dec, ast.Call) and dec.args and isinstance(
                dec.args[0], ast.Name | ast.Attribute | ast.Call):
            kind = classify(callable_name(ctx, dec.args[0]))
            target = _decorated_method(ctx, dec)
            if target is not None and kind in ("auth", "limit"):
                scoped.append((target, kind, callable_name(ctx, dec.args[0])))
            elif kind == "auth":
                auth.append(callable_name(ctx, dec.args[0]))
            elif kind == "limit":
                limits.append(callable_name(ctx, dec.args[0]))
    for stmt in node.body:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            # A limiter checked in any method (form_valid, _process...) covers the view.
            limits += body_limiter_calls(ctx, stmt)
            if stmt.name in _GUARD_HOOKS and refuses_anonymous(ctx, stmt):
                auth.append(f"{node.name}.{stmt.name}() (refuses the caller)")
            if stmt.name == "get_permissions":
                auth += _returned_permissions(ctx, stmt)
            if stmt.name == "dispatch":
                # dispatch() serves every method: its decorators
                # (`@method_decorator(login_required)`) guard the whole view.
                for dec_name in decorator_names(ctx, stmt):
                    kind = classify(dec_name)
                    if kind == "auth":
                        auth.append(dec_name)
                    elif kind == "limit":
                        limits.append(dec_name)
            action = _action(ctx, stmt)
            if action is not None:
                actions.append(action)
            elif stmt.name in VIEW_METHODS:
                methods[stmt.name] = analyze_handler(ctx, stmt)
            elif stmt.name in ("get_paginate_by", "paginate_queryset"):
                pagination.append(f"{stmt.name}()")
            elif stmt.name == "get_queryset":
                get_queryset = "base" if _reads_base_queryset(stmt) else "own"
                scope = required_parent(ctx, stmt) or "-"
                narrowing = narrowed_by(ctx, stmt) if get_queryset == "base" else ""
                narrows = f"{node.name}.get_queryset: {narrowing}" if narrowing and \
                    scope == "-" else "-"
                for ret in ast.walk(stmt):
                    if isinstance(ret, ast.Return) and ret.value is not None:
                        own_query = _drf_queryset(ctx, ret.value)
                        break
                queryset = queryset or own_query
            elif stmt.name == "filter_queryset":
                refines = refinement(ctx, stmt) or "-"
                # A paging helper called on what it returns (label-studio's
                # `paginator(tasks, request)`) pages the list DRF's list() serializes, and
                # that list only: named for the method, as `pagination_class=` is, so a
                # custom @action's own query is not taken as paged by it (BR303 `_paged`).
                pagination += [f"filter_queryset: {p}" for p in list_paging(ctx, stmt)]
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and \
                stmt.target.id == "http_method_names" and stmt.value is not None:
            # `http_method_names: list[str] = ["get"]` narrows the methods as the plain
            # assignment does (routes adds no inherited library method then).
            attrs["http_method_names"] = ctx.source(stmt.value)
        elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(
                stmt.targets[0], ast.Name):
            name = stmt.targets[0].id
            value = stmt.value
            if name in ("permission_classes", "authentication_classes", "throttle_classes",
                        "pagination_class", "queryset", "serializer_class", "paginate_by",
                        "http_method_names"):
                attrs[name] = ctx.source(value)
            elif name == "form_class":
                # A limiter checked in the form's clean() covers the view that uses it.
                attrs[name] = object_name(ctx, value) or ctx.source(value)
            if name in ("lookup_field", "lookup_url_kwarg") and isinstance(
                    value, ast.Constant) and isinstance(value.value, str):
                # The URL keyword a DRF router puts in a detail route (`{slug}`, not `{pk}`).
                literals[name] = value.value
            if name == "permission_classes":
                auth += _permission_markers(ctx, value)
            elif name == "permission_required":
                # PermissionRequiredMixin's permission: which users may see the view
                # (BR303 tells staff-only model permissions from the rest).
                auth.append(f"permission_required={ctx.source(value)}")
            elif name in ("decorators", "method_decorators") and isinstance(
                    value, ast.List | ast.Tuple):
                # Flask View.decorators / flask-restful method_decorators wrap every method.
                for kind, dec_name in ((classify(callable_name(ctx, e)), callable_name(ctx, e))
                                       for e in value.elts):
                    if kind == "auth":
                        auth.append(dec_name)
                    elif kind == "limit":
                        limits.append(dec_name)
            elif name == "throttle_classes" and (
                    (isinstance(value, ast.List | ast.Tuple) and value.elts) or
                    _names_throttle(ctx, value)):
                limits.append(f"throttle_classes={ctx.source(value)}")
            elif name == "pagination_class" and not (
                    isinstance(value, ast.Constant) and value.value is None):
                pagination.append(f"pagination_class={ctx.source(value)}")
            elif name == "queryset":
                queryset = _drf_queryset(ctx, value) or queryset
            elif name == "paginate_by" and not (
                    isinstance(value, ast.Constant) and value.value in (None, 0)):
                pagination.append(f"paginate_by={ctx.source(value)}")  # Django ListView
            elif name == "model" and isinstance(value, ast.Name | ast.Attribute):
                # A generic view's `model = Article` means Article.objects.all(). Declared
                # on the class like `queryset =` ("drf"): DRF's generic list pages it with
                # the project's DEFAULT_PAGINATION_CLASS, which a handler's own query skips.
                model_query = QueryFact(ctx.span_of(stmt),
                                        f"{ctx.source(value)}.objects.all()", "drf")
    for target, kind, dec_name in scoped:
        if target in methods:
            handler = methods[target]
            methods[target] = _with(handler, **{kind if kind == "auth" else "limits": (
                *(handler.auth if kind == "auth" else handler.limits), dec_name)})
        elif target in _WRITE_VIEW_METHODS:
            # an inherited post(): the view's writes are what it guards
            (auth if kind == "auth" else limits).append(dec_name)
    if queryset is None and model_query is not None and not any(
            isinstance(stmt, ast.FunctionDef) and stmt.name == "get_queryset"
            for stmt in node.body):
        queryset = model_query
    if get_queryset == "own":
        # `queryset =` beside a get_queryset that never reads it is not what it lists
        queryset = own_query
    if not (methods or actions or attrs or literals or limits or pagination or auth or any(
            b.rsplit(".", 1)[-1].endswith(("View", "ViewSet", "Mixin", "APIView", "Resource",
                                           "Handler", "RH", "Router"))
            or b.rsplit(".", 1)[-1].startswith("RH") for b in bases)):
        return None
    literals.update(_page_markers(ctx, node))
    return ViewClassFact(f"{this_module(ctx)}.{node.name}", ctx.path, node.lineno,
                         ctx.line_span(node.lineno), bases, methods, tuple(actions), attrs,
                         tuple(auth), tuple(limits), tuple(pagination), queryset,
                         literals=literals, get_queryset=get_queryset, scope=scope,
                         refines=refines, narrows=narrows)


def _reads_base_queryset(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A get_queryset that starts from what the class declares or inherits: `super()`,
    `self.queryset`, `self.model` (or the class's: `self.__class__.queryset`)."""
    for node in ast.walk(func):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and (
                node.func.id == "super"):
            return True
        if isinstance(node, ast.Attribute) and node.attr in ("queryset", "model",
                                                             "get_queryset"):
            root = node.value
            while isinstance(root, ast.Attribute):
                root = root.value
            if isinstance(root, ast.Name) and root.id in ("self", "cls"):
                return True
    return False


def _returned_permissions(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef
                          ) -> list[str]:
    """`get_permissions()` returning a literal list of guards on every path; one path that
    returns AllowAny, the base's list or anything computed (a public `create` for sign-up)
    leaves the view unproven."""
    found: list[str] = []
    for ret in ast.walk(func):
        if not isinstance(ret, ast.Return):
            continue
        value = ret.value
        if isinstance(value, ast.ListComp) and isinstance(value.generators[0].iter, ast.List):
            value = value.generators[0].iter  # `[p() for p in [IsAuthenticated, ...]]`
        marks = _permission_markers(ctx, value) if isinstance(value, ast.List) else []
        if not marks or (isinstance(value, ast.List) and len(marks) < len(value.elts)):
            return []
        found += marks
    return list(dict.fromkeys(found))


def _page_markers(ctx: FileContext, node: ast.ClassDef) -> dict[str, str]:
    """What tells a view class renders HTML (frameworks/html_pages.py): a `template_name`,
    and the `renderer_classes` it sets, as qualified names joined by commas ("" for an empty
    list; a list built by code is not read)."""
    out: dict[str, str] = {}
    for stmt in node.body:
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(
                stmt.targets[0], ast.Name)):
            continue
        name, value = stmt.targets[0].id, stmt.value
        if name == "template_name" and not (isinstance(value, ast.Constant) and
                                            value.value is None):
            out[name] = ctx.source(value)
        elif name == "renderer_classes" and isinstance(value, ast.List | ast.Tuple):
            out[name] = ",".join(object_name(ctx, e) or ctx.source(e) for e in value.elts)
    return out


def _drf_queryset(ctx: FileContext, value: ast.AST) -> QueryFact | None:
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
        names: list[str] = []
        node: ast.AST = value
        while isinstance(node, ast.Call | ast.Attribute):
            if isinstance(node, ast.Attribute):
                names.append(node.attr)
            node = node.func if isinstance(node, ast.Call) else node.value
        if "objects" in names and not {"first", "get", "count", "none"} & set(names):
            return QueryFact(ctx.span_of(value), ctx.source(value), "drf")
    return None


def _action(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef) -> ActionFact | None:
    for dec in func.decorator_list:
        target = dec.func if isinstance(dec, ast.Call) else dec
        qn = ctx.qualified_name(target) or ""
        if qn not in ("rest_framework.decorators.action",
                      "rest_framework.decorators.detail_route",
                      "rest_framework.decorators.list_route"):
            continue
        call = dec if isinstance(dec, ast.Call) else None
        detail_node = kwarg(call, "detail") if call else None
        detail = qn.endswith("detail_route") or (
            isinstance(detail_node, ast.Constant) and detail_node.value is True)
        methods = (str_list(kwarg(call, "methods")) if call else None) or ("GET",)
        url_path = literal_str(kwarg(call, "url_path")) if call else None
        handler = analyze_handler(ctx, func)
        extra: list[str] = []
        perms = kwarg(call, "permission_classes") if call else None
        if perms is not None:
            extra = _permission_markers(ctx, perms)
        throttles = kwarg(call, "throttle_classes") if call else None
        limits = handler.limits
        if isinstance(throttles, ast.List | ast.Tuple) and throttles.elts:
            limits += (f"throttle_classes={ctx.source(throttles)}",)
        handler = _with(handler, auth=handler.auth + tuple(extra), limits=limits)
        return ActionFact(func.name, detail, methods, url_path or func.name, handler)
    return None
