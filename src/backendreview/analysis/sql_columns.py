"""Which value a SQL statement binds to a named column.

BR201 asks of `WHERE username = ? AND password = ?`, `SET password = %s` and
`INSERT INTO users (name, password) VALUES ('admin', 'admin123')` what goes into the password
column: a quoted literal, a driver placeholder (and which parameter it takes), or a value
interpolated into the text. The text comes from `StringBuild.constant_text()`, where every
interpolated value is a NUL character, so the n-th NUL is the n-th value piece.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from .strings import StringBuild

VALUE_MARK = "\x00"

_LITERAL = r"'(?:[^']|'')*'"
_PLACEHOLDER = r"\?|%s|%\((?P<pname>\w+)\)s|(?<!:):(?P<cname>[A-Za-z_]\w*)|\$(?P<num>\d+)"
_TOKEN = rf"{_LITERAL}|{_PLACEHOLDER}|'?{VALUE_MARK}'?"
# `password = ?`, `password='{}'`: a comparison or a SET assignment.
_ASSIGN = r"(?:[\w\"`]+\.)?[\"`]?{column}[\"`]?\s*(?:=|==|\blike\b)\s*(?P<token>{token})"
_INSERT = re.compile(r"\binsert\s+(?:or\s+\w+\s+)?into\s+[\w.\"`]+\s*\((?P<cols>[^()]*)\)\s*"
                     r"values\s*\((?P<vals>[^()]*)\)", re.IGNORECASE)
_SPLIT = re.compile(rf"{_LITERAL}|[^,]+")


@dataclass(frozen=True)
class ColumnValue:
    """What a statement puts into (or compares with) the column."""

    kind: str  # literal | value | placeholder
    text: str  # the token as written; for literal, the unquoted string
    index: int  # value: which interpolated value; placeholder: which positional parameter
    name: str | None = None  # placeholder: a named parameter (:pw, %(pw)s)
    number: int | None = None  # placeholder: $n


def column_values(text: str, column: str) -> list[ColumnValue]:
    """Every value `text` compares with or writes into a column matching `column` (a regex
    without groups, e.g. `password|passwd`)."""
    found: list[ColumnValue] = []
    pattern = re.compile(_ASSIGN.format(column=rf"\b(?:{column})\b", token=_TOKEN),
                         re.IGNORECASE)
    for match in pattern.finditer(text):
        found.append(_classify(text, match.start("token"), match.group("token")))
    for match in _INSERT.finditer(text):
        columns = [c.strip().strip("\"`[]").lower() for c in match.group("cols").split(",")]
        offset = match.start("vals")
        values = [(m.start() + offset, m.group()) for m in _SPLIT.finditer(match.group("vals"))]
        for position, name in enumerate(columns):
            if re.fullmatch(column, name, re.IGNORECASE) and position < len(values):
                start, token = values[position]
                stripped = token.strip()
                found.append(_classify(text, start + token.index(stripped) if stripped else
                                       start, stripped))
    return found


def _classify(text: str, start: int, token: str) -> ColumnValue:
    before = text[:start]
    if VALUE_MARK in token:
        return ColumnValue("value", token, before.count(VALUE_MARK))
    if token.startswith("'"):
        return ColumnValue("literal", token[1:-1].replace("''", "'"), -1)
    match = re.fullmatch(_PLACEHOLDER, token)
    if match is None:
        return ColumnValue("literal-expression", token, -1)
    if match.group("num"):
        return ColumnValue("placeholder", token, int(match.group("num")) - 1,
                           number=int(match.group("num")))
    name = match.group("pname") or match.group("cname")
    positional = len(re.findall(r"\?|%s", before))
    return ColumnValue("placeholder", token, positional, name=name)


def interpolated(build: StringBuild, index: int) -> ast.expr | None:
    """The n-th interpolated value of a string build."""
    values = [p.value for p in build.pieces if p.text is None]
    return values[index] if 0 <= index < len(values) else None


def parameter(params: list[ast.expr], value: ColumnValue) -> ast.expr | None:
    """The argument a placeholder takes from the call's parameters: a tuple / list (one
    positional argument, or asyncpg's *args), or a dict literal for named placeholders."""
    if value.name is not None and len(params) == 1 and isinstance(params[0], ast.Dict):
        for key, item in zip(params[0].keys, params[0].values, strict=True):
            if isinstance(key, ast.Constant) and key.value == value.name:
                return item
        return None
    if value.name is not None and len(params) == 1 and isinstance(params[0], ast.Call):
        for kw in params[0].keywords:  # dict(pw=...)
            if kw.arg == value.name:
                return kw.value
        return None
    if len(params) == 1 and isinstance(params[0], ast.Tuple | ast.List):
        items = params[0].elts
    else:
        items = params
    if value.name is not None or not 0 <= value.index < len(items):
        return None
    item = items[value.index]
    return None if isinstance(item, ast.Starred) else item
