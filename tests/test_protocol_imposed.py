"""Fix texts where another party decides the format: a mirrored API's path (BR302), an
identity provider's key (BR205); and paths under an unknown mount prefix print as the route
table shows them (`{?}/v1/...`, never `/{?}/v1/...`)."""

from __future__ import annotations

from backendreview.config import Config
from backendreview.engine import finish, review_source
from backendreview.metadata import load_rule_docs

_ROUTES = '''
from fastapi import APIRouter

router = APIRouter()


@router.post("/v1/evals/{eval_id}/cancel")
async def cancel_eval(eval_id: str):
    return {}


@router.post("/exports/{export_id}/cancel")
async def cancel_export(export_id: str):
    return {}


@router.post("/v1/agents/{agent_id}/make_public")
async def make_public(agent_id: str):
    return {}


@router.get("/v1/agents")
async def list_agents():
    return []


@router.get("/v1/agents/{agent_id}")
async def get_agent(agent_id: str):
    return {}


@router.get("/exports")
async def list_exports():
    return []


@router.post("/v1/batches/{batch_id}/cancel")
@router.post("/batches/{batch_id}/cancel")
async def cancel_batch(batch_id: str):
    return {}
'''


def _findings(text: str, rule: str):  # type: ignore[no-untyped-def]
    result = review_source(text.encode(), "app/routes.py", Config(), (rule,))
    findings = finish([result], Config(), (rule,), load_rule_docs()).findings
    return {f.span.start_line: f for f in findings if f.rule_id == rule}


def test_versioned_action_fix_says_to_keep_a_mirrored_path() -> None:
    found = _findings(_ROUTES, "BR302")
    versioned = found[7]
    assert "PATCH {?}/v1/evals/{eval_id} with the new state" in versioned.message
    assert "keep it as it is: a rename breaks those clients; add the resource form beside it" \
        in versioned.fix.description
    unversioned = found[12]
    assert "PATCH {?}/exports/{export_id}" in unversioned.message
    assert "mirrors another service" not in unversioned.fix.description


def test_no_caveat_where_the_project_mirrors_nothing() -> None:
    alone = _ROUTES.split("\n\n\n@router.post(\"/v1/batches")[0]
    versioned = _findings(alone, "BR302")[7]
    assert versioned.fix.description == ("Name the resource, not the action: "
                                         "PATCH {?}/v1/evals/{eval_id} with the new state in "
                                         "the body")


def test_unknown_prefix_is_not_printed_with_a_leading_slash() -> None:
    found = _findings(_ROUTES, "BR302")
    state = found[17]
    assert "PATCH {?}/v1/agents/{agent_id} with `public` as the new state" in \
        state.fix.description
    assert all("/{?}" not in f.message and "/{?}" not in f.fix.description
               for f in found.values())


def test_keyless_verify_fix_names_the_issuers_keys() -> None:
    source = ('import jwt\n\n\ndef claims(token):\n'
              '    return jwt.decode(token, options={"verify_signature": False})\n')
    finding = _findings(source, "BR205")[5]
    assert "`jwt.decode()` accepts forged tokens: signature verification is turned off" in \
        finding.message
    assert "PyJWKClient(jwks_uri)" in finding.fix.description
    assert "the expected key" not in finding.fix.description
