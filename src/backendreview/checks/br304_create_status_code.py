"""BR304 create-status-code: a POST route that creates a resource answers 200, not 201."""

from __future__ import annotations

from typing import Any, ClassVar

from ..analysis.frameworks.naming import words
from ..analysis.frameworks.routes import Route, project_routes
from ..analysis.rewrite import with_keyword
from ..model import Edit, Fix
from .base import ProjectRule

CREATE_WORDS = frozenset({"create", "add", "new", "insert", "register", "signup"})
CREATE_CALLS = frozenset({".add()", ".create()", ".save()", ".insert()", ".bulk_create()"})


class CreateStatusCode(ProjectRule):
    id = "BR304"
    needs_facts: ClassVar[tuple[str, ...]] = ("routes",)

    def check(self, facts: dict[str, list[Any]]) -> None:
        seen: set[tuple[str, int]] = set()
        for route in project_routes(facts):
            # DRF's CreateModelMixin already answers 201; Django views build responses.
            if route.methods != ("POST",) or route.framework not in ("fastapi", "flask"):
                continue
            if route.status_code is not None or route.sets_status:
                continue
            name = words(route.handler.rsplit(".", 1)[-1])
            if not name or name[0] not in CREATE_WORDS:
                continue
            if not set(route.writes) & CREATE_CALLS:
                continue
            key = (route.file, route.span.start_line)
            if key in seen:
                continue
            seen.add(key)
            fix = _status_fix(route)
            self.report(route.file, route.span,
                        f'route "POST {route.path}" ({route.handler}) creates a resource but '
                        f"answers 200 OK; creation answers 201 Created", fix=fix,
                        snippet=route.own_path)


def _status_fix(route: Route) -> Fix:
    """FastAPI: `status_code=201` on the route decorator itself (an exact edit)."""
    if route.framework == "fastapi" and route.decorator is not None:
        span, source = route.decorator
        rewritten = with_keyword(source, "status_code", "201")
        if rewritten is not None:
            # Unsafe by ruff's definition: clients see another status code.
            return Fix("Declare the 201 Created status on the route", rewritten,
                       edits=(Edit(span, rewritten),), safe=False)
    if route.framework == "fastapi":
        return Fix("Declare the 201 Created status on the route")
    return Fix("Return 201 Created with the new resource: add `, 201` to the handler's "
               "return value")


RULES = (CreateStatusCode,)
