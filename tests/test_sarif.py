"""SARIF output: valid against the official 2.1.0 schema, with what GitHub code scanning
reads, code point columns, and byte-identical output for the same input."""

from __future__ import annotations

import json
from pathlib import Path

from backendreview.cli import main
from backendreview.config import Config
from backendreview.engine import run
from backendreview.reporters import sarif


def _sarif(tmp_path: Path, capsys, *args: str) -> dict:  # type: ignore[no-untyped-def]
    out = tmp_path / "out.sarif"
    code = main(["check", *args, "--format", "sarif", "--output", str(out)])
    assert code in (0, 1), capsys.readouterr().err
    return json.loads(out.read_text(encoding="utf-8"))


def test_sample_app_sarif_is_schema_valid(sample_app, sarif_validator, tmp_path, capsys,
                                          monkeypatch):
    monkeypatch.chdir(sample_app.parents[1])
    log = _sarif(tmp_path, capsys, "fixtures/sample_app", "--select", "BR101")
    errors = sorted(sarif_validator.iter_errors(log), key=str)
    assert errors == []
    run_ = log["runs"][0]
    assert log["version"] == "2.1.0"
    assert run_["columnKind"] == "unicodeCodePoints"
    driver = run_["tool"]["driver"]
    assert driver["name"] == "backendreview"
    rules = {r["id"]: r for r in driver["rules"]}
    br101 = rules["BR101"]
    assert br101["shortDescription"]["text"] == "SQL text built from runtime values"
    assert br101["fullDescription"]["text"].startswith("A database call receives SQL text")
    assert "Why is this bad?" in br101["help"]["text"] or br101["help"]["text"]
    assert "### Why is this bad?" in br101["help"]["markdown"]
    assert br101["defaultConfiguration"]["level"] == "error"
    assert br101["properties"]["security-severity"] == "8.8"
    assert br101["properties"]["precision"] == "high"
    assert "CWE-89" in br101["properties"]["tags"]
    results = run_["results"]
    located = sorted(
        (r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
         r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results)
    assert located == [
        ("fixtures/sample_app/app/routers/books.py", 27),
        ("fixtures/sample_app/app/routers/reports.py", 24),
        ("fixtures/sample_app/app/routers/reports.py", 37),
    ]
    for result in results:
        assert result["ruleId"] == "BR101"
        assert driver["rules"][result["ruleIndex"]]["id"] == "BR101"
        assert result["level"] == "error"
        assert result["partialFingerprints"]["backendreview/v1"]
    assert run_["invocations"][0]["executionSuccessful"] is True


def test_columns_are_code_points_and_fixes_are_valid(tmp_path, sarif_validator, capsys,
                                                     monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text(
        "import sqlite3\n"
        "def f(conn: sqlite3.Connection, name):\n"
        "    label = 'Zoë'; conn.execute(f\"SELECT * FROM t WHERE n = '{name}'\")\n",
        encoding="utf-8")
    log = _sarif(tmp_path, capsys, "app.py")
    assert list(sarif_validator.iter_errors(log)) == []
    result = log["runs"][0]["results"][0]
    region = result["locations"][0]["physicalLocation"]["region"]
    # "    label = 'Zoë'; " is 19 code points (20 bytes): the call starts at column 20.
    assert region == {"startLine": 3, "startColumn": 20, "endLine": 3, "endColumn": 71}
    replacement = result["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert replacement["deletedRegion"] == region
    assert replacement["insertedContent"]["text"] == (
        'conn.execute("SELECT * FROM t WHERE n = ?", (name,))')
    assert result["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "app.py", "uriBaseId": "%SRCROOT%"}


def test_sarif_is_byte_identical_across_runs(sample_app, monkeypatch):
    monkeypatch.chdir(sample_app.parents[1])
    first = sarif.render(run([Path("fixtures/sample_app")], Config(), jobs=1))
    second = sarif.render(run([Path("fixtures/sample_app")], Config(), jobs=2))
    assert first == second


def test_failed_run_still_gives_valid_sarif(tmp_path, sarif_validator, monkeypatch):
    from backendreview.engine import RunResult

    result = RunResult(files=1, errors=["internal error: rule BR101 failed on a.py:3: boom"],
                       rules=("BR000", "BR101"))
    log = json.loads(sarif.render(result, tmp_path))
    assert list(sarif_validator.iter_errors(log)) == []
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"][0]["message"]["text"].endswith("boom")
    assert invocation["toolExecutionNotifications"][0]["level"] == "error"


def test_empty_run_has_rules_and_no_results(tmp_path, sarif_validator, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ok.py").write_text("x = 1\n", encoding="utf-8")
    log = _sarif(tmp_path, capsys, "ok.py")
    assert list(sarif_validator.iter_errors(log)) == []
    assert log["runs"][0]["results"] == []
    assert {r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]} >= {"BR000", "BR101"}
