"""BR101's level (checks/br101_levels.py): a warning only on positive evidence that an
outsider chooses the SQL text (a value position, or request data / a route handler's input
in any position); names and fragments from an interface's parameters or handed through
`*args`, and code that runs outside any request (scripts, commands, migrations, start-up),
go out as notes that say why; names and fragments from a task's or a callback's parameters
alone, not at all (never true on the tuning half)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.projects import one_file_findings, project_findings

_DB = """
    def run_sql(conn, sql):
        cursor = conn.cursor()
        cursor.execute(sql)
        return cursor.fetchall()
    """

_STORE = """
    from app.db import run_sql


    def _by_owner(conn, owner):
        return run_sql(conn, f"SELECT * FROM rows WHERE owner = '{owner}'")


    def _count(conn, table):
        return run_sql(conn, f"SELECT COUNT(*) FROM {table}")


    def _purge(conn, table):
        return run_sql(conn, f"DELETE FROM {table}")


    def _mark(conn, name):
        return run_sql(conn, f"UPDATE jobs SET done = 1 WHERE name = '{name}'")


    def _vacuum(conn, *tables):
        return run_sql(conn, f"VACUUM {tables[0]}")


    def _analyze(conn, table):
        return run_sql(conn, f"ANALYZE {table}")
    """

_VIEWS = """
    from flask import Flask, request

    from app.store import _by_owner, _count

    app = Flask(__name__)
    conn = None


    @app.route("/rows")
    def rows():
        return _by_owner(conn, request.args["owner"])


    @app.route("/count/<table>")
    def count(table):
        return _count(conn, table)
    """

_TASKS = """
    from celery import shared_task

    from app.store import _analyze, _mark, _purge, _vacuum

    conn = None


    @shared_task
    def purge(table, name, names):
        _purge(conn, table)
        _mark(conn, name)
        _vacuum(conn, *names)


    def nightly(options):
        _analyze(conn, *options)
    """


def _levels(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str]
            ) -> dict[tuple[str, int], tuple[str, str]]:
    findings = project_findings(tmp_path, files, "BR101", monkeypatch)
    return {(f.path, f.span.start_line): (f.severity.value, f.message) for f in findings}


def test_route_input_warns_in_any_position_a_task_only_where_a_value_goes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = _levels(tmp_path, monkeypatch, {
        "app/__init__.py": "", "app/db.py": _DB, "app/store.py": _STORE,
        "app/views.py": _VIEWS, "app/tasks.py": _TASKS})
    # a value position filled from the query string: a warning
    level, message = found[("app/store.py", 6)]
    assert level == "error" and "`rows` (views.py:" in message and "(note:" not in message
    # a table name from a route's path parameter: request input in a name position
    level, message = found[("app/store.py", 10)]
    assert level == "error" and "`count` (views.py:" in message and "(note:" not in message
    # a table name only a background task passes: the task's argument, no request in
    # sight, and SQL whose names its callers write by design: no finding
    assert ("app/store.py", 14) not in found
    # the same task's argument inside a quoted literal: a value position, a warning
    level, message = found[("app/store.py", 18)]
    assert level == "error" and "(note:" not in message
    # a name handed through `*names`: what reaches it is hidden, a note that says so
    level, message = found[("app/store.py", 22)]
    assert level == "note" and "handed through `*args` / `**kwargs` by `purge`" in message
    # `_analyze`: called only by a plain function with `*options`, which has no caller:
    # its values are hidden too
    assert found[("app/store.py", 26)][0] == "note"
    assert len(found) == 5


def test_script_command_and_migration_code_goes_out_as_notes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The path policy BR102 and BR501 share: a value-position finding (a warning in a
    module that serves requests) is a note in a script, a command or a migration."""
    helper = """
        def refresh(conn, name):
            cursor = conn.cursor()
            cursor.execute(f"UPDATE stats SET seen = 1 WHERE name = '{name}'")
        """
    names = """
        def export(conn, table):
            cursor = conn.cursor()
            cursor.execute(f"SELECT * FROM {table}")
        """
    found = _levels(tmp_path, monkeypatch, {
        "app/__init__.py": "", "app/lib.py": helper, "app/scripts/refresh.py": helper,
        "app/management/commands/refresh.py": helper,
        "app/migrations/0002_refresh.py": helper, "app/scripts/export.py": names})
    # the interface's table name in a script: one note, the place's reason
    level, message = found[("app/scripts/export.py", 4)]
    assert level == "note" and message.count("(note: ") == 1 and message.endswith(
        "(note: it runs in a command-line or build script, not while serving a request)")
    del found[("app/scripts/export.py", 4)]
    assert found[("app/lib.py", 4)][0] == "error"
    assert found[("app/scripts/refresh.py", 4)] == (
        "note", found[("app/lib.py", 4)][1] + " (note: it runs in a command-line or build "
        "script, not while serving a request)")
    assert found[("app/management/commands/refresh.py", 4)][1].endswith(
        "(note: it runs in a management command, not while serving a request)")
    assert found[("app/migrations/0002_refresh.py", 4)][1].endswith(
        "(note: it runs in a migration, not while serving a request)")
    assert {level for level, _ in found.values()} == {"error", "note"}
    assert len(found) == 4


def test_a_script_helper_a_route_calls_names_the_calls_then_says_why_it_is_a_note(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The path policy wins, as in BR102; the message names the calls that bring the input
    first and ends with the note's reason."""
    found = _levels(tmp_path, monkeypatch, {
        "app/__init__.py": "",
        "app/tools/lookup.py": """
            def _lookup(conn, name):
                cursor = conn.cursor()
                return cursor.execute(f"SELECT id FROM users WHERE name = '{name}'")
            """,
        "app/views.py": """
            from flask import Flask, request

            from app.tools.lookup import _lookup

            app = Flask(__name__)


            @app.route("/users")
            def users():
                return _lookup(None, request.args["name"])
            """})
    level, message = found[("app/tools/lookup.py", 4)]
    assert level == "note"
    assert message.endswith("passes request data to `_lookup`) (note: it runs in a "
                            "command-line or build script, not while serving a request)")
    assert len(found) == 1


def test_an_entry_point_in_one_file_warns_only_as_a_route_or_where_a_value_goes() -> None:
    """Decided in the file: the function is an entry point (its parameters come from
    outside). A route (or a view taking the request) is positive evidence in any position;
    a signal receiver's or a hook's parameter only where a value goes (where a name goes it
    is SQL its callers write: no finding)."""
    found = one_file_findings("""
        import sqlite3
        from django.dispatch import receiver
        from flask import Flask

        app = Flask(__name__)
        conn = sqlite3.connect("x.db")


        @app.route("/tables/<table>")
        def drop(table):
            conn.execute(f"DROP TABLE {table}")


        def view(request, column):
            return conn.execute(f"SELECT {column} FROM users")


        @receiver(object())
        def on_save(sender, table, **kwargs):
            conn.execute(f"ANALYZE {table}")


        @receiver(object())
        def on_delete(sender, name, **kwargs):
            conn.execute(f"DELETE FROM t WHERE name = '{name}'")
        """, ("BR101",))
    levels = {line: (level, message) for line, level, message in found}
    assert levels[12][0] == "error" and levels[16][0] == "error"
    assert 21 not in levels
    assert levels[26][0] == "error"
    assert len(levels) == 3


def test_request_data_read_in_the_function_warns_in_a_name_position() -> None:
    found = one_file_findings("""
        import sqlite3
        from flask import request

        conn = sqlite3.connect("x.db")


        def export():
            table = request.args["table"]
            return conn.execute(f"SELECT * FROM {table}")


        def export_sorted(order):
            return conn.execute(f"SELECT * FROM t ORDER BY {order}")
        """, ("BR101",))
    assert [(line, level) for line, level, _ in found] == [(10, "error"), (14, "note")]
    assert "`export_sorted` is a public function nothing in the project calls" in found[1][2]



def test_a_parameter_only_handed_to_a_call_in_a_value_position_is_no_value(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A value position counts the parameters whose text reaches it (as they are, through
    locals, `str()`, string methods, or a project function that returns its argument), not
    one only handed to a call that returns something else (a placeholder, a count): that
    is no evidence the parameter fills a value position, so the interface's names stay a
    note. Nor are a qualifier (`= {right}.id`) and the whole of an `IN (...)` list value
    positions."""
    found = _levels(tmp_path, monkeypatch, {
        "app/__init__.py": "",
        "app/sql.py": """
            def placeholder(name):
                return "%s"


            def clamp(limit):
                return min(int(limit), 100)


            def echo(text):
                return text
            """,
        "app/store.py": """
            from app.sql import clamp, echo, placeholder


            def find(conn, table, column, value):
                ph = placeholder(column)
                return conn.execute(f"SELECT * FROM {table} WHERE {column} = {ph}", (value,))


            def update(conn, table, column, value):
                return conn.execute(
                    f"UPDATE {table} SET {column} = {placeholder(column)}", (value,))


            def page(conn, table, limit):
                return conn.execute(f"SELECT * FROM {table} LIMIT {clamp(limit)}")


            def join(conn, left, right):
                return conn.execute(f"SELECT * FROM {left} JOIN {right} ON {left}.r = {right}.id")


            def count_in(conn, table, subquery):
                return conn.execute(f"SELECT COUNT(*) FROM {table} WHERE id IN ({subquery})")


            def by_name(conn, table, name):
                return conn.execute(f"SELECT * FROM {table} WHERE name = '{str(name)}'")


            def by_key(conn, table, key):
                clean = key.strip()
                return conn.execute(f"SELECT * FROM {table} WHERE k = '{clean}'")


            def by_words(conn, table, words):
                return conn.execute(
                    f"SELECT * FROM {table} WHERE t LIKE '%{' '.join(words)}%'")


            def by_id(conn, table, ident):
                return conn.execute(f"SELECT * FROM {table} WHERE id = {ident}")


            def by_echo(conn, table, name):
                return conn.execute(f"SELECT * FROM {table} WHERE n = {echo(name)}")


            def by_pair(conn, table, a, b):
                return conn.execute(f"SELECT * FROM {table} WHERE id IN ({a}, {b})")
            """})
    levels = {line: level for (path, line), (level, _) in found.items()}
    # only handed to a call that returns a placeholder or a number, a qualifier, an IN list:
    # the names decide, a note
    assert levels[7] == levels[11] == levels[16] == levels[20] == levels[24] == "note"
    assert found[("app/store.py", 7)][1].endswith(
        "(note: `column`, `table` fill a name or fragment position (a table, a column, a "
        "clause), which a placeholder cannot carry and callers choose by design, and `find` "
        "is a public function nothing in the project calls (the package's interface); "
        "nothing shows a request chooses it)")
    # the parameter's own text where a value goes, also through `echo`: a warning
    assert {levels[line] for line in (28, 33, 37, 42, 46, 50)} == {"error"}
    assert len(found) == 11


def test_a_name_spliced_where_a_name_goes_is_a_name_after_a_comparison_too(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`SET {counter} = {counter} + 1`: the statement itself splices `counter` where a
    column goes, so after `=` it is that column again, not a value: the interface's names,
    a note. So is another bare part a SET assigns to a spliced column (`SET {counter} =
    {start}`, `SET {column} = {copy_from}`): SQL the caller writes, a source column or an
    expression, since a text value would be quoted. The same one in quotes, a WHERE's
    `{column} = {value}` and a SET of a column the text names stay values."""
    found = _levels(tmp_path, monkeypatch, {
        "app/__init__.py": "",
        "app/store.py": """
            def bump(conn, table, counter):
                return conn.execute(f"UPDATE {table} SET {counter} = {counter} + 1")


            def reset(conn, table, counter, start):
                return conn.execute(f"UPDATE {table} SET {counter} = {start}")


            def label(conn, table, name):
                return conn.execute(f"UPDATE {table} SET {name} = '{name}'")


            def copy_column(conn, table, column, copy_from):
                return conn.execute(f"UPDATE {table} SET {column} = {copy_from}")


            def find(conn, table, column, value):
                return conn.execute(f"SELECT * FROM {table} WHERE {column} = {value}")


            def set_done(conn, table, done):
                return conn.execute(f"UPDATE {table} SET done = {done}")


            def copy_where(conn, table, column, source, key):
                return conn.execute(
                    f"UPDATE {table} SET {column} = {source} WHERE {column} = {key}")
            """})
    levels = {line: level for (_, line), (level, _) in found.items()}
    assert levels == {3: "note", 7: "note", 11: "error", 15: "note", 19: "error",
                      23: "error", 27: "error"}
    assert found[("app/store.py", 15)][1].endswith(
        "(note: `column`, `copy_from`, `table` fill a name or fragment position (a table, a "
        "column, a clause), which a placeholder cannot carry and callers choose by design, "
        "and `copy_column` is a public function nothing in the project calls (the package's "
        "interface); nothing shows a request chooses it)")


def test_a_set_pair_is_sql_text_only_where_it_opens_an_item_of_the_set_list(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`SET a = 1, {column} = {copy_from}` assigns a spliced column: SQL the caller writes, a
    note. A `{column} = {value}` after `SET` that compares (`CASE WHEN`, a `JOIN ... ON`) is a
    value position, as in a WHERE: an error."""
    found = _levels(tmp_path, monkeypatch, {
        "app/__init__.py": "",
        "app/store.py": """
            def copy_second(conn, table, column, copy_from):
                return conn.execute(f"UPDATE {table} SET done = 1, {column} = {copy_from}")


            def mark(conn, table, column, value):
                return conn.execute(
                    f"UPDATE {table} SET s = CASE WHEN {column} = {value} THEN 1 END")


            def mark_joined(conn, table, column, value):
                return conn.execute(
                    f"UPDATE {table} SET s = 1 FROM u JOIN v ON {column} = {value}")
            """})
    levels = {line: level for (_, line), (level, _) in found.items()}
    assert levels == {3: "note", 7: "error", 12: "error"}


def test_text_handed_to_a_helper_and_sql_a_builder_returns_count_only_own_text(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The two cross-call paths read a value position as the direct path does: text built
    here and run by a project helper (`run_sql(conn, f"... = {placeholder(column)}")`), and
    SQL a project builder returns (`execute(build(column.strip()))`), count a parameter as
    filling a value position only with its own text (or through a function that returns
    it, `echo`), not when it is only handed to a call that returns a placeholder: the
    interface's names, a note. Quoted text and `echo(name)` stay errors."""
    found = _levels(tmp_path, monkeypatch, {
        "app/__init__.py": "",
        "app/sql.py": """
            def placeholder(name):
                return "%s"


            def echo(text):
                return text
            """,
        "app/db.py": """
            def run_sql(conn, sql):
                cursor = conn.cursor()
                cursor.execute(sql)
                return cursor.fetchall()
            """,
        "app/store.py": """
            from app.db import run_sql
            from app.sql import echo, placeholder


            def find(conn, table, column):
                return run_sql(conn,
                               f"SELECT * FROM {table} WHERE {column} = {placeholder(column)}")


            def find_named(conn, table, name):
                return run_sql(conn, f"SELECT * FROM {table} WHERE name = '{name}'")


            def find_echo(conn, table, name):
                return run_sql(conn, f"SELECT * FROM {table} WHERE name = {echo(name)}")


            def build(column):
                return f"SELECT * FROM t WHERE {column} = {placeholder(column)}"


            def build_named(name):
                return f"SELECT * FROM t WHERE name = '{name}'"


            def fetch(conn, column):
                return conn.execute(build(column.strip()))


            def fetch_named(conn, name):
                return conn.execute(build_named(name.strip()))
            """})
    levels = {line: level for (path, line), (level, _) in found.items() if path == "app/store.py"}
    assert levels == {7: "note", 12: "error", 16: "error", 28: "note", 32: "error"}
    assert found[("app/store.py", 7)][1].endswith(
        "(note: `column`, `table` fill a name or fragment position (a table, a column, a "
        "clause), which a placeholder cannot carry and callers choose by design, and `find` "
        "is a public function nothing in the project calls (the package's interface); "
        "nothing shows a request chooses it)")
    assert found[("app/store.py", 28)][1].startswith(
        "SQL passed to `conn.execute()` is built from `column.strip()` in another function")


def test_a_nested_function_is_no_interface_of_the_package(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A function defined inside another (vanna's `run_sql_snowflake` in
    `connect_to_snowflake`, cognee's `work` closures handed to a retry helper) is called by
    the code around it, not by the package's users: no public interface. Its values are
    hidden (handed on as a callback): the names it splices are no finding, a value inside
    quotes a note that says the calls are out of sight."""
    found = _levels(tmp_path, monkeypatch, {
        "app/__init__.py": "",
        "app/store.py": """
            def connect(conn, role, retry):
                def run(sql, name):
                    conn.execute(f"USE ROLE {role}")
                    return conn.execute(f"SELECT * FROM t WHERE name = '{name}'")
                return retry(run)


            def use_role(conn, role):
                return conn.execute(f"USE ROLE {role}")
            """})
    levels = {line: level for (_, line), (level, _) in found.items()}
    assert levels == {5: "note", 10: "note"}
    assert found[("app/store.py", 5)][1].endswith(
        "(note: no call in the project shows what reaches `name` of `connect.run` (it is "
        "reached through a dispatch or an object the code does not type))")
    # the module-level function nothing calls is the package's interface: a note that says so
    assert "`use_role` is a public function nothing in the project calls" in found[
        ("app/store.py", 10)][1]


def test_a_task_name_does_not_hide_a_value_from_the_interface(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`table` only a background task fills (a name: no finding on its own) must not hide
    `val`, a value inside quotes that `lookup`, the package's interface, passes: that value
    is a finding at the rule's severity whoever passes the table name (review of note101:
    the task branch returned before the interface was looked at)."""
    found = _levels(tmp_path, monkeypatch, {
        "app/__init__.py": "",
        "app/store.py": """
            import sqlite3
            from celery import shared_task

            conn = sqlite3.connect("x.db")


            def _run(table, val):
                return conn.execute(f"SELECT * FROM {table} WHERE v = '{val}'")


            @shared_task
            def purge(table):
                return _run(table, "x")


            def lookup(val):
                return _run("t", val)
            """})
    assert list(found) == [("app/store.py", 9)]
    level, message = found[("app/store.py", 9)]
    assert level == "error" and "(note:" not in message
