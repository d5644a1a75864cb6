"""BR303 through a helper that pages by default (`limit: int = 10` under `if limit > 0:`)
called with a literal that turns the bound off (`limit=0`): reported at that call, naming
each step, with the fix of passing a capped limit instead; calls that keep the default or
pass a page size are not."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendreview.analysis.row_bounds import guard_passes, skips_bound
from backendreview.config import Config
from backendreview.engine import run
from backendreview.model import Severity

PROJECT = Path(__file__).resolve().parents[1] / "fixtures" / "BR303" / "turned_off_limit"


def test_calls_that_turn_the_bound_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PROJECT)
    findings = run([Path(".")], Config(root=PROJECT, select=("BR303",)), jobs=1).findings
    by_line = {f.span.start_line: f for f in findings if f.path == "app/api.py"}
    # 107: another parameter rebound above the guard; not the clamped helper's call (the
    # guard reads a rebound local) nor the two-bound one (`limit` still bounds)
    assert sorted(by_line) == [24, 31, 38, 107]
    full = by_line[24]
    assert full.rule_id == "BR303" and full.severity is Severity.WARNING
    assert full.message == (
        'route "GET {?}/history" returns every row of a query with no limit or pagination: '
        "`get_history` (api.py:24) calls `get_history` (history.py:10), which returns "
        "`session.execute(select(queries.c.id, queries.c.text, literal(\"user\").label("
        "\"who\")).where( queries.c.user_id == user_id).union(answered).order_by("
        "\"created_at\"))` (history.py:20) (`get_history` pages only when "
        "`limit > 0`, and this call passes `limit=0`)")
    assert full.fix is not None and full.fix.description.startswith(
        "Pass `get_history` a capped `limit` rather than `0`")
    assert [(r.path, r.span.start_line) for r in full.related] == [
        ("app/api.py", 24), ("app/history.py", 20)]
    assert by_line[38].message.endswith(
        "(`recent_queries` pages only when `limit is not None`, and this call passes "
        "`limit=None`)")


@pytest.mark.parametrize(("test", "value", "expected"), [
    ("limit > 0", 0, False), ("limit > 0", 10, True), ("limit", 0, False),
    ("limit is not None", None, False), ("not limit is None", 5, True),
    ("limit != -1", 0, True), ("limit > 0 and limit < 500", 900, False),
    ("limit > 0", None, None),  # Python refuses `None > 0`: cannot be told
    ("limit > other", 1, None),  # another name: cannot be told
])
def test_guard_passes(test: str, value: object, expected: bool | None) -> None:
    assert guard_passes(test, "limit", value) is expected


def test_skips_bound_needs_a_literal_the_guard_refuses() -> None:
    assert skips_bound("limit > 0", "limit", "0")
    assert skips_bound("limit > 0", "limit", "-1")
    assert not skips_bound("limit > 0", "limit", "20")
    assert not skips_bound("limit > 0", "limit", None)  # not a literal: the caller's value
    assert not skips_bound("", "limit", "0")
