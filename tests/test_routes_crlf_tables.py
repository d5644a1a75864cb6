"""The table-of-dicts registrations (frameworks/module_tables) are found whatever the line
endings: the per-file text gate once looked for `[{` after removing spaces and `\\n` only, so
a CRLF file (`[\\r\\n{`) or a comment after `[` lost every route of the table."""

from __future__ import annotations

import shutil
from pathlib import Path

from .projects import route_rows

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "routes" / "flask_module_tables"


def test_crlf_and_commented_tables_keep_their_routes(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    lf = tmp_path / "lf"
    shutil.copytree(FIXTURE / "svc", lf / "svc")
    expected = sorted(route_rows(capsys, lf))
    assert any(path.startswith("/v2/") for _, path, _ in expected), expected
    crlf = tmp_path / "crlf"
    shutil.copytree(FIXTURE / "svc", crlf / "svc")
    for file in crlf.rglob("*.py"):
        text = file.read_text(encoding="utf-8").replace("[\n", "[  # rows\n")
        file.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    assert sorted(route_rows(capsys, crlf)) == expected
