"""The shared per-call entry: the semantic model lists every call of a file in walk order
(`calls`) and indexes them by the name their callee is written with (`calls_named`), and a
rule instance can leave node types `idle` for its file when a gate computed once shows it
can find nothing there. A gate must change nothing: over every fixture, BR201, BR202 and
BR208 report and record the same with their gates as with every call dispatched to them,
and BR201's hash uses read from the index are the ones every call gave."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from backendreview.analysis.values import tracker_for
from backendreview.checks import base
from backendreview.checks.br201_hashing import (
    HASH_USES,
    hashes,
    is_hashing_call,
    record_hash_use,
    record_hash_uses,
)
from backendreview.config import Config
from backendreview.context import FileContext
from backendreview.engine import review_source
from backendreview.semantic import SemanticBuilder

_FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
_GATED = ("BR201", "BR202", "BR208")


def _model(source: str):  # type: ignore[no-untyped-def]
    tree = ast.parse(textwrap.dedent(source))
    return tree, SemanticBuilder(tree, "m").build()


def test_calls_lists_every_call_in_walk_order():
    _tree, model = _model("""\
        import x
        f(1)
        x.y.g(f(2))
        (lambda: 1)()
        class A:
            def m(self, v=h()):
                return self.g(v)
        """)
    assert [ast.unparse(c) for c in model.calls] == [
        "f(1)", "x.y.g(f(2))", "f(2)", "(lambda: 1)()", "h()", "self.g(v)"]
    assert model.calls == [n for n in model.nodes if type(n) is ast.Call]


def test_calls_named_reads_the_written_callee_name_in_walk_order():
    _tree, model = _model("""\
        import x
        f(1)
        x.y.g(f(2))
        (lambda: 1)()
        self.g(h())
        """)
    assert sorted(model.callee_names()) == ["", "f", "g", "h"]
    assert [ast.unparse(c) for c in model.calls_named(["g", "f"])] == [
        "f(1)", "x.y.g(f(2))", "f(2)", "self.g(h())"]
    assert [ast.unparse(c) for c in model.calls_named([""])] == ["(lambda: 1)()"]
    assert model.calls_named(["missing"]) == []


def _fixture_files() -> list[Path]:
    return sorted(_FIXTURES.rglob("*.py"))


def _outcome(path: Path) -> tuple[list[tuple[str, int, int, str]], dict[str, list[object]]]:
    result = review_source(path.read_bytes(), str(path.relative_to(_FIXTURES)), Config(),
                           _GATED)
    findings = sorted((f.rule_id, f.span.start_line, f.span.start_col, f.message)
                      for f in result.findings)
    return findings, {kind: sorted(map(repr, items)) for kind, items in result.facts.items()}


def test_the_gates_change_no_finding_and_no_fact_over_the_fixtures(monkeypatch):
    gated = {path: _outcome(path) for path in _fixture_files()}
    # Every rule instance keeps every visitor: `idle` reads empty and ignores the gates.
    monkeypatch.setattr(base.Rule, "idle", property(lambda self: frozenset(),
                                                    lambda self, value: None))
    ungated = {path: _outcome(path) for path in _fixture_files()}
    assert gated == ungated
    # Not vacuous: the fixtures give these rules findings and facts to compare.
    assert sum(len(f) for f, _ in gated.values()) > 50
    assert any(facts.get(HASH_USES) for _, facts in gated.values())


def _hash_uses(source: str, every_call: bool) -> list[object]:
    tree = ast.parse(source)
    ctx = FileContext("app/models.py", source, tree, SemanticBuilder(tree, "app.models").build(),
                      Config())
    values = tracker_for(ctx)
    if every_call:
        for node in ctx.semantic.nodes:
            if isinstance(node, ast.Call):
                record_hash_use(ctx, values, node)
    else:
        record_hash_uses(ctx, values)
    return list(ctx.facts.get(HASH_USES, []))


@pytest.mark.parametrize("path", _fixture_files(), ids=lambda p: str(p.relative_to(_FIXTURES)))
def test_hash_uses_from_the_index_are_those_every_call_gives(path: Path):
    source = path.read_text(encoding="utf-8")
    assert _hash_uses(source, every_call=False) == _hash_uses(source, every_call=True)


@pytest.mark.parametrize("path", _fixture_files(), ids=lambda p: str(p.relative_to(_FIXTURES)))
def test_hashes_from_the_index_answers_as_the_walk_of_each_definition(path: Path):
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    ctx = FileContext("app/models.py", source, tree, SemanticBuilder(tree, "app.models").build(),
                      Config())
    values = tracker_for(ctx)
    for node in ctx.semantic.nodes:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Call):
            walked = any(is_hashing_call(values, n) for n in ast.walk(node))
            assert hashes(values, node) is walked, (node.lineno, ast.dump(node)[:80])


def test_hashes_finds_a_hasher_call_nested_in_a_lambda_and_not_in_a_sibling():
    source = ("import bcrypt\nclass User:\n    def set(self, raw):\n"
              "        self.pw = (lambda v: bcrypt.hashpw(v, b's'))(raw)\n"
              "    def check(self, raw):\n        return raw == self.pw\n")
    tree = ast.parse(source)
    ctx = FileContext("app/models.py", source, tree, SemanticBuilder(tree, "app.models").build(),
                      Config())
    values = tracker_for(ctx)
    methods = {n.name: n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    assert hashes(values, methods["set"]) is True
    assert hashes(values, methods["check"]) is False
    # A call built for the question, outside the tree: its own nodes are read.
    func = ast.parse("bcrypt.hashpw", mode="eval").body
    assert hashes(values, ast.Call(func=func, args=[], keywords=[])) is True


@pytest.mark.parametrize(("source", "expected"), [
    # A library hasher by attribute, a hasher object's method, a project helper named for it.
    ("import bcrypt\ndef f(raw):\n    return bcrypt.hashpw(raw, bcrypt.gensalt())\n",
     [("raw", 3, "bcrypt.hashpw")]),
    ("from passlib.context import CryptContext\nctx = CryptContext()\n"
     "def f(raw):\n    return ctx.hash(raw)\n", [("raw", 4, "ctx.hash")]),
    ("def f(raw):\n    return make_password_hash(raw)\n", [("raw", 2, "make_password_hash")]),
    # Imported under another name: the bare name is the hasher only through its import.
    ("from bcrypt import hashpw as hp\ndef f(raw):\n    return hp(raw, b'salt')\n",
     [("raw", 3, "hp")]),
    # Near misses: a name that is no hasher's, the builtin hash().
    ("from app.crypto import digest as hp\ndef f(raw):\n    return hp(raw, b'salt')\n", []),
    ("def f(raw):\n    return hash(raw)\n", []),
])
def test_hash_uses_name_the_parameter_line_and_hasher(source: str, expected: list[tuple]):
    uses = _hash_uses(source, every_call=False)
    assert [(u.param, u.use_line, u.detail) for u in uses] == expected  # type: ignore[attr-defined]
    assert _hash_uses(source, every_call=True) == uses


def _idle(rule_id: str, source: str) -> frozenset[type[ast.AST]]:
    from backendreview.checks import FILE_RULES
    from backendreview.metadata import load_rule_docs

    tree = ast.parse(source)
    ctx = FileContext("app/main.py", source, tree, SemanticBuilder(tree, "app.main").build(),
                      Config())
    return FILE_RULES[rule_id](ctx, load_rule_docs()[rule_id]).idle


def test_br208_takes_no_call_of_an_ascii_file_without_cors_imports_or_setting():
    assert _idle("BR208", "def f(app):\n    app.run(debug=False)\n") == {ast.Call}
    assert _idle("BR208", "def f(app):\n    app.config.update(CORS_ORIGINS=['*'])\n") == set()
    # Non-ASCII text: identifiers are normalised by the parser, so the text is not read.
    assert _idle("BR208", "# é\ndef f(app):\n    app.run()\n") == set()
    assert _idle("BR208", "from flask_cors import CORS\nCORS(app)\n") == set()


def test_br208_keyword_in_a_non_ascii_file_is_still_read():
    source = "# café\ndef configure(app):\n    app.config.update(CORS_ORIGINS=['*'])\n"
    result = review_source(source.encode(), "app/main.py", Config(), ("BR208",))
    assert [(f.line, f.wildcard) for f in result.facts["br208_configured_origins"]] == [
        (3, True)]


def test_br202_takes_no_call_of_a_file_importing_no_hashing_module():
    assert _idle("BR202", "import json\njson.dumps(1)\n") == {ast.Call}
    assert _idle("BR202", "from hashlib import md5\nmd5(b'x')\n") == set()
    assert _idle("BR202", "import werkzeug.security as ws\n") == set()


def test_br202_still_reports_a_weak_digest_of_a_password():
    source = ("import hashlib\n\ndef store(request):\n"
              "    return hashlib.md5(request.POST['password'].encode()).hexdigest()\n")
    findings = review_source(source.encode(), "app/views.py", Config(), ("BR202",)).findings
    assert [(f.rule_id, f.span.start_line) for f in findings] == [("BR202", 4)]
    assert "md5" in findings[0].message


def test_br201_reads_only_sql_calls_in_a_file_naming_no_password():
    assert _idle("BR201", "def f(cur, name):\n    cur.execute('SELECT 1', name)\n") == {
        ast.Call}
    assert _idle("BR201", "def f(user, pw):\n    user.save(pw)\n") == set()
    # A secret-named parameter handed on keeps every call.
    assert _idle("BR201", "def f(client, secret_key):\n    client.sign(secret_key)\n") == set()


class _Everything(frozenset):  # type: ignore[type-arg]
    """A gate that lets every name through: what an ungated reader is asked about."""

    def __contains__(self, item: object) -> bool:
        return True

    def __bool__(self) -> bool:
        return True

    def isdisjoint(self, other: object) -> bool:  # type: ignore[override]
        return False


def _br401_and_routes(path: Path) -> tuple[list[tuple[str, int, int, str]], dict[str, list[str]]]:
    result = review_source(path.read_bytes(), str(path.relative_to(_FIXTURES)), Config(),
                           ("BR401",), collect=("routes",))
    findings = sorted((f.rule_id, f.span.start_line, f.span.start_col, f.message)
                      for f in result.findings)
    # In emission order: a gate must not reorder what the project phase reads either.
    return findings, {kind: list(map(repr, items)) for kind, items in result.facts.items()}


def test_br401_and_route_collector_call_gates_change_nothing_over_the_fixtures(monkeypatch):
    from backendreview.analysis.frameworks import appbuilder, collector
    from backendreview.checks import br401_errors
    from backendreview.semantic import SemanticModel

    gated = {path: _br401_and_routes(path) for path in _fixture_files()}
    everything = _Everything()
    monkeypatch.setattr(base.Rule, "idle", property(lambda self: frozenset(),
                                                    lambda self, value: None))
    monkeypatch.setattr(br401_errors, "response_call_names", lambda semantic: None)
    monkeypatch.setattr(br401_errors, "text_parameters", lambda ctx: everything)
    monkeypatch.setattr(br401_errors, "passes_one_of", lambda call, names: True)
    monkeypatch.setattr(br401_errors, "REGISTER_CALLS", everything)
    monkeypatch.setattr(br401_errors, "STREAM_NAMES", everything)
    monkeypatch.setattr(SemanticModel, "names_bound", lambda self, kind: everything)
    monkeypatch.setattr(collector, "_trigger_names", lambda semantic: everything)
    monkeypatch.setattr(appbuilder, "REGISTER", everything)
    ungated = {path: _br401_and_routes(path) for path in _fixture_files()}
    assert gated == ungated
    # Not vacuous: the fixtures give BR401 findings and both consumers per-call facts.
    kinds = {kind for _, facts in gated.values() for kind, items in facts.items() if items}
    assert sum(len(f) for f, _ in gated.values()) > 50
    assert {"route", "route_call", "param_call", "br401_param_uses",
            "br401_param_hand_ons"} <= kinds, sorted(kinds)


@pytest.mark.parametrize(("source", "idle"), [
    # No response builder, no error-text parameter, no registration or stream call.
    ("import json\ndef f(data):\n    return json.dumps(data)\n", {ast.Call}),
    # A response builder by its own name, by an alias, or a `self.response_500(...)`.
    ("from flask import jsonify\ndef f():\n    return jsonify(1)\n", set()),
    ("from django.http import JsonResponse as JR\ndef f():\n    return JR({})\n", set()),
    ("class V:\n    def get(self):\n        return self.response_500()\n", set()),
    # A parameter named like an error's text, handed on or not.
    ("def f(message):\n    return len(message)\n", set()),
    ("app.register_error_handler(Exception, handler)\n", set()),
    # aiohttp: every call may be a response (`web.HTTPFound.x(...)`).
    ("from aiohttp import web\ndef f(data):\n    return len(data)\n", set()),
])
def test_br401_takes_no_call_of_a_file_where_none_can_matter(source: str, idle: set):
    assert _idle("BR401", source) == idle


def test_br401_hands_on_an_aliased_response_and_an_error_parameter():
    source = ("from django.http import JsonResponse as JR\n\ndef show(request, message):\n"
              "    return JR({'error': message})\n\ndef relay(err):\n    notify(err)\n\n"
              "def notify(text):\n    print(text)\n")
    facts = review_source(source.encode(), "app/views.py", Config(), ("BR401",)).facts
    uses = facts.get("br401_param_uses", [])
    assert [(u.param, u.line, u.use_line) for u in uses] == [  # type: ignore[attr-defined]
        ("message", 3, 4)]
    hand_ons = facts.get("br401_param_hand_ons", [])
    assert [(h.param, h.line, h.key) for h in hand_ons] == [  # type: ignore[attr-defined]
        ("err", 6, "0")]
