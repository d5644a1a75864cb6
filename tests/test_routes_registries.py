"""Routes registered through project indirections (fixtures/routes/drf_registry,
django_url_helper, flask_endpoint_factory): what each one registers, where, and the near
misses that register nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backendreview.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "routes"


def _rows(project: str, capsys: pytest.CaptureFixture[str],
          monkeypatch: pytest.MonkeyPatch) -> dict[tuple[str, str], dict[str, object]]:
    monkeypatch.chdir(FIXTURES / project)
    assert main(["routes", ".", "--format", "json", "--jobs", "1"]) == 0
    return {(m, r["path"]): r for r in json.loads(capsys.readouterr().out)
            for m in r["methods"]}


def test_registry_populators_sit_below_the_router_that_calls_them(capsys, monkeypatch):
    rows = _rows("drf_registry", capsys, monkeypatch)
    # Named in provides, called by AutoRouter.populate(): below api/ (config.urls).
    assert rows[("POST", "/api/catalog/products/{pk}/add-media/")]["handler"] == \
        "ProductViewSet.add_media"
    assert rows[("GET", "/api/catalog/tags/{slug}/")]["handler"] == "TagViewSet"
    # `__name__ + ".api:populate_billing_api"` in billing/__init__.py.
    assert ("GET", "/api/billing/invoices/") in rows
    # A populator nothing calls keeps its viewset's routes, below {?}.
    assert rows[("PUT", "{?}/plugins/hooks/{pk}/")]["prefix_known"] is False
    # `registry.register("order_created", OrderCreatedHandler)`: a parameter, no router.
    assert not [p for _, p in rows if "order_created" in p]


def test_url_helper_routes_and_their_auth(capsys, monkeypatch):
    rows = _rows("django_url_helper", capsys, monkeypatch)
    assert rows[("GET", "/sa/")]["auth"] == ["admin_url(require_authentication=True)"]
    # require_authentication=False at the call: no auth.
    assert rows[("POST", "/sa/login/")]["auth"] == []
    # A dotted view through shop/admin/views/__init__.py; the module's get_urls() is
    # mounted by nothing the code shows.
    assert rows[("POST", "{?}/orders/(?P<pk>\\d+)/delete/")]["handler"] == "OrderDeleteView"
    # menu_entry() builds no URL pattern: its list item is no route.
    assert len(rows) == 6


def test_endpoint_factory_paths_from_the_function_name(capsys, monkeypatch):
    rows = _rows("flask_endpoint_factory", capsys, monkeypatch)
    assert rows[("GET", "/<bfile>/api/changed")]["handler"] == "get_changed"
    assert rows[("DELETE", "/<bfile>/api/document")]["handler"] == "delete_document"
    assert rows[("GET", "/<bfile>/api/errors")]["handler"] == "get_errors"  # applied by a call
    # A path looked up at run time: {?}, and the method is not guessed.
    assert rows[("ANY", "/<bfile>/api/{?}")]["handler"] == "get_ping"
    # A one-parameter blueprint builder is no decorator factory: its nested handler stays.
    assert rows[("GET", "{?}/settings")]["handler"] == "settings_page"
    # Neither the factories' inner `_wrapper` nor @traced (registers nothing) is a route.
    assert {r["handler"] for r in rows.values()} == {
        "get_changed", "get_errors", "put_source", "delete_document", "get_ping",
        "settings_page"}
