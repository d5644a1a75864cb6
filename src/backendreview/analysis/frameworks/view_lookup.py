"""Django views named through a project function that looks them up by name:

    from . import views

    def get_api_urls(api_views=None):
        def get_view(name):
            return getattr(api_views, name, getattr(views, name))

        return [path("freeradius/authorize/", get_view("authorize")), ...]

A function of this file (module level or nested) of one parameter whose body is a single
`return` of a lookup keyed by that parameter is read as a summary, and a call of it with a
literal key in a URL pattern names the view it returns:

- `getattr(obj, name)` / `getattr(obj, name, default)`: `obj` an imported module names
  `<module>.<key>`; the default is read the same way. An object the caller chooses (a
  parameter, a variable) names nothing the code fixes, so the view is the one a module of
  the project gives (the standard view a custom module may replace); with none, unresolved.
- `VIEWS[name]` / `VIEWS.get(name)` with `VIEWS` a module-level dict literal bound once: the
  value the literal key maps to. A key the dict does not hold, or a `.get(name, default)`
  (a default says the dict is not the whole story), is unresolved.

A key that is not a literal, a function with any other body, or anything unresolved leaves
the view unknown, never guessed. Such a call is no wrapper of a view either (it takes a
name, not a view): `looks_up_by_name` tells the URL collector not to read it as one.

The view a module names is often an alias (`authorize = freeradius_views.authorize` in
`views.py`, `authorize = AuthorizeView.as_view()` in `freeradius_views.py`): in a Django
module, a module-level name bound once to `View.as_view(...)` or to an attribute of an
imported module is recorded (`ViewAliasFact`), and the project phase follows a URL
pattern's view through those aliases (at most a few steps) to the view class or function
the route collector knows, so its methods, permissions and throttles are read.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from .common import literal_str, object_name, this_module

if TYPE_CHECKING:
    from ...context import FileContext

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def _lookup_function(ctx: FileContext, call: ast.Call
                     ) -> tuple[ast.FunctionDef | ast.AsyncFunctionDef, str, ast.expr] | None:
    """The function `call` runs, its key parameter and the expression it returns, when the
    function is one of this file, of one parameter, whose body is one `return`."""
    if not (isinstance(call.func, ast.Name) and len(call.args) == 1 and not call.keywords):
        return None
    bindings = ctx.semantic.lookup(call.func.id, call.func)[1]
    if len(bindings) != 1 or bindings[0].kind != "def" or not isinstance(
            bindings[0].node, _FUNCTIONS):
        return None
    func = bindings[0].node
    params = [*func.args.posonlyargs, *func.args.args]
    if len(params) != 1 or func.args.vararg or func.args.kwarg or func.args.kwonlyargs:
        return None
    body = [stmt for stmt in func.body
            if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant))]
    if len(body) != 1 or not isinstance(body[0], ast.Return) or body[0].value is None:
        return None
    return func, params[0].arg, body[0].value


def looks_up_by_name(ctx: FileContext, view: ast.expr) -> bool:
    """`get_view("authorize")`, `get_view(name)`: a call of a lookup function of this file
    (one parameter, one `return` keyed by it), whether or not the view resolves."""
    return isinstance(view, ast.Call) and _lookup_function(ctx, view) is not None


def _literal_key(view: ast.Call) -> str | None:
    return literal_str(view.args[0]) if view.args else None


def looked_up_view(ctx: FileContext, view: ast.expr) -> str | None:
    """The qualified name of the view `get_view("authorize")` returns, or None."""
    if not isinstance(view, ast.Call):
        return None
    key = _literal_key(view)
    found = _lookup_function(ctx, view) if key is not None else None
    if found is None or key is None:
        return None
    _, param, returned = found
    return _by_getattr(ctx, returned, param, key) or _by_dict(ctx, returned, param, key)


def defaulted_module_attribute(ctx: FileContext, view: ast.expr) -> str | None:
    """`social_views.redirect_cp` in `def get_social_urls(social_views=None): if not
    social_views: social_views = views`: the parameter's only value the code fixes is the
    imported module, so the view is `<module>.redirect_cp` (the standard view a caller's
    module may replace, like `getattr(api_views, name, getattr(views, name))`)."""
    if not (isinstance(view, ast.Attribute) and isinstance(view.value, ast.Name)):
        return None
    bindings = ctx.semantic.lookup(view.value.id, view.value)[1]
    assigned = [b.value for b in bindings if b.kind == "assign"]
    if len(assigned) != 1 or not isinstance(assigned[0], ast.Name) or any(
            b.kind not in ("param", "assign") for b in bindings) or not any(
            b.kind == "param" for b in bindings):
        return None
    module = _imported_module(ctx, assigned[0])
    return f"{module}.{view.attr}" if module else None


def _is_param(node: ast.AST | None, param: str) -> bool:
    return isinstance(node, ast.Name) and node.id == param


def _by_getattr(ctx: FileContext, node: ast.expr, param: str, key: str) -> str | None:
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and
            node.func.id == "getattr" and len(node.args) in (2, 3) and not node.keywords and
            _is_param(node.args[1], param)):
        return None
    module = _imported_module(ctx, node.args[0])
    if module is not None:
        return f"{module}.{key}"
    # An object the caller chooses: what the code fixes is the default, when there is one.
    return _by_getattr(ctx, node.args[2], param, key) if len(node.args) == 3 else None


def _imported_module(ctx: FileContext, node: ast.expr) -> str | None:
    """`views` bound only by an import (`from . import views`): its qualified name."""
    if not isinstance(node, ast.Name):
        return None
    bindings = ctx.semantic.lookup(node.id, node)[1]
    if not bindings or any(b.kind != "import" for b in bindings):
        return None
    return object_name(ctx, node)


def _by_dict(ctx: FileContext, node: ast.expr, param: str, key: str) -> str | None:
    if isinstance(node, ast.Subscript) and _is_param(node.slice, param):
        table = node.value
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
            node.func.attr == "get" and len(node.args) == 1 and not node.keywords and \
            _is_param(node.args[0], param):
        table = node.func.value
    else:
        return None
    if not isinstance(table, ast.Name):
        return None
    scope, bindings = ctx.semantic.lookup(table.id, table)
    if scope is not ctx.semantic.module_scope or len(bindings) != 1 or \
            bindings[0].kind != "assign" or not isinstance(bindings[0].value, ast.Dict):
        return None
    literal = bindings[0].value
    for k, v in zip(literal.keys, literal.values, strict=True):
        if k is None or literal_str(k) != key:
            continue
        if isinstance(v, ast.Call) and isinstance(v.func, ast.Attribute) and \
                v.func.attr == "as_view":
            v = v.func.value  # `{"login": LoginView.as_view()}`: the class is the view
        return object_name(ctx, v) if isinstance(v, ast.Name | ast.Attribute) else None
    return None


@dataclass(frozen=True)
class ViewAliasFact:
    name: str  # `<module>.authorize`
    target: str  # what it is bound to: a view class (`...AuthorizeView`) or another name
    file: str
    line: int


def view_alias(ctx: FileContext, node: ast.Assign | ast.AugAssign) -> ViewAliasFact | None:
    """`authorize = AuthorizeView.as_view()` / `authorize = freeradius_views.authorize` at
    module level, the name bound once."""
    if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(
            node.targets[0], ast.Name)) or ctx.semantic.scope_of(node) is not \
            ctx.semantic.module_scope:
        return None
    name = node.targets[0].id
    if len(ctx.semantic.module_scope.bindings.get(name, ())) != 1:
        return None
    value = node.value
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and \
            value.func.attr == "as_view":
        value = value.func.value
    elif not (isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name) and
              _imported_module(ctx, value.value) is not None):
        return None
    target = object_name(ctx, value) if isinstance(value, ast.Name | ast.Attribute) else None
    if not target:
        return None
    return ViewAliasFact(f"{this_module(ctx)}.{name}", target, ctx.path, node.lineno)


def follow_aliases(facts: dict[str, list[Any]], route_facts: list[Any],
                   known: Callable[[str], bool]) -> list[Any]:
    """Django routes whose view names an alias: renamed to what the alias chain ends at,
    when that is a view `known` accepts (a class or function the collector read)."""
    from .routes import Resolver

    aliases = {a.name: a.target for a in facts.get("view_alias", [])}
    if not aliases:
        return route_facts
    resolver = Resolver(sorted(aliases))
    out = []
    for fact in route_facts:
        ref = fact.view_ref
        if fact.framework != "django" or not ref or known(ref):
            out.append(fact)
            continue
        for _ in range(4):
            found = resolver.find(ref)
            if found is None:
                break
            ref = aliases[found]
            if known(ref):
                fact = replace(fact, view_ref=ref, view_ref_local=None)
                break
        out.append(fact)
    return out


__all__ = ["ViewAliasFact", "defaulted_module_attribute", "follow_aliases", "looked_up_view",
           "looks_up_by_name", "view_alias"]
