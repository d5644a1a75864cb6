"""BR302: the fix keeps what the verb's object says of the member (a provisional edit of a
tile is not the tile) and does not turn "remove from a member" into deleting the member."""

from __future__ import annotations

from backendreview.config import Config
from backendreview.engine import finish, review_source
from backendreview.metadata import load_rule_docs

APP = '''from flask import Flask

app = Flask(__name__)


@app.route("/api/tiles/delete_provisional_tile", methods=["POST"])
def delete_provisional_tile():
    return "", 204


@app.route("/api/tiles/delete_tile", methods=["POST"])
def delete_tile():
    return "", 204


@app.route("/api/basket/<uuid>/remove", methods=["POST"])
def remove_line(uuid):
    return "", 204


@app.route("/api/basket/<uuid>/delete", methods=["POST"])
def delete_basket(uuid):
    return "", 204


@app.route("/api/files/save_show_hidden_file_option/<int:trans_id>", methods=["PUT"])
def save_option(trans_id):
    return "", 204


@app.route("/api/files/save_file_option/<int:trans_id>", methods=["POST"])
def save_file(trans_id):
    return "", 204
'''


def _br302() -> dict[int, tuple[str, str | None]]:
    config = Config()
    result = review_source(APP.encode(), "app.py", config, ("BR302",))
    found = finish([result], config, ("BR302",), load_rule_docs()).findings
    return {f.span.start_line: (f.fix.description, f.fix.suggestion)
            for f in found if f.rule_id == "BR302" and f.fix is not None}


def test_words_qualifying_the_member_stay_in_the_path() -> None:
    found = _br302()
    assert found[6][0].startswith(
        "Name the resource, not the action: DELETE /api/tiles/<tile_id>/provisional")
    # Near miss: the verb's object is the member itself: dropping it is the fix.
    assert found[11][0].startswith("Name the resource, not the action: DELETE "
                                   "/api/tiles/<tile_id>")
    assert "provisional" not in found[11][0]


def test_remove_from_a_member_names_the_members_collection() -> None:
    found = _br302()
    assert found[16] == (
        "Name the resource, not the action: DELETE /api/basket/<uuid>/<collection>/{id}, the "
        "member of /api/basket/<uuid>'s own collection that the request body names today (a "
        "line, an item), in the plural with its id in the path; DELETE /api/basket/<uuid> "
        "itself would delete /api/basket/<uuid>", None)
    # Near miss: `delete` on the member deletes the member.
    assert found[21][0].startswith("Name the resource, not the action: DELETE /api/basket/<uuid>")
    assert "<collection>" not in found[21][0]


def test_a_put_that_saves_one_setting_keeps_its_method_and_name() -> None:
    found = _br302()
    # pgAdmin: the route already writes one setting idempotently (PUT).
    assert found[26][0].startswith("Name the resource, not the action: PUT "
                                   "/api/files/show-hidden-file-option/<int:trans_id>")
    # Near miss: a POST that saves creates, as before (the plural collection).
    assert found[31][0].startswith("Name the resource, not the action: POST "
                                   "/api/files/file-options/<int:trans_id>")
