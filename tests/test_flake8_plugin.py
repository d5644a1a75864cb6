"""The flake8 plugin, through the real programs: flake8 on files and on stdin (as editors
call it), and python-lsp-server spoken to over LSP (JSON-RPC on stdio)."""

from __future__ import annotations

import ast
import json
import os
import queue
import subprocess
import sys
import threading
import time
from importlib import metadata
from pathlib import Path

import pytest

from backendreview import flake8_plugin

ROOT = Path(__file__).resolve().parents[1]
pytest.importorskip("flake8")

BAD = (
    "import sqlite3\n"
    "\n"
    "\n"
    "def find(conn: sqlite3.Connection, email):\n"
    "    return conn.execute(f\"SELECT id FROM users WHERE email = '{email}'\")\n"
    "\n"
    "\n"
    "def again(conn: sqlite3.Connection, email):\n"
    "    return conn.execute(f\"SELECT id FROM users WHERE email = '{email}'\")  # noqa: BR101\n"
)
# The rule under test, chosen in the project's configuration so that these tests do not depend
# on the default set (test_plugin_follows_the_default_set is about that).
SELECT_BR101 = "[tool.backendreview]\nselect = ['BR101']\n"
MESSAGE = ("BR101 SQL passed to `conn.execute()` is built with an f-string from `email`; pass "
           "the values as bound parameters (fix: Use `?` placeholders (sqlite3) and pass the "
           "values separately)")


def _entry_point_from_pyproject() -> str:
    from backendreview.config import tomllib  # tomli on Python 3.10

    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (name, value), = data["project"]["entry-points"]["flake8.extension"].items()
    return f"{name} = {value}"


@pytest.fixture(scope="module")
def plugin_env(tmp_path_factory) -> dict[str, str]:
    """An environment where flake8 finds this checkout's plugin through the entry point
    declared in pyproject.toml. When the package is already installed with that entry point
    (pip install .[test]), that installation is used; otherwise a minimal dist-info carrying
    the same entry point is put on the path, next to the source tree."""
    paths = [str(ROOT / "src")]
    installed = [ep for ep in metadata.entry_points(group="flake8.extension") if ep.name == "BR"]
    if not installed:
        site = tmp_path_factory.mktemp("site")
        info = site / "backendreview_checkout-0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            "Metadata-Version: 2.1\nName: backendreview-checkout\nVersion: 0\n", encoding="utf-8")
        (info / "entry_points.txt").write_text(
            f"[flake8.extension]\n{_entry_point_from_pyproject()}\n", encoding="utf-8")
        paths.append(str(site))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [*paths, os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


@pytest.fixture
def project(tmp_path) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "users.py").write_text(BAD, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(SELECT_BR101, encoding="utf-8")
    return tmp_path


def _flake8(env, cwd, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:  # type: ignore[no-untyped-def]
    return subprocess.run([sys.executable, "-m", "flake8", *args], cwd=cwd, env=env,
                          input=stdin, capture_output=True, text=True, timeout=120)


def test_entry_point_name_is_a_valid_flake8_prefix():
    import re

    name = _entry_point_from_pyproject().split(" = ")[0]
    assert re.fullmatch(r"[A-Z]{1,3}[0-9]{0,3}", name)
    assert name == "BR"


def test_flake8_on_a_file_reports_and_leaves_noqa_to_flake8(plugin_env, project):
    proc = _flake8(plugin_env, project, "--select", "BR", "app/users.py")
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.splitlines() == [f"app/users.py:5:12: {MESSAGE}"]
    proc = _flake8(plugin_env, project, "--select", "BR", "--disable-noqa", "app/users.py")
    assert [line.split(": ")[0] for line in proc.stdout.splitlines()] == [
        "app/users.py:5:12", "app/users.py:9:12"]


def test_flake8_on_stdin_reviews_the_buffer_not_the_file(plugin_env, project):
    # The editor's unsaved buffer differs from the file on disk: the buffer is what counts.
    buffer = "\n\n" + BAD
    proc = _flake8(plugin_env, project, "--select", "BR", "--stdin-display-name",
                   "app/users.py", "-", stdin=buffer)
    assert proc.stdout.splitlines() == [f"app/users.py:7:12: {MESSAGE}"], proc.stderr


def test_flake8_reads_tool_backendreview_from_pyproject(plugin_env, project):
    (project / "pyproject.toml").write_text(
        "[tool.backendreview]\nselect = ['BR1']\nignore = ['BR101']\n", encoding="utf-8")
    proc = _flake8(plugin_env, project, "--select", "BR", "app/users.py")
    assert (proc.returncode, proc.stdout) == (0, ""), proc.stderr
    (project / "pyproject.toml").write_text(
        "[tool.backendreview]\nselct = ['BR101']\n", encoding="utf-8")
    proc = _flake8(plugin_env, project, "--select", "BR", "app/users.py")
    assert proc.stdout.splitlines() == [
        f"app/users.py:1:1: BR000 backendreview configuration error: "
        f"{(project / 'pyproject.toml')}: unknown key 'selct' in [tool.backendreview]"]


def test_plugin_uses_flake8s_tree_without_parsing_again(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text(SELECT_BR101, encoding="utf-8")
    calls = []
    real_parse = ast.parse
    monkeypatch.setattr(ast, "parse", lambda *a, **k: calls.append(a) or real_parse(*a, **k))
    tree = real_parse(BAD)
    calls.clear()
    plugin = flake8_plugin.Plugin(tree, BAD.splitlines(True), "./app/users.py")
    results = list(plugin.run())
    assert [(line, col, text) for line, col, text, _ in results] == [
        (5, 11, MESSAGE), (9, 11, MESSAGE)]
    # Only the fix suggestions are parsed (to check the rewritten call), never the file.
    assert [c for c in calls if "def find" in str(c[0])] == []


class LspClient:
    """Just enough of an LSP client: Content-Length framed JSON-RPC over a process's stdio."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path) -> None:
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env=env, cwd=cwd)
        self.messages: queue.Queue = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._reader, daemon=True).start()

    def _reader(self) -> None:
        stream = self.proc.stdout
        assert stream is not None
        while True:
            length = None
            while True:
                header = stream.readline()
                if not header:
                    return
                if header in (b"\r\n", b"\n"):
                    break
                name, _, value = header.decode("ascii").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            if length is None:
                continue
            self.messages.put(json.loads(stream.read(length)))

    def send(self, method: str, params: dict, *, request: bool = False) -> int | None:
        message: dict = {"jsonrpc": "2.0", "method": method, "params": params}
        ident = None
        if request:
            self.next_id += 1
            ident = message["id"] = self.next_id
        body = json.dumps(message).encode("utf-8")
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()
        return ident

    def wait_for(self, predicate, timeout: float = 90.0) -> dict:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                message = self.messages.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                break
            if predicate(message):
                return message
        raise AssertionError("no matching LSP message; server stderr: "
                             + self._stderr_so_far())

    def _stderr_so_far(self) -> str:
        self.proc.kill()
        assert self.proc.stderr is not None
        return self.proc.stderr.read().decode("utf-8", "replace")[-2000:]

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                ident = self.send("shutdown", {}, request=True)
                self.wait_for(lambda m: m.get("id") == ident, timeout=10)
                self.send("exit", {})
                self.proc.wait(timeout=10)
            except Exception:
                self.proc.kill()
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


def test_pylsp_publishes_br_diagnostics_for_an_open_document(plugin_env, project):
    pytest.importorskip("pylsp")
    document = project / "app" / "users.py"
    uri = document.resolve().as_uri()
    client = LspClient([sys.executable, "-m", "pylsp"], plugin_env, project)
    try:
        ident = client.send("initialize", {
            "processId": os.getpid(), "rootUri": project.resolve().as_uri(),
            "capabilities": {"textDocument": {"publishDiagnostics": {}}}}, request=True)
        client.wait_for(lambda m: m.get("id") == ident)
        client.send("initialized", {})
        client.send("workspace/didChangeConfiguration", {"settings": {"pylsp": {"plugins": {
            "flake8": {"enabled": True, "select": ["BR"]},
            "pycodestyle": {"enabled": False}, "pyflakes": {"enabled": False},
            "mccabe": {"enabled": False}, "pylint": {"enabled": False}}}}})
        # The editor's buffer, not the file on disk: two extra lines at the top.
        client.send("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "python", "version": 1, "text": "\n\n" + BAD}})
        published = client.wait_for(
            lambda m: m.get("method") == "textDocument/publishDiagnostics"
            and m["params"]["uri"] == uri
            and any(d.get("code") == "BR101" for d in m["params"]["diagnostics"]))
    finally:
        client.close()
    diagnostics = [d for d in published["params"]["diagnostics"] if d.get("source") == "flake8"]
    assert [(d["code"], d["range"]["start"], d["message"]) for d in diagnostics] == [
        ("BR101", {"line": 6, "character": 11}, MESSAGE)]


@pytest.mark.parametrize(("options", "selected"), [
    ({"select": ["E"]}, False),
    ({"select": ["E", "W"], "extend_select": ["BR101"]}, True),
    ({"select": ["BR1"]}, True),
    ({"select": ["B"]}, True),  # flake8 matches prefixes: B selects BR101 too
    ({"extend_ignore": ["BR"]}, False),
    ({}, True),  # flake8's default selects every installed plugin's codes
])
def test_plugin_runs_only_when_flake8_would_report_a_br_code(monkeypatch, tmp_path, options,
                                                              selected):
    from flake8.api import legacy

    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text(SELECT_BR101, encoding="utf-8")
    monkeypatch.setattr(flake8_plugin.Plugin, "selected", True)
    monkeypatch.setattr(flake8_plugin.Plugin, "project_rules", False)
    guide = legacy.get_style_guide(**options)
    flake8_plugin.Plugin.parse_options(guide.options)
    assert flake8_plugin.Plugin.selected is selected
    results = list(flake8_plugin.Plugin(ast.parse(BAD), BAD.splitlines(True),
                                        "./app/users.py").run())
    assert [r[2].split()[0] for r in results] == (["BR101", "BR101"] if selected else [])


@pytest.mark.parametrize("default_on", [True, False])
def test_plugin_follows_the_default_set(monkeypatch, tmp_path, default_on):
    """The plugin runs the rules `backendreview check` would: a rule off by default reports
    nothing under flake8 (even with `--select BR`) until `[tool.backendreview]` opts in."""
    import dataclasses

    from backendreview import metadata

    docs = dict(metadata.load_rule_docs())
    docs["BR101"] = dataclasses.replace(docs["BR101"], default_enabled=default_on)
    monkeypatch.setattr(metadata, "load_rule_docs", lambda: docs)
    monkeypatch.setattr(flake8_plugin.Plugin, "selected", True)
    monkeypatch.setattr(flake8_plugin.Plugin, "project_rules", False)
    monkeypatch.chdir(tmp_path)

    def codes(directory: Path) -> list[str]:
        (directory / "users.py").write_text(BAD, encoding="utf-8")
        plugin = flake8_plugin.Plugin(ast.parse(BAD), BAD.splitlines(True),
                                      f"./{directory.name}/users.py")
        return [r[2].split()[0] for r in plugin.run()]

    plain, opted = tmp_path / "plain", tmp_path / "opted"
    plain.mkdir()
    opted.mkdir()
    (opted / "pyproject.toml").write_text("[tool.backendreview]\nextend-select = ['BR101']\n",
                                          encoding="utf-8")
    assert codes(plain) == (["BR101", "BR101"] if default_on else [])
    assert codes(opted) == ["BR101", "BR101"]
