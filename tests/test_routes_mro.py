"""Which method a Django / DRF class view gets, as Python's MRO (C3) decides: a diamond of
project mixins, a project mixin before a library view, several library generic bases (the
methods of every one of them, whatever their names sort as)."""

from __future__ import annotations

import json
import textwrap

import pytest

from backendreview.analysis.mro import linearize
from backendreview.cli import main

MIXINS = """\
    from django.http import HttpResponse


    class Audited:
        # A project mixin: its post hands over to whatever comes next in the MRO.

        def post(self, request, *args, **kwargs):
            return super().post(request, *args, **kwargs)


    class Top:
        def post(self, request, *args, **kwargs):
            return HttpResponse("top")


    class Left(Top):
        def put(self, request, *args, **kwargs):
            return HttpResponse("left")


    class Right(Top):
        def post(self, request, *args, **kwargs):
            return HttpResponse("right")
    """

VIEWS = """\
    from django.http import HttpResponse
    from django.views.generic import DetailView, TemplateView, UpdateView, View
    from django.views.generic.edit import FormView
    from rest_framework import generics

    from shop.mixins import Audited, Left, Right


    class Diamond(Left, Right, View):
        # C3: Diamond, Left, Right, Top — Right's post, not Top's (depth-first would say Top).
        def get(self, request, *args, **kwargs):
            return HttpResponse("d")


    class AuditedPage(Audited, TemplateView):
        # Audited.post hands over to TemplateView, which has no post: a GET page.
        template_name = "page.html"


    class AuditedForm(Audited, FormView):
        # Near miss: FormView has a post for Audited.post to hand over to.
        template_name = "form.html"


    class Profile(DetailView, UpdateView):
        # get() of its own; POST is UpdateView's, whichever base sorts first.
        def get(self, request, *args, **kwargs):
            return HttpResponse("p")


    class Notes(generics.ListAPIView, generics.CreateAPIView):
        # Both bases' methods: GET (ListAPIView) and POST (CreateAPIView).
        queryset = None
    """

URLS = """\
    from django.urls import path

    from shop import views

    urlpatterns = [
        path("diamond/", views.Diamond.as_view()),
        path("page/", views.AuditedPage.as_view()),
        path("form/", views.AuditedForm.as_view()),
        path("profile/", views.Profile.as_view()),
        path("notes/", views.Notes.as_view()),
    ]
    """


def _rows(tmp_path, capsys) -> list[str]:  # type: ignore[no-untyped-def]
    pkg = tmp_path / "shop"
    pkg.mkdir()
    for name, text in {"__init__.py": "", "mixins.py": MIXINS, "views.py": VIEWS,
                       "urls.py": URLS, "settings.py": 'ROOT_URLCONF = "shop.urls"\n'}.items():
        (pkg / name).write_text(textwrap.dedent(text), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path)
        code = main(["routes", ".", "--format", "json", "--jobs", "1"])
    out = capsys.readouterr()
    assert code == 0, out.err
    return [f"{','.join(r['methods'])} {r['path']} {r['handler']} {r['location']}"
            for r in json.loads(out.out)]


def test_class_views_get_their_methods_by_the_mro(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert _rows(tmp_path, capsys) == [
        "GET /diamond/ Diamond.get shop/views.py:11",
        # C3: Diamond, Left, Right, Top: Right's post (line 22), not Top's (line 12), which a
        # depth-first walk of the bases reaches first.
        "POST /diamond/ Diamond.post shop/mixins.py:22",
        "PUT /diamond/ Diamond.put shop/mixins.py:17",
        # A project mixin's post handing over to TemplateView, which has none: GET only...
        "GET /page/ AuditedPage shop/views.py:15",
        # ... near miss: to FormView, which has one.
        "GET /form/ AuditedForm shop/views.py:20",
        "POST /form/ AuditedForm.post shop/mixins.py:7",
        # DetailView sorts before UpdateView; UpdateView's POST is served all the same.
        "GET /profile/ Profile.get shop/views.py:27",
        "POST /profile/ Profile shop/views.py:25",
        # No method of its own: both generic bases' methods (was one of them, by set order).
        "GET /notes/ Notes shop/views.py:31",
        "POST /notes/ Notes shop/views.py:31",
    ]


def _mro(graph: dict[str, list[str]], root: str) -> list[str]:
    return list(linearize(root, lambda n: graph.get(n, []), lambda n: n))


def test_linearize_is_pythons_c3() -> None:
    # The same shapes as real classes: type.mro() is the oracle.
    class Root: ...
    class A(Root): ...
    class B(Root): ...
    class C(Root): ...
    class D(A, B): ...
    class E(B, C): ...
    class K(D, E): ...
    graph = {c.__name__: [b.__name__ for b in c.__bases__ if b is not object]
             for c in (Root, A, B, C, D, E, K)}
    assert _mro(graph, "K") == [c.__name__ for c in K.mro() if c is not object]


def test_linearize_falls_back_depth_first_and_cuts_cycles() -> None:
    # `class Z(X, Y)` with X(Y): Python refuses the order (Y before X's Y); each class once.
    assert _mro({"Z": ["Y", "X"], "X": ["Y"]}, "Z") == ["Z", "Y", "X"]
    # A class reaching itself (an unresolved import naming the wrong module): cut there.
    assert _mro({"P": ["Q"], "Q": ["P"]}, "P") == ["P", "Q"]
