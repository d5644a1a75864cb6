"""BR401 through a streamed body: a generator's broad `except` yields the exception's text,
and the generator is the body of a streaming response.

`async def events(): try: ... except Exception as e: yield json.dumps({"error": str(e)})`
leaks when a route answers `StreamingResponse(events())` (Starlette / FastAPI),
`EventSourceResponse(events())` (sse-starlette), `StreamingHttpResponse(events())` (Django)
or `Response(stream_with_context(events()))` (Flask): once the stream has begun no error
status can be sent, so the error line is what the client reads. The file half records each
generator except that yields such text (`YieldsExceptionText`) and each streaming response's
body (`StreamedBody`: the generator's def when this file defines it, through a local or a
factory returning a nested generator, else the call for the program model to resolve). The
project half joins the two and reports at the `except`, naming the generator and the
response. A generator no response streams (a CLI progress printer) is not reported.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any

from ..analysis.program import callee_of, program_of, short_name
from ..analysis.program.facts import Callee, CallSite, FunctionInfo
from ..context import FileContext
from ..model import Finding, Related, Span
from .br401_raises import completed, narrowed_to

STREAMED = "br401_streamed_bodies"
YIELDS = "br401_generator_yields"

# Responses whose body may be an iterator sent chunk by chunk: qualified name -> the keyword
# that names the body when it is not the first positional argument.
_STREAMING = {
    "fastapi.responses.StreamingResponse": "content",
    "starlette.responses.StreamingResponse": "content",
    "sse_starlette.EventSourceResponse": "content",
    "sse_starlette.sse.EventSourceResponse": "content",
    "django.http.StreamingHttpResponse": "streaming_content",
    "django.http.response.StreamingHttpResponse": "streaming_content",
    "flask.Response": "response",
    "flask.wrappers.Response": "response",
    "werkzeug.wrappers.Response": "response",
    "werkzeug.Response": "response",
    "quart.Response": "response",
}
_NAMES = frozenset(q.rsplit(".", 1)[1] for q in _STREAMING)
# Wrappers that hand the same iterator on (Flask's request context, Starlette's thread pool).
_PASS_THROUGH = frozenset({"flask.stream_with_context", "quart.stream_with_context",
                           "starlette.concurrency.iterate_in_threadpool"})

Def = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass(frozen=True)
class StreamedBody:
    """A streaming response built at `path:line` whose body is the generator defined at
    `def_line` of the same file, or (def_line 0) what `callee`, called in the function
    defined at `owner_line`, runs."""

    path: str
    line: int
    label: str  # the response as written: "StreamingResponse(...)"
    def_line: int
    owner_line: int
    callee: Callee | None


@dataclass(frozen=True)
class YieldsExceptionText:
    """A broad except of the generator defined at `path:def_line` yields the exception's
    text (`what`) on `yield_line`."""

    finding: Finding  # at the except, completed with the response that streams it
    path: str
    def_line: int
    name: str
    what: str
    yield_line: int


def _is_generator(ctx: FileContext, func: Def) -> bool:
    return ctx.memo("br401-generator", func, lambda: any(
        isinstance(n, ast.Yield | ast.YieldFrom) and ctx.semantic.enclosing_function(n) is func
        for n in ast.walk(func)))


def record_generator_yields(ctx: FileContext, handler: ast.ExceptHandler,
                            nodes: list[ast.AST], describe: Any,
                            hold: Any) -> None:
    """The first yield of a broad handler in a generator that carries the exception's text
    (not under an `isinstance(e, Specific)` test, which answers one deliberate error)."""
    func = ctx.semantic.enclosing_function(handler)
    if func is None:
        return
    for node in nodes:
        if not isinstance(node, ast.Yield) or node.value is None or \
                ctx.semantic.enclosing_function(node) is not func:
            continue
        if narrowed_to(ctx, handler, node) is not None:
            continue
        if isinstance(node.value, ast.Name) and node.value.id == handler.name:
            continue  # the exception object itself, for a consumer that inspects it
        what = describe(node.value)
        if what:
            ctx.emit_fact(YIELDS, YieldsExceptionText(hold(), ctx.path, func.lineno, func.name,
                                                      what, node.lineno))
            return


def record_stream(ctx: FileContext, call: ast.Call) -> None:
    """A streaming response whose body is a generator (called or not)."""
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if name not in _NAMES:
        return
    keyword = _STREAMING.get(ctx.qualified_name(func) or "")
    if keyword is None:
        return
    body = call.args[0] if call.args else next(
        (k.value for k in call.keywords if k.arg == keyword), None)
    while isinstance(body, ast.Call) and ctx.qualified_name(body.func) in _PASS_THROUGH \
            and body.args:
        body = body.args[0]
    if body is None:
        return
    target, inner = (body.func, body) if isinstance(body, ast.Call) else (body, None)
    found = _generator_def(ctx, target, 0)
    owner = ctx.semantic.enclosing_function(call)
    callee = None
    if found is None:
        if inner is None:
            return
        callee = callee_of(ctx, inner)
        if callee is None:
            return
    ctx.emit_fact(STREAMED, StreamedBody(
        ctx.path, call.lineno, f"{ctx.source(func)}(...)", found.lineno if found else 0,
        owner.lineno if owner is not None else 0, callee))


def _generator_def(ctx: FileContext, expr: ast.AST, depth: int) -> Def | None:
    """The generator function of this file `expr` names: a def in scope, `self.method`, a
    local holding a generator's call (`stream = events()`), or a local holding what a
    factory returns (`gen = build_stream(...)` where `build_stream` returns a nested
    generator function)."""
    if depth > 2:
        return None
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and \
            expr.value.id in ("self", "cls"):
        cls = ctx.semantic.enclosing_class(expr)
        method = next((s for s in cls.body if isinstance(s, Def) and s.name == expr.attr),
                      None) if cls is not None else None
        return method if method is not None and _is_generator(ctx, method) else None
    if not isinstance(expr, ast.Name):
        return None
    for binding in ctx.semantic.lookup(expr.id, expr)[1]:
        if binding.kind == "def" and isinstance(binding.node, Def):
            if _is_generator(ctx, binding.node):
                return binding.node
        elif binding.kind in ("assign", "annassign") and isinstance(binding.value, ast.Call):
            made = _generator_def(ctx, binding.value.func, depth + 1)
            if made is not None:
                return made
            factory = _local_function(ctx, binding.value.func)
            if factory is not None:
                returned = _returned_generator(ctx, factory, depth)
                if returned is not None:
                    return returned
    return None


def _local_function(ctx: FileContext, expr: ast.AST) -> Def | None:
    if isinstance(expr, ast.Name):
        for binding in ctx.semantic.lookup(expr.id, expr)[1]:
            if binding.kind == "def" and isinstance(binding.node, Def):
                return binding.node
    elif isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and \
            expr.value.id in ("self", "cls"):
        cls = ctx.semantic.enclosing_class(expr)
        return next((s for s in cls.body if isinstance(s, Def) and s.name == expr.attr),
                    None) if cls is not None else None
    return None


def _returned_generator(ctx: FileContext, factory: Def, depth: int) -> Def | None:
    """`def build(...): async def _generate(): ... return _generate`: the nested generator
    function the factory hands back."""
    for stmt in ast.walk(factory):
        if isinstance(stmt, ast.Return) and isinstance(stmt.value, ast.Name) and \
                ctx.semantic.enclosing_function(stmt) is factory:
            found = _generator_def(ctx, stmt.value, depth + 1)
            if found is not None:
                return found
    return None


def check_streams(facts: dict[str, list[Any]]) -> list[Finding]:
    """The generator excepts whose generator a streaming response sends."""
    items: list[YieldsExceptionText] = facts.get(YIELDS, [])
    bodies: list[StreamedBody] = facts.get(STREAMED, [])
    if not items or not bodies:
        return []
    streamed: dict[tuple[str, int], StreamedBody] = {}
    model = None
    for body in bodies:
        if body.def_line:
            streamed.setdefault((body.path, body.def_line), body)
            continue
        model = model or program_of(facts)
        owner = (model.function_at(body.path, body.owner_line) if body.owner_line else None) \
            or FunctionInfo("", "", "", 0)
        for target in model.targets(owner, CallSite(0, 0, 0, 0, body.callee, "")):
            streamed.setdefault((target.path, target.line), body)
    out: list[Finding] = []
    for item in items:
        body = streamed.get((item.path, item.def_line))
        if body is None:
            continue
        generator = f"`{item.name}`"
        if model is not None and body.path != item.path:
            fn = model.function_at(item.path, item.def_line)
            generator = f"`{short_name(fn.qualname, fn.path)}` ({item.path}:{item.def_line})" \
                if fn is not None else generator
        where = "" if body.path == item.path else f" of {body.path}"
        message = (f"{item.finding.message}: {item.what} is yielded by the generator "
                   f"{generator} on line {item.yield_line}, which {body.label} on line "
                   f"{body.line}{where} streams to the client")
        related = (
            Related(Span(item.yield_line, 1, item.yield_line, 2),
                    "the exception's text is yielded here", item.path),
            Related(Span(body.line, 1, body.line, 2),
                    "the generator is the body of this streaming response", body.path),
        )
        out.append(completed(item.finding, message, related))
    return out
