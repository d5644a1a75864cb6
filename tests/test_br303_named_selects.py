"""BR303 on a SQLAlchemy select built in a name (`stmt = select(...)`, `base.order_by(...)`,
awaited `(await session.scalars(stmt)).all()`): the query's text spells the statement out,
so the caller's own rows and an aggregate are read as they are when written inline; every
row of a table is reported, the message naming the select."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendreview.config import Config
from backendreview.engine import run
from backendreview.model import Severity

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "BR303" / "named_selects.py"


def test_named_selects(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "api.py").write_text(FIXTURE.read_text())
    monkeypatch.chdir(tmp_path)
    findings = run([Path(".")], Config(root=tmp_path, select=("BR303",)), jobs=1).findings
    by_line = {f.span.start_line: f for f in findings if f.path == "api.py"}
    # lines 30-54: own rows and an aggregate, in a name: not reported (all four on the
    # merge of recall303, which read the execute call alone)
    assert sorted(by_line) == [62, 70, 82]
    assert all(f.severity is Severity.WARNING for f in by_line.values())
    assert "every row of `session.scalars(select(ApiKey).order_by(ApiKey.id))`" in \
        by_line[62].message
    assert by_line[70].snippet == ('session.execute(select(ApiKey).where(ApiKey.kind != '
                                   '"revoked").order_by(ApiKey.id))')
