"""The one vocabulary shared by rules, the engine and every reporter.

Rules produce `Finding`s; reporters consume only `Finding`s. Positions in a `Finding` are
1-based lines and 1-based *code point* columns with an exclusive end column (SARIF's
convention with `columnKind: unicodeCodePoints`); the conversion from the ast's UTF-8 byte
offsets happens once, in `context.FileContext.span_of`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


def printable_path(path: str) -> str:
    """A path as text that any UTF-8 output can hold. A file name that is not UTF-8 reaches
    Python as lone surrogates (PEP 383); those bytes are shown as `\\xNN` escapes."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "note": 1}[self.value]

    @classmethod
    def parse(cls, value: str) -> Severity:
        try:
            return cls(value.lower())
        except ValueError:
            choices = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown severity {value!r} (expected one of: {choices})") from None


@dataclass(frozen=True, order=True)
class Span:
    """A region of a file: 1-based lines, 1-based code point columns, end column exclusive."""

    start_line: int
    start_col: int
    end_line: int
    end_col: int

    def to_dict(self) -> dict[str, int]:
        return {
            "start_line": self.start_line,
            "start_column": self.start_col,
            "end_line": self.end_line,
            "end_column": self.end_col,
        }


@dataclass(frozen=True)
class Edit:
    """Replace the text of `span` with `replacement` (an exact, mechanical fix).

    The span names one syntax node: an expression, or a simple statement (the replacement may
    then be several statements). A zero-width span at column 1 inserts the replacement's
    statements before the statement that starts on that line (imports, module-level setup).
    """

    span: Span
    replacement: str

    def to_dict(self) -> dict[str, Any]:
        return {"span": self.span.to_dict(), "replacement": self.replacement}


@dataclass(frozen=True)
class Fix:
    """A fix suggestion written for the code at hand, optionally with exact edits."""

    description: str
    suggestion: str | None = None
    edits: tuple[Edit, ...] = ()
    # ruff's convention: a safe fix keeps the program's meaning and is applied by `--fix`;
    # an unsafe one changes behaviour (a token now expires, a response body changes) and
    # needs `--unsafe-fixes` too.
    safe: bool = True

    @property
    def is_exact(self) -> bool:
        return bool(self.edits)

    def to_dict(self) -> dict[str, Any]:
        return {
            "description": self.description,
            "suggestion": self.suggestion,
            "edits": [e.to_dict() for e in self.edits],
            "applicability": "safe" if self.safe else "unsafe",
        }


@dataclass(frozen=True)
class Related:
    """A secondary location, e.g. the line where the SQL was built, or a step of a chain of
    calls in another file (`path`; None: the finding's own file)."""

    span: Span
    message: str
    path: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"span": self.span.to_dict(), "message": self.message}
        if self.path is not None:
            out["path"] = self.path
        return out


@dataclass(frozen=True)
class Finding:
    rule_id: str
    severity: Severity
    message: str
    path: str  # project-relative, forward slashes
    span: Span
    fix: Fix | None = None
    related: tuple[Related, ...] = ()
    # The text of the reported statement's first line, stripped: used by baselines and
    # fingerprints so that they survive line shifts.
    snippet: str = ""

    def sort_key(self) -> tuple[str, Span, str, str]:
        return (self.path, self.span, self.rule_id, self.message)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule_id,
            "severity": self.severity.value,
            "message": self.message,
            "path": printable_path(self.path),
            **self.span.to_dict(),
            "snippet": self.snippet,
            "fix": self.fix.to_dict() if self.fix else None,
            "related": [r.to_dict() for r in self.related],
        }


@dataclass
class FileResult:
    """What the per-file phase produces: a pure function of (text, config)."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    # Cross-file facts for the project phase, keyed by kind ("route", "model", "settings"...).
    facts: dict[str, list[Any]] = field(default_factory=dict)
    # Suppression comments found in the file: line -> set of codes (empty set = blanket).
    suppressions: dict[int, frozenset[str]] = field(default_factory=dict)
    # Statement extents so that a suppression comment on the first or last line of a
    # multi-line statement covers a finding anywhere inside it.
    statement_spans: list[tuple[int, int]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
