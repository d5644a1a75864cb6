"""Weak evidence is reported as a note with the reason in the message (issue 12, item 4): a
per-row query or a missing timeout in a management command, a command-line or build script,
start-up code, or admin-only code."""

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


    def lookup(ids):
        return [Group.objects.get(pk=n) for n in ids]
    ''')

# The same lookup, once per row of a query rather than per item handed in.
PER_ROW_OF_QUERY = PER_ROW.replace("for n in ids]", "for n in Group.objects.values_list(\"pk\", flat=True)]")

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
    [(line, severity, message)] = _findings(PER_ROW_OF_QUERY, path, "BR102")
    assert (line, severity) == (9, "note")
    assert message.endswith(f"(note: {reason}, not while serving a request)")


@pytest.mark.parametrize("path", ["shop/management/commands/sync.py", "shop/cli.py"])
def test_lookup_per_item_handed_to_a_script_is_not_reported(path: str) -> None:
    # A command walking its arguments, a file or an API response: a sync or import where
    # each item is looked up to be upserted, not a query per stored row.
    assert _findings(PER_ROW, path, "BR102") == []


@pytest.mark.parametrize("loop", ["names.split(',')", "[p.strip() for p in names.split(',')]",
                                  "Group.KINDS", "settings.DEFAULT_GROUPS"])
def test_per_row_query_over_a_fixed_handful_is_not_reported(loop: str) -> None:
    text = "from django.conf import settings\n" + PER_ROW.replace(
        "def lookup(ids):", "def lookup(names):").replace("for n in ids]", f"for n in {loop}]")
    assert _findings(text, "shop/views.py", "BR102") == []


def test_upper_case_attribute_of_a_value_is_not_a_constant() -> None:
    # `request.POST` is spelled like a constant but holds what the client sent.
    text = PER_ROW.replace("def lookup(ids):", "def lookup(request):").replace(
        "for n in ids]", "for n in request.POST.keys()]")
    [(line, severity, _)] = _findings(text, "shop/views.py", "BR102")
    assert (line, severity) == (9, "warning")


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
