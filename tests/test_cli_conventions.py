"""What a ruff user expects of the command line: --output-format, concise / gitlab / junit
output, a closing summary line, --show-fixes, stdin with --stdin-filename, extend-ignore,
hierarchical configuration with `extend`, and --show-settings."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from backendreview.cli import main

from .test_cli import BAD

GOOD = "def ok():\n    return 1\n"
# Tests add the rules they exercise (BR101; BR205 for an unsafe fix) with --extend-select
# rather than rely on the default set: the configuration files they write keep their own say
# (ignore, per-file-ignores, select) on top of it.
ON = ("--extend-select", "BR101,BR205")
MESSAGE = ("SQL passed to `conn.execute()` is built with an f-string from `email`; pass the "
           "values as bound parameters")


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.py").write_text(BAD, encoding="utf-8")
    (tmp_path / "good.py").write_text(GOOD, encoding="utf-8")
    return tmp_path


def _out(capsys, *args: str, code: int = 1) -> str:  # type: ignore[no-untyped-def]
    assert main(list(args)) == code
    return capsys.readouterr().out


def test_output_format_is_an_alias_of_format(project, capsys):
    assert _out(capsys, "check", *ON, ".", "--output-format", "json") == _out(
        capsys, "check", *ON, ".", "--format", "json")
    assert _out(capsys, "check", *ON, ".", "--output-format=concise").startswith("bad.py:4:12:")


def test_concise_is_one_line_per_finding_and_a_summary(project, capsys):
    assert _out(capsys, "check", *ON, ".", "--output-format", "concise").splitlines() == [
        f"bad.py:4:12: BR101 [error] {MESSAGE}",
        "1 error, 0 warnings, 0 notes · 1 fixable with --fix"]
    assert _out(capsys, "check", *ON, "good.py", "--output-format", "concise", code=0) == (
        "No findings: 1 file(s) reviewed.\n")


def test_console_ends_with_the_closing_summary_line(project, capsys):
    out = _out(capsys, "check", *ON, ".")
    assert out.splitlines()[-1] == "1 error, 0 warnings, 0 notes · 1 fixable with --fix"
    # An unsafe fix is counted apart (ruff's hidden fixes).
    (project / "bad.py").write_text(
        "import jwt\n\nKEY = 'k'\n\n\ndef claims(token):\n    return jwt.decode(token, KEY)\n",
        encoding="utf-8")
    last = _out(capsys, "check", *ON, ".").splitlines()[-1]
    assert last == "1 error, 0 warnings, 0 notes · 1 more with --fix --unsafe-fixes"
    # No fixable finding: no "fixable" clause (a column name cannot be a bound parameter;
    # a view's, taking the request, is a warning in that position).
    (project / "bad.py").write_text(
        "import sqlite3\n\n\ndef find(request, conn: sqlite3.Connection, col):\n"
        "    return conn.execute(f\"SELECT {col} FROM users\")\n", encoding="utf-8")
    last = _out(capsys, "check", *ON, ".").splitlines()[-1]
    assert last == "1 error, 0 warnings, 0 notes"


def test_gitlab_code_quality_report(project, capsys):
    issues = json.loads(_out(capsys, "check", *ON, ".", "--format", "gitlab"))
    (issue,) = issues
    assert issue["check_name"] == "BR101 raw-sql"
    assert issue["description"].startswith(MESSAGE + " (fix: Use `?` placeholders")
    assert issue["severity"] == "major"
    assert issue["location"] == {"path": "bad.py", "lines": {"begin": 4, "end": 4}}
    assert issue["categories"] == ["Security"]
    # Stable across runs, and not tied to the line number.
    (project / "bad.py").write_text("\n\n" + BAD, encoding="utf-8")
    (moved,) = json.loads(_out(capsys, "check", *ON, ".", "--format", "gitlab"))
    assert moved["fingerprint"] == issue["fingerprint"]
    assert moved["location"]["lines"]["begin"] == 6
    assert json.loads(_out(capsys, "check", *ON, "good.py", "--format", "gitlab", code=0)) == []


def test_junit_xml(project, capsys):
    root = ET.fromstring(_out(capsys, "check", *ON, ".", "--format", "junit"))
    assert (root.tag, root.get("tests"), root.get("failures")) == ("testsuites", "1", "1")
    (suite,) = root
    assert (suite.get("name"), suite.get("failures")) == ("bad.py", "1")
    (case,) = suite
    assert (case.get("name"), case.get("file"), case.get("line")) == (
        "BR101 at line 4, column 12", "bad.py", "4")
    failure = case.find("failure")
    assert failure is not None and failure.get("type") == "error"
    assert failure.get("message") == MESSAGE
    assert failure.text.startswith(f"bad.py:4:12: BR101 {MESSAGE}\nfix: ")
    clean = ET.fromstring(_out(capsys, "check", *ON, "good.py", "--format", "junit", code=0))
    assert (clean.get("tests"), clean.get("failures")) == ("1", "0")
    assert [c.get("name") for c in clean.iter("testcase")] == ["1 file(s) reviewed"]


def test_show_fixes_lists_what_fix_would_apply(project, capsys):
    out = _out(capsys, "check", *ON, ".", "--output-format", "concise", "--show-fixes")
    lines = out.splitlines()
    start = lines.index("Fixable with --fix (1):")
    assert lines[start + 1].startswith("  bad.py:4:12: BR101 Use `?` placeholders")
    assert lines[start + 2] == (
        "      line 4: -> conn.execute(\"SELECT id FROM users WHERE email = ?\", (email,))")
    out = _out(capsys, "check", *ON, "good.py", "--show-fixes", code=0)
    assert out.splitlines()[-1] == "Fixable with --fix: none"


def _stdin(monkeypatch, text: str) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode("utf-8"))))


def test_stdin_with_a_filename(project, capsys, monkeypatch):
    # The unsaved buffer is reviewed, not the file on disk (which is clean).
    _stdin(monkeypatch, BAD)
    data = json.loads(_out(capsys, "check", *ON, "-", "--stdin-filename", "good.py", "--format",
                           "json"))
    assert [(f["path"], f["rule"], f["start_line"]) for f in data["findings"]] == [
        ("good.py", "BR101", 4)]
    assert (project / "good.py").read_text(encoding="utf-8") == GOOD


def test_stdin_uses_the_named_files_configuration(project, capsys, monkeypatch):
    (project / "svc").mkdir()
    (project / "svc" / "pyproject.toml").write_text(
        "[tool.backendreview]\nignore = ['BR101']\n", encoding="utf-8")
    _stdin(monkeypatch, BAD)
    assert _out(capsys, "check", *ON, "-", "--stdin-filename", "svc/db.py", "--format",
                "concise", code=0) == "No findings: 1 file(s) reviewed.\n"
    _stdin(monkeypatch, BAD)
    assert _out(capsys, "check", *ON, "-", "--format", "concise").splitlines()[0].startswith(
        "-:4:12: BR101")


@pytest.mark.parametrize(("args", "needle"), [
    (["check", "-", "bad.py"], "`-` (standard input) cannot be combined with other paths"),
    (["check", "bad.py", "--stdin-filename", "x.py"], "--stdin-filename needs `-`"),
    (["check", "-", "--fix"], "--fix cannot rewrite standard input"),
    (["check", "--show-settings", "bad.py", "good.py"], "--show-settings takes exactly one"),
])
def test_stdin_and_settings_usage_errors(project, capsys, args, needle):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("backendreview: error: ") and needle in err


def test_extend_ignore_option_and_key(project, capsys):
    assert _out(capsys, "check", *ON, ".", "--extend-ignore", "BR101", "--format", "concise",
                code=0).startswith("No findings")
    (project / "pyproject.toml").write_text(
        "[tool.backendreview]\nextend-ignore = ['BR1']\n", encoding="utf-8")
    assert main(["check", ".", *ON]) == 0
    (project / "pyproject.toml").write_text(
        "[tool.backendreview]\nextend-ignore = ['BR2']\n", encoding="utf-8")
    assert main(["check", ".", *ON]) == 1
    (project / "pyproject.toml").write_text(
        "[tool.backendreview]\nextend-ignore = ['XX']\n", encoding="utf-8")
    assert main(["check", ".", *ON]) == 2
    assert "key 'extend-ignore'" in capsys.readouterr().err


def test_select_option_replaces_the_files_selection(project, capsys):
    # `--select` is "only these rules": a file's extend-select does not add to it (the sample
    # app's opt-ins must not leak into `check fixtures/sample_app --select BR101`).
    (project / "tokens.py").write_text(
        "import jwt\n\nKEY = 'k'\n\n\ndef claims(token):\n    return jwt.decode(token, KEY)\n",
        encoding="utf-8")
    (project / "pyproject.toml").write_text(
        "[tool.backendreview]\nextend-select = ['BR101', 'BR205']\n", encoding="utf-8")
    assert _findings(capsys, ".", "--select", "BR101") == ["bad.py:BR101"]
    assert _findings(capsys, ".", "--select", "BR101", "--extend-select", "BR205") == [
        "bad.py:BR101", "tokens.py:BR205"]
    assert _findings(capsys, ".", "--select", "BR000") == []


# -- hierarchical configuration ---------------------------------------------------------------

def _tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _findings(capsys, *args: str) -> list[str]:  # type: ignore[no-untyped-def]
    code = main(["check", *args, "--format", "json"])
    out = capsys.readouterr()
    assert code in (0, 1), out.err
    return [f"{f['path']}:{f['rule']}" for f in json.loads(out.out)["findings"]]


def test_extend_inherits_and_overrides(project, capsys):
    (project / "bad.py").unlink()
    _tree(project, {
        "pyproject.toml": "[tool.backendreview]\nextend-exclude = ['generated/']\n"
                          "[tool.backendreview.per-file-ignores]\n'**/legacy.py' = ['BR101']\n",
        "svc/pyproject.toml": "[tool.backendreview]\nextend = '../pyproject.toml'\n"
                              "extend-exclude = ['vendor/']\n",
        "svc/db.py": BAD, "svc/legacy.py": BAD, "svc/vendor/x.py": BAD,
        "svc/generated/x.py": BAD, "other/db.py": BAD, "other/vendor/x.py": BAD,
    })
    assert _findings(capsys, ".", *ON) == ["other/db.py:BR101", "other/vendor/x.py:BR101",
                                      "svc/db.py:BR101"]


def test_without_extend_a_nearer_file_replaces_the_outer_one(project, capsys):
    (project / "bad.py").unlink()
    _tree(project, {
        "pyproject.toml": "[tool.backendreview]\nignore = ['BR101']\n",
        "svc/pyproject.toml": "[tool.backendreview]\nseverity = 'note'\n",
        "svc/db.py": BAD, "top.py": BAD,
    })
    assert _findings(capsys, ".", *ON) == ["svc/db.py:BR101"]


def test_dot_backendreview_toml_wins_over_pyproject(project, capsys):
    (project / "bad.py").unlink()
    _tree(project, {
        "svc/pyproject.toml": "[tool.backendreview]\nignore = ['BR101']\n",
        "svc/.backendreview.toml": "select = ['BR101']\n",
        "svc/db.py": BAD,
        # A pyproject.toml without the table is not a configuration: the walk goes on.
        "svc/sub/pyproject.toml": "[project]\nname = 'sub'\n",
        "svc/sub/db.py": BAD,
    })
    assert _findings(capsys, "svc") == ["svc/db.py:BR101", "svc/sub/db.py:BR101"]


def test_config_option_applies_to_every_file(project, capsys):
    (project / "bad.py").unlink()
    _tree(project, {
        "svc/pyproject.toml": "[tool.backendreview]\nignore = ['BR101']\n",
        "svc/db.py": BAD, "ci.toml": "select = ['BR101']\n",
    })
    assert _findings(capsys, ".") == []
    assert _findings(capsys, ".", "--config", "ci.toml") == ["svc/db.py:BR101"]


@pytest.mark.parametrize(("files", "needle"), [
    ({"pyproject.toml": "[tool.backendreview]\nextend = 'missing.toml'\n"},
     "pyproject.toml: key 'extend': "),
    ({"pyproject.toml": "[tool.backendreview]\nextend = 'b/pyproject.toml'\n",
      "b/pyproject.toml": "[tool.backendreview]\nextend = '../pyproject.toml'\n"},
     "the files extend each other"),
    ({"pyproject.toml": "[tool.backendreview]\nextend = 3\n"}, "expected a path"),
    ({"pyproject.toml": "[tool.backendreview]\nextend = 'b/pyproject.toml'\n",
      "b/pyproject.toml": "[project]\nname = 'b'\n"}, "has no [tool.backendreview] table"),
])
def test_bad_extend_is_one_line(project, capsys, files, needle):
    _tree(project, files)
    assert main(["check", "."]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and needle in err, err


def test_show_settings_prints_what_a_file_gets(project, capsys):
    _tree(project, {
        "pyproject.toml": "[tool.backendreview]\nignore = ['BR103']\n"
                          "[tool.backendreview.per-file-ignores]\n'svc/tests/**' = ['BR2']\n",
        "svc/pyproject.toml": "[tool.backendreview]\nextend = '../pyproject.toml'\n"
                              "extend-ignore = ['BR104']\n",
        "svc/tests/test_x.py": GOOD,
    })
    out = _out(capsys, "check", "--show-settings", "svc/tests/test_x.py",
               "--extend-select", "BR305", code=0)
    lines = out.splitlines()
    assert lines[:3] == ["# Settings for svc/tests/test_x.py",
                         f"# from: {Path('svc/pyproject.toml').resolve()}",
                         f"# extends: {(project / 'pyproject.toml').resolve()}"]
    assert 'ignore = ["BR103", "BR104"]' in lines
    assert 'extend-select = ["BR305"]' in lines
    enabled = next(line for line in lines if line.startswith("# rules enabled"))
    assert "BR305" in enabled and "BR103" not in enabled and "BR104" not in enabled
    # per-file-ignores globs are relative to the extending file's directory.
    assert "# per-file-ignores matching this file: none" in lines
    out = _out(capsys, "check", "--show-settings", "good.py", code=0)
    assert out.splitlines()[1] == f"# from: {(project / 'pyproject.toml').resolve()}"


def test_cached_rerun_keeps_each_files_configuration(project, capsys, monkeypatch):
    monkeypatch.delenv("BACKENDREVIEW_NO_CACHE")  # conftest turns the cache off
    (project / "bad.py").unlink()
    _tree(project, {"svc_a/db.py": BAD, "svc_b/db.py": BAD,
                    "svc_b/pyproject.toml": "[tool.backendreview]\nignore = ['BR101']\n"})
    first = _findings(capsys, ".", *ON)
    assert (project / ".backendreview_cache").is_dir()
    assert _findings(capsys, ".", *ON) == first == ["svc_a/db.py:BR101"]
    # The cache entry of svc_b's file (reviewed without BR101) is not reused when its
    # configuration changes.
    (project / "svc_b" / "pyproject.toml").write_text("[tool.backendreview]\n",
                                                       encoding="utf-8")
    assert _findings(capsys, ".", *ON) == ["svc_a/db.py:BR101", "svc_b/db.py:BR101"]
