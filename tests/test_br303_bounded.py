"""BR303 on lists the view's own code bounds: a `queryset =` that an inherited
get_queryset never reads is not what the list returns, and a filter backend that keeps the
rows the requesting user may read makes the finding a note that says so."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendreview.config import Config
from backendreview.engine import run
from backendreview.model import Severity

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "BR303" / "inherited_get_queryset.py"


def test_inherited_get_queryset_and_requester_filters(monkeypatch: pytest.MonkeyPatch,
                                                      tmp_path: Path) -> None:
    (tmp_path / "views.py").write_text(FIXTURE.read_text())
    monkeypatch.chdir(tmp_path)
    findings = run([Path(".")], Config(root=tmp_path, select=("BR303",)), jobs=1).findings
    found = {f.span.start_line: f.severity for f in findings if f.path == "views.py"}
    # 19 / 24: the base's own get_queryset answers the list, not the subclass's queryset;
    # 51: the view's own get_queryset never reads its `queryset =`.
    # 37 / 42: get_queryset starts from super() / self.queryset: the attribute is the list.
    # 73 / 80: a backend hands the queryset to the requesting user's filter: notes.
    # 87: the subclass's own filter_backends leave that backend out; 94: a public filter.
    assert found == {37: Severity.WARNING, 42: Severity.WARNING, 73: Severity.NOTE,
                     80: Severity.NOTE, 87: Severity.WARNING, 94: Severity.WARNING}
    note = next(f for f in findings if f.span.start_line == 73)
    assert note.message == (
        'route "GET /permissions/" returns every row of `DevicePermission.objects.all()` '
        "with no limit or pagination (note: the view's filter backend `RequesterFilter` "
        "keeps the rows the requesting user may read: a page size matters when that can be "
        "every row, as for an admin)")
