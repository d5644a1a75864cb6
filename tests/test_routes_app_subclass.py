"""A project subclass of flask.Flask built inside a factory is an app (its routes at the
root); a before_request guard that lets named paths through does not authenticate them."""

from __future__ import annotations

import json
from pathlib import Path

from backendreview.cli import main

from .projects import app_package as _project

GUARD = '''from functools import wraps

from flask import abort, request, session


def requires_login(f):
    @wraps(f)
    def decorated(*args, **kwargs):
        if request.path == "/ping":
            return f(*args, **kwargs)
        if request.path.startswith("/static"):
            return f(*args, **kwargs)
        if not session.get("user"):
            abort(401)
        return f(*args, **kwargs)

    return decorated
'''


def _rows(capsys, root: Path) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    code = main(["routes", str(root), "--format", "json", "--jobs", "1"])
    out = capsys.readouterr()
    assert code == 0, out.err
    return [(",".join(r["methods"]), r["path"], ",".join(r["auth"]))
            for r in json.loads(out.out)]


def test_factory_app_subclass_and_exempt_paths(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    root = _project(tmp_path, {"guard.py": GUARD, "app.py": '''from flask import Flask, jsonify

from .guard import requires_login


class ApiFlask(Flask):
    def route(self, rule, **options):
        return super().route(rule, **options)


def build_app():
    app = ApiFlask(__name__)

    @app.before_request
    @requires_login
    def check():
        pass

    @app.route("/ping")
    def ping():
        return jsonify(ok=True)

    @app.route("/static/app.js")
    def script():
        return jsonify(ok=True)

    return app
'''})
    # `/ping` is let through by an exact path; a prefix test (`startswith`) is not read as
    # a list of paths, so `/static/app.js` keeps the hook's auth.
    assert _rows(capsys, root) == [
        ("GET", "/ping", ""),
        ("GET", "/static/app.js", "requires_login (before_request hook)"),
    ]


def test_route_override_that_registers_nothing(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    root = _project(tmp_path, {"app.py": '''from flask import Flask, jsonify


class RecordingFlask(Flask):
    def route(self, rule, **options):
        def keep(func):
            self.rules = (rule, func)
            return func
        return keep


def build_app():
    app = RecordingFlask(__name__)

    @app.route("/never")
    def never():
        return jsonify(ok=False)

    return app
'''})
    assert _rows(capsys, root) == []
