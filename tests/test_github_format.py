"""--format github: workflow-command annotations with @actions/core's escaping."""

from __future__ import annotations

from backendreview.cli import main
from backendreview.model import Finding, Fix, Severity, Span
from backendreview.reporters.github import annotation, escape_data, escape_property

BAD = (
    "import sqlite3\n"
    "\n"
    "def find(conn: sqlite3.Connection, email):\n"
    "    return conn.execute(f\"SELECT id FROM users WHERE email = '{email}'\")\n"
)


def test_escaping_of_message_and_properties():
    assert escape_data("50% done\r\nnext: a,b") == "50%25 done%0D%0Anext: a,b"
    assert escape_property("dir,x/a:b%.py\n") == "dir%2Cx/a%3Ab%25.py%0A"


def test_annotation_line_for_a_single_line_finding():
    finding = Finding("BR101", Severity.ERROR, "SQL from `q`: 100% unsafe", "a,b/x:y.py",
                      Span(4, 12, 4, 73), fix=Fix("Use `?` placeholders", "conn.execute(q, (a,))"))
    assert annotation(finding) == (
        "::error file=a%2Cb/x%3Ay.py,line=4,endLine=4,col=12,endColumn=73,title=BR101 raw-sql"
        "::SQL from `q`: 100%25 unsafe%0AFix: Use `?` placeholders%0A    conn.execute(q, (a,))")


def test_multi_line_finding_has_no_columns_and_levels_map_to_commands():
    warning = Finding("BR101", Severity.WARNING, "m", "a.py", Span(3, 5, 6, 2))
    note = Finding("BR000", Severity.NOTE, "n", "a.py", Span(1, 1, 1, 2))
    assert annotation(warning) == "::warning file=a.py,line=3,endLine=6,title=BR101 raw-sql::m"
    assert annotation(note) == (
        "::notice file=a.py,line=1,endLine=1,col=1,endColumn=2,title=BR000 parse-error::n")


def test_cli_format_github(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.py").write_text(BAD, encoding="utf-8")
    assert main(["check", ".", "--select", "BR101", "--format", "github"]) == 1
    (line,) = capsys.readouterr().out.splitlines()
    assert line == (
        "::error file=bad.py,line=4,endLine=4,col=12,endColumn=73,title=BR101 raw-sql::"
        "SQL passed to `conn.execute()` is built with an f-string from `email`; pass the "
        "values as bound parameters%0AFix: Use `?` placeholders (sqlite3) and pass the values "
        "separately.%0A    conn.execute(\"SELECT id FROM users WHERE email = ?\", (email,))")


def test_fail_on_threshold(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.py").write_text(BAD, encoding="utf-8")
    assert main(["check", ".", "--select", "BR101", "--fail-on", "error", "-q"]) == 1
    from backendreview.checks.base import Rule

    original = Rule.report

    def as_warning(self, node, message, **kwargs):  # type: ignore[no-untyped-def]
        return original(self, node, message, **{**kwargs, "severity": Severity.WARNING})

    monkeypatch.setattr(Rule, "report", as_warning)
    assert main(["check", ".", "--select", "BR101", "--fail-on", "error", "-q", "-j", "1"]) == 0
    assert main(["check", ".", "--select", "BR101", "--fail-on", "warning", "-q", "-j",
                 "1"]) == 1
    assert "bad.py:4:12: BR101 [warning]" in capsys.readouterr().out
    assert main(["check", ".", "--select", "BR101", "--fail-on", "loud"]) == 2
    assert "--fail-on: unknown severity 'loud'" in capsys.readouterr().err


def test_paths_are_relative_to_the_github_workspace(tmp_path, monkeypatch, capsys):
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "bad.py").write_text(BAD, encoding="utf-8")
    monkeypatch.chdir(tmp_path / "svc")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))
    assert main(["check", ".", "--select", "BR101", "--format", "github"]) == 1
    assert capsys.readouterr().out.startswith("::error file=svc/bad.py,line=4,")
