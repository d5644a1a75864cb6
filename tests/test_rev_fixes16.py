"""Near misses of the session-16 fix classes (merge 961c00e) where the new branches asserted
something the code does not show, each beside the case the branch was written for.

- BR306: a POST on the same path of *another app* competes with nothing; a Starlette
  HTTPEndpoint that has a post() already must not get a post() stub over it.
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
