"""BR203's fix for a published default the code checks against (`token_secret ==
DEFAULT_TOKEN_SECRET`): keep the constant and refuse to sign with it; an environment read in
its place would break the check. Near miss: the same constant never compared keeps the
`os.environ.get` edit."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

from backendreview.config import Config
from backendreview.engine import run

CONFIG = '''
    import os

    DEFAULT_TOKEN_SECRET = "lightrag-jwt-default-secret-key!"


    def check(token_secret, accounts):
        if accounts and token_secret == DEFAULT_TOKEN_SECRET:
            raise SystemExit("TOKEN_SECRET must be set")
'''


def _finding(tmp_path: Path, monkeypatch, source: str):
    (tmp_path / "config.py").write_text(textwrap.dedent(source), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    findings = run([Path(".")], Config(root=tmp_path, select=("BR203",)), jobs=1).findings
    assert [(f.rule_id, f.span.start_line) for f in findings] == [("BR203", 4)]
    return findings[0]


def test_a_default_the_code_checks_against_is_kept(tmp_path, monkeypatch) -> None:
    fix = _finding(tmp_path, monkeypatch, CONFIG).fix
    assert fix.suggestion is None and fix.edits == ()
    assert fix.description.startswith(
        "`DEFAULT_TOKEN_SECRET` is a known default the code checks the configured secret "
        "against (line 8): keep the constant")


def test_an_unchecked_constant_keeps_the_environment_read(tmp_path, monkeypatch) -> None:
    source = CONFIG.replace("token_secret == DEFAULT_TOKEN_SECRET", "not token_secret")
    fix = _finding(tmp_path, monkeypatch, source).fix
    assert fix.suggestion == 'DEFAULT_TOKEN_SECRET = os.environ.get("DEFAULT_TOKEN_SECRET")'
    ast.parse(fix.suggestion)
