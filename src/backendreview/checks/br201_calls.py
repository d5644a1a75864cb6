"""BR201 across calls: a plaintext password handed to a project function that stores it,
looks rows up by it or compares it with a stored password.

A helper's password parameter is not reported in the helper itself (callers often hand it
a hash), so the file half of BR201 records, per function, what it does with each parameter
(`PasswordUse`: the ORM write, the lookup, the SQL, the comparison) and which parameters it
hands on to another call (`HandOn`, analysis/program/paramflow.py); and every call that
passes a plaintext password the request carried (`PasswordToHelper`). The project phase
solves the uses over the program model's call graph (at most MAX_DEPTH calls) and reports
at the call, naming every step: "is handed to `save_user` (accounts.py:8), which stores it
by `Login.objects.create()` (accounts.py:9) without a password hash".
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from ..analysis.program import ProgramModel, callee_of
from ..analysis.program.facts import Callee
from ..analysis.program.paramflow import HandOn, ParamSolver, explain_chain, parameter_of
from ..context import FileContext
from ..model import Finding, Fix

USES = "br201_param_uses"
FORWARDS = "br201_param_forwards"
CALLS = "br201_password_calls"

# A parameter that may carry a password on its way to a helper (`secret`, `pw`, `passwd`).
_SECRET_PARAM = re.compile(r"pass|pwd|^pw$|secret|credential|passphrase|kennwort", re.I)
# What every name _SECRET_PARAM accepts contains, lower-cased ("pwd" and "pw" show "pw").
_SECRET_MARKS = ("pass", "pw", "secret", "credential", "kennwort")

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
class PasswordToHelper:
    """A call passing a plaintext password (`origin`) as argument `key` to a function."""

    finding: Finding  # at the call; message and related steps are set once resolved
    owner: int  # def line of the calling function (0: module level)
    key: str
    origin: str
    callee: Callee
    text: str


def secret_names(ctx: FileContext) -> frozenset[str]:
    """The names of the file that `PasswordFlow.call` would follow on as a secret parameter
    (most files have none)."""
    text = ctx.text
    if text.isascii():
        # An ASCII file spells its names as the parser reads them: one that _SECRET_PARAM
        # accepts shows one of these marks (lower-cased) in the text.
        lowered = text.lower()
        if not any(mark in lowered for mark in _SECRET_MARKS):
            return frozenset()
    names = {node.id for node in ctx.semantic.nodes if type(node) is ast.Name}
    return frozenset(name for name in names if _SECRET_PARAM.search(name))


def hands_on_secret_name(call: ast.Call, names: frozenset[str]) -> bool:
    """Whether `call` passes one of `names` (see secret_names) as an argument."""
    return any(isinstance(a, ast.Name) and a.id in names for a in call.args) or \
        any(k.arg and isinstance(k.value, ast.Name) and k.value.id in names
            for k in call.keywords)


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
            # Only parameters named for a secret are followed on: handing every parameter
            # of every function on would record most calls of a project.
            param = parameter_of(self.ctx, arg) if origin is None and isinstance(
                arg, ast.Name) and _SECRET_PARAM.search(arg.id) else None
            if origin is None and param is None:
                continue
            if callee is None:
                callee = callee_of(self.ctx, call)
                if callee is None:
                    return
            text = self.ctx.source(call.func)
            if param is not None:
                func, name = param
                self.ctx.emit_fact(FORWARDS, HandOn(
                    self.ctx.path, func.lineno, name, key, callee, self.ctx.span_of(call),
                    text))
            elif origin is not None:
                owner = self.ctx.semantic.enclosing_function(call)
                self.ctx.emit_fact(CALLS, PasswordToHelper(
                    finding(call), owner.lineno if owner is not None and not isinstance(
                        owner, ast.Lambda) else 0, key, origin, callee, text))


def check_calls(model: ProgramModel, facts: dict[str, list],  # type: ignore[type-arg]
                hashed: Callable[[PasswordUse], bool]) -> list[Finding]:
    """The findings at calls that hand a plaintext password to a function that stores,
    looks up or compares it (not when the model it is stored on hashes it: `hashed`)."""
    candidates: list[PasswordToHelper] = facts.get(CALLS, [])
    if not candidates:
        return []
    summaries: ParamSolver[PasswordUse] = ParamSolver(model, facts.get(USES, []),
                                                      facts.get(FORWARDS, []))
    out: list[Finding] = []
    for item in candidates:
        found = summaries.reached_from(item.finding.path, item.owner, item.callee, item.key)
        if found is None:
            continue
        target, chain = found
        use = chain.use
        if use.reported or hashed(use):
            continue  # the helper's own finding names it, or its model hashes the value
        what = {
            STORES: f"stores it by `{use.detail}`",
            LOOKS_UP: f"looks rows up by it in `{use.detail}`",
            COMPARES: f"compares it {use.detail}"}[use.kind]
        words, related = explain_chain(item.finding.path, item.finding.span, item.text,
                                       target, chain, use.use_line, what,
                                       f"{use.kind} the password: {use.detail}")
        tail = {STORES: " without a password hash",
                LOOKS_UP: ": the password column holds plaintext; look the user up by name "
                          "and verify the password against its hash",
                COMPARES: ": passwords must be stored hashed and checked with the hasher's "
                          "verify function"}[use.kind]
        message = f"plaintext password ({item.origin}) is handed to {words}{tail}"
        fix = item.finding.fix
        if use.kind != STORES:
            # Hashing before the call would not help a lookup or a compare: a salted hash
            # of the typed password never equals the stored one. The helper has to fetch
            # the row by identifier and verify.
            instead = (f"comparing it {use.detail}" if use.kind == COMPARES
                       else f"looking rows up by it in `{use.detail}`")
            fix = Fix(f"Store password hashes, and let the helper look the user up by "
                      f"identifier and check the password with the hasher's verify function "
                      f"instead of {instead} (hashing before this call would never match a "
                      f"salted hash).")
        out.append(replace(item.finding, message=message, related=related, fix=fix))
    return out
