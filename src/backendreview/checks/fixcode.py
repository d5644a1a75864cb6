"""Small builders for fix suggestions that are Python code: a suggestion must parse (the
test-suite parses every one the fixtures produce), so a handler is shown as a real `def`
(inside its class for a method) and prose goes into the description, never the code."""

from __future__ import annotations

import ast
import io
import re
import tokenize


def parses(code: str) -> bool:
    try:
        ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def code_or_none(code: str | None) -> str | None:
    """The suggestion when it is code, else None (its words belong in the description)."""
    return code if code and parses(code) else None


def handler_code(handler: str, params: str, decorators: list[str], body: str = "...",
                 comment: str = "", is_async: bool = False) -> str:
    """`def name(params):` (`async def` when the handler is one) with `decorators` above it;
    `Class.method` is shown inside its class, never as `def Class.method`."""
    owner, _, name = handler.rpartition(".")
    name = name if name.isidentifier() else "view"
    if owner and not params.startswith("self"):
        params = f"self, {params}" if params else "self"
    note = f"  # {comment}" if comment else ""
    keyword = "async def" if is_async else "def"
    lines = [*(f"@{d}" for d in decorators), f"{keyword} {name}({params}):{note}",
             *(f"    {line}" for line in body.splitlines())]
    if owner:
        head = owner.rsplit(".", 1)[-1]
        return f"class {head}:  # the existing view\n" + "\n".join(f"    {x}" for x in lines)
    return "\n".join(lines)


def one_line(text: str) -> str:
    """`text` folded onto one line without its comments: a `# type: ignore` inside a chain
    written over several lines would, once the lines are joined, comment out the rest of
    the code. A shortened snippet (an unclosed bracket at its end) keeps the comments the
    tokenizer found before it stopped removed."""
    comments: list[tokenize.TokenInfo] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT:
                comments.append(tok)
    except (tokenize.TokenError, SyntaxError, IndentationError):
        pass  # the comments seen so far are still comments
    lines = text.splitlines(keepends=True)
    for tok in reversed(comments):
        row, col = tok.start
        lines[row - 1] = lines[row - 1][:col] + lines[row - 1][tok.end[1]:]
    # a backslash continuation goes with its newline, or the code would not parse
    return " ".join(re.sub(r"\\\s*\n", " ", "".join(lines)).split())
