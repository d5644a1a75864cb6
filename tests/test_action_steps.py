"""action.yml end to end, as far as this machine allows: its composite steps run one after
another under the environment a GitHub runner gives a pull_request event (expressions in
`env:`, `with:` and `if:` evaluated the way the runner does, each step's $GITHUB_OUTPUT read
back into `steps.<id>.outputs`), and the file checked against the GitHub Action metadata
schema (check-jsonschema's vendored SchemaStore copy: actionlint's Python wrapper downloads
its binary, which this machine cannot).

The install step creates a virtualenv and pip-installs the action from its own directory,
which needs the package index and a minute: it runs for real with BACKENDREVIEW_ACTION_INSTALL=1;
otherwise it is checked with `bash -n` and its `python` output is this interpreter (which has
the package)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from .test_routes_diff import make_routes_pull_request

ROOT = Path(__file__).resolve().parents[1]
_EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
_NAME = re.compile(r"(?<![\w'.-])([a-z_]+(?:\.[A-Za-z0-9_-]+)+)")


class Runner:
    """Just enough of the Actions runner for a composite action's own expressions."""

    def __init__(self, action: dict, inputs: dict[str, str], github: dict[str, Any],
                 env: dict[str, str], temp: Path) -> None:
        self.action = action
        self.inputs = {name: str(spec.get("default", "")) for name, spec in
                       action["inputs"].items()} | inputs
        self.github = github
        self.env = env
        self.temp = temp
        self.steps: dict[str, dict[str, str]] = {}
        self.ran: list[str] = []
        self.uses: list[tuple[str, dict[str, str]]] = []

    def lookup(self, name: str) -> Any:
        head, *rest = name.split(".")
        if head == "inputs":
            assert rest[0] in self.inputs, f"unknown input {rest[0]}"
            return self.inputs[rest[0]]
        if head == "steps":
            step_id, kind, key = rest
            assert kind == "outputs"
            return self.steps.get(step_id, {}).get(key, "")
        if head == "runner":
            return {"temp": str(self.temp), "os": "Linux"}[rest[0]]
        if head == "github":
            value: Any = self.github
            for part in rest:
                value = value.get(part, "") if isinstance(value, dict) else ""
            return value
        raise AssertionError(f"unknown context {name}")

    def evaluate(self, expression: str) -> Any:
        python = expression.replace("&&", " and ").replace("||", " or ")
        python = python.replace("always()", "True").replace("!=", " != ")
        python = re.sub(r"(?<![=!<>])!(?!=)", " not ", python)
        python = _NAME.sub(lambda m: repr(self.lookup(m.group(1))), python)
        return eval(python, {"__builtins__": {}}, {"True": True})

    def substitute(self, text: str) -> str:
        return _EXPR.sub(lambda m: str(self.evaluate(m.group(1))), text)

    def run(self, real_install: bool) -> None:
        for step in self.action["runs"]["steps"]:
            condition = step.get("if")
            if condition is not None and not self.evaluate(_EXPR.sub(r"\1", str(condition))):
                continue
            self.ran.append(step.get("id") or step.get("name"))
            if "uses" in step:
                self.uses.append((step["uses"], {k: self.substitute(str(v))
                                                 for k, v in step.get("with", {}).items()}))
                continue
            outputs = self.temp / f"output-{len(self.ran)}.txt"
            outputs.write_text("", encoding="utf-8")
            env = {**self.env, "GITHUB_OUTPUT": str(outputs),
                   **{k: self.substitute(str(v)) for k, v in step.get("env", {}).items()}}
            if step.get("id") == "install" and not real_install:
                check = subprocess.run(["bash", "-n", "-c", step["run"]], capture_output=True,
                                       text=True)
                assert check.returncode == 0, check.stderr
                outputs.write_text(f"python={sys.executable}\n", encoding="utf-8")
                self.steps["install"] = {"python": sys.executable}
                continue
            proc = subprocess.run(["bash", "--noprofile", "--norc", "-e", "-o", "pipefail",
                                   "-c", step["run"]], env=env, cwd=self.env["GITHUB_WORKSPACE"],
                                  capture_output=True, text=True, timeout=900)
            self.log = getattr(self, "log", "") + proc.stdout + proc.stderr
            if step.get("id"):
                self.steps[step["id"]] = dict(
                    line.split("=", 1) for line in outputs.read_text(
                        encoding="utf-8").splitlines() if "=" in line)
            self.last_status = proc.returncode
            if proc.returncode != 0:
                return

    def outputs(self) -> dict[str, str]:
        return {name: self.substitute(spec["value"])
                for name, spec in self.action["outputs"].items()}


def _action() -> dict:
    return yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))


def _pull_request_runner(repo, tmp_path: Path, fork: bool = False,  # type: ignore[no-untyped-def]
                         **inputs: str) -> Runner:
    runner_temp = tmp_path / "runner"
    runner_temp.mkdir()
    event = {"number": 7, "pull_request": {
        "base": {"ref": "main", "sha": repo.git("rev-parse", "main"),
                 "repo": {"full_name": "acme/shop"}},
        "head": {"ref": "feature", "sha": repo.git("rev-parse", "HEAD"),
                 "repo": {"full_name": "someone/shop" if fork else "acme/shop"}}}}
    (runner_temp / "event.json").write_text(json.dumps(event), encoding="utf-8")
    github = {"event_name": "pull_request", "repository": "acme/shop", "event": event,
              "base_ref": "main", "head_ref": "feature"}
    python_bin = str(Path(sys.executable).parent)
    env = {"PATH": f"{python_bin}:{os.environ.get('PATH', '')}", "HOME": str(tmp_path),
           "CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request",
           "GITHUB_EVENT_PATH": str(runner_temp / "event.json"),
           "GITHUB_REPOSITORY": "acme/shop", "GITHUB_BASE_REF": "main",
           "GITHUB_HEAD_REF": "feature", "GITHUB_REF": "refs/pull/7/merge",
           "GITHUB_SHA": repo.git("rev-parse", "HEAD"), "GITHUB_WORKSPACE": str(repo.root),
           "GITHUB_STEP_SUMMARY": str(runner_temp / "summary.md"),
           "GITHUB_ACTION_PATH": str(ROOT), "RUNNER_TEMP": str(runner_temp),
           "RUNNER_OS": "Linux", "PYTHONPATH": str(ROOT / "src")}
    return Runner(_action(), inputs, github, env, runner_temp)


@pytest.fixture
def routes_pr(tmp_path):
    return make_routes_pull_request(tmp_path / "repo")


def test_steps_run_in_order_under_a_pull_request_event(routes_pr, tmp_path):
    runner = _pull_request_runner(routes_pr, tmp_path, **{"fail-on": "warning"})
    runner.run(real_install=os.environ.get("BACKENDREVIEW_ACTION_INSTALL") == "1")
    assert runner.ran == ["install", "review", "Upload SARIF to code scanning", "Result"]
    # The upload step receives the SARIF the review wrote, under the input's category.
    ((uses, with_),) = runner.uses
    assert uses == "github/codeql-action/upload-sarif@v4"
    assert with_["category"] == "backendreview"
    sarif = json.loads(Path(with_["sarif_file"]).read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0"
    outputs = runner.outputs()
    assert outputs["sarif-file"] == with_["sarif_file"]
    assert outputs["routes-flagged"] == "1"
    assert outputs["findings"].isdigit() and outputs["findings-in-diff"].isdigit()
    # The flagged route is an annotation, not a failure: findings on changed lines at or
    # above fail-on decide the job.
    expected = 1 if int(outputs["findings-in-diff"]) else 0
    assert runner.last_status == expected, runner.log
    summary = Path(runner.env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")
    assert summary.startswith("## backendreview\n")
    assert "## API surface changed by this pull request" in summary
    assert ("::warning file=app/orders.py,line=23,title=backendreview new route::"
            in runner.log)


def _upload_runs(runner: Runner) -> bool:
    """The upload step's `if:` after a review that wrote its SARIF (the review itself is run
    once, above; these only vary the event and the inputs)."""
    runner.steps["review"] = {"sarif-file": str(runner.temp / "backendreview.sarif"),
                              "status": "0"}
    (step,) = [s for s in runner.action["runs"]["steps"] if "uses" in s]
    return bool(runner.evaluate(str(step["if"])))


@pytest.mark.parametrize(("fork", "inputs", "uploads"), [
    (False, {}, True),
    (True, {}, False),  # a fork's token cannot write security events
    (False, {"sarif-upload": "false"}, False),
])
def test_upload_condition(routes_pr, tmp_path, fork, inputs, uploads):
    assert _upload_runs(_pull_request_runner(routes_pr, tmp_path, fork=fork, **inputs)) is uploads


def test_push_events_upload(routes_pr, tmp_path):
    runner = _pull_request_runner(routes_pr, tmp_path, fork=True)
    runner.github = {**runner.github, "event_name": "push", "event": {}}
    assert _upload_runs(runner) is True
    runner.steps["review"]["sarif-file"] = ""  # the review wrote nothing: nothing to upload
    (step,) = [s for s in runner.action["runs"]["steps"] if "uses" in s]
    assert not runner.evaluate(str(step["if"]))


# -- well-formedness -------------------------------------------------------------------------

def _schema_check(path: Path, schema: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema",
                           schema, str(path)], capture_output=True, text=True, timeout=300)


def test_action_yml_matches_the_github_action_schema(tmp_path):
    pytest.importorskip("check_jsonschema")
    proc = _schema_check(ROOT / "action.yml", "vendor.github-actions")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # The check has teeth: a composite run step without `shell` is rejected.
    broken = _action()
    del broken["runs"]["steps"][1]["shell"]
    (tmp_path / "action.yml").write_text(yaml.safe_dump(broken), encoding="utf-8")
    proc = _schema_check(tmp_path / "action.yml", "vendor.github-actions")
    assert proc.returncode == 1 and "shell" in proc.stdout


def test_readme_workflow_matches_the_workflow_schema(tmp_path):
    pytest.importorskip("check_jsonschema")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```yaml\n(.*?)```", readme, flags=re.S)
                 if "# .github/workflows/" in b)
    workflow = tmp_path / "backendreview.yml"
    workflow.write_text(block, encoding="utf-8")
    proc = _schema_check(workflow, "vendor.github-workflows")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # The README's `with:` keys are inputs the action declares.
    ours = block.split("uses: backendreview/", 1)[1].split("with:", 1)[1]
    used = set(re.findall(r"^\s+#?\s*([a-z-]+):", ours, flags=re.M))
    assert {"fail-on", "paths", "args"} <= used
    assert used <= set(_action()["inputs"]), used - set(_action()["inputs"])


def test_outputs_and_pinned_actions_are_well_formed():
    action = _action()
    step_ids = {s["id"] for s in action["runs"]["steps"] if "id" in s}
    source = (ROOT / "src" / "backendreview" / "github_action.py").read_text(encoding="utf-8")
    written = set(re.findall(r'(?:\\n|")([a-z-]+)=\{', source)) | {"status", "python"}
    for name, spec in action["outputs"].items():
        match = re.fullmatch(r"\$\{\{ steps\.([a-z-]+)\.outputs\.([a-z-]+) \}\}", spec["value"])
        assert match, name
        assert match.group(1) in step_ids and match.group(2) in written, name
        assert spec["description"].strip(), name
    for spec in action["inputs"].values():
        assert spec["description"].strip() and "default" in spec
    for step in action["runs"]["steps"]:
        if "uses" in step:
            # owner/repo[/path]@ref, ref a major version tag or a full commit SHA.
            assert re.fullmatch(r"[\w.-]+/[\w.-]+(/[\w./-]+)?@(v\d+|[0-9a-f]{40})",
                                step["uses"]), step["uses"]
