"""The command line: exit codes, formats, options, and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from backendreview import __version__
from backendreview.cli import main
from backendreview.metadata import load_rule_docs

BAD = (
    "import sqlite3\n"
    "\n"
    "def find(conn: sqlite3.Connection, email):\n"
    "    return conn.execute(f\"SELECT id FROM users WHERE email = '{email}'\")\n"
)
# The rules these tests exercise, chosen in the project's configuration so that the tests do
# not depend on which rules are on by default.
SELECT = '[tool.backendreview]\nselect = ["BR000", "BR101"]\n'
GOOD = (
    "import sqlite3\n"
    "\n"
    "def find(conn: sqlite3.Connection, email):\n"
    "    return conn.execute(\"SELECT id FROM users WHERE email = ?\", (email,))\n"
)


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.py").write_text(BAD, encoding="utf-8")
    (tmp_path / "good.py").write_text(GOOD, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(SELECT, encoding="utf-8")
    return tmp_path


def _one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("backendreview: error: ")
    return lines[0]


def test_exit_codes(project, capsys):
    assert main(["check", "good.py"]) == 0
    assert main(["check", "bad.py"]) == 1
    assert main(["check", "bad.py", "--exit-zero"]) == 0
    assert main(["check", "."]) == 1
    capsys.readouterr()


def test_json_output_schema(project, capsys):
    assert main(["check", ".", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["schema_version"] == 1
    assert data["tool"] == {"name": "backendreview", "version": __version__}
    assert data["summary"] == {"files": 2, "findings": 1, "suppressed": 0,
                               "by_rule": {"BR101": 1},
                               "by_severity": {"error": 1, "warning": 0, "note": 0}}
    (finding,) = data["findings"]
    assert finding["rule"] == "BR101"
    assert finding["path"] == "bad.py"
    assert (finding["start_line"], finding["start_column"]) == (4, 12)
    assert (finding["end_line"], finding["end_column"]) == (4, 73)
    assert finding["message"] == (
        "SQL passed to `conn.execute()` is built with an f-string from `email`; "
        "pass the values as bound parameters")
    assert finding["fix"]["suggestion"] == (
        'conn.execute("SELECT id FROM users WHERE email = ?", (email,))')
    assert finding["snippet"].startswith("return conn.execute(f\"SELECT")
    assert data["errors"] == []


def test_json_is_byte_identical(project, capsys):
    main(["check", ".", "--format", "json"])
    first = capsys.readouterr().out
    main(["check", ".", "--format", "json"])
    assert capsys.readouterr().out == first


def test_select_and_ignore(project, capsys):
    assert main(["check", "bad.py", "--ignore", "BR101"]) == 0
    assert main(["check", "bad.py", "--select", "BR000"]) == 0
    assert main(["check", "bad.py", "--select", "BR1"]) == 1
    assert main(["check", "bad.py", "--select", "BR000,BR101"]) == 1
    capsys.readouterr()


def test_severity_threshold_option(project, capsys):
    assert main(["check", "bad.py", "--severity", "error"]) == 1
    assert main(["check", "bad.py", "--severity", "loud"]) == 2
    assert "--severity" in _one_error_line(capsys.readouterr().err)


@pytest.mark.parametrize(("args", "needle"), [
    (["check", "--select", "XX1", "."], "'XX1' is not a rule code"),
    (["check", "--select", "BR9", "."], "no rule matches 'BR9'"),
    (["check", "--format", "xml", "."], "'xml'"),
    (["check", "missing_dir"], "path does not exist: missing_dir"),
    (["check", "--no-such-option"], "--no-such-option"),
    (["explain", "BR999"], "unknown rule 'BR999'"),
    (["frobnicate"], "frobnicate"),
    (["check", "--config", "nope.toml", "."], "nope.toml"),
])
def test_usage_errors_are_one_line_exit_2(project, capsys, args, needle):
    assert main(args) == 2
    captured = capsys.readouterr()
    assert needle in _one_error_line(captured.err)
    assert "Traceback" not in captured.err + captured.out


def test_bad_config_key_is_named(project, capsys):
    (project / "pyproject.toml").write_text(
        "[tool.backendreview]\nselct = ['BR101']\n", encoding="utf-8")
    assert main(["check", "."]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert "unknown key 'selct'" in line and "pyproject.toml" in line


def test_output_file_and_quiet(project, capsys):
    out = project / "report.txt"
    assert main(["check", ".", "--output", str(out)]) == 1
    text = out.read_text(encoding="utf-8")
    assert "bad.py:4:12: BR101 [error] SQL passed to `conn.execute()`" in text
    assert "fix: Use `?` placeholders (sqlite3)" in text
    assert "Findings by rule" in text
    assert capsys.readouterr().out == ""
    main(["check", ".", "--quiet"])
    quiet = capsys.readouterr().out
    assert "bad.py:4:12: BR101" in quiet
    assert "Findings by rule" not in quiet and "reviewed" not in quiet


def test_console_shows_code_frame_and_fix(project, capsys):
    main(["check", "."])
    out = capsys.readouterr().out
    assert "❱ 4     return conn.execute(f\"SELECT id FROM users WHERE email = '{email}'\")" in out
    assert 'conn.execute("SELECT id FROM users WHERE email = ?", (email,))' in out
    assert "1 finding(s) in 1 file(s); 2 file(s) reviewed, 0 suppressed." in out


def test_statistics(project, capsys):
    main(["check", ".", "--format", "json", "--statistics"])
    captured = capsys.readouterr()
    assert "BR101" in captured.err and "raw-sql" in captured.err
    json.loads(captured.out)


def test_rules_explain_version(capsys):
    assert main(["rules", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {"id": "BR101", "name": "raw-sql", "title": "SQL text built from runtime values",
            "severity": "error", "confidence": "high",
            "default": load_rule_docs()["BR101"].default_enabled,
            "default_off_reason": (None if load_rule_docs()["BR101"].default_enabled
                                   else load_rule_docs()["BR101"].off_reason),
            "cwe": ["CWE-89", "CWE-943"]} in rows
    assert main(["explain", "BR101"]) == 0
    assert "Why is this bad?" in capsys.readouterr().out
    assert main(["explain", "raw-sql"]) == 0
    assert "BR101 raw-sql" in capsys.readouterr().out
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"backendreview {__version__}"


def test_console_script_runs_in_a_subprocess(project):
    proc = subprocess.run([sys.executable, "-m", "backendreview", "check", "bad.py",
                           "--format", "json"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout)["findings"][0]["rule"] == "BR101"
    proc = subprocess.run([sys.executable, "-m", "backendreview", "check", "--select", "Q"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr


def test_internal_rule_error_keeps_other_findings(project, capsys, monkeypatch):
    from backendreview.checks import br101_raw_sql

    def boom(self, node):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    (project / "sub").mkdir()
    monkeypatch.setattr(br101_raw_sql.RawSQL, "visit_Call", boom)
    (project / "broken.py").write_text("def f(:\n", encoding="utf-8")
    assert main(["check", ".", "--format", "json", "--jobs", "1"]) == 2
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert [f["rule"] for f in data["findings"]] == ["BR000"]
    assert data["errors"] and "rule BR101 failed on bad.py:4" in data["errors"][0]
    assert "boom" in captured.err and "Traceback" not in captured.err


def test_fix_rewrites_exact_calls_and_keeps_the_rest(project, capsys):
    (project / "mixed.py").write_text(
        "import sqlite3\n"
        "\n"
        "def find(conn: sqlite3.Connection, email, col):\n"
        "    # a comment that must survive\n"
        "    a = conn.execute(f\"SELECT id FROM users WHERE email = '{email}'\")  # keep me\n"
        "    b = conn.execute(f\"SELECT {col} FROM users\")\n"
        "    return a, b\n", encoding="utf-8")
    assert main(["check", "mixed.py", "--fix", "--format", "json"]) == 1
    captured = capsys.readouterr()
    assert "fixed 1 finding(s) in 1 file(s)" in captured.err
    remaining = json.loads(captured.out)["findings"]
    assert [(f["rule"], f["start_line"]) for f in remaining] == [("BR101", 6)]
    assert (project / "mixed.py").read_text(encoding="utf-8") == (
        "import sqlite3\n"
        "\n"
        "def find(conn: sqlite3.Connection, email, col):\n"
        "    # a comment that must survive\n"
        "    a = conn.execute(\"SELECT id FROM users WHERE email = ?\", (email,))  # keep me\n"
        "    b = conn.execute(f\"SELECT {col} FROM users\")\n"
        "    return a, b\n")
    assert main(["check", "mixed.py", "--fix"]) == 1
    assert "fixed 0 finding(s)" in capsys.readouterr().err


def test_rule_options_extra_sinks(project, capsys):
    (project / "helper.py").write_text(
        "from app.db import run_query\n"
        "def f(database, name):\n"
        "    database.get_df(f\"SHOW TABLES LIKE '{name}'\")\n"
        "    run_query(f\"SELECT * FROM t WHERE a = '{name}'\")\n", encoding="utf-8")
    assert main(["check", "helper.py"]) == 0
    capsys.readouterr()
    (project / "pyproject.toml").write_text(
        SELECT + "[tool.backendreview.rules.BR101]\nextra-sinks = ['get_df', 'app.db.run_query']\n",
        encoding="utf-8")
    assert main(["check", "helper.py", "--format", "json"]) == 1
    found = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["start_line"], f["message"].split(" is built")[0]) for f in found] == [
        (3, "SQL passed to `database.get_df()`"), (4, "SQL passed to `run_query()`")]


@pytest.mark.parametrize(("toml", "needle"), [
    ("[tool.backendreview.rules.BR101]\nsinks = []\n",
     "key 'rules'.BR101: unknown option 'sinks' (options: extra-sinks, unknown-origins)"),
    ("[tool.backendreview.rules.BR999]\nx = 1\n", "key 'rules': unknown rule 'BR999'"),
    ("[tool.backendreview.rules.BR101]\nextra-sinks = 'get_df'\n",
     "key 'rules'.BR101.extra-sinks: expected a list of strings"),
])
def test_rule_option_errors(project, capsys, toml, needle):
    (project / "pyproject.toml").write_text(toml, encoding="utf-8")
    assert main(["check", "good.py"]) == 2
    assert needle in _one_error_line(capsys.readouterr().err)
