"""BR401 across calls: a broad `except` hands the exception (or text made from it) to a
project function that puts it into a response.

`except Exception as e: return error_response(e)` leaks when `error_response` builds
`jsonify(error=str(exc))`, and `except Exception as e: fail(str(e))` leaks when `fail`
raises `HTTPException(detail=message)`. The file half of BR401 records, per function, the
parameters it writes into a response builder or an HTTP error (`TextToResponse`) and those
it hands on to another call (`HandOn`); and every broad handler that passes the exception
to a call and leaks nothing itself (`ExceptToHelper`). The project half solves the uses
over the call graph and reports at the `except`, naming every step. A helper that returns
a response leaks only when the route returns what it built; one that raises an HTTP error
leaks from wherever it is called.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from ..analysis.frameworks.routes import Route, project_routes
from ..analysis.program import CALLS as PROGRAM_CALLS
from ..analysis.program import callee_of, program_of, short_name
from ..analysis.program.facts import Callee, CallSite, FunctionInfo
from ..analysis.program.model import MAX_DEPTH, ProgramModel
from ..analysis.program.paramflow import HandOn, ParamSolver, explain_chain, parameter_of
from ..astutil import nodes_within, walk
from ..context import FileContext
from ..model import Finding, Related, Span
from .base import ProjectRule
from .br401_debug_gate import debug_gate, note_of_head
from .br401_fixes import helper_makes_text_fix
from .br401_helper_text import check_text_helpers
from .br401_raised_helpers import check_raised_helpers
from .br401_raises import check_catch_all, check_raises, completed, narrowed_name
from .br401_streams import WEBSOCKET, check_streams
from .br401_unnamed import unnamed_notes

USES = "br401_param_uses"
HAND_ONS = "br401_param_hand_ons"
CANDIDATES = "br401_except_calls"
RETURNS = "br401_returns_exception"
WRAPPERS = "br401_wrapper_returns"

# Parameters worth following through calls: those named for an error or its text.
_TEXT_PARAM = re.compile(r"^(?:e|ex|exc|err)$|error|exception|message|msg|detail|reason"
                         r"|description|text|cause", re.I)
_NOT_TEXT = frozenset({"builtins.type", "builtins.isinstance", "builtins.id", "builtins.hash",
                       "builtins.bool", "builtins.len", "builtins.issubclass",
                       "builtins.hasattr", "builtins.getattr"})
_TEXT_ATTRS = frozenset({"args", "message", "msg", "detail", "description", "errors",
                         "reason", "text"})
# An exception serialising itself (`exc.to_dict()`, a project exception's JSON form): its
# message is what such a method is for.
_SERIALISERS = frozenset({"to_dict", "as_dict", "dict", "to_json", "json", "model_dump",
                          "serialize", "to_response"})
_IGNORED_KEYWORDS = frozenset({"status_code", "status", "headers", "media_type",
                               "content_type", "code"})


@dataclass(frozen=True)
class TextToResponse:
    """Parameter `param` of the function defined at `path:line` is written into the
    response built at `use_line` (`detail`: the builder), as text."""

    path: str
    line: int
    param: str
    use_line: int
    detail: str
    raises: bool  # an HTTP error raised (abort, HTTPException): it leaks from any caller
    snippet: str = ""  # the `def` line, for a finding reported there from another module
    # sent on the client's websocket (`websocket.send_json(...)`): it leaks from any caller
    # too, the message goes out at once
    sends: bool = False
    # written only under an `isinstance(param, C)` test of a specific class: a handler
    # registered for every exception answers that one type so, like an `except C`
    narrowed: bool = False

    @property
    def direct(self) -> bool:
        """The text reaches the client whatever the caller does with the function's value."""
        return self.raises or self.sends

    @property
    def verb(self) -> str:
        return "sends" if self.sends else "raises" if self.raises else "returns"


@dataclass(frozen=True)
class ExceptToHelper:
    finding: Finding  # at the except; message and related steps set once resolved
    owner: int  # def line of the function holding the except (0: module level)
    key: str
    what: str  # how the argument carries the exception: "`e`", "str(e)"
    callee: Callee
    text: str  # the callee as written
    span: Span  # the call
    returned: bool  # the call's value is returned by a route handler
    # def line of the decorator whose wrapper holds the except (0: none): the call's value
    # is returned by the routes that decorator wraps, when there are any
    decorator: int = 0


@dataclass(frozen=True)
class WrapperLeak:
    """A broad handler in a decorator's wrapper returning the exception's text: the
    response of the views the decorator (defined at `decorator`) wraps."""

    finding: Finding
    decorator: int


@dataclass(frozen=True)
class ReturnsExceptionText:
    """A broad handler outside any route handler that returns the exception's text to the
    caller of its function (`return {"ok": False, "error": str(e)}` in a service)."""

    finding: Finding  # at the except; completed with the routes that return it
    owner: int  # def line of the function
    what: str
    return_line: int


def _text_params(ctx: FileContext, expr: ast.AST, depth: int = 0,
                 stored: bool = False) -> list[str]:
    """The parameters whose value `expr` carries as text (not `type(e)`, `len(x)`,
    comparisons or other attributes), through one local assigned from them. A local that is
    itself the result of a call this rule cannot see into is not followed into another such
    call (`message_for(find_cause(e))`): two transformations out of sight are a guess."""
    out: list[str] = []
    stack: list[tuple[ast.AST, bool]] = [(expr, False)]
    while stack:
        node, opaque = stack.pop()
        if isinstance(node, ast.Call) and ctx.qualified_name(node.func) in _NOT_TEXT:
            continue
        if isinstance(node, ast.Compare | ast.Lambda):
            continue
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and (
                node.attr not in _TEXT_ATTRS) and not (
                node.attr in _SERIALISERS and isinstance(ctx.semantic.parent(node), ast.Call)):
            continue  # `exc.status_code`, `exc.__class__`: not the text
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            found = parameter_of(ctx, node)
            if found is not None:
                out.append(found[1])
            elif depth == 0 or stored:
                # (`stored`: the value of an item store, read as the local's own value)
                bindings = ctx.reaching_bindings(node)
                if any(b.kind == "param" for b in bindings) and all(
                        b.kind == "param" or (b.value is not None and node.id in _names_in(
                            b.value)) for b in bindings):
                    # `if isinstance(e, Wrapper): e = e.error` then `str(e)`: the parameter,
                    # or what a branch made of it (not `err = "Internal error"`, which a
                    # helper writes to replace it)
                    out.append(node.id)
                for binding in bindings:
                    if binding.kind in ("assign", "annassign") and binding.value is not None \
                            and not (opaque and _opaque_call(ctx, binding.value)):
                        out += _text_params(ctx, binding.value, depth + 1)
                for store in _item_stores(ctx, node) if depth == 0 else ():
                    # `body["detail"] = str(exc)` ... `Response(data=body)`: text made of
                    # it, not the object itself (`doc["errormsg"] = errormsg`, which a JSON
                    # encoder may refuse: the caller's argument decides, as before)
                    if not isinstance(store.value, ast.Name):
                        out += _text_params(ctx, store.value, depth + 1, stored=True)
            continue
        inner = opaque or _opaque_call(ctx, node)
        stack.extend((child, inner) for child in ast.iter_child_nodes(node))
    return out


def _item_stores(ctx: FileContext, name: ast.Name) -> list[ast.Assign]:
    """The `name[key] = value` statements of the function `name` is used in, before it:
    what a dict made empty or with defaults holds by the time it is sent."""
    func = ctx.semantic.enclosing_function(name)
    if func is None:
        return []
    stores: dict[str, list[ast.Assign]] = ctx.memo("br401-item-stores", func,
                                                   lambda: _stores_by_name(func))
    return [s for s in stores.get(name.id, ()) if s.lineno < name.lineno]


def _stores_by_name(func: ast.AST) -> dict[str, list[ast.Assign]]:
    out: dict[str, list[ast.Assign]] = {}
    for node in nodes_within(func.body):  # type: ignore[attr-defined]
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(
                node.targets[0], ast.Subscript) and isinstance(node.targets[0].value, ast.Name):
            out.setdefault(node.targets[0].value.id, []).append(node)
    return out


def _opaque_call(ctx: FileContext, node: ast.AST) -> bool:
    """A call that is no text builder (`str`, `repr`, `"...".format`, `", ".join`) nor an
    exception serialising itself: what it returns may or may not carry its arguments' text."""
    if isinstance(node, ast.Await):
        node = node.value
    if not isinstance(node, ast.Call):
        return False
    if ctx.qualified_name(node.func) in ("builtins.str", "builtins.repr", "builtins.format",
                                         "builtins.ascii"):
        return False
    return not (isinstance(node.func, ast.Attribute)
                and node.func.attr in ("format", "join", *_SERIALISERS))


def _debug_only(ctx: FileContext, node: ast.AST) -> bool:
    """`node` runs only when a debug setting is on (`if config.DEBUG:`, `if app.debug:`): a
    development aid the production deployment never answers with."""
    return debug_gate(ctx, node) is not None


def record_response(ctx: FileContext, call: ast.Call, family: str) -> None:
    """A response builder: the parameters of its function written into it (not under a
    debug flag)."""
    if _debug_only(ctx, call):
        return
    args = [*call.args, *(k.value for k in call.keywords if k.arg not in _IGNORED_KEYWORDS)]
    params = {p for arg in args for p in _text_params(ctx, arg)}
    if not params:
        return
    func = ctx.semantic.enclosing_function(call)
    if func is None or isinstance(func, ast.Lambda):
        return
    sends = family == WEBSOCKET
    raises = not sends and (isinstance(ctx.semantic.parent(call), ast.Raise)
                            or family.endswith("abort") or _raised_later(ctx, call, func))
    label = f"{ctx.source(call.func)}(...)"
    snippet = ctx.lines[func.lineno - 1].strip() if func.lineno <= len(ctx.lines) else ""
    for param in sorted(params):
        narrowed = narrowed_name(ctx, param, func, call, database_too=False) is not None
        ctx.emit_fact(USES, TextToResponse(ctx.path, func.lineno, param, call.lineno, label,
                                           raises, snippet, sends, narrowed))


def _raised_later(ctx: FileContext, call: ast.Call, func: ast.AST) -> bool:
    """`exc = HTTPException(description=message)` ... `raise exc`: the error built into a
    local is raised by the same function."""
    parent = ctx.semantic.parent(call)
    if not (isinstance(parent, ast.Assign) and len(parent.targets) == 1
            and isinstance(parent.targets[0], ast.Name)):
        return False
    name = parent.targets[0].id
    return any(isinstance(n, ast.Raise) and isinstance(n.exc, ast.Name) and n.exc.id == name
               and n.lineno > call.lineno for n in nodes_within(func.body))


def text_parameters(ctx: FileContext) -> frozenset[str]:
    """The parameter names of this file that look like an error's text: record_hand_on
    reads only a call passing one of them (by name), so a file with none records nothing."""
    return frozenset(n for n in ctx.semantic.names_bound("param") if _TEXT_PARAM.search(n))


def passes_one_of(call: ast.Call, names: frozenset[str]) -> bool:
    """A positional argument, or a named one, is a bare name among `names`, or text built
    from one (`dict(error=str(e))`, `f"failed: {e}"`)."""
    name = ast.Name
    for arg in call.args:
        if type(arg) is name and arg.id in names:  # type: ignore[attr-defined]
            return True
    for keyword in call.keywords:
        value = keyword.value
        if type(value) is name and keyword.arg and value.id in names:  # type: ignore[attr-defined]
            return True
    return any(type(arg) in _BUILT_TEXT and _names_in(arg) & names
               for arg in [*call.args, *(k.value for k in call.keywords if k.arg)])


# Argument shapes that build a value from names: a call (`dict(...)`, `str(e)`), a literal
# container, an f-string, an operator.
_BUILT_TEXT = frozenset({ast.Call, ast.Dict, ast.List, ast.Tuple, ast.JoinedStr, ast.BinOp})


def _names_in(expr: ast.AST) -> set[str]:
    # A set: astutil.walk's order (not ast.walk's) does not matter, at a third of the cost.
    return {n.id for n in walk(expr) if type(n) is ast.Name}


def record_hand_on(ctx: FileContext, call: ast.Call) -> None:
    """A call handing an error-like parameter of its function on."""
    args = [(str(i), a) for i, a in enumerate(call.args) if not isinstance(a, ast.Starred)]
    args += [(k.arg, k.value) for k in call.keywords if k.arg]
    callee: Callee | None = None
    func = ctx.semantic.enclosing_function(call)
    for key, arg in args:
        if isinstance(arg, ast.Name):
            found = parameter_of(ctx, arg) if _TEXT_PARAM.search(arg.id) else None
            params = [found[1]] if found is not None else []
        elif type(arg) in _BUILT_TEXT and func is not None and not isinstance(
                func, ast.Lambda) and any(_TEXT_PARAM.search(n) for n in _names_in(arg)):
            # `jsonify(dict(error=str(e)))`: text made from the parameter, handed on
            params = sorted({p for p in _text_params(ctx, arg) if _TEXT_PARAM.search(p)})
        else:
            continue
        for param in params:
            callee = callee or callee_of(ctx, call)
            if callee is None:
                return
            ctx.emit_fact(HAND_ONS, HandOn(ctx.path, func.lineno, param, key, callee,
                                           ctx.span_of(call), ctx.source(call.func)))


def record_candidates(ctx: FileContext, handler: ast.ExceptHandler, calls: list[ast.Call],
                      describe: Any, finding: Callable[[], Finding], in_route: bool,
                      decorator: int = 0) -> None:
    """The calls of a broad handler that leaks nothing itself and hands the exception (or
    its text, `describe(arg)`) to a function. `finding()` makes the held finding (once):
    only a recorded call needs it."""
    owner = ctx.semantic.enclosing_function(handler)
    owner_line = owner.lineno if owner is not None and not isinstance(owner, ast.Lambda) else 0
    for call in calls:
        args = [(str(i), a) for i, a in enumerate(call.args) if not isinstance(a, ast.Starred)]
        args += [(k.arg, k.value) for k in call.keywords if k.arg]
        for key, arg in args:
            what = (f"`{arg.id}`" if isinstance(arg, ast.Name) and arg.id == handler.name
                    else describe(arg))
            if not what:
                continue
            callee = callee_of(ctx, call)
            if callee is None:
                break
            ctx.emit_fact(CANDIDATES, ExceptToHelper(
                finding(), owner_line, key, what, callee, ctx.source(call.func),
                ctx.span_of(call), (in_route or bool(decorator)) and _returned(ctx, call),
                decorator))


def record_returned_text(ctx: FileContext, handler: ast.ExceptHandler, returns: list[ast.Return],
                         describe: Any, finding: Callable[[], Finding]) -> None:
    """A broad handler of a function that is no route handler, returning text made from the
    exception: the routes that return that function's value send it on. `finding()` makes
    the held finding, asked only for a return that carries the text."""
    owner = ctx.semantic.enclosing_function(handler)
    if owner is None or isinstance(owner, ast.Lambda):
        return
    for ret in returns:
        what = describe(ret.value) if ret.value is not None else None
        if what and what != f"`{handler.name}`":  # the exception object, for the caller
            ctx.emit_fact(RETURNS, ReturnsExceptionText(finding(), owner.lineno, what,
                                                        ret.lineno))
            return


def record_wrapper_leak(ctx: FileContext, finding: Finding, decorator: int) -> None:
    ctx.emit_fact(WRAPPERS, WrapperLeak(finding, decorator))


def _returned(ctx: FileContext, call: ast.Call) -> bool:
    parent = ctx.semantic.parent(call)
    if isinstance(parent, ast.Await):
        parent = ctx.semantic.parent(parent)
    if isinstance(parent, ast.Tuple):  # Flask: `return helper(e), 500`
        parent = ctx.semantic.parent(parent)
    return isinstance(parent, ast.Return)


class BroadExceptLeakThroughCalls(ProjectRule):
    """The project half of BR401: exception text handed to a helper that sends it, and
    exception text a helper returns to routes that send it."""

    id = "BR401"
    # The call graph (which helper a call runs, whose value a route returns), no effects.
    needs_facts: ClassVar[tuple[str, ...]] = (PROGRAM_CALLS, "routes")
    one_file_ok = True

    def check(self, facts: dict[str, list[Any]]) -> None:
        if facts.get(RETURNS):
            self._returned_to_routes(facts)
        reported: set[tuple[str, int]] = set()
        leaks = {(use.path, use.line, use.param): use for use in facts.get(USES, [])}
        self.findings += check_raises(facts, leaks, reported)
        self.findings += check_raised_helpers(facts, reported)
        # A catch-all answers the types it tests for apart (`if isinstance(exc,
        # DjangoValidationError): exc = ValidationError(detail=exc.message)`) on purpose.
        self.findings += check_catch_all(facts, {
            (use.path, use.line, use.param): use for use in facts.get(USES, [])
            if not use.narrowed})
        self.findings += check_streams(facts)
        self._through_helpers(facts, reported)
        for item in facts.get(WRAPPERS, []):
            wrapped = decorated_routes(program_of(facts), facts, item.finding.path,
                                       item.decorator)
            if wrapped is not None:
                self._add_new([replace(item.finding, message=f"{item.finding.message}; "
                                       f"{wrapped[0]}",
                                       related=(*item.finding.related, *wrapped[1]))])
        # Last: a helper that makes the exception's text, when no other reading reported it.
        self._add_new(check_text_helpers(facts))
        # A function nothing in the project names runs in no request: notes.
        self.findings = unnamed_notes(facts, self.findings)

    def _through_helpers(self, facts: dict[str, list[Any]], reported: set[tuple[str, int]]
                         ) -> None:
        candidates: list[ExceptToHelper] = facts.get(CANDIDATES, [])
        if not candidates:
            return
        model = program_of(facts)
        # A raised HTTP error first: it leaks from any caller, where a response the helper
        # builds (`Response(...)` handed to the error it raises) leaks only when returned.
        uses = sorted(facts.get(USES, []), key=lambda use: not use.direct)
        solver: ParamSolver[TextToResponse] = ParamSolver(model, uses, facts.get(HAND_ONS, []))
        for item in candidates:
            where = (item.finding.path, item.finding.span.start_line)
            if where in reported:
                continue  # one finding per except, at the first call that leaks
            found = solver.reached_from(item.finding.path, item.owner, item.callee, item.key)
            if found is None:
                continue
            target, chain = found
            use = chain.use
            if not (use.direct or item.returned):
                continue  # a response built and dropped, or not what the route returns
            words, related = explain_chain(
                item.finding.path, item.span, item.text, target, chain, use.use_line,
                f"{use.verb} {use.detail} with it",
                "the exception reaches the response here")
            message = f"{item.finding.message}: {item.what} is handed to {words}"
            if item.decorator and not use.direct:
                wrapped = decorated_routes(model, facts, item.finding.path, item.decorator)
                if not wrapped:
                    continue  # a decorator no route wears
                message += f"; {wrapped[0]}"
                related += wrapped[1]
            finding = completed(item.finding, message, related)
            if item.what.startswith("`") and note_of_head(item.finding.message) is None:
                # the exception itself: the helper makes the text (a debug-gated text keeps
                # its words: the helper's other callers send their own messages)
                finding = replace(finding, fix=helper_makes_text_fix(target.name, target.line))
            self.findings.append(finding)
            reported.add(where)


    def _add_new(self, findings: list[Finding]) -> None:
        """Findings at an except no other reading of this half has reported."""
        taken = {(f.path, f.span.start_line) for f in self.findings}
        self.findings += [f for f in findings if (f.path, f.span.start_line) not in taken]

    def _returned_to_routes(self, facts: dict[str, list[Any]]) -> None:
        """Report each helper's except once, listing the routes that return the helper's
        value (directly or through functions that return it, MAX_DEPTH calls at most)."""
        model = program_of(facts)
        routes: dict[str, list[Route]] = {}
        for route in project_routes(facts):
            fn = model.function_at(route.handler_file, route.handler_line)
            if fn is not None:
                routes.setdefault(fn.qualname, []).append(route)
        if not routes:
            return
        returned_by: dict[str, list[tuple[FunctionInfo, CallSite]]] = {}
        for qualname in sorted(model.functions):
            fn = model.functions[qualname]
            for site, target in model.edges(fn):
                if site.returned:
                    returned_by.setdefault(target.qualname, []).append((fn, site))
        for item in facts[RETURNS]:
            helper = model.function_at(item.finding.path, item.owner)
            if helper is None or helper.qualname in routes:
                continue
            reached = _routes_returning(helper, routes, returned_by)
            if not reached:
                continue
            shown = [f"{'|'.join(r.methods)} {r.path}" for r, _ in reached[:3]]
            more = f" and {len(reached) - 3} more" if len(reached) > 3 else ""
            message = (f"{item.finding.message}: {item.what} is returned by "
                       f"`{short_name(helper.qualname, helper.path)}` (line "
                       f"{item.return_line}), and the route{'s' if len(reached) > 1 else ''} "
                       f"{', '.join(shown)}{more} return{'' if len(reached) > 1 else 's'} "
                       f"its value to the client")
            related = (Related(Span(item.return_line, 1, item.return_line, 2),
                               "the exception's text is returned here", item.finding.path),)
            related += tuple(Related(Span(site.line, site.col + 1, site.end_line,
                                          site.end_col + 1),
                                     f"route {'|'.join(r.methods)} {r.path} returns it",
                                     caller.path) for r, (caller, site) in reached[:3])
            self.findings.append(completed(item.finding, message, related))


def decorated_routes(model: ProgramModel, facts: dict[str, list[Any]], path: str, line: int
                     ) -> tuple[str, tuple[Related, ...]] | None:
    """The routes whose handler wears the decorator defined at `path:line` (or one a
    decorator factory defined there makes), in words and as related locations."""
    outer = model.function_at(path, line)
    if outer is None:
        return None
    reached: list[Route] = []
    for route in project_routes(facts):
        handler = model.function_at(route.handler_file, route.handler_line)
        if handler is None:
            continue
        for ref in handler.decorators:
            found = model.resolve(ref)
            if isinstance(found, FunctionInfo) and (
                    found.qualname == outer.qualname
                    or outer.qualname.startswith(found.qualname + ".")):
                reached.append(route)
                break
    if not reached:
        return None
    name = short_name(outer.qualname, outer.path)
    shown = [f"{'|'.join(r.methods)} {r.path}" for r in reached[:3]]
    more = f" and {len(reached) - 3} more" if len(reached) > 3 else ""
    words = (f"`{name}` wraps the route{'s' if len(reached) > 1 else ''} "
             f"{', '.join(shown)}{more}, whose response is what the wrapper returns")
    related = tuple(Related(r.span, f"route {'|'.join(r.methods)} {r.path} wears {name}",
                            r.file) for r in reached[:3])
    return words, related


def _routes_returning(helper: FunctionInfo, routes: dict[str, list[Route]],
                      returned_by: dict[str, list[tuple[FunctionInfo, CallSite]]]
                      ) -> list[tuple[Route, tuple[FunctionInfo, CallSite]]]:
    """The routes whose handler returns `helper`'s value, each with the call site that
    returns it, nearest first."""
    out: list[tuple[Route, tuple[FunctionInfo, CallSite]]] = []
    seen = {helper.qualname}
    frontier = [helper.qualname]
    for _ in range(MAX_DEPTH):
        following: list[str] = []
        for qualname in frontier:
            for caller, site in returned_by.get(qualname, []):
                if caller.qualname in seen:
                    continue
                seen.add(caller.qualname)
                following.append(caller.qualname)
                out += [(route, (caller, site)) for route in routes.get(caller.qualname, [])]
        frontier = following
    return out


RULES = (BroadExceptLeakThroughCalls,)
