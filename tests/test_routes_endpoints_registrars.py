"""Registration styles of the eleventh draw, checked row by row on their fixture projects:
Starlette endpoint classes mounted as applications (and the ASGI apps, plain classes and
non-app `add_route` calls that are no routes), and Django views registered by a project
class decorator whose body appends `re_path(view.url_regex, view.as_view())` to a list (and
the decorators that only look like one)."""

from __future__ import annotations

import json
from pathlib import Path

from backendreview.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "routes"


def _rows(capsys, monkeypatch, project: str) -> set[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(FIXTURES / project)
    code = main(["routes", ".", "--format", "json", "--jobs", "1"])
    out = capsys.readouterr()
    assert code == 0, out.err
    return {(",".join(r["methods"]), r["path"], r["handler"]) for r in json.loads(out.out)}


def test_mounted_http_endpoint_serves_its_methods(capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(capsys, monkeypatch, "starlette_endpoints")
    assert ("GET", "/v1/status", "StatusEndpoint.get") in rows  # Mount(path, Endpoint)
    assert ("POST", "/v1/submit", "SubmissionEndpoint.post") in rows  # Mount(path, app=...)
    assert ("DELETE", "/v1/submit", "SubmissionEndpoint.delete") in rows
    # Route(path, endpoint=Class) in a list concatenated into the app's routes.
    assert ("PUT", "/items/{item_id:int}", "ItemEndpoint.put") in rows
    assert ("GET", "/items", "list_items") in rows  # a plain function endpoint: GET
    assert ("POST", "/v1/late", "late") in rows  # app.add_route
    assert ("PUT", "/v1/late/{late_id:int}", "late") in rows  # routes += [Route(...)]
    assert ("GET", "/admin/", "admin_home") in rows  # Mount(path, router) positionally
    assert ("GET", "/ping", "admin_home") in rows  # Host(...) keeps the app's paths


def test_mounted_non_endpoints_are_no_routes(capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(capsys, monkeypatch, "starlette_endpoints")
    paths = {path for _, path, _ in rows}
    # A plain ASGI class, an ASGI function, an instance and StaticFiles mounted; a registry
    # object's add_route(): none serves a route of its own.
    for path in ("/wrapped", "/raw", "/timed", "/static", "/not-http"):
        assert not any(p.startswith(path) for p in paths), path
    # A list of routes never handed to an app: not at a known path.
    assert ("GET", "{?}/legacy/status", "StatusEndpoint.get") in rows
    assert not any(p == "/legacy/status" for p in paths)


def test_graphql_mount_in_the_apps_routes_list_is_at_the_root(capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(capsys, monkeypatch, "starlette_endpoints")
    assert ("QUERY", "/graphql hello", "resolve_hello") in rows


def test_class_decorator_registrar(capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(capsys, monkeypatch, "django_registrar")
    assert ("POST", "/api/network/floatingip/", "FloatingIP.post") in rows
    assert ("GET", "/api/network/floatingips/", "FloatingIPs.get") in rows
    # Imported by name (`from api.rest.urls import register`), a regex with groups.
    assert ("DELETE", "/api/storage/containers/(?P<container>[^/]+)/object/"
            "(?P<object_name>.+)", "Object.delete") in rows
    # The attribute written as literals joined with `+`.
    assert ("GET", "/api/storage/containers/(?P<container>[^/]+)/metadata/",
            "Containers.get") in rows
    # A registrar with a literal path; a class without the attribute: {?}.
    assert ("GET", "/api/fixed/", "Fixed.get") in rows
    assert ("GET", "/api/{?}", "Ports.get") in rows


def test_decorators_that_register_nothing(capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(capsys, monkeypatch, "django_registrar")
    handlers = {handler for _, _, handler in rows}
    # @urls.tag keeps the class in a list but builds no pattern; @urls.pattern_for returns
    # the pattern, not the class; @rest_utils.cached registers nothing; no decorator at all.
    for name in ("Tagged", "Patterned", "Cached", "Undecorated"):
        assert not any(h.split(".")[0] == name for h in handlers), name


def test_percent_over_module_constant(capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(capsys, monkeypatch, "django_registrar")
    assert ("GET", "/instances/(?P<instance_id>[^/]+)/detail", "DetailView.get") in rows
    assert ("ANY", "/instances/(?P<instance_id>[^/]+)/console", "console") in rows
    # A template imported from another module, filled in the project phase.
    assert ("GET", "/instances/(?P<instance_id>[^/]+)/(?P<keypair_name>[^/]+)/"
            "decryptpassword", "DecryptPasswordView.get") in rows
    # More parts than the imported template takes: unknown, never half-filled.
    assert ("ANY", "/instances/{?}", "console") in rows
    assert not any("%" in path or "\x1f" in path for _, path, _ in rows)
