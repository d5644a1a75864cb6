"""Severity and fix text of the BR206 / BR303 changes made for the route-benchmark apps'
false classes (docs/routes.md, "API-design findings on the benchmark apps"): a password
checked in the form a library view validates is an error, not a name-only note; a list
reached through a @deprecated helper is a note; a DRF view that opts out of the project's
pagination is told to remove the opt-out."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendreview.config import Config
from backendreview.engine import run
from backendreview.model import Severity

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _findings(project: Path, rule: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(project)
    return [f for f in run([Path(".")], Config(root=project, select=(rule,)), jobs=1).findings
            if f.rule_id == rule]


def test_password_checked_in_view_form_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    found = _findings(FIXTURES / "BR206" / "limits_in_forms_and_counters", "BR206", monkeypatch)
    by_line = {(f.path, f.span.start_line): f for f in found}
    login = by_line[("app/urls.py", 18)]
    assert "(CustomerLoginView.post)" in login.message
    assert login.severity is Severity.ERROR and "(note:" not in login.message
    # The limited routes (form clean, pipeline counter, django-otp) and the passkey
    # enrolment are not reported: only the customer login and the signup are.
    assert sorted(by_line) == [("app/urls.py", 18), ("app/urls.py", 24)]


def test_deprecated_helper_list_is_a_note(monkeypatch: pytest.MonkeyPatch) -> None:
    found = _findings(FIXTURES / "BR303" / "deprecated_helpers", "BR303", monkeypatch)
    notes = {f.span.start_line: f.severity for f in found}
    assert notes == {12: Severity.NOTE, 18: Severity.WARNING, 24: Severity.WARNING}


def test_pagination_opt_out_fix_removes_it(monkeypatch: pytest.MonkeyPatch) -> None:
    found = _findings(FIXTURES / "BR303" / "global_pagination", "BR303", monkeypatch)
    unpaged = next(f for f in found if "/api/drivers/all/" in f.message)
    assert unpaged.fix is not None
    assert unpaged.fix.description.startswith(
        "Remove the view's opt-out `pagination_class = None`")
    assert "class DriverUnpagedView:" in (unpaged.fix.suggestion or "")
    others = [f for f in found if f is not unpaged and f.fix is not None]
    assert others and not any("opt-out" in f.fix.description for f in others)


def test_shared_resource_name_fix_names_every_class(monkeypatch: pytest.MonkeyPatch) -> None:
    found = _findings(FIXTURES / "BR301" / "appbuilder_shared_resource", "BR301", monkeypatch)
    assert [(f.path, f.span.start_line) for f in found] == [("dash/app.py", 11)]
    assert found[0].fix is not None
    assert found[0].fix.description == (
        'Name the collection in the plural on every view that serves "/api/v1/chart" '
        "(ChartDataRestApi, ChartRestApi): renaming it on one alone splits the resource over "
        "two prefixes")
