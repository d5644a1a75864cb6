"""Project helpers that apply decorators to every URL pattern they are given (umap's
`decorated_patterns`, after djangosnippets 532):

    def decorated_patterns(func, *urls):
        def decorate(urls, func):
            for url in urls:
                url.__class__ = DecoratedURLPattern
                url._decorate_with.append(func)
        for f in func:
            decorate(urls, f)
        return urls

    class DecoratedURLPattern(URLPattern):
        def resolve(self, *args, **kwargs):
            result = URLPattern.resolve(self, *args, **kwargs)
            for func in self._decorate_with:
                result.func = func(result.func)
            return result

    i18n_urls += decorated_patterns([login_required], path("me", views.me), *map_urls)

Per file, a module-level function is such a helper (`PatternDecoratorFact`) when its body
says so: it returns its `*patterns` parameter, and it either rebinds a pattern's `__class__`
to a class of its module deriving from Django's URL pattern class whose `resolve()` replaces
`result.func` by a call on it (the view, wrapped), or wraps the pattern's view itself
(`url.callback = func(url.callback)`). A module-level list assigned (or extended with `+=`)
the result of a call of any other function that takes URL patterns (`path(...)`) or starred
lists is a group (`PatternGroupFact`): the patterns written in the call form a list of their
own, `<module>.<group:line:col>` (django._list_owner), and the call's first argument names
the decorators.

The project phase resolves the callee through the program model. A helper mounts the group
and each starred list below the assigned list, the decorators carried as the mount's auth,
limits and guard names (a project decorator such as `can_edit_map` is judged by its body,
frameworks/guards). Any other function mounts the written patterns plainly, as the list
they were written in, and the starred lists not at all: what it does with them is not told.
A list decorated by several calls carries every call's decorators (the helper changes the
pattern objects in place), and is mounted once.

Django's own `i18n_patterns(path(...), *urls)` is a group of the same kind without
decorators: its patterns are served below the active language's code, shown as `<lang>/`
(nothing with `prefix_default_language=False`, where the default language has none). A list
handed back to itself (`urlpatterns = i18n_patterns(*urlpatterns)`) is left as it was.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .common import callable_name, markers, object_name, this_module

if TYPE_CHECKING:
    from ...context import FileContext
    from .routes import MountFact

_PATTERN_CLASSES = ("RegexURLPattern", "URLPattern")
_PATTERN_MODULES = ("django.urls", "django.core.urlresolvers", "django.conf.urls")
_VIEW_ATTRS = frozenset({"callback", "_callback", "func"})
# Django's own: the patterns it is given served below the active language's code.
I18N_PATTERNS = frozenset({"django.conf.urls.i18n.i18n_patterns"})
LANGUAGE_PREFIX = "<lang>/"


@dataclass(frozen=True)
class PatternDecoratorFact:
    name: str  # module.function
    file: str
    line: int


@dataclass(frozen=True)
class PatternGroupFact:
    callee: str  # the function called, as this file names it
    parent: str  # the module-level list the call's result goes into
    group: str  # the list the patterns written in the call form
    decorators: tuple[str, ...]  # the names the first argument gives
    lists: tuple[str, ...]  # the starred lists passed
    file: str
    line: int
    prefix: str | None = None  # i18n_patterns: the language prefix its patterns sit below


# -- per file: the helper ----------------------------------------------------------------------
def _pattern_base(ctx: FileContext, cls: ast.ClassDef) -> bool:
    for base in cls.bases:
        qn = ctx.qualified_name(base) or ""
        if qn.startswith(_PATTERN_MODULES) and qn.rsplit(".", 1)[-1] in _PATTERN_CLASSES:
            return True
    return False


def _wraps_view(node: ast.AST) -> bool:
    """`x.func = f(x.func)` / `x.callback = f(x.callback)`: the view replaced by a call on it."""
    if not isinstance(node, ast.Assign) or len(node.targets) != 1:
        return False
    target, value = node.targets[0], node.value
    return isinstance(target, ast.Attribute) and target.attr in _VIEW_ATTRS and isinstance(
        value, ast.Call) and len(value.args) == 1 and isinstance(
        value.args[0], ast.Attribute) and value.args[0].attr == target.attr


def _wrapping_class(ctx: FileContext, name: ast.expr) -> bool:
    """A class of this module deriving from Django's URL pattern whose `resolve()` wraps the
    resolved view."""
    if not isinstance(name, ast.Name):
        return False
    bindings = ctx.semantic.lookup(name.id, name)[1]
    if len(bindings) != 1 or not isinstance(bindings[0].node, ast.ClassDef):
        return False
    cls = bindings[0].node
    if not _pattern_base(ctx, cls):
        return False
    return any(isinstance(stmt, ast.FunctionDef) and stmt.name == "resolve" and any(
        _wraps_view(sub) for sub in ast.walk(stmt)) for stmt in cls.body)


def decorator_helper(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef
                     ) -> PatternDecoratorFact | None:
    if ctx.semantic.scope_of(func) is not ctx.semantic.module_scope:
        return None
    vararg = func.args.vararg
    if vararg is None or not (func.args.posonlyargs or func.args.args):
        return None
    returns = ctx.semantic.own_returns(func)
    if not returns or not all(isinstance(r.value, ast.Name) and r.value.id == vararg.arg
                              for r in returns):
        return None
    for node in ast.walk(func):
        if _wraps_view(node):
            return PatternDecoratorFact(f"{this_module(ctx)}.{func.name}", ctx.path,
                                        func.lineno)
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(
                node.targets[0], ast.Attribute) and node.targets[0].attr == "__class__" and \
                _wrapping_class(ctx, node.value):
            return PatternDecoratorFact(f"{this_module(ctx)}.{func.name}", ctx.path,
                                        func.lineno)
    return None


# -- per file: the calls ---------------------------------------------------------------------
def _is_pattern(ctx: FileContext, arg: ast.expr) -> bool:
    from .django import PATH_FUNCS

    return isinstance(arg, ast.Call) and (ctx.qualified_name(arg.func) or "") in PATH_FUNCS


def _patterns_among(ctx: FileContext, args: list[ast.expr]) -> bool:
    return any(_is_pattern(ctx, a) or (isinstance(a, ast.Starred) and isinstance(
        a.value, ast.Name)) for a in args)


def i18n_call(ctx: FileContext, call: ast.AST) -> bool:
    """`i18n_patterns(path(...), *urls)`: Django's, every argument a pattern."""
    return isinstance(call, ast.Call) and (ctx.qualified_name(call.func) or "") in \
        I18N_PATTERNS and _patterns_among(ctx, call.args)


def group_call(ctx: FileContext, call: ast.AST) -> bool:
    """A call of a function that is not Django's own, with a first argument and then URL
    patterns or starred lists; or Django's `i18n_patterns(...)`."""
    if i18n_call(ctx, call):
        return True
    if not (isinstance(call, ast.Call) and len(call.args) >= 2 and isinstance(
            call.func, ast.Name | ast.Attribute)):
        return False
    qn = ctx.qualified_name(call.func) or ""
    if qn.startswith("django."):
        return False
    return _patterns_among(ctx, call.args[1:])


def pattern_args(ctx: FileContext, call: ast.Call) -> list[ast.expr]:
    """The arguments of a group call that are patterns: all of i18n_patterns', the helper's
    after its first."""
    return list(call.args) if i18n_call(ctx, call) else list(call.args[1:])


def assigned_list(ctx: FileContext, call: ast.Call) -> str | None:
    """The module-level list a call's result is assigned or added to (`urls += f(...)`,
    `urlpatterns = [...] + f(...)`)."""
    node: ast.AST = call
    parent = ctx.semantic.parent(node)
    while isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.Add):
        node, parent = parent, ctx.semantic.parent(parent)
    if isinstance(parent, ast.Assign) and len(parent.targets) == 1:
        target: ast.expr = parent.targets[0]
    elif isinstance(parent, ast.AugAssign):
        target = parent.target
    else:
        return None
    if not isinstance(target, ast.Name) or ctx.semantic.scope_of(parent) is not \
            ctx.semantic.module_scope:
        return None
    return f"{this_module(ctx)}.{target.id}"


def group_name(ctx: FileContext, call: ast.Call) -> str:
    return f"{this_module(ctx)}.<group:{call.lineno}:{call.col_offset}>"


def pattern_group(ctx: FileContext, call: ast.Call) -> PatternGroupFact | None:
    if not group_call(ctx, call):
        return None
    parent = assigned_list(ctx, call)
    callee = object_name(ctx, call.func) or ctx.qualified_name(call.func)
    if parent is None or not callee:
        return None
    # A starred list that is the assigned list itself (`urlpatterns =
    # i18n_patterns(*urlpatterns)`) is not mounted below itself.
    lists = tuple(name for a in pattern_args(ctx, call) if isinstance(a, ast.Starred)
                  for name in [object_name(ctx, a.value)] if name and name != parent)
    if i18n_call(ctx, call):
        # `prefix_default_language=False`: the default language's URLs carry no prefix.
        flag = next((k.value for k in call.keywords if k.arg == "prefix_default_language"),
                    None)
        prefix = "" if isinstance(flag, ast.Constant) and flag.value is False else \
            LANGUAGE_PREFIX
        return PatternGroupFact(callee, parent, group_name(ctx, call), (), lists, ctx.path,
                                call.lineno, prefix)
    first = call.args[0]
    items = first.elts if isinstance(first, ast.List | ast.Tuple) else [first]
    decorators = tuple(callable_name(ctx, e) for e in items if not (
        isinstance(e, ast.Constant) and e.value is None))
    return PatternGroupFact(callee, parent, group_name(ctx, call), decorators, lists, ctx.path,
                            call.lineno)


def assign_groups(ctx: FileContext, node: ast.Assign | ast.AugAssign) -> list[object]:
    """The groups among the calls a module-level assignment adds up."""
    parts: list[ast.expr] = [node.value]
    out: list[object] = []
    while parts:
        part = parts.pop()
        if isinstance(part, ast.BinOp) and isinstance(part.op, ast.Add):
            parts += [part.right, part.left]
        elif isinstance(part, ast.Call):
            fact = pattern_group(ctx, part)
            if fact is not None:
                out.append(fact)
    return out


# -- project phase ---------------------------------------------------------------------------
def group_mounts(facts: dict[str, list[Any]]) -> list[MountFact]:
    """The mounts the groups make: decorated below the list they go into when the callee is
    a helper, the written patterns plainly otherwise."""
    from ..program import FACT_KIND, program_of
    from .routes import MountFact, Resolver

    groups: list[PatternGroupFact] = facts.get("pattern_group", [])
    if not groups:
        return []
    program = program_of(facts) if facts.get(FACT_KIND) else None
    resolver = Resolver(sorted(h.name for h in facts.get("pattern_decorator", [])))
    merged: dict[tuple[str, str], MountFact] = {}
    out: list[MountFact] = []
    for group in groups:
        if group.prefix is not None:
            out += [MountFact(group.parent, child, group.prefix, "django", group.file,
                              group.line) for child in (group.group, *group.lists)]
            continue
        found = resolver.find(group.callee)
        if found is None and program is not None:
            found = resolver.find(program.defining_name(group.callee))
        if found is None:
            out.append(MountFact(group.parent, group.group, "", "django", group.file,
                                 group.line))
            continue
        auth, limits = markers(list(group.decorators))
        for child in (group.group, *group.lists):
            key = (group.parent, child)
            before = merged.get(key)
            if before is None:
                merged[key] = MountFact(group.parent, child, "", "django", group.file,
                                        group.line, auth, limits, group.decorators)
                continue
            merged[key] = MountFact(
                group.parent, child, "", "django", before.file, before.line,
                tuple(dict.fromkeys(before.auth + auth)),
                tuple(dict.fromkeys(before.limits + limits)),
                tuple(dict.fromkeys(before.raw + group.decorators)))
    return out + list(merged.values())


__all__ = [
    "I18N_PATTERNS",
    "LANGUAGE_PREFIX",
    "PatternDecoratorFact",
    "PatternGroupFact",
    "assign_groups",
    "assigned_list",
    "decorator_helper",
    "group_call",
    "group_mounts",
    "group_name",
    "i18n_call",
    "pattern_args",
    "pattern_group",
]
