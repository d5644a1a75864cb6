"""Routes a project function registers on what its callers pass (frameworks/param_routes):
the router, the path or the view come from the function's parameters, and every resolved
call is one registration. The multi-file projects with their full tables are
fixtures/routes/param_registrars (Flask, flask-restx) and param_registrars_fastapi; these
cases pin single behaviours, near misses included."""

from __future__ import annotations

import json
from pathlib import Path

from backendreview.cli import main

from .projects import app_package

ROOT = Path(__file__).resolve().parents[1] / "fixtures" / "routes"
Row = tuple[str, str, str, str, str]  # methods, path, handler, location, defined_at


def _rows(capsys, root: Path, monkeypatch) -> list[Row]:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(root)
    code = main(["routes", ".", "--format", "json", "--jobs", "1"])
    out = capsys.readouterr()
    assert code in (0, 1), out.err
    return sorted((",".join(r["methods"]), r["path"], r["handler"], r["location"],
                   r["defined_at"]) for r in json.loads(out.out))


def _findings(capsys, root: Path, monkeypatch) -> list[dict]:  # type: ignore[no-untyped-def,type-arg]
    monkeypatch.chdir(root)
    code = main(["check", ".", "--format", "json", "--jobs", "1", "--select", "ALL"])
    out = capsys.readouterr()
    assert code in (0, 1), out.err
    return json.loads(out.out)["findings"]  # type: ignore[no-any-return]


def test_view_and_path_from_parameters_on_a_module_blueprint(capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(capsys, ROOT / "param_registrars", monkeypatch)
    # `register_endpt(PeopleView, "/people", "people")`: the class's methods, the blueprint's
    # prefix from a constant of another module, the path from the call (an f-string over an
    # imported constant too).
    assert ("GET", "/api/people", "PeopleView.get", "portal/views.py:6",
            "portal/urls.py:14") in rows
    assert ("POST", "/api/people", "PeopleView.post", "portal/views.py:9",
            "portal/urls.py:14") in rows
    assert ("DELETE", "/api/users/<handle>", "PersonView.delete", "portal/views.py:17",
            "portal/urls.py:15") in rows


def test_blueprint_parameter_and_parameters_passed_on(capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(capsys, ROOT / "param_registrars", monkeypatch)
    assert ("GET", "/api/things", "ThingView.get", "portal/views.py:27",
            "portal/urls.py:18") in rows
    # register_both passes its parameters to register_on twice.
    assert [r[1] for r in rows if r[2] == "ItemView.get"] == ["/api/items",
                                                             "/api/items/<int:id>"]
    # flask-restx add_resource on an Api parameter, in a module importing no flask-restx.
    assert ("GET", "/v2/reports/daily/<int:id>", "ReportResource.get", "portal/views.py:37",
            "portal/urls.py:30") in rows


def test_argument_computed_at_run_time_stays_unknown(capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(capsys, ROOT / "param_registrars", monkeypatch)
    assert [r for r in rows if r[4] == "portal/urls.py:17"] == [
        ("GET", "/api/{?}", "PingView.get", "portal/views.py:22", "portal/urls.py:17")]


def test_near_misses_register_nothing_new(capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(capsys, ROOT / "param_registrars", monkeypatch)
    paths = [r[1] for r in rows]
    # A dict named like a router, a call made only by the tests: no route.
    assert not any("fake" in p or "only-in-tests" in p for p in paths)
    # A blueprint the helper makes and keeps: its route is served nowhere known.
    assert [p for p in paths if p.endswith("/hidden")] == ["{?}/hidden"]
    # Recursion ends; the recursive call adds nothing.
    assert [r for r in rows if r[4] == "portal/urls.py:22"] == [
        ("GET", "/api/again", "PingView.get", "portal/views.py:22", "portal/urls.py:22")]
    # `name` plays no part in add_health: the literal path stands.
    assert ("GET", "/api/health", "health", "portal/registry.py:26",
            "portal/urls.py:20") in rows


def test_fastapi_classmethod_called_on_subclasses(capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(capsys, ROOT / "param_registrars_fastapi", monkeypatch)
    # Resolved through the class hierarchy: one registration per call; the piece computed
    # from the class is unknown, never guessed. The dict `cache_router` registers nothing.
    assert [r for r in rows if r[2] == "search_api"] == [
        ("GET", "/api/runs/search/{?}/", "search_api", "svc/objects.py:14", "svc/main.py:11"),
        ("GET", "/api/runs/search/{?}/", "search_api", "svc/objects.py:14", "svc/main.py:12"),
    ]
    assert ("POST", "/api/runs/{run_id}/{?}/get-batch/", "batch_api", "svc/objects.py:18",
            "svc/main.py:12") in rows


def test_fastapi_endpoint_handed_in_is_the_handler(capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(capsys, ROOT / "param_registrars_fastapi", monkeypatch)
    assert ("GET", "/api/runs/health", "health", "svc/endpoints.py:1", "svc/main.py:16") in rows
    assert ("GET", "/api/runs/status", "status", "svc/helpers.py:11", "svc/main.py:17") in rows
    assert [r[1] for r in rows if r[2] == "loop_target"] == ["/api/runs/loop"]


def test_fix_rewrites_only_a_path_written_at_the_call(capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    found = _findings(capsys, ROOT / "param_registrars_fastapi", monkeypatch)
    verbs = [f for f in found if f["rule"] == "BR302" and "get-batch" in f["message"]]
    assert [f"{f['path']}:{f['start_line']}" for f in verbs] == ["svc/main.py:11",
                                                                 "svc/main.py:12"]
    # The path is put together in objects.py: no string at the call to propose.
    assert all(f["fix"]["suggestion"] is None for f in verbs)
    flask_found = _findings(capsys, ROOT / "param_registrars", monkeypatch)
    people = [f for f in flask_found if f["rule"] == "BR207" and "/api/people" in f["message"]]
    # The literal "/people" of the call is where the route's path is written.
    assert [(f["path"], f["start_line"], f["start_column"]) for f in people] == [
        ("portal/urls.py", 14, 28)]


HELPERS = '''from flask import Blueprint
from flask.views import MethodView

bp = Blueprint("x", __name__, url_prefix="/x")


class V(MethodView):
    def get(self):
        return ""


def never_called(resource, url):
    bp.add_url_rule(url, view_func=resource.as_view("never"))


def ping(router):
    pong(router)


def pong(router):
    ping(router)

    @router.route("/pong")
    def pong_view():
        return ""
'''

USES = '''from flask import Flask

from .helpers import V, bp, ping

ping(bp)
app = Flask(__name__)
app.register_blueprint(bp)
'''


def test_uncalled_helper_and_mutual_recursion(tmp_path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    root = app_package(tmp_path, {"helpers.py": HELPERS, "uses.py": USES})
    # ping -> pong -> ping ends, one route at the call. never_called is reached by no call:
    # its registration stays as the collector read it, path and view unknown (nothing is
    # guessed, nothing dropped: a method called through `self` is such a case).
    assert _rows(capsys, root, monkeypatch) == [
        ("ANY", "/x/{?}", 'resource.as_view("never")', "app/helpers.py:13", "app/helpers.py:13"),
        ("GET", "/x/pong", "pong_view", "app/helpers.py:24", "app/uses.py:5")]


def test_registration_that_uses_no_parameter_is_the_route_itself(tmp_path, capsys,  # type: ignore[no-untyped-def]
                                                                monkeypatch) -> None:
    helpers = HELPERS.replace('bp.add_url_rule(url, view_func=resource.as_view("never"))',
                              'bp.add_url_rule("/fixed", view_func=V.as_view("never"))')
    root = app_package(tmp_path, {"helpers.py": helpers, "uses.py": USES})
    rows = _rows(capsys, root, monkeypatch)
    assert ("GET", "/x/fixed", "V.get", "app/helpers.py:8", "app/helpers.py:13") in rows


SMOREST = '''import flask_smorest
from flask import Flask
from flask_smorest import Blueprint

bp = Blueprint("items", __name__, url_prefix="/items")


@bp.route("/<int:id>")
def item(id):
    return {}


def create_app():
    app = Flask(__name__)
    api = flask_smorest.Api(app)
    api.register_blueprint(bp)
    return app
'''


def test_flask_smorest_api_registers_on_its_app(tmp_path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    root = app_package(tmp_path, {"web.py": SMOREST})
    assert _rows(capsys, root, monkeypatch) == [
        ("GET", "/items/<int:id>", "item", "app/web.py:9", "app/web.py:8")]


def test_flask_smorest_api_without_its_app_is_unplaced(tmp_path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # `Api()` then `init_app` elsewhere: where the blueprint is served is not told.
    root = app_package(tmp_path, {"web.py": SMOREST.replace("flask_smorest.Api(app)",
                                                           "flask_smorest.Api()")})
    assert [r[1] for r in _rows(capsys, root, monkeypatch)] == ["{?}/items/<int:id>"]
