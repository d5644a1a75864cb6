"""Weak evidence is reported as a note with the reason in the message (issue 12, item 4): a
per-row query or a missing timeout in a management command, a command-line or build script,
start-up code, a loop over a constant or one string's parts, or admin-only code."""

from __future__ import annotations

import textwrap

import pytest

from backendreview.config import Config
from backendreview.engine import all_rule_ids, finish, review_source
from backendreview.metadata import load_rule_docs

ALL_RULES = tuple(sorted(all_rule_ids()))

PER_ROW = textwrap.dedent('''\
    from django.db import models


    class Group(models.Model):
        name = models.CharField(max_length=100)


    def lookup(names):
        return [Group.objects.get(name=n) for n in names]
    ''')

FETCH = textwrap.dedent('''\
    import requests


    def latest():
        return requests.get("https://pypi.org/pypi/example/json").json()
    ''')


def _findings(text: str, path: str, rule: str) -> list[tuple[int, str, str]]:
    result = review_source(text.encode(), path, Config(), ALL_RULES)
    findings = finish([result], Config(), ALL_RULES, load_rule_docs()).findings
    return [(f.span.start_line, f.severity.value, f.message) for f in findings
            if f.rule_id == rule]


def test_per_row_query_in_a_view_keeps_its_severity() -> None:
    [(line, severity, message)] = _findings(PER_ROW, "shop/views.py", "BR102")
    assert (line, severity) == (9, "warning")
    assert "(note: " not in message


@pytest.mark.parametrize("path, reason", [
    ("shop/management/commands/sync.py", "it runs in a management command"),
    ("shop/cli.py", "it runs in a command-line or build script"),
    ("scripts/import_groups.py", "it runs in a command-line or build script"),
])
def test_per_row_query_in_a_script_is_a_note_that_says_why(path: str, reason: str) -> None:
    [(line, severity, message)] = _findings(PER_ROW, path, "BR102")
    assert (line, severity) == (9, "note")
    assert message.endswith(f"(note: {reason}, not while serving a request)")


def test_per_row_query_over_one_strings_parts_is_a_note() -> None:
    text = PER_ROW.replace("for n in names]", "for n in names.split(',')]")
    [(line, severity, message)] = _findings(text, "shop/views.py", "BR102")
    assert (line, severity) == (9, "note")
    assert "the loop goes over the parts of one string" in message


@pytest.mark.parametrize("path, severity", [
    ("shop/views.py", "warning"),
    ("manage.py", "note"),
    ("tools/release.py", "note"),
    ("shop/admin/versioncheck.py", "note"),
    ("shop/admin.py", "warning"),  # an admin.py module registers models; its code is not admin-only
])
def test_missing_timeout_severity_by_where_the_code_runs(path: str, severity: str) -> None:
    [(line, got, _)] = _findings(FETCH, path, "BR501")
    assert (line, got) == (5, severity)


@pytest.mark.parametrize("path", ["setup.py", "build_assets.py", "theme/build_emoji_set.py"])
def test_missing_timeout_in_a_build_script_is_not_reported(path: str) -> None:
    """Build and packaging scripts never run in the deployed service (analysis/paths.py)."""
    assert _findings(FETCH, path, "BR501") == []
    assert len(_findings(FETCH, "shop/views.py", "BR501")) == 1


def test_missing_timeout_at_import_time_is_a_note() -> None:
    text = "import requests\n\nVERSION = requests.get('https://example.org/v').text\n"
    [(line, severity, message)] = _findings(text, "shop/version.py", "BR501")
    assert (line, severity) == (3, "note")
    assert "it runs once, when the module is imported" in message
