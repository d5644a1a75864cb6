"""Fix texts of the classes issue 13 names for session 16 (a fix that assumes something of the
code around the finding that the code does not show), each beside a near miss whose old
text stays right.

- BR306: a POST the path already has (another handler: two would compete), a handler that
  serves POST too (refusing GET takes its page away), a function view that renders a page
  (keep the page, move the write), a class view that inherits a post() (FormView), a DRF
  list action and its url_path (the old text always wrote `detail=True` and `pk`).
"""

from __future__ import annotations

import ast
from pathlib import Path

from backendreview.config import Config
from backendreview.engine import finish, review_source
from backendreview.metadata import load_rule_docs
from backendreview.model import Finding

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _fixture(name: str, rule: str) -> dict[int, Finding]:
    path = FIXTURES / rule / name
    result = review_source(path.read_bytes(), f"fixtures/{rule}/{name}", Config(), (rule,))
    findings = finish([result], Config(), (rule,), load_rule_docs()).findings
    return {f.span.start_line: f for f in findings if f.rule_id == rule}


def _line_of(rule: str, name: str, text: str) -> int:
    lines = (FIXTURES / rule / name).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def _parses(found: dict[int, Finding]) -> None:
    for finding in found.values():
        if finding.fix is not None and finding.fix.suggestion:
            ast.parse(finding.fix.suggestion)


def test_br306_a_post_the_path_already_has_is_not_proposed() -> None:
    found = _fixture("fix_shapes.py", "BR306")
    _parses(found)
    for text, other in (('@router.get("/items/{item_id}/archive")', "archive_item_post"),
                        ('@bp.route("/<int:nid>/close")', "close_note_post")):
        fix = found[_line_of("BR306", "fix_shapes.py", text)].fix
        assert fix.suggestion is None
        assert fix.description.startswith(
            "Move the change out of the GET handler into a write request, but not by "
            "registering this handler for a write method on the same path: that path "
            f"already answers POST by `{other}`, so two handlers would compete for it.")
    # Near miss: POST is served beside it, on another path; this path is free.
    near = found[_line_of("BR306", "fix_shapes.py", '@router.get("/items/{item_id}/restore")')]
    assert near.fix.suggestion.startswith('@router.post("/items/{item_id}/restore")')


def test_br306_a_handler_serving_post_too_makes_the_change_on_post_only() -> None:
    found = _fixture("fix_shapes.py", "BR306")
    fix = found[_line_of("BR306", "fix_shapes.py", '"/<int:nid>/edit", methods')].fix
    assert fix.suggestion is None
    assert fix.description.startswith(
        "`edit_note` answers POST on this path as well: make the change only when the "
        'request is a POST (under `if request.method == "POST":`')


def test_br306_a_page_keeps_its_get_and_a_redirecting_action_takes_post() -> None:
    found = _fixture("fix_shapes.py", "BR306")
    page = found[_line_of("BR306", "fix_shapes.py", 'path("threads/<int:pk>/", ')].fix
    assert page.suggestion is None
    assert page.description.startswith(
        "This route shows a page (its handler renders one): keep the page a GET and move "
        "only the write out of it")
    # Near miss: the write is the route's purpose and it redirects: require_POST stays.
    lock = found[_line_of("BR306", "fix_shapes.py", 'path("threads/<int:pk>/lock/"')].fix
    assert "@require_POST\ndef thread_lock(request):" in lock.suggestion


def test_br306_an_inherited_post_is_not_overwritten() -> None:
    found = _fixture("fix_shapes.py", "BR306")
    fix = found[_line_of("BR306", "fix_shapes.py", "ArchiveThreadView.as_view()")].fix
    assert fix.suggestion is None
    assert "`ArchiveThreadView` already has a post() that does something else" in (
        fix.description)


def test_br306_an_action_keeps_its_detail_url_path_and_lookup() -> None:
    found = _fixture("fix_shapes.py", "BR306")
    listed = found[_line_of("BR306", "fix_shapes.py", "def purge_drafts")].fix
    assert listed.suggestion == (
        "class ArticleViewSet:  # the existing view\n"
        '    @action(detail=False, methods=["post"], url_path="purge-drafts")\n'
        "    def purge_drafts(self, request):\n"
        "        ...")
    member = found[_line_of("BR306", "fix_shapes.py", "def feature")].fix
    assert member.suggestion == (
        "class ArticleViewSet:  # the existing view\n"
        '    @action(detail=True, methods=["post"])\n'
        "    def feature(self, request, slug=None):\n"
        "        ...")


def test_br306_a_starlette_endpoint_moves_get_to_post() -> None:
    found = _fixture("starlette_endpoint.py", "BR306")
    _parses(found)
    fix = found[_line_of("BR306", "starlette_endpoint.py", "Archive),")].fix
    assert fix.description.startswith("Serve the change from `Archive`'s post() in place of "
                                      "its get().")
    assert fix.suggestion == ("class Archive:  # the existing view\n"
                              "    async def post(self, request):\n"
                              "        ...")
    # Near miss: a function endpoint keeps the Route with a write method.
    near = found[_line_of("BR306", "starlette_endpoint.py", "purge),")].fix
    assert near.suggestion == 'Route("/purge", purge, methods=["POST"])'


def test_br403_every_secret_of_the_call_is_named() -> None:
    found = _fixture("several_secrets.py", "BR403")
    _parses(found)
    both = found[_line_of("BR403", "several_secrets.py", 'logger.exception("Expected')].fix
    assert both.suggestion == (
        "logger.exception(...)  # without new_secret_value, new_secret_value_from_vault")
    assert both.description.endswith("instead of the secrets.")
    keyed = found[_line_of("BR403", "several_secrets.py", 'logger.info("login", ')].fix
    assert keyed.suggestion == "logger.info(...)  # without password, client.api_key"
    # Near miss: one secret beside a name that is none (`client.name`).
    one = found[_line_of("BR403", "several_secrets.py", 'logger.info("stored %s')].fix
    assert one.suggestion == "logger.info(...)  # without new_secret_value"
    assert one.description.endswith("instead of the secret.")


def test_br302_a_body_model_named_request_is_a_body() -> None:
    # feast feature_server.py:669: `request: GetOnlineFeaturesRequest` is the body; the old
    # text took it for Starlette's Request and offered a GET "if the handler reads no body".
    found = _fixture("fix_shapes.py", "BR302")
    _parses(found)
    body = found[_line_of("BR302", "fix_shapes.py", '@app.post("/get-online-features")')].fix
    assert body.description == (
        "Name the resource, not the action: POST /online-features (a POST still: a GET "
        "cannot carry the request body the handler reads)")
    # Near miss: Starlette's Request may or may not be read for a body: both forms.
    near = found[_line_of("BR302", "fix_shapes.py", '@app.post("/get-online-labels")')].fix
    assert near.description.startswith(
        "Name the resource, not the action: GET /online-labels if the handler reads no "
        "request body")


def test_br302_a_delete_is_not_renamed_to_a_create() -> None:
    found = _fixture("fix_shapes.py", "BR302")
    delete = found[_line_of("BR302", "fix_shapes.py",
                            '@app.delete("/api/conversations/{conversation_id}/share")')]
    assert delete.fix.suggestion is None
    assert delete.fix.description.startswith(
        "Name the resource, not the action: keep DELETE /api/conversations/{conversation_id}/share "
        "(the method already says what happens; renaming it to POST "
        "/api/conversations/{conversation_id}/shares would turn the removal into a create).")
    assert "POST" not in delete.message.split("what happens: ", 1)[1].split(" (")[0]
    # Near miss: the POST of the same verb keeps its create.
    post = found[_line_of("BR302", "fix_shapes.py",
                          '@app.post("/api/documents/{document_id}/share")')].fix
    assert post.description == ("Name the resource, not the action: POST "
                                "/api/documents/{document_id}/shares")


def test_br306_a_class_page_that_hands_on_to_its_get_keeps_the_get() -> None:
    found = _fixture("fix_shapes.py", "BR306")
    fix = found[_line_of("BR306", "fix_shapes.py", "ThreadReadView.as_view()")].fix
    assert fix.suggestion is None
    assert fix.description.startswith("This route shows a page (its handler renders one)")
    # Near miss: a class view whose get() redirects after its write is the write.
    archive = found[_line_of("BR306", "fix_shapes.py", "ArchiveThreadView.as_view()")].fix
    assert not archive.description.startswith("This route shows a page")


def test_br306_every_method_change_names_who_calls_it_with_get() -> None:
    # A FastAPI route that is no page had no word on its GET callers (the template-link
    # sentence is for pages); every fix that refuses GET says who breaks.
    callers = (" Whatever calls it with GET today (a link or button in the UI, a script, an "
               "API client) must switch to POST first, or it breaks.")
    shapes = _fixture("fix_shapes.py", "BR306")
    fastapi = shapes[_line_of("BR306", "fix_shapes.py", '@router.get("/items/{item_id}/restore")')]
    assert fastapi.fix.description.endswith(callers)
    # Near miss: a Flask route that may be a page keeps the template-link sentence.
    flask = shapes[_line_of("BR306", "fix_shapes.py", '@bp.route("/<int:nid>/close")')]
    assert "(an <a href> in a template, a redirect)" in flask.fix.description


def test_br306_no_post_is_taken_under_an_unknown_prefix() -> None:
    """Two blueprints mounted under prefixes the reader cannot resolve both show as
    `{?}/<int:...>`: they may be mounted anywhere, so the other's POST takes nothing."""
    found = _fixture("unknown_prefixes.py", "BR306")
    _parses(found)
    finding = found[_line_of("BR306", "unknown_prefixes.py", '@notes.route("/<int:nid>")')]
    assert '"GET {?}/<int:nid>"' in finding.message
    assert "already answers POST" not in finding.fix.description
    assert finding.fix.suggestion.startswith('@notes.route("/<int:nid>", methods=["POST"])')
