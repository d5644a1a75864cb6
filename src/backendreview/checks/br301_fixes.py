"""What the BR301 fix proposes beyond pluralising the segment: the rename inside the path as
it is written (a raw regex keeps its anchors and `%` formatting), the collection the
handlers name when the segment only qualifies it (`/background` of `background_job_*`), and
words instead of a rename when the parameter after the segment identifies another entity
(pgAdmin's `/security-report/<int:sid>`: `sid` is a server's id, not a report's)."""

from __future__ import annotations

import re
from collections.abc import Callable

from ..analysis.frameworks.naming import (
    ACTION_VERBS,
    CRUD_VERBS,
    PHRASE_VERBS,
    indefinite_article,
    is_param,
    is_plural,
    is_word_noun_like,
    plural,
    pluralize_segment,
    segments,
    singular,
    words,
)
from ..analysis.frameworks.routes import UNKNOWN_PREFIX, Route, path_params
from ..analysis.program import ProgramModel

# A segment as it is written in a path literal: after a `/`, the regex anchor `^` or the
# opening quote, and before a `/`, the anchor `$`, an optional slash's `?` or the quote.
_BEFORE = r"(?<=[/^\"'])"
_AFTER = r"(?=[/$?\"'])"


def rename_in_source(source: str, segment: str, new: str) -> str | None:
    """`source` with the one written occurrence of `segment` renamed to `new`, every other
    character kept; None when the segment is not written exactly once there (put together
    from parts, or repeated): then no code is proposed."""
    pattern = re.compile(_BEFORE + re.escape(segment) + _AFTER)
    found = pattern.findall(source)
    if len(found) != 1:
        return None
    return pattern.sub(lambda _m: new, source, count=1)


# Verbs that open a command's name (`switch_project`, `select_region`) beside the action
# and phrase verbs of naming.py.
_COMMAND_VERBS = ACTION_VERBS | PHRASE_VERBS | frozenset({"switch", "select", "choose"})


def named_procedure(route: Route, segment: str) -> bool:
    """`POST /switch_project/{project_id}` served by `def switch_project`: a segment that is
    the handler's own name, a verb and its object, on a route that only takes POST, names a
    procedure (RPC style), not a collection: its plural (`switch_projects`) names nothing.
    A noun led by a word that is also a verb (`test_case`, `/share_link/{id}` read by GET)
    keeps its plural."""
    ws = words(segment)
    return len(ws) > 1 and ws[0] in _COMMAND_VERBS and _handler_words(route) == ws and (
        set(route.methods) == {"POST"})


# Words a view's class name ends with that say what it is, not what it does.
_VIEW_SUFFIXES = frozenset({"view", "views", "viewset", "set", "api", "apiview", "handler",
                            "endpoint", "resource"})
# Methods a class view serves a route by: the class's name says what the route does.
_VIEW_METHODS = frozenset({"get", "post", "put", "patch", "delete", "list", "create",
                           "retrieve", "update", "partial_update", "destroy"})
# Words that open a question, not a noun (`IsPINValidView` at `ispinvalid`).
_PREDICATES = frozenset({"is", "has", "can", "does", "should"})
_VERB_HEADS = _COMMAND_VERBS | frozenset(CRUD_VERBS) | _PREDICATES
VERB_HEADS = _VERB_HEADS  # the words that open a verb phrase, for the route rules


def glued_procedure(route: Route, segment: str) -> bool:
    """`POST /ispinvalid/<pk>` served by `IsPINValidView.post`, `POST /trackprogress/`
    served by `ProgressTrackingViewSet.create`: a one-word segment that glues together the
    view's own name, led by a verb (a known one, or one the name writes as a gerund:
    `Tracking`) or a question word, names a procedure (RPC style), not a collection. Only on
    a route that takes no GET: a GET by that name reads a thing (named_procedure's rule)."""
    glued = segment.lower()
    if not glued.isalpha() or len(words(segment)) != 1:
        return False
    if _named_with_verb_last(route, glued):
        return True
    if "GET" in route.methods or "ANY" in route.methods or not route.methods:
        return False
    parts = route.handler.split(".")
    names = [parts[-1]]
    if len(parts) > 1 and (parts[-1] in _VIEW_METHODS or parts[-1] == route.action):
        names.append(parts[-2])  # the class a method serves the route for
    for name in names:
        ws = words(name)
        while ws and ws[-1] in _VIEW_SUFFIXES:
            ws = ws[:-1]
        for i, word in enumerate(ws):
            rest = "".join(ws[:i] + ws[i + 1:])
            heads = [word] if word in _VERB_HEADS else []
            if len(word) >= 6 and word.endswith("ing"):
                heads.append(word[:-3])  # `Tracking` writes the verb `track`
            if rest and any(glued == head + rest for head in heads):
                return True
    return False


_HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete"})


def _named_with_verb_last(route: Route, glued: str) -> bool:
    """`/api/v1/lnurlscan/{code}` served by `api_lnurlscan`: the segment is the handler's
    whole name (but for an `api` word and a closing method name) and ends with an action
    verb after an object (`lnurl` + `scan`): the name of an operation, whatever the
    method."""
    name = [w for w in words(route.handler.rsplit(".", 1)[-1]) if w != "api"]
    if name and name[-1] in _HTTP_METHODS:
        name = name[:-1]  # `api_lnurlscan_post`
    if "".join(name) != glued:
        return False
    return any(glued.endswith(verb) and len(glued) - len(verb) >= 3
               for verb in ACTION_VERBS if len(verb) >= 4)


def member_sub_resource(route: Route, own: list[str], index: int) -> bool:
    """`GET /runs/{run_id}/trace` served by `retrieve_trace_for_run`: a last segment right
    after a member's parameter, read by GET only, whose handler names it in the singular
    (and never the plural) is the member's one sub-resource (a run has one trace), whatever
    list its body holds (the trace's spans). A handler that names the plural
    (`list_run_comments`) or says it lists (`list_owner`) serves a collection."""
    if index == 0 or index != len(own) - 1 or not is_param(own[index - 1]):
        return False
    if set(route.methods) - {"GET", "HEAD", "OPTIONS"}:
        return False
    word = (words(own[index]) or [""])[-1]
    handler = words(route.handler.rsplit(".", 1)[-1])
    return word in handler and plural(word) not in handler and not (
        {"list", "all", "search"} & set(handler))


def created_one(route: Route, own: list[str], index: int, routes: list[Route]) -> bool:
    """`POST /clients/{id}/encryption-key` served by `create_encryption_key`: a last segment
    right after a member's parameter, written (never read) by a handler that names it in
    the singular only. A client may hold one key (a sub-resource of its own, replaced whole)
    or several (a collection, where the plural is right): the code here does not say which,
    so the fix gives both forms instead of a plural that may misname it."""
    if index == 0 or index != len(own) - 1 or not is_param(own[index - 1]):
        return False
    if not route.methods or set(route.methods) & {"GET", "HEAD", "ANY"}:
        return False
    ws = words(own[index])
    handler = _handler_words(route)
    word = ws[-1] if ws else ""
    return bool(word) and word in handler and plural(word) not in handler and not (
        {"list", "all", "bulk", "batch", "many"} & set(handler)) and not _has_members(
        own[index], routes)


def _has_members(segment: str, routes: list[Route]) -> bool:
    """Whether the table shows `segment` as a collection: an id after it somewhere
    (lnbits' `/subscription/{subscription_id}` beside `POST /{provider}/subscription`), or
    its plural as a segment (llama-stack's `.../sessions`)."""
    low, many = segment.lower(), pluralize_segment(segment).lower()
    for other in routes:
        parts = [s.lower() for s in segments(other.path)]
        for position, part in enumerate(parts):
            if part == many and many != low:
                return True
            if part == low and position + 1 < len(parts) and is_param(parts[position + 1]):
                return True
    return False


def one_or_several_text(route: Route, own: list[str], index: int, fixed: str) -> str:
    """Both forms of `created_one`'s segment, with the decision they turn on."""
    segment = own[index]
    owner = singular_of_parent(own[index - 2]) if index >= 2 and not is_param(
        own[index - 2]) else "member"
    path = route.path.rstrip("/")
    several = path[:len(path) - len(segment)] + fixed if path.endswith(segment) else ""
    ws = words(segment) or ["item"]
    name = f"{ws[-1]}_id"
    taken = {p for groups in path_params(path) for p in groups if p}
    if name in taken:
        # `/nodes/{node_id}/child-node`: "{node_id}" names the parent already; one path
        # cannot take the same parameter twice.
        name = f"{'_'.join(ws)}_id"
    member = f"<{name}>" if "<" in path else f"{{{name}}}"
    where = f" {several}, one of them at {several}/{member}" if several else f' "{fixed}"'
    article = indefinite_article(owner)
    return (f'Decide whether {article} {owner} has one "{segment}" or several: if one (what '
            f"`{route.handler.rsplit('.', 1)[-1]}` writes replaces the one before), the "
            f"singular names it, a sub-resource of its own at {path} (PUT replaces it, DELETE "
            f"removes it), and the path stays; if several, they are a collection:{where}")


def singular_of_parent(segment: str) -> str:
    """`clients` -> `client`: what one member of the parent collection is called."""
    ws = words(segment)
    return singular(ws[-1]) if ws and is_plural(ws[-1]) else (ws[-1] if ws else "member")


def answered_one(program: ProgramModel, route: Route) -> str | None:
    """netbox's `ConnectedDeviceViewSet.list`: a DRF list handler whose answer is built by
    serializers that are all given one object (no `many=`): what it returns is one item,
    whatever the action is called, so the singular path names it. The first such
    serializer call as written; None when any lists, or none is seen, or the handler
    answers with anything else too (`super().list(...)`, a helper's rows in another branch):
    every answer must be one object, not just one of them."""
    if route.action != "list":
        return None
    handler = program.function_at(route.handler_file, route.handler_line)
    if handler is None:
        return None
    answered = [c for c in handler.calls if c.answered]
    built = [c for c in answered if _SERIALIZER.fullmatch(c.text.rsplit(".", 1)[-1])]
    if not built or any("many" in c.passed_args or "*" in c.passed_args for c in built):
        return None
    if any(c not in built and not _RESPONSE.fullmatch(c.text.rsplit(".", 1)[-1])
           for c in answered):
        return None
    return built[0].text


# A serializer made in the handler (`DeviceSerializer(...)`, DRF's `self.get_serializer(...)`)
# and the response constructors that wrap its data without making a list of it.
_SERIALIZER = re.compile(r"\w*Serializer|get_serializer")
_RESPONSE = re.compile(r"\w*Response|jsonify|make_response|json_response")


def handler_named(route: Route, segment: str) -> bool:
    """litellm `POST /lazy/warm/{name}` served by `async def warm(name)`: a one-word segment
    that is the whole name of the handler of a POST-only route names what the handler does
    to the member after it (an operation), or a thing with members: the code does not
    say which, so the fix gives both instead of a plural ("warms") that may name nothing."""
    return len(words(segment)) == 1 and set(route.methods) == {"POST"} and \
        route.handler.rsplit(".", 1)[-1].lower() == segment.lower()


# Handler-name words that say what the handler does, not what it serves.
# (`resource`: the class suffix of a tastypie / Flask-RESTful `TagResource`, not a noun of
# its collection: "tag-resources" would be wrong.)
_NOT_RESOURCE = frozenset({"list", "detail", "details", "all", "by", "for", "one", "view",
                           "api", "handler", "endpoint", "route", "status", "info",
                           "resource"})


def _handler_words(route: Route) -> list[str]:
    return words(route.handler.rsplit(".", 1)[-1])


def named_collection(route: Route, routes: list[Route], head: list[str],
                     segment: str) -> str | None:
    """The collection the handlers under a segment name when the segment only qualifies it:
    `/background` and `/background/{jobid}` served by `background_job_list`,
    `background_job` and `background_job_delete` hold background jobs, so the plural is
    `background_jobs`, not `backgrounds`. Every handler under the head (at least two) must
    name the segment's words followed by the same noun; None otherwise."""
    ws = words(segment)
    nouns: set[str] = set()
    for other in routes:
        full = [s.lower() for s in segments(other.path)]
        if full[:len(head)] != head:
            continue
        hw = _handler_words(other)
        if hw[:len(ws)] != ws or len(hw) <= len(ws):
            return None
        nouns.add(hw[len(ws)])
        if len(nouns) > 1:
            return None
    if len(nouns) != 1 or sum(1 for o in routes if [s.lower() for s in segments(
            o.path)][:len(head)] == head) < 2:
        return None
    noun = nouns.pop()
    if noun in _NOT_RESOURCE or noun in CRUD_VERBS or noun in ACTION_VERBS or (
            not is_word_noun_like(noun)) or len(noun) < 3:
        return None
    return f"{segment}{_separator(routes)}{noun if is_plural(noun) else plural(noun)}"


def _separator(routes: list[Route]) -> str:
    """The separator the project's paths join words with: `_` where most compound segments
    use it (`/recursive_analysis`), else `-`."""
    under = dash = 0
    for route in routes:
        for part in segments(route.path):
            if is_param(part):
                continue
            under += "_" in part
            dash += "-" in part
    return "_" if under > dash else "-"


# How many different segments a parameter must follow before it reads as the id of an
# entity of its own (a server's `sid` after `security-report`, `job`, `server`...).
_SHARED_AFTER = 3


def foreign_parameter(param: str, segment: str, routes: list[Route],
                      name_of: Callable[[str], str]) -> list[str]:
    """The static segments an abbreviated id follows across the route table, when it
    follows at least `_SHARED_AFTER` different ones: pgAdmin's `<int:sid>` after
    `security-report`, `job`, `locks`, `connect`... is one entity's id (a server's) that many
    paths take, not the id of a member of each segment's collection. Only a one- or
    two-letter abbreviation (`sid`, `scid`) that does not abbreviate the segment: a named id
    (`{jobid}` after `recursive_analysis`, a collection of jobs) or a generic one (`{id}`)
    says what it identifies. [] otherwise."""
    name = name_of(param)
    stem = name[:-2] if re.fullmatch(r"[a-z]{1,2}id", name) else ""
    ws = words(segment)
    if not stem or not ws or stem in ("".join(w[0] for w in ws), ws[-1][:len(stem)]):
        return []
    before: set[str] = set()
    for route in routes:
        parts = segments(route.path)
        for index, part in enumerate(parts[1:], start=1):
            if is_param(part) and not is_param(parts[index - 1]) and name_of(part) == name:
                before.add(parts[index - 1].lower())
    return sorted(before) if len(before) >= _SHARED_AFTER else []


def _shape(parts: list[str]) -> list[str]:
    return ["{}" if is_param(s) else s.lower() for s in parts]


def written_elsewhere(route: Route, routes: list[Route], head: list[str]) -> list[Route]:
    """The other routes whose path holds the renamed segment at the same place under the
    same head, written in a literal (or prefix) of their own: fides' `POST /api/v1/dataset`
    beside `GET|PUT /api/v1/dataset` and `GET /api/v1/dataset/{fides_key}`, each route
    writing "/dataset" itself. Renaming the segment at one line moves that route alone and
    splits the resource over two paths."""
    want = _shape(head)
    place = written_at(route)
    others: dict[tuple[str, int, int], Route] = {}
    viewset = route.handler.split(".")[0] if route.framework == "drf" else None
    for other in routes:
        where = written_at(other)
        if where == place or where in others:
            continue
        if viewset and other.framework == "drf" and other.handler.split(".")[0] == viewset:
            # nautobot's `notes` @action, inherited from a mixin: the same viewset, so the
            # same router.register prefix, whatever span the action reports.
            continue
        if _shape(segments(other.path)[:len(want)]) == want:
            others[where] = other
    return [others[k] for k in sorted(others)]


def written_at(route: Route) -> tuple[str, int, int]:
    """Where a route's path is written: a DRF @action's at its viewset's router.register
    call (kolibri's `/exam/size/` moves with `router.register("exam", ...)`), any other at
    the route itself."""
    if route.registered_at is not None:
        file, span = route.registered_at[0], route.registered_at[1]
        return (file, span.start_line, span.start_col)
    return (route.file, route.span.start_line, route.span.start_col)


def split_resource_text(segment: str, fixed: str, head: list[str],
                        others: list[Route]) -> str:
    """The words of a rename that one line cannot make alone: where else the segment is
    written, and what to decide."""
    shown = ", ".join(f"{'|'.join(o.methods) or 'ANY'} {o.path} (`{o.handler}`)"
                      for o in others[:3])
    more = f" and {len(others) - 3} more" if len(others) > 3 else ""
    path = "/".join(head) if head and head[0] == UNKNOWN_PREFIX else "/" + "/".join(head)
    return (f'"{segment}" is written by {len(others)} other route(s) of {path} as well '
            f"({shown}{more}): renaming it at this line alone splits the resource over two "
            f'paths. Rename it to "{fixed}" in all of them at once, keeping the old paths '
            f"answering until the clients that call them have moved; or, if the singular is "
            f"the convention the whole API follows, keep it")


def registered_names(routes: list[Route]) -> dict[tuple[str, str], set[str]]:
    """(file, the path before the prefix) -> the first segments of the prefixes its DRF
    router.register calls give there (an @action counts as its registration): read once per
    run for singular_convention, which asks it of every singular collection it is given."""
    names: dict[tuple[str, str], set[str]] = {}
    for route in routes:
        theirs = _registration(route) if route.framework == "drf" else None
        if theirs is not None:
            names.setdefault(theirs[:2], set()).add(theirs[2])
    return names


def singular_convention(route: Route, registered: dict[tuple[str, str], set[str]],
                        segment: str) -> str | None:
    """The caution a DRF route's rename needs when the other collections registered in its
    module (under the same path) are named in the singular as well (nautobot-golden-config's
    `compliance-feature`, `compliance-rule`, `config-plan`): one rename alone splits the
    API's naming and breaks the clients of the old path, and the singular may be the
    published convention. None when the others show no such convention (three singular at
    least, twice the plural). `registered` is registered_names() of the route table."""
    if route.framework != "drf":
        return None
    mine = _registration(route)
    if mine is None or mine[2] != segment.lower():
        return None  # not the register call's prefix (an @action's own url_path)
    names = registered.get(mine[:2], set()) - {segment.lower()}
    last = {n: (words(n) or [n])[-1] for n in names}
    plural = [n for n in names if is_plural(last[n])]
    singular = sorted(n for n in names if not is_plural(last[n]) and is_word_noun_like(last[n])
                      and pluralize_segment(n) != n)
    if len(singular) < 3 or len(singular) < 2 * len(plural):
        return None
    shown = ", ".join(f'"{n}"' for n in singular[:3]) + (
        f" and {len(singular) - 3} more" if len(singular) > 3 else "")
    return (f"the other collections registered beside it in this module are singular too "
            f"({shown}; {len(plural)} in the plural): rename them together, keeping the old "
            f"paths answering until the clients that call them have moved, or, if the "
            f"singular is this API's published convention, keep it")


def _registration(route: Route) -> tuple[str, str, str] | None:
    """(file, the path before the prefix, the prefix's first segment) of a DRF route's
    router.register call: its registration when the route is an @action, else the route
    itself, which the table places at that call."""
    file, written = (route.registered_at[0], route.registered_at[2]) if (
        route.registered_at is not None) else (route.file, route.own_path)
    parts = segments(written)
    if not parts or is_param(parts[0]):
        return None
    full = route.path.rstrip("/")
    index = full.rfind("/" + parts[0])
    return (file, full[:index] if index >= 0 else "", parts[0].lower())
