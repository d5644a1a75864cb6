"""BR101 when the only evidence is a parameter of the enclosing function: the project's calls
of that function decide. A call passing a runtime value (or an entry point: a decorated
function, a view taking the request) keeps the rule's severity; calls passing only literals
or leaving the default withdraw it; no resolved call at all makes it a note that says so."""

from __future__ import annotations

from backendreview.config import Config

from .projects import one_file_findings


def _found(code: str) -> list[tuple[int, str, str]]:
    return one_file_findings(code, ("BR000", "BR101"))


def test_parameter_no_call_reaches_is_a_note_naming_the_function():
    """A method no resolved call reaches (called on objects of unknown class, through a
    dispatch): a note. A private module function likewise; a public one is the module's API
    (its parameters come from outside): the rule's severity."""
    found = _found("""
        import sqlite3
        class Users:
            def lookup(self, conn: sqlite3.Connection, name):
                return conn.execute(f"SELECT * FROM users WHERE name = '{name}'")

        def _private(conn: sqlite3.Connection, name):
            return conn.execute(f"SELECT * FROM users WHERE name = '{name}'")

        def public(conn: sqlite3.Connection, name):
            return conn.execute(f"SELECT * FROM users WHERE name = '{name}'")
    """)
    assert [(line, sev) for line, sev, _ in found] == [(5, "note"), (8, "note"), (11, "error")]
    assert found[0][2].endswith("(note: no call in the project shows what reaches `name` of "
                                "`Users.lookup` (it is reached through a dispatch or an object "
                                "the code does not type))")


def test_a_parameter_handed_on_is_judged_by_the_callers_callers():
    found = _found("""
        import sqlite3
        def _run(conn: sqlite3.Connection, table):
            return conn.execute(f"DELETE FROM {table}")

        class Backend:
            def purge(self, conn, table):
                return _run(conn, table)

            def nightly(self, conn):
                return self.purge(conn, "sessions")

        def _vacuum(conn: sqlite3.Connection, table):
            return conn.execute(f"VACUUM {table}")

        class Store:
            def clean(self, conn, table):
                return _vacuum(conn, table)

        def _owned(conn: sqlite3.Connection, owner):
            return conn.execute(f"SELECT * FROM t WHERE owner = '{owner}'")

        class Audit:
            def by_owner(self, conn, owner):
                return _owned(conn, owner)
    """)
    # _run: its one caller hands on `table`, which every call of purge fixes: withdrawn;
    # _vacuum: its caller's own callers are not seen, and `table` is a name (the caller's
    # SQL by design): nothing shows an outsider chooses it, no finding; _owned: the same
    # hidden callers, but `owner` sits where a value goes: a note.
    assert [(line, sev) for line, sev, _ in found] == [(21, "note")]


def test_parameter_every_call_passes_literals_or_the_default_is_not_reported():
    assert _found("""
        import sqlite3
        def flapping(conn: sqlite3.Connection, window=1800):
            return conn.execute(f"SELECT id FROM alerts WHERE age < {window} * interval '1s'")

        def job(conn):
            flapping(conn)
            flapping(conn, window=600)
    """) == []


def test_parameter_a_call_passes_request_data_keeps_the_severity():
    found = _found("""
        import sqlite3
        from flask import request
        def lookup(conn: sqlite3.Connection, name):
            return conn.execute(f"SELECT * FROM users WHERE name = '{name}'")

        def job(conn):
            lookup(conn, "admin")
            lookup(conn, request.args["name"])
    """)
    assert [(line, sev) for line, sev, _ in found] == [(5, "error")]


def test_a_call_of_the_base_method_reaches_the_override():
    """`db.counts(query)` names the base class's method; the backend's override runs."""
    found = _found("""
        class Database:
            def counts(self, where):
                raise NotImplementedError

        class Backend(Database):
            def counts(self, where):
                cursor = self.conn.cursor()
                cursor.execute(f"SELECT COUNT(*) FROM alerts WHERE {where}")
                return cursor.fetchall()

        def view(db: Database, request):
            return db.counts(request.args["where"])
    """)
    assert [(line, sev) for line, sev, _ in found] == [(9, "error")]


def test_entry_points_keep_the_severity():
    found = _found("""
        import sqlite3
        from fastapi import APIRouter
        router = APIRouter()

        @router.get("/users")
        def users(name: str, conn: sqlite3.Connection):
            return conn.execute(f"SELECT * FROM users WHERE name = '{name}'")

        def legacy_view(request, name):
            conn = sqlite3.connect("x")
            return conn.execute(f"SELECT * FROM users WHERE name = '{name}'")

        class Repo:
            @staticmethod
            def plain(conn: sqlite3.Connection, name):
                return conn.execute(f"SELECT * FROM users WHERE name = '{name}'")
    """)
    assert [(line, sev) for line, sev, _ in found] == [
        (8, "error"), (12, "error"), (17, "note")]


def test_through_a_helper_the_callers_parameter_is_judged_the_same_way():
    found = _found("""
        class Store:
            def _run(self, sql):
                return self.cursor.execute(sql)

            def by_tag(self, tag):
                return self._run(f"SELECT * FROM items WHERE tag = '{tag}'")

            def by_kind(self, kind):
                return self._run(f"SELECT * FROM items WHERE kind = '{kind}'")

            def nightly(self):
                return self.by_kind("archived")
    """)
    # by_tag: no call reaches it (a note); by_kind: only ever called with a literal.
    assert [(line, sev) for line, sev, _ in found] == [(7, "note")]


def test_module_level_object_calls_reach_the_backend(monkeypatch):  # type: ignore[no-untyped-def]
    """fixtures/BR101/param_callers: `db = Backend()` typed as the `Database` interface in
    views.py; the view's request data reaches the override through `db.counts(query)`."""
    from pathlib import Path

    from backendreview.engine import run

    project = Path(__file__).resolve().parents[1] / "fixtures" / "BR101" / "param_callers"
    monkeypatch.chdir(project)
    findings = run([Path(".")], Config(root=project, select=("BR101",), cache=False),
                   jobs=1).findings
    assert sorted((f.path, f.span.start_line, f.severity.value) for f in findings) == [
        ("app/backend.py", 21, "error"), ("app/backend.py", 50, "note")]


def test_http_method_names_are_entry_points_only_on_a_view_class():
    found = _found("""
        import sqlite3
        from flask.views import MethodView

        class UserAPI(MethodView):
            def get(self, name):
                conn = sqlite3.connect("x")
                return conn.execute(f"SELECT * FROM users WHERE name = '{name}'")

        class Backend:
            def delete(self, conn: sqlite3.Connection, table):
                return conn.execute(f"DELETE FROM t WHERE name = '{table}'")
    """)
    assert [(line, sev) for line, sev, _ in found] == [(8, "error"), (12, "note")]


def test_call_following_project_names_the_calls_that_bring_the_input(monkeypatch):  # type: ignore[no-untyped-def]
    """fixtures/BR101/call_following: helpers whose every caller passes the repository's own
    definitions or configuration are silent; one called from a route (or with request data
    by one caller of several) names the calls up to the input; a public function with no
    caller (the package's interface) keeps its finding; texts reassigned in a branch are
    found."""
    from pathlib import Path

    from backendreview.engine import run

    project = Path(__file__).resolve().parents[1] / "fixtures" / "BR101" / "call_following"
    monkeypatch.chdir(project)
    findings = run([Path(".")], Config(root=project, select=("BR101",), cache=False),
                   jobs=1).findings
    assert sorted((f.path, f.span.start_line, f.severity.value) for f in findings) == [
        ("feat/api.py", 8, "error"), ("feat/api.py", 19, "note"),
        ("feat/stores.py", 27, "error"),
        ("feat/stores.py", 39, "error"), ("feat/stores.py", 45, "error"),
        ("feat/stores.py", 50, "error")]
    by_line = {(f.path, f.span.start_line): f for f in findings}
    # the interface's table name: the caller's SQL by design, nothing shows a request's
    assert by_line[("feat/api.py", 19)].message.endswith(
        "(note: `table` fills a name or fragment position (a table, a column, a clause), "
        "which a placeholder cannot carry and callers choose by design, and `count_table` is "
        "a public function nothing in the project calls (the package's interface); nothing "
        "shows a request chooses it)")
    rows = by_line[("feat/stores.py", 27)]
    assert rows.message.endswith("(`owner` comes from outside: `rows_view` (views.py:10) "
                                 "passes request data to `_rows_for`)")
    assert ("feat/views.py", 10, "rows_view passes request data on") in [
        (r.path, r.span.start_line, r.message) for r in rows.related]
    drop = by_line[("feat/stores.py", 39)]
    assert "(`table` comes from outside: `drop_table` (views.py:15) passes it to `_drop`; " \
        "`drop_table` (views.py:14) is an entry point" in drop.message
    assert [(r.path, r.span.start_line) for r in drop.related][-2:] == [
        ("feat/views.py", 15), ("feat/views.py", 14)]
