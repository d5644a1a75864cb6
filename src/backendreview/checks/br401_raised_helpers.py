"""BR401 through a helper that makes the HTTP error a broad handler raises:
`except Exception as e: raise http_exception_from_error(e)`, where the project's
`http_exception_from_error` returns `HTTPException(500, detail=[type(e).__name__, str(e)])`.

The file half records, per function, the parameters whose text every value it returns puts
into a framework HTTP error's message (`ReturnsHttpError`: in place, or through calls whose
value is that text — solved with the text helpers of br401_helper_text), and each broad
handler that raises a project call given the caught exception (`ExceptRaisesHelper`). The
project half reports the handler when the call resolves to such a function and the
parameter it is given is that one; an unresolved call stays unreported.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from ..analysis.handlers import response_call
from ..analysis.program import callee_of, program_of
from ..analysis.program.entries import entry_kind
from ..analysis.program.facts import Callee
from ..analysis.program.paramflow import HandOn, ParamSolver, explain_chain
from ..context import FileContext
from ..model import Finding, Fix, Related, Span
from .br401_helper_text import (
    RETURN_HAND_ONS,
    RETURNS_TEXT,
    ReturnsText,
    handed_back,
    text_locals,
    text_of,
)
from .br401_raises import (
    FRAMEWORK_ERRORS,
    REGISTRATIONS,
    ErrorHandlerRegistration,
    completed,
    narrowed_to,
)

ERROR_RETURNS = "br401_returns_http_error"
RAISED_HELPERS = "br401_except_raises_helper"


@dataclass(frozen=True)
class ReturnsHttpError:
    """Every value the function defined at `path:line` returns is a framework's HTTP error
    (`error`, the first return's, on line `at`) whose message carries the text of parameter
    `param`: formatted in place, or made by each call of `needs` (callee, argument key) —
    the project half asks whether those calls return their argument's text."""

    path: str
    line: int
    param: str
    error: str
    at: int
    needs: tuple[tuple[Callee, str], ...] = ()


@dataclass(frozen=True)
class ExceptRaisesHelper:
    """A broad handler (`except_line`) raising the call at `span` (`text`), given the caught
    exception as argument `key`."""

    finding: Finding  # held at the except; the project half words the rest
    owner: int  # def line of the function holding the except (0: module level)
    key: str
    callee: Callee
    text: str
    span: Span
    except_line: int
    name: str  # the caught exception's name


def _message_args(call: ast.Call, keys: frozenset[str]) -> list[ast.AST]:
    return [*(a for i, a in enumerate(call.args) if str(i) in keys),
            *(k.value for k in call.keywords if k.arg in keys)]


def record_error_returns(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef
                         ) -> None:
    """The parameters whose text every HTTP error `func` returns carries in its message."""
    args = func.args
    params = [a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]]
    if not params:
        return
    nodes = ctx.semantic.own_statements(func)
    returns = [n for n in nodes if isinstance(n, ast.Return)]
    # Cheap gate first: every return gives a call (a bare `return` or `return None` is a
    # value that is no error, so the helper is not this one).
    if not returns or not all(isinstance(r.value, ast.Call) for r in returns):
        return
    errors: list[tuple[str, ast.Call]] = []
    for ret in returns:
        call = ret.value
        assert isinstance(call, ast.Call)
        qualified = ctx.qualified_name(call.func) or ""
        if qualified not in FRAMEWORK_ERRORS:
            return
        errors.append((qualified, call))
    for param in params:
        made = text_locals(nodes, param)
        if made is None:
            continue  # the helper scrubs the text
        needs: list[tuple[Callee, str]] = []
        for qualified, call in errors:
            carried = False
            for arg in _message_args(call, FRAMEWORK_ERRORS[qualified][1]):
                if text_of(arg, param, made):
                    carried = True
                    break
                handed = handed_back(ctx, arg, param)
                callee = callee_of(ctx, handed[1]) if handed is not None else None
                if handed is not None and callee is not None:
                    needs.append((callee, handed[0]))
                    carried = True
                    break
            if not carried:
                break  # one error without the text: a helper that chooses what to say
        else:
            ctx.emit_fact(ERROR_RETURNS, ReturnsHttpError(
                ctx.path, func.lineno, param, errors[0][0], returns[0].lineno, tuple(needs)))


def record_raised_helper(ctx: FileContext, handler: ast.ExceptHandler, nodes: list[ast.AST],
                         finding: Callable[[], Finding]) -> None:
    """The first `raise helper(e)` of a broad handler that leaks nothing itself, handing the
    caught exception itself to a project call. `finding` makes the held finding (made only
    for a raise that qualifies: most handlers have none)."""
    name = handler.name
    if not name:
        return
    for node in nodes:
        if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
            continue
        call = node.exc
        if response_call(ctx, call) is not None or narrowed_to(ctx, handler, node) is not None:
            continue
        key = next((str(i) for i, a in enumerate(call.args)
                    if isinstance(a, ast.Name) and a.id == name), None) or next(
            (k.arg for k in call.keywords
             if k.arg and isinstance(k.value, ast.Name) and k.value.id == name), None)
        callee = callee_of(ctx, call) if key is not None else None
        if key is None or callee is None:
            continue
        owner = ctx.semantic.enclosing_function(handler)
        owner_line = owner.lineno if owner is not None and not isinstance(
            owner, ast.Lambda) else 0
        ctx.emit_fact(RAISED_HELPERS, ExceptRaisesHelper(
            finding(), owner_line, key, callee, ctx.source(call.func), ctx.span_of(call),
            handler.lineno, name))
        return


_FIX = ("Log the exception with its traceback and raise an HTTP error with a generic detail "
        "(with an error id the client can quote) for exceptions the helper does not know; "
        "keep the exception's text for the application's own, deliberate errors.")


def check_raised_helpers(facts: dict[str, list[Any]], reported: set[tuple[str, int]]
                         ) -> list[Finding]:
    held: list[ExceptRaisesHelper] = facts.get(RAISED_HELPERS, [])
    if not held:
        return []
    model = program_of(facts)
    texts: ParamSolver[ReturnsText] = ParamSolver(
        model, facts.get(RETURNS_TEXT, []), facts.get(RETURN_HAND_ONS, []))
    uses = [item for item in facts.get(ERROR_RETURNS, [])
            if all(texts.reached_from(item.path, item.line, callee, key) is not None
                   for callee, key in item.needs)]
    if not uses:
        return []
    errors: ParamSolver[ReturnsHttpError] = ParamSolver(model, uses, list[HandOn]())
    registrations: list[ErrorHandlerRegistration] = facts.get(REGISTRATIONS, [])
    # A handler the project registers for the framework's error may answer it otherwise.
    handled = {reg.exception.rsplit(".", 1)[-1] for reg in registrations}
    out: list[Finding] = []
    for item in held:
        where = (item.finding.path, item.finding.span.start_line)
        if where in reported:
            continue
        found = errors.reached_from(item.finding.path, item.owner, item.callee, item.key)
        if found is None:
            continue
        target, chain = found
        use = chain.use
        framework_class = use.error.rsplit(".", 1)[-1]
        if framework_class in handled:
            continue
        owner = model.function_at(item.finding.path, item.owner) if item.owner else None
        if owner is not None and entry_kind(model, owner, handed=False) is not None:
            continue  # declared to run outside a request (a command, a task)
        framework = FRAMEWORK_ERRORS[use.error][0]
        words, related = explain_chain(
            item.finding.path, item.span, item.text, target, chain, use.at,
            f"returns {framework}'s `{framework_class}` with the exception's text in its "
            f"message", "the HTTP error carries the exception's text")
        message = f"{item.finding.message}: `{item.name}` is raised through {words}"
        finding = completed(item.finding, message, (
            Related(Span(item.except_line, 1, item.except_line, 2),
                    "the broad except catching any failure", item.finding.path), *related))
        out.append(replace(finding, fix=Fix(_FIX)))
        reported.add(where)
    return out
