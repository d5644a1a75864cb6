"""Routes a project decorator only marks (`@webmethod(route=..., method=...)` setting
`__webmethod__`), mounted by a function that reads the mark in a loop over the classes of a
table it calls for, under the prefix its f-string writes (frameworks/marked_routes)."""

from __future__ import annotations

from .projects import app_package as _project
from .projects import route_rows

SCHEMA = '''class WebMethod:
    def __init__(self, route=None, method=None):
        self.route = route
        self.method = method


def webmethod(route=None, method=None, public=False):
    def wrap(func):
        func.__webmethod__ = WebMethod(route=route, method=method)
        return func

    return wrap


def schedule(route=None, method=None):
    """Marks a job: nothing reads `__schedule__` to mount it."""
    def wrap(func):
        func.__schedule__ = WebMethod(route=route, method=method)
        return func

    return wrap
'''

APIS = '''from typing import Protocol

from app.schema import schedule, webmethod


class AgentsBase(Protocol):
    @webmethod(route="/agents", method="GET")
    async def list_agents(self): ...


class Agents(AgentsBase, Protocol):
    @webmethod(route="/agents/{agent_id}/session", method="POST")
    async def create_session(self, agent_id: str): ...

    @webmethod(route="/agents/{agent_id}/session/{session_id}", method="delete")
    async def delete_session(self, agent_id: str, session_id: str): ...

    @webmethod(route="/agents/{agent_id}/guess")
    async def no_method(self, agent_id: str): ...


class Batch(Protocol):
    @webmethod(route="/batch/run", method="POST")
    async def run(self): ...


class Jobs(Protocol):
    @schedule(route="/nightly", method="GET")
    async def nightly(self): ...


class AgentsImpl:
    @webmethod(route="/agents/extra", method="GET")
    async def extra(self): ...
'''

SERVER = '''import inspect

from starlette.routing import Route

from app.apis import Agents, Jobs
from app.version import API_VERSION


def protocol_map():
    return {"agents": Agents, "jobs": Jobs}


def all_routes():
    routes = []
    for api, protocol in protocol_map().items():
        for name, method in inspect.getmembers(protocol, predicate=inspect.isfunction):
            if not hasattr(method, "__webmethod__"):
                continue
            webmethod = method.__webmethod__
            path = f"/{API_VERSION}/{webmethod.route.lstrip('/')}"
            routes.append(Route(path=path, methods=[webmethod.method], name=name))
    return routes
'''


def test_marked_methods_of_the_walked_classes(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    # Agents (and AgentsBase, whose methods it inherits) are in the table the reader walks;
    # Batch is a Protocol the reader never walks; AgentsImpl repeats the decorator on an
    # implementation; Jobs' mark is read by nothing; `no_method` fixes no method.
    root = _project(tmp_path, {"schema.py": SCHEMA, "apis.py": APIS, "server.py": SERVER,
                               "version.py": 'API_VERSION = "v1"\n'})
    assert sorted(route_rows(capsys, root)) == [
        ("DELETE", "/v1/agents/{agent_id}/session/{session_id}", "delete_session"),
        ("GET", "/v1/agents", "list_agents"),
        ("POST", "/v1/agents/{agent_id}/session", "create_session")]


def test_without_a_table_the_protocols(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    # The reader walks classes it gets some other way: every Protocol's marked methods, not
    # an implementation's; an unresolvable prefix part stays unknown.
    server = SERVER.replace("protocol_map().items()", "registry.items()").replace(
        "from app.version import API_VERSION", "from app.version import API_VERSION\n"
        "registry = {}").replace("{API_VERSION}", "{api}")
    root = _project(tmp_path, {"schema.py": SCHEMA, "apis.py": APIS, "server.py": server,
                               "version.py": 'API_VERSION = "v1"\n'})
    assert sorted(route_rows(capsys, root)) == [
        ("DELETE", "{?}/agents/{agent_id}/session/{session_id}", "delete_session"),
        ("GET", "{?}/agents", "list_agents"),
        ("POST", "{?}/agents/{agent_id}/session", "create_session"),
        ("POST", "{?}/batch/run", "run")]


CLIENT = '''import inspect

import httpx

from app.apis import Agents
from app.version import API_VERSION


def client_for(protocol, base_url):
    urls = {}
    for name, method in inspect.getmembers(protocol):
        if hasattr(method, "__webmethod__"):
            urls[name] = f"{base_url}/{API_VERSION}/{method.__webmethod__.route.lstrip('/')}"
    return httpx.AsyncClient(), urls
'''


def test_no_reader_no_routes(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    # The same decorators with no server reading `__webmethod__` (a client builds request
    # URLs from it): nothing is mounted.
    root = _project(tmp_path, {"schema.py": SCHEMA, "apis.py": APIS, "client.py": CLIENT,
                               "version.py": 'API_VERSION = "v1"\n'})
    assert route_rows(capsys, root) == []
