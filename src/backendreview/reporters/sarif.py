"""SARIF 2.1.0, built with sarif-om's classes and serialized through their attrs field
metadata (`schema_property_name`), dropping values equal to the field default.

What GitHub code scanning reads is filled in: rule short/full descriptions, help text and
markdown from rules/*.yaml, default level, tags, precision and security-severity; results with
ruleId, ruleIndex, level, message, a repo-relative URI and a 1-based region in code points.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import quote

import attr
import sarif_om as om

from .. import __version__
from ..baseline import snippet_of
from ..engine import RunResult
from ..metadata import RuleDoc, load_rule_docs
from ..model import Finding, Span, printable_path

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/backendreview/backendreview"
FINGERPRINT_KEY = "backendreview/v1"


def _region(span: Span) -> om.Region:
    return om.Region(start_line=span.start_line, start_column=span.start_col,
                     end_line=span.end_line, end_column=span.end_col)


def _location(path: str, span: Span, message: str | None = None) -> om.Location:
    uri_base = None if Path(path).is_absolute() else "%SRCROOT%"
    # RFC 3986 (which GitHub follows): spaces, non-ASCII characters and the bytes of a name
    # that is not UTF-8 are percent-encoded.
    uri = Path(path).as_uri() if Path(path).is_absolute() else quote(os.fsencode(path),
                                                                      safe="/")
    return om.Location(
        physical_location=om.PhysicalLocation(
            artifact_location=om.ArtifactLocation(uri=uri, uri_base_id=uri_base),
            region=_region(span)),
        message=om.Message(text=message) if message else None,
    )


def _descriptor(doc: RuleDoc) -> om.ReportingDescriptor:
    properties: dict[str, Any] = {
        "tags": list(doc.tags) + [c for c in doc.cwe],
        "precision": doc.precision,
        "problem.severity": {"error": "error", "warning": "warning",
                             "note": "recommendation"}[doc.severity.value],
    }
    if doc.security_severity is not None:
        properties["security-severity"] = f"{doc.security_severity:.1f}"
    return om.ReportingDescriptor(
        id=doc.id,
        name=doc.name,
        short_description=om.MultiformatMessageString(text=doc.title),
        full_description=om.MultiformatMessageString(text=" ".join(doc.summary.split())),
        help=om.MultiformatMessageString(text=doc.text(), markdown=doc.markdown()),
        help_uri=doc.references[0] if doc.references else None,
        # `enabled: false` for a rule that is off by default (a run that opted in still lists
        # it: this is the default configuration, not this run's).
        default_configuration=om.ReportingConfiguration(level=doc.severity.value,
                                                        enabled=doc.default_enabled),
        properties=properties,
    )


def fingerprints(findings: list[Finding],
                 sources: dict[str, list[str]] | None = None) -> list[str]:
    """Our own stable id per result, under FINGERPRINT_KEY (GitHub computes
    primaryLocationLineHash itself): the baseline key (rule, path, whitespace-normalised
    reported line), hashed, plus `:n` for the n-th finding with that key in the file, as
    GitHub's own line hash does. No line numbers, so it survives edits elsewhere in the file."""
    counts: Counter[tuple[str, str, str]] = Counter()
    out = []
    for finding in findings:
        key = (finding.rule_id, printable_path(finding.path), snippet_of(finding, sources))
        counts[key] += 1
        digest = hashlib.sha256("\0".join(key).encode("utf-8")).hexdigest()[:32]
        out.append(f"{digest}:{counts[key]}")
    return out


def _result(finding: Finding, rule_index: int, fingerprint: str) -> om.Result:
    message = finding.message
    if finding.fix is not None:
        message += f"\nFix: {finding.fix.description}"
        if finding.fix.suggestion:
            message += f"\n    {finding.fix.suggestion}"
    fixes = None
    if finding.fix is not None and finding.fix.edits:
        fixes = [om.Fix(
            description=om.Message(text=finding.fix.description),
            artifact_changes=[om.ArtifactChange(
                artifact_location=_location(finding.path, finding.span)
                .physical_location.artifact_location,
                replacements=[om.Replacement(
                    deleted_region=_region(edit.span),
                    inserted_content=om.ArtifactContent(text=edit.replacement))
                    for edit in finding.fix.edits],
            )],
        )]
    return om.Result(
        rule_id=finding.rule_id,
        rule_index=rule_index,
        level=finding.severity.value,
        kind="fail",
        message=om.Message(text=message),
        locations=[_location(finding.path, finding.span)],
        related_locations=[
            _location(r.path or finding.path, r.span, r.message) for r in finding.related
        ] or None,
        partial_fingerprints={FINGERPRINT_KEY: fingerprint},
        fixes=fixes,
    )


def build_log(result: RunResult, root: Path | None = None) -> om.SarifLog:
    docs = load_rule_docs()
    rule_ids = sorted(set(result.rules) | {f.rule_id for f in result.findings})
    descriptors = [_descriptor(docs[r]) for r in rule_ids if r in docs]
    index = {d.id: i for i, d in enumerate(descriptors)}
    base = (root or Path.cwd()).resolve().as_uri().rstrip("/") + "/"
    notifications = [
        om.Notification(message=om.Message(text=error), level="error")
        for error in result.errors
    ] + [om.Notification(message=om.Message(text=note), level="note")
         for note in result.notes]
    run = om.Run(
        tool=om.Tool(driver=om.ToolComponent(
            name="backendreview", version=__version__, semantic_version=__version__,
            information_uri=INFORMATION_URI, rules=descriptors)),
        results=[_result(f, index.get(f.rule_id, -1), fp) for f, fp in zip(
            result.findings, fingerprints(result.findings, result.sources), strict=True)],
        column_kind="unicodeCodePoints",
        original_uri_base_ids={"%SRCROOT%": om.ArtifactLocation(uri=base)},
        invocations=[om.Invocation(
            execution_successful=not result.errors,
            tool_execution_notifications=notifications or None,
            working_directory=om.ArtifactLocation(uri=base))],
    )
    return om.SarifLog(version="2.1.0", schema_uri=SCHEMA_URI, runs=[run])


def to_plain(value: Any) -> Any:
    """sarif-om object -> JSON-ready data: camelCase names, defaults and None dropped."""
    if attr.has(type(value)):
        out: dict[str, Any] = {}
        for field in attr.fields(type(value)):
            item = getattr(value, field.name)
            if item is None:
                continue
            default = field.default
            if default is not attr.NOTHING and not isinstance(default, attr.Factory) and (
                    item == default) and field.name != "level":
                continue
            out[field.metadata.get("schema_property_name", field.name)] = to_plain(item)
        return out
    if isinstance(value, list | tuple):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    return value


def render(result: RunResult, root: Path | None = None) -> str:
    return json.dumps(to_plain(build_log(result, root)), indent=2, ensure_ascii=False) + "\n"


def render_failure(message: str, root: Path | None = None) -> str:
    """A schema-valid log for a run that could not review anything (bad configuration or
    arguments, internal error): no results, executionSuccessful false and the error as a
    tool execution notification, so an upload step shows the real problem instead of
    failing on a missing file or silently reporting "no alerts"."""
    return render(RunResult(errors=[message]), root)
