"""BR301: which path parameters identify a member of the word before them, and what the
route table's shape says of a path (tested on the helpers; fixtures/BR301/table_shapes.py
and flask_json_helper/ show the findings)."""

from __future__ import annotations

import pytest

from backendreview.analysis.frameworks.routes import Route
from backendreview.checks.br30x_route_design import _identifies, _param_name, _TableShapes
from backendreview.model import Span


@pytest.mark.parametrize(("param", "name"), [
    ("<int:pk>", "pk"), ("<slug:slug>", "slug"), ("{name:path}", "name"), ("<serial>", "serial"),
    ("(?P<pk>[0-9]+)", "pk"), ("{id}", "id"), (":user_id", "user_id"),
])
def test_param_name_reads_each_framework_spelling(param: str, name: str) -> None:
    assert _param_name(param) == name


@pytest.mark.parametrize(("param", "word", "expected"), [
    ("<slug:slug>", "organization", True),       # the converter is not the name
    ("{_id}", "note", True),                     # a generic id, underscored
    ("{old_session_id}", "session", True),       # qualified by the word
    ("<old_name>", "policy", True),              # a generic id qualified as the old value
    ("<container_serial>", "container", True),   # a serial named after the word
    ("{thesaurusid}", "thesaurus", True),        # glued to its id
    ("<groupname>", "tokengroup", True),         # glued, after the word's tail
    ("<resolver>", "machineresolver", True),     # the word's tail itself
    ("<identifier>", "smtpserver", True),
    ("<serial>", "description", False),          # the token's serial, not a description's
    ("<old_serial>", "group", False),
    ("{old_flow_id}", "tag", False),
    ("{model_id}", "leaderboard", False),
    ("{review_type}", "review", False),
    ("<realm>", "resolver", False),
    ("<realm>", "defaultrealm", False),         # the realm the default is set to
    # Alone, `{object_id}` is as often a generic relation's target (`/attachment/
    # {object_id}`: the attachments of some object); the table decides (created_with_members).
    ("<object_id>", "comment", False),
    ("{obj_pk}", "vulnerability", False),
    ("{objectid}", "comment", True),
    ("{object_key}", "bucket", False),          # an object in the bucket, not a bucket
    ("{object_name}", "thumbnail", False),
    ("{object_type}", "comment", False),
])
def test_identifies(param: str, word: str, expected: bool) -> None:
    assert _identifies(param, word) is expected


def test_a_later_key_counts_only_when_named_after_the_word() -> None:
    assert _identifies("<username>", "user", generic=False)
    assert not _identifies("<str:name>", "repo", generic=False)
    assert not _identifies("<ptaskid>", "periodictask", generic=False)


def _route(methods: tuple[str, ...], path: str) -> Route:
    return Route(methods=methods, path=path, own_path=path, prefix_known=True,
                 framework="fastapi", file="app.py", span=Span(1, 1, 1, 2), handler="h",
                 handler_file="app.py", handler_line=1)


def test_table_shapes_tell_a_collection_from_an_action() -> None:
    shapes = _TableShapes([
        _route(("POST",), "/runs/{run_id}/note/"),
        _route(("GET",), "/runs/{run_id}/note/{note_id}"),
        _route(("POST",), "/devices/resync"), _route(("POST",), "/devices/resync/{serial}"),
        _route(("GET",), "/network/floatingips/"),
    ])
    assert shapes.created_with_members("/runs/{}/note", "note")
    # `{serial}` names the device the resync acts on: no collection of resyncs.
    assert not shapes.created_with_members("/devices/resync", "resync")
    assert shapes.has_sibling("/network/floatingip", "floatingips")
    assert not shapes.has_sibling("/network/floatingips", "floatingips")
    assert not shapes.has_sibling(None, "floatingips")


def test_a_verb_or_ing_word_is_a_resource_only_by_the_table() -> None:
    shapes = _TableShapes([
        _route(("GET", "PUT", "DELETE"), "/api/watch/<uuid>"),
        _route(("GET",), "/api/tags"), _route(("POST",), "/api/tag"),
        _route(("GET",), "/api/tag/<uuid>"),
        _route(("GET",), "/api/settings"), _route(("GET",), "/api/setting/{key}"),
        _route(("POST",), "/tasks/stop/{task_id}"),
        _route(("GET",), "/refresh/{id}"),
        _route(("DELETE",), "/sync/{id}"),
        _route(("POST", "DELETE"), "/comments/{id}/like"), _route(("GET",), "/comments/{id}/likes"),
        _route(("GET", "DELETE"), "/failed/{entry_id}"),
    ])
    assert not shapes.resource_shaped("/api/watch", "watch", "watch")  # never created into
    assert shapes.resource_shaped("/api/tag", "tag", "tag")        # `/tags` beside it
    assert shapes.resource_shaped("/api/setting", "setting", "setting")
    assert not shapes.resource_shaped("/tasks/stop", "stop", "stop")  # an action on the task
    assert not shapes.resource_shaped("/refresh", "refresh", "refresh")  # read, never deleted
    assert not shapes.resource_shaped("/sync", "sync", "sync")        # deleted, never read
    # No member below it: liking the comment, beside the list of its likes.
    assert not shapes.resource_shaped("/comments/{}/like", "like", "like")
    # An -ed form names a state, whatever its members answer.
    assert not shapes.resource_shaped("/failed", "failed", "failed")
    assert not shapes.resource_shaped(None, "watch", "watch")


def test_a_verb_word_needs_a_collection_not_a_toggle() -> None:
    # Toggles answer GET (am I following?), POST/PUT and DELETE on the target's id; a run
    # started on a flow sits beside the list of runs: neither is a collection of the verb.
    shapes = _TableShapes([
        _route(("GET", "POST", "DELETE"), "/api/follow/{id}"),
        _route(("GET", "PUT", "DELETE"), "/api/pin/{id}"),
        _route(("GET",), "/api/runs"), _route(("POST",), "/api/run/{flow_id}"),
        _route(("GET", "POST"), "/api/watch"),
        _route(("GET", "PUT", "DELETE"), "/api/watch/<uuid>"),
        _route(("GET",), "/api/builds"), _route(("GET",), "/api/build/{build_id}"),
    ])
    assert not shapes.resource_shaped("/api/follow", "follow", "follow")
    assert not shapes.resource_shaped("/api/pin", "pin", "pin")
    assert not shapes.resource_shaped("/api/run", "run", "run")  # the flow's id, not a run's
    assert shapes.resource_shaped("/api/watch", "watch", "watch")  # created into, members
    assert shapes.resource_shaped("/api/build", "build", "build")  # `{build_id}`, `/builds`


def test_object_id_is_a_member_only_of_a_path_created_into() -> None:
    shapes = _TableShapes([
        _route(("GET", "POST"), "/ws/<name>/comment"),
        _route(("GET", "DELETE"), "/ws/<name>/comment/<object_id>"),
        _route(("GET",), "/attachment/{object_id}"),
    ])
    assert shapes.created_with_members("/ws/{}/comment", "comment")
    assert not shapes.created_with_members("/attachment", "attachment")
