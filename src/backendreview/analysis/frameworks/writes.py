"""Resource writes in a handler body (for BR306 unsafe-get): evidence that calling the
route changes stored data. Precision first: a call counts only when its receiver is known
to be an ORM manager / model instance / database session or the SQL text is a write.

Not counted, by design:
- `get_or_create`: a GET that lazily creates a per-user row yields the same state when
  repeated (it is idempotent), and it is the common "ensure settings exist" idiom.
- "touch" updates: `user.last_login = now(); user.save(update_fields=["last_login"])`, view
  counters, `*_at` / `last_*` / `*_seen` fields, access flags (`read`, `downloaded`,
  `opened`). Bookkeeping of the GET itself, not a change of the resource.
- cache / session / cookie writes, logging, metrics: their receivers are not ORM or
  database handles, so they are never matched.
- writes inside a branch on `request.method` / `form.is_valid()` / `validate_on_submit()`
  and every write of a handler that compares `request.method` at all: that code runs for
  the other methods the route accepts.
- writes made in helpers the handler calls: not followed (nothing is guessed).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...astutil import call_chain

if TYPE_CHECKING:
    from ...context import FileContext


@dataclass(frozen=True)
class WriteFact:
    line: int
    text: str  # the call as the message shows it: `item.save()`
    kind: str  # django | sqlalchemy | dbapi


_MANAGERS = frozenset({"objects", "_default_manager", "_base_manager"})
_MANAGER_WRITES = frozenset({"create", "update_or_create", "bulk_create", "bulk_update",
                             "update", "delete"})
_QS_WRITES = frozenset({"update", "delete"})
_SESSION_MUTATIONS = frozenset({"add", "add_all", "delete", "merge"})
_SESSION_COMMITS = frozenset({"commit", "flush"})
_SESSION_METHODS = _SESSION_MUTATIONS | _SESSION_COMMITS
_SQLA_DML = frozenset({"insert", "update", "delete"})
_SQLA_MODULES = ("sqlalchemy", "sqlmodel")
_WRITE_SQL = re.compile(r"^\s*(\(\s*)?(WITH\b.*?\)\s*)?(INSERT|UPDATE|DELETE|REPLACE|MERGE|"
                        r"TRUNCATE|UPSERT)\b", re.I | re.S)
# Bookkeeping fields: timestamps of the last visit, counters of views.
TOUCH_FIELD = re.compile(r"^(last_\w+|\w+_(at|on|seen|time|timestamp|login|accessed|access|"
                         r"visit|visited|viewed|count|counter)|modified|updated|accessed|"
                         r"viewed|seen|views|hits|visits|view_count|timestamp|"
                         r"(is_)?(read|opened|downloaded|visited|accessed))$", re.I)
_GUARDS = re.compile(r"\bmethod\b|is_valid|validate_on_submit|validate\(")


def handler_writes(ctx: FileContext, func: ast.AST, nodes: list[ast.AST]) -> tuple[
        WriteFact, ...]:
    """Resource writes among `nodes` (the handler's own nodes), in source order."""
    from ..dbapi import HandleResolver
    from ..sinks import SinkFinder

    for node in nodes:
        # The handler serves several methods and branches on them: leave it alone.
        if isinstance(node, ast.Attribute) and node.attr == "method" and \
                isinstance(node.ctx, ast.Load) and isinstance(ctx.semantic.parent(node),
                                                              ast.Compare):
            return ()
    handles = HandleResolver(ctx)
    sinks = SinkFinder(ctx, handles)
    django = ctx.semantic.is_imported("django") or ctx.semantic.is_imported("rest_framework")
    stores = _attribute_stores(nodes)
    calls = sorted((n for n in nodes if isinstance(n, ast.Call)),
                   key=lambda c: (c.lineno, c.col_offset))
    out: list[WriteFact] = []
    mutations: list[ast.Call] = []
    commits: list[ast.Call] = []
    tests: dict[ast.AST, bool] = {}  # calls under one `if` share its test
    for call in calls:
        if _guarded(ctx, call, func, tests):
            continue
        fn = call.func
        if isinstance(fn, ast.Attribute):
            method = fn.attr
            if django and _django_write(ctx, call, method, func, stores):
                out.append(_fact(ctx, call, "django"))
                continue
            # The receiver's handle matters only to a session's mutation or commit.
            handle = handles.of(fn.value) if method in _SESSION_METHODS else None
            if handle is not None and handle.library == "sqlalchemy" and \
                    handle.kind == "session":
                if method in _SESSION_MUTATIONS:
                    mutations.append(call)
                    continue
                if method in _SESSION_COMMITS:
                    commits.append(call)
                    continue
            if method in ("execute", "exec") and call.args and _sqla_dml(ctx, call.args[0]):
                out.append(_fact(ctx, call, "sqlalchemy"))
                continue
        sink = sinks.sink(call)
        if sink is not None and ctx.qualified_name(call.func) not in (
                "sqlalchemy.text", "sqlalchemy.sql.text", "sqlmodel.text"):
            build = sinks.strings.analyze(sink.sql_arg)
            text = build.constant_text() if build is not None else None
            if text and _WRITE_SQL.match(text):
                out.append(_fact(ctx, call, "dbapi"))
    if commits:
        if mutations:
            out.extend(_fact(ctx, c, "sqlalchemy") for c in mutations)
        elif not _only_touches(stores):
            # `item.archived = True; db.session.commit()`: the change is an attribute store.
            out.append(_fact(ctx, commits[0], "sqlalchemy"))
    out.sort(key=lambda w: w.line)
    return tuple(dict.fromkeys(out))


def _fact(ctx: FileContext, call: ast.Call, kind: str) -> WriteFact:
    text = " ".join(ctx.source(call).split())
    if len(text) > 50:
        text = " ".join(ctx.source(call.func).split()) + "(...)"
    return WriteFact(call.lineno, text, kind)


def _guarded(ctx: FileContext, call: ast.Call, func: ast.AST, tests: dict[ast.AST, bool]
             ) -> bool:
    """Whether `call` runs under a branch on the method or on a form's validity; `tests`
    keeps each branch's answer for the other calls under it."""
    for anc in ctx.semantic.ancestors(call):
        if anc is func:
            return False
        if isinstance(anc, ast.If | ast.IfExp | ast.While):
            guards = tests.get(anc)
            if guards is None:
                guards = tests[anc] = _GUARDS.search(ctx.source(anc.test)) is not None
            if guards:
                return True
    return False


def _attribute_stores(nodes: list[ast.AST]) -> dict[str, list[str]]:
    """`x.field = ...` in the handler: receiver source -> fields set."""
    out: dict[str, list[str]] = {}
    for node in nodes:
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store) and \
                isinstance(node.value, ast.Name | ast.Attribute):
            out.setdefault(ast.unparse(node.value), []).append(node.attr)
    return out


def _only_touches(stores: dict[str, list[str]], receiver: str | None = None) -> bool:
    fields = stores.get(receiver, []) if receiver is not None else [
        f for fs in stores.values() for f in fs]
    return bool(fields) and all(TOUCH_FIELD.match(f) for f in fields)


def _chain_names(expr: ast.AST) -> list[str]:
    """Method and attribute names of a call chain, outermost first."""
    names, _ = call_chain(expr)
    return names[::-1]


def _django_write(ctx: FileContext, call: ast.Call, method: str, func: ast.AST,
                  stores: dict[str, list[str]]) -> bool:
    receiver = call.func.value  # type: ignore[attr-defined]
    names = _chain_names(receiver)
    if method in _MANAGER_WRITES and _MANAGERS & set(names):
        # Item.objects.create(...), Item.objects.filter(...).update(...); not the pruning of
        # rows past a time cutoff, which repeating removes nothing more.
        return not (method == "delete" and _prunes_expired(receiver))
    if method not in _ORIGIN_WRITES:
        # What the receiver holds decides only these (below); finding it out walks the
        # handler (`self.x = ...`) for every `self.x.m()` call otherwise.
        return False
    origin = None
    if isinstance(receiver, ast.Name):
        origin = _origin(ctx, receiver, func)
    elif isinstance(receiver, ast.Attribute) and isinstance(receiver.value, ast.Name) and \
            receiver.value.id == "self":
        origin = _self_origin(ctx, receiver, func)
    if origin is None:
        return False
    if method in _QS_WRITES and origin == "queryset":
        return True
    if method == "save" and origin in ("instance", "form"):
        fields = _update_fields(call)
        if fields and all(TOUCH_FIELD.match(f) for f in fields):
            return False
        return not _only_touches(stores, ast.unparse(receiver))
    return method == "delete" and origin == "instance" and not call.args


# A lookup that keeps the rows older than a cutoff: `timestamp__lt=...`, `created_at__lte=`.
_BEFORE_CUTOFF = re.compile(r"^(?P<field>\w+?)__(lt|lte)$")
_TIME_FIELD = re.compile(r"^(\w+_)?(date|datetime|expires?|expiry|expiration|created|"
                         r"timestamp)$", re.I)


def _prunes_expired(receiver: ast.AST) -> bool:
    """`Log.objects.filter(timestamp__lt=cutoff).delete()`: the queryset is narrowed only by
    time cutoffs (keyword lookups `<time field>__lt` / `__lte`, no Q objects), so the delete
    is retention housekeeping (kolibri's coach poll pruning its poller log), not a change a
    request asks for."""
    filters = 0
    node = receiver
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr in ("filter", "exclude"):
            if node.args or not node.keywords:
                return False
            for kw in node.keywords:
                found = _BEFORE_CUTOFF.match(kw.arg or "")
                if found is None or node.func.attr != "filter":
                    return False
                field = found.group("field")
                if not (_TIME_FIELD.match(field) or TOUCH_FIELD.match(field)):
                    return False
            filters += 1
        elif node.func.attr not in ("all", "using"):
            return False
        node = node.func.value
    return filters > 0


# The methods that write when the receiver holds an instance, a queryset or a form.
_ORIGIN_WRITES = _QS_WRITES | {"save", "delete"}


def _update_fields(call: ast.Call) -> list[str] | None:
    for kw in call.keywords:
        if kw.arg == "update_fields" and isinstance(kw.value, ast.List | ast.Tuple):
            out = [e.value for e in kw.value.elts
                   if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            return out if len(out) == len(kw.value.elts) else None
    return None


def _origin(ctx: FileContext, name: ast.Name, func: ast.AST) -> str | None:
    """instance | queryset | form: what the one binding of `name` in the handler holds."""
    bindings = ctx.reaching_bindings(name)
    if len(bindings) != 1 or bindings[0].kind not in ("assign", "annassign"):
        return None
    value = bindings[0].value
    if value is None or ctx.semantic.enclosing_function(bindings[0].node) is not func:
        return None
    return _value_origin(ctx, value)


def _self_origin(ctx: FileContext, receiver: ast.Attribute, func: ast.AST) -> str | None:
    """`self.object = self.get_object()` assigned once in the handler itself."""
    text, attr = ast.unparse(receiver), receiver.attr
    # A target spelled like the receiver ends with its attribute: only those are unparsed.
    values = [n.value for n in ast.walk(func) if isinstance(n, ast.Assign | ast.AnnAssign)
              and n.value is not None and any(
                  isinstance(t, ast.Attribute) and t.attr == attr and ast.unparse(t) == text
                  for t in (n.targets if isinstance(n, ast.Assign) else [n.target]))]
    return _value_origin(ctx, values[0]) if len(values) == 1 else None


def _value_origin(ctx: FileContext, value: ast.expr) -> str | None:
    if isinstance(value, ast.Await):
        value = value.value
    if not isinstance(value, ast.Call):
        return None
    qn = ctx.qualified_name(value.func) or ""
    if qn.endswith("get_object_or_404"):
        return "instance"
    names = _chain_names(value)
    if _MANAGERS & set(names):
        last = names[0] if names else ""
        if last in ("get", "first", "last", "latest", "earliest", "create", "aget", "afirst"):
            return "instance"
        if last in ("all", "filter", "exclude", "select_for_update", "order_by", "using"):
            return "queryset"
        return None
    fn = value.func
    # A related manager: `request.event.items.get(id=pk)`, `org.members.filter(a=b).first()`.
    # Keyword arguments only: `dict.get(key)` and `request.GET.get("x")` are positional.
    if isinstance(fn, ast.Attribute) and names and names[0] in ("get", "first", "last") and \
            len(names) >= 2 and _keyword_lookup(value if names[0] == "get" else fn.value):
        return "instance"
    if isinstance(fn, ast.Attribute) and isinstance(fn.value, ast.Name) and \
            fn.value.id == "self" and fn.attr == "get_object":
        return "instance"
    if isinstance(fn, ast.Attribute) and fn.attr == "get_serializer":
        return "form"
    last = qn.rsplit(".", 1)[-1] if qn else getattr(fn, "id", "")
    if last.endswith(("Serializer", "ModelForm")):
        return "form"
    return None


def _keyword_lookup(call: ast.AST) -> bool:
    return isinstance(call, ast.Call) and not call.args and bool(call.keywords) and all(
        kw.arg is not None for kw in call.keywords) and isinstance(call.func, ast.Attribute) \
        and call.func.attr in ("get", "filter")


def _sqla_dml(ctx: FileContext, expr: ast.AST) -> bool:
    """`insert(Item).values(...)`, `update(Item).where(...)`, `table.delete()`."""
    node = expr
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr in _SQLA_DML and not node.args and not node.keywords and \
                ctx.semantic.is_imported("sqlalchemy"):
            return True  # Core: table.insert() / table.update() / table.delete()
        node = node.func.value
    if isinstance(node, ast.Call):
        qn = ctx.qualified_name(node.func) or ""
        return qn.startswith(_SQLA_MODULES) and qn.rsplit(".", 1)[-1] in _SQLA_DML
    return False
