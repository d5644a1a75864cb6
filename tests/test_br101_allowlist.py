"""BR101 and values drawn from a fixed set (issue 9): a lookup in a constant mapping, a member
test against a constant that rejects other values, an Enum member's value, and a project
function (another module) that returns only such values, whatever its argument. The near
misses stay findings: a lookup whose default is the input, a member test that only logs, an
allowlist of another variable, a "set" that is request data."""

from __future__ import annotations

from pathlib import Path

from backendreview.config import Config
from backendreview.engine import run

from .projects import one_file_findings

_PROJECT = Path(__file__).resolve().parents[1] / "fixtures" / "BR101" / "allowlist_project"


def _found(code: str) -> list[tuple[int, str, str]]:
    return one_file_findings(code, ("BR000", "BR101"))


def test_member_test_needs_a_fixed_set_that_rejects():
    found = _found("""
        from flask import request
        ALLOWED = ("name", "email")

        def by_constant(conn):
            col = request.args["sort"]
            assert col in ALLOWED
            return conn.execute(f"SELECT * FROM u ORDER BY {col}")

        def by_request(conn):
            col = request.args["sort"]
            if col not in request.args:
                raise ValueError(col)
            return conn.execute(f"SELECT * FROM u ORDER BY {col}")

        def only_logs(conn, log):
            col = request.args["sort"]
            if col not in ALLOWED:
                log.warning("odd column")
            return conn.execute(f"SELECT * FROM u ORDER BY {col}")
    """)
    assert [(line, sev) for line, sev, _ in found] == [(14, "error"), (20, "error")]
    assert all("built with an f-string from `col`" in message for _, _, message in found)


def test_lookup_default_must_be_constant():
    found = _found("""
        from flask import request
        SORT = {"name": "u.name", "age": "u.age"}

        def kept(conn):
            return conn.execute(f"SELECT * FROM u ORDER BY {SORT.get(request.args['s'], 'u.id')}")

        def handed_back(conn):
            key = request.args["s"]
            return conn.execute(f"SELECT * FROM u ORDER BY {SORT.get(key, key)}")
    """)
    assert [(line, sev) for line, sev, _ in found] == [(10, "error")]
    assert "from `SORT.get(key, key)`" in found[0][2]


def test_functions_of_another_module_returning_a_fixed_set(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(_PROJECT)
    findings = run([Path(".")], Config(root=_PROJECT, select=("BR101",), cache=False),
                   jobs=1).findings
    assert sorted((f.path, f.span.start_line, f.severity.value) for f in findings) == [
        ("api/products.py", 34, "error"),  # SORT_FIELDS.get(key, key)
        ("api/products.py", 49, "error"),  # the member test only logs
        ("api/products.py", 57, "error"),  # the allowlist checks another parameter
        ("api/products.py", 71, "error"),  # request data, no allowlist at all
    ]


_BUILDERS = Path(__file__).resolve().parents[1] / "fixtures" / "BR101" / "allowlist_query_builders"


def test_a_builder_returning_an_entry_unpacked_from_a_checked_mapping_is_no_finding(
        monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A query builder's column unpacked from an allowlist held as data (`column, _ =
    VALID_PARAMS[key]` once `key` is checked, or `.get(key, (constant entry))`), returned or
    joined into a clause, is one of the mapping's constants wherever the request's text went
    in: no finding. Checking only a prefix of the key, a fallback to the key itself, or
    unpacking the client's own text leave the request's text in the SQL: errors."""
    monkeypatch.chdir(_BUILDERS)
    found = run([Path(".")], Config(root=_BUILDERS, select=("BR101",), cache=False),
                jobs=1).findings
    got = {f.span.start_line: (f.severity.value, f.message) for f in found
           if f.path == "api/views.py"}
    assert {line: level for line, (level, _) in got.items()} == {
        36: "error", 43: "error", 50: "error", 58: "error"}
    assert got[36][1].startswith("SQL passed to `conn.execute()` is built with an f-string "
                                 "from `order`; a bound parameter cannot carry this part")
