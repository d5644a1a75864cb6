"""Fix suggestions for BR206 (rate limit) and BR207 (authentication), written as Python that
parses: the decorator on the handler as it is named (a class-based view's method inside its
class, never `def View.post`), with the project's own limiter when it has one.
"""

from __future__ import annotations

import ast
from collections import Counter
from typing import Any

from ..analysis.frameworks.routes import Route, project_routes
from ..analysis.program import ClassInfo, FunctionInfo, ProgramModel, program_of
from ..semantic import module_name
from .fixcode import handler_code, parses

_SLOWAPI_SETUP = ("from slowapi import Limiter\nfrom slowapi.util import get_remote_address\n\n"
                  "limiter = Limiter(key_func=get_remote_address)  # once; and "
                  "app.state.limiter = limiter\n\n")
_FLASK_SETUP = ("from flask_limiter import Limiter\nfrom flask_limiter.util import "
                "get_remote_address\n\nlimiter = Limiter(get_remote_address)  # once; and "
                "limiter.init_app(app)\n\n")


def _handler(route: Route, params: str, decorators: list[str], comment: str = "") -> str:
    return handler_code(route.handler, params, decorators, comment=comment,
                        is_async=route.handler_async)


def _graphene_limit(route: Route, facts: dict[str, list[Any]]) -> tuple[str, str | None]:
    if not _imports(facts, "django"):
        # django-ratelimit reads a Django request: graphene served by Flask or another
        # server has none, and the project's own limiter is not known here.
        return (f"Check a limiter in the `{route.own_path}` mutation before the credentials "
                "(count attempts per client IP and raise a GraphQLError past the limit); an "
                "HTTP limit on /graphql does not see operations inside one request", None)
    return ("Check a limiter in the mutation (django-ratelimit's is_ratelimited counts per "
            "client IP); an HTTP limit on /graphql does not see operations inside one request",
            "from django_ratelimit.core import is_ratelimited\nfrom graphql import GraphQLError\n\n"
            f"def mutate(root, info, **kwargs):  # {route.handler}\n"
            f"    if is_ratelimited(info.context, group=\"{route.own_path}\", key=\"ip\", "
            "rate=\"5/m\",\n                      increment=True):\n"
            "        raise GraphQLError(\"Too many attempts, try again later\")")


def _strawberry_limit(route: Route, facts: dict[str, list[Any]]) -> tuple[str, str | None]:
    return ("Check a limiter in the resolver (a permission class or field extension that counts "
            "attempts per client); an HTTP limit on /graphql does not see batched operations",
            "from strawberry.permission import BasePermission\n\n\n"
            "class LoginRateLimit(BasePermission):\n"
            "    message = \"Too many attempts, try again later\"\n\n"
            "    def has_permission(self, source, info, **kwargs):\n"
            "        ...  # count this client's attempts; False past 5 per minute\n\n\n"
            + handler_code(route.handler, "info: Info",
                           ["strawberry.mutation(permission_classes=[LoginRateLimit])"],
                           comment="keep the other parameters", is_async=route.handler_async))


def _ariadne_limit(route: Route, facts: dict[str, list[Any]]) -> tuple[str, str | None]:
    # The project has no limiter object to name here: words, not made-up code.
    return (f"Check a limiter in the `{route.own_path}` resolver before the credentials (count "
            "attempts per client IP and raise a GraphQLError past the limit); an HTTP limit "
            "on /graphql does not see operations inside one request", None)


_GRAPHQL_LIMITS = {"graphene": _graphene_limit, "strawberry": _strawberry_limit,
                   "ariadne": _ariadne_limit}


def _is_class(handler: str) -> bool:
    """`TokenView`: a class-based view registered as a whole, not one of its methods."""
    return "." not in handler and handler[:1].isupper()


def project_limiter(facts: dict[str, list[Any]], framework: str, path: str
                    ) -> tuple[str, str] | None:
    """(the name to use, the import it needs or "") of the project's limiter object for this
    framework, the one in `path` first."""
    library = "flask" if framework == "flask" else "fastapi"
    found = [s for s in facts.get("settings", [])
             if s.key == "limiter-object" and s.framework == library]
    if not found:
        return None
    here = [s for s in found if s.file == path]
    chosen = (here or sorted(found, key=lambda s: (s.file, s.line)))[0]
    module, _, name = chosen.value.rpartition(".")
    if here or module == module_name(path):
        return name, ""
    return name, f"from {module} import {name}\n\n"


def project_limit_decorator(facts: dict[str, list[Any]], route: Route
                            ) -> tuple[str, str, str, str] | None:
    """(name, import line or "", where it is defined, the decorator as written) of a project
    decorator that applies a rate limit (frameworks/guards.py) and already limits another
    route of this framework (irrd's `@rate_limit_post`, OctoPrint's `@limit(...)`)."""
    used = {limit.split(" (", 1)[0] for other in project_routes(facts)
            if other.framework == route.framework for limit in other.limits}
    guards = sorted((g for g in facts.get("guard", []) if g.kind == "limit" and (
        g.name in used or g.name.rsplit(".", 1)[-1] in used)), key=lambda g: (g.file, g.line))
    if not guards:
        return None
    module, _, name = guards[0].name.rpartition(".")
    program = program_of(facts)
    handler_module = next((m for m in program.modules.values()
                           if m.path == (route.handler_file or route.file)), None)
    imported = handler_module is not None and handler_module.imports.get(name) == guards[0].name
    setup = "" if imported or module in (_file_module(route.file, program), _file_module(
        route.handler_file, program)) else f"from {module} import {name}\n\n"
    return name, setup, guards[0].name, _as_written(program, guards[0].name, route)


# A decorator's first parameter that takes the decorated function: `@rate_limit_post`
# is written bare (`def rate_limit_post(_func=None, any_response_code=False)`).
_TAKES_FUNCTION = frozenset({"_func", "func", "function", "fn", "f", "view", "view_func"})


# A decorator factory's first parameter that takes the rate string (`limit("3/minute")`).
_TAKES_RATE = frozenset({"rate", "rates", "limit", "limits", "limit_value", "limit_string",
                         "rule", "value", "limit_provider"})


def _as_written(program: ProgramModel, ref: str, route: Route) -> str:
    """The decorator as its definition takes it: bare when it takes the function, called
    with a rate when its first parameter is one (or it passes `*args` on), and else with its
    own parameters named for the reader to fill (`rate_limit(max_calls=..., period=...)`):
    never a rate string that a parameter of another meaning would receive."""
    name = ref.rpartition(".")[2]
    found = program.resolve(ref)
    rate = f'{name}({"5 per minute" if route.framework == "flask" else "5/minute"!r})'.replace(
        "'", '"')
    if not isinstance(found, FunctionInfo):
        return rate
    params = [p for p in found.params if p not in ("self", "cls") and not p.startswith("*")]
    if params[:1] and params[0] in _TAKES_FUNCTION:
        return name
    if not params or params[0] in _TAKES_RATE:
        # No named parameter (`def limit(*args, **kwargs)`, passed on to the limiter) or a
        # rate first: the rate string is what it takes.
        return rate
    return f"{name}({', '.join(f'{p}=...' for p in params)})"


_REQUEST_TYPES = ("Request", "HTTPConnection")


def _takes_request(facts: dict[str, list[Any]], route: Route) -> bool:
    """The handler has a parameter for the request: named so (and not annotated with a
    body model), or annotated with a `Request` type (`http_request: Request`)."""
    found = program_of(facts).function_at(route.handler_file or route.file, route.handler_line)
    types = found.param_types if found is not None else {}
    if any(p.lstrip("*") in ("request", "req") and types.get(p.lstrip("*"), "Request")
           .rpartition(".")[2] in _REQUEST_TYPES for p in route.handler_params):
        return True
    return any(t.rpartition(".")[2] in _REQUEST_TYPES for t in types.values())


def _request_is_body(facts: dict[str, list[Any]], route: Route) -> str | None:
    """The type of the handler's `request` parameter when it is a body model, not the
    request (`request: GetOnlineFeaturesRequest`): slowapi finds the request by that name,
    so the body parameter must be renamed for `request: Request` to be added."""
    if route.framework != "fastapi" or "request" not in route.handler_params:
        return None
    found = program_of(facts).function_at(route.handler_file or route.file, route.handler_line)
    kind = found.param_types.get("request") if found is not None else None
    return kind if kind and kind.rpartition(".")[2] not in _REQUEST_TYPES else None


def _route_decorators(facts: dict[str, list[Any]], route: Route) -> int:
    """How many route decorators the handler function carries (skyvern stacks four on
    `send_totp_code`): a limit written below only one of them leaves the routes registered
    by the decorators under it unlimited."""
    return sum(1 for r in project_routes(facts) if r.decorator is not None and
               r.handler_file == route.handler_file and r.handler_line == route.handler_line)


def _new_dependency(facts: dict[str, list[Any]], package: str, module: str) -> str:
    """'. X is not yet a dependency of this project ...' when no module of the project imports
    `module`: the suggestion brings a library in, which the reader must know."""
    if _imports(facts, module):
        return ""
    return f". {package} is not yet a dependency of this project: adding it is part of the fix"


def _imports(facts: dict[str, list[Any]], module: str) -> bool:
    """Some module of the project imports `module` (or one of its submodules)."""
    return any(target.split(".")[0] == module for info in program_of(facts).modules.values()
               for target in info.imports.values())


def _also_reads(route: Route) -> bool:
    """The handler is declared for GET and a write (`methods=["GET", "POST"]`: the page that
    shows the form and its submission): a limit on every method would count each page view
    as an attempt. A view open to any method says nothing about where the attempts come, and
    a path that carries a value (`/reset/{token}`) is guessed by GET as well."""
    methods = set(route.methods)
    return "GET" in methods and bool(methods & {"POST", "PUT", "PATCH"}) and not any(
        c in (route.own_path or route.path) for c in "{<:")


# What reads a username and password from the Authorization header on any route it guards:
# a second place where the same password is checked, whatever the login route does.
_BASIC_AUTH = {"fastapi": ("HTTPBasic", "HTTPBasicCredentials"),
               "flask_httpauth": ("HTTPBasicAuth",)}


def _is_basic_scheme(target: str) -> bool:
    """`fastapi.security.http.HTTPBasic`, `flask_httpauth.HTTPBasicAuth`."""
    return target.rpartition(".")[2] in _BASIC_AUTH.get(target.split(".")[0], ())


def _basic_auth_module(facts: dict[str, list[Any]], route: Route) -> str | None:
    """The login handler's own module, when it also imports an HTTP Basic scheme: the
    module that checks the password at login takes it by Basic as well (freqtrade's
    api_auth). A Basic scheme elsewhere may check something else (fief's OAuth client
    secrets, `client_secret_basic`): no word then."""
    where = route.handler_file or route.file
    return next((m.name for m in program_of(facts).modules.values() if m.path == where
                 and any(_is_basic_scheme(t) for t in m.imports.values())), None)


def limit_fix(route: Route, facts: dict[str, list[Any]]) -> tuple[str, str | None]:
    """(description, suggestion) for a route with no rate limit; when the project also takes
    passwords by HTTP Basic (freqtrade: every /api/v1 route accepts Basic or a token), the
    description says a limit here leaves that guessing path open."""
    description, suggestion = _limit_fix(route, facts)
    basic = _basic_auth_module(facts, route) if route.framework in ("fastapi", "flask") \
        else None
    if basic is not None:
        description += (f"; the project also accepts HTTP Basic credentials ({basic}), "
                        f"checked on every route that scheme guards: a limit on this route "
                        f"alone leaves password guessing open there, so count failed Basic "
                        f"checks where they are verified too")
    return description, suggestion


def _limit_fix(route: Route, facts: dict[str, list[Any]]) -> tuple[str, str | None]:
    framework = route.framework
    if framework in ("fastapi", "starlette", "flask"):
        found = project_limiter(facts, framework, route.file)
        helper = None if found else project_limit_decorator(facts, route)
        if helper is not None:
            # OctoPrint's `limit(...)`: the project wraps its limiter in a decorator of its
            # own, used on other routes; a second Limiter beside it would be wrong.
            name, setup, where, usage = helper
            # A route table (Starlette's `Route(path, endpoint)`) has no route decorator to
            # go below: the decorator goes on the handler, where it is defined.
            stacked = _route_decorators(facts, route)
            place = (f"# right above the def, below all {stacked} route decorators of the "
                     f"handler\n" if stacked > 1 else "# below the route decorator\n"
                     if route.decorator is not None else
                     f"# on the handler, in {route.handler_file or route.file}\n")
            params = list(route.handler_params)
            also = ""
            body = _request_is_body(facts, route)
            if body is not None:
                # `request: SomeModel` is the body: the limit cannot read the client from it,
                # and a second parameter of the same name cannot be added.
                params = ["request: Request" if p == "request" else p for p in params]
                setup = "from fastapi import Request\n" + (setup or "\n")
                also = (f"; the handler's `request` parameter is its body (`{body}`), not the "
                        f"request the limit reads the client from: rename it (e.g. `body`) "
                        f"and take `request: Request` (FastAPI fills it)")
            elif framework == "fastapi" and not _takes_request(facts, route):
                # FastAPI hands the request only to a handler that declares it, and a limit
                # counts per client from it (zenml's `rate_limit_requests` refuses a handler
                # without one when the module is imported).
                # after a method's own first parameter (`self`, `cls`), never before it
                params.insert(1 if params[:1] and params[0] in ("self", "cls") else 0,
                              "request: Request")
                setup = "from fastapi import Request\n" + (setup or "\n")
                also = ("; the handler takes no request, which the limit reads the client "
                        "from: add a `request: Request` parameter (FastAPI fills it)")
            return (f"Limit the route with the project's own `{name}` decorator ({where}, "
                    f"already on other routes of the project){also}",
                    f"{setup}{place}" + _handler(route, ", ".join(params), [usage]))
        name, setup = found if found else (
            "limiter", _FLASK_SETUP if framework == "flask" else _SLOWAPI_SETUP)
        how = "the project's limiter" if found else (
            "Flask-Limiter" if framework == "flask" else "slowapi")
        new = "" if found else _new_dependency(facts, how, how.lower().replace("-", "_"))
        rate = '"5 per minute"' if framework == "flask" else '"5/minute"'
        reads = _also_reads(route)
        if reads and framework == "flask":
            rate += ', methods=["POST"]'  # the form's page views are not attempts
        elif reads:
            how += ("; the handler also answers GET and slowapi counts every method, so "
                    "serve the POST from its own handler (or page views count as attempts)")
        decorators = []
        if framework == "fastapi":
            # slowapi needs the request in the handler's parameters, annotated.
            setup = "from fastapi import Request\n" + (setup or "\n")
            body = _request_is_body(facts, route)
            if body is not None:
                how += (f"; the handler's `request` parameter is its body (`{body}`): "
                        f"slowapi finds the request by that name, so rename the body "
                        f"parameter (e.g. `body`) and take `request: Request`")
        stacked = _route_decorators(facts, route)
        if stacked > 1:
            # Decorators apply bottom-up: the limit goes under every route decorator, or
            # the routes registered below it serve the handler without the limit.
            setup += (f"# right above the def, below all {stacked} route decorators of the "
                      f"handler\n")
        elif framework == "fastapi" and route.decorator is not None:
            decorators.append(route.decorator[1])
        elif framework == "flask":
            setup += "# below the route decorator\n"
        decorators.append(f"{name}.limit({rate})")
        params = "" if framework == "flask" else (
            "request: Request" if framework == "fastapi" else "request")
        comment = "keep the other parameters" if framework == "fastapi" else ""
        if framework == "fastapi" and _request_is_body(facts, route) is not None:
            comment = "the body parameter renamed (e.g. `body`); keep the others"
        code = _handler(route, params, decorators, comment)
        return f"Limit the route with {how}{new}", setup + code
    if framework == "eve":
        # Eve limits by method across every resource, counted per client in Redis.
        method = next((m for m in route.methods if m != "GET"), route.methods[0])
        return (f"Turn on Eve's own rate limit for {method} (RATE_LIMIT_{method} = (requests, "
                f"seconds) in the app's settings; Eve counts each client's requests in Redis, "
                f"so the app needs one: `Eve(redis=...)`). It limits {method} on every "
                f"resource, not only this one",
                f"# settings\nRATE_LIMIT_{method} = (5, 60)  # 5 requests a minute per client\n"
                f"\n# where the app is built\nfrom eve import Eve\n"
                f"from redis import StrictRedis\n\n"
                f"app = Eve(redis=StrictRedis())")
    if framework == "django":
        return _django_limit(route, facts)
    if framework in _GRAPHQL_LIMITS:
        return _GRAPHQL_LIMITS[framework](route, facts)
    if framework == "drf":
        return ("Throttle the view (or set DEFAULT_THROTTLE_CLASSES and "
                "DEFAULT_THROTTLE_RATES)",
                "from rest_framework.throttling import AnonRateThrottle, UserRateThrottle\n\n"
                "throttle_classes = [AnonRateThrottle, UserRateThrottle]\n"
                "# settings: REST_FRAMEWORK[\"DEFAULT_THROTTLE_RATES\"] = "
                "{\"anon\": \"5/min\", \"user\": \"60/min\"}")
    return ("Add a rate-limiting middleware to the application (`web.Application("
            "middlewares=[...])`), or check a limiter in the handler and declare it in "
            "[tool.backendreview.rules.BR206] limiters", None)


_RATELIMIT = 'ratelimit(key="ip", rate="5/m", block=True)'
# A view that also renders its form on GET: only the submissions are attempts.
_RATELIMIT_POST = 'ratelimit(key="ip", rate="5/m", method="POST", block=True)'
_RATELIMIT_IMPORT = "from django_ratelimit.decorators import ratelimit\n"
_METHOD_DECORATOR_IMPORT = "from django.utils.decorators import method_decorator\n"


def _defined_here(route: Route, facts: dict[str, list[Any]]) -> bool:
    """The handler is a def or class of the project (not a library view such as
    `auth_views.PasswordResetView`, nor a view held in an attribute)."""
    program = program_of(facts)
    if program.function_at(route.handler_file, route.handler_line) is not None:
        return True
    return any(c.path == route.handler_file and c.line == route.handler_line
               for c in program.classes.values())


def view_class(program: ProgramModel, route: Route) -> tuple[ClassInfo, FunctionInfo] | None:
    """The project view class a `View.post` route names and the handler it runs, which
    may be inherited from a mixin or base class shared by other views."""
    handler = program.function_at(route.handler_file, route.handler_line)
    if handler is None or handler.cls is None or "." not in route.handler:
        return None
    view = route.handler.split(".")[0]
    for cls in sorted(program.classes.values(), key=lambda c: c.qualname):
        if cls.name == view and any(c.qualname == handler.cls for c in program.mro(cls)):
            return cls, handler
    return None


def run_time_lookup(route: Route, facts: dict[str, list[Any]]) -> str | None:
    """The URL pattern's view is chosen at run time by a call that takes its name
    (`get_view("obtain_auth_token")`) and the route model could not follow it to a view:
    the call as written. A wrapper takes a view, not a name, so this is no wrapper; whether
    the view it returns is the project's, and how it is limited, the review cannot see."""
    if route.framework != "django" or not route.decorator or _defined_here(route, facts):
        return None
    text = route.decorator[1]
    try:
        node = ast.parse(text, mode="eval").body
    except SyntaxError:
        return None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute) and \
            len(node.args) == 1 and not node.keywords and isinstance(
            node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
        return text
    return None


def _django_limit(route: Route, facts: dict[str, list[Any]]) -> tuple[str, str | None]:
    """django-ratelimit where it can go: on the project's view class (`dispatch`), on its
    method or function view, else around the view where the URL pattern registers it."""
    lookup = run_time_lookup(route, facts)
    if lookup is not None:
        return (f"Check the limit where the view `{lookup}` returns is defined: the name is "
                "looked up at run time and the review cannot follow it", None)
    ratelimit = _RATELIMIT_POST if _also_reads(route) else _RATELIMIT
    new = _new_dependency(facts, "django-ratelimit", "django_ratelimit")
    if route.handler == "?" or not _defined_here(route, facts):
        registered = route.decorator[1] if route.decorator else ""
        if not registered or "\n" in registered or not parses(registered):
            return ("Limit the view with django-ratelimit where the URL pattern registers it "
                    "(`ratelimit(...)(view)`), or on a subclass of the view with "
                    f"`method_decorator(ratelimit(...), name=\"dispatch\")`{new}", None)
        return ("The view is not defined in this project: limit it where the URL pattern "
                f"registers it (django-ratelimit wraps any view function){new}",
                f"{_RATELIMIT_IMPORT}\n{ratelimit}({registered})  # the URL pattern's view")
    where = f" (in {route.handler_file})" if route.handler_file != route.file else ""
    description = f"Limit the view with django-ratelimit{where}{new}"
    if _is_class(route.handler):  # a view class registered whole: decorate dispatch
        return (description, _METHOD_DECORATOR_IMPORT + _RATELIMIT_IMPORT
                + f'\n@method_decorator({ratelimit}, name="dispatch")\n'
                f"class {route.handler}:  # the existing view\n    ...")
    params = ", ".join(route.handler_params) or "request"
    found = view_class(program_of(facts), route)
    if found is not None and found[1].cls != found[0].qualname:
        # A post() inherited from a mixin or base shared by other views (every confirm
        # page's): on the view class, by method name, it limits this view only and the
        # inherited method, its request and its super() chain stay as they are.
        cls, handler = found
        where = f" (in {cls.path})" if cls.path != route.file else ""
        return (f"Limit the view with django-ratelimit{where}{new}",
                _METHOD_DECORATOR_IMPORT + _RATELIMIT_IMPORT
                + f'\n@method_decorator({ratelimit}, name="{handler.name}")\n'
                f"class {cls.name}:  # the existing view\n    ...")
    if "." in route.handler:
        return (description, _METHOD_DECORATOR_IMPORT + _RATELIMIT_IMPORT + "\n"
                + _handler(route, params if params.startswith("self") else
                           "request, *args, **kwargs", [f"method_decorator({ratelimit})"]))
    return description, _RATELIMIT_IMPORT + "\n" + _handler(route, params, [ratelimit])


_LOGIN_REQUIRED = {"flask": "from flask_login import login_required\n",
                   "django": "from django.contrib.auth.decorators import login_required\n"}


def project_guard(routes: list[Route], route: Route, program: ProgramModel | None = None
                  ) -> tuple[str, str] | None:
    """(name, import) of the guard (dependency or decorator) the project's other routes of
    this framework use most."""
    def usable(marker: str) -> bool:
        # A guard written on routes as a decorator or dependency (`raw`), or a project
        # function (`decorators = [login_required]` on a view class), can be put on this
        # route the same way; a check in a body cannot.
        if "." not in marker or not marker.rpartition(".")[2].isidentifier():
            return False
        return any(marker in r.raw for r in routes) or (
            program is not None and isinstance(program.resolve(marker), FunctionInfo))

    counts = Counter(a for r in routes if r.framework == route.framework for a in r.auth)
    counts = Counter({a: n for a, n in counts.items() if usable(a)})
    if not counts:
        return None
    top = max(sorted(counts), key=lambda a: counts[a])
    module, _, name = top.rpartition(".")
    here = module in (_file_module(route.file, program), _file_module(route.handler_file, program))
    return name, "" if here else f"from {module} import {name}\n\n"


def _file_module(path: str, program: ProgramModel | None) -> str:
    """The module name the review gave the file at `path` (its import root's, which the
    shown path alone does not give when the tree was named by an absolute path)."""
    if program is not None:
        for module in program.modules.values():
            if module.path == path:
                return module.name
    return module_name(path)


def auth_fix(route: Route, routes: list[Route] | None = None,
             program: ProgramModel | None = None) -> tuple[str, str | None]:
    """(description, suggestion) for a write route that nothing authenticates; the guard
    the project's other routes use when there is one, else a library's, imported."""
    guard = project_guard(routes or [], route, program) if route.framework in (
        "fastapi", "flask") else None
    if route.framework == "fastapi" and guard:
        name, setup = guard
        return (f"Require the guard the project's other routes use (`{name}`), or one that "
                f"fits this route",
                "from fastapi import Depends\n" + (setup or "\n")
                + _handler(route, f"user=Depends({name})", [],
                                 "keep the other parameters"))
    if route.framework == "fastapi":
        return ("Require an authenticated user through a dependency (the project has none "
                "yet: resolve the user from the bearer token)",
                "from fastapi import Depends\nfrom fastapi.security import OAuth2PasswordBearer"
                "\n\noauth2_scheme = OAuth2PasswordBearer(tokenUrl=\"token\")  # once\n\n"
                + _handler(route, "token: str = Depends(oauth2_scheme)", [],
                           "keep the other parameters; look the user up from the token"))
    if route.framework == "flask" and guard:
        name, setup = guard
        where = "" if "." in route.handler else "# below the route decorator\n"
        return (f"Require the guard the project's other routes use (`{name}`)",
                setup + where + _handler(route, "", [name]))
    if route.framework == "flask":
        where = "" if "." in route.handler else "# below the route decorator\n"
        return ("Require a logged-in user (Flask-Login)",
                _LOGIN_REQUIRED["flask"] + "\n" + where
                + _handler(route, "", ["login_required"]))
    if route.framework == "graphene":
        return ("Require a logged-in user on the mutation (graphql_jwt.decorators)",
                "from graphql_jwt.decorators import login_required\n\n\n"
                "@login_required\ndef mutate(root, info, **kwargs):\n    ...")
    if route.framework == "strawberry":
        return ("Give the mutation a permission class",
                "from strawberry.permission import BasePermission\n\n\n"
                "class IsAuthenticated(BasePermission):\n"
                "    message = \"Authentication required\"\n\n"
                "    def has_permission(self, source, info, **kwargs):\n"
                "        ...  # True when info.context carries an authenticated user\n\n\n"
                + handler_code(route.handler, "info: Info",
                             ["strawberry.mutation(permission_classes=[IsAuthenticated])"],
                             comment="keep the other parameters",
                             is_async=route.handler_async))
    if route.framework == "ariadne":
        return ("Check the caller before writing",
                "from graphql import GraphQLError\n\n"
                "if not info.context[\"request\"].user.is_authenticated:\n"
                "    raise GraphQLError(\"Authentication required\")")
    if route.framework == "drf":
        return ("Give the view a permission class",
                "from rest_framework.permissions import IsAuthenticated\n\n"
                "permission_classes = [IsAuthenticated]  # in the view class")
    if route.framework == "django":
        if _is_class(route.handler):
            return ("Require a logged-in user",
                    "from django.contrib.auth.mixins import LoginRequiredMixin\n\n"
                    f"class {route.handler}(LoginRequiredMixin):  # first of its current bases\n"
                    "    ...")
        params = ", ".join(route.handler_params) or "request"
        if "." in route.handler:
            return ("Require a logged-in user",
                    _METHOD_DECORATOR_IMPORT + _LOGIN_REQUIRED["django"] + "\n"
                    + _handler(route, params if params.startswith("self") else
                               "request, *args, **kwargs", ["method_decorator(login_required)"]))
        return ("Require a logged-in user",
                _LOGIN_REQUIRED["django"] + "\n" + _handler(route, params, ["login_required"]))
    return "Check the caller's identity before writing", None
