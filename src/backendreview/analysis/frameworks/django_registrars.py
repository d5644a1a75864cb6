"""Django views registered by a project class decorator (horizon's REST API):

    urlpatterns = []

    def register(view):
        p = re_path(view.url_regex, view.as_view())
        urlpatterns.append(p)
        return view

    @urls.register
    class FloatingIP(generic.View):
        url_regex = r'network/floatingip/$'

A module-level function whose body builds a URL pattern from its first parameter (the path
an attribute of it, or a literal; the view `<param>.as_view(...)` or the parameter itself),
appends that pattern to a module-level list (directly or through a local name) and returns
the parameter is a registrar (`RegistrarFact`): what it does to the class it decorates is
read from its body, not from its name. Each module-level class decorated by a plain name
(`@urls.register`) is recorded with its string class attributes (`DecoratedClassFact`). The
project phase joins a class to the registrar its decorator resolves to: one route per class,
in the registrar's list, at the path its attribute holds (`{?}` when the class does not
assign it a string), served by the class like any `as_view()` registration. The pattern the
registrar's own body builds is no route of its own.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...model import Span
from .common import arg_or_kw, literal_str, object_name, path_text, this_module

if TYPE_CHECKING:
    from ...context import FileContext
    from .routes import RouteFact


@dataclass(frozen=True)
class RegistrarFact:
    func: str  # qualified name of the decorator function
    patterns: str  # qualified name of the module-level list it appends to
    path_attr: str | None  # the decorated class's attribute holding the path
    path: str | None  # a literal path, when the pattern is not read from the class
    file: str
    line: int


@dataclass(frozen=True)
class DecoratedClassFact:
    cls: str  # qualified name
    decorators: tuple[str, ...]  # qualified names of plain-name decorators
    # Class attributes assigned a string: (name, text, span, written as one literal).
    literals: tuple[tuple[str, str, Span, bool], ...]
    file: str
    line: int
    span: Span


# -- per file --------------------------------------------------------------------------------
def registrar(ctx: FileContext, call: ast.Call) -> RegistrarFact | None:
    """`re_path(view.url_regex, view.as_view())` in a registrar's body (see the module)."""
    func = ctx.semantic.enclosing_function(call)
    if func is None or ctx.semantic.scope_of(func) is not ctx.semantic.module_scope or \
            not func.args.args:
        return None
    param = func.args.args[0].arg
    view = arg_or_kw(call, 1, "view")
    if not (_is_param(view, param) or (
            isinstance(view, ast.Call) and isinstance(view.func, ast.Attribute) and
            view.func.attr == "as_view" and _is_param(view.func.value, param))):
        return None
    route = arg_or_kw(call, 0, "route") or arg_or_kw(call, 0, "regex")
    path_attr = route.attr if isinstance(route, ast.Attribute) and _is_param(
        route.value, param) else None
    path = literal_str(route)
    if path_attr is None and path is None:
        return None
    if not any(isinstance(s, ast.Return) and _is_param(s.value, param)
               for s in ctx.semantic.own_returns(func)):
        return None  # not a class decorator: what it returns replaces the class
    patterns = _appended_to(ctx, func, call)
    if patterns is None:
        return None
    return RegistrarFact(f"{this_module(ctx)}.{func.name}", patterns, path_attr, path,
                         ctx.path, call.lineno)


def _is_param(node: ast.AST | None, param: str) -> bool:
    return isinstance(node, ast.Name) and node.id == param


def _appended_to(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef,
                 call: ast.Call) -> str | None:
    """The module-level list the pattern is appended to: `urlpatterns.append(re_path(...))`,
    or `p = re_path(...)` then `urlpatterns.append(p)` / `.extend([p])`."""
    parent = ctx.semantic.parent(call)
    names: set[str] = set()
    if isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(
            parent.targets[0], ast.Name):
        names.add(parent.targets[0].id)
    for node in ast.walk(func):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and
                node.func.attr in ("append", "extend", "insert") and
                isinstance(node.func.value, ast.Name) and node.args):
            continue
        item = node.args[-1]
        items = item.elts if isinstance(item, ast.List | ast.Tuple) else [item]
        if not any(i is call or (isinstance(i, ast.Name) and i.id in names) for i in items):
            continue
        scope, bindings = ctx.semantic.lookup(node.func.value.id, node.func.value)
        if scope is ctx.semantic.module_scope and bindings and not any(
                b.kind == "import" for b in bindings):
            return f"{this_module(ctx)}.{node.func.value.id}"
    return None


def decorated_class(ctx: FileContext, node: ast.ClassDef) -> DecoratedClassFact | None:
    """A module-level class decorated by a plain name (`@urls.register`, `@register`)."""
    if ctx.semantic.scope_of(node) is not ctx.semantic.module_scope:
        return None
    decorators = tuple(name for d in node.decorator_list
                       if isinstance(d, ast.Name | ast.Attribute)
                       and (name := object_name(ctx, d)) is not None)
    if not decorators:
        return None
    literals = []
    for stmt in node.body:
        # A literal, or literals and module constants joined (`r'qos/' + r'(?P<id>...)/$'`):
        # only a single literal is text a fix may rewrite in place.
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(
                stmt.targets[0], ast.Name) and (text := path_text(ctx, stmt.value)) is not None:
            literals.append((stmt.targets[0].id, text, ctx.span_of(stmt.value),
                             literal_str(stmt.value) is not None))
    return DecoratedClassFact(f"{this_module(ctx)}.{node.name}", decorators, tuple(literals),
                              ctx.path, node.lineno, ctx.span_of(node))


# -- project phase ---------------------------------------------------------------------------
def decorated_routes(facts: dict[str, list[Any]]) -> list[RouteFact]:
    """One Django route per class decorated by a registrar."""
    registrars = {r.func: r for r in facts.get("django_registrar", [])}
    classes = facts.get("decorated_class", [])
    if not registrars or not classes:
        return []
    from .routes import UNKNOWN_PREFIX, Resolver, RouteFact

    resolver = Resolver(sorted(registrars))
    out: list[RouteFact] = []
    for cls in classes:
        found = next((f for d in cls.decorators if (f := resolver.find(d)) is not None), None)
        if found is None:
            continue
        reg = registrars[found]
        path, span, written = reg.path, cls.span, False
        if reg.path_attr is not None:
            assigned = next((lit for lit in cls.literals if lit[0] == reg.path_attr), None)
            path, span, written = assigned[1:] if assigned else (UNKNOWN_PREFIX, cls.span,
                                                                False)
        out.append(RouteFact("django", reg.patterns, path, (), cls.file, span,
                             view_ref=cls.cls, path_written=written))
    return out


__all__ = ["DecoratedClassFact", "RegistrarFact", "decorated_class", "decorated_routes",
           "registrar"]
