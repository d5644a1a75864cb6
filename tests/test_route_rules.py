"""Route rules with options: BR206 scope and project-declared limiters, BR301 allowlist."""

from __future__ import annotations

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
        ("BR206", 12, "error", 'route "POST /auth/login" (login) is an authentication endpoint '
                               "with no rate limit: nothing bounds how often a client can call "
                               "it"),
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
