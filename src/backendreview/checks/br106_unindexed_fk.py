"""BR106 unindexed-foreign-key: a SQLAlchemy foreign key column with no index.

PostgreSQL and SQLite do not index the referencing side of a foreign key; joins from the
parent, `relationship()` loads and `ON DELETE` checks then scan the child table. A column is
covered by `index=True`, `unique=True`, `primary_key=True`, or an `Index` /
`UniqueConstraint` / `PrimaryKeyConstraint` whose first column it is (in `__table_args__`,
in the same `Table(...)`, or a module-level `Index(...)`). Django indexes ForeignKey columns
itself, so only SQLAlchemy (and Flask-SQLAlchemy, SQLModel) models are checked. MySQL and
MariaDB (InnoDB) index a foreign key column themselves when the constraint is created, so a
project whose only configured database URLs are MySQL/MariaDB ones gets no finding.
"""

from __future__ import annotations

import ast
import re
from typing import ClassVar, NamedTuple

from ..analysis.paths import never_serves
from ..analysis.program import CLASSES, ProgramModel, program_of
from ..analysis.rewrite import with_keyword
from ..model import Edit, Fix, Span
from .base import ProjectRule, Rule
from .br102_n_plus_one import skipped_path

_COLUMN_CALLS = frozenset({"Column", "mapped_column"})
_COVERING = frozenset({"Index", "UniqueConstraint", "PrimaryKeyConstraint"})
_TRUE_KEYWORDS = ("index", "unique", "primary_key")
_ORM_MODULES = ("sqlalchemy", "flask_sqlalchemy", "sqlmodel", "alembic")
# A database URL in the code: a default in settings, `create_engine("...")`, an env fallback.
_DATABASE_URL = re.compile(r"""['"](mysql|mariadb|postgres(?:ql)?|sqlite|oracle|mssql"""
                           r"""|cockroachdb)(?:\+\w+)?://""", re.IGNORECASE)
_INDEXES_FOREIGN_KEYS = frozenset({"mysql", "mariadb"})


def _qualname(ctx, node: ast.ClassDef) -> str:  # type: ignore[no-untyped-def]
    """The dotted name the program model gives the class (module, enclosing defs, name)."""
    names = [node.name]
    for anc in ctx.semantic.ancestors(node):
        if isinstance(anc, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            names.append(anc.name)
    return ".".join([ctx.module, *reversed(names)])


def _tablename(node: ast.ClassDef) -> str | None:
    for stmt in node.body:
        if isinstance(stmt, ast.Assign | ast.AnnAssign) and isinstance(
                stmt.value, ast.Constant) and isinstance(stmt.value.value, str) and any(
                isinstance(t, ast.Name) and t.id == "__tablename__"
                for t in (stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target])):
            return stmt.value.value
    return None


def _declared_columns(columns: list[tuple[str, ast.Call]]) -> tuple[str, ...]:
    """The columns a class body declares itself, by attribute and by explicit column name
    (`org_id = mapped_column("org", ...)`): one that re-declares a mixin's column replaces it."""
    names = {name for name, _ in columns}
    names |= {ref for _, call in columns if call.args and isinstance(call.args[0], ast.Constant)
              for ref in [_column_ref(call.args[0])] if ref}
    return tuple(sorted(names))


def _parent_table(fk: ast.Call) -> str | None:
    """The table a `ForeignKey("table.column")` references (schema left off)."""
    if fk.args and isinstance(fk.args[0], ast.Constant) and isinstance(fk.args[0].value, str):
        parts = fk.args[0].value.split(".")
        return parts[-2] if len(parts) >= 2 else None
    return None


def _callee(node: ast.AST) -> str | None:
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name):
            return func.id
        if isinstance(func, ast.Attribute):
            return func.attr
    return None


def _column_ref(node: ast.expr) -> str | None:
    """`"user_id"`, `Post.user_id`, `Post.__table__.c.user_id`, `column("user_id")`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Call) and node.args:
        return _column_ref(node.args[0])
    return None


class UnindexedForeignKey(Rule):
    id = "BR106"
    # No import prefilter: settings modules that name the database import nothing.

    OPTIONS: ClassVar[dict[str, type]] = {"include-migrations": bool}

    def __init__(self, ctx, doc) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx, doc)
        self._module_covered: set[str] | None = None
        # a migration's tables are history: the index belongs on the model and a new migration
        self.skip = skipped_path(ctx.path, True, self.option("include-migrations", False))
        self.orm = any(ctx.semantic.is_imported(m) for m in _ORM_MODULES)

    def _is_sqlalchemy(self, call: ast.Call, names: frozenset[str]) -> bool:
        if _callee(call) not in names:
            return False
        qualified = self.ctx.qualified_name(call.func) or ""
        # `Column` from sqlalchemy, or `db.Column` on a Flask-SQLAlchemy object
        return qualified.startswith(("sqlalchemy", "sqlmodel")) or isinstance(
            call.func, ast.Attribute)

    def _module_indexes(self) -> set[str]:
        if self._module_covered is None:
            covered: set[str] = set()
            for stmt in self.ctx.tree.body:
                value = stmt.value if isinstance(stmt, ast.Assign | ast.Expr) else None
                if isinstance(value, ast.Call) and _callee(value) == "Index":
                    first = next((a for a in value.args[1:]), None)
                    ref = _column_ref(first) if first is not None else None
                    if ref:
                        covered.add(ref)
            self._module_covered = covered
        return self._module_covered

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        if self.skip:
            return
        covered = set(self._module_indexes())
        columns: list[tuple[str, ast.Call]] = []
        table: str | None = None
        abstract = False
        args_cover: set[str] | None = None  # what its own `__table_args__` indexes
        opaque = False  # `__table_args__` built where we cannot read it
        for stmt in node.body:
            if isinstance(stmt, ast.FunctionDef) and stmt.name == "__tablename__":
                # `@declared_attr def __tablename__(cls): return "rbac_user_role"`
                names = {r.value.value if isinstance(r.value, ast.Constant) else None
                         for r in ast.walk(stmt) if isinstance(r, ast.Return)}
                if len(names) == 1 and isinstance(next(iter(names)), str):
                    table = next(iter(names))
                continue
            if isinstance(stmt, ast.FunctionDef) and stmt.name == "__table_args__":
                args_cover = self._returned_cover(stmt)  # declared_attr
                opaque = args_cover is None
                continue
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(
                    stmt.targets[0], ast.Name):
                name, value = stmt.targets[0].id, stmt.value
            elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                name, value = stmt.target.id, stmt.value
            else:
                continue
            if name == "__tablename__" and isinstance(value, ast.Constant) and isinstance(
                    value.value, str):
                table = value.value
                continue
            if name == "__abstract__":
                abstract = isinstance(value, ast.Constant) and value.value is True
                continue
            if name == "__table_args__" and value is not None:
                if not isinstance(value, ast.Tuple | ast.List | ast.Dict):
                    opaque = True  # built by a helper: indexes we cannot see
                    continue
                args_cover = self._covered_in(value)
                continue
            if self.orm and isinstance(value, ast.Call) and self._is_sqlalchemy(
                    value, _COLUMN_CALLS):
                columns.append((name, value))
        # A mixin's columns are copied into every table class that inherits it (abstract
        # declarative bases and plain classes alike): which of those tables index them is
        # asked in the project phase, through the class hierarchy.
        mixin = abstract or (table is None and not node.bases)
        qualname = _qualname(self.ctx, node)
        if table is not None or abstract or args_cover is not None or opaque:
            self.ctx.emit_fact("br106_class", (qualname, table, abstract, opaque,
                                               tuple(sorted(args_cover or ())),
                                               args_cover is not None,
                                               tuple(sorted(covered)),
                                               _declared_columns(columns)))
        if opaque:
            return  # its own columns: indexes we cannot see
        covered |= args_cover or set()
        for name, call in columns:
            self._check(name, call, covered, f"{node.name}.{name}", table,
                        qualname if mixin else None)

    def _returned_cover(self, func: ast.FunctionDef) -> set[str] | None:
        """What a computed `__table_args__` (`@declared_attr`) indexes whichever branch
        returns: the columns every returned tuple covers; None when a return is not a
        literal tuple, list or dict we can read."""
        cover: set[str] | None = None
        for sub in ast.walk(func):
            if isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) and \
                    sub is not func:
                return None  # nested definitions: returns we would mix up
            if isinstance(sub, ast.Return):
                if not isinstance(sub.value, ast.Tuple | ast.List | ast.Dict):
                    return None
                here = self._covered_in(sub.value)
                cover = here if cover is None else cover & here
        return cover

    def visit_Call(self, node: ast.Call) -> None:
        if not self.orm:
            return
        if self.skip:
            self._migration_index(node)
            return
        if _callee(node) == "relationship":
            self._secondary(node)
            return
        # Table("post_tags", metadata, Column("post_id", ForeignKey(...)), Index(...))
        if _callee(node) != "Table" or (not (self.ctx.qualified_name(node.func) or "").startswith(
                "sqlalchemy") and not isinstance(node.func, ast.Attribute)):
            return
        covered = self._covered_in(ast.Tuple(elts=list(node.args), ctx=ast.Load()))
        covered |= self._module_indexes()
        table = node.args[0].value if node.args and isinstance(node.args[0], ast.Constant) \
            else "table"
        parent = self.ctx.semantic.parent(node)
        if table != "table" and isinstance(parent, ast.Assign) and len(parent.targets) == 1 \
                and isinstance(parent.targets[0], ast.Name) and \
                self.ctx.semantic.parent(parent) is self.ctx.tree:
            # what `relationship(secondary=post_tags)` names, from any module
            self.ctx.emit_fact("br106_table_ref",
                               (f"{self.ctx.module}.{parent.targets[0].id}", table))
        parents = sorted({_parent_table(fk) for arg in node.args if isinstance(arg, ast.Call)
                          for fk in arg.args if isinstance(fk, ast.Call)
                          and _callee(fk) == "ForeignKey"} - {None})
        if table != "table":
            self.ctx.emit_fact("br106_table_parents", (table, tuple(parents)))
        for arg in node.args:
            if isinstance(arg, ast.Call) and self._is_sqlalchemy(arg, _COLUMN_CALLS):
                name = _column_ref(arg.args[0]) if arg.args else None
                if name:
                    self._check(name, arg, covered, f"{table}.{name}",
                                table if table != "table" else None)

    def _secondary(self, call: ast.Call) -> None:
        """`relationship(secondary=assoc)`: which table's class it is declared on, and
        whether a `backref` makes it navigable from the other side too."""
        value = next((k.value for k in call.keywords if k.arg == "secondary"), None)
        if value is None:
            return
        if isinstance(value, ast.Lambda):
            value = value.body  # `secondary=lambda: post_tags`, the lazy form
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            key = ("name", value.value.split(".")[-1])
        else:
            ref = self.ctx.qualified_name(value)
            if ref is None and isinstance(value, ast.Name):
                scope, bindings = self.ctx.semantic.lookup(value.id, value)
                if scope is self.ctx.semantic.module_scope and bindings:
                    ref = f"{self.ctx.module}.{value.id}"
            key = ("ref", ref or "")
        cls = self.ctx.semantic.enclosing_class(call)
        declared_on = _tablename(cls) if cls is not None else None
        if any(k.arg in ("primaryjoin", "secondaryjoin") for k in call.keywords):
            declared_on = None  # joined on columns of its own choosing: no side told
        backref = any(k.arg == "backref" and not (
            isinstance(k.value, ast.Constant) and k.value.value is None) for k in call.keywords)
        self.ctx.emit_fact("br106_secondary", (key, declared_on, backref))

    def visit_Attribute(self, node: ast.Attribute) -> None:
        # `assoc.c.tag_id`: a query names an association table's column itself
        if isinstance(node.value, ast.Attribute) and node.value.attr in ("c", "columns"):
            self.ctx.emit_fact("br106_column_use", node.attr)

    def end_file(self) -> None:
        # Which databases the project is configured for (test settings and tests excluded:
        # they often run on SQLite whatever production uses).
        # Every file is searched (settings modules that name the database import nothing),
        # so the case-insensitive pattern runs only on text that holds a URL at all.
        if self.skip and self.ctx.semantic.is_imported("alembic"):
            self.ctx.emit_fact("br106_alembic", True)
        if "://" in self.ctx.text and not never_serves(self.ctx.policy_path):
            for match in _DATABASE_URL.finditer(self.ctx.text):
                dialect = match.group(1).lower()
                self.ctx.emit_fact("br106_dialect",
                                   "postgresql" if dialect.startswith("postgres") else dialect)

    def _covered_in(self, value: ast.expr) -> set[str]:
        out: set[str] = set()
        items = value.elts if isinstance(value, ast.Tuple | ast.List) else [value]
        for item in items:
            if isinstance(item, ast.Call) and _callee(item) in _COVERING:
                args = item.args[1:] if _callee(item) == "Index" else item.args
                if args:
                    ref = _column_ref(args[0])
                    if ref:
                        out.add(ref)
        return out

    def _string(self, node: ast.expr) -> str | None:
        """A string literal, or a module constant bound to one (`TABLE = "logs"`)."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.Name):
            values = {b.value.value for b in self.ctx.reaching_bindings(node)
                      if isinstance(b.value, ast.Constant) and isinstance(b.value.value, str)}
            return values.pop() if len(values) == 1 else None
        return None

    def _migration_index(self, call: ast.Call) -> None:
        """Indexes that migrations create (the model may not say): `op.create_index(name,
        table, [cols])`, project helpers like `create_index(table, name, [cols])`, and
        `op.create_table(table, Column(..., index=True), Index(name, col))`."""
        callee = _callee(call)
        if callee == "create_index":
            strings = [v for v in (self._string(a) for a in call.args) if v]
            strings += [k.value.value for k in call.keywords if k.arg == "table_name"
                        and isinstance(k.value, ast.Constant)]
            cols = next((a for a in [*call.args, *(k.value for k in call.keywords
                                                   if k.arg == "columns")]
                         if isinstance(a, ast.List | ast.Tuple)), None)
            first = _column_ref(cols.elts[0]) if cols is not None and cols.elts else None
            if first:
                for table in strings:
                    self.ctx.emit_fact("br106_index", (table, first))
        elif callee == "create_table" and call.args and isinstance(call.args[0], ast.Constant):
            table = call.args[0].value
            for arg in call.args[1:]:
                if not isinstance(arg, ast.Call):
                    continue
                if _callee(arg) == "Column" and arg.args and any(
                        k.arg in _TRUE_KEYWORDS and not (isinstance(k.value, ast.Constant)
                                                         and k.value.value in (False, None))
                        for k in arg.keywords):
                    ref = _column_ref(arg.args[0])
                    if ref:
                        self.ctx.emit_fact("br106_index", (table, ref))
                for ref in self._covered_in(ast.Tuple(elts=[arg], ctx=ast.Load())):
                    self.ctx.emit_fact("br106_index", (table, ref))

    def _check(self, name: str, call: ast.Call, covered: set[str], label: str,
               table: str | None = None, owner: str | None = None) -> None:
        fk = next((a for a in call.args if isinstance(a, ast.Call)
                   and _callee(a) == "ForeignKey"), None)
        if fk is None:
            return
        for kw in call.keywords:
            if kw.arg in _TRUE_KEYWORDS and not (
                    isinstance(kw.value, ast.Constant) and kw.value.value in (False, None)):
                return
        column_name = _column_ref(call.args[0]) if call.args and isinstance(
            call.args[0], ast.Constant) else None
        if name in covered or (column_name and column_name in covered):
            return
        target = fk.args[0].value if fk.args and isinstance(fk.args[0], ast.Constant) else (
            self.ctx.source(fk.args[0]) if fk.args else "its parent")
        # `ondelete=` says the parent's rows are deleted and this table follows them
        cascades = any(k.arg == "ondelete" for k in fk.keywords)
        span = self.ctx.span_of(call)
        # Reported in the project phase (message and fix written there): unless a migration
        # creates the index, every table a mixin's column reaches indexes it, or the column is
        # the far side of an association table only ever joined from the other side.
        self.ctx.emit_fact("br106_column", (
            self.ctx.path, span, table, column_name or name, label, target,
            self.ctx.source(call), self.ctx.source(call).split("\n")[0], owner, cascades))


def _index_fix(column: str, span: Span, note: str) -> Fix:
    """`index=True` on the column: an `index=False` there is replaced, never repeated."""
    description = f"index the foreign key column{note}"
    replacement = with_keyword(column, "index", "True")
    if replacement is None:
        return Fix(description=description)
    return Fix(description=description, suggestion=replacement,
               edits=(Edit(span, replacement),))


class UnindexedForeignKeyProject(ProjectRule):
    id = "BR106"
    OPTIONS: ClassVar[dict[str, type]] = {"include-migrations": bool}
    # a mixin's columns are judged in the tables of the classes that inherit it
    needs_facts: ClassVar[tuple[str, ...]] = (CLASSES,)

    def check(self, facts: dict[str, list]) -> None:  # type: ignore[type-arg]
        dialects = set(facts.get("br106_dialect", []))
        if dialects and dialects <= _INDEXES_FOREIGN_KEYS:
            return  # InnoDB indexes every foreign key column itself
        self.indexed = {(t.split(".")[-1], c) for t, c in facts.get("br106_index", [])}
        self.alembic = bool(facts.get("br106_alembic"))
        self.postgres = "postgresql" in dialects
        classes = {c[0]: _ClassFact(*c) for c in facts.get("br106_class", [])}
        associations = _Associations(facts)
        program = None
        for (path, span, table, column, label, target, source, snippet, owner,
             cascades) in facts.get("br106_column", []):
            if table and (table.split(".")[-1], column) in self.indexed:
                continue
            if owner is None and table and associations.far_side_only(
                    table, column, target, cascades):
                continue
            tables: list[tuple[str, str | None]] = []  # a mixin's unindexed (class, table)
            partly = False
            if owner is not None:
                program = program or program_of(facts)
                heirs = _table_heirs(program, owner, column, classes, self.indexed)
                if heirs:
                    tables = [(q, t) for q, t, ok in heirs if not ok]
                    if not tables:
                        continue  # every table that inherits the column indexes it
                    partly = len(tables) < len(heirs)
            message = (f"foreign key column `{label}` (references {target}) has no index: joins "
                       f"and deletes from the parent scan this table; add `index=True`")
            if partly:
                # `index=True` on the mixin would give the other tables a second index
                where = ", ".join(f"`{q.rsplit('.', 1)[-1]}`" + (f" ({t})" if t else "")
                                  for q, t in tables)
                message = (f"foreign key column `{label}` (references {target}) has no index "
                           f"in {where}, which inherit it: joins and deletes from the parent "
                           f"scan those tables; index it in their `__table_args__`")
                fix = Fix(description="index the column in the `__table_args__` of "
                          + "; ".join(_table_args_hint(q, t, column) for q, t in tables))
            else:
                fix = _index_fix(source, span, self._migration_note(table, column))
            self.report(path, span, message, fix=fix, snippet=snippet.strip())

    def _migration_note(self, table: str | None, column: str) -> str:
        """What the model's `index=True` does not do: create the index in a database that
        already has the table."""
        # a large PostgreSQL table is locked against writes while a plain index builds
        large = (" (on a large PostgreSQL table with `postgresql_concurrently=True`, inside "
                 "`op.get_context().autocommit_block()`)") if self.postgres else ""
        if self.alembic and table:
            name = f"ix_{table.split('.')[-1]}_{column}"
            return (f"; existing databases get it only from a new Alembic revision: "
                    f"`op.create_index(\"{name}\", \"{table.split('.')[-1]}\", "
                    f"[\"{column}\"])`{large}")
        if self.alembic:
            return f"; existing databases get it only from a new Alembic revision{large}"
        return ("; a database that already has the table gets the index only from a "
                "migration (`create_all()` skips existing tables)")


def _table_args_hint(qualname: str, table: str | None, column: str) -> str:
    name = f"ix_{table}_{column}" if table else f"ix_{column}"
    return f"`{qualname.rsplit('.', 1)[-1]}`: `Index(\"{name}\", \"{column}\")`"


class _ClassFact(NamedTuple):
    """A model class as its file tells it (the `br106_class` fact)."""

    qualname: str
    table: str | None
    abstract: bool
    opaque: bool  # `__table_args__` built where we cannot read it
    args_cover: tuple[str, ...]  # first columns of its own `__table_args__` indexes
    defines_args: bool
    module_cover: tuple[str, ...]  # first columns of its module's `Index(...)` statements
    declares: tuple[str, ...] = ()  # columns its own body declares (judged there)


def _table_heirs(program: ProgramModel, owner: str, column: str,
                 classes: dict[str, _ClassFact], indexed: set[tuple[str, str]]
                 ) -> list[tuple[str, str | None, bool]]:
    """The table classes of the project that inherit the mixin `owner` (through the class
    hierarchy, across modules), each with whether its table indexes `column`: (class,
    table, indexed); empty when none is found (then the mixin is judged alone)."""
    heirs: list[tuple[str, str | None, bool]] = []
    for qualname in sorted(classes):
        fact = classes[qualname]
        cls = program.classes.get(qualname)
        if fact.table is None or cls is None or qualname == owner:
            continue
        order = program.mro(cls)
        if not any(c.qualname == owner for c in order[1:]):
            continue
        if column in fact.declares:
            continue  # re-declared there: that column is judged on its own line
        ok = column in fact.module_cover or (fact.table.split(".")[-1], column) in indexed
        # the `__table_args__` the class gets: the first class of its MRO that sets one
        # (one we cannot read counts as indexing it: we do not say what we cannot see)
        args = next((f for f in (classes.get(c.qualname) for c in order)
                     if f is not None and (f.defines_args or f.opaque)), None)
        if args is not None:
            ok = ok or args.opaque or column in args.args_cover
        heirs.append((qualname, fact.table, ok))
    return heirs


class _Associations:
    """Association tables (`relationship(secondary=...)`) and which side they are joined
    from."""

    def __init__(self, facts: dict[str, list]) -> None:  # type: ignore[type-arg]
        self.refs: dict[str, set[str]] = {}
        for ref, table in facts.get("br106_table_ref", []):
            self.refs.setdefault(table, set()).add(ref)
        self.secondaries: list[tuple[tuple[str, str], str | None, bool]] = [
            (tuple(k), d, b) for k, d, b in facts.get("br106_secondary", [])]
        self.used = set(facts.get("br106_column_use", []))
        # A relationship through a table we cannot name (`metadata.tables["x"]`,
        # `Model.__table__`, a name re-exported from where the Table is assigned) may be the
        # way back through any of them: then no column is told a far side.
        known = {ref for refs in self.refs.values() for ref in refs}
        self.unknown = any(kind == "ref" and key not in known
                           for (kind, key), _, _ in self.secondaries)
        self.parents: dict[str, set[str]] = {}
        for table, parents in facts.get("br106_table_parents", []):
            self.parents.setdefault(table, set()).update(parents)

    def far_side_only(self, table: str, column: str, target: str, cascades: bool) -> bool:
        """Whether `column` of the association table is only ever reached through the
        parent's primary key: every relationship through the table is declared on a class
        of another table than the one `column` references, none has a `backref`, no query
        names `table.c.column`, and its foreign key has no `ondelete` (which says the parent
        rows are deleted, a scan of this table each time)."""
        if cascades or self.unknown or column in self.used:
            return False
        name = table.split(".")[-1]
        refs = self.refs.get(table, set())
        through = [(d, b) for (kind, key), d, b in self.secondaries
                   if (kind == "name" and key == name) or (kind == "ref" and key in refs)]
        parent = target.split(".")[-2] if target.count(".") >= 1 else None
        # declared on the class of the table another column of this one references
        near = self.parents.get(table, set()) - {parent}
        return bool(through) and parent is not None and all(
            d is not None and d.split(".")[-1] in near and not b for d, b in through)


RULES = (UnindexedForeignKey, UnindexedForeignKeyProject)
