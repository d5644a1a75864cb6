"""Project helpers that build Django URL patterns (shuup's `admin_url`):

    def admin_url(regex, view, kwargs=None, name=None, prefix="", require_authentication=True,
                  permissions=None):
        ...
        return AdminRegexURLPattern(regex, view, kwargs, name, ...)

    def get_urls(self):
        return [admin_url(r"^taxes/$", "shop.admin.taxes.views.TaxListView", name="tax.list")]

A module-level function whose every return builds a URL pattern (`re_path` / `path` /
`url`, Django's `RegexURLPattern` / `URLPattern`, or a class of the same module deriving
from one) from two of its own parameters is a URL helper: its parameters say which argument
of a call is the pattern and which the view (`UrlHelperFact`). A call of any function with a
literal first argument, as an item of a list or tuple literal, is recorded with the route it
would make (`UrlHelperCallFact`); the project phase keeps the calls whose function resolves
to a helper that takes the pattern and the view in those places, and drops the rest. The view
may be a dotted string (`"shop.admin.views.TaxListView"`), resolved like any qualified name.

A pattern list built inside a function belongs to what the function returns (`return [...]`,
or a local list extended / appended to and returned, also as `tuple(urls)`): that function's
name is the list's name, and `urlpatterns = get_urls()` mounts it. A list returned by a
method nothing in the code mounts (admin modules collected at run time) sits below `{?}`.

The helper's boolean parameter that says whether the pattern requires authentication
(`require_authentication=True`, `login_required=True`: its name says so and its default is
True) is shown in the auth column unless the call passes False.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from .common import literal_str, this_module

if TYPE_CHECKING:
    from ...context import FileContext
    from .routes import Resolver, RouteFact

_PATTERN_CLASSES = ("RegexURLPattern", "URLPattern")
_PATTERN_MODULES = ("django.urls", "django.core.urlresolvers", "django.conf.urls")
_AUTH_PARAM = re.compile(r"(require|required|requires)_?(authentication|auth|login)|"
                         r"login_required", re.I)
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_DOTTED = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$")


@dataclass(frozen=True)
class UrlHelperFact:
    name: str
    regex_index: int
    view_index: int
    auth_param: str | None  # the boolean "requires authentication" parameter (default True)
    auth_index: int
    file: str
    line: int


@dataclass(frozen=True)
class UrlHelperCallFact:
    callee: str
    route: RouteFact  # as if the call were re_path(args[0], args[1])
    auth_arg: bool | None  # a literal True / False passed for an auth parameter (by name)
    auth_args: tuple[bool | None, ...]  # the literal booleans by position (None: other)
    file: str
    line: int


# -- per file --------------------------------------------------------------------------------
def _pattern_class(ctx: FileContext, call: ast.Call) -> bool:
    from .django import PATH_FUNCS

    qn = ctx.qualified_name(call.func) or ""
    if qn in PATH_FUNCS or (qn.startswith(_PATTERN_MODULES) and
                            qn.rsplit(".", 1)[-1] in _PATTERN_CLASSES):
        return True
    if not isinstance(call.func, ast.Name):
        return False
    bindings = ctx.semantic.lookup(call.func.id, call.func)[1]
    classes = [b.node for b in bindings if isinstance(b.node, ast.ClassDef)]
    return len(classes) == 1 == len(bindings) and any(
        (ctx.qualified_name(base) or "").startswith(_PATTERN_MODULES) and
        (ctx.qualified_name(base) or "").rsplit(".", 1)[-1] in _PATTERN_CLASSES
        for base in classes[0].bases)


def helper_fact(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef
                ) -> UrlHelperFact | None:
    if ctx.semantic.scope_of(func) is not ctx.semantic.module_scope:
        return None
    params = [a.arg for a in (*func.args.posonlyargs, *func.args.args)]
    if len(params) < 2:
        return None
    returns = ctx.semantic.own_returns(func)
    places: set[tuple[int, int]] = set()
    for ret in returns:
        call = ret.value
        if not (isinstance(call, ast.Call) and len(call.args) >= 2 and all(
                isinstance(a, ast.Name) and a.id in params for a in call.args[:2]) and
                _pattern_class(ctx, call)):
            return None
        places.add((params.index(call.args[0].id),  # type: ignore[attr-defined]
                    params.index(call.args[1].id)))  # type: ignore[attr-defined]
    if len(places) != 1:
        return None
    regex_index, view_index = places.pop()
    defaults = func.args.defaults
    first_default = len(params) - len(defaults)
    auth_param, auth_index = None, -1
    for index, name in enumerate(params):
        default = defaults[index - first_default] if index >= first_default else None
        if _AUTH_PARAM.search(name) and isinstance(default, ast.Constant) and \
                default.value is True:
            auth_param, auth_index = name, index
    return UrlHelperFact(f"{this_module(ctx)}.{func.name}", regex_index, view_index,
                         auth_param, auth_index, ctx.path, func.lineno)


def _returned_by(ctx: FileContext, seq: ast.List | ast.Tuple) -> str | None:
    """The function whose returned URL list `seq` is part of: `return [...]`, or a local list
    the statement fills (`urls.extend([...])`, `urls += [...]`, `urls = [...]`) that the
    function returns (`return urls`, `return tuple(urls)`)."""
    stmt = ctx.semantic.parent(seq)
    local: str | None = None
    if isinstance(stmt, ast.Return):
        pass
    elif isinstance(stmt, ast.Call) and isinstance(stmt.func, ast.Attribute) and \
            stmt.func.attr == "extend" and isinstance(stmt.func.value, ast.Name):
        local, stmt = stmt.func.value.id, ctx.semantic.parent(stmt)
    elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(
            stmt.targets[0], ast.Name):
        local = stmt.targets[0].id
    elif isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name):
        local = stmt.target.id
    else:
        return None
    func = ctx.semantic.parent(stmt) if stmt is not None else None
    if isinstance(stmt, ast.Return):
        # `if settings.API: return [...]`: a return anywhere in the function's own code.
        func = ctx.semantic.enclosing_function(stmt)
    if not isinstance(func, _FUNCTIONS):
        return None
    if local is not None and not any(_names_local(r.value, local)
                                     for r in ctx.semantic.own_returns(func)):
        return None
    cls = ctx.semantic.parent(func)
    module = this_module(ctx)
    if isinstance(cls, ast.ClassDef):
        return f"{module}.{cls.name}.{func.name}"
    if ctx.semantic.scope_of(func) is ctx.semantic.module_scope:
        return f"{module}.{func.name}"
    return None


def _names_local(value: ast.expr | None, local: str) -> bool:
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in (
            "tuple", "list") and len(value.args) == 1:
        value = value.args[0]
    return isinstance(value, ast.Name) and value.id == local


def helper_call(ctx: FileContext, call: ast.Call) -> list[object]:
    """`admin_url(r"^x/$", XView.as_view(), ...)` in a URL list: the route it would make."""
    if len(call.args) < 2 or literal_str(call.args[0]) is None or not isinstance(
            call.func, ast.Name | ast.Attribute):
        return []
    seq = ctx.semantic.parent(call)
    if not isinstance(seq, ast.List | ast.Tuple):
        return []
    # Imported here, after the gates every call of every file goes through: django and
    # routes import this module.
    from .django import PATH_FUNCS, _list_owner, _path_entry
    from .routes import RouteFact

    callee = ctx.qualified_name(call.func)
    if callee in PATH_FUNCS:
        return []
    from .common import object_name

    callee = callee or object_name(ctx, call.func)
    if not callee:
        return []
    owner = _list_owner(ctx, call) or _returned_by(ctx, seq)
    made = [f for f in _path_entry(ctx, call, next(iter(PATH_FUNCS)))
            if isinstance(f, RouteFact)]
    if not made:
        return []
    route = replace(made[0], owner=owner)
    view = call.args[1]
    text = literal_str(view)
    if text is not None and _DOTTED.match(text):
        route = replace(route, view_ref=text, handler=None)
    auth_arg = None
    for keyword in call.keywords:
        if keyword.arg and _AUTH_PARAM.search(keyword.arg) and isinstance(
                keyword.value, ast.Constant) and isinstance(keyword.value.value, bool):
            auth_arg = keyword.value.value
    positional = tuple(a.value if isinstance(a, ast.Constant) and isinstance(a.value, bool)
                       else None for a in call.args)
    return [UrlHelperCallFact(callee, route, auth_arg, positional, ctx.path, call.lineno)]


def returned_list_mount(ctx: FileContext, target: str, value: ast.expr) -> list[object]:
    """`urlpatterns = get_urls()`: the list the function returns is this list. Arguments
    (`get_api_urls(api_views)`) change what its views are, not which patterns it lists:
    the patterns were read from its `return [...]` with their paths."""
    from .common import object_name
    from .routes import MountFact

    if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Name)):
        return []
    if value.args or value.keywords:
        bindings = ctx.semantic.lookup(value.func.id, value.func)[1]
        if not bindings or any(b.kind != "def" for b in bindings):
            return []  # with arguments: only a function of this module (not i18n_patterns)
    child = object_name(ctx, value.func)
    if not child:
        return []
    return [MountFact(f"{this_module(ctx)}.{target}", child, "", "django", ctx.path,
                      value.lineno)]


# -- project phase ---------------------------------------------------------------------------
def helper_routes(facts: dict[str, list[Any]], views: Resolver
                  ) -> tuple[list[RouteFact], dict[int, str]]:
    """The routes of the calls whose function is a URL helper taking the pattern first and
    the view second, and the auth each shows (by the route fact's id). A dotted view string
    naming a class through a package that re-exports it (`app.views.ListView` for a class of
    `app/views/list.py`) is renamed to where the program model sees it defined."""
    from ..program import FACT_KIND, program_of
    from .routes import Resolver

    program = program_of(facts) if facts.get(FACT_KIND) else None

    helpers = {h.name: h for h in facts.get("url_helper", [])}
    if not helpers:
        return [], {}
    resolver = Resolver(sorted(helpers))
    routes: list[RouteFact] = []
    auth: dict[int, str] = {}
    for call in facts.get("url_helper_call", []):
        found = resolver.find(call.callee)
        if found is None:
            continue
        helper = helpers[found]
        if (helper.regex_index, helper.view_index) != (0, 1):
            continue
        route = call.route
        if program is not None and route.view_ref and views.find(route.view_ref) is None:
            defined = program.defining_name(route.view_ref)
            if defined is not None:
                route = replace(route, view_ref=defined)
        routes.append(route)
        if helper.auth_param is None:
            continue
        passed = call.auth_arg
        if passed is None and helper.auth_index < len(call.auth_args):
            passed = call.auth_args[helper.auth_index]
        if passed is not False:
            auth[id(route)] = f"{found.rsplit('.', 1)[-1]}({helper.auth_param}=True)"
    return routes, auth


__all__ = ["UrlHelperCallFact", "UrlHelperFact", "helper_call", "helper_fact",
           "helper_routes", "returned_list_mount"]
