"""Near misses of the session-16 fix classes (merge 961c00e) where the new branches asserted
something the code does not show, each beside the case the branch was written for.

- BR306: a POST on the same path of *another app* competes with nothing; a Starlette
  HTTPEndpoint that has a post() already must not get a post() stub over it; a function
  view whose only page is the one an early return shows (it ends in a redirect) is an
  action, not a page.
"""

from __future__ import annotations

import ast

import pytest

from .projects import project_findings

_MODELS = """\
class Note:
    query = None
"""


def _fix(findings, rule: str, handler: str):
    found = [f for f in findings if f.rule_id == rule and f"({handler})" in f.message]
    assert len(found) == 1, [f.message for f in findings]
    fix = found[0].fix
    if fix.suggestion:
        ast.parse(fix.suggestion)
    return fix


_CLOSE = """\
from flask import Flask, jsonify
from flask_sqlalchemy import SQLAlchemy
from .models import Note
{app} = Flask("{app}")
db = SQLAlchemy()

@{app}.route("/notes/<int:nid>/close")
def close_note(nid):
    note = Note.query.get_or_404(nid)
    note.closed = True
    db.session.commit()
    return jsonify(ok=True)
"""

_ADMIN_POST = """\
from flask import Flask
admin = Flask("admin")

@admin.route("/notes/<int:nid>/close", methods=["POST"])
def admin_close(nid):
    return "ok"
"""


def test_br306_post_of_another_app_on_the_same_path_is_not_taken(
        tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    findings = project_findings(tmp_path, {
        "app/__init__.py": "", "app/models.py": _MODELS,
        "app/admin.py": _ADMIN_POST, "app/public.py": _CLOSE.format(app="public")},
        "BR306", monkeypatch)
    fix = _fix(findings, "BR306", "close_note")
    assert "two handlers would compete" not in fix.description
    assert fix.suggestion.startswith('@public.route("/notes/<int:nid>/close", methods=["POST"])')


def test_br306_post_of_the_same_app_on_the_same_path_is_taken(
        tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Near miss: the same app serves POST there by another handler.
    same = _CLOSE.format(app="public") + _ADMIN_POST.replace(
        "from flask import Flask\nadmin = Flask(\"admin\")\n", "").replace("@admin", "@public")
    findings = project_findings(tmp_path, {
        "app/__init__.py": "", "app/models.py": _MODELS, "app/public.py": same},
        "BR306", monkeypatch)
    fix = _fix(findings, "BR306", "close_note")
    assert "already answers POST by `admin_close`, so two handlers would compete" in \
        fix.description
    assert fix.suggestion is None


_ENDPOINT = """\
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.endpoints import HTTPEndpoint
from starlette.responses import JSONResponse
from starlette.routing import Route
from .models import Item


class Archive(HTTPEndpoint):
    async def get(self, request):
        session = Session()
        session.delete(session.get(Item, request.path_params["item_id"]))
        session.commit()
        return JSONResponse({{}})
{post}

app = Starlette(routes=[Route("/items/{{item_id}}/archive", Archive)])
"""

_OWN_POST = """
    async def post(self, request):
        session = Session()
        session.add(Item())
        session.commit()
        return JSONResponse({})
"""


def test_br306_starlette_endpoint_with_a_post_gets_no_post_stub(
        tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    findings = project_findings(tmp_path, {
        "app/__init__.py": "", "app/models.py": "class Item:\n    pass\n",
        "app/main.py": _ENDPOINT.format(post=_OWN_POST)}, "BR306", monkeypatch)
    fix = _fix(findings, "BR306", "Archive.get")
    assert fix.suggestion is None
    assert "`Archive` already has a post() that does something else" in fix.description


def test_br306_starlette_endpoint_without_a_post_gets_its_get_as_post(
        tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    findings = project_findings(tmp_path, {
        "app/__init__.py": "", "app/models.py": "class Item:\n    pass\n",
        "app/main.py": _ENDPOINT.format(post="")}, "BR306", monkeypatch)
    fix = _fix(findings, "BR306", "Archive.get")
    assert "async def post(self, request):" in fix.suggestion


_DJANGO_VIEWS = """\
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path

from .models import Article


def approve(request, pk):
    article = get_object_or_404(Article, pk=pk)
    if article.locked:
        return render(request, "articles/locked.html", {"article": article})
    article.approved = True
    article.save()
    return redirect("article-list")


def reset_password(request, pk):
    article = get_object_or_404(Article, pk=pk)
    if article.locked:
        return redirect("article-list")
    article.secret = "x"
    article.save()
    return render(request, "articles/reset.html", {"article": article})


urlpatterns = [
    path("articles/<int:pk>/approve/", approve),
    path("articles/<int:pk>/reset/", reset_password),
]
"""


def test_br306_function_view_ending_in_a_redirect_is_an_action_not_a_page(
        tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    findings = project_findings(tmp_path, {
        "app/__init__.py": "", "app/models.py": "class Article:\n    objects = None\n",
        "app/views.py": _DJANGO_VIEWS}, "BR306", monkeypatch)
    # Its only page is the error page an early return shows: refusing GET is the fix.
    fix = _fix(findings, "BR306", "approve")
    assert not fix.description.startswith("This route shows a page")
    assert "@require_POST\ndef approve(request):" in fix.suggestion
    # Near miss: the page is what the write runs through to (wger's reset password).
    page = _fix(findings, "BR306", "reset_password")
    assert page.description.startswith("This route shows a page (its handler renders one)")
    assert page.suggestion is None



_ACTIONS = '''\
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAdminUser
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from .models import Article


class ArticleViewSet(viewsets.ModelViewSet):
    queryset = Article.objects.all()

    @action(detail=True, permission_classes=[IsAdminUser],
            url_path=r"versions/(?P<version>\\d+)/publish")
    def publish(self, request, pk=None, version=None):
        article = self.get_object()
        article.published = True
        article.save()
        return Response({})

    @action(detail=False)
    def purge_drafts(self, request):
        Article.objects.filter(draft=True).delete()
        return Response({})


router = DefaultRouter()
router.register(r"articles", ArticleViewSet)
urlpatterns = router.urls
'''


def test_br306_action_fix_keeps_the_url_path_parameters_and_the_other_arguments(
        tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    findings = project_findings(tmp_path, {
        "app/__init__.py": "", "app/models.py": "class Article:\n    objects = None\n",
        "app/views.py": _ACTIONS}, "BR306", monkeypatch)
    fix = _fix(findings, "BR306", "ArticleViewSet.publish")
    assert fix.suggestion == (
        "class ArticleViewSet:  # the existing view\n"
        '    @action(detail=True, methods=["post"], url_path=r"versions/(?P<version>\\d+)/'
        'publish")\n'
        "    def publish(self, request, pk=None, version=None):\n"
        "        ...")
    assert fix.description.endswith("Keep the @action's other arguments as written "
                                    "(permission_classes, serializer_class, ...): only "
                                    "`methods` changes.")
    # Near miss: an action with no url_path of its own keeps the plain signature.
    plain = _fix(findings, "BR306", "ArticleViewSet.purge_drafts")
    assert "    @action(detail=False, methods=[\"post\"])\n    def purge_drafts(self, " \
        "request):\n" in plain.suggestion
