"""End-to-end behaviour of the security and error-handling rules beyond the fixture markers:
messages name the value and its origin, fixes use the project's own stack."""

from __future__ import annotations

from pathlib import Path

from backendreview.config import Config
from backendreview.engine import finish, review_source
from backendreview.metadata import load_rule_docs

ROOT = Path(__file__).resolve().parents[1]


def _findings(code: str, rules: tuple[str, ...], path: str = "app/views.py"):
    """One file through the per-file rules and the project phase (BR201 decides there
    whether a model hashes what it is given)."""
    result = review_source(code.encode(), path, Config(), rules)
    return finish([result], Config(), rules, load_rule_docs()).findings


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


def _context(code: str, path: str = "app/api.py"):
    import ast

    from backendreview.config import Config as _Config
    from backendreview.context import FileContext
    from backendreview.semantic import SemanticBuilder

    tree = ast.parse(code)
    semantic = SemanticBuilder(tree).build()
    return FileContext(path, code, tree, semantic, _Config())


def test_value_tracker_names_the_origin_and_stops_at_hashers():
    import ast

    from backendreview.analysis.values import ValueTracker

    code = (
        "from flask import request\n"
        "from werkzeug.security import generate_password_hash\n"
        "def signup():\n"
        "    raw = request.form['password']\n"
        "    hashed = generate_password_hash(raw)\n"
        "    a = raw\n"
        "    b = hashed\n"
    )
    ctx = _context(code)
    tracker = ValueTracker(ctx)
    names = {n.id: n for n in ast.walk(ctx.tree) if isinstance(n, ast.Name)
             and isinstance(n.ctx, ast.Load) and n.id in ("raw", "hashed")}
    assert tracker.plaintext_password(names["raw"]).text == "request.form['password']"
    assert tracker.plaintext_password(names["hashed"]) is None
    call = next(n for n in ast.walk(ctx.tree) if isinstance(n, ast.Call)
                and getattr(n.func, "id", "") == "generate_password_hash")
    assert tracker.is_hasher_call(call)


def test_route_handlers_are_recognised_by_resolved_decorators_and_view_classes():
    import ast

    from backendreview.analysis.handlers import is_route_handler

    code = (
        "from fastapi import APIRouter\n"
        "from rest_framework.views import APIView\n"
        "router = APIRouter()\n"
        "class Cache:\n"
        "    def get(self, key): ...\n"
        "cache = Cache()\n"
        "@router.get('/items')\n"
        "def items(): ...\n"
        "@cache.get('/items')\n"
        "def not_a_route(): ...\n"
        "class Items(APIView):\n"
        "    def post(self, request): ...\n"
        "    def helper(self): ...\n"
    )
    ctx = _context(code)
    functions = {f.name + str(f.lineno): f for f in ast.walk(ctx.tree)
                 if isinstance(f, ast.FunctionDef)}
    verdicts = {name: is_route_handler(ctx, f) for name, f in functions.items()}
    assert verdicts == {"get5": False, "items8": True, "not_a_route10": False,
                        "post12": True, "helper13": False}
