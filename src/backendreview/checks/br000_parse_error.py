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
    except SyntaxError as exc:
        if not exc.msg.startswith("invalid or missing encoding declaration"):
            # An unknown codec named in the cookie, or a BOM/cookie conflict.
            raise SourceError(f"cannot decode the file: {exc.msg}", _cookie_line(data)) from None
        # No cookie, and the first two lines are not UTF-8: report the undecodable bytes
        # by the encoding Python assumes, with their line, below.
        encoding = "utf-8"
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


def _cookie_line(data: bytes) -> int:
    for number, line in enumerate(data.splitlines()[:2], start=1):
        if tokenize.cookie_re.match(line.decode("latin-1")):
            return number
    return 1


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


# libcst's native parser overflows the C stack -- a segfault that would kill the whole run --
# on deeply nested input, which no CPython accepts anyway (its tokenizer allows 200 levels of
# brackets). Only files with sane nesting and statement sizes are handed to it.
_MAX_BRACKET_DEPTH = 200
_MAX_STATEMENT_TOKENS = 2000


def _safe_for_libcst(text: str) -> bool:
    depth = tokens = 0
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
                tokens = 0
                continue
            tokens += 1
            if tokens > _MAX_STATEMENT_TOKENS:
                return False
            if tok.type == tokenize.OP:
                if tok.string in ("(", "[", "{"):
                    depth += 1
                    if depth > _MAX_BRACKET_DEPTH:
                        return False
                elif tok.string in (")", "]", "}"):
                    depth -= 1
    except (tokenize.TokenError, SyntaxError):
        return False
    return True


def _needs_newer_python(text: str) -> str | None:
    """When libcst accepts what this Python's ast rejects, name the Python the file needs."""
    if not _safe_for_libcst(text):
        return None
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
