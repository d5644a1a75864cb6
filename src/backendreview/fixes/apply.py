"""Apply findings' exact edits to one file's text through libcst.

Each edit names one syntax node by its span (an expression or a simple statement), or a
zero-width point before a statement where new statements go. libcst parses the file, finds
those nodes and swaps in the parsed replacements, so every other byte of the file (comments,
formatting, line endings) is kept. Edits of several findings compose in one pass as long as
their nodes do not nest; a nested one waits for the next round (the caller re-reviews the
fixed text, as ruff does). The fixed text must `compile()` — `ast.parse` alone accepts a
repeated keyword argument — or the finding's fix is dropped with a reason.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import MetadataWrapper, ParentNodeProvider, PositionProvider

from ..model import Edit, Finding

_Key = tuple[int, int, int, int]  # start line, start column (0-based), end line, end column


@dataclass
class TextFix:
    """What fixing one file's text did."""

    text: str
    applied: list[Finding] = field(default_factory=list)
    deferred: list[Finding] = field(default_factory=list)  # nested in another fix: next round
    dropped: list[tuple[Finding, str]] = field(default_factory=list)  # finding, why


class FixFailed(Exception):
    """An edit that cannot be applied to this text (no such node, replacement unparsable)."""


def compiles(text: str, path: str = "<fixed>") -> str | None:
    """None when the text compiles, else the compiler's complaint."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        line = getattr(exc, "lineno", None)
        return f"{getattr(exc, 'msg', exc)}" + (f" (line {line})" if line else "")
    return None


def _key(edit: Edit) -> _Key:
    s = edit.span
    return (s.start_line, s.start_col - 1, s.end_line, s.end_col - 1)


def _is_insert(edit: Edit) -> bool:
    s = edit.span
    return s.start_line == s.end_line and s.start_col == s.end_col == 1


def _contains(outer: _Key, inner: _Key) -> bool:
    return (outer[:2] <= inner[:2]) and (inner[2:] <= outer[2:])


def _overlaps(a: _Key, b: _Key) -> bool:
    return not (a[2:] <= b[:2] or b[2:] <= a[:2])


class _AsWritten(cst.CSTTransformer):
    """A replacement's continuation lines (inside brackets) keep the columns they were
    written at: the edit's text comes from the file with its absolute indentation, so the
    enclosing block's indentation must not be added to it again."""

    def leave_ParenthesizedWhitespace(self, original_node, updated_node):  # type: ignore[no-untyped-def]
        return updated_node.with_changes(indent=False)


def _statements(code: str) -> list[cst.BaseStatement]:
    text = code if code.endswith("\n") else code + "\n"
    try:
        return list(cst.parse_module(text).visit(_AsWritten()).body)
    except cst.ParserSyntaxError as exc:
        raise FixFailed(f"the replacement does not parse: {exc.message}") from None


def _statements_at(code: str, indent: str) -> list[cst.BaseStatement]:
    """The statements of a replacement for a statement indented by `indent`: its later lines
    carry that indentation (the text is right where it lands, as a SARIF consumer pastes
    it), so they are read inside a block indented so; continuation lines inside brackets
    come back at the columns they were written at."""
    if not indent:
        return _statements(code)
    text = f"if 1:\n{indent}{code}" + ("" if code.endswith("\n") else "\n")
    try:
        body = cst.parse_module(text).body
    except cst.ParserSyntaxError as exc:
        raise FixFailed(f"the replacement does not parse: {exc.message}") from None
    if len(body) != 1 or not isinstance(body[0], cst.If) or \
            not isinstance(body[0].body, cst.IndentedBlock):
        raise FixFailed("the replacement's lines are not indented like the statement it "
                        "replaces")
    return list(body[0].body.body)


def _expression(code: str) -> cst.BaseExpression:
    return cst.parse_expression(code).visit(_AsWritten())  # type: ignore[return-value]


class _Plan:
    """The libcst nodes to replace and the statements to insert, resolved from spans."""

    def __init__(self, wrapper: MetadataWrapper, lines: list[str]) -> None:
        self.lines = lines
        self.positions = wrapper.resolve(PositionProvider)
        self.parents = wrapper.resolve(ParentNodeProvider)
        self.by_key: dict[_Key, list[cst.CSTNode]] = {}
        self.starts: dict[int, list[cst.BaseStatement]] = {}
        for node, where in self.positions.items():
            key = (where.start.line, where.start.column, where.end.line, where.end.column)
            self.by_key.setdefault(key, []).append(node)
            if isinstance(node, cst.BaseStatement):
                self.starts.setdefault(where.start.line, []).append(node)
            if isinstance(node, cst.FunctionDef | cst.ClassDef) and node.decorators:
                # In the text a decorated definition starts at its first decorator: an
                # insertion there (as SARIF consumers apply it) goes above the decorators.
                first = self.positions[node.decorators[0]].start.line
                self.starts.setdefault(first, []).append(node)
        self.replace: dict[cst.CSTNode, cst.CSTNode | cst.FlattenSentinel] = {}
        self.before: dict[cst.CSTNode, list[cst.BaseStatement]] = {}

    def resolve(self, edit: Edit) -> None:
        if _is_insert(edit):
            owners = self.starts.get(edit.span.start_line)
            if not owners:
                raise FixFailed(f"no statement starts on line {edit.span.start_line}")
            # The outermost statement on that line: insert beside it, not inside it.
            owner = min(owners, key=lambda n: self.positions[n].start.column)
            self.before.setdefault(owner, []).extend(_statements(edit.replacement))
            return
        nodes = self.by_key.get(_key(edit), [])
        expression = next((n for n in nodes if isinstance(n, cst.BaseExpression)), None)
        small = next((n for n in nodes if isinstance(n, cst.BaseSmallStatement)), None)
        if expression is not None:
            try:
                self.replace[expression] = _expression(edit.replacement)
                return
            except cst.ParserSyntaxError as exc:
                # `abort(...)` is an expression and a statement: statements may replace it.
                if small is None:
                    raise FixFailed(f"the replacement does not parse: {exc.message}") from None
        if small is None:
            raise FixFailed(f"no expression or statement spans {_describe(edit)}")
        line = self.parents.get(small)
        if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
            raise FixFailed(f"the statement at {_describe(edit)} shares its line")
        start = self.positions[line].start
        text = self.lines[start.line - 1] if start.line <= len(self.lines) else ""
        new = _statements_at(edit.replacement, text[:len(text) - len(text.lstrip(" \t"))])
        if len(new) == 1 and isinstance(new[0], cst.SimpleStatementLine):
            self.replace[line] = new[0].with_changes(leading_lines=line.leading_lines,
                                                     trailing_whitespace=line.trailing_whitespace)
        else:
            first = new[0].with_changes(leading_lines=line.leading_lines)
            self.replace[line] = cst.FlattenSentinel([first, *new[1:]])


def _describe(edit: Edit) -> str:
    s = edit.span
    return f"{s.start_line}:{s.start_col}-{s.end_line}:{s.end_col}"


class _Transform(cst.CSTTransformer):
    def __init__(self, plan: _Plan) -> None:
        self.plan = plan

    def on_leave(self, original_node, updated_node):  # type: ignore[no-untyped-def]
        new = self.plan.replace.get(original_node, updated_node)
        extra = self.plan.before.get(original_node)
        if extra:
            nodes = list(new.nodes) if isinstance(new, cst.FlattenSentinel) else [new]
            lead = nodes[0].leading_lines if hasattr(nodes[0], "leading_lines") else ()
            if lead:
                extra = [extra[0].with_changes(leading_lines=lead), *extra[1:]]
                nodes[0] = nodes[0].with_changes(leading_lines=())
            new = cst.FlattenSentinel([*extra, *nodes])
        return new


def _newline_style(text: str) -> str | None:
    """The one line ending the text uses when it is not '\\n' (None: '\\n' or mixed)."""
    crlf = text.count("\r\n")
    cr = text.count("\r") - crlf
    lf = text.count("\n") - crlf
    if crlf and not cr and not lf:
        return "\r\n"
    if cr and not crlf and not lf:
        return "\r"
    return None


def _edit_text(text: str, edits: Sequence[Edit]) -> str:
    """The text with these (non-nested) edits applied; raises FixFailed or ParserSyntaxError."""
    style = _newline_style(text)
    work = text.replace(style, "\n") if style else text
    wrapper = MetadataWrapper(cst.parse_module(work), unsafe_skip_copy=True)
    plan = _Plan(wrapper, work.split("\n"))
    for edit in edits:
        plan.resolve(edit)
    new = wrapper.module.visit(_Transform(plan)).code
    return new.replace("\n", style) if style else new


def fix_text(text: str, findings: Sequence[Finding], path: str = "<fixed>") -> TextFix:
    """Apply the edits of `findings` (each finding: all its edits or none) to `text`."""
    out = TextFix(text=text)
    chosen: list[Finding] = []
    taken: list[_Key] = []
    for finding in sorted(findings, key=_outer_first):
        keys = [_key(e) for e in finding.fix.edits if not _is_insert(e)]  # type: ignore[union-attr]
        if any(_overlaps(k, t) for k in keys for t in taken):
            same = all(any(k == t for t in taken) for k in keys) and _same_edits(
                finding, chosen)
            if same:  # the very same edit as an earlier finding: fixed along with it
                chosen.append(finding)
                continue
            out.deferred.append(finding)
            continue
        chosen.append(finding)
        taken.extend(keys)
    if not chosen:
        return out
    new, problem = _attempt(text, chosen, path)
    good = chosen
    if problem is not None:
        # Find the fixes that fail on their own, drop them with their reason, and try the
        # rest together once more.
        good = []
        for finding in chosen:
            _, alone = _attempt(text, [finding], path)
            if alone is None:
                good.append(finding)
            else:
                out.dropped.append((finding, alone))
        if not good:
            return out
        new, problem = _attempt(text, good, path)
        if problem is not None:
            out.dropped.extend((f, f"the fixes do not combine: {problem}") for f in good)
            return out
    out.text = new
    out.applied = good
    return out


def _same_edits(finding: Finding, chosen: list[Finding]) -> bool:
    mine = set(finding.fix.edits)  # type: ignore[union-attr]
    return any(mine == set(c.fix.edits) for c in chosen)  # type: ignore[union-attr]


def _outer_first(finding: Finding) -> tuple[int, int, int, int, str]:
    """Wider edits first, so that a nested edit is the one that waits."""
    edits = [e for e in finding.fix.edits if not _is_insert(e)]  # type: ignore[union-attr]
    if not edits:
        return (0, 0, 0, 0, finding.rule_id)
    first = min(_key(e) for e in edits)
    last = max(_key(e)[2:] for e in edits)
    return (first[0], first[1], -last[0], -last[1], finding.rule_id)


def _attempt(text: str, findings: list[Finding], path: str) -> tuple[str, str | None]:
    """The text with these findings' edits applied, and why that failed (None: it did not)."""
    edits = list(dict.fromkeys(e for f in findings for e in f.fix.edits))  # type: ignore[union-attr]
    try:
        new = _edit_text(text, edits)
    except FixFailed as exc:
        return text, str(exc)
    except cst.ParserSyntaxError as exc:
        return text, f"libcst cannot parse the file: {exc.message}"
    except (RecursionError, ValueError) as exc:
        return text, f"libcst cannot handle the file: {type(exc).__name__}"
    problem = compiles(new, path)
    if problem is not None:
        return text, f"the fixed code does not compile: {problem}"
    return new, None

