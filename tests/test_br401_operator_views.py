"""BR401 severity in the operator-views fixture: a database-administration view that shows
the operator its statements' own errors on purpose gets a note; one whose try body writes the
application's own database keeps the rule's warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendreview.config import Config
from backendreview.engine import run
from backendreview.model import Severity

PROJECT = Path(__file__).resolve().parents[1] / "fixtures" / "BR401" / "operator_views"


def _severities(monkeypatch: pytest.MonkeyPatch) -> dict[int, Severity]:
    monkeypatch.chdir(PROJECT)
    findings = run([Path(".")], Config(root=PROJECT, select=("BR401",)), jobs=1).findings
    return {f.span.start_line: f.severity for f in findings if f.path == "admin/nodes.py"}


def test_dispatched_methods_and_commits_stay_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    got = _severities(monkeypatch)
    # properties and sql (dispatched by the verb table), update and delete (commit the
    # application's own database)
    for line in (42, 49, 58, 116):
        assert got.get(line) is Severity.WARNING, (line, got)


def test_views_answering_their_operations_errors_are_notes(
        monkeypatch: pytest.MonkeyPatch) -> None:
    got = _severities(monkeypatch)
    assert got.get(100) is Severity.NOTE and got.get(107) is Severity.NOTE, got
    assert not {65, 73, 81, 124, 137} & set(got)  # generic answers, specific excepts, helpers no verb reaches, a non-view
