"""Blueprints registered on a Flask app held in an instance attribute
(`self.app.register_blueprint(bp, url_prefix=...)`, the attribute assigned only
`Flask(...)`), on fixtures/routes/flask_held_blueprints; attributes holding something else,
or an app or the caller's argument, mount nothing."""

from __future__ import annotations

from pathlib import Path

from tests.projects import route_rows

HELD = Path(__file__).resolve().parents[1] / "fixtures" / "routes" / "flask_held_blueprints"


def test_blueprints_registered_on_an_app_held_in_an_attribute(capsys) -> None:  # type: ignore[no-untyped-def]
    rows = route_rows(capsys, HELD)
    assert ("GET", "/api/v1/items", "items") in rows
    assert ("POST", "/api/v1/items", "create_item") in rows
    assert ("POST", "/ping", "ping") in rows  # registered without url_prefix=


def test_attributes_that_hold_no_app_mount_nothing(capsys) -> None:  # type: ignore[no-untyped-def]
    rows = route_rows(capsys, HELD)
    # `self.registry = make_registry()`; `self.app = app or Flask(...)`.
    assert ("GET", "{?}/panel", "panel") in rows
    assert ("GET", "{?}/thing", "thing") in rows
    assert len(rows) == 5
