"""Words in URL paths: splitting segments into words, and telling plural nouns, singular
nouns and verbs apart with `pluralizer` (a port of the widely used pluralize.js rules) plus
allowlists and a few overrides for words that URLs spell their own way."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

# Plurals that web APIs spell differently from the library's (Latin) choice.
_PLURAL_OVERRIDES = {"index": "indexes", "matrix": "matrixes", "vertex": "vertexes"}


@lru_cache(maxsize=1)
def _engine() -> Any:
    # Imported on first use: only route rules need it, and `--version` or a flake8 run
    # without routes must not pay for compiling its rule table.
    from pluralizer import Pluralizer

    return Pluralizer()

# Never a resource name: versions, prefixes, uncountable nouns, well-known action endpoints.
DEFAULT_ALLOWLIST = frozenset("""
api apis rest rpc graphql v1 v2 v3 v4 v5 internal public private admin ui web app www data
info information metadata media feedback health healthz status stats statistics analytics
news series software hardware equipment content history progress evidence staff traffic
audio video music research knowledge advice weather money login logout signin signout
signup register registration refresh token auth oauth oauth2 authorize callback webhook
search me self whoami metrics ping ready readiness live liveness version docs openapi
swagger redoc schema well-known .well-known static favicon.ico robots.txt sitemap.xml
config configuration settings preferences profile account dashboard home index overview
summary export import upload download preview validate verify confirm activate reset
password sso saml oidc csrf captcha totp otp mfa 2fa jwks current latest default all bulk
batch new by id raw random count search autocomplete cart checkout inbox feed timeline
notification-settings acl
""".split())  # noqa: SIM905
# (`acl`: an access control list is one collective resource, its entries served below it.)
# Well-known service names used as path segments (`/storages/azure/{id}`).
SERVICE_NAMES = frozenset({
    "azure", "aws", "gcp", "gcs", "s3", "redis", "github", "gitlab", "bitbucket", "google",
    "slack", "stripe", "paypal", "ldap", "openai", "ollama", "localfiles", "sftp", "dropbox",
    "onedrive", "sharepoint", "jira", "zoom", "teams"})
DEFAULT_ALLOWLIST = DEFAULT_ALLOWLIST | SERVICE_NAMES

# The HTTP methods, lower-case, as a class-based view names the method that serves each
# (`MethodView.get`, `HTTPEndpoint.post`, `View.options`).
HTTP_METHOD_NAMES = frozenset({"get", "post", "put", "patch", "delete", "head", "options"})

# Verbs that name a CRUD operation the HTTP method should carry.
CRUD_VERBS = {
    "get": "GET", "fetch": "GET", "list": "GET", "retrieve": "GET", "read": "GET",
    "find": "GET", "query": "GET", "load": "GET", "show": "GET", "view": "GET",
    "create": "POST", "add": "POST", "insert": "POST", "make": "POST", "save": "POST",
    "post": "POST", "submit": "POST",
    "update": "PUT", "edit": "PATCH", "modify": "PATCH", "change": "PATCH", "set": "PUT",
    "put": "PUT", "patch": "PATCH",
    "delete": "DELETE", "remove": "DELETE", "destroy": "DELETE", "del": "DELETE",
    "erase": "DELETE", "unset": "DELETE",
}
# Action verbs that show up as path segments (`/tasks/stop/{id}`, `/models/sync`): not
# resource names, so never "singular".
ACTION_VERBS = frozenset("""
stop start restart run rerun sync generate pull push copy embed share cancel retry exec
execute send test reset upload download refresh publish unpublish archive unarchive restore
clone merge approve reject enable disable pause resume trigger invoke deploy build install
uninstall check scan convert render process parse transcribe translate complete compile
index reindex move rename import export preview validate verify confirm activate
deactivate subscribe unsubscribe follow unfollow like unlike vote star unstar pin unpin
lock unlock join leave invite accept decline toggle submit apply revoke rotate sign
exchange redirect proxy stream watch poll ack tag untag assign unassign mark reorder sort
filter count evaluate chat complete login logout signup signin register authorize
duplicate open close resolve reload suspend isolate unisolate reboot shutdown
""".split())  # noqa: SIM905


def is_word_noun_like(word: str) -> bool:
    """False for action verbs and -ed / -ing forms (`pinned`, `archived`, `billing`)."""
    if word in ACTION_VERBS:
        return False
    return not (len(word) >= 5 and word.endswith(("ed", "ing")))


# Verbs that are only verbs: a bare "view" or "list" segment may be a noun-like endpoint,
# so a bare segment is flagged only for these.
BARE_VERBS = frozenset({"get", "fetch", "retrieve", "create", "add", "insert", "update",
                        "edit", "modify", "delete", "remove", "destroy"})

_PARAM = re.compile(r"^(\{.*\}|<.*>|:\w+|\(.*\)|\*.*)$")
_REGEX = re.compile(r"[\\()\[\]+*?$^|{}<>]")
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


def segments(path: str) -> list[str]:
    return [s for s in path.split("/") if s]


def is_param(segment: str) -> bool:
    return bool(_PARAM.match(segment)) or bool(_REGEX.search(segment))


def words(segment: str) -> list[str]:
    """`getUsers` -> [get, users]; `create_order` / `fetch-all` likewise."""
    out: list[str] = []
    for part in re.split(r"[-_.~]+", segment):
        out += [w.lower() for w in _CAMEL.findall(part)]
    return out


@lru_cache(maxsize=4096)
def is_plural(word: str) -> bool:
    if word.endswith(("ss", "sis", "us")) and word not in ("bonus",):
        return False
    # Uncountable nouns (`media`, `staff`) count as plural: they need no other form.
    return bool(_engine().is_plural(word))


@lru_cache(maxsize=4096)
def plural(word: str) -> str:
    return _PLURAL_OVERRIDES.get(word) or _engine().plural(word) or word + "s"


@lru_cache(maxsize=4096)
def singular(word: str) -> str:
    return _engine().singular(word) or word


# Words whose first letter's sound is not what it looks like: a vowel letter read as a
# consonant ("a user", "a unit", "a one-time"), a silent h ("an hour").
_CONSONANT_SOUND = ("uni", "use", "usa", "usu", "uti", "ure", "uri", "url", "eu", "one", "once")
_SILENT_H = ("hour", "honest", "honor", "honour", "heir")


def indefinite_article(word: str) -> str:
    """`user` -> `a`, `owner` -> `an`: the article before `word` in a fix's sentence."""
    low = word.lower()
    if low.startswith(_CONSONANT_SOUND):
        return "a"
    return "an" if low[:1] in ("a", "e", "i", "o", "u") or low.startswith(_SILENT_H) else "a"


def pluralize_segment(segment: str) -> str:
    """`order-item` -> `order-items`, `orderItem` -> `orderItems`, keeping the style."""
    ws = words(segment)
    if not ws:
        return segment
    last = ws[-1]
    match = None
    for m in re.finditer(re.escape(last), segment, re.I):
        match = m
    if match is None:
        return segment
    original = segment[match.start():match.end()]
    new = plural(last)
    if original[:1].isupper():
        new = new[:1].upper() + new[1:]
    return segment[:match.start()] + new + segment[match.end():]


def verb_of(segment: str) -> tuple[str, list[str]] | None:
    """(verb, object words) when the segment is a CRUD verb phrase: `getUsers`,
    `create_order`, `deleteItem`, `fetch-all`, a bare `delete`."""
    ws = words(segment)
    if not ws or ws[0] not in CRUD_VERBS:
        return None
    if len(ws) == 1:
        return (ws[0], []) if ws[0] in BARE_VERBS else None
    # `list-view`, `view-source`, `set-password`, `update-password`: object words that are
    # themselves allowlisted actions read as an action endpoint, not CRUD in the URL.
    rest = ws[1:]
    if ws[0] == "post" and len(rest) == 1 and rest[0].endswith("ing"):
        # `post-training`, `post-processing`: the prefix "post-" (after) before a gerund
        # names a stage, not the verb POST.
        return None
    if ws[0] in ("view", "show", "set", "read", "change", "post", "query", "load", "make",
                 "submit", "find") and len(rest) == 1 and rest[0] in (
            "password", "source", "more", "all", "status", "config", "default"):
        return None
    return ws[0], rest


# Verbs beyond CRUD that name an action in an API path (`/cases/{id}/purge`,
# `/users/{id}/follow`): the method and a resource should say it. Standard action endpoints
# (login, search, export, upload, verify...) are in the allowlist and stay allowed.
ACTION_ONLY_VERBS = frozenset("""
purge archive unarchive cancel approve reject enable disable restart retry trigger invoke
deploy install uninstall deactivate subscribe unsubscribe follow unfollow unlike unstar
unpin unlock invite accept decline rotate resend reprocess rerun recalculate recompute
regenerate reassign unassign assign duplicate clone mute unmute ban unban block unblock
suspend unsuspend resume pause start stop kill terminate like star pin lock vote watch
unwatch share
""".split())  # noqa: SIM905
# Run-state transitions of a live process or machine (`POST /nodes/{id}/start`): custom
# methods in the sense of Google's AIP-136, not a stored field a PATCH could set (the
# operation runs, takes time and fails on its own: 409 when the emulator will not boot).
# They are not reported, all of them alike, so one file never reports `/suspend` beside an
# unreported `/start`.
LIFECYCLE_VERBS = frozenset("""
start stop restart suspend unsuspend resume pause unpause reload reboot shutdown kill
terminate isolate unisolate
""".split())  # noqa: SIM905
# First words that make a multi-word segment a verb phrase (`resolve_identifier`,
# `regenerate_token`): an action, never a singular resource name. Words that also modify
# nouns (`test_case`, `build_log`, `share_link`) are not here.
PHRASE_VERBS = frozenset("""
resolve purge cancel approve reject enable disable restart retry invoke install uninstall
activate deactivate subscribe unsubscribe reprocess rerun recalculate recompute regenerate
reassign unassign duplicate validate verify convert generate refresh send sync
""".split())  # noqa: SIM905
# Also nouns or adjectives (`/releases/duplicate`, `/settings/lock`): a verb only when it
# acts on one member (right after a path parameter).
AMBIGUOUS_VERBS = frozenset("""
duplicate clone like star pin lock vote watch share start stop pause resume block ban mute
invite
""".split())  # noqa: SIM905
# Verbs that change a state of the resource (PATCH it) or create a related resource.
STATE_VERBS = frozenset("""
archive unarchive cancel approve reject enable disable deactivate suspend unsuspend ban
unban block unblock lock unlock pin unpin mute unmute pause resume start stop
""".split())  # noqa: SIM905
NOMINAL = {"follow": "followers", "unfollow": "followers", "like": "likes", "unlike": "likes",
           "star": "stars", "unstar": "stars", "subscribe": "subscriptions",
           "unsubscribe": "subscriptions", "invite": "invitations", "vote": "votes",
           "assign": "assignees", "unassign": "assignees", "reassign": "assignees",
           "duplicate": "duplicates", "clone": "clones", "retry": "retries",
           "restart": "restarts", "rerun": "runs", "deploy": "deployments",
           "install": "installations", "uninstall": "installations", "share": "shares",
           "watch": "watchers", "unwatch": "watchers", "resend": "deliveries",
           "rotate": "rotations", "trigger": "runs", "invoke": "invocations",
           "reprocess": "runs", "recalculate": "runs", "recompute": "runs",
           "regenerate": "runs", "accept": "acceptances", "decline": "declines"}
_REMOVING = ("un",)


def action_verb(full: list[str], index: int) -> str | None:
    """The non-CRUD verb a path segment names as an action on the resource before it
    (`/cases/{id}/purge`, `/users/{id}/follow`, `/jobs/{id}/cancel`), or None. Only the last
    segment counts (an action ends the path); an ambiguous word counts only after an id."""
    segment = full[index]
    ws = words(segment)
    if not ws or len(ws) > 2 or ws[0] not in ACTION_ONLY_VERBS or index == 0 or \
            ws[0] in LIFECYCLE_VERBS:
        return None
    if index != len(full) - 1 or is_param(segment):
        return None
    after_param = is_param(full[index - 1])
    if ws[0] in AMBIGUOUS_VERBS and not after_param:
        return None
    return ws[0]


def action_remedy(verb: str) -> tuple[str, str]:
    """(method, what to do) for an action verb: a state change is a PATCH of the resource,
    a relation or a run is a POST (DELETE for un-) to a sub-resource named by the noun."""
    if verb in STATE_VERBS:
        return "PATCH", ""
    if verb in ("purge", "kill", "terminate"):
        return "DELETE", ""
    noun = NOMINAL.get(verb) or plural(verb)
    method = "DELETE" if verb.startswith(_REMOVING) and verb[2:] in NOMINAL else "POST"
    return method, noun
