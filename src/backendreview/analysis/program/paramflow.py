"""Which parameters of a function reach something a rule cares about (a password store, a
response body), directly or through the functions it hands them to.

A rule records, per file, its own uses of parameters (any frozen record with `path`, `line`
— the function's def line — and `param`) and the calls that hand a parameter on
(`HandOn`); `ParamSolver` solves them over the program model's call graph, at most
MAX_DEPTH calls deep, so recursion and cycles end. `reached(caller, callee, key)` answers
for one call site: the function it runs and the chain from argument `key` to a use.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, Generic, TypeVar

from ...context import FileContext
from ...model import Related, Span
from .facts import Callee, CallSite, FunctionInfo
from .model import MAX_DEPTH, ProgramModel, Step, short_name
from .sqlflow import parameter_for

UseT = TypeVar("UseT")


@dataclass(frozen=True)
class HandOn:
    """A call in the function defined at `path:line` that hands its parameter `param` on,
    as argument `key` (position digits or keyword)."""

    path: str
    line: int
    param: str
    key: str
    callee: Callee
    span: Span
    text: str  # the callee as written


@dataclass(frozen=True)
class ParamChain(Generic[UseT]):
    use: UseT
    via: tuple[Step, ...] = ()


def parameter_of(ctx: FileContext, expr: ast.AST) -> tuple[ast.AST, str] | None:
    """(the function, the parameter) when `expr` is a name bound only to a parameter of the
    function it is used in."""
    if not isinstance(expr, ast.Name):
        return None
    bindings = ctx.reaching_bindings(expr)
    if not bindings or any(b.kind != "param" for b in bindings):
        return None
    func = ctx.semantic.enclosing_function(expr)
    if func is None or isinstance(func, ast.Lambda):
        return None
    return func, expr.id


def call_step(fn_path: str, span: Span, text: str, target: FunctionInfo) -> Step:
    """The call at `span` (in `fn_path`) to `target`, as a step of a chain."""
    return Step(fn_path, span.start_line, span.start_col - 1, span.end_line,
                span.end_col - 1, text, target.qualname, target.path, target.line)


def _where(path: str, line: int) -> str:
    return f"{PurePath(path).name}:{line}"


def explain_chain(call_path: str, call_span: Span, call_text: str, target: FunctionInfo,
                  chain: ParamChain[Any], use_line: int, what: str, use_note: str
                  ) -> tuple[str, tuple[Related, ...]]:
    """The words and the related locations for a value a call hands to `target`, down the
    chain to its use: "`save_user` (db.py:8), which calls `store` (db.py:20), which
    <what> (db.py:21)"; one related location per call and one (`use_note`) for the use."""
    steps = (call_step(call_path, call_span, call_text, target), *chain.via)
    parts = [f"`{short_name(s.callee, s.callee_path)}` ({_where(s.callee_path, s.callee_line)})"
             for s in steps]
    sink_path = steps[-1].callee_path
    words = ", which calls ".join(parts) + f", which {what} ({_where(sink_path, use_line)})"
    related = tuple(Related(Span(s.line, s.col + 1, s.end_line, s.end_col + 1),
                            f"calls {short_name(s.callee, s.callee_path)}", s.path)
                    for s in steps)
    return words, (*related, Related(Span(use_line, 1, use_line, 2), use_note, sink_path))


class ParamSolver(Generic[UseT]):
    def __init__(self, model: ProgramModel, uses: list[Any], hand_ons: list[HandOn]) -> None:
        self.model = model
        self.solved: dict[str, dict[str, ParamChain[UseT]]] = {}
        for use in uses:
            fn = model.function_at(use.path, use.line)
            if fn is not None:
                self.solved.setdefault(fn.qualname, {}).setdefault(use.param, ParamChain(use))
        by_function: dict[str, list[HandOn]] = {}
        for hand_on in hand_ons:
            fn = model.function_at(hand_on.path, hand_on.line)
            if fn is not None:
                by_function.setdefault(fn.qualname, []).append(hand_on)
        for _ in range(MAX_DEPTH):
            changed = False
            for qualname in sorted(by_function):
                fn = model.functions[qualname]
                mine = self.solved.setdefault(qualname, {})
                for hand_on in by_function[qualname]:
                    if hand_on.param in mine:
                        continue
                    found = self.reached(fn, hand_on.callee, hand_on.key)
                    if found is not None and len(found[1].via) < MAX_DEPTH:
                        target, chain = found
                        mine[hand_on.param] = ParamChain(chain.use, (call_step(
                            fn.path, hand_on.span, hand_on.text, target), *chain.via))
                        changed = True
            if not changed:
                break

    def reached_from(self, path: str, owner_line: int, callee: Callee, key: str
                     ) -> tuple[FunctionInfo, ParamChain[UseT]] | None:
        """`reached` for a call made in the function defined at `path:owner_line` (0: at
        module level)."""
        caller = self.model.function_at(path, owner_line) if owner_line else None
        return self.reached(caller, callee, key)

    def reached(self, caller: FunctionInfo | None, callee: Callee, key: str
                ) -> tuple[FunctionInfo, ParamChain[UseT]] | None:
        """The function a call runs and how it uses the argument `key`, if it does."""
        owner = caller if caller is not None else FunctionInfo("", "", "", 0)
        for target in self.model.targets(owner, CallSite(0, 0, 0, 0, callee, "")):
            if target.qualname == owner.qualname:
                continue
            name = parameter_for(target, callee, key)
            chain = self.solved.get(target.qualname, {}).get(name or "")
            if chain is not None:
                return target, chain
        return None
