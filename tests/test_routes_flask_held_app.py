"""Flask apps the route model reaches through the code that holds them, on the
fixtures/routes/flask_held_app project (vanna's two styles): `@app.route` on a parameter
annotated `Flask`, standing for the apps its callers pass, and `@self.flask_app.route` in a
class that builds the app in `__init__` (and in a subclass that inherits it); and the near
misses that stay unclaimed or unresolved."""

from __future__ import annotations

from pathlib import Path

from tests.projects import route_rows

PROJECT = Path(__file__).resolve().parents[1] / "fixtures" / "routes" / "flask_held_app"


def test_annotated_parameter_stands_for_the_app_its_caller_passes(capsys) -> None:  # type: ignore[no-untyped-def]
    rows = route_rows(capsys, PROJECT)
    # register_chat_routes(app, dict) in Server.create_app, with app = Flask(__name__).
    assert ("POST", "/api/chat", "chat") in rows
    assert ("GET", "/health", "health") in rows
    # No call passes an app to register_orphan: its route's prefix stays unknown.
    assert ("GET", "{?}/orphan", "orphan") in rows


def test_app_held_in_an_instance_attribute(capsys) -> None:  # type: ignore[no-untyped-def]
    rows = route_rows(capsys, PROJECT)
    assert ("GET", "/api/v0/get_config", "get_config") in rows
    assert ("POST", "/api/v0/train", "train") in rows
    # LegacyApp(LegacyAPI) declares its route on the app its base built.
    assert ("GET", "/auth/logout", "logout") in rows


def test_attributes_that_hold_no_app_give_no_route(capsys) -> None:  # type: ignore[no-untyped-def]
    paths = [path for _, path, _ in route_rows(capsys, PROJECT)]
    # A Cache object, an app-or-argument, a base holding no app, a base holding none there.
    for absent in ("/not-a-route", "/either", "/derived", "/from-server"):
        assert not any(p.endswith(absent) for p in paths), absent
    assert len(paths) == 6
