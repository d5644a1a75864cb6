"""The imports a password-hasher suggestion brings (BR201/BR202): every hasher it calls, and
nothing it only names inside a string."""

from __future__ import annotations

import ast

from backendreview.config import Config
from backendreview.engine import review_source

PASSLIB_SHA1 = '''\
import hashlib

import passlib


def store(user, password):
    user.password = hashlib.sha1(password.encode()).hexdigest()
'''

BCRYPT_SHA1 = '''\
import hashlib

import bcrypt


def store(user, password):
    user.password = hashlib.sha1(password.encode()).hexdigest()
'''


def _suggestion(source: str) -> str:
    result = review_source(source, "app/users.py", Config(), ("BR202",))
    (finding,) = [f for f in result.findings if f.rule_id == "BR202"]
    assert finding.span.start_line == 7
    assert finding.message.startswith("password `password` is hashed with a single pass of sha1")
    assert finding.fix is not None and finding.fix.suggestion
    return finding.fix.suggestion


def test_passlib_suggestion_imports_cryptcontext_not_bcrypt() -> None:
    suggestion = _suggestion(PASSLIB_SHA1)
    assert suggestion.splitlines()[0] == "from passlib.context import CryptContext"
    assert "import bcrypt" not in suggestion  # "bcrypt" is only a scheme name in a string
    ast.parse(suggestion)


def test_bcrypt_suggestion_uses_the_bound_module_and_imports_nothing() -> None:
    suggestion = _suggestion(BCRYPT_SHA1)
    assert suggestion.startswith("bcrypt.hashpw(")
    assert "import" not in suggestion
