"""Every fix suggestion is code that parses and fits the code at hand: the project's limiter
and logger, the key's algorithm, the model and column of the query, a resource name for the
route, and a path the route table does not already serve."""

from __future__ import annotations

import ast
import shutil
import textwrap
from pathlib import Path

import pytest

from backendreview.config import Config
from backendreview.engine import review_source, run
from backendreview.fixes.apply import fix_text

from .projects import project_findings as _project

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def fixture_findings():  # type: ignore[no-untyped-def]
    """Every rule (including the opt-in ones) over every fixture, sample app and route
    project."""
    return run([ROOT / "fixtures"], Config(root=ROOT, select=("ALL",)), jobs=1).findings


def test_every_suggestion_the_fixtures_produce_parses(fixture_findings) -> None:
    with_fix = [f for f in fixture_findings if f.fix is not None and f.fix.suggestion]
    assert len(with_fix) > 300  # the fixtures exercise every rule's fixes
    bad = []
    for finding in with_fix:
        try:
            ast.parse(finding.fix.suggestion)
        except SyntaxError as exc:
            bad.append(f"{finding.path}:{finding.span.start_line} {finding.rule_id}: {exc.msg}: "
                       f"{finding.fix.suggestion!r}")
    assert bad == []


def _pasted(text: str, edits) -> str:  # type: ignore[no-untyped-def]
    """The text with the edits pasted where their spans say, as a SARIF consumer does."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    for edit in sorted(edits, key=lambda e: (e.span.start_line, e.span.start_col),
                       reverse=True):
        s = edit.span
        begin = starts[s.start_line - 1] + s.start_col - 1
        end = starts[s.end_line - 1] + s.end_col - 1
        text = text[:begin] + edit.replacement + text[end:]
    return text


def test_every_exact_edit_compiles_where_it_lands(fixture_findings) -> None:
    """Each finding's edits, pasted as text at their spans (no libcst, no re-indenting),
    leave a file that compiles: a statement's later lines carry its indentation."""
    bad = []
    checked = 0
    for finding in fixture_findings:
        if finding.fix is None or not finding.fix.edits:
            continue
        text = (ROOT / finding.path).read_text(encoding="utf-8")
        if not text.isascii():
            continue  # spans count UTF-8 bytes; these fixtures are checked through libcst
        checked += 1
        try:
            compile(_pasted(text, finding.fix.edits), finding.path, "exec")
        except SyntaxError as exc:
            bad.append(f"{finding.path}:{finding.span.start_line} {finding.rule_id}: {exc.msg}")
    assert checked > 100
    assert bad == []


def test_a_multi_statement_edit_carries_the_statements_indentation(tmp_path,
                                                                   monkeypatch) -> None:
    (finding,) = _project(tmp_path, {"app/views.py": """
        import logging

        from flask import Flask, jsonify

        app = Flask(__name__)
        logger = logging.getLogger(__name__)


        @app.route("/items")
        def items():
            with lock():
                try:
                    return jsonify(load())
                except Exception as e:
                    return {"error": str(e)}, 500
        """}, "BR401", monkeypatch)
    assert finding.span.start_line == 15
    assert finding.fix.suggestion == ('logger.exception("items failed")\n'
                                      'return {"error": "Internal server error"}, 500')
    assert finding.fix.edits[-1].replacement == (
        'logger.exception("items failed")\n'
        '            return {"error": "Internal server error"}, 500')
    fixed = fix_text((tmp_path / "app/views.py").read_text(encoding="utf-8"), [finding])
    assert fixed.applied == [finding]
    assert '            logger.exception("items failed")\n' \
        '            return {"error": "Internal server error"}, 500\n' in fixed.text


FASTAPI_LOGIN = """
    from fastapi import APIRouter, Request

    router = APIRouter()


    @router.post("/login")
    def login(request: Request, form: dict):
        return {"token": issue_token(form)}
    """


def test_br206_reuses_the_projects_limiter_from_another_module(tmp_path, monkeypatch) -> None:
    (finding,) = _project(tmp_path, {
        "app/limits.py": """
            from slowapi import Limiter
            from slowapi.util import get_remote_address

            limiter = Limiter(key_func=get_remote_address)
            """,
        "app/auth.py": FASTAPI_LOGIN,
    }, "BR206", monkeypatch)
    assert finding.fix.description == "Limit the route with the project's limiter"
    assert finding.fix.suggestion == (
        "from fastapi import Request\n"
        "from app.limits import limiter\n\n"
        '@router.post("/login")\n'
        '@limiter.limit("5/minute")\n'
        "def login(request: Request):  # keep the other parameters\n"
        "    ...")


def test_br206_without_a_limiter_sets_one_up(tmp_path, monkeypatch) -> None:
    (finding,) = _project(tmp_path, {"app/auth.py": FASTAPI_LOGIN}, "BR206", monkeypatch)
    assert finding.fix.suggestion.startswith("from fastapi import Request\nfrom slowapi import "
                                             "Limiter\n")
    assert "limiter = Limiter(key_func=get_remote_address)" in finding.fix.suggestion
    ast.parse(finding.fix.suggestion)


def test_br206_on_a_django_class_based_view_is_python(tmp_path, monkeypatch) -> None:
    (finding,) = _project(tmp_path, {"app/views.py": """
        from django.http import JsonResponse
        from django.urls import path
        from django.views import View


        class LoginView(View):
            def post(self, request):
                return JsonResponse({"token": issue_token(request.POST)})


        urlpatterns = [path("login/", LoginView.as_view())]
        """}, "BR206", monkeypatch)
    suggestion = finding.fix.suggestion
    assert "def LoginView.post" not in suggestion
    tree = ast.parse(suggestion)
    (cls,) = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    (method,) = cls.body
    assert (cls.name, method.name) == ("LoginView", "post")
    assert ast.unparse(method.decorator_list[0]) == (
        "method_decorator(ratelimit(key='ip', rate='5/m', block=True))")


def test_br205_pins_rs256_for_a_jwks_key(tmp_path, monkeypatch) -> None:
    (finding,) = _project(tmp_path, {"auth.py": """
        import jwt

        jwks_client = jwt.PyJWKClient("https://issuer.example/.well-known/jwks.json")


        def user_of(token):
            key = jwks_client.get_signing_key_from_jwt(token).key
            return jwt.decode(token, key)
        """}, "BR205", monkeypatch)
    assert finding.fix.suggestion == 'jwt.decode(token, key, algorithms=["RS256"])'
    assert not finding.fix.safe


def test_br205_uses_the_modules_algorithm_constant(tmp_path, monkeypatch) -> None:
    (finding,) = _project(tmp_path, {"auth.py": """
        import jwt

        SECRET_KEY = "from-env"
        ALGORITHM = "HS512"


        def user_of(token):
            return jwt.decode(token, SECRET_KEY)
        """}, "BR205", monkeypatch)
    assert finding.fix.suggestion == "jwt.decode(token, SECRET_KEY, algorithms=[ALGORITHM])"


def test_br204_adds_the_datetime_import_it_needs(tmp_path, monkeypatch) -> None:
    (finding,) = _project(tmp_path, {"tokens.py": """
        \"\"\"Tokens.\"\"\"
        import jwt


        def issue(user_id, key):
            return jwt.encode({"sub": user_id}, key, algorithm="HS256")
        """}, "BR204", monkeypatch)
    insert, replace = finding.fix.edits
    assert (insert.span.start_line, insert.replacement) == (
        3, "from datetime import datetime, timedelta, timezone\n")
    assert replace.replacement == (
        '{"sub": user_id, "exp": datetime.now(timezone.utc) + timedelta(minutes=15)}')


def test_br401_adds_a_logger_when_the_module_has_none(tmp_path, monkeypatch) -> None:
    (finding,) = _project(tmp_path, {"api.py": """
        from fastapi import FastAPI, HTTPException

        app = FastAPI()


        @app.post("/items")
        def create_item():
            try:
                return work()
            except Exception as e:
                raise HTTPException(status_code=500, detail=str(e))
        """}, "BR401", monkeypatch)
    imports, setup, statement = finding.fix.edits
    assert (imports.span.start_line, imports.replacement) == (2, "import logging\n")
    assert (setup.span.start_line, setup.replacement) == (
        4, "logger = logging.getLogger(__name__)\n")
    assert statement.replacement == (
        'logger.exception("create_item failed")\n'
        '        raise HTTPException(status_code=500, detail="Internal server error")')


def _first_line(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith(needle))


def test_br401_logger_setup_goes_below_imports_that_follow_module_metadata(
        tmp_path, monkeypatch) -> None:
    # `__author__ = ...` above the imports: the setup line must not run before
    # `import logging` binds the name it calls.
    source = """
        __author__ = "someone"
        __license__ = "AGPL"

        import logging
        from flask import Blueprint, jsonify

        api = Blueprint("api", __name__)


        @api.route("/files/<name>", methods=["DELETE"])
        def delete_file(name):
            try:
                remove(name)
            except Exception as e:
                return jsonify(error=str(e)), 500
            return "", 204
        """
    (finding,) = _project(tmp_path, {"api.py": source}, "BR401", monkeypatch)
    setup, _statement = finding.fix.edits
    assert (setup.span.start_line, setup.replacement) == (
        8, "logger = logging.getLogger(__name__)\n")
    fixed = fix_text(textwrap.dedent(source), [finding]).text
    ast.parse(fixed)
    assert _first_line(fixed, "import logging") < _first_line(fixed, "logger = ")


def test_br401_logger_setup_goes_above_a_decorated_first_definition(
        tmp_path, monkeypatch) -> None:
    # A decorated function's node starts at its `def`; the setup goes above the decorator.
    source = """
        import logging
        from flask import jsonify
        from .application import app
        @app.route("/items/<int:pk>", methods=["DELETE"])
        def delete_item(pk):
            try:
                remove(pk)
            except Exception as e:
                return jsonify(error=str(e)), 500
            return "", 204
        """
    (finding,) = _project(tmp_path, {"api.py": source}, "BR401", monkeypatch)
    fixed = fix_text(textwrap.dedent(source), [finding]).text
    ast.parse(fixed)
    assert _first_line(fixed, "logger = ") < _first_line(fixed, "@app.route")


def test_br102_explicit_queries_name_the_model_and_column(fixture_findings) -> None:
    by_line = {(f.path.split("fixtures/")[-1], f.span.start_line): f.fix.suggestion
               for f in fixture_findings if f.rule_id == "BR102"}
    assert by_line[("BR102/sqlalchemy_shop/shop/queries.py", 153)] == (
        "session.query(Supplier).filter(Supplier.id.in_(ids)).all()")
    assert by_line[("BR102/sqlalchemy_shop/shop/queries.py", 141)] == (
        "session.scalars(select(Order).where(Order.customer_id.in_("
        "[customer.id for customer in customers]))).all()")
    assert by_line[("BR102/flask_blog/app/views.py", 38)] == (
        "User.query.filter(User.id.in_(ids)).all()")
    # A count per author: one grouped count, not every post fetched.
    assert by_line[("BR102/django_blog/blog/views.py", 208)] == (
        "from django.db.models import Count\n\n"
        "counts = dict(Post.objects.filter(author__in=Author.objects.all())"
        ".values_list(\"author\").annotate(n=Count(\"pk\")))")
    assert by_line[("BR102/sqlalchemy_shop/shop/queries.py", 188)] == (
        "conn.fetch('SELECT name FROM users WHERE id = ANY($1)', ids)")


def test_br102_loader_goes_on_the_query_before_all(fixture_findings) -> None:
    (finding,) = [f for f in fixture_findings if f.rule_id == "BR102"
                  and f.path.endswith("sample_app/app/routers/reports.py")]
    assert finding.fix.suggestion == (
        "from sqlalchemy.orm import selectinload\n\n"
        "db.query(Book).options(selectinload(Book.reviews)).all()")


def test_br102_values_list_per_row_gets_no_prefetch(tmp_path, monkeypatch) -> None:
    shutil.copytree(ROOT / "fixtures" / "BR102" / "django_blog", tmp_path / "blog_app")
    findings = _project(tmp_path, {"blog_app/blog/report.py": """
        from .models import Post


        def comment_ids(request):
            out = []
            for post in Post.objects.all():
                out.append(list(post.comments.values_list("id", flat=True)))
            return out
        """}, "BR102", monkeypatch)
    (finding,) = [f for f in findings if f.path.endswith("report.py")]
    assert "values_list()" in finding.message
    assert "Prefetch(" not in (finding.fix.suggestion or "") + finding.fix.description
    assert "Prefetch cannot serve" in finding.fix.description


def test_br302_names_the_resource_from_the_parameter(tmp_path, monkeypatch) -> None:
    (finding,) = _project(tmp_path, {"api.py": """
        from fastapi import FastAPI

        app = FastAPI()


        @app.post("/cases/{case_id}/remove/{email}")
        def remove_email(case_id: int, email: str):
            return {}
        """}, "BR302", monkeypatch)
    assert finding.fix.suggestion == '"/cases/{case_id}/emails/{email}"'
    assert finding.fix.description.endswith("DELETE /cases/{case_id}/emails/{email}")


def test_br302_never_proposes_a_path_already_served(tmp_path, monkeypatch) -> None:
    (finding,) = _project(tmp_path, {"api.py": """
        from fastapi import FastAPI

        app = FastAPI()


        @app.get("/orders")
        def list_orders():
            return []


        @app.get("/getOrders")
        def get_orders_again():
            return []
        """}, "BR302", monkeypatch)
    assert finding.fix.suggestion is None
    assert "GET /orders is already served by `list_orders`" in finding.fix.description


@pytest.mark.parametrize(("query", "style", "expected"), [
    ("db.query(Book).all()", "query", "db.query(Book).options(L).all()"),
    ("db.scalars(select(Book)).all()", "select", "db.scalars(select(Book).options(L)).all()"),
    ("Book.objects.filter(x=1)", "django", "Book.objects.filter(x=1).options(L)"),
    # Shortened for display (pretix): not the whole query, so no code at all.
    ("CartPosition.objects.filter( event=e, cart_id__...", "django", None),
])
def test_br102_loader_placement(query: str, style: str, expected: str | None) -> None:
    from backendreview.checks.br102_fixes import with_loader

    assert with_loader(query, ".options(L)", style) == expected


DJANGO_AUTH_URLS = {
    "app/views.py": """
        from django.contrib.auth.views import LoginView


        class TokenView(LoginView):
            template_name = "token.html"


        async def request_reset(request, token):
            return None
        """,
    "app/urls.py": """
        from django.contrib.auth import views as auth_views
        from django.urls import path

        from . import views

        urlpatterns = [
            path("token/", views.TokenView.as_view()),
            path("password-reset/confirm/", auth_views.PasswordResetConfirmView.as_view()),
            path("forgotten-password/<token>/", views.request_reset),
        ]
        """,
}


def test_br206_django_limits_go_where_the_view_is_the_projects(tmp_path, monkeypatch) -> None:
    findings = _project(tmp_path, DJANGO_AUTH_URLS, "BR206", monkeypatch)
    by_line = {f.span.start_line: f.fix for f in findings}
    # The project's view class, registered whole: dispatch is decorated on the class.
    tree = ast.parse(by_line[8].suggestion)
    (cls,) = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    assert cls.name == "TokenView"
    assert ast.unparse(cls.decorator_list[0]) == (
        "method_decorator(ratelimit(key='ip', rate='5/m', block=True), name='dispatch')")
    # No module imports django_ratelimit: the fix says it brings a new dependency.
    assert by_line[8].description == (
        "Limit the view with django-ratelimit (in app/views.py). django-ratelimit is not yet a "
        "dependency of this project: adding it is part of the fix")
    # Django's own view: no class of the project to decorate, so the URL pattern wraps it,
    # with the name the URL module imports; the view answers GET (its form) and POST, so
    # only the submissions count.
    assert by_line[9].suggestion == (
        "from django_ratelimit.decorators import ratelimit\n\n"
        'ratelimit(key="ip", rate="5/m", method="POST", block=True)'
        "(auth_views.PasswordResetConfirmView.as_view())  # the URL pattern's view")
    # A function view: the decorator on the real def, as written (async, its parameters).
    assert by_line[10].suggestion == (
        "from django_ratelimit.decorators import ratelimit\n\n"
        '@ratelimit(key="ip", rate="5/m", block=True)\n'
        "async def request_reset(request, token):\n    ...")


def test_br102_a_key_computed_in_the_loop_body_is_not_gathered(tmp_path, monkeypatch) -> None:
    shutil.copytree(ROOT / "fixtures" / "BR102" / "django_blog", tmp_path / "blog_app")
    findings = _project(tmp_path, {"blog_app/blog/tickets.py": """
        from django.http import JsonResponse

        from .models import Post


        def first_posts(request, providers):
            out = []
            for provider in providers:
                key = provider.render()
                out.append(Post.objects.get(pk=key))
            return out
        """}, "BR102", monkeypatch)
    (finding,) = [f for f in findings if f.path.endswith("tickets.py")]
    assert finding.fix.suggestion is None  # not `in_bulk([key for provider in providers])`


DJANGO_LISTS = {
    "app/models.py": """
        from django.db import models


        class Gym(models.Model):
            name = models.CharField(max_length=10)
        """,
    "app/views.py": """
        from django.shortcuts import render
        from django.urls import path
        from django.views.generic import ListView

        from .models import Gym


        class GymListView(ListView):
            queryset = Gym.objects.order_by("-opened")


        class MineView(ListView):
            def get_queryset(self):
                return Gym.objects.filter(name=self.request.GET["name"])


        def gym_list(request):
            return render(request, "x.html", {"gyms": Gym.objects.order_by("-opened")})


        urlpatterns = [
            path("gyms/", GymListView.as_view()),
            path("mine/", MineView.as_view()),
            path("fn/", gym_list),
        ]
        """,
}


def test_br303_a_django_list_view_gets_paginate_by_not_drf(tmp_path, monkeypatch) -> None:
    findings = _project(tmp_path, DJANGO_LISTS, "BR303", monkeypatch)
    by_line = {f.span.start_line: f.fix for f in findings}
    for line, view in ((10, "GymListView"), (15, "MineView")):
        assert by_line[line].suggestion == (
            f"class {view}:  # the existing view\n    paginate_by = 50")
        assert "pagination_class" not in by_line[line].description
    # A function view pages with Paginator, imported in the suggestion itself.
    assert by_line[19].suggestion == (
        "from django.core.paginator import Paginator\n\n"
        "paginator = Paginator(Gym.objects.order_by(\"-opened\"), 50)\n"
        'page = paginator.get_page(request.GET.get("page"))')


def test_an_async_handler_is_shown_as_async_def(tmp_path, monkeypatch) -> None:
    (finding,) = _project(tmp_path, {"app/auth.py": FASTAPI_LOGIN.replace(
        "def login(", "async def login(")}, "BR206", monkeypatch)
    tree = ast.parse(finding.fix.suggestion)
    (handler,) = [n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    assert isinstance(handler, ast.AsyncFunctionDef) and handler.name == "login"
    (finding,) = _project(tmp_path, {"app/auth.py": FASTAPI_LOGIN}, "BR206", monkeypatch)
    assert "\ndef login(request: Request):" in finding.fix.suggestion


FASTAPI_WRITES = """
    from fastapi import APIRouter, Depends

    from app.deps import require_user

    router = APIRouter()


    @router.get("/items")
    def list_items(user=Depends(require_user)):
        return []


    @router.put("/items/{item_id}")
    def save_item(item_id: int, user=Depends(require_user)):
        db.add(item_id)


    @router.post("/items")
    async def create_item(item: dict):
        db.add(item)
    """
FASTAPI_DEPS = """
    def require_user(token: str = ""):
        return token
    """


def test_br207_uses_the_guard_the_project_already_has(tmp_path, monkeypatch) -> None:
    findings = _project(tmp_path, {"app/deps.py": FASTAPI_DEPS, "app/api.py": FASTAPI_WRITES},
                        "BR207", monkeypatch)
    (finding,) = [f for f in findings if "create_item" in f.message]
    assert finding.fix.suggestion == (
        "from fastapi import Depends\n"
        "from app.deps import require_user\n\n"
        "async def create_item(user=Depends(require_user)):  # keep the other parameters\n"
        "    ...")


def test_br207_without_a_guard_writes_one_it_defines(tmp_path, monkeypatch) -> None:
    text = FASTAPI_WRITES.replace("user=Depends(require_user)", "")
    findings = _project(tmp_path, {"app/api.py": text}, "BR207", monkeypatch)
    (finding,) = [f for f in findings if "create_item" in f.message]
    suggestion = finding.fix.suggestion
    assert "User" not in suggestion and "get_current_user" not in suggestion
    assert 'oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token")' in suggestion
    assert _free_names(suggestion) == set()


def _free_names(code: str) -> set[str]:
    """Names the code reads and does not bind itself (builtins aside)."""
    import builtins

    tree = ast.parse(code)
    bound = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)
             and not isinstance(n.ctx, ast.Load)}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0])
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)
            and isinstance(n.ctx, ast.Load)} - bound - set(dir(builtins))


def _module_names(path: Path) -> set[str]:
    try:
        return _bound_names(ast.parse(path.read_text(encoding="utf-8")))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return set()


def _bound_names(tree: ast.AST) -> set[str]:
    """The names a file binds, and those it reads: a suggestion may repeat the code at hand
    (`db.query(Book)`) whether or not the fixture bothers to import `Book`."""
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            out.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            out.add(node.name)
        elif isinstance(node, ast.arg):
            out.add(node.arg)
        elif isinstance(node, ast.alias):
            out.add((node.asname or node.name).split(".")[0])
    return out


# The rules whose suggestions this suite holds to the names in scope (issue 13).
SCOPED_RULES = ("BR102", "BR201", "BR202", "BR203", "BR206", "BR207", "BR211", "BR212", "BR302",
                "BR303", "BR304", "BR306", "BR401", "BR402", "BR403",
                "BR501", "BR502", "BR204", "BR205")


def test_suggestions_use_only_names_in_scope(fixture_findings) -> None:
    """A suggestion reads only names it binds itself (imports included), that the
    finding's file or a file on its chain has, or that the fix's own edits bring."""
    bad = []
    for finding in fixture_findings:
        if finding.rule_id not in SCOPED_RULES or not (finding.fix and finding.fix.suggestion):
            continue
        visible: set[str] = set()
        for path in {finding.path, *(r.path or finding.path for r in finding.related)}:
            visible |= _module_names(Path(path))
        for edit in finding.fix.edits:  # an exact fix brings its own setup (a logger)
            # (its later statements carry the indentation of the statement it replaces)
            visible |= _bound_names(ast.parse(f"if 1:\n    {edit.replacement}".replace(
                "\n" + " " * (edit.span.start_col - 1), "\n    ")))
        unknown = _free_names(finding.fix.suggestion) - visible
        if unknown:
            bad.append(f"{finding.path.split('fixtures/')[-1]}:{finding.span.start_line} "
                       f"{finding.rule_id}: {sorted(unknown)}")
    assert bad == []


def test_br302_on_a_drf_action_names_the_full_path_and_url_path(tmp_path, monkeypatch) -> None:
    (finding,) = _project(tmp_path, {"app/api.py": """
        from rest_framework import routers, viewsets
        from rest_framework.decorators import action
        from rest_framework.response import Response


        class PlanViewSet(viewsets.ModelViewSet):
            @action(detail=True)
            def get_log_overview(self, request, pk):
                return Response({})


        router = routers.DefaultRouter()
        router.register("plans", PlanViewSet, basename="plan")
        urlpatterns = router.urls
        """}, "BR302", monkeypatch)
    # Not `GET log-overview`, and no string to paste over the action's def.
    assert finding.fix.description == (
        'Name the resource, not the action: GET /plans/{pk}/log-overview '
        '(`url_path="log-overview"` on the @action)')
    assert finding.fix.suggestion is None


def test_br102_a_query_written_over_several_lines_gives_code_that_parses(
        tmp_path, monkeypatch) -> None:
    # superset: `(db.session.query(Dashboard)\n    .options(...)\n    .filter_by(id=i)...)`.
    shutil.copytree(ROOT / "fixtures" / "BR102" / "sqlalchemy_shop", tmp_path / "shop_app")
    findings = _project(tmp_path, {"shop_app/shop/export.py": """
        from sqlalchemy.orm import Session

        from shop.models import Supplier


        def export(session: Session, ids):
            out = []
            for supplier_id in ids:
                supplier = (
                    session
                    .query(Supplier)
                    .filter_by(id=supplier_id)
                    .first()
                )
                out.append(supplier)
            return out
        """}, "BR102", monkeypatch)
    (finding,) = [f for f in findings if f.path.endswith("export.py")]
    assert finding.fix.suggestion == (
        "session.query(Supplier).filter(Supplier.id.in_(ids)).all()")


# -- the wrong-suggestion classes of the third session's tuning apps (issue 13) ------------
def _rpc_router(actions: list[str]) -> str:
    routes = "\n".join(
        f'@router.post("/{path}")\n'
        f"def {path.replace('/', '_').replace('{', '').replace('}', '')}(body: dict):\n"
        f"    return {{}}\n\n" for path in actions)
    return ("from fastapi import APIRouter, FastAPI\n\napp = FastAPI()\n"
            'router = APIRouter(prefix="/api")\n\n\n' + routes + "\napp.include_router(router)\n")


RPC_ACTIONS = ["fleets/get", "fleets/list", "fleets/delete", "fleets/get_plan", "runs/get",
               "runs/stop", "runs/delete", "users/create", "users/update", "users/delete"]


def test_br302_an_rpc_style_api_gets_one_design_note_and_no_rename(tmp_path,
                                                                   monkeypatch) -> None:
    # dstack: 82 of 84 routes POST /api/.../<action>; 35 renames proposed, all wrong.
    (finding,) = _project(tmp_path, {"api.py": _rpc_router(RPC_ACTIONS)}, "BR302",
                          monkeypatch)
    assert finding.severity.value == "note"
    assert finding.span.start_line == 7  # the first action route
    assert finding.message.startswith("the fastapi API is RPC-style throughout: 10 of its 10 "
                                      'routes are POST .../<action> ("POST /api/fleets/get"')
    assert finding.fix.suggestion is None and "new API version" in finding.fix.description


def test_br302_a_resource_api_with_a_few_verbs_is_not_rpc_style(tmp_path, monkeypatch) -> None:
    # Near miss: 7 resource routes and one verb action stay a per-route warning.
    source = ("from fastapi import FastAPI\n\napp = FastAPI()\n\n\n"
              + "".join(f'@app.{m}("/{p}")\ndef h{i}():\n    return {{}}\n\n\n'
                        for i, (m, p) in enumerate([
                            ("get", "orders"), ("post", "orders"), ("get", "orders/{id}"),
                            ("put", "orders/{id}"), ("get", "users/{id}"),
                            ("get", "users"), ("post", "users"),
                            ("post", "orders/{id}/delete")])))
    (finding,) = _project(tmp_path, {"api.py": source}, "BR302", monkeypatch)
    assert finding.severity.value == "warning"
    # The member's path already answers GET and PUT: the fix says DELETE goes beside them.
    assert finding.message.endswith("DELETE /orders/{id} (the path already answers GET by "
                                    "`h2`, PUT by `h3`; DELETE goes beside it)")


FLEETS = """
    from flask import Flask

    app = Flask(__name__)


    @app.route("/api/fleets/{verb}", methods=["POST"])
    def handler():
        return {{}}
    """


@pytest.mark.parametrize(("verb", "expected"), [
    # The member named in the body goes in the path, never the collection URL.
    ("delete", "DELETE /api/fleets/<fleet_id>"),
    ("update", "PUT /api/fleets/<fleet_id>"),
    ("get", "GET /api/fleets/<fleet_id>"),
    # A sub-resource of that member keeps the member (no dropped parent).
    ("delete_instances", "DELETE /api/fleets/<fleet_id>/instances/<instance_id>"),
    ("unset_label", "DELETE /api/fleets/<fleet_id>/labels/<label_id>"),
    ("set_wildcard_domain", "PUT /api/fleets/<fleet_id>/wildcard-domain"),
    ("get_fleet_health_checks", "GET /api/fleets/<fleet_id>/health-checks"),
    # Computed from a posted spec: a GET cannot carry it.
    ("get_plan", "POST /api/fleets/plans"),
    # An upsert, not an "or-updates" resource.
    ("create_or_update", "PUT /api/fleets/<fleet_id>"),
    # An adjective is not pluralised ("submitteds").
    ("list_submitted", "GET /api/fleets/submitted"),
])
def test_br302_renames_keep_method_semantics(tmp_path, monkeypatch, verb: str,
                                             expected: str) -> None:
    (finding,) = _project(tmp_path, {"app.py": FLEETS.format(verb=verb)}, "BR302",
                          monkeypatch)
    assert finding.message.endswith(f"let the HTTP method say what happens: {expected}"), \
        finding.message


def test_br302_an_action_keeps_its_object(tmp_path, monkeypatch) -> None:
    # mautrix-telegram: retry_takeout -> `/retries` dropped what is retried.
    (finding,) = _project(tmp_path, {"app.py": """
        from fastapi import FastAPI

        app = FastAPI()


        @app.post("/v1/user/{mxid}/retry_takeout")
        def retry_takeout(mxid: str):
            return {}
        """}, "BR302", monkeypatch)
    assert finding.fix.description == ("Name the resource, not the action: "
                                       "POST /v1/user/{mxid}/takeout/retries")


def test_br202_an_imposed_ldap_format_is_a_note_with_no_hasher_swapped_in(
        tmp_path, monkeypatch) -> None:
    # privacyidea ssha.py: argon2 output is not {SSHA}; the consumer would reject it.
    (finding,) = _project(tmp_path, {"ssha.py": """
        import base64
        import hashlib


        def get_hash(passwd, salt):
            h = hashlib.sha1(passwd.encode("utf8") + salt).digest()
            return "{SSHA}" + base64.b64encode(h + salt).decode("utf8")
        """}, "BR202", monkeypatch)
    assert finding.severity.value == "note" and finding.span.start_line == 7
    assert "{SSHA} format" in finding.message
    assert finding.fix.suggestion is None


def test_br202_a_digest_used_only_as_an_in_memory_key_is_not_reported(
        tmp_path, monkeypatch) -> None:
    # privacyidea user.py: a per-request cache of checked passwords; a salted hash never hits.
    files = {"user.py": """
        import hashlib


        class User:
            def check_password(self, password):
                key = hashlib.sha3_512(password.encode("utf-8")).hexdigest()
                if key in self._checked:
                    return self._checked[key]
                return None
        """}
    assert _project(tmp_path, files, "BR202", monkeypatch) == []
    # Near misses: checked against a set of stored hashes, or stored on the user, it is a
    # password store.
    checked = {"user.py": files["user.py"].replace(
        "if key in self._checked:\n                    return self._checked[key]",
        "if key in STORED_HASHES:\n                    return True")}
    assert checked["user.py"] != files["user.py"]
    assert [f.span.start_line for f in _project(tmp_path, checked, "BR202", monkeypatch)] == [7]
    stored = {"user.py": files["user.py"].replace("return None", "self.hash = key")}
    (finding,) = _project(tmp_path, stored, "BR202", monkeypatch)
    assert finding.fix.suggestion == ("from argon2 import PasswordHasher\n\n"
                                      "PasswordHasher().hash(password)  # argon2-cffi")


def test_br203_at_import_time_the_suggestion_does_not_raise(tmp_path, monkeypatch) -> None:
    # privacyidea: os.environ["..."] in a module or class body raises KeyError on import.
    findings = _project(tmp_path, {"settings.py": """
        import os

        HMAC_KEY = "9iE9DRkPHQDJbAFFC31dum5I54x"


        class TestingConfig:
            SECRET_KEY = "secret-key-for-testing-only-0123456789"


        def configure(app):
            app.config["SECRET_KEY"] = "9iE9DRkPHQDJbAFFC31dum5I54x"
        """}, "BR203", monkeypatch)
    # The whole assignment: a bare `os.environ.get(...)` would drop the value.
    assert [(f.span.start_line, f.fix.suggestion) for f in findings] == [
        (4, 'HMAC_KEY = os.environ.get("HMAC_KEY")'),
        (12, 'app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]')]


def test_br203_a_value_that_names_an_environment_variable_gets_words(tmp_path,
                                                                     monkeypatch) -> None:
    # phoenix: `ENV_E2B_API_KEY = "E2B_API_KEY"` is the variable's name; os.environ.get(
    # "ENV_E2B_API_KEY") in its place would break every lookup that uses it.
    findings = _project(tmp_path, {"sandbox.py": """
        ENV_E2B_API_KEY = "E2B_API_KEY"
        STRIPE_SECRET_KEY = "sk9DRkPHQDJbAFFC31dum5I54xQ"
        """}, "BR203", monkeypatch)
    assert [(f.rule_id, f.span.start_line) for f in findings] == [("BR203", 2), ("BR203", 3)]
    named, secret = (f.fix for f in findings)
    assert named is not None and named.suggestion is None
    assert named.description.startswith("The value looks like the name of an environment "
                                        "variable, not a secret")
    # Near miss: a mixed-case key is the secret itself.
    assert secret is not None
    assert secret.suggestion == (
        'import os\n\nSTRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY")')


def test_br501_a_shipped_pytest_plugin_and_a_futures_wait_are_not_reported(
        tmp_path, monkeypatch) -> None:
    source = """
        import concurrent.futures

        import requests


        def schema(url):
            return requests.get(url)


        def digests(futures):
            concurrent.futures.wait(futures)
        """
    assert _project(tmp_path, {"pkg/pytest_plugin.py": source}, "BR501", monkeypatch) == []
    # Near miss: the same code in the package proper is reported, once (not the wait).
    (finding,) = _project(tmp_path, {"pkg/client.py": source}, "BR501", monkeypatch)
    assert finding.span.start_line == 8


def test_br306_rewrites_the_routes_own_decorator(tmp_path, monkeypatch) -> None:
    (finding,) = _project(tmp_path, {"app.py": """
        from fastapi import APIRouter, Depends
        from sqlalchemy.orm import Session

        from .models import Item

        api = APIRouter()


        @api.get("/items/{item_id}/archive", response_model=dict)
        def archive(item_id: int, session: Session = Depends(get_db)):
            session.delete(session.get(Item, item_id))
            session.commit()
            return {}
        """}, "BR306", monkeypatch)
    assert '@api.post("/items/{item_id}/archive", response_model=dict)' in \
        finding.fix.suggestion


def test_br306_on_a_django_view_warns_about_its_links(tmp_path, monkeypatch) -> None:
    # django-helpdesk: @require_POST broke the only caller, a GET <a href> in a template.
    shutil.copytree(ROOT / "fixtures" / "BR306", tmp_path / "br306")
    findings = _project(tmp_path, {}, "BR306", monkeypatch)
    django = [f for f in findings if "require_POST" in (f.fix.suggestion or "")]
    assert django and all("must become a POST form first" in f.fix.description
                          for f in django)


ROLES_MIXIN = """
    from rest_framework import viewsets
    from rest_framework.decorators import action


    class RolesMixin:
        @action(detail=True, methods=["get"])
        def list_roles(self, request, pk):
            return None

        @action(detail=True, methods=["post"])
        def add_role(self, request, pk):
            return None

        @action(detail=True, methods=["post"])
        def set_label(self, request, pk):
            return None

        @action(detail=True, methods=["post"])
        def repair(self, request, pk):
            return None


    class TaskViewSet(RolesMixin, viewsets.ModelViewSet):
        pass
    """


def test_br302_verb_actions_of_a_mixin_the_table_does_not_reach(tmp_path, monkeypatch) -> None:
    # pulpcore: RolesMixin/LabelsMixin on viewsets registered in a loop over plugins.
    findings = _project(tmp_path, {"app/viewsets.py": ROLES_MIXIN}, "BR302", monkeypatch)
    assert [(f.span.start_line, f.fix.description) for f in findings] == [
        (8, 'Name the resource, not the action: GET .../{pk}/roles/ (`url_path=` on the '
            '@action, methods=["get"])'),
        (12, 'Name the resource, not the action: POST .../{pk}/roles/ (`url_path=` on the '
             '@action, methods=["post"])'),
        # `set_label` reads like `set_customer`: the name cannot tell a keyed set of labels
        # from one attribute, so both forms are said (pulpcore's labels are keyed).
        (16, "Name the resource, not the action: PUT .../{pk}/label/ if there is one label "
             "per member (or PATCH .../{pk}/ with `label` in the body); PUT .../{pk}/labels/"
             "{label}/ if the member holds several, keyed (a sub-resource is an @action's "
             "`url_path=` and `methods=`; a PATCH of the member itself is the viewset's "
             "`partial_update`)")]
    # Near miss: registered, the actions are routes of the table and reported there, once.
    registered = ROLES_MIXIN + """
    from rest_framework.routers import DefaultRouter

    router = DefaultRouter()
    router.register("tasks", TaskViewSet)
    urlpatterns = router.urls
    """
    findings = _project(tmp_path, {"app/viewsets.py": registered}, "BR302", monkeypatch)
    assert sorted(f.message.split(":")[0] for f in findings) == [
        'route "GET /tasks/{pk}/list_roles/"', 'route "POST /tasks/{pk}/add_role/"',
        'route "POST /tasks/{pk}/set_label/"']


@pytest.mark.parametrize(("path", "member", "expected"), [
    # The job is named in the body and the table serves one job: its resource form has it
    # in the path.
    ("/api/jobs/cancel", True, "PATCH /api/jobs/{job_id} with the new state in the body"),
    ("/api/jobs/retry", True, "POST /api/jobs/{job_id}/retries"),
    # No route names one job (skypilot's cancel takes ids, a name or `all`; marimo's
    # requirements install takes what is missing): no member path is invented.
    ("/api/jobs/cancel", False, "PATCH /api/jobs with the jobs to change (named in the body, "
     "as now) and their new state: the table serves no single member of /api/jobs to change "
     "one by one"),
    ("/api/jobs/retry", False,
     "POST /api/jobs/retries (a new retry of the jobs, which the request selects as now)"),
    # Near miss: a DELETE has no body of defined meaning to select with: the member's path.
    ("/api/jobs/purge", False, "DELETE /api/jobs/{job_id}"),
    # Near miss: the id is already in the path.
    ("/api/jobs/{job_id}/cancel", False,
     "PATCH /api/jobs/{job_id} with the new state in the body"),
])
def test_br302_an_action_on_a_member_named_in_the_body(tmp_path, monkeypatch, path: str,
                                                       member: bool, expected: str) -> None:
    one = '\n\n        @app.get("/api/jobs/{job_id}")\n        def one(job_id: int):\n' \
          '            return {}\n' if member else ""
    (finding,) = _project(tmp_path, {"app.py": f"""
        from fastapi import FastAPI

        app = FastAPI()


        @app.post("{path}")
        def act(body: dict):
            return {{}}
        {one}"""}, "BR302", monkeypatch)
    assert finding.fix.description == f"Name the resource, not the action: {expected}"


BASKET_ACTIONS = """
    from rest_framework import viewsets
    from rest_framework.decorators import action


    class BasketViewSet(viewsets.GenericViewSet):
        @action(detail=True, methods=["post"])
        def update_quantity(self, request, pk=None):
            return None

        @action(detail=True, methods=["post"])
        def add_from_order(self, request, pk=None):
            return None

        @action(detail=True, methods=["post"])
        def set_fully_paid(self, request, pk=None):
            return None

        @action(detail=True, methods=["post"])
        def update_stocks(self, request, pk=None):
            return None

        @action(detail=True, methods=["post"])
        def remove_code(self, request, pk=None):
            return None
    """


def test_br302_verb_actions_invent_no_keyed_collection(tmp_path, monkeypatch) -> None:
    # shuup: `update_quantity` became PUT .../quantities/{quantity}/, `set_fully_paid`
    # .../fully-paids/{paid}/, `add_from_order` .../from-orders/, `update_stocks`
    # .../stocks/{stock}/ (a key the action never names).
    findings = _project(tmp_path, {"app/viewsets.py": BASKET_ACTIONS}, "BR302", monkeypatch)
    fixes = {f.span.start_line: f.fix.description for f in findings}
    assert "PATCH .../{pk}/ with `quantity` in the body if it is the member's own field" \
        in fixes[8]
    assert "quantities" not in fixes[8]
    assert fixes[12].startswith("Name the resource, not the action: POST .../{pk}/<the "
                                "sub-collection the new items join>/ with `order` in the body")
    assert "PATCH .../{pk}/ with `fully_paid` as the new state in the body" in fixes[16]
    assert "PATCH .../{pk}/stocks/ with the changes in the body" in fixes[20]
    assert "{stock}" not in fixes[20]
    # Near miss: removing one named member keeps its key in the path.
    assert fixes[24] == ('Name the resource, not the action: DELETE .../{pk}/codes/{code}/ '
                         '(`url_path=` on the @action, methods=["delete"])')



def test_br302_a_state_change_of_a_member_is_a_patch(tmp_path, monkeypatch) -> None:
    # pretalx make_submitted: "POST .../{pk}/submitteds" named a state as a collection.
    (finding,) = _project(tmp_path, {"app.py": """
        from fastapi import FastAPI

        app = FastAPI()


        @app.post("/submissions/{code}/make_submitted")
        def make_submitted(code: str):
            return {}
        """}, "BR302", monkeypatch)
    assert finding.fix.description == ("Name the resource, not the action: PATCH "
                                       "/submissions/{code} with `submitted` as the new state "
                                       "in the body")
    assert finding.fix.suggestion is None


@pytest.mark.parametrize(("verb", "expected"), [
    # pretalx remove-speaker: one speaker goes, not the sub-collection.
    ("remove_speaker", "DELETE /submissions/{code}/speakers/{speaker_id}"),
    # Near misses: adding to the sub-collection, and replacing all of it, stay on it.
    ("add_speaker", "POST /submissions/{code}/speakers"),
    ("set_speakers", "PUT /submissions/{code}/speakers"),
])
def test_br302_removing_one_member_of_a_sub_collection(tmp_path, monkeypatch, verb: str,
                                                       expected: str) -> None:
    (finding,) = _project(tmp_path, {"app.py": f"""
        from fastapi import FastAPI

        app = FastAPI()


        @app.post("/submissions/{{code}}/{verb}")
        def act(code: str, body: dict):
            return {{}}
        """}, "BR302", monkeypatch)
    assert finding.fix.description == f"Name the resource, not the action: {expected}"


def test_br206_on_an_inherited_post_decorates_the_view_class_by_name(tmp_path, monkeypatch
                                                                      ) -> None:
    (finding,) = _project(tmp_path, {"app/views.py": """
        from django.http import JsonResponse
        from django.urls import path
        from django.views import View


        class ConfirmMixin:
            def post(self, request, *args, **kwargs):
                request.session["confirmed"] = True
                return super().post(request, *args, **kwargs)


        class PlainView(View):
            def post(self, request, *args, **kwargs):
                return JsonResponse({"token": issue_token(request.POST)})


        class LoginView(ConfirmMixin, PlainView):
            pass


        urlpatterns = [path("login/", LoginView.as_view())]
        """}, "BR206", monkeypatch)
    tree = ast.parse(finding.fix.suggestion)
    (cls,) = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    # The shared mixin's post is left alone: the limit goes on LoginView, for its post.
    assert cls.name == "LoginView"
    assert [ast.unparse(d) for d in cls.decorator_list] == [
        "method_decorator(ratelimit(key='ip', rate='5/m', block=True), name='post')"]
    assert "def post" not in finding.fix.suggestion


# One FastAPI handler whose broad except answers with `{answer}` (its line is 12).
_ITEMS_HANDLER = """
        from fastapi import FastAPI, HTTPException, status
        from rest_framework.exceptions import ValidationError

        app = FastAPI()


        @app.post("/items")
        def create_item():
            try:
                return work()
            except Exception as e:
                {answer}
        """


@pytest.mark.parametrize(("answer", "how"), [
    ("raise HTTPException(status_code=422, detail=str(e))", "status 422"),
    ("raise HTTPException(status_code=status.HTTP_400_BAD_REQUEST, detail=str(e))",
     "HTTP_400_BAD_REQUEST"),
    ("raise ValidationError({'file': str(e)})", "ValidationError, a 400"),
    ("return {'parse_error': str(e)}", 'the "parse_error" field'),
])
def test_br401_a_client_error_gets_words_not_internal_server_error(tmp_path, monkeypatch,
                                                                    answer: str,
                                                                    how: str) -> None:
    # The client sent something that does not parse: "Internal server error" would
    # misdescribe a 4xx and hide what to correct; the right message is the project's to word.
    (finding,) = _project(tmp_path, {"api.py": _ITEMS_HANDLER.format(answer=answer)}, "BR401",
                          monkeypatch)
    assert finding.rule_id == "BR401" and finding.span.start_line == 12
    assert finding.fix is not None
    assert finding.fix.suggestion is None and finding.fix.edits == ()
    assert finding.fix.description.startswith(f"This answers a client error ({how}): a "
                                              f"generic 'Internal server error' would "
                                              f"misdescribe it")


@pytest.mark.parametrize("answer", [
    "raise HTTPException(status_code=500, detail=str(e)[:400])",
    "raise HTTPException(status_code=410, detail=str(e))",
])
def test_br401_a_length_slice_or_another_4xx_is_no_bad_input(tmp_path, monkeypatch,
                                                             answer: str) -> None:
    # Near misses: `[:400]` truncates the text; a 410 is pgadmin's status for every error,
    # not a statement about the input. Both keep the exact edit.
    (finding,) = _project(tmp_path, {"api.py": _ITEMS_HANDLER.format(answer=answer)}, "BR401",
                          monkeypatch)
    assert finding.fix is not None and finding.fix.edits
    assert 'detail="Internal server error"' in finding.fix.edits[-1].replacement


NAPALM = """
    from rest_framework.decorators import api_view
    from rest_framework.response import Response


    @api_view(["GET"])
    def napalm(request):
        response = {{}}
        for method in request.GET.getlist("method"):
            try:
                response[method] = run(method)
            except Exception as e:
                {handler}
        close()
        return Response(response)
    """


def test_br401_a_handler_that_stores_the_text_and_goes_on_keeps_its_flow(tmp_path,
                                                                          monkeypatch) -> None:
    # nautobot: one method's failure is stored and the loop goes on; a `return` of a 500 from
    # the handler would lose the other methods' results and skip close().
    stored = 'response[method] = {"error": f"Method {method} failed: {e}"}'
    (finding,) = _project(tmp_path, {"views.py": NAPALM.format(handler=stored)}, "BR401",
                          monkeypatch)
    assert (finding.rule_id, finding.span.start_line) == ("BR401", 12)
    assert finding.fix is not None and finding.fix.suggestion is None
    assert finding.fix.description.startswith(
        "The handler stores the exception's text (line 13) and goes on")
    # Near miss: a handler that answers itself gets the generic answer in code.
    answered = 'return Response({"error": str(e)}, status=500)'
    (finding,) = _project(tmp_path, {"views.py": NAPALM.format(handler=answered)}, "BR401",
                          monkeypatch)
    assert finding.fix is not None and finding.fix.edits
    assert '"Internal server error"' in finding.fix.edits[-1].replacement


RECOVERY_VIEW = """
    from django.urls import path
    from django.views.generic import TemplateView

    from .models import AuditLog


    class RecoveryCodesView(TemplateView):
        def get(self, request, *args, **kwargs):
            AuditLog.objects.create(user=request.user, activity="recovery-shown")
            return super().get(request, *args, **kwargs)
    {post}

    urlpatterns = [path("recovery-codes/", RecoveryCodesView.as_view())]
    """


def test_br306_a_view_that_has_a_post_gets_no_post_stub(tmp_path, monkeypatch) -> None:
    # weblate: post() already regenerates the codes; serving the page's write from post()
    # would replace the codes each time they are shown.
    existing = """
        def post(self, request, *args, **kwargs):
            regenerate_codes(request.user)
            return super().get(request, *args, **kwargs)
    """
    (finding,) = _project(tmp_path, {"views.py": RECOVERY_VIEW.format(post=existing)}, "BR306",
                          monkeypatch)
    assert finding.rule_id == "BR306" and "RecoveryCodesView.get" in finding.message
    assert finding.fix is not None and finding.fix.suggestion is None
    assert "`RecoveryCodesView` already has a post() that does something else" in \
        finding.fix.description
    # Near miss: without a post(), the get() still hands on to TemplateView's, which renders
    # the page: the page keeps its GET and only the write moves (session 16; a post() stub
    # here would have moved the page itself to POST, and every link to it would break).
    (finding,) = _project(tmp_path, {"views.py": RECOVERY_VIEW.format(post="")}, "BR306",
                          monkeypatch)
    assert finding.fix is not None and finding.fix.suggestion is None
    assert finding.fix.description.startswith(
        "This route shows a page (its handler renders one): keep the page a GET")


def test_br403_a_password_the_code_generates_is_not_redacted_blindly(tmp_path,
                                                                     monkeypatch) -> None:
    # mayan-edms: the log line hands a generated admin password to the operator; "log an
    # identifier instead" would remove the feature.
    findings = _project(tmp_path, {"accounts.py": """
        import logging
        import secrets

        logger = logging.getLogger(__name__)


        def create_admin(username, chosen):
            password = "".join(secrets.choice("abcdef0123") for _ in range(20))
            logger.info("created %s with password %s", username, password)


        def login(username, password):
            logger.info("login %s with password %s", username, password)


        def reset(user):
            token = secrets.token_urlsafe()
            logger.info("reset link token %s", token)
        """}, "BR403", monkeypatch)
    by_line = {f.span.start_line: f.fix for f in findings if f.rule_id == "BR403"}
    assert sorted(by_line) == [10, 14, 19]
    assert by_line[10] is not None and by_line[10].suggestion is None
    assert by_line[10].description.startswith("The code generates this secret itself")
    # Near misses: a password the caller passed in, and a token minted for a client.
    for line in (14, 19):
        assert by_line[line] is not None
        assert by_line[line].description.startswith("Log an identifier")


FLASK_LOGIN_FORM = """
    from flask import Blueprint
    {imports}

    bp = Blueprint("auth", __name__)


    @bp.route("/login", methods=[{methods}])
    def login():
        return check_password()
    """


@pytest.mark.parametrize(("methods", "imports", "limit", "new"), [
    ('"GET", "POST"', "", 'limiter.limit("5 per minute", methods=["POST"])', True),
    ('"POST"', "from flask_limiter import Limiter", 'limiter.limit("5 per minute")', False),
])
def test_br206_flask_limit_counts_submissions_and_names_a_new_dependency(
        tmp_path, monkeypatch, methods: str, imports: str, limit: str, new: bool) -> None:
    # ckan / fief: the login page renders its form on GET; a bare limit counts page views as
    # attempts. Flask-Limiter is not imported anywhere: the fix says it adds a dependency.
    findings = _project(tmp_path, {"auth.py": FLASK_LOGIN_FORM.format(
        methods=methods, imports=imports)}, "BR206", monkeypatch)
    (finding,) = [f for f in findings if f.rule_id == "BR206"]
    assert finding.span.start_line == 8 and finding.fix is not None
    assert f"@{limit}" in (finding.fix.suggestion or "")
    assert finding.fix.description.endswith(
        "Flask-Limiter is not yet a dependency of this project: adding it is part of the fix"
    ) is new


def test_br212_says_when_the_development_flag_is_its_own() -> None:
    # phoenix: os.environ.get("GRAPHQL_INTROSPECTION") is no setting of the project; the text
    # says the variable is new. Near miss: a Django endpoint reads settings.DEBUG, which exists.
    from backendreview.engine import finish, review_source
    from backendreview.metadata import load_rule_docs

    def fixes(name: str) -> list:  # type: ignore[type-arg]
        text = (ROOT / "fixtures" / "BR212" / name).read_text(encoding="utf-8")
        result = review_source(text.encode(), name, Config(), ("BR212",))
        return [f.fix for f in finish([result], Config(), ("BR212",), load_rule_docs()).findings
                if f.fix is not None]

    env = fixes("strawberry_extensions.py")
    django = fixes("graphene_django_urls.py")
    assert env and all("GRAPHQL_INTROSPECTION" in (f.suggestion or "") for f in env)
    assert all("GRAPHQL_INTROSPECTION is a new environment variable this suggestion "
               "introduces" in f.description for f in env)
    assert django and all("settings.DEBUG" in (f.suggestion or "") for f in django)
    assert not any("new environment variable" in f.description for f in django)


def test_br401_the_fix_names_the_other_place_that_shows_the_text(tmp_path, monkeypatch) -> None:
    # mayan-edms: the AJAX answer is rewritten, and the text also reaches messages.error() in
    # the other branch; the fix says so instead of leaving it unsaid.
    (finding,) = _project(tmp_path, {"views.py": """
        from django.contrib import messages
        from django.http import JsonResponse


        def upload(request):
            try:
                run_upload(request)
            except Exception as exception:
                if request.headers.get("x-requested-with"):
                    return JsonResponse({"error": str(exception)}, status=500)
                else:
                    messages.error(request, str(exception))
            return JsonResponse({})
        """}, "BR401", monkeypatch)
    assert finding.rule_id == "BR401" and finding.fix is not None and finding.fix.edits
    assert finding.fix.description.endswith(
        "The exception's text also reaches line 13 (`messages.error(...)`): replace it there "
        "too.")
    # Near miss: a fixed message in the other branch is nothing more to replace.
    (finding,) = _project(tmp_path, {"views.py": """
        from django.contrib import messages
        from django.http import JsonResponse


        def upload(request):
            try:
                run_upload(request)
            except Exception as exception:
                if request.headers.get("x-requested-with"):
                    return JsonResponse({"error": str(exception)}, status=500)
                else:
                    messages.error(request, "The upload failed")
            return JsonResponse({})
        """}, "BR401", monkeypatch)
    assert finding.fix is not None and "also reaches" not in finding.fix.description


def test_br403_printing_a_generated_key_is_the_commands_output(tmp_path, monkeypatch) -> None:
    # nautobot's generate_secret_key.py prints the key it makes: that is the handover.
    findings = _project(tmp_path, {"keys.py": """
        import secrets


        def make_key(password):
            secret_key = secrets.token_hex(32)
            print(secret_key)
            print(password)
        """}, "BR403", monkeypatch)
    by_line = {f.span.start_line: f.fix for f in findings if f.rule_id == "BR403"}
    assert sorted(by_line) == [7, 8]
    assert by_line[7] is not None and by_line[7].suggestion is None
    assert by_line[7].description.startswith("The code generates this secret itself and print() "
                                             "writes it to the command's output")
    # Near miss: a password handed in is printed, not generated here.
    assert by_line[8] is not None and by_line[8].description.startswith("Log an identifier")


def test_br306_a_drf_action_says_its_get_callers_must_switch(tmp_path, monkeypatch) -> None:
    # nautobot: methods=["post"] alone broke the <a href> button that called the action.
    (finding,) = _project(tmp_path, {"views.py": """
        from rest_framework import routers, viewsets
        from rest_framework.decorators import action
        from rest_framework.response import Response

        from .models import SavedView


        class SavedViewViewSet(viewsets.ModelViewSet):
            @action(detail=True, methods=["get"])
            def set_default(self, request, pk=None):
                SavedView.objects.filter(pk=pk).update(is_default=True)
                return Response({})


        router = routers.DefaultRouter()
        router.register("saved-views", SavedViewViewSet)
        urlpatterns = router.urls
        """}, "BR306", monkeypatch)
    assert finding.rule_id == "BR306" and finding.fix is not None
    assert finding.fix.description == (
        "Declare the action for a write method. Whatever calls it with GET today (a link or "
        "button in the UI, a script, an API client) must switch to POST first, or it breaks. "
        "Keep the @action's other arguments as written (permission_classes, serializer_class, "
        "...): only `methods` changes.")
    assert 'action(detail=True, methods=["post"])' in (finding.fix.suggestion or "")


REGENERATE = """
    from fastapi import FastAPI

    app = FastAPI()


    @app.post("/api/v1/keys/{key_id}/regenerate")
    def regenerate_key(key_id: str):
        return None


    @app.post("/api/v1/reports/{report_id}/regenerate")
    def regenerate_report(report_id: str):
        return None
    """


def test_br302_regenerating_a_credential_is_a_rotation(tmp_path, monkeypatch) -> None:
    # litellm: POST /key/{key}/regenerate was proposed as POST /key/{key}/runs.
    findings = _project(tmp_path, {"app/main.py": REGENERATE}, "BR302", monkeypatch)
    fixes = {f.span.start_line: f.fix.description for f in findings}
    assert fixes[7] == ("Name the resource, not the action: "
                        "POST /api/v1/keys/{key_id}/rotations")
    # Near miss: a report is no credential; its regeneration stays a run.
    assert fixes[12] == ("Name the resource, not the action: "
                         "POST /api/v1/reports/{report_id}/runs")


ASYNC_SESSION_GETS = """
    from fastapi import APIRouter
    from sqlalchemy.ext.asyncio import AsyncSession
    from sqlmodel import select

    from .models import Project, User

    router = APIRouter()


    @router.get("/projects/owners")
    async def owners(session: AsyncSession):
        projects = (await session.exec(select(Project))).all()
        names = []
        for project in projects:
            user = await session.get(User, project.user_id)
            names.append(user.name)
        return names
    """
# The same loop on a plain Session, with no select imported.
SYNC_SESSION_GETS = (ASYNC_SESSION_GETS.replace("async def", "def")
                     .replace("from sqlalchemy.ext.asyncio import AsyncSession",
                              "from sqlalchemy.orm import Session")
                     .replace("AsyncSession", "Session").replace("await ", "")
                     .replace("from sqlmodel import select\n", "")
                     .replace("(session.exec(select(Project))).all()",
                              "session.query(Project).all()"))
MODELS = """
    from sqlmodel import Field, SQLModel


    class User(SQLModel, table=True):
        id: int = Field(primary_key=True)
        name: str


    class Project(SQLModel, table=True):
        id: int = Field(primary_key=True)
        user_id: int
    """


def test_br102_session_get_on_an_async_session_awaits_scalars(tmp_path, monkeypatch) -> None:
    # langflow: `await session.get(...)` in a loop was batched as `session.query(...)`, which
    # an AsyncSession does not have.
    (finding,) = _project(tmp_path, {"app/routes.py": ASYNC_SESSION_GETS,
                                     "app/models.py": MODELS}, "BR102", monkeypatch)
    assert finding.span.start_line == 16
    assert finding.fix.suggestion == (
        "(await session.scalars(select(User).where(User.id.in_("
        "[project.user_id for project in projects])))).all()")
    ast.parse(finding.fix.suggestion)
    # Near miss: a plain Session keeps the `.query()` form (no select imported here).
    (sync,) = _project(tmp_path / "sync", {"app/routes.py": SYNC_SESSION_GETS,
                                           "app/models.py": MODELS}, "BR102", monkeypatch)
    assert sync.fix.suggestion == (
        "session.query(User).filter(User.id.in_([project.user_id for project in projects]))"
        ".all()")


OWN_LIMIT_DECORATOR = {
    "app/util.py": """
        from flask_limiter import Limiter
        from flask_limiter.util import get_remote_address

        app_limiter = None


        def init_limiter(app):
            global app_limiter
            app_limiter = Limiter(get_remote_address, app=app)


        def limit(*args, **kwargs):
            return app_limiter.limit(*args, **kwargs)
        """,
    "app/api.py": """
        from flask import Blueprint

        from app.util import limit

        api = Blueprint("api", __name__)


        @api.route("/login", methods=["POST"])
        @limit("3/minute")
        def login():
            return "", 204


        @api.route("/users/<name>/password", methods=["PUT"])
        def change_password(name):
            check_password(name, request.json["current_password"])
            return "", 204
        """,
}


def test_br206_reuses_the_projects_own_limit_decorator(tmp_path, monkeypatch) -> None:
    # octoprint: a project `limit(...)` wrapping Flask-Limiter already limits /api/login;
    # the fix proposed a second Limiter and called Flask-Limiter "not yet a dependency".
    findings = _project(tmp_path, OWN_LIMIT_DECORATOR, "BR206", monkeypatch)
    (finding,) = [f for f in findings if "change_password" in f.message]
    assert finding.fix.description.startswith(
        "Limit the route with the project's own `limit` decorator (app.util.limit")
    # app/api.py imports `limit` already: no import line; the handler keeps its parameters.
    assert finding.fix.suggestion == (
        '# below the route decorator\n@limit("5 per minute")\n'
        "def change_password(name):\n    ...")
    assert "Limiter(" not in finding.fix.suggestion


def test_br206_an_unused_limit_decorator_is_not_proposed(tmp_path, monkeypatch) -> None:
    # Near miss: the same decorator on no route is no convention of the project's; the fix
    # stays Flask-Limiter's own (which the project already imports).
    api = OWN_LIMIT_DECORATOR["app/api.py"].replace('        @limit("3/minute")\n', "")
    findings = _project(tmp_path, {**OWN_LIMIT_DECORATOR, "app/api.py": api}, "BR206",
                        monkeypatch)
    (finding,) = [f for f in findings if "change_password" in f.message]
    assert finding.fix.description == "Limit the route with Flask-Limiter"
    assert "@limiter.limit(" in (finding.fix.suggestion or "")


def test_br403_a_key_shown_to_the_user_is_handed_over_not_redacted() -> None:
    # langflow: the log lines are the fallback display of a key shown once; "log an
    # identifier instead" would make the command useless there.
    path = ROOT / "fixtures" / "BR403" / "shown_then_logged.py"
    result = review_source(path.read_text(encoding="utf-8"), "shown_then_logged.py", Config(),
                           ("BR403",))
    fixes = {f.span.start_line: f.fix.description for f in result.findings}
    assert fixes[19].startswith("The same function also shows `unmasked.api_key` to the user "
                                "(line 14): this log line is the fallback by which they "
                                "receive it")
    # Near miss: a key sent to another service is not shown to anyone: redact it.
    assert fixes[27].startswith("Log an identifier (the user id, the key's last 4 characters)")


RUNS = """
    from fastapi import FastAPI
    from pydantic import BaseModel

    app = FastAPI()


    class Batch(BaseModel):
        ids: list[str]


    @app.{method}("{path}")
    async def handler({params}):
        return {{}}
    """


@pytest.mark.parametrize(("method", "path", "params", "expected"), [
    # A read whose input is a body stays a POST: a GET cannot carry the body.
    ("post", "/runs/{run_id}/metric/get-batch/", "run_id: str, traces: Batch", None),
    ("post", "/runs/{run_id}/get_metrics", "run_id: str, traces: Batch",
     "POST /runs/{run_id}/metrics (a POST still: a GET cannot carry the request body the "
     "handler reads)"),
    # Near miss: nothing in a body, the read becomes a GET.
    ("post", "/runs/{run_id}/get_metrics", "run_id: str", "GET /runs/{run_id}/metrics"),
    # The member is already named after the verb: the verb goes, no id is invented.
    ("delete", "/runs/delete/{flow_id}/{file_name}", "flow_id: str, file_name: str",
     "DELETE /runs/flows/{flow_id}/{file_name}"),
])
def test_br302_keeps_the_body_and_invents_no_id(tmp_path, monkeypatch, method: str, path: str,
                                                params: str, expected: str | None) -> None:
    source = RUNS.format(method=method, path=path, params=params)
    (finding,) = _project(tmp_path, {"app.py": source}, "BR302", monkeypatch)
    assert finding.rule_id == "BR302" and finding.span.start_line == 12
    if expected is None:
        # `get-batch`: several traces at once, listed in the body
        assert finding.fix.description.startswith(
            "This acts on several members at once (batch), listed in the request body")
        assert "POST /runs/{run_id}/metric:batchGet" in finding.fix.description
        assert finding.fix.suggestion is None
    else:
        assert finding.fix.description == f"Name the resource, not the action: {expected}"


def test_br302_a_batch_delete_names_no_member(tmp_path, monkeypatch) -> None:
    source = RUNS.format(method="post", path="/runs/delete-batch/", params="batch: Batch")
    (finding,) = _project(tmp_path, {"app.py": source}, "BR302", monkeypatch)
    assert finding.span.start_line == 12
    assert finding.fix.description == (
        "This acts on several members at once (batch), listed in the request body: "
        "DELETE /runs/{run_id} serves one member; a list in the body has no resource form "
        "that keeps it (a GET or DELETE body has no defined meaning), so keep the batch a POST "
        "and name it as an operation rather than a resource, e.g. a custom method "
        "POST /runs:batchDelete; do not put a member id in the path, the handler reads none.")
    assert finding.fix.suggestion is None


def test_br302_a_member_taken_from_the_body_says_where_it_goes(tmp_path, monkeypatch) -> None:
    source = RUNS.format(method="delete", path="/documents/delete_document", params="delete_request: Batch")
    (finding,) = _project(tmp_path, {"app.py": source}, "BR302", monkeypatch)
    assert finding.fix.description == (
        "Name the resource, not the action: DELETE /documents/{document_id}, the member "
        "named in the path instead of the request body (`delete_request`); to act on several at "
        "once, a batch operation stays a POST (POST /documents/batch-delete), since a DELETE or GET body has no "
        "defined meaning")
    assert finding.fix.suggestion == '"/documents/{document_id}"'


ROUTE_TABLE_LIMIT_DECORATOR = {
    "web/helpers.py": """
        import functools

        from limits import parse
        from starlette.requests import Request


        def rate_limit_post(_func=None, any_response_code=False):
            def decorator_wrapper(func):
                @functools.wraps(func)
                async def endpoint_wrapper(request: Request, *args, **kwargs):
                    limiter = request.app.state.rate_limiter
                    if not await limiter.test(parse("5/minute"), "post", request.client.host):
                        return None
                    return await func(request, *args, **kwargs)
                return endpoint_wrapper
            if _func is None:
                return decorator_wrapper
            return decorator_wrapper(_func)
        """,
    "web/__init__.py": "",
    "web/endpoints.py": """
        from starlette.requests import Request

        from web.helpers import rate_limit_post


        @rate_limit_post
        async def login(request: Request):
            form = await request.form()
            return form["password"]


        async def otp_register(request: Request):
            form = await request.form()
            return verify_otp(form["otp"])
        """,
    "web/routes.py": """
        from starlette.routing import Route

        from .endpoints import login, otp_register

        AUTH_ROUTES = [
            Route("/login/", login, methods=["GET", "POST"]),
            Route("/otp-register/", otp_register, methods=["POST"]),
        ]
        """,
}


def test_br206_names_the_projects_decorator_on_a_route_tables_handler(
        tmp_path, monkeypatch) -> None:
    # irrd: `@rate_limit_post` limits its other password forms; the fix proposed slowapi.
    findings = _project(tmp_path, ROUTE_TABLE_LIMIT_DECORATOR, "BR206", monkeypatch)
    (finding,) = findings
    assert (finding.path, finding.span.start_line) == ("web/routes.py", 8)
    assert "(otp_register) is an authentication endpoint" in finding.message
    assert finding.fix.description == (
        "Limit the route with the project's own `rate_limit_post` decorator "
        "(web.helpers.rate_limit_post, already on other routes of the project)")
    # Bare, as the project writes it; on the handler (a route table has no decorator to go
    # below); endpoints.py imports it already.
    assert finding.fix.suggestion == (
        "# on the handler, in web/endpoints.py\n@rate_limit_post\n"
        "async def otp_register(request):\n    ...")
    assert "slowapi" not in finding.fix.suggestion


WRAPPERS = """
    import functools
    import sys

    from flask import Flask

    from .errors import ErrorCapture

    app = Flask(__name__)


    def capture_error(fn):
        @functools.wraps(fn)
        def _fn(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except Exception:
                return ErrorCapture.on_exception(sys.exc_info())

        return _fn


    def capture_text(fn):
        @functools.wraps(fn)
        def _fn(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except Exception as exc:
                return {"error": str(exc)}, 500

        return _fn


    @app.route("/items")
    @capture_error
    def items():
        return load()


    @app.route("/other")
    @capture_text
    def other():
        return load()
    """


def test_br401_leaves_the_exception_handed_to_a_project_function(tmp_path,
                                                                   monkeypatch) -> None:
    """`on_exception(sys.exc_info())` takes the exception, not its text: no string goes in
    its place (words for the function instead); `{"error": str(exc)}` (near miss) is text,
    replaced in place with the wrapper's indentation."""
    handed, text = _project(tmp_path, {"app/views.py": WRAPPERS, "app/errors.py": """
        import traceback


        class ErrorCapture:
            @staticmethod
            def on_exception(exc_info):
                return {"error": "".join(traceback.format_exception(*exc_info))}
        """}, "BR401", monkeypatch)
    assert (handed.span.start_line, text.span.start_line) == (17, 28)
    assert handed.fix.edits == () and handed.fix.suggestion is None
    assert handed.fix.description.startswith(
        "`ErrorCapture.on_exception` is handed the exception itself (`sys.exc_info()`), not "
        "its text")
    assert text.fix.edits[-1].replacement == (
        'logger.exception("_fn failed")\n'
        '            return {"error": "Internal server error"}, 500')


STRUCT_ANSWER = """
    from fastapi import APIRouter

    from .responses import StructResponse, ToolResponse

    router = APIRouter()


    @router.post("/tools/{name}/invoke")
    async def invoke_tool(name: str):
        try:
            return StructResponse(ToolResponse(success=True, tool_name=name, error=None))
        except Exception as e:
            return StructResponse(
                ToolResponse(
                    success=False,
                    tool_name=name,
                    error=f"Tool invocation failed: {e!s}",
                )
            )
    """


def test_br401_keeps_the_response_models_shape(tmp_path, monkeypatch) -> None:
    """marimo: the text is one field of a model inside the response; the model and its other
    fields stay, only the field's exception part goes."""
    (finding,) = _project(tmp_path, {"app/tools.py": STRUCT_ANSWER}, "BR401", monkeypatch)
    assert finding.span.start_line == 13
    assert finding.fix.suggestion == (
        'logger.exception("invoke_tool failed")\n'
        'return StructResponse(\n'
        '            ToolResponse(\n'
        '                success=False,\n'
        '                tool_name=name,\n'
        '                error="Tool invocation failed",\n'
        '            )\n'
        '        )')


def test_br401_a_model_without_named_fields_keeps_its_type(tmp_path, monkeypatch) -> None:
    # `ToolError(str(e))`: the error type stays, its text is the generic one.
    text = STRUCT_ANSWER.replace('''ToolResponse(
                    success=False,
                    tool_name=name,
                    error=f"Tool invocation failed: {e!s}",
                )''', "ToolError(str(e))").replace("ToolResponse\n", "ToolResponse, ToolError\n")
    (finding,) = _project(tmp_path, {"app/tools.py": text}, "BR401", monkeypatch)
    assert finding.fix.suggestion.endswith('StructResponse(\n            '
                                           'ToolError("Internal server error")\n        )')


def test_br302_create_action_on_a_singular_collection_posts_to_it(tmp_path, monkeypatch) -> None:
    # kolibri's `POST /facility/create_facility/`: the collection before the verb is the one
    # it creates into, spelled in the singular; not a nested `facility/facilities`.
    findings = _project(tmp_path, {"app/api.py": """
        from rest_framework import routers, viewsets
        from rest_framework.decorators import action
        from rest_framework.response import Response


        class FacilityViewSet(viewsets.ModelViewSet):
            @action(detail=False, methods=["post"])
            def create_facility(self, request):
                return Response({})


        class ClassroomViewSet(viewsets.ModelViewSet):
            @action(detail=False, methods=["post"])
            def create_lesson(self, request):
                return Response({})


        router = routers.DefaultRouter()
        router.register("facility", FacilityViewSet, basename="facility")
        router.register("classroom", ClassroomViewSet, basename="classroom")
        urlpatterns = router.urls
        """}, "BR302", monkeypatch)
    fixes = sorted(f.fix.description for f in findings)
    assert "facility/facilities" not in fixes[1]
    assert fixes[1].startswith("Name the resource, not the action: POST /facility"), fixes
    # Near miss: another noun than the collection's is a sub-collection of its own.
    assert fixes[0].startswith("Name the resource, not the action: POST /classroom/lessons"), fixes


def test_br302_block_of_another_user_goes_to_the_callers_list(tmp_path, monkeypatch) -> None:
    # fittrackee's `POST /users/<user_name>/block`: the block is the caller's relation, so
    # PATCH /users/<user_name> would edit the other user; the table lists the caller's blocks.
    findings = _project(tmp_path, {"app/api.py": """
        from flask import Blueprint, jsonify

        bp = Blueprint("users", __name__, url_prefix="/api")


        @bp.route("/users/<user_name>/block", methods=["POST"])
        def block_user(user_name):
            return jsonify({})


        @bp.route("/users/<user_name>/unblock", methods=["POST"])
        def unblock_user(user_name):
            return jsonify({})


        @bp.route("/auth/blocked-users", methods=["GET"])
        def get_blocked_users():
            return jsonify([])


        @bp.route("/groups/<group_id>/block", methods=["POST"])
        def block_group(group_id):
            return jsonify({})
        """}, "BR302", monkeypatch)
    fixes = {f.span.start_line: f.fix.description for f in findings}
    assert fixes[7].startswith("Name the resource, not the action: POST /api/auth/blocked-users "
                               "with the user in the body; the block is the caller's relation")
    assert fixes[12].startswith(
        "Name the resource, not the action: DELETE /api/auth/blocked-users/<user_name>;")
    # Near miss: a group is no user: blocking it is a state of the group.
    assert fixes[22] == ("Name the resource, not the action: PATCH /api/groups/<group_id> with "
                         "the new state in the body")
