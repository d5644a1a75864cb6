"""Source rewrites behind exact fixes keep the author's layout: a keyword is added after the
last argument (on its own line when the arguments have one each), an existing keyword gets the
new value instead of a second copy, comments stay where they were; applied inside an indented
block, continuation lines keep their columns."""

from __future__ import annotations

import pytest

from backendreview.analysis.rewrite import dict_with_key, with_keyword, without_keyword
from backendreview.fixes.apply import fix_text
from backendreview.model import Edit, Finding, Fix, Severity, Span


@pytest.mark.parametrize(("source", "expected"), [
    ("requests.get(url)", "requests.get(url, timeout=10)"),
    ("f()", "f(timeout=10)"),
    ("requests.get(url, timeout=None)", "requests.get(url, timeout=10)"),
    ("f(a, b, )", "f(a, b, timeout=10, )"),
    ("f(\n    a,\n    b,  # why b\n)", "f(\n    a,\n    b,  # why b\n    timeout=10,\n)"),
    ("f(\n    a.format(\n        q\n    )\n)", "f(\n    a.format(\n        q\n    ),\n    timeout=10\n)"),
])
def test_with_keyword_keeps_the_layout(source: str, expected: str) -> None:
    assert with_keyword(source, "timeout", "10") == expected


def test_index_false_is_replaced_never_repeated() -> None:
    assert with_keyword('Column(Integer, ForeignKey("a.id"), index=False)', "index", "True") == (
        'Column(Integer, ForeignKey("a.id"), index=True)')


def test_not_a_call_gives_none() -> None:
    assert with_keyword("x + 1", "timeout", "10") is None
    assert dict_with_key("[1]", "exp", "1") is None


def test_dict_with_key_and_without_keyword() -> None:
    assert dict_with_key('{"sub": uid}', "exp", "t") == '{"sub": uid, "exp": t}'
    assert dict_with_key('{"exp": 1}', "exp", "t") is None
    assert dict_with_key("{'sub': uid}", "exp", "t") == "{'sub': uid, 'exp': t}"
    assert dict_with_key('{\n    "sub": uid\n}', "exp", "t") == '{\n    "sub": uid,\n    "exp": t\n}'
    assert without_keyword("jwt.decode(t, k, verify=False)", "verify") == "jwt.decode(t, k)"


def test_a_multi_line_call_in_a_block_keeps_its_columns() -> None:
    text = ("def f(q):\n"
            "    if q:\n"
            "        return requests.get(\n"
            "            build(\n"
            "                q\n"
            "            )\n"
            "        )\n")
    call = "requests.get(\n            build(\n                q\n            )\n        )"
    new = with_keyword(call, "timeout", "10")
    assert new is not None
    finding = Finding("BR501", Severity.WARNING, "no timeout", "a.py", Span(3, 16, 7, 10),
                      fix=Fix("timeout", new, (Edit(Span(3, 16, 7, 10), new),)))
    outcome = fix_text(text, [finding])
    assert outcome.text == ("def f(q):\n"
                            "    if q:\n"
                            "        return requests.get(\n"
                            "            build(\n"
                            "                q\n"
                            "            ),\n"
                            "            timeout=10\n"
                            "        )\n")


def test_replace_in_never_swaps_a_keyword_or_attribute_name() -> None:
    # lnbits: `detail=detail` became `"Internal server error"=detail`, which does not parse.
    from backendreview.analysis.rewrite import replace_in

    assert replace_in("raise HTTPException(status_code=500, detail=detail) from exc",
                      "detail", '"Internal server error"', statement=True) == (
        'raise HTTPException(status_code=500, detail="Internal server error") from exc')
    assert replace_in("return err.detail, detail", "detail", '"E"', statement=True) == (
        'return err.detail, "E"')
