"""BR101's fix when runtime parts are names: a table, an index, a schema, a column after FROM /
INTO / TABLE / JOIN / UPDATE / COLUMN, or after ON in CREATE INDEX / TRIGGER.

A placeholder binds a value, never an identifier (`CREATE INDEX i ON %s` is a syntax error
once bound), so the fix for such a part is the driver's own identifier quoting, named for the
connection at hand (psycopg's `sql.Identifier`, SQLAlchemy's dialect `identifier_preparer`,
Django's `connection.ops.quote_name`), or, for a driver with none (sqlite3, asyncpg, the
MySQL clients), the dialect's quote doubled around the name, or a check against the names the
code knows. A part after `.` (`{schema}.{table}`) is a name too.
"""

from __future__ import annotations

import ast
import re

from ..analysis.dbapi import HandleResolver
from ..analysis.strings import StringBuild
from ..model import Fix
from .br101_origins import FRAGMENT_NAME
from .br101_positions import value_positions

# The text right before a name: a keyword that takes a table / index / schema name, or the
# `.` after a name (`{schema}.{table}`, `t.{column}`; not the `.` of a number, `1.{cents}`).
# EXISTS only as `IF [NOT] EXISTS`: `WHERE EXISTS {x}` takes a subquery.
_NAME_BEFORE = re.compile(
    r"(?:\b(?:FROM|JOIN|INTO|UPDATE|TABLE|INDEX|VIEW|SCHEMA|DATABASE|SEQUENCE|TRIGGER"
    r"|COLUMN|IF\s+(?:NOT\s+)?EXISTS|TRUNCATE|DESCRIBE|RENAME\s+TO)\s+"
    r"|(?:\b[A-Za-z_]\w*|[\x00\"`\]])\.)$",
    re.IGNORECASE)
# FROM that takes a value or an expression, not a table: `a IS [NOT] DISTINCT FROM {v}`,
# `EXTRACT(YEAR FROM {ts})`, `SUBSTRING(name FROM {start})`, `TRIM(LEADING 'x' FROM {s})`.
_VALUE_FROM = re.compile(
    r"(?:\bDISTINCT\s+FROM"
    r"|\b(?:EXTRACT|SUBSTRING|SUBSTR|TRIM|OVERLAY)\s*\((?:[^()]|\([^()]*\))*\bFROM)\s+$",
    re.IGNORECASE)
# `CREATE INDEX i ON {table}`, `CREATE TRIGGER t ... ON {table}`: ON names a table there,
# while in a SELECT it opens a join condition.
_ON = re.compile(r"\bON\s+$", re.IGNORECASE)
_CREATES_ON = re.compile(r"^\s*(?:CREATE|DROP)\s+(?:UNIQUE\s+)?(?:INDEX|TRIGGER)\b",
                         re.IGNORECASE)
# `table`, `table_name`, `tbl`: a singular name is one identifier; a plural or a clause
# word (`tables`, `columns`, `where`) is a list or a fragment of SQL.
_ONE_NAME = re.compile(r"(?:^|_)(?:table|tbl|tablename)$", re.IGNORECASE)
_MYSQL = frozenset({"pymysql", "MySQLdb", "mysql.connector", "aiomysql"})
_POSTGRES_SQLITE = frozenset({"sqlite3", "aiosqlite", "asyncpg", "pg8000", "pg8000.native"})


def identifier_values(build: StringBuild, kept: frozenset[int], quote: str = ""
                      ) -> list[ast.expr]:
    """The build's runtime values (not `kept`) that stand where a name goes, unquoted; with
    `quote` (`"` or a backtick), those the code put between that quote by hand
    (`FROM "{table}"`)."""
    out: list[ast.expr] = []
    text = ""
    pieces = build.pieces
    for i, piece in enumerate(pieces):
        if piece.value is None:
            text += piece.text or ""
            continue
        statement = text[text.rfind(";") + 1:]
        after = (pieces[i + 1].text or "") if i + 1 < len(pieces) else ""
        if quote:
            if not (statement.endswith(quote) and after.startswith(quote)):
                text += "\x00"
                continue
            statement = statement[:-1]
        named = (bool(_NAME_BEFORE.search(statement))
                 and not _VALUE_FROM.search(statement)) or (
            bool(_ON.search(statement)) and bool(_CREATES_ON.match(statement)))
        if id(piece.value) not in kept and not piece.numeric and named and _one_name(
                piece.value) and statement.count("'") % 2 == 0:
            out.append(piece.value)
        text += "\x00"
    return out


def _one_name(value: ast.expr) -> bool:
    """A value that can hold one name: not a joined list, a call's result built of SQL, or
    a variable named for a clause or a list."""
    if isinstance(value, ast.Call):
        return False
    name = value.id if isinstance(value, ast.Name) else (
        value.attr if isinstance(value, ast.Attribute) else "")
    if not name:
        return isinstance(value, ast.Subscript)
    return bool(_ONE_NAME.search(name)) or not FRAGMENT_NAME.search(name)


def identifier_fix(ctx, call: ast.Call, sink, build: StringBuild,  # type: ignore[no-untyped-def]
                   kept: frozenset[int], bindable: bool) -> Fix | None:
    """The fix for a statement whose runtime parts are names, and (when the statement takes
    parameters at all: `bindable`) values in value positions; None when some part is
    neither (a fragment, a whole clause), which the generic advice covers."""
    names: list[ast.expr] = []
    quote = ""
    for quote in ("", '"', "`"):
        names = identifier_values(build, kept, quote)
        if names:
            break
    if not names:
        return None
    named = {id(v) for v in names}
    values = value_positions(build)
    rest = [v for v in build.dynamic_values if id(v) not in kept and id(v) not in named]
    if any(id(v) not in values for v in rest) or (rest and not bindable) or (
            quote and len(names) + len(rest) < len(
                [v for v in build.dynamic_values if id(v) not in kept])):
        return None
    shown = ", ".join(dict.fromkeys(f"`{ctx.source(v)}`" for v in names))
    first = ctx.source(names[0])
    if quote:
        return _hand_quoted(ctx, names, rest, quote)
    how = _quoting(ctx, call, sink, first,
                   _composed(ctx, build, named, kept, passes_parameters(call)))
    if len(names) > 1:
        how = how.replace("quote it", "quote each").replace("check it", "check each").replace(
            "put it in", "put each in").replace("` quotes it", "` quotes them")
    description = (f"{shown} {'stands' if len(names) == 1 else 'stand'} where a name goes, "
                   "which a bound parameter cannot carry: " + how)
    if rest:
        others = ", ".join(dict.fromkeys(f"`{ctx.source(v)}`" for v in rest))
        description += f" Bind the values ({others}) as parameters."
    return Fix(description=description, suggestion=None)


def _hand_quoted(ctx, names: list[ast.expr], rest: list[ast.expr],  # type: ignore[no-untyped-def]
                 quote: str) -> Fix:
    """`FROM "{table}"`: quoted by hand, but a quote inside the name still closes it."""
    one = len(names) == 1
    shown = ", ".join(dict.fromkeys(f"`{ctx.source(v)}`" for v in names))
    mark = "double quotes" if quote == '"' else "backticks"
    example = ctx.source(names[0])
    inner = "'\"', '\"\"'" if quote == '"' else "'`', '``'"
    description = (
        f"{shown} {'stands' if one else 'stand'} in {mark} where a name goes, but "
        f"{'its' if one else 'their'} own {mark} are not doubled, so one inside "
        f"{'it' if one else 'them'} ends the name and the rest runs as SQL: double them "
        f"(`{example}.replace({inner})`), or check {'it' if one else 'each'} against the "
        f"names the code knows before building the statement.")
    if rest:
        others = ", ".join(dict.fromkeys(f"`{ctx.source(v)}`" for v in rest))
        description += f" Bind the values ({others}) as parameters."
    return Fix(description=description, suggestion=None)


def passes_parameters(call: ast.Call) -> bool:
    """The call hands the driver parameters beside the statement (`execute(sql, (b,))`,
    `vars=` / `params=`): psycopg then reads every `%` of the text, so the text's own `%`
    are written for that already (`LIKE 'x%%'`, a `%s` placeholder)."""
    positional = [a for a in call.args if not isinstance(a, ast.Starred)]
    return any(not (isinstance(a, ast.Constant) and a.value is None) for a in positional[1:]) or (
        any(k.arg in ("vars", "params", "parameters") for k in call.keywords))


def _composed(ctx, build: StringBuild, named: set[int],  # type: ignore[no-untyped-def]
              kept: frozenset[int], escaped: bool = False) -> str:
    """The statement as psycopg's `sql.SQL(...).format(...)` takes it: `{}` for each name,
    `%s` for each value, braces doubled; "" when it is too long to show or keeps a part
    as written (a number, a quoted value). `escaped`: the call passes parameters already,
    so the text's `%` are psycopg's as they stand."""
    if "%(" in build.constant_text():
        return ""  # named `%(x)s` parameters already: `%s` beside them would mix styles
    # binding a value makes psycopg read every `%` of the text: double them, unless the
    # call passed parameters already (then they are written that way)
    double = not escaped and any(
        p.value is not None and id(p.value) not in named for p in build.pieces)
    parts: list[str] = []
    args: list[str] = []
    for piece in build.pieces:
        if piece.value is None:
            part = (piece.text or "").replace("{", "{{").replace("}", "}}")
            parts.append(part.replace("%", "%%") if double else part)
        elif id(piece.value) in named:
            parts.append("{}")
            args.append(f"sql.Identifier({ctx.source(piece.value)})")
        elif id(piece.value) in kept or piece.numeric:
            return ""
        else:
            parts.append("%s")
    for i, part in enumerate(parts):
        # a value inside quotes (`'{v}'`) is bound without them; a pattern around it
        # (`'%{q}%'`) is the value's business, not shown here
        if part == "%s" and "".join(parts[:i]).count("'") % 2 == 1:
            if not (parts[i - 1].endswith("'") and i + 1 < len(parts)
                    and parts[i + 1].startswith("'")):
                return ""
            parts[i - 1], parts[i + 1] = parts[i - 1][:-1], parts[i + 1][1:]
    text = " ".join("".join(parts).split())
    if len(text) > 100 or '"' in text or "\\" in text:
        return ""
    return f'sql.SQL("{text}").format({", ".join(args)})'


def _quoting(ctx, call: ast.Call, sink, name: str,  # type: ignore[no-untyped-def]
             composed: str = "") -> str:
    """How to quote `name` with the library that runs the statement."""
    receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
    handle = HandleResolver(ctx).of(receiver) if receiver is not None else None
    library = handle.library if handle is not None else (
        "sqlalchemy" if sink.shape in ("text", "alembic") else "")
    known = ("check it against the names the code knows (an allowlist) before building the "
             "statement")
    if library in ("psycopg2", "psycopg", "aiopg"):
        module = "psycopg2" if library in ("psycopg2", "aiopg") else "psycopg"
        shown = composed or f'sql.SQL("... {{}} ...").format(sql.Identifier({name}))'
        return (f"compose the statement with `{module}.sql` (`from {module} import sql`): "
                f"`{shown}` quotes it (a `schema.table` pair is `sql.Identifier(schema, "
                f"table)`), or {known}.")
    if library == "sqlalchemy":
        if handle is not None and handle.kind == "session" and receiver is not None:
            preparer = f"{ctx.source(receiver)}.get_bind().dialect.identifier_preparer"
        elif handle is not None and handle.kind in ("connection", "engine") and (
                receiver is not None):
            preparer = f"{ctx.source(receiver)}.dialect.identifier_preparer"
        else:
            return (f"quote it with the dialect's identifier preparer "
                    f"(`engine.dialect.identifier_preparer.quote({name})`, of the engine that "
                    f"runs it), or {known}.")
        return f"quote it with `{preparer}.quote({name})`, or {known}."
    if library == "django":
        return (f"quote it with the Django connection's `ops.quote_name()` "
                f"(`connection.ops.quote_name({name})`, or `connections[alias].ops` for the "
                f"database the cursor comes from), or {known}.")
    if library in _MYSQL:
        return (f"{library} has no identifier quoting of its own: {known}, or put it in "
                f"backticks with its backticks doubled (`\"`\" + {name}.replace(\"`\", "
                f"\"``\") + \"`\"`).")
    if library in _POSTGRES_SQLITE:
        return (f"{library} has no identifier quoting of its own: {known}, or put it in "
                f"double quotes with its double quotes doubled (`'\"' + {name}.replace('\"', "
                f"'\"\"') + '\"'`; a quoted name keeps its case).")
    # the library is not in sight (a wrapper, a driver the model does not know): no API to
    # name, and quoting changes how some databases resolve the name
    return (f"{known}, or quote it with the identifier quoting of the driver that runs it (a "
            f"quoted name keeps its case, where an unquoted one is folded).")
