"""BR201 across files: a password handed to a model that hashes it is not stored in plaintext.

Real user models hash in the model, not at the call site: a property or SQLAlchemy synonym
whose setter hashes (`password = db.synonym("_password", descriptor=property(get, set))`), a
`@validates("password")` method, a `save()` override, a mapper event
(`listen(User, "before_insert", hash_password)`), a pydantic validator on the input schema.
The file that assigns `user.password = form.password.data` seldom sees any of it.

So the file half of BR201 records, per class, which password attributes it hashes and which
it declares as plain columns (`PasswordClass`), and the hooks a module attaches to a class
(`PasswordHook`); a store finding on a model is emitted as a `DeferredStore` naming the model
class when the file can tell it. The project half looks the class up in the program model and
walks its MRO: any class on it that hashes the attribute (or hashes on every save) clears the
finding. When the file cannot tell the class (`current_user`, `self.users.query.get(...)`),
the finding is cleared only if every project model declaring that attribute hashes it.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, ClassVar

from ..analysis.program import CALLS as PROGRAM_CALLS
from ..analysis.program import (
    ClassInfo,
    FunctionInfo,
    ProgramModel,
    definition_ref,
    program_of,
)
from ..analysis.program.paramflow import HandOn
from ..analysis.values import ValueTracker, constant_str, is_password_name
from ..model import Finding, Related, Span
from .base import ProjectRule
from .br201_calls import CALLS, FORWARDS, STORES, PasswordUse, check_calls
from .br201_hashing import (
    HASH_FORWARDS,
    HashingSummaries,
    callee_name,
    hashes,
    record_hand_ons,
)
from .br201_serializers import (
    SERIALIZERS,
    has_password,
    overridden_in_bases,
    writing_view,
)
from .br201_serializers import explained as serializer_finding
from .br201_spreads import SPREADS, SpreadStore
from .br201_spreads import worded as spread_finding

if TYPE_CHECKING:
    from ..context import FileContext

CLASSES = "br201_classes"
HOOKS = "br201_hooks"
DEFERRED = "br201_deferred"

EVERY = "*"  # hashed on every write of the row (save(), __setattr__, before_insert)
ON_INIT = "(init)"  # hashed by the constructor only

_VALIDATOR_DECORATORS = frozenset({"validates", "field_validator", "validator"})
_WRITE_HOOK_METHODS = frozenset({"save", "__setattr__", "pre_save", "before_save"})
_MAPPER_EVENTS = frozenset({"before_insert", "before_update", "pre_save", "init"})
_PROPERTY_CALLS = frozenset({"property", "hybrid_property"})


@dataclass(frozen=True)
class PasswordClass:
    """Password attributes of one class: those its own code hashes on the way in (a setter,
    a validator; EVERY / ON_INIT for save() / __init__ hooks) and those it declares plain."""

    qualname: str
    hashes: tuple[str, ...] = ()
    stores: tuple[str, ...] = ()
    model: bool = False  # an ORM model class (for the closed-world check)
    path: str = ""
    # (attribute, def line of the method) for a setter / validator / __init__ that hashes
    # nothing itself but hands its value on: hashing if a callee hashes it (br201_hashing).
    through_calls: tuple[tuple[str, int], ...] = ()
    # (attribute, dotted reference) of a project function an attrs converter names.
    converters: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class PasswordHook:
    """A module-level listener that hashes passwords of a class defined elsewhere."""

    class_ref: str
    attr: str  # the attribute, or EVERY for a mapper / pre_save hook


@dataclass(frozen=True)
class DeferredStore:
    """A store finding reported unless the model (or the input schema) hashes the value."""

    finding: Finding
    model_ref: str | None  # the model class, when the file can tell it
    attr: str  # the model attribute written
    constructor: bool = False  # written by the constructor / create(): __init__ counts
    source_ref: str | None = None  # the input schema whose field the value is
    source_attr: str = ""
    # The write builds an instance (constructor, create()), so the model's own hashing runs;
    # a queryset update() or Core insert() writes the column past it.
    through_instance: bool = True


def class_qualname(ctx: FileContext, node: ast.ClassDef) -> str:
    names = [node.name]
    for anc in ctx.semantic.ancestors(node):
        if isinstance(anc, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            names.append(anc.name)
    return ".".join([ctx.module, *reversed(names)])


def password_class(ctx: FileContext, values: ValueTracker, node: ast.ClassDef,
                   is_model_class: Callable[[ast.ClassDef], bool]) -> PasswordClass | None:
    """What the class hashes or stores of a password; `is_model_class` is asked only of a
    class that does either (most classes do neither)."""
    methods = {s.name: s for s in node.body
               if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef)}
    hashed: set[str] = set()
    stored: set[str] = set()
    pending: set[tuple[str, int]] = set()
    converters: set[tuple[str, str]] = set()
    fields: set[str] = set()

    def vouch(method: ast.FunctionDef | ast.AsyncFunctionDef, attrs: set[str]) -> None:
        """The method hashes what it is given for `attrs`: itself, or (decided in the
        project phase) through the calls it hands the value to."""
        if hashes(values, method):
            hashed.update(attrs)
        elif record_hand_ons(ctx, method):
            pending.update((attr, method.lineno) for attr in attrs)

    for stmt in node.body:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            # What this method would vouch for if it hashes; the body is walked only then,
            # because most methods of most classes vouch for nothing.
            vouches: set[str] = set()
            for dec in stmt.decorator_list:
                if isinstance(dec, ast.Attribute) and dec.attr == "setter" and isinstance(
                        dec.value, ast.Name) and is_password_name(dec.value.id):
                    vouches.add(dec.value.id)  # @password.setter
                elif isinstance(dec, ast.Call) and callee_name(dec) in _VALIDATOR_DECORATORS:
                    vouches.update(s for s in (constant_str(a) for a in dec.args)
                                   if s and is_password_name(s))
            if stmt.name in _WRITE_HOOK_METHODS:
                vouches.add(EVERY)
            elif stmt.name == "__init__":
                vouches.add(ON_INIT)
            if vouches:
                vouch(stmt, vouches)
        elif isinstance(stmt, ast.Assign | ast.AnnAssign):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for target in targets:
                if not isinstance(target, ast.Name) or not is_password_name(target.id):
                    continue
                setter = _descriptor_setter(stmt.value, methods) if stmt.value else None
                if setter is not None:
                    vouch(setter, {target.id})
                elif (converter := _converter(stmt.value)) is not None:
                    if hashes(values, ast.Call(func=converter, args=[], keywords=[])):
                        hashed.add(target.id)
                    elif ref := definition_ref(ctx, converter):
                        converters.add((target.id, ref))
                elif not target.id.startswith("_"):
                    stored.add(target.id)
                    if isinstance(stmt, ast.AnnAssign):
                        fields.add(target.id)
    may_hash = bool(hashed or pending or converters)
    if not may_hash and not stored:
        return None
    is_model = is_model_class(node)
    if not may_hash and not is_model and not fields:
        return None  # an annotated field: a schema whose fields a model may be built from
    return PasswordClass(class_qualname(ctx, node), tuple(sorted(hashed)), tuple(sorted(stored)),
                         is_model, ctx.path, tuple(sorted(pending)), tuple(sorted(converters)))


def _descriptor_setter(value: ast.expr, methods: dict[str, ast.FunctionDef | ast.AsyncFunctionDef]
                       ) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The setter, a method of the class, of `property(get, set)` (inside a
    `synonym(..., descriptor=...)` too)."""
    for call in ast.walk(value):
        if not isinstance(call, ast.Call) or callee_name(call) not in _PROPERTY_CALLS:
            continue
        setter = call.args[1] if len(call.args) > 1 else next(
            (k.value for k in call.keywords if k.arg == "fset"), None)
        if isinstance(setter, ast.Name) and setter.id in methods:
            return methods[setter.id]
    return None


def _converter(value: ast.expr | None) -> ast.expr | None:
    """`password = attr.ib(converter=f)` / `field(converter=f)`: attrs runs `f` on every
    value the instance is given."""
    if not isinstance(value, ast.Call):
        return None
    return next((k.value for k in value.keywords if k.arg == "converter"), None)


def module_hooks(ctx: FileContext, values: ValueTracker) -> list[PasswordHook]:
    """Top-level listeners that hash: `listen(User, "before_insert", fn)`,
    `@event.listens_for(User.password, "set", retval=True)`, `pre_save.connect(fn,
    sender=User)`, `@receiver(pre_save, sender=User)`."""
    functions = {s.name: s for s in ctx.tree.body
                 if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef)}
    out: list[PasswordHook] = []
    for stmt in ctx.tree.body:
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            call = stmt.value
            handler = _hook_handler(call)
            if isinstance(handler, ast.Name) and handler.id in functions and hashes(
                    values, functions[handler.id]):
                out += _hook_targets(ctx, call)
        elif isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef) and hashes(values, stmt):
            for dec in stmt.decorator_list:
                if isinstance(dec, ast.Call) and callee_name(dec) in ("listens_for", "receiver"):
                    out += _hook_targets(ctx, dec)
    return out


def _hook_handler(call: ast.Call) -> ast.expr | None:
    name = callee_name(call)
    if name == "listen" and len(call.args) >= 3:
        return call.args[2]
    if name == "connect" and call.args:
        return call.args[0]
    return None


def _hook_targets(ctx: FileContext, call: ast.Call) -> list[PasswordHook]:
    events = {s for s in (constant_str(a) for a in call.args) if s}
    if isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name):
        events.add(call.func.value.id)  # pre_save.connect(...)
    events |= {getattr(a, "id", "") or getattr(a, "attr", "") for a in call.args}
    sender = next((k.value for k in call.keywords if k.arg == "sender"), None)
    target = sender if sender is not None else (call.args[0] if call.args else None)
    if target is None:
        return []
    if isinstance(target, ast.Attribute) and is_password_name(target.attr) and "set" in events:
        ref = definition_ref(ctx, target.value)
        return [PasswordHook(ref, target.attr)] if ref else []
    if events & _MAPPER_EVENTS:
        ref = definition_ref(ctx, target)
        return [PasswordHook(ref, EVERY)] if ref else []
    return []


class _HashingIndex:
    """Which project classes hash which password attributes, through their MRO."""

    def __init__(self, program: ProgramModel, classes: Iterable[PasswordClass],
                 hooks: Iterable[PasswordHook], summaries: HashingSummaries) -> None:
        self.program = program
        self.own: dict[str, set[str]] = {}
        self.declared: dict[str, PasswordClass] = {}
        # (class, attribute) -> the method that hands the value on and hashes nothing,
        # for the message of the finding that stands.
        self.unhashed: dict[tuple[str, str], tuple[str, int]] = {}
        self._packages: set[str] | None = None
        for fact in classes:
            own = self.own.setdefault(fact.qualname, set())
            own.update(fact.hashes)
            # A setter handing its value to a project helper that hashes it (at most
            # MAX_DEPTH calls down); an unresolved call proves nothing.
            for attr, line in fact.through_calls:
                if summaries.hashing(fact.path, line) is not None:
                    own.add(attr)
                else:
                    self.unhashed.setdefault((fact.qualname, attr), (fact.path, line))
            own.update(attr for attr, ref in fact.converters
                       if isinstance(fn := program.resolve(ref), FunctionInfo)
                       and summaries.hashing(fn.path, fn.line) is not None)
            self.declared[fact.qualname] = fact
        for hook in hooks:
            cls = program.class_of(hook.class_ref)
            if cls is not None:
                self.own.setdefault(cls.qualname, set()).add(hook.attr)

    def hashes(self, ref: str, attr: str, constructor: bool) -> bool:
        cls = self.program.class_of(ref)
        if cls is None:
            return False
        wanted = {attr, EVERY} | ({ON_INIT} if constructor else set())
        return any(self.own.get(k.qualname, set()) & wanted for k in self.program.mro(cls))

    def in_project(self, ref: str) -> bool:
        """`ref` starts with a package of the project (not a library's name)."""
        if self._packages is None:
            self._packages = {name.split(".", 1)[0] for name in self.program.modules}
        return ref.split(".", 1)[0] in self._packages

    def unhashed_setter(self, ref: str | None, attr: str) -> tuple[str, str, int] | None:
        """(class name, path, def line) of the setter of `attr` on the model's MRO that
        hands the value to calls none of which hashes it."""
        cls = self.program.class_of(ref) if ref else None
        for k in self.program.mro(cls) if cls is not None else ():
            found = self.unhashed.get((k.qualname, attr))
            if found is not None:
                return k.name, *found
        return None

    def every_model_hashes(self, attr: str, constructor: bool) -> bool:
        """Every project class declaring `attr` hashes it (and there is one): the models
        with the column, and any class whose setter or validator hashes it, model or not
        (keystone's `User` derives from a project base no file names as an ORM's)."""
        owners = [q for q, fact in self.declared.items() if (
            fact.model and attr in fact.stores) or attr in self.own.get(q, set())]
        return bool(owners) and all(self.hashes(q, attr, constructor) for q in owners)


class PlaintextPasswordThroughModels(ProjectRule):
    """The project half of BR201: store findings on a model that hashes are dropped."""

    id = "BR201"
    # The class hierarchy (`class_of`, `mro`) and, for the helpers a password is handed to
    # (check_calls), the call graph: never the effects or constants of the whole model.
    needs_facts: ClassVar[tuple[str, ...]] = (PROGRAM_CALLS,)
    one_file_ok = True

    def check(self, facts: dict[str, list[Any]]) -> None:
        deferred: list[DeferredStore] = facts.get(DEFERRED, [])
        if not deferred and not any(facts.get(k) for k in (CALLS, SERIALIZERS, SPREADS)):
            return
        program = program_of(facts)
        summaries = HashingSummaries(program, facts, facts.get(FORWARDS, []))
        index = _HashingIndex(program, facts.get(CLASSES, []), facts.get(HOOKS, []),
                              summaries)
        forwards: dict[tuple[str, int], list[HandOn]] = {}
        for hand_on in facts.get(HASH_FORWARDS, []):
            forwards.setdefault((hand_on.path, hand_on.line), []).append(hand_on)
        for item in deferred:
            if not _hashed(index, item) and not input_schema(program, item.model_ref):
                self.findings.append(_explained(index, item, forwards))

        def use_hashed(use: PasswordUse) -> bool:
            if use.kind != STORES:
                return False  # a lookup or comparison with plaintext is wrong whatever
            if input_schema(program, use.model_ref):
                return True  # a request model built, not a row stored
            return _model_hashes(index, use.model_ref, use.attr, use.constructor,
                                 use.through_instance)

        # DRF ModelSerializers writing a user's password through a writable view.
        declares = {q for q, fact in index.declared.items() if "password" in fact.stores}
        for serializer in facts.get(SERIALIZERS, []):
            view = writing_view(program, serializer)
            if view is None or overridden_in_bases(program, serializer) or not has_password(
                    program, serializer, declares) or _model_hashes(
                    index, serializer.model_ref, "password", True, True):
                continue
            self.findings.append(serializer_finding(serializer, view))

        for spread in facts.get(SPREADS, []):
            found = _spread_field(index, spread)
            if found is not None:
                self.findings.append(spread_finding(spread, *found))

        # A plaintext password handed to a helper that stores, looks up or compares it.
        self.findings += check_calls(program, facts, use_hashed)


# Bases outside the project a schema class may have; any other (an ORM's model base, a
# `db.Model` the program cannot resolve) keeps the class a possible table.
_SCHEMA_BASES = ("pydantic.", "marshmallow.")
_NEUTRAL_BASES = ("typing.", "typing_extensions.", "abc.", "enum.", "builtins.",
                  "dataclasses.", "collections.", "Generic", "object")


def input_schema(program: ProgramModel, ref: str | None) -> bool:
    """`ref` names a project class that is a request or response schema, not a stored row:
    its bases outside the project are pydantic's or marshmallow's (and neutral ones), none
    an ORM's. A `models` package of pydantic classes (`UserRequest(password=...)` handed
    to a service that hashes) reads like ORM models by its name only."""
    cls = program.class_of(ref) if ref else None
    if cls is None:
        return False
    external = [b for k in program.mro(cls) for b in k.bases
                if not isinstance(program.resolve(b), ClassInfo)]
    return any(b.startswith(_SCHEMA_BASES) for b in external) and all(
        b.startswith(_SCHEMA_BASES + _NEUTRAL_BASES) for b in external)


def _explained(index: _HashingIndex, item: DeferredStore,
               forwards: dict[tuple[str, int], list[HandOn]]) -> Finding:
    """The finding, saying which setter of the model the value goes through and which
    calls it hands the value to, none of which hashes it (as far as the project shows)."""
    found = index.unhashed_setter(item.model_ref, item.attr) if item.through_instance else None
    if found is None:
        return item.finding
    name, path, line = found
    calls = forwards.get((path, line), [])
    names = ", ".join(dict.fromkeys(f"`{h.text}`" for h in calls)) or "other calls"
    where = f"{PurePath(path).name}:{line}"
    through = (f" (through the setter `{name}.{item.attr}` ({where}), which hands it to "
               f"{names}, and nothing there hashes it)")
    mark = "without a password hash"
    message = (item.finding.message.replace(mark, mark + through, 1)
               if mark in item.finding.message else item.finding.message + through)
    related = (*item.finding.related, Related(Span(line, 1, line, 2),
                                             f"{name}.{item.attr} stores the value", path),
               *(Related(h.span, f"calls {h.text}, which does not hash it", h.path)
                 for h in calls))
    return replace(item.finding, message=message, related=related)


def _fields(index: _HashingIndex, cls: ClassInfo) -> set[str]:
    """The password fields or columns a class declares plain, through its project MRO."""
    return {attr for k in index.program.mro(cls)
            for attr in (index.declared[k.qualname].stores if k.qualname in index.declared
                         else ())}


def _spread_field(index: _HashingIndex, item: SpreadStore) -> tuple[str, str] | None:
    """(field, schema name) of a password the schema holds and the model stores as given."""
    schema = index.program.class_of(item.schema_ref)
    model = index.program.class_of(item.model_ref)
    if schema is None or model is None:
        return None  # a class the project cannot see: nothing to go on
    for field in sorted(_fields(index, schema) & _fields(index, model)):
        if not index.hashes(item.schema_ref, field, False) and not index.hashes(
                model.qualname, field, True):
            return field, schema.name
    return None


def _hashed(index: _HashingIndex, item: DeferredStore) -> bool:
    if item.source_ref and index.hashes(item.source_ref, item.source_attr, False):
        return True  # the input schema's validator hashed the field
    return _model_hashes(index, item.model_ref, item.attr, item.constructor,
                         item.through_instance)


def _model_hashes(index: _HashingIndex, model_ref: str | None, attr: str, constructor: bool,
                  through_instance: bool) -> bool:
    """The model a write goes through hashes the attribute (when the file cannot tell the
    model: every project model declaring it does)."""
    if not through_instance:
        return False
    if model_ref is not None and (index.program.class_of(model_ref) is not None
                                  or not index.in_project(model_ref)):
        return index.hashes(model_ref, attr, constructor)
    # No class, or a name of the project that names no class it can see (an alias built
    # at run time): the closed-world check. A library's class (Django's User) is no
    # project model, and its column is plain.
    return index.every_model_hashes(attr, constructor)


RULES = (PlaintextPasswordThroughModels,)
