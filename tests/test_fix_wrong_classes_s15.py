"""Fix texts of the classes the tuning half's labels judge wrong in session 15 (issue 13):
each case asserts the text written now beside a near miss where the old text stays right.

- BR501: a call that waits for a language model's reply or an action's run (`/chat`,
  `?blocking=true` on a POST, a module under `local_llm/`) gets words on choosing a long
  read bound, not `timeout=10` (khoj helpers.py:2224, letta local_llm/utils.py:24,
  skypilot vpc_provider.py:816).
- BR401: a handler that exists to report on the client's input (validate, render, preview
  in its name) gets words on answering the input's errors with their text (langflow
  validate.py:61, nautobot RenderJinjaView).
- BR102: the read-after-own-write text needs a write to the rows read (review of br102).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from backendreview.model import Finding

from .projects import project_findings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _by_line(path: Path, rule: str, monkeypatch: pytest.MonkeyPatch) -> dict[int, Finding]:
    found = project_findings(path.parent, {}, rule, monkeypatch)
    return {f.span.start_line: f for f in found if f.path.endswith(path.name)}


def _line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if text in line)


def test_br501_a_long_wait_gets_words_and_an_ordinary_call_the_edit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clients = (FIXTURES / "BR501" / "clients.py").read_text(encoding="utf-8")
    (tmp_path / "clients.py").write_text(clients, encoding="utf-8")
    llm = tmp_path / "app" / "local_llm"
    llm.mkdir(parents=True)
    (llm / "utils.py").write_text("import requests\n\n\ndef post(uri, payload):\n"
                                  "    return requests.post(uri, json=payload)\n",
                                  encoding="utf-8")
    found = project_findings(tmp_path, {}, "BR501", monkeypatch)
    by_line = {(Path(f.path).name, f.span.start_line): f for f in found}
    path = tmp_path / "clients.py"
    chat = by_line[("clients.py", _line_of(path, "return requests.post(url, json={})"))]
    assert chat.fix is not None and not chat.fix.edits and chat.fix.suggestion is None
    assert chat.fix.description.startswith(
        "Pass a timeout, but not a short one: the URL names `/chat`, so the answer comes only "
        "when the upstream's work is done")
    run = by_line[("clients.py", _line_of(path, "?blocking=true\", json={})"))]
    assert run.fix is not None and "the URL names `blocking=true`" in run.fix.description
    assert not run.fix.edits
    model = by_line[("utils.py", 5)]
    assert model.fix is not None and not model.fix.edits
    assert "this module talks to a language model server" in model.fix.description
    # Near misses: a word that only starts with "chat", and the PUT of an action's
    # definition, keep the ten-second edit.
    for text in ("chatsettings", "overwrite=true"):
        near = by_line[("clients.py", _line_of(path, text))]
        assert near.fix is not None and near.fix.edits
        assert near.fix.suggestion is not None and near.fix.suggestion.endswith(
            "timeout=10)")
        ast.parse(near.fix.suggestion)


def test_br401_an_endpoint_that_reports_on_its_input_gets_words(
        monkeypatch: pytest.MonkeyPatch) -> None:
    path = FIXTURES / "BR401" / "input_reports.py"
    found = _by_line(path, "BR401", monkeypatch)
    validate = found[_line_of(path, "except Exception as e:")]
    assert validate.fix is not None and not validate.fix.edits
    assert validate.fix.description.startswith(
        "`post_validate_prompt` has `validate` in its name, and the try body hands what the "
        "client sent to `process_prompt_template` (line 34): if the endpoint exists to report "
        "on that input")
    assert "answer them with their message and a 4xx status" in validate.fix.description
    preview = [f for f in found.values() if f.fix.description.startswith(
        "`preview` has `preview` in its name, and the try body hands what the client sent")]
    assert len(preview) == 1
    # Near misses: a validate endpoint whose try body does not judge the input, and an
    # ordinary write of the input, keep the exact edit.
    edited = sorted(line for line, f in found.items() if f.fix.edits)
    assert len(edited) == 6
    for line in edited:
        assert found[line].fix.suggestion.endswith(
            'raise HTTPException(status_code=500, detail="Internal server error") from e')


def test_br102_a_write_to_other_rows_of_the_model_keeps_the_batch_text() -> None:
    from .projects import one_file_findings

    path = FIXTURES / "BR102" / "bounded_loops.py"
    text = path.read_text(encoding="utf-8")
    found = {line: message for line, _, message in one_file_findings(text, ("BR102",))}
    moved = found[_line_of(path, "totals[new] = Prediction.objects.filter(project_id=new)")]
    assert "fetch the rows for all iterations with one query before the loop" in moved
    assert "the iteration writes these rows" not in moved
    cleared = _line_of(path, "def clear_groups") + 6
    assert f"the iteration writes these rows on line {cleared - 3} before it reads them" in \
        found[cleared]


def test_br401_a_401_around_work_that_checks_no_credentials_is_a_channel(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """changedetection's browser steps answer each failure (a bad URL, a step's selector not
    found) with a 401 their page shows: nothing there checks who the caller is, so the text
    must not call it a refused authentication. Near miss: a 401 around a token check."""
    from .test_br401_client_fixes import _finding

    answer = 'raise HTTPException(status_code=401, detail=f"failed: {e}")'
    finding = _finding(tmp_path, monkeypatch, answer=answer, body="return await work(payload)")
    assert finding.fix.edits == ()
    assert finding.fix.description.startswith(
        "This answers a 401, but nothing in the try body checks credentials: the status "
        "carries this endpoint's failures to its client, not a refused authentication.")
    assert "refused authentication)" not in finding.fix.description
    near = _finding(tmp_path, monkeypatch, answer=answer,
                    body="return await check_login(payload)")
    assert near.fix.description.startswith("This answers a 401 (a refused authentication)")
