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
    if "\r" not in text:
        # The common case, at str.split's speed rather than the regex engine's (a 20 MB
        # one-line literal took 0.4 s per call the other way).
        lines = text.split("\n")
        if keepends:
            last = lines.pop()
            lines = [line + "\n" for line in lines]
            if last:
                lines.append(last)
            return lines
    elif keepends:
        return _KEEPENDS.findall(text)
    else:
        lines = _NEWLINE.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines
