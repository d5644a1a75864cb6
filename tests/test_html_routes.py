"""Routes that serve HTML pages (analysis/frameworks/html_pages.py): BR301 / BR302 leave them
alone by default and report them with `html-routes = true`; a call cycle tells nothing."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from backendreview.analysis.frameworks.html_pages import page_function
from backendreview.config import Config
from backendreview.context import FileContext
from backendreview.engine import run
from backendreview.semantic import SemanticBuilder

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


def _page_lines(source: str) -> list[int]:
    """The lines of the functions html_pages.page_function says render a page."""
    tree = ast.parse(source)
    ctx = FileContext("views.py", source, tree, SemanticBuilder(tree, "views").build(),
                      Config())
    return [f.lineno for f in ast.walk(tree)
            if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)
            and page_function(ctx, f) is not None]


def test_page_functions_are_found_through_every_block_but_not_nested_functions() -> None:
    # Returns in with / try / except / finally / match / loop-else blocks count; a return
    # of a nested function or class does not make its enclosing function a page.
    assert _page_lines(
        "from django.shortcuts import render as show\n"                   # 1
        "from fastapi.responses import HTMLResponse\n"                   # 2
        "def in_with(request):\n"                                        # 3
        "    with lock:\n        return show(request, 'a.html')\n"       # 4-5
        "def in_except(request):\n"                                      # 6
        "    try:\n        x = 1\n"                                      # 7-8
        "    except ValueError:\n        return show(request, 'e.html')\n"  # 9-10
        "    return {'x': x}\n"                                          # 11
        "def in_match(request, kind):\n"                                 # 12
        "    match kind:\n        case 'page':\n"                        # 13-14
        "            return await_it(HTMLResponse('<p>'))\n"             # 15
        "        case _:\n            return HTMLResponse('<p>')\n"      # 16-17
        "def in_loop_else(request):\n"                                   # 18
        "    for _ in range(2):\n        pass\n"                         # 19-20
        "    else:\n        return show(request, 'l.html')\n"            # 21-22
        "def outer(request):\n"                                          # 23
        "    def inner():\n        return show(request, 'i.html')\n"     # 24-25
        "    class Holder:\n"                                            # 26
        "        def get(self):\n            return show(request, 'c.html')\n"  # 27-28
        "    return {'ok': True}\n"                                      # 29
        "def lambda_only(request):\n"                                    # 30
        "    f = lambda: show(request, 'x.html')\n    return f\n"         # 31-32
    ) == [3, 6, 12, 18, 24, 27]
