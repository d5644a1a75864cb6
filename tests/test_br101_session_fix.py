"""BR101's fix for `db.session.execute(sql)` on a `db` imported from another module: the
file cannot type the receiver, so its fix used `%s` marks and a tuple, which a SQLAlchemy
session rejects (faradaysec's move_references command, fixes labelled wrong). The project
phase asks the program model what the imported object is: a Flask-SQLAlchemy object (or a
SQLAlchemy session) gets `text()` with `:name` parameters; anything else keeps the
driver's marks."""

from __future__ import annotations

from pathlib import Path

import pytest

from .projects import project_findings

_MODELS = """
    from flask_sqlalchemy import SQLAlchemy
    from sqlalchemy.orm import scoped_session, sessionmaker
    import psycopg2

    db = SQLAlchemy()
    Session = scoped_session(sessionmaker())
    conn = psycopg2.connect("dbname=app")
    helper = object()
"""
_COMMANDS = """
    from flask import request
    from app.models import Session, conn, db, helper


    def by_flask_sqlalchemy():
        name = request.args["name"]
        db.session.execute(f"SELECT * FROM t WHERE name = '{name}'")


    def by_scoped_session():
        name = request.args["name"]
        Session.execute(f"SELECT * FROM t WHERE name = '{name}'")


    def by_psycopg_connection():
        name = request.args["name"]
        conn.execute(f"SELECT * FROM t WHERE name = '{name}'")


    def by_unknown_object():
        name = request.args["name"]
        helper.session.execute(f"SELECT * FROM t WHERE name = '{name}'")


    def through_a_helper(value):
        db.session.execute(f"SELECT * FROM t WHERE name = '{value}'")


    def caller():
        through_a_helper(request.args["name"])
"""


def test_imported_session_gets_sqlalchemy_text(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    found = project_findings(tmp_path, {"app/__init__.py": "", "app/models.py": _MODELS,
                                        "app/commands.py": _COMMANDS}, "BR101", monkeypatch)
    fixes = {f.span.start_line: f.fix.suggestion for f in found
             if f.path == "app/commands.py" and f.fix is not None}
    named = 'text("SELECT * FROM t WHERE name = :name"), {"name": name})'
    assert fixes[8] == "db.session.execute(" + named
    assert fixes[13] == "Session.execute(" + named
    # a psycopg connection (its module is typed) keeps its own `%s` marks
    assert fixes[18] == 'conn.execute("SELECT * FROM t WHERE name = %s", (name,))'
    # nothing says what `helper` is: the driver's marks, as the file alone tells
    assert fixes[23] == 'helper.session.execute("SELECT * FROM t WHERE name = %s", (name,))'
    # a finding decided by its callers (deferred) gets the same answer
    assert fixes[27] == ('db.session.execute(text("SELECT * FROM t WHERE name = :value"), '
                         '{"value": value})')
    assert all("pass the values as bound parameters" in f.message for f in found)
