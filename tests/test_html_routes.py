"""Routes that serve HTML pages (analysis/frameworks/html_pages.py): BR301 / BR302 leave them
alone by default and report them with `html-routes = true`; a call cycle tells nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendreview.config import Config
from backendreview.engine import run

ROOT = Path(__file__).resolve().parents[1]
FORM_HELPER = ROOT / "fixtures" / "BR302" / "html_form_helper"


def _br302(project: Path, monkeypatch: pytest.MonkeyPatch, html_routes: bool
           ) -> list[tuple[str, int, str]]:
    monkeypatch.chdir(project)
    options = (("BR302", (("html-routes", True),)),) if html_routes else ()
    config = Config(root=project, select=("BR302",), rule_options=options)
    return [(f.path, f.span.start_line, f.message.split(":", 1)[0])
            for f in run([Path(".")], config, jobs=1).findings]


def test_pages_are_left_alone_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    assert [line for _, line, _ in _br302(FORM_HELPER, monkeypatch, False)] == [57, 64, 71, 78]


def test_html_routes_option_reports_the_pages_too(monkeypatch: pytest.MonkeyPatch) -> None:
    found = _br302(FORM_HELPER, monkeypatch, True)
    assert found[:4] == [
        ("dashboard/routers/clients.py", 20, 'route "GET|POST /clients/create"'),
        ("dashboard/routers/clients.py", 29, 'route "GET|POST /clients/{id}/edit"'),
        ("dashboard/routers/clients.py", 39, 'route "GET /clients/{id}/delete"'),
        ("dashboard/routers/clients.py", 45, 'route "GET /clients/{id}/remove"'),
    ]
    assert [line for _, line, _ in found[4:]] == [57, 64, 71, 78]


def test_a_call_cycle_renders_nothing(tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "app.py").write_text(
        "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n"
        "def ping(n):\n    return pong(n)\n\n\n"
        "def pong(n):\n    return ping(n)\n\n\n"
        "@app.post('/items/{id}/deleteItem')\n"
        "def delete_item(id: int):\n    return ping(id)\n", encoding="utf-8")
    assert _br302(tmp_path, monkeypatch, False) == [
        ("app.py", 14, 'route "POST /items/{id}/deleteItem"')]
