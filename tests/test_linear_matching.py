"""Suppression and per-file-ignores stay linear (issue 18). Times are measured in
bench/scaling.py; these tests check the answers against the plain quadratic definitions
and count the glob matches, which grew with findings x globs."""

from __future__ import annotations

import random
from pathlib import Path

import pathspec
import pytest

from backendreview.config import Config
from backendreview.engine import enabled_rules, run
from backendreview.suppression import (
    Suppressor,
    _comments_by_tree,
    _innermost_extents,
    statement_extents,
)


def _naive_innermost(extents, line):
    """The narrowest extent containing `line`, the later of equal widths."""
    best = None
    for first, last in extents:
        if first <= line <= last and (best is None or last - first <= best[1] - best[0]):
            best = (first, last)
    return best or (line, line)


@pytest.mark.parametrize("seed", range(20))
def test_innermost_extent_matches_the_definition(seed):
    rng = random.Random(seed)
    extents = []
    for _ in range(rng.randint(1, 40)):
        first = rng.randint(1, 60)
        extents.append((first, first + rng.choice([0, 0, 1, 2, 5, 20])))
    extents.sort()
    painted = _innermost_extents(extents)
    for line in range(1, 90):
        assert painted.get(line, (line, line)) == _naive_innermost(extents, line), line


SOURCE = '''import requests


def f(url):
    s = "# noqa: BR501 inside a string"
    requests.get(url)  # noqa: BR501
    requests.get(
        url,
    )  # noqa: BR501
    requests.get(url)
    doc = """
    # noqa inside a docstring
    """
    return requests.get(s)
'''


def test_comments_in_strings_are_not_suppressions():
    import ast

    tree = ast.parse(SOURCE)
    comments = _comments_by_tree(SOURCE, ast.walk(tree))
    assert [line for line, _ in comments] == [6, 9]


def test_suppression_on_multiline_statement_end():
    import ast

    tree = ast.parse(SOURCE)
    suppressor = Suppressor(SOURCE, tree)
    assert suppressor._statement(8) == (7, 9)
    assert suppressor.extents == statement_extents(tree)


def test_per_file_ignores_match_each_file_once(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text(
        "import requests\n\n\ndef f(url):\n" + "    requests.get(url)\n" * 50)
    globs = (*((f"pkg{i}/*.py", ("BR1",)) for i in range(100)), ("app.py", ("BR5",)))
    config = Config(root=tmp_path, per_file_ignores=globs)
    calls = 0
    real = pathspec.PathSpec.match_file

    def counting(self, file, *args, **kwargs):
        nonlocal calls
        calls += 1
        return real(self, file, *args, **kwargs)

    monkeypatch.setattr(pathspec.PathSpec, "match_file", counting)
    result = run([Path(".")], config, jobs=1, rules=enabled_rules(config))
    assert result.findings == []  # all 50 BR501 findings ignored by the last glob
    assert calls <= 2 * len(globs)  # once per glob for the one file, not per finding
