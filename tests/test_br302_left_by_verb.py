"""BR302: when dropping the verb leaves only the path before it, the fix does not propose
that path where it would be wrong: an API namespace (`/api/get` -> `/api`) names no
resource, and a DELETE of the collection (`POST /storage/delete {"name": ...}` -> `DELETE
/storage`) would mean every member."""

from __future__ import annotations

from backendreview.config import Config
from backendreview.engine import finish, review_source
from backendreview.metadata import load_rule_docs

APP = '''from fastapi import FastAPI, Request

app = FastAPI()


@app.post("/storage/delete")
async def storage_delete(request: Request, storage_body: dict) -> None:
    return None


@app.post("/volumes/delete")
async def volume_delete(request: Request, volume_body: dict) -> None:
    return None


@app.get("/api/get")
async def api_get(request: Request, request_id: str) -> dict:
    return {}


@app.post("/api/cancel")
async def api_cancel(request: Request, cancel_body: dict) -> None:
    return None


@app.post("/component/update")
async def component_update(request: Request, code_request: dict) -> dict:
    return {}


@app.post("/component")
async def build_component(request: Request, code_request: dict) -> dict:
    return {}


@app.post("/jobs/cancel")
async def jobs_cancel(request: Request, jobs_body: dict) -> None:
    return None
'''


def _br302() -> dict[int, tuple[str, str | None]]:
    config = Config()
    result = review_source(APP.encode(), "server.py", config, ("BR302",))
    found = finish([result], config, ("BR302",), load_rule_docs()).findings
    return {f.span.start_line: (f.fix.description, f.fix.suggestion)
            for f in found if f.rule_id == "BR302" and f.fix is not None}


def test_a_member_named_in_the_body_goes_into_the_path_not_a_collection_delete() -> None:
    found = _br302()
    assert found[6] == (
        "Name the resource, not the action: DELETE /storage/{storage_id}, the member the "
        "request body names today (`storage_body`) moved into the path; DELETE /storage "
        "itself would act on the whole collection (several members at once stay a POST "
        "batch)", None)
    # Near miss: under a plural collection the member form was already proposed.
    assert found[11][0].startswith(
        "Name the resource, not the action: DELETE /volumes/{volume_id}, the member named in "
        "the path instead of the request body (`volume_body`)")
    # Near miss: the path left is served by another handler, a resource of its own: the
    # method goes beside it, no member id is invented.
    assert found[26] == ("Name the resource, not the action: PUT /component (the path already "
                         "answers POST by `build_component`; PUT goes beside it)",
                         '"/component"')


def test_an_api_namespace_left_alone_names_no_resource() -> None:
    found = _br302()
    assert found[16] == (
        "Name the resource, not the action: dropping the verb leaves /api, which names no "
        "resource; name what this GET acts on under it (/api/<collection>, one member as "
        "/api/<collection>/{id})", None)
    assert found[21][0] == (
        "Name the resource, not the action: PATCH on the resource the cancel acts on under "
        "/api (/api/<collection>/{id}): /api itself names no resource")
    # Near miss: an action under a collection changes the jobs the body names (the table
    # serves no single job: no member path is invented).
    assert found[36][0] == ("Name the resource, not the action: PATCH /jobs with the jobs to "
                            "change (named in the body, as now) and their new state: the table "
                            "serves no single member of /jobs to change one by one")
