"""Where the code can create rows of a model: the per-file evidence behind the project fact
"model M is only ever seeded" (BR303: a lookup table the application never grows).

Per file we record, without deciding anything, every place that may add rows to a class:
- `new`: a call that constructs a class (`Sport(...)`), a create-like call on it or on one
  of its managers (`Role.objects.create(...)`, `Tag.create(...)`, `insert(Sport)`, an
  unknown manager method `Role.objects.make_default()`); `text` is "data" when the call is
  `S(data=...)` (a serializer given input to save);
- `cls-new`: `cls(...)` / `type(self)(...)` in a method of the class `holder` (a factory that
  builds whichever subclass it is called on); `text` is the method's name;
- `call`: `M.name(...)`, a method called on the class (`text` the name): it may be such a
  factory;
- `rel-new`: a create call on a relation (`project.tags.create(...)`): `text` the relation;
- `escape`: the class handed on as a value (an argument of a call we do not know to only
  read, `model = Role` in a class body, a dict value): whoever receives it may create rows;
  `holder` the enclosing class, `text` the class attribute it is assigned to, or `ADMIN`
  for a registration with Django's admin site (`admin.site.register(Role)`,
  `@admin.register(Role)`): rows that only staff add through the admin's forms;
- `insert-sql`: SQL text inserting into a table (`ref` the table, "" when the table is
  computed);
- `table`: the table of the class `ref` (`__tablename__`, `Meta.db_table`), in `text`.

Every record carries `seed`: why the place never serves a request ("migration", "command",
"seed", "test") or "". The project phase (`only_seeded`) joins them.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from ..paths import is_migration_path, is_seed_path, is_test_path, main_guard_lines, never_serves
from .models import class_ref, loaded_model_ref

if TYPE_CHECKING:
    from ...context import FileContext

FACT_KIND = "model_creates"

# Calls that add rows, on a class or one of its managers.
CREATE_CALLS = frozenset({"create", "acreate", "bulk_create", "abulk_create", "get_or_create",
                          "aget_or_create", "update_or_create", "aupdate_or_create", "insert",
                          "insert_many", "insert_from", "replace", "replace_many"})
# Manager / query methods that only read, update or delete existing rows: any other method
# called on a manager may be the project's own factory (`Role.objects.make_defaults()`).
_READS = frozenset({
    "all", "filter", "exclude", "order_by", "distinct", "annotate", "alias", "reverse",
    "using", "select_for_update", "extra", "defer", "only", "select_related",
    "prefetch_related", "none", "union", "intersection", "difference", "iterator",
    "values", "values_list", "dates", "datetimes", "get", "first", "last", "count", "exists",
    "aggregate", "latest", "earliest", "in_bulk", "contains", "update", "delete", "raw",
    "filter_by", "where", "join", "outerjoin", "limit", "offset", "options", "get_or_404",
    "first_or_404", "one", "one_or_none", "scalar", "paginate", "with_entities", "group_by",
    "having", "get_queryset", "aget", "afirst", "alast", "acount", "aexists", "aiterator",
    "select", "order_by_desc", "asc", "desc", "is_", "in_", "like", "ilike",
})
# Calls that take a class and only read its rows or describe it.
_READERS = frozenset({
    "isinstance", "issubclass", "type", "cast", "select", "query", "get", "get_or_404",
    "get_object_or_404", "get_list_or_404", "aliased", "with_polymorphic", "inspect",
    "exists", "delete", "update", "count", "ForeignKey", "OneToOneField", "ManyToManyField",
    "ForeignKeyField", "TreeForeignKey", "ParentalKey", "ParentalManyToManyField",
    "relationship", "GenericRelation", "Mapped", "Optional", "List", "Type", "TypeVar",
    "scalars", "execute", "joinedload", "selectinload", "subqueryload", "contains_eager",
    "outerjoin", "join", "load_only", "with_parent", "column_property", "getattr", "hasattr",
    "ContentType", "get_for_model", "str", "repr", "super", "filter", "where", "order_by",
})
# `INSERT INTO sports`, `INSERT OR IGNORE INTO "sports"`; whatever follows when it is no
# name (`{}`, `%s`, `{table}`, the end of a string joined to the table) is a computed table.
_INSERT_SQL = re.compile(r"\binsert\s+(?:or\s+\w+\s+)?into\b\s*([`\"\[]?[\w.]+[`\"\]]?(?=[\s(]|$)"
                         r"|\S*)", re.I)
_MANAGERS = frozenset({"objects", "_default_manager", "_base_manager"})
_HOLE = "{}"
_SQLA = frozenset({"sqlalchemy", "sqlmodel"})
_COMMAND_DIR = re.compile(r"(^|/)management/commands/")
# `escape` text of a class registered with Django's admin site.
ADMIN = "admin-site"
# `admin.site.register(M, MAdmin)`, `@admin.register(M)`, as the imports resolve them.
_ADMIN_REGISTER = frozenset({"django.contrib.admin.site.register",
                             "django.contrib.admin.register",
                             "django.contrib.admin.sites.site.register"})


@dataclass(frozen=True)
class CreateFact:
    path: str
    line: int
    kind: str  # new | cls-new | call | rel-new | escape | insert-sql | table
    ref: str  # the class as a dotted name, or the table of `insert-sql`
    text: str = ""
    holder: str = ""  # the enclosing class (module.Class), for `cls-new` and `escape`
    seed: str = ""  # migration | command | seed | test: never serves a request; "" else
    # `ref` is `apps.get_model`'s "app_label.Name", not a dotted name the imports give
    loaded: bool = False


def file_seed(path: str, seeds_data: bool) -> str:
    """Why every place of the file never serves a request, or ""."""
    path = path.replace("\\", "/")
    if is_test_path(path):
        return "test"
    if is_migration_path(path):
        return "migration"
    if _COMMAND_DIR.search(path):
        return "command"
    if is_seed_path(path) or seeds_data or never_serves(path):
        return "seed"
    return ""


class CreatesCollector:
    """Run by the engine in the file walk when BR303 asks: emits the file's `CreateFact`s."""

    id: ClassVar[str] = "model-creates"

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx

    def visitors(self) -> dict[type[ast.AST], str]:
        return {}

    def end_file(self) -> None:
        ctx = self.ctx
        seed = file_seed(ctx.path, ctx.semantic.is_imported("faker"))
        walker = _Walker(ctx, seed)
        walker.walk(ctx.tree, "", "")
        for fact in walker.out:
            ctx.emit_fact(FACT_KIND, fact)


# A node still to walk: (node, enclosing class, why its function never serves, the enclosing
# function's name).
_Frame = tuple[ast.AST, str, str, str]


class _Walker:
    def __init__(self, ctx: FileContext, seed: str) -> None:
        self.ctx = ctx
        self.seed = seed
        self.guards = main_guard_lines(ctx.tree)
        self.out: list[CreateFact] = []
        self.skip: set[int] = set()  # nodes already accounted for (a call's callee)
        self.function = ""  # the enclosing function's name
        self.loaded: set[str] = set()  # refs that are `apps.get_model` labels, not imports

    def walk(self, node: ast.AST, holder: str, command: str) -> None:
        """`holder`: the enclosing class; `command`: why the enclosing function never
        serves a request (a CLI command), or "". With a stack of its own, not Python's: an
        expression thousands of levels deep (`x + x + ...`) parses, and its file's places
        must still be seen (a lost create would make its model look seeded-only). Children
        are pushed in reverse, so nodes are visited in the same order as a recursive walk."""
        stack: list[_Frame] = [(node, holder, command, self.function)]
        while stack:
            current, holder, command, self.function = stack.pop()
            stack.extend(reversed(self._visit(current, holder, command)))

    def _visit(self, node: ast.AST, holder: str, command: str) -> list[_Frame]:
        """Record what `node` itself says; return its children still to walk."""
        here = self.function
        if isinstance(node, ast.ClassDef):
            qual = f"{self.ctx.module}.{node.name}" if not holder else f"{holder}.{node.name}"
            # `class Meta:` speaks for the class it is in (`Meta.model = Role`)
            inner = holder if node.name == "Meta" and holder else qual
            # bases are left out: a subclass is not a use of the rows
            return [*((dec, holder, command, here) for dec in node.decorator_list),
                    *((kw.value, holder, command, here) for kw in node.keywords),
                    *((stmt, inner, command, here) for stmt in node.body)]
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names = [self._name(d.func if isinstance(d, ast.Call) else d)
                     for d in node.decorator_list]
            mine = command or ("command" if any(n.rsplit(".", 1)[-1] == "command"
                                                for n in names) else "")
            # annotations are not uses
            return [*((dec, holder, command, here) for dec in node.decorator_list),
                    *((default, holder, mine, here)
                      for default in [*node.args.defaults, *node.args.kw_defaults]
                      if default is not None),
                    *((stmt, holder, mine, node.name) for stmt in node.body)]
        if isinstance(node, ast.AnnAssign):
            if node.value is not None:
                return self._assigned(node.target, node.value, holder, command)
            return []
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            return self._assigned(node.targets[0], node.value, holder, command)
        if isinstance(node, ast.Call):
            self._call(node, holder, command)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            self._sql(node, node.value, command)
        elif isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else _HOLE
                           for v in node.values)
            self._sql(node, text, command)
        elif isinstance(node, ast.Attribute):
            if id(node) not in self.skip and isinstance(node.ctx, ast.Load) and \
                    self._class(node):
                self._value(node, holder, "", command)  # `models.Role` handed on
                return []
            base: ast.expr = node
            while isinstance(base, ast.Attribute):
                base = base.value
            if not isinstance(base, ast.Name):  # `Role.objects`: a receiver, not a value
                return [(base, holder, command, here)]
            return []
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) \
                and id(node) not in self.skip:
            self._value(node, holder, "", command)
        elif isinstance(node, ast.Compare):
            return []  # `type(x) is Role`: a test, not a use of rows
        return [(child, holder, command, here) for child in ast.iter_child_nodes(node)]

    def _assigned(self, target: ast.expr, value: ast.expr, holder: str, command: str
                  ) -> list[_Frame]:
        if isinstance(target, ast.Name) and target.id in ("__tablename__", "db_table") and \
                holder and isinstance(value, ast.Constant) and isinstance(value.value, str):
            # the table raw SQL names the model by
            self._emit(value, "table", holder, command, value.value)
            return []
        if isinstance(target, ast.Name) and isinstance(value, ast.Name | ast.Attribute):
            # `model = Role` in a class body: the holder (a view, a form, an admin, a
            # serializer's Meta) takes the class
            self._value(value, holder, target.id, command)
            return []
        return [(target, holder, command, self.function), (value, holder, command, self.function)]

    def _seed(self, node: ast.AST, command: str) -> str:
        if self.seed:
            return self.seed
        line = getattr(node, "lineno", 0)
        if any(a <= line <= b for a, b in self.guards):
            return "command"
        return command

    def _emit(self, node: ast.AST, kind: str, ref: str, command: str, text: str = "",
              holder: str = "") -> None:
        self.out.append(CreateFact(self.ctx.path, getattr(node, "lineno", 0), kind, ref, text,
                                   holder, self._seed(node, command), ref in self.loaded))

    def _name(self, expr: ast.AST) -> str:
        return self.ctx.qualified_name(expr) or (
            expr.attr if isinstance(expr, ast.Attribute) else
            expr.id if isinstance(expr, ast.Name) else "")

    def _class(self, expr: ast.AST) -> str:
        """The class `expr` names (a capitalised last name), or ""."""
        if not isinstance(expr, ast.Name | ast.Attribute):
            return ""
        # Most names are variables: a class is written capitalised (`Role`, `models.Role`),
        # and only those are worth resolving (a class imported under a lower-case alias is
        # not followed).
        if not (expr.id if isinstance(expr, ast.Name) else expr.attr)[:1].isupper():
            return ""
        ref = class_ref(self.ctx, expr)
        if ref and ref == loaded_model_ref(self.ctx, expr):
            self.loaded.add(ref)
        elif not ref:
            ref = self._loaded_model(expr)
            if ref:
                self.loaded.add(ref)
        last = ref.rsplit(".", 1)[-1]
        return ref if last[:1].isupper() else ""

    def _bound_call(self, expr: ast.expr) -> ast.Call | None:
        """The call a local name is bound to, when one assignment reaches it."""
        if not isinstance(expr, ast.Name):
            return None
        bindings = self.ctx.reaching_bindings(expr)
        if len(bindings) == 1 and bindings[0].kind == "assign" and isinstance(
                bindings[0].value, ast.Call):
            return bindings[0].value
        return None

    def _loaded_model(self, expr: ast.expr) -> str:
        """`Status = apps.get_model("catalog", "Status")` in a function (a data migration):
        "catalog.Status"."""
        call = self._bound_call(expr)
        if call is None or self._name(call.func).rsplit(".", 1)[-1] != "get_model":
            return ""
        args = [a.value for a in call.args
                if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        return ".".join(args) if len(args) == len(call.args) in (1, 2) else ""

    def _table(self, expr: ast.expr) -> str:
        """`sports = sa.table("sports", ...)`: the table a local or module name holds."""
        call = self._bound_call(expr)
        if call is None or self._name(call.func).rsplit(".", 1)[-1].lower() != "table" or \
                not call.args:
            return ""
        first = call.args[0]
        return first.value.lower() if isinstance(first, ast.Constant) and isinstance(
            first.value, str) else ""

    def _value(self, expr: ast.Name | ast.Attribute, holder: str, attr: str,
               command: str) -> None:
        ref = self._class(expr)
        if ref:
            self._emit(expr, "escape", ref, command, attr, holder)

    def _call(self, call: ast.Call, holder: str, command: str) -> None:
        func = call.func
        self.skip.add(id(func))
        # the name as written (`select`, `insert`); through the imports only for an alias
        # of an insert, the one call whose module matters
        name = func.attr if isinstance(func, ast.Attribute) else \
            func.id if isinstance(func, ast.Name) else ""
        if "insert" in name.lower():
            name = self._name(func).rsplit(".", 1)[-1]
        ref = self._class(func)
        if ref:
            text = "data" if any(k.arg == "data" for k in call.keywords) and not call.args \
                and not any(k.arg == "instance" for k in call.keywords) else ""
            self._emit(call, "new", ref, command, text)
        elif holder and _own_class(self.ctx, func):
            self._emit(call, "cls-new", holder, command, self.function, holder)
        elif isinstance(func, ast.Attribute):
            self._method(call, func, command)
        if self.ctx.qualified_name(func) in _ADMIN_REGISTER:
            # The admin's add forms: rows staff add by hand (a curated table), told apart
            # from the other escapes so the project phase can weigh them (seeded.py).
            for arg in [*call.args, *(k.value for k in call.keywords)]:
                for item in arg.elts if isinstance(arg, ast.Tuple | ast.List) else [arg]:
                    if isinstance(item, ast.Name | ast.Attribute):
                        self.skip.add(id(item))
                        self._value(item, holder, ADMIN, command)
            return
        if name in _READERS or name.endswith("_or_404"):
            # `select(Role)`, `isinstance(x, Role)`: the class is read, not handed on
            for arg in [*call.args, *(k.value for k in call.keywords)]:
                for item in arg.elts if isinstance(arg, ast.Tuple) else [arg]:
                    if isinstance(item, ast.Name | ast.Attribute):
                        self.skip.add(id(item))
        elif (self.ctx.qualified_name(func) or "").split(".")[0] in _SQLA and \
                name == "insert" and call.args:
            # `insert(Sport)`; `insert(sports_table)` of a module's table, matched by its
            # name; `insert(table)` of a table computed here may be any table
            self._insert_into(call, call.args[0], command)
        elif name == "bulk_insert" and call.args:  # alembic's `op.bulk_insert(table, rows)`
            self._insert_into(call, call.args[0], command)

    def _insert_into(self, call: ast.Call, target: ast.expr, command: str) -> None:
        """`insert(Sport)`; `insert(sports)` of a table bound to `table("sports")`, or of a
        module's table object, matched by its name; any other table may be any table."""
        self.skip.add(id(target))
        bare = _untable(target)
        model = self._class(bare)
        if model:
            self._emit(call, "new", model, command)
            return
        table = self._table(bare)
        if table:
            self._emit(call, "insert-sql", table, command)
            return
        ref = class_ref(self.ctx, bare) if isinstance(bare, ast.Name | ast.Attribute) else None
        if ref:
            self._emit(call, "new", ref, command)
        else:
            self._emit(call, "insert-sql", "", command)

    def _method(self, call: ast.Call, func: ast.Attribute, command: str) -> None:
        receiver = func.value
        owner = self._class(_untable(receiver))
        if owner:  # `Tag.create(...)`, `Sport.__table__.insert()`, `Sport.from_row(...)`
            self.skip.add(id(receiver))
            kind = "new" if func.attr in CREATE_CALLS else "call"
            self._emit(call, kind, owner, command, func.attr)
            return
        if not isinstance(receiver, ast.Attribute):
            return
        manager_of = self._class(receiver.value)
        if manager_of:  # `Role.objects.<method>(...)`, `Sport.label.in_(...)`
            self.skip.add(id(receiver))
            # a create call on any attribute; any other method than a read on a manager
            # (the project's own factory) — a column's operators are no such methods
            if _creates(func.attr) or (receiver.attr in _MANAGERS
                                       and func.attr not in _READS):
                self._emit(call, "new", manager_of, command, func.attr)
            return
        if func.attr in CREATE_CALLS - {"insert", "replace"}:
            # `project.tags.create(...)`: rows of whatever model the relation holds
            self._emit(call, "rel-new", "", command, receiver.attr)

    def _sql(self, node: ast.AST, text: str, command: str) -> None:
        for found in _INSERT_SQL.finditer(text):
            table = found.group(1).strip("`\"[]")
            dynamic = not re.fullmatch(r"[\w.]+", table)
            if dynamic and not ("{" in table or "%" in table or found.end() == len(text)):
                continue  # prose ("insert into: ..."), not a statement
            self._emit(node, "insert-sql", "" if dynamic else table.rsplit(".", 1)[-1].lower(),
                       command)


def _own_class(ctx: FileContext, func: ast.expr) -> bool:
    """`cls`, `type(self)`, `self.__class__`: the class the method runs on."""
    if isinstance(func, ast.Name):
        return func.id == "cls"
    if isinstance(func, ast.Call):
        return isinstance(func.func, ast.Name) and func.func.id == "type"
    return isinstance(func, ast.Attribute) and func.attr == "__class__"


def _creates(method: str) -> bool:
    return method in CREATE_CALLS or method.startswith(("create", "bulk_create", "get_or_create",
                                                         "update_or_create", "insert"))


def _untable(expr: ast.expr) -> ast.expr:
    """`Sport.__table__` -> `Sport`."""
    if isinstance(expr, ast.Attribute) and expr.attr == "__table__":
        return expr.value
    return expr
