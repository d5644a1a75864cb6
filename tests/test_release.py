"""scripts/release.py on a throwaway copy of the project: version, changelog, commit, tag and
a built, installable wheel; nothing published without --publish; bad starts refused."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .gitrepo import _ENV as GIT_IDENTITY
from .gitrepo import Repo

ROOT = Path(__file__).resolve().parents[1]


def _release_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("release", ROOT / "scripts" / "release.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def checkout(tmp_path) -> Repo:
    repo = Repo(tmp_path / "project")
    for name in ("pyproject.toml", "README.md", "CHANGELOG.md", "action.yml",
                 ".pre-commit-hooks.yaml"):
        shutil.copy(ROOT / name, repo.root / name)
    for folder in ("src", "rules"):
        shutil.copytree(ROOT / folder, repo.root / folder,
                        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    (repo.root / ".gitignore").write_text("dist/\n", encoding="utf-8")
    (repo.root / "CHANGELOG.md").write_text(
        "# Changelog\n\n## Unreleased\n\n- Something new.\n\n## 0.1.0\n\n- First.\n",
        encoding="utf-8")
    repo.commit("project")
    return repo


def _release(repo: Repo, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "release.py"), *args,
                           "--root", str(repo.root), "--date", "2026-11-29"],
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, **GIT_IDENTITY})


def test_release_bumps_tags_and_builds_without_publishing(checkout):
    proc = _release(checkout, "0.2.0")
    assert proc.returncode == 0, proc.stderr
    root = checkout.root
    assert '__version__ = "0.2.0"' in (root / "src/backendreview/__init__.py").read_text(
        encoding="utf-8")
    assert (root / "CHANGELOG.md").read_text(encoding="utf-8") == (
        "# Changelog\n\n## Unreleased\n\n## 0.2.0 - 2026-11-29\n\n- Something new.\n\n"
        "## 0.1.0\n\n- First.\n")
    assert checkout.git("log", "-1", "--format=%s") == "Release 0.2.0"
    assert checkout.git("describe", "--tags", "--exact-match") == "v0.2.0"
    assert checkout.git("status", "--porcelain") == ""
    built = sorted(p.name for p in (root / "dist").iterdir())
    assert built == ["backendreview-0.2.0-py3-none-any.whl", "backendreview-0.2.0.tar.gz"]
    names = zipfile.ZipFile(root / "dist" / built[0]).namelist()
    assert "backendreview/cli.py" in names
    assert any(n.startswith("backendreview/rules/") and n.endswith(".yaml") for n in names)
    assert "not published" in proc.stdout and "twine upload" in proc.stdout


def _commit_file(repo: Repo, name: str, text: str) -> None:
    (repo.root / name).write_text(text, encoding="utf-8")
    repo.commit(f"edit {name}")


@pytest.mark.parametrize(("prepare", "version", "needle"), [
    (lambda r: None, "0.1.0", "is not greater than the current 0.1.0"),
    (lambda r: None, "1.0", "is not MAJOR.MINOR.PATCH"),
    (lambda r: (r.root / "README.md").write_text("edited\n", encoding="utf-8"), "0.2.0",
     "uncommitted changes"),
    (lambda r: _commit_file(r, "CHANGELOG.md", "# Changelog\n\n## Unreleased\n\n## 0.1.0\n"),
     "0.2.0", "the '## Unreleased' section is empty"),
    (lambda r: r.git("tag", "v0.2.0"), "0.2.0", "tag v0.2.0 already exists"),
])
def test_release_refuses_a_bad_start(checkout, prepare, version, needle):
    prepare(checkout)
    head = checkout.git("rev-parse", "HEAD")
    proc = _release(checkout, version)
    assert proc.returncode == 2
    assert proc.stderr.startswith("release: error: ") and needle in proc.stderr, proc.stderr
    assert checkout.git("rev-parse", "HEAD") == head
    assert not (checkout.root / "dist").exists()
    # Nothing was changed on the way out.
    assert '__version__ = "0.1.0"' in (checkout.root / "src/backendreview/__init__.py"
                                       ).read_text(encoding="utf-8")


def test_publish_pushes_and_uploads(checkout, monkeypatch):
    release = _release_module()
    calls: list[list[str]] = []
    monkeypatch.setattr(release, "_run", lambda args, cwd, **kw: calls.append(args) or "main")
    release.publish(checkout.root, "0.2.0", [Path("dist/a.whl"), Path("dist/a.tar.gz")])
    assert calls[1] == ["git", "push", "origin", "main", "v0.2.0"]
    assert calls[2] == [sys.executable, "-m", "twine", "upload", "dist/a.whl",
                        "dist/a.tar.gz"]
