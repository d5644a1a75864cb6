"""Flask-Classful views (frameworks/flask_classful): the URLs flask-classful 0.16's
`FlaskView.register` builds from the class hierarchy (special methods, `@route`, other
public methods, `route_prefix` / `route_base` / `trailing_slash` / `base_args`), values it
cannot read left unknown, hierarchies it cannot follow left out; and flask-restx objects of
project subclasses (frameworks/restx_imported). The fixture projects
fixtures/routes/flask_classful and fixtures/routes/restx_subclassed were checked against
the libraries' own url_map."""

from __future__ import annotations

from .projects import app_package as _project
from .projects import route_auth, route_rows

BASE = '''from flask_classful import FlaskView, route


class ApiView(FlaskView):
    route_prefix = "/v2/"
    trailing_slash = False

    def _lookup(self, key):
        return key


class ListMixin:
    def index(self):
        return []

    @route("/filter", methods=["POST"])
    def filter(self):
        return []
'''


def test_special_custom_and_public_methods(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    root = _project(tmp_path, {"base.py": BASE, "views.py": '''from flask import Blueprint

from app.base import ApiView, ListMixin

bp = Blueprint("api", __name__, url_prefix="/api")


class ReportView(ListMixin, ApiView):
    def get(self, report_id: int, fmt="json"):
        return {}

    def download(self, report_id):
        return b""

    @classmethod
    def helper(cls):
        return None

    @property
    def title(self):
        return "reports"


ReportView.register(bp)
'''})
    assert route_rows(capsys, root) == [
        ("GET", "/api/v2/report", "ReportView.index"),
        ("POST", "/api/v2/report/filter", "ReportView.filter"),
        ("GET", "/api/v2/report/<int:report_id>", "ReportView.get"),
        ("GET", "/api/v2/report/download/<report_id>", "ReportView.download"),
    ]


def test_views_that_make_no_routes(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    # Never registered; a register() of a class that is no FlaskView; a hierarchy that
    # builds its rules its own way; a register() of the project's that never hands on.
    root = _project(tmp_path, {"base.py": BASE, "views.py": '''from flask import Blueprint

from app.base import ApiView, ListMixin

bp = Blueprint("api", __name__)


class UnregisteredView(ListMixin, ApiView):
    pass


class Plugin:
    @classmethod
    def register(cls, app):
        return app

    def index(self):
        return []


class CustomRuleView(ListMixin, ApiView):
    @classmethod
    def build_rule(cls, rule, method=None):
        return "/elsewhere" + rule


class SelfRegisteringView(ListMixin, ApiView):
    @classmethod
    def register(cls, app, **kwargs):
        app.add_url_rule("/x", view_func=lambda: "x")


Plugin.register(bp)
CustomRuleView.register(bp)
SelfRegisteringView.register(bp)
'''})
    assert route_rows(capsys, root) == []


def test_unknown_route_base_and_registration_overrides(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    root = _project(tmp_path, {"base.py": BASE, "views.py": '''from flask import Blueprint

from app.base import ApiView, ListMixin
from app.settings import KEYS

bp = Blueprint("api", __name__)


class SettingsView(ListMixin, ApiView):
    route_base = KEYS.general


class TagsView(ListMixin, ApiView):
    route_base = "labels"


SettingsView.register(bp)
TagsView.register(bp, route_base="tags", trailing_slash=True)
''', "settings.py": "class KEYS:\n    general = 'general'\n"})
    assert route_rows(capsys, root) == [
        ("GET", "{?}/v2/{?}", "SettingsView.index"),
        ("POST", "{?}/v2/{?}/filter", "SettingsView.filter"),
        ("GET", "{?}/v2/tags/", "TagsView.index"),
        ("POST", "{?}/v2/tags/filter", "TagsView.filter"),
    ]


APP = '''import flask
import flask_login
from flask import Flask, session

from app.views import bp


def register_blueprints(app):
    app.register_blueprint(bp)


def register_handlers(app):
    @app.before_request
    def require_login():
        view = app.view_functions.get(flask.request.endpoint)
        if flask_login.current_user.is_anonymous and not getattr(view, "is_public", False):
            flask.abort(401)

    @app.before_request
    def idle_timeout():
        if session:
            flask.abort(401)


def create_app():
    class LocalFlask(Flask):
        pass

    app = LocalFlask(__name__)
    app.register_blueprint(flask.Blueprint("ui", __name__))
    register_blueprints(app)
    register_handlers(app)
    return app
'''

VIEWS = '''from flask import Blueprint

from app.base import ApiView

bp = Blueprint("api", __name__)


class StatusView(ApiView):
    def index(self):
        return {}

    def post(self):
        return {}

    index.is_public = True


def ping():
    return "pong"


ping.is_public = True
bp.add_url_rule("/ping", view_func=ping)
StatusView.register(bp)
'''


def test_app_hook_on_a_helper_parameter_and_public_marks(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    # The hook is added in one helper, the blueprints registered in another, both given the
    # app of a local Flask subclass; a view marked `is_public` passes the hook; the
    # idle-session hook refuses only callers with a session: no authentication.
    root = _project(tmp_path, {"base.py": BASE, "views.py": VIEWS, "main.py": APP})
    hook = "require_login() refuses anonymous callers (before_request hook)"
    assert route_auth(capsys, root) == {"GET /ping": [], "GET /v2/status": [],
                                        "POST /v2/status": [hook]}


def test_unmarked_views_keep_the_hook(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    # Near misses: the attribute set to False, and set to True on another function.
    views = VIEWS.replace("index.is_public = True", "index.is_public = False").replace(
        "ping.is_public = True", "unused.is_public = True")
    views = views.replace("def ping():", "def unused():\n    pass\n\n\ndef ping():")
    root = _project(tmp_path, {"base.py": BASE, "views.py": views, "main.py": APP})
    hook = "require_login() refuses anonymous callers (before_request hook)"
    assert route_auth(capsys, root) == {"GET /ping": [hook], "GET /v2/status": [hook],
                                        "POST /v2/status": [hook]}


def test_a_mark_the_hook_reads_without_letting_it_through(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    # Near miss (revroutes): the hook reads `is_public` only to note it, then refuses every
    # anonymous caller, and a second refusal outside the gated `if`: marked views keep it.
    noted = APP.replace(
        '        if flask_login.current_user.is_anonymous and not getattr(view, "is_public", '
        'False):\n            flask.abort(401)\n',
        '        if getattr(view, "is_public", False):\n            flask.g.public = True\n'
        '        if flask_login.current_user.is_anonymous:\n            flask.abort(401)\n')
    assert noted != APP
    root = _project(tmp_path, {"base.py": BASE, "views.py": VIEWS, "main.py": noted})
    hook = "require_login() refuses anonymous callers (before_request hook)"
    assert route_auth(capsys, root) == {"GET /ping": [hook], "GET /v2/status": [hook],
                                        "POST /v2/status": [hook]}


def test_a_mark_that_returns_early_lets_the_view_through(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    # `if getattr(view, "is_public", False): return` before the refusal: marked views pass;
    # a gate whose refusal also stands outside it (`or`) lets nothing through.
    early = APP.replace(
        '        if flask_login.current_user.is_anonymous and not getattr(view, "is_public", '
        'False):\n            flask.abort(401)\n',
        '        if getattr(view, "is_public", False):\n            return None\n'
        '        if flask_login.current_user.is_anonymous:\n            flask.abort(401)\n')
    assert early != APP
    root = _project(tmp_path, {"base.py": BASE, "views.py": VIEWS, "main.py": early})
    hook = "require_login() refuses anonymous callers (before_request hook)"
    assert route_auth(capsys, root) == {"GET /ping": [], "GET /v2/status": [],
                                        "POST /v2/status": [hook]}
    either = APP.replace('and not getattr(view, "is_public", False)',
                         'or not getattr(view, "is_public", False)')
    assert either != APP
    other = tmp_path / "other"
    other.mkdir()
    root = _project(other, {"base.py": BASE, "views.py": VIEWS, "main.py": either})
    assert route_auth(capsys, root) == {"GET /ping": [hook], "GET /v2/status": [hook],
                                        "POST /v2/status": [hook]}


ABC_REGISTER = '''import abc

from flask import Blueprint
from flask_classful import FlaskView

bp = Blueprint("api", __name__)


class Store(abc.ABC):
    def load(self, key):
        try:
            return self.fetch(key)
        except Exception as exc:  # ok: BR401
            return {"error": str(exc)}, 500


class Cache(metaclass=abc.ABCMeta):
    def load(self, key):
        try:
            return key
        except Exception as exc:  # ok: BR401
            return {"error": str(exc)}, 500


class Plain:
    def load(self, key):
        try:
            return key
        except Exception as exc:  # ok: BR401
            return {"error": str(exc)}, 500


class ReportView(FlaskView):
    def load(self, key):
        try:
            return key
        except Exception as exc:  # ruleid: BR401
            return {"error": str(exc)}, 500


class DictStore:
    pass


Store.register(DictStore)
Cache.register(dict)
Plain.register(bp)
ReportView.register(bp)
'''


def test_an_abc_registration_makes_no_handlers() -> None:
    # Near misses (revroutes): `Base.register(Impl)` of an abstract base class registers a
    # virtual subclass, not views; a class with no base cannot be a FlaskView. Only the
    # FlaskView's registration makes its public method a handler.
    from .projects import one_file_findings

    found = one_file_findings(ABC_REGISTER, ("BR401",))
    lines = ABC_REGISTER.splitlines()
    expected = [i + 1 for i, line in enumerate(lines) if "ruleid: BR401" in line]
    assert expected and [line for line, _sev, _msg in found] == expected
    assert "reaches the route's return value" in found[0][2]


def test_registering_a_class_on_an_imported_abstract_base_makes_no_handlers(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # Near miss (revroutes): the abstract base is in another module, so only the argument
    # tells: a class of the file (or a builtin type) is a virtual subclass, not a blueprint.
    from .projects import project_findings

    store = ABC_REGISTER.replace("class Store(abc.ABC):", "class Store(BaseStore):").replace(
        "import abc\n", "import abc\n\nfrom app.base import BaseStore\n").replace(
        "class Cache(metaclass=abc.ABCMeta):", "class Cache(BaseStore):")
    assert store.count("BaseStore") == 3
    found = project_findings(tmp_path, {
        "app/__init__.py": "", "app/base.py": "import abc\n\n\nclass BaseStore(abc.ABC):\n"
        "    pass\n", "app/views.py": store}, "BR401", monkeypatch)
    lines = store.splitlines()
    expected = [i + 1 for i, line in enumerate(lines) if "ruleid: BR401" in line]
    assert expected and sorted(f.span.start_line for f in found) == expected


CLASSFUL_BASES = '''from flask_classful import FlaskView, route


class ApiView(FlaskView):
    route_prefix = "/api/v3/ws/<workspace_name>/"
    base_args = ["workspace_name"]
    trailing_slash = False

    def index(self, workspace_name):
        return []

    def get(self, workspace_name, object_id):
        return {}

    def post(self, workspace_name):
        return {}, 201

    def delete(self, workspace_name, object_id):
        return None
'''

CLASSFUL_VIEWS = '''from flask import Blueprint

from app.base import ApiView

bp = Blueprint("api", __name__)


class CommentView(ApiView):
    route_base = 'comment'  # reported here

    def count(self, workspace_name):
        return 0


class HostView(ApiView):
    route_base = "hosts"  # plural: nothing


class NoteView(ApiView):
    route_base = "note"  # not here: register() below gives the base


class Credential(ApiView):
    pass  # no route_base: the base is the class name


CommentView.register(bp)
HostView.register(bp)
NoteView.register(bp, route_base="note")
Credential.register(bp)
'''

CLASSFUL_APP = '''from flask import Flask

from app.views import bp

app = Flask(__name__)
app.register_blueprint(bp)
'''


def test_a_singular_route_base_is_reported_once_where_it_is_written(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # faradaysec's `route_base = 'comment'`: every route of the view (list, create, item,
    # `/count`) reaches the same literal, so one finding there, renamed in place.
    from .projects import project_findings

    found = project_findings(tmp_path, {"app/__init__.py": "", "app/base.py": CLASSFUL_BASES,
                                        "app/views.py": CLASSFUL_VIEWS,
                                        "app/main.py": CLASSFUL_APP}, "BR301", monkeypatch)
    at = {(f.path, f.span.start_line, f.span.start_col) for f in found}
    comment = next(f for f in found if f.span.start_line == 9)
    assert ("app/views.py", 9, 18) in at
    assert comment.fix is not None and comment.fix.suggestion == '"comments"'
    assert '"comment"' in comment.message
    # Not again at the class statement nor at `count` (the same literal), nor on HostView.
    assert not [f for f in found if f.path == "app/views.py" and f.span.start_line in (
        8, 11, 12, 15, 16)]
    # A base given at register() and one taken from the class name have no literal in the
    # class: reported on their routes, with the rename described, not at a class line.
    others = [f for f in found if f.span.start_line != 9]
    assert {f.span.start_line for f in others} & {20, 24} == set()
    assert all(f.fix is None or f.fix.suggestion is None for f in others)


CLASSFUL_UNKNOWN_MOUNT = '''import os

from flask import Blueprint, Flask
from flask_classful import FlaskView, route

bp = Blueprint("api", __name__)


class CommentView(FlaskView):
    route_base = "api/comment"

    def get(self, id):
        return {}

    @route("/note/<int:id>", methods=["GET"])
    def note(self, id):
        return {}


CommentView.register(bp)

app = Flask(__name__)
app.register_blueprint(bp, url_prefix=os.environ["PREFIX"])
'''


def test_a_route_base_under_an_unknown_mount_is_renamed_only_for_its_own_segments(
        tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # `{?}/api/comment/note/<int:id>`: the mount prefix is not in the segments the rule
    # reads, so the base's range must not slide onto `note` (which would report `note` at
    # the literal and rewrite `"api/comment"` as `"api/notes"`).
    from .projects import project_findings

    found = project_findings(tmp_path, {"app/__init__.py": "",
                                        "app/views.py": CLASSFUL_UNKNOWN_MOUNT},
                             "BR301", monkeypatch)
    comment = [f for f in found if f.span.start_line == 10]
    note = [f for f in found if '"note"' in f.message]
    assert comment and comment[0].fix is not None and comment[0].fix.suggestion == (
        '"api/comments"')
    assert note and all(f.span.start_line == 16 for f in note)
    assert all(f.fix is None or f.fix.suggestion != '"api/notes"' for f in found)
