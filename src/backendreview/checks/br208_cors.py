"""BR208 cors-wildcard-credentials: any origin may make credentialed requests (CWE-942).

Starlette / FastAPI `CORSMiddleware` and flask-cors answer a wildcard origin with the
caller's own origin once credentials are allowed, so every web site can send requests with
the user's cookies and read the answers. django-cors-headers does the same with
`CORS_ALLOW_ALL_ORIGINS = True` and `CORS_ALLOW_CREDENTIALS = True`. Origins read from
configuration are not reported: only a literal `"*"` (or `.*` regex), followed through a
module constant or local variable.

flask-cors merges the app's `CORS_*` configuration into every `CORS(...)` and
`@cross_origin(...)` (its `get_cors_options`): a call that names no `origins` gets the
configured `CORS_ORIGINS`, and only without one the library default `"*"`. Such a call is
handed to the project phase as a `DeferredCors`; it is reported only when no production file
of the project configures `CORS_ORIGINS` (a settings constant, `app.config["CORS_ORIGINS"]`,
`config.update(CORS_ORIGINS=...)`) to anything but a literal wildcard.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any

from ..analysis.paths import is_non_production
from ..analysis.rewrite import with_keyword
from ..analysis.values import constant_str, keyword
from ..model import Finding, Fix
from .base import ProjectRule, Rule

_STARLETTE_CORS = frozenset({"starlette.middleware.cors.CORSMiddleware",
                             "fastapi.middleware.cors.CORSMiddleware"})
_FLASK_CORS = frozenset({"flask_cors.CORS", "flask_cors.cross_origin",
                         "flask_cors.extension.CORS"})
# A qualified name starts with the first part of a module the file imports: a file that
# imports none of these cannot name either middleware.
_CORS_MODULES = frozenset(name.split(".")[0] for name in _STARLETTE_CORS | _FLASK_CORS)
_ALLOW_ALL = ("CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL")
_ORIGINS_SETTING = "CORS_ORIGINS"

DEFERRED = "br208_deferred"
CONFIGURED = "br208_configured_origins"


@dataclass(frozen=True)
class DeferredCors:
    """A flask-cors call without `origins`: its origins are the app's CORS_ORIGINS setting."""

    finding: Finding


@dataclass(frozen=True)
class ConfiguredOrigins:
    """A production file sets flask-cors's CORS_ORIGINS (`wildcard`: to a literal "*")."""

    path: str
    line: int
    wildcard: bool


class CorsWildcardCredentials(Rule):
    id = "BR208"

    def __init__(self, ctx, doc) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx, doc)
        self.skip = is_non_production(ctx.policy_path)
        self.names_cors = any(ctx.semantic.is_imported(m) for m in _CORS_MODULES)
        if self.skip:
            self.idle = frozenset(self.visitors())
        elif not self.names_cors and ctx.text.isascii() and _ORIGINS_SETTING not in ctx.text:
            # Without those imports a call can only matter by a `CORS_ORIGINS=` keyword,
            # which an ASCII file spells as written: no call of this file is read.
            self.idle = frozenset({ast.Call})

    def visit_Call(self, node: ast.Call) -> None:
        if self.skip:
            return
        if not self.names_cors:
            # Asked of every call of every file: without those imports only the
            # `CORS_ORIGINS=` keyword is left to look for (no qualified name of the callee
            # and of the first argument).
            self._origins_in_call(node)
            return
        qualified = self.ctx.qualified_name(node.func) or ""
        middleware = node.args[0] if node.args else keyword(node, "middleware_class")
        is_starlette = middleware is not None and (
            self.ctx.qualified_name(middleware) in _STARLETTE_CORS)
        if is_starlette or qualified in _STARLETTE_CORS:
            credentials = keyword(node, "allow_credentials")
            origins = keyword(node, "allow_origins")
            regex = keyword(node, "allow_origin_regex")
            wildcard = self._is_wildcard(origins) or (constant_str(regex) or "") in (
                ".*", "^.*$", ".+", "^.+$", "https?://.*")
            if wildcard and self._is_true(credentials):
                self._report(node, "CORSMiddleware(allow_origins=[\"*\"], "
                             "allow_credentials=True)",
                             with_keyword(self.ctx.source(node), "allow_origins",
                                          '["https://app.example.com"]'))
        elif qualified in _FLASK_CORS:
            credentials = keyword(node, "supports_credentials")
            origins = keyword(node, "origins")
            if origins is None and keyword(node, "resources") is not None:
                return  # origins set per resource: not a wildcard we can see
            if self._is_true(credentials) and (origins is None or self._is_wildcard(origins)):
                name = qualified.rsplit(".", 1)[-1]
                unset = (" (no `origins`, and flask-cors's default CORS_ORIGINS is \"*\")"
                         if origins is None else "")
                suggestion = with_keyword(self.ctx.source(node), "origins",
                                          '["https://app.example.com"]')
                finding = self._report(node, f"{name}(supports_credentials=True) with every "
                                       f"origin{unset}", suggestion)
                if origins is None:
                    # The app's CORS_ORIGINS setting decides: the project phase looks for it.
                    self.ctx.findings.remove(finding)
                    self.ctx.emit_fact(DEFERRED, DeferredCors(finding))
        self._origins_in_call(node)

    def _origins_in_call(self, node: ast.Call) -> None:
        """`app.config.update(CORS_ORIGINS=[...])` / `dict(CORS_ORIGINS=...)`."""
        for kw in node.keywords:
            if kw.arg == _ORIGINS_SETTING:
                self._configured(kw.value)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        # `app.config["CORS_ORIGINS"] = [...]`
        if (not self.skip and isinstance(node.ctx, ast.Store)
                and constant_str(node.slice) == _ORIGINS_SETTING):
            parent = self.ctx.semantic.parent(node)
            value = parent.value if isinstance(parent, ast.Assign | ast.AnnAssign) else None
            self._configured(value)

    def visit_Dict(self, node: ast.Dict) -> None:
        # `app.config.from_mapping({"CORS_ORIGINS": [...]})`
        if self.skip:
            return
        for key, value in zip(node.keys, node.values, strict=True):
            if key is not None and constant_str(key) == _ORIGINS_SETTING:
                self._configured(value)

    def _configured(self, value: ast.AST | None) -> None:
        self.ctx.emit_fact(CONFIGURED, ConfiguredOrigins(
            self.ctx.path, getattr(value, "lineno", 0),
            value is not None and self._is_wildcard(value)))

    def visit_Assign(self, node: ast.Assign) -> None:
        if self.skip or not isinstance(self.ctx.semantic.parent(node), ast.Module):
            return
        names = {t.id for t in node.targets if isinstance(t, ast.Name)}
        if _ORIGINS_SETTING in names:  # a settings module flask-cors reads through app.config
            self._configured(node.value)
        if not names & set(_ALLOW_ALL) or not self._is_true(node.value):
            return
        credentials = self.ctx.semantic.module_scope.bindings.get("CORS_ALLOW_CREDENTIALS", [])
        if any(self._is_true(b.value) for b in credentials if b.kind == "assign"):
            self._report(node, f"{sorted(names & set(_ALLOW_ALL))[0]} = True with "
                         f"CORS_ALLOW_CREDENTIALS = True",
                         'CORS_ALLOWED_ORIGINS = ["https://app.example.com"]')

    def _is_true(self, expr: ast.AST | None) -> bool:
        return isinstance(expr, ast.Constant) and expr.value is True

    def _is_wildcard(self, expr: ast.AST | None, depth: int = 0) -> bool:
        if expr is None or depth > 3:
            return False
        if constant_str(expr) == "*":
            return True
        if isinstance(expr, ast.List | ast.Tuple | ast.Set):
            return any(constant_str(e) == "*" for e in expr.elts)
        if isinstance(expr, ast.Name):
            bindings = self.ctx.reaching_bindings(expr)
            return bool(bindings) and all(
                b.kind in ("assign", "annassign") and self._is_wildcard(b.value, depth + 1)
                for b in bindings)
        return False

    def _report(self, node: ast.AST, what: str, suggestion: str | None) -> Finding:
        return self.report(node, f"{what}: the wildcard is answered with the caller's own "
                           f"origin, so any web site can send requests with the user's cookies "
                           f"and read the responses",
                           fix=Fix("List the trusted origins explicitly (or drop credentials "
                                   "for a public API).", suggestion))


class FlaskCorsOriginsFromConfig(ProjectRule):
    """The project half of BR208: a flask-cors call without `origins` allows every origin only
    when the project never configures CORS_ORIGINS (or configures it to a literal "*")."""

    id = "BR208"
    one_file_ok = True  # one buffer: no setting seen, the library default "*" applies

    def check(self, facts: dict[str, list[Any]]) -> None:
        deferred: list[DeferredCors] = facts.get(DEFERRED, [])
        settings: list[ConfiguredOrigins] = facts.get(CONFIGURED, [])
        if any(not s.wildcard for s in settings):
            return  # the operator's CORS_ORIGINS list applies to every call without origins
        self.findings += [item.finding for item in deferred]


RULES = (CorsWildcardCredentials, FlaskCorsOriginsFromConfig)
