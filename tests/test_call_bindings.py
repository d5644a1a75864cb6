"""Apps handed to functions (frameworks/call_bindings): a parameter stands for what the
project's calls pass, through chains of calls; cycles and unreachable helpers stay unknown."""

from __future__ import annotations

import json
from pathlib import Path

from backendreview.cli import main


def _routes(tmp_path: Path, files: dict[str, str], capsys, monkeypatch) -> list[tuple[str, bool]]:  # type: ignore[no-untyped-def]
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["routes", ".", "--format", "json", "--jobs", "1"]) in (0, 1)
    return [(r["path"], r["prefix_known"]) for r in json.loads(capsys.readouterr().out)]


ROUTER = '''
from fastapi import APIRouter

router = APIRouter()


@router.get("/items")
def items():
    return []
'''


def test_a_parameter_passed_on_through_two_calls_reaches_the_app(tmp_path, capsys,
                                                                 monkeypatch) -> None:  # type: ignore[no-untyped-def]
    setup = '''
from fastapi import FastAPI

from routes import router


def setup(app: FastAPI) -> None:
    configure(app)


def configure(app):
    app.include_router(router, prefix="/api")


application = FastAPI()
setup(application)
'''
    assert _routes(tmp_path, {"routes.py": ROUTER, "main.py": setup}, capsys,
                   monkeypatch) == [("/api/items", True)]


def test_a_cycle_of_calls_and_an_uncalled_helper_stay_unknown(tmp_path, capsys,
                                                             monkeypatch) -> None:  # type: ignore[no-untyped-def]
    cycle = '''
from routes import router


def ping(app):
    pong(app)


def pong(app):
    ping(app)
    app.include_router(router, prefix="/api")
'''
    assert _routes(tmp_path, {"routes.py": ROUTER, "main.py": "import fastapi\n" + cycle},
                   capsys, monkeypatch) == [("{?}/api/items", False)]
