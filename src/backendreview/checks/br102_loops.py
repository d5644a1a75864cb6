"""What a loop goes over, as far as BR102 cares: a fixed handful of items written in the code
or its configuration, or the parts of one string — never one item per stored row.

A query per item of such a loop runs a known, small number of times (the two agreement
types, the default groups a setting lists, the authors typed into one form field, the
segments of one path), so it is not an N+1: the rule stays silent, as it does for literal
lists.
"""

from __future__ import annotations

import ast
import re

from ..analysis.values import tracker_for
from ..astutil import call_chain, nodes_within, own_nodes

_CONSTANT = re.compile(r"^[A-Z][A-Z0-9_]*$")
_SPLITS = frozenset({"split", "rsplit", "splitlines"})
# Calls that keep a collection's items (reorder, dedupe, map them one to one).
_KEEPS_ITEMS = frozenset({"builtins.list", "builtins.tuple", "builtins.set", "builtins.sorted",
                          "builtins.reversed", "builtins.map", "builtins.filter",
                          "builtins.enumerate", "builtins.frozenset"})
_DEDUPE = re.compile(r"(^|_)(uniq|unique|dedupe?|deduplicate)(_|$)", re.IGNORECASE)


def fixed_collection(ctx, expr: ast.expr, depth: int = 0) -> bool:  # type: ignore[no-untyped-def]
    """`Agreement.TYPE_CHOICES`, `settings.DEFAULT_GROUPS`, `text.split("&")`, and locals
    built only from those (mapped, sorted, deduplicated, sliced, a literal fallback)."""
    if depth > 12:
        return False
    if isinstance(expr, ast.List | ast.Tuple | ast.Set | ast.Dict | ast.Constant):
        return True
    if isinstance(expr, ast.Attribute):
        qualified = ctx.qualified_name(expr) or ""
        if qualified.startswith("django.conf.settings."):
            return True
        # An upper-case attribute of a class or module (`Agreement.TYPE_CHOICES`,
        # `config.GROUPS`, `self.KINDS`), not of a value such as `request.POST`.
        return bool(_CONSTANT.match(expr.attr)) and _static_owner(ctx, expr.value)
    if isinstance(expr, ast.Subscript):
        return fixed_collection(ctx, expr.value, depth + 1)
    if isinstance(expr, ast.ListComp | ast.SetComp | ast.GeneratorExp):
        return fixed_collection(ctx, expr.generators[0].iter, depth + 1)
    if isinstance(expr, ast.Call):
        func = expr.func
        if isinstance(func, ast.Attribute) and func.attr in _SPLITS:
            return True  # the parts of one string
        if isinstance(func, ast.Attribute) and func.attr in ("items", "keys", "values") and (
                not expr.args):
            return fixed_collection(ctx, func.value, depth + 1)
        if isinstance(func, ast.Name) and _helper_returns_fixed(ctx, func, depth):
            return True
        name = func.attr if isinstance(func, ast.Attribute) else (
            func.id if isinstance(func, ast.Name) else "")
        keeps = (ctx.qualified_name(func) or "") in _KEEPS_ITEMS or bool(_DEDUPE.search(name))
        items = [a for a in expr.args if not isinstance(a, ast.Lambda | ast.Constant)]
        return keeps and bool(items) and fixed_collection(ctx, items[-1], depth + 1)
    if isinstance(expr, ast.Name):
        bindings = ctx.reaching_bindings(expr)
        if _CONSTANT.match(expr.id) and bindings and all(
                b.kind == "import" for b in bindings):
            return True  # an imported constant
        return bool(bindings) and all(
            b.kind in ("assign", "annassign") and b.value is not None
            and b.value is not expr and fixed_collection(ctx, b.value, depth + 1)
            for b in bindings)
    return False


def _static_owner(ctx, expr: ast.expr) -> bool:  # type: ignore[no-untyped-def]
    """A class or module: a capitalised name, an imported name, `self` / `cls`."""
    if not isinstance(expr, ast.Name):
        return False
    if expr.id[:1].isupper() or expr.id in ("self", "cls"):
        return True
    bindings = ctx.reaching_bindings(expr)
    return bool(bindings) and all(b.kind in ("import", "class") for b in bindings)


def _helper_returns_fixed(ctx, name: ast.Name, depth: int) -> bool:  # type: ignore[no-untyped-def]
    """`names = prepare_authors(text)` where `prepare_authors`, defined in this module,
    returns only fixed collections (the parts of its argument string)."""
    bindings = ctx.reaching_bindings(name)
    if len(bindings) != 1 or bindings[0].kind != "def":
        return False
    func = bindings[0].node
    returns = [node for node in own_nodes(func) if isinstance(node, ast.Return)]
    return bool(returns) and all(
        r.value is not None and fixed_collection(ctx, r.value, depth + 1) for r in returns)


_WRITES = frozenset({"save", "delete", "update", "move_to", "move_node", "insert_at", "create",
                     "bulk_create", "bulk_update", "update_or_create", "get_or_create"})


def rereads_item(call: ast.Call, loop: ast.AST) -> bool:
    """`Category.objects.get(pk=child.pk)` inside `for child in ...` whose body writes: the
    query reloads the loop's own row by its key because earlier iterations' writes changed
    it (a tree move), a refresh rather than a lookup of other data. Without a write in the
    loop, re-reading each row (say, to add `select_related`) is the N+1 itself."""
    if not any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
               and n.func.attr in _WRITES for n in ast.walk(loop)):
        return False
    targets = loop_targets(loop)
    for node in ast.walk(call):
        if not isinstance(node, ast.keyword) or node.arg not in ("pk", "id"):
            continue
        value = node.value
        if isinstance(value, ast.Attribute) and value.attr in ("pk", "id") and isinstance(
                value.value, ast.Name) and value.value.id in targets:
            return True
    return False


def fetched_to_delete(ctx, call: ast.Call, loop: ast.AST) -> bool:  # type: ignore[no-untyped-def]
    """The row the query fetches is deleted in the same iteration and used for nothing else
    (`link = session.get(Link, key)` then `session.delete(link)`, `link.delete()`, perhaps
    after `if link is None: continue`): the lookup half of a per-item delete, whose cure is
    one bulk `DELETE ... WHERE key IN (...)` that reads nothing, a write to batch rather
    than rows to load. A row fetched to be changed or created when missing is still a read
    per item: which rows exist and what they hold is one `IN` query (calibre-web's shelf
    re-ordering, zou's set_team)."""
    node: ast.AST = call
    parent = ctx.semantic.parent(node)
    # `db.session.scalars(stmt).unique().first()`: the row is what the whole chain returns.
    while isinstance(parent, ast.Attribute) and isinstance(
            grand := ctx.semantic.parent(parent), ast.Call) and grand.func is parent:
        node, parent = grand, ctx.semantic.parent(grand)
    if not (isinstance(parent, ast.Assign) and len(parent.targets) == 1
            and isinstance(parent.targets[0], ast.Name)):
        return False
    name = parent.targets[0].id
    deleted = False
    for use in ast.walk(loop):
        if not (isinstance(use, ast.Name) and use.id == name and isinstance(use.ctx, ast.Load)):
            continue
        holder = ctx.semantic.parent(use)
        if isinstance(holder, ast.Call) and holder.args == [use] and isinstance(
                holder.func, ast.Attribute) and holder.func.attr == "delete":
            deleted = True  # session.delete(row)
        elif isinstance(holder, ast.Attribute) and holder.attr == "delete" and isinstance(
                ctx.semantic.parent(holder), ast.Call):
            deleted = True  # row.delete()
        elif not _presence_test(holder, use):
            return False  # the row's data is read
    return deleted


_CREATES = frozenset({"add", "add_all", "create", "bulk_create", "save", "insert", "merge"})


def creates_when_missing(ctx, call: ast.Call, loop: ast.AST) -> bool:  # type: ignore[no-untyped-def]
    """The query is the read half of a get-or-create: its row, when missing, is made in the
    same iteration (`season = ....first()`, then `if not season: season = Season(...)` or
    `session.add(...)` / `Model.objects.create(...)`; or `if not ....first(): ...add(...)`).
    Each missing item is inserted one at a time anyway, and which items exist is the part one
    `IN` query could read: weak evidence of an N+1 worth a warning."""
    if not isinstance(loop, ast.For | ast.AsyncFor):
        return False
    node: ast.AST = call
    parent = ctx.semantic.parent(node)
    while isinstance(parent, ast.Attribute) and isinstance(
            grand := ctx.semantic.parent(parent), ast.Call) and grand.func is parent:
        node, parent = grand, ctx.semantic.parent(grand)
    name = None
    if isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(
            parent.targets[0], ast.Name) and parent.value is node:
        name = parent.targets[0].id
    return any(
        isinstance(stmt, ast.If) and (
            (_tests_absence(stmt.test, name, node) and _creates_in(ctx, stmt.body))
            # `if row: row.value = v` / `else: session.add(Model(...))`: the same upsert
            # with the presence test first
            or (_tests_presence(stmt.test, name, node) and _creates_in(ctx, stmt.orelse)))
        for stmt in nodes_within(loop.body))


def _creates_in(ctx, body: list[ast.stmt]) -> bool:  # type: ignore[no-untyped-def]
    return any(_creates(ctx, sub) for stmt in body for sub in ast.walk(stmt))


def _tests_presence(test: ast.expr, name: str | None, query: ast.AST) -> bool:
    """`row`, `row is not None` (row: `name`), or the query itself."""
    subject = _compared_with_none(test, ast.IsNot)
    return _is_row(test if subject is None else subject, name, query)


def _tests_absence(test: ast.expr, name: str | None, query: ast.AST) -> bool:
    """`not row`, `row is None` (row: `name`), or `not <the query itself>`."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _is_row(test.operand, name, query)
    subject = _compared_with_none(test, ast.Is)
    return subject is not None and _is_row(subject, name, query)


def _compared_with_none(test: ast.expr, op: type[ast.cmpop]) -> ast.expr | None:
    """The `x` of `x is None` (op `ast.Is`) or `x is not None` (op `ast.IsNot`)."""
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(
            test.ops[0], op) and isinstance(test.comparators[0], ast.Constant) and (
            test.comparators[0].value is None):
        return test.left
    return None


def _is_row(expr: ast.expr, name: str | None, query: ast.AST) -> bool:
    """The looked-up row: the query expression itself, or the name it was bound to."""
    return expr is query or (name is not None and isinstance(expr, ast.Name)
                             and expr.id == name)


def _creates(ctx, node: ast.AST) -> bool:  # type: ignore[no-untyped-def]
    """`session.add(x)`, `Model.objects.create(...)`, `x.save()`, or `x = Model(...)` (a
    class called: a new row) — not `missing.add(x)` on a set the function builds itself."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and (
            node.func.attr in _CREATES):
        return not _local_collection(ctx, node.func.value)
    if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
        func = node.value.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        return name[:1].isupper()
    return False


# What builds a plain Python collection (`add`, `insert` there put no row in the database).
_COLLECTIONS = (ast.List, ast.Set, ast.Dict, ast.ListComp, ast.SetComp, ast.DictComp)
_COLLECTION_CALLS = frozenset({"builtins.set", "builtins.list", "builtins.dict"})


def _local_collection(ctx, expr: ast.expr) -> bool:  # type: ignore[no-untyped-def]
    """`expr` is a name every binding of which is a list, set or dict the code builds
    (`missing = set()`, `found, missing = [], set()`)."""
    if not isinstance(expr, ast.Name):
        return False
    bindings = ctx.reaching_bindings(expr)
    return bool(bindings) and all(_bound_collection(ctx, b) for b in bindings)


def _bound_collection(ctx, binding) -> bool:  # type: ignore[no-untyped-def]
    value = binding.value
    stmt = binding.node
    if binding.kind == "unpack" and isinstance(stmt, ast.Assign) and isinstance(
            value, ast.Tuple | ast.List):
        # `found, missing = [], set()`: the element at the name's place
        target = stmt.targets[0] if len(stmt.targets) == 1 else None
        if not isinstance(target, ast.Tuple | ast.List) or len(target.elts) != len(
                value.elts):
            return False
        value = next((v for t, v in zip(target.elts, value.elts, strict=True)
                      if isinstance(t, ast.Name) and t.id == binding.name), None)
    elif binding.kind not in ("assign", "annassign"):
        return False
    if isinstance(value, _COLLECTIONS):
        return True
    return isinstance(value, ast.Call) and ctx.qualified_name(value.func) in _COLLECTION_CALLS


def deleted_names(ctx, loop: ast.AST) -> set[str]:  # type: ignore[no-untyped-def]
    """The names a `for` loop's body deletes the object of: `session.delete(row)`,
    `row.delete()` (not in a nested function)."""
    if not isinstance(loop, ast.For | ast.AsyncFor):
        return set()
    out: set[str] = set()
    for node in nodes_within(loop.body):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "delete"):
            continue
        if len(node.args) == 1 and not node.keywords and isinstance(node.args[0], ast.Name):
            out.add(node.args[0].id)  # session.delete(row)
        elif not node.args and isinstance(node.func.value, ast.Name):
            out.add(node.func.value.id)  # row.delete()
    return out


def _presence_test(holder: ast.AST | None, use: ast.Name) -> bool:
    """`row is None`, `if row`, `not row`: whether the row is there, not what it holds."""
    if isinstance(holder, ast.Compare) and len(holder.ops) == 1 and isinstance(
            holder.ops[0], ast.Is | ast.IsNot):
        return True
    if isinstance(holder, ast.If | ast.While | ast.IfExp) and holder.test is use:
        return True
    return isinstance(holder, ast.UnaryOp) and isinstance(holder.op, ast.Not)


def loop_targets(loop: ast.AST) -> set[str]:
    if isinstance(loop, ast.For | ast.AsyncFor):
        targets = [loop.target]
    elif isinstance(loop, ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp):
        targets = [gen.target for gen in loop.generators]
    else:
        return set()
    return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}


def mapping_keys(ctx, expr: ast.expr, rows_of) -> bool:  # type: ignore[no-untyped-def]
    """`for key, value in data.items()`, `for name in form.agreements.keys()`: the keys of one
    mapping are distinct values — the fields of one configuration, form or JSON body, the
    groups of a grouping — a handful fixed by the code or its input, not one per stored row.
    Not the request's own body (`request.POST.items()`: the client chooses how many keys),
    nor a mapping built in this function from a query's rows (`{u.id: u for u in
    User.objects.all()}`), which `rows_of(iterable)` tells."""
    if not (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute)
            and expr.func.attr in ("items", "keys") and not expr.args and not expr.keywords):
        return False
    owner = expr.func.value
    if tracker_for(ctx).request_data(owner):
        return False
    if isinstance(owner, ast.Name):
        for binding in ctx.reaching_bindings(owner):
            value = binding.value
            if isinstance(value, ast.DictComp) and rows_of(value.generators[0].iter):
                return False
    return True


# Exceptions a lookup raises when the row is missing or not unique: catching them per row
# is how a plain per-row lookup is written, not a reason to run one query per row.
_LOOKUP_MISS = re.compile(r"DoesNotExist|NotFound|NoResult|Multiple|^(Base)?Exception$|"
                          r"^(Key|Index|Value|Type|Attribute|Lookup)Error$")


def deliberate_per_row(ctx, call: ast.AST, loop: ast.AST) -> str | None:  # type: ignore[no-untyped-def]
    """Why running `call` once per item of `loop` is the point rather than an accident:
    - it sits in an `except` branch (inside the loop, or around it): a fallback that runs
      for the items whose first attempt failed, or one by one after a bulk operation
      failed (`except ProtectedError: for pk in pks: Task.objects.get(pk=pk).delete()`);
    - it sits in the `try` of a per-item `try` whose handler catches a specific error of
      the item's own processing (`except InvalidToken:` around loading an encrypted row):
      one query for all items would let one bad item abort them all;
    - it runs on a session the iteration opens itself (`for id in ids: async with
      session_scope() as session: await session.get(Task, id)`): each item is its own unit
      of work (a lease, a lock, a commit per item), and a query before the loop would read
      the rows outside those transactions."""
    if _own_session(ctx, call, loop):
        return "transaction"
    for anc in ctx.semantic.ancestors(call):
        if isinstance(anc, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            return None
        if isinstance(anc, ast.ExceptHandler):
            return "except"
        if isinstance(anc, ast.Try) and _inside_try_body(ctx, call, anc) and _is_inside(
                ctx, anc, loop) and any(_specific(h) for h in anc.handlers):
            return "isolation"
    return None


# Session methods that write or end a unit of work.
_UNIT_OF_WORK = frozenset({"add", "add_all", "delete", "merge", "commit", "flush", "begin",
                           "begin_nested"})


def opening_with(ctx, node: ast.AST, name: str, loop: ast.AST  # type: ignore[no-untyped-def]
                 ) -> tuple[ast.With | ast.AsyncWith, ast.withitem] | None:
    """The `with` / `async with` between `node` and `loop` (in the same function) one of whose
    items binds `name` (`as session`), and that item."""
    for anc in ctx.semantic.ancestors(node):
        if anc is loop or isinstance(anc, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
                                     | ast.ClassDef):
            return None
        if isinstance(anc, ast.With | ast.AsyncWith):
            for item in anc.items:
                if isinstance(item.optional_vars, ast.Name) and item.optional_vars.id == name:
                    return anc, item
    return None


def _own_session(ctx, call: ast.AST, loop: ast.AST) -> bool:  # type: ignore[no-untyped-def]
    """The call's receiver is the name a `with` / `async with` statement between the loop
    and the call binds (`async with session_scope() as session:` in the loop's body), and
    that block does more in the session than this read: hands the session to another call
    before the read (`leases.acquire(session, ...)`) or writes through it
    (`session.delete(...)`). A block that only reads is a short read session, not a unit of
    work."""
    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Attribute):
        return False
    _, root = call_chain(call)
    if not isinstance(root, ast.Name):
        return False
    opened = opening_with(ctx, call, root.id, loop)
    if opened is None:
        return False
    block = opened[0]
    inside_call = {id(n) for n in ast.walk(call)}
    for node in nodes_within(block.body):
        if not isinstance(node, ast.Call) or id(node) in inside_call:
            continue
        # A hand-off before the read takes something in the session first (a lease, a
        # lock); one after it may only use what was read (`render(session, user)`).
        passed = (node.lineno, node.col_offset) < (call.lineno, call.col_offset) and any(
            isinstance(a, ast.Name) and a.id == root.id
            for a in [*node.args, *(k.value for k in node.keywords)])
        writes = isinstance(node.func, ast.Attribute) and node.func.attr in _UNIT_OF_WORK \
            and isinstance(node.func.value, ast.Name) and node.func.value.id == root.id
        if passed or writes:
            return True
    return False


def _inside_try_body(ctx, node: ast.AST, try_node: ast.Try) -> bool:  # type: ignore[no-untyped-def]
    return any(stmt is node or any(a is stmt for a in ctx.semantic.ancestors(node))
               for stmt in try_node.body)


def _is_inside(ctx, node: ast.AST, container: ast.AST) -> bool:  # type: ignore[no-untyped-def]
    return node is container or any(a is container for a in ctx.semantic.ancestors(node))


def _specific(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return False
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    names = [t.attr if isinstance(t, ast.Attribute) else getattr(t, "id", "") for t in types]
    return bool(names) and all(name and not _LOOKUP_MISS.search(name) for name in names)


def varies_column(call: ast.Call, names: list[str]) -> bool:
    """`Artifact.objects.filter(**{checksum: None})`, `getattr(Model, column) == x`,
    `select(func.count()).select_from(table)`: the loop item chooses the column or the
    table, so each iteration is a different query, not the same lookup
    for another key — no `__in` / `IN` query can stand for the loop."""
    wanted = set(names)

    def uses(expr: ast.AST | None) -> bool:
        return expr is not None and any(
            isinstance(n, ast.Name) and n.id in wanted for n in ast.walk(expr))

    for node in ast.walk(call):
        if isinstance(node, ast.keyword) and node.arg is None and isinstance(
                node.value, ast.Dict) and any(uses(k) for k in node.value.keys):
            return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and (
                node.func.id == "getattr") and len(node.args) >= 2 and uses(node.args[1]):
            return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and (
                node.func.attr == "select_from") and node.args and all(
                isinstance(a, ast.Name) and a.id in wanted for a in node.args):
            # `select(func.count()).select_from(table)` with the loop's table: the item
            # chooses the table, and no `IN` list spans tables.
            return True
    return False


_RANGE_OPS = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)


def ranges_only(ctx, call: ast.Call, names: list[str]) -> bool:  # type: ignore[no-untyped-def]
    """The loop's values reach `call` only as the bounds of a span, a lower and an upper
    one (`close_date >= day`, `close_date < day + step`; `created__range=(a, b)`): the loop
    walks consecutive spans (a day, a week...), not keys, and the batch is one query over
    the whole span sorted into buckets, not an `IN` list. One bound alone (`pk__gt=t.pk`)
    is a different question per row, not a span."""
    wanted = set(names)
    sides: set[str] = set()
    for node in ast.walk(call):
        if not (isinstance(node, ast.Name) and node.id in wanted):
            continue
        found = _bound_side(ctx, node, call)
        if found is None:
            return False
        sides |= found
    return sides == {"low", "high"}


def _bound_side(ctx, node: ast.Name, call: ast.Call) -> set[str] | None:  # type: ignore[no-untyped-def]
    child: ast.AST = node
    for anc in ctx.semantic.ancestors(node):
        if anc is call:
            return None
        if isinstance(anc, ast.Compare) and len(anc.ops) == 1 and isinstance(
                anc.ops[0], _RANGE_OPS):
            greater = isinstance(anc.ops[0], ast.Gt | ast.GtE)
            on_right = child is not anc.left
            return {"low" if greater == on_right else "high"}
        if isinstance(anc, ast.keyword):
            arg = anc.arg or ""
            if arg.endswith("__range"):
                return {"low", "high"}
            if arg.endswith(("__gt", "__gte")):
                return {"low"}
            if arg.endswith(("__lt", "__lte")):
                return {"high"}
            return None
        if isinstance(anc, ast.Call) and isinstance(anc.func, ast.Attribute) and (
                anc.func.attr == "between"):
            return {"low", "high"}
        child = anc
    return None


# Lookups that match a pattern, not a value: no `__in` / `IN` list can stand for several.
_PATTERN_LOOKUPS = ("__contains", "__icontains", "__startswith", "__istartswith",
                    "__endswith", "__iendswith", "__regex", "__iregex", "__search")
# (Not `contains`: on a relationship it tests membership of one row, which batches.)
_PATTERN_METHODS = frozenset({"like", "ilike", "startswith", "endswith", "regexp_match"})


def pattern_lookup(call: ast.Call, names: list[str]) -> bool:
    """The loop item reaches the query only as a pattern (`Q(flags__contains=flag)`,
    `Unit.text.ilike(term)`): each iteration is a different search, and no query on every
    item's key can stand for the loop."""
    wanted = set(names)
    pattern_uses, all_uses = 0, 0
    for node in ast.walk(call):
        if isinstance(node, ast.Name) and node.id in wanted:
            all_uses += 1
        value: ast.AST | None = None
        if isinstance(node, ast.keyword) and node.arg and node.arg.endswith(_PATTERN_LOOKUPS):
            value = node.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and (
                node.func.attr in _PATTERN_METHODS) and len(node.args) == 1:
            value = node.args[0]
        if value is not None:
            pattern_uses += sum(isinstance(n, ast.Name) and n.id in wanted
                                for n in ast.walk(value))
    return all_uses > 0 and pattern_uses == all_uses


# A name column (`name`, `repo_name`, `short_name`, a permission's `codename`: the few
# actions of a model, `view_x`, `change_x`), not a person's or a file's.
_NAME_COLUMN = re.compile(r"^(\w+_)?(code)?name$")
_NOT_NAMES = frozenset({"username", "user_name", "file_name", "filename", "email"})


def by_name(ctx, call: ast.Call, names: list[str]) -> bool:  # type: ignore[no-untyped-def]
    """The per-item lookup finds a row by its name (`Group.objects.get(name=name)`,
    `select(Realm).filter_by(name=realm)`, `Realm.name == realm`) from an item that is not a
    stored row (the caller checks that): names are what people type, configure or map — the
    groups a header lists, the realms given to one token, the repositories of an import
    mapping — a handful per call, while a loop over stored data looks rows up by key. The
    statement may be built in a local (`stmt = select(...)`, then `session.execute(stmt)`)."""
    wanted = set(names)
    exprs: list[ast.AST] = [call]
    for node in ast.walk(call):
        if isinstance(node, ast.Name):
            exprs += [b.value for b in ctx.reaching_bindings(node)
                      if b.value is not None and b.value is not node]

    def uses(expr: ast.AST) -> bool:
        return any(isinstance(n, ast.Name) and n.id in wanted for n in ast.walk(expr))

    keyed = False
    for expr in exprs:
        for node in ast.walk(expr):
            column, value = None, None
            if isinstance(node, ast.keyword) and node.arg:
                column, value = node.arg, node.value
            elif isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(
                    node.ops[0], ast.Eq) and isinstance(node.left, ast.Attribute):
                column, value = node.left.attr, node.comparators[0]
            if column is None or value is None or not uses(value):
                continue
            if column.removesuffix("__exact") in _NOT_NAMES or not _NAME_COLUMN.match(
                    column.removesuffix("__exact")):
                return False  # the item also picks another key: not a lookup by name
            keyed = True
    return keyed
