"""Helpers shared by the framework extractors: literals, object names, and what a handler's
own code shows (auth and limiter markers, pagination evidence, an unbounded query)."""

from __future__ import annotations

import ast
import itertools
import re
import sys
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING

from ...astutil import call_chain, own_nodes
from ..row_bounds import fetched_select
from ..sql_bounds import last_execute, selects_every_row
from ..strings import StringAnalyzer
from ..values import argument, is_password_name, keyword, tracker_for
from .html_pages import JSON_RESPONSES, returns_page

# NAMED_VALUE (`{NAME}`, a value path_text names but cannot read) is path_format's: kept
# importable from here, where path_text writes it.
from .path_format import NAMED_VALUE as NAMED_VALUE
from .path_format import formatted_text
from .routes import AliasFact, HandlerInfo, QueryFact
from .writes import handler_writes

if TYPE_CHECKING:
    from ...context import FileContext
    from ...semantic import Binding

# Names that mark authentication: decorators, dependencies, mixins, permission classes.
AUTH_NAME = re.compile(
    r"(auth|login_required|current_\w*user|permission|jwt_required|"
    r"token_required|api_?key|oauth|admin_required|user_required|superuser_required|staff_member|"
    r"user_passes_test|roles?_(required|accepted)|requires?_(login|user|admin|role|scope|access)|"
    r"verify_token|access_required|isauthenticated|isadmin|loginrequired|"
    r"check_access|csrf_protect|protected|has_access|^protect$"
    # Django's AdminSite.admin_view: active staff only
    r"|^admin_view$)", re.I)
_USER_DEP = re.compile(r"^(get|require|verify|ensure|fetch|load|check)_(\w+_)?(user|admin|"
                       r"principal|account|member|identity|owner)s?$|^(current|verified|"
                       r"active|admin|authenticated|logged_in)_(user|admin|principal)$", re.I)
# A permission dependency class named for the role it requires (`Depends(GlobalAdmin())`,
# `Depends(ProjectMember())`): the caller must be signed in to hold it.
_ROLE_CLASS = re.compile(r"^[A-Z][A-Za-z]*?(Admin|Member|Owner|Superuser|Staff)s?$")
# Names that mark a rate limiter.
# `verify_is_allowed`: django-otp's ThrottlingMixin check (failed codes back off per device).
LIMIT_NAME = re.compile(r"(rate_?limit|throttl|limiter|verify_is_allowed)", re.I)
LIMIT_LIBS = ("slowapi", "flask_limiter", "fastapi_limiter", "django_ratelimit", "ratelimit",
              "rest_framework.throttling", "limits")
PAGE_PARAMS = frozenset({"limit", "offset", "page", "page_size", "per_page", "cursor", "skip",
                         "size", "page_number", "pagesize", "perpage", "max_results",
                         "first", "after", "before", "count"})
PAGE_CALLS = frozenset({"paginate", "paginate_queryset", "limit", "offset", "slice", "page",
                        "get_limit", "get_offset", "get_page_size", "get_per_page",
                        "get_page", "paginate_query", "fetchmany", "first", "one",
                        "one_or_none", "scalar", "scalar_one", "get", "count", "exists",
                        "get_object_or_404", "aggregate"})
# Of those, the calls that fetch one row or one number (`generics.get_object_or_404(...)`,
# `.first()`, `.count()`): bounded, but no pagination of a list (the route table's
# Pagination column would name them on detail and action routes).
ONE_ROW_CALLS = frozenset({"get", "first", "one", "count", "exists", "scalar", "one_or_none",
                           "scalar_one", "aggregate", "get_object_or_404"})
WRITE_CALLS = frozenset({"save", "delete", "bulk_create", "bulk_update", "get_or_create",
                         "update_or_create", "commit", "add", "insert", "create", "update"})
_DJANGO_QS = frozenset({"all", "filter", "exclude", "order_by", "values", "values_list",
                        "select_related", "prefetch_related", "annotate", "distinct",
                        "only", "defer", "using"})


def literal_str(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def written_source(ctx: FileContext, node: ast.AST | None, text: str | None) -> str:
    """The path argument's source text when it is more than a plain quoted literal of
    `text` (a raw regex with anchors, `%` or `.format()` formatting, an f-string), for a
    fix that renames a segment inside it; "" for a plain literal or an unknown path."""
    if node is None or text is None:
        return ""
    source = ctx.source(node)
    return "" if source in (f'"{text}"', f"'{text}'") else source


# How deep path_text reads: `A + B + "/x"` with `A = BASE + "/{id}"` is a few levels.
_MAX_PATH_DEPTH = 10


def path_text(ctx: FileContext, node: ast.AST | None, depth: int = 0,
              values: dict[str, str] | None = None, lenient: bool = False) -> str | None:
    """A path or prefix as the table shows it: a literal, a module constant of this file
    (a string or a number: `f"/api/{API_VERSION}"` with `API_VERSION = 1`), or a setting /
    imported constant shown by its name (`f"{settings.BASE_PATH}api/"` -> `{BASE_PATH}api/`,
    `settings.API_V1_STR` -> `{API_V1_STR}`), joined with `+`, f-strings, `%` and
    `.format()` of a template written in the code (path_format). `values` gives loop
    variables their item (path_texts). None when any part is computed some other way; with
    `lenient`, a part filled into a template shows as `{?}` instead."""
    if node is None or depth > _MAX_PATH_DEPTH:
        return None
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left = path_text(ctx, node.left, depth + 1, values)
        right = path_text(ctx, node.right, depth + 1, values)
        return None if left is None or right is None else left + right
    if isinstance(node, ast.JoinedStr | ast.BinOp | ast.Call):
        return formatted_text(node, _part_reader(ctx, depth, values), lenient)
    if isinstance(node, ast.Name):
        if values and node.id in values:
            return values[node.id]
        scope, bindings = ctx.semantic.lookup(node.id, node)
        module_level = scope is ctx.semantic.module_scope
        if module_level and ctx.semantic.declared_global(node.id):
            return None  # rebound by a function (`global NAME`): no one value
        if len(bindings) == 1 and bindings[0].kind in ("assign", "annassign") and \
                isinstance(bindings[0].value, ast.Constant) and \
                isinstance(bindings[0].value.value, str):
            return bindings[0].value.value
        if module_level and len(bindings) == 1 and bindings[0].kind in (
                "assign", "annassign") and bindings[0].value is not None:
            # A module constant built of others (`DETAIL = BY_KEY + "/detail"`,
            # `uuid_regex = settings.UUID_REGEX`): read like the path itself.
            return path_text(ctx, bindings[0].value, depth + 1)
        if bindings and all(b.kind == "import" for b in bindings) and node.id.isupper():
            return "{" + node.id + "}"
        return None
    if isinstance(node, ast.Attribute) and node.attr.isupper():
        # settings.BASE_PATH, config.API_PREFIX: a configured value, shown by its name;
        # `urls.CONFIG` read off an imported name keeps that name (path_format.NAME_REF).
        base = imported_dotted(ctx, node.value)
        return "{" + (f"{base}." if base else "") + node.attr + "}"
    key = config_key(node)
    if key is not None:
        # app.config["SECURITY_LOGIN_URL"]: a configured value, shown by its key.
        return "{" + key + "}"
    return None


def imported_dotted(ctx: FileContext, node: ast.AST) -> str | None:
    """`urls` / `fides.common.urn_registry` when the root name is bound only by imports
    here (a module, or a name a module defines): the dotted text, else None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    bindings = ctx.semantic.lookup(node.id, node)[1]
    if not bindings or any(b.kind != "import" for b in bindings):
        return None
    return ".".join([node.id, *reversed(parts)])


def parameter_prefix(ctx: FileContext, node: ast.AST) -> str | None:
    """`APIRouter(prefix=base_url)` in `def build_routes(base_url: str = "")`: the prefix
    each caller chooses (marimo's base URL, a deployment option), shown by the parameter's
    name like a setting (`{BASE_URL}`) rather than as unknown."""
    if not isinstance(node, ast.Name):
        return None
    bindings = ctx.semantic.lookup(node.id, node)[1]
    if len(bindings) == 1 and bindings[0].kind == "param":
        return "{" + node.id.upper() + "}"
    return None


def prefix_of(ctx: FileContext, node: ast.AST) -> str | None:
    """A router's written prefix: its text (the empty string included: a router at the
    root is known), else the parameter it comes from (`parameter_prefix`), else unknown."""
    text = path_text(ctx, node)
    return text if text is not None else parameter_prefix(ctx, node)


def config_key(node: ast.AST) -> str | None:
    """The key of a Flask-style configuration read: `app.config["LOGIN_URL"]`,
    `current_app.config["X"]`, `config["X"]` (an upper-case constant key)."""
    if not (isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and
            isinstance(node.slice.value, str) and node.slice.value.isupper()):
        return None
    holder = node.value
    if (isinstance(holder, ast.Attribute) and holder.attr == "config") or (
            isinstance(holder, ast.Name) and holder.id == "config"):
        return node.slice.value
    return None


def _part_reader(ctx: FileContext, depth: int, values: dict[str, str] | None
                 ) -> Callable[[ast.AST], str | None]:
    """Reads a part filled into a path template: a path part, or a number constant (a
    version: `f"/api/v{API_VERSION}"` with `API_VERSION = 1`)."""

    def read(part: ast.AST) -> str | None:
        text = path_text(ctx, part, depth + 1, values)
        if text is None and isinstance(part, ast.Constant | ast.Name) and isinstance(
                _constant_of(ctx, part), int):
            return str(_constant_of(ctx, part))
        return text

    return read


def _constant_of(ctx: FileContext, node: ast.AST) -> object:
    """The value of a literal, or of a name bound once to one (`API_VERSION = 1`)."""
    if isinstance(node, ast.Constant):
        return None if isinstance(node.value, bool) else node.value
    if isinstance(node, ast.Name):
        bindings = ctx.semantic.lookup(node.id, node)[1]
        if len(bindings) == 1 and bindings[0].kind in ("assign", "annassign") and \
                isinstance(bindings[0].value, ast.Constant) and \
                not isinstance(bindings[0].value.value, bool):
            return bindings[0].value.value
    return None


_MAX_VARIANTS = 32


def path_texts(ctx: FileContext, node: ast.AST | None) -> list[str | None]:
    """The paths a registration gives, one per item when a part is a loop variable over a
    literal list of strings (`for kind in ("users", "groups"): api.add_resource(R,
    f"/{kind}/<id>")`, the list written in the loop or bound once to a name). A part
    computed at run time shows as `{?}` in an f-string or a `"...{}".format()` template and
    makes any other path None (unknown): nothing is guessed."""
    if node is None:
        return [None]
    loops: dict[str, list[str]] = {}
    for name in ast.walk(node):
        if isinstance(name, ast.Name) and name.id not in loops:
            items = _loop_items(ctx, name)
            if items is not None:
                loops[name.id] = items
    combos = itertools.islice(itertools.product(*loops.values()), _MAX_VARIANTS) if loops \
        else [()]
    out: list[str | None] = []
    for combo in combos:
        values = dict(zip(loops, combo, strict=True))
        text = path_text(ctx, node, values=values)
        if text is None:
            # `f"/{scope()}/export"`, `"/skill/{}".format(name)`, `"/x/%s" % key()`: a
            # computed part shows as {?}, the rest as written (the route model marks such a
            # path unknown).
            text = path_text(ctx, node, values=values, lenient=True)
        out.append(text)
    return out


def _loop_items(ctx: FileContext, name: ast.Name) -> list[str] | None:
    bindings = ctx.semantic.lookup(name.id, name)[1]
    if len(bindings) != 1 or bindings[0].kind != "for" or not isinstance(
            bindings[0].node, ast.For):
        return None
    loop = bindings[0].node
    if not isinstance(loop.target, ast.Name):
        return None
    return literal_strings(ctx, loop.iter) or None


def literal_strings(ctx: FileContext, node: ast.AST | None) -> list[str] | None:
    """The strings of a list / tuple / set literal of string literals, written in place or
    bound once to a name (`API_MODULES = ["a.b", "a.c"]`); None for anything else."""
    if isinstance(node, ast.Name):
        bound = ctx.semantic.lookup(node.id, node)[1]
        node = bound[0].value if len(bound) == 1 and bound[0].kind in (
            "assign", "annassign") else None
    if not isinstance(node, ast.List | ast.Tuple | ast.Set):
        return None
    items = [e.value for e in node.elts if isinstance(e, ast.Constant)
             and isinstance(e.value, str)]
    return items if len(items) == len(node.elts) else None


# The route collectors' names for values.keyword / values.argument (one reading of a call's
# arguments for the whole package).
kwarg = keyword
arg_or_kw = argument


def str_list(node: ast.AST | None) -> tuple[str, ...] | None:
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        out = [literal_str(e) for e in node.elts]
        if all(v is not None for v in out):
            return tuple(v.upper() for v in out if v is not None)
    return None


def this_module(ctx: FileContext) -> str:
    return ctx.module


def object_name(ctx: FileContext, expr: ast.AST) -> str | None:
    """A stable qualified name for an app / router / view object: the import it came from,
    or `<module>[.<function>].<name>` for one defined in this file."""
    if isinstance(expr, ast.Attribute):
        base = object_name(ctx, expr.value)
        return f"{base}.{expr.attr}" if base else None
    if not isinstance(expr, ast.Name):
        return None
    scope, bindings = ctx.semantic.lookup(expr.id, expr)
    if scope is None or not bindings:
        return None
    if all(b.kind == "import" for b in bindings):
        names = {b.qualified for b in bindings}
        return next(iter(names)) if len(names) == 1 else None
    module = this_module(ctx)
    node = scope.node
    if isinstance(node, ast.Module):
        return f"{module}.{expr.id}"
    parts = [expr.id]
    if hasattr(node, "name"):
        parts.insert(0, node.name)  # type: ignore[union-attr]
    return ".".join([module, *parts])


def child_name(ctx: FileContext, expr: ast.AST) -> str | None:
    """The router / blueprint a mount registers: its name, or `<collection>[]` for the loop
    variable of `for bp in blueprints: app.register_blueprint(bp)` (each item of the
    collection, resolved in the project phase: frameworks/call_bindings)."""
    if isinstance(expr, ast.Name):
        bindings = ctx.semantic.lookup(expr.id, expr)[1]
        if bindings and all(b.kind == "for" for b in bindings) and isinstance(
                bindings[0].value, ast.Name | ast.Attribute):
            items = object_name(ctx, bindings[0].value)
            return f"{items}[]" if items else None
    return object_name(ctx, expr)


def imported_owner(ctx: FileContext, expr: ast.AST, frameworks: tuple[str, ...]) -> bool:
    """`router` imported from another module, in a file that imports one of `frameworks`:
    an app or router defined elsewhere (its prefix is resolved in the project phase)."""
    if not isinstance(expr, ast.Name):
        return False
    _, bindings = ctx.semantic.lookup(expr.id, expr)
    return bool(bindings) and all(b.kind == "import" and _may_import_owner(b)
                                  for b in bindings) and any(
        ctx.semantic.is_imported(f) for f in frameworks)


def _may_import_owner(binding: Binding) -> bool:
    """An import that can bind an app or router object: `from app.web import bp`. A plain
    `import mock` binds a module, and a name from the standard library
    (`from unittest import mock`) is not a router either: `@mock.patch(...)` on a test is
    no PATCH route."""
    if isinstance(binding.node, ast.Import):
        return False
    return (binding.qualified or "").split(".", 1)[0] not in sys.stdlib_module_names


def assigned_target(ctx: FileContext, call: ast.Call) -> ast.expr | None:
    """The single target a call is assigned to: `x = Call()` or `x: T = Call()`."""
    parent = ctx.semantic.parent(call)
    if isinstance(parent, ast.Assign) and len(parent.targets) == 1:
        return parent.targets[0]
    if isinstance(parent, ast.AnnAssign) and parent.value is call:
        return parent.target
    return None


def library_class(qn: str | None, suffixes: tuple[str, ...]) -> bool:
    """A project subclass of a framework class, known by its name (`PrefectRouter`,
    `IndicoBlueprint`): the route facts still need a literal path to count."""
    return bool(qn) and qn.rsplit(".", 1)[-1].endswith(suffixes)  # type: ignore[union-attr]


def bound_call(ctx: FileContext, expr: ast.AST) -> ast.Call | None:
    """The constructor call a name was assigned from (`router = APIRouter(...)`), when the
    name has exactly one binding and it is that call."""
    if isinstance(expr, ast.Call):
        return expr
    if not isinstance(expr, ast.Name):
        return None
    _scope, bindings = ctx.semantic.lookup(expr.id, expr)
    # `app = add_state(app=app)` hands the object back to itself (a helper that sets
    # attributes on it and returns it): it is still what the constructor built.
    bindings = [b for b in bindings if not _passes_itself(b.value, expr.id)]
    values = [b.value for b in bindings if b.kind in ("assign", "annassign")]
    if len(values) == 1 and len(bindings) == 1 and isinstance(values[0], ast.Call):
        return values[0]
    return None


def _passes_itself(value: ast.AST | None, name: str) -> bool:
    return isinstance(value, ast.Call) and any(
        isinstance(a, ast.Name) and a.id == name
        for a in [*value.args, *(k.value for k in value.keywords)])


def bound_value(ctx: FileContext, expr: ast.AST) -> ast.expr | None:
    """The value a name was assigned from, when it has exactly one (assignment) binding."""
    if not isinstance(expr, ast.Name):
        return None
    _scope, bindings = ctx.semantic.lookup(expr.id, expr)
    if len(bindings) == 1 and bindings[0].kind in ("assign", "annassign"):
        return bindings[0].value
    return None


def constructor(ctx: FileContext, expr: ast.AST) -> str | None:
    """The qualified name of the class `expr` was constructed from, if known."""
    call = bound_call(ctx, expr)
    if call is None:
        return None
    return ctx.qualified_name(call.func)


def callable_name(ctx: FileContext, expr: ast.AST) -> str:
    """The name of a decorator / dependency: its qualified name, else its source text."""
    target = expr.func if isinstance(expr, ast.Call) else expr
    return ctx.qualified_name(target) or ctx.source(target)


def classify(name: str) -> str | None:
    """auth | limit | None for a decorator / dependency / class name."""
    last = name.rsplit(".", 1)[-1]
    if any(name.startswith(lib + ".") for lib in LIMIT_LIBS) or LIMIT_NAME.search(last):
        return "limit"
    if ".limit" in name and "limiter" in name.lower():
        return "limit"
    if AUTH_NAME.search(last) or name.startswith("fastapi.security") or \
            name == "starlette.authentication.requires":  # scopes of AuthenticationMiddleware
        return "auth"
    # Dependencies that resolve the caller: get_verified_user, get_admin_user, require_user.
    if _USER_DEP.search(last) or _ROLE_CLASS.match(last):
        return "auth"
    return None


def markers(names: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    auth: list[str] = []
    limits: list[str] = []
    for name in names:
        kind = classify(name)
        if kind == "auth":
            auth.append(name)
        elif kind == "limit":
            limits.append(name)
    return tuple(auth), tuple(limits)


def _required_on(ctx: FileContext, expr: ast.AST) -> str | None:
    """`Permission(RoleNeed("ops")).require(403)`: the object's class (or the object) named,
    `flask_principal.Permission.require`, so the project phase can tell a flask-principal
    permission from any other `.require` (routes._apply_permission)."""
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and \
            expr.func.attr == "require":
        return f"{callable_name(ctx, expr.func.value)}.require"
    return None


def body_guards(ctx: FileContext, func: ast.AST) -> tuple[str, ...]:
    """Permission checks in the handler's body, named like a decorator would be: `with
    Permissions.ADMIN.require(403):` guarding what it wraps, and `if not perm.can():
    abort(403)` as a statement of the body itself — a `.can()` test whose branch refuses
    the caller. A `.can()` that only picks what to show guards nothing, and one nested in a
    loop, a `try` or another condition guards only some requests."""
    out: list[str] = []
    top = set(map(id, getattr(func, "body", [])))
    for node in own_nodes(func):
        if isinstance(node, ast.With | ast.AsyncWith):
            out += [name for item in node.items
                    if (name := _required_on(ctx, item.context_expr))]
        elif isinstance(node, ast.If) and id(node) in top:
            # The `.can()` tests first: most conditions make none, and then whether a
            # branch refuses (a walk of both branches) does not matter.
            cans = [call for call in ast.walk(node.test) if isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Attribute) and call.func.attr == "can"
                    and not call.args]
            if cans and any(_deny_node(ctx, n, redirects=False)
                            for stmt in (*node.body, *node.orelse) for n in ast.walk(stmt)):
                out += [f"{callable_name(ctx, call.func.value)}.can" for call in cans]
    return tuple(dict.fromkeys(out))


def decorator_names(ctx: FileContext, func: ast.AST) -> list[str]:
    out: list[str] = []
    for dec in getattr(func, "decorator_list", []):
        name = callable_name(ctx, dec)
        if name.endswith("method_decorator") and isinstance(dec, ast.Call) and dec.args:
            # `@method_decorator(session_ratelimit_post("2fa"))` on a view's dispatch: the
            # wrapped decorator is what guards the method.
            dec = dec.args[0]
            name = callable_name(ctx, dec)
        # `limiter.limit("5/minute")` on an object: keep the object's name in view.
        if isinstance(dec, ast.Call) and isinstance(dec.func, ast.Attribute) and \
                dec.func.attr in ("limit", "shared_limit"):
            name = f"{callable_name(ctx, dec.func.value)}.{dec.func.attr}"
        out.append(_required_on(ctx, dec) or name)
    return out


def depends_targets(ctx: FileContext, nodes: list[ast.AST]) -> list[str]:
    """Targets of `Depends(x)` / `Security(x)` anywhere in `nodes` (params, dependencies=)."""
    out: list[str] = []
    for root in _with_named_lists(ctx, nodes):
        for node in ast.walk(root):
            if not isinstance(node, ast.Call):
                continue
            qn = ctx.qualified_name(node.func) or ""
            if qn in ("fastapi.Depends", "fastapi.params.Depends", "fastapi.Security",
                      "fastapi.params.Security"):
                inner = node.args[0] if node.args else kwarg(node, "dependency")
                if inner is None:
                    # `user: Annotated[User, Depends()]` names the class in the annotation.
                    continue
                name = callable_name(ctx, inner)
                if qn.endswith("Security"):
                    out.append(f"Security({name})")
                else:
                    out.append(name)
    return out


def _with_named_lists(ctx: FileContext, nodes: list[ast.AST]) -> list[ast.AST]:
    """`dependencies=deps` names a list built beforehand (`deps = [Depends(limiter)] if
    not disabled else []`, `deps.append(Depends(limiter))`): what it can hold is every
    value assigned to the name and every item appended to it in the same scope."""
    out: list[ast.AST] = []
    for root in nodes:
        out.append(root)
        if not isinstance(root, ast.Name):
            continue
        bindings = ctx.reaching_bindings(root)
        out += [b.value for b in bindings
                if b.value is not None and b.kind in ("assign", "annassign", "augassign")]
        scope = ctx.semantic.enclosing_function(root) or ctx.tree
        out += ctx.memo("list-adds", scope, partial(_list_adds, scope)).get(root.id, ())
    return out


def _list_adds(scope: ast.AST) -> dict[str, list[ast.expr]]:
    """Per name, the arguments of every `name.append(...)` / `.extend` / `.insert` in
    `scope`, in `ast.walk` order: one walk of a scope per file, where each named list of
    each handler walked it again (the whole module for a module-level list)."""
    out: dict[str, list[ast.expr]] = {}
    for node in ast.walk(scope):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                node.func.attr in ("append", "extend", "insert") and \
                isinstance(node.func.value, ast.Name):
            out.setdefault(node.func.value.id, []).extend(node.args)
    return out


def dependency_alias(ctx: FileContext, node: ast.Assign | ast.AnnAssign) -> AliasFact | None:
    """`CurrentUser = Annotated[User, Depends(get_current_user)]` at module level."""
    target = node.targets[0] if isinstance(node, ast.Assign) else node.target
    value = node.value
    if not (isinstance(target, ast.Name) and isinstance(value, ast.Subscript)) or \
            ctx.semantic.scope_of(node) is not ctx.semantic.module_scope:
        return None
    if (ctx.qualified_name(value.value) or "").rsplit(".", 1)[-1] != "Annotated":
        return None
    deps = depends_targets(ctx, [value.slice])
    if not deps:
        return None
    auth, limits = markers(deps)
    return AliasFact(f"{this_module(ctx)}.{target.id}", tuple(deps), auth, limits, ctx.path,
                     node.lineno)


def read_page_key(node: ast.AST) -> str | None:
    """The page parameter a body reads by name: `request.args.get("limit")`,
    `request.query.get("page", 1)`, `args["offset"]`; else None."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
            node.func.attr == "get" and node.args:
        key = literal_str(node.args[0])
        return key if key is not None and key.lower() in PAGE_PARAMS else None
    if isinstance(node, ast.Subscript):
        key = literal_str(node.slice)
        return key if key in _PAGE_ARGS else None
    return None


# -- the handler body ---------------------------------------------------------------------
def analyze_handler(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef,
                    extra_nodes: list[ast.AST] | None = None,
                    response_model: str | None = None,
                    status_code: int | None = None) -> HandlerInfo:
    params = tuple(a.arg for a in [*func.args.posonlyargs, *func.args.args,
                                   *func.args.kwonlyargs])
    if ctx.__dict__.get("_collecting_routes"):
        # collector.file_facts asks only which functions are registered: what the body
        # shows is read once, by the engine's own collector.
        return HandlerInfo(name=func.name, line=func.lineno, span=ctx.line_span(func.lineno),
                           params=params, file=ctx.path)
    decorators = decorator_names(ctx, func)
    dep_nodes: list[ast.AST] = [*func.args.defaults, *func.args.kw_defaults]  # type: ignore[list-item]
    dep_nodes = [n for n in dep_nodes if n is not None]
    dep_nodes += [a.annotation for a in [*func.args.args, *func.args.kwonlyargs]
                  if a.annotation is not None]
    dep_nodes += extra_nodes or []
    deps = depends_targets(ctx, dep_nodes)
    annotations = tuple(name for a in [*func.args.args, *func.args.kwonlyargs]
                        if (name := _annotation_name(ctx, a.annotation)))
    auth, limits = markers(decorators + deps)
    if "request.user" in ctx.source(func) and denies_anonymous(ctx, func, redirects=False):
        # `if not request.user.has_perm(...): raise PermissionDenied` in the handler.
        auth += ("body: refuses the caller (PermissionDenied / 401 / 403)",)
    auth += tuple(_checks_called(ctx, func))
    limits += tuple(body_limiter_calls(ctx, func))
    # `request: Request` with a limiter decorator is slowapi's requirement; a parameter
    # named `current_user` / `user: User = Depends(...)` is already covered by deps.
    pagination: list[str] = [p for p in params if p.lower() in PAGE_PARAMS]
    # A shared pagination dependency or model (`params: PaginationQuery = Depends()`).
    pagination += [d for d in (*deps, *annotations) if _PAGINATION_NAME.search(d)]
    if response_model and re.search(r"\b(Page|LimitOffsetPage|CursorPage)\b", response_model):
        pagination.append(response_model)
    if func.returns is not None:
        ret = ctx.source(func.returns)
        if re.search(r"\b(Page|LimitOffsetPage|CursorPage)\[", ret):
            pagination.append(ret)
    writes: list[str] = []
    sets_status = False
    delegates = lists = False
    for node in own_nodes(func):
        if isinstance(node, ast.Call) and any(k.arg in ("status", "status_code")
                                              for k in node.keywords) and not (
                isinstance(ctx.semantic.parent(node), ast.Raise)
                or getattr(node.func, "id", getattr(node.func, "attr", "")) == "abort"):
            sets_status = True  # an error response does not choose the success status
        elif isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple) and \
                len(node.value.elts) >= 2:
            sets_status = True  # Flask `return body, 201`
        elif isinstance(node, ast.Attribute) and node.attr in ("status_code", "status") and \
                isinstance(node.ctx, ast.Store):
            sets_status = True
        if isinstance(node, ast.Call):
            fn = node.func
            if isinstance(fn, ast.Attribute):
                if _PAGE_HELPER.search(fn.attr):
                    pagination.append(f".{fn.attr}()")  # self._handle_page_args(args)
                elif fn.attr in PAGE_CALLS and fn.attr not in ONE_ROW_CALLS and \
                        _paginates(ctx, node, fn):
                    pagination.append(f".{fn.attr}()")
                if fn.attr in WRITE_CALLS:
                    writes.append(f".{fn.attr}()")
                if fn.attr == "configure" and node.args and isinstance(
                        node.args[0], ast.Name) and node.args[0].id == "request":
                    pagination.append(".configure(request)")  # django-tables2 (netbox)
                # request.query.get("limit") / request.args.get("page", type=int)
                if (key := read_page_key(node)) is not None:
                    pagination.append(f'"{key}"')
            else:
                qn = ctx.qualified_name(fn) or ""
                last = qn.rsplit(".", 1)[-1] if qn else getattr(fn, "id", "")
                if last in ("Paginator", "paginate", "paginate_queryset", "get_page",
                            "RequestConfig") or \
                        _PAGINATION_NAME.search(last or "") or _PAGE_HELPER.search(last or ""):
                    # RequestConfig: django-tables2 pages the table it configures
                    pagination.append(last)
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice) and \
                node.slice.upper is not None:
            pagination.append("slice")  # `rows[:50]`; `text[7:]` drops a prefix
        elif isinstance(node, ast.Subscript) and (key := read_page_key(node)) is not None:
            pagination.append(f'["{key}"]')  # args["page"]
        if isinstance(node, ast.Call):
            if _is_super_call(node, func.name):
                delegates = True
            elif func.name == "get" and _is_self_call(node, "list"):
                lists = True
            for arg in node.args:
                # `self.get_args([("page", 1, False, int), ("limit", 0, ...)])`
                if isinstance(arg, ast.List | ast.Tuple):
                    for elt in arg.elts:
                        key = literal_str(elt.elts[0]) if isinstance(
                            elt, ast.Tuple) and elt.elts else None
                        if key in _PAGE_ARGS:
                            pagination.append(f'"{key}"')
    unbounded = None
    for ret in _returns(func):
        if ret.value is not None:
            unbounded = unbounded_query(ctx, ret.value, func)
            if unbounded is not None and not unbounded.by_default:
                unbounded = None  # paged unless a caller turns the bound off: not this route
            if unbounded is not None:
                unbounded = replace(unbounded, requester=requester_filter_value(
                    ctx, func, unbounded, _django_q(ctx)))
                break
    return HandlerInfo(
        name=func.name, line=func.lineno, span=ctx.line_span(func.lineno),
        params=params, decorators=tuple(decorators), dependencies=tuple(deps), auth=auth,
        limits=limits, pagination=tuple(dict.fromkeys(pagination)), unbounded=unbounded,
        status_code=status_code, writes=tuple(dict.fromkeys(writes)),
        resource_writes=handler_writes(ctx, func, own_nodes(func)),
        response_model=response_model, sets_status=sets_status, file=ctx.path,
        annotations=annotations, delegates=delegates, lists=lists, guards=body_guards(ctx, func),
        credentials=credential_check(ctx, func),
        serves_json=(answers_json := _answers_json(ctx, func)),
        serves_html=not answers_json and returns_page(ctx, func, _returns(func)),
        is_async=isinstance(func, ast.AsyncFunctionDef),
        request_is_body=_request_is_body(ctx, func),
        ends_in_redirect=_ends_in_redirect(ctx, func),
    )


# What hands the client on elsewhere: a redirect, or a library call that starts an identity
# provider's flow by redirecting to it (social-auth's `do_auth`, Authlib's
# `authorize_redirect`).
REDIRECTS = frozenset({"redirect", "HttpResponseRedirect", "HttpResponsePermanentRedirect",
                       "RedirectResponse", "redirect_to_login", "do_auth",
                       "authorize_redirect"})


def _ends_in_redirect(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """The function's last statement returns a redirect (`return redirect("list")`): what
    runs through to the end (past the guards that return early) hands the client on, so a
    page some early `return render(...)` shows is not what the route is for."""
    last = func.body[-1] if func.body else None
    return isinstance(last, ast.Return) and isinstance(last.value, ast.Call) and (
        callable_name(ctx, last.value).rsplit(".", 1)[-1] in REDIRECTS)


# What a parameter named `request` usually is: the framework's request object.
_REQUEST_CLASSES = frozenset({"Request", "HTTPConnection", "WebSocket", "HttpRequest",
                              "WSGIRequest", "ASGIRequest", "BaseRequest"})


def _request_is_body(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A parameter named `request` / `req` annotated with another class than a request
    object (`request: GetOnlineFeaturesRequest`): in FastAPI, the request body. A class of
    this file that derives from a request class (`class AppRequest(Request)`) is one."""
    for arg in [*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs]:
        if arg.arg in ("request", "req") and arg.annotation is not None:
            core = _unannotated(ctx, arg.annotation)
            name = _annotation_name(ctx, core)
            if name and not _is_request_class(ctx, core, name, set()):
                return True
    return False


def _is_request_class(ctx: FileContext, expr: ast.AST, name: str, seen: set[str]) -> bool:
    """`name` (what `expr` resolves to) is a request class, or a class of this file whose
    bases (followed within the file) reach one."""
    if name.rsplit(".", 1)[-1] in _REQUEST_CLASSES:
        return True
    if not isinstance(expr, ast.Name) or name in seen:
        return False
    seen.add(name)
    for binding in ctx.semantic.lookup(expr.id, expr)[1]:
        if binding.kind == "class" and isinstance(binding.node, ast.ClassDef):
            for base in binding.node.bases:
                found = object_name(ctx, base)
                if found and _is_request_class(ctx, base, found, seen):
                    return True
    return False


def _answers_json(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Every value the handler returns is a JSON response (`return jsonify(...)`, `return
    jsonify(...), 201`, `JsonResponse(...)`), and there is at least one."""
    values = [ret.value for ret in _returns(func)]
    if not values:
        return False
    for value in values:
        if isinstance(value, ast.Tuple) and value.elts:
            value = value.elts[0]  # Flask `body, status`
        if not isinstance(value, ast.Call):
            return False
        name = (ctx.qualified_name(value.func) or ctx.source(value.func)).rsplit(".", 1)[-1]
        if name not in JSON_RESPONSES:
            return False
    return True


def _annotation_name(ctx: FileContext, node: ast.AST | None) -> str | None:
    """`CurrentUser` / `deps.CurrentUser`, or `X` in `Annotated[X, Depends()]`."""
    node = _unannotated(ctx, node)
    if isinstance(node, ast.Name | ast.Attribute):
        return object_name(ctx, node)
    return None


def _unannotated(ctx: FileContext, node: ast.AST | None) -> ast.AST | None:
    """`X` of `Annotated[X, Depends()]`; any other annotation as it is."""
    if isinstance(node, ast.Subscript) and (ctx.qualified_name(node.value) or "").endswith(
            "Annotated") and isinstance(node.slice, ast.Tuple) and node.slice.elts:
        return node.slice.elts[0]
    return node


_PAGINATION_NAME = re.compile(r"paginat", re.I)

# What a guard looks at to decide who is calling.
IDENTITY = re.compile(r"(current_user|\bg\.user|request\.user|session\[|session\.get|"
                      r"session\.user\b|"
                      r"is_authenticated|is_anonymous|is_admin|is_staff|is_superuser|authed\(|"
                      r"get_current_user|get_jwt_identity|verify_jwt|Authorization|"
                      r"\bg\.auth|auth_token|api_key|has_perm)", re.I)
_DENY_STATUS = frozenset({401, 403})
_DENY_EXCEPTIONS = re.compile(r"(Unauthorized|Forbidden|PermissionDenied|NotAuthenticated|"
                              r"AuthenticationFailed|AuthenticationError|AccessDenied|"
                              r"LoginRequired)")


def denies_anonymous(ctx: FileContext, func: ast.AST, redirects: bool = True) -> bool:
    """The function's own code refuses a caller: abort(401|403), a redirect to a login
    page (when `redirects`: a decorator's wrapper; in a handler a login redirect is often a
    plain page flow), raising an auth / permission error, or returning a 401 / 403."""
    return any(_deny_node(ctx, node, redirects) for node in own_nodes(func))


def _deny_node(ctx: FileContext, node: ast.AST, redirects: bool = True) -> bool:
    if isinstance(node, ast.Call):
        if not redirects and not (node.args and _http_status(node.args[0]) in _DENY_STATUS
                                  ) and not isinstance(ctx.semantic.parent(node), ast.Raise):
            # Asked of every call of a body: without a deny status and not raised, it can
            # be neither `abort(403)` nor a raised error, whatever its name.
            return False
        name = callable_name(ctx, node).rsplit(".", 1)[-1]
        if name == "abort" and node.args and _http_status(node.args[0]) in _DENY_STATUS:
            return True
        if redirects and name == "redirect" and "login" in ctx.source(node).lower():
            return True
        raised = isinstance(ctx.semantic.parent(node), ast.Raise)
        return raised and bool(_DENY_EXCEPTIONS.search(name) or (
            name == "HTTPException" and any(_http_status(k.value) in _DENY_STATUS
                                            for k in node.keywords if k.arg == "status_code")))
    if isinstance(node, ast.Raise) and node.exc is not None:
        return bool(_DENY_EXCEPTIONS.search(ctx.source(node.exc).split("(")[0]))
    if isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple):
        return any(_http_status(e) in _DENY_STATUS for e in node.value.elts[1:])
    if isinstance(node, ast.Return) and isinstance(node.value, ast.Call):
        if redirects and _login_manager_refusal(ctx, node.value):
            return True
        # `return HttpResponse("Authentication required", status=401)`
        return any(k.arg in ("status", "status_code") and _http_status(k.value) in _DENY_STATUS
                   for k in node.value.keywords)
    return False


# Responses that refuse the caller by their class when a function returns them: Django's
# HttpResponseForbidden, aiohttp's / webob's HTTPForbidden / HTTPUnauthorized handed back
# rather than raised, Django's redirect_to_login.
_DENY_RESPONSES = frozenset({"HttpResponseForbidden", "HTTPForbidden", "HTTPUnauthorized",
                             "redirect_to_login"})


def refuses_caller(ctx: FileContext, node: ast.AST) -> bool:
    """One node of a function refuses the caller: what `denies_anonymous` counts (abort
    401 / 403, a raised auth error, a 401 / 403 status, a redirect to a login page), or a
    returned response whose class refuses (`return HttpResponseForbidden()`,
    `return redirect_to_login(request.get_full_path())`, `return
    HttpResponseRedirect(settings.LOGIN_URL)`). Says nothing of *who* is refused: the
    caller of this asks that of the branch the node is on."""
    if _deny_node(ctx, node):
        return True
    if not (isinstance(node, ast.Return) and isinstance(node.value, ast.Call)):
        return False
    name = callable_name(ctx, node.value).rsplit(".", 1)[-1]
    return name in _DENY_RESPONSES or (name == "HttpResponseRedirect" and
                                       "login" in ctx.source(node.value).lower())


def _login_manager_refusal(ctx: FileContext, call: ast.Call) -> bool:
    """`return login_manager.unauthorized()` / `current_app.login_manager.unauthorized()`:
    Flask-Login's answer to an anonymous caller (401, or a redirect to the login view),
    the one its own `login_required` returns."""
    func = call.func
    return isinstance(func, ast.Attribute) and func.attr == "unauthorized" and (
        "login_manager" in ctx.source(func.value))


def _checks_called(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef
                   ) -> list[str]:
    """Access checks the handler runs before anything else: a statement of its body, on
    every path, calling a method of its class or a function of this module whose code
    refuses the caller (`await self.check_request(request)` raising HTTPForbidden)."""
    return [f"{target.name}() (refuses the caller)" for target in first_callees(ctx, func)
            if denies_anonymous(ctx, target, redirects=False)]


def first_callees(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef
                   ) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    """Methods of its class / functions of its module that a statement of the function's
    body calls (`self.check(request)`, `await check(request)`)."""
    out: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
    for stmt in func.body:
        call = stmt.value if isinstance(stmt, ast.Expr) else None
        if isinstance(call, ast.Await):
            call = call.value
        target = _local_callee(ctx, func, call.func) if isinstance(call, ast.Call) else None
        if target is not None:
            out.append(target)
    return out


def refuses_anonymous(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A hook that runs before every handler (`dispatch`, `before_request`) refuses anonymous
    callers: its own code looks at the caller and refuses, or a statement of its body calls a
    method of its class / a function of its module that does (`self._require_user()`)."""
    return any(IDENTITY.search(ctx.source(f)) and (
        denies_anonymous(ctx, f, redirects=False) or _login_redirect_for_caller(ctx, f))
        for f in (func, *first_callees(ctx, func)))


def _login_redirect_for_caller(ctx: FileContext, func: ast.AST) -> bool:
    """A redirect to the login page under a test of who is calling (`if not
    request.user.is_authenticated: return redirect(login_url)`); a login view's own
    `redirect("login")` when its form is off is no guard."""
    for node in own_nodes(func):
        if not (isinstance(node, ast.Call) and callable_name(ctx, node).rsplit(".", 1)[-1]
                == "redirect" and "login" in ctx.source(node).lower()):
            continue
        up = ctx.semantic.parent(node)
        while up is not None and up is not func:
            if isinstance(up, ast.If) and IDENTITY.search(ctx.source(up.test)):
                return True
            up = ctx.semantic.parent(up)
    return False


def _local_callee(ctx: FileContext, func: ast.AST, callee: ast.AST
                  ) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """`self.check(...)` in a method: the class's own method; `check(...)`: a function of
    this module. Nothing else is followed here."""
    if isinstance(callee, ast.Attribute) and isinstance(callee.value, ast.Name) and \
            callee.value.id == "self":
        cls = ctx.semantic.parent(func)
        if isinstance(cls, ast.ClassDef):
            return next((s for s in cls.body if isinstance(
                s, ast.FunctionDef | ast.AsyncFunctionDef) and s.name == callee.attr), None)
        return None
    if isinstance(callee, ast.Name):
        defs = [b.node for b in ctx.semantic.lookup(callee.id, callee)[1] if b.kind == "def"]
        if len(defs) == 1 and isinstance(defs[0], ast.FunctionDef | ast.AsyncFunctionDef) \
                and defs[0] is not func:
            return defs[0]
    return None


def _http_status(node: ast.AST) -> int | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        return node.value
    if isinstance(node, ast.Attribute):
        digits = re.findall(r"\d{3}", node.attr)
        return int(digits[0]) if digits else None
    return None


_PAGE_HELPER = re.compile(r"page_(args|size|params|number)|per_page")
_PAGE_ARGS = frozenset({"page", "limit", "offset", "per_page", "page_size", "cursor"})


def _is_super_call(call: ast.Call, name: str) -> bool:
    fn = call.func
    return isinstance(fn, ast.Attribute) and fn.attr == name and isinstance(
        fn.value, ast.Call) and getattr(fn.value.func, "id", "") == "super"


def _is_self_call(call: ast.Call, name: str) -> bool:
    """`self.<name>(...)`."""
    fn = call.func
    return isinstance(fn, ast.Attribute) and fn.attr == name and isinstance(
        fn.value, ast.Name) and fn.value.id == "self"


def _paginates(ctx: FileContext, call: ast.Call, fn: ast.Attribute) -> bool:
    """`.limit(20)` on a query paginates; `limiter.limit("5/minute")` is a rate limit, and
    `get_page()` / `page()` count only on a paginator (a CMS's `get_page` loads a page)."""
    receiver = ctx.source(fn.value)
    if fn.attr == "limit":
        first = call.args[0] if call.args else None
        # `.limit(1)` fetches one row (`.limit(1).first()` in a loop), it pages nothing.
        one_row = isinstance(first, ast.Constant) and first.value == 1
        return not (LIMIT_NAME.search(receiver) or literal_str(first) is not None or one_row)
    if fn.attr in ("get_page", "page"):
        return bool(_PAGINATION_NAME.search(receiver))
    return True


# Calls that check a credential; calls that answer one with a token or a session.
_VERIFY_CALL = re.compile(
    r"^(?:authenticate\w*|check_password\w*|verify_password\w*|checkpw|verify|verify_secret"
    r"|verify_api_key|compare_digest|check_secret)$")
_ISSUE_CALL = re.compile(
    r"^(?:login|login_user|auth_login"
    r"|create_(?:access_|refresh_|auth_|session_|api_|jwt_)?(?:token|jwt|session|key)s?"
    r"|issue_\w*(?:token|key)|generate_(?:access_|auth_|jwt_)?token|encode)$")
_SECRET_FIELD = re.compile(r"(?:^|_)(?:client_secret|api_secret|secret_key|api_key|otp|totp"
                           r"|one_time_password)$")


def credential_check(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef
                     ) -> tuple[str, str] | None:
    """A handler that reads a password or client secret from the request and verifies it
    (or issues a token / session for it): an authentication endpoint whatever its path.
    ("verify" | "issue" | "read", how); "read" only for a password (an API key or client
    secret merely stored is a settings form, not a sign-in)."""
    text = ctx.source(func).lower()
    if not any(w in text for w in ("password", "passwd", "secret", "pwd", "otp", "api_key")):
        return None  # most handlers never touch a credential: skip the walk
    read: tuple[str, bool] | None = None  # (how it is named, is a password)
    for arg in [*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs]:
        if is_password_name(arg.arg) or _SECRET_FIELD.search(arg.arg):
            read = (f"parameter `{arg.arg}`", is_password_name(arg.arg))
            break
    verify: str | None = None
    issue: str | None = None
    for node in own_nodes(func):
        if read is None:
            read = _client_credential(ctx, node)
        if isinstance(node, ast.Call):
            fn = node.func
            name = (fn.attr if isinstance(fn, ast.Attribute) else getattr(fn, "id", "")) or ""
            if verify is None and _VERIFY_CALL.match(name):
                verify = f"{name}()"
            elif issue is None and _ISSUE_CALL.match(name) and not (
                    name == "encode" and "jwt" not in (
                        ctx.qualified_name(fn) or ctx.source(fn)).lower()):
                issue = f"{name}()"
    if read is None:
        return None
    how, is_password = read
    if verify:
        return ("verify", f"reads {how} and calls {verify}")
    if issue:
        return ("issue", f"reads {how} and calls {issue}")
    return ("read", how) if is_password else None


def _client_credential(ctx: FileContext, node: ast.AST) -> tuple[str, bool] | None:
    """A password or client secret the request carries: `request.form["password"]`,
    `body.client_secret`, `request.json.get("api_key")`."""
    if not isinstance(node, ast.Subscript | ast.Attribute | ast.Call):
        return None
    tracker = tracker_for(ctx)
    origin = tracker.plaintext_password(node)
    if origin is not None and origin.kind != "parameter":
        return origin.text, True
    key: str | None = None
    container: ast.AST | None = None
    if isinstance(node, ast.Subscript):
        key, container = literal_str(node.slice), node.value
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and (
            node.func.attr == "get") and node.args:
        key, container = literal_str(node.args[0]), node.func.value
    elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and (
            tracker.is_body_parameter(node.value)):
        key, container = node.attr, None
    if not key or not _SECRET_FIELD.search(key):
        return None
    if container is not None and not tracker.request_data(container):
        return None
    return ctx.source(node), False


def _mentions_limits(text: str) -> bool:
    """Whether LIMIT_NAME can match anywhere in `text` (dots read as underscores), by
    substring: a case-insensitive alternation over a whole file costs ~0.5 ms."""
    lowered = text.lower()
    return any(word in lowered for word in ("ratelimit", "rate_limit", "rate.limit",
                                            "throttl", "limiter",
                                            "verify_is_allowed"))


def body_limiter_calls(ctx: FileContext, func: ast.AST) -> list[str]:
    """Limiter checks made inside a handler (`rate_limit("pwreset", ...)`,
    `login_rate_limiter.test()`): a project that limits requests its own way."""
    out: list[str] = []
    # Most files and functions call no limiter: a look at the text first spares walking
    # their bodies (the file's text once: asked of every function of every file).
    if not ctx.memo("limit-names", ctx.tree, lambda: _mentions_limits(ctx.text)):
        return out
    if not LIMIT_NAME.search(ctx.source(func).replace(".", "_")):
        return out
    for node in own_nodes(func):
        if isinstance(node, ast.Call):
            name = callable_name(ctx, node)
            if LIMIT_NAME.search(name.replace(".", "_")):
                out.append(f"{name}()")
    return out




def _returns(func: ast.AST) -> list[ast.Return]:
    return [n for n in own_nodes(func) if isinstance(n, ast.Return)]


_WRAPPERS = frozenset({"JsonResponse", "Response", "jsonify", "JSONResponse", "ORJSONResponse",
                       "UJSONResponse", "list", "dict", "make_response", "json_response",
                       "dumps", "tuple", "sorted",
                       # Server-rendered pages: an unbounded list is as unbounded in HTML.
                       "render", "render_template", "TemplateResponse", "render_to_response",
                       "render_template_string"})
_TEMPLATE_CALLS = frozenset({"render", "render_template", "TemplateResponse",
                             "render_to_response", "render_template_string"})


def unbounded_query(ctx: FileContext, expr: ast.AST, func: ast.AST,
                    depth: int = 0) -> QueryFact | None:
    """The query in a returned expression that fetches every row, if there is one."""
    if depth > 4:
        return None
    if isinstance(expr, ast.Call):
        kind = _query_kind(ctx, expr)
        if kind:
            return QueryFact(ctx.span_of(expr), ctx.source(expr), kind)
        if isinstance(expr.func, ast.Attribute) and expr.func.attr in ("fetchall", "all"):
            rows = fetched_select(ctx, expr, func)
            if rows is not None:  # a Core select() built in steps (analysis/row_bounds.py)
                # The statement as built (`session.execute(stmt)` names no model or filter).
                text = f"{ctx.source(rows.execute.func)}({rows.statement})" \
                    if rows.statement else ctx.source(rows.execute)
                return QueryFact(ctx.span_of(rows.execute), text,
                                 "sqlalchemy", unless=rows.unless, guard=rows.guard,
                                 by_default=rows.by_default)
            if expr.func.attr == "fetchall":
                return _unbounded_select(ctx, expr)
        root = _refined_name(expr)
        if root is not None:  # `labels.all()`, `qs.order_by("x")` of a query bound above
            found = unbounded_query(ctx, root, func, depth + 1)
            return replace(found, text=found.text + ctx.source(expr)[len(root.id):]) \
                if found is not None else None
        if carries_rows(expr):
            fn = expr.func
            name = fn.attr if isinstance(fn, ast.Attribute) else getattr(fn, "id", "")
            for arg in [*expr.args, *(k.value for k in expr.keywords)]:
                found = unbounded_query(ctx, arg, func, depth + 1)
                if found:
                    return replace(found, rendered=True) if name in _TEMPLATE_CALLS else found
        return None
    if isinstance(expr, ast.Attribute) and expr.attr == "data":
        return unbounded_query(ctx, expr.value, func, depth + 1)
    if isinstance(expr, ast.ListComp | ast.GeneratorExp | ast.SetComp | ast.DictComp):
        return unbounded_query(ctx, expr.generators[0].iter, func, depth + 1)
    if isinstance(expr, ast.Dict):
        if bundles_lists(expr):
            return None
        for value in expr.values:
            found = unbounded_query(ctx, value, func, depth + 1)
            if found:
                return found
        return None
    if isinstance(expr, ast.List | ast.Tuple):
        for value in expr.elts:
            found = unbounded_query(ctx, value, func, depth + 1)
            if found:
                return found
        return None
    if isinstance(expr, ast.Name):
        bindings = ctx.reaching_bindings(expr)
        if not bindings or any(b.kind not in ("assign", "annassign") or b.value is None
                               or ctx.semantic.enclosing_function(b.node) is not func
                               for b in bindings):
            return None
        first, *later = sorted(bindings, key=lambda b: b.lineno)
        # `qs = X.objects.filter(...)` then `if q: qs = qs.filter(...)`: refinements of the
        # same query keep every row it finds; anything else (a slice, a page) bounds it or
        # makes it another value.
        tails = [refinement(ctx, b.value, expr.id) for b in later]
        if any(tail is None for tail in tails):
            return None
        if not later and _empty_list(first.value):
            return _filled_per_row(ctx, expr.id, func, depth)
        found = unbounded_query(ctx, first.value, func, depth + 1)  # type: ignore[arg-type]
        if found is not None and tails:
            # The refinements' own filters count too (`qs.filter(user=request.user)`).
            found = replace(found, text=found.text + "".join(tails))  # type: ignore[arg-type]
        return found
    return None


# The requesting user as handlers write it: `request.user`, `self.request.user.object`,
# `current_user.id`, `g.user`.
REQUESTER_VALUE = re.compile(r"^(?:(?:self\.)?request\.user|current_user|g\.user)(?:\.\w+)?$")
# Query steps whose arguments choose the rows they keep (not `exclude`: all but the
# user's rows are every other user's).
_FILTER_STEPS = frozenset({"filter", "filter_by", "where"})


def requester_filter_value(ctx: FileContext, func: ast.AST, query: QueryFact,
                           conditions: frozenset[str] = frozenset()) -> str:
    """The first filter value of `query` (as the handler `func` wrote it) that is computed
    from the requesting user: a call given the user itself (`.filter(group__in=
    perms_of(request.user))`), or a local name whose every binding reaching its use in the
    query makes such a call (`permitted = get_nodegroups_by_perm(request.user, "read")`;
    `.filter(nodegroup__in=permitted)`). The rows that user may read. "" when no filter
    value is. Not the user itself, in place or through a local (`filter(owner=
    request.user)`, `user_id = current_user.id`), nor a condition that compares with it
    (`or_(M.public, M.owner_id == g.user.id)`; `Q(owner=request.user) | Q(public=True)`,
    `conditions` being the names the file binds to Django's `Q`): the caller's own rows, or
    more, which BR303 judges by the query and the model (messages pile up, tokens do not).

    The query's text is read for its filters; each name in it is followed from its uses
    in the function (those inside the query's span, else every use) through
    `ctx.reaching_bindings`, so a name rebound after the query does not count."""
    try:
        tree = ast.parse(" ".join(re.sub(r"\\\s*\n", " ", query.text).split()), mode="eval")
    except SyntaxError:
        return ""
    uses: dict[str, list[ast.Name]] = {}
    for node in own_nodes(func):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            uses.setdefault(node.id, []).append(node)
    span = query.span

    def occurrences(name: str) -> list[ast.Name]:
        found = uses.get(name, [])
        return [n for n in found if span.start_line <= n.lineno <= span.end_line] or found

    def user_name(node: ast.Name) -> bool:
        """A local whose every reaching binding is the requesting user (or a field)."""
        return _every_binding(ctx, node, lambda v: _is_requester(v, _no_name))

    def derived(node: ast.Name) -> bool:
        """A local whose every reaching binding makes a call given the requesting user."""
        return _every_binding(ctx, node, lambda v: any(
            _given_requester(n, user_name, conditions) for n in ast.walk(v)))

    def in_query(test: Callable[[ast.Name], bool]) -> Callable[[ast.Name], bool]:
        """`test` for a name of the query's text, through its uses in the function."""
        return lambda name: bool(found := occurrences(name.id)) and all(
            test(n) for n in found)

    text_user, text_derived = in_query(user_name), in_query(derived)
    for call in ast.walk(tree):
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                and call.func.attr in _FILTER_STEPS):
            continue
        for value in [*call.args, *(k.value for k in call.keywords)]:
            if any((isinstance(n, ast.Name) and text_derived(n))
                   or _given_requester(n, text_user, conditions) for n in ast.walk(value)):
                return ast.unparse(value)
    return ""


def _no_name(node: ast.Name) -> bool:
    return False


def _every_binding(ctx: FileContext, name: ast.Name, test: Callable[[ast.expr], bool]) -> bool:
    """Every binding of `name` that reaches this use assigns a value passing `test` (a loop
    or `with` target, an unpacking or a parameter, bound to no value the code shows here,
    does not)."""
    bindings = ctx.reaching_bindings(name)
    return bool(bindings) and all(
        b.kind in ("assign", "annassign", "walrus") and b.value is not None and test(b.value)
        for b in bindings)


def _is_requester(node: ast.AST, user_name: Callable[[ast.Name], bool]) -> bool:
    """The requesting user (or a field of it) as written, or a local that holds it."""
    if isinstance(node, ast.Name) and user_name(node):
        return True
    return isinstance(node, ast.Attribute | ast.Name) and bool(
        REQUESTER_VALUE.match(ast.unparse(node)))


def _given_requester(node: ast.AST, user_name: Callable[[ast.Name], bool],
                     conditions: frozenset[str]) -> bool:
    """A call given the requesting user itself as an argument (`perms_of(request.user)`):
    not a condition built from it (`Q(owner=request.user)`; `and_(M.owner_id ==
    current_user.id)` is given a comparison, not the user)."""
    return isinstance(node, ast.Call) and ast.unparse(node.func) not in conditions and any(
        _is_requester(a, user_name) for a in [*node.args, *(k.value for k in node.keywords)])


def _django_q(ctx: FileContext) -> frozenset[str]:
    """The names the file calls Django's `Q` by (`Q`, `models.Q`): a condition, not a value."""
    q = ctx.semantic.imports_binding(lambda name: name == "django.db.models.Q")
    models = ctx.semantic.imports_binding(lambda name: name == "django.db.models")
    return q | {f"{m}.Q" for m in models}


def _empty_list(value: ast.AST | None) -> bool:
    return (isinstance(value, ast.List) and not value.elts) or (
        isinstance(value, ast.Call) and getattr(value.func, "id", "") == "list"
        and not value.args and not value.keywords)


def _filled_per_row(ctx: FileContext, name: str, func: ast.AST, depth: int
                    ) -> QueryFact | None:
    """`out = []`, then `for row in <every row of a query>: out.append(...)`: the list holds
    an item per row. A `break` in the loop (a cap on what it collects) bounds it."""
    for node in own_nodes(func):
        if not isinstance(node, ast.For | ast.AsyncFor) or any(
                isinstance(n, ast.Break) for n in ast.walk(node)):
            continue
        fills = any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                    and n.func.attr in ("append", "extend") and isinstance(n.func.value, ast.Name)
                    and n.func.value.id == name for n in ast.walk(node))
        if fills:
            found = unbounded_query(ctx, node.iter, func, depth + 1)
            if found is not None:
                return found
    return None


# Steps that narrow or order a query and keep every row it then finds.
_REFINEMENTS = _DJANGO_QS - {"values", "values_list", "all"} | {
    "where", "filter_by", "join", "outerjoin", "options"}


def _refined_name(call: ast.Call) -> ast.Name | None:
    node: ast.AST = call
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and (
            node.func.attr in _REFINEMENTS or node.func.attr == "all"):
        node = node.func.value
    return node if isinstance(node, ast.Name) and node is not call else None


def refinement(ctx: FileContext, value: ast.AST | None, name: str) -> str | None:
    """`name.filter(...).order_by(...)` (a query refined in place): the calls' text after
    `name`; None for anything else."""
    node = value
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and (
            node.func.attr in _REFINEMENTS):
        node = node.func.value
    if node is value or not (isinstance(node, ast.Name) and node.id == name):
        return None
    return ctx.source(value)[len(name):]  # type: ignore[arg-type]


def carries_rows(call: ast.Call) -> bool:
    """A call whose value holds its arguments' rows: a response or page (`jsonify`,
    `Response`, `render`), a container (`list`, `sorted`), a list serializer or schema."""
    fn = call.func
    name = fn.attr if isinstance(fn, ast.Attribute) else getattr(fn, "id", "")
    many = kwarg(call, "many")
    many_true = isinstance(many, ast.Constant) and many.value is True
    return name in _WRAPPERS or (name.endswith("Serializer") and many_true) or \
        name.endswith("Schema") or (
            name in ("dump", "model_validate", "from_orm") and many_true) or \
        _many_representation(call)


# Values of one dict, each fetched by a call of its own, from which on it is a bundle.
_BUNDLE_CALLS = 4


def bundles_lists(node: ast.Dict) -> bool:
    """`{"projects": get_projects(), "task_types": get_task_types(), "statuses": ...,
    "plugins": get_plugins()}`: a payload that bundles several collections, each fetched by
    its own call (a client's start-up context), answers with no one list. Its lists are the
    reference data the client needs whole: on the tuning half paging one of them was
    labelled false with a wrong fix (zou's user context and its installed plugins)."""
    callees: set[str] = set()
    for value in node.values:
        while isinstance(value, ast.Await):
            value = value.value
        if isinstance(value, ast.Call):
            callees.add(ast.dump(value.func))
    return len(callees) >= _BUNDLE_CALLS


def _many_representation(call: ast.Call) -> bool:
    """`UserSerializer(many=True).to_representation(rows)` / `Schema(many=True).dump(rows)`:
    a list serializer made first, then handed the rows."""
    fn = call.func
    if not (isinstance(fn, ast.Attribute) and fn.attr in ("to_representation", "dump")
            and isinstance(fn.value, ast.Call)):
        return False
    many = kwarg(fn.value, "many")
    return isinstance(many, ast.Constant) and many.value is True


def _unbounded_select(ctx: FileContext, fetch: ast.Call) -> QueryFact | None:
    """`cursor.fetchall()` (or `conn.execute(sql).fetchall()`) after SQL that returns every
    row of a table (analysis/sql_bounds.py: BR102's answer for a cursor's rows too)."""
    assert isinstance(fetch.func, ast.Attribute)
    execute = last_execute(ctx, fetch, fetch.func.value)
    if execute is None or not execute.args:
        return None
    build = StringAnalyzer(ctx).analyze(execute.args[0])
    if build is None or not selects_every_row(build.constant_text()):
        return None
    return QueryFact(ctx.span_of(execute), ctx.source(execute), "dbapi")


def _query_kind(ctx: FileContext, call: ast.Call) -> str | None:
    if not isinstance(call.func, ast.Attribute):
        return None
    names, root = call_chain(call)
    last = call.func.attr
    bounded = {"limit", "paginate", "slice", "offset", "first", "one", "get", "count",
               "exists", "scalar", "fetchmany", "fetchone", "one_or_none", "aggregate",
               "filter_by_id", "latest", "earliest", "in_bulk", "iterator"}
    if bounded & set(names):
        return None
    if "objects" in names and last in _DJANGO_QS:
        idx = names.index("objects")
        if (ctx.semantic.is_imported("django") or ctx.semantic.is_imported("rest_framework")) \
                and (idx >= 1 or isinstance(root, ast.Name)):
            return "django"
        if idx == 0 and isinstance(root, ast.Name) and root.id[:1].isupper():
            # `Dataset.objects.owned_by(*owners).order_by(...)` on a class, in a module that
            # imports only the models: a Django or MongoEngine manager all the same.
            return "manager"
    sqla = any(ctx.semantic.is_imported(m) for m in ("sqlalchemy", "flask_sqlalchemy",
                                                     "sqlmodel"))
    if last == "all" and "query" in names:
        return "sqlalchemy"
    if last == "all" and sqla and ("scalars" in names or "execute" in names):
        # session.scalars(select(X)).all(): a select() with no .limit() / .slice() inside.
        calls = [n for n in ast.walk(call) if isinstance(n, ast.Call)]
        if any(isinstance(n.func, ast.Attribute) and n.func.attr in ("limit", "slice",
                                                                      "offset") for n in calls):
            return None
        if any(getattr(n.func, "id", "") == "select" or
               (ctx.qualified_name(n.func) or "").endswith(".select") for n in calls):
            return "sqlalchemy"
    return None
