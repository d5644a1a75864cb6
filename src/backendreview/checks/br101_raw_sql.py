"""BR101 raw-sql: SQL text built from runtime values reaches a database sink (CWE-89)."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from ..analysis.dbapi import (
    CONSTRUCTORS,
    DOLLAR_NAMED,
    FORMAT,
    NAMED,
    NUMERIC_DOLLAR,
    QMARK,
    UNKNOWN,
    HandleResolver,
)
from ..analysis.frameworks.routes import project_routes
from ..analysis.paths import is_migration_path
from ..analysis.program import ConstNeed, constant_needs, program_of, static_args
from ..analysis.program.numbers import number_needs
from ..analysis.program.sqlflow import is_entry_point, summaries_of
from ..analysis.sinks import Sink, SinkFinder
from ..analysis.strings import Piece, StringAnalyzer, StringBuild
from ..analysis.wrappers import same_file_wrapper
from ..model import Edit, Finding, Fix, Related
from .base import ProjectRule, Rule
from .br101_calls import (
    CANDIDATES,
    FlowRecorder,
    check_calls,
    filled_by_calls,
    parameter_evidence,
)
from .br101_cypher import cypher_fix, runs_age_cypher
from .br101_identifiers import identifier_fix, passes_parameters
from .br101_levels import MIGRATION_REASON, entry_point_reason, file_place_reason, weaken
from .br101_origins import (
    EVIDENCE,
    HELPER,
    SAFE,
    Origin,
    classify,
    parameters_behind,
)
from .br101_origins import (
    FRAGMENT_NAME as _FRAGMENT_NAME,
)
from .br101_positions import (
    ValueCall,
    accumulated_quoted,
    level_parameters,
    quoted_parameters,
    value_parameters,
)
from .br102_scripts import ScriptPaths
from .confidence import NOTE, as_note

_SQL_COMMENTS = re.compile(r"^(?:\s*(?:--[^\n]*(?:\n|$)|/\*[\s\S]*?\*/))*")
_SQL_START = re.compile(
    r"^\s*\(?\s*(?:"
    r"select\s[\s\S]*?\bfrom\b|select\s+[\w*]|insert\s+(?:or\s+\w+\s+)?into\b"
    r"|update\s+\S+\s+set\b|delete\s+from\b|with\s+(?:recursive\s+)?\w+\s+as\s*\("
    r"|replace\s+into\b|merge\s+into\b|truncate\b|upsert\b"
    r"|(?:create|alter|drop)\s+(?:or\s+replace\s+)?(?:table|index|view|schema|database"
    r"|sequence|function|trigger|unique\s+index|temporary\s+table|temp\s+table|user|role"
    r"|extension|type|materialized\s+view|procedure)\b"
    r"|pragma\s+\w|copy\s+\S+\s+(?:from|to)\b|vacuum\b|reindex\b|grant\s|revoke\s"
    r"|refresh\s+materialized\s+view\b|comment\s+on\b|attach\s+database\b)",
    re.IGNORECASE,
)
# Short commands that are also English words: only in upper case, as SQL is written.
_SQL_START_UPPER = re.compile(
    r"^\s*(?:SHOW|SET|USE|CALL|KILL|CANCEL|EXPLAIN|DESCRIBE|LOCK|NOTIFY|LISTEN|DECLARE"
    r"|EXEC|EXECUTE|ANALYZE|OPTIMIZE|RENAME|LOAD\s+DATA|BEGIN|DETACH)\s+\S")
# Statements whose arguments cannot be bound parameters in common drivers.
_UNBINDABLE = re.compile(
    r"^\s*\(?\s*(?:pragma|set|show|use|kill|cancel|notify|listen|create|alter|drop|truncate"
    r"|grant|revoke|reindex|vacuum|analyze|optimize|rename|comment|lock|attach|detach"
    r"|refresh|copy|load|explain|describe)\b",
    re.IGNORECASE,
)
_DDL_KEYWORDS = frozenset({"server_default", "server_onupdate", "postgresql_where",
                           "sqlite_where", "mssql_where", "info", "comment"})


def looks_like_sql(text: str) -> bool:
    body = _SQL_COMMENTS.sub("", text, count=1)
    return bool(_SQL_START.match(body) or _SQL_START_UPPER.match(body))


# Cypher reads as a pattern: `MATCH (n ...)`, `MERGE (`, `CREATE (`, `UNWIND $x AS y`,
# `CALL db.labels()`; "match", "create" and "call" alone are English words.
_CYPHER_START = re.compile(
    r"^\s*(?:(?:optional\s+)?match\s*\(|merge\s*\(|create\s*\(|unwind\s+\S+\s+as\s"
    r"|call\s+\w+\.\w)", re.IGNORECASE)


def looks_like_query(text: str, language: str) -> bool:
    """Whether `text` reads as a statement of `language` (SQL; InfluxQL, whose SELECT /
    SHOW / DELETE / DROP read as SQL's; Cypher)."""
    if language == "Cypher":
        return bool(_CYPHER_START.match(text))
    return looks_like_sql(text)

# An imported template named for SQL (USER_QUERY, sql_select_user, UPDATE_STMT).
_SQL_TEMPLATE_NAME = re.compile(r"(?i)sql|query|stmt|statement|select|insert|update|delete")

# Words before a value that mark a place where a bound parameter can stand.
_VALUE_CONTEXT = re.compile(
    r"(?:=|<|>|<>|!=|\(|,|\bLIKE|\bILIKE|\bIN|\bIS|\bVALUES|\bLIMIT|\bOFFSET|\bBETWEEN|\bAND"
    r"|\bTHEN|\bELSE|\bWHEN|\+|-|\*|/)\s*$",
    re.IGNORECASE,
)
_IDENTIFIER_CONTEXT = re.compile(
    r"(?:\bFROM|\bJOIN|\bINTO|\bUPDATE|\bTABLE|\bBY|\bSELECT|\bAS|\bON|\.|\bEXISTS|\bINDEX"
    r"|\bSCHEMA|\bVIEW|\bDISTINCT)\s*$",
    re.IGNORECASE,
)


class RawSQL(Rule):
    id = "BR101"
    OPTIONS: ClassVar[dict[str, type]] = {"extra-sinks": list, "unknown-origins": bool}

    def __init__(self, ctx, doc) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx, doc)
        self.handles = HandleResolver(ctx)
        self.strings = StringAnalyzer(ctx)
        self.sinks = SinkFinder(ctx, self.handles, self.option("extra-sinks", ()),
                                other_languages=True)
        self.flow = FlowRecorder(ctx, self.strings, looks_like_sql)
        self._calls_by_name: dict[str, list[ast.Call]] | None = None
        # Per function: the parameters it runs as SQL text of their own (see br101_origins).
        self.sql_params: dict[int, set[str]] = {}

    # -- detection -----------------------------------------------------------------------------
    def visit_Call(self, node: ast.Call) -> None:
        sink = self.sinks.sink(node)
        # A database call's own SQL text is judged here, once: not again as text handed to
        # a helper (`self.execute(f"...")` on a wrapper the program model also resolves).
        self.flow.call(node, skip=sink.sql_arg if sink is not None else None)
        if sink is None:
            return
        build = self.strings.analyze(sink.sql_arg)
        if build is None or not build.is_dynamic:
            self.flow.sink(node, sink.label, sink.sql_arg, [])
            return
        if not sink.resolved and not looks_like_query(build.constant_text().replace(
                "\x00", " x "), sink.language) and not self._sql_template(node, build):
            return
        if sink.shape == "text" and self._in_ddl_argument(node):
            return
        if _migration_ddl(self.ctx, node):
            return  # a migration operation's DDL, through the schema editor it is handed
        if is_migration_path(self.ctx.policy_path) and all(
                _read_back(self.ctx, value) for value in build.dynamic_values):
            return  # a migration rewriting rows with values it just read from them
        only_values = not build.imported_template and not build.constant_text().replace(
            "\x00", "").strip()
        func = self.ctx.semantic.enclosing_function(node)
        sql_params = self.sql_params.setdefault(id(func), set())
        subquery = _whole_subqueries(build)
        if only_values and any(self._own_sql_text(v) for v in build.dynamic_values):
            only_values = False  # the statement's text is in a local this function wrote
        quotes = _quotes_around(build)
        origins = [(value, classify(
            self.ctx, value, node, (only_values or id(value) in subquery)
            and not self._own_sql_text(value), frozenset(sql_params), quotes.get(id(value), "")))
            for value in build.dynamic_values]
        for _, origin in origins:
            if origin.kind == HELPER:
                sql_params.update(origin.params)
        if sql_params:
            # A parameter this very statement uses as a subquery is SQL text elsewhere in it.
            origins = [(value, origin if origin.kind != EVIDENCE else classify(
                self.ctx, value, node, False, frozenset(sql_params)))
                for value, origin in origins]
        shown = [(value, origin) for value, origin in origins
                 if origin.kind not in (SAFE, HELPER)]
        self.flow.sink(node, sink.label, sink.sql_arg,
                       [o.param for _, o in origins if o.kind == HELPER and o.param])
        if not shown:
            # Only safe parts, or SQL its caller wrote: the project phase checks the callers.
            return
        if not any(origin.kind == EVIDENCE for _, origin in shown) and not self.option(
                "unknown-origins", False):
            return  # nothing shows an outsider chooses the parts (see br101_origins)
        self._report(node, sink, build, shown,
                     frozenset(id(v) for v, o in origins if o.kind == SAFE))

    def _own_sql_text(self, value: ast.expr) -> bool:
        """A local that holds a statement this function wrote (`index_sql = f"CREATE INDEX
        {name} ..."`, then `f"{index_sql} {options}"`): not SQL the caller wrote."""
        if not isinstance(value, ast.Name):
            return False
        for binding in self.ctx.reaching_bindings(value):
            if binding.value is None or binding.value is value:
                continue
            build = self.strings.analyze(binding.value)
            if build is not None and looks_like_sql(build.constant_text().replace(
                    "\x00", " x ")):
                return True
        return False

    def visit_Return(self, node: ast.Return) -> None:
        self.flow.returned(node)

    def end_file(self) -> None:
        self.flow.end_file()

    def _sql_template(self, call: ast.Call, build: StringBuild) -> bool:
        """An imported template formatted into `cursor.execute()` (or named for SQL) is SQL
        even though its text lives in another module."""
        name = build.imported_template
        if not name:
            return False
        method = call.func.attr if isinstance(call.func, ast.Attribute) else ""
        return method in ("execute", "executemany", "executescript", "mogrify") or bool(
            _SQL_TEMPLATE_NAME.search(name))

    def _in_ddl_argument(self, call: ast.Call) -> bool:
        """`Column(server_default=text(...))`, `Index(..., postgresql_where=text(...))`: DDL
        written by the code, not a query run with request data."""
        parent = self.ctx.semantic.parent(call)
        return isinstance(parent, ast.keyword) and parent.arg in _DDL_KEYWORDS

    # -- reporting -----------------------------------------------------------------------------
    def _report(self, call: ast.Call, sink: Sink, build: StringBuild,
                parts: list[tuple[ast.expr, Origin]], kept: frozenset[int] = frozenset()
                ) -> None:
        """`kept`: the parts that are safe as they are (quoted, numbers): the fix leaves
        them in the text and never binds them (binding `literal_string(x)` would compare
        with the quotes included)."""
        values = _unique_sources(self.ctx, [value for value, _ in parts])
        shown = ", ".join(f"`{v}`" for v in values[:3])
        if len(values) > 3:
            shown += f" and {len(values) - 3} more"
        how = " and ".join(build.constructs) or "string building"
        message = f"{sink.language} passed to `{sink.label}` is built with {how} from {shown}"
        related: list[Related] = []
        build_lines = sorted({n.lineno for n in build.built_at if hasattr(n, "lineno")})  # type: ignore[attr-defined]
        # the call's own lines are no other place: an f-string on the line after
        # `cursor.execute(` is the call's argument, not where a part was built
        last = call.end_lineno or call.lineno
        outside = [line for line in build_lines if not call.lineno <= line <= last]
        if outside:
            where = ", ".join(str(line) for line in outside)
            message += f" (built on line{'s' if len(outside) > 1 else ''} {where})"
            related = [Related(self.ctx.line_span(line), "the SQL text is built here")
                       for line in outside]
        fix = _fix(self.ctx, call, sink, build, kept)
        if " is built piece by piece with values inside quotes " in fix.description:
            message += ("; bind the values its pieces quote, and quote or allowlist any name "
                        "among the parts")
        elif fix.description.startswith(_WHOLE_QUERY):
            message += ("; a bound parameter cannot carry a whole query: compose it from parts "
                        "the code controls")
        elif fix.suggestion is not None or "parameters this call already passes" in (
                fix.description) or "as this call's parameters" in fix.description or (
                build.imported_template):
            message += "; pass the values as bound parameters"
        else:
            message += ("; a bound parameter cannot carry this part, so check it against an "
                        "allowlist or quote it as an identifier")
        severity = None
        if not any(origin.kind == EVIDENCE for _, origin in parts):
            # Nothing shows an outsider chooses these parts: worth a look, not an alarm.
            message = as_note(message, next(o.reason for _, o in parts))
            severity = NOTE
        weak, plain = None, message
        if severity is None:
            if self._names_from_entry_point(call, build, parts):
                return  # never true on the tuning half (br101_levels): no finding
            weak = self._weak_evidence(call, build, parts)
            if weak is not None:
                message, severity = as_note(message, weak), NOTE
        finding = self.report(call, message, fix=fix, related=tuple(related),
                              severity=severity)
        receiver = _imported_receiver(self.ctx, call) if sink.style == UNKNOWN else None
        session_fix = None
        if receiver is not None and fix.suggestion is not None:
            # `db.session.execute(...)` on a `db` of another module: if the program model
            # finds it a (Flask-)SQLAlchemy object, the fix is text() with `:name` values
            alternative = _fix(self.ctx, call, replace(sink, style=NAMED), build, kept)
            if alternative.suggestion is not None:
                session_fix = SessionFix(receiver[0], receiver[1], alternative)
        needs = self._constant_needs([value for value, _ in parts])
        params: set[str] = set()
        if needs is None and all(origin.kind == EVIDENCE for _, origin in parts):
            # Built only from parameters: constant when every caller passes a constant.
            for value, _ in parts:
                found = parameters_behind(self.ctx, value)
                if not found:
                    params = set()
                    break
                params |= found
            if params and self._called_here_with_constants(call, params):
                needs = []
        evidence = [origin for _, origin in parts if origin.kind == EVIDENCE]
        origin_params = sorted({p for o in evidence for p in o.params}) if evidence and all(
            o.params for o in evidence) else []
        func = self.ctx.semantic.enclosing_function(call)
        if origin_params and self._entry_point(func):
            # A route, a callback, a view taking the request: its parameters come from
            # outside (ParamSummaries.param_origin says the same in the project phase, so
            # the per-file result stands on its own).
            origin_params = []
        if needs is not None or origin_params:
            # Every dynamic part may be a constant made elsewhere (a function returning a
            # literal, a class attribute), or the evidence is a parameter whose callers say
            # where it comes from: the project phase decides with the program model.
            self.ctx.findings.remove(finding)
            owner = (self.ctx.path, func.lineno) if func is not None else None
            if weak is not None:
                # the project phase adds what it finds of the callers first, then the note
                finding = replace(finding, message=plain, severity=self.doc.severity)
            self.ctx.emit_fact(DEFERRED, DeferredSql(
                finding, owner, tuple(needs) if needs is not None else None,
                tuple(sorted(params)), tuple(origin_params),
                value_parameters(self.ctx, build, [value for value, _ in parts]),
                quoted_parameters(self.ctx, build, [value for value, _ in parts]),
                session_fix, weak=weak or "",
                level_params=level_parameters(self.ctx, build, [value for value, _ in parts])))
        elif session_fix is not None:
            # the finding stands; its fix waits for the program model's answer
            self.ctx.findings.remove(finding)
            self.ctx.emit_fact(DEFERRED, DeferredSql(finding, None, None,
                                                     session_fix=session_fix, fix_only=True))

    def _weak_evidence(self, call: ast.Call, build: StringBuild,
                       parts: list[tuple[ast.expr, Origin]]) -> str | None:
        """Why the evidence behind a finding that has some is not positive (br101_levels):
        it runs outside any request. None: a warning here; the evidence of parameters with
        callers is judged in the project phase."""
        return file_place_reason(self.ctx, call)

    def _names_from_entry_point(self, call: ast.Call, build: StringBuild,
                                parts: list[tuple[ast.expr, Origin]]) -> bool:
        """The only evidence is parameters of an entry point that is no route handler (a
        task, a callback, a hook), spliced where a name or a fragment goes: SQL whose names
        its callers write by design, never true on the tuning half (br101_levels)."""
        evidence = [(value, origin) for value, origin in parts if origin.kind == EVIDENCE]
        if not evidence or any(not origin.params for _, origin in evidence):
            return False  # request data, read here
        func = self.ctx.semantic.enclosing_function(call)
        if not self._entry_point(func):
            return False
        spliced, calls = level_parameters(self.ctx, build, [value for value, _ in evidence])
        if spliced or calls:
            return False  # a value position (through a call the file cannot follow: kept)
        return entry_point_reason(
            self.ctx, func, {p for _, o in evidence for p in o.params}) is not None

    def _entry_point(self, func: ast.AST | None) -> bool:
        if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            return False
        args = [*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs]
        # A decorator of the project's own is left to the project phase: it may only wrap
        # the function (`@exclusive(LOCK)`) and leave its callers the project's, which
        # ParamSummaries.param_origin finds by resolving it. A library's (a route) decides.
        decorators = [self.ctx.source(d.func if isinstance(d, ast.Call) else d)
                      for d in func.decorator_list if not self._project_decorator(d)]
        parent = self.ctx.semantic.parent(func)
        bases = [self.ctx.source(b) for b in parent.bases] if isinstance(
            parent, ast.ClassDef) else []
        return is_entry_point(func.name, [a.arg for a in args], decorators, bases)

    def _project_decorator(self, decorator: ast.expr) -> bool:
        """`decorator` is defined in this project, as far as this file shows: a function of
        this file, a name imported from a relative module or from this package."""
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Name):
            bindings = self.ctx.semantic.lookup(target.id, target)[1]
            if len(bindings) == 1 and bindings[0].kind == "def":
                return True
            if len(bindings) == 1 and isinstance(bindings[0].node, ast.ImportFrom) and (
                    bindings[0].node.level > 0):
                return True
        name = self.ctx.qualified_name(target) or ""
        package = self.ctx.module.split(".", 1)[0]
        return bool(package) and name.startswith(f"{package}.")

    def _file_calls(self, name: str) -> list[ast.Call]:
        """The calls of this file that name `name` (`name(...)`, `x.name(...)`)."""
        if self._calls_by_name is None:
            self._calls_by_name = {}
            for call in ast.walk(self.ctx.tree):
                if isinstance(call, ast.Call):
                    called = call.func.attr if isinstance(call.func, ast.Attribute) else (
                        call.func.id if isinstance(call.func, ast.Name) else None)
                    if called:
                        self._calls_by_name.setdefault(called, []).append(call)
        return self._calls_by_name.get(name, [])

    def _called_here_with_constants(self, node: ast.AST, params: set[str]) -> bool:
        """This file calls the enclosing function, and every such call passes literals or
        classes for `params` (`update_key_type_rsa(1024)`): worth asking the project phase
        whether every call in the project does. Otherwise the finding stands at once."""
        func = self.ctx.semantic.enclosing_function(node)
        if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef) or any(
                not same_file_wrapper(self.ctx, d) for d in func.decorator_list):
            return False
        calls = self._file_calls(func.name)
        names = [a.arg for a in [*func.args.posonlyargs, *func.args.args]]
        bound = 1 if names and names[0] in ("self", "cls") else 0
        for call in calls:
            fixed = set(static_args(self.ctx, call))
            for param in params:
                index = names.index(param) - bound if param in names else -1
                if str(index) not in fixed and param not in fixed:
                    return False
        return bool(calls)

    def _constant_needs(self, values: list[ast.expr]) -> list[ConstNeed] | None:
        out: list[ConstNeed] = []
        for value in values:
            # a constant, or a number read from the database (`ws.id` of a row of a model
            # that declares `id` an integer column): the project phase checks either
            found = constant_needs(self.ctx, value, quoted=True)
            if found is None:
                found = number_needs(self.ctx, value)
            if found is None:
                return None
            out += [n for n in found if n not in out]
        return out


DEFERRED = "br101_deferred"


@dataclass(frozen=True)
class DeferredSql:
    """A BR101 finding whose dynamic parts are all calls or class attributes that may be
    constants: reported unless the program model shows they are."""

    finding: Finding
    owner: tuple[str, int] | None  # the enclosing function (path, def line)
    # None: some part is no constant whatever the model says
    needs: tuple[ConstNeed, ...] | None
    # Parameters of the enclosing function the parts are built from: the finding stands
    # unless every call of the function passes a constant for each.
    params: tuple[str, ...] = ()
    # The evidence is these parameters alone (no request data): the finding stands when a
    # call passes a runtime value for one; no resolved call makes it of unknown origin.
    origin_params: tuple[str, ...] = ()
    # Those of the parameters behind parts in a value position (br101_positions): with no
    # caller in sight, only they are evidence.
    value_params: tuple[str, ...] = ()
    # Those inside a quoted literal (br101_positions.quoted_parameters): second-order text
    # when a caller fills them with what it reads back.
    quoted_params: tuple[str, ...] = ()
    # The fix to give when the call's receiver, an object imported from another module,
    # is a SQLAlchemy session (see SessionFix); None: the finding's own fix stands.
    session_fix: SessionFix | None = None
    # Only the fix waits: the finding stands whatever the model says of its parts.
    fix_only: bool = False
    # Why the evidence is weak, as the file shows (br101_levels): a note with this reason,
    # after the project phase has named the calls that bring the input.
    weak: str = ""
    # For the level (br101_positions.level_parameters): the parameters whose own text fills
    # a value position, and the calls one reaches a value position through; None: as
    # value_params.
    level_params: tuple[tuple[str, ...], tuple[ValueCall, ...]] | None = None


@dataclass(frozen=True)
class SessionFix:
    """`db.session.execute(sql)` where `db` is imported: the file cannot type it, so its
    fix uses the driver's `%s` marks; a Flask-SQLAlchemy `db` (or a SQLAlchemy session)
    takes only `text()` with `:name` parameters (SQLAlchemy 2 rejects a plain string)."""

    ref: str  # the imported object, as the file's imports name it
    chain: str  # "session": `db.session.execute`; "": `session.execute`
    fix: Fix

    def applies(self, program: Any) -> bool:  # type: ignore[no-untyped-def]
        made = program.instance_of(self.ref)
        handle = CONSTRUCTORS.get(made or "")
        if handle is None or handle.library != "sqlalchemy":
            return False
        kinds = ("flask-sqlalchemy",) if self.chain == "session" else (
            "session", "flask-sqlalchemy")
        return handle.kind in kinds


class RawSQLThroughCalls(ProjectRule):
    """The project half of BR101: SQL built from what other functions return or classes
    declare is reported only when those are not all constants."""

    id = "BR101"
    OPTIONS: ClassVar[dict[str, type]] = {"unknown-origins": bool}
    # routes: which entry points are route handlers (br101_levels), which files serve
    needs_facts: ClassVar[tuple[str, ...]] = ("program", "routes")
    one_file_ok = True

    def check(self, facts: dict[str, list[Any]]) -> None:
        deferred: list[DeferredSql] = facts.get(DEFERRED, [])
        if not deferred and not facts.get(CANDIDATES):
            return
        program = program_of(facts)
        routes = project_routes(facts)
        handlers = frozenset((route.handler_file, route.handler_line) for route in routes)
        scripts = ScriptPaths([route.handler_file for route in routes])
        self.findings += check_calls(program, facts, self.doc.severity,
                                     self.option("unknown-origins", False), handlers)
        summaries = summaries_of(program, facts)
        for item in deferred:
            if item.fix_only:
                self.findings.append(_session_fixed(item, program))
                continue
            owner = program.function_at(*item.owner) if item.owner else None
            constant_params = owner is not None and all(
                summaries.always_constant(owner, p) for p in item.params)
            if item.needs is not None and program.satisfied(owner, item.needs) and not (
                    item.params and not constant_params):
                continue
            # Second-order text is what the callers read themselves: the model cannot tell
            # a stored document from their configuration (on the tuning half it was a
            # backup command's configured user), so it is unknown origin, reported with
            # the option that audits those
            finding = parameter_evidence(
                summaries, owner, item.origin_params, item.finding, item.value_params,
                item.quoted_params if self.option("unknown-origins", False) else (),
                handlers, item.weak, None if item.level_params is None else
                filled_by_calls(summaries, owner, *item.level_params))
            if finding is not None and item.weak:
                finding = weaken(finding, item.weak)
            if finding is not None:
                self.findings.append(_session_fixed(replace(item, finding=finding), program))
        # code that runs outside any request, by the path policy BR102 shares: a note
        self.findings = [_place_note(finding, scripts) for finding in self.findings]


def _place_note(finding: Finding, scripts: ScriptPaths) -> Finding:
    reason = MIGRATION_REASON if is_migration_path(finding.path) else scripts.path_reason(
        finding.path)
    return finding if reason is None else weaken(finding, reason)


def _session_fixed(item: DeferredSql, program: Any) -> Finding:  # type: ignore[no-untyped-def]
    """The item's finding, with the SQLAlchemy fix when its receiver is a session."""
    if item.session_fix is None or not item.session_fix.applies(program):
        return item.finding
    return replace(item.finding, fix=item.session_fix.fix)


def _imported_receiver(ctx, call: ast.Call) -> tuple[str, str] | None:  # type: ignore[no-untyped-def]
    """`db.session.execute(...)` / `session.execute(...)` where `db` / `session` is a name
    imported from another module: its dotted name and whether `.session` is read off it."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr in ("execute", "scalar", "scalars")):
        return None
    root, chain = func.value, ""
    if isinstance(root, ast.Attribute) and root.attr == "session":
        root, chain = root.value, "session"
    if not isinstance(root, ast.Name):
        return None
    bindings = ctx.semantic.lookup(root.id, root)[1]
    if len(bindings) != 1 or not isinstance(bindings[0].node, ast.ImportFrom):
        return None
    qualified = ctx.qualified_name(root)
    return (qualified, chain) if qualified else None


def _quotes_around(build: StringBuild) -> dict[int, str]:
    """The quote each value sits in (`'{x}'`), by the text right before and after it."""
    out: dict[int, str] = {}
    pieces = build.pieces
    for i, piece in enumerate(pieces):
        if piece.value is None or i == 0 or i + 1 >= len(pieces):
            continue
        before, after = pieces[i - 1].text or "", pieces[i + 1].text or ""
        if before[-1:] in ("'", '"', "`") and after[:1] == before[-1:]:
            out[id(piece.value)] = before[-1:]
    return out


_SUBQUERY_OPEN = re.compile(r"(?i)\b(?:from|join|exists|as)\s*\(\s*$")


# A value named for SQL text (`sql_query`, `rendered_sql`, `from_expression`): spliced
# outside quotes, a statement or expression the caller wrote, not a table or column name.
# The SQL word is the name's head (last, before a `_str` / `_text`); a clause word first
# names a clause, not a whole query (`default_statement_str`: ` DEFAULT 0`).
_SQL_TEXT_NAME = re.compile(r"(?:^|_)(?:sql|query|subquery|statement|stmt|expression)"
                            r"(?:_(?:str|text|string))?$", re.I)
_STATEMENT_PLACE = re.compile(r"(?:^|\b(?:from|join|explain|union(?:\s+all)?|as)|\()\s*$",
                              re.I)
_CLAUSE_WORDS = frozenset({"default", "where", "order", "sort", "filter", "set", "having",
                           "group", "limit", "offset", "values", "value", "condition",
                           "conditions", "join", "column", "columns", "update", "insert"})


def _named_as_sql(build: StringBuild) -> set[int]:
    """The values outside quotes whose own name says they hold SQL text."""
    out: set[int] = set()
    before = ""
    for piece in build.pieces:
        value = piece.value
        # where a whole statement can stand: first, after FROM / JOIN / EXPLAIN / UNION /
        # AS / an opening parenthesis; not after WHERE, AND, SET... (a clause goes there)
        statement_place = bool(_STATEMENT_PLACE.search(before))
        before += (piece.text or "") if value is None else " <value> "
        if piece.numeric or value is None or not statement_place:
            continue
        name = value.id if isinstance(value, ast.Name) else (
            value.attr if isinstance(value, ast.Attribute) else None)
        if name and _SQL_TEXT_NAME.search(name) and \
                name.lower().split("_")[0] not in _CLAUSE_WORDS:
            out.add(id(value))
    return out


def _whole_subqueries(build: StringBuild) -> set[int]:
    """The values that alone make a parenthesised subquery (`FROM ({query} {where}) AS n`):
    by their place, SQL statements the caller wrote, not data."""
    out: set[int] = set()
    pieces = build.pieces
    i = 0
    while i < len(pieces):
        text = pieces[i].text
        if text is None or not _SUBQUERY_OPEN.search(text):
            i += 1
            continue
        run: list[int] = []
        j = i + 1
        while j < len(pieces) and (isinstance(pieces[j].value, ast.Name) or (
                pieces[j].value is None and not (pieces[j].text or "").strip())):
            if pieces[j].value is not None:
                run.append(id(pieces[j].value))
            j += 1
        if run and j < len(pieces) and (pieces[j].text or "").lstrip().startswith(")"):
            out.update(run)
        i = j
    return out


def _migration_ddl(ctx, call: ast.Call) -> bool:  # type: ignore[no-untyped-def]
    """`schema_editor.execute(...)` in a function that is handed the schema editor (a
    migration operation's `database_forwards`, a `RunPython` function): migration-time DDL
    built from names in the migration's code, not from a request."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
            and func.value.id == "schema_editor"):
        return False
    enclosing = ctx.semantic.enclosing_function(call)
    return enclosing is not None and any(
        arg.arg == "schema_editor" for arg in [*enclosing.args.posonlyargs, *enclosing.args.args])


# Calls that hand back rows (or a row's values) from the database.
_DB_READS = frozenset({"execute", "fetchall", "fetchone", "fetchmany", "fetch", "fetchrow",
                       "fetchval", "scalars", "scalar", "scalar_one", "all", "first", "one",
                       "mappings", "values_list"})


def _read_back(ctx, value: ast.expr, depth: int = 0) -> bool:  # type: ignore[no-untyped-def]
    """The value was read from the database: a query result, a row of it, or a field of a row
    (`row.id`, `row[0]`, `str(row.name)`), through local names and loop variables."""
    if depth > 4:
        return False
    while isinstance(value, ast.Attribute | ast.Subscript):
        value = value.value
    if isinstance(value, ast.ListComp | ast.SetComp | ast.GeneratorExp):
        # `[row[0] for row in cursor.fetchall()]`: the element comes from the iterated rows
        root = value.elt
        while isinstance(root, ast.Attribute | ast.Subscript):
            root = root.value
        for gen in value.generators:
            if isinstance(root, ast.Name) and root.id in {
                    n.id for n in ast.walk(gen.target) if isinstance(n, ast.Name)}:
                return _read_back(ctx, gen.iter, depth + 1)
        return False
    if isinstance(value, ast.Call):
        func = value.func
        if isinstance(func, ast.Attribute):
            # a query result, or a method of a value read back (`name.lower()`)
            return func.attr in _DB_READS or _read_back(ctx, func.value, depth + 1)
        return (isinstance(func, ast.Name) and func.id in ("str", "int", "float")
                and len(value.args) == 1 and _read_back(ctx, value.args[0], depth + 1))
    if isinstance(value, ast.Name):
        bindings = ctx.reaching_bindings(value)
        return bool(bindings) and all(
            b.kind in ("assign", "annassign", "for", "comprehension") and b.value is not None
            and _read_back(ctx, b.value, depth + 1) for b in bindings)
    return False


def _unique_sources(ctx, values: list[ast.expr]) -> list[str]:  # type: ignore[no-untyped-def]
    seen: list[str] = []
    for value in values:
        text = " ".join(ctx.source(value).split())
        if len(text) > 60:
            text = text[:57] + "..."
        if text not in seen:
            seen.append(text)
    return seen


# -- the fix -------------------------------------------------------------------------------------
def _param_name(ctx, value: ast.expr, used: set[str]) -> str:  # type: ignore[no-untyped-def]
    base = "param"
    if isinstance(value, ast.Name):
        base = value.id
    elif isinstance(value, ast.Attribute):
        base = value.attr
    elif isinstance(value, ast.Subscript) and isinstance(value.slice, ast.Constant) and (
            isinstance(value.slice.value, str)):
        base = value.slice.value
    elif isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.args:
        first = value.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            base = first.value
    base = re.sub(r"\W+", "_", base).strip("_") or "param"
    if base[0].isdigit():
        base = "p_" + base
    name, n = base, 2
    while name in used:
        name, n = f"{base}_{n}", n + 1
    used.add(name)
    return name


def _placeholder(style: str, index: int, name: str) -> str:
    if style == QMARK:
        return "?"
    if style == NUMERIC_DOLLAR:
        return f"${index}"
    if style == NAMED:
        return f":{name}"
    if style == DOLLAR_NAMED:
        return f"${name}"
    return "%s"


def _rewrite(ctx, build: StringBuild, style: str,  # type: ignore[no-untyped-def]
             kept: frozenset[int] = frozenset(), language: str = "SQL"):
    """New SQL text with placeholders, the parameter expressions, and whether every
    interpolation sat where a bound parameter can stand. `kept`: values that stay in the
    text as they are written."""
    pieces: list[Piece] = []
    for piece in build.pieces:
        if piece.text is not None and pieces and pieces[-1].text is not None:
            pieces[-1] = Piece(text=pieces[-1].text + piece.text)
        else:
            pieces.append(piece)
    if style == FORMAT:
        # With a params argument the driver reads `%` as the start of a placeholder.
        pieces = [Piece(text=p.text.replace("%", "%%")) if p.text is not None else p
                  for p in pieces]
    sql = ""
    params: list[tuple[str, str]] = []  # (name, expression source)
    used: set[str] = set()
    parameterizable = True
    i = 0
    while i < len(pieces):
        piece = pieces[i]
        if piece.text is not None:
            sql += piece.text
            i += 1
            continue
        value = piece.value
        assert value is not None
        source = ctx.source(value)
        if piece.numeric or id(value) in kept:
            # Static, numeric or already quoted parts stay in the text as they are written.
            sql += "{" + source + "}"
            i += 1
            continue
        after = pieces[i + 1].text if i + 1 < len(pieces) and pieces[i + 1].text is not None else ""
        quoted = re.search(r"'([^'\s]*)$", sql)
        closing = re.match(r"([^'\s]*)'", after or "")
        expression = source
        if quoted and closing:
            prefix, suffix = quoted.group(1), closing.group(1)
            if style == FORMAT:
                prefix, suffix = prefix.replace("%%", "%"), suffix.replace("%%", "%")
            sql = sql[: quoted.start()]
            if re.search(r"(?i)(?<!\w)N$", sql):
                sql = sql[:-1]  # T-SQL's N'...' (a Unicode literal): the parameter replaces it
            if prefix or suffix:
                expression = _wrapped_param(prefix, source, suffix)
            if i + 1 < len(pieces):
                pieces[i + 1] = Piece(text=after[closing.end():])
        elif (not _VALUE_CONTEXT.search(sql) or _IDENTIFIER_CONTEXT.search(sql)
              or _AGGREGATE_OPEN.search(sql) or _is_fragment(ctx, value)):
            parameterizable = False
        if language == "SQL" and _UNBINDABLE.match(
                _SQL_COMMENTS.sub("", _statement_at(sql), count=1)):
            # the statement this value sits in (SET, DDL, ...) takes no parameters; a
            # leading `SET NOCOUNT ON;` says nothing of the `EXEC ... @a = '{v}'` after it
            parameterizable = False
        name = _param_name(ctx, value, used)
        params.append((name, expression))
        sql += _placeholder(style, len(params), name)
        i += 1
    return sql, params, parameterizable


# `MIN(`, `MAX(`, ...: an aggregate's argument is a column, not a value.
_AGGREGATE_OPEN = re.compile(r"(?i)\b(?:min|max|sum|avg|count)\s*\(\s*$")


def _statement_at(sql: str) -> str:
    """The statement the end of `sql` is in: the text after the last `;`."""
    return sql[sql.rfind(";") + 1:]


def _is_fragment(ctx, value: ast.expr) -> bool:  # type: ignore[no-untyped-def]
    """A value that holds SQL syntax (a joined list, a clause) rather than one datum."""
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and (
            value.func.attr == "join"):
        return True
    name = value.id if isinstance(value, ast.Name) else (
        value.attr if isinstance(value, ast.Attribute) else None)
    if name and _FRAGMENT_NAME.search(name):
        return True
    if isinstance(value, ast.Name):
        for binding in ctx.semantic.reaching_bindings(value):
            bound = binding.value
            if isinstance(bound, ast.Call) and isinstance(bound.func, ast.Attribute) and (
                    bound.func.attr == "join"):
                return True
    return False


def _wrapped_param(prefix: str, source: str, suffix: str) -> str:
    """`f"%{q}%"` for a LIKE pattern, with a quote that the value's source does not use
    (before Python 3.12 an f-string field cannot reuse the string's quote)."""
    for quote in ('"', "'"):
        if quote not in source and quote not in prefix + suffix and "\\" not in source:
            esc = {"{": "{{", "}": "}}"}
            pre = "".join(esc.get(c, c) for c in prefix)
            post = "".join(esc.get(c, c) for c in suffix)
            return f"f{quote}{pre}{{{source}}}{post}{quote}"
    parts = [repr(prefix)] if prefix else []
    parts.append(f"str({source})")
    if suffix:
        parts.append(repr(suffix))
    return " + ".join(parts)


def _literal(sql: str, has_static: bool) -> str:
    body = sql.replace("\\", "\\\\")
    if "\n" in body:
        body = body.replace('"""', '\\"""')
        quote = '"""'
    else:
        body = body.replace('"', '\\"')
        quote = '"'
    if has_static:
        # The static interpolations stay as f-string fields.
        return "f" + quote + body + quote
    return quote + body + quote


def _local_name_for(ctx, qualified: str) -> str | None:  # type: ignore[no-untyped-def]
    """The module-level name under which `qualified` is imported, if any."""
    for name, bindings in ctx.semantic.module_scope.bindings.items():
        if len(bindings) == 1 and bindings[0].qualified == qualified:
            return name
    return None


def _params_text(style: str, params: list[tuple[str, str]]) -> str:
    if style in (NAMED, DOLLAR_NAMED):
        return "{" + ", ".join(f'"{n}": {e}' for n, e in params) + "}"
    inner = ", ".join(e for _, e in params)
    return f"({inner},)" if len(params) == 1 else f"({inner})"


def _fix(ctx, call: ast.Call, sink: Sink, build: StringBuild,  # type: ignore[no-untyped-def]
         kept: frozenset[int] = frozenset()) -> Fix:
    if runs_age_cypher(build.constant_text()):
        return cypher_fix(", ".join(f"`{ctx.source(v)}`" for v in build.dynamic_values[:3]),
                          "%s" if sink.style == FORMAT else "$1")
    if build.imported_template:
        return Fix(description=f"Put the driver's placeholders in `{build.imported_template}` "
                               "where the values go and pass the values as parameters of "
                               "this call.", suggestion=None)
    style = sink.style if sink.style != UNKNOWN else _style_in_use(call, build)
    sql, params, parameterizable = _rewrite(ctx, build, style, kept, sink.language)
    has_static = any((p.numeric or id(p.value) in kept) and p.value is not None
                     for p in build.pieces)
    if has_static and any("{" in (p.text or "") or "}" in (p.text or "") for p in build.pieces):
        parameterizable = False  # literal braces next to f-string fields: rewrite by hand
    literal = _literal(sql, has_static)
    style_note = {
        QMARK: "`?` placeholders (sqlite3)", FORMAT: "`%s` placeholders",
        NUMERIC_DOLLAR: "`$1` placeholders (asyncpg)", NAMED: "`:name` bound parameters",
        DOLLAR_NAMED: f"`$name` parameters in the {sink.language} text" + (
            " with their values in `bind_params=`" if sink.language == "InfluxQL" else
            " with their values in the parameters map"),
    }[style]
    if sink.style == UNKNOWN and style == FORMAT:
        style_note = "the driver's placeholders (shown as `%s`)"
    elif sink.style == UNKNOWN:
        style_note = ("`$1` placeholders (an asyncpg-style connection: its `fetch` methods "
                      "or `$n` marks)")
    positional = _whole_subqueries(build) - kept
    subqueries = positional | (_named_as_sql(build) - kept)
    if subqueries:
        names = ", ".join(f"`{ctx.source(p.value)}`" for p in build.pieces
                          if p.value is not None and id(p.value) in subqueries)
        return Fix(description=_WHOLE_QUERY + (" as a subquery" if positional else "") + (
            f" ({names}): no placeholder, allowlist or identifier quoting can carry a "
            "statement. Compose it here from parts the code controls, with its values as "
            "placeholders; where callers must send their own SQL, accept it only from "
            "trusted code or run it under a read-only role with a statement check."),
            suggestion=None)
    # SQL's statement kinds only: Cypher binds `$name` in CREATE, InfluxQL in SHOW ... WHERE
    if not parameterizable and sink.language == "SQL" and all(
            _UNBINDABLE.match(_SQL_COMMENTS.sub("", statement, count=1))
            for statement in sql.split(";") if _has_placeholder(statement, style)):
        named = identifier_fix(ctx, call, sink, build, kept, bindable=False)
        if named is not None:
            return named
        description = (
            "This kind of statement (PRAGMA, SET, DDL, NOTIFY, ...) cannot take bound "
            "parameters: accept only values from a fixed allowlist or convert them "
            "(`int(...)`), and quote identifiers with the driver's identifier quoting.")
        return Fix(description=description, suggestion=None)
    accumulated = [(v, q) for v in build.dynamic_values if id(v) not in kept
                   for q in [accumulated_quoted(ctx, v)] if q]
    if not parameterizable and accumulated:
        texts = ", ".join(f"`{ctx.source(v)}`" for v, _ in accumulated)
        inner = ", ".join(dict.fromkeys(f"`{ctx.source(x)}`" for _, q in accumulated for x in q))
        others = [f"`{ctx.source(v)}`" for v in build.dynamic_values
                  if id(v) not in kept and all(v is not a for a, _ in accumulated)]
        description = (
            f"{texts} is built piece by piece with values inside quotes ({inner}): put a "
            f"placeholder where each value goes in those pieces and collect the values in a "
            f"list, passed as this call's parameters in the same order"
            + (f"; {', '.join(others)} cannot be a placeholder: quote it with the driver's "
               "identifier quoting or take it from an allowlist of known names" if others
               else "") + ".")
        return Fix(description=description, suggestion=None)
    if not parameterizable:
        named = identifier_fix(ctx, call, sink, build, kept, bindable=True)
        if named is not None:
            return named
        description = (
            "Part of this SQL is an identifier or a fragment, which bound parameters cannot "
            "carry: choose it from a fixed allowlist (a dict of allowed column or table names) "
            "or quote it with the driver's identifier quoting (psycopg `sql.Identifier`, "
            "Django `connection.ops.quote_name`), and bind the remaining values."
        )
        return Fix(description=description, suggestion=None)

    receiver = ctx.source(call.func)
    notes: list[str] = []
    if isinstance(call.func, ast.Attribute) and call.func.attr == "executescript":
        # executescript() takes no parameters: one statement through execute() does.
        receiver = ctx.source(call.func.value) + ".execute"
        notes.append("`executescript()` cannot bind parameters, so use `execute()`")
    other_args = len(call.args) + len(call.keywords) > 1
    if other_args and sink.shape in ("call", "databases", "raw", "rawsql", "extra",
                                     "language"):
        names = ", ".join(f"`{e}`" for _, e in params)
        if passes_parameters(call):
            description = (f"Put a placeholder where each value is spliced in and add {names} "
                           "to the parameters this call already passes, in the same order.")
        else:
            # `execute(sql, _is_internal=True)`: an option beside the SQL, no parameters
            description = (f"Put a placeholder where each value is spliced in and pass "
                           f"{names} as this call's parameters, in the same order (the call "
                           f"passes none yet: its other arguments are options of the "
                           f"driver's).")
        return Fix(description=description, suggestion=None)
    sa_text = None
    if style == NAMED and sink.shape == "call" and _native_pg8000(ctx, call):
        # pg8000's native run(sql, **params): `:name` placeholders and keyword values.
        binds = ", ".join(f"{n}={e}" for n, e in params)
        suggestion = f"{receiver}({literal}, {binds})"
        return Fix(description=f"Use {style_note} and pass the values as keywords.",
                   suggestion=suggestion,
                   edits=(Edit(ctx.span_of(call), suggestion),) if build.exact and not (
                       build.through_variable or other_args) and _parses(suggestion) else ())
    if style == NAMED and sink.shape == "call":
        sa_text = _local_name_for(ctx, "sqlalchemy.text")
        if sa_text is None:
            notes.append("import `text` from sqlalchemy")
        literal = f"{sa_text or 'text'}({literal})"
    if sink.shape == "text":
        binds = ", ".join(f"{n}={e}" for n, e in params)
        suggestion = f"{receiver}({literal}).bindparams({binds})"
    elif sink.shape == "databases":
        suggestion = f"{receiver}(query={literal}, values={_params_text(NAMED, params)})"
    elif sink.shape == "raw":
        suggestion = f"{receiver}({literal}, [{', '.join(e for _, e in params)}])"
    elif sink.shape == "rawsql":
        suggestion = f"{receiver}({literal}, {_params_text(FORMAT, params)})"
    elif sink.shape == "extra":
        suggestion = f"{receiver}(where=[{literal}], params=[{', '.join(e for _, e in params)}])"
    elif sink.shape == "query":  # Query.filter(text("... :name").bindparams(name=...))
        binds = ", ".join(f"{n}={e}" for n, e in params)
        text_call = _local_name_for(ctx, "sqlalchemy.text") or "text"
        suggestion = f"{receiver}({text_call}({literal}).bindparams({binds}))"
    elif sink.shape == "alembic":
        binds = ", ".join(f"{n}={e}" for n, e in params)
        text_name = _local_name_for(ctx, "sqlalchemy.text")
        sa_name = _local_name_for(ctx, "sqlalchemy")
        text_call = text_name or (f"{sa_name}.text" if sa_name else "sa.text")
        suggestion = f"{receiver}({text_call}({literal}).bindparams({binds}))"
        if not (text_name or sa_name):
            notes.append("`import sqlalchemy as sa`")
    elif sink.shape == "language":
        binds = _params_text(DOLLAR_NAMED, params)
        suggestion = f"{receiver}({literal}, " + (
            f"bind_params={binds})" if sink.language == "InfluxQL" else f"{binds})")
    elif sink.shape == "pandas":
        rest = [ctx.source(a) for a in call.args[1:]] + [
            ctx.source(k) if k.arg is None else f"{k.arg}={ctx.source(k.value)}"
            for k in call.keywords if k.arg not in ("sql", "params")]
        args = ", ".join([literal, *rest, f"params={_params_text(style, params)}"])
        suggestion = f"{receiver}({args})"
    elif style == NUMERIC_DOLLAR:
        suggestion = f"{receiver}({', '.join([literal, *(e for _, e in params)])})"
    else:
        suggestion = f"{receiver}({literal}, {_params_text(style, params)})"

    description = f"Use {style_note} and pass the values separately"
    if build.through_variable:
        description += ", where the SQL variable is built"
    description += "."
    if notes:
        description += " Also " + "; ".join(notes) + "."
    edits: tuple[Edit, ...] = ()
    # Built across statements: inlining the SQL into the call is exact when every piece is
    # known, but the variable may serve elsewhere, so that fix is unsafe.
    exact = (build.exact and not other_args and sink.resolved
             and style == sink.style and sink.style != UNKNOWN
             and sink.shape in ("call", "text", "raw", "rawsql", "alembic")
             and "\n" not in suggestion and not (style == NAMED and sink.shape == "call"
                                                and sa_text is None))
    if exact and build.through_variable and not _built_unconditionally(ctx, call):
        exact = False  # a piece added under an `if` or in a loop: inlining would drop that
    if exact and notes:
        exact = False  # a changed method or a new import is for a person to confirm
    if exact and call.end_lineno != call.lineno and _has_comment(ctx.source(call)):
        exact = False  # replacing the call would drop the comments inside it
    if exact and _parses(suggestion):
        edits = (Edit(ctx.span_of(call), suggestion),)
    return Fix(description=description, suggestion=suggestion, edits=edits,
               safe=not build.through_variable)


_DOLLAR_MARK = re.compile(r"\$\d")
# asyncpg's own query methods (and the wrappers modelled on it, such as mautrix's Database):
# DB-API cursors have fetchone/fetchall and take the SQL in execute(), never in fetch*().
_ASYNCPG_METHODS = frozenset({"fetch", "fetchrow", "fetchval"})


_WHOLE_QUERY = "A whole query is spliced in"
_ANY_PLACEHOLDER = re.compile(r"%s|\?|\$\w+|:\w+")


def _has_placeholder(statement: str, style: str) -> bool:
    """Whether `statement` holds a placeholder the rewrite put in (any style's mark)."""
    return bool(_ANY_PLACEHOLDER.search(statement)) or "{" in statement


def _style_in_use(call: ast.Call, build: StringBuild) -> str:
    """The placeholder style of a connection the file cannot type: `$n` when the statement
    already uses `$1` marks or the call is asyncpg's `fetch` / `fetchrow` / `fetchval`
    (psycopg's `%s` would not run there); `%s` otherwise."""
    method = call.func.attr if isinstance(call.func, ast.Attribute) else ""
    if _DOLLAR_MARK.search(build.constant_text()) or method in _ASYNCPG_METHODS:
        return NUMERIC_DOLLAR
    return FORMAT


def _native_pg8000(ctx, call: ast.Call) -> bool:  # type: ignore[no-untyped-def]
    """`conn.run(...)` on a pg8000.native connection (not a SQLAlchemy receiver)."""
    from ..analysis.dbapi import HandleResolver

    if not isinstance(call.func, ast.Attribute):
        return False
    handle = HandleResolver(ctx).of(call.func.value)
    return handle is not None and handle.library == "pg8000.native"


def _built_unconditionally(ctx, call: ast.Call) -> bool:  # type: ignore[no-untyped-def]
    """Every assignment to a variable the call's SQL reads sits in the call's own block: no
    piece is added only sometimes (under an `if`, in a loop, in a `try`)."""
    statement = ctx.semantic.statement_of(call)
    block = ctx.semantic.parent(statement) if statement is not None else None
    for arg in [*call.args, *(k.value for k in call.keywords)]:
        for name in ast.walk(arg):
            if not isinstance(name, ast.Name):
                continue
            for binding in ctx.reaching_bindings(name):
                if binding.kind not in ("assign", "annassign", "augassign"):
                    continue
                where = ctx.semantic.statement_of(binding.node) or binding.node
                if ctx.semantic.parent(where) is not block:
                    return False
    return True


def _has_comment(source: str) -> bool:
    import io
    import tokenize

    try:
        return any(tok.type == tokenize.COMMENT
                   for tok in tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return True


def _parses(expression: str) -> bool:
    try:
        ast.parse(expression, mode="eval")
    except SyntaxError:
        return False
    return True


RULES = (RawSQL, RawSQLThroughCalls)
