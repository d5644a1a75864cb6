"""BR102 levels (session 15, br102_evidence): a per-row query is a warning unless a reason
of br102_evidence applies; the related rows of one object and a memo filled once per
distinct key are two such reasons, each a note that says so. Rows of rows, a dict filled on
every row and a guard on another key stay warnings."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendreview.config import Config
from backendreview.engine import run

from .markers import check_markers, read_markers

PROJECT = Path(__file__).resolve().parents[1] / "fixtures" / "BR102" / "evidence_levels"
ONE_OBJECT = "(note: the loop walks the related rows of one object (`{}`), as many as that " \
             "object has, not the rows of a list)"
MEMO = "(note: the result is kept in `taxes` and looked up only for keys not in it yet, so " \
       "the query runs once per distinct key, not once per row)"


def _findings(monkeypatch: pytest.MonkeyPatch, rel: str):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(PROJECT)
    found = run([Path(".")], Config(root=PROJECT, select=("BR102",)), jobs=1).findings
    return [f for f in found if f.path == rel]


def _line_of(rel: str, text: str) -> int:
    lines = (PROJECT / rel).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if text in line)


@pytest.mark.parametrize("rel", ["shop/views.py", "shop/models.py", "shop/nested.py",
                                 "shop/memo.py", "shop/calls.py"])
def test_markers(monkeypatch: pytest.MonkeyPatch, rel: str) -> None:
    text = (PROJECT / rel).read_text(encoding="utf-8")
    assert read_markers(text)
    assert check_markers(text, _findings(monkeypatch, rel), "BR102") == []


def test_levels_and_reasons(monkeypatch: pytest.MonkeyPatch) -> None:
    views = {f.span.start_line: f for f in _findings(monkeypatch, "shop/views.py")}
    levels = {line: f.severity.value for line, f in views.items()}
    one = _line_of("shop/views.py", "for line in order.lines.all():") + 2
    assert levels[one] == "note"
    assert views[one].message.endswith(ONE_OBJECT.format("order.lines.all()"))
    memo = [line for line, f in views.items() if "kept in `taxes`" in f.message]
    assert len(memo) == 2
    for line in memo:
        assert levels[line] == "note"
        assert views[line].message.endswith(MEMO)
    warnings = sorted(line for line, level in levels.items() if level == "warning")
    # every order's customer; every order's lines (the lazy load and the query in it);
    # the unguarded dict; the guard on another key
    assert len(warnings) == 5
    for line in warnings:
        assert "(note:" not in views[line].message
    models = _findings(monkeypatch, "shop/models.py")
    assert [(f.severity.value, f.span.start_line) for f in models] == [
        ("note", _line_of("shop/models.py", "names.append(Product"))]
    assert models[0].message.endswith(ONE_OBJECT.format("self.lines.all()"))


# -- review of lv102: the object of "one object's related rows" must be one object -----------
NESTED = "shop/nested.py"


def test_rows_under_another_name_stay_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    """A relation walked inside another loop (through an alias of the row, an attribute of
    it, a tuple target, a `while`) and a view's `self.queryset` are rows of a list, and
    `request.POST.values()` / `config.products.values()` show no relation: the finding
    stays a warning. Only the three loops over one fetched order's lines are notes."""
    found = _findings(monkeypatch, NESTED)
    notes = sorted(f.span.start_line for f in found if f.severity.value == "note")
    text = (PROJECT / NESTED).read_text(encoding="utf-8").splitlines()
    one = [i for i, line in enumerate(text, start=1)
           if "related rows of one object" in line and "ruleid" in line]
    assert notes == [i + 1 for i in one]
    for f in found:
        if f.severity.value == "note":
            assert f.message.endswith((ONE_OBJECT.format("order.lines.all()"),
                                       ONE_OBJECT.format('order.lines.values("product_id")')))
    warnings = [f for f in found if f.severity.value == "warning"]
    assert len(warnings) == 9
    assert all("(note:" not in f.message for f in warnings)


def test_memo_guard_must_hold_for_the_query(monkeypatch: pytest.MonkeyPatch) -> None:
    """A memo is a note only when its guard holds whenever the query runs and the memo
    outlives the iteration: a dict made on every row, a guard under `or`, and the query in
    the `else` branch stay warnings; `enabled and key not in memo` and a nested `if` under
    the guard are notes."""
    found = _findings(monkeypatch, "shop/memo.py")
    levels = sorted((f.span.start_line, f.severity.value) for f in found)
    text = (PROJECT / "shop/memo.py").read_text(encoding="utf-8").splitlines()
    memo = [i + 1 for i, line in enumerate(text, start=1) if "kept in `taxes`" in line]
    every = [i + 1 for i, line in enumerate(text, start=1)
             if "ruleid" in line and "every iteration" in line]
    assert len(memo) == 2 and len(every) == 3
    assert levels == sorted([(line, "note") for line in memo] +
                            [(line, "warning") for line in every])
    for f in found:
        if f.severity.value == "note":
            assert f.message.endswith(MEMO)


def test_one_object_in_a_function_run_per_row(monkeypatch: pytest.MonkeyPatch) -> None:
    """A helper walking its parameter's relation is one object's rows only when no resolved
    caller (directly or two calls up) runs it once per item of a loop."""
    found = _findings(monkeypatch, "shop/calls.py")
    inner = {f.span.start_line: f for f in found if "runs a query on every iteration" in f.message}
    per_row = [_line_of("shop/calls.py", "`list_products` calls this") + 2,
               _line_of("shop/calls.py", "Two calls up") + 2]
    once = _line_of("shop/calls.py", "Called for the one order") + 2
    assert sorted(inner) == sorted([*per_row, once])
    for line in per_row:
        assert inner[line].severity.value == "warning"
        assert "(note:" not in inner[line].message
    assert inner[once].severity.value == "note"
    assert inner[once].message.endswith(ONE_OBJECT.format("order.lines.all()"))
