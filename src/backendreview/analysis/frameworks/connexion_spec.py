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

from .common import PAGE_PARAMS, arg_or_kw, bound_call, kwarg, literal_str
from .routes import HandlerInfo, RouteFact

if TYPE_CHECKING:
    from ...context import FileContext

APPS = frozenset({"connexion.App", "connexion.FlaskApp", "connexion.AsyncApp",
                  "connexion.apps.flask.FlaskApp", "connexion.apps.flask_app.FlaskApp"})
OPERATIONS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
MAX_SPEC_BYTES = 5_000_000


def active(ctx: FileContext) -> bool:
    return ctx.semantic.is_imported("connexion")


def on_call(ctx: FileContext, call: ast.Call) -> list[object]:
    if not (isinstance(call.func, ast.Attribute) and call.func.attr == "add_api"):
        return []
    spec_name = literal_str(arg_or_kw(call, 0, "specification"))
    if spec_name is None:
        return []
    app = bound_call(ctx, call.func.value)
    spec_dir = ""
    if app is not None and (ctx.qualified_name(app.func) or "") in APPS:
        spec_dir = literal_str(kwarg(app, "specification_dir")) or ""
    here = Path(ctx.path).parent
    path = here / spec_dir / spec_name
    if not path.is_file():
        path = here / spec_name
    spec, text = _load(path)
    if spec is None:
        return []
    base_kw = kwarg(call, "base_path")
    base = literal_str(base_kw) if base_kw is not None else _base_path(spec)
    if base is None:
        base = ""
    return list(_routes(spec, text, str(path), base.rstrip("/")))


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
            params = [p for p in [*_list(item.get("parameters")), *_list(op.get("parameters"))]
                      if isinstance(p, dict) and isinstance(p.get("name"), str)]
            pages = tuple(p["name"] for p in params
                          if p.get("in") == "query" and p["name"].lower() in PAGE_PARAMS)
            info = HandlerInfo(name=handler.rsplit(".", 1)[-1], line=line, span=span,
                               params=tuple(p["name"] for p in params), auth=auth,
                               pagination=pages, file=file)
            # The handler's dotted name: the project phase resolves it to the Python
            # function through the program model (routes.resolve_spec_handlers).
            out.append(RouteFact("connexion", None, base + url, (method.upper(),), file,
                                 span, info, registration="connexion",
                                 view_ref=handler if "." in handler else None))
    return out


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
        if "operationId" in line and operation_id in line:
            return index
    return 1
