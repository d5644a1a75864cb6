"""flask-restful resources named in a table of dicts handed to a project helper, and API
modules loaded from a literal list of module names (cloudkitty's v2 API):

    API_MODULES = ["app.api.v2.scope", "app.api.v2.summary"]      # app/api/v2/__init__.py
    def get_api_app():
        app = flask.Flask(__name__)
        for module_name in API_MODULES:
            module = importlib.import_module(module_name)
            module.init(app)                      # a call of app.api.v2.scope.init(app)...
        return app

    def init(app):                                                  # app/api/v2/scope
        api_utils.do_init(app, "scope", [
            {"module": __name__ + ".state", "resource_class": "ScopeState", "url": ""},
        ])

    def do_init(app, blueprint_name, resources):                    # the registrar
        blueprint, api = _get_blueprint_and_api(blueprint_name)
        for resource_info in schema(resources):
            resource = _load_resource(resource_info["module"], resource_info["resource_class"])
            api.add_resource(resource, resource_info["url"])
        app.register_blueprint(blueprint, url_prefix="/" + blueprint_name)

Per file: the loop over a module-level literal list of module names (`importlib.import_module`
of the loop variable, then `module.<function>(args)`) is a call of `<name>.<function>` for
each name (call_bindings.CallArgFact, so the function's app parameter stands for the app
passed); a call handing a project function a list of dict literals whose values are strings
(`__name__ + ".state"` is this module's name) is a table call; a function that loops over its
table parameter, loads each item's class by its module and class fields (`getattr(
importlib.import_module(m), c)`, directly or through a function of its module doing just that)
and hands it to `add_resource` with the item's url field, then registers its blueprint on its
app parameter below its name parameter, is a table registrar. The project phase joins a table
call to the registrar its callee resolves to (program model) and gives one route per row,
below `/<name>` on the app the call passes. Anything else (a computed module name, a field
that is not a string, a registrar whose prefix is computed otherwise) registers nothing."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...model import Span
from ..values import table_string
from .call_bindings import CallArgFact, params_facts, reference
from .common import literal_str, literal_strings, object_name, this_module
from .routes import HandlerInfo, MountFact, OwnerFact, Resolver, RouteFact

if TYPE_CHECKING:
    from ...context import FileContext

_IMPORT_MODULE = frozenset({"importlib.import_module"})


@dataclass(frozen=True)
class TableRow:
    values: tuple[tuple[str, str], ...]  # (key, string value)
    span: Span


@dataclass(frozen=True)
class TableCallFact:
    """`helper(app, "scope", [{...}, ...])`: a project function handed a table of dicts."""

    callee: str
    args: tuple[tuple[str, str, str], ...]  # (position, kind "ref" | "str", value)
    table_position: str
    rows: tuple[TableRow, ...]
    file: str
    line: int


@dataclass(frozen=True)
class TableRegistrarFact:
    """A function registering each row of its table parameter as a flask-restful resource."""

    func: str  # how callers name it
    app_position: str
    name_position: str
    table_position: str
    module_key: str
    class_key: str
    url_key: str
    file: str
    line: int


# -- per file: the loop over module names --------------------------------------------------
def module_loop_calls(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef
                      ) -> list[object]:
    """`for name in API_MODULES: m = importlib.import_module(name); m.init(app)`: one call
    of `<name>.init` per listed module, with the same arguments."""
    out: list[object] = []
    for loop in (n for n in ast.walk(func) if isinstance(n, ast.For)):
        if not isinstance(loop.target, ast.Name):
            continue
        names = literal_strings(ctx, loop.iter)
        if not names:
            continue
        loaded = {t.id for s in loop.body if isinstance(s, ast.Assign) and
                  _imports_variable(ctx, s.value, loop.target.id)
                  for t in s.targets if isinstance(t, ast.Name)}
        for node in ast.walk(loop):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and
                    isinstance(node.func.value, ast.Name) and node.func.value.id in loaded):
                continue
            refs = tuple((str(i), ref) for i, arg in enumerate(node.args)
                         if (ref := reference(ctx, arg)) is not None)
            if not refs:
                continue
            out += [CallArgFact(f"{name}.{node.func.attr}", refs, ctx.path, node.lineno)
                    for name in names]
            out += params_facts(ctx, node, [r for _, r in refs])
    return out


def _imports_variable(ctx: FileContext, value: ast.AST, variable: str) -> bool:
    return isinstance(value, ast.Call) and (ctx.qualified_name(value.func) or "") in \
        _IMPORT_MODULE and len(value.args) == 1 and isinstance(value.args[0], ast.Name) and \
        value.args[0].id == variable


# -- per file: the table call --------------------------------------------------------------
def table_call(ctx: FileContext, call: ast.Call) -> list[object]:
    """A call handing a project function a list of dict literals of strings, with the other
    arguments as references or strings."""
    table = next(((str(i), a) for i, a in enumerate(call.args)
                  if isinstance(a, ast.List) and a.elts and
                  all(isinstance(e, ast.Dict) for e in a.elts)), None)
    if table is None:
        return []
    rows: list[TableRow] = []
    for entry in table[1].elts:
        assert isinstance(entry, ast.Dict)
        values: list[tuple[str, str]] = []
        for key, value in zip(entry.keys, entry.values, strict=False):
            k = literal_str(key)
            # a row's string: literals, `__name__` (this module's name) and `+` of those
            v = table_string(value, {"__name__": this_module(ctx)})
            if k is None or v is None:
                return []
            values.append((k, v))
        rows.append(TableRow(tuple(values), ctx.span_of(entry)))
    callee = object_name(ctx, call.func)
    if callee is None:
        return []
    args: list[tuple[str, str, str]] = []
    for i, arg in enumerate(call.args):
        if str(i) == table[0]:
            continue
        text = literal_str(arg)
        ref = reference(ctx, arg) if text is None else None
        if text is not None:
            args.append((str(i), "str", text))
        elif ref is not None:
            args.append((str(i), "ref", ref))
    out: list[object] = [TableCallFact(callee, tuple(args), table[0], tuple(rows), ctx.path,
                                       call.lineno)]
    return out + params_facts(ctx, call, [v for _, kind, v in args if kind == "ref"])


# -- per file: the registrar ---------------------------------------------------------------
def table_registrar(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef
                    ) -> TableRegistrarFact | None:
    params = [a.arg for a in func.args.args]
    if len(params) < 3 or ctx.semantic.scope_of(func) is not ctx.semantic.module_scope:
        return None
    text = ctx.source(func)
    if "add_resource" not in text or "register_blueprint" not in text:
        return None
    found = _resource_loop(ctx, func, params)
    blueprint = _blueprint_registration(func, params)
    if found is None or blueprint is None:
        return None
    table, module_key, class_key, url_key = found
    app, name = blueprint
    return TableRegistrarFact(f"{this_module(ctx)}.{func.name}", str(params.index(app)),
                              str(params.index(name)), str(params.index(table)), module_key,
                              class_key, url_key, ctx.path, func.lineno)


def _resource_loop(ctx: FileContext, func: ast.AST, params: list[str]
                   ) -> tuple[str, str, str, str] | None:
    """(table parameter, module field, class field, url field) of `for item in
    <...table...>: r = load(item["module"], item["class"]); api.add_resource(r, item["url"])`."""
    for loop in (n for n in ast.walk(func) if isinstance(n, ast.For)):
        item = loop.target.id if isinstance(loop.target, ast.Name) else None
        table = next((n.id for n in ast.walk(loop.iter)
                      if isinstance(n, ast.Name) and n.id in params), None)
        if item is None or table is None:
            continue
        loaded: dict[str, tuple[str, str]] = {}
        for stmt in ast.walk(loop):
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(
                    stmt.targets[0], ast.Name):
                fields = _loaded_class(ctx, stmt.value, item)
                if fields is not None:
                    loaded[stmt.targets[0].id] = fields
        for call in ast.walk(loop):
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and
                    call.func.attr == "add_resource" and len(call.args) == 2 and
                    isinstance(call.args[0], ast.Name) and call.args[0].id in loaded):
                continue
            url = _field(call.args[1], item)
            if url is not None:
                return (table, *loaded[call.args[0].id], url)
    return None


def _field(node: ast.AST, item: str) -> str | None:
    """`item["url"]`: the field's name."""
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and \
            node.value.id == item:
        return literal_str(node.slice)
    return None


def _loaded_class(ctx: FileContext, value: ast.AST, item: str) -> tuple[str, str] | None:
    """`getattr(importlib.import_module(item["m"]), item["c"])`, or a function of this
    module called with the two fields whose body does that with its two parameters."""
    if not (isinstance(value, ast.Call) and len(value.args) == 2):
        return None
    module, cls = _field(value.args[0], item), None
    if isinstance(value.func, ast.Name) and value.func.id == "getattr" and isinstance(
            value.args[0], ast.Call) and _imports_param(ctx, value.args[0], None):
        inner = value.args[0].args[0] if value.args[0].args else None
        module = _field(inner, item) if inner is not None else None
        cls = _field(value.args[1], item)
        return (module, cls) if module and cls else None
    cls = _field(value.args[1], item)
    if module is None or cls is None or not isinstance(value.func, ast.Name):
        return None
    bindings = ctx.semantic.lookup(value.func.id, value)[1]
    loader = bindings[0].node if len(bindings) == 1 and bindings[0].kind == "def" else None
    if not isinstance(loader, ast.FunctionDef) or len(loader.args.args) != 2:
        return None
    first, second = (a.arg for a in loader.args.args)
    imports = any(isinstance(n, ast.Call) and _imports_param(ctx, n, first)
                  for n in ast.walk(loader))
    gets = any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and
               n.func.id == "getattr" and len(n.args) >= 2 and
               isinstance(n.args[1], ast.Name) and n.args[1].id == second
               for n in ast.walk(loader))
    return (module, cls) if imports and gets else None


def _imports_param(ctx: FileContext, call: ast.Call, param: str | None) -> bool:
    if (ctx.qualified_name(call.func) or "") not in _IMPORT_MODULE or len(call.args) != 1:
        return False
    return param is None or (isinstance(call.args[0], ast.Name) and call.args[0].id == param)


def _blueprint_registration(func: ast.AST, params: list[str]) -> tuple[str, str] | None:
    """(app parameter, name parameter) of `app.register_blueprint(bp, url_prefix=name)`,
    the name only ever rebound to `"/" + name`."""
    for call in ast.walk(func):
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and
                call.func.attr == "register_blueprint" and
                isinstance(call.func.value, ast.Name) and call.func.value.id in params):
            continue
        prefix = next((k.value for k in call.keywords if k.arg == "url_prefix"), None)
        if isinstance(prefix, ast.BinOp) and literal_str(prefix.left) == "/":
            prefix = prefix.right
        if not (isinstance(prefix, ast.Name) and prefix.id in params):
            return None
        rebound = [s for s in ast.walk(func) if isinstance(s, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == prefix.id for t in s.targets)]
        if any(not (isinstance(s.value, ast.BinOp) and literal_str(s.value.left) == "/" and
                    isinstance(s.value.right, ast.Name) and s.value.right.id == prefix.id)
               for s in rebound):
            return None
        return call.func.value.id, prefix.id
    return None


# -- project phase -------------------------------------------------------------------------
def without_templates(facts: dict[str, list[Any]], routes: list[RouteFact]
                      ) -> list[RouteFact]:
    """The routes less a registrar's own `add_resource` on the Api it builds: the template
    each row fills, no route of its own."""
    inside = tuple(f"{r.func}." for r in facts.get("table_registrar", []))
    if not inside:
        return routes
    return [r for r in routes if not (r.owner and r.owner.startswith(inside))]


def table_routes(facts: dict[str, list[Any]]
                 ) -> tuple[list[OwnerFact], list[MountFact], list[RouteFact]]:
    """A blueprint per table call that reaches a registrar, mounted on the app the call
    passes, with one resource route per row."""
    registrars = {r.func: r for r in facts.get("table_registrar", [])}
    calls = facts.get("table_call", [])
    if not registrars or not calls:
        return [], [], []
    from ..program import FACT_KIND, program_of

    model = program_of(facts) if facts.get(FACT_KIND) else None
    if model is None:
        return [], [], []
    from .restful_helpers import serving_class

    views = Resolver(sorted(v.name for v in facts.get("view_class", [])))
    owners: list[OwnerFact] = []
    mounts: list[MountFact] = []
    routes: list[RouteFact] = []
    for call in calls:
        found = model.resolve(call.callee)
        registrar = registrars.get(getattr(found, "qualname", ""))
        if registrar is None or registrar.table_position != call.table_position:
            continue
        args = {position: (kind, value) for position, kind, value in call.args}
        app = args.get(registrar.app_position)
        name = args.get(registrar.name_position)
        if app is None or app[0] != "ref" or name is None or name[0] != "str":
            continue
        prefix = name[1] if name[1].startswith("/") else "/" + name[1]
        owner = f"{registrar.func}<{call.file}:{call.line}>"
        owners.append(OwnerFact(owner, "flask", "router", prefix, file=call.file,
                                line=call.line))
        mounts.append(MountFact(app[1], owner, "", "flask", call.file, call.line))
        for row in call.rows:
            values = dict(row.values)
            module, cls = values.get(registrar.module_key), values.get(registrar.class_key)
            url = values.get(registrar.url_key)
            if not module or not cls or url is None:
                continue
            path = url if not url or url.startswith("/") else "/" + url
            routes.append(RouteFact("flask", owner, path, (), call.file, row.span,
                                    HandlerInfo(name=cls, line=row.span.start_line,
                                                span=row.span),
                                    view_ref=serving_class(f"{module}.{cls}", model, views)))
    return owners, mounts, routes


__all__ = ["TableCallFact", "TableRegistrarFact", "module_loop_calls", "table_call",
           "table_registrar", "table_routes", "without_templates"]
