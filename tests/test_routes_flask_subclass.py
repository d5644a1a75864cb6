"""Project subclasses of flask.Blueprint: their instances are blueprints (through the class
hierarchy across modules, never by the class's name), with the url_prefix the subclass's
`__init__` gives them."""

from __future__ import annotations

import json
from pathlib import Path

from backendreview.cli import main

from .projects import app_package as _project
from .projects import route_rows

BASE = '''from flask import Blueprint


class Module(Blueprint):
    def __init__(self, name, import_name, **kwargs):
        kwargs.setdefault("url_prefix", "/" + name)
        super().__init__(name, import_name, **kwargs)
'''


def test_subclass_prefix_from_init_default(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    root = _project(tmp_path, {"base.py": BASE, "jobs.py": '''from flask import jsonify
from .base import Module

NAME = "jobs"
bp = Module(NAME, __name__)


@bp.route("/<int:job_id>", methods=["DELETE"])
def drop(job_id):
    return jsonify({})
'''})
    assert route_rows(capsys, root) == [("DELETE", "/jobs/<int:job_id>", "drop")]


def test_own_init_signature_leaves_prefix_unknown(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    # The subclass's __init__ hands other arguments on: the prefix is not guessed.
    root = _project(tmp_path, {"base.py": BASE, "jobs.py": '''from flask import jsonify
from .base import Module


class JobsModule(Module):
    def __init__(self, import_name):
        super().__init__(compute_name(), import_name)


bp = JobsModule(__name__)


@bp.route("/all")
def everything():
    return jsonify([])
'''})
    assert route_rows(capsys, root) == [("GET", "{?}/all", "everything")]


def test_class_named_blueprint_not_from_flask_is_no_router(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    root = _project(tmp_path, {"layout.py": '''from flask import jsonify


class Blueprint:
    def route(self, rule):
        return lambda f: f


class Panel(Blueprint):
    pass


panel = Panel()


@panel.route("/panel")
def show():
    return jsonify({})
'''})
    assert route_rows(capsys, root) == []


def test_rule_run_alone_sees_subclass_routes(tmp_path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # A rule that needs only the routes still gets the class hierarchy they depend on.
    root = Path(__file__).resolve().parents[1] / "fixtures" / "routes" / \
        "flask_blueprint_subclass"
    monkeypatch.chdir(root)
    code = main(["check", ".", "--format", "json", "--jobs", "1", "--select", "BR207"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1
    assert [(f["rule"], f["path"], f["start_line"]) for f in out["findings"]] == [
        ("BR207", "console/tools/__init__.py", 23)]
    assert "POST /tools/purge/<int:tool_id>" in out["findings"][0]["message"]
