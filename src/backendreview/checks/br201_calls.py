"""BR201 across calls: a plaintext password handed to a project function that stores it,
looks rows up by it or compares it with a stored password.

A helper's password parameter is not reported in the helper itself (callers often hand it
a hash), so the file half of BR201 records, per function, what it does with each parameter
(`PasswordUse`: the ORM write, the lookup, the SQL, the comparison) and which parameters it
hands on to another call (`PasswordForward`); and every call that passes a plaintext
password the request carried (`PasswordToHelper`). The project phase solves the uses over
the program model's call graph (at most MAX_DEPTH calls) and reports at the call, naming
every step: `save_user` (views.py:20) calls `save_user` (accounts.py:8), which stores it by
`Login.objects.create()` (accounts.py:9).
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import PurePath

from ..analysis.program import ProgramModel, callee_of, short_name
from ..analysis.program.facts import Callee, CallSite, FunctionInfo
from ..analysis.program.model import MAX_DEPTH, Step
from ..analysis.program.sqlflow import parameter_for
from ..context import FileContext
from ..model import Finding, Related, Span

USES = "br201_param_uses"
FORWARDS = "br201_param_forwards"
CALLS = "br201_password_calls"

STORES = "stores"
LOOKS_UP = "looks rows up by"
COMPARES = "compares"


@dataclass(frozen=True)
class PasswordUse:
    """Parameter `param` of the function defined at `path:line` reaches a password sink."""

    path: str
    line: int
    param: str
    use_line: int
    kind: str  # STORES | LOOKS_UP | COMPARES
    detail: str  # the sink as written: `Login.objects.create()`, `== user.password`
    reported: bool = False  # the function's own finding already names it (a raw handler)
    model_ref: str | None = None  # STORES on a model: the class, whose hashing clears it
    attr: str = "password"
    constructor: bool = False
    through_instance: bool = False


@dataclass(frozen=True)
class PasswordForward:
    """A call that hands parameter `param` of its function on, as argument `key`."""

    path: str
    line: int
    param: str
    key: str  # position digits or keyword
    callee: Callee
    span: Span
    text: str


@dataclass(frozen=True)
class PasswordToHelper:
    """A call passing a plaintext password (`origin`) as argument `key` to a function."""

    finding: Finding  # at the call; message and related steps are set once resolved
    owner: int  # def line of the calling function (0: module level)
    key: str
    origin: str
    callee: Callee
    text: str


@dataclass(frozen=True)
class _Chain:
    use: PasswordUse
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


class PasswordFlow:
    """Records one file's facts for the cross-call half of BR201."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx

    def use(self, value: ast.AST, at: ast.AST, kind: str, detail: str, *,
            reported: bool = False, model_ref: str | None = None, attr: str = "password",
            constructor: bool = False, through_instance: bool = False) -> None:
        found = parameter_of(self.ctx, value)
        if found is None:
            return
        func, param = found
        self.ctx.emit_fact(USES, PasswordUse(
            self.ctx.path, func.lineno, param, getattr(at, "lineno", func.lineno), kind,
            detail, reported, model_ref, attr, constructor, through_instance))

    def call(self, call: ast.Call, plaintext: Callable[[ast.expr], str | None],
             finding: Callable[[ast.Call], Finding]) -> None:
        """Parameters handed on by `call`, and plaintext passwords passed to it."""
        args = [(str(i), a) for i, a in enumerate(call.args) if not isinstance(a, ast.Starred)]
        args += [(k.arg, k.value) for k in call.keywords if k.arg]
        callee: Callee | None = None
        for key, arg in args:
            origin = plaintext(arg)
            param = parameter_of(self.ctx, arg) if origin is None else None
            if origin is None and param is None:
                continue
            if callee is None:
                callee = callee_of(self.ctx, call)
                if callee is None:
                    return
            text = self.ctx.source(call.func)
            if param is not None:
                func, name = param
                self.ctx.emit_fact(FORWARDS, PasswordForward(
                    self.ctx.path, func.lineno, name, key, callee, self.ctx.span_of(call),
                    text))
            elif origin is not None:
                owner = self.ctx.semantic.enclosing_function(call)
                self.ctx.emit_fact(CALLS, PasswordToHelper(
                    finding(call), owner.lineno if owner is not None and not isinstance(
                        owner, ast.Lambda) else 0, key, origin, callee, text))


class PasswordSummaries:
    """Which parameters each project function stores, looks rows up by or compares, through
    the functions it hands them to."""

    def __init__(self, model: ProgramModel, uses: list[PasswordUse],
                 forwards: list[PasswordForward]) -> None:
        self.model = model
        self.solved: dict[str, dict[str, _Chain]] = {}
        for use in uses:
            fn = model.function_at(use.path, use.line)
            if fn is not None:
                self.solved.setdefault(fn.qualname, {}).setdefault(use.param, _Chain(use))
        by_function: dict[str, list[PasswordForward]] = {}
        for forward in forwards:
            fn = model.function_at(forward.path, forward.line)
            if fn is not None:
                by_function.setdefault(fn.qualname, []).append(forward)
        for _ in range(MAX_DEPTH):
            changed = False
            for qualname in sorted(by_function):
                fn = model.functions[qualname]
                for forward in by_function[qualname]:
                    mine = self.solved.setdefault(qualname, {})
                    if forward.param in mine:
                        continue
                    chain = self.reached(fn, forward.callee, forward.key)
                    if chain is not None and len(chain[1].via) < MAX_DEPTH:
                        target, found = chain
                        mine[forward.param] = _Chain(found.use, (
                            _step(fn, forward.span, forward.text, target), *found.via))
                        changed = True
            if not changed:
                break

    def reached(self, caller: FunctionInfo | None, callee: Callee, key: str
                ) -> tuple[FunctionInfo, _Chain] | None:
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


def _step(fn: FunctionInfo, span: Span, text: str, target: FunctionInfo) -> Step:
    return Step(fn.path, span.start_line, span.start_col - 1, span.end_line,
                span.end_col - 1, text, target.qualname, target.path, target.line)


def _where(path: str, line: int) -> str:
    return f"{PurePath(path).name}:{line}"


def check_calls(model: ProgramModel, facts: dict[str, list],  # type: ignore[type-arg]
                hashed: Callable[[PasswordUse], bool]) -> list[Finding]:
    """The findings at calls that hand a plaintext password to a function that stores,
    looks up or compares it (not when the model it is stored on hashes it: `hashed`)."""
    candidates: list[PasswordToHelper] = facts.get(CALLS, [])
    if not candidates:
        return []
    summaries = PasswordSummaries(model, facts.get(USES, []), facts.get(FORWARDS, []))
    out: list[Finding] = []
    for item in candidates:
        caller = model.function_at(item.finding.path, item.owner) if item.owner else None
        found = summaries.reached(caller, item.callee, item.key)
        if found is None:
            continue
        target, chain = found
        use = chain.use
        if use.reported or hashed(use):
            continue  # the helper's own finding names it, or its model hashes the value
        span = item.finding.span
        first = Step(item.finding.path, span.start_line, span.start_col - 1, span.end_line,
                     span.end_col - 1, item.text, target.qualname, target.path, target.line)
        steps = (first, *chain.via)
        parts = [f"`{short_name(first.callee, first.callee_path)}` "
                 f"({_where(first.callee_path, first.callee_line)})"]
        parts += [f"which calls `{short_name(s.callee, s.callee_path)}` "
                  f"({_where(s.callee_path, s.callee_line)})" for s in chain.via]
        sink_path = steps[-1].callee_path
        where = _where(sink_path, use.use_line)
        parts.append({
            STORES: f"which stores it by `{use.detail}` ({where}) without a password hash",
            LOOKS_UP: f"which looks rows up by it in `{use.detail}` ({where}): the password "
                      f"column holds plaintext; look the user up by name and verify the "
                      f"password against its hash",
            COMPARES: f"which compares it {use.detail} ({where}): passwords must be stored "
                      f"hashed and checked with the hasher's verify function"}[use.kind])
        message = f"plaintext password ({item.origin}) is handed to {', '.join(parts)}"
        related = tuple(
            Related(Span(s.line, s.col + 1, s.end_line, s.end_col + 1),
                    f"calls {short_name(s.callee, s.callee_path)}", s.path) for s in steps)
        related += (Related(Span(use.use_line, 1, use.use_line, 2),
                            f"{use.kind} the password: {use.detail}", sink_path),)
        out.append(replace(item.finding, message=message, related=related))
    return out
