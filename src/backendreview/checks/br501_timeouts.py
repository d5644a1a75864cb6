"""BR501 http-without-timeout: an outbound HTTP call that can wait forever (CWE-400, CWE-1088).

requests (module functions and Session objects), urllib3 (PoolManager and its request()),
and urllib.request.urlopen have no timeout unless one is given: a slow or silent upstream
holds the worker (and the request that waits on it) until the process is killed. httpx has a
5-second default and aiohttp a 5-minute one, so only an `aiohttp.ClientTimeout()` with no
limit at all is reported for them. An explicit `timeout=None` is a decision written in the
code (an event stream that stays open, a payment whose outcome must be awaited), not a
forgotten timeout: it is not reported. Tests and examples are not reported, nor a module
file shadowed by a package of the same name beside it (br501_shadowed: dead code).
"""

from __future__ import annotations

import ast
import re

from ..analysis.paths import is_test_path
from ..analysis.rewrite import with_keyword
from ..model import Edit, Fix, Span
from .base import Rule
from .br501_shadowed import DEFERRED
from .confidence import NOTE, admin_reason, as_note, script_reason, startup_reason

_REQUESTS_FUNCS = frozenset({"get", "post", "put", "patch", "delete", "head", "options",
                             "request"})
_SESSION_CLASSES = frozenset({"requests.Session", "requests.session", "requests.sessions.Session"})
_POOL_CLASSES = frozenset({"urllib3.PoolManager", "urllib3.HTTPConnectionPool",
                           "urllib3.HTTPSConnectionPool", "urllib3.connection_from_url",
                           "urllib3.poolmanager.PoolManager"})
_NO_DEFAULT_FUNCS = frozenset({"urllib.request.urlopen", "urllib3.request"})
_BOUNDED_BY_DEFAULT = frozenset({
    "httpx.get", "httpx.post", "httpx.put", "httpx.patch", "httpx.delete", "httpx.head",
    "httpx.options", "httpx.request", "httpx.stream", "httpx.Client", "httpx.AsyncClient",
    "aiohttp.ClientSession", "aiohttp.ClientTimeout",
})


class HttpWithoutTimeout(Rule):
    id = "BR501"
    requires_imports = ("requests", "urllib3", "urllib", "httpx", "aiohttp")

    def visit_Call(self, node: ast.Call) -> None:
        if is_test_path(self.ctx.policy_path):
            return
        if any(k.arg is None for k in node.keywords):
            return  # **kwargs may carry a timeout
        qualified = self.ctx.qualified_name(node.func) or ""
        timeout = next((k.value for k in node.keywords if k.arg == "timeout"), None)
        if qualified in _BOUNDED_BY_DEFAULT:
            if qualified == "aiohttp.ClientTimeout" and not node.args and not node.keywords:
                self._report(node, "aiohttp.ClientTimeout() with no total or read limit",
                             keyword="total")
            return
        if timeout is not None:
            return  # a bound, or `timeout=None`: waiting forever written down on purpose
        label = None
        if qualified.startswith("requests.") and qualified.split(".")[-1] in _REQUESTS_FUNCS \
                and qualified.count(".") == 1:
            label = qualified
        elif qualified in _NO_DEFAULT_FUNCS:
            if qualified == "urllib.request.urlopen" and len(node.args) >= 3:
                return
            label = qualified
        elif qualified in _POOL_CLASSES:
            label = f"{qualified}() without a default timeout"
        elif isinstance(node.func, ast.Attribute) and node.func.attr in _REQUESTS_FUNCS and (
                self._is_requests_session(node.func.value)):
            label = f"requests.Session().{node.func.attr}"
        if label:
            self._report(node, f"`{label}` has no timeout: a silent upstream holds the worker "
                         f"forever")

    def _is_requests_session(self, expr: ast.AST) -> bool:
        if isinstance(expr, ast.Call):
            return self.ctx.qualified_name(expr.func) in _SESSION_CLASSES
        if isinstance(expr, ast.Name):
            bindings = self.ctx.reaching_bindings(expr)
            return bool(bindings) and all(
                b.kind in ("assign", "with") and isinstance(b.value, ast.Call)
                and self.ctx.qualified_name(b.value.func) in _SESSION_CLASSES
                for b in bindings)
        return False

    def _report(self, node: ast.Call, message: str, keyword: str = "timeout") -> None:
        reason = (script_reason(self.ctx.path) or admin_reason(self.ctx.path)
                  or startup_reason(self.ctx, node))
        finding = self.report(node, as_note(message, reason) if reason else message,
                              severity=NOTE if reason else None,
                              fix=_long_wait_fix(self._long_wait(node),
                                                   self.ctx.qualified_name(node.func) or "")
                              or _timeout_fix(
                                  self.ctx.source(node), self.ctx.span_of(node), keyword,
                                  self.ctx.qualified_name(node.func) or ""))
        # Whether any import reaches this file is a project fact (br501_shadowed).
        self.ctx.findings.remove(finding)
        self.ctx.emit_fact(DEFERRED, finding)


    def _long_wait(self, node: ast.Call) -> str | None:
        """Why the call waits for a long answer by design, or None: a POST whose URL asks
        for a language model's whole reply (`/chat`, `/completions`, `/generate`) or for the
        upstream to finish its work first (`?blocking=true`), or a POST from a module that
        sends requests to a language model server (`local_llm/`)."""
        # Only a POST starts the work it waits for: a GET of `/api/chat/rooms`, of a search
        # box's `/completions?q=`, or of any URL from a module under `llm/` (a model list,
        # a license file) is an ordinary quick read; so is the PUT or DELETE of an action's
        # definition with `?blocking=true`.
        if not self._posts(node):
            return None
        for text in self._url_texts(node):
            for match in _LONG_URL.finditer(text):
                return f"the URL names `{match[1] or match[2].lstrip('?&')}`"
        if _LLM_PATH.search(self.ctx.path):
            return "this module talks to a language model server"
        return None

    def _posts(self, node: ast.Call) -> bool:
        """`requests.post(...)`, `session.post(...)`, `requests.request("POST", ...)`,
        `urlopen(url, data)`: the call sends a POST."""
        if isinstance(node.func, ast.Attribute) and node.func.attr == "post":
            return True
        qualified = self.ctx.qualified_name(node.func) or ""
        if qualified == "urllib.request.urlopen":
            return len(node.args) >= 2 or any(k.arg == "data" for k in node.keywords)
        if qualified.endswith(".request") or (
                isinstance(node.func, ast.Attribute) and node.func.attr == "request"):
            method = next((k.value for k in node.keywords if k.arg == "method"),
                          node.args[0] if node.args else None)
            return isinstance(method, ast.Constant) and isinstance(method.value, str) and (
                method.value.upper() == "POST")
        return False

    def _url_texts(self, node: ast.Call) -> list[str]:
        """The literal parts of the call's URL: a string, an f-string, or a local assigned
        one of those."""
        url = next((k.value for k in node.keywords if k.arg == "url"), None)
        if url is None and node.args:
            qualified = self.ctx.qualified_name(node.func) or ""
            index = 1 if (qualified.endswith(".request") or (
                isinstance(node.func, ast.Attribute) and node.func.attr == "request")) else 0
            url = node.args[index] if len(node.args) > index else None
        values: list[ast.AST] = [url] if url is not None else []
        if isinstance(url, ast.Name):
            values = [b.value for b in self.ctx.reaching_bindings(url)
                      if b.kind == "assign" and b.value is not None]
        return ["".join(part.value for part in ast.walk(v) if isinstance(part, ast.Constant)
                        and isinstance(part.value, str)) for v in values
                if isinstance(v, ast.Constant | ast.JoinedStr | ast.BinOp)]


# A URL whose answer comes when the upstream's work is done: a language model's reply, an
# action run to its end. Minutes are normal there; a ten-second read bound cuts them off.
_LONG_URL = re.compile(r"(/(?:chat|completions?|generate))(?:[/?]|$)|([?&](?:blocking|wait)=true)",
                       re.IGNORECASE)
_LLM_PATH = re.compile(r"(?:^|/)(?:local_)?llms?(?:_[a-z]+)?/", re.IGNORECASE)


def _long_wait_fix(reason: str | None, qualified: str) -> Fix | None:
    """Words, not a number, for a call whose answer takes as long as the upstream's work:
    any fixed read bound we wrote could abort its ordinary runs. The form of the bound is
    the client's: a tuple is requests' alone (urllib3 rejects one, urlopen takes a number)."""
    if reason is None:
        return None
    limit = "the longest run the upstream allows (its own limit, or a setting of this project)"
    if qualified == "urllib.request.urlopen":
        bound = (f"urlopen takes one number, which bounds the connection and each read alike: "
                 f"make it {limit}")
    else:
        form = ("`urllib3.Timeout(connect=..., read=...)` (urllib3 rejects a tuple)"
                if qualified.startswith("urllib3.") else "a (connect, read) tuple")
        bound = f"Bound the connect phase tightly and the read by {limit}, as {form}"
    return Fix(f"Pass a timeout, but not a short one: {reason}, so the answer comes only when "
               f"the upstream's work is done, which can take minutes. {bound}; a few seconds "
               f"would abort ordinary calls.")


def _timeout_fix(call: str, span: Span, keyword: str, qualified: str) -> Fix:
    """The call with a timeout (an exact edit), added after the last argument. The words
    give the bound in the client's own form: a tuple is requests' alone."""
    value = "30" if keyword == "total" else "10"
    rewritten = with_keyword(call, keyword, value)
    if qualified.startswith("urllib3."):
        description = ("Pass a timeout suited to the upstream: seconds, or urllib3.Timeout("
                       "connect=3.05, read=27) to bound each phase (urllib3 rejects a tuple).")
    elif qualified == "urllib.request.urlopen":
        description = ("Pass a timeout suited to the upstream: urlopen takes one number of "
                       "seconds, which bounds the connection and each read.")
    elif qualified == "aiohttp.ClientTimeout":
        description = ("Give the ClientTimeout a limit suited to the upstream: total, or "
                       "sock_connect and sock_read to bound each phase.")
    else:
        description = ("Pass a timeout (connect, read) suited to the upstream; requests "
                       "accepts a tuple such as (3.05, 27).")
    if rewritten is None:
        return Fix(description)
    # Unsafe by ruff's definition: a call that used to wait now raises after the bound.
    return Fix(description, rewritten, edits=(Edit(span, rewritten),), safe=False)


RULES = (HttpWithoutTimeout,)
