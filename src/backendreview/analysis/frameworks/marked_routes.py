"""Routes a project decorator only marks, mounted by a loop that reads the mark (llama-stack:
`@webmethod(route="/agents/{agent_id}/session", method="POST")` on the methods of `Protocol`
classes; the server walks each protocol's functions, keeps those with `__webmethod__` and
builds `f"/{LLAMA_STACK_API_VERSION}/{webmethod.route.lstrip('/')}"` from it).

Three halves, each per file, put together in the project phase (`resolve_marked_routes`):
- the decorator: a module-level function with a `route` parameter returning an inner
  function that sets a dunder attribute on its argument and returns that argument unchanged
  (`MarkDecoratorFact`): it registers nothing itself;
- the reader: a function that reads that dunder attribute in a loop (`m.__webmethod__`,
  `hasattr(m, "__webmethod__")`) and builds the path in an f-string ending with the mark's
  `.route` (`MarkReaderFact`); the parts before it (literals, module constants, resolved
  through the program model) are the routes' prefix. It must call a web framework's own
  class or function (`starlette.routing.Route(path=...)`): a client building request URLs
  from the same marks mounts nothing;
- the candidates: methods of module-level classes decorated `@F(route="/...",
  method="GET")` with `F` a name of the project (`RouteFact.marked_by`).
A candidate is kept only when `F` resolves to a marking decorator whose attribute a reader
reads, and the reader walks its class: the class, or a subclass inheriting the method, is in
a dict of classes returned by a function the reader calls (`ClassTableFact`: llama-stack's
`api_protocol_map()`); when the reader calls for no such table, the class must derive from
`typing.Protocol` (a documented heuristic: the walked classes are interfaces, and an
implementation repeating the decorator on its own methods, a provider's, is not mounted a
second time). A candidate without a literal `method=` is dropped: the method the reader then
picks is its own code's choice. The routes the reader itself builds from the marks
(`Route(path=path, ...)`) are those routes, not routes of their own. A prefix part that is
neither a literal nor a module constant leaves the prefix unknown (`{?}`). The owner of the
routes is the reader (an app at the root, with the prefix it writes)."""

from __future__ import annotations

import ast
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from .common import analyze_handler, literal_str, this_module
from .routes import OwnerFact, RouteFact

if TYPE_CHECKING:
    from ...context import FileContext
    from ..program.model import ProgramModel

# The mark's keyword that holds the path, and the one that holds the HTTP method.
ROUTE_KEYWORD = "route"
METHOD_KEYWORD = "method"
PROTOCOL_CLASSES = frozenset({"typing.Protocol", "typing_extensions.Protocol"})
# Dunder attributes Python itself defines: reading them marks nothing.
_PYTHON_DUNDERS = frozenset({"__name__", "__qualname__", "__doc__", "__module__",
                             "__class__", "__dict__", "__wrapped__", "__func__", "__self__",
                             "__annotations__", "__init__", "__call__", "__code__",
                             "__defaults__", "__kwdefaults__", "__mro__", "__bases__",
                             "__signature__"})
# The web frameworks a reader may build its routes with, by top-level module.
_FRAMEWORKS = {"starlette": "starlette", "fastapi": "fastapi", "aiohttp": "aiohttp",
               "flask": "flask", "quart": "flask"}


@dataclass(frozen=True)
class MarkDecoratorFact:
    func: str  # qualified name of the decorator factory
    attr: str  # the attribute it sets on the decorated function
    file: str
    line: int


@dataclass(frozen=True)
class MarkReaderFact:
    func: str  # qualified name of the reading function
    attrs: tuple[str, ...]  # the dunder attributes it reads in a loop
    # the f-string's parts before the mark's `.route`: ("lit", text) or ("ref", dotted
    # name of a module constant); None: a part is neither (the prefix is unknown)
    prefix: tuple[tuple[str, str], ...] | None
    framework: str  # what the reader builds its routes with (starlette, fastapi)
    file: str
    line: int
    # the functions it calls (qualified): a table of classes one returns is what it walks
    calls: tuple[str, ...] = ()
    end_line: int = 0  # its last line: the `Route(path=path, ...)` it builds there are
    #                    the marked routes, not routes of their own


@dataclass(frozen=True)
class ClassTableFact:
    """`def api_protocol_map(): return {Api.agents: Agents, ...}`: a function returning a
    dict literal of classes (the reader walks the classes of the tables it calls for)."""

    func: str
    classes: tuple[str, ...]  # dotted references, resolved in the project phase
    file: str
    line: int


def class_table(ctx: FileContext, func: ast.FunctionDef) -> ClassTableFact | None:
    last = func.body[-1] if func.body else None
    table = last.value if isinstance(last, ast.Return) else None
    if not isinstance(table, ast.Dict) or not table.values or \
            ctx.semantic.scope_of(func) is not ctx.semantic.module_scope:
        return None
    refs = []
    for value in table.values:
        ref = _ref(ctx, value)
        if ref is None or not ref.rsplit(".", 1)[-1][:1].isupper():
            return None  # a class by its name: anything else is no table of classes
        refs.append(ref)
    return ClassTableFact(f"{this_module(ctx)}.{func.name}", tuple(refs), ctx.path,
                          func.lineno)


def _ref(ctx: FileContext, expr: ast.expr) -> str | None:
    """A name through the imports, or a class or function of this module."""
    ref = ctx.qualified_name(expr)
    if ref is not None:
        return None if ref.startswith("builtins.") else ref
    if isinstance(expr, ast.Name):
        bindings = ctx.semantic.lookup(expr.id, expr)[1]
        if bindings and all(b.kind in ("class", "def") for b in bindings):
            return f"{this_module(ctx)}.{expr.id}"
    return None


def mark_decorator(ctx: FileContext, func: ast.FunctionDef) -> MarkDecoratorFact | None:
    """`def webmethod(route=None, method=None, ...)` returning `wrap`, which sets
    `func.__webmethod__ = ...` and returns `func`."""
    if ctx.semantic.scope_of(func) is not ctx.semantic.module_scope or \
            not any(a.arg == ROUTE_KEYWORD for a in [*func.args.args, *func.args.kwonlyargs]):
        return None
    last = func.body[-1] if func.body else None
    returned = last.value if isinstance(last, ast.Return) else None
    inner = next((s for s in func.body if isinstance(s, ast.FunctionDef) and
                  isinstance(returned, ast.Name) and s.name == returned.id), None)
    if inner is None or len(inner.args.args) != 1 or not inner.body:
        return None
    marked = inner.args.args[0].arg
    end = inner.body[-1]
    if not (isinstance(end, ast.Return) and isinstance(end.value, ast.Name) and
            end.value.id == marked):
        return None  # returns a wrapper: a decorator of its own, not a mark
    for stmt in inner.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target = stmt.targets[0]
            if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and \
                    target.value.id == marked and _is_mark(target.attr) and \
                    _passes_route(stmt.value):
                return MarkDecoratorFact(f"{this_module(ctx)}.{func.name}", target.attr,
                                         ctx.path, func.lineno)
    return None


def _is_mark(attr: str) -> bool:
    return attr.startswith("__") and attr.endswith("__") and attr not in _PYTHON_DUNDERS


def _passes_route(value: ast.expr) -> bool:
    """The mark holds the decorator's `route` argument (`WebMethod(route=route, ...)`)."""
    return any(isinstance(n, ast.Name) and n.id == ROUTE_KEYWORD for n in ast.walk(value))


def mark_reader(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef
                ) -> MarkReaderFact | None:
    """A function that reads a mark in a loop and writes a path ending with its `.route`."""
    if ctx.semantic.scope_of(func) is not ctx.semantic.module_scope:
        return None
    attrs: set[str] = set()
    written = False  # an f-string ending with the mark's `.route`
    prefix: tuple[tuple[str, str], ...] | None = None
    for node in ast.walk(func):
        if isinstance(node, ast.Attribute) and _is_mark(node.attr) and _in_loop(ctx, node, func):
            attrs.add(node.attr)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
                node.func.id in ("hasattr", "getattr") and len(node.args) >= 2 and \
                _is_mark(literal_str(node.args[1]) or "") and _in_loop(ctx, node, func):
            attrs.add(literal_str(node.args[1]) or "")
        elif isinstance(node, ast.JoinedStr) and not written and _ends_with_route(node):
            written, prefix = True, _prefix(ctx, node)
    if not attrs or not written:
        return None
    # A server, not a client building URLs from the same marks (`httpx` requests): it
    # builds its routes with a web framework's own classes (`starlette.routing.Route`).
    framework = next((_FRAMEWORKS[ref.split(".", 1)[0]] for node in ast.walk(func)
                      if isinstance(node, ast.Call) and
                      (ref := ctx.qualified_name(node.func) or "").split(".", 1)[0]
                      in _FRAMEWORKS), None)
    if framework is None:
        return None
    calls = {ref for node in ast.walk(func) if isinstance(node, ast.Call) and
             isinstance(node.func, ast.Name) and (ref := _ref(ctx, node.func)) is not None}
    return MarkReaderFact(f"{this_module(ctx)}.{func.name}", tuple(sorted(attrs)), prefix,
                          framework, ctx.path, func.lineno, tuple(sorted(calls)),
                          func.end_lineno or func.lineno)


def _in_loop(ctx: FileContext, node: ast.AST, stop: ast.AST) -> bool:
    for anc in ctx.semantic.ancestors(node):
        if anc is stop:
            return False
        if isinstance(anc, ast.For | ast.AsyncFor | ast.comprehension):
            return True
    return False


def _ends_with_route(text: ast.JoinedStr) -> bool:
    """`f"...{wm.route.lstrip('/')}"` / `f"...{wm.route}"`."""
    if not text.values or not isinstance(text.values[-1], ast.FormattedValue):
        return False
    last = text.values[-1].value
    if isinstance(last, ast.Call) and isinstance(last.func, ast.Attribute) and \
            last.func.attr in ("lstrip", "strip"):
        last = last.func.value
    return isinstance(last, ast.Attribute) and last.attr == ROUTE_KEYWORD


def _prefix(ctx: FileContext, text: ast.JoinedStr) -> tuple[tuple[str, str], ...] | None:
    """`f"/{VERSION}/{wm.route.lstrip('/')}"`: the parts before the `.route` at its end;
    None when one is not a literal or a module constant."""
    parts: list[tuple[str, str]] = []
    for value in text.values[:-1]:
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            parts.append(("lit", value.value))
        elif isinstance(value, ast.FormattedValue) and isinstance(value.value, ast.Name) and \
                value.format_spec is None and value.conversion == -1:
            ref = ctx.qualified_name(value.value)
            if ref is None:
                bindings = ctx.semantic.lookup(value.value.id, value.value)[1]
                if not bindings or any(b.kind != "assign" for b in bindings):
                    return None
                ref = f"{this_module(ctx)}.{value.value.id}"
            parts.append(("ref", ref))
        else:
            return None
    return tuple(parts)


def marked_route(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef,
                 dec: ast.expr) -> RouteFact | None:
    """`@webmethod(route="/agents", method="POST")` on a method of a module-level class: a
    candidate, kept in the project phase only if `webmethod` marks for a reader."""
    if not (isinstance(dec, ast.Call) and isinstance(dec.func, ast.Name | ast.Attribute)):
        return None
    route_node = next((k.value for k in dec.keywords if k.arg == ROUTE_KEYWORD), None)
    path = literal_str(route_node) if route_node is not None else None
    if path is None or not path.startswith("/"):
        return None
    cls = ctx.semantic.parent(func)
    if not isinstance(cls, ast.ClassDef) or \
            ctx.semantic.scope_of(cls) is not ctx.semantic.module_scope:
        return None
    decorator = ctx.qualified_name(dec.func)
    if decorator is None and isinstance(dec.func, ast.Name):
        bindings = ctx.semantic.lookup(dec.func.id, dec.func)[1]
        if bindings and all(b.kind == "def" for b in bindings):
            decorator = f"{this_module(ctx)}.{dec.func.id}"
    if decorator is None or decorator.startswith("builtins."):
        return None
    method = literal_str(next((k.value for k in dec.keywords if k.arg == METHOD_KEYWORD),
                              None))
    if not method:
        return None
    assert route_node is not None
    return RouteFact("starlette", f"{this_module(ctx)}.{cls.name}", path, (method.upper(),),
                     ctx.path, ctx.span_of(route_node), analyze_handler(ctx, func),
                     decorator=(ctx.span_of(dec), ctx.source(dec)), marked_by=decorator)


def resolve_marked_routes(facts: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """The candidates kept (owned by their reader, an app at the root with its prefix) when
    their decorator marks for a reader and their class is a Protocol; the others dropped."""
    routes = facts.get("route", [])
    if not any(r.marked_by for r in routes):
        return facts
    from ..program import FACT_KIND, program_of

    model = program_of(facts) if facts.get(FACT_KIND) else None
    readers: dict[str, list[MarkReaderFact]] = {}
    for reader in sorted(facts.get("mark_reader", []), key=lambda r: (r.file, r.line)):
        for attr in reader.attrs:
            readers.setdefault(attr, []).append(reader)
    decorators = {d.func: d for d in facts.get("mark_decorator", [])}
    tables = {t.func: t for t in facts.get("class_table", [])}
    walked: dict[str, frozenset[str] | None] = {}
    kept: list[Any] = []
    owners: dict[str, OwnerFact] = {}
    for route in routes:
        if not route.marked_by:
            kept.append(route)
            continue
        if model is None:
            continue
        found = model.resolve(route.marked_by)
        decorator = decorators.get(getattr(found, "qualname", ""))
        reader = readers.get(decorator.attr, [None])[0] if decorator is not None else None
        if reader is None or not _walked(model, reader, route.owner or "", tables, walked):
            continue
        if reader.func not in owners:
            owners[reader.func] = OwnerFact(reader.func, reader.framework, "app",
                                            _resolved(model, reader.prefix), file=reader.file,
                                            line=reader.line)
        kept.append(replace(route, owner=reader.func, framework=reader.framework))
    used = [r for r in facts.get("mark_reader", []) if r.func in owners]
    kept = [r for r in kept if r.marked_by or not any(
        r.file == u.file and u.line <= r.span.start_line <= u.end_line for u in used)]
    out = dict(facts)
    out["route"] = kept
    out["route_owner"] = [*facts.get("route_owner", []), *owners.values()]
    return out


def _walked(model: ProgramModel, reader: MarkReaderFact, cls_ref: str,
            tables: dict[str, ClassTableFact], cache: dict[str, frozenset[str] | None]
            ) -> bool:
    """Whether the reader walks the class's methods: the class or a subclass of it is in a
    table of classes the reader calls for (`inspect.getmembers(protocol)` sees inherited
    methods too); with no such table, whether the class is a Protocol (an interface the
    server mounts, not an implementation)."""
    from ..program.facts import ClassInfo, FunctionInfo
    from .flask_subclasses import _derives_from

    if reader.func not in cache:
        found: set[str] = set()
        for called in reader.calls:
            target = model.resolve(called)
            table = tables.get(target.qualname) if isinstance(target, FunctionInfo) else None
            for ref in table.classes if table is not None else ():
                cls = model.class_of(ref)
                if isinstance(cls, ClassInfo):
                    found |= {c.qualname for c in model.mro(cls)}
        cache[reader.func] = frozenset(found) if found else None
    allowed = cache[reader.func]
    if allowed is None:
        return _derives_from(model, cls_ref, PROTOCOL_CLASSES)
    cls = model.class_of(cls_ref)
    return cls is not None and cls.qualname in allowed


def _resolved(model: ProgramModel, parts: tuple[tuple[str, str], ...] | None) -> str | None:
    """The prefix text, module constants looked up through the imports; None when one is
    not a literal string of the project."""
    from .path_constants import constant_text
    from .path_format import NAME_REF

    if parts is None:
        return None
    out = ""
    for kind, value in parts:
        if kind == "lit":
            out += value
            continue
        text = constant_text(model, value)  # at the whole model's level (the route rules')
        if text is None or NAME_REF.search(text):
            return None  # (a constant built of a name the project does not fix)
        out += text
    return out.rstrip("/")


__all__ = [
    "ClassTableFact",
    "MarkDecoratorFact",
    "MarkReaderFact",
    "class_table",
    "mark_decorator",
    "mark_reader",
    "marked_route",
    "resolve_marked_routes",
]
