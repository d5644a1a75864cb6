"""Where the evidence behind a finding is weak, the finding is reported as a `note` with a
sentence saying why, instead of at the rule's own severity.

A query per row or a missing timeout costs a user a request when it runs while serving one.
In a management command, a build or command-line script, code that runs once at start-up or
an admin-only diagnostic, the same code costs at most the
operator who runs it: still worth a look, not worth a warning.
"""

from __future__ import annotations

import ast
import re

from ..model import Severity

_COMMAND_DIR = re.compile(r"(^|/)management/commands/")
_SCRIPT_PART = re.compile(r"^(?:manage\.py|cli\.py|cli|commands\.py|scripts?|bin|tools|setup\.py"
                          r"|build(?:_\w+)?\.py|\w+_build\.py|noxfile\.py|fabfile\.py)$")

NOTE = Severity.NOTE


def script_reason(path: str) -> str | None:
    """The file is a management command or a command-line / build script."""
    path = path.replace("\\", "/")
    if _COMMAND_DIR.search(path):
        return "it runs in a management command, not while serving a request"
    if any(_SCRIPT_PART.match(part) for part in path.lower().split("/")):
        return "it runs in a command-line or build script, not while serving a request"
    return None


def admin_reason(path: str) -> str | None:
    """The file belongs to an admin area (`admin/`), used by a few trusted operators."""
    if "admin" in path.replace("\\", "/").lower().split("/")[:-1]:
        return "it is admin-only code, run by a few trusted operators"
    return None


AT_IMPORT = "it runs once, when the module is imported"


def startup_reason(ctx, node: ast.AST) -> str | None:  # type: ignore[no-untyped-def]
    """The code runs once: at import (module level) or in an AppConfig's `ready()`."""
    function = ctx.semantic.enclosing_function(node)
    if function is None:
        # a lambda's body runs when it is called, not at import
        return None if any(isinstance(anc, ast.Lambda) for anc in ctx.semantic.ancestors(node)
                           ) else AT_IMPORT
    if getattr(function, "name", "") == "ready":
        return "it runs once, at start-up (`ready()`)"
    return None


def as_note(message: str, reason: str) -> str:
    return f"{message} (note: {reason})"
