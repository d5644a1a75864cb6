"""The route fact collector: a Rule-like visitor the engine runs in its single walk when a
route rule (or `backendreview routes`) needs routes. It only reads the file and emits plain
facts; the project phase (routes.merge_routes) puts them together."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, ClassVar

from . import aiohttp, django, fastapi_starlette, flask, graphql
from .common import kwarg
from .routes import SettingsFact

if TYPE_CHECKING:
    from ...context import FileContext

FRAMEWORK_MODULES = ("fastapi", "starlette", "flask", "quart", "apiflask", "flask_smorest",
                     "django", "rest_framework", "aiohttp", "slowapi", "flask_limiter",
                     "fastapi_limiter")
FACT_KINDS = {"RouteFact": "route", "OwnerFact": "route_owner", "MountFact": "route_mount",
              "ViewClassFact": "view_class", "SettingsFact": "settings",
              "ViewFuncFact": "view_func", "GqlTypeFact": "gql_type",
              "GqlBindingFact": "gql_binding", "GqlSchemaFact": "gql_schema",
              "GqlEndpointFact": "gql_endpoint", "GqlSettingsFact": "gql_settings",
              "GqlViewClassFact": "gql_view"}
SETTINGS_NAMES = frozenset({"ROOT_URLCONF", "REST_FRAMEWORK", "MIDDLEWARE"})


class RouteCollector:
    """Emits route, route_owner, route_mount, view_class, view_func and settings facts."""

    id: ClassVar[str] = "routes"

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        sem = ctx.semantic
        self.active = any(sem.is_imported(m) for m in FRAMEWORK_MODULES)
        self.django = sem.is_imported("django") or sem.is_imported("rest_framework")
        self.flask = any(sem.is_imported(m) for m in ("flask", "quart", "apiflask"))
        self.graphql = graphql.active(ctx)

    @classmethod
    def visitors(cls) -> dict[type[ast.AST], str]:
        return {ast.Call: "visit_Call", ast.FunctionDef: "visit_FunctionDef",
                ast.AsyncFunctionDef: "visit_FunctionDef", ast.ClassDef: "visit_ClassDef",
                ast.Assign: "visit_Assign", ast.AugAssign: "visit_Assign"}

    def _emit(self, facts: list[object]) -> None:
        for fact in facts:
            self.ctx.emit_fact(FACT_KINDS[type(fact).__name__], fact)

    def visit_Call(self, node: ast.Call) -> None:
        if self.graphql:
            self._emit(graphql.on_call(self.ctx, node))
        if not self.active:
            return
        self._emit(fastapi_starlette.on_call(self.ctx, node))
        self._emit(flask.on_call(self.ctx, node))
        self._emit(aiohttp.on_call(self.ctx, node))
        if self.django:
            self._emit(django.on_call(self.ctx, node))
        self._emit(self._slowapi(node))

    def _slowapi(self, node: ast.Call) -> list[object]:
        qn = self.ctx.qualified_name(node.func) or ""
        if qn in ("slowapi.Limiter", "slowapi.extension.Limiter"):
            limits = kwarg(node, "default_limits") or kwarg(node, "application_limits")
            if limits is not None and not (isinstance(limits, ast.List | ast.Tuple)
                                           and not limits.elts):
                return [SettingsFact("slowapi-default", "slowapi.Limiter(default_limits=...)",
                                     "fastapi", self.ctx.path, node.lineno)]
        if isinstance(node.func, ast.Attribute) and node.func.attr == "add_middleware" and \
                node.args:
            mw = self.ctx.qualified_name(node.args[0]) or ""
            if mw.startswith("slowapi."):
                return [SettingsFact("slowapi-middleware", mw, "fastapi", self.ctx.path,
                                     node.lineno)]
        return []

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        if self.graphql:
            self._emit(graphql.on_function(self.ctx, node))
        if not self.active:
            return
        for dec in node.decorator_list:
            for module in (fastapi_starlette, flask, aiohttp):
                fact = module.route_from_decorator(self.ctx, node, dec)
                if fact is not None:
                    self._emit([fact])
                    break
        if self.django:
            fact = django.view_func(self.ctx, node)
            if fact is not None:
                self._emit([fact])

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        if self.graphql:
            self._emit(graphql.on_class(self.ctx, node))
        if self.django or self.flask or self.ctx.semantic.is_imported("aiohttp"):
            fact = django.view_class(self.ctx, node)
            if fact is not None:
                self._emit([fact])

    def visit_Assign(self, node: ast.Assign | ast.AugAssign) -> None:
        target = node.targets[0] if isinstance(node, ast.Assign) else node.target
        if not isinstance(target, ast.Name):
            return
        if target.id.startswith("GRAPHENE"):
            self._emit(graphql.on_assign(self.ctx, node))
        if target.id in SETTINGS_NAMES or (self.django and target.id.endswith("patterns")):
            self._emit(django.on_assign(self.ctx, node))

    def end_file(self) -> None:
        """Nothing to finish: every fact is emitted as it is seen."""
