"""BR401, session 14: a DRF exception handler named by settings, a project error built on a
framework's HTTP error raised with the caught text, a health endpoint answering with a
Starlette-shaped response of another package, and the client-input class of a library
parser. Each test names the rule, the line and the message or fix."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from backendreview.config import Config
from backendreview.engine import finish, review_source, run
from backendreview.metadata import load_rule_docs

ROOT = Path(__file__).resolve().parents[1] / "fixtures" / "BR401"


def _project(project: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(ROOT / project)
    result = run([Path(".")], Config(root=ROOT / project, select=("BR401",)), jobs=1)
    return {(f.path, f.span.start_line): f for f in result.findings}


def _file(name: str):  # type: ignore[no-untyped-def]
    text = (ROOT / name).read_text(encoding="utf-8")
    result = review_source(text.encode(), f"BR401/{name}", Config(), ("BR401",))
    outcome = finish([result], Config(), ("BR401",), load_rule_docs())
    return {f.span.start_line: f for f in outcome.findings}


def _line(path: Path, text: str, nth: int = 1) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [i for i, line in enumerate(lines, 1) if text in line][nth - 1]


def test_drf_exception_handler_named_by_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    found = _project("drf_exception_handler", monkeypatch)
    project = ROOT / "drf_exception_handler"
    define = _line(project / "core/utils/common.py", "def custom_exception_handler")
    # (other/narrowing.py: a handler narrowing to a database error still sends its text;
    # one narrowing to Django's ValidationError is not reported)
    integrity = _line(project / "other/narrowing.py", "def integrity_exception_handler")
    assert sorted(found) == [("core/utils/common.py", define), ("other/narrowing.py", integrity)]
    finding = found[("core/utils/common.py", define)]
    assert finding.rule_id == "BR401"
    use = _line(project / "core/utils/common.py", "response = Response(")
    assert finding.message == (
        "`custom_exception_handler`, the exception handler DRF calls for every exception of "
        "an API view (settings REST_FRAMEWORK['EXCEPTION_HANDLER']), sends exception details "
        f"to the client: `exc` reaches Response(...) on line {use}, for any exception no other "
        "handler answers")
    setting = _line(project / "config/settings.py", '"EXCEPTION_HANDLER"')
    assert [(r.path, r.span.start_line) for r in finding.related] == [
        ("config/settings.py", setting), ("core/utils/common.py", use)]
    # words for DRF's contract: its own exceptions keep their messages, the rest do not
    assert finding.fix is not None and finding.fix.edits == ()
    assert finding.fix.description.startswith(
        "DRF calls this handler for every exception of an API view. Keep the answer DRF's own "
        "`exception_handler(exc, context)` gives")


def test_framework_error_subclass_raised_with_text(monkeypatch: pytest.MonkeyPatch) -> None:
    found = _project("framework_error_subclass", monkeypatch)
    views = ROOT / "framework_error_subclass/app/views.py"
    raise_line = _line(views, "raise GenerateConfigError(f\"Error rendering")
    tasks = ROOT / "framework_error_subclass/app/tasks.py"
    # (tasks.py, management/commands/sync.py: raises in a background task or a management
    # command are not reported; the helper beside them that a view calls is, though it is
    # also handed to a scheduler)
    pull = _line(tasks, "raise GenerateConfigError(f\"Cannot pull")
    assert sorted(found) == [("app/tasks.py", pull),
                             ("app/views.py", raise_line),
                             ("app/views.py", _line(views, "raise RenderError(")),
                             ("app/views.py", _line(views, "raise FormError(description="))]
    finding = found[("app/views.py", raise_line)]
    assert finding.message == (
        "`except Exception as exc` sends exception details to the client: {exc} in an "
        "f-string is raised in `GenerateConfigError(...)`, and `GenerateConfigError` "
        "subclasses Django REST framework's `APIException`, whose handler answers the client "
        "with the exception's message")
    assert [(r.path, r.span.start_line) for r in finding.related] == [
        ("app/views.py", _line(views, "except Exception as exc")), ("app/errors.py", 6)]
    # The fix keeps the sentence the project wrote, without the exception's text.
    assert finding.fix is not None and finding.fix.suggestion is not None
    assert finding.fix.suggestion.endswith(
        'raise GenerateConfigError(f"Error rendering Jinja template (error id {error_id})")')


def test_health_endpoint_keeps_its_status_and_shape() -> None:
    found = _file("starlette_shaped_health.py")
    path = ROOT / "starlette_shaped_health.py"
    line = _line(path, 'resp["status"] = "DOWN"') - 1  # the except
    assert sorted(found) == [line]
    finding = found[line]
    assert finding.message.endswith(
        "str(e) (through `resp['pgstac']`) reaches JSONResponse(...) on line "
        f"{_line(path, 'content=resp)')}")
    assert finding.fix is not None and finding.fix.edits == ()
    assert finding.fix.description.startswith(
        "`health_check` is a health endpoint: monitors and load balancers read its status")
    assert "Internal server error" not in finding.fix.description


def test_library_parser_of_the_clients_filter_is_no_leak() -> None:
    found = _file("client_library_parsers.py")
    path = ROOT / "client_library_parsers.py"
    assert _line(path, "def clean_filter(") not in found
    # the same parse beside a query, a project class, a looked-up value, an SMTP
    # connection, or a 500 stays a finding; so does a library class whose object nothing
    # reads as parsed (a connection that connects when built: pika's, nntplib's), and one
    # built from a method's receiver (`self.default_filter`, the server's own value)
    assert len(found) == 8
    assert _line(path, "return Expr(self.default_filter)") + 2 in found
    assert all(f.rule_id == "BR401" for f in found.values())
    for built in ("BlockingConnection(params)", "server = NNTP(host)"):
        finding = found[_line(path, built) + 2]  # the except
        assert finding.message.startswith(
            "`except Exception as e` sends exception details to the client: {e} in an "
            "f-string reaches HTTPException(...)")
    for read in ("parsed = expr.to_json()", "Expr(filter_query).validate()"):
        assert _line(path, read) + 2 not in found


def test_fix_words_by_the_functions_name_and_the_messages_form() -> None:
    found = _file("fix_words_by_name.py")
    path = ROOT / "fix_words_by_name.py"
    health = found[_line(path, "def get_health():") + 4]  # the except
    assert health.fix is not None and health.fix.description.startswith(
        "`get_health` is a health endpoint")
    # a record's endpoint that only holds the word: the generic answer, as written
    record = found[_line(path, "def update_health_record(") + 4]
    assert record.fix is not None and "health endpoint" not in record.fix.description
    assert record.fix.suggestion is not None and record.fix.suggestion.endswith(
        'return jsonify({"error": "Internal server error"}), 500')
    # `"Failed for %s" % "items"` is no plain string: the generic text replaces the whole
    # message (not `f"Failed for %s" % "items (error id {error_id})"`, whose id is never
    # filled in); the f-string sentence is kept
    formatted = found[_line(path, 'raise ApiError("Failed for %s: %s"')]
    assert formatted.fix is not None and formatted.fix.suggestion is not None
    last = formatted.fix.suggestion.splitlines()[-1]
    assert last == 'raise ApiError(f"Internal server error (error id {error_id})")'
    kept = found[_line(path, 'raise ApiError(f"Failed to update the tags')]
    assert kept.fix is not None and kept.fix.suggestion is not None
    assert kept.fix.suggestion.splitlines()[-1] == \
        'raise ApiError(f"Failed to update the tags (error id {error_id})")'
    for fix in (formatted.fix, kept.fix):
        assert fix.suggestion is not None
        ast.parse(fix.suggestion)
