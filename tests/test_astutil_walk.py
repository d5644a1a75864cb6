"""astutil.walk reads, per node type, only the fields that can hold children (issue 14): it
must give exactly the nodes, in the order, of the plain walk over every field."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from backendreview.astutil import walk

_FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _every_field_walk(node: ast.AST) -> list[ast.AST]:
    # The walk before the per-type fields: every field of every node read.
    out: list[ast.AST] = []
    stack = [node]
    while stack:
        current = stack.pop()
        out.append(current)
        for name in current._fields:
            value = getattr(current, name, None)
            if isinstance(value, ast.AST):
                stack.append(value)
            elif isinstance(value, list):
                stack += [item for item in value if isinstance(item, ast.AST)]
    return out


def _same(tree: ast.AST) -> None:
    got, expected = walk(tree), _every_field_walk(tree)
    assert len(got) == len(expected)
    assert all(a is b for a, b in zip(got, expected, strict=True))
    # ast.walk's nodes too (its order is breadth-first), context singletons included.
    assert sorted(map(id, got)) == sorted(map(id, ast.walk(tree)))


def test_walk_gives_every_node_of_every_fixture_in_order():
    trees = 0
    for path in sorted(_FIXTURES.rglob("*.py")):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8", errors="replace"))
        except SyntaxError:
            continue
        _same(tree)
        trees += 1
    assert trees > 500


@pytest.mark.parametrize("source", [
    # Every field the walk skips, beside the children next to it.
    "from ..m import a as b\nimport x.y\nx: int = f(y=1)\nglobal g\n",
    "v = f'{a!r:>{w}}' + b'x' + u'y' + 1j\n",
    "async def f(*a, b=1, **k):\n    return [x async for x in y if x.attr]\n",
    "match p:\n    case {'k': v, **rest}: pass\n    case C(x=1, y=[*r]) as w: pass\n"
    "    case None | True: pass\n",
    "try:\n    pass\nexcept E as e:\n    raise X from e\nx = lambda: (yield)\n",
])
def test_walk_reads_the_children_beside_the_skipped_fields(source: str):
    _same(ast.parse(source, type_comments=True))


@pytest.mark.skipif(sys.version_info < (3, 12), reason="type statements: Python 3.12")
def test_walk_reads_a_type_alias_name_and_type_parameters():
    _same(ast.parse("type Pair[T, *Ts, **P] = tuple[T, T]\ndef f[T](x: T) -> T: ...\n"))
