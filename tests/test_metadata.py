"""Rule docs are data: every rule has a valid YAML file, malformed files are rejected with the
file and key named, and docs/rules.md is generated from them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from backendreview.checks import ENGINE_RULES, FILE_RULES, PROJECT_RULES
from backendreview.metadata import (
    RuleFileError,
    load_rule_docs,
    load_rule_file,
    parse_rule_doc,
    rules_dir,
)

ROOT = Path(__file__).resolve().parents[1]


def test_every_rule_has_docs_and_every_doc_a_rule():
    implemented = set(FILE_RULES) | set(PROJECT_RULES) | set(ENGINE_RULES)
    assert set(load_rule_docs()) == implemented


def test_rule_files_are_named_after_id_and_name():
    for doc in load_rule_docs().values():
        assert doc.source == f"{doc.id}-{doc.name}.yaml"


def _valid() -> dict:
    return yaml.safe_load((rules_dir() / "BR101-raw-sql.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda d: d.pop("why"), "BR101-raw-sql.yaml: key 'why': missing"),
    (lambda d: d.update(severity="fatal"), "BR101-raw-sql.yaml: key 'severity': unknown severity"),
    (lambda d: d.update(confidence="sure"), "BR101-raw-sql.yaml: key 'confidence': expected one of"),
    (lambda d: d.update(cwe="CWE-89"), "BR101-raw-sql.yaml: key 'cwe': expected list, got str"),
    (lambda d: d.update(colour="red"), "BR101-raw-sql.yaml: key 'colour': unknown key"),
    (lambda d: d.update(id="BR1"), "BR101-raw-sql.yaml: key 'id': 'BR1' is not BR + three digits"),
    (lambda d: d.update(id="BR102"), "BR101-raw-sql.yaml: key 'id': file name must start with 'BR102-'"),
    (lambda d: d.update(name="Raw SQL"), "BR101-raw-sql.yaml: key 'name': 'Raw SQL' is not kebab-case"),
    (lambda d: d.update({"security-severity": 11}), "key 'security-severity': must be in (0, 10]"),
    (lambda d: d["examples"].update(good=[]), "key 'examples.good': expected a non-empty list"),
    (lambda d: d["examples"].update(ugly=["x"]), "key 'examples.ugly': unknown key"),
    (lambda d: d.update(summary="  "), "key 'summary': must not be empty"),
    (lambda d: (d.pop("default-off-reason", None), d.update({"default-enabled": False})),
     "key 'default-off-reason': missing (a rule off by default says why)"),
    (lambda d: d.update({"default-enabled": False, "default-off-reason": " "}),
     "key 'default-off-reason': must not be empty"),
    (lambda d: d.update({"default-enabled": True, "default-off-reason": "Too noisy."}),
     "key 'default-off-reason': set, but the rule is on by default"),
])
def test_malformed_rule_file_names_file_and_key(mutate, message):
    data = _valid()
    mutate(data)
    with pytest.raises(RuleFileError) as info:
        parse_rule_doc(data, "BR101-raw-sql.yaml")
    assert message in str(info.value)


def test_invalid_yaml_is_named(tmp_path):
    bad = tmp_path / "BR777-broken.yaml"
    bad.write_text("id: BR777\nname: [unclosed\n", encoding="utf-8")
    with pytest.raises(RuleFileError, match=r"^BR777-broken.yaml: not valid YAML"):
        load_rule_file(bad)


def test_markdown_has_every_section():
    text = load_rule_docs()["BR101"].markdown()
    for heading in ("## BR101 raw-sql: SQL text built from runtime values", "### Why is this bad?",
                    "### Example", "### Use instead", "### Fix safety", "### References"):
        assert heading in text


def test_docs_rules_md_is_current():
    generated = subprocess.run(
        [sys.executable, "-m", "backendreview", "rules", "--format", "markdown"],
        capture_output=True, text=True, check=True, timeout=120).stdout
    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == generated, (
        "docs/rules.md is stale: run `backendreview rules --format markdown > docs/rules.md`")


def test_documented_options_match_declared_options():
    from backendreview.checks import declared_options

    for doc in load_rule_docs().values():
        assert {name for name, _ in doc.options} == set(declared_options(doc.id)), doc.id
