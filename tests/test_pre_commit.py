"""The pre-commit hooks, run by pre-commit itself against a temporary repository whose
config points at a copy of this checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .gitrepo import Repo
from .samples import FIND_USER

ROOT = Path(__file__).resolve().parents[1]
BAD = FIND_USER
# What pip prints when it cannot reach the package index.
OFFLINE = ("NewConnectionError", "Temporary failure in name resolution", "No matching "
           "distribution found", "Network is unreachable", "ProxyError", "ConnectTimeout")


def test_hook_manifest():
    hooks = {h["id"]: h for h in yaml.safe_load(
        (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert set(hooks) == {"backendreview", "backendreview-fix"}
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["types_or"] == ["python", "pyi"]
        assert hook["require_serial"] is True
        assert hook["entry"].startswith("backendreview check --force-exclude")
    assert hooks["backendreview-fix"]["entry"].endswith("--fix")


def test_force_exclude_applies_excludes_to_named_files(tmp_path, monkeypatch, capsys):
    from backendreview.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "migrations").mkdir()
    (tmp_path / "migrations" / "m.py").write_text(BAD, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        "[tool.backendreview]\nselect = ['BR101']\nextend-exclude = ['migrations/**']\n",
        encoding="utf-8")
    assert main(["check", "-q", "migrations/m.py"]) == 1
    assert main(["check", "-q", "--force-exclude", "migrations/m.py"]) == 0
    capsys.readouterr()


def _checkout_copy(target: Path) -> str:
    """This checkout's working tree (uncommitted changes included) as a one-commit repo."""
    repo = Repo(target)
    for name in ("src", "rules"):
        shutil.copytree(ROOT / name, target / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy2(ROOT / name, target / name)
    return repo.commit("checkout under test")


def test_pre_commit_runs_the_hook(tmp_path):
    pytest.importorskip("pre_commit")
    rev = _checkout_copy(tmp_path / "backendreview")
    project = Repo(tmp_path / "project")
    project.write("app/users.py", BAD)
    project.write("migrations/0001_initial.py", BAD)
    project.write("app/clean.py", "x = 1\n")
    # BR101 chosen here, not taken from the default set.
    project.write("pyproject.toml", "[tool.backendreview]\nselect = ['BR101']\n"
                                    "extend-exclude = ['migrations/**']\n")
    project.write(".pre-commit-config.yaml", yaml.safe_dump({"repos": [{
        "repo": str(tmp_path / "backendreview"), "rev": rev,
        "hooks": [{"id": "backendreview"}]}]}))
    project.commit("project")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
           "PRE_COMMIT_COLOR": "never", "NO_COLOR": "1"}
    env.pop("PYTHONPATH", None)  # the hook must run the installed copy, not this source tree
    proc = subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files"],
                          cwd=project.root, env=env, capture_output=True, text=True,
                          timeout=600)
    output = proc.stdout + proc.stderr
    log = tmp_path / "pre-commit-home" / "pre-commit.log"
    details = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    if proc.returncode == 3 and any(marker in output + details for marker in OFFLINE):
        pytest.skip("pre-commit could not create the hook environment: the package index is "
                    "unreachable (the hook installs backendreview and its dependencies)")
    assert proc.returncode == 1, output + details
    assert "backendreview" in output and "Failed" in output
    assert "app/users.py:5:12: BR101 [error] SQL passed to `conn.execute()`" in output
    assert "migrations/" not in output.split("- exit code: 1", 1)[1]
    assert "clean.py" not in output
