"""Code that never serves a request (tests, CI/test settings, seed scripts, development
projects, `if __name__ == "__main__":` blocks) is reviewed by no rule; parse errors and the
rules about what ships (secrets, debug) still apply where the issue says so."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from backendreview.analysis.paths import main_guard_lines, never_serves
from backendreview.config import Config
from backendreview.engine import all_rule_ids, finish, review_source
from backendreview.metadata import load_rule_docs

ALL_RULES = tuple(sorted(all_rule_ids()))

N_PLUS_ONE = textwrap.dedent('''\
    from django.db import models


    class Author(models.Model):
        name = models.CharField(max_length=100)


    class Book(models.Model):
        author = models.ForeignKey(Author, on_delete=models.CASCADE)


    def names():
        return [b.author.name for b in Book.objects.all()]
    ''')


def _review(text: str, path: str, config: Config | None = None) -> list[tuple[str, int]]:
    config = config or Config()
    result = review_source(text.encode(), path, config, ALL_RULES)
    findings = finish([result], config, ALL_RULES, load_rule_docs()).findings
    return [(f.rule_id, f.span.start_line) for f in findings]


@pytest.mark.parametrize("path", [
    "tests/test_views.py", "app/tests/factories.py", "conftest.py",
    "netbox/configuration_testing.py", "shop/settings_test.py", "settings/ci.py",
    "app/utils/populate.py", "populate_demo.py", "seeds/users.py", "seed.py",
    "misago/faker/management/commands/createfakefollowers.py",
    "devproject/settings.py", "dev_project/urls.py",
    "setup.py", "flaskbb/themes/aurora/build_emoji_set.py", "assets_build.py", "noxfile.py",
    "fabfile.py", "build.py", "scripts/build.py", "tcms/settings/devel.py",
])
def test_paths_that_never_serve(path: str) -> None:
    assert never_serves(path)


@pytest.mark.parametrize("path", [
    "app/views.py", "shop/settings.py", "netbox/configuration.py", "app/seeding_policy.py",
    "app/contest.py", "app/latest_populated.py", "fixtures/orders.py", "app/developers.py",
    "devproject.py", "app/builder.py", "app/rebuild_index.py", "app/setup_views.py",
    "app/build/views.py", "langflow/api/build.py", "tcms/rpc/api/build.py",
])
def test_paths_that_serve(path: str) -> None:
    assert not never_serves(path)


def test_the_same_loop_is_reported_in_views_and_not_in_tests_or_seed_scripts() -> None:
    assert _review(N_PLUS_ONE, "library/views.py") == [("BR102", 13)]
    assert _review(N_PLUS_ONE, "library/tests/test_views.py") == []
    assert _review(N_PLUS_ONE, "library/populate.py") == []
    assert _review("from faker import Faker\n" + N_PLUS_ONE, "library/data.py") == []


def test_include_tests_option_keeps_test_findings_for_that_rule() -> None:
    config = Config(rule_options=(("BR102", (("include-tests", True),)),))
    assert _review(N_PLUS_ONE, "library/tests/test_views.py", config) == [("BR102", 13)]


def test_main_guard_hides_tool_code_but_not_secrets_debug_or_the_else_branch() -> None:
    text = textwrap.dedent('''\
        import requests
        from flask import Flask

        app = Flask(__name__)

        if __name__ == "__main__":
            requests.get("https://example.org")
            SECRET_KEY = "f8a3kd92jfa83jdk29dk3kd9s0dk3ld"
            app.run(debug=True)
        else:
            requests.get("https://example.org")
        ''')
    assert _review(text, "tool.py") == [("BR203", 8), ("BR210", 9), ("BR501", 11)]


def test_parse_errors_are_reported_in_tests_too() -> None:
    assert _review("def broken(:\n", "tests/test_broken.py") == [("BR000", 1)]


def test_main_guard_lines_spans_the_body_only() -> None:
    tree = ast.parse(textwrap.dedent('''\
        x = 1
        if "__main__" == __name__:
            a = 1

            b = 2
        else:
            c = 3
        if __name__ != "__main__":
            d = 4
        '''))
    assert main_guard_lines(tree) == [(3, 5)]


def test_a_project_living_under_a_tests_directory_is_still_reviewed(tmp_path, monkeypatch):
    """The path policy looks at the path from the project root, not at the directories
    above it: `check /home/me/tests/shop` from elsewhere reviews the shop."""
    from backendreview.config import Config
    from backendreview.engine import run

    project = tmp_path / "tests" / "shop"
    (project / "app").mkdir(parents=True)
    (project / "pyproject.toml").write_text("[tool.backendreview]\n", encoding="utf-8")
    (project / "app" / "db.py").write_text(
        "import sqlite3\n\n\ndef find(c: sqlite3.Cursor, name):\n"
        "    c.execute(f\"SELECT * FROM t WHERE name = '{name}'\")\n", encoding="utf-8")
    (project / "app" / "test_db.py").write_text(
        "import sqlite3\n\n\ndef test_find(c: sqlite3.Cursor, name):\n"
        "    c.execute(f\"SELECT * FROM t WHERE name = '{name}'\")\n", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = run([project], Config(root=project, select=("BR101",)), jobs=1)
    assert [(Path(f.path).name, f.span.start_line, f.rule_id) for f in result.findings] == [
        ("db.py", 5, "BR101")]
