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
    # String literals that touch a candidate line, as (start, end) positions in code points,
    # indexed by the candidate lines they cover: a file of 20,000 lines that each hold a
    # string and a noqa comment must not compare every comment with every string.
    numbers = sorted(candidates)
    strings: dict[int, list[tuple[tuple[int, int], tuple[int, int]]]] = {}
    for node in nodes:
        if isinstance(node, ast.JoinedStr) or (
                isinstance(node, ast.Constant) and isinstance(node.value, str | bytes)):
            first, last = node.lineno, node.end_lineno or node.lineno
            low = bisect.bisect_left(numbers, first)
            high = bisect.bisect_right(numbers, last)
            if low == high:
                continue
            span = ((first, _char(lines, first, node.col_offset)),
                    (last, _char(lines, last, node.end_col_offset or 0)))
            for number in numbers[low:high]:
                strings.setdefault(number, []).append(span)
    out = []
    for number in numbers:
        inside = strings.get(number, ())
        for start in candidates[number]:
            if not any(a <= (number, start) < b for a, b in inside):
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
        self._innermost: dict[int, tuple[int, int]] | None = None

    def _statement(self, line: int) -> tuple[int, int]:
        """The innermost statement extent containing `line`."""
        if self._innermost is None:
            self._innermost = _innermost_extents(self.extents)
        return self._innermost.get(line, (line, line))

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


def _innermost_extents(extents: list[tuple[int, int]]) -> dict[int, tuple[int, int]]:
    """Line -> the narrowest extent containing it (the later one of equal widths), computed
    once by painting wide extents first: a lookup per finding that scanned every earlier
    extent made 20,000 findings in one file quadratic. Statements do not overlap except by
    nesting, so the painting costs about one step per line of the file."""
    order = sorted(range(len(extents)), key=lambda i: (extents[i][0] - extents[i][1], i))
    out: dict[int, tuple[int, int]] = {}
    for i in order:
        first, last = extents[i]
        for line in range(first, last + 1):
            out[line] = extents[i]
    return out


def _matches(codes: frozenset[str] | None, rule_id: str, *, allow_blanket: bool) -> bool:
    if codes is None:
        return False
    if codes == BLANKET:
        return allow_blanket
    return any(rule_id.startswith(code) for code in codes)
