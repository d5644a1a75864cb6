"""Baselines: `backendreview baseline FILE` then `check --baseline FILE` reports new findings
only; robust to line shifts; a new duplicate of an old finding is new."""

from __future__ import annotations

import json

import pytest

from backendreview.cli import main

from .samples import FIND_USER

OLD = FIND_USER
DUPLICATE = (
    "\n"
    "\n"
    "def find_again(conn: sqlite3.Connection, email):\n"
    "    return conn.execute(f\"SELECT id FROM users WHERE email = '{email}'\")\n"
)


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "users.py").write_text(OLD, encoding="utf-8")
    # The rule under test is chosen here, so these tests do not depend on the default set.
    (tmp_path / "pyproject.toml").write_text(
        '[tool.backendreview]\nselect = ["BR101"]\n', encoding="utf-8")
    return tmp_path


def _lines(capsys, *args: str) -> list[tuple[str, int]]:  # type: ignore[no-untyped-def]
    code = main(["check", *args, "--format", "json"])
    out = capsys.readouterr()
    assert code in (0, 1), out.err
    return [(f["path"], f["start_line"]) for f in json.loads(out.out)["findings"]]


def test_baseline_file_format(project, capsys):
    assert main(["baseline", "br-baseline.json", "app"]) == 0
    assert "recorded 1 finding(s) in br-baseline.json" in capsys.readouterr().err
    data = json.loads((project / "br-baseline.json").read_text(encoding="utf-8"))
    assert data["version"] == 1 and data["tool"] == "backendreview"
    assert data["findings"] == [{
        "rule": "BR101", "path": "app/users.py",
        "snippet": "return conn.execute(f\"SELECT id FROM users WHERE email = '{email}'\")",
        "count": 1,
        "message": "SQL passed to `conn.execute()` is built with an f-string from `email`; "
                   "pass the values as bound parameters"}]


def test_old_findings_are_silent_even_when_shifted_and_reindented(project, capsys):
    main(["baseline", "br-baseline.json"])
    capsys.readouterr()
    assert _lines(capsys, "app", "--baseline", "br-baseline.json") == []
    shifted = "# header\n# more\n" + OLD.replace(
        "    return conn.execute(", "    return   conn.execute(")
    (project / "app" / "users.py").write_text(shifted, encoding="utf-8")
    assert main(["check", "app", "--baseline", "br-baseline.json"]) == 0
    capsys.readouterr()


def test_new_duplicate_of_an_old_finding_is_reported(project, capsys):
    main(["baseline", "br-baseline.json"])
    capsys.readouterr()
    (project / "app" / "users.py").write_text(OLD + DUPLICATE, encoding="utf-8")
    assert _lines(capsys, "app", "--baseline", "br-baseline.json") == [("app/users.py", 9)]


def test_changed_line_and_new_file_are_new(project, capsys):
    main(["baseline", "br-baseline.json"])
    capsys.readouterr()
    (project / "app" / "users.py").write_text(
        OLD.replace("SELECT id FROM", "SELECT id, name FROM"), encoding="utf-8")
    (project / "app" / "other.py").write_text(OLD, encoding="utf-8")
    assert _lines(capsys, "app", "--baseline", "br-baseline.json") == [
        ("app/other.py", 5), ("app/users.py", 5)]


def test_baseline_paths_are_relative_to_the_baseline_file(project, capsys, monkeypatch):
    (project / "ci").mkdir()
    main(["baseline", "ci/baseline.json", "app"])
    capsys.readouterr()
    data = json.loads((project / "ci" / "baseline.json").read_text(encoding="utf-8"))
    assert data["findings"][0]["path"] == "../app/users.py"
    monkeypatch.chdir(project / "app")
    assert main(["check", ".", "--baseline", "../ci/baseline.json"]) == 0
    capsys.readouterr()


@pytest.mark.parametrize(("content", "needle"), [
    (None, "--baseline: missing.json: cannot read"),
    ("{", "--baseline: missing.json: not valid JSON"),
    ('{"tool": "ruff"}', "not a backendreview baseline"),
    ('{"tool": "backendreview", "version": 9}', "unsupported version 9"),
    ('{"tool": "backendreview", "version": 1, "findings": [{"rule": "BR101"}]}',
     "entry 0 needs rule, path, snippet and count"),
])
def test_bad_baseline_is_a_usage_error(project, capsys, content, needle):
    if content is not None:
        (project / "missing.json").write_text(content, encoding="utf-8")
    assert main(["check", "app", "--baseline", "missing.json"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and needle in err[0], err


def test_renamed_file_keeps_its_baseline(project, capsys):
    main(["baseline", "br-baseline.json"])
    capsys.readouterr()
    (project / "app" / "users.py").rename(project / "app" / "accounts.py")
    assert _lines(capsys, "app", "--baseline", "br-baseline.json") == []
    # A copy is not a move: with the original still there, the copy's finding is new.
    (project / "app" / "accounts.py").rename(project / "app" / "users.py")
    (project / "app" / "copy.py").write_text(OLD, encoding="utf-8")
    assert _lines(capsys, "app", "--baseline", "br-baseline.json") == [("app/copy.py", 5)]
