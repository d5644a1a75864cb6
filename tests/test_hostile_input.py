"""Hostile and careless input (issues 15 and 18): each odd file is a clear per-file
diagnostic and the run goes on; nothing outside the reviewed tree is read or echoed; no
user file is overwritten by a report or a baseline; a bad configuration names its key."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from backendreview.cli import main
from backendreview.config import Config
from backendreview.engine import run
from backendreview.sourcefile import UnreadableSource, read_source

BAD = ("import sqlite3\n\ndef find(conn: sqlite3.Connection, email):\n"
       "    return conn.execute(f\"SELECT id FROM users WHERE email = '{email}'\")\n")
SQL_MESSAGE = "SQL"
# The rules these tests watch (odd files as BR000, the real finding kept as BR101), chosen in
# the tree's configuration rather than taken from the default set.
RULES = ("BR000", "BR101")


@pytest.fixture
def tree(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    # A stray repository above the temporary directory would make discovery list files
    # through git, which never lists a FIFO or a socket: keep git's search inside the tree.
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    (tmp_path / "bad.py").write_text(BAD, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        f"[tool.backendreview]\nselect = {list(RULES)}\n", encoding="utf-8")
    return tmp_path


def _check(*args: str) -> subprocess.CompletedProcess[str]:
    """The real CLI in a child process: a hang is a test failure, not a stuck suite."""
    return subprocess.run([sys.executable, "-m", "backendreview", "check", *args],
                          capture_output=True, text=True, timeout=120, check=False)


def _json(*args: str) -> tuple[list[dict], subprocess.CompletedProcess[str]]:
    proc = _check(*args, "--format", "json")
    return json.loads(proc.stdout)["findings"], proc


def _json_here(capsys, *args: str) -> tuple[list[dict], int]:
    """The CLI in this process, for cases that cannot hang (faster than a child)."""
    code = main(["check", *args, "--format", "json"])
    return json.loads(capsys.readouterr().out)["findings"], code


def _by_path(findings: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for f in findings:
        out.setdefault(f["path"], []).append(f)
    return out


def _real_finding_kept(findings: list[dict]) -> None:
    assert [f["rule"] for f in _by_path(findings)["bad.py"]] == ["BR101"]


# -- special files -------------------------------------------------------------------------

def test_fifo_named_py_is_a_finding_not_a_hang(tree):
    os.mkfifo(tree / "x.py")
    findings, proc = _json(".")
    assert proc.returncode == 1, proc.stderr
    (fifo,) = _by_path(findings)["x.py"]
    assert (fifo["rule"], fifo["start_line"]) == ("BR000", 1)
    assert fifo["message"] == "not a regular file (a FIFO): not read"
    _real_finding_kept(findings)


def test_fifo_named_on_the_command_line_is_a_finding(tree):
    os.mkfifo(tree / "x.py")
    findings, proc = _json("x.py", "bad.py")
    assert proc.returncode == 1, proc.stderr
    assert _by_path(findings)["x.py"][0]["message"] == "not a regular file (a FIFO): not read"


def test_socket_named_py_is_a_finding(tree, capsys):
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(tree / "s.py"))
        findings, code = _json_here(capsys, ".")
    finally:
        server.close()
    assert code == 1
    assert _by_path(findings)["s.py"][0]["message"] == "not a regular file (a socket): not read"
    _real_finding_kept(findings)


def test_device_is_never_read():
    with pytest.raises(UnreadableSource, match=r"^not a regular file \(a character device\)"):
        read_source("/dev/zero")


def test_oversized_file_is_not_read(tmp_path):
    big = tmp_path / "big.py"
    big.write_bytes(b"x = 1\n" * 100)
    with pytest.raises(UnreadableSource, match=r"^file larger than 0 MB: not read$"):
        read_source(big, limit=10)
    assert read_source(big, limit=600) == b"x = 1\n" * 100


def test_symlink_loop_is_a_finding_and_the_run_goes_on(tree, capsys):
    os.symlink("a.py", tree / "a.py")
    os.symlink("c.py", tree / "b.py")
    os.symlink("b.py", tree / "c.py")
    findings, code = _json_here(capsys, ".")
    assert code == 1
    paths = _by_path(findings)
    for name in ("a.py", "b.py", "c.py"):
        (loop,) = paths[name]
        assert (loop["rule"], loop["message"]) == (
            "BR000", "cannot read the file: symbolic link loop")
    _real_finding_kept(findings)


def test_dangling_link_is_a_finding(tree, capsys):
    os.symlink("gone.py", tree / "dangling.py")
    findings, _ = _json_here(capsys, ".")
    assert _by_path(findings)["dangling.py"][0]["message"].startswith(
        "cannot read the file: broken symbolic link")


def test_link_inside_the_tree_is_reviewed_once(tree, capsys):
    os.symlink("bad.py", tree / "alias.py")
    findings, code = _json_here(capsys, ".")
    assert code == 1
    assert [(f["path"], f["rule"]) for f in findings] == [("bad.py", "BR101")]


@pytest.mark.parametrize("fmt", ["json", "console"])
def test_link_to_proc_environ_leaks_nothing(tree, monkeypatch, fmt):
    secret = "hunter2-do-not-print-me"
    monkeypatch.setenv("BR_TEST_CI_SECRET", secret)
    os.symlink("/proc/self/environ", tree / "settings.py")
    os.symlink("/etc/passwd", tree / "passwd.py")
    os.symlink("/dev/zero", tree / "zero.py")
    proc = _check(".", "--format", fmt)
    assert secret not in proc.stdout + proc.stderr
    assert "root:" not in proc.stdout + proc.stderr
    assert proc.returncode == 1  # bad.py's finding, nothing else
    notes = [line for line in proc.stderr.splitlines() if "note:" in line]
    assert notes == [
        f"backendreview: note: {name}: symbolic link to a file outside the reviewed tree: "
        "not read" for name in ("passwd.py", "settings.py", "zero.py")]


def test_link_named_on_the_command_line_pointing_outside_is_not_read(tree, monkeypatch):
    monkeypatch.setenv("BR_TEST_CI_SECRET", "hunter2-do-not-print-me")
    os.symlink("/proc/self/environ", tree / "settings.py")
    proc = _check("settings.py", "--format", "json")
    assert "hunter2" not in proc.stdout + proc.stderr
    assert json.loads(proc.stdout)["findings"] == []
    assert "settings.py: symbolic link to a file outside the reviewed tree" in proc.stderr


def test_sarif_lists_skipped_links_as_notes(tree, capsys):
    os.symlink("/etc/passwd", tree / "passwd.py")
    assert main(["check", ".", "--format", "sarif"]) == 1
    log = json.loads(capsys.readouterr().out)
    (invocation,) = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is True
    assert invocation["toolExecutionNotifications"] == [{
        "level": "note",
        "message": {"text": "passwd.py: symbolic link to a file outside the reviewed tree: "
                            "not read"}}]


# -- unreadable directories (simulated: the suite may run as root, which chmod cannot stop)

def _deny(monkeypatch, name: str) -> None:
    real_stat, real_scandir = os.stat, os.scandir

    def stat(path, *args, **kwargs):
        if name in os.fspath(path).split(os.sep)[:-1]:
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_stat(path, *args, **kwargs)

    def scandir(path="."):
        if os.path.basename(os.fspath(path)) == name:
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "stat", stat)
    monkeypatch.setattr(os, "scandir", scandir)


def test_unreadable_gitignored_directory_is_not_entered(tree, monkeypatch):
    subprocess.run(["git", "init", "-q"], check=True)
    (tree / ".gitignore").write_text("pgdata/\n")
    (tree / "pgdata").mkdir()
    _deny(monkeypatch, "pgdata")
    result = run([Path(".")], Config(root=tree, select=RULES), jobs=1)
    assert result.errors == []
    assert result.notes == []
    assert [(f.path, f.rule_id) for f in result.findings] == [("bad.py", "BR101")]


def test_unreadable_directory_is_a_note(tree, monkeypatch):
    (tree / "pgdata").mkdir()
    _deny(monkeypatch, "pgdata")
    result = run([Path(".")], Config(root=tree, select=RULES, respect_gitignore=False), jobs=1)
    assert result.errors == []
    assert result.notes == ["pgdata: cannot list the directory: Permission denied: not reviewed"]
    assert [(f.path, f.rule_id) for f in result.findings] == [("bad.py", "BR101")]


def test_path_longer_than_path_max_does_not_abort(tree, capsys):
    # 30 nested directories of 200 characters: 6,000+ characters, beyond PATH_MAX.
    fd = os.open(tree, os.O_RDONLY)
    try:
        for _ in range(30):
            os.mkdir("d" * 200, dir_fd=fd)
            new = os.open("d" * 200, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = new
        leaf = os.open("deep.py", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(leaf, BAD.encode())
        os.close(leaf)
    finally:
        os.close(fd)
    assert main(["check", ".", "--format", "json"]) == 1
    captured = capsys.readouterr()
    assert "internal error" not in captured.err
    findings = json.loads(captured.out)["findings"]
    assert ("bad.py", "BR101") in [(f["path"], f["rule"]) for f in findings]


# -- configuration -----------------------------------------------------------------------------

def _config_error(tree: Path, pyproject: bytes, capsys) -> str:
    (tree / "pyproject.toml").write_bytes(pyproject)
    assert main(["check", "."]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    return err[0]


def test_pyproject_not_utf8_is_a_config_error(tree, capsys):
    line = _config_error(tree, b"[tool.backendreview]\n# caf\xe9\nselect = ['BR1']\n", capsys)
    assert line == (f"backendreview: error: {tree / 'pyproject.toml'}: not valid TOML: "
                    "not UTF-8 (byte 26)")


def test_deeply_nested_pyproject_is_a_config_error(tree, capsys):
    nested = b"[tool.backendreview]\nx = " + b"[" * 5000 + b"]" * 5000 + b"\n"
    line = _config_error(tree, nested, capsys)
    assert line == (f"backendreview: error: {tree / 'pyproject.toml'}: not valid TOML: "
                    "nested too deeply")


@pytest.mark.parametrize(("table", "key"), [
    ('[tool.backendreview]\nexclude = ["!"]\n', "exclude"),
    ('[tool.backendreview]\nextend-exclude = ["ok/", "!"]\n', "extend-exclude"),
    ('[tool.backendreview.per-file-ignores]\n"!" = ["BR1"]\n', "per-file-ignores"),
])
def test_invalid_glob_names_the_key(tree, capsys, table, key):
    line = _config_error(tree, table.encode(), capsys)
    assert line.startswith(f"backendreview: error: {tree / 'pyproject.toml'}: key '{key}': "
                           "invalid glob '!'")


def test_valid_globs_still_accepted(tree, capsys):
    (tree / "pyproject.toml").write_text('[tool.backendreview]\nextend-exclude = ["gen/", "*_pb2.py"]\n')
    assert main(["check", ".", "--select", "BR101", "--format", "json"]) == 1
    assert "bad.py" in capsys.readouterr().out


# -- never overwrite a user's file -------------------------------------------------------------

def test_baseline_arguments_in_the_wrong_order_keep_the_source(tree, capsys):
    before = (tree / "bad.py").read_bytes()
    assert main(["baseline", "bad.py"]) == 2
    assert (tree / "bad.py").read_bytes() == before
    assert capsys.readouterr().err.strip() == (
        "backendreview: error: baseline: bad.py exists and is not a backendreview baseline: "
        "not overwritten (the baseline file comes first: `backendreview baseline FILE [PATHS]`)")


def test_baseline_refuses_other_json(tree, capsys):
    (tree / "package.json").write_text('{"name": "web"}\n')
    assert main(["baseline", "package.json", "."]) == 2
    assert (tree / "package.json").read_text() == '{"name": "web"}\n'
    assert "package.json exists and is not a backendreview baseline" in capsys.readouterr().err


def test_baseline_rewrites_its_own_file(tree, capsys):
    assert main(["baseline", "br.json", "."]) == 0
    first = json.loads((tree / "br.json").read_text())
    assert [e["rule"] for e in first["findings"]] == ["BR101"]
    (tree / "bad.py").write_text("x = 1\n")
    assert main(["baseline", "br.json", "."]) == 0
    assert json.loads((tree / "br.json").read_text())["findings"] == []
    assert [p.name for p in tree.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.parametrize("fmt", ["json", "sarif", "console"])
def test_output_refuses_a_python_source_file(tree, capsys, fmt):
    before = (tree / "bad.py").read_bytes()
    assert main(["check", ".", "--format", fmt, "-o", "bad.py"]) == 2
    assert (tree / "bad.py").read_bytes() == before
    assert capsys.readouterr().err.strip() == (
        "backendreview: error: --output: bad.py is a Python source file: not overwritten "
        "with a report")


def test_output_refuses_a_file_named_for_review(tree, capsys):
    (tree / "script").write_text(BAD)
    assert main(["check", "script", "--format", "json", "-o", "script"]) == 2
    assert (tree / "script").read_text() == BAD
    assert "script is a file under review" in capsys.readouterr().err


def test_sarif_failure_log_never_overwrites_source(tree, capsys):
    before = (tree / "bad.py").read_bytes()
    assert main(["check", ".", "--select", "NOPE", "--format", "sarif", "-o", "bad.py"]) == 2
    assert (tree / "bad.py").read_bytes() == before


def test_output_to_a_new_or_old_report_file_works(tree, capsys):
    assert main(["check", ".", "--format", "json", "-o", "report.json"]) == 1
    assert main(["check", ".", "--format", "json", "-o", "report.json"]) == 1
    assert json.loads((tree / "report.json").read_text())["findings"][0]["rule"] == "BR101"


# -- file names that are not UTF-8 -------------------------------------------------------------

@pytest.fixture
def latin1_name(tree):
    name = os.fsdecode(b"caf\xe9.py")
    (tree / "bad.py").rename(tree / name)
    return name


def test_non_utf8_name_in_sarif(latin1_name, tree, capsys, sarif_validator):
    assert main(["check", ".", "--format", "sarif", "-o", "out.sarif"]) == 1
    log = json.loads((tree / "out.sarif").read_text(encoding="utf-8"))
    sarif_validator.validate(log)
    (result,) = log["runs"][0]["results"]
    assert result["ruleId"] == "BR101"
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "caf%E9.py"


def test_non_utf8_name_in_json_and_console_output(latin1_name, tree, capsys):
    assert main(["check", ".", "--format", "json", "-o", "out.json"]) == 1
    (finding,) = json.loads((tree / "out.json").read_text(encoding="utf-8"))["findings"]
    assert (finding["path"], finding["rule"]) == ("caf\\xe9.py", "BR101")
    assert main(["check", ".", "-o", "out.txt"]) == 1
    assert "caf\\xe9.py:4:12: BR101" in (tree / "out.txt").read_text(encoding="utf-8")


def test_non_utf8_name_in_baseline(latin1_name, tree, capsys):
    assert main(["baseline", "br.json", "."]) == 0
    (entry,) = json.loads((tree / "br.json").read_text(encoding="utf-8"))["findings"]
    assert (entry["path"], entry["rule"]) == ("caf\\xe9.py", "BR101")
    assert main(["check", ".", "--baseline", "br.json", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["findings"] == []


def test_non_utf8_name_inside_git_is_reviewed(latin1_name, tree, capsys):
    subprocess.run(["git", "init", "-q"], check=True)
    subprocess.run(["git", "add", "."], check=True)
    assert main(["check", ".", "--format", "json"]) == 1
    (finding,) = json.loads(capsys.readouterr().out)["findings"]
    assert (finding["path"], finding["rule"]) == ("caf\\xe9.py", "BR101")


def test_action_does_not_fail_the_review_on_a_note(tree, capsys):
    from backendreview.github_action import _findings_from_sarif

    os.symlink("/etc/passwd", tree / "passwd.py")
    assert main(["check", ".", "--format", "sarif"]) == 1
    findings, _, errors = _findings_from_sarif(json.loads(capsys.readouterr().out))
    assert [(f.path, f.rule_id) for f in findings] == [("bad.py", "BR101")]
    assert errors == []


def test_a_superscript_digit_in_a_format_field_is_no_rule_failure(tree, capsys):
    # "{²}" passes str.isdigit() but not int(): the format-field readers once took it for a
    # position and BR101 failed on the file (exit 2, its other findings lost).
    (tree / "odd.py").write_text(
        "import sqlite3\n\n\ndef find(conn: sqlite3.Connection, q):\n"
        "    return conn.execute(\"SELECT id FROM t WHERE a = '{²}' AND b = '{0}'\".format(q))\n",
        encoding="utf-8")
    findings, code = _json_here(capsys, ".")
    assert code == 1
    assert [(f["rule"], f["start_line"]) for f in _by_path(findings)["odd.py"]] == [("BR101", 5)]
    _real_finding_kept(findings)


def test_a_table_row_of_a_thousand_joined_literals_is_no_collector_failure(tree, capsys):
    # The literal-table evaluator (analysis/values.table_value) recursed once per `+`: a
    # row built of 1,400 joined literals failed the route collector for the file (exit 2).
    chain = " + ".join(['"a"'] * 1400)
    (tree / "tables.py").write_text(
        "from flask import Flask\nfrom flask_restful import Api\n\napp = Flask(__name__)\n\n\n"
        "def register(api, prefix, rows):\n    for row in rows:\n"
        "        api.add_resource(row[\"resource\"], prefix + row[\"url\"])\n\n\n"
        f"register(Api(app), \"/v2\", [{{\"url\": {chain}, \"resource\": None}}])\n",
        encoding="utf-8")
    # BR301 reads the route table, so the collector runs on every file
    findings, code = _json_here(capsys, ".", "--select", "BR000,BR101,BR301")
    assert code == 1
    assert "tables.py" not in _by_path(findings)
    _real_finding_kept(findings)
