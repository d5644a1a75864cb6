"""flask-restful / flask-restx resources registered by a project base class from a table its
subclasses declare:

    class APIBase:                                    # the registrar
        def __init__(self):
            self._bp = Blueprint(..., url_prefix=self._bp_prefix)
            self._api = flask_restful.Api(self._bp, prefix=self._api_url_prefix)
            self._add_mapped_resources()

        def _add_mapped_resources(self):
            for r in self.resource_mapping:
                urls = [r.url]
                self._api.add_resource(r.resource, *urls)

    class UserAPI(APIBase):                           # a table
        _api_url_prefix = "/OS-EXT"
        resource_mapping = [construct_resource_map(resource=UsersResource, url="/users")]

Per file, the registrar (a class that builds a library `Api` and loops over one of its own
attributes into `add_resource`, reading the resource and the urls as fields of each item)
and the tables (class attributes holding a list of calls that pass a class and a "/" url)
are recorded apart; the project phase joins a table to the registrar its class derives from
(the program model's class hierarchy, across modules) when the registrar loops over that
very attribute. The prefix pieces (the blueprint's `url_prefix=`, the Api's `prefix=`) are
literals, or `self.<attr>` read from the nearest class of the table's MRO that assigns the
attribute a literal; any other piece is `{?}`. The resource's methods come from its class
(through its MRO) like any `add_resource` registration."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...model import Span
from .common import kwarg, literal_str, object_name, this_module
from .flask import APPS as FLASK_CLASSES
from .flask_rest import APIS
from .routes import UNKNOWN_PREFIX, HandlerInfo, OwnerFact, Resolver, RouteFact

if TYPE_CHECKING:
    from ...context import FileContext

# One piece of a prefix: ("lit", text), ("attr", class attribute name) or ("unknown", "").
Piece = tuple[str, str]


@dataclass(frozen=True)
class ResourceRegistrarFact:
    """A class that registers each item of `self.<list_attr>` on the Api it builds."""

    cls: str  # qualified name
    list_attr: str
    resource_field: str  # the item's field holding the Resource class
    url_fields: tuple[str, ...]  # the item's fields holding urls, in registration order
    prefix: tuple[Piece, ...]  # blueprint url_prefix, then the Api's prefix
    literals: tuple[tuple[str, str], ...]  # class attributes assigned a string
    file: str
    line: int


@dataclass(frozen=True)
class TableEntry:
    callee: str  # the call building the item (`construct_resource_map`), as resolved
    args: tuple[tuple[str, str | None], ...]  # ("str"|"ref"|"other", value) by position
    keywords: tuple[tuple[str, str, str | None], ...]  # (name, kind, value)
    line: int
    span: Span


@dataclass(frozen=True)
class ResourceTableFact:
    """`resource_mapping = [make_entry(resource=R, url="/r"), ...]` in a class body."""

    cls: str
    attr: str
    entries: tuple[TableEntry, ...]
    literals: tuple[tuple[str, str], ...]
    file: str
    line: int


def _literals(node: ast.ClassDef) -> tuple[tuple[str, str], ...]:
    out = []
    for stmt in node.body:
        target = stmt.targets[0] if isinstance(stmt, ast.Assign) and len(
            stmt.targets) == 1 else (stmt.target if isinstance(stmt, ast.AnnAssign) else None)
        value = literal_str(stmt.value) if isinstance(stmt, ast.Assign | ast.AnnAssign) else None
        if isinstance(target, ast.Name) and value is not None:
            out.append((target.id, value))
    return tuple(out)


# -- per file: the registrar ----------------------------------------------------------------
def registrar(ctx: FileContext, node: ast.ClassDef) -> ResourceRegistrarFact | None:
    """The class builds a flask-restful / flask-restx `Api` and one of its methods loops over
    `self.<attr>` into `<self's api>.add_resource(item.<field>, ...)`."""
    if not ctx.memo("names-add-resource", ctx.tree, lambda: "add_resource" in ctx.text or
                    "add_url_rule" in ctx.text):
        return None
    if ctx.semantic.scope_of(node) is not ctx.semantic.module_scope:
        return None
    api = next((c for c in ast.walk(node) if isinstance(c, ast.Call) and
                ctx.qualified_name(c.func) in APIS), None)
    if api is None:
        return None
    for loop in ast.walk(node):
        if not (isinstance(loop, ast.For) and isinstance(loop.target, ast.Name) and
                _self_attr(loop.iter) is not None):
            continue
        item = loop.target.id
        for call in ast.walk(loop):
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and
                    call.func.attr == "add_resource" and call.args and
                    _on_self(call.func.value)):
                continue
            resource = _field(call.args[0], item)
            urls = _url_fields(loop, call.args[1:], item)
            if resource is None or not urls:
                continue
            return ResourceRegistrarFact(
                f"{this_module(ctx)}.{node.name}", _self_attr(loop.iter) or "", resource,
                urls, _prefix(ctx, node, api), _literals(node), ctx.path, node.lineno)
    return None


def _self_attr(expr: ast.AST) -> str | None:
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and \
            expr.value.id == "self":
        return expr.attr
    return None


def _on_self(expr: ast.AST) -> bool:
    """`self.api`, `self._api`: an object the instance holds (the Api it built)."""
    return _self_attr(expr) is not None


def _field(expr: ast.AST, item: str) -> str | None:
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and \
            expr.value.id == item:
        return expr.attr
    return None


def _url_fields(loop: ast.For, urls: list[ast.expr], item: str) -> tuple[str, ...]:
    """`r.url` passed directly, or `*urls` with `urls = [r.url, ...]` assigned in the loop
    (urls appended later are computed: not read)."""
    out: list[str] = []
    for url in urls:
        if isinstance(url, ast.Starred) and isinstance(url.value, ast.Name):
            for stmt in ast.walk(loop):
                if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(
                        stmt.targets[0], ast.Name) and stmt.targets[0].id == url.value.id \
                        and isinstance(stmt.value, ast.List | ast.Tuple):
                    out += [f for e in stmt.value.elts if (f := _field(e, item))]
                    break
        elif (found := _field(url, item)) is not None:
            out.append(found)
    return tuple(out)


def _prefix(ctx: FileContext, node: ast.ClassDef, api: ast.Call) -> tuple[Piece, ...]:
    """The blueprint the Api is built on (its url_prefix=), then the Api's own prefix=."""
    app = api.args[0] if api.args else kwarg(api, "app")
    pieces: list[Piece] = []
    if app is not None:
        blueprint = _blueprint_of(ctx, node, app)
        if blueprint is None:
            pieces.append(("unknown", ""))  # not a blueprint this class builds
        else:
            pieces.append(_piece(kwarg(blueprint, "url_prefix")))
    pieces.append(_piece(kwarg(api, "prefix")))
    return tuple(pieces)


def _blueprint_of(ctx: FileContext, node: ast.ClassDef, app: ast.expr) -> ast.Call | None:
    if isinstance(app, ast.Call):
        return app if FLASK_CLASSES.get(ctx.qualified_name(app.func) or "") == "router" \
            else None
    attr = _self_attr(app)
    if attr is None:
        return None
    for stmt in ast.walk(node):
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and \
                _self_attr(stmt.targets[0]) == attr and isinstance(stmt.value, ast.Call):
            return _blueprint_of(ctx, node, stmt.value)
    return None


def _piece(expr: ast.expr | None) -> Piece:
    if expr is None:
        return ("lit", "")
    text = literal_str(expr)
    if text is not None:
        return ("lit", text)
    attr = _self_attr(expr)
    if attr is not None:
        return ("attr", attr)
    return ("unknown", "")


# -- per file: the tables -------------------------------------------------------------------
def tables(ctx: FileContext, node: ast.ClassDef) -> list[ResourceTableFact]:
    """Class attributes holding a list of calls that each pass a class and a "/" url."""
    out: list[ResourceTableFact] = []
    for stmt in node.body:
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(
                stmt.targets[0], ast.Name) and isinstance(stmt.value, ast.List | ast.Tuple)
                and stmt.value.elts and
                all(isinstance(e, ast.Call) for e in stmt.value.elts)):
            continue
        entries = tuple(_entry(ctx, e) for e in stmt.value.elts)  # type: ignore[arg-type]
        if not any(_routes_like(e) for e in entries):
            continue
        if ctx.semantic.scope_of(node) is not ctx.semantic.module_scope:
            return []
        out.append(ResourceTableFact(f"{this_module(ctx)}.{node.name}", stmt.targets[0].id,
                                     entries, _literals(node), ctx.path, stmt.lineno))
    return out


def _arg(ctx: FileContext, expr: ast.expr) -> tuple[str, str | None]:
    text = literal_str(expr)
    if text is not None:
        return ("str", text)
    if isinstance(expr, ast.Name | ast.Attribute):
        return ("ref", object_name(ctx, expr))
    return ("other", None)


def _entry(ctx: FileContext, call: ast.Call) -> TableEntry:
    return TableEntry(
        ctx.qualified_name(call.func) or object_name(ctx, call.func) or "",
        tuple(_arg(ctx, a) for a in call.args),
        tuple((k.arg, *_arg(ctx, k.value)) for k in call.keywords if k.arg),
        call.lineno, ctx.span_of(call))


def _routes_like(entry: TableEntry) -> bool:
    values = [*entry.args, *((kind, value) for _, kind, value in entry.keywords)]
    return any(k == "ref" for k, _ in values) and any(
        k == "str" and (v or "").startswith("/") for k, v in values)


# -- project phase --------------------------------------------------------------------------
def registered_resources(facts: dict[str, list[Any]]) -> tuple[list[OwnerFact],
                                                               list[RouteFact]]:
    """The routes each table gives through the registrar its class derives from, and one
    owner per registrar (the app its blueprints are served by)."""
    registrars = {r.cls: r for r in facts.get("resource_registrar", [])}
    found_tables = facts.get("resource_table", [])
    if not registrars or not found_tables:
        return [], []
    from ..program import FACT_KIND, program_of

    if not facts.get(FACT_KIND):
        return [], []
    model = program_of(facts)
    reg_resolver = Resolver(sorted(registrars))
    literals: dict[str, dict[str, str]] = {}
    for fact in [*registrars.values(), *found_tables]:
        literals.setdefault(fact.cls, {}).update(dict(fact.literals))
    lit_resolver = Resolver(sorted(literals))
    view_resolver = Resolver(sorted(v.name for v in facts.get("view_class", [])))
    owners: dict[str, OwnerFact] = {}
    routes: list[RouteFact] = []
    for table in found_tables:
        cls = model.class_of(table.cls)
        if cls is None:
            continue
        mro = model.mro(cls)
        reg = next((registrars[n] for item in mro
                    if (n := reg_resolver.find(item.qualname)) is not None), None)
        if reg is None or reg.list_attr != table.attr:
            continue
        # `self.<attr>`: the nearest class of the table's MRO that assigns it a string.
        assigned: dict[str, str] = {}
        for item in reversed(mro):
            found = lit_resolver.find(item.qualname)
            assigned.update(literals[found] if found is not None else {})
        prefix = _join_pieces(reg.prefix, assigned)
        owners.setdefault(reg.cls, OwnerFact(reg.cls, "flask", "app", "", file=reg.file,
                                             line=reg.line))
        for entry in table.entries:
            values = _entry_values(entry, model)
            kind, resource = values.get(reg.resource_field, ("other", None))
            if kind != "ref" or not resource:
                continue
            resource = serving_class(resource, model, view_resolver)
            name = resource.rsplit(".", 1)[-1]
            for url_field in reg.url_fields:
                url_kind, url = values.get(url_field, ("other", None))
                path = prefix + (url if url_kind == "str" and url is not None
                                 else UNKNOWN_PREFIX)
                routes.append(RouteFact("flask", reg.cls, _collapse(path), (), table.file,
                                        entry.span, HandlerInfo(name=name, line=entry.line,
                                                                span=entry.span),
                                        view_ref=resource))
    return sorted(owners.values(), key=lambda o: o.name), routes


def serving_class(ref: str, model: Any, views: Resolver) -> str:
    """A Resource with nothing of its own (`class GroupConfig(ConfigBase): \"\"\"doc\"\"\"`)
    serves what the nearest class of its MRO that the route collector read serves."""
    if views.find(ref) is not None:
        return ref
    cls = model.class_of(ref)
    if cls is None:
        return ref
    return next((item.qualname for item in model.mro(cls)
                 if views.find(item.qualname) is not None), ref)


def _entry_values(entry: TableEntry, model: Any) -> dict[str, tuple[str, str | None]]:
    """The entry's arguments by parameter name: keywords, and positional arguments named by
    the parameters of the project function that builds the entry."""
    values = {name: (kind, value) for name, kind, value in entry.keywords}
    if entry.args:
        from ..program.model import FunctionInfo

        target = model.resolve(entry.callee) if entry.callee else None
        # A plain function or static method takes the arguments as written; a classmethod
        # binds its first parameter; a method's binding is not known here.
        params = {"function": target.params, "staticmethod": target.params,
                  "classmethod": target.params[1:]}.get(target.kind, ()) if isinstance(
            target, FunctionInfo) else ()
        if params:
            for param, arg in zip(params, entry.args, strict=False):
                values.setdefault(param, arg)
    return values


def _join_pieces(pieces: tuple[Piece, ...], assigned: dict[str, str]) -> str:
    out = ""
    for kind, value in pieces:
        text = value if kind == "lit" else (assigned.get(value) if kind == "attr" else None)
        out += UNKNOWN_PREFIX if text is None else text.rstrip("/")
    return out


def _collapse(path: str) -> str:
    """Adjacent unknown pieces are one unknown piece: `{?}{?}/users` -> `{?}/users`."""
    while UNKNOWN_PREFIX * 2 in path:
        path = path.replace(UNKNOWN_PREFIX * 2, UNKNOWN_PREFIX)
    return path


__all__ = ["ResourceRegistrarFact", "ResourceTableFact", "registered_resources", "registrar",
           "tables"]
