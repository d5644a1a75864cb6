"""Deferred route decorators (frameworks/flask_plugins): which marking decorators a class
defines, read from the class alone, on shapes a real framework writes and on near misses."""

from __future__ import annotations

import ast
import textwrap

from backendreview.analysis.frameworks.flask_plugins import (
    deferred_decorators,
    deferred_wrappers,
)
from backendreview.config import Config
from backendreview.context import FileContext
from backendreview.semantic import SemanticBuilder

HEAD = "import flask\nfrom app.limits import limit\n\n"


def _class(source: str, builder: str) -> tuple[FileContext, ast.ClassDef]:
    source += textwrap.indent(builder, "    ")
    text = HEAD + source
    tree = ast.parse(text)
    ctx = FileContext("app/plugin.py", text, tree,
                      SemanticBuilder(tree, "app.plugin").build(), Config())
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef))
    return ctx, cls


BUILDER = """
    def build(self):
        bp = flask.Blueprint("p", __name__)
        for name in dir(self):
            f = getattr(self, name)
            if hasattr(f, "_limits"):
                f = limit(*f._limits)(f)
            if hasattr(f, "_rules"):
                for rule, options in f._rules:
                    bp.add_url_rule(rule, view_func=f, **options)
        return bp
"""


def test_a_static_and_a_class_method_that_mark_for_the_builder_are_route_decorators():
    ctx, cls = _class(*map(textwrap.dedent, ["""
        class Plugin:
            @staticmethod
            def route(rule, **options):
                def decorator(f):
                    f._rules = [(rule, options)]
                    return f
                return decorator

            @classmethod
            def also(cls, rule):
                def decorator(f):
                    f._rules = [(rule, {})]
                    return f
                return decorator

            @staticmethod
            def limit(*args):
                def decorator(f):
                    f._limits = args
                    return f
                return decorator
    """, BUILDER]))
    facts = deferred_decorators(ctx, cls)
    assert [(f.cls, f.method, f.registrar) for f in facts] == [
        ("app.plugin.Plugin", "route", "build"), ("app.plugin.Plugin", "also", "build")]
    wraps = deferred_wrappers(ctx, cls)
    assert [(w.method, w.wrapper) for w in wraps] == [("limit", "app.limits.limit")]


def test_near_misses_define_no_route_decorator():
    ctx, cls = _class(*map(textwrap.dedent, ["""
        class Plugin:
            @classmethod
            def bare(cls):  # no rule: a classmethod with `cls` alone
                def decorator(f):
                    f._rules = []
                    return f
                return decorator

            @staticmethod
            def wrapping(rule):  # returns a wrapper, not the function: no mark
                def decorator(f):
                    f._rules = [(rule, {})]
                    return lambda: f()
                return decorator

            @staticmethod
            def menu(rule):  # marks something the builder never reads
                def decorator(f):
                    f._menu = rule
                    return f
                return decorator
    """, BUILDER]))
    assert deferred_decorators(ctx, cls) == []
    assert deferred_wrappers(ctx, cls) == []
