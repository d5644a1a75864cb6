"""The bundled sample backend: every seeded mistake listed in MISTAKES.md whose rule exists is
found at its line, and nothing else is reported (the near-misses stay silent)."""

from __future__ import annotations

import re

from backendreview.config import Config
from backendreview.engine import all_rule_ids, run

ROW = re.compile(r"^\|\s*\w+\s*\|\s*(?P<path>app/[\w/]+\.py):(?P<line>\d+)\s*\|\s*(?P<rule>BR\d{3})\s*\|")


def test_sample_app_findings_match_the_answer_key(sample_app, monkeypatch):
    monkeypatch.chdir(sample_app)
    expected = set()
    for line in (sample_app / "MISTAKES.md").read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match and match["rule"] in all_rule_ids():
            expected.add((match["rule"], match["path"], int(match["line"])))
    assert {("BR101", "app/routers/reports.py", 24), ("BR201", "app/routers/users.py", 59)} <= expected
    result = run([sample_app], Config(root=sample_app), jobs=1)
    got = {(f.rule_id, f.path, f.span.start_line) for f in result.findings}
    # BR401 is reported at the except clause; MISTAKES.md names that line too.
    assert got == expected
