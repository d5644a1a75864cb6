"""Query origins inside one function: which query a loop iterates (through local variables
and chained filters), which relations that query loads, and which attributes the loop body
reads from each row. The results are plain facts, joined with the model facts later."""

from __future__ import annotations

import ast
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ...model import Span
from .models import class_ref

if TYPE_CHECKING:
    from ...context import FileContext

DJANGO_MANAGERS = frozenset({"objects", "_default_manager", "_base_manager"})
# QuerySet methods that return a QuerySet of the same rows.
DJANGO_CHAIN = frozenset({
    "all", "filter", "exclude", "order_by", "distinct", "annotate", "alias", "reverse",
    "using", "select_for_update", "extra", "defer", "only", "select_related",
    "prefetch_related", "none", "union", "intersection", "difference", "iterator",
})
DJANGO_ROWS_AS_DATA = frozenset({"values", "values_list", "dates", "datetimes"})
# QuerySet methods that run a query and return a value.
DJANGO_EVALUATE = frozenset({
    "get", "first", "last", "count", "exists", "aggregate", "latest", "earliest", "in_bulk",
    "contains",
})
SA_CHAIN = frozenset({
    "filter", "filter_by", "where", "order_by", "join", "outerjoin", "limit", "offset",
    "distinct", "options", "execution_options", "group_by", "having", "params",
    "enable_eagerloads", "yield_per", "select_from", "correlate", "with_for_update",
    "populate_existing", "autoflush", "all", "unique", "scalars", "slice",
})
SA_EVALUATE = frozenset({"first", "one", "one_or_none", "scalar", "count", "get",
                         "first_or_404", "get_or_404", "one_or_404", "all", "scalar_one",
                         "scalar_one_or_none"})
_RELATION_NARROWING = frozenset({"and_", "of_type"})
SA_LOADERS = frozenset({"joinedload", "selectinload", "subqueryload", "immediateload",
                        "contains_eager", "raiseload", "noload", "defaultload"})
SA_SELECTS = frozenset({"sqlalchemy.select", "sqlalchemy.future.select", "sqlmodel.select",
                        "sqlalchemy.sql.select", "sqlalchemy.sql.expression.select"})
_PASS_THROUGH = frozenset({"builtins.list", "builtins.enumerate", "builtins.sorted",
                           "builtins.reversed", "builtins.tuple", "builtins.set"})


@dataclass(frozen=True)
class Origin:
    orm: str  # "django" | "sqlalchemy" | "relation"
    model: str | None  # class reference of the rows
    loaded: tuple[str, ...]  # relation paths the query loads, dotted; "*" loads every one
    rows: bool  # False when the rows are dicts or tuples (values(), execute() rows)
    only: tuple[str, ...] | None
    deferred: tuple[str, ...]
    text: str
    line: int
    style: str  # how to phrase the fix: "django" | "query" | "select"
    parent: int | None = None  # relation origins: the id of the loop whose variable it reads
    relation: tuple[str, ...] = ()
    fresh: bool = False  # relation origins: a new query (filter, order_by...), not the cache
    pinned: tuple[str, ...] = ()  # columns the query filters to one value (`scorer_id == x`)


@dataclass(frozen=True)
class Access:
    levels: tuple[tuple[str, Span], ...]  # attribute names after the loop variable
    called: bool  # the last level is called: `post.comments.all()`
    snippet: str
    evaluated: bool = True  # False for `post.comments.all()` handed on as a lazy queryset
    # The call's arguments use the row or values computed in the loop (`filter(due__lte=
    # cutoff)` with `cutoff` set per row): a filter that differs for each row.
    varies: bool = False
    # The loop deletes what is read: "row" when it deletes its row (`session.delete(row)`,
    # `row.delete()`), "value" when it deletes the object the access gives (`entry =
    # field.entry` ... `session.delete(entry)`); "" otherwise.
    deletes: str = ""


@dataclass(frozen=True)
class LoopFact:
    path: str
    id: int
    line: int
    var: str
    origin: Origin
    accesses: tuple[Access, ...]
    module: str
    owner: int = 0  # the def line of the function the loop is in (0: module level)
    # Why the loop may end at its first item (a generator `any()` / `all()` / `next()`
    # consumes only until the answer is known): "" when it runs over every row.
    stops: str = ""


def _call_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute):
            return func.attr
        if isinstance(func, ast.Name):
            return func.id
    return None


def _strings(args: list[ast.expr]) -> list[str]:
    return [a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)]


class OriginFinder:
    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx

    def shorten(self, node: ast.AST) -> str:
        text = " ".join(self.ctx.source(node).split())
        return text if len(text) <= 70 else text[:67] + "..."

    def of(self, expr: ast.expr, depth: int = 0) -> Origin | None:
        found = self._of(expr, depth, [], [], None, [])
        if found is not None and found.orm in ("sqlalchemy", "django"):
            pinned = tuple(_pinned(expr, self.ctx) if found.orm == "sqlalchemy"
                           else _django_pinned(expr, self.ctx))
            if pinned:
                found = replace(found, pinned=pinned)
        return found

    def _of(self, expr: ast.expr, depth: int, loaded: list[str], only: list[str],
            rows: bool | None, deferred: list[str], top: ast.expr | None = None
            ) -> Origin | None:
        if depth > 12:
            return None
        top = top or expr
        d = depth + 1
        if isinstance(expr, ast.Await):
            return self._of(expr.value, d, loaded, only, rows, deferred, top)
        if isinstance(expr, ast.Subscript) and isinstance(expr.slice, ast.Slice):
            return self._of(expr.value, d, loaded, only, rows, deferred, top)
        if isinstance(expr, ast.Name):
            return self._name(expr, d, loaded, only, rows, deferred)
        if isinstance(expr, ast.Attribute) and expr.attr == "query" and isinstance(
                expr.value, ast.Name) and expr.value.id[:1].isupper():
            # Flask-SQLAlchemy `Model.query`
            model = class_ref(self.ctx, expr.value)
            if model is None:
                return None
            return Origin("sqlalchemy", model, tuple(loaded), True, None, (),
                          self.shorten(top), top.lineno, "query")
        if not isinstance(expr, ast.Call):
            return None
        func = expr.func
        qualified = self.ctx.qualified_name(func)
        if qualified in _PASS_THROUGH and expr.args:
            inner_top = expr.args[0] if top is expr else top
            return self._of(expr.args[0], d, loaded, only, rows, deferred, inner_top)
        if not isinstance(func, ast.Attribute):
            return None
        method = func.attr
        receiver = func.value
        # -- Django ----------------------------------------------------------------------
        if method in DJANGO_CHAIN or method in DJANGO_ROWS_AS_DATA:
            if method == "select_related":
                names = _strings(expr.args)
                loaded += [n.replace("__", ".") for n in names] if names or expr.args else [
                    "*fk"]
            elif method == "prefetch_related":
                for arg in expr.args:
                    lookup = _strings([arg])
                    if not lookup and isinstance(arg, ast.Call) and arg.args:
                        lookup = _strings(arg.args[:1])
                        # Prefetch("lines", queryset=Line.objects.select_related("order"))
                        inner = next((k.value for k in arg.keywords if k.arg == "queryset"),
                                     arg.args[1] if len(arg.args) > 1 else None)
                        found = self.of(inner, d) if inner is not None and lookup else None
                        if found is not None:
                            base = lookup[0].replace("__", ".")
                            loaded += [f"{base}.{p}" for p in found.loaded if p != "*fk"]
                    loaded += [n.replace("__", ".") for n in lookup]
            elif method == "only":
                only += [n.split("__")[0] for n in _strings(expr.args)]
            elif method == "defer":
                deferred += [n.split("__")[0] for n in _strings(expr.args)]
            elif method in DJANGO_ROWS_AS_DATA and rows is None:
                rows = False
            if isinstance(receiver, ast.Attribute) and receiver.attr in DJANGO_MANAGERS:
                model = class_ref(self.ctx, receiver.value)
                if model is None:
                    return None
                return Origin("django", model, tuple(loaded), rows is not False,
                              tuple(only) or None, tuple(deferred), self.shorten(top),
                              top.lineno, "django")
            if isinstance(receiver, ast.Attribute) and isinstance(receiver.value, ast.Name) and (
                    not receiver.value.id[:1].isupper() or self.ctx.semantic.is_imported(
                        "django")):
                # a related manager or a custom manager: `post.comments.filter(...)`,
                # `Post.published.all()`
                model = class_ref(self.ctx, receiver.value)
                if model is not None and self.ctx.semantic.is_imported("django") and (
                        receiver.value.id[:1].isupper()):
                    return Origin("django", model, tuple(loaded), rows is not False,
                                  tuple(only) or None, tuple(deferred), self.shorten(top),
                                  top.lineno, "django")
                fresh = _fresh_chain(top)
                return Origin("relation", None, tuple(loaded), rows is not False,
                              tuple(only) or None, tuple(deferred), self.shorten(top),
                              top.lineno, "django", None, (receiver.value.id, receiver.attr),
                              fresh)
            if method not in SA_CHAIN:
                return self._of(receiver, d, loaded, only, rows, deferred, top)
        # -- SQLAlchemy ------------------------------------------------------------------
        if method == "options":
            loaded += self._loader_paths(expr.args)
            return self._of(receiver, d, loaded, only, rows, deferred, top)
        if method == "scalars" and expr.args:
            return self._statement(expr.args[0], d, loaded, top, True)
        if method == "execute" and expr.args:
            found = self._statement(expr.args[0], d, loaded, top, False)
            return found
        if method == "scalars" and not expr.args:
            inner = self._of(receiver, d, loaded, only, rows, deferred, top)
            if inner is not None and inner.orm == "sqlalchemy":
                return Origin(inner.orm, inner.model, inner.loaded, True, None, (), inner.text,
                              inner.line, inner.style)
            return inner
        if method in SA_CHAIN:
            return self._of(receiver, d, loaded, only, rows, deferred, top)
        if method == "query" and expr.args:
            model = class_ref(self.ctx, expr.args[0])
            if model is None or len(expr.args) > 1:
                return None
            return Origin("sqlalchemy", model, tuple(loaded), True, None, (),
                          self.shorten(top), top.lineno, "query")
        return None

    def _statement(self, stmt: ast.expr, depth: int, loaded: list[str], top: ast.expr,
                   scalars: bool) -> Origin | None:
        """`select(Post).where(...).options(...)`, directly or through a local variable."""
        if depth > 12:
            return None
        if isinstance(stmt, ast.Name):
            bindings = self.ctx.reaching_bindings(stmt)
            values = [b.value for b in bindings if b.kind in ("assign", "annassign")
                      and b.value is not None]
            if len(values) != len(bindings) or not values:
                return None
            found = [self._statement(v, depth + 1, list(loaded), top, scalars) for v in values]
            if any(f is None for f in found):
                return None
            return _merge([f for f in found if f is not None])
        if not isinstance(stmt, ast.Call):
            return None
        func = stmt.func
        if self.ctx.qualified_name(func) in SA_SELECTS or (
                isinstance(func, ast.Name) and func.id == "select"
                and self.ctx.qualified_name(func) is None and False):
            if len(stmt.args) != 1:
                return None
            model = class_ref(self.ctx, stmt.args[0])
            if model is None:
                return None
            return Origin("sqlalchemy", model, tuple(loaded), scalars, None, (),
                          self.shorten(top), top.lineno, "select")
        if isinstance(func, ast.Attribute):
            if func.attr == "options":
                loaded = loaded + self._loader_paths(stmt.args)
                return self._statement(func.value, depth + 1, loaded, top, scalars)
            if func.attr in SA_CHAIN:
                return self._statement(func.value, depth + 1, loaded, top, scalars)
        return None

    def _loader_paths(self, args: list[ast.expr]) -> list[str]:
        paths: list[str] = []
        for arg in args:
            path = self._loader_chain(arg)
            if path is not None:
                paths.append(path)
        return paths

    def _loader_chain(self, node: ast.expr) -> str | None:
        """`selectinload(Post.comments).joinedload(Comment.author)` -> "comments.author";
        `raiseload("*")` / `joinedload("*")` -> "*"."""
        steps: list[str] = []
        current: ast.expr = node
        while isinstance(current, ast.Call):
            name = _call_name(current)
            if name not in SA_LOADERS and name not in ("lazyload", "load_only", "Load",
                                                       "defer", "undefer"):
                return None
            if name == "lazyload":
                return None
            level: list[str] = []
            for arg in current.args:
                while isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute) and (
                        arg.func.attr in _RELATION_NARROWING):
                    # `selectinload(User.roles.and_(Role.tenant_id == t))`: the relation is
                    # loaded, only the rows it holds are narrowed (or typed, `of_type`).
                    arg = arg.func.value
                if isinstance(arg, ast.Attribute):
                    level.append(arg.attr)
                elif isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    level.extend(arg.value.split("."))
            if name in ("load_only", "defer", "undefer"):
                level = []
            steps = level + steps
            func = current.func
            current = func.value if isinstance(func, ast.Attribute) else None  # type: ignore[assignment]
            if isinstance(current, ast.Name):
                break
        if "*" in steps:
            return "*"
        return ".".join(steps) if steps else None

    def _name(self, name: ast.Name, depth: int, loaded: list[str], only: list[str],
              rows: bool | None, deferred: list[str]) -> Origin | None:
        bindings = self.ctx.reaching_bindings(name)
        if not bindings:
            return None
        found: list[Origin] = []
        for binding in bindings:
            if binding.kind not in ("assign", "annassign", "walrus") or binding.value is None:
                return None
            origin = self._of(binding.value, depth, list(loaded), list(only), rows,
                              list(deferred))
            if origin is None:
                return None
            found.append(origin)
        return _merge(found)


def _pinned(expr: ast.expr, ctx, depth: int = 0) -> list[str]:  # type: ignore[no-untyped-def]
    """Columns compared for equality in the query's filters: `filter(X.scorer_id == v)`,
    `filter_by(scorer_id=v)`, `where(...)`, through local names."""
    out: list[str] = []
    if depth > 6:
        return out
    for node in ast.walk(expr):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "filter_by":
                out += [k.arg for k in node.keywords if k.arg]
            elif node.func.attr in ("filter", "where"):
                args = list(node.args)
                for arg in node.args:
                    # filter(*criteria) with criteria = [X.room_id == v, ...]
                    inner = arg.value if isinstance(arg, ast.Starred) else None
                    if isinstance(inner, ast.Name):
                        for binding in ctx.reaching_bindings(inner):
                            if isinstance(binding.value, ast.List | ast.Tuple):
                                args += binding.value.elts
                for arg in args:
                    if isinstance(arg, ast.Compare) and len(arg.ops) == 1 and isinstance(
                            arg.ops[0], ast.Eq) and isinstance(arg.left, ast.Attribute):
                        out.append(arg.left.attr)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            for binding in ctx.reaching_bindings(node):
                if binding.kind == "assign" and binding.value is not None and (
                        binding.lineno < node.lineno):
                    out += _pinned(binding.value, ctx, depth + 1)
    return out


def _django_pinned(expr: ast.expr, ctx, depth: int = 0) -> list[str]:  # type: ignore[no-untyped-def]
    """Fields a Django queryset's own chain filters to one value (`filter(user=u, date=d)`,
    `__exact`), through local names; not the filters of a subquery in its arguments."""
    out: list[str] = []
    node = expr
    while depth <= 6:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "filter":
                out += [k.arg.removesuffix("__exact") for k in node.keywords
                        if k.arg and "__" not in k.arg.removesuffix("__exact")]
            node = node.func.value
        elif isinstance(node, ast.Attribute):
            node = node.value
        elif isinstance(node, ast.Name):
            bindings = ctx.reaching_bindings(node)
            if len(bindings) != 1 or bindings[0].kind != "assign" or bindings[0].value is None:
                break
            node, depth = bindings[0].value, depth + 1
        else:
            break
    return out


def _fresh_chain(expr: ast.expr) -> bool:
    """`post.comments.filter(...)`: a query of its own; `post.comments.all()`: the cache."""
    while isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute):
        if expr.func.attr not in ("all", "iterator"):
            return True
        expr = expr.func.value
    return False


def _merge(found: list[Origin]) -> Origin | None:
    """Several assignments reach the loop: the rows are known only if they agree on the model;
    a relation counts as loaded when any of them loads it (a missed finding over a wrong one)."""
    if not found:
        return None
    first = found[0]
    if any(o.model != first.model or o.orm != first.orm or o.relation != first.relation
           for o in found):
        return None
    loaded = tuple(dict.fromkeys(p for o in found for p in o.loaded))
    rows = all(o.rows for o in found)
    onlys = [o.only for o in found]
    only = None if any(o is None for o in onlys) else first.only
    return Origin(first.orm, first.model, loaded, rows, only, first.deferred, first.text,
                  min(o.line for o in found), first.style, first.parent, first.relation,
                  any(o.fresh for o in found))
