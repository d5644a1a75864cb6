"""Fix texts of the classes the tuning half's labels judge wrong in session 11 (issue 13):
each case asserts the text written now, beside a near miss where the old text stays right."""

from __future__ import annotations

from .projects import project_findings as _project

COMMENTS = """
    from flask import Flask, jsonify
    from flask_sqlalchemy import SQLAlchemy
    from sqlalchemy import select, text as sql_text

    from .models import Comment

    app = Flask(__name__)
    db = SQLAlchemy(app)


    def raw_comments(params):
        return db.session.scalars(  # type: ignore
            select(Comment)
            .from_statement(
                sql_text("SELECT * FROM comments WHERE workout_id = :w"),
            )
            .params(**params)
        ).unique().all()


    def every_comment():
        return db.session.scalars(  # type: ignore
            select(Comment)  # every comment
            .order_by(Comment.id)
        ).all()


    @app.route("/workouts/<int:w>/comments")
    def get_comments(w):
        return jsonify([c.text for c in raw_comments({"w": w})])


    @app.route("/comments")
    def get_every_comment():
        return jsonify([c.text for c in every_comment()])
    """


def _comments(tmp_path, monkeypatch):
    files = {"app/__init__.py": "", "app/models.py": "class Comment:\n    pass\n",
             "app/views.py": COMMENTS}
    found = _project(tmp_path, files, "BR303", monkeypatch)
    return {f.span.start_line: f for f in found}


def test_br303_a_query_that_runs_sql_text_is_bounded_in_that_text(tmp_path, monkeypatch) -> None:
    # fittrackee comments.py:293: `.offset().limit()` on `select(M).from_statement(text)` is
    # dropped by from_statement; and the old one-line fold kept `# type: ignore`, which
    # commented out the rest of the query.
    finding = _comments(tmp_path, monkeypatch)[31]
    assert finding.fix.suggestion is None
    assert finding.fix.description.startswith(
        "Take capped limit/offset parameters and put them in the SQL text (`LIMIT :limit "
        "OFFSET :offset`, bound like its other parameters)")
    assert "`raw_comments`" in finding.fix.description


def test_br303_a_chain_with_comments_is_folded_without_them(tmp_path, monkeypatch) -> None:
    # Near miss: a select chain with comments inside: bounded on the chain, comments gone.
    finding = _comments(tmp_path, monkeypatch)[36]
    suggestion = finding.fix.suggestion
    assert "db.session.scalars( select(Comment).offset(offset).limit(limit) " \
           ".order_by(Comment.id) ).all()" in suggestion
    assert "#" not in suggestion.split("given limit and offset:")[1]
    compile(suggestion, "fix.py", "exec")


DEBUG_APP = """
    {imports}
    from fastapi import FastAPI

    app = FastAPI(debug=True)
    """


def test_br210_the_flag_is_read_with_the_module_s_own_environ(tmp_path, monkeypatch) -> None:
    # khoj main.py:61: `debug=settings.DEBUG` named a `settings` the module does not import.
    (finding,) = _project(tmp_path, {"main.py": DEBUG_APP.format(imports="from os import environ")},
                          "BR210", monkeypatch)
    assert finding.fix.suggestion == 'FastAPI(debug=environ.get("DEBUG") == "1")'


def test_br210_without_os_imported_the_suggestion_imports_it(tmp_path, monkeypatch) -> None:
    (finding,) = _project(tmp_path, {"main.py": DEBUG_APP.format(imports="import sys")},
                          "BR210", monkeypatch)
    assert finding.fix.suggestion == 'import os\n\nFastAPI(debug=os.environ.get("DEBUG") == "1")'
    assert "settings" not in finding.fix.suggestion


def test_br210_the_call_keeps_its_other_arguments(tmp_path, monkeypatch) -> None:
    # autogenstudio web/app.py: `FastAPI(lifespan=lifespan, debug=True)` became
    # `FastAPI(debug=...)`, dropping the lifespan; only the flag may change.
    source = """
    import os
    from fastapi import FastAPI

    from .life import lifespan

    app = FastAPI(lifespan=lifespan, debug=True, **{"title": "x"})
    """
    (finding,) = _project(tmp_path, {"main.py": source}, "BR210", monkeypatch)
    assert finding.fix.suggestion == (
        'FastAPI(lifespan=lifespan, debug=os.environ.get("DEBUG") == "1", **{"title": "x"})')
    compile(finding.fix.suggestion, "fix.py", "exec")


CREDENTIALS = """
    from fastapi import APIRouter, FastAPI

    app = FastAPI()
    router = APIRouter()
    other = APIRouter()


    @{first}.get("/credentials/{{credential_id}}")
    async def get_credential(credential_id: str):
        return None


    @router.get("/credentials/onepassword/get")
    async def get_onepassword_config():
        return None


    app.include_router(router)
    app.include_router(other)
    """


def _credentials(tmp_path, monkeypatch, first: str):
    findings = _project(tmp_path, {"app.py": CREDENTIALS.format(first=first)}, "BR302",
                        monkeypatch)
    return next(f for f in findings if f.span.start_line == 14)


def test_br302_a_proposed_path_a_member_route_takes_first_is_not_proposed(tmp_path,
                                                                          monkeypatch) -> None:
    # skyvern credentials.py:2732: GET /credentials/onepassword would reach get_credential
    # with credential_id="onepassword", registered before it on the same router.
    finding = _credentials(tmp_path, monkeypatch, "router")
    assert finding.fix.suggestion is None
    assert finding.fix.description == (
        "Name the resource, not the action: GET /credentials/onepassword would not reach "
        "this handler, since GET /credentials/{credential_id} (`get_credential`), registered "
        "before it on the same router, answers it with credential_id = \"onepassword\"; give "
        "it a path that no member route matches (a sub-path of its own under the "
        "collection, for instance)")


def test_br302_a_member_route_on_another_router_is_no_proof_of_order(tmp_path,
                                                                     monkeypatch) -> None:
    # Near miss: which router answers first depends on include order: the usual rename.
    finding = _credentials(tmp_path, monkeypatch, "other")
    assert finding.fix.description == (
        "Name the resource, not the action: GET /credentials/onepassword")
    assert finding.fix.suggestion == '"/credentials/onepassword"'


FLASK_CREDENTIALS = """
    from flask import Flask, jsonify

    app = Flask(__name__)


    @app.get("/credentials/<credential_id>")
    def get_credential(credential_id):
        return jsonify({})


    @app.get("/credentials/onepassword/get")
    def get_onepassword_config():
        return jsonify({})
    """


def test_br302_werkzeug_ranks_the_static_path_first(tmp_path, monkeypatch) -> None:
    # Near miss: Flask matches a static segment before a converter, whatever the order.
    findings = _project(tmp_path, {"app.py": FLASK_CREDENTIALS}, "BR302", monkeypatch)
    (finding,) = [f for f in findings if f.span.start_line == 12]
    assert finding.fix.suggestion == '"/credentials/onepassword"'


API_ROOT = """
    from fastapi import APIRouter, FastAPI

    app = FastAPI()
    api = APIRouter(prefix="/api")


    @api.get("/update")
    async def update(force: bool = False):
        return {{}}


    @api.get("/{collection}/update")
    async def update_{collection}(force: bool = False):
        return {{}}


    app.include_router(api)
    """


def test_br302_a_read_named_for_a_write_at_the_api_root_names_no_path(tmp_path,
                                                                      monkeypatch) -> None:
    # khoj api.py:82: `GET /api/update`, the old text made the write `PUT /api/`, the root
    # of the whole API router.
    findings = _project(tmp_path, {"app.py": API_ROOT.format(collection="indexes")}, "BR302",
                        monkeypatch)
    root = next(f for f in findings if f.span.start_line == 8)
    assert root.fix.description.startswith(
        "Name the resource, not the action: dropping the verb leaves /api, which names no "
        "resource; name what this update acts on under it (/api/<collection>).")
    assert "PUT /api/;" not in root.fix.description
    # Near miss: under a collection, the write it leads to is named as before.
    under = next(f for f in findings if f.span.start_line == 13)
    assert under.fix.description.startswith(
        "Name the resource, not the action: the update itself is PUT /api/indexes;")


RUNS = """
    from fastapi import APIRouter, Body, FastAPI

    app = FastAPI()
    router = APIRouter(prefix="/v1")


    @router.post("/runs/{run_id}/cancel")
    async def cancel_run(run_id: str):
        return None


    @router.post("/runs/cancel")
    async def bulk_cancel_runs(data: dict = Body(...)):
        return None


    @router.post("/jobs/{job_id}/cancel")
    async def cancel_job(job_id: str):
        return None


    @router.post("/jobs/cancel")
    async def cancel_job_by_body(data: dict = Body(...)):
        return None


    app.include_router(router)
    """


def test_br302_a_bulk_action_over_the_body_s_list_is_not_given_a_member_path(tmp_path,
                                                                            monkeypatch) -> None:
    # skyvern agent_protocol.py:875: `POST /runs/cancel` by `bulk_cancel_runs` cancels the runs
    # its body lists; `PATCH /v1/runs/{run_id}` invented a run id it does not have.
    found = {f.span.start_line: f for f in _project(tmp_path, {"app.py": RUNS}, "BR302",
                                                     monkeypatch)}
    bulk = found[13]
    assert bulk.fix.description == (
        "Keep the operation: it acts on several runs at once (its handler `bulk_cancel_runs` "
        "says so), not on one: a member path such as PATCH /v1/runs/{run_id} would name an id "
        "the handler does not take; keep it a POST on the collection, named as an operation "
        "rather than a resource (a custom method such as POST /v1/runs:batchCancel)")
    assert "with the new state" not in bulk.message
    assert bulk.fix.suggestion is None
    # Near miss: a handler named for one job, with the job in the body: the member's path.
    assert found[23].fix.description == (
        "Name the resource, not the action: PATCH /v1/jobs/{job_id} with the new state in "
        "the body")


SCHEMA = """
    import sqlite3

    from flask import Flask, request

    app = Flask(__name__)


    @app.get("/schema")
    def schema():
        conn = sqlite3.connect("x.db")
        sql_query = request.args["q"]
        table_name = request.args["t"]
        conn.execute(f"SELECT * FROM {sql_query} LIMIT 0")
        conn.execute(f"SELECT * FROM {table_name} LIMIT 0")
        conn.execute(f"SELECT * FROM t WHERE name = '{sql_query}'")
        return ""
    """


def test_br101_a_part_named_for_sql_text_is_not_sent_to_an_allowlist(tmp_path,
                                                                     monkeypatch) -> None:
    # feast connection_utils.py:119: `FROM {sql_query}` splices a query the caller wrote;
    # no allowlist of table names or identifier quoting can carry it.
    found = {f.span.start_line: f for f in _project(tmp_path, {"db.py": SCHEMA}, "BR101",
                                                     monkeypatch)}
    assert found[14].fix.description.startswith(
        "A whole query is spliced in (`sql_query`): no placeholder, allowlist "
        "or identifier quoting can carry a statement.")
    assert "a bound parameter cannot carry a whole query" in found[14].message
    # Near misses: a table name still goes to an allowlist or identifier quoting; the same
    # name inside quotes is a value, bound as a parameter.
    assert found[15].fix.description.startswith(
        "`table_name` stands where a name goes, which a bound parameter cannot carry: "
        "sqlite3 has no identifier quoting of its own: check it against the names")
    assert found[16].fix.description.startswith("Use `?` placeholders (sqlite3)")


TRACE_STORE = '''
    import sqlite3


    def span_tree(conn: sqlite3.Connection, span_id, depth, attributes_select):
        query = f"""
            WITH RECURSIVE span_tree AS (
                SELECT s.*, 1 as depth, {attributes_select} as filtered
                FROM spans s WHERE s.span_id = ?
                UNION ALL
                SELECT s.*, st.depth + 1, {attributes_select} as filtered
                FROM spans s JOIN span_tree st ON s.parent_span_id = st.span_id
            )
            SELECT * FROM span_tree
        """
        return conn.execute(query, (span_id,)).fetchall()


    def one_span(conn: sqlite3.Connection, span_id):
        return conn.execute("SELECT * FROM spans WHERE span_id = ? OR parent = ?",
                            (span_id, span_id)).fetchall()
    '''


def test_br103_every_arm_of_a_union_lists_the_columns(tmp_path, monkeypatch) -> None:
    # llama-stack sqlite_trace_store.py:146: the columns went into the anchor arm only, so
    # UNION ALL would fail on the column count; the runtime part read as a `?` parameter.
    found = {f.span.start_line: f for f in _project(tmp_path, {"store.py": TRACE_STORE},
                                                     "BR103", monkeypatch)}
    union = found[16].fix.description
    assert union.count("SELECT <the columns you read>") == 3
    assert "s.*" not in union.split(": ", 1)[1]
    assert "{attributes_select} as filtered" in union
    # Near miss: one SELECT with no set operation: its one star, its `?` marks as written.
    assert found[20].fix.description.endswith(
        "SELECT <the columns you read> FROM spans WHERE span_id = ? OR parent = ?")


LOGIN = """
    from fastapi import APIRouter, FastAPI
    from pydantic import BaseModel

    app = FastAPI()
    router = APIRouter()


    class LoginRequest(BaseModel):
        username: str
        password: str


    def check_password(user, password):
        return True


    @router.post("/login")
    @router.post("/login/", include_in_schema=False)
    async def login(request: LoginRequest):
        if not check_password(request.username, request.password):
            return {"ok": False}
        return {"token": "x"}


    @router.post("/token")
    async def token(data: LoginRequest):
        if not check_password(data.username, data.password):
            return {"ok": False}
        return {"token": "x"}


    app.include_router(router)
    """


def test_br206_slowapi_below_every_route_decorator_and_not_on_a_body_named_request(
        tmp_path, monkeypatch) -> None:
    # skyvern send_totp_code carries four route decorators: a limit under the first one
    # shown would leave the routes registered below it unlimited. And a body parameter named
    # `request` is not the request slowapi reads the client from.
    found = {f.span.start_line: f for f in _project(tmp_path, {"app.py": LOGIN}, "BR206",
                                                     monkeypatch)}
    login = found[18].fix
    assert "# right above the def, below all 2 route decorators of the handler\n" \
           '@limiter.limit("5/minute")\nasync def login(request: Request):' in login.suggestion
    assert "@router.post" not in login.suggestion
    assert "the handler's `request` parameter is its body (`app.LoginRequest`)" in \
        login.description
    compile(login.suggestion, "fix.py", "exec")
    # Near miss: one route decorator, a body under another name: shown as before.
    token = found[26].fix
    assert '@router.post("/token")\n@limiter.limit("5/minute")\nasync def token(request: ' \
           'Request):  # keep the other parameters' in token.suggestion
    assert "is its body" not in token.description


CLAUSES = """
    import sqlite3

    from flask import Flask, request

    app = Flask(__name__)


    @app.get("/jobs")
    def jobs():
        conn = sqlite3.connect("x.db")
        query_str = request.args["q"]
        default_statement_str = request.args["d"]
        rendered_sql = request.args["s"]
        conn.execute(f"SELECT id FROM jobs WHERE {query_str}")
        conn.execute(f"ALTER TABLE jobs ADD COLUMN c TEXT {default_statement_str}")
        conn.execute(f"EXPLAIN {rendered_sql}")
        return ""
    """


def test_br101_a_clause_named_like_a_query_is_not_a_whole_query(tmp_path, monkeypatch) -> None:
    # skypilot db_utils.py:185 `{default_statement_str}` is a DEFAULT clause and job_lib's
    # `WHERE {query_str}` a condition: not whole statements, whatever their names say.
    found = {f.span.start_line: f for f in _project(tmp_path, {"db.py": CLAUSES}, "BR101",
                                                     monkeypatch)}
    assert not found[15].fix.description.startswith("A whole query")
    assert not found[16].fix.description.startswith("A whole query")
    # Near miss: EXPLAIN takes a whole statement (arize-phoenix execute.py:1202).
    assert found[17].fix.description.startswith("A whole query is spliced in (`rendered_sql`)")


def test_br303_a_drf_view_with_its_own_get_is_not_told_to_page_by_class(monkeypatch) -> None:
    # galaxy-ng ai_index.py:169: the view builds its Response in get(); removing its
    # `pagination_class = None` (or setting one) pages nothing there.
    from pathlib import Path

    from backendreview.config import Config
    from backendreview.engine import run

    project = Path(__file__).resolve().parents[1] / "fixtures" / "BR303" / "global_pagination"
    monkeypatch.chdir(project)
    found = run([Path(".")], Config(root=project, select=("BR303",)), jobs=1).findings
    export = next(f for f in found if "/api/tags/export/" in f.message)
    assert export.fix.description.startswith(
        "The view builds its answer in `TagExportView.get` itself, where no pagination class "
        "applies: slice the queryset there with capped limit/offset query parameters")
    assert export.fix.suggestion is None
    # Near miss: a generic ListAPIView that opts out is still told to drop the opt-out.
    unpaged = next(f for f in found if "/api/drivers/all/" in f.message)
    assert unpaged.fix.description.startswith("Remove the view's opt-out")


PAYMENTS = """
    from fastapi import APIRouter, Body, FastAPI

    app = FastAPI()
    router = APIRouter(prefix="/api/v1")


    @router.get("/payments/{payment_id}")
    async def api_payment(payment_id: str):
        return None


    @router.post("/payments/cancel")
    async def api_payments_cancel(data: dict = Body(...)):
        return None


    app.include_router(router)
    """


def test_br302_a_plural_before_the_verb_in_the_handler_name_is_a_namespace(tmp_path,
                                                                            monkeypatch) -> None:
    # lnbits payment_api.py:462: `api_payments_cancel` cancels the one payment its body
    # names; "payments" is the handlers' namespace, not what it acts on.
    found = {f.span.start_line: f for f in _project(tmp_path, {"app.py": PAYMENTS}, "BR302",
                                                     monkeypatch)}
    assert found[13].fix.description == (
        "Name the resource, not the action: PATCH /api/v1/payments/{payment_id} with the new "
        "state in the body")
