"""BR205: a module constant that spells its own name is the name of a key, never the key to
verify a signature with (skypilot's `_SERVER_USER_HASH_KEY = 'server_user_hash'`)."""

from __future__ import annotations

from backendreview.config import Config
from backendreview.engine import finish, review_source
from backendreview.metadata import load_rule_docs

SOURCE = '''import jwt as pyjwt

{constant}


def claim_of(jwt_token, claim):
    payload = pyjwt.decode(jwt_token, options={{"verify_signature": False}})
    return payload.get(claim)
'''


def _br205(constant: str) -> list[tuple[int, str, str | None]]:
    config = Config()
    result = review_source(SOURCE.format(constant=constant).encode(), "server.py", config,
                           ("BR205",))
    found = finish([result], config, ("BR205",), load_rule_docs()).findings
    return [(f.span.start_line, f.fix.description, f.fix.suggestion)
            for f in found if f.fix is not None]


def test_a_constant_naming_a_config_key_is_not_offered_as_the_verification_key() -> None:
    ((line, description, suggestion),) = _br205("_SERVER_USER_HASH_KEY = 'server_user_hash'")
    assert line == 7
    assert description.startswith("Verify the signature with the issuer's key")
    assert suggestion is None


def test_a_module_signing_key_is_still_used() -> None:
    # Near miss: the value is key material, not the constant's own name.
    ((line, _description, suggestion),) = _br205('SECRET_KEY = "x9Qv2!r8Lm"')
    assert line == 7
    assert suggestion == 'pyjwt.decode(jwt_token, SECRET_KEY, algorithms=["HS256"])'
