"""BR101 across calls: SQL text that one function builds and another runs.

Per file (`FlowRecorder`, fed by the BR101 file rule) the rule records, for the program
model's parameter summaries (analysis/program/sqlflow.py), which parameters each function
runs as SQL, splices into SQL it returns, returns as they are, or hands on to another call;
and two kinds of candidates:

- `TextToHelper`: a call that passes text built from runtime values to a project function
  (`run_sql(f"... {name}")`): reported when that function runs the parameter as SQL;
- `SinkOfCall`: a database call whose SQL is what a project function returns
  (`cur.execute(build_query(name))`): reported when that function splices the parameter
  into the SQL it returns and the call passes a runtime value for it.

The project phase (`check_calls`) joins them to the solved summaries and names every step
of the chain in the message and in the SARIF related locations.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Collection
from dataclasses import dataclass, replace
from pathlib import PurePath

from ..analysis.program import ConstNeed, ProgramModel, callee_of, constant_needs, short_name
from ..analysis.program.facts import Callee, CallSite, FunctionInfo
from ..analysis.program.sqlflow import (
    API,
    CONSTANT,
    FACT_KIND,
    RUNTIME,
    UNRESOLVED,
    Chain,
    Derived,
    Forward,
    ParamFacts,
    ParamUse,
    summaries_of,
)
from ..astutil import walk
from ..model import Finding, Fix, Related, Severity, Span
from .br101_cypher import cypher_fix, runs_age_cypher
from .br101_levels import hidden_by_star, names_reason, runtime_path_reason, weaken
from .br101_origins import (
    EVIDENCE,
    FRAGMENT_NAME,
    SAFE,
    Origin,
    classify,
    param_of,
    parameters_behind,
)
from .br101_positions import (
    ValueCall,
    level_parameters,
    query_positions,
    reaching_assignments,
    value_parameters,
    value_positions,
)
from .confidence import NOTE, as_note

CANDIDATES = "br101_call_candidates"
_BUILDS = (ast.JoinedStr, ast.BinOp)
_SQL_START_WORD = re.compile(
    r"(?is)^\s*(?:\(|--|/\*|select|insert|update|delete|with|replace|merge|truncate|upsert"
    r"|create|alter|drop|pragma|copy|vacuum|reindex|grant|revoke|refresh|comment|attach"
    r"|show|set|use|call|kill|cancel|explain|describe|lock|notify|listen|declare|exec"
    r"|analyze|optimize|rename|load|begin|detach|where|order|group|having|limit|offset"
    r"|join|left|inner|values)\b")
# A clause handed to a helper that completes the statement.
_SQL_CLAUSE = re.compile(r"(?i)^\s*(?:where|order\s+by|group\s+by|having|limit|offset"
                         r"|(?:left\s+|inner\s+)?join|set|values)\s")
_STR_METHODS = frozenset({"lower", "upper", "strip", "lstrip", "rstrip", "title", "format",
                          "join", "split", "capitalize", "casefold", "zfill", "encode",
                          "decode"})


@dataclass(frozen=True)
class TextToHelper:
    path: str
    owner: int  # def line of the calling function (0: module level)
    callee: Callee
    key: str  # the argument: position digits or keyword
    span: Span
    text: str  # the callee as written
    values: str  # the runtime parts, for the message
    how: str
    evidence: str  # "" when nothing shows an outsider chooses the parts
    reason: str  # why it is only a note, when it is
    needs: tuple[ConstNeed, ...] | None  # what makes every part a constant (None: never)
    # every part is a clause or a list by its name (`query.where`, `order_by`): a bound
    # parameter cannot carry it, so the fix belongs where the fragment is made
    fragments: bool = False
    # the evidence is these parameters of the calling function alone (no request data)
    evidence_params: tuple[str, ...] = ()
    # the written text calls Apache AGE's cypher(): its fix is AGE's parameter map
    cypher: bool = False
    # the parameters of the calling function behind parts that sit where a value goes
    # (`= '{x}'`, `LIMIT {n}`): with no caller in sight, only those are evidence
    value_params: tuple[str, ...] = ()
    # no part sits where a value goes: names (tables, columns) a placeholder cannot carry
    names_only: bool = False
    # the parts spliced in as a whole query in parentheses (`AS ({entity_df})`), shown
    queries: tuple[str, ...] = ()
    # for the level (br101_positions.level_parameters): the parameters whose own text fills
    # a value position, and the calls a parameter reaches one only through; value_params
    # also counts a parameter handed to any call there (`'{placeholder(column)}'`), which
    # keeps its reading for the note on hidden callers only
    level_params: tuple[tuple[str, ...], tuple[ValueCall, ...]] = ((), ())


@dataclass(frozen=True)
class SinkOfCall:
    path: str
    owner: int
    callee: Callee
    span: Span
    label: str  # the database call, for the message
    text: str  # the callee as written
    # each argument: (key, source, runtime?, evidence or "", the parameters of the calling
    # function that alone make the evidence)
    args: tuple[tuple[str, str, bool, str, tuple[str, ...]], ...]


def _reads_flask_request(ctx, value: ast.expr) -> bool:  # type: ignore[no-untyped-def]
    """Anything read off Flask's `request` is the client's, headers and all."""
    # Asked of every argument of every call: only an import names `flask.request`
    if not (ctx.semantic.is_imported("flask") or ctx.module.partition(".")[0] == "flask"):
        return False
    return any(type(n) is ast.Name and ctx.qualified_name(n) == "flask.request"
               for n in walk(value))


def _is_build(value: ast.expr | None) -> bool:
    """A string build: an f-string, a concatenation or `"...".format(...)`."""
    return isinstance(value, _BUILDS) or (
        isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute)
        and value.func.attr == "format" and isinstance(value.func.value, ast.Constant)
        and isinstance(value.func.value.value, str))


def _fragment(value: ast.expr) -> bool:
    """`query.where`, `order_by`, `sql_columns`: named for a clause or a list of names."""
    if isinstance(value, ast.BoolOp) and isinstance(value.op, ast.Or):
        value = value.values[0]  # `query.sort or 'create_time'`
    name = value.attr if isinstance(value, ast.Attribute) else (
        value.id if isinstance(value, ast.Name) else "")
    return bool(name) and bool(FRAGMENT_NAME.search(name))


def _latest_rebuild(bindings: list, name: str) -> list:  # type: ignore[type-arg]
    """`select = f"SELECT {select} FROM ..."`: the last assignment reads the earlier ones,
    so it alone is the text that reaches the call (the earlier ones are parts of it)."""
    if len(bindings) < 2:
        return bindings
    last = max(bindings, key=lambda b: b.lineno)
    if last.kind == "assign" and last.value is not None and any(
            isinstance(n, ast.Name) and n.id == name for n in ast.walk(last.value)):
        return [last]
    return bindings


def _sql_ish(arg: ast.expr) -> bool:
    """A string build whose leading text, when it can be read, starts a statement or a
    clause: the cheap test before the string analysis."""
    lead: ast.expr | None = arg
    while isinstance(lead, ast.BinOp):
        lead = lead.left
    if isinstance(lead, ast.JoinedStr):
        lead = lead.values[0] if lead.values else None
    elif isinstance(lead, ast.Call):
        if not (isinstance(lead.func, ast.Attribute) and lead.func.attr in ("format", "join")):
            return False
        lead = lead.func.value
    elif not isinstance(arg, ast.BinOp):
        return False
    if isinstance(lead, ast.Constant) and isinstance(lead.value, str):
        text = lead.value
        return bool(_SQL_START_WORD.match(text)) or not text.strip()
    return True  # the text starts with a value: let the analysis decide


def _key_args(call: ast.Call) -> list[tuple[str, ast.expr]]:
    out = [(str(i), a) for i, a in enumerate(call.args) if not isinstance(a, ast.Starred)]
    out += [(k.arg, k.value) for k in call.keywords if k.arg]
    return out


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


class FlowRecorder:
    """Collects one file's parameter facts and cross-call candidates for BR101."""

    def __init__(self, ctx, strings, looks_like_sql) -> None:  # type: ignore[no-untyped-def]
        self.ctx = ctx
        self.strings = strings
        self.looks_like_sql = looks_like_sql
        self.functions: dict[int, dict[str, list]] = {}  # type: ignore[type-arg]
        # attributes some assignment of the file fills with request data (lazily)
        self._request_attrs: set[str] | None = None

    def _own(self, node: ast.AST) -> dict[str, list] | None:  # type: ignore[type-arg]
        func = self.ctx.semantic.enclosing_function(node)
        if func is None or isinstance(func, ast.Lambda):
            return None
        return self.functions.setdefault(func.lineno, {
            "executes": [], "returns_sql": [], "returns": [], "forwards": [], "derived": []})

    def _owner_line(self, node: ast.AST) -> int:
        func = self.ctx.semantic.enclosing_function(node)
        return func.lineno if func is not None and not isinstance(func, ast.Lambda) else 0

    # -- what the file rule reports to us ------------------------------------------------------
    def sink(self, call: ast.Call, label: str, sql_arg: ast.expr,
             helpers: list[str]) -> None:
        """A database call: `helpers` are the parameters its text is made of (see
        br101_origins.HELPER); a bare parameter as the whole SQL is one too."""
        own = self._own(call)
        if own is not None:
            params = list(helpers)
            if isinstance(sql_arg, ast.Name):
                param = param_of(self.ctx, sql_arg)
                if param is not None:
                    params.append(param)
            for param in params:
                own["executes"].append(ParamUse(param, call.lineno, label))
        source = sql_arg
        if isinstance(source, ast.Name):
            bindings = self.ctx.reaching_bindings(source)
            if len(bindings) == 1 and bindings[0].kind == "assign":
                source = bindings[0].value
        if isinstance(source, ast.Await):
            source = source.value
        if not isinstance(source, ast.Call):
            return
        callee = callee_of(self.ctx, source)
        if callee is None:
            return
        args = []
        for key, arg in _key_args(source):
            param = param_of(self.ctx, arg) if isinstance(arg, ast.Name) else None
            if param is not None:
                # The caller's own parameter handed through: its callers decide (recorded
                # as a parameter this function splices into SQL it runs).
                if own is not None:
                    own["executes"].append(ParamUse(param, call.lineno, label))
                continue
            runtime = not self.strings.is_static(arg)
            origin = classify(self.ctx, arg, call) if runtime else Origin(SAFE)
            runtime = runtime and origin.kind != SAFE
            args.append((key, _short(self.ctx.source(arg)), runtime,
                         origin.reason if origin.kind == EVIDENCE else "",
                         origin.params if origin.kind == EVIDENCE else ()))
        self.ctx.emit_fact(CANDIDATES, SinkOfCall(
            self.ctx.path, self._owner_line(call), callee, self.ctx.span_of(call), label,
            _short(self.ctx.source(source.func)), tuple(args)))

    def call(self, call: ast.Call, skip: ast.expr | None = None) -> None:
        """Any call: parameters handed on, values computed from them or from request data
        (`Derived`: the program model follows a parameter's values up through them), and
        SQL text built here handed to a function (`skip`: the argument the file rule
        already checks as this call's SQL)."""
        if not call.args and not call.keywords:
            return
        passed: list[tuple[str, tuple[str, ...]]] = []
        built: list[tuple[str, ast.expr]] = []
        computed: list[tuple[str, ast.expr]] = []
        for key, arg in _key_args(call):
            if isinstance(arg, ast.Name):
                param = param_of(self.ctx, arg)
                if param is not None:
                    passed.append((key, (param,)))
                    continue
                every = self.ctx.reaching_bindings(arg)
                bindings = _latest_rebuild(reaching_assignments(self.ctx, arg, every), arg.id)
                values = [b.value for b in bindings]
                if len(every) == 1 and _is_build(values[0]) and _sql_ish(values[0]):  # type: ignore[arg-type]
                    built.append((key, arg))
                elif bindings and all(b.kind == "assign" and _is_build(v) and _sql_ish(v)  # type: ignore[arg-type]
                                      for b, v in zip(bindings, values, strict=True)):
                    # the text a later assignment leaves (`query = f"UPDATE ..."` in the
                    # branch of the call), or one per branch (`if ...: query = f"INSERT
                    # ... " else: query = f"INSERT ..."`): the first with runtime parts speaks
                    built += [(key, v) for v in values]  # type: ignore[misc]
            elif _sql_ish(arg):
                built.append((key, arg))
            if not isinstance(arg, ast.Constant):
                computed.append((key, arg))
        if computed:
            # matched to the program model's call site by position: whatever this file can
            # tell of the callee (a local's class is the model's to type)
            own = self._own(call)
            if own is not None:
                self._record_derived(own, call, computed)
        if not passed and not built:
            return
        callee = callee_of(self.ctx, call)
        if callee is None:
            return
        own = self._own(call) if passed else None
        if own is not None:
            parent = self.ctx.semantic.parent(call)
            if isinstance(parent, ast.Await):
                parent = self.ctx.semantic.parent(parent)
            own["forwards"].append(Forward(
                callee, call.lineno, call.col_offset, call.end_lineno or call.lineno,
                call.end_col_offset or call.col_offset, _short(self.ctx.source(call.func)),
                tuple(passed), isinstance(parent, ast.Return)))
        done: set[str] = set()
        for key, arg in built:
            if arg is not skip and key not in done and self._text_to_helper(
                    call, callee, key, arg):
                done.add(key)

    def _record_derived(self, own: dict[str, list], call: ast.Call,  # type: ignore[type-arg]
                        computed: list[tuple[str, ast.expr]]) -> None:
        for key, arg in computed:
            behind = parameters_behind(self.ctx, arg)
            if behind is None or self._state_from_request(arg) or _reads_flask_request(
                    self.ctx, arg):
                own["derived"].append(Derived(call.lineno, call.col_offset, key, True))
            elif behind:
                own["derived"].append(Derived(call.lineno, call.col_offset, key, False,
                                              tuple(sorted(behind))))

    def _state_from_request(self, arg: ast.expr) -> bool:
        """`self.table` where some method of this file writes request data into `table`
        (`self.table = request.args["table"]`, `self.suffix += request.args["s"]`): object
        state is no evidence by itself, state filled from a request is."""
        if self._request_attrs is None:
            self._request_attrs = set()
            for node in self.ctx.semantic.nodes or ast.walk(self.ctx.tree):
                if not isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign) or (
                        node.value is None):
                    continue
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                attrs = {t.attr for t in targets if isinstance(t, ast.Attribute)}
                if attrs and (parameters_behind(self.ctx, node.value) is None
                              or _reads_flask_request(self.ctx, node.value)):
                    self._request_attrs |= attrs
        if not self._request_attrs:
            return False
        return any(isinstance(n, ast.Attribute) and n.attr in self._request_attrs
                   and isinstance(n.value, ast.Name) and n.value.id in ("self", "cls")
                   for n in walk(arg))

    def _text_to_helper(self, call: ast.Call, callee: Callee, key: str, arg: ast.expr) -> bool:
        """Records the candidate; False when the text has no runtime part to report."""
        build = self.strings.analyze(arg)
        if build is None or not build.is_dynamic or build.imported_template:
            return False
        text = build.constant_text().replace("\x00", " x ")
        # A statement's first word is enough here (`UPDATE {schema}."{table}" SET ...`
        # spliced names break the full shape): the helper must still run the text as SQL.
        if not (self.looks_like_sql(text) or _SQL_CLAUSE.match(text)
                or _SQL_START_WORD.match(text)):
            return False
        cypher = runs_age_cypher(text)
        parts = [(v, classify(self.ctx, v, call)) for v in build.dynamic_values]
        parts = [(v, o) for v, o in parts if o.kind != SAFE]
        if not parts:
            return False
        values = []
        for value, _ in parts:
            text = f"`{_short(self.ctx.source(value))}`"
            if text not in values:
                values.append(text)
        shown = ", ".join(values[:3]) + (f" and {len(values) - 3} more" if len(values) > 3
                                         else "")
        evidence = next((o.reason for _, o in parts if o.kind == EVIDENCE), "")
        proofs = [o for _, o in parts if o.kind == EVIDENCE]
        evidence_params = tuple(sorted({p for o in proofs for p in o.params})) if all(
            o.params for o in proofs) else ()
        needs: list[ConstNeed] | None = []
        for value, _ in parts:
            found = constant_needs(self.ctx, value, quoted=True)
            if found is None or needs is None:
                needs = None
                continue
            needs += [n for n in found if n not in needs]
        self.ctx.emit_fact(CANDIDATES, TextToHelper(
            self.ctx.path, self._owner_line(call), callee, key, self.ctx.span_of(call),
            _short(self.ctx.source(call.func)), shown, " and ".join(build.constructs),
            evidence, "" if evidence else parts[0][1].reason,
            tuple(needs) if needs is not None else None,
            all(_fragment(value) for value, _ in parts), evidence_params, cypher,
            value_parameters(self.ctx, build, [v for v, _ in parts]),
            not any(id(v) in value_positions(build) for v, _ in parts),
            _query_parts(self.ctx, build, [v for v, _ in parts]),
            level_parameters(self.ctx, build, [v for v, _ in parts])))
        return True

    def returned(self, node: ast.Return) -> None:
        own = self._own(node)
        if own is None or node.value is None:
            return
        value = node.value
        if isinstance(value, ast.Name):
            param = param_of(self.ctx, value)
            if param is not None:
                own["returns"].append(param)
                return
        if not isinstance(value, (*_BUILDS, ast.Name, ast.Call)):
            return
        build = self.strings.analyze(value)
        if build is None or not build.is_dynamic:
            return
        if not self.looks_like_sql(build.constant_text().replace("\x00", " x ")):
            return
        for part in build.dynamic_values:
            if classify(self.ctx, part, _NO_SINK).kind == SAFE:
                continue
            # a value position only for the parameters whose own text fills it (not one
            # handed to a call there, `'{placeholder(column)}'`: br101_positions)
            filling = set(level_parameters(self.ctx, build, [part])[0])
            for name in ast.walk(part):
                if isinstance(name, ast.Name) and not self._object_receiver(name):
                    param = param_of(self.ctx, name)
                    if param is not None:
                        own["returns_sql"].append(ParamUse(param, node.lineno, "",
                                                           param in filling))

    def _object_receiver(self, name: ast.Name) -> bool:
        """`db.big_int`, `db.placeholder("x")`: a parameter whose attribute is read is an
        object (a database wrapper, a model), not the text spliced in."""
        parent = self.ctx.semantic.parent(name)
        # `name.lower()` is still the parameter's text
        return (isinstance(parent, ast.Attribute) and parent.value is name
                and parent.attr not in _STR_METHODS)

    def end_file(self) -> None:
        for line, own in sorted(self.functions.items()):
            if any(own.values()):
                self.ctx.emit_fact(FACT_KIND, ParamFacts(
                    self.ctx.path, line, tuple(own["executes"]), tuple(own["returns_sql"]),
                    tuple(dict.fromkeys(own["returns"])), tuple(own["forwards"]),
                    tuple(own["derived"])))


_NO_SINK = ast.Call(func=ast.Name(id="_", ctx=ast.Load()), args=[], keywords=[])


# -- the project phase ---------------------------------------------------------------------------
def _where(path: str, line: int) -> str:
    return f"{PurePath(path).name}:{line}"


def _caller_name(owner: FunctionInfo | None) -> str:
    """The function making the call, for the first step of a chain (the callee is the
    second): `get_columns` (get_datasets.py:276) calls `execute_duckdb_query` (...)."""
    return short_name(owner.qualname, owner.path) if owner is not None else "module code"


def _chain_text(first_text: str, first_path: str, first_line: int, target, chain: Chain,
                verb: str) -> str:  # type: ignore[no-untyped-def]
    parts = [f"`{first_text}` ({_where(first_path, first_line)}) calls "
             f"`{short_name(target.qualname, target.path)}` ({_where(target.path, target.line)})"]
    for step in chain.via:
        parts.append(f"which calls `{short_name(step.callee, step.callee_path)}` "
                     f"({_where(step.callee_path, step.callee_line)})")
    what = f" `{chain.use.detail}`" if chain.use.detail else ""
    parts.append(f"which {verb}{what} ({_where(chain.origin_path, chain.use.line)})")
    return ", ".join(parts)


def _chain_related(target, chain: Chain, verb: str) -> tuple[Related, ...]:  # type: ignore[no-untyped-def]
    out = [Related(Span(target.line, 1, target.line, 2),
                   f"{short_name(target.qualname, target.path)} is defined here", target.path)]
    for step in chain.via:
        out.append(Related(Span(step.line, step.col + 1, step.end_line, step.end_col + 1),
                           f"calls {short_name(step.callee, step.callee_path)}", step.path))
    line = chain.use.line
    out.append(Related(Span(line, 1, line, 2), f"{verb} {chain.use.detail}".strip(),
                       chain.origin_path))
    return tuple(out)


def check_calls(model: ProgramModel, facts: dict[str, list], severity: Severity,  # type: ignore[type-arg]
                unknown_origins: bool = False,
                handlers: Collection[tuple[str, int]] = ()) -> list[Finding]:
    """The cross-call findings; parts of unknown origin only with `unknown_origins`, as
    notes (the rule's option of that name)."""
    candidates = facts.get(CANDIDATES, [])
    if not candidates:
        return []
    summaries = summaries_of(model, facts)
    out: list[Finding] = []
    for item in candidates:
        owner = model.function_at(item.path, item.owner) if item.owner else None
        for target in summaries.targets(owner, item.callee):
            if isinstance(item, TextToHelper):
                found = _text_to_helper(model, summaries, owner, item, target, severity)
                params = item.evidence_params if found is not None and (
                    found.severity != NOTE) else ()
                value_params = ()
            else:
                found, params, value_params = _sink_of_call(summaries, owner, item, target,
                                                            severity)
            if found is not None and found.severity == NOTE and not unknown_origins:
                break  # parts of unknown origin: only with the option
            if found is not None and params:
                found = parameter_evidence(
                    summaries, owner, params, found,
                    item.value_params if isinstance(item, TextToHelper) else value_params,
                    handlers=handlers, level_params=filled_by_calls(
                        summaries, owner, *item.level_params) if isinstance(
                            item, TextToHelper) else None)
            if found is not None:
                out.append(found)
                break
            if params:
                break  # every call passes constants: no finding at any target
    return out


def _text_to_helper(model, summaries, owner, item: TextToHelper, target, severity  # type: ignore[no-untyped-def]
                    ) -> Finding | None:
    param = summaries.parameter(target, item.callee, item.key)
    chain = summaries.runs_as_sql(target, param) if param else None
    if chain is None:
        return None
    if item.needs is not None and model.satisfied(owner, item.needs):
        return None  # every part is a constant made elsewhere
    message = (f"SQL text built with {item.how} from {item.values} is passed as `{param}` "
               f"and run as SQL: "
               + _chain_text(_caller_name(owner), item.path, item.span.start_line, target, chain,
                             "runs it with")
               + ("; a bound parameter cannot carry a clause: build it where it is made "
                  "from an allowlist of column names, with the values as placeholders"
                  if item.fragments else
                  "; a bound parameter cannot carry a table or column name: quote it with the "
                  "driver's identifier quoting or take it from an allowlist of known names"
                  if item.names_only else "; pass the values as bound parameters of that call"))
    if not item.evidence:
        message, severity = as_note(message, item.reason), NOTE
    return Finding(rule_id="BR101", severity=severity, message=message, path=item.path,
                   span=item.span, related=_chain_related(target, chain, "runs it with"),
                   fix=_text_to_helper_fix(item, param))


def _query_parts(ctx, build, values: list[ast.expr]) -> tuple[str, ...]:  # type: ignore[no-untyped-def]
    positions = query_positions(build)
    return tuple(dict.fromkeys(f"`{_short(ctx.source(v))}`" for v in values
                               if id(v) in positions))


def _text_to_helper_fix(item: TextToHelper, param: str) -> Fix:
    """Words, not code: the text is made or run elsewhere. A clause (`query.where`) is built
    where it is made, which this line does not show: the names in it (columns, attributes,
    sort keys) are what a placeholder cannot carry, and the values may well be bound there
    already."""
    if item.cypher:
        return cypher_fix(item.values)
    if item.names_only and not item.fragments and item.queries:
        # `CREATE TABLE {t} AS ({entity_df})`: the part is a whole query, which no
        # placeholder, quoting or allowlist of names can carry (feast's entity_df).
        queries = ", ".join(item.queries)
        rest = (" The other parts are names (a table, a column): quote each with the driver's "
                "identifier quoting or take it from an allowlist of known names."
                if item.values != queries else "")
        return Fix(f"{queries} is spliced in as a whole query (in parentheses), which neither a "
                   f"placeholder nor identifier quoting can carry: it must be SQL the "
                   f"application itself writes or is configured with, never text a request "
                   f"supplies; where it is built, keep every value in it a placeholder with "
                   f"its value bound.{rest}")
    if item.names_only and not item.fragments:
        return Fix(f"The parts ({item.values}) are names (a table, a column), which a bound "
                   f"parameter cannot carry: quote each with the driver's identifier quoting "
                   f"(a doubled-quote `\"...\"` escape, psycopg `sql.Identifier`) or take it "
                   f"from an allowlist of known names, here or where it is built.")
    if item.fragments:
        return Fix(f"The SQL fragments ({item.values}) are made elsewhere: where they are "
                   f"built, take every column, attribute and sort name from an allowlist of "
                   f"known names (never the request's own keys), and keep every value a "
                   f"placeholder with its value in the parameters passed along with `{param}`. "
                   f"Nothing changes at this line when that code does both.")
    return Fix(f"Put placeholders in the text passed as `{param}` and pass the values as "
               f"bound parameters where it is run (extend `{item.text}` to take them if it "
               f"does not), in the driver's placeholder style; a column, table or sort name "
               f"among the parts ({item.values}) cannot be a placeholder: take it from an "
               f"allowlist of known names, here or where that part is built.")


def _sink_of_call(summaries, owner, item: SinkOfCall, target, severity  # type: ignore[no-untyped-def]
                  ) -> tuple[Finding | None, tuple[str, ...], tuple[str, ...]]:
    """The finding, the parameters of the calling function that alone make its evidence,
    and those of them the helper splices where a value goes."""
    spliced = summaries.returns_sql_from(target)
    for key, source, runtime, evidence, params in item.args:
        param = summaries.parameter(target, item.callee, key)
        chain = spliced.get(param) if param else None
        if chain is None or not runtime:
            continue
        message = (f"SQL passed to `{item.label}` is built from `{source}` in another "
                   f"function: " + _chain_text(_caller_name(owner), item.path,
                                              item.span.start_line,
                                              target, chain, "splices it into the SQL it returns")
                   + f" as `{param}`; build the SQL with placeholders there and pass "
                   "the value as a bound parameter")
        level = severity
        if not evidence:
            message = as_note(message, "nothing shows the value comes from a request or a "
                                       "parameter")
            level = NOTE
        return Finding(rule_id="BR101", severity=level, message=message, path=item.path,
                       span=item.span, related=_chain_related(
                           target, chain, "splices the value into the SQL it returns")), (
            params if evidence else ()), (params if evidence and chain.use.value else ())
    return None, (), ()


def filled_by_calls(summaries, owner: FunctionInfo | None,  # type: ignore[no-untyped-def]
                    spliced: tuple[str, ...], calls: tuple[ValueCall, ...]
                    ) -> tuple[str, ...]:
    """The parameters that fill a value position (br101_positions.level_parameters):
    `spliced`, and those handed to a call there whose callee returns that argument as it is
    (`'{echo(name)}'`); a call nothing resolves, or that returns something else (a
    placeholder, a count), fills it with none of its arguments."""
    out = set(spliced)
    for call in calls:
        for target in summaries.targets(owner, call.callee):
            param = summaries.parameter(target, call.callee, call.key)
            if param is not None and param in summaries.returns_params(target):
                out.update(call.params)
    return tuple(sorted(out))


def parameter_evidence(summaries, owner: FunctionInfo | None,  # type: ignore[no-untyped-def]
                       params: tuple[str, ...], finding: Finding,
                       value_params: tuple[str, ...] = (),
                       quoted_params: tuple[str, ...] = (),
                       handlers: Collection[tuple[str, int]] = (),
                       place: str = "",
                       level_params: tuple[str, ...] | None = None) -> Finding | None:
    """A finding whose only evidence is `params`, parameters of `owner`, judged by the
    calls, followed up the call graph (ParamSummaries.param_origin): it stands when a call
    passes request data for one, or a value computed from an entry point's input; it goes
    when every call passes values the code makes itself (literals, configuration, object
    state, definitions). With no caller in sight, the position decides (br101_positions):
    a parameter spliced where a value goes (`value_params`) keeps the finding, at the
    rule's severity for a public function nothing in the project calls (the package's
    interface) and as a note that says so when the calls are hidden (a dispatch, an
    untyped object); a parameter used as a name or a fragment is the caller's SQL by
    design, and nothing shows who chose it: no finding. A parameter spliced inside a
    quoted literal (`quoted_params`) that a caller fills with text it reads back (a
    stored document, a row) is second-order text: a note that says so.

    The level (br101_levels): a runtime or interface parameter in a value position is a
    warning; one that only fills a name or a fragment is a warning when request data or a
    route handler (`handlers`: the route table's (path, def line)) is where its values come
    from, and a note that says where they come from otherwise. `place`: why the code runs
    outside any request (br101_levels), the note's reason when it is one. `level_params`:
    the parameters that fill a value position, for the level (filled_by_calls; default
    `value_params`)."""
    if not params or owner is None:
        return finding
    if level_params is None:
        level_params = value_params
    origins = {p: summaries.param_origin(owner, p) for p in params}
    runtime = [p for p in params if origins[p] == RUNTIME]
    if runtime:
        weak, hidden = "", ""
        for param in runtime:
            path = summaries.runtime_path(owner, param)
            reason = None if param in level_params else runtime_path_reason(
                summaries.model, path, handlers, param)
            if reason is None:
                return _with_path(finding, owner, param, path)
            weak = weak or reason
            if hidden_by_star(path) and not hidden:
                hidden = param
        if hidden:
            found = _with_path(finding, owner, hidden, summaries.runtime_path(owner, hidden))
            return weaken(found, place or runtime_path_reason(
                summaries.model, summaries.runtime_path(owner, hidden), handlers, hidden)
                or weak)
        # names or fragments whose values come only from entry points that are no route
        # (a task, a callback): never true on the tuning half (br101_levels), no evidence
        # on their own; the other parameters (an interface's value, a hidden one) still
        # decide below
    api = [p for p in params if origins[p] == API]
    if api:
        # the package's interface splices what its users pass: where a value goes, that is
        # wrong whoever calls it; a name or a fragment is the caller's SQL by design: a
        # note that says so (kept: the identifier-fix fixtures use this shape, note101)
        if any(p in level_params for p in api):
            return finding
        return weaken(finding, place or names_reason(api, (
            f"`{short_name(owner.qualname, owner.path)}` is a public function nothing in the "
            "project calls (the package's interface)")))
    hidden = [p for p in value_params if origins.get(p) == UNRESOLVED]
    # Second-order: text the code reads back (a stored document, a row) spliced inside a
    # quoted literal; whoever wrote that text earlier chose what it does to the statement.
    stored = [p for p in quoted_params
              if origins.get(p) == CONSTANT and summaries.stored_by_caller(owner, p)]
    name = short_name(owner.qualname, owner.path)
    if stored:
        shown = ", ".join(f"`{p}`" for p in stored)
        reason = (f"second-order: the text that reaches {shown} of `{name}` is what its "
                  "callers read themselves (a stored document, a row, their configuration), "
                  "and it sits inside a quoted SQL literal, where a quote in text users once "
                  "wrote ends the literal; bind it")
        return replace(finding, severity=NOTE, message=as_note(finding.message, reason))
    if not hidden:
        return None
    shown = ", ".join(f"`{p}`" for p in hidden)
    reason = (f"no call in the project shows what reaches {shown} of "
              f"`{name}` (it is reached through a dispatch "
              "or an object the code does not type)")
    return replace(finding, severity=NOTE, message=as_note(finding.message, reason))


def _with_path(finding: Finding, owner: FunctionInfo, param: str,
               path: list[tuple[FunctionInfo, CallSite | None]]) -> Finding:
    """The finding with the calls that bring outside input to `param` named in its message
    and related locations: "`param` comes from outside: `drop_table` (views.py:14) passes
    it to `_drop`, and `drop_table` is an entry point (a route, a view, a task)"."""
    if not path:
        return finding
    steps: list[str] = []
    related: list[Related] = []
    callee = owner
    for number, (caller, site) in enumerate(path):
        name = short_name(caller.qualname, caller.path)
        if site is None:
            steps.append(f"`{name}` ({_where(caller.path, caller.line)}) is an entry point "
                         "(a route, a view, a callback: its parameters come from outside)")
            related.append(Related(Span(caller.line, 1, caller.line, 2),
                                   f"{name} is an entry point", caller.path))
            break
        # the last call of a path that ends in no entry point passes the request's data
        what = "request data" if number == len(path) - 1 else "it"
        steps.append(f"`{name}` ({_where(caller.path, site.line)}) passes {what} to "
                     f"`{short_name(callee.qualname, callee.path)}`")
        related.append(Related(Span(site.line, site.col + 1, site.end_line, site.end_col + 1),
                               f"{name} passes {what} on", caller.path))
        callee = caller
    message = finding.message + f" (`{param}` comes from outside: " + "; ".join(steps) + ")"
    return replace(finding, message=message, related=(*finding.related, *related))
