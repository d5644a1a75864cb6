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
from typing import ClassVar

from ..analysis.paths import never_serves
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
        if self.skip or not self.orm:
            return
        covered = set(self._module_indexes())
        columns: list[tuple[str, ast.Call]] = []
        table: str | None = None
        for stmt in node.body:
            if isinstance(stmt, ast.FunctionDef) and stmt.name == "__table_args__":
                return  # computed (declared_attr): indexes we cannot see
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
            if name == "__table_args__" and value is not None:
                if not isinstance(value, ast.Tuple | ast.List | ast.Dict):
                    return  # built by a helper: indexes we cannot see
                covered |= self._covered_in(value)
                continue
            if isinstance(value, ast.Call) and self._is_sqlalchemy(value, _COLUMN_CALLS):
                columns.append((name, value))
        for name, call in columns:
            self._check(name, call, covered, f"{node.name}.{name}", table)

    def visit_Call(self, node: ast.Call) -> None:
        if not self.orm:
            return
        if self.skip:
            self._migration_index(node)
            return
        # Table("post_tags", metadata, Column("post_id", ForeignKey(...)), Index(...))
        if _callee(node) != "Table" or (not (self.ctx.qualified_name(node.func) or "").startswith(
                "sqlalchemy") and not isinstance(node.func, ast.Attribute)):
            return
        covered = self._covered_in(ast.Tuple(elts=list(node.args), ctx=ast.Load()))
        covered |= self._module_indexes()
        table = node.args[0].value if node.args and isinstance(node.args[0], ast.Constant) \
            else "table"
        for arg in node.args:
            if isinstance(arg, ast.Call) and self._is_sqlalchemy(arg, _COLUMN_CALLS):
                name = _column_ref(arg.args[0]) if arg.args else None
                if name:
                    self._check(name, arg, covered, f"{table}.{name}",
                                table if table != "table" else None)

    def end_file(self) -> None:
        # Which databases the project is configured for (test settings and tests excluded:
        # they often run on SQLite whatever production uses).
        # Every file is searched (settings modules that name the database import nothing),
        # so the case-insensitive pattern runs only on text that holds a URL at all.
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
               table: str | None = None) -> None:
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
        message = (f"foreign key column `{label}` (references {target}) has no index: joins "
                   f"and deletes from the parent scan this table; add `index=True`")
        span = self.ctx.span_of(call)
        fix = _index_fix(self.ctx.source(call), span)
        # Reported in the project phase, unless a migration creates the index anyway.
        self.ctx.emit_fact("br106_column", (self.ctx.path, span, table, column_name or name,
                                            message, fix, self.ctx.source(call).split("\n")[0]))


def _index_fix(column: str, span: Span) -> Fix:
    """`index=True` on the column: an `index=False` there is replaced, never repeated."""
    replacement = with_keyword(column, "index", "True")
    if replacement is None:
        return Fix(description="index the foreign key column")
    return Fix(description="index the foreign key column", suggestion=replacement,
               edits=(Edit(span, replacement),))


class UnindexedForeignKeyProject(ProjectRule):
    id = "BR106"
    OPTIONS: ClassVar[dict[str, type]] = {"include-migrations": bool}

    def check(self, facts: dict[str, list]) -> None:  # type: ignore[type-arg]
        dialects = set(facts.get("br106_dialect", []))
        if dialects and dialects <= _INDEXES_FOREIGN_KEYS:
            return  # InnoDB indexes every foreign key column itself
        indexed = {(t.split(".")[-1], c) for t, c in facts.get("br106_index", [])}
        for path, span, table, column, message, fix, snippet in facts.get("br106_column", []):
            if table and (table.split(".")[-1], column) in indexed:
                continue
            self.report(path, span, message, fix=fix, snippet=snippet.strip())


RULES = (UnindexedForeignKey, UnindexedForeignKeyProject)
