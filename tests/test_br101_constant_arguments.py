"""BR101 with argument-dependent summaries: a method that splices a fragment of its argument
(`query.where`) is decided by what its callers pass. A record of literals (namedtuple,
NamedTuple, dataclass), an entry of a constant mapping, a project function returning such a
record, or a local bound only to those, fixes the parameter; one caller passing request
data, a record with a request field, a class whose `__init__` computes the fragment, a
library call or `.get(key, key)` keeps the finding; a call the model cannot resolve keeps it
as a note."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from backendreview.config import Config
from backendreview.engine import finish, review_source, run
from backendreview.metadata import load_rule_docs

PROJECT = Path(__file__).resolve().parents[1] / "fixtures" / "BR101" / "constant_arguments"


def test_constant_built_arguments_decide_the_callee(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PROJECT)
    findings = run([Path(".")], Config(root=PROJECT, select=("BR101",), cache=False),
                   jobs=1).findings
    found = sorted((f.path, f.span.start_line, f.severity.value) for f in findings)
    assert found == [
        ("app/backend.py", 40, "error"),  # search_rows: views.py passes request data
        ("app/backend.py", 45, "error"),  # export_rows: a namedtuple with a request field
        ("app/backend.py", 57, "error"),  # picked_rows: FILTERS.get(kind, kind), a route's
    ]
    by_line = {f.span.start_line: f for f in findings}
    assert all(f.rule_id == "BR101" for f in findings)
    assert "from `query.where`" in by_line[45].message
    assert "from `clause`" in by_line[57].message


def _found(code: str) -> list[tuple[int, str]]:
    rules = ("BR000", "BR101")
    result = review_source(textwrap.dedent(code).encode(), "case.py", Config(), rules)
    findings = finish([result], Config(), rules, load_rule_docs()).findings
    return sorted((f.span.start_line, f.severity.value) for f in findings
                  if f.rule_id == "BR101")


def test_record_made_in_the_same_module_and_its_fields():
    """`return Where(clause="...")` in the module that made `Where` is a constant; a record
    given a parameter's value is not, so the caller passing the request decides."""
    found = _found("""
        import sqlite3
        from collections import namedtuple
        from flask import request

        Where = namedtuple("Where", ["clause"])

        def archived():
            return Where(clause="archived = 1")

        def by_user(name):
            return Where(clause=name)

        class Store:
            def rows(self, conn: sqlite3.Connection, where):
                return conn.execute(f"SELECT * FROM rows WHERE {where.clause}")

            def named(self, conn: sqlite3.Connection, where):
                return conn.execute(f"SELECT * FROM rows WHERE {where.clause}")

        def nightly(conn: sqlite3.Connection):
            Store().rows(conn, archived())

        def search(conn: sqlite3.Connection):
            Store().named(conn, by_user(request.args["name"]))
    """)
    assert found == [(19, "error")]
