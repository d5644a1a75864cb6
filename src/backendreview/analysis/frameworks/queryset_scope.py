"""What a DRF view's own `get_queryset` and `filter_queryset` do to the list it serves.

DRF's generic `list()` serializes `self.filter_queryset(self.get_queryset())`, so a class
attribute `queryset = Storage.objects.all()` is not what a request gets when a base class's
`get_queryset` narrows it (label-studio's storage lists: `?project=` required, 400 when
absent, then `filter(project_id=project.id)`), nor when a `filter_queryset` override keeps
the organizations the caller belongs to. Two readers, per file, of one method each:

- `required_parent`: the returned query keeps the rows of one parent that the request must
  name, an equality filter on a URL keyword (`self.kwargs["pk"]`) or on a query parameter
  the method refuses to go on without (`if not project_pk: raise ...`, or an object
  fetched with it by `get_object_or_404`). A parameter read without such a guard is an
  optional filter: absent, every row is listed, so it narrows nothing.
- `refinement`: the chain `filter_queryset` applies to the queryset it is given
  (`return queryset.filter(...).distinct()`), for the rules to read with the query.
- `list_paging`: what pages the list `filter_queryset` returns (a bounded slice, a paging
  call), on every value it returns.
"""

from __future__ import annotations

import ast
import re

from ...astutil import own_nodes
from ...context import FileContext

_QUERY_READS = frozenset({"query_params", "GET"})
# Fetching one object by the value: absent or unknown, the request ends with a 404.
_FETCH_ONE = frozenset({"get_object_or_404", "get"})
# Wrappers that keep a value what it was (`int(pk)`, `str(uuid)`).
_CASTS = frozenset({"int", "str", "UUID", "uuid.UUID"})
_DEPTH = 4
# A paging callable by its own name: DRF's `paginate_queryset`, Django's `Paginator`, a
# project helper named for it (label-studio's `paginator(tasks, request)`). The name must
# start so: `apply_unpaginated_filters` pages nothing.
_PAGING_NAME = re.compile(r"^_?(?:get_)?paginat(?:e|or|ed)", re.I)
# Django lookups that keep more than the rows of one parent (a range, a pattern, a set).
_NOT_EQUALITY = frozenset({
    "in", "gt", "gte", "lt", "lte", "contains", "icontains", "startswith", "istartswith",
    "endswith", "iendswith", "range", "isnull", "regex", "iregex", "search", "date", "year",
    "month", "day", "week", "week_day", "quarter", "time", "hour", "minute", "second",
    "overlap", "contained_by", "has_key", "has_any_keys", "has_keys", "ne"})


def required_parent(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    """"`project_id=project.id` (query parameter `project`, required)" when every value the
    method returns is a query narrowed by an equality filter on a parent the request must
    name (or an empty `.none()` queryset); "" otherwise."""
    found = ""
    for node in own_nodes(func):
        if not isinstance(node, ast.Return) or node.value is None:
            continue
        if _empty(node.value):
            continue
        narrowed = _narrowed(ctx, node.value, func, 0)
        if not narrowed:
            return ""
        found = found or narrowed
    return found


def _empty(expr: ast.expr) -> bool:
    """`Model.objects.none()`, `qs.none()`, `[]`: no rows at all."""
    if isinstance(expr, ast.List | ast.Tuple) and not expr.elts:
        return True
    return isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and (
        expr.func.attr == "none")


def _narrowed(ctx: FileContext, expr: ast.expr, func: ast.AST, depth: int) -> str:
    """The equality filter of `expr`'s call chain on a required parent, or of every query a
    local it starts from may hold (`qs = qs.filter(project=p)`)."""
    if depth > _DEPTH:
        return ""
    node: ast.AST = expr
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr == "filter":
            for cond in (*node.keywords, *node.args):
                found = _condition(ctx, cond, func, depth)
                if found:
                    return found
        node = node.func.value
    if isinstance(node, ast.Name):
        bindings = ctx.reaching_bindings(node)
        if not bindings or any(b.kind != "assign" or b.value is None for b in bindings):
            return ""
        found = [_narrowed(ctx, b.value, func, depth + 1) for b in bindings
                 if b.value is not None]
        return found[0] if found and all(found) else ""
    return ""


def _condition(ctx: FileContext, cond: ast.AST, func: ast.AST, depth: int) -> str:
    """`project=p` / `Q(task=task) & Q(was_cancelled=False)`: an equality on a required
    parent. A membership (`project__in=...`) keeps many parents' rows; `|` adds others."""
    if isinstance(cond, ast.keyword):
        if not cond.arg or cond.arg.rsplit("__", 1)[-1] in _NOT_EQUALITY:
            return ""
        source = _required(ctx, cond.value, func, depth)
        return f"`{cond.arg}={ctx.source(cond.value)}` ({source})" if source else ""
    if isinstance(cond, ast.BinOp) and isinstance(cond.op, ast.BitAnd):
        return _condition(ctx, cond.left, func, depth) or _condition(
            ctx, cond.right, func, depth)
    if isinstance(cond, ast.Call) and (ctx.qualified_name(cond.func) or "").endswith("Q"):
        for keyword in cond.keywords:
            found = _condition(ctx, keyword, func, depth)
            if found:
                return found
    return ""


def _required(ctx: FileContext, value: ast.AST, func: ast.AST, depth: int) -> str:
    """What makes `value` a parent the request must name: a URL keyword, or a local that
    holds one (or an object fetched by one); "" when nothing does."""
    if depth > _DEPTH:
        return ""
    kwarg = _url_kwarg(value)
    if kwarg is not None:
        return f"URL keyword `{kwarg}`"
    for node in ast.walk(value):
        if not (isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)) or (
                node.id in ("self", "cls")):
            continue
        bindings = ctx.reaching_bindings(node)
        if not bindings or any(b.kind != "assign" or b.value is None for b in bindings):
            continue
        sources = [_source(ctx, b.value, node.id, func, depth + 1) for b in bindings
                   if b.value is not None]
        if sources and all(sources):
            return sources[0]
    return ""


def _source(ctx: FileContext, value: ast.expr, name: str, func: ast.AST, depth: int) -> str:
    """`name = value` gives a required parent: a URL keyword, a query parameter the method
    refuses to go on without, one object fetched by either."""
    while isinstance(value, ast.Call) and len(value.args) == 1 and not value.keywords and (
            ctx.qualified_name(value.func) or "") in _CASTS:
        value = value.args[0]
    kwarg = _url_kwarg(value)
    if kwarg is not None:
        return f"URL keyword `{kwarg}`"
    param = _query_param(value)
    if param is not None:
        subscript = isinstance(value, ast.Subscript)
        if subscript or _guarded(func, name):
            return f"query parameter `{param}`, required"
        return ""
    if isinstance(value, ast.Call):
        callee = value.func.attr if isinstance(value.func, ast.Attribute) else (
            value.func.id if isinstance(value.func, ast.Name) else "")
        if callee in _FETCH_ONE:
            # `get_object_or_404(Project, pk=project_pk)`: 404 unless the request names one
            for arg in (*value.args[1:], *(k.value for k in value.keywords)):
                source = _fetch_argument(ctx, arg, func, depth)
                if source:
                    return source
        return ""
    return _required(ctx, value, func, depth) if isinstance(value, ast.Name | ast.Attribute) \
        else ""


def _fetch_argument(ctx: FileContext, arg: ast.expr, func: ast.AST, depth: int) -> str:
    """An argument of a one-object fetch that comes from the request: a URL keyword, a
    query parameter (guarded or not: the fetch itself fails without it), or a local
    holding one."""
    kwarg = _url_kwarg(arg)
    if kwarg is not None:
        return f"URL keyword `{kwarg}`"
    param = _query_param(arg)
    if param is not None:
        return f"query parameter `{param}`, required"
    if isinstance(arg, ast.Name):
        bindings = ctx.reaching_bindings(arg)
        if bindings and all(b.kind == "assign" and b.value is not None for b in bindings):
            values = [b.value for b in bindings if b.value is not None]
            found = [_fetch_argument(ctx, v, func, depth + 1) if depth < _DEPTH else ""
                     for v in values]
            if found and all(found):
                return found[0]
    return ""


def _keyed_read(node: ast.AST) -> tuple[ast.AST | None, ast.AST | None]:
    """`x[key]` or `x.get(key, ...)`: (x, key); (None, None) for anything else."""
    if isinstance(node, ast.Subscript):
        return node.value, node.slice
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and (
            node.func.attr == "get") and node.args:
        return node.func.value, node.args[0]
    return None, None


def _url_kwarg(node: ast.AST) -> str | None:
    """`self.kwargs["pk"]`, `self.kwargs.get("pk", 0)`, `kwargs["pk"]`: the key."""
    target, key = _keyed_read(node)
    if target is None or not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
        return None
    if (isinstance(target, ast.Attribute) and target.attr == "kwargs" and isinstance(
            target.value, ast.Name) and target.value.id == "self") or (
            isinstance(target, ast.Name) and target.id == "kwargs"):
        return key.value
    return None


def _query_param(node: ast.AST) -> str | None:
    """`self.request.query_params.get("project")`, `request.GET["project"]`: the name."""
    target, key = _keyed_read(node)
    if not (isinstance(target, ast.Attribute) and target.attr in _QUERY_READS):
        return None
    return key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else None


def _guarded(func: ast.AST, name: str) -> bool:
    """`if not name: raise ...` (or `return ...none()`), `if name is None: ...`: the method
    goes no further without the value."""
    for node in own_nodes(func):
        if not isinstance(node, ast.If) or not node.body:
            continue
        test = node.test
        absent = (isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)
                  and isinstance(test.operand, ast.Name) and test.operand.id == name) or (
            isinstance(test, ast.Compare) and isinstance(test.left, ast.Name)
            and test.left.id == name and len(test.ops) == 1
            and isinstance(test.ops[0], ast.Is | ast.Eq)
            and isinstance(test.comparators[0], ast.Constant)
            and test.comparators[0].value in (None, ""))
        last = node.body[-1]
        if absent and (isinstance(last, ast.Raise) or (
                isinstance(last, ast.Return) and last.value is not None
                and _empty(last.value))):
            return True
    return False


def refinement(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    """`def filter_queryset(self, queryset): return queryset.filter(...).distinct()`: the
    chain after `queryset` (".filter(...).distinct()"), when the method's one return
    refines the queryset it is given (or `super().filter_queryset(queryset)`); ""
    otherwise."""
    params = [a.arg for a in func.args.args]
    if len(params) < 2:
        return ""
    given = params[1]
    returns = [n for n in own_nodes(func) if isinstance(n, ast.Return)]
    if len(returns) != 1 or not isinstance(returns[0].value, ast.Call):
        return ""
    value = returns[0].value
    node: ast.AST = value
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if _is_super_filter(node, given):
            break
        node = node.func.value
    if node is value or not (
            (isinstance(node, ast.Name) and node.id == given) or _is_super_filter(node, given)):
        return ""
    whole, root = ctx.source(value), ctx.source(node)
    return whole[len(root):] if whole.startswith(root) else ""


def narrowed_by(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    """`qs = super().get_queryset(); return qs.filter(team__in=self.teams())`: the filter
    whose values the code computes (not literals, enum members or lists of them) that the
    query every return of the method hands back applies, as written
    (".filter(team__in=self.teams())"); "" when some return applies none. Followed through
    the locals the chain starts from, every binding of which must apply one: a filter only
    some paths apply (`if team: qs = qs.filter(team=team)`) leaves every row on the others,
    and a filter of another query (`Flag.objects.filter(...).exists()`) is not the list's.
    Which rows such a value keeps (the caller's teams, one tenant's, a parent's) is out of
    sight."""
    found = ""
    for node in own_nodes(func):
        if not isinstance(node, ast.Return) or node.value is None or _empty(node.value):
            continue
        narrowing = _narrowing(ctx, node.value, 0)
        if not narrowing:
            return ""
        found = found or narrowing
    return found


def _narrowing(ctx: FileContext, expr: ast.expr, depth: int) -> str:
    """The computed filter of `expr`'s call chain, or of every query a local it starts
    from may hold (the shape of `_narrowed`, for any computed value)."""
    if depth > _DEPTH:
        return ""
    node: ast.AST = expr
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr in ("filter", "filter_by", "where") and not all(
                _fixed_condition(v) for v in [*node.args, *(k.value for k in node.keywords)]):
            return "." + ctx.source(node)[len(ctx.source(node.func.value)):].lstrip(".")
        node = node.func.value
    if isinstance(node, ast.Name):
        bindings = ctx.reaching_bindings(node)
        if not bindings or any(b.kind != "assign" or b.value is None for b in bindings):
            return ""
        found = [_narrowing(ctx, b.value, depth + 1) for b in bindings if b.value is not None]
        return found[0] if found and all(found) else ""
    return ""


def _fixed_condition(node: ast.AST) -> bool:
    """A value the code fixes: a literal, a model's column or an enum member
    (`Kind.PUBLIC`), or a list, tuple or set of them (`status__in=["open", "new"]`)."""
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return all(_fixed_condition(e) for e in node.elts)
    return fixed_value(node)


def fixed_value(node: ast.AST) -> bool:
    """A literal (`1`, `-1`, `"open"`), or a column or member of a class (`Item.name`,
    `Item.created_at.desc()`, `Kind.PUBLIC`): a value no request changes."""
    if isinstance(node, ast.UnaryOp):
        return fixed_value(node.operand)
    if isinstance(node, ast.Constant):
        return True
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and not (
            node.args or node.keywords):
        node = node.func.value
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name) and node.id[:1].isupper()


def _is_super_filter(node: ast.AST, given: str) -> bool:
    """`super().filter_queryset(queryset)`."""
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and (
        node.func.attr == "filter_queryset") and isinstance(node.func.value, ast.Call) and (
        isinstance(node.func.value.func, ast.Name)) and node.func.value.func.id == "super" \
        and len(node.args) == 1 and isinstance(node.args[0], ast.Name) and (
        node.args[0].id == given)


def list_paging(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef
                ) -> tuple[str, ...]:
    """What pages the list a `filter_queryset` returns: a slice with an upper bound
    (`queryset.order_by(...)[:100]`) or a paging call (`paginator(tasks, request)`,
    `Paginator(qs, 50).page(n).object_list`), on every value it returns (an empty
    `.none()` aside); () otherwise. The query parameters it reads filter the list (kolibri's
    `?after=` / `?before=` are timestamps), and a slice elsewhere in the body (a search term
    cut to 100 characters) bounds no rows: neither pages."""
    found: list[str] = []
    for node in own_nodes(func):
        if not isinstance(node, ast.Return) or node.value is None or _empty(node.value):
            continue
        paged = _paged_value(ctx, node.value, 0)
        if not paged:
            return ()
        found.append(paged)
    return tuple(dict.fromkeys(found))


def _paged_value(ctx: FileContext, expr: ast.expr, depth: int) -> str:
    """The slice or paging call on `expr`'s own chain, or on every value a local it starts
    from may hold (`page = paginator(tasks, request)`); "" when none."""
    node: ast.AST = expr
    while True:
        if isinstance(node, ast.Subscript):
            if isinstance(node.slice, ast.Slice) and node.slice.upper is not None:
                return "slice"
            node = node.value
        elif isinstance(node, ast.Call):
            name = (ctx.qualified_name(node.func) or "").rpartition(".")[2] or (
                node.func.attr if isinstance(node.func, ast.Attribute) else
                getattr(node.func, "id", ""))
            if node.args and _PAGING_NAME.match(name):
                return f"{name}()"
            if not isinstance(node.func, ast.Attribute):
                break
            node = node.func.value
        elif isinstance(node, ast.Attribute):
            node = node.value
        else:
            break
    if isinstance(node, ast.Name) and depth < _DEPTH:
        bindings = ctx.reaching_bindings(node)
        if bindings and all(b.kind == "assign" and b.value is not None for b in bindings):
            found = [_paged_value(ctx, b.value, depth + 1) for b in bindings
                     if b.value is not None]
            if found and all(found):
                return found[0]
    return ""
