"""BR402's fix when the swallowed failure is an expected one.

`except Exception: pass` around `d["username"]`, `content.decode()`, or a body that raises
its own `OAuthToolkitError` drops an outcome the code expects (a missing key, an undecodable
body, an invalid token): logging a traceback there would log one for every expected miss.
The fix that keeps the intent is to catch only what is expected, so anything else reaches
the framework's error handler instead of disappearing:

    try:                                   try:
        x = d["k"]                 ->          x = d["k"]
    except Exception:                      except KeyError:
        pass                                   pass

Only what the try body shows is named (a subscript, a decode, a conversion, a raise of a
named type, an ORM `.get()`, a shared library loaded with ctypes); a body that only calls a
check (`assert_permissions(...)`) or answers a conflict when a lookup succeeds gets words.
"""

from __future__ import annotations

import ast
import builtins
import re

from ..astutil import TRY_NODES, nodes_within
from ..context import FileContext
from ..model import Edit, Fix

# Broad types: a raise of one of these names no expected failure.
_BROAD = frozenset({"Exception", "BaseException"})
# `assert_permissions(...)`, `check_access(...)`: a call whose job is to raise when refused.
_CHECK_CALL = re.compile(r"^(?:assert|check|validate|verify|ensure)_[a-z0-9_]+$")
_CONVERSIONS = frozenset({"int", "float"})
# Loading a shared library: OSError when it is absent (and AttributeError for a symbol it lacks).
_CDLL = frozenset({"ctypes.CDLL", "ctypes.cdll.LoadLibrary"})


def _name(node: ast.AST) -> str:
    return node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")


def _caught_before(try_stmt: ast.Try, handler: ast.ExceptHandler) -> set[str]:
    """The type names the handlers above `handler` catch (their raises never reach it)."""
    names: set[str] = set()
    for other in try_stmt.handlers:
        if other is handler:
            break
        if other.type is not None:
            kinds = other.type.elts if isinstance(other.type, ast.Tuple) else [other.type]
            names |= {_name(k) for k in kinds}
    return names


def _expected(ctx: FileContext, try_stmt: ast.Try, handler: ast.ExceptHandler
              ) -> list[tuple[str, str]]:
    """(exception type as written, what raises it) for each failure the try body shows it
    expects, in source order, one per type."""
    before = _caught_before(try_stmt, handler)
    # what raises inside a nested try is that try's to answer first (its handlers)
    guards: dict[int, list[list[ast.ExceptHandler]]] = {}
    for node in nodes_within(try_stmt.body):
        if isinstance(node, TRY_NODES) and node.handlers:
            for inner in nodes_within(node.body):
                guards.setdefault(id(inner), []).append(node.handlers)
    found: dict[str, str] = {}
    for node in nodes_within(try_stmt.body):
        kind = what = None
        if isinstance(node, ast.Raise) and node.exc is not None:
            exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if isinstance(exc, ast.Name | ast.Attribute) and _name(exc) not in _BROAD | before \
                    and _name(exc)[:1].isupper():
                kind, what = ctx.source(exc), f"the `raise` on line {node.lineno}"
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and \
                isinstance(node.slice, ast.Constant):
            value = node.slice.value
            if isinstance(value, str):
                kind = "KeyError"
            elif isinstance(value, int) and not isinstance(value, bool):
                # an int key of a dict the function builds misses with KeyError
                kind = "KeyError" if _a_dict(ctx, node.value) else "IndexError"
            what = f"`{ctx.source(node)[:60]}` (line {node.lineno})"
        elif isinstance(node, ast.Import | ast.ImportFrom):
            kind, what = "ImportError", f"the import on line {node.lineno}"
        elif isinstance(node, ast.Call):
            kind, what = _call_failure(ctx, node)
        if kind and what and kind not in found and _name(ast.parse(kind, mode="eval").body) \
                not in before and not any(_may_catch(h, kind) for handlers in
                                          guards.get(id(node), []) for h in handlers):
            found[kind] = what
    return list(found.items())


def _may_catch(handler: ast.ExceptHandler, kind: str) -> bool:
    """Whether `handler` of a nested try may catch `kind` before the handler under review
    sees it: a bare or broad one, the type itself, or a builtin base of a builtin type; a
    type whose hierarchy is not at hand (a project's, `Model.DoesNotExist`) may."""
    if handler.type is None:
        return True
    raised = getattr(builtins, kind, None)
    for caught in handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]:
        name = _name(caught)
        if name in _BROAD or name == kind.rsplit(".", 1)[-1]:
            return True
        base = getattr(builtins, name, None) if isinstance(caught, ast.Name) else None
        if not (isinstance(raised, type) and isinstance(base, type)):
            return True  # a hierarchy we cannot see: it may
        if issubclass(raised, base):
            return True
    return False


def _a_dict(ctx: FileContext, value: ast.expr) -> bool:
    """Whether `value` is a dict by what binds it: a dict display or comprehension, or a
    name every binding of which (in the scope Python resolves it in) assigns one."""
    if isinstance(value, ast.Dict | ast.DictComp):
        return True
    if not isinstance(value, ast.Name):
        return False
    _, bindings = ctx.semantic.lookup(value.id, value)
    return bool(bindings) and all(
        b.kind in ("assign", "annassign") and isinstance(b.value, ast.Dict | ast.DictComp)
        for b in bindings)


def _call_failure(ctx: FileContext, call: ast.Call) -> tuple[str | None, str | None]:
    func = call.func
    where = f"`{ctx.source(call)[:60]}` (line {call.lineno})"
    qualified = ctx.qualified_name(func) or ""
    if qualified in _CDLL:
        return "OSError", where
    if isinstance(func, ast.Attribute):
        if isinstance(func.value, ast.Call) and ctx.qualified_name(func.value.func) in _CDLL:
            return "AttributeError", f"`{ctx.source(func)[:60]}` (line {call.lineno}, a " \
                                     f"symbol the library may not have)"
        if func.attr == "decode" and _codec_arguments(call):
            return "UnicodeDecodeError", where
        if func.attr == "encode" and _codec_arguments(call):
            return "UnicodeEncodeError", where
        if func.attr == "get" and isinstance(func.value, ast.Attribute) and \
                func.value.attr == "objects" and isinstance(func.value.value,
                                                            ast.Name | ast.Attribute):
            # Django: `Model.objects.get(...)` raises `Model.DoesNotExist` when nothing matches
            return f"{ctx.source(func.value.value)}.DoesNotExist", where
    if qualified in ("json.loads", "json.load"):
        return "ValueError", where
    if isinstance(func, ast.Name) and func.id in _CONVERSIONS and \
            (ctx.qualified_name(func) or func.id) in (func.id, f"builtins.{func.id}"):
        return "ValueError", where
    return None, None


def _codec_arguments(call: ast.Call) -> bool:
    """Whether the call's arguments fit bytes.decode / str.encode: at most an encoding and an
    error scheme, written as text. A runtime argument (`codec.decode(text)`, `jwt.decode(token,
    key)`) says it is some other decode, with failures of its own."""
    values = [*call.args, *(k.value for k in call.keywords)]
    return len(call.args) <= 2 and all(k.arg in ("encoding", "errors") for k in call.keywords) \
        and all(isinstance(v, ast.Constant) and isinstance(v.value, str) for v in values)


def _check_call(try_stmt: ast.Try) -> ast.Call | None:
    for node in nodes_within(try_stmt.body):
        if isinstance(node, ast.Call) and _CHECK_CALL.match(_name(node.func)):
            return node
    return None


def _conflict_on_success(ctx: FileContext, try_stmt: ast.Try, handler: ast.ExceptHandler
                         ) -> tuple[ast.stmt, ast.Raise] | None:
    """`lookup(name); raise HTTPException(409, ...)` with `except HTTPException: raise` above
    the broad one: the body answers an error when the lookup succeeds, so the lookup failing
    (nothing found) is the path the code expects."""
    before = _caught_before(try_stmt, handler)
    body = try_stmt.body
    if len(body) < 2 or not isinstance(body[-1], ast.Raise) or body[-1].exc is None:
        return None
    exc = body[-1].exc.func if isinstance(body[-1].exc, ast.Call) else body[-1].exc
    if _name(exc) not in before:
        return None
    lookup = next((s for s in reversed(body[:-1]) if isinstance(s, ast.Expr | ast.Assign)
                   and isinstance(getattr(s, "value", None), ast.Call | ast.Await)), None)
    return (lookup, body[-1]) if lookup is not None else None


def _inside_broad_try(ctx: FileContext, try_stmt: ast.Try) -> bool:
    """Whether an enclosing try of the same function catches everything around `try_stmt`
    (feast's metrics.py:472): what a narrower except lets through lands in that handler,
    not in the framework's, so narrowing would not make the failure visible."""
    node: ast.AST | None = ctx.semantic.parent(try_stmt)
    child: ast.AST = try_stmt
    while node is not None and not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef
                                                  | ast.Lambda | ast.ClassDef):
        if isinstance(node, ast.Try) and child in node.body and any(
                h.type is None or _name(h.type) in _BROAD for h in node.handlers):
            return True
        child, node = node, ctx.semantic.parent(node)
    return False


def expected_failure_fix(ctx: FileContext, handler: ast.ExceptHandler) -> Fix | None:
    """The fix for a handler that drops an expected failure, or None when the try body shows
    none (then logging it is the fix)."""
    try_stmt = ctx.semantic.parent(handler)
    if not isinstance(try_stmt, ast.Try) or _inside_broad_try(ctx, try_stmt):
        return None
    expected = _expected(ctx, try_stmt, handler)
    if expected:
        kinds = [k for k, _ in expected]
        written = kinds[0] if len(kinds) == 1 else f"({', '.join(kinds)})"
        why = "; ".join(f"`{k}` from {w}" for k, w in expected)
        keep = ("so anything else reaches the framework's error handler (logged, a 500) "
                "instead of disappearing; a traceback logged for every expected miss would "
                "only flood the log.")
        if handler.type is None:
            return Fix(f"The failure this `except:` drops is expected here ({why}): write "
                       f"`except {written}:` to keep the silence for that only, {keep}")
        return Fix(f"The failure this except drops is expected here ({why}): catch only "
                   f"`{written}` and keep the silence for it, {keep}", written,
                   edits=(Edit(ctx.span_of(handler.type), written),), safe=False)
    check = _check_call(try_stmt)
    if check is not None:
        name = _name(check.func)
        return Fix(f"The try body calls `{name}` (line {check.lineno}), a check whose refusal "
                   f"this except drops on purpose: catch only the exception `{name}` raises to "
                   f"refuse, so anything else reaches the framework's error handler (logged, a "
                   f"500) instead of disappearing; a traceback logged for every refusal would "
                   f"only flood the log.")
    conflict = _conflict_on_success(ctx, try_stmt, handler)
    if conflict is not None:
        lookup, raised = conflict
        return Fix(f"The try body answers an error (line {raised.lineno}) when "
                   f"`{ctx.source(lookup)[:60]}` (line {lookup.lineno}) succeeds, so that call "
                   f"failing (nothing found) is the expected path: catch only the not-found "
                   f"exception it raises, so any other failure reaches the framework's error "
                   f"handler instead of disappearing; a traceback logged for every expected "
                   f"miss would only flood the log.")
    return None
