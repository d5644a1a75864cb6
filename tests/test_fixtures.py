"""Every fixture file under fixtures/BR*/ and every example in rules/*.yaml behaves exactly as
its markers say: each `ruleid` line yields that finding (with the quoted message fragment),
and no other line yields one."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendreview.config import Config
from backendreview.engine import all_rule_ids, finish, review_source
from backendreview.metadata import load_rule_docs
from backendreview.model import Severity

from .markers import check_markers, read_markers

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = sorted((ROOT / "fixtures").glob("BR[0-9][0-9][0-9]/*.py"))
ALL_RULES = tuple(sorted(all_rule_ids()))


def _review(text: str, path: str) -> list:
    """File rules and project rules (routes) over one file, with no severity threshold."""
    result = review_source(text.encode(), path, Config(), ALL_RULES)
    config = Config().with_overrides(severity=Severity.NOTE)
    return finish([result], config, ALL_RULES, load_rule_docs()).findings


def _ids(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


@pytest.mark.parametrize("path", FIXTURES, ids=_ids)
def test_fixture_file(path: Path) -> None:
    rule = path.parent.name
    text = path.read_text(encoding="utf-8")
    assert read_markers(text), f"{path} has no markers"
    assert check_markers(text, _review(text, _ids(path)), rule) == []


EXAMPLES = [
    (doc.id, kind, index, code)
    for doc in load_rule_docs().values()
    for kind, codes in (("bad", doc.bad_examples), ("good", doc.good_examples))
    for index, code in enumerate(codes)
]


@pytest.mark.parametrize(("rule", "kind", "index", "code"), EXAMPLES,
                         ids=[f"{r}-{k}{i}" for r, k, i, _ in EXAMPLES])
def test_yaml_example(rule: str, kind: str, index: int, code: str) -> None:
    markers = [m for m in read_markers(code) if m.rule == rule]
    wanted = "ruleid" if kind == "bad" else "ok"
    assert any(m.kind == wanted for m in markers), f"{kind} example needs a `# {wanted}:` marker"
    assert check_markers(code, _review(code, f"{rule}_{kind}{index}.py"), rule) == []


def test_every_rule_has_fixtures_with_both_kinds() -> None:
    for rule in sorted(all_rule_ids()):
        if rule == "BR000":
            continue
        files = [p for p in FIXTURES if p.parent.name == rule]
        markers = [m for p in files for m in read_markers(p.read_text(encoding="utf-8"))
                   if m.rule == rule]
        positives = sum(m.kind == "ruleid" for m in markers)
        negatives = sum(m.kind == "ok" for m in markers)
        assert positives and negatives >= positives, (rule, positives, negatives)
