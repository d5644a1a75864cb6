"""werkzeug's DispatcherMiddleware in Flask's own idiom, `app.wsgi_app =
DispatcherMiddleware(app.wsgi_app, {"/v2": v2})`: the mounted app's routes sit below the
key on the app whose WSGI callable is wrapped, not below `{?}`."""

from __future__ import annotations

import json
from pathlib import Path

from backendreview.cli import main

from .projects import app_package

SERVER = '''from flask import Flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from app.v2 import v2

app = Flask(__name__)


@app.route("/versions")
def versions():
    return {"versions": ["v2"]}


app.wsgi_app = DispatcherMiddleware(app.wsgi_app, {"/v2": v2})
'''

V2 = '''from flask import Flask

v2 = Flask(__name__)


@v2.route("/reports")
def reports():
    return []
'''


def _rows(capsys, root: Path) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    code = main(["routes", str(root), "--format", "json", "--jobs", "1"])
    out = capsys.readouterr()
    assert code == 0, out.err
    return sorted((",".join(r["methods"]), r["path"], r["handler"])
                  for r in json.loads(out.out))


def test_wrapped_wsgi_app_mounts_below_the_key(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(capsys, app_package(tmp_path, {"server.py": SERVER, "v2.py": V2}))
    assert rows == [("GET", "/v2/reports", "reports"), ("GET", "/versions", "versions")]
