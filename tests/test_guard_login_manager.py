"""A project decorator whose wrapper answers anonymous callers with Flask-Login's
`login_manager.unauthorized()` (what Flask-Login's own `login_required` returns) guards
the routes it decorates; an `unauthorized()` of something else, or one returned without a
look at the caller, does not."""

from __future__ import annotations

import textwrap

from backendreview.config import Config
from backendreview.engine import review_source

_GUARDS = textwrap.dedent("""\
    from functools import wraps

    from flask import current_app, request
    from flask_login import LoginManager, current_user

    login_manager = LoginManager()

    def login_optionally_required(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if current_app.config["PASSWORD"] and not current_user.is_authenticated:
                return login_manager.unauthorized()
            return view(*args, **kwargs)
        return wrapper

    def app_login_required(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            return view(*args, **kwargs)
        return wrapper

    def quota_checked(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if current_user.quota_left() <= 0:
                return view.limits.unauthorized()
            return view(*args, **kwargs)
        return wrapper

    def maintenance(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if current_app.config["MAINTENANCE"]:
                return login_manager.unauthorized()
            return view(*args, **kwargs)
        return wrapper

    def copied_login_required(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if request.method == "OPTIONS" or current_app.config.get("LOGIN_DISABLED"):
                pass
            elif not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            return view(*args, **kwargs)
        return wrapper

    def login_required_if_configured(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if current_app.config.get("LOGIN_REQUIRED"):
                if not current_user.is_authenticated:
                    return current_app.login_manager.unauthorized()
            return view(*args, **kwargs)
        return wrapper
""")


def test_login_manager_unauthorized_is_a_refusal() -> None:
    result = review_source(_GUARDS.encode(), "deco.py", Config(), (), collect=("routes",))
    # login_optionally_required refuses only when a setting is on as well: the deployment's
    # choice, not read as a guard (frameworks/guards._setting_gated, as django-helpdesk's
    # protect_view), nor login_required_if_configured (the refusal nested in the setting
    # test's body). Flask-Login's own login_required, copied: the refusal is in the `elif`
    # of the setting test, so it runs unless the setting is on: a guard.
    assert [(g.name, g.kind, g.why, g.line) for g in result.facts.get("guard", [])] == [
        ("deco.app_login_required", "auth", "aborts for anonymous users", 16),
        ("deco.copied_login_required", "auth", "aborts for anonymous users", 40)]
