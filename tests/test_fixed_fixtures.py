"""Exact fixes on the rule fixtures: `fixtures/BRxxx/<name>.fixed.py` is what fixing
`<name>.py` (that rule, unsafe fixes included) must give, byte for byte. The fixed file
compiles, has no fixable finding of the rule left, and fixing it again changes nothing; a
fixture whose rule has no exact fix has no `.fixed.py`. Regenerate with
BACKENDREVIEW_REGEN=1 after a deliberate change and review the diff."""

from __future__ import annotations

import builtins
import os
import symtable
from pathlib import Path

import pytest

from backendreview.config import Config
from backendreview.engine import finish, review_source
from backendreview.fixes.apply import compiles
from backendreview.fixes.session import applicable, fix_source
from backendreview.metadata import load_rule_docs

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted(p for p in (ROOT / "fixtures").glob("BR[0-9][0-9][0-9]/*.py")
                 if not p.name.endswith(".fixed.py"))
FIXED = sorted((ROOT / "fixtures").glob("BR[0-9][0-9][0-9]/*.fixed.py"))


def _ids(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def _companion(path: Path) -> Path:
    return path.with_name(path.stem + ".fixed.py")


def _undefined(text: str) -> set[str]:
    """Global names the module reads but never binds (and are not builtins)."""
    top = symtable.symtable(text, "<fixed>", "exec")
    bound = {s.get_name() for s in top.get_symbols()
             if s.is_assigned() or s.is_imported() or s.is_namespace()}
    out: set[str] = set()
    stack = [top]
    while stack:
        table = stack.pop()
        stack.extend(table.get_children())
        for symbol in table.get_symbols():
            name = symbol.get_name()
            if symbol.is_referenced() and (symbol.is_global() or table is top) and (
                    name not in bound and not hasattr(builtins, name)):
                out.add(name)
    return out


def _fixable(text: str, name: str, rule: str) -> list[str]:
    result = review_source(text, name, Config(), (rule,))
    findings = finish([result], Config(), (rule,), load_rule_docs()).findings
    return [f"{f.span.start_line}: {f.message}" for f in findings
            if f.rule_id == rule and applicable(f, unsafe=True)]


@pytest.mark.parametrize("path", SOURCES, ids=_ids)
def test_fixing_the_fixture_gives_its_fixed_file(path: Path) -> None:
    rule = path.parent.name
    text = path.read_text(encoding="utf-8")
    name = _ids(path)
    fixed, notes = fix_source(text, name, Config(), (rule,), unsafe=True)
    assert notes == []
    companion = _companion(path)
    if os.environ.get("BACKENDREVIEW_REGEN"):
        if fixed != text:
            companion.write_text(fixed, encoding="utf-8")
        elif companion.exists():
            companion.unlink()
    if fixed == text:
        assert not companion.exists(), f"{companion.name}: nothing is fixed any more"
        return
    assert companion.exists(), f"{name} is fixed: add {companion.name} (BACKENDREVIEW_REGEN=1)"
    assert fixed == companion.read_text(encoding="utf-8")
    assert compiles(fixed, name) is None
    # The fix speaks the module's names: nothing it writes is undefined there.
    assert _undefined(fixed) <= _undefined(text)
    assert _fixable(fixed, name, rule) == []
    again, notes = fix_source(fixed, name, Config(), (rule,), unsafe=True)
    assert (again, notes) == (fixed, [])


@pytest.mark.parametrize("path", FIXED, ids=_ids)
def test_every_fixed_file_has_its_fixture(path: Path) -> None:
    assert path.with_name(path.name.replace(".fixed.py", ".py")).exists()


def test_fixed_fixtures_cover_every_rule_with_exact_fixes() -> None:
    rules = {p.parent.name for p in FIXED}
    assert {"BR101", "BR106", "BR204", "BR205", "BR304", "BR401", "BR501"} <= rules
