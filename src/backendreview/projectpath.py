"""A reviewed file's path as seen from its project's root."""

from __future__ import annotations

import functools
import os
from pathlib import Path


def project_relative(path: str, root: Path) -> str:
    """`path` as seen from the project root, for the path policies here: a project that
    happens to live under `~/tests/` or `/srv/examples/` is still reviewed when named by
    an absolute path. Paths outside the root are returned unchanged."""
    try:
        absolute = path if os.path.isabs(path) else os.path.join(os.getcwd(), path)
        directory, name = os.path.split(absolute)
        base = os.path.join(os.getcwd(), root)
        if name in ("", ".", "..") or os.path.islink(absolute):
            resolved = Path(absolute).resolve()
        else:
            # Asked once per file: the directories (and the root) are resolved once per
            # process rather than a system call per path component of every file, and so
            # is where a directory lies below the root (pathlib's joins cost as much).
            inside = _relative_directory(directory, base)
            if inside is not None:
                return name if inside == "." else f"{inside}/{name}"
            resolved = _resolved(directory) / name
        return resolved.relative_to(_resolved(base)).as_posix()
    except (OSError, ValueError, RuntimeError):
        return path


@functools.lru_cache(maxsize=1024)
def _relative_directory(directory: str, root: str) -> str | None:
    """The resolved `directory` relative to the resolved `root`, or None when it is not
    below it."""
    try:
        return _resolved(directory).relative_to(_resolved(root)).as_posix()
    except ValueError:
        return None


@functools.lru_cache(maxsize=1024)
def _resolved(directory: str) -> Path:
    # Absolute, not normalised: `..` after a symlink is for resolve() to follow.
    return Path(directory).resolve()


__all__ = ["project_relative"]
