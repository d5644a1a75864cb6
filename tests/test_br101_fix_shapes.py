"""BR101's fix where the statement's shape decides it: a value after a leading `SET ...;`
can still be bound in the statement it sits in; an aggregate's argument is a column; a
whole query spliced as a subquery fits no placeholder, allowlist or quoting; InfluxQL and
Cypher take `$name` parameters."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

from backendreview.config import Config
from backendreview.engine import run

APP = '''
    import pyodbc
    import influxdb
    from flask import Flask, request
    from neo4j import GraphDatabase

    app = Flask(__name__)
    client = influxdb.InfluxDBClient(host="influx")
    driver = GraphDatabase.driver("bolt://graph")


    @app.post("/publish")
    def publish():
        conn = pyodbc.connect("DSN=news")
        headline = request.form["headline"]
        return conn.execute(f"SET NOCOUNT ON; EXEC dbo.publish @headline = N'{headline}'")


    @app.get("/range")
    def date_range():
        conn = pyodbc.connect("DSN=news")
        column = request.args["column"]
        return conn.execute(f"SELECT MIN({column}) AS low FROM events")


    @app.get("/subquery")
    def subquery():
        conn = pyodbc.connect("DSN=news")
        entity_df = request.args["entities"]
        return conn.execute(f"SELECT MAX(ts) FROM ({entity_df}) AS tmp_alias")


    @app.get("/usage")
    def usage():
        host = request.args["host"]
        return client.query(f"SELECT mean(value) FROM cpu WHERE host = '{host}'")


    @app.get("/people")
    def people():
        name = request.args["name"]
        with driver.session() as session:
            return session.run(f"MATCH (p:Person) WHERE p.name = '{name}' RETURN p").data()


    @app.get("/settings")
    def settings():
        conn = pyodbc.connect("DSN=news")
        level = request.args["level"]
        return conn.execute(f"SET TRANSACTION ISOLATION LEVEL {level}")


    @app.post("/people")
    def add_person():
        name = request.json["name"]
        with driver.session() as session:
            return session.run(f"CREATE (p:Person {{name: '{name}'}})").data()
'''


def _findings(tmp_path: Path, monkeypatch) -> dict[int, object]:
    (tmp_path / "app.py").write_text(textwrap.dedent(APP), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    found = run([Path(".")], Config(root=tmp_path, select=("BR101",)), jobs=1).findings
    return {f.span.start_line: f for f in found if f.rule_id == "BR101"}


def test_fix_follows_the_statement_each_value_sits_in(tmp_path: Path, monkeypatch) -> None:
    by_line = _findings(tmp_path, monkeypatch)
    assert sorted(by_line) == [16, 23, 30, 36, 43, 50, 57]

    exec_fix = by_line[16].fix
    # the leading SET NOCOUNT ON does not make the EXEC's value unbindable
    assert "pass the values as bound parameters" in by_line[16].message
    assert exec_fix.suggestion is not None
    assert "@headline = ?" in exec_fix.suggestion and "N'" not in exec_fix.suggestion
    assert "(headline,)" in exec_fix.suggestion
    ast.parse(exec_fix.suggestion)

    aggregate = by_line[23]
    assert aggregate.fix.suggestion is None
    assert "a bound parameter cannot carry this part" in aggregate.message
    assert "identifier" in aggregate.fix.description

    whole = by_line[30]
    assert "a bound parameter cannot carry a whole query" in whole.message
    assert whole.fix.suggestion is None
    assert whole.fix.description.startswith("A whole query is spliced in as a subquery (`entity_df`)")

    unbindable = by_line[50]
    assert unbindable.fix.suggestion is None
    assert unbindable.fix.description.startswith("This kind of statement (PRAGMA, SET, DDL")


def test_other_query_languages_get_dollar_name_parameters(tmp_path: Path, monkeypatch) -> None:
    by_line = _findings(tmp_path, monkeypatch)
    influx = by_line[36]
    assert influx.message.startswith("InfluxQL passed to `client.query()`")
    assert influx.fix.suggestion == ('client.query("SELECT mean(value) FROM cpu WHERE host = '
                                     '$host", bind_params={"host": host})')
    cypher = by_line[43]
    assert cypher.message.startswith("Cypher passed to `session.run()`")
    assert cypher.fix.suggestion == ('session.run("MATCH (p:Person) WHERE p.name = $name '
                                     'RETURN p", {"name": name})')
    # CREATE is Cypher's insert, not SQL's DDL: its values bind like any other
    created = by_line[57]
    assert created.fix.suggestion == ('session.run("CREATE (p:Person {name: $name})", '
                                      '{"name": name})')
    ast.parse(created.fix.suggestion)


SECOND_ORDER = Path(__file__).resolve().parents[1] / "fixtures" / "BR101" / "second_order"


def test_second_order_text_is_a_note_and_its_fix_binds_the_quoted_pieces(monkeypatch) -> None:
    monkeypatch.chdir(SECOND_ORDER)
    plain = run([Path(".")], Config(root=SECOND_ORDER, select=("BR101",)), jobs=1).findings
    assert [f for f in plain if f.rule_id == "BR101"] == []  # unknown origin: off by default
    audit = Config(root=SECOND_ORDER, select=("BR101",),
                   rule_options=(("BR101", (("unknown-origins", True),)),))
    found = run([Path(".")], audit, jobs=1).findings
    by_line = {f.span.start_line: f for f in found if f.path.endswith("transmit.py")}
    assert sorted(by_line) == [15, 23, 49]
    assert all(f.severity.name.lower() == "note" for f in by_line.values())
    assert by_line[15].message.endswith(
        "(note: second-order: the text that reaches `item` of `Transmitter.send` is what its "
        "callers read themselves (a stored document, a row, their configuration), and it sits "
        "inside a quoted SQL literal, where a quote in text users once wrote ends the literal; "
        "bind it)")
    pieces = by_line[23]
    assert "; bind the values its pieces quote" in pieces.message
    assert pieces.fix.suggestion is None
    assert pieces.fix.description.startswith(
        "`params[:-2]` is built piece by piece with values inside quotes (`fields[key]`)")
    assert "`proc_name` cannot be a placeholder" in pieces.fix.description


OPTIONS_APP = '''
    import sqlite3
    from flask import Flask, request

    app = Flask(__name__)


    @app.get("/infer")
    def infer():
        cursor = sqlite3.connect("x.db").cursor()
        stage = request.args["stage"]
        return cursor.execute(f"SELECT * FROM t WHERE stage = '{stage}'", _is_internal=True)


    @app.get("/passes")
    def passes():
        cursor = sqlite3.connect("x.db").cursor()
        stage = request.args["stage"]
        kind = request.args["kind"]
        return cursor.execute(f"SELECT * FROM t WHERE stage = '{stage}' AND k = ?", (kind,))
'''


def test_a_keyword_option_is_no_parameters_the_call_already_passes(
        tmp_path: Path, monkeypatch) -> None:
    """feast's `cursor.execute(sql, _is_internal=True)`: the call takes an option beside the
    SQL, not parameters; the fix must not speak of "the parameters this call already
    passes" (labelled wrong on feast's snowflake_utils.py). A call that does pass a
    parameters tuple keeps that wording."""
    (tmp_path / "app.py").write_text(textwrap.dedent(OPTIONS_APP), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    found = run([Path(".")], Config(root=tmp_path, select=("BR101",)), jobs=1).findings
    by_line = {f.span.start_line: f for f in found if f.rule_id == "BR101"}
    assert sorted(by_line) == [12, 20]
    option = by_line[12]
    assert "pass the values as bound parameters" in option.message
    assert option.fix.suggestion is None
    assert option.fix.description == (
        "Put a placeholder where each value is spliced in and pass `stage` as this call's "
        "parameters, in the same order (the call passes none yet: its other arguments are "
        "options of the driver's).")
    assert "already passes" in by_line[20].fix.description
