"""The exact BR401 fix: log the exception and send a generic text where the exception's text
went, in the response the handler already builds (same builder, same status, same keys).

    except Exception as e:                      except Exception as e:
        return {"error": str(e)}, 500     ->        logger.exception("create_item failed")
                                                    return {"error": "Internal server error"}, 500

The module's logger is used; without one, `logger = logging.getLogger(__name__)` is added
after the imports. Unsafe (ruff's sense): the client sees a different body.
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING

from ..analysis.handlers import module_logger, response_call
from ..analysis.rewrite import import_edit, imported_name, replace_in, setup_edit
from ..analysis.values import snake
from ..astutil import nodes_within
from ..context import FileContext
from ..model import Edit, Fix
from .br401_sentence import sentence_without_exception, translated

if TYPE_CHECKING:
    from .br401_errors import HandlerAnalysis, Leak

GENERIC_TEXT = '"Internal server error"'
# How the default words ask for the generic text (br401_errors' logging fix).
_GENERIC_WORDS = "return a generic message (with an error id the client can quote)"
# What answers "your input is wrong" (400 / 422): the status by number or name, or an
# exception that frameworks turn into a 400 (DRF's ValidationError / ParseError, werkzeug's
# BadRequest). Other 4xx are not about the input (403), or a project's own convention for
# every error (pgadmin answers 410 for all of them).
_CLIENT_STATUSES = frozenset({400, 422})
# `INVALID_FORM_DATA`: an API's own error code for bad input (Djblets' web API errors).
_CLIENT_STATUS_NAME = re.compile(r"HTTP_(400|422)_|BAD_REQUEST|UNPROCESSABLE|^INVALID_[A-Z_]+$")
_CLIENT_ERRORS = frozenset({"ValidationError", "ParseError", "BadRequest", "HTTPBadRequest",
                            "HttpResponseBadRequest",
                            "HTTPUnprocessableEntity", "UnprocessableEntity"})
# A field that exists to describe what is wrong with the input (`parse_error=...`).
_INPUT_ERROR_FIELD = re.compile(r"(parse|parsing|validation)_?(error|errors|message)$", re.I)
_SIMPLE = (ast.Return, ast.Raise, ast.Expr, ast.Assign)
# A project's exception named for bad input (`InvalidFileType`, `InvalidRequest`): raised to
# answer the client that its input is wrong (skyvern's file blocks, a registered handler).
_INPUT_ERROR_TYPE = re.compile(r"^Invalid[A-Z][A-Za-z]*$")


def _text_node(analysis: HandlerAnalysis, expr: ast.AST) -> ast.AST | None:
    """The smallest part of `expr` that is the exception's text: through dict values, list
    and tuple items and the arguments of response builders down to the f-string, `str(e)`,
    concatenation, helper call or local that carries it."""
    node = expr
    while True:
        if isinstance(node, ast.Dict):
            parts: list[ast.AST] = [v for v in node.values]
        elif isinstance(node, ast.List | ast.Tuple):
            parts = list(node.elts)
        elif isinstance(node, ast.Call) and (node is expr or response_call(analysis.ctx, node)
                                             or _SERIALISER.match(_callee(node))
                                             or _callee(node) == "dict"
                                             or _model_call(node)):
            # `dict(message=...)` is a body's shape like a dict literal: the text is inside;
            # so is a response model's (`InvokeAiToolResponse(success=False, error=...)`
            # inside `StructResponse(...)`): a string in its place would lose its shape.
            parts = [*node.args, *(k.value for k in node.keywords)]
        else:
            return node
        tainted = [p for p in parts if analysis.tainted(p)]
        if len(tainted) != 1:
            return None if not tainted else node
        node = tainted[0]


# `json.dumps({"error": str(e)})` inside a response: the text is inside the JSON, whose
# shape the client parses.
_SERIALISER = re.compile(r"^(?:dumps|json_dumps|to_json|jsonify)$")


def _model_call(call: ast.Call) -> bool:
    """`ToolResponse(success=False, error=...)`, `ToolError(...)`: a class (a response model,
    a struct, an error type), one of whose fields carries the text."""
    name = _callee(call)
    return name[:1].isupper() and not name.isupper()


def _callee(call: ast.Call) -> str:
    return call.func.attr if isinstance(call.func, ast.Attribute) else getattr(
        call.func, "id", "")


def _logger(ctx: FileContext) -> tuple[str, list[Edit]] | None:
    name = module_logger(ctx)
    if name:
        return name, []
    if any(isinstance(s, ast.Assign | ast.AnnAssign | ast.FunctionDef | ast.ClassDef | ast.Import
                      | ast.ImportFrom) and "logger" in _bound(s) for s in ctx.tree.body):
        return None  # `logger` means something else here
    edits: list[Edit] = []
    get_logger = imported_name(ctx.tree, "logging.getLogger")
    if get_logger is None:
        edit = import_edit(ctx.tree, "import logging")
        if edit is None:
            return None
        edits.append(edit)
        get_logger = "logging.getLogger"
    setup = setup_edit(ctx.tree, f"logger = {get_logger}(__name__)",
                       uses=get_logger.partition(".")[0])
    if setup is None:
        return None
    return "logger", [*edits, setup]


def _bound(stmt: ast.stmt) -> set[str]:
    if isinstance(stmt, ast.Import | ast.ImportFrom):
        return {(a.asname or a.name).split(".")[0] for a in stmt.names}
    if isinstance(stmt, ast.FunctionDef | ast.ClassDef):
        return {stmt.name}
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]  # type: ignore[attr-defined]
    return {t.id for t in targets if isinstance(t, ast.Name)}


def leak_fix(ctx: FileContext, analysis: HandlerAnalysis, leak: Leak, fallback: Fix) -> Fix:
    """An exact fix when the leak is a simple statement inside the handler; else `fallback`
    (a suggestion)."""
    statement = ctx.semantic.statement_of(leak.sink)
    if not isinstance(statement, _SIMPLE) or not (
            analysis.first <= statement.lineno <= analysis.last):
        return fallback
    sink = leak.sink
    values: list[ast.AST]
    if isinstance(sink, ast.Return):
        values = [sink.value] if sink.value is not None else []
    else:
        values = [sink]
    text = _text_node(analysis, values[0]) if len(values) == 1 else None
    handed = _exception_handed_on(ctx, analysis, values[0], text) if values else None
    if handed is not None:
        return handed
    carried = _status_it_carries(analysis)
    if carried is not None:
        return Fix(f"The except answers with the status the exception carries (`{carried}`): "
                   f"exceptions raised to answer the client (an HTTP error with its status and "
                   f"message) go through it on purpose. Keep their text only for those (catch "
                   f"the project's or framework's HTTP error type in its own `except` and "
                   f"answer its status and message), and answer anything else with a fixed "
                   f"500 message after logging it with its traceback (logger.exception).")
    told = _input_error_told_apart(analysis)
    if told is not None:
        return Fix(f"This except tells a `{told}` (the input's error, answered with its "
                   f"message on purpose) from the rest and sends both texts: keep the text for "
                   f"`{told}` only (catch it in its own `except {told}` before this one) and "
                   f"answer anything else with a fixed message, after logging it with its "
                   f"traceback (logger.exception).")
    if isinstance(text, ast.Name):
        # `error_message = str(e)` ... `results = [Result(error=error_message) ...]`: the text
        # is made once, in a local; replacing it there keeps every shape built from it (a
        # list of per-item results, a response model) where a string in their place breaks.
        origin = _text_origin(analysis)
        if origin is None:
            return fallback
        if _target_name(origin[0]) != text.id or origin[1] is not origin[0].value:
            # (the local is the text itself, `msg = str(e)`: replace its use; it holds a
            # shape with the text inside, `err = {"error": f"...{e}"}`: replace the text
            # there, or the use would answer a bare string where the client reads the shape)
            statement, text = origin
    # A handler that already logs the failure needs no logger of ours (its own may be a
    # local one: a module-level logger added beside it would go unused).
    logger = ("logger", []) if analysis.logs else _logger(ctx)
    if text is None or logger is None:
        return fallback
    # A sentence the project wrote around the exception keeps its words; only the
    # exception's part goes. Nothing written around it: the generic text.
    kept = sentence_without_exception(text, analysis.tainted, ctx.source)
    rewritten = None
    for new_text in ([kept] if kept else []) + [GENERIC_TEXT]:
        # (a kept sentence that does not parse here, `f"{d["k"]}"` before 3.12: generic)
        rewritten = replace_in(ctx.source(statement), ctx.source(text), new_text,
                               statement=True) or replace_in(
            # a text split over lines inside parentheses: libcst's node includes them
            ctx.source(statement), f"({ctx.source(text)})", new_text, statement=True)
        if rewritten is not None:
            break
        kept = None
    if rewritten is None:
        return fallback
    rewritten = _without_other_texts(ctx, analysis, statement, text, rewritten)
    if rewritten is None:
        return fallback
    to_500 = False
    if not kept and _in_catch_all_after_specific(ctx, statement):
        # "Internal server error" under a 400 would misdescribe the answer: the unexpected
        # rest a catch-all sees is the server's failure, a 500.
        rewritten, count = _CLIENT_STATUS_KEYWORD.subn(r"\g<1>500", rewritten, count=1)
        to_500 = count == 1
    name, setup = logger
    where = analysis.function.name if analysis.function else "request"
    lines = [] if analysis.logs else [f'{name}.exception("{where} failed")']
    # The edit replaces the statement from its first column: every later statement starts
    # with the statement's own indentation, so the text is right where it lands (a SARIF
    # consumer pastes it as is).
    edit_text = ("\n" + _indentation(ctx, statement)).join([*lines, rewritten])
    replacement = "\n".join([*lines, rewritten])  # the suggestion reads as a block
    description = fallback.description
    if kept:
        keep = ("keep the message written for the user without the exception's text (the "
                "status and the response's shape stay)")
        description = description.replace(_GENERIC_WORDS, keep) if _GENERIC_WORDS in \
            description else f"{description} The edit keeps the written message: {keep}."
        if translated(text):
            description += (" The translatable message changes: update the translation "
                            "catalogs.")
    return Fix(description + _catch_all_note(ctx, statement, to_500) +
               _other_sinks(ctx, analysis, statement), replacement,
               edits=(*setup, Edit(ctx.span_of(statement), edit_text)), safe=False)


def _without_other_texts(ctx: FileContext, analysis: HandlerAnalysis, statement: ast.stmt,
                         text: ast.AST, rewritten: str) -> str | None:
    """`rewritten` with every other local of the handler made from the exception
    (`exception_str = format_exception(e)`) that the statement also sends replaced by the
    generic text: an edit that fixes one field of `{"exception": exception_str, "traceback":
    format_exc()}` leaves the other carrying the same text. None when one cannot be."""
    caught = analysis.handler.name
    if not caught:
        return rewritten
    def text_of_exception(value: ast.AST) -> bool:
        # its text (`str(e)`), or what a function makes of it (`format_exception(e)`); not a
        # status or a flag computed from it (`400 if e.__class__ is X else 500`)
        return bool(analysis.tainted(value)) or any(
            isinstance(c, ast.Call) and any(isinstance(a, ast.Name) and a.id == caught
                                            for a in c.args) for c in ast.walk(value))
    made = {_target_name(n) for n in analysis.nodes if isinstance(n, ast.Assign)
            and n.value is not None and text_of_exception(n.value)} - {""}
    inside = {id(n) for n in ast.walk(text)}
    others = sorted({n.id for n in ast.walk(statement) if isinstance(n, ast.Name)
                     and isinstance(n.ctx, ast.Load) and n.id in made and id(n) not in inside}
                    - _status_names(statement))
    for name in others:
        replaced = replace_in(rewritten, name, GENERIC_TEXT, statement=True)
        if replaced is None:
            return None
        rewritten = replaced
    return rewritten


def _status_names(statement: ast.stmt) -> set[str]:
    """Locals the statement answers with as the status (`return body, code`,
    `status_code=code`): a status made from the exception (`code = error_code(e)`) is a
    number, not its text, and stays."""
    names: set[str] = set()
    if isinstance(statement, ast.Return) and isinstance(statement.value, ast.Tuple):
        names |= {e.id for e in statement.value.elts[1:2] if isinstance(e, ast.Name)}
    names |= {k.value.id for n in ast.walk(statement) if isinstance(n, ast.Call)
              for k in n.keywords if k.arg in ("status", "status_code")
              and isinstance(k.value, ast.Name)}
    return names


def _indentation(ctx: FileContext, statement: ast.stmt) -> str:
    """The whitespace before `statement` on its first line."""
    line = ctx.lines[statement.lineno - 1] if statement.lineno <= len(ctx.lines) else ""
    return line[:statement.col_offset] if not line[:statement.col_offset].strip() else ""


def _exception_handed_on(ctx: FileContext, analysis: HandlerAnalysis, value: ast.AST,
                         text: ast.AST | None) -> Fix | None:
    """Words, not code, when what reaches the answer is the exception itself handed to a
    function of the project (`on_exception(sys.exc_info())`, `error_page(e)`), not its text:
    that function builds the answer from the exception and expects one, so a string in its
    place breaks it. The masking belongs in that function (or the hook it stands for)."""
    if not isinstance(value, ast.Call) or text is None or \
            response_call(ctx, value) or _SERIALISER.match(_callee(value)):
        return None
    arguments = [*value.args, *(k.value for k in value.keywords)]
    caught = analysis.handler.name
    if text is value and caught and any(isinstance(a, ast.Name) and a.id == caught
                                        for a in arguments):
        # `self.handle_save_error(e, tile_id, message=str(e))`: the exception and its text
        # both go to the project's function, which builds the answer; a string in place
        # of the whole call would answer a bare string.
        texts = [a for a in arguments if analysis.tainted(a) and not (
            isinstance(a, ast.Name) and a.id == caught)]
        callee = ctx.source(value.func)
        shown = f" (`{ctx.source(texts[0])}`)" if texts else ""
        return Fix(f"`{callee}` is handed the exception and its text{shown} and builds the "
                   f"answer from them: a string in place of the call would change what the "
                   f"view answers. Pass it a fixed message written for the user in place of "
                   f"the exception's text, and let it log the exception with its traceback "
                   f"(logger.exception) rather than send it.")
    if text is value or text not in arguments:
        return None
    qualified = ctx.qualified_name(text.func) if isinstance(text, ast.Call) else None
    if not (qualified == "sys.exc_info" or (isinstance(text, ast.Name) and caught
                                            and text.id == caught)):
        return None
    callee = ctx.source(value.func)
    return Fix(f"`{callee}` is handed the exception itself (`{ctx.source(text)}`), not its "
               f"text, and builds the answer from it: a message in its place would break it. "
               f"Leave this call and make `{callee}` (or the hook it stands for) mask "
               f"unexpected errors: log the exception with its traceback and an error id "
               f"(logger.exception), and answer without the exception's text or stack; "
               f"the errors meant for the user keep their own answer.")


_STATUS_ATTRIBUTES = frozenset({"status_code", "status", "http_status", "code"})


def _status_it_carries(analysis: HandlerAnalysis) -> str | None:
    """`getattr(e, "status_code", 500)`, `e.status_code`: the answer's status comes from the
    exception, which was raised to answer the client (marimo's validate callback). Only in a
    broad except: one for a given type (`except ApiException`) relays that type's status."""
    caught = analysis.handler.name
    kind = analysis.handler.type
    if not caught or (kind is not None and _type_name(kind) not in _BROAD):
        return None
    for node in analysis.nodes:
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and \
                node.value.id == caught and node.attr in _STATUS_ATTRIBUTES - {"code"}:
            return f"{caught}.{node.attr}"
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "getattr" and \
                len(node.args) >= 2 and isinstance(node.args[0], ast.Name) and \
                node.args[0].id == caught and isinstance(node.args[1], ast.Constant) and \
                node.args[1].value in _STATUS_ATTRIBUTES:
            return f'getattr({caught}, "{node.args[1].value}", ...)'
    return None


def _input_error_told_apart(analysis: HandlerAnalysis) -> str | None:
    """`status = 400 if e.__class__ is ValidationError else 500`, `isinstance(e,
    ValidationError)`: the except picks out an input error by its type, whose message is for
    the user; a fixed text for both would hide it (openwisp's config preview)."""
    caught = analysis.handler.name
    if not caught:
        return None
    for node in analysis.nodes:
        names: list[ast.AST] = []
        if isinstance(node, ast.Compare) and any(
                isinstance(n, ast.Name) and n.id == caught for n in ast.walk(node.left)):
            names = list(node.comparators)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "isinstance" and \
                len(node.args) == 2 and isinstance(node.args[0], ast.Name) and \
                node.args[0].id == caught:
            second = node.args[1]
            names = list(second.elts) if isinstance(second, ast.Tuple) else [second]
        for name in names:
            kind = _type_name(name)
            if kind in _CLIENT_ERRORS:
                return kind
    return None


def _target_name(stmt: ast.stmt) -> str:
    target = stmt.targets[0] if isinstance(stmt, ast.Assign) else getattr(stmt, "target", None)
    return target.id if isinstance(target, ast.Name) else ""


def _text_origin(analysis: HandlerAnalysis) -> tuple[ast.stmt, ast.AST] | None:
    """The one assignment of the handler that makes text of the exception itself (not of
    another local), and the part of its value that is that text."""
    origins = [n for n in analysis.nodes if isinstance(n, ast.Assign | ast.AnnAssign)
               and n.value is not None and isinstance(
                   n.targets[0] if isinstance(n, ast.Assign) else n.target, ast.Name)
               and (analysis.tainted(n.value) or "").count("(through") == 0
               and analysis.tainted(n.value)]
    if len(origins) != 1 or origins[0].value is None:
        return None
    value = origins[0].value
    made = isinstance(value, ast.JoinedStr | ast.BinOp) or (isinstance(value, ast.Call) and (
        getattr(value.func, "id", "") in ("str", "repr", "format")))
    text = value if made else _text_node(analysis, value)
    if text is None or isinstance(text, ast.Name):
        return None
    return origins[0], text


def _client_error(node: ast.AST) -> str | None:
    """How `node` (the statement that answers) says the answer is about bad input, if it
    does: `400`, `status.HTTP_422_...`, `raise ValidationError(...)`, a `parse_error=` field."""
    slices = {id(n) for s in ast.walk(node) if isinstance(s, ast.Slice)
              for n in ast.walk(s)}  # `text[:400]` is a length, not a status
    for sub in ast.walk(node):
        if isinstance(sub, ast.Constant) and type(sub.value) is int and \
                sub.value in _CLIENT_STATUSES and id(sub) not in slices:
            return f"status {sub.value}"
        if isinstance(sub, ast.Attribute | ast.Name):
            name = sub.attr if isinstance(sub, ast.Attribute) else sub.id
            if _CLIENT_STATUS_NAME.search(name):
                return name
        if isinstance(sub, ast.Call):
            callee = sub.func.attr if isinstance(sub.func, ast.Attribute) else \
                sub.func.id if isinstance(sub.func, ast.Name) else ""
            if callee in _CLIENT_ERRORS:
                return f"{callee}, a 400"
            if _INPUT_ERROR_TYPE.match(callee):
                return f"`{callee}`, an error about the input"
            for kw in sub.keywords:
                if kw.arg and _INPUT_ERROR_FIELD.search(kw.arg):
                    return f"the `{kw.arg}` field"
        if isinstance(sub, ast.Dict):
            for key in sub.keys:
                if isinstance(key, ast.Constant) and isinstance(key.value, str) and \
                        _INPUT_ERROR_FIELD.search(key.value):
                    return f'the "{key.value}" field'
    return None


# 4xx answers that are about something other than the input's form: a refusal, a missing
# resource, a conflict. By number or by name (`status.HTTP_403_FORBIDDEN`, DRF's
# `PermissionDenied`, Django's `Http404`).
_OTHER_4XX = {401: "a refused authentication", 403: "a refusal", 404: "a missing resource",
              409: "a conflict"}
_OTHER_4XX_NAME = re.compile(r"HTTP_(401|403|404|409)_"
                             r"|^(UNAUTHORIZED|FORBIDDEN|NOT_FOUND|CONFLICT)$"
                             r"|^(PermissionDenied|NotAuthenticated|AuthenticationFailed|NotFound"
                             r"|Http404|HTTPForbidden|HTTPUnauthorized|HTTPNotFound|HTTPConflict"
                             r"|HttpResponseForbidden|HttpResponseNotFound)$")
_NAME_STATUS = {"PermissionDenied": 403, "NotAuthenticated": 401, "AuthenticationFailed": 401,
                "NotFound": 404, "Http404": 404, "HTTPForbidden": 403, "HTTPUnauthorized": 401,
                "HTTPNotFound": 404, "HTTPConflict": 409, "UNAUTHORIZED": 401, "FORBIDDEN": 403,
                "NOT_FOUND": 404, "CONFLICT": 409, "HttpResponseForbidden": 403,
                "HttpResponseNotFound": 404}
# Calls and exception types that say the try body talks to another server.
_REMOTE_MODULES = ("httpx.", "requests.", "aiohttp.", "urllib3.", "urllib.request.", "grpc.")
_REMOTE_METHODS = frozenset({"post", "put", "patch", "request", "send", "urlopen",
                             "raise_for_status", "fetch"})
# A handler whose name says it reports whether a connection works.
_CONNECTION_TEST = re.compile(r"^(?:test|check|verify|probe)_(?:\w+_)?conn(?:ection)?s?$"
                              r"|(?:^|_)conn(?:ection)?_(?:test|check)$")


# Words of a name that checks who the caller is.
_CREDENTIAL_WORDS = re.compile(r"auth|login|logon|passw|token|credential|session_key|saml|oauth"
                               r"|oidc|jwt|ldap|kerberos|signature|verify|identity|user"
                               r"|api[-_]?key|secret|bearer|hmac", re.IGNORECASE)


def _checks_credentials(ctx: FileContext, try_stmt: ast.Try) -> bool:
    """Whether the try body or its excepts name anything that checks who the caller is (a
    call, a name, an exception type, a header read: `lookup_key(request.headers["X-API-Key"])`):
    then a 401 there is a refused authentication."""
    for node in [*try_stmt.body, *(h.type for h in try_stmt.handlers if h.type is not None)]:
        for sub in ast.walk(node):
            name = sub.attr if isinstance(sub, ast.Attribute) else sub.id if isinstance(
                sub, ast.Name) else sub.value if isinstance(sub, ast.Constant) and isinstance(
                sub.value, str) and len(sub.value) <= 40 else ""
            if name and _CREDENTIAL_WORDS.search(name):
                return True
    return False


def _other_client_status(node: ast.AST) -> int | None:
    """401, 403, 404 or 409, when the statement answering says so."""
    slices = {id(n) for s in ast.walk(node) if isinstance(s, ast.Slice) for n in ast.walk(s)}
    for sub in ast.walk(node):
        if isinstance(sub, ast.Constant) and type(sub.value) is int and \
                sub.value in _OTHER_4XX and id(sub) not in slices:
            return sub.value
        if isinstance(sub, ast.Attribute | ast.Name):
            name = sub.attr if isinstance(sub, ast.Attribute) else sub.id
            match = _OTHER_4XX_NAME.search(name)
            if match:
                return int(match.group(1)) if match.group(1) else _NAME_STATUS[name]
    return None


def _talks_to_server(ctx: FileContext, try_stmt: ast.AST) -> str | None:
    """How the try body shows it calls another server: an HTTP client call, or a sibling
    `except httpx.HTTPStatusError` expecting that server's failures."""
    if not isinstance(try_stmt, ast.Try):
        return None
    for handler in try_stmt.handlers:
        kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        for kind in kinds:
            if kind is not None and (ctx.qualified_name(kind) or "").startswith(_REMOTE_MODULES):
                return f"it also catches `{ctx.source(kind)}`"
    for stmt in try_stmt.body:
        for node in ast.walk(stmt):
            if not isinstance(node, ast.Call):
                continue
            qualified = ctx.qualified_name(node.func) or ""
            name = node.func.attr if isinstance(node.func, ast.Attribute) else ""
            if qualified.startswith(_REMOTE_MODULES) or name in _REMOTE_METHODS:
                return f"`{ctx.source(node.func)}(...)` on line {node.lineno}"
    return None


def connection_test_fix(function: ast.AST | None) -> Fix | None:
    """Words for an endpoint that exists to report whether a connection works: a generic
    'Internal server error' would take away the one thing it answers."""
    name = getattr(function, "name", "")
    if not _CONNECTION_TEST.search(name.lower()):
        return None
    return Fix(f"`{name}` reports whether a connection works, so the failure's reason is its "
               f"answer: keep the failure answer and its shape, but do not send the raw "
               f"exception text, which can carry hosts, URLs and credentials. Catch the "
               f"failures the test expects by type (timeout, refused connection, rejected "
               f"credentials, unknown host) and answer a reason written for each; for anything "
               f"else, log the exception (logger.exception) and answer that the test failed "
               f"unexpectedly.")


# A health endpoint's name: `health_check`, `healthz`, `get_health`, `api_health_status`,
# `readiness`, `liveness_probe`; not a name that only holds the word (`update_health_record`,
# `health_records`, `get_health_history` of a medical app, `unhealthy_hosts`).
_HEALTH = re.compile(r"(?:^|_)health(?:z|_?checks?|_?probe)?(?:_(?:status|view|endpoint|api))?$"
                     r"|^(?:readyz?|livez?|readiness|liveness)(?:_|$)")


def health_check_fix(analysis: HandlerAnalysis, leak: Leak) -> Fix | None:
    """Words for a health endpoint: load balancers and monitors read its status and its
    shape (`{"status": "DOWN", ...}` with a 503), so a generic 500 in their place would be
    wrong; only the exception's text inside the answer goes."""
    name = getattr(analysis.function, "name", "")
    if not _HEALTH.search(name.lower()):
        return None
    stored = next((n for n in analysis.nodes if isinstance(n, ast.Assign | ast.AugAssign)
                   and analysis.tainted(n.value)), None)
    where = f" (line {stored.lineno})" if stored is not None else ""
    log = "" if analysis.logs else (", and log the exception with its traceback "
                                    "(logger.exception) for the operators")
    return Fix(f"`{name}` is a health endpoint: monitors and load balancers read its status "
               f"and the shape of its answer, so keep both (the failure status, the DOWN "
               f"entry); put a fixed reason in place of the exception's text{where}, such as "
               f"'Could not connect to database'{log}. The exception's text can name hosts, "
               f"users and databases, and a health endpoint is usually public.")


_BROAD = frozenset({"Exception", "BaseException"})


def _catch_all_after_specific(try_stmt: ast.AST | None, statement: ast.AST) -> bool:
    """Whether `statement` sits in a broad `except Exception` (or bare `except`) of
    `try_stmt` after a handler for a specific exception type that answers a client error
    itself: the input's errors have their own answer, the catch-all is the rest."""
    if not isinstance(try_stmt, ast.Try):
        return False
    line = getattr(statement, "lineno", 0)
    for index, handler in enumerate(try_stmt.handlers):
        if not (handler.lineno <= line <= (handler.end_lineno or handler.lineno)):
            continue
        kind = handler.type
        broad = kind is None or (isinstance(kind, ast.Name | ast.Attribute) and (
            kind.id if isinstance(kind, ast.Name) else kind.attr) in _BROAD)
        return broad and any(_client_error(stmt) is not None
                             for earlier in try_stmt.handlers[:index]
                             if not _environment_handler(earlier) for stmt in earlier.body)
    return False


# Failures of the server's environment, not of the input: an `except ImportError` above the
# catch-all (a missing parser dependency) leaves the input's own errors to the catch-all.
_ENVIRONMENT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "OSError", "IOError",
                                 "TimeoutError", "ConnectionError", "MemoryError",
                                 "PermissionError"})


def _environment_handler(handler: ast.ExceptHandler) -> bool:
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return all(k is not None and _type_name(k) in _ENVIRONMENT_ERRORS for k in kinds)


# `status_code=400` / `status=422` written in the answer: the status the edit can change.
_CLIENT_STATUS_KEYWORD = re.compile(r"\b(status_code\s*=\s*|status\s*=\s*)(?:400|422)\b")


def _in_catch_all_after_specific(ctx: FileContext, statement: ast.AST) -> bool:
    node: ast.AST | None = statement
    while node is not None and not isinstance(node, ast.Try):
        node = ctx.semantic.parent(node)
    return _client_error(statement) is not None and _catch_all_after_specific(node, statement)


def _catch_all_note(ctx: FileContext, statement: ast.AST, to_500: bool = False) -> str:
    """For the client-status answer of a catch-all after specific handlers: the exact edit
    makes its text fixed, but an input error only this catch-all sees (a parse error of
    the upload) would lose the message the client needs; say so."""
    how = _client_error(statement)
    if how is None or not _in_catch_all_after_specific(ctx, statement):
        return ""
    status = "the edit answers it" if to_500 else "the edit keeps the project's own"
    return (f" This catch-all answers a client error ({how}) for whatever the handlers above "
            f"it do not catch: those are unexpected failures, for which a 500 is the fitting "
            f"status ({status}); if an input error (a parse error, a "
            f"validation error) only reaches it, catch that type above with a message written "
            f"for it, so the client keeps the reason it must correct.")


def client_error_fix(ctx: FileContext, sink: ast.AST,
                     try_stmt: ast.AST | None = None) -> Fix | None:
    """Words, not code, when the statement that sends the exception's text answers a client
    error: "Internal server error" there would misdescribe the answer and hide what the client
    has to correct (its file does not parse, a field is invalid), which only the project knows
    how to word. When the try body talks to another server, the 4xx is that server's failure,
    which a fixed message and a 502 describe."""
    statement = ctx.semantic.statement_of(sink) or sink
    how = _client_error(statement)
    other = None if how else _other_client_status(statement)
    if how is None and other is None:
        return None
    remote = _talks_to_server(ctx, try_stmt) if try_stmt is not None else None
    if how is not None and remote is None and _catch_all_after_specific(try_stmt, statement):
        # `except LicenseActionError` answers the input's errors above with a 400; this
        # catch-all is the unexpected rest, which the project answers with a 400 too: the
        # advice to catch the input's errors apart is followed already, and a fixed message
        # in place of the text (the exact fix) is what is left to do.
        return None
    if remote is not None:
        return Fix(f"The failure comes from another server ({remote}), not from the client's "
                   f"request: answer a fixed message naming that service (\"the policy service "
                   f"is unavailable\") with a 502 or 503, without the exception's text, which "
                   f"carries that server's URL and answer; log the exception with its traceback "
                   f"(logger.exception).")
    if other == 401 and isinstance(try_stmt, ast.Try) and not _checks_credentials(
            ctx, try_stmt):
        # changedetection's browser steps answer every failure with a 401, which its page
        # shows: the status is the UI's error channel there, not a refused login.
        return Fix("This answers a 401, but nothing in the try body checks credentials: the "
                   "status carries this endpoint's failures to its client, not a refused "
                   "authentication. Decide what that client needs: keep a message written for "
                   "each failure it must see (catch those by their own types, and say the "
                   "reason in your words), and log anything else with its traceback "
                   "(logger.exception) and answer it with a fixed message, without its text. "
                   "A status that says what happened (a 4xx for the request's fault, a 502 "
                   "for another server's) would also tell the client apart from a logged-out "
                   "session.")
    if other is not None:
        return Fix(f"This answers a {other} ({_OTHER_4XX[other]}): a generic 'Internal server "
                   f"error' would misdescribe it. Keep the status and answer a message written "
                   f"for that case, without the exception's text: catch the exceptions that "
                   f"mean it by their type (the project's own errors keep their wording), and "
                   f"let anything else be logged with its traceback (logger.exception) and "
                   f"answered with a generic 500.")
    # The input's own errors (a parse error of the uploaded file, a validation error of the
    # template) say what the client must correct: their text is the answer, not the leak.
    return Fix(f"This answers a client error ({how}): a generic 'Internal server error' would "
               f"misdescribe it and hide what the client must correct. Catch the errors the "
               f"input can cause (the parser's or validator's own exception types) in their "
               f"own `except` and answer those with their message, which says what is wrong "
               f"with the input; log anything else with its traceback (logger.exception) and "
               f"answer it with a generic 500, without its text.")


# A handler whose job is to report on what the client sent: `post_validate_prompt`,
# `RenderJinjaView.post`, `preview_template`, `lint_config`. (Not a dry run: litellm's
# `cloudzero_dry_run_export` runs an export without writing, it judges no input.)
_INPUT_VERBS = frozenset({"validate", "validation", "validator", "render", "preview", "parse",
                          "lint", "compile"})


def _words(name: str) -> set[str]:
    """`post_validate_prompt` and `RenderJinjaView` as lower-case words."""
    return {w for w in snake(name).split("_") if w}


def _from_input(ctx: FileContext, expr: ast.AST, params: set[str], depth: int = 0) -> bool:
    """`expr` is made from the handler's parameters (the request, a body model) through at
    most three local assignments."""
    if depth > 3:
        return False
    for node in ast.walk(expr):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            if node.id in params and not _server_side(ctx, node):
                return True
            if any(b.kind == "assign" and b.value is not None and b.value is not expr and
                   _from_input(ctx, b.value, params, depth + 1)
                   for b in ctx.reaching_bindings(node)):
                return True
    return False


# What a request object carries that the server put there, not the client's input to be
# judged: `build_pdf(request.user, invoice_id)` in `render_invoice` renders stored data.
_SERVER_SIDE = frozenset({"user", "session", "auth", "app", "state", "scope", "site",
                          "tenant", "resolver_match"})


def _server_side(ctx: FileContext, name: ast.Name) -> bool:
    """`request.user`, `request.session`: the parameter is read for what the server
    attached to it."""
    parent = ctx.semantic.parent(name)
    return isinstance(parent, ast.Attribute) and parent.value is name and (
        parent.attr in _SERVER_SIDE)


def _tells_types_apart(analysis: HandlerAnalysis) -> bool:
    """The except already sorts the exception by its type (`isinstance(e, X)`,
    `e.__class__ is X`, `type(e)`): the fixes that read that sorting speak for it."""
    caught = analysis.handler.name
    for node in analysis.nodes:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and (
                node.func.id in ("isinstance", "type")) and node.args and isinstance(
                node.args[0], ast.Name) and node.args[0].id == caught:
            return True
        if isinstance(node, ast.Attribute) and node.attr == "__class__" and isinstance(
                node.value, ast.Name) and node.value.id == caught:
            return True
    return False


# (Not `str`: `validate_template(template: str)` takes the client's template as a body or
# query value; a `str` that names a record is a path parameter, see `_path_parameters`.)
_SCALARS = frozenset({"int", "float", "bool", "UUID", "uuid.UUID"})
_PATH_PARAMETER = re.compile(r"[{<](?:\w+:)?(\w+)[}>]")


def _path_parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """`name` of `@app.post("/projects/{name}/validate")` (or Flask's `<name>`,
    `<int:name>`): the parameters the route's path fills, which name a stored record."""
    return {m[1] for d in function.decorator_list if isinstance(d, ast.Call)
            for a in d.args[:1] if isinstance(a, ast.Constant) and isinstance(a.value, str)
            for m in _PATH_PARAMETER.finditer(a.value)}


def _identifier(arg: ast.arg) -> bool:
    """A parameter that names a stored record: `list_id`, `pk`, `slug`, `version: int`."""
    name = arg.arg.lower()
    annotated = arg.annotation is not None and ast.unparse(arg.annotation) in _SCALARS
    # (pgAdmin's `sid`, `did`, `cid`: a server's, a database's, a constraint's id)
    return annotated or name in ("id", "pk", "slug") or name.endswith(("_id", "_pk")) or (
        len(name) <= 5 and name.endswith("id"))


def input_report_fix(ctx: FileContext, analysis: HandlerAnalysis,
                     try_stmt: ast.AST | None) -> Fix | None:
    """Words, not code, when the handler exists to report on the client's own input (its
    name or its class's says validate, render, preview, parse, lint) and the try body hands
    that input to the code that judges it: the error of a template, a prompt or a file the
    client sent is the answer the endpoint is for, and a generic 500 in its place leaves
    the client nothing to correct."""
    function = analysis.function
    if not isinstance(try_stmt, ast.Try) or function is None or _tells_types_apart(analysis):
        return None
    if any(h is not analysis.handler and h.type is not None and _type_name(h.type) not in _BROAD
           for h in try_stmt.handlers):
        # reviewboard's ValidateDiffResource catches the parser's errors by type above: the
        # input's errors have their answers already, this except is the unexpected rest.
        return None
    owner = ctx.semantic.parent(function)
    who, verbs = f"`{function.name}`", sorted(_words(function.name) & _INPUT_VERBS)
    where = "its name"
    if not verbs and isinstance(owner, ast.ClassDef):
        who, verbs = f"`{owner.name}.{function.name}`", sorted(_words(owner.name) & _INPUT_VERBS)
        where = "its class's name"
    if not verbs or _CREDENTIAL_WORDS.search(function.name):
        # (`validate_token`: a check of who the caller is, answered as a refused login)
        return None
    args = function.args
    # What the client sent to be judged: the request or a body, not an id naming a stored
    # record (`validate_stored(list_id: int)` judges the database's data, not the input).
    params = {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]
              if not _identifier(a)} - {"self", "cls"} - _path_parameters(function)
    judged = next((n for stmt in try_stmt.body for n in ast.walk(stmt) if isinstance(
        n, ast.Call) and any(_from_input(ctx, a, params) for a in [
            *n.args, *(k.value for k in n.keywords)])), None)
    if judged is None:
        return None
    # The verb is a name's word, not proof (`EmailValidationView.post` sends a mail): the
    # text says what it rests on and holds for an endpoint that turns out to judge nothing.
    return Fix(f"{who} has `{verbs[0]}` in {where}, and the try body hands what the client "
               f"sent to `{ctx.source(judged.func)}` (line {judged.lineno}): if the endpoint "
               f"exists to report on that input, the errors the input causes (a syntax error, "
               f"an undefined variable, an invalid field) are the answer the client needs to "
               f"correct it, and a generic message in their place would hide them. Catch "
               f"those errors by their own types and answer them with their message and a 4xx "
               f"status (400 or 422); log anything else with its traceback (logger.exception) "
               f"and answer it with a generic 500, without its text.")


def stored_text_fix(analysis: HandlerAnalysis, leak: Leak) -> Fix | None:
    """Words, not code, when the handler stores the exception's text and goes on (`results[
    item] = {"error": f"... {e}"}` in a loop, answered after it): a `return` of a 500 from the
    handler would drop the other items' results and skip what follows (closing a session)."""
    sink_line = getattr(leak.sink, "lineno", 0)
    if analysis.first <= sink_line <= analysis.last or any(
            isinstance(n, ast.Return | ast.Raise) for n in analysis.nodes):
        return None
    stored = next((n for n in analysis.nodes if isinstance(n, ast.Assign | ast.AugAssign)
                   and analysis.tainted(n.value)), None) or next((
        # `failed.append({"user_id": uid, "error": str(e)})` in a loop: a per-item report
        n for n in analysis.nodes if isinstance(n, ast.Call) and isinstance(
            n.func, ast.Attribute) and n.func.attr in _COLLECTS and any(
            analysis.tainted(a) for a in n.args)), None)
    if stored is None:
        return None
    where = f"`{analysis.ctx.source(stored.func)}`" if isinstance(stored, ast.Call) else ""
    log = ("" if analysis.logs else ", and log the exception with its traceback "
           "(logger.exception) in the handler")
    batch = (" (a return here would drop the other items' results)"
             if _in_loop(analysis) else "")
    return Fix(f"The handler stores the exception's text (line {stored.lineno}"
               f"{', in ' + where if where else ''}) and goes on, and the answer is built after "
               f"it: keep that flow{batch}, store a fixed message there instead of the "
               f"exception's text{log}.")


def _in_loop(analysis: HandlerAnalysis) -> bool:
    """Whether the except sits in a loop of its function (a per-item report)."""
    node = analysis.ctx.semantic.parent(analysis.handler)
    while node is not None and not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        if isinstance(node, ast.For | ast.AsyncFor | ast.While):
            return True
        node = analysis.ctx.semantic.parent(node)
    return False


# Calls that add to a collection the answer is built from.
_COLLECTS = frozenset({"append", "extend", "add", "insert", "appendleft", "update"})



# Calls that show a text to the user on the next page: Django's messages, Flask's flash().
_USER_MESSAGES = ("django.contrib.messages.", "flask.flash")


def _other_sinks(ctx: FileContext, analysis: HandlerAnalysis, edited: ast.stmt) -> str:
    """' The exception's text also reaches line N (...)' when another statement of the
    handler shows it too (a messages.error() branch beside the AJAX answer): the edit changes
    one of them."""
    for node in analysis.nodes:
        if not isinstance(node, ast.Call) or ctx.semantic.statement_of(node) is edited:
            continue
        qualified = ctx.qualified_name(node.func) or ""
        if not (response_call(ctx, node) or qualified.startswith(_USER_MESSAGES)):
            continue
        if any(analysis.tainted(a) for a in [*node.args, *(k.value for k in node.keywords)]):
            return (f" The exception's text also reaches line {node.lineno} "
                    f"(`{ctx.source(node.func)}(...)`): replace it there too.")
    return ""


def _type_name(node: ast.AST) -> str:
    return node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")


def _written_raise(node: ast.AST, caught: set[str]) -> ast.Raise | None:
    """`raise Exception(_("E-mail is not from valid domain"))`: a raise whose message is
    written for the user (a literal marked for translation)."""
    if not isinstance(node, ast.Raise) or not isinstance(node.exc, ast.Call) or \
            not node.exc.args:
        return None
    kind = node.exc.func.attr if isinstance(node.exc.func, ast.Attribute) else getattr(
        node.exc.func, "id", "")
    if _HTTP_ERROR.search(kind) or kind in caught:
        return None  # an HTTP answer of its own (`HTTPException(404, ...)`), not a message
    message = node.exc.args[0]
    # Marked for translation: written for the user to read. A plain literal is as often an
    # internal failure ("got response = None") that a generic answer rightly hides.
    if not (isinstance(message, ast.Call) and message.args and (
            getattr(message.func, "id", "") in _TRANSLATED or getattr(
            message.func, "attr", "") in _TRANSLATED)):
        return None
    message = message.args[0]
    if isinstance(message, ast.Constant) and isinstance(message.value, str):
        return node if re.search(r"[^\W\d_]{3,}", message.value) else None
    return None


_HTTP_ERROR = re.compile(r"HTTP|Http|^abort$|Abort|Response")
_TRANSLATED = frozenset({"_", "gettext", "gettext_lazy", "ugettext", "lazy_gettext", "_l"})


def own_messages_fix(ctx: FileContext, try_stmt: ast.AST | None) -> Fix | None:
    """Words, not code, when the try body raises messages written for the user (itself, or
    in a function of this file it calls): the broad except shows them on purpose, and a
    fixed text in place of the exception's would hide them along with the unplanned ones."""
    if not isinstance(try_stmt, ast.Try):
        return None
    functions = {n.name: n for n in ctx.tree.body
                 if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}
    # `except LicenseActionError` before the broad one: those raises never reach it
    caught = {_type_name(t) for h in try_stmt.handlers if h.type is not None
              for t in (h.type.elts if isinstance(h.type, ast.Tuple) else [h.type])}
    caught -= _BROAD
    found: ast.Raise | None = None
    where = ""
    for stmt in try_stmt.body:
        for node in ast.walk(stmt):
            found = _written_raise(node, caught)
            if found is None and isinstance(node, ast.Call) and isinstance(
                    node.func, ast.Name) and node.func.id in functions:
                found = next((r for sub in ast.walk(functions[node.func.id])
                              if (r := _written_raise(sub, caught)) is not None), None)
                where = f"in `{node.func.id}`, " if found is not None else ""
            if found is not None:
                break
        if found is not None:
            break
    if found is None:
        return _hook_fix(ctx, try_stmt) or _checks_fix(try_stmt, functions)
    return Fix(f"The try body raises messages written for the user ({where}line "
               f"{found.lineno}: "
               f"`{ctx.source(found)[:120]}`), which this except shows on purpose: a fixed "
               f"text here would hide them too. Raise those as an exception class of the "
               f"project's own (`class UserFacingError(Exception)`), catch it before this "
               f"except and show its text; log anything else with its traceback "
               f"(logger.exception) and show a generic message for it.")


def _empty_hooks(ctx: FileContext) -> set[str]:
    """Methods of this file's classes whose body is empty (a docstring, `pass`, `...`):
    hooks that subclasses fill (Flask-AppBuilder's `pre_add`)."""
    def empty(stmt: ast.stmt) -> bool:
        return isinstance(stmt, ast.Pass) or (isinstance(stmt, ast.Expr) and isinstance(
            stmt.value, ast.Constant) and (stmt.value.value is Ellipsis or isinstance(
                stmt.value.value, str)))
    return {m.name for c in ast.walk(ctx.tree) if isinstance(c, ast.ClassDef)
            for m in c.body if isinstance(m, ast.FunctionDef | ast.AsyncFunctionDef)
            and all(empty(b) for b in m.body)}


# A hook that runs before the action (`pre_add`, `before_save`, `validate_item`): where a
# subclass refuses the input, with a message for the user. One that runs after it
# (`post_add`) does not speak for the action's own failures (the database write before it).
_BEFORE_HOOK = re.compile(r"^(?:pre|before)_|^(?:validate|check|clean)(?:_|$)")


def _hook_fix(ctx: FileContext, try_stmt: ast.Try) -> Fix | None:
    """Words, not code, when the try body calls a hook of its own class that subclasses
    fill and that runs before the action (`self.pre_add(item)`, empty here): what the hook
    raises is the message the except shows the user by design, which a fixed text would
    hide."""
    hooks = None
    for stmt in try_stmt.body:
        for node in ast.walk(stmt):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "self"):
                continue
            hooks = _empty_hooks(ctx) if hooks is None else hooks
            if node.func.attr in hooks and _BEFORE_HOOK.match(node.func.attr):
                return Fix(f"The try body calls `self.{node.func.attr}` (line {node.lineno}), "
                           f"a hook subclasses fill (empty here), and what it raises is the "
                           f"message this except shows the user: a fixed text would hide it. "
                           f"Have hooks raise an exception class of the project's own for "
                           f"those messages (`class UserFacingError(Exception)`), catch it "
                           f"before this except and show its text; log anything else with its "
                           f"traceback (logger.exception) and show a generic message for it.")
    return None


# `check_username(name)`, `validate_form(data)`: a function whose job is to raise when the
# input is wrong, with a message that says what is wrong.
_CHECK_CALL = re.compile(r"^(check|validate|verify|ensure)_[a-z0-9_]+$")


def _checks_fix(try_stmt: ast.Try, functions: dict[str, ast.AST]) -> Fix | None:
    """Words, not code, when the try body calls a check of the project defined elsewhere
    (`check_username(...)`, imported) and the except tells the user through the page's
    notices (`flash`, Django's `messages.error`): the check's failures are the messages for
    the form's user, which a fixed text would hide along with the unplanned failures. (An
    answer with a status of its own, a 500, says the server failed: the generic text.)"""
    if not any(_notice_call(n) for h in try_stmt.handlers for n in nodes_within(h.body)):
        return None
    for stmt in try_stmt.body:
        for node in ast.walk(stmt):
            if not isinstance(node, ast.Call):
                continue
            name = _type_name(node.func)
            if not _CHECK_CALL.match(name) or name in functions:
                continue  # one of this file is read for its raises (own_messages_fix)
            return Fix(f"The try body calls `{name}` (line {node.lineno}), a check whose "
                       f"failures say what is wrong with the input: a fixed text here would "
                       f"hide those messages too. Have it raise an exception class of the "
                       f"project's own for them (`class UserFacingError(Exception)`), catch "
                       f"that before this except and show its text; log anything else with "
                       f"its traceback (logger.exception) and show a generic message for it.")
    return None


def _notice_call(node: ast.AST) -> bool:
    """`flash(...)`, `messages.error(request, ...)`: a notice shown on the next page."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    if isinstance(func, ast.Name):
        return func.id == "flash"
    return isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and (
        func.value.id == "messages" and func.attr in ("error", "warning", "info",
                                                      "add_message"))


def helper_makes_text_fix(helper: str, line: int) -> Fix:
    """Words, not code, when the except hands the exception itself to a function of the
    project that puts its text (or traceback) into the response: that function is where the
    leak is, and one change there fixes every caller; an answer built here instead would
    replace the helper's page or shape."""
    return Fix(f"The exception's text goes into the response inside `{helper}` (defined on "
               f"line {line} of its file), not here: change it there — log the exception "
               f"with its traceback (logger.exception) and leave its text and traceback out "
               f"of what it builds (keeping the messages of exceptions meant for the user) — "
               f"which fixes every caller at once; this except then needs no change.")
