"""BR102, session 14: what a serializer's own code reads from each row.

- A nested serializer whose `to_representation` never calls DRF's builds its output itself:
  its declared fields are not read, and `instance.filters.filter(...)` in it is a query of
  its own that a prefetch of `filters` does not serve — the fix must not suggest that
  prefetch (label-studio data_manager/api.py:237, a wrong fix).
- A `SerializerMethodField`'s method (and a helper of the serializer it hands the row to)
  reads relations of the row: one query each per row unless the list's queryset loads them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from backendreview.config import Config
from backendreview.engine import run
from backendreview.model import Finding

PROJECT = Path(__file__).resolve().parents[1] / "fixtures" / "BR102" / "serializer_code"


def _findings(monkeypatch: pytest.MonkeyPatch) -> dict[str, Finding]:
    """board/views.py's findings by the view class each names first (`Tabs` lists ...),
    checked to sit on that class's queryset line."""
    monkeypatch.chdir(PROJECT)
    found = run([Path(".")], Config(root=PROJECT, select=("BR102",)), jobs=1).findings
    lines = (PROJECT / "board" / "views.py").read_text(encoding="utf-8").splitlines()
    out: dict[str, Finding] = {}
    for finding in found:
        assert finding.path == "board/views.py"
        name = finding.message.split("`")[1]
        start = lines.index(f"class {name}(generics.ListAPIView):")
        queryset = next(i for i in range(start, len(lines))
                        if lines[i].startswith("    queryset = "))
        assert finding.span.start_line == queryset + 1
        out[name] = finding
    return out


def test_a_bypassed_prefetch_is_never_suggested(monkeypatch: pytest.MonkeyPatch) -> None:
    findings = _findings(monkeypatch)
    tabs = findings["Tabs"]
    assert tabs.fix is not None
    assert tabs.fix.suggestion == 'Tab.objects.select_related("filter_group").all()'
    assert "prefetch_related" not in tabs.fix.suggestion
    assert ("FilterGroupSerializer.to_representation runs "
            "`instance.filters.filter(parent__isnull=True)` for each row too") in tabs.message
    assert 'no prefetch of "filter_group__filters" serves' in tabs.fix.description
    # When the override calls super(), the nested field is read and the prefetch serves it.
    plain = findings["PlainTabs"]
    assert plain.fix is not None
    assert plain.fix.suggestion == 'Tab.objects.prefetch_related("filter_group__filters").all()'
    assert "TabsJoined" not in findings  # the join is there; the re-query is not a loader's
    # `ModelSerializer.to_representation(self, instance)` named: DRF's, the fields are read
    named = findings["NamedBaseTabs"]
    assert named.fix is not None
    assert named.fix.suggestion == 'Tab.objects.prefetch_related("filter_group__filters").all()'


def test_method_field_reads_name_the_method_and_the_loader(
        monkeypatch: pytest.MonkeyPatch) -> None:
    findings = _findings(monkeypatch)
    accounts = findings["Accounts"]
    assert "read by AccountSerializer.get_organization_meta" in accounts.message
    assert accounts.fix is not None
    assert accounts.fix.suggestion == (
        'Account.objects.select_related("organization__created_by").all()')
    owners = findings["AccountOwners"]
    assert "read by AccountOwnerSerializer.get_deleted" in owners.message
    assert owners.fix is not None
    assert owners.fix.suggestion == (
        'Account.objects.filter(name__isnull=False).prefetch_related("owner__memberships")')
    assert sorted(findings) == ["AccountOwners", "Accounts", "DelegatingAccounts",
                                "NamedBaseTabs", "PersonAccountCounts",
                                "PersonAccountGuesses", "PlainTabs",
                                "StaticHelperAccounts", "Tabs"]


def test_only_the_reads_drf_runs_count(monkeypatch: pytest.MonkeyPatch) -> None:
    """An own to_representation runs neither a base's override nor the method fields; one
    that reaches DRF's through a helper reads the declared fields; a static helper's row is
    the parameter at the argument's index (review of br102)."""
    findings = _findings(monkeypatch)
    assert "FlatAccounts" not in findings and "OwnAccounts" not in findings
    assert "StaticHelperAccountsJoined" not in findings
    assert "`organization` (nested OrganizationSerializer)" in findings[
        "DelegatingAccounts"].message
    static = findings["StaticHelperAccounts"]
    assert "read by StaticHelperAccountSerializer.get_title" in static.message
    assert "`owner`" not in static.message


def test_a_short_circuiting_generator_is_a_note_and_a_full_list_is_not() -> None:
    from .projects import one_file_findings

    text = (Path(__file__).resolve().parents[1] / "fixtures" / "BR102" / "short_circuits.py"
            ).read_text(encoding="utf-8")
    found = {line: (severity, message) for line, severity, message in one_file_findings(
        text, ("BR102",))}
    assert sorted(found) == [17, 23, 42]
    assert found[17][0] == "note"
    assert found[17][1].endswith("(note: `any()` stops at the first item that matches, so the "
                                 "query runs once per row only when none does)")
    assert found[23][0] == "note"
    assert found[42][0] == "warning"


def test_a_read_of_what_the_iteration_wrote_gets_no_batch_before_the_loop() -> None:
    from .projects import one_file_findings

    text = (Path(__file__).resolve().parents[1] / "fixtures" / "BR102" / "bounded_loops.py"
            ).read_text(encoding="utf-8")
    line = text.splitlines().index(
        "        totals[project_id] = Prediction.objects.filter(project_id=project_id).count()") + 1
    found = {ln: (severity, message) for ln, severity, message in one_file_findings(
        text, ("BR102",))}
    severity, message = found[line]
    assert severity == "note"
    assert "the iteration writes these rows on line" in message
    assert "__in" not in message
    assert message.endswith("(note: a read of what the iteration itself just wrote)")


def test_a_last_read_gets_no_prefetch_it_bypasses(monkeypatch: pytest.MonkeyPatch) -> None:
    """`person.accounts.last()` reverses the prefetched queryset (a clone: a new query), so
    a prefetch of `accounts` is no fix for it; `.count()` is served by one."""
    findings = _findings(monkeypatch)
    assert "PersonLastAccounts" not in findings
    counts = findings["PersonAccountCounts"]
    assert counts.fix is not None
    assert counts.fix.suggestion == 'Person.objects.prefetch_related("accounts").all()'


def test_the_fallback_of_an_annotation_guard_is_not_counted(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """`if hasattr(person, "account_count"): return ...` then `person.accounts.count()`:
    the relation is read only when the list lacks the annotation (this list has it); a
    `hasattr(self, ...)` guard is no such test."""
    findings = _findings(monkeypatch)
    assert "PersonAccountSizes" not in findings
    assert "read by PersonAccountGuessSerializer.get_size" in findings[
        "PersonAccountGuesses"].message
