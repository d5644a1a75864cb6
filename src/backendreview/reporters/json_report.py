"""JSON output: a stable, documented schema (docs/json-schema.md), byte-identical for the
same input."""

from __future__ import annotations

import json
from collections import Counter

from .. import __version__
from ..engine import RunResult

SCHEMA_VERSION = 1


def render(result: RunResult) -> str:
    counts = Counter(f.rule_id for f in result.findings)
    payload = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "backendreview", "version": __version__},
        "summary": {
            "files": result.files,
            "findings": len(result.findings),
            "suppressed": result.suppressed,
            "by_rule": {rule: counts[rule] for rule in sorted(counts)},
            "by_severity": {
                level: sum(1 for f in result.findings if f.severity.value == level)
                for level in ("error", "warning", "note")
            },
        },
        "findings": [f.to_dict() for f in result.findings],
        "errors": list(result.errors),
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
