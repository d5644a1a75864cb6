"""Route paths and prefixes written with module constants of other modules (issue 10, issue 9
item 1; ethyca-fides' `@router.get(urls.CONFIG)` with `urls` its urn_registry): followed
through the exact import, re-exports, concatenation, f-strings and `.format`, and constants
built of others (frameworks/path_constants). The multi-file project with its full table is
fixtures/routes/constant_paths; these cases pin single behaviours, positive and near miss."""

from __future__ import annotations

import json
from pathlib import Path

from backendreview.cli import main

from .projects import app_package as _project

URLS = '''V1 = "/api/v1"
CONFIG = "/config"
CONNECTION_BY_KEY = "/connection" + "/{connection_key}"
DATASET = f"{CONNECTION_BY_KEY}/dataset"
SECRET = "{}/secret".format(CONNECTION_BY_KEY)
'''

SCOPES = '''CONFIG = "config"
'''


def _routes(capsys, root: Path) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    code = main(["routes", str(root), "--format", "json", "--jobs", "1"])
    out = capsys.readouterr()
    assert code in (0, 1), out.err
    return sorted((",".join(r["methods"]), r["path"], r["handler"])
                  for r in json.loads(out.out))


def _findings(capsys, root: Path, rule: str, monkeypatch) -> list[tuple[str, int, str]]:  # type: ignore[no-untyped-def]
    # Reviewed from the project root: pytest's tmp_path (`test_.../`) reads as a test path.
    monkeypatch.chdir(root)
    code = main(["check", ".", "--format", "json", "--jobs", "1", "--select", rule])
    out = capsys.readouterr()
    assert code in (0, 1), out.err
    return [(f["path"], f["start_line"], f["message"]) for f in json.loads(out.out)["findings"]]


def _endpoint(imports: str, path: str, prefix: str = "urls.V1") -> str:
    return (f"from fastapi import APIRouter, FastAPI\n{imports}\n\n"
            f"app = FastAPI()\nrouter = APIRouter(prefix={prefix})\n\n\n"
            f"@router.get({path})\nasync def handler():\n    return {{}}\n\n\n"
            f"app.include_router(router)\n")


def test_attribute_of_an_imported_module_follows_that_import(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    # Both imported modules define CONFIG: the one the path is read off counts.
    main_py = _endpoint("from app import scopes\nfrom app import urls", "urls.CONFIG")
    root = _project(tmp_path, {"urls.py": URLS, "scopes.py": SCOPES, "main.py": main_py})
    assert _routes(capsys, root) == [("GET", "/api/v1/config", "handler")]


def test_constants_built_of_others_concatenation_fstring_format(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    main_py = _endpoint("from app import urls\nfrom app.urls import DATASET, SECRET",
                        "urls.CONNECTION_BY_KEY + '/x'")
    main_py += ("\n\n@router.get(DATASET)\nasync def dataset():\n    return {}\n\n\n"
                "@router.put(f'{SECRET}/{{version}}')\nasync def secret():\n    return {}\n")
    root = _project(tmp_path, {"urls.py": URLS, "main.py": main_py})
    assert _routes(capsys, root) == [
        ("GET", "/api/v1/connection/{connection_key}/dataset", "dataset"),
        ("GET", "/api/v1/connection/{connection_key}/x", "handler"),
        ("PUT", "/api/v1/connection/{connection_key}/secret/{version}", "secret")]


def test_reexported_through_a_package_init(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    root = _project(tmp_path, {"main.py": _endpoint("from app.common import V1, CONFIG",
                                                    "CONFIG", prefix="V1")})
    common = root / "app" / "common"
    common.mkdir()
    (common / "registry.py").write_text(URLS, encoding="utf-8")
    (common / "__init__.py").write_text("from .registry import *  # noqa: F403\n"
                                        "from .registry import V1\n", encoding="utf-8")
    assert _routes(capsys, root) == [("GET", "/api/v1/config", "handler")]


def test_constant_built_across_modules(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    # `DETAIL = urls.CONNECTION_BY_KEY + "/detail"` in another module: filled there in turn.
    detail = 'from app import urls\n\nDETAIL = urls.CONNECTION_BY_KEY + "/detail"\n'
    main_py = _endpoint("from app import urls\nfrom app.detail import DETAIL", "DETAIL")
    root = _project(tmp_path, {"urls.py": URLS, "detail.py": detail, "main.py": main_py})
    assert _routes(capsys, root) == [
        ("GET", "/api/v1/connection/{connection_key}/detail", "handler")]


def test_rebound_computed_and_outside_names_stay_unknown(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    urls = URLS + ('REBOUND = "/rebound"\nLOWER = CONFIG.lower()\n\n\n'
                   'def configure(path):\n    global REBOUND\n    REBOUND = path\n')
    main_py = _endpoint("from app import urls\nfrom starlette import config as lib",
                        "urls.REBOUND")
    main_py += ("\n\n@router.get(urls.LOWER)\nasync def lower():\n    return {}\n\n\n"
                "@router.get(lib.ROOT + '/x')\nasync def outside():\n    return {}\n\n\n"
                "@router.get(urls.CONFIG + suffix())\nasync def called():\n    return {}\n\n\n"
                "def suffix():\n    return '/s'\n")
    root = _project(tmp_path, {"urls.py": urls, "main.py": main_py})
    assert _routes(capsys, root) == [
        ("GET", "/api/v1/{?}", "called"),
        ("GET", "/api/v1/{LOWER}", "lower"),
        ("GET", "/api/v1/{REBOUND}", "handler"),
        ("GET", "/api/v1/{ROOT}/x", "outside")]


def test_imported_name_shadowed_by_a_parameter(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    # `urls` inside register() is its parameter: no module's CONFIG, even though the file
    # imports a module of that name too.
    main_py = _endpoint("from app import urls", "urls.CONFIG")
    main_py += ("\n\ndef register(app, urls):\n    @app.get(urls.CONFIG + '/p')\n"
                "    async def shadowed():\n        return {}\n")
    root = _project(tmp_path, {"urls.py": URLS, "main.py": main_py})
    assert ("GET", "/api/v1/config/p", "shadowed") not in _routes(capsys, root)
    assert not any(r[2] == "shadowed" and "/config" in r[1] for r in _routes(capsys, root))


def test_finding_names_the_resolved_path(tmp_path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    main_py = _endpoint("from app import urls", "urls.CONNECTION_BY_KEY")
    root = _project(tmp_path, {"urls.py": URLS, "main.py": main_py})
    assert _findings(capsys, root, "BR301", monkeypatch) == [(
        "app/main.py", 8,
        'route "GET /api/v1/connection/{connection_key}": segment "connection" names a '
        'resource in the singular (a path parameter follows it); use "connections"')]


SETUP = '''from fastapi import FastAPI

from app import items, users

ROUTERS = [items.router, users.router]


def create_app(lifespan=None, routers: list = ROUTERS):
    app = FastAPI(lifespan=lifespan)
    for router in routers:
        app.include_router(router)
    return app
'''

ITEMS = '''from fastapi import APIRouter

router = APIRouter(prefix="/items")


@router.get("")
async def list_items():
    return []
'''


def test_routers_from_a_parameter_default(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    # fides' `create_fides_app(lifespan, routers: List = ROUTERS)`, called without routers.
    users = ITEMS.replace("/items", "/users").replace("list_items", "list_users")
    main_py = "from app.setup import create_app\n\napp = create_app(lifespan=None)\n"
    root = _project(tmp_path, {"setup.py": SETUP, "items.py": ITEMS, "users.py": users,
                               "main.py": main_py})
    assert _routes(capsys, root) == [("GET", "/items", "list_items"),
                                     ("GET", "/users", "list_users")]


def test_routers_passed_or_spread_are_not_the_default(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    users = ITEMS.replace("/items", "/users").replace("list_items", "list_users")
    # Passed by position: those routers, not the default's.
    passed = ("from app import users\nfrom app.setup import create_app\n\n"
              "app = create_app(None, [users.router])\n")
    root = _project(tmp_path, {"setup.py": SETUP, "items.py": ITEMS, "users.py": users,
                               "main.py": passed})
    assert _routes(capsys, root) == [("GET", "{?}/items", "list_items"),
                                     ("GET", "{?}/users", "list_users")]
    # `**options` may pass routers: the default is not known to apply.
    spread = "from app.setup import create_app\n\napp = create_app(**{'lifespan': None})\n"
    (root / "app" / "main.py").write_text(spread, encoding="utf-8")
    assert _routes(capsys, root) == [("GET", "{?}/items", "list_items"),
                                     ("GET", "{?}/users", "list_users")]


SUBCLASS = '''from fastapi import APIRouter as FastAPIRouter


class APIRouter(FastAPIRouter):
    def api_route(self, path, **kwargs):
        return super().api_route(path.rstrip("/"), **kwargs)
'''

COMBINED = '''from app import items
from app.util import APIRouter

api_router = APIRouter()
api_router.include_router(items.router)
'''


def test_include_router_inherited_from_fastapi_by_a_project_subclass(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    # fides' api.py imports only the project's APIRouter (which overrides api_route alone):
    # its include_router is FastAPI's.
    main_py = ("from fastapi import FastAPI\n\nfrom app.api import api_router\n\n"
               "app = FastAPI()\napp.include_router(api_router, prefix='/v1')\n")
    root = _project(tmp_path, {"util.py": SUBCLASS, "api.py": COMBINED, "items.py": ITEMS,
                               "main.py": main_py})
    assert _routes(capsys, root) == [("GET", "/v1/items", "list_items")]


def test_include_router_of_a_subclass_that_is_no_fastapi_router(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    # A Starlette Router has no include_router of its own; an override that only logs
    # includes nothing either.
    main_py = ("from fastapi import FastAPI\n\nfrom app.api import api_router\n\n"
               "app = FastAPI()\napp.include_router(api_router, prefix='/v1')\n")
    starlette = "from starlette.routing import Router\n\n\nclass APIRouter(Router):\n" \
        "    def include_router(self, router):\n        print(router)\n"
    root = _project(tmp_path, {"util.py": starlette, "api.py": COMBINED, "items.py": ITEMS,
                               "main.py": main_py})
    assert _routes(capsys, root) == [("GET", "{?}/items", "list_items")]
    logging = SUBCLASS + "\n    def include_router(self, router, **kwargs):\n" \
        "        print(router)\n"
    (root / "app" / "util.py").write_text(logging, encoding="utf-8")
    assert _routes(capsys, root) == [("GET", "{?}/items", "list_items")]
