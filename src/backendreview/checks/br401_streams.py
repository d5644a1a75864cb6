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

from ..analysis.program import callee_of, definition_ref, program_of, short_name
from ..analysis.program.facts import Callee, CallSite, FunctionInfo
from ..analysis.program.model import MAX_DEPTH
from ..context import FileContext
from ..model import Finding, Related, Span
from .br401_raises import completed, narrowed_to

STREAMED = "br401_streamed_bodies"
YIELDS = "br401_generator_yields"
RELAYS = "br401_generator_relays"

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
STREAM_NAMES = _NAMES  # record_stream's per-call gate
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
    # the project class the yielded value is an instance of (`yield Step(warning=f"{e}")`),
    # as a dotted reference: a relay may keep such items to itself
    made: str = ""


@dataclass(frozen=True)
class RelayedGenerator:
    """The generator defined at `path:outer_line` yields every item of another generator
    (`yield from inner()`, `async for item in inner(): yield item`): the one defined at
    `inner_line` of the same file, or (inner_line 0) what `callee` runs. Whatever streams
    the outer one streams the inner one's items too."""

    path: str
    outer_line: int
    inner_line: int
    callee: Callee | None
    # classes whose items this relay does not pass on (`if isinstance(item, C): ... else:
    # yield item`), as dotted references: an item made as one of them stops here
    excludes: tuple[str, ...] = ()


def record_relay(ctx: FileContext, node: ast.Yield | ast.YieldFrom) -> None:
    """`yield from gen(...)`, or `yield item` in `for item in gen(...)` / `async for`."""
    outer = ctx.semantic.enclosing_function(node)
    if outer is None:
        return
    excludes: tuple[str, ...] = ()
    if isinstance(node, ast.YieldFrom):
        source = node.value
    else:
        # `yield item`, `yield json.dumps(item)`, `yield f"data: {item}\n\n"`: the item,
        # reshaped for the wire, of the loop that reads the inner generator.
        if node.value is None:
            return
        names = {n.id for n in ast.walk(node.value) if isinstance(n, ast.Name)}
        if not names:
            return
        loop = next((a for a in ctx.semantic.ancestors(node)
                     if isinstance(a, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
                     or (isinstance(a, ast.For | ast.AsyncFor)
                         and isinstance(a.target, ast.Name) and a.target.id in names)), None)
        if not isinstance(loop, ast.For | ast.AsyncFor):
            return
        source = loop.iter
        excludes = _excluded_classes(ctx, node, loop)
    if not isinstance(source, ast.Call):
        return
    found = _generator_def(ctx, source.func, 0)
    callee = callee_of(ctx, source) if found is None else None
    if found is None and callee is None:
        return
    ctx.emit_fact(RELAYS, RelayedGenerator(ctx.path, outer.lineno,
                                           found.lineno if found else 0, callee, excludes))


def _excluded_classes(ctx: FileContext, node: ast.Yield, loop: ast.For | ast.AsyncFor
                      ) -> tuple[str, ...]:
    """The classes an `isinstance` test of the loop's item keeps from `node`: the yield runs
    in the else of `if isinstance(item, C)` or under `if not isinstance(item, C)` (khoj's
    chat loop keeps its ResearchIteration objects for the next prompt and streams the rest)."""
    target = loop.target.id if isinstance(loop.target, ast.Name) else None
    out: list[str] = []
    child: ast.AST = node
    for anc in ctx.semantic.ancestors(node):
        if anc is loop:
            break
        if isinstance(anc, ast.If):
            test, negated = anc.test, False
            if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
                test, negated = test.operand, True
            kept_out = (child in anc.orelse) if not negated else (child in anc.body)
            if kept_out and isinstance(test, ast.Call) and isinstance(test.func, ast.Name) \
                    and test.func.id == "isinstance" and len(test.args) == 2 \
                    and isinstance(test.args[0], ast.Name) and test.args[0].id == target:
                kinds = test.args[1]
                for kind in kinds.elts if isinstance(kinds, ast.Tuple) else [kinds]:
                    ref = definition_ref(ctx, kind)
                    if ref is not None:
                        out.append(ref)
        child = anc
    return tuple(sorted(set(out)))


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
            made = definition_ref(ctx, node.value.func) if isinstance(
                node.value, ast.Call) else None
            ctx.emit_fact(YIELDS, YieldsExceptionText(hold(), ctx.path, func.lineno, func.name,
                                                      what, node.lineno, made or ""))
            return


# `StreamResponse.write(bytes)` is left out for now: the fix writer answers a str literal,
# which `write` refuses.
_STREAM_WRITERS = frozenset({"aiohttp.web.WebSocketResponse",
                             "aiohttp.web_ws.WebSocketResponse"})
_WRITE_METHODS = frozenset({"send_str", "send_json"})


def stream_write(ctx: FileContext, call: ast.Call) -> str | None:
    """`await ws.send_str(...)` on an aiohttp `WebSocketResponse` the route handler made: a
    message the client reads."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr in _WRITE_METHODS
            and isinstance(func.value, ast.Name)):
        return None
    for binding in ctx.semantic.lookup(func.value.id, func.value)[1]:
        value = binding.value
        if binding.kind == "assign" and isinstance(value, ast.Call) and (
                ctx.qualified_name(value.func) in _STREAM_WRITERS):
            return "aiohttp.web.WebSocketResponse"
    return None


# Starlette's (and FastAPI's re-exported) WebSocket: the connection of the client that opened
# it, whatever function holds it. `send_bytes` and the raw ASGI `send` are left out: the fix
# writer answers a str literal, which they refuse.
WEBSOCKET = "starlette.websockets.WebSocket"
_WEBSOCKET_CLASSES = frozenset({"starlette.websockets.WebSocket", "fastapi.WebSocket",
                                "fastapi.websockets.WebSocket"})
WEBSOCKET_SENDS = frozenset({"send_json", "send_text"})


def websocket_send(ctx: FileContext, call: ast.Call) -> str | None:
    """`await websocket.send_json(...)` / `send_text(...)` on a parameter annotated with
    Starlette's `WebSocket` (FastAPI's injection needs the annotation): a message the
    client reads, from a websocket route or any helper the route hands its connection to."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr in WEBSOCKET_SENDS
            and isinstance(func.value, ast.Name)):
        return None
    bindings = ctx.semantic.lookup(func.value.id, func.value)[1]
    if bindings and all(b.kind == "param" and b.annotation is not None and _websocket_type(
            ctx, b.annotation) for b in bindings):
        return WEBSOCKET
    return None


def websocket_parameter(ctx: FileContext, func: ast.AST | None) -> str | None:
    """The parameter of `func` annotated with Starlette's `WebSocket`: the connection a
    fixed error message goes back on."""
    if not isinstance(func, Def):
        return None
    return next((a.arg for a in [*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs]
                 if a.annotation is not None and _websocket_type(ctx, a.annotation)), None)


def _websocket_type(ctx: FileContext, annotation: ast.expr) -> bool:
    """`WebSocket`, `fastapi.WebSocket`, `Annotated[WebSocket, ...]`, `WebSocket | None`."""
    if isinstance(annotation, ast.Subscript) and isinstance(annotation.slice, ast.Tuple):
        if not annotation.slice.elts:
            return False  # `tuple[()]`: no first element, and no websocket
        annotation = annotation.slice.elts[0]  # Annotated[WebSocket, Depends(...)]
    if isinstance(annotation, ast.BinOp):  # WebSocket | None
        return any(_websocket_type(ctx, side) for side in (annotation.left, annotation.right))
    return ctx.qualified_name(annotation) in _WEBSOCKET_CLASSES


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
    if isinstance(expr, ast.Attribute):
        method = _local_function(ctx, expr)
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
    """The def of this file a name in scope or `self.method` / `cls.method` names."""
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
    for stmt in ctx.semantic.own_returns(factory):
        if isinstance(stmt.value, ast.Name):
            found = _generator_def(ctx, stmt.value, depth + 1)
            if found is not None:
                return found
    return None


def _generator_name(model: Any, path: str, line: int, fallback: str) -> str:
    fn = model.function_at(path, line)
    return f"`{short_name(fn.qualname, fn.path)}` ({path}:{line})" if fn is not None \
        else fallback


Streamed = dict[tuple[str, int], tuple["StreamedBody", tuple[tuple[str, int], ...]]]


def _relayed(streamed: Streamed,
             relays: dict[tuple[str, int], list[tuple[tuple[str, int], tuple[str, ...]]]],
             passes: Any) -> Streamed:
    """The generators whose items reach a streaming response, directly or through relays
    (those whose exclusions `passes` accepts), each with the relays it goes through."""
    out = dict(streamed)
    frontier = sorted(out)
    for _ in range(MAX_DEPTH):  # generators relaying generators, a few levels deep
        following: list[tuple[str, int]] = []
        for key in frontier:
            for inner_key, excludes in relays.get(key, []):
                if inner_key not in out and passes(excludes):
                    body, via = out[key]
                    out[inner_key] = (body, (*via, key))
                    following.append(inner_key)
        frontier = following
    return out


def _passes_instances(model: Any, made: str) -> Any:
    """Whether a relay with these exclusions passes on an instance of the class `made`: not
    when it keeps that class, or one of its bases, to itself."""
    cls = model.class_of(made)
    ancestry = {c.qualname for c in model.mro(cls)} if cls is not None else {made}

    def passes(excludes: tuple[str, ...]) -> bool:
        for ref in excludes:
            excluded = model.class_of(ref)
            if (excluded.qualname if excluded is not None else ref) in ancestry:
                return False
        return True
    return passes


def check_streams(facts: dict[str, list[Any]]) -> list[Finding]:
    """The generator excepts whose generator a streaming response sends."""
    items: list[YieldsExceptionText] = facts.get(YIELDS, [])
    bodies: list[StreamedBody] = facts.get(STREAMED, [])
    if not items or not bodies:
        return []
    # generator (path, def line) -> the response that streams it, and the generators
    # relaying its items to that response, outermost first
    streamed: dict[tuple[str, int], tuple[StreamedBody, tuple[tuple[str, int], ...]]] = {}
    model = None
    for body in bodies:
        if body.def_line:
            streamed.setdefault((body.path, body.def_line), (body, ()))
            continue
        model = model or program_of(facts)
        owner = (model.function_at(body.path, body.owner_line) if body.owner_line else None) \
            or FunctionInfo("", "", "", 0)
        for target in model.targets(owner, CallSite(0, 0, 0, 0, body.callee, "")):
            streamed.setdefault((target.path, target.line), (body, ()))
    # outer generator -> (inner generator, the classes that relay keeps to itself)
    relays: dict[tuple[str, int], list[tuple[tuple[str, int], tuple[str, ...]]]] = {}
    for relay in facts.get(RELAYS, []):
        inner = [(relay.path, relay.inner_line)] if relay.inner_line else []
        if not inner and relay.callee is not None:
            model = model or program_of(facts)
            owner = model.function_at(relay.path, relay.outer_line) or FunctionInfo("", "", "", 0)
            inner = [(t.path, t.line) for t in model.targets(
                owner, CallSite(0, 0, 0, 0, relay.callee, ""))]
        relays.setdefault((relay.path, relay.outer_line), []).extend(
            (key, relay.excludes) for key in inner)
    shared = _relayed(streamed, relays, lambda excludes: True)
    out: list[Finding] = []
    for item in items:
        reach = shared
        if item.made and any(excludes for pairs in relays.values() for _, excludes in pairs):
            # Only the relays that pass on an instance of the item's class.
            model = model or program_of(facts)
            reach = _relayed(streamed, relays, _passes_instances(model, item.made))
        found = reach.get((item.path, item.def_line))
        if found is None:
            continue
        body, via = found
        generator = f"`{item.name}`"
        if body.path != item.path or via:
            model = model or program_of(facts)
            generator = _generator_name(model, item.path, item.def_line, generator)
        where = "" if body.path == item.path else f" of {body.path}"
        relayed = "".join(f"{_generator_name(model, *key, '')} relays, and which "
                          for key in reversed(via)) if via and model is not None else ""
        message = (f"{item.finding.message}: {item.what} is yielded by the generator "
                   f"{generator} on line {item.yield_line}, which {relayed}{body.label} on "
                   f"line {body.line}{where} streams to the client")
        related = (
            Related(Span(item.yield_line, 1, item.yield_line, 2),
                    "the exception's text is yielded here", item.path),
            *(Related(Span(line, 1, line, 2), "this generator relays its items", path)
              for path, line in reversed(via)),
            Related(Span(body.line, 1, body.line, 2),
                    "the generator is the body of this streaming response", body.path),
        )
        out.append(completed(item.finding, message, related))
    return out
