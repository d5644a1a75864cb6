"""django-tastypie APIs (fixtures/routes/tastypie): `Api(api_name=...)`, `api.register(
Resource())`, mounted with `include(api.urls)`: list, schema and detail rows per resource,
methods and auth from the resource's Meta (or the plain class that Meta derives from)."""

from __future__ import annotations

import json
from pathlib import Path

from backendreview.cli import main

PROJECT = Path(__file__).resolve().parents[1] / "fixtures" / "routes" / "tastypie"


def _routes(capsys, monkeypatch) -> list[dict]:  # type: ignore[no-untyped-def,type-arg]
    monkeypatch.chdir(PROJECT)
    assert main(["routes", ".", "--format", "json", "--jobs", "1"]) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def _row(routes: list[dict], method: str, path: str) -> dict:  # type: ignore[type-arg]
    found = [r for r in routes if method in r["methods"] and r["path"] == path]
    assert len(found) == 1, (method, path, [(r["methods"], r["path"]) for r in routes])
    return found[0]


def test_meta_methods_name_and_auth(capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    routes = _routes(capsys, monkeypatch)
    notes = _row(routes, "POST", "/api/notes/")
    assert notes["handler"] == "NoteResource" and notes["framework"] == "tastypie"
    assert notes["methods"] == ["GET", "POST"]  # Meta.list_allowed_methods
    assert _row(routes, "DELETE", "/api/notes/{pk}/")["methods"] == ["GET", "PUT", "DELETE"]
    # authentication from the Meta, authorization from the class the Meta derives from
    assert notes["auth"] == ["Meta.authentication = ApiKeyAuthentication",
                             "Meta.authorization = OwnerAuthorization"]
    assert notes["pagination"] == [
        "tastypie Paginator (limit; max_limit=None: limit=0 returns every row)"]
    assert _row(routes, "GET", "/api/notes/schema/")["handler"] == "NoteResource"


def test_defaults(capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    routes = _routes(capsys, monkeypatch)
    # resource_name from the class name; every method; reads public (Authentication()).
    reads = _row(routes, "GET", "/api/tag/")
    assert reads["methods"] == ["GET"] and reads["auth"] == []
    assert reads["pagination"] == ["tastypie Paginator (limit; max_limit=100)"]
    writes = _row(routes, "DELETE", "/api/tag/{pk}/")
    assert writes["methods"] == ["POST", "PUT", "DELETE", "PATCH"]
    assert writes["auth"] == [
        "tastypie ReadOnlyAuthorization (Meta.authorization default): refuses writes"]


def test_near_misses(capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    paths = {r["path"] for r in _routes(capsys, monkeypatch)}
    # An Api no urlconf includes (`v9`), and a registration on a non-Api registry.
    assert not any("v9" in p for p in paths)
    assert paths == {"/api/notes/", "/api/notes/schema/", "/api/notes/{pk}/", "/api/tag/",
                     "/api/tag/schema/", "/api/tag/{pk}/"}
