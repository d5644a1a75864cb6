"""BR401: exception text sent only when a debug setting is on is a note saying so (the
production answer leaves it out), while a gate on the request, the user or another setting
stays a warning; and an error handler registered for a database error class (also through
`functools.partial` in an application factory) that answers the exception's text is a leak
like a catch-all's."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendreview.config import Config
from backendreview.engine import run
from backendreview.model import Severity

from .markers import read_markers
from .projects import one_file_findings, project_findings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "BR401"


def test_debug_gated_text_is_a_note_and_other_gates_are_not() -> None:
    text = (FIXTURES / "debug_gates.py").read_text(encoding="utf-8")
    found = {line: (severity, message)
             for line, severity, message in one_file_findings(text, ("BR401",))}
    markers = [m for m in read_markers(text) if m.kind == "ruleid"]
    noted = {m.line for m in markers if m.fragment and "(note:" in m.fragment}
    assert len(noted) == 5 and len(markers) == 10
    for marker in markers:
        severity, message = found[marker.line]
        if marker.line in noted:
            assert severity == "note", message
            assert message.endswith("it leaks wherever debug runs exposed)")
        else:
            assert severity == "warning", message
            assert "debug setting" not in message
    # The flag named is the one that gates: line 29's `if CONF.debug:`.
    assert "only when `CONF.debug` holds (line 29)" in found[26][1]
    assert "only when `current_app.config[\"DEBUG\"]` holds (line 60)" in found[59][1]


_IRONIC = {
    "main.py": '''
import functools

import flask
from oslo_config import cfg

CONF = cfg.CONF
app = flask.Flask(__name__)


def error_response(exc, code=500):
    return flask.make_response(flask.jsonify(error={"message": str(exc)}), code)


def convert_exceptions(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except Exception as exc:
            msg = "Internal server error"
            if {gate}:
                msg += " (%s): %s" % (exc.__class__.__name__, exc)
            return error_response(msg)

    return wrapper


@app.route("/v1/introspection/<node_id>")
@convert_exceptions
def api_introspection(node_id):
    return {"node": node_id}
''',
}


@pytest.mark.parametrize(("gate", "severity"), [
    ("CONF.debug", "note"),
    ("flask.request.args.get('debug')", "warning"),
    ("CONF.verbose", "warning"),
])
def test_gate_in_a_wrapper_handing_text_to_a_helper(tmp_path: Path, gate: str,
                                                    severity: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """ironic-inspector's convert_exceptions: the text goes through a local to a helper that
    builds the response, for every route the decorator wraps (the project half's reading)."""
    files = {name: text.replace("{gate}", gate) for name, text in _IRONIC.items()}
    found = project_findings(tmp_path, files, "BR401", monkeypatch)
    assert [(f.path, f.span.start_line, f.severity.value) for f in found] == [
        ("main.py", 20, severity)]
    message = found[0].message
    if severity == "note":
        assert "is handed to `error_response`" in message
        assert message.startswith("`except Exception as exc` sends exception details to the "
                                  "client only when `CONF.debug` holds (line 22): ")
        assert message.endswith("(note: `CONF.debug` is a debug setting that is off on a "
                                "production server, where the client gets the answer without "
                                "the exception's text; it leaks wherever debug runs exposed)")
        assert "BR210" in found[0].fix.description  # words, not the helper's rewrite
    else:
        assert "debug setting" not in message


def test_database_error_handler_through_partial(monkeypatch: pytest.MonkeyPatch) -> None:
    project = FIXTURES / "database_error_handlers"
    monkeypatch.chdir(project)
    found = run([Path(".")], Config(root=project, select=("BR401",)), jobs=1).findings
    assert [(f.path, f.span.start_line) for f in found] == [
        ("dbapp/factory.py", 20), ("dbapp/main.py", 12), ("dbapp/main.py", 18)]
    factory = found[0]
    assert factory.severity is Severity.WARNING
    assert factory.message == (
        "`error_with_code`, the error handler registered for `IntegrityError` (a database "
        "error, whose text quotes the failed statement, its parameters or the database's own "
        "message), sends exception details to the client: `exc` reaches JSONResponse(...) on "
        "line 24, for every `IntegrityError` a request raises")
    # The registration (through `_error_409 = partial(error_with_code, code=409)`) is named.
    assert [(r.message, r.span.start_line) for r in factory.related] == [
        ("registered here", 28), ("the exception reaches the response here", 24)]


_FLASK_G = '''
from flask import Flask, g, jsonify, request

app = Flask(__name__)


@app.before_request
def read_debug():
    g.debug = request.args.get("debug") == "1"


@app.get("/run")
def run():
    try:
        return jsonify(ok=work())
    except Exception as e:
        if g.debug:
            return jsonify(error=str(e)), 500
        return jsonify(error="internal"), 500


def work():
    return 1
'''


@pytest.mark.parametrize(("imports", "severity"), [
    # Flask's `g` lives for one request: a before_request hook set its `debug` from the query
    ("from flask import Flask, g, jsonify, request", "warning"),
    ("import flask\nfrom flask import Flask, jsonify, request\ng = flask.g", "flask.g"),
    # near miss: a module's own settings object that happens to be called `g`
    ("from flask import Flask, jsonify, request\n\n\nclass _Settings:\n    debug = False\n\n\n"
     "g = _Settings()", "note"),
])
def test_a_flag_on_flask_g_is_the_request_s(imports: str, severity: str) -> None:
    code = _FLASK_G.replace("from flask import Flask, g, jsonify, request", imports)
    if severity == "flask.g":  # the module's own name for it
        code, severity = code.replace("if g.debug:", "if flask.g.debug:"), "warning"
    found = [(s, m) for _, s, m in one_file_findings(code, ("BR401",))]
    assert len(found) == 1 and found[0][0] == severity, found
