"""The peer-suite scorer (bench/peer_sqli.py): semgrep's annotation grammar, which statement a
case owns, and how findings are matched to cases — on small annotated files written here."""

from __future__ import annotations

import importlib
import sys
import textwrap
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


@pytest.fixture(scope="module")
def peer():
    sys.path.insert(0, str(BENCH))
    try:
        yield importlib.import_module("peer_sqli")
    finally:
        sys.path.remove(str(BENCH))


def src(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


IDS = frozenset({"sqli", "other-sqli"})


def test_annotation_grammar_follows_semgrep(peer):
    text = src("""
        # ruleid: sqli
        #ruleid:other-sqli
        # ok: sqli, other-sqli
        # todoruleid: sqli
        # todook: sqli
        # proruleid: sqli
        # ruleid: prook: other-sqli
        # ok
        x = 1  # ruleid: sqli
        # tododruleid: sqli
        # ruleid: not an id
    """)
    got = [(a.line, a.kind, a.rule_id) for a in peer.parse_annotations(text, "f.py")]
    assert got == [
        (1, "ruleid", "sqli"), (2, "ruleid", "other-sqli"), (3, "ok", "sqli"),
        (3, "ok", "other-sqli"), (4, "todoruleid", "sqli"), (5, "todook", "sqli"),
        (6, "ruleid", "sqli"), (7, "ruleid", "other-sqli"),
    ]


def test_annotation_targets_next_code_line(peer):
    lines = src("""
        # ruleid: sqli

        # a remark
        cur.execute(q)
        # ok: sqli
    """).splitlines()
    assert peer.target_line(lines, 1) == 4
    assert peer.target_line(lines, 5) is None


def test_case_owns_the_whole_statement_that_starts_on_its_line(peer):
    text = src("""
        def bad(cur, name):
            # ruleid: sqli
            cur.execute(
                "SELECT * FROM t WHERE n = '%s'" % name)
            cur.fetchall()

        # ruleid: other-sqli
        def bad_too(q, var):
            q.filter("a={}".format(var))
            return q

        # ok: unrelated-rule
        def fine(cur):
            cur.execute("SELECT 1")
    """)
    cases = peer.cases_of_file(text, "f.py", IDS)
    assert [(c.line, c.end_line, c.positive, c.rule_ids) for c in cases] == [
        (3, 4, True, ("sqli",)), (8, 10, True, ("other-sqli",))]


def test_annotations_on_one_line_make_one_case_positive_if_any_says_so(peer):
    text = src("""
        # ok: other-sqli
        # ruleid: sqli
        cur.execute(q)
        # todook: sqli
        cur.execute(r)
    """)
    cases = peer.cases_of_file(text, "f.py", IDS)
    assert [(c.line, c.positive, c.kinds) for c in cases] == [
        (3, True, ("ok", "ruleid")), (5, False, ("todook",))]


def test_unparsable_file_keeps_single_line_cases(peer):
    text = src("""
        # ruleid: sqli
        cur.execute(
        # ok: sqli
        def broken(:
    """)
    cases = peer.cases_of_file(text, "f.py", IDS)
    assert [(c.line, c.end_line, c.positive) for c in cases] == [(2, 2, True), (4, 4, False)]


def cases_for(peer, text: str) -> list:
    return peer.cases_of_file(src(text), "f.py", IDS)


MIXED = """
    def handler(cur, name):
        # ruleid: sqli
        cur.execute(
            "SELECT * FROM t WHERE n = '%s'" % name)
        # ok: sqli
        cur.execute("SELECT * FROM t WHERE n = %s", (name,))
        # ruleid: sqli
        cur.execute(build(name))
        log(name)
"""


def test_score_matches_continuation_lines_and_counts_the_rest(peer):
    cases = cases_for(peer, MIXED)
    hits = [peer.Hit("f.py", 4), peer.Hit("f.py", 4), peer.Hit("f.py", 6),
            peer.Hit("f.py", 9), peer.Hit("g.py", 3)]
    s = peer.score("t", cases, hits)
    assert [c.line for c in s.found] == [3]
    assert [c.line for c in s.missed] == [8]
    assert [c.line for c in s.wrong] == [6]
    assert s.clean == ()
    # the line after a case's statement is not the case's; another file's hit answers nothing
    assert s.unannotated == (peer.Hit("f.py", 9), peer.Hit("g.py", 3))


def test_score_with_no_hit_finds_nothing_and_flags_nothing(peer):
    s = peer.score("t", cases_for(peer, MIXED), [])
    assert ([c.line for c in s.missed], [c.line for c in s.clean]) == ([3, 8], [6])
    assert s.found == s.wrong == s.unannotated == ()


def test_region_match_runs_to_the_next_case_inside_the_function(peer):
    text = src("""
        def f(request, cur):
            # ruleid: sqli
            name = request.GET["n"]
            sql = "SELECT '%s'" % name
            cur.execute(sql)
            # ok: sqli
            cur.execute("SELECT 1")

        def g(cur):
            cur.execute(x)
    """)
    cases = peer.cases_of_file(text, "f.py", IDS, match="region")
    assert [(c.line, c.end_line) for c in cases] == [(3, 6), (7, 7)]
    s = peer.score("t", cases, [peer.Hit("f.py", 5), peer.Hit("f.py", 10)])
    assert [c.line for c in s.found] == [3] and s.wrong == ()
    assert s.unannotated == (peer.Hit("f.py", 10),)


def test_reports_of_each_tool_become_hits(peer, tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text("x = 1\n")
    br = {"findings": [{"rule": "BR101", "path": str(tmp_path / "pkg" / "a.py"), "start_line": 4},
                       {"rule": "BR000", "path": str(tmp_path / "pkg" / "a.py"), "start_line": 1}]}
    bandit = {"results": [{"filename": "elsewhere/suite/pkg/a.py", "line_number": 7}]}
    ruff = [{"code": "S608", "filename": str(tmp_path / "pkg" / "a.py"), "location": {"row": 2}},
            {"code": "S101", "filename": str(tmp_path / "pkg" / "a.py"), "location": {"row": 3}}]
    assert peer.hits_from_backendreview(br, tmp_path) == [peer.Hit("pkg/a.py", 4)]
    # a saved report written from another directory names the file by its tail
    assert peer.hits_from_bandit(bandit, tmp_path) == [peer.Hit("pkg/a.py", 7)]
    assert peer.hits_from_ruff(ruff, tmp_path) == [peer.Hit("pkg/a.py", 2)]


def test_table_gives_counts_and_percentages(peer):
    cases = cases_for(peer, MIXED)
    s = peer.score("bandit", cases, [peer.Hit("f.py", 3), peer.Hit("f.py", 6), peer.Hit("f.py", 1)])
    table = peer.markdown_table([s], {"bandit": "bandit B608"})
    assert table.splitlines()[2] == "| bandit B608 | 1/2 | 50.0% | 1/1 | 100.0% | 1 |"


def test_backendreview_on_a_small_suite(peer, tmp_path, capsys):
    (tmp_path / "app.py").write_text(src("""
        import sqlite3


        def find(conn: sqlite3.Connection, email: str):
            cur = conn.cursor()
            # ruleid: sqli
            cur.execute(
                f"SELECT id FROM users WHERE email = '{email}'")
            # ok: sqli
            cur.execute("SELECT id FROM users WHERE email = ?", (email,))
            return cur.fetchone()
    """))
    assert peer.main([str(tmp_path), "--rule-ids", "sqli", "--tools", "backendreview"]) == 0
    out = capsys.readouterr().out
    assert "1 ruleid cases, 1 ok cases" in out
    assert "| backendreview BR101 | 1/1 | 100.0% | 0/1 | 0.0% | 0 |" in out.splitlines()


def test_saved_reports_are_scored_and_a_broken_one_stops_with_one_line(peer, tmp_path, capsys):
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "m.py").write_text(src("""
        # ruleid: sqli
        cur.execute("SELECT '%s'" % name)
        # ok: sqli
        cur.execute("SELECT 1")
    """))
    report = tmp_path / "ruff.json"
    report.write_text('[{"code": "S608", "filename": "m.py", "location": {"row": 4}}]')
    assert peer.main([str(suite), "--rule-ids", "sqli", "--tools", "ruff",
                      "--report", f"ruff={report}"]) == 0
    assert "| ruff S608 | 0/1 | 0.0% | 1/1 | 100.0% | 0 |" in capsys.readouterr().out.splitlines()
    report.write_text("not json")
    assert peer.main([str(suite), "--rule-ids", "sqli", "--tools", "ruff",
                      "--report", f"ruff={report}"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("peer_sqli: ruff: JSONDecodeError")
