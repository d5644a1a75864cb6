"""bench/routes/score_findings.py: the join of findings with labels, sampling and the check
against the quality benchmark's labels, on tiny in-memory examples (nothing is run)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "bench" / "routes" / "score_findings.py"


@pytest.fixture(scope="module")
def scorer():
    spec = importlib.util.spec_from_file_location("routes_score_findings", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    saved = list(sys.path)  # the script puts bench/quality first on the path
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules[spec.name]
        sys.path[:] = saved


def finding(rule: str, path: str, line: int) -> dict:
    return {"rule": rule, "path": path, "start_line": line, "message": "m"}


# Four BR302 findings, every 2nd labelled (lines 10 and 30); one BR301 finding.
FINDINGS = [finding("BR302", "app/api.py", 10), finding("BR302", "app/api.py", 20),
            finding("BR302", "app/api.py", 30), finding("BR302", "app/api.py", 40),
            finding("BR301", "app/api.py", 50)]
LABELS = """
sampled: {BR302: 2}
findings:
  - {path: app/api.py, line: 10, rule: BR302, verdict: "true", why: crud verb, fix: correct}
  - {path: app/api.py, line: 30, rule: BR302, verdict: "false", why: protocol path, fix: wrong}
  - {path: app/api.py, line: 50, rule: BR301, verdict: debatable, why: convention}
"""


def test_sampled_rule_skips_the_findings_left_out_and_keeps_found_whole(scorer):
    result = scorer.score_app(FINDINGS, LABELS, "labels.yaml")
    br302 = result.rules["BR302"]
    assert (br302.found, result.skipped["BR302"]) == (4, 2)
    assert (br302.true, br302.false, br302.debatable, br302.unlabelled) == (1, 1, 0, 0)
    assert br302.precision == 0.5
    assert result.weights["BR302"] == 2.0
    assert result.fixes["BR302"]["correct"] == 1 and result.fixes["BR302"]["wrong"] == 1
    assert result.rules["BR301"].debatable == 1 and result.skipped["BR301"] == 0


def test_a_sampled_finding_without_a_label_is_unlabelled(scorer):
    text = LABELS.replace("line: 30", "line: 31")  # the 3rd finding is in the sample: unlabelled
    result = scorer.score_app(FINDINGS, text, "labels.yaml")
    assert result.rules["BR302"].unlabelled == 1
    assert [(f["start_line"], f["rule"]) for f in result.unlabelled] == [(30, "BR302")]


def test_verdict_differing_from_the_quality_labels_is_reported(scorer):
    other = scorer.quality.parse_labels(
        "findings:\n  - {path: app/api.py, line: 10, rule: BR302, verdict: debatable, why: x}\n"
        "  - {path: app/api.py, line: 30, rule: BR302, verdict: 'false', why: same}\n", "q.yaml")
    result = scorer.score_app(FINDINGS, LABELS, "labels.yaml", other)
    assert result.disagreements == [
        "labels.yaml vs bench/quality/labels: app/api.py:10 BR302 is true here, debatable there"]


def test_bad_sampling_value_is_a_label_error_naming_the_file(scorer):
    with pytest.raises(scorer.quality.LabelError, match=r"labels\.yaml: sampled"):
        scorer.score_app(FINDINGS, LABELS.replace("{BR302: 2}", "{BR302: 0}"), "labels.yaml")


def test_precision_without_notes_leaves_the_notes_out(scorer):
    noted = [dict(f, severity="note") if f["start_line"] == 30 else f for f in FINDINGS]
    result = scorer.score_app(noted, LABELS, "labels.yaml")
    assert (result.rules["BR302"].true, result.rules["BR302"].false) == (1, 1)
    assert (result.loud["BR302"].true, result.loud["BR302"].false) == (1, 0)
    table = "\n".join(scorer.report({"app": result}, False))
    assert "| BR302 | 4 | 2 | 1 | 1 | 0 | 0 | 50% | 50% | 100% (1 / 0) |" in table
