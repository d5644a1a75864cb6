"""Routes behind three registration styles (issue 10, routes12): flask-restx namespaces made
in modules that import neither flask-restx nor flask (frameworks/restx_imported), library
view functions at configured URLs (`bp.route(app.config["SECURITY_LOGIN_URL"])(login)`), and
paths built with `%`, `.format()` and f-strings (frameworks/path_format). The multi-file
projects with their full tables are fixtures/routes/restx_imported and django_formatted;
these cases pin single behaviours, positive and near miss."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from backendreview.analysis.frameworks.path_format import formatted_text
from backendreview.cli import main

from .projects import app_package as _project

ROOT = Path(__file__).resolve().parents[1] / "fixtures" / "routes"

API = '''from flask import Blueprint
from flask_restx import Api, Resource

bp = Blueprint("api", __name__, url_prefix="/api/1")
api = Api(bp)


class API(Resource):
    pass
'''

RESOURCES = '''from app.api import API, api

ns = api.namespace("harvest", "Harvest related operations")


@ns.route("/sources/")
class SourcesAPI(API):
    def get(self):
        return []
'''


def _routes(capsys, root: Path) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    code = main(["routes", str(root), "--format", "json", "--jobs", "1"])
    out = capsys.readouterr()
    assert code in (0, 1), out.err
    return sorted((",".join(r["methods"]), r["path"], r["handler"])
                  for r in json.loads(out.out))


def _findings(capsys, root: Path, rule: str) -> list[tuple[str, int, str]]:  # type: ignore[no-untyped-def]
    code = main(["check", str(root), "--format", "json", "--jobs", "1", "--select", rule])
    out = capsys.readouterr()
    assert code in (0, 1), out.err
    return [(f["path"], f["start_line"], f["message"]) for f in json.loads(out.out)["findings"]]


def test_namespace_of_an_imported_api_in_a_module_importing_no_framework(
        tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    root = _project(tmp_path, {"api.py": API, "harvest.py": RESOURCES})
    assert _routes(capsys, root) == [("GET", "/api/1/harvest/sources/", "SourcesAPI.get")]


def test_namespace_of_an_object_that_is_no_api_registers_nothing(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    # The same module, but `api` is a project registry: no flask-restx file built it.
    registry = API.replace("api = Api(bp)", "class Registry:\n    def namespace(self, n):\n"
                           "        return self\n\n\napi = Registry()")
    root = _project(tmp_path, {"api.py": registry, "harvest.py": RESOURCES})
    assert _routes(capsys, root) == []


def test_route_on_an_imported_namespace_object(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    api = API + '\nns = api.namespace("users", path="/people")\n'
    resources = ('from app.api import API, ns\n\n\n@ns.route("/<int:id>")\nclass User(API):\n'
                 '    def get(self, id):\n        return {}\n')
    root = _project(tmp_path, {"api.py": api, "users.py": resources})
    assert _routes(capsys, root) == [("GET", "/api/1/people/<int:id>", "User.get")]


def test_route_on_an_imported_object_that_is_no_namespace(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    hooks = ('from app.registry import hooks\n\n\n@hooks.route("/hooks/")\nclass Hook:\n'
             '    def get(self):\n        return []\n')
    root = _project(tmp_path, {"api.py": API, "registry.py": "hooks = object()\n",
                               "hooks.py": hooks})
    assert _routes(capsys, root) == []


def test_restx_fixture_project_rows(capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(ROOT / "restx_imported")
    rows = _routes(capsys, Path("."))
    # A namespace at path="" sits at the Api's root; the registry's namespace and route in
    # catalog/plugins/hooks.py give no row; the library's login keeps its name.
    assert ("GET", "/api/1/jobs/<string:id>/", "JobAPI.get") in rows
    assert ("POST", "/api/1/harvest/source/<source>/run/", "RunSourceAPI.post") in rows
    assert ("GET,POST", "/auth/login/", "login") in rows
    assert ("GET", "/auth/{SECURITY_LOGOUT_URL}", "logout") in rows
    assert not any(h.startswith(("HookList", "PluginList")) for _, _, h in rows)
    assert len(rows) == 9


def test_rules_read_the_newly_seen_routes(capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(ROOT / "restx_imported")
    assert [(p, line) for p, line, _ in _findings(capsys, Path("."), "BR206")] == [
        ("catalog/auth/views.py", 9)]
    br301 = _findings(capsys, Path("."), "BR301")
    assert [(p, line) for p, line, _ in br301] == [("catalog/harvest/api.py", 21),
                                                   ("catalog/harvest/api.py", 31)]
    assert 'segment "source" names a resource in the singular' in br301[0][2]
    br303 = _findings(capsys, Path("."), "BR303")
    assert [(p, line) for p, line, _ in br303] == [("catalog/harvest/api.py", 15)]
    monkeypatch.chdir(ROOT / "django_formatted")
    br302 = _findings(capsys, Path("."), "BR302")
    assert [(p, line) for p, line, _ in br302] == [("graphs/urls.py", 25), ("graphs/urls.py", 29)]
    assert '"POST /graph/(?P<graphid>{UUID_REGEX})/delete_node"' in br302[0][2]


def test_django_formatted_fixture_rows(capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(ROOT / "django_formatted")
    rows = _routes(capsys, Path("."))
    assert ("GET", "/graphs/(?P<graphid>{UUID_REGEX})", "GraphView.get") in rows
    assert ("ANY", "/graphs/(?P<graphid>{UUID_REGEX})/nodes/(?P<nodeid>{UUID_REGEX})",
            "node_json") in rows
    assert ("ANY", "/v2/graphs/(?P<graphid>{UUID_REGEX})/get_nodes", "node_json") in rows
    assert ("ANY", "/exports/(?P<slug>[-\\w]+)", "export") in rows
    # Near misses: a format string not written in the code, a tuple of computed parts, an
    # f-string with a call: the path stays unknown.
    assert sorted(h for _, p, h in rows if p == "{?}") == ["GraphView.get", "export",
                                                           "node_json"]


def _read(node: ast.AST) -> str | None:
    """Literals and upper-case names (as settings) only."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str | int):
        return str(node.value)
    if isinstance(node, ast.Name) and node.id.isupper():
        return "{" + node.id + "}"
    return None


@pytest.mark.parametrize(("code", "strict", "lenient"), [
    ('"/a/%s/%d" % (X, 2)', "/a/{X}/2", "/a/{X}/2"),
    ('"/a/%(k)s/%%" % {"k": X}', "/a/{X}/%", "/a/{X}/%"),
    ('"/a/%s" % f()', None, "/a/{?}"),
    ('"/a/%s/%s" % (X,)', None, None),  # a TypeError at run time: no path
    ('"/a/%5.2f" % X', None, "/a/{?}"),  # a number format: not a path part
    ('tpl % X', None, None),  # the template is not written here
    ('"/{}/{n}/{0}".format(X, n="b")', "/{X}/b/{X}", "/{X}/b/{X}"),
    ('"/{}/{{x}}".format(g())', None, "/{?}/{x}"),
    ('"/{0!r}".format(X)', None, "/{?}"),
    ('f"/{X}/{g()}"', None, "/{X}/{?}"),
    ('f"/{X:>4}"', None, "/{?}"),
    ('"/a" + X', None, None),  # not a template: path_text joins `+` itself
])
def test_formatted_text(code: str, strict: str | None, lenient: str | None) -> None:
    node = ast.parse(code, mode="eval").body
    assert formatted_text(node, _read, lenient=False) == strict
    assert formatted_text(node, _read, lenient=True) == lenient
