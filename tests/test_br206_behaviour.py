"""BR206 severity in the limiters-by-behaviour fixture: a route whose handler checks a
secret, sends mail or reads a credential keeps the rule's error; one that only reads like
authentication (nothing checked, issued or sent, through its calls) is a note saying so."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendreview.config import Config
from backendreview.engine import run
from backendreview.model import Severity

PROJECT = Path(__file__).resolve().parents[1] / "fixtures" / "BR206" / "limiters_by_behaviour"


def _findings(monkeypatch: pytest.MonkeyPatch) -> dict[int, tuple[Severity, str]]:
    monkeypatch.chdir(PROJECT)
    found = run([Path(".")], Config(root=PROJECT, select=("BR206",)), jobs=1).findings
    return {f.span.start_line: (f.severity, f.message) for f in found
            if f.path == "app/routes.py"}


def test_behaviour_keeps_the_error_and_a_name_alone_is_a_note(
        monkeypatch: pytest.MonkeyPatch) -> None:
    got = _findings(monkeypatch)
    # signin (a logging 'check_rate_limit'), sign (verifies a password), login_form
    # (verifies, then redirects), password_reminder (mails per call)
    for line in (36, 59, 74, 100):
        assert got[line][0] is Severity.ERROR, (line, got)
    # limited (a project limiter, a 429 helper), signing, redirects only, signed-in PATCH,
    # and password_hint: named like a password route, its handler does nothing of the kind
    assert not {26, 46, 53, 68, 83, 94} & set(got), got


AUTH_ROUTES = PROJECT.parent / "auth_routes_by_behaviour"


def test_signed_in_code_routes_dropped_only_when_seen_keeping_the_code(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Behind a sign-in: a code compared with `!=` (no call named like a check), one checked
    with compare_digest, and one whose handling is out of sight stay notes; a code stored as
    an item, assigned into a record, or handed to a forwarding helper, with nothing
    compared, is no place to guess one."""
    monkeypatch.chdir(AUTH_ROUTES)
    found = run([Path(".")], Config(root=AUTH_ROUTES, select=("BR206",)), jobs=1).findings
    got = {f.span.start_line: f for f in found if f.path == "svc/codes.py"}
    assert sorted(got) == [16, 26, 32]
    assert {f.severity for f in got.values()} == {Severity.NOTE}
    assert got[16].message.startswith(
        'route "POST {?}/auth/totp/confirm" (confirm_totp) is an authentication endpoint')


def test_routes_named_like_auth_are_judged_by_what_they_do(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A login that only redirects to the identity provider, its OAuth callback, a signed-in
    user's own API tokens, a forwarded TOTP code stored behind an API-key dependency that
    refuses in its helper (or in its own code), and a settings page behind a Flask-Login guard go unreported; a
    code checked behind either guard is a note; an open code check and an anonymous reset mail
    are errors, and an open password form that checks nothing a note."""
    monkeypatch.chdir(AUTH_ROUTES)
    found = run([Path(".")], Config(root=AUTH_ROUTES, select=("BR206",)), jobs=1).findings
    got = {(f.path, f.span.start_line): (f.severity, f.message) for f in found}
    assert {k: v[0] for k, v in got.items()} == {
        ("svc/api.py", 67): Severity.NOTE,
        ("svc/api.py", 83): Severity.NOTE,
        ("svc/api.py", 89): Severity.ERROR,
        ("svc/api.py", 96): Severity.ERROR,
        ("svc/codes.py", 16): Severity.NOTE,
        ("svc/codes.py", 26): Severity.NOTE,
        ("svc/codes.py", 32): Severity.NOTE,
        # Anyone sets the password there, but nothing is checked, sent or created: a
        # note (no guessing and no flood to bound; the missing guard is BR207's).
        ("svc/settings.py", 49): Severity.NOTE,
    }
    assert got[("svc/api.py", 67)][1] == (
        'route "POST {?}/api/v1/totp/verify" (check_totp_code) is an authentication endpoint '
        "with no rate limit: nothing bounds how often a client can call it (note: only a "
        "signed-in caller reaches it, so guessing the secret it checks needs that caller's "
        "session first)")
    assert "by what it does (request.form.get('password'))" in got[("svc/settings.py", 49)][1]


EVIDENCE = PROJECT.parent / "evidence_levels"


def test_level_follows_the_evidence_of_an_abusable_act(monkeypatch: pytest.MonkeyPatch) -> None:
    """Errors only for an open route whose code, through resolved calls, checks a password
    (in a helper, or in the `clean()` of a form it builds, whatever its path), sends a mail
    (Django's EmailMessage included) or creates an account; a token refresh that checks
    nothing guessable, a signed-in password re-check and a mail behind a route guard are
    notes; a form checking no credential, a redirect, a done page, a
    guarded mail and a GET page are not reported."""
    monkeypatch.chdir(EVIDENCE)
    found = run([Path(".")], Config(root=EVIDENCE, select=("BR206",)), jobs=1).findings
    got = {f.span.start_line: f for f in found}
    assert {line: f.severity for line, f in got.items()} == {
        16: Severity.ERROR, 23: Severity.ERROR, 30: Severity.ERROR, 37: Severity.ERROR,
        54: Severity.NOTE, 61: Severity.NOTE, 100: Severity.ERROR, 108: Severity.NOTE,
        147: Severity.ERROR}
    assert got[16].message.endswith(
        "(it verifies a credential: checks `check_login(request.form['password'])` "
        "(views.py:18))")
    assert got[30].message.endswith(
        "(it creates an account: `users.create_user()` (accounts.py:23, in `make_account`))")
    assert "by what it does (`SessionForm.clean` checks `authenticate()` (forms.py:14))" in (
        got[37].message)
    # Mail sent through Django's EmailMessage, resolved through the imports.
    assert got[100].message.endswith(
        "(it sends a message: `message.send()` (accounts.py:39, in `mail_code`))")
    # ... and through Flask-Mail's module-level mailer, known by what built it.
    assert got[147].message.endswith(
        "(it sends a message: `mailer.send()` (accounts.py:44, in `mail_welcome`))")
    # The same act behind a guard on the route itself: a note naming the guard.
    assert "but the route shows a guard (staff_only" in got[108].message
    assert got[54].message.endswith(
        "(note: its path or name says authentication, but no password or one-time-code check, "
        "message sent or account created was seen in the code it runs)")


def test_library_views_known_by_their_resolved_import() -> None:
    """A library view's work is evidence only when its resolved reference is one whose
    behaviour is known; a reset-confirm view (an emailed token) or a project class of the
    same name is not."""
    from backendreview.checks.br206_evidence import library_act

    assert library_act(["django.contrib.auth.views.LoginView"]) == (
        "runs Django's LoginView, which checks the posted password")
    assert library_act(["app.mixins.ResetMixin", "django.contrib.auth.views.PasswordResetView"]
                       ) == "runs Django's PasswordResetView, which sends a reset e-mail"
    assert library_act(["rest_framework.authtoken.views.ObtainAuthToken"]) == (
        "runs DRF's ObtainAuthToken, which checks the posted password")
    assert library_act(["django.contrib.auth.views.PasswordResetConfirmView"]) is None
    assert library_act(["django.contrib.auth.views.PasswordChangeView"]) is None
    assert library_act(["myproject.views.LoginView"]) is None


GAPS = PROJECT.parent / "evidence_reader_gaps"


def test_reader_gaps_closed_by_following_what_resolves(monkeypatch: pytest.MonkeyPatch) -> None:
    """Evidence the reader now follows: a handler nested in a router factory calling a
    generic project class (`UserManager[int]`), views an app config loads by constant
    name (`get_class("views", "SignInView")`), a module-level `LoginView.as_view()` object
    the handler calls, sign-ins checked by another service's client library (keystoneauth,
    FreeIPA, pyotp), Django's `login` imported as `auth_login`, a task enqueued with
    `.send()`, and a getter dependency that
    refuses no one. What does not resolve
    (a class the module lacks, a name built at run time, a token exchange) stays a note."""
    monkeypatch.chdir(GAPS)
    found = run([Path(".")], Config(root=GAPS, select=("BR206",)), jobs=1).findings
    got = {(f.path, f.span.start_line): f for f in found}
    assert {key: f.severity for key, f in got.items()} == {
        ("idp/clients.py", 32): Severity.ERROR, ("idp/clients.py", 39): Severity.NOTE,
        ("idp/clients.py", 46): Severity.ERROR, ("idp/clients.py", 61): Severity.ERROR,
        ("idp/clients.py", 68): Severity.ERROR, ("idp/clients.py", 90): Severity.NOTE,
        ("idp/routers.py", 13): Severity.ERROR,
        ("idp/reset.py", 11): Severity.ERROR, ("idp/reset.py", 18): Severity.NOTE,
        ("shop/apps.py", 24): Severity.ERROR, ("shop/apps.py", 26): Severity.ERROR,
        ("shop/apps.py", 28): Severity.NOTE, ("shop/apps.py", 30): Severity.NOTE,
        ("shop/apps.py", 34): Severity.NOTE, ("shop/overrides.py", 25): Severity.NOTE,
        ("shop/overrides.py", 36): Severity.NOTE, ("shop/overrides.py", 42): Severity.ERROR,
        ("shop/auth_views.py", 40): Severity.ERROR, ("shop/auth_views.py", 42): Severity.NOTE,
        ("shop/auth_views.py", 44): Severity.ERROR, ("web/pages.py", 17): Severity.ERROR}
    assert got[("idp/routers.py", 13)].message.endswith(
        "(it verifies a credential: `manager.authenticate` (routers.py:16) calls "
        "`UserManager.authenticate` (manager.py:11), which checks "
        "`verify_password(credentials.password)` (manager.py:13))")
    assert got[("idp/clients.py", 46)].message.endswith(
        "(it verifies a credential: `client.otptoken_sync()` (clients.py:49), which checks "
        "the caller's password against FreeIPA)")
    assert got[("shop/apps.py", 24)].message.endswith(
        "(it runs Django's LoginView, which checks the posted password)")
    assert "(note: its path or name says authentication; the view is library code whose " \
           "work is out of sight" in got[("shop/apps.py", 30)].message
    assert "shows a guard (get_account)" in got[("idp/clients.py", 90)].message
    # A task enqueued (dramatiq's `.send()`) runs its function: its name says it mails.
    assert got[("idp/reset.py", 11)].message.endswith(
        "(it sends a message: `send_reset_email.send()` (reset.py:13))")
    # `@anonymous_user_required` turns signed-in callers away: it guards nothing.
    assert got[("web/pages.py", 17)].message.endswith(
        "(it sends a message: `mailer.send()` (pages.py:13, in `mail_reset`))")
    # Django's login() imported as `auth_login`: the name it was imported by counts.
    assert got[("shop/auth_views.py", 44)].message.endswith(
        "(it verifies a credential: `auth_login()` (auth_views.py:30))")


NEAR_MISSES = PROJECT.parent / "evidence_near_misses"


def test_a_name_that_compares_or_signs_in_checks_nothing_guessable(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """`compare_digest` of a refresh token and a sign-in after a one-time secret in the
    path check nothing a client could guess: notes. The same compare of a posted password
    (the model's CREDENTIAL effect), a sign-in under a path parameter that is no secret,
    and a secret in the path beside a posted password stay errors."""
    monkeypatch.chdir(NEAR_MISSES)
    found = run([Path(".")], Config(root=NEAR_MISSES, select=("BR206",)), jobs=1).findings
    got = {f.span.start_line: f for f in found}
    assert {line: f.severity for line, f in got.items()} == {
        12: Severity.NOTE, 21: Severity.ERROR, 30: Severity.NOTE, 39: Severity.NOTE,
        46: Severity.ERROR, 54: Severity.ERROR}
    assert "checks `compare_digest(password)` (tokens.py:14)" in got[21].message
    assert got[30].message.endswith(
        "(note: it signs the caller in only with the one-time secret in its path, "
        "`login_user()` (views.py:34): nothing there to guess)")
    assert got[46].message.endswith("(it verifies a credential: `login_user()` (views.py:49))")


HANDED = PROJECT.parent / "handed_tasks_and_read_guards"


def test_handed_tasks_read_guards_and_library_sign_ins(monkeypatch: pytest.MonkeyPatch) -> None:
    """A task handed to the call that sends it (`self.send_task(on_reset, ...)` of a task
    object a queue decorator makes of a class, `queue.enqueue(mail_link, ...)`, Celery's
    `send_task("app.tasks.welcome_task")`) does its act once per request; a task that sends
    nothing, or a name the project registers no task under, does not. A project decorator
    named for authentication whose wrapper refuses only on a setting, or calls on whoever
    the caller is, is no guard; one testing the caller's key, calling a library check, or
    turning the caller away when a tried check fails (`except Exception: return 401`) or on
    the caller's own flags (`g.account.flags.active`), stays one. `login()` of a library object that is no authentication API (a SAML
    redirect, an SMTP relay) checks nothing the caller sent; a project's own `login()` and
    flask-login's `login_user` still count."""
    monkeypatch.chdir(HANDED)
    found = run([Path(".")], Config(root=HANDED, select=("BR206",)), jobs=1).findings
    got = {f.span.start_line: f for f in found if f.path == "app/routes.py"}
    assert {line: f.severity for line, f in got.items()} == {
        26: Severity.ERROR, 33: Severity.NOTE, 40: Severity.ERROR, 54: Severity.ERROR,
        61: Severity.NOTE, 69: Severity.ERROR, 80: Severity.ERROR, 90: Severity.NOTE,
        100: Severity.NOTE, 110: Severity.NOTE, 117: Severity.NOTE, 125: Severity.ERROR,
        134: Severity.ERROR, 160: Severity.NOTE, 173: Severity.NOTE}
    assert got[26].message.endswith(
        "(it sends a message: `send_mail()` (tasks.py:18, in `run`, the task `on_reset` that "
        "`self.send_task()` (service.py:11) sends))")
    assert got[40].message.endswith(
        "(it sends a message: `send_mail()` (tasks.py:37, in `mail_reset_link`, the task "
        "`mail_reset_link` that `queue.enqueue()` (routes.py:42) sends))")
    assert got[54].message.endswith(
        "(it sends a message: `send_mail()` (tasks.py:33, in `welcome_task`, the task "
        "`welcome_task` that `celery_app.send_task()` (routes.py:56) sends))")
    assert "shows a guard" not in got[69].message + got[80].message
    assert "shows a guard (app.guards.api_key_auth)" in got[90].message
    assert "shows a guard (app.guards.jwt_auth)" in got[100].message
    # a wrapper that turns the caller away in an `except` (FunctionInfo.gates) is a guard
    assert "shows a guard (app.guards.signed_auth)" in got[160].message
    # `g.account.flags.active` is the caller's account, not configuration: a guard
    assert "shows a guard (app.guards.active_auth)" in got[173].message
    for line in (110, 117):
        assert got[line].message.endswith(
            "(note: its path or name says authentication, but no password or one-time-code "
            "check, message sent or account created was seen in the code it runs)")
    assert got[134].message.endswith("(it verifies a credential: `login_user()` (routes.py:136))")
