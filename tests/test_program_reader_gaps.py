"""Program-model reader gaps: a function's own imports, classes held by class attributes
(`self.form_class(...)`), and locals reassigned with what their own methods return."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendreview.analysis.program import ProgramModel

from .projects import program_model


def _targets(program: ProgramModel, qualname: str, line: int) -> list[str]:
    fn = program.functions[qualname]
    return [t.qualname for site in fn.calls if site.line == line
            for t in program.targets(fn, site)]


def test_imports_inside_a_function_resolve_in_its_scope(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    program = program_model(tmp_path, {
        "shop/__init__.py": "",
        "shop/config.py": (
            "from django.urls import path\n"
            "class Shop:\n"
            "    def get_urls(self):\n"
            "        from django.contrib.auth import views as auth_views\n"
            "        return [path('reset/', auth_views.PasswordResetView.as_view())]\n"
            "\n"
            "    def staff_urls(self):\n"
            "        return [path('reset/staff/', auth_views.PasswordResetView.as_view())]\n"
            "\n"
            "    def twice(self):\n"
            "        from a import views\n"
            "        from b import views\n"
            "        return views\n"),
    }, monkeypatch)
    module = program.modules["shop.config"]
    get_urls = program.functions["shop.config.Shop.get_urls"]
    assert get_urls.imports == {"auth_views": "django.contrib.auth.views"}
    assert (get_urls.line, get_urls.end_line) == (3, 5)
    assert program.imported(module, "auth_views", 5) == "django.contrib.auth.views"
    # Another method's body, and the module's, do not import it.
    assert program.imported(module, "auth_views", 8) is None
    assert program.imported(module, "path", 8) == "django.urls.path"
    # A name imported twice in one body cannot be told.
    assert program.functions["shop.config.Shop.twice"].imports == {"views": ""}
    assert program.imported(module, "views", 13) is None


def test_a_local_import_shadowed_in_its_scope_or_an_inner_one_is_untold(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The module imports `auth_views` too: a body rebinding the name after its own import,
    # or an inner def taking it as a parameter, names neither import.
    program = program_model(tmp_path, {
        "shop/__init__.py": "",
        "shop/config.py": (
            "from django.urls import path\n"
            "from django.contrib.auth import views as auth_views\n"
            "class Shop:\n"
            "    def rebound(self):\n"
            "        from allauth.account import views as auth_views\n"
            "        auth_views = wrap(auth_views)\n"
            "        return [path('reset/', auth_views.PasswordResetView.as_view())]\n"
            "\n"
            "    def nested(self):\n"
            "        from django.contrib.auth import views as auth_views\n"
            "        def inner(auth_views):\n"
            "            return [path('reset/n/', auth_views.PasswordResetView.as_view())]\n"
            "        return inner, auth_views\n"),
    }, monkeypatch)
    module = program.modules["shop.config"]
    assert program.imported(module, "auth_views", 7) is None
    assert program.imported(module, "auth_views", 12) is None
    assert program.imported(module, "auth_views", 13) == "django.contrib.auth.views"


_FORMS = (
    "class JoinForm:\n"
    "    def __init__(self, data=None):\n"
    "        self.data = data\n"
    "    def send_welcome(self):\n"
    "        return 1\n"
    "class NoteForm:\n"
    "    def __init__(self, data=None):\n"
    "        self.data = data\n"
    "    def send_welcome(self):\n"
    "        return 2\n")


def test_a_class_attribute_holding_one_class_builds_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    program = program_model(tmp_path, {
        "app/__init__.py": "",
        "app/forms.py": _FORMS,
        "app/views.py": (
            "from .forms import JoinForm, NoteForm\n"
            "class Join:\n"
            "    form_class = JoinForm\n"
            "    def post(self, request):\n"
            "        form = self.form_class(data=request.POST)\n"
            "        form.send_welcome()\n"
            "class Quiet:\n"
            "    form_class = JoinForm\n"
            "    def post(self, request):\n"
            "        form = self.form_class(data=request.POST)\n"
            "        form.send_welcome()\n"
            "class Plain(Quiet):\n"
            "    form_class = NoteForm\n"
            "class Picked:\n"
            "    form_class = JoinForm\n"
            "    def setup(self, request):\n"
            "        self.form_class = NoteForm\n"
            "    def post(self, request):\n"
            "        form = self.form_class(data=request.POST)\n"
            "        form.send_welcome()\n"),
    }, monkeypatch)
    join = program.classes["app.views.Join"]
    assert program.class_attribute(join, "form_class") is program.classes["app.forms.JoinForm"]
    assert program.functions["app.views.Join.post"].local_types == {"form": "self:form_class"}
    assert _targets(program, "app.views.Join.post", 5) == ["app.forms.JoinForm.__init__"]
    assert _targets(program, "app.views.Join.post", 6) == ["app.forms.JoinForm.send_welcome"]
    post = program.functions["app.views.Join.post"]
    assert program.constructed(post, post.calls[0]) is program.classes["app.forms.JoinForm"]
    # A subclass holding another class, or an instance attribute of that name: untold.
    for cls, line in (("Quiet", 10), ("Picked", 19)):
        assert program.class_attribute(program.classes[f"app.views.{cls}"], "form_class") is None
        assert _targets(program, f"app.views.{cls}.post", line) == []
        assert _targets(program, f"app.views.{cls}.post", line + 1) == []
        fn = program.functions[f"app.views.{cls}.post"]
        assert all(program.untold(fn, s) for s in fn.calls if s.line == line + 1)


def test_a_local_reassigned_with_its_own_class_keeps_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    program = program_model(tmp_path, {
        "acct/__init__.py": "",
        "acct/models.py": (
            "class Invite:\n"
            "    def notify(self):\n"
            "        return 0\n"
            "class Member:\n"
            "    @classmethod\n"
            "    def parse(cls, body) -> 'Member':\n"
            "        return Member()\n"
            "    def create(self) -> 'Member':\n"
            "        return self\n"
            "    def draft(self) -> 'Invite':\n"
            "        return Invite()\n"
            "    def refresh(self):\n"
            "        return self\n"
            "    def notify(self):\n"
            "        return 1\n"),
        "acct/routes.py": (
            "from .models import Member\n"
            "def signup(body):\n"
            "    m = Member.parse(body)\n"
            "    m = m.create()\n"
            "    m.notify()\n"
            "def invite(body):\n"
            "    m = Member.parse(body)\n"
            "    m = m.draft()\n"
            "    m.notify()\n"
            "def register(body):\n"
            "    m = Member.parse(body)\n"
            "    m = m.refresh()\n"
            "    m.notify()\n"
            "def other(body, x):\n"
            "    m = Member.parse(body)\n"
            "    m = x.create()\n"
            "    m.notify()\n"),
    }, monkeypatch)
    signup = program.functions["acct.routes.signup"]
    assert signup.local_types == {"m": "acct.models.Member.parse#create"}
    assert _targets(program, "acct.routes.signup", 5) == ["acct.models.Member.notify"]
    # A method returning another class, or saying nothing of what it returns: untold.
    assert _targets(program, "acct.routes.invite", 9) == []
    assert _targets(program, "acct.routes.register", 13) == []
    # Reassigned from another object's call: no type at all.
    assert program.functions["acct.routes.other"].local_types == {}


def test_a_class_attribute_a_subclass_takes_from_another_base_is_untold(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `NoteJoin(NoteBase, JoinMixin)`: its MRO puts NoteBase's form_class before the
    # mixin's, so what `self.form_class` builds in JoinMixin.post cannot be told; with the
    # mixin first (`JoinFirst`), the mixin's own class answers, and still agrees.
    views = (
        "from .forms import JoinForm, NoteForm\n"
        "class JoinMixin:\n"
        "    form_class = JoinForm\n"
        "    def post(self, request):\n"
        "        form = self.form_class(data=request.POST)\n"
        "        form.send_welcome()\n"
        "class NoteBase:\n"
        "    form_class = NoteForm\n")
    program = program_model(tmp_path, {
        "app/__init__.py": "", "app/forms.py": _FORMS,
        "app/views.py": views + "class NoteJoin(NoteBase, JoinMixin):\n    pass\n",
    }, monkeypatch)
    mixin = program.classes["app.views.JoinMixin"]
    assert program.class_attribute(mixin, "form_class") is None
    assert _targets(program, "app.views.JoinMixin.post", 6) == []
    program = program_model(tmp_path / "first", {
        "app/__init__.py": "", "app/forms.py": _FORMS,
        "app/views.py": views + "class JoinFirst(JoinMixin, NoteBase):\n    pass\n",
    }, monkeypatch)
    mixin = program.classes["app.views.JoinMixin"]
    assert program.class_attribute(mixin, "form_class") is program.classes["app.forms.JoinForm"]


def test_a_class_attribute_bound_under_an_if_or_by_unpacking_is_untold(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A subclass binding `form_class` in an `if` of its body, by tuple unpacking or by an
    # import there, and a class binding it twice, hold what cannot be told.
    program = program_model(tmp_path, {
        "app/__init__.py": "", "app/forms.py": _FORMS,
        "app/views.py": (
            "from .forms import JoinForm, NoteForm\n"
            "class J3:\n"
            "    form_class = JoinForm\n"
            "class Tup(J3):\n"
            "    form_class, other = NoteForm, 1\n"
            "class J4:\n"
            "    form_class = JoinForm\n"
            "class Cond(J4):\n"
            "    if FLAG:\n"
            "        form_class = NoteForm\n"
            "class J5:\n"
            "    form_class = JoinForm\n"
            "class Imp(J5):\n"
            "    from .forms import NoteForm as form_class\n"
            "class Twice:\n"
            "    form_class = JoinForm\n"
            "    if FLAG:\n"
            "        form_class = NoteForm\n"
            "class Kept:\n"
            "    form_class = JoinForm\n"
            "class KeptToo(Kept):\n"
            "    form_class = JoinForm\n"),
    }, monkeypatch)
    for cls in ("J3", "J4", "J5", "Twice"):
        assert program.class_attribute(program.classes[f"app.views.{cls}"], "form_class") is None
    assert program.class_attribute(program.classes["app.views.Kept"], "form_class") \
        is program.classes["app.forms.JoinForm"]
