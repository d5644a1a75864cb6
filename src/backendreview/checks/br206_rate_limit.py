"""BR206 missing-rate-limit and BR207 unauthenticated-write, over the merged routes."""

from __future__ import annotations

import dataclasses
import re
from typing import Any, ClassVar

from ..analysis.frameworks.auth_endpoints import (
    AUTH_WORDS,
    CREDENTIAL_WORDS,
    EXEMPT_WORDS,
    is_auth_endpoint,
)
from ..analysis.frameworks.auth_endpoints import JOINED as _JOINED
from ..analysis.frameworks.django import guard_base
from ..analysis.frameworks.graphql_model import is_graphql_route
from ..analysis.frameworks.naming import is_param, segments, words
from ..analysis.frameworks.routes import WRITE_METHODS, Route, path_params, project_routes
from ..analysis.program import AUTH, CREDENTIAL, LIMIT, ProgramModel, describe, program_of
from ..analysis.program.extract import REDIRECTS, SECRET_TEST
from ..analysis.program.facts import CallSite, ClassInfo, FunctionInfo
from ..model import Fix, Severity
from .base import ProjectRule
from .br206_callers import (
    THROUGH_CALLS,
    only_keeps_a_code,
    refuses_anonymous,
    with_guarding_dependency,
)
from .br206_evidence import (
    abusable_act,
    form_checks_password,
    handed_task,
    library_act,
    loaded_view,
    validators,
)
from .br206_fixes import auth_fix, limit_fix, run_time_lookup
from .br206_guards import checks_no_one

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
    """Login / signup / password reset / token exchange: what the handler does (it verifies
    a secret or registers), else the whole path, the handler's name and parameters
    (analysis/frameworks/auth_endpoints.py)."""
    if is_graphql_route(route):
        return _graphql_auth_sensitive(route)
    tokens = {w for text in [*segments(route.own_path), route.handler, route.action]
              for w in words(text)}
    if tokens & EXEMPT_WORDS:
        return False
    if _auth_behaviour(route):
        return True
    return is_auth_endpoint(route)


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


# What a dependency yields when it identifies the caller.
_IDENTITY_TYPE = re.compile(r"(?:User|Users|Account|Member|Principal|Identity|Session|Token"
                            r"|Claims|Credentials?)$")
_IDENTITY_WORD = re.compile(r"user|account|member|principal|identity|session|token|claim"
                            r"|credential|current|login|admin|permission", re.I)


def _authenticates(program: ProgramModel, name: str) -> bool:
    """Whether auth evidence on a route checks the caller. A project getter dependency
    named for authentication that refuses no one and hands over a service object
    (`get_authentication_flow() -> AuthenticationFlow`, `get_oauth_providers`) does not;
    anything else — a guard, a middleware, what we cannot read — is taken at its word."""
    last = name.rsplit(".", 1)[-1]
    getter = re.match(r"get_(\w+)$", last)
    if getter is None or _SIGNED_IN.search(last) or _CURRENT_USER.search(last):
        return True
    fn = program.resolve(name)
    if not isinstance(fn, FunctionInfo) or program.guarded_by(fn, AUTH):
        return True
    if fn.returns:
        return bool(_IDENTITY_TYPE.search(fn.returns.rsplit(".", 1)[-1]))
    return bool(_IDENTITY_WORD.search(getter[1]))  # unannotated, or a collection


def _open_registration(program: ProgramModel, route: Route) -> bool:
    """A registration handler (`register`, `signup`) whose only auth evidence is
    dependencies that check no one: signing up is for callers with no account, so it is
    open to anyone."""
    handler = route.handler.rsplit(".", 1)[-1]
    return (_REGISTRATION_HANDLER.match(handler) is not None and bool(route.auth)
            and not route.global_auth and route.credentials is None
            and not any(_authenticates(program, a) for a in route.auth))


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


def _limited(program: ProgramModel, route: Route) -> bool:
    """A limiter on the route. A call in the handler that only reads like one
    (`check_rate_limit(request)`) and runs a project function counts when that function
    enforces a limit (program model: a LIMIT effect in its calls), not by its name."""
    handler = program.function_at(route.handler_file, route.handler_line)
    for limit in route.limits:
        name = limit[:-2].rsplit(".", 1)[-1] if limit.endswith("()") else ""
        sites = [site for site in handler.calls if site.text.rsplit(".", 1)[-1] == name] \
            if handler is not None and name else []
        targets = [t for site in sites for t in program.targets(handler, site)]  # type: ignore[arg-type]
        if not targets or any(program.effects(t, LIMIT) for t in targets):
            return True
    return False


# A library view handed its form where it is registered:
# `LoginView.as_view(authentication_form=AuthenticationForm)`.
_FORM_KWARG = re.compile(r"\b(?:authentication_form|form_class)\s*=\s*([\w.]+)")


# The view's class attributes naming the form a library view builds and validates itself.
_FORM_SLOTS = ("authentication_form", "form_class")


def _view_forms(program: ProgramModel, route: Route) -> list[ClassInfo]:
    """The forms a view validates out of sight: the one it is registered with
    (`LoginView.as_view(authentication_form=...)`) or the one its class names
    (`form_class = AuthenticationForm`, first in the MRO): a library view runs their
    validation on every POST."""
    refs: list[str] = []
    found = _FORM_KWARG.search(route.decorator[1]) if route.decorator else None
    module = next((m for m in program.modules.values() if m.path == route.file), None)
    if found is not None and module is not None:
        head, _, rest = found[1].partition(".")
        imported = program.imported(module, head, route.span.start_line)
        refs.append((imported or f"{module.name}.{head}") + (f".{rest}" if rest else ""))
    view = _view_class(program, route)
    if view is not None:
        for slot in _FORM_SLOTS:
            ref = next((c.class_refs[slot] for c in program.mro(view) if slot in c.class_refs),
                       None)
            if ref:
                refs.append(ref)
    return [form for ref in refs if isinstance(form := program.resolve(ref), ClassInfo)]


def _view_class(program: ProgramModel, route: Route) -> ClassInfo | None:
    handler = program.function_at(route.handler_file, route.handler_line)
    if handler is not None:
        return program.classes.get(handler.cls) if handler.cls else None
    name = route.handler.split(".")[0]
    return next((c for c in program.classes.values()
                 if c.name == name and c.path == route.handler_file), None) or loaded_view(
        program, route)


def _form_cleaners(program: ProgramModel, form: ClassInfo) -> list[FunctionInfo]:
    return [fn for cls in program.mro(form) for name, qualname in cls.methods.items()
            if (name == "clean" or name.startswith("clean_"))
            and (fn := program.functions.get(qualname)) is not None]


def _form_limited(program: ProgramModel, route: Route) -> bool:
    """The form a view validates limits the attempts in its validation (`clean()` calling
    Djblets' or django-ratelimit's `is_ratelimited`, or a project limiter)."""
    return any(program.effects(fn, LIMIT) for form in _view_forms(program, route)
               for fn in _form_cleaners(program, form))


# django-allauth views that apply its own rate limits (ACCOUNT_RATE_LIMITS: `login` and
# `login_failed`, `signup`, `reset_password`, ... on by default since 0.58; failed logins
# were capped by ACCOUNT_LOGIN_ATTEMPTS_LIMIT before). The limit sits on the view's dispatch
# and in its flows, so a project subclass overriding `post` stays under the `login` limit.
_ALLAUTH_LIMITED = frozenset({
    "LoginView", "SignupView", "PasswordResetView", "PasswordResetFromKeyView",
    "PasswordChangeView", "PasswordSetView", "ReauthenticateView", "ConfirmEmailView",
    "EmailView", "RequestLoginCodeView", "ConfirmLoginCodeView"})
_AS_VIEW = re.compile(r"([\w.]+)\.as_view\(")


def _allauth_limited(program: ProgramModel, route: Route, facts: dict[str, list[Any]]
                     ) -> bool:
    """The route serves a django-allauth account view (itself or a project subclass), whose
    rate limits the settings leave on (`ACCOUNT_RATE_LIMITS = False` turns them off)."""
    if any(s.key == "allauth-limits-off" for s in facts.get("settings", [])):
        return False
    return any(ref.startswith("allauth.") and ref.rsplit(".", 1)[-1] in _ALLAUTH_LIMITED
               for ref in _library_refs(program, route))


def _library_refs(program: ProgramModel, route: Route) -> list[str]:
    """The references of the library code serving the route, through the imports: the
    bases of the project's view class (its MRO), else the view registered
    (`auth_views.LoginView.as_view()`), else a library function registered as the handler
    (`bp.route(url)(login)` with `login` imported from `flask_security.views`). The
    registered class, not the mixin defining the handler (`ResetMixin.post` of
    `MayanPasswordResetView(ResetMixin, PasswordResetView)`)."""
    view = _named_view(program, route)
    if view is not None:
        return [b for c in program.mro(view) for b in c.bases]
    module = next((m for m in program.modules.values() if m.path == route.file), None)
    if module is None:
        return []
    if route.decorator is not None and (found := _AS_VIEW.search(route.decorator[1])):
        head, _, rest = found[1].partition(".")
        imported = program.imported(module, head, route.span.start_line)
        return [(imported or head) + (f".{rest}" if rest else "")]
    handler = program.function_at(route.handler_file, route.handler_line)
    if handler is not None:
        # `return LoginView.as_view(...)(request)`, or `default_login_view(request)` with
        # `default_login_view = LoginView.as_view(...)`: the handler hands the request on.
        refs = [site.callee.ref for site in handler.calls if site.callee.kind == "ref"]
        made = [m for ref in refs if (m := program.instance_of(ref))]
        return [r.removesuffix(".as_view") for r in [*refs, *made] if r.endswith(".as_view")]
    head, _, rest = route.handler.partition(".")
    if head not in module.imports:
        return []
    ref = module.imports[head] + (f".{rest}" if rest else "")
    # `password_reset = auth_views.PasswordResetView.as_view(...)` in another module.
    made = program.instance_of(ref)
    return [ref, made.removesuffix(".as_view")] if made else [ref]


def _guarded(program: ProgramModel, route: Route, kind: str) -> bool:
    handler = program.function_at(route.handler_file, route.handler_line)
    return handler is not None and bool(program.guarded_by(handler, kind))


# How far from the handler a credential check still makes the route a sign-in: a view
# handing its form to a helper that hands the password to the backend is two calls. Deeper
# down, the check is a step of some other work (a shared link's password checked on the
# way to a comment), not what the route is for.
_CREDENTIAL_DEPTH = 2


def _with_credentials_through_calls(program: ProgramModel, route: Route) -> Route:
    """The route as BR206 judges it: a handler that checks a password through the project
    functions it calls (noggin's `root()` -> `handle_login_form(form)` ->
    `maybe_ipa_login(..., form.password.data)`) reads a credential like one checking it
    itself, whatever the route's path and name. Only on a route open to anyone: behind a
    guard, a helper's sign-in is a signed-in caller's errand elsewhere (maubot's admin API
    logging a Matrix client in to its homeserver), and the route is judged as before."""
    if route.credentials is not None or route.auth or route.global_auth:
        return route
    found = sorted((r for fn in _route_code(program, route)
                    for r in program.effects(fn, CREDENTIAL) if len(r.via) <= _CREDENTIAL_DEPTH),
                   key=lambda r: (len(r.via), r.origin_path, r.effect.line))
    if not found:
        # The login may be in the form or serializer it validates (issue 17).
        how = form_checks_password(program, _route_code(program, route),
                                   _validated_classes(program, route))
        return route if how is None else dataclasses.replace(route, credentials=("verify", how))
    how = describe(found[0], "checks")
    return dataclasses.replace(route, credentials=(
        "verify", how if found[0].via else how.replace("which checks", "it checks", 1)))


def _with_checked_caller(program: ProgramModel, route: Route) -> Route:
    """The route as BR206 judges it: a handler that refuses anonymous callers itself or
    through a helper (`err = self.check_authorization(request)` comparing a shared secret,
    answering 401) serves signed-in callers, like one behind an auth decorator."""
    if route.auth or route.global_auth or route.credentials is not None:
        return route  # a handler reading a credential is where the caller authenticates
    handler = program.function_at(route.handler_file, route.handler_line)
    # A test of who the caller is or of the secret the request carries, in the handler or
    # a helper it calls on its way in (two calls at most): a `if not user: raise` deep in
    # library code or after a lookup is how a sign-in answers, not a guard.
    checks = [r for r in (program.guarded_by(handler, AUTH) if handler is not None else [])
              if len(r.via) <= 2 and (SECRET_TEST.search(r.effect.detail)
                                      or refuses_anonymous(r.effect.detail))]
    if not checks:
        return route
    return dataclasses.replace(route, auth=(f"{checks[0].effect.detail} (in the handler's "
                                            f"calls)",))


_ONE_TIME_CODES = frozenset({"otp", "2fa", "mfa", "totp"})
# Evidence on the route itself that the caller must be signed in (a name with "auth" in it,
# `csrf_protect`, a project default or a check in the body say less: reset-link views
# refuse signed-in callers, and `...OrReadOnly` defaults are often relaxed).
_SIGNED_IN = re.compile(r"permission_required|login_required|LoginRequired|staff_member"
                        r"|admin_view"
                        r"|superuser|admin_required|has_access|user_passes_test|IsAdmin"
                        r"|IsAuthenticated(?!OrReadOnly)|is_authenticated(?!_or_read)", re.I)
# A dependency handing the handler the signed-in user (`Depends(current_active_user)`,
# `get_verified_user_from_session_or_login`): the framework answers before the handler
# runs when there is none. An `optional` one lets anonymous callers through.
_CURRENT_USER = re.compile(r"(?:^|_)(?:current|active|signed_in|logged_in|authenticated"
                           r"|verified)_(?:\w+_)?user(?:_|$)|user_from_session", re.I)


# FastAPI's `CurrentUser = Annotated[User, Depends(get_current_user)]` idiom, as a
# parameter's annotation: the alias names the current-user dependency it carries.
_CURRENT_USER_TYPE = re.compile(r"^Current(?:Active|Verified|Superuser|Admin)?User$")


def _with_current_user_param(program: ProgramModel, route: Route) -> Route:
    """A handler parameter annotated `CurrentActiveUser` (an `Annotated[..., Depends(...)]`
    alias from another module) hands the handler the signed-in user, like the dependency."""
    handler = program.function_at(route.handler_file, route.handler_line)
    if handler is None:
        return route
    found = sorted(t.rsplit(".", 1)[-1] for t in handler.param_types.values()
                   if _CURRENT_USER_TYPE.match(t.rsplit(".", 1)[-1]))
    if not found or found[0] in route.auth:
        return route
    return dataclasses.replace(route, auth=(*route.auth, found[0]))


# A dependency whose code refuses callers without credentials: its own code (the route
# model's fastapi_starlette.dependency_guard) or a helper it hands the check to
# (br206_callers.with_guarding_dependency).
_REFUSING_DEPENDENCY = re.compile(r"\((?:refuses unauthenticated callers|refuses callers by "
                                  r"who they are)\)$|" + re.escape(THROUGH_CALLS) + "$")


def signed_in_caller(route: Route) -> bool:
    """Strong evidence that only a signed-in caller reaches the route: a login guard on it,
    a dependency that hands the handler the current user, or one whose code (or a helper's)
    refuses callers without credentials. Never on a sign-in page by
    its path: a current-user dependency there is the optional one that sends signed-in
    callers on."""
    if _sign_in_path(route):
        return False
    return any(_SIGNED_IN.search(a) or _REFUSING_DEPENDENCY.search(a) for a in route.auth) or any(
        _CURRENT_USER_TYPE.search(a) for a in route.auth) or any(
        _CURRENT_USER.search(name.rsplit(".", 1)[-1]) and "optional" not in name.lower()
        for name in route.raw)


# Guards that admit staff only (Django's admin site, staff_member_required, superuser and
# admin checks): what such a route does to a password is an administrator's act.
_STAFF_ONLY = re.compile(r"admin_view|staff_member|superuser|admin_required|IsAdmin", re.I)
# How the route model names a password the handler reads to re-check it.
_RECHECKED = re.compile(r"old|current|existing", re.I)


def _rechecks_a_password(route: Route) -> bool:
    kind, how = route.credentials or ("", "")
    return kind == "verify" or (kind == "read" and bool(_RECHECKED.search(how)))


def _signed_in_without_a_check(program: ProgramModel, route: Route) -> bool:
    """A route only signed-in callers reach whose handler checks nothing guessable: a staff
    action resetting another user's password, a form or bearer-token API setting the
    caller's own new one (project code we can read, checking no old password). A library
    view (`PasswordChangeView`) checks the old password out of sight, and so may a library
    view taking a one-time code: both go out as notes, like a handler whose calls check a
    code (`verify_totp(user, code)`)."""
    if not signed_in_caller(route) or _rechecks_a_password(route) or is_graphql_route(route):
        return False
    if any(_STAFF_ONLY.search(a) for a in route.auth):
        return True  # staff setting another user's password: not a public auth endpoint
    if program.function_at(route.handler_file, route.handler_line) is None:
        return False
    # A route named for a one-time code that is seen storing or forwarding it and
    # comparing nothing (skyvern's mail hook keeping a code for an agent) leaves nothing
    # to guess; one whose check we cannot see (`TOTP(secret).now() != code`) still may.
    return not _one_time_code(route) or only_keeps_a_code(program, _route_code(program, route))


# Django's forms that set a password from two new ones and check no secret of the caller
# (the old password is PasswordChangeForm's, which stays out of sight).
_SETS_NO_SECRET = frozenset({"django.contrib.auth.forms.SetPasswordForm",
                             "django.contrib.auth.forms.AdminPasswordChangeForm"})


# Django's FormMixin methods that decide which form a view uses (a project override may
# hand back PasswordChangeForm whatever `form_class` says).
_PICKS_THE_FORM = ("get_form_class", "get_form")


def _library_form_sets_a_password(program: ProgramModel, route: Route) -> bool:
    """A view class registered whole behind a guard (the app's login middleware counts),
    serving the route's method by the library's code (no project class of its MRO, Python's
    order, defines it), whose form, the first one its MRO names, is Django's
    SetPasswordForm: the caller sets a password and no secret is checked, so there is
    nothing to guess and nothing sent to flood (mayan's UserSetPasswordView, behind a
    user-edit permission, posting through Django's FormView). Not for a library
    authentication view (the reset link's token is checked there), a secret in the path,
    nor when the project code the class runs checks a credential itself."""
    view = _view_class(program, route) if route.auth or route.global_auth else None
    if view is None or _secret_in_path(route) or any(
            _LIBRARY_AUTH_VIEW.search(base.rsplit(".", 1)[-1]) for c in program.mro(view)
            for base in c.bases if program.resolve(base) is None):
        return False
    if any(program.method(view, m.lower()) is not None for m in route.methods):
        return False  # the project's own post(): its code decides, read elsewhere
    if any(program.method(view, name) is not None for name in _PICKS_THE_FORM):
        return False  # the project's code picks the form: `form_class` may not be it
    form = next((c.class_refs["form_class"] for c in program.mro(view)
                 if "form_class" in c.class_refs), None)
    if form not in _SETS_NO_SECRET:
        return False
    own = [fn for c in program.mro(view) for q in c.methods.values()
           if (fn := program.functions.get(q)) is not None]
    return not any(program.effects(fn, CREDENTIAL) for fn in own)


_BEHIND_SIGN_IN = ("(note: only a signed-in caller reaches it, so guessing the secret it "
                   "checks needs that caller's session first)")


# Calls that make a new one-time-code secret: django-otp's `random_hex`, pyotp's
# `random_base32`. Not the general random makers (`secrets.token_urlsafe`,
# `get_random_string`): a code page that checks the stored device and then hands out a
# session or step-up token makes one of those too, and its stored secret is still there.
_NEW_SECRET = re.compile(r"^random_(?:hex|base32)$")


def _enrols_a_code(program: ProgramModel, route: Route) -> bool:
    """A signed-in caller's one-time-code enrolment page (weblate's TOTPView): the route
    says one-time code, its code makes a new random secret (to show as a QR code, kept in
    the session) and checks no password. The code it takes proves the caller's app holds
    that secret, which the caller was just shown: no stored secret is there to guess. A
    page checking a code against the device the user already has makes no secret."""
    if not _one_time_code(route):
        return False
    code = _route_code(program, route)
    if any(program.effects(fn, CREDENTIAL) for fn in code):
        return False  # a password checked too: that is still there to guess
    return any(_NEW_SECRET.match(site.text.rsplit(".", 1)[-1]) for fn in code
               for site in fn.calls)


def _one_time_code(route: Route) -> bool:
    tokens = {w for text in [*segments(route.path), route.handler, route.action]
              for w in words(text)}
    return bool(tokens & _ONE_TIME_CODES)


# Library views that only render a page: no post() of their own for a mixin to reach.
_RENDER_ONLY = frozenset({"TemplateView", "PasswordResetDoneView", "PasswordResetCompleteView",
                          "DetailView", "ListView"})


def _post_into_a_page(program: ProgramModel, route: Route) -> bool:
    """`class DoneView(RedirectMixin, PasswordResetDoneView)` whose mixin's `post()` only
    hands on to `super().post()`: the route has a POST only on paper — the library page
    it inherits renders and takes nothing, so nothing is checked there."""
    if route.credentials is not None or not set(route.methods) & WRITE_METHODS:
        return False
    handler = program.function_at(route.handler_file, route.handler_line)
    if handler is None or handler.cls is None or not any(
            site.callee.kind == "super" and site.callee.attr == handler.name
            for site in handler.calls):
        return False
    view = route.handler.split(".")[0]
    for cls in program.classes.values():
        if cls.name != view:
            continue
        order = program.mro(cls)
        owner = program.classes.get(handler.cls)
        if owner is None or owner not in order or program.method(
                cls, handler.name, after=owner) is not None:
            continue  # super().post() reaches a project class's post (a confirm page's)
        library = [b.rsplit(".", 1)[-1] for c in order for b in c.bases
                   if program.resolve(b) is None]
        return bool(library) and all(b in _RENDER_ONLY or b in ("object", "View")
                                     or b.endswith("Mixin") for b in library) and any(
            b in _RENDER_ONLY for b in library)
    return False


_SIGN_IN = frozenset({"login", "signin", "logon"})


def _sign_in_page(route: Route) -> Route:
    """A sign-in page (`/login/`, `/login/mfa/`, `/auth/token/obtain/`) whose only sign of
    a signed-in caller is a project-wide guard (a login-required middleware, a default
    permission) or csrf_protect: that guard must let the page through, or no one could
    sign in — it is open to anyone. So is a page whose path ends in the sign-in
    (`/login`) and whose only guard is the app's or blueprint's `before_request` hook:
    the hook runs before every route there, the login form included, so it must let that
    form through (dtale's `requires_auth` hook and its `/login`)."""
    if not _sign_in_path(route):
        return route
    if route.auth and _ends_in_sign_in(route) and all(
            _HOOK.search(a) or _CSRF.search(a) for a in route.auth):
        return dataclasses.replace(route, auth=(), global_auth=())
    if any(_SIGNED_IN.search(a) for a in route.auth):
        return route
    if route.global_auth or (route.auth and all(_CSRF.search(a) for a in route.auth)):
        return dataclasses.replace(route, auth=(), global_auth=())
    return route


_HOOK = re.compile(r"\(before_request hook\)$")


def _ends_in_sign_in(route: Route) -> bool:
    statics = [s for s in segments(route.path) if not is_param(s)]
    return bool(statics) and bool(set(words(statics[-1])) & _SIGN_IN)


# A CSRF check proves the form came from the site's own page, not who posts it.
_CSRF = re.compile(r"csrf_protect|ensure_csrf_cookie|requires_csrf_token")


def _sign_in_path(route: Route) -> bool:
    # The path only: a middleware exempts URLs, and `login_history` at /account/history/
    # is no sign-in page.
    tokens = {w for text in segments(route.path) for w in words(text)}
    return bool(tokens & _SIGN_IN) or {"token", "obtain"} <= tokens


# Library views that require a signed-in caller themselves (Django decorates
# `PasswordChangeView.dispatch` with `login_required`).
_LOGIN_REQUIRED_VIEWS = frozenset({"PasswordChangeView"})


def _with_library_login(program: ProgramModel, route: Route) -> Route:
    """A project view deriving from a library view that requires login carries that
    guard, though nothing on the route names it; so does one deriving from a library guard
    (`LoginRequiredMixin`) when the route model could not follow the view's reference
    (`saml_views.InfoView` through a function's parameter) to see its bases."""
    view = route.handler.split(".")[0]
    for cls in program.classes.values():
        if cls.name != view:
            continue
        bases = [b.rsplit(".", 1)[-1] for c in program.mro(cls) for b in c.bases]
        found = next((b for b in bases if b in _LOGIN_REQUIRED_VIEWS), None)
        if found:
            return dataclasses.replace(route, auth=(
                *route.auth, f"{found} (login_required on its dispatch)"))
    named = _named_view(program, route)
    guard = next((b for c in (program.mro(named) if named is not None else [])
                  for b in c.bases if program.resolve(b) is None and guard_base(b)), None)
    if guard is not None and not route.auth:
        return dataclasses.replace(route, auth=(guard.rsplit(".", 1)[-1],))
    return route


def _named_view(program: ProgramModel, route: Route) -> ClassInfo | None:
    """The view class registered for the route (`LoginView` of `LoginView.post`, not the
    mixin defining that `post`): the project's only class of that name, else the class of
    the handler the route model found. A view the pattern names through an import (of its
    module, or of the function registering it) is that import's class, a library's too:
    no project class merely sharing its name."""
    found = _AS_VIEW.search(route.decorator[1]) if route.decorator else None
    module = next((m for m in program.modules.values() if m.path == route.file), None)
    if found is not None and module is not None:
        head, _, rest = found[1].partition(".")
        imported = program.imported(module, head, route.span.start_line)
        if imported is not None:
            target = program.resolve(imported + (f".{rest}" if rest else ""))
            return target if isinstance(target, ClassInfo) else None
    name = route.handler.split(".")[0]
    named = [c for c in program.classes.values() if c.name == name]
    return named[0] if len(named) == 1 else _view_class(program, route)


# Library views that start a single sign-on at the identity provider: their GET answers
# with a redirect there, and the credentials are checked by the provider, never here.
_SSO_START_VIEWS = frozenset({"djangosaml2.views.LoginView",
                              "mozilla_django_oidc.views.OIDCAuthenticationRequestView"})


def _starts_sso(program: ProgramModel, route: Route) -> bool:
    """A project view deriving from a library view that starts single sign-on (djangosaml2's
    `LoginView`) and reading no credential itself: a SAML or OIDC login hands the caller
    to the identity provider, where passwords are checked and limited."""
    view = _named_view(program, route)
    if route.credentials is not None or view is None or not any(
            b in _SSO_START_VIEWS for c in program.mro(view) for b in c.bases):
        return False
    # A project method taking a password beside the redirect (a local fallback login)
    # makes it a sign-in like any other.
    return not any(len(r.via) <= _CREDENTIAL_DEPTH for c in program.mro(view)
                   for q in c.methods.values() if (fn := program.functions.get(q))
                   for r in program.effects(fn, CREDENTIAL))


# `path("login/", lambda request: redirect("/login/keycloak/"))`: no def to look into.
_REDIRECT_LAMBDA = re.compile(r"^lambda\b[^:]*:\s*(?:\w+\.)*(\w+)\(")


def _redirects_elsewhere(program: ProgramModel, route: Route) -> bool:
    """A sign-in route that reads no credential and whose every answer is a redirect (to
    the identity provider, to the real form): nothing is checked there, so nothing can be
    guessed by calling it again. A redirect after checking a password is a login."""
    if route.credentials is not None:
        return False
    handler = program.function_at(route.handler_file, route.handler_line)
    if handler is not None:
        return handler.redirects
    lam = _REDIRECT_LAMBDA.match(route.handler)
    return lam is not None and lam[1] in REDIRECTS


_ACTS_DEPTH = 3


def _name_only(program: ProgramModel, route: Route) -> bool:
    """A route that reads like authentication (its path or name says `login`, `password`,
    `token`) but whose handler — project code we can read, through the calls it makes —
    reads no credential and calls nothing that checks a secret, issues a token or session,
    sends mail or SMS, or creates an account: the evidence is the name only."""
    if route.credentials is not None or is_graphql_route(route):
        return False
    if _REGISTRATION_HANDLER.match(route.handler.rsplit(".", 1)[-1]) or _secret_in_path(route):
        return False
    code = [*_route_code(program, route), *_overridden(program, route)]
    if not code:
        return False  # a library view does its work out of sight
    for depth, level in enumerate(program.callee_levels(code, _ACTS_DEPTH + 1)):
        if depth == _ACTS_DEPTH:  # the farthest functions: only their own acts are read
            return not any(fn.auth_acts for fn in level)
        for fn in level:
            if fn.auth_acts or any(_library_super(program, fn, site) for site in fn.calls):
                return False
            # a task handed to a call that sends it (`queue.enqueue(mail_link, ...)`): the
            # task's own acts are the route's
            if any(code.auth_acts for site in fn.calls
                   if (handed := handed_task(program, site)) is not None for code in handed[1]):
                return False
    return True


def _overridden(program: ProgramModel, route: Route) -> list[FunctionInfo]:
    """The project methods a handler's `super().post(...)` chain may reach: the same
    method of every project class in the view's MRO (`ConfirmMixin.post` handing on to
    `PlainView.post`, which signs the caller in)."""
    handler = program.function_at(route.handler_file, route.handler_line)
    view = _named_view(program, route) if handler is not None and handler.cls else None
    if view is None or handler is None:
        return []
    return [fn for c in program.mro(view) if (q := c.methods.get(handler.name))
            and (fn := program.functions.get(q)) is not None and fn is not handler]


# A path value that is a one-time secret: `/reset/<token>`, `/invitation/{code}`.
_SECRET_PARAM_WORDS = frozenset({"token", "key", "code", "signature", "hash", "uidb64"})


def _secret_in_path(route: Route) -> bool:
    """The path carries a one-time secret (`/reset/<token>`): the view checks it, whatever
    else it does (pretalx's RecoverView looks the user up by it), so that secret, not the
    name, is the evidence. `keypair_name` is no key: whole words only."""
    return any(set(words(next((g for g in groups if g), ""))) & _SECRET_PARAM_WORDS
               for groups in path_params(route.path))


def _route_code(program: ProgramModel, route: Route) -> list[FunctionInfo]:
    """The project code a request to the route runs first: the handler and the cleaners of
    the form its view validates, or a view class's own code; empty for a library view."""
    handler = program.function_at(route.handler_file, route.handler_line)
    if handler is None:
        return _view_class_code(program, route)
    # The form a library view validates is where a sign-in checks the password.
    return [handler, *(fn for form in _view_forms(program, route)
                       for fn in _form_cleaners(program, form))]


def _view_class_code(program: ProgramModel, route: Route) -> list[FunctionInfo]:
    """A project view class registered whole (`RegisterView.as_view()`): the methods of
    its project classes and of the forms it validates, which its library base runs on each
    request (`form_valid` handing the data to the form's `handle()`). Empty when the class
    is not the project's, or when a library base is an authentication view
    (`LoginView`, `PasswordResetView`): its work is out of sight."""
    view = _view_class(program, route)
    if view is None or any(_LIBRARY_AUTH_VIEW.search(base.rsplit(".", 1)[-1])
                           for c in program.mro(view) for base in c.bases
                           if program.resolve(base) is None):
        return []
    forms = _view_forms(program, route)
    slots = [c.class_refs[slot] for c in program.mro(view) for slot in _FORM_SLOTS
             if slot in c.class_refs]
    if (slots and not forms) or program.method(view, "get_form_class") is not None:
        return []  # a library form, or one chosen at run time: its work is out of sight
    classes = [*program.mro(view), *(c for form in forms for c in program.mro(form))]
    unique = {cls.qualname: cls for cls in classes}.values()
    return [fn for cls in unique for qualname in cls.methods.values()
            if (fn := program.functions.get(qualname)) is not None]


_LIBRARY_AUTH_VIEW = re.compile(r"Password|Login|Auth|Token|Signup|SignUp|Regist", re.I)


def _library_super(program: ProgramModel, fn: FunctionInfo, site: CallSite) -> bool:
    """`super().post(...)` reaching a library authentication view's method: its work is
    out of sight (Django's `PasswordResetView.post` sends the mail); a generic library
    view's (`View`, a confirm page) is not evidence."""
    if site.callee.kind != "super" or program.targets(fn, site):
        return False
    owner = program.classes.get(fn.cls) if fn.cls else None
    views = [c for c in program.classes.values() if owner is not None and owner in
             program.mro(c)] if owner is not None else []
    return any(_LIBRARY_AUTH_VIEW.search(base.rsplit(".", 1)[-1]) for cls in views
               for c in program.mro(cls) for base in c.bases if program.resolve(base) is None)


def _removes_only(program: ProgramModel, route: Route) -> bool:
    """A DELETE that checks no credential (`DELETE /token/` signing out of a service,
    `DELETE /master_password` clearing the caller's own): what it removes, the caller
    already holds, so there is nothing to guess; a DELETE that checks a password or a
    one-time code first (`verify_totp(user, code)`) is a credential check like any other."""
    if set(route.methods) != {"DELETE"} or route.credentials is not None:
        return False
    handler = program.function_at(route.handler_file, route.handler_line)
    return handler is not None and not any(
        _CHECKS_SECRET.search(site.text.rsplit(".", 1)[-1]) for site in handler.calls)


# A call that checks a secret the caller sent (program/credential_checks.py's words).
_CHECKS_SECRET = re.compile(r"authenticat|check_?pass|verify|checkpw|compare_digest"
                            r"|(?:^|_)log_?in(?:$|_)|sign_?in|logon|otp|totp", re.I)


_LOOKED_UP = ("(note: the view is looked up by name at run time; the review cannot see its "
              "code, so it may be limited where it is defined)")


def _unique(routes: list[Route]) -> list[Route]:
    seen: set[tuple[str, int, int, tuple[str, ...]]] = set()
    out: list[Route] = []
    for route in routes:
        key = (route.file, route.span.start_line, route.span.start_col, route.methods)
        if key not in seen:
            seen.add(key)
            out.append(route)
    return out


_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.NOTE: 2}


def _one_per_endpoint(found: list[tuple[Route, Severity, str]]
                      ) -> list[tuple[Route, Severity, str, list[str]]]:
    """One finding per registration: a view class or resource registered once serves its
    methods (`post`, `patch`, `delete` of one `LoginViewSet`) at one place, and one limit
    there bounds them all. The finding is the strongest one's, naming every method."""
    groups: dict[tuple[str, int, int], list[tuple[Route, Severity, str]]] = {}
    for item in found:
        route = item[0]
        groups.setdefault((route.file, route.span.start_line, route.span.start_col),
                          []).append(item)
    out: list[tuple[Route, Severity, str, list[str]]] = []
    for items in groups.values():
        route, severity, text = min(items, key=lambda i: _RANK.get(i[1], 3))
        methods = sorted({m for r, _, _ in items for m in r.methods})
        out.append((route, severity, text, methods))
    return out


def _evidence(program: ProgramModel, route: Route, sign_ins: bool = True) -> str | None:
    """What the route does that a client can abuse on every call (br206_evidence): a
    password the route model saw checked, an act in the code the request runs (the
    handler, the forms and serializers it validates, their calls), or a known library
    view's work. `sign_ins=False`: a call that only signs the caller in does not count."""
    if route.credentials is not None and route.credentials[0] == "verify":
        return "verifies a credential: " + re.sub(r"^(?:it|which) ", "", route.credentials[1])
    code = [*_route_code(program, route), *_overridden(program, route)]
    code += [fn for cls in _validated_classes(program, route)
             for fn in validators(program, cls) if fn not in code]
    return abusable_act(program, code, sign_ins) or library_act(
        [ref for ref in _library_refs(program, route) if program.resolve(ref) is None])


def _validated_classes(program: ProgramModel, route: Route) -> list[ClassInfo]:
    """The project forms and serializers the route's view names: the forms it validates
    out of sight and its `serializer_class` (first in the MRO)."""
    out = _view_forms(program, route)
    view = _named_view(program, route)
    ref = next((c.class_refs["serializer_class"] for c in program.mro(view)
                if "serializer_class" in c.class_refs), None) if view is not None else None
    serializer = program.resolve(ref) if ref else None
    if isinstance(serializer, ClassInfo) and serializer not in out:
        out.append(serializer)
    return out


def _by_evidence(program: ProgramModel, route: Route) -> tuple[Severity, str]:
    """An error only for an anonymous caller and positive evidence of an abusable act;
    everything else a note saying what is missing."""
    evidence = _evidence(program, route)
    if evidence is None:
        seen = program.function_at(route.handler_file, route.handler_line) is not None or bool(
            _view_class_code(program, route))
        return Severity.NOTE, f" {_NO_ACT if seen else _OUT_OF_SIGHT}"
    if _secret_in_path(route) and not _one_time_code(route) and _evidence(
            program, route, sign_ins=False) is None:
        # `login_user(user_by_token(token))` on `/reset/<token>`: the mailed, unguessable
        # secret in the path lets the caller in; the sign-in checks nothing it could guess.
        return Severity.NOTE, (" (note: it signs the caller in only with the one-time secret "
                               f"in its path, {evidence.split(': ', 1)[-1]}: nothing there "
                               "to guess)")
    # A guard on the route itself; a project-wide default (DRF's DEFAULT_PERMISSION_CLASSES,
    # a login middleware) must let the sign-in, sign-up and reset flows through, or no one
    # could use them.
    # A getter dependency that refuses no one and hands over a service object
    # (`get_authentication_flow`) is no guard (`_authenticates`).
    module = next((m for m in program.modules.values() if m.path == route.file), None)
    # A CSRF check (_CSRF) proves the form came from the site's own page, not who posts it;
    # a project decorator whose wrapper refuses no one for who they are is no guard either.
    guard = next((a for a in route.auth if not _ADMITS_ANONYMOUS.search(a)
                  and not _CSRF.search(a) and _authenticates(
        program, a if "." in a or module is None else f"{module.name}.{a}")
        and not checks_no_one(program, route, a)), None)
    if guard is not None:
        return Severity.NOTE, (f" (note: it {evidence}, but the route shows a guard "
                               f"({guard}), so its callers may all be signed in)")
    return Severity.ERROR, f" (it {evidence})"


# Decorators that turn signed-in callers away and let anyone else in (Flask-Security's
# `anonymous_user_required` on a reset form): no guard against an anonymous caller.
_ADMITS_ANONYMOUS = re.compile(r"anonymous_(?:user_)?required|login_not_required")


_OUT_OF_SIGHT = ("(note: its path or name says authentication; the view is library code "
                 "whose work is out of sight, so no password check, message or new account "
                 "was seen)")
_NO_ACT = ("(note: its path or name says authentication, but no password or one-time-code "
           "check, message sent or account created was seen in the code it runs)")


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
        found: list[tuple[Route, Severity, str]] = []
        for route in _unique(project_routes(facts)):
            if _limited(program, route) or route.global_limits or _declared(route, limiters):
                continue
            if _guarded(program, route, LIMIT) or _allauth_limited(program, route, facts):
                continue  # a limiter reached through a helper, a decorator, the library
            methods = set(route.methods)
            why = ""
            tokens = {w for seg in segments(route.own_path) for w in words(seg)}
            if tokens & EXEMPT_WORDS:
                continue
            route = _with_credentials_through_calls(program, route)
            route = _with_checked_caller(program, _with_library_login(
                program, _sign_in_page(_with_current_user_param(
                    program, with_guarding_dependency(program, route, _sign_in_path(route))))))
            if (_signed_in_without_a_check(program, route) or _post_into_a_page(program, route)
                    or _redirects_elsewhere(program, route) or _removes_only(program, route)
                    or _starts_sso(program, route)
                    or _library_form_sets_a_password(program, route)):
                continue
            if (is_auth_sensitive(route) or _open_registration(program, route)) and (
                    methods & (_GQL_WRITE | {"ANY"})):
                severity = Severity.ERROR
                what = "an authentication endpoint"
                if route.credentials is not None and not is_auth_endpoint(
                        dataclasses.replace(route, auth=(), global_auth=())):
                    # Nothing in its path or name says so: say what it does.
                    what += f" by what it does ({route.credentials[1]})"
                if _name_only(program, route):
                    continue  # nothing there to guess or to flood: the name is all there is
                if signed_in_caller(route):
                    if _enrols_a_code(program, route):
                        continue  # the secret it checks is the one it just made and showed
                    # Re-checking the signed-in caller's own password: guessing it needs
                    # that caller's session first.
                    severity, why = Severity.NOTE, f" {_BEHIND_SIGN_IN}"
                elif run_time_lookup(route, facts) is not None:
                    severity, why = Severity.NOTE, f" {_LOOKED_UP}"
                else:
                    severity, why = _by_evidence(program, route)
                    if severity is Severity.ERROR and " by what it does " in what:
                        why = ""  # the message already says what it checks
            elif scope in ("write", "all") and methods & WRITE_METHODS and not (
                    route.auth or route.global_auth):
                severity = Severity.WARNING
                what = "an unauthenticated write"
            elif scope == "all":
                severity = Severity.WARNING
                what = "a route"
            else:
                continue
            if _form_limited(program, route):
                continue  # the form the view validates limits it (asked last: it looks far)
            found.append((route, severity, f"is {what} with no rate limit: nothing bounds how "
                                           f"often a client can call it{why}"))
        for route, severity, text, methods in _one_per_endpoint(found):
            description, example = limit_fix(route, facts)
            self.report(route.file, route.span,
                        f'route "{"|".join(methods)} {route.path}" ({route.handler}) {text}',
                        fix=Fix(description, example), severity=severity,
                        snippet=route.own_path)


class UnauthenticatedWrite(ProjectRule):
    id = "BR207"
    OPTIONS: ClassVar[dict[str, type]] = {"auth": list}
    needs_facts: ClassVar[tuple[str, ...]] = ("routes", "program")

    def check(self, facts: dict[str, list[Any]]) -> None:
        program = program_of(facts)
        declared = list(self.option("auth", []))
        routes = project_routes(facts)
        for route in _unique(routes):
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
                        fix=Fix(*auth_fix(route, routes, program)), snippet=route.own_path)


RULES = (MissingRateLimit, UnauthenticatedWrite)
