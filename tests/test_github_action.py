"""The GitHub Action: its logic run locally under a simulated GITHUB_* environment over a
repository with a base and a head commit, and action.yml checked for its inputs and for
expressions pasted into scripts."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from backendreview import github_action

from .test_diff import make_pull_request

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def pull_request(tmp_path, monkeypatch):
    repo = make_pull_request(tmp_path / "repo")
    monkeypatch.chdir(repo.root)
    return repo


def _environment(tmp_path: Path, repo, event_name: str = "pull_request",  # type: ignore[no-untyped-def]
                 **inputs: str | None) -> dict[str, str]:
    runner = tmp_path / "runner"
    runner.mkdir(exist_ok=True)
    event: dict = {}
    if event_name == "pull_request":
        event = {"number": 7, "pull_request": {
            "base": {"ref": "main", "sha": repo.git("rev-parse", "main")},
            "head": {"ref": "feature", "sha": repo.git("rev-parse", "HEAD")}}}
    (runner / "event.json").write_text(json.dumps(event), encoding="utf-8")
    env = {"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": event_name,
           "GITHUB_EVENT_PATH": str(runner / "event.json"),
           "GITHUB_STEP_SUMMARY": str(runner / "summary.md"),
           "GITHUB_OUTPUT": str(runner / "output.txt"), "RUNNER_TEMP": str(runner),
           "GITHUB_WORKSPACE": str(repo.root)}
    # The rule the pull request exercises, chosen here rather than taken from the default set
    # (test_action_follows_the_default_set is about that).
    inputs.setdefault("args", "--select BR101")
    env.update({f"INPUT_{k.upper()}": v for k, v in inputs.items() if v is not None})
    return env


def _outputs(env: dict[str, str]) -> dict[str, str]:
    return dict(line.split("=", 1) for line in Path(env["GITHUB_OUTPUT"]).read_text(
        encoding="utf-8").splitlines())


ANNOTATION_REPORTS = (
    "::error file=app/reports.py,line=9,endLine=9,col=12,endColumn=57,title=BR101 raw-sql::"
    "SQL passed to `conn.execute()` is built with an f-string from `table`; a bound parameter "
    "cannot carry this part, so check it against an allowlist or quote it as an identifier")


def test_pull_request_run_annotates_only_changed_lines(pull_request, tmp_path,
                                                        sarif_validator):
    env = _environment(tmp_path, pull_request)
    proc = subprocess.run([sys.executable, "-m", "backendreview.github_action"],
                          cwd=pull_request.root, capture_output=True, text=True, timeout=300,
                          env={**os.environ, **env, "PYTHONPATH": str(ROOT / "src")})
    assert proc.returncode == 1, proc.stderr
    annotations = [line for line in proc.stdout.splitlines() if line.startswith("::")]
    assert [re.match(r"::(\w+) file=([^,]+),line=(\d+)", a).groups() for a in annotations] == [
        ("error", "app/reports.py", "9"), ("error", "app/users.py", "10")]
    assert annotations[0].split("%0AFix:")[0] == ANNOTATION_REPORTS.split("%0AFix:")[0]

    summary = Path(env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")
    assert "5 finding(s): 5 error, 0 warning, 0 note; **2 on lines this pull request changed**" \
        in summary
    rows = [line for line in summary.splitlines() if line.startswith("| ") and "`" in line]
    assert [(r.split(" | ")[0], r.split("`")[1]) for r in rows] == [
        ("| 🆕", "app/reports.py:9"), ("| 🆕", "app/users.py:10"),
        ("| ", "app/reports.py:5"), ("| ", "app/shared.py:5"), ("| ", "app/users.py:6")]
    assert " | error | BR101 raw-sql | " in rows[0]

    outputs = _outputs(env)
    assert outputs == {"sarif-file": str(tmp_path / "runner" / "backendreview.sarif"),
                       "findings": "5", "findings-in-diff": "2", "routes-flagged": "0",
                       "exit-code": "1"}
    log = json.loads(Path(outputs["sarif-file"]).read_text(encoding="utf-8"))
    assert list(sarif_validator.iter_errors(log)) == []
    results = log["runs"][0]["results"]
    assert sorted((r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                   r["locations"][0]["physicalLocation"]["region"]["startLine"])
                  for r in results) == [("app/reports.py", 5), ("app/reports.py", 9),
                                        ("app/shared.py", 5), ("app/users.py", 6),
                                        ("app/users.py", 10)]
    assert log["runs"][0]["invocations"][0]["executionSuccessful"] is True


def test_push_run_annotates_every_finding(pull_request, tmp_path, capsys):
    env = _environment(tmp_path, pull_request, event_name="push")
    assert github_action.main(env) == 1
    annotations = [line for line in capsys.readouterr().out.splitlines() if line.startswith("::")]
    assert len(annotations) == 5 and all(a.startswith("::error file=app/") for a in annotations)
    assert "on lines this pull request changed" not in Path(
        env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")


def test_inputs_paths_args_fail_on_and_diff_only(pull_request, tmp_path, capsys):
    env = _environment(tmp_path, pull_request, paths="app/users.py app/shared.py",
                       args="--select BR1 --ignore BR000", fail_on="never", diff_only="false")
    assert github_action.main(env) == 0
    out = capsys.readouterr().out
    assert ("backendreview check app/users.py app/shared.py --select BR1 --ignore BR000 "
            "--format sarif") in out
    assert [a.split(",")[0] for a in out.splitlines() if a.startswith("::")] == [
        "::error file=app/shared.py", "::error file=app/users.py", "::error file=app/users.py"]
    assert _outputs(env)["exit-code"] == "0"


@pytest.mark.parametrize("args", [None, "--extend-select BR101"])
def test_action_follows_the_default_set(pull_request, tmp_path, capsys, args):
    """Without arguments the Action reviews with the rules `backendreview check` has on by
    default (read from the rule's YAML); `args` opts into one that is off."""
    from backendreview.metadata import load_rule_docs

    env = _environment(tmp_path, pull_request, event_name="push", args=args)
    assert "INPUT_ARGS" not in env or args
    reported = load_rule_docs()["BR101"].default_enabled or args is not None
    code = github_action.main(env)
    annotations = [a for a in capsys.readouterr().out.splitlines() if a.startswith("::")]
    assert [a.split(" file=")[0] for a in annotations if "title=BR101 " in a] == (
        ["::error"] * 5 if reported else [])
    assert code == 1 or not reported


def test_pull_request_with_no_new_findings_passes(pull_request, tmp_path, capsys):
    pull_request.git("checkout", "-q", "main")
    pull_request.git("checkout", "-q", "-b", "docs")
    pull_request.write("README.md", "docs\n")
    pull_request.commit("docs only")
    env = _environment(tmp_path, pull_request)
    assert github_action.main(env) == 0
    assert [a for a in capsys.readouterr().out.splitlines() if a.startswith("::")] == []
    assert _outputs(env)["findings-in-diff"] == "0"


def test_failed_review_still_writes_sarif_and_reports_the_error(pull_request, tmp_path,
                                                                capsys, sarif_validator):
    env = _environment(tmp_path, pull_request, args="--select XX1")
    assert github_action.main(env) == 2
    out = capsys.readouterr().out
    assert "::error title=backendreview::--select: 'XX1' is not a rule code or prefix" in out
    log = json.loads(Path(_outputs(env)["sarif-file"]).read_text(encoding="utf-8"))
    assert list(sarif_validator.iter_errors(log)) == []
    assert log["runs"][0]["invocations"][0]["executionSuccessful"] is False
    summary = Path(env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")
    assert "**The review failed:**" in summary and "'XX1' is not a rule code" in summary


def test_bad_input_value_is_reported(pull_request, tmp_path, capsys):
    env = _environment(tmp_path, pull_request, fail_on="loud")
    assert github_action.main(env) == 2
    assert "::error title=backendreview::fail-on: 'loud' is not one of" in capsys.readouterr().out


# --- action.yml -------------------------------------------------------------------------

def _action() -> dict:
    return yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))


def test_action_is_composite_and_uploads_with_codeql_action():
    action = _action()
    assert action["runs"]["using"] == "composite"
    uses = [s["uses"] for s in action["runs"]["steps"] if "uses" in s]
    assert uses == ["github/codeql-action/upload-sarif@v4"]
    assert set(action["inputs"]) == {"paths", "args", "version", "fail-on", "diff-only",
                                     "sarif-upload", "category"}


def test_every_input_is_used():
    action = _action()
    text = yaml.safe_dump(action["runs"])
    for name in action["inputs"]:
        assert re.search(rf"inputs\.{re.escape(name)}\b", text), name


def test_no_expression_is_interpolated_into_a_script():
    for step in _action()["runs"]["steps"]:
        if "run" in step:
            assert "${{" not in step["run"], step.get("name")
            assert step["shell"] == "bash"
            # Every variable the script reads from env: is defined there or by the runner.
            used = set(re.findall(r"\$\{?(BR_\w+|INPUT_\w+)", step["run"]))
            assert used <= set(step.get("env", {})), step.get("name")


def test_action_env_names_match_what_the_module_reads():
    review = next(s for s in _action()["runs"]["steps"] if s.get("id") == "review")
    names = {n for n in review["env"] if n.startswith("INPUT_")}
    source = (ROOT / "src" / "backendreview" / "github_action.py").read_text(encoding="utf-8")
    assert names == set(re.findall(r'"(INPUT_[A-Z_]+)"', source))
