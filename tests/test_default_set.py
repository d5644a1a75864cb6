"""Which rules are on by default is one line per rule in its YAML (`default-enabled`, with a
`default-off-reason` when off), and every surface reads it from there: the engine's default
selection, `backendreview rules` (console, JSON, the docs/rules.md reference), `explain`, and
README's rules table. These are the tests about the default set itself; every other test
selects the rules it exercises."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

from backendreview import cli, engine
from backendreview.cli import main
from backendreview.config import Config
from backendreview.engine import all_rule_ids, enabled_rules
from backendreview.metadata import load_rule_docs, rules_reference

ROOT = Path(__file__).resolve().parents[1]
REASON = "Measured at 41% precision on the validation half (12 true / 17 false)."


def test_the_default_selection_is_what_the_yaml_says():
    docs = load_rule_docs()
    assert set(enabled_rules(Config())) == {c for c in all_rule_ids() if docs[c].default_enabled}


def test_every_rule_off_by_default_says_why_and_no_rule_on_carries_a_reason():
    for doc in load_rule_docs().values():
        if doc.default_enabled:
            assert doc.default_off_reason == "", doc.id
        else:
            assert len(doc.off_reason.split()) >= 5, (doc.id, doc.default_off_reason)


def test_parse_errors_stay_on_by_default():
    # A file that could not be reviewed is always said; it is no precision-bar rule.
    assert load_rule_docs()["BR000"].default_enabled


@pytest.fixture
def br101_off(monkeypatch) -> dict:
    """BR101 off by default with a reason, BR102 on, whatever the shipped YAML says."""
    docs = dict(load_rule_docs())
    docs["BR101"] = dataclasses.replace(docs["BR101"], default_enabled=False,
                                        default_off_reason=REASON)
    docs["BR102"] = dataclasses.replace(docs["BR102"], default_enabled=True,
                                        default_off_reason="")
    monkeypatch.setattr(cli, "load_rule_docs", lambda: docs)
    monkeypatch.setattr(engine, "load_rule_docs", lambda: docs)
    monkeypatch.setenv("COLUMNS", "250")
    return docs


def test_explain_says_why_a_rule_is_off_and_how_to_turn_it_on(br101_off, capsys):
    assert main(["explain", "BR101"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert ("Off by default: Measured at 41% precision on the validation half (12 true / 17 "
            "false). Enable it with --extend-select BR101 or extend-select = [\"BR101\"] "
            "under [tool.backendreview].") in out
    assert main(["explain", "BR102"]) == 0
    assert "--extend-select BR102" not in capsys.readouterr().out


def test_rules_lists_off_rules_with_their_reason(br101_off, capsys):
    assert main(["rules", "--format", "json"]) == 0
    rows = {row["id"]: row for row in json.loads(capsys.readouterr().out)}
    assert (rows["BR101"]["default"], rows["BR101"]["default_off_reason"]) == (
        False, REASON.rstrip("."))
    assert (rows["BR102"]["default"], rows["BR102"]["default_off_reason"]) == (True, None)
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"│ BR101 │ raw-sql +│ error +│ off +│", out)
    assert re.search(r"│ BR102 │ n-plus-one +│ warning +│ on +│", out)
    off_table = out.split("Off by default", 1)[1]
    assert re.search(r"│ BR101 │ raw-sql +│ Measured at 41% precision", off_table)
    assert "│ BR102 " not in off_table
    assert "--extend-select CODE" in off_table


def test_reference_lists_off_rules_with_their_reason(br101_off):
    reference = rules_reference(br101_off, set(enabled_rules(Config(), br101_off)))
    assert ("| [BR101](#br101-raw-sql-sql-text-built-from-runtime-values) | raw-sql | error "
            "| off |") in reference
    off_section = reference.split("## Off by default\n", 1)[1].split("\n## ", 1)[0]
    assert [line for line in off_section.splitlines() if line.startswith("- ")][:1] == [
        "- [BR101](#br101-raw-sql-sql-text-built-from-runtime-values) raw-sql: Measured at 41% "
        "precision on the validation half (12 true / 17 false)."]
    assert "[BR102]" not in off_section


def test_readme_rules_table_shows_each_default():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (BR\d{3}) \| [\w-]+ \| \w+ \| (on|off) \|", readme, flags=re.M)
    docs = load_rule_docs()
    assert dict(rows) == {c: "on" if d.default_enabled else "off" for c, d in docs.items()}, (
        "README's rules table is stale: scripts/set_default.py keeps it in step")
