"""BR101 and values whose text cannot carry SQL (analysis/inert.py): numbers, a model's
primary key, a timestamp the code takes, names reduced to word characters by an allowlist
`re.sub` or by a project sanitiser — in the statement's own function and, through the
program model, as what every call of a helper passes. Near misses stay findings: trimming
whitespace, a blacklist `re.sub`, a `count=` that stops early, `str()` of request text, and a
helper that one caller hands request data."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from backendreview.analysis.inert import inert_text, word_reduced
from backendreview.config import Config
from backendreview.context import FileContext
from backendreview.engine import finish, review_source, run
from backendreview.metadata import load_rule_docs
from backendreview.semantic import SemanticBuilder

PROJECT = Path(__file__).resolve().parents[1] / "fixtures" / "BR101" / "inert_values"


def test_inert_values_project(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PROJECT)
    findings = run([Path(".")], Config(root=PROJECT, select=("BR101",), cache=False),
                   jobs=1).findings
    found = sorted((f.rule_id, f.path, f.span.start_line, f.severity.value) for f in findings)
    assert found == [
        ("BR101", "app/bulk.py", 28, "error"),  # key_sql: request data on one path
        ("BR101", "app/bulk.py", 35, "error"),  # next() of an iterator over request data
        ("BR101", "app/migrate.py", 14, "error"),  # group.name, not group.pk
        ("BR101", "app/store.py", 34, "error"),  # _drop: the third caller passes request data
        ("BR101", "app/store.py", 46, "error"),  # _stamp: str() of request text
        ("BR101", "app/store.py", 50, "error"),  # _slug: only whitespace trimmed
        ("BR101", "app/tools/cleanup.py", 18, "note"),  # namespace_echo returns its argument
        ("BR101", "app/views.py", 71, "error"),  # a blacklist re.sub
        ("BR101", "app/views.py", 75, "error"),  # str(request text)
        ("BR101", "app/views.py", 77, "error"),  # re.sub(..., count=1)
        ("BR101", "app/views.py", 89, "error"),  # Path(...) / name: `/` joins a path here
    ]
    by_place = {(f.path, f.span.start_line): f.message for f in findings}
    assert "from `table`" in by_place[("app/store.py", 34)]
    assert "from `next(ids)`" in by_place[("app/bulk.py", 35)]
    assert "from `re.sub(r'[;]', '', name)`" in by_place[("app/views.py", 71)]
    assert "from `str(request.args['n'])`" in by_place[("app/views.py", 75)]


def _found(code: str) -> list[tuple[str, int, str]]:
    rules = ("BR000", "BR101")
    result = review_source(textwrap.dedent(code).encode(), "case.py", Config(), rules)
    findings = finish([result], Config(), rules, load_rule_docs()).findings
    return sorted((f.rule_id, f.span.start_line, f.message) for f in findings
                  if f.rule_id == "BR101")


_HELPER = """
    import re
    import sqlite3
    from flask import Flask, request

    app = Flask(__name__)

    def _drop(conn, table):
        conn.execute(f"DROP TABLE {{table}}")

    @app.post("/a")
    def a():
        conn = sqlite3.connect("x.db")
        _drop(conn, re.sub(r"[^A-Za-z0-9_]", "_", request.json["t"]))
        _drop(conn, len(request.json))
        {third}
        return {{}}
"""


def test_helper_every_caller_fills_with_inert_values_is_quiet():
    assert _found(_HELPER.format(third="_drop(conn, int(request.json['n']))")) == []


def test_helper_one_caller_fills_with_request_data_is_found():
    found = _found(_HELPER.format(third="_drop(conn, request.json['t'].strip())"))
    assert [(rule, line) for rule, line, _ in found] == [("BR101", 9)]
    assert "from `table`" in found[0][2]


def test_str_of_a_number_and_str_of_request_text():
    found = _found("""
        import sqlite3
        from flask import request

        def view():
            conn = sqlite3.connect("x.db")
            n = int(request.args["n"])
            conn.execute(f"SELECT id FROM t LIMIT {str(n)}")
            m = request.args["m"]
            conn.execute(f"SELECT id FROM t LIMIT {str(m)}")
        """)
    assert [(rule, line) for rule, line, _ in found] == [("BR101", 10)]
    assert "from `str(m)`" in found[0][2]


def test_same_file_sanitiser_method_and_a_trimming_one():
    found = _found("""
        import re
        import sqlite3
        from flask import request

        class Graphs:
            def _name(self, workspace):
                if not workspace:
                    return "base"
                return f"{re.sub(r'[^a-zA-Z0-9_]', '_', workspace)}_graph"

            def _trimmed(self, workspace):
                return workspace.strip()

            def create(self):
                conn = sqlite3.connect("x.db")
                conn.execute(f"SELECT create_graph('{self._name(request.args['w'])}')")
                conn.execute(f"SELECT create_graph('{self._trimmed(request.args['w'])}')")
        """)
    assert [(rule, line) for rule, line, _ in found] == [("BR101", 18)]
    assert "self._trimmed(request.args['w'])" in found[0][2]


def _expr(code: str) -> ast.expr:
    return ast.parse(code, mode="eval").body


@pytest.mark.parametrize(("code", "reduced"), [
    ('re.sub(r"[^A-Za-z0-9_]", "_", x)', True),
    ('re.sub(r"[^a-z0-9_]+", "", x).lower()', True),
    ('re.sub(r"\\W+", "_", x)', True),
    ('re.sub(r"[^\\w]", "_", x)', True),
    ('re.sub(r"\\s+", "", x)', False),  # whitespace only
    ('re.sub(r"[;\']", "", x)', False),  # a blacklist
    ('re.sub(r"[^A-Za-z0-9_-]", "_", x)', False),  # `-` makes `--` comments
    ('re.sub(r"[^A-Za-z0-9_]", "\'", x)', False),  # replaced by a quote
    ('re.sub(r"[^A-Za-z0-9_]", "_", x, count=1)', False),
])
def test_word_reduced(code: str, reduced: bool) -> None:
    assert word_reduced(_expr(code)) is reduced  # type: ignore[arg-type]


def test_inert_text_reasons():
    source = textwrap.dedent("""
        import time
        from django.utils import timezone

        def f(obj, user):
            a = obj.pk
            b = str(timezone.now())
            c = time.time() - 5
            d = user.name
            e = "%s" % user
            g = f"{obj.pk!r}"
        """)
    tree = ast.parse(source)
    ctx = FileContext("f.py", source, tree, SemanticBuilder(tree, "f").build(), Config())
    func = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef))
    values = {s.targets[0].id: s.value for s in func.body}  # type: ignore[attr-defined]
    assert "primary key" in inert_text(ctx, values["a"])
    assert "timestamp" in inert_text(ctx, values["b"])
    assert "timestamp" in inert_text(ctx, values["c"])
    assert inert_text(ctx, values["d"]) == ""
    assert inert_text(ctx, values["e"]) == ""
    assert inert_text(ctx, values["g"]) == ""  # `!r` adds quotes


_STORE = """
import re
from flask import request

class Store:
    def setup(self, workspace):
        self.name = re.sub(r"[^A-Za-z0-9_]", "_", workspace)

    def read(self):
        return self.name
    {extra}
"""


@pytest.mark.parametrize(("extra", "inert"), [
    ("", True),
    # an unrelated class of the file has a `name` of its own
    ("\nclass Lost(Exception):\n    def __init__(self, name):\n        self.name = name\n", True),
    # another method sets it from request data
    ("\n    def reset(self):\n        self.name = request.args['n']\n", False),
    # `+=` appends text the sanitiser never saw
    ("\n    def grow(self):\n        self.name += request.args['n']\n", False),
    # a write on another object may be an instance of this class
    ("\ndef point(store):\n    store.name = request.args['n']\n", False),
    # a subclass sets it from request data
    ("\nclass Tenant(Store):\n    def setup(self, w):\n        self.name = request.args['n']\n",
     False),
    # a setattr with a computed name may write any attribute
    ("\ndef load(store, key):\n    setattr(store, key, request.args[key])\n", False),
])
def test_instance_attribute_set_only_to_inert_values(extra: str, inert: bool) -> None:
    source = _STORE.format(extra=extra)
    tree = ast.parse(source)
    ctx = FileContext("f.py", source, tree, SemanticBuilder(tree, "f").build(), Config())
    read = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "read")
    value = read.body[0].value  # type: ignore[attr-defined]
    reason = inert_text(ctx, value)
    if inert:
        assert reason.startswith("`self.name` is only ever set to such a value: reduced to word")
    else:
        assert reason == ""


ATTRIBUTES = Path(__file__).resolve().parents[1] / "fixtures" / "BR101" / "instance_attributes"


def test_instance_attributes_project(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ATTRIBUTES)
    findings = run([Path(".")], Config(root=ATTRIBUTES, select=("BR101",), cache=False),
                   jobs=1).findings
    found = sorted((f.rule_id, f.path, f.span.start_line, f.severity.value) for f in findings)
    assert found == [
        ("BR101", "app/graph.py", 37, "error"),  # self.table: request data in retarget()
        ("BR101", "app/graph.py", 41, "error"),  # self.suffix: `+=` request data
        ("BR101", "app/graph.py", 45, "error"),  # self.schema: a subclass sets request data
        ("BR101", "app/graph.py", 49, "error"),  # self.view: point_view() writes request data
    ]
    assert "from `table`" in next(f.message for f in findings if f.span.start_line == 37)


def _attribute_chain(levels: int, writers: int, last: str) -> str:
    """A class whose `self.a0` is set in `writers` methods to `self.a1`, each of those in
    `writers` methods to `self.a2`, ..., and `self.a<levels>` to `last`."""
    lines = ["class C:"]
    for level in range(levels):
        for n in range(writers):
            lines += [f"    def m{level}_{n}(self):", f"        self.a{level} = self.a{level + 1}"]
    lines += ["    def last(self):", f"        self.a{levels} = {last}",
              "    def use(self):", "        return self.a0"]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(("last", "inert"), [("7", True), ("request.GET['q']", False)])
def test_inert_text_asks_each_node_once_per_depth(monkeypatch: pytest.MonkeyPatch,
                                                  last: str, inert: bool) -> None:
    """Every write of `self.aK` leads to every write of `self.aK+1`: 8 writers over 5
    levels are 8**5 chains, each node asked once per depth all the same (netbox's
    test_event_rules.py took 29 CPU s before). The answer is the chain's end's."""
    import backendreview.analysis.inert as inert_module

    source = _attribute_chain(5, 8, last)
    tree = ast.parse(source)
    ctx = FileContext("f.py", source, tree, SemanticBuilder(tree, "f").build(), Config())
    asked: list[ast.AST] = []
    real = inert_module._inert_text

    def counted(ctx: FileContext, value: ast.expr, depth: int) -> str:
        asked.append(value)
        return real(ctx, value, depth)

    monkeypatch.setattr(inert_module, "_inert_text", counted)
    use = next(n for n in ast.walk(tree) if isinstance(n, ast.Return))
    assert use.value is not None
    reason = inert_text(ctx, use.value)
    assert bool(reason) is inert
    if inert:
        assert "a number" in reason and reason.startswith("`self.a0` is only ever set")
    # 41 writes' values and the read, each at the one depth its level is asked at
    assert len(asked) == len({id(n) for n in asked}) <= 5 * 8 + 2
