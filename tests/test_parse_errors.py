"""BR000: a file that cannot be read, decoded or parsed gives one finding with the parser's
message at the parser's position, and the run goes on with the other files."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from backendreview.cli import main
from backendreview.config import Config
from backendreview.engine import review_source, run
from backendreview.model import Severity, Span

from .samples import ONE_FINDING, ONE_FINDING_MESSAGE

RULES = ("BR000", "BR101")

BAD = ONE_FINDING
BR101_MESSAGE = ONE_FINDING_MESSAGE


def findings(data: bytes, path: str = "m.py", rules: tuple[str, ...] = RULES):
    result = review_source(data, path, Config(), rules)
    return [(f.rule_id, f.span.start_line, f.span.start_col, f.message) for f in result.findings]


def parser_error(source: str) -> tuple[int, int, str]:
    try:
        ast.parse(source)
    except SyntaxError as exc:
        return exc.lineno, exc.offset, exc.msg
    raise AssertionError("the source parses")


# -- syntax errors ---------------------------------------------------------------------------

@pytest.mark.parametrize("source", [
    "def f(:\n    pass\n",
    "x = 1\ny = 'é' $ 2\n",
    "x = '日本' + )\n",
    "def f():\nreturn 1\n",
    "if x:\n\tpass\n        pass\n",
    "x = (1,\n",
    "x = 'abc\n",
    "print 'hello'\n",
    "import sqlite3\nclass C:\n    def m(self):\n        pass\n  x = 1\n",
], ids=["invalid", "after-non-ascii", "unmatched", "indent", "tabs", "unclosed",
        "unterminated", "py2-print", "dedent"])
def test_one_finding_at_the_parsers_position_with_its_message(source):
    line, col, msg = parser_error(source)
    result = review_source(source.encode(), "m.py", Config(), RULES)
    assert len(result.findings) == 1
    (finding,) = result.findings
    assert finding.rule_id == "BR000"
    assert finding.severity is Severity.ERROR
    assert finding.message == f"cannot parse the file: {msg}"
    assert finding.span == Span(line, col, line, col + 1)
    assert finding.path == "m.py"


def test_known_positions_and_messages():
    # The same as above, spelled out: columns are 1-based code points.
    assert findings(b"def f(:\n    pass\n") == [
        ("BR000", 1, 7, "cannot parse the file: invalid syntax")]
    assert findings("x = 1\ny = 'é' $ 2\n".encode()) == [
        ("BR000", 2, 9, "cannot parse the file: invalid syntax")]
    assert findings(b"x = (1,\n") == [
        ("BR000", 1, 5, "cannot parse the file: '(' was never closed")]


def test_the_snippet_is_the_offending_line():
    result = review_source(b"x = 1\n  y = 2\n", "m.py", Config(), RULES)
    assert [(f.rule_id, f.span.start_line, f.snippet) for f in result.findings] == [
        ("BR000", 2, "y = 2")]


def test_no_finding_when_br000_is_not_enabled():
    assert findings(b"def f(:\n", rules=("BR101",)) == []


def test_other_files_in_the_run_are_still_reviewed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a_broken.py").write_text("def f(:\n    pass\n", encoding="utf-8")
    (tmp_path / "b_bad.py").write_text(BAD, encoding="utf-8")
    (tmp_path / "c_undecodable.py").write_bytes(b"x = '\xff'\n")
    (tmp_path / "d_bad.py").write_text(BAD, encoding="utf-8")
    result = run([Path(".")], Config(root=tmp_path, select=("BR000", "BR101")))
    assert [(f.rule_id, f.path, f.span.start_line, f.span.start_col, f.message)
            for f in result.findings] == [
        ("BR000", "a_broken.py", 1, 7, "cannot parse the file: invalid syntax"),
        ("BR101", "b_bad.py", 3, 5, BR101_MESSAGE),
        ("BR000", "c_undecodable.py", 1, 1, "cannot decode the file as utf-8: 'utf-8' codec "
                                            "can't decode byte 0xff in position 5: "
                                            "invalid start byte"),
        ("BR101", "d_bad.py", 3, 5, BR101_MESSAGE),
    ]
    assert result.files == 4 and result.errors == []


def test_cli_reports_a_parse_error_as_a_finding_not_a_failure(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "broken.py").write_text("def f(:\n", encoding="utf-8")
    assert main(["check", ".", "--format", "json"]) == 1
    captured = capsys.readouterr()
    assert captured.err == ""
    data = json.loads(captured.out)
    assert [(f["rule"], f["severity"], f["path"], f["start_line"], f["start_column"],
             f["message"]) for f in data["findings"]] == [
        ("BR000", "error", "broken.py", 1, 7, "cannot parse the file: invalid syntax")]


# -- encodings -----------------------------------------------------------------------------------

LATIN1 = (
    "# -*- coding: latin-1 -*-\n"
    "import sqlite3\n"
    "def f(request, c: sqlite3.Connection, x):\n"  # a view: `x` comes from outside
    "    s = 'café'; c.execute(f\"SELECT * FROM t WHERE a = '{x}' AND b = 'é'\")\n"
)


def test_latin1_cookie_decodes_and_is_reviewed_with_code_point_columns():
    data = LATIN1.encode("latin-1")
    assert b"caf\xe9" in data  # really latin-1 bytes, invalid as UTF-8
    result = review_source(data, "m.py", Config(), RULES)
    line = LATIN1.splitlines()[3]
    start = line.index("c.execute") + 1
    end = len(line) + 1
    assert [(f.rule_id, f.span, f.message) for f in result.findings] == [
        ("BR101", Span(4, start, 4, end), BR101_MESSAGE)]
    assert (start, end) == (17, 74)
    assert result.findings[0].snippet == line.strip()


@pytest.mark.parametrize("cookie", ["# coding: iso-8859-15", "# vim: set fileencoding=cp1252 :",
                                    "#!/usr/bin/env python\n# -*- coding: latin-1 -*-"])
def test_other_cookie_spellings(cookie):
    source = cookie + "\n" + BAD.replace("a = '{x}'", "a = '{x}' -- é")
    data = source.encode("latin-1")
    offset = cookie.count("\n") + 1
    assert findings(data) == [("BR101", 3 + offset, 5, BR101_MESSAGE)]


def test_utf8_bom_is_not_a_column():
    assert findings(b"\xef\xbb\xbf" + BAD.encode()) == [("BR101", 3, 5, BR101_MESSAGE)]


def test_invalid_utf8_without_cookie_names_the_encoding_and_line():
    data = b"import os\nx = 1\ny = 2\nz = '\xe9t\xe9'\n"
    assert findings(data) == [
        ("BR000", 4, 1, "cannot decode the file as utf-8: 'utf-8' codec can't decode byte "
                        "0xe9 in position 27: invalid continuation byte")]


def test_invalid_utf8_in_the_first_two_lines_names_the_encoding():
    # tokenize.detect_encoding looks at these lines itself and fails without naming it.
    assert findings(b"x = 1\ny = '\xff'\n") == [
        ("BR000", 2, 1, "cannot decode the file as utf-8: 'utf-8' codec can't decode byte "
                        "0xff in position 11: invalid start byte")]


def test_bytes_invalid_for_the_cookies_encoding():
    data = b"# coding: ascii\nx = '\xc3\xa9'\n"
    assert findings(data) == [
        ("BR000", 2, 1, "cannot decode the file as ascii: 'ascii' codec can't decode byte "
                        "0xc3 in position 21: ordinal not in range(128)")]


@pytest.mark.parametrize(("data", "line"), [
    (b"# -*- coding: nonexistent -*-\nx = 1\n", 1),
    (b"#!/usr/bin/env python\n# coding: bogus-codec\nx = 1\n", 2),
])
def test_unknown_codec_in_the_cookie(data, line):
    codec = data.split(b"coding: ")[1].split()[0].decode()
    assert findings(data) == [("BR000", line, 1,
                               f"cannot decode the file: unknown encoding: {codec}")]


def test_bom_with_a_conflicting_cookie():
    assert findings(b"\xef\xbb\xbf# coding: latin-1\nx = 1\n") == [
        ("BR000", 1, 1, "cannot decode the file: encoding problem: utf-8")]


def test_null_bytes():
    assert findings(b"\x00x = 1\n") == [
        ("BR000", 1, 1, "cannot parse the file: source code string cannot contain null bytes")]


# -- pathological input: in a child process, so that a crash or a hang fails only this test ----

PATHOLOGICAL = {
    "parens": "'(' * 200000",
    "brackets": "'x = ' + '[' * 5000 + ']' * 5000 + '\\n'",
    "unary": "'x = ' + '-' * 100000 + '1\\n'",
    "long-chain-then-error": "'x = ' + '+'.join(['a'] * 10000) + '\\ny = = 1\\n'",
}

CHILD = textwrap.dedent("""
    import json, sys
    from backendreview.config import Config
    from backendreview.engine import review_source
    out = {}
    for name, expr in json.loads(sys.argv[1]).items():
        result = review_source(eval(expr).encode(), "m.py", Config(), ("BR000", "BR101"))
        out[name] = [[f.rule_id, f.span.start_line, f.span.start_col, f.message]
                     for f in result.findings]
    print(json.dumps(out))
""")


def test_deeply_nested_input_is_a_finding_not_a_crash_or_a_hang():
    proc = subprocess.run([sys.executable, "-c", CHILD, json.dumps(PATHOLOGICAL)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert json.loads(proc.stdout) == {
        "parens": [["BR000", 1, 201, "cannot parse the file: too many nested parentheses"]],
        "brackets": [["BR000", 1, 205, "cannot parse the file: too many nested parentheses"]],
        "unary": [["BR000", 1, 1, "cannot parse the file: too deeply nested"]],
        "long-chain-then-error": [["BR000", 2, 5, "cannot parse the file: invalid syntax"]],
    }


# -- newer syntax ------------------------------------------------------------------------------

newer_python_only = pytest.mark.skipif(sys.version_info >= (3, 12),
                                       reason="this Python parses 3.12 syntax")


@newer_python_only
def test_312_type_alias_names_the_python_it_needs():
    assert findings(b"type Alias = int\n") == [
        ("BR000", 1, 6, "cannot parse the file: invalid syntax (the file uses Python 3.12 "
                        "syntax (a `type` alias statement): run backendreview under that "
                        "Python)")]


@newer_python_only
def test_312_type_parameters_name_the_python_they_need():
    source = b"import sqlite3\n\ndef first[T](items: list[T]) -> T:\n    return items[0]\n"
    line, col, msg = parser_error(source.decode())
    assert findings(source) == [
        ("BR000", line, col, f"cannot parse the file: {msg} (the file uses Python 3.12 "
                             "syntax (type parameters): run backendreview under that Python)")]
    assert "3.12" in findings(source)[0][3]


def test_plain_syntax_errors_do_not_blame_the_python_version():
    assert findings(b"x = = 1\n") == [("BR000", 1, 5, "cannot parse the file: invalid syntax")]


@newer_python_only
def test_newer_syntax_is_still_named_next_to_ordinary_deep_nesting():
    source = "x = " + "(" * 60 + "1" + ")" * 60 + "\ntype Alias = int\n"
    assert findings(source.encode()) == [
        ("BR000", 2, 6, "cannot parse the file: invalid syntax (the file uses Python 3.12 "
                        "syntax (a `type` alias statement): run backendreview under that "
                        "Python)")]


# -- unreadable files ---------------------------------------------------------------------------

@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root can read a file without permissions")
def test_unreadable_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    secret = tmp_path / "secret.py"
    secret.write_text("x = 1\n", encoding="utf-8")
    (tmp_path / "bad.py").write_text(BAD, encoding="utf-8")
    secret.chmod(0)
    try:
        result = run([Path(".")], Config(root=tmp_path, select=("BR000", "BR101")))
    finally:
        secret.chmod(0o644)
    assert [(f.rule_id, f.path, f.span.start_line, f.span.start_col, f.message)
            for f in result.findings] == [
        ("BR101", "bad.py", 3, 5, BR101_MESSAGE),
        ("BR000", "secret.py", 1, 1, "cannot read the file: Permission denied")]


def test_a_read_error_is_a_finding_and_the_run_goes_on(tmp_path, monkeypatch):
    # The same path as above, simulated so that it also runs as root.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "secret.py").write_text("x = 1\n", encoding="utf-8")
    (tmp_path / "bad.py").write_text(BAD, encoding="utf-8")
    import backendreview.sourcefile as sourcefile

    real = sourcefile.os.open

    def os_open(path, flags, *args):  # type: ignore[no-untyped-def]
        if Path(path).name == "secret.py":
            raise PermissionError(13, "Permission denied")
        return real(path, flags, *args)

    monkeypatch.setattr(sourcefile.os, "open", os_open)
    result = run([Path(".")], Config(root=tmp_path, select=("BR000", "BR101")))
    assert [(f.rule_id, f.path, f.span.start_line, f.span.start_col, f.message)
            for f in result.findings] == [
        ("BR101", "bad.py", 3, 5, BR101_MESSAGE),
        ("BR000", "secret.py", 1, 1, "cannot read the file: Permission denied")]
    assert result.files == 2 and result.errors == []
