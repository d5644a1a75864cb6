"""Every fixture file under fixtures/BR*/ and every example in rules/*.yaml behaves exactly as
its markers say: each `ruleid` line yields that finding (with the quoted message fragment),
and no other line yields one."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendreview.config import Config
from backendreview.engine import all_rule_ids, finish, review_source, run
from backendreview.metadata import load_rule_docs

from .markers import check_markers, read_markers

ROOT = Path(__file__).resolve().parents[1]
# `*.fixed.py` are expected results of --fix (tests/test_fixed_fixtures.py), not fixtures.
FIXTURES = sorted(p for p in (ROOT / "fixtures").glob("BR[0-9][0-9][0-9]/*.py")
                  if not p.name.endswith(".fixed.py"))
# Multi-file fixture projects (models in one file, loops in another): fixtures/BRxxx/<project>/
PROJECTS = sorted(p for p in (ROOT / "fixtures").glob("BR[0-9][0-9][0-9]/*") if p.is_dir())
ALL_RULES = tuple(sorted(all_rule_ids()))


def _review(text: str, path: str):  # type: ignore[no-untyped-def]
    """One file through the per-file rules and the project phase (project rules see only
    this file's facts)."""
    result = review_source(text.encode(), path, Config(), ALL_RULES)
    outcome = finish([result], Config(), ALL_RULES, load_rule_docs())
    # A rule that fails on a line stops reading the file: its later markers would not say so.
    assert outcome.errors == []
    return outcome.findings


def _ids(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


@pytest.mark.parametrize("path", FIXTURES, ids=_ids)
def test_fixture_file(path: Path) -> None:
    rule = path.parent.name
    text = path.read_text(encoding="utf-8")
    assert read_markers(text), f"{path} has no markers"
    assert check_markers(text, _review(text, _ids(path)), rule) == []


@pytest.mark.parametrize("project", PROJECTS, ids=_ids)
def test_fixture_project(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A whole project run through the engine: markers in every file are checked against the
    findings of that run, so rules that join facts across files are tested end to end."""
    rule = project.parent.name
    monkeypatch.chdir(project)
    config = Config(root=project, select=(rule,))
    findings = run([Path(".")], config, jobs=1).findings
    files = sorted(project.rglob("*.py"))
    assert any(read_markers(f.read_text(encoding="utf-8")) for f in files)
    problems: list[str] = []
    for file in files:
        rel = file.relative_to(project).as_posix()
        mine = [f for f in findings if f.path == rel]
        problems += [f"{rel}: {p}" for p in check_markers(file.read_text(encoding="utf-8"),
                                                           mine, rule)]
    assert problems == []


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
        files += [f for p in PROJECTS if p.parent.name == rule for f in p.rglob("*.py")]
        markers = [m for p in files for m in read_markers(p.read_text(encoding="utf-8"))
                   if m.rule == rule]
        positives = sum(m.kind == "ruleid" for m in markers)
        negatives = sum(m.kind == "ok" for m in markers)
        assert positives and negatives >= positives, (rule, positives, negatives)
