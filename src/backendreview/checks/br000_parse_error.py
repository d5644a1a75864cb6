"""BR000: the file could not be decoded or parsed. The run goes on with the other files."""

from __future__ import annotations

import ast
import codecs
import io
import sys
import tokenize

PARSE_ERROR_ID = "BR000"


class SourceError(Exception):
    """The file cannot be reviewed; `line`/`col` (1-based) locate the problem."""

    def __init__(self, message: str, line: int = 1, col: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = max(line, 1)
        self.col = max(col, 1)


def decode_source(data: bytes) -> str:
    """Bytes to text the way CPython does: BOM, then a PEP 263 coding cookie, else UTF-8."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:  # unknown codec named in the cookie, or BOM/cookie conflict
        raise SourceError(f"cannot decode the file: {exc.msg}", exc.lineno or 1) from None
    try:
        codecs.lookup(encoding)
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        line = 1
        if isinstance(exc, UnicodeDecodeError):
            line = data[: exc.start].count(b"\n") + 1
        raise SourceError(f"cannot decode the file as {encoding}: {exc}", line) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text


def parse_source(text: str, path: str) -> ast.Module:
    try:
        return ast.parse(text, filename=path, type_comments=False)
    except SyntaxError as exc:
        message = f"cannot parse the file: {exc.msg}"
        needs = _needs_newer_python(text)
        if needs:
            message += f" (the file uses {needs}: run backendreview under that Python)"
        raise SourceError(message, exc.lineno or 1, exc.offset or 1) from None
    except (ValueError, RecursionError, MemoryError) as exc:
        # ValueError: null bytes; RecursionError / MemoryError: pathologically nested input.
        reason = "too deeply nested" if not isinstance(exc, ValueError) else str(exc)
        raise SourceError(f"cannot parse the file: {reason}") from None


def _needs_newer_python(text: str) -> str | None:
    """When libcst accepts what this Python's ast rejects, name the Python the file needs."""
    try:
        import libcst as cst

        module = cst.parse_module(text)
    except Exception:
        return None
    running = f"{sys.version_info.major}.{sys.version_info.minor}"
    found: list[tuple[tuple[int, int], str]] = []

    class Features(cst.CSTVisitor):
        def visit_TypeAlias(self, node: cst.TypeAlias) -> None:
            found.append(((3, 12), "Python 3.12 syntax (a `type` alias statement)"))

        def visit_TypeParameters(self, node: cst.TypeParameters) -> None:
            found.append(((3, 12), "Python 3.12 syntax (type parameters)"))

        def visit_TryStar(self, node: cst.TryStar) -> None:
            found.append(((3, 11), "Python 3.11 syntax (`except*`)"))

        def visit_Match(self, node: cst.Match) -> None:
            found.append(((3, 10), "Python 3.10 syntax (`match`)"))

    module.visit(Features())
    newer = [f for f in found if f[0] > sys.version_info[:2]]
    if newer:
        return max(newer)[1]
    return f"syntax newer than Python {running}"
