"""BR502 and a library's health-check middleware (oslo.middleware's Healthcheck): it serves
the probe only where the application is built with it; a test that wraps the app to try the
middleware leaves the deployed app without one."""

from __future__ import annotations

from pathlib import Path

import pytest

from .projects import project_findings

_APP = '''
from flask import Flask

app = Flask(__name__)


@app.get("/items")
def items():
    return []


@app.post("/items")
def add():
    return {}
'''

_WRAP = '''
from oslo_middleware import healthcheck

from app.main import app


def {name}():
    app.wsgi_app = healthcheck.Healthcheck(app.wsgi_app, {{}})
'''


def _reported(tmp_path: Path, files: dict[str, str], monkeypatch: pytest.MonkeyPatch
              ) -> list[tuple[str, int]]:
    found = project_findings(tmp_path, {"app/__init__.py": "", "app/main.py": _APP, **files},
                             "BR502", monkeypatch)
    return [(f.path, f.span.start_line) for f in found]


def test_middleware_built_only_in_a_test_is_no_health_endpoint(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _reported(tmp_path, {"tests/__init__.py": "",
                                "tests/test_health.py": _WRAP.format(name="test_wrapped")},
                     monkeypatch) == [("app/main.py", 4)]


def test_middleware_built_by_the_application_is_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _reported(tmp_path, {"app/health.py": _WRAP.format(name="add_healthcheck")},
                     monkeypatch) == []
