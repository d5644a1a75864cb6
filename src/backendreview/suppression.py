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
from collections.abc import Iterable

from .model import Finding
from .sourcelines import source_lines

_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?",
                   re.IGNORECASE)
_OWN = re.compile(r"#\s*backendreview\s*:\s*ignore(?:\[(?P<codes>[^\]]*)\])?", re.IGNORECASE)
BLANKET: frozenset[str] = frozenset()


_CANDIDATE = re.compile(r"#\s*(?:noqa|backendreview\s*:)", re.IGNORECASE)


def parse_suppressions(text: str, tree: ast.AST | None = None,
                       nodes: list[ast.AST] | None = None, *, own_only: bool = False
                       ) -> dict[int, frozenset[str]]:
    """Line -> codes silenced by a comment on that line (empty set: every code).

    With the file's tree, a `#` inside a string literal is told apart from a comment by the
    literal's position; without one, the file is tokenized (slower, same answer).
    `own_only` reads only `# backendreview: ignore[...]` (the flake8 plugin leaves `# noqa`
    to flake8, so that `--disable-noqa` and flake8's noqa report keep working).
    """
    lowered = text.lower()
    if "noqa" not in lowered and "backendreview" not in lowered:
        return {}
    if tree is not None:
        comments = _comments_by_tree(text, nodes if nodes is not None else ast.walk(tree))
    else:
        comments = _comments_by_tokens(text)
    out: dict[int, frozenset[str]] = {}
    for line, comment in comments:
        for regex in (_OWN,) if own_only else (_NOQA, _OWN):
            match = regex.search(comment)
            if not match:
                continue
            codes = match.group("codes")
            if codes:
                if out.get(line) == BLANKET and line in out:
                    continue
                parsed = frozenset(c.upper() for c in re.split(r"[\s,]+", codes.strip()) if c)
                out[line] = parsed | (out.get(line) or frozenset())
            else:
                out[line] = BLANKET
    return out


def _comments_by_tokens(text: str) -> list[tuple[int, str]]:
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return []
    return [(tok.start[0], tok.string) for tok in tokens if tok.type == tokenize.COMMENT]


def _comments_by_tree(text: str, nodes: Iterable[ast.AST]) -> list[tuple[int, str]]:
    lines = source_lines(text)
    candidates: dict[int, list[int]] = {}
    for number, line in enumerate(lines, start=1):
        if "#" in line:
            starts = [m.start() for m in _CANDIDATE.finditer(line)]
            if starts:
                candidates[number] = starts
    if not candidates:
        return []
    # String literals that touch a candidate line, as (start, end) positions in code points.
    strings: list[tuple[tuple[int, int], tuple[int, int]]] = []
    for node in nodes:
        if isinstance(node, ast.JoinedStr) or (
                isinstance(node, ast.Constant) and isinstance(node.value, str | bytes)):
            first, last = node.lineno, node.end_lineno or node.lineno
            if any(first <= n <= last for n in candidates):
                start = _char(lines, first, node.col_offset)
                end = _char(lines, last, node.end_col_offset or 0)
                strings.append(((first, start), (last, end)))
    out = []
    for number, starts in sorted(candidates.items()):
        for start in starts:
            if not any(a <= (number, start) < b for a, b in strings):
                out.append((number, lines[number - 1][start:]))
                break
    return out


def _char(lines: list[str], lineno: int, byte_col: int) -> int:
    line = lines[lineno - 1] if 0 < lineno <= len(lines) else ""
    if line.isascii():
        return byte_col
    return len(line.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))


def comment_only_lines(text: str, lines: set[int]) -> set[int]:
    source = source_lines(text)
    return {n for n in lines if 0 < n <= len(source) and source[n - 1].lstrip().startswith("#")}


def statement_extents(tree: ast.AST, nodes: Iterable[ast.AST] | None = None
                      ) -> list[tuple[int, int]]:
    """(first, last) line of every simple statement and of every compound statement's header."""
    extents: list[tuple[int, int]] = []
    for node in nodes if nodes is not None else ast.walk(tree):
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
            narrower = best == (line, line) or last - first <= best[1] - best[0]
            if first <= line <= last and narrower:
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
