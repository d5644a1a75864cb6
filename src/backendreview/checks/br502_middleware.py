"""Health-check middleware from libraries: wrapping the application in one serves the probe
endpoint, though no route of the project declares it (BR502).

ironic-inspector: `app.wsgi_app = healthcheck.Healthcheck(app.wsgi_app, CONF)` (oslo.middleware
answers `/healthcheck` in front of the Flask app); keystone builds the same middleware's app
with `Healthcheck.app_factory(...)` and mounts it. The constructors are read from the program
model's call sites (calls inside functions; a module-level wrap is not seen, which only keeps
the finding).
"""

from __future__ import annotations

from ..analysis.paths import is_test_path
from ..analysis.program import ProgramModel

# The middleware classes, and the factories paste deployments call, as dotted names.
_HEALTH_MIDDLEWARE = frozenset({
    "oslo_middleware.healthcheck.Healthcheck",
    "oslo_middleware.Healthcheck",
})
_FACTORIES = frozenset({"app_factory", "factory"})


def health_middleware(program: ProgramModel) -> str | None:
    """`path:line` of a call building a library's health-check middleware, if any."""
    for fn in sorted(program.functions.values(), key=lambda f: (f.path, f.line)):
        if is_test_path(fn.path):
            continue  # a test wrapping the app to try the middleware deploys nothing
        for site in fn.calls:
            ref = site.callee.ref if site.callee.kind == "ref" else ""
            owner, _, last = ref.rpartition(".")
            if ref in _HEALTH_MIDDLEWARE or (last in _FACTORIES and owner in _HEALTH_MIDDLEWARE):
                return f"{fn.path}:{site.line}"
    return None
