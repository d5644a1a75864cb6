"""The route collector skips a call before any gated `on_call` runs unless the call names one
of the triggers its handlers declare (CALL_NAMES / CALL_SUFFIXES beside each on_call). The
skip must be exact: on every fixture file, every handler answers nothing for every skipped
call, and the facts of a file are the same with and without the skip."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from backendreview.analysis.frameworks import aiohttp, collector, django, fastapi_starlette, flask
from backendreview.analysis.frameworks.collector import RouteCollector
from backendreview.config import Config
from backendreview.context import FileContext
from backendreview.semantic import SemanticBuilder, module_name

ROOT = Path(__file__).resolve().parents[1]
ROUTES = ROOT / "fixtures" / "routes"
FILES = sorted([*ROUTES.rglob("*.py"), *(ROOT / "fixtures").glob("BR*/*.py")])


def _ctx(path: Path) -> FileContext | None:
    text = path.read_text(encoding="utf-8")
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return None
    rel = path.relative_to(ROOT).as_posix()
    semantic = SemanticBuilder(tree, module_name(rel), is_package=path.stem == "__init__").build()
    return FileContext(rel, text, tree, semantic, Config())


def _facts(path: Path, gate: bool, monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    ctx = _ctx(path)
    assert ctx is not None
    with monkeypatch.context() as patch:
        if not gate:
            patch.setattr(RouteCollector, "_may_trigger", lambda self, node: True)
        visitor = RouteCollector(ctx)
        methods = visitor.visitors()
        for node in ast.walk(ctx.tree):
            method = methods.get(type(node))
            if method is not None:
                getattr(visitor, method)(node)
    return {kind: [repr(f) for f in facts] for kind, facts in ctx.facts.items()}


def _handlers(visitor: RouteCollector, call: ast.Call) -> dict[str, list[object]]:
    ctx = visitor.ctx
    return {"fastapi_starlette": fastapi_starlette.on_call(ctx, call),
            "flask": flask.on_call(ctx, call), "aiohttp": aiohttp.on_call(ctx, call),
            "django": django.on_call(ctx, call), "slowapi": visitor._slowapi(call)}


def test_no_handler_answers_a_skipped_call_and_every_handler_answers_some_call() -> None:
    answered: dict[str, int] = {}
    skipped = 0
    wrong: list[str] = []
    for path in FILES:
        ctx = _ctx(path)
        if ctx is None:
            continue
        visitor = RouteCollector(ctx)
        for node in ast.walk(ctx.tree):
            if not isinstance(node, ast.Call):
                continue
            triggered = visitor._may_trigger(node)
            skipped += not triggered
            for name, facts in _handlers(visitor, node).items():
                if facts:
                    answered[name] = answered.get(name, 0) + 1
                    if not triggered:
                        wrong.append(f"{ctx.path}:{node.lineno} {name}")
    assert wrong == []
    # Not vacuous: each gated handler reacts to fixture calls, and most calls are skipped.
    assert set(answered) == {"fastapi_starlette", "flask", "aiohttp", "django", "slowapi"}
    assert skipped > sum(answered.values())


@pytest.mark.parametrize("project", sorted(p.name for p in ROUTES.iterdir() if p.is_dir()))
def test_skipping_calls_changes_no_fact(project: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for path in sorted((ROUTES / project).rglob("*.py")):
        assert _facts(path, True, monkeypatch) == _facts(path, False, monkeypatch), path


def _triggered(source: str) -> list[int]:
    tree = ast.parse(source)
    ctx = FileContext("app.py", source, tree, SemanticBuilder(tree, "app").build(), Config())
    visitor = RouteCollector(ctx)
    return sorted(n.lineno for n in ast.walk(tree)
                  if isinstance(n, ast.Call) and visitor._may_trigger(n))


def test_aliases_project_subclasses_and_module_level_flask_objects_are_not_skipped() -> None:
    source = """from fastapi import APIRouter as R
from flask import Flask
from .base import ToolsModule
r = R()
app = Flask(__name__)
bp = ToolsModule("tools", __name__)
def make():
    helper = ToolsModule("x", __name__)
    print(helper)
    return OrgRouter()
app.register_blueprint(bp)
"""
    # 4: aliased APIRouter; 5: Flask; 6: a module-level project object in a Flask file;
    # 10: a project router class by its suffix; 11: register_blueprint. Not 8 (inside a
    # function) nor 9 (print).
    assert _triggered(source) == [4, 5, 6, 10, 11]


def test_trigger_sets_are_gathered_from_every_gated_handler() -> None:
    for module in collector.TRIGGERED:
        assert module.CALL_NAMES <= collector.CALL_NAMES
        assert set(module.CALL_SUFFIXES) <= set(collector.CALL_SUFFIXES)
    assert {"include_router", "register_blueprint", "add_get", "register", "Limiter",
            "add_middleware", "path", "Application"} <= collector.CALL_NAMES
