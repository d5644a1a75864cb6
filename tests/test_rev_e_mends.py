"""Review mends of fixes13 (session 13, rev-e): fix texts the merge wrote where the code
does not establish them. Each case names rule, line and text, beside its near miss."""

from __future__ import annotations

from pathlib import Path


def _fixture(name: str, rule: str) -> dict[int, object]:
    from backendreview.config import Config
    from backendreview.engine import finish, review_source
    from backendreview.metadata import load_rule_docs

    path = Path(__file__).resolve().parents[1] / "fixtures" / rule / name
    result = review_source(path.read_bytes(), f"{rule}/{name}", Config(), (rule,))
    findings = finish([result], Config(), (rule,), load_rule_docs()).findings
    return {f.span.start_line: f for f in findings if f.rule_id == rule}


def test_br202_a_salted_digest_string_stored_as_the_password_gets_a_hasher() -> None:
    # `user.password = f"{salt}${sha256(salt + pw)}"` is the stored hash: the merge told it
    # "not stored as the password's hash … key it with an HMAC".
    found = _fixture("logged_digest.py", "BR202")
    for line in (57, 62):
        fix = found[line].fix
        assert "HMAC" not in fix.description, line
        assert fix.description.startswith("Replace the digest with a password hasher"), line
    # Near miss: a string kept under a key-like name stays the cache-key text.
    assert found[67].fix.description.startswith(
        "The digest is formatted into a string built here (a key or an identifier)")
    assert found[46].fix.description.startswith(
        "The digest is formatted into a string built here (a key or an identifier)")


def test_br202_a_non_django_password_hasher_base_gets_no_legacy_hasher_text() -> None:
    # `class FastHasher(argon2.PasswordHasher)` hashing with sha256 is a new weak hasher, not
    # a Django hasher verifying a legacy format: the merge told it "not first in
    # PASSWORD_HASHERS".
    found = _fixture("legacy_hasher_class.py", "BR202")
    fix = found[39].fix
    assert "PASSWORD_HASHERS" not in fix.description
    assert fix.description.startswith("Replace the digest with a password hasher")
    # Near miss: a project's own hasher declaring its `algorithm` over a Django one keeps it.
    assert found[47].fix.description.startswith(
        "`LegacyMD5PasswordHasher` is a password hasher class: it verifies the hashes already "
        "stored in its format")
    assert found[13].fix.description.startswith("`SHA1PasswordHasher` is a password hasher")


def test_br203_a_vendor_secret_is_not_told_to_be_generated_per_install() -> None:
    # `AWS_SECRET`, `STRIPE_WEBHOOK_SECRET`, `AWS_SECRET_KEY`: a vendor issues them; the
    # merge's name pattern (`…_SECRET`, `…_SECRET_KEY`) told an install to generate them.
    found = _fixture("vendor_signing_names.py", "BR203")
    for line in (4, 6, 8):
        assert "first start" not in found[line].fix.description, line
    # Near miss: the application's own signing key keeps the packaged-app words.
    for line in (10, 12):
        assert "generate a random secret on an install's first start" in (
            found[line].fix.description), line


def test_br210_only_a_guarded_star_import_is_taken_for_deployment_settings() -> None:
    # `DEBUG = True` then `from .celery_conf import *` (committed, unguarded): the merge said
    # ".celery_conf … is where each deployment's settings go".
    found = _fixture("site_local/committed_star.py", "BR210")
    assert ".celery_conf" not in found[7].fix.description
    # The guarded local module further down is what each deployment writes.
    assert found[7].fix.description.startswith(
        "`from .local_settings import *` (line 12) runs after this line")
    assert found[7].fix.suggestion == "DEBUG = False"
    # Near miss: guarded by a tuple holding ImportError, inside a module-level `if`.
    near = _fixture("site_local/guarded_local.py", "BR210")[7].fix
    assert near.description.startswith(
        "`from .local_settings import *` (line 11) runs after this line")


DISABLE = """
    from flask import Flask, jsonify

    app = Flask(__name__)


    @app.route("/api/token/disable", methods=["POST"])
    def disable_api():
        return jsonify({})


    @app.route("/api/token/disable/<serial>", methods=["POST"])
    def disable_one_api(serial):
        return jsonify({})


    @app.route("/api/token/disable/<serial>", methods=["GET"])
    def disable_one_status(serial):
        return jsonify({"disabled": False})


    @app.route("/api/media/archive/", methods=["POST"])
    def media_archive():
        return jsonify({})


    @app.route("/api/media/archive/<string:filename>")
    def media_archive_file(filename):
        return jsonify({})
    """


def test_br302_a_get_of_the_action_on_a_member_makes_no_collection(tmp_path,
                                                                    monkeypatch) -> None:
    # `GET /api/token/disable/<serial>` reads the state of the action POSTed at the same
    # path: the merge took it for a member of a collection "disable" and dropped the
    # finding on `POST /api/token/disable`.
    from .projects import project_findings

    found = {f.span.start_line: f for f in project_findings(
        tmp_path, {"app.py": DISABLE}, "BR302", monkeypatch)}
    assert 7 in found and 'segment "disable" is a verb' in found[7].message
    # Near miss (gramps): members under `archive/` that are only read name a collection.
    assert 22 not in found
