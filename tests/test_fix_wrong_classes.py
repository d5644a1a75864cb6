"""Fix texts of the classes the tuning half's triage judged wrong in session 8 (issue 13):
each case asserts the text written now, beside a near miss where the old text stays right."""

from __future__ import annotations

from backendreview.checks.br502_fixes import PROBE_OPEN

from .projects import project_findings as _project

SESSIONS = """
    from fastapi import APIRouter, FastAPI, Request

    app = FastAPI()
    router = APIRouter(prefix="/v1")


    @router.delete("/sessions/{{session_id}}")
    async def delete_session(request: Request, session_id: str):
        return None


    @router.post("/sessions/delete")
    async def {handler}(request: Request, request_body: dict):
        return None


    app.include_router(router)
    """


def test_br302_a_batch_beside_the_member_route_is_not_merged_into_it(tmp_path,
                                                                     monkeypatch) -> None:
    # arize-phoenix: `delete_sessions` deletes the sessions its body lists; merging it into
    # DELETE /sessions/{id} (one session) loses the batch.
    (finding,) = _project(tmp_path, {"app.py": SESSIONS.format(handler="delete_sessions")},
                          "BR302", monkeypatch)
    assert finding.span.start_line == 13
    assert finding.fix.description.startswith(
        "This acts on several members at once (sessions), listed in the request body: "
        "DELETE /v1/sessions/{session_id} serves one member (already served by "
        "`delete_session`); ")
    assert "POST /v1/sessions:batchDelete" in finding.fix.description
    assert "merge" not in finding.fix.description


def test_br302_one_member_in_the_body_beside_its_route_is_still_merged(tmp_path,
                                                                       monkeypatch) -> None:
    # Near miss: a handler named for one member does what DELETE /sessions/{id} does.
    (finding,) = _project(tmp_path, {"app.py": SESSIONS.format(handler="remove_session")},
                          "BR302", monkeypatch)
    assert finding.fix.description == (
        "Name the resource, not the action: DELETE /v1/sessions/{session_id} is already "
        "served by `delete_session`; merge this action into it or give it a sub-resource "
        "of its own")


WIZARD = """
    from fastapi import FastAPI, Request
    from fastapi.responses import RedirectResponse
    from sqlalchemy.orm import Session

    from .models import Item

    app = FastAPI()
    session = Session()


    @app.get("/workspaces/create")
    async def create_workspace(request: Request):
        return RedirectResponse(request.url_for("workspaces:create.step1"))


    @app.get("/items/{item_id}/delete")
    def delete_item(item_id: int):
        session.query(Item).filter(Item.id == item_id).delete()
        session.commit()
        return {}
    """


def test_br302_a_get_that_leads_to_the_write_is_not_renamed_to_it(tmp_path,
                                                                  monkeypatch) -> None:
    # fief-server: GET /admin/workspaces/create only redirects to the wizard's first step;
    # "POST /admin/workspaces/" turned the link into a write.
    findings = _project(tmp_path, {"app/main.py": WIZARD, "app/models.py": "class Item:\n"
                                   "    id = 0\n"}, "BR302", monkeypatch)
    link, write = sorted(findings, key=lambda f: f.span.start_line)
    assert link.span.start_line == 12
    assert link.fix.description == (
        "Name the resource, not the action: the create itself is POST /workspaces; this "
        "route only answers GET and its handler changes no stored data the review sees, so "
        "if it shows or leads to that write (a form, a redirect) it stays a GET page under "
        "a name of its own, and if it does write, it becomes POST /workspaces (a GET must "
        "not change data)")
    assert link.fix.suggestion is None
    # Near miss: a GET that deletes is the delete under the wrong method.
    assert write.span.start_line == 17
    assert write.fix.description == "Name the resource, not the action: DELETE /items/{item_id}"


LOCK = """
    from fastapi import FastAPI

    app = FastAPI()


    @app.api_route("/projects/{{slug}}/lock", methods=[{methods}])
    def lock(slug: str):
        return {{}}
    """


def test_br302_a_readable_state_keeps_its_path_and_takes_a_put(tmp_path, monkeypatch) -> None:
    # weblate: GET|POST /api/projects/{slug}/lock/ reads and sets the lock; "PATCH
    # /api/projects/{slug}" folded it into the project's own fields.
    (finding,) = _project(tmp_path, {"app.py": LOCK.format(methods='"GET", "POST"')},
                          "BR302", monkeypatch)
    assert finding.fix.description == (
        "Name the resource, not the action: PUT /projects/{slug}/lock with the new state in "
        "the body (the GET this route also answers reads that state, so the path already "
        "names it)")


def test_br302_a_write_only_state_change_is_still_a_patch_of_the_member(tmp_path,
                                                                        monkeypatch) -> None:
    (finding,) = _project(tmp_path, {"app.py": LOCK.format(methods='"POST"')}, "BR302",
                          monkeypatch)
    assert finding.fix.description == (
        "Name the resource, not the action: PATCH /projects/{slug} with the new state in the "
        "body")


REGISTER = """
    from flask import Flask, flash, render_template, request

    from .helpers import {call}

    app = Flask(__name__)


    @app.post("/register")
    def register_post():
        try:
            nickname = {call}(request.form["name"])
        except Exception as ex:
            flash(str(ex), category="error")
            return render_template("register.html")
        return render_template("done.html", name=nickname)
    """


def test_br401_a_check_called_in_the_try_keeps_its_messages(tmp_path, monkeypatch) -> None:
    # calibreweb: check_username (another module) raises "This username is already taken"
    # for the user; "Internal server error" in flash() hid it along with the rest.
    (finding,) = _project(tmp_path, {"app/views.py": REGISTER.format(call="check_username")},
                          "BR401", monkeypatch)
    assert finding.span.start_line == 13
    assert finding.fix.description.startswith(
        "The try body calls `check_username` (line 12), a check whose failures say what is "
        "wrong with the input: a fixed text here would hide those messages too.")
    assert finding.fix.suggestion is None and not finding.fix.edits


def test_br401_a_call_that_checks_nothing_gets_the_generic_text(tmp_path,
                                                                monkeypatch) -> None:
    # Near miss: `store_username` is no check; its failures are not messages for the user.
    (finding,) = _project(tmp_path, {"app/views.py": REGISTER.format(call="store_username")},
                          "BR401", monkeypatch)
    assert 'flash("Internal server error", category="error")' in finding.fix.suggestion


OBJECTS = """
    from flask import Flask, request

    app = Flask(__name__)


    @app.post("/api/objects/delete/")
    def {handler}():
        return {{"deleted": request.json}}
    """


def test_br302_a_handler_named_for_several_members_gets_no_invented_id(tmp_path,
                                                                       monkeypatch) -> None:
    # gramps-webapi: DeleteObjectsResource at POST /objects/delete/ deletes the objects its
    # body lists; "DELETE /api/objects/<object_id>/" invented an id it does not have.
    (finding,) = _project(tmp_path, {"app.py": OBJECTS.format(handler="delete_objects")},
                          "BR302", monkeypatch)
    assert finding.fix.description.startswith(
        "This acts on several members at once (objects), listed in the request body: "
        "DELETE /api/objects/<object_id> serves one member; ")
    assert "POST /api/objects:batchDelete" in finding.fix.description


def test_br302_a_handler_named_for_one_member_gets_the_member_path(tmp_path,
                                                                   monkeypatch) -> None:
    (finding,) = _project(tmp_path, {"app.py": OBJECTS.format(handler="delete_object")},
                          "BR302", monkeypatch)
    assert finding.fix.description == (
        "Name the resource, not the action: DELETE /api/objects/<object_id>/")


BASKET = """
    from flask import Flask, request

    app = Flask(__name__)


    @app.post("/api/baskets/<uuid>/{segment}/")
    def add(uuid):
        return {{"added": request.json}}
    """


def test_br302_a_bare_add_on_a_member_names_no_collection(tmp_path, monkeypatch) -> None:
    # shuup: POST /basket/{uuid}/add/ became "POST /basket/{uuid}/", which names nothing to
    # add to (the lines the body adds are the resource).
    (finding,) = _project(tmp_path, {"app.py": BASKET.format(segment="add")}, "BR302",
                          monkeypatch)
    assert finding.fix.description == (
        "Name the resource, not the action: POST /api/baskets/<uuid>/<collection>/, the "
        "collection of /api/baskets/<uuid> that the request body adds to (its lines, items, "
        "members: what the handler creates), named in the plural; a POST on /api/baskets/<uuid> "
        "itself names nothing to add to")
    assert finding.fix.suggestion is None


def test_br302_an_add_that_names_its_object_gets_that_collection(tmp_path,
                                                                 monkeypatch) -> None:
    (finding,) = _project(tmp_path, {"app.py": BASKET.format(segment="add-line")}, "BR302",
                          monkeypatch)
    assert finding.fix.description == (
        "Name the resource, not the action: POST /api/baskets/<uuid>/lines/")


RESOURCE = """
    from fastapi import APIRouter, FastAPI, Request

    app = FastAPI()
    router = APIRouter(prefix="/tracking")


    async def get_resource({params}):
        return {{}}


    router.add_api_route("/{{client_uri}}/get-resource/", get_resource, methods=["POST"])
    app.include_router(router)
    """


def test_br302_a_post_read_that_may_read_its_body_says_both(tmp_path, monkeypatch) -> None:
    # aim: POST .../get-resource/ reads its arguments from the body inside the handler;
    # "GET .../resources/" could not carry them.
    (finding,) = _project(tmp_path, {"app.py": RESOURCE.format(
        params="client_uri: str, request: Request")}, "BR302", monkeypatch)
    assert finding.fix.description == (
        "Name the resource, not the action: GET /tracking/{client_uri}/resources/ if the "
        "handler reads no request body; if it does (`await request.json()`), it stays a POST "
        "there: a GET cannot carry a body")


def test_br302_a_post_read_with_no_body_becomes_a_get(tmp_path, monkeypatch) -> None:
    (finding,) = _project(tmp_path, {"app.py": RESOURCE.format(params="client_uri: str")},
                          "BR302", monkeypatch)
    assert finding.fix.description == (
        "Name the resource, not the action: GET /tracking/{client_uri}/resources/")


HELPER_SQL = """
    class Backend:
        def _fetchall(self, query, *args):
            cursor = self.get_db().cursor()
            cursor.execute(query, *args)
            return cursor.fetchall()

        def get_counts(self, group):
            select = "SELECT COUNT(*) FROM alerts WHERE {{column}} = '{{group}}'".format(
                group=group, column={column})
            return self._fetchall({call_args})


    def counts_view(request):
        return Backend().get_counts(request.args["by"])
    """


def test_br101_a_helper_call_with_the_text_alone_is_told_to_bind(tmp_path,
                                                                 monkeypatch) -> None:
    (finding,) = _project(tmp_path, {"case.py": HELPER_SQL.format(
        call_args="select", column='"status"')}, "BR101", monkeypatch)
    assert finding.fix.description.startswith(
        "Put placeholders in the text passed as `query` and pass the values as bound "
        "parameters where it is run (extend `self._fetchall` to take them if it does not)")


def test_br101_a_helper_call_with_only_names_is_told_to_quote_them(tmp_path,
                                                                  monkeypatch) -> None:
    """The same text with the request's value as the column, quoted as a literal nowhere:
    a name, which no placeholder carries (feast's all-identifier Snowflake SQL was told to
    bind)."""
    code = HELPER_SQL.format(call_args="select", column="group").replace(
        "= '{group}'", "IS NOT NULL")
    (finding,) = _project(tmp_path, {"case.py": code}, "BR101", monkeypatch)
    assert finding.rule_id == "BR101" and finding.span.start_line == 11
    assert "a bound parameter cannot carry a table or column name" in finding.message
    assert finding.fix.description.startswith(
        "The parts (`group`) are names (a table, a column), which a bound parameter cannot "
        "carry: quote each with the driver's identifier quoting")


FACTORY = """
    from flask import Flask


    def create_app():
        app = Flask(__name__)

        @app.get("/api/orders")
        def orders():
            return []

        return app
    """

MODULE_APP = """
    from flask import Flask

    app = Flask(__name__)


    @app.get("/api/orders")
    def orders():
        return []
    """


def test_br502_an_application_made_in_a_function_gets_its_handler_there(tmp_path,
                                                                        monkeypatch) -> None:
    # keystone: the application is `flask_app`, a parameter of a registering method; the
    # snippet's `@flask_app.get` belongs inside that function, not at module level.
    (finding,) = _project(tmp_path, {"shop/app.py": FACTORY}, "BR502", monkeypatch)
    assert finding.fix.description == ("Add a cheap endpoint that answers 200 OK, inside "
                                       "`create_app` where `app` is in scope." + PROBE_OPEN)
    assert finding.fix.suggestion.startswith('@app.route("/health")')


def test_br502_a_module_level_application_needs_no_place_said(tmp_path, monkeypatch) -> None:
    (finding,) = _project(tmp_path, {"shop/app.py": MODULE_APP}, "BR502", monkeypatch)
    assert finding.fix.description == "Add a cheap endpoint that answers 200 OK." + PROBE_OPEN


def test_br302_a_bare_create_on_a_member_creates_that_member(tmp_path, monkeypatch) -> None:
    # mautrix-telegram: POST /v1/portal/{mxid}/create creates the portal the path names;
    # POST on the member path is its resource form (near miss of the bare add).
    (finding,) = _project(tmp_path, {"app.py": BASKET.format(segment="create")}, "BR302",
                          monkeypatch)
    assert finding.fix.description == (
        "Name the resource, not the action: POST /api/baskets/<uuid>/")


REGISTRAR = """
    from flask import Flask, Blueprint

    api = Blueprint("api", __name__)


    @api.get("/api/orders")
    def orders():
        return []


    def register_blueprints(app: Flask):
        app.register_blueprint(api)
    """


def test_br502_an_application_passed_in_is_given_a_handler_where_it_is_made(
        tmp_path, monkeypatch) -> None:
    # ckan: `app` is a parameter of `_register_plugins_blueprints`; the probe belongs where
    # the application is created.
    (finding,) = _project(tmp_path, {"shop/app.py": REGISTRAR}, "BR502", monkeypatch)
    assert finding.fix.description == (
        "Add a cheap endpoint that answers 200 OK, where the application is created: `app` is "
        "a parameter of `register_blueprints` here (inside `register_blueprints` works too)."
        + PROBE_OPEN)


CANCEL = """
    from fastapi import FastAPI

    app = FastAPI()


    @app.api_route("/jobs/{job_id}/cancel", methods=["GET", "POST"])
    def cancel(job_id: int):
        return {}
    """


def test_br302_a_read_and_write_action_that_names_no_state_is_still_a_patch(
        tmp_path, monkeypatch) -> None:
    # Near miss of the lock: nautobot's GET|POST .../cancel/ keeps a verb that names no
    # state ("PUT .../cancel" would keep the verb the finding is about).
    (finding,) = _project(tmp_path, {"app.py": CANCEL}, "BR302", monkeypatch)
    assert finding.fix.description == (
        "Name the resource, not the action: PATCH /jobs/{job_id} with the new state in the "
        "body")


TYPES = """
    from flask import Flask

    app = Flask(__name__)


    @app.{method}("/api/notifications/update_types")
    def update_types():
        return {{}}
    """


def test_br302_a_get_only_route_names_no_member_it_has_no_body_for(tmp_path,
                                                                   monkeypatch) -> None:
    # arches: GET .../update_types became "PUT /notifications/<notification_id>/types": a
    # GET has no body naming one notification; the types are the collection's own.
    (finding,) = _project(tmp_path, {"app.py": TYPES.format(method="get")}, "BR302",
                          monkeypatch)
    assert finding.fix.description.startswith(
        "Name the resource, not the action: the update itself is PUT "
        "/api/notifications/types; this route only answers GET")


def test_br302_a_post_update_on_the_collection_still_names_the_member(tmp_path,
                                                                      monkeypatch) -> None:
    (finding,) = _project(tmp_path, {"app.py": TYPES.format(method="post")}, "BR302",
                          monkeypatch)
    assert finding.fix.description == (
        "Name the resource, not the action: PUT /api/notifications/<notification_id>/types")
