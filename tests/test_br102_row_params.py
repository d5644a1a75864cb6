"""BR102 over a parameter (session 16, analysis/program/rowparams.py): a loop over a
parameter walks query rows when every call the program model knows passes the rows of a
query at it (or hands on a parameter its own callers fill so); the message names the caller
and the query. A call passing a list it built, a default, a reference by value (callers out
of sight) leave the rows unshown. Cursor fetch rows of an unbounded SELECT are rows too."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendreview.config import Config
from backendreview.engine import run

from .markers import check_markers, read_markers

PROJECT = Path(__file__).resolve().parents[1] / "fixtures" / "BR102" / "row_params"


def _findings(monkeypatch: pytest.MonkeyPatch, rel: str):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(PROJECT)
    found = run([Path(".")], Config(root=PROJECT, select=("BR102",)), jobs=1).findings
    return {f.span.start_line: f for f in found if f.path == rel}


def _line_of(rel: str, text: str) -> int:
    lines = (PROJECT / rel).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if text in line)


@pytest.mark.parametrize("rel", ["shop/export.py", "shop/fetch.py", "shop/near_misses.py",
                                 "shop/services.py", "shop/views.py", "shop/hidden_calls.py",
                                 "shop/by_value.py", "shop/bound_methods.py",
                                 "shop/dispatch.py", "shop/same_line.py",
                                 "shop/hooks.py", "shop/keyword_only.py",
                                 "shop/init_rows.py"])
def test_markers(monkeypatch: pytest.MonkeyPatch, rel: str) -> None:
    text = (PROJECT / rel).read_text(encoding="utf-8")
    assert read_markers(text) or rel == "shop/views.py"
    assert check_markers(text, list(_findings(monkeypatch, rel).values()), "BR102") == []


def test_rows_named_by_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    found = _findings(monkeypatch, "shop/export.py")
    direct = found[_line_of("shop/export.py", "Every caller passes") + 2]
    assert direct.rule_id == "BR102" and direct.severity.value == "warning"
    assert ("(it depends on `item`; `items` holds the rows of `Item.objects.filter(title=\"x\")` "
            "that `by_kind` passes (views.py:26) (and 1 other call passes query rows too))"
            ) in direct.message
    assert {(r.path, r.span.start_line) for r in direct.related} >= {
        ("shop/views.py", 25), ("shop/views.py", 26)}
    relayed = found[_line_of("shop/export.py", "Its one caller hands on") + 2]
    assert ("`items` holds the rows of `Item.objects.all()` that `relayed` passes "
            "(views.py:30), which `relay` hands on (export.py:27))") in relayed.message
    recursive = found[_line_of("shop/export.py", "The recursive call") + 2]
    assert "that `recursive_view` passes (views.py:47))" in recursive.message


@pytest.mark.parametrize("marker", ["One caller passes a list", "Also registered by value",
                                    "One call takes the default"])
def test_rows_unshown_when_a_call_does_not_pass_them(monkeypatch: pytest.MonkeyPatch,
                                                     marker: str) -> None:
    finding = _findings(monkeypatch, "shop/export.py")[_line_of("shop/export.py", marker) + 2]
    assert finding.severity.value == "warning"
    assert "holds the rows" not in finding.message
    assert "(it depends on `item`);" in finding.message


def test_cursor_fetch_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    found = _findings(monkeypatch, "shop/fetch.py")
    unbounded = found[_line_of("shop/fetch.py", 'FROM item")') + 4]
    assert ("(it depends on `row`; the loop walks the rows `SELECT id, owner_id FROM item` "
            "fetched)") in unbounded.message
    bounded = found[_line_of("shop/fetch.py", "LIMIT 50") + 4]
    assert "fetched)" not in bounded.message and bounded.severity.value == "warning"
    # `fetchmany(5)` hands back five rows at most, not every row the SELECT matched
    few = found[_line_of("shop/fetch.py", "cur.fetchmany(5)") + 2]
    assert "fetched)" not in few.message


def test_call_per_row_of_a_rows_parameter(monkeypatch: pytest.MonkeyPatch) -> None:
    """A call that queries, once per item of a loop over a parameter: reported only when
    every caller passes query rows, the message and related locations naming them."""
    found = _findings(monkeypatch, "shop/services.py")
    line = _line_of("shop/services.py", "out.append(owner_of(item).name)")
    assert sorted(found) == [line]
    finding = found[line]
    assert finding.severity.value == "warning"
    assert finding.message.startswith(
        "`owner_of(...)` runs a query for each row of the loop on line 14 (`items` holds the "
        "rows of `Item.objects.all()` that `labels_view` passes (views.py:51)): ")
    assert ("shop/views.py", 51) in {(r.path, r.span.start_line) for r in finding.related}


def test_every_value_of_the_argument_is_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    """`rows or <query>` (with `rows` a rows parameter in turn), a comprehension that only
    filters rows and a helper that returns every row of a query all pass rows; one
    alternative that is a list the caller built, or a helper's built list, does not."""
    found = _findings(monkeypatch, "shop/export.py")
    every = found[_line_of("shop/export.py", "every value is rows.") + 2]
    active = _line_of("shop/views.py", 'rows = [i for i in Item.objects.all() if i.title]')
    assert ("`items` holds the rows of `Item.objects.all()` that `active_view` passes "
            f"(views.py:{active + 1}) (and 2 other calls pass query rows too))") in every.message
    for marker in ("where `picked` is a list", "returns a list it built"):
        finding = found[_line_of("shop/export.py", marker) + 2]
        assert "holds the rows" not in finding.message
        assert finding.severity.value == "warning"
