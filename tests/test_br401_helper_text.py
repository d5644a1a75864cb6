"""BR401 one call away: a project helper (in another module) that returns the exception's
text, a view decorator whose wrapper hands the exception to a helper that builds the
response (reported once at the except, naming the routes that wear it), and a response class
the file builds on a framework's. Each finding names its steps in the message and as related
locations."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendreview.config import Config
from backendreview.engine import run

ROOT = Path(__file__).resolve().parents[1] / "fixtures" / "BR401"


def _findings(project: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(ROOT / project)
    result = run([Path(".")], Config(root=ROOT / project, select=("BR401",)), jobs=1)
    return {(f.path, f.span.start_line): f for f in result.findings}


def _line_of(project: str, path: str, text: str) -> int:
    """The line of the fixture file that holds `text` (a route's decorator)."""
    lines = (ROOT / project / path).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def test_helper_returning_the_exceptions_text(monkeypatch: pytest.MonkeyPatch) -> None:
    found = _findings("helpers_that_make_text", monkeypatch)
    assert sorted(found) == [("api/middleware.py", 22), ("api/routes.py", 23),
                             ("api/routes.py", 33), ("api/routes.py", 43)]
    direct = found[("api/routes.py", 23)]
    assert direct.rule_id == "BR401"
    assert direct.message == (
        "`except Exception as e` sends exception details to the client: the text "
        "`errtext.format_exception()` makes of `e` reaches fastapi.HTTPException(...) on line "
        "24; `format_exception` (errtext.py:8), which returns the exception's text "
        "(errtext.py:8)")
    assert [(r.path, r.span.start_line, r.message) for r in direct.related] == [
        (None, 24, "the exception reaches the response here"),  # None: the finding's file
        ("api/routes.py", 25, "calls format_exception"),
        ("api/errtext.py", 8, "the helper returns the exception's text"),
    ]


def test_helper_handing_the_exception_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """`describe(e)` returns `format_exception(exc, True)`: solved over the call graph."""
    found = _findings("helpers_that_make_text", monkeypatch)
    two_steps = found[("api/routes.py", 33)]
    assert two_steps.message.endswith(
        "the text `describe()` makes of `e` (through `message`) reaches "
        "fastapi.HTTPException(...) on line 35; `describe` (errtext.py:15), which calls "
        "`format_exception` (errtext.py:8), which returns the exception's text (errtext.py:8)")
    assert [(r.path, r.span.start_line) for r in two_steps.related] == [
        (None, 35), ("api/routes.py", 34), ("api/errtext.py", 17),
        ("api/errtext.py", 8)]


def test_decorator_wrapper_names_the_routes(monkeypatch: pytest.MonkeyPatch) -> None:
    found = _findings("decorated_views", monkeypatch)
    assert sorted(found) == [("app/decorators.py", 12), ("app/decorators.py", 25),
                             ("app/decorators.py", 75), ("app/decorators.py", 99)]
    wrapper = found[("app/decorators.py", 12)]
    assert wrapper.message == (
        "`except BaseException as e` sends exception details to the client: `e` is handed to "
        "`jsonify_error` (errors.py:9), which returns jsonify(...) with it (errors.py:11); "
        "`exception_decorator` wraps the routes GET /processes, GET /settings, whose response "
        "is what the wrapper returns")
    assert [(r.path, r.span.start_line, r.message) for r in wrapper.related] == [
        ("app/decorators.py", 13, "calls jsonify_error"),
        ("app/errors.py", 11, "the exception reaches the response here"),
        ("app/views.py", _line_of("decorated_views", "app/views.py", '"/processes"'),
         "route GET /processes wears exception_decorator"),
        ("app/views.py", _line_of("decorated_views", "app/views.py", '"/settings"'),
         "route GET /settings wears exception_decorator"),
    ]
    factory = found[("app/decorators.py", 25)]
    assert factory.message.endswith(
        "`guarded.decorator` wraps the route POST /import, whose response is what the "
        "wrapper returns")
    # The parameter a branch may replace (`if isinstance(e, ChartError): e = e.error`), its
    # text handed on to the project's own jsonify.
    assert "`e` is handed to `chart_error` (errors.py:30), which calls `answer` (errors.py:25), " \
           "which returns jsonify(...) with it (errors.py:27); `chart_decorator` wraps the route " \
           "GET /chart" in found[("app/decorators.py", 75)].message


def test_decorator_wrapper_returning_the_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """`return {"error": str(e)}, 500` in a wrapper is the response of the views it wraps:
    reported when a route wears the decorator (not for `plain_unworn`, worn by none)."""
    found = _findings("decorated_views", monkeypatch)
    plain = found[("app/decorators.py", 99)]
    assert plain.message == (
        "`except Exception as e` sends exception details to the client: str(e) reaches the "
        "route's return value on line 100; `plain_answer` wraps the route GET /plain, whose "
        "response is what the wrapper returns")
    assert [(r.path, r.span.start_line) for r in plain.related] == [
        (None, 100), ("app/views.py", _line_of("decorated_views", "app/views.py", '"/plain"'))]


def test_middleware_dispatch_answers_the_request(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a Starlette BaseHTTPMiddleware's dispatch returns is the response; a plain
    class's dispatch method is not."""
    found = _findings("helpers_that_make_text", monkeypatch)
    assert found[("api/middleware.py", 22)].message == (
        "`except Exception as e` sends exception details to the client: str(e) reaches the "
        "route's return value on line 24")
    assert ("api/middleware.py", 45) not in found


def test_response_class_of_the_project(monkeypatch: pytest.MonkeyPatch) -> None:
    found = _findings("project_response_class", monkeypatch)
    assert sorted(found) == [("api/rest.py", 36)]
    assert found[("api/rest.py", 36)].message == (
        "`except Exception as e` sends exception details to the client: str(e) reaches "
        "JSONResponse(...) on line 38")
