"""Eve (python-eve) REST APIs: resources declared as settings, served by the app.

An Eve resource is a dict of settings registered under a name: in the `DOMAIN` setting the
app loads (`Eve(settings={...})`, `Eve(settings=SETTINGS)`, or `Eve()` reading the
`settings.py` beside it), by `app.register_resource("people", {...})`, or by a project class
whose constructor calls `app.register_resource(name, ...)` (superdesk's `Resource`: the
class attributes `url`, `resource_methods`, `public_methods`... become the settings, and
`XResource("archive", app=app, service=service)` registers one), found through the class
hierarchy, and through a project function that constructs the class it is handed
(`register_resource(name, resource, service)` calling `resource(name, app=app, ...)`).

Each resource serves two routes (python-eve docs, "Global Configuration" / "Domain
Configuration"): the collection `/<URL_PREFIX>/<API_VERSION>/<url>` with
`resource_methods` (default RESOURCE_METHODS, `["GET"]`) and the item `<url>/<_id>` with
`item_methods` (default ITEM_METHODS, `["GET"]`; its `item_url` regex is not shown).
`public_methods` / `public_item_methods` are served without the app's auth class
(`Eve(auth=TokenAuth)`); every other method requires it. A collection GET is paginated by
Eve (PAGINATION on by default, `pagination: False` turns it off). `internal_resource: True`
has no route. A setting computed at run time (`URL_PREFIX = env("URL_PREFIX", "api")`)
shows by its name (`{URL_PREFIX}`); nothing else is guessed: a resource whose name is not a
string the code fixes registers nothing seen, and a `DOMAIN` dict no Eve app loads is no API.
"""

from __future__ import annotations

import ast
import posixpath
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...astutil import walk
from ...model import Span
from .common import object_name
from .routes import HandlerInfo, RouteFact

if TYPE_CHECKING:
    from ...context import FileContext

EVE_APPS = frozenset({"eve.Eve", "eve.flaskapp.Eve"})
# Resource settings this module reads (the class attribute or dict key of the same name).
RESOURCE_KEYS = frozenset({"url", "resource_methods", "item_methods", "public_methods",
                           "public_item_methods", "internal_resource", "pagination"})
# Global settings: prefixes and the defaults of the resource settings above.
# Eve's own rate limits, per method (`RATE_LIMIT_POST = (requests, seconds)`, counted per
# client in the app's Redis): a route of that method is limited.
RATE_LIMITS = frozenset({"RATE_LIMIT_GET", "RATE_LIMIT_POST", "RATE_LIMIT_PATCH",
                         "RATE_LIMIT_DELETE"})
GLOBAL_KEYS = frozenset({"URL_PREFIX", "API_VERSION", "RESOURCE_METHODS", "ITEM_METHODS",
                         "PUBLIC_METHODS", "PUBLIC_ITEM_METHODS", "PAGINATION", "DOMAIN",
                         *RATE_LIMITS})
_DEFAULTS: dict[str, Value] = {"RESOURCE_METHODS": ("GET",), "ITEM_METHODS": ("GET",),
                               **{k: "" for k in RATE_LIMITS},
                               "PUBLIC_METHODS": (), "PUBLIC_ITEM_METHODS": (),
                               "PAGINATION": True, "URL_PREFIX": "", "API_VERSION": ""}
EVE_ITEM_ID = "<_id>"  # the item route's parameter Eve adds to every resource
_PATH_KEYS = frozenset({"URL_PREFIX", "API_VERSION"})
PAGINATED = "Eve pagination (PAGINATION, on by default)"
# A setting's value: a string, a list of method names, a bool; None = computed at run time.
Value = str | tuple[str, ...] | bool | None
Settings = tuple[tuple[str, Value], ...]


@dataclass(frozen=True)
class EveClassFact:
    """A class holding resource settings as class attributes, and whether its `__init__`
    registers itself (`app.register_resource(<name parameter>, ...)`)."""

    cls: str
    values: Settings
    name_param: int | None  # position (after self) of the resource-name parameter
    file: str
    line: int
    # `self.url = ...` in its `__init__` (the instance's value wins over every class
    # attribute): a literal, or None when computed (`"archive/{}".format(kind)`).
    init_values: Settings = ()


@dataclass(frozen=True)
class EveCallFact:
    """A call that may construct a resource class or reach a registrar function: its first
    argument a string the code fixes, and the classes it passes (position or keyword)."""

    callee: str
    name: str
    refs: tuple[tuple[str, str], ...]
    file: str
    span: Span


@dataclass(frozen=True)
class EveRegistrarFact:
    """`def register_resource(name, resource, ...)` whose body calls `resource(name, ...)`."""

    func: str
    name_index: int
    class_index: int
    class_param: str


@dataclass(frozen=True)
class EveDomainFact:
    """Resources as dicts: a module's `DOMAIN` (loaded only by an Eve app that reads that
    module), an inline settings dict, or `app.register_resource("name", {...})`."""

    module: str
    file: str
    resources: tuple[tuple[str, Settings, int], ...]  # name, settings, line
    registered: bool  # served as is (an app's inline settings, register_resource)
    settings: Settings = ()  # global settings beside it (an inline settings dict)


@dataclass(frozen=True)
class EveAppFact:
    """`Eve(...)` or a project class's instance that may derive from it."""

    cls: str
    auth: str | None  # the auth class named by `auth=`
    settings_file: str | None  # the settings module file it reads ("" = inline / none)
    file: str
    line: int


@dataclass(frozen=True)
class EveSettingFact:
    """A module-level global setting (`URL_PREFIX = ...`, `RESOURCE_METHODS = [...]`)."""

    key: str
    value: Value
    module: str
    file: str
    line: int


# -- per file ------------------------------------------------------------------------------
def _setting(key: str, node: ast.AST | None) -> Value:
    """A global setting's value; a rate limit is on ("on") unless it is None."""
    if key in RATE_LIMITS:
        return "" if isinstance(node, ast.Constant) and node.value is None else "on"
    return _value(node)


def _value(node: ast.AST | None) -> Value:
    if isinstance(node, ast.Constant) and isinstance(node.value, str | bool):
        return node.value
    if isinstance(node, ast.List | ast.Tuple):
        items = [e.value for e in node.elts if isinstance(e, ast.Constant) and
                 isinstance(e.value, str)]
        return tuple(i.upper() for i in items) if len(items) == len(node.elts) else None
    return None


def _dict_settings(node: ast.Dict) -> Settings:
    out: list[tuple[str, Value]] = []
    for key, value in zip(node.keys, node.values, strict=True):
        if isinstance(key, ast.Constant) and key.value in RESOURCE_KEYS:
            out.append((key.value, _value(value)))
    return tuple(out)


def _domain(node: ast.AST | None) -> tuple[tuple[str, Settings, int], ...] | None:
    if not isinstance(node, ast.Dict):
        return None
    out = []
    for key, value in zip(node.keys, node.values, strict=True):
        if isinstance(key, ast.Constant) and isinstance(key.value, str) and \
                isinstance(value, ast.Dict):
            out.append((key.value, _dict_settings(value), key.lineno))
    return tuple(out)


def _string(ctx: FileContext, node: ast.AST, at: ast.AST) -> str | None:
    """A literal, a module constant, or the local the nearest statement before `at` in the
    same block assigned a literal (`endpoint_name = "auth_db"` before each registration)."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if not isinstance(node, ast.Name):
        return None
    scope, bindings = ctx.semantic.lookup(node.id, node)
    if scope is None:
        return None
    if scope is ctx.semantic.module_scope and len(bindings) == 1:
        value = bindings[0].value
        return value.value if isinstance(value, ast.Constant) and \
            isinstance(value.value, str) else None
    func = ctx.semantic.enclosing_function(at)
    if func is None:
        return None
    # The statement of the function's own body the call is in.
    statement: ast.AST | None = at
    while statement is not None and ctx.semantic.parent(statement) is not func:
        statement = ctx.semantic.parent(statement)
    found: str | None = None
    for stmt in func.body:
        if stmt is statement:
            return found
        if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == node.id
                                                for t in stmt.targets):
            found = stmt.value.value if isinstance(stmt.value, ast.Constant) and \
                isinstance(stmt.value.value, str) else None
        elif any(isinstance(sub, ast.Name) and sub.id == node.id and
                 isinstance(sub.ctx, ast.Store) for sub in walk(stmt)):
            found = None  # bound under a branch or loop: not one value here
    return None


def _class_fact(ctx: FileContext, node: ast.ClassDef, registers: bool = True
                ) -> EveClassFact | None:
    """`registers`: whether the file calls anything `register_resource` (FileReader's gate:
    without such a call no `__init__` of it registers its name parameter)."""
    values: list[tuple[str, Value]] = []
    name_param: int | None = None
    init_values: Settings = ()
    for stmt in node.body:
        if isinstance(stmt, ast.Assign | ast.AnnAssign) and stmt.value is not None:
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            if isinstance(stmt.value, ast.Constant) and stmt.value.value is None:
                continue  # `url = None` in a base class: the setting is not given
            for target in targets:
                if isinstance(target, ast.Name) and target.id in RESOURCE_KEYS:
                    values.append((target.id, _value(stmt.value)))
        elif isinstance(stmt, ast.FunctionDef) and stmt.name == "__init__":
            name_param = _registering_param(stmt) if registers else None
            init_values = _init_values(stmt)
    if not values and name_param is None and not init_values:
        return None
    return EveClassFact(f"{ctx.module}.{node.name}", tuple(values), name_param, ctx.path,
                        node.lineno, init_values)


def _init_values(init: ast.FunctionDef) -> Settings:
    out: list[tuple[str, Value]] = []
    for sub in ast.walk(init):
        if isinstance(sub, ast.Assign) and len(sub.targets) == 1 and isinstance(
                sub.targets[0], ast.Attribute) and isinstance(sub.targets[0].value, ast.Name) \
                and sub.targets[0].value.id == "self" and sub.targets[0].attr in RESOURCE_KEYS:
            out.append((sub.targets[0].attr, _value(sub.value)))
    return tuple(out)


def _registering_param(init: ast.FunctionDef) -> int | None:
    """`<param>.register_resource(<x>, ...)` in `__init__`, `<x>` a parameter or the
    `self.<attr>` the body set from one: that parameter's position after self."""
    params = [a.arg for a in init.args.args[1:]]
    from_self: dict[str, str] = {}
    for sub in ast.walk(init):
        if isinstance(sub, ast.Assign) and len(sub.targets) == 1 and isinstance(
                sub.targets[0], ast.Attribute) and isinstance(sub.value, ast.Name) and \
                sub.value.id in params:
            from_self[sub.targets[0].attr] = sub.value.id
    for sub in ast.walk(init):
        if not (isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute) and
                sub.func.attr == "register_resource" and isinstance(sub.func.value, ast.Name)
                and sub.func.value.id in params and sub.args):
            continue
        first = sub.args[0]
        name = first.id if isinstance(first, ast.Name) else from_self.get(
            first.attr, "") if isinstance(first, ast.Attribute) else ""
        if name in params:
            return params.index(name)
    return None


def _registrar(ctx: FileContext, node: ast.FunctionDef | ast.AsyncFunctionDef
               ) -> EveRegistrarFact | None:
    """`def register(endpoint_name, resource_cls, ...): <param>(<param>, ...)`: a module
    function calling one of its parameters with another."""
    params = [a.arg for a in node.args.args]
    if len(params) < 2 or ctx.semantic.enclosing_class(node) is not None:
        return None
    # An exact gate before the walk: the call looked for is one of the file's calls whose
    # callee is written with a parameter's name (the semantic model's index), called with
    # a parameter's name first. Most functions of a file calling some parameter somewhere
    # have none, and each was walked whole (skyvern: 1,343 functions, ~94k nodes).
    if not any(type(call.func) is ast.Name and call.args and type(call.args[0]) is ast.Name
               and call.args[0].id in params  # type: ignore[attr-defined]
               for call in ctx.semantic.calls_named(params)):
        return None
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and \
                sub.func.id in params and sub.args and isinstance(sub.args[0], ast.Name) \
                and sub.args[0].id in params:
            func = object_name(ctx, ast.Name(id=node.name, ctx=ast.Load()))
            return EveRegistrarFact(f"{ctx.module}.{node.name}" if func is None else func,
                                    params.index(sub.args[0].id),
                                    params.index(sub.func.id), sub.func.id)
    return None


def _class_like(name: str) -> bool:
    return name[:1].isupper() and not name.isupper()


def _call_fact(ctx: FileContext, call: ast.Call) -> EveCallFact | None:
    """A call naming a resource: its first argument a string, and the callee a class or
    another argument a class (`register(name, ArchiveResource, ...)`)."""
    if not call.args or len(call.args) + len(call.keywords) < 2:
        return None
    func, first = call.func, call.args[0]
    kind = type(func)
    if kind is not ast.Name and kind is not ast.Attribute:
        return None
    # The written shapes first (asked of every call with two arguments): `_string` reads
    # only a literal or a name, and an attribute callee's name is the one written.
    if type(first) is not ast.Name and not (type(first) is ast.Constant and isinstance(
            first.value, str)):  # type: ignore[attr-defined]
        return None
    written = [(str(i), a) for i, a in enumerate(call.args)] + [
        (k.arg, k.value) for k in call.keywords if k.arg]
    classes = [(key, arg) for key, arg in written[1:] if _class_like(
        arg.id if isinstance(arg, ast.Name) else arg.attr if isinstance(arg, ast.Attribute)
        else "")]
    if not classes and kind is ast.Attribute and not _class_like(
            func.attr):  # type: ignore[attr-defined]
        return None
    callee = object_name(ctx, func)
    if not callee:
        return None
    refs: list[tuple[str, str]] = []
    for key, arg in classes:
        ref = object_name(ctx, arg)
        if ref:
            refs.append((key, ref))
    if not refs and not _class_like(callee.rsplit(".", 1)[-1]):
        return None
    name = _string(ctx, call.args[0], call)
    if name is None:
        return None
    return EveCallFact(callee, name, tuple(refs), ctx.path, ctx.span_of(call))


def _settings_file(ctx: FileContext, call: ast.Call) -> tuple[str | None, list[object]]:
    """Where an app reads its settings: a file beside it, or inline (facts made here)."""
    arg = next((k.value for k in call.keywords if k.arg == "settings"), None)
    here = posixpath.dirname(ctx.path)
    if arg is None:
        return posixpath.join(here, "settings.py"), []
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return posixpath.normpath(posixpath.join(here, arg.value)), []
    value = arg
    if isinstance(arg, ast.Name):
        bindings = ctx.semantic.lookup(arg.id, arg)[1]
        if len(bindings) == 1 and isinstance(bindings[0].value, ast.Dict):
            value = bindings[0].value
    if isinstance(value, ast.Dict):
        return "", [_inline(ctx, value)]
    return None, []


def _inline(ctx: FileContext, node: ast.Dict) -> EveDomainFact:
    resources: tuple[tuple[str, Settings, int], ...] = ()
    settings: list[tuple[str, Value]] = []
    for key, value in zip(node.keys, node.values, strict=True):
        if isinstance(key, ast.Constant) and key.value == "DOMAIN":
            resources = _domain(value) or ()
        elif isinstance(key, ast.Constant) and key.value in GLOBAL_KEYS:
            settings.append((key.value, _setting(key.value, value)))
    return EveDomainFact(ctx.module, ctx.path, resources, True, tuple(settings))


def _app_fact(ctx: FileContext, call: ast.Call) -> list[object]:
    qn = ctx.qualified_name(call.func) or ""
    named = qn in EVE_APPS
    if not named and not (ctx.semantic.is_imported("eve") and any(
            k.arg in ("auth", "settings") for k in call.keywords)):
        return []
    cls = qn if named else object_name(ctx, call.func)
    if not cls:
        return []
    auth = next((k.value for k in call.keywords if k.arg == "auth"), None)
    settings_file, facts = _settings_file(ctx, call)
    auth_name = (object_name(ctx, auth) or ctx.source(auth)) if auth is not None else None
    return [EveAppFact(cls, auth_name, settings_file, ctx.path, call.lineno), *facts]


class FileReader:
    """Every Eve fact of one file, read node by node as the route collector's walk reaches
    them (`on_*`, in the semantic model's walk order, which is the facts' order): no walk
    of the file's nodes of its own. `facts` holds them when the walk is over."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.facts: list[object] = []
        # An Eve app is built only where eve is imported (its qualified name starts with
        # `eve.`, and the settings= reading asks for the import too): no per-call look-up
        # elsewhere.
        self.eve_here = ctx.semantic.is_imported("eve")
        # Per-file gates, exact, from the semantic model's index of callee names (the name
        # a callee is written with): a registrar calls a parameter by its bare name, so a
        # file where no callee is written with a parameter's name has none (most files;
        # each function was walked for it); an `__init__` registers its name parameter
        # through a `.register_resource(...)` call.
        callees = ctx.semantic.callee_names()
        self.registrars = not ctx.semantic.names_bound("param").isdisjoint(callees)
        self.registers = "register_resource" in callees

    def on_class(self, node: ast.ClassDef) -> None:
        fact = _class_fact(self.ctx, node, self.registers)
        if fact is not None:
            self.facts.append(fact)

    def on_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        if not self.registrars:
            return
        registrar = _registrar(self.ctx, node)
        if registrar is not None:
            self.facts.append(registrar)

    def on_call(self, node: ast.Call) -> None:
        ctx = self.ctx
        if isinstance(node.func, ast.Attribute) and node.func.attr == "register_resource" \
                and len(node.args) >= 2 and isinstance(node.args[1], ast.Dict):
            name = _string(ctx, node.args[0], node)
            if name is not None:
                self.facts.append(EveDomainFact(ctx.module, ctx.path, (
                    (name, _dict_settings(node.args[1]), node.lineno),), True))
            return
        if self.eve_here:
            self.facts += _app_fact(ctx, node)
        found = _call_fact(ctx, node)
        if found is not None:
            self.facts.append(found)

    def on_assign(self, node: ast.Assign) -> None:
        ctx = self.ctx
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and \
                node.targets[0].id in GLOBAL_KEYS and \
                ctx.semantic.scope_of(node) is ctx.semantic.module_scope:
            key = node.targets[0].id
            if key == "DOMAIN":
                resources = _domain(node.value)
                if resources is not None:
                    self.facts.append(EveDomainFact(ctx.module, ctx.path, resources, False))
            else:
                self.facts.append(EveSettingFact(key, _setting(key, node.value), ctx.module,
                                                 ctx.path, node.lineno))


# -- project phase -------------------------------------------------------------------------
_REGEX_PARAM = re.compile(r"<regex\((?:[^()]|\([^()]*\))*\):(\w+)>")


def _clean(url: str) -> str:
    """`archive/<regex("[\\w]+"):item_id>/lock` -> `archive/<item_id>/lock`."""
    return _REGEX_PARAM.sub(r"<\1>", url).strip("/")


def _shared_dirs(a: str, b: str) -> int:
    left, right = posixpath.dirname(a).split("/"), posixpath.dirname(b).split("/")
    count = 0
    for x, y in zip(left, right, strict=False):
        if x != y:
            break
        count += 1
    return count


def nearest(settings: list[EveSettingFact], file: str) -> list[EveSettingFact]:
    """The settings modules closest to a registration in the directory tree (`prod_api/`'s
    resources read `prod_api/app/settings.py`); all of them when none is closer."""
    if not settings:
        return settings
    best = max(_shared_dirs(s.file, file) for s in settings)
    return [s for s in settings if _shared_dirs(s.file, file) == best]


def _global(settings: list[EveSettingFact], key: str) -> Value:
    """One value: the literal the settings modules in question that set it agree on, else
    computed. For a part of the path, a module that does not set it has Eve's default ("")
    and disagrees: the part shows by its name rather than as one app's value."""
    modules = {s.file for s in settings}
    found = [s for s in settings if s.key == key]
    if not found:
        return _DEFAULTS.get(key)
    values = {s.value for s in found}
    if key in _PATH_KEYS and len({s.file for s in found}) < len(modules):
        values.add(_DEFAULTS.get(key))
    return found[0].value if len(values) == 1 else None


def _prefix(value: Value, key: str) -> str:
    if value is None:
        return "{" + key + "}"
    return value.strip("/") if isinstance(value, str) else ""


def eve_routes(facts: dict[str, list[Any]]) -> list[RouteFact]:
    apps = facts.get("eve_app", [])
    if not apps:
        return []
    from ..program import FACT_KIND, program_of
    from .flask_subclasses import _derives_from

    model = program_of(facts) if facts.get(FACT_KIND) else None
    served = [a for a in apps if a.cls in EVE_APPS or (
        model is not None and _derives_from(model, a.cls, EVE_APPS))]
    if not served:
        return []
    auth = tuple(sorted({f"{a.auth.rsplit('.', 1)[-1]} (Eve auth=)" for a in served
                         if a.auth}))
    settings: list[EveSettingFact] = list(facts.get("eve_setting", []))
    files = {a.settings_file for a in served if a.settings_file}
    by_file = {s.file for s in settings}
    # Global settings: those of the settings modules the apps read when any is seen, else
    # every module's (a project's default settings module read some other way).
    if files & by_file:
        settings = [s for s in settings if s.file in files]
    out: list[RouteFact] = []
    for domain in facts.get("eve_domain", []):
        if not (domain.registered or domain.file in files):
            continue  # a DOMAIN dict no Eve app loads
        local = settings + [EveSettingFact(k, v, domain.module, domain.file, 0)
                            for k, v in domain.settings]
        for name, values, line in domain.resources:
            span = Span(line, 0, line, 0)
            out += _resource_routes(name, dict(values), local, auth, domain.file, span,
                                    HandlerInfo(name=name, line=line, span=span,
                                                file=domain.file, serves_json=True))
    if model is not None:
        out += _class_routes(facts, model, settings, auth)
    return out


def _class_routes(facts: dict[str, list[Any]], model: Any, settings: list[EveSettingFact],
                  auth: tuple[str, ...]) -> list[RouteFact]:
    classes = {c.cls: c for c in facts.get("eve_class", [])}
    registrars = {r.func: r for r in facts.get("eve_registrar", [])}
    out: list[RouteFact] = []
    for call in facts.get("eve_call", []):
        target = model.resolve(call.callee)
        cls_ref = call.callee
        if target is not None and not hasattr(target, "bases"):
            registrar = registrars.get(getattr(target, "qualname", ""))
            if registrar is None or registrar.name_index != 0:
                continue
            cls_ref = dict(call.refs).get(str(registrar.class_index)) or dict(
                call.refs).get(registrar.class_param, "")
        cls = model.class_of(cls_ref)
        if cls is None:
            continue
        mro = model.mro(cls)
        if not any((f := classes.get(item.qualname)) is not None and f.name_param == 0
                   for item in mro):
            continue
        values: dict[str, Value] = {}
        for item in reversed(mro):
            found = classes.get(item.qualname)
            if found is not None:
                values.update(found.values)
        # What a constructor sets on the instance replaces the class attributes; two
        # constructors setting different values leave it unknown.
        set_by_init: dict[str, set[Value]] = {}
        for item in mro:
            found = classes.get(item.qualname)
            for key, value in found.init_values if found is not None else ():
                set_by_init.setdefault(key, set()).add(value)
        for key, seen in set_by_init.items():
            values[key] = next(iter(seen)) if len(seen) == 1 else None
        span = call.span
        handler = HandlerInfo(name=cls.name, line=cls.line, span=Span(cls.line, 0, cls.line, 0),
                              file=cls.path, serves_json=True)
        out += _resource_routes(call.name, values, settings, auth, call.file, span, handler)
    return out


def _resource_routes(name: str, values: dict[str, Value], settings: list[EveSettingFact],
                     auth: tuple[str, ...], file: str, span: Span, handler: HandlerInfo
                     ) -> list[RouteFact]:
    if values.get("internal_resource") is True:
        return []
    settings = nearest(settings, file)
    url = values.get("url")
    if url is None and "url" in values:
        return []  # a url computed at run time: where it is served is not known
    parts = [_prefix(_global(settings, "URL_PREFIX"), "URL_PREFIX"),
             _prefix(_global(settings, "API_VERSION"), "API_VERSION"),
             _clean(url if isinstance(url, str) else name)]
    base = "/" + "/".join(p for p in parts if p)
    paginated = values.get("pagination", _global(settings, "PAGINATION")) is not False
    out: list[RouteFact] = []
    for path, key, public_key in ((base, "resource_methods", "public_methods"),
                                  (f"{base}/{EVE_ITEM_ID}", "item_methods", "public_item_methods")):
        methods = values.get(key, _global(settings, key.upper()))
        public = values.get(public_key, _global(settings, public_key.upper()))
        if not isinstance(methods, tuple):
            continue  # computed: not told
        open_ = tuple(m for m in methods if isinstance(public, tuple) and m in public)
        closed = tuple(m for m in methods if m not in open_)
        for group, guarded in ((open_, False), (closed, True)):
            if not group:
                continue
            pages = (PAGINATED,) if key == "resource_methods" and "GET" in group and \
                paginated else ()
            limits = tuple(f"Eve RATE_LIMIT_{m}" for m in group
                           if _global(settings, f"RATE_LIMIT_{m}") not in ("", False))
            info = HandlerInfo(name=handler.name, line=handler.line, span=handler.span,
                               file=handler.file, serves_json=True,
                               auth=auth if guarded else (), pagination=pages, limits=limits)
            out.append(RouteFact("eve", None, path, group, file, span, info,
                                 registration="eve", path_written=False))
    return out


__all__ = ["EVE_ITEM_ID", "EveAppFact", "EveCallFact", "EveClassFact", "EveDomainFact",
           "EveRegistrarFact", "EveSettingFact", "eve_routes"]
