"""BR206 severity in the limiters-by-behaviour fixture: a route whose handler checks a
secret, sends mail or reads a credential keeps the rule's error; one that only reads like
authentication (nothing checked, issued or sent, through its calls) is a note saying so."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendreview.config import Config
from backendreview.engine import run
from backendreview.model import Severity

PROJECT = Path(__file__).resolve().parents[1] / "fixtures" / "BR206" / "limiters_by_behaviour"


def _findings(monkeypatch: pytest.MonkeyPatch) -> dict[int, tuple[Severity, str]]:
    monkeypatch.chdir(PROJECT)
    found = run([Path(".")], Config(root=PROJECT, select=("BR206",)), jobs=1).findings
    return {f.span.start_line: (f.severity, f.message) for f in found
            if f.path == "app/routes.py"}


def test_behaviour_keeps_the_error_and_a_name_alone_is_a_note(
        monkeypatch: pytest.MonkeyPatch) -> None:
    got = _findings(monkeypatch)
    # signin (a logging 'check_rate_limit'), sign (verifies a password), login_form
    # (verifies, then redirects), password_reminder (mails per call)
    for line in (36, 59, 74, 100):
        assert got[line][0] is Severity.ERROR, (line, got)
    # limited (a project limiter, a 429 helper), signing, redirects only, signed-in PATCH,
    # and password_hint: named like a password route, its handler does nothing of the kind
    assert not {26, 46, 53, 68, 83, 94} & set(got), got
