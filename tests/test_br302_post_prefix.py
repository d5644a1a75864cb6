"""BR302: `post-training` (the prefix "post-" before a gerund: a stage) is no verb segment;
`post-message` and `post_comment` still are."""

from __future__ import annotations

from .projects import one_file_findings

APP = '''
from flask import Flask

app = Flask(__name__)


@app.route("/api/post-training/supervised-fine-tune", methods=["POST"])
def fine_tune():
    return []


@app.route("/api/post_processing/steps", methods=["POST"])
def processing_steps():
    return []


@app.route("/api/post-message", methods=["POST"])
def post_message():
    return {}


@app.route("/api/threads/post_comment", methods=["POST"])
def post_comment():
    return {}
'''


def test_post_prefix_before_a_gerund_is_no_verb() -> None:
    found = [(line, message) for line, _severity, message in one_file_findings(
        APP, ("BR302",))]
    lines = [line for line, _message in found]
    assert 7 not in lines and 12 not in lines  # ok: post-training, post_processing
    assert 17 in lines and 22 in lines  # ruleid: post-message, post_comment
    assert any('segment "post-message" is a verb' in m for _line, m in found)
    assert not any("post-training" in m or "post_processing" in m for _line, m in found)
