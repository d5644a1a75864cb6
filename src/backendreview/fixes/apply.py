"""Apply findings' exact edits through libcst.

Each edit replaces one expression (the span of a node the rule reported). libcst parses the
file, finds the node with exactly that span, and swaps in the parsed replacement, so every
other byte of the file (comments, formatting, line endings) is kept. The result must parse
with the running Python's ast, or the file is left alone.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from ..checks.br000_parse_error import SourceError, decode_source
from ..model import Edit, Finding


@dataclass
class FixOutcome:
    fixed: list[Finding]
    failed: list[str]  # one line per file that could not be fixed, with the reason


class _Replace(cst.CSTTransformer):
    def __init__(self, replacements: dict[cst.CSTNode, cst.BaseExpression]) -> None:
        self.replacements = replacements

    def on_leave(self, original_node, updated_node):  # type: ignore[no-untyped-def]
        return self.replacements.get(original_node, updated_node)


def fix_text(text: str, edits: list[Edit]) -> tuple[str, set[Edit]]:
    """The text with every edit whose span matches one expression node applied."""
    wrapper = MetadataWrapper(cst.parse_module(text), unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)
    wanted = {(e.span.start_line, e.span.start_col - 1, e.span.end_line, e.span.end_col - 1): e
              for e in edits}
    replacements: dict[cst.CSTNode, cst.BaseExpression] = {}
    applied: set[Edit] = set()
    for node, where in positions.items():
        if not isinstance(node, cst.BaseExpression):
            continue
        key = (where.start.line, where.start.column, where.end.line, where.end.column)
        edit = wanted.get(key)
        if edit is None or edit in applied:
            continue
        replacements[node] = cst.parse_expression(edit.replacement)
        applied.add(edit)
    if not replacements:
        return text, set()
    new = wrapper.module.visit(_Replace(replacements)).code
    ast.parse(new)
    return new, applied


def apply_fixes(findings: list[Finding], base: Path | None = None) -> FixOutcome:
    by_path: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.fix is not None and finding.fix.edits:
            by_path[finding.path].append(finding)
    outcome = FixOutcome(fixed=[], failed=[])
    for path, items in sorted(by_path.items()):
        file = (base / path) if base else Path(path)
        try:
            data = file.read_bytes()
            text = decode_source(data)
            new, applied = fix_text(text, [e for f in items for e in f.fix.edits])  # type: ignore[union-attr]
        except (OSError, SourceError, cst.ParserSyntaxError, SyntaxError, ValueError) as exc:
            outcome.failed.append(f"{path}: not fixed: {type(exc).__name__}: {exc}")
            continue
        if not applied:
            continue
        encoding = "utf-8"
        try:
            import io
            import tokenize

            encoding = tokenize.detect_encoding(io.BytesIO(data).readline)[0]
        except SyntaxError:
            pass
        bom = data.startswith(b"\xef\xbb\xbf")
        file.write_bytes((b"\xef\xbb\xbf" if bom else b"") + new.encode(
            "utf-8" if encoding == "utf-8-sig" else encoding))
        outcome.fixed.extend(f for f in items if set(f.fix.edits) <= applied)  # type: ignore[union-attr]
    return outcome
