"""BR203 on an API key by its name (flexget's TMDB key): a note whose fix changes no code,
since an environment read in place of a shipped application key turns the service off for
every install. Near miss: a key in a vendor's secret-key format keeps the error and the edit."""

from __future__ import annotations

import textwrap

from backendreview.config import Config
from backendreview.engine import finish, review_source
from backendreview.metadata import load_rule_docs
from backendreview.model import Severity

from .projects import one_file_findings

CODE = """
    API_KEY = "bdfc018dbdb7c243dc7cb1454ff74b95"
    OPENAI_API_KEY = "sk-proj-4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c"


    def headers():
        return {"apikey": "4D297D8CFDE0E105aa"}
"""


def test_client_key_is_a_note_without_an_edit() -> None:
    result = review_source(textwrap.dedent(CODE).encode(), "case.py", Config(), ("BR203",))
    findings = sorted(finish([result], Config(), ("BR203",), load_rule_docs()).findings,
                      key=lambda f: f.span.start_line)
    assert [(f.span.start_line, f.severity) for f in findings] == [
        (2, Severity.NOTE), (3, Severity.ERROR), (7, Severity.NOTE)]
    key, secret, header = findings
    assert key.message.startswith("hardcoded API key for `API_KEY` (note: a key the code sends")
    assert header.message.startswith("hardcoded API key for `apikey`")
    for note in (key, header):
        assert note.fix is not None and note.fix.edits == () and note.fix.suggestion is None
        assert "nothing needs to change" in note.fix.description
    assert secret.message.startswith("hardcoded secret for `OPENAI_API_KEY`")
    assert secret.fix is not None and "os.environ" in (secret.fix.suggestion or "")


def test_one_file_helper_agrees() -> None:
    assert [line for line, _, _ in one_file_findings(CODE, ("BR203",))] == [2, 3, 7]
