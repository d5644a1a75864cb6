"""BR302: "post" that begins a segment is the HTTP method only when nothing says otherwise.
`/webhook/post_execution` beside `/webhook/pre_execution` (ethyca-fides' policy webhooks,
run after and before a privacy request executes) is the prefix "after": no verb in the URL.
A `post_` segment with no `pre_` twin of the same words is still a verb."""

from __future__ import annotations

from backendreview.config import Config
from backendreview.engine import finish, review_source
from backendreview.metadata import load_rule_docs

APP = '''from fastapi import FastAPI

app = FastAPI()


@app.put("/policy/{key}/webhook/pre_execution")
async def put_pre_webhooks(key: str) -> list:
    return []


@app.put("/policy/{key}/webhook/post_execution")
async def put_post_webhooks(key: str) -> list:
    return []


@app.delete("/policy/{key}/webhook/post_execution/{hook}")
async def delete_post_webhook(key: str, hook: str) -> None:
    return None


@app.put("/jobs/{job}/post_results")
async def post_results(job: str) -> dict:
    return {}


@app.post("/posts/{post}/post_comment")
async def post_comment(post: str) -> dict:
    return {}
'''


def _br302_lines() -> list[int]:
    config = Config()
    result = review_source(APP.encode(), "server.py", config, ("BR302",))
    found = finish([result], config, ("BR302",), load_rule_docs()).findings
    return sorted(f.span.start_line for f in found if f.rule_id == "BR302")


def test_post_beside_its_pre_twin_is_no_verb() -> None:
    lines = _br302_lines()
    assert 6 not in lines  # pre_execution: no verb at all
    assert 11 not in lines  # post_execution beside pre_execution
    assert 16 not in lines  # and below it


def test_post_without_a_pre_twin_is_still_a_verb() -> None:
    # pre_execution does not make post_results or post_comment a prefix.
    assert _br302_lines() == [21, 26]
