"""BR301's fix names the rename as the code writes it: inside a raw regex with its anchors and
`%` formatting, the collection the handlers name when the segment only qualifies it, and
words, not a rename, when the parameter after the segment is another entity's id."""

from __future__ import annotations

from backendreview.config import Config
from backendreview.engine import finish, review_source
from backendreview.metadata import load_rule_docs


def _br301(files: dict[str, str]) -> list[tuple[int, str, str, str | None]]:
    config = Config()
    results = [review_source(text.encode(), path, config, ("BR301",))
               for path, text in files.items()]
    found = finish(results, config, ("BR301",), load_rule_docs()).findings
    return [(f.span.start_line, f.message, f.fix.description, f.fix.suggestion)
            for f in found if f.fix is not None]


DJANGO_URLS = '''from django.urls import path, re_path

from . import views

uuid_regex = "[0-9a-f-]{36}"
KIND = "photo"

urlpatterns = [
    re_path(r"^api/nodegroup/(?P<nodegroupid>%s|())$" % (uuid_regex), views.NodeGroup.as_view()),
    path("api/widget/<int:pk>/", views.Widget.as_view()),
    re_path(rf"^api/{KIND}/(?P<pk>[0-9]+)$", views.Tag.as_view()),
]
'''
DJANGO_VIEWS = '''from django.http import JsonResponse
from django.views import View


class NodeGroup(View):
    def get(self, request, nodegroupid):
        return JsonResponse({})


class Widget(View):
    def get(self, request, pk):
        return JsonResponse({})


class Tag(View):
    def get(self, request, pk):
        return JsonResponse({})
'''


def test_regex_path_is_renamed_inside_the_literal_as_written() -> None:
    found = {line: (desc, sug) for line, _m, desc, sug in _br301(
        {"app/urls.py": DJANGO_URLS, "app/views.py": DJANGO_VIEWS})}
    # The anchors, the r prefix and the `% (uuid_regex)` stay byte for byte.
    assert found[9] == (
        'Name the collection in the plural: r"^api/nodegroups/(?P<nodegroupid>%s|())$" % '
        '(uuid_regex)', 'r"^api/nodegroups/(?P<nodegroupid>%s|())$" % (uuid_regex)')
    # Near miss: a plain literal is proposed as before.
    assert found[10] == ('Name the collection in the plural: "api/widgets/<int:pk>/"',
                        '"api/widgets/<int:pk>/"')
    # The segment comes from a constant of the module: what to rename is said in words.
    assert found[11] == ('Rename the segment "photo" to "photos" where the path is put together '
                         '(it is not written whole in one literal at this line)', None)


JOBS = '''from fastapi import FastAPI

app = FastAPI()


@app.get("/api/v1/background", response_model=list[dict])
def background_job_list():
    return []


@app.get("/api/v1/background/{jobid}")
def background_job(jobid: str):
    return {}


@app.get("/api/v1/report/{jobid}")
def get_report(jobid: str):
    return {}


@app.get("/api/v1/export_file/{fileid}")
def list_export_files(fileid: str):
    return {}
'''


def test_a_qualifying_segment_takes_the_collection_its_handlers_name() -> None:
    found = {line: (msg, sug) for line, msg, _d, sug in _br301({"main.py": JOBS})}
    assert found[11] == ('route "GET /api/v1/background/{jobid}": segment "background" names '
                         'a resource in the singular (a path parameter follows it); use '
                         '"background_jobs"', None)
    # The list route at line 6 writes "/api/v1/background" too and is not reported: a rename
    # of line 11 alone would split the jobs over two paths, so the fix says where both are.
    described = {line: desc for line, _m, desc, _s in _br301({"main.py": JOBS})}
    assert described[11].startswith(
        '"background" is written by 1 other route(s) of /api/v1/background as well (GET '
        '/api/v1/background (`background_job_list`)): renaming it at this line alone splits '
        'the resource over two paths. Rename it to "background_jobs" in all of them at once')
    # Near misses: one handler alone names nothing to go by; handlers that do not all begin
    # with the segment's words name no one collection either.
    assert found[16][1] == '"/api/v1/reports/{jobid}"'
    assert found[21][1] == '"/api/v1/export_files/{fileid}"'


SERVERS = '''from flask import Flask, jsonify

app = Flask(__name__)


@app.route("/api/security-report/<int:sid>")
def security_report(sid):
    return jsonify({})


@app.route("/api/job/<int:sid>", methods=["POST"])
def create_job(sid):
    return jsonify({})


@app.route("/api/locks/<int:sid>")
def locks(sid):
    return jsonify([])


@app.route("/api/stats/<int:sid>")
def stats(sid):
    return jsonify({})


@app.route("/api/ticket/<int:tid>")
def ticket(tid):
    return jsonify({})
'''


def test_a_shared_abbreviated_id_is_another_entity_and_gets_words() -> None:
    found = {line: (msg, desc, sug) for line, msg, desc, sug in _br301({"app.py": SERVERS})}
    message, description, suggestion = found[6]
    assert message.endswith("(a path parameter follows it); <int:sid> identifies another "
                            "entity (see the fix)")
    assert description == (
        '<int:sid> also follows "job", "locks", "stats": it identifies another entity, not '
        'one "security-report", so "security-reports/<int:sid>" would misname it; put this '
        "under that entity's own path (.../<its collection>/<int:sid>/security-report) "
        "rather than pluralising")
    assert suggestion is None
    # Near miss: `tid` follows one segment only (and abbreviates it): the plural is the fix.
    assert found[26][2] == '"/api/tickets/<int:tid>"'


def test_performance_is_a_mass_noun_when_listed() -> None:
    app = JOBS.replace('"/api/v1/background"', '"/performance"')
    assert 6 not in [line for line, *_ in _br301({"main.py": app})]
    # Near miss: a countable word listed the same way is reported.
    app = JOBS.replace('"/api/v1/background"', '"/report"')
    assert 6 in [line for line, *_ in _br301({"main.py": app})]


def test_a_registry_and_compliance_are_one_store_when_listed() -> None:
    # skyvern twilio_integration.py:694 `/phone-number-registry` (the numbers registered to
    # the org), nautobot `/data-compliance/`: "registries", "compliances" misname them.
    for segment in ("phone-number-registry", "data-compliance"):
        app = JOBS.replace('"/api/v1/background"', f'"/{segment}"')
        assert 6 not in [line for line, *_ in _br301({"main.py": app})]
    # Near miss: one registry among several, by its id, is a member of a collection.
    app = JOBS.replace('"/api/v1/background/{jobid}"', '"/registry/{registry_id}"')
    assert 11 in [line for line, *_ in _br301({"main.py": app})]


def test_rename_in_source_touches_only_the_written_segment() -> None:
    from backendreview.checks.br301_fixes import rename_in_source

    # The named group `(?P<node>...)` is no segment: only the path part is renamed.
    assert rename_in_source('r"^api/node/(?P<node>%s)/$" % x', "node", "nodes") == \
        'r"^api/nodes/(?P<node>%s)/$" % x'
    # Written twice, or not at all (a constant in an f-string): no code.
    assert rename_in_source('r"^node/(?P<pk>\\d+)/node$"', "node", "nodes") is None
    assert rename_in_source('f"/{KIND}/<pk>"', "photo", "photos") is None


def test_a_plural_noun_in_the_handler_names_is_kept_as_it_is() -> None:
    from backendreview.analysis.frameworks.routes import Route
    from backendreview.checks.br301_fixes import named_collection
    from backendreview.model import Span

    def route(path: str, handler: str) -> Route:
        return Route(methods=("GET",), path=path, own_path=path, prefix_known=True,
                     framework="fastapi", file="a.py", span=Span(1, 1, 1, 2),
                     handler=handler, handler_file="a.py", handler_line=1)

    routes = [route("/order", "order_items_list"), route("/order/{id}", "order_items_get")]
    assert named_collection(routes[0], routes, ["order"], "order") == "order-items"
    # Near miss: a handler that names a verb after the segment names no collection.
    routes = [route("/order", "order_list"), route("/order/{id}", "order_get")]
    assert named_collection(routes[0], routes, ["order"], "order") is None


PREFIXED = '''from fastapi import APIRouter, FastAPI

V1 = "/api/v1"
app = FastAPI()
router = APIRouter(prefix=f"{V1}/system")
tags_router = APIRouter(prefix="/api/v1")


@router.post("/", status_code=201)
def create_system():
    return {}


@tags_router.get("/invoice/{invoice_id}")
def read_invoice(invoice_id: int):
    return {}


app.include_router(router)
app.include_router(tags_router)
'''


def test_prefix_segment_is_renamed_where_the_prefix_is_declared() -> None:
    found = {line: (desc, sug) for line, _m, desc, sug in _br301({"app/main.py": PREFIXED})}
    # The singular is in the router's prefix: no code at the decorator, whose "/" would
    # become "/api/v1/systems" under the same prefix again ("/api/v1/system/api/v1/systems").
    # The router whose literal prefix writes it is named (an f-string of a constant too).
    assert found[9] == ('Rename the segment "system" to "systems" in the prefix '
                        '"/api/v1/system" where the router, blueprint or include at '
                        'app/main.py:5 declares it (not at this line); every route below it '
                        'moves with it', None)
    # Near miss: a segment the route writes itself keeps its code.
    assert found[14] == ('Name the collection in the plural: "/invoices/{invoice_id}"',
                         '"/invoices/{invoice_id}"')


ZONES = '''from flask import Blueprint, jsonify

bp = Blueprint("spatial", __name__, url_prefix="/api/1/spatial")


@bp.route("/zones/<list:ids>/")
def get_zones(ids):
    return jsonify([])


@bp.route("/zone/<id>/")
def get_zone(id):
    return jsonify({})


@bp.route("/level/<id>/")
def get_level(id):
    return jsonify({})


@bp.route("/region", methods=["OPTIONS", "POST"])
def create_region():
    return jsonify({}), 201


@bp.route("/regions", methods=["OPTIONS", "GET"])
def search_regions():
    return jsonify([])
'''


def test_rename_onto_a_path_the_table_serves_is_not_proposed() -> None:
    found = {line: (desc, sug) for line, _m, desc, sug in _br301({"spatial/api.py": ZONES})}
    # udata: "/zones/<id>/" would match the list route's URLs too (one id is a list of one).
    assert found[11] == ('"/api/1/spatial/zones/<list:ids>/" is already served by `get_zones`: '
                         'renaming "zone" to "zones" here would give one URL two routes (the '
                         "first registered wins); serve this route's member from that one, or "
                         "keep the two apart", None)
    # Near miss: a free plural keeps its code.
    assert found[16] == ('Name the collection in the plural: "/levels/<id>/"', '"/levels/<id>/"')
    # Near miss: the plural path answers only another method (and OPTIONS, as every route
    # may): the create moves beside the list (alerta's POST /alert beside GET /alerts).
    assert found[21] == ('Name the collection in the plural: "/regions"', '"/regions"')


BLUEPRINTS = {"svc/app.py": '''from flask import Flask

from svc.api.event import event_blueprint
from svc.api.realm import realm_blueprint

app = Flask(__name__)
app.register_blueprint(event_blueprint, url_prefix="/event")
app.register_blueprint(realm_blueprint, url_prefix="/realm")
app.register_blueprint(realm_blueprint, url_prefix="/realm", name="realm_again")
''', "svc/api/__init__.py": "", "svc/__init__.py": "", "svc/api/event.py": '''from flask import Blueprint, jsonify

event_blueprint = Blueprint("event_blueprint", __name__)


@event_blueprint.route("/<eventid>", methods=["GET"])
def get_event(eventid):
    return jsonify({})
''', "svc/api/realm.py": '''from flask import Blueprint, jsonify

realm_blueprint = Blueprint("realm_blueprint", __name__)


@realm_blueprint.route("/<realm>", methods=["GET"])
def get_realm(realm):
    return jsonify({})
'''}


def test_prefix_segment_names_the_mount_that_writes_it() -> None:
    found = {(line, desc) for line, _m, desc, _s in _br301(BLUEPRINTS)}
    # privacyidea: `register_blueprint(..., url_prefix="/event")` is the one place to rename.
    assert (6, 'Rename the segment "event" to "events" in the prefix "/event" where the '
               'router, blueprint or include at svc/app.py:7 declares it (not at this line); '
               'every route below it moves with it') in found
    # Near miss: mounted twice, "realm" is written at two places: none is named alone.
    assert (6, 'Rename the segment "realm" to "realms" in the prefix "/realm" where its '
               'router, blueprint or include declares it (not at this line); every route '
               'below it moves with it') in found


SPLIT = '''from fastapi import APIRouter, FastAPI

router = APIRouter(prefix="/api/v1")


@router.post("/dataset", status_code=201)
def create_dataset(dataset: dict):
    return dataset


@router.put("/dataset")
def update_dataset(dataset: dict):
    return dataset


@router.get("/dataset/{fides_key}")
def get_dataset(fides_key: str):
    return {}


@router.get("/widget/{widget_id}")
def get_widget(widget_id: int):
    return {}


@router.delete("/widget/{widget_id}")
def delete_widget(widget_id: int):
    return None


app = FastAPI()
app.include_router(router)
'''


def test_a_rename_that_one_line_cannot_make_alone_names_the_other_routes() -> None:
    # ethyca-fides generic_overrides.py:102: `POST /dataset` beside `PUT /dataset` (not
    # reported: a PUT on the collection) and the member routes, each writing "/dataset":
    # renaming the POST alone split the resource's CRUD over two paths.
    found = {line: (desc, sug) for line, _m, desc, sug in _br301({"api.py": SPLIT})}
    desc, sug = found[6]
    assert sug is None
    assert desc.startswith('"dataset" is written by 2 other route(s) of /api/v1/dataset as '
                           'well (PUT /api/v1/dataset (`update_dataset`), GET '
                           '/api/v1/dataset/{fides_key} (`get_dataset`)): renaming it at this '
                           'line alone splits the resource over two paths. Rename it to '
                           '"datasets" in all of them at once')
    assert desc.endswith("or, if the singular is the convention the whole API follows, keep it")
    # Near miss: both routes writing "/widget/{widget_id}" are reported, each with its own
    # rename: together they move the whole resource, so each keeps its edit.
    assert found[21] == ('Name the collection in the plural: "/widgets/{widget_id}"',
                         '"/widgets/{widget_id}"')
    assert found[26] == ('Name the collection in the plural: "/widgets/{widget_id}"',
                         '"/widgets/{widget_id}"')


NOTES = '''from flask import Flask, jsonify

app = Flask(__name__)


@app.route("/alert/<alert_id>/note/<note_id>", methods=["DELETE"])
def delete_note(alert_id, note_id):
    return jsonify({})


@app.route("/alert/<alert_id>/notes")
def list_notes(alert_id):
    return jsonify([])


@app.route("/agent/<agent_id>/status/<key>")
def agent_status(agent_id, key):
    return jsonify({})


@app.route("/user/<mxid>/resolve_identifier/<identifier>")
def resolve_identifier(mxid, identifier):
    return jsonify({})
'''


def test_later_singulars_before_their_own_ids_move_with_the_first() -> None:
    # alerta views/alerts.py:666 `/alert/<alert_id>/note/<note_id>`, llama-stack
    # `.../session/{session_id}/turn/{turn_id}`: pluralising the first segment alone left
    # `note` / `turn` singular before their ids.
    found = {line: (desc, sug) for line, _m, desc, sug in _br301({"api.py": NOTES})}
    assert found[6][1] == '"/alerts/<alert_id>/notes/<note_id>"'
    # Near miss: `status/<key>` is not named by its parameter: only `agent` is renamed.
    assert found[16][1] == '"/agents/<agent_id>/status/<key>"'
    # Near miss: mautrix `resolve_identifier/{identifier}` is a verb phrase, not a collection.
    assert found[21][1] == '"/users/<mxid>/resolve_identifier/<identifier>"'


def test_a_drf_action_moves_with_its_viewsets_register_prefix(tmp_path, monkeypatch) -> None:
    # kolibri exams/api_urls.py:8 `router.register("exam", ExamViewset)` beside the
    # viewset's `@action size` (/exam/size/), and nautobot's `notes` action from a mixin:
    # all are written by that register call, so renaming it there moves them all.
    from .projects import project_findings

    found = project_findings(tmp_path, {"app/__init__.py": "", "app/views.py": """
        from rest_framework import routers, viewsets
        from rest_framework.decorators import action
        from rest_framework.response import Response


        class NotesMixin:
            @action(detail=True, methods=["get", "post"])
            def notes(self, request, pk=None):
                return Response([])


        class ExamViewset(NotesMixin, viewsets.ModelViewSet):
            def list(self, request):
                return Response([])

            @action(detail=False)
            def size(self, request):
                return Response({})


        router = routers.DefaultRouter()
        router.register("exam", ExamViewset, basename="exam")
        urlpatterns = router.urls
        """}, "BR301", monkeypatch)
    exam = [f for f in found if '"exam"' in f.message]
    assert exam and all(f.fix.suggestion == '"exams"' for f in exam)
