"""The semantic model's per-scope statement lists (`own_statements`, `own_returns`), which
the program model's lower levels and the route collector read instead of walking each
function body again: what is in them, in which order, and that the program model built from
them lists the same functions, classes and attribute types as the whole model does."""

from __future__ import annotations

import ast
import textwrap

from backendreview.analysis.program import ProgramModel
from backendreview.astutil import own_returns
from backendreview.config import Config
from backendreview.engine import review_source
from backendreview.semantic import SemanticBuilder

_SOURCE = textwrap.dedent("""\
    import os

    def outer(kind):
        x = 1
        if kind:
            for item in kind:
                return item
        else:
            with open(os.devnull) as f:
                y: int = 2
        try:
            pass
        except ValueError:
            return None
        finally:
            z = 3
        match kind:
            case "a":
                return "a"
        def inner():
            return 4
        class Local:
            def method(self):
                return 5
        handler = lambda v: v
        return x

    class Top:
        attr = 1
""")


def _model(source: str = _SOURCE):  # type: ignore[no-untyped-def]
    tree = ast.parse(source)
    return tree, SemanticBuilder(tree, "m").build()


def _named(tree: ast.Module, name: str) -> ast.AST:
    return next(n for n in ast.walk(tree)
                if isinstance(n, ast.FunctionDef | ast.ClassDef) and n.name == name)


def _shape(stmts: list[ast.stmt]) -> list[tuple[str, int]]:
    return [(type(s).__name__, s.lineno) for s in stmts]


def test_a_function_lists_its_own_statements_in_source_order_through_every_block():
    tree, model = _model()
    assert _shape(model.own_statements(_named(tree, "outer"))) == [
        ("Assign", 4), ("If", 5), ("For", 6), ("Return", 7), ("With", 9), ("AnnAssign", 10),
        ("Try", 11), ("Pass", 12), ("Return", 14), ("Assign", 16), ("Match", 17),
        ("Return", 19), ("FunctionDef", 20), ("ClassDef", 22), ("Assign", 25),
        ("Return", 26)]


def test_nested_definitions_keep_their_own_statements():
    tree, model = _model()
    assert _shape(model.own_statements(_named(tree, "inner"))) == [("Return", 21)]
    assert _shape(model.own_statements(_named(tree, "Local"))) == [("FunctionDef", 23)]
    assert _shape(model.own_statements(_named(tree, "method"))) == [("Return", 24)]
    assert _shape(model.own_statements(_named(tree, "Top"))) == [("Assign", 29)]
    assert _shape(model.own_statements(tree)) == [("Import", 1), ("FunctionDef", 3),
                                                  ("ClassDef", 28)]


def test_nodes_without_statements_of_their_own_give_none():
    tree, model = _model()
    lam = next(n for n in ast.walk(tree) if isinstance(n, ast.Lambda))
    assert model.own_statements(lam) == []  # a lambda's body is one expression
    call = next(n for n in ast.walk(tree) if isinstance(n, ast.Call))
    assert model.own_statements(call) == []  # opens no scope
    assert model.own_statements([]) == []  # not a node at all
    assert model.own_returns(call) == []


def test_own_returns_are_the_statement_walks_returns_in_source_order():
    tree, model = _model()
    for function in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
        listed = model.own_returns(function)
        walked = own_returns(function)
        assert sorted(map(id, listed)) == sorted(map(id, walked))
        assert [r.lineno for r in listed] == sorted(r.lineno for r in walked)
    assert [r.lineno for r in model.own_returns(_named(tree, "outer"))] == [7, 14, 19, 26]


_PROGRAM = textwrap.dedent("""\
    from pkg.store import Store, Cache

    def factory(flag):
        if flag:
            def made():
                return Store()
        else:
            try:
                def made():
                    return Cache()
            except ImportError:
                made = None
        class Local:
            def method(self):
                return Store()
        return made()

    class Service:
        def __init__(self, fast):
            if fast:
                self.cache = Cache()
            else:
                self.store: Store = make()
            self.other = Store()

        def run(self):
            def step():
                return self.cache
            return step()
""")


def _levels() -> dict[str, ProgramModel]:
    out = {}
    for level in ("program", "program-calls", "program-classes"):
        result = review_source(_PROGRAM.encode(), "svc.py", Config(), (), collect=(level,))
        out[level] = ProgramModel(result.facts["program"])
    return out


def test_the_lower_levels_list_the_whole_models_functions_and_classes():
    models = _levels()
    full = models["program"]
    expected = ["svc.Service.__init__", "svc.Service.run", "svc.Service.run.step",
                "svc.factory", "svc.factory.Local.method", "svc.factory.made"]
    for level, model in models.items():
        assert sorted(model.functions) == expected, level
        assert sorted(model.classes) == sorted(full.classes) == \
            ["svc.Service", "svc.factory.Local"], level
    # Assignments to `self` under branches set the attribute types at the call graph level
    # as in the whole model (the first one wins for each attribute).
    assert models["program-calls"].classes["svc.Service"].attr_types == \
        full.classes["svc.Service"].attr_types == \
        {"cache": "pkg.store.Cache", "store": "pkg.store.Store", "other": "pkg.store.Store"}
    # Every function keeps the whole model's returned call sites; the method of a class
    # nested in `factory` is not `factory`'s own code, and `made` is defined under `if`.
    calls = models["program-calls"]
    for name, function in calls.functions.items():
        assert [(s.line, s.text) for s in function.calls] == [
            (s.line, s.text) for s in full.functions[name].calls if s.returned], name
    assert [s.text for s in calls.functions["svc.factory.Local.method"].calls] == ["Store"]
    assert [s.text for s in calls.functions["svc.factory.made"].calls] == ["Store"]


_GUARDS = textwrap.dedent("""\
    from flask import abort
    from flask_login import current_user

    def plain(view):
        return view

    def direct(view):
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                abort(401)
            return view(*args, **kwargs)
        return wrapper

    def branchy(view):
        if view:
            def wrapper(*args, **kwargs):
                if not current_user.is_authenticated:
                    abort(401)
                return view(*args, **kwargs)
            return wrapper
        return view

    def in_class(view):
        class Wrapped:
            def __call__(self, *args, **kwargs):
                if not current_user.is_authenticated:
                    abort(401)
                return view(*args, **kwargs)
        return Wrapped()
""")


def test_guard_decorators_are_found_wherever_their_wrapper_is_defined():
    # The route collector skips the body walk of a function with no def or class statement
    # of its own: a wrapper under `if` or in a nested class is still found.
    result = review_source(_GUARDS.encode(), "deco.py", Config(), (), collect=("routes",))
    assert [(g.name, g.kind, g.why, g.line) for g in result.facts.get("guard", [])] == [
        ("deco.direct", "auth", "aborts for anonymous users", 7),
        ("deco.branchy", "auth", "aborts for anonymous users", 14),
        ("deco.in_class", "auth", "aborts for anonymous users", 23)]
