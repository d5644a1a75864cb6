"""BR206 fixes that fit the project: the project's own limit decorator called the way its
definition takes it, and a word on the second credential path (HTTP Basic) when the project
has one."""

from __future__ import annotations

import ast
from pathlib import Path

from .projects import project_findings


def _br206(tmp_path: Path, files: dict[str, str], monkeypatch):  # type: ignore[no-untyped-def]
    return project_findings(tmp_path, files, "BR206", monkeypatch)


WINDOW_LIMIT = {
    "app/util.py": """
        from flask_limiter import Limiter
        from flask_limiter.util import get_remote_address

        app_limiter = None


        def init_limiter(app):
            global app_limiter
            app_limiter = Limiter(get_remote_address, app=app)


        def rate_limit(max_calls, period=60):
            return app_limiter.limit(f"{max_calls} per {period} seconds")
        """,
    "app/api.py": """
        from flask import Blueprint

        from app.util import rate_limit

        api = Blueprint("api", __name__)


        @api.route("/login", methods=["POST"])
        @rate_limit(5, period=60)
        def login():
            return "", 204


        @api.route("/users/<name>/password", methods=["PUT"])
        def change_password(name):
            from flask import request
            from werkzeug.security import check_password_hash

            if not check_password_hash(stored_hash(name), request.json["old_password"]):
                return "", 403
            return "", 204
        """,
}


def test_project_limit_decorator_is_called_with_its_own_parameters(tmp_path, monkeypatch) -> None:
    # `rate_limit(max_calls, period)` takes no rate string: "5 per minute" as max_calls
    # would be a wrong call; its parameters are named for the reader to fill.
    (finding,) = [f for f in _br206(tmp_path, WINDOW_LIMIT, monkeypatch)
                  if "change_password" in f.message]
    assert finding.rule_id == "BR206" and finding.span.start_line == 15
    assert finding.fix.suggestion == (
        "# below the route decorator\n@rate_limit(max_calls=..., period=...)\n"
        "def change_password(name):\n    ...")
    ast.parse(finding.fix.suggestion)


def test_a_rate_first_limit_decorator_still_takes_the_rate(tmp_path, monkeypatch) -> None:
    # Near miss: a first parameter named for the rate takes the rate string.
    util = WINDOW_LIMIT["app/util.py"].replace("max_calls, period=60", "rate").replace(
        'f"{max_calls} per {period} seconds"', "rate")
    api = WINDOW_LIMIT["app/api.py"].replace("@rate_limit(5, period=60)",
                                             '@rate_limit("5/minute")')
    (finding,) = [f for f in _br206(tmp_path, {"app/util.py": util, "app/api.py": api},
                                    monkeypatch) if "change_password" in f.message]
    assert finding.fix.suggestion == (
        '# below the route decorator\n@rate_limit("5 per minute")\n'
        "def change_password(name):\n    ...")


BASIC_AND_TOKEN = {
    "bot/auth.py": """
        from fastapi import APIRouter, Depends
        from fastapi.security import HTTPBasic, HTTPBasicCredentials

        router_login = APIRouter()
        httpbasic = HTTPBasic(auto_error=False)


        def http_basic_or_token(form_data: HTTPBasicCredentials = Depends(httpbasic)):
            return form_data


        @router_login.post("/token/login")
        def token_login(form_data: HTTPBasicCredentials = Depends(httpbasic)):
            from passlib.hash import bcrypt

            if not bcrypt.verify(form_data.password, stored_hash(form_data.username)):
                return {"detail": "wrong password"}
            return {"access_token": "..."}
        """,
}


def test_login_fix_says_basic_auth_is_a_second_guessing_path(tmp_path, monkeypatch) -> None:
    (finding,) = _br206(tmp_path, BASIC_AND_TOKEN, monkeypatch)
    assert finding.span.start_line == 13
    assert finding.fix.description.endswith(
        "; the project also accepts HTTP Basic credentials (bot.auth), checked on every route "
        "that scheme guards: a limit on this route alone leaves password guessing open there, "
        "so count failed Basic checks where they are verified too")


def test_a_basic_scheme_in_another_module_is_not_the_logins(tmp_path, monkeypatch) -> None:
    # Near miss (fief): Basic checks OAuth client secrets in a dependency module; the login
    # route's module takes no Basic credentials.
    login = BASIC_AND_TOKEN["bot/auth.py"].replace(
        "from fastapi.security import HTTPBasic, HTTPBasicCredentials\n", "").replace(
        "httpbasic = HTTPBasic(auto_error=False)\n", "").replace(
        "HTTPBasicCredentials = Depends(httpbasic)", "dict")
    client = ("from fastapi.security import HTTPBasic\n\n"
              "client_secret_basic = HTTPBasic(auto_error=False)\n")
    findings = _br206(tmp_path, {"bot/auth.py": login, "bot/clients.py": client}, monkeypatch)
    (finding,) = [f for f in findings if "token_login" in f.message]
    assert "HTTP Basic" not in finding.fix.description


def test_no_basic_scheme_no_word_about_it(tmp_path, monkeypatch) -> None:
    # Near miss: OAuth2 password form only; nothing else takes the password.
    text = BASIC_AND_TOKEN["bot/auth.py"].replace(
        "from fastapi.security import HTTPBasic, HTTPBasicCredentials",
        "from fastapi.security import OAuth2PasswordRequestForm as HTTPBasicCredentials\n"
        "        from fastapi.security import OAuth2PasswordBearer as HTTPBasic")
    (finding,) = _br206(tmp_path, {"bot/auth.py": text}, monkeypatch)
    assert "HTTP Basic" not in finding.fix.description


REQUEST_LIMIT = {
    "srv/rate_limit.py": """
        from fastapi import Request


        def rate_limit_requests(day_limit=None, minute_limit=None):
            limiter = RequestLimiter(day_limit=day_limit, minute_limit=minute_limit)

            def decorator(func):
                def decorated(request: Request, *args, **kwargs):
                    with limiter.limit_failed_requests(request):
                        return func(request, *args, **kwargs)

                return decorated

            return decorator
        """,
    "srv/users.py": """
        from fastapi import APIRouter, Request
        from passlib.hash import bcrypt

        from srv.rate_limit import rate_limit_requests

        router = APIRouter()


        @router.post("/login")
        @rate_limit_requests(day_limit=100, minute_limit=5)
        def login(request: Request, name: str, password: str):
            return {"ok": bcrypt.verify(password, stored_hash(name))}


        @router.put("/users/{name}/activate")
        def activate_user(name: str, password: str):
            if not bcrypt.verify(password, stored_hash(name)):
                return {"ok": False}
            return {"ok": True}
        """,
}


def test_fastapi_limit_decorator_brings_the_request_parameter(tmp_path, monkeypatch) -> None:
    # zenml's `rate_limit_requests` reads the client from a `Request` parameter (and
    # refuses a handler without one): the suggested handler takes one.
    (finding,) = [f for f in _br206(tmp_path, REQUEST_LIMIT, monkeypatch)
                  if "activate_user" in f.message]
    assert finding.span.start_line == 16
    assert finding.fix.suggestion == (
        "from fastapi import Request\n\n# below the route decorator\n"
        "@rate_limit_requests(day_limit=..., minute_limit=...)\n"
        "def activate_user(request: Request, name, password):\n    ...")
    assert finding.fix.description.endswith(
        "; the handler takes no request, which the limit reads the client from: add a "
        "`request: Request` parameter (FastAPI fills it)")
    ast.parse(finding.fix.suggestion)


def test_a_handler_with_a_request_keeps_its_parameters(tmp_path, monkeypatch) -> None:
    # Near miss: the handler already takes the request under another name, annotated.
    users = REQUEST_LIMIT["srv/users.py"].replace(
        "def activate_user(name: str, password: str):",
        "def activate_user(http_request: Request, name: str, password: str):")
    (finding,) = [f for f in _br206(tmp_path, {**REQUEST_LIMIT, "srv/users.py": users},
                                    monkeypatch) if "activate_user" in f.message]
    assert finding.fix.suggestion == (
        "# below the route decorator\n"
        "@rate_limit_requests(day_limit=..., minute_limit=...)\n"
        "def activate_user(http_request, name, password):\n    ...")
    assert "request: Request" not in finding.fix.description


def test_a_method_handler_takes_the_request_after_self(tmp_path, monkeypatch) -> None:
    # A route declared on a method: `request` goes after `self`, never before it.
    users = REQUEST_LIMIT["srv/users.py"].replace(
        """
        @router.put("/users/{name}/activate")
        def activate_user(name: str, password: str):
            if not bcrypt.verify(password, stored_hash(name)):
                return {"ok": False}
            return {"ok": True}
        """, """
        class Users:
            @router.put("/users/{name}/activate")
            def activate_user(self, name: str, password: str):
                if not bcrypt.verify(password, stored_hash(name)):
                    return {"ok": False}
                return {"ok": True}
        """)
    assert "class Users" in users
    (finding,) = [f for f in _br206(tmp_path, {**REQUEST_LIMIT, "srv/users.py": users},
                                    monkeypatch) if "activate_user" in f.message]
    assert finding.fix.suggestion.endswith(
        "def activate_user(self, request: Request, name, password):\n    ...")
    ast.parse(finding.fix.suggestion)
