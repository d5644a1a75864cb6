"""flask-restx / flask-restplus / flask-restful: `Api(app, prefix=)`, `Namespace(name, path=)`,
`api.namespace(...)`, `api.add_namespace(ns, path=)`, `add_resource(Resource, *urls)`,
`@ns.route(*urls)` on a Resource class, and project helpers that wrap `add_resource`
(`def add_org_resource(api, cls, *urls)` or a method of an `Api` subclass): the helper is
recorded here and resolved at its call sites in the project phase."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...model import Span
from . import flask
from .common import (
    assigned_target,
    callable_name,
    imported_owner,
    kwarg,
    literal_str,
    markers,
    object_name,
    path_text,
    path_texts,
    this_module,
)
from .restx_imported import RestxApiFact
from .routes import HandlerInfo, MountFact, OwnerFact, RouteFact

if TYPE_CHECKING:
    from ...context import FileContext

LIBS = ("flask_restx", "flask_restplus", "flask_restful")
APIS = frozenset(f"{lib}.Api" for lib in LIBS)
NAMESPACES = frozenset(f"{lib}.Namespace" for lib in LIBS[:2])


@dataclass(frozen=True)
class ResourceHelperFact:
    """A function (or method) that registers its `resource` parameter on its `api` parameter
    (or on `self`) with its `urls` parameters, each url passed through `template`
    (`{}` = the url as given)."""

    name: str  # qualified name of the helper
    api_param: int | None  # index of the api parameter; None: a method registering on self
    resource_param: int
    urls_param: int  # index of the first url parameter (a *urls catches the rest)
    template: str
    file: str
    line: int
    # "path-first" / "resource-first": the helper loops over (url, Resource) pairs passed in
    # its `urls_param` (`for path, resource in routes: bp.add_url_rule(path, ...)`).
    pairs: str = ""


@dataclass(frozen=True)
class HelperCallFact:
    """A call that may be a resource helper: `helper(api, Cls, "/a", "/b")` or
    `api.add_org_resource(Cls, "/a")`. Matched against ResourceHelperFacts in the project
    phase."""

    callee: str  # qualified name of the called function, or <receiver class>.<method>
    receiver: str | None  # the object a method is called on (its owner name)
    args: tuple[tuple[str, str | None], ...]  # ("str"|"ref"|"other", value) per argument
    file: str
    line: int
    span: Span
    # Arguments that name a module-level list of (url, Resource) tuples: index -> pairs.
    pairs: tuple[tuple[int, tuple[tuple[str, str], ...]], ...] = ()


def _api_class(ctx: FileContext, qn: str | None) -> bool:
    """flask-restx / flask-restful `Api`, a project subclass named like one (`ApiExt`), or
    a class of this file whose bases include it (`class Custom_API(Api)`)."""
    if qn in APIS or (bool(qn) and "Api" in (qn or "").rsplit(".", 1)[-1] and any(
            ctx.semantic.is_imported(lib) for lib in LIBS)):
        return True
    name = (qn or "").rsplit(".", 1)[-1]
    return bool(name) and any(
        isinstance(stmt, ast.ClassDef) and stmt.name == name and any(
            (ctx.qualified_name(base) or "") in APIS for base in stmt.bases)
        for stmt in ctx.tree.body)


def _class_of(ctx: FileContext, expr: ast.AST) -> str | None:
    """The class an object was built from, imported (`flask_restx.Api`) or defined here."""
    call = _bound(ctx, expr)
    if call is None:
        return None
    return ctx.qualified_name(call.func) or object_name(ctx, call.func)


def _kind(ctx: FileContext, expr: ast.AST) -> str | None:
    """api | ns when `expr` is a flask-restx / flask-restful Api or Namespace."""
    qn = _class_of(ctx, expr)
    if _api_class(ctx, qn):
        return "api"
    if qn in NAMESPACES:
        return "ns"
    call = _bound(ctx, expr)
    if call is not None and isinstance(call.func, ast.Attribute) and \
            call.func.attr == "namespace" and _kind(ctx, call.func.value) == "api":
        return "ns"
    if imported_owner(ctx, expr, LIBS):
        return "api"
    return None


def _bound(ctx: FileContext, expr: ast.AST) -> ast.Call | None:
    from .common import bound_call

    return bound_call(ctx, expr)


def init_on_blueprint(ctx: FileContext, call: ast.Call) -> list[object]:
    """`api.init_app(api_blueprint)` in a Flask module that imports the Api object from
    another: an extension initialised on a blueprint is an Api, its resources sit below the
    blueprint (an object that holds no routes adds none)."""
    if not (isinstance(call.func, ast.Attribute) and call.func.attr == "init_app" and
            len(call.args) == 1 and flask.owner_kind(ctx, call.args[0]) == "router"):
        return []
    owner = object_name(ctx, call.func.value)
    child_of = object_name(ctx, call.args[0])
    return [MountFact(child_of, owner, "", "flask", ctx.path, call.lineno)] \
        if owner and child_of else []


def active(ctx: FileContext) -> bool:
    return any(ctx.semantic.is_imported(lib) for lib in LIBS)


def on_call(ctx: FileContext, call: ast.Call) -> list[object]:
    qn = ctx.qualified_name(call.func) or object_name(ctx, call.func) or ""
    target = assigned_target(ctx, call)
    if _api_class(ctx, qn) or qn in NAMESPACES:
        return _owner(ctx, call, target, "ns" if qn in NAMESPACES else "api")
    if not isinstance(call.func, ast.Attribute):
        return helper_call(ctx, call)
    attr = call.func.attr
    kind = _kind(ctx, call.func.value)
    if kind is None:
        return helper_call(ctx, call)
    owner = object_name(ctx, call.func.value)
    if attr == "namespace" and kind == "api" and target is not None:
        facts = _owner(ctx, call, target, "ns")
        name = object_name(ctx, target)
        return [*facts, MountFact(owner, name, "", "flask", ctx.path, call.lineno)]
    if attr == "add_namespace" and call.args:
        path = kwarg(call, "path") or (call.args[1] if len(call.args) > 1 else None)
        child = object_name(ctx, call.args[0])
        if path is None:
            return [MountFact(owner, child, "", "flask", ctx.path, call.lineno)]
        return [MountFact(owner, child, literal_str(path), "flask", ctx.path, call.lineno,
                          replaces_prefix=True)]
    if attr == "init_app" and call.args and flask.owner_kind(ctx, call.args[0]) == "router":
        return [MountFact(object_name(ctx, call.args[0]), owner, "", "flask", ctx.path,
                          call.lineno)]
    if attr == "add_resource" and call.args:
        return _add_resource(ctx, call, owner)
    return helper_call(ctx, call)


def _owner(ctx: FileContext, call: ast.Call, target: ast.expr | None, kind: str
           ) -> list[object]:
    name = object_name(ctx, target) if target is not None else None
    if not name:
        return []
    decorators = kwarg(call, "decorators")
    raw = [callable_name(ctx, e) for e in decorators.elts] if isinstance(
        decorators, ast.List | ast.Tuple) else []
    auth, limits = markers(raw)
    facts: list[object] = []
    if kind == "api":
        prefix_node = kwarg(call, "prefix")
        prefix = "" if prefix_node is None else path_text(ctx, prefix_node)
        app = call.args[0] if call.args else kwarg(call, "app")
        # On the app (or not yet attached: init_app(app) later) the Api is a root; on a
        # blueprint it sits below the blueprint's prefix.
        facts.append(OwnerFact(name, "flask", "app", prefix, auth, limits, ctx.path,
                               call.lineno, tuple(raw)))
        facts.append(RestxApiFact(name, ctx.path, call.lineno))
        if app is not None and flask.owner_kind(ctx, app) == "router":
            facts.append(MountFact(object_name(ctx, app), name, "", "flask", ctx.path,
                                   call.lineno))
        elif app is not None and flask.owner_kind(ctx, app) == "app" and \
                object_name(ctx, app):
            # Built on the app: its resources are the app's routes, under the app's
            # before_request hooks and wherever the app itself is mounted (flexget's
            # `api = API(api_app)` with `@api_app.before_request` requiring a login).
            facts.append(MountFact(object_name(ctx, app), name, "", "flask", ctx.path,
                                   call.lineno))
        return facts
    return [namespace_owner(ctx, call, name, auth, limits, tuple(raw)),
            RestxApiFact(name, ctx.path, call.lineno)]


def namespace_owner(ctx: FileContext, call: ast.Call, name: str, auth: tuple[str, ...] = (),
                    limits: tuple[str, ...] = (), raw: tuple[str, ...] = ()) -> OwnerFact:
    """Namespace(name, description=None, path=None): without path= the url is "/<name>"."""
    path_node = kwarg(call, "path")
    ns_name = literal_str(call.args[0]) if call.args else literal_str(kwarg(call, "name"))
    if path_node is not None:
        prefix = path_text(ctx, path_node)
    else:
        prefix = None if ns_name is None else "/" + ns_name
    return OwnerFact(name, "flask", "router", prefix, auth, limits, ctx.path, call.lineno, raw)


def _add_resource(ctx: FileContext, call: ast.Call, owner: str | None) -> list[object]:
    resource = call.args[0]
    out: list[object] = []
    ref = object_name(ctx, resource)
    for url in call.args[1:]:
        if isinstance(url, ast.Starred):
            continue
        for path in path_texts(ctx, url):
            out.append(resource_route(ctx, owner, path, ref, url))
    return out


def resource_route(ctx: FileContext, owner: str | None, path: str | None, ref: str | None,
                    node: ast.AST) -> RouteFact:
    name = (ref or "?").rsplit(".", 1)[-1]
    span = ctx.span_of(node)
    return RouteFact("flask", owner, path, (), ctx.path, span,
                     HandlerInfo(name=name, line=span.start_line, span=span), view_ref=ref,
                     view_ref_local=f"{this_module(ctx)}.{name}")


def route_from_class(ctx: FileContext, node: ast.ClassDef) -> list[RouteFact]:
    """`@ns.route("/a", "/b")` / `@api.route(...)` on a Resource class."""
    out: list[RouteFact] = []
    for dec in node.decorator_list:
        if not (isinstance(dec, ast.Call) and isinstance(dec.func, ast.Attribute) and
                dec.func.attr == "route" and _kind(ctx, dec.func.value) is not None):
            continue
        owner = object_name(ctx, dec.func.value)
        ref = f"{this_module(ctx)}.{node.name}"
        for url in dec.args:
            # path_text: an f-string with nothing interpolated is a literal too.
            out.append(resource_route(ctx, owner, path_text(ctx, url), ref, url))
    return out


# -- project helpers that wrap add_resource -----------------------------------------------
def helper_from_function(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef
                         ) -> ResourceHelperFact | None:
    """`def helper(api, cls, *urls): api.add_resource(cls, *urls)` (or `self.add_resource`
    in a method), with the urls optionally rewritten by a comprehension over a template."""
    # Asked of every function of every file: a function's text is part of its file's, so a
    # file naming neither method has no helper (one look at the file, not one copy of the
    # text of each function).
    if not ctx.memo("names-add-resource", ctx.tree, lambda: "add_resource" in ctx.text or
                    "add_url_rule" in ctx.text):
        return None
    text = ctx.source(func)
    if "add_resource" not in text and "add_url_rule" not in text:
        return None
    params = [a.arg for a in [*func.args.posonlyargs, *func.args.args]]
    looped = _pairs_helper(ctx, func, params)
    if looped is not None:
        return looped
    vararg = func.args.vararg.arg if func.args.vararg else None
    for node in ast.walk(func):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and
                node.func.attr == "add_resource" and node.args and
                isinstance(node.func.value, ast.Name) and isinstance(node.args[0], ast.Name)):
            continue
        receiver, resource = node.func.value.id, node.args[0].id
        if resource not in params:
            continue
        is_method = ctx.semantic.enclosing_class(func) is not None and params[:1] == ["self"]
        if receiver == "self" and is_method:
            api_param = None
        elif receiver in params:
            api_param = params.index(receiver)
        else:
            continue
        urls = node.args[1:]
        template, urls_name = _url_template(ctx, func, urls)
        if urls_name is None:
            continue
        if urls_name == vararg:
            urls_index = len(params)
        elif urls_name in params:
            urls_index = params.index(urls_name)
        else:
            continue
        offset = 1 if is_method else 0
        name = _function_name(ctx, func)
        return ResourceHelperFact(name, None if api_param is None else api_param - offset,
                                  params.index(resource) - offset, urls_index - offset,
                                  template, ctx.path, func.lineno)
    return None


def _pairs_helper(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef,
                  params: list[str]) -> ResourceHelperFact | None:
    """`for path, resource in routes: blueprint.add_url_rule(path, view_func=...)` (or
    `api.add_resource(resource, path)`) with `blueprint` / `api` and `routes` parameters."""
    for loop in ast.walk(func):
        if not (isinstance(loop, ast.For) and isinstance(loop.iter, ast.Name) and
                loop.iter.id in params and isinstance(loop.target, ast.Tuple) and
                len(loop.target.elts) == 2 and
                all(isinstance(e, ast.Name) for e in loop.target.elts)):
            continue
        first, second = (e.id for e in loop.target.elts)  # type: ignore[attr-defined]
        for node in ast.walk(loop):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and
                    isinstance(node.func.value, ast.Name) and node.func.value.id in params
                    and node.args and isinstance(node.args[0], ast.Name)):
                continue
            arg0 = node.args[0].id
            if node.func.attr == "add_url_rule" and arg0 in (first, second):
                order = "path-first" if arg0 == first else "resource-first"
            elif node.func.attr == "add_resource" and arg0 in (first, second):
                order = "resource-first" if arg0 == first else "path-first"
            else:
                continue
            return ResourceHelperFact(_function_name(ctx, func),
                                      params.index(node.func.value.id), -1,
                                      params.index(loop.iter.id), "{}", ctx.path,
                                      func.lineno, order)
    return None


def _function_name(ctx: FileContext, func: ast.AST) -> str:
    cls = ctx.semantic.enclosing_class(func)
    parts = [this_module(ctx)]
    if cls is not None:
        parts.append(cls.name)
    parts.append(func.name)  # type: ignore[attr-defined]
    return ".".join(parts)


def _url_template(ctx: FileContext, func: ast.AST, urls: list[ast.expr]
                  ) -> tuple[str, str | None]:
    """(template, name of the parameter holding the urls) for `*urls`, `url`,
    `*[prefix + u for u in urls]`, `*[f"/orgs/<org>{u}" for u in urls]`, or
    `urls = [...]` assigned earlier in the helper."""
    if len(urls) != 1:
        return "{}", None
    expr = urls[0].value if isinstance(urls[0], ast.Starred) else urls[0]
    if isinstance(expr, ast.Name):
        for node in ast.walk(func):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(
                    node.targets[0], ast.Name) and node.targets[0].id == expr.id and \
                    isinstance(node.value, ast.ListComp | ast.GeneratorExp):
                expr = node.value
                break
        else:
            return "{}", expr.id
    if isinstance(expr, ast.ListComp | ast.GeneratorExp) and len(expr.generators) == 1:
        gen = expr.generators[0]
        if isinstance(gen.target, ast.Name) and isinstance(gen.iter, ast.Name):
            template = _template_of(ctx, expr.elt, gen.target.id)
            if template is not None:
                return template, gen.iter.id
    return "{}", None


def _template_of(ctx: FileContext, expr: ast.AST, var: str) -> str | None:
    if isinstance(expr, ast.Name) and expr.id == var:
        return "{}"
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        left, right = _template_of(ctx, expr.left, var), _template_of(ctx, expr.right, var)
        if left is not None and right is not None:
            return left + right
        return None
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return expr.value.replace("{", "{{").replace("}", "}}")
    if isinstance(expr, ast.JoinedStr):
        out = ""
        for part in expr.values:
            if isinstance(part, ast.FormattedValue):
                inner = _template_of(ctx, part.value, var)
                if inner is None:
                    return None
                out += inner
            else:
                sub = _template_of(ctx, part, var)
                if sub is None:
                    return None
                out += sub
        return out
    return None


def helper_call(ctx: FileContext, call: ast.Call) -> list[object]:
    """Record a call that passes a class and literal urls: it may be a resource helper."""
    args = call.args
    pairs = tuple((i, found) for i, a in enumerate(args)
                  if (found := _route_pairs(ctx, a)))
    if len(args) < 2 or not (pairs or any(
            isinstance(a, ast.Constant) and isinstance(a.value, str) and
            a.value.startswith("/") for a in args)):
        return []
    rendered: list[tuple[str, str | None]] = []
    has_ref = False
    for arg in args:
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            rendered.append(("str", arg.value))
        elif isinstance(arg, ast.Name | ast.Attribute):
            rendered.append(("ref", object_name(ctx, arg)))
            has_ref = True
        else:
            rendered.append(("other", None))
    if not has_ref:
        return []
    receiver = None
    if isinstance(call.func, ast.Attribute):
        receiver = object_name(ctx, call.func.value)
        cls = _class_of(ctx, call.func.value)
        callee = f"{cls}.{call.func.attr}" if cls else f"{receiver}.{call.func.attr}"
    else:
        callee = object_name(ctx, call.func) or ""
    if not callee:
        return []
    return [HelperCallFact(callee, receiver, tuple(rendered), ctx.path, call.lineno,
                           ctx.span_of(call), pairs)]


def _route_pairs(ctx: FileContext, arg: ast.AST) -> tuple[tuple[str, str], ...]:
    """A name bound once, at module level, to a list of ("/url", Resource) tuples."""
    from .common import bound_value

    value = bound_value(ctx, arg)
    if not isinstance(value, ast.List | ast.Tuple) or not value.elts:
        return ()
    out: list[tuple[str, str]] = []
    for elt in value.elts:
        if not (isinstance(elt, ast.Tuple) and len(elt.elts) >= 2):
            continue
        path, resource = literal_str(elt.elts[0]), object_name(ctx, elt.elts[1])
        if path is not None and resource is not None:
            out.append((path, resource))
    # Most entries must be (url, Resource) tuples for the list to be a route table.
    return tuple(out) if len(out) * 2 > len(value.elts) else ()
