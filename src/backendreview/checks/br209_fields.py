"""BR209's project half: a serializer field named like a password, taken from the model, is
reported only when the model's declaration does not say it holds no text.

`learner_can_edit_password` in a ModelSerializer's `Meta.fields` reads like a password by
its name; the model (often in another module) declares it `models.BooleanField(...)`: a
setting about passwords, not one. The file half (br209_password_response) defers such
fields here with the model's reference and the attribute path the field reads (one name
for a model field; `dataset.learner_can_login_with_no_password` for a SerializerMethodField
returning it), and this half follows the path through the model's relations
(`ForeignKey(FacilityDataset)`) in the program model. What cannot be followed (a lazy
"app.Model" target, a library model such as Django's User) keeps the finding.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from ..analysis.program import CALLS as PROGRAM_CALLS
from ..analysis.program import ProgramModel, program_of
from ..model import Finding
from .base import ProjectRule

DEFERRED = "br209_fields"

# Field classes (Django model fields, DRF serializer fields) whose values hold no text: a
# password or its hash cannot be one of them.
_NOT_TEXT = frozenset({
    "BooleanField", "NullBooleanField", "IntegerField", "SmallIntegerField",
    "BigIntegerField", "PositiveIntegerField", "PositiveSmallIntegerField",
    "PositiveBigIntegerField", "FloatField", "DecimalField", "DateField", "DateTimeField",
    "TimeField", "DurationField",
})
_FIELD_MODULES = ("django.db.models.", "rest_framework.serializers.", "rest_framework.fields.")


def not_text_field(name: str) -> bool:
    """A field class (by its last name) whose values are never text."""
    return name in _NOT_TEXT


@dataclass(frozen=True)
class DeferredField:
    finding: Finding
    model_ref: str  # Meta.model as a dotted reference
    path: tuple[str, ...]  # attributes read from each row, the field last


def _holds_no_text(program: ProgramModel, item: DeferredField) -> bool:
    cls = program.class_of(item.model_ref)
    for hop in item.path[:-1]:
        if cls is None:
            return False
        cls = program.related_class(cls, hop)
    if cls is None:
        return False
    ref = program.attribute_ref(cls, item.path[-1])
    return bool(ref) and ref.startswith(_FIELD_MODULES) and not_text_field(
        ref.rsplit(".", 1)[-1])


class PasswordFieldTypes(ProjectRule):
    id = "BR209"
    # The class hierarchy with each class body's field declarations (attr_types, recorded
    # from the calls level up).
    needs_facts: ClassVar[tuple[str, ...]] = (PROGRAM_CALLS,)
    one_file_ok = True

    def check(self, facts: dict[str, list[Any]]) -> None:
        deferred: list[DeferredField] = facts.get(DEFERRED, [])
        if not deferred:
            return
        program = program_of(facts)
        for item in deferred:
            if not _holds_no_text(program, item):
                self.findings.append(item.finding)


RULES = (PasswordFieldTypes,)
