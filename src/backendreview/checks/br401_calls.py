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
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from ..analysis.program import callee_of, program_of
from ..analysis.program.facts import Callee
from ..analysis.program.paramflow import HandOn, ParamSolver, explain_chain, parameter_of
from ..context import FileContext
from ..model import Finding, Span
from .base import ProjectRule

USES = "br401_param_uses"
HAND_ONS = "br401_param_hand_ons"
CANDIDATES = "br401_except_calls"

# Parameters worth following through calls: those named for an error or its text.
_TEXT_PARAM = re.compile(r"^(?:e|ex|exc|err)$|error|exception|message|msg|detail|reason"
                         r"|description|text|cause", re.I)
_NOT_TEXT = frozenset({"builtins.type", "builtins.isinstance", "builtins.id", "builtins.hash",
                       "builtins.bool", "builtins.len", "builtins.issubclass",
                       "builtins.hasattr", "builtins.getattr"})
_TEXT_ATTRS = frozenset({"args", "message", "msg", "detail", "description", "errors",
                         "reason", "text"})
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


def _text_params(ctx: FileContext, expr: ast.AST, depth: int = 0) -> list[str]:
    """The parameters whose value `expr` carries as text (not `type(e)`, `len(x)`,
    comparisons or other attributes), through one local assigned from them."""
    out: list[str] = []
    stack: list[ast.AST] = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Call) and ctx.qualified_name(node.func) in _NOT_TEXT:
            continue
        if isinstance(node, ast.Compare | ast.Lambda):
            continue
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and (
                node.attr not in _TEXT_ATTRS):
            continue  # `exc.status_code`, `exc.__class__`: not the text
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            found = parameter_of(ctx, node)
            if found is not None:
                out.append(found[1])
            elif depth == 0:
                for binding in ctx.reaching_bindings(node):
                    if binding.kind == "assign" and binding.value is not None:
                        out += _text_params(ctx, binding.value, depth + 1)
            continue
        stack.extend(ast.iter_child_nodes(node))
    return out


def record_response(ctx: FileContext, call: ast.Call, family: str) -> None:
    """A response builder: the parameters of its function written into it."""
    args = [*call.args, *(k.value for k in call.keywords if k.arg not in _IGNORED_KEYWORDS)]
    params = {p for arg in args for p in _text_params(ctx, arg)}
    if not params:
        return
    func = ctx.semantic.enclosing_function(call)
    if func is None or isinstance(func, ast.Lambda):
        return
    raises = isinstance(ctx.semantic.parent(call), ast.Raise) or family.endswith("abort")
    label = f"{ctx.source(call.func)}(...)"
    for param in sorted(params):
        ctx.emit_fact(USES, TextToResponse(ctx.path, func.lineno, param, call.lineno, label,
                                           raises))


def record_hand_on(ctx: FileContext, call: ast.Call) -> None:
    """A call handing an error-like parameter of its function on."""
    args = [(str(i), a) for i, a in enumerate(call.args) if not isinstance(a, ast.Starred)]
    args += [(k.arg, k.value) for k in call.keywords if k.arg]
    callee: Callee | None = None
    for key, arg in args:
        if not (isinstance(arg, ast.Name) and _TEXT_PARAM.search(arg.id)):
            continue
        found = parameter_of(ctx, arg)
        if found is None:
            continue
        callee = callee or callee_of(ctx, call)
        if callee is None:
            return
        ctx.emit_fact(HAND_ONS, HandOn(ctx.path, found[0].lineno, found[1], key, callee,
                                       ctx.span_of(call), ctx.source(call.func)))


def record_candidates(ctx: FileContext, handler: ast.ExceptHandler, calls: list[ast.Call],
                      describe: Any, finding: Finding, in_route: bool) -> None:
    """The calls of a broad handler that leaks nothing itself and hands the exception (or
    its text, `describe(arg)`) to a function."""
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
                finding, owner_line, key, what, callee, ctx.source(call.func),
                ctx.span_of(call), in_route and _returned(ctx, call)))


def _returned(ctx: FileContext, call: ast.Call) -> bool:
    parent = ctx.semantic.parent(call)
    if isinstance(parent, ast.Await):
        parent = ctx.semantic.parent(parent)
    if isinstance(parent, ast.Tuple):  # Flask: `return helper(e), 500`
        parent = ctx.semantic.parent(parent)
    return isinstance(parent, ast.Return)


class BroadExceptLeakThroughCalls(ProjectRule):
    """The project half of BR401: exception text handed to a helper that sends it."""

    id = "BR401"
    needs_facts: ClassVar[tuple[str, ...]] = ("program",)
    one_file_ok = True

    def check(self, facts: dict[str, list[Any]]) -> None:
        candidates: list[ExceptToHelper] = facts.get(CANDIDATES, [])
        if not candidates:
            return
        model = program_of(facts)
        solver: ParamSolver[TextToResponse] = ParamSolver(model, facts.get(USES, []),
                                                          facts.get(HAND_ONS, []))
        reported: set[tuple[str, int]] = set()
        for item in candidates:
            where = (item.finding.path, item.finding.span.start_line)
            if where in reported:
                continue  # one finding per except, at the first call that leaks
            found = solver.reached_from(item.finding.path, item.owner, item.callee, item.key)
            if found is None:
                continue
            target, chain = found
            use = chain.use
            if not (use.raises or item.returned):
                continue  # a response built and dropped, or not what the route returns
            words, related = explain_chain(
                item.finding.path, item.span, item.text, target, chain, use.use_line,
                f"{'raises' if use.raises else 'returns'} {use.detail} with it",
                "the exception reaches the response here")
            message = f"{item.finding.message}: {item.what} is handed to {words}"
            self.findings.append(replace(item.finding, message=message, related=related))
            reported.add(where)


RULES = (BroadExceptLeakThroughCalls,)
