"""The project fact "rows of model M are only ever seeded": migrations, management or CLI
commands and seed scripts add them, and no code that can serve a request does (a lookup
table such as a list of sports or roles, which the application reads and never grows).

Joined from the per-file `CreateFact`s (creates.py) over the program model's classes. Strict
by design: a model is seeded-only when at least one seeding place adds its rows (without one,
the rows come from somewhere we do not see) and none of these is found in code that may
serve a request:
- a construction of the model or of a subclass, a create call on it or a manager method we
  do not know to only read (`Role.objects.make_defaults()`);
- a factory of one of its classes (`cls(...)`) called on the model, or defined on it;
- a create on a relation whose name may be the model's (`project.tags.create(...)`);
- the class handed on as a value (a form's or a view's `model =`, an argument of a call),
  unless the holder only reads (a list or detail view, a filter set) or is a serializer
  whose every use only reads;
- a registration with Django's admin (`admin.site.register(M)`, an inline's `model = M`)
  of a model built on a class from outside the project (`AbstractUser`: the library's own
  views may create its rows out of sight). Staff adding rows to a plain model through the
  admin's forms curate it: on the tuning half doccano's three seeded roles, registered in
  the admin, were labelled false.
- SQL text inserting into its table, or into a table the code computes.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from ..program import ClassInfo, ProgramModel
from .creates import ADMIN, CreateFact

# Holders that take `model = M` / `queryset = ...` and only read rows.
_READ_ONLY = frozenset({"ListAPIView", "RetrieveAPIView", "ReadOnlyModelViewSet",
                        "ListModelMixin", "RetrieveModelMixin", "ListView", "DetailView",
                        "ArchiveIndexView", "YearArchiveView", "MonthArchiveView",
                        "DayArchiveView", "FilterSet", "DjangoObjectType",
                        "SQLAlchemyObjectType"})
# Bases that add rows through the class they are given.
_CREATES = frozenset({"CreateAPIView", "ListCreateAPIView", "ModelViewSet", "CreateModelMixin",
                      "CreateView", "ModelAdmin", "InlineModelAdmin", "TabularInline",
                      "StackedInline", "ModelForm", "BaseModelForm", "FormView"})
_WRITE_METHODS = frozenset({"post", "create", "perform_create", "put", "form_valid"})
# Class methods named for reading rows or describing the class.
_READ_NAME = re.compile(r"^_*(get|find|select|filter|query|count|exists|all|list|search|fetch|"
                        r"where|order|with|is|has|to|serialize|check|lookup|load_by|by|"
                        r"active|visible|enabled|default_order|columns|table|schema)(_|$)")
_POSITIVE = frozenset({"migration", "command", "seed"})
# Django admin classes: the rows they add are added by staff, by hand.
_ADMIN_HOLDERS = frozenset({"ModelAdmin", "InlineModelAdmin", "TabularInline",
                            "StackedInline", "GenericTabularInline", "GenericStackedInline"})
# The one class from outside the project a plain Django model is built on.
_PLAIN_BASES = frozenset({"django.db.models.Model", "django.db.models.base.Model"})
_CLASS_FLAGS = frozenset({"new", "call", "cls-new", "escape"})


@dataclass(frozen=True)
class Seeded:
    """Why a model counts as seeded-only: the places that add its rows."""

    model: str  # the class's name
    where: tuple[tuple[str, int, str], ...]  # (path, line, seed reason) of seeding places

    def reason(self) -> str:
        path, line, why = self.where[0]
        more = f" and {len(self.where) - 1} more" if len(self.where) > 1 else ""
        return f"rows of `{self.model}` are added only by {why} code ({path}:{line}{more})"


class SeedIndex:
    def __init__(self, facts: list[CreateFact], program: ProgramModel) -> None:
        self.program = program
        # The places that name a class, by the class the program model resolves them to;
        # the others (an `apps.get_model` label, a class outside what the model resolves) by
        # the class's short name, read through `facts_for`.
        self.by_class: dict[str, list[CreateFact]] = {}
        self.by_name: dict[str, list[CreateFact]] = {}
        self.tables: dict[str, set[str]] = {}  # class qualname -> explicit table names
        self.rel_new: list[CreateFact] = []
        self.sql: list[CreateFact] = []
        self.cls_new: list[CreateFact] = []
        for fact in facts:
            if fact.kind == "table":
                self.tables.setdefault(fact.ref, set()).add(fact.text.lower())
            elif fact.kind == "rel-new":
                self.rel_new.append(fact)
            elif fact.kind == "insert-sql":
                self.sql.append(fact)
            elif fact.kind in _CLASS_FLAGS:
                if fact.kind == "cls-new":
                    self.cls_new.append(fact)
                found = None if fact.loaded else program.class_of(fact.ref)
                if found is not None:
                    self.by_class.setdefault(found.qualname, []).append(fact)
                else:
                    self.by_name.setdefault(fact.ref.rsplit(".", 1)[-1], []).append(fact)
        self._module_at = {m.path: m for m in program.modules.values()}
        self._memo: dict[str, Seeded | None] = {}

    # -- which model a query reads -----------------------------------------------------------
    def model_of(self, path: str, text: str) -> ClassInfo | None:
        """The project class whose rows `text` (a query written in `path`) lists."""
        name = query_root(text)
        module = self._module_at.get(path)
        if name is None or module is None:
            return None
        first, _, rest = name.partition(".")
        target = module.imports.get(first, f"{module.name}.{first}")
        return self.program.class_of(f"{target}.{rest}" if rest else target)

    def facts_for(self, model: ClassInfo) -> list[CreateFact]:
        """The places that may name `model`: those resolved to it; an `apps.get_model("label",
        "Name")` of its name whose label is a package on the model's module path; and, as
        evidence against seeding only (a serving place), any other unresolved reference of
        its name, which may be it: such a place can keep a finding, never drop one."""
        module = f".{model.qualname.rsplit('.', 1)[0]}."
        return [*self.by_class.get(model.qualname, []),
                *(f for f in self.by_name.get(model.name, [])
                  if not f.seed or (f.loaded and f".{f.ref.rsplit('.', 1)[0]}." in module))]

    # -- the fact ----------------------------------------------------------------------------
    def seeded(self, model: ClassInfo) -> Seeded | None:
        if model.qualname not in self._memo:
            self._memo[model.qualname] = self._seeded(model)
        return self._memo[model.qualname]

    def _seeded(self, model: ClassInfo) -> Seeded | None:
        name = model.name
        ancestors = {c.qualname for c in self.program.mro(model)}
        tables = self.tables.get(model.qualname, set())
        positive: list[tuple[str, int, str]] = []
        for fact in self.facts_for(model):
            if fact.kind == "cls-new":
                continue  # judged below with the factories of the ancestors
            adds = self._adds(fact, model)
            if adds and fact.seed in _POSITIVE:
                positive.append((fact.path, fact.line, fact.seed))
            elif adds and not fact.seed:
                return None
        for fact in self.cls_new:
            if fact.seed or fact.holder not in ancestors:
                continue
            # `cls(...)` on the model itself, or a factory of a base the model is given to
            if fact.holder == model.qualname or any(
                    f.kind == "call" and f.text == fact.text and not f.seed
                    for f in self.facts_for(model)):
                return None
        for fact in self.rel_new:
            if not fact.seed and _relation_may_hold(fact.text, name):
                return None
        for fact in self.sql:
            hits = not fact.ref or fact.ref in tables or _table_may_be(fact.ref, name)
            if hits and fact.seed in _POSITIVE and fact.ref:
                positive.append((fact.path, fact.line, fact.seed))
            elif hits and not fact.seed:
                return None
        # a subclass's rows are the model's rows too (Django multi-table inheritance, proxies)
        for sub in self.program.classes.values():
            if sub is not model and model in self.program.mro(sub):
                for fact in self.facts_for(sub):
                    if fact.kind == "new" and not fact.seed:
                        return None
        if not positive:
            return None
        return Seeded(name, tuple(sorted(set(positive))))

    def _adds(self, fact: CreateFact, model: ClassInfo, depth: int = 0) -> bool:
        """Whether the place may add rows of `model` (or, for a serializer, of its model)."""
        if fact.kind == "call":
            # `Hero.model_validate(data)`, `Tag.from_dict(d)`: a class method that may build
            # an instance; one named for a read (`Sport.get_by_label(x)`) does not
            return not _READ_NAME.match(fact.text)
        if fact.kind == "new":
            return True
        # an escape: the class handed on
        if fact.text == ADMIN:
            return not self._plain(model)
        holder = self.program.class_of(fact.holder) if fact.holder else None
        if holder is None:
            return True
        names, methods = self._ancestry(holder)
        if names & _ADMIN_HOLDERS and not names & (_CREATES - _ADMIN_HOLDERS):
            return not self._plain(model)  # an admin inline's `model =`
        if any(n.endswith("Serializer") for n in names) and fact.text == "model":
            # a serializer of the model: it adds rows where something saves it
            return depth < 2 and any(self._saves(f, depth + 1)
                                     for f in self.facts_for(holder) if not f.seed)
        return not self._reads_only(names, methods)

    def _plain(self, model: ClassInfo) -> bool:
        """Built only on project classes and Django's `Model`: no library class whose own
        code (a sign-up view creating users) may add its rows out of sight."""
        for cls in self.program.mro(model):
            for base in cls.bases:
                if self.program.class_of(base) is None and base not in _PLAIN_BASES:
                    return False
        return True

    def _saves(self, fact: CreateFact, depth: int) -> bool:
        """A use of a serializer class that may save it: `S(data=...)`, or the class
        handed to a view that creates."""
        if fact.kind == "new":
            return fact.text == "data"
        if fact.kind != "escape":
            return False
        holder = self.program.class_of(fact.holder) if fact.holder else None
        if holder is None:
            return True
        names, methods = self._ancestry(holder)
        if any(n.endswith("Serializer") for n in names):
            return False  # nested in another serializer: read (a writable nest creates itself)
        return not self._reads_only(names, methods)

    def _ancestry(self, cls: ClassInfo) -> tuple[set[str], set[str]]:
        order = self.program.mro(cls)
        names = {c.name for c in order} | {b.rsplit(".", 1)[-1] for c in order for b in c.bases}
        methods = {m for c in order for m in c.methods}
        return names, methods

    @staticmethod
    def _reads_only(names: set[str], methods: set[str]) -> bool:
        return bool(names & _READ_ONLY) and not names & _CREATES and not methods & _WRITE_METHODS


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _stem(text: str) -> str:
    text = _norm(text)
    for suffix in ("set", "es", "s"):
        if text.endswith(suffix) and len(text) > len(suffix) + 2:
            return text[:-len(suffix)]
    return text


def _relation_may_hold(relation: str, model: str) -> bool:
    """`tags` / `tag_set` / `project_tags` may hold `Tag` rows: the relation's name ends
    with the model's, or the model's with the relation's (`members` of `ProjectMember`)."""
    rel, mine = _stem(relation), _norm(model)
    return len(rel) >= 3 and (rel.endswith(mine) or mine.endswith(rel))


def _table_may_be(table: str, model: str) -> bool:
    """A table name that may be the model's by the usual defaults (`sports`,
    `equipment_types`, `roles_role`)."""
    return _relation_may_hold(table, model)


def query_root(text: str) -> str | None:
    """The class a query lists, as written: `Sport` of `Sport.query.order_by(...).all()`,
    `Role.objects.all()`, `db.session.query(Sport).all()`, `select(Sport)`."""
    compact = " ".join(re.sub(r"\\\s*\n", " ", text).split())
    try:
        tree = ast.parse(compact, mode="eval")
    except SyntaxError:
        return None
    node: ast.AST = tree.body
    while True:
        if isinstance(node, ast.Await):
            node = node.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in ("query", "select", "scalars", "execute") and node.args:
                inner = query_root(ast.unparse(node.args[0]))
                if inner is not None:
                    return inner
            node = node.func.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in ("select", "query") and node.args:
                return query_root(ast.unparse(node.args[0]))
            return None
        elif isinstance(node, ast.Attribute) and node.attr in ("objects", "query",
                                                               "_default_manager"):
            return _dotted(node.value)
        elif isinstance(node, ast.Attribute | ast.Subscript):
            node = node.value
        else:
            dotted = _dotted(node)
            return dotted if dotted and dotted.rsplit(".", 1)[-1][:1].isupper() else None


def _dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id if node.id[:1].isupper() else None
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value) if not isinstance(node.value, ast.Name) else node.value.id
        return f"{inner}.{node.attr}" if inner and node.attr[:1].isupper() else None
    return None
