"""A reviewed file's path as seen from its project's root."""

from __future__ import annotations

import os
from pathlib import Path


def project_relative(path: str, root: Path) -> str:
    """`path` as seen from the project root, for the path policies here: a project that
    happens to live under `~/tests/` or `/srv/examples/` is still reviewed when named by
    an absolute path. Paths outside the root are returned unchanged."""
    try:
        absolute = Path(path) if os.path.isabs(path) else Path.cwd() / path
        return absolute.resolve().relative_to(root.resolve()).as_posix()
    except (OSError, ValueError, RuntimeError):
        return path


__all__ = ["project_relative"]
