"""BR101's fix where runtime parts stand where a name goes (a table after FROM / INTO /
TABLE, after ON in CREATE INDEX): a placeholder cannot bind an identifier, so the fix names
the driver's identifier quoting for the connection at hand, or the quote doubled for a
driver with none, and binds the values beside it; a fragment (ORDER BY {order}) keeps the
generic advice."""

from __future__ import annotations

import textwrap

from backendreview.config import Config
from backendreview.engine import finish, review_source
from backendreview.metadata import load_rule_docs


def _fixes(code: str) -> dict[int, tuple[str, str | None]]:
    result = review_source(textwrap.dedent(code).encode(), "case.py", Config(),
                           ("BR101",))
    findings = finish([result], Config(), ("BR101",), load_rule_docs()).findings
    return {f.span.start_line: (f.fix.description, f.fix.suggestion) for f in findings
            if f.rule_id == "BR101" and f.fix is not None}


CODE = '''
    import sqlite3
    import psycopg2
    import pymysql
    from django.db import connection
    from sqlalchemy import create_engine, text
    from flask import request

    def sqlite_index():
        conn = sqlite3.connect("x.db")
        conn.execute(f"CREATE INDEX idx ON {request.args['t']} (name)")

    def psycopg_mixed():
        cur = psycopg2.connect("").cursor()
        table = request.args["t"]
        cur.execute(f"SELECT * FROM {table} WHERE id = '{request.args['id']}'")

    def sqlalchemy_text():
        engine = create_engine("sqlite://")
        with engine.connect() as conn:
            conn.execute(text(f"DROP TABLE {request.args['t']}"))

    def django_alter():
        with connection.cursor() as cur:
            cur.execute("ALTER TABLE %s ADD COLUMN x int" % request.args["t"])

    def sqlalchemy_connection_schema():
        conn = create_engine("sqlite://").connect()
        conn.exec_driver_sql(f"SELECT * FROM {request.args['s']}.{request.args['t']}")

    def mysql_truncate():
        cur = pymysql.connect().cursor()
        cur.execute("TRUNCATE TABLE %s" % request.args["t"])

    def order_fragment():
        conn = sqlite3.connect("x.db")
        conn.execute(f"SELECT * FROM t ORDER BY {request.args['order']}")

    def join_condition():
        conn = sqlite3.connect("x.db")
        conn.execute(f"SELECT * FROM a JOIN b ON {request.args['cond']}")

    def pattern_beside_a_name():
        cur = psycopg2.connect("").cursor()
        cur.execute(f"SELECT * FROM {request.args['t']} WHERE n LIKE '%{request.args['q']}%'")

    def hand_quoted():
        conn = sqlite3.connect("x.db")
        conn.execute('SELECT * FROM "{0}" LIMIT {1}'.format(request.args["r"], request.args["n"]))

    def hand_quoted_column_list():
        conn = sqlite3.connect("x.db")
        conn.execute('SELECT "{0}" FROM t'.format(request.args["c"]))

    def drop_column():
        conn = sqlite3.connect("x.db")
        conn.execute(f"ALTER TABLE {request.args['t']} DROP COLUMN {request.args['c']}")
'''


def test_sqlite_has_no_quoting_of_its_own():
    description, suggestion = _fixes(CODE)[11]
    assert description.startswith("`request.args['t']` stands where a name goes, which a "
                                  "bound parameter cannot carry: sqlite3 has no identifier "
                                  "quoting of its own")
    assert "`'\"' + request.args['t'].replace('\"', '\"\"') + '\"'`" in description
    assert suggestion is None


def test_psycopg_composes_the_statement_and_binds_the_value():
    description, _ = _fixes(CODE)[16]
    assert ('`sql.SQL("SELECT * FROM {} WHERE id = %s").format(sql.Identifier(table))` '
            "quotes it") in description
    assert "(`from psycopg2 import sql`)" in description
    assert description.endswith("Bind the values (`request.args['id']`) as parameters.")


def test_sqlalchemy_text_names_the_dialects_preparer():
    description, _ = _fixes(CODE)[21]
    assert "`engine.dialect.identifier_preparer.quote(request.args['t'])`" in description


def test_django_quote_name():
    description, _ = _fixes(CODE)[25]
    assert "`connection.ops.quote_name(request.args[\"t\"])`, or `connections[alias].ops`" in (
        description)


def test_sqlalchemy_connection_receiver_and_two_names():
    description, _ = _fixes(CODE)[29]
    assert description.startswith("`request.args['s']`, `request.args['t']` stand where")
    assert "quote each with `conn.dialect.identifier_preparer.quote(request.args['s'])`" in (
        description)


def test_mysql_backticks():
    description, _ = _fixes(CODE)[33]
    assert "pymysql has no identifier quoting of its own" in description
    assert "backticks" in description


def test_fragments_keep_the_generic_advice():
    fixes = _fixes(CODE)
    for line in (37, 41):
        assert fixes[line][0].startswith("Part of this SQL is an identifier or a fragment")


def test_a_pattern_beside_a_name_is_not_composed():
    description, _ = _fixes(CODE)[45]
    assert "sql.SQL(\"... {} ...\")" in description
    assert "Bind the values (`request.args['q']`) as parameters." in description


def test_a_name_quoted_by_hand_needs_its_quotes_doubled():
    """CKAN's example datastore backend: `FROM "{0}"` quotes the name without escaping."""
    description, _ = _fixes(CODE)[49]
    assert description == (
        "`request.args[\"r\"]` stands in double quotes where a name goes, but its own double "
        "quotes are not doubled, so one inside it ends the name and the rest runs as SQL: "
        "double them (`request.args[\"r\"].replace('\"', '\"\"')`), or check it against the "
        "names the code knows before building the statement. Bind the values "
        "(`request.args[\"n\"]`) as parameters.")


def test_a_quoted_column_after_select_keeps_the_generic_advice():
    description, _ = _fixes(CODE)[53]
    assert description.startswith("Part of this SQL is an identifier or a fragment")


def test_a_column_after_column_is_a_name_too():
    description, _ = _fixes(CODE)[57]
    assert description.startswith("`request.args['t']`, `request.args['c']` stand where a "
                                  "name goes")
    assert "check each against the names the code knows" in description


def test_a_driver_out_of_sight_gets_no_other_librarys_api():
    """vanna's `USE DATABASE {database}` on a Snowflake cursor: no library to name."""
    code = '''
        from flask import request

        def use(cs):
            cs.execute(f"USE DATABASE {request.args['db']}")
    '''
    fixes = _fixes(code)
    description = next(iter(fixes.values()))[0]
    assert description == (
        "`request.args['db']` stands where a name goes, which a bound parameter cannot carry: "
        "check it against the names the code knows (an allowlist) before building the "
        "statement, or quote it with the identifier quoting of the driver that runs it (a "
        "quoted name keeps its case, where an unquoted one is folded).")


VALUE_FROM = '''
    import sqlite3
    import psycopg2
    from flask import request

    def distinct():
        cur = psycopg2.connect("").cursor()
        cur.execute(f"SELECT * FROM {request.args['t']} WHERE a IS DISTINCT FROM {request.args['v']}")

    def substring():
        cur = psycopg2.connect("").cursor()
        cur.execute(f"SELECT SUBSTRING(lower(n) FROM {request.args['s']}) FROM {request.args['t']}")

    def extract():
        cur = psycopg2.connect("").cursor()
        cur.execute(f"SELECT EXTRACT(YEAR FROM {request.args['ts']}) FROM {request.args['t']}")

    def where_exists():
        cur = psycopg2.connect("").cursor()
        subquery = request.args["s"]
        cur.execute(f"SELECT * FROM {request.args['t']} WHERE EXISTS {subquery}")

    def decimal():
        conn = sqlite3.connect("x.db")
        conn.execute(f"SELECT * FROM {request.args['t']} WHERE p > 1.{request.args['c']}")

    def from_subquery_in_parentheses():
        cur = psycopg2.connect("").cursor()
        cur.execute(f"SELECT count(*) FROM (SELECT lower(a) FROM {request.args['t']}) s")

    def drop_if_exists():
        conn = sqlite3.connect("x.db")
        conn.execute(f"DROP TABLE IF EXISTS {request.args['t']}")

    def schema_dot_table():
        conn = sqlite3.connect("x.db")
        conn.execute(f'SELECT t.{request.args["c"]} FROM "main".{request.args["t"]} t')
'''


def test_a_value_after_from_is_no_name():
    """`IS DISTINCT FROM {v}`, `SUBSTRING(x FROM {n})`, `EXTRACT(YEAR FROM {ts})`, `WHERE
    EXISTS {subquery}`, `1.{cents}`: a value or an expression, which `sql.Identifier` would
    turn into a column reference; the generic advice stays."""
    fixes = _fixes(VALUE_FROM)
    for line in (8, 12, 16, 21, 25):
        assert fixes[line][0].startswith("Part of this SQL is an identifier or a fragment"), (
            line, fixes[line][0])


def test_names_beside_value_froms_stay_names():
    fixes = _fixes(VALUE_FROM)
    assert fixes[29][0].startswith("`request.args['t']` stands where a name goes")
    assert "sql.SQL(\"SELECT count(*) FROM (SELECT lower(a) FROM {}) s\")" in fixes[29][0]
    assert fixes[33][0].startswith("`request.args['t']` stands where a name goes")
    assert fixes[37][0].startswith("`request.args[\"c\"]`, `request.args[\"t\"]` stand where")


def test_a_statement_with_parameters_keeps_its_own_percent_signs():
    """`execute(f"... LIKE 'x%%' ... b = %s", (b,))`: psycopg reads the text's `%` already,
    so the composed example neither doubles them again nor turns `%s` into text."""
    code = '''
        import psycopg2
        from flask import request

        def search(b):
            cur = psycopg2.connect("").cursor()
            cur.execute(f"SELECT * FROM {request.args['t']} WHERE n LIKE 'x%%' AND a = '{request.args['a']}' AND b = %s", (b,))

        def no_parameters():
            cur = psycopg2.connect("").cursor()
            cur.execute(f"SELECT * FROM {request.args['t']} WHERE n LIKE 'x%' AND a = '{request.args['a']}'")
    '''
    fixes = _fixes(code)
    assert ('`sql.SQL("SELECT * FROM {} WHERE n LIKE \'x%%\' AND a = %s AND b = %s")'
            '.format(sql.Identifier(request.args[\'t\']))`') in fixes[7][0]
    assert ('`sql.SQL("SELECT * FROM {} WHERE n LIKE \'x%%\' AND a = %s")'
            '.format(sql.Identifier(request.args[\'t\']))`') in fixes[11][0]
