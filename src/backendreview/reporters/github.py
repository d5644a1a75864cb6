"""GitHub Actions workflow commands: one `::error` / `::warning` / `::notice` line per finding,
which the runner turns into annotations on the pull request's changed files.

    ::error file=app/db.py,line=4,endLine=4,col=12,endColumn=73,title=BR101 raw-sql::SQL ...

Escaping follows @actions/core: in the message `%`, CR and LF become `%25`, `%0D`, `%0A`; in
property values `:` and `,` also become `%3A` and `%2C` (they delimit properties). GitHub
rejects `col`/`endColumn` when the annotation spans several lines, so those are left out then.
GitHub shows at most 10 annotations per level per step: the action writes the complete table to
the step summary as well (see `github_action.py`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ..engine import RunResult
from ..metadata import load_rule_docs
from ..model import Finding, Severity, printable_path

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation_message(finding: Finding) -> str:
    message = finding.message
    if finding.fix is not None:
        message += f"\nFix: {finding.fix.description}"
        if finding.fix.suggestion:
            message += f"\n    {finding.fix.suggestion}"
    return message


def workspace_path(path: str) -> str:
    """GitHub resolves `file=` against the repository root ($GITHUB_WORKSPACE); findings are
    relative to the working directory, which may be a subdirectory."""
    workspace = os.environ.get("GITHUB_WORKSPACE")
    if not workspace:
        return path
    absolute = Path(path) if Path(path).is_absolute() else Path.cwd() / path
    try:
        return absolute.resolve().relative_to(Path(workspace).resolve()).as_posix()
    except (ValueError, OSError):
        return path


def annotation(finding: Finding, title: str | None = None) -> str:
    span = finding.span
    props: list[tuple[str, str]] = [("file", printable_path(workspace_path(finding.path))),
                                    ("line", str(span.start_line)),
                                    ("endLine", str(span.end_line))]
    if span.start_line == span.end_line:
        props += [("col", str(span.start_col)), ("endColumn", str(span.end_col))]
    if title is None:
        doc = load_rule_docs().get(finding.rule_id)
        title = f"{finding.rule_id} {doc.name}" if doc else finding.rule_id
    props.append(("title", title))
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in props)
    return f"::{LEVELS[finding.severity]} {rendered}::{escape_data(annotation_message(finding))}"


def render_findings(findings: Iterable[Finding]) -> str:
    return "".join(annotation(f) + "\n" for f in findings)


def render(result: RunResult) -> str:
    lines = [annotation(f) for f in result.findings]
    lines += [f"::error title=backendreview::{escape_data(e)}" for e in result.errors]
    return "".join(line + "\n" for line in lines)
