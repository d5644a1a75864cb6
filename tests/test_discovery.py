"""Discovery: which files a run reviews. Directories are walked for .py/.pyi files; virtualenvs,
build output, caches and VCS directories are skipped; `exclude` replaces the default excludes
and `extend-exclude` adds to them (gitignore-style globs relative to the config root); a file
named explicitly is always reviewed; inside a git work tree .gitignore is honoured."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from backendreview.config import Config
from backendreview.discovery import DEFAULT_EXCLUDES, discover

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _touch(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n", encoding="utf-8")


def _rel(paths: list[Path], root: Path) -> list[str]:
    base = root.resolve()
    return [p.relative_to(base).as_posix() for p in paths]


def _found(root: Path, paths: list[Path] | None = None, **config) -> list[str]:
    return _rel(discover(paths if paths is not None else [root], Config(root=root, **config)),
                root)


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "config", "user.email", "test@example.com")
    _git(tmp_path, "config", "user.name", "Test")
    _git(tmp_path, "config", "commit.gpgsign", "false")
    return tmp_path


# -- walking -------------------------------------------------------------------------------------

def test_directories_are_walked_for_py_and_pyi_files_only(tmp_path):
    _touch(tmp_path, "a.py", "b.pyi", "pkg/__init__.py", "pkg/deep/er/mod.py", "notes.txt",
           "pkg/mod.pyc", "pkg/mod.py~", "pkg/mod.pyx", "script", "pkg/data.json",
           "pkg/python.py.bak")
    assert _found(tmp_path) == ["a.py", "b.pyi", "pkg/__init__.py", "pkg/deep/er/mod.py"]


@pytest.mark.parametrize("name", [".venv", "venv", "build", "dist", "node_modules", ".git",
                                  "__pycache__", ".tox", ".mypy_cache", ".pytest_cache",
                                  "site-packages", ".eggs", "_build"])
def test_default_excludes_at_any_depth(tmp_path, name):
    _touch(tmp_path, "app/keep.py", f"{name}/top.py", f"app/{name}/inner.py",
           f"app/{name}/sub/deeper.py")
    assert _found(tmp_path) == ["app/keep.py"]


def test_a_directory_holding_pyvenv_cfg_is_a_virtualenv(tmp_path):
    _touch(tmp_path, "app/keep.py", "myenv/lib/python3.11/site.py", "myenv/bin/tool.py",
           "other/lib/mod.py")
    (tmp_path / "myenv" / "pyvenv.cfg").write_text("home = /usr/bin\n", encoding="utf-8")
    assert _found(tmp_path) == ["app/keep.py", "other/lib/mod.py"]


def test_exclude_replaces_the_defaults(tmp_path):
    _touch(tmp_path, "app/keep.py", "build/gen.py", ".venv/x.py", "legacy/old.py",
           "app/legacy/older.py", "env/x.py")
    (tmp_path / "env" / "pyvenv.cfg").write_text("", encoding="utf-8")
    # build/ and .venv/ are reviewed now; a real virtualenv is still skipped.
    assert _found(tmp_path, exclude=("legacy",)) == [".venv/x.py", "app/keep.py",
                                                     "build/gen.py"]


def test_empty_exclude_reviews_everything_but_virtualenvs(tmp_path):
    _touch(tmp_path, "a.py", "build/b.py", "__pycache__/c.py", "node_modules/d.py")
    assert _found(tmp_path, exclude=()) == ["__pycache__/c.py", "a.py", "build/b.py",
                                            "node_modules/d.py"]


def test_extend_exclude_adds_to_the_defaults(tmp_path):
    _touch(tmp_path, "app/views.py", "app/migrations/0001_initial.py", "app/api_pb2.py",
           "app/gen/a.py", "app/gen/sub/b.py", "top_only.py", "app/top_only.py", "build/x.py",
           "app/tests/test_views.py")
    found = _found(tmp_path, extend_exclude=("migrations/", "*_pb2.py", "/top_only.py",
                                             "app/gen/**", "test_*.py"))
    assert found == ["app/top_only.py", "app/views.py"]


def test_globs_are_relative_to_the_config_root_not_the_walked_directory(tmp_path):
    _touch(tmp_path, "app/gen/a.py", "app/core.py", "gen/b.py")
    config = Config(root=tmp_path, extend_exclude=("/app/gen",))
    assert _rel(discover([tmp_path / "app"], config), tmp_path) == ["app/core.py"]
    config = Config(root=tmp_path, extend_exclude=("/gen",))
    assert _rel(discover([tmp_path / "app"], config), tmp_path) == ["app/core.py",
                                                                    "app/gen/a.py"]


def test_a_directory_glob_does_not_exclude_a_file_of_that_name(tmp_path):
    _touch(tmp_path, "settings/base.py", "app/settings.py")
    assert _found(tmp_path, extend_exclude=("settings/",)) == ["app/settings.py"]


def test_a_file_named_explicitly_is_always_included(tmp_path):
    _touch(tmp_path, "build/gen.py", "legacy/old.py", "notes.txt", "tool", ".venv/x.py")
    paths = [tmp_path / "build" / "gen.py", tmp_path / "legacy" / "old.py",
             tmp_path / "notes.txt", tmp_path / "tool", tmp_path / ".venv" / "x.py"]
    assert _found(tmp_path, paths, extend_exclude=("legacy/", "*.txt")) == [
        ".venv/x.py", "build/gen.py", "legacy/old.py", "notes.txt", "tool"]


def test_a_directory_named_explicitly_is_walked_even_when_its_name_is_excluded(tmp_path):
    _touch(tmp_path, "build/gen.py", "build/__pycache__/c.py", "build/sub/x.py")
    assert _found(tmp_path, [tmp_path / "build"]) == ["build/gen.py", "build/sub/x.py"]


def test_a_project_below_an_excluded_name_outside_the_root_is_reviewed(tmp_path):
    # e.g. `cd / && backendreview check /build/app`: the parents of a named directory are
    # not the project's and must not exclude it.
    _touch(tmp_path, "build/app/views.py", "build/app/dist/out.py")
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    found = discover([tmp_path / "build" / "app"], Config(root=elsewhere))
    assert _rel(found, tmp_path) == ["build/app/views.py"]


def test_output_is_sorted_absolute_and_deduplicated(tmp_path):
    _touch(tmp_path, "z.py", "a/b.py", "m/__init__.py", "a/a.py", "B.py")
    paths = [tmp_path / "z.py", tmp_path, tmp_path / "a", tmp_path / "a" / "b.py"]
    first = discover(paths, Config(root=tmp_path))
    again = discover(list(reversed(paths)), Config(root=tmp_path))
    assert first == again == sorted(first)
    assert all(p.is_absolute() for p in first)
    assert _rel(first, tmp_path) == ["B.py", "a/a.py", "a/b.py", "m/__init__.py", "z.py"]


def test_relative_paths_give_the_same_files(tmp_path, monkeypatch):
    _touch(tmp_path, "pkg/a.py", "pkg/build/b.py")
    monkeypatch.chdir(tmp_path)
    assert discover([Path("pkg")], Config(root=tmp_path)) == [(tmp_path / "pkg" / "a.py")
                                                               .resolve()]
    assert discover([Path(".")], Config(root=tmp_path)) == [(tmp_path / "pkg" / "a.py")
                                                             .resolve()]


def test_missing_paths_are_skipped(tmp_path):
    _touch(tmp_path, "a.py")
    assert _found(tmp_path, [tmp_path / "missing", tmp_path / "a.py"]) == ["a.py"]


def test_default_excludes_cover_the_brief():
    for name in (".venv", "venv", "build", "dist", "node_modules", ".git", "__pycache__"):
        assert name in DEFAULT_EXCLUDES


# -- git ---------------------------------------------------------------------------------------

@needs_git
def test_gitignore_is_honoured_inside_a_git_repo(repo):
    _touch(repo, "app/tracked.py", "app/untracked.py", "gen/out.py", "app/settings_local.py",
           "app/secrets/keys.py", "app/secrets/readme.py", "app/nested/ok.py")
    (repo / ".gitignore").write_text("gen/\n*_local.py\n", encoding="utf-8")
    (repo / "app" / ".gitignore").write_text("secrets/keys.py\n", encoding="utf-8")
    _git(repo, "add", "app/tracked.py")
    _git(repo, "commit", "-q", "-m", "init")
    assert _found(repo) == ["app/nested/ok.py", "app/secrets/readme.py", "app/tracked.py",
                            "app/untracked.py"]


@needs_git
def test_nested_gitignore_applies_to_its_directory_only(repo):
    _touch(repo, "app/cache.py", "lib/cache.py")
    (repo / "app" / ".gitignore").write_text("cache.py\n", encoding="utf-8")
    assert _found(repo) == ["lib/cache.py"]


@needs_git
def test_respect_gitignore_false_includes_ignored_files(repo):
    _touch(repo, "app/a.py", "gen/out.py", "app/settings_local.py", "build/x.py")
    (repo / ".gitignore").write_text("gen/\n*_local.py\n", encoding="utf-8")
    assert _found(repo) == ["app/a.py"]
    # Default excludes still apply without .gitignore.
    assert _found(repo, respect_gitignore=False) == ["app/a.py", "app/settings_local.py",
                                                     "gen/out.py"]


@needs_git
def test_a_tracked_file_is_reviewed_even_if_a_later_gitignore_matches_it(repo):
    _touch(repo, "app/kept.py", "app/other.py")
    _git(repo, "add", "app/kept.py")
    _git(repo, "commit", "-q", "-m", "init")
    (repo / ".gitignore").write_text("app/\n", encoding="utf-8")
    assert _found(repo) == ["app/kept.py"]


@needs_git
def test_walking_a_subdirectory_of_a_repo_honours_the_repo_gitignore(repo):
    _touch(repo, "svc/api/views.py", "svc/api/gen_out.py", "svc/other.py")
    (repo / ".gitignore").write_text("gen_*.py\n", encoding="utf-8")
    assert _found(repo, [repo / "svc" / "api"]) == ["svc/api/views.py"]


@needs_git
def test_a_file_named_explicitly_is_included_even_if_gitignored(repo):
    _touch(repo, "gen/out.py")
    (repo / ".gitignore").write_text("gen/\n", encoding="utf-8")
    assert _found(repo) == []
    assert _found(repo, [repo / "gen" / "out.py"]) == ["gen/out.py"]


def test_gitignore_outside_a_git_repo_is_not_read(tmp_path):
    if subprocess.run(["git", "rev-parse"], cwd=tmp_path, capture_output=True).returncode == 0:
        pytest.skip("the temporary directory is inside a git work tree")
    _touch(tmp_path, "a.py", "gen/out.py")
    (tmp_path / ".gitignore").write_text("gen/\n", encoding="utf-8")
    assert _found(tmp_path) == ["a.py", "gen/out.py"]
