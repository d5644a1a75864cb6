"""GitLab code quality report (the `codequality` artifact of a merge request): a JSON array
of issues with description, check_name, fingerprint, severity and location.path/lines.

The fingerprint is the SARIF one (rule, path and the reported line's text, hashed, with the
occurrence number), so an issue keeps its identity when code above it moves and GitLab shows
only new and fixed issues in the merge request widget."""

from __future__ import annotations

import json

from ..engine import RunResult
from ..metadata import load_rule_docs
from ..model import Severity
from .sarif import fingerprints

# GitLab's levels: info, minor, major, critical, blocker.
SEVERITIES = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.NOTE: "info"}


def render(result: RunResult) -> str:
    docs = load_rule_docs()
    issues = []
    for finding, fingerprint in zip(result.findings,
                                    fingerprints(result.findings, result.sources),
                                    strict=True):
        doc = docs.get(finding.rule_id)
        description = " ".join(finding.message.split())
        if finding.fix is not None:
            description += f" (fix: {finding.fix.description.rstrip('.')})"
        issues.append({
            "type": "issue",
            "check_name": f"{finding.rule_id} {doc.name}" if doc else finding.rule_id,
            "description": description,
            "categories": ["Security"] if doc and doc.security_severity is not None
            else ["Bug Risk"],
            "severity": SEVERITIES[finding.severity],
            "fingerprint": fingerprint.replace(":", "-"),
            "location": {"path": finding.path,
                         "lines": {"begin": finding.span.start_line,
                                   "end": finding.span.end_line}},
        })
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
