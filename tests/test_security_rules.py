"""End-to-end behaviour of the security and error-handling rules beyond the fixture markers:
messages name the value and its origin, fixes use the project's own stack."""

from __future__ import annotations

from pathlib import Path

from backendreview.config import Config
from backendreview.engine import review_source

ROOT = Path(__file__).resolve().parents[1]


def _findings(code: str, rules: tuple[str, ...], path: str = "app/views.py"):
    return review_source(code.encode(), path, Config(), rules).findings


def test_sample_app_staff_account_stores_plaintext_password_with_project_hasher_fix():
    path = ROOT / "fixtures" / "sample_app" / "app" / "routers" / "users.py"
    findings = _findings(path.read_text(encoding="utf-8"), ("BR201",), "app/routers/users.py")
    assert [(f.rule_id, f.span.start_line) for f in findings] == [("BR201", 59)]
    assert "payload.password" in findings[0].message
    assert findings[0].fix is not None
    assert findings[0].fix.suggestion == "password=hash_password(payload.password)"


def test_django_create_fix_suggests_create_user():
    code = (
        "from django.contrib.auth.models import User\n"
        "def register(request):\n"
        "    User.objects.create(username='a', password=request.POST['password'])\n"
    )
    [finding] = _findings(code, ("BR201",))
    assert finding.span.start_line == 3
    assert finding.fix is not None
    assert finding.fix.suggestion.startswith("User.objects.create_user(..., password=")


def test_weak_hash_fix_uses_crypt_context_the_module_defines():
    code = (
        "import hashlib\n"
        "from passlib.context import CryptContext\n"
        "ctx = CryptContext(schemes=['argon2'])\n"
        "def legacy(password):\n"
        "    return hashlib.md5(password.encode()).hexdigest()\n"
    )
    [finding] = _findings(code, ("BR202",))
    assert finding.span.start_line == 5
    assert "single pass of md5" in finding.message
    assert finding.fix is not None and finding.fix.suggestion == "ctx.hash(password)"


def test_password_hashers_in_test_settings_are_not_reported():
    code = 'PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]\n'
    assert _findings(code, ("BR202",), "proj/settings/test.py") == []
    assert _findings(code, ("BR202",), "tests/settings.py") == []
    [finding] = _findings(code, ("BR202",), "proj/settings/production.py")
    assert "MD5PasswordHasher" in finding.message
