"""Registrations the route model used to misplace: Flask-AppBuilder views held in the
security manager's attributes (`add_view_no_menu(self.auth_view)`), and Django URL lists
named by a dotted path through `import_string`."""

from __future__ import annotations

import json
from pathlib import Path

from backendreview.cli import main

from .projects import app_package as _project

VIEWS = '''from flask import redirect
from flask_appbuilder import BaseView, expose


class LoginView(BaseView):
    route_base = ""

    @expose("/login/", methods=["GET", "POST"])
    def login(self):
        return redirect("/")


class OtpLoginView(LoginView):
    route_base = "/otp"
'''

MANAGER = '''from flask_appbuilder.security.manager import BaseSecurityManager

from .views import LoginView, OtpLoginView


class Manager(BaseSecurityManager):
    loginview = LoginView

    def register_views(self):
        if self.otp:
            self.auth_view = OtpLoginView()
        else:
            self.auth_view = self.loginview()
        self.appbuilder.add_view_no_menu(self.auth_view)
        self.appbuilder.add_view_no_menu(self.unset_view)
'''


def _routes(capsys, root: Path) -> list[tuple[str, str, str, bool]]:  # type: ignore[no-untyped-def]
    code = main(["routes", str(root), "--format", "json", "--jobs", "1"])
    out = capsys.readouterr()
    assert code == 0, out.err
    return [(",".join(r["methods"]), r["path"], r["handler"], r["prefix_known"])
            for r in json.loads(out.out)]


def test_self_attribute_views_get_their_expose_routes(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    root = _project(tmp_path, {"views.py": VIEWS, "manager.py": MANAGER})
    rows = _routes(capsys, root)
    # Each class the attribute can hold is served below its own route_base.
    assert ("GET,POST", "/login/", "LoginView.login", True) in rows
    assert ("GET,POST", "/otp/login/", "OtpLoginView.login", True) in rows
    # An attribute nothing assigns: its class is unknown, so is its base; never the root.
    assert ("ANY", "{?}", "unset_view", False) in rows
    assert not any(path == "/" for _, path, _, _ in rows)


def test_import_string_literal_places_the_list(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    root = _project(tmp_path, {
        "views.py": "def items(request):\n    return None\n",
        "api_urls.py": "from django.urls import path\n\nfrom . import views\n\n"
                       "patterns = [path('items/', views.items)]\n",
        "urls.py": "from django.urls import include, path\n"
                   "from django.utils.module_loading import import_string\n\n"
                   "urlpatterns = [path('api/', include(import_string("
                   "'app.api_urls.patterns')))]\n",
    })
    assert _routes(capsys, root) == [("ANY", "/api/items/", "items", True)]


def test_import_string_computed_path_stays_unknown(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    root = _project(tmp_path, {
        "views.py": "def items(request):\n    return None\n",
        "api_urls.py": "from django.urls import path\n\nfrom . import views\n\n"
                       "patterns = [path('items/', views.items)]\n",
        "urls.py": "from django.urls import include, path\n"
                   "from django.utils.module_loading import import_string\n\n"
                   "NAME = 'app'\n"
                   "urlpatterns = [path('api/', include(import_string("
                   "NAME + '.api_urls.patterns')))]\n",
    })
    assert _routes(capsys, root) == [("ANY", "{?}/items/", "items", False)]
