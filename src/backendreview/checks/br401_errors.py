"""BR401 broad-except-leak and BR402 swallowed-exception (CWE-209, CWE-390, CWE-778).

Both look at handlers of broad exceptions (bare `except:`, `Exception`, `BaseException`, or
a tuple with one). BR401 follows the exception (the bound name, its str / repr / args, an
f-string with it, `traceback.format_exc()`, `sys.exc_info()`, and locals built from those,
one hop) into what the client receives: a response builder, an HTTP exception with text,
`abort()`, or the return value of a route handler. BR402 reports a broad handler in a route
handler that neither logs nor re-raises (and does not already leak, which BR401 reports).
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from http import HTTPStatus
from typing import TYPE_CHECKING

from ..analysis.handlers import (
    RESPONSE_CALLS,
    is_logging_call,
    is_route_handler,
    module_logger,
    response_call,
    response_call_names,
)
from ..analysis.rewrite import imported_name
from ..astutil import TRY_NODES, nodes_within, walk
from ..context import FileContext
from ..model import Finding, Fix, Related, Severity
from .base import Rule
from .br401_calls import (
    passes_one_of,
    record_candidates,
    record_hand_on,
    record_response,
    record_returned_text,
    record_wrapper_leak,
    text_parameters,
)
from .br401_client_text import (
    PURE_CALL,
    callee_name,
    library_parser,
    raises_only_own_text,
    runs_client_code,
    same_file_def,
)
from .br401_debug_gate import debug_fix_words, debug_note, gated_head, handler_debug_gate
from .br401_fixes import (
    client_error_fix,
    connection_test_fix,
    health_check_fix,
    input_report_fix,
    leak_fix,
    own_messages_fix,
    stored_text_fix,
)
from .br401_helper_text import (
    assumed_text_call,
    record_text_returns,
    record_through_helper,
    text_locals,
    text_of,
)
from .br401_raised_helpers import record_error_returns, record_raised_helper
from .br401_raises import (
    OPERATOR_NOTE,
    REGISTER_CALLS,
    narrowed_to,
    record_decorated_handler,
    record_drf_setting,
    record_raises,
    record_registration_call,
)
from .br401_sentence import sentence_without_exception
from .br401_streams import (
    STREAM_NAMES,
    WEBSOCKET,
    WEBSOCKET_SENDS,
    record_generator_yields,
    record_relay,
    record_stream,
    stream_write,
    websocket_parameter,
    websocket_send,
)
from .br401_unnamed import LoneFunctions, hold_direct, record_file_imports
from .br402_fixes import expected_failure_fix

if TYPE_CHECKING:
    from ..metadata import RuleDoc

_BROAD = frozenset({"builtins.Exception", "builtins.BaseException"})
# the calls visit_Call reads by name alone
_CALLEE_NAMES = REGISTER_CALLS | STREAM_NAMES | WEBSOCKET_SENDS
_TRACEBACK_CALLS = frozenset({
    "traceback.format_exc", "traceback.format_exception", "traceback.format_exception_only",
    "traceback.format_tb", "traceback.extract_tb", "traceback.print_exc", "sys.exc_info",
    "traceback.TracebackException.from_exception", "sys.exception",
})
# Attributes of an exception that carry its text.
_TEXT_ATTRS = frozenset({"args", "message", "msg", "detail", "description", "orig",
                         "messages", "strerror", "reason", "text", "body", "__str__",
                         "__repr__", "__cause__", "__context__", "__traceback__", "errors",
                         "error_dict", "error_list"})
_SAFE_FUNCS = frozenset({"builtins.type", "builtins.isinstance", "builtins.id",
                         "builtins.hash", "builtins.bool", "builtins.len", "builtins.issubclass",
                         "builtins.hasattr"})
# Methods that put a value into a list, set or dict the handler did not make.
_COLLECT = frozenset({"append", "extend", "insert", "add", "update", "appendleft"})
_RESPONSE_KEYWORDS_IGNORED = frozenset({"status_code", "status", "headers", "media_type",
                                        "content_type", "code"})


@dataclass
class Leak:
    what: str  # "str(e)", "traceback.format_exc()"
    sink: ast.AST  # the call or return that sends it
    sink_label: str
    kind: str  # the response family, for the fix
    # a project call the exception is handed to, read as its text (`format_exception(e)`):
    # the leak holds when that function returns its argument's text
    via: tuple[ast.Call, str] | None = None


def is_broad_handler(ctx: FileContext, handler: ast.ExceptHandler) -> bool:
    kind = handler.type
    if kind is None:
        return True
    return _catches_broad(ctx, kind, 0)


def _catches_broad(ctx: FileContext, kind: ast.AST, depth: int) -> bool:
    """`Exception`, or a tuple with it — also through a module-level alias, which names
    nothing narrower (`AnyError = Exception`, `ERRORS = (ValueError, Exception)`)."""
    types = kind.elts if isinstance(kind, ast.Tuple) else [kind]
    for t in types:
        if ctx.qualified_name(t) in _BROAD:
            return True
        if depth < 2 and isinstance(t, ast.Name):
            bindings = ctx.semantic.module_scope.bindings.get(t.id, [])
            if len(bindings) == 1 and bindings[0].kind == "assign" and isinstance(
                    bindings[0].value, ast.Name | ast.Attribute | ast.Tuple) and \
                    _catches_broad(ctx, bindings[0].value, depth + 1):
                return True
    return False


def _handler_label(ctx: FileContext, handler: ast.ExceptHandler) -> str:
    if handler.type is None:
        return "except:"
    text = ctx.source(handler.type)
    if len(text) > 40:
        text = "(...)"
    return f"except {text}{' as ' + handler.name if handler.name else ''}"


class HandlerAnalysis:
    """What one broad handler does with the exception."""

    def __init__(self, ctx: FileContext, handler: ast.ExceptHandler,
                 through_calls: bool = False, as_route: bool = False) -> None:
        self.ctx = ctx
        self.handler = handler
        # Read a project call given the exception as its text (the call and the argument's
        # key land in `self.via`), for the project half to confirm.
        self.through_calls = through_calls
        self.via: tuple[ast.Call, str] | None = None
        self.nodes = nodes_within(handler.body)
        self.first = handler.body[0].lineno if handler.body else handler.lineno
        self.last = handler.end_lineno or handler.lineno
        self.logs = any(isinstance(n, ast.Call) and is_logging_call(ctx, n) for n in self.nodes)
        # Re-raising keeps the failure visible: `raise`, `raise e`, `raise X from e`, or a
        # domain exception for the framework's handler. A fresh HTTP error response is not.
        self.raises = any(
            isinstance(n, ast.Raise) and (
                n.exc is None or n.cause is not None or not isinstance(n.exc, ast.Call)
                or response_call(ctx, n.exc) is None)
            for n in self.nodes)
        self.function = ctx.semantic.enclosing_function(handler)
        # as_route: the function stands in for the routes a decorator it wraps is worn by
        self.in_route = as_route or (self.function is not None and (
            is_route_handler(ctx, self.function) or _is_wsgi_callable(self.function)
            or _is_view_wrapper(ctx, self.function)
            or _is_middleware_dispatch(ctx, self.function)))
        self._gate: list[ast.expr | None] = []
        self.leak = self._find_leak()

    @property
    def gate(self) -> ast.expr | None:
        """The debug flag every use of the exception's text sits under (`if CONF.debug:`),
        asked only of a handler being reported."""
        if not self._gate:
            self._gate.append(handler_debug_gate(self.ctx, self.handler, _TRACEBACK_CALLS))
        return self._gate[0]

    # -- taint -------------------------------------------------------------------------------
    def tainted(self, expr: ast.AST, depth: int = 0) -> str | None:
        """How `expr` carries the exception's text, or None."""
        if depth > 3:
            return None
        name = self.handler.name
        stack: list[ast.AST] = [expr]
        while stack:
            node = stack.pop()
            if isinstance(node, ast.Call):
                qualified = self.ctx.qualified_name(node.func)
                if qualified in _TRACEBACK_CALLS:
                    return f"{self.ctx.source(node.func)}()"
                if qualified in _SAFE_FUNCS:
                    continue
                if isinstance(node.func, ast.Name) and node.func.id == "getattr":
                    continue  # getattr(e, "status_code", 500)
                if is_logging_call(self.ctx, node):
                    continue
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and (
                    node.value.id == name) and self._own_name(node.value):
                if node.attr in _TEXT_ATTRS:
                    return self.ctx.source(node)
                continue  # e.status_code, e.__class__.__name__
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                if name and node.id == name and self._own_name(node):
                    if self._handed_to_unknown_function(node):
                        assumed = self._assumed_text(node)
                        if assumed is None:
                            continue
                        self.via = assumed
                        return f"the text `{self.ctx.source(assumed[0].func)}()` makes of " \
                            f"`{name}`"
                    return self._describe_use(node)
                found = self._tainted_local(node, depth,
                                            bare_ok=not self._handed_to_unknown_function(node))
                if found:
                    return found
                continue
            if isinstance(node, ast.Lambda | ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if isinstance(node, ast.Compare):
                continue  # a bool: `e.args == (...)` says nothing about the text
            if isinstance(node, ast.IfExp):
                stack.extend((node.body, node.orelse))
                continue
            stack.extend(ast.iter_child_nodes(node))
        return None

    def _own_name(self, node: ast.Name) -> bool:
        """`e` inside this handler. Python unbinds the handler's name when the handler ends,
        so after the try the name is another value: a later `except ValueError as e`, a
        `for e in rows`, an `e = err`. Only that name is left out there; the handler's text
        kept in other names (`errors`, `message`) still counts wherever it is sent."""
        line = getattr(node, "lineno", None)  # a node built for a fix has no place
        return line is None or self.handler.lineno <= line <= self.last

    def _deliberate_client_error(self, sink: ast.Call) -> bool:
        """A 4xx answer for a try body that only parses client input: like a specific
        exception mapped to 400, the message describes the client's own data."""
        status = _status_of(self.ctx, sink)
        if status is not None and not 400 <= status < 500:
            return False
        parent = self.ctx.semantic.parent(self.handler)
        if not isinstance(parent, ast.Try):
            return False
        if runs_client_code(self.ctx, self.function):
            return True  # the client's own program failed: its error is the answer
        if status is None:
            # A result the endpoint answers (`{"valid": False, "error": ...}` from a file
            # validator): only when the body surely parses, with no lookup that could be a
            # query (`Tag.query.get(tid)`) or another server's answer (`resp.json()`).
            return _parses_client_input(self.ctx, parent.body, strict=True)
        return _parses_client_input(self.ctx, parent.body) or self._in_request_parser()

    def _unserialisable_object(self, family: str, call: ast.Call, arg: ast.expr,
                               what: str) -> bool:
        """`JsonResponse({"error": exc})`, `jsonify(error=e)`: the exception object itself in
        a JSON body. No JSON encoder of these builders serialises an exception (TypeError:
        not JSON serializable), so the request fails with a bare 500 and no text leaves —
        a bug, not a leak. Text made from it (`str(e)`, an f-string) is another matter."""
        name = self.handler.name
        if family not in _JSON_BUILDERS or not name or what != f"`{name}`":
            return False
        uses = [n for n in ast.walk(arg) if isinstance(n, ast.Name) and n.id == name]
        return bool(uses) and all(self._only_in_containers(n, arg, call) for n in uses)

    def _only_in_containers(self, node: ast.AST, arg: ast.expr, call: ast.Call) -> bool:
        """`node` reaches `arg` through dict / list / tuple / set literals only (not a `%`
        format, a call or an f-string that makes text of it), or is a keyword's value."""
        if node is arg:
            return any(k.value is arg for k in call.keywords)
        while node is not arg:
            node = self.ctx.semantic.parent(node)
            if not isinstance(node, ast.Dict | ast.List | ast.Tuple | ast.Set):
                return False
        return True

    def _in_request_parser(self) -> bool:
        """`parse()` of a request-body parser class (a DRF `BaseParser` subclass): all it
        reads is the client's own request body, so its errors describe that body."""
        function = self.function
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef) or (
                function.name != "parse"):
            return False
        owner = self.ctx.semantic.parent(function)
        return isinstance(owner, ast.ClassDef) and any(
            (b.attr if isinstance(b, ast.Attribute) else getattr(b, "id", "")).endswith(
                "Parser") for b in owner.bases)

    def _handed_to_unknown_function(self, node: ast.Name) -> bool:
        """`error_message(e)`: a project helper receives the exception object itself and may
        well turn it into a generic text (many do). Text already made from it (`str(e)`,
        an f-string) is followed through any call."""
        parent = self.ctx.semantic.parent(node)
        if isinstance(parent, ast.keyword):
            parent = self.ctx.semantic.parent(parent)
        if not isinstance(parent, ast.Call) or node is parent.func:
            return False
        qualified = self.ctx.qualified_name(parent.func)
        if qualified in ("builtins.str", "builtins.repr", "builtins.format", "builtins.ascii",
                         "builtins.dict", "builtins.list", "builtins.tuple"):
            return False
        if isinstance(parent.func, ast.Attribute) and parent.func.attr in ("format", "join"):
            return False
        if _returns_text_of_argument(self.ctx, self.function, parent, node):
            return False  # `self.get_exception_message(exception=e)` gives back str(e)
        return response_call(self.ctx, parent) is None

    def _assumed_text(self, node: ast.Name) -> tuple[ast.Call, str] | None:
        """In the reading through calls: the project call `node` (the exception) is handed
        to, with the argument's key."""
        if not self.through_calls:
            return None
        parent = self.ctx.semantic.parent(node)
        if isinstance(parent, ast.keyword):
            parent = self.ctx.semantic.parent(parent)
        if not isinstance(parent, ast.Call) or is_logging_call(self.ctx, parent):
            return None
        key = assumed_text_call(self.ctx, parent, node)
        return (parent, key) if key is not None else None

    def _describe_use(self, node: ast.Name) -> str:
        parent = self.ctx.semantic.parent(node)
        if isinstance(parent, ast.Call) and self.ctx.qualified_name(parent.func) in (
                "builtins.str", "builtins.repr"):
            return self.ctx.source(parent)
        if isinstance(parent, ast.FormattedValue):
            return f"{{{node.id}}} in an f-string"
        call = self.ctx.semantic.parent(parent) if isinstance(parent, ast.keyword) else parent
        if isinstance(call, ast.Call) and node is not call.func and _returns_text_of_argument(
                self.ctx, self.function, call, node):
            return f"the text {self.ctx.source(call.func)}() makes of `{node.id}`"
        return f"`{node.id}`"

    def _tainted_local(self, name: ast.Name, depth: int, bare_ok: bool = True) -> str | None:
        """A local assigned inside this handler from the exception (one hop, or two).
        `bare_ok=False`: the local is handed to a helper, so a binding to the exception
        object itself (`error = e`) does not count, only text made from it."""
        for binding in self.ctx.reaching_bindings(name):
            if binding.kind not in ("assign", "annassign", "augassign") or binding.value is None:
                continue
            if not self.first <= binding.lineno <= self.last:
                continue
            if not bare_ok and self._exception_object(binding.value):
                continue
            found = self.tainted(binding.value, depth + 1)
            if found:
                return f"{found} (through `{name.id}`)"
        for store in self._item_stores(name.id):
            # `response["detail"] = f"{e}"` in the handler, `JsonResponse(response)` later.
            found = self.tainted(store.value, depth + 1)
            if found:
                return f"{found} (through `{ast.unparse(store.targets[0])}`)"
        for add in self._container_adds(name.id):
            # `errors.append({"error": str(e)})` per item, `Response({"errors": errors})` after.
            found = next(filter(None, (self.tainted(a, depth + 1) for a in add.args)), None)
            if found:
                return f"{found} (collected in `{name.id}`)"
        return None

    def _exception_object(self, value: ast.AST) -> bool:
        """`e`, or `e if replacement is None else replacement`: an exception object (this
        one or another), not text made from it."""
        if isinstance(value, ast.IfExp):
            branches = (value.body, value.orelse)
            return all(isinstance(b, ast.Name) for b in branches) and any(
                b.id == self.handler.name for b in branches)
        return isinstance(value, ast.Name) and value.id == self.handler.name

    def _container_adds(self, name: str) -> list[ast.Call]:
        """`name.append(...)`, `.extend`, `.insert`, `.add`, `.update` in the handler: what
        the handler puts into a collection made before it."""
        return [n for n in self.nodes if isinstance(n, ast.Call) and _collected_into(n) == name]

    def _item_stores(self, name: str) -> list[ast.Assign]:
        return [n for n in self.nodes if isinstance(n, ast.Assign) and len(n.targets) == 1
                and isinstance(n.targets[0], ast.Subscript)
                and isinstance(n.targets[0].value, ast.Name) and n.targets[0].value.id == name]

    # -- sinks -------------------------------------------------------------------------------
    def _find_leak(self) -> Leak | None:
        leak = self._leak_in(self.nodes)
        if leak is None and self._assigns_tainted_local():
            # `msg = "Error: " + str(e)` in the handler, `JsonResponse({"msg": msg})` after it.
            leak = self._leak_in(self._nodes_after_try())
        return leak

    def collected_later(self) -> list[ast.AST]:
        """The statements after the try, when the handler collects the exception's text into
        a list or dict made before it: where that collection is sent."""
        return self._nodes_after_try() if any(self._collects_text(n) for n in self.nodes) \
            else []

    def _collects_text(self, node: ast.AST) -> bool:
        """`errors.append({"error": str(e)})`: the exception's text into a named collection."""
        return isinstance(node, ast.Call) and _collected_into(node) is not None and any(
            self.tainted(a) for a in node.args)

    def _assigns_tainted_local(self) -> bool:
        return any((isinstance(n, ast.Assign) and any(
            isinstance(t, ast.Name) or (isinstance(t, ast.Subscript) and isinstance(
                t.value, ast.Name)) for t in n.targets) and self.tainted(n.value))
            or self._collects_text(n) for n in self.nodes)

    def _nodes_after_try(self) -> list[ast.AST]:
        """Every node of the statements that run after the try completes: its following
        statements in each block that holds it, up to the function's body (a batch loop
        inside an outer `try:` sends its collected errors from that try's body, after the
        loop). Not another branch of an `if` holding it, nor an enclosing try's handlers."""
        try_stmt = self.ctx.semantic.parent(self.handler)
        if self.function is None or not isinstance(try_stmt, ast.Try):
            return []
        out: list[ast.AST] = []
        stack: list[ast.AST] = _statements_after(self.ctx, try_stmt, self.function)
        while stack:
            node = stack.pop()
            out.append(node)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
                          | ast.Lambda):
                continue
            stack.extend(ast.iter_child_nodes(node))
        out.sort(key=lambda n: (getattr(n, "lineno", 0), getattr(n, "col_offset", 0)))
        return out

    def _leak_in(self, nodes: list[ast.AST]) -> Leak | None:
        # Response builders first: `return jsonify(error=str(e)), 500` names jsonify.
        calls = [n for n in nodes if isinstance(n, ast.Call)]
        returns = [n for n in nodes if isinstance(n, ast.Return)]
        for node in [*calls, *returns]:
            if narrowed_to(self.ctx, self.handler, node):
                continue  # `if isinstance(e, HTTPException): raise HTTPException(..., e.detail)`
            if isinstance(node, ast.Call):
                family = response_call(self.ctx, node) or _user_message(self.ctx, node) \
                    or (stream_write(self.ctx, node) if self.in_route else None) \
                    or websocket_send(self.ctx, node) or own_response_class(self.ctx, node) \
                    or starlette_shaped(self.ctx, node)
                if family is None:
                    continue
                for arg in _body_arguments(self.ctx, node):
                    self.via = None
                    what = self.tainted(arg)
                    if what and self._unserialisable_object(family, node, arg, what):
                        continue
                    if what and self._deliberate_client_error(node):
                        return None
                    if what:
                        label = self.ctx.source(node.func)
                        return Leak(what, node, f"{label}(...)", family, self.via)
            elif isinstance(node, ast.Return) and node.value is not None and self.in_route:
                value = node.value
                if isinstance(value, ast.Call) and response_call(self.ctx, value):
                    continue  # checked as a call
                self.via = None
                what = self.tainted(value)
                if what and self._deliberate_client_error(value):
                    return None  # Flask's `return {"message": str(e)}, 400`
                if what:
                    return Leak(what, node, "the route's return value", "return", self.via)
        return None


# Constructors whose signature says which arguments reach the client: (positions, keywords).
# DRF's `Response(data=None, status=None, template_name=None, headers=None, exception=False,
# content_type=None)` sends only `data`; `exception` is a flag the view stores on the response
# (`response.exception`), so `Response(status=400, exception=e)` has an empty body. Django's
# `HttpResponse(content, content_type, status, reason, charset, headers)` sends `content` and
# the status line's `reason` phrase; `JsonResponse(data, encoder, safe, json_dumps_params,
# **kwargs)` sends `data` (and a `reason` passed on to HttpResponse).
_DJANGO_PLAIN = ((0, 3), frozenset({"content", "reason"}))
_BODY_ARGUMENTS: dict[str, tuple[tuple[int, ...], frozenset[str]]] = {
    "rest_framework.response.Response": ((0,), frozenset({"data"})),
    "rest_framework.views.Response": ((0,), frozenset({"data"})),
    "django.http.JsonResponse": ((0,), frozenset({"data", "reason"})),
    "django.http.response.JsonResponse": ((0,), frozenset({"data", "reason"})),
    **{f"django.http{module}.{name}": _DJANGO_PLAIN for module in ("", ".response")
       for name in ("HttpResponse", "HttpResponseBadRequest", "HttpResponseServerError",
                    "HttpResponseForbidden", "HttpResponseNotFound")},
}


def _body_arguments(ctx: FileContext, call: ast.Call) -> list[ast.expr]:
    """The arguments of a response or error call whose value reaches the client."""
    known = _BODY_ARGUMENTS.get(ctx.qualified_name(call.func) or "")
    if known is None:
        return [*call.args, *(k.value for k in call.keywords
                              if k.arg not in _RESPONSE_KEYWORDS_IGNORED)]
    positions, keywords = known
    sent = [a for i, a in enumerate(call.args) if i in positions or isinstance(a, ast.Starred)]
    return [*sent, *(k.value for k in call.keywords if k.arg in keywords or k.arg is None)]


# Response builders that encode their body as JSON with an encoder that refuses objects it
# does not know (an exception among them).
_JSON_BUILDERS = frozenset({
    "flask.jsonify", "quart.jsonify", "django.http.JsonResponse",
    "django.http.response.JsonResponse", "rest_framework.response.Response",
    "rest_framework.views.Response", "fastapi.responses.JSONResponse",
    "fastapi.responses.ORJSONResponse",
    "fastapi.responses.UJSONResponse", "starlette.responses.JSONResponse",
    "aiohttp.web.json_response", "sanic.response.json"})
# Exception attributes no built-in exception has (Python 3 dropped `message`): a project or
# library class must define them (SQLAlchemy's `orig`, Django's `messages`, DRF's `detail`).
_NOT_BUILT_IN = frozenset({"message", "messages", "orig", "detail", "description", "errors",
                           "error_dict", "error_list", "body", "text"})


def _attribute_few_define(analysis: HandlerAnalysis, leak: Leak) -> str | None:
    """The note for a broad handler whose only text is `e.message`-like, read unguarded: any
    exception without the attribute (every built-in one) makes the handler raise
    AttributeError, so the text leaks only for the classes that define it."""
    name = analysis.handler.name
    found = re.match(r"^(\w+)\.(\w+)(?: \(through `\w+`\))?$", leak.what)
    if not name or found is None or found[1] != name or found[2] not in _NOT_BUILT_IN:
        return None
    if any(isinstance(n, ast.Call) and analysis.ctx.qualified_name(n.func) in (
            "builtins.hasattr", "builtins.getattr", "builtins.isinstance") and n.args and
            isinstance(n.args[0], ast.Name) and n.args[0].id == name for n in analysis.nodes):
        return None  # `if hasattr(e, "message")`: read only where it exists
    return (f"note: `{name}.{found[2]}` exists only on exception classes that define it, "
            f"none of Python's built-in ones: for those this handler raises AttributeError "
            f"instead, and the text leaks only where the attribute exists")


def _statements_after(ctx: FileContext, stmt: ast.stmt, function: ast.AST) -> list[ast.AST]:
    """The statements that run after `stmt` completes, up to the end of `function`: the ones
    following it in its block, then those following each block that holds it. A block's
    own continuation only: an `if` body is followed by what follows the `if`, not by its
    `else`; a try body by its `else` and `finally`, not by its handlers; a loop body by the
    loop's `else`."""
    out: list[ast.AST] = []
    node: ast.AST = stmt
    while node is not function:
        parent = ctx.semantic.parent(node)
        if parent is None:
            break
        for field in ("body", "orelse", "finalbody", "handlers"):
            block = getattr(parent, field, None)
            if not isinstance(block, list) or node not in block:
                continue
            out.extend(block[block.index(node) + 1:])
            if isinstance(parent, TRY_NODES) and field in ("body", "orelse"):
                if field == "body":
                    out.extend(parent.orelse)
                out.extend(parent.finalbody)
            elif isinstance(parent, TRY_NODES) and field == "handlers":
                out.extend(parent.finalbody)
            elif isinstance(parent, ast.For | ast.AsyncFor | ast.While) and field == "body":
                out.extend(parent.orelse)
            break
        node = parent
    return out


def _collected_into(call: ast.Call) -> str | None:
    """`errors.append(...)` (any _COLLECT method on a name): the collection's name."""
    if isinstance(call.func, ast.Attribute) and call.func.attr in _COLLECT and \
            isinstance(call.func.value, ast.Name):
        return call.func.value.id
    return None


# What shows a text to the user on the page the request renders (or the next one): Django's
# messages framework and Flask's flash().
_USER_MESSAGE_CALLS = frozenset({
    "django.contrib.messages.error", "django.contrib.messages.warning",
    "django.contrib.messages.info", "django.contrib.messages.success",
    "django.contrib.messages.debug", "django.contrib.messages.add_message",
    "flask.flash"})


def _user_message(ctx: FileContext, call: ast.Call) -> str | None:
    qualified = ctx.qualified_name(call.func)
    return "user-message" if qualified in _USER_MESSAGE_CALLS else None


_RESPONSE_CLASS = re.compile(r"^(?:\w*Response|redirect)$")
_PARSE_CALL = re.compile(
    r"^(?:loads?|json|get_json|get_data|body|form|int|float|bool|Decimal|UUID|fromisoformat|strptime"
    r"|b64decode|urlsafe_b64decode|literal_eval|decode|model_validate\w*|parse\w*"
    r"|validate\w*|to_valid\w*|to_internal_value|to_python|cast\w*|is_valid|_decompress\w*"
    r"|items|keys|values|get|strip|lower|encode|split|rsplit|isinstance"
    # An alternate constructor reading the client's own data (`Query.from_dict(body)`), and
    # the request model handing over its fields (`query.model_dump()`).
    r"|from_dict|from_json|from_str|from_string|model_dump|to_dict|to_json"
    # YAML and URL text parsed into values (`yaml.safe_load(text)`, `httpx.URL(host)`).
    r"|safe_load|safe_load_all|load_all|URL|urlparse|urlsplit|urljoin|unquote)$")
# A call of these modules talks to another server: `requests.get(url).json()` reads its
# answer, not the client's input.
_REMOTE_CALLS = ("requests.", "httpx.", "aiohttp.", "urllib.request.", "urllib3.")
_CLIENT_ERROR_NAMES = ("HTTP_4", "HTTPBadRequest", "HTTPUnprocessableEntity", "BadRequest",
                       "HttpResponseBadRequest", "ValidationError", "ParseError")


def _status_of(ctx: FileContext, sink: ast.AST) -> int | None:
    """The HTTP status a response or HTTP exception carries, when written as a literal or a
    well-known name (status.HTTP_400_BAD_REQUEST, response_422, ValidationError)."""
    if isinstance(sink, ast.Tuple) and len(sink.elts) >= 2:
        status = sink.elts[1]  # Flask: (body, status[, headers])
        return status.value if isinstance(status, ast.Constant) and isinstance(
            status.value, int) else None
    if not isinstance(sink, ast.Call):
        return None
    func = sink.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if name.startswith("response_") and name[9:].isdecimal():
        return int(name[9:])
    if name.startswith(_CLIENT_ERROR_NAMES):
        return 400
    if name.endswith(("InternalServerError", "ServerError")):
        return 500  # aiohttp's HTTPInternalServerError, Django's HttpResponseServerError
    for value in [*sink.args[:2], *(k.value for k in sink.keywords
                                    if k.arg in ("status_code", "status", "code"))]:
        if isinstance(value, ast.Constant) and isinstance(value.value, int):
            return value.value
        text = value.attr if isinstance(value, ast.Attribute) else getattr(value, "id", "")
        match = re.match(r"HTTP_(\d{3})", text or "")
        if match:
            return int(match.group(1))
        if text in HTTPStatus.__members__:  # HTTPStatus.BAD_REQUEST
            return int(HTTPStatus[text])
    return None


def _parses_client_input(ctx: FileContext, body: list[ast.stmt], strict: bool = False) -> bool:
    """Every call in the try body parses or validates input (json.loads, request.json(),
    Payload(**body), int(value), validate_destinations(data), to_valid_user_id(value)): its
    exception describes the client's own data. Building the success response
    (`RedirectResponse(url=...)`) raises nothing of the server's."""
    calls = [n for stmt in body for n in ast.walk(stmt) if isinstance(n, ast.Call)]
    calls = [c for c in calls if response_call(ctx, c) is None and not _RESPONSE_CLASS.match(
        c.func.attr if isinstance(c.func, ast.Attribute) else getattr(c.func, "id", ""))]
    if not calls:
        return False
    if strict and not any(_PARSER.match(callee_name(c)) for c in calls):
        return False
    return all((_parses_value(ctx, call) and not (strict and _lookup(call)))
               or _own_text_helper(ctx, call) for call in calls)


# What surely parses text (strict mode needs one): a library parser of a format, not a
# project method named for validation (`form.validate_diff()` may reach a repository).
_PARSER = re.compile(r"^(?:loads?|safe_load\w*|load_all|literal_eval|fromisoformat|strptime"
                     r"|b64decode|urlsafe_b64decode|URL|urlparse|urlsplit)$")


def _lookup(call: ast.Call) -> bool:
    """`Tag.query.get(tid)`, `cache.get(key)`, `resp.json()`: what a loose name can also be;
    `data.get("name", "")` with a literal key reads a mapping in memory."""
    name = callee_name(call)
    if name == "get":
        return not (call.args and isinstance(call.args[0], ast.Constant)
                    and isinstance(call.args[0].value, str))
    return name in ("json", "body", "form", "get_json", "get_data", "values")


def _parses_value(ctx: FileContext, call: ast.Call) -> bool:
    """`json.loads(body)`, `int(value)`, `Payload(**body)`, `len(items)`: a call that parses,
    validates or handles a value already in memory."""
    name = callee_name(call)
    if name[:1].islower() and (ctx.qualified_name(call.func) or "").startswith(_REMOTE_CALLS):
        return False  # `requests.get(url)`; `httpx.URL(text)` only parses
    kwargs_only = any(k.arg is None for k in call.keywords) and not call.args
    return bool(_PARSE_CALL.match(name) or PURE_CALL.match(name)
                or (name[:1].isupper() and kwargs_only) or library_parser(ctx, call))


def _own_text_helper(ctx: FileContext, call: ast.Call) -> bool:
    """A function of this file that fails only with messages it wrote (`raise ValueError(
    "Assigning team admins is a premium feature")`) or by parsing values."""
    target = same_file_def(ctx, call)
    if target is None or not any(isinstance(n, ast.Raise) or (
            isinstance(n, ast.Call) and _PARSE_CALL.match(callee_name(n)))
            for n in ast.walk(target)):
        return False  # no check of its own: `store(data)` stands for work the server does
    return raises_only_own_text(
        ctx, target, lambda c: _parses_value(ctx, c) or response_call(ctx, c) is not None)


def _local_def(ctx: FileContext, caller: ast.AST | None, call: ast.Call
               ) -> tuple[ast.FunctionDef | ast.AsyncFunctionDef, int] | None:
    """The def a call names in this file — `self.m(...)` a method of the caller's class, `f(...)`
    a module-level function — and how many leading parameters the call does not pass."""
    func = call.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and \
            func.value.id == "self" and caller is not None:
        owner = ctx.semantic.parent(caller)
        body, name, skip = (owner.body if isinstance(owner, ast.ClassDef) else []), func.attr, 1
    elif isinstance(func, ast.Name):
        body, name, skip = ctx.tree.body, func.id, 0
    else:
        return None
    for stmt in body:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef) and stmt.name == name:
            return stmt, skip
    return None


def _returns_text_of_argument(ctx: FileContext, caller: ast.AST | None, call: ast.Call,
                              arg: ast.Name) -> bool:
    """A helper of this file given the exception that hands back its text (`message =
    force_str(s=exception)` ... `return message`): what it returns is the exception's text."""
    found = _local_def(ctx, caller, call)
    if found is None:
        return False
    target, skip = found
    params = [a.arg for a in target.args.posonlyargs + target.args.args][skip:]
    param = next((k.arg for k in call.keywords if k.value is arg), None)
    if param is None and arg in call.args and call.args.index(arg) < len(params):
        param = params[call.args.index(arg)]
    if param is None:
        return False
    # Answered once per helper and parameter: every handler of the file handing its
    # exception to the same helper asked again (skyvern: 1,141 asks, each two walks of it).
    answers: dict[str, bool] = ctx.memo("br401-returns-text-of", target, dict)
    found = answers.get(param)
    if found is None:
        found = answers[param] = _returns_text_of(target, param)
    return found


def _returns_text_of(target: ast.FunctionDef | ast.AsyncFunctionDef, param: str) -> bool:
    made = text_locals(list(ast.walk(target)), param)  # locals holding the parameter's text
    if made is None:
        return False  # `message = message.replace(secret, "[REDACTED]")`: a scrubber
    return any(isinstance(n, ast.Return) and n.value is not None and text_of(
        n.value, param, made) for n in walk(target))  # an any(): astutil's order-free walk


def analysis_for(ctx: FileContext, handler: ast.ExceptHandler) -> HandlerAnalysis:
    return ctx.memo("except-analysis", handler, lambda: HandlerAnalysis(ctx, handler))


def _except_line(handler: ast.ExceptHandler) -> ast.AST:
    """A node spanning the `except ...:` clause, for the report."""
    end = handler.type if handler.type is not None else None
    marker = ast.Pass()
    marker.lineno = handler.lineno
    marker.col_offset = handler.col_offset
    if end is not None and end.end_lineno == handler.lineno:
        marker.end_lineno = handler.lineno
        marker.end_col_offset = end.end_col_offset + (len(f" as {handler.name}") if handler.name
                                                      else 0)
    else:
        marker.end_lineno = handler.lineno
        marker.end_col_offset = handler.col_offset + len("except")
    return marker


def _generic_response(ctx: FileContext, family: str) -> str:
    if family == WEBSOCKET:  # the same connection, a fixed message
        return ('await websocket.send_json({"type": "error", "message": "Internal server '
                'error", "error_id": error_id})')
    if family == "user-message":  # a flashed message: the same channel, a fixed text
        if ctx.semantic.is_imported("django"):
            return 'messages.error(request, f"Internal server error (error id {error_id})")'
        return 'flash(f"Internal server error (error id {error_id})", "error")'
    if family.startswith(("fastapi.HTTPException", "fastapi.exceptions", "starlette.exceptions")):
        # spelled as the module imports it (`import fastapi`: fastapi.HTTPException)
        name = imported_name(ctx.tree, "fastapi.HTTPException") if family.startswith(
            "fastapi.") else None
        return (f'raise {name or "HTTPException"}(status_code=500, '
                'detail=f"Internal server error (error id {error_id})")')
    if family.startswith(("fastapi.responses", "starlette.responses", "fastapi.Response")):
        return ('return JSONResponse({"detail": "Internal server error", "error_id": error_id}, '
                'status_code=500)')
    if family in ("flask.jsonify", "quart.jsonify", "flask.make_response", "flask.Response",
                  "flask.wrappers.Response", "werkzeug.wrappers.Response", "werkzeug.Response"):
        return 'return jsonify(error="Internal server error", error_id=error_id), 500'
    if family.endswith("abort"):
        return 'abort(500, description=f"Internal server error (error id {error_id})")'
    if family.startswith("django."):
        return ('return JsonResponse({"error": "Internal server error", "error_id": error_id}, '
                'status=500)')
    if family.startswith("rest_framework."):
        return ('return Response({"detail": "Internal server error", "error_id": error_id}, '
                'status=500)')
    if family.startswith("aiohttp."):
        return ('return web.json_response({"error": "Internal server error", '
                '"error_id": error_id}, status=500)')
    if family.startswith("self.response_"):
        return 'return self.response_500(message=f"Internal server error (error id {error_id})")'
    semantic = ctx.semantic
    if semantic.is_imported("fastapi") or semantic.is_imported("starlette"):
        return ('return JSONResponse({"detail": "Internal server error", "error_id": error_id}, '
                'status_code=500)')
    if semantic.is_imported("rest_framework"):
        return ('return Response({"detail": "Internal server error", "error_id": error_id}, '
                'status=500)')
    if semantic.is_imported("django"):
        return ('return JsonResponse({"error": "Internal server error", "error_id": error_id}, '
                'status=500)')
    return 'return {"error": "Internal server error", "error_id": error_id}, 500'


def _websocket_final(ctx: FileContext, leak: Leak | None, function: ast.AST | None
                     ) -> str | None:
    """The generic message sent on the connection the leak used (`ws.send_json(...)`), or
    (no leak of its own: the text went through a helper) on the function's websocket."""
    if leak is not None and leak.kind == WEBSOCKET and isinstance(leak.sink, ast.Call) and \
            isinstance(leak.sink.func, ast.Attribute):
        receiver: str | None = ctx.source(leak.sink.func.value)
    else:
        receiver = websocket_parameter(ctx, function) if leak is None else None
    if receiver is None:
        return None
    return _generic_response(ctx, WEBSOCKET).replace("websocket.", f"{receiver}.", 1)


def _logger_setup(ctx: FileContext) -> tuple[str, str]:
    """The module's logger, or `logger` and the lines that make one (code, not a comment:
    a suggestion reads only names it binds or the module has)."""
    logger = module_logger(ctx)
    if logger:
        return logger, ""
    return "logger", "import logging\n\nlogger = logging.getLogger(__name__)  # at module level\n"


def _logging_fix(ctx: FileContext, analysis: HandlerAnalysis, family: str,
                 description: str, final: str | None = None) -> Fix:
    logger, setup = _logger_setup(ctx)
    uuid4 = imported_name(ctx.tree, "uuid.uuid4")
    if uuid4 is None:  # the suggestion brings what it uses
        uuid4, setup = "uuid.uuid4", "import uuid\n" + setup
    where = analysis.function.name if analysis.function else "request"
    lines = [f"{setup}{chr(10) if setup else ''}error_id = {uuid4}().hex"]
    if not analysis.logs:
        lines.append(f'{logger}.exception("{where} failed (error id %s)", error_id)')
    lines.append(final or _generic_response(ctx, family))
    return Fix(description, "\n".join(lines))


# Calls that write the application's own database (its ORM session or models).
_OWN_STORE_WRITE = re.compile(r"^(?:commit|flush|save|bulk_create|bulk_update|add_all"
                              r"|get_or_create|update_or_create)$")
_SESSION_WRITE = frozenset({"add", "delete", "merge", "execute"})


def _answers_with_returned_errors(func: ast.AST | None) -> bool:
    """`ok, msg = conn.execute(sql)` then `if not ok: return error(errormsg=msg)`: the
    function sends the error text a call hands back to the client by design (a database
    administration tool showing the operator their own server's errors)."""
    if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
        return False
    # Sets and an any() of the tests: astutil's walk (its order is not ast.walk's) at a third
    # of the cost (every function with a broad except, issue 14).
    pairs: dict[str, set[str]] = {}
    tests: list[ast.If] = []
    for node in walk(func):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(
                node.targets[0], ast.Tuple) and isinstance(
                node.value.value if isinstance(node.value, ast.Await) else node.value,
                ast.Call):
            names = [e.id for e in node.targets[0].elts if isinstance(e, ast.Name)]
            if len(names) >= 2:
                pairs.setdefault(names[0], set()).update(names[1:])
        elif isinstance(node, ast.If):
            tests.append(node)
    for test in tests:
        flags = {n.id for n in walk(test.test) if isinstance(n, ast.Name)} & set(pairs)
        if not isinstance(test.test, ast.UnaryOp) or not flags:
            continue  # `if not ok:` — the failure branch
        texts = set().union(*(pairs[f] for f in flags))
        if any(isinstance(stmt, ast.Return) and stmt.value is not None and any(
                isinstance(n, ast.Name) and n.id in texts for n in walk(stmt.value))
               for stmt in test.body):
            return True
    return False


def _writes_own_store(body: list[ast.stmt]) -> bool:
    """A commit, `save()` or session write in the try body: its failure (SQL and parameters
    of the application's own database) is no error the operation was meant to show."""
    for node in nodes_within(body):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            attr, receiver = node.func.attr, ast.unparse(node.func.value).lower()
            if _OWN_STORE_WRITE.match(attr) or (attr in _SESSION_WRITE and "session" in receiver):
                return True
    return False


def operator_facing(ctx: FileContext, handler: ast.ExceptHandler,
                    function: ast.AST | None) -> bool:
    """The broad except's text is of the kind its function — or the view class it belongs
    to, whose methods share one way of answering — already shows on purpose, and the try
    body writes nothing of the application's own: reported as a note."""
    parent = ctx.semantic.parent(handler)
    if not isinstance(parent, ast.Try) or _writes_own_store(parent.body):
        return False
    owner = ctx.semantic.parent(function) if function is not None else None
    if not isinstance(owner, ast.ClassDef):
        # Asked once per broad except of the function: answered once per function.
        return function is not None and ctx.memo(
            "br401-function-answers-returned-errors", function,
            lambda: _answers_with_returned_errors(function))
    return ctx.memo("br401-answers-returned-errors", owner, lambda: any(
        _answers_with_returned_errors(m) for m in owner.body))


def _is_view_wrapper(ctx: FileContext, func: ast.AST) -> bool:
    """The inner function of a view decorator (`def decorator(f): @wraps(f) def wrapper(
    *args, **kwargs): ... f(*args, **kwargs)`) that reads the framework's request: it stands
    in for the view it wraps, so what it returns is the view's response."""
    if wrapped_by(ctx, func) is None:
        return False
    return any(
        isinstance(n, ast.Name | ast.Attribute) and (ctx.qualified_name(n) or "") in (
            "flask.request", "quart.request") for n in nodes_within(func.body))


def wrapped_by(ctx: FileContext, func: ast.AST | None) -> ast.FunctionDef | None:
    """The decorator whose inner function `func` is (`def decorator(f): @wraps(f) def
    wrapper(*args, **kwargs): ... f(*args, **kwargs)`): what `func` returns is what the
    function it decorates returns."""
    if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef) or (
            func.args.vararg is None and func.args.kwarg is None):
        return None
    outer = ctx.semantic.enclosing_function(func)
    if not isinstance(outer, ast.FunctionDef):
        return None
    wrapped = {a.arg for a in [*outer.args.posonlyargs, *outer.args.args]}
    calls_wrapped = any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in wrapped
        and any(isinstance(a, ast.Starred) for a in n.args) for n in nodes_within(func.body))
    return outer if calls_wrapped else None


_SERVER_ERROR_CLASSES = frozenset({"werkzeug.exceptions.InternalServerError",
                                   "werkzeug.InternalServerError"})


def _registers_server_error(ctx: FileContext, decorator: ast.expr) -> bool:
    """`@app.errorhandler(500)`, `@bp.app_errorhandler(InternalServerError)`."""
    if not (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)
            and decorator.func.attr in ("errorhandler", "app_errorhandler")
            and len(decorator.args) == 1):
        return False
    arg = decorator.args[0]
    return (isinstance(arg, ast.Constant) and arg.value == 500) or (
        ctx.qualified_name(arg) in _SERVER_ERROR_CLASSES)


def _stack_trace_in(ctx: FileContext, expr: ast.AST) -> str | None:
    """`traceback.format_exc()` (or a sibling) in `expr`, directly or through a local."""
    for node in ast.walk(expr):
        if isinstance(node, ast.Call) and ctx.qualified_name(node.func) in _TRACEBACK_CALLS:
            return f"{ctx.source(node.func)}()"
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            for binding in ctx.reaching_bindings(node):
                if binding.kind == "assign" and binding.value is not None and any(
                        isinstance(n, ast.Call) and ctx.qualified_name(n.func)
                        in _TRACEBACK_CALLS for n in ast.walk(binding.value)):
                    return f"{ctx.source(binding.value)} (through `{node.id}`)"
    return None


def own_response_class(ctx: FileContext, call: ast.Call) -> str | None:
    """`JSONResponse(str(e), 500)` where this file defines `class JSONResponse(
    _RestResponse)` and `class _RestResponse(http.HttpResponse)`: a response class of the
    project's own, built on a framework's response (not on an HTTP error class); the
    framework class it answers as, or None."""
    if not isinstance(call.func, ast.Name):
        return None
    classes = ctx.memo("br401-own-classes", ctx.tree, lambda: {
        s.name: s for s in ctx.tree.body if isinstance(s, ast.ClassDef)})
    name, seen = call.func.id, set()
    while name in classes and name not in seen and len(seen) < 4:
        seen.add(name)
        bases = classes[name].bases
        for base in bases:
            qualified = ctx.qualified_name(base)
            if qualified in RESPONSE_CALLS and not qualified.endswith(("Exception", "Error")):
                # A response, not an HTTP error: a project error class is the raise
                # reading's (its registered handler, its narrowing)
                return qualified
        name = next((b.id for b in bases if isinstance(b, ast.Name)), "")
    return None


# Starlette's response classes by name: a library re-exporting or subclassing one
# (`from stac_fastapi.api.models import JSONResponse`) keeps the name and the signature.
_STARLETTE_RESPONSES = frozenset({"JSONResponse", "ORJSONResponse", "UJSONResponse",
                                  "PlainTextResponse", "HTMLResponse"})


def starlette_shaped(ctx: FileContext, call: ast.Call) -> str | None:
    """`JSONResponse(status_code=503, content=resp)` where `JSONResponse` is imported from a
    package the rule does not know (a framework extension's subclass of Starlette's): the
    class name and the keywords `status_code` and `content` are Starlette's own signature,
    `content` the body sent. The Starlette class it answers as, or None."""
    func = call.func
    if not isinstance(func, ast.Name) or func.id not in _STARLETTE_RESPONSES or not {
            "status_code", "content"} <= {k.arg for k in call.keywords}:
        return None
    bindings = ctx.semantic.lookup(func.id, func)[1]
    if len(bindings) != 1 or bindings[0].kind != "import":
        return None
    return f"starlette.responses.{func.id}"


def _is_middleware_dispatch(ctx: FileContext, func: ast.AST) -> bool:
    """`dispatch(self, request, call_next)` of a Starlette `BaseHTTPMiddleware` subclass:
    what it returns is the response of every request it sees."""
    if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef) or func.name != "dispatch":
        return False
    owner = ctx.semantic.parent(func)
    return isinstance(owner, ast.ClassDef) and any(
        (ctx.qualified_name(base) or "").endswith("middleware.base.BaseHTTPMiddleware")
        for base in owner.bases)


def _is_wsgi_callable(func: ast.AST) -> bool:
    """`def app(environ, start_response)`: what it returns is the response body."""
    if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
        return False
    params = [a.arg for a in [*func.args.posonlyargs, *func.args.args]]
    return "start_response" in params and "environ" in params


class BroadExceptLeak(Rule):
    id = "BR401"

    def __init__(self, ctx: FileContext, doc: RuleDoc) -> None:
        super().__init__(ctx, doc)
        # Per-file call gates (each exact, see their functions): the callee names a
        # response builder can be written with (None: any), the parameters a hand-on can
        # pass, and the names a registration or a stream is called by. A file where no
        # call can matter takes no call at all.
        self._lone = LoneFunctions(ctx)
        record_file_imports(ctx)  # the ways to a function, for the project half
        self._responses = response_call_names(ctx.semantic)
        self._texts = text_parameters(ctx)
        if self._responses is not None and not self._texts and \
                _CALLEE_NAMES.isdisjoint(ctx.semantic.callee_names()) and \
                self._responses.isdisjoint(ctx.semantic.callee_names()):
            self.idle = frozenset({ast.Call})

    def visit_Call(self, node: ast.Call) -> None:
        # For the project half (br401_calls): which parameters a function sends to the
        # client, and which it hands on.
        func = node.func
        kind = type(func)
        written = func.attr if kind is ast.Attribute else (  # type: ignore[attr-defined]
            func.id if kind is ast.Name else "")  # type: ignore[attr-defined]
        responses = self._responses
        family = response_call(self.ctx, node) if responses is None or \
            written in responses else None
        if family is None and written in WEBSOCKET_SENDS:
            family = websocket_send(self.ctx, node)
        if family is not None:
            record_response(self.ctx, node, family)
        else:
            if self._texts and passes_one_of(node, self._texts):
                record_hand_on(self.ctx, node)
            if written in REGISTER_CALLS:
                record_registration_call(self.ctx, node, self._held_catch_all)
        if written in STREAM_NAMES:
            record_stream(self.ctx, node)

    def visit_Yield(self, node: ast.Yield | ast.YieldFrom) -> None:
        record_relay(self.ctx, node)

    visit_YieldFrom = visit_Yield

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        record_decorated_handler(self.ctx, node, self._held_catch_all)
        record_text_returns(self.ctx, node)
        record_error_returns(self.ctx, node)
        if node.decorator_list:
            self._server_error_page(node)

    def _server_error_page(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        """`@app.errorhandler(500) def internal_server_error(e): return render_template(...,
        stacktrace=traceback.format_exc())`: Flask calls the handler inside the `except` that
        caught the failure, so the traceback it formats is the failure's own (the handler's
        argument is werkzeug's generic InternalServerError, its traceback is not)."""
        registration = next((d for d in node.decorator_list if _registers_server_error(
            self.ctx, d)), None)
        if registration is None:
            return
        for ret in nodes_within(node.body):
            if not isinstance(ret, ast.Return) or ret.value is None:
                continue
            trace = _stack_trace_in(self.ctx, ret.value)
            if trace is None:
                continue
            marker = ast.Pass()  # the `def` line, not the whole body
            marker.lineno = marker.end_lineno = node.lineno
            marker.col_offset = node.col_offset
            marker.end_col_offset = node.col_offset + len("def")
            self.report(marker, f"`{node.name}`, the error handler registered for status 500 "
                        f"({self.ctx.source(registration)}), sends the stack trace of every "
                        f"unhandled failure to the client: {trace} reaches its response on line "
                        f"{ret.lineno}", fix=Fix(
                            "Log the failure with its traceback (Flask already logs unhandled "
                            "exceptions) and render the error page without it: show a generic "
                            "message with an error id the client can quote."),
                        related=(Related(self.ctx.span_of(ret),
                                         "the stack trace reaches the response here"),))
            return

    def _held_catch_all(self, handler: ast.AST, message: str) -> Finding:
        """The finding at an error handler registered for every exception, kept for the
        project half, which reports it when the exception's text reaches the response."""
        marker = ast.Pass()  # the `def` line, not the whole body
        marker.lineno = marker.end_lineno = getattr(handler, "lineno", 1)
        marker.col_offset = getattr(handler, "col_offset", 0)
        marker.end_col_offset = marker.col_offset + len("def")
        finding = self.report(marker, message, fix=Fix(
            "Log the exception with its traceback and answer a generic message with an error "
            "id; keep exception text for the handlers of the application's own, deliberate "
            "exceptions."))
        self.ctx.findings.remove(finding)
        return finding

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Assign(self, node: ast.Assign) -> None:
        record_drf_setting(self.ctx, node, self._held_catch_all)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        broad = is_broad_handler(self.ctx, node)
        if not broad and not re.search(r"traceback|exc_info", self.ctx.source(node)):
            return
        analysis = analysis_for(self.ctx, node)
        leak = analysis.leak
        if leak is None:
            if broad:
                self._through_text_helper(node, analysis)
                self._helper_candidates(node, analysis)
                if not self._parses_input(node):
                    # `raise ApiError(str(e), 500)`: the project half looks for the error
                    # handler registered for ApiError.
                    # Text collected per item (`errors.append(str(e))`) is raised after the
                    # loop (`raise ApiError("bulk update failed", 500, errors=errors)`).
                    later = analysis.collected_later()
                    record_raises(self.ctx, node, [*analysis.nodes, *later], analysis.tainted,
                                  lambda at, arg: self._held_finding(node, analysis, at, arg))
                    # `raise http_exception_from_error(e)`: the project half asks whether
                    # the helper returns an HTTP error carrying the exception's text.
                    record_raised_helper(self.ctx, node, analysis.nodes,
                                         partial(self._held_finding, node, analysis))
                if any(isinstance(n, ast.Yield) for n in analysis.nodes) and \
                        not self._parses_input(node):
                    record_generator_yields(self.ctx, node, analysis.nodes, analysis.tainted,
                                            lambda: self._held_finding(node, analysis))
                if not analysis.in_route and not self._parses_input(node):
                    returns = [n for n in analysis.nodes if isinstance(n, ast.Return)]
                    if returns and not self._returned_by_wrapper(node, analysis):
                        held = self._held_once(node, analysis)
                        record_returned_text(self.ctx, node, returns, analysis.tainted, held)
                        held.settle()
            return
        if not broad and not leak.what.startswith(("traceback.", "sys.exc_info")):
            # A specific exception's own text is often a deliberate message (KeyError ->
            # "missing field"); a stack trace never is.
            return
        finding = self._report_leak(node, analysis, leak, broad)
        if not analysis.in_route and self._lone.lone(analysis.function):
            hold_direct(self.ctx, finding)  # the project half asks whether anything calls it

    def _report_leak(self, node: ast.ExceptHandler, analysis: HandlerAnalysis, leak: Leak,
                     broad: bool) -> Finding:
        sink_line = getattr(leak.sink, "lineno", node.lineno)
        message = (f"`{_handler_label(self.ctx, node)}` sends exception details to the client: "
                   f"{leak.what} reaches {leak.sink_label} on line {sink_line}")
        severity = None
        if operator_facing(self.ctx, node, analysis.function):
            message, severity = f"{message} ({OPERATOR_NOTE})", Severity.NOTE
        elif broad and (missing := _attribute_few_define(analysis, leak)):
            message, severity = f"{message} ({missing})", Severity.NOTE
        try_stmt = self.ctx.semantic.parent(node)
        if analysis.gate is not None:
            message = f"{message} ({debug_note(self.ctx, analysis.gate)})"
            return self.report(_except_line(node), message, fix=Fix(debug_fix_words(
                self.ctx, analysis.gate)), related=(Related(
                    self.ctx.span_of(leak.sink), "the exception reaches the response here"),),
                severity=Severity.NOTE)
        fix = stored_text_fix(analysis, leak) or connection_test_fix(analysis.function) or \
            health_check_fix(analysis, leak) or \
            own_messages_fix(self.ctx, try_stmt) or \
            input_report_fix(self.ctx, analysis, try_stmt) or \
            client_error_fix(self.ctx, leak.sink, try_stmt) or leak_fix(
            self.ctx, analysis, leak, _logging_fix(
                self.ctx, analysis, leak.kind, "Log the exception with its traceback and return "
                "a generic message (with an error id the client can quote).",
                _websocket_final(self.ctx, leak, analysis.function)))
        return self.report(_except_line(node), message, fix=fix, related=(
            Related(self.ctx.span_of(leak.sink), "the exception reaches the response here"),),
            severity=severity)

    def _returned_by_wrapper(self, node: ast.ExceptHandler, analysis: HandlerAnalysis) -> bool:
        """`except Exception as e: return {"error": str(e)}, 500` in a decorator's wrapper:
        what it returns is the response of every view it wraps. Held for the project half,
        which reports it when routes wear the decorator."""
        decorator = wrapped_by(self.ctx, analysis.function)
        if decorator is None:
            return False
        again = HandlerAnalysis(self.ctx, node, as_route=True)
        leak = again.leak
        if leak is None or not isinstance(leak.sink, ast.Return):
            return False
        finding = self._report_leak(node, again, leak, True)
        self.ctx.findings.remove(finding)
        record_wrapper_leak(self.ctx, finding, decorator.lineno)
        return True

    def _through_text_helper(self, node: ast.ExceptHandler, analysis: HandlerAnalysis) -> None:
        """`detail=f"failed: {format_exception(e)}"`: the handler read again with a project
        call given the exception standing for its text; a leak found so is held for the
        project half, which reports it when that function returns its argument's text."""
        name = node.name
        if not name or not any(
                isinstance(n, ast.Call) and any(
                    isinstance(a, ast.Name) and a.id == name
                    for a in [*n.args, *(k.value for k in n.keywords)])
                for n in analysis.nodes):
            return
        again = HandlerAnalysis(self.ctx, node, through_calls=True)
        leak = again.leak
        if leak is None or leak.via is None:
            return
        finding = self._report_leak(node, again, leak, True)
        self.ctx.findings.remove(finding)
        if not analysis.in_route:
            # The project half's reach question, asked as for a direct leak (`hold_direct`):
            # it was asked only when another reading of the function happened to ask it.
            self._lone.lone(analysis.function)
        record_through_helper(self.ctx, node, leak.via[0], leak.via[1], finding)

    def _helper_candidates(self, node: ast.ExceptHandler, analysis: HandlerAnalysis) -> None:
        """Calls handing the exception to a function: the project half reports the handler
        when that function puts it into a response."""
        calls = [n for n in analysis.nodes if isinstance(n, ast.Call)
                 and response_call(self.ctx, n) is None and not is_logging_call(self.ctx, n)]
        if not calls or not (node.name or re.search(r"traceback|exc_info",
                                                     self.ctx.source(node))):
            return
        if self._parses_input(node):
            return  # the exception describes the client's own data
        decorator = wrapped_by(self.ctx, analysis.function) if not analysis.in_route else None
        held = self._held_once(node, analysis)
        record_candidates(self.ctx, node, calls, analysis.tainted, held, analysis.in_route,
                          decorator.lineno if decorator is not None else 0)
        held.settle()

    def _held_once(self, node: ast.ExceptHandler, analysis: HandlerAnalysis) -> _HeldOnce:
        return _HeldOnce(partial(self._held_finding, node, analysis),
                         None if analysis.in_route else partial(self._lone.lone,
                                                                analysis.function))

    def _parses_input(self, node: ast.ExceptHandler) -> bool:
        parent = self.ctx.semantic.parent(node)
        # Asked up to four times per broad handler, by each reading that holds a finding:
        # answered once per try statement (its body's every call was walked each time).
        return isinstance(parent, ast.Try) and self.ctx.memo(
            "br401-try-parses-input", parent, partial(_parses_client_input, self.ctx,
                                                      parent.body))

    def _helper_fix(self, analysis: HandlerAnalysis) -> Fix:
        """A broad except in a function that is no route handler (a service, a guardrail
        hook): its callers take what it returns or hands on, so a response built here is no
        fix. The text it returns is replaced where it is (same shape); else words."""
        words = Fix("This function is no route handler: its callers take what it returns or "
                    "hands on, and a route sends it. Log the exception with its traceback here "
                    "(logger.exception) and return or hand on a fixed message in place of the "
                    "exception's text, in the same shape the callers read.")
        for ret in (n for n in analysis.nodes if isinstance(n, ast.Return)):
            what = ret.value is not None and analysis.tainted(ret.value)
            if what:
                return leak_fix(self.ctx, analysis, Leak(what, ret, "its return value",
                                                         "return"), words)
        return words

    def _held_finding(self, node: ast.ExceptHandler, analysis: HandlerAnalysis,
                      at: ast.Raise | None = None, arg: ast.AST | None = None) -> Finding:
        """The finding at the except (or at `at`, a raise sending the text `arg` through
        the app's error handler), kept out of the file's findings: the project half words the
        rest once it knows where the text goes."""
        final = None
        if at is not None and at.exc is not None and arg is not None:
            # The same exception, with a generic text in place of the exception's.
            call, text = self.ctx.source(at.exc), self.ctx.source(arg)
            generic = 'f"Internal server error (error id {error_id})"'
            kept = _plain_string(sentence_without_exception(arg, analysis.tainted,
                                                            self.ctx.source))
            if kept:
                # the sentence the project wrote, without the exception's part, and the id
                words = kept[1:-1].replace("{", "{{").replace("}", "}}")
                generic = f"f{kept[0]}{words} (error id {{error_id}}){kept[0]}"
            keyword = self.ctx.semantic.parent(arg)
            if isinstance(keyword, ast.keyword) and keyword.arg:
                # `errors=errors`: the value, not the keyword's name that spells the same
                text, generic = f"{keyword.arg}={text}", f"{keyword.arg}={generic}"
            final = "raise " + call.replace(text, generic, 1)
        fix = (client_error_fix(self.ctx, at, self.ctx.semantic.parent(node)) if at is not None
               else None) or connection_test_fix(analysis.function) or (
            self._helper_fix(analysis) if at is None and not analysis.in_route
            and wrapped_by(self.ctx, analysis.function) is None else None) or \
            _logging_fix(self.ctx, analysis, "", "Log the exception with its traceback and "
                         "return a generic message (with an error id the client can quote).",
                         final or _websocket_final(self.ctx, None, analysis.function))
        head = f"`{_handler_label(self.ctx, node)}` sends exception details to the client"
        severity = Severity.NOTE if operator_facing(self.ctx, node, analysis.function) \
            else None
        if analysis.gate is not None:
            # Completed with the debug note by the project half (`completed`).
            head, severity = gated_head(self.ctx, head, analysis.gate), Severity.NOTE
            fix = Fix(debug_fix_words(self.ctx, analysis.gate))
        finding = self.report(at or _except_line(node), head, fix=fix, severity=severity)
        if not analysis.in_route:
            self._lone.lone(analysis.function)  # for the project half's reach question
        self.ctx.findings.remove(finding)
        return finding


class _HeldOnce:
    """The held finding of a handler (`_held_finding`), made on first use: most handlers
    handing the exception on record nothing, and the finding's words and fix were made for
    each of them (skyvern: ~600 findings, a quarter of BR401's time). `settle()` after the
    recording does what making it would have done for the project half when it was not
    made: asking whether the function is a lone one (its fact)."""

    def __init__(self, make: Callable[[], Finding], lone: Callable[[], bool] | None) -> None:
        self._make = make
        self._lone = lone
        self._finding: Finding | None = None

    def __call__(self) -> Finding:
        if self._finding is None:
            self._finding = self._make()
        return self._finding

    def settle(self) -> None:
        if self._finding is None and self._lone is not None:
            self._lone()


def _plain_string(kept: str | None) -> str | None:
    """`kept` when it is one plain string literal in double or single quotes (`"Failed"`),
    which an f-string can take over with the error id; None for anything else: `"Failed for
    %s" % "items"` (a format with its other value) ends in a quote too."""
    if not kept or kept[:1] not in ("\"", "'") or kept[:3] == kept[0] * 3:
        return None
    try:
        tokens = [t for t in tokenize.generate_tokens(io.StringIO(kept).readline)
                  if t.type not in (tokenize.NEWLINE, tokenize.ENDMARKER)]
    except (tokenize.TokenError, SyntaxError):
        return None
    # one string token (not `"a" "b"`, whose second part the f prefix would not reach)
    return kept if len(tokens) == 1 and tokens[0].type == tokenize.STRING else None


def _only_discards(handler: ast.ExceptHandler) -> bool:
    """`pass`, `...`, `continue`, `break` or a bare `return`: the failure is dropped."""
    for stmt in handler.body:
        if isinstance(stmt, ast.Pass | ast.Continue | ast.Break):
            continue
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            continue  # `...` or a string
        if isinstance(stmt, ast.Return) and (stmt.value is None or (
                isinstance(stmt.value, ast.Constant) and stmt.value.value is None)):
            continue
        return False
    return True


_CLEANUP = re.compile(r"^(?:a?close|clear|remove\w*|delete\w*|unlink|cancel|shutdown"
                      r"|disconnect|release|rollback|kill|terminate|stop|flush|cleanup"
                      r"|delete_cookie|discard|unsubscribe|rmtree|aclose)$")


def _best_effort_body(body: list[ast.stmt]) -> bool:
    """A try body whose failure the route can do without: computing an optional value over a
    default (assignments, conditionals), cleanup calls, or an optional early response."""
    for stmt in body:
        if isinstance(stmt, ast.Assign | ast.AugAssign | ast.AnnAssign | ast.Return
                      | ast.Pass | ast.Break | ast.Continue):
            continue  # `content = content.decode(); break`: the next candidate is tried
        if isinstance(stmt, ast.If):
            if _best_effort_body(stmt.body) and _best_effort_body(stmt.orelse):
                continue
            return False
        if isinstance(stmt, ast.With | ast.AsyncWith):
            if _best_effort_body(stmt.body):
                continue
            return False
        if isinstance(stmt, ast.Expr):
            call = stmt.value.value if isinstance(stmt.value, ast.Await) else stmt.value
            if isinstance(call, ast.Call):
                func = call.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if _CLEANUP.match(name):
                    continue
        return False
    return True


_SERVER_ERROR_NAMES = ("HTTP_500", "HTTP_502", "HTTP_503", "INTERNAL_SERVER_ERROR",
                       "HTTPInternalServerError", "HttpResponseServerError")


class SwallowedException(Rule):
    """Reports broad handlers in routes that drop the failure (`pass`, bare `return`,
    `continue`) or turn it into a 5xx response, without logging or re-raising. Handlers that
    fall back to a default or answer 4xx for bad input are deliberate and not reported."""

    id = "BR402"

    def _best_effort(self, handler: ast.ExceptHandler) -> bool:
        parent = self.ctx.semantic.parent(handler)
        return isinstance(parent, ast.Try) and _best_effort_body(parent.body)

    def _hides_server_error(self, analysis: HandlerAnalysis) -> bool:
        for node in analysis.nodes:
            if isinstance(node, ast.Constant) and isinstance(node.value, int) and (
                    500 <= node.value <= 599):
                return True
            if isinstance(node, ast.Name | ast.Attribute):
                text = node.attr if isinstance(node, ast.Attribute) else node.id
                if text.startswith(_SERVER_ERROR_NAMES):
                    return True
        return False

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if not is_broad_handler(self.ctx, node):
            return
        analysis = analysis_for(self.ctx, node)
        if not analysis.in_route or analysis.logs or analysis.raises or analysis.leak:
            return
        hides = self._hides_server_error(analysis)
        if not hides and not (_only_discards(node) and not self._best_effort(node)):
            return
        if node.name and any(isinstance(n, ast.Name) and n.id == node.name
                             for n in analysis.nodes):
            return  # the exception is handed to something (a notifier, a message)
        where = analysis.function.name if analysis.function else "the route"
        message = (f"`{_handler_label(self.ctx, node)}` in route handler `{where}` neither logs "
                   f"nor re-raises: the failure disappears without a trace")
        expected = None if hides else expected_failure_fix(self.ctx, node)
        if expected is not None:
            self.report(_except_line(node), message, fix=expected)
            return
        logger, setup = _logger_setup(self.ctx)
        setup += "\n" if setup else ""
        fix = Fix("Log the exception with its traceback as the first line of the `except` "
                  "block (or let it propagate to the framework's error handler).",
                  f'{setup}{logger}.exception("{where} failed")')
        self.report(_except_line(node), message, fix=fix)


RULES = (BroadExceptLeak, SwallowedException)
