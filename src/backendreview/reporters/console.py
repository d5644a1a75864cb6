"""Rich console output: findings grouped by file, each with a code frame that highlights the
span, the message and the fix written for that code; then a summary table by rule."""

from __future__ import annotations

from collections import Counter
from itertools import groupby

from rich.console import Console, Group
from rich.padding import Padding
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from ..engine import RunResult
from ..metadata import load_rule_docs
from ..model import Finding, printable_path

_STYLES = {"error": "bold red", "warning": "bold yellow", "note": "bold cyan"}
_CONTEXT = 2


def _frame(finding: Finding, lines: list[str]) -> Syntax | None:
    if not lines:
        return None
    first = max(1, finding.span.start_line - _CONTEXT)
    last = min(len(lines), finding.span.end_line + _CONTEXT)
    if finding.span.end_line - finding.span.start_line > 8:
        last = min(len(lines), finding.span.start_line + 8)
    code = "\n".join(lines[first - 1:last])
    syntax = Syntax(code, "python", line_numbers=True, start_line=first, theme="ansi_dark",
                    highlight_lines=set(range(finding.span.start_line,
                                              min(finding.span.end_line, last) + 1)),
                    # Wrapped, not cropped: the interpolated value that makes a finding may sit
                    # past the terminal's last column.
                    word_wrap=True, background_color="default")
    rel_start = finding.span.start_line - first + 1
    rel_end = min(finding.span.end_line, last) - first + 1
    end_col = finding.span.end_col - 1 if finding.span.end_line <= last else len(
        lines[last - 1])
    syntax.stylize_range("bold underline", (rel_start, finding.span.start_col - 1),
                         (rel_end, end_col))
    return syntax


def _finding_block(finding: Finding, lines: list[str], frames: bool) -> Group:
    head = Text()
    where = f"{printable_path(finding.path)}:{finding.span.start_line}:{finding.span.start_col}"
    head.append(f"{where}: ", style="bold")
    head.append(finding.rule_id, style=_STYLES[finding.severity.value])
    head.append(f" [{finding.severity.value}] ")
    head.append(finding.message)
    parts: list = [head]
    if frames:
        frame = _frame(finding, lines)
        if frame is not None:
            parts.append(Padding(frame, (0, 0, 0, 2)))
    if finding.fix is not None:
        fix = Text(finding.fix.description)
        if finding.fix.edits:
            fix.append(" (exact edit available)", style="green")
        parts.append(_hanging("  fix: ", fix, "bold green"))
        if finding.fix.suggestion:
            parts.append(Padding(Syntax(finding.fix.suggestion, "python", theme="ansi_dark",
                                        word_wrap=True, background_color="default"),
                                 (0, 0, 0, 7)))
    for related in finding.related:
        where = f"{related.path}:" if related.path and related.path != finding.path else "line "
        parts.append(_hanging("  note: ", Text(f"{where}{related.span.start_line}: "
                                                f"{related.message}", style="dim"), "dim"))
    return Group(*parts)


def _hanging(label: str, body: Text, style: str) -> Table:
    """`label body`, with the body's wrapped lines starting under its first character."""
    grid = Table.grid()
    grid.add_column(width=len(label), no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row(Text(label, style=style), body)
    return grid


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def closing_line(result: RunResult) -> str:
    """'7 errors, 4 warnings, 2 notes · 2 fixable with --fix · 1 more with --fix
    --unsafe-fixes' (ruff's closing line)."""
    counts = Counter(f.severity.value for f in result.findings)
    line = ", ".join(_plural(counts[level], level) for level in ("error", "warning", "note"))
    exact = [f.fix for f in result.findings if f.fix is not None and f.fix.edits]
    fixable = sum(1 for fix in exact if fix.safe)
    if fixable:
        line += f" · {fixable} fixable with --fix"
    if len(exact) > fixable:  # hidden fixes (ruff) that --unsafe-fixes enables
        line += f" · {len(exact) - fixable} more with --fix --unsafe-fixes"
    return line


def summary_table(result: RunResult) -> Table:
    docs = load_rule_docs()
    counts = Counter(f.rule_id for f in result.findings)
    table = Table(title="Findings by rule", title_justify="left")
    table.add_column("Rule")
    table.add_column("Name")
    table.add_column("Severity")
    table.add_column("Count", justify="right")
    for rule in sorted(counts):
        doc = docs.get(rule)
        severity = doc.severity.value if doc else ""
        table.add_row(rule, doc.name if doc else "", Text(severity, style=_STYLES.get(
            severity, "")), str(counts[rule]))
    return table


def render(result: RunResult, console: Console, *, quiet: bool = False,
           statistics: bool = False) -> None:
    frames = not quiet
    for path, group in groupby(result.findings, key=lambda f: f.path):
        findings = list(group)
        if not quiet:
            console.rule(Text(printable_path(path), style="bold"), align="left")
        lines = result.sources.get(path, [])
        for finding in findings:
            console.print(_finding_block(finding, lines, frames))
            if not quiet:
                console.print()
    if statistics or (not quiet and result.findings):
        console.print(summary_table(result))
    if not quiet:
        files_with = len({f.path for f in result.findings})
        if result.findings:
            console.print(f"{len(result.findings)} finding(s) in {files_with} file(s); "
                          f"{result.files} file(s) reviewed, {result.suppressed} suppressed.")
            console.print(closing_line(result))
        else:
            console.print(f"No findings: {result.files} file(s) reviewed, "
                          f"{result.suppressed} suppressed.")
