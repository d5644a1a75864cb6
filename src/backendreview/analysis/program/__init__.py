"""The program model: what every function of the project does, through the calls it makes.

Per file, `extract.ProgramCollector` records modules, classes, functions, call sites and
direct effects as facts (`facts.py`); in the project phase `program_of(facts)` joins them into
a `ProgramModel` (`model.py`) that resolves calls across modules and the class hierarchy and
solves function summaries over the call graph. Rules that need it list "program" in their
`needs_facts` and ask it about the functions they report on; a rule that only walks the class
hierarchy (which classes a reference names, their bases and methods) lists "program-classes",
a level whose per-file extraction skips every function body; a rule that follows values
through calls (paramflow.py) but reads no effects, constants or loops lists "program-calls".
"""

from __future__ import annotations

from typing import Any

from .extract import (
    CALLS,
    CLASSES,
    FACT_KIND,
    FULL,
    ProgramCollector,
    callee_of,
    constant_needs,
    definition_ref,
    static_args,
)
from .facts import (
    AUTH,
    CREDENTIAL,
    LIMIT,
    QUERY,
    UNBOUNDED,
    CallSite,
    ClassInfo,
    ConstNeed,
    Effect,
    FunctionInfo,
)
from .model import ProgramModel, Reached, Step, describe, related, short_name

_cache: tuple[list[Any], ProgramModel] | None = None


def program_of(facts: dict[str, list[Any]]) -> ProgramModel:
    """The program model of a run's merged facts, built once per run whichever rule asks
    first (the facts list is held so its identity cannot be reused by a later run)."""
    global _cache
    modules = facts.get(FACT_KIND)
    if modules is None:
        modules = facts.setdefault(FACT_KIND, [])
    if _cache is None or _cache[0] is not modules:
        _cache = (modules, ProgramModel(modules))
    return _cache[1]


__all__ = [
    "AUTH",
    "CALLS",
    "CLASSES",
    "CREDENTIAL",
    "FACT_KIND",
    "FULL",
    "LIMIT",
    "QUERY",
    "UNBOUNDED",
    "CallSite",
    "ClassInfo",
    "ConstNeed",
    "Effect",
    "FunctionInfo",
    "ProgramCollector",
    "ProgramModel",
    "Reached",
    "Step",
    "callee_of",
    "constant_needs",
    "definition_ref",
    "describe",
    "program_of",
    "related",
    "short_name",
    "static_args",
]
