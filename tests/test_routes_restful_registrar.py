"""flask-restful resources registered by a project base class from a table its subclasses
declare (frameworks/restful_helpers), and decorators that only look like route decorators
(`@mock.patch` on a test). The multi-file project with its full table is
fixtures/routes/restful_registrar; these cases pin single behaviours."""

from __future__ import annotations

import json
from pathlib import Path

from backendreview.cli import main

from .projects import app_package as _project

BASE = '''import flask
import flask_restful


def entry(resource, url):
    return (resource, url)


class Registrar:
    def __init__(self):
        self._bp = flask.Blueprint("x", __name__, url_prefix=self._bp_prefix)
        self._api = flask_restful.Api(self._bp, prefix=self._api_prefix)
        for r in self.table:
            self._api.add_resource(r.resource, r.url)


class Thing(flask_restful.Resource):
    def get(self):
        return {}

    def post(self):
        return {}, 201
'''

TABLES = '''from .base import Registrar, Thing, entry


class ThingsAPI(Registrar):
    _bp_prefix = "/v2"
    _api_prefix = "/ext"
    table = [entry(resource=Thing, url="/things"), entry(Thing, "/things/<int:id>")]


class Listed:
    table = [entry(resource=Thing, url="/listed")]


class OtherTable(Registrar):
    _bp_prefix = "/v2"
    _api_prefix = "/ext"
    other = [entry(resource=Thing, url="/other")]
'''


def _routes(capsys, root: Path) -> list[tuple[str, str, str, bool]]:  # type: ignore[no-untyped-def]
    code = main(["routes", str(root), "--format", "json", "--jobs", "1"])
    out = capsys.readouterr()
    assert code in (0, 1), out.err
    return sorted((",".join(r["methods"]), r["path"], r["handler"], r["prefix_known"])
                  for r in json.loads(out.out))


def test_table_of_a_registrar_subclass_reaches_the_route_table(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    root = _project(tmp_path, {"base.py": BASE, "tables.py": TABLES})
    # Keyword and positional entries (named by entry()'s parameters); the prefixes are the
    # subclass's literal attributes. A class that derives from nothing registering, and a
    # table under an attribute the registrar does not loop over, give no route.
    assert _routes(capsys, root) == [
        ("GET", "/v2/ext/things", "Thing.get", True),
        ("GET", "/v2/ext/things/<int:id>", "Thing.get", True),
        ("POST", "/v2/ext/things", "Thing.post", True),
        ("POST", "/v2/ext/things/<int:id>", "Thing.post", True),
    ]


def test_prefix_attribute_no_class_assigns_is_unknown(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    tables = TABLES.replace('    _api_prefix = "/ext"\n    table', "    table", 1)
    root = _project(tmp_path, {"base.py": BASE, "tables.py": tables})
    rows = _routes(capsys, root)
    assert ("GET", "/v2{?}/things", "Thing.get", False) in rows
    assert not any(path.startswith("/v2/ext/things") for _, path, _, _ in rows)


def test_add_resource_on_an_object_that_is_not_an_api_registers_nothing(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    base = BASE.replace("flask_restful.Api(self._bp, prefix=self._api_prefix)", "{}")
    root = _project(tmp_path, {"base.py": base, "tables.py": TABLES})
    assert _routes(capsys, root) == []


MOCKED = '''import subprocess
from unittest import mock

import flask
import mock as mock_backport

from .web import bp


@bp.patch("/settings")
def update_settings():
    return {}


class TestSettings:
    @mock.patch("pkg.web.update_settings")
    @mock.patch.object(subprocess, "check_output")
    def test_one(self, check_output, update):
        assert flask

    @mock_backport.patch("pkg.web.update_settings")
    def test_two(self, update):
        pass
'''

WEB = '''import flask

bp = flask.Blueprint("web", __name__, url_prefix="/web")
'''


def test_patch_decorator_from_mock_is_no_route(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    root = _project(tmp_path, {"web.py": WEB, "test_settings.py": MOCKED})
    # The blueprint imported from another module is a router; unittest.mock and the mock
    # backport (a module bound by `import`) are not.
    assert _routes(capsys, root) == [("PATCH", "/web/settings", "update_settings", True)]
