"""BR402's narrow-catch fix (checks/br402_fixes.py) names only a failure the try body lets
reach the handler and that its code shows: review of fixes12 (rev-b, session 12)."""

from __future__ import annotations

from pathlib import Path

from backendreview.config import Config
from backendreview.engine import finish, review_source
from backendreview.metadata import load_rule_docs

ROOT = Path(__file__).resolve().parents[1]


def _found() -> dict[int, object]:
    path = ROOT / "fixtures" / "BR402" / "expected_near_s12.py"
    result = review_source(path.read_bytes(), "BR402/expected_near_s12.py", Config(), ("BR402",))
    findings = finish([result], Config(), ("BR402",), load_rule_docs()).findings
    return {f.span.start_line: f for f in findings if f.rule_id == "BR402"}


def test_a_miss_an_inner_try_answers_is_not_the_expected_failure() -> None:
    found = _found()
    inner = found[22]
    assert "`inner` neither logs nor re-raises" in inner.message
    assert inner.fix.edits == () and 'logger.exception("inner failed")' in inner.fix.suggestion
    # near miss: the inner try catches TimeoutError only; the KeyError reaches the outer one
    other = found[40].fix
    assert other.suggestion == "KeyError" and [e.replacement for e in other.edits] == ["KeyError"]
    assert "`data[\"name\"]` (line 37)" in other.description


def test_a_decode_with_a_runtime_argument_is_not_bytes_decode() -> None:
    found = _found()
    fix = found[51].fix
    assert "UnicodeDecodeError" not in fix.description and fix.edits == ()
    assert 'logger.exception("codec_payload failed")' in fix.suggestion
    # near miss: a bytes decode with a literal encoding and error scheme
    near = found[62].fix
    assert near.suggestion == "UnicodeDecodeError"
    assert [e.replacement for e in near.edits] == ["UnicodeDecodeError"]


def test_an_int_key_of_a_dict_is_a_key_error_of_a_list_an_index_error() -> None:
    found = _found()
    labels = found[74].fix
    assert labels.suggestion == "KeyError" and "`counts[2]` (line 72)" in labels.description
    # near miss: an int index of a list split from the request
    assert found[86].fix.suggestion == "IndexError"


def test_br401_a_status_made_from_the_exception_is_not_replaced_as_its_text() -> None:
    # fixes12's "every local made from the exception" replaced `code = error_code(e)`, the
    # status the route answers with, by "Internal server error" inside the body
    path = ROOT / "fixtures" / "BR401" / "status_local_s12.py"
    result = review_source(path.read_bytes(), "BR401/status_local_s12.py", Config(), ("BR401",))
    found = {f.span.start_line: f for f in finish([result], Config(), ("BR401",),
                                                  load_rule_docs()).findings}
    assert sorted(found) == [14, 25]
    assert found[14].fix.suggestion.endswith(
        'return jsonify({"error": "Internal server error", "code": code}), code')
    # near miss: a text made from the exception beside a literal status is still replaced
    assert found[25].fix.suggestion.endswith(
        'return jsonify({"error": "Internal server error", "detail": "Internal server error"})'
        ', 500')
