"""flask-principal permissions and wrappers that apply an auth decorator, seen as
authentication in the route table and by BR207 (frameworks/principal.py, guards.py)."""

from __future__ import annotations

import json
from pathlib import Path

from backendreview.cli import main

VENDORED = '''\
from myapp.vendor.flask_principal import Permission, RoleNeed


class Perms:
    DELETE = Permission(RoleNeed("delete"))
'''

VIEWS = '''\
from flask import Blueprint, Flask

from .perms import Perms

bp = Blueprint("bp", __name__)


@bp.route("/items/<int:item_id>", methods=["DELETE"])
@Perms.DELETE.require(403)
def delete_item(item_id):
    return "", 204


@bp.route("/items", methods=["POST"])
def create_item():
    return "", 201


app = Flask(__name__)
app.register_blueprint(bp, url_prefix="/v1")
'''


def _project(tmp_path: Path) -> Path:
    pkg = tmp_path / "myapp"
    (pkg / "vendor").mkdir(parents=True)
    for path in (pkg / "__init__.py", pkg / "vendor" / "__init__.py",
                 pkg / "vendor" / "flask_principal.py"):
        path.write_text("", encoding="utf-8")
    (pkg / "perms.py").write_text(VENDORED, encoding="utf-8")
    (pkg / "views.py").write_text(VIEWS, encoding="utf-8")
    return tmp_path


def test_vendored_permission_holder_is_auth(tmp_path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(_project(tmp_path))
    assert main(["routes", ".", "--format", "json", "--jobs", "1"]) == 0
    rows = {(r["methods"][0], r["path"]): r["auth"] for r in json.loads(capsys.readouterr().out)}
    assert rows[("DELETE", "/v1/items/<int:item_id>")] == \
        ["Perms.DELETE.require (flask-principal)"]
    assert rows[("POST", "/v1/items")] == []


def test_br207_only_on_the_unguarded_write(tmp_path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(_project(tmp_path))
    main(["check", ".", "--format", "json", "--jobs", "1", "--select", "BR207"])
    found = [(f["rule"], f["path"], f["start_line"], f["message"])
             for f in json.loads(capsys.readouterr().out)["findings"]]
    assert found == [("BR207", "myapp/views.py", 14,
                      'route "POST /v1/items" (create_item) changes data and no authentication '
                      "dependency, decorator or permission class guards it")]
