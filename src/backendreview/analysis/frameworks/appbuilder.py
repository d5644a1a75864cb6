"""Flask-AppBuilder: `@expose(url, methods)` methods of `BaseView` / `BaseApi` subclasses,
below the class's `route_base` (default `/<class name>` for views and
`/api/<version>/<resource_name>` for APIs), the routes `ModelRestApi` and `ModelView`
inherit, filtered by `include_route_methods` / `exclude_route_methods`, and the
registrations `appbuilder.add_view / add_view_no_menu / add_api` that put a class on the app.

Per file this module adds what a class exposes to its class fact; the project phase walks
the class hierarchy (bases in other modules) to put the routes together (`fab_routes`)."""

from __future__ import annotations

import ast
from dataclasses import replace
from typing import TYPE_CHECKING

from .common import analyze_handler, arg_or_kw, literal_str, object_name, str_list
from .routes import ExposeFact, HandlerInfo, RouteFact, ViewClassFact

if TYPE_CHECKING:
    from ...context import FileContext

EXPOSE = frozenset({"flask_appbuilder.expose", "flask_appbuilder.api.expose",
                    "flask_appbuilder.baseviews.expose", "flask_appbuilder.views.expose"})
REGISTER = frozenset({"add_view", "add_view_no_menu", "add_api"})
LITERALS = ("route_base", "resource_name", "version")
# Well-known route sets named by a constant (`RouteMethod.REST_MODEL_VIEW_CRUD_SET`).
NAMED_SETS = {"REST_MODEL_VIEW_CRUD_SET": ("get", "get_list", "put", "post", "delete", "info"),
              "CRUD_SET": ("add", "list", "edit", "delete", "action_post", "show")}
# Routes a library base class exposes: name -> (url, methods).
# Library list routes page their results (page / page_size arguments).
LIBRARY_PAGINATED = frozenset({"get_list", "list"})
MODEL_REST_API = {"info": ("/_info", ("GET",)), "get": ("/<int:pk>", ("GET",)),
                  "get_list": ("/", ("GET",)), "post": ("/", ("POST",)),
                  "put": ("/<pk>", ("PUT",)), "delete": ("/<pk>", ("DELETE",))}
MODEL_VIEW = {"list": ("/list/", ("GET",)), "show": ("/show/<pk>", ("GET",)),
              "add": ("/add", ("GET", "POST")), "edit": ("/edit/<pk>", ("GET", "POST")),
              "delete": ("/delete/<pk>", ("GET", "POST"))}
LIBRARY_ROUTES = {"ModelRestApi": MODEL_REST_API, "ModelView": MODEL_VIEW}
API_BASES = frozenset({"BaseApi", "BaseModelApi", "ModelRestApi"})
VIEW_BASES = frozenset({"BaseView", "BaseFormView", "BaseModelView", "BaseCRUDView",
                        "ModelView", "SimpleFormView", "PublicFormView", "IndexView",
                        "MasterDetailView", "MultipleView", "RestCRUDView", "UtilView"})


def active(ctx: FileContext) -> bool:
    return ctx.semantic.is_imported("flask_appbuilder")


def enrich(ctx: FileContext, node: ast.ClassDef, fact: ViewClassFact | None
           ) -> ViewClassFact | None:
    """The class fact with the class's @expose routes and route_base / resource_name /
    version / include_route_methods literals; a class fact is made for a class that has
    any of them even when it does not look like a view otherwise."""
    exposes: list[ExposeFact] = []
    for stmt in node.body:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            exposes += _exposes(ctx, stmt)
    literals: dict[str, str] = {}
    for stmt in node.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(
                stmt.targets[0], ast.Name):
            name = stmt.targets[0].id
            if name in LITERALS and literal_str(stmt.value) is not None:
                literals[name] = literal_str(stmt.value) or ""
            elif name in ("include_route_methods", "exclude_route_methods"):
                names = _route_names(ctx, stmt.value)
                if names is not None:
                    literals[name] = ",".join(sorted(names))
    if not exposes and not literals:
        return fact
    if fact is None:
        bases = tuple(object_name(ctx, b) or ctx.source(b) for b in node.bases)
        fact = ViewClassFact(f"{_module(ctx)}.{node.name}", ctx.path, node.lineno,
                             ctx.line_span(node.lineno), bases)
    return replace(fact, exposes=tuple(exposes), literals=literals)


def _module(ctx: FileContext) -> str:
    from .common import this_module

    return this_module(ctx)


def _exposes(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef
             ) -> list[ExposeFact]:
    out: list[ExposeFact] = []
    handler: HandlerInfo | None = None
    for dec in func.decorator_list:
        if not isinstance(dec, ast.Call):
            continue
        qn = ctx.qualified_name(dec.func) or ""
        if qn not in EXPOSE and not (qn.endswith(".expose") and active(ctx)):
            continue
        url_node = arg_or_kw(dec, 0, "url")
        url = "/" if url_node is None else literal_str(url_node)
        methods = str_list(arg_or_kw(dec, 1, "methods")) or ("GET",)
        handler = handler or analyze_handler(ctx, func)
        out.append(ExposeFact(func.name, url, methods, handler))
    return out


def _route_names(ctx: FileContext, expr: ast.AST) -> set[str] | None:
    """`{"get", "put"}`, `RouteMethod.REST_MODEL_VIEW_CRUD_SET | {RouteMethod.EXPORT}`:
    the method names, or None when not readable. A `RouteMethod.X` constant stands for "x"
    (the project constants are the lowercased names)."""
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.BitOr | ast.Add):
        left, right = _route_names(ctx, expr.left), _route_names(ctx, expr.right)
        return None if left is None or right is None else left | right
    if isinstance(expr, ast.Set | ast.List | ast.Tuple):
        out: set[str] = set()
        for elt in expr.elts:
            name = _route_name(elt)
            if name is None:
                return None
            out.add(name)
        return out
    if isinstance(expr, ast.Call) and getattr(expr.func, "id", "") in ("set", "frozenset"):
        return _route_names(ctx, expr.args[0]) if expr.args else set()
    if isinstance(expr, ast.Attribute) and expr.attr in NAMED_SETS:
        return set(NAMED_SETS[expr.attr])
    if isinstance(expr, ast.Attribute) and expr.attr.isupper() and not expr.attr.endswith(
            "_SET"):
        return {expr.attr.lower()}  # `RouteMethod.LIST`
    return None


def _route_name(elt: ast.AST) -> str | None:
    if isinstance(elt, ast.Constant) and isinstance(elt.value, str):
        return elt.value
    if isinstance(elt, ast.Attribute) and elt.attr.isupper():
        return elt.attr.lower()
    return None


def on_call(ctx: FileContext, call: ast.Call) -> list[object]:
    """`appbuilder.add_view(ChartView, "Charts")` / `add_api(ChartRestApi)`: the class is
    served by the app (Flask-AppBuilder registers one blueprint per class at the root)."""
    if not (isinstance(call.func, ast.Attribute) and call.func.attr in REGISTER and
            call.args):
        return []
    receiver = ctx.source(call.func.value)
    if "appbuilder" not in receiver.lower():
        return []
    view = call.args[0]
    if isinstance(view, ast.Call):
        view = view.func  # add_view(MyView(), ...)
    if isinstance(view, ast.Name):
        _, bindings = ctx.semantic.lookup(view.id, view)
        if bindings and all(b.kind == "param" for b in bindings):
            return []  # a helper's parameter: its callers name the classes
    ref = object_name(ctx, view)
    if ref is None:
        return []
    span = ctx.span_of(call.args[0])
    return [RouteFact("flask", None, "", (), ctx.path, span,
                      HandlerInfo(name=ref.rsplit(".", 1)[-1], line=span.start_line,
                                  span=span), view_ref=ref, registration="appbuilder")]
