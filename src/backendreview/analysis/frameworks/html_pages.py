"""Which routes answer with an HTML page (a server-rendered view of a web UI), found by
following the code, never by the path's or the handler's name.

A route serves HTML when
- its handler returns a rendered template (`render`, `render_template`, `TemplateResponse`,
  `templates.TemplateResponse`, `HTMLResponse`, Django's `TemplateResponse`, an `HttpResponse`
  of a rendered template whose content type is not written as another) or is declared to
  (`-> HTMLResponse`), read per file by `returns_page`;
- its handler returns what a project function or method returns, and that function renders
  a page (a form helper's `get_response()` that returns `templates.TemplateResponse(...)`):
  solved over the program model's call graph in the project phase (`PageSummaries`); a call
  the model cannot resolve tells nothing;
- its class renders: a Django class-based view whose hierarchy reaches a template view
  (TemplateView, FormView, the generic editing views, TemplateResponseMixin) or declares a
  `template_name`; a DRF view or viewset whose `renderer_classes` (the nearest class that
  sets them, in any module) are all HTML renderers (`TemplateHTMLRenderer`, the browsable
  API renderer, or project subclasses of them).

A handler that renders a form on GET and redirects after a valid POST is an HTML form route;
one that answers JSON on every return is not a page, whatever else it calls.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ...context import FileContext
    from ..program import ProgramModel
    from ..program.facts import CallSite, ClassInfo, FunctionInfo

# What a returned call builds when it renders a page (by the callee's last name).
PAGE_RESPONSES = frozenset({"render_template", "render_template_string", "render_to_response",
                            "TemplateResponse", "_TemplateResponse", "SimpleTemplateResponse",
                            "HTMLResponse"})
# `render(request, "page.html", ...)`: only the frameworks' own function of that name (a
# project's or a serializer's `render` can build anything).
_RENDER_FUNCTIONS = frozenset({"django.shortcuts.render", "aiohttp_jinja2.render_template",
                               "quart.render_template", "flask.render_template"})
# What answers JSON, by the last part of its name (`jsonify`, `JsonResponse`, pgAdmin's
# `make_json_response`): beside what renders a page, since a handler is one or the other.
JSON_RESPONSES = frozenset({"jsonify", "JsonResponse", "json_response", "JSONResponse",
                            "make_json_response"})
# Django's class-based views that answer with a rendered template.
TEMPLATE_VIEWS = frozenset({"TemplateView", "TemplateResponseMixin", "FormView", "BaseFormView",
                            "ProcessFormView", "CreateView", "UpdateView", "DeleteView",
                            "BaseCreateView", "BaseUpdateView", "BaseDeleteView", "DetailView",
                            "ListView", "ArchiveIndexView", "YearArchiveView",
                            "MonthArchiveView", "DayArchiveView", "DateDetailView",
                            "LoginView", "LogoutView", "PasswordChangeView",
                            "PasswordResetView", "PasswordResetConfirmView",
                            "PasswordResetDoneView", "PasswordResetCompleteView",
                            "PasswordChangeDoneView"})
# Library views outside django that are Django generic template views themselves:
# django-oauth-toolkit's application and token management pages (`ApplicationDelete` is a
# DeleteView: GET renders the confirmation form, the form POSTs back), by the names the
# package exports them under.
LIBRARY_TEMPLATE_VIEWS = frozenset(
    f"oauth2_provider.views{module}.{name}"
    for module in ("", ".application", ".token")
    for name in ("ApplicationRegistration", "ApplicationDetail", "ApplicationList",
                 "ApplicationDelete", "ApplicationUpdate", "AuthorizedTokensListView",
                 "AuthorizedTokenDeleteView"))
# DRF's renderers whose media type is text/html.
HTML_RENDERERS = frozenset({"TemplateHTMLRenderer", "StaticHTMLRenderer",
                            "BrowsableAPIRenderer", "AdminRenderer"})


def _last(name: str) -> str:
    return name.rsplit(".", 1)[-1]


def _page_call(ctx: FileContext, call: ast.Call) -> bool:
    qualified = ctx.qualified_name(call.func) or ""
    if qualified in _RENDER_FUNCTIONS:
        return True
    if qualified in _HTTP_RESPONSES:
        # `HttpResponse(template.render(context, request))`: Django's render() spelled out
        # (tendenci's themed_response, which every view of it returns as render_to_resp).
        content = call.args[0] if call.args else next(
            (k.value for k in call.keywords if k.arg == "content"), None)
        return content is not None and _html_content_type(call) and _rendered_text(
            ctx, content, 2)
    return _last(qualified or ctx.source(call.func)) in PAGE_RESPONSES


def _html_content_type(call: ast.Call) -> bool:
    """An `HttpResponse(...)` whose content type is not written as another one: a template
    rendered into a script, a CSV or a feed (tendenci's tinymce
    `content_type="application/x-javascript"`) is no page. A content type the caller passes
    (themed_response's own parameter, None by default) stays HTML, Django's default."""
    given = call.args[1] if len(call.args) > 1 else next(
        (k.value for k in call.keywords if k.arg == "content_type"), None)
    if not (isinstance(given, ast.Constant) and isinstance(given.value, str)):
        return True
    return given.value.split(";", 1)[0].strip().lower() in ("text/html",
                                                            "application/xhtml+xml")


# Django's plain response classes, whose content is whatever text they are given.
_HTTP_RESPONSES = frozenset({"django.http.HttpResponse", "django.http.response.HttpResponse"})
# Django's template loader: `render_to_string` renders; the others load a template whose
# `.render(...)` does.
_RENDER_TO_STRING = frozenset({"django.template.loader.render_to_string"})
_TEMPLATE_LOADERS = frozenset({"django.template.loader.get_template",
                               "django.template.loader.select_template"})


def _rendered_text(ctx: FileContext, expr: ast.AST, depth: int) -> bool:
    """`expr` is the text of a rendered template: `render_to_string(...)`, the `.render(...)`
    of a template the loader returned, or a local name some earlier assignment gave one of
    those (`rendered = template.render(...)`, then `rendered = rendered.lstrip()`)."""
    if isinstance(expr, ast.Name):
        if depth <= 0:
            return False
        return any(b.kind == "assign" and b.value is not None and _rendered_text(
            ctx, b.value, depth - 1) for b in ctx.semantic.reaching_bindings(expr))
    if not isinstance(expr, ast.Call):
        return False
    if (ctx.qualified_name(expr.func) or "") in _RENDER_TO_STRING:
        return True
    func = expr.func
    if not (isinstance(func, ast.Attribute) and func.attr == "render"):
        return False
    template = func.value
    if isinstance(template, ast.Name) and depth > 0:
        return any(b.kind == "assign" and isinstance(b.value, ast.Call) and (
            ctx.qualified_name(b.value.func) or "") in _TEMPLATE_LOADERS
            for b in ctx.semantic.reaching_bindings(template))
    return isinstance(template, ast.Call) and (
        ctx.qualified_name(template.func) or "") in _TEMPLATE_LOADERS


def _returned_value(value: ast.AST) -> ast.AST:
    if isinstance(value, ast.Await):
        value = value.value
    if isinstance(value, ast.Tuple) and value.elts:
        value = value.elts[0]  # Flask `body, status`
    if isinstance(value, ast.Await):
        value = value.value
    return value


def returns_page(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef,
                 returns: list[ast.Return]) -> bool:
    """The handler's own code answers with a page: an HTML return annotation, or some
    `return` whose value is a rendered template."""
    if func.returns is not None and _last(ctx.source(func.returns)) in PAGE_RESPONSES:
        return True
    for ret in returns:
        value = _returned_value(ret.value) if ret.value is not None else None
        if isinstance(value, ast.Call) and _page_call(ctx, value):
            return True
    return False


@dataclass(frozen=True)
class PageFunctionFact:
    """A function of the project whose own returns render a page (any module: a form helper
    may import no web framework), keyed as the program model keys functions."""

    path: str
    line: int


def page_function(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef,
                  returns: list[ast.Return] | None = None) -> PageFunctionFact | None:
    # Asked of every function of a file that names a template: its `return`s are found
    # through its statements (a `return` is never inside an expression), not by walking
    # every node of its body. Nested functions and classes are left out, as own_nodes does.
    # `returns` is that list when the caller already has it (collector: shared with
    # call_bindings.factory_fact).
    if returns_page(ctx, func, ctx.semantic.own_returns(func) if returns is None else returns):
        return PageFunctionFact(ctx.path, func.lineno)
    return None


class PageSummaries:
    """Project functions that return a rendered page, solved over the program model's call
    graph (memoised; a recursion answers no)."""

    def __init__(self, program: ProgramModel | None,
                 direct: list[PageFunctionFact] | None = None) -> None:
        self.program = program  # None: the run collected no program model
        self._direct = {(f.path, f.line) for f in direct or ()}
        self._renders: dict[str, bool] = {}
        self._json: dict[str, bool] = {}

    def handler_renders(self, path: str, line: int) -> bool:
        """The function defined at `path:line` returns what a rendering function returns."""
        fn = self.program.function_at(path, line) if self.program is not None else None
        return fn is not None and self.renders(fn)

    def classes_of(self, ref: str) -> tuple[ClassInfo, ...]:
        """The project class `ref` names and its project ancestors, nearest first."""
        from ..program.facts import ClassInfo

        found = self.program.resolve(ref) if self.program is not None and ref else None
        return self.program.mro(found) if isinstance(found, ClassInfo) else ()

    def renders(self, fn: FunctionInfo) -> bool:
        known = self._renders.get(fn.qualname)
        if known is not None:
            return known
        if self.program is None:
            return False
        self._renders[fn.qualname] = False  # cycle guard
        answer = (fn.path, fn.line) in self._direct or bool(
            fn.returns and _last(fn.returns) in PAGE_RESPONSES) or any(
            self._site_renders(fn, site) for site in outer_returned(fn))
        self._renders[fn.qualname] = answer
        return answer

    def handler_answers_json(self, path: str, line: int) -> bool:
        """The function defined at `path:line` answers JSON through a project function
        (`return send_result(obj)`, whose body is `return jsonify(...)`) and renders no page
        and redirects nowhere on any path the model sees."""
        fn = self.program.function_at(path, line) if self.program is not None else None
        return fn is not None and self.answers_json(fn)

    def answers_json(self, fn: FunctionInfo) -> bool:
        known = self._json.get(fn.qualname)
        if known is not None:
            return known
        self._json[fn.qualname] = False  # cycle guard
        # `returned` also marks a call whose value flows into the return through a variable
        # (`res = delete_event(eid)` ... `return send_result(res)`): one JSON answer and no
        # page or redirect among them is what tells.
        sites = outer_returned(fn)
        answer = not fn.redirects and any(self._site_answers_json(fn, s) for s in sites) and \
            not any(self._site_renders(fn, s) for s in sites)
        self._json[fn.qualname] = answer
        return answer

    def _site_answers_json(self, fn: FunctionInfo, site: CallSite) -> bool:
        callee = site.callee
        if _last(callee.attr or callee.ref or site.text) in JSON_RESPONSES:
            return True
        # An unresolved call tells nothing: the answer is no.
        targets = self.program.targets(fn, site) if self.program is not None else ()
        return bool(targets) and all(self.answers_json(target) for target in targets)

    def _site_renders(self, fn: FunctionInfo, site: CallSite) -> bool:
        callee = site.callee
        if callee.kind == "ref" and callee.ref in _RENDER_FUNCTIONS:
            return True
        if _last(callee.attr or callee.ref or site.text) in PAGE_RESPONSES:
            return True
        return self.program is not None and any(
            self.renders(target) for target in self.program.targets(fn, site))

    def class_renders_html(self, refs: list[str]) -> bool | None:
        """Whether a renderer_classes list holds only HTML renderers: True / False, None when
        a renderer cannot be told (neither a DRF renderer nor a project class)."""
        if not refs:
            return False
        for ref in refs:
            verdict = self._html_renderer(ref)
            if verdict is not True:
                return verdict
        return True

    def _html_renderer(self, ref: str) -> bool | None:
        if _last(ref) in HTML_RENDERERS:
            return True
        if ref.startswith("rest_framework."):
            return False  # a DRF renderer that is not an HTML one
        if self.program is None:
            return None
        from ..program.facts import ClassInfo

        found = self.program.resolve(ref)
        if not isinstance(found, ClassInfo):
            return None
        for cls in self.program.mro(found):
            for base in cls.bases:
                if _last(base) in HTML_RENDERERS:
                    return True
                if base.startswith("rest_framework."):
                    return False
        return None


def outer_returned(fn: FunctionInfo) -> list[CallSite]:
    """The call sites whose value the function returns, without the calls nested in their
    arguments (`render(request, tpl, {"rows": rows()})` returns what render() builds)."""
    returned = [s for s in fn.calls if s.returned]

    def inside(inner: CallSite, outer: CallSite) -> bool:
        return inner is not outer and (outer.line, outer.col) <= (inner.line, inner.col) and \
            (inner.end_line, inner.end_col) <= (outer.end_line, outer.end_col)

    return [s for s in returned if not any(inside(s, o) for o in returned)]


def lineage_serves_html(lineage: list[Any], summaries: PageSummaries) -> bool:
    """A class-based view's lineage (the class and its ancestors: project classes as view
    facts, library classes as dotted names) renders HTML. `renderer_classes` decide when the
    nearest class sets them; else a Django template view or a `template_name`."""
    for item in lineage:
        if isinstance(item, str):
            continue
        renderers = item.literals.get("renderer_classes")
        if renderers is not None:
            refs = [r for r in renderers.split(",") if r]
            return summaries.class_renders_html(refs) is True
    # A DRF view answers with the project's default renderers (JSON) whatever template it
    # names for the browsable API.
    drf = any(isinstance(item, str) and item.startswith("rest_framework.") for item in lineage)
    for item in lineage:
        if isinstance(item, str):
            if (item.startswith("django.") and _last(item) in TEMPLATE_VIEWS) or (
                    item in LIBRARY_TEMPLATE_VIEWS):
                return True
        elif "template_name" in item.literals and not drf:
            return True
    return False
