"""BR306 unsafe-get: a GET route whose handler writes stored data.

The writes come from analysis/frameworks/writes.py (resolved ORM / session / SQL writes in the
handler's own body; touch updates and get_or_create are not counted)."""

from __future__ import annotations

from typing import Any, ClassVar

from ..analysis.frameworks.naming import is_param, segments, words
from ..analysis.frameworks.routes import UNKNOWN_PREFIX as UNKNOWN
from ..analysis.frameworks.routes import Route, path_params, project_routes
from ..analysis.rewrite import with_keyword
from ..model import Fix
from .base import ProjectRule
from .br302_fixes import normal_path
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
    # The call graph tells a page rendered through a project helper (html_pages.py), which
    # keeps its GET; without it the fix would depend on which other rules run beside this.
    needs_facts: ClassVar[tuple[str, ...]] = ("routes", "program-calls")

    def check(self, facts: dict[str, list[Any]]) -> None:
        seen: set[tuple[str, int, str]] = set()
        routes = project_routes(facts)
        # A class view's methods the route table reaches: its own post() may already exist.
        handlers = {(r.handler_file, r.handler) for r in routes}
        # (app, normalised path) -> the handlers that already answer POST there: the method
        # the fix would move the route to may be taken. Only on the same app: another app's
        # POST on the same path (an admin app beside the public one) competes with nothing.
        writers: dict[tuple[str | None, ...], set[str]] = {}
        for r in routes:
            if "POST" in r.methods:
                writers.setdefault(_mount(r), set()).add(f"POST by `{r.handler}`")
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
                fix=_fix(route, handlers, writers.get(_mount(route), set())),
                snippet=route.own_path)


def _mount(route: Route) -> tuple[str | None, ...]:
    """Where a route answers, as far as the table can tell: its app and normalised path. A
    path under a prefix the reader could not resolve (`{?}/<int:id>`) says nothing of where
    it is mounted: two such routes meet only when registered in one file on one object (the
    same router or blueprint, or one urls module's list), which shares the unknown prefix."""
    if UNKNOWN not in route.path:
        return (route.app, normal_path(route.path))
    receiver = ""
    if route.decorator is not None:
        receiver = route.decorator[1].split("(", 1)[0].rpartition(".")[0]
    return (route.app, route.file, receiver, normal_path(route.path))


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


def _taken(route: Route, writers: set[str]) -> list[str]:
    """The POST handlers other than the route's own on its path (`POST by
    `close_note_post``): the route's own handler and its class are not another."""
    owner = route.handler.rpartition(".")[0] or route.handler
    return sorted(w for w in writers
                  if not w.endswith((f"`{route.handler}`", f"`{owner}`"))
                  and f"`{owner}." not in w)


def _own_writers(route: Route, writers: set[str]) -> bool:
    """The route's class view already answers POST on its path (its own post(), or one it
    inherits: a DeleteView's, a ListCreateAPIView's)."""
    owner = route.handler.rpartition(".")[0]
    return bool(owner) and any((w.endswith(f"`{owner}`") or f"`{owner}." in w)
                               and not w.endswith(f"`{route.handler}`") for w in writers)


def _serves_post_too(route: Route, writers: set[str]) -> bool:
    """The route's own handler function answers POST on its path as well (a Flask route
    with methods=["GET", "POST"], a UI viewset's create() the router gives both): the fix is
    to make the change on that method only, not to drop the GET. A DRF viewset's standard
    routes all show the class as their handler (list and create are different methods)."""
    if route.framework == "drf" and "." not in route.handler:
        return False
    return f"POST by `{route.handler}`" in writers


def _action_decorator(route: Route) -> tuple[str, str]:
    """(`action(detail=..., methods=["post"], url_path=...)`, its parameters) for a DRF
    @action route: `detail` as the route has it (a detail action has the viewset's lookup
    parameter right before its own path) and its own `url_path` kept, so the URL stays."""
    detail = False
    lookup = "pk"
    if route.registered_at is not None:
        own = len(segments(route.own_path))
        before = len(segments(route.path)) - own - route.registered_at[3]
        detail = before == 1
        if detail:
            segment = segments(route.path)[-own - 1]
            names = path_params(segment) if is_param(segment) else []
            found = next((n for n in (names[0] if names else ()) if n), "pk")
            lookup = found if found.isidentifier() else "pk"
    url_path = route.own_path.strip("/")
    name = route.handler.rpartition(".")[2]
    keep = f", url_path={_literal(url_path)}" if url_path and url_path != name else ""
    # The url_path's own groups (`versions/(?P<version>[^/.]+)/publish`) reach the method
    # as keyword arguments: a signature without them raises TypeError on every call.
    own = [next((n for n in groups if n), "") for groups in path_params(url_path)]
    extra = list(dict.fromkeys(n for n in own if n.isidentifier() and n != lookup))
    params = ", ".join(["request", *([f"{lookup}=None"] if detail else []),
                        *(f"{n}=None" for n in extra)])
    return f'action(detail={detail}, methods=["post"]{keep})', params


def _literal(text: str) -> str:
    """`text` as a Python string literal: a raw one for a regex with backslashes (`\\d+`),
    repr() when a quote or a trailing backslash would end a raw one early."""
    if '"' in text or text.endswith("\\"):
        return repr(text)
    return f'r"{text}"' if "\\" in text else f'"{text}"'


def _fix(route: Route, handlers: set[tuple[str, str]], writers: set[str]) -> Fix:
    path = route.own_path or route.path
    handler = route.handler
    html = route.serves_html or (route.framework in ("django", "flask")
                                 and not route.serves_json)
    links = _LINKS if html else ""
    callers = links or _CALLERS
    owner = handler.rpartition(".")[0]
    taken = _taken(route, writers)
    # (A Starlette HTTPEndpoint too: its get() becoming post() below would replace it.)
    if owner and route.framework in ("django", "drf", "starlette") and (
            (route.handler_file, f"{owner}.post") in handlers or (
                route.action not in ("list", "retrieve") and _own_writers(route, writers))):
        # Serving the change from the view's post() would run what post() already does
        # (weblate's recovery codes: post() regenerates them) each time the page is shown.
        return Fix(f"Move the change out of the GET handler into a write request of its own; "
                   f"`{owner}` already has a post() that does something else, so the change "
                   f"needs its own POST view (or action), not that post()." + callers)
    if _serves_post_too(route, writers) and "QUERY" not in route.methods and \
            route.action not in ("list", "retrieve"):
        # `@bp.route("/notes/<id>/edit", methods=["GET", "POST"])` writing on both: refusing
        # GET (methods=["POST"], require_POST) would take away the page the GET shows.
        return Fix(f"`{handler}` answers POST on this path as well: make the change only "
                   f"when the request is a POST (under `if request.method == \"POST\":`, or "
                   f"after a bound form of the POST validates) and let the GET only show what "
                   f"it shows; refusing GET would take away that page.")
    if route.serves_html and (("." not in handler and not route.ends_in_redirect)
                              or route.hands_on) and "QUERY" not in route.methods:
        # `thread_page` renders the thread and counts the view: the page is what the route
        # is for, and a POST-only page breaks every link to it. What moves is the write.
        # (A function's own returns render it; a class view's "page" is its lineage's, which
        # says nothing of this method unless the method hands on to the library's get(),
        # which renders it: a set-default action of an HTML viewset redirects. A function
        # that ends in a redirect is an action whose page, if any, an early return shows:
        # an error page, `approve` redirecting once it has approved.)
        return Fix("This route shows a page (its handler renders one): keep the page a GET "
                   "and move only the write out of it, into a POST of its own that the page "
                   "sends when the change is meant (a form with a button on the page), or, if "
                   "it is bookkeeping of the visit (a view count, a read mark, a last-seen "
                   "time), into something no crawler or prefetch repeats (a background task, "
                   "a request the page's script sends); accepting only POST here would break "
                   "every link to the page.")
    if taken and "QUERY" not in route.methods and not (
            route.framework == "drf" and route.action not in ("list", "retrieve", "get", "")):
        # `@bp.route("/x/close")` beside `@bp.route("/x/close", methods=["POST"])` of another
        # handler: moving this one to POST makes two handlers for one method and path.
        shown = "; ".join(taken)
        return Fix(f"Move the change out of the GET handler into a write request, but not by "
                   f"registering this handler for a write method on the same path: that "
                   f"path already answers {shown}, so two handlers would compete for it. "
                   f"Check whether that handler already makes this change (then the GET only "
                   f"has to stop making it); otherwise give the change a path of its own."
                   + (links or callers))
    if "QUERY" in route.methods:
        return Fix("Move the change into a mutation: queries may be retried, cached and "
                   "prefetched", f"class Mutation:  # serve `{path}` as a mutation field")
    if route.framework in ("fastapi", "flask"):
        decorator = _write_decorator(route)
        description = ("Serve the change with a write method (post, put, patch or delete)"
                       if route.framework == "fastapi" else
                       "Accept only a write method for the change") + "." + callers
        if decorator is None:
            return Fix(description)
        return Fix(description, handler_code(handler, "", [decorator],
                                             comment="keep the parameters",
                                             is_async=route.handler_async))
    if route.framework == "starlette" and owner:
        # An HTTPEndpoint dispatches on its method names: `Route(..., Archive.get,
        # methods=["POST"])` would hand an unbound method to the router. Its get() becomes
        # post().
        return Fix(f"Serve the change from `{owner}`'s post() in place of its get()." + callers,
                   handler_code(f"{owner}.post", "request", [], is_async=route.handler_async))
    if route.framework == "starlette":
        return Fix("Serve the change with a write method." + callers,
                   f'Route("{path}", {handler}, methods=["POST"])')
    if route.framework == "aiohttp":
        return Fix("Register the handler for a write method (`.post(...)` on the route table "
                   "or `add_post` on the router that registers it, in place of the GET)."
                   + callers)
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
        decorator, params = _action_decorator(route)
        # The route does not carry the decorator as written: its other arguments
        # (permission_classes, serializer_class) are not in the code shown, and dropping
        # them would widen who may call the action.
        return Fix("Declare the action for a write method." + callers + " Keep the "
                   "@action's other arguments as written (permission_classes, "
                   "serializer_class, ...): only `methods` changes.",
                   handler_code(handler, params, [decorator]))
    if "." in handler:
        return Fix("Accept only POST for the change (Django): serve it from post()." + callers,
                   handler_code(handler.rpartition(".")[0] + ".post",
                                "request, *args, **kwargs", []))
    return Fix("Accept only POST for the change (Django)." + callers,
               "from django.views.decorators.http import require_POST\n\n"
               + handler_code(handler, "request", ["require_POST"],
                              comment="keep the other parameters"))


RULES = (UnsafeGet,)
