"""The rule registry: every rule class, keyed by id. Adding a rule means one YAML file in
`rules/`, one module here, and its fixtures."""

from __future__ import annotations

from .base import ProjectRule, Rule
from .br000_parse_error import PARSE_ERROR_ID
from .br101_raw_sql import RawSQL

FILE_RULES: dict[str, type[Rule]] = {cls.id: cls for cls in (RawSQL,)}
PROJECT_RULES: dict[str, type[ProjectRule]] = {}
# Rules produced by the engine itself rather than a visitor.
ENGINE_RULES: tuple[str, ...] = (PARSE_ERROR_ID,)

__all__ = ["ENGINE_RULES", "FILE_RULES", "PROJECT_RULES", "ProjectRule", "Rule"]


def declared_options(rule_id: str) -> dict[str, type]:
    """The options a rule accepts in [tool.backendreview.rules.<id>]: name -> type."""
    cls = FILE_RULES.get(rule_id) or PROJECT_RULES.get(rule_id)
    return dict(getattr(cls, "OPTIONS", {})) if cls else {}
