"""Parameter-indexed summaries (analysis/program/sqlflow.py) and BR101 across calls: which
parameter a function runs as SQL or splices into SQL it returns, through chains of calls,
recursion-safe; a parameter every caller passes as a constant; the findings' steps."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from backendreview.analysis.program import ProgramModel, program_of
from backendreview.analysis.program.sqlflow import FACT_KIND, summaries_of
from backendreview.config import Config
from backendreview.engine import run
from backendreview.reporters.sarif import render

ROOT = Path(__file__).resolve().parents[1]


def _run(tmp_path: Path, files: dict[str, str], monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    for name, text in files.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run([Path(".")], Config(root=tmp_path, select=("BR101",)), jobs=1)
    assert result.errors == []
    return result


def _summaries(result):  # type: ignore[no-untyped-def]
    model: ProgramModel = program_of(result.facts)
    return model, summaries_of(model, result.facts)


HELPERS = {
    "app/__init__.py": "",
    "app/db.py": (
        "import sqlite3\n"
        "def run_sql(cur: sqlite3.Cursor, sql):\n"
        "    cur.execute(sql)\n"
        "class Repo:\n"
        "    def __init__(self, cur):\n"
        "        self.cur = cur\n"
        "    def raw(self, statement):\n"
        "        return run_sql(self.cur, statement)\n"
        "def ping(a, depth):\n"
        "    return pong(a, depth)\n"
        "def pong(a, depth):\n"
        "    return ping(a, depth)\n"
        "def where(name):\n"
        "    return f\"SELECT 1 FROM t WHERE name = '{name}'\"\n"
        "def wrapped(label):\n"
        "    return where(label)\n"
        "def not_returned(label):\n"
        "    where(label)\n"
        "    return 'SELECT 1'\n"
    ),
}


def test_a_parameter_run_as_sql_is_followed_through_a_method_and_a_helper(tmp_path, monkeypatch):
    model, summaries = _summaries(_run(tmp_path, HELPERS, monkeypatch))
    run_sql = model.functions["app.db.run_sql"]
    raw = model.functions["app.db.Repo.raw"]
    assert summaries.runs_as_sql(run_sql, "sql").use.detail == "cur.execute()"
    assert summaries.runs_as_sql(run_sql, "cur") is None
    chain = summaries.runs_as_sql(raw, "statement")
    assert [step.callee for step in chain.via] == ["app.db.run_sql"]
    assert (chain.use.line, chain.origin_path) == (3, "app/db.py")


def test_recursion_ends_and_invents_nothing(tmp_path, monkeypatch):
    model, summaries = _summaries(_run(tmp_path, HELPERS, monkeypatch))
    assert summaries.runs_as_sql(model.functions["app.db.ping"], "a") is None
    assert summaries.returns_sql_from(model.functions["app.db.pong"]) == {}


def test_sql_returned_from_a_parameter_travels_only_through_returned_calls(tmp_path, monkeypatch):
    model, summaries = _summaries(_run(tmp_path, HELPERS, monkeypatch))
    assert list(summaries.returns_sql_from(model.functions["app.db.where"])) == ["name"]
    wrapped = summaries.returns_sql_from(model.functions["app.db.wrapped"])
    assert list(wrapped) == ["label"] and wrapped["label"].via[0].callee == "app.db.where"
    assert summaries.returns_sql_from(model.functions["app.db.not_returned"]) == {}


def test_a_parameter_is_constant_only_when_every_caller_passes_a_constant(tmp_path, monkeypatch):
    files = {
        "app/__init__.py": "",
        "app/jobs.py": (
            "class Settings:\n    pass\n"
            "def rekey(bits, model):\n    return bits, model\n"
            "def mixed(bits):\n    return bits\n"
            "def never_called(bits):\n    return bits\n"
            "def main(n):\n"
            "    rekey(1024, Settings)\n"
            "    rekey(bits=2048, model=Settings)\n"
            "    mixed(1)\n"
            "    mixed(n)\n"
        ),
    }
    model, summaries = _summaries(_run(tmp_path, files, monkeypatch))
    rekey = model.functions["app.jobs.rekey"]
    assert summaries.always_constant(rekey, "bits")
    assert summaries.always_constant(rekey, "model")
    assert not summaries.always_constant(model.functions["app.jobs.mixed"], "bits")
    assert not summaries.always_constant(model.functions["app.jobs.never_called"], "bits")


def test_parameter_facts_pickle(tmp_path, monkeypatch):
    result = _run(tmp_path, HELPERS, monkeypatch)
    facts = result.facts[FACT_KIND]
    assert facts and pickle.loads(pickle.dumps(facts)) == facts


def test_a_finding_through_calls_names_every_step_in_sarif(monkeypatch):
    project = ROOT / "fixtures" / "BR101" / "through_calls"
    monkeypatch.chdir(project)
    result = run([Path(".")], Config(root=project, select=("BR101",)), jobs=1)
    finding = next(f for f in result.findings if f.path == "shop/views.py" and
                   f.span.start_line == 24)
    assert finding.message.startswith(
        "SQL text built with % formatting from `name` is passed as `statement` and run as "
        "SQL: `search` (views.py:24) calls `run_logged` (db.py:11), which calls `run_sql` "
        "(db.py:6), which runs it with `cur.execute()` (db.py:7)")
    assert [(r.path, r.span.start_line) for r in finding.related] == [
        ("shop/db.py", 11), ("shop/db.py", 13), ("shop/db.py", 7)]
    sarif = render(result)
    assert "relatedLocations" in sarif and "shop/db.py" in sarif
