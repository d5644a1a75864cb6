"""One line per finding (`path:line:col: BR101 [error] message`), then the closing summary
line: for grep, editors' error parsers and logs that are read rather than looked at."""

from __future__ import annotations

from collections.abc import Iterable

from ..engine import RunResult
from ..model import Finding
from .console import closing_line


def finding_line(finding: Finding) -> str:
    span = finding.span
    message = " ".join(finding.message.split())
    return (f"{finding.path}:{span.start_line}:{span.start_col}: {finding.rule_id} "
            f"[{finding.severity.value}] {message}")


def render(result: RunResult) -> str:
    lines = [finding_line(f) for f in result.findings]
    if result.findings:
        lines.append(closing_line(result))
    else:
        lines.append(f"No findings: {result.files} file(s) reviewed.")
    return "\n".join(lines) + "\n"


def fixes_listing(findings: Iterable[Finding], applied: bool) -> str:
    """--show-fixes: the exact fixes applied by --fix, or those it would apply."""
    fixable = [f for f in findings if f.fix is not None and f.fix.edits]
    head = "Fixed" if applied else "Fixable with --fix"
    if not fixable:
        return f"{head}: none\n"
    out = [f"{head} ({len(fixable)}):"]
    for finding in fixable:
        assert finding.fix is not None
        span = finding.span
        out.append(f"  {finding.path}:{span.start_line}:{span.start_col}: {finding.rule_id} "
                   f"{finding.fix.description}")
        for edit in finding.fix.edits:
            replacement = " ".join(edit.replacement.split()) or "(delete)"
            out.append(f"      line {edit.span.start_line}: -> {replacement}")
    return "\n".join(out) + "\n"
