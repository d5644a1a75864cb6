"""The program model's call graph level ("program-calls", what BR201's and BR401's project
halves read): what it keeps and drops against the whole model, how the levels fold into one
collector, cache entries of one level never served to another, and a rule's findings that
do not depend on which other rules are on."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendreview.analysis.program import ProgramModel
from backendreview.config import Config
from backendreview.engine import merge_collectors, needed_collectors, run

_APP = {
    "acct/__init__.py": "",
    "acct/models.py": (
        "from flask_sqlalchemy import SQLAlchemy\n\n"
        "db = SQLAlchemy()\n"
        "QUERY = 'SELECT 1'\n\n"
        "class Account(db.Model):\n"
        "    password = db.Column(db.String(200))\n"
        "    kind = 'plain'\n"),
    "acct/store.py": (
        "from flask import abort\n"
        "from flask_login import current_user\n"
        "from .models import Account, db\n\n"
        "class Store:\n"
        "    def save(self, name, secret):\n"
        "        if current_user is None:\n"
        "            abort(401)\n"
        "        db.session.add(Account(name=name, password=secret))\n"
        "        db.session.commit()\n\n"
        "    def quote(self, value):\n"
        "        return '\"' + value.replace('\"', '\"\"') + '\"'\n\n"
        "class Accounts:\n"
        "    def __init__(self):\n"
        "        self.store = Store()\n\n"
        "    def open(self, name, secret):\n"
        "        self.store.save(name, secret)\n\n"
        "def open_account(name, secret):\n"
        "    return Accounts().open(name, secret)\n\n"
        "def describe(error):\n"
        "    return {'error': str(error)}\n\n"
        "def save_first(name, secret):\n"
        "    store = Store()\n"
        "    store.quote(name)\n"
        "    return store.save(name, secret)\n"),
    "acct/views.py": (
        "from flask import Flask, request\n"
        "from .store import Store, describe, open_account\n\n"
        "app = Flask(__name__)\n\n"
        "@app.route('/accounts', methods=['POST'])\n"
        "def create_account():\n"
        "    store = Store()\n"
        "    for name in ['a', 'b']:\n"
        "        if name:\n"
        "            store.save(name, request.form['password'])\n"
        "    return describe(None)\n\n"
        "@app.route('/logins', methods=['POST'])\n"
        "def create_login():\n"
        "    open_account(request.form['name'], request.form['password'])\n"
        "    return describe(None)\n"),
}


def _run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, collect: tuple[str, ...] = (),
         select: tuple[str, ...] = (), cache: Path | None = None):  # type: ignore[no-untyped-def]
    for name, text in _APP.items():
        target = tmp_path / "src" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path / "src")
    config = Config(root=tmp_path / "src", select=select) if select else \
        Config(root=tmp_path / "src")
    result = run([Path(".")], config, rules=None if select else (), collect=collect, jobs=1,
                 cache_dir=cache)
    assert result.errors == []
    return result


def _model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, level: str,
           cache: Path | None = None) -> ProgramModel:
    return ProgramModel(_run(tmp_path, monkeypatch, collect=(level,), cache=cache)
                        .facts["program"])


def test_the_call_graph_level_keeps_returned_calls_and_drops_effects(tmp_path, monkeypatch):
    full = _model(tmp_path, monkeypatch, "program")
    calls = _model(tmp_path, monkeypatch, "program-calls")
    assert sorted(calls.functions) == sorted(full.functions)
    view, view_full = (m.functions["acct.views.create_account"] for m in (calls, full))
    # Only the call sites whose value is returned (the edges BR401 follows back to routes),
    # at their places and in the whole model's order; the others are not extracted.
    assert [(s.line, s.col, s.text, s.returned) for s in view.calls] == \
        [(s.line, s.col, s.text, s.returned) for s in view_full.calls if s.returned] == \
        [(12, 11, "describe", True)]
    assert [s.text for s in view_full.calls] == ["Store", "store.save", "describe"]
    # A returned call through a local resolves as in the whole model, though the level
    # keeps no local types: they only serve to resolve its call sites.
    helper, helper_full = (m.functions["acct.store.save_first"] for m in (calls, full))
    assert helper_full.local_types == {"store": "acct.store.Store"}
    assert helper.local_types == {}
    # (`Store()` counts as returned: the local it is assigned to is.)
    assert [s.text for s in helper.calls] == ["Store", "store.save"]
    assert [(s.line, s.text) for s in helper.calls] == \
        [(s.line, s.text) for s in helper_full.calls if s.returned]
    assert [t.qualname for t in calls.targets(helper, helper.calls[-1])] == \
        [t.qualname for t in full.targets(helper_full, helper_full.calls[-1])] == \
        ["acct.store.Store.save"]
    # Attribute types set in methods resolve `self.store.save()` at both levels.
    assert calls.classes["acct.store.Accounts"].attr_types == \
        full.classes["acct.store.Accounts"].attr_types == {"store": "acct.store.Store"}
    # ... but no loop or path details, effects, constants or quoting.
    save_full = next(s for s in view_full.calls if s.text == "store.save")
    assert (save_full.loop_line, save_full.loop_literal, save_full.conditional) == \
        (9, True, True)
    stored, stored_full = (m.functions["acct.store.Store.save"] for m in (calls, full))
    assert stored_full.effects and stored.effects == ()
    assert full.functions["acct.store.Store.quote"].quotes
    assert not calls.functions["acct.store.Store.quote"].quotes
    assert full.modules["acct.models"].constants == {"QUERY": "SELECT 1"}
    # Module string constants at every level: route paths are built of them.
    assert calls.modules["acct.models"].constants == {"QUERY": "SELECT 1"}
    assert full.classes["acct.models.Account"].const_attrs == ("kind",)
    assert calls.classes["acct.models.Account"].const_attrs == ()


def test_the_levels_fold_into_the_highest_one_asked_for():
    assert needed_collectors(("BR201",)) == ("program-calls",)
    assert needed_collectors(("BR401",)) == ("program-calls", "routes")
    assert needed_collectors(("BR201", "BR206")) == ("program", "routes")
    assert merge_collectors(("program-classes",), ("program-calls",)) == ("program-calls",)
    assert merge_collectors(("program-calls", "routes"), ("program",)) == ("program", "routes")
    assert merge_collectors(("program-classes", "program-calls", "program")) == ("program",)


def test_call_graph_entries_in_the_cache_are_not_served_to_another_level(tmp_path,
                                                                         monkeypatch):
    cache = tmp_path / "cache"
    first = _model(tmp_path, monkeypatch, "program-calls", cache)
    assert first.functions["acct.store.Store.save"].effects == ()
    full = _model(tmp_path, monkeypatch, "program", cache)
    assert full.functions["acct.store.Store.save"].effects  # reviewed again, not the entry
    classes = _model(tmp_path, monkeypatch, "program-classes", cache)
    assert classes.functions["acct.views.create_account"].calls == ()
    again = _model(tmp_path, monkeypatch, "program-calls", cache)
    assert [s.text for s in again.functions["acct.views.create_account"].calls] == \
        [s.text for s in first.functions["acct.views.create_account"].calls] == ["describe"]


def test_br201_through_a_typed_helper_does_not_depend_on_br401_being_on(tmp_path,
                                                                        monkeypatch):
    def found(select: tuple[str, ...]) -> list[tuple[str, int, str]]:
        result = _run(tmp_path, monkeypatch, select=select)
        return [(f.path, f.span.start_line, f.message) for f in result.findings if f.rule_id == "BR201"]

    alone = found(("BR201",))
    assert alone == found(("BR201", "BR401"))
    assert [(path, line) for path, line, _ in alone] == [("acct/views.py", 16)]
    assert "which calls `Store.save` (store.py:6), which stores it" in alone[0][2]
