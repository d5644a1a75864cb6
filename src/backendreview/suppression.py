"""Suppression comments: `# noqa: BR101`, `# backendreview: ignore[BR101]`, bare `# noqa`.

A coded comment on the first or the last line of the reported statement, or alone on the
line above it, silences the finding (so multi-line SQL can be suppressed); a bare `# noqa`
silences its own line. Codes match by prefix, as in flake8 (`# noqa: BR1` covers BR101).
"""

from __future__ import annotations

import ast
import bisect
import io
import re
import tokenize

from .model import Finding

_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?",
                   re.IGNORECASE)
_OWN = re.compile(r"#\s*backendreview\s*:\s*ignore(?:\[(?P<codes>[^\]]*)\])?", re.IGNORECASE)
BLANKET: frozenset[str] = frozenset()


def parse_suppressions(text: str) -> dict[int, frozenset[str]]:
    """Line -> codes silenced by a comment on that line (empty set: every code)."""
    if "noqa" not in text.lower() and "backendreview" not in text.lower():
        return {}
    out: dict[int, frozenset[str]] = {}
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return {}
    for tok in tokens:
        if tok.type != tokenize.COMMENT:
            continue
        line = tok.start[0]
        for regex in (_NOQA, _OWN):
            match = regex.search(tok.string)
            if not match:
                continue
            codes = match.group("codes")
            if codes:
                parsed = frozenset(c.upper() for c in re.split(r"[\s,]+", codes.strip()) if c)
                previous = out.get(line)
                if previous == BLANKET and line in out:
                    continue
                out[line] = parsed | (previous or frozenset())
            else:
                out[line] = BLANKET
    return out


def comment_only_lines(text: str, lines: set[int]) -> set[int]:
    source = text.splitlines()
    return {n for n in lines if 0 < n <= len(source) and source[n - 1].lstrip().startswith("#")}


def statement_extents(tree: ast.AST) -> list[tuple[int, int]]:
    """(first, last) line of every simple statement and of every compound statement's header."""
    extents: list[tuple[int, int]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.stmt):
            continue
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
            first = node.lineno
            decorators = getattr(node, "decorator_list", [])
            if decorators:
                first = min(d.lineno for d in decorators) - 0
            extents.append((first, max(first, body[0].lineno - 1)))
        else:
            extents.append((node.lineno, node.end_lineno or node.lineno))
    extents.sort()
    return extents


class Suppressor:
    def __init__(self, text: str, tree: ast.AST | None,
                 suppressions: dict[int, frozenset[str]] | None = None,
                 extents: list[tuple[int, int]] | None = None) -> None:
        self.by_line = parse_suppressions(text) if suppressions is None else suppressions
        self.extents = extents if extents is not None else (
            statement_extents(tree) if (tree is not None and self.by_line) else [])
        self.comment_lines = comment_only_lines(text, set(self.by_line))
        self._starts = [e[0] for e in self.extents]

    def _statement(self, line: int) -> tuple[int, int]:
        """The innermost statement extent containing `line`."""
        best = (line, line)
        index = bisect.bisect_right(self._starts, line)
        for first, last in self.extents[:index]:
            if first <= line <= last and (best == (line, line) or last - first <= best[1] - best[0]):
                best = (first, last)
        return best

    def is_suppressed(self, finding: Finding) -> bool:
        if not self.by_line:
            return False
        line = finding.span.start_line
        if _matches(self.by_line.get(line), finding.rule_id, allow_blanket=True):
            return True
        first, last = self._statement(line)
        candidates = [first, last, finding.span.end_line]
        for candidate in candidates:
            if _matches(self.by_line.get(candidate), finding.rule_id, allow_blanket=False):
                return True
        for above in (first - 1, line - 1):
            if above in self.comment_lines and _matches(
                    self.by_line.get(above), finding.rule_id, allow_blanket=False):
                return True
        return False


def _matches(codes: frozenset[str] | None, rule_id: str, *, allow_blanket: bool) -> bool:
    if codes is None:
        return False
    if codes == BLANKET:
        return allow_blanket
    return any(rule_id.startswith(code) for code in codes)
