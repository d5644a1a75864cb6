"""Parameter-indexed summaries of the program model: which parameters of a function flow into
what it returns, into SQL text it returns, and into the SQL text of a database call it makes
(the function runs parameter k as SQL).

Per file, a rule records plain facts (`ParamFacts`, picklable, cached with the file): the
parameters each function uses that way itself, and the calls through which it hands its
parameters on (`Forward`). `ParamSummaries` solves them over the call graph of the
`ProgramModel`: `run(sql)` that calls `self._execute(sql)` runs its parameter as SQL because
`_execute` does; `build(name)` that returns `_where(name)` returns SQL built from `name`
because `_where` does. Chains are at most MAX_DEPTH calls long, so recursion and cycles end.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..frameworks.naming import HTTP_METHOD_NAMES
from .facts import Callee, CallSite, ClassInfo, FunctionInfo, ModuleInfo
from .model import MAX_DEPTH, ProgramModel, Step

FACT_KIND = "param_flow"


@dataclass(frozen=True)
class ParamUse:
    """Parameter `param` used at `line` (`detail`: the database call, or the SQL build)."""

    param: str
    line: int
    detail: str
    # spliced where a value goes (`= '{x}'`), not as a name or a fragment (br101_positions)
    value: bool = True


@dataclass(frozen=True)
class Forward:
    """A call that passes parameters of its function on: `args` maps each argument (its
    position as a digit string, or its keyword) to the caller's parameters it carries."""

    callee: Callee
    line: int
    col: int
    end_line: int
    end_col: int
    text: str
    args: tuple[tuple[str, tuple[str, ...]], ...]
    returned: bool  # the call's value is (part of) what the function returns


@dataclass(frozen=True)
class Derived:
    """A call argument (its position as a digit string, or its keyword) that is neither a
    literal nor a parameter handed on as it is: `request` when request data is part of it,
    else the caller's parameters it is computed from (`fv.name`, `quote(table)`). An
    argument a call passes that no `Forward` or `Derived` names is made of neither: object
    state, configuration, a library's result, a value the caller computes itself."""

    line: int
    col: int
    key: str
    request: bool
    params: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParamFacts:
    """One function's own uses of its parameters (the function: `path`, its def `line`)."""

    path: str
    line: int
    executes: tuple[ParamUse, ...] = ()  # run as (part of) the SQL text of a database call
    returns_sql: tuple[ParamUse, ...] = ()  # spliced into SQL text the function returns
    returns: tuple[str, ...] = ()  # flow into the return value as they are
    forwards: tuple[Forward, ...] = ()
    derived: tuple[Derived, ...] = ()


@dataclass(frozen=True)
class Chain:
    """How a parameter reaches its use: the calls on the way (empty: the function's own
    code) and the use at the end."""

    use: ParamUse
    origin_path: str
    via: tuple[Step, ...] = ()


# Where a parameter's values come from (ParamSummaries.param_origin), strongest first.
# API: the function (or a caller up the chain that hands the value on) is a public
# module-level function nothing in the project calls: its callers are the package's users.
RUNTIME, API, UNRESOLVED, CONSTANT = "runtime", "api", "unresolved", "constant"
_STRENGTH = {RUNTIME: 3, API: 2, UNRESOLVED: 1, CONSTANT: 0}


def stronger(a: str, b: str) -> str:
    return a if _STRENGTH[a] >= _STRENGTH[b] else b


class ParamSummaries:
    def __init__(self, model: ProgramModel, facts: list[ParamFacts]) -> None:
        self.model = model
        self.own: dict[str, ParamFacts] = {}
        for fact in facts:
            fn = model.function_at(fact.path, fact.line)
            if fn is not None:
                self.own.setdefault(fn.qualname, fact)
        self.executes: dict[str, dict[str, Chain]] = {}
        self.returns_sql: dict[str, dict[str, Chain]] = {}
        self.returns: dict[str, set[str]] = {}
        self._callers: dict[str, list[tuple[FunctionInfo, CallSite]]] = {}
        self._overriding_calls: dict[
            str, list[tuple[FunctionInfo, FunctionInfo, CallSite]]] = {}
        # (function, parameter) -> (the caller, its call or None for an entry point, the
        # caller's parameter the call hands on or None): how a RUNTIME answer was found
        self._witness: dict[tuple[str, str], tuple[FunctionInfo, CallSite | None,
                                                   str | None]] = {}
        self._solve()

    # -- solving -----------------------------------------------------------------------------
    def _solve(self) -> None:
        for qualname, fact in sorted(self.own.items()):
            self.executes[qualname] = {u.param: Chain(u, fact.path) for u in fact.executes}
            self.returns_sql[qualname] = {u.param: Chain(u, fact.path)
                                          for u in fact.returns_sql}
            self.returns[qualname] = set(fact.returns)
        # Each round follows one more call; MAX_DEPTH rounds give every chain the model keeps.
        for _ in range(MAX_DEPTH):
            changed = False
            for qualname, fact in sorted(self.own.items()):
                fn = self.model.functions[qualname]
                for forward in fact.forwards:
                    for target in self.targets(fn, forward.callee):
                        if target.qualname == qualname:
                            continue
                        changed |= self._follow(fn, forward, target)
            if not changed:
                break

    def _follow(self, fn: FunctionInfo, forward: Forward, target: FunctionInfo) -> bool:
        changed = False
        for key, params in forward.args:
            name = self.parameter(target, forward.callee, key)
            if name is None:
                continue
            tables = [self.executes, self.returns_sql] if forward.returned else [
                self.executes]
            for table in tables:
                chain = table.get(target.qualname, {}).get(name)
                if chain is None or len(chain.via) >= MAX_DEPTH:
                    continue
                mine = table.setdefault(fn.qualname, {})
                for param in params:
                    if param not in mine:
                        mine[param] = Chain(chain.use, chain.origin_path,
                                            (_step(fn, forward, target), *chain.via))
                        changed = True
            if forward.returned and name in self.returns.get(target.qualname, ()):
                mine_returns = self.returns.setdefault(fn.qualname, set())
                before = len(mine_returns)
                mine_returns.update(params)
                changed |= len(mine_returns) != before
        return changed

    # -- questions ---------------------------------------------------------------------------
    def targets(self, fn: FunctionInfo | None, callee: Callee) -> list[FunctionInfo]:
        owner = fn if fn is not None else FunctionInfo("", "", "", 0)
        return self.model.targets(owner, CallSite(0, 0, 0, 0, callee, ""))

    def runs_as_sql(self, fn: FunctionInfo, param: str) -> Chain | None:
        """How `fn` runs its parameter `param` as SQL text, if it does."""
        return self.executes.get(fn.qualname, {}).get(param)

    def returns_sql_from(self, fn: FunctionInfo) -> dict[str, Chain]:
        """The parameters `fn` splices into the SQL text it returns."""
        return self.returns_sql.get(fn.qualname, {})

    def always_constant(self, fn: FunctionInfo, param: str) -> bool:
        """Every call of `fn` the project makes passes a literal or a class for `param`, and
        nothing else calls it as far as the code shows (no decorator registers it as a
        route or a callback)."""
        if self.registering_decorators(fn):
            return False
        sites = self._callers.get(fn.qualname)
        if sites is None:
            sites = self._callers[fn.qualname] = self._calls_of(fn)
        return bool(sites) and all(
            any(self.parameter(fn, site.callee, key) == param
                for key in self.fixed_args(caller, site)) for caller, site in sites)

    def registering_decorators(self, fn: FunctionInfo) -> list[str]:
        """`fn`'s decorators but the project's own that only wrap it (`@exclusive(LOCK)`
        whose wrapper hands its arguments on): those leave its callers the project's."""
        out = []
        for dec in fn.decorators:
            target = self.model.resolve(dec)
            if not (isinstance(target, FunctionInfo) and target.wraps_only
                    and target.qualname != fn.qualname):
                out.append(dec)
        return out

    def fixed_args(self, caller: FunctionInfo, site: CallSite) -> set[str]:
        """The arguments of a call that the code fixes: literals and classes, and values
        built only from constants once their needs hold (a record of literals, an entry of
        a constant mapping, a project function that returns constants). Argument-dependent
        summaries are decided here: a parameter is constant when every call fixes it."""
        fixed = set(site.static_args)
        for key, needs in site.const_args:
            if key not in fixed and self.model.satisfied(caller, needs):
                fixed.add(key)
        return fixed

    def inert_args(self, caller: FunctionInfo, site: CallSite) -> set[str]:
        """The arguments of a call whose text cannot carry SQL: those the file proves
        (numbers, timestamps, sanitised names) and fields of ORM rows the model declares
        numeric columns (`ws.id` of a `Workspace` row: analysis/program/numbers.py)."""
        return set(site.inert_args) | {key for key, needs in site.number_args
                                       if self.model.satisfied(caller, needs)}

    def _calls_of(self, fn: FunctionInfo) -> list[tuple[FunctionInfo, CallSite]]:
        """The project's call sites that run `fn`, with their callers: only sites naming it
        (or its class, for a constructor) are resolved, not every call of the project."""
        return [(caller, site) for caller, site in self._sites_naming(fn)
                if any(t.qualname == fn.qualname for t in self.model.targets(caller, site))]

    def _sites_naming(self, fn: FunctionInfo) -> Iterator[tuple[FunctionInfo, CallSite]]:
        """Every call site of the project whose callee is written with `fn`'s name (its
        class's name, for a constructor), with its caller, in a stable order: the candidates
        resolution then decides among."""
        wanted = fn.cls.rsplit(".", 1)[-1] if fn.name == "__init__" and fn.cls else fn.name
        yield from self.model.sites_calling(wanted)

    def parameter(self, target: FunctionInfo, callee: Callee, key: str) -> str | None:
        """parameter_for, knowing the model: `db.counts(query)` on an object a module made
        (`db = Database()`, imported elsewhere) names the method through the object, so the
        receiver is bound, as in `self.counts(query)`."""
        if callee.kind == "ref" and target.kind == "method" and key.isdecimal() and (
                target.cls) and not isinstance(self.model.resolve(callee.ref.rsplit(".", 1)[0]),
                                               ClassInfo):
            index = int(key) + 1
            limit = target.positional if target.positional >= 0 else len(target.params)
            return target.params[index] if index < limit else None
        return parameter_for(target, callee, key)

    def param_origin(self, fn: FunctionInfo, param: str, depth: int = 0,
                     seen: frozenset[str] = frozenset()) -> str:
        """Where the values of `fn`'s parameter `param` come from, as the project's calls
        show: the call is followed, never assumed. RUNTIME: `fn` is an entry point (its
        parameters come from outside), or a call passes request data (or hides what it
        passes in `*args` / `**kwargs`), or a value computed from a parameter of its own
        that is RUNTIME in turn (`fv.name` of a route's `fv`). CONSTANT: every call passes
        a literal, a class, the default, or a value the caller makes without request data
        or its parameters (object state, configuration, a definitions object it builds, a
        library's result): nothing an outsider chose. API: `fn` is a public module-level
        function nothing in the project calls, not one nested in another (the package's
        interface: its users choose the values), or a caller up the chain is. UNRESOLVED:
        the values reach `fn` only through calls the model cannot see (a method called on an
        object of unknown class, a dispatch table, a plugin interface, the function around
        a nested one), or the chain is longer than MAX_DEPTH calls.
        A call of a method `fn` overrides (`db.get_counts(query)` on the base class) counts
        as a call of `fn`."""
        cls = self.model.classes.get(fn.cls) if fn.cls else None
        if is_entry_point(fn.name, fn.params, self.registering_decorators(fn),
                          cls.bases if cls else ()):
            self._witness[(fn.qualname, param)] = (fn, None, None)
            return RUNTIME
        sites = self._overriding_calls.get(fn.qualname)
        if sites is None:
            sites = self._overriding_calls[fn.qualname] = self._calls_reaching(fn)
        if not sites:
            if self._toplevel_reaching(fn):
                # run only by modules' own top-level code (a script's body, start-up
                # wiring): no request exists there, so it passes the module's own
                # values (literals, its configuration, the operator's command line)
                return CONSTANT
            # a function nested in another is called by the code around it (handed on as a
            # callback, to a retry helper), never by the package's users: no interface
            nested = fn.qualname.rsplit(".", 1)[0] in self.model.functions
            return API if fn.cls is None and not nested and not fn.name.startswith(
                "_") else UNRESOLVED
        found = CONSTANT
        for caller, _, site in sites:
            # `fn` is what runs, whichever base method the call names: its own signature
            # binds the arguments (a base may declare the method differently)
            keys = {k for k in site.passed_args if self.parameter(fn, site.callee, k) == param}
            if "*" in site.passed_args and not keys:
                # `f(*args)` / `f(**kw)`: what reaches the parameter is unknown
                self._witness[(fn.qualname, param)] = (caller, site, None)
                return RUNTIME
            if not keys or keys & (self.fixed_args(caller, site) | self.inert_args(caller, site)):
                # the default, a literal, a value built from constants, or one whose text
                # cannot carry SQL (a number, a timestamp, a sanitised name)
                continue
            sources = self._sources(caller, site, keys)
            if sources is None:
                self._witness[(fn.qualname, param)] = (caller, site, None)
                return RUNTIME  # request data
            as_is, computed = sources
            if not as_is and not computed:
                continue  # a value the caller makes of its own state or configuration
            key = f"{caller.qualname}:{','.join(sorted(as_is | computed))}"
            if key in seen:
                continue  # a cycle: the other calls decide
            if depth >= MAX_DEPTH:
                found = stronger(found, UNRESOLVED)
                continue
            for own in sorted(as_is | computed):
                origin = self.param_origin(caller, own, depth + 1, seen | {key})
                if origin == RUNTIME:
                    self._witness[(fn.qualname, param)] = (caller, site, own)
                    return RUNTIME
                if origin == API and own not in as_is:
                    # what the interface's user passed, transformed on the way (a table
                    # list read off their engine): nothing shows they chose this text
                    origin = UNRESOLVED
                found = stronger(found, origin)
        return found

    def stored_by_caller(self, fn: FunctionInfo, param: str, depth: int = 0,
                         seen: frozenset[str] = frozenset()) -> bool:
        """Some call of `fn` passes for `param` a value a caller reads or makes itself (a
        document it decoded, a row, its state: no request data, no parameter of its own,
        no literal), or one computed from a parameter of its own that its callers fill that
        way in turn (`item = json.loads(queue_item["formatted_item"])` of a `queue_item` a
        task read back): what param_origin counts as CONSTANT, told apart from literals for
        second-order text (BR101)."""
        key = f"{fn.qualname}:{param}"
        if depth > MAX_DEPTH or key in seen:
            return False
        sites = self._overriding_calls.get(fn.qualname)
        if sites is None:
            sites = self._overriding_calls[fn.qualname] = self._calls_reaching(fn)
        for caller, _, site in sites:
            keys = {k for k in site.passed_args if self.parameter(fn, site.callee, k) == param}
            if not keys or keys & (self.fixed_args(caller, site) | self.inert_args(caller, site)):
                continue
            sources = self._sources(caller, site, keys)
            if sources is None:
                continue
            if sources == (set(), set()):
                return True
            if any(self.stored_by_caller(caller, own, depth + 1, seen | {key})
                   for own in sorted(sources[0] | sources[1])):
                return True
        return False

    def runtime_path(self, fn: FunctionInfo, param: str
                     ) -> list[tuple[FunctionInfo, CallSite | None]]:
        """Why param_origin found `fn`'s `param` RUNTIME, after it did: the calls up from
        `fn`, each with its caller, ending at the one that passes request data (or `*args`),
        or at an entry point (its site None)."""
        out: list[tuple[FunctionInfo, CallSite | None]] = []
        key = (fn.qualname, param)
        while key in self._witness and len(out) <= MAX_DEPTH + 1:
            caller, site, handed = self._witness[key]
            out.append((caller, site))
            if site is None or handed is None:
                break
            key = (caller.qualname, handed)
        return out

    def _sources(self, caller: FunctionInfo, site: CallSite, keys: set[str]
                 ) -> tuple[set[str], set[str]] | None:
        """The caller's own parameters the arguments `keys` of a call carry: those handed on
        as they are, and those the values are computed from; None when request data is part
        of one. Both empty: the caller makes the values itself (see Derived)."""
        as_is: set[str] = set()
        computed: set[str] = set()
        facts = self.own.get(caller.qualname)
        if facts is None:
            return as_is, computed
        at = (site.line, site.col)
        forward = next((f for f in facts.forwards if (f.line, f.col) == at), None)
        passed = dict(forward.args) if forward is not None else {}
        for key in keys:
            if key in passed:
                as_is.update(passed[key])
                continue
            for derived in facts.derived:
                if (derived.line, derived.col, derived.key) == (*at, key):
                    if derived.request:
                        return None
                    computed.update(derived.params)
        return as_is, computed

    def _toplevel_reaching(self, fn: FunctionInfo) -> list[tuple[ModuleInfo, CallSite]]:
        """The calls of modules' top-level code (ModuleInfo.toplevel_calls) that run `fn`:
        each module's body stands as a caller of its own, with no parameters."""
        wanted = fn.cls.rsplit(".", 1)[-1] if fn.name == "__init__" and fn.cls else fn.name
        out: list[tuple[ModuleInfo, CallSite]] = []
        for module, site in self.model.toplevel_sites_calling(wanted):
            if _reruns_per_user(module):
                continue
            body = FunctionInfo(f"{module.name}.<module>", "<module>", module.path, 0)
            if any(t.qualname == fn.qualname for t in self.model.targets(body, site)):
                out.append((module, site))
        return out

    def _calls_reaching(self, fn: FunctionInfo
                        ) -> list[tuple[FunctionInfo, FunctionInfo, CallSite]]:
        """The project's call sites that may run `fn`, each with its caller and the function
        it resolves to: `fn` itself, or a method of a base class that `fn` overrides."""
        wanted = {fn.qualname, *(base.qualname for base in self.model.overridden(fn))}
        out: list[tuple[FunctionInfo, FunctionInfo, CallSite]] = []
        for caller, site in self._sites_naming(fn):
            for target in self.model.targets(caller, site):
                if target.qualname in wanted and caller.qualname != fn.qualname:
                    out.append((caller, target, site))
                    break
        return out

    def returns_params(self, fn: FunctionInfo) -> set[str]:
        """The parameters that flow into `fn`'s return value as they are."""
        return self.returns.get(fn.qualname, set())


# Decorators that do not make a function an entry point: its callers are still the project's.
_PLAIN_DECORATORS = re.compile(r"(?:^|\.)(?:staticmethod|classmethod|property|cached_property"
                               r"|abstractmethod|override|lru_cache|cache|wraps|overload"
                               r"|contextmanager|asynccontextmanager"
                               # typing's markers hand the function back unchanged
                               r"|no_type_check|final|deprecated)$")


# A class-based view's base, by its last segment: MethodView, Resource, RequestHandler,
# HTTPEndpoint, a project's BaseResource or ApiView.
_VIEW_BASE = re.compile(r"(?:View|Resource|Handler|Endpoint)(?:Set)?$")


# Frameworks that run a module's top-level code again for every visitor's interaction, with
# the visitor's input in it (`q = st.text_input(...)`; `search(q)`): that code serves users,
# it is no start-up wiring (ParamSummaries._toplevel_reaching).
_RERUN_FRAMEWORKS = ("streamlit",)


def _reruns_per_user(module: ModuleInfo) -> bool:
    return any(ref.split(".", 1)[0] in _RERUN_FRAMEWORKS for ref in module.imports.values())


def is_entry_point(name: str, params: Iterable[str], decorators: Iterable[str],
                   class_bases: Iterable[str] = ()) -> bool:
    """Something outside the project calls the function with outside values: a decorated
    function (a route, a task, a signal receiver), a view that takes the request, the HTTP
    method of a class-based view (`class_bases`: the enclosing class's bases, as written or
    resolved; none for a function)."""
    if any(not _PLAIN_DECORATORS.search(d) for d in decorators):
        return True
    if any(p in ("request", "req") for p in params):
        return True
    return name in HTTP_METHOD_NAMES and any(
        _VIEW_BASE.search(b.rsplit(".", 1)[-1]) for b in class_bases)


def parameter_for(target: FunctionInfo, callee: Callee, key: str) -> str | None:
    """The parameter of `target` that the argument `key` (a position or a keyword) binds."""
    if not key.isdecimal():
        return key if key in target.params else None
    index = int(key)
    bound = callee.kind in ("self", "super", "selfattr", "typed") or (
        callee.kind == "ref" and (target.name == "__init__" or target.kind == "classmethod"))
    if bound and target.kind != "staticmethod":
        index += 1  # the receiver takes the first parameter
    # keyword-only parameters take no position (`def f(*extra, items=())`: `f(qs)` fills
    # `extra`, and `items` keeps its default)
    limit = target.positional if target.positional >= 0 else len(target.params)
    return target.params[index] if index < limit else None


def _step(fn: FunctionInfo, forward: Forward, target: FunctionInfo) -> Step:
    return Step(fn.path, forward.line, forward.col, forward.end_line, forward.end_col,
                forward.text, target.qualname, target.path, target.line)


_cache: tuple[list[ParamFacts], ProgramModel, ParamSummaries] | None = None


def summaries_of(model: ProgramModel, facts: dict[str, list]) -> ParamSummaries:  # type: ignore[type-arg]
    """The parameter summaries of a run, solved once per run and model."""
    global _cache
    found = facts.setdefault(FACT_KIND, [])
    if _cache is None or _cache[0] is not found or _cache[1] is not model:
        _cache = (found, model, ParamSummaries(model, found))
    return _cache[2]
