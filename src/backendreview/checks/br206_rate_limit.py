"""BR206 missing-rate-limit and BR207 unauthenticated-write, over the merged routes."""

from __future__ import annotations

from typing import Any, ClassVar

from ..analysis.frameworks.auth_endpoints import EXEMPT_WORDS, is_auth_endpoint
from ..analysis.frameworks.naming import segments, words
from ..analysis.frameworks.routes import WRITE_METHODS, Route, project_routes
from ..model import Fix, Severity
from .base import ProjectRule

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
}


def is_auth_sensitive(route: Route) -> bool:
    """Login / signup / password reset / token exchange (analysis/frameworks/
    auth_endpoints.py: the whole path, the handler's name and parameters)."""
    return is_auth_endpoint(route)


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
    needs_facts: ClassVar[tuple[str, ...]] = ("routes",)

    def check(self, facts: dict[str, list[Any]]) -> None:
        # Default `auth`: on real backends most unauthenticated writes are guarded by
        # middleware or base classes the route model cannot see (see the rule docs).
        scope = str(self.option("scope", "auth")).lower()
        if scope not in ("auth", "write", "all"):
            scope = "auth"
        limiters = list(self.option("limiters", []))
        for route in _unique(project_routes(facts)):
            if route.limits or route.global_limits or _declared(route, limiters):
                continue
            methods = set(route.methods)
            tokens = {w for seg in segments(route.own_path) for w in words(seg)}
            if tokens & EXEMPT_WORDS:
                continue
            if is_auth_sensitive(route) and methods & (WRITE_METHODS | {"ANY"}):
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
    needs_facts: ClassVar[tuple[str, ...]] = ("routes",)

    def check(self, facts: dict[str, list[Any]]) -> None:
        declared = list(self.option("auth", []))
        for route in _unique(project_routes(facts)):
            if not set(route.methods) & WRITE_METHODS:
                continue
            if route.auth or route.global_auth or _declared(route, declared):
                continue
            if is_auth_sensitive(route):
                continue  # login / signup / password reset are public by nature
            tokens = {w for s in segments(route.own_path) for w in words(s)}
            if tokens & EXEMPT_WORDS:
                continue
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
    }.get(route.framework, ("Check the caller's identity before writing", ""))


RULES = (MissingRateLimit, UnauthenticatedWrite)
