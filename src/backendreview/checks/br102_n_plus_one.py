"""BR102 n-plus-one: a query per row inside a loop (CWE-1073).

Two halves share the id. The file rule records model classes and, for every loop over a
query, the query's loading options and the attributes the body reads from each row; it also
reports explicit per-row queries (`Model.objects.get(id=row.x)`, `session.get(...)`,
`cursor.execute(...)`) which need no model knowledge. The project rule joins the loops with
the project's models to tell relations from columns and reports lazy loads.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, replace
from typing import ClassVar

from ..analysis.dbapi import HandleResolver, is_sql_method
from ..analysis.frameworks.routes import project_routes
from ..analysis.orm.drf import (
    RUNTIME_LIST_METHODS,
    ListViewFact,
    QuerysetMethodFact,
    RuntimeLoaderFact,
    SerializerFact,
    extract_list_view,
    extract_queryset_method,
    extract_serializer,
    is_list_base,
    runtime_loader,
)
from ..analysis.orm.models import (
    COLUMN,
    DJANGO_MODEL_BASES,
    FK,
    GFK,
    M2M,
    O2O,
    REVERSE_FK,
    REVERSE_O2O,
    SA_REL,
    SINGLE,
    BaseFact,
    ClassFact,
    FieldFact,
    Model,
    ModelIndex,
    class_ref,
    extract_base,
    extract_class,
)
from ..analysis.orm.queries import (
    DJANGO_CHAIN,
    DJANGO_EVALUATE,
    DJANGO_MANAGERS,
    SA_CHAIN,
    SA_EVALUATE,
    SA_SELECTS,
    Access,
    LoopFact,
    Origin,
    OriginFinder,
)
from ..analysis.orm.serializer_reads import RowRead
from ..analysis.paths import is_migration_path
from ..analysis.program import program_of
from ..analysis.program.paramflow import parameter_of
from ..analysis.program.rowparams import (
    PARAM_LOOPS,
    ROW_ARGS,
    VALUE_REFS,
    ValueRefs,
    computed_name,
    dotted_ref,
    hidden_call,
    own_class_call,
    param_loop,
    row_args,
    row_params_of,
    unwrapped,
    value_ref,
)
from ..analysis.sql_bounds import opens_read
from ..analysis.strings import StringAnalyzer
from ..analysis.values import tracker_for
from ..model import Finding, Fix, Span
from .base import ProjectRule, Rule
from .br102_bounds import (
    computes_only,
    follows_relation,
    reads_after_waiting,
    rows_written_before,
    small_sample,
    stops_at_first_hit,
    written_before,
)
from .br102_evidence import explicit_reason, one_object_reason, project_reason
from .br102_fetch import fetched_rows
from .br102_fixes import (
    NOT_PREFETCHABLE,
    django_batch_text,
    explicit_fix,
    session_get_batch,
    with_loader,
)
from .br102_loops import (
    by_name,
    creates_when_missing,
    deleted_names,
    deliberate_per_row,
    fetched_to_delete,
    fixed_collection,
    loop_targets,
    mapping_keys,
    opening_with,
    pattern_lookup,
    ranges_only,
    varies_column,
)
from .br102_loops import rereads_item as _rereads_item
from .br102_method_fields import MethodFieldQueries
from .br102_resolvers import check_resolvers
from .br102_scripts import ScriptPaths, file_script_reason
from .br102_through_calls import check_calls_in_loops, check_member
from .confidence import NOTE, as_note, script_reason

RULE_ID = "BR102"
DEFERRED = "br102_deferred"


@dataclass(frozen=True)
class DeferredQuery:
    """An explicit per-row query found in a function, reported by the project phase."""

    finding: Finding
    owner: int  # the def line of the function it is in
    # the note if the loop walks one object's relation (br102_evidence.one_object_reason)
    one_object: str = ""
    # the loop iterates this parameter of the function: the program model asks its callers
    # whether they all pass query rows (analysis/program/rowparams.py)
    iter_param: str = ""
    depends: str = ""  # the loop variable the query uses, as the message names it
_TEST_PATH = re.compile(r"(^|/)(tests?|testing)(/|$)|(^|/)(test_[^/]*|[^/]*_tests?|conftest)\.py$")
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_LOOPS = (ast.For, ast.AsyncFor, *_COMPREHENSIONS)
_SCOPE_BREAKS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
# Related-manager methods that read rows: the prefetch cache answers the first group, the
# second always runs a new query.
_CACHED_READS = frozenset({"all", "count", "exists", "first", "last", "__iter__"})
_FRESH_READS = frozenset({"filter", "exclude", "get", "order_by", "values", "values_list",
                          "aggregate", "annotate", "latest", "earliest", "select_related",
                          "prefetch_related", "only", "defer", "distinct"})
# Built-ins that consume a generator only until their answer is known.
_SHORT_CIRCUITS = frozenset({"builtins.any", "builtins.all", "builtins.next"})
_SHORTCUTS = frozenset({"django.shortcuts.get_object_or_404", "django.shortcuts.get_list_or_404"})


def skipped_path(path: str, include_tests: bool, include_migrations: bool) -> bool:
    path = path.replace("\\", "/")
    if not include_migrations and is_migration_path(path):
        return True
    return not include_tests and bool(_TEST_PATH.search(path))


class _Options:
    OPTIONS: ClassVar[dict[str, type]] = {"include-tests": bool, "include-migrations": bool,
                                          "any-loop": bool}


class NPlusOneFacts(_Options, Rule):
    """Per file: model facts, loop facts, and explicit per-row queries."""

    id = RULE_ID

    def __init__(self, ctx, doc) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx, doc)
        self.skip = skipped_path(ctx.path, self.option("include-tests", False),
                                 self.option("include-migrations", False))
        self.origins = OriginFinder(ctx)
        self.handles = HandleResolver(ctx)
        self.strings = StringAnalyzer(ctx)
        self.loops: dict[int, tuple[str, Origin | None]] = {}
        self.runtime_loaders: set[RuntimeLoaderFact] = set()
        self.value_refs: set[str] = set()

    # -- calls and references the program model's rows answer joins (rowparams) ------------
    # Asked of every name and attribute: a name already recorded is not looked up again
    # (value_ref answers the node's own id / attr or None, so the set cannot change).
    def visit_Name(self, node: ast.Name) -> None:
        if not self.skip and node.id not in self.value_refs:
            name = value_ref(self.ctx, node)
            if name:
                self.value_refs.add(name)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if not self.skip and node.attr not in self.value_refs:
            name = value_ref(self.ctx, node)
            if name:
                self.value_refs.add(name)

    def visit_Constant(self, node: ast.Constant) -> None:
        if not self.skip and (name := dotted_ref(node)) is not None:
            self.value_refs.add(name)  # `"shop.hooks.export"`, loaded by name

    # -- models ---------------------------------------------------------------------------
    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        fact = extract_class(self.ctx, node)
        if fact is not None:
            self.ctx.emit_fact("orm_class", fact)
        if self.ctx.semantic.is_imported("rest_framework") and (
                self.ctx.semantic.enclosing_function(node) is None):
            serializer = extract_serializer(self.ctx, node)
            if serializer is not None:
                self.ctx.emit_fact("drf_serializer", serializer)
            view = None if self.skip else extract_list_view(self.ctx, node, self.origins)
            if view is not None:
                self.ctx.emit_fact("drf_view", view)
        if self.ctx.semantic.enclosing_function(node) is None:
            for stmt in node.body:
                if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef) and (
                        stmt.name == "get_queryset"):
                    self.ctx.emit_fact("drf_get_queryset",
                                       extract_queryset_method(self.ctx, node, stmt))

    def visit_Assign(self, node: ast.Assign) -> None:
        if self.ctx.semantic.parent(node) is self.ctx.tree:
            fact = extract_base(self.ctx, node)
            if fact is not None:
                self.ctx.emit_fact("orm_base", fact)

    # -- loops ----------------------------------------------------------------------------
    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:
        if not self.skip:
            self._loop(node, node.target, node.iter, list(node.body))

    visit_AsyncFor = visit_For

    def _comprehension(self, node: ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp
                       ) -> None:
        if self.skip:
            return
        body: list[ast.AST] = [node.key, node.value] if isinstance(node, ast.DictComp) else [
            node.elt]
        generators = node.generators
        for index, gen in enumerate(generators):
            rest: list[ast.AST] = list(gen.ifs)
            for later in generators[index + 1:]:
                rest += [later.iter, *later.ifs]
            self._loop(gen, gen.target, gen.iter, body + rest)

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _comprehension

    def _loop(self, node: ast.AST, target: ast.expr, iterable: ast.expr,
              body: list[ast.AST]) -> None:
        var = _loop_variable(self.ctx, target, iterable)
        if var is None:
            return
        loop_id = _node_id(node)
        origin = self._origin(iterable)
        self.loops[loop_id] = (var, origin)
        if origin is None and (found := param_loop(self.ctx, node)) is not None:
            self.ctx.emit_fact(PARAM_LOOPS, found)  # rows if every caller passes rows
        if origin is None or not origin.rows:
            return
        if small_sample(self.ctx, iterable, self._sql_text):
            # `qs[:2]`, `.limit(5)`: a handful of rows the code caps, as for the explicit
            # per-row queries of `_dependent_loop`; the loop is still known to the loops
            # nested in it.
            return
        accesses = tuple(_accesses(self.ctx, var, body, node))
        if not accesses:
            return
        # the def the loop is in, else a lambda's line (it runs when called, not at import:
        # owner 0 is module level or a class body, project_reason's AT_IMPORT)
        owner = self.ctx.semantic.enclosing_function(iterable) or next(
            (anc for anc in self.ctx.semantic.ancestors(iterable)
             if isinstance(anc, ast.Lambda)), None)
        self.ctx.emit_fact("orm_loop", LoopFact(
            path=self.ctx.path, id=loop_id, line=getattr(node, "lineno", 0) or iterable.lineno,
            var=var, origin=origin, accesses=accesses, module=self.ctx.module,
            owner=owner.lineno if owner is not None else 0, stops=self._short_circuit(node)))

    def _short_circuit(self, node: ast.AST) -> str:
        """`any(storage.project.allows(user) for storage in storages)`: the generator is
        consumed only until `any()` / `all()` / `next()` knows its answer, so the per-row
        query runs for the items up to the first hit — every row only when none matches."""
        if not isinstance(node, ast.comprehension):
            return ""
        generator = self.ctx.semantic.parent(node)
        if not isinstance(generator, ast.GeneratorExp) or generator.generators[0] is not node:
            return ""
        call = self.ctx.semantic.parent(generator)
        if not (isinstance(call, ast.Call) and call.args and call.args[0] is generator):
            return ""
        name = self.ctx.qualified_name(call.func) or ""
        if name not in _SHORT_CIRCUITS:
            return ""
        shown = name.rsplit(".", 1)[-1]
        return (f"`{shown}()` stops at the first item that "
                f"{'fails' if shown == 'all' else 'matches'}, so the query runs once per "
                f"row only when none does")

    def _origin(self, iterable: ast.expr) -> Origin | None:
        inner = iterable
        while isinstance(inner, ast.Call) and self.ctx.qualified_name(inner.func) in (
                "builtins.enumerate", "builtins.list", "builtins.sorted", "builtins.reversed",
                "builtins.tuple") and inner.args:
            inner = inner.args[0]
        # `for c in post.comments` (SQLAlchemy) inside `for post in ...`
        if isinstance(inner, ast.Attribute) and isinstance(inner.value, ast.Name):
            parent = self._enclosing_loop_of(inner, inner.value.id)
            if parent is not None:
                return Origin("relation", None, (), True, None, (), self.origins.shorten(inner),
                              inner.lineno, "relation", parent, (inner.attr,))
            return None
        origin = self.origins.of(iterable)
        if origin is not None and origin.orm == "relation":
            var, attr = origin.relation
            parent = self._enclosing_loop_of(iterable, var)
            if parent is None:
                return None
            return Origin("relation", None, origin.loaded, origin.rows, origin.only,
                          origin.deferred, origin.text, origin.line, "relation", parent,
                          (attr,), origin.fresh)
        return origin

    def _enclosing_loop_of(self, node: ast.AST, var: str) -> int | None:
        for anc in self.ctx.semantic.ancestors(node):
            if isinstance(anc, _SCOPE_BREAKS):
                return None
            loops: list[ast.AST] = []
            if isinstance(anc, ast.For | ast.AsyncFor):
                loops = [anc]
            elif isinstance(anc, _COMPREHENSIONS):
                loops = list(anc.generators)
            for loop in loops:
                known = self.loops.get(_node_id(loop))
                if known and known[0] == var:
                    return _node_id(loop)
        return None

    # -- explicit per-row queries ---------------------------------------------------------
    def visit_Call(self, node: ast.Call) -> None:
        loader = runtime_loader(self.ctx, node)
        if loader is not None and loader not in self.runtime_loaders:
            self.runtime_loaders.add(loader)
            self.ctx.emit_fact("orm_runtime_loader", loader)
        if self.skip:
            return
        for arg in row_args(self.ctx, self.origins, node):
            self.ctx.emit_fact(ROW_ARGS, arg)
        if (hidden := hidden_call(self.ctx, node) or own_class_call(self.ctx, node)):
            self.value_refs.add(hidden)  # a caller the program model does not see
        if (spelled := computed_name(self.ctx, node)) is not None:
            self.value_refs.add(spelled)  # `getattr(self, "do_" + kind)`
        query = self._explicit_query(node)
        if query is None:
            return
        label, fix_text = query
        if _locks_rows(node) or in_change_guard(self.ctx, node):
            return
        loop = self._dependent_loop(node)
        if loop is None:
            return
        loop_node, names, iterable = loop
        if _rereads_item(node, loop_node):
            return  # `Model.objects.get(pk=child.pk)`: a refresh of the row itself
        if fetched_to_delete(self.ctx, node, loop_node):
            return  # the lookup half of a per-item delete: a write to batch
        if deliberate_per_row(self.ctx, node, loop_node) or varies_column(node, names) or \
                pattern_lookup(node, names) or stops_at_first_hit(self.ctx, node, loop_node) or \
                reads_after_waiting(self.ctx, node, loop_node):
            return
        fetched = fetched_rows(self.ctx, self.handles, self._sql_text,
                               unwrapped(self.ctx, iterable))
        from_rows = self._iterates_rows(iterable) or fetched is not None
        tracker = tracker_for(self.ctx)
        # The values that follow the item: a local the iteration sets to the same value
        # each time (`content_type = ...get_for_model(obj)`) is no key of it.
        follows = loop_targets(loop_node) | _assigned_in(loop_node)
        keys = [n for n in names if n in follows] if isinstance(
            loop_node, ast.For | ast.AsyncFor) else names
        if not from_rows and not any(tracker.request_data(n) for n in ast.walk(iterable)) and (
                by_name(self.ctx, node, [*(keys or names), *follows])):
            return  # a handful of names someone typed, configured or mapped
        script = self._script_reason()
        if script and not from_rows:
            # A command or script walking items from outside the database (an API
            # response, a file, its arguments): a sync or import where each item is looked
            # up to be upserted, run by an operator, not a request per row.
            return
        kind = self._query_kind(node)
        if kind[1] == "django":
            fix_text = django_batch_text(self.ctx, node, names, loop_node) or (
                "one query for all iterations before the loop (or an annotate()/Subquery "
                "on the outer query), then look each iteration's rows up in a dict")
        lead, once = "fetch the rows for all iterations with one query before the loop", \
            "query once before the loop"
        spans = ranges_only(self.ctx, node, names)
        if spans:
            lead = ("the loop varies the bounds of a range, not a key, so no `IN` list "
                    "replaces it")
            once = "one query instead of one per span"
            fix_text = ("query the whole span once (the lowest lower bound to the highest "
                        "upper bound the loop covers) and sort the rows into each "
                        "iteration's bucket in Python")
        if kind[1] == "django" and _streams(self.ctx, iterable):
            # One query over every key before the loop would materialise what the loop
            # streams: batch per chunk instead.
            lead = once = "keep the stream and batch the lookups per chunk"
            fix_text = ("iterate `.iterator(chunk_size=...)` with `.prefetch_related(...)` on "
                        "the streamed query (Django 4.1+ prefetches each chunk), or an "
                        "annotate()/Subquery on it; one query over every key before the "
                        "loop would load all the rows the loop streams")
            if not follows_relation(node, loop_targets(loop_node)):
                # `filter(name=get_name(layer))`: values computed from the row, not a
                # relation prefetch_related could follow.
                fix_text = ("take the streamed rows a chunk at a time (say 500), run one "
                            "query for the values that chunk looks up, and look each row's "
                            "match up in a dict; prefetch_related would not help, since the "
                            "lookup matches values computed from the row, not a relation")
        concrete = None if spans else explicit_fix(self.ctx, node, loop_node, *kind)
        written = written_before(self.ctx, node, loop_node)
        # The fix text asks for the same rows, not only the same model: a write to other
        # rows of it (one group's delete, then another group's read) leaves the batch right.
        same_rows = rows_written_before(self.ctx, node, loop_node) if written else None
        if same_rows is not None:
            # A batch before the loop would read the rows before this iteration's write.
            once = "no query before the loop"
            concrete = None
            fix_text = (f"the iteration writes these rows on line {same_rows} before it "
                        f"reads them, so one query before the loop would read them "
                        f"unwritten; read them once after the loop's writes, or have the "
                        f"write return what is read (`.update()` returns the count)")
        where = _loop_label(self.ctx, loop_node)
        message = (f"`{label}` runs a query on every iteration of the loop {where} "
                   f"(it depends on `{names[0]}`); {lead}: {fix_text}")
        if same_rows is not None:
            message = (f"`{label}` runs a query on every iteration of the loop {where} "
                       f"(it depends on `{names[0]}`): {fix_text}")
        reason = explicit_reason(
            self.ctx, node, loop_node, script=script,
            creates=creates_when_missing(self.ctx, node, loop_node), written=bool(written))
        one_object = "" if reason else one_object_reason(self._relation_of_one(iterable))
        owner = self.ctx.semantic.enclosing_function(node)
        if owner is None:
            reason = reason or one_object or None
        inner = unwrapped(self.ctx, iterable)
        param = parameter_of(self.ctx, inner)
        iter_param = param[1] if param is not None and param[0] is owner else ""
        if fetched:
            message = message.replace(
                f"(it depends on `{names[0]}`)",
                f"(it depends on `{names[0]}`; the loop walks the rows `{fetched}` fetched)",
                1)
        finding = self.report(node, as_note(message, reason) if reason else message,
                              severity=NOTE if reason else None, fix=Fix(
                                  description=f"{once}: {concrete or fix_text}",
                                  suggestion=concrete))
        if not reason and owner is not None:
            # Whether only a command, a task or an upgrade runs the function, and whether a
            # caller runs it once per item (then one object's relation is each item's), are
            # questions for the project phase's program model.
            self.ctx.findings.remove(finding)
            self.ctx.emit_fact(DEFERRED, DeferredQuery(finding, owner.lineno, one_object,
                                                       iter_param, names[0]))

    def _relation_of_one(self, iterable: ast.expr) -> str | None:
        """`for line in order.lines.all()` where `order` is one object, not the row of an
        enclosing loop: the relation's source."""
        inner = iterable
        while isinstance(inner, ast.Call) and self.ctx.qualified_name(inner.func) in (
                "builtins.enumerate", "builtins.list", "builtins.sorted", "builtins.reversed",
                "builtins.tuple") and inner.args:
            inner = inner.args[0]
        origin = self.origins.of(inner)
        if origin is None or origin.orm != "relation" or not origin.relation:
            return None
        if _bare_values(inner) or any(tracker_for(self.ctx).request_data(n)
                                      for n in ast.walk(inner)):
            # `request.POST.values()`, `graph.nodes.values()`: a dict's values have the
            # shape of a relation's `values()`, and client data is no one object's rows.
            return None
        if self._in_outer_loop(iterable):
            # One relation per iteration of an outer loop: rows after all, whatever name
            # holds the object (the loop variable, an alias of it, an attribute of the row,
            # a tuple target the loop model does not track).
            return None
        if origin.relation[0] in ("self", "cls") and not self._in_model_class(iterable):
            return None  # `self.queryset.all()` in a view: the list, not one object's rows
        return _short(self.ctx.source(inner))

    def _in_outer_loop(self, iterable: ast.expr) -> bool:
        """The loop over `iterable` runs inside another loop of its function: its iterable
        is evaluated once per outer iteration. The iterable of a `for` and of a
        comprehension's first generator is evaluated once, outside that loop."""
        child: ast.AST = iterable
        for anc in self.ctx.semantic.ancestors(iterable):
            if isinstance(anc, _SCOPE_BREAKS):
                return False
            if isinstance(anc, ast.For | ast.AsyncFor) and anc.iter is not child:
                return True
            if isinstance(anc, ast.While):
                return True
            if isinstance(anc, _COMPREHENSIONS) and not (
                    anc.generators and anc.generators[0] is child):
                return True
            child = anc
        return False

    def _in_model_class(self, node: ast.AST) -> bool:
        """`self` is one row: the method belongs to a class this file declares as a Django
        model (a direct `models.Model` subclass)."""
        function = self.ctx.semantic.enclosing_function(node)
        cls = self.ctx.semantic.parent(function) if function is not None else None
        return isinstance(cls, ast.ClassDef) and any(
            class_ref(self.ctx, base) in DJANGO_MODEL_BASES for base in cls.bases)

    def _script_reason(self) -> str | None:
        if not hasattr(self, "_script"):
            self._script = file_script_reason(self.ctx)
        return self._script

    def end_file(self) -> None:
        if self.value_refs:
            self.ctx.emit_fact(VALUE_REFS, ValueRefs(self.ctx.path,
                                                     tuple(sorted(self.value_refs))))
        # The project phase's loop and call reports ask the same about this file.
        if script_reason(self.ctx.path) and self._script_reason() is None:
            self.ctx.emit_fact("orm_serving", self.ctx.path)

    def _model_shown(self, call: ast.Call) -> str:
        """The queried model's name for a fix text (`Model` when it cannot be told)."""
        model, _ = self._query_kind(call)
        return model.rsplit(".", 1)[-1] if model else "Model"

    def _iterates_rows(self, iterable: ast.expr) -> bool:
        """The loop goes over the rows of a query (through locals, chained filters and
        `enumerate` / `list` / `sorted`), not over values from elsewhere."""
        inner = iterable
        while isinstance(inner, ast.Call) and self.ctx.qualified_name(inner.func) in (
                "builtins.enumerate", "builtins.list", "builtins.sorted", "builtins.reversed",
                "builtins.tuple") and inner.args:
            inner = inner.args[0]
        return self.origins.of(inner) is not None

    def _query_kind(self, call: ast.Call) -> tuple[str | None, str]:
        """(the model, the query's shape) for the fix of an explicit per-row query."""
        func = call.func
        if self.ctx.qualified_name(func) in _SHORTCUTS and call.args:
            return class_ref(self.ctx, call.args[0]), "shortcut"
        if not isinstance(func, ast.Attribute):
            return None, ""
        if self.handles.of(func.value) is not None and not self._is_session(func.value):
            return None, "sql"
        chain = _django_chain(func)
        if chain is not None:
            return class_ref(self.ctx, chain[0].value), "django"
        if func.attr == "get" and len(call.args) >= 2:
            return class_ref(self.ctx, call.args[0]), "session-get"
        for node in ast.walk(call):
            if isinstance(node, ast.Call) and node.args and (
                    self.ctx.qualified_name(node.func) in SA_SELECTS):
                return class_ref(self.ctx, _selected_entity(node.args[0])), "select"
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and (
                    node.func.attr == "query") and node.args:
                return class_ref(self.ctx, node.args[0]), "query"
            if isinstance(node, ast.Attribute) and node.attr == "query" and isinstance(
                    node.value, ast.Name | ast.Attribute):  # Flask-SQLAlchemy Model.query
                model = class_ref(self.ctx, node.value)
                if model is not None:
                    return model, "query"
        return None, ""

    def _explicit_query(self, call: ast.Call) -> tuple[str, str] | None:
        func = call.func
        qualified = self.ctx.qualified_name(func)
        if qualified in _SHORTCUTS:
            model = class_ref(self.ctx, call.args[0]) if call.args else None
            name = model.rsplit(".", 1)[-1] if model else "<Model>"
            return (f"{qualified.rsplit('.', 1)[-1]}()",
                    f"{name}.objects.in_bulk(<keys>) or {name}.objects.filter(pk__in=<keys>), "
                    f"then look rows up in that dict")
        if not isinstance(func, ast.Attribute):
            return None
        method = func.attr
        # Django: Model.objects.<chain>.<evaluating method>() or an evaluated queryset
        chain = _django_chain(func)
        if chain is not None:
            manager, _ = chain
            model = class_ref(self.ctx, manager.value)
            if model is None or not self.ctx.semantic.is_imported("django"):
                return None
            if method in DJANGO_EVALUATE or (method in DJANGO_CHAIN and _evaluated(
                    self.ctx, call)):
                name = model.rsplit(".", 1)[-1]
                if method == "get":
                    fix = (f"{name}.objects.in_bulk(<keys>) (or a filter on every row's key) "
                           f"before the loop, then look rows up in that dict")
                else:
                    fix = (f"{name}.objects.filter(<field>__in=<keys>) before the loop, "
                           f"grouped by that field (or an annotate()/Subquery on the outer "
                           f"query)")
                return f"{self.origins.shorten(call)}", fix
            return None
        # SQLAlchemy
        if method == "get" and len(call.args) >= 2 and self._is_session(func.value):
            model = class_ref(self.ctx, call.args[0])
            if model is None:
                return None
            # `session.get` takes the primary key, whatever its column is called: the one
            # writer of the batched query reads it from the model.
            batch = session_get_batch(self.ctx, call, model)
            if batch is None:
                return None
            return self.origins.shorten(call), batch
        if method in SA_EVALUATE and not isinstance(self.ctx.semantic.parent(call), ast.Attribute) \
                and _sa_query_chain(self.ctx, func.value):
            name = self._model_shown(call)
            return (self.origins.shorten(call),
                    f"one query for every row's key (`.filter({name}.<column>.in_(<keys>))`, "
                    f"or a join) before the loop")
        if method in ("execute", "scalars", "scalar") and call.args and self._is_select(
                call.args[0]):
            name = self._model_shown(call)
            return (self.origins.shorten(call),
                    f"one select({name}).where({name}.<column>.in_(<keys>)) executed before "
                    f"the loop")
        # DB-API / asyncpg: SELECT text run per row
        handle = self.handles.of(func.value)
        if handle is not None and handle.library != "sqlalchemy" and is_sql_method(
                handle, method) and call.args:
            text = self._sql_text(call.args[0])
            if text is None or not opens_read(text) or computes_only(text):
                return None
            if handle.library == "asyncpg":
                fix = "one query with `WHERE id = ANY($1)` and the list of ids"
            elif handle.library in ("sqlite3", "aiosqlite"):
                fix = "one query with `WHERE id IN (?, ?, ...)` built for the list of ids"
            else:
                fix = "one query with `WHERE id = ANY(%s)` (PostgreSQL) or `IN %s` and the ids"
            return self.origins.shorten(call), fix
        return None

    def _sql_text(self, expr: ast.expr) -> str | None:
        build = self.strings.analyze(expr)
        return build.constant_text() if build is not None else None

    def _is_session(self, expr: ast.expr) -> bool:
        handle = self.handles.of(expr)
        if handle is not None:
            return handle.library == "sqlalchemy" and handle.kind == "session"
        text = self.ctx.source(expr)
        return text.endswith("session") and self.ctx.semantic.is_imported("sqlalchemy")

    def _is_select(self, stmt: ast.expr, depth: int = 0) -> bool:
        if depth > 8:
            return False
        if isinstance(stmt, ast.Name):
            bindings = self.ctx.reaching_bindings(stmt)
            return bool(bindings) and all(
                b.kind == "assign" and b.value is not None and self._is_select(b.value, depth + 1)
                for b in bindings)
        if not isinstance(stmt, ast.Call):
            return False
        if self.ctx.qualified_name(stmt.func) in SA_SELECTS:
            return True
        func = stmt.func
        return isinstance(func, ast.Attribute) and func.attr in SA_CHAIN and self._is_select(
            func.value, depth + 1)

    def _dependent_loop(self, call: ast.Call) -> tuple[ast.AST, list[str], ast.expr] | None:
        """The innermost loop around `call` whose per-iteration values the call uses, the
        names it uses, and what the loop iterates over."""
        used = {n.id: n for n in ast.walk(call) if isinstance(n, ast.Name)}
        for anc in self.ctx.semantic.ancestors(call):
            if isinstance(anc, _SCOPE_BREAKS):
                return None
            candidates: list[tuple[ast.AST, ast.expr, ast.expr, ast.AST]] = []
            if isinstance(anc, ast.For | ast.AsyncFor) and call_in_body(call, anc, self.ctx):
                candidates.append((anc, anc.target, anc.iter, anc))
            elif isinstance(anc, _COMPREHENSIONS):
                for gen in anc.generators:
                    if _inside(call, gen.iter, self.ctx):
                        break
                    candidates.append((anc, gen.target, gen.iter, gen))
            for loop_node, target, iterable, _ in candidates:
                if _literal_iterable(self.ctx, iterable) or _batches(self.ctx, iterable) or (
                        fixed_collection(self.ctx, iterable)) or mapping_keys(
                        self.ctx, iterable, self._iterates_rows) or small_sample(
                        self.ctx, iterable, self._sql_text):
                    continue
                targets = {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
                names = [n for n in used if n in targets]
                if not names and isinstance(loop_node, ast.For | ast.AsyncFor):
                    # A session or connection the iteration opens (`with session_for_write()
                    # as session:`) is a handle, not a value of the item: a query that
                    # varies only by it is the same query again (a retry), not a lookup.
                    names = [n for n, use in used.items() if _bound_in(self.ctx, use, loop_node)
                             and not _opened_in(self.ctx, use, loop_node)]
                if names and _batched_query(call, names):
                    return None  # one query per batch of ids: the cure, not the disease
                if names:
                    return loop_node, names, iterable
        return None


def _assigned_in(loop: ast.AST) -> set[str]:
    """Names a `for` loop's body assigns from the loop's item (`reso_name =
    reso["name"].strip()`), directly or through another such name: values that follow the
    item. A name assigned the same value on every iteration (`content_type =
    ContentType.objects.get_for_model(obj)`) is no key of the item."""
    if not isinstance(loop, ast.For | ast.AsyncFor):
        return set()
    assigns = [((node.targets if isinstance(node, ast.Assign) else [node.target]), node.value)
               for stmt in loop.body for node in ast.walk(stmt)
               if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None]
    follows = loop_targets(loop)
    found: set[str] = set()
    changed = True
    while changed:
        changed = False
        for targets, value in assigns:
            if not any(isinstance(n, ast.Name) and n.id in follows for n in ast.walk(value)):
                continue
            # `content_type, _ = pair.target`: each name an unpacking binds follows too
            for name in (n for target in targets for n in _bound_names(target)):
                if name not in follows:
                    follows.add(name)
                    found.add(name)
                    changed = True
    return found


def _bound_names(target: ast.expr) -> list[str]:
    """The names an assignment target binds: `a`, each of `a, (b, *c)`; none for
    `obj.attr` or `row[key]`, which bind no name."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, ast.Starred):
        return _bound_names(target.value)
    if isinstance(target, ast.Tuple | ast.List):
        return [name for elt in target.elts for name in _bound_names(elt)]
    return []


def _streams(ctx, iterable: ast.expr) -> bool:  # type: ignore[no-untyped-def]
    """`for row in qs.iterator()` (directly or through `enumerate` / a local): the rows are
    streamed, not loaded at once."""
    for node in ast.walk(iterable):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and (
                node.func.attr == "iterator"):
            return True
        if isinstance(node, ast.Name):
            for binding in ctx.reaching_bindings(node):
                value = binding.value
                if value is not None and value is not node and any(
                        isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                        and n.func.attr == "iterator" for n in ast.walk(value)):
                    return True
    return False


def call_in_body(node: ast.AST, loop: ast.For | ast.AsyncFor, ctx) -> bool:  # type: ignore[no-untyped-def]
    return any(_inside(node, stmt, ctx) for stmt in loop.body)


def _inside(node: ast.AST, container: ast.AST, ctx) -> bool:  # type: ignore[no-untyped-def]
    if node is container:
        return True
    return any(anc is container for anc in ctx.semantic.ancestors(node))


def _bound_in(ctx, name: ast.Name, loop: ast.For | ast.AsyncFor) -> bool:  # type: ignore[no-untyped-def]
    end = loop.end_lineno or loop.lineno
    for binding in ctx.reaching_bindings(name):
        if loop.lineno < binding.lineno <= end and binding.kind in (
                "assign", "annassign", "for", "with", "walrus", "unpack"):
            return True
    return False


def _opened_in(ctx, name: ast.Name, loop: ast.For | ast.AsyncFor) -> bool:  # type: ignore[no-untyped-def]
    """`name` is what a `with` / `async with` between it and `loop` binds (`as session`),
    opened the same way on every iteration: `with open(path) as fh` or
    `with tenant_session(tenant) as session` opens what the item names, a value of the item."""
    opened = opening_with(ctx, name, name.id, loop)
    if opened is None:
        return False
    targets = {n.id for n in ast.walk(loop.target) if isinstance(n, ast.Name)}
    return not any(isinstance(n, ast.Name) and (n.id in targets or _bound_in(ctx, n, loop))
                   for n in ast.walk(opened[1].context_expr))


_BATCH_WORDS = re.compile(r"chunk|batch|partition|grouper|window|page|slice", re.IGNORECASE)


def _batches(ctx, expr: ast.expr) -> bool:  # type: ignore[no-untyped-def]
    """`chunk_list(ids, 500)`, `batched(ids, 100)`, `range(0, len(ids), size)`, `for batch in
    id_batches`: each iteration handles many rows at once."""
    if isinstance(expr, ast.Call):
        name = expr.func.attr if isinstance(expr.func, ast.Attribute) else (
            expr.func.id if isinstance(expr.func, ast.Name) else "")
        if name == "range" and len(expr.args) == 3:
            return True
        return bool(_BATCH_WORDS.search(name))
    if isinstance(expr, ast.Name | ast.Attribute):
        name = expr.id if isinstance(expr, ast.Name) else expr.attr
        return bool(_BATCH_WORDS.search(name))
    return False


def _batched_query(call: ast.Call, names: list[str]) -> bool:
    """The per-iteration value feeds an `IN` list: `.in_(chunk)`, `id__in=chunk`."""
    wanted = set(names)
    for node in ast.walk(call):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and (
                node.func.attr in ("in_", "any_")) and any(
                isinstance(a, ast.Name) and a.id in wanted for a in node.args):
            return True
        if isinstance(node, ast.keyword) and node.arg and node.arg.endswith("__in") and (
                isinstance(node.value, ast.Name) and node.value.id in wanted):
            return True
    return False


def _locks_rows(call: ast.Call) -> bool:
    """`Model.objects.select_for_update().get(pk=row.pk)`: locking (or re-reading under a
    lock) one row at a time is the point of the query, not an accident of the loop."""
    expr: ast.expr = call
    while isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute):
        if expr.func.attr in ("select_for_update", "refresh_from_db", "with_for_update"):
            return True
        expr = expr.func.value
    return False


def in_change_guard(ctx, node: ast.AST) -> bool:  # type: ignore[no-untyped-def]
    """Inside `if last_event != row.event_id: last_event = row.event_id; ...`: the work runs
    once per group of rows (the loop is ordered by that key), not once per row."""
    for anc in ctx.semantic.ancestors(node):
        if isinstance(anc, _COMPREHENSIONS) and _inside(node, anc.generators[0].iter, ctx):
            continue  # evaluated once, where the comprehension stands
        if isinstance(anc, _SCOPE_BREAKS + _LOOPS):
            return False
        if not isinstance(anc, ast.If):
            continue
        compared: set[str] = set()
        for test in ast.walk(anc.test):
            if isinstance(test, ast.Compare) and any(
                    isinstance(op, ast.NotEq | ast.IsNot) for op in test.ops):
                compared |= {n.id for side in (test.left, *test.comparators)
                             for n in ast.walk(side) if isinstance(n, ast.Name)}
        assigned = {t.id for stmt in anc.body for sub in ast.walk(stmt)
                    if isinstance(sub, ast.Assign) for t in sub.targets if isinstance(t, ast.Name)}
        if compared & assigned:
            return True
    return False


def _literal_iterable(ctx, expr: ast.expr, depth: int = 0) -> bool:  # type: ignore[no-untyped-def]
    """A literal container (directly, through a local name, or its .items()/.keys()/
    .values()): a fixed handful of iterations, not rows."""
    if depth > 4:
        return False
    if isinstance(expr, ast.List | ast.Tuple | ast.Set | ast.Dict):
        return True
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and (
            expr.func.attr in ("items", "keys", "values")) and not expr.args:
        return _literal_iterable(ctx, expr.func.value, depth + 1)
    if isinstance(expr, ast.Name):
        bindings = ctx.reaching_bindings(expr)
        if expr.id.isupper() and bindings and all(
                b in ctx.semantic.module_scope.bindings.get(expr.id, ()) for b in bindings):
            return True  # a module constant: a fixed set (of tables, of sources...)
        return bool(bindings) and all(
            b.kind in ("assign", "annassign") and b.value is not None
            and _literal_iterable(ctx, b.value, depth + 1) for b in bindings)
    return isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and (
        expr.func.id == "range") and all(isinstance(a, ast.Constant) for a in expr.args)


def _django_chain(func: ast.Attribute) -> tuple[ast.Attribute, bool] | None:
    receiver = func.value
    while isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Attribute) and (
            receiver.func.attr in DJANGO_CHAIN):
        receiver = receiver.func.value
    if isinstance(receiver, ast.Attribute) and receiver.attr in DJANGO_MANAGERS and isinstance(
            receiver.value, ast.Name | ast.Attribute):
        return receiver, True
    return None


def _evaluated(ctx, call: ast.Call) -> bool:  # type: ignore[no-untyped-def]
    """A queryset expression whose rows are fetched right here."""
    parent = ctx.semantic.parent(call)
    if isinstance(parent, ast.For | ast.AsyncFor) and parent.iter is call:
        return True
    if isinstance(parent, ast.comprehension) and parent.iter is call:
        return True
    if isinstance(parent, ast.Call) and call in parent.args and ctx.qualified_name(
            parent.func) in ("builtins.list", "builtins.len", "builtins.tuple", "builtins.set",
                             "builtins.sorted", "builtins.bool", "builtins.sum",
                             "builtins.any", "builtins.all", "builtins.str", "builtins.dict",
                             "builtins.enumerate", "builtins.max", "builtins.min"):
        return True
    return isinstance(parent, ast.Subscript) and parent.value is call and not isinstance(
        parent.slice, ast.Slice)


def _sa_query_chain(ctx, expr: ast.expr) -> bool:  # type: ignore[no-untyped-def]
    """`session.query(Model)...` or Flask-SQLAlchemy `Model.query...`."""
    while isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and (
            expr.func.attr in SA_CHAIN):
        expr = expr.func.value
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and (
            expr.func.attr == "query") and expr.args and ctx.semantic.is_imported("sqlalchemy"):
        return class_ref(ctx, expr.args[0]) is not None
    # Flask-SQLAlchemy `Model.query`: a class (resolved through imports) with a query property
    if isinstance(expr, ast.Attribute) and expr.attr == "query" and isinstance(
            expr.value, ast.Name) and expr.value.id[:1].isupper():
        return class_ref(ctx, expr.value) is not None
    return False


def _loop_variable(ctx, target: ast.expr, iterable: ast.expr) -> str | None:  # type: ignore[no-untyped-def]
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Tuple) and len(target.elts) == 2 and isinstance(
            iterable, ast.Call) and ctx.qualified_name(iterable.func) == "builtins.enumerate":
        second = target.elts[1]
        return second.id if isinstance(second, ast.Name) else None
    return None


def _node_id(node: ast.AST) -> int:
    if isinstance(node, ast.comprehension):
        node = node.target
    return getattr(node, "lineno", 0) * 100000 + getattr(node, "col_offset", 0)


def _loop_label(ctx, loop: ast.AST) -> str:  # type: ignore[no-untyped-def]
    if isinstance(loop, ast.For | ast.AsyncFor):
        return f"over `{_short(ctx.source(loop.iter))}` (line {loop.lineno})"
    return f"in the comprehension on line {getattr(loop, 'lineno', 0)}"


def _bare_values(expr: ast.expr) -> bool:
    """`x.attr.values()` with no field named: `dict.values()` as much as a queryset's."""
    return isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and (
        expr.func.attr == "values") and not expr.args and not expr.keywords and isinstance(
        expr.func.value, ast.Attribute) and isinstance(expr.func.value.value, ast.Name)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + "..."


def _rebound(ctx, name: ast.Name, loop: ast.AST) -> bool:  # type: ignore[no-untyped-def]
    """The loop variable was reassigned inside the loop before this use
    (`o = Order.objects.select_related("event").get(pk=o.pk)`)."""
    start = getattr(loop, "lineno", None) or getattr(getattr(loop, "target", None), "lineno", 0)
    return any(b.kind not in ("for", "comprehension") and b.lineno > start
               for b in ctx.reaching_bindings(name))


def _accesses(ctx, var: str, body: list[ast.AST], loop: ast.AST) -> list[Access]:  # type: ignore[no-untyped-def]
    out: list[Access] = []
    deleted = deleted_names(ctx, loop)
    stack = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, _SCOPE_BREAKS):
            continue
        if isinstance(node, ast.Name) and node.id == var and isinstance(node.ctx, ast.Load):
            access = _access_chain(ctx, node)
            if access is not None and (in_change_guard(ctx, node) or _rebound(ctx, node, loop)
                                       or deliberate_per_row(ctx, node, loop) == "except"):
                # an `except` branch runs for the rows whose first attempt failed: a
                # clean-up (`host.oauth_application.delete()` after a 403), not every row
                access = None
            if access is not None and access.called and _per_row_arguments(ctx, node, var, loop):
                access = replace(access, varies=True)
            if access is not None and deleted:
                if _assigned_name(ctx, node) in deleted:
                    access = replace(access, deletes="value")
                elif var in deleted:
                    access = replace(access, deletes="row")
            if access is not None:
                out.append(access)
            continue
        stack.extend(ast.iter_child_nodes(node))
    out.sort(key=lambda a: (a.levels[0][1].start_line, a.levels[0][1].start_col))
    return out


def _assigned_name(ctx, name: ast.Name) -> str | None:  # type: ignore[no-untyped-def]
    """`entry = field.seen_entry`: the name the access chain starting at `name` is
    assigned to, whole."""
    node: ast.AST = name
    while isinstance(ctx.semantic.parent(node), ast.Attribute):
        node = ctx.semantic.parent(node)
    parent = ctx.semantic.parent(node)
    if isinstance(parent, ast.Assign) and parent.value is node and len(parent.targets) == 1 \
            and isinstance(parent.targets[0], ast.Name):
        return parent.targets[0].id
    return None


def _one_row(model: Model, pinned: tuple[str, ...]) -> bool:
    """The query filters every field of one of the model's unique keys to one value
    (`WorkoutSession.objects.filter(user=u, date=d)` with `unique_together = ("date",
    "user")`): it returns at most one row."""
    if not pinned:
        return False
    names = {p.removesuffix("_id") for p in pinned} | set(pinned)
    if "pk" in names:
        return True
    return any(set(key) <= names for key in (*model.fact.unique, ("id",)))


def _per_row_arguments(ctx, name: ast.Name, var: str, loop: ast.AST) -> bool:  # type: ignore[no-untyped-def]
    """The call at the end of `name`'s attribute chain takes the loop's row or a value bound
    inside the loop (`queue.ticket_set.filter(created__lte=cutoff)`, `cutoff` computed per
    queue): a different filter for every row."""
    node: ast.AST = name
    while isinstance(ctx.semantic.parent(node), ast.Attribute):
        node = ctx.semantic.parent(node)
    call = ctx.semantic.parent(node)
    if not isinstance(call, ast.Call) or call.func is not node:
        return False
    if isinstance(loop, ast.comprehension):
        loop = ctx.semantic.parent(loop)  # a generator of a comprehension: its lines
    start = getattr(loop, "lineno", 0)
    end = getattr(loop, "end_lineno", None) or start
    args: list[ast.expr] = []
    link: ast.AST | None = call
    # The whole chain: `.filter(...).exclude(...).filter(created__lte=cutoff)`.
    while isinstance(link, ast.Call):
        args += [*link.args, *(k.value for k in link.keywords)]
        parent = ctx.semantic.parent(link)
        grand = ctx.semantic.parent(parent) if isinstance(parent, ast.Attribute) else None
        link = grand if isinstance(grand, ast.Call) and grand.func is parent else None
    for arg in args:
        for sub in ast.walk(arg):
            if not isinstance(sub, ast.Name):
                continue
            if sub.id == var or any(start <= b.lineno <= end for b in ctx.reaching_bindings(sub)):
                return True
    return False


def _access_chain(ctx, name: ast.Name) -> Access | None:  # type: ignore[no-untyped-def]
    levels: list[tuple[str, Span]] = []
    node: ast.AST = name
    parent = ctx.semantic.parent(node)
    while isinstance(parent, ast.Attribute) and parent.value is node:
        if not isinstance(parent.ctx, ast.Load):
            return None if not levels else Access(tuple(levels), False, "")
        levels.append((parent.attr, ctx.span_of(parent)))
        node = parent
        parent = ctx.semantic.parent(node)
    if not levels:
        return None
    called = isinstance(parent, ast.Call) and parent.func is node
    if isinstance(parent, ast.Call) and ctx.qualified_name(parent.func) in (
            "builtins.getattr", "builtins.hasattr"):
        return None
    evaluated = True
    if called and levels[-1][0] == "all":
        evaluated = _evaluated(ctx, parent) or isinstance(ctx.semantic.parent(parent), ast.Compare)
    return Access(tuple(levels), called, ctx.source(node), evaluated)


def _selected_entity(target: ast.expr) -> ast.expr:
    """What `select(...)` reads rows of: `select(M.id)` selects a column of M, and a fix
    that selected `id` would select Python's builtin."""
    if isinstance(target, ast.Attribute) and target.attr[:1].islower() and isinstance(
            target.value, ast.Name | ast.Attribute):
        owner = target.value.attr if isinstance(target.value, ast.Attribute) else \
            target.value.id
        if owner[:1].isupper():
            return target.value
    return target


# -- the project phase -------------------------------------------------------------------------
class NPlusOne(_Options, ProjectRule):
    id = RULE_ID
    needs_facts: ClassVar[tuple[str, ...]] = ("program", "routes")  # routes: GraphQL

    def check(self, facts: dict[str, list]) -> None:  # type: ignore[type-arg]
        check_resolvers(self, facts)
        self.program = program_of(facts)
        include_tests = self.option("include-tests", False)
        include_migrations = self.option("include-migrations", False)
        routes = project_routes(facts)
        self.scripts = ScriptPaths(
            [*(route.handler_file for route in routes), *facts.get("orm_serving", [])],
            self.program, [(route.handler_file, route.handler_line) for route in routes],
            lambda path: skipped_path(path, False, True))
        self.rows = row_params_of(self.program, facts, lambda path: skipped_path(
            path, include_tests, include_migrations))
        for item in facts.get(DEFERRED, []):
            self._report_deferred(item)
        check_calls_in_loops(self, self.program, self.scripts, lambda path: skipped_path(
            path, include_tests, include_migrations), bool(self.option("any-loop", False)),
            self.rows)
        classes: list[ClassFact] = facts.get("orm_class", [])
        bases: list[BaseFact] = facts.get("orm_base", [])
        loops: list[LoopFact] = facts.get("orm_loop", [])
        views: list[ListViewFact] = facts.get("drf_view", [])
        if not loops and not views:
            return
        index = ModelIndex(classes, bases)
        if views:
            self._check_views(index, views, facts.get("drf_serializer", []),
                              facts.get("drf_get_queryset", []),
                              facts.get("orm_runtime_loader", []))
        by_id = {(loop.path, loop.id): loop for loop in loops}
        self._first_pass: dict[tuple[str, int, str], set[tuple[str, ...]]] = {}
        for loop in loops:
            resolved = self._resolve(index, loop, by_id, 0)
            if resolved is None:
                continue
            model, loaded, root, prefix = resolved
            reported: set[tuple[str, ...]] = set()
            for access in loop.accesses:
                self._check_access(index, loop, access, model, loaded, root, prefix, reported)

    # -- DRF list views -------------------------------------------------------------------------
    def _check_views(self, index: ModelIndex, views: list[ListViewFact],
                     serializers: list[SerializerFact], methods: list[QuerysetMethodFact],
                     runtime: list[RuntimeLoaderFact]) -> None:
        by_method: dict[str, QuerysetMethodFact] = {}
        for fact in sorted(methods, key=lambda f: (f.qualname, f.start, f.runtime, f.loads,
                                                   f.calls)):
            by_method.setdefault(fact.qualname, fact)  # one dotted name in two files
        loaders = {fact.qualname for fact in runtime}
        by_name: dict[str, list[SerializerFact]] = {}
        for fact in serializers:
            by_name.setdefault(fact.name, []).append(fact)

        def resolve(ref: str | None) -> SerializerFact | None:
            if not ref:
                return None
            found = by_name.get(ref.rsplit(".", 1)[-1], [])
            exact = [f for f in found if f.qualname == ref or f.qualname.endswith("." + ref)]
            if len(exact) == 1:
                return exact[0]
            return found[0] if len(found) == 1 else None

        method_fields = MethodFieldQueries(self.program)
        for view in views:
            model = index.model(view.origin.model, view.module + ".x")
            serializer = resolve(view.serializer)
            if model is None or model.framework != "django" or serializer is None:
                continue
            if not self._lists(view):
                continue
            inherited = self._inherited_loads(view, by_method, loaders)
            method_fields.add(view, _serializer_chain(serializer, resolve), inherited is not None)
            if inherited is None:
                continue  # a base get_queryset loads what it reads at run time: unknown
            needed: dict[str, tuple[str, FieldFact]] = {}
            fresh: dict[str, tuple[str, str]] = {}
            self._serializer_reads(index, model, serializer, resolve, (), needed, 0,
                                   fresh=fresh)
            loaded = view.origin.loaded + inherited
            missing = {path: (why, field) for path, (why, field) in needed.items()
                       if not _covered(path, loaded, field)}
            # `author__publisher` loads `author` too: name the longest paths only
            missing = {p: v for p, v in missing.items()
                       if not any(o.startswith(p + ".") for o in missing)}
            if not missing:
                continue
            select = [p for p, (_, f) in missing.items()
                      if all(k in (FK, O2O, REVERSE_O2O) for k in _kinds(index, model, p))]
            prefetch = [p for p in missing if p not in select]
            fix = ""
            if select:
                fix += ".select_related(" + ", ".join(
                    f'"{p.replace(".", "__")}"' for p in select) + ")"
            if prefetch:
                fix += ".prefetch_related(" + ", ".join(
                    f'"{p.replace(".", "__")}"' for p in prefetch) + ")"
            reads = ", ".join(f"`{p}` ({why})" for p, (why, _) in list(missing.items())[:4])
            message = (f"`{view.name}` lists `{view.origin.text}` with `{serializer.name}`, "
                       f"which reads {reads} for each row with one query each; add "
                       f"`{fix}` to the queryset")
            description = f"load what {serializer.name} reads with the queryset: `{fix}`"
            if fresh:
                # Never suggest the prefetch such a re-query bypasses: say what it costs.
                requery = "; ".join(f"{who} runs `{text}`" for who, text in list(
                    fresh.values())[:2])
                paths = ", ".join(f'"{p.replace(".", "__")}"' for p in list(fresh)[:2])
                bypass = (f"; {requery} for each row too, a query of its own that no "
                          f"prefetch of {paths} serves: only a `Prefetch({paths.split(', ')[0]}"
                          f", queryset=<that filter>, to_attr=...)` read by the serializer "
                          f"instead would")
                message += bypass
                description += bypass
            self.report(view.path, view.span, message, fix=Fix(
                description=description,
                suggestion=with_loader(view.snippet, fix, "django")), snippet=view.snippet)
        method_fields.report(self)

    def _lists(self, view: ListViewFact) -> bool:
        """The view answers a list with its serializer: a base it names says so, or (for a
        view whose bases are the project's) a class of its project hierarchy has a list base
        and none above the view chooses the serializer or the list at run time."""
        if not view.inherited:
            return True
        cls = self.program.class_of(f"{view.module}.{view.name}")
        if cls is None:
            return False
        order = self.program.mro(cls)
        if any(name in klass.methods for klass in order[1:] for name in RUNTIME_LIST_METHODS):
            return False
        return any(is_list_base(ref) for klass in order for ref in klass.bases)

    def _inherited_loads(self, view: ListViewFact, methods: dict[str, QuerysetMethodFact],
                         loaders: set[str]) -> tuple[str, ...] | None:
        """The relations the view's inherited `get_queryset` adds to its `queryset` (DRF
        lists `get_queryset()`), through each base that chains to the next with
        `super().get_queryset()`. None when that cannot be read: a base loads relations
        named at run time (derived from the serializer's fields, say), directly or through
        a helper, or returns a queryset of its own making."""
        cls = self.program.class_of(f"{view.module}.{view.name}")
        if cls is None or "get_queryset" in cls.methods:
            return ()  # its own get_queryset gave the view's query (extract_list_view)
        after = cls
        loads: list[str] = []
        for _ in range(8):
            fn = self.program.method(cls, "get_queryset", after=after)
            if fn is None or fn.cls is None:
                break  # DRF's own: `self.queryset.all()`
            fact = methods.get(fn.qualname)
            if fact is None or not fact.start or fact.runtime:
                return None
            for call in fact.calls:
                target = self.program.resolve(call)
                if target is not None and target.qualname in loaders:
                    return None
            loads += fact.loads
            after = self.program.classes.get(fn.cls)
            if fact.start != "super" or after is None:
                break
        return tuple(loads)

    def _serializer_reads(self, index: ModelIndex, model: Model, serializer: SerializerFact,
                          resolve, prefix: tuple[str, ...],  # type: ignore[no-untyped-def]
                          needed: dict[str, tuple[str, FieldFact]], depth: int,
                          back: str | None = None,
                          fresh: dict[str, tuple[str, str]] | None = None) -> None:
        """What `serializer` reads from `model` rows (paths under `prefix`). `back` is the
        foreign key to the parent row, which Django fills in on prefetched reverse rows.
        `fresh` collects the relations its own code re-queries (`instance.filters.filter(
        ...)`): path -> (who reads it, the call), which no prefetch of the path serves."""
        if depth > 3:
            return
        chain = _serializer_chain(serializer, resolve)
        declared = {name for s in chain for name in s.declared}
        # DRF reads the declared fields, and calls the method fields' methods, only through
        # its own to_representation: an override that never calls it (nor a base's that does)
        # reads what its own code reads, and nothing else — a base's override above it and
        # the method fields do not run.
        own_at = next((i for i, s in enumerate(chain) if s.representation == "own"), None)
        for position, fact in enumerate(chain):
            if own_at is not None and position > own_at:
                break
            reads = fact.reads if own_at is None else tuple(
                r for r in fact.reads if r.method == "to_representation")
            self._row_reads(index, model, fact, reads, prefix, needed, back,
                            fresh if fresh is not None else {})
        if own_at is not None:
            return
        for fact in chain:
            for item in fact.fields:
                current, path = model, list(prefix)
                for position, attr in enumerate(item.source):
                    field = index.field(current, attr)
                    if field is None or field.kind == COLUMN or (position == 0 and attr == back):
                        break
                    path.append(attr)
                    why = f"{field.kind} of {current.name}"
                    if item.nested and position == len(item.source) - 1:
                        why = f"nested {item.nested.rsplit('.', 1)[-1]}"
                    needed.setdefault(".".join(path), (why, field))
                    target = index.target(current, field)
                    if target is None:
                        break
                    current = target
                    if position == len(item.source) - 1 and item.nested:
                        nested = resolve(item.nested)
                        if nested is not None:
                            self._serializer_reads(
                                index, current, nested, resolve, tuple(path), needed, depth + 1,
                                field.related_name if field.kind in (REVERSE_FK, REVERSE_O2O)
                                else None, fresh)
        names = list(serializer.meta_fields)
        if names == ["__all__"]:
            names = [n for n, f in model.fields.items() if f.kind == M2M]
        for name in names:
            if name in declared:
                continue
            field = index.field(model, name)
            if field is None or field.kind in (COLUMN, FK, O2O):
                continue  # FK/O2O default to the primary key: read from <name>_id
            if field.kind in (M2M, REVERSE_FK, GFK) or field.kind.startswith("reverse"):
                needed.setdefault(".".join((*prefix, name)),
                                  (f"{field.kind} of {model.name}", field))
        if serializer.depth and depth == 0:
            for name, field in model.fields.items():
                if field.kind in (FK, O2O, M2M) and (names == [] or name in names):
                    needed.setdefault(".".join((*prefix, name)),
                                      (f"{field.kind} of {model.name} (depth)", field))

    def _row_reads(self, index: ModelIndex, model: Model, fact: SerializerFact,
                   reads: tuple[RowRead, ...], prefix: tuple[str, ...],
                   needed: dict[str, tuple[str, FieldFact]], back: str | None,
                   fresh: dict[str, tuple[str, str]]) -> None:
        """The relations `fact`'s own methods (to_representation, the method fields')
        read from each row: a plain read needs a loader; a query method on a relation
        (`.filter()`) is a query that a loader of it does not serve."""
        for read in reads:
            current, path = model, list(prefix)
            for position, attr in enumerate(read.path):
                field = index.field(current, attr)
                if field is None or field.kind == COLUMN or (position == 0 and attr == back):
                    break
                path.append(attr)
                who = f"{fact.name}.{read.method}"
                last = position == len(read.path) - 1
                if last and read.fresh and field.kind not in SINGLE:
                    fresh.setdefault(".".join(path), (who, read.text))
                    break
                if field.kind not in SINGLE and not (last and read.cached):
                    break  # the manager itself (or an attribute of it): no row is read
                needed.setdefault(".".join(path), (f"{field.kind} of {current.name}, read "
                                                   f"by {who}", field))
                target = index.target(current, field)
                if target is None:
                    break
                current = target

    def _resolve(self, index: ModelIndex, loop: LoopFact, by_id: dict, depth: int
                 ) -> tuple[Model, tuple[str, ...], Origin, tuple[tuple[str, FieldFact], ...]
                            ] | None:
        """The model of the loop's rows, the relation paths loaded for them, the query the
        fix goes to, and the relation path from that query's rows to these."""
        origin = loop.origin
        if origin.orm != "relation":
            model = index.model(origin.model, loop.module + ".x")
            if model is None:
                return None
            if (origin.orm == "django") != (model.framework == "django"):
                return None
            if origin.orm == "django" and _one_row(model, origin.pinned):
                return None  # the filter pins a unique key: at most one row, not a list
            return model, origin.loaded, origin, ()
        if depth > 4 or origin.parent is None:
            return None
        if origin.fresh:
            # `for o in event.orders.filter(...)`: a query of its own, fixed where it is written
            parent_loop = by_id.get((loop.path, origin.parent))
            if parent_loop is None:
                return None
            found = self._resolve(index, parent_loop, by_id, depth + 1)
            if found is None:
                return None
            field = index.field(found[0], origin.relation[0])
            target = index.target(found[0], field) if field and field.kind != COLUMN else None
            if target is None:
                return None
            known = origin.loaded
            if field is not None and field.kind in (REVERSE_FK, REVERSE_O2O) and (
                    field.related_name):
                known += (field.related_name,)
            inner = Origin("django", target.fact.qualname, known, True, origin.only,
                           origin.deferred, origin.text, origin.line, "django")
            return target, known, inner, ()
        parent = by_id.get((loop.path, origin.parent))
        if parent is None:
            return None
        found = self._resolve(index, parent, by_id, depth + 1)
        if found is None:
            return None
        parent_model, parent_loaded, root, prefix = found
        field = index.field(parent_model, origin.relation[0])
        if field is None or field.kind == COLUMN:
            return None
        target = index.target(parent_model, field)
        if target is None:
            return None
        name = origin.relation[0]
        loaded = tuple(p[len(name) + 1:] for p in parent_loaded if p.startswith(name + "."))
        loaded += origin.loaded
        if field.kind in (REVERSE_FK, REVERSE_O2O) and field.related_name:
            # Django sets the foreign key back to the parent on rows of a related manager
            loaded += (field.related_name,)
        if "*" in parent_loaded:
            loaded += ("*",)
        return target, loaded, root, (*prefix, (name, field))

    def _check_access(self, index: ModelIndex, loop: LoopFact, access: Access, model: Model,
                      loaded: tuple[str, ...], root: Origin,
                      prefix: tuple[tuple[str, FieldFact], ...],
                      reported: set[tuple[str, ...]]) -> None:
        current = model
        path: list[str] = []
        relations = list(prefix)
        levels = access.levels
        if access.deletes == "value":
            return  # the object is loaded to be deleted: the delete needs it
        for position, (attr, span) in enumerate(levels):
            field = index.field(current, attr)
            if field is None and position == 0:
                # Not a field: a property or method of the model class may query.
                if ("member", attr) not in reported and check_member(
                        self, self.program, self.scripts, loop, access, span, current, root):
                    reported.add(("member", attr))
                return
            if field is not None and field.kind == COLUMN and position == 0 and (
                    loop.origin.orm == "django"):
                self._check_deferred(loop, access, span, current, attr, reported)
            if field is None or field.kind == COLUMN:
                return
            path.append(attr)
            relations.append((attr, field))
            is_last = position == len(levels) - 1
            next_attr = levels[position + 1][0] if not is_last else None
            collection = field.kind not in SINGLE and not (field.kind == SA_REL and (
                field.many is False))
            if collection and position == 0 and access.deletes == "row" and (
                    next_attr not in _FRESH_READS):
                # The loop deletes the row: the ORM loads (SQLAlchemy's cascade) or queries
                # (Django's collector) this collection per row for the delete anyway; a
                # filter of it (`base.exercises.filter(...)`) is a query of its own.
                return
            if field.kind == SA_REL and field.lazy not in (None, "select", "dynamic", True):
                return  # joined / selectin / subquery / raise / noload: no query per row
            if field.kind == SA_REL and field.many is not True and position == 0 and (
                    attr in root.pinned or f"{attr}_id" in root.pinned) and not prefix:
                return  # every row points at the same object: the identity map answers
            covered = _covered(".".join(path), loaded, field)
            if current.framework == "django" and collection:
                method = next_attr if (next_attr and (
                    position + 1 == len(levels) - 1) and access.called) else None
                if method is None:
                    return  # the manager itself, not a read
                if method in _FRESH_READS:
                    self._report(loop, access, span, relations, root, current, field,
                                 fresh=method, reported=reported, upto=position + 1)
                    return
                if method not in _CACHED_READS or covered or not access.evaluated:
                    return
                self._report(loop, access, span, relations, root, current, field,
                             reported=reported, upto=position + 1)
                return
            if not covered:
                if field.kind == SA_REL and is_last and access.called:
                    return
                self._report(loop, access, span, relations, root, current, field,
                             reported=reported, upto=position + 1)
                return
            if is_last:
                return
            target = index.target(current, field)
            if target is None:
                return
            current = target

    def _check_deferred(self, loop: LoopFact, access: Access, span: Span, model: Model,
                        attr: str, reported: set[tuple[str, ...]]) -> None:
        """`only("id")` / `defer("body")` and then reading the left-out column: Django loads
        it with one query per row."""
        origin = loop.origin
        deferred = attr in origin.deferred
        if origin.only is not None:
            kept = set(origin.only) | {"id", "pk"} | {f"{name}_id" for name in origin.only}
            deferred = deferred or attr not in kept
        if not deferred or ("deferred", attr) in reported:
            return
        reported.add(("deferred", attr))
        how = (f'add "{attr}" to `.only(...)`' if origin.only is not None
               else f'drop "{attr}" from `.defer(...)`')
        message = (f"`{loop.var}.{attr}` reads the column `{model.name}.{attr}` that the query "
                   f"on line {origin.line} (`{origin.text}`) leaves out, so Django loads it "
                   f"with one query for each row; {how}")
        self.report(loop.path, span, message, fix=Fix(description=how), snippet=access.snippet)

    def _report_deferred(self, item: DeferredQuery) -> None:
        """A per-row query the file phase found in a function: a note when the program
        model shows only non-request entry points run that function. A loop over a
        parameter every caller fills with query rows walks rows: the message names them."""
        finding = item.finding
        chain = self.rows.rows_at(finding.path, item.owner, item.iter_param) if (
            item.iter_param) else None
        if chain is not None:
            shown = f"(it depends on `{item.depends}`)"
            finding = replace(finding, message=finding.message.replace(
                shown, f"(it depends on `{item.depends}`; {chain.words(item.iter_param)})", 1),
                related=(*finding.related, *chain.related()))
        reason = project_reason(self.scripts, finding.path, item.owner,
                                one_object=item.one_object)
        if reason:
            finding = replace(finding, severity=NOTE, message=as_note(finding.message, reason))
        self.findings.append(finding)

    def _report_per_row(self, loop: LoopFact, span: Span, message: str, fix: Fix,
                        snippet: str) -> None:
        """A query per row; in a command-line or build script, or in code only such entry
        points run, it is a note that says so."""
        reason = project_reason(self.scripts, loop.path, loop.owner, loop.stops)
        self.report(loop.path, span, as_note(message, reason) if reason else message,
                    severity=NOTE if reason else None, fix=fix, snippet=snippet)

    def _report(self, loop: LoopFact, access: Access, span: Span,
                relations: list[tuple[str, FieldFact]], root: Origin, model: Model,
                field: FieldFact, reported: set[tuple[str, ...]], upto: int,
                fresh: str | None = None) -> None:
        names = tuple(name for name, _ in relations)
        if names in reported:
            return
        reported.add(names)
        # A second pass over the same evaluated rows finds each related object already
        # cached on its instance by the first pass (Django and SQLAlchemy both keep it):
        # only the first loop over those rows pays.
        single = fresh is None and all(
            f.kind in SINGLE or (f.kind == SA_REL and f.many is False) for _, f in relations)
        rows = (loop.path, root.line, root.text)
        if single and names in self._first_pass.setdefault(rows, set()):
            return
        if single:
            self._first_pass[rows].add(names)
        shown = f"{loop.var}.{'.'.join(n for n, _ in access.levels[:upto])}"
        kind = field.kind if field.kind != SA_REL else (
            "relationship()" if field.lazy in (None, "select") else
            f"relationship(lazy={field.lazy!r})")
        where = f"the loop over `{root.text}` (line {root.line})"
        if fresh in NOT_PREFETCHABLE:
            target = (field.target or "the related model").rsplit(".", 1)[-1]
            message = (f"`{shown}.{fresh}()` runs a query for each row of {where}: "
                       f"`{fresh}()` on the {kind} `{model.name}.{field.name}` bypasses any "
                       f"prefetch; query {target} once for all rows before the loop and "
                       f"group the result by its parent")
            self._report_per_row(loop, span, message, fix=Fix(
                description=f"`{fresh}()` returns values, which Prefetch cannot serve: run one "
                            f"`{target}` query filtered on every row of the query on line "
                            f"{root.line} before the loop and group it by the parent key "
                            f"(or annotate that query)"), snippet=access.snippet)
            return
        if fresh is not None and access.varies:
            target = (field.target or "the related model").rsplit(".", 1)[-1]
            message = (f"`{shown}.{fresh}()` runs a query for each row of {where}: "
                       f"`{fresh}()` on the {kind} `{model.name}.{field.name}` bypasses any "
                       f"prefetch, and its filter differs for each row, which one Prefetch "
                       f"queryset cannot carry; if the per-row condition can be written on "
                       f"the join, query {target} once for all rows with it")
            self._report_per_row(loop, span, message, fix=Fix(description=(
                            f"one `{target}` query for every row of the query on line "
                            f"{root.line}, with the per-row condition expressed on the join "
                            f"(`F(...)` on the parent's fields) and grouped by the parent; "
                            f"where the condition needs values computed per row, the "
                            f"per-row query may be the work itself")), snippet=access.snippet)
            return
        if fresh is not None:
            message = (f"`{shown}.{fresh}()` runs a query for each row of {where}: "
                       f"`{fresh}()` on the {kind} `{model.name}.{field.name}` bypasses any "
                       f"prefetch; prefetch the rows you need with Prefetch(\"{'__'.join(names)}"
                       f"\", queryset=...) on that query")
            fix_text = f".prefetch_related(Prefetch(\"{'__'.join(names)}\", queryset=...))"
            self._report_per_row(loop, span, message, fix=Fix(
                description=f"add `{fix_text}` to the query on line {root.line} and filter "
                            f"the prefetched rows in Python", suggestion=_with_prefetch(
                                root.text, fix_text, root.style)),
                snippet=access.snippet)
            return
        if any(f.kind == SA_REL and f.lazy == "dynamic" for _, f in relations):
            # A dynamic relationship is a query object: no loader option can fill it.
            target = (field.target or "the related model").rsplit(".", 1)[-1]
            message = (f"`{shown}` runs the {kind} `{model.name}.{field.name}` as a query for "
                       f"each row of {where}; a dynamic relationship cannot be eager-loaded, "
                       f"so query {target} once for every row's key (`.in_(...)`) before the "
                       f"loop and group it by the parent")
            self._report_per_row(loop, span, message, fix=Fix(description=(
                            f"one `{target}` query over the keys of every row of the query "
                            f"on line {root.line}, grouped by the parent key (`selectinload` "
                            f"/ `joinedload` do not apply to lazy='dynamic'); or change the "
                            f"relationship to lazy='select' and add a loader")),
                        snippet=access.snippet)
            return
        fix_text = _fix_text(root, relations)
        message = (f"`{shown}` loads the {kind} `{model.name}.{field.name}` with one query "
                   f"for each row of {where}; add `{fix_text}` to that query")
        self._report_per_row(loop, span, message, fix=Fix(
            description=f"load `{'.'.join(names)}` with the query on line {root.line}: "
                        f"`{fix_text}`", suggestion=_loader_suggestion(root, fix_text)),
            snippet=access.snippet)


def _serializer_chain(serializer: SerializerFact, resolve) -> list[SerializerFact]:  # type: ignore[no-untyped-def]
    """The serializer and the project base serializers it names, which contribute fields."""
    chain = [serializer]
    for base in serializer.bases:
        parent = resolve(base)
        if parent is not None and parent is not serializer:
            chain.append(parent)
    return chain


def _loader_suggestion(root: Origin, loader: str) -> str | None:
    """The query with the loader at its origin; a SQLAlchemy loader comes with its import,
    and none is written when the model it names is not known (no made-up `Model`)."""
    placed = with_loader(root.text, loader, root.style)
    if placed is None or root.style == "django":
        return placed
    if "Model." in loader:
        return None
    names = [n for n in ("joinedload", "selectinload") if f"{n}(" in loader]
    return f"from sqlalchemy.orm import {', '.join(names)}\n\n{placed}"


def _with_prefetch(query: str, loader: str, style: str) -> str | None:
    """The query with a Prefetch loader at its origin, and the import Prefetch needs."""
    placed = with_loader(query, loader, style)
    return f"from django.db.models import Prefetch\n\n{placed}" if placed else None


def _kinds(index: ModelIndex, model: Model, path: str) -> list[str]:
    kinds: list[str] = []
    current: Model | None = model
    for attr in path.split("."):
        field = index.field(current, attr) if current is not None else None
        if field is None:
            return ["?"]
        kinds.append(field.kind)
        current = index.target(current, field) if current is not None else None
    return kinds


def _covered(path: str, loaded: tuple[str, ...], field: FieldFact) -> bool:
    if "*" in loaded:
        return True
    if "*fk" in loaded and field.kind in (FK, O2O) and "." not in path:
        return True
    return any(p == path or p.startswith(path + ".") for p in loaded)


def _fix_text(root: Origin, relations: list[tuple[str, FieldFact]]) -> str:
    names = [name for name, _ in relations]
    if root.style == "django":
        single = all(f.kind in (FK, O2O, REVERSE_O2O) for _, f in relations)
        method = "select_related" if single else "prefetch_related"
        return f".{method}(\"{'__'.join(names)}\")"
    parts: list[str] = []
    owner = (root.model or "Model").rsplit(".", 1)[-1]
    for name, field in relations:
        loader = "selectinload" if field.many is not False else "joinedload"
        parts.append(f"{loader}({owner}.{name})")
        owner = (field.target or "Model").rsplit(".", 1)[-1]
    return f".options({'.'.join(parts)})"


_ = (GFK, M2M)
RULES = (NPlusOneFacts, NPlusOne)
