"""The cheap tests that now come first in per-file fact producers (perf16) keep every fact
the full reading gave: the near misses each gate must let through.

- Eve's call facts: a class imported under a lowercase alias, a registrar called through a
  module attribute with the class as an argument (the written callee is lowercase in both);
  a first argument that is no string registers nothing.
- BR401's "helper returns its parameter's text": the first returned value may carry the
  text through a local made of it, or through a later return only when the first carries it.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from backendreview.cli import main
from backendreview.config import Config
from backendreview.engine import review_source

from .projects import app_package


def _routes(capsys, root: Path) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    code = main(["routes", str(root), "--format", "json", "--jobs", "1"])
    out = capsys.readouterr()
    assert code == 0, out.err
    return [(",".join(r["methods"]), r["path"]) for r in json.loads(out.out)]


def test_eve_calls_written_lowercase_still_register(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    root = app_package(tmp_path, {
        "app.py": 'from eve import Eve\n\napp = Eve(settings="settings.py")\n',
        "settings.py": "PAGINATION = False\n",
        "base.py": textwrap.dedent('''\
            class Resource:
                url = None

                def __init__(self, endpoint_name, app):
                    app.register_resource(endpoint_name, {"url": self.url})
            '''),
        "res.py": textwrap.dedent('''\
            from .base import Resource


            class LoginResource(Resource):
                url = "auth/login"
                resource_methods = ["POST"]
                item_methods = []


            class TagsResource(Resource):
                item_methods = ["DELETE"]
            '''),
        "helpers.py": "def register(name, resource, app):\n    resource(name, app)\n",
        "init.py": textwrap.dedent('''\
            from . import helpers
            from .res import LoginResource as login_resource, TagsResource


            def init_app(app):
                login_resource("login", app)
                helpers.register("tags", TagsResource, app)
                helpers.register(TagsResource, "nothing", app)
            '''),
    })
    assert _routes(capsys, root) == [
        ("POST", "/auth/login"),
        ("GET", "/tags"),
        ("DELETE", "/tags/<_id>"),
    ]


def _text_params(code: str) -> list[tuple[int, str]]:
    result = review_source(textwrap.dedent(code).encode(), "case.py", Config(), ("BR401",))
    assert "_errors" not in result.facts
    return [(f.line, f.param) for f in result.facts.get("br401_returns_param_text", [])]


def test_helper_text_through_a_local_in_the_first_return() -> None:
    assert _text_params('''\
        def describe(exc):
            message = str(exc)
            return message


        def label(exc, fallback):
            if fallback:
                return f"failed: {exc}"
            return str(exc)
        ''') == [(1, "exc"), (6, "exc")]


def test_helper_whose_first_return_carries_no_parameter_text() -> None:
    # Near misses: the first value returned is the object's state, or a constant, and a
    # later return formats the parameter: not a helper that returns its text.
    assert _text_params('''\
        class Formatter:
            def describe(self, exc):
                if self.quiet:
                    return self.default
                return str(exc)


        def label(exc):
            if exc is None:
                return "nothing"
            message = str(exc)
            return message
        ''') == []


# -- perf (session 11): Eve's per-file gates from the callee-name index ----------------------
def _eve_facts(code: str) -> list[tuple[str, object]]:
    result = review_source(textwrap.dedent(code).encode(), "pkg/case.py", Config(), (),
                           collect=("routes",))
    assert "_errors" not in result.facts
    return [(kind, fact) for kind in ("eve_registrar", "eve_class")
            for fact in result.facts.get(kind, [])]


def test_eve_registrar_calls_a_parameter_by_its_bare_name() -> None:
    facts = _eve_facts('''\
        def register(name, resource, app):
            def inner():
                resource(name, app)
            inner()


        def attribute_call(name, resource):
            resource.build(name)


        def other(name, app):
            make(name, app)


        def make(x, y):
            return x, y
        ''')
    # Near misses: a parameter called as an attribute (`resource.build`), a callee
    # written with a parameter's name of another function (`make`) — no registrar.
    assert [(kind, fact.func, fact.name_index, fact.class_index)  # type: ignore[attr-defined]
            for kind, fact in facts] == [("eve_registrar", "pkg.case.register", 0, 1)]


def test_eve_init_registers_its_name_parameter_only_through_register_resource() -> None:
    facts = _eve_facts('''\
        class Resource:
            url = None

            def __init__(self, endpoint_name, app):
                self.endpoint = endpoint_name
                app.register_resource(self.endpoint, {"url": self.url})


        class NotRegistering:
            def __init__(self, endpoint_name, app):
                self.url = "things"
                app.register(endpoint_name)
        ''')
    assert [(kind, fact.cls, fact.name_param, fact.init_values)  # type: ignore[attr-defined]
            for kind, fact in facts] == [
        ("eve_class", "pkg.case.Resource", 0, ()),
        ("eve_class", "pkg.case.NotRegistering", None, (("url", "things"),)),
    ]
