"""What a file is for, judged from its path: tests, examples, development settings.

Security rules about configuration (secrets, debug, weak hashers) hold for code that ships to
production. Test suites and their settings routinely use fixed keys, DEBUG and fast MD5
hashers on purpose; examples and docs show placeholders. Those files are not reported.
"""

from __future__ import annotations

import re
from functools import lru_cache

# A top-level `fixtures/` holds data (Django fixtures, sample projects), so it is not a test
# directory by itself; `tests/fixtures/...` is covered by `tests`.
_TEST_PART = re.compile(r"^(?:tests?|testing|test_?utils|testsuite|conftest\.py"
                        r"|test_.*|.*_tests?\.py|tests?\.py|.*_test_settings\.py)$")
_EXAMPLE_PART = re.compile(r"^(?:examples?|docs?|samples?|demos?|tutorials?|docs_src"
                           r"|.*_example\.py|example_.*\.py|sample_.*\.py)$")
_DEV_SETTINGS = re.compile(r"^(?:settings_)?(?:dev|develop|development|local|test|testing"
                           r"|ci|debug)(?:_settings)?\.py$")


def _parts(path: str) -> list[str]:
    return [p for p in path.replace("\\", "/").lower().split("/") if p]


@lru_cache(maxsize=4096)
def is_test_path(path: str) -> bool:
    return any(_TEST_PART.match(part) for part in _parts(path))


def is_example_path(path: str) -> bool:
    return any(_EXAMPLE_PART.match(part) for part in _parts(path))


def is_non_production(path: str) -> bool:
    """Tests, examples, docs, and settings modules named for development or testing."""
    parts = _parts(path)
    if not parts:
        return False
    return is_test_path(path) or is_example_path(path) or bool(_DEV_SETTINGS.match(parts[-1]))
