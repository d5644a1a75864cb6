"""BR401: text written for the client. A broad `except` around calls that can only fail with
messages the project wrote itself sends no internals when it answers with the exception's
text.

    def _check_admin_add(member, premium_user):          try:
        if member.role == "admin" and not premium_user:      _check_admin_add(member, premium)
            raise ValueError("Assigning team admins       except Exception as e:
                              is a premium feature")          raise HTTPException(400, str(e))

A function of the same file qualifies when every `raise` in it builds its exception from the
function's own words (literals, f-strings of its values, no other exception's text) and every
call it makes is one that cannot fail with a server's internals: parsing or validating a
value (`json.loads`, `int`, `yaml.safe_load`), pure operations on values (`len`,
`isinstance`, `append`), or another function of the file that qualifies (followed
`_MAX_DEPTH` calls deep). Library and driver calls (a query, an HTTP request, a file read)
disqualify it: their exceptions carry text nobody in the project wrote.

A route handler that runs code the client submitted (`exec(compile(request.custom_code))`,
`eval(body.expression)`) answers, by design, with that code's errors: a syntax error, the
exception the client's function raised. Its broad excepts are not reported when they answer
without a server-error status.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

from ..astutil import nodes_within
from ..context import FileContext

_MAX_DEPTH = 3
# Operations on values already in memory: what they raise (TypeError, KeyError naming a key
# of the client's data) describes that data, never a server's state.
PURE_CALL = re.compile(
    r"^(?:len|enumerate|range|zip|sorted|reversed|isinstance|issubclass|hasattr|getattr"
    r"|list|dict|set|frozenset|tuple|str|repr|bool|any|all|min|max|sum|abs|round|append"
    r"|extend|insert|pop|add|update|setdefault|copy|join|format|startswith|endswith"
    r"|upper|lower|strip|lstrip|rstrip|replace|removeprefix|removesuffix|count|index|find"
    r"|splitlines|partition|rpartition|fullmatch|match|search|compile|escape)$")


def callee_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def same_file_def(ctx: FileContext, call: ast.Call
                  ) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The def `call` runs when the file itself defines it: `f(...)` a module-level function,
    `self.m(...)` / `cls.m(...)` / `Owner.m(...)` a method of the enclosing class."""
    func = call.func
    if isinstance(func, ast.Name):
        body: list[ast.stmt] = ctx.tree.body
        name = func.id
    elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        caller = ctx.semantic.enclosing_function(call)
        owner = ctx.semantic.parent(caller) if caller is not None else None
        if not isinstance(owner, ast.ClassDef) or func.value.id not in (
                "self", "cls", owner.name):
            return None
        body, name = owner.body, func.attr
    else:
        return None
    found = [s for s in body if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef)
             and s.name == name]
    return found[0] if len(found) == 1 else None


def _own_words(raise_node: ast.Raise, caught: set[str]) -> bool:
    """`raise ValueError(f"... {value}")`, `raise Conflict(msg)`: an exception built here, with
    no caught exception's text in it (a bare `raise` passes on someone else's)."""
    exc = raise_node.exc
    if exc is None:
        return False
    return not any(isinstance(n, ast.Name) and n.id in caught for n in ast.walk(exc))


def raises_only_own_text(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef,
                         is_safe_call: Callable[[ast.Call], bool], depth: int = 0) -> bool:
    """Whether every failure of `func` is a message of its own (see the module docstring).
    `is_safe_call`: the caller's own test for a call that parses or validates a value."""
    return ctx.memo(f"br401-own-text-{depth}", func,
                    lambda: _own_text(ctx, func, is_safe_call, depth))


def _own_text(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef,
              is_safe_call: Callable[[ast.Call], bool], depth: int) -> bool:
    if depth >= _MAX_DEPTH:
        return False
    if not any(isinstance(n, ast.Raise | ast.Call) for n in ast.walk(func)):
        return False  # a stand-in with nothing that fails says nothing of what the real one does
    caught = {h.name for h in ast.walk(func) if isinstance(h, ast.ExceptHandler) and h.name}
    raised = {id(n.exc) for n in ast.walk(func) if isinstance(n, ast.Raise)}
    contained = _contained(ctx, func)
    for node in ast.walk(func):
        if id(node) in raised or id(node) in contained:
            continue  # building the exception it raises; failing inside a catch-all
        if isinstance(node, ast.Raise) and not _own_words(node, caught):
            return False
        if isinstance(node, ast.Call) and not is_safe_call(node):
            target = same_file_def(ctx, node)
            if target is None or target is func or not raises_only_own_text(
                    ctx, target, is_safe_call, depth + 1):
                return False
    return True


_BROAD = frozenset({"builtins.Exception", "builtins.BaseException"})


def _contained(ctx: FileContext, func: ast.AST) -> set[int]:
    """The nodes of `func` inside the body of a `try` with a catch-all handler (`except
    Exception: return None`): what fails there is turned into the handler's own outcome, so
    only the handlers' raises (checked like any other) can leave the function."""
    out: set[int] = set()
    for node in ast.walk(func):
        if isinstance(node, ast.Try) and any(
                h.type is None or any(ctx.qualified_name(t) in _BROAD for t in (
                    h.type.elts if isinstance(h.type, ast.Tuple) else [h.type]))
                for h in node.handlers):
            out.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    return out


_RUN_CODE = frozenset({"builtins.exec", "builtins.eval"})


def runs_client_code(ctx: FileContext, function: ast.AST | None) -> bool:
    """`function` (a route handler) executes source text it received: `exec` / `eval` of an
    argument built from one of its parameters, directly or through one local (`compiled =
    compile(request.code)`), anywhere in its body (nested helpers included)."""
    if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
        return False
    return ctx.memo("br401-runs-client-code", function, lambda: _runs_code(ctx, function))


def _runs_code(ctx: FileContext, function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    params = {a.arg for a in [*function.args.posonlyargs, *function.args.args,
                              *function.args.kwonlyargs]} - {"self", "cls"}
    bound: dict[str, ast.AST] = {}
    runs: list[ast.AST] = []
    for node in ast.walk(function):
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            bound.update({t.id: node.value for t in targets if isinstance(t, ast.Name)})
        elif isinstance(node, ast.Call) and node.args and \
                ctx.qualified_name(node.func) in _RUN_CODE:
            runs.append(node.args[0])

    def from_params(expr: ast.AST) -> bool:
        return any(isinstance(n, ast.Name) and n.id in params for n in ast.walk(expr))

    return any(from_params(code) or (isinstance(code, ast.Name) and code.id in bound
                                     and from_params(bound[code.id])) for code in runs)


# Standard-library modules whose classes open a connection or a file when built
# (`smtplib.SMTP(host)`, `zipfile.ZipFile(path)`): their failures are the server's.
_IO_MODULES = frozenset({
    "socket", "ssl", "smtplib", "ftplib", "imaplib", "poplib", "telnetlib", "http", "urllib",
    "sqlite3", "subprocess", "asyncio", "io", "os", "shutil", "tempfile", "zipfile", "tarfile",
    "gzip", "bz2", "lzma", "shelve", "dbm", "mmap", "multiprocessing", "logging",
    "requests", "httpx", "aiohttp", "urllib3", "psycopg", "psycopg2", "asyncpg", "pymysql",
    "MySQLdb", "pymongo", "motor", "redis", "sqlalchemy", "boto3", "botocore", "paramiko",
    "git", "docker", "kubernetes", "celery", "kombu", "elasticsearch", "minio",
})


def library_parser(ctx: FileContext, call: ast.Call) -> bool:
    """`Expr(filter_query)` with `from cql2 import Expr`: a class another distribution
    defines (imported by an absolute name from a package that is not this module's own, nor
    one that talks to a server or a file), built on nothing but the enclosing function's
    parameters. A parser object over the caller's text; what its constructor raises —
    some libraries raise a bare `Exception` on a syntax error — describes that text."""
    func = call.func
    if not isinstance(func, ast.Name) or not func.id[:1].isupper() or not call.args:
        return False
    bindings = ctx.semantic.lookup(func.id, func)[1]
    if len(bindings) != 1 or bindings[0].kind != "import" or not bindings[0].qualified:
        return False
    node = bindings[0].node
    statement = node if isinstance(node, ast.ImportFrom) else ctx.semantic.parent(node)
    if isinstance(statement, ast.ImportFrom) and statement.level:
        return False  # `from .query import Expr`: the project's own class
    root = bindings[0].qualified.split(".", 1)[0]
    if root in _IO_MODULES or root == (ctx.module or "").split(".", 1)[0]:
        return False
    function = ctx.semantic.enclosing_function(call)
    return function is not None and all(
        _from_parameters(ctx, arg, function) for arg in [*call.args,
                                                         *(k.value for k in call.keywords)]
    ) and _read_as_parsed(ctx, call, function)


# What a parser object is read by: its checks and the serialised form of what it parsed
# (`Expr(q).validate()`, `expr.to_json()`). Not `get`/`items`/`read`: a client's calls.
_PARSED_READS = re.compile(
    r"^(?:validate\w*|is_valid|parse\w*|to_json|to_dict|to_text|to_python|model_dump\w*)$")


def _read_as_parsed(ctx: FileContext, call: ast.Call,
                    function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """The object `call` builds is read as a parsed value: `C(q).validate()`, or `c = C(q)`
    and `c.to_json()` from that binding. A constructor whose object nothing reads so
    (`BlockingConnection(params)` alone, `NNTP(host)`, a client kept for later) is no
    evidence of a parser: such a class may connect, log in or write when built."""
    parent = ctx.semantic.parent(call)
    if isinstance(parent, ast.Attribute):
        method = ctx.semantic.parent(parent)
        return isinstance(method, ast.Call) and method.func is parent and bool(
            _PARSED_READS.match(parent.attr))
    if not (isinstance(parent, ast.Assign) and len(parent.targets) == 1
            and isinstance(parent.targets[0], ast.Name)):
        return False
    name = parent.targets[0].id
    return any(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name) and node.func.value.id == name
        and _PARSED_READS.match(node.func.attr)
        and any(b.node is parent for b in ctx.reaching_bindings(node.func.value))
        for node in nodes_within(function.body))


def _from_parameters(ctx: FileContext, expr: ast.AST, function: ast.AST, depth: int = 0) -> bool:
    """`expr` is made of the function's parameters only (a parameter, an item or attribute
    of one, a local assigned from those): the caller's data, nothing the server looked up.
    Not a method's receiver (`self.default_filter`): the server's own object."""
    names = [n for n in ast.walk(expr) if isinstance(n, ast.Name)]
    if not names or any(isinstance(n, ast.Call) for n in ast.walk(expr)) or depth > 2:
        return False
    for name in names:
        bindings = ctx.reaching_bindings(name)
        if not bindings:
            return False
        for binding in bindings:
            if binding.kind == "param" and not _receiver(ctx, binding.node):
                continue
            if binding.kind in ("assign", "annassign") and binding.value is not None and \
                    ctx.semantic.enclosing_function(binding.node) is function and \
                    _from_parameters(ctx, binding.value, function, depth + 1):
                continue
            return False
    return True


def _receiver(ctx: FileContext, arg: ast.AST) -> bool:
    """`arg` is the first parameter of a method (`self`, `cls`), not of a staticmethod."""
    function = ctx.semantic.parent(arg)
    if isinstance(function, ast.arguments):
        function = ctx.semantic.parent(function)
    if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef) or not isinstance(
            ctx.semantic.parent(function), ast.ClassDef):
        return False
    positional = [*function.args.posonlyargs, *function.args.args]
    return bool(positional) and positional[0] is arg and not any(
        isinstance(d, ast.Name) and d.id == "staticmethod" for d in function.decorator_list)
