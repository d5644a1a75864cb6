"""Flask (and Quart, APIFlask, flask-smorest blueprints): `@app.route` / `@bp.route` with
`methods=`, the `.get/.post` shortcuts, `Blueprint(url_prefix=)`, `register_blueprint(
url_prefix=)`, `add_url_rule` and `MethodView` / `View` classes."""

from __future__ import annotations

import ast
import builtins
from typing import TYPE_CHECKING

from ...astutil import walk
from ..paths import is_test_path
from .common import (
    analyze_handler,
    arg_or_kw,
    assigned_target,
    bound_call,
    child_name,
    constructor,
    imported_owner,
    kwarg,
    library_class,
    literal_str,
    markers,
    object_name,
    path_text,
    str_list,
    this_module,
    written_source,
)
from .flask_plugins import in_registrar
from .instance_owners import held_owner, inherited_owner
from .routes import HandlerInfo, MountFact, OwnerFact, RouteFact

if TYPE_CHECKING:
    from ...context import FileContext

APPS = {"flask.Flask": "app", "flask.app.Flask": "app", "quart.Quart": "app",
        "apiflask.APIFlask": "app",
        "flask.Blueprint": "router", "flask.blueprints.Blueprint": "router",
        "quart.Blueprint": "router", "apiflask.APIBlueprint": "router",
        "flask_smorest.Blueprint": "router"}
# Extensions that wrap the app they are given: `api = flask_smorest.Api(app)`, and
# `api.register_blueprint(bp)` registers the blueprint on that app.
APP_WRAPPERS = frozenset({"flask_smorest.Api"})
SHORTCUTS = {"get": "GET", "post": "POST", "put": "PUT", "patch": "PATCH", "delete": "DELETE"}


# The libraries whose own Blueprint classes APPS names (flask_smorest's is no re-export).
_BLUEPRINT_LIBRARIES = tuple(sorted({name.split(".")[0] for name in APPS}))


def reexport_only(ctx: FileContext) -> bool:
    """A file that builds blueprints without importing flask (`bp =
    superdesk.Blueprint(...)`, a project package re-exporting flask's Blueprint): its
    blueprints and their routes carry the class they were built from, kept in the project
    phase only when it is flask's (frameworks/flask_subclasses)."""
    return ctx.memo("flask-reexport", ctx.tree, lambda: "Blueprint(" in ctx.text and not any(
        ctx.semantic.is_imported(m) for m in _BLUEPRINT_LIBRARIES))


def owner_kind(ctx: FileContext, expr: ast.AST) -> str | None:
    qn = constructor(ctx, expr)
    if qn in APPS:
        return APPS[qn]
    if qn in APP_WRAPPERS:
        return "router"
    if library_class(qn, ("Blueprint",)):
        return "router"
    if imported_owner(ctx, expr, ("flask", "quart")):
        return "router"
    return None


def _built_kind(ctx: FileContext, value: ast.expr) -> str | None:
    """app | router for `Flask(...)` / `Blueprint(...)` of a framework, else None."""
    if not isinstance(value, ast.Call):
        return None
    qn = ctx.qualified_name(value.func) or ""
    return APPS.get(qn) or ("router" if library_class(qn, ("Blueprint",)) else None)


def held_app(ctx: FileContext, expr: ast.AST) -> str | None:
    """`self.flask_app` in a method of a class that assigns that attribute only
    `Flask(...)` / `Blueprint(...)` (in `__init__`, say): `<module>.<Class>.flask_app`
    (frameworks/instance_owners), one name for the object and the routes declared on it in
    any method. In a subclass that never assigns it (`class App(Api)`, routes added in its
    own `__init__` after `super().__init__()`): the attribute of the subclass's objects,
    which the project phase finds held by a base class (instance_owners.inherited_mounts);
    a class whose bases hold no app keeps its routes nowhere."""
    if not isinstance(expr, ast.Attribute) or not (
            ctx.semantic.is_imported("flask") or ctx.semantic.is_imported("quart")):
        return None
    return held_owner(ctx, expr, lambda value: _built_kind(ctx, value) is not None) or \
        _inherited_app(ctx, expr)


def _inherited_app(ctx: FileContext, expr: ast.Attribute) -> str | None:
    """`self.flask_app` of a class that never assigns it but derives from another class:
    kept in the project phase only when a class of its MRO holds an app there."""
    return inherited_owner(ctx, expr)


def _annotated_app_param(ctx: FileContext, expr: ast.AST) -> bool:
    """`def register_chat_routes(app: Flask): @app.route(...)`: the parameter stands for
    the apps its callers pass (frameworks/call_bindings), nothing when no call tells."""
    from .fastapi_starlette import param_annotation

    return (param_annotation(ctx, expr) or "") in APPS


def _unannotated_router_param(ctx: FileContext, expr: ast.AST) -> bool:
    """`def register(bp): @bp.route(...)` / `bp.add_url_rule(...)`: a route only at a call
    that passes a blueprint or app (frameworks/param_routes checks the argument)."""
    from .call_bindings import ownerish
    from .fastapi_starlette import param_annotation

    return isinstance(expr, ast.Name) and ownerish(expr) and \
        param_annotation(ctx, expr) == "" and (
            ctx.semantic.is_imported("flask") or ctx.semantic.is_imported("quart"))


# Packages whose router classes have verb decorators of their own (aiohttp's RouteTableDef,
# sanic's and django-ninja's routers, ...): read by their own framework module, never a
# project's Blueprint subclass.
_OTHER_ROUTERS = frozenset({"aiohttp", "fastapi", "starlette", "sanic", "litestar", "ninja",
                            "falcon", "tornado", "django", "rest_framework", "connexion",
                            "bottle", "pyramid", "blacksheep", "robyn"})


def route_from_decorator(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef | None,
                         dec: ast.expr, handler: HandlerInfo | None = None,
                         any_file: bool = False) -> RouteFact | None:
    if not (isinstance(dec, ast.Call) and isinstance(dec.func, ast.Attribute)):
        return None
    attr = dec.func.attr
    if attr != "route" and attr not in SHORTCUTS:
        return None
    owner_class = None
    class_verb = ""
    held = held_app(ctx, dec.func.value)
    if held is not None or _annotated_app_param(ctx, dec.func.value):
        pass
    elif owner_kind(ctx, dec.func.value) is None and not _unannotated_router_param(
            ctx, dec.func.value):
        owner_class = project_class(ctx, dec.func.value, any_file)
        if owner_class is None:
            return None
        # `@rest.get(...)`: the project class's own `get` or flask's (project phase)
        class_verb = "" if attr == "route" else attr
        if class_verb and owner_class.split(".", 1)[0] in _OTHER_ROUTERS:
            return None  # `routes = web.RouteTableDef()`: another framework's own router
        if class_verb and ctx.__dict__.get("_collecting_routes", False):
            return None  # the per-file question cannot follow the class's `get`: no answer
    elif reexport_only(ctx) and constructor(ctx, dec.func.value) not in APPS:
        owner_class = constructor(ctx, dec.func.value)
    if handler is None:
        if func is None:
            return None
        handler = analyze_handler(ctx, func)
    path_node = arg_or_kw(dec, 0, "rule")
    methods = str_list(kwarg(dec, "methods")) or ("GET",) if attr == "route" else (SHORTCUTS[attr],)
    # path_text: a configured path (`app.config["SECURITY_LOGIN_URL"]`) shows by its key.
    path = path_text(ctx, path_node)
    return RouteFact("flask", held or object_name(ctx, dec.func.value), path,
                     methods, ctx.path, ctx.span_of(path_node if path_node is not None else dec),
                     handler, decorator=(ctx.span_of(dec), ctx.source(dec)),
                     owner_class=owner_class, path_source=written_source(ctx, path_node, path),
                     class_verb=class_verb,
                     inherited_owner=held is not None and isinstance(dec.func.value, ast.Attribute)
                     and _inherited_app(ctx, dec.func.value) == held)


def route_applied_to_import(ctx: FileContext, call: ast.Call) -> RouteFact | None:
    """`bp.route(app.config["SECURITY_LOGIN_URL"], methods=[...])(login)` with `login`
    imported from a library (Flask-Security's views): the route exists, its handler is the
    library's, known by its name (its body is not in the reviewed code)."""
    if len(call.args) != 1 or not isinstance(call.args[0], ast.Name):
        return None
    arg = call.args[0]
    bindings = ctx.semantic.lookup(arg.id, arg)[1]
    if not bindings or not all(b.kind == "import" and isinstance(b.node, ast.ImportFrom)
                               for b in bindings):
        return None
    span = ctx.span_of(arg)
    return route_from_decorator(ctx, None, call.func,
                                HandlerInfo(name=arg.id, line=span.start_line, span=span))


def project_class(ctx: FileContext, expr: ast.AST, any_file: bool = False) -> str | None:
    """The class a module-level object was built from, when it is not a framework's own
    (`blueprint = ToolsModule(...)`): a blueprint only if the class derives from
    flask.Blueprint, which the project phase decides (frameworks/flask_subclasses).
    `any_file`: also in a file that imports no flask (`rest = api_utils.Rest(...)`, the
    subclass defined in another module)."""
    if not any_file and not (ctx.semantic.is_imported("flask") or
                             ctx.semantic.is_imported("quart")):
        return None
    call = bound_call(ctx, expr) if isinstance(expr, ast.Name) else None
    if call is None or not isinstance(ctx.semantic.parent(call), ast.Assign | ast.AnnAssign) \
            or not (ctx.semantic.parent(ctx.semantic.parent(call)) is ctx.tree or
                    local_owner_assignment(ctx, call)):
        return None
    qn = ctx.qualified_name(call.func) or object_name(ctx, call.func)
    if not qn or qn in APPS or not qn.rsplit(".", 1)[-1][:1].isupper():
        return None  # a function's result (`getLogger(...)`), not a class's instance
    if isinstance(call.func, ast.Name) and not _may_derive_from_import(ctx, call.func, 0):
        return None  # a class of this file that derives from nothing imported: not flask's
    return qn


# What a function does with an app or blueprint it builds itself (`app = DtaleFlask(...)`
# in `build_app()`, then `@app.route("/")`): registers routes or blueprints on it.
_OWNER_USES = frozenset({"route", "register_blueprint", "add_url_rule", "errorhandler"})


def local_owner_assignment(ctx: FileContext, call: ast.Call) -> bool:
    """`app = ProjectFlask(...)` inside a function that registers routes or blueprints on
    that name: a project class's instance that may be an app (flask_subclasses decides
    from the class hierarchy). Other local objects of a Flask file are not owners."""
    target = assigned_target(ctx, call)
    func = ctx.semantic.enclosing_function(call)
    if not isinstance(target, ast.Name) or func is None:
        return False
    uses = ctx.memo("flask-local-owners", func, lambda: frozenset(
        sub.value.id for sub in walk(func) if isinstance(sub, ast.Attribute) and
        sub.attr in _OWNER_USES and isinstance(sub.value, ast.Name)))
    return target.id in uses


def _may_derive_from_import(ctx: FileContext, name: ast.Name, depth: int) -> bool:
    """Whether the class `name` names may derive from flask's Blueprint: imported, or a
    class of this file with an imported class among its ancestors. The per-file answer
    (analysis/handlers) agrees with the project phase on every class this file defines."""
    bindings = ctx.semantic.lookup(name.id, name)[1]
    if not bindings:
        return not hasattr(builtins, name.id)  # `object`, `dict`: not flask's
    if depth > 8:
        return True
    classes = [b.node for b in bindings if isinstance(b.node, ast.ClassDef)]
    if len(classes) != len(bindings):
        return True  # imported, or bound some other way
    for cls in classes:
        for base in cls.bases:
            if not isinstance(base, ast.Name):
                return True  # `flask.Blueprint`, `module.Base`
            if _may_derive_from_import(ctx, base, depth + 1):
                return True
    return False


def _project_owner(ctx: FileContext, call: ast.Call, target: ast.Name, owner_class: str
                   ) -> OwnerFact:
    """`bp = ToolsModule(...)`: kept only if the class derives from flask.Blueprint (project
    phase), its prefix `url_prefix=` or the class's default."""
    prefix_node = kwarg(call, "url_prefix")
    return OwnerFact(object_name(ctx, target) or "", "flask", "router",
                     None if prefix_node is None else path_text(ctx, prefix_node),
                     file=ctx.path, line=call.lineno, owner_class=owner_class,
                     ctor_args=_ctor_args(ctx, call), prefix_from_class=prefix_node is None)


def subclass_route(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef,
                   dec: ast.expr) -> list[object]:
    """In a file that imports no flask: `@rest.get("/leases")` with `rest =
    api_utils.Rest("v1_0", __name__, url_prefix="/v1")` at module level, the class defined
    elsewhere. A candidate route and its owner, both kept only when the class derives from
    flask.Blueprint and its `get` registers (frameworks/flask_subclasses, blueprint_verbs)."""
    if not (isinstance(dec, ast.Call) and isinstance(dec.func, ast.Attribute) and
            isinstance(dec.func.value, ast.Name) and
            (dec.func.attr == "route" or dec.func.attr in SHORTCUTS)):
        return []
    route = route_from_decorator(ctx, func, dec, any_file=True)
    call = bound_call(ctx, dec.func.value)
    if route is None or route.owner_class is None or call is None or \
            ctx.semantic.parent(ctx.semantic.parent(call)) is not ctx.tree:
        return []
    return [_project_owner(ctx, call, dec.func.value, route.owner_class), route]


def _ctor_args(ctx: FileContext, call: ast.Call) -> tuple[tuple[str, str | None], ...]:
    """The constructor's arguments as path texts, by position ("0") or keyword."""
    args = [(str(i), path_text(ctx, a)) for i, a in enumerate(call.args)
            if not isinstance(a, ast.Starred)]
    return tuple(args + [(k.arg, path_text(ctx, k.value)) for k in call.keywords if k.arg])


# The names `on_call` can react to (frameworks/collector skips every other call before any
# handler runs): a call's written name (the attribute, or the bare name) or the last part of
# its qualified name is in CALL_NAMES or ends with one of CALL_SUFFIXES. Change them with
# on_call; tests/test_call_triggers.py checks them on every route fixture project.
# A module-level `x = Call(...)` in a Flask or Quart file may also build a project Blueprint
# subclass (project_class): collector.py lets those calls through by their place.
def _app_wrapper(ctx: FileContext, call: ast.Call) -> list[object]:
    """`api = flask_smorest.Api(app)`: an owner below its app with no prefix of its own (an
    Api built without its app, `init_app` later, stays unplaced: its prefix unknown)."""
    target = assigned_target(ctx, call)
    name = object_name(ctx, target) if target is not None else None
    if not name:
        return []
    facts: list[object] = [OwnerFact(name, "flask", "router", "", file=ctx.path,
                                     line=call.lineno)]
    app = arg_or_kw(call, 0, "app")
    parent = object_name(ctx, app) if app is not None else None
    if parent:
        facts.append(MountFact(parent, name, "", "flask", ctx.path, call.lineno))
    return facts


CALL_NAMES = frozenset({*(qn.rsplit(".", 1)[-1] for qn in APPS),
                        *(qn.rsplit(".", 1)[-1] for qn in APP_WRAPPERS), "Limiter",
                        "register_blueprint", "add_url_rule"})
CALL_SUFFIXES = ("Blueprint",)


def on_call(ctx: FileContext, call: ast.Call) -> list[object]:
    facts: list[object] = []
    qn = ctx.qualified_name(call.func)
    kind = APPS.get(qn or "") or ("router" if library_class(qn, ("Blueprint",)) else None)
    if qn in APP_WRAPPERS:
        return _app_wrapper(ctx, call)
    if kind is not None:
        target = assigned_target(ctx, call)
        name = (held_app(ctx, target) or object_name(ctx, target)) if target is not None \
            else None
        if name:
            prefix_node = kwarg(call, "url_prefix")
            prefix = "" if prefix_node is None else path_text(ctx, prefix_node)
            facts.append(OwnerFact(name, "flask", kind, prefix, file=ctx.path,
                                   line=call.lineno,
                                   owner_class=qn if reexport_only(ctx) and qn not in APPS
                                   else None))
        return facts
    if qn in ("flask_limiter.Limiter", "flask_limiter.extension.Limiter"):
        limits = kwarg(call, "default_limits") or kwarg(call, "application_limits")
        if (isinstance(limits, ast.List | ast.Tuple) and limits.elts) or isinstance(
                limits, ast.Name | ast.Attribute | ast.Call):
            facts.append(_global("flask_limiter.Limiter(default_limits=...)", ctx, call))
        return facts
    target = assigned_target(ctx, call)
    if isinstance(target, ast.Name) and project_class(ctx, target) is not None and \
            bound_call(ctx, target) is call:
        return [_project_owner(ctx, call, target, project_class(ctx, target) or "")]
    if not isinstance(call.func, ast.Attribute):
        return facts
    attr = call.func.attr
    if attr not in ("register_blueprint", "add_url_rule"):
        return facts
    parent_name = object_name(ctx, call.func.value)
    # `self.app.register_blueprint(bp, url_prefix=...)` on an attribute its class assigns
    # only `Flask(...)`: the held app, the name its routes and owner fact carry.
    held = held_app(ctx, call.func.value)
    factory = _factory_result(ctx, call.func.value) if attr == "register_blueprint" else None
    owner_class = project_class(ctx, call.func.value) if owner_kind(
        ctx, call.func.value) is None and held is None else None
    if held is not None:
        parent_name = held
    elif owner_class is not None:
        pass  # a project Blueprint subclass's instance (kept or not in the project phase)
    elif attr == "add_url_rule" and _unannotated_router_param(ctx, call.func.value):
        pass  # on a blueprint parameter: a summary of its function (param_routes)
    elif owner_kind(ctx, call.func.value) is None and factory is not None:
        # `app = create_app(); app.register_blueprint(web)`: the app the factory returns
        # (frameworks/call_bindings), unknown when no factory of the project tells.
        parent_name = factory
    elif owner_kind(ctx, call.func.value) is None:
        if attr != "register_blueprint" or not _param_or_current_app(ctx, call.func.value):
            return facts
        # `def configure(app): app.register_blueprint(...)`: only an app registers
        # blueprints this way. The parameter stands for the apps its callers pass
        # (frameworks/call_bindings); when no call tells, for the app the project creates,
        # at the root.
        parent_name = object_name(ctx, call.func.value) if not _is_current_app(
            ctx, call.func.value) else None
        parent_name = parent_name or APP_PARAMETER
        facts.append(OwnerFact(parent_name, "flask", "app", "", file=ctx.path,
                               line=call.lineno))
    if attr == "register_blueprint":
        child = arg_or_kw(call, 0, "blueprint")
        child_ref = child_name(ctx, child) if child else None
        if child_ref and is_test_path(ctx.policy_path) and \
                not child_ref.startswith(this_module(ctx) + "."):
            # A test's app registering the project's blueprint (`app.register_blueprint(
            # leases.rest, url_prefix="/v1")`): no served app is a test's, so the blueprint
            # keeps its own place (as django.py and param_routes treat a test's calls).
            return facts
        prefix_node = kwarg(call, "url_prefix")
        # No url_prefix= keeps the blueprint's own prefix: mount with "". One given
        # replaces it (flask's BlueprintSetupState reads the blueprint's only when none is).
        prefix = "" if prefix_node is None else path_text(ctx, prefix_node)
        facts.append(MountFact(parent_name, child_name(ctx, child) if child else None,
                               prefix, "flask", ctx.path, call.lineno,
                               replaces_prefix=prefix_node is not None))
        return facts
    if in_registrar(ctx, call):
        return facts  # registers the members a deferred decorator marked (flask_plugins)
    path_node = arg_or_kw(call, 0, "rule")
    view = arg_or_kw(call, 2, "view_func")
    methods = str_list(kwarg(call, "methods")) or ()
    view_ref = None
    handler = None
    if isinstance(view, ast.Call) and isinstance(view.func, ast.Attribute) and \
            view.func.attr == "as_view":
        view_ref = object_name(ctx, view.func.value)
    elif isinstance(view, ast.Name | ast.Attribute):
        _, bindings = ctx.semantic.lookup(view.id, view) if isinstance(view, ast.Name) else (
            None, [])
        defs = [b.node for b in bindings if b.kind == "def"]
        if len(defs) == 1 and isinstance(defs[0], ast.FunctionDef | ast.AsyncFunctionDef):
            handler = analyze_handler(ctx, defs[0])
        else:
            # A request-handler class or a function from another module: resolved (or
            # not) in the project phase.
            view_ref = object_name(ctx, view)
    if view is None:
        return facts
    if handler is None:
        # Shown when the view cannot be resolved to a class or function in the project.
        handler = HandlerInfo(name=ctx.source(view)[:60], line=view.lineno,
                              span=ctx.span_of(view))
    facts.append(RouteFact("flask", parent_name, literal_str(path_node),
                           methods or (() if view_ref and isinstance(view, ast.Call) else
                                       ("GET",)), ctx.path,
                           ctx.span_of(path_node if path_node is not None else call), handler,
                           view_ref=view_ref, owner_class=owner_class))
    return facts


APP_PARAMETER = "<flask app parameter>"


def _factory_result(ctx: FileContext, expr: ast.AST) -> str | None:
    """`call:<factory>` for a name bound once to a call of a project function."""
    call = bound_call(ctx, expr) if isinstance(expr, ast.Name) else None
    if call is None or (ctx.qualified_name(call.func) or "") in APPS:
        return None
    factory = object_name(ctx, call.func)
    return f"call:{factory}" if factory else None


def _is_current_app(ctx: FileContext, expr: ast.AST) -> bool:
    return isinstance(expr, ast.Name) and (ctx.qualified_name(expr) or "") == \
        "flask.current_app"


def _param_or_current_app(ctx: FileContext, expr: ast.AST) -> bool:
    """A function parameter (`def configure(app)`) or flask's `current_app`."""
    if not isinstance(expr, ast.Name):
        return False
    if _is_current_app(ctx, expr):
        return True
    _, bindings = ctx.semantic.lookup(expr.id, expr)
    return bool(bindings) and all(b.kind == "param" for b in bindings)


def _global(value: str, ctx: FileContext, call: ast.Call) -> object:
    from .routes import SettingsFact

    return SettingsFact("global-limiter", value, "flask", ctx.path, call.lineno)


__all__ = ["markers", "on_call", "owner_kind", "route_from_decorator"]
