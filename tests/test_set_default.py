"""scripts/set_default.py on a copy of the checkout: one command turns a rule off (with its
reason) or on, editing the rule's YAML line by line, and docs/rules.md and README follow."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from backendreview.metadata import load_rule_file, parse_rule_doc

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "set_default.py"
REASON = ("0 true / 43 false on the validation half: SQL built from constants the rule "
          "cannot prove constant (docs/quality.md).")


def _module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("set_default", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def checkout(tmp_path) -> Path:
    copy = tmp_path / "checkout"
    for name in ("src", "rules", "docs"):
        shutil.copytree(ROOT / name, copy / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy2(ROOT / "README.md", copy / "README.md")
    return copy


def _run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *args, "--root", str(root)],
                          capture_output=True, text=True, timeout=300, check=False)


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes()
            for p in [*(root / "rules").glob("*.yaml"), root / "docs" / "rules.md",
                      root / "README.md"]}


def test_off_then_on_is_one_command_each_and_round_trips(checkout):
    # From BR101 on, whatever the shipped default is.
    assert _run(checkout, "BR101", "on").returncode == 0
    rule = next((checkout / "rules").glob("BR101-*.yaml"))
    # A comment the edit must keep (a YAML library would drop it).
    rule.write_text("# reviewed 2026-11-29\n" + rule.read_text(encoding="utf-8"),
                    encoding="utf-8")
    before = _snapshot(checkout)

    proc = _run(checkout, "BR101", "off", REASON)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ("BR101 is off by default; wrote rules/BR101-raw-sql.yaml, "
                           "docs/rules.md, README.md\n")
    text = rule.read_text(encoding="utf-8")
    old = before["rules/BR101-raw-sql.yaml"].decode("utf-8")
    confidence = re.search(r"^confidence: .*\n", old, flags=re.M)[0]  # type: ignore[index]
    assert text == old.replace(confidence, (
        confidence +
        "default-enabled: false\n"
        "default-off-reason: |\n"
        "  0 true / 43 false on the validation half: SQL built from constants the rule cannot prove\n"
        "  constant (docs/quality.md).\n"), 1)
    doc = load_rule_file(rule)
    assert (doc.default_enabled, doc.off_reason) == (False, REASON.rstrip("."))
    docs_md = (checkout / "docs" / "rules.md").read_text(encoding="utf-8")
    assert "| raw-sql | error | off | SQL text built from runtime values |" in docs_md
    assert f"raw-sql: {REASON}" in docs_md.split("## Off by default", 1)[1]
    readme = (checkout / "README.md").read_text(encoding="utf-8")
    assert "| BR101 | raw-sql | error | off | SQL text built" in readme
    # Only the three files changed.
    after = _snapshot(checkout)
    assert {k for k in after if after[k] != before[k]} == {
        "rules/BR101-raw-sql.yaml", "docs/rules.md", "README.md"}

    # A new reason replaces the old one; `on` takes both keys out again.
    assert _run(checkout, "BR101", "off", "Too noisy on migrations.").returncode == 0
    assert rule.read_text(encoding="utf-8").count("default-off-reason:") == 1
    assert load_rule_file(rule).off_reason == "Too noisy on migrations"
    proc = _run(checkout, "BR101", "on")
    assert proc.returncode == 0, proc.stderr
    assert _snapshot(checkout) == before


@pytest.mark.parametrize(("args", "needle"), [
    (["BR101", "off"], "turning a rule off needs a reason"),
    (["BR101", "off", "   "], "turning a rule off needs a reason"),
    (["BR101", "on", "because"], "a reason is only for turning a rule off"),
    (["BR999", "off", "x"], "no single rule file rules/BR999-*.yaml"),
    (["raw-sql", "off", "x"], "'RAW-SQL' is not a rule code"),
    (["BR000", "off", "x"], "BR000 stays on"),
])
def test_bad_requests_change_nothing(checkout, args, needle):
    module = _module()
    before = _snapshot(checkout)
    code = module.main([*args, "--root", str(checkout)])
    assert code == 2
    assert _snapshot(checkout) == before
    with pytest.raises(module.SetDefaultError, match=needle.replace("*", r"\*")):
        module.set_default(checkout, args[0].upper(), args[1],
                           args[2] if len(args) > 2 else None)


def test_a_rule_file_that_no_longer_loads_is_put_back(checkout, monkeypatch):
    module = _module()
    rule = next((checkout / "rules").glob("BR102-*.yaml"))
    before = _snapshot(checkout)
    # The edited file fails the checkout's own validation (here: an unknown key).
    real = module.edit_rule_text
    monkeypatch.setattr(module, "edit_rule_text",
                        lambda *a: real(*a) + "colour: red\n")
    with pytest.raises(module.SetDefaultError, match=r"do not load after the edit: .*colour"):
        module.set_default(checkout, "BR102", "off", "Too noisy.")
    assert _snapshot(checkout) == before
    assert rule.exists()


def test_every_shipped_rule_file_round_trips_through_off_and_on():
    """In memory, on every real rule file: off then on gives the file back, and the off
    text parses with the reason."""
    import yaml

    module = _module()
    for path in sorted((ROOT / "rules").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        on = module.edit_rule_text(text, "on", None)
        off = module.edit_rule_text(text, "off", REASON)
        doc = parse_rule_doc(yaml.safe_load(off), path.name)
        assert (doc.default_enabled, doc.off_reason) == (False, REASON.rstrip(".")), path.name
        assert module.edit_rule_text(off, "on", None) == on, path.name
        assert parse_rule_doc(yaml.safe_load(on), path.name).default_enabled, path.name
