"""The BR302 fix: the path with the verb replaced by the resource it acts on.

The resource comes from the words after the verb (`/create_order` -> `/orders`), else from
the path parameter the verb stands before (`/cases/{id}/remove/{email}` ->
`/cases/{id}/emails/{email}`); a verb repeating the collection it sits in is dropped
(`/posts/<id>/delete_post` -> `/posts/<id>`). A path the route table already serves with that
method is never proposed: the description says so and there is no suggestion.
"""

from __future__ import annotations

import re

from ..analysis.frameworks.naming import (
    HTTP_METHOD_NAMES,
    is_param,
    is_plural,
    is_word_noun_like,
    plural,
    segments,
    singular,
    words,
)
from ..analysis.frameworks.routes import UNKNOWN_PREFIX, Route
from ..model import Fix

_PARAM_NAME = re.compile(r"^[{<](?:\w+:)?(?P<name>\w+)[}>]$")
_FILTER_WORDS = ("by", "for", "with", "from", "of", "in")
# Handler parameters a framework injects: never the request body.
_INJECTED = frozenset({"self", "cls", "request", "req", "response", "background_tasks",
                       "websocket", "session", "db", "user", "current_user"})
# A word that describes rather than names (`get_submitted`, `list_active`): no plural.
_ADJECTIVES = frozenset({"active", "inactive", "pending", "recent", "latest", "public",
                         "private", "open", "closed", "own", "my", "all", "new", "current",
                         "next", "previous", "last", "first", "default", "enabled",
                         "disabled", "available", "visible", "hidden", "unread", "empty",
                         # faraday `PUT /ws/<id>/change_readonly/`: a flag of the workspace,
                         # no collection of "readonlies"
                         "readonly", "writable", "writeable"})
_DRF_STANDARD = frozenset({"", "list", "create", "retrieve", "update", "partial_update",
                           "destroy", "get", "post", "put", "patch", "delete"})


def normal_path(path: str) -> str:
    """`/posts/<int:post_id>/` and `/posts/{id}` alike: parameters blank, no trailing /."""
    parts = ["{}" if is_param(s) else s.lower() for s in segments(path)]
    return "/" + "/".join(parts)


def route_table(routes: list[Route]) -> dict[tuple[str, str], str]:
    """(method, normalised path) -> the handler serving it."""
    table: dict[tuple[str, str], str] = {}
    for route in routes:
        for method in route.methods:
            table.setdefault((method, normal_path(route.path)), route.handler)
    return table


def path_from(parts: list[str]) -> str:
    """`["v1", "agents"]` -> `/v1/agents`; a path under an unknown prefix keeps `{?}` first,
    as the route table shows it (`{?}/v1/agents`), not `/{?}/v1/agents`."""
    if parts and parts[0] == UNKNOWN_PREFIX:
        return "/".join(parts)
    return "/" + "/".join(parts)


def _param_resource(segment: str) -> str | None:
    """`{email}` -> `emails`, `<int:item_id>` -> `items`; None for a bare `{id}` / `{pk}`."""
    match = _PARAM_NAME.match(segment)
    if not match:
        return None
    name = re.sub(r"_?(id|pk|uuid|slug)$", "", match["name"])
    return plural(name) if name and not is_plural(name) else (name or None)


def _join(prefix: str, path: str) -> str:
    if not prefix:
        return path
    return prefix.rstrip("/") + "/" + path.lstrip("/")


def with_segment(own_path: str, index: int, new: str | None) -> str:
    """The route's own path with its segment `index` replaced (None: removed)."""
    parts = own_path.split("/")
    count = -1
    for position, part in enumerate(parts):
        if part:
            count += 1
            if count == index:
                if new is None:
                    del parts[position]
                else:
                    parts[position] = new
                break
    out = "/".join(parts).replace("//", "/")
    if new is None and not own_path.endswith("/"):
        out = out.rstrip("/")
    return out or "/"


def takes_body(route: Route) -> bool:
    """Whether the operation may read its input from a request body: a POST/PUT/PATCH-only
    route whose handler takes more than the path and what the framework injects (FastAPI,
    Starlette, aiohttp: the parameters show it). Elsewhere the body is read inside the
    handler (`request.json`), so a write-only route is assumed to carry one."""
    if not route.methods or not set(route.methods) <= {"POST", "PUT", "PATCH"}:
        return False
    if route.framework not in ("fastapi", "starlette"):
        return True
    return bool(body_params(route))


def body_params(route: Route) -> list[str]:
    """The handler parameters a FastAPI / Starlette route takes from neither the path nor the
    framework: the request body (and dependencies). Empty where the parameters do not show
    it (Flask, Django read the body inside the handler)."""
    if route.framework not in ("fastapi", "starlette"):
        return []
    in_path = {m["name"] for s in segments(route.path) if (m := _PARAM_NAME.match(s))}
    # `request: GetOnlineFeaturesRequest` (FastAPI): a body model under the request's name.
    body = frozenset({"request", "req"}) if route.request_is_body and \
        route.framework == "fastapi" else frozenset()
    return [p for p in route.handler_params
            if p not in in_path and (p not in _INJECTED or p in body)]


# What an owner commonly has one of (a resource's thumbnail, a user's avatar): a verb on it
# may name the owner's single one, or one of several; other objects (shuup's basket `code`)
# are members of a collection named in the request.
_ONE_PER_OWNER = frozenset({"thumbnail", "thumb", "avatar", "logo", "icon", "favicon",
                            "banner", "cover", "photo", "picture", "image", "signature",
                            "preview", "wallpaper"})
# Words naming an operation over several members at once (`delete-batch`, `bulk_update`).
_BATCH_WORDS = frozenset({"batch", "bulk", "many", "multiple", "several", "batches"})


def _param(route: Route, name: str) -> str:
    return f"<{name}>" if route.framework in ("flask", "django") else f"{{{name}}}"


def member_param(route: Route, collection: str) -> str:
    """The path parameter naming one member of `collection` (`fleets` -> `{fleet_id}`), in
    the route's framework's style."""
    # `training-jobs` -> `{training_job_id}`: a handler declares it as a parameter, so it
    # must be an identifier (no hyphen, no dot).
    return _param(route, re.sub(r"\W+", "_", f"{singular(collection.lower())}_id"))


def _noun(word: str, allow: frozenset[str]) -> str:
    """The collection a verb's object names: `order` -> `orders`; `submitted`, `active`,
    `status` stay as they are (not countable nouns)."""
    if is_plural(word) or word in allow or word == "all" or word in _ADJECTIVES or \
            not is_word_noun_like(word):
        return word
    return plural(word)


def _served_beside(route: Route, method: str, path: str,
                   table: dict[tuple[str, str], str]) -> str:
    """Other methods the table already serves on the proposed path, said in the fix: the new
    method goes beside them in their handler, not as a second route that shadows or is
    shadowed by theirs."""
    key = normal_path(path)
    others = sorted({(m, h) for (m, p), h in table.items()
                     if p == key and m != method and h != route.handler})
    if not others:
        return ""
    shown = ", ".join(f"{m} by `{h}`" for m, h in others)
    return f"the path already answers {shown}; {method} goes beside it"


def resource_words(rest: list[str], allow: frozenset[str]) -> str:
    """`["order", "item"]` -> `order-items`: the resource a verb's object words name."""
    if not rest:
        return ""
    return "-".join([*rest[:-1], _noun(rest[-1], allow)])


# Frameworks that try routes in the order they were registered and stop at the first match
# (Werkzeug ranks a static segment above a converter whatever the order: not these).
_FIRST_MATCH = frozenset({"fastapi", "starlette", "django", "aiohttp"})


def _receiver(route: Route) -> str | None:
    """`legacy_base_router` of `@legacy_base_router.get(...)`: the router a route is on."""
    if route.decorator is None:
        return None
    head = route.decorator[1].split("(", 1)[0]
    return head.rpartition(".")[0] or None


def shadowing_route(route: Route, method: str, path: str, routes: list[Route]
                    ) -> tuple[Route, str, str] | None:
    """(the route, its parameter, the segment it would read) when `path` for `method` would
    be answered by a member route registered before this one on the same router: `GET
    /credentials/{credential_id}` takes `GET /credentials/onepassword` with credential_id
    "onepassword" (skyvern). Only where routes match in registration order, and only for a
    route earlier in the same file on the same router object, where that order is known."""
    if route.framework not in _FIRST_MATCH:
        return None
    new = segments(path)
    mine = _receiver(route)
    for other in routes:
        if other is route or other.file != route.file or method not in other.methods or (
                other.span.start_line >= route.span.start_line or mine is None
                or _receiver(other) != mine):
            continue
        theirs = segments(other.path)
        if len(theirs) != len(new):
            continue
        taken = None
        for want, have in zip(new, theirs, strict=True):
            named = _PARAM_NAME.match(have)
            if named and not is_param(want) and ":path" not in have and "path:" not in have:
                taken = taken or (named["name"], want)
            elif want.lower() != have.lower() and not (is_param(want) and is_param(have)):
                break
        else:
            if taken is not None:
                return other, taken[0], taken[1]
    return None


def verb_fix(route: Route, own: list[str], index: int, method: str, rest: list[str],
             allow: frozenset[str], table: dict[tuple[str, str], str],
             routes: list[Route] | None = None) -> Fix:
    query = ""
    for cut, word in enumerate(rest):
        # `getUserByEmail`: the resource is `user`, `email` is a filter.
        if word in _FILTER_WORDS and cut:
            if rest[cut + 1:]:
                query = "_".join(rest[cut + 1:])
            rest = rest[:cut]
            break
    full = segments(route.path)
    pos = len(full) - len(own) + index
    batch = [w for w in rest if w in _BATCH_WORDS]
    # `PUT /save_show_hidden_file_option/<id>`: "save" reads as POST, but the route already
    # writes one setting idempotently; its own method stays and the setting keeps its name.
    kept = method == "POST" and _verb_noun(own, index) == "save" and bool(route.methods) and \
        set(route.methods) <= {"PUT", "PATCH"}
    if kept:
        method = sorted(route.methods)[-1]
    if method == "PUT" and set(route.methods) == {"PATCH"}:
        # litellm `PATCH /model/{model_id}/update`: the route already says it is a partial
        # update; PUT would mean replacing the whole model.
        method = "PATCH"
    if batch:
        return batch_fix(route, full[:pos], method, rest, _verb_noun(own, index))
    earlier = {s.lower() for s in full[:pos] if not is_param(s)}
    before = full[pos - 1] if pos else ""
    # The verb acts on a member of the collection before it, named only in the request
    # body (`POST /fleets/delete {"names": [...]}`): the resource form puts the member in
    # the path. Never the collection URL (a DELETE or PUT there means the whole
    # collection), never a GET for what only a body can say.
    # `list_submitted`, `delete_archived`: a state of the collection's members (a filter),
    # not one member or a thing of its own.
    # What a POST creates is a thing: `create-drawing`, `add_booking` name a drawing and a
    # booking (nouns in -ing), never a state.
    describes = bool(rest) and (rest[-1] in _ADJECTIVES or (
        not is_word_noun_like(rest[-1]) and not (method == "POST" and rest[-1].endswith("ing"))))
    # `getUserByEmail`: a lookup by a filter reads the collection, not a member.
    # `/files/delete/{flow_id}/{file_name}`: the member is named in the path after the verb
    # already; dropping the verb is the fix, a new id before it would be invented.
    after = own[index + 1] if index + 1 < len(own) else ""
    member = not is_param(after) and bool(before) and not is_param(before) and is_plural(
        before.lower()) and (
        not describes and not query) and (method in ("PUT", "PATCH", "DELETE") or (
            method == "GET" and takes_body(route))) and not _reads_only(route)
    named_member = member and bool(rest) and rest[0] == singular(before.lower())
    if named_member:
        rest = rest[1:]  # `/instances/get_instance_health_checks`: the member's own
    item = member_param(route, before) if member else ""
    resource: str | None
    if rest:
        # Setting a property names it as it is (`set_wildcard_domain` -> wildcard-domain).
        noun = rest[-1] if (member or kept) and method in ("PUT", "PATCH") else _noun(
            rest[-1], allow)
        if method == "POST" and rest[-1].endswith("ing") and not describes:
            noun = plural(rest[-1])  # `create-drawing` -> drawings
        # The collection the verb sits in already names the resource: drop the verb. Words
        # before it qualify the member (`/tiles/delete_provisional_tile`: the provisional
        # edit of a tile, not the tile): they stay, or the DELETE would remove the tile.
        if before.lower() == singular(noun) and not is_plural(before.lower()):
            # `/facility/create_facility`: the collection before the verb is the one it
            # names, spelled in the singular there; a nested `facility/facilities` is not it.
            earlier.add(noun)
        resource = None if noun == "all" or (noun in earlier and not rest[:-1]) else (
            "-".join(rest[:-1]) if noun in earlier else "-".join([*rest[:-1], noun]))
    else:
        following = own[index + 1] if index + 1 < len(own) else ""
        named = _param_resource(following) if is_param(following) else None
        resource = named if named and named not in earlier else None
    following = own[index + 1] if index + 1 < len(own) else ""
    if not rest and _verb_noun(own, index) in ("add", "insert") and is_param(before) and \
            not is_param(following):
        # `POST /basket/{uuid}/add/`: the verb names no object, and a POST on the member
        # itself names no collection to add to; what the body adds (a line, an item) is a
        # collection of the member's own, which the code here does not name. (`POST
        # /portal/{mxid}/create` creates the member the path names: a POST there fits.)
        parent = path_from(full[:pos])
        return Fix(f"Name the resource, not the action: POST {parent}/<collection>/, the "
                   f"collection of {parent} that the request body adds to (its lines, items, "
                   f"members: what the handler creates), named in the plural; a POST on "
                   f"{parent} itself names nothing to add to")
    if not rest and _verb_noun(own, index) == "remove" and is_param(before) and \
            not is_param(following) and set(route.methods) <= {"POST"} and takes_body(route):
        # `POST /basket/{uuid}/remove/ {"line_id": ...}`: what goes is named in the body, a
        # member of the basket's own collection; DELETE on the basket deletes the basket.
        parent = path_from(full[:pos])
        return Fix(f"Name the resource, not the action: DELETE {parent}/<collection>/{{id}}, "
                   f"the member of {parent}'s own collection that the request body names "
                   f"today (a line, an item), in the plural with its id in the path; DELETE "
                   f"{parent} itself would delete {parent}")
    if member and method == "GET" and resource is not None and not named_member:
        # `POST /fleets/get_plan` with the spec in the body: a GET cannot carry the spec;
        # what it computes is created from it.
        method = "POST"
        member, item = False, ""
    kept_body = ""
    if method == "GET" and not member and not query and set(route.methods) == {"POST"} \
            and body_params(route):
        # `POST /runs/{id}/metric/get-batch` with the traces asked for in the body: a GET
        # cannot carry that body, so the read stays a POST; only the verb goes.
        method = "POST"
        kept_body = " (a POST still: a GET cannot carry the request body the handler reads)"
    elif method == "GET" and not member and not query and set(route.methods) == {"POST"} \
            and route.framework in ("fastapi", "starlette") and (
                not route.handler_params or {"request", "req"} & set(route.handler_params)):
        # `add_api_route("/{uri}/get-resource/", self.get_resource, methods=["POST"])`: the
        # parameters do not show the body (unknown, or the request read inside): say both.
        kept_body = (" if the handler reads no request body; if it does (`await "
                     "request.json()`), it stays a POST there: a GET cannot carry a body")
    url_path = resource
    if method == "DELETE" and resource and not is_param(following) and is_param(before) and \
            not member and not query and len(rest) == 1 and not is_plural(rest[0]) and \
            not _reads_only(route) and not body_params(route) and \
            rest[0] in _ONE_PER_OWNER and not _counted_elsewhere(rest[0], allow, routes or []):
        # geonode `POST /resources/{id}/delete_thumbnail`: the verb's object is singular
        # right after the member, which may have one of it (a thumbnail) or several (a
        # comment each); the path alone cannot tell, so both forms, no invented id. (A
        # handler whose parameters show a body, `remove_speaker(code, body)`, takes the
        # one to remove from it: a member of a sub-collection, as below.)
        parent = path_from(full[:pos])
        one = _noun(rest[0], allow)
        return Fix(f"Name the resource, not the action: DELETE {parent}/{rest[0]} if each "
                   f"{parent} has one {rest[0]} (the handler takes no id for it); if it has "
                   f"several, DELETE {parent}/{one}/{_param(route, f'{rest[0]}_id')}, the "
                   f"{rest[0]}'s id moved from the request into the path")
    if method == "DELETE" and resource and not is_param(following) and \
            is_plural(resource.rsplit("-", 1)[-1]):
        # `remove-speaker`: one member of the sub-collection goes, named in the body today;
        # DELETE on the sub-collection URL would mean all of them.
        name = f"{singular(resource.rsplit('-', 1)[-1])}_id"
        url_path = f"{resource}/(?P<{name}>[^/.]+)"
        resource = f"{resource}/{_param(route, name)}"
    if member:
        resource = f"{item}/{resource}" if resource else item
    if describes and is_param(before) and method in ("POST", "PUT", "PATCH") and not query:
        # `POST /submissions/{pk}/make_submitted`: a state, not a thing to create; the
        # member is in the path already, so the change is a PATCH of it.
        parent = path_from(full[:pos])
        return Fix(f"Name the resource, not the action: PATCH {parent} with "
                   f"`{rest[-1]}` as the new state in the body")
    new_own = with_segment(route.own_path, index, resource)
    # The prefix the route's own path sits under (`/api/users/{pk}/` for a DRF action whose
    # own path is `change-email`, whatever trailing slashes either has).
    full_path, own_path = route.path.rstrip("/"), route.own_path.rstrip("/")
    prefix = full_path[:len(full_path) - len(own_path)] if (
        own_path and full_path.endswith(own_path)) else ""
    full_new = _join(prefix, new_own)
    if not full_new.startswith(("/", "{")):
        full_new = "/" + full_new
    corrected = f"{method} {full_new.rstrip('/') or '/'}?{query}=..." if query else (
        f"{method} {full_new}")
    if method != "GET" and _reads_only(route) and not route.resource_writes:
        # `GET /workspaces/create` that redirects to the wizard's first step: a read that
        # leads to the write. Renaming it to the write turns a link into a POST; only a GET
        # that itself changes data (BR306's writes) is the write under the wrong method.
        if resource is None and not member and not query and _names_nothing(full[:pos]):
            # `GET /api/update`: without the verb, only the API's root is left, and a write
            # there would read as replacing the whole API.
            shown = path_from(full[:pos])
            return Fix(f"Name the resource, not the action: dropping the verb leaves {shown}, "
                       f"which names no resource; name what this {_verb_noun(own, index)} "
                       f"acts on under it ({shown}/<collection>). This route only answers GET "
                       f"and its handler changes no stored data the review sees: if it only "
                       f"shows or leads to the write, it stays a GET page under that name; if "
                       f"it does write, the write is {method} on it (a GET must not change "
                       f"data)")
        return Fix(f"Name the resource, not the action: the {_verb_noun(own, index)} itself is "
                   f"{corrected}; this route only answers GET and its handler changes no "
                   f"stored data the review sees, so if it shows or leads to that write (a "
                   f"form, a redirect) it stays a GET page under a name of its own, and if "
                   f"it does write, it becomes {corrected} (a GET must not change data)")
    served = table.get((method, normal_path(full_new)))
    if member and not named_member and names_several(route, before):
        # `POST /sessions/delete` by `delete_sessions(body)` (beside `DELETE /sessions/{id}`
        # by `delete_session`), `DeleteObjectsResource`: the handler acts on the members the
        # body lists; a member id in the path is invented, and merging into the member's
        # own route loses the batch.
        return batch_fix(route, full[:pos], method, [before.lower()], _verb_noun(own, index),
                          served if served != route.handler else None)
    if served is not None and served != route.handler and query:
        return Fix(f"Serve it from `{served}` with `{query}` as a query parameter: "
                   f"{corrected}")
    if served is not None and served != route.handler:
        return Fix(f"Name the resource, not the action: {corrected} is already served by "
                   f"`{served}`; merge this action into it or give it a sub-resource of its "
                   f"own")
    shadow = shadowing_route(route, method, full_new, routes or []) if (
        served is None and not query) else None
    if shadow is not None:
        other, param, segment = shadow
        return Fix(f"Name the resource, not the action: {corrected} would not reach this "
                   f"handler, since {method} {other.path} (`{other.handler}`), registered "
                   f"before it on the same router, answers it with {param} = "
                   f"\"{segment}\"; give it a path that no member route matches (a sub-path "
                   f"of its own under the collection, for instance)")
    where = f" and take `{query}` as a query parameter" if query else ""
    if "GET" in route.methods and method in ("PUT", "PATCH") and len(route.methods) > 1:
        # `GET|POST /edit-details`: what the GET reads is what the write changes, so both
        # live at the resource's path.
        return Fix(f"Name the resource, not the action{where}: {corrected}, and the GET this "
                   f"route also answers as GET {full_new} (it reads what {method} changes)")
    if "GET" in route.methods and method != "GET" and len(route.methods) > 1:
        # `GET|POST /create`: one handler shows a form and takes its post. Renaming it to
        # the write loses the GET (GET of the collection is its list, GET of a member its
        # detail); no one rename is right, so say what to do in words.
        return Fix(f"Name the resource, not the action{where}: {corrected} for the write; "
                   f"the GET this route also answers (a form, a preview) is not that "
                   f"resource and needs a handler of its own (a page of a web UI stays as "
                   f"it is)")
    # (Only a verb that ends the path leaves its parent alone: `/get/allowed_ips` leaves
    # `/allowed_ips`, the object the verb names, not the root.)
    if resource is None and not member and not query and route.path_written and \
            index == len(own) - 1:
        left = _left_by_the_verb(route, full[:pos], method, table)
        if left is not None:
            return left
    beside = _served_beside(route, method, full_new, table)
    if beside:
        corrected += f" ({beside})"
    corrected += kept_body
    body = body_params(route)
    if member and body:
        # `DELETE /documents/delete_document {"doc_ids": [...]}`: the new path names one
        # member, which the handler takes from the body today; say where it goes.
        corrected += (f", the member named in the path instead of the request body "
                      f"(`{body[0]}`); to act on several at once, a batch operation stays a "
                      f"POST (POST {path_from(full[:pos])}/batch-{_verb_noun(own, index)}"
                      f"), since a DELETE or GET body has no defined meaning")
    if route.framework == "drf" and route.action not in _DRF_STANDARD:
        # A ViewSet @action: its path is the method name or url_path=, not a string to edit.
        how = (" (a `detail=True` @action, or the viewset's own handler for that method)"
               if member else f' (`url_path=r"{url_path}"` on the @action)' if
               url_path != resource else f' (`url_path="{resource}"` on the @action)' if resource
               else
               " (serve it from the collection's own handler for that method)")
        return Fix(f"Name the resource, not the action{where}: {corrected}{how}")
    if not new_own.strip("/") or not route.path_written:
        # Dropping the verb leaves no path of its own, or the path is put together from a
        # registrar's parameters (no one string at the route to rewrite): none to propose.
        return Fix(f"Name the resource, not the action{where}: {corrected}")
    return Fix(f"Name the resource, not the action{where}: {corrected}", f'"{new_own}"')



# An API's namespace segment (`/api`, `/v1`): a path ending there names no resource.
API_SEGMENT = re.compile(r"_?api(v?\d+(\.\d+)?)?|v\d+(\.\d+)?")


def _left_by_the_verb(route: Route, parent: list[str], method: str,
                      table: dict[tuple[str, str], str]) -> Fix | None:
    """Dropping the verb leaves only the path before it: words, not that path, when it names
    no resource (`/api/get` -> `/api`) or when the handler acts on one member the request
    body names (`POST /storage/delete {"name": ...}`: DELETE /storage would mean them all).
    A path the table already serves by another handler (`POST /custom_component` beside
    `/custom_component/update`) is a resource of its own: the usual fix says where the
    method goes beside it."""
    shown = path_from(parent)
    under = shown.rstrip("/")  # `/` + `/<collection>`: one slash, not `//<collection>`
    if _names_nothing(parent):
        return Fix(f"Name the resource, not the action: dropping the verb leaves {shown}, "
                   f"which names no resource; name what this {method} acts on under it "
                   f"({under}/<collection>, one member as {under}/<collection>/{{id}})")
    body = body_params(route)
    last = parent[-1] if parent else ""
    if method == "DELETE" and not body and last and not is_param(last) and not is_plural(
            last.lower()) and set(route.methods) <= {"POST"}:
        # marimo `POST /api/kernel/delete` deletes the cells its body names: DELETE
        # /api/kernel would name the kernel. A singular parent is one thing, and whether
        # the handler deletes it or something the body names, the path does not show.
        return Fix(f"Name the resource, not the action: DELETE {shown} if the handler deletes "
                   f"{shown} itself; if it deletes what the request body names (members of "
                   f"something under {shown}), those are a collection of their own: DELETE "
                   f"{shown}/<collection>/{{id}} for one of them, and a POST batch operation "
                   f"for several (a DELETE body has no defined meaning)")
    if method in ("DELETE", "PUT", "PATCH") and body and last and not is_param(last) and \
            not _served_beside(route, method, shown, table):
        item = member_param(route, last)
        return Fix(f"Name the resource, not the action: {method} {shown}/{item}, the member the "
                   f"request body names today (`{body[0]}`) moved into the path; {method} "
                   f"{shown} itself would act on the whole collection (several members at "
                   f"once stay a POST batch)")
    return None


def _counted_elsewhere(word: str, allow: frozenset[str], routes: list[Route]) -> bool:
    """Whether the route table shows `word` as a countable collection somewhere: its plural
    as a segment (`/nodes/`), or the word before a parameter (`/node/<id>`). Arches'
    `/graph/<graphid>/delete_node` deletes one of a graph's many nodes."""
    many = _noun(word, allow).lower()
    for route in routes:
        parts = segments(route.path)
        for position, part in enumerate(parts):
            low = part.lower()
            if low == many and many != word.lower():
                return True
            if low == word.lower() and position + 1 < len(parts) and is_param(
                    parts[position + 1]):
                return True
    return False


def _names_nothing(parent: list[str]) -> bool:
    """The path before the verb names no resource: nothing, or an API's namespace segment
    (`/api`, `/v1`) last among its fixed segments."""
    statics = [s for s in parent if not is_param(s) and s != UNKNOWN_PREFIX]
    return not statics or bool(API_SEGMENT.fullmatch(statics[-1].lower()))


def _verb_noun(own: list[str], index: int) -> str:
    """The verb segment itself, lower-case (`delete_document` -> `delete`)."""
    word = re.split(r"[-_]|(?<=[a-z])(?=[A-Z])", own[index])[0]
    return word.lower() or "operation"


def _reads_only(route: Route) -> bool:
    """A route that only answers GET: it has no request body, so no member is named in
    one (`GET /notifications/update_types` updates no one notification)."""
    return bool(route.methods) and set(route.methods) <= {"GET", "HEAD"}


def names_several(route: Route, collection: str) -> bool:
    """Whether the handler's own name says it acts on several members of `collection`
    (`delete_sessions` under `/sessions`): its last word is that plural."""
    parts = route.handler.split(".")
    if len(parts) > 1 and parts[-1].lower() in HTTP_METHOD_NAMES:
        parts = parts[:-1]  # `DeleteObjectsResource.post`: the class names what it does
    name = words(parts[-1])
    return len(name) > 1 and is_plural(collection.lower()) and (
        collection.lower() in name[1:] or bool(_BATCH_WORDS & set(name)))



def batch_fix(route: Route, parent: list[str], method: str, rest: list[str],
               verb: str, served: str | None = None) -> Fix:
    """`POST /runs/delete-batch {"runs": [...]}`: one operation over the members the body
    lists. No member id belongs in the path (the handler reads none), and the list cannot
    move to a GET or DELETE, whose bodies have no defined meaning: words, no path."""
    collection = path_from(parent) if parent else ""
    last = parent[-1] if parent else ""
    item = member_param(route, last) if last and not is_param(last) and is_plural(
        last.lower()) else ""
    by = f" (already served by `{served}`)" if served else ""
    one = f"{method} {collection}/{item} serves one member{by}; " if item else ""
    return Fix(f"This acts on several members at once ({'-'.join(rest)}), listed in the "
               f"request body: {one}a list in the body has no resource form that keeps it "
               f"(a GET or DELETE body has no defined meaning), so keep the batch a POST and "
               f"name it as an operation rather than a resource, e.g. a custom method "
               f"POST {collection}:batch{verb.capitalize()}; do not put a member id in the "
               f"path, the handler reads none.")
