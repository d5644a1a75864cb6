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
from typing import TYPE_CHECKING, Any

from ...model import Span
from .common import analyze_handler, arg_or_kw, literal_str, object_name, str_list
from .routes import ExposeFact, HandlerInfo, Resolver, RouteFact, ViewClassFact

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
# A form view's one page: GET shows the form, POST handles it.
FORM_VIEW = {"this_form_get": ("/form", ("GET",)), "this_form_post": ("/form", ("POST",))}
LIBRARY_ROUTES = {"ModelRestApi": MODEL_REST_API, "ModelView": MODEL_VIEW,
                  "SimpleFormView": FORM_VIEW, "PublicFormView": FORM_VIEW}
# The library's own check on those routes (`@has_access`), none on a public form.
LIBRARY_AUTH: dict[str, tuple[str, ...]] = {
    "SimpleFormView": ("flask_appbuilder has_access",), "PublicFormView": ()}
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
    # A class deriving from one of the library's view bases by name (as in the library's
    # own code, which imports `expose` relatively) takes `@expose` at its word.
    fab_base = any((ctx.source(b).rsplit(".", 1)[-1]) in VIEW_BASES | API_BASES
                   for b in node.bases)
    for stmt in node.body:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            exposes += _exposes(ctx, stmt, fab_base)
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


def _exposes(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef,
             fab_base: bool = False) -> list[ExposeFact]:
    out: list[ExposeFact] = []
    handler: HandlerInfo | None = None
    for dec in func.decorator_list:
        if not isinstance(dec, ast.Call):
            continue
        qn = ctx.qualified_name(dec.func) or ""
        if qn not in EXPOSE and not (qn.endswith(".expose") and (active(ctx) or fab_base)):
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
    refs = _self_attribute_classes(ctx, view)
    if not refs:
        # Not found in the project phase, such a class is shown below an unknown base.
        ref = object_name(ctx, view)
        refs = [ref] if ref is not None else []
    span = ctx.span_of(call.args[0])
    return [RouteFact("flask", None, "", (), ctx.path, span,
                      HandlerInfo(name=ref.rsplit(".", 1)[-1], line=span.start_line,
                                  span=span), view_ref=ref, registration="appbuilder")
            for ref in refs]


def _self_attribute(ctx: FileContext, expr: ast.AST) -> tuple[str, ast.ClassDef] | None:
    """`self.auth_view` inside a method: the attribute's name and the enclosing class."""
    if not (isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name)):
        return None
    scope, bindings = ctx.semantic.lookup(expr.value.id, expr.value)
    if scope is None or not scope.is_function or not bindings or \
            bindings[0].kind != "param" or scope.parent is None or not scope.parent.is_class:
        return None
    func = scope.node
    first = func.args.posonlyargs + func.args.args  # type: ignore[union-attr]
    if not first or first[0].arg != expr.value.id:
        return None
    return expr.attr, scope.parent.node  # type: ignore[return-value]


def _self_attribute_classes(ctx: FileContext, expr: ast.AST) -> list[str] | None:
    """The view classes `self.<attr>` can hold, from the enclosing class's own code: its
    class-body assignment (`userinfoeditview = UserInfoEditView`) and every `self.<attr> =
    ...` in its methods (`self.auth_view = self.authdbview()` in one branch,
    `self.authldapview()` in another: each is a class the app may register, so each is
    listed), a `self.<other>` value followed the same way. None when `expr` is not such an
    attribute; an empty list when no assignment names a class."""
    found = _self_attribute(ctx, expr)
    if found is None:
        return None
    attr, cls = found
    out: list[str] = []
    seen: set[str] = set()

    def follow(name: str, depth: int) -> None:
        if name in seen or depth > 3:
            return
        seen.add(name)
        for value in _attribute_values(cls, name):
            if isinstance(value, ast.Call):
                value = value.func  # `self.authdbview()`: an instance of that class
            inner = _self_attribute(ctx, value)
            if inner is not None and inner[1] is cls:
                follow(inner[0], depth + 1)
            elif isinstance(value, ast.Name | ast.Attribute) and _names_a_class(ctx, value):
                ref = object_name(ctx, value)
                if ref is not None and ref not in out:
                    out.append(ref)

    follow(attr, 0)
    return out


def _names_a_class(ctx: FileContext, expr: ast.AST) -> bool:
    """A name or dotted name rooted in an import or a module-level definition, not in a
    parameter or a local (`self.appbuilder.add_view` is a call's result, not a class)."""
    while isinstance(expr, ast.Attribute):
        expr = expr.value
    if not isinstance(expr, ast.Name):
        return False
    scope, bindings = ctx.semantic.lookup(expr.id, expr)
    return scope is not None and isinstance(scope.node, ast.Module) and bool(bindings) and \
        all(b.kind in ("import", "class", "assign") for b in bindings)


def _attribute_values(cls: ast.ClassDef, name: str) -> list[ast.expr]:
    """What the class body assigns to `name`, then what its methods assign to `self.name`,
    in source order."""
    values: list[ast.expr] = []
    for stmt in cls.body:
        if isinstance(stmt, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == name for t in stmt.targets):
            values.append(stmt.value)
    for stmt in cls.body:
        if not isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(stmt):
            if isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Attribute) and t.attr == name and
                    isinstance(t.value, ast.Name) and t.value.id == "self"
                    for t in node.targets):
                values.append(node.value)
    return values


def complete_views(facts: dict[str, list[Any]], route_facts: list[RouteFact],
                   views: dict[str, ViewClassFact]) -> list[RouteFact]:
    """Registered classes the collector kept no fact of, found through the program model:
    a class named through a package that re-exports it (`add_api(ApiKeyApi)` imported from
    `security/sqla/apis/__init__.py`) is renamed to where it is defined, and a class with no
    `@expose` or `route_base` of its own (`class UserInfoEditView(SimpleFormView)` with only
    form hooks) gets a plain class fact whose bases lead to the routes it inherits. `views`
    is completed in place; the route facts come back with their view named as it is found."""
    from ..program import FACT_KIND, program_of
    from ..program.facts import ClassInfo

    if not facts.get(FACT_KIND) or not any(r.registration == "appbuilder" for r in route_facts):
        return route_facts
    program = program_of(facts)
    resolver = Resolver(sorted(views))
    out: list[RouteFact] = []
    for fact in route_facts:
        if fact.registration != "appbuilder" or resolver.find(fact.view_ref) is not None:
            out.append(fact)
            continue
        found = program.resolve(fact.view_ref) if fact.view_ref else None
        if isinstance(found, ClassInfo):
            known = resolver.find(found.qualname)
            if known is None:
                views[found.qualname] = ViewClassFact(
                    found.qualname, found.path, found.line, Span(found.line, 1, found.line, 1),
                    found.bases)
                resolver = Resolver(sorted(views))
                known = found.qualname
            fact = replace(fact, view_ref=known)
        out.append(fact)
    return out
