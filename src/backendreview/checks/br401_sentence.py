"""A written message that embeds the exception keeps its sentence: only the exception's part
goes (BR401's exact fix).

    flash(_("Could not save: %s") % e)          ->  flash(_("Could not save"))
    {"detail": f"Export failed: {e}"}           ->  {"detail": "Export failed"}
    _("Import of {name} failed: {err}").format(name=name, err=e)
                                                ->  _("Import of {name} failed").format(name=name)

The project wrote that sentence for its users (often translated); "Internal server error" in
its place throws away what the page or client is told. When nothing but the exception is
left, the caller falls back to the generic text.
"""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Callable

# gettext and its usual aliases: the message is the first argument.
_TRANSLATORS = frozenset({"_", "gettext", "ugettext", "gettext_lazy", "ugettext_lazy", "_l",
                          "lazy_gettext", "pgettext", "translate", "N_", "T"})
# `%s`, `%(name)s`, `%r`, `%d`... and the literal `%%`.
_PERCENT = re.compile(r"%(?:\((\w+)\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[sdrifgeExXoc%a]")
# What joined the exception to the sentence: "failed: ", " - ", " (", ", error: "
_LEFT_JOIN = re.compile(r"[\s:;,\-–—(\[{]+$")
_RIGHT_JOIN = re.compile(r"^[\s)\]}]+")
_QUOTES = "'\"`«»“”"
_WORD = re.compile(r"[^\W\d_]{3,}")

Tainted = Callable[[ast.AST], object]


def sentence_without_exception(text: ast.AST, tainted: Tainted,
                               source: Callable[[ast.AST], str]) -> str | None:
    """The source of `text` with the exception's part taken out, when `text` is a message
    written around it; None when it is not one (or nothing written would be left)."""
    if isinstance(text, ast.JoinedStr):
        return _fstring(text, tainted, source)
    if isinstance(text, ast.BinOp) and isinstance(text.op, ast.Mod):
        return _percent(text, tainted, source)
    if isinstance(text, ast.BinOp) and isinstance(text.op, ast.Add):
        return _concatenation(text, tainted, source)
    if isinstance(text, ast.Call) and isinstance(text.func, ast.Attribute) and \
            text.func.attr == "format":
        return _format(text, tainted, source)
    return None


def translated(text: ast.AST) -> bool:
    """Whether the message is a translatable one (`_("...")`), whose msgid the edit changes."""
    template = text
    if isinstance(text, ast.BinOp):
        template = text.left
    elif isinstance(text, ast.Call) and isinstance(text.func, ast.Attribute):
        template = text.func.value
    return _message(template) is not None and isinstance(template, ast.Call)


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


# Words that only announce the exception ("error: ..."): alone they say nothing to the user.
_ANNOUNCING = frozenset({"error", "errors", "failed", "failure", "exception", "reason",
                         "details", "detail", "message", "cause", "traceback"})
# A clause that only announced the removed value: "not created, error" -> "not created".
# "..., error", "... again. Error", "..., for reason": what only introduced the value.
_ANNOUNCING_CLAUSE = re.compile(r"(?:\s*[,;\-–—]|(?<=[.!?])|\s+(?:for|with|due\s+to))"
                                r"\s*(?:the\s+)?(?:" + "|".join(sorted(_ANNOUNCING)) +
                                r")\s*$", re.I)


def _written(text: str) -> bool:
    """Whether a word of the sentence tells the user something (not only 'error')."""
    words = _WORD.findall(re.sub(r"\{[^}]*\}|%\(\w+\)\w|%\w", "", text))
    return any(w.lower() not in _ANNOUNCING for w in words)


def _fstring(node: ast.JoinedStr, tainted: Tainted,
             source: Callable[[ast.AST], str]) -> str | None:
    pieces: list[str | None] = []  # None marks where the exception was
    for value in node.values:
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            pieces.append(value.value.replace("{", "{{").replace("}", "}}"))
        elif isinstance(value, ast.FormattedValue):
            if tainted(value.value):
                pieces.append(None)
                continue
            if value.format_spec is not None:
                return None  # a spec's own nested f-string: leave the edit to the generic text
            conversion = "" if value.conversion == -1 else f"!{chr(value.conversion)}"
            pieces.append("{" + source(value.value) + conversion + "}")
        else:
            return None
    if None not in pieces:
        return None
    text = _join(pieces)
    if text is None:
        return None
    return ("f" if "{" in text.replace("{{", "") else "") + _quote(
        text if "{" in text.replace("{{", "") else text.replace("{{", "{").replace("}}", "}"))


def _join(pieces: list[str | None]) -> str | None:
    """Written pieces joined, each removed value (None) taken out with what joined it to the
    sentence ("failed: ", " (", "'...'")."""
    out = ""
    after_removed = False
    for piece in pieces:
        if piece is None:
            out = _LEFT_JOIN.sub("", _ANNOUNCING_CLAUSE.sub("", _LEFT_JOIN.sub(
                "", _unquoted_end(out))))
            after_removed = True
            continue
        if after_removed:
            piece = _RIGHT_JOIN.sub("", _unquoted_start(piece))
            if out and piece[:1].isalnum():
                piece = " " + piece
        after_removed = False
        out += piece
    out = re.sub(r"  +", " ", out).strip()
    return out if _written(out) else None


def _unquoted_end(text: str) -> str:
    """`failed: '` -> `failed: `: a quote that opened the removed value goes with it; one
    that closes a quoted name before it (`action "{action}": `) stays."""
    if text and text[-1] in _QUOTES and text.count(text[-1]) % 2 == 1:
        return text[:-1]
    return text


def _unquoted_start(text: str) -> str:
    if text and text[0] in _QUOTES and text.count(text[0]) % 2 == 1:
        return text[1:]
    return text


def _message(template: ast.AST) -> ast.Constant | None:
    """The written string of a template: a literal, or the literal in `_("...")`."""
    if isinstance(template, ast.Constant) and isinstance(template.value, str):
        return template
    if isinstance(template, ast.Call) and len(template.args) == 1 and not template.keywords:
        func = template.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(
            func, ast.Attribute) else ""
        if name in _TRANSLATORS:
            return _message(template.args[0])
    return None


def _rewrap(template: ast.AST, text: str, source: Callable[[ast.AST], str]) -> str:
    """`text` in the place of the template's literal (inside its translation call)."""
    if isinstance(template, ast.Call):
        return f"{source(template.func)}({_quote(text)})"
    return _quote(text)


def _percent(node: ast.BinOp, tainted: Tainted,
             source: Callable[[ast.AST], str]) -> str | None:
    message = _message(node.left)
    if message is None:
        return None
    fmt: str = message.value
    right = node.right
    specs = [m for m in _PERCENT.finditer(fmt) if m.group(0) != "%%"]
    if isinstance(right, ast.Dict):
        if any(k is None for k in right.keys):
            return None
        keys = [k.value if isinstance(k, ast.Constant) else None for k in right.keys]
        if None in keys or any(m.group(1) is None for m in specs):
            return None
        gone = {k for k, v in zip(keys, right.values, strict=True) if tainted(v)}
        kept = [f"{source(k)}: {source(v)}" for k, v in zip(right.keys, right.values,
                                                             strict=True) if k.value not in gone]
        dropped = [m for m in specs if m.group(1) in gone]
        rest = "{" + ", ".join(kept) + "}" if kept else None
    else:
        args = right.elts if isinstance(right, ast.Tuple) else [right]
        if len(args) != len(specs) or any(m.group(1) for m in specs):
            return None
        dropped = [m for m, a in zip(specs, args, strict=True) if tainted(a)]
        kept_args = [source(a) for a, m in zip(args, specs, strict=True) if m not in dropped]
        rest = None if not kept_args else kept_args[0] if len(kept_args) == 1 else \
            "(" + ", ".join(kept_args) + ")"
    if not dropped:
        return None
    pieces: list[str | None] = []
    at = 0
    for m in dropped:
        pieces += [fmt[at:m.start()], None]
        at = m.end()
    pieces.append(fmt[at:])
    text = _join(pieces)
    if text is None:
        return None
    if rest is None:
        return _rewrap(node.left, text.replace("%%", "%"), source)
    return f"{_rewrap(node.left, text, source)} % {rest}"


def _concatenation(node: ast.BinOp, tainted: Tainted,
                   source: Callable[[ast.AST], str]) -> str | None:
    operands: list[ast.AST] = []

    def flatten(part: ast.AST) -> None:
        if isinstance(part, ast.BinOp) and isinstance(part.op, ast.Add):
            flatten(part.left)
            flatten(part.right)
        else:
            operands.append(part)

    flatten(node)
    if not all((isinstance(o, ast.Constant) and isinstance(o.value, str)) or tainted(o)
               for o in operands):
        return None  # other values joined in: the generic text replaces the whole
    pieces: list[str | None] = [o.value if isinstance(o, ast.Constant) else None
                                for o in operands]
    if None not in pieces:
        return None
    text = _join(pieces)
    return None if text is None else _quote(text)


def _format(node: ast.Call, tainted: Tainted,
            source: Callable[[ast.AST], str]) -> str | None:
    assert isinstance(node.func, ast.Attribute)
    template = node.func.value
    message = _message(template)
    if message is None or any(k.arg is None for k in node.keywords) or any(
            isinstance(a, ast.Starred) for a in node.args):
        return None
    try:
        fields = list(string.Formatter().parse(message.value))
    except ValueError:
        return None
    named = {k.arg: k.value for k in node.keywords}
    gone: set[str] = {k for k, v in named.items() if tainted(v)}
    auto = 0
    pieces: list[str | None] = []
    kept_fields: list[str] = []
    for literal, name, spec, conversion in fields:
        pieces.append(literal.replace("{", "{{").replace("}", "}}"))
        if name is None:
            continue
        key = name.split(".")[0].split("[")[0]
        if key == "":
            index, auto = auto, auto + 1
        elif key.isdecimal():
            index = int(key)
        else:
            index = -1
        if index >= 0:
            if index >= len(node.args):
                return None
            if tainted(node.args[index]):
                pieces.append(None)
                continue
            return None  # positional fields kept beside a removed one: renumbering is risky
        if key in gone:
            pieces.append(None)
            continue
        kept_fields.append(key)
        field = "{" + name + (f"!{conversion}" if conversion else "") + (
            f":{spec}" if spec else "") + "}"
        pieces.append(field)
    if None not in pieces:
        return None
    text = _join(pieces)
    if text is None:
        return None
    kept = [f"{k.arg}={source(k.value)}" for k in node.keywords if k.arg in kept_fields]
    if not kept:
        return _rewrap(template, text.replace("{{", "{").replace("}}", "}"), source)
    return f"{_rewrap(template, text, source)}.format({', '.join(kept)})"
