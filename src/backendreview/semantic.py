"""A light semantic model of one module, built in the engine's single walk.

It records scopes, bindings (imports, assignments, parameters, loop and with targets) and
parent links, and answers the questions every rule asks: what does this name refer to
(its qualified name through imports and aliases), which assignments reach this use, which
function or class encloses this node. It never imports or executes the reviewed code.
"""

from __future__ import annotations

import ast
import builtins
import functools
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

ScopeNode = ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef
FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda

_BUILTINS = frozenset(dir(builtins))
_UNKNOWN = object()


@functools.lru_cache(maxsize=4096)  # asked per call node by the route collector
def module_name(path: str) -> str:
    """The dotted module name a file's path gives (`app/repos/__init__.py` -> `app.repos`):
    the one naming every module, class and function across files."""
    parts = PurePath(path.replace("\\", "/")).with_suffix("").parts
    parts = tuple(p for p in parts if p not in ("", ".", "..", "/"))
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def module_name_under(path: str, root: str | None) -> str:
    """The dotted module name of the file at `path` (a real, absolute path) seen from the
    import root `root` (see `discovery.import_root`): `/abs/app/pkg/views.py` under
    `/abs/app` is `pkg.views`, however the command line named the tree. Without a root, or
    for a file outside it, the name its path gives (`module_name`)."""
    if root is not None:
        try:
            relative = PurePath(path).relative_to(root)
        except ValueError:
            pass
        else:
            return module_name(relative.as_posix())
    return module_name(path)


@dataclass(frozen=True, init=False)
class Binding:
    """One place where a name gets a value."""

    name: str
    kind: str  # import | assign | annassign | augassign | param | for | with | def | class
    #           | except | walrus | unpack | global | comprehension | other
    node: ast.AST  # the statement (or arg / alias) that binds
    value: ast.expr | None = None  # the assigned expression, the iterable, the context expr
    annotation: ast.expr | None = None
    qualified: str | None = None  # for imports: the imported dotted name
    lineno: int = 0
    op: ast.operator | None = None  # for augassign

    def __init__(self, name: str, kind: str, node: ast.AST, value: ast.expr | None = None,
                 annotation: ast.expr | None = None, qualified: str | None = None,
                 lineno: int = 0, op: ast.operator | None = None) -> None:
        # The generated frozen __init__ sets each field through object.__setattr__ (~40%
        # of the cost of every binding of every file); filling the instance dictionary at
        # once makes the same object, fields in the same order.
        self.__dict__.update(name=name, kind=kind, node=node, value=value,
                             annotation=annotation, qualified=qualified, lineno=lineno, op=op)


@dataclass
class Scope:
    node: ScopeNode
    parent: Scope | None
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    declared_global: set[str] = field(default_factory=set)
    declared_nonlocal: set[str] = field(default_factory=set)
    # The statements of the scope's own code, in source order (the walk's order), nested
    # ones included but not those of functions or classes defined in it (their `def` or
    # `class` statement is): what one function body runs, listed once in the walk for every
    # reader (the program model, the route collector) instead of a walk of each body.
    statements: list[ast.stmt] = field(default_factory=list)

    # Set once in __post_init__: lookup() asks on every step of every name resolution.
    is_class: bool = field(init=False, default=False)
    is_function: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        self.is_class = isinstance(self.node, ast.ClassDef)
        self.is_function = isinstance(self.node, ast.FunctionDef | ast.AsyncFunctionDef
                                      | ast.Lambda)

    def add(self, binding: Binding) -> None:
        self.bindings.setdefault(binding.name, []).append(binding)


class SemanticModel:
    """Scopes, bindings and parents of one module. Build it with `SemanticBuilder`."""

    def __init__(self, tree: ast.Module) -> None:
        self.tree = tree
        self.module_scope = Scope(tree, None)
        # Keyed by the nodes themselves: an ast node hashes and compares by identity, like
        # its id(), without a call of id() for each of the two entries of every node.
        self._parents: dict[ast.AST, ast.AST] = {}
        self._scopes: dict[ast.AST, Scope] = {tree: self.module_scope}
        self._node_scope: dict[ast.AST, Scope] = {}
        self.imported_modules: set[str] = set()
        # Many rules resolve the same nodes: each answer is computed once (keyed by node).
        self._qualified: dict[object, str | None] = {}
        self._imported: set[str] = set()  # see is_imported
        self._imported_count = 0
        self.nodes: list[ast.AST] = []  # filled by SemanticBuilder.build()
        self.calls: list[ast.Call] = []  # every call, in walk order (filled by the walk)
        self._callees: dict[str, list[int]] | None = None  # see calls_named
        self._by_kind: dict[str, list[Binding]] | None = None  # see names_bound
        self._declared_global: frozenset[str] | None = None  # see declared_global

    def release(self) -> None:
        """Drop every reference this model holds, once its file is reviewed. Scopes link
        to each other and the model to its own bound methods: left alone, that is cyclic
        garbage holding the whole tree, which only a cyclic collection (traversing every
        node again, ~10% of a run) can free; broken, reference counting frees it at once."""
        for scope in self._scopes.values():
            scope.__dict__.clear()
        self.__dict__.clear()

    # -- structure -------------------------------------------------------------------------
    def parent(self, node: ast.AST) -> ast.AST | None:
        try:
            return self._parents.get(node)
        except TypeError:  # not a node (unhashable): it has no parent here
            return None

    def ancestors(self, node: ast.AST) -> Iterator[ast.AST]:
        parents = self._parents
        current = self.parent(node)
        while current is not None:
            yield current
            current = parents.get(current)

    def statement_of(self, node: ast.AST) -> ast.stmt | None:
        if isinstance(node, ast.stmt):
            return node
        for anc in self.ancestors(node):
            if isinstance(anc, ast.stmt):
                return anc
        return None

    def scope_of(self, node: ast.AST) -> Scope:
        """The scope in which `node` is evaluated."""
        try:
            return self._node_scope.get(node, self.module_scope)
        except TypeError:  # not a node (unhashable)
            return self.module_scope

    def scope_for(self, scope_node: ast.AST) -> Scope | None:
        try:
            return self._scopes.get(scope_node)
        except TypeError:  # not a node (unhashable)
            return None

    def own_statements(self, scope_node: ast.AST) -> list[ast.stmt]:
        """The statements of a function's (or class's, or the module's) own code in source
        order, as `Scope.statements`; [] for a node that opens no scope."""
        scope = self.scope_for(scope_node)
        return scope.statements if scope is not None else []

    def own_returns(self, function: ast.AST) -> list[ast.Return]:
        """The `return` statements of a function's own code, in source order: the same
        ones as `astutil.own_returns`, without a walk of the body."""
        return [stmt for stmt in self.own_statements(function) if type(stmt) is ast.Return]  # type: ignore[misc]

    def enclosing_function(self, node: ast.AST) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        for anc in self.ancestors(node):
            if isinstance(anc, ast.FunctionDef | ast.AsyncFunctionDef):
                return anc
        return None

    def enclosing_class(self, node: ast.AST) -> ast.ClassDef | None:
        for anc in self.ancestors(node):
            if isinstance(anc, ast.ClassDef):
                return anc
        return None

    # -- names -----------------------------------------------------------------------------
    def lookup(self, name: str, at: ast.AST) -> tuple[Scope | None, list[Binding]]:
        """Bindings of `name` in the scope that Python would resolve it in, seen from `at`."""
        scope: Scope | None = self.scope_of(at)
        first = True
        while scope is not None:
            # `global x` at module level is legal and means nothing: jumping to the module
            # scope from there would loop forever.
            if name in scope.declared_global and scope is not self.module_scope:
                scope = self.module_scope
                continue
            if (not scope.is_class or first) and name in scope.bindings:
                return scope, scope.bindings[name]
            first = False
            scope = scope.parent
        return None, []

    def reaching_bindings(self, name: ast.Name) -> list[Binding]:
        """Bindings of `name` that can have produced its value at this use.

        Inside the same function, only bindings that precede the use in the source (an
        approximation of reaching definitions that is right for straight-line code and
        conservative for branches: every earlier branch is included). For a name from an
        outer scope, every binding counts because the outer code may have run fully.
        """
        scope, bindings = self.lookup(name.id, name)
        if scope is None:
            return []
        if scope is self.scope_of(name) and scope.is_function:
            return [b for b in bindings if b.lineno < name.lineno or b.kind == "param"]
        return list(bindings)

    def live_bindings(self, name: ast.Name) -> list[Binding]:
        """`reaching_bindings`, less those a later plain assignment overwrites on every path
        to the use: `query = f"..."` / `run(query)` / `query = f"..."` / `run(query)` reaches
        the second run with the second text only. The overwriting assignment must be a
        statement of a block that holds the use after it (so no branch, loop or `try` can
        skip it), and the use must not be inside that statement."""
        bindings = self.reaching_bindings(name)
        if len(bindings) < 2:
            return bindings
        use = self.statement_of(name)
        cut = 0
        for binding in bindings:
            # a bare annotation (`query: str`) gives the name no value: it replaces nothing
            if binding.kind not in ("assign", "annassign") or not isinstance(
                    binding.node, ast.Assign | ast.AnnAssign) or binding.node.value is None or (
                    binding.lineno <= cut):
                continue
            if use is not None and use is not binding.node and self._runs_before(
                    binding.node, use):
                cut = binding.lineno
        if not cut:
            return bindings
        return [b for b in bindings if b.lineno >= cut]

    def _runs_before(self, stmt: ast.stmt, use: ast.stmt) -> bool:
        """`stmt` and a later statement of the same block, which is or holds `use`."""
        block = self.parent(stmt)
        if block is None:
            return False
        for slot in ("body", "orelse", "finalbody"):
            statements = getattr(block, slot, None)
            if not isinstance(statements, list) or not any(s is stmt for s in statements):
                continue
            index = next(i for i, s in enumerate(statements) if s is stmt)
            later = statements[index + 1:]
            node: ast.AST | None = use
            while node is not None and node is not block:
                if any(node is s for s in later):
                    return True
                node = self.parent(node)
            return False
        return False

    def qualified_name(self, expr: ast.AST) -> str | None:
        """`sqlalchemy.text` for `text` after `from sqlalchemy import text`, and so on."""
        cache = self._qualified
        try:
            known = cache.get(expr, _UNKNOWN)  # one lookup: asked ~13 times per call node
        except TypeError:  # not a node (unhashable): names nothing
            return None
        if known is not _UNKNOWN:
            return known  # type: ignore[return-value]
        # Iterative over the attribute chain: `a.b.b...b` 500 names long is valid Python,
        # and recursing once per name exceeded the interpreter's recursion limit.
        chain: list[ast.Attribute] = []
        node = expr
        while isinstance(node, ast.Attribute) and node not in cache:
            chain.append(node)
            node = node.value
        if node in cache:
            name = cache[node]
        else:
            name = self._name_qualified(node) if isinstance(node, ast.Name) else None
            cache[node] = name
        for attribute in reversed(chain):
            name = f"{name}.{attribute.attr}" if name else None
            cache[attribute] = name
        return name

    def _name_qualified(self, expr: ast.Name) -> str | None:
        scope, bindings = self.lookup(expr.id, expr)
        if scope is None:
            return f"builtins.{expr.id}" if expr.id in _BUILTINS else None
        # A name rebound in its scope is only resolved when every binding agrees.
        names = {b.qualified for b in bindings}
        if len(names) == 1:
            return next(iter(names))
        return None

    def callee_names(self) -> Collection[str]:
        """The names callees are written with in this file: `f` for `f(...)` and
        `x.y.f(...)`, "" for any other callee (`f()()`, `fs[0]()`)."""
        return self._callee_index().keys()

    def calls_named(self, names: Iterable[str]) -> list[ast.Call]:
        """The calls whose callee is written with one of `names` (see callee_names), in walk
        order. The shared per-call entry for consumers with a per-file gate: a rule that
        reacts only to a few callee names reads those calls here instead of having every
        call of the file dispatched to it."""
        index = self._callee_index()
        positions = [i for name in set(names) for i in index.get(name, ())]
        positions.sort()
        calls = self.calls
        return [calls[i] for i in positions]

    def _callee_index(self) -> dict[str, list[int]]:
        index = self._callees
        if index is None:
            index = self._callees = {}
            attribute, name = ast.Attribute, ast.Name
            for position, call in enumerate(self.calls):
                func = call.func
                kind = type(func)
                written = func.attr if kind is attribute else (  # type: ignore[attr-defined]
                    func.id if kind is name else "")  # type: ignore[attr-defined]
                found = index.get(written)
                if found is None:
                    index[written] = [position]
                else:
                    found.append(position)
        return index

    def names_bound(self, kind: str) -> frozenset[str]:
        """The names some binding of `kind` (see Binding.kind) binds, in any scope of the
        file. A per-file gate: a name no `param` binding binds is no parameter anywhere."""
        return frozenset(b.name for b in self._bindings_of(kind))

    def imports_binding(self, test: Callable[[str], bool]) -> frozenset[str]:
        """The names an import binds to a qualified name that passes `test`: how a bare
        callee (`JR(...)` after `import ... JsonResponse as JR`) can have a qualified name
        other than the one it is written with (a qualified name comes from an import)."""
        return frozenset(b.name for b in self._bindings_of("import")
                         if b.qualified and test(b.qualified))

    def imported_names(self) -> frozenset[str]:
        """Every dotted name an import of the file binds, in any scope and however often the
        name is bound (a guarded import with a fallback): `from m import f` -> `m.f`,
        `import a.b.c` -> `a` and `a.b.c` (it binds `a`, and loads `a.b.c`). Not the module
        of a `from m import f`: that loads `m` but names none of its other members."""
        out: set[str] = set()
        for binding in self._bindings_of("import"):
            if binding.qualified:
                out.add(binding.qualified)
            if isinstance(binding.node, ast.Import):
                out.update(alias.name for alias in binding.node.names)
        return frozenset(out)

    def declared_global(self, name: str) -> bool:
        """Whether some function or class declares `global name`: the module's binding of it
        is then not its only one (the function may rebind it when it runs)."""
        declared = self._declared_global
        if declared is None:  # one pass over the scopes, on first use (after the build)
            declared = self._declared_global = frozenset().union(*(
                scope.declared_global for scope in self._scopes.values()
                if scope is not self.module_scope))
        return name in declared

    def _bindings_of(self, kind: str) -> list[Binding]:
        by_kind = self._by_kind
        if by_kind is None:  # one pass over every binding of the file, on first use
            by_kind = self._by_kind = {}
            for scope in self._scopes.values():
                for bindings in scope.bindings.values():
                    for binding in bindings:
                        found = by_kind.get(binding.kind)
                        if found is None:
                            by_kind[binding.kind] = [binding]
                        else:
                            found.append(binding)
        return by_kind.get(kind, [])

    def is_imported(self, prefix: str) -> bool:
        """Whether the module imports `prefix` or anything under it."""
        # Asked for every call node by several rules, with many prefixes per file: `m` is
        # `prefix` or starts with `prefix.` exactly when `prefix` is `m` or `m` cut at one
        # of its dots, so every such cut of every imported module goes in one set, rebuilt
        # only if the imports changed (i.e. while the model is being built).
        modules = self.imported_modules
        if len(modules) != self._imported_count:
            cuts: set[str] = set()
            for module in modules:
                cuts.add(module)
                dot = module.find(".")
                while dot != -1:
                    cuts.add(module[:dot])
                    dot = module.find(".", dot + 1)
            self._imported = cuts
            self._imported_count = len(modules)
        return prefix in self._imported


class SemanticBuilder:
    """Walks a module once: records parents, scopes and bindings, and hands every node to
    `on_node` (the engine's rule dispatch) in source order."""

    def __init__(self, tree: ast.Module, module_name: str = "", is_package: bool = False
                 ) -> None:
        self.model = SemanticModel(tree)
        self.module_name = module_name  # dotted, for relative imports; may be empty
        # A package's __init__ is named after the package: `from . import x` there means
        # the package itself, not its parent.
        self.is_package = is_package
        self.nodes: list[ast.AST] = []

    def build(self) -> SemanticModel:
        tree = self.model.tree
        self._walk_body(tree, self.model.module_scope)
        self.model.nodes = self.nodes  # every node, in walk order (for whole-file questions)
        return self.model

    # The walk is iterative over an explicit stack to survive deeply nested input. It is the
    # engine's hot path (every node of every file), so it avoids per-node calls where it can:
    # binding is dispatched by node type, and the shared Load/Store context singletons are
    # skipped.
    def _walk_body(self, root: ast.AST, scope: Scope) -> None:
        model = self.model
        parents = model._parents
        node_scope = model._node_scope
        nodes = self.nodes
        facts_of = _TYPE_FACTS
        walked = _WALKED_TYPES
        stack: list[tuple[ast.AST, Scope]] = [(root, scope)]
        pop = stack.pop
        push = stack.append
        add = nodes.append
        while stack:
            node, current = pop()
            add(node)
            node_scope[node] = current
            kind = type(node)
            # One look-up per node for what its type means to the walk (a statement? its
            # binder, its child fields), where three tables were looked up (issue 14).
            facts = facts_of.get(kind)
            if facts is None:
                facts = facts_of[kind] = _type_facts(kind)
            statement, binder, fields, outer = facts
            if statement:
                current.statements.append(node)
            inner = binder(self, node, current) if binder is not None else None
            # Children are pushed last first, straight from the fields read backwards (no
            # list of them per node), so that they are popped in source order. A child is
            # walked when its exact type is a walked node type: one set test, which a None,
            # a string or a shared operator / context singleton fails. Below a function or a
            # class the scope of a child depends on its field alone (decorators, defaults,
            # annotations and bases evaluate in the outer scope: `_OUTER_FIELDS`).
            for name in fields:
                value = getattr(node, name, None)
                scope_of_child = current if inner is None or name in outer else inner
                if type(value) is list:
                    for item in reversed(value):
                        if type(item) in walked:
                            parents[item] = node
                            push((item, scope_of_child))
                elif type(value) in walked:
                    parents[value] = node
                    push((value, scope_of_child))

    def _new_scope(self, node: ScopeNode, parent: Scope) -> Scope:
        scope = Scope(node, parent)
        self.model._scopes[node] = scope
        return scope

    def _bind(self, node: ast.AST, scope: Scope) -> Scope | None:
        """Record what `node` binds in `scope`; return the new scope it opens, if any."""
        binder = _BINDERS.get(type(node))
        return binder(self, node, scope) if binder is not None else None

    # One binder per node type, chosen by the walk with one dictionary lookup (a chain of
    # isinstance tests ran for each of the ~70k binding nodes of a large project).
    def _list_call(self, node: ast.Call, scope: Scope) -> None:
        # Not a binding: the per-type hook of the walk lists the calls (SemanticModel.calls)
        # for the cost of one function call per call, where a separate filter of `nodes`
        # would test the type of every node again.
        self.model.calls.append(node)

    def _bind_import(self, node: ast.Import, scope: Scope) -> None:
        add = scope.add
        for alias in node.names:
            self.model.imported_modules.add(alias.name)
            if alias.asname:
                add(Binding(alias.asname, "import", node, qualified=alias.name,
                            lineno=node.lineno))
            else:
                top = alias.name.split(".")[0]
                add(Binding(top, "import", node, qualified=top, lineno=node.lineno))

    def _bind_import_from(self, node: ast.ImportFrom, scope: Scope) -> None:
        module = self._absolute_module(node)
        self.model.imported_modules.add(module)
        for alias in node.names:
            if alias.name == "*":
                continue
            full = f"{module}.{alias.name}" if module else alias.name
            self.model.imported_modules.add(full)
            scope.add(Binding(alias.asname or alias.name, "import", node, qualified=full,
                              lineno=node.lineno))

    def _bind_assign(self, node: ast.Assign, scope: Scope) -> None:
        for target in node.targets:
            self._bind_target(target, node, node.value, scope, "assign")

    def _bind_ann_assign(self, node: ast.AnnAssign, scope: Scope) -> None:
        if isinstance(node.target, ast.Name):
            scope.add(Binding(node.target.id, "annassign", node, value=node.value,
                              annotation=node.annotation, lineno=node.lineno))

    def _bind_aug_assign(self, node: ast.AugAssign, scope: Scope) -> None:
        if isinstance(node.target, ast.Name):
            scope.add(Binding(node.target.id, "augassign", node, value=node.value,
                              lineno=node.lineno, op=node.op))

    def _bind_for(self, node: ast.For | ast.AsyncFor, scope: Scope) -> None:
        self._bind_target(node.target, node, node.iter, scope, "for")

    def _bind_with(self, node: ast.With | ast.AsyncWith, scope: Scope) -> None:
        for item in node.items:
            if item.optional_vars is not None:
                self._bind_target(item.optional_vars, node, item.context_expr, scope, "with")

    def _bind_walrus(self, node: ast.NamedExpr, scope: Scope) -> None:
        if isinstance(node.target, ast.Name):
            scope.add(Binding(node.target.id, "walrus", node, value=node.value,
                              lineno=node.lineno))

    def _bind_comprehension(self, node: ast.comprehension, scope: Scope) -> None:
        self._bind_target(node.target, node, node.iter, scope, "comprehension")

    def _bind_except(self, node: ast.ExceptHandler, scope: Scope) -> None:
        if node.name:
            scope.add(Binding(node.name, "except", node, value=node.type, lineno=node.lineno))

    def _bind_global(self, node: ast.Global, scope: Scope) -> None:
        scope.declared_global.update(node.names)

    def _bind_nonlocal(self, node: ast.Nonlocal, scope: Scope) -> None:
        scope.declared_nonlocal.update(node.names)

    def _bind_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, scope: Scope
                       ) -> Scope:
        scope.add(Binding(node.name, "def", node, lineno=node.lineno))
        inner = self._new_scope(node, scope)
        self._bind_params(node.args, inner)
        return inner

    def _bind_lambda(self, node: ast.Lambda, scope: Scope) -> Scope:
        inner = self._new_scope(node, scope)
        self._bind_params(node.args, inner)
        return inner

    def _bind_class(self, node: ast.ClassDef, scope: Scope) -> Scope:
        scope.add(Binding(node.name, "class", node, lineno=node.lineno))
        return self._new_scope(node, scope)

    def _bind_params(self, args: ast.arguments, scope: Scope) -> None:
        positional = [*args.posonlyargs, *args.args]
        defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
        defaults += list(args.defaults)
        for arg, default in zip(positional, defaults, strict=True):
            scope.add(Binding(arg.arg, "param", arg, value=default, annotation=arg.annotation,
                              lineno=arg.lineno))
        for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
            scope.add(Binding(arg.arg, "param", arg, value=default, annotation=arg.annotation,
                              lineno=arg.lineno))
        for arg in (args.vararg, args.kwarg):
            if arg is not None:
                scope.add(Binding(arg.arg, "param", arg, annotation=arg.annotation,
                                  lineno=arg.lineno))

    def _bind_target(self, target: ast.AST, node: ast.AST, value: ast.expr | None,
                     scope: Scope, kind: str) -> None:
        if isinstance(target, ast.Name):
            scope.add(Binding(target.id, kind, node, value=value, lineno=target.lineno))
        elif isinstance(target, ast.Tuple | ast.List):
            for elt in target.elts:
                inner = elt.value if isinstance(elt, ast.Starred) else elt
                # An unpacked element keeps the whole right-hand side (or iterable) as its
                # value: rules can still tell, say, that every element of a literal is constant.
                self._bind_target(inner, node, value, scope,
                                  kind if kind in ("for", "comprehension") else "unpack")

    def _absolute_module(self, node: ast.ImportFrom) -> str:
        module = node.module or ""
        if not node.level:
            return module
        base = self.module_name.split(".") if self.module_name else []
        # `from . import x` inside package a.b (module a.b.c) refers to a.b.
        cut = len(base) - node.level + (1 if self.is_package else 0)
        prefix = ".".join(base[:cut]) if cut > 0 else ""
        if not prefix:
            return "." * node.level + module
        return f"{prefix}.{module}" if module else prefix


# Expression contexts and operators are shared singletons in a parsed tree: no rule visits
# them, and giving them parents or scopes would be wrong anyway.
_SKIP_TYPES = frozenset({ast.Load, ast.Store, ast.Del}) | frozenset(
    sub for base in (ast.operator, ast.boolop, ast.cmpop, ast.unaryop)
    for sub in base.__subclasses__())
# Every statement type (each is a direct subclass of ast.stmt), tested by exact type.
_STATEMENT_TYPES = frozenset(ast.stmt.__subclasses__())
# Fields that hold identifiers, numbers or flags, never nodes: not worth a getattr.
_SCALAR_FIELDS = frozenset({"id", "attr", "arg", "name", "module", "level", "is_async",
                            "kind", "type_comment", "conversion", "simple", "ctx", "op"})
# Per node type: (is it a statement, its binder, its child fields last first); filled on
# first sight of each type.
_TYPE_FACTS: dict[type, tuple[bool, Any, tuple[str, ...], frozenset[str]]] = {}
# The fields of a scope-opening node whose children belong to the scope around it: a
# function's decorators, return annotation and arguments (defaults, annotations), a
# class's decorators, bases and keywords, a lambda's arguments (its defaults run where the
# lambda is made: `lambda item=item: ...` in a loop reads the loop variable, not itself).
_OUTER_FIELDS: dict[type, frozenset[str]] = {
    ast.FunctionDef: frozenset({"decorator_list", "returns", "args"}),
    ast.AsyncFunctionDef: frozenset({"decorator_list", "returns", "args"}),
    ast.ClassDef: frozenset({"decorator_list", "bases", "keywords"}),
    ast.Lambda: frozenset({"args"}),
}


def _child_fields(kind: type) -> tuple[str, ...]:
    fields = tuple(f for f in kind._fields if f not in _SCALAR_FIELDS)  # type: ignore[attr-defined]
    if kind is ast.Constant or kind is ast.MatchSingleton:
        return ()
    if kind in (ast.Global, ast.Nonlocal):
        return ()
    return fields


def _node_types(base: type) -> Iterator[type]:
    for sub in base.__subclasses__():
        yield sub
        yield from _node_types(sub)


# Every node type (a parsed tree holds no other), less the shared singletons above: a
# child is walked when its exact type is one of these, the one test where `isinstance`
# and a skip-set test were two.
_WALKED_TYPES = frozenset(_node_types(ast.AST)) - _SKIP_TYPES


def _type_facts(kind: type) -> tuple[bool, Any, tuple[str, ...], frozenset[str]]:
    return (kind in _STATEMENT_TYPES, _BINDERS.get(kind), _child_fields(kind)[::-1],
            _OUTER_FIELDS.get(kind, frozenset()))


_BINDERS: dict[type, Callable[[SemanticBuilder, Any, Scope], Scope | None]] = {
    ast.Import: SemanticBuilder._bind_import,
    ast.ImportFrom: SemanticBuilder._bind_import_from,
    ast.Assign: SemanticBuilder._bind_assign,
    ast.AnnAssign: SemanticBuilder._bind_ann_assign,
    ast.AugAssign: SemanticBuilder._bind_aug_assign,
    ast.For: SemanticBuilder._bind_for,
    ast.AsyncFor: SemanticBuilder._bind_for,
    ast.With: SemanticBuilder._bind_with,
    ast.AsyncWith: SemanticBuilder._bind_with,
    ast.NamedExpr: SemanticBuilder._bind_walrus,
    ast.comprehension: SemanticBuilder._bind_comprehension,
    ast.ExceptHandler: SemanticBuilder._bind_except,
    ast.Global: SemanticBuilder._bind_global,
    ast.Nonlocal: SemanticBuilder._bind_nonlocal,
    ast.FunctionDef: SemanticBuilder._bind_function,
    ast.AsyncFunctionDef: SemanticBuilder._bind_function,
    ast.Lambda: SemanticBuilder._bind_lambda,
    ast.ClassDef: SemanticBuilder._bind_class,
    ast.Call: SemanticBuilder._list_call,
}
