"""BR102 through a serializer's method field: DRF calls `get_<field>(obj)` once for every
object it serializes, so a `SerializerMethodField` whose method runs a query is a query per
row of every list view that serializes with it (`LegacyRoleDownloadCount.objects.filter(
legacyrole=obj).first()` in `get_download_count`).

The method is followed with the program model (its own code and at most two calls away) and
counts only when the query runs on every path of it: a query behind a condition (a cache,
an option of the request) shows nothing about every row. No loader at the view's queryset
reaches a method's own query, so the cure named is to compute it in the queryset (annotate,
a `Prefetch` read through the row) and read it from each object.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..analysis.program import QUERY, FunctionInfo, ProgramModel, Reached, describe, related
from ..model import Fix, Related, Span
from .br102_through_calls import steady_reads

if TYPE_CHECKING:
    from ..analysis.orm.drf import ListViewFact, SerializerFact
    from .base import ProjectRule

# `Model.objects...`, `Model.query...`, `Model.get(...)`: a query of a model class, which a
# loader on the view's queryset never serves (a relation read through the object might be).
_CLASS_QUERY = re.compile(r"^[A-Z]\w*\.")


@dataclass
class _PerRow:
    """One method field whose method queries, and the list views that serialize it."""

    serializer: SerializerFact
    name: str
    method: FunctionInfo
    chain: Reached
    views: list[ListViewFact] = field(default_factory=list)


class MethodFieldQueries:
    """Collects, view by view, the method fields that query per row; reports each method
    once, naming every list view that runs it."""

    def __init__(self, program: ProgramModel) -> None:
        self.program = program
        self._found: dict[str, _PerRow | None] = {}

    def add(self, view: ListViewFact, chain: list[SerializerFact],
            loaders_known: bool) -> None:
        """`chain`: the view's serializer and its project base serializers. When the view's
        loaders cannot be read, only queries of a model class count (no loader serves them)."""
        shadowed: set[str] = set()
        for serializer in chain:
            for name, method_name, _line in serializer.method_fields:
                if name in shadowed:
                    continue
                shadowed.add(name)
                per_row = self._per_row(serializer, name, method_name)
                if per_row is None:
                    continue
                if not loaders_known and not _CLASS_QUERY.match(per_row.chain.effect.detail):
                    continue
                if view not in per_row.views:
                    per_row.views.append(view)
            shadowed.update(serializer.declared)

    def _per_row(self, serializer: SerializerFact, name: str, method_name: str
                 ) -> _PerRow | None:
        key = f"{serializer.qualname}.{method_name}"
        if key in self._found:
            return self._found[key]
        self._found[key] = None
        cls = self.program.class_of(serializer.qualname)
        method = self.program.method(cls, method_name) if cls is not None else None
        if method is None:
            return None
        chains = steady_reads(self.program, method, self.program.effects(method, QUERY))
        if chains:
            self._found[key] = _PerRow(serializer, name, method, chains[0])
        return self._found[key]

    def report(self, rule: ProjectRule) -> None:
        for key in sorted(self._found):
            per_row = self._found[key]
            if per_row is None or not per_row.views:
                continue
            _report(rule, per_row)


def _report(rule: ProjectRule, per_row: _PerRow) -> None:
    chain, method = per_row.chain, per_row.method
    views = sorted(per_row.views, key=lambda v: (v.path, v.span.start_line, v.name))
    shown = ", ".join(f"`{v.name}` (`{v.origin.text}`)" for v in views[:3])
    if len(views) > 3:
        shown += f" and {len(views) - 3} more"
    if chain.via:
        step = chain.via[0]
        span = Span(step.line, step.col + 1, step.end_line, step.end_col + 1)
        path, snippet = step.path, step.text
        how = f"a query through calls: {describe(chain, 'runs')}"
    else:
        line = chain.effect.line
        span = Span(line, 1, line, 2)
        path, snippet = chain.origin_path, chain.effect.detail
        how = f"`{chain.effect.detail}` (line {line})"
    where = f"{method.path.rsplit('/', 1)[-1]}:{method.line}"
    if chain.effect.fixed:
        cure = ("the query is the same for every object: run it once (in the view, handed "
                "through the serializer's context) and read its result")
    else:
        cure = ("compute it for the whole page in the queryset (`.annotate(...)`, a "
                "`Prefetch` read through the object) and read it from each object")
    message = (f"`{per_row.serializer.name}.{method.name}` ({where}), the method of the "
               f"field `{per_row.name}`, runs {how} once for each object of the "
               f"{'lists' if len(views) > 1 else 'list'} served by {shown}; {cure}")
    links = (*related(chain, "runs"), *(
        Related(v.span, f"lists with {per_row.serializer.name}", v.path) for v in views))
    rule.report(path, span, message, fix=Fix(description=cure), related=links,
                snippet=snippet)


__all__ = ["MethodFieldQueries"]
