"""FastAPI / Starlette routes and auth the route model used to miss (issue 10, routes15a):
auth declared for a whole app or router by a dependency whose code refuses the caller, an app
held in an instance attribute and handed to a method, app-wide middleware auth known by what
its dispatch does, a project subclass of Starlette's Router with decorator methods, and
routes registered in a loop over a table a function returns; with their near misses."""

from __future__ import annotations

import json
from pathlib import Path

from backendreview.cli import main

ROUTES = Path(__file__).resolve().parents[1] / "fixtures" / "routes"


def _rows(capsys, project: str | Path) -> list[tuple[str, str, str, tuple[str, ...]]]:  # type: ignore[no-untyped-def]
    code = main(["routes", str(project), "--format", "json", "--jobs", "1"])
    out = capsys.readouterr()
    assert code == 0, out.err
    return [(",".join(r["methods"]), r["path"], r["handler"], tuple(r["auth"]))
            for r in json.loads(out.out)]


def test_include_router_dependency_that_refuses_authenticates(capsys) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(capsys, ROUTES / "fastapi_app_level")
    guard = ("basic_or_token (refuses unauthenticated callers)",)
    # The app is `self.app` of ApiServer, handed to configure_app(self.app): the root.
    assert ("GET", "/api/v1/items", "list_items", guard) in rows
    assert ("DELETE", "/api/v1/items/{item_id}", "delete_item", guard) in rows
    assert ("POST", "/api/v1/token/login", "token_login", ()) in rows


def test_dependencies_that_do_not_authenticate_are_no_auth(capsys) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(capsys, ROUTES / "fastapi_app_level")
    # A 403 when the bot is not trading (whoever calls), a dependency that only reads.
    assert ("POST", "/api/v1/trades", "create_trade", ()) in rows
    assert ("GET", "/api/v1/ping", "ping", ()) in rows
    # FastAPI(dependencies=[Depends(log_request)]): logging only.
    assert ("GET", "/docs/pages", "list_pages", ()) in rows


def test_app_level_dependency_authenticates_its_routers(capsys) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(capsys, ROUTES / "fastapi_app_level")
    assert ("GET", "/registry/entities", "list_entities",
            ("inject_user_details (refuses unauthenticated callers)",)) in rows


def test_routes_of_an_app_held_in_an_instance_attribute(capsys) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(capsys, ROUTES / "fastapi_app_level")
    assert ("POST", "/controller/sync", "sync", ()) in rows
    assert ("GET", "/controller/stream", "stream", ()) in rows  # @self._app.websocket
    assert ("GET,POST", "/{path:path}", "Controller._proxy", ()) in rows


def test_router_subclass_decorator_methods_register(capsys) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(capsys, ROUTES / "starlette_router_subclass")
    assert ("POST", "/app/auth/login", "login_submit", ()) in rows
    assert ("GET", "/app/auth/logout", "logout",
            ("starlette.authentication.requires",)) in rows
    assert ("GET", "/app/api/kernel/ws", "stream", ()) in rows


def test_router_subclass_near_misses_register_nothing(capsys) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(capsys, ROUTES / "starlette_router_subclass")
    handlers = {handler for _, _, handler, _ in rows}
    assert "helper" not in handlers  # @router.tag(...) only marks the function
    assert "on_created" not in handlers  # EventBus has the shape but is no Router
    assert len(rows) == 5


def test_loop_over_a_returned_table_gives_one_route_per_row(capsys) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(capsys, ROUTES / "starlette_looped")
    paths = sorted(path for _, path, _, _ in rows)
    assert paths == ["/reverse", "/reverse.php", "/search", "/search.php", "/status",
                     "/status.php", "{?}"]  # the table extended at run time stays unknown


def _middleware_app(tmp_path: Path, dispatch: str) -> Path:
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "__init__.py").write_text("")
    (tmp_path / "svc" / "server.py").write_text(
        "from fastapi import FastAPI\n"
        "from fastapi.responses import JSONResponse\n"
        "from starlette.middleware.base import BaseHTTPMiddleware\n\n\n"
        "def _deny(request, text):\n"
        "    return JSONResponse(status_code=401, content={'detail': text})\n\n\n"
        "class GateMiddleware(BaseHTTPMiddleware):\n"
        "    async def dispatch(self, request, call_next):\n"
        f"{dispatch}\n\n\n"
        "app = FastAPI()\n"
        "app.add_middleware(GateMiddleware)\n\n\n"
        "@app.post('/jobs')\n"
        "def create_job():\n"
        "    return {}\n")
    return tmp_path


def test_middleware_that_refuses_requests_without_credentials(capsys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    project = _middleware_app(tmp_path, (
        "        if request.url.path.startswith('/health'):\n"
        "            return await call_next(request)\n"
        "        header = request.headers.get('authorization')\n"
        "        if not header:\n"
        "            return _deny(request, 'Authentication required')\n"
        "        return await call_next(request)"))
    assert _rows(capsys, project) == [
        ("POST", "/jobs", "create_job",
         ("GateMiddleware (middleware: refuses requests without credentials)",))]


def test_middleware_that_lets_requests_without_credentials_through(capsys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    project = _middleware_app(tmp_path, (
        "        header = request.headers.get('authorization')\n"
        "        if header is None:\n"
        "            return await call_next(request)\n"
        "        if not header.startswith('Bearer '):\n"
        "            return _deny(request, 'Invalid authentication method')\n"
        "        return await call_next(request)"))
    assert _rows(capsys, project) == [("POST", "/jobs", "create_job", ())]


def test_middleware_that_only_logs_is_no_auth(capsys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    project = _middleware_app(tmp_path, (
        "        print(request.headers.get('user-agent'))\n"
        "        return await call_next(request)"))
    assert _rows(capsys, project) == [("POST", "/jobs", "create_job", ())]
