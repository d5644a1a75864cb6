"""BR102 on a GraphQL resolver the client must pass an argument to: a note (usually asked
about one object), with a loader keyed by the parent and the argument, not the parent alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendreview.config import Config
from backendreview.engine import run
from backendreview.model import Severity

PROJECT = Path(__file__).resolve().parents[1] / "fixtures" / "BR102" / "resolver_arguments"


@pytest.fixture(scope="module")
def findings() -> dict[int, object]:
    result = run([PROJECT], Config(root=PROJECT, select=("BR102",)), jobs=1)
    return {f.span.start_line: f for f in result.findings
            if f.rule_id == "BR102" and f.path.endswith("service/schema.py")}


def test_required_argument_is_a_note_with_an_argument_keyed_loader(findings) -> None:
    f = findings[22]
    assert f.severity is Severity.NOTE
    assert 'resolver "ProjectType.unknown_labels"' in f.message
    assert "the field needs `condition` from the client" in f.message
    assert f.fix is not None and "(parent id, condition)" in f.fix.description
    assert f.fix.suggestion is None


def test_keyword_only_required_argument_is_a_note(findings) -> None:
    f = findings[28]
    assert f.severity is Severity.NOTE
    assert "the field needs `prefix` from the client" in f.message


def test_argument_with_a_default_stays_a_warning(findings) -> None:
    f = findings[35]
    assert f.severity is Severity.WARNING
    assert 'resolver "ProjectType.recent_labels"' in f.message
    assert "from the client" not in f.message
    assert "DataLoader" in f.fix.description


def test_no_argument_stays_a_warning(findings) -> None:
    f = findings[16]
    assert f.severity is Severity.WARNING
    assert "User.objects.get(pk=self.owner_id)" in f.message
    assert sorted(findings) == [16, 22, 28, 35]
