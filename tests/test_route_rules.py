"""Route rules with options: BR206 scope and project-declared limiters, BR301 allowlist."""

from __future__ import annotations

from backendreview.checks.br502_fixes import PROBE_OPEN
from backendreview.config import Config
from backendreview.engine import finish, review_source
from backendreview.metadata import load_rule_docs

APP = '''
from fastapi import FastAPI

app = FastAPI()


@app.post("/comments")
def add_comment(body: dict):
    return body


@app.post("/auth/login")
@bucket_guard
def login(username: str, password: str):
    return {}


@app.get("/api/v1/inventory/{inventory_id}")
def read(inventory_id: int):
    return {}
'''


def _findings(rules: tuple[str, ...], options: dict[str, dict[str, object]]) -> list[tuple]:
    config = Config(rule_options=tuple(
        (rule, tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in opts.items()))
        for rule, opts in options.items()))
    result = review_source(APP.encode(), "app.py", config, rules)
    run = finish([result], config, rules, load_rule_docs())
    return [(f.rule_id, f.span.start_line, f.severity.value, f.message) for f in run.findings]


def test_br206_write_scope_reports_unauthenticated_writes() -> None:
    found = _findings(("BR206",), {"BR206": {"scope": "write"}})
    assert found == [
        ("BR206", 7, "warning", 'route "POST /comments" (add_comment) is an unauthenticated '
                                "write with no rate limit: nothing bounds how often a client "
                                "can call it"),
        # The login checks nothing it is given: its path is the only evidence, so a note.
        ("BR206", 12, "note", 'route "POST /auth/login" (login) is an authentication endpoint '
                              "with no rate limit: nothing bounds how often a client can call "
                              "it (note: its path or name says authentication, but no password "
                              "or one-time-code check, message sent or account created was "
                              "seen in the code it runs)"),
    ]


def test_br206_default_scope_is_auth_and_declared_limiters_count() -> None:
    assert [f[:2] for f in _findings(("BR206",), {})] == [("BR206", 12)]
    assert _findings(("BR206",), {"BR206": {"limiters": ["bucket_guard"]}}) == []


def test_br301_allow_option_extends_the_allowlist() -> None:
    assert [f[:2] for f in _findings(("BR301",), {})] == [("BR301", 18)]
    assert _findings(("BR301",), {"BR301": {"allow": ["inventory"]}}) == []


ACTIONS = '''
from fastapi import APIRouter, FastAPI

app = FastAPI()
router = APIRouter(prefix="/api/v1/users")


@router.post("/{user_id}/follow")
def follow(user_id: int):
    return {}


app.include_router(router)
'''


def test_br302_action_verb_on_the_full_path_and_the_allow_option() -> None:
    config = Config()
    result = review_source(ACTIONS.encode(), "app.py", config, ("BR302",))
    run = finish([result], config, ("BR302",), load_rule_docs())
    assert [(f.rule_id, f.span.start_line, f.message) for f in run.findings] == [
        ("BR302", 8, 'route "POST /api/v1/users/{user_id}/follow": segment "follow" is a verb '
                     '("follow"); an API route names a resource and lets the method say what '
                     "happens: POST /api/v1/users/{user_id}/followers")]
    allowed = Config(rule_options=(("BR302", (("allow", ("follow",)),)),))
    result = review_source(ACTIONS.encode(), "app.py", allowed, ("BR302",))
    assert finish([result], allowed, ("BR302",), load_rule_docs()).findings == []


GATEWAY = '''
from fastapi import FastAPI

gateway = FastAPI()


@gateway.get("/")
def info():
    return {}
'''
SERVER = '''
from fastapi import APIRouter, FastAPI

router = APIRouter(prefix="/api")


@router.get("/users")
def users():
    return []


@router.get("/runs")
def runs():
    return []


def create_app() -> FastAPI:
    app = FastAPI()
    app.include_router(router)
    return app
'''


def _br502(files: dict[str, str]) -> list[tuple[str, str, int, str]]:
    config = Config()
    results = [review_source(text.encode(), path, config, ("BR502",))
               for path, text in files.items()]
    run = finish(results, config, ("BR502",), load_rule_docs())
    return [(f.rule_id, f.path, f.span.start_line, f.message) for f in run.findings]


def test_br502_reports_the_app_serving_most_routes_with_its_own_count() -> None:
    # Two apps in one project: the message counts the reported app's routes (2), not the
    # project's (3), and names the app that serves the API.
    assert _br502({"gateway.py": GATEWAY, "server.py": SERVER}) == [
        ("BR502", "server.py", 18, "the fastapi app has 2 route(s) but no health-check "
                                   "endpoint (/health, /healthz, /ready)")]
    # A health route on either app of the project: nothing to report.
    with_health = GATEWAY + '\n\n@gateway.get("/healthz")\ndef healthz():\n    return {}\n'
    assert _br502({"gateway.py": with_health, "server.py": SERVER}) == []


FACTORY = """
from fastapi import APIRouter, Depends, FastAPI

router = APIRouter()


@router.get("/projects")
def projects():
    return []


@router.get("/version"{deps})
def version():
    return {{"version": "3.0"}}


def get_application() -> FastAPI:
    application = FastAPI()
    application.include_router(router, prefix="/v3")
    return application
"""


def test_br502_an_open_version_endpoint_is_a_probe_and_the_fix_names_the_app() -> None:
    # GET /v3/version open to anyone already answers a liveness probe.
    assert _br502({"server.py": FACTORY.format(deps="")}) == []
    # Behind a dependency it is no probe: reported, and the example decorates the app the
    # factory names (`application`), not an `app` the module does not have.
    guarded = FACTORY.format(deps=", dependencies=[Depends(get_current_user)]")
    config = Config()
    result = review_source(guarded.encode(), "server.py", config, ("BR502",))
    found = finish([result], config, ("BR502",), load_rule_docs()).findings
    assert [(f.rule_id, f.span.start_line, f.message) for f in found] == [
        ("BR502", 18, "the fastapi app has 2 route(s) but no health-check endpoint "
                      "(/health, /healthz, /ready)")]
    assert found[0].fix is not None
    assert (found[0].fix.suggestion or "").startswith('@application.get("/health")')


def test_br305_a_number_after_the_api_segment_is_a_version() -> None:
    def br305(path: str) -> list[tuple[str, int, str]]:
        source = f'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("{path}")\n' \
                 'def read():\n    return {}\n'
        config = Config()
        result = review_source(source.encode(), "app.py", config, ("BR305",))
        run = finish([result], config, ("BR305",), load_rule_docs())
        return [(f.rule_id, f.span.start_line, f.message) for f in run.findings]

    assert br305("/api/1/users") == []
    # A number elsewhere is an id or a name, not a version.
    assert br305("/datarepair/7272/") == [
        ("BR305", 6, 'no API route carries a version segment (e.g. "GET /datarepair/7272/"); '
                     "version the API under a prefix such as /api/v1")]


MOUNTED = '''
from fastapi import FastAPI

from pkg.auth import auth_app

app = FastAPI()


@app.get("/admin")
def admin():
    return {}


@app.get("/users")
def users():
    return []


app.mount("{prefix}", auth_app)
'''


def _br502_fix(files: dict[str, str]) -> tuple[str, str | None]:
    config = Config()
    results = [review_source(text.encode(), path, config, ("BR502",))
               for path, text in files.items()]
    found = finish(results, config, ("BR502",), load_rule_docs()).findings
    assert len(found) == 1 and found[0].fix is not None
    return found[0].fix.description, found[0].fix.suggestion


def test_br502_fix_goes_before_a_catch_all_mount() -> None:
    # `app.mount("/", ...)` answers every path registered after it: the probe goes before.
    description, code = _br502_fix({"main.py": MOUNTED.replace("{prefix}", "/")})
    assert description.startswith('Add a cheap endpoint that answers 200 OK, registered before '
                                  'the `app.mount("/", ...)` at line 19')
    assert code is not None and code.startswith('@app.get("/health")')
    # Near miss: a mount under its own prefix shadows nothing else.
    description, code = _br502_fix({"main.py": MOUNTED.replace("{prefix}", "/auth")})
    assert description == "Add a cheap endpoint that answers 200 OK." + PROBE_OPEN
    assert code is not None and code.startswith('@app.get("/health")')
    compile(code, "health.py", "exec")  # FastAPI keeps its `.get`


AIOHTTP_API = '''
from aiohttp import web


class ProvisioningAPI:
    def __init__(self) -> None:
        self.app = web.Application()
        self.app.router.add_get("/v1/users", self.users)
        self.app.router.add_post("/v1/login", self.login)

    async def users(self, request):
        return web.json_response([])

    async def login(self, request):
        return web.json_response({})
'''

AIOHTTP_SERVED = '''
from aiohttp import web

app = web.Application()


async def users(request):
    return web.json_response([])


app.router.add_get("/v1/users", users)
web.run_app(app)
'''


def test_br502_fix_in_words_for_an_unserved_instance_app() -> None:
    # The application lives on `self.app` and no run_app() serves it (a library's server may
    # mount it as a sub-application): no module-level code naming an `app` that is not there.
    description, code = _br502_fix({"provisioning.py": AIOHTTP_API})
    assert code is None
    assert "register a GET /health handler on `self.app` in `ProvisioningAPI`" in description
    assert "no run_app() or AppRunner of the project serves this application" in description
    # Near miss: a module-level application the module serves gets the code.
    description, code = _br502_fix({"server.py": AIOHTTP_SERVED})
    assert description == "Add a cheap endpoint that answers 200 OK." + PROBE_OPEN
    assert code is not None and code.endswith('app.router.add_get("/health", health)')


RESTX = '''
from flask import Flask
from flask_restx import Api, Namespace, Resource

app = Flask(__name__)
api = Api(app)
ns = Namespace("items")


@ns.route("/items")
class Items(Resource):
    def get(self):
        return []


@ns.route("/items/<int:item_id>")
class Item(Resource):
    def get(self, item_id):
        return {}


api.add_namespace(ns, path="/api/items")
'''


def test_br502_fix_in_words_for_a_rest_api_that_registers_classes() -> None:
    # `@api.get("/health")` does not exist on a Flask-RESTX Api: it registers Resources.
    # An Api attached later (`api.init_app(app)`) is the root the probe is asked of.
    description, code = _br502_fix({"app.py": RESTX.replace(
        "api = Api(app)", "api = Api()\napi.init_app(app)")})
    assert code is None
    assert "`api` registers classes (a REST extension's Resources or class-based views)" in \
        description
    # An Api built on the app serves its Resources as the app's routes: the probe goes on
    # the Flask app, which has `.get`.
    description, code = _br502_fix({"app.py": RESTX})
    assert code is not None and code.startswith('@app.route("/health")'), (description, code)
    # Near miss: a Flask app with decorated functions gets the decorator.
    plain = 'from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.get("/api/items")\n' \
            'def items():\n    return []\n'
    description, code = _br502_fix({"app.py": plain})
    assert description == "Add a cheap endpoint that answers 200 OK." + PROBE_OPEN
    # `.route`, not Flask 2.0's `.get` shortcut: the code runs on every Flask version.
    assert code is not None and code.startswith('@app.route("/health")')
    compile(code, "health.py", "exec")
