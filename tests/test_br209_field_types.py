"""BR209 reads what a password-named serializer field holds from its declaration: the model's
field (in another module, through relations and the class hierarchy) or the serializer's."""

from __future__ import annotations

from pathlib import Path

import pytest

from .projects import project_findings

MODELS = """
    from django.db import models


    class Dataset(models.Model):
        learner_can_edit_password = models.BooleanField(default=True)
        kiosk_password = models.CharField(max_length=64)


    class Facility(models.Model):
        dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE)
"""

SERIALIZERS = """
    from rest_framework import serializers

    from app.models import Dataset, Facility


    class DatasetSerializer(serializers.ModelSerializer):
        class Meta:
            model = Dataset
            fields = ("id", "learner_can_edit_password", "kiosk_password")
            read_only_fields = ("kiosk_password",)


    class FacilitySerializer(serializers.ModelSerializer):
        learner_can_edit_password = serializers.SerializerMethodField()

        def get_learner_can_edit_password(self, obj):
            return obj.dataset.learner_can_edit_password

        class Meta:
            model = Facility
            fields = ("id", "learner_can_edit_password")
"""


def test_model_flag_in_another_module_is_not_a_password(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    findings = project_findings(tmp_path, {"app/__init__.py": "", "app/models.py": MODELS,
                                           "app/serializers.py": SERIALIZERS},
                                "BR209", monkeypatch)
    assert [(f.rule_id, f.path, f.span.start_line) for f in findings] == [
        ("BR209", "app/serializers.py", 10)]
    (finding,) = findings
    assert "sends `kiosk_password`" in finding.message
    # Read-only: write_only would drop it from every response, so the fix leaves it out.
    assert finding.fix is not None
    assert 'leave "kiosk_password" out of `fields`' in finding.fix.description
    assert "write_only" not in finding.fix.description
    # kolibri serializers.py:172 (`picture_password`, read-only and shown to coaches by
    # design): the fix says what a read-only field means before dropping it.
    assert finding.fix.description.endswith(
        "it is read-only here, so it is sent on purpose: if it is a credential the product "
        "shows by design (a code a teacher reads out), keep it and limit who can read this "
        "serializer instead.")


def test_unresolved_model_keeps_the_finding(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the model's module the field's type is unknown: the name decides."""
    findings = project_findings(tmp_path, {"app/__init__.py": "",
                                           "app/serializers.py": SERIALIZERS},
                                "BR209", monkeypatch)
    assert sorted((f.span.start_line, f.message.split(":")[0]) for f in findings) == [
        (10, "serializer `DatasetSerializer` sends `kiosk_password` to the client"),
        (10, "serializer `DatasetSerializer` sends `learner_can_edit_password` to the client"),
        (22, "serializer `FacilitySerializer` sends `learner_can_edit_password` to the client"),
    ]
