"""The table-of-dicts registrations (frameworks/module_tables) are found whatever the line
endings: the per-file text gate once looked for `[{` after removing spaces and `\\n` only, so
a CRLF file (`[\\r\\n{`) or a comment after `[` lost every route of the table."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from backendreview.cli import main

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "routes" / "flask_module_tables"


def _rows(capsys, root: Path) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    code = main(["routes", str(root), "--format", "json", "--jobs", "1"])
    out = capsys.readouterr()
    assert code == 0, out.err
    return sorted((",".join(r["methods"]), r["path"], r["handler"])
                  for r in json.loads(out.out))


def test_crlf_and_commented_tables_keep_their_routes(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    lf = tmp_path / "lf"
    shutil.copytree(FIXTURE / "svc", lf / "svc")
    expected = _rows(capsys, lf)
    assert any(path.startswith("/v2/") for _, path, _ in expected), expected
    crlf = tmp_path / "crlf"
    shutil.copytree(FIXTURE / "svc", crlf / "svc")
    for file in crlf.rglob("*.py"):
        text = file.read_text(encoding="utf-8").replace("[\n", "[  # rows\n")
        file.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    assert _rows(capsys, crlf) == expected
