"""BR302 on DRF `@action`s the route table does not reach.

A viewset mixin of a resource API (`RolesMixin.add_role`, `LabelsMixin.set_label`) puts a
verb in the URL of every viewset that uses it, and the viewsets are often registered in a
loop over plugins the route table cannot follow. The action's own path is written at the
action (its name, or `url_path=`), so the verb is there to see without the registration:
the finding goes on the action, with the resource form relative to the viewset's URL.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..analysis.frameworks.naming import CRUD_VERBS, is_plural, singular, verb_of
from ..analysis.frameworks.routes import ActionFact, Route, ViewClassFact
from .br302_fixes import _ADJECTIVES, _FILTER_WORDS, resource_words

# Past participles that do not end in -ed (`set_fully_paid`): a state, not a thing.
_PARTICIPLES = frozenset({"paid", "done", "sent", "shown", "hidden", "seen", "read", "won",
                          "lost", "built", "made", "written", "given", "taken", "set"})
_ONLY_VERBS = frozenset({"get", "fetch", "list", "retrieve", "create", "add", "insert", "unset",
                         "update", "set", "delete", "remove", "destroy", "modify"})


def _is_state(rest: list[str]) -> bool:
    """`fully_paid`, `archived`, `active`: the words describe a state of the member, not a
    thing it holds (an adverb before the last word makes it an adjective)."""
    last = rest[-1]
    return last in _ADJECTIVES or last in _PARTICIPLES or last.endswith("ed") or (
        len(rest) > 1 and rest[-2].endswith("ly"))


def resource_form(verb: str, method: str, rest: list[str], detail: bool,
                  allow: frozenset[str]) -> str | None:
    """The resource form of a verb action below the viewset URL, as a method and a path with
    what the body carries, or None when the verb names no object (`delete`). A key is put in
    the path only where the action names one member of a collection; what the action names
    cannot tell a single attribute from a keyed collection, so both are said."""
    where = "{pk}/" if detail else ""
    if rest[0] in _FILTER_WORDS:
        # `add_from_order`: what is created is not named, only where it comes from.
        source = "_".join(rest[1:]) or rest[0]
        return (f"{method} .../{where}<the sub-collection the new items join>/ with "
                f"`{source}` in the body")
    noun = resource_words(rest, allow)
    if not noun:
        return None
    field = "_".join(rest)
    if method in ("PUT", "PATCH") and _is_state(rest):
        # `set_fully_paid`: a state of the member, not a resource of its own.
        return (f"PATCH .../{where} with `{field}` as the new state in the body (or keep the "
                f"action if it runs a process rather than storing a state)")
    last = noun.rsplit("-", 1)[-1]
    if method in ("PUT", "PATCH") and is_plural(rest[-1]):
        # `update_stocks`: several members at once, none named in the path.
        return f"PATCH .../{where}{noun}/ with the changes in the body"
    if method in ("PUT", "PATCH"):
        # `set_customer` (one per basket) and `set_label` (a keyed set) read alike.
        one = "-".join(rest)
        key = singular(last)
        if verb in ("set", "put"):
            return (f"PUT .../{where}{one}/ if there is one {' '.join(rest)} per member (or "
                    f"PATCH .../{where} with `{field}` in the body); PUT .../{where}{noun}/"
                    f"{{{key}}}/ if the member holds several, keyed")
        return (f"PATCH .../{where} with `{field}` in the body if it is the member's own "
                f"field, else PATCH the sub-resource that holds it "
                f"(.../{where}<sub-resource>/{{id}}/)")
    # One member of the sub-collection for a removal (`DELETE labels/{label}/`), the
    # sub-collection itself to read it or add to it.
    member = f"{{{singular(last)}}}/" if method == "DELETE" else ""
    return f"{method} .../{where}{noun}/{member}"


def unreached_verb_actions(facts: dict[str, list[Any]], routes: list[Route],
                           allow: frozenset[str]
                           ) -> Iterator[tuple[ViewClassFact, ActionFact, str, str]]:
    """(view class, action, method, resource form below the viewset URL) for each @action
    with a CRUD verb path that no route of the table serves."""
    reached = {(r.file, r.span.start_line) for r in routes}
    reached |= {(r.handler_file, r.handler_line) for r in routes}
    for view in facts.get("view_class", []):
        for act in view.actions:
            if (view.file, act.handler.span.start_line) in reached or \
                    (view.file, act.handler.line) in reached:
                continue
            if act.url_path.lower() in allow:
                continue
            found = verb_of(act.url_path)
            # Without the route to confirm it, only a word that is nothing but a verb:
            # `post_editor`, `view_count`, `save_state` name things as often as actions.
            if found is None or found[0] not in _ONLY_VERBS:
                continue
            verb, rest = found
            method = CRUD_VERBS[verb]
            if not rest:
                continue  # a bare `delete` action: the viewset's own destroy says it
            what = resource_form(verb, method, rest, act.detail, allow)
            if what is None:
                continue
            yield view, act, method, what
