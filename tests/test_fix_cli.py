"""`check --fix`, `--unsafe-fixes` and `--diff` (ruff's conventions), and the write-safety
promises: every fixed text compiles or is not written, writes are atomic and never go through
a link or outside the reviewed tree, a read-only file is a note and the run goes on, line
endings survive, and the bundled sample app ends with nothing left to fix."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest

from backendreview.cli import main
from backendreview.engine import RunResult
from backendreview.fixes.apply import fix_text
from backendreview.fixes.session import fix_findings
from backendreview.model import Edit, Finding, Fix, Severity, Span

ROOT = Path(__file__).resolve().parents[1]

SAFE = (  # BR106: an index changes how fast rows are found, never which: a safe fix
    "from sqlalchemy import Column, ForeignKey, Integer\n"
    "from sqlalchemy.orm import declarative_base\n"
    "\n"
    "Base = declarative_base()\n"
    "\n"
    "\n"
    "class Order(Base):\n"
    "    __tablename__ = \"orders\"\n"
    "    id = Column(Integer, primary_key=True)\n"
    "    # orders are listed per customer\n"
    "    customer_id = Column(Integer, ForeignKey(\"customers.id\"))  # keep me\n"
)
SAFE_FIXED = SAFE.replace('ForeignKey("customers.id"))', 'ForeignKey("customers.id"), index=True)')
TIMEOUT = (  # BR501: a call that used to wait now raises after the bound: unsafe
    "import requests\n"
    "\n"
    "def fetch(url):\n"
    "    return requests.get(url)\n"
)
UNSAFE = (  # BR205: pinning the algorithm refuses tokens signed otherwise: unsafe
    "import jwt\n"
    "\n"
    "KEY = 'k'\n"
    "\n"
    "def claims(token):\n"
    "    return jwt.decode(token, KEY)\n"
)
UNSAFE_FIXED = UNSAFE.replace("jwt.decode(token, KEY)",
                              'jwt.decode(token, KEY, algorithms=["HS256"])')


@pytest.fixture
def tree(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "orders.py").write_text(SAFE, encoding="utf-8")
    (tmp_path / "tokens.py").write_text(UNSAFE, encoding="utf-8")
    return tmp_path


def _read(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def test_fix_applies_only_safe_fixes(tree, capsys) -> None:
    assert main(["check", ".", "--fix", "--select", "BR106,BR205", "--format", "json"]) == 1
    captured = capsys.readouterr()
    assert "fixed 1 finding(s) in 1 file(s)" in captured.err
    assert _read(tree / "orders.py") == SAFE_FIXED
    assert _read(tree / "tokens.py") == UNSAFE
    (left,) = json.loads(captured.out)["findings"]
    assert (left["rule"], left["fix"]["applicability"]) == ("BR205", "unsafe")


def test_unsafe_fixes_apply_the_rest_and_a_second_run_changes_nothing(tree, capsys) -> None:
    args = ["check", ".", "--fix", "--unsafe-fixes", "--select", "BR106,BR205"]
    assert main(args) == 0
    assert "fixed 2 finding(s) in 2 file(s)" in capsys.readouterr().err
    assert (_read(tree / "orders.py"), _read(tree / "tokens.py")) == (SAFE_FIXED, UNSAFE_FIXED)
    assert main(args) == 0
    assert "fixed 0 finding(s) in 0 file(s)" in capsys.readouterr().err
    assert (_read(tree / "orders.py"), _read(tree / "tokens.py")) == (SAFE_FIXED, UNSAFE_FIXED)


CREATE = (  # BR304: clients now see 201 where they saw 200: unsafe
    "from fastapi import FastAPI\n"
    "\n"
    "app = FastAPI()\n"
    "\n"
    "\n"
    "@app.post(\"/items\")\n"
    "def create_item(item: dict, db=None):\n"
    "    db.add(item)\n"
    "    db.commit()\n"
    "    return item\n"
)


def test_timeouts_and_status_codes_are_unsafe_fixes(tree, capsys) -> None:
    # Both change runtime behaviour (a call now raises after the bound; clients see 201).
    (tree / "client.py").write_text(TIMEOUT, encoding="utf-8")
    (tree / "api.py").write_text(CREATE, encoding="utf-8")
    args = ["check", "client.py", "api.py", "--select", "BR501,BR304"]
    assert main([*args, "--fix", "--format", "json"]) == 1
    captured = capsys.readouterr()
    assert "fixed 0 finding(s) in 0 file(s)" in captured.err
    left = json.loads(captured.out)["findings"]
    assert sorted((f["rule"], f["fix"]["applicability"]) for f in left) == [
        ("BR304", "unsafe"), ("BR501", "unsafe")]
    assert (_read(tree / "client.py"), _read(tree / "api.py")) == (TIMEOUT, CREATE)
    assert main([*args, "--fix", "--unsafe-fixes"]) == 0
    assert "fixed 2 finding(s) in 2 file(s)" in capsys.readouterr().err
    assert _read(tree / "client.py") == TIMEOUT.replace("get(url)", "get(url, timeout=10)")
    assert _read(tree / "api.py") == CREATE.replace('post("/items")',
                                                    'post("/items", status_code=201)')


def test_diff_prints_a_unified_diff_and_writes_nothing(tree, capsys) -> None:
    assert main(["check", ".", "--diff", "--unsafe-fixes", "--select", "BR106,BR205"]) == 1
    captured = capsys.readouterr()
    assert captured.out.startswith("--- a/orders.py\n+++ b/orders.py\n@@ ")
    assert '-    customer_id = Column(Integer, ForeignKey("customers.id"))  # keep me\n' in (
        captured.out)
    assert ('+    customer_id = Column(Integer, ForeignKey("customers.id"), index=True)  '
            '# keep me\n') in captured.out
    assert '+    return jwt.decode(token, KEY, algorithms=["HS256"])\n' in captured.out
    assert "would fix 2 finding(s) in 2 file(s)" in captured.err
    assert (_read(tree / "orders.py"), _read(tree / "tokens.py")) == (SAFE, UNSAFE)
    assert main(["check", "orders.py", "--diff", "--select", "BR205"]) == 0
    assert capsys.readouterr().out == ""


def test_sarif_carries_the_fix_edits(tree, capsys) -> None:
    assert main(["check", "orders.py", "--select", "BR106", "--format", "sarif"]) == 1
    (result,) = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    (fix,) = result["fixes"]
    (change,) = fix["artifactChanges"]
    (replacement,) = change["replacements"]
    assert replacement["insertedContent"]["text"] == (
        'Column(Integer, ForeignKey("customers.id"), index=True)')
    assert replacement["deletedRegion"]["startLine"] == 11


def test_writes_are_atomic_and_keep_the_mode(tree, capsys) -> None:
    os.chmod(tree / "orders.py", 0o640)
    assert main(["check", "orders.py", "--fix", "--select", "BR106"]) == 0
    capsys.readouterr()
    assert stat.S_IMODE((tree / "orders.py").stat().st_mode) == 0o640
    assert sorted(p.name for p in tree.iterdir()) == ["orders.py", "tokens.py"]


def test_a_read_only_file_is_a_note_and_the_run_goes_on(tree, capsys) -> None:
    (tree / "other.py").write_text(SAFE, encoding="utf-8")
    os.chmod(tree / "orders.py", 0o444)
    try:
        assert main(["check", ".", "--fix", "--select", "BR106"]) == 1
    finally:
        os.chmod(tree / "orders.py", 0o644)
    err = capsys.readouterr().err
    assert "backendreview: orders.py: not fixed: it is read-only" in err
    assert "fixed 1 finding(s) in 1 file(s)" in err
    assert (_read(tree / "orders.py"), _read(tree / "other.py")) == (SAFE, SAFE_FIXED)


def test_never_writes_through_a_link_or_outside_the_tree(tmp_path, monkeypatch, capsys) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "target.py").write_text(SAFE, encoding="utf-8")
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "link.py").symlink_to(outside / "target.py")
    (tree / "linked_dir").symlink_to(outside, target_is_directory=True)
    monkeypatch.chdir(tree)
    findings = [_index_finding("link.py"), _index_finding("linked_dir/target.py")]
    session = fix_findings(RunResult(findings=findings), lambda texts: RunResult(),
                           (Path("."),), unsafe=False, write=True)
    assert session.notes == [
        "link.py: not fixed: it is a symbolic link (fix the file it points to instead)",
        "linked_dir/target.py: not fixed: it lies outside the reviewed tree (through a "
        "linked directory)"]
    assert _read(outside / "target.py") == SAFE
    assert (tree / "link.py").is_symlink()
    main(["check", ".", "--fix", "--select", "BR106"])
    capsys.readouterr()
    assert _read(outside / "target.py") == SAFE


def _index_finding(path: str) -> Finding:
    edit = Edit(Span(11, 19, 11, 62), 'Column(Integer, ForeignKey("customers.id"), index=True)')
    return Finding("BR106", Severity.NOTE, "no index", path, Span(11, 19, 11, 62),
                   fix=Fix("index the foreign key column", edit.replacement, (edit,)))


def test_a_fix_that_does_not_compile_is_dropped_with_a_note(tree, capsys) -> None:
    # `index=False, index=True` passes ast.parse but not compile(): never written.
    text = "from sqlalchemy import Column\nc = Column(index=False)\n"
    (tree / "models.py").write_text(text, encoding="utf-8")
    bad = Edit(Span(2, 5, 2, 24), "Column(index=False, index=True)")
    finding = Finding("BR106", Severity.NOTE, "no index", "models.py", Span(2, 5, 2, 24),
                      fix=Fix("index", bad.replacement, (bad,)))
    good = _index_finding("orders.py")
    outcome = fix_text(text, [finding], "models.py")
    assert outcome.applied == [] and outcome.text == text
    ((dropped, why),) = outcome.dropped
    assert dropped is finding
    assert why.startswith("the fixed code does not compile: keyword argument repeated")
    session = fix_findings(RunResult(findings=[finding, good]), lambda texts: RunResult(),
                           (Path("."),), unsafe=True, write=True)
    assert session.notes == ["models.py:2: BR106 fix dropped: the fixed code does not compile: "
                             "keyword argument repeated: index (line 2)"]
    assert _read(tree / "models.py") == text
    assert _read(tree / "orders.py") == SAFE_FIXED


@pytest.mark.parametrize("newline", ["\r", "\r\n"])
def test_line_endings_survive(tree, capsys, newline) -> None:
    data = SAFE.replace("\n", newline).encode("utf-8")
    (tree / "orders.py").write_bytes(data)
    assert main(["check", "orders.py", "--fix", "--select", "BR106"]) == 0
    capsys.readouterr()
    assert (tree / "orders.py").read_bytes() == SAFE_FIXED.replace("\n", newline).encode()


def test_nested_fixes_compose_over_rounds(tree, capsys) -> None:
    # BR401's statement edit contains BR501's call edit: one waits for the next round.
    (tree / "api.py").write_text(
        "import logging\n"
        "\n"
        "import requests\n"
        "from fastapi import FastAPI\n"
        "from fastapi.responses import JSONResponse\n"
        "\n"
        "logger = logging.getLogger(__name__)\n"
        "app = FastAPI()\n"
        "\n"
        "\n"
        "@app.get(\"/proxy\")\n"
        "def proxy(url: str):\n"
        "    try:\n"
        "        return requests.get(url).json()\n"
        "    except Exception as e:\n"
        "        return JSONResponse({\"error\": str(e), \"up\": requests.head(url).ok}, 502)\n",
        encoding="utf-8")
    assert main(["check", "api.py", "--fix", "--unsafe-fixes", "--select", "BR401,BR501"]) == 0
    assert "fixed 3 finding(s) in 1 file(s)" in capsys.readouterr().err
    text = _read(tree / "api.py")
    assert "        return requests.get(url, timeout=10).json()\n" in text
    assert ('        logger.exception("proxy failed")\n'
            '        return JSONResponse({"error": "Internal server error", '
            '"up": requests.head(url, timeout=10).ok}, 502)\n') in text


def test_sample_app_ends_with_nothing_left_to_fix(tmp_path, monkeypatch, capsys) -> None:
    app = tmp_path / "sample_app"
    shutil.copytree(ROOT / "fixtures" / "sample_app", app)
    monkeypatch.chdir(app)
    main(["check", ".", "--fix", "--unsafe-fixes"])
    assert "fixed 3 finding(s) in 2 file(s)" in capsys.readouterr().err
    for path in sorted(app.rglob("*.py")):
        compile(path.read_text(encoding="utf-8"), str(path), "exec", dont_inherit=True)
    main(["check", ".", "--format", "json"])
    left = json.loads(capsys.readouterr().out)["findings"]
    assert [f for f in left if f["fix"] and f["fix"]["edits"]] == []
    before = {p: p.read_bytes() for p in app.rglob("*.py")}
    main(["check", ".", "--fix", "--unsafe-fixes"])
    assert "fixed 0 finding(s) in 0 file(s)" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in app.rglob("*.py")} == before
