"""BR303 through a store method that pages only when its caller passes a limit: reported at
the call that leaves the limit out, naming each step, with the fix of passing it down."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendreview.config import Config
from backendreview.engine import run

PROJECT = Path(__file__).resolve().parents[1] / "fixtures" / "BR303" / "optional_limit"


def test_call_that_leaves_the_limit_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PROJECT)
    findings = run([Path(".")], Config(root=PROJECT, select=("BR303",)), jobs=1).findings
    by_line = {f.span.start_line: f for f in findings if f.path == "app/api.py"}
    assert sorted(by_line) == [17, 40, 47]
    jobs = by_line[17]
    assert jobs.rule_id == "BR303"
    assert jobs.message.startswith('route "GET {?}/jobs" returns every row of a query')
    assert jobs.message.endswith("(`LineageStore.get_jobs` pages only when given `limit`, "
                                 "and this call leaves it out)")
    assert jobs.fix is not None and jobs.fix.description.startswith(
        "Pass a capped `limit` down to `LineageStore.get_jobs`")
    # The steps: the call in the handler, then the store's return of the rows it fetched.
    steps = [(r.path, r.span.start_line) for r in jobs.related]
    assert steps == [("app/api.py", 17), ("app/store.py", 20)]
