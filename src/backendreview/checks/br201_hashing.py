"""BR201 across calls, the other way round: a function that hashes its parameter.

A model's password setter seldom calls the hasher itself: keystone's `User.password` setter
calls `password_hashing.hash_password(value)`, others call `self._store(value)` or a
project helper, which calls passlib or bcrypt one or two calls down. The file half records,
per function, which parameters reach a password hasher directly (`HashUse`), and, for the
methods that would vouch for a model attribute (a setter, a validator, `__init__`), which
parameters they hand on to another call (`HandOn`); secret-named parameters handed on
anywhere (br201_calls.FORWARDS) carry the value further down. The project phase solves
"hashes parameter k" over the program model's call graph (paramflow.ParamSolver, at most
MAX_DEPTH calls), so a setter counts as hashing when its value reaches a hasher through
calls, never by guessing at a call it cannot resolve.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..analysis.program import ProgramModel, callee_of
from ..analysis.program.paramflow import HandOn, ParamChain, ParamSolver, parameter_of
from ..analysis.values import HASHER_CLASSES, HASHER_FUNCTIONS, ValueTracker, is_password_name

if TYPE_CHECKING:
    from ..context import FileContext

HASH_USES = "br201_hash_uses"
HASH_FORWARDS = "br201_hash_forwards"

# A project helper named for hashing (hash_password, encrypt_password, make_password,
# generate_password_hash, set_password) or a hasher object's method (pwd_context.hash).
HASHING_CALL = re.compile(
    r"^(?:(?:get_|make_|generate_|create_)?(?:hash|encrypt|crypt)_?(?:password|pw|pwd)(?:_hash)?"
    r"|(?:make|set|generate)_password(?:_hash)?|hashpw|password_?hash)$", re.IGNORECASE)
# `pwd_context.hash(p)`: as a method only (the builtin `hash()` is no password hasher).
_HASHING_METHODS = frozenset({"hash", "encrypt"})
_RECEIVERS = frozenset({"self", "cls"})


@dataclass(frozen=True)
class HashUse:
    """Parameter `param` of the function defined at `path:line` is hashed at `use_line`."""

    path: str
    line: int
    param: str
    use_line: int
    detail: str  # the hasher as written: `bcrypt.hashpw`, `pwd_context.hash`


def callee_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


# What the text of a file shows, lower-cased, wherever `hashes` can be true in it: every name
# HASHING_CALL and _HASHING_METHODS accept contains "hash", "crypt" or "passw"
# (make_password), and a library's hasher is written with the last part of its qualified
# name (at the call, or in the `from ... import` that binds it).
_HASHER_MARKS = tuple(sorted({"hash", "crypt", "passw"} | {
    name.rsplit(".", 1)[-1].lower() for name in HASHER_FUNCTIONS | HASHER_CLASSES}))


def may_hash(ctx: FileContext) -> bool:
    """False when no code of the file can call a password hasher (exact for ASCII text; a
    non-ASCII file, whose identifiers the parser normalises, always may). Once per file:
    every class's `__init__` and `save` would be walked for one otherwise."""
    found = getattr(ctx, "_may_hash_passwords", None)
    if found is None:
        lowered = ctx.text.lower()
        found = not ctx.text.isascii() or any(mark in lowered for mark in _HASHER_MARKS)
        ctx._may_hash_passwords = found  # type: ignore[attr-defined]
    return found


def is_hashing_call(values: ValueTracker, node: ast.AST) -> bool:
    """A call of a password hasher: a library's, a hasher object's, or one named for it."""
    return isinstance(node, ast.Call) and (
        values.is_hasher_call(node) or bool(HASHING_CALL.match(callee_name(node)))
        or (isinstance(node.func, ast.Attribute) and node.func.attr in _HASHING_METHODS))


def hashes(values: ValueTracker, node: ast.AST) -> bool:
    """The code under `node` calls a password hasher (a library's, or one named for it)."""
    ctx = values.ctx
    if not may_hash(ctx):
        return False
    candidates = _hashing_candidates(ctx)
    semantic = ctx.semantic
    if candidates is None or semantic.parent(node) is None:
        # Every call may be a hasher's, or `node` is not in the file's tree (a call built
        # for the question, the module itself): its nodes are walked.
        return any(is_hashing_call(values, n) for n in ast.walk(node))
    # The calls that can be a hasher's, and under `node`: those it has among its ancestors.
    return any((call is node or any(a is node for a in semantic.ancestors(call)))
               and is_hashing_call(values, call) for call in candidates)


# The names a call of a password hasher can be written with, besides those HASHING_CALL
# accepts: a hasher object's methods (is_hasher_call, _HASHING_METHODS) and the last part of
# a library hasher's qualified name (`bcrypt.hashpw(...)`, `hashers.make_password(...)`).
_HASHER_WRITTEN = frozenset({"hash", "encrypt", "make"} | {
    name.rsplit(".", 1)[-1] for name in HASHER_FUNCTIONS})


def record_hash_uses(ctx: FileContext, values: ValueTracker) -> None:
    """record_hash_use for each call of the file that can be a hasher's, in walk order.

    Read from the semantic model's calls by written callee name, not from every call: a
    call of a library hasher written with an attribute ends with the hasher's own name;
    one written with a bare name is the hasher's only through an import binding it by its
    qualified name (the file's imported modules then list that name), in which case
    every call is asked, as before."""
    if not may_hash(ctx):
        return
    candidates = _hashing_candidates(ctx)
    for call in ctx.semantic.calls if candidates is None else candidates:
        record_hash_use(ctx, values, call)


def _hashing_candidates(ctx: FileContext) -> list[ast.Call] | None:
    """The calls of the file that can be a password hasher's (is_hashing_call), in walk
    order; None when any call can (a hasher imported by its own name). Once per file."""
    found: list[ast.Call] | bool | None = getattr(ctx, "_hashing_candidates", False)
    if found is False:
        semantic = ctx.semantic
        if any(name in semantic.imported_modules for name in HASHER_FUNCTIONS):
            found = None
        else:
            found = semantic.calls_named(
                name for name in semantic.callee_names()
                if name in _HASHER_WRITTEN or HASHING_CALL.match(name))
        ctx._hashing_candidates = found  # type: ignore[attr-defined]
    return found  # type: ignore[return-value]


def record_hash_use(ctx: FileContext, values: ValueTracker, call: ast.Call) -> None:
    """`bcrypt.hashpw(raw.encode(), salt)` in `def encode(raw)`: `encode` hashes `raw`."""
    if not may_hash(ctx) or not is_hashing_call(values, call):
        return
    seen: set[str] = set()
    for arg in [*call.args, *(k.value for k in call.keywords)]:
        for name in ast.walk(arg):
            found = parameter_of(ctx, name) if isinstance(name, ast.Name) else None
            if found is None or found[1] in seen or found[1] in _RECEIVERS:
                continue
            seen.add(found[1])
            func, param = found
            ctx.emit_fact(HASH_USES, HashUse(ctx.path, func.lineno, param, call.lineno,
                                             ctx.source(call.func)))


def record_hand_ons(ctx: FileContext, method: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """The parameters a vouching method (a setter, a validator, `__init__`) hands on to
    other calls, and the instance's password attributes (`save()`: `self.password =
    encode(self.password)`), for the project phase to follow to a hasher; whether it hands
    any on."""
    handed = False
    for call in ast.walk(method):
        if not isinstance(call, ast.Call) or ctx.semantic.enclosing_function(call) is not method:
            continue
        # Positions after a `*args` are unknown: only the arguments before it count.
        starred = next((i for i, a in enumerate(call.args) if isinstance(a, ast.Starred)),
                       len(call.args))
        args = [(str(i), a) for i, a in enumerate(call.args[:starred])]
        args += [(k.arg, k.value) for k in call.keywords if k.arg]
        callee = None
        for key, arg in args:
            label = _handed_value(ctx, arg)
            if label is None:
                continue
            callee = callee or callee_of(ctx, call)
            if callee is None:
                break
            ctx.emit_fact(HASH_FORWARDS, HandOn(ctx.path, method.lineno, label, key, callee,
                                                ctx.span_of(call), ctx.source(call.func)))
            handed = True
    return handed


def _handed_value(ctx: FileContext, arg: ast.expr) -> str | None:
    """A parameter (not the receiver), or `self.<password attribute>`, as its label."""
    if isinstance(arg, ast.Attribute) and isinstance(arg.value, ast.Name) and (
            arg.value.id == "self") and is_password_name(arg.attr):
        return f"self.{arg.attr}"
    found = parameter_of(ctx, arg) if isinstance(arg, ast.Name) else None
    return found[1] if found is not None and found[1] not in _RECEIVERS else None


class HashingSummaries:
    """Which project functions hash one of their parameters, through the calls they make."""

    def __init__(self, program: ProgramModel, facts: dict[str, list[Any]],
                 forwards: list[HandOn]) -> None:
        self.program = program
        uses: list[HashUse] = facts.get(HASH_USES, [])
        hand_ons = [*facts.get(HASH_FORWARDS, []), *forwards]
        self.solver: ParamSolver[HashUse] | None = ParamSolver(
            program, uses, hand_ons) if uses else None

    def hashing(self, path: str, line: int) -> ParamChain[HashUse] | None:
        """How the function defined at `path:line` hashes a parameter (the first, by
        name), if it does."""
        if self.solver is None:
            return None
        fn = self.program.function_at(path, line)
        if fn is None:
            return None
        solved = self.solver.solved.get(fn.qualname, {})
        return next((solved[p] for p in sorted(solved) if p not in _RECEIVERS), None)
