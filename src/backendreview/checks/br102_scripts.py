"""Which BR102 findings run in a command-line or build script, and so go out as notes.

`confidence.script_reason` reads the path (`tools/`, `scripts/`, `cli.py`,
`management/commands/`). The path is only a hint: a web app's `tools/` package that
registers route handlers serves requests like any other view module (pgAdmin's
`tools/user_management` is an admin API, on a project subclass of flask's Blueprint), so a
file the route model gives a handler in is never called a script.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..analysis.handlers import registered_handler_lines
from ..analysis.paths import is_migration_path
from ..analysis.program import FunctionInfo, ProgramModel
from ..analysis.program.entries import describe_entries, offline_entries
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
    """In the project phase: why a finding's code runs outside any request. The path's
    script reason, unless a route's handler is in the file; else, given the function the
    finding is in, what the program model shows runs it: a management command, a
    background task, a command-line command or an upgrade step, itself or as the only
    entry points its callers lead to (analysis/program/entries.py)."""

    def __init__(self, handler_files: Iterable[str], program: ProgramModel | None = None,
                 serving: Iterable[tuple[str, int]] = (),
                 ignored: Callable[[str], bool] = lambda path: False) -> None:
        # the route model's handler files and the files `serves_requests` saw
        self.serving = frozenset(handler_files)
        self.program = program
        self.handlers = frozenset(serving)  # (path, line) of route handlers
        self.ignored = ignored  # paths whose calls count neither way (tests)
        self._by_function: dict[str, str | None] = {}

    def reason(self, path: str, owner: int = 0) -> str | None:
        """`owner`: the def line of the function the finding is in (0: not known)."""
        found = self.path_reason(path)
        if found is not None or not owner or self.program is None:
            return found
        fn = self.program.function_at(path, owner)
        return self.function_reason(fn) if fn is not None else None

    def path_reason(self, path: str) -> str | None:
        return None if path in self.serving else script_reason(path)

    def function_reason(self, fn: FunctionInfo) -> str | None:
        if fn.qualname not in self._by_function:
            assert self.program is not None
            entries = offline_entries(self.program, fn, self._root, self.handlers,
                                      lambda caller: self.ignored(caller.path))
            self._by_function[fn.qualname] = None if entries is None else (
                f"it runs only in {describe_entries(entries)}, not while serving a request")
        return self._by_function[fn.qualname]

    def _root(self, fn: FunctionInfo) -> str | None:
        """Roots that the path shows: a script's function, a data migration's."""
        if is_migration_path(fn.path):
            return "migration"
        return "script" if self.path_reason(fn.path) else None
