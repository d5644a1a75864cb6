"""Values whose text cannot carry SQL: what BR101 may splice into a statement unbound.

`inert_text(ctx, expr)` names why the printed form of `expr` holds no quote, comment or
statement separator whoever chose the value, or returns "":

- a number (`int(x)`, `len(rows)`, arithmetic, `next()` of an `itertools.count()`) or a
  model instance's primary key (`obj.pk`,
  an integer or a UUID in the models that carry one);
- a timestamp the code takes itself (`timezone.now()`, `datetime.utcnow()`, `time.time()`):
  digits, dashes, colons, dots, a space and a `+`;
- text reduced to an allowlist of word characters (`re.sub(r"[^A-Za-z0-9_]", "_", name)`),
  the usual identifier sanitiser: whitespace stripping or a blacklist of some characters is
  not one;
- `str(...)`, `.lower()` and the like of any of these, and a local bound only to them;
- a call of a function of the same file (`safe_name(x)`, `self._graph_name()`) whose every
  return is one of these: a project sanitiser, whatever its argument.

It is a pure function of one file, so the program model records it per call argument
(`CallSite.inert_args`) and the SQL flow solves "every call passes a value that cannot
inject" over the call graph (sqlflow.ParamSummaries.param_origin).
"""

from __future__ import annotations

import ast
import re
import weakref

from ..context import FileContext

_MAX_DEPTH = 6
_NUMBER_CALLS = frozenset({"builtins.int", "builtins.float", "builtins.len", "builtins.abs",
                           "builtins.round", "builtins.bool", "builtins.ord", "builtins.hash",
                           "builtins.id"})
_NUMBER_OPS = (ast.Sub, ast.Div, ast.FloorDiv, ast.Pow, ast.Mod, ast.BitAnd, ast.BitOr,
               ast.BitXor, ast.LShift, ast.RShift)
_CLOCKS = frozenset({"django.utils.timezone.now", "datetime.datetime.now",
                     "datetime.datetime.utcnow", "datetime.date.today", "time.time",
                     "time.monotonic", "time.time_ns", "time.perf_counter"})
# Methods that keep a text's characters within the set they started in.
_SAME_CHARSET = frozenset({"lower", "upper", "strip", "lstrip", "rstrip", "casefold",
                           "title", "capitalize"})
# One character class that excludes everything outside [A-Za-z0-9_] (`[^a-zA-Z0-9_]`,
# `[^\w]`, `\W`), optionally repeated: what it replaces leaves only word characters.
_ALLOWLIST_CLASS = re.compile(r"^(?:\[\^(?P<members>(?:a-z|A-Z|0-9|_|\\w|\\d)+)\]|\\W)"
                              r"(?:\+|\*|\{\d+(?:,\d*)?\})?$")
_WORD_TEXT = re.compile(r"^\w*$")
_CHOICES = frozenset({"random.choice", "secrets.choice"})
# The `string` module's alphabets of word characters.
_WORD_ALPHABETS = frozenset({"string.ascii_lowercase", "string.ascii_uppercase",
                             "string.ascii_letters", "string.digits", "string.hexdigits",
                             "string.octdigits"})
_LITERAL = "literal word text"


# One memo per depth: the answer for a node depends on the depth it is asked at (the
# _MAX_DEPTH cut-off), and the same node is asked again through every binding and every
# `self.x = ...` write that leads to it. Without it the question fans out exponentially:
# netbox 4.7.3's extras/tests/test_event_rules.py (1,974 lines, 0.014 s to parse) made
# 56.7 million calls for 730 call sites, 29 CPU s, half of netbox's `--select ALL` run.
_MEMO_KINDS = tuple(f"inert_text:{depth}" for depth in range(_MAX_DEPTH + 1))


def inert_text(ctx: FileContext, value: ast.expr, depth: int = 0) -> str:
    """Why the printed `value` cannot carry SQL text, or "" (see the module docstring)."""
    if depth > _MAX_DEPTH:
        return ""
    return ctx.memo(_MEMO_KINDS[depth], value, lambda: _inert_text(ctx, value, depth))


def _inert_text(ctx: FileContext, value: ast.expr, depth: int) -> str:
    if isinstance(value, ast.Constant):
        if isinstance(value.value, str):
            return _LITERAL if _WORD_TEXT.match(value.value) else ""
        return "a number, which cannot carry SQL text" if isinstance(
            value.value, int | float) and not isinstance(value.value, bool) else ""
    if isinstance(value, ast.Attribute) and value.attr == "pk":
        return "a model instance's primary key, a number (or UUID) that cannot carry SQL text"
    if isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name) and (
            value.value.id in ("self", "cls")):
        return _own_attribute(ctx, value, depth)
    if isinstance(value, ast.UnaryOp) and isinstance(value.op, ast.USub | ast.UAdd):
        return inert_text(ctx, value.operand, depth + 1)
    if isinstance(value, ast.BinOp):
        return _arithmetic(ctx, value, depth)
    if isinstance(value, ast.JoinedStr):
        return _joined(ctx, value, depth)
    if isinstance(value, ast.Call):
        return _call(ctx, value, depth)
    if isinstance(value, ast.Name):
        bindings = ctx.reaching_bindings(value)
        if not bindings or not all(b.kind in ("assign", "annassign") and b.value is not None
                                   and b.value is not value for b in bindings):
            return ""
        reasons = [inert_text(ctx, b.value, depth + 1) for b in bindings]
        return reasons[0] if all(reasons) else ""
    return ""


# Per file tree: attribute name -> its writes, each as (the class whose method writes
# `self.name`, or None for a write on another object or a class-body default's class;
# the value, or None when it is not one expression: `+=`, an unpacking, a `setattr`).
_Write = tuple[ast.ClassDef | None, ast.expr | None]
_WRITES: weakref.WeakKeyDictionary[ast.Module, dict[str, list[_Write]]] = (
    weakref.WeakKeyDictionary())


def _attribute_writes(ctx: FileContext) -> dict[str, list[_Write]]:
    found = _WRITES.get(ctx.tree)
    if found is not None:
        return found
    found = {}
    for node in ast.walk(ctx.tree):
        if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            single = isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None
            for target in targets:
                for part in ast.walk(target):
                    if not isinstance(part, ast.Attribute):
                        continue
                    own = isinstance(part.value, ast.Name) and part.value.id in ("self", "cls")
                    cls = ctx.semantic.enclosing_class(part) if own else None
                    value = node.value if part is target and single else None
                    found.setdefault(part.attr, []).append((cls, value))
        elif isinstance(node, ast.ClassDef):
            for stmt in node.body:  # a class attribute: the default the instances read
                if isinstance(stmt, ast.Assign | ast.AnnAssign):
                    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                    for target in targets:
                        if isinstance(target, ast.Name):
                            found.setdefault(target.id, []).append((node, stmt.value))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and (
                node.func.id == "setattr") and len(node.args) > 1:
            name = node.args[1]
            key = name.value if isinstance(name, ast.Constant) and isinstance(
                name.value, str) else "*"  # setattr(obj, name, ...) may write anything
            found.setdefault(key, []).append((None, None))
    _WRITES[ctx.tree] = found
    return found


def _related(one: ast.ClassDef, other: ast.ClassDef) -> bool:
    """The same class, or one names the other as a direct base."""
    def bases(cls: ast.ClassDef) -> set[str]:
        return {b.id if isinstance(b, ast.Name) else b.attr for b in cls.bases
                if isinstance(b, ast.Name | ast.Attribute)}
    return one is other or one.name in bases(other) or other.name in bases(one)


def _own_attribute(ctx: FileContext, read: ast.Attribute, depth: int) -> str:
    """`self.graph_name` when every write of it in this file is `self.graph_name = <inert
    value>` (judged where it is written) in the class, a base or a subclass, and a class
    body's default, if any, is inert too: the attribute only ever holds such values. A write
    on another object, an augmented assignment or a `setattr` leaves it unproven; a class of
    the file unrelated to this one has an attribute of its own. Writes from other modules
    are not seen: a class's own state is the class's business."""
    cls = ctx.semantic.enclosing_class(read)
    writes = _attribute_writes(ctx)
    if cls is None or "*" in writes:
        return ""
    values = [v for c, v in writes.get(read.attr, []) if c is None or _related(c, cls)]
    if not values or any(v is None for v in values):
        return ""
    reasons = [inert_text(ctx, v, depth + 1) for v in values if v is not None]
    named = [r for r in reasons if r != _LITERAL]
    if not all(reasons) or not named:
        return ""
    return f"`self.{read.attr}` is only ever set to such a value: {named[0]}"


def _joined(ctx: FileContext, value: ast.JoinedStr, depth: int) -> str:
    """`f"{safe_workspace}_{safe_namespace}"`: inert parts joined by word characters."""
    reasons = []
    for part in value.values:
        if isinstance(part, ast.Constant):
            if not isinstance(part.value, str) or not _WORD_TEXT.match(part.value):
                return ""
        elif isinstance(part, ast.FormattedValue) and part.format_spec is None and (
                part.conversion in (-1, ord("s"))):  # `!r` adds quotes
            reasons.append(inert_text(ctx, part.value, depth + 1))
        else:
            return ""
    named = [r for r in reasons if r != _LITERAL]
    return named[0] if named and all(reasons) else ""


def _counter(ctx: FileContext, value: ast.expr) -> bool:
    """A local bound only to `itertools.count(...)`: what `next()` gives is a number."""
    if not isinstance(value, ast.Name):
        return False
    bindings = ctx.reaching_bindings(value) or ctx.semantic.lookup(value.id, value)[1]
    return bool(bindings) and all(
        b.kind == "assign" and isinstance(b.value, ast.Call)
        and ctx.qualified_name(b.value.func) == "itertools.count" for b in bindings)


def _arithmetic(ctx: FileContext, value: ast.BinOp, depth: int) -> str:
    """`a - 1`, `n // 2`: a number (or an error) when one side is. `/` also joins paths
    (`Path(base) / name`) and `-` takes set differences, so an operator alone proves
    nothing; `+` and `*` also work on text, so both sides must be inert there."""
    left = inert_text(ctx, value.left, depth + 1)
    right = inert_text(ctx, value.right, depth + 1)
    if isinstance(value.op, _NUMBER_OPS) and not isinstance(value.op, ast.Mod):
        return left or right
    if isinstance(value.op, ast.Add | ast.Mult | ast.Mod):
        return left if left and right else ""  # `"%s" % x` is formatting, not arithmetic
    return ""


def _call(ctx: FileContext, call: ast.Call, depth: int) -> str:
    name = ctx.qualified_name(call.func) or ""
    if name in _NUMBER_CALLS:
        return "a number, which cannot carry SQL text"
    if name in _CLOCKS:
        return "a timestamp the code takes itself, whose text holds no quote"
    if name == "builtins.str" and len(call.args) == 1 and not call.keywords:
        return inert_text(ctx, call.args[0], depth + 1)
    if name == "re.sub":
        return _allowlist_sub(call.args, call.keywords)
    if name == "builtins.next" and len(call.args) == 1 and _counter(ctx, call.args[0]):
        return "a number, which cannot carry SQL text"  # `next(itertools.count())`
    if name in _CHOICES and len(call.args) == 1 and not call.keywords and (
            ctx.qualified_name(call.args[0]) or "") in _WORD_ALPHABETS:
        # `random.choice(string.ascii_lowercase)`: one character of a word alphabet
        return "characters drawn from a fixed alphabet of letters and digits"
    func = call.func
    own = _own_function(ctx, call)
    if own is not None:
        return _returns_inert(ctx, own, depth)
    if isinstance(func, ast.Attribute):
        if func.attr in _SAME_CHARSET and not call.args and not call.keywords:
            return inert_text(ctx, func.value, depth + 1)
        if func.attr == "join" and len(call.args) == 1 and not call.keywords and isinstance(
                func.value, ast.Constant) and isinstance(func.value.value, str) and (
                _WORD_TEXT.match(func.value.value)):
            # `"".join(random.choice(ALPHABET) for _ in range(5))`: inert items joined by
            # word characters
            items = call.args[0]
            if isinstance(items, ast.ListComp | ast.GeneratorExp):
                return inert_text(ctx, items.elt, depth + 1)
        if func.attr == "isoformat" and isinstance(func.value, ast.Call) and (
                ctx.qualified_name(func.value.func) or "") in _CLOCKS:
            return "a timestamp the code takes itself, whose text holds no quote"
    return ""


def word_reduced(call: ast.Call) -> bool:
    """`re.sub(r"[^A-Za-z0-9_]", "_", x)`, maybe `.lower()`ed, read from the syntax alone
    (`re` as the module's usual name): for judging a function's returns without its file."""
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in _SAME_CHARSET and not call.args and (
            isinstance(func.value, ast.Call)):
        return word_reduced(func.value)
    return isinstance(func, ast.Attribute) and func.attr == "sub" and isinstance(
        func.value, ast.Name) and func.value.id == "re" and bool(
        _allowlist_sub(call.args, call.keywords))


def _allowlist_sub(args: list[ast.expr], keywords: list[ast.keyword]) -> str:
    """`re.sub(r"[^A-Za-z0-9_]", "_", text)`: every character outside the allowlist is
    replaced by word characters, so only [A-Za-z0-9_] (or `\\w`) is left."""
    if len(args) < 3 or keywords:
        return ""  # a `count=` or `flags=` may leave characters behind
    pattern, replacement = args[0], args[1]
    if not (isinstance(pattern, ast.Constant) and isinstance(pattern.value, str)
            and isinstance(replacement, ast.Constant) and isinstance(replacement.value, str)):
        return ""
    if not _ALLOWLIST_CLASS.match(pattern.value) or not _WORD_TEXT.match(replacement.value):
        return ""
    return "reduced to word characters ([A-Za-z0-9_]) by `re.sub`, which cannot carry SQL text"


# Functions whose returns are being judged: a recursive call is decided by the other returns.
_JUDGING: set[int] = set()


def _own_function(ctx: FileContext, call: ast.Call
                  ) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The function of this file `call` runs: a module function named directly, or a method
    of the enclosing class called on `self` / `cls`. Decorated functions are left alone (a
    decorator may change what they return)."""
    func = call.func
    found: ast.AST | None = None
    if isinstance(func, ast.Name):
        bindings = ctx.semantic.lookup(func.id, func)[1]
        if len(bindings) == 1 and bindings[0].kind == "def":
            found = bindings[0].node
    elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and (
            func.value.id in ("self", "cls")):
        cls = ctx.semantic.enclosing_class(call)
        methods = [n for n in cls.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
                   and n.name == func.attr] if cls is not None else []
        found = methods[0] if len(methods) == 1 else None
    if isinstance(found, ast.FunctionDef | ast.AsyncFunctionDef) and not found.decorator_list:
        return found
    if isinstance(found, ast.FunctionDef | ast.AsyncFunctionDef) and all(
            isinstance(d, ast.Name) and d.id == "staticmethod" for d in found.decorator_list):
        return found
    return None


def _returns_inert(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef,
                   depth: int) -> str:
    if id(func) in _JUDGING:
        return "assumed"
    returns = ctx.semantic.own_returns(func)
    if not returns or any(r.value is None for r in returns):
        return ""
    _JUDGING.add(id(func))
    try:
        reasons = [inert_text(ctx, r.value, depth + 1) for r in returns if r.value is not None]
    finally:
        _JUDGING.discard(id(func))
    named = [r for r in reasons if r not in ("assumed", _LITERAL)]
    if not all(reasons) or not named:
        return ""
    return f"returned by `{func.name}()`, {named[0]}"
