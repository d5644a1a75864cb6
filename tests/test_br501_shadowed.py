"""BR501 does not report calls in a module file that a package of the same name shadows:
Python imports the package, so the file's code never runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from .projects import program_model, project_findings

CALL = """
    import requests


    def fetch(url):
        return requests.get(url)
"""


def test_module_shadowed_by_package_is_not_reported(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    findings = project_findings(tmp_path, {
        "app/__init__.py": "",
        # dead: `import app.providers` loads the package below
        "app/providers.py": CALL,
        "app/providers/__init__.py": CALL,
        # a directory without __init__.py is a namespace portion: the module file wins
        "app/plugins.py": CALL,
        "app/plugins/extra.py": CALL,
        "app/client.py": CALL,
    }, "BR501", monkeypatch)
    assert sorted((f.rule_id, f.path, f.span.start_line) for f in findings) == [
        ("BR501", "app/client.py", 6),
        ("BR501", "app/plugins.py", 6),
        ("BR501", "app/plugins/extra.py", 6),
        ("BR501", "app/providers/__init__.py", 6),
    ]
    assert all("`requests.get` has no timeout" in f.message for f in findings)


def test_program_model_resolves_the_package_over_the_module(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    program = program_model(tmp_path, {
        "app/__init__.py": "",
        "app/providers.py": "class Provider:\n    pass\n",
        "app/providers/__init__.py": "class Provider:\n    pass\n",
    }, monkeypatch)
    module = program.module_of("app.providers")
    assert module is not None and module.path == "app/providers/__init__.py"
    provider = program.class_of("app.providers.Provider")
    assert provider is not None and provider.path == "app/providers/__init__.py"
    assert program.shadowed("app/providers.py")
    assert not program.shadowed("app/providers/__init__.py")
