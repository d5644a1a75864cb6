"""Reads `# ruleid: BR101 "fragment"` / `# ok: BR101` markers (semgrep style).

A marker alone on a line applies to the next line that is not a marker or blank; that line
must (ruleid) or must not (ok) carry a finding of the rule, and the finding's message must
contain the quoted fragment when one is given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MARKER = re.compile(r'^\s*#\s*(?P<kind>ruleid|ok)\s*:\s*(?P<rule>BR\d{3})\s*(?:"(?P<frag>[^"]*)")?\s*$')


@dataclass(frozen=True)
class Marker:
    kind: str
    rule: str
    line: int  # the target line
    fragment: str | None


def read_markers(text: str) -> list[Marker]:
    lines = text.splitlines()
    out: list[Marker] = []
    pending: list[tuple[str, str, str | None]] = []
    for number, line in enumerate(lines, start=1):
        match = MARKER.match(line)
        if match:
            pending.append((match["kind"], match["rule"], match["frag"]))
            continue
        if pending and line.strip():
            out.extend(Marker(k, r, number, f) for k, r, f in pending)
            pending = []
    return out


def check_markers(text: str, findings, rule: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Problems: a ruleid line without the finding, a finding on an unmarked line, a message
    without its fragment. An empty list means the file behaves as marked."""
    problems: list[str] = []
    markers = [m for m in read_markers(text) if m.rule == rule]
    got: dict[int, list[str]] = {}
    for finding in findings:
        if finding.rule_id == rule:
            got.setdefault(finding.span.start_line, []).append(finding.message)
    expected_lines = {m.line for m in markers if m.kind == "ruleid"}
    for marker in markers:
        messages = got.get(marker.line, [])
        if marker.kind == "ruleid":
            if not messages:
                problems.append(f"line {marker.line}: expected {rule}, got nothing")
            elif marker.fragment and not any(marker.fragment in m for m in messages):
                problems.append(f"line {marker.line}: {rule} message {messages!r} lacks "
                                f"{marker.fragment!r}")
        elif messages:
            problems.append(f"line {marker.line}: marked ok but got {rule}: {messages[0]}")
    for line, messages in sorted(got.items()):
        if line not in expected_lines and not any(
                m.line == line and m.kind == "ok" for m in markers):
            problems.append(f"line {line}: unexpected {rule} (unmarked): {messages[0]}")
    return problems
