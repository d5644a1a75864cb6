"""The answers perf15 made once per file (issue 14): each must equal what the per-question
walk it replaced found, near misses included."""

from __future__ import annotations

import ast
import textwrap

from backendreview.analysis.frameworks import eve
from backendreview.analysis.frameworks.common import depends_targets
from backendreview.analysis.frameworks.routes import Resolver, _reexported
from backendreview.config import Config
from backendreview.context import FileContext
from backendreview.semantic import SemanticBuilder


def _ctx(source: str, module: str = "app.api") -> FileContext:
    text = textwrap.dedent(source)
    tree = ast.parse(text)
    return FileContext("app/api.py", text, tree, SemanticBuilder(tree, module).build(),
                       Config())


def _function(ctx: FileContext, name: str) -> ast.FunctionDef:
    return next(n for n in ast.walk(ctx.tree)
                if isinstance(n, ast.FunctionDef) and n.name == name)


def test_registrar_gate_keeps_the_parameter_call_and_drops_near_misses() -> None:
    ctx = _ctx('''
        def register(name, resource, app):
            if app:
                resource(name, app=app, service=None)

        def constant_first(name, resource):
            resource("fixed")

        def not_a_parameter(name, resource):
            build(name)

        def on_attribute(name, resource):
            resource.make(name)

        def nested(name, resource):
            def inner():
                resource(name)
            return inner

        class Holder:
            def register(self, name, resource):
                resource(name)
    ''')
    found = eve._registrar(ctx, _function(ctx, "register"))
    assert found is not None
    assert (found.func, found.name_index, found.class_index, found.class_param) == (
        "app.api.register", 0, 1, "resource")
    assert eve._registrar(ctx, _function(ctx, "constant_first")) is None
    assert eve._registrar(ctx, _function(ctx, "not_a_parameter")) is None
    assert eve._registrar(ctx, _function(ctx, "on_attribute")) is None
    # The walk reaches a nested function's calls: so does the gate (it reads every call).
    assert eve._registrar(ctx, _function(ctx, "nested")) is not None
    # A method is no registrar, whatever its body calls.
    method = next(n for n in ast.walk(ctx.tree) if isinstance(n, ast.FunctionDef)
                  and n.name == "register" and n is not _function(ctx, "register"))
    assert eve._registrar(ctx, method) is None


def test_named_lists_keep_their_own_additions_in_walk_order() -> None:
    ctx = _ctx('''
        from fastapi import APIRouter, Depends

        router = APIRouter()
        module_deps = []
        module_deps.append(Depends(audit))

        def build():
            deps = [Depends(first)]
            others = []
            if limited:
                deps.append(Depends(limiter))
            others.append(Depends(unrelated))
            deps.extend([Depends(last)])
            router.add_api_route("/a", handler, dependencies=deps)
            router.add_api_route("/c", handler, dependencies=others)

        router.add_api_route("/m", handler, dependencies=module_deps)
    ''')
    calls = [n for n in ast.walk(ctx.tree) if isinstance(n, ast.Call)
             and isinstance(n.func, ast.Attribute) and n.func.attr == "add_api_route"]
    calls.sort(key=lambda c: c.lineno)
    deps = [next(k.value for k in c.keywords if k.arg == "dependencies") for c in calls]
    # ast.walk is breadth first: the extend at the body's level before the append in the `if`
    assert depends_targets(ctx, [deps[0]]) == ["first", "last", "limiter"]
    assert depends_targets(ctx, [deps[1]]) == ["unrelated"]
    # A module-level list: its additions anywhere in the module's own walk.
    assert depends_targets(ctx, [deps[2]]) == ["audit"]
    # Asked again (the answer now comes from the per-scope index): the same.
    assert depends_targets(ctx, [deps[0], deps[1]]) == ["first", "last", "limiter",
                                                         "unrelated"]


def test_reexported_takes_the_one_class_of_that_name_inside_the_package() -> None:
    resolver = Resolver(["indico.modules.admin.controllers.base.RHAdminBase",
                         "indico.modules.users.controllers.RHUsers",
                         "other.modules.admin.RHAdminBase2"])
    assert _reexported("indico.modules.admin.RHAdminBase", resolver) == \
        "indico.modules.admin.controllers.base.RHAdminBase"
    assert _reexported("indico.modules.users.RHAdminBase", resolver) is None  # not below
    assert _reexported("RHAdminBase", resolver) is None  # no package to look in
    two = Resolver(["pkg.a.View", "pkg.b.View"])
    assert _reexported("pkg.View", two) is None  # two candidates: none
