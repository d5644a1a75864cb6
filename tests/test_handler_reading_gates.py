"""Cheap tests placed before dear ones in the route model's reading of handler bodies, in
BR201's per-call reading and in the project-relative path: each gate answers exactly as the
full reading did. The near misses are the cases the cheap test lets through to the full
one (a call with a deny status that is not `abort`, a `.save()` on an unknown receiver)."""

from __future__ import annotations

import ast
import os
import textwrap
from pathlib import Path

import pytest

from backendreview.analysis.frameworks.common import body_guards, denies_anonymous
from backendreview.analysis.frameworks.writes import handler_writes
from backendreview.astutil import own_nodes
from backendreview.config import Config
from backendreview.context import FileContext
from backendreview.engine import review_source
from backendreview.projectpath import project_relative
from backendreview.semantic import SemanticBuilder


def _function(source: str, name: str) -> tuple[FileContext, ast.FunctionDef]:
    text = textwrap.dedent(source)
    tree = ast.parse(text)
    ctx = FileContext("app/views.py", text, tree, SemanticBuilder(tree, "app.views").build(),
                      Config())
    func = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == name)
    return ctx, func


@pytest.mark.parametrize(("body", "denies"), [
    ("abort(403)", True),
    ("flask_abort(401)", True),  # by its qualified name: `from flask import abort as ...`
    ("raise PermissionDenied()", True),
    ("raise HTTPException(status_code=403)", True),
    ("return {'error': 'no'}, 403", True),
    # Near misses: a deny status handed to another call, a deny error built and not raised,
    # abort with another status, an error raised that is no refusal.
    ("log(403)", False),
    ("error = PermissionDenied()", False),
    ("abort(404)", False),
    ("raise ValueError('bad')", False),
])
def test_denies_anonymous_without_redirects(body: str, denies: bool):
    ctx, func = _function(f"""
        from flask import abort, abort as flask_abort
        from werkzeug.exceptions import HTTPException
        from django.core.exceptions import PermissionDenied

        def view(request):
            {body}
    """, "view")
    assert denies_anonymous(ctx, func, redirects=False) is denies


def test_denies_anonymous_with_redirects_still_reads_a_login_redirect():
    ctx, func = _function("""
        from django.shortcuts import redirect

        def wrapper(request):
            return redirect("/login/")
    """, "wrapper")
    assert denies_anonymous(ctx, func, redirects=True) is True
    assert denies_anonymous(ctx, func, redirects=False) is False


@pytest.mark.parametrize(("test", "branch", "guards"), [
    ("not perm.can()", "abort(403)", ("perms.perm.can",)),
    ("not perm.can()", "raise Forbidden()", ("perms.perm.can",)),
    # A `.can()` that only picks what to show; a refusal under a test with no `.can()`;
    # `.can(x)` with an argument.
    ("perm.can()", "items = []", ()),
    ("request.user is None", "abort(403)", ()),
    ("not perm.can(item)", "abort(403)", ()),
])
def test_body_guards_name_a_can_test_whose_branch_refuses(test: str, branch: str,
                                                          guards: tuple[str, ...]):
    ctx, func = _function(f"""
        from flask import abort
        from werkzeug.exceptions import Forbidden
        from perms import perm

        def view(request, item):
            if {test}:
                {branch}
            return "ok"
    """, "view")
    assert body_guards(ctx, func) == guards


_VIEW = """
    from django.views import View
    from shop.models import Order

    class OrderView(View):
        def post(self, request, pk):
            self.order = Order.objects.get(pk=pk)
            self.order.{call}
            return None
"""


@pytest.mark.parametrize(("call", "writes"), [
    ("save()", [(8, "self.order.save()")]),
    ("delete()", [(8, "self.order.delete()")]),
    # A method that writes nothing whatever the receiver holds; a touch-only save.
    ("refresh_from_db()", []),
    ("save(update_fields=['last_seen'])", []),
])
def test_handler_writes_through_an_instance_attribute(call: str, writes: list):
    ctx, func = _function(_VIEW.format(call=call), "post")
    found = handler_writes(ctx, func, own_nodes(func))
    assert [(w.line, w.text) for w in found] == writes


def test_handler_writes_needs_one_assignment_of_the_attribute():
    ctx, func = _function("""
        from django.views import View
        from shop.models import Order

        class OrderView(View):
            def post(self, request, pk):
                self.order = Order.objects.get(pk=pk)
                if pk:
                    self.order = Order.objects.first()
                self.order.save()
    """, "post")
    assert handler_writes(ctx, func, own_nodes(func)) == ()


@pytest.mark.parametrize(("args", "reported"), [
    # A plaintext password compared with the stored column in constant time: reported.
    ("account.password, password", True),
    # Not two arguments: no comparison of the two, whatever the callee is.
    ("password", False),
])
def test_br201_constant_time_compare_is_read_only_with_two_arguments(args: str, reported: bool):
    source = textwrap.dedent(f"""
        import hmac
        from flask import request
        from app.models import Account

        def flask_login(account: Account):
            password = request.form.get("password")
            return hmac.compare_digest({args})
    """)
    findings = review_source(source.encode(), "app/auth.py", Config(), ("BR201",)).findings
    assert [(f.span.start_line, "compared with `account.password`" in f.message)
            for f in findings] == ([(8, True)] if reported else [])


def _reference(path: str, root: Path) -> str:
    """The path relative to the root as pathlib gives it, every component resolved."""
    try:
        return Path(os.path.abspath(path)).parent.resolve().joinpath(
            os.path.basename(path)).relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return path


def test_project_relative_agrees_with_pathlib(tmp_path: Path, monkeypatch):
    root = tmp_path / "proj"
    (root / "pkg" / "sub").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "linked").symlink_to(root / "pkg", target_is_directory=True)
    files = [root / "setup.py", root / "pkg" / "a.py", root / "pkg" / "sub" / "b.py",
             tmp_path / "elsewhere" / "c.py", tmp_path / "linked" / "d.py"]
    for file in files:
        file.write_text("x = 1\n")
    monkeypatch.chdir(tmp_path)
    asked = [str(f) for f in files] + ["proj/pkg/a.py", "linked/d.py", "elsewhere/c.py"]
    for path in asked:
        for base in (root, Path("proj")):
            assert project_relative(path, base) == _reference(path, root), (path, base)
    assert project_relative(str(root / "pkg" / "sub" / "b.py"), root) == "pkg/sub/b.py"
    assert project_relative(str(root / "setup.py"), root) == "setup.py"
    assert project_relative("linked/d.py", root) == "pkg/d.py"
    assert project_relative("elsewhere/c.py", root) == "elsewhere/c.py"  # outside: as given


@pytest.mark.parametrize(("body", "writes"), [
    # A session's mutations count once it commits; `refresh` reads whatever the receiver is.
    ("db.session.add(item)\n    db.session.commit()", [(8, "db.session.add(item)")]),
    ("db.session.refresh(item)\n    db.session.commit()", [(9, "db.session.commit()")]),
    # Writes under a branch on the form's validity run for another method: none counts,
    # the second call under the same `if` included.
    ("if form.validate_on_submit():\n        db.session.add(item)\n"
     "        db.session.commit()", []),
])
def test_handler_writes_of_a_session(body: str, writes: list):
    ctx, func = _function(f"""
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()

def view(form, item):
    item.name = "x"
    {body}
""", "view")
    found = handler_writes(ctx, func, own_nodes(func))
    assert [(w.line, w.text) for w in found] == writes
