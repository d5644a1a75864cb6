"""Property tests (issue 15): generated programs through every rule and the program model.

No exception escapes, BR000 appears exactly when `ast` rejects the program, and an exact
fix always gives text that compiles. The normal suite runs a small sample; the nightly-size
run sets BACKENDREVIEW_PROPERTY_EXAMPLES (docs/reliability.md):

    BACKENDREVIEW_PROPERTY_EXAMPLES=10000 python -m pytest -q tests/test_properties.py
"""

from __future__ import annotations

import ast
import keyword
import os
import warnings

import hypothesmith
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backendreview.config import Config
from backendreview.engine import all_rule_ids, finish, review_source
from backendreview.fixes.apply import fix_text
from backendreview.metadata import load_rule_docs

EXAMPLES = int(os.environ.get("BACKENDREVIEW_PROPERTY_EXAMPLES", "6"))
RULES = tuple(sorted(all_rule_ids()))
DOCS = load_rule_docs()
CONFIG = Config()
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 100,
                    suppress_health_check=list(HealthCheck))
# Imports that switch on the framework-specific rules and the route model.
HEADER = ("import sqlite3, logging, hashlib, requests, jwt\n"
          "from fastapi import FastAPI, APIRouter\nfrom flask import Flask, jsonify\n"
          "from django.db import models\nfrom sqlalchemy import Column, text\n")


def _ast_accepts(source: str) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return False
    return True


def _reviewed_cleanly(source: str) -> None:
    result = review_source(source, "generated.py", CONFIG, RULES,
                           collect=("routes", "program"))
    assert result.facts.get("_errors", []) == []
    br000 = [f for f in result.findings if f.rule_id == "BR000"]
    assert bool(br000) == (not _ast_accepts(source)), br000
    # The project phase too: the route model, the program model's summaries, project rules.
    project = finish([result], CONFIG, RULES, DOCS)
    assert project.errors == []


@SETTINGS
@given(hypothesmith.from_grammar())
def test_grammar_generated_programs(source):
    _reviewed_cleanly(source)
    _reviewed_cleanly(HEADER + source)


@SETTINGS
@given(hypothesmith.from_node())
def test_cst_generated_programs(source):
    _reviewed_cleanly(source)
    _reviewed_cleanly(HEADER + source)


NAMES = st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True).filter(
    lambda n: not keyword.iskeyword(n) and not keyword.issoftkeyword(n)
    and n not in {"conn", "sqlite3", "cur", "text", "session"})
SQL = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc"),
                                     blacklist_characters="{}\"'\\%:?$"), max_size=20)
TEMPLATES = (
    'import sqlite3\n\ndef {fn}(conn: sqlite3.Connection, {arg}):\n'
    '    return conn.execute(f"SELECT * FROM t WHERE c = \'{{{arg}}}\' {sql}")\n',
    'import sqlite3\n\ndef {fn}(conn: sqlite3.Connection, {arg}):\n'
    '    cur = conn.cursor()\n    cur.execute("SELECT {sql} FROM t WHERE c = " + {arg})\n',
    'import psycopg2\n\ndef {fn}({arg}):\n    conn = psycopg2.connect("")\n'
    '    conn.cursor().execute("SELECT * FROM t WHERE c = \'%s\' {sql}" % {arg})\n',
    'from sqlalchemy import text\n\ndef {fn}(session, {arg}):\n'
    '    return session.execute(text(f"SELECT * FROM t WHERE c = {{{arg}}} {sql}"))\n',
    'from sqlalchemy import Column, ForeignKey, Integer\n\nclass {fn}:\n'
    '    {arg} = Column(Integer, ForeignKey("t.id"), index=False)\n',
)


@SETTINGS
@given(st.sampled_from(TEMPLATES), NAMES, NAMES, SQL)
def test_exact_fixes_always_compile(template, fn, arg, sql):
    source = template.format(fn=fn, arg=arg, sql=sql)
    _reviewed_cleanly(source)
    result = review_source(source, "generated.py", CONFIG, RULES)
    fixable = [f for f in result.findings if f.fix and f.fix.edits]
    if not fixable:
        return
    # A fix that would not compile is dropped (outcome.dropped), never applied.
    outcome = fix_text(source, fixable, "generated.py")
    if outcome.applied:
        compile(outcome.text, "generated.py", "exec")
