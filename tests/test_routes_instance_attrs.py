"""Routers held in instance attributes (`self.router = APIRouter()` in a class's
`__init__`, routes declared on `self.router` in its methods, `include_router(obj.router)`
with obj an instance of the class), on the fixtures/routes/fastapi_instance_router project,
and the near misses that stay unresolved."""

from __future__ import annotations

import json
from pathlib import Path

from backendreview.cli import main

PROJECT = Path(__file__).resolve().parents[1] / "fixtures" / "routes" / "fastapi_instance_router"


def _rows(capsys) -> list[tuple[str, str, str, tuple[str, ...]]]:  # type: ignore[no-untyped-def]
    code = main(["routes", str(PROJECT), "--format", "json", "--jobs", "1"])
    out = capsys.readouterr()
    assert code == 0, out.err
    return [(",".join(r["methods"]), r["path"], r["handler"], tuple(r["auth"]))
            for r in json.loads(out.out)]


def test_router_built_in_init_is_included_through_an_instance(capsys) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(capsys)
    # add_api_route(path, self.method) in __init__: the class's method is the handler.
    assert ("POST", "/tracking/{client_uri}/get-resource/", "TrackingRouter.get_resource",
            ()) in rows
    assert ("DELETE", "/tracking/{client_uri}/release/{handle}/", "TrackingRouter.release",
            ()) in rows


def test_routes_nested_in_a_method_follow_an_instance_built_in_place(capsys) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(capsys)
    # `include_router(OllamaAPI(rag).router, prefix="/api")`, routes declared in setup_routes.
    assert ("GET", "/api/version", "get_version", ("svc.security.api_key_auth",)) in rows
    assert ("POST", "/api/chat", "chat", ("svc.security.api_key_auth",)) in rows


def test_subclass_objects_hold_the_router_their_base_builds(capsys) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(capsys)
    # ExtendedTracking(TrackingRouter): the base's routes below the subclass object's
    # prefix, and the subclass's own route on the same router, not on the base's objects.
    assert ("POST", "/ext/{client_uri}/get-resource/", "TrackingRouter.get_resource",
            ()) in rows
    assert ("GET", "/ext/{client_uri}/extra/", "ExtendedTracking.extra", ()) in rows
    assert not any(path.startswith("/tracking") and path.endswith("/extra/")
                   for _, path, _, _ in rows)


def test_near_misses_stay_unresolved(capsys) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(capsys)
    paths = [path for _, path, _, _ in rows]
    # A router of a class whose objects nothing includes: its prefix is unknown.
    assert ("GET", "{?}/orphan", "orphan", ()) in rows
    # `self.router` rebound to a factory's result: not claimed as the APIRouter's route.
    assert not any("rebound" in p for p in paths)
    # `plain.router` of a class holding no router (nor its subclass's), and `api.router` of
    # a parameter: the tracking / ollama routes are not repeated below their prefixes.
    assert not any(p.startswith(("/plain", "/dynamic", "/child")) for p in paths)
    assert len(rows) == 8
