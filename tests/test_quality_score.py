"""The quality benchmark's scorer (bench/quality/score.py) on small synthetic runs and labels."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import pytest
import yaml

QUALITY = Path(__file__).resolve().parents[1] / "bench" / "quality"


@pytest.fixture(scope="module")
def score():
    sys.path.insert(0, str(QUALITY))
    try:
        yield importlib.import_module("score")
    finally:
        sys.path.remove(str(QUALITY))


def finding(rule: str, path: str, line: int, message: str = "m") -> dict:
    return {"rule": rule, "path": path, "start_line": line, "message": message}


LABELS = """
findings:
  - {path: app/views.py, line: 10, rule: BR101, verdict: "true", why: injected}
  - {path: app/views.py, line: 20, rule: BR101, verdict: false, why: constant}
  - {path: app/views.py, line: 30, rule: BR101, verdict: debatable, why: admin only}
  - {path: app/models.py, line: 5, rule: BR106, verdict: true, why: hot join}
  - {path: app/old.py, line: 1, rule: BR102, verdict: "false", why: no longer reported}
misses:
  - {path: app/api.py, line: 40, rule: BR101, why: read by hand}
  - {path: app/api.py, line: 50, rule: BR102, why: read by hand, now caught}
"""


def test_join_counts_each_verdict_unlabelled_and_misses(score):
    labels = score.parse_labels(LABELS, "labels.yaml")
    findings = [
        finding("BR101", "app/views.py", 10),
        finding("BR101", "app/views.py", 20),
        finding("BR101", "app/views.py", 30),
        finding("BR101", "app/views.py", 99),  # no label
        finding("BR106", "app/models.py", 5),
        finding("BR102", "app/api.py", 50),  # a labelled miss the rule now finds
    ]
    result = score.score_app(findings, labels)
    br101 = result.rules["BR101"]
    assert (br101.found, br101.true, br101.false, br101.debatable, br101.unlabelled,
            br101.missed) == (4, 1, 1, 1, 1, 1)
    assert br101.precision == 0.5
    assert br101.recall == 0.5  # 1 true found, 1 labelled miss not found
    br102 = result.rules["BR102"]
    assert (br102.found, br102.true, br102.missed, br102.recall) == (1, 1, 0, 1.0)
    assert [(f["path"], f["start_line"]) for f in result.unlabelled] == [("app/views.py", 99)]
    assert dict(result.stale) == {"false": 1}  # app/old.py:1 is no longer reported


def test_labels_are_keyed_by_path_line_rule_not_message(score):
    labels = score.parse_labels(LABELS, "labels.yaml")
    reworded = [finding("BR101", "app/views.py", 10, message="a new wording")]
    assert score.score_app(reworded, labels).rules["BR101"].true == 1
    other_rule = [finding("BR102", "app/views.py", 10)]
    assert score.score_app(other_rule, labels).rules["BR102"].unlabelled == 1


def test_precision_and_recall_are_undefined_without_evidence(score):
    row = score.RuleScore(found=2, debatable=1, unlabelled=1)
    assert row.precision is None
    assert row.recall is None
    assert "| BR999 | 2 | 0 | 0 | 1 | 1 | — | 0 | — |" in score.table({"BR999": row}, "t")


@pytest.mark.parametrize("text, message", [
    ("findings:\n  - {path: a.py, line: 1, rule: BR101, verdict: maybe}", "verdict must be"),
    ("findings:\n  - {path: a.py, rule: BR101, verdict: true}", "needs path, line"),
    ("misses:\n  - just a string", "expected a mapping"),
    ("findings:\n  - {path: a.py, line: 1, rule: BR101, verdict: true}\n"
     "  - {path: a.py, line: 1, rule: BR101, verdict: false}", "labelled twice"),
])
def test_bad_label_files_are_rejected_with_the_entry_named(score, text, message):
    with pytest.raises(score.LabelError, match=message):
        score.parse_labels(text, "labels/x.yaml")


def test_report_splits_halves_and_lists_unlabelled(score, tmp_path, monkeypatch):
    corpus = tmp_path / "corpus.yaml"
    corpus.write_text(yaml.safe_dump({"apps": [
        {"name": "va", "package": "va", "version": "1", "framework": "flask",
         "half": "validation", "sha256": "0"},
        {"name": "tu", "package": "tu", "version": "1", "framework": "django",
         "half": "tuning", "sha256": "0"},
    ]}), encoding="utf-8")
    apps = score.load_corpus(corpus)
    dest = tmp_path / "dest"
    (dest / "results").mkdir(parents=True)
    for name, findings in (("va", [finding("BR101", "app/views.py", 10),
                                   finding("BR303", "app/list.py", 3)]),
                           ("tu", [finding("BR101", "x.py", 1)])):
        (dest / "results" / f"{name}.json").write_text(json.dumps({"findings": findings}),
                                                       encoding="utf-8")
    labels = tmp_path / "labels"
    labels.mkdir()
    (labels / "va.yaml").write_text(LABELS, encoding="utf-8")
    lines = score.report(apps, dest, labels, list_unlabelled=True)
    text = "\n".join(lines)
    validation, tuning = text.split("### tuning half")
    assert "| BR101 | 1 | 1 | 0 | 0 | 0 | 100% | 1 | 50% |" in validation
    assert "| BR303 | 1 | 0 | 0 | 0 | 1 | — | 0 | — |" in validation
    assert "| BR101 | 1 | 0 | 0 | 0 | 1 | — | 0 | — |" in tuning
    assert "- va: 1 unlabelled finding(s)" in text
    assert "app/list.py:3 BR303" in text
    assert "- tu: 1 unlabelled finding(s)" in text


def test_committed_corpus_and_labels_are_well_formed(score):
    apps = score.load_corpus()
    halves = {a.half for a in apps}
    assert halves == {"validation", "tuning"}
    assert sum(a.half == "validation" for a in apps) >= 12
    for app in apps:
        score.load_labels(app.name)  # raises LabelError on a malformed file


def test_last_row_counts_warning_and_error_findings_only(score, tmp_path):
    labels = tmp_path / "labels"
    labels.mkdir()
    (labels / "va.yaml").write_text(LABELS, encoding="utf-8")
    corpus = tmp_path / "corpus.yaml"
    corpus.write_text(yaml.safe_dump({"apps": [
        {"name": "va", "package": "va", "version": "1", "framework": "flask",
         "half": "validation", "sha256": "0"}]}), encoding="utf-8")
    dest = tmp_path / "dest"
    (dest / "results").mkdir(parents=True)
    findings = [dict(finding("BR101", "app/views.py", 10), severity="error"),
                dict(finding("BR101", "app/views.py", 20), severity="note")]
    (dest / "results" / "va.json").write_text(json.dumps({"findings": findings}),
                                               encoding="utf-8")
    text = "\n".join(score.report(score.load_corpus(corpus), dest, labels, False))
    assert "| **all rules** | 2 | 1 | 1 | 0 | 0 | 50% | 2 | 33% |" in text
    assert "| **all rules, warning and error only** | 1 | 1 | 0 | 0 | 0 | 100% | — | — |" in text
    # BR101 is a headline rule: its note is left out of the headline's loud row too
    assert ("| **seven headline concerns, warning and error only** | 1 | 1 | 0 | 0 | 0 | 100% "
            "| — | — |") in text
    # per rule: the loud finding is the true one, the false one went out at note
    assert "| BR101 | 1 | 1 | 0 | 0 | 100% | 0 / 1 / 0 |" in text


def test_fix_verdicts_are_tallied_per_rule_for_reported_findings(score):
    labels = score.parse_labels(
        "findings:\n"
        "  - {path: a.py, line: 1, rule: BR101, verdict: true, why: x, fix: correct}\n"
        "  - {path: a.py, line: 2, rule: BR101, verdict: false, why: x, fix: wrong,"
        " fix_why: names a session not in scope}\n"
        "  - {path: a.py, line: 3, rule: BR102, verdict: true, why: x}\n"
        "  - {path: a.py, line: 9, rule: BR102, verdict: true, why: gone, fix: vague}\n",
        "labels/x.yaml")
    scored = score.score_app([finding("BR101", "a.py", 1), finding("BR101", "a.py", 2),
                              finding("BR102", "a.py", 3)], labels)
    assert scored.fixes["BR101"] == {"correct": 1, "wrong": 1}
    assert scored.fixes["BR102"] == {"unjudged": 1}  # the vague one is no longer reported
    text = "\n".join(score.fix_table(scored.fixes, "validation half"))
    assert "| BR101 | 1 | 0 | 1 | 0 |" in text
    assert "| **all** | 1 | 0 | 1 | 1 |" in text


def test_a_fix_verdict_outside_the_vocabulary_is_rejected(score):
    with pytest.raises(score.LabelError, match="fix must be one of"):
        score.parse_labels("findings:\n  - {path: a.py, line: 1, rule: BR101, verdict: true,"
                           " fix: fine}", "labels/x.yaml")


def test_rules_off_by_default_are_marked_and_left_out_of_the_default_row(score):
    rules = {"BR101": score.RuleScore(found=2, true=1, false=1),
             "BR502": score.RuleScore(found=3, false=3)}
    text = "\n".join(score.table(rules, "validation half", off=frozenset({"BR502"})))
    assert "| BR502 (off) | 3 | 0 | 3 |" in text
    assert "| **all rules** | 5 | 1 | 4 | 0 | 0 | 20% |" in text
    assert "| **rules on by default** | 2 | 1 | 1 | 0 | 0 | 50% |" in text


def test_the_off_set_comes_from_the_rule_docs(score):
    from backendreview.metadata import load_rule_docs

    docs = load_rule_docs()
    assert score.default_off_rules() == {c for c, d in docs.items() if not d.default_enabled}
