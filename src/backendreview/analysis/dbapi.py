"""What a database handle is: connections, cursors, sessions and pools of the supported
drivers, resolved through imports, local assignments, `with ... as`, and annotations.

A `Handle` names the library and the kind of object; `HANDLE_SINKS` lists the methods that
take SQL text on it, and `PLACEHOLDERS` the parameter style the library's driver expects.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from ..context import FileContext

# Parameter styles (PEP 249 names where there is one).
QMARK = "qmark"  # ?            sqlite3, aiosqlite
FORMAT = "format"  # %s         psycopg2, psycopg 3, pymysql, MySQLdb, Django
NUMERIC_DOLLAR = "dollar"  # $1 asyncpg
NAMED = "named"  # :name        SQLAlchemy text(), databases
DOLLAR_NAMED = "dollar-named"  # $name   InfluxQL (influxdb bind_params), Cypher (neo4j)
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Handle:
    library: str  # "sqlite3", "psycopg2", "sqlalchemy", ...
    kind: str  # "connection", "cursor", "session", "engine", "pool", "factory", "database"

    @property
    def style(self) -> str:
        return PLACEHOLDERS.get(self.library, UNKNOWN)

    @property
    def label(self) -> str:
        return f"{self.library} {self.kind}"


PLACEHOLDERS = {
    "sqlite3": QMARK, "aiosqlite": QMARK,
    "psycopg2": FORMAT, "psycopg": FORMAT, "pymysql": FORMAT, "MySQLdb": FORMAT,
    "mysql.connector": FORMAT, "django": FORMAT, "aiomysql": FORMAT, "aiopg": FORMAT,
    "asyncpg": NUMERIC_DOLLAR, "pg8000": FORMAT, "pg8000.native": NAMED,
    "sqlalchemy": NAMED, "databases": NAMED, "influxdb": DOLLAR_NAMED, "neo4j": DOLLAR_NAMED,
}

# Calling one of these (qualified names) yields a handle.
CONSTRUCTORS: dict[str, Handle] = {
    "sqlite3.connect": Handle("sqlite3", "connection"),
    "sqlite3.dbapi2.connect": Handle("sqlite3", "connection"),
    "sqlite3.Connection": Handle("sqlite3", "connection"),
    "aiosqlite.connect": Handle("aiosqlite", "connection"),
    "psycopg2.connect": Handle("psycopg2", "connection"),
    "psycopg2.pool.SimpleConnectionPool": Handle("psycopg2", "pool"),
    "psycopg2.pool.ThreadedConnectionPool": Handle("psycopg2", "pool"),
    "psycopg.connect": Handle("psycopg", "connection"),
    "psycopg.Connection.connect": Handle("psycopg", "connection"),
    "psycopg.AsyncConnection.connect": Handle("psycopg", "connection"),
    "psycopg_pool.ConnectionPool": Handle("psycopg", "pool"),
    "psycopg_pool.AsyncConnectionPool": Handle("psycopg", "pool"),
    "pymysql.connect": Handle("pymysql", "connection"),
    "pymysql.Connect": Handle("pymysql", "connection"),
    "pymysql.connections.Connection": Handle("pymysql", "connection"),
    "MySQLdb.connect": Handle("MySQLdb", "connection"),
    "MySQLdb.Connect": Handle("MySQLdb", "connection"),
    "mysql.connector.connect": Handle("mysql.connector", "connection"),
    "aiomysql.connect": Handle("aiomysql", "connection"),
    "aiomysql.create_pool": Handle("aiomysql", "pool"),
    "aiopg.connect": Handle("aiopg", "connection"),
    "aiopg.create_pool": Handle("aiopg", "pool"),
    "asyncpg.connect": Handle("asyncpg", "connection"),
    "asyncpg.create_pool": Handle("asyncpg", "pool"),
    "databases.Database": Handle("databases", "database"),
    "sqlalchemy.create_engine": Handle("sqlalchemy", "engine"),
    "sqlalchemy.engine.create_engine": Handle("sqlalchemy", "engine"),
    "sqlalchemy.ext.asyncio.create_async_engine": Handle("sqlalchemy", "engine"),
    "sqlalchemy.orm.Session": Handle("sqlalchemy", "session"),
    "sqlalchemy.orm.session.Session": Handle("sqlalchemy", "session"),
    "sqlalchemy.ext.asyncio.AsyncSession": Handle("sqlalchemy", "session"),
    "sqlalchemy.orm.sessionmaker": Handle("sqlalchemy", "factory"),
    "sqlalchemy.orm.scoped_session": Handle("sqlalchemy", "session"),
    "sqlalchemy.ext.asyncio.async_sessionmaker": Handle("sqlalchemy", "factory"),
    "sqlalchemy.ext.asyncio.async_scoped_session": Handle("sqlalchemy", "session"),
    "flask_sqlalchemy.SQLAlchemy": Handle("sqlalchemy", "flask-sqlalchemy"),
    "pg8000.connect": Handle("pg8000", "connection"),
    "pg8000.dbapi.connect": Handle("pg8000", "connection"),
    "pg8000.dbapi.Connection": Handle("pg8000", "connection"),
    "pg8000.native.Connection": Handle("pg8000.native", "native"),
    "sqlmodel.Session": Handle("sqlalchemy", "session"),
    "sqlmodel.create_engine": Handle("sqlalchemy", "engine"),
    # Other query languages (BR101 only, see QUERY_LANGUAGES): kinds no SQL rule asks about.
    "influxdb.InfluxDBClient": Handle("influxdb", "influx"),
    "influxdb.DataFrameClient": Handle("influxdb", "influx"),
    "influxdb.client.InfluxDBClient": Handle("influxdb", "influx"),
    "neo4j.GraphDatabase.driver": Handle("neo4j", "graph-driver"),
    "neo4j.AsyncGraphDatabase.driver": Handle("neo4j", "graph-driver"),
}

# Module-level objects that are handles themselves.
OBJECTS: dict[str, Handle] = {
    "django.db.connection": Handle("django", "connection"),
    "django.db.connections": Handle("django", "connections"),
}

# Annotations of parameters and variables.
ANNOTATIONS: dict[str, Handle] = {
    "sqlite3.Connection": Handle("sqlite3", "connection"),
    "sqlite3.Cursor": Handle("sqlite3", "cursor"),
    "aiosqlite.Connection": Handle("aiosqlite", "connection"),
    "aiosqlite.Cursor": Handle("aiosqlite", "cursor"),
    "psycopg2.extensions.connection": Handle("psycopg2", "connection"),
    "psycopg2.extensions.cursor": Handle("psycopg2", "cursor"),
    "psycopg.Connection": Handle("psycopg", "connection"),
    "psycopg.Cursor": Handle("psycopg", "cursor"),
    "psycopg.AsyncConnection": Handle("psycopg", "connection"),
    "psycopg.AsyncCursor": Handle("psycopg", "cursor"),
    "pymysql.connections.Connection": Handle("pymysql", "connection"),
    "pymysql.cursors.Cursor": Handle("pymysql", "cursor"),
    "asyncpg.Connection": Handle("asyncpg", "connection"),
    "asyncpg.connection.Connection": Handle("asyncpg", "connection"),
    "pg8000.native.Connection": Handle("pg8000.native", "native"),
    "pg8000.Connection": Handle("pg8000", "connection"),
    "asyncpg.Pool": Handle("asyncpg", "pool"),
    "asyncpg.pool.Pool": Handle("asyncpg", "pool"),
    "databases.Database": Handle("databases", "database"),
    "sqlalchemy.orm.Session": Handle("sqlalchemy", "session"),
    "sqlalchemy.orm.session.Session": Handle("sqlalchemy", "session"),
    "sqlalchemy.orm.scoped_session": Handle("sqlalchemy", "session"),
    "sqlalchemy.ext.asyncio.AsyncSession": Handle("sqlalchemy", "session"),
    "sqlalchemy.ext.asyncio.AsyncConnection": Handle("sqlalchemy", "connection"),
    "sqlalchemy.ext.asyncio.AsyncEngine": Handle("sqlalchemy", "engine"),
    "sqlalchemy.engine.Connection": Handle("sqlalchemy", "connection"),
    "sqlalchemy.engine.base.Connection": Handle("sqlalchemy", "connection"),
    "sqlalchemy.Connection": Handle("sqlalchemy", "connection"),
    "sqlalchemy.engine.Engine": Handle("sqlalchemy", "engine"),
    "sqlalchemy.engine.base.Engine": Handle("sqlalchemy", "engine"),
    "sqlalchemy.Engine": Handle("sqlalchemy", "engine"),
    "sqlmodel.Session": Handle("sqlalchemy", "session"),
    "django.db.backends.utils.CursorWrapper": Handle("django", "cursor"),
    "influxdb.InfluxDBClient": Handle("influxdb", "influx"),
    "neo4j.Driver": Handle("neo4j", "graph-driver"),
    "neo4j.Session": Handle("neo4j", "graph-session"),
    "neo4j.Transaction": Handle("neo4j", "graph-session"),
    "neo4j.ManagedTransaction": Handle("neo4j", "graph-session"),
    "neo4j.AsyncSession": Handle("neo4j", "graph-session"),
    "neo4j.AsyncManagedTransaction": Handle("neo4j", "graph-session"),
}

# Query languages other than SQL whose clients take the query text as a string: the same
# injection (CWE-943, of which SQL injection, CWE-89, is the best-known case) with the same
# cure, bound parameters (`$name` marks). Per handle kind: the language, the methods that
# run query text, and the module whose import lets an untyped receiver count (`self._conn`
# of a client the file makes) when the text reads as that language.
QUERY_LANGUAGES: dict[str, tuple[str, frozenset[str], str]] = {
    "influx": ("InfluxQL", frozenset({"query"}), "influxdb"),
    "graph-driver": ("Cypher", frozenset({"execute_query"}), "neo4j"),
    "graph-session": ("Cypher", frozenset({"run"}), "neo4j"),
}

# (library kind, method) -> the handle that calling the method returns.
_TRANSITIONS: dict[tuple[str, str], str] = {
    ("connection", "cursor"): "cursor",
    ("connection", "begin"): "connection",
    ("connection", "transaction"): "connection",
    ("engine", "connect"): "connection",
    ("engine", "begin"): "connection",
    ("pool", "acquire"): "connection",
    ("pool", "getconn"): "connection",
    ("pool", "connection"): "connection",
    ("factory", "begin"): "session",
    ("session", "begin"): "session",
    ("session", "connection"): "connection",
    ("cursor", "__enter__"): "cursor",
    ("graph-driver", "session"): "graph-session",
    ("graph-session", "begin_transaction"): "graph-session",
}

# Methods that take SQL text as their first argument, per handle kind.
HANDLE_SINKS: dict[str, frozenset[str]] = {
    "connection": frozenset({"execute", "executemany", "executescript", "execute_fetchall",
                             "execute_insert", "fetch", "fetchrow", "fetchval", "cursor",
                             "exec_driver_sql", "scalar", "scalars", "mogrify", "run"}),
    "cursor": frozenset({"execute", "executemany", "executescript", "mogrify"}),
    "session": frozenset({"execute", "scalar", "scalars"}),
    "engine": frozenset({"execute", "exec_driver_sql", "scalar"}),
    "pool": frozenset({"execute", "executemany", "fetch", "fetchrow", "fetchval"}),
    "database": frozenset({"fetch_all", "fetch_one", "fetch_val", "execute", "execute_many",
                           "iterate"}),
    # pg8000's native API: conn.run(sql, **params), conn.prepare(sql)
    "native": frozenset({"run", "prepare"}),
    # Flask-SQLAlchemy 2.x: db.execute() runs on the session
    "flask-sqlalchemy": frozenset({"execute"}),
}
# `cursor` on an asyncpg connection takes SQL; on a DB-API connection it takes none.
_SQL_CURSOR_LIBRARIES = frozenset({"asyncpg"})

# Methods that take SQL whatever the receiver is, used when the receiver cannot be resolved
# and the text itself reads as SQL.
GENERIC_SINK_METHODS = frozenset({
    "execute", "executemany", "executescript", "mogrify", "fetch", "fetchrow", "fetchval",
    "fetch_all", "fetch_one", "fetch_val", "exec_driver_sql", "execute_fetchall",
})


class HandleResolver:
    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self._seen: set[int] = set()

    def of(self, expr: ast.AST, depth: int = 0) -> Handle | None:
        """The handle `expr` evaluates to, or None when it is not a known database handle."""
        if depth > 8:
            return None
        d = depth + 1
        if isinstance(expr, ast.Await):
            return self.of(expr.value, d)
        qualified = self.ctx.qualified_name(expr)
        if qualified in OBJECTS:
            return OBJECTS[qualified]
        if isinstance(expr, ast.Subscript):
            base = self.of(expr.value, d)
            if base and base.kind == "connections":
                return Handle(base.library, "connection")
            return None
        if isinstance(expr, ast.Call):
            return self._call(expr, d)
        if isinstance(expr, ast.Attribute):
            base = self.of(expr.value, d)
            if base and base.kind == "flask-sqlalchemy":
                if expr.attr == "session":
                    return Handle("sqlalchemy", "session")
                if expr.attr == "engine":
                    return Handle("sqlalchemy", "engine")
            return None
        if isinstance(expr, ast.Name):
            return self._name(expr, d)
        return None

    def _call(self, call: ast.Call, depth: int) -> Handle | None:
        qualified = self.ctx.qualified_name(call.func)
        if qualified in CONSTRUCTORS:
            return CONSTRUCTORS[qualified]
        func = call.func
        if isinstance(func, ast.Attribute):
            base = self.of(func.value, depth)
            if base is None:
                return None
            target = _TRANSITIONS.get((base.kind, func.attr))
            if target:
                return Handle(base.library, target)
            if base.kind == "connection" and func.attr == "execute" and base.library in (
                    "aiosqlite", "sqlite3", "psycopg"):
                return Handle(base.library, "cursor")
            return None
        # SessionLocal() where SessionLocal = sessionmaker(...)
        base = self.of(func, depth)
        if base and base.kind == "factory":
            return Handle(base.library, "session")
        return None

    def _name(self, name: ast.Name, depth: int) -> Handle | None:
        bindings = self.ctx.reaching_bindings(name)
        if not bindings:
            return None
        handles: set[Handle] = set()
        for binding in bindings:
            handle: Handle | None = None
            if binding.annotation is not None:
                handle = self.annotation(binding.annotation)
            if handle is None and binding.value is not None and binding.kind in (
                    "assign", "annassign", "with", "walrus"):
                if binding.kind == "with":
                    handle = self.of(binding.value, depth)
                    if handle and handle.kind == "factory":
                        handle = Handle(handle.library, "session")
                else:
                    handle = self.of(binding.value, depth)
            if handle is None and binding.kind == "param" and binding.value is not None:
                handle = self._dependency(binding.value, depth)
            if handle is None:
                return None
            handles.add(handle)
        return handles.pop() if len(handles) == 1 else None

    def _dependency(self, default: ast.expr, depth: int) -> Handle | None:
        # FastAPI: db = Depends(get_db) carries no type; the annotation is what counts.
        return None

    def annotation(self, annotation: ast.expr) -> Handle | None:
        if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
            try:
                annotation = ast.parse(annotation.value, mode="eval").body
            except SyntaxError:
                return None
            # A string annotation has no position in the file's scopes; resolve its names
            # from module level by reusing a node that is there.
            return self._string_annotation(annotation)
        if isinstance(annotation, ast.Subscript):
            head = self.ctx.qualified_name(annotation.value)
            if head in ("typing.Annotated", "typing_extensions.Annotated", "typing.Optional"):
                inner = annotation.slice
                if isinstance(inner, ast.Tuple) and inner.elts:
                    inner = inner.elts[0]
                return self.annotation(inner)
            return None
        if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
            for side in (annotation.left, annotation.right):
                if not (isinstance(side, ast.Constant) and side.value is None):
                    return self.annotation(side)
            return None
        qualified = self.ctx.qualified_name(annotation)
        return ANNOTATIONS.get(qualified or "")

    def _string_annotation(self, expr: ast.expr) -> Handle | None:
        dotted = _dotted(expr)
        if dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        bindings = self.ctx.semantic.module_scope.bindings.get(head, [])
        if len(bindings) == 1 and bindings[0].qualified:
            qualified = bindings[0].qualified + ("." + rest if rest else "")
            return ANNOTATIONS.get(qualified)
        return None


def is_sql_method(handle: Handle, method: str) -> bool:
    methods = HANDLE_SINKS.get(handle.kind, frozenset())
    if method not in methods:
        return False
    if method == "cursor":
        return handle.library in _SQL_CURSOR_LIBRARIES
    if method == "mogrify":
        return handle.library in ("psycopg2", "psycopg", "pymysql", "MySQLdb")
    if method == "run":
        return handle.library.startswith("pg8000")  # pg8000 connections run SQL directly
    if method in ("executescript",):
        return handle.library in ("sqlite3", "aiosqlite")
    return True


def _dotted(expr: ast.AST) -> str | None:
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Attribute):
        base = _dotted(expr.value)
        return f"{base}.{expr.attr}" if base else None
    return None
