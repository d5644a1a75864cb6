"""BR201 decides through the program model whether a model's setter hashes: the setter of one
module hands the value to a helper of another, which hands it to a hasher (or does not);
the finding that stands names the setter and the calls it crossed."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendreview.config import Config
from backendreview.engine import run

from .projects import app_package

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "BR201"

MODELS = """\
from sqlalchemy import Column, Integer, String
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import declarative_base

from app import crypto

ModelBase = declarative_base()


class User(ModelBase):
    __tablename__ = "user"
    id = Column(Integer, primary_key=True)
    _password = Column("password", String(200))

    @hybrid_property
    def password(self):
        return self._password

    @password.setter
    def password(self, value):
        self._password = crypto.encode_secret(value)
"""

VIEWS = """\
from flask import request

from app import models


def change_password(session, user_id):
    user = session.get(models.User, user_id)
    user.password = request.form["password"]
"""


def _br201(root: Path, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int, str]]:
    monkeypatch.chdir(root)
    result = run([Path(".")], Config(root=root, select=("BR201",)), jobs=1)
    return sorted((f.path, f.span.start_line, f.message) for f in result.findings)


@pytest.mark.parametrize("body", [
    "return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=12))",
    "return pwd_context.hash(password)",
    # Past the setter's own call, a value is followed through secret-named parameters.
    "return _derive(password)\n\n\ndef _derive(secret):\n    return _kdf(secret)\n\n\n"
    "def _kdf(passphrase):\n    return pwd_context.hash(passphrase)",
])
def test_a_setter_hashing_through_helpers_of_another_module_clears_the_store(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> None:
    crypto = ("import bcrypt\nfrom passlib.context import CryptContext\n\n"
              "pwd_context = CryptContext(schemes=['argon2'])\n\n\n"
              f"def encode_secret(password):\n    {body}\n")
    root = app_package(tmp_path, {"crypto.py": crypto, "models.py": MODELS,
                                  "views.py": VIEWS})
    assert _br201(root, monkeypatch) == []


def test_a_setter_whose_helper_does_not_hash_is_reported_naming_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    crypto = "def encode_secret(raw):\n    return raw.strip()\n"
    root = app_package(tmp_path, {"crypto.py": crypto, "models.py": MODELS,
                                  "views.py": VIEWS})
    assert _br201(root, monkeypatch) == [(
        "app/views.py", 8,
        "plaintext password (request.form['password']) is assigned to `user.password` on a "
        "model without a password hash (through the setter `User.password` (models.py:20), "
        "which hands it to `crypto.encode_secret`, and nothing there hashes it); store a "
        "salted slow hash instead")]


def test_the_unhashed_setter_and_its_calls_are_related_locations(
        monkeypatch: pytest.MonkeyPatch) -> None:
    root = FIXTURES / "setters_through_helpers"
    monkeypatch.chdir(root)
    result = run([Path(".")], Config(root=root, select=("BR201",)), jobs=1)
    token = next(f for f in result.findings if f.span.start_line == 50)
    assert [(r.path, r.span.start_line, r.message) for r in token.related] == [
        ("vault/models.py", 69, "Token.password stores the value"),
        ("vault/models.py", 70, "calls crypto.normalise, which does not hash it"),
    ]


def test_a_drf_serializer_is_reported_only_through_a_writable_view(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    serializers = (
        "from django.contrib.auth import get_user_model\n"
        "from rest_framework.serializers import ModelSerializer\n\n\n"
        "class UserSerializer(ModelSerializer):\n"
        "    class Meta:\n"
        "        model = get_user_model()\n"
        "        fields = '__all__'\n")
    read_only = ("from rest_framework import viewsets\n\n"
                 "from app.serializers import UserSerializer\n\n\n"
                 "class UserViewSet(viewsets.ReadOnlyModelViewSet):\n"
                 "    serializer_class = UserSerializer\n")
    root = app_package(tmp_path, {"serializers.py": serializers, "views.py": read_only})
    assert _br201(root, monkeypatch) == []
    (root / "app" / "views.py").write_text(read_only.replace("ReadOnlyModelViewSet",
                                                             "ModelViewSet"), encoding="utf-8")
    assert [(path, line) for path, line, _ in _br201(root, monkeypatch)] == [
        ("app/serializers.py", 5)]


def test_a_schema_spread_into_a_model_names_the_field_and_hashes_it_in_the_fix(
        monkeypatch: pytest.MonkeyPatch) -> None:
    root = FIXTURES / "schema_spreads"
    monkeypatch.chdir(root)
    result = run([Path(".")], Config(root=root, select=("BR201",)), jobs=1)
    assert [(f.path, f.span.start_line) for f in result.findings] == [
        ("api/routes.py", 12), ("api/routes.py", 18), ("api/routes.py", 56)]
    spread = result.findings[1]
    assert spread.message == (
        "plaintext password (the `password` field of `UserCreate`) is stored by `User(...)` "
        "through `**body.model_dump()` without a password hash")
    assert spread.fix is not None and spread.fix.suggestion == (
        "from argon2 import PasswordHasher\n\nUser(**body.model_dump(exclude={\"password\"}), "
        "password=PasswordHasher().hash(body.password))")
