"""The package supports Python 3.10 (pyproject `requires-python`), whose `ast` has no
`TryStar` (3.11), `TypeAlias` or type-parameter nodes (3.12). Naming one of them as an
attribute raises AttributeError on 3.10 the first time the line runs, which a suite run on a
newer Python never shows; so the source must reach them only through `getattr`/`hasattr`
(astutil.TRY_NODES)."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "backendreview"
NEWER = re.compile(r"\bast\.(TryStar|TypeAlias|TypeVar|ParamSpec|TypeVarTuple)\b")


def test_no_bare_reference_to_ast_nodes_newer_than_310() -> None:
    offending = []
    for path in sorted(SRC.rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if NEWER.search(code):
                offending.append(f"{path.relative_to(SRC)}:{number}: {line.strip()}")
    assert offending == []


def test_the_check_catches_a_bare_reference() -> None:
    assert NEWER.search("if isinstance(node, ast.Try | ast.TryStar):")
    assert not NEWER.search('getattr(ast, "TryStar")')
