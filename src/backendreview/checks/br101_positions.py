"""Where a runtime part sits in BR101's SQL text: a value position (a placeholder fits
there) or a name / fragment position (a table, a column list, a FROM text), and which
assignments of a local actually reach a use.

The position decides what a parameter with no caller in sight proves. A function that
splices its parameter into a value position (`WHERE name = '{name}'`) is wrong whatever its
callers pass: its contract takes a value and runs it as SQL, so the package's users inject
through it. One that splices it as a name or a fragment (`FROM {table}`, `SELECT {columns}`)
takes SQL from its caller by design: who chose the text is the caller's business, and with no
caller in sight nothing shows an outsider does.
"""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterator
from dataclasses import dataclass

from ..analysis.program import callee_of
from ..analysis.program.facts import Callee
from ..analysis.strings import StringBuild
from .br101_origins import FRAGMENT_NAME, name_sources, parameters_behind

# Text right before a value that puts it where only a datum goes: a comparison, a pattern, a
# list of values, a row count. Deliberately narrower than the fix's own test (a `,` or a `(`
# also opens column lists, a CASE's THEN / ELSE as often gives a column as a datum): a name
# read as a value would make weak evidence strong.
_BEFORE_VALUE = re.compile(
    r"(?:=|<|>|\bLIKE|\bILIKE|\bIN\s*\(|\bLIMIT|\bOFFSET|\bBETWEEN)\s*$",
    re.IGNORECASE)


def value_positions(build: StringBuild) -> set[int]:
    """The ids of the build's runtime values that sit in a value position: inside single
    quotes (`'{x}'`, `'%{q}%'`: a string literal's text), or right after a comparison,
    `LIKE`, `IN (`, `LIMIT` / `OFFSET` when it is no joined list or value named for a
    clause."""
    out: set[int] = set()
    for value, text, after in _surroundings(build):
        # inside a string literal whatever its name says (`'{table}'` is text); bare, a
        # joined list or a value named for a clause after `=` is SQL (`= {subquery}`)
        if (_inside_single_quotes(text) and "'" in after) or (
                _BEFORE_VALUE.search(text) and not _fragment(value)):
            out.add(id(value))
    return out


def _surroundings(build: StringBuild) -> Iterator[tuple[ast.expr, str, str]]:
    """Each runtime value of the build with the SQL text before it (earlier values as
    NUL) and the literal text after it up to the next value."""
    text = ""
    pieces = build.pieces
    for i, piece in enumerate(pieces):
        if piece.value is None:
            text += piece.text or ""
            continue
        after = ""
        for later in pieces[i + 1:]:
            if later.value is not None:
                break
            after += later.text or ""
        yield piece.value, text, after
        text += "\x00"


def _inside_single_quotes(text: str) -> bool:
    """An odd number of single quotes before the value: a string literal is open (`''`
    inside one counts twice, as SQL escapes it)."""
    return text.count("'") % 2 == 1


def _fragment(value: ast.expr) -> bool:
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and (
            value.func.attr == "join"):
        return True
    name = value.id if isinstance(value, ast.Name) else (
        value.attr if isinstance(value, ast.Attribute) else "")
    return bool(name) and bool(FRAGMENT_NAME.search(name))


def value_parameters(ctx, build: StringBuild, values: list[ast.expr]  # type: ignore[no-untyped-def]
                     ) -> tuple[str, ...]:
    """The parameters of the enclosing function behind those of `values` that sit in a
    value position of `build`, and behind the quoted values of a text a loop accumulates
    (`params += "@{}=N'{}', ".format(key, item[key])`, then `EXEC proc {params}`): each
    piece added there is a string literal's text, however the whole is spliced."""
    positions = value_positions(build)
    out: set[str] = set()
    for value in values:
        if id(value) in positions:
            out |= parameters_behind(ctx, value) or set()
        else:
            for quoted in accumulated_quoted(ctx, value):
                out |= parameters_behind(ctx, quoted) or set()
    return tuple(sorted(out))


# What a call returns is its argument's text in another form: a parameter handed to one
# still fills the position (`'{str(name)}'`, `'{", ".join(words)}'`).
_TEXT_CALLS = frozenset({"builtins.str", "builtins.repr", "builtins.format"})
_ARGS_REACH = frozenset({"format", "join", "replace"})  # methods: args reach the text too
_DEPTH = 5  # locals followed, as parameters_behind


@dataclass(frozen=True)
class ValueCall:
    """A call whose result sits in a value position, with a parameter behind its argument
    `key` (a position or a keyword): the parameter fills the position only if the callee
    returns that argument (the project phase asks the program model)."""

    callee: Callee
    key: str
    params: tuple[str, ...]


def level_parameters(ctx, build: StringBuild, values: list[ast.expr]  # type: ignore[no-untyped-def]
                     ) -> tuple[tuple[str, ...], tuple[ValueCall, ...]]:
    """For BR101's level (br101_levels): the parameters whose own text fills a value
    position of `build` among `values`, and the calls a parameter reaches one only through.
    Narrower than value_parameters, which says where a finding may stand: a qualifier
    (`ON a.id = {other}.id`) and the whole of an `IN (...)` list (`IN ({ids})`: a list or a
    subquery, which no one placeholder carries, as query_positions says) are no value
    position here, and a parameter only handed to another call (`placeholder(column)`,
    `marks(ids)`) fills none unless that call returns it. Nor does a variable the same
    statement splices bare where a name goes: after a comparison it is that column again
    (`SET {counter} = {counter} + 1`); nor a bare part a SET assigns to a spliced column
    (`SET {column} = {copy_from}`: SQL the caller writes, a text value would be quoted)."""
    params: set[str] = set()
    calls: dict[ValueCall, None] = {}
    places = [(value, text, after, _inside_single_quotes(text) and "'" in after,
               bool(_BEFORE_VALUE.search(text)) and not _fragment(value)
               and not after.startswith(".")
               and not (_BEFORE_QUERY.search(text) and _AFTER_QUERY.match(after))
               and not _NAME_PAIR.search(text))
              for value, text, after in _surroundings(build)]
    named = {value.id for value, _, _, quoted, compared in places
             if isinstance(value, ast.Name) and not quoted and not compared}
    for value, _, _, quoted, compared in places:
        if not any(value is v for v in values):
            continue
        if compared and not quoted and isinstance(value, ast.Name) and value.id in named:
            compared = False
        if quoted or compared:
            params |= _spliced(ctx, value, calls, 0, set())
        else:
            for piece in accumulated_quoted(ctx, value):
                params |= _spliced(ctx, piece, calls, 0, set())
    return tuple(sorted(params)), tuple(calls)


# `SET {column} = {copy_from}`: a bare part assigned to a column the statement itself
# splices is SQL the caller writes (a source column, an expression: a text value would need
# quotes); with no request data behind it, no value position for the level. A WHERE's
# `{column} = {value}` stays one. The spliced column must open an item of the SET list
# (right after `SET` or a comma), with no clause or expression keyword since `SET`: `CASE
# WHEN {column} = {value}` and `JOIN u ON {column} = {value}` compare a value.
_NAME_PAIR = re.compile(r"\bSET\b(?:(?:(?!\b(?:WHERE|CASE|WHEN|THEN|ELSE|ON|FROM|JOIN|SELECT"
                        r"|AND|OR|NOT|HAVING|IN|LIKE|IS)\b)[^;])*,)?\s*\x00\s*=\s*$",
                        re.IGNORECASE)


def _spliced(ctx, value: ast.expr, calls: dict[ValueCall, None],  # type: ignore[no-untyped-def]
             depth: int, seen: set[int]) -> set[str]:
    """The parameters whose text `value` is: as they are, through locals, string building,
    `str()` and the objects whose methods or attributes give it; the arguments of other
    calls go to `calls`, not a key of a lookup (`STYLES[style]`) nor a test."""
    if depth > _DEPTH or id(value) in seen:
        return set()
    seen.add(id(value))
    out: set[str] = set()
    todo: list[ast.AST] = [value]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Store):
                continue
            params, assigned = name_sources(ctx, node)
            out |= params
            for source in assigned:
                out |= _spliced(ctx, source, calls, depth + 1, seen)
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute):
                # what a method returns comes from its object (`name.strip()`, a row of
                # `apps.get_model(...).objects.all()`)
                todo.append(func.value)
            if (isinstance(func, ast.Attribute) and func.attr in _ARGS_REACH) or (
                    ctx.qualified_name(func) in _TEXT_CALLS):
                todo += [*node.args, *(k.value for k in node.keywords)]
                continue
            callee = callee_of(ctx, node)
            for key, arg in [*((str(i), a) for i, a in enumerate(node.args)),
                             *((k.arg, k.value) for k in node.keywords if k.arg)]:
                if isinstance(arg, ast.Starred):
                    break  # the positions after it are not known
                behind = parameters_behind(ctx, arg)
                if callee is not None and behind:
                    calls[ValueCall(callee, key, tuple(sorted(behind)))] = None
        elif isinstance(node, ast.IfExp):
            todo += [node.body, node.orelse]  # the test only chooses
        elif isinstance(node, ast.Subscript):
            todo.append(node.value)  # `names[0]`, `text[:10]`; not the key of a lookup
        elif isinstance(node, ast.comprehension):
            todo.append(node.iter)  # not its `if` filters
        elif not isinstance(node, ast.Lambda):
            todo += list(ast.iter_child_nodes(node))
    return out


def quoted_parameters(ctx, build: StringBuild, values: list[ast.expr]  # type: ignore[no-untyped-def]
                      ) -> tuple[str, ...]:
    """The parameters behind those of `values` that sit inside single quotes (`'{x}'`, a
    string literal's text), directly or in the `+=` pieces of a local: where text, not a
    number or a name, goes (second-order text, BR101)."""
    out: set[str] = set()
    text = ""
    wanted = {id(v) for v in values}
    pieces = build.pieces
    for i, piece in enumerate(pieces):
        if piece.value is None:
            text += piece.text or ""
            continue
        if id(piece.value) in wanted:
            after = next((p.text or "" for p in pieces[i + 1:i + 2] if p.value is None), "")
            if _inside_single_quotes(text) and "'" in after:
                out |= parameters_behind(ctx, piece.value) or set()
            else:
                for quoted in accumulated_quoted(ctx, piece.value):
                    out |= parameters_behind(ctx, quoted) or set()
        text += "\x00"
    return tuple(sorted(out))


def accumulated_quoted(ctx, name: ast.expr, depth: int = 0  # type: ignore[no-untyped-def]
                        ) -> list[ast.expr]:
    """The values a local's `+=` pieces put inside single quotes: `"... '{}' ...".format(v)`
    or `f"... '{v}' ..."` added to it; also through a slice of it (`params[:-2]`, `params =
    params[:-2]`: the trailing separator cut)."""
    while isinstance(name, ast.Subscript) and isinstance(name.slice, ast.Slice):
        name = name.value
    if not isinstance(name, ast.Name) or depth > 2:
        return []
    out: list[ast.expr] = []
    for binding in ctx.reaching_bindings(name):
        if binding.kind == "assign" and isinstance(binding.value, ast.Subscript) and (
                binding.value is not name):
            out += accumulated_quoted(ctx, binding.value, depth + 1)
            continue
        piece = binding.value if binding.kind == "augassign" else None
        if isinstance(piece, ast.JoinedStr):
            text = ""
            for part in piece.values:
                if isinstance(part, ast.FormattedValue):
                    if _inside_single_quotes(text):
                        out.append(part.value)
                    text += "\x00"
                elif isinstance(part, ast.Constant) and isinstance(part.value, str):
                    text += part.value
        elif isinstance(piece, ast.Call) and isinstance(piece.func, ast.Attribute) and (
                piece.func.attr == "format") and isinstance(piece.func.value, ast.Constant) \
                and isinstance(piece.func.value.value, str) and not piece.keywords:
            try:
                fields = list(string.Formatter().parse(piece.func.value.value))
            except ValueError:
                continue
            text, auto = "", 0
            for literal, field, _, _ in fields:
                text += literal
                if field is None:
                    continue
                # isdecimal, not isdigit: int() refuses "{²}", which isdigit admits
                index = auto if field == "" else int(field) if field.isdecimal() else None
                auto += field == ""
                if index is not None and index < len(piece.args) and _inside_single_quotes(
                        text):
                    out.append(piece.args[index])
                text += "\x00"
    return out


# -- which assignments reach a use --------------------------------------------------------
def reaching_assignments(ctx, use: ast.Name, bindings: list) -> list:  # type: ignore[no-untyped-def,type-arg]
    """`bindings` (the semantic model's, every earlier one of the function) without those a
    later assignment kills on every path to `use`: one in the use's own block or an
    enclosing one, before it (`query = f"SELECT ..."`, then in a branch `query = f"UPDATE
    ..."` and the call), or an `if` / `else` chain that assigns on each of its branches."""
    if len(bindings) < 2:
        return bindings
    cut = 0
    node: ast.AST | None = ctx.semantic.statement_of(use)
    while node is not None and not isinstance(
            node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Module):
        parent = ctx.semantic.parent(node)
        if parent is None:
            break
        block = _block_of(parent, node)
        if block is not None:
            for stmt in reversed(block[:block.index(node)]):  # type: ignore[arg-type]
                if _assigns(stmt, use.id):
                    cut = max(cut, stmt.lineno)
                    break
        node = parent
    if not cut:
        return bindings
    return [b for b in bindings if b.lineno >= cut]


def _block_of(parent: ast.AST, node: ast.AST) -> list[ast.stmt] | None:
    for field in ("body", "orelse", "finalbody"):
        block = getattr(parent, field, None)
        if isinstance(block, list) and any(s is node for s in block):
            return block
    return None


def _assigns(stmt: ast.stmt, name: str) -> bool:
    """`stmt` assigns `name` whichever way it runs."""
    if isinstance(stmt, ast.Assign):
        return any(isinstance(n, ast.Name) and n.id == name
                   for t in stmt.targets for n in ast.walk(t))
    if isinstance(stmt, ast.AnnAssign):
        return stmt.value is not None and isinstance(stmt.target, ast.Name) and (
            stmt.target.id == name)
    if isinstance(stmt, ast.If):
        return bool(stmt.orelse) and _block_assigns(stmt.body, name) and _block_assigns(
            stmt.orelse, name)
    if isinstance(stmt, ast.With | ast.AsyncWith):
        return _block_assigns(stmt.body, name)
    return False


def _block_assigns(block: list[ast.stmt], name: str) -> bool:
    return any(_assigns(stmt, name) for stmt in block)


# `AS ({q})`, `FROM ({q}) t`, `IN ({q})`: a part that is a whole query in parentheses.
_BEFORE_QUERY = re.compile(r"(?:\bAS|\bFROM|\bJOIN|\bIN|\bEXISTS|\bUNION(?:\s+ALL)?)\s*\(\s*$",
                           re.IGNORECASE)
_AFTER_QUERY = re.compile(r"^\s*\)")


def query_positions(build: StringBuild) -> set[int]:
    """The ids of the build's runtime values spliced in as a whole query in parentheses
    (`CREATE TABLE t AS ({entity_df})`): neither a placeholder nor identifier quoting can
    carry one."""
    return {id(value) for value, text, after in _surroundings(build)
            if _BEFORE_QUERY.search(text) and _AFTER_QUERY.match(after)}
