"""End-to-end: each sample project under fixtures/routes/<framework>/ (several modules,
prefixes declared in other files, a global limiter in some) gives exactly the expected route
table and findings. Regenerate the expected files with BACKENDREVIEW_REGEN=1 after a
deliberate change, and review the diff."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from backendreview.cli import main

ROOT = Path(__file__).resolve().parents[1]
PROJECTS = sorted(p.name for p in (ROOT / "fixtures" / "routes").iterdir() if p.is_dir())


def _json(capsys, *args: str) -> object:  # type: ignore[no-untyped-def]
    code = main(list(args))
    out = capsys.readouterr()
    assert code in (0, 1), out.err
    return json.loads(out.out)


def _compare(path: Path, actual: object) -> None:
    if os.environ.get("BACKENDREVIEW_REGEN"):
        path.write_text(json.dumps(actual, indent=2) + "\n", encoding="utf-8")
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert actual == expected


@pytest.mark.parametrize("project", PROJECTS)
def test_route_table(project: str, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    base = ROOT / "fixtures" / "routes" / project
    monkeypatch.chdir(base)
    routes = _json(capsys, "routes", ".", "--format", "json", "--jobs", "1")
    _compare(base / "expected_routes.json", routes)


@pytest.mark.parametrize("project", PROJECTS)
def test_findings(project: str, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    base = ROOT / "fixtures" / "routes" / project
    monkeypatch.chdir(base)
    # Every rule, whether or not it is on by default: the expected files do not move when
    # a default does.
    report = _json(capsys, "check", ".", "--format", "json", "--jobs", "1", "--select", "ALL")
    findings = [{"rule": f["rule"], "severity": f["severity"],
                 "location": f"{f['path']}:{f['start_line']}:{f['start_column']}",
                 "message": f["message"],
                 "fix": (f.get("fix") or {}).get("description"),
                 "suggestion": (f.get("fix") or {}).get("suggestion")}
                for f in report["findings"]]  # type: ignore[index]
    _compare(base / "expected_findings.json", findings)
