"""A Django class view serves its generic base's methods it does not override, unless it
narrows `http_method_names` — written as a plain or an annotated assignment."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from backendreview.cli import main

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


def _rows(capsys: pytest.CaptureFixture[str], root: Path) -> list[tuple[str, str]]:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        code = main(["routes", ".", "--format", "json", "--jobs", "1"])
    out = capsys.readouterr()
    assert code == 0, out.err
    return sorted((",".join(r["methods"]), r["path"]) for r in json.loads(out.out))


def test_annotated_http_method_names_adds_no_inherited_method(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    pkg = tmp_path / "shop"
    pkg.mkdir()
    for name, text in {"__init__.py": "", "views.py": VIEWS, "urls.py": URLS,
                       "settings.py": 'ROOT_URLCONF = "shop.urls"\n'}.items():
        (pkg / name).write_text(textwrap.dedent(text), encoding="utf-8")
    assert _rows(capsys, tmp_path) == [
        ("GET", "/annotated/"),
        # Near miss: a view that does not narrow its methods still serves FormView's POST.
        ("GET", "/open/"), ("GET", "/plain/"), ("POST", "/open/")]
