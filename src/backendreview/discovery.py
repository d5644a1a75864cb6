"""Which files to review: walk the given paths, honour .gitignore inside a git work tree,
skip virtualenvs, build output and caches, and apply `exclude` / `extend-exclude` globs."""

from __future__ import annotations

import functools
import os
import subprocess
from pathlib import Path

import pathspec

from .config import Config
from .globs import compile_globs

DEFAULT_EXCLUDES = (
    ".bzr", ".direnv", ".eggs", ".git", ".git-rewrite", ".hg", ".ipynb_checkpoints",
    ".mypy_cache", ".nox", ".pants.d", ".pyenv", ".pytest_cache", ".pytype", ".ruff_cache",
    ".svn", ".tox", ".venv", ".vscode", "__pypackages__", "__pycache__", "_build",
    "buck-out", "build", "dist", "node_modules", "site-packages", "venv",
    ".backendreview_cache",
)
SUFFIXES = (".py", ".pyi")


def _git_visible(directory: Path) -> set[Path] | None:
    """Files git would consider (tracked, or untracked and not ignored); None outside git."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "."],
            cwd=directory, capture_output=True, timeout=60, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0:
        return None
    names = out.stdout.decode("utf-8", "replace").split("\0")
    return {(directory / p).resolve() for p in names if p}


def discover(paths: list[Path], config: Config) -> list[Path]:
    excludes = config.exclude if config.exclude is not None else DEFAULT_EXCLUDES
    spec = compile_globs(tuple(excludes) + config.extend_exclude)
    root = config.root.resolve()
    found: set[Path] = set()

    for given in paths:
        if given.is_file():
            # A file named explicitly is reviewed whatever its suffix or the excludes say,
            # unless --force-exclude asks for the excludes (as pre-commit hooks do).
            if config.force_exclude and _named_file_excluded(given, spec, excludes, root):
                continue
            found.add(given.resolve())
            continue
        if not given.is_dir():
            continue
        # Globs apply to what the walk finds below a directory named explicitly, never to
        # the directory itself or its parents: reviewing /srv/build/app, or `dist/` on
        # purpose, must not silently review nothing. Paths are matched relative to the
        # configuration's root when the directory lies inside it (so anchored globs work).
        try:
            prefix = given.resolve().relative_to(root).as_posix() + "/"
        except ValueError:
            prefix = ""
        if prefix == "./" or spec.match_file(prefix + "x"):
            prefix = ""

        def excluded(rel: str, prefix: str = prefix) -> bool:
            return spec.match_file(prefix + rel)

        visible = _git_visible(given) if config.respect_gitignore else None
        for dirpath, dirnames, filenames in os.walk(given):
            here = Path(dirpath)
            below = here.relative_to(given).as_posix()
            below = "" if below == "." else below + "/"
            keep = []
            for d in sorted(dirnames):
                sub = here / d
                if d in excludes or (sub / "pyvenv.cfg").exists() or excluded(below + d + "/x"):
                    continue
                keep.append(d)
            dirnames[:] = keep
            for name in filenames:
                if not name.endswith(SUFFIXES):
                    continue
                path = (here / name).resolve()
                if visible is not None and path not in visible:
                    continue
                if excluded(below + name):
                    continue
                found.add(path)
    return sorted(found)


def excluded_by(path: Path, config: Config) -> bool:
    """Do `config`'s excludes (relative to its root) cover `path`? For a file found below a
    directory that another configuration governs (a nested service's own extend-exclude)."""
    excludes, spec = _exclude_spec(config.exclude, config.extend_exclude)
    root = config.root.resolve()
    try:
        path.resolve().relative_to(root)
    except ValueError:
        return False
    return _named_file_excluded(path, spec, excludes, root)


@functools.lru_cache(maxsize=64)
def _exclude_spec(exclude: tuple[str, ...] | None, extend: tuple[str, ...]
                  ) -> tuple[tuple[str, ...], pathspec.PathSpec]:
    """Compiled once per configuration, not once per file."""
    excludes = exclude if exclude is not None else DEFAULT_EXCLUDES
    return excludes, compile_globs(tuple(excludes) + extend)


def _named_file_excluded(path: Path, spec, excludes, root: Path) -> bool:  # type: ignore[no-untyped-def]
    """--force-exclude: does an explicitly named file fall under the excludes?"""
    resolved = path.resolve()
    try:
        rel = resolved.relative_to(root).as_posix()
    except ValueError:
        rel = resolved.as_posix().lstrip("/")
    parts = rel.split("/")
    return spec.match_file(rel) or any(part in excludes for part in parts[:-1])


def display_path(path: Path, base: Path | None = None) -> str:
    """Path as reported: relative to the working directory when inside it, with '/'."""
    base = (base or Path.cwd()).resolve()
    resolved = path.resolve()
    try:
        return resolved.relative_to(base).as_posix()
    except ValueError:
        return resolved.as_posix()
