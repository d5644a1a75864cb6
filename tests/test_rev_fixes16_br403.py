"""BR403 near miss of the session-16 fix (merge 961c00e): the fix lists every secret of the
call, and a name built on a found one's (`api_key_from_vault`) counts, but not one that
names something about the secret (`api_key_id`, `password_length`)."""

from __future__ import annotations

import ast

import pytest

from .projects import project_findings

_LOGS = """\
import logging

logger = logging.getLogger(__name__)


def rotate(api_key, api_key_id, password, password_length, client):
    logger.info("rotated key %s (id %s)", api_key, api_key_id)
    logger.info("pw %s of %d characters", password, password_length)
    api_key_from_vault = client.read()
    logger.info("wrote %s read %s", api_key, api_key_from_vault)
"""


def test_br403_fix_names_no_identifier_of_the_secret_as_a_secret(
        tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    findings = project_findings(tmp_path, {"app/__init__.py": "", "app/svc.py": _LOGS},
                                "BR403", monkeypatch)
    fixes = {f.span.start_line: f.fix for f in findings if f.rule_id == "BR403"}
    assert fixes[7].suggestion == "logger.info(...)  # without api_key"
    assert fixes[7].description.endswith("instead of the secret.")
    assert fixes[8].suggestion == "logger.info(...)  # without password"
    # Near miss: the value read back under a name built on the key's is the key again.
    assert fixes[10].suggestion == "logger.info(...)  # without api_key, api_key_from_vault"
    for fix in fixes.values():
        ast.parse(fix.suggestion)
