"""Configuration: `[tool.backendreview]` found by walking up, `--config`, every key, every
error (one line naming the file and the key), and the keys' effect on a run."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from backendreview import engine
from backendreview.cli import main
from backendreview.config import Config, ConfigError, find_config, load_config, parse_config
from backendreview.engine import all_rule_ids, finish, run
from backendreview.metadata import load_rule_docs
from backendreview.model import FileResult, Finding, Severity, Span

from .samples import ONE_FINDING, ONE_FINDING_MESSAGE

KNOWN = all_rule_ids()

BAD = ONE_FINDING
BR101_MESSAGE = ONE_FINDING_MESSAGE


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _located(result) -> list[tuple[str, str, int, int]]:
    return [(f.rule_id, f.path, f.span.start_line, f.span.start_col) for f in result.findings]


# -- finding the file ------------------------------------------------------------------------

def test_found_by_walking_up_and_a_pyproject_without_the_table_is_skipped(tmp_path):
    top = _write(tmp_path / "pyproject.toml",
                 "[project]\nname = 'x'\n\n[tool.backendreview]\nignore = ['BR000']\n")
    _write(tmp_path / "pkg" / "pyproject.toml", "[tool.black]\nline-length = 99\n")
    start = tmp_path / "pkg" / "app" / "views"
    start.mkdir(parents=True)
    assert find_config(start) == top
    config = load_config([start], None, KNOWN)
    assert config.source == str(top)
    assert config.root == tmp_path
    assert config.ignore == ("BR000",)


def test_nearest_table_wins(tmp_path):
    _write(tmp_path / "pyproject.toml", "[tool.backendreview]\nignore = ['BR000']\n")
    inner = _write(tmp_path / "svc" / "pyproject.toml",
                   "[tool.backendreview]\nignore = ['BR101']\n")
    config = load_config([tmp_path / "svc" / "api"], None, KNOWN)
    assert (config.source, config.root, config.ignore) == (str(inner), tmp_path / "svc",
                                                           ("BR101",))


def test_walk_starts_at_a_named_file_and_only_the_first_path_counts(tmp_path):
    first = _write(tmp_path / "a" / "pyproject.toml", "[tool.backendreview]\nselect = ['BR1']\n")
    _write(tmp_path / "b" / "pyproject.toml", "[tool.backendreview]\nselect = ['BR0']\n")
    module = _write(tmp_path / "a" / "m.py", "x = 1\n")
    config = load_config([module, tmp_path / "b"], None, KNOWN)
    assert (config.source, config.select) == (str(first), ("BR1",))


def test_no_table_anywhere_gives_the_defaults_rooted_at_the_working_directory(
        tmp_path, monkeypatch):
    _write(tmp_path / "pyproject.toml", "[tool.ruff]\nline-length = 99\n")
    monkeypatch.chdir(tmp_path)
    config = load_config([Path(".")], None, KNOWN)
    assert config == Config(root=tmp_path)
    assert config.source is None
    assert config.severity is Severity.NOTE and config.respect_gitignore is True


def test_a_tool_key_that_is_not_a_table_is_not_a_crash(tmp_path):
    _write(tmp_path / "pyproject.toml", "tool = 3\n")
    assert find_config(tmp_path) is None
    assert load_config([tmp_path], None, KNOWN).source is None


# -- --config --------------------------------------------------------------------------------

def test_config_option_overrides_the_discovered_pyproject(tmp_path):
    _write(tmp_path / "pyproject.toml", "[tool.backendreview]\nignore = ['BR000']\n")
    other = _write(tmp_path / "ci" / "pyproject.toml",
                   "[project]\nname = 'x'\n[tool.backendreview]\nselect = ['BR101']\n")
    config = load_config([tmp_path], other, KNOWN)
    assert (config.source, config.root, config.select, config.ignore) == (
        str(other), tmp_path / "ci", ("BR101",), ())


def test_config_option_reads_a_bare_toml_file_with_top_level_keys(tmp_path):
    bare = _write(tmp_path / "review.toml",
                  "select = ['BR000']\nseverity = 'warning'\nrespect-gitignore = false\n")
    config = load_config([tmp_path], bare, KNOWN)
    assert (config.source, config.root, config.select, config.severity,
            config.respect_gitignore) == (str(bare), tmp_path, ("BR000",), Severity.WARNING,
                                          False)


def test_config_option_bare_file_with_a_scalar_tool_key_is_an_unknown_key(tmp_path):
    bare = _write(tmp_path / "review.toml", "tool = 3\n")
    with pytest.raises(ConfigError) as info:
        load_config([tmp_path], bare, KNOWN)
    assert str(info.value) == f"{bare}: unknown key 'tool' in [tool.backendreview]"


def test_config_option_missing_file(tmp_path):
    missing = tmp_path / "nope.toml"
    with pytest.raises(ConfigError) as info:
        load_config([tmp_path], missing, KNOWN)
    assert str(info.value) == f"--config: {missing}: no such file"


# -- every key ---------------------------------------------------------------------------------

FULL = """\
[tool.backendreview]
select = ["BR1"]
extend-select = ["BR000"]
ignore = ["BR101"]
exclude = ["migrations", "legacy/*.py"]
extend-exclude = ["gen/"]
severity = "WARNING"
respect-gitignore = false

[tool.backendreview.per-file-ignores]
"tests/*.py" = ["BR101"]
"scripts/**" = ["BR0", "BR1"]
"""


def test_every_key_is_parsed(tmp_path):
    path = _write(tmp_path / "pyproject.toml", FULL)
    config = load_config([tmp_path], None, KNOWN)
    assert config == Config(
        select=("BR1",), extend_select=("BR000",), ignore=("BR101",),
        exclude=("migrations", "legacy/*.py"), extend_exclude=("gen/",),
        per_file_ignores=(("tests/*.py", ("BR101",)), ("scripts/**", ("BR0", "BR1"))),
        severity=Severity.WARNING, respect_gitignore=False, source=str(path), root=tmp_path,
    )


def test_all_is_a_selector_and_empty_lists_are_accepted(tmp_path):
    config = parse_config({"select": ["ALL"], "ignore": [], "exclude": []}, "cfg.toml",
                          KNOWN, tmp_path)
    assert (config.select, config.ignore, config.exclude) == (("ALL",), (), ())


S = "SRC"  # stands for the file's path in the expected messages

ERRORS = [
    ("bogus = 1\n", f"{S}: unknown key 'bogus' in [tool.backendreview]"),
    ("extend_select = ['BR101']\n", f"{S}: unknown key 'extend_select' in [tool.backendreview]"),
    ("select = 'BR101'\n", f"{S}: key 'select': expected a list of strings"),
    ("select = [101]\n", f"{S}: key 'select': expected a list of strings"),
    ("extend-select = [true]\n", f"{S}: key 'extend-select': expected a list of strings"),
    ("ignore = 'BR101'\n", f"{S}: key 'ignore': expected a list of strings"),
    ("exclude = 'build'\n", f"{S}: key 'exclude': expected a list of strings"),
    ("extend-exclude = [1]\n", f"{S}: key 'extend-exclude': expected a list of strings"),
    ("per-file-ignores = ['x']\n",
     f"{S}: key 'per-file-ignores': expected a table of glob = [codes]"),
    ("[per-file-ignores]\n'a/*.py' = 'BR101'\n",
     f"{S}: key 'per-file-ignores'.'a/*.py': expected a list of strings"),
    ("severity = 3\n", f"{S}: key 'severity': expected a string"),
    ("severity = 'fatal'\n", f"{S}: key 'severity': unknown severity 'fatal' "
                             "(expected one of: error, warning, note)"),
    ("respect-gitignore = 'yes'\n", f"{S}: key 'respect-gitignore': expected true or false"),
    ("select = ['BR9']\n", f"{S}: key 'select': no rule matches 'BR9'"),
    ("extend-select = ['BR999']\n", f"{S}: key 'extend-select': no rule matches 'BR999'"),
    ("ignore = ['XX1']\n",
     f"{S}: key 'ignore': 'XX1' is not a rule code or prefix (e.g. BR101, BR1)"),
    ("select = ['BR1011']\n",
     f"{S}: key 'select': 'BR1011' is not a rule code or prefix (e.g. BR101, BR1)"),
    ("[per-file-ignores]\n'a/*.py' = ['BR7']\n",
     f"{S}: key 'per-file-ignores'.'a/*.py': no rule matches 'BR7'"),
    ("[per-file-ignores]\n'a/*.py' = ['raw-sql']\n",
     f"{S}: key 'per-file-ignores'.'a/*.py': 'raw-sql' is not a rule code or prefix "
     "(e.g. BR101, BR1)"),
]


def _as_pyproject(body: str) -> str:
    # Sub-tables in ERRORS are written relative to [tool.backendreview].
    return "[tool.backendreview]\n" + body.replace("[per-file-ignores]",
                                                   "[tool.backendreview.per-file-ignores]")


@pytest.mark.parametrize(("body", "expected"), ERRORS, ids=[e[1].split(": ")[1] for e in ERRORS])
def test_bad_value_in_pyproject_is_one_line_naming_file_and_key(tmp_path, body, expected):
    path = _write(tmp_path / "pyproject.toml", _as_pyproject(body))
    with pytest.raises(ConfigError) as info:
        load_config([tmp_path], None, KNOWN)
    assert str(info.value) == expected.replace(S, str(path))


@pytest.mark.parametrize(("body", "expected"), ERRORS, ids=[e[1].split(": ")[1] for e in ERRORS])
def test_bad_value_in_a_bare_config_file_is_one_line_naming_file_and_key(tmp_path, body,
                                                                         expected):
    path = _write(tmp_path / "review.toml", body)
    with pytest.raises(ConfigError) as info:
        load_config([tmp_path], path, KNOWN)
    assert str(info.value) == expected.replace(S, str(path))


def test_table_that_is_not_a_table(tmp_path):
    path = _write(tmp_path / "pyproject.toml", "[tool]\nbackendreview = 3\n")
    with pytest.raises(ConfigError) as info:
        load_config([tmp_path], None, KNOWN)
    assert str(info.value) == f"{path}: [tool.backendreview] must be a table"


def test_invalid_toml_names_the_file_and_the_position(tmp_path):
    path = _write(tmp_path / "pyproject.toml", "[tool.backendreview]\nselect = [\"BR101\"\n")
    with pytest.raises(ConfigError) as info:
        load_config([tmp_path], None, KNOWN)
    assert str(info.value) == f"{path}: not valid TOML: Unclosed array (at end of document)"


def test_invalid_toml_in_a_pyproject_on_the_way_up_is_an_error(tmp_path):
    broken = _write(tmp_path / "pyproject.toml", "[tool.backendreview\n")
    (tmp_path / "app").mkdir()
    with pytest.raises(ConfigError) as info:
        load_config([tmp_path / "app"], None, KNOWN)
    assert str(info.value) == (f"{broken}: not valid TOML: Expected ']' at the end of a table "
                               "declaration (at line 1, column 20)")


def test_invalid_toml_given_with_config_option(tmp_path):
    bare = _write(tmp_path / "review.toml", "select = = 1\n")
    with pytest.raises(ConfigError) as info:
        load_config([tmp_path], bare, KNOWN)
    assert str(info.value).startswith(f"{bare}: not valid TOML: ")
    assert "(at line 1, column 10)" in str(info.value)


# -- through the command line ------------------------------------------------------------------

@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _write(tmp_path / "app" / "db.py", BAD)
    return tmp_path


def _json_run(capsys, args: list[str]) -> tuple[int, dict]:
    code = main(["check", *args, "--format", "json"])
    captured = capsys.readouterr()
    assert captured.err == ""
    return code, json.loads(captured.out)


CLI_ERRORS = ERRORS[:4] + ERRORS[11:14] + ERRORS[17:18]


@pytest.mark.parametrize(("body", "expected"), CLI_ERRORS,
                         ids=[e[1].split(": ")[1] for e in CLI_ERRORS])
def test_cli_bad_config_exits_2_with_one_error_line(project, capsys, body, expected):
    path = _write(project / "pyproject.toml", _as_pyproject(body))
    assert main(["check", str(project), "--format", "json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"backendreview: error: {expected.replace(S, str(path))}\n"


def test_cli_invalid_toml_exits_2_with_one_error_line(project, capsys):
    path = _write(project / "pyproject.toml", "[tool.backendreview]\nignore = [\n")
    assert main(["check", str(project), "--format", "json"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"backendreview: error: {path}: not valid TOML: ")
    assert err.count("\n") == 1 and err.endswith("\n")


def test_cli_scalar_tool_key_is_not_an_internal_error(project, capsys):
    _write(project / "pyproject.toml", "tool = 'backendreview'\n")
    code, data = _json_run(capsys, [str(project), "--select", "BR101"])
    assert code == 1
    assert [(f["rule"], f["path"], f["start_line"]) for f in data["findings"]] == [
        ("BR101", "app/db.py", 3)]


def test_cli_bad_bare_config_file_exits_2(project, capsys):
    bare = _write(project / "ci.toml", "severity = 'loud'\n")
    assert main(["check", str(project), "--config", str(bare), "--format", "json"]) == 2
    assert capsys.readouterr().err == (
        f"backendreview: error: {bare}: key 'severity': unknown severity 'loud' "
        "(expected one of: error, warning, note)\n")


def test_cli_reads_the_discovered_config(project, capsys):
    _write(project / "pyproject.toml",
           "[tool.backendreview]\nselect = ['BR1']\nignore = ['BR101']\n")
    code, data = _json_run(capsys, [str(project)])
    assert (code, data["findings"], data["summary"]["files"]) == (0, [], 1)


def test_cli_config_option_overrides_the_discovered_config(project, capsys):
    _write(project / "pyproject.toml", "[tool.backendreview]\nignore = ['BR101']\n")
    bare = _write(project / "ci" / "strict.toml", "select = ['BR1']\n")
    code, data = _json_run(capsys, [str(project), "--config", str(bare)])
    assert code == 1
    assert [(f["rule"], f["path"], f["start_line"], f["start_column"], f["message"])
            for f in data["findings"]] == [("BR101", "app/db.py", 3, 5, BR101_MESSAGE)]


def test_cli_exclude_from_config(project, capsys):
    _write(project / "pyproject.toml", "[tool.backendreview]\nextend-exclude = ['app/']\n")
    _write(project / "other.py", "x = 1\n")
    code, data = _json_run(capsys, [str(project)])
    assert (code, data["findings"], data["summary"]["files"]) == (0, [], 1)


# -- per-file-ignores and severity through the engine -------------------------------------------

def test_per_file_ignores_through_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _write(tmp_path / "pyproject.toml",
           "[tool.backendreview]\nselect = [\"BR000\", \"BR101\"]\n"
           "[tool.backendreview.per-file-ignores]\n"
           "\"legacy/*.py\" = [\"BR101\"]\n"
           "\"scripts/**\" = [\"BR1\"]\n"
           "\"app/other.py\" = [\"BR000\"]\n")
    for name in ("legacy/old.py", "legacy/deep/older.py", "scripts/x/once.py", "app/db.py",
                 "app/other.py"):
        _write(tmp_path / name, BAD)
    config = load_config([Path(".")], None, KNOWN)
    result = run([Path(".")], config)
    # legacy/*.py matches one directory level only; the BR000 entry does not cover BR101.
    assert _located(result) == [
        ("BR101", "app/db.py", 3, 5), ("BR101", "app/other.py", 3, 5),
        ("BR101", "legacy/deep/older.py", 3, 5)]
    assert result.suppressed == 0
    assert result.files == 5


def test_per_file_ignores_globs_are_relative_to_the_config_root(tmp_path, monkeypatch):
    project = tmp_path / "proj"
    _write(project / "pyproject.toml",
           "[tool.backendreview]\nselect = [\"BR101\"]\n"
           "[tool.backendreview.per-file-ignores]\n\"/legacy/*.py\" = [\"BR101\"]\n")
    _write(project / "legacy" / "old.py", BAD)
    _write(project / "app" / "legacy" / "old.py", BAD)
    monkeypatch.chdir(tmp_path)  # reported paths start with proj/, the globs do not
    config = load_config([Path("proj")], None, KNOWN)
    assert config.root == project
    result = run([Path("proj")], config)
    assert _located(result) == [("BR101", "proj/app/legacy/old.py", 3, 5)]


def test_per_file_ignores_also_silence_parse_errors(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _write(tmp_path / "pyproject.toml",
           "[tool.backendreview]\nselect = [\"BR000\"]\n"
           "[tool.backendreview.per-file-ignores]\n\"py2/*\" = [\"BR000\"]\n")
    _write(tmp_path / "py2" / "old.py", "print 'hello'\n")
    _write(tmp_path / "new.py", "print 'hello'\n")
    result = run([Path(".")], load_config([Path(".")], None, KNOWN))
    assert [(f.rule_id, f.path, f.span.start_line, f.span.start_col) for f in result.findings] == [
        ("BR000", "new.py", 1, 1)]


@pytest.mark.parametrize(("threshold", "kept"), [
    ("note", [("BR101", "app/db.py", 3, 5)]),
    ("warning", [("BR101", "app/db.py", 3, 5)]),
    ("error", []),
])
def test_severity_threshold_through_run(tmp_path, monkeypatch, threshold, kept):
    # BR101 ships as an error; make it a warning so that the threshold has something to drop.
    docs = dict(load_rule_docs())
    docs["BR101"] = dataclasses.replace(docs["BR101"], severity=Severity.WARNING)
    monkeypatch.setattr(engine, "load_rule_docs", lambda: docs)
    monkeypatch.chdir(tmp_path)
    _write(tmp_path / "pyproject.toml",
           f"[tool.backendreview]\nselect = ['BR101']\nseverity = '{threshold}'\n")
    _write(tmp_path / "app" / "db.py", BAD)
    config = load_config([Path(".")], None, KNOWN)
    result = run([Path(".")], config)
    assert _located(result) == kept
    assert [f.severity for f in result.findings] == [Severity.WARNING] * len(kept)
    assert result.suppressed == 0


def test_error_threshold_keeps_errors_through_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _write(tmp_path / "pyproject.toml",
           "[tool.backendreview]\nselect = ['BR101']\nseverity = 'error'\n")
    _write(tmp_path / "db.py", BAD)
    result = run([Path(".")], load_config([Path(".")], None, KNOWN))
    assert [(f.rule_id, f.severity, f.message) for f in result.findings] == [
        ("BR101", Severity.ERROR, BR101_MESSAGE)]


def _finding(line: int, severity: Severity) -> Finding:
    return Finding(rule_id="BR101", severity=severity, message=f"m{line}", path="x.py",
                   span=Span(line, 1, line, 2))


@pytest.mark.parametrize(("threshold", "lines"), [
    (Severity.NOTE, [1, 2, 3]), (Severity.WARNING, [1, 2]), (Severity.ERROR, [1]),
])
def test_severity_threshold_in_finish(threshold, lines):
    result = FileResult(path="x.py", lines=["a", "b", "c"], findings=[
        _finding(1, Severity.ERROR), _finding(2, Severity.WARNING), _finding(3, Severity.NOTE)])
    config = Config(severity=threshold)
    out = finish([result], config, ("BR101",), load_rule_docs())
    assert [f.span.start_line for f in out.findings] == lines
    assert out.suppressed == 0
