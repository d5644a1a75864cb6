"""BR103 select-star: `SELECT *` in SQL text sent to the database.

The SQL sinks and the string analysis are BR101's (analysis/sinks.py, analysis/strings.py): the
same calls, the same following of local variables; only the question asked of the text
differs.
"""

from __future__ import annotations

import ast
import re
from pathlib import PurePath
from typing import ClassVar

from ..analysis.sinks import SinkFinder
from ..analysis.strings import StringAnalyzer, StringBuild
from ..model import Fix
from .base import Rule
from .br101_raw_sql import looks_like_sql
from .br102_n_plus_one import skipped_path

# `SELECT *`, `SELECT DISTINCT *`, `SELECT t.*` (not `count(*)`, not `EXISTS (SELECT * ...)`,
# whose select list is never read).
_SET_OPERATION = re.compile(r"(?i)\b(?:union|intersect|except)\b")
_STAR = re.compile(
    r"(?P<before>[\s\S]{0,12}?)\bselect\s+(?:distinct\s+|all\s+)?(?:(?P<qual>\w+)\.)?\*"
    r"\s*(?:,|\bfrom\b)", re.IGNORECASE)
# A star inside parentheses is a subquery (EXISTS, IN, a derived table, LATERAL): the outer
# select decides which columns leave the database.
_SUBQUERY_BEFORE = re.compile(r"\(\s*$")
_FROM_TABLE = re.compile(r"\bfrom\s+([\w.\"`\[\]]*\w[\w.\"`\[\]]*)", re.IGNORECASE)
# Bookkeeping tables of one row (alembic's revision) or the engine's own catalog: their
# columns are fixed by the tool that owns them, so `*` reads exactly what is wanted.
_SYSTEM_TABLES = frozenset({"alembic_version", "schema_version", "sqlite_master",
                            "sqlite_schema"})
# PostgreSQL reserves `pg_` for its catalog (pg_tables, pg_indexes, pg_matviews) and the
# standard catalog lives in `information_schema`: narrow rows whose columns the server fixes.
_CATALOG = re.compile(r"(?i)^(?:pg_catalog\.|information_schema\.|pg_\w+$)")
# `FROM {table}` / `FROM "{table}"`: a table chosen at run time (a user's dataset, a
# partition) whose columns are data the code cannot list.
_DYNAMIC_TABLE = re.compile(r"\s*[\"`\[]?\s*\?\s*[\"`\]]?(?!\s*\.)")
_FROM = re.compile(r"\bfrom\b", re.IGNORECASE)
# `SELECT * FROM trim(%s)`, `FROM generate_series(1, 10)`, `FROM refresh_geometries()`: the
# row source is a function call. Its result type is fixed by the function (one value for a
# scalar function; the declared row type for a set-returning one, written in the same
# project) and does not grow when someone adds a column to a table; a procedure called for
# its side effect returns nothing to trim. There is no table whose columns `*` takes.
_CALL_AFTER = re.compile(r"\s*\(")
# A view defined as `SELECT *` mirrors its table, columns added later included: the point.
_VIEW_DEFINITION = re.compile(
    r"^\s*create\s+(?:or\s+replace\s+)?(?:temp(?:orary)?\s+)?(?:materialized\s+)?view\b",
    re.IGNORECASE)


class SelectStar(Rule):
    id = "BR103"
    OPTIONS: ClassVar[dict[str, type]] = {"include-migrations": bool}

    def __init__(self, ctx, doc) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx, doc)
        # migrations run once, against a schema they know: not where projection matters
        include = self.option("include-migrations", False)
        self.skip = skipped_path(ctx.path, True, include) or (
            not include and PurePath(ctx.path).name == "migrations.py")
        self.sinks = SinkFinder(ctx)
        self.strings = StringAnalyzer(ctx)

    def visit_Call(self, node: ast.Call) -> None:
        if self.skip:
            return
        sink = self.sinks.sink(node)
        if sink is None or sink.shape == "raw" or self._into_entity(node):
            # Django `Manager.raw()` and SQLAlchemy `from_statement()` build model
            # instances: every mapped column is what they need
            return
        build = self.strings.analyze(sink.sql_arg)
        if build is None:
            return
        text = build.constant_text().replace("\x00", " ? ")
        if not looks_like_sql(text) or _VIEW_DEFINITION.match(text):
            return
        for match in _STAR.finditer(text):
            start = match.start() + len(match["before"])
            if _SUBQUERY_BEFORE.search(text[:start]):
                continue
            table_match = _FROM_TABLE.search(text, match.end() - 5)
            table = table_match.group(1) if table_match else "the table"
            if _bare_name(table) in _SYSTEM_TABLES or _catalog(table):
                continue
            if table_match and _CALL_AFTER.match(text, table_match.end()):
                continue  # `FROM f(...)`: the function's declared result, not a table's
            from_word = _FROM.search(text, start)
            if from_word and _DYNAMIC_TABLE.match(text, from_word.end()):
                continue
            star = f"{match['qual']}.*" if match["qual"] else "*"
            message = (f"`SELECT {star}` in the SQL passed to `{sink.label}` reads every column "
                       f"of {table}; name the columns the code uses")
            # Every arm of a UNION / INTERSECT / EXCEPT returns the same columns: listing
            # them in one arm only would fail on the column count. The runtime parts are
            # shown as the code writes them (`{attributes_select}`), not as `?`, which would
            # read as a bound parameter.
            shown = self._shown(build) or text
            fixed = re.sub(r"(?i)(select\s+(?:distinct\s+|all\s+)?)(?:\w+\.)?\*",
                           r"\1<the columns you read>", shown.strip(),
                           count=0 if _SET_OPERATION.search(text) else 1)
            # The SQL is not Python: it goes in the description, not the code suggestion.
            self.report(node, message, fix=Fix(
                description=f"list the columns instead of `{star}` so the query returns only "
                            "what is read and keeps working when columns are added: "
                            + " ".join(fixed.split())))
            return


    def _shown(self, build: StringBuild) -> str | None:
        """The SQL with each runtime part as `{its source}`; None when the pieces do not
        describe the whole string in order."""
        if not build.exact:
            return None
        return "".join(p.text or "" if p.value is None else "{" + " ".join(
            self.ctx.source(p.value).split()) + "}" for p in build.pieces)

    def _into_entity(self, call: ast.Call) -> bool:
        """`session.query(User).from_statement(text(sql))`, `select(User).from_statement(...)`:
        the rows become ORM entities, which load every mapped column."""
        parent = self.ctx.semantic.parent(call)
        return isinstance(parent, ast.Call) and isinstance(parent.func, ast.Attribute) and (
            parent.func.attr == "from_statement") and call in parent.args


def _catalog(table: str) -> bool:
    return bool(_CATALOG.match(table.replace('"', "").replace("`", "")))


def _bare_name(table: str) -> str:
    """`"public"."alembic_version"` -> `alembic_version`."""
    return table.rsplit(".", 1)[-1].strip('"`[]').lower()


RULES = (SelectStar,)
