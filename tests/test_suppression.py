"""Suppression comments, through the engine: `# noqa: BR101` / `# backendreview: ignore[BR101]`
on the reported line, on the first or last line of the reported statement, or alone on the
line above it; a bare `# noqa` silences its own line only; codes match by prefix."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from backendreview.config import Config
from backendreview.engine import finish, review_source, run
from backendreview.metadata import load_rule_docs
from backendreview.sourcelines import source_lines
from backendreview.suppression import parse_suppressions

RULES = ("BR000", "BR101")
HEAD = "import sqlite3\n\n\ndef f(request, db: sqlite3.Connection, x):\n"  # the body starts on line 5;
# a view taking the request: its parameter `x` comes from outside, evidence in the file alone
MESSAGE = ("SQL passed to `db.execute()` is built with an f-string from `x`; pass the values "
           "as bound parameters")

ONE_LINE = "    db.execute(f\"SELECT a FROM t WHERE a = '{x}'\")\n"

# The finding is reported on the middle line (7) of a statement on lines 5-9.
MIDDLE = (
    "    return wrap(\n"                                           # 5: first line
    "        1,\n"                                                 # 6
    "        db.execute(f\"SELECT a FROM t WHERE a = '{x}'\"),\n"  # 7: the finding
    "        2,\n"                                                 # 8
    "    )\n"                                                      # 9: last line
)

# A multi-line SQL string: reported on the call's first line, which is the statement's.
MULTILINE_SQL = (
    "    rows = db.execute(\n"                # 5
    "        f\"\"\"SELECT a FROM t\n"         # 6
    "        WHERE a = '{x}'\"\"\"\n"          # 7
    "    )\n"                                 # 8
    "    return rows\n"                       # 9
)


def review(body: str) -> tuple[list[tuple[str, int, int, int]], int]:
    """(rule, start line, start column, end line) of the findings kept, and the count
    suppressed."""
    result = review_source((HEAD + body).encode(), "m.py", Config(), RULES)
    out = finish([result], Config(), RULES, load_rule_docs())
    assert out.files == 1 and out.errors == []
    return [(f.rule_id, f.span.start_line, f.span.start_col, f.span.end_line)
            for f in out.findings], out.suppressed


def _edit(body: str, line: int, comment: str) -> str:
    """Append `comment` to the given file line (HEAD counts)."""
    lines = body.splitlines(keepends=True)
    index = line - HEAD.count("\n") - 1
    lines[index] = lines[index].rstrip("\n") + comment + "\n"
    return "".join(lines)


def test_where_the_findings_are_reported():
    assert review(ONE_LINE) == ([("BR101", 5, 5, 5)], 0)
    assert review(MIDDLE) == ([("BR101", 7, 9, 7)], 0)
    assert review(MULTILINE_SQL) == ([("BR101", 5, 12, 8)], 0)
    result = review_source((HEAD + ONE_LINE).encode(), "m.py", Config(), RULES)
    assert [f.message for f in result.findings] == [MESSAGE]


@pytest.mark.parametrize("comment", [
    "  # noqa: BR101", "  # noqa:BR101", "  #noqa: BR101", "  # NOQA: br101",
    "  # noqa: BR101,BR102", "  # noqa:BR102,BR101", "  # noqa: BR102 BR101",
    "  # noqa: BR1", "  # noqa: BR", "  # noqa: BR101 -- reviewed, the value is an int",
    "  # backendreview: ignore[BR101]", "  # backendreview:ignore[BR1]",
    "  # backendreview: ignore[BR102, BR101]", "  # noqa", "  # backendreview: ignore",
    "  # type: ignore  # noqa: BR101",
])
def test_a_comment_on_the_reported_line(comment):
    assert review(_edit(ONE_LINE, 5, comment)) == ([], 1)


@pytest.mark.parametrize("comment", [
    "  # noqa: BR999", "  # noqa: BR102", "  # noqa: E501", "  # noqa: BR1010",
    "  # backendreview: ignore[BR102]", "  # backendreview: ignore[BR1010]",
    "  # not a noqa comment", "  # backendreview: review[BR101]", "  # noqa: BR102 E501",
])
def test_a_comment_for_another_rule_does_not_silence(comment):
    assert review(_edit(ONE_LINE, 5, comment)) == ([("BR101", 5, 5, 5)], 0)


@pytest.mark.parametrize("line", [5, 9])
@pytest.mark.parametrize("comment", [
    "  # noqa: BR101", "  # noqa:BR101,BR102", "  # noqa: BR1",
    "  # backendreview: ignore[BR101]",
])
def test_a_coded_comment_on_the_first_or_last_line_of_the_statement(line, comment):
    assert review(_edit(MIDDLE, line, comment)) == ([], 1)


@pytest.mark.parametrize("line", [6, 8])
def test_a_coded_comment_on_another_line_of_the_statement_does_not_silence(line):
    assert review(_edit(MIDDLE, line, "  # noqa: BR101")) == ([("BR101", 7, 9, 7)], 0)


def test_a_coded_comment_on_the_reported_middle_line():
    assert review(_edit(MIDDLE, 7, "  # noqa: BR101")) == ([], 1)


@pytest.mark.parametrize("line", [5, 9])
def test_a_bare_noqa_silences_only_its_own_line(line):
    assert review(_edit(MIDDLE, line, "  # noqa")) == ([("BR101", 7, 9, 7)], 0)
    assert review(_edit(MIDDLE, line, "  # backendreview: ignore")) == (
        [("BR101", 7, 9, 7)], 0)


def test_a_bare_noqa_on_the_reported_line():
    assert review(_edit(MIDDLE, 7, "  # noqa")) == ([], 1)


@pytest.mark.parametrize("comment", ["# noqa: BR101", "# backendreview: ignore[BR101]",
                                     "#noqa:BR1"])
def test_a_coded_comment_alone_on_the_line_above_the_statement(comment):
    assert review(f"    {comment}\n" + MIDDLE) == ([], 1)
    assert review(f"    {comment}\n" + MULTILINE_SQL) == ([], 1)
    assert review(f"    {comment}\n" + ONE_LINE) == ([], 1)


def test_a_bare_noqa_alone_on_the_line_above_does_not_silence():
    assert review("    # noqa\n" + ONE_LINE) == ([("BR101", 6, 5, 6)], 0)


def test_the_line_above_must_hold_only_the_comment():
    assert review("    y = 1  # noqa: BR101\n" + ONE_LINE) == ([("BR101", 6, 5, 6)], 0)


def test_the_comment_must_be_directly_above():
    assert review("    # noqa: BR101\n\n" + ONE_LINE) == ([("BR101", 7, 5, 7)], 0)


def test_a_comment_above_a_compound_statement_does_not_reach_into_its_body():
    body = (
        "    # noqa: BR101\n"                                   # 5
        "    if x:\n"                                           # 6
        "        db.execute(f\"SELECT a FROM t WHERE a = '{x}'\")\n"  # 7
    )
    assert review(body) == ([("BR101", 7, 9, 7)], 0)


def test_a_comment_on_a_def_line_does_not_cover_the_body():
    body = ONE_LINE
    source = HEAD.replace("x):\n", "x):  # noqa: BR101\n") + body
    result = review_source(source.encode(), "m.py", Config(), RULES)
    out = finish([result], Config(), RULES, load_rule_docs())
    assert [(f.rule_id, f.span.start_line) for f in out.findings] == [("BR101", 5)]
    assert out.suppressed == 0


@pytest.mark.parametrize("line", [5, 8])
def test_multi_line_sql_is_suppressible_on_first_and_last_line(line):
    assert review(_edit(MULTILINE_SQL, line, "  # noqa: BR101")) == ([], 1)


def test_noqa_inside_a_string_does_not_suppress():
    body = "    db.execute(f\"SELECT a FROM t WHERE a = '{x}' # noqa: BR101\")\n"
    assert review(body) == ([("BR101", 5, 5, 5)], 0)


def test_noqa_inside_a_multi_line_string_does_not_suppress():
    body = (
        "    rows = db.execute(\n"
        "        f\"\"\"SELECT a FROM t  # noqa: BR101\n"
        "        WHERE a = '{x}'\"\"\"\n"
        "    )  # backendreview: ignore[BR999]\n"
    )
    assert review(body) == ([("BR101", 5, 12, 8)], 0)


def test_noqa_inside_a_docstring_above_does_not_suppress():
    body = "    \"\"\"\n    # noqa: BR101\n    \"\"\"\n" + ONE_LINE
    assert review(body) == ([("BR101", 8, 5, 8)], 0)


def test_a_real_comment_after_a_string_holding_noqa_still_counts():
    body = "    db.execute(f\"SELECT '# noqa' FROM t WHERE a = '{x}'\")  # noqa: BR101\n"
    assert review(body) == ([], 1)


def test_a_string_noqa_and_a_bare_string_noqa():
    body = "    db.execute(f\"SELECT a FROM t WHERE a = '{x}'\" + '# noqa')\n"
    assert review(body) == ([("BR101", 5, 5, 5)], 0)


def test_line_numbers_stay_right_after_a_form_feed():
    # str.splitlines() breaks at \f and \u2028; Python does not.
    body = "    y = 1\n\x0c\n    z = '\u2028'\n" + _edit(ONE_LINE, 5, "  # noqa: BR101")
    source = HEAD + body
    result = review_source(source.encode(), "m.py", Config(), RULES)
    assert [(f.rule_id, f.span.start_line) for f in result.findings] == [("BR101", 8)]
    assert result.suppressions == {8: frozenset({"BR101"})}
    out = finish([result], Config(), RULES, load_rule_docs())
    assert (out.findings, out.suppressed) == ([], 1)


def test_a_comment_above_still_works_after_a_form_feed():
    body = "\x0c\n    # noqa: BR101\n" + ONE_LINE
    assert review(body) == ([], 1)


def test_source_lines_split_only_where_python_does():
    assert source_lines("a\r\nb\rc\n\x0cd\u2028e\x85f\n\n") == ["a", "b", "c",
                                                              "\x0cd\u2028e\x85f", ""]
    assert source_lines("") == []
    assert source_lines("x") == ["x"]


def test_parse_suppressions():
    text = (
        "a = 1  # noqa\n"
        "b = 2  # noqa: BR101, br2\n"
        "c = '# noqa: BR3'\n"
        "# backendreview: ignore[BR101,BR102]\n"
        "d = 4  # noqa: BR1  # backendreview: ignore[BR2]\n"
    )
    expected = {1: frozenset(), 2: frozenset({"BR101", "BR2"}),
                4: frozenset({"BR101", "BR102"}), 5: frozenset({"BR1", "BR2"})}
    assert parse_suppressions(text) == expected
    assert parse_suppressions(text, ast.parse(text)) == expected


def test_suppressed_count_and_kept_findings_in_a_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.py").write_text(HEAD + _edit(MIDDLE, 9, "  # noqa: BR101"), encoding="utf-8")
    (tmp_path / "b.py").write_text(HEAD + ONE_LINE + _edit(ONE_LINE, 5, "  # noqa"),
                                   encoding="utf-8")
    (tmp_path / "c.py").write_text(HEAD + _edit(ONE_LINE, 5, "  # noqa: BR999"),
                                   encoding="utf-8")
    result = run([Path(".")], Config(root=tmp_path, select=("BR101",)))
    # b.py: line 5 is reported, line 6 carries a bare noqa.
    assert [(f.rule_id, f.path, f.span.start_line, f.span.start_col, f.message)
            for f in result.findings] == [
        ("BR101", "b.py", 5, 5, MESSAGE), ("BR101", "c.py", 5, 5, MESSAGE)]
    assert result.suppressed == 2
    assert result.files == 3


def test_suppression_and_per_file_ignores_count_differently(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.py").write_text(HEAD + _edit(ONE_LINE, 5, "  # noqa: BR101"),
                                   encoding="utf-8")
    (tmp_path / "b.py").write_text(HEAD + ONE_LINE, encoding="utf-8")
    config = Config(root=tmp_path, select=("BR101",), per_file_ignores=(("b.py", ("BR101",)),))
    result = run([Path(".")], config)
    assert (result.findings, result.suppressed) == ([], 1)


def test_a_parse_error_is_not_suppressible():
    source = "x = (1,  # noqa: BR000\ny = 2\n"
    result = review_source(source.encode(), "m.py", Config(), RULES)
    # A file that does not parse has no suppressions: BR000 is always reported.
    assert [(f.rule_id, f.span.start_line) for f in result.findings] == [("BR000", 1)]
    out = finish([result], Config(), RULES, load_rule_docs())
    assert [(f.rule_id, f.span.start_line) for f in out.findings] == [("BR000", 1)]


def test_source_lines_keepends_matches_python_numbering():
    assert source_lines("a\r\nb\x0cc\rd\n", keepends=True) == ["a\r\n", "b\x0cc\r", "d\n"]
    assert source_lines("x\ny", keepends=True) == ["x\n", "y"]
