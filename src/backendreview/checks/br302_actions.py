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

from ..analysis.frameworks.naming import CRUD_VERBS, singular, verb_of
from ..analysis.frameworks.routes import ActionFact, Route, ViewClassFact
from .br302_fixes import resource_words

_ONLY_VERBS = frozenset({"get", "fetch", "list", "retrieve", "create", "add", "insert", "unset",
                         "update", "set", "delete", "remove", "destroy", "modify"})


def unreached_verb_actions(facts: dict[str, list[Any]], routes: list[Route],
                           allow: frozenset[str]
                           ) -> Iterator[tuple[ViewClassFact, ActionFact, str, str]]:
    """(view class, action, method, resource path below the viewset URL) for each @action
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
            noun = resource_words(rest, allow)
            if not noun:
                continue  # a bare `delete` action: the viewset's own destroy says it
            where = "{pk}/" if act.detail else ""
            # One member of the sub-collection for a change or a removal (`PUT
            # labels/{label}/`), the sub-collection itself to read it or add to it.
            last = noun.rsplit("-", 1)[-1]
            member = f"{{{singular(last)}}}/" if method in ("PUT", "PATCH", "DELETE") else ""
            yield view, act, method, f"{where}{noun}/{member}"
