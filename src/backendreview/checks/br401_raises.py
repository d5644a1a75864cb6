"""BR401 through an application's error handler: a broad `except` raises a project exception
with the caught exception's text, and the handler registered for that exception class writes
its text into the response.

`except Exception as e: raise ApiError(str(e), 500)` is as much a leak as
`return jsonify(error=str(e)), 500` when the app registers
`app.register_error_handler(ApiError, handle_api_error)` (or `@app.errorhandler(ApiError)`,
FastAPI's `@app.exception_handler(ControllerError)` / `app.add_exception_handler(...)`) and
that handler returns `jsonify(message=error.message)` or `JSONResponse({"message": str(exc)})`.
The file half records the registrations (`ErrorHandlerRegistration`) and the raises
(`ExceptRaisesText`); the project half looks the raised class up, walks its MRO to the nearest
class with a registered handler (the one Flask and Starlette pick), and reports at the
`except` when that handler's exception parameter reaches a response builder (the
`TextToResponse` uses recorded for every function), naming except -> raise -> handler.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from ..analysis.handlers import response_call
from ..analysis.program import ProgramModel, definition_ref, program_of, short_name
from ..analysis.program.entries import entry_kind
from ..analysis.program.facts import ClassInfo, FunctionInfo
from ..context import FileContext
from ..model import Finding, Fix, Related, Severity, Span
from .br401_debug_gate import note_of_head

OPERATOR_NOTE = ("note: the handler (or its view class) already answers the failures of the "
                 "operations it runs with the error text they return, on purpose; the broad "
                 "except adds the text of unexpected failures to the same channel")


def completed(held: Finding, message: str, related: tuple[Related, ...]) -> Finding:
    """A held finding with its full message: a note says why it is one."""
    if held.severity is Severity.NOTE:
        message = f"{message} ({note_of_head(held.message) or OPERATOR_NOTE})"
    return replace(held, message=message, related=related)

REGISTRATIONS = "br401_error_handlers"
RAISES = "br401_except_raises"
CATCH_ALL = "br401_catch_all_handlers"

# A handler registered for these answers every exception nobody planned for.
_BROAD_CLASSES = frozenset({"builtins.Exception", "builtins.BaseException"})

# Flask: `@app.errorhandler(E)`, `@bp.app_errorhandler(E)`, `app.register_error_handler(E, f)`;
# FastAPI / Starlette: `@app.exception_handler(E)`, `app.add_exception_handler(E, f)`.
# The value: where the exception is among the handler's parameters (Starlette passes the
# request first).
_DECORATORS = {"errorhandler": 0, "app_errorhandler": 0, "exception_handler": 1}
_REGISTER_CALLS = {"register_error_handler": 0, "add_exception_handler": 1}
REGISTER_CALLS = frozenset(_REGISTER_CALLS)  # record_registration_call's per-call gate


@dataclass(frozen=True)
class ErrorHandlerRegistration:
    """`handler` (a dotted reference to a project function) answers `exception` (a dotted
    reference to a class); its exception is positional parameter `index`."""

    exception: str
    handler: str
    index: int
    path: str
    line: int  # the registration


@dataclass(frozen=True)
class ExceptRaisesText:
    """A broad handler raising `exception(...)` with the caught exception's text."""

    finding: Finding  # at the except; worded once the handler is known
    exception: str
    what: str  # how the argument carries the exception: "str(e)", "{e} in an f-string"
    except_line: int
    text: str  # the raised call as written
    key: str = ""  # the argument carrying the text: its position ("0") or keyword
    def_line: int = 0  # the def line of the function holding the except (0: module level)


@dataclass(frozen=True)
class CatchAllHandler:
    """The function defined at `path:line`, registered for every `Exception`, takes the
    exception as parameter `param`."""

    finding: Finding  # at the def; completed with where the text goes
    path: str
    line: int
    param: str
    answers: str = "any exception no other handler answers"  # for the message's end
    registration: int = 0  # the line registering it, when not at the def


@dataclass(frozen=True)
class CatchAllImported:
    """A handler registered for every `Exception` that another module defines (`from
    app.errors import fallback_handler` ... `app.add_exception_handler(Exception,
    fallback_handler)`): `handler` is its dotted reference, its exception parameter
    positional `index`."""

    finding: Finding  # held at the registration; moved to the handler's def once resolved
    handler: str
    index: int


Hold = Callable[[ast.AST, str], Finding]


def _project_ref(ctx: FileContext, expr: ast.AST) -> str | None:
    return definition_ref(ctx, expr, ("class", "def"))


def _method_name(call: ast.AST) -> str:
    if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute):
        return call.func.attr
    return ""


# Database errors: their text quotes the failed SQL statement with its parameters
# (SQLAlchemy's `[SQL: INSERT INTO users ...] [parameters: (...)]`) or the server's own
# message (`Key (email)=(a@b.c) already exists`, table and constraint names). A handler
# registered for one answers every such failure of every request.
_DATABASE_ERRORS = frozenset({
    *(f"sqlalchemy.exc.{name}" for name in (
        "SQLAlchemyError", "DBAPIError", "StatementError", "IntegrityError",
        "OperationalError", "ProgrammingError", "DataError", "DatabaseError", "InternalError",
        "NotSupportedError", "InterfaceError")),
    *(f"{module}.{name}" for module in ("django.db", "django.db.utils", "psycopg2", "psycopg",
                                        "sqlite3", "pymysql", "pymysql.err", "MySQLdb")
      for name in ("Error", "DatabaseError", "IntegrityError", "OperationalError",
                   "ProgrammingError", "DataError", "InternalError")),
    "asyncpg.PostgresError", "asyncpg.exceptions.PostgresError",
    "pymongo.errors.PyMongoError", "pymongo.errors.OperationFailure",
    "pymongo.errors.DuplicateKeyError", "pymongo.errors.WriteError",
})
_DATABASE_ERROR_MODULES = ("psycopg2.errors.", "psycopg.errors.", "asyncpg.exceptions.")


def _database_error(ctx: FileContext, exception: ast.AST) -> bool:
    qualified = ctx.qualified_name(exception) or ""
    return qualified in _DATABASE_ERRORS or qualified.startswith(_DATABASE_ERROR_MODULES)


def _answered(ctx: FileContext, exception: ast.AST) -> str | None:
    """What a handler registered for `exception` answers, in words, when that is failures
    nobody planned for: every exception, or every database error of a class."""
    qualified = ctx.qualified_name(exception) or ""
    if qualified in _BROAD_CLASSES:
        return f"every `{ctx.source(exception)}`"
    if qualified in _DATABASE_ERRORS or qualified.startswith(_DATABASE_ERROR_MODULES):
        return (f"`{ctx.source(exception)}` (a database error, whose text quotes the failed "
                f"statement, its parameters or the database's own message)")
    return None


def _handler_def(ctx: FileContext, handler: ast.AST | None, depth: int = 0
                 ) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The def a registered handler names, in this file: a function of the module or of
    the function registering it (an application factory), also through
    `functools.partial(handler, code=409)` — not when the partial binds a text (`detail=
    "Agent not found"`: that answer is written) or a positional argument."""
    if isinstance(handler, ast.FunctionDef | ast.AsyncFunctionDef):
        return handler
    if not isinstance(handler, ast.Name) or depth > 3:
        return None
    bindings = ctx.semantic.lookup(handler.id, handler)[1]
    if len(bindings) != 1:
        return None
    binding = bindings[0]
    if binding.kind == "def":
        node = binding.node
        return node if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) else None
    value = binding.value
    if binding.kind != "assign" or not isinstance(value, ast.Call) or \
            ctx.qualified_name(value.func) != "functools.partial" or len(value.args) != 1:
        return None
    if any(isinstance(k.value, ast.Constant) and isinstance(k.value.value, str)
           for k in value.keywords):
        return None
    return _handler_def(ctx, value.args[0], depth + 1)


def _catch_all(ctx: FileContext, exception: ast.AST, handler: ast.AST | None, index: int,
               hold: Hold, registration: int = 0) -> None:
    """A handler registered for `Exception` itself (or for a database error), defined in
    this file (at its top level or in the function registering it) or imported."""
    answers = _answered(ctx, exception)
    if answers is None:
        return
    given = handler
    handler = _handler_def(ctx, handler)
    if handler is None:
        ref = _project_ref(ctx, given) if given is not None else None
        if ref is not None and not ref.startswith(f"{ctx.module}."):
            # Defined in another module: the project half finds its def and its uses.
            finding = hold(given, f"`{ref.rsplit('.', 1)[-1]}`, the error handler registered "
                                  f"for {answers}, sends exception details to the client")
            ctx.emit_fact(CATCH_ALL, CatchAllImported(finding, ref, index))
        return
    params = [a.arg for a in [*handler.args.posonlyargs, *handler.args.args]
              if a.arg not in ("self", "cls")]
    if index >= len(params):
        return
    finding = hold(handler, f"`{handler.name}`, the error handler registered for {answers}, "
                            f"sends exception details to the client")
    every = answers.startswith("every")
    ctx.emit_fact(CATCH_ALL, CatchAllHandler(
        finding, ctx.path, handler.lineno, params[index],
        "any exception no other handler answers" if every
        else f"every `{ctx.source(exception)}` a request raises",
        registration if registration != handler.lineno else 0))


def record_decorated_handler(ctx: FileContext, node: ast.FunctionDef | ast.AsyncFunctionDef,
                             hold: Hold) -> None:
    """`@app.errorhandler(ApiError)` / `@app.exception_handler(ControllerError)` on a
    module-level function. A handler for every `Exception` defined inside an application
    factory (`def create_app(): ... @app.exception_handler(Exception)`) counts too: it answers
    every request of the app the factory builds."""
    module_level = isinstance(ctx.semantic.parent(node), ast.Module)
    if not module_level and not isinstance(ctx.semantic.parent(node),
                                           ast.FunctionDef | ast.AsyncFunctionDef):
        return
    for dec in node.decorator_list:
        index = _DECORATORS.get(_method_name(dec))
        if index is None or not isinstance(dec, ast.Call) or not dec.args:
            continue
        _catch_all(ctx, dec.args[0], node, index, hold)
        if not module_level:
            continue  # a nested def has no name the registration could be resolved by
        exception = _project_ref(ctx, dec.args[0])
        if exception is not None:
            ctx.emit_fact(REGISTRATIONS, ErrorHandlerRegistration(
                exception, f"{ctx.module}.{node.name}", index, ctx.path,
                dec.lineno))


def record_registration_call(ctx: FileContext, call: ast.Call, hold: Hold) -> None:
    """`app.register_error_handler(ApiError, handle_api_error)`,
    `app.add_exception_handler(ControllerError, controller_error_handler)`."""
    index = _REGISTER_CALLS.get(_method_name(call))
    if index is None or len(call.args) < 2:
        return
    _catch_all(ctx, call.args[0], call.args[1], index, hold, call.lineno)
    exception, handler = _project_ref(ctx, call.args[0]), _project_ref(ctx, call.args[1])
    if exception is not None and handler is not None:
        ctx.emit_fact(REGISTRATIONS, ErrorHandlerRegistration(exception, handler, index,
                                                              ctx.path, call.lineno))


_DRF_HANDLER_FIX = (
    "DRF calls this handler for every exception of an API view. Keep the answer DRF's own "
    "`exception_handler(exc, context)` gives (its exceptions carry messages written for the "
    "client: validation errors, 404, permission denied); for any other exception (the branch "
    "where that answer is None), log it with its traceback (logger.exception) and put a fixed "
    "text with an error id in the response in place of the exception's text.")


def record_drf_setting(ctx: FileContext, node: ast.Assign, hold: Hold) -> None:
    """`REST_FRAMEWORK = {"EXCEPTION_HANDLER": "core.utils.common.custom_exception_handler"}`
    (or `REST_FRAMEWORK["EXCEPTION_HANDLER"] = "..."`) at a module's top level: DRF calls
    that function, with the exception first, for every exception an API view raises, and
    sends the response it returns. Held at the setting's text; the project half resolves
    the dotted name and reports at the function when the exception's text reaches its
    response (as for an imported handler registered for every `Exception`)."""
    if len(node.targets) != 1 or not isinstance(ctx.semantic.parent(node), ast.Module):
        return
    target, value = node.targets[0], node.value
    if isinstance(target, ast.Name) and target.id == "REST_FRAMEWORK" and \
            isinstance(value, ast.Dict):
        values = [v for k, v in zip(value.keys, value.values, strict=False)
                  if isinstance(k, ast.Constant) and k.value == "EXCEPTION_HANDLER"]
    elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and \
            target.value.id == "REST_FRAMEWORK" and isinstance(target.slice, ast.Constant) \
            and target.slice.value == "EXCEPTION_HANDLER":
        values = [value]
    else:
        return
    for text in values:
        if not (isinstance(text, ast.Constant) and isinstance(text.value, str)
                and "." in text.value):
            continue
        if text.value.startswith("rest_framework."):
            continue  # DRF's own handler answers only its own exceptions
        finding = hold(text, f"`{text.value.rsplit('.', 1)[-1]}`, the exception handler "
                             f"DRF calls for every exception of an API view (settings "
                             f"REST_FRAMEWORK['EXCEPTION_HANDLER']), sends exception details "
                             f"to the client")
        finding = replace(finding, fix=Fix(_DRF_HANDLER_FIX))
        ctx.emit_fact(CATCH_ALL, CatchAllImported(finding, text.value, 0))


def record_raises(ctx: FileContext, handler: ast.ExceptHandler, nodes: list[ast.AST],
                  describe: Callable[[ast.AST], str | None],
                  finding_at: Callable[[ast.Raise, ast.AST], Finding]) -> None:
    """The first `raise Cls(...)` of a broad handler that leaks nothing itself, whose
    arguments carry the caught exception's text (not the exception object: `raise X from e`
    chains it, and `X(e)` hands the object to a constructor the rule does not follow). The
    finding is held at the raise: the statement that sends the text, and the one to change."""
    for node in nodes:
        if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
            continue
        call = node.exc
        if response_call(ctx, call) is not None:
            continue  # an HTTP error: the file half reports it directly
        if _narrowed(ctx, handler, node):
            continue  # `if isinstance(e, ComputeError): raise ControllerError(str(e))`
        exception = _project_ref(ctx, call.func)
        candidates = [exception] if exception is not None else _star_imported(ctx, call.func)
        if not candidates:
            continue
        keyed = [*((str(i), a) for i, a in enumerate(call.args)),
                 *((k.arg or "", k.value) for k in call.keywords)]
        for key, arg in keyed:
            what = describe(arg)
            if what and what != f"`{handler.name}`":
                # One fact per module the name may come from: the project half reports the
                # first whose class it knows, once.
                finding = finding_at(node, arg)
                function = ctx.semantic.enclosing_function(handler)
                for ref in candidates:
                    ctx.emit_fact(RAISES, ExceptRaisesText(
                        finding, ref, what, handler.lineno, f"{ctx.source(call.func)}(...)",
                        key, function.lineno if function is not None else 0))
                return


def _star_imported(ctx: FileContext, expr: ast.AST) -> list[str]:
    """`Module.Name` for each `from Module import *` of this module, when `expr` is a name
    bound nowhere in it: the class a star import brings, for the project half to look up."""
    if not isinstance(expr, ast.Name) or ctx.semantic.lookup(expr.id, expr)[1]:
        return []
    out: list[str] = []
    for stmt in ctx.tree.body:
        if isinstance(stmt, ast.ImportFrom) and any(a.name == "*" for a in stmt.names):
            module = stmt.module or ""
            if stmt.level:  # `from .types import *`, relative to this module's package
                parts = ctx.module.split(".") if ctx.module else []
                drop = stmt.level - 1 if ctx.path.endswith("__init__.py") else stmt.level
                package = parts[:len(parts) - drop]
                module = ".".join([*package, *([module] if module else [])])
            if module:
                out.append(f"{module}.{expr.id}")
    return out


def _narrowed(ctx: FileContext, handler: ast.ExceptHandler, node: ast.AST) -> bool:
    """`node` runs only under an `isinstance(e, ...)` test of the caught exception: that
    branch handles a specific exception type, whose message is a deliberate one."""
    return narrowed_to(ctx, handler, node) is not None


def narrowed_to(ctx: FileContext, handler: ast.ExceptHandler, node: ast.AST) -> str | None:
    """The class `node` is narrowed to when it runs only in the branch of an `isinstance(e,
    C)` test of the caught exception `e` that holds (`if isinstance(e, C):` body, `if not
    isinstance(e, C):` else): that branch handles one specific exception type, like an
    `except C` would. Not for a broad class (`isinstance(e, Exception)`)."""
    if not handler.name:
        return None
    return narrowed_name(ctx, handler.name, handler, node)


def narrowed_name(ctx: FileContext, name: str, stop: ast.AST, node: ast.AST,
                  database_too: bool = True) -> str | None:
    """narrowed_to for any name (an exception handler's parameter too), looking no further
    up than `stop`. `database_too=False`: a database error class narrows nothing (its text
    quotes the failed statement)."""
    child: ast.AST = node
    for anc in ctx.semantic.ancestors(node):
        if anc is stop:
            return None
        if isinstance(anc, ast.If):
            test, positive = anc.test, child in anc.body
            if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
                test, positive = test.operand, child in anc.orelse
            # `isinstance(e, C) and e.status_code < 500` narrows as much as its first part.
            tests = test.values if positive and isinstance(test, ast.BoolOp) and isinstance(
                test.op, ast.And) else [test] if positive else []
            for part in tests:
                if isinstance(part, ast.Call) and isinstance(part.func, ast.Name) \
                        and part.func.id == "isinstance" and len(part.args) == 2 \
                        and isinstance(part.args[0], ast.Name) and part.args[0].id == name:
                    kinds = part.args[1]
                    listed = kinds.elts if isinstance(kinds, ast.Tuple) else [kinds]
                    if not any(ctx.qualified_name(k) in _BROAD_CLASSES or (
                            not database_too and _database_error(ctx, k)) for k in listed):
                        return ctx.source(kinds)
        child = anc
    return None


def _handler_for(model: ProgramModel, cls: ClassInfo,
                 registered: dict[str, ErrorHandlerRegistration]
                 ) -> tuple[ClassInfo, ErrorHandlerRegistration] | None:
    """The registration Flask / Starlette would pick: the nearest class on the MRO."""
    for klass in model.mro(cls):
        found = registered.get(klass.qualname)
        if found is not None:
            return klass, found
    return None


def _exception_param(fn: FunctionInfo, index: int) -> str | None:
    params = [p for p in fn.params if p not in ("self", "cls")]
    return params[index] if index < len(params) else None


def check_catch_all(facts: dict[str, list[Any]],
                    leaks: dict[tuple[str, int, str], Any]) -> list[Finding]:
    """A handler for every `Exception` writing the exception's text into its response:
    every failure nobody planned for reaches the client."""
    out: list[Finding] = []
    reported: set[tuple[str, int]] = set()
    for item in facts.get(CATCH_ALL, []):
        registered_at: Finding | None = None
        if isinstance(item, CatchAllImported):
            resolved = _imported_handler(facts, item)
            if resolved is None:
                continue
            registered_at, item = item.finding, resolved
        if (item.path, item.line) in reported:
            continue  # one handler registered by several apps
        use = leaks.get((item.path, item.line, item.param))
        if use is None:
            continue
        finding = item.finding
        related = (Related(Span(use.use_line, 1, use.use_line, 2),
                           "the exception reaches the response here", item.path),)
        if item.registration:
            related = (Related(Span(item.registration, 1, item.registration, 2),
                               "registered here", item.path), *related)
        if registered_at is not None:
            # Reported at the handler's def, where the fix goes; the registration is a step.
            span = Span(item.line, 1, item.line, 1 + len(use.snippet.split("(")[0]))
            finding = replace(finding, path=item.path, span=span, snippet=use.snippet)
            related = (Related(registered_at.span, "registered here for every exception",
                               registered_at.path), *related)
        message = (f"{finding.message}: `{item.param}` reaches {use.detail} on line "
                   f"{use.use_line}, for {item.answers}")
        out.append(replace(finding, message=message, related=related))
        reported.add((item.path, item.line))
    return out


def _imported_handler(facts: dict[str, list[Any]], item: CatchAllImported
                      ) -> CatchAllHandler | None:
    """The handler an imported reference names, as if its own module had registered it."""
    fn = program_of(facts).resolve(item.handler)
    if not isinstance(fn, FunctionInfo):
        return None
    param = _exception_param(fn, item.index)
    if param is None:
        return None
    return CatchAllHandler(item.finding, fn.path, fn.line, param)


def check_raises(facts: dict[str, list[Any]], leaks: dict[tuple[str, int, str], Any],
                 reported: set[tuple[str, int]]) -> list[Finding]:
    """Findings for the broad handlers whose raised exception's registered handler writes it
    into the response. `leaks`: (path, def line, parameter) of every function writing that
    parameter into a response, with the use."""
    raises: list[ExceptRaisesText] = facts.get(RAISES, [])
    registrations: list[ErrorHandlerRegistration] = facts.get(REGISTRATIONS, [])
    if not raises:
        return []
    model = program_of(facts)
    registered: dict[str, ErrorHandlerRegistration] = {}
    for reg in registrations:
        cls = model.class_of(reg.exception)
        if cls is not None:
            registered.setdefault(cls.qualname, reg)
    out: list[Finding] = []
    for item in raises:
        where = (item.finding.path, item.finding.span.start_line)
        cls = model.class_of(item.exception)
        if where in reported or cls is None:
            continue
        picked = _handler_for(model, cls, registered)
        if picked is None:
            framework = _framework_error(model, cls, item.key)
            if framework is not None and not _offline(model, item):
                out.append(_framework_finding(item, cls, framework))
                reported.add(where)
            continue
        handled, reg = picked
        fn = model.resolve(reg.handler)
        if not isinstance(fn, FunctionInfo):
            continue
        param = _exception_param(fn, reg.index)
        if param is None or (fn.path, fn.line, param) not in leaks:
            continue
        handler_name = short_name(fn.qualname, fn.path)
        via = "" if handled is cls else f" (which `{cls.name}` subclasses)"
        message = (f"{item.finding.message}: {item.what} is raised in `{item.text}`, and "
                   f"`{handler_name}` ({fn.path}:{fn.line}), the error handler registered for "
                   f"`{handled.name}`{via}, writes the exception's text into the response")
        related = (
            Related(Span(item.except_line, 1, item.except_line, 2),
                    "the broad except catching any failure", item.finding.path),
            Related(Span(fn.line, 1, fn.line, 2),
                    f"`{handler_name}` sends the exception's text to the client", fn.path),
        )
        out.append(completed(item.finding, message, related))
        reported.add(where)
    return out


# A framework's HTTP error class: its handler answers the text the exception carries, at
# these arguments (position or keyword). DRF's `APIException(detail=None, code=None)`
# answers `{"detail": detail}`; werkzeug's `HTTPException(description=None, response=None)`
# renders the description; Starlette's `HTTPException(status_code, detail=None)` answers
# `{"detail": detail}`.
FRAMEWORK_ERRORS: dict[str, tuple[str, frozenset[str]]] = {
    **{f"rest_framework.exceptions.{name}": ("Django REST framework", frozenset({"0", "detail"}))
       for name in ("APIException", "ValidationError", "ParseError", "PermissionDenied",
                    "NotFound", "NotAcceptable", "AuthenticationFailed", "NotAuthenticated")},
    **{f"werkzeug.exceptions.{name}": ("werkzeug", frozenset({"0", "description"}))
       for name in ("HTTPException", "BadRequest", "InternalServerError", "Conflict",
                    "NotFound", "Forbidden", "UnprocessableEntity")},
    **{name: ("Starlette", frozenset({"1", "detail"}))
       for name in ("fastapi.HTTPException", "fastapi.exceptions.HTTPException",
                    "starlette.exceptions.HTTPException")},
}


def _framework_error(model: ProgramModel, cls: ClassInfo, key: str) -> tuple[str, str] | None:
    """(the framework class, the framework) when `cls` subclasses a framework's HTTP error
    class and the text is passed where that class takes its message, with no `__init__` or
    `__str__` of the project's own on the way (one may drop or replace the text). No
    registered handler picked the class: the framework's own handler answers it."""
    for klass in model.mro(cls):
        if "__init__" in klass.methods or "__str__" in klass.methods:
            return None
        for base in klass.bases:
            known = FRAMEWORK_ERRORS.get(base)
            if known is not None:
                return (base, known[0]) if key in known[1] else None
    return None


def _offline(model: ProgramModel, item: ExceptRaisesText) -> bool:
    """The raise is in a function declared to run outside a request (a management
    command's method, a background task): no framework handler answers a client with its
    text there. By the function's own declaration only: the call graph BR401 reads keeps
    returned calls alone, so "called only from a task" cannot be told from it."""
    fn = model.function_at(item.finding.path, item.def_line) if item.def_line else None
    return fn is not None and entry_kind(model, fn, handed=False) is not None


def _framework_finding(item: ExceptRaisesText, cls: ClassInfo,
                       framework: tuple[str, str]) -> Finding:
    base, name = framework
    message = (f"{item.finding.message}: {item.what} is raised in `{item.text}`, and "
               f"`{cls.name}` subclasses {name}'s `{base.rsplit('.', 1)[-1]}`, whose handler "
               f"answers the client with the exception's message")
    related = (Related(Span(item.except_line, 1, item.except_line, 2),
                       "the broad except catching any failure", item.finding.path),
               Related(Span(cls.line, 1, cls.line, 2),
                       f"`{cls.name}` is answered by {name} with its message", cls.path))
    return completed(item.finding, message, related)
