"""A route-registering decorator factory used from another module of the project (`from
insp.main import api`, `import insp.main; @insp.main.get(...)`): each use is joined to the
factory in the project phase, with the wrapper's guards; factories that register nothing,
or hand back the function unchanged, stay no factory (near misses)."""

from __future__ import annotations

import json
import textwrap

import pytest

from backendreview.cli import main

MAIN = '''\
    import functools

    import flask
    import flask_login

    _app = flask.Flask(__name__)


    def api(path, rule=None, **flask_kwargs):
        """Registers the decorated function's wrapper as a route of the app."""

        def outer(func):
            @_app.route(path, **flask_kwargs)
            @flask_login.login_required
            @functools.wraps(func)
            def wrapper(*args, **kwargs):
                return func(*args, **kwargs)

            return wrapper

        return outer


    def unchanged(path, **flask_kwargs):
        """Near miss: the decorator hands back the function it was given, not the routed one."""

        def outer(func):
            @_app.route(path, **flask_kwargs)
            def wrapper(*args, **kwargs):
                return func(*args, **kwargs)

            return func

        return outer


    def timed(path):
        """Near miss: the wrapper carries no route."""

        def outer(func):
            @functools.wraps(func)
            def wrapper(*args, **kwargs):
                return func(*args, **kwargs)

            return wrapper

        return outer


    def get(path):
        """`return app.route(...)`: the app's own decorator, handed back to each use."""
        return _app.route(path, methods=["GET"])


    def cached(path):
        """Near miss: hands back a decorator that registers nothing."""
        return functools.lru_cache(maxsize=None)
    '''

CONSTANTS = '''\
    RULES = "/v1/rules"
    '''

RULES = '''\
    from insp import main
    from insp.constants import RULES
    from insp.main import api, timed, unchanged


    @api(RULES, methods=["GET", "POST"])
    def rules():
        return "rules"


    @api("/v1/rules/<uuid>", methods=["DELETE"])
    def delete_rule(uuid):
        return ""


    @main.api("/v1/introspection/<node_id>")
    def introspection(node_id):
        return ""


    @unchanged("/v1/ghost")
    def ghost():
        return ""


    @timed("/v1/slow")
    def slow():
        return ""
    '''

STATUS = '''\
    import insp.main
    from insp.main import cached, get


    @get("/v1/status")
    def status():
        return ""


    @insp.main.get("/v1/health")
    def health():
        return ""


    @cached("/v1/cached")
    def cached_value():
        return ""
    '''


def test_factory_uses_in_other_modules_are_routes(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    pkg = tmp_path / "insp"
    pkg.mkdir()
    for name, text in {"__init__.py": "", "main.py": MAIN, "constants.py": CONSTANTS,
                       "rules.py": RULES, "status.py": STATUS}.items():
        (pkg / name).write_text(textwrap.dedent(text), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path)
        code = main(["routes", ".", "--format", "json", "--jobs", "1"])
    out = capsys.readouterr()
    assert code == 0, out.err
    rows = [f"{','.join(r['methods'])} {r['path']} {r['handler']} {r['location']} "
            f"{','.join(r['auth'])}" for r in json.loads(out.out)]
    assert rows == [
        # Near miss: `unchanged` hands back the function it was given; its wrapper's own
        # route stays what it was (path unknown), and no use of it is a route.
        "GET {?} wrapper insp/main.py:29 ",
        # `api`'s uses, all in rules.py: the path bound to its parameter (an imported
        # constant, literals), `methods=` passed on through **flask_kwargs, GET by default;
        # the wrapper's login_required guards each. Its `{?}` wrapper row (main never uses
        # it) is gone.
        "GET,POST /v1/rules rules insp/rules.py:7 flask_login.login_required",
        "DELETE /v1/rules/<uuid> delete_rule insp/rules.py:12 flask_login.login_required",
        "GET /v1/introspection/<node_id> introspection insp/rules.py:17 "
        "flask_login.login_required",
        # `def get(path): return _app.route(path, ...)`, by name and through its module.
        "GET /v1/status status insp/status.py:6 ",
        "GET /v1/health health insp/status.py:11 ",
        # Near misses: `timed` (its wrapper carries no route) and `cached` (hands back a
        # decorator that registers nothing): no rows for /v1/slow, /v1/cached.
    ]


SPREAD = '''\
    from insp.main import api

    OPTIONS = {"methods": ["POST"]}
    PATHS = ["/v1/a", "/v1/b"]


    @api("/v1/plain")
    def plain():
        return ""


    @api("/v1/options", **OPTIONS)
    def spread_options():
        return ""


    @api(*PATHS)
    def spread_paths():
        return ""
    '''

PLAIN_ONLY = '''\
    from insp.main import api


    @api("/v1/plain")
    def plain():
        return ""
    '''


def _rows(tmp_path, capsys, uses: str) -> list[str]:  # type: ignore[no-untyped-def]
    pkg = tmp_path / "insp"
    pkg.mkdir()
    for name, text in {"__init__.py": "", "main.py": MAIN, "uses.py": uses}.items():
        (pkg / name).write_text(textwrap.dedent(text), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path)
        code = main(["routes", ".", "--format", "json", "--jobs", "1"])
    out = capsys.readouterr()
    assert code == 0, out.err
    return [f"{','.join(r['methods'])} {r['path']} {r['handler']} {r['location']}"
            for r in json.loads(out.out)]


def test_a_spread_use_keeps_the_wrapper_row(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    # `@api("/x", **OPTIONS)`, `@api(*PATHS)`: which parameter gets what is not told, so no
    # row of their own; the factory's `{?}` wrapper row, which stands for them, stays
    # beside the plain use's row (on main both routes were gone from the table).
    rows = _rows(tmp_path, capsys, SPREAD)
    assert "GET {?} wrapper insp/main.py:16" in rows
    assert "GET /v1/plain plain insp/uses.py:8" in rows
    assert not any("spread_" in r for r in rows)


def test_plain_uses_alone_drop_the_wrapper_row(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    # Near miss: every use read, so the `{?}` wrapper row goes.
    rows = _rows(tmp_path, capsys, PLAIN_ONLY)
    assert "GET /v1/plain plain insp/uses.py:5" in rows
    assert not any(r.startswith("GET {?} wrapper insp/main.py:16") for r in rows)


ASYNC_FACTORIES = '''\
    import flask

    app = flask.Flask(__name__)


    async def aget(path):
        """Not a factory: calling it gives a coroutine, which cannot decorate."""
        return app.route(path)


    def get(path):
        """Near miss: the same factory, not async."""
        return app.route(path)
    '''

ASYNC_USES = '''\
    from insp.main import aget, get


    @aget("/v1/async")
    async def by_async():
        return ""


    @get("/v1/sync")
    async def by_sync():
        return ""
    '''


def test_an_async_function_is_no_decorator_factory(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    pkg = tmp_path / "insp"
    pkg.mkdir()
    for name, text in {"__init__.py": "", "main.py": ASYNC_FACTORIES,
                       "uses.py": ASYNC_USES}.items():
        (pkg / name).write_text(textwrap.dedent(text), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path)
        code = main(["routes", ".", "--format", "json", "--jobs", "1"])
    out = capsys.readouterr()
    assert code == 0, out.err
    rows = [f"{','.join(r['methods'])} {r['path']} {r['handler']} {r['location']}"
            for r in json.loads(out.out)]
    assert rows == ["GET /v1/sync by_sync insp/uses.py:10"]
