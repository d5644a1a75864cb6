"""Fix texts where another party decides the format: a mirrored API's path (BR302), an
identity provider's key (BR205); and paths under an unknown mount prefix print as the route
table shows them (`{?}/v1/...`, never `/{?}/v1/...`)."""

from __future__ import annotations

from pathlib import Path

from backendreview.config import Config
from backendreview.engine import finish, review_source
from backendreview.metadata import load_rule_docs

_MIRRORS = Path(__file__).resolve().parents[1] / "fixtures" / "BR302" / "mirrored_paths.py"


def _findings(text: str, rule: str):  # type: ignore[no-untyped-def]
    result = review_source(text.encode(), "app/routes.py", Config(), (rule,))
    findings = finish([result], Config(), (rule,), load_rule_docs()).findings
    return [f for f in findings if f.rule_id == rule]


def _one(findings, fragment: str):  # type: ignore[no-untyped-def]
    (found,) = [f for f in findings if fragment in f.message]
    return found


def test_versioned_action_fix_says_to_keep_a_mirrored_path() -> None:
    # The project serves vendor paths with and without /v1 elsewhere: this single
    # registration may mirror one too, which nothing in the code can show.
    found = _findings(_MIRRORS.read_text(encoding="utf-8"), "BR302")
    versioned = _one(found, '"POST {?}/v1/evals/{eval_id}/cancel"')
    assert "keep it as it is: a rename breaks those clients; add the resource form beside it" \
        in versioned.fix.description
    unversioned = _one(found, '"POST {?}/exports/{export_id}/cancel"')
    assert "mirrors another service" not in unversioned.fix.description


def test_no_caveat_where_the_project_mirrors_nothing() -> None:
    source = ('from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n'
              '@router.post("/v1/evals/{eval_id}/cancel")\n'
              'async def cancel_eval(eval_id: str):\n    return {}\n')
    (finding,) = _findings(source, "BR302")
    assert finding.fix.description == ("Name the resource, not the action: "
                                       "PATCH {?}/v1/evals/{eval_id} with the new state in "
                                       "the body")


def test_unknown_prefix_is_not_printed_with_a_leading_slash() -> None:
    found = _findings(_MIRRORS.read_text(encoding="utf-8"), "BR302")
    state = _one(found, "make_public")
    assert state.fix.description == ("Name the resource, not the action: PATCH "
                                     "{?}/v1/agents/{agent_id} with `public` as the new state "
                                     "in the body")
    assert all("/{?}" not in f.message and "/{?}" not in f.fix.description for f in found)


def test_keyless_verify_fix_names_the_issuers_keys() -> None:
    source = ('import jwt\n\n\ndef claims(token):\n'
              '    return jwt.decode(token, options={"verify_signature": False})\n')
    (finding,) = _findings(source, "BR205")
    assert "`jwt.decode()` accepts forged tokens: signature verification is turned off" in \
        finding.message
    assert "PyJWKClient(jwks_uri)" in finding.fix.description
    assert "the expected key" not in finding.fix.description
