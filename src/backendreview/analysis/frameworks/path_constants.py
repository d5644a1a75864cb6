"""Route paths and prefixes written with module constants of other modules (ethyca-fides):

    # fides/common/urn_registry.py
    V1_URL_PREFIX = "/api/v1"
    CONNECTION_BY_KEY = CONNECTIONS + "/{connection_key}"
    DATASET_BY_KEY = CONNECTION_BY_KEY + DATASETS + "/{dataset_key}"

    # fides/api/v1/endpoints/connection_endpoints.py
    from fides.common import urn_registry as urls
    router = APIRouter(prefix=urls.V1_URL_PREFIX)
    @router.get(urls.DATASET_BY_KEY)       # -> /api/v1/connection/{connection_key}/...

Per file, path_text shows an imported value by the name it is read through: `{NAME}` for
`from m import NAME`, `{urls.NAME}` for an attribute of an imported name (path_format.
NAME_REF), and the program model records each module's string constants: the literals
(`ModuleInfo.constants`) and those built of others (`ModuleInfo.path_constants`, their own
imported parts still named). The project phase follows exactly that import to the module
that defines the name, through re-exports (`from .urls import NAME` in a package's
`__init__`, `from .urls import *`), and fills in its value, itself filled the same way
(bounded). What it cannot follow (a module outside the project, a name the module does not
bind once to a string) keeps its name, shown `{NAME}`."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from .path_format import NAME_REF, fill_deferred, plain_names

_MAX_DEPTH = 8


def constant_text(model: Any, ref: str, depth: int = 0) -> str | None:
    """The path text the module constant `ref` (a dotted name) holds, through the imports
    and star imports that re-export it; None when it is not a project constant."""
    if depth > _MAX_DEPTH or not ref:
        return None
    parts = ref.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        module = model.module_of(".".join(parts[:cut]))
        if module is None:
            continue
        rest = parts[cut:]
        if len(rest) == 1 and rest[0] in module.constants:
            return module.constants[rest[0]]  # type: ignore[no-any-return]
        if len(rest) == 1 and rest[0] in module.path_constants:
            return fill_names(model, module, module.path_constants[rest[0]], depth + 1)
        target = module.imports.get(rest[0])
        if target:
            return constant_text(model, ".".join([target, *rest[1:]]), depth + 1)
        for star in module.star_imports:
            found = constant_text(model, ".".join([star, *rest]), depth + 1)
            if found is not None:
                return found
        return None
    return None


def _ref(module: Any, base: str, name: str) -> str | None:
    """The dotted reference `{base.NAME}` / `{NAME}` stands for in `module`, through the
    import that binds its first name."""
    if not base:
        return module.imports.get(name)  # type: ignore[no-any-return]
    root, _, rest = base[:-1].partition(".")
    target = module.imports.get(root)
    if not target:
        return None
    return ".".join(p for p in (target, rest, name) if p)


def fill_names(model: Any, module: Any, text: str, depth: int = 0) -> str:
    """`text` (read in `module`) with each imported name whose value the project fixes
    replaced by that value; the others left as they are."""
    if "{" not in text:
        return text

    def value(match: re.Match[str]) -> str:
        ref = _ref(module, match.group(1), match.group(2))
        found = constant_text(model, ref, depth) if ref else None
        return found if found is not None else match.group(0)

    return NAME_REF.sub(value, text)


def with_imported_constants(facts: dict[str, list[Any]], owners: dict[str, Any],
                            mounts: list[Any], routes: list[Any]
                            ) -> tuple[dict[str, Any], list[Any], list[Any]]:
    """Prefixes and paths with imported names (`{API_PREFIX}`, `{urls.CONFIG}`) replaced by
    the project constant's value; what stays unknown is shown by its name (`{CONFIG}`)."""
    from ..program import FACT_KIND, program_of

    named = [o.prefix for o in owners.values()] + [m.prefix for m in mounts] + \
        [r.path for r in routes]
    if not any(t and "{" in t for t in named):
        return owners, mounts, routes
    model = program_of(facts) if facts.get(FACT_KIND) else None
    by_path = {m.path: m for m in model.modules.values()} if model is not None else {}

    def resolved(text: str | None, file: str) -> str | None:
        if not text or "{" not in text:
            return text
        module = by_path.get(file)

        def imported(name: str) -> str | None:
            target = module.imports.get(name) if module is not None else None
            return constant_text(model, target) if target else None

        # `KEYPAIR % "x"` with KEYPAIR imported (path_format.DEFERRED_FORMAT), then names.
        text = fill_deferred(text, imported)
        if module is not None:
            text = fill_names(model, module, text)
        return plain_names(text)

    return ({k: replace(o, prefix=resolved(o.prefix, o.file)) for k, o in owners.items()},
            [replace(m, prefix=resolved(m.prefix, m.file)) for m in mounts],
            [replace(r, path=resolved(r.path, r.file)) for r in routes])

