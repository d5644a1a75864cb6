"""BR306 unsafe-get: a GET route whose handler writes stored data.

The writes come from analysis/frameworks/writes.py (resolved ORM / session / SQL writes in the
handler's own body; touch updates and get_or_create are not counted)."""

from __future__ import annotations

from typing import Any, ClassVar

from ..analysis.frameworks.naming import segments, words
from ..analysis.frameworks.routes import Route, project_routes
from ..analysis.rewrite import with_keyword
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
        routes = project_routes(facts)
        # A class view's methods the route table reaches: its own post() may already exist.
        handlers = {(r.handler_file, r.handler) for r in routes}
        for route in routes:
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
                fix=_fix(route, handlers), snippet=route.own_path)


# The page's own links and forms reach it; refusing GET breaks every `<a href>` to it.
_LINKS = (" Any link to it (an <a href> in a template, a redirect) must become a POST form "
          "first, or that caller breaks.")
# Whatever serves it, something calls it with GET today: a UI button, a script, a client.
_CALLERS = (" Whatever calls it with GET today (a link or button in the UI, a script, an API "
            "client) must switch to POST first, or it breaks.")


def _write_decorator(route: Route) -> str | None:
    """The route's own decorator (as written, so with the project's router or blueprint
    name) for a write method: `router.get("/x")` -> `router.post("/x")`,
    `bp.route("/x")` -> `bp.route("/x", methods=["POST"])`. None when the route is not
    registered by a decorator written in the source."""
    if route.decorator is None:
        return None
    source = route.decorator[1].lstrip("@")
    head, dot, rest = source.partition("(")[0].rpartition(".")
    if not dot or "\n" in head:
        return None
    if rest == "get":
        return with_method(source, "post")
    if rest in ("route", "api_route"):
        return with_keyword(source, "methods", '["POST"]')
    return None


def with_method(call: str, method: str) -> str:
    name, paren, args = call.partition("(")
    return f"{name.rpartition('.')[0]}.{method}{paren}{args}"


def _fix(route: Route, handlers: set[tuple[str, str]]) -> Fix:
    path = route.own_path or route.path
    handler = route.handler
    html = route.framework in ("django", "flask") or route.serves_html
    links = _LINKS if html else ""
    callers = links or _CALLERS
    owner = handler.rpartition(".")[0]
    if owner and route.framework in ("django", "drf") and (
            route.handler_file, f"{owner}.post") in handlers:
        # Serving the change from the view's post() would run what post() already does
        # (weblate's recovery codes: post() regenerates them) each time the page is shown.
        return Fix(f"Move the change out of the GET handler into a write request of its own; "
                   f"`{owner}` already has a post() that does something else, so the change "
                   f"needs its own POST view (or action), not that post()." + links)
    if "QUERY" in route.methods:
        return Fix("Move the change into a mutation: queries may be retried, cached and "
                   "prefetched", f"class Mutation:  # serve `{path}` as a mutation field")
    if route.framework in ("fastapi", "flask"):
        decorator = _write_decorator(route)
        description = ("Serve the change with a write method (post, put, patch or delete)"
                       if route.framework == "fastapi" else
                       "Accept only a write method for the change") + "." + links
        if decorator is None:
            return Fix(description)
        return Fix(description, handler_code(handler, "", [decorator],
                                             comment="keep the parameters",
                                             is_async=route.handler_async))
    if route.framework == "starlette":
        return Fix("Serve the change with a write method",
                   f'Route("{path}", {handler}, methods=["POST"])')
    if route.framework == "aiohttp":
        return Fix("Register the handler for a write method (`.post(...)` on the route table "
                   "or `add_post` on the router that registers it, in place of the GET)")
    if route.framework == "drf":
        if route.action in ("list", "retrieve"):
            # kolibri coach notifications: the list a UI polls also logs the poller. Moving
            # the list to POST breaks every reader; what moves is the write alone.
            read = "lists" if route.action == "list" else "reads one member"
            return Fix(f"This route {read} (the ViewSet's `{route.action}`): keep that a GET "
                       f"and move only the write out of it, into a write request of its own "
                       f"(a POST action the client sends when the change is meant), or, if "
                       f"it is bookkeeping of the read (who polled, when), into a background "
                       f"task or the log; serving the {route.action} from post() would break "
                       f"every client that reads it.")
        if route.action in ("get", ""):
            return Fix("Move the change out of the read handler into a write method (or a "
                       "ViewSet action with methods=[\"post\"])." + callers,
                       handler_code(handler.rpartition(".")[0] + ".post" if "." in handler
                                    else "post", "request, *args, **kwargs", []))
        return Fix("Declare the action for a write method." + callers,
                   handler_code(handler, "request, pk=None",
                                ['action(detail=True, methods=["post"])']))
    if "." in handler:
        return Fix("Accept only POST for the change (Django): serve it from post()." + links,
                   handler_code(handler.rpartition(".")[0] + ".post",
                                "request, *args, **kwargs", []))
    return Fix("Accept only POST for the change (Django)." + links,
               "from django.views.decorators.http import require_POST\n\n"
               + handler_code(handler, "request", ["require_POST"],
                              comment="keep the other parameters"))


RULES = (UnsafeGet,)
