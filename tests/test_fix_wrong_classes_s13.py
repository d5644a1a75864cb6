"""Fix texts of the classes the tuning half's labels judge wrong in session 13 (issue 13):
each case asserts the text written now, beside a near miss where the old text stays right."""

from __future__ import annotations

from .projects import project_findings as _project

THUMBNAILS = """
    from fastapi import APIRouter, FastAPI

    app = FastAPI()
    router = APIRouter(prefix="/v2")


    @router.post("/resources/{resource_id}/delete_thumbnail")
    async def delete_thumbnail(resource_id: int):
        return None


    @router.put("/resources/{resource_id}/delete_thumbnail")
    async def delete_thumbnail_put(resource_id: int):
        return None


    @router.post("/resources/{resource_id}/delete_tags")
    async def delete_tags(resource_id: int):
        return None


    app.include_router(router)
    """


def test_br302_a_singular_object_of_a_member_gets_both_forms_not_an_invented_id(
        tmp_path, monkeypatch) -> None:
    # geonode base/api/views.py:750: `POST /resources/{id}/delete_thumbnail/` became DELETE
    # .../thumbnails/{thumbnail_id}, an id nothing takes, where a resource has one thumbnail.
    found = {f.span.start_line: f for f in _project(tmp_path, {"app.py": THUMBNAILS},
                                                      "BR302", monkeypatch)}
    text = found[8].fix.description
    assert text == (
        "Name the resource, not the action: DELETE /v2/resources/{resource_id}/thumbnail if "
        "each /v2/resources/{resource_id} has one thumbnail (the handler takes no id for it); "
        "if it has several, DELETE /v2/resources/{resource_id}/thumbnails/{thumbnail_id}, the "
        "thumbnail's id moved from the request into the path")
    assert found[8].fix.suggestion is None
    assert found[13].fix.description == text  # a PUT by that name: the same two forms
    # Near miss: a plural object names the member's collection, as before.
    assert found[18].fix.description == (
        "Name the resource, not the action: DELETE /v2/resources/{resource_id}/tags/{tag_id}")


KERNEL = """
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route


    async def delete_cells(request):
        body = await request.json()
        return JSONResponse({"deleted": body["cell_ids"]})


    async def delete_file(request):
        body = await request.json()
        return JSONResponse({"deleted": body["path"]})


    app = Starlette(routes=[
        Route("/api/kernel/delete", delete_cells, methods=["POST"]),
        Route("/api/files/delete", delete_file, methods=["POST"]),
    ])
    """


def test_br302_a_delete_under_a_singular_parent_says_what_to_decide(tmp_path,
                                                                   monkeypatch) -> None:
    # marimo editing.py:65: `POST /api/kernel/delete` deletes the cells its body names; the
    # old text made it `DELETE /api/kernel/`, which names the kernel itself.
    found = {f.span.start_line: f for f in _project(tmp_path, {"app.py": KERNEL}, "BR302",
                                                      monkeypatch)}
    kernel = found[18].fix
    assert kernel.description.startswith(
        "Name the resource, not the action: DELETE /api/kernel if the handler deletes "
        "/api/kernel itself; if it deletes what the request body names (members of "
        "something under /api/kernel), those are a collection of their own: DELETE "
        "/api/kernel/<collection>/{id} for one of them")
    assert kernel.suggestion is None
    # Near miss: under a plural collection the member's path is named as before.
    assert found[19].fix.description.startswith(
        "Name the resource, not the action: DELETE /api/files/{file_id}")
