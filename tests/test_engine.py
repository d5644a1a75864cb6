"""The engine: one walk dispatching to every rule, names resolved through imports, astroid
built only on demand, per-file purity and parallel determinism."""

from __future__ import annotations

import ast
from pathlib import Path

from backendreview.checks import FILE_RULES
from backendreview.checks.base import Rule
from backendreview.config import Config
from backendreview.context import FileContext
from backendreview.engine import review_source, run
from backendreview.metadata import load_rule_docs
from backendreview.semantic import SemanticBuilder


def _model(code: str):  # type: ignore[no-untyped-def]
    tree = ast.parse(code)
    builder = SemanticBuilder(tree, "pkg.mod")
    return tree, builder.build(), builder


def _calls(tree: ast.AST) -> list[ast.Call]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call)]


def test_qualified_names_through_aliases_and_scopes():
    code = (
        "import sqlalchemy as sa\n"
        "from sqlalchemy import text as t\n"
        "from django.db import connection\n"
        "from . import helpers\n"
        "import os.path\n"
        "def f():\n"
        "    sa.text('x'); t('y'); connection.cursor(); helpers.run(); os.path.join()\n"
        "    def t(v): return v\n"
        "    t('z')\n"
    )
    tree, model, _ = _model(code)
    names = [model.qualified_name(c.func) for c in _calls(tree)]
    assert names == ["sqlalchemy.text", None, "django.db.connection.cursor", "pkg.helpers.run",
                     "os.path.join", None]


def test_reaching_bindings_follow_source_order():
    code = "def f(a):\n    x = 1\n    y = x\n    x = a\n    return x\n"
    tree, model, _ = _model(code)
    uses = [n for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == "x"
            and isinstance(n.ctx, ast.Load)]
    first, second = sorted(uses, key=lambda n: n.lineno)
    assert [b.lineno for b in model.reaching_bindings(first)] == [2]
    assert [b.lineno for b in model.reaching_bindings(second)] == [2, 4]


def test_one_walk_dispatches_every_node_once_to_every_rule(monkeypatch):
    seen: dict[str, list[int]] = {"BR901": [], "BR902": []}

    def make(rule_id: str) -> type[Rule]:
        class Spy(Rule):
            id = rule_id

            def visit_Call(self, node: ast.Call) -> None:
                seen[rule_id].append(node.lineno)

        return Spy

    docs = dict(load_rule_docs())
    docs["BR901"] = docs["BR902"] = docs["BR101"]
    monkeypatch.setattr("backendreview.engine.load_rule_docs", lambda: docs)
    monkeypatch.setitem(FILE_RULES, "BR901", make("BR901"))
    monkeypatch.setitem(FILE_RULES, "BR902", make("BR902"))
    walks = []
    original = SemanticBuilder._walk_body

    def counting(self, root, scope):  # type: ignore[no-untyped-def]
        walks.append(root)
        return original(self, root, scope)

    monkeypatch.setattr(SemanticBuilder, "_walk_body", counting)
    review_source(b"f()\ng(h())\n", "a.py", Config(), ("BR901", "BR902"))
    assert len(walks) == 1
    assert seen == {"BR901": [1, 2, 2], "BR902": [1, 2, 2]}


def test_astroid_is_built_only_when_a_rule_asks():
    code = "import sqlite3\nx = 41 + 1\ny = x\nsqlite3.connect(':memory:')\n"
    tree, model, _ = _model(code)
    ctx = FileContext("a.py", code, tree, model, Config())
    # BR101 runs on this file without needing inference: astroid is never built.
    rule = FILE_RULES["BR101"](ctx, load_rule_docs()["BR101"])
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            rule.visit_Call(node)
    assert not ctx.astroid_built
    use = [n for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == "x"
           and isinstance(n.ctx, ast.Load)][0]
    values = ctx.infer(use)
    assert ctx.astroid_built
    assert [v.value for v in values] == [42]


def test_parallel_and_serial_runs_agree(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for i in range(45):
        (tmp_path / f"m{i:02d}.py").write_text(
            "import sqlite3\n"
            f"def f(request, c: sqlite3.Connection, v):\n    c.execute(f\"SELECT {i} FROM t WHERE a = '{{v}}'\")\n",
            encoding="utf-8")
    serial = run([Path(".")], Config(select=("BR101",)), jobs=1)
    parallel = run([Path(".")], Config(select=("BR101",)), jobs=2)
    assert serial.findings == parallel.findings
    assert [f.path for f in serial.findings] == [f"m{i:02d}.py" for i in range(45)]


def test_review_is_pure():
    code = b"import sqlite3\ndef f(request, c: sqlite3.Connection, v):\n    c.execute('SELECT %s' % v)\n"
    first = review_source(code, "a.py", Config(), ("BR000", "BR101"))
    second = review_source(code, "a.py", Config(), ("BR000", "BR101"))
    assert first.findings == second.findings and len(first.findings) == 1


def test_facts_reach_project_rules_and_their_findings_are_suppressible(monkeypatch, tmp_path):
    from backendreview.checks import PROJECT_RULES
    from backendreview.checks.base import ProjectRule
    from backendreview.engine import finish
    from backendreview.model import Span

    class EmitRoutes(Rule):
        id = "BR901"

        def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
            self.ctx.emit_fact("route", (self.ctx.path, node.lineno, node.name))

    class CountRoutes(ProjectRule):
        id = "BR902"

        def check(self, facts):  # type: ignore[no-untyped-def]
            for path, line, name in facts["route"]:
                self.report(path, Span(line, 1, line, 4), f"route {name} seen in {path}")

    docs = dict(load_rule_docs())
    docs["BR901"] = docs["BR902"] = docs["BR101"]
    monkeypatch.setattr("backendreview.engine.load_rule_docs", lambda: docs)
    monkeypatch.setitem(FILE_RULES, "BR901", EmitRoutes)
    monkeypatch.setitem(PROJECT_RULES, "BR902", CountRoutes)
    rules = ("BR901", "BR902")
    a = review_source(b"def users():\n    pass\n", "a.py", Config(), rules)
    b = review_source(b"def orders():  # noqa: BR902\n    pass\n", "b.py", Config(), rules)
    assert a.facts == {"route": [("a.py", 1, "users")]}
    result = finish([a, b], Config(), rules, docs)
    assert [f.message for f in result.findings] == ["route users seen in a.py"]
    assert result.suppressed == 1


def test_findings_name_files_as_display_path_does_through_links(tmp_path, monkeypatch):
    """The engine names discovered files without resolving them again: the same names
    `display_path` gives, with the working directory a link and files reached by links."""
    from backendreview.discovery import discover, display_path

    real = tmp_path / "real"
    (real / "pkg").mkdir(parents=True)
    (real / "pkg" / "views.py").write_text("def broken(:\n")
    (real / "pkg" / "alias.py").symlink_to(real / "pkg" / "views.py")
    (real / "linked").symlink_to(real / "pkg", target_is_directory=True)
    (tmp_path / "via").symlink_to(real, target_is_directory=True)
    monkeypatch.chdir(tmp_path / "via")
    config = Config(root=Path("."), select=("BR000",))
    result = run([Path(".")], config, jobs=1)
    expected = sorted({display_path(f) for f in discover([Path(".")], config)})
    assert expected == ["pkg/views.py"]
    assert sorted({f.path for f in result.findings}) == expected
