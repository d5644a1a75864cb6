"""BR401: exception text a handler adds only when a debug setting is on.

`msg = _('Internal server error'); if CONF.debug: msg += ' (%s): %s' % (type(exc), exc)`
answers the fixed message in production and the exception's text only on a server started
with debug on (oslo.config's `debug`, Django's `settings.DEBUG`, Flask's `app.debug` /
`app.config["DEBUG"]`, a module's `DEBUG` constant, `os.environ.get("DEBUG")`). That is a
disclosure only where debug runs exposed (BR210's question), so the rule reports it as a
`note` saying so. A gate on anything the client can set (`request.args.get("debug")`, a
route parameter `debug: bool`) or on something that is no debug flag (`if user.is_staff:`,
`if verbose:`) is no gate: those stay warnings.
"""

from __future__ import annotations

import ast
import re

from ..analysis.handlers import is_logging_call
from ..context import FileContext

# Settings that are off on a production server: `DEBUG`, `debug`, Flask's `TESTING`.
_FLAG_NAMES = frozenset({"debug", "testing"})
# Parts of an expression that say the value comes from the request.
_CLIENT_PARTS = frozenset({"request", "req", "args", "GET", "POST", "form", "query",
                           "query_params", "params", "json", "body", "headers", "cookies",
                           "data", "payload", "values"})

# Objects that live for one request (Flask's and Quart's `g`): a hook may fill their `debug`
# from the query string (`g.debug = request.args.get("debug")`).
_REQUEST_GLOBALS = frozenset({"flask.g", "flask.globals.g", "quart.g", "quart.globals.g"})


def _parameters(func: ast.AST | None) -> set[str]:
    if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
        return set()
    args = func.args
    names = {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]}
    names |= {a.arg for a in (args.vararg, args.kwarg) if a is not None}
    return names - {"self", "cls"}


def _server_side(ctx: FileContext, receiver: ast.AST | None, func: ast.AST | None) -> bool:
    """`receiver` (what holds the flag) is the server's configuration, not the request: no
    part of it names the request or its data, and its root is no parameter of the function
    (a route's `options.debug` is the client's)."""
    node = receiver
    while node is not None:
        if isinstance(node, ast.Attribute | ast.Name) and \
                ctx.qualified_name(node) in _REQUEST_GLOBALS:
            return False
        if isinstance(node, ast.Attribute):
            if node.attr in _CLIENT_PARTS:
                return False
            node = node.value
        elif isinstance(node, ast.Subscript):
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Name):
            return node.id not in _CLIENT_PARTS and node.id not in _parameters(func)
        else:
            return False
    return True


def _flag(ctx: FileContext, test: ast.AST, func: ast.AST | None) -> bool:
    """`test` holds only when a debug setting is on."""
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(
            test.ops[0], ast.Is | ast.Eq) and isinstance(test.comparators[0], ast.Constant) \
            and test.comparators[0].value is True:
        test = test.left  # `settings.DEBUG is True`
    if isinstance(test, ast.BoolOp):
        # `settings.DEBUG and e.args`: holds only with debug on; `DEBUG or TESTING` too.
        parts = [_flag(ctx, v, func) for v in test.values]
        return any(parts) if isinstance(test.op, ast.And) else all(parts)
    if isinstance(test, ast.Call) and isinstance(test.func, ast.Name) and \
            test.func.id == "bool" and len(test.args) == 1:
        test = test.args[0]
    name: str | None = None
    receiver: ast.AST | None = None
    if isinstance(test, ast.Attribute):
        name, receiver = test.attr, test.value  # CONF.debug, settings.DEBUG, app.debug
    elif isinstance(test, ast.Subscript) and isinstance(test.slice, ast.Constant):
        name, receiver = test.slice.value, test.value  # app.config["DEBUG"]
    elif isinstance(test, ast.Call) and test.args and isinstance(test.args[0], ast.Constant):
        qualified = ctx.qualified_name(test.func)
        if qualified == "os.getenv":
            name = test.args[0].value  # os.getenv("DEBUG")
        elif isinstance(test.func, ast.Attribute) and test.func.attr == "get":
            name, receiver = test.args[0].value, test.func.value  # config.get("DEBUG")
    elif isinstance(test, ast.Name):
        # A module constant or an imported setting (`from django.conf.settings import
        # DEBUG`); not a local or a parameter, which may well come from the request.
        scope, bindings = ctx.semantic.lookup(test.id, test)
        if scope is not ctx.semantic.module_scope or not bindings:
            return False
        name = test.id
    if not isinstance(name, str) or name.lower() not in _FLAG_NAMES:
        return False
    return _server_side(ctx, receiver, func)


def _negated_flag(ctx: FileContext, test: ast.AST, func: ast.AST | None) -> bool:
    """`not settings.DEBUG`: holds only with debug off."""
    return isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) and _flag(
        ctx, test.operand, func)


def _exits(body: list[ast.stmt]) -> bool:
    return bool(body) and isinstance(body[-1], ast.Return | ast.Raise)


def debug_gate(ctx: FileContext, node: ast.AST) -> ast.expr | None:
    """The debug flag `node` runs under, within its function: the body of `if FLAG:`, the
    `else` of `if not FLAG:`, the first value of `x if FLAG else y`, or anything after an
    `if not FLAG: return ...` of the same block."""
    func = ctx.semantic.enclosing_function(node)
    child: ast.AST = node
    for anc in ctx.semantic.ancestors(node):
        if isinstance(anc, ast.If | ast.IfExp):
            body = anc.body if isinstance(anc, ast.If) else [anc.body]
            orelse = anc.orelse if isinstance(anc, ast.If) else [anc.orelse]
            if any(child is s for s in body) and _flag(ctx, anc.test, func):
                return anc.test
            if any(child is s for s in orelse) and _negated_flag(ctx, anc.test, func):
                return anc.test.operand  # type: ignore[attr-defined]
        for field in ("body", "orelse", "finalbody"):
            block = getattr(anc, field, None)
            if not isinstance(block, list) or not any(child is s for s in block):
                continue
            for stmt in block:
                if stmt is child:
                    break
                if isinstance(stmt, ast.If) and not stmt.orelse and _exits(stmt.body) and \
                        _negated_flag(ctx, stmt.test, func):
                    return stmt.test.operand  # type: ignore[attr-defined]
        if anc is func:
            return None
        child = anc
    return None


def handler_debug_gate(ctx: FileContext, handler: ast.ExceptHandler,
                       traceback_calls: frozenset[str]) -> ast.expr | None:
    """The debug test under which the handler makes text of the exception, when every use
    of it (outside log calls and `isinstance` tests) and every traceback it formats sits
    under one: in production the handler sends none of it."""
    name = handler.name
    sources: list[ast.AST] = []
    for node in (n for stmt in handler.body for n in ast.walk(stmt)):
        used = isinstance(node, ast.Name) and bool(name) and node.id == name and isinstance(
            node.ctx, ast.Load)
        if used or (isinstance(node, ast.Call)
                    and ctx.qualified_name(node.func) in traceback_calls):
            sources.append(node)
    gate: ast.expr | None = None
    for source in sources:
        if _logged_or_tested(ctx, source, handler):
            continue
        found = debug_gate(ctx, source)
        if found is None:
            return None
        gate = gate or found
    return gate


def _logged_or_tested(ctx: FileContext, node: ast.AST, handler: ast.ExceptHandler) -> bool:
    """`node` is an argument of a log call or the object of an `isinstance` test: it sends
    nothing to the client."""
    for anc in ctx.semantic.ancestors(node):
        if anc is handler:
            return False
        if isinstance(anc, ast.Call) and (is_logging_call(ctx, anc) or (
                isinstance(anc.func, ast.Name) and anc.func.id == "isinstance")):
            return True
    return False


# The head of a held finding whose text is gated (`... sends exception details to the client
# only when `CONF.debug` holds`): the project half completes it with the note below.
_GATED_HEAD = re.compile(r" only when `([^`]+)` holds \(line (\d+)\)$")


def gated_head(ctx: FileContext, head: str, gate: ast.expr) -> str:
    return f"{head} only when `{ctx.source(gate)}` holds (line {gate.lineno})"


def debug_note(ctx: FileContext, gate: ast.expr) -> str:
    return (f"note: the exception's text is sent only when `{ctx.source(gate)}` holds (line "
            f"{gate.lineno}), {_OFF}")


def note_of_head(head: str) -> str | None:
    """The debug note of a held finding's head made by `gated_head`, or None."""
    found = _GATED_HEAD.search(head)
    return f"note: `{found.group(1)}` is {_OFF}" if found else None


_OFF = ("a debug setting that is off on a production server, where the client gets the "
        "answer without the exception's text; it leaks wherever debug runs exposed")


def debug_fix_words(ctx: FileContext, gate: ast.expr) -> str:
    return (f"The exception's text is added only when `{ctx.source(gate)}` holds: keep debug "
            f"off on every server clients reach (see BR210). To send no details even then, "
            f"leave the text in the log only; the handler's fixed message needs no change.")
