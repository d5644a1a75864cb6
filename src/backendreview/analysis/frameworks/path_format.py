"""Paths built by formatting: `r"^graph/(?P<graphid>%s)$" % uuid_regex`, `"/{}/x".format(v)`
and `f"/{kind}/x"`, read by one evaluator. The template must be written in the code; each
filled-in part is read like any path part (a literal, a constant, a setting shown by its
name). A part that cannot be read makes the whole text unknown, or, where the table may show
a partly known path (`path_texts`), shows as `{?}`."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

# A printf-style conversion: `%s`, `%d`, `%(name)s`, `%-10s`; `%%` is a literal percent.
_PRINTF = re.compile(r"%(?:\((?P<key>[^)]*)\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?"
                     r"(?P<conv>[diouxXeEfFgGcrsa%])")
# A str.format replacement field: `{}`, `{0}`, `{name}`, `{name!r}`, `{0:>4}`.
_FIELD = re.compile(r"\{\{|\}\}|\{(?P<field>[^{}]*)\}")
UNKNOWN = "{?}"
# How `path_text` shows a value it can name but not read (a setting, an imported constant, a
# config key): `{NAME}`. The project phase fills these where the project fixes the value.
NAMED_VALUE = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")
# `urls.CONFIG` with `urls` imported (`from fides.common import urn_registry as urls`):
# written `{urls.CONFIG}`, the local dotted name it is read through, so that the project
# phase follows exactly that import (two imported modules may both define CONFIG). Shown as
# `{CONFIG}` (`plain_names`) when the project does not fix its value. Group 1 is the
# dotted base with its final dot, empty for a plain `{NAME}`; group 2 the name.
NAME_REF = re.compile(r"\{((?:[A-Za-z_][A-Za-z0-9_]*\.)*)([A-Z][A-Z0-9_]*)\}")
# `KEYPAIR % "decryptpassword"` with KEYPAIR imported: the template is read in the project
# phase, so the text waits as `{KEYPAIR%decryptpassword}` (the parts joined by _SEP) until
# fill_deferred formats it, or shows {?}. Never displayed as such.
_SEP = "\x1f"
DEFERRED_FORMAT = re.compile(r"\{([A-Z][A-Z0-9_]*)%([^{}%]*)\}")

Reader = Callable[[ast.AST], "str | None"]


def formatted_text(node: ast.AST, read: Reader, lenient: bool) -> str | None:
    """The text of a `%`, `.format()` or f-string path (None when `node` is none of them,
    its template is not written in the code, or a part is unknown and not `lenient`)."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return _printf(node, read, lenient)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
            node.func.attr == "format":
        return _str_format(node, read, lenient)
    if isinstance(node, ast.JoinedStr):
        return _fstring(node, read, lenient)
    return None


def _part(value: ast.AST | None, read: Reader, lenient: bool) -> str | None:
    text = read(value) if value is not None else None
    if text is None and lenient:
        return UNKNOWN
    return text


def _printf(node: ast.BinOp, read: Reader, lenient: bool) -> str | None:
    # Only a template written as a literal (or a constant): a format string computed at run
    # time says nothing of the path's shape.
    template = read(node.left)
    if template is None:
        return None
    right = node.right
    named_template = NAMED_VALUE.fullmatch(template)
    if named_template is not None and isinstance(node.left, ast.Name):
        return _deferred(named_template.group(1), right, read, lenient)
    named: dict[str, ast.AST] = {}
    if isinstance(right, ast.Dict):
        for key, value in zip(right.keys, right.values, strict=True):
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                return None
            named[key.value] = value
        items: list[ast.AST] = []
    elif isinstance(right, ast.Tuple):
        if any(isinstance(e, ast.Starred) for e in right.elts):
            return None
        items = list(right.elts)
    else:
        items = [right]
    out: list[str] = []
    pos = 0
    index = 0
    for match in _PRINTF.finditer(template):
        out.append(template[pos:match.start()])
        pos = match.end()
        if match.group("conv") == "%":
            out.append("%")
            continue
        key = match.group("key")
        if key is not None:
            value = named.get(key)
            if value is None and not isinstance(right, ast.Dict):
                return None
        else:
            if index >= len(items) or named:
                return None
            value = items[index]
            index += 1
        if match.group("conv") not in ("s", "r", "a", "d", "i"):
            text = UNKNOWN if lenient else None
        else:
            text = _part(value, read, lenient)
        if text is None:
            return None
        out.append(text)
    if index != len(items):
        return None  # a mismatch is a TypeError at run time, not a path
    out.append(template[pos:])
    return "".join(out)


def _deferred(name: str, right: ast.AST, read: Reader, lenient: bool) -> str | None:
    """`IMPORTED % "x"` / `% ("a", "b")`: the template's name and the parts, each a plain
    text (no braces or percent of its own), for the project phase (fill_deferred)."""
    items = right.elts if isinstance(right, ast.Tuple) else [right]
    parts = [read(i) if not isinstance(i, ast.Starred) else None for i in items]
    if isinstance(right, ast.Dict) or any(
            p is None or any(c in p for c in "{}%" + _SEP) for p in parts):
        return UNKNOWN if lenient else None
    return "{" + name + "%" + _SEP.join(p for p in parts if p is not None) + "}"


def plain_names(text: str) -> str:
    """`text` with every `{base.NAME}` left unresolved shown as `{NAME}`."""
    return NAME_REF.sub(lambda m: "{" + m.group(2) + "}", text) if "." in text else text


def fill_deferred(text: str, template_of: Callable[[str], str | None]) -> str:
    """Each `{NAME%parts}` of `text` formatted with the template NAME holds (`template_of`),
    or {?} when it holds none or the parts do not fit it."""

    def fill(match: re.Match[str]) -> str:
        template = template_of(match.group(1))
        if template is None:
            return UNKNOWN
        try:
            filled = template % tuple(match.group(2).split(_SEP))
        except (TypeError, ValueError, KeyError):
            return UNKNOWN
        return filled if isinstance(filled, str) else UNKNOWN

    return DEFERRED_FORMAT.sub(fill, text)


def _str_format(node: ast.Call, read: Reader, lenient: bool) -> str | None:
    base = node.func.value  # type: ignore[attr-defined]
    template = read(base) if isinstance(base, ast.Constant | ast.Name) else None
    if template is None or any(isinstance(a, ast.Starred) for a in node.args) or \
            any(k.arg is None for k in node.keywords):
        return None
    keywords = {k.arg: k.value for k in node.keywords}
    out: list[str] = []
    pos = 0
    auto = 0
    for match in _FIELD.finditer(template):
        out.append(template[pos:match.start()])
        pos = match.end()
        field = match.group("field")
        if field is None:
            out.append(match.group(0)[0])  # `{{` / `}}`
            continue
        name = re.split(r"[!:]", field, maxsplit=1)[0]
        plain = name == field
        value: ast.AST | None
        if name == "":
            value = node.args[auto] if auto < len(node.args) else None
            auto += 1
        elif name.isdecimal():
            index = int(name)
            value = node.args[index] if index < len(node.args) else None
        else:
            value = keywords.get(name)
        text = _part(value if plain else None, read, lenient)
        if text is None:
            return None
        out.append(text)
    out.append(template[pos:])
    return "".join(out)


def _fstring(node: ast.JoinedStr, read: Reader, lenient: bool) -> str | None:
    out: list[str] = []
    for part in node.values:
        if isinstance(part, ast.FormattedValue):
            plain = part.format_spec is None and part.conversion == -1
            text = _part(part.value if plain else None, read, lenient)
        else:
            text = read(part)
        if text is None:
            return None
        out.append(text)
    return "".join(out)
