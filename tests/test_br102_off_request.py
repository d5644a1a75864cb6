"""BR102 off the request path: a query per row in code that only a management command, a
background task, a command-line command or an upgrade step runs (itself, or through every
chain of its callers) is a note that names them; code a view also runs, code nothing calls
and code only tests call stays a warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendreview.analysis.program.entries import entry_kind, offline_entries
from backendreview.config import Config
from backendreview.engine import run

from .markers import check_markers, read_markers
from .projects import program_model

PROJECT = Path(__file__).resolve().parents[1] / "fixtures" / "BR102" / "off_request"


def _by_line(monkeypatch: pytest.MonkeyPatch) -> dict[tuple[str, int], tuple[str, str]]:
    monkeypatch.chdir(PROJECT)
    findings = run([Path(".")], Config(root=PROJECT, select=("BR102",)), jobs=1).findings
    return {(f.path, f.span.start_line): (f.severity.value, f.message) for f in findings}


def test_off_request_code_is_a_note_that_names_what_runs_it(monkeypatch):
    found = _by_line(monkeypatch)
    notes = {key: message for key, (severity, message) in found.items() if severity == "note"}
    assert sorted(notes) == [("shop/admin_cli.py", 18), ("shop/admin_cli.py", 25),
                             ("shop/forms.py", 19), ("shop/jobs.py", 14), ("shop/jobs.py", 27),
                             ("shop/loose.py", 8), ("shop/services.py", 13), ("shop/services.py", 44),
                             ("shop/upgrade.py", 14)]
    assert notes[("shop/services.py", 13)].endswith(
        "(note: it runs only in a management command (`Command.handle` in exportbooks.py) "
        "and a background task (`nightly_export` in tasks.py), not while serving a request)")
    # The per-row query found in the file phase is judged in the project phase.
    assert "`get_object_or_404()` runs a query" in notes[("shop/services.py", 44)]
    assert "background task (`check_reviews` in tasks.py)" in notes[("shop/services.py", 44)]


def test_code_a_view_nothing_or_only_tests_call_stays_a_warning(monkeypatch):
    found = _by_line(monkeypatch)
    for key in [("shop/services.py", 22), ("shop/services.py", 29), ("shop/services.py", 35),
                ("shop/services.py", 53), ("shop/admin_cli.py", 41),
                ("shop/forms.py", 27), ("shop/loose.py", 15), ("shop/loose.py", 20)]:
        severity, message = found[key]
        assert severity == "warning", key
        assert "(note:" not in message


def test_entry_points_by_declaration(tmp_path, monkeypatch):
    model = program_model(tmp_path, {
        "jobs/__init__.py": "",
        "jobs/queue.py": "from celery import Celery\napp = Celery('x')\n",
        "jobs/work.py": (
            "import click\n"
            "from django.core.management.base import BaseCommand\n"
            "from celery import shared_task\n"
            "from jobs.queue import app\n\n"
            "class Base(BaseCommand):\n    pass\n\n"
            "class Command(Base):\n    def handle(self):\n        helper()\n\n"
            "@shared_task\ndef one():\n    helper()\n\n"
            "@app.task\ndef two():\n    pass\n\n"
            "@click.command()\ndef three():\n    pass\n\n"
            "def helper():\n    pass\n\n"
            "def view(request):\n    helper()\n\n"
            "def only_from_task():\n    pass\n\n"
            "@shared_task\ndef four():\n    only_from_task()\n\n"
            "from rq.decorators import job\n"
            "from somewhere import registry\n\n"
            "@job('default')\ndef five():\n    pass\n\n"
            "@registry.task\ndef six():\n    pass\n"),
    }, monkeypatch)
    fn = model.functions
    assert entry_kind(model, fn["jobs.work.Command.handle"]) == "management command"
    assert entry_kind(model, fn["jobs.work.one"]) == "background task"
    assert entry_kind(model, fn["jobs.work.two"]) == "background task"
    assert entry_kind(model, fn["jobs.work.three"]) == "command-line command"
    assert entry_kind(model, fn["jobs.work.five"]) == "background task"
    # `.task` of an object no task queue made: nothing says what runs it.
    assert entry_kind(model, fn["jobs.work.six"]) is None
    assert entry_kind(model, fn["jobs.work.helper"]) is None
    assert entry_kind(model, fn["jobs.work.view"]) is None
    # `helper` is also called by `view`, which nothing calls: unknown, so not off-request.
    assert offline_entries(model, fn["jobs.work.helper"], lambda f: None) is None
    [(entry, kind)] = offline_entries(model, fn["jobs.work.only_from_task"], lambda f: None)
    assert (entry.qualname, kind) == ("jobs.work.four", "background task")
    # A route handler on the way keeps the function on the request path.
    served = fn["jobs.work.four"]
    assert offline_entries(model, fn["jobs.work.only_from_task"], lambda f: None,
                           serving=[(served.path, served.line)]) is None


def test_framework_dispatch_entries_markers(monkeypatch):
    """A job handed to a scheduler (and a function nested in one) is a note naming it; a
    class-based view's hook, `add_job` of an object no scheduler made, and a job a view
    also calls directly leave warnings."""
    monkeypatch.chdir(PROJECT)
    findings = [f for f in run([Path(".")], Config(root=PROJECT, select=("BR102",)),
                               jobs=1).findings if f.path == "shop/jobs.py"]
    text = (PROJECT / "shop" / "jobs.py").read_text(encoding="utf-8")
    assert len(read_markers(text)) == 6
    assert check_markers(text, findings, "BR102") == []
    levels = sorted((f.span.start_line, f.severity.value) for f in findings)
    assert [level for _, level in levels] == ["note", "note", "warning", "warning", "warning",
                                              "warning"]
    # `refresh_shelf` is handed to a scheduler and called by the view `refresh`: it runs
    # while serving a request too
    lines = text.splitlines()
    shelf = lines.index("def refresh_shelf():") + 1
    assert (shelf + 4, "warning") in levels
    assert lines[shelf + 3].strip() == "print(book.author.name)"
