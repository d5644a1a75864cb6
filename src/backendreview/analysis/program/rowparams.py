"""Which parameters of a function hold the rows of a query, as every caller shows.

`def export(rows): for r in rows: ...` called as `export(Item.objects.filter(...))`: the loop
walks query rows though its own file only sees a parameter. The answer comes from the
callers, never from the name: parameter k of `f` holds query rows when `f` has at least one
resolved caller and **every** call site the program model knows passes at k (by position or
keyword; a default is not rows) a value its own file's ORM reader shows to be query rows, or
a parameter of the caller's own that holds query rows in turn (at most MAX_DEPTH calls up; a
cycle proves nothing and the other calls decide).

Anything that lets values reach `f` unseen leaves the answer unknown: `f` is an entry point
(a decorator registers it, a view takes the request), a function of its name is referenced
by value anywhere in the project (a callback, a dispatch table, a URL pattern), a call the
model cannot resolve is written with its name, or a module's top-level code calls it.

Per file, the BR102 file rule records plain facts (`RowArg`, `ValueRefs`, picklable, cached
with the file) with `row_args` / `value_refs`; `RowParams` answers over the program model.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import PurePath

from ...astutil import own_nodes
from ...context import FileContext
from ...model import Related, Span
from ..orm.queries import OriginFinder
from .facts import UNBOUNDED, CallSite, ClassInfo, FunctionInfo
from .model import MAX_DEPTH, ProgramModel, Reached, short_name
from .paramflow import parameter_of
from .sqlflow import is_entry_point, summaries_of

ROW_ARGS = "row_args"
VALUE_REFS = "value_refs"
PARAM_LOOPS = "param_loops"
# Wrappers that hand the rows of their argument back (`list(qs)`, `sorted(qs, key=...)`).
_ROW_WRAPPERS = frozenset({"builtins.list", "builtins.sorted", "builtins.tuple",
                           "builtins.reversed", "builtins.enumerate"})


@dataclass(frozen=True)
class RowArg:
    """Argument `key` (a position as digits, or a keyword) of the call at `line:col` (the
    program model's CallSite position) in the function defined at `path:owner`, each of
    whose possible values (`x or y`, `a if c else b`, the assignments of a local, a
    comprehension that only filters) is one of: the rows of an ORM query (`rows`, the
    first such, on `rows_line`), the caller's own parameters `params` as they are, or what
    the calls at `sources` ((line, col) in the caller) return, when their callee returns
    every row of a query (the program model's UNBOUNDED effect)."""

    path: str
    owner: int
    line: int
    col: int
    key: str
    rows: str = ""
    rows_line: int = 0
    params: tuple[str, ...] = ()
    sources: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class ValueRefs:
    """The names of the functions a file refers to without calling them (`self.export`
    handed on, `views.export` in a URL pattern, `callback=export`; patterns like `do_*` for
    `getattr(self, "do_" + kind)`; `export` for the string `"shop.hooks.export"`), and of
    those it calls where the program model keeps no call site (`hidden_call`): either way,
    callers out of sight."""

    path: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class ParamLoop:
    """The loop on `line` (CallSite.loop_line) of the function defined at `path:owner`
    iterates that function's parameter `param` (through row-keeping wrappers)."""

    path: str
    owner: int
    line: int
    param: str


def param_loop(ctx: FileContext, loop: ast.AST) -> ParamLoop | None:
    """A `for` or a comprehension (its first generator) over a parameter of the function
    it is in, as the program model's call sites name their loop (CallSite.loop_line)."""
    if isinstance(loop, ast.For | ast.AsyncFor):
        iterable, line = loop.iter, loop.lineno
    elif isinstance(loop, ast.comprehension):
        parent = ctx.semantic.parent(loop)
        if not (isinstance(parent, ast.ListComp | ast.SetComp | ast.DictComp
                           | ast.GeneratorExp) and parent.generators[0] is loop):
            return None
        iterable, line = loop.iter, parent.lineno
    else:
        return None
    found = parameter_of(ctx, unwrapped(ctx, iterable))
    owner = ctx.semantic.enclosing_function(loop)
    if found is None or found[0] is not owner or found[1] in ("self", "cls"):
        return None
    this = loop if isinstance(loop, ast.For | ast.AsyncFor) else ctx.semantic.parent(loop)
    if any(node is not this and isinstance(node, _LOOP_NODES) and node.lineno == line
           for node in own_nodes(owner)):
        return None  # another loop on the line: a call site's loop_line names either
    return ParamLoop(ctx.path, owner.lineno, line, found[1])


# The nodes a call site's loop_line may name (extract.py's `_context`).
_LOOP_NODES = (ast.For, ast.AsyncFor, ast.While, ast.ListComp, ast.SetComp, ast.DictComp,
               ast.GeneratorExp)


def unwrapped(ctx: FileContext, expr: ast.expr) -> ast.expr:
    """`expr` without the wrappers that hand its rows back."""
    while isinstance(expr, ast.Call) and ctx.qualified_name(expr.func) in _ROW_WRAPPERS \
            and expr.args:
        expr = expr.args[0]
    return expr


def row_args(ctx: FileContext, origins: OriginFinder, call: ast.Call) -> list[RowArg]:
    """The arguments of `call` that are query rows or a parameter of the calling function
    handed on as it is (not `self` / `cls`)."""
    if not call.args and not call.keywords:
        return []
    out: list[RowArg] = []
    # Asked of every call BR102 visits: the enclosing function (a walk up the parents) is
    # looked for only once an argument could be rows, which most never are.
    owner: ast.FunctionDef | ast.AsyncFunctionDef | None = None
    looked = False
    keyed = [*((str(i), a) for i, a in enumerate(call.args)),
             *((k.arg, k.value) for k in call.keywords if k.arg)]
    for key, arg in keyed:
        if isinstance(arg, ast.Starred):
            break  # the positions after it are not known
        inner = unwrapped(ctx, arg)  # what _alternatives reads first (unwrapped twice is once)
        if not isinstance(inner, ast.Name | ast.Call | ast.Attribute | ast.Await
                          | ast.BoolOp | ast.IfExp | ast.ListComp | ast.GeneratorExp):
            continue
        if not looked:
            owner, looked = ctx.semantic.enclosing_function(call), True
        found: list[tuple[str, int, str, tuple[int, int]]] = []
        if not _alternatives(ctx, origins, owner, inner, found, 0, True):
            continue
        rows = next(((text, line) for text, line, _, _ in found if text), ("", 0))
        out.append(RowArg(ctx.path, owner.lineno if owner is not None else 0, call.lineno,
                          call.col_offset, key, rows[0], rows[1],
                          tuple(sorted({p for _, _, p, _ in found if p})),
                          tuple(sorted({s for _, _, _, s in found if s}))))
    return out


_MAX_ALTERNATIVES = 8


def _alternatives(ctx: FileContext, origins: OriginFinder, owner: ast.AST | None,
                  expr: ast.expr, found: list[tuple[str, int, str, tuple[int, int]]],
                  depth: int, in_call: bool = False) -> bool:
    """Add to `found` every value `expr` may have, as (query text, its line, parameter,
    call position): False when one of them is none of those three. `in_call`: `expr` is
    part of the call's own argument (no def between them), so its enclosing function is
    `owner` without a walk up its parents; not so for an assignment's value."""
    if depth > 4 or len(found) > _MAX_ALTERNATIVES:
        return False
    expr = unwrapped(ctx, expr)
    if isinstance(expr, ast.Await):
        expr = expr.value
    if isinstance(expr, ast.BoolOp):
        return all(_alternatives(ctx, origins, owner, v, found, depth + 1, in_call)
                   for v in expr.values)
    if isinstance(expr, ast.IfExp):
        return all(_alternatives(ctx, origins, owner, v, found, depth + 1, in_call)
                   for v in (expr.body, expr.orelse))
    if isinstance(expr, ast.ListComp | ast.GeneratorExp) and len(expr.generators) == 1 and (
            isinstance(expr.elt, ast.Name) and isinstance(expr.generators[0].target, ast.Name)
            and expr.elt.id == expr.generators[0].target.id):
        # `[u for u in users if u.active]`: some of the same rows
        return _alternatives(ctx, origins, owner, expr.generators[0].iter, found, depth + 1,
                             in_call)
    origin = origins.of(expr)
    if origin is not None:
        if not origin.rows:
            return False
        found.append((origin.text, origin.line, "", ()))
        return True
    if isinstance(expr, ast.Name):
        bindings = ctx.reaching_bindings(expr)
        if not bindings:
            return False
        for binding in bindings:
            if binding.kind == "param":
                if expr.id in ("self", "cls") or (
                        not in_call and ctx.semantic.enclosing_function(expr) is not owner):
                    return False
                found.append(("", 0, expr.id, ()))
            elif binding.kind in ("assign", "annassign") and binding.value is not None and (
                    binding.value is not expr):
                if not _alternatives(ctx, origins, owner, binding.value, found, depth + 1):
                    return False
            else:
                return False
        return True
    if isinstance(expr, ast.Call):
        # `helper(...)` or `helper(...).all()`: rows when the helper returns every row of
        # a query (the project phase asks the program model)
        inner = expr
        if isinstance(inner.func, ast.Attribute) and inner.func.attr == "all" and (
                isinstance(inner.func.value, ast.Call)):
            inner = inner.func.value
        found.append(("", 0, "", (inner.lineno, inner.col_offset)))
        return True
    return False


def own_class_call(ctx: FileContext, call: ast.Call) -> str | None:
    """The name of the class whose method builds an instance of its own class, or of a
    subclass, through `cls(...)`, `type(self)(...)` or `self.__class__(...)`: a call of a
    constructor no call site names."""
    func = call.func
    if not ((isinstance(func, ast.Name) and func.id == "cls") or (
            isinstance(func, ast.Call) and isinstance(func.func, ast.Name)
            and func.func.id == "type" and len(func.args) == 1) or (
            isinstance(func, ast.Attribute) and func.attr == "__class__")):
        return None
    cls = ctx.semantic.enclosing_class(call)
    return cls.name if cls is not None else None


def hidden_call(ctx: FileContext, call: ast.Call) -> str | None:
    """The name `call` is written with when the program model keeps no call site for it: a
    call in a lambda or a class body, or in a decorator or default value of a def at module
    or class level (extract.py's `_context` gives a function's body its calls, a nested
    def's signature to the enclosing function, and module top-level code its own), so its
    values reach the callee unseen."""
    child: ast.AST = call
    signature = False  # passed through a def's decorators, defaults or annotations
    for anc in ctx.semantic.ancestors(call):
        if isinstance(anc, ast.FunctionDef | ast.AsyncFunctionDef):
            if any(child is stmt for stmt in anc.body):
                return None
            signature = True
        elif isinstance(anc, ast.Lambda | ast.ClassDef):
            break
        child = anc
    else:
        if not signature:
            return None  # module top-level code (ModuleInfo.toplevel_calls)
    func = call.func
    return func.id if isinstance(func, ast.Name) else (
        func.attr if isinstance(func, ast.Attribute) else None)


def computed_name(ctx: FileContext, call: ast.Call) -> str | None:
    """The names `getattr(obj, name)` may fetch, as an fnmatch pattern (`do_*` for `"do_" +
    kind`, `on_*_event` for `f"on_{kind}_event"`, the name itself for a literal): a
    reference by value the model cannot follow. None when no part of the name is known."""
    if ctx.qualified_name(call.func) != "builtins.getattr" or len(call.args) < 2:
        return None
    pattern = _spelled(call.args[1], 0)
    return pattern if pattern.strip("*") else None


def _spelled(expr: ast.expr, depth: int) -> str:
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return expr.value.replace("*", "").replace("?", "").replace("[", "")
    if depth > 4:
        return "*"
    if isinstance(expr, ast.JoinedStr):
        return "".join(_spelled(v, depth + 1) for v in expr.values)
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        return _spelled(expr.left, depth + 1) + _spelled(expr.right, depth + 1)
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Mod) and isinstance(
            expr.left, ast.Constant) and isinstance(expr.left.value, str):
        return re.sub(r"%[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]", "*", _spelled(expr.left, depth + 1))
    return "*"


# A string that is a dotted path to an object (`"shop.hooks.export"`, a setting that
# `import_string` loads, a task name) or an entry point (`"x = shop.hooks:export"`).
_DOTTED = re.compile(r"\s*(?:[\w.-]+\s*=\s*)?[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*"
                     r"(?:\.(?P<attr>[A-Za-z_]\w*)|:(?P<entry>[A-Za-z_]\w*))\s*")


def dotted_ref(node: ast.Constant) -> str | None:
    """The name a string naming an object by its dotted path refers to: whatever loads it
    calls it unseen."""
    if not isinstance(node.value, str) or len(node.value) > 200:
        return None
    match = _DOTTED.fullmatch(node.value)
    return (match["attr"] or match["entry"]) if match else None


def value_ref(ctx: FileContext, node: ast.Name | ast.Attribute) -> str | None:
    """The name a reference to a function by value would have (`export` for `export`,
    `self.export` or `views.export` used other than called), or None: a call's callee, part
    of a longer chain, a store, or a local variable / parameter (a value, not a definition;
    a nested def or a local import is a definition)."""
    if not isinstance(node.ctx, ast.Load):
        return None
    parent = ctx.semantic.parent(node)
    if isinstance(parent, ast.Attribute) or (isinstance(parent, ast.Call)
                                             and parent.func is node):
        return None
    if _annotation_or_test(ctx, node, parent):
        return None
    if isinstance(node, ast.Name):
        # A def or an import of a function's own (a nested def handed to a pool, a function
        # imported inside the body) is as much a function as a module's.
        _, bindings = ctx.semantic.lookup(node.id, node)
        if bindings and not all(b.kind in ("def", "class", "import")
                                for b in bindings):
            return None
        return node.id
    base = node.value
    if isinstance(base, ast.Name):
        _, bindings = ctx.semantic.lookup(base.id, base)
        if base.id in ("self", "cls") or (
                bindings and all(b.kind in ("class", "import") for b in bindings)):
            return node.attr
    # A method of another object handed on (`bus.subscribe(ex.export)`, `cb =
    # self.exporter.export`): the model resolves calls through such objects, not this.
    return node.attr if _handed_on(node, parent) else None


_TYPE_TESTS = frozenset({"builtins.isinstance", "builtins.issubclass"})


def _annotation_or_test(ctx: FileContext, node: ast.expr, parent: ast.AST | None) -> bool:
    """`x: Exporter`, `-> Exporter`, `list[Exporter]`, `isinstance(x, Exporter)`: a class
    named as a type, handed to no one who calls it."""
    child: ast.AST = node
    while isinstance(parent, ast.Subscript | ast.Tuple | ast.BinOp):
        child, parent = parent, ctx.semantic.parent(parent)
    if isinstance(parent, ast.arg) or (isinstance(parent, ast.AnnAssign)
                                       and parent.annotation is child):
        return True
    if isinstance(parent, ast.FunctionDef | ast.AsyncFunctionDef) and parent.returns is child:
        return True
    return isinstance(parent, ast.Call) and child is not parent.func and (
        ctx.qualified_name(parent.func) in _TYPE_TESTS)


def _handed_on(node: ast.expr, parent: ast.AST | None) -> bool:
    """`node` is passed, bound, returned or stored as it is: an argument, an assignment's
    or a return's value, an element of a literal collection."""
    if isinstance(parent, ast.Call):
        return node in parent.args
    if isinstance(parent, ast.keyword | ast.Return | ast.Assign | ast.AnnAssign
                  | ast.NamedExpr | ast.Starred):
        return parent.value is node
    if isinstance(parent, ast.List | ast.Tuple | ast.Set):
        return True
    return isinstance(parent, ast.Dict) and node in parent.values


@dataclass(frozen=True)
class RowsChain:
    """How a parameter comes to hold query rows: the calls from the query up to the
    function (`calls`: (caller, its call site), the caller that runs the query first), the
    query's text and line (in the first caller's file), and how many call sites pass rows."""

    calls: tuple[tuple[FunctionInfo, CallSite], ...]
    query: str
    query_line: int
    sites: int = 1
    query_path: str = ""  # where the query is, when not in the first caller's file

    def words(self, param: str) -> str:
        """"`rows` holds the rows of `Item.objects.filter(...)` that `export_view` passes
        (views.py:42)", with every call on the way."""
        first, site = self.calls[0]
        parts = [f"`{short_name(first.qualname, first.path)}` passes "
                 f"({_where(first.path, site.line)})"]
        for caller, call in self.calls[1:]:
            parts.append(f"`{short_name(caller.qualname, caller.path)}` hands on "
                         f"({_where(caller.path, call.line)})")
        more = self.sites - 1
        others = (f" (and {more} other call{'s' if more > 1 else ''} pass{'' if more > 1 else 'es'}"
                  f" query rows too)" if more else "")
        return (f"`{param}` holds the rows of `{self.query}` that "
                + ", which ".join(parts) + others)

    def related(self) -> tuple[Related, ...]:
        first = self.calls[0][0]
        out = [Related(Span(self.query_line, 1, self.query_line, 2), "the query whose rows "
                       "are passed", self.query_path or first.path)]
        for caller, site in self.calls:
            out.append(Related(Span(site.line, site.col + 1, site.end_line, site.end_col + 1),
                               f"passes the rows to {site.text}", caller.path))
        return tuple(out)


def _where(path: str, line: int) -> str:
    return f"{PurePath(path).name}:{line}"


class RowParams:
    def __init__(self, model: ProgramModel, facts: dict[str, list],  # type: ignore[type-arg]
                 ignored: Callable[[str], bool] = lambda path: False) -> None:
        self.model = model
        self.ignored = ignored  # callers in these files (tests) are no evidence either way
        self.summaries = summaries_of(model, facts)
        self.args = {(a.path, a.line, a.col, a.key): a for a in facts.get(ROW_ARGS, [])}
        self.by_value = {name for refs in facts.get(VALUE_REFS, []) for name in refs.names}
        # the names `getattr(obj, <computed>)` may fetch (computed_name)
        self.patterns = sorted(name for name in self.by_value if "*" in name)
        self._unresolved_by_name: dict[str, list[tuple[FunctionInfo, CallSite]]] = {}
        self._memo: dict[tuple[str, str], RowsChain | None] = {}
        self.loops = {(loop.path, loop.owner, loop.line): loop.param
                      for loop in facts.get(PARAM_LOOPS, [])}

    def loop_rows(self, fn: FunctionInfo, site: CallSite) -> tuple[str, RowsChain] | None:
        """(the parameter, how it holds rows) when the loop that runs `site` once per item
        iterates a parameter of `fn` that holds query rows."""
        param = self.loops.get((fn.path, fn.line, site.loop_line)) if site.loop_line else None
        chain = self.rows_of(fn, param) if param else None
        return (param, chain) if param and chain is not None else None

    def rows_of(self, fn: FunctionInfo, param: str) -> RowsChain | None:
        """How `fn`'s parameter `param` holds query rows at every call, or None."""
        key = (fn.qualname, param)
        if key not in self._memo:
            self._memo[key] = self._solve(fn, param, 0, frozenset({key}))
        return self._memo[key]

    def rows_at(self, path: str, owner: int, param: str) -> RowsChain | None:
        """rows_of for the function defined at `path:owner`."""
        fn = self.model.function_at(path, owner) if owner else None
        return self.rows_of(fn, param) if fn is not None and param in fn.params else None

    def _solve(self, fn: FunctionInfo, param: str, depth: int,
               seen: frozenset[tuple[str, str]]) -> RowsChain | None:
        if depth > MAX_DEPTH or not self._callers_known(fn):
            return None
        sites = self._sites(fn)
        found: RowsChain | None = None
        count = 0
        for caller, site in sites:
            keys = [k for k in site.passed_args
                    if self.summaries.parameter(fn, site.callee, k) == param]
            if not keys:
                return None  # the default, or hidden in `*args` / `**kwargs`
            arg = self.args.get((caller.path, site.line, site.col, keys[0]))
            if arg is None:
                return None  # not rows as its file shows
            chain: RowsChain | None = None
            if arg.rows:
                chain = RowsChain(((caller, site),), arg.rows, arg.rows_line)
            for position in arg.sources:
                returned = returns_rows(self.model, caller, position)
                if returned is None:
                    return None
                chain = chain or RowsChain(((caller, site),), returned[0], returned[1], 1,
                                           returned[2])
            for own in arg.params:
                up = (caller.qualname, own)
                if up in seen:
                    continue  # a cycle: it passes on what it is given; the others decide
                above = self._solve(caller, own, depth + 1, seen | {up})
                if above is None:
                    return None
                chain = chain or RowsChain((*above.calls, (caller, site)), above.query,
                                           above.query_line, 1, above.query_path)
            if chain is None:
                continue  # only what the cycle hands on
            count += 1
            found = found or chain
        if found is None:
            return None
        return RowsChain(found.calls, found.query, found.query_line, count, found.query_path)

    def _callers_known(self, fn: FunctionInfo) -> bool:
        """Nothing but the project's resolved calls runs `fn`: no decorator registers it,
        it takes no request, no reference by value, no unresolved call or module top-level
        call names it."""
        cls = self.model.classes.get(fn.cls) if fn.cls else None
        if is_entry_point(fn.name, fn.params, self.summaries.registering_decorators(fn),
                          cls.bases if cls else ()):
            return False
        names = self._names_calling(fn, cls)
        if names & self.by_value or any(
                self.model.toplevel_sites_calling(name) for name in sorted(names)) or any(
                fnmatchcase(name, pattern) for name in names for pattern in self.patterns):
            return False
        return not any(not self.model.targets(caller, site)
                       for name in sorted(names)
                       for caller, site in self._unresolved(name))

    def _names_calling(self, fn: FunctionInfo, cls: ClassInfo | None) -> set[str]:
        """The names a call running `fn` is written with: its own, and for a constructor
        its class's and those of the project's subclasses that keep it (`Exporter(rows)`,
        `map(Exporter, groups)`) and of its bases (whose `cls(...)` may build it)."""
        if fn.name != "__init__" or cls is None:
            return {fn.name}
        names = {fn.name, *(c.name for c in self.model.mro(cls))}
        for qualname in sorted(self.model.classes):
            klass = self.model.classes[qualname]
            chain = self.model.mro(klass)
            owner = next((c for c in chain if "__init__" in c.methods), None)
            if owner is not None and owner.qualname == cls.qualname:
                names.add(klass.name)
        return names

    def _sites(self, fn: FunctionInfo) -> list[tuple[FunctionInfo, CallSite]]:
        """The call sites that may run `fn`: those resolved to it (its own recursive calls
        too), and those resolved to a base-class method it overrides."""
        wanted = {fn.qualname, *(base.qualname for base in self.model.overridden(fn))}
        out: list[tuple[FunctionInfo, CallSite]] = []
        callers: dict[str, FunctionInfo] = {}
        for qualname in sorted(wanted):
            target = self.model.functions.get(qualname)
            if target is not None:
                for caller in self.model.callers(target):
                    callers.setdefault(caller.qualname, caller)
        for qualname in sorted(callers):
            caller = callers[qualname]
            if self.ignored(caller.path):
                continue
            out += [(caller, site) for site, target in self.model.edges(caller)
                    if target.qualname in wanted]
        for caller, site in self._unresolved(fn.name):
            if any(t.qualname in wanted for t in self.model.targets(caller, site)):
                out.append((caller, site))  # a recursive call (edges leave those out)
        return out

    def _unresolved(self, name: str) -> list[tuple[FunctionInfo, CallSite]]:
        """The call sites written with `name` (ProgramModel.sites_calling) that the call
        graph leaves out (unresolved, or calls of the function itself), outside ignored
        files."""
        found = self._unresolved_by_name.get(name)
        if found is None:
            found = self._unresolved_by_name[name] = [
                (caller, site) for caller, site in self.model.sites_calling(name)
                if not self.ignored(caller.path)
                and not any(edge is site for edge, _ in self.model.edges(caller))]
        return found


def returns_rows(model: ProgramModel, fn: FunctionInfo, position: tuple[int, int]
                 ) -> tuple[str, int, str] | None:
    """The call of `fn` at `position` ((line, col)) runs a project function whose own code
    returns every row of a query (UNBOUNDED): that query's text, line and file, else
    None."""
    site = next((s for s in fn.calls if (s.line, s.col) == position), None)
    found = returned_rows(model, fn, site) if site is not None else None
    if found is None:
        return None
    return " ".join(found.effect.detail.split()), found.effect.line, found.origin_path


def returned_rows(model: ProgramModel, fn: FunctionInfo, site: CallSite) -> Reached | None:
    """The call `site` of `fn` runs a project function whose own code returns every row of
    a query (the program model's UNBOUNDED effect, not one a call further): that evidence."""
    for target in model.targets(fn, site):
        found = [r for r in model.effects(target, UNBOUNDED) if not r.via]
        if found:
            return found[0]
    return None


_cache: tuple[list, ProgramModel, RowParams] | None = None  # type: ignore[type-arg]


def row_params_of(model: ProgramModel, facts: dict[str, list],  # type: ignore[type-arg]
                  ignored: Callable[[str], bool] = lambda path: False) -> RowParams:
    """The answer of a run, built once per run and model."""
    global _cache
    found = facts.setdefault(ROW_ARGS, [])
    if _cache is None or _cache[0] is not found or _cache[1] is not model:
        _cache = (found, model, RowParams(model, facts, ignored))
    return _cache[2]
