"""The result cache: warm runs equal cold ones, edits re-review only the edited file, broken
or planted entries are misses, and --no-cache / cache = false write nothing."""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
import shutil
from pathlib import Path

import pytest

from backendreview.cache import ResultCache
from backendreview.cli import main
from backendreview.config import Config
from backendreview.engine import enabled_rules, run
from backendreview.model import FileResult

ROOT = Path(__file__).resolve().parents[1]

RAW_SQL = (
    "import sqlite3\n"
    "\n"
    "def find(conn: sqlite3.Connection, email):\n"
    "    return conn.execute(f\"SELECT id FROM users WHERE email = '{email}'\")\n"
)
# The rules these tests exercise, chosen here so that they do not depend on the default set.
RULES = ("BR101", "BR102", "BR301", "BR302")
SAFE_SQL = RAW_SQL.replace("f\"SELECT id FROM users WHERE email = '{email}'\"",
                           "\"SELECT id FROM users WHERE email = ?\", (email,)")


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A copy of the route-rule and N+1 fixtures (file and project-phase findings) plus a
    raw-SQL file, with the cache enabled."""
    monkeypatch.delenv("BACKENDREVIEW_NO_CACHE", raising=False)
    monkeypatch.chdir(tmp_path)
    shutil.copytree(ROOT / "fixtures" / "BR301", tmp_path / "routes")
    shutil.copytree(ROOT / "fixtures" / "BR102" / "django_blog", tmp_path / "blog")
    (tmp_path / "queries.py").write_text(RAW_SQL, encoding="utf-8")
    return tmp_path


def _entries(directory: Path) -> list[Path]:
    """The per-file entries (not the project phase's, under project/)."""
    return sorted(p for p in directory.rglob("*") if p.is_file()
                  and p.name not in (".gitignore", "CACHEDIR.TAG") and p.parent.name != "project")


def _json_run(*extra: str) -> bytes:
    assert main(["check", ".", "--format", "json", "--output", "out.json", "--exit-zero",
                 "--jobs", "1", "--select", ",".join(RULES), *extra]) == 0
    return Path("out.json").read_bytes()


def _run(project: Path) -> object:
    config = Config(root=project, select=RULES)
    return run([project], config, jobs=1, cache_dir=project / ".backendreview_cache")


def test_warm_run_is_byte_identical_to_cold(project):
    cold = _json_run()
    entries = _entries(project / ".backendreview_cache")
    assert len(entries) == sum(1 for _ in project.rglob("*.py"))
    warm = _json_run()
    assert warm == cold
    rules = {f["rule"] for f in json.loads(cold)["findings"]}
    # File-phase findings (BR101) and project-phase findings built from cached facts (BR301).
    assert {"BR101", "BR301"} <= rules


def test_editing_one_file_rereviews_only_that_file(project):
    first = _run(project)
    assert (first.reviewed, first.cached) == (first.files, 0)
    assert [f.rule_id for f in first.findings if f.path.endswith("queries.py")] == ["BR101"]
    (project / "queries.py").write_text(SAFE_SQL, encoding="utf-8")
    second = _run(project)
    assert (second.reviewed, second.cached) == (1, first.files - 1)
    assert not [f for f in second.findings if f.path.endswith("queries.py")]
    # The project phase saw every file's facts again: its findings did not change.
    project_ids = {"BR301", "BR302", "BR102"}
    assert ([f for f in second.findings if f.rule_id in project_ids]
            == [f for f in first.findings if f.rule_id in project_ids])


def test_other_rules_or_options_do_not_reuse_entries(project):
    _run(project)
    config = Config(root=project, select=("BR101",))
    other = run([project], config, jobs=1, cache_dir=project / ".backendreview_cache")
    assert other.cached == 0
    options = Config(root=project, select=RULES,
                     rule_options=(("BR301", (("allow", ("items",)),)),))
    assert run([project], options, jobs=1,
               cache_dir=project / ".backendreview_cache").cached == 0
    # Settings read only outside the per-file phase keep the entries.
    severity = Config(root=project, select=RULES, per_file_ignores=(("x.py", ("BR1",)),))
    assert run([project], severity, jobs=1,
               cache_dir=project / ".backendreview_cache").reviewed == 0


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "foreign-class"])
def test_a_broken_entry_is_a_miss(project, damage):
    first = _run(project)
    for entry in _entries(project / ".backendreview_cache"):
        raw = entry.read_bytes()
        if damage == "garbage":
            entry.write_bytes(os.urandom(64))
        elif damage == "truncated":
            entry.write_bytes(raw[: len(raw) // 2])
        elif damage == "empty":
            entry.write_bytes(b"")
        else:
            # A planted entry whose unpickling would run a command: refused, not executed.
            marker = project / "pwned"
            payload = pickle.dumps(_Planted(str(marker)))
            entry.write_bytes(b"backendreview-cache-1" + payload)
    second = _run(project)
    assert (second.reviewed, second.cached) == (first.files, 0)
    assert second.findings == first.findings
    assert not (project / "pwned").exists()
    # The misses were rewritten: the next run is all hits again.
    assert _run(project).cached == first.files


class _Planted:
    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (os.system, (f"touch {self.path}",))


def test_no_cache_option_and_config_key_write_nothing(project):
    _json_run("--no-cache")
    assert not (project / ".backendreview_cache").exists()
    (project / "pyproject.toml").write_text("[tool.backendreview]\ncache = false\n",
                                            encoding="utf-8")
    _json_run()
    assert not (project / ".backendreview_cache").exists()


def test_cache_dir_option_and_config_key(project):
    _json_run("--cache-dir", "elsewhere")
    assert _entries(project / "elsewhere")
    assert not (project / ".backendreview_cache").exists()
    (project / "pyproject.toml").write_text(
        "[tool.backendreview]\ncache-dir = \"build/brc\"\n", encoding="utf-8")
    _json_run()
    assert _entries(project / "build" / "brc")
    # Marked so that git and backup tools skip it.
    assert (project / "build" / "brc" / ".gitignore").read_text(encoding="utf-8").endswith(
        "*\n")


def test_bad_cache_config_is_one_line_exit_2(project, capsys):
    (project / "pyproject.toml").write_text("[tool.backendreview]\ncache = \"yes\"\n",
                                            encoding="utf-8")
    assert main(["check", "."]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("backendreview: error: ")
    assert err[0].endswith("pyproject.toml: key 'cache': expected true or false")
    assert not (project / ".backendreview_cache").exists()


def test_entries_round_trip_every_result_field(project):
    config = Config(root=project, select=RULES)
    rules = enabled_rules(config)
    cache = ResultCache(project / "c", config, rules, ("routes",))
    result = FileResult(path="a.py", facts={"anything": [("x", 1), frozenset({"y"})]},
                        suppressions={3: frozenset({"BR101"})}, statement_spans=[(3, 4)],
                        lines=["a", "b"])
    cache.store(cache.key("a.py", b"data"), result)
    assert cache.load(cache.key("a.py", b"data")) == result
    assert cache.load(cache.key("a.py", b"other data")) is None
    assert cache.load(cache.key("b.py", b"data")) is None


def test_parallel_results_keep_a_deterministic_order(project):
    for index in range(45):  # over the parallel threshold
        (project / f"m{index:02}.py").write_text(RAW_SQL * (index % 7 + 1), encoding="utf-8")
    config = Config(root=project, select=RULES)
    serial = run([project], config, jobs=1)
    parallel = run([project], config, jobs=2)
    assert serial.findings
    assert parallel.findings == serial.findings
    assert list(parallel.facts) == list(serial.facts)
    assert parallel.facts == serial.facts


def test_a_cold_run_reads_each_file_once(project, monkeypatch):
    """The bytes read to key the cache are the bytes reviewed: a miss is not read again.
    (Code frames of project findings re-read their file afterwards: counted apart.)"""
    import backendreview.engine as engine

    reads: list[str] = []
    frames: list[str] = []
    real_read, real_lines = engine.read_source, engine._read_lines

    def counting(path):  # type: ignore[no-untyped-def]
        reads.append(str(Path(path).resolve()))
        return real_read(path)

    def frame_lines(path):  # type: ignore[no-untyped-def]
        frames.append(path)
        return real_lines(path)

    monkeypatch.setattr(engine, "read_source", counting)
    monkeypatch.setattr(engine, "_read_lines", frame_lines)
    result = _run(project)
    assert result.reviewed == result.files > 3 and result.cached == 0
    assert len(reads) == result.files + len(frames)
    assert len(set(reads)) == result.files
    reads.clear()
    frames.clear()
    warm = _run(project)
    assert warm.cached == warm.files and len(reads) == warm.files + len(frames)


def test_a_warm_run_with_nothing_changed_skips_the_project_phase(project, monkeypatch):
    from backendreview.checks import PROJECT_RULES

    cold = _run(project)
    assert not cold.project_cached
    assert {"BR301", "BR102"} <= {f.rule_id for f in cold.findings}
    assert len(list((project / ".backendreview_cache" / "project").iterdir())) == 1
    calls: list[str] = []
    for rule_id in ("BR301", "BR102"):
        cls = PROJECT_RULES[rule_id]
        monkeypatch.setattr(cls, "check", lambda self, facts, _id=rule_id: calls.append(_id))
    warm = _run(project)
    assert warm.project_cached and calls == []
    assert [(f.rule_id, f.path, f.span, f.message) for f in warm.findings] == \
        [(f.rule_id, f.path, f.span, f.message) for f in cold.findings]
    # An edit anywhere reruns the project phase (here with the rules stubbed out: their
    # findings are gone, which shows they were not served from the entry).
    (project / "queries.py").write_text(SAFE_SQL, encoding="utf-8")
    edited = _run(project)
    assert not edited.project_cached and sorted(set(calls)) == ["BR102", "BR301"]
    assert "BR301" not in {f.rule_id for f in edited.findings}  # found only there


def test_a_broken_project_entry_is_a_miss(project):
    cold = _run(project)
    [entry] = (project / ".backendreview_cache" / "project").iterdir()
    for garbage in (b"", b"backendreview-cache-1garbage", entry.read_bytes()[:-7]):
        entry.write_bytes(garbage)
        again = _run(project)
        assert not again.project_cached and again.findings == cold.findings
    assert _run(project).project_cached  # rewritten by the last run


def test_no_project_entry_for_a_run_whose_rules_failed(project, monkeypatch):
    from backendreview.checks import PROJECT_RULES

    def broken(self, facts):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    monkeypatch.setattr(PROJECT_RULES["BR301"], "check", broken)
    failed = _run(project)
    assert any("BR301" in e for e in failed.errors)
    assert not (project / ".backendreview_cache" / "project").exists()


def test_program_facts_round_trip_with_each_sessions_fields(project):
    """The program model's records (perf17's generated `__init__`) come back from an entry
    with routes17's FunctionInfo.upstream_paths and truth17's ClassInfo.method_fields, in
    field order, and a fresh `method_fields` dict per record."""
    from backendreview.analysis.program.facts import ClassInfo, FunctionInfo

    config = Config(root=project, select=RULES)
    cache = ResultCache(project / "c", config, enabled_rules(config), ("routes",))
    cls = ClassInfo("app.S", "S", "a.py", 1, method_fields={"read_flag": "flag"})
    fn = FunctionInfo("app.S.read_flag", "read_flag", "a.py", 3, cls="app.S",
                      upstream_paths=("/api/upstream",))
    result = FileResult(path="a.py", facts={"program": [cls, fn]})
    cache.store(cache.key("a.py", b"data"), result)
    loaded = cache.load(cache.key("a.py", b"data"))
    assert loaded == result
    assert loaded is not None
    back_cls, back_fn = loaded.facts["program"]
    assert back_cls.method_fields == {"read_flag": "flag"}
    assert back_fn.upstream_paths == ("/api/upstream",)
    assert list(vars(back_cls)) == [f.name for f in dataclasses.fields(ClassInfo)]
    assert ClassInfo("a.T", "T", "a.py", 5).method_fields == {}
    assert ClassInfo("a.T", "T", "a.py", 5).method_fields is not (
        ClassInfo("a.U", "U", "a.py", 6).method_fields)
