"""Small multi-file projects written for a test, and what the tool makes of them."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from backendreview.analysis.program import ProgramModel, program_of
from backendreview.cli import main
from backendreview.config import Config
from backendreview.engine import finish, review_source, run
from backendreview.metadata import load_rule_docs
from backendreview.model import Finding


def app_package(tmp_path: Path, files: dict[str, str]) -> Path:
    """`files` written into a package `app/` under `tmp_path`; the project root returned."""
    pkg = tmp_path / "app"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    for name, text in files.items():
        (pkg / name).write_text(text, encoding="utf-8")
    return tmp_path


def program_model(tmp_path: Path, files: dict[str, str], monkeypatch: pytest.MonkeyPatch
                  ) -> ProgramModel:
    """The program model of `files` (paths relative to `tmp_path`), reviewed from there."""
    for name, text in files.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run([Path(".")], Config(root=tmp_path), rules=(), collect=("program",), jobs=1)
    assert result.errors == []
    return program_of(result.facts)


def one_file_findings(code: str, rules: tuple[str, ...]) -> list[tuple[int, str, str]]:
    """(line, severity, message) of every finding `rules` give on `code` reviewed as one
    file `case.py`, project phase included, sorted."""
    result = review_source(textwrap.dedent(code).encode(), "case.py", Config(), rules)
    findings = finish([result], Config(), rules, load_rule_docs()).findings
    return sorted((f.span.start_line, f.severity.value, f.message) for f in findings)


def project_findings(tmp_path: Path, files: dict[str, str], rules: str,
                     monkeypatch: pytest.MonkeyPatch) -> list[Finding]:
    """The findings of `rules` (comma-separated ids) on `files` (paths relative to
    `tmp_path`, texts dedented), reviewed from there, project phase included."""
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return run([Path(".")], Config(root=tmp_path, select=tuple(rules.split(","))),
               jobs=1).findings


def route_rows(capsys: pytest.CaptureFixture[str], root: Path) -> list[tuple[str, str, str]]:
    """(methods, path, handler) of each row `backendreview routes` prints for `root`, in the
    table's order; the command must succeed."""
    code = main(["routes", str(root), "--format", "json", "--jobs", "1"])
    out = capsys.readouterr()
    assert code == 0, out.err
    return [(",".join(r["methods"]), r["path"], r["handler"]) for r in json.loads(out.out)]


def route_auth(capsys: pytest.CaptureFixture[str], root: Path) -> dict[str, list[str]]:
    """"METHODS path" -> the auth column of `backendreview routes .` run in `root`, so that
    its modules import each other by their names there; the command must succeed."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        code = main(["routes", ".", "--format", "json", "--jobs", "1"])
    out = capsys.readouterr()
    assert code == 0, out.err
    return {f"{','.join(r['methods'])} {r['path']}": r["auth"] for r in json.loads(out.out)}
