"""BR401 through a helper that makes text of the exception: `format_exception(e)` in a
response is the exception's text when `format_exception` (in any module of the project)
returns `f"{e.__class__.__name__}: {e}"`.

The file half records, per function, the parameters whose text every value it returns
carries (`ReturnsText`), and the returns that hand a parameter to another call whose value
they give back (`HandOn`, solved over the call graph by ParamSolver). A broad handler that
leaks nothing by itself is analysed once more reading a call given the exception as that
call's text; when that finds a response, the leak is held (`ExceptTextThroughHelper`) until
the project half knows the helper returns its argument's text.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, replace
from typing import Any

from ..analysis.program import callee_of, program_of
from ..analysis.program.facts import Callee
from ..analysis.program.paramflow import HandOn, ParamSolver, explain_chain
from ..astutil import nodes_within, walk
from ..context import FileContext
from ..model import Finding, Span

RETURNS_TEXT = "br401_returns_param_text"
RETURN_HAND_ONS = "br401_return_hand_ons"
THROUGH_HELPER = "br401_except_text_helper"

# Calls that make text of what they are given.
TEXT_OF = frozenset({"str", "repr", "force_str", "force_text", "smart_str", "format"})


@dataclass(frozen=True)
class ReturnsText:
    """Every value the function defined at `path:line` returns carries the text of its
    parameter `param`."""

    path: str
    line: int
    param: str


@dataclass(frozen=True)
class ExceptTextThroughHelper:
    """A broad handler's leak that holds when the call at `span` (`text`, given the
    exception as argument `key`) returns the exception's text."""

    finding: Finding  # complete but for the helper's part
    owner: int  # def line of the function holding the except (0: module level)
    key: str
    callee: Callee
    text: str
    span: Span


def scrubs(expr: ast.AST, made: set[str]) -> bool:
    """`text.replace(secret, "[REDACTED]")`, `re.sub(pattern, "***", text)`: the helper edits
    the exception's text before giving it back, deliberately."""
    return isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and (
        expr.func.attr in ("replace", "sub") and any(
            isinstance(n, ast.Name) and n.id in made for n in ast.walk(expr)))


def text_of(expr: ast.AST, param: str, made: set[str]) -> bool:
    """`str(x)`, `force_str(s=x)`, an f-string with `x`, for `x` the parameter, or a local in
    `made` holding such text — not in one branch of a conditional (`"generic" if
    isinstance(x, Exception) else f"{x}"`)."""
    stack: list[ast.AST] = [expr]
    node_type = ast.AST
    while stack:
        node = stack.pop()
        if isinstance(node, ast.IfExp):
            continue
        # ast.iter_child_nodes, inlined, same order: asked of every assigned value of a
        # function whose parameter may be its text
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, node_type):
                stack.append(value)
            elif type(value) is list:
                stack += [item for item in value if isinstance(item, node_type)]
        if isinstance(node, ast.Name) and node.id in made:
            return True
        if isinstance(node, ast.Call):
            fname = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(
                node.func, "id", "")
            values = [*node.args, *(k.value for k in node.keywords)]
            if fname in TEXT_OF and any(isinstance(v, ast.Name) and v.id == param
                                        for v in values):
                return True
        elif isinstance(node, ast.FormattedValue) and isinstance(node.value, ast.Name) and \
                node.value.id == param:
            return True
    return False


def text_locals(body: list[ast.AST], param: str) -> set[str] | None:
    """The locals of a function holding its parameter's text (`message = force_str(e)`);
    None when the function scrubs that text (`message.replace(secret, "***")`)."""
    made: set[str] = set()
    for node in body:
        if isinstance(node, ast.Assign) and text_of(node.value, param, made):
            if made and scrubs(node.value, made):
                return None
            made |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return made


def _formatted_names(nodes: list[ast.AST]) -> set[str]:
    """Names the function makes text of: a cheap gate before the per-parameter reading."""
    out: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.FormattedValue) and isinstance(node.value, ast.Name):
            out.add(node.value.id)
        elif isinstance(node, ast.Call):
            out.update(a.id for a in node.args if isinstance(a, ast.Name))
            out.update(k.value.id for k in node.keywords if isinstance(k.value, ast.Name))
    return out


def handed_back(ctx: FileContext, value: ast.AST, param: str) -> tuple[str, ast.Call] | None:
    """`return describe(e)` / `return await describe(e=e)`: the argument key the parameter
    is passed as, and the call whose value is given back."""
    if isinstance(value, ast.Await):
        value = value.value
    if not isinstance(value, ast.Call):
        return None
    for i, arg in enumerate(value.args):
        if isinstance(arg, ast.Name) and arg.id == param:
            return str(i), value
    for keyword in value.keywords:
        if keyword.arg and isinstance(keyword.value, ast.Name) and keyword.value.id == param:
            return keyword.arg, value
    return None


def record_text_returns(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
    """The parameters whose text every value `func` returns carries, directly or by handing
    them to a call whose value it returns (solved in the project half)."""
    args = func.args
    params = [a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]]
    if not params:
        return
    # Only statements matter below (returns and assignments, in source order): the
    # semantic model's list of the function's own statements, without a walk of the body.
    nodes = ctx.semantic.own_statements(func)
    returns = [n.value for n in nodes if isinstance(n, ast.Return) and n.value is not None
               and not (isinstance(n.value, ast.Constant) and n.value.value is None)]
    if not returns:
        return
    # Each returned value must carry the parameter's text: formatted or passed in it by
    # name, or a local assigned in the body named in it (text_locals). The first one
    # alone rules out most functions (`return self.x`, `return True`) before every
    # assigned value of the body is read below.
    # A parameter passes the first returned value only when that value formats it, passes
    # it to a call or hands it back (each names it in `_formatted_names`), or names a local
    # holding its text, which an assignment made by formatting or passing on the parameter
    # itself (text_locals starts from nothing). So the candidates are the parameters the
    # first value names so, and those the assigned values do when the first value names an
    # assigned local: the other returned values, and the assigned ones of most functions,
    # need not be walked for this gate (the per-parameter reading below asks them all).
    first = walk(returns[0])
    formatted = _formatted_names(first)
    named = {n.id for n in first if type(n) is ast.Name}
    assigns = [n for n in nodes if type(n) is ast.Assign]
    if named and not named.isdisjoint(
            t.id for n in assigns for t in n.targets  # type: ignore[attr-defined]
            if type(t) is ast.Name):
        formatted |= _formatted_names(nodes_within([n.value for n in assigns]))  # type: ignore[attr-defined]
    candidates = [p for p in params if p in formatted]
    if candidates:
        # `walk` reads into a lambda of the first value, the gate before perf17 did not: a
        # parameter formatted only there (`sorted(xs, key=lambda x: str(e))`) stays out
        # unless a returned or assigned value formats it outside one, as it did then
        # (text_of reads lambdas, so the per-parameter reading would keep it: which reading
        # is right is a rule question, not this gate's).
        values = [n.value for n in nodes  # type: ignore[attr-defined]
                  if type(n) in (ast.Return, ast.Assign) and n.value]  # type: ignore[attr-defined]
        outside = _formatted_names(nodes_within(values))
        candidates = [p for p in candidates if p in outside]
    for param in candidates:
        made = text_locals(nodes, param)
        if made is None:
            continue
        passed: list[tuple[str, ast.Call]] = []
        for value in returns:
            if text_of(value, param, made):
                continue
            handed = handed_back(ctx, value, param)
            if handed is None:
                break  # a value without the parameter's text: not what this helper is
            passed.append(handed)
        else:
            if not passed:
                ctx.emit_fact(RETURNS_TEXT, ReturnsText(ctx.path, func.lineno, param))
                continue
            for key, call in passed:
                callee = callee_of(ctx, call)
                if callee is not None:
                    ctx.emit_fact(RETURN_HAND_ONS, HandOn(
                        ctx.path, func.lineno, param, key, callee, ctx.span_of(call),
                        ctx.source(call.func)))


def assumed_text_call(ctx: FileContext, call: ast.Call, name: ast.Name) -> str | None:
    """The argument key under which `call` is given the exception `name`, when the call
    names a function the program model can resolve."""
    key = next((str(i) for i, a in enumerate(call.args) if a is name), None) or next(
        (k.arg for k in call.keywords if k.value is name and k.arg), None)
    if key is None or not isinstance(call.func, ast.Name | ast.Attribute):
        return None
    return key if callee_of(ctx, call) is not None else None


def record_through_helper(ctx: FileContext, handler: ast.ExceptHandler, call: ast.Call,
                          key: str, finding: Finding) -> None:
    owner = ctx.semantic.enclosing_function(handler)
    owner_line = owner.lineno if owner is not None and not isinstance(owner, ast.Lambda) else 0
    callee = callee_of(ctx, call)
    if callee is not None:
        ctx.emit_fact(THROUGH_HELPER, ExceptTextThroughHelper(
            finding, owner_line, key, callee, ctx.source(call.func), ctx.span_of(call)))


def check_text_helpers(facts: dict[str, list[Any]]) -> list[Finding]:
    """The held leaks whose helper returns the exception's text, with the helper named."""
    held: list[ExceptTextThroughHelper] = facts.get(THROUGH_HELPER, [])
    if not held:
        return []
    solver: ParamSolver[ReturnsText] = ParamSolver(
        program_of(facts), facts.get(RETURNS_TEXT, []), facts.get(RETURN_HAND_ONS, []))
    out: list[Finding] = []
    for item in held:
        found = solver.reached_from(item.finding.path, item.owner, item.callee, item.key)
        if found is None:
            continue
        target, chain = found
        words, related = explain_chain(
            item.finding.path, item.span, item.text, target, chain, chain.use.line,
            "returns the exception's text", "the helper returns the exception's text")
        out.append(replace(item.finding, message=f"{item.finding.message}; {words}",
                           related=(*item.finding.related, *related)))
    return out
