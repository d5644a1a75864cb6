"""BR306 unsafe-get: a GET route whose handler writes stored data.

The writes come from analysis/frameworks/writes.py (resolved ORM / session / SQL writes in the
handler's own body; touch updates and get_or_create are not counted)."""

from __future__ import annotations

from typing import Any, ClassVar

from ..analysis.frameworks.naming import segments, words
from ..analysis.frameworks.routes import Route, project_routes
from ..model import Fix
from .base import ProjectRule
from .fixcode import handler_code

# Link targets that must answer GET: a payment provider's or OAuth server's redirect back,
# the link in an e-mail (verify, confirm, unsubscribe). Their writes are the protocol.
LINK_TARGET_WORDS = frozenset({"callback", "return", "redirect", "webhook", "oauth",
                               "authorize", "authorized", "verify", "confirm", "activate",
                               "unsubscribe", "sso", "saml", "oidc", "acs"})


def is_link_target(route: Route) -> bool:
    names = [w for seg in segments(route.path) for w in words(seg)]
    names += words(route.handler)
    return bool(LINK_TARGET_WORDS & set(names))


class UnsafeGet(ProjectRule):
    id = "BR306"
    needs_facts: ClassVar[tuple[str, ...]] = ("routes",)

    def check(self, facts: dict[str, list[Any]]) -> None:
        seen: set[tuple[str, int, str]] = set()
        for route in project_routes(facts):
            if not route.resource_writes:
                continue
            methods = set(route.methods)
            # ANY: a Django function view / aiohttp `view` that a GET reaches as well.
            # QUERY: a GraphQL query field, which clients and caches treat as safe too.
            if "GET" not in methods and methods not in ({"ANY"}, {"QUERY"}):
                continue
            if is_link_target(route):
                continue
            key = (route.file, route.span.start_line, route.path)
            if key in seen:
                continue
            seen.add(key)
            first = route.resource_writes[0]
            more = len(route.resource_writes) - 1
            also = f" (and {more} more write{'s' if more > 1 else ''})" if more else ""
            shown = "GET" if "GET" in methods else "QUERY" if "QUERY" in methods else (
                "ANY (GET included)")
            self.report(
                route.file, route.span,
                f'route "{shown} {route.path}" ({route.handler}) writes data: '
                f"`{first.text}` on line {first.line}{also}; a GET must be safe and "
                f"idempotent (crawlers, prefetchers and retries repeat it)",
                fix=_fix(route), snippet=route.own_path)


def _fix(route: Route) -> Fix:
    path = route.own_path or route.path
    handler = route.handler
    if "QUERY" in route.methods:
        return Fix("Move the change into a mutation: queries may be retried, cached and "
                   "prefetched", f"class Mutation:  # serve `{path}` as a mutation field")
    if route.framework == "fastapi":
        return Fix("Serve the change with a write method (post, put, patch or delete)",
                   handler_code(handler, "", [f'router.post("{path}")'],
                                comment="keep the parameters", is_async=route.handler_async))
    if route.framework == "starlette":
        return Fix("Serve the change with a write method",
                   f'Route("{path}", {handler}, methods=["POST"])')
    if route.framework == "flask":
        return Fix("Accept only a write method for the change",
                   handler_code(handler, "", [f'bp.route("{path}", methods=["POST"])'],
                                comment="keep the parameters", is_async=route.handler_async))
    if route.framework == "aiohttp":
        return Fix("Register the handler for a write method",
                   f'routes.post("{path}")  # or app.router.add_post("{path}", {handler})')
    if route.framework == "drf":
        if route.action in ("list", "retrieve", "get", ""):
            return Fix("Move the change out of the read handler into a write method (or a "
                       "ViewSet action with methods=[\"post\"])",
                       handler_code(handler.rpartition(".")[0] + ".post" if "." in handler
                                    else "post", "request, *args, **kwargs", []))
        return Fix("Declare the action for a write method",
                   handler_code(handler, "request, pk=None",
                                ['action(detail=True, methods=["post"])']))
    if "." in handler:
        return Fix("Accept only POST for the change (Django): serve it from post()",
                   handler_code(handler.rpartition(".")[0] + ".post",
                                "request, *args, **kwargs", []))
    return Fix("Accept only POST for the change (Django)",
               "from django.views.decorators.http import require_POST\n\n"
               + handler_code(handler, "request", ["require_POST"],
                              comment="keep the other parameters"))


RULES = (UnsafeGet,)
