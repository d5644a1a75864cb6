"""BR304 create-status-code: a POST route that creates a resource answers 200, not 201.

201 Created is how an API tells its client what the POST made. A handler that answers
every path with a redirect or a rendered page (an HTML form post: 302/303 after POST is the
right pattern there) or with an empty body (an HTML page's ajax helper) returns no resource
to a client that reads status codes: the file half records those handlers
(`PAGE_HANDLERS`), and the project half does not report their routes.
"""

from __future__ import annotations

import ast
import re
from typing import Any, ClassVar

from ..analysis.frameworks.naming import words
from ..analysis.frameworks.routes import Route, project_routes
from ..analysis.rewrite import with_keyword
from ..model import Edit, Fix
from .base import ProjectRule, Rule

CREATE_WORDS = frozenset({"create", "add", "new", "insert", "register", "signup"})
CREATE_CALLS = frozenset({".add()", ".create()", ".save()", ".insert()", ".bulk_create()"})


PAGE_HANDLERS = "br304_page_handlers"
# Responses that are a page or a redirect, not a resource: redirect(), render_template(),
# Django's render() / HttpResponseRedirect, Starlette's RedirectResponse / TemplateResponse,
# a project's own render_*_template helper.
_PAGE_RESPONSE = re.compile(r"^(?:redirect\w*|render\w*|\w*Redirect\w*|\w*TemplateResponse)$")


def _answers_no_resource(value: ast.expr | None) -> bool:
    """`return redirect(...)`, `return render_template(...)`, `return ""`."""
    if isinstance(value, ast.Constant) and value.value in ("", b""):
        return True
    if isinstance(value, ast.Call):
        func = value.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        return bool(_PAGE_RESPONSE.match(name))
    return False


class PageHandlers(Rule):
    """The file half of BR304: functions whose every return is a page, a redirect or an
    empty body (a FastAPI handler without a return still answers JSON `null`)."""

    id = "BR304"

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self._functions: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
        self._returns: dict[int, list[ast.Return]] = {}

    # Each return is filed under the function whose own code it is (the nearest def above
    # it: a lambda holds no statement, a class body no return), instead of walking the body
    # of every function of every file for its returns (a tenth of a default run's CPU).
    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self._functions.append(node)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Return(self, node: ast.Return) -> None:
        owner = self.ctx.semantic.enclosing_function(node)
        if owner is not None:
            self._returns.setdefault(id(owner), []).append(node)

    def end_file(self) -> None:
        for function in self._functions:
            returns = self._returns.get(id(function))
            if returns and all(_answers_no_resource(r.value) for r in returns):
                self.ctx.emit_fact(PAGE_HANDLERS, (self.ctx.path, function.lineno))


class CreateStatusCode(ProjectRule):
    id = "BR304"
    needs_facts: ClassVar[tuple[str, ...]] = ("routes",)

    def check(self, facts: dict[str, list[Any]]) -> None:
        seen: set[tuple[str, int]] = set()
        pages = set(facts.get(PAGE_HANDLERS, []))
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
            if (route.handler_file, route.handler_line) in pages:
                continue  # answers with a page, a redirect or nothing: no API resource
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


RULES = (PageHandlers, CreateStatusCode)
