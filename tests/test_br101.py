"""BR101 messages and fixes, named exactly: what the finding says about the code in front of
it, and the rewritten call it proposes."""

from __future__ import annotations

import ast
import textwrap

import pytest

from backendreview.config import Config
from backendreview.engine import finish, review_source
from backendreview.fixes.apply import fix_text
from backendreview.metadata import load_rule_docs


def _findings(code: str):  # type: ignore[no-untyped-def]
    code = textwrap.dedent(code)
    # The project phase too: a part built from parameters is decided there (its callers).
    rules = ("BR000", "BR101")
    result = review_source(code.encode(), "case.py", Config(), rules)
    return code, finish([result], Config(), rules, load_rule_docs()).findings


def _one(code: str):  # type: ignore[no-untyped-def]
    code, findings = _findings(code)
    assert len(findings) == 1, [f.message for f in findings]
    return code, findings[0]


def _apply(code: str, finding) -> str:  # type: ignore[no-untyped-def]
    outcome = fix_text(code, [finding])
    assert outcome.applied == [finding], outcome.dropped
    return outcome.text


# Each function takes the request: a view, whose parameters come from outside (a parameter
# of a function no call in the project reaches is weaker evidence: a note, tested below).
CASES = [
    # (code, message, suggestion, exact: True (a safe edit) / "unsafe" (an unsafe one) / False)
    (
        """
        import sqlite3
        def f(request, conn: sqlite3.Connection, user_id, status):
            conn.execute("SELECT * FROM orders WHERE user_id = %s AND status = '%s'" % (user_id, status))
        """,
        "SQL passed to `conn.execute()` is built with % formatting from `user_id`, `status`; "
        "pass the values as bound parameters",
        'conn.execute("SELECT * FROM orders WHERE user_id = ? AND status = ?", (user_id, status))',
        True,
    ),
    (
        """
        import asyncpg
        async def f(request, name):
            conn = await asyncpg.connect("postgres://")
            return await conn.fetch("SELECT * FROM users WHERE name = '{}'".format(name))
        """,
        "SQL passed to `conn.fetch()` is built with .format() from `name`; pass the values as "
        "bound parameters",
        'conn.fetch("SELECT * FROM users WHERE name = $1", name)',
        True,
    ),
    (
        """
        from sqlalchemy import text as sa_text
        def f(request, session, email):
            return session.execute(sa_text(f"SELECT * FROM users WHERE email = '{email}'"))
        """,
        "SQL passed to `sa_text()` is built with an f-string from `email`; pass the values as "
        "bound parameters",
        'sa_text("SELECT * FROM users WHERE email = :email").bindparams(email=email)',
        True,
    ),
    (
        """
        from django.db import connection
        def f(request):
            with connection.cursor() as cursor:
                cursor.execute("SELECT * FROM t WHERE title LIKE '%%%s%%'" % request.GET["q"])
        """,
        "SQL passed to `cursor.execute()` is built with % formatting from `request.GET[\"q\"]`; "
        "pass the values as bound parameters",
        "cursor.execute(\"SELECT * FROM t WHERE title LIKE %s\", (f'%{request.GET[\"q\"]}%',))",
        True,
    ),
    (
        """
        import psycopg2
        def f(request, ids, name):
            conn = psycopg2.connect("")
            cur = conn.cursor()
            sql = "UPDATE users SET name = '" + name + "'"
            sql += " WHERE id = " + str(ids[0])
            cur.execute(sql)
        """,
        "SQL passed to `cur.execute()` is built with concatenation from `name`, `str(ids[0])` "
        "(built on lines 6, 7); pass the values as bound parameters",
        'cur.execute("UPDATE users SET name = %s WHERE id = %s", (name, str(ids[0])))',
        "unsafe",  # built across statements: exact, but the variable may serve elsewhere
    ),
    (
        # asyncpg's fetchrow on an untyped wrapper: `$1`, the value as a further argument.
        """
        async def f(request, db, tgid):
            return await db.fetchrow(f"SELECT * FROM message WHERE tgid = {tgid}")
        """,
        "SQL passed to `db.fetchrow()` is built with an f-string from `tgid`; pass the values "
        "as bound parameters",
        'db.fetchrow("SELECT * FROM message WHERE tgid = $1", tgid)',
        False,
    ),
    (
        """
        import sqlite3
        def f(request, conn: sqlite3.Connection, column):
            return conn.execute(f"SELECT {column} FROM users")
        """,
        "SQL passed to `conn.execute()` is built with an f-string from `column`; a bound "
        "parameter cannot carry this part, so check it against an allowlist or quote it as an "
        "identifier",
        None,
        False,
    ),
]


@pytest.mark.parametrize(("code", "message", "suggestion", "exact"), CASES)
def test_message_and_fix(code, message, suggestion, exact):
    source, finding = _one(code)
    assert finding.rule_id == "BR101"
    assert finding.message == message
    assert finding.fix is not None
    assert finding.fix.suggestion == suggestion
    assert bool(finding.fix.edits) is bool(exact)
    assert finding.fix.safe is (exact != "unsafe")
    if suggestion is None:
        assert "allowlist" in finding.fix.description
    if exact:
        fixed = _apply(source, finding)
        ast.parse(fixed)
        _, again = _findings(fixed)
        assert again == [], "the fixed code must not be flagged again"


def test_related_location_names_the_build_line():
    _, finding = _one("""
        import sqlite3
        def f(request, conn: sqlite3.Connection, q):
            sql = "SELECT * FROM items"
            sql += f" WHERE name = '{q}'"
            return conn.execute(sql)
    """)
    assert finding.span.start_line == 6
    assert [r.span.start_line for r in finding.related] == [5]
    assert finding.message.endswith("(built on line 5); pass the values as bound parameters")


def test_multiline_call_is_reported_at_the_call_start():
    _, finding = _one('''
        import sqlite3
        def f(conn: sqlite3.Connection, q):
            return conn.execute(
                f"""
                SELECT *
                FROM items
                WHERE name = '{q}'
                """
            )
    ''')
    assert (finding.span.start_line, finding.span.end_line) == (4, 10)
    assert "\n" in finding.fix.suggestion and finding.fix.edits == ()


def test_reassignment_in_branches_is_followed():
    _, finding = _one("""
        import sqlite3
        def f(conn: sqlite3.Connection, sort):
            if sort == "price":
                query = "SELECT * FROM listings ORDER BY price"
            else:
                query = "SELECT * FROM listings ORDER BY " + sort
            return conn.execute(query)

        def listings(request):
            return f(request.db, request.args["sort"])
    """)
    assert "`sort`" in finding.message and "(built on line 7)" in finding.message


@pytest.mark.parametrize("code", [
    # parameters are unknown values, not a build: nothing to say at this sink
    "import sqlite3\ndef f(c: sqlite3.Connection, sql):\n    c.execute(sql)\n",
    # a module constant template with placeholders
    "import sqlite3\nQ = 'SELECT * FROM t WHERE a = ?'\ndef f(c: sqlite3.Connection, a):\n    c.execute(Q, (a,))\n",
    # numbers cannot inject
    "import sqlite3\ndef f(c: sqlite3.Connection, n):\n    c.execute('SELECT * FROM t LIMIT %d' % n)\n",
    "import sqlite3\ndef f(c: sqlite3.Connection, n):\n    c.execute(f'SELECT * FROM t LIMIT {int(n)}')\n",
    # an allowlist lookup yields a constant
    "import sqlite3\nCOLS = {'a': 'name', 'b': 'email'}\ndef f(c: sqlite3.Connection, k):\n    c.execute(f'SELECT * FROM t ORDER BY {COLS[k]}')\n",
    # not SQL, unresolved receiver
    "def f(runner, path):\n    runner.execute(f'ls -la {path}')\n",
    # SQL-looking text but not a sink
    "import logging\ndef f(t):\n    logging.info(f'SELECT * FROM {t}')\n",
])
def test_negatives(code):
    _, findings = _findings(code)
    assert findings == []


def test_no_exact_edit_when_the_call_holds_a_comment():
    _, finding = _one("""
        import sqlite3
        def f(conn: sqlite3.Connection, pid):
            conn.execute(
                "SELECT pg_terminate_backend(pid) "  # noqa: S608
                f"FROM pg_stat_activity WHERE pid='{pid}'"
            )
    """)
    assert finding.fix.suggestion == (
        'conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid=?", (pid,))')
    assert finding.fix.edits == ()


def test_form_feed_does_not_shift_lines():
    _, finding = _one("""
        import sqlite3
        \x0c
        def f(conn: sqlite3.Connection, q):
            conn.execute(f"SELECT * FROM t WHERE a = '{q}'")
    """)
    assert finding.span.start_line == 5
    assert finding.message.startswith("SQL passed to `conn.execute()` is built with an f-string from `q`")
    assert finding.fix.suggestion == 'conn.execute("SELECT * FROM t WHERE a = ?", (q,))'


UNKNOWN_ORIGIN = """
import os
import sqlite3

class Store:
    def __init__(self):
        self.schema = os.environ["SCHEMA"]

    def purge(self, conn: sqlite3.Connection):
        conn.execute(f"DELETE FROM {self.schema}.events")
"""


def test_unknown_origins_are_silent_by_default_and_notes_with_the_option():
    rules = ("BR101",)
    result = review_source(UNKNOWN_ORIGIN.encode(), "store.py", Config(), rules)
    assert finish([result], Config(), rules, load_rule_docs()).findings == []
    config = Config(rule_options=(("BR101", (("unknown-origins", True),)),))
    result = review_source(UNKNOWN_ORIGIN.encode(), "store.py", config, rules)
    (finding,) = finish([result], config, rules, load_rule_docs()).findings
    assert (finding.span.start_line, finding.severity.value) == (10, "note")
    assert finding.message.endswith(
        "(note: it comes from the object's own state, not from this function's parameters "
        "or a request)")


def test_a_part_quoted_by_a_project_helper_stays_in_the_text_of_the_fix():
    """Binding `literal_string(name)` would compare with the quotes included and match
    nothing: the fix binds only the unquoted value."""
    _, finding = _one("""
        import sqlalchemy as sa

        def literal_string(s):
            return "'" + s.replace("'", "''") + "'"

        def find(conn, name, owner):
            return conn.execute(sa.text(
                f"SELECT id FROM t WHERE name = {literal_string(name)} AND owner = {owner}"))
        """)
    assert finding.rule_id == "BR101"
    assert finding.span.start_line == 8
    assert "`owner`" in finding.message and "literal_string" not in finding.message
    assert finding.fix.suggestion == (
        'sa.text(f"SELECT id FROM t WHERE name = {literal_string(name)} '
        'AND owner = :owner").bindparams(owner=owner)')


def test_a_wrapper_call_gets_one_finding_not_a_direct_and_a_through_call_copy():
    _, findings = _findings("""
        class Backend:
            def __init__(self, conn):
                self.conn = conn

            def execute(self, sql):
                return self.conn.execute(sql)

            def drop(self, table):
                return self.execute('DROP TABLE IF EXISTS "{0}"'.format(table))

        def drop_view(request):
            return Backend(request.db).drop(request.args["table"])
        """)
    assert [(f.rule_id, f.span.start_line) for f in findings] == [("BR101", 10)]
    assert "`table`" in findings[0].message


def test_text_run_by_a_helper_that_appends_a_limit_is_found_through_the_helper():
    """`_fetchall` extends its `query` parameter with `+=` before running it, and the caller
    rebuilds `select` from itself, another caller formats with `.format()`: one finding per
    caller, naming the helper."""
    _, findings = _findings("""
        class Backend:
            def _fetchall(self, query, vars, limit=None):
                if limit is not None:
                    query += f" LIMIT {limit}"
                cursor = self.get_db().cursor()
                cursor.execute(query, vars)
                return cursor.fetchall()

            def get_alerts(self, query, raw=False):
                select = "*" if raw else "id, resource"
                select = f"SELECT {select} FROM alerts WHERE {query.where}"
                return self._fetchall(select, query.vars)

            def get_counts(self, query, group):
                select = "SELECT {group}, COUNT(*) FROM alerts WHERE {where}".format(
                    where=query.where, group=group)
                return self._fetchall(select, query.vars)

            def get_fixed(self):
                return self._fetchall("SELECT id FROM alerts", {})

        def alerts_view(request):
            backend = Backend()
            query = parse(request.args)
            return backend.get_alerts(query), backend.get_counts(query, request.args["by"])
        """)
    got = sorted((f.rule_id, f.span.start_line, f.severity.value) for f in findings)
    # the view passes request data to both: positive evidence, the rule's own severity
    assert got == [("BR101", 13, "error"), ("BR101", 18, "error")]
    by_line = {f.span.start_line: f.message for f in findings}
    assert "`query.where`" in by_line[13] and "`Backend._fetchall`" in by_line[13]
    # a clause cannot be bound: the advice is an allowlist where it is made
    assert ("a bound parameter cannot carry a clause: build it where it is made from an "
            "allowlist of column names, with the values as placeholders (`query` comes from "
            "outside: `alerts_view` (case.py:26) passes request data to `Backend.get_alerts`)"
            ) in by_line[13]
    assert "`group`" in by_line[18] and "run as SQL" in by_line[18]
    # a column name and a clause, no value: placeholders are no fix, quoting or an allowlist is
    assert ("; a bound parameter cannot carry a table or column name: quote it with the "
            "driver's identifier quoting or take it from an allowlist of known names"
            ) in by_line[18]
    # the chain starts at the calling method, then names the helper that runs the text
    assert "`Backend.get_counts` (case.py:18) calls `Backend._fetchall`" in by_line[18]
    # alerta: these findings carried no fix at all. The clause's fix is said in words, where
    # it is made (its values may be bound already: the names are what a placeholder cannot
    # carry); the other holds a column name and a clause, no value: quoting or an allowlist.
    fixes = {f.span.start_line: f.fix for f in findings}
    assert fixes[13] is not None and fixes[13].suggestion is None
    assert fixes[13].description.startswith(
        "The SQL fragments (`query.where`) are made elsewhere: where they are built, take "
        "every column, attribute and sort name from an allowlist of known names")
    assert fixes[18] is not None and fixes[18].description.startswith(
        "The parts (`group`, `query.where`) are names (a table, a column), which a bound "
        "parameter cannot carry: quote each with the driver's identifier quoting")


def test_text_built_inside_a_multi_line_call_is_not_built_on_another_line():
    """marimo redshift.py:381 said "built on line 382" for the f-string on the line after
    `cursor.execute(`: the call's own argument, not another place."""
    _, finding = _one("""
        import sqlite3
        from flask import request
        def show(conn: sqlite3.Connection):
            name = request.args["name"]
            return conn.execute(
                f"SELECT * FROM t WHERE name = '{name}'"
            )
    """)
    assert finding.rule_id == "BR101" and finding.span.start_line == 6
    assert "built on line" not in finding.message
    assert finding.message.startswith("SQL passed to `conn.execute()` is built with an "
                                      "f-string from `name`")
