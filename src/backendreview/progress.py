"""A progress bar for long runs on a terminal: files done / total and the rate.

It appears only when stderr is a terminal, not under CI, and only once a run has taken
longer than `delay` seconds, so short runs, pipes and CI logs never see it. It is transient:
it is erased when the run ends, before the report is printed.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any, TextIO


def wanted(stream: TextIO | None = None) -> bool:
    stream = stream or sys.stderr
    try:
        terminal = stream.isatty()
    except (AttributeError, ValueError):
        return False
    return terminal and not os.environ.get("CI") and os.environ.get("TERM") != "dumb"


class ProgressBar:
    """A `progress(done, total)` hook for `engine.run`."""

    def __init__(self, enabled: bool, delay: float = 1.0, stream: TextIO | None = None
                 ) -> None:
        self.enabled = enabled
        self.delay = delay
        self.stream = stream  # default: stderr
        self._start = time.monotonic()
        self._bar: Any = None
        self._task: Any = None

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or done >= total:
            return
        if self._bar is None:
            if time.monotonic() - self._start < self.delay:
                return
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            self._bar = Progress(
                TextColumn("reviewing"), BarColumn(), MofNCompleteColumn(),
                TextColumn("files"), TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
                console=Console(file=self.stream or sys.stderr), transient=True)
            self._task = self._bar.add_task("review", total=total, rate="")
            self._bar.start()
        elapsed = max(time.monotonic() - self._start, 1e-6)
        self._bar.update(self._task, completed=done, total=total,
                         rate=f"{done / elapsed:.0f}/s")

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


__all__ = ["ProgressBar", "wanted"]
