"""BR501's project half: an HTTP call in a module no import can reach is not reported.

`letta/schemas/providers.py` beside the package `letta/schemas/providers/`: Python's import
system loads the package for `letta.schemas.providers`, so the module file is dead code left
behind by a refactor, and its calls never run. Which file a dotted name imports is the program
model's (`ProgramModel.shadowed`); the file half (br501_timeouts) hands its findings here.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ..analysis.program import CLASSES as PROGRAM_CLASSES
from ..analysis.program import program_of
from ..model import Finding
from .base import ProjectRule

DEFERRED = "br501_findings"


class ReachableTimeouts(ProjectRule):
    id = "BR501"
    # Only the modules and their paths: the cheapest level of the program model.
    needs_facts: ClassVar[tuple[str, ...]] = (PROGRAM_CLASSES,)
    one_file_ok = True

    def check(self, facts: dict[str, list[Any]]) -> None:
        deferred: list[Finding] = facts.get(DEFERRED, [])
        if not deferred:
            return
        program = program_of(facts)
        self.findings += [f for f in deferred if not program.shadowed(f.path)]


RULES = (ReachableTimeouts,)
