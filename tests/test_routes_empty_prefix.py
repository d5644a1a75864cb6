"""A router written with the empty prefix sits at the root: known, not `{?}`. (The ninth
session's prefix reading took `""` for "no text" and fell through to the parameter reading.)"""

from __future__ import annotations

from .projects import app_package, route_rows

ROUTERS = '''from fastapi import APIRouter, FastAPI
from starlette.routing import Router

api = FastAPI()
items = APIRouter(prefix="")
nested = APIRouter(prefix="/v1")


@items.get("/items")
def list_items():
    return []


@nested.get("/things")
def list_things():
    return []


api.include_router(items)
api.include_router(nested)
'''


def test_an_empty_router_prefix_is_the_root(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    rows = sorted(route_rows(capsys, app_package(tmp_path, {"routers.py": ROUTERS})))
    assert rows == [("GET", "/items", "list_items"), ("GET", "/v1/things", "list_things")]
