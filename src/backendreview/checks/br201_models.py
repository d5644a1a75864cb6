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
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from ..analysis.program import CALLS as PROGRAM_CALLS
from ..analysis.program import ProgramModel, definition_ref, program_of
from ..analysis.values import (
    HASHER_CLASSES,
    HASHER_FUNCTIONS,
    ValueTracker,
    constant_str,
    is_password_name,
)
from ..model import Finding
from .base import ProjectRule
from .br201_calls import CALLS, STORES, PasswordUse, check_calls

if TYPE_CHECKING:
    from ..context import FileContext

CLASSES = "br201_classes"
HOOKS = "br201_hooks"
DEFERRED = "br201_deferred"

EVERY = "*"  # hashed on every write of the row (save(), __setattr__, before_insert)
ON_INIT = "(init)"  # hashed by the constructor only

# A project helper named for hashing (hash_password, encrypt_password, make_password,
# generate_password_hash, set_password) or a hasher object's method (pwd_context.hash).
HASHING_CALL = re.compile(
    r"^(?:(?:get_|make_|generate_|create_)?(?:hash|encrypt|crypt)_?(?:password|pw|pwd)(?:_hash)?"
    r"|(?:make|set|generate)_password(?:_hash)?|hashpw|password_?hash)$", re.IGNORECASE)
# `pwd_context.hash(p)`: as a method only (the builtin `hash()` is no password hasher).
_HASHING_METHODS = frozenset({"hash", "encrypt"})
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


def _callee_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


# What the text of a file shows, lower-cased, wherever `hashes` can be true in it: every name
# HASHING_CALL and _HASHING_METHODS accept contains "hash", "crypt" or "passw"
# (make_password), and a library's hasher is written with the last part of its qualified
# name (at the call, or in the `from ... import` that binds it).
_HASHER_MARKS = tuple(sorted({"hash", "crypt", "passw"} | {
    name.rsplit(".", 1)[-1].lower() for name in HASHER_FUNCTIONS | HASHER_CLASSES}))


def _may_hash(ctx: FileContext) -> bool:
    """False when no code of the file can call a password hasher (exact for ASCII text; a
    non-ASCII file, whose identifiers the parser normalises, always may). Once per file:
    every class's `__init__` and `save` would be walked for one otherwise."""
    found = getattr(ctx, "_may_hash_passwords", None)
    if found is None:
        lowered = ctx.text.lower()
        found = not ctx.text.isascii() or any(mark in lowered for mark in _HASHER_MARKS)
        ctx._may_hash_passwords = found  # type: ignore[attr-defined]
    return found


def hashes(values: ValueTracker, node: ast.AST) -> bool:
    """The code under `node` calls a password hasher (a library's, or one named for it)."""
    if not _may_hash(values.ctx):
        return False
    return any(isinstance(n, ast.Call) and (
        values.is_hasher_call(n) or bool(HASHING_CALL.match(_callee_name(n)))
        or (isinstance(n.func, ast.Attribute) and n.func.attr in _HASHING_METHODS))
        for n in ast.walk(node))


def password_class(ctx: FileContext, values: ValueTracker, node: ast.ClassDef,
                   is_model_class: Callable[[ast.ClassDef], bool]) -> PasswordClass | None:
    """What the class hashes or stores of a password; `is_model_class` is asked only of a
    class that does either (most classes do neither)."""
    methods = {s.name: s for s in node.body
               if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef)}
    hashed: set[str] = set()
    stored: set[str] = set()
    for stmt in node.body:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            # What this method would vouch for if it hashes; the body is walked only then,
            # because most methods of most classes vouch for nothing.
            vouches: set[str] = set()
            for dec in stmt.decorator_list:
                if isinstance(dec, ast.Attribute) and dec.attr == "setter" and isinstance(
                        dec.value, ast.Name) and is_password_name(dec.value.id):
                    vouches.add(dec.value.id)  # @password.setter
                elif isinstance(dec, ast.Call) and _callee_name(dec) in _VALIDATOR_DECORATORS:
                    vouches.update(s for s in (constant_str(a) for a in dec.args)
                                   if s and is_password_name(s))
            if stmt.name in _WRITE_HOOK_METHODS:
                vouches.add(EVERY)
            elif stmt.name == "__init__":
                vouches.add(ON_INIT)
            if vouches and hashes(values, stmt):
                hashed.update(vouches)
        elif isinstance(stmt, ast.Assign | ast.AnnAssign):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for target in targets:
                if not isinstance(target, ast.Name) or not is_password_name(target.id):
                    continue
                if stmt.value is not None and _hashing_descriptor(values, stmt.value, methods):
                    hashed.add(target.id)
                elif not target.id.startswith("_"):
                    stored.add(target.id)
    if not hashed and not stored:
        return None
    is_model = is_model_class(node)
    if not hashed and not is_model:
        return None
    return PasswordClass(class_qualname(ctx, node), tuple(sorted(hashed)), tuple(sorted(stored)),
                         is_model)


def _hashing_descriptor(values: ValueTracker, value: ast.expr,
                        methods: dict[str, ast.FunctionDef | ast.AsyncFunctionDef]) -> bool:
    """`property(get, set)` (inside a `synonym(..., descriptor=...)` too) whose setter, a
    method of the class, hashes."""
    for call in ast.walk(value):
        if not isinstance(call, ast.Call) or _callee_name(call) not in _PROPERTY_CALLS:
            continue
        setter = call.args[1] if len(call.args) > 1 else next(
            (k.value for k in call.keywords if k.arg == "fset"), None)
        if isinstance(setter, ast.Name) and setter.id in methods and hashes(
                values, methods[setter.id]):
            return True
    return False


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
                if isinstance(dec, ast.Call) and _callee_name(dec) in ("listens_for", "receiver"):
                    out += _hook_targets(ctx, dec)
    return out


def _hook_handler(call: ast.Call) -> ast.expr | None:
    name = _callee_name(call)
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
                 hooks: Iterable[PasswordHook]) -> None:
        self.program = program
        self.own: dict[str, set[str]] = {}
        self.declared: dict[str, PasswordClass] = {}
        for fact in classes:
            self.own.setdefault(fact.qualname, set()).update(fact.hashes)
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

    def every_model_hashes(self, attr: str, constructor: bool) -> bool:
        """Every project model declaring `attr` hashes it (and there is one)."""
        owners = [q for q, fact in self.declared.items() if fact.model and (
            attr in fact.stores or attr in fact.hashes)]
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
        if not deferred and not facts.get(CALLS):
            return
        program = program_of(facts)
        index = _HashingIndex(program, facts.get(CLASSES, []), facts.get(HOOKS, []))
        for item in deferred:
            if not _hashed(index, item):
                self.findings.append(item.finding)

        def use_hashed(use: PasswordUse) -> bool:
            if use.kind != STORES:
                return False  # a lookup or comparison with plaintext is wrong whatever
            return _model_hashes(index, use.model_ref, use.attr, use.constructor,
                                 use.through_instance)

        # A plaintext password handed to a helper that stores, looks up or compares it.
        self.findings += check_calls(program, facts, use_hashed)


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
    if model_ref is not None:
        return index.hashes(model_ref, attr, constructor)
    return index.every_model_hashes(attr, constructor)


RULES = (PlaintextPasswordThroughModels,)
