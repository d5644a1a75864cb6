"""A Django class view serves its generic base's methods it does not override, unless it
narrows `http_method_names` — written as a plain or an annotated assignment."""

from __future__ import annotations

import textwrap

from .projects import route_auth

VIEWS = """\
    from django import forms
    from django.http import HttpResponse
    from django.views.generic import FormView


    class NoteForm(forms.Form):
        text = forms.CharField()


    class AnnotatedNotes(FormView):
        form_class = NoteForm
        template_name = "notes.html"
        http_method_names: list[str] = ["get"]

        def get(self, request, *args, **kwargs):
            return HttpResponse("notes")


    class PlainNotes(FormView):
        form_class = NoteForm
        template_name = "notes.html"
        http_method_names = ["get"]

        def get(self, request, *args, **kwargs):
            return HttpResponse("notes")


    class OpenNotes(FormView):
        form_class = NoteForm
        template_name = "notes.html"
        limit: int = 3

        def get(self, request, *args, **kwargs):
            return HttpResponse("notes")
    """

URLS = """\
    from django.urls import path

    from shop import views

    urlpatterns = [
        path("annotated/", views.AnnotatedNotes.as_view()),
        path("plain/", views.PlainNotes.as_view()),
        path("open/", views.OpenNotes.as_view()),
    ]
    """


def test_annotated_http_method_names_adds_no_inherited_method(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    pkg = tmp_path / "shop"
    pkg.mkdir()
    for name, text in {"__init__.py": "", "views.py": VIEWS, "urls.py": URLS,
                       "settings.py": 'ROOT_URLCONF = "shop.urls"\n'}.items():
        (pkg / name).write_text(textwrap.dedent(text), encoding="utf-8")
    assert sorted(route_auth(capsys, tmp_path)) == [
        "GET /annotated/",
        # Near miss: a view that does not narrow its methods still serves FormView's POST.
        "GET /open/", "GET /plain/", "POST /open/"]
