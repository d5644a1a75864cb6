"""BR302 on an RPC-style API: one design note, never a rename per route.

Some APIs are RPC over HTTP by design: nearly every route is `POST /<resource>/<action>`
with a JSON body (`POST /api/runs/get`, `POST /api/runs/stop`, `POST /api/fleets/delete`).
That is a consistent convention and a published contract of the project's clients; a verb
in one of its paths is not a stray mistake, and renaming single routes would only break
those clients and leave a mixed API. A reviewer says so once, at the API, if at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..analysis.frameworks.naming import (
    ACTION_ONLY_VERBS,
    ACTION_VERBS,
    CRUD_VERBS,
    is_param,
    segments,
    words,
)
from ..analysis.frameworks.routes import Route

# Below this many routes an API has no convention to speak of.
MIN_ROUTES = 8
# Shares of the API's routes that are POST-only, and that end in an action segment.
POST_SHARE = 0.75
ACTION_SHARE = 0.6


@dataclass(frozen=True)
class RpcApi:
    """A framework's routes in a project that follow the RPC convention."""

    framework: str
    routes: tuple[Route, ...]
    actions: tuple[Route, ...]  # the `POST .../<action>` routes among them


def is_action_route(route: Route) -> bool:
    """`POST .../get_plan`, `POST .../delete`, `POST .../stop`: a POST-only route whose path
    ends in a verb (phrase)."""
    if set(route.methods) != {"POST"}:
        return False
    parts = segments(route.path)
    if not parts or is_param(parts[-1]):
        return False
    ws = words(parts[-1])
    return bool(ws) and (ws[0] in CRUD_VERBS or ws[0] in ACTION_VERBS
                         or ws[0] in ACTION_ONLY_VERBS)


def rpc_apis(routes: list[Route]) -> dict[str, RpcApi]:
    """framework -> its API when that API is RPC-style: enough routes, most of them
    POST-only and most of them ending in an action. One API per framework of the project:
    a project that mixes a resource API with a few actions does not qualify."""
    by_framework: dict[str, list[Route]] = {}
    for route in routes:
        by_framework.setdefault(route.framework, []).append(route)
    out: dict[str, RpcApi] = {}
    for framework, group in by_framework.items():
        if len(group) < MIN_ROUTES:
            continue
        posts = [r for r in group if set(r.methods) == {"POST"}]
        actions = [r for r in group if is_action_route(r)]
        if len(posts) >= POST_SHARE * len(group) and len(actions) >= ACTION_SHARE * len(group):
            out[framework] = RpcApi(framework, tuple(group), tuple(actions))
    return out


def design_note(api: RpcApi) -> tuple[Route, str, str]:
    """Where to say it (the first action route, in path and line order), the message and
    the fix's description."""
    ordered = sorted(api.actions, key=lambda r: (r.file, r.span.start_line, r.span.start_col))
    first = ordered[0]
    examples = ", ".join(f'"POST {r.path}"' for r in ordered[:3])
    message = (f"the {api.framework} API is RPC-style throughout: {len(api.actions)} of its "
               f"{len(api.routes)} routes are POST .../<action> ({examples}...). That is a "
               f"consistent convention and the contract its clients rely on, not a stray verb: "
               f"renaming single routes would break those clients and leave a mixed API")
    fix = ("Keep the convention consistent (every operation a POST .../<action> with a JSON "
           "body); move to resource URLs only as a whole, under a new API version, keeping "
           "the old routes until clients have moved")
    return first, message, fix
