"""BR210 debug-enabled: debug mode switched on in code that ships (CWE-489, CWE-215).

Reported: `DEBUG = True` in a Django settings module, `app.run(debug=True)`,
`app.debug = True`, `app.config["DEBUG"] = True`, `FastAPI(debug=True)` /
`Starlette(debug=True)`, werkzeug's `DebuggedApplication(..., evalex=True)`.
Not reported: tests, examples and docs, settings named for development (settings/dev.py,
settings/devel.py, local_settings.py, test_settings.py), and values read from the
environment.

A base settings module is not what ships when another settings module star-imports it and
sets DEBUG itself (`product.py`: `from .common import *` then `DEBUG = False`): the
`DEBUG = True` of the base is then a development default the deployed settings replace.
That needs every settings module of the project, so such findings are decided in the
project phase (`SettingsModule` facts).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any

from ..analysis.paths import is_non_production
from ..analysis.rewrite import imported_name
from ..model import Finding, Fix
from .base import ProjectRule, Rule
from .fixcode import code_or_none

SETTINGS = "br210_settings"
DEFERRED = "br210_deferred"


@dataclass(frozen=True)
class SettingsModule:
    """A settings module: the modules it star-imports, and whether it turns DEBUG off (or
    reads it from the environment) itself."""

    module: str
    star_imports: tuple[str, ...]
    sets_debug: bool


@dataclass(frozen=True)
class DeferredDebug:
    finding: Finding
    module: str

_APP_CLASSES = frozenset({"fastapi.FastAPI", "starlette.applications.Starlette",
                          "flask.Flask", "quart.Quart", "sanic.Sanic"})
_DEBUGGER = frozenset({"werkzeug.debug.DebuggedApplication"})


def _is_true(expr: ast.AST | None) -> bool:
    return isinstance(expr, ast.Constant) and expr.value is True


class DebugEnabled(Rule):
    id = "BR210"

    def __init__(self, ctx, doc) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx, doc)
        self.skip = is_non_production(ctx.policy_path)

    def end_file(self) -> None:
        if self.skip or not self._is_settings_module():
            return
        module = self.ctx.module
        package = module if self.ctx.path.replace("\\", "/").endswith("__init__.py") else (
            module.rpartition(".")[0])
        stars: list[str] = []
        sets_debug = False
        for stmt in self.ctx.tree.body:
            if isinstance(stmt, ast.ImportFrom) and any(a.name == "*" for a in stmt.names):
                stars.append(_absolute(package, stmt.level, stmt.module or ""))
            elif isinstance(stmt, ast.Assign) and not _is_true(stmt.value) and any(
                    isinstance(t, ast.Name) and t.id == "DEBUG" for t in stmt.targets):
                sets_debug = True
        self.ctx.emit_fact(SETTINGS, SettingsModule(module, tuple(stars), sets_debug))

    def visit_Assign(self, node: ast.Assign) -> None:
        if self.skip or not _is_true(node.value):
            return
        for target in node.targets:
            if isinstance(target, ast.Name) and target.id == "DEBUG" and isinstance(
                    self.ctx.semantic.parent(node), ast.Module) and self._is_settings_module():
                later = self._star_import_after(node)
                if later is not None:
                    # reviewboard settings.py:36: `from settings_local import *` further
                    # down is where each deployment configures itself (rb-site writes it);
                    # an environment variable nothing sets is not its way.
                    module, line = later
                    finding = self.report(
                        node, "debug mode is switched on in code that ships: `DEBUG = True` "
                        "in settings; it shows stack traces, settings and source to anyone "
                        "who triggers an error",
                        fix=Fix(f"`from {module} import *` (line {line}) runs after this line "
                                f"and is where each deployment's settings go: keep the default "
                                f"here off and let {module} turn it on for development; make "
                                f"sure whatever writes {module} for a deployment leaves DEBUG "
                                f"off.", "DEBUG = False"))
                else:
                    finding = self._report(node, "`DEBUG = True` in settings",
                                           'DEBUG = os.environ.get("DJANGO_DEBUG") == "1"')
                self.ctx.findings.remove(finding)
                self.ctx.emit_fact(DEFERRED, DeferredDebug(finding, self.ctx.module))
            elif self._is_app_debug_target(target):
                self._report(node, f"`{self.ctx.source(target)} = True`",
                             f'{self.ctx.source(target)} = os.environ.get("FLASK_DEBUG") == "1"')

    def _star_import_after(self, node: ast.stmt) -> tuple[str, int] | None:
        """(module, line) of a `from X import *` that module-level code runs after `node`
        inside a module-level `try` whose handler catches the module's absence
        (`except ImportError`), which may set DEBUG. The guard is what shows the module is
        written per deployment (reviewboard's settings_local, made by rb-site) and not
        committed: an unguarded `from .celery_conf import *` is the project's own code."""
        todo: list[tuple[ast.stmt, bool]] = [(s, False) for s in self.ctx.tree.body]
        while todo:
            stmt, guarded = todo.pop(0)
            if guarded and isinstance(stmt, ast.ImportFrom) and \
                    stmt.lineno > node.lineno and any(a.name == "*" for a in stmt.names):
                return "." * stmt.level + (stmt.module or ""), stmt.lineno
            if isinstance(stmt, ast.Try | ast.If):
                inner = guarded or (isinstance(stmt, ast.Try) and any(
                    _catches_import_error(h) for h in stmt.handlers))
                todo.extend((s, inner) for s in stmt.body)
                if isinstance(stmt, ast.Try):
                    for handler in stmt.handlers:
                        todo.extend((s, guarded) for s in handler.body)
                todo.extend((s, guarded) for s in stmt.orelse)
        return None

    def _is_app_debug_target(self, target: ast.AST) -> bool:
        """`app.debug` or `app.config["DEBUG"]`."""
        if isinstance(target, ast.Attribute):
            return target.attr == "debug" and self._is_app(target.value)
        return (isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant)
                and target.slice.value == "DEBUG" and isinstance(target.value, ast.Attribute)
                and target.value.attr == "config" and self._is_app(target.value.value))

    def visit_Call(self, node: ast.Call) -> None:
        if self.skip:
            return
        debug = next((k.value for k in node.keywords if k.arg == "debug"), None)
        qualified = self.ctx.qualified_name(node.func) or ""
        if _is_true(debug) and self._debug_branch(node):
            return  # `if in_debug_mode(): app = FastAPI(debug=True)`: the test chose it
        if _is_true(debug):
            if qualified in _APP_CLASSES:
                self._report(node, f"`{qualified.rsplit('.', 1)[-1]}(debug=True)`",
                             self._from_environment(node, "DEBUG"))
            elif isinstance(node.func, ast.Attribute) and node.func.attr == "run" and (
                    self._is_app(node.func.value)):
                self._report(node, f"`{self.ctx.source(node.func)}(debug=True)` (the Werkzeug "
                             f"debugger runs arbitrary code for whoever reaches it)",
                             self._from_environment(node, "FLASK_DEBUG"))
        elif qualified in _DEBUGGER:
            evalex = next((k.value for k in node.keywords if k.arg == "evalex"), None)
            if _is_true(evalex):
                self._report(node, "`DebuggedApplication(evalex=True)` (an interactive "
                             "console in the browser)", "wrap only in development")

    def _from_environment(self, node: ast.Call, variable: str) -> str:
        """The call with its flag read from the environment, spelled with the module's own
        `os.environ` (imported when the module has none): never a `settings` object the
        module may not have."""
        environ = imported_name(self.ctx.tree, "os.environ")
        setup = "" if environ else "import os\n\n"
        flag = f'{environ or "os.environ"}.get("{variable}") == "1"'
        # The call's other arguments stay (`FastAPI(lifespan=lifespan, debug=True)`): only the
        # flag changes.
        args = [self.ctx.source(a) for a in node.args] + [
            f"debug={flag}" if k.arg == "debug" else
            f"{k.arg}={self.ctx.source(k.value)}" if k.arg else f"**{self.ctx.source(k.value)}"
            for k in node.keywords]
        return f'{setup}{self.ctx.source(node.func)}({", ".join(args)})'

    def _debug_branch(self, node: ast.AST) -> bool:
        """The call runs only on the branch of an `if` whose test reads a debug flag
        (`if in_debug_mode():`, `if settings.DEBUG:`): debug is already chosen at run time."""
        child = node
        for anc in self.ctx.semantic.ancestors(node):
            if isinstance(anc, ast.If | ast.IfExp) and child is not anc.test and (
                    child in (anc.body if isinstance(anc, ast.If) else [anc.body])) and any(
                    "debug" in (getattr(n, "id", None) or getattr(n, "attr", None) or "").lower()
                    for n in ast.walk(anc.test)):
                return True
            if isinstance(anc, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                return False
            child = anc
        return False

    def _is_settings_module(self) -> bool:
        path = self.ctx.path.replace("\\", "/").lower()
        name = path.rsplit("/", 1)[-1]
        if "settings" in path.split("/")[-2:-1] or "settings" in name or name in (
                "prod.py", "production.py", "base.py", "config.py", "conf.py"):
            return True
        module = self.ctx.semantic.module_scope.bindings
        return "INSTALLED_APPS" in module or "ROOT_URLCONF" in module or (
            "SECRET_KEY" in module)

    def _is_app(self, expr: ast.AST) -> bool:
        if isinstance(expr, ast.Name):
            for binding in self.ctx.semantic.lookup(expr.id, expr)[1]:
                if isinstance(binding.value, ast.Call) and (
                        self.ctx.qualified_name(binding.value.func) in _APP_CLASSES):
                    return True
            return expr.id == "app" and any(self.ctx.semantic.is_imported(m) for m in (
                "flask", "fastapi", "quart", "starlette"))
        return False

    def _report(self, node: ast.AST, what: str, suggestion: str) -> Finding:
        return self.report(node, f"debug mode is switched on in code that ships: {what}; it shows "
                    f"stack traces, settings and source to anyone who triggers an error",
                    fix=Fix("Read the flag from the environment and keep it off in production.",
                            code_or_none(suggestion)))


def _absolute(package: str, level: int, module: str) -> str:
    """`from .common import *` in package `tcms.settings` -> `tcms.settings.common`."""
    if level == 0:
        return module
    parts = package.split(".") if package else []
    base = parts[:len(parts) - (level - 1)] if level > 1 else parts
    return ".".join([*base, module] if module else base)


class DebugOverridden(ProjectRule):
    """The project half of BR210: `DEBUG = True` in a base settings module that a
    production settings module star-imports and overrides is not reported."""

    id = "BR210"
    one_file_ok = True

    def check(self, facts: dict[str, list[Any]]) -> None:
        modules: list[SettingsModule] = facts.get(SETTINGS, [])
        overridden = {star for m in modules if m.sets_debug for star in m.star_imports}
        for item in facts.get(DEFERRED, []):
            if not _suffix_match(item.module, overridden):
                self.findings.append(item.finding)


def _suffix_match(module: str, names: set[str]) -> bool:
    """Module names are read from paths relative to where the run started, so an app
    reviewed from above its package root (`src/tcms/...`) still matches `tcms...`."""
    return any(module == n or module.endswith("." + n) or n.endswith("." + module)
               for n in names)


RULES = (DebugEnabled, DebugOverridden)


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    """`except ImportError`, `except ModuleNotFoundError`, a tuple holding one, or a bare
    `except` / `except Exception`."""
    if handler.type is None:
        return True
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(isinstance(k, ast.Name | ast.Attribute) and (
        k.id if isinstance(k, ast.Name) else k.attr) in (
        "ImportError", "ModuleNotFoundError", "Exception", "BaseException") for k in kinds)
