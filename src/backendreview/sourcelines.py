"""Lines of source text numbered as Python numbers them.

Only \\n, \\r\\n and \\r end a line. str.splitlines() also breaks at form feeds, \\v,
\\x1c-\\x1e, \\x85 and \\u2028, which would shift every later line against the ast's line
numbers (an Emacs ^L page break is enough).
"""

from __future__ import annotations

import re

_NEWLINE = re.compile(r"\r\n|\r|\n")
_KEEPENDS = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def source_lines(text: str, *, keepends: bool = False) -> list[str]:
    if keepends:
        return _KEEPENDS.findall(text)
    lines = _NEWLINE.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines
