"""The program model's CREDENTIAL effect (analysis/program/credential_checks.py): a function
that hands a password it was given to a check or a sign-in, and what it reads it from."""

from __future__ import annotations

from backendreview.analysis.program import CREDENTIAL

from .projects import program_model as _project

HELPERS = {
    "portal/__init__.py": "",
    "portal/forms.py": '''
from django import forms
from django.conf import settings
from django.contrib.auth import authenticate


class LoginForm(forms.Form):
    def clean(self):
        return authenticate(username=self.cleaned_data["username"],
                            password=self.cleaned_data.get("password"))


def sign_in(form):
    password = form.password.data
    return ldap_login(form.username.data, password)


def ldap_login(username, secret):
    return True


def relay_mail(server):
    server.login(settings.EMAIL_USER, settings.EMAIL_PASSWORD)


def demo_login(client):
    return client.login(username="demo", password="demo")


def change_own(api, data):
    return api.update_own_password(data["username"], data["current_password"],
                                   data["new_password"])


def set_new(user, new_password):
    user.set_password(new_password)
''',
}


def _details(model, qualname):  # type: ignore[no-untyped-def]
    return [(e.line, e.detail) for e in model.functions[qualname].effects
            if e.kind == CREDENTIAL]


def test_a_password_handed_to_a_check_is_a_credential_check(tmp_path, monkeypatch) -> None:
    model = _project(tmp_path, HELPERS, monkeypatch)
    # A form's own cleaned data, a password read into a local and handed on by name.
    assert _details(model, "portal.forms.LoginForm.clean") == [
        (9, "authenticate(self.cleaned_data.get('password'))")]
    assert _details(model, "portal.forms.sign_in") == [(15, "ldap_login(form.password.data)")]
    # The caller's current password, handed to any call, is there to be checked.
    assert _details(model, "portal.forms.change_own") == [
        (31, "update_own_password(data['current_password'])")]


def test_configured_literal_and_new_passwords_are_no_credential_check(
        tmp_path, monkeypatch) -> None:
    model = _project(tmp_path, HELPERS, monkeypatch)
    # The mail server's password from the settings, a literal, a new password being set.
    for name in ("relay_mail", "demo_login", "set_new"):
        assert _details(model, f"portal.forms.{name}") == [], name
    # `ldap_login(username, secret)`: `secret` names no password, and nothing checks it here.
    assert _details(model, "portal.forms.ldap_login") == []
