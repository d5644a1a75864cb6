"""BR401 fixes where a generic 'Internal server error' would be wrong: an endpoint that tests
a connection, a refusal / not-found / conflict answer, a 4xx that is another server's failure,
and text made once in a local and built into a per-item result list."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from backendreview.config import Config
from backendreview.engine import finish, review_source, run
from backendreview.metadata import load_rule_docs

HANDLER = """
    import httpx
    from fastapi import APIRouter, HTTPException

    from app.services import BulkResult, Result, client, probe, work

    router = APIRouter()


    @router.post("/{path}")
    async def {name}(payload: dict):
        try:
            {body}
        except Exception as e:
            {answer}
"""


def _finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str = "create_item",
             body: str = "return await work(payload)",
             answer: str = 'raise HTTPException(status_code=500, detail=f"failed: {e}")'):
    source = HANDLER.replace("{path}", name).replace("{name}", name).replace(
        "{body}", body).replace("{answer}", answer)
    (tmp_path / "api.py").write_text(textwrap.dedent(source), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    findings = run([Path(".")], Config(root=tmp_path, select=("BR401",)), jobs=1).findings
    assert [(f.rule_id, f.span.start_line) for f in findings] == [("BR401", 14)]
    assert findings[0].fix is not None
    return findings[0]


@pytest.mark.parametrize("name", ["test_cache_connection", "check_redis_connection",
                                  "test_model_connection"])
def test_a_connection_test_gets_words_that_keep_its_answer(tmp_path, monkeypatch,
                                                           name: str) -> None:
    finding = _finding(tmp_path, monkeypatch, name=name,
                       answer='return {"status": "failed", "message": f"failed: {e}"}')
    assert finding.fix.edits == () and finding.fix.suggestion is None
    assert finding.fix.description.startswith(
        f"`{name}` reports whether a connection works, so the failure's reason is its answer")
    assert "Internal server error" not in finding.fix.description


@pytest.mark.parametrize("name", ["test_connection_pool_size", "connect_account",
                                  "create_connection"])
def test_other_handlers_keep_the_generic_answer(tmp_path, monkeypatch, name: str) -> None:
    # Near misses: a name that mentions a connection without testing one.
    finding = _finding(tmp_path, monkeypatch, name=name,
                       answer='return {"status": "failed", "message": f"failed: {e}"}')
    assert finding.fix.edits
    assert '"message": "Internal server error"' in finding.fix.edits[-1].replacement


@pytest.mark.parametrize(("status", "words", "body"), [
    ("403", "This answers a 403 (a refusal)", "return await work(payload)"),
    ("status.HTTP_404_NOT_FOUND", "This answers a 404 (a missing resource)",
     "return await work(payload)"),
    # (a 401 around a credential check: one around other work is session 15's channel case)
    ("401", "This answers a 401 (a refused authentication)",
     "return await verify_token(payload)"),
    ("409", "This answers a 409 (a conflict)", "return await work(payload)"),
])
def test_a_refusal_or_not_found_is_not_made_a_500(tmp_path, monkeypatch, status: str,
                                                  words: str, body: str) -> None:
    answer = f'raise HTTPException(status_code={status}, detail=f"denied: {{e}}")'
    finding = _finding(tmp_path, monkeypatch, answer=answer, body=body)
    assert finding.fix.edits == ()
    assert finding.fix.description.startswith(words + ": a generic 'Internal server error' "
                                                      "would misdescribe it.")


@pytest.mark.parametrize("body", [
    "return (await client.post(url='https://dlp', json=payload)).json()",
    "return httpx.get('https://dlp').json()",
])
def test_a_4xx_from_another_server_is_not_called_a_client_error(tmp_path, monkeypatch,
                                                                body: str) -> None:
    finding = _finding(tmp_path, monkeypatch, body=body,
                       answer='raise HTTPException(status_code=400, detail=f"DLP: {e}")')
    assert finding.fix.edits == ()
    assert finding.fix.description.startswith("The failure comes from another server (")
    assert "with a 502 or 503" in finding.fix.description
    assert "client error" not in finding.fix.description


def test_a_400_around_local_work_is_still_a_client_error(tmp_path, monkeypatch) -> None:
    # Near miss: no HTTP call in the try body, so the 400 keeps the client-error words.
    finding = _finding(tmp_path, monkeypatch, body="return await probe(payload)",
                       answer='raise HTTPException(status_code=400, detail=f"bad: {e}")')
    assert finding.fix.description.startswith("This answers a client error (status 400)")


def test_text_built_into_a_result_list_is_replaced_where_it_is_made(tmp_path,
                                                                    monkeypatch) -> None:
    # litellm's bulk member add: `results` is a list of per-member results carrying the text;
    # a string in its place breaks the response model, so the text is replaced at its origin.
    answer = "\n".join([
        "error_message = str(e)",
        "            results = [Result(member=m, error=error_message) for m in payload['members']]",
        "            return BulkResult(results=results, failed=len(results))",
    ])
    finding = _finding(tmp_path, monkeypatch, answer=answer)
    edit = finding.fix.edits[-1]
    assert edit.span.start_line == 15
    assert edit.replacement == ('logger.exception("create_item failed")\n'
                                '        error_message = "Internal server error"')
    ast.parse(textwrap.dedent("        " + edit.replacement))


def test_a_local_that_is_the_text_is_replaced_where_it_is_used(tmp_path, monkeypatch) -> None:
    # Near miss: the local is the text itself; the answer using it is edited as before.
    answer = "\n".join([
        "message = str(e)",
        "            return {'error': message}",
    ])
    finding = _finding(tmp_path, monkeypatch, answer=answer)
    edit = finding.fix.edits[-1]
    assert edit.span.start_line == 16
    assert edit.replacement.endswith("return {'error': \"Internal server error\"}")


SERVICES = """
    from app.net import fetch


    def list_tools(server):
        try:
            return {"tools": fetch(server)}
        except Exception as e:
            return {"tools": [], "error": f"Failed to get tools from {server}: {e}"}


    def hook(data):
        try:
            return fetch(data)
        except Exception as e:
            handle_api_error(e)


    def handle_api_error(e):
        raise HTTPException(status_code=503, detail={"original_error": str(e)})
"""

ROUTES = """
    from fastapi import APIRouter

    from app.services import hook, list_tools

    router = APIRouter()


    @router.get("/tools")
    def tools(server: str):
        return list_tools(server)


    @router.post("/hook")
    def run_hook(data: dict):
        return hook(data)
"""


def test_a_helper_keeps_the_shape_its_callers_read(tmp_path, monkeypatch) -> None:
    # litellm's MCP tool listing and guardrail hooks: the except is in a helper whose callers
    # read a dict (or expect it to raise); a JSONResponse built there is no fix.
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("", encoding="utf-8")
    services = "from fastapi import HTTPException\n" + textwrap.dedent(SERVICES)
    (tmp_path / "app" / "services.py").write_text(services, encoding="utf-8")
    (tmp_path / "app" / "api.py").write_text(textwrap.dedent(ROUTES), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    findings = run([Path(".")], Config(root=tmp_path, select=("BR401",)), jobs=1).findings
    by_line = {f.span.start_line: f for f in findings}
    assert sorted(by_line) == [9, 16]
    returned, handed = by_line[9].fix, by_line[16].fix
    assert returned is not None and handed is not None
    assert returned.edits[-1].replacement == (
        'logger.exception("list_tools failed")\n'
        '        return {"tools": [], "error": f"Failed to get tools from {server}"}')
    assert returned.description.startswith("This function is no route handler")
    assert returned.description.endswith("The edit keeps the written message: keep the "
                                          "message written for the user without the "
                                          "exception's text (the status and the response's "
                                          "shape stay).")
    assert handed.edits == () and handed.suggestion is None
    # the exception itself is handed on: the helper makes the text, the fix belongs there
    assert handed.description.startswith("The exception's text goes into the response "
                                          "inside `handle_api_error` (defined on line 20")


def test_text_inside_json_dumps_keeps_the_json(tmp_path, monkeypatch) -> None:
    # reviewboard's licensing views: the body is json.dumps({...}) the page's script parses;
    # the text is replaced inside it, not the whole JSON by a bare string.
    answer = ("return HTTPResponse(json.dumps({'error': str(e)}), status=500, "
              "media_type='application/json')")
    source = textwrap.dedent(HANDLER).replace("import httpx", "import json").replace(
        "from fastapi import APIRouter, HTTPException",
        "from fastapi import APIRouter\nfrom fastapi import Response as HTTPResponse")
    finding = _finding_in(tmp_path, monkeypatch, source, answer)
    assert finding.fix.edits[-1].replacement.endswith(
        "return HTTPResponse(json.dumps({'error': \"Internal server error\"}), status=500, "
        "media_type='application/json')")


def test_a_text_split_over_lines_in_parentheses_is_replaced(tmp_path, monkeypatch) -> None:
    # reviewboard's batch views: the message is a parenthesised `%` over two lines; the
    # answer keeps its other keys ('stat', the counts the client reads).
    answer = "\n".join([
        "return JSONResponse({'stat': 'fail',",
        "                                 'error': ('Failed to publish %d: %s'",
        "                                           % (1, e)),",
        "                                 'published': 0}, status_code=500)",
    ])
    source = textwrap.dedent(HANDLER).replace(
        "from fastapi import APIRouter, HTTPException",
        "from fastapi import APIRouter\nfrom fastapi.responses import JSONResponse")
    finding = _finding_in(tmp_path, monkeypatch, source, answer)
    replacement = finding.fix.edits[-1].replacement
    # the written message stays, without the exception's part
    assert "'error': \"Failed to publish %d\" % 1," in replacement
    assert "'stat': 'fail'" in replacement and "'published': 0" in replacement
    assert "% (1, e)" not in replacement


def _finding_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str, answer: str):
    source = source.replace("{path}", "publish").replace("{name}", "publish").replace(
        "{body}", "return await work(payload)").replace("{answer}", answer)
    (tmp_path / "api.py").write_text(source, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    findings = run([Path(".")], Config(root=tmp_path, select=("BR401",)), jobs=1).findings
    assert [f.rule_id for f in findings] == ["BR401"]
    assert findings[0].fix is not None and findings[0].fix.edits
    ast.parse(source)
    return findings[0]


def test_catch_all_after_specific_handlers_keeps_the_exact_edit_and_says_why() -> None:
    # reviewboard: `except LicenseActionError` answers the input's errors; the catch-all's
    # 400 gets the exact edit, with a note for an input error only it would see.
    path = Path(__file__).resolve().parents[1] / "fixtures" / "BR401" / "handler_logs_itself.py"
    text = path.read_text(encoding="utf-8")
    result = review_source(text, "handler_logs_itself.py", Config(), ("BR401",))
    # With the project phase: a view no file names is held for its reach question.
    findings = finish([result], Config(), ("BR401",), load_rule_docs()).findings
    fixes = {f.span.start_line: f.fix for f in findings if f.rule_id == "BR401"}
    catch_all = fixes[text.splitlines().index(
        '    except Exception as e:', text.splitlines().index("def license_action(request):")) + 1]
    assert catch_all.edits and "HttpResponseBadRequest(\"Unexpected error\")" in \
        catch_all.edits[-1].replacement
    assert "This catch-all answers a client error (HttpResponseBadRequest, a 400)" in \
        catch_all.description
    # Near miss: the same 400 with no handler above it is said in words, no edit.
    plain = fixes[text.splitlines().index(
        '    except Exception as e:', text.splitlines().index("def license_view(request):")) + 1]
    assert not plain.edits
    assert plain.description.startswith("This answers a client error (HttpResponseBadRequest, "
                                        "a 400)")


def test_a_helper_given_the_text_leaves_the_fix_at_the_call(tmp_path, monkeypatch) -> None:
    # Near miss: the except makes the text itself (`str(e)`) and hands that on: the helper
    # only carries it, so the fix stays at this except, not in the helper.
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("", encoding="utf-8")
    services = "from fastapi import HTTPException\n" + textwrap.dedent(SERVICES).replace(
        "handle_api_error(e)\n", "handle_api_error(str(e))\n")
    (tmp_path / "app" / "services.py").write_text(services, encoding="utf-8")
    (tmp_path / "app" / "api.py").write_text(textwrap.dedent(ROUTES), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    findings = run([Path(".")], Config(root=tmp_path, select=("BR401",)), jobs=1).findings
    handed = {f.span.start_line: f for f in findings}[16].fix
    assert not handed.description.startswith("The exception's text goes into the response")



def _the_br401(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str]):
    """The one BR401 finding of these files, reviewed from `tmp_path`."""
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    (finding,) = run([Path(".")], Config(root=tmp_path, select=("BR401",)), jobs=1).findings
    return finding


_PREVIEW_URLS = ("from django.urls import path\n\nfrom views import preview\n\n"
                 "urlpatterns = [path('preview/', preview)]\n")


VOLUMES = """
from fastapi import APIRouter, HTTPException

router = APIRouter()


@router.post("/volumes/apply")
async def volume_apply(body: dict):
    try:
        return await apply(body)
    except ValueError as e:
        raise HTTPException(status_code=400, detail="invalid volume spec") from e
    except Exception as e:
        raise HTTPException(status_code=400, detail=str(e)) from e
"""


def test_a_catch_all_400_answered_generically_becomes_a_500(tmp_path, monkeypatch) -> None:
    # skypilot's volume apply: "Internal server error" under a 400 misdescribes the answer;
    # the unexpected rest the catch-all sees is the server's failure.
    finding = _the_br401(tmp_path, monkeypatch, {"api.py": VOLUMES})
    assert finding.span.start_line == 13
    assert finding.fix.edits[-1].replacement == (
        'logger.exception("volume_apply failed")\n'
        '        raise HTTPException(status_code=500, detail="Internal server error") from e')
    assert "a 500 is the fitting status (the edit answers it)" in finding.fix.description


def test_a_catch_all_400_with_a_written_message_keeps_its_status(tmp_path,
                                                                  monkeypatch) -> None:
    # Near miss (reviewboard): the project's own words stay, and so does its status.
    text = VOLUMES.replace('detail=str(e)', 'detail=f"could not apply: {e}"')
    finding = _the_br401(tmp_path, monkeypatch, {"api.py": text})
    assert finding.fix.edits[-1].replacement == (
        'logger.exception("volume_apply failed")\n'
        '        raise HTTPException(status_code=400, detail="could not apply") from e')
    assert "(the edit keeps the project's own)" in finding.fix.description


HOOKS = """
import logging

from flask import flash, redirect, request
from flask_appbuilder import BaseView, expose

log = logging.getLogger(__name__)


class ModelView(BaseView):
    @expose("/add", methods=["POST"])
    def add(self):
        item = self.datamodel.obj()
        try:
            self.pre_add(item)
        except Exception as e:
            flash(str(e), "danger")
        return redirect(request.referrer)

    def pre_add(self, item):
        \"\"\"Override this: an exception it raises is shown to the user.\"\"\"
"""


def test_a_hook_subclasses_fill_keeps_its_messages(tmp_path, monkeypatch) -> None:
    # flask-appbuilder's pre_add: the hook's exceptions are the user's messages by design.
    finding = _the_br401(tmp_path, monkeypatch, {"views.py": HOOKS})
    assert finding.span.start_line == 16
    assert finding.fix.edits == ()
    assert finding.fix.description.startswith(
        "The try body calls `self.pre_add` (line 15), a hook subclasses fill (empty here)")


def test_a_method_with_a_body_is_no_hook(tmp_path, monkeypatch) -> None:
    # Near miss: pre_add does work of its own here; the generic text goes in.
    text = HOOKS.replace('shown to the user."""', 'shown to the user."""\n'
                         '        self.datamodel.check(item)')
    finding = _the_br401(tmp_path, monkeypatch, {"views.py": text})
    assert finding.fix.edits[-1].replacement == (
        'log.exception("add failed")\n            flash("Internal server error", "danger")')


PREVIEW = """
import logging

from django.core.exceptions import ValidationError
from django.http import HttpResponse

logger = logging.getLogger(__name__)


def preview(request):
    try:
        instance = build_preview(request)
    except Exception as e:
        logger.exception("preview failed")
        status = 400 if e.__class__ is ValidationError else 500
        return HttpResponse(str(e), status=status)
    return HttpResponse(instance.render())
"""


def test_an_input_error_told_apart_keeps_its_message(tmp_path, monkeypatch) -> None:
    # openwisp's config preview: a ValidationError answers 400 with its message on purpose.
    finding = _the_br401(tmp_path, monkeypatch, {"views.py": PREVIEW, "urls.py": _PREVIEW_URLS})
    assert finding.span.start_line == 13
    assert finding.fix.edits == ()
    assert finding.fix.description.startswith(
        "This except tells a `ValidationError` (the input's error, answered with its message "
        "on purpose) from the rest")


def test_another_type_told_apart_gets_the_exact_edit(tmp_path, monkeypatch) -> None:
    # Near miss: a KeyError is no input error written for the user: the generic text goes in.
    finding = _the_br401(tmp_path, monkeypatch, {
        "views.py": PREVIEW.replace("is ValidationError", "is KeyError"),
        "urls.py": _PREVIEW_URLS})
    assert finding.fix.edits[-1].replacement == (
        'return HttpResponse("Internal server error", status=status)')


FORWARDED = """
from starlette.responses import Response
from starlette.routing import Route


async def app_page(request):
    try:
        await validate(request)
    except Exception as e:
        status_code = getattr(e, "status_code", 500)
        return Response(status_code=status_code, content=str(e))
    return Response("ok")


routes = [Route("/apps/{name}", app_page)]
"""


def test_a_status_carried_by_the_exception_keeps_http_errors(tmp_path, monkeypatch) -> None:
    # marimo's validate callback: HTTP errors raised to deny access pass through on purpose.
    finding = _the_br401(tmp_path, monkeypatch, {"app.py": FORWARDED})
    assert finding.span.start_line == 9
    assert finding.fix.edits == ()
    assert finding.fix.description.startswith(
        'The except answers with the status the exception carries (`getattr(e, "status_code", '
        '...)`)')


def test_a_status_of_its_own_gets_the_exact_edit(tmp_path, monkeypatch) -> None:
    # Near miss: the status is the handler's own; the generic text goes in.
    text = FORWARDED.replace('getattr(e, "status_code", 500)', "500")
    finding = _the_br401(tmp_path, monkeypatch, {"app.py": text})
    assert finding.fix.edits[-1].replacement.endswith(
        'return Response(status_code=status_code, content="Internal server error")')


def test_a_hook_after_the_action_speaks_not_for_its_failures(tmp_path, monkeypatch) -> None:
    # Near miss (flask-appbuilder's post_add): the hook runs after the database write whose
    # failure the except shows; the generic text goes in.
    text = HOOKS.replace("self.pre_add(item)", "self.datamodel.add(item)\n"
                         "            self.post_add(item)").replace("def pre_add", "def post_add")
    finding = _the_br401(tmp_path, monkeypatch, {"views.py": text})
    assert finding.fix.edits[-1].replacement == (
        'log.exception("add failed")\n            flash("Internal server error", "danger")')


SAVE_ERROR = """
import logging

from django.http import JsonResponse

logger = logging.getLogger(__name__)


def handle_save_error(e, tile_id="", title="Saving failed", message=None):
    logger.error("%s %s", title, tile_id)
    return JsonResponse({"title": title, "message": message or type(e).__name__}, status=400)


def save_tile(request, tile_id):
    try:
        return JsonResponse(save(request, tile_id))
    except Exception as e:
        return handle_save_error(e, tile_id, title="Unable to save.", message=str(e))
"""


def test_the_text_handed_to_a_helper_beside_the_exception(tmp_path, monkeypatch) -> None:
    # arches' handle_save_error(e, ..., message=str(e)): only the text argument is replaced,
    # never the whole call by a bare string (when the helper is also known to send the
    # exception itself, the fix says so in words).
    finding = _the_br401(tmp_path, monkeypatch, {
        "views.py": SAVE_ERROR,
        "urls.py": "from django.urls import path\n\nfrom views import save_tile\n\n"
                   "urlpatterns = [path('tiles/<tile_id>', save_tile)]\n"})
    assert finding.span.start_line == 17
    assert finding.fix.edits[-1].replacement == (
        'logger.exception("save_tile failed")\n        return handle_save_error(e, tile_id, '
        'title="Unable to save.", message="Internal server error")')
