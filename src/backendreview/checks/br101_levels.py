"""BR101's level: a warning only on positive evidence that an outsider chooses SQL text.

On the tuning half every true first-sight finding was either outsider-chosen text spliced
where a value goes (inside a quoted literal, where a placeholder belongs) with no escaping, or
a clause, fragment or name built from a request; names and fragments filled from a parameter,
a task's arguments, configuration or definitions held none (docs/quality.md, "Why tuning
work does not carry over"). So:

- warning: a part with evidence sits in a value position (br101_positions), or request data
  reaches the text in any position (read in the function itself, or passed by a call up the
  chain, or the parameters of a route handler the route model registers);
- note, with the reason: a name or fragment position filled from parameters whose values
  reach it through `*args` / `**kwargs` (which hide what they carry); and any finding in a
  management command, a command-line or build script, a migration or start-up code (the
  path policy BR102 and BR501 share: confidence.script_reason, br102_scripts);
- nothing: a name or fragment position filled only from parameters that come from a public
  function's callers (the package's interface) or from an entry point that is no route (a
  task, a signal receiver, a decorated callback). On the tuning half every such note was
  false or debatable (session 17: 21 false, 3 debatable, 0 true: identifiers a migration
  helper, the developer's configuration or the code's own class names fill): SQL whose
  names its callers write by design, with nothing to show a request writes them.
"""

from __future__ import annotations

import ast
from collections.abc import Collection
from dataclasses import replace

from ..analysis.handlers import is_route_handler
from ..analysis.paths import is_migration_path
from ..analysis.program import FunctionInfo
from ..analysis.program.entries import entry_kind
from ..analysis.program.facts import CallSite
from ..model import Finding
from .br102_scripts import file_script_reason
from .confidence import NOTE, as_note, startup_reason

MIGRATION_REASON = "it runs in a migration, not while serving a request"
# A function that takes the request is a view (is_entry_point says the same): its other
# parameters are the route's (URL parts, a form).
_REQUEST = ("request", "req")


def takes_request(args: ast.arguments | None) -> bool:
    return args is not None and any(
        a.arg in _REQUEST for a in [*args.posonlyargs, *args.args, *args.kwonlyargs])


def weaken(finding: Finding, reason: str) -> Finding:
    """`finding` as a note that ends with `reason`; a note already keeps its own reason."""
    if finding.severity == NOTE:
        return finding
    return replace(finding, severity=NOTE, message=as_note(finding.message, reason))


def file_place_reason(ctx, node: ast.AST) -> str | None:  # type: ignore[no-untyped-def]
    """Per file: the code runs outside any request (a script or command by its path, unless
    the file registers route handlers; a migration; module level or `ready()`)."""
    if is_migration_path(ctx.policy_path):
        return MIGRATION_REASON
    return file_script_reason(ctx) or startup_reason(ctx, node)


def names_reason(names: Collection[str], where: str) -> str:
    """The note for parts that fill a name or fragment position from parameters alone."""
    shown = ", ".join(f"`{n}`" for n in sorted(names))
    verb = "fills" if len(names) == 1 else "fill"
    return (f"{shown} {verb} a name or fragment position (a table, a column, a clause), which "
            f"a placeholder cannot carry and callers choose by design, and {where}; nothing "
            "shows a request chooses it")


def entry_point_reason(ctx, func: ast.AST, params: Collection[str]  # type: ignore[no-untyped-def]
                       ) -> str | None:
    """Per file: the finding's only evidence is `params`, parameters of `func`, an entry
    point (something outside the project calls it): positive evidence when `func` is a route
    handler by the route model's answer; otherwise the reason for a note."""
    if is_route_handler(ctx, func) or takes_request(getattr(func, "args", None)):
        return None
    name = getattr(func, "name", "?")
    return names_reason(params, f"`{name}` is called from outside the project but is no "
                                "route handler the route model registers (a task, a "
                                "callback, a hook)")


def hidden_by_star(path: list[tuple[FunctionInfo, CallSite | None]]) -> bool:
    """`path` (ParamSummaries.runtime_path) ends at a call that hands the values on through
    `*args` / `**kwargs`, which hide what they carry (what runtime_path_reason says)."""
    return bool(path) and path[-1][1] is not None and "*" in path[-1][1].passed_args  # type: ignore[union-attr]


def runtime_path_reason(model, path: list[tuple[FunctionInfo, CallSite | None]],  # type: ignore[no-untyped-def]
                        handlers: Collection[tuple[str, int]], param: str) -> str | None:
    """Project phase: `path` (ParamSummaries.runtime_path) says why a parameter is runtime.
    None when it is positive evidence: it ends at a call that passes request data, or at a
    route handler (the route table's, or a function taking the request); otherwise the
    reason for a note (a task's or a callback's arguments, text hidden in `*args`)."""
    if not path:
        return None  # nothing to judge by: the finding keeps its level
    caller, site = path[-1]
    if site is not None:
        if "*" not in site.passed_args:
            return None  # the call passes request data
        return names_reason([param], f"what reaches it is handed through `*args` / "
                                     f"`**kwargs` by `{caller.name}`, which hide what "
                                     "they carry")
    if (caller.path, caller.line) in handlers or any(p in _REQUEST for p in caller.params):
        return None
    kind = entry_kind(model, caller) or "decorated callback or hook"
    article = "an" if kind[0] in "aeiou" else "a"
    return names_reason([param], f"its values come from `{caller.name}`, {article} {kind} "
                                 "and no route handler the route model registers")
