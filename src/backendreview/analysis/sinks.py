"""Where SQL text reaches the database: the sinks shared by the SQL-text rules (BR101
raw-sql, BR103 select-star). A `Sink` names the call, the argument that carries the SQL and
the placeholder style its driver expects."""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass

from ..context import FileContext
from .dbapi import (
    FORMAT,
    GENERIC_SINK_METHODS,
    HANDLE_SINKS,
    NAMED,
    NUMERIC_DOLLAR,
    PLACEHOLDERS,
    QMARK,
    QUERY_LANGUAGES,
    UNKNOWN,
    HandleResolver,
    is_sql_method,
)
from .strings import StringAnalyzer


@dataclass(frozen=True)
class Sink:
    label: str  # how the message names it: "cursor.execute()", "sqlalchemy.text()"
    sql_arg: ast.expr
    style: str
    # text | call | raw | extra | rawsql | pandas | databases: decides the rewrite's shape
    shape: str
    resolved: bool  # receiver or function resolved by qualified name / handle tracking
    language: str = "SQL"  # "InfluxQL", "Cypher": the query language the call runs


_FUNCTION_SINKS: dict[str, tuple[str, str, str]] = {
    # qualified name -> (sql keyword name, style, shape)
    "sqlalchemy.text": ("text", NAMED, "text"),
    "sqlalchemy.sql.text": ("text", NAMED, "text"),
    "sqlalchemy.sql.expression.text": ("text", NAMED, "text"),
    "sqlmodel.text": ("text", NAMED, "text"),
    "django.db.models.expressions.RawSQL": ("sql", FORMAT, "rawsql"),
    "django.db.models.RawSQL": ("sql", FORMAT, "rawsql"),
    "alembic.op.execute": ("sqltext", NAMED, "alembic"),
    "pandas.read_sql": ("sql", UNKNOWN, "pandas"),
    "pandas.read_sql_query": ("sql", UNKNOWN, "pandas"),
    "pandas.io.sql.read_sql": ("sql", UNKNOWN, "pandas"),
    "pandas.io.sql.read_sql_query": ("sql", UNKNOWN, "pandas"),
}
_QUERYSET_METHODS = frozenset({
    "all", "filter", "exclude", "order_by", "using", "select_related", "prefetch_related",
    "annotate", "only", "defer", "distinct", "none", "reverse", "select_for_update",
})
_MANAGERS = frozenset({"objects", "_default_manager", "_base_manager"})
# Every method name that is a sink for some handle kind, or for an unknown receiver.
_ANY_SQL_METHOD = frozenset().union(*HANDLE_SINKS.values()) | GENERIC_SINK_METHODS
# SQLAlchemy Query methods that read a plain string argument as SQL text.
_QUERY_TEXT_METHODS = frozenset({"filter", "order_by", "group_by", "having", "distinct"})
# Methods that run another query language's text (analysis/dbapi.py QUERY_LANGUAGES).
_QUERY_LANGUAGE_METHODS = frozenset().union(*(m for _, m, _ in QUERY_LANGUAGES.values()))


class SinkFinder:
    def __init__(self, ctx: FileContext, handles: HandleResolver | None = None,
                 extra: Sequence[str] = (), other_languages: bool = False) -> None:
        self.ctx = ctx
        self.handles = handles or HandleResolver(ctx)
        self.strings = StringAnalyzer(ctx)
        self.extra = tuple(extra)
        # InfluxQL and Cypher clients too (BR101); the SQL-only rules (BR103's SELECT *,
        # the write detection) ask about SQL alone.
        self.other_languages = other_languages

    def sink(self, call: ast.Call) -> Sink | None:
        func = call.func
        qualified = self.ctx.qualified_name(func)
        if qualified in _FUNCTION_SINKS:
            keyword, style, shape = _FUNCTION_SINKS[qualified]
            arg = _argument(call, 0, keyword)
            if arg is None:
                return None
            label = self.ctx.source(func)
            if len(label) > 40 or "\n" in label:
                label = qualified.rsplit(".", 1)[-1]
            return Sink(f"{label}()", arg, style, shape, True)
        extra = self.extra
        if extra:
            # Project helpers that run SQL: a qualified function name, or a method name.
            name = qualified or (func.attr if isinstance(func, ast.Attribute) else None)
            method_name = func.attr if isinstance(func, ast.Attribute) else None
            if name in extra or method_name in extra:
                arg = _argument(call, 0, "sql")
                if arg is not None:
                    return Sink(f"{self.ctx.source(func)}()", arg, UNKNOWN, "call", True)
        if not isinstance(func, ast.Attribute):
            return None
        method = func.attr
        if method in ("raw", "extra") and self._is_django_queryset(func.value):
            if method == "raw":
                arg = _argument(call, 0, "raw_query")
                return Sink(".raw()", arg, FORMAT, "raw", True) if arg is not None else None
            return self._extra_sink(call)
        if method in _QUERY_TEXT_METHODS:
            return self._query_text_sink(call, func)
        if self.other_languages and method in _QUERY_LANGUAGE_METHODS:
            found = self._query_language_sink(call, func)
            if found is not None:
                return found
        if method not in _ANY_SQL_METHOD:
            # No handle makes this method run SQL: skip resolving the receiver, which is
            # the costly part and is asked for every method call of every file.
            return None
        handle = self.handles.of(func.value)
        if handle is not None:
            if not is_sql_method(handle, method):
                return None
            keyword = "query" if handle.library == "databases" else "sql"
            arg = _argument(call, 0, keyword)
            if arg is None and handle.library == "sqlalchemy":
                arg = _argument(call, 0, "statement")
            if arg is None:
                return None
            shape = "databases" if handle.library == "databases" else "call"
            style = handle.style
            if method == "exec_driver_sql":
                style = UNKNOWN  # plain driver SQL: the DB-API driver's own paramstyle
            return Sink(f"{self._receiver_label(func)}.{method}()", arg, style, shape, True)
        if method in GENERIC_SINK_METHODS:
            arg = _argument(call, 0, "sql") or _argument(call, 0, "query")
            if arg is None:
                return None
            return Sink(f"{self._receiver_label(func)}.{method}()", arg, self.guess_style(),
                        "call", False)
        return None

    def _query_language_sink(self, call: ast.Call, func: ast.Attribute) -> Sink | None:
        """`client.query(q)` of an InfluxDB client, `session.run(q)` / `tx.run(q)` of a neo4j
        session or transaction: the receiver typed by the handles, or, in a file that
        imports the client library, any receiver (`self._conn`, a transaction function's
        `tx`): the rule then asks that the text read as the language."""
        handle = self.handles.of(func.value)
        if handle is not None:
            language = QUERY_LANGUAGES.get(handle.kind)
            if language is None or func.attr not in language[1]:
                return None
            resolved = True
            name = language[0]
            style = handle.style
        else:
            found = next(((lang, module) for lang, methods, module in QUERY_LANGUAGES.values()
                          if func.attr in methods and self.ctx.semantic.is_imported(module)),
                         None)
            if found is None:
                return None
            name, module = found
            resolved, style = False, PLACEHOLDERS[module]
        arg = _argument(call, 0, "query")
        if arg is None:
            return None
        return Sink(f"{self._receiver_label(func)}.{func.attr}()", arg, style, "language",
                    resolved, name)

    def _query_text_sink(self, call: ast.Call, func: ast.Attribute) -> Sink | None:
        """`User.query.filter(f"name = '{n}'")`, `session.query(X).order_by(sort + " desc")`:
        a SQLAlchemy Query takes a plain string as literal SQL text. Django querysets take
        field names there (validated, not SQL), so the chain must reach `.query`."""
        if not any(self.ctx.semantic.is_imported(m) for m in ("sqlalchemy", "flask_sqlalchemy",
                                                             "sqlmodel")):
            return None
        receiver: ast.expr = func.value
        while isinstance(receiver, ast.Call | ast.Attribute):
            if isinstance(receiver, ast.Attribute) and receiver.attr == "objects":
                return None
            if isinstance(receiver, ast.Attribute) and receiver.attr == "query":
                break
            if isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Attribute) and (
                    receiver.func.attr == "query"):
                break
            receiver = receiver.func if isinstance(receiver, ast.Call) else receiver.value
        else:
            return None
        for arg in call.args:
            if isinstance(arg, ast.Constant | ast.Starred):
                continue
            build = self.strings.analyze(arg)
            if build is not None and build.is_dynamic:
                return Sink(f".{func.attr}()", arg, NAMED, "query", True)
        return None

    def _extra_sink(self, call: ast.Call) -> Sink | None:
        # QuerySet.extra(where=[...], select={...}, tables=..., order_by=...): each SQL string.
        for keyword in call.keywords:
            if keyword.arg not in ("where", "select", "tables", "order_by"):
                continue
            containers = [keyword.value]
            items: list[ast.expr] = []
            for container in containers:
                if isinstance(container, ast.List | ast.Tuple):
                    items.extend(container.elts)
                elif isinstance(container, ast.Dict):
                    items.extend(container.values)
                else:
                    items.append(container)
            for item in items:
                build = self.strings.analyze(item)
                if build is not None and build.is_dynamic:
                    return Sink(".extra()", item, FORMAT, "extra", True)
        return None

    def _is_django_queryset(self, expr: ast.expr) -> bool:
        if not self.ctx.semantic.is_imported("django"):
            return False
        while isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and (
                expr.func.attr in _QUERYSET_METHODS):
            expr = expr.func.value
        return isinstance(expr, ast.Attribute) and expr.attr in _MANAGERS

    def _receiver_label(self, func: ast.Attribute) -> str:
        text = self.ctx.source(func.value)
        return text if len(text) <= 40 and "\n" not in text else "..."

    def guess_style(self) -> str:
        semantic = self.ctx.semantic
        # The receiver is unknown, so only a file that talks to exactly one DB-API driver
        # says which placeholders it takes.
        styles = {style for module, style in (
            ("sqlite3", QMARK), ("aiosqlite", QMARK), ("asyncpg", NUMERIC_DOLLAR),
            ("django", FORMAT), ("psycopg2", FORMAT), ("psycopg", FORMAT), ("pymysql", FORMAT),
            ("MySQLdb", FORMAT), ("pyodbc", QMARK)) if semantic.is_imported(module)}
        return styles.pop() if len(styles) == 1 else UNKNOWN


def _argument(call: ast.Call, index: int, keyword: str) -> ast.expr | None:
    if len(call.args) > index and not isinstance(call.args[index], ast.Starred):
        return call.args[index]
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    return None
