"""SARIF output: valid against the official 2.1.0 schema, with what GitHub code scanning
reads, code point columns, and byte-identical output for the same input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

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
        (r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
         r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results)
    assert located == [
        ("BR101", "fixtures/sample_app/app/routers/books.py", 27),
        ("BR101", "fixtures/sample_app/app/routers/reports.py", 24),
        ("BR101", "fixtures/sample_app/app/routers/reports.py", 37),
    ]
    for result in results:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] == {"BR101": "error", "BR102": "warning"}.get(
            result["ruleId"], "note")
        assert result["partialFingerprints"]["backendreview/v1"]
    assert run_["invocations"][0]["executionSuccessful"] is True


def test_columns_are_code_points_and_fixes_are_valid(tmp_path, sarif_validator, capsys,
                                                     monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text(
        "import sqlite3\n"
        "def f(conn: sqlite3.Connection, name):\n"
        "    label = 'Zoë'; conn.execute(f\"SELECT a FROM t WHERE n = '{name}'\")\n",
        encoding="utf-8")
    log = _sarif(tmp_path, capsys, "app.py", "--select", "BR101")
    assert list(sarif_validator.iter_errors(log)) == []
    result = log["runs"][0]["results"][0]
    region = result["locations"][0]["physicalLocation"]["region"]
    # "    label = 'Zoë'; " is 19 code points (20 bytes): the call starts at column 20.
    assert region == {"startLine": 3, "startColumn": 20, "endLine": 3, "endColumn": 71}
    replacement = result["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert replacement["deletedRegion"] == region
    assert replacement["insertedContent"]["text"] == (
        'conn.execute("SELECT a FROM t WHERE n = ?", (name,))')
    assert result["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "app.py", "uriBaseId": "%SRCROOT%"}


def test_sarif_is_byte_identical_across_runs(sample_app, sarif_validator, monkeypatch):
    monkeypatch.chdir(sample_app.parents[1])
    every_rule = Config(select=("ALL",))
    first = sarif.render(run([Path("fixtures/sample_app")], every_rule, jobs=1))
    second = sarif.render(run([Path("fixtures/sample_app")], every_rule, jobs=2))
    assert first == second and json.loads(first)["runs"][0]["results"]
    assert list(sarif_validator.iter_errors(json.loads(first))) == []


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
    log = _sarif(tmp_path, capsys, "ok.py", "--select", "BR000,BR101")
    assert list(sarif_validator.iter_errors(log)) == []
    assert log["runs"][0]["results"] == []
    assert {r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]} == {"BR000", "BR101"}


def test_default_configuration_says_whether_a_rule_is_on_by_default(
        tmp_path, sarif_validator, capsys, monkeypatch):
    import dataclasses

    from backendreview import metadata

    # One rule each way, whatever the shipped defaults are.
    docs = dict(metadata.load_rule_docs())
    docs["BR101"] = dataclasses.replace(docs["BR101"], default_enabled=False,
                                        default_off_reason="Measured 40% precision.")
    docs["BR102"] = dataclasses.replace(docs["BR102"], default_enabled=True)
    monkeypatch.setattr(sarif, "load_rule_docs", lambda: docs)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ok.py").write_text("x = 1\n", encoding="utf-8")
    log = _sarif(tmp_path, capsys, "ok.py", "--select", "BR101,BR102")
    assert list(sarif_validator.iter_errors(log)) == []
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["BR101"]["defaultConfiguration"] == {"enabled": False, "level": "error"}
    # Enabled is SARIF's default, so only the level is written.
    assert rules["BR102"]["defaultConfiguration"] == {"level": "warning"}
    assert "Measured 40% precision." in rules["BR101"]["help"]["markdown"]


BAD_SQL = (
    "import sqlite3\n"
    "def f(conn: sqlite3.Connection, name):\n"
    "    return conn.execute(f\"SELECT a FROM t WHERE n = '{name}'\")\n"
)


@pytest.mark.parametrize(("setup", "args", "needle"), [
    ("config", ["check", "."], "unknown key 'selct'"),
    (None, ["check", ".", "--no-such-option"], "No such option: --no-such-option"),
    (None, ["check", ".", "--select", "XX1"], "'XX1' is not a rule code"),
    (None, ["check", "missing_dir"], "path does not exist: missing_dir"),
    ("crash", ["check", "."], "internal error: RuntimeError: engine exploded"),
    (None, ["check", ".", "--baseline", "nope.json"], "--baseline: nope.json: cannot read"),
])
@pytest.mark.parametrize("spelling", ["separate", "joined"])
def test_failed_run_with_sarif_output_writes_a_failure_log(
        tmp_path, sarif_validator, capsys, monkeypatch, setup, args, needle, spelling):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.py").write_text(BAD_SQL, encoding="utf-8")
    if setup == "config":
        (tmp_path / "pyproject.toml").write_text("[tool.backendreview]\nselct = []\n",
                                                 encoding="utf-8")
    if setup == "crash":
        import backendreview.engine as engine_module

        def explode(*_args, **_kwargs):  # type: ignore[no-untyped-def]
            raise RuntimeError("engine exploded")

        # The CLI imports the engine when a command runs (start-up stays light).
        monkeypatch.setattr(engine_module, "run", explode)
    out = tmp_path / "out.sarif"
    extra = (["--format", "sarif", "--output", str(out)] if spelling == "separate"
             else ["--format=SARIF", f"-o{out}"])
    assert main([*args[:1], *extra, *args[1:]]) == 2
    err = capsys.readouterr().err
    assert needle in err
    log = json.loads(out.read_text(encoding="utf-8"))
    assert list(sarif_validator.iter_errors(log)) == []
    (run_,) = log["runs"]
    assert run_["results"] == []
    invocation = run_["invocations"][0]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "error" and needle in note["message"]["text"]


def test_no_failure_log_without_sarif_output(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["check", "missing", "--format", "json", "-o", "out.json"]) == 2
    assert not (tmp_path / "out.json").exists()
    assert main(["check", "missing", "--format", "sarif"]) == 2
    assert capsys.readouterr().out == ""


def test_fingerprints_survive_line_shifts_and_number_duplicates(tmp_path, sarif_validator,
                                                                 capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    dup = BAD_SQL + "def g(conn: sqlite3.Connection, name):\n" + BAD_SQL.splitlines(True)[2]
    (tmp_path / "app.py").write_text(dup, encoding="utf-8")
    first = [r["partialFingerprints"]["backendreview/v1"]
             for r in _sarif(tmp_path, capsys, "app.py", "--select", "BR101")["runs"][0][
                 "results"]]
    assert [fp.split(":")[1] for fp in first] == ["1", "2"]
    assert first[0].split(":")[0] == first[1].split(":")[0]
    (tmp_path / "app.py").write_text("# moved\n\n" + dup, encoding="utf-8")
    log = _sarif(tmp_path, capsys, "app.py", "--select", "BR101")
    assert list(sarif_validator.iter_errors(log)) == []
    moved = log["runs"][0]["results"]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in moved] == [5, 7]
    assert [r["partialFingerprints"]["backendreview/v1"] for r in moved] == first
    assert "primaryLocationLineHash" not in moved[0]["partialFingerprints"]


def test_invocation_names_the_working_directory(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ok.py").write_text("x = 1\n", encoding="utf-8")
    invocation = _sarif(tmp_path, capsys, "ok.py")["runs"][0]["invocations"][0]
    assert invocation == {"executionSuccessful": True,
                          "workingDirectory": {"uri": tmp_path.resolve().as_uri() + "/"}}
