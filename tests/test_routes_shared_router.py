"""A DRF router shared across modules (fixtures/routes/drf_shared_router): one dynamic-rest
router built in hub/api/urls.py, mounted once at `api/v2/`, filled by every app's
api/urls.py that imports it (modules that import no framework themselves)."""

from __future__ import annotations

import json
from pathlib import Path

from backendreview.cli import main

PROJECT = Path(__file__).resolve().parents[1] / "fixtures" / "routes" / "drf_shared_router"


def _rows(capsys, monkeypatch) -> set[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(PROJECT)
    assert main(["routes", ".", "--format", "json", "--jobs", "1"]) == 0
    routes = json.loads(capsys.readouterr().out)
    return {(m, r["path"], r["handler"]) for r in routes for m in r["methods"]}


def test_registrations_from_importing_modules_sit_below_the_mount(capsys, monkeypatch
                                                                    ) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(capsys, monkeypatch)
    # A dynamic-rest DynamicModelViewSet serves what DRF's ModelViewSet serves.
    assert ("GET", "/api/v2/places/", "PlaceViewSet") in rows
    assert ("DELETE", "/api/v2/places/{pk}/", "PlaceViewSet") in rows
    assert ("POST", "/api/v2/places/{pk}/archive/", "PlaceViewSet.archive") in rows
    assert ("GET", "/api/v2/regions/", "RegionViewSet") in rows
    assert ("GET", "/api/v2/users/{pk}/", "UserViewSet") in rows


def test_near_misses_stay_out(capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    paths = {path for _, path, _ in _rows(capsys, monkeypatch)}
    # A test module registering on the shared router: no urlconf imports it.
    assert not any("test-regions" in p for p in paths)
    # A name the router module does not define (`api_router`): unresolvable, left out.
    assert not any("ghosts" in p for p in paths)
    # `registry.register(...)` on a project object that is not a router.
    assert ("GET", "/api/v2/users/", "UserViewSet") in _rows(capsys, monkeypatch)
    assert sum(p.startswith("/api/v2/users") for p in paths) == 2


def test_patterns_added_in_app_ready_belong_to_the_imported_urlconf(capsys, monkeypatch
                                                                    ) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(capsys, monkeypatch)
    # `urlpatterns += [re_path("^api/v2/", include("audit.api.urls"))]` in AuditConfig.ready,
    # whose urls module imports only its project router class and views.
    assert ("GET", "/api/v2/audit-events/", "AuditEventViewSet") in rows
    assert ("GET", "/api/v2/audit-events/{pk}/", "AuditEventViewSet") in rows
    # `urlpatterns.append(path(...))` on the imported list.
    assert ("ANY", "/reports/summary/", "summary") in rows


def test_a_local_list_of_the_same_name_is_not_the_urlconf(capsys, monkeypatch
                                                          ) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(capsys, monkeypatch)
    assert ("ANY", "/reports/hidden/", "hidden") not in rows
    assert ("ANY", "{?}/reports/hidden/", "hidden") in rows
