"""Flask-Classful: `FlaskView` subclasses registered with `View.register(app_or_blueprint,
route_base=..., route_prefix=..., trailing_slash=...)`.

The URLs are the ones flask-classful 0.16's `FlaskView.register` builds (read from its
source, not guessed):

- members: every plain function of the class's MRO whose name is not FlaskView's own, does
  not start with `_`, `before_` or `after_` and is not in `excluded_methods`
  (`get_interesting_members`); a classmethod or a property is no member;
- a member with `@route(rule, methods=...)` makes `build_rule(rule)` per decorator (Flask's
  default GET when no methods);
- `index` / `get` / `post` / `put` / `patch` / `delete` make `build_rule("/", method)` with
  their HTTP method (`index` and `get`: GET), the trailing slash then cut
  (`trailing_slash = False`) or added (True, the default);
- any other member makes `build_rule("/<name>/", method)` (dashified with
  `method_dashified`), for `@method(...)`'s methods or `default_methods` (GET);
- `build_rule` joins `route_prefix`, the route base (`route_base` stripped of slashes, else
  the class name without a `View` suffix, dashified) and the rule, then `<arg>` for each
  parameter of the method without a default that is not `self` nor in `base_args` (nor a
  variable of `route_base`), `<int:arg>` with an `int` annotation; repeated slashes collapse.

Per file the collector records each class's members and attributes (`ClassfulClassFact`) and
each `register` call (`ClassfulRegisterFact`); the project phase walks the class hierarchy
through the program model (methods and attributes inherited from mixins in other modules)
and keeps the views that derive from `flask_classful.FlaskView`. A value that is not a
literal stays unknown (`{?}`); a hierarchy that overrides how rules are built, or whose
classes were not read, gives no routes.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from .common import (
    analyze_handler,
    callable_name,
    kwarg,
    literal_str,
    markers,
    object_name,
    str_list,
    this_module,
)
from .naming import segments
from .routes import UNKNOWN_PREFIX, HandlerInfo, RouteFact

if TYPE_CHECKING:
    from ...context import FileContext

FLASK_VIEW = frozenset({"flask_classful.FlaskView"})
ROUTE = "flask_classful.route"
METHOD = "flask_classful.method"
SPECIAL = {"get": ("GET",), "put": ("PUT",), "patch": ("PATCH",), "post": ("POST",),
           "delete": ("DELETE",), "index": ("GET",)}
# dir(FlaskView) less object's: its own names are never routed.
LIBRARY_NAMES = frozenset({"decorators", "representations", "route_base", "route_prefix",
                           "trailing_slash", "base_args", "excluded_methods",
                           "method_dashified", "special_methods", "type_hints", "register",
                           "parse_options", "make_proxy_method", "build_rule",
                           "get_route_base", "default_route_base", "build_route_name"})
# A class of the hierarchy that defines one of these builds its rules its own way.
REBUILDS = frozenset({"build_rule", "get_route_base", "default_route_base", "special_methods",
                      "type_hints", "inspect_args"})
# Attributes read from the class (first class of the MRO that assigns them).
ATTRS = ("route_base", "route_prefix", "trailing_slash", "method_dashified", "base_args",
         "excluded_methods", "default_methods", "decorators")
# `cls.type_hints`: annotation -> converter.
CONVERTERS = {"int": "int", "str": "string", "float": "float", "UUID": "uuid",
              "uuid.UUID": "uuid"}
_ARG = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
_NOT_LITERAL = "\0"  # an attribute assigned something other than a literal


@dataclass(frozen=True)
class ClassfulMember:
    """A function defined in a class body (or a name assigned there, `kind` "attr")."""

    name: str
    kind: str  # function | staticmethod | classmethod | property | attr
    args: tuple[tuple[str, str], ...] = ()  # (name, converter) without defaults, after self
    # @route(rule, methods=...): (the decorator's qualified name, rule, methods); the name
    # is flask_classful.route or a project module's re-export of it (project phase).
    rules: tuple[tuple[str, str | None, tuple[str, ...]], ...] = ()
    http_methods: tuple[tuple[str, str], ...] = ()  # @method("POST"): (decorator, method)
    handler: HandlerInfo | None = None
    # `super().register(...)` in an overriding `register`: it hands on to flask-classful's.
    calls_super: bool = False


@dataclass(frozen=True)
class ClassfulClassFact:
    name: str  # qualified
    file: str
    line: int
    # ATTRS assigned in the body: the literal as text ("True", "/v3/", "a,b" for a list of
    # strings), _NOT_LITERAL otherwise; `decorators` as the decorators' names.
    attrs: dict[str, str] = field(default_factory=dict)
    members: tuple[ClassfulMember, ...] = ()
    # The span of a `route_base = "..."` string literal: where a rename of the base goes.
    base_span: Any = None


@dataclass(frozen=True)
class ClassfulRegisterFact:
    """`View.register(owner, ...)`: the view, the owner and the literal overrides given
    (None: given, not a literal)."""

    view: str
    owner: str | None
    overrides: tuple[tuple[str, str | None], ...]
    file: str
    line: int
    span: Any


def active(ctx: FileContext) -> bool:
    return ctx.semantic.is_imported("flask_classful")


def may_hold_views(ctx: FileContext) -> bool:
    """A Flask file that may declare a view of a project FlaskView subclass: it names one of
    the class attributes or registers a class."""
    return any(word in ctx.text for word in ("route_base", "route_prefix", ".register(",
                                             "FlaskView"))


def _attr_text(ctx: FileContext, name: str, value: ast.expr) -> str:
    if name == "decorators":
        if isinstance(value, ast.List | ast.Tuple):
            return ",".join(callable_name(ctx, e) for e in value.elts)
        return _NOT_LITERAL
    if isinstance(value, ast.Constant) and (value.value is None or isinstance(
            value.value, bool)):
        return repr(value.value)
    if name in ("base_args", "excluded_methods", "default_methods"):
        items = [literal_str(e) for e in value.elts] if isinstance(
            value, ast.List | ast.Tuple) else [None]
        if any(item is None for item in items):
            return _NOT_LITERAL
        text = ",".join(i for i in items if i is not None)
        return text.upper() if name == "default_methods" else text
    text = literal_str(value)
    return _NOT_LITERAL if text is None else text


def class_fact(ctx: FileContext, node: ast.ClassDef) -> ClassfulClassFact | None:
    """The members and attributes of a module-level class."""
    if ctx.semantic.scope_of(node) is not ctx.semantic.module_scope:
        return None
    attrs: dict[str, str] = {}
    members: list[ClassfulMember] = []
    base_span = None
    for stmt in node.body:
        if isinstance(stmt, ast.Assign | ast.AnnAssign):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for target in targets:
                if not isinstance(target, ast.Name):
                    continue
                if target.id in ATTRS and stmt.value is not None:
                    attrs[target.id] = _attr_text(ctx, target.id, stmt.value)
                    if target.id == "route_base":
                        base_span = ctx.span_of(stmt.value) if isinstance(
                            stmt.value, ast.Constant) and isinstance(
                            stmt.value.value, str) else None
                elif target.id in REBUILDS:
                    attrs[target.id] = _NOT_LITERAL
                members.append(ClassfulMember(target.id, "attr"))
        elif isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            if stmt.name in REBUILDS:
                attrs[stmt.name] = _NOT_LITERAL
            members.append(_member(ctx, stmt))
    return ClassfulClassFact(f"{this_module(ctx)}.{node.name}", ctx.path, node.lineno, attrs,
                             tuple(members), base_span)


def _member(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef) -> ClassfulMember:
    kind = "function"
    rules: list[tuple[str, str | None, tuple[str, ...]]] = []
    http: list[tuple[str, str]] = []
    for dec in func.decorator_list:
        name = ctx.qualified_name(dec.func if isinstance(dec, ast.Call) else dec) or ""
        if name in ("classmethod", "builtins.classmethod"):
            kind = "classmethod"
        elif name in ("staticmethod", "builtins.staticmethod"):
            kind = "staticmethod"
        elif name in ("property", "builtins.property", "functools.cached_property") or \
                name.endswith(".setter"):
            kind = "property"
        elif _may_be(name, ROUTE) and isinstance(dec, ast.Call) and dec.args:
            methods = kwarg(dec, "methods")
            found = str_list(methods) if methods is not None else ("GET",)
            rules.append((name, literal_str(dec.args[0]), found or ()))
        elif _may_be(name, METHOD) and isinstance(dec, ast.Call) and dec.args:
            verb = literal_str(dec.args[0])
            if verb:
                http.append((name, verb.upper()))
    if func.name.startswith("_") or kind != "function":
        calls_super = func.name == "register" and any(
            isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and
            n.func.attr == "register" and isinstance(n.func.value, ast.Call) and
            isinstance(n.func.value.func, ast.Name) and n.func.value.func.id == "super"
            for n in ast.walk(func))
        return ClassfulMember(func.name, kind, calls_super=calls_super)
    positional = [*func.args.posonlyargs, *func.args.args]
    required = positional[:len(positional) - len(func.args.defaults)]
    if kind == "function":
        required = required[1:] if required and required[0].arg == "self" else required
    args = tuple((a.arg, CONVERTERS.get(ctx.source(a.annotation), "") if a.annotation
                  else "") for a in required)
    return ClassfulMember(func.name, kind, args, tuple(rules), tuple(http),
                          analyze_handler(ctx, func))


def _may_be(name: str, library: str) -> bool:
    """The library's decorator, or one of the same name imported from a project module that
    may re-export it (`from faraday.server.api.base import route`)."""
    return name == library or (name.rsplit(".", 1)[-1] == library.rsplit(".", 1)[-1] and
                               "." in name)


def register_fact(ctx: FileContext, call: ast.Call) -> list[ClassfulRegisterFact]:
    """`View.register(app, route_base=None, subdomain=None, route_prefix=None,
    trailing_slash=None, method_dashified=None, ...)` with `View` a class of this file or
    imported by name."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr == "register" and
            isinstance(func.value, ast.Name) and call.args):
        return []
    _, bindings = ctx.semantic.lookup(func.value.id, func.value)
    if not bindings or not all(b.kind == "class" or (b.kind == "import" and isinstance(
            b.node, ast.ImportFrom)) for b in bindings):
        return []
    view = object_name(ctx, func.value)
    if view is None:
        return []
    overrides: list[tuple[str, str | None]] = []
    for index, name in ((1, "route_base"), (3, "route_prefix"), (4, "trailing_slash"),
                        (5, "method_dashified")):
        value = call.args[index] if len(call.args) > index else kwarg(call, name)
        if value is None or (isinstance(value, ast.Constant) and value.value is None):
            continue
        if isinstance(value, ast.Constant) and isinstance(value.value, bool):
            overrides.append((name, repr(value.value)))
        else:
            overrides.append((name, literal_str(value)))
    return [ClassfulRegisterFact(view, object_name(ctx, call.args[0]), tuple(overrides),
                                 ctx.path, call.lineno, ctx.span_of(call))]


def registered_member(ctx: FileContext, cls: ast.ClassDef,
                      func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Per file: `func` is a method flask-classful would route if `cls` is a FlaskView, and
    this file registers `cls` (`Cls.register(bp)` at module level) in a Flask file. One
    file cannot tell the class's hierarchy: the per-file question takes the registration at
    its word, as the route table does when the hierarchy reaches FlaskView."""
    if func.name.startswith(("_", "before_", "after_")) or func.name in LIBRARY_NAMES or \
            not (active(ctx) or ctx.semantic.is_imported("flask")):
        return False
    if any((ctx.qualified_name(d) or "").removeprefix("builtins.") in (
            "classmethod", "staticmethod", "property") for d in func.decorator_list):
        return False

    def registered() -> frozenset[str]:
        return frozenset(
            s.value.func.value.id for s in ctx.tree.body
            if isinstance(s, ast.Expr) and isinstance(s.value, ast.Call) and
            isinstance(s.value.func, ast.Attribute) and s.value.func.attr == "register" and
            isinstance(s.value.func.value, ast.Name) and s.value.args and
            not _names_a_class(ctx, s.value.args[0]))

    return cls.name in ctx.memo("classful-registered", ctx.tree, registered) and \
        ctx.semantic.scope_of(cls) is ctx.semantic.module_scope and _may_be_view(ctx, cls)


_ABC = frozenset({"abc.ABC", "abc.ABCMeta"})


def _names_a_class(ctx: FileContext, arg: ast.expr) -> bool:
    """`Store.register(DictStore)`, `DictStore` a class of this file or a builtin type: an
    abstract base class's virtual subclass (its base may be abstract in another module), not
    the app or blueprint flask-classful registers on."""
    if not isinstance(arg, ast.Name):
        return False
    bindings = ctx.semantic.lookup(arg.id, arg)[1]
    if bindings:
        return all(b.kind == "class" for b in bindings)
    return arg.id in ("dict", "list", "tuple", "set", "frozenset", "str", "bytes", "int",
                      "float", "object", "type")


def _may_be_view(ctx: FileContext, cls: ast.ClassDef) -> bool:
    """`cls` can be a FlaskView subclass: it has a base, and neither a base nor its
    metaclass is abc's (`Store.register(DictStore)` of an abstract base class registers a
    virtual subclass, not views)."""
    named = [*cls.bases, *(k.value for k in cls.keywords if k.arg == "metaclass")]
    return bool(cls.bases) and not any(ctx.qualified_name(n) in _ABC for n in named)


# -- project phase ---------------------------------------------------------------------------
def _dashify_uppercase(name: str) -> str:
    first = re.sub(r"(.)([A-Z][a-z]+)", r"\1-\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", first).lower()


@dataclass
class _View:
    """The attributes of a registered view as flask-classful reads them at register()."""

    name: str  # the class's own name
    attrs: dict[str, str]

    def value(self, key: str, default: str | None) -> str | None:
        return self.attrs.get(key, default)

    def route_base(self) -> tuple[str, tuple[str, ...]]:
        """(the base, stripped of slashes; its variables)."""
        base = self.value("route_base", "None")
        if base == _NOT_LITERAL:
            return UNKNOWN_PREFIX, ()
        if base == "None" or base is None:
            name = self.name[:-4] if self.name.endswith("View") else self.name
            return _dashify_uppercase(name), ()
        return base.strip("/"), tuple(_ARG.findall(base))

    def prefix_parts(self) -> list[str]:
        prefix = self.value("route_prefix", "None")
        if prefix == _NOT_LITERAL:
            return [UNKNOWN_PREFIX]
        return [prefix] if prefix and prefix != "None" else []

    def build_rule(self, rule: str, args: tuple[tuple[str, str], ...] | None) -> str:
        parts = self.prefix_parts()
        base, base_vars = self.route_base()
        if base:
            parts.append(base)
        if rule:
            parts.append(rule)
        ignored = {"self", *base_vars, *(self.value("base_args", "") or "").split(",")}
        for arg, converter in args or ():
            if arg not in ignored:
                parts.append(f"<{converter}:{arg}>" if converter else f"<{arg}>")
        return re.sub(r"(/)\1+", r"\1", "/" + "/".join(parts))


def classful_routes(facts: dict[str, list[Any]]) -> list[RouteFact]:
    """The routes of every registered FlaskView subclass."""
    registers: list[ClassfulRegisterFact] = list(facts.get("classful_register", []))
    from ..program import FACT_KIND, program_of

    if not registers or not facts.get(FACT_KIND):
        return []
    from .flask_subclasses import _derives_from

    model = program_of(facts)
    classes = {c.name: c for c in facts.get("classful_class", [])}
    out: list[RouteFact] = []
    for reg in sorted(registers, key=lambda r: (r.file, r.line)):
        cls = model.class_of(reg.view)
        if cls is None or not _derives_from(model, cls.qualname, FLASK_VIEW):
            continue
        mro = model.mro(cls)
        found = [classes.get(c.qualname) for c in mro]
        if any(f is None for f in found):
            continue  # a class of the hierarchy not read: its members are unknown
        out += _view_routes(reg, cls.name, [_resolved(f, model) for f in found
                                            if f is not None])
    return out


def _resolved(fact: ClassfulClassFact, model: Any) -> ClassfulClassFact:
    """The class with only the decorators that are flask-classful's `route` / `method`
    (followed through the project's re-exports): another decorator named so marks nothing."""
    from .flask_subclasses import _library_name

    def library(name: str, wanted: str) -> bool:
        return name == wanted or _library_name(model, name) == wanted

    members = tuple(replace(
        m, rules=tuple(r for r in m.rules if library(r[0], ROUTE)),
        http_methods=tuple(h for h in m.http_methods if library(h[0], METHOD)))
        if m.rules or m.http_methods else m for m in fact.members)
    return replace(fact, members=members)


def _view_routes(reg: ClassfulRegisterFact, name: str, mro: list[ClassfulClassFact]
                 ) -> list[RouteFact]:
    attrs: dict[str, str] = {}
    for klass in reversed(mro):  # the nearest class's assignment wins
        attrs.update(klass.attrs)
    if any(key in attrs for key in REBUILDS):
        return []
    members: dict[str, tuple[ClassfulMember, ClassfulClassFact]] = {}
    for klass in mro:
        for member in klass.members:
            members.setdefault(member.name, (member, klass))
    register = members.get("register")
    if register is not None and not register[0].calls_super:
        return []  # a register() of the project's own that never reaches flask-classful's
    for key, value in reg.overrides:
        # register() sets the class attribute only for a truthy value (trailing_slash: not
        # None), and restores it afterwards.
        if value is None:
            attrs[key] = _NOT_LITERAL
        elif value or key in ("trailing_slash", "method_dashified"):
            attrs[key] = value
    slash = attrs.get("trailing_slash", "True")
    dashified = attrs.get("method_dashified", "False")
    if slash not in ("True", "False") or dashified not in ("True", "False"):
        return []
    excluded = set((attrs.get("excluded_methods") or "").split(","))
    if _NOT_LITERAL in excluded or attrs.get("default_methods") == _NOT_LITERAL:
        return []
    default_methods = tuple((attrs.get("default_methods") or "GET").split(","))
    decorators = tuple(d for d in (attrs.get("decorators") or "").split(",") if d)
    if attrs.get("decorators") == _NOT_LITERAL:
        decorators = ()
    view = _View(name, attrs)
    base_at = _base_at(view, mro, reg)
    out: list[RouteFact] = []
    for member_name in sorted(members):
        member, klass = members[member_name]
        if member.kind not in ("function", "staticmethod") or member.handler is None or \
                member_name in LIBRARY_NAMES or member_name in excluded or \
                member_name.startswith(("_", "before_", "after_")):
            continue
        handler = _with_class_decorators(member.handler, decorators, name)
        if member.rules:
            for _decorator, rule, methods in member.rules:
                path = UNKNOWN_PREFIX if rule is None else view.build_rule(rule, None)
                out.append(_fact(reg, path, methods, handler, klass, mro[0],
                                 base_at if rule is not None else None))
            continue
        if member_name in SPECIAL:
            methods = SPECIAL[member_name]
            path = view.build_rule("/", member.args)
            if slash == "False" and path != "/":
                path = path.rstrip("/")
            elif slash == "True" and not path.endswith("/"):
                path += "/"
        else:
            methods = tuple(h[1] for h in member.http_methods) or default_methods
            shown = member_name.replace("_", "-") if dashified == "True" else member_name
            route_str = f"/{shown}/" if slash == "True" else f"/{shown}"
            path = view.build_rule(route_str, member.args)
            if slash == "True" and not path.endswith("/"):
                path += "/"
        out.append(_fact(reg, path, methods, handler, klass, mro[0], base_at))
    return out


def _base_at(view: _View, mro: list[ClassfulClassFact], reg: ClassfulRegisterFact
             ) -> tuple[str, Any, str, int] | None:
    """Where the view's route base is written as one literal: the nearest class of the MRO
    that assigns `route_base` (the file, the string's span, the literal, and how many
    segments of the built path come before it), unless register() overrides it."""
    if any(key == "route_base" for key, _ in reg.overrides):
        return None
    for klass in mro:
        if "route_base" in klass.attrs:
            written = klass.attrs["route_base"]
            if klass.base_span is None or not segments(written):
                return None
            return (klass.file, klass.base_span, written.strip("/"),
                    len(segments("/".join(view.prefix_parts()))))
    return None


def _with_class_decorators(handler: HandlerInfo, decorators: tuple[str, ...], view: str
                           ) -> HandlerInfo:
    """The handler as the view serves it: named after the registered class, wrapped in the
    class's `decorators` list (flask-classful applies them to every member)."""
    auth, limits = markers(list(decorators))
    return replace(handler, name=f"{view}.{handler.name}",
                   decorators=handler.decorators + decorators,
                   auth=handler.auth + auth, limits=handler.limits + limits)


def _fact(reg: ClassfulRegisterFact, path: str, methods: tuple[str, ...],
          handler: HandlerInfo, defined_in: ClassfulClassFact, view: ClassfulClassFact,
          base_at: tuple[str, Any, str, int] | None = None) -> RouteFact:
    """A route registered on `reg.owner`, shown where the view's own code is: the method's
    def when the registered class defines it, else the class statement."""
    if defined_in is view:
        file, span = handler.file or view.file, handler.span
    else:
        file, span = view.file, replace(handler.span, start_line=view.line,
                                        end_line=view.line, start_col=1, end_col=1)
    return RouteFact("flask", reg.owner, path, methods, file, span, handler,
                     path_written=False, base_at=base_at)


__all__ = ["ClassfulClassFact", "ClassfulMember", "ClassfulRegisterFact", "active",
           "class_fact", "classful_routes", "may_hold_views", "register_fact",
           "registered_member"]
