"""Eve resources in the route table (frameworks/eve): what registers a resource and what
only looks like it, the prefixes from the settings, public methods against the app's auth
class, Eve's default pagination; and a Flask app subclass built inside a factory."""

from __future__ import annotations

import json
from pathlib import Path

from backendreview.cli import main

from .projects import app_package as _project

APP = '''from eve import Eve
from eve.auth import TokenAuth

app = Eve(settings="settings.py", auth=TokenAuth)
'''


def _rows(capsys, root: Path) -> list[tuple[str, str, str, str]]:  # type: ignore[no-untyped-def]
    code = main(["routes", str(root), "--format", "json", "--jobs", "1"])
    out = capsys.readouterr()
    assert code == 0, out.err
    return [(",".join(r["methods"]), r["path"], ",".join(r["auth"]),
             ",".join(r["pagination"])) for r in json.loads(out.out)]


def test_domain_the_app_loads_and_not_one_it_does_not(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    root = _project(tmp_path, {"app.py": APP, "settings.py": '''URL_PREFIX = "api"
DOMAIN = {"people": {"resource_methods": ["GET", "POST"], "public_methods": ["GET"],
                     "item_methods": []},
          "audit": {"internal_resource": True}}
''', "docs_example.py": '''DOMAIN = {"ghosts": {"resource_methods": ["GET"]}}
'''})
    assert _rows(capsys, root) == [
        ("GET", "/api/people", "", "Eve pagination (PAGINATION, on by default)"),
        ("POST", "/api/people", "TokenAuth (Eve auth=)", ""),
    ]


def test_no_eve_app_no_routes(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    # The same settings module with no Eve app anywhere: a dict, not an API.
    root = _project(tmp_path, {"settings.py": '''DOMAIN = {"people": {}}
''', "app.py": '''from flask import Flask

app = Flask(__name__)
'''})
    assert _rows(capsys, root) == []


BASE = '''class Resource:
    url = None
    resource_methods = None

    def __init__(self, endpoint_name, app, service):
        self.endpoint_name = endpoint_name
        app.register_resource(self.endpoint_name, {"url": self.url})


class Lookalike:
    resource_methods = ["GET", "POST"]

    def __init__(self, name, app):
        self.name = name
'''


def test_class_registration_through_hierarchy_and_registrar(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    root = _project(tmp_path, {"app.py": APP, "settings.py": '''PAGINATION = False
''', "base.py": BASE, "res.py": '''from .base import Lookalike, Resource


class LoginResource(Resource):
    url = "auth/login"
    resource_methods = ["POST"]
    item_methods = []
    public_methods = ["POST"]


class TagsResource(Resource):
    item_methods = ["DELETE"]


class KindResource(Resource):
    """Its constructor sets the url and methods on the instance: they win."""

    def __init__(self, endpoint_name, app, service, kind="run"):
        self.url = "jobs/{}".format(kind)
        self.resource_methods = []
        self.item_methods = ["PATCH"]
        super().__init__(endpoint_name, app=app, service=service)


class FixedResource(Resource):
    def __init__(self, endpoint_name, app, service):
        self.url = "jobs/cancel"
        self.resource_methods = ["POST"]
        self.item_methods = []
        super().__init__(endpoint_name, app=app, service=service)


def register(name, resource, app):
    resource(name, app=app, service=None)


def init_app(app):
    name = "login"
    LoginResource(name, app=app, service=None)
    register("tags", TagsResource, app)
    Lookalike("prefs", app)
    KindResource("jobs_run", app, None)
    FixedResource("jobs_cancel", app, None)
    TagsResource(app.config["NAME"], app=app, service=None)
'''})
    assert _rows(capsys, root) == [
        ("POST", "/auth/login", "", ""),
        ("GET", "/tags", "TokenAuth (Eve auth=)", ""),
        ("DELETE", "/tags/<_id>", "TokenAuth (Eve auth=)", ""),
        # KindResource: a url computed in the constructor is not told (no route).
        ("POST", "/jobs/cancel", "TokenAuth (Eve auth=)", ""),
    ]


def test_computed_prefix_shows_by_name(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    root = _project(tmp_path, {"app.py": APP, "settings.py": '''import os

URL_PREFIX = os.environ.get("URL_PREFIX", "api")
DOMAIN = {"items": {"resource_methods": ["GET"], "item_methods": []}}
'''})
    assert _rows(capsys, root) == [
        ("GET", "/{URL_PREFIX}/items", "TokenAuth (Eve auth=)",
         "Eve pagination (PAGINATION, on by default)"),
    ]


def test_eve_rate_limit_setting_limits_its_method(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    root = _project(tmp_path, {"app.py": APP, "settings.py": '''RATE_LIMIT_POST = (5, 60)
RATE_LIMIT_GET = None
DOMAIN = {"sessions": {"url": "login", "resource_methods": ["GET", "POST"],
                       "public_methods": ["GET", "POST"], "item_methods": [],
                       "pagination": False}}
'''})
    code = main(["routes", str(root), "--format", "json", "--jobs", "1"])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert [(r["methods"], r["rate_limit"]) for r in json.loads(out.out)] == [
        (["GET", "POST"], ["Eve RATE_LIMIT_POST"])]
