"""Which BR102 findings run in a command-line or build script, and so go out as notes.

`confidence.script_reason` reads the path (`tools/`, `scripts/`, `cli.py`,
`management/commands/`). The path is only a hint: a web app's `tools/` package that
registers route handlers serves requests like any other view module (pgAdmin's
`tools/user_management` is an admin API, on a project subclass of flask's Blueprint), so a
file the route model gives a handler in is never called a script.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..analysis.handlers import registered_handler_lines
from .confidence import script_reason


def file_script_reason(ctx) -> str | None:  # type: ignore[no-untyped-def]
    """In the per-file phase: the path's script reason, unless the file serves requests."""
    reason = script_reason(ctx.path)
    if reason is None or serves_requests(ctx):
        return None
    return reason


def serves_requests(ctx) -> bool:  # type: ignore[no-untyped-def]
    """The file registers route handlers, by the route model's recognisers (the one answer
    to "is this a route handler")."""
    return bool(registered_handler_lines(ctx))


class ScriptPaths:
    """In the project phase: the path's script reason, unless a route's handler is in it."""

    def __init__(self, handler_files: Iterable[str]) -> None:
        # the route model's handler files and the files `serves_requests` saw
        self.serving = frozenset(handler_files)

    def reason(self, path: str) -> str | None:
        return None if path in self.serving else script_reason(path)
