"""BR401 on fixtures/BR401/response_body_arguments.py: what reaches the client is what the
response constructor sends (DRF `Response(exception=e)` sends nothing of e; Django's
`HttpResponse(reason=e)` sends the status line), and `e.message`-like attributes no built-in
exception has are reported as notes."""

from __future__ import annotations

from pathlib import Path

from backendreview.config import Config
from backendreview.engine import all_rule_ids, finish, review_source
from backendreview.metadata import load_rule_docs
from backendreview.model import Severity

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "BR401" / "response_body_arguments.py"


def _br401() -> dict[int, tuple[Severity, str]]:
    rules = tuple(sorted(all_rule_ids()))
    result = review_source(FIXTURE.read_bytes(), "views.py", Config(), rules)
    findings = finish([result], Config(), rules, load_rule_docs()).findings
    return {f.span.start_line: (f.severity, f.message) for f in findings if f.rule_id == "BR401"}


def test_drf_exception_flag_sends_no_body() -> None:
    got = _br401()
    assert 20 not in got and 47 not in got, got  # Response(status=400, exception=e), positional
    severity, message = got[29]  # Response({"detail": str(e)}, exception=True)
    assert severity is Severity.WARNING and "str(e) reaches Response(...) on line 31" in message


def test_django_reason_is_the_status_line() -> None:
    severity, message = _br401()[69]
    assert severity is Severity.WARNING
    assert "`e` reaches HttpResponse(...) on line 70" in message


def test_attribute_no_builtin_exception_has_is_a_note() -> None:
    got = _br401()
    severity, message = got[92]
    assert severity is Severity.NOTE and "e.message reaches JsonResponse(...)" in message
    assert "raises AttributeError" in message
    assert got[101][0] is Severity.WARNING  # read under hasattr(e, "message")
    assert got[111][0] is Severity.WARNING  # e.args: every exception has it
