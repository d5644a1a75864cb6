"""A before_request hook's leading `if request.path ...: return None` lets those paths
through (HookFact.exempt) — only when the hook's own body is its check, and only for the
routes under that hook."""

from __future__ import annotations

import textwrap
from pathlib import Path

from .projects import project_findings, route_auth


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return root


DECORATED_HOOK = """\
    from flask import Flask, abort, jsonify, request
    from flask_login import current_user, login_required

    app = Flask(__name__)


    @app.before_request
    @login_required
    def gate():
        # login_required refuses anonymous callers before this body runs.
        if request.path.startswith("/public"):
            return None
        return None


    @app.post("/public/upload")
    def upload():
        return jsonify(ok=True)
    """

BODY_HOOK = """\
    from flask import Flask, abort, jsonify, request
    from flask_login import current_user

    app = Flask(__name__)


    @app.before_request
    def gate():
        if request.path.startswith("/public"):
            return None
        if not current_user.is_authenticated:
            abort(401)


    @app.post("/public/upload")
    def upload():
        return jsonify(ok=True)


    @app.post("/private/upload")
    def private_upload():
        return jsonify(ok=True)
    """


def test_a_hook_guarded_by_its_decorator_exempts_nothing(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    auth = route_auth(capsys, _write(tmp_path, {"app.py": DECORATED_HOOK}))
    assert auth["POST /public/upload"] == ["login_required (before_request hook)"]


def test_a_hook_whose_body_checks_lets_its_leading_paths_through(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    # Near miss: the same `if` in a hook whose check is its own body passes /public...
    auth = route_auth(capsys, _write(tmp_path, {"app.py": BODY_HOOK}))
    assert auth["POST /public/upload"] == []
    # ... and nothing else.
    assert auth["POST /private/upload"] == [
        "gate() refuses anonymous callers (before_request hook)"]


def test_decorated_hook_gives_no_unauthenticated_write(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    assert project_findings(tmp_path, {"app.py": DECORATED_HOOK}, "BR207", monkeypatch) == []
    # Near miss: the body hook really lets POST /public/upload through.
    other = tmp_path / "other"
    other.mkdir()
    found = project_findings(other, {"app.py": BODY_HOOK}, "BR207", monkeypatch)
    assert [(f.rule_id, f.span.start_line) for f in found] == [("BR207", 15)]
    assert "POST /public/upload" in found[0].message


ADMIN = """\
    from flask import Blueprint, abort, jsonify, request
    from flask_login import current_user

    admin_bp = Blueprint("admin", __name__)


    @admin_bp.before_request
    def require_login():
        # The admin area lets its status page through.
        if request.path == "/admin/stats":
            return None
        if not current_user.is_authenticated:
            abort(401)


    @admin_bp.get("/stats")
    def stats():
        return jsonify(up=True)


    @admin_bp.post("/users")
    def add_user():
        return jsonify(ok=True)
    """

REPORTS = """\
    from flask import Blueprint, abort, jsonify
    from flask_login import current_user

    reports_bp = Blueprint("reports", __name__)


    @reports_bp.before_request
    def require_login():
        # Same hook name, another blueprint: nothing passes here.
        if not current_user.is_authenticated:
            abort(401)


    @reports_bp.post("/admin/stats")
    def rebuild_stats():
        return jsonify(ok=True)
    """

TWO_BLUEPRINTS = """\
    from flask import Flask

    from admin import admin_bp
    from reports import reports_bp

    app = Flask(__name__)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(reports_bp)
    """


def test_a_hooks_exemption_stays_with_its_own_blueprint(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    root = _write(tmp_path, {"app.py": TWO_BLUEPRINTS, "admin.py": ADMIN,
                             "reports.py": REPORTS})
    auth = route_auth(capsys, root)
    shown = ["require_login() refuses anonymous callers (before_request hook)"]
    # The reports blueprint's same-named hook lets nothing through.
    assert auth["POST /admin/stats"] == shown
    assert auth["POST /admin/users"] == shown
    # A route keeps the label only, not which hook showed it: where two hooks show the
    # same label, it is dropped only at a path both let through (here: none).
    assert auth["GET /admin/stats"] == shown


def test_a_hooks_exemption_applies_where_its_label_is_its_own(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    # Near miss: the reports hook named otherwise; the admin hook passes its GET /admin/stats.
    reports = REPORTS.replace("def require_login", "def require_session")
    root = _write(tmp_path, {"app.py": TWO_BLUEPRINTS, "admin.py": ADMIN,
                             "reports.py": reports})
    auth = route_auth(capsys, root)
    assert auth["GET /admin/stats"] == []
    assert auth["POST /admin/users"] == [
        "require_login() refuses anonymous callers (before_request hook)"]
    assert auth["POST /admin/stats"] == [
        "require_session() refuses anonymous callers (before_request hook)"]
