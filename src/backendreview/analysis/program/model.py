"""The project-wide program model: the per-file facts joined into one index, calls resolved
through imports and the class hierarchy, and function summaries solved over the call graph.

Resolution never guesses: a dotted reference is followed through the module that defines it
(and the names that module imports, for re-exports), a method through the C3 order of the
project's own classes; anything that leads outside the project or cannot be told stays
unresolved. Summaries are the effects a function has through its own code or the functions
it calls (see facts.EFFECT_KINDS), each with the chain of calls that reaches it, solved to a
fixpoint with a worklist (recursion-safe; chains longer than MAX_DEPTH are not followed).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePath

from ...model import Related, Span
from ..mro import linearize
from ..row_bounds import passed_literal, passes_parameter, skips_bound
from .facts import (
    KEEPS,
    LIMIT,
    QUERY,
    SELF_CLASS,
    UNBOUNDED,
    CallSite,
    ClassInfo,
    ConstNeed,
    Effect,
    FunctionInfo,
    ModuleInfo,
    derived_ref,
)

MAX_DEPTH = 4  # calls followed from a function to the code that has the effect
MAX_PER_KIND = 3  # distinct origins kept per function and effect kind
_MAX_ROUNDS = 200_000  # worklist steps: a bound, never reached on real projects
# Calls a framework makes for you: `form.is_valid()` runs the form's clean methods.
_IMPLICIT = {"is_valid": ("clean",), "full_clean": ("clean",), "errors": ("clean",)}
# ... and a DRF serializer's `is_valid()` its `validate()` and `validate_<field>()` (kolibri's
# SessionViewSet.create: `CreateSessionSerializer(data=...).is_valid()` checks the password in
# the serializer's validate()). Only for a class whose hierarchy reaches DRF's serializers.
_DRF_IMPLICIT = {"is_valid": ("validate",)}
_DRF_SERIALIZERS = "rest_framework."


@dataclass(frozen=True)
class Step:
    """One call on the way from a function to an effect."""

    path: str
    line: int
    col: int
    end_line: int
    end_col: int
    text: str  # the callee as written at the call site
    callee: str  # qualname of the function called
    callee_path: str
    callee_line: int
    conditional: bool = False  # the call runs only on some paths of its caller


@dataclass(frozen=True)
class Reached:
    """An effect of a function: its own (`via` empty) or one a chain of calls leads to."""

    effect: Effect
    origin: str  # qualname of the function whose own code has the effect
    origin_path: str
    via: tuple[Step, ...] = ()

    @property
    def direct(self) -> bool:
        return not self.via

    @property
    def always(self) -> bool:
        """Every call of the chain and the effect itself run on every path."""
        return not self.effect.conditional and not any(s.conditional for s in self.via)

# Bases whose members are a fixed set of values.
_ENUM_BASES = frozenset({"Enum", "IntEnum", "StrEnum", "Flag", "IntFlag"})


class ProgramModel:
    def __init__(self, modules: Iterable[ModuleInfo]) -> None:
        self.modules: dict[str, ModuleInfo] = {}
        self.functions: dict[str, FunctionInfo] = {}
        self.classes: dict[str, ClassInfo] = {}
        self._at: dict[tuple[str, int], FunctionInfo] = {}
        modules = list(modules)
        for module in sorted(modules, key=lambda m: (not _is_package(m.path), m.path, m.name)):
            # Two files can give one dotted name (a script beside a package): a package
            # wins, as it does for Python's import system (`providers/__init__.py` over
            # `providers.py` in one directory), then the first path, the same way every run.
            self.modules.setdefault(module.name, module)
            for cls in module.classes:
                self.classes.setdefault(cls.qualname, cls)
            for fn in module.functions:
                self.functions.setdefault(fn.qualname, fn)
                self._at[(fn.path, fn.line)] = fn
        # Module files no import can reach: `pkg/providers.py` beside the package
        # `pkg/providers/`, which `import pkg.providers` loads instead.
        self._shadowed = frozenset(
            m.path for m in modules if not _is_package(m.path) and _shadows(
                self.modules[m.name].path, m.path))
        self._module_suffix: dict[str, list[str]] = {}
        for name in self.modules:
            parts = name.split(".")
            for i in range(1, len(parts)):
                self._module_suffix.setdefault(".".join(parts[i:]), []).append(name)
        self._mro: dict[str, tuple[ClassInfo, ...]] = {}
        self._subs: dict[str, list[ClassInfo]] | None = None  # see _subclasses
        self._resolved: dict[str, FunctionInfo | ClassInfo | None] = {}
        self._edges: dict[str, list[tuple[CallSite, FunctionInfo]]] = {}
        self._summary: dict[str, dict[tuple[str, str, int], Reached]] | None = None
        self._constant: dict[str, bool] = {}
        self._writers: set[str] | None = None
        self._callers: dict[str, list[FunctionInfo]] | None = None
        self._named: dict[str, list[tuple[FunctionInfo, CallSite]]] | None = None
        self._top_named: dict[str, list[tuple[ModuleInfo, CallSite]]] | None = None

    # -- the index ---------------------------------------------------------------------------
    def function_at(self, path: str, line: int) -> FunctionInfo | None:
        """The function defined at `path:line` (a route handler's def line)."""
        return self._at.get((path, line))

    def shadowed(self, path: str) -> bool:
        """The module file at `path` is dead code: a package of the same name beside it is
        what every import of its dotted name loads."""
        return path in self._shadowed

    def module_of(self, name: str) -> ModuleInfo | None:
        module = self.modules.get(name)
        if module is not None:
            return module
        found = self._module_suffix.get(name, [])
        return self.modules[found[0]] if len(found) == 1 else None

    def resolve(self, ref: str) -> FunctionInfo | ClassInfo | None:
        """The project function or class a dotted reference names, through the modules that
        define or re-export it; None when it is not the project's or cannot be told."""
        if ref not in self._resolved:
            self._resolved[ref] = None  # a cycle of re-exports resolves to nothing
            self._resolved[ref] = self._resolve(ref, 0)
        return self._resolved[ref]

    def _resolve(self, ref: str, depth: int) -> FunctionInfo | ClassInfo | None:
        if depth > 8 or not ref:
            return None
        found = self.functions.get(ref) or self.classes.get(ref)
        if found is not None:
            return found
        parts = ref.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            module = self.module_of(".".join(parts[:cut]))
            if module is None:
                continue
            rest = parts[cut:]
            for size in range(len(rest), 0, -1):
                name = f"{module.name}.{'.'.join(rest[:size])}"
                defined = self.functions.get(name) or self.classes.get(name)
                if defined is None:
                    continue
                if size == len(rest):
                    return defined
                if isinstance(defined, ClassInfo) and size == len(rest) - 1:
                    return self.method(defined, rest[-1])
                return None
            target = module.imports.get(rest[0])
            if target is not None:
                return self._resolve(".".join([target, *rest[1:]]), depth + 1)
            made = module.instances.get(rest[0])
            if made is not None and len(rest) == 2:
                # `db.counts` where the module made `db = Database()`: the class's method
                cls = self.class_of(made)
                return self.method(cls, rest[1]) if cls is not None else None
            for star in module.star_imports:
                # `from pkg.types import *` re-exports what that module defines or imports
                found = self._resolve(".".join([star, *rest]), depth + 1)
                if found is not None:
                    return found
            return None
        return None

    def defining_name(self, ref: str) -> str | None:
        """Where a dotted reference to any module-level object is defined, through the
        packages that re-export it (`pkg.routers.oauth2_router`, imported into
        `pkg/routers/__init__.py` as `from .oauth2 import router as oauth2_router`, is
        `pkg.routers.oauth2.router`); None when no re-export is seen on the way."""
        seen = 0
        while seen < 8:
            parts = ref.split(".")
            for cut in range(len(parts) - 1, 0, -1):
                module = self.module_of(".".join(parts[:cut]))
                if module is not None:
                    break
            else:
                return None
            target = module.imports.get(parts[cut])
            if target is None:
                target = self._star_source(module, parts[cut])
            if target is None:
                return f"{module.name}.{'.'.join(parts[cut:])}" if seen else None
            ref = ".".join([target, *parts[cut + 1:]])
            seen += 1
        return None

    def _star_source(self, module: ModuleInfo, name: str) -> str | None:
        """`name` as the module `from m import *` took it from, when `m` is the project's
        and defines or imports it (and `module` does not define it itself)."""
        here = f"{module.name}.{name}"
        if not module.star_imports or here in self.functions or here in self.classes:
            return None
        for star in module.star_imports:
            source = self.module_of(star)
            if source is None:
                continue
            own = f"{source.name}.{name}"
            if own in self.functions or own in self.classes or name in source.imports or \
                    name in source.instances or name in source.constants or \
                    name in source.path_constants:
                return own
        return None

    def imported(self, module: ModuleInfo, name: str, line: int) -> str | None:
        """The dotted name `name` is imported as where `line` of `module` uses it: through
        the innermost function around that line whose own body imports it (`from
        django.contrib.auth import views as auth_views` inside `def get_urls(self)`), else
        through the module's imports; None when neither imports it, or when the innermost
        such function binds the name otherwise (FunctionInfo.imports gives it "")."""
        around = [fn for fn in module.functions
                  if fn.line <= line <= fn.end_line and name in fn.imports]
        if around:
            return max(around, key=lambda fn: (fn.line, fn.qualname)).imports[name] or None
        return module.imports.get(name)

    def loaded(self, spec: str) -> ClassInfo | None:
        """The project class a load by name spells out ("customer.views:LoginView", from
        `get_class("customer.views", "LoginView")`: analysis/program/loaders.py): the class
        that module defines or imports, when the project has exactly one module of that
        dotted name or suffix; else None."""
        module_name, _, name = spec.partition(":")
        module = self.module_of(module_name)
        found = self.resolve(f"{module.name}.{name}") if module is not None else None
        return found if isinstance(found, ClassInfo) else None

    def class_of(self, ref: str | None) -> ClassInfo | None:
        """The class a type reference names, or the class a factory function returns
        (`def get_repo() -> UserRepo`)."""
        if not ref:
            return None
        found = self.resolve(ref)
        if isinstance(found, FunctionInfo) and found.returns:
            found = self.resolve(found.returns)
        return found if isinstance(found, ClassInfo) else None

    def _declares_number(self, cls: ClassInfo, attr: str) -> bool:
        """The nearest class of `cls`'s MRO that declares `attr` declares it a numeric
        column (ClassInfo.number_attrs); a method, property or other value there wins."""
        for c in self.mro(cls):
            if attr in c.number_attrs:
                return True
            if attr in c.assigned_attrs or attr in c.methods:
                return False
        return False

    def mro(self, cls: ClassInfo) -> tuple[ClassInfo, ...]:
        """The project classes of `cls`'s method resolution order (C3, analysis/mro.py;
        bases outside the project are left out, as their methods are not the project's)."""
        return linearize(cls, self._project_bases, lambda c: c.qualname, self._mro)

    def _project_bases(self, cls: ClassInfo) -> list[ClassInfo]:
        return [b for b in (self.resolve(ref) for ref in cls.bases)
                if isinstance(b, ClassInfo) and b is not cls]

    def method(self, cls: ClassInfo, name: str, after: ClassInfo | None = None
               ) -> FunctionInfo | None:
        """`name` looked up along `cls`'s MRO (after `after`, for `super()`)."""
        order = self.mro(cls)
        if after is not None:
            order = order[order.index(after) + 1:] if after in order else ()
        for klass in order:
            qualname = klass.methods.get(name)
            if qualname is not None:
                return self.functions.get(qualname)
        return None

    def attribute_type(self, cls: ClassInfo, attr: str) -> ClassInfo | None:
        for klass in self.mro(cls):
            ref = klass.attr_types.get(attr)
            if ref is not None:
                return self.class_of(ref)
        return None

    def attribute_ref(self, cls: ClassInfo, attr: str) -> str | None:
        """The reference of what the class body assigns to `attr` (a field's class, an
        annotation's), along the MRO; a library's class stays a dotted name."""
        for klass in self.mro(cls):
            ref = klass.attr_types.get(attr)
            if ref is not None:
                return ref
        return None

    def class_attribute(self, cls: ClassInfo, attr: str) -> ClassInfo | None:
        """The project class the class attribute `attr` holds for an instance of `cls`
        (`form_class = RegistrationForm`, ClassInfo.class_refs): only when every class that
        may answer `self.attr` — `cls`'s MRO, the project's subclasses of `cls` and what
        their MROs put before `cls` — that assigns it assigns that same class, and none makes
        it a method, a property or an instance attribute; else None (what it holds cannot be
        told)."""
        found: ClassInfo | None = None
        mro = self.mro(cls)
        if not any(attr in klass.class_refs for klass in mro):
            return None
        # A subclass answers `self.attr` from every class its MRO puts before `cls`, which
        # may be another base of it (`class C(NoteBase, JoinMixin)`), not only itself.
        ahead: list[ClassInfo] = []
        for sub in self._subclasses(cls):
            for klass in self.mro(sub):
                if klass is cls:
                    break
                if klass not in ahead and klass not in mro:
                    ahead.append(klass)
        for klass in (*mro, *ahead):
            if attr in klass.methods or attr in klass.loads or attr in klass.attr_types:
                return None
            if attr in klass.class_refs:
                target = self.resolve(klass.class_refs[attr])
                if not isinstance(target, ClassInfo) or found not in (None, target):
                    return None
                found = target
            elif attr in klass.assigned_attrs:
                return None
        return found

    def overridden(self, fn: FunctionInfo) -> list[FunctionInfo]:
        """The methods of `fn`'s project bases (MRO order) that `fn` overrides: a call
        resolved to one of them may run `fn` on an instance of `fn`'s class."""
        cls = self.classes.get(fn.cls) if fn.cls else None
        if cls is None:
            return []
        return [base for klass in self.mro(cls)[1:]
                if (base := self.functions.get(klass.methods.get(fn.name, ""))) is not None]

    def _subclasses(self, cls: ClassInfo) -> list[ClassInfo]:
        """The project classes with `cls` in their MRO (itself left out), indexed once."""
        if self._subs is None:
            index: dict[str, list[ClassInfo]] = {}
            for _, klass in sorted(self.classes.items()):
                for base in self.mro(klass)[1:]:
                    index.setdefault(base.qualname, []).append(klass)
            self._subs = index
        return self._subs.get(cls.qualname, [])

    def constructed(self, fn: FunctionInfo, site: CallSite) -> ClassInfo | None:
        """The project class whose instance the call site builds: a class called by
        reference (`LoginForm(request.POST)`), or a class attribute of `fn`'s own class
        holding one (`self.form_class(data=...)`, class_attribute)."""
        callee = site.callee
        if callee.kind == "ref":
            found = self.resolve(callee.ref)
            return found if isinstance(found, ClassInfo) else None
        owner = self.classes.get(fn.cls) if fn.cls else None
        if callee.kind == "self" and owner is not None and self.method(
                owner, callee.attr) is None:
            return self.class_attribute(owner, callee.attr)
        return None

    def untold(self, fn: FunctionInfo, site: CallSite) -> bool:
        """The call's receiver is a local whose class only the project phase could tell
        (derived_ref: `form = self.form_class(...)`, `user = user.create()`) and cannot: the
        site is recorded in hope, and is no evidence of anything, not even by its name."""
        callee = site.callee
        return callee.kind == "typed" and derived_ref(callee.ref) and self.receiver_class(
            fn, callee.ref) is None

    def receiver_class(self, fn: FunctionInfo, ref: str) -> ClassInfo | None:
        """The class of a local's type reference in `fn` (FunctionInfo.local_types): a
        class or a factory's (class_of), SELF_CLASS's class attribute of `fn`'s class, or
        KEEPS's class kept through reassignments."""
        if ref.startswith(SELF_CLASS):
            owner = self.classes.get(fn.cls) if fn.cls else None
            return self.class_attribute(owner, ref[len(SELF_CLASS):]) if owner else None
        if KEEPS in ref:
            # `R#create`: R's class, when each method the local is reassigned from returns
            # that class again; else the local's class cannot be told.
            made, *methods = ref.split(KEEPS)
            cls = self.class_of(made)
            for name in methods:
                method = self.method(cls, name) if cls is not None else None
                if method is None or self.class_of(method.returns) is not cls:
                    return None
            return cls
        return self.class_of(ref)

    def related_class(self, cls: ClassInfo, attr: str) -> ClassInfo | None:
        """The project class an ORM relation `attr` of `cls` points to (`ForeignKey(X)`),
        along the MRO; None for lazy string targets and library classes."""
        for klass in self.mro(cls):
            ref = klass.attr_targets.get(attr)
            if ref is not None:
                return self.class_of(ref)
        return None

    # -- calls -------------------------------------------------------------------------------
    def targets(self, fn: FunctionInfo, site: CallSite) -> list[FunctionInfo]:
        """The project functions a call site runs: none when it cannot be told."""
        callee = site.callee
        owner = self.classes.get(fn.cls) if fn.cls else None
        receiver: ClassInfo | None = None
        found: FunctionInfo | None = None
        if callee.kind == "ref":
            target = self.resolve(callee.ref)
            # A constructor call runs __init__.
            found = self.method(target, "__init__") if isinstance(target, ClassInfo) else target
        elif callee.kind == "self" and owner is not None:
            receiver = owner
            found = self.method(owner, callee.attr)
            if found is None and (made := self.class_attribute(owner, callee.attr)):
                # `self.form_class(...)`: a constructor call runs __init__.
                receiver, found = None, self.method(made, "__init__")
        elif callee.kind == "super" and owner is not None:
            found = self.method(owner, callee.attr, after=owner)
        elif callee.kind == "selfattr" and owner is not None:
            receiver = self.attribute_type(owner, callee.ref)
            found = self.method(receiver, callee.attr) if receiver else None
        elif callee.kind == "typed":
            receiver = self.receiver_class(fn, callee.ref)
            found = self.method(receiver, callee.attr) if receiver else None
        if found is not None and not (receiver is not None and callee.attr in _IMPLICIT):
            return [found]
        if receiver is not None and callee.attr in _IMPLICIT:
            # A project override of is_valid() (`result = super().is_valid()` then some
            # cleanup) still runs the receiver's clean methods through the framework's.
            out: list[FunctionInfo] = [found] if found is not None else []
            lineage = self.mro(receiver)
            implicit = _IMPLICIT[callee.attr]
            if any(base.startswith(_DRF_SERIALIZERS) for klass in lineage
                   for base in klass.bases):
                implicit += _DRF_IMPLICIT.get(callee.attr, ())
            for klass in lineage:
                for name, qualname in sorted(klass.methods.items()):
                    if any(name == m or name.startswith(m + "_") for m in implicit):
                        target_fn = self.functions.get(qualname)
                        if target_fn is not None and target_fn not in out:
                            out.append(target_fn)
            return out
        return []

    def edges(self, fn: FunctionInfo) -> list[tuple[CallSite, FunctionInfo]]:
        cached = self._edges.get(fn.qualname)
        if cached is None:
            cached = [(site, target) for site in fn.calls for target in self.targets(fn, site)
                      if target.qualname != fn.qualname]
            self._edges[fn.qualname] = cached
        return cached

    def callee_levels(self, start: Iterable[FunctionInfo],
                      levels: int) -> Iterator[list[FunctionInfo]]:
        """`start`, then the functions its resolved calls reach one call further, and so on:
        `levels` lists in all, each function in the first level that reaches it. Lazy, so a
        reader that finds its answer in one level never computes the next."""
        frontier = list(start)
        seen = {fn.qualname for fn in frontier}
        for level in range(levels):
            yield frontier
            if level == levels - 1:
                return
            following: list[FunctionInfo] = []
            for fn in frontier:
                for _, target in self.edges(fn):
                    if target.qualname not in seen:
                        seen.add(target.qualname)
                        following.append(target)
            frontier = following

    def callers(self, fn: FunctionInfo) -> list[FunctionInfo]:
        """The project functions with a resolved call to `fn` (in qualname order). A caller
        the call graph cannot see (a function passed by reference, a framework's dispatch)
        is not here: no callers means *unknown*, not *never called*."""
        if self._callers is None:
            index: dict[str, list[FunctionInfo]] = {}
            for qualname in sorted(self.functions):
                caller = self.functions[qualname]
                for target in {t.qualname for _, t in self.edges(caller)}:
                    index.setdefault(target, []).append(caller)
            self._callers = index
        return self._callers.get(fn.qualname, [])

    def sites_calling(self, name: str) -> list[tuple[FunctionInfo, CallSite]]:
        """Every call site of the project's functions whose callee is written with `name`
        (`obj.name(...)`, `mod.name(...)`, `name(...)`), resolved or not, with its caller,
        in caller qualname then site order: the candidates resolution decides among. One
        index by name, built once per model (read-only: callers must not change it)."""
        if self._named is None:
            index: dict[str, list[tuple[FunctionInfo, CallSite]]] = {}
            for qualname in sorted(self.functions):
                caller = self.functions[qualname]
                for site in caller.calls:
                    index.setdefault(called_name(site), []).append((caller, site))
            self._named = index
        return self._named.get(name, [])

    def toplevel_sites_calling(self, name: str) -> list[tuple[ModuleInfo, CallSite]]:
        """sites_calling for the calls of modules' top-level code (ModuleInfo.toplevel_calls),
        each with its module, in module name then site order."""
        if self._top_named is None:
            index: dict[str, list[tuple[ModuleInfo, CallSite]]] = {}
            for module_name in sorted(self.modules):
                module = self.modules[module_name]
                for site in module.toplevel_calls:
                    index.setdefault(called_name(site), []).append((module, site))
            self._top_named = index
        return self._top_named.get(name, [])

    def instance_of(self, ref: str) -> str | None:
        """The class (or factory) reference of the module-level object `ref` names
        (`proj.celery.app` made by `app = Celery(...)`: `celery.Celery`), through the
        imports of the project's modules; None when it is not such an object."""
        return self._module_entry(ref, "instances")

    def wrapped(self, ref: str) -> FunctionInfo | ClassInfo | None:
        """The project definition the module-level object `ref` wraps (ModuleInfo.wraps:
        `on_reset = dramatiq.actor(ResetTask())` gives `ResetTask`), through the imports of
        the project's modules; None when it wraps none."""
        made = self._module_entry(ref, "wraps")
        return self.resolve(made) if made is not None else None

    def _module_entry(self, ref: str, table: str) -> str | None:
        """The entry for the module-level name `ref` in the ModuleInfo mapping `table`
        (`instances`, `wraps`) of the module that defines it, following re-exports through
        the imports of the project's modules (at most 8)."""
        for _ in range(9):
            parts = ref.split(".")
            if len(parts) < 2:
                return None
            module = self.module_of(".".join(parts[:-1]))
            if module is None:
                return None
            entry = getattr(module, table).get(parts[-1])
            if entry is not None:
                return entry
            target = module.imports.get(parts[-1])
            if not target:
                return None
            ref = target
        return None

    # -- constants ---------------------------------------------------------------------------
    def returns_constant(self, fn: FunctionInfo) -> bool:
        """Every return of `fn` is built only from literals, module constants, literal
        class attributes and calls to functions that themselves return constants (a
        recursive chain is not constant: nothing proves it)."""
        known = self._constant
        if fn.qualname in known:
            return known[fn.qualname]
        known[fn.qualname] = False  # while in progress
        result = fn.const_return and self.satisfied(fn, fn.const_needs)
        known[fn.qualname] = result
        return result

    def satisfied(self, fn: FunctionInfo | None, needs: Iterable[ConstNeed]) -> bool:
        """Whether every need holds, seen from `fn` (the function the value is built in;
        None at module level)."""
        for need in needs:
            if need.kind == "enum":
                if not self.is_enum(need.ref):
                    return False
                continue
            if need.kind == "number":
                # a field of a row of this model: declared a numeric column by the class
                # or a base of the project (an inherited `id`), the nearest declaration
                # along the MRO deciding (a subclass's `id = Column(String)` is text)
                cls = self.classes.get(need.ref) or self.class_of(need.ref)
                if cls is None or not self._declares_number(cls, need.attr):
                    return False
                continue
            if need.kind == "attr":
                cls = self.classes.get(need.ref) or self.class_of(need.ref)
                if cls is None or not any(need.attr in c.const_attrs for c in self.mro(cls)):
                    return False
                continue
            if need.callee is None:
                return False
            site = CallSite(0, 0, 0, 0, need.callee, "")
            owner = fn if fn is not None else FunctionInfo("", "", "", 0)
            targets = self.targets(owner, site)
            if need.kind == "quoted":
                # Quoting its argument, or returning a constant whatever the argument
                # (`SORT_FIELDS[key]`, a key checked against an allowlist first).
                if not targets or not all(t.quotes or self.returns_constant(t)
                                          for t in targets):
                    return False
                continue
            if need.kind == "call" and need.callee.kind == "ref" and self.is_record(
                    need.callee.ref):
                # `Query(where="1=1")`: a record holds its arguments, so they decide
                if not self.satisfied(fn, need.args):
                    return False
                continue
            if not targets or not all(self.returns_constant(t) for t in targets):
                return False
        return True

    def is_record(self, ref: str) -> bool:
        """`ref` makes a plain record, holding just the arguments it is given: a
        `namedtuple(...)` / `NamedTuple(...)` made at module level, or a project class
        (a `NamedTuple` or dataclass-style class) none of whose project classes defines
        `__init__`, `__new__` or `__post_init__` and whose bases outside the project are
        at most `NamedTuple`."""
        cls = self.resolve(ref)
        if isinstance(cls, ClassInfo):
            order = self.mro(cls)
            known = {c.qualname for c in order}
            return not any(m in c.methods for c in order for m in _RECORD_HOOKS) and all(
                b in known or b.rsplit(".", 1)[-1] in ("NamedTuple", "object")
                for c in order for b in (self._base_name(b) for b in c.bases))
        defined = self.defining_name(ref) or ref
        module_name, _, name = defined.rpartition(".")
        module = self.module_of(module_name)
        return module is not None and module.instances.get(name, "") in _RECORD_FACTORIES

    def _base_name(self, ref: str) -> str:
        found = self.resolve(ref)
        return found.qualname if isinstance(found, ClassInfo) else ref

    def is_enum(self, ref: str) -> bool:
        """`ref` names a project class that derives from `enum.Enum` (or a flag / int /
        str enum), directly or through project bases."""
        cls = self.class_of(ref)
        return cls is not None and any(
            base.rsplit(".", 1)[-1] in _ENUM_BASES for c in self.mro(cls) for base in c.bases)

    # -- summaries ---------------------------------------------------------------------------
    def effects(self, fn: FunctionInfo, kind: str) -> list[Reached]:
        """`fn`'s effects of one kind, its own first, then by the shortest chain."""
        summary = self._solve().get(fn.qualname, {})
        # A function's own query that is paged unless a caller turns the bound off (`limit:
        # int = 10` under `if limit > 0:`) is no unbounded result of the function itself:
        # only a call passing `limit=0` gets it (_bounds_rows).
        found = [r for key, r in summary.items() if key[0] == kind
                 and (r.via or r.effect.by_default)]
        return sorted(found, key=lambda r: (len(r.via), r.origin_path, r.effect.line))

    def writes(self, fn: FunctionInfo) -> bool:
        """`fn` or a function it calls (up to MAX_DEPTH calls away) writes to the database.
        Answered apart from `effects`, which keeps only a few origins per kind, so that a
        write behind several reads is not missed."""
        if self._writers is None:
            # Rounds of relaxation: after round k, every function that reaches a write
            # within k calls is in the set.
            writers = {q for q, f in self.functions.items()
                       if any(e.kind == QUERY and e.write for e in f.effects)}
            for _ in range(MAX_DEPTH):
                more = {q for q, f in self.functions.items() if q not in writers and any(
                    target.qualname in writers for _, target in self.edges(f))}
                if not more:
                    break
                writers |= more
            self._writers = writers
        return fn.qualname in self._writers

    def guarded_by(self, fn: FunctionInfo, kind: str) -> list[Reached]:
        """`fn`'s effects of one kind, counting those of the project decorators on it
        (`@admins_only` whose wrapper aborts for anonymous users, a project limiter
        decorator): what guards a route handler."""
        out = list(self.effects(fn, kind))
        for dec in fn.decorators:
            target = self.resolve(dec)
            if isinstance(target, FunctionInfo) and target.qualname != fn.qualname:
                step = Step(fn.path, fn.line, 0, fn.line, 0, f"@{dec.rsplit('.', 1)[-1]}",
                            target.qualname, target.path, target.line)
                out += [Reached(r.effect, r.origin, r.origin_path, (step, *r.via))
                        for r in self.effects(target, kind) if len(r.via) < MAX_DEPTH]
        return out

    def reached_through(self, fn: FunctionInfo, site: CallSite, kind: str) -> list[Reached]:
        """The effects of one kind that a call site of `fn` leads to, chain included."""
        out: list[Reached] = []
        for target in self.targets(fn, site):
            if target.qualname == fn.qualname:
                continue
            for reached in self.effects(target, kind):
                if len(reached.via) < MAX_DEPTH:
                    out.append(_extend(fn, site, target, reached))
        return sorted(out, key=lambda r: (len(r.via), r.origin_path, r.effect.line))

    def _limit_by_name(self, fn: FunctionInfo, effect: Effect) -> bool:
        """A call that reads like a limiter (`check_rate_limit(request)`) but runs a project
        function: what that function does decides (its summary reaches the caller through
        the call graph), not its name. Library limiters and unresolved calls keep theirs."""
        if effect.kind != LIMIT or not effect.detail.endswith("()"):
            return False
        name = effect.detail[:-2].rsplit(".", 1)[-1]
        return any(site.line == effect.line and site.text.rsplit(".", 1)[-1] == name
                   for site, _ in self.edges(fn))

    def _solve(self) -> dict[str, dict[tuple[str, str, int], Reached]]:
        if self._summary is not None:
            return self._summary
        summary: dict[str, dict[tuple[str, str, int], Reached]] = {}
        callers: dict[str, set[str]] = {}
        for qualname in sorted(self.functions):
            fn = self.functions[qualname]
            summary[qualname] = {(e.kind, fn.qualname, e.line): Reached(e, fn.qualname, fn.path)
                                 for e in fn.effects if not self._limit_by_name(fn, e)}
            for _, target in self.edges(fn):
                callers.setdefault(target.qualname, set()).add(qualname)
        queue = deque(sorted(self.functions))
        queued = set(queue)
        rounds = 0
        while queue and rounds < _MAX_ROUNDS:
            rounds += 1
            qualname = queue.popleft()
            queued.discard(qualname)
            fn = self.functions[qualname]
            mine = summary[qualname]
            changed = False
            for site, target in self.edges(fn):
                for key, reached in sorted(summary[target.qualname].items()):
                    if key in mine or len(reached.via) >= MAX_DEPTH:
                        continue
                    if reached.effect.kind == UNBOUNDED and (not site.answered or (
                            not reached.via and _bounds_rows(site, target, reached.effect))):
                        continue
                    if sum(1 for k in mine if k[0] == key[0]) >= MAX_PER_KIND:
                        continue
                    mine[key] = _extend(fn, site, target, reached)
                    changed = True
            if changed:
                for caller in sorted(callers.get(qualname, ())):
                    if caller not in queued:
                        queued.add(caller)
                        queue.append(caller)
        self._summary = summary
        return summary


# A record's own code that could compute its fields from elsewhere.
_RECORD_HOOKS = ("__init__", "__new__", "__post_init__")
_RECORD_FACTORIES = frozenset({"collections.namedtuple", "typing.NamedTuple"})


def _bounds_rows(site: CallSite, target: FunctionInfo, effect: Effect) -> bool:
    """The call bounds the rows `target` returns: it passes the parameter that bounds them
    (`limit`) a value that does not turn the bound off, or leaves out one whose default is
    a page size (`limit: int = 10` under `if limit > 0:`; a call passing `limit=0` gets
    every row)."""
    if not effect.unless:
        return False
    is_method = target.kind in ("method", "classmethod", "property")
    if not passes_parameter(target.params, is_method, site.passed_args, effect.unless):
        return not effect.by_default
    return not skips_bound(effect.guard, effect.unless, passed_literal(
        target.params, is_method, site.literal_args, effect.unless))


def _extend(fn: FunctionInfo, site: CallSite, target: FunctionInfo, reached: Reached
            ) -> Reached:
    step = Step(fn.path, site.line, site.col, site.end_line, site.end_col, site.text,
                target.qualname, target.path, target.line, site.conditional)
    return Reached(reached.effect, reached.origin, reached.origin_path, (step, *reached.via))


# -- explaining a chain ----------------------------------------------------------------------
def called_name(site: CallSite) -> str:
    """The name a call site's callee is written with: the attribute called, or the last
    part of the reference."""
    return site.callee.attr or site.callee.ref.rsplit(".", 1)[-1]


def short_name(qualname: str, path: str) -> str:
    """`UserRepo.get_one` for `app.repos.UserRepo.get_one`: the part below the module."""
    module = PurePath(path).with_suffix("").name
    parts = qualname.split(".")
    if module in parts:
        index = len(parts) - 1 - parts[::-1].index(module)
        rest = parts[index + 1:]
        if rest:
            return ".".join(rest)
    return parts[-1]


def _where(path: str, line: int) -> str:
    return f"{PurePath(path).name}:{line}"


def describe(reached: Reached, verb: str) -> str:
    """`` `repo.get_one` (views.py:12) calls `UserRepo.get_one` (repos.py:30), which runs
    `User.objects.get(...)` (repos.py:31)``: every step of the chain, then what it does
    (`verb`: "runs", "returns", "checks")."""
    parts: list[str] = []
    for i, step in enumerate(reached.via):
        callee = short_name(step.callee, step.callee_path)
        where = _where(step.callee_path, step.callee_line)
        if i == 0:
            parts.append(f"`{step.text}` ({_where(step.path, step.line)}) calls "
                         f"`{callee}` ({where})")
        else:
            parts.append(f"which calls `{callee}` ({where})")
    parts.append(f"which {verb} `{reached.effect.detail}` "
                 f"({_where(reached.origin_path, reached.effect.line)})")
    return ", ".join(parts)


def related(reached: Reached, verb: str) -> tuple[Related, ...]:
    """One related location per step and one for the effect, for SARIF relatedLocations."""
    out: list[Related] = []
    for step in reached.via:
        out.append(Related(Span(step.line, step.col + 1, step.end_line, step.end_col + 1),
                           f"calls {short_name(step.callee, step.callee_path)}", step.path))
    line = reached.effect.line
    out.append(Related(Span(line, 1, line, 2), f"{verb} {reached.effect.detail}",
                       reached.origin_path))
    return tuple(out)


def _is_package(path: str) -> bool:
    return PurePath(path).name == "__init__.py"


def _shadows(package: str, module: str) -> bool:
    """`package` is `<dir>/<name>/__init__.py` for the module file `<dir>/<name>.py`."""
    return _is_package(package) and PurePath(package).parent == PurePath(module).with_suffix("")
