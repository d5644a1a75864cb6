r"""Which routes are authentication endpoints (login, signup, password reset, token exchange),
read from the whole path (prefixes declared in other modules included), the handler's name
and its parameters. BR206 limits them, BR207 leaves them public by nature.

An authenticated route that manages *another* user's credentials (`/admin/users/{id}/
password-reset`, `/users/{user_id}/reset-password` behind a permission) is administration,
not a public authentication endpoint; so is any route whose path names the user record it
acts on (`/gym/user/<int:user_pk>/reset-user-password`, `/(?P<pk>\d+)/password-reset/`): a
caller authenticating names no record, only a token. The static page shown after a reset
(`password_reset/done/`, `reset/complete/`) checks nothing and sends nothing."""

from __future__ import annotations

import re

from .naming import is_param, is_plural, segments, words
from .routes import UNKNOWN_PREFIX, Route, path_params

# Words that make a route auth-sensitive: credential guessing and account abuse targets.
AUTH_WORDS = frozenset({"login", "signin", "logon", "signup", "password", "passwd", "forgot",
                        "pwreset", "otp", "2fa", "mfa", "totp", "magic", "ldap"})
# Words that name an auth endpoint only as a whole segment (`/register`, `/token`,
# `/verify`), not inside another resource (`/bulk-register`, `/registration-requests`).
SEGMENT_WORDS = frozenset({"register", "registration", "token", "verify", "authenticate",
                           "activate", "recover", "recovery"})
# Credential checks stay sensitive for a signed-in caller (current password, OTP codes);
# the other words (register, verify, token) only matter on routes open to anyone.
CREDENTIAL_WORDS = frozenset({"password", "passwd", "otp", "2fa", "mfa", "totp"})
JOINED = re.compile(r"(sign_?in(?!g)|sign_?up|log_?in|reset_?password|forgot_?password|"
                    r"two_?factor)", re.I)
# Routes that authenticate the caller some other way by nature.
EXEMPT_WORDS = frozenset({"webhook", "webhooks", "callback", "hook", "hooks", "csp",
                          "csrf", "health", "healthz", "metrics", "logout", "signout",
                          "revoke", "introspect", "well-known", ".well-known"})
# Handler names that say "this creates an account / signs in" (`POST /users` -> register).
_HANDLER = re.compile(r"^(register|signup|sign_up|create_account|login|signin|sign_in|"
                      r"log_in|authenticate|obtain_(?:jwt_|auth_|access_)?token|issue_token|token_obtain|"
                      r"reset_password|forgot_password|recover_password|"
                      r"request_password_reset)(_(user|account|member|customer|for_access_token|"
                      r"access_token|token|view|api|endpoint|request|confirm|submit))?$", re.I)
# A segment that, followed by a one-time token / uid, is the target of an emailed link:
# `/reset/<token>`, `/activate/<uidb64>/<token>`, `/confirm/{key}`.
_LINK_WORDS = frozenset({"reset", "recover", "confirm", "activate", "verify", "unlock"})
_LINK_PARAM = re.compile(r"(token|uid|key|code|hash|signature)", re.I)
# Exchanging a secret for a session / token: `/api-keys/exchange`, `/tokens/provision`.
_EXCHANGE_WORDS = frozenset({"exchange", "provision", "obtain", "issue", "refresh"})
_SECRET_WORDS = frozenset({"token", "tokens", "key", "keys", "apikey", "apikeys", "jwt",
                           "session", "sessions", "credential", "credentials"})
_SECRET_PARAMS = frozenset({"password", "passwd", "secret", "api_key", "apikey",
                            "client_secret"})
_USER_PARAMS = frozenset({"username", "email", "login", "user", "user_name"})
_ADMIN = frozenset({"admin", "admins", "staff", "superuser", "manage", "management"})
# A path parameter naming a user's record: `<int:user_pk>`, `(?P<pk>\d+)`, `{member_id}`.
_RECORD_PARAM = re.compile(r"^(?:pk|id|(?:user|member|account|person|speaker|staff|customer"
                           r"|employee|profile)_?(?:pk|id))$", re.I)
# What an emailed link may confirm and still be about the account.
_ACCOUNT_WORDS = frozenset({"email", "emails", "invitation", "invitations", "invites",
                            "registration", "registrations", "auth"})
# Authenticators a signed-in user enrols (`/webauthn/registration/`, `/passkeys/register`):
# registering one adds a second factor to an existing account, it creates no account.
_AUTHENTICATORS = frozenset({"webauthn", "passkey", "passkeys", "fido", "fido2", "u2f",
                             "authenticator", "authenticators", "device", "devices",
                             "securitykey", "securitykeys"})
# The last segment (or handler word) of a page shown once a flow is over.
_DONE_WORDS = frozenset({"done", "complete", "completed", "sent", "success"})
_PEOPLE = frozenset({"user", "users", "member", "members", "account", "accounts",
                     "people", "person", "persons", "staff", "employees", "employee"})


def _static_segments(path: str) -> list[str]:
    return [s for s in segments(path) if s != UNKNOWN_PREFIX and not is_param(s)]


def is_auth_endpoint(route: Route) -> bool:
    """Login, signup, password reset, token exchange: by the whole path, the handler's name
    and what it takes. A route that manages another user's credentials is not one."""
    own_tokens = {w for text in [*segments(route.own_path), route.handler, route.action]
                  for w in words(text)}
    full = segments(route.path)
    full_tokens = {w for s in full if s != UNKNOWN_PREFIX for w in words(s)}
    if (own_tokens | full_tokens) & EXEMPT_WORDS:
        return False
    authenticated = bool(route.auth or route.global_auth)
    if authenticated and _manages_other_user(full):
        return False
    if _names_user_record(route.path) or _done_page(route):
        return False
    handler = route.handler.rsplit(".", 1)[-1]
    if authenticated:
        return bool((own_tokens | full_tokens) & CREDENTIAL_WORDS) or bool(
            re.match(r"^(change|set|update)_password", handler))
    statics = _static_segments(route.path)
    joined = any(JOINED.search(t) for t in [*full, route.handler, route.action])
    whole = {s.lower() for s in segments(route.own_path)} | {route.action.lower()}
    if statics:
        whole.add(statics[-1].lower())
    return (joined or bool((own_tokens | full_tokens) & AUTH_WORDS)
            or _segment_word(full, whole) or bool(_HANDLER.match(handler))
            or _emailed_link(full) or _exchanges_secret(route, statics))


def _segment_word(full: list[str], whole: set[str]) -> bool:
    """`/register`, `/token`, `/verify` as a whole segment, unless it acts on a resource
    the path names just before it (`/entrypoints/register`, `/devices/verify`): that
    registers or verifies the resource, not an account."""
    hits = [i for i, s in enumerate(full) if s.lower() in SEGMENT_WORDS & whole]
    if not hits:
        return bool(whole & SEGMENT_WORDS)  # a DRF action name
    return any(not _confirms_other_resource(full, i) for i in hits)


def _manages_other_user(full: list[str]) -> bool:
    """`/admin/...` or `/users/{user_id}/password...`: a user named in the path."""
    lowered = [s.lower() for s in full]
    if set(lowered) & _ADMIN:
        return True
    return any(seg in _PEOPLE and i + 1 < len(full) and is_param(full[i + 1])
               for i, seg in enumerate(lowered))


def _names_user_record(path: str) -> bool:
    """A user's record in the path and no one-time token beside it (`/<pk>/<token>/` is an
    emailed reset link, still public)."""
    names = [next((g for g in groups if g), "") for groups in path_params(path)]
    return any(_RECORD_PARAM.match(n) for n in names) and not any(
        _LINK_PARAM.search(n) for n in names)


def _done_page(route: Route) -> bool:
    """`password_reset/done/`, `PasswordResetCompleteView`: the page after the flow, which
    takes nothing (a POST to `/success` receives something)."""
    if set(route.methods) & {"POST", "PUT", "PATCH"}:
        return False
    statics = _static_segments(route.own_path or route.path)
    handler = [w for w in words(route.handler.rsplit(".", 1)[-1]) if w != "view"]
    return bool(statics and statics[-1].lower() in _DONE_WORDS) or bool(
        handler and handler[-1] in _DONE_WORDS)


def _emailed_link(full: list[str]) -> bool:
    return any(s.lower() in _LINK_WORDS and i + 1 < len(full) and is_param(full[i + 1])
               and _LINK_PARAM.search(full[i + 1]) and not _confirms_other_resource(full, i)
               for i, s in enumerate(full))


def _confirms_other_resource(full: list[str], i: int) -> bool:
    """`/alerts/confirm/<key>`, `/orders/confirm/<token>`: the link confirms a resource the
    path names (a stock alert, an order), not an account, an email or a password; and
    `/webauthn/registration` enrols an authenticator for the signed-in user."""
    if i == 0 or is_param(full[i - 1]) or full[i - 1] == UNKNOWN_PREFIX:
        return False
    previous = words(full[i - 1])
    if set(previous) & _AUTHENTICATORS:
        return True  # `/webauthn/registration/begin`: enrols a second factor, no signup
    return bool(previous) and is_plural(previous[-1]) and not (
        set(previous) & (AUTH_WORDS | _ACCOUNT_WORDS | _PEOPLE))


def _exchanges_secret(route: Route, statics: list[str]) -> bool:
    tokens = {w for s in statics for w in words(s)}
    if tokens & _EXCHANGE_WORDS and tokens & _SECRET_WORDS:
        return True
    if {"auth", "tokens"} <= tokens:
        return True  # keystone's `POST /v3/auth/tokens`: the token collection of sign-in
    params = {p.lower() for p in route.handler_params}
    return bool(tokens & _SECRET_WORDS) and bool(params & _SECRET_PARAMS) and bool(
        params & _USER_PARAMS)
