"""BR206 missing-rate-limit and BR207 unauthenticated-write, over the merged routes."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from ..analysis.frameworks.graphql_model import is_graphql_route
from ..analysis.frameworks.naming import segments, words
from ..analysis.frameworks.routes import WRITE_METHODS, Route, project_routes
from ..analysis.program import AUTH, LIMIT, ProgramModel, program_of
from ..model import Fix, Severity
from .base import ProjectRule

# Words that make a route auth-sensitive: credential guessing and account abuse targets.
AUTH_WORDS = frozenset({"login", "signin", "logon", "signup", "password", "passwd", "forgot",
                        "pwreset", "otp", "2fa", "mfa", "totp", "magic", "ldap"})
# Words that name an auth endpoint only as a whole segment (`/register`, `/token`,
# `/verify`), not inside another resource (`/bulk-register`, `/registration-requests`).
SEGMENT_WORDS = frozenset({"register", "registration", "token", "verify", "authenticate",
                           "activate"})
# Credential checks stay sensitive for a signed-in caller (current password, OTP codes);
# the other words (register, verify, token) only matter on routes open to anyone.
CREDENTIAL_WORDS = frozenset({"password", "passwd", "otp", "2fa", "mfa", "totp"})
_JOINED = re.compile(r"(sign_?in|sign_?up|log_?in|reset_?password|forgot_?password|"
                     r"two_?factor)", re.I)
# Routes that authenticate the caller some other way by nature.
EXEMPT_WORDS = frozenset({"webhook", "webhooks", "callback", "hook", "hooks", "csp",
                          "csrf", "health", "healthz", "metrics", "logout", "signout",
                          "revoke", "introspect"})

_LIMIT_FIX = {
    "fastapi": (
        "Limit the route with slowapi (or a fastapi-limiter dependency)",
        "limiter = Limiter(key_func=get_remote_address)  # once: app.state.limiter = limiter\n"
        "app.add_exception_handler(RateLimitExceeded, _rate_limit_exceeded_handler)\n\n"
        "@router.post(\"{path}\")\n@limiter.limit(\"5/minute\")\n"
        "def {handler}(request: Request, ...):"),
    "starlette": (
        "Limit the route with slowapi",
        "@limiter.limit(\"5/minute\")\nasync def {handler}(request):"),
    "flask": (
        "Limit the route with Flask-Limiter",
        "limiter = Limiter(get_remote_address, app=app)  # once\n\n"
        "@bp.post(\"{path}\")\n@limiter.limit(\"5 per minute\")\ndef {handler}():"),
    "drf": (
        "Throttle the view (or set DEFAULT_THROTTLE_CLASSES and DEFAULT_THROTTLE_RATES)",
        "throttle_classes = [AnonRateThrottle, UserRateThrottle]\n"
        "# settings: REST_FRAMEWORK[\"DEFAULT_THROTTLE_RATES\"] = {\"anon\": \"5/min\", "
        "\"user\": \"60/min\"}"),
    "django": (
        "Limit the view with django-ratelimit",
        "@ratelimit(key=\"ip\", rate=\"5/m\", method=\"POST\", block=True)\n"
        "def {handler}(request):"),
    "aiohttp": (
        "Add a rate-limiting middleware to the application (or check a limiter in the "
        "handler and declare it in [tool.backendreview.rules.BR206] limiters)",
        "app = web.Application(middlewares=[rate_limit_middleware])"),
    "graphene": (
        "Check a limiter in the mutation (django-ratelimit's is_ratelimited counts per "
        "client IP); an HTTP limit on /graphql does not see operations inside one request",
        "from django_ratelimit.core import is_ratelimited\n\n"
        "def mutate(root, info, **kwargs):  # {handler}\n"
        "    if is_ratelimited(info.context, group=\"{path}\", key=\"ip\", rate=\"5/m\",\n"
        "                      increment=True):\n"
        "        raise GraphQLError(\"Too many attempts, try again later\")"),
    "strawberry": (
        "Check a limiter in the resolver (a permission class or field extension that counts "
        "attempts per client); an HTTP limit on /graphql does not see batched operations",
        "@strawberry.mutation(permission_classes=[LoginRateLimit])  # 5 per minute per IP\n"
        "def {handler}(self, info: Info, ...):"),
    "ariadne": (
        "Check a limiter in the resolver before the credentials",
        "@mutation.field(\"{path}\")\ndef {handler}(_, info, **kwargs):\n"
        "    if limiter.hit(client_ip(info.context[\"request\"])):\n"
        "        raise GraphQLError(\"Too many attempts, try again later\")"),
}


# A GraphQL field name is one word run (`tokenAuth`, `registerUser`): its words decide.
_GQL_AUTH_WORDS = AUTH_WORDS | {"register", "registration", "authenticate", "activate"}
_GQL_TOKEN_ISSUE = frozenset({"auth", "obtain", "issue"})
_GQL_WRITE = WRITE_METHODS | {"MUTATION"}


def _graphql_auth_sensitive(route: Route) -> bool:
    tokens = set(words(route.own_path)) | set(words(route.handler.split(".")[0]))
    if tokens & EXEMPT_WORDS:
        return False
    if route.auth or route.global_auth:
        return bool(tokens & CREDENTIAL_WORDS)
    return bool(tokens & _GQL_AUTH_WORDS) or bool(_JOINED.search(route.own_path)) or (
        "token" in tokens and bool(tokens & _GQL_TOKEN_ISSUE))


_REGISTRATION_HANDLER = re.compile(
    r"^(?:user_|account_)?(?:register|signup|sign_up|registration)(?:_user|_account|_view)?$"
    r"|^create_(?:user|account)$", re.I)


def is_auth_sensitive(route: Route) -> bool:
    if is_graphql_route(route):
        return _graphql_auth_sensitive(route)
    tokens: set[str] = set()
    joined = False
    for text in [*segments(route.own_path), route.handler, route.action]:
        tokens |= set(words(text))
        joined = joined or bool(_JOINED.search(text))
    if tokens & EXEMPT_WORDS:
        return False
    if _auth_behaviour(route):
        return True
    if route.auth or route.global_auth:
        return bool(tokens & CREDENTIAL_WORDS)
    whole = {s.lower() for s in segments(route.own_path)} | {route.action.lower()}
    return joined or bool(tokens & AUTH_WORDS) or bool(whole & SEGMENT_WORDS)


def _auth_behaviour(route: Route) -> bool:
    """What the handler does, whatever it is called: it verifies a password or secret sent
    by the client (or issues a token for it), or it is a registration handler."""
    handler = route.handler.rsplit(".", 1)[-1]
    signed_in = bool(route.auth or route.global_auth)
    if route.credentials is not None and (route.credentials[0] == "verify" or not signed_in):
        # A credential check stays guessable for a signed-in caller too; an open route that
        # takes a password registers, signs in or resets.
        return True
    return _REGISTRATION_HANDLER.match(handler) is not None and not signed_in


def _shown(route: Route) -> str:
    return f"{'|'.join(route.methods)} {route.path}"


def _declared(route: Route, names: list[str]) -> bool:
    """A project's own limiter / auth, named in the rule's options, is on the route."""
    if not names:
        return False
    for raw in route.raw:
        last = raw.rsplit(".", 1)[-1]
        for name in names:
            if raw == name or last == name or raw.endswith("." + name) or name in raw:
                return True
    return False


def _guarded(program: ProgramModel, route: Route, kind: str) -> bool:
    handler = program.function_at(route.handler_file, route.handler_line)
    return handler is not None and bool(program.guarded_by(handler, kind))


def _unique(routes: list[Route]) -> list[Route]:
    seen: set[tuple[str, int, int, tuple[str, ...]]] = set()
    out: list[Route] = []
    for route in routes:
        key = (route.file, route.span.start_line, route.span.start_col, route.methods)
        if key not in seen:
            seen.add(key)
            out.append(route)
    return out


class MissingRateLimit(ProjectRule):
    id = "BR206"
    OPTIONS: ClassVar[dict[str, type]] = {"scope": str, "limiters": list}
    needs_facts: ClassVar[tuple[str, ...]] = ("routes", "program")

    def check(self, facts: dict[str, list[Any]]) -> None:
        program = program_of(facts)
        # Default `auth`: on real backends most unauthenticated writes are guarded by
        # middleware or base classes the route model cannot see (see the rule docs).
        scope = str(self.option("scope", "auth")).lower()
        if scope not in ("auth", "write", "all"):
            scope = "auth"
        limiters = list(self.option("limiters", []))
        for route in _unique(project_routes(facts)):
            if route.limits or route.global_limits or _declared(route, limiters):
                continue
            if _guarded(program, route, LIMIT):
                continue  # a limiter reached through a helper, a form's clean(), a decorator
            methods = set(route.methods)
            tokens = {w for seg in segments(route.own_path) for w in words(seg)}
            if tokens & EXEMPT_WORDS:
                continue
            if is_auth_sensitive(route) and methods & (_GQL_WRITE | {"ANY"}):
                severity = Severity.ERROR
                what = "an authentication endpoint"
            elif scope in ("write", "all") and methods & WRITE_METHODS and not (
                    route.auth or route.global_auth):
                severity = Severity.WARNING
                what = "an unauthenticated write"
            elif scope == "all":
                severity = Severity.WARNING
                what = "a route"
            else:
                continue
            description, example = _LIMIT_FIX.get(route.framework, _LIMIT_FIX["fastapi"])
            example = example.replace("{path}", route.own_path or "/").replace(
                "{handler}", route.handler)
            self.report(route.file, route.span,
                        f'route "{_shown(route)}" ({route.handler}) is {what} with no rate '
                        f"limit: nothing bounds how often a client can call it",
                        fix=Fix(description, example), severity=severity,
                        snippet=route.own_path)


class UnauthenticatedWrite(ProjectRule):
    id = "BR207"
    OPTIONS: ClassVar[dict[str, type]] = {"auth": list}
    needs_facts: ClassVar[tuple[str, ...]] = ("routes", "program")

    def check(self, facts: dict[str, list[Any]]) -> None:
        program = program_of(facts)
        declared = list(self.option("auth", []))
        for route in _unique(project_routes(facts)):
            if not set(route.methods) & _GQL_WRITE:
                continue
            if route.auth or route.global_auth or _declared(route, declared):
                continue
            if _guarded(program, route, AUTH):
                continue  # an auth check in a helper or a project decorator
            if is_auth_sensitive(route):
                continue  # login / signup / password reset are public by nature
            tokens = {w for s in segments(route.own_path) for w in words(s)}
            if tokens & EXEMPT_WORDS:
                continue
            if is_graphql_route(route) and "token" in tokens | set(words(route.handler)):
                continue  # refreshToken / verifyToken authenticate with the token they carry
            if is_graphql_route(route) and not (route.writes or route.resource_writes):
                continue  # a mutation field that only reads (mlflow's searches): no write seen
            self.report(route.file, route.span,
                        f'route "{_shown(route)}" ({route.handler}) changes data and no '
                        f"authentication dependency, decorator or permission class guards it",
                        fix=Fix(*_auth_fix(route)), snippet=route.own_path)


def _auth_fix(route: Route) -> tuple[str, str]:
    return {
        "fastapi": ("Require an authenticated user through a dependency",
                    f"def {route.handler}(..., user: User = Depends(get_current_user)):"),
        "flask": ("Require a logged-in user",
                  f"@login_required\ndef {route.handler}(...):"),
        "drf": ("Give the view a permission class",
                "permission_classes = [IsAuthenticated]"),
        "django": ("Require a logged-in user",
                   f"@login_required\ndef {route.handler}(request, ...):"),
        "graphene": ("Require a logged-in user on the mutation (graphql_jwt.decorators)",
                     "@login_required\ndef mutate(root, info, ...):"),
        "strawberry": ("Give the mutation a permission class",
                       "@strawberry.mutation(permission_classes=[IsAuthenticated])"),
        "ariadne": ("Check the caller before writing",
                    "if not info.context[\"request\"].user.is_authenticated:\n"
                    "    raise GraphQLError(\"Authentication required\")"),
    }.get(route.framework, ("Check the caller's identity before writing", ""))


RULES = (MissingRateLimit, UnauthenticatedWrite)
