"""BR401: does a function run while a request is answered?

A broad `except` that raises a project exception with the caught exception's text leaks it
only when the raise happens inside a request: the application's error handler answers the
request the exception escapes from. A workflow block run by a worker, a command, a scheduled
job raise the same class, and the text becomes a run's failure reason or a log line, never
a response. So the reading through the error handler asks for a request: the function holding
the except is a route handler (its file says so), or the program model reaches it from one
through resolved calls, or through a function a reached one hands to a call as a callback
(`run_task(import_file, ...)` may run it in the request). A function no route reaches so
is reported as a `note`, saying why: a worker may well run it, but so may a route through
what the model cannot resolve (a plugin table, `webhooks[name].incoming(...)`, a signal a
route sends), and those leaks are real.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, replace
from typing import Any

from ..analysis.frameworks.routes import project_routes
from ..analysis.program import ProgramModel, definition_ref, program_of, short_name
from ..analysis.program.facts import FunctionInfo
from ..context import FileContext
from ..model import Finding, Severity

HANDED = "br401_handed_functions"


@dataclass(frozen=True)
class HandedFunction:
    """The function defined at `path:owner` hands the project function `ref` to a call
    (`run_task(import_file, tree=tree)`, `executor.submit(job)`): a callback the callee may
    run then and there, in the same request."""

    path: str
    owner: int
    ref: str


def record_handed_functions(ctx: FileContext) -> None:
    """Every function of this file named as an argument of a call (a def or an import of
    the module, not shadowed where the call is), once per file; and every project function
    a lambda calls (`run = lambda: pack(path)`), as handed by the def around the lambda:
    the model keeps a lambda's calls out of its function's own, yet whoever runs the
    lambda runs them, most often that function itself."""
    module = ctx.semantic.module_scope.bindings
    seen: set[tuple[int, str]] = set()
    for call in ctx.semantic.calls:
        if _in_lambda(ctx, call):
            owner = ctx.semantic.enclosing_function(call)
            ref = definition_ref(ctx, call.func, ("def",))
            if owner is not None and ref is not None and (owner.lineno, ref) not in seen:
                seen.add((owner.lineno, ref))
                ctx.emit_fact(HANDED, HandedFunction(ctx.path, owner.lineno, ref))
        for arg in [*call.args, *(k.value for k in call.keywords)]:
            if type(arg) is not ast.Name or arg.id not in module:  # type: ignore[attr-defined]
                continue
            owner = ctx.semantic.enclosing_function(call)
            if owner is None:
                continue
            bindings = ctx.semantic.lookup(arg.id, arg)[1]  # type: ignore[attr-defined]
            if not bindings or not all(b.kind in ("def", "import") for b in bindings):
                continue
            ref = definition_ref(ctx, arg, ("def",))
            if ref is not None and (owner.lineno, ref) not in seen:
                seen.add((owner.lineno, ref))
                ctx.emit_fact(HANDED, HandedFunction(ctx.path, owner.lineno, ref))

def _in_lambda(ctx: FileContext, node: ast.AST) -> bool:
    """`node` is the code of a lambda (the innermost def or lambda around it)."""
    for anc in ctx.semantic.ancestors(node):
        if isinstance(anc, ast.Lambda):
            return True
        if isinstance(anc, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            return False
    return False


def _nested_functions(model: ProgramModel) -> dict[str, list[FunctionInfo]]:
    """The functions defined inside each function (`handler.inner`, the methods of a class
    defined in it), by the qualname of the innermost function around them. Same file
    only: `pkg.mod` may be a function of pkg/__init__.py and a module both."""
    nested: dict[str, list[FunctionInfo]] = {}
    for qualname in sorted(model.functions):
        fn = model.functions[qualname]
        prefix = qualname
        while "." in prefix:
            prefix = prefix.rsplit(".", 1)[0]
            outer = model.functions.get(prefix)
            if outer is not None:
                if outer.path == fn.path:
                    nested.setdefault(prefix, []).append(fn)
                break
    return nested


# Calls followed down from a route handler: a request runs services, their repositories and
# helpers several layers deep (deeper than the effects MAX_DEPTH follows for one question).
_REQUEST_DEPTH = 8
_CACHE = "_br401_request_functions"


def request_functions(facts: dict[str, list[Any]]) -> dict[str, str]:
    """The qualnames of the functions a route handler runs, directly or through resolved
    calls: qualname -> the route handler's qualname (the nearest one found). Computed once
    per run."""
    cached = facts.get(_CACHE)
    if cached is not None:
        return cached[0]
    model = program_of(facts)
    handed: dict[str, list[FunctionInfo]] = {}
    for item in facts.get(HANDED, []):
        fn, target = model.function_at(item.path, item.owner), model.resolve(item.ref)
        if fn is not None and isinstance(target, FunctionInfo):
            handed.setdefault(fn.qualname, []).append(target)
    nested = _nested_functions(model)
    reached: dict[str, str] = {}
    frontier: list[FunctionInfo] = []

    def reach(fn: FunctionInfo, route: str, into: list[FunctionInfo]) -> None:
        # A function reached reaches the functions defined inside it at the same depth:
        # it calls them, hands them on or returns them, and the model resolves none of it.
        todo = [fn]
        while todo:
            item = todo.pop()
            if item.qualname in reached:
                continue
            reached[item.qualname] = route
            into.append(item)
            todo += nested.get(item.qualname, [])
    for route in project_routes(facts):
        entries: list[FunctionInfo] = []
        fn = model.function_at(route.handler_file, route.handler_line)
        if fn is not None:
            entries.append(fn)
        else:
            # A class-based view registered as a whole: every method of the class (and of
            # its bases in the project) answers requests as the class dispatches them.
            cls = next((c for c in model.classes.values() if c.path == route.handler_file
                        and c.line == route.handler_line), None)
            for klass in model.mro(cls) if cls is not None else ():
                entries += [m for q in klass.methods.values()
                            if (m := model.functions.get(q)) is not None]
        for entry in entries:
            reach(entry, entry.qualname, frontier)
    for _ in range(_REQUEST_DEPTH):
        following: list[FunctionInfo] = []
        for fn in frontier:
            targets = [t for _, t in model.edges(fn)] + handed.get(fn.qualname, [])
            for target in targets:
                reach(target, reached[fn.qualname], following)
        frontier = following
    facts[_CACHE] = [reached]
    return reached


def in_request(facts: dict[str, list[Any]], path: str, owner: int) -> bool:
    """The function defined at `path:owner` runs in a request (see the module's words)."""
    if not owner:
        return False  # module level: runs at import
    fn = program_of(facts).function_at(path, owner)
    return fn is not None and fn.qualname in request_functions(facts)


def outside_requests(facts: dict[str, list[Any]], finding: Finding, owner: int,
                     in_route: bool) -> Finding:
    """`finding` as a `note` with the reason when no request is known to run the function
    defined at `finding.path:owner` (see the module's words); unchanged otherwise."""
    if in_route or in_request(facts, finding.path, owner):
        return finding
    fn = program_of(facts).function_at(finding.path, owner) if owner else None
    where = f"`{short_name(fn.qualname, fn.path)}`" if fn is not None else "this module-level code"
    return replace(finding, severity=Severity.NOTE, message=(
        f"{finding.message} (note: no route handler reaches {where} through the calls the "
        f"program model resolves: run by a worker or a command, the text becomes a job's "
        f"failure reason, not a response; reached through a plugin table, a signal or "
        f"another dynamic call from a route, it is sent)"))
