"""BR401 along the paths exception text takes to the client besides a response builder in
the route: a generator a streaming response sends (directly or relayed by another
generator, in another module), a project helper that raises an HTTP error built into a local,
and an error handler for every exception registered by another module's app factory. Each
finding names every step, in the message and as related locations."""

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


def test_generator_relayed_from_another_module(monkeypatch: pytest.MonkeyPatch) -> None:
    found = _findings("streamed_errors", monkeypatch)
    relayed = found[("chat/streams.py", 50)]
    assert relayed.rule_id == "BR401"
    assert relayed.message == (
        "`except Exception as e` sends exception details to the client: str(e) is yielded by "
        "the generator `raw_tokens` (chat/streams.py:45) on line 51, which `relayed` "
        "(chat/routes.py:110) relays, and which StreamingResponse(...) on line 117 of "
        "chat/routes.py streams to the client")
    assert [(r.path, r.span.start_line, r.message) for r in relayed.related] == [
        ("chat/streams.py", 51, "the exception's text is yielded here"),
        ("chat/routes.py", 110, "this generator relays its items"),
        ("chat/routes.py", 117, "the generator is the body of this streaming response"),
    ]


def test_streamed_generators_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reported: generators a streaming response sends (a nested one, a factory's, a method,
    a Flask and a Django one); not: a CLI progress generator, one a route reads into a list,
    generic or narrowed error lines, a formatter given the exception object."""
    found = _findings("streamed_errors", monkeypatch)
    assert sorted(found) == [
        ("chat/django_views.py", 17), ("chat/flask_views.py", 20), ("chat/research.py", 36),
        ("chat/research.py", 73), ("chat/routes.py", 36), ("chat/routes.py", 47),
        ("chat/routes.py", 65), ("chat/streams.py", 16), ("chat/streams.py", 50)]
    factory = found[("chat/routes.py", 47)]
    assert factory.message.endswith(
        "str(e) is yielded by the generator `_generate` on line 49, which "
        "StreamingResponse(...) on line 57 streams to the client")
    assert "EventSourceResponse(...) on line 87" in found[("chat/routes.py", 65)].message


def test_relay_keeping_a_class_to_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    """`if isinstance(item, Step): steps.append(item) else: yield item`: a Step made with the
    exception's text stays in the loop (the next prompt's input); a text line goes on, and
    so does a Step a relay yields under the test itself."""
    found = _findings("streamed_errors", monkeypatch)
    research = sorted(line for path, line in found if path == "chat/research.py")
    assert research == [36, 73]
    assert found[("chat/research.py", 36)].message.endswith(
        "{e} in an f-string is yielded by the generator `status_lines` (chat/research.py:31) "
        "on line 37, which "
        "`chat_events` (chat/research.py:40) relays, and which StreamingResponse(...) on "
        "line 56 streams to the client")


def test_helper_raising_an_error_built_into_a_local(monkeypatch: pytest.MonkeyPatch) -> None:
    found = _findings("helpers_that_abort", monkeypatch)
    assert sorted(found) == [("tree/export.py", 17), ("tree/export.py", 26),
                             ("tree/jobs.py", 16), ("tree/jobs.py", 26), ("tree/jobs.py", 35)]
    through_two = found[("tree/export.py", 26)]
    assert through_two.message == (
        "`except Exception as err` sends exception details to the client: str(err) is handed "
        "to `fail` (util.py:24), which calls `abort_with_message` (util.py:13), which raises "
        "HTTPException(...) with it (util.py:19)")
    assert [(r.path, r.span.start_line, r.message) for r in through_two.related] == [
        ("tree/export.py", 27, "calls fail"),
        ("tree/util.py", 26, "calls abort_with_message"),
        ("tree/util.py", 19, "the exception reaches the response here"),
    ]


def test_helper_raising_is_reported_whoever_calls_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """`rebuild` runs in a request (a route calls it), `rebuild_task` too (a route hands it to
    a runner), `rebuild_all` is a command nothing calls: all three hand the text to a helper
    that raises an HTTP error. BR401 does not ask which functions a request runs (that needs
    every call site of the whole program model, which made a default run 1.7x slower on
    skyvern), only whether anything in the code names the function: nothing names
    `rebuild_all` (no import, no other mention in its file), so it is a note saying so."""
    found = _findings("helpers_that_abort", monkeypatch)
    assert sorted(key for key in found if key[0] == "tree/jobs.py") == [
        ("tree/jobs.py", 16), ("tree/jobs.py", 26), ("tree/jobs.py", 35)]
    assert [found[("tree/jobs.py", line)].severity.value for line in (16, 26, 35)] == [
        "warning", "note", "warning"]
    assert found[("tree/jobs.py", 16)].message == (
        "`except Exception as e` sends exception details to the client: {e} in an f-string is "
        "handed to `abort_with_message` (util.py:13), which raises HTTPException(...) with it "
        "(util.py:19)")
    assert found[("tree/jobs.py", 26)].message == found[("tree/jobs.py", 16)].message + (
        " (note: nothing in the reviewed code calls, imports or names `rebuild_all`, so no "
        "route runs it; it is sent only if something outside the code calls it, such as a "
        "setting naming it by string)")
    assert found[("tree/jobs.py", 35)].message == found[("tree/jobs.py", 16)].message


def test_raise_through_error_handler_in_a_route_and_in_a_worker(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The same `raise ControllerError(f"...{e}")` in Project.duplicate (a route runs it) and
    in ExportJob.run (a worker's job): both warnings (see above); the nested def and the
    lambda-called helper of gns/probe.py too. Near misses there stay silent."""
    found = _findings("error_handler_fastapi", monkeypatch)
    assert sorted(k for k in found if k[0] != "gns/probe.py") == [
        ("gns/project.py", 14), ("gns/worker.py", 21)]
    assert {k: f.severity.value for k, f in found.items()} == {
        ("gns/project.py", 14): "warning", ("gns/worker.py", 21): "warning",
        ("gns/probe.py", 18): "warning", ("gns/probe.py", 26): "warning",
        ("gns/probe.py", 36): "warning", ("gns/probe.py", 62): "warning"}
    assert found[("gns/probe.py", 36)].message.startswith(
        "`except Exception as e` sends exception details to the client")


def test_catch_all_handler_registered_by_another_module(
        monkeypatch: pytest.MonkeyPatch) -> None:
    found = _findings("catch_all_imported", monkeypatch)
    assert sorted(found) == [("web/handlers.py", 12)]
    handler = found[("web/handlers.py", 12)]
    assert handler.message == (
        "`fallback_exception_handler`, the error handler registered for every `Exception`, "
        "sends exception details to the client: `exc` reaches JSONResponse(...) on line 14, "
        "for any exception no other handler answers")
    assert handler.snippet == \
        "async def fallback_exception_handler(request: Request, exc: Exception):"
    assert [(r.path, r.span.start_line, r.message) for r in handler.related] == [
        ("web/app.py", 10, "registered here for every exception"),
        ("web/handlers.py", 14, "the exception reaches the response here"),
    ]
