"""BR101 on a helper that only modules' own top-level code calls (an admin script reading its
configuration file at module level, a `__main__` block): no request exists when that code
runs, so the values it passes are the module's own and the finding goes; a route that
passes request data to the same helper keeps it."""

from __future__ import annotations

import pytest

from .projects import project_findings

_ADMIN = """
    import sqlite3

    def setup_db(dsn, table):
        conn = sqlite3.connect(dsn)
        conn.execute("select * from sqlite_master where tbl_name = '%s'" % table)
"""
_SCRIPT = """
    import configparser
    import sys
    from app import admin

    CP = configparser.ConfigParser()
    CP.read(sys.argv[1])
    admin.setup_db(CP.get("db", "dsn"), CP.get("db", "table"))
"""


def _lines(findings) -> list[tuple[str, int, str]]:  # type: ignore[no-untyped-def]
    return sorted((f.path, f.span.start_line, f.severity.value) for f in findings
                  if f.rule_id == "BR101")


def test_called_only_by_a_scripts_top_level_code_is_not_reported(
        tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = project_findings(tmp_path, {"app/__init__.py": "", "app/admin.py": _ADMIN,
                                        "scripts/app-admin.py": _SCRIPT}, "BR101", monkeypatch)
    assert _lines(found) == []


def test_without_the_script_the_public_helper_is_the_packages_interface(
        tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = project_findings(tmp_path, {"app/__init__.py": "", "app/admin.py": _ADMIN},
                             "BR101", monkeypatch)
    assert _lines(found) == [("app/admin.py", 6, "error")]


def test_a_route_passing_request_data_to_the_same_helper_keeps_it(
        tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    views = """
        from flask import Flask, request
        from app import admin

        app = Flask(__name__)

        @app.route("/setup")
        def setup():
            admin.setup_db("app.db", request.args["table"])
            return "ok"
    """
    found = project_findings(tmp_path, {"app/__init__.py": "", "app/admin.py": _ADMIN,
                                        "app/views.py": views,
                                        "scripts/app-admin.py": _SCRIPT}, "BR101", monkeypatch)
    assert _lines(found) == [("app/admin.py", 6, "error")]
    message = next(f.message for f in found if f.rule_id == "BR101")
    assert "`table` comes from outside: `setup` (views.py:9) passes request data to `setup_db`" in (
        message)


def test_a_top_level_call_of_another_function_of_the_same_name_does_not_count(
        tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = """
        from app import other
        other.setup_db("app.db", "records")
    """
    found = project_findings(tmp_path, {"app/__init__.py": "", "app/admin.py": _ADMIN,
                                        "app/other.py": "def setup_db(dsn, table):\n    pass\n",
                                        "scripts/run.py": script}, "BR101", monkeypatch)
    assert _lines(found) == [("app/admin.py", 6, "error")]


def test_a_main_block_calling_main_with_the_command_line(
        tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    tool = """
        import sqlite3
        import sys

        def purge(dsn, source):
            conn = sqlite3.connect(dsn)
            conn.execute("delete from log where source = '%s'" % source)

        def main(argv):
            purge(argv[1], argv[2])

        if __name__ == "__main__":
            main(sys.argv)
    """
    found = project_findings(tmp_path, {"app/__init__.py": "", "app/tool.py": tool},
                             "BR101", monkeypatch)
    assert _lines(found) == []


def test_a_streamlit_page_calling_the_helper_with_a_widgets_value_keeps_it(
        tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Streamlit runs a page's top-level code again for every interaction, with what the
    visitor typed in the widget: no start-up code, so the public helper stays the finding it
    was without the page; an admin script beside it changes nothing."""
    page = """
        import streamlit as st
        from app import admin

        table = st.text_input("Table")
        admin.setup_db("app.db", table)
    """
    found = project_findings(tmp_path, {"app/__init__.py": "", "app/admin.py": _ADMIN,
                                        "app/page.py": page}, "BR101", monkeypatch)
    assert _lines(found) == [("app/admin.py", 6, "error")]
    alias = page.replace("import streamlit as st", "from streamlit import text_input").replace(
        "st.text_input", "text_input")
    found = project_findings(tmp_path, {"app/__init__.py": "", "app/admin.py": _ADMIN,
                                        "app/page.py": alias}, "BR101", monkeypatch)
    assert _lines(found) == [("app/admin.py", 6, "error")]
