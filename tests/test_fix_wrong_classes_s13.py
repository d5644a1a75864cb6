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


    @router.post("/baskets/{basket_id}/remove_code")
    async def remove_code(basket_id: int):
        return None


    @router.post("/graphs/{graph_id}/delete_node")
    async def delete_node(graph_id: int):
        return None


    @router.get("/graphs/{graph_id}/nodes/{node_id}")
    async def node(graph_id: int, node_id: int):
        return {}


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
    # Near misses: shuup `basket/{pk}/remove_code` (a basket holds several codes) and arches
    # `/graph/<graphid>/delete_node` beside `.../nodes/<nodeid>`: the member form stands alone.
    assert found[23].fix.description == (
        "Name the resource, not the action: DELETE /v2/baskets/{basket_id}/codes/{code_id}")
    assert found[28].fix.description.startswith(
        "Name the resource, not the action: DELETE /v2/graphs/{graph_id}/nodes/{node_id} (the "
        "path already answers GET by `node`")


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


def _fixture(name: str, rule: str) -> dict[int, object]:
    from pathlib import Path

    from backendreview.config import Config
    from backendreview.engine import finish, review_source
    from backendreview.metadata import load_rule_docs

    path = Path(__file__).resolve().parents[1] / "fixtures" / rule / name
    result = review_source(path.read_bytes(), f"{rule}/{name}", Config(), (rule,))
    findings = finish([result], Config(), (rule,), load_rule_docs()).findings
    return {f.span.start_line: f for f in findings if f.rule_id == rule}


def test_br203_an_oauth_registration_shipped_with_its_client_id_gets_no_env_read() -> None:
    # flexget trakt/db.py:30: `CLIENT_SECRET` beside the hard-coded `CLIENT_ID`: the old
    # `os.environ.get("CLIENT_SECRET")` broke trakt authorisation for every install.
    found = _fixture("oauth_registration.py", "BR203")
    fix = found[6].fix
    assert fix.suggestion is None and fix.edits == ()
    assert fix.description.startswith(
        "`CLIENT_ID` is hard-coded beside it, so this is the OAuth client registration every "
        "install shares: an installed open-source client cannot keep it secret, and replacing "
        "it with an unset environment variable would break authorisation for every user.")
    # Near miss: the id of `GITHUB_CLIENT_ID` comes from the environment: a deployment's own
    # secret, read at run time as before (and no "generate one per install": a provider
    # issues it).
    near = found[12].fix
    assert near.suggestion == 'GITHUB_CLIENT_SECRET = os.environ.get("GITHUB_CLIENT_SECRET")'
    assert "first start" not in near.description


def test_br203_a_signing_key_read_at_import_says_what_a_packaged_app_does() -> None:
    # kolibri settings/base.py:70: every install of the packaged app runs these settings and
    # none sets SECRET_KEY: fail-fast alone stops them all.
    found = _fixture("settings.py", "BR203")
    assert found[9].fix.description.endswith(
        "If the project is installed by its users (a packaged app, not a deployment of "
        "yours), no one sets that variable: generate a random secret on an install's first "
        "start and keep it with that install's data instead.")
    # Near miss: a vendor's key (Stripe) cannot be generated by an install.
    assert "first start" not in found[13].fix.description


def test_br210_debug_before_a_star_imported_local_settings_is_turned_off_here() -> None:
    # reviewboard settings.py:36: `from settings_local import *` (written per site by
    # rb-site) comes after DEBUG = True; the old DJANGO_DEBUG variable is set by nothing.
    fix = _fixture("site_local/settings.py", "BR210")[7].fix
    assert fix.suggestion == "DEBUG = False"
    assert fix.description.startswith(
        "`from settings_local import *` (line 11) runs after this line and is where each "
        "deployment's settings go: keep the default here off")
    # Near miss: no local settings follow: the flag is read from the environment.
    near = _fixture("site_local/prod_settings.py", "BR210")[4].fix
    assert near.suggestion == 'DEBUG = os.environ.get("DJANGO_DEBUG") == "1"'


NOTIFICATIONS = """
    from rest_framework import routers, viewsets
    from rest_framework.decorators import action
    from rest_framework.response import Response

    from .models import Notification, NotificationsLog


    class NotificationsViewSet(viewsets.ViewSet):
        def list(self, request):
            NotificationsLog.objects.create(coach=request.user)
            return Response([n.id for n in Notification.objects.all()[:50]])


    class SavedViewViewSet(viewsets.ViewSet):
        @action(detail=True, methods=["get"])
        def set_default(self, request, pk=None):
            Notification.objects.filter(pk=pk).update(seen=True)
            return Response({})


    router = routers.DefaultRouter()
    router.register("notifications", NotificationsViewSet, basename="notifications")
    router.register("saved-views", SavedViewViewSet, basename="saved-views")
    urlpatterns = router.urls
    """


def test_br306_a_viewset_list_that_also_writes_keeps_its_get(tmp_path, monkeypatch) -> None:
    # kolibri coach api_urls.py:19: the notifications list the coach UI polls also logs the
    # poller; the old fix served the list from post(), breaking the polling.
    found = {f.message.split('"')[1]: f for f in _project(
        tmp_path, {"views.py": NOTIFICATIONS}, "BR306", monkeypatch)}
    listed = found["GET /notifications/"].fix
    assert listed.suggestion is None
    assert listed.description.startswith(
        "This route lists (the ViewSet's `list`): keep that a GET and move only the write out "
        "of it")
    # Near miss: a custom @action named for its change is the write: it becomes a POST.
    action = found["GET /saved-views/{pk}/set_default/"].fix
    assert action.description.startswith("Declare the action for a write method.")


def test_br202_a_digest_inside_a_django_hasher_class_is_not_swapped() -> None:
    # geonode people/hashers.py:51: `SHA1PasswordHasher.encode` verifies stored legacy
    # hashes; make_password in its place broke every one of them.
    found = _fixture("legacy_hasher_class.py", "BR202")
    fix = found[13].fix
    assert fix.suggestion is None
    assert fix.description.startswith(
        "`SHA1PasswordHasher` is a password hasher class: it verifies the hashes already "
        "stored in its format, and changing its digest would break every one of them.")
    # Near miss: a model's own set_password storing a digest gets the hasher.
    assert "make_password" in (found[24].fix.suggestion or "")


def test_br202_a_password_digest_in_a_log_line_is_not_given_a_hasher() -> None:
    # flexget mqtt.py:200: argon2 in a debug line fingerprints nothing; the log is the leak.
    found = _fixture("logged_digest.py", "BR202")
    for line in (12, 18):
        assert found[line].fix.suggestion is None
        assert found[line].fix.description.startswith("Log nothing derived from the password")
    assert "argon2" in (found[23].fix.suggestion or "")  # near miss: stored, so hashed


ARCHIVES = """
    from flask import Flask, jsonify

    app = Flask(__name__)


    @app.route("/api/media/archive/", methods=["POST"])
    def media_archive():
        return jsonify({})


    @app.route("/api/media/archive/<string:filename>")
    def media_archive_file(filename):
        return jsonify({})


    @app.route("/api/media/<media_id>")
    def media(media_id):
        return jsonify({})


    @app.route("/api/notes/archive/", methods=["POST"])
    def archive_notes():
        return jsonify({})


    @app.route("/api/notes/<note_id>")
    def note(note_id):
        return jsonify({})


    @app.route("/api/token/enable", methods=["POST"])
    def enable_api():
        return jsonify({})


    @app.route("/api/token/enable/<serial>", methods=["POST"])
    def enable_one_api(serial):
        return jsonify({})
    """


def test_br302_a_verb_like_segment_with_members_of_its_own_is_a_collection(
        tmp_path, monkeypatch) -> None:
    # gramps-webapi api/__init__.py:962: `POST /api/media/archive/` (a zip of the media)
    # beside `/api/media/archive/<filename>`: the old fix archived one media object with a
    # PATCH of /api/media/<media_id>.
    found = {f.span.start_line: f for f in _project(tmp_path, {"app.py": ARCHIVES}, "BR302",
                                                      monkeypatch)}
    assert 7 not in found
    # Near misses: `/api/notes/archive/` has no members below it, and privacyidea's
    # `POST /token/enable/<serial>` is the same action on a named member (nothing reads an
    # "enable"): both verbs are reported.
    assert 22 in found
    assert 32 in found


SETTINGS = """
    from fastapi import APIRouter, FastAPI

    app = FastAPI()
    router = APIRouter()


    @router.get("/get/sso_settings")
    async def get_sso_settings():
        return {}


    @router.patch("/update/sso_settings")
    async def update_sso_settings(settings: dict):
        return {}


    @router.patch("/model/{model_id}/update")
    async def patch_model(model_id: str, params: dict):
        return {}


    @router.put("/team/{team_id}/update")
    async def replace_team(team_id: str, params: dict):
        return {}


    @router.post("/api/get")
    async def get_everything():
        return {}


    app.include_router(router)
    """


def test_br302_a_leading_verb_leaves_its_object_and_a_patch_stays_a_patch(
        tmp_path, monkeypatch) -> None:
    # litellm proxy_setting_endpoints.py:1232 `GET /get/sso_settings`: the old text said
    # dropping the verb leaves "/" (and "//<collection>"), though /sso_settings follows it.
    found = {f.span.start_line: f.fix.description for f in _project(
        tmp_path, {"app.py": SETTINGS}, "BR302", monkeypatch)}
    assert found[8] == "Name the resource, not the action: GET /sso_settings"
    # litellm model_management_endpoints.py:1678 and :1320: the route is a partial update
    # already; PUT would replace the whole resource.
    assert found[13] == "Name the resource, not the action: PATCH /sso_settings"
    assert found[18] == "Name the resource, not the action: PATCH /model/{model_id}"
    # Near misses: a PUT route stays a PUT, and a verb ending the path at the API's root
    # still names no resource.
    assert found[23] == "Name the resource, not the action: PUT /team/{team_id}"
    assert found[28].startswith("Name the resource, not the action: dropping the verb leaves "
                                "/api, which names no resource")


def test_br302_a_verb_at_the_root_names_one_slash(tmp_path, monkeypatch) -> None:
    # litellm `POST /delete/allowed_ip` read "//<collection>" when the verb stood alone.
    (finding,) = _project(tmp_path, {"app.py": """
        from fastapi import FastAPI

        app = FastAPI()


        @app.post("/create")
        async def create(item: dict):
            return {}
        """}, "BR302", monkeypatch)
    assert finding.fix.description == (
        "Name the resource, not the action: dropping the verb leaves /, which names no "
        "resource; name what this POST acts on under it (/<collection>, one member as "
        "/<collection>/{id})")


DEPRECATED = """
    from fastapi import APIRouter, FastAPI, HTTPException

    app = FastAPI()
    router = APIRouter()


    @router.get("/task/{task_id}", deprecated=True, include_in_schema=False)
    async def get_task_status(task_id: str):
        raise HTTPException(status_code=400, detail="deprecated: use /run")


    @router.get("/job/{job_id}")
    async def get_job(job_id: str):
        return {}


    app.include_router(router)
    """


def test_br301_a_deprecated_route_is_left_to_its_clients(tmp_path, monkeypatch) -> None:
    # langflow endpoints.py:1800 `GET /task/{_task_id}` (deprecated=True, answers only the
    # deprecation message): /tasks/{id} would break the old clients it is kept for.
    found = {f.span.start_line: f.fix for f in _project(tmp_path, {"app.py": DEPRECATED},
                                                          "BR301", monkeypatch)}
    assert found[8].suggestion is None
    assert found[8].description.startswith(
        "This route is marked deprecated=True: it is kept for the clients that still call it "
        "by this path, so renaming it would break exactly them; give the resource form")
    # Near miss: the same shape without the mark keeps its rename.
    assert found[13].suggestion == '"/jobs/{job_id}"'


def test_br202_a_password_digest_formatted_into_a_key_names_an_hmac() -> None:
    # litellm azure common_utils.py:761: argon2 in a client-cache key never matches twice.
    fix = _fixture("logged_digest.py", "BR202")[46].fix
    assert fix.suggestion is None
    assert fix.description.startswith(
        "The digest is formatted into a string built here (a key or an identifier), not "
        "stored as the password's hash")
    assert "hmac.new(secret, password, hashlib.sha256)" in fix.description
