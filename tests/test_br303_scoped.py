"""BR303 on lists bounded by who asks or by what the path names: the requesting user's own
rows, hand-ordered (curated) lists and one parent's rows are not reported, unless the rows
pile up under it (messages, comments, logs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendreview.config import Config
from backendreview.engine import run
from backendreview.model import Severity

ROOT = Path(__file__).resolve().parents[1] / "fixtures" / "BR303"


def _severities(project: Path, monkeypatch: pytest.MonkeyPatch, rel: str) -> dict[int, Severity]:
    monkeypatch.chdir(project)
    findings = run([Path(".")], Config(root=project, select=("BR303",)), jobs=1).findings
    return {f.span.start_line: f.severity for f in findings if f.path == rel}


def test_parent_lists_through_helpers(monkeypatch: pytest.MonkeyPatch) -> None:
    found = _severities(ROOT / "parent_lists", monkeypatch, "app/routes.py")
    # budgets (line 12) and tickets by status (line 33): one parent's rows, not reported;
    # chat messages (line 19), which pile up under their parent, and every ticket (line 25):
    # warnings.
    assert found == {19: Severity.WARNING, 25: Severity.WARNING}


def test_owned_and_curated_lists(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "views.py").write_text((ROOT / "owned_and_curated.py").read_text())
    found = _severities(tmp_path, monkeypatch, "views.py")
    # line 37: for_user() given a user the client names, not the requesting user; line 43:
    # the user's own messages, which pile up; line 54: a whole table's names for a dropdown
    # lines 108 and 113: the rows of the organization / partners the user belongs to,
    # shared with every other member: notes, not the caller's own rows
    assert found == {25: Severity.WARNING, 37: Severity.WARNING, 43: Severity.WARNING,
                     54: Severity.WARNING, 71: Severity.WARNING, 83: Severity.WARNING,
                     108: Severity.NOTE, 113: Severity.NOTE}


@pytest.mark.parametrize(("project", "expected"), [
    ("unsized_default_pagination", {"project/settings.py": {5}}),  # LimitOffsetPagination
    ("page_size_none", {"project/settings.py": {4}}),  # PageNumberPagination, PAGE_SIZE None
    ("sized_default_pagination", {}),  # PAGE_SIZE set later in the settings file
])
def test_drf_stock_default_without_page_size_pages_nothing(
        monkeypatch: pytest.MonkeyPatch, project: str, expected: dict[str, set[int]]) -> None:
    """DRF's own pagination classes take their size from PAGE_SIZE: with none, the
    project-wide default pages nothing. Reported once, at the setting, naming the list
    route that relies on it (the view with its own pagination class does not)."""
    monkeypatch.chdir(ROOT / project)
    findings = run([Path(".")], Config(root=ROOT / project, select=("BR303",)),
                   jobs=1).findings
    got: dict[str, set[int]] = {}
    for f in findings:
        got.setdefault(f.path, set()).add(f.span.start_line)
    assert got == expected
    for f in findings:
        assert f.rule_id == "BR303" and f.severity == Severity.WARNING
        assert "has no PAGE_SIZE" in f.message
        assert f.message.endswith('1 list route(s) return every row ("GET /api/orders/")')
        assert f.fix is not None and "PAGE_SIZE" in f.fix.description


def test_fix_of_a_query_continued_with_a_backslash_parses(monkeypatch: pytest.MonkeyPatch) -> None:
    """The helper's query spans two lines joined by `\\`: the fix writes it on one line
    without the continuation, so the suggested code compiles."""
    project = ROOT / "parent_lists"
    monkeypatch.chdir(project)
    findings = run([Path(".")], Config(root=project, select=("BR303",)), jobs=1).findings
    tickets = next(f for f in findings if f.span.start_line == 25)
    suggestion = tickets.fix.suggestion
    assert "Ticket.query.filter(Ticket.open.is_(True)). order_by(Ticket.created_at)" in suggestion
    compile(suggestion, "fix.py", "exec")
