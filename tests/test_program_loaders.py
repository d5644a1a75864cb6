"""Classes loaded by constant names (analysis/program/loaders.py) and the program model's
resolution of them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from backendreview.analysis.program.facts import ClassInfo
from backendreview.analysis.program.loaders import loaded_spec

from .projects import program_model


def _call(text: str) -> ast.Call:
    node = ast.parse(text, mode="eval").body
    assert isinstance(node, ast.Call)
    return node


def test_loader_calls_spelled_out_by_constants() -> None:
    assert loaded_spec(_call('get_class("customer.views", "AccountAuthView")'),
                       "shop.loading.get_class") == "customer.views:AccountAuthView"
    assert loaded_spec(_call('import_string("app.views.LoginView")'),
                       "django.utils.module_loading.import_string") == "app.views:LoginView"
    # A name built at run time, a lower-case second string, a local callee: nothing.
    assert loaded_spec(_call('get_class("views", name)'), "shop.loading.get_class") is None
    assert loaded_spec(_call('get_class("views", "login")'), "shop.loading.get_class") is None
    assert loaded_spec(_call('getter("views", "LoginView")'), None) is None
    # One dotted string to a loader we do not know: not a module and a class.
    assert loaded_spec(_call('load("app.views.LoginView")'), "shop.load") is None
    # Two constant strings given to what is no loader: an app label and a model, a view
    # factory's template and title, a setting and its default.
    assert loaded_spec(_call('get_model("customer", "Customer")'),
                       "django.apps.apps.get_model") is None
    assert loaded_spec(_call('make_view("customer.views", "LoginView")'),
                       "shop.loading.make_view") is None
    assert loaded_spec(_call('getenv("AUTH_BACKEND", "Ldap")'), "os.getenv") is None


def test_model_resolves_loaded_classes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    program = program_model(tmp_path, {
        "shop/__init__.py": "",
        "shop/loading.py": "def get_class(module, name):\n    return None\n",
        "shop/views.py": "class SignInView:\n    pass\n",
        "shop/apps.py": (
            "from .loading import get_class\n"
            "Recover = get_class('views', 'RecoverView')\n"
            "Login = get_class('shop.views', 'SignInView')\n"
            "class Config:\n"
            "    def ready(self):\n"
            "        self.login_view = get_class('views', 'SignInView')\n"),
    }, monkeypatch)
    apps = program.modules["shop.apps"]
    assert apps.loads == {"Login": "shop.views:SignInView", "Recover": "views:RecoverView"}
    config = program.classes["shop.apps.Config"]
    assert config.loads == {"login_view": "views:SignInView"}
    found = program.loaded(config.loads["login_view"])
    assert isinstance(found, ClassInfo) and found.qualname == "shop.views.SignInView"
    assert program.loaded(apps.loads["Login"]) is found
    assert program.loaded(apps.loads["Recover"]) is None  # the module has no such class


def test_an_attribute_assigned_otherwise_is_no_load(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A class whose methods assign the attribute something besides the loader's class
    (a branch, an override) keeps "" for it: which class it holds cannot be told."""
    program = program_model(tmp_path, {
        "shop/__init__.py": "",
        "shop/loading.py": "def get_class(module, name):\n    return None\n",
        "shop/views.py": "class SignInView:\n    pass\nclass MagicPage:\n    pass\n",
        "shop/apps.py": (
            "from .loading import get_class\n"
            "from .views import MagicPage\n"
            "class Base:\n"
            "    def ready(self):\n"
            "        self.login_view = get_class('views', 'SignInView')\n"
            "        self.again = get_class('views', 'SignInView')\n"
            "        self.again = get_class('views', 'SignInView')\n"
            "class Magic(Base):\n"
            "    def ready(self):\n"
            "        self.login_view = MagicPage\n"
            "class Kiosk:\n"
            "    def ready(self, magic):\n"
            "        self.login_view = get_class('views', 'SignInView')\n"
            "        if magic:\n"
            "            self.login_view = MagicPage\n"),
    }, monkeypatch)
    assert program.classes["shop.apps.Base"].loads == {
        "again": "views:SignInView", "login_view": "views:SignInView"}
    assert program.classes["shop.apps.Magic"].loads == {"login_view": ""}
    assert program.classes["shop.apps.Kiosk"].loads == {"login_view": ""}
