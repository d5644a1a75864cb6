"""The bundled sample backend: every seeded mistake listed in MISTAKES.md whose rule exists is
found at its line, and nothing else is reported (the near-misses stay silent) -- with the
sample's own configuration, whichever rules are on by default."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from backendreview import engine
from backendreview.cli import main
from backendreview.config import load_config
from backendreview.engine import all_rule_ids, run
from backendreview.metadata import load_rule_docs

ROOT = Path(__file__).resolve().parents[1]
ROW = re.compile(r"^\|\s*\w+\s*\|\s*(?P<path>app/[\w/]+\.py):(?P<line>\d+)\s*\|\s*(?P<rule>BR\d{3})\s*\|")


def _answer_key(sample_app: Path) -> set[tuple[str, str, int]]:
    expected = set()
    for line in (sample_app / "MISTAKES.md").read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match and match["rule"] in all_rule_ids():
            expected.add((match["rule"], match["path"], int(match["line"])))
    return expected


@pytest.fixture(params=["shipped defaults", "every rule off by default"])
def defaults(request, monkeypatch) -> str:
    if request.param != "shipped defaults":
        docs = {code: dataclasses.replace(doc, default_enabled=False)
                for code, doc in load_rule_docs().items()}
        monkeypatch.setattr(engine, "load_rule_docs", lambda: docs)
    return request.param


def test_sample_app_findings_match_the_answer_key(sample_app, monkeypatch, defaults):
    monkeypatch.chdir(sample_app)
    expected = _answer_key(sample_app)
    assert {("BR101", "app/routers/reports.py", 24), ("BR201", "app/routers/users.py", 59)} <= expected
    # The sample's own pyproject.toml opts into the rules it demonstrates.
    config = load_config([sample_app], None, all_rule_ids())
    result = run([sample_app], config, jobs=1)
    got = {(f.rule_id, f.path, f.span.start_line) for f in result.findings}
    # BR401 is reported at the except clause; MISTAKES.md names that line too.
    assert got == expected


def _readme_first_command() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(.*?)```", readme, flags=re.S)
    assert block, "README has no sh block"
    command = block[1].split("backendreview check", 1)[1].split("&&")[0].split()
    return ["check", *command]


def test_readme_first_command_shows_every_demonstrated_rule(sample_app, monkeypatch, capsys,
                                                            defaults):
    argv = _readme_first_command()
    assert argv == ["check", "fixtures/sample_app", "--exit-zero"]
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("COLUMNS", "200")
    assert main(argv) == 0
    out = capsys.readouterr().out
    shown = {(m[3], m[1], int(m[2])) for m in re.finditer(
        r"fixtures/sample_app/(app/[\w/]+\.py):(\d+):\d+: (BR\d{3})", out)}
    assert shown == _answer_key(sample_app)
