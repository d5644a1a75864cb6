"""BR302: paths kept for another API's clients, which a rename would break.

A gateway that mirrors a vendor API (OpenAI-compatible `POST /v1/batches/{id}/cancel`)
registers one handler under the vendor's path both with and without the version prefix
(`/v1/batches/{id}/cancel` and `/batches/{id}/cancel`, sometimes `/{provider}/v1/...` or
`/openai/v1/...` too), because the vendor's SDKs are configured with either base URL. That
registration is written in the code: the path is a compatibility contract whose spelling the
mirrored API decides, so a verb in it is not this project's design to change. A handler served
under several versions only (`/api/v1/...` and `/api/v2/...`) is the project's own API and
stays reported.
"""

from __future__ import annotations

import re

from ..analysis.frameworks.naming import is_param, segments
from ..analysis.frameworks.routes import UNKNOWN_PREFIX, Route
from ..analysis.program import ProgramModel

# `v1`, `v1beta`, `v2alpha1`, `v1.2`: a version segment of a base URL.
_VERSION = re.compile(r"^v\d+(?:(?:alpha|beta)\d*)?(?:\.\d+)*$", re.I)


def _tail(path: str) -> tuple[tuple[str, ...], bool]:
    """The path below its last version segment (parameters blanked), and whether it had one."""
    parts = segments(path)
    if parts and parts[0] == UNKNOWN_PREFIX:
        parts = parts[1:]  # where the router is mounted is unknown; the same for every path
    cut = max((i + 1 for i, s in enumerate(parts) if _VERSION.match(s)), default=0)
    return tuple("{}" if is_param(s) else s.lower() for s in parts[cut:]), cut > 0


def mirrored_routes(routes: list[Route]) -> set[int]:
    """ids of the routes whose handler serves the same path under a version prefix and
    without one: a base-URL-agnostic compatibility surface."""
    by_handler: dict[tuple[str, int], list[Route]] = {}
    for route in routes:
        by_handler.setdefault((route.handler_file, route.handler_line), []).append(route)
    out: set[int] = set()
    for group in by_handler.values():
        if len({r.path for r in group}) < 2:
            continue
        tails: dict[tuple[str, ...], list[tuple[Route, bool]]] = {}
        for route in group:
            tail, versioned = _tail(route.path)
            tails.setdefault(tail, []).append((route, versioned))
        for tail, members in tails.items():
            if len(tail) < 2:
                continue  # `/v1/cancel` and `/cancel`: too little path to call it a mirror
            if any(v for _, v in members) and any(not v for _, v in members):
                out.update(id(r) for r, _ in members)
    return out


def has_version(route: Route) -> bool:
    return any(_VERSION.match(s) for s in segments(route.path))


MIRROR_CAVEAT = ("If this path mirrors another service's API (a vendor-compatible endpoint "
                 "whose SDKs call it), keep it as it is: a rename breaks those clients; add "
                 "the resource form beside it instead.")


# Names a protocol gives its paths, which every server of it answers and its clients call:
# the Prometheus HTTP API's range and exemplar queries (`/api/v1/query_range`), served alike
# by Thanos, Cortex, Mimir, Loki and VictoriaMetrics, and by consoles that proxy them.
_PROTOCOL_SEGMENTS = frozenset({"query_range", "query_exemplars"})


def protocol_path(route: Route, routes: list[Route]) -> bool:
    """`GET /query_range` beside `GET /query` under the same parent: the Prometheus query
    API's surface, whose spelling the protocol decides (a rename breaks its clients)."""
    parts = segments(route.path)
    if not parts or parts[-1].lower() not in _PROTOCOL_SEGMENTS:
        return False
    parent = [s.lower() for s in parts[:-1]]
    return any([s.lower() for s in segments(other.path)] == [*parent, "query"]
               for other in routes)


def proxied_path(program: ProgramModel, route: Route) -> str:
    """The upstream path a proxy handler forwards the request to, when it is the route's
    own path (open-webui's `POST /ollama/api/create` sending to `f"{url}/api/create"`, its
    `/{url_idx}` twin picking the backend): the path mirrors the upstream API, whose
    spelling that API decides; else "". Two literal segments at least, compared without
    the route's parameters: `/create` alone is too little path to call it a mirror. The
    route sits under a prefix of ours (`/ollama`) or one we cannot see: a route served at
    the very path its handler writes after a base URL links to itself."""
    handler = program.function_at(route.handler_file, route.handler_line)
    if handler is None or not handler.upstream_paths:
        return ""
    own = [s.lower() for s in segments(route.own_path) if not is_param(s)]
    if len(own) < 2:
        return ""
    written = segments(route.path)
    if UNKNOWN_PREFIX not in written and \
            [s.lower() for s in written if not is_param(s)] == own:
        # Served at that very path, no prefix mounting it beside another API's: a link to
        # the route itself (a mailed link, `f"{SITE_URL}/jobs/create_job?token=..."`),
        # not a forward to an upstream.
        return ""
    for path in handler.upstream_paths:
        if [s.lower() for s in segments(path)] == own:
            return path
    return ""
