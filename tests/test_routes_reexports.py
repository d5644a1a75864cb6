"""flask's Blueprint re-exported by a project package, in modules that import no flask
(superdesk's `superdesk.Blueprint`): kept when the program model follows the re-export to
flask; a project class merely named Blueprint is no blueprint. (The per-file question of
analysis/handlers cannot tell an imported class apart, so this near miss lives here rather
than in a route fixture project, where test_handler_agreement holds both answers equal.)"""

from __future__ import annotations

from pathlib import Path

from .projects import app_package, route_rows

PACKAGE = '''from flask import Blueprint

from app.drawings import Blueprint as DrawingBlueprint
'''

DRAWINGS = '''class Blueprint:
    """A technical drawing (no flask): its `route` is a cable route."""

    def __init__(self, name, sheet):
        self.name = name

    def route(self, path, **kwargs):
        def mark(func):
            return func

        return mark
'''

VIEWS = '''import app

files = app.Blueprint("files", __name__, url_prefix="/files")
plan = app.DrawingBlueprint("plan", "A1")


@files.route("/<file_id>", methods=["DELETE"])
def delete_file(file_id):
    return ""


@plan.route("/cable/<cable_id>")
def cable(cable_id):
    return ""
'''

SERVER = '''from flask import Flask

from app import views

server = Flask(__name__)
server.register_blueprint(views.files)
'''


def _project(tmp_path: Path) -> Path:
    root = app_package(tmp_path, {"drawings.py": DRAWINGS, "views.py": VIEWS,
                                  "server.py": SERVER})
    (root / "app" / "__init__.py").write_text(PACKAGE, encoding="utf-8")
    return root


def test_reexported_flask_blueprint_is_a_blueprint(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    rows = route_rows(capsys, _project(tmp_path))
    assert ("DELETE", "/files/<file_id>", "delete_file") in rows


def test_project_class_named_blueprint_registers_nothing(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    rows = route_rows(capsys, _project(tmp_path))
    assert not any(handler == "cable" for _, _, handler in rows), rows
    assert rows == [("DELETE", "/files/<file_id>", "delete_file")]


def test_flask_smorest_blueprint_keeps_its_prefix(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    # A library's own Blueprint (flask_smorest) in a module that imports no flask is no
    # re-export: its url_prefix stays where it is.
    root = app_package(tmp_path, {
        "blueprint.py": "from flask_smorest import Blueprint\n\n"
                        "api_bp = Blueprint('api', __name__, url_prefix='/api')\n",
        "people.py": "from flask import jsonify\n\nfrom .blueprint import api_bp\n\n\n"
                     "@api_bp.route('/people/<handle>', methods=['DELETE'])\n"
                     "def delete_person(handle):\n    return jsonify({})\n",
        "server.py": "from flask import Flask\nfrom flask_smorest import Api\n\n"
                     "from .blueprint import api_bp\n\nserver = Flask(__name__)\n"
                     "api = Api(server)\napi.register_blueprint(api_bp)\n",
    })
    assert route_rows(capsys, root) == [("DELETE", "/api/people/<handle>", "delete_person")]

