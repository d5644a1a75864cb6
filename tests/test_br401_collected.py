"""BR401 for exception text collected per item and sent after the loop: through a project
exception's registered handler (reported at the raise, with a fix that still parses), and
through a view decorator's wrapper that stands in for the view."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from backendreview.config import Config
from backendreview.engine import run

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "BR401"


def _findings(project: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(project)
    return run([Path(".")], Config(root=project, select=("BR401",)), jobs=1).findings


def test_collected_text_raised_after_the_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    found = [f for f in _findings(FIXTURES / "error_handler_bulk", monkeypatch)
             if f.path == "bulk/views.py"]
    assert [(f.rule_id, f.span.start_line) for f in found] == [("BR401", 18)]
    finding = found[0]
    assert "str(e) (collected in `errors`) is raised in `ApiError(...)`" in finding.message
    assert "`handle_api_error` (bulk/errors.py:12)" in finding.message
    assert [(r.path, r.span.start_line) for r in finding.related] == [
        ("bulk/views.py", 14), ("bulk/errors.py", 12)]
    # The keyword keeps its name: `errors=errors` becomes `errors=f"..."`, not `f"..."=errors`.
    suggestion = finding.fix.suggestion if finding.fix else None
    assert suggestion is not None and suggestion.rstrip().endswith(
        'errors=f"Internal server error (error id {error_id})")')
    ast.parse(suggestion)


def test_a_view_decorator_wrapper_answers_for_the_view(monkeypatch: pytest.MonkeyPatch,
                                                       tmp_path: Path) -> None:
    (tmp_path / "deco.py").write_text(
        (FIXTURES / "view_decorators.py").read_text(encoding="utf-8"), encoding="utf-8")
    found = _findings(tmp_path, monkeypatch)
    assert [(f.rule_id, f.span.start_line) for f in found] == [("BR401", 18)]
    assert found[0].message.startswith(
        "`except Exception as e` sends exception details to the client: str(e) reaches the "
        "route's return value on line 20")
