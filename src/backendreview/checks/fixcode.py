"""Small builders for fix suggestions that are Python code: a suggestion must parse (the
test-suite parses every one the fixtures produce), so a handler is shown as a real `def`
(inside its class for a method) and prose goes into the description, never the code."""

from __future__ import annotations

import ast


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
