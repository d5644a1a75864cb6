"""BR502's fix: a /health route on the application the process serves, written with the name
the code gives that application, and said in words where code could be put in the wrong place:

- an application kept on an instance (`self.app = web.Application()` in a class) is reached
  as `self.app` inside that class, so a module-level snippet would name nothing;
- an aiohttp application that no `run_app()` / `AppRunner` of the project serves may be a
  sub-application mounted under another one's prefix (often one a library builds), where a
  probe would not answer at the root;
- a FastAPI / Starlette `app.mount("/", other_app)` answers every path registered after it,
  so the probe must be registered before that mount;
- a Flask-RESTX / Flask-RESTful `Api` registers Resource classes, not decorated functions.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..analysis.frameworks.routes import MountFact, OwnerFact, Resolver
from ..analysis.program import ClassInfo, FunctionInfo, program_of
from ..model import Fix

_DESCRIPTION = "Add a cheap endpoint that answers 200 OK"


# An orchestrator's probe carries no credentials: behind the login every other route needs
# it answers 401, and the orchestrator restarts a healthy process.
PROBE_OPEN = (" The probe sends no credentials: if the application refuses anonymous requests "
         "everywhere (a before_request hook, an authentication middleware or paste filter), "
         "exempt /health from it, or the probe gets a 401.")


def health_fix(facts: dict[str, list[Any]], app: OwnerFact) -> Fix:
    fix = _health_fix(facts, app)
    return replace(fix, description=fix.description.rstrip(".") + "." + PROBE_OPEN)


def _health_fix(facts: dict[str, list[Any]], app: OwnerFact) -> Fix:
    fw = app.framework
    owner, _, var = app.name.rpartition(".")
    if facts.get("program") and isinstance(program_of(facts).resolve(owner), ClassInfo):
        cls = owner.rsplit(".", 1)[-1]
        return Fix(f"{_DESCRIPTION}: register a GET /health handler on `self.{var}` in "
                   f"`{cls}` (the application is kept on its instances, so a module-level "
                   f"`{var}` does not exist){_unserved(facts, app)}.")
    var = var if var.isidentifier() else "app"
    # `def create_app(): app = Flask(...)`, `def register(flask_app): ...`: the application is
    # a name inside that function only, so that is where the handler goes.
    inside = ""
    function = program_of(facts).resolve(owner) if facts.get("program") else None
    if isinstance(function, FunctionInfo):
        name = owner.rsplit(".", 1)[-1]
        inside = (f", where the application is created: `{var}` is a parameter of `{name}` "
                  f"here (inside `{name}` works too)" if var in function.params else
                  f", inside `{name}` where `{var}` is in scope")
    unserved = _unserved(facts, app)
    if unserved:
        return Fix(f"{_DESCRIPTION} on `{var}`{unserved}.")
    if fw == "flask" and _rest_api(facts, app):
        return Fix(f"{_DESCRIPTION}: `{var}` registers classes (a REST extension's Resources "
                   f"or class-based views), not decorated functions: add a Health class whose "
                   f"get() returns {{\"status\": \"ok\"}} at /health the same way, or a plain "
                   f"route on the Flask app.")
    decorated = f'@{var}.get("/health")\ndef health():\n    return {{"status": "ok"}}'
    examples = {
        # Flask's `.get` shortcut exists only from Flask 2.0 (blazar and ironic-inspector
        # still allow 1.x); `.route` answers GET on every version.
        "fastapi": decorated, "flask": decorated.replace(".get(", ".route(", 1),
        "aiohttp": 'from aiohttp import web\n\n\nasync def health(request):\n    return '
                   f'web.json_response({{"status": "ok"}})\n\n\n'
                   f'{var}.router.add_get("/health", health)',
        "starlette": 'from starlette.responses import JSONResponse\n\n\nasync def '
                     'health(request):\n    return JSONResponse({"status": "ok"})\n\n\n'
                     f'{var}.add_route("/health", health)'}
    example = examples.get(fw)
    if example is None:
        return Fix(f"{_DESCRIPTION} on `{var}`.")
    catch_all = _catch_all_mount(facts, app)
    if catch_all is not None:
        return Fix(f"{_DESCRIPTION}, registered before the `{var}.mount(\"/\", ...)` at line "
                   f"{catch_all.line}: routes match in registration order and that mount "
                   f"answers every path, so a probe added after it is never reached.", example)
    return Fix(f"{_DESCRIPTION}{inside}", example)


def _rest_api(facts: dict[str, list[Any]], app: OwnerFact) -> bool:
    """A Flask-RESTX / Flask-RESTful `Api`: namespaces mounted on it (add_namespace), or
    every route it holds is a Resource class (its methods decided by the class)."""
    # (A Flask app's `register_blueprint(bp, url_prefix=...)` replaces a prefix too: only an
    # Api's own mounts are namespaces.)
    if any(m.parent == app.name and m.replaces_prefix for m in facts.get("route_mount", [])) \
            and any(f.name == app.name for f in facts.get("restx_api", [])):
        return True
    own = [r for r in facts.get("route", []) if r.owner == app.name]
    return bool(own) and all(r.view_ref and not r.methods for r in own)


def _unserved(facts: dict[str, list[Any]], app: OwnerFact) -> str:
    """Why the probe may not belong on this aiohttp application, or ''."""
    if app.framework != "aiohttp":
        return ""
    served = Resolver(sorted(s.value for s in facts.get("settings", [])
                             if s.key == "aiohttp-root"))
    if served.find(app.name) is not None:
        return ""
    return (" if the process serves it; no run_app() or AppRunner of the project serves "
            "this application, so it may be a sub-application mounted under another one's "
            "prefix (add_subapp): then the probe belongs on the root application, which "
            "orchestrators probe at the root path")


def _catch_all_mount(facts: dict[str, list[Any]], app: OwnerFact) -> MountFact | None:
    """The first `app.mount("/", sub_app)` of a FastAPI / Starlette application."""
    if app.framework not in ("fastapi", "starlette"):
        return None
    routers = Resolver(sorted(o.name for o in facts.get("route_owner", []) if o.kind == "router"))
    # `include_router(router, prefix="/")` adds routes; only a mounted application catches all.
    mounts = [m for m in facts.get("route_mount", [])
              if m.parent == app.name and m.prefix == "/" and m.file == app.file and
              routers.find(m.child) is None]
    return min(mounts, key=lambda m: m.line, default=None)
