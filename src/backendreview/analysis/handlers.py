"""Which functions handle HTTP requests, which calls log, which calls build a response.

A small shared helper for the error-handling and security rules. "Is this a route handler"
has one answer, the route model's: a function is a handler when the route collector's
per-file recognisers (frameworks/collector.file_facts: FastAPI / Starlette / Flask /
aiohttp / flask-restx route decorators and call-style registrations, DRF `@action` and
`@api_view`, Flask-AppBuilder `@expose`, `self.method` handlers of aiohttp endpoint classes,
ariadne `set_field` bindings)
register it in this file. A public method of a class the file registers with flask-classful's
`Cls.register(bp)` is taken at the registration's word (frameworks/flask_classful). Two kinds
of handler are registered in another file, so the file
itself gives the evidence: methods of view classes (Django / DRF views and viewsets, Flask
MethodView, flask-restful Resources; a method the class's own verb table dispatches to) and
Django function views in a views module. Sanic and
Litestar, which the route model does not read, are recognised by their decorators here.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..context import FileContext
from .frameworks.naming import HTTP_METHOD_NAMES

if TYPE_CHECKING:
    from ..semantic import SemanticModel

_ROUTE_METHODS = frozenset({"route", "get", "post", "put", "patch", "delete", "head",
                            "options", "websocket", "add_route"})
# Frameworks the route model does not read: their route decorators, recognised here.
_UNMODELLED_ROUTERS = frozenset({"sanic.Sanic", "sanic.Blueprint", "litestar.Router"})
_UNMODELLED_DECORATORS = frozenset({
    "litestar.get", "litestar.post", "litestar.put", "litestar.patch", "litestar.delete",
    # Django's method decorators mark a function view wherever its urls entry is.
    "django.views.decorators.http.require_http_methods",
    "django.views.decorators.http.require_POST", "django.views.decorators.http.require_GET",
    "django.views.decorators.http.require_safe",
})
_VIEW_BASE_PREFIXES = ("rest_framework.", "django.views.", "flask.views.", "flask_restful.",
                       "flask_restx.", "flask_appbuilder.", "aiohttp.web.View",
                       "starlette.endpoints.", "aiohttp.web_urldispatcher.View")
_VIEW_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options",
                           "list", "create", "retrieve", "update", "partial_update",
                           "destroy", "dispatch", "form_valid", "perform_create",
                           "perform_update", "perform_destroy"})
_LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception",
                          "critical", "fatal", "log", "msg", "trace", "success"})
_LOG_FUNCTIONS = frozenset({
    "traceback.print_exc", "traceback.print_exception", "sentry_sdk.capture_exception",
    "sentry_sdk.capture_message", "raven.Client.captureException", "warnings.warn",
    "builtins.print", "logging.exception", "logging.error", "logging.warning",
    "logging.info", "logging.debug", "logging.critical", "logging.log",
})

# Response builders: qualified name -> how the fix names it.
RESPONSE_CALLS = frozenset({
    "flask.jsonify", "flask.make_response", "flask.Response", "flask.wrappers.Response",
    "werkzeug.wrappers.Response", "werkzeug.Response", "quart.jsonify",
    "fastapi.responses.JSONResponse", "fastapi.responses.PlainTextResponse",
    "fastapi.responses.HTMLResponse", "fastapi.responses.Response", "fastapi.Response",
    "fastapi.responses.ORJSONResponse", "fastapi.responses.UJSONResponse",
    "starlette.responses.JSONResponse", "starlette.responses.PlainTextResponse",
    "starlette.responses.HTMLResponse", "starlette.responses.Response",
    "django.http.HttpResponse", "django.http.JsonResponse", "django.http.HttpResponseBadRequest",
    "django.http.HttpResponseServerError", "django.http.HttpResponseForbidden",
    "django.http.HttpResponseNotFound", "django.http.response.HttpResponse",
    "django.http.response.JsonResponse", "django.http.response.HttpResponseBadRequest",
    "django.http.response.HttpResponseServerError",
    "rest_framework.response.Response", "aiohttp.web.json_response",
    # DRF's views module imports Response, and projects import it from there too
    "rest_framework.views.Response", "aiohttp.web.Response",
    "aiohttp.web.HTTPBadRequest", "aiohttp.web.HTTPInternalServerError",
    "fastapi.HTTPException", "fastapi.exceptions.HTTPException",
    "starlette.exceptions.HTTPException", "flask.abort", "werkzeug.exceptions.abort",
    "flask_restful.abort", "flask_smorest.abort", "rest_framework.exceptions.APIException",
    "rest_framework.exceptions.ValidationError", "rest_framework.exceptions.ParseError",
    "werkzeug.exceptions.InternalServerError", "werkzeug.exceptions.BadRequest",
    "werkzeug.exceptions.HTTPException",
    "django.shortcuts.render", "sanic.response.json", "sanic.response.text",
    # A GraphQL error's message goes to the client in the response's `errors`.
    "graphql.GraphQLError", "graphql.error.GraphQLError",
    "graphql.error.graphql_error.GraphQLError",
})


def response_call(ctx: FileContext, call: ast.Call) -> str | None:
    """The qualified name of the response builder `call` is, or None."""
    qualified = ctx.qualified_name(call.func)
    if qualified in RESPONSE_CALLS:
        return qualified
    if qualified and qualified.startswith("aiohttp.web.HTTP"):
        return qualified
    # Flask-AppBuilder / superset API helpers: self.response_500(message=...)
    func = call.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and (
            func.value.id == "self") and func.attr.startswith("response_") and (
            func.attr[9:].isdecimal()):
        return f"self.{func.attr}"
    return None


_RESPONSE_LAST = frozenset(q.rsplit(".", 1)[1] for q in RESPONSE_CALLS)


def response_call_names(semantic: SemanticModel) -> frozenset[str] | None:
    """The names a callee of this file must be written with (`f` of `f(...)`, `x.f(...)`)
    for response_call to answer, or None when any call may (a file importing aiohttp, whose
    `web.HTTPFound.x(...)` counts too). A per-file gate, exact: a qualified name comes
    from an import, so the last part of an attribute callee's is its written name, and a
    bare callee's is its import's (an alias is listed by the name it binds)."""
    if semantic.is_imported("aiohttp"):
        return None
    aliases = semantic.imports_binding(RESPONSE_CALLS.__contains__)
    own = [n for n in semantic.callee_names() if n.startswith("response_")]
    return _RESPONSE_LAST.union(aliases, own)


def _unmodelled_route_decorator(ctx: FileContext, decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    if ctx.qualified_name(target) in _UNMODELLED_DECORATORS:
        return True
    if not (isinstance(decorator, ast.Call) and isinstance(target, ast.Attribute) and
            target.attr in _ROUTE_METHODS and isinstance(target.value, ast.Name)):
        return False
    for binding in ctx.semantic.lookup(target.value.id, target.value)[1]:
        value = binding.value
        if isinstance(value, ast.Call) and ctx.qualified_name(value.func) in _UNMODELLED_ROUTERS:
            return True
    return False


def registered_handler_lines(ctx: FileContext) -> frozenset[int]:
    """The `def` lines of the functions this file registers as route handlers, by the route
    model's own recognisers: route decorators and registrations with a handler defined here,
    DRF actions and Flask-AppBuilder exposes, DRF `@api_view` function views."""

    def compute() -> frozenset[int]:
        from .frameworks.collector import file_facts
        from .frameworks.django import ViewFuncFact
        from .frameworks.graphql import GqlBindingFact
        from .frameworks.routes import RouteFact, ViewClassFact

        lines: set[int] = set()
        for fact in file_facts(ctx):
            if isinstance(fact, RouteFact) and fact.handler is not None and \
                    fact.handler.file == ctx.path:
                lines.add(fact.handler.line)  # analysed here: a def of this file
            elif isinstance(fact, ViewClassFact):
                lines.update(a.handler.line for a in fact.actions)
                # An @expose the class's own include_route_methods leaves out serves nothing.
                include = fact.literals.get("include_route_methods")
                lines.update(e.handler.line for e in fact.exposes
                             if include is None or e.method in include.split(","))
            elif isinstance(fact, GqlBindingFact) and fact.field.handler is not None and \
                    fact.field.handler.file == ctx.path:
                lines.add(fact.field.handler.line)  # ariadne `mutation.set_field(name, f)`
            elif isinstance(fact, ViewFuncFact) and fact.methods:
                lines.add(fact.handler.line)  # @api_view, @require_POST...
        return frozenset(lines)

    if ctx.__dict__.get("_collecting_routes"):
        return frozenset()
    return ctx.memo("registered-handlers", ctx.tree, compute)


def _is_view_class(ctx: FileContext, cls: ast.ClassDef, depth: int = 0) -> bool:
    if depth > 3:
        return False
    for base in cls.bases:
        qualified = ctx.qualified_name(base) or ""
        if qualified.startswith(_VIEW_BASE_PREFIXES):
            return True
        name = base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", "")
        if name.endswith(("View", "ViewSet", "APIView", "Resource", "Endpoint", "Api")) and (
                any(ctx.semantic.is_imported(f) for f in (
                    "django", "rest_framework", "flask", "flask_restful", "flask_restx",
                    "flask_appbuilder", "aiohttp", "starlette"))):
            return True
        if isinstance(base, ast.Name):
            # A base class defined in this module: look through it.
            for binding in ctx.semantic.lookup(base.id, base)[1]:
                if binding.kind == "class" and isinstance(binding.node, ast.ClassDef) and (
                        _is_view_class(ctx, binding.node, depth + 1)):
                    return True
    return False


def _router_subclass_candidate(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef,
                               decorator: ast.expr) -> bool:
    """`@router.post("/login")` on an object of a project class (marimo's APIRouter, a
    Starlette Router subclass: frameworks/router_subclasses): one file cannot tell the
    subclass from a look-alike, so the per-file answer takes a route-named decorator at its
    word, as the route table does when the class's hierarchy reaches Starlette's Router."""
    if not (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute) and
            decorator.func.attr in _ROUTE_METHODS | {"websocket"}) or not (
            ctx.semantic.is_imported("starlette") or ctx.semantic.is_imported("fastapi")):
        return False
    from .frameworks.router_subclasses import decorator_candidate, local_class_registers

    if decorator_candidate(ctx, func, decorator) is None:
        return False
    # A class written in this file is read here: its method must register (a `Cache` whose
    # `get` only looks a key up is no router).
    return local_class_registers(ctx, decorator.func) is not False


def _restx_candidate(ctx: FileContext, cls: ast.ClassDef) -> bool:
    """`@ns.route("/x")` on a class, `ns` a namespace of an Api imported from the project
    (frameworks/restx_imported): one file cannot tell the Api from a look-alike registry, so
    the per-file answer takes the decorator at its word, as the route table does when the
    object resolves to an Api."""
    if not cls.decorator_list:
        return False
    from .frameworks.restx_imported import class_candidates

    return bool(class_candidates(ctx, cls))




def _dispatched_methods(ctx: FileContext, cls: ast.ClassDef) -> frozenset[str]:
    """Methods a view class maps HTTP verbs to in a class-level table (`operations =
    {'sql': [{'get': 'sql'}], 'obj': [{'put': 'update'}]}`, the base view dispatching by
    it): the class itself says GET reaches `sql`, whatever the method is called, so it
    answers the client like `get` or `update` does."""

    def compute() -> frozenset[str]:
        names: set[str] = set()
        for stmt in cls.body:
            if not isinstance(stmt, ast.Assign | ast.AnnAssign) or stmt.value is None:
                continue
            for node in ast.walk(stmt.value):
                if isinstance(node, ast.Dict):
                    names.update(v.value for k, v in zip(node.keys, node.values, strict=True)
                                 if isinstance(k, ast.Constant) and isinstance(k.value, str)
                                 and k.value.lower() in HTTP_METHOD_NAMES
                                 and isinstance(v, ast.Constant) and isinstance(v.value, str)
                                 and v.value.isidentifier())
        return frozenset(names)

    return ctx.memo("dispatched-methods", cls, compute)


def is_route_handler(ctx: FileContext, func: ast.AST) -> bool:
    """Whether `func` handles an HTTP request (its return value goes to the client)."""
    if ctx.__dict__.get("_collecting_routes"):
        return _route_handler(ctx, func)  # a partial answer, not kept (file_facts)
    return ctx.memo("route-handler", func, lambda: _route_handler(ctx, func))


def _route_handler(ctx: FileContext, func: ast.AST) -> bool:
    if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
        return False
    if func.lineno in registered_handler_lines(ctx) or any(
            _unmodelled_route_decorator(ctx, d) or _router_subclass_candidate(ctx, func, d)
            for d in func.decorator_list):
        return True
    from .frameworks.graphql import is_resolver

    if is_resolver(ctx, func):
        return True  # a GraphQL resolver or mutation answers the client too
    parent = ctx.semantic.parent(func)
    if isinstance(parent, ast.ClassDef):
        from .frameworks.flask_classful import registered_member

        return ((func.name in _VIEW_METHODS or func.name in _dispatched_methods(ctx, parent)
                 ) and (_is_view_class(ctx, parent) or _restx_candidate(ctx, parent))) or \
            registered_member(ctx, parent, func)
    if not isinstance(parent, ast.Module):
        return False
    # A Django function view: in a views module, first parameter `request`.
    params = func.args.posonlyargs + func.args.args
    path = ctx.path.replace("\\", "/")
    in_views = path.endswith("/views.py") or "/views/" in path or path == "views.py" or (
        path.endswith("_views.py"))
    return bool(in_views and params and params[0].arg == "request"
                and ctx.semantic.is_imported("django")) and not _returns_none(ctx, func)


def _returns_none(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """`return None` (or a bare `return`) in the function's own body: Django refuses a view
    that answers None, so a `request`-taking function that does is a helper
    (`verify_access_token(request, key)`), not a view."""
    return any(ret.value is None or (isinstance(ret.value, ast.Constant)
                                     and ret.value.value is None)
               for ret in ctx.semantic.own_returns(func))


def is_logging_call(ctx: FileContext, call: ast.Call) -> bool:
    qualified = ctx.qualified_name(call.func) or ""
    if qualified in _LOG_FUNCTIONS or qualified.startswith(("logging.", "structlog.",
                                                            "loguru.", "sentry_sdk.")):
        return True
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in _LOG_METHODS:
        receiver = ctx.source(func.value).lower()
        return "log" in receiver or _is_logger_object(ctx, func.value)
    return isinstance(func, ast.Attribute) and func.attr in (
        "capture_exception", "captureException", "print_exc")


_LOGGER_FACTORIES = frozenset({"logging.getLogger", "structlog.get_logger", "structlog.getLogger",
                               "structlog.wrap_logger", "celery.utils.log.get_task_logger",
                               "logging.LoggerAdapter", "structlog.stdlib.get_logger"})


def _is_logger_object(ctx: FileContext, expr: ast.AST, depth: int = 0) -> bool:
    """A name bound to a logger whatever it is called (`L = logging.getLogger(...)`,
    `audit = structlog.get_logger()`, `log2 = audit.bind(user=...)`)."""
    if depth > 3 or not isinstance(expr, ast.Name):
        return False
    for binding in ctx.semantic.lookup(expr.id, expr)[1]:
        value = binding.value
        if binding.kind not in ("assign", "annassign") or not isinstance(value, ast.Call):
            continue
        if (ctx.qualified_name(value.func) or "") in _LOGGER_FACTORIES:
            return True
        if isinstance(value.func, ast.Attribute) and value.func.attr in ("bind", "new") and (
                _is_logger_object(ctx, value.func.value, depth + 1)):
            return True
    return False


def module_logger(ctx: FileContext) -> str | None:
    """The name of the module-level logger (`logger = logging.getLogger(__name__)`), if any."""
    if "_module_logger" in ctx.__dict__:
        return ctx.__dict__["_module_logger"]
    found: str | None = None
    for stmt in ctx.tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(
                stmt.targets[0], ast.Name) and isinstance(stmt.value, ast.Call):
            qualified = ctx.qualified_name(stmt.value.func) or ""
            if qualified in ("logging.getLogger", "structlog.get_logger",
                             "structlog.getLogger", "celery.utils.log.get_task_logger"):
                found = stmt.targets[0].id
                break
        if isinstance(stmt, ast.ImportFrom):
            for alias in stmt.names:
                name = alias.asname or alias.name
                if name in ("logger", "log", "LOGGER", "LOG", "_logger") or (
                        alias.name == "logger" and stmt.module == "loguru"):
                    found = name
    ctx.__dict__["_module_logger"] = found
    return found
