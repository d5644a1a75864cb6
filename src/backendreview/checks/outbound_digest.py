"""Where a password digest goes: to another service, or into this application's own store.

A digest of a password that is only sent to a remote API (a file hoster's login that wants
`md5Pass`, a breach-check range query) is the remote protocol's credential format, not
password storage: the remote side dictates the algorithm and nothing here keeps the digest,
so a slow salted hasher would only make the login fail. BR202 asks this module before it
reports; the answer follows the digest by data flow (assignments, dict literals, keyed
entries, same-class helper methods) to the arguments of an outbound HTTP call, and gives up
as soon as the digest is compared or written to an attribute here.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..context import FileContext

# Calls that send a request: their arguments leave the process.
HTTP_CLIENT_MODULES = ("requests.", "httpx.", "aiohttp.", "urllib3.", "urllib.request.")
# Method names of HTTP clients (requests/httpx sessions, pycurl wrappers such as `self.load`)
# that count as a request when the call is given a URL.
_REQUEST_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options",
                              "request", "load", "fetch", "urlopen", "send", "stream", "open"})
_COMPARES = frozenset({"compare_digest", "consteq", "constant_time_compare", "safe_str_cmp",
                       "check_password_hash", "verify"})
# Wrappers that keep the digest's value: `.hexdigest()`, `.encode()`, `[:32]`, `.upper()`.
_PASS_THROUGH = (ast.Attribute, ast.Call, ast.Subscript, ast.JoinedStr, ast.FormattedValue,
                 ast.BinOp, ast.keyword)


def is_sent_elsewhere(ctx: FileContext, digest: ast.Call) -> bool:
    """True when the digest made by `digest` only travels to outbound requests."""
    function = ctx.semantic.enclosing_function(digest)
    if function is None:
        return False
    flow = _Flow(ctx, function)
    return flow.follow(digest)


class _Flow:
    def __init__(self, ctx: FileContext, function: ast.FunctionDef | ast.AsyncFunctionDef):
        self.ctx = ctx
        self.function = function
        self.cls = ctx.semantic.enclosing_class(function)
        self.names: set[str] = set()  # locals holding the digest (or a value built from it)
        self.keys: set[str] = set()   # `data["pwd"] = digest`: entries keyed by these strings
        self.sent = False
        self.kept = False  # compared or stored here: the password-storage question stands

    def follow(self, digest: ast.Call) -> bool:
        self._place(digest)
        changed = True
        while changed and not self.kept:
            before = (len(self.names), len(self.keys))
            for use in self._uses(self.function):
                self._place(use)
            changed = (len(self.names), len(self.keys)) != before
        if self.keys and self.cls is not None and not self.kept and not self.sent:
            self._keyed_reads_in_class()
        return self.sent and not self.kept

    def _uses(self, scope: ast.AST) -> Iterator[ast.expr]:
        for node in ast.walk(scope):
            if not isinstance(getattr(node, "ctx", None), ast.Load):
                continue
            if (isinstance(node, ast.Name) and node.id in self.names) or (
                    isinstance(node, ast.Subscript) and _key(node) in self.keys):
                yield node

    def _place(self, value: ast.AST) -> None:
        """Walk up from an expression holding the digest to what consumes it."""
        node = value
        for parent in self.ctx.semantic.ancestors(value):
            if isinstance(parent, ast.Compare) or (
                    isinstance(parent, ast.Call) and _callee(parent) in _COMPARES):
                self.kept = True
                return
            if isinstance(parent, ast.Call) and node is not parent.func:
                if self._is_outbound(parent):
                    self.sent = True
                    return
                if isinstance(parent.func, ast.Attribute) and parent.func.attr == "update" and \
                        isinstance(parent.func.value, ast.Name):
                    self.names.add(parent.func.value.id)  # `post.update(kwargs)`
            if isinstance(parent, ast.Assign | ast.AnnAssign | ast.AugAssign):
                if node is not parent.value:
                    return
                targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
                for target in targets:
                    self._bind(target)
                return
            if isinstance(parent, ast.stmt):
                return
            node = parent

    def _bind(self, target: ast.expr) -> None:
        if isinstance(target, ast.Name):
            self.names.add(target.id)
        elif isinstance(target, ast.Subscript) and _key(target) is not None:
            self.keys.add(_key(target))  # type: ignore[arg-type]
        elif isinstance(target, ast.Attribute):
            self.kept = True  # `user.password_hash = digest`: stored here
        elif isinstance(target, ast.Tuple | ast.List):
            for element in target.elts:
                self._bind(element)

    def _keyed_reads_in_class(self) -> None:
        """`data["pwd"] = md5(pw)` in `signin`, read back as `self.info["data"]["pwd"]` by the
        method that builds the login request: the entry travels with its key."""
        assert self.cls is not None
        for method in self._methods():
            if method is self.function:
                continue
            reads = [n for n in self._uses(method) if isinstance(n, ast.Subscript)]
            if not reads:
                continue
            if self._requests(method) or self._called_into_request(method.name):
                for read in reads:
                    self._place(read)
                if not self.kept:
                    self.sent = True
                return

    def _methods(self) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
        if self.cls is None:
            return []
        return [m for m in self.cls.body if isinstance(m, ast.FunctionDef | ast.AsyncFunctionDef)]

    def _requests(self, method: ast.AST) -> bool:
        return any(isinstance(n, ast.Call) and self._is_outbound(n, helpers=False)
                   for n in ast.walk(method))

    def _called_into_request(self, name: str) -> bool:
        """`self.load(URL, post=self.create_auth_query())`: the method's result is sent."""
        for method in self._methods():
            for call in ast.walk(method):
                if isinstance(call, ast.Call) and self._is_outbound(call, helpers=False) and any(
                        isinstance(arg, ast.Call) and _is_self_method(arg.func, name)
                        for arg in _arguments(call)):
                    return True
        return False

    def _is_outbound(self, call: ast.Call, helpers: bool = True) -> bool:
        qualified = self.ctx.qualified_name(call.func) or ""
        if qualified.startswith(HTTP_CLIENT_MODULES):
            return True
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in _REQUEST_METHODS:
            url = call.args[0] if call.args else next(
                (k.value for k in call.keywords if k.arg == "url"), None)
            if url is not None and self._is_url(url):
                return True
        if helpers and isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) \
                and func.value.id in ("self", "cls"):
            # `self.api_request("login", passwd=digest)`: a helper of this class that sends.
            method = next((m for m in self._methods() if m.name == func.attr), None)
            return method is not None and self._requests(method)
        return False

    def _is_url(self, expr: ast.AST, depth: int = 0) -> bool:
        if depth > 3:
            return False
        if isinstance(expr, ast.Constant):
            return isinstance(expr.value, str) and expr.value.startswith(("http://", "https://"))
        if isinstance(expr, ast.JoinedStr):
            return bool(expr.values) and self._is_url(
                getattr(expr.values[0], "value", expr.values[0]), depth + 1)
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
            return self._is_url(expr.left, depth + 1)
        if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and \
                expr.func.attr == "format":
            return self._is_url(expr.func.value, depth + 1)
        if isinstance(expr, ast.Name):
            return any(b.kind in ("assign", "annassign") and b.value is not None
                       and self._is_url(b.value, depth + 1)
                       for b in self.ctx.reaching_bindings(expr))
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and \
                expr.value.id in ("self", "cls") and self.cls is not None:
            return any(self._is_url(v, depth + 1) for v in _class_constants(self.cls, expr.attr))
        return False


def _class_constants(cls: ast.ClassDef, name: str) -> Iterator[ast.expr]:
    for stmt in cls.body:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] if \
            isinstance(stmt, ast.AnnAssign) else []
        value = getattr(stmt, "value", None)
        if value is not None and any(isinstance(t, ast.Name) and t.id == name for t in targets):
            yield value


def _key(node: ast.Subscript) -> str | None:
    if isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
        return node.slice.value
    return None


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _is_self_method(func: ast.expr, name: str) -> bool:
    return isinstance(func, ast.Attribute) and func.attr == name and \
        isinstance(func.value, ast.Name) and func.value.id == "self"


def _arguments(call: ast.Call) -> Iterator[ast.expr]:
    yield from call.args
    for kw in call.keywords:
        yield kw.value
