from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_PATH = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"


@pytest.fixture(autouse=True)
def _no_result_cache(monkeypatch):
    """Tests that patch a rule must not be answered from a cache an earlier test wrote;
    tests/test_cache.py turns the cache back on where it is the subject."""
    monkeypatch.setenv("BACKENDREVIEW_NO_CACHE", "1")


@pytest.fixture(scope="session")
def sarif_validator():
    import jsonschema

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


@pytest.fixture
def sample_app() -> Path:
    return ROOT / "fixtures" / "sample_app"
