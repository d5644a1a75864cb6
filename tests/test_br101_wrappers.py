"""BR101 and project decorators that only wrap (analysis/wrappers.py): a method under
`@exclusive(LOCK)` whose wrapper hands its arguments on is still called only by the
project, so its callers decide whether a parameter can inject. Near misses stay findings:
a decorator that registers the function, a wrapper that fills a parameter itself, a route
decorator, and a wrapped method one caller hands request data."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from backendreview.analysis.wrappers import wraps_only
from backendreview.config import Config
from backendreview.engine import run

PROJECT = Path(__file__).resolve().parents[1] / "fixtures" / "BR101" / "wrapped_methods"


def test_wrapped_methods_project(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PROJECT)
    findings = run([Path(".")], Config(root=PROJECT, select=("BR101",), cache=False),
                   jobs=1).findings
    found = sorted((f.rule_id, f.path, f.span.start_line, f.severity.value) for f in findings)
    assert found == [
        ("BR101", "app/worker.py", 29, "error"),  # @exclusive, but one caller passes request data
        ("BR101", "app/worker.py", 34, "error"),  # @registered hands the function out
        ("BR101", "app/worker.py", 39, "error"),  # @with_label fills `label` itself
        ("BR101", "app/worker.py", 54, "error"),  # a route under @logged
    ]
    by_line = {f.span.start_line: f.message for f in findings}
    assert "from `label`" in by_line[29]
    assert "from `now`" in by_line[34]
    assert "from `kind`" in by_line[54]


_FACTORY = """
    import functools
    def exclusive(lock):
        '''doc'''
        def _decorator(f):
            @functools.wraps(f)
            def _f(self, *args, **kwargs):
                return f(self, *args, **kwargs)
            return _f
        return _decorator
"""


@pytest.mark.parametrize(("code", "expected"), [
    (_FACTORY, True),
    ("""
    from functools import wraps
    def logged(f):
        @wraps(f)
        def inner(*args, **kwargs):
            print(f.__name__)
            return f(*args, **kwargs)
        return inner
    """, True),
    # registers the function at decoration time
    ("""
    import functools
    def registered(f):
        HANDLERS.append(f)
        @functools.wraps(f)
        def inner(*args, **kwargs):
            return f(*args, **kwargs)
        return inner
    """, False),
    # the wrapper fills a parameter with a value of its own
    ("""
    import functools
    def with_user(f):
        @functools.wraps(f)
        def inner(*args, **kwargs):
            return f(current_user(), *args, **kwargs)
        return inner
    """, False),
    # no functools.wraps: nothing says the wrapper stands for the function
    ("""
    def plain(f):
        def inner(*args, **kwargs):
            return f(*args, **kwargs)
        return inner
    """, False),
    # returns something other than its wrapper
    ("""
    import functools
    def route(f):
        @functools.wraps(f)
        def inner(*args, **kwargs):
            return f(*args, **kwargs)
        return app.add(inner)
    """, False),
])
def test_wraps_only(code: str, expected: bool) -> None:
    tree = ast.parse(textwrap.dedent(code))
    func = next(n for n in tree.body if isinstance(n, ast.FunctionDef))
    assert wraps_only(func) is expected
