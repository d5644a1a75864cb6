"""BR102 through calls: the query that runs once per item sits one or more calls away, in a
repository, a service, a model method or property (the program model's summaries).

Two shapes:
- a call made once per row of a query whose callee (followed through the call graph) runs a
  read query: `for m in Member.objects.filter(...): repo.get_one(m.nickname)`; with the
  `any-loop` option, once per item of any loop too (`for slug in slugs: ...`), as a note;
- a loop over query rows that reads a property or calls a method of the row's model class
  that runs a query: `for m in team.members.all(): total += m.score`.

Loops over literal collections and `range()` are a handful of items known when the code is
written; cached callees (`@lru_cache`, `@cached_property`...) run once; writes per item are
another concern (bulk writes), not a read per row: a callee that writes is per-item processing
(an import, a state change, a mail), where loading before the loop is not the fix.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..analysis.program import (
    QUERY,
    CallSite,
    FunctionInfo,
    ProgramModel,
    Reached,
    describe,
    related,
)
from ..analysis.program.rowparams import returned_rows
from ..model import Fix, Span
from .br102_evidence import project_reason
from .confidence import NOTE, as_note

if TYPE_CHECKING:
    from ..analysis.orm.models import Model
    from ..analysis.orm.queries import Access, LoopFact, Origin
    from ..analysis.program.rowparams import RowParams
    from .base import ProjectRule
    from .br102_scripts import ScriptPaths

_CACHED = re.compile(r"(^|\.)(lru_cache|cache|cached|cached_property|memoize\w*|"
                     r"cached_method|ttl_cache|alru_cache)$")


def _reads(model: ProgramModel, chains: list[Reached]) -> list[Reached]:
    out: list[Reached] = []
    for reached in chains:
        if reached.effect.write:
            continue
        if any(_is_cached(model.functions.get(step.callee)) for step in reached.via):
            continue
        out.append(reached)
    return out


def steady_reads(model: ProgramModel, fn: FunctionInfo, reached: list[Reached]
                 ) -> list[Reached]:
    """The read queries of `reached` (the effects of calling `fn`) that run on every path,
    at most two calls away: the evidence of a query each time `fn` runs. None when `fn` or
    the calls write (per-item processing, not a read to batch)."""
    if _is_cached(fn) or any(r.effect.write for r in reached) or model.writes(fn):
        return []
    return [c for c in _reads(model, reached) if c.always and len(c.via) <= 2]


def _is_cached(fn: FunctionInfo | None) -> bool:
    return fn is not None and any(_CACHED.search(d) for d in fn.decorators)


def check_calls_in_loops(rule: ProjectRule, model: ProgramModel,  # type: ignore[no-untyped-def]
                         scripts: ScriptPaths, skipped, any_loop: bool = False,
                         row_params: RowParams | None = None) -> None:
    """Report each call made once per row of a query whose callee runs a read query; with
    `any_loop`, calls made once per item of any other loop too (as notes). A loop over a
    parameter every caller fills with query rows (`row_params`) is a loop over rows."""
    for qualname in sorted(model.functions):
        fn = model.functions[qualname]
        if skipped(fn.path):
            continue
        reported: set[int] = set()
        for site in fn.calls:
            if not site.loop_line or site.loop_literal or site.line in reported:
                continue
            source = None if site.loop_rows else _rows_source(model, fn, site)
            passed = None if site.loop_rows or source is not None or row_params is None \
                else row_params.loop_rows(fn, site)
            rows = site.loop_rows or source is not None or passed is not None
            if not rows and not any_loop:
                continue  # N+1 is a query per row of a query; other loops are opt-in
            reached = model.reached_through(fn, site, QUERY)
            if any(r.effect.write for r in reached) or any(
                    model.writes(target) for target in model.targets(fn, site)):
                continue  # per-item processing that writes, not a read to batch
            chains = _reads(model, reached)
            if not chains:
                continue
            steady = [c for c in chains if c.always and len(c.via) <= 2]
            if rows and (not steady or not site.loop_item):
                # No evidence of a query per row: it runs only on some paths of the calls
                # (a cache miss, an option, work already batched), several calls away where
                # the chain cannot show what decides it, or without the loop's item. On the
                # benchmark's tuning half none of these was a real N+1 (0 true, 6 false).
                continue
            reported.add(site.line)
            chain = (steady or chains)[0]
            # The opt-in `any-loop` notes and management commands keep the finding as a note.
            reason = ""
            if not rows:
                reason = "the loop does not iterate the rows of a query; check how many items " \
                         "it has"
            else:
                reason = project_reason(scripts, fn.path, fn.line) or ""
            if chain.effect.fixed:
                # Nothing of the item reaches the query: no batch keyed by item exists, the
                # cure is to run it once.
                cure = "the query is the same for every item: run it once before the loop"
                fix = (f"run `{chain.effect.detail}` once before the loop on line "
                       f"{site.loop_line} and hand its result to `{site.text}` (a parameter "
                       f"or a variant that takes it), instead of querying inside each call")
            else:
                cure = "load what every item needs with one query before the loop"
                fix = (f"fetch the rows for all items at once before the loop on line "
                       f"{site.loop_line} (a batch method beside `{site.text}` that filters "
                       f"with `__in` / `.in_()` / `= ANY(...)`), keep them in a dict keyed by "
                       f"the item, and look each one up inside the loop")
            rows_of = ""
            if source is not None:
                # The loop's rows come from a helper: say which, and which query it returns.
                returned = source[1]
                rows_of = (f" (the rows `{source[0].text}(...)` returns, "
                           f"`{' '.join(returned.effect.detail.split())}` at "
                           f"{returned.origin_path.rsplit('/', 1)[-1]}:{returned.effect.line})")
            elif passed is not None:
                rows_of = f" ({passed[1].words(passed[0])})"
            message = (f"`{site.text}(...)` runs a query for each "
                       f"{'row' if rows else 'item'} of the loop on line "
                       f"{site.loop_line}{rows_of}: {describe(chain, 'runs')}; {cure}")
            rule.report(
                fn.path, Span(site.line, site.col + 1, site.end_line, site.end_col + 1),
                as_note(message, reason) if reason else message,
                severity=NOTE if reason else None, fix=Fix(description=fix),
                related=(*related(chain, "runs"), *(passed[1].related() if passed else ())),
                snippet=site.text)


def _rows_source(model: ProgramModel, fn: FunctionInfo, site: CallSite
                 ) -> tuple[CallSite, Reached] | None:
    """The loop that runs `site` iterates what a call returns (`tokens = state.get_all()`,
    `for t in tokens`) and that call's callee returns every row of a query (the program
    model's *returns an unbounded collection*): the call site and that evidence."""
    if not site.loop_source:
        return None
    line, col = site.loop_source
    source = next((s for s in fn.calls if s.line == line and s.col == col), None)
    found = returned_rows(model, fn, source) if source is not None else None
    return (source, found) if source is not None and found is not None else None


def check_member(rule: ProjectRule, model: ProgramModel, scripts: ScriptPaths, loop: LoopFact,
                 access: Access, span: Span, row_model: Model, root: Origin) -> bool:
    """`row.attr` / `row.method()` on a row of `row_model` where the model class's property
    or method runs a query. True when reported."""
    attr = access.levels[0][0]
    cls = model.classes.get(row_model.fact.qualname)
    if cls is None:
        return False
    member = model.method(cls, attr)
    if member is None or _is_cached(member):
        return False
    called = access.called and len(access.levels) == 1
    if member.kind != "property" and not called:
        return False
    reached = model.effects(member, QUERY)
    if any(r.effect.write for r in reached) or model.writes(member):
        return False  # `row.save()` and the like: a write per row, not a read to batch
    chains = _reads(model, reached)
    if not chains:
        return False
    steady = [c for c in chains if c.always]
    if not steady:
        # The query runs only on some paths of the member: no evidence of a query per row.
        return False
    chain = steady[0]
    how = "reads the property" if member.kind == "property" else "calls"
    where = f"{member.path.rsplit('/', 1)[-1]}:{member.line}"
    if chain.via:
        steps = "where " + describe(chain, "runs")
    else:
        steps = (f"which runs `{chain.effect.detail}` "
                 f"({chain.origin_path.rsplit('/', 1)[-1]}:{chain.effect.line})")
    message = (f"`{loop.var}.{attr}` {how} `{row_model.name}.{attr}` ({where}), {steps}, "
               f"once for each row of the loop over `{root.text}` (line {root.line}); compute "
               f"it for all rows in that query (annotate, a join, a prefetch) instead")
    reason = project_reason(scripts, loop.path, loop.owner)
    rule.report(
        loop.path, span, as_note(message, reason) if reason else message,
        severity=NOTE if reason else None,
        fix=Fix(description=(
            f"move what `{row_model.name}.{attr}` computes into the query on line {root.line} "
            f"(`.annotate(...)` / `.prefetch_related(...)` / a join), or load it for all rows "
            f"at once before the loop")),
        related=(*related(chain, "runs"),), snippet=access.snippet)
    return True
