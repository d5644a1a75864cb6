"""Routes a project decorator (factory) registers: each use's route runs the decorated
function inside the factory's wrapper, so what guards the wrapper guards the route."""

from __future__ import annotations

import textwrap

from .projects import project_findings, route_auth

FACTORY_ONLY = """\
    import functools

    import flask
    from flask_login import login_required

    _app = flask.Flask(__name__)


    def api(path, **flask_kwargs):
        def outer(func):
            @_app.route(path, **flask_kwargs)
            @login_required
            @functools.wraps(func)
            def wrapper(*args, **kwargs):
                return func(*args, **kwargs)
            return wrapper
        return outer
    """

MAKER = FACTORY_ONLY + """\


    def open_api(path, **flask_kwargs):
        def outer(func):
            @_app.route(path, **flask_kwargs)
            @functools.wraps(func)
            def wrapper(*args, **kwargs):
                return func(*args, **kwargs)
            return wrapper
        return outer


    def api_endpoint(func):
        method, _, name = func.__name__.partition("_")

        @_app.route(f"/{name}", methods=[method])
        @login_required
        @functools.wraps(func)
        def _wrapper():
            return func()
        return _wrapper


    @api("/v1/items", methods=["POST"])
    def create_item():
        return flask.jsonify(ok=True)


    @open_api("/v1/notes", methods=["POST"])
    def create_note():
        return flask.jsonify(ok=True)


    @api_endpoint
    def post_upload():
        return flask.jsonify(ok=True)
    """


def test_the_wrappers_auth_decorator_guards_each_use(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "main.py").write_text(textwrap.dedent(MAKER), encoding="utf-8")
    auth = route_auth(capsys, tmp_path)
    assert auth["POST /v1/items"] == ["flask_login.login_required"]
    assert auth["POST /upload"] == ["flask_login.login_required"]
    # Near miss: a factory whose wrapper carries no guard adds none.
    assert auth["POST /v1/notes"] == []


def test_no_unauthenticated_write_behind_the_wrappers_login(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    found = project_findings(tmp_path, {"main.py": MAKER}, "BR207", monkeypatch)
    # Only the open factory's use is an unauthenticated write.
    assert [(f.rule_id, f.span.start_line) for f in found] == [("BR207", 46)]
    assert "POST /v1/notes" in found[0].message


USES = """\
    import flask

    from main import api


    @api("/v1/other", methods=["DELETE"])
    def delete_other():
        return flask.jsonify(ok=True)
    """


def test_a_factory_used_only_elsewhere_keeps_its_wrappers_route(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    # Uses in other modules are not followed: the wrapper's own route, path unknown, stands
    # for them (dropping it left the project without those routes).
    (tmp_path / "main.py").write_text(textwrap.dedent(FACTORY_ONLY), encoding="utf-8")
    (tmp_path / "views.py").write_text(textwrap.dedent(USES), encoding="utf-8")
    assert route_auth(capsys, tmp_path) == {"GET {?}": ["flask_login.login_required"]}


def test_a_factory_used_in_its_module_shows_the_uses_not_the_wrapper(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    # Near miss: one use in the factory's module: that use's route, no `{?}` wrapper row.
    here = FACTORY_ONLY + textwrap.indent(textwrap.dedent('''


        @api("/v1/items", methods=["POST"])
        def create_item():
            return flask.jsonify(ok=True)
        '''), "    ")
    (tmp_path / "main.py").write_text(textwrap.dedent(here), encoding="utf-8")
    assert route_auth(capsys, tmp_path) == {"POST /v1/items": ["flask_login.login_required"]}
