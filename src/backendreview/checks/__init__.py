"""The rule registry: every module in this package that defines `RULES` (a tuple of rule
classes) contributes them, keyed by id. Adding a rule means one YAML file in `rules/`, one
module here, and its fixtures in `fixtures/<id>/`: no list to edit."""

from __future__ import annotations

import importlib
import pkgutil

from .base import ProjectRule, Rule
from .br000_parse_error import PARSE_ERROR_ID


def _collect() -> tuple[dict[str, type[Rule]], dict[str, type[ProjectRule]]]:
    file_rules: dict[str, type[Rule]] = {}
    project_rules: dict[str, type[ProjectRule]] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for cls in getattr(module, "RULES", ()):
            target: dict = file_rules if issubclass(cls, Rule) else project_rules
            # One id may have a file half (facts, local findings) and a project half.
            if cls.id in target:
                raise RuntimeError(f"rule {cls.id} is defined twice ({info.name})")
            target[cls.id] = cls
    return dict(sorted(file_rules.items())), dict(sorted(project_rules.items()))


FILE_RULES, PROJECT_RULES = _collect()
# Rules produced by the engine itself rather than a visitor.
ENGINE_RULES: tuple[str, ...] = (PARSE_ERROR_ID,)


def declared_options(rule_id: str) -> dict[str, type]:
    """The options a rule accepts in [tool.backendreview.rules.<id>]: name -> type."""
    cls = FILE_RULES.get(rule_id) or PROJECT_RULES.get(rule_id)
    return dict(getattr(cls, "OPTIONS", {})) if cls else {}


__all__ = ["ENGINE_RULES", "FILE_RULES", "PROJECT_RULES", "ProjectRule", "Rule",
           "declared_options"]
