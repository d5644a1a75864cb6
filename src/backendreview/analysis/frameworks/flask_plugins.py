"""Routes declared through a project decorator whose registration is deferred to a blueprint
the framework builds later (OctoPrint's `@octoprint.plugin.BlueprintPlugin.route("/logs",
methods=["GET"])` on a plugin's methods).

Such a decorator registers nothing: it records the rule and options on the function
(`f._blueprint_rules[...].append((rule, options))`) and returns it unchanged; a method of the
same class builds a blueprint and hands every marked member to `add_url_rule`. Per file:
- the class that defines it gives a `DeferredRouteFact` when both halves are there: a
  decorator method that marks and returns its function, and a method that reads the same
  mark and calls `add_url_rule` (that call registers the marked methods: it is not a route of
  its own);
- a method decorated `@X.<name>("/path", methods=[...])` gives a candidate `RouteFact` with
  `deferred_to="X.<name>"`;
- a marking decorator whose mark makes the builder wrap the member before registering it
  (`f = limit(*args, **kwargs)(f)`) gives a `DeferredWrapFact`: on a route method,
  `@X.limit(...)` counts as that wrapper.
In the project phase (`resolve_deferred_routes`) a candidate is kept only when `X.<name>`
resolves to such a decorator and the method's class derives from `X` (the builder walks the
instance's own members); its owner is the blueprint that class's builder makes, whose mount
prefix is computed at run time (`/plugin/<identifier>`) and so stays unknown (`{?}`)."""

from __future__ import annotations

import ast
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from .common import analyze_handler, arg_or_kw, kwarg, literal_str, str_list, this_module
from .routes import RouteFact

if TYPE_CHECKING:
    from ...context import FileContext
    from ..program.model import ProgramModel


@dataclass(frozen=True)
class DeferredRouteFact:
    cls: str  # qualified name of the class defining the decorator
    method: str  # the decorator's name on the class (`route`)
    registrar: str  # the method that builds the blueprint and registers the marked members
    file: str
    line: int


@dataclass(frozen=True)
class DeferredWrapFact:
    cls: str  # qualified name of the class defining the marking decorator
    method: str  # its name on the class (`limit`)
    wrapper: str  # qualified name of the decorator factory the registrar applies for it
    file: str
    line: int


def deferred_decorators(ctx: FileContext, node: ast.ClassDef) -> list[DeferredRouteFact]:
    """The deferred route decorators a module-level class defines."""
    if ctx.semantic.scope_of(node) is not ctx.semantic.module_scope:
        return []
    return [DeferredRouteFact(f"{this_module(ctx)}.{node.name}", method, registrar, ctx.path,
                              line) for method, registrar, line, _ in _linked(ctx, node)]


def _linked(ctx: FileContext, node: ast.ClassDef
            ) -> list[tuple[str, str, int, frozenset[str]]]:
    """(decorator, registrar, line, marks): a marking decorator whose mark the registrar reads on
    the way to its `add_url_rule` call (the `if hasattr(f, "_blueprint_rules")` / `for rule
    in f._blueprint_rules[...]` around it): the marks are the rules it registers. A mark
    read elsewhere in the registrar (an error handler's, a CSRF exemption's) is not."""

    def compute() -> list[tuple[str, str, int, frozenset[str]]]:
        methods = [m for m in node.body if isinstance(m, ast.FunctionDef)]
        marks = {m.name: (attrs, m.lineno) for m in methods
                 if (attrs := _marked_attributes(m, needs_rule=True))}
        out: list[tuple[str, str, int, frozenset[str]]] = []
        for registrar in methods if marks else []:
            if registrar.name in marks:
                continue
            read: set[str] = set()
            for call in ast.walk(registrar):
                if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and \
                        call.func.attr == "add_url_rule":
                    read |= _guarding_reads(ctx, call, registrar)
            out += [(name, registrar.name, line, frozenset(attrs))
                    for name, (attrs, line) in marks.items() if attrs & read]
        return out

    return ctx.memo("deferred-route-decorators", node, compute)


def _guarding_reads(ctx: FileContext, node: ast.AST, stop: ast.AST) -> set[str]:
    """The attribute names and strings read by the `if` tests and `for` iterables that
    `node` sits under, up to `stop`."""
    read: set[str] = set()
    for anc in ctx.semantic.ancestors(node):
        if anc is stop:
            break
        part = anc.test if isinstance(anc, ast.If) else (
            anc.iter if isinstance(anc, ast.For) else None)
        for sub in ast.walk(part) if part is not None else ():
            if isinstance(sub, ast.Attribute):
                read.add(sub.attr)
            elif isinstance(sub, ast.Constant) and isinstance(sub.value, str):
                read.add(sub.value)
    return read


def deferred_wrappers(ctx: FileContext, node: ast.ClassDef) -> list[DeferredWrapFact]:
    """Marking decorators whose mark makes the registrar wrap the member before it registers
    it (`if hasattr(f, "_blueprint_limits"): f = limit(*args, **kwargs)(f)`): on a route
    method, `@BlueprintPlugin.limit("5/minute")` acts as `@limit("5/minute")`."""
    if ctx.semantic.scope_of(node) is not ctx.semantic.module_scope or not _linked(ctx, node):
        return []
    registrars = {registrar for _, registrar, _, _ in _linked(ctx, node)}
    methods = [m for m in node.body if isinstance(m, ast.FunctionDef)]
    marks = {m.name: attrs for m in methods if (attrs := _marked_attributes(m))}
    out: list[DeferredWrapFact] = []
    for registrar in (m for m in methods if m.name in registrars):
        for stmt in ast.walk(registrar):
            # `f = wrapper(...)(f)`
            if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and
                    isinstance(stmt.value, ast.Call) and isinstance(stmt.value.func, ast.Call)):
                continue
            wrapper = ctx.qualified_name(stmt.value.func.func)
            if not wrapper or wrapper.startswith("builtins."):
                continue
            read = _guarding_reads(ctx, stmt, registrar)
            out += [DeferredWrapFact(f"{this_module(ctx)}.{node.name}", name, wrapper,
                                     ctx.path, stmt.lineno)
                    for name, attrs in marks.items() if attrs & read]
    return out


def _marked_attributes(method: ast.FunctionDef, needs_rule: bool = False) -> set[str]:
    """`@staticmethod def route(rule, **options)` returning an inner `def decorator(f)` that
    sets attributes on `f` (from the rule, with `needs_rule`) and returns `f` itself: the
    attributes it sets."""
    kinds = {d.id for d in method.decorator_list if isinstance(d, ast.Name)}
    params = [a.arg for a in method.args.args]
    if "classmethod" in kinds:
        params = params[1:]  # after `cls`
    elif "staticmethod" not in kinds:
        return set()
    if not method.body or not isinstance(method.body[-1], ast.Return):
        return set()
    rule = params[0] if params else None
    returned = method.body[-1].value
    inner = next((s for s in method.body if isinstance(s, ast.FunctionDef) and
                  isinstance(returned, ast.Name) and s.name == returned.id), None)
    if (needs_rule and rule is None) or inner is None or len(inner.args.args) != 1 or \
            not inner.body:
        return set()
    marked = inner.args.args[0].arg
    last = inner.body[-1]
    if not (isinstance(last, ast.Return) and isinstance(last.value, ast.Name) and
            last.value.id == marked):
        return set()  # returns a wrapper: a decorator of its own, not a mark
    names = {n.id for n in ast.walk(inner) if isinstance(n, ast.Name)}
    if needs_rule and rule not in names:
        return set()
    return {n.attr for n in ast.walk(inner) if isinstance(n, ast.Attribute) and
            isinstance(n.value, ast.Name) and n.value.id == marked and
            not n.attr.startswith("__")}  # `f.__name__` is read, not a mark


def in_registrar(ctx: FileContext, call: ast.Call) -> bool:
    """`blueprint.add_url_rule(rule, endpoint, view_func=f, **options)` under the `if` / `for`
    that reads a deferred decorator's mark, in the method that registers the marked members:
    the routes are those members'. Any other `add_url_rule` there is a route of its own."""
    func = ctx.semantic.enclosing_function(call)
    cls = ctx.semantic.parent(func) if func is not None else None
    if not isinstance(cls, ast.ClassDef):
        return False
    marks = [attrs for _, registrar, _, attrs in _linked(ctx, cls)
             if registrar == func.name]  # type: ignore[union-attr]
    read = _guarding_reads(ctx, call, func) if marks else set()  # type: ignore[arg-type]
    return any(attrs & read for attrs in marks)


def deferred_routes(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef,
                    direct_only: bool = False) -> list[RouteFact]:
    """The candidates of a method's decorators. `direct_only` (the per-file question, which
    sees no class hierarchy): only those whose class names the decorator's holder among
    its own bases (`class LoggingPlugin(octoprint.plugin.BlueprintPlugin)`)."""
    found = [f for f in (deferred_route(ctx, func, dec) for dec in func.decorator_list)
             if f is not None]
    if direct_only and found:
        cls = ctx.semantic.parent(func)
        bases = {_reference(ctx, b) for b in getattr(cls, "bases", [])}
        found = [f for f in found if (f.deferred_to or "").rsplit(".", 1)[0] in bases]
    return found


def deferred_route(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef,
                   dec: ast.expr) -> RouteFact | None:
    """`@X.route("/path", methods=[...])` on a method of a module-level class: a candidate
    route, kept in the project phase only if `X.route` is a deferred route decorator."""
    if not (isinstance(dec, ast.Call) and isinstance(dec.func, ast.Attribute)):
        return None
    path_node = arg_or_kw(dec, 0, "rule")
    path = literal_str(path_node)
    if path is None or not path.startswith("/"):
        return None
    cls = ctx.semantic.parent(func)
    if not isinstance(cls, ast.ClassDef) or \
            ctx.semantic.scope_of(cls) is not ctx.semantic.module_scope:
        return None
    holder = _reference(ctx, dec.func.value)
    if holder is None:
        return None
    methods = str_list(kwarg(dec, "methods")) or ("GET",)
    return RouteFact("flask", f"{this_module(ctx)}.{cls.name}", path, methods, ctx.path,
                     ctx.span_of(path_node if path_node is not None else dec),
                     analyze_handler(ctx, func), decorator=(ctx.span_of(dec), ctx.source(dec)),
                     deferred_to=f"{holder}.{dec.func.attr}")


def _reference(ctx: FileContext, expr: ast.expr) -> str | None:
    """`octoprint.plugin.BlueprintPlugin` through the imports, or a class of this module."""
    qualified = ctx.qualified_name(expr)
    if qualified:
        return None if qualified.startswith("builtins.") else qualified
    if isinstance(expr, ast.Name):
        bindings = ctx.semantic.lookup(expr.id, expr)[1]
        if bindings and all(b.kind == "class" for b in bindings):
            return f"{this_module(ctx)}.{expr.id}"
    return None


def resolve_deferred_routes(facts: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """The candidate routes of deferred decorators kept when the decorator is one and the
    method's class derives from the class that defines it, owned by the blueprint that
    class's builder makes; every other candidate dropped. The same decorator read as a
    router imported from elsewhere (`@BlueprintPlugin.route` with the class imported by
    name) is no route of its own when the name is a project class, not a router object."""
    routes = facts.get("route", [])
    candidates = [r for r in routes if r.deferred_to]
    if not candidates:
        return facts
    from ..program import FACT_KIND, program_of
    from ..program.facts import ClassInfo

    decorators = {(d.cls, d.method): d for d in facts.get("deferred_route", [])}
    wraps: dict[tuple[str, str], list[str]] = {}
    for wrap in facts.get("deferred_wrap", []):
        wraps.setdefault((wrap.cls, wrap.method), []).append(wrap.wrapper)
    model = program_of(facts) if facts.get(FACT_KIND) else None
    at = {(r.file, r.span.start_line, r.span.start_col) for r in candidates}
    kept: list[Any] = []
    for route in routes:
        if not route.deferred_to:
            if model is None or (route.file, route.span.start_line,
                                 route.span.start_col) not in at or \
                    not isinstance(model.resolve(route.owner or ""), ClassInfo):
                kept.append(route)
            continue
        if model is None:
            continue
        holder, method = route.deferred_to.rsplit(".", 1)
        found = model.class_of(holder)
        decorator = decorators.get((found.qualname, method)) if found is not None else None
        cls = model.class_of(route.owner)
        if decorator is None or cls is None or found.qualname not in {  # type: ignore[union-attr]
                c.qualname for c in model.mro(cls)}:
            continue
        route = replace(route, owner=f"{cls.qualname}.{decorator.registrar}()")
        kept.append(_wrapped(route, model, wraps) if wraps else route)
    out = dict(facts)
    out["route"] = kept
    return out


def _wrapped(route: RouteFact, model: ProgramModel, wraps: dict[tuple[str, str], list[str]]
             ) -> RouteFact:
    """The route with, beside each marking decorator on its handler, the decorator the
    registrar applies for that mark (`@BlueprintPlugin.limit(...)` -> `limit`)."""
    handler = route.handler
    if handler is None:
        return route
    added: list[str] = []
    for name in handler.decorators:
        holder, _, method = name.rpartition(".")
        found = model.class_of(holder) if holder else None
        if found is not None:
            added += wraps.get((found.qualname, method), [])
    if not added:
        return route
    return replace(route, handler=replace(handler, decorators=handler.decorators + tuple(
        a for a in added if a not in handler.decorators)))


__all__ = [
    "DeferredRouteFact",
    "DeferredWrapFact",
    "deferred_decorators",
    "deferred_route",
    "deferred_routes",
    "deferred_wrappers",
    "in_registrar",
    "resolve_deferred_routes",
]
