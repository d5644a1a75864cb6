"""Writing reports and baselines without damaging the user's files.

`-o` and `baseline FILE` take a path from the command line, where a slip (arguments in the
wrong order, a tab-completed `app/main.py`) would otherwise replace source code with a
report. A report never overwrites a Python source file or a file named for review; a
baseline only overwrites a baseline. Writes go to a temporary file beside the target and are
renamed over it, so an interrupted run leaves the old file whole.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

SOURCE_SUFFIXES = (".py", ".pyi")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def report_target_problem(output: Path, reviewed: Iterable[Path] = ()) -> str | None:
    """Why `output` must not receive a report, or None when it may."""
    if not os.path.lexists(output):
        return None
    if os.path.isdir(output):
        return f"{output} is a directory"
    if output.suffix in SOURCE_SUFFIXES and os.path.isfile(output):
        return f"{output} is a Python source file: not overwritten with a report"
    if any(_same_file(output, target) for target in reviewed):
        return f"{output} is a file under review: not overwritten with a report"
    return None


def baseline_target_problem(file: Path, tool: str = "backendreview") -> str | None:
    """Why `file` must not be (over)written as a baseline, or None when it may: it does not
    exist yet, or it is a baseline this tool wrote."""
    if not os.path.lexists(file):
        return None
    if not os.path.isfile(file):
        return f"{file} exists and is not a regular file: not overwritten"
    refuse = (f"{file} exists and is not a backendreview baseline: not overwritten "
              "(the baseline file comes first: `backendreview baseline FILE [PATHS]`)")
    if file.suffix in SOURCE_SUFFIXES:
        return refuse
    try:
        with open(file, "rb") as handle:
            data = json.loads(handle.read(64 * 1024 * 1024))
    except (OSError, ValueError, RecursionError):
        return refuse
    if not isinstance(data, dict) or data.get("tool") != tool or "findings" not in data:
        return refuse
    return None


def write_atomic(path: Path, text: str) -> None:
    """Write `text` (UTF-8) to `path` through a temporary file renamed over it."""
    directory = path.parent if str(path.parent) else Path(".")
    fd, temp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        if os.path.exists(path):
            # Keep the permissions of the file being replaced (mkstemp creates 0600).
            os.chmod(temp, os.stat(path).st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temp, 0o666 & ~umask)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
