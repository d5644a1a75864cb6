"""BR401's exact fix keeps the message the project wrote around the exception and drops only
the exception's part; with nothing written around it, the generic text."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from backendreview.checks.br401_sentence import sentence_without_exception
from backendreview.config import Config
from backendreview.engine import run

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "BR401" / "written_messages.py"


def _rewrite(expression: str) -> str | None:
    """The rewrite of `expression`, where the name `e` is the exception."""
    node = ast.parse(expression, mode="eval").body

    def tainted(sub: ast.AST) -> bool:
        return any(isinstance(n, ast.Name) and n.id == "e" for n in ast.walk(sub))

    return sentence_without_exception(node, tainted, ast.unparse)


@pytest.mark.parametrize(("written", "kept"), [
    ('f"Export failed: {e}"', '"Export failed"'),
    ('f"Export of {name} failed ({e})."', 'f"Export of {name} failed."'),
    ('"Import failed: " + str(e)', '"Import failed"'),
    ('_("Could not save: %s") % e', '_("Could not save")'),
    ('_("Saved %d of %s: %s") % (count, total, e)', '_("Saved %d of %s") % (count, total)'),
    ('"%(object)s not created, error: %(error)s" % {"error": e, "object": kind}',
     '"%(object)s not created" % {\'object\': kind}'),
    ('_("Import of {name} failed: {err}").format(name=name, err=e)',
     '_("Import of {name} failed").format(name=name)'),
    ('gettext("Could not reach {0}").format(e)', 'gettext("Could not reach")'),
    ('"100%% done, then: %s" % e', '"100% done, then"'),
    # a quote closing a quoted name stays; one opening the removed value goes
    ('_("Unexpected error in action \\"{action}\\": {error}").format(action=a, error=e)',
     '_("Unexpected error in action \\"{action}\\"").format(action=a)'),
    ("f\"Could not open '{e}'\"", '"Could not open"'),
    ("f\"Alias '{alias}': {e}\"", 'f"Alias \'{alias}\'"'),
    # a word that only introduced the exception goes with it
    ('f"Failed to delete the file. Please try again. Error: {e}"',
     '"Failed to delete the file. Please try again."'),
    ('f"Unable to add user {m}, for reason - {e}"', 'f"Unable to add user {m}"'),
])
def test_the_sentence_stays_without_the_exception(written: str, kept: str) -> None:
    result = _rewrite(written)
    assert result == kept
    ast.parse(result, mode="eval")


@pytest.mark.parametrize("written", [
    'str(e)',                      # nothing written around it
    'f"{e}"',
    'f"Error: {e}"',               # only a word announcing it
    '"error " + str(e)',
    '"Failed for " + name + str(e)',  # another value joined in: left to the generic text
    'f"Report failed ({type(x).__name__})"',  # no exception inside
])
def test_no_sentence_to_keep(written: str) -> None:
    assert _rewrite(written) is None


def test_the_fixture_keeps_each_written_message(monkeypatch) -> None:
    monkeypatch.chdir(FIXTURE.parent)
    findings = run([Path(FIXTURE.name)], Config(root=FIXTURE.parent, select=("BR401",)),
                   jobs=1).findings
    by_line = {f.span.start_line: f for f in findings}
    assert sorted(by_line) == [21, 42, 63, 72, 91]
    save = by_line[21].fix
    assert save is not None and not save.safe
    assert save.edits[-1].replacement == (
        'logger.exception("save_book failed")\n'
        '        flash(_("Could not save the book"), "error")')
    assert save.description.startswith("Log the exception with its traceback and keep the "
                                       "message written for the user")
    assert "translation catalogs" in save.description
    export = by_line[63].fix
    assert export is not None and export.edits[-1].replacement.endswith(
        'return {"detail": "Export failed"}')
    assert "translation" not in export.description
    bare = by_line[91].fix
    assert bare is not None and bare.edits[-1].replacement.endswith(
        'return {"detail": "Internal server error"}')


RAISED = Path(__file__).resolve().parents[1] / "fixtures" / "BR401" / "raised_user_messages.py"


def test_messages_raised_for_the_user_get_words_not_a_fixed_text(monkeypatch) -> None:
    monkeypatch.chdir(RAISED.parent)
    findings = run([Path(RAISED.name)], Config(root=RAISED.parent, select=("BR401",)),
                   jobs=1).findings
    by_line = {f.span.start_line: f.fix for f in findings}
    assert sorted(by_line) == [32, 42, 52, 94]
    own, called = by_line[32], by_line[42]
    assert own.edits == () and own.description.startswith(
        "The try body raises messages written for the user (line 29: "
        "`raise Exception(_(\"Please complete all fields.\"))`)")
    assert called.edits == () and called.description.startswith(
        "The try body raises messages written for the user (in `check_domain`, line 21: ")
    assert "exception class of the project's own" in called.description
    # near miss: nothing written is raised in the try body: the exact edit
    assert by_line[52].edits and by_line[52].edits[-1].replacement.endswith(
        'flash("Internal server error", category="error")')
    # near miss: the written raise is caught by its own except first: the exact edit
    assert by_line[94].edits and by_line[94].edits[-1].replacement.endswith(
        'flash("Internal server error", category="error")')


def test_a_plain_literal_raise_is_no_user_message(tmp_path, monkeypatch) -> None:
    # Near miss: `raise ValueError("... got response = None")` is an internal failure, not
    # a message marked for the user: the exact edit with the generic text stays.
    source = RAISED.read_text(encoding="utf-8").replace(
        'raise Exception(_("Please complete all fields."))',
        'raise ValueError("Failed to update key got response = None")')
    (tmp_path / "views.py").write_text(source, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    findings = run([Path("views.py")], Config(root=tmp_path, select=("BR401",)),
                   jobs=1).findings
    fix = {f.span.start_line: f.fix for f in findings}[32]
    assert fix.edits and fix.edits[-1].replacement.endswith(
        'flash("Internal server error", category="error")')
