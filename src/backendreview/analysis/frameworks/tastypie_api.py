"""django-tastypie APIs: `api = Api(api_name="v1")`, `api.register(NoteResource())`, mounted
with `path("", include(api.urls))`.

tastypie serves, for each registered resource (tastypie.resources.Resource.base_urls):

    <api_name>/<resource_name>/            dispatch_list    (list_allowed_methods)
    <api_name>/<resource_name>/schema/     get_schema       (GET)
    <api_name>/<resource_name>/<pk>/       dispatch_detail  (detail_allowed_methods)

`resource_name` comes from the resource's `Meta` (default: the class name without
`Resource`, lower-cased); `list_allowed_methods` / `detail_allowed_methods` default to
`allowed_methods`, which defaults to GET, POST, PUT, DELETE, PATCH. A resource's options are
its own `class Meta` (with the classes that Meta derives from) or, when it declares none, the
nearest base resource's. Authentication defaults to `Authentication()` (anonymous callers
pass); a `Meta.authentication` / `Meta.authorization` other than tastypie's permissive
defaults is shown as the route's auth. Every list is paginated (tastypie's Paginator, `limit`
and `max_limit`, 1000 by default; `max_limit = None` or `0` lets a caller ask for every row
with `limit=0`, shown in the pagination column).

Per file this module records the Api objects, the registrations (`X.register(Cls())`, on an
object the project phase must know as an Api: an Api never built, or a registration on
another object, serves nothing) and the classes of files that import tastypie (resources
and the plain classes their Meta derives from). The project phase turns each registration on
an Api into route facts owned by `<api>.urls`, the object `include(api.urls)` mounts.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...model import Span
from .common import arg_or_kw, assigned_target, literal_str, object_name, this_module
from .routes import HandlerInfo, OwnerFact, Resolver, RouteFact

if TYPE_CHECKING:
    from ...context import FileContext

API_CLASSES = frozenset({"tastypie.api.Api", "tastypie.api.NamespacedApi"})
RESOURCE_BASES = ("tastypie.resources.",)
OPTIONS = frozenset({"resource_name", "allowed_methods", "list_allowed_methods",
                     "detail_allowed_methods", "authentication", "authorization",
                     "max_limit", "limit", "paginator_class", "detail_uri_name"})
DEFAULT_METHODS = ("get", "post", "put", "delete", "patch")
# tastypie's own permissive defaults: they let anonymous callers through.
_PERMISSIVE = ("Authentication", "ReadOnlyAuthorization", "Authorization")


@dataclass(frozen=True)
class TastypieApiFact:
    name: str  # qualified name of the Api object
    api_name: str
    file: str
    line: int


@dataclass(frozen=True)
class TastypieRegisterFact:
    api: str  # the object registered on (an Api only if the project phase knows it)
    resource: str  # the class instantiated: `api.register(NoteResource())`
    file: str
    line: int
    col: int


@dataclass(frozen=True)
class TastypieClassFact:
    name: str
    bases: tuple[str, ...]
    attrs: tuple[tuple[str, str], ...]  # class-level options (a class a Meta derives from)
    has_meta: bool
    meta_bases: tuple[str, ...]
    meta_attrs: tuple[tuple[str, str], ...]
    file: str
    line: int
    col: int


def active(ctx: FileContext) -> bool:
    return ctx.semantic.is_imported("tastypie")


def holds_options(node: ast.ClassDef) -> bool:
    """A class of a file that does not import tastypie that a resource's Meta may derive
    from (`class CommonMetaApi: authorization = ...; allowed_methods = [...]`)."""
    return any(isinstance(s, ast.Assign) and len(s.targets) == 1 and isinstance(
        s.targets[0], ast.Name) and s.targets[0].id in OPTIONS for s in node.body)


# -- per file --------------------------------------------------------------------------------
def on_call(ctx: FileContext, call: ast.Call) -> list[object]:
    """`api = Api(api_name="v1")` and `api.register(NoteResource())`."""
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr == "register" and len(call.args) == 1 \
            and isinstance(call.args[0], ast.Call) and not call.args[0].args:
        api = object_name(ctx, func.value)
        resource = object_name(ctx, call.args[0].func)
        if api and resource:
            return [TastypieRegisterFact(api, resource, ctx.path, call.lineno,
                                         call.col_offset)]
        return []
    if ctx.qualified_name(func) not in API_CLASSES:
        return []
    target = assigned_target(ctx, call)
    name = object_name(ctx, target) if target is not None else None
    if not name:
        return []
    api_name = literal_str(arg_or_kw(call, 0, "api_name"))
    if api_name is None and arg_or_kw(call, 0, "api_name") is not None:
        return []  # a computed name: its paths are unknown
    return [TastypieApiFact(name, api_name or "v1", ctx.path, call.lineno)]


def _options(ctx: FileContext, body: list[ast.stmt]) -> tuple[tuple[str, str], ...]:
    out: list[tuple[str, str]] = []
    for stmt in body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(
                stmt.targets[0], ast.Name) and stmt.targets[0].id in OPTIONS:
            value = stmt.value
            if isinstance(value, ast.List | ast.Tuple):
                items = [literal_str(e) for e in value.elts]
                text = ",".join(i for i in items if i is not None) if None not in items \
                    else "?"
            elif isinstance(value, ast.Constant):
                text = repr(value.value) if not isinstance(value.value, str) else value.value
            else:
                text = ctx.source(value).split("(", 1)[0].strip()
            out.append((stmt.targets[0].id, text))
    return tuple(out)


def on_class(ctx: FileContext, node: ast.ClassDef) -> list[object]:
    """A class of a file that imports tastypie: a resource, or a class a Meta derives from."""
    if ctx.semantic.scope_of(node) is not ctx.semantic.module_scope:
        return []
    bases = tuple(b for b in (object_name(ctx, e) for e in node.bases) if b)
    meta = next((s for s in node.body if isinstance(s, ast.ClassDef) and s.name == "Meta"),
                None)
    meta_bases = tuple(b for b in (object_name(ctx, e) for e in meta.bases) if b) \
        if meta is not None else ()
    return [TastypieClassFact(f"{this_module(ctx)}.{node.name}", bases,
                              _options(ctx, node.body), meta is not None, meta_bases,
                              _options(ctx, meta.body) if meta is not None else (),
                              ctx.path, node.lineno, node.col_offset)]


# -- project phase ---------------------------------------------------------------------------
class _Classes:
    def __init__(self, facts: list[TastypieClassFact]) -> None:
        self.by_name = {f.name: f for f in facts}
        self.resolver = Resolver(sorted(self.by_name))

    def get(self, name: str) -> TastypieClassFact | None:
        found = self.resolver.find(name)
        return self.by_name[found] if found else None

    def is_resource(self, name: str, depth: int = 0) -> bool:
        cls = self.get(name)
        if cls is None:
            return name.startswith(RESOURCE_BASES)
        return depth < 10 and any(self.is_resource(b, depth + 1) for b in cls.bases
                                  if b != name)

    def plain_options(self, name: str, depth: int = 0) -> dict[str, str]:
        """The options of a class a Meta derives from (`class Meta(CommonMetaApi)`)."""
        cls = self.get(name)
        if cls is None or depth > 10:
            return {}
        out: dict[str, str] = {}
        for base in reversed(cls.bases):
            out.update(self.plain_options(base, depth + 1))
        out.update(cls.attrs)
        return out

    def meta(self, name: str, depth: int = 0) -> dict[str, str]:
        """The resource's options: its own Meta (with what that Meta derives from), or the
        nearest base resource's when it declares none."""
        cls = self.get(name)
        if cls is None or depth > 10:
            return {}
        if cls.has_meta:
            out: dict[str, str] = {}
            for base in reversed(cls.meta_bases):
                out.update(self.plain_options(base))
            out.update(cls.meta_attrs)
            return out
        for base in cls.bases:
            found = self.meta(base, depth + 1)
            if found or self.get(base) is not None:
                return found
        return {}


def _methods(text: str | None, default: tuple[str, ...]) -> tuple[str, ...]:
    if text is None or text == "?":
        return default
    return tuple(m.upper() for m in text.split(",") if m)


def _default_name(class_name: str) -> str:
    return "".join(bit for bit in class_name.split("Resource") if bit).lower()


def _auth(meta: dict[str, str]) -> tuple[str, ...]:
    out = []
    for key in ("authentication", "authorization"):
        text = meta.get(key)
        if text and text.rsplit(".", 1)[-1] not in _PERMISSIVE:
            out.append(f"Meta.{key} = {text}")
    return tuple(out)


def _read_only(meta: dict[str, str]) -> bool:
    """No `Meta.authorization` (tastypie's default, ReadOnlyAuthorization) or that class
    named: every write is refused, whoever calls."""
    text = meta.get("authorization")
    return text is None or text.rsplit(".", 1)[-1] == "ReadOnlyAuthorization"


_READ_ONLY = "tastypie ReadOnlyAuthorization (Meta.authorization default): refuses writes"


def _split(methods: tuple[str, ...], meta: dict[str, str], auth: tuple[str, ...]
           ) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """(methods, auth) rows: under a read-only authorization the writes are refused."""
    if not _read_only(meta) or auth:
        return [(methods, auth)]
    reads = tuple(m for m in methods if m == "GET")
    writes = tuple(m for m in methods if m != "GET")
    return [(m, a) for m, a in ((reads, auth), (writes, (_READ_ONLY,))) if m]


def _pagination(meta: dict[str, str]) -> tuple[str, ...]:
    paginator = meta.get("paginator_class", "tastypie Paginator")
    max_limit = meta.get("max_limit")
    ceiling = "" if max_limit is None else (
        f"; max_limit={max_limit}: limit=0 returns every row" if max_limit in ("None", "0")
        else f"; max_limit={max_limit}")
    return (f"{paginator} (limit{ceiling})",)


def tastypie_routes(facts: dict[str, list[Any]]) -> tuple[list[OwnerFact], list[RouteFact]]:
    """Route facts for every resource registered on a known Api, owned by `<api>.urls`."""
    # An Api serves only where a urlconf includes `api.urls`: one never included (or a
    # registration on an object that is no Api) serves nothing.
    mounted = Resolver(sorted({m.child for m in facts.get("route_mount", []) if m.child}))
    apis = {a.name: a for a in facts.get("tastypie_api", [])
            if mounted.find(f"{a.name}.urls") is not None}
    if not apis:
        return [], []
    api_resolver = Resolver(sorted(apis))
    classes = _Classes(list(facts.get("tastypie_class", [])))
    owners: dict[str, OwnerFact] = {}
    out: list[RouteFact] = []
    for reg in facts.get("tastypie_register", []):
        found = api_resolver.find(reg.api)
        if found is None or not classes.is_resource(reg.resource):
            continue
        api = apis[found]
        owner = f"{api.name}.urls"
        owners.setdefault(owner, OwnerFact(owner, "django", "router", "", file=api.file,
                                           line=api.line))
        cls = classes.get(reg.resource)
        meta = classes.meta(reg.resource)
        short = reg.resource.rsplit(".", 1)[-1]
        resource_name = meta.get("resource_name") or _default_name(short)
        allowed = _methods(meta.get("allowed_methods"), tuple(
            m.upper() for m in DEFAULT_METHODS))
        list_methods = _methods(meta.get("list_allowed_methods"), allowed)
        detail_methods = _methods(meta.get("detail_allowed_methods"), allowed)
        pk = meta.get("detail_uri_name") or "pk"
        auth = _auth(meta)
        file, line, col = (cls.file, cls.line, cls.col) if cls else (reg.file, reg.line,
                                                                     reg.col)
        span = Span(line, col + 1, line, col + 1)
        base = f"{api.api_name}/{resource_name}/"
        for path, all_methods, pages in ((base, list_methods, _pagination(meta)),
                                         (f"{base}schema/", ("GET",), ()),
                                         (f"{base}{{{pk}}}/", detail_methods, ())):
            for methods, row_auth in _split(all_methods, meta, auth):
                handler = HandlerInfo(name=short, line=line, span=span, auth=row_auth,
                                      pagination=pages if "GET" in methods else (),
                                      file=file)
                # Shown at the class statement, put together from the Api's name and
                # Meta.resource_name (or the class name): no literal here to rewrite.
                out.append(RouteFact("tastypie", owner, path, methods, file, span,
                                     handler=handler, path_written=False))
    return list(owners.values()), out


__all__ = ["TastypieApiFact", "TastypieClassFact", "TastypieRegisterFact", "active",
           "on_call", "on_class", "tastypie_routes"]
