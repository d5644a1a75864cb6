"""werkzeug's DispatcherMiddleware in Flask's own idiom, `app.wsgi_app =
DispatcherMiddleware(app.wsgi_app, {"/v2": v2})`: the mounted app's routes sit below the
key on the app whose WSGI callable is wrapped, not below `{?}`."""

from __future__ import annotations

from .projects import app_package, route_rows

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


def test_wrapped_wsgi_app_mounts_below_the_key(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    rows = sorted(route_rows(capsys, app_package(tmp_path, {"server.py": SERVER,
                                                            "v2.py": V2})))
    assert rows == [("GET", "/v2/reports", "reports"), ("GET", "/versions", "versions")]
