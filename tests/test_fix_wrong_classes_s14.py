"""Fix texts of the classes the tuning half's labels judge wrong in session 14 (issue 13):
each case asserts the text written now, beside a near miss where the old text stays right."""

from __future__ import annotations

from backendreview.config import Config
from backendreview.engine import finish, review_source
from backendreview.metadata import load_rule_docs

from .test_br301_fixes import _br301

ONE_KEY = '''from fastapi import APIRouter, FastAPI

app = FastAPI()
router = APIRouter(prefix="/clients")


@router.post("/{id}/encryption-key", status_code=201)
async def create_encryption_key(id: int):
    return {}


@router.post("/{id}/note", status_code=201)
async def create_notes(id: int):
    return {}


@router.get("/{id}/report", status_code=201)
async def report(id: int):
    return {}


@router.post("/{id}/session", status_code=201)
async def create_session(id: int):
    return {}


@router.get("/{id}/session/{session_id}")
async def session(id: int, session_id: int):
    return {}


app.include_router(router)
'''


def test_br301_a_created_singular_sub_resource_gets_both_forms_not_a_plural() -> None:
    # fief api/routers/clients.py:96: `POST /clients/{id}/encryption-key` by
    # `create_encryption_key` stores the client's one key; "encryption-keys" misnamed it.
    found = {line: (message, text, code) for line, message, text, code in
             _br301({"main.py": ONE_KEY})}
    message, text, code = found[7]
    assert text == (
        'Decide whether a client has one "encryption-key" or several: if one (what '
        "`create_encryption_key` writes replaces the one before), the singular names it, a "
        "sub-resource of its own at /clients/{id}/encryption-key (PUT replaces it, DELETE "
        "removes it), and the path stays; if several, they are a collection: "
        "/clients/{id}/encryption-keys, one of them at /clients/{id}/encryption-keys/{key_id}")
    assert code is None
    assert message.endswith('use "encryption-keys" if it holds several (see the fix)')
    # Near miss: a handler that names the plural (`create_notes`) creates into a collection:
    # the rename stands.
    assert found[12][1:] == ('Name the collection in the plural: "/{id}/notes"', '"/{id}/notes"')
    # Near miss: a GET of a member's sub-resource is not reported at all (member_sub_resource).
    assert 17 not in found
    # Near miss: llama-stack `POST /agents/{agent_id}/session` by `create_agent_session`
    # beside `.../session/{session_id}`: the table shows members, so it is a collection.
    assert found[22][1:] == ('Name the collection in the plural: "/{id}/sessions"',
                             '"/{id}/sessions"')


JOB_CANCEL = '''from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()


class JobRef(BaseModel):
    job_uuid: str


@app.post("/v1/training/job/cancel")
async def cancel_training_job(body: JobRef):
    return {}


@app.post("/v1/projects/{project_id}/lock")
async def lock_project(project_id: int):
    return {}


@app.post("/v1/batch/job/cancel")
async def cancel_batch_job():
    return {}


@app.get("/v1/projects/{project_id}")
async def project(project_id: int):
    return {}
'''


def _br302(files: dict[str, str]) -> dict[int, tuple[str, str | None]]:
    config = Config()
    results = [review_source(text.encode(), path, config, ("BR302",))
               for path, text in files.items()]
    found = finish(results, config, ("BR302",), load_rule_docs()).findings
    return {f.span.start_line: (f.fix.description, f.fix.suggestion)
            for f in found if f.fix is not None}


def test_br302_an_action_on_a_singular_parent_with_a_body_gets_each_reading() -> None:
    # hyperkitty `POST /api/mailman/archive` (files the posted message) became "PATCH
    # /api/mailman with the new state"; llama-stack `POST /post-training/job/cancel` (the job
    # named in the body) the same PATCH with no job id.
    found = _br302({"main.py": JOB_CANCEL})
    assert found[11] == (
        "Name the resource, not the action: PATCH /v1/training/job with the new state in the "
        "body if the cancel changes /v1/training/job itself (one resource, no id); PATCH "
        "/v1/training/job/{job_id} with the new state if the request body names one job (its "
        "id moved into the path); POST /v1/training/job/<collection> if it files what the "
        "body carries (a message, an item) under /v1/training/job", None)
    # Near miss: the member is in the path already: its state change is a PATCH of it.
    assert found[16] == ("Name the resource, not the action: PATCH /v1/projects/{project_id} "
                         "with the new state in the body", None)
    # Near miss: no body to name a member or carry an item: the singular parent is the one
    # job there is.
    assert found[21][0] == ("Name the resource, not the action: PATCH /v1/batch/job with the "
                            "new state in the body")


FLAGS = '''from flask import Flask

app = Flask(__name__)


@app.route("/v3/ws/<workspace_id>/change_readonly/", methods=["PUT"])
def change_readonly(workspace_id):
    return {}


@app.route("/v3/ws/<workspace_id>/change_permissions/", methods=["PUT"])
def change_permissions(workspace_id):
    return {}


@app.route("/v3/ws/<workspace_id>", methods=["GET"])
def workspace(workspace_id):
    return {}
'''


def test_br302_a_flag_after_the_verb_is_a_state_of_the_member_not_a_collection() -> None:
    # faraday workspaces.py:552 `PUT /v3/ws/<workspace_id>/change_readonly/` became PATCH
    # .../readonlies/, a collection nothing has; readonly is the workspace's flag.
    found = _br302({"app.py": FLAGS})
    assert found[6] == ("Name the resource, not the action: PATCH /v3/ws/<workspace_id> with "
                        "`readonly` as the new state in the body", None)
    # Near miss: permissions are things the workspace has: their sub-resource stays.
    assert found[11][0] == ("Name the resource, not the action: PATCH "
                            "/v3/ws/<workspace_id>/permissions/")


def test_br301_a_list_handler_that_answers_one_object_keeps_its_singular(
        tmp_path, monkeypatch) -> None:
    # netbox / nautobot dcim/api/urls.py `router.register("connected-device",
    # ConnectedDeviceViewSet)`: its list() answers the one device on a peer interface;
    # "connected-devices" promised a list the endpoint never returns.
    from .projects import project_findings

    found = project_findings(tmp_path, {"app/__init__.py": "", "app/views.py": """
        from rest_framework import routers, viewsets
        from rest_framework.response import Response

        from .serializers import DeviceSerializer


        class ConnectedDeviceViewSet(viewsets.ViewSet):
            def list(self, request):
                device = find_device(request.query_params)
                return Response(DeviceSerializer(device, context={"request": request}).data)


        class ReportViewSet(viewsets.ViewSet):
            def list(self, request):
                rows = load_reports()
                return Response(DeviceSerializer(rows, many=True).data)


        router = routers.DefaultRouter()
        router.register("connected-device", ConnectedDeviceViewSet, basename="cd")
        router.register("report", ReportViewSet, basename="report")
        urlpatterns = router.urls
        """}, "BR301", monkeypatch)
    by_segment = {f.message.split('segment "')[1].split('"')[0]: f.fix for f in found}
    one = by_segment["connected-device"]
    assert one.description == (
        'The handler answers one object (`DeviceSerializer` is given one item, no many=True), '
        'so the singular "connected-device" names what it returns and the path can stay; '
        '"connected-devices" only if it is meant to list several')
    assert one.suggestion is None
    # Near miss: a list() whose serializer is given many=True lists: the rename stands.
    assert by_segment["report"].suggestion == '"reports"'


WARM = '''from fastapi import APIRouter, FastAPI

app = FastAPI()
router = APIRouter()


@router.post("/lazy/warm/{name}", status_code=201)
async def warm(name: str):
    return {}


@router.post("/lazy/job/{job_id}", status_code=201)
async def start_job(job_id: str):
    return {}


app.include_router(router)
'''


def test_br301_a_segment_that_is_the_whole_handler_name_may_be_a_verb() -> None:
    # litellm _lazy_features.py:617 `POST /lazy/warm/{name}` by `warm`: "/lazy/warms/{name}"
    # pluralised a verb.
    found = {line: (text, code) for line, _m, text, code in _br301({"main.py": WARM})}
    assert found[7] == (
        "\"warm\" is the whole name of this POST's handler `warm`: if it is what the handler "
        "does to {name}, it is a verb, and the path should name the collection {name} "
        "belongs to, with the action under its member (POST /lazy/<collection>/{name}/warm); "
        "only if a \"warm\" is a thing with members is \"warms\" the collection's name", None)
    # Near miss: a handler named otherwise (`start_job`) leaves "job" a collection's name.
    assert found[12] == ('Name the collection in the plural: "/lazy/jobs/{job_id}"',
                         '"/lazy/jobs/{job_id}"')
