"""Route design rules over the merged route table: BR301 singular-route, BR302
verb-in-route, BR303 missing-pagination, BR305 unversioned-api, BR502
missing-health-endpoint."""

from __future__ import annotations

import re
from itertools import takewhile
from typing import Any, ClassVar

from ..analysis.frameworks.eve import EVE_ITEM_ID
from ..analysis.frameworks.naming import (
    ACTION_VERBS,
    CRUD_VERBS,
    DEFAULT_ALLOWLIST,
    PHRASE_VERBS,
    action_remedy,
    action_verb,
    indefinite_article,
    is_param,
    is_plural,
    is_word_noun_like,
    pluralize_segment,
    segments,
    singular,
    verb_of,
    words,
)
from ..analysis.frameworks.routes import UNKNOWN_PREFIX, Route, is_api_route, project_routes
from ..analysis.program import ProgramModel, program_of
from ..model import Fix, Severity
from .base import ProjectRule
from .br301_fixes import (
    VERB_HEADS,
    answered_one,
    created_one,
    foreign_parameter,
    glued_procedure,
    handler_named,
    member_sub_resource,
    named_collection,
    named_procedure,
    one_or_several_text,
    registered_names,
    rename_in_source,
    singular_convention,
    split_resource_text,
    written_at,
    written_elsewhere,
)
from .br302_actions import unreached_verb_actions
from .br302_fixes import (
    API_SEGMENT,
    member_param,
    names_several,
    normal_path,
    path_from,
    route_table,
    takes_body,
    verb_fix,
    with_segment,
)
from .br302_mirrors import (
    MIRROR_CAVEAT,
    has_version,
    mirrored_routes,
    protocol_path,
    proxied_path,
)
from .br302_rpc import design_note, is_action_route, rpc_apis
from .br502_fixes import health_fix
from .br502_middleware import health_middleware


def _shown(route: Route) -> str:
    return f"{'|'.join(route.methods)} {route.path}"


def _allowlist(rule: ProjectRule) -> frozenset[str]:
    extra = {w.lower() for w in rule.option("allow", [])}
    return DEFAULT_ALLOWLIST | extra


# The bulk actions Nautobot's and NetBox's routers map onto the list route
# (frameworks/host_apps). Only a router's own mapping serves them there: a DRF @action or a
# Flask-AppBuilder method that happens to be called `bulk_update` sits at a path of its own.
_BULK_LIST_ACTIONS = frozenset({"bulk_update", "bulk_partial_update", "bulk_destroy"})


def _collection_action(route: Route) -> bool:
    """A router action served at a collection's own path: DRF's list and create, and a host
    router's bulk actions on the list route (not an @action, which carries registered_at)."""
    if route.action in ("list", "create"):
        return True
    return route.action in _BULK_LIST_ACTIONS and route.framework == "drf" and (
        route.registered_at is None)


def _is_collection(route: Route) -> bool:
    if _collection_action(route):
        return True
    model = (route.response_model or "").replace(" ", "")
    if re.match(r"(list|List|Sequence|Page|LimitOffsetPage|CursorPage)\[", model):
        return True
    if "POST" in route.methods and route.status_code == 201:
        return True
    return route.unbounded is not None and "GET" in route.methods


class _SegmentRule(ProjectRule):
    OPTIONS: ClassVar[dict[str, type]] = {"allow": list, "html-routes": bool}
    # The call graph tells a page rendered through a project helper (html_pages.py).
    needs_facts: ClassVar[tuple[str, ...]] = ("routes", "program-calls")

    def _routes(self, facts: dict[str, list[Any]]) -> list[Route]:
        seen: dict[tuple[str, int, int, str], int] = {}
        out: list[Route] = []
        for route in project_routes(facts):
            if not (route.own_path or _prefix_segments(route)) or (
                    not self.option("html-routes", False) and not is_api_route(route)):
                continue
            key = (route.file, route.span.start_line, route.span.start_col, route.own_path)
            if key in seen:
                # A host router's bulk DELETE sorts before the list's GET on the same path:
                # the list route stands for the registration, as on DRF's own routers.
                if out[seen[key]].action.startswith("bulk_") and route.action == "list":
                    out[seen[key]] = route
                continue
            seen[key] = len(out)
            out.append(route)
        return out


class SingularRoute(_SegmentRule):
    id = "BR301"

    def check(self, facts: dict[str, list[Any]]) -> None:
        allow = _allowlist(self)
        # A segment is reported once where it is written: a prefix (often declared in
        # another module) at its first route, a DRF router.register prefix at the register
        # call, however many routes (list, detail, @action) sit below it.
        reported: set[tuple[Any, ...]] = set()
        routes = self._routes(facts)
        program = program_of(facts)
        namespaced = _has_api_namespace(routes)
        shapes = _TableShapes(project_routes(facts))
        table = project_routes(facts)
        # (head, plural) -> where this rule renames it; the reports wait for the whole table.
        renamed: dict[tuple[tuple[str, ...], str], set[tuple[str, int, int]]] = {}
        pending: list[tuple[Any, ...]] = []
        # The table's DRF registrations by module (singular_convention), read when needed.
        drf_names: dict[tuple[str, str], set[str]] | None = None
        for route in routes:
            if (namespaced and _ui_feed(route)) or _refuses_all(program, route):
                continue
            prefix = _prefix_segments(route)
            own = prefix + segments(route.own_path)
            registered = _registered_range(route, own)
            for index, segment in enumerate(own):
                if is_param(segment) or segment.lower() in allow:
                    continue
                key = _segment_key(route, own, index, len(prefix), registered)
                if key in reported:
                    continue
                ws = words(segment)
                if not ws or not ws[-1].isalpha() or (
                        len(ws[-1]) < 3 and ws[-1] not in _SHORT_NOUNS) or ws[-1] in allow:
                    continue
                if verb_of(segment) is not None or ws[-1] in CRUD_VERBS or (
                        len(ws) > 1 and ws[0] in PHRASE_VERBS):
                    continue  # a verb (phrase), `resolve_identifier`: BR302's business
                if named_procedure(route, segment) or glued_procedure(route, segment):
                    continue  # `POST /switch_project/{id}` served by `switch_project`
                if ws[-1] in _OPERATION_NOUNS:
                    continue  # `/channels/lookup/<identifier>`: looks a channel up
                if ws[0] in ("by", "for", "with", "from", "per", "in", "on"):
                    continue  # a filter (`by-author`), not a resource
                if not is_word_noun_like(ws[-1]) and not shapes.resource_shaped(
                        shapes.head(route, own, index), segment, ws[-1]):
                    continue  # `/tasks/stop/{id}`, `/chats/pinned`: an action or a state
                if ws[-1] in _ADJECTIVES:
                    continue  # `/custom/<slug>/token/`: a qualifier names no collection
                if len(ws[-1]) > 4 and ws[-1].endswith("list"):
                    continue  # `blocklist`, `allowlist`: one list, its entries below it
                if any(segment.lower().endswith(w) and len(w) > 3 for w in _UNCOUNTABLE_TAILS):
                    continue  # `reusablemedia`
                # What the rest of the table says of this path: a POST creating into it
                # beside member routes below it, or the plural spelled beside it.
                head = shapes.head(route, own, index)
                if shapes.name_slot(head):
                    continue  # `/connector/websocket` beside `/connector/{?}`: a name
                # An Eve resource has its collection and `<_id>` item routes by construction,
                # whatever its name names (an action such as `archive_kill`, a singleton such
                # as `backend_meta`): that shape shows nothing; a parameter its url writes does.
                generated = route.framework == "eve"
                shaped = shapes.created_with_members(head, ws[-1]) and not generated
                sibling = shapes.has_sibling(head, pluralize_segment(segment))
                if len(ws[-1]) < 3 and not (shaped or sibling):
                    # `ca` is also Catalan or Canada (`/translations/ca/{key}`): a short
                    # word names a collection only as the table shows one.
                    continue
                if ws[-1] in _LOOKUP_KEYS and not (_credential_key(ws) or sibling):
                    # `/flows/name/{name}`: a lookup key; not `/key/<key>` beside `/keys`.
                    continue
                # The parameters right after it: `/user/<resolvername>/<username>` names one
                # user by a pair of keys, the second named after the word.
                params = list(takewhile(is_param, own[index + 1:]))
                if generated and index + 2 == len(own) and params == [EVE_ITEM_ID]:
                    params = []
                followed_by_param = bool(params) and (
                    _identifies(params[0], ws[-1]) or shaped or sibling or any(
                        _identifies(p, ws[-1], generic=False) for p in params[1:]))
                statics = [s for s in own[len(prefix):] or own[-1:] if not is_param(s)]
                last = index == len(own) - 1
                # A trailing singular names the collection only when the route is the
                # collection itself: a DRF list/create route, a one-segment path, a path
                # that is created into and has members, or a create beside the plural.
                collection = _collection_action(route) or (
                    len(statics) == 1 and _is_collection(route)) or shaped or (
                    sibling and "POST" in route.methods)
                if not (followed_by_param or (last and collection)):
                    continue
                if not followed_by_param and member_sub_resource(route, own, index):
                    continue  # `GET /runs/{run_id}/trace` by `retrieve_trace_for_run`
                if not followed_by_param and last and index > 0 and is_param(
                        own[index - 1]) and shapes.deleted_whole(head):
                    # `POST|DELETE /clients/{id}/encryption-key`, nothing below it: the
                    # client's one key, created and deleted whole; no collection.
                    continue
                if not followed_by_param and ws[-1] in _MASS_WHEN_LISTED:
                    continue
                if not followed_by_param and index > 0 and not is_param(own[index - 1]) and (
                        is_plural((words(own[index - 1]) or [""])[-1])):
                    continue  # `/models/base`: a subset of the collection before it
                if is_plural(ws[-1]):
                    continue
                fixed = pluralize_segment(segment)
                if fixed == segment:
                    continue
                reported.add(key)
                full = segments(route.path)
                head = [s.lower() for s in full[:len(full) - len(own) + index + 1]]
                fixed = named_collection(route, routes, head, segment) or fixed
                file, span, written = route.file, route.span, route.own_path
                later: list[tuple[int, str, str]] = []
                if registered[0] <= index < registered[1] and route.registered_at:
                    # The viewset's register prefix: the rename belongs in router.register.
                    file, span, written, _ = route.registered_at
                    new_own = with_segment(written, index - registered[0], fixed)
                elif index < len(prefix):
                    # Declared with the router, blueprint or include, not at this line:
                    # writing the full path here would add the prefix a second time.
                    new_own = ""
                else:
                    new_own = with_segment(route.own_path, index - len(prefix), fixed)
                    # alerta `/alert/<alert_id>/note/<note_id>`, llama-stack `.../session/
                    # {session_id}/turn/{turn_id}`: the later singulars before their own
                    # ids move in the same rename, or the path stays half singular.
                    later += _later_singulars(own, index, len(prefix), allow)
                    for j, _old, new_segment in later:
                        new_own = with_segment(new_own, j - len(prefix), new_segment)
                why = "a path parameter follows it" if followed_by_param else (
                    "the route serves the collection")
                written_as = f'"{new_own}"' if new_own else ""
                if not new_own:
                    pass
                elif not route.path_written and not (
                        registered[0] <= index < registered[1] and route.registered_at):
                    # Put together from parts (a registrar's parameters, flask-classful's
                    # route_prefix + route_base + rule): no one literal here to rewrite;
                    # but a `route_base = "comment"` is one, renamed where it is written.
                    written_as = ""
                elif route.registered_at and index >= registered[1]:
                    written_as = f"url_path={written_as}"  # the @action's own path
                elif route.path_source and index >= len(prefix) and written == route.own_path:
                    # A raw regex or a formatted path: the rename goes inside it as written;
                    # a segment put together from parts has no one place to rename.
                    written_as = rename_in_source(route.path_source, segment, fixed) or ""
                    for _j, old_segment, new_segment in later:
                        written_as = written_as and (rename_in_source(
                            written_as, old_segment, new_segment) or "")
                description = f"Name the collection in the plural: {written_as}" if (
                    written_as) else (f'Rename the segment "{segment}" to "{fixed}" in the '
                                      f'prefix "/{"/".join(prefix[:index + 1])}" where '
                                      f"{_prefix_owner(route, facts, own, index)} declares "
                                      f"it (not at this line); every route below it moves "
                                      f"with it"
                                      ) if not new_own else (
                    f'Rename the segment "{segment}" to "{fixed}" where the path is put '
                    f"together (it is not written whole in one literal at this line)")
                advice = f'use "{fixed}"'
                others = foreign_parameter(params[0], segment, routes, _param_name) if (
                    params) else []
                if others:
                    # `/security-report/<int:sid>` beside `/job/<int:sid>`, `/server/<int:sid>`:
                    # the parameter is another entity's id; pluralising would make it read as
                    # a member of this segment's collection.
                    others = [o for o in others if o != segment.lower()]
                    shown = ", ".join(f'"{o}"' for o in others[:3]) + (
                        f" and {len(others) - 3} more" if len(others) > 3 else "")
                    description = (f"{params[0]} also follows {shown}: it identifies another "
                                   f'entity, not one "{segment}", so "{fixed}/{params[0]}" '
                                   f"would misname it; put this under that entity's own path "
                                   f'(.../<its collection>/{params[0]}/{segment}) rather than '
                                   f"pluralising")
                    written_as = ""
                    advice = f"{params[0]} identifies another entity (see the fix)"
                one = answered_one(program, route) if not followed_by_param and not others \
                    else None
                if one is not None:
                    # netbox `/api/dcim/connected-device/`: its list() answers the one device
                    # on a peer interface; a plural would promise a list it never returns.
                    description = (f"The handler answers one object (`{one}` is given one "
                                   f"item, no many=True), so the singular \"{segment}\" names "
                                   f"what it returns and the path can stay; \"{fixed}\" only "
                                   f"if it is meant to list several")
                    written_as = ""
                elif followed_by_param and not others and handler_named(route, segment):
                    # litellm `POST /lazy/warm/{name}` by `warm`: an operation on the named
                    # feature, or a collection of "warms"; both forms, no rename.
                    # (no `//` when the segment is the path's first: path_from([]) is "/")
                    described = path_from(full[:len(full) - len(own) + index]).rstrip("/")
                    description = (f'"{segment}" is the whole name of this POST\'s handler '
                                   f"`{route.handler.rsplit('.', 1)[-1]}`: if it is what the "
                                   f"handler does to {params[0]}, it is a verb, and the path "
                                   f"should name the collection {params[0]} belongs to, with "
                                   f"the action under its member (POST {described}/"
                                   f"<collection>/{params[0]}/{segment}); only if "
                                   f'{indefinite_article(segment)} "{segment}" is a thing '
                                   f'with members is "{fixed}" the '
                                   f"collection's name")
                    written_as = ""
                elif not followed_by_param and not others and created_one(
                        route, own, index, table):
                    # fief `POST /clients/{id}/encryption-key` by `create_encryption_key`:
                    # the client's one key, or one of several; both forms, no rename.
                    description = one_or_several_text(route, own, index, fixed)
                    written_as = ""
                    advice = f'use "{fixed}" if it holds several (see the fix)'
                taken = _served_already(route, own, index, fixed, table)
                if taken:
                    # udata's `/spatial/zone/<id>/` beside `/spatial/zones/<list:ids>/`: the
                    # plural path answers already, so the rename makes two routes of one URL.
                    description = (f'"{taken[0]}" is already served by `{taken[1]}`: '
                                   f'renaming "{segment}" to "{fixed}" here would give one URL '
                                   f"two routes (the first registered wins); serve this "
                                   f"route's member from that one, or keep the two apart")
                    written_as = ""
                if written_as and route.framework == "drf" and drf_names is None:
                    drf_names = registered_names(table)  # once, on the first DRF rename
                convention = singular_convention(route, drf_names, segment) if (
                    written_as and drf_names is not None) else None
                if convention is not None:
                    description = f"Name the collection in the plural: {written_as}; {convention}"
                # fides' `POST /api/v1/dataset` beside the GET, PUT and member routes that
                # each write "/dataset" themselves: one line's rename splits the resource,
                # unless this rule renames every other one too (decided after the loop).
                splits = bool(written_as) and index >= len(prefix) and not (
                    registered[0] <= index < registered[1] and route.registered_at)
                renamed.setdefault((tuple(head), fixed), set()).add(written_at(route))
                sharers = _sharing_views(routes, own[:index + 1]) if (
                    index < len(prefix) and _class_written_prefix(route)) else []
                if len(sharers) > 1:
                    # Flask-AppBuilder's ChartRestApi and ChartDataRestApi share
                    # resource_name "chart": renaming it on one splits the resource.
                    description = (f'Name the collection in the plural on every view that '
                                   f'serves "/{"/".join(own[:index + 1])}" ('
                                   f'{", ".join(sharers)}): renaming it on one alone splits '
                                   f"the resource over two prefixes")
                pending.append((route, head, segment, fixed, splits, file, span,
                                f'route "{_shown(route)}": segment "{segment}" names a '
                                f'resource in the singular ({why}); {advice}',
                                description, written_as, written))
                break
        for (route, head, segment, fixed, splits, file, span, message, description,
             written_as, written) in pending:
            if splits:
                done = renamed[(tuple(head), fixed)]
                elsewhere = [o for o in written_elsewhere(route, table, head)
                             if written_at(o) not in done]
                if elsewhere:
                    description = split_resource_text(segment, fixed, head, elsewhere)
                    written_as = ""
            self.report(file, span, message, fix=kept_for_clients(
                route, Fix(description, written_as or None)), snippet=written)


def kept_delete(route: Route, segment: str, what: str) -> str | None:
    """The words for a DELETE route whose verb would rename it to a create (`DELETE
    /conversations/{id}/share` -> `POST .../shares`): the route's method already says what
    happens, and the rename would turn the removal into its opposite. The segment may be
    the noun the DELETE removes (the conversation's share), or an action whose object is
    the resource to name; the path cannot tell which, so both, and the method stays. None
    when the proposal keeps a DELETE or creates nothing."""
    if set(route.methods) - {"HEAD", "OPTIONS"} != {"DELETE"}:
        return None
    proposed = set(re.findall(r"\b(GET|POST|PUT|PATCH|DELETE) (?=[/{])", what))
    if "POST" not in proposed or "DELETE" in proposed:
        return None
    shown = path_from(segments(route.path))
    return (f"keep DELETE {shown} (the method already says what happens; renaming it to "
            f"{what} would turn the removal into a create). If \"{segment}\" names what is "
            f"removed (a noun here), the path is a resource already and nothing needs to "
            f"change; if it names an action, name the thing the DELETE removes in its place, "
            f"in the plural with its id if there can be several")


def kept_for_clients(route: Route, fix: Fix) -> Fix:
    """A route its decorator marks `deprecated=True` (langflow's `GET /task/{id}`, a stub
    answering 'deprecated'): it stays only for the clients that still call it, so renaming
    it breaks exactly those; the resource form belongs to its replacement."""
    if route.decorator is None or not re.search(r"\bdeprecated\s*=\s*True",
                                                route.decorator[1]):
        return fix
    what = fix.description.split(": ", 1)[-1] if ": " in fix.description else ""
    shape = f" ({what})" if what and "\n" not in what and len(what) < 120 else ""
    return Fix(f"This route is marked deprecated=True: it is kept for the clients that still "
               f"call it by this path, so renaming it would break exactly them; give the "
               f"resource form{shape} to its replacement and leave this one until it is "
               f"removed")


def _later_singulars(own: list[str], index: int, prefix_len: int,
                     allow: frozenset[str]) -> list[tuple[int, str, str]]:
    """(index, segment, plural) of the singular segments after `index` in the route's own
    literal that stand before a parameter named after them (`note/<note_id>`,
    `turn/{turn_id}`): members of collections as well, renamed with the first."""
    out: list[tuple[int, str, str]] = []
    for j in range(max(index + 1, prefix_len), len(own) - 1):
        segment, after = own[j], own[j + 1]
        ws = words(segment)
        if is_param(segment) or not is_param(after) or not ws or segment.lower() in allow:
            continue
        word = ws[-1]
        if not word.isalpha() or is_plural(word) or verb_of(segment) is not None or (
                not is_word_noun_like(word)) or not _identifies(after, word, generic=False):
            continue
        if len(ws) > 1 and ws[0] in VERB_HEADS:
            continue  # mautrix `resolve_identifier/{identifier}`: a verb phrase, no collection
        fixed = pluralize_segment(segment)
        if fixed != segment:
            out.append((j, segment, fixed))
    return out


def _served_already(route: Route, own: list[str], index: int, fixed: str,
                    table: list[Route]) -> tuple[str, str] | None:
    """(path, handler) of a route of the table at the path the rename would give, for one
    of this route's methods; None when the renamed path is free."""
    full = segments(route.path)
    pos = len(full) - len(own) + index
    if pos < 0 or pos >= len(full):
        return None
    renamed = normal_path("/".join([*full[:pos], fixed, *full[pos + 1:]]))
    # Every route may answer OPTIONS / HEAD (alerta's `POST /alert` and `GET /alerts`, both
    # with OPTIONS): only a shared method that does something makes two routes of one URL.
    methods = set(route.methods) - {"OPTIONS", "HEAD"}
    for other in table:
        if other.handler != route.handler and set(other.methods) & methods and \
                normal_path(other.path) == renamed:
            return other.path, other.handler
    return None


class _TableShapes:
    """What the whole route table says of a path, whatever module writes each route: the
    methods each (normalised) path answers, and every path's leading parts."""

    def __init__(self, routes: list[Route]) -> None:
        self.methods: dict[str, set[str]] = {}
        self.heads: set[str] = set()
        # path -> the parameters written right below it (`/note` -> {"{note_id}"})
        self.members: dict[str, set[str]] = {}
        # parent paths whose next segment some route fills with a computed name
        self.named_slots: set[str] = set()
        for route in routes:
            path = normal_path(route.path)
            self.methods.setdefault(path, set()).update(route.methods)
            parts = segments(path)
            self.heads.update("/" + "/".join(parts[:n]) for n in range(1, len(parts) + 1))
            written = segments(route.path)
            if written and is_param(written[-1]):
                self.members.setdefault(path.rsplit("/", 1)[0], set()).add(written[-1])
            # A computed name (not the unknown prefix a path starts with) followed by
            # nothing but parameters or more computed parts: `/connector/{?}`.
            # The slot's parent must name something (`/connector`): a computed segment
            # right under the API root or a version (`/api/v1/{?}`) is one more top-level
            # resource, and says nothing of the literal resources beside it.
            at = next((i for i, s in enumerate(written) if i and s == UNKNOWN_PREFIX and
                       written[i - 1] != UNKNOWN_PREFIX), None)
            if at is not None and all(is_param(s) for s in written[at:]) and not (
                    _VERSION.match(written[at - 1])
                    or written[at - 1].lower().strip("_") == "api"):
                self.named_slots.add(normal_path("/".join(written[:at])))

    @staticmethod
    def head(route: Route, own: list[str], index: int) -> str | None:
        """The normalised path up to `own[index]`, or None when the full path does not end
        with the segments read (no shape to compare)."""
        full = segments(route.path)
        offset = len(full) - len(own)
        if offset < 0 or full[offset:] != own:
            return None
        return normal_path("/".join(full[:offset + index + 1]))

    def created_with_members(self, head: str | None, word: str) -> bool:
        """`POST /note` beside `/note/{note_id}`: the path is a collection, created into and
        addressed member by member, whatever its list route returns. The member's parameter
        must identify one of `word` (`POST /token/resync` beside `/token/resync/<serial>`
        is an action on the token the serial names)."""
        return head is not None and "POST" in self.methods.get(head, ()) and any(
            _identifies(param, word) or _param_name(param) in _MEMBER_IDS
            for param in self.members.get(head, ()))

    def deleted_whole(self, head: str | None) -> bool:
        """The path itself answers DELETE and no member's parameter sits below it: one
        thing deleted whole, not a collection (whose DELETE would empty it)."""
        return head is not None and "DELETE" in self.methods.get(head, ()) and \
            head not in self.members

    def resource_shaped(self, head: str | None, segment: str, word: str) -> bool:
        """A word that is also a verb or an -ing form (`watch`, `tag`, `setting`) names a
        collection when the table shows one: members below it whose parameter identifies
        one of it, and its plural spelled beside it (`/tag/<uuid>` beside `/tags`) or, for
        a verb, the path created into and its member both read and deleted (`POST /watch`
        beside `GET|DELETE /watch/<uuid>`). An action on another entity's id (`POST
        /run/{flow_id}` beside `/runs`), a toggle on a target (`GET|POST|DELETE /follow/
        {id}`: is it followed, follow, unfollow; no `POST /follow`), an action and its
        status (`POST /sync` beside `GET /sync/{sync_id}`), an action with no member below
        it (`POST /comments/<id>/like` beside the `/likes` list) stay actions, and an -ed
        form (`/failed/<entry_id>`) a state: its plural would name nothing."""
        if head is None or not any(_identifies(p, word) for p in self.members.get(head, ())):
            return False
        if self.has_sibling(head, pluralize_segment(segment)):
            return True
        return word in ACTION_VERBS and self.created_with_members(head, word) and {
            "GET", "DELETE"} <= self.methods.get(f"{head}/{{}}", set())

    def has_sibling(self, head: str | None, plural_segment: str) -> bool:
        """`/floatingip` beside `/floatingips` under the same parent: the API spells this
        collection in the plural elsewhere, so the singular is the odd one out. Not when
        the plural only heads batch routes (open-webui's `/process/file` beside
        `/process/files/batch`): that plural is the batch form of the same operation, and
        the singular names the one item it takes."""
        if head is None:
            return False
        parent = head.rsplit("/", 1)[0]
        sibling = f"{parent}/{plural_segment.lower()}"
        return sibling != head and sibling in self.heads and not self._batch_only(sibling)

    def _batch_only(self, path: str) -> bool:
        """No route is served at `path` itself, and every route below it sits under a
        batch segment (`/files/batch`, `/files/bulk/...`)."""
        if path in self.methods:
            return False
        below = [segments(p[len(path):]) for p in self.methods if p.startswith(path + "/")]
        return bool(below) and all(parts[0] in _BATCH_SEGMENTS for parts in below)

    def name_slot(self, head: str | None) -> bool:
        """Another route fills this segment's slot with a name computed at registration
        (opsdroid's connectors, `f"/connector/{self.name}"`, shown `/connector/{?}`)
        that ends its path: the literal here (`/connector/websocket`) is one more name
        in that slot, one connector's, not a collection to spell in the plural."""
        return head is not None and head.rsplit("/", 1)[0] in self.named_slots


def _prefix_owner(route: Route, facts: dict[str, list[Any]], own: list[str],
                  index: int) -> str:
    """Who writes a route's prefix, in words for the fix: the view class, or the one router
    declaration or mount (`register_blueprint(bp, url_prefix="/caconnector")`) whose
    literal prefix writes the segment where the route's path has it."""
    if _class_written_prefix(route):
        return f"the view class `{route.handler.split('.')[0]}` (resource_name, route_base)"
    head = [s.lower() for s in own[:index + 1]]
    places = sorted({(d.file, d.line) for d in [*facts.get("route_owner", []),
                                                  *facts.get("route_mount", [])]
                     if d.prefix and d.file and _writes_tail(segments(d.prefix), head)})
    if len(places) == 1:
        return f"the router, blueprint or include at {places[0][0]}:{places[0][1]}"
    return "its router, blueprint or include"


def _writes_tail(written: list[str], head: list[str]) -> bool:
    """A declared prefix ends with the segment renamed, and what it writes before that
    matches the route's path there: `/caconnector` for `/caconnector/<name>`."""
    written = [s.lower() for s in written]
    return bool(written) and len(written) <= len(head) and head[-len(written):] == written


def _class_written_prefix(route: Route) -> bool:
    """A Flask-AppBuilder view's prefix: written by its class (`resource_name`,
    `route_base`), registered elsewhere (`appbuilder.add_api(ChartRestApi)`)."""
    return route.framework == "flask" and bool(route.action) and "." in route.handler and (
        route.file != route.handler_file)


def _sharing_views(routes: list[Route], head: list[str]) -> list[str]:
    """The view classes whose routes sit under the same prefix segments (`/api/v1/chart`
    written by two API classes' `resource_name`); plain handler functions do not count."""
    return sorted({r.handler.split(".")[0] for r in routes
                   if "." in r.handler and segments(r.path)[:len(head)] == head})


def _registered_range(route: Route, own: list[str]) -> tuple[int, int]:
    """The indexes in `own` (the segments the rule reads) of a route's segments written as
    one literal elsewhere: a DRF @action's router.register prefix, a flask-classful view's
    route_base; (0, 0) for any other."""
    if route.registered_at is None:
        return (0, 0)
    full = segments(route.path)
    if len(own) > len(full) or full[len(full) - len(own):] != own:
        return (0, 0)  # not a tail of the path: no common count to place the literal in
    # registered_at counts on the full path; `own` lacks a mount prefix that is not known
    # (`{?}/api/comment/...`): without the shift the range slides onto later segments.
    end = route.registered_at[3] - (len(full) - len(own))
    return (end - len(segments(route.registered_at[2])), end)


def _segment_key(route: Route, own: list[str], index: int, prefix_len: int,
                 registered: tuple[int, int]) -> tuple[Any, ...]:
    """Where a segment is written, so that it is reported once there."""
    if registered[0] <= index < registered[1] and route.registered_at:
        file, span, _, _ = route.registered_at
        return (file, span.start_line, span.start_col, index - registered[0])
    if index < prefix_len:
        # The same prefix segment under the same path, whichever route reaches it.
        return ("prefix", "/".join(own[:index + 1]), index)
    return (route.file, route.span.start_line, route.span.start_col, index - prefix_len)


# Words under three letters that name countable things (`/ca/<pk>`: one certificate
# authority of several, `/vm/{id}`), judged when the table shows them a collection (created
# into with members, or the plural beside them); other short segments (`me`, `ui`, `ws`,
# `os`, `io`, `v1`) are pronouns, abbreviations of a whole or versions and stay unjudged.
_SHORT_NOUNS = frozenset({"ca", "vm"})
_GENERIC_IDS = frozenset({"id", "pk", "uuid", "guid", "slug", "key", "name", "code", "uid",
                          "identifier"})
# `/name/{name}`, `/slug/{slug}`: look a resource up by an attribute, not a collection.
_LOOKUP_KEYS = _GENERIC_IDS | {"checksum", "email", "username", "hash", "handle", "label",
                               "title", "path", "token", "number", "external"}
# Segments that name an operation on the collection before them (`/channels/lookup/<id>`
# looks a channel up by id or token), a glued phrasal verb rather than a collection.
_OPERATION_NOUNS = frozenset({"lookup"})
_UNCOUNTABLE_TAILS = ("media", "data", "metadata", "info", "information", "feedback",
                      "software", "equipment", "content", "history", "status", "security")
# Nouns used uncountably when a route lists the store (`GET /api/memory/`, a translation
# memory's entries) but countably before a member's key (`/v1/memory/{key}`: one memory).
# A registry (skyvern's `/phone-number-registry`: the numbers registered to the org) is
# one collective store of entries; compliance (nautobot's `/data-compliance/`) has no plural.
# The segment after a plural that marks the batch form of an operation on its members.
_BATCH_SEGMENTS = frozenset({"batch", "bulk"})
_MASS_WHEN_LISTED = frozenset({"memory", "storage", "cache", "performance", "registry",
                               "compliance"})
# Frameworks whose routes are an API by nature, wherever they are mounted.
_API_FRAMEWORKS = frozenset({"fastapi", "starlette", "drf", "aiohttp"})
_API_SEGMENT = API_SEGMENT
# How many routes make an API namespace: a lone `/api/ping` beside a JSON app is not one.
_NAMESPACE_ROUTES = 10


def _in_api_namespace(route: Route) -> bool:
    return any(_API_SEGMENT.fullmatch(s.lower()) for s in route.path.split("/"))


def _has_api_namespace(routes: list[Route]) -> bool:
    """The project publishes its API under its own namespace (`/api/v1/...`)."""
    return sum(1 for r in routes if _in_api_namespace(r)) >= _NAMESPACE_ROUTES


def _ui_feed(route: Route) -> bool:
    """A JSON view of a server-rendered app outside the app's API namespace (pretix's
    `/control/organizer/<slug>/customers/select2`): a feed for the back office's own
    widgets, named like the pages around it; REST naming is asked of the published API."""
    return route.framework not in _API_FRAMEWORKS and not _in_api_namespace(route)


# Exceptions a stub handler raises to say the route serves nothing.
_REFUSALS = frozenset({"Http404", "NotFound", "MethodNotAllowed", "NotImplementedError",
                       "HTTPNotFound", "HTTPMethodNotAllowed"})


def _refuses_all(program: ProgramModel, route: Route) -> bool:
    """A handler that only raises not-found / not-allowed (a DRF ViewSet's `list` raising
    Http404 beside its rendering actions): there is no collection there to name."""
    handler = program.function_at(route.handler_file, route.handler_line)
    if handler is None or not handler.calls:
        return False
    return all(site.text.rsplit(".", 1)[-1] in _REFUSALS for site in handler.calls)


def _prefix_segments(route: Route) -> list[str]:
    """The path segments the route's prefixes contribute (declared at a router, blueprint
    or include in this or another module), when the prefix is known."""
    if not route.prefix_known or route.path.startswith(UNKNOWN_PREFIX):
        return []
    full, own = segments(route.path), segments(route.own_path)
    if own and full[-len(own):] != own:
        return []
    return full[:len(full) - len(own)]


def _credential_key(ws: list[str]) -> bool:
    """`api_key`, `ssh-key`: a compound that names a kind of key is a credential the API
    lists and deletes, not the attribute a lookup goes by (`/flows/key/{key}`)."""
    return len(ws) > 1 and ws[-1] == "key"


def _param_name(param_segment: str) -> str:
    """The name a path parameter binds: `<int:pk>` and `<slug:slug>` (Flask / Django write
    the converter first), `{name:path}` (Starlette / aiohttp write it after), `(?P<pk>...)`."""
    for pattern in (r"<(?:\w+:)?(\w+)>", r"\{(\w+)(?::[^}]*)?\}", r":(\w+)"):
        if found := re.fullmatch(pattern, param_segment):
            return found.group(1).lower()
    if found := re.search(r"\(\?P<(\w+)>", param_segment):
        return found.group(1).lower()
    names = [n for n in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", param_segment)
             if n not in ("int", "str", "slug", "uuid", "path")]
    return names[-1].lower() if names else ""


def _identifies(param_segment: str, word: str, generic: bool = True) -> bool:
    """Whether a path parameter identifies a member of `word`'s collection: a generic id
    (`{id}`, `<int:pk>`, `<identifier>`), one named after the word (`{user_id}` after `user`,
    `{eventid}` after `event`, `<groupname>` after `tokengroup`) or a generic id qualified
    as an old or new value (`{old_name}`). `/cache/{path}` or `/leaderboard/{model_id}` do
    not: the segment is not a collection there. Without `generic`, only a parameter named
    after the word counts (a later key of several: `/repo/<path>/<namespace>/<name>` names a
    collection inside the repo, not the repo)."""
    name = _param_name(param_segment)
    if not name:
        return False
    parts = [p for p in re.split(r"[_-]", name) if p]
    if generic and (name in _GENERIC_IDS or (len(parts) == 1 and parts[0] in _GENERIC_IDS) or
                    re.fullmatch(r"[a-z]{1,6}id", name)):
        return True  # `{id}`, `{_id}`, `<int:pk>`; one word ending in `id`: `{mxid}`
    if name == word:
        return True  # `{namespace}` after `namespace`
    if len(parts) > 1 and parts[-1] in _GENERIC_IDS | _NAMED_IDS:
        # `{user_id}` after `user`, `{old_session_id}` after `session`, `{container_serial}`
        # after `container`; not `{review_type}`, nor `{old_serial}` (whose serial?).
        return word in parts[:-1] or (generic and parts[-1] in _GENERIC_IDS and all(
            p in _QUALIFIERS for p in parts[:-1]))
    if len(name) >= 4 and word.endswith(name):
        # `<resolver>` after `machineresolver`; not `<realm>` after `defaultrealm`: the
        # default one is a singleton, and the parameter is the member it is set to.
        return word[:-len(name)] not in _SINGLETON_QUALIFIERS
    # One word glued to its id (`{thesaurusid}`, `<groupname>` after `tokengroup`).
    return any(name.endswith(g) and len(name) - len(g) >= 3 and word.endswith(name[:-len(g)])
               for g in _GENERIC_IDS)


# What identifies a member once the parameter names the word (`{container_serial}`): alone,
# `/token/description/<serial>` names the token, not a description.
_NAMED_IDS = frozenset({"serial", "number", "no", "ref"})


# Adjectives that qualify what follows them in a path (`/custom/<slug>/token/`): no
# collection to name, and their "plural" is another word (`customs`).
_ADJECTIVES = frozenset({"custom", "global", "local", "shared", "personal", "common",
                         "generic", "builtin", "legacy", "remote", "secondary", "sparse"})
# Words that qualify a member's id as the value before or after a change (`{old_name}`).
_QUALIFIERS = frozenset({"old", "new", "current", "original", "previous"})
# `{object_id}`, `<obj_pk>`: the member's own id below a path created into (faradaysec's
# `POST /comment` beside `/comment/<object_id>`); alone, as often the target of a generic
# relation (`/attachment/{object_id}`: the attachments of some object), so not by its name.
# Not `{model_id}` (another entity's), nor `{object_name}` / `{object_key}` (`/bucket/
# {object_key}` names an object in the bucket, not a bucket).
_MEMBER_IDS = frozenset({"object_id", "object_pk", "obj_id", "obj_pk"})
# Words that make a glued segment name one chosen member (`defaultrealm`, `primaryemail`).
_SINGLETON_QUALIFIERS = frozenset({"default", "current", "primary", "active", "main", "my"})


class VerbInRoute(_SegmentRule):
    id = "BR302"

    def check(self, facts: dict[str, list[Any]]) -> None:
        allow = _allowlist(self)
        every_route = project_routes(facts)
        handlers = route_table(every_route)
        routes = self._routes(facts)
        # An API that is RPC-style throughout gets one design note, not a rename per route.
        rpc = rpc_apis(routes)
        for api in rpc.values():
            first, message, description = design_note(api)
            self.report(first.file, first.span, message, fix=Fix(description),
                        severity=Severity.NOTE, snippet=first.own_path)
        for view, act, method, what in unreached_verb_actions(
                facts, project_routes(facts), allow):
            shown = f"{'{pk}/' if act.detail else ''}{act.url_path}/"
            self.report(view.file, act.handler.span,
                        f'DRF action "{act.name}" of `{view.name.rsplit(".", 1)[-1]}` '
                        f"({'|'.join(act.methods)} .../{shown}) puts a verb in the URL of "
                        f"every viewset that uses it; let the HTTP method say what happens: "
                        f"{what}",
                        fix=Fix(f"Name the resource, not the action: {what} "
                                f"{_action_how(what, method)}"),
                        snippet=act.url_path)
        # One handler under a vendor's path with and without its version prefix: the
        # mirrored API decides the spelling (br302_mirrors).
        mirrored = mirrored_routes(routes)
        program = program_of(facts)
        # Every segment's words: `pre_execution` beside `post_execution` makes "post" the
        # prefix "after", not the HTTP method.
        written = {tuple(words(s)) for r in routes for s in segments(r.own_path)}
        for route in routes:
            if route.framework in rpc and is_action_route(route):
                continue
            if id(route) in mirrored or _toggled_sub_resource(route, handlers) or \
                    protocol_path(route, routes) or proxied_path(program, route):
                continue  # a path another API's clients call: its spelling is not ours
            own = segments(route.own_path)
            for index, segment in enumerate(own):
                if is_param(segment) or segment.lower() in allow:
                    continue
                found = verb_of(segment)
                if found is None:
                    if _action_message(self, route, own, index, handlers, bool(mirrored)):
                        break
                    continue
                verb, rest = found
                if verb == "post" and rest and route.methods and set(route.methods) <= {
                        "GET", "HEAD", "OPTIONS"}:
                    # `GET /posts/{pk}/post_editor/`: on a route that only reads, "post"
                    # names a post (its editor), not the method: renaming the read to a
                    # POST would turn it into a write.
                    continue
                if verb == "post" and rest and ("pre", *rest) in written:
                    # `/webhook/post_execution` beside `/webhook/pre_execution` (ethyca-fides):
                    # webhooks run after and before the execution, no method in the name.
                    continue
                if rest and _named_before(route, own, index, verb, rest[0]):
                    # `/load-balancers/load-balancer-pools/`: the path names "load balancers"
                    # as a noun already; "load" here begins that name, it is no verb.
                    continue
                method = CRUD_VERBS[verb]
                if len(rest) > 1 and rest[0] in ("or", "and") and rest[1] in CRUD_VERBS:
                    # `create_or_update`: one operation, an upsert (PUT), not a resource
                    # named "or-updates".
                    other = CRUD_VERBS[rest[1]]
                    method = "PUT" if {method, other} == {"POST", "PUT"} else other
                    rest = rest[2:]
                fix = verb_fix(route, own, index, method, rest, allow, handlers, every_route)
                kept = kept_delete(route, segment, fix.description.split(": ", 1)[-1])
                if kept is not None:
                    fix = Fix(f"Name the resource, not the action: {kept}")
                corrected = fix.description.split(": ", 1)[-1]
                self.report(
                    route.file, route.span,
                    f'route "{_shown(route)}": segment "{segment}" is a verb; let the HTTP '
                    f'method say what happens: {corrected}',
                    fix=kept_for_clients(route, fix), snippet=route.own_path)
                break



def _named_before(route: Route, own: list[str], index: int, verb: str, word: str) -> bool:
    """Whether a segment before this one is a noun made of the verb and the word after it
    (`load-balancers` before `load-balancer-pools`)."""
    full = segments(route.path)
    earlier = full[:len(full) - len(own) + index]
    for segment in earlier:
        ws = words(segment)
        if len(ws) >= 2 and ws[0] == verb and singular(ws[1]) == singular(word):
            return True
    return False


def _action_how(what: str, method: str) -> str:
    """How a DRF @action takes the resource form: one path is its `url_path=`; a choice of
    forms names both places (a PATCH of the member itself is the viewset's own handler)."""
    if what.count(" ") == 1:
        return f'(`url_path=` on the @action, methods=["{method.lower()}"])'
    how = []
    if re.search(r"\.\.\./(?:\{pk\}/)?[\w<]", what):
        how.append("a sub-resource is an @action's `url_path=` and `methods=`")
    if re.search(r"\.\.\./(?:\{pk\}/)? with", what):
        how.append("a PATCH of the member itself is the viewset's `partial_update`")
    return f"({'; '.join(how)})" if how else ""


def _toggled_sub_resource(route: Route, table: dict[tuple[str, str], str]) -> bool:
    """`POST /servers/{id}/pin` beside `DELETE /servers/{id}/pin` and nothing else there: the
    path names a sub-resource (the pin) that one method creates and the other removes, so the
    method already says what happens; folding both into a PATCH would lose that distinction.
    A path that answers more (GET, PATCH: a whole resource registered under a verb path as
    well) is not such a pair."""
    path = normal_path(route.path)
    methods = {m for (m, p) in table if p == path} - {"HEAD", "OPTIONS"}
    return "DELETE" in methods and bool(methods & {"POST", "PUT"}) and \
        methods <= {"POST", "PUT", "DELETE"}


def _action_message(rule: ProjectRule, route: Route, own: list[str], index: int,
                    table: dict[tuple[str, str], str], mirrors_apis: bool = False) -> bool:
    """A non-CRUD verb ending an API route (`POST /cases/{id}/purge`): reported with the
    resource-shaped alternative, never one the route table already has."""
    full = segments(route.path)
    offset = len(full) - len(own)
    verb = action_verb(full, offset + index)
    if verb is None or set(route.methods) <= {"GET", "HEAD", "OPTIONS"}:
        # An action changes something; a route that only reads names a thing (`GET /users/
        # {pk}/ban/` returns the user's ban record).
        return False
    segment = own[index]
    here = normal_path("/".join(full[:offset + index + 1]))
    # (A path under the segment that is also POSTed to is the action on one named member,
    # `POST|GET /token/disable/<serial>`: its GET reads that action's state, no member of
    # a collection of "disables".)
    acted_on = {p for (m, p) in table if m == "POST"}
    if any(m == "GET" and (p + "/").startswith(here + "/{}/") and p not in acted_on
           for (m, p) in table):
        # gramps `POST /media/archive/` beside `GET /media/archive/<filename>`: the segment
        # has members of its own that can be read, so it names a collection (archives), not
        # an action on its parent. (privacyidea's `POST /token/enable/<serial>` is the same
        # action on a named member: nothing there reads an "enable".)
        return False
    if route.framework == "eve" and len(words(segment)) == 1:
        # An Eve resource is a collection by construction (listed by GET, created into by
        # POST, items at `<_id>`): a one-word name (superdesk's `archive`) is its noun.
        return False
    parent = path_from(full[:offset + index])
    before = full[offset + index - 1]
    if verb in _COPY_VERBS and is_param(before):
        return _copy_message(rule, route, segment, full[:offset + index])
    if verb in _RELATION_VERBS and is_param(before) and offset + index >= 2 and \
            full[offset + index - 2].lower() in _PEOPLE and len(words(segment)) == 1:
        return _relation_message(rule, route, segment, verb, full[:offset + index], table)
    target = "-".join(words(segment)[1:])
    selection = ""
    if not target and before.lower() in _ACTION_NAMESPACES and offset + index >= 2:
        # `/images/{id}/actions/deactivate`: `actions` gathers the verbs; the resource they
        # act on is the one before it.
        parent = path_from(full[:offset + index - 1])
        before = full[offset + index - 2]
    elif not target and not is_param(before) and is_plural(before.lower()):
        if names_several(route, before) and _several_after_verb(route, before, verb):
            # `POST /runs/cancel` by `bulk_cancel_runs(data.run_ids)`, `POST /images/install`
            # by `install_images()`: several members (listed in the body, or every one that
            # matches); a member id in the path would be invented, whatever the table serves.
            bulk = any(w in ("bulk", "batch", "many") for w in words(route.handler))
            custom = f"batch{verb.capitalize()}" if bulk else verb
            item = member_param(route, before)
            what = (f"it acts on several {before.lower()} at once (its handler `"
                    f"{route.handler.rsplit('.', 1)[-1]}` says so), not on one: a member path "
                    f"such as {action_remedy(verb)[0]} {parent}/{item} would name an id the "
                    f"handler does not take; keep it a POST on the collection, named as an "
                    f"operation rather than a resource (a custom method such as POST "
                    f"{parent}:{custom})")
            rule.report(route.file, route.span,
                        f'route "{_shown(route)}": segment "{segment}" is a verb ("{verb}"), '
                        f"but {what}", fix=Fix(f"Keep the operation: {what}"),
                        snippet=route.own_path)
            return True
        if _serves_members(table, parent) or action_remedy(verb)[0] == "DELETE":
            # `POST /jobs/cancel {"id": ...}`: the job is named in the body; its resource
            # form has it in the path (a PATCH or DELETE of the collection URL means all of
            # them).
            parent = f"{parent}/{member_param(route, before)}"
        else:
            # No route of the table names one member (`/requirements/install` installs
            # what is missing, `/jobs/cancel` takes ids, a name or `all`): a member path
            # would be invented; the action is on the selection the body names. (A DELETE
            # has no body of defined meaning to select with: it keeps the member's path.)
            selection = before.lower()
    method, noun = action_remedy(verb)
    if verb == "regenerate" and _CREDENTIAL.search(route.path):
        # Regenerating a key or token is a rotation of that credential, not a "run".
        noun = "rotations"
    # `retry_takeout`: the action is on the takeout; the new path must still say so.
    if target:
        parent = f"{parent}/{target}"
    # A new sub-resource route must not be one the table already has; a state change is a
    # PATCH of the resource itself, which may well exist already.
    sub = f"{parent}/{noun}" if noun else ""
    if not noun and method == "PATCH" and "GET" in route.methods and not target and \
            verb in _STATE_NOUNS:
        # `GET|POST /projects/{slug}/lock/`: the GET reads the lock state, so the segment
        # names a resource already (the state); only the write's method is the action.
        # Folding it into a PATCH of the parent would mix it with the parent's own fields.
        shown = path_from(segments(route.path))
        what = (f"PUT {shown} with the new state in the body (the GET this route also "
                f"answers reads that state, so the path already names it)")
    elif selection and not noun:
        what = (f"{method} {parent} with the {selection} to change (named in the body, as "
                f"now) and their new state: the table serves no single member of {parent} to "
                f"change one by one")
    elif noun and (method, normal_path(sub)) not in table:
        what = f"{method} {sub}" + (f" (a new {singular(noun)} of the {selection}, which the "
                                    f"request selects as now)" if selection else "")
    elif not [p for p in segments(parent) if not is_param(p) and p != UNKNOWN_PREFIX] or \
            API_SEGMENT.fullmatch(segments(parent)[-1].lower()):
        # `POST /api/cancel`: the parent is the API's namespace, no resource to change.
        what = (f"{method} on the resource the {verb} acts on under {parent} "
                f"({parent}/<collection>/{{id}}): {parent} itself names no resource")
    elif method == "DELETE":
        what = f"DELETE {parent}"
    elif not is_param(before) and not is_plural(before.lower()) and not target and \
            takes_body(route):
        # llama-stack `POST /post-training/job/cancel {"job_uuid": ...}`, hyperkitty `POST
        # /api/mailman/archive` (files the message the body carries): a singular parent with
        # no id after it may be one resource, a member the body names, or where the body's
        # item goes; the path cannot tell which, so each with its form.
        item = member_param(route, before)
        what = (f"PATCH {parent} with the new state in the body if the {verb} changes "
                f"{parent} itself (one resource, no id); PATCH {parent}/{item} with the new "
                f"state if the request body names one {before.lower()} (its id moved into the "
                f"path); POST {parent}/<collection> if it files what the body carries (a "
                f"message, an item) under {parent}")
    else:
        what = f"PATCH {parent} with the new state in the body"
    what = kept_delete(route, segment, what) or what
    # In a project that mirrors vendor APIs elsewhere, a versioned path registered once
    # may mirror one too, which no code here shows: say so in words.
    caveat = f". {MIRROR_CAVEAT}" if mirrors_apis and has_version(route) else ""
    rule.report(route.file, route.span,
                f'route "{_shown(route)}": segment "{segment}" is a verb ("{verb}"); an API '
                f"route names a resource and lets the method say what happens: {what}",
                fix=kept_for_clients(route, Fix(f"Name the resource, not the action: "
                                                f"{what}{caveat}")),
                snippet=route.own_path)
    return True


def _several_after_verb(route: Route, collection: str, verb: str) -> bool:
    """The handler's name puts the plural after the verb (`bulk_cancel_runs`,
    `install_images`) or says bulk/batch: what it acts on. A plural before the verb is a
    namespace (`api_payments_cancel` cancels the one payment its body names)."""
    name = words(route.handler.rsplit(".", 1)[-1])
    if any(w in ("bulk", "batch", "many") for w in name):
        return True
    return verb in name and collection.lower() in name[name.index(verb) + 1:]


# A segment that gathers a resource's verbs (`/images/{id}/actions/deactivate`), no
# collection of its own.
_ACTION_NAMESPACES = frozenset({"actions", "action", "ops", "operations", "commands"})


def _serves_members(table: dict[tuple[str, str], str], collection: str) -> bool:
    """Whether some route of the table sits on one member of `collection` (`/jobs/{id}`
    or below it)."""
    head = normal_path(collection) + "/{}"
    return any(path == head or path.startswith(head + "/") for _, path in table)


_COPY_VERBS = frozenset({"duplicate", "clone"})
# What one user does to another (`POST /users/<name>/block`): a relation the caller owns,
# not a state of the user the path names.
_RELATION_VERBS = frozenset({"block", "unblock", "mute", "unmute"})
_PEOPLE = frozenset({"users", "accounts", "members", "profiles", "people"})


def _relation_message(rule: ProjectRule, route: Route, segment: str, verb: str,
                      member: list[str], table: dict[tuple[str, str], str]) -> bool:
    """`POST /users/<user_name>/block`: the block is the caller's, so a PATCH of the user
    would edit the other user's resource. The resource form adds the user to the caller's
    own list (fittrackee's `GET /auth/blocked-users`, when the table has such a list) and
    removes them from it to undo."""
    stem = verb[2:] if verb.startswith("un") else verb
    forms = {stem, f"{stem}s", f"{stem}ed", f"{stem}ing"}
    own = normal_path(route.path)
    lists = sorted(p for (m, p) in table if m == "GET" and p != own and not p.endswith("{}")
                   and any(forms & set(words(s)) for s in segments(p)))
    user = member[-1]
    if lists:
        where = lists[0]
        what = (f"DELETE {where}/{user}" if verb != stem else
                f"POST {where} with the user in the body")
    else:
        where = f"the caller's own list of {stem}ed users (e.g. /me/{stem}s)"
        what = (f"DELETE on {user} in {where}" if verb != stem else
                f"POST to {where} with the user in the body")
    reason = (f"the {stem} is the caller's relation to this user, not a state of the user "
              f"(a PATCH of {path_from(member)} would edit the other user's resource)")
    rule.report(route.file, route.span,
                f'route "{_shown(route)}": segment "{segment}" is a verb ("{verb}"); {reason}: '
                f"{what}", fix=Fix(f"Name the resource, not the action: {what}; {reason}"),
                snippet=route.own_path)
    return True
# Action verbs that are also the noun of the state they set (a lock, a pin, a ban): a route
# that reads and sets it names that state. `cancel`, `approve` name no state: not these.
_STATE_NOUNS = frozenset({"lock", "pin", "star", "mute", "block", "flag", "hold", "ban",
                          "archive", "like", "vote", "watch"})
_CREDENTIAL = re.compile(r"(?<![a-z])(key|keys|token|tokens|secret|secrets|password|"
                         r"credentials?)(?![a-z])", re.I)
_DESTINATION = re.compile(r"^(destination|dest|target|to)(_|$)", re.I)


def _copy_message(rule: ProjectRule, route: Route, segment: str, member: list[str]) -> bool:
    """`POST /nodes/{id}/duplicate`: a copy is a new member of the same collection, created
    by a POST to the collection with the source named in the body. A copy into a member
    the body names (`destination_node_id`) creates nothing: a custom method, left alone."""
    if any(_DESTINATION.match(p) for p in route.handler_params):
        return True
    collection = "/" + "/".join(member[:-1])
    source = re.sub(r"^\w+:", "", member[-1].strip("{}<>")) or "id"
    source = source if source.startswith("source") else f"source_{source}"
    what = f'POST {collection} with {{"{source}": ...}} in the body'
    rule.report(route.file, route.span,
                f'route "{_shown(route)}": segment "{segment}" is a verb;'
                f" a copy is a new member of the collection: {what}",
                fix=Fix(f"Name the resource, not the action: {what}"),
                snippet=route.own_path)
    return True


_VERSION = re.compile(r"^(v\d+(\.\d+)*|version\d*|\d{4}-\d{2}-\d{2})$", re.I)


def _versioned(path: str) -> bool:
    """A version segment: `v1`, `version2`, a date, or a bare number right after an `api`
    segment (`/api/1/users`, from `f"/api/{API_VERSION}"` with `API_VERSION = 1`)."""
    parts = segments(path)
    return any(_VERSION.match(s) or (s.isdigit() and i > 0 and
                                     parts[i - 1].lower().strip("_") == "api")
               for i, s in enumerate(parts))


_UNVERSIONED = frozenset({"health", "healthz", "metrics", "docs", "openapi.json", "ping"})


class UnversionedApi(ProjectRule):
    id = "BR305"
    needs_facts: ClassVar[tuple[str, ...]] = ("routes",)

    def check(self, facts: dict[str, list[Any]]) -> None:
        # Probes and docs (`/health`, `/metrics`, `/openapi.json`) sit outside any version.
        routes = [r for r in project_routes(facts) if is_api_route(r) and r.prefix_known
                  and not any(re.sub(r"^\{\w+\}", "", s).lower() in _UNVERSIONED
                              for s in segments(r.path))]
        if not routes:
            return
        versioned = [r for r in routes if _versioned(r.path)]
        # A project that versions most of its API has chosen a scheme: report the strays.
        # One that versions nothing (or through headers) gets one note at its first route.
        if not versioned:
            first = routes[0]
            self.report(first.file, first.span,
                        f"no API route carries a version segment (e.g. \"{_shown(first)}\"); "
                        f"version the API under a prefix such as /api/v1",
                        fix=Fix("Mount the routers under a version prefix, e.g. "
                                "include_router(router, prefix=\"/api/v1\")"),
                        snippet=first.own_path)
            return
        if len(versioned) * 2 < len(routes):
            return
        for route in routes:
            if route in versioned:
                continue
            self.report(route.file, route.span,
                        f'route "{_shown(route)}" has no version segment while the other API '
                        f"routes do", fix=Fix("Mount it under the same version prefix"),
                        snippet=route.own_path)


class MissingHealthEndpoint(ProjectRule):
    id = "BR502"
    # program: the fix tells an application kept on an instance (`self.app`) from a module's.
    needs_facts: ClassVar[tuple[str, ...]] = ("routes", "program")

    def check(self, facts: dict[str, list[Any]]) -> None:
        routes = project_routes(facts)
        apps = [o for o in facts.get("route_owner", []) if o.kind == "app"]
        if not routes or not apps:
            return
        for route in routes:
            if any(_HEALTH_SEGMENT.fullmatch(s.lower()) for s in segments(route.path)):
                return
            if _version_probe(route):
                return
        # `app.register_blueprint(healthz, url_prefix="/healthz")` (flask_healthz): a
        # library's blueprint or router mounted at a probe's path is the health endpoint,
        # though none of its routes is in the project for the table to show.
        for mount in facts.get("route_mount", []):
            if mount.prefix and any(_HEALTH_SEGMENT.fullmatch(s.lower())
                                    for s in segments(mount.prefix)):
                return
        # A library's health-check middleware wrapping the app (oslo.middleware's
        # Healthcheck, OpenStack's standard `/healthcheck`) answers the probe itself.
        if health_middleware(program_of(facts)) is not None:
            return
        # Reported at the app that serves the most routes (the API a health check would
        # sit beside), with its own routes counted: a project may hold several apps.
        served: dict[str, int] = {}
        for route in routes:
            if route.app is not None:
                served[route.app] = served.get(route.app, 0) + 1
        ranked = [o for o in apps if served.get(o.name)]
        app = max(ranked, key=lambda o: served[o.name]) if ranked else apps[0]
        whose = f"the {app.framework} app has {served[app.name]}" if ranked else \
            f"the project has {len(routes)}"
        from ..model import Span

        self.report(app.file, Span(app.line, 1, app.line, 2),
                    f"{whose} route(s) but no health-check endpoint "
                    f"(/health, /healthz, /ready)",
                    fix=health_fix(facts, app),
                    severity=Severity.NOTE)


_HEALTH_SEGMENT = re.compile(r"(health|healthz|healthcheck|health-check|health_check|ready|"
                             r"readyz|readiness|live|livez|liveness|ping|status|heartbeat|"
                             r"_health|__health__)")


def _version_probe(route: Route) -> bool:
    """`GET /version` (or `/v3/version`) open to anyone: a cheap answer that the process
    serves, which uptime checks and orchestrators already probe."""
    parts = segments(route.path)
    return bool(parts) and parts[-1].lower() == "version" and "GET" in route.methods and \
        not route.auth and not route.global_auth


RULES = (SingularRoute, VerbInRoute, UnversionedApi, MissingHealthEndpoint)
__all__ = ["RULES", "UNKNOWN_PREFIX"]
