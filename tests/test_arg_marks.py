"""The route collector's shared pass over a call's arguments (call_bindings.arg_marks,
issue 14): call_arg_facts, param_routes.call_fact and Eve's per-call reader are asked only of
the calls whose arguments (or callee) show what they react to. A gate must change nothing:
over every call of every fixture, a reader the collector skips answers nothing when asked."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from backendreview.analysis.frameworks import call_bindings, eve, param_routes
from backendreview.analysis.frameworks.call_bindings import (
    CLASS_ARG,
    OWNER_ARG,
    PATH_ARG,
    arg_marks,
)
from backendreview.config import Config
from backendreview.context import FileContext
from backendreview.semantic import SemanticBuilder

_FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _call(source: str) -> ast.Call:
    node = ast.parse(source, mode="eval").body
    assert isinstance(node, ast.Call)
    return node


@pytest.mark.parametrize(("source", "marks"), [
    # App-like arguments, by name, attribute or keyword: OWNER_ARG alone.
    ("f(app)", OWNER_ARG),
    ("f(Resource, '/x', self.api)", OWNER_ARG),
    ("f(x, router=main_router)", OWNER_ARG),
    # A path or an f-string; a name written like a class.
    ("f('/users/')", PATH_ARG),
    ("f(f'{base}/users')", PATH_ARG),
    ("register(UserResource, 'users')", CLASS_ARG),
    ("register(UserResource, '/users')", CLASS_ARG | PATH_ARG),
    # Near misses: a path-less string, an all-capitals name, a name merely containing
    # `app`, app-like text inside a string, a starred app, a bytes path.
    ("f('users/')", 0),
    ("f(DEBUG, True)", 0),
    ("f(mapper, happy)", 0),
    ("f('app')", 0),
    ("f(*apps)", 0),
    ("f(b'/x')", 0),
    ("f()", 0),
])
def test_arg_marks(source: str, marks: int):
    assert arg_marks(_call(source)) == marks


def _fixture_files() -> list[Path]:
    return sorted(_FIXTURES.rglob("*.py"))


@pytest.mark.parametrize("path", _fixture_files(), ids=lambda p: str(p.relative_to(_FIXTURES)))
def test_a_skipped_reader_answers_nothing(path: Path):
    source = path.read_text(encoding="utf-8", errors="replace")
    try:
        tree = ast.parse(source)
    except SyntaxError:
        pytest.skip("not Python")
    shown = str(path.relative_to(_FIXTURES))
    ctx = FileContext(shown, source, tree, SemanticBuilder(tree, "m").build(), Config())
    reader = eve.FileReader(ctx)
    for call in ctx.semantic.calls:
        passes = bool(call.args or call.keywords)
        marks = arg_marks(call) if passes else 0
        # The collector's conditions (collector.RouteCollector.visit_Call), negated.
        if not (marks & OWNER_ARG or call_bindings.ownerish(call.func)):
            assert call_bindings.call_arg_facts(ctx, call) == [], ast.unparse(call)
        several = len(call.args) + len(call.keywords) > 1
        if not (marks & ~CLASS_ARG or (marks and several)):
            assert param_routes.call_fact(ctx, call) == [], ast.unparse(call)
        if not (reader.eve_here or (call.args and several)):
            before = len(reader.facts)
            reader.on_call(call)
            assert len(reader.facts) == before, ast.unparse(call)


def test_the_gates_are_not_vacuous_over_the_fixtures():
    # The fixtures hold calls each reader answers, and calls each gate skips.
    answered = skipped = 0
    for path in _fixture_files():
        source = path.read_text(encoding="utf-8", errors="replace")
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        ctx = FileContext(str(path.relative_to(_FIXTURES)), source, tree,
                          SemanticBuilder(tree, "m").build(), Config())
        for call in ctx.semantic.calls:
            marks = arg_marks(call)
            if marks:
                answered += bool(param_routes.call_fact(ctx, call))
            else:
                skipped += 1
    assert answered > 20 and skipped > 1000, (answered, skipped)
