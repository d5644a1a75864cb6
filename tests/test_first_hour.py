"""Issue 16's eight defects, each reproduced the way a new user met it."""

from __future__ import annotations

import ast
import io
import json
import re
from pathlib import Path

import pytest
from rich.console import Console

from backendreview.cli import main
from backendreview.config import Config
from backendreview.engine import run

from .gitrepo import Repo
from .test_cli import BAD

ROOT = Path(__file__).resolve().parents[1]

# The interpolated value sits past column 80: a cropped frame would hide what the finding is.
LONG = (
    "import sqlite3\n"
    "\n"
    "\n"
    "def find_customer_by_their_primary_email_address(connection: sqlite3.Connection, q):\n"
    "    return connection.execute(f\"SELECT id, name, email, created_at FROM customers WHERE "
    "email = '{q}'\")\n"
)


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


# 1. Help ------------------------------------------------------------------------------------

def test_no_arguments_prints_readable_help(project, capsys):
    assert main([]) == 2
    captured = capsys.readouterr()
    text = captured.out + captured.err
    assert "backendreview: error" not in text
    lines = text.splitlines()
    assert any(line.strip().startswith("check ") for line in lines), text
    assert len(lines) > 5


@pytest.mark.parametrize("args", [["-h"], ["check", "-h"], ["routes", "-h"]])
def test_dash_h_is_help(project, capsys, args):
    assert main(args) == 0
    assert "Usage: backendreview" in capsys.readouterr().out


def test_help_metavars_are_words_not_types(project, capsys):
    assert main(["check", "--help"]) == 0
    out = capsys.readouterr().out
    assert not re.search(r"<(list|int|str|path)", out), out
    assert "--select CODES" in out and "--output-format, --format FORMAT" in out


def test_bad_format_names_the_choices_plainly(project, capsys):
    assert main(["check", "--format", "xml", "."]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("backendreview: error: ")
    assert "Value error" not in err
    assert "'xml'" in err and "console" in err and "junit" in err


# 2. Configuration per file ------------------------------------------------------------------

def _two_services(root: Path) -> None:
    for name in ("svc_a", "svc_b"):
        (root / name).mkdir()
        (root / name / "db.py").write_text(BAD, encoding="utf-8")
    (root / "svc_b" / "pyproject.toml").write_text(
        "[tool.backendreview]\nignore = [\"BR101\"]\n", encoding="utf-8")


def _paths(capsys, *args: str) -> list[str]:  # type: ignore[no-untyped-def]
    # BR101 added here, not taken from the default set; svc_b's own ignore still applies.
    code = main(["check", *args, "--extend-select", "BR101", "--format", "json"])
    out = capsys.readouterr()
    assert code in (0, 1), out.err
    return [f["path"] for f in json.loads(out.out)["findings"]]


def test_each_file_uses_its_nearest_configuration(project, capsys):
    _two_services(project)
    assert _paths(capsys, ".") == ["svc_a/db.py"]
    assert _paths(capsys, "svc_b", "svc_a") == ["svc_a/db.py"]
    assert _paths(capsys, "svc_b") == []


# 3. --diff-base follows the reviewed path's repository --------------------------------------

def test_diff_base_uses_the_repository_of_the_reviewed_path(tmp_path_factory, monkeypatch,
                                                            capsys):
    # Not below tmp_path: its name starts with test_, and the findings are reported with
    # absolute paths here, which would make them test code (never reviewed).
    tmp_path = tmp_path_factory.mktemp("work")
    repo = Repo(tmp_path / "repo")
    repo.write("app.py", "x = 1\n")
    repo.commit("base")
    repo.write("app.py", "x = 1\n" + BAD)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    code = main(["check", str(repo.root), "--diff-base", "main", "--select", "BR101",
                 "--format", "json"])
    out = capsys.readouterr()
    assert code == 1, out.out + out.err
    (finding,) = json.loads(out.out)["findings"]
    assert finding["rule"] == "BR101" and finding["start_line"] == 5


def test_diff_base_outside_a_repository_says_so(project, capsys, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(project.parent))
    (project / "app.py").write_text(BAD, encoding="utf-8")
    assert main(["check", "app.py", "--diff-base", "main"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (f"backendreview: error: --diff-base: {project.resolve()} is not inside a "
                   "git repository")


# 4. Console output --------------------------------------------------------------------------

def _console_text(width: int, terminal: bool) -> str:
    from backendreview.reporters import console as console_reporter

    result = run([Path("long.py")], Config(root=Path.cwd(), select=("BR101",)), jobs=1)
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=terminal, color_system=None,
                      highlight=False, soft_wrap=False)
    console_reporter.render(result, console)
    return buffer.getvalue()


def test_an_80_column_terminal_shows_the_whole_span(project):
    (project / "long.py").write_text(LONG, encoding="utf-8")
    text = _console_text(80, terminal=True)
    lines = text.splitlines()
    assert all(len(line) <= 80 for line in lines)
    # The code line wraps under the code column instead of being cut at column 80.
    start = next(i for i, line in enumerate(lines) if "return connection.execute(" in line)
    assert lines[start + 1].startswith("      ") and lines[start + 1].strip().endswith(
        "email = '{q}'\")"), lines[start:start + 2]


def test_wrapped_fix_lines_keep_their_indent(project):
    (project / "long.py").write_text(LONG, encoding="utf-8")
    lines = _console_text(60, terminal=True).splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("  fix: "))
    following = lines[start + 1]
    assert following.startswith("       ") and following.strip(), lines[start:start + 3]


def test_piped_and_file_output_has_no_trailing_spaces(project, capsys, monkeypatch):
    (project / "long.py").write_text(LONG, encoding="utf-8")
    assert main(["check", ".", "--select", "BR101", "-o", "report.txt"]) == 1
    report = (project / "report.txt").read_text(encoding="utf-8")
    assert report and not [line for line in report.splitlines() if line != line.rstrip()]
    main(["check", ".", "--select", "BR101"])
    piped = capsys.readouterr().out
    assert piped and not [line for line in piped.splitlines() if line != line.rstrip()]


def test_columns_is_honoured_when_piped(project, capsys, monkeypatch):
    (project / "long.py").write_text(LONG, encoding="utf-8")
    monkeypatch.setenv("COLUMNS", "70")
    main(["check", ".", "--select", "BR101"])
    out = capsys.readouterr().out
    assert max(len(line) for line in out.splitlines()) <= 70
    assert "'{q}'" in out


# 5. Zero files ------------------------------------------------------------------------------

def test_reviewing_no_file_is_said(project, capsys):
    (project / "empty").mkdir()
    (project / "empty" / "README.txt").write_text("nothing\n", encoding="utf-8")
    assert main(["check", "empty"]) == 0
    err = capsys.readouterr().err
    assert "backendreview: warning: no Python files found under empty" in err


# 6. flake8 plugin: excludes and our own suppression comment ---------------------------------

def _plugin_messages(path: Path) -> list[str]:
    from backendreview import flake8_plugin

    flake8_plugin._CONFIGS.clear()
    text = path.read_text(encoding="utf-8")
    # Relative, as flake8 names files below the working directory (an absolute path below
    # pytest's test_... directory would be test code).
    shown = path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    plugin = flake8_plugin.Plugin(ast.parse(text), text.splitlines(True), shown)
    return [message.split()[0] for _, _, message, _ in plugin.run()]


def test_flake8_plugin_honours_excludes(project):
    (project / "pyproject.toml").write_text(
        "[tool.backendreview]\nselect = [\"BR101\"]\nextend-exclude = [\"legacy/\"]\n",
        encoding="utf-8")
    (project / "legacy").mkdir()
    (project / "legacy" / "db.py").write_text(BAD, encoding="utf-8")
    (project / "db.py").write_text(BAD, encoding="utf-8")
    assert _plugin_messages(project / "db.py") == ["BR101"]
    assert _plugin_messages(project / "legacy" / "db.py") == []


def test_flake8_plugin_honours_backendreview_ignore_comments(project):
    (project / "pyproject.toml").write_text("[tool.backendreview]\nselect = [\"BR101\"]\n",
                                            encoding="utf-8")
    (project / "db.py").write_text(BAD.replace(
        "'{email}'\")", "'{email}'\")  # backendreview: ignore[BR101]"), encoding="utf-8")
    assert _plugin_messages(project / "db.py") == []
    (project / "other.py").write_text(BAD.replace(
        "'{email}'\")", "'{email}'\")  # backendreview: ignore[BR103]"), encoding="utf-8")
    assert _plugin_messages(project / "other.py") == ["BR101"]


# 7. Installation instructions that work outside this checkout -------------------------------

def _readme_blocks() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return "\n".join(re.findall(r"```[a-z]*\n(.*?)```", text, flags=re.S))


def test_readme_installs_nothing_that_does_not_exist():
    blocks = _readme_blocks()
    # No package on an index yet: a bare `pip install backendreview` fails.
    assert not re.search(r"pip install (\S+ )*backendreview(\s|$|\[)", blocks), blocks
    # No tag yet: pre-commit and the Action are pinned to a commit, not to v0.1.0.
    assert "v0.1.0" not in blocks
    revs = re.findall(r"^\s*rev:\s*(\S+)", blocks, flags=re.M)
    assert revs and all(re.fullmatch(r"<[a-z-]+>|[0-9a-f]{40}", r) for r in revs), revs
    uses = re.findall(r"uses:\s*(\S*backendreview\S*)", blocks)
    assert uses and all(u.startswith("./") or re.search(r"@(<[a-z-]+>|[0-9a-f]{40})$", u)
                        for u in uses), uses
    assert "git+https://" in blocks


# 8. SARIF URIs are percent-encoded ---------------------------------------------------------

def test_sarif_uris_are_percent_encoded(project, capsys, sarif_validator):
    folder = project / "my app"
    folder.mkdir()
    (folder / "café.py").write_text(BAD, encoding="utf-8")
    assert main(["check", ".", "--select", "BR101", "--format", "sarif", "-o",
                 "out.sarif"]) == 1
    log = json.loads((project / "out.sarif").read_text(encoding="utf-8"))
    sarif_validator.validate(log)
    (result,) = log["runs"][0]["results"]
    uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "my%20app/caf%C3%A9.py"
