"""Connexion: a spec-first app declares its routes in an OpenAPI / Swagger document
(`app.add_api("openapi.yaml")`). The collector reads the document named by the call (relative
to the app's `specification_dir` and the file that adds it; never fetched, never executed)
and emits one route per operation: `basePath` / `servers[0].url` + the path, the handler
named by `operationId` (with `x-openapi-router-controller`), and the operation's `security`
(an empty list marks a public operation; otherwise the document's global security)."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from .common import (
    PAGE_PARAMS,
    arg_or_kw,
    bound_call,
    bound_value,
    kwarg,
    literal_str,
    path_text,
)
from .routes import HandlerInfo, RouteFact

if TYPE_CHECKING:
    from ...context import FileContext

APPS = frozenset({"connexion.App", "connexion.FlaskApp", "connexion.AsyncApp",
                  "connexion.apps.flask.FlaskApp", "connexion.apps.flask_app.FlaskApp"})
OPERATIONS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
MAX_SPEC_BYTES = 5_000_000
# Query parameters that bound a list by a value rather than page it, unless the operation
# also takes a page's size or position.
_BOUNDS = frozenset({"before", "after"})


def active(ctx: FileContext) -> bool:
    return ctx.semantic.is_imported("connexion")


# Connexion's API classes built directly: `FlaskApi(specification=spec, base_path=...)`.
API_CLASSES = frozenset({"connexion.FlaskApi", "connexion.AioHttpApi", "connexion.AsyncApi",
                         "connexion.apis.FlaskApi", "connexion.apis.flask_api.FlaskApi"})


def on_call(ctx: FileContext, call: ast.Call) -> list[object]:
    is_add_api = isinstance(call.func, ast.Attribute) and call.func.attr == "add_api"
    if not is_add_api and (ctx.qualified_name(call.func) or "") not in API_CLASSES:
        return []
    spec_arg = arg_or_kw(call, 0, "specification")
    spec_name = literal_str(spec_arg)
    if spec_name is not None:
        app = bound_call(ctx, call.func.value) if is_add_api else None
        spec_dir = ""
        if app is not None and (ctx.qualified_name(app.func) or "") in APPS:
            spec_dir = literal_str(kwarg(app, "specification_dir")) or ""
        here = Path(ctx.path).parent
        path: Path | None = here / spec_dir / spec_name
        if not path.is_file():
            path = here / spec_name
    else:
        # `specification = yaml.safe_load(f)` with `f` opened from a path anchored at the
        # module's own file (`Path(__file__).parents[2].joinpath("openapi", "v1.yaml")`).
        path = _loaded_spec_path(ctx, spec_arg)
    if path is None:
        return []
    spec, text = _load(path)
    if spec is None:
        return []
    base_kw = kwarg(call, "base_path")
    base = path_text(ctx, base_kw) if base_kw is not None else _base_path(spec)
    if base is None:
        base = ""
    return list(_routes(spec, text, str(path), base.rstrip("/")))


def _loaded_spec_path(ctx: FileContext, expr: ast.AST | None) -> Path | None:
    """The file a spec dict was loaded from: `spec = safe_load(f)` (or `json.load(f)`) with
    `with open(P) as f` / `with P.open() as f`, P a path fixed by the code."""
    call = bound_call(ctx, expr) if expr is not None else None
    if call is None or not call.args or not (ctx.source(call.func).endswith("load")):
        return None
    handle = call.args[0]
    if not isinstance(handle, ast.Name):
        return None
    bindings = ctx.semantic.lookup(handle.id, handle)[1]
    if len(bindings) != 1 or bindings[0].kind != "with" or not isinstance(
            bindings[0].value, ast.Call):
        return None
    opened = bindings[0].value
    if isinstance(opened.func, ast.Attribute) and opened.func.attr == "open":
        target: ast.AST | None = opened.func.value
    elif isinstance(opened.func, ast.Name) and opened.func.id == "open" and opened.args:
        target = opened.args[0]
    else:
        return None
    found = _static_path(ctx, target, 0)
    return found if found is not None and found.is_file() else None


def _static_path(ctx: FileContext, node: ast.AST | None, depth: int) -> Path | None:
    """A filesystem path computed only from this module's `__file__` and literals
    (`Path(__file__).parents[2].resolve().joinpath("a", "b.yaml")`, `os.path.join(
    os.path.dirname(__file__), "b.yaml")`): where the reviewed file lies, so where the
    document lies in the reviewed tree. None for anything else (a relative path depends
    on the working directory at run time)."""
    if node is None or depth > 8:
        return None
    if isinstance(node, ast.Name):
        if node.id == "__file__":
            return Path(ctx.path)
        bound = bound_value(ctx, node)
        return _static_path(ctx, bound, depth + 1) if bound is not None else None
    if isinstance(node, ast.Attribute) and node.attr == "parent":
        base = _static_path(ctx, node.value, depth + 1)
        return base.parent if base is not None else None
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and \
            node.value.attr == "parents" and isinstance(node.slice, ast.Constant) and \
            isinstance(node.slice.value, int):
        base = _static_path(ctx, node.value.value, depth + 1)
        parents = base.parents if base is not None else ()
        return parents[node.slice.value] if 0 <= node.slice.value < len(parents) else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        base, part = _static_path(ctx, node.left, depth + 1), literal_str(node.right)
        return base / part if base is not None and part is not None else None
    if not isinstance(node, ast.Call):
        return None
    qn = ctx.qualified_name(node.func) or ""
    parts = [literal_str(a) for a in node.args[1:]]
    if qn in ("pathlib.Path", "os.path.abspath", "os.path.realpath") and len(node.args) == 1:
        return _static_path(ctx, node.args[0], depth + 1)
    if qn == "os.path.dirname" and len(node.args) == 1:
        base = _static_path(ctx, node.args[0], depth + 1)
        return base.parent if base is not None else None
    if qn == "os.path.join" and node.args and all(p is not None for p in parts):
        base = _static_path(ctx, node.args[0], depth + 1)
        return base.joinpath(*[p for p in parts if p]) if base is not None else None
    if isinstance(node.func, ast.Attribute) and node.func.attr in ("resolve", "absolute") \
            and not node.args:
        return _static_path(ctx, node.func.value, depth + 1)
    if isinstance(node.func, ast.Attribute) and node.func.attr == "joinpath":
        names = [literal_str(a) for a in node.args]
        base = _static_path(ctx, node.func.value, depth + 1)
        if base is not None and names and all(n is not None for n in names):
            return base.joinpath(*[n for n in names if n])
    return None


def _load(path: Path) -> tuple[dict[str, Any] | None, str]:
    try:
        if path.stat().st_size > MAX_SPEC_BYTES:
            return None, ""
        text = path.read_text(encoding="utf-8")
        import yaml

        data = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, ValueError, Exception):
        # An unreadable or invalid document gives no routes; the review goes on.
        return None, ""
    return (data, text) if isinstance(data, dict) else (None, "")


def _base_path(spec: dict[str, Any]) -> str | None:
    if isinstance(spec.get("basePath"), str):
        return spec["basePath"]
    servers = spec.get("servers")
    if isinstance(servers, list) and servers and isinstance(servers[0], dict):
        url = servers[0].get("url")
        if isinstance(url, str):
            return urlparse(url).path if "://" in url else url
    return ""


def _routes(spec: dict[str, Any], text: str, file: str, base: str) -> list[RouteFact]:
    from ...model import Span

    lines = text.splitlines()
    paths = spec.get("paths")
    if not isinstance(paths, dict):
        return []
    global_security = _security(spec.get("security"))
    out: list[RouteFact] = []
    for url, item in paths.items():
        if not isinstance(item, dict) or not isinstance(url, str):
            continue
        controller = item.get("x-openapi-router-controller")
        for method in OPERATIONS:
            op = item.get(method)
            if not isinstance(op, dict):
                continue
            operation_id = op.get("operationId")
            if not isinstance(operation_id, str):
                continue
            owner_ctl = op.get("x-openapi-router-controller", controller)
            handler = f"{owner_ctl}.{operation_id}" if isinstance(owner_ctl, str) else \
                operation_id
            security = _security(op["security"]) if "security" in op else global_security
            line = _line_of(lines, operation_id)
            span = Span(line, 1, line, 1)
            auth = tuple(f"openapi security: {s}" for s in security)
            params = [p for p in (_deref(spec, p) for p in [*_list(item.get("parameters")),
                                                            *_list(op.get("parameters"))])
                      if isinstance(p, dict) and isinstance(p.get("name"), str)]
            pages = tuple(p["name"] for p in params
                          if p.get("in") == "query" and p["name"].lower() in PAGE_PARAMS)
            if all(p.lower() in _BOUNDS for p in pages):
                # `before` / `after` alone bound a filter (`?before=<timestamp>`); a page
                # also takes its size or position (`limit`, `offset`, `page`, `cursor`).
                pages = ()
            info = HandlerInfo(name=handler.rsplit(".", 1)[-1], line=line, span=span,
                               params=tuple(p["name"] for p in params), auth=auth,
                               pagination=pages, file=file)
            # The handler's dotted name: the project phase resolves it to the Python
            # function through the program model (routes.resolve_spec_handlers).
            out.append(RouteFact("connexion", None, base + url, (method.upper(),), file,
                                 span, info, registration="connexion",
                                 view_ref=handler if "." in handler else None))
    return out


def _deref(spec: dict[str, Any], value: object) -> object:
    """A parameter given by reference (`$ref: '#/components/parameters/PageLimit'`): the
    parameter the document declares there (local references only)."""
    if not (isinstance(value, dict) and isinstance(value.get("$ref"), str) and
            value["$ref"].startswith("#/")):
        return value
    node: object = spec
    for part in value["$ref"][2:].split("/"):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _security(value: object) -> tuple[str, ...]:
    """Scheme names of a security requirement list; () for `security: []` (public)."""
    if not isinstance(value, list):
        return ()
    names: list[str] = []
    for requirement in value:
        if isinstance(requirement, dict):
            names += [str(k) for k in requirement]
    return tuple(dict.fromkeys(names))


def _line_of(lines: list[str], operation_id: str) -> int:
    for index, line in enumerate(lines, 1):
        # The whole id: `get_connection` is not the line of `get_connections`.
        _, found, value = line.partition("operationId")
        if found and value.strip(" :'\",\t") == operation_id:
            return index
    return 1
