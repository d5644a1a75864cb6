"""What a file is for, judged from its path: tests, examples, development settings, seed
scripts.

Security rules about configuration (secrets, debug, weak hashers) hold for code that ships to
production. Test suites and their settings routinely use fixed keys, DEBUG and fast MD5
hashers on purpose; examples and docs show placeholders. Those files are not reported.

Code that never serves a request (test suites, CI/test settings modules, seed and populate
scripts, build and packaging scripts, `if __name__ == "__main__":` tools) is not reviewed by
any rule: a loop, a query or a timeout there costs a developer a few seconds, not a user a
request. The engine applies that policy to every rule (`never_serves` and `main_guard_lines`).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from ..model import Finding

# A top-level `fixtures/` holds data (Django fixtures, sample projects), so it is not a test
# directory by itself; `tests/fixtures/...` is covered by `tests`.
_TEST_PART = re.compile(r"^(?:tests?|testing|test_?utils|testsuite|conftest\.py"
                        r"|test_.*|.*_tests?\.py|tests?\.py|.*_test_settings\.py"
                        r"|.*_testing\.py"
                        # A pytest plugin shipped in the package (`pulpcore/pytest_plugin.py`)
                        # holds fixtures for test suites: test code, whatever package it is in.
                        r"|pytest_plugins?\.py|pytest_\w+\.py)$")
_EXAMPLE_PART = re.compile(r"^(?:examples?|docs?|samples?|demos?|tutorials?|docs_src"
                           r"|.*_example\.py|example_.*\.py|sample_.*\.py)$")
# Seed and populate scripts fill a development database (often with Faker); a `faker/`
# package holds the management commands that do it.
_SEED_PART = re.compile(r"^(?:populate(?:_.*)?\.py|seed(?:s|_.*)?(?:\.py)?|faker)$")
# Build and packaging scripts run on a developer's or CI machine, never in the deployed
# service: `setup.py`, `build_emoji_set.py`, `assets_build.py`, `noxfile.py`, `fabfile.py`.
_BUILD_PART = re.compile(r"^(?:setup\.py|build(?:_\w+)?\.py|\w+_build\.py|noxfile\.py"
                         r"|fabfile\.py)$")
# A bare `build.py` inside a package is as often the app's own `build` module (an API router
# for builds, an RPC namespace, a CLI command) as a script; it is a build script only at the
# project root or in a directory that holds scripts.
_SCRIPT_DIRS = frozenset({"scripts", "script", "tools", "ci", "bin", "dev"})
# A project directory that exists to run the package in development or CI.
_DEV_PROJECT_PART = re.compile(r"^(?:dev_?project|devsite)$")
_DEV_SETTINGS = re.compile(r"^(?:settings_)?(?:dev|devel|develop|development|local|test|testing"
                           r"|ci|debug)(?:_settings)?\.py$")


def _parts(path: str) -> list[str]:
    return [p for p in path.replace("\\", "/").lower().split("/") if p]


@lru_cache(maxsize=4096)
def is_test_path(path: str) -> bool:
    return any(_TEST_PART.match(part) for part in _parts(path))


def is_example_path(path: str) -> bool:
    return any(_EXAMPLE_PART.match(part) for part in _parts(path))


_MIGRATION_PATH = re.compile(r"(^|/)(migrations|alembic|versions)/")


def is_migration_path(path: str) -> bool:
    """Django `migrations/`, alembic `alembic/` and `versions/` directories."""
    return bool(_MIGRATION_PATH.search(path.replace("\\", "/")))


def is_seed_path(path: str) -> bool:
    return any(_SEED_PART.match(part) for part in _parts(path))


@lru_cache(maxsize=4096)
def never_serves(path: str) -> bool:
    """Test suites, CI/test settings modules, development projects, seed and build
    scripts."""
    parts = _parts(path)
    return bool(parts) and (is_test_path(path) or is_seed_path(path)
                            or _is_build_script(parts)
                            or any(_DEV_PROJECT_PART.match(part) for part in parts[:-1])
                            or bool(_DEV_SETTINGS.match(parts[-1])))


def _is_build_script(parts: list[str]) -> bool:
    if not _BUILD_PART.match(parts[-1]):
        return False
    return parts[-1] != "build.py" or len(parts) == 1 or parts[-2] in _SCRIPT_DIRS


def main_guard_lines(tree: ast.Module) -> list[tuple[int, int]]:
    """Line ranges of top-level `if __name__ == "__main__":` bodies: a script's tool code."""
    ranges = []
    for node in tree.body:
        if isinstance(node, ast.If) and _is_main_test(node.test) and node.body:
            ranges.append((node.body[0].lineno, node.body[-1].end_lineno or node.body[-1].lineno))
    return ranges


def _is_main_test(test: ast.expr) -> bool:
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1
            and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = (test.left, test.comparators[0])
    return (any(isinstance(s, ast.Name) and s.id == "__name__" for s in sides)
            and any(isinstance(s, ast.Constant) and s.value == "__main__" for s in sides))


def is_non_production(path: str) -> bool:
    """Tests, examples, docs, seed scripts, and settings or projects for development/CI."""
    return never_serves(path) or is_example_path(path)


# Rules about what ships with the code, request or not: a hardcoded secret or a debug switch
# in a script's main block is still there for whoever runs it.
_HOLDS_IN_TOOLS = frozenset({"BR000", "BR203", "BR210"})


@dataclass(frozen=True)
class ToolCode:
    """Where a file's code never serves a request: all of it, or its main-guard blocks."""

    whole_file: bool = False
    guards: tuple[tuple[int, int], ...] = ()

    def __bool__(self) -> bool:
        return self.whole_file or bool(self.guards)


def tool_code(path: str, tree: ast.Module | None, seeds_data: bool) -> ToolCode:
    """`seeds_data`: the file imports Faker, so it generates fixture data."""
    if never_serves(path) or seeds_data:
        return ToolCode(whole_file=True)
    return ToolCode(guards=tuple(main_guard_lines(tree)) if tree is not None else ())


def serves_requests(finding: Finding, tool: ToolCode,
                    wants_tests: Callable[[str], bool]) -> bool:
    """Whether a finding concerns code that serves requests (see the module docstring).

    `wants_tests(rule)`: the rule's `include-tests` option asks for test code too. Parse errors
    always stay."""
    rule = finding.rule_id
    if not tool or rule == "BR000" or wants_tests(rule):
        return True
    if tool.whole_file:
        return False
    line = finding.span.start_line
    return rule in _HOLDS_IN_TOOLS or not any(a <= line <= b for a, b in tool.guards)
