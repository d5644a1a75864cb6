"""The reviewed code is never imported or run (issue 18).

A hostile pull request plants modules that shadow the standard library and the tool itself,
a conftest.py, a setup.py, site hooks and a .pth file; each would write a marker file
outside the tree when imported. The GitHub Action's own command (read from action.yml), the
console script and astroid inference all run over the tree, and no marker may appear while
the findings stay real."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import astroid
import pytest
import yaml

from backendreview.config import Config
from backendreview.context import FileContext
from backendreview.semantic import SemanticBuilder

ROOT = Path(__file__).resolve().parents[1]
BAD = ("import sqlite3\n\ndef find(conn: sqlite3.Connection, email):\n"
       "    return conn.execute(f\"SELECT id FROM users WHERE email = '{email}'\")\n")
# Shadows of modules the tool or Python imports, and files other tools execute.
PLANTED = ("functools.py", "json.py", "yaml.py", "typing.py", "re.py", "enum.py",
           "pathlib.py", "subprocess.py", "shlex.py", "dataclasses.py", "typer.py", "rich.py",
           "libcst.py", "astroid.py", "pathspec.py", "sarif_om.py", "inflect.py",
           "sitecustomize.py", "usercustomize.py", "conftest.py", "setup.py", "module.py",
           "venv.py", "pip.py", "backendreview/__init__.py", "backendreview/__main__.py",
           "backendreview/github_action.py", "backendreview/cli.py")


def _payload(marker: Path, name: str) -> str:
    return (f"open({str(marker / name.replace('/', '.'))!r}, 'w').write('ran')\n"
            "import sys\nsys.exit(0)\n")


@pytest.fixture
def hostile(tmp_path):
    tree, markers = tmp_path / "checkout", tmp_path / "markers"
    tree.mkdir()
    markers.mkdir()
    for name in PLANTED:
        (tree / name).parent.mkdir(exist_ok=True)
        (tree / name).write_text(_payload(markers, name), encoding="utf-8")
    (tree / "zz-evil.pth").write_text(
        f"import os; open({str(markers / 'pth')!r}, 'w').write('ran')\n", encoding="utf-8")
    (tree / "app.py").write_text("import module\n\nvalue = module.thing()\n", encoding="utf-8")
    (tree / "bad.py").write_text(BAD, encoding="utf-8")
    return tree, markers


def _environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "GITHUB_", "INPUT_"))}
    env.update(extra)
    return env


def _review_step_script() -> str:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    (step,) = [s for s in action["runs"]["steps"] if s.get("id") == "review"]
    return step["run"]


def test_action_command_runs_nothing_from_the_checkout(hostile, tmp_path):
    tree, markers = hostile
    sarif, output = tmp_path / "out.sarif", tmp_path / "github_output"
    env = _environment(BR_PYTHON=sys.executable, INPUT_PATHS=".", INPUT_ARGS="--select ALL",
                       INPUT_FAIL_ON="error", INPUT_DIFF_ONLY="false",
                       INPUT_SARIF_FILE=str(sarif), GITHUB_OUTPUT=str(output),
                       RUNNER_TEMP=str(tmp_path))
    proc = subprocess.run(["bash", "-c", _review_step_script()], cwd=tree, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert sorted(p.name for p in markers.iterdir()) == [], proc.stdout + proc.stderr
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    assert outputs["exit-code"] == "1"  # the real tool ran and found bad.py
    assert outputs["status"] == "1"
    results = json.loads(sarif.read_text(encoding="utf-8"))["runs"][0]["results"]
    found = {(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
             for r in results}
    assert ("BR101", "bad.py") in found


def test_console_script_runs_nothing_from_the_checkout(hostile):
    tree, markers = hostile
    script = Path(sys.executable).parent / "backendreview"
    # Every rule, off by default or not: none of them may run the checkout's code.
    proc = subprocess.run([str(script), "check", ".", "--select", "ALL", "--format", "json"],
                          cwd=tree, env=_environment(), capture_output=True, text=True,
                          timeout=300, check=False)
    assert sorted(p.name for p in markers.iterdir()) == [], proc.stderr
    findings = json.loads(proc.stdout)["findings"]
    assert ("bad.py", "BR101") in [(f["path"], f["rule"]) for f in findings]


def test_astroid_inference_parses_but_never_imports(hostile, monkeypatch):
    tree, markers = hostile
    # The worst case: the checkout is importable (the tool's own modules, astroid included,
    # are loaded already, as in a real run).
    monkeypatch.syspath_prepend(str(tree))
    monkeypatch.chdir(tree)
    text = (tree / "app.py").read_text(encoding="utf-8")
    module = ast.parse(text)
    ctx = FileContext("app.py", text, module, SemanticBuilder(module).build(), Config())
    call = module.body[1].value
    ctx.infer(call)  # follows `module.thing` into module.py
    ctx.infer(call.func)
    assert astroid.MANAGER.always_load_extensions is False
    assert sorted(p.name for p in markers.iterdir()) == []
