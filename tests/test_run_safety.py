"""The run itself (issues 15 and 18): Ctrl-C, absurd --jobs, the per-file time limit,
warnings from compiling reviewed code, and rules on shapes that break recursive code."""

from __future__ import annotations

import ast
import json
import os
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest

import backendreview.cli as cli
import backendreview.engine as engine
from backendreview.config import Config
from backendreview.engine import all_rule_ids, review_source

BAD = ("import sqlite3\n\ndef find(conn: sqlite3.Connection, email):\n"
       "    return conn.execute(f\"SELECT id FROM users WHERE email = '{email}'\")\n")


@pytest.fixture
def tree(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.py").write_text(BAD, encoding="utf-8")
    # The rules these tests watch, chosen here rather than taken from the default set.
    (tmp_path / "pyproject.toml").write_text(
        '[tool.backendreview]\nselect = ["BR000", "BR101"]\n', encoding="utf-8")
    return tmp_path


# -- Ctrl-C ----------------------------------------------------------------------------------

@pytest.fixture
def python_sigint():
    """Python's own SIGINT handler for the test, whatever the launching shell did: a shell
    that starts pytest as a background job ignores SIGINT, and Python then never installs
    its handler, so the signal these tests send would be dropped."""
    previous = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def _interrupting_run(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(5)  # the signal arrives long before this ends
    raise AssertionError("SIGINT did not stop the run")


def test_ctrl_c_is_one_line_exit_2_and_a_sarif_failure_log(tree, monkeypatch, capsys,
                                                            sarif_validator, python_sigint):
    monkeypatch.setattr(engine, "run", _interrupting_run)
    assert cli.main(["check", ".", "--format", "sarif", "-o", "out.sarif"]) == 2
    captured = capsys.readouterr()
    assert captured.err == "backendreview: error: interrupted\n"
    log = json.loads((tree / "out.sarif").read_text(encoding="utf-8"))
    sarif_validator.validate(log)
    (invocation,) = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"] == [
        {"level": "error", "message": {"text": "interrupted"}}]
    # The handler is put back: a later Ctrl-C is Python's own again.
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_ctrl_c_without_sarif_is_one_line(tree, monkeypatch, capsys, python_sigint):
    monkeypatch.setattr(engine, "run", _interrupting_run)
    assert cli.main(["check", "."]) == 2
    assert capsys.readouterr().err == "backendreview: error: interrupted\n"


# -- --jobs ----------------------------------------------------------------------------------

def test_absurd_jobs_do_not_hang(tree):
    for i in range(engine._PARALLEL_THRESHOLD + 2):
        (tree / f"m{i}.py").write_text(BAD if i == 0 else f"x = {i}\n")
    proc = subprocess.run([sys.executable, "-m", "backendreview", "check", ".", "-j",
                           "100000", "--format", "json"],
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 1, proc.stderr
    findings = json.loads(proc.stdout)["findings"]
    assert [(f["path"], f["rule"]) for f in findings] == [("bad.py", "BR101"),
                                                          ("m0.py", "BR101")]


@pytest.mark.parametrize(("jobs", "tasks", "expected"), [
    (100000, 500, 2 * (os.cpu_count() or 1)), (4, 2, 2), (1, 500, 1), (None, 0, 1)])
def test_worker_count_is_capped(jobs, tasks, expected):
    assert engine._worker_count(jobs, tasks) == min(expected, 61)


# -- per-file time limit ---------------------------------------------------------------------

def test_slow_file_is_stopped_and_reported_by_name(tree, monkeypatch):
    (tree / "slow.py").write_text("x = 1\n")
    real = engine.review_source

    def review(data, path, *args, **kwargs):
        if path == "slow.py":
            while True:  # a rule gone quadratic, as far as the engine can tell
                pass
        return real(data, path, *args, **kwargs)

    monkeypatch.setattr(engine, "review_source", review)
    monkeypatch.setenv("BACKENDREVIEW_FILE_TIME_LIMIT", "0.5")
    result = engine.run([Path(".")], Config(root=tree, select=("BR000", "BR101")), jobs=1)
    assert result.errors == []
    assert [(f.path, f.rule_id) for f in result.findings] == [("bad.py", "BR101"),
                                                              ("slow.py", "BR000")]
    assert result.findings[1].message == (
        "review stopped after 0.5 s: the file takes too long to review "
        "(BACKENDREVIEW_FILE_TIME_LIMIT sets the limit)")
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


@pytest.mark.parametrize(("raw", "expected"), [
    ("", 120.0), ("2.5", 2.5), ("0", 0.0), ("-1", 0.0), ("soon", 120.0)])
def test_time_limit_setting(monkeypatch, raw, expected):
    monkeypatch.setenv("BACKENDREVIEW_FILE_TIME_LIMIT", raw)
    assert engine.file_time_limit() == expected


# -- warnings of reviewed code ---------------------------------------------------------------

WARNS = 'import re\n\nPATTERN = "\\d+"\nassert (PATTERN, "x")\nif PATTERN is "x":\n    pass\n'


def test_compile_warnings_of_reviewed_code_are_silenced():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ast.parse(WARNS)  # the file does warn (SyntaxWarning from 3.12, before Deprecation...)
        assert {w.category for w in caught} & {SyntaxWarning, DeprecationWarning}
        caught.clear()
        result = review_source(WARNS, "warns.py", Config(), tuple(sorted(all_rule_ids())))
    assert caught == []  # ...but not through the reviewer
    assert result.findings == []


def test_no_warning_reaches_stderr(tree):
    (tree / "warns.py").write_text(WARNS)
    proc = subprocess.run([sys.executable, "-W", "always", "-m", "backendreview", "check",
                           "warns.py", "-q"], capture_output=True, text=True, timeout=120,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""


# -- shapes that break recursive helpers -----------------------------------------------------

CHAIN = "a" + ".b" * 600 + "()"
DEEP_CHAIN = f'''import logging
import sqlite3

import requests
from fastapi import FastAPI

app = FastAPI()


@app.get("/items")
def items(conn: sqlite3.Connection, name: str, a):
    x = {CHAIN}
    logging.info({CHAIN})
    requests.get({CHAIN})
    return conn.execute(f"SELECT * FROM t WHERE name = '{{name}}'")
'''


def test_attribute_chain_of_600_names_goes_through_every_rule():
    result = review_source(DEEP_CHAIN, "chain.py", Config(), tuple(sorted(all_rule_ids())))
    assert result.facts.get("_errors", []) == []
    assert ("BR101", 15) in [(f.rule_id, f.span.start_line) for f in result.findings]


def test_attribute_chain_resolves_to_its_qualified_name():
    from backendreview.semantic import SemanticBuilder

    tree = ast.parse("import os\nx = os" + ".path" * 700 + "\n")
    model = SemanticBuilder(tree).build()
    value = tree.body[1].value
    assert model.qualified_name(value) == "os" + ".path" * 700
    assert model.qualified_name(value.value) == "os" + ".path" * 699


MODULE_GLOBAL = "import requests\n\nglobal _w\n_w = None\n\n\ndef f():\n    return _w()\n"


def _in_daemon_thread(work, seconds: float = 20.0):  # type: ignore[no-untyped-def]
    """Run `work`, failing (not hanging the suite) if it never returns."""
    import threading

    box: list = []
    thread = threading.Thread(target=lambda: box.append(work()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert box, "did not return: an endless loop"
    return box[0]


def test_module_level_global_statement_resolves_to_the_module_binding():
    # `global x` at module level is legal and a no-op; name lookup once looped on it forever.
    from backendreview.semantic import SemanticBuilder

    tree = ast.parse(MODULE_GLOBAL)
    model = SemanticBuilder(tree).build()
    use = tree.body[-1].body[0].value.func  # the `_w` in `return _w()`
    scope, bindings = _in_daemon_thread(lambda: model.lookup("_w", use))
    assert scope is model.module_scope
    assert [b.lineno for b in bindings] == [4]


def test_module_level_global_statement_goes_through_every_rule():
    result = _in_daemon_thread(lambda: review_source(
        MODULE_GLOBAL, "session.py", Config(), tuple(sorted(all_rule_ids()))))
    assert result.facts.get("_errors", []) == []
    assert [f.rule_id for f in result.findings if f.rule_id == "BR000"] == []
