"""Findings that cross a call name every step: BR201 (a plaintext password handed to a helper
that stores or compares it) and BR401 (exception text handed to a helper that sends it),
in the message and as SARIF related locations; BR206 reads who may call a route from the
code that checks the caller (a Flask before_request hook in another module)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backendreview.config import Config
from backendreview.engine import run
from backendreview.reporters.sarif import render

ROOT = Path(__file__).resolve().parents[1] / "fixtures"


def _findings(project: Path, rule: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(project)
    return run([Path(".")], Config(root=project, select=(rule,)), jobs=1)


def test_br201_names_the_chain_through_two_helpers(monkeypatch: pytest.MonkeyPatch) -> None:
    result = _findings(ROOT / "BR201" / "helpers_that_store", "BR201", monkeypatch)
    by_line = {f.span.start_line: f for f in result.findings}
    chained = by_line[50]
    assert chained.rule_id == "BR201"
    assert chained.message == (
        "plaintext password (request.form['password']) is handed to `open_account` "
        "(store.py:42), which calls `save_account` (store.py:9), which stores it by "
        "`Account(...)` (store.py:10) without a password hash")
    assert [(r.path, r.span.start_line, r.message) for r in chained.related] == [
        ("accounts/views.py", 50, "calls open_account"),
        ("accounts/store.py", 44, "calls save_account"),
        ("accounts/store.py", 10, "stores the password: Account(...)"),
    ]
    assert sorted(by_line) == [22, 50, 57, 65]


def test_br201_related_locations_reach_sarif(monkeypatch: pytest.MonkeyPatch) -> None:
    result = _findings(ROOT / "BR201" / "helpers_that_store", "BR201", monkeypatch)
    results = json.loads(render(result))["runs"][0]["results"]
    lookup = next(r for r in results
                  if r["locations"][0]["physicalLocation"]["region"]["startLine"] == 57)
    related = [(loc["physicalLocation"]["artifactLocation"]["uri"],
                loc["physicalLocation"]["region"]["startLine"])
               for loc in lookup["relatedLocations"]]
    assert related == [("accounts/views.py", 57), ("accounts/store.py", 26)]


def test_br401_names_the_helper_that_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    result = _findings(ROOT / "BR401" / "helpers_that_send", "BR401", monkeypatch)
    by_line = {f.span.start_line: f for f in result.findings if f.path == "api/views.py"}
    assert sorted(by_line) == [20, 29, 38]
    raised = by_line[29]
    assert raised.message == (
        "`except Exception as e` sends exception details to the client: str(e) is handed to "
        "`fail` (errors.py:15), which raises HTTPException(...) with it (errors.py:16)")
    assert [(r.path, r.span.start_line) for r in raised.related] == [
        ("api/views.py", 30), ("api/errors.py", 16)]
    two_steps = by_line[38]
    assert "`e` is handed to `handle_error` (errors.py:19), which calls `_respond` " \
           "(errors.py:24), which returns jsonify(...) with it (errors.py:25)" in two_steps.message


def test_br206_reads_a_before_request_hook_in_another_module(
        monkeypatch: pytest.MonkeyPatch) -> None:
    result = _findings(ROOT / "BR206" / "hooks_in_another_module", "BR206", monkeypatch)
    assert [(f.path, f.span.start_line) for f in result.findings] == [("api/register.py", 9)]
    assert result.findings[0].message.startswith('route "POST /register" (register_post) is '
                                                 "an authentication endpoint")


def test_br401_lists_the_routes_a_service_returns_its_error_to(
        monkeypatch: pytest.MonkeyPatch) -> None:
    result = _findings(ROOT / "BR401" / "helpers_that_send", "BR401", monkeypatch)
    found = [f for f in result.findings if f.path == "api/services.py"]
    assert [f.span.start_line for f in found] == [17]
    assert found[0].message == (
        "`except Exception as exc` sends exception details to the client: str(exc) is "
        "returned by `fetch_report` (line 18), and the route GET /reports/<report_id> "
        "returns its value to the client")
    assert [(r.path, r.span.start_line) for r in found[0].related] == [
        ("api/services.py", 18), ("api/views.py", 92)]


def test_br401_names_except_raise_and_registered_handler(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """`raise ApiError(str(e), 500)` in a broad except: reported at the raise, naming the
    handler Flask registered for ApiError (another module), with both as related steps."""
    result = _findings(ROOT / "BR401" / "error_handler_flask", "BR401", monkeypatch)
    by_line = {f.span.start_line: f for f in result.findings if f.path == "api/views.py"}
    assert sorted(by_line) == [16, 26]
    # The catch-all handler registered for every Exception sends str(error) itself.
    assert [(f.path, f.span.start_line) for f in result.findings
            if f.path != "api/views.py"] == [("api/exceptions.py", 48)]
    direct = by_line[16]
    assert direct.rule_id == "BR401"
    assert direct.message == (
        "`except Exception as e` sends exception details to the client: str(e) is raised in "
        "`ApiError(...)`, and `handle_api_error` (api/exceptions.py:39), the error handler "
        "registered for `ApiError`, writes the exception's text into the response")
    assert [(r.path, r.span.start_line, r.message) for r in direct.related] == [
        ("api/views.py", 14, "the broad except catching any failure"),
        ("api/exceptions.py", 39, "`handle_api_error` sends the exception's text to the client"),
    ]
    assert direct.fix is not None and direct.fix.suggestion is not None
    assert direct.fix.suggestion.endswith(
        'raise ApiError(f"Internal server error (error id {error_id})", 500)')
    # ConflictError has no handler of its own: ApiError's, next on its MRO, answers it.
    assert "registered for `ApiError` (which `ConflictError` subclasses)" in by_line[26].message


def test_br208_flask_cors_without_origins_follows_the_settings(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """flask-cors merges CORS_ORIGINS from the app config: a settings module listing origins
    clears every call without `origins`; a project that never sets it gets the default "*"."""
    configured = _findings(ROOT / "BR208" / "origins_in_settings", "BR208", monkeypatch)
    assert [(f.path, f.span.start_line) for f in configured.findings] == [
        ("monitor/views.py", 16)]
    unset = _findings(ROOT / "BR208" / "no_origins_setting", "BR208", monkeypatch)
    assert [(f.path, f.span.start_line, f.message.split(":")[0]) for f in unset.findings] == [
        ("svc/app.py", 9, "CORS(supports_credentials=True) with every origin (no `origins`, "
                          "and flask-cors's default CORS_ORIGINS is \"*\")")]
