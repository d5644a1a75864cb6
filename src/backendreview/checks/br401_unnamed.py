"""BR401: a broad `except` in a function nothing in the project names.

`def get_current_user(...): try: ... except Exception as e: raise HTTPException(403,
detail=f"Authentication error: {e}")` leaks only if a request runs the function. Asking
which functions requests run needs every call site of the program resolved (the forward
reach from every route), which costs a default run more than BR401 is worth (tried in
session 11: skyvern 20 -> 35 s CPU). The question asked here is narrower and cheap: a
module-level function, undecorated, no route handler, whose name its own file mentions only
at its `def`, and that no module imports (nor the module holding it, nor the package
holding that, nor with `import *`), cannot be called by any code of the project: dead code, or a
function a setting names by string (an entry point, DRF's `EXCEPTION_HANDLER = "..."`).
Its findings are reported as a `note` saying so. Methods are left alone: a framework calls
hooks it finds by name (`validate_email`, `dispatch`), and a receiver the model cannot type
calls the rest.

The file half records such functions (`LoneFunction`, only those holding a BR401 finding)
and holds their direct findings (`HeldDirect`), and every file what it imports, in any scope
(`FileImports`: the semantic model's `imported_names`, full dotted names); the project half
checks those (no call site resolved) and gives the findings back. The program model's
`ModuleInfo.imports` is not enough: it keeps a module-level name only when one import binds
it (a `try: from .auth import f / except ImportError: f = None` is missing) and keeps
`import app.sub.auth` as the `app` it binds.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, replace
from typing import Any

from ..analysis.program import program_of
from ..context import FileContext
from ..model import Finding, Severity

LONE = "br401_lone_functions"
HELD_DIRECT = "br401_held_direct"
FILE_IMPORTS = "br401_file_imports"


@dataclass(frozen=True)
class LoneFunction:
    """The module-level function `ref` (lines `first`..`last` of `path`), undecorated and no
    route handler, whose name its file mentions only at its def."""

    path: str
    first: int
    last: int
    ref: str
    name: str


@dataclass(frozen=True)
class FileImports:
    """Every module and name a file imports, at any scope and however often it binds it
    (`from m import f` in a method, a guarded import, `import a.b.c` as `a.b.c`)."""

    names: frozenset[str]


def record_file_imports(ctx: FileContext) -> None:
    names = ctx.semantic.imported_names()
    if names:
        ctx.emit_fact(FILE_IMPORTS, FileImports(names))


@dataclass(frozen=True)
class HeldDirect:
    """A finding the file half made in full, held for the project half's reach question."""

    finding: Finding


class LoneFunctions:
    """Per file: which module-level functions holding a finding are named only at their def."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self._asked: dict[int, bool] = {}  # def line -> the answer

    def lone(self, func: ast.AST | None) -> bool:
        """`func` is such a function; its fact is emitted once."""
        ctx = self.ctx
        if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef) or func.decorator_list \
                or func.name.startswith("__") or not ctx.module \
                or not isinstance(ctx.semantic.parent(func), ast.Module):
            return False
        known = self._asked.get(func.lineno)
        if known is not None:
            return known
        # The name as a word, once: the def's own (a comment or a string naming it counts as
        # a mention, which only keeps the warning). The scan stops at the second.
        self._asked[func.lineno] = lone = _mentions(ctx.text, func.name) == 1
        if not lone:
            return False
        ctx.emit_fact(LONE, LoneFunction(ctx.path, func.lineno, func.end_lineno or func.lineno,
                                         f"{ctx.module}.{func.name}", func.name))
        return True


def _mentions(text: str, name: str) -> int:
    """How often `name` stands in `text` as a word, counted up to 2 (str.find: a regex
    with word boundaries costs a second of a large project's run)."""
    found, size, at = 0, len(name), text.find(name)
    while at != -1:
        before = text[at - 1] if at else " "
        after = text[at + size] if at + size < len(text) else " "
        if not (before.isalnum() or before == "_" or after.isalnum() or after == "_"):
            found += 1
            if found == 2:
                break
        at = text.find(name, at + size)
    return found


def hold_direct(ctx: FileContext, finding: Finding) -> None:
    ctx.findings.remove(finding)
    ctx.emit_fact(HELD_DIRECT, HeldDirect(finding))


def unnamed_notes(facts: dict[str, list[Any]], findings: list[Finding]) -> list[Finding]:
    """`findings` with the held direct ones added, each in a function no module can call
    turned into a note saying why."""
    findings = [*findings, *(item.finding for item in facts.get(HELD_DIRECT, []))]
    lone: list[LoneFunction] = facts.get(LONE, [])
    if not lone:
        return findings
    model = program_of(facts)
    if len(model.modules) < 2:
        return findings  # one file reviewed (an editor's buffer): its importers are unseen
    imported: set[str] = set()
    for module in model.modules.values():
        imported.update(module.star_imports)
    for item in facts.get(FILE_IMPORTS, []):
        imported.update(item.names)
    unnamed: dict[str, list[LoneFunction]] = {}
    for item in lone:
        module = item.ref.rsplit(".", 1)[0]
        parts = item.ref.split(".")
        # The function, its module or the package holding that, imported anywhere: a caller
        # may reach it through the name (`auth_token.get_current_user`, `Depends(...)`). A
        # top-level `import letta` (for `letta.__version__`) is not read as a way to
        # `letta.server.rest_api.auth_token.get_current_user`.
        if any(".".join(parts[:i]) in imported for i in range(max(1, len(parts) - 2),
                                                               len(parts) + 1)):
            continue
        if model.resolve(item.ref) is None or module not in model.modules:
            continue  # not the model's own: nothing to say
        unnamed.setdefault(item.path, []).append(item)
    if not unnamed:
        return findings
    out: list[Finding] = []
    for finding in findings:
        item = next((i for i in unnamed.get(finding.path, ())
                     if i.first <= finding.span.start_line <= i.last), None)
        if item is not None and finding.severity is not Severity.NOTE:
            finding = replace(finding, severity=Severity.NOTE, message=(
                f"{finding.message} (note: nothing in the reviewed code calls, imports or names "
                f"`{item.name}`, so no route runs it; it is sent only if something outside "
                f"the code calls it, such as a setting naming it by string)"))
        out.append(finding)
    return out
