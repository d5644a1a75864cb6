"""Verb decorators of project Blueprint subclasses (`@rest.get("/leases")`, `class
Rest(flask.Blueprint)` with a `get` of its own): a route only when the method, followed call
by call through the instance's class, hands its rule to a `route` that registers, with
methods the code fixes (frameworks/blueprint_verbs). Also: `register_blueprint(bp,
url_prefix=...)` replaces the blueprint's own prefix, as flask does."""

from __future__ import annotations

from .projects import app_package as _project
from .projects import route_rows

REST = '''import flask


class Rest(flask.Blueprint):
    def get(self, rule, status_code=200):
        return self._mroute("GET", rule, status_code)

    def patch(self, rule):
        return self._mroute("PATCH", rule)

    def _mroute(self, methods, rule, status_code=None, **kw):
        if type(methods) is str:
            methods = [methods]
        return self.route(rule, methods=methods, **kw)

    def route(self, rule, **options):
        def decorator(func):
            self.add_url_rule(rule, func.__name__, func, **options)
            return func
        return decorator
'''


def test_verb_followed_to_route_in_a_file_without_flask(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    root = _project(tmp_path, {"utils.py": REST, "leases.py": '''from app import utils

rest = utils.Rest("leases", __name__, url_prefix="/v1")


@rest.get("/leases")
def leases_list(req):
    return []


@rest.patch("/leases/<lease_id>")
def leases_patch(req, lease_id):
    return {}
'''})
    assert route_rows(capsys, root) == [("GET", "/v1/leases", "leases_list"),
                                        ("PATCH", "/v1/leases/<lease_id>", "leases_patch")]


def test_verb_that_is_no_route(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    # `get` reads a setting; `put` takes its methods from its caller; `route` overridden
    # without registering: none of them is followed to a registration.
    root = _project(tmp_path, {"utils.py": '''import flask


class Settings(flask.Blueprint):
    def get(self, key):
        return self.lookup(key)

    def put(self, rule, methods):
        return self.route(rule, methods=methods)


class Silent(flask.Blueprint):
    def get(self, rule):
        return self.route(rule, methods=["GET"])

    def route(self, rule, **options):
        def decorator(func):
            self.rules.append(rule)
            return func
        return decorator
''', "views.py": '''from app.utils import Settings, Silent

settings = Settings("settings", __name__)
silent = Silent("silent", __name__)


@settings.get("/value")
def value():
    return 1


@settings.put("/chosen", ["PUT"])
def chosen():
    return 2


@silent.get("/quiet")
def quiet():
    return 3
'''})
    assert route_rows(capsys, root) == []


def test_computed_methods_are_no_route(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    # `methods=` a local list, or a parameter rebound from a computation: methods the code
    # computes, not flask's default GET, so no row. Near misses: the same methods as a
    # literal, and `methods=` not passed at all (flask's default GET), keep their routes.
    root = _project(tmp_path, {"bp.py": '''from flask import Blueprint


class Rest(Blueprint):
    def get(self, rule, **kw):
        verbs = ["POST", "DELETE"]
        return self.route(rule, methods=verbs)

    def put(self, rule, methods="PUT"):
        methods = methods.split(",")
        return self.route(rule, methods=methods)

    def post(self, rule):
        return self.route(rule, methods=["POST", "DELETE"])

    def delete(self, rule):
        return self.route(rule)
''', "views.py": '''from app.bp import Rest

rest = Rest("v1", __name__, url_prefix="/v1")


@rest.get("/leases")
def leases():
    return "x"


@rest.put("/hosts")
def hosts():
    return "x"


@rest.post("/pools")
def pools():
    return "x"


@rest.delete("/nodes")
def nodes():
    return "x"
'''})
    assert sorted(route_rows(capsys, root)) == [("GET", "/v1/nodes", "nodes"),
                                                ("POST,DELETE", "/v1/pools", "pools")]


def test_inherited_flask_shortcut_and_not_a_blueprint(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    # No `delete` of its own: flask's. A class with `get` and `route` that is no Blueprint:
    # nothing.
    root = _project(tmp_path, {"utils.py": '''import flask


class Plain(flask.Blueprint):
    pass


class Scheduler:
    def get(self, rule):
        return self.route(rule, methods=["GET"])

    def route(self, rule):
        return lambda f: f
''', "views.py": '''from app.utils import Plain, Scheduler

plain = Plain("plain", __name__, url_prefix="/plain")
jobs = Scheduler()


@plain.delete("/items/<item_id>")
def drop(item_id):
    return 1


@jobs.get("/every-minute")
def tick():
    return 2


@jobs.route("/hourly")
def hourly():
    return 3
'''})
    assert route_rows(capsys, root) == [("DELETE", "/plain/items/<item_id>", "drop")]


def test_register_blueprint_prefix_replaces_the_blueprints(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    root = _project(tmp_path, {"app.py": '''import flask

bp = flask.Blueprint("v1", __name__, url_prefix="/v1")
other = flask.Blueprint("other", __name__, url_prefix="/other")


@bp.route("/leases")
def leases():
    return []


@other.route("/x")
def x():
    return []


app = flask.Flask(__name__)
app.register_blueprint(bp, url_prefix="/api/v1")
app.register_blueprint(other)
'''})
    assert sorted(route_rows(capsys, root)) == [("GET", "/api/v1/leases", "leases"),
                                                ("GET", "/other/x", "x")]


def test_a_tests_app_does_not_place_the_projects_blueprint(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    # test_views.py registers the project's blueprint on its own app under another prefix:
    # no served app is a test's, so the blueprint keeps its own "/v1". A blueprint the test
    # defines itself stays under the test's app (near miss).
    root = _project(tmp_path, {"views.py": '''import flask

bp = flask.Blueprint("v1", __name__, url_prefix="/v1")


@bp.route("/leases")
def leases():
    return []
''', "test_views.py": '''import flask

from app import views

local = flask.Blueprint("local", __name__)


@local.route("/probe")
def probe():
    return "ok"


def make_app():
    app = flask.Flask(__name__)
    app.register_blueprint(views.bp, url_prefix="/other")
    app.register_blueprint(local, url_prefix="/t")
    return app
'''})
    assert sorted(route_rows(capsys, root)) == [("GET", "/t/probe", "probe"),
                                                ("GET", "/v1/leases", "leases")]


def test_another_frameworks_router_beside_flask_stays_that_frameworks(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    """A near miss: `routes = web.RouteTableDef()` in a module that also imports flask is
    aiohttp's router, read by the aiohttp module, not a candidate Blueprint subclass
    (its `@routes.get` rows were lost when flask claimed them)."""
    root = _project(tmp_path, {"views.py": '''from aiohttp import web
from flask import Blueprint

bp = Blueprint("pages", __name__)
routes = web.RouteTableDef()


@routes.get("/tokens/rotate")
async def rotate_token(request):
    return web.json_response({})


@bp.route("/pages")
def pages():
    return []
'''})
    # Neither router is mounted in this project: both prefixes stay unknown.
    assert route_rows(capsys, root) == [("GET", "{?}/tokens/rotate", "rotate_token"),
                                        ("GET", "{?}/pages", "pages")]
