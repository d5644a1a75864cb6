"""The program model: resolution across modules and the class hierarchy, summaries solved over
the call graph, the explanation of a chain, and per-file facts that can be cached."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from backendreview.analysis.program import (
    AUTH,
    LIMIT,
    QUERY,
    UNBOUNDED,
    FunctionInfo,
    ProgramModel,
    describe,
)
from backendreview.config import Config
from backendreview.engine import review_source, run

from .projects import program_model as _project


def _fn(model: ProgramModel, qualname: str) -> FunctionInfo:
    return model.functions[qualname]


def test_a_name_re_exported_by_a_package_init_resolves_to_its_definition(tmp_path, monkeypatch):
    model = _project(tmp_path, {
        "shop/__init__.py": "",
        "shop/repos/__init__.py": "from .items import ItemRepo\n",
        "shop/repos/items.py": "class ItemRepo:\n    def get(self, pk):\n        return pk\n",
        "shop/views.py": "from shop.repos import ItemRepo\n\ndef view(pk):\n"
                         "    return ItemRepo().get(pk)\n",
    }, monkeypatch)
    assert model.resolve("shop.repos.ItemRepo").qualname == "shop.repos.items.ItemRepo"
    view = _fn(model, "shop.views.view")
    [site] = [s for s in view.calls if s.text == "ItemRepo().get"]
    assert [t.qualname for t in model.targets(view, site)] == ["shop.repos.items.ItemRepo.get"]


def test_methods_follow_the_c3_order_and_super_takes_the_next_class(tmp_path, monkeypatch):
    model = _project(tmp_path, {
        "app/__init__.py": "",
        "app/base.py": "class Base:\n    def load(self):\n        return 1\n",
        "app/mixins.py": (
            "from app.base import Base\n\n"
            "class Left(Base):\n    def load(self):\n        return super().load()\n\n"
            "class Right(Base):\n    def load(self):\n        return 2\n"),
        "app/view.py": (
            "from app.mixins import Left, Right\n\n"
            "class View(Left, Right):\n    def get(self):\n        return self.load()\n"),
    }, monkeypatch)
    view = model.classes["app.view.View"]
    assert [c.qualname for c in model.mro(view)] == [
        "app.view.View", "app.mixins.Left", "app.mixins.Right", "app.base.Base"]
    get = _fn(model, "app.view.View.get")
    assert [t.qualname for t in model.targets(get, get.calls[0])] == ["app.mixins.Left.load"]
    left = _fn(model, "app.mixins.Left.load")
    # super() inside Left, seen from Left's own MRO, is Base (Right is only next for View).
    assert [t.qualname for t in model.targets(left, left.calls[0])] == ["app.base.Base.load"]


def test_instance_attribute_and_dependency_types_resolve_the_receiver(tmp_path, monkeypatch):
    model = _project(tmp_path, {
        "svc/__init__.py": "",
        "svc/repo.py": (
            "from django.db import models\n\n"
            "class Repo:\n    def rows(self):\n        return Item.objects.all()\n\n"
            "def get_repo() -> 'Repo':\n    return Repo()\n"),
        "svc/api.py": (
            "from typing import Annotated, Optional\n"
            "from fastapi import Depends\n"
            "from svc.repo import Repo, get_repo\n\n"
            "class Service:\n"
            "    def __init__(self, repo: Optional[Repo]):\n        self.repo = repo\n"
            "    def rows(self):\n        return self.repo.rows()\n\n"
            "def endpoint(repo: Annotated[Repo, Depends(get_repo)]):\n    return repo.rows()\n\n"
            "def factory():\n    r = get_repo()\n    return r.rows()\n"),
    }, monkeypatch)
    for qualname in ("svc.api.Service.rows", "svc.api.endpoint", "svc.api.factory"):
        fn = _fn(model, qualname)
        site = [s for s in fn.calls if s.text.endswith("rows")][0]
        assert [t.qualname for t in model.targets(fn, site)] == ["svc.repo.Repo.rows"], qualname
        [chain] = model.effects(fn, UNBOUNDED)
        assert chain.origin == "svc.repo.Repo.rows"


def test_what_leads_outside_the_project_stays_unresolved(tmp_path, monkeypatch):
    model = _project(tmp_path, {
        "v/__init__.py": "",
        "v/views.py": (
            "from rest_framework.views import APIView\nimport helpers\n\n"
            "class V(APIView):\n    def get(self, request):\n"
            "        self.get_queryset()\n        helpers.run()\n        request.user.save()\n"),
    }, monkeypatch)
    get = _fn(model, "v.views.V.get")
    # `request.user.save()` is not even a call site: its receiver is a parameter's attribute.
    assert [s.text for s in get.calls] == ["self.get_queryset", "helpers.run"]
    assert [model.targets(get, s) for s in get.calls] == [[], []]
    assert model.resolve("rest_framework.views.APIView") is None


def test_recursion_terminates_and_each_function_gets_the_effect(tmp_path, monkeypatch):
    model = _project(tmp_path, {
        "r.py": (
            "from django.db import models\n\n"
            "def ping(n):\n    if n:\n        return pong(n - 1)\n"
            "    else:\n        return Item.objects.count()\n\n"
            "def pong(n):\n    return ping(n)\n\n"
            "def top():\n    return pong(3)\n"),
    }, monkeypatch)
    for name in ("r.ping", "r.pong", "r.top"):
        effects = model.effects(_fn(model, name), QUERY)
        assert [e.origin for e in effects] == ["r.ping"], name
    [chain] = model.effects(_fn(model, "r.top"), QUERY)
    assert [s.callee for s in chain.via] == ["r.pong", "r.ping"]
    assert not chain.always  # the query runs on one branch of ping


def test_the_chain_is_explained_step_by_step(tmp_path, monkeypatch):
    model = _project(tmp_path, {
        "m/__init__.py": "",
        "m/models.py": (
            "from django.db import models\n\n"
            "class User(models.Model):\n"
            "    def get_score(self):\n        return Score.objects.filter(user=self).count()\n"),
        "m/exports.py": (
            "from m.models import User\n\n"
            "def score_of(user: User):\n    return user.get_score()\n"),
    }, monkeypatch)
    [chain] = model.effects(_fn(model, "m.exports.score_of"), QUERY)
    assert describe(chain, "runs") == (
        "`user.get_score` (exports.py:4) calls `User.get_score` (models.py:4), which runs "
        "`Score.objects.filter(user=self).count()` (models.py:5)")


def test_limits_and_auth_checks_are_summaries_too(tmp_path, monkeypatch):
    model = _project(tmp_path, {
        "g.py": (
            "from flask import abort\nfrom flask_login import current_user\n\n"
            "def admins_only(view):\n    def wrapper(*a, **k):\n"
            "        if not current_user.is_admin:\n            abort(403)\n"
            "        return view(*a, **k)\n    return wrapper\n\n"
            "def check_rate(key):\n    return rate_limit(key, 5)\n\n"
            "@admins_only\ndef admin_view():\n    check_rate('x')\n\n"
            "def open_view():\n    return 1\n"),
    }, monkeypatch)
    admin = _fn(model, "g.admin_view")
    assert [r.origin for r in model.guarded_by(admin, AUTH)] == ["g.admins_only"]
    assert [r.origin for r in model.guarded_by(admin, LIMIT)] == ["g.check_rate"]
    assert model.guarded_by(_fn(model, "g.open_view"), AUTH) == []


def test_an_is_valid_override_still_runs_the_forms_clean(tmp_path, monkeypatch):
    # A base form overriding is_valid() (super().is_valid() plus cleanup) still runs the
    # subclass's clean(), where the limiter is; a form with no limiting clean is no guard.
    model = _project(tmp_path, {
        "f.py": (
            "from django import forms\n\n"
            "class CaptchaForm(forms.Form):\n"
            "    def is_valid(self):\n        result = super().is_valid()\n"
            "        self.cleanup()\n        return result\n\n"
            "    def cleanup(self):\n        return None\n\n"
            "class RegistrationForm(CaptchaForm):\n"
            "    def clean(self):\n        if not check_rate_limit('reg', self.request):\n"
            "            raise forms.ValidationError('too many')\n\n"
            "class ContactForm(CaptchaForm):\n    pass\n\n"
            "def register(request):\n    form = RegistrationForm(request.POST)\n"
            "    return form.is_valid()\n\n"
            "def contact(request):\n    form = ContactForm(request.POST)\n"
            "    return form.is_valid()\n"),
    }, monkeypatch)
    assert [r.origin for r in model.guarded_by(_fn(model, "f.register"), LIMIT)] == [
        "f.RegistrationForm.clean"]
    assert model.guarded_by(_fn(model, "f.contact"), LIMIT) == []


def test_per_file_facts_pickle_and_do_not_depend_on_other_files():
    text = "from a.b import Repo\n\nclass S:\n    def run(self, repo: Repo):\n        return repo.go()\n"
    config = Config()
    first = review_source(text.encode(), "svc.py", config, (), collect=("program",))
    second = review_source(text.encode(), "svc.py", config, (), collect=("program",))
    [module] = first.facts["program"]
    assert pickle.loads(pickle.dumps(module)) == module
    assert second.facts["program"] == [module]
    [fn] = [f for f in module.functions if f.name == "run"]
    assert fn.param_types == {"repo": "a.b.Repo"}
    assert fn.calls[0].callee.kind == "typed" and fn.calls[0].callee.ref == "a.b.Repo"


def test_br102_any_loop_option_reports_other_loops_as_notes(monkeypatch):
    project = Path(__file__).resolve().parents[1] / "fixtures" / "BR102" / "through_calls"
    monkeypatch.chdir(project)
    plain = run([Path(".")], Config(root=project, select=("BR102",)), jobs=1).findings
    config = Config(root=project, select=("BR102",),
                    rule_options=(("BR102", (("any-loop", True),)),))
    wide = run([Path(".")], config, jobs=1).findings
    added = sorted({(f.path, f.span.start_line, f.severity.value) for f in wide}
                   - {(f.path, f.span.start_line, f.severity.value) for f in plain})
    assert added == [("services/members.py", 29, "note")]
    [note] = [f for f in wide if f.span.start_line == 29]
    assert "the loop does not iterate the rows of a query" in note.message


def test_a_write_behind_several_reads_is_still_a_write(tmp_path, monkeypatch):
    # `effects` keeps a few origins per kind, reads first; `writes` must not lose the
    # delete three calls down, or a per-row deletion would read as an N+1.
    model = _project(tmp_path, {
        "d.py": (
            "from django.db import models\n\n"
            "def a(x):\n    Item.objects.get(pk=1)\n    Item.objects.get(pk=2)\n"
            "    Item.objects.get(pk=3)\n    Item.objects.get(pk=4)\n    return b(x)\n\n"
            "def b(x):\n    return c(x)\n\n"
            "def c(x):\n    x.delete()\n\n"
            "def reader(x):\n    return Item.objects.get(pk=x)\n\n"
            "def far(x):\n    return a(x)\n"),
    }, monkeypatch)
    assert not any(r.effect.write for r in model.effects(_fn(model, "d.a"), QUERY))
    assert [model.writes(_fn(model, f"d.{n}")) for n in ("a", "b", "c", "reader", "far")] == [
        True, True, True, False, True]


# -- the classes level (only the class hierarchy) ---------------------------------------------
_HIERARCHY = {
    "acct/__init__.py": "from .models import User\n",
    "acct/base.py": ("class Hashing:\n    def save(self):\n        self.password = make(self.password)\n"
                     "        self.audit()\n        Audit.objects.create(user=self)\n"),
    "acct/models.py": ("from acct.base import Hashing\n\n"
                       "class User(Hashing):\n    password = 'x'\n\n"
                       "    def check(self, raw):\n        return verify(raw)\n\n"
                       "def user_factory() -> User:\n"
                       "    class Local(User):\n        pass\n    return Local()\n"),
}


def _facts_at(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collect: tuple[str, ...],
              cache: Path | None = None) -> list:
    for name, text in _HIERARCHY.items():
        target = tmp_path / "src" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path / "src")
    result = run([Path(".")], Config(root=tmp_path / "src"), rules=(), collect=collect, jobs=1,
                 cache_dir=cache)
    assert result.errors == []
    return result.facts["program"]


def test_the_classes_level_keeps_the_hierarchy_and_drops_every_body(tmp_path, monkeypatch):
    full = ProgramModel(_facts_at(tmp_path, monkeypatch, ("program",)))
    classes = ProgramModel(_facts_at(tmp_path, monkeypatch, ("program-classes",)))
    # The same definitions, classes nested in functions included.
    assert sorted(classes.classes) == sorted(full.classes) == [
        "acct.base.Hashing", "acct.models.User", "acct.models.user_factory.Local"]
    assert sorted(classes.functions) == sorted(full.functions)
    for ref in ("acct.User", "acct.models.user_factory", "acct.models.user_factory.Local"):
        assert [c.qualname for c in classes.mro(classes.class_of(ref))] == \
            [c.qualname for c in full.mro(full.class_of(ref))]
    assert classes.class_of("acct.models.user_factory").qualname == "acct.models.User"
    assert classes.method(classes.classes["acct.models.User"], "save").qualname == \
        "acct.base.Hashing.save"
    # ... but nothing of what the bodies do: no call sites, effects or constant returns.
    save_full, save = full.functions["acct.base.Hashing.save"], classes.functions[
        "acct.base.Hashing.save"]
    assert [e.kind for e in save_full.effects] == [QUERY] and save_full.calls
    assert save.effects == () and save.calls == () and not save.const_return
    assert classes.classes["acct.models.User"].const_attrs == ()
    assert full.classes["acct.models.User"].const_attrs == ("password",)


def test_collectors_fold_into_the_highest_program_level():
    from backendreview.engine import merge_collectors, needed_collectors

    # BR201 follows a password through helpers: the call graph level (test_program_levels).
    assert needed_collectors(("BR201",)) == ("program-calls",)
    # BR201 beside a rule that follows calls: one collector, the whole model.
    assert needed_collectors(("BR201", "BR206")) == ("program", "routes")
    assert merge_collectors(("program-classes",), ("routes", "program")) == ("program", "routes")
    assert merge_collectors(("program-classes", "routes")) == ("program-classes", "routes")


def test_classes_level_facts_in_the_cache_are_not_served_to_a_run_needing_the_model(
        tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    _facts_at(tmp_path, monkeypatch, ("program-classes",), cache)
    again = ProgramModel(_facts_at(tmp_path, monkeypatch, ("program",), cache))
    assert again.functions["acct.base.Hashing.save"].calls  # reviewed again, not the entry
    cached = ProgramModel(_facts_at(tmp_path, monkeypatch, ("program-classes",), cache))
    assert cached.functions["acct.base.Hashing.save"].calls == ()


def test_a_lazy_queryset_in_a_local_runs_where_the_function_consumes_it(tmp_path, monkeypatch):
    model = _project(tmp_path, {
        "app/__init__.py": "",
        "app/models.py": "from django.db import models\n\n"
                         "class Note(models.Model):\n    text = models.TextField()\n",
        "app/reads.py": (
            "from app.models import Note\n"
            "from app.serializers import NoteSerializer\n\n"
            "def listed(owner):\n"
            "    rows = Note.objects.filter(owner=owner)\n"
            "    return list(rows)\n\n"
            "def serialized(owner):\n"
            "    rows = Note.objects.filter(owner=owner).order_by('id')\n"
            "    return NoteSerializer(rows, many=True).data\n\n"
            "def handed_on(owner):\n"
            "    rows = Note.objects.filter(owner=owner)\n"
            "    return rows\n\n"
            "def one(owner):\n"
            "    rows = Note.objects.filter(owner=owner)\n"
            "    return NoteSerializer(rows).data\n\n"
            "def rebound(owner):\n"
            "    rows = Note.objects.filter(owner=owner)\n"
            "    rows = []\n"
            "    return list(rows)\n"),
        "app/serializers.py": "class NoteSerializer:\n    pass\n",
    }, monkeypatch)

    def queries(name: str) -> list[tuple[int, str]]:
        return [(r.effect.line, r.effect.detail)
                for r in model.effects(_fn(model, f"app.reads.{name}"), QUERY)]

    assert queries("listed") == [(5, "Note.objects.filter(owner=owner)")]
    assert queries("serialized") == [(9, "Note.objects.filter(owner=owner).order_by('id')")]
    # returned lazy: the caller runs it; a serializer of one object does not iterate it;
    # a name bound twice may hold something else where it is consumed
    assert queries("handed_on") == []
    assert queries("one") == []
    assert queries("rebound") == []
