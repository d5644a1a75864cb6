"""BR303 missing-pagination: a GET route returns every row of a query."""

from __future__ import annotations

import ast
import re
from typing import Any, ClassVar

from ..analysis.frameworks.django import UNSIZED_PAGINATION
from ..analysis.frameworks.queryset_scope import fixed_value
from ..analysis.frameworks.routes import Route, SettingsFact, project_routes
from ..analysis.orm.creates import FACT_KIND as CREATES
from ..analysis.orm.filter_backends import requester_filter
from ..analysis.orm.seeded import SeedIndex
from ..analysis.program import (
    UNBOUNDED,
    FunctionInfo,
    ProgramModel,
    Reached,
    describe,
    program_of,
    related,
    short_name,
)
from ..analysis.row_bounds import passed_literal, skips_bound
from ..model import Fix, Severity, Span
from .base import ProjectRule
from .br102_fixes import with_loader
from .confidence import admin_reason
from .fixcode import code_or_none, handler_code, one_line

_FIXES = {
    "fastapi": (
        "Take limit/offset query parameters with a cap and apply them to the query",
        "def list_items(limit: int = Query(50, ge=1, le=200), offset: int = Query(0, ge=0),\n"
        "               db: Session = Depends(get_db)):\n"
        "    return db.query(Item).order_by(Item.id).offset(offset).limit(limit).all()"),
    "flask": (
        "Paginate with a capped page size",
        "per_page = min(request.args.get(\"per_page\", 50, type=int), 200)\n"
        "page = Item.query.order_by(Item.id).paginate(per_page=per_page, max_per_page=200)\n"
        "return jsonify(items=[i.to_dict() for i in page.items], total=page.total)"),
    "django": (
        "Paginate with django.core.paginator.Paginator and a capped page size",
        "paginator = Paginator(Item.objects.order_by(\"id\"), 50)\n"
        "page = paginator.get_page(request.GET.get(\"page\"))"),
    "drf": (
        "Give the view a pagination class (or set DEFAULT_PAGINATION_CLASS and PAGE_SIZE)",
        "from rest_framework.pagination import LimitOffsetPagination\n\n"
        "pagination_class = LimitOffsetPagination  # with max_limit set on a subclass\n"
        "# or in settings: REST_FRAMEWORK = {\"DEFAULT_PAGINATION_CLASS\": "
        "\"rest_framework.pagination.LimitOffsetPagination\", \"PAGE_SIZE\": 50}"),
    "aiohttp": (
        "Read limit/offset from the query string with a cap and apply them to the query",
        "limit = min(int(request.query.get(\"limit\", 50)), 200)\n"
        "offset = int(request.query.get(\"offset\", 0))"),
}


# GraphQL list fields: a Relay connection or first/offset arguments with a cap.
_GRAPHQL_FIXES = {
    "graphene": (
        "Serve the list as a Relay connection (graphene-django pages it with first/after "
        "and caps it with RELAY_CONNECTION_MAX_LIMIT)",
        "from graphene_django import DjangoConnectionField\n\n"
        "posts = DjangoConnectionField(PostType)  # or DjangoFilterConnectionField\n"
        "# settings: GRAPHENE = {..., \"RELAY_CONNECTION_MAX_LIMIT\": 100}"),
    "strawberry": (
        "Page the list: a Relay connection or strawberry-django pagination",
        "@strawberry_django.connection(ListConnectionWithTotalCount[PostType])\n"
        "# or: posts: list[PostType] = strawberry_django.field(pagination=True)"),
    "ariadne": (
        "Take first/offset arguments with a cap and slice the query",
        "def resolve_posts(_, info, first=50, offset=0):\n"
        "    first = min(first, 200)\n    return query[offset:offset + first]"),
}


class MissingPagination(ProjectRule):
    id = "BR303"
    needs_facts: ClassVar[tuple[str, ...]] = ("routes", "program", "model-creates")

    def check(self, facts: dict[str, list[Any]]) -> None:
        seen: set[tuple[str, int, int]] = set()
        program = program_of(facts)
        self.seeds = SeedIndex(facts.get(CREATES, []), program)
        self.class_at = {(c.path, c.line): c for c in program.classes.values()}
        self.module_at = {m.path: m.name for m in program.modules.values()}
        unsized: list[Route] = []
        for route in project_routes(facts):
            if _relies_on_unsized_default(route) and not self._staff_class(program, route):
                unsized.append(route)
            query = route.unbounded
            if not ({"GET", "ANY", "QUERY"} & set(route.methods)):
                continue
            if query is None:
                self._through_call(program, route, seen)
                continue
            if _paged(route, query.orm):
                continue
            # What DRF's list serves: the queryset with the view's filter_queryset chain.
            listed = query.text + query.refined
            if staff_only(route) or self._staff_class(program, route) or bounded_by_keys(
                    listed) or summary_query(listed):
                continue
            if own_rows(listed) or curated(listed) or admin_rows(listed):
                continue
            if query.rendered and whole_table_as_stored(listed):
                continue
            key = (route.unbounded_file, query.span.start_line, query.span.start_col)
            if key in seen:
                continue
            seen.add(key)
            description, example = _fix_for(route, query.text)
            text = " ".join(listed.split())
            if len(text) > 60:
                text = text[:57] + "..."
            message = (f'route "{_shown(route)}" returns every row of `{text}` with no limit '
                       f"or pagination")
            if parent_scoped(route, listed, query.parent) or reference_table(route, listed):
                continue
            if self._seeded(route.unbounded_file, query.text):
                continue
            severity = None
            handler = program.function_at(route.handler_file, route.handler_line)
            scoped = _deprecated(program, [handler.qualname] if handler is not None else [])
            backend = self._requester_backend(program, route) if query.orm == "drf" else None
            if scoped:
                severity = Severity.NOTE
                message += scoped
            elif query.requester:
                # A permission set of the requesting user (the nodegroups they may read):
                # the same provenance as a requester filter backend; on the tuning half
                # one such list was labelled true (every annotation a user may read) and
                # one false (the few annotation nodes of the schema).
                severity = Severity.NOTE
                message += (f" (note: the query keeps the rows `{_short(query.requester)}` "
                            f"allows, which the handler computes from the requesting user: "
                            f"what that user may read, a handful for most, every row for "
                            f"some)")
            elif unread := unread_filter(listed):
                severity = Severity.NOTE
                message += unread
            elif shared := _shared_note(listed):
                severity = Severity.NOTE
                message += shared
            elif query.narrowed and not _own_log_rows(listed, query.narrowed):
                # The listed query is the class's after its get_queryset: what that keeps
                # is a condition computed out of sight (the caller's teams, a tenant's rows).
                where, _, how = query.narrowed.partition(": ")
                severity = Severity.NOTE
                message += (f" (note: `{where}` narrows that queryset with "
                            f"`{_short(how)}`, a value the rule does not follow: it may keep "
                            f"only the caller's own or one parent's rows)")
            elif backend is not None:
                # kolibri's permissions filter: the caller's own few rows (their dismissed
                # notifications, device permission) for most users, every row for an admin
                # (the memberships of a whole facility): on the tuning half three such lists
                # were labelled false and one true, too weak to drop, enough for a note.
                severity = Severity.NOTE
                message += (f" (note: the view's filter backend `{backend}` keeps the rows "
                            f"the requesting user may read: a page size matters when that "
                            f"can be every row, as for an admin)")
            elif query.rendered:
                # On the tuning half most server-rendered full lists were small, curated
                # tables (pretix's item list, misago's admin lists, netbox's script modules):
                # a note that says so, not a warning.
                severity = Severity.NOTE
                message += (" (a server-rendered page; worth a page size unless the table "
                            "stays small by nature)")
            self.report(route.unbounded_file, query.span, message,
                        fix=Fix(description, code_or_none(example)), snippet=query.text,
                        severity=severity)


        self._unsized_default(facts, unsized)

    def _staff_class(self, program: ProgramModel, route: Route) -> str:
        """A permission class of the route (DRF `permission_classes`) whose `has_permission`,
        read along its hierarchy, lets only staff through (`return bool(request.user and
        request.user.is_superuser)`): its name, else "". Read through the class, never by
        its name: a project's `IsSuperuser` that checks something else is no such guard."""
        for marker in route.auth:
            kind, _, name = marker.partition(":")
            if kind != "permission_classes" or not all(
                    part.isidentifier() for part in name.split(".")):
                continue  # `A | B` and other combinations read as one text: not one class
            cls = program.class_of(name)
            if cls is None and "." not in name and route.handler_file in self.module_at:
                cls = program.class_of(f"{self.module_at[route.handler_file]}.{name}")
            check = program.method(cls, "has_permission") if cls is not None else None
            if cls is not None and check is not None and check.staff_flag:
                return cls.name
        return ""

    def _requester_backend(self, program: ProgramModel, route: Route) -> str | None:
        """A filter backend of the route's view class that narrows its generic list to what
        the requesting user may read (analysis/orm/filter_backends.py)."""
        view = self.class_at.get((route.handler_file, route.handler_line))
        return requester_filter(program, view) if view is not None else None

    def _seeded(self, path: str, text: str) -> bool:
        """The query lists a lookup table that only migrations, commands or seed scripts
        fill (fittrackee's sports, seeded by its migrations; no create path from a request):
        small by nature, not reported. On the tuning half every such list was labelled
        false (fittrackee's sports and equipment types), and paging it breaks the pickers
        that load it whole."""
        model = self.seeds.model_of(path, text)
        return model is not None and self.seeds.seeded(model) is not None

    def _unsized_default(self, facts: dict[str, list[Any]], routes: list[Route]) -> None:
        """DRF's own pagination class as the project default with no PAGE_SIZE pages nothing
        unless the client asks (`?limit=`): every generic list view relying on it returns
        every row. One finding at the setting, the one line to change, naming the lists."""
        if not routes:
            return
        for setting in facts.get("settings", []):
            if not (isinstance(setting, SettingsFact) and setting.key == "drf-pagination"
                    and setting.value.endswith(UNSIZED_PAGINATION) and not setting.via):
                continue
            cls = setting.value.removesuffix(UNSIZED_PAGINATION).strip("\"'")
            shown = ", ".join(f'"{_shown(r)}"' for r in routes[:3])
            more = f" and {len(routes) - 3} more" if len(routes) > 3 else ""
            self.report(
                setting.file, Span(setting.line, 1, setting.line, 1),
                f"DEFAULT_PAGINATION_CLASS `{cls.rsplit('.', 1)[-1]}` has no PAGE_SIZE: it "
                f"pages nothing unless the client asks for a page, so {len(routes)} list "
                f"route(s) return every row ({shown}{more})",
                fix=Fix("Give the default a page size: PAGE_SIZE beside "
                        "DEFAULT_PAGINATION_CLASS (LimitOffsetPagination also wants a "
                        "max_limit on a subclass)", None),
                snippet=setting.value)

    def _through_call(self, program: ProgramModel, route: Route,
                      seen: set[tuple[str, int, int]]) -> None:
        """The handler returns what a helper returns, and that is every row of a query
        (`return self.repo.get_all()`, `return Alert.all(user)`)."""
        if route.framework == "drf" or route.pagination or route.global_pagination:
            return  # DRF paginates the list its view returns; the view rules look at that
        if staff_only(route) or self._staff_class(program, route):
            return
        handler = program.function_at(route.handler_file, route.handler_line)
        if handler is None:
            return
        chains = [r for r in program.effects(handler, UNBOUNDED)
                  if r.via and not summary_query(r.effect.detail)
                  and not own_rows(r.effect.detail) and not curated(r.effect.detail)
                  and not admin_rows(r.effect.detail)]
        chains = [r for r in chains if not parent_scoped(route, r.effect.detail)
                  and not reference_table(route, r.effect.detail)
                  and not self._seeded(r.origin_path, r.effect.detail)
                  and not own_rows(_given_requester(program, handler, r))]
        if not chains:
            return
        chain = chains[0]
        step = chain.via[0]
        key = (step.path, step.line, step.col)
        if key in seen:
            return
        seen.add(key)
        origin = short_name(chain.origin, chain.origin_path)
        description, example = _fix_for(route, chain.effect.detail, origin)
        scoped = _deprecated(program, [handler.qualname, *(s.callee for s in chain.via)])
        weak = scoped or unread_filter(chain.effect.detail) or _shared_note(
            _given_requester(program, handler, chain))
        unless = chain.effect.unless
        turned_off = _turned_off(program, handler, chain) if unless else None
        if turned_off is not None:
            # The helper pages by default; the call turns its bound off (`limit=0`).
            pages = (f" (`{origin}` pages only when `{chain.effect.guard}`, and this call "
                     f"passes `{unless}={turned_off}`)")
            fix = Fix(f"Pass `{origin}` a capped `{unless}` rather than `{turned_off}`: take "
                      f"it as a query parameter with an upper bound (offset too) and hand "
                      f"it on", None)
        elif unless:
            # The helper pages already; the call leaves its bound out.
            pages = (f" (`{origin}` pages only when given `{unless}`, and this call leaves "
                     f"it out)")
            fix = Fix(f"Pass a capped `{unless}` down to `{origin}`: take it as a query "
                      f"parameter with an upper bound (offset too) and hand it on", None)
        else:
            pages = ""
            fix = Fix(f"{description} (in `{origin}`, or pass the limit down to it)",
                      code_or_none(example))
        self.report(
            step.path, Span(step.line, step.col + 1, step.end_line, step.end_col + 1),
            f'route "{_shown(route)}" returns every row of a query with no limit or '
            f"pagination: {describe(chain, 'returns')}{pages}{weak}",
            fix=fix, related=related(chain, "returns"), snippet=step.text,
            severity=Severity.NOTE if weak else None)


def _turned_off(program: ProgramModel, handler: FunctionInfo, chain: Reached) -> str | None:
    """The literal the chain's last call passes the origin's bounding parameter when that
    turns the bound off (`get_history(user.id, limit=0)` under `if limit > 0:`), else None
    (the call leaves the parameter out of a "no limit" default)."""
    effect, step = chain.effect, chain.via[-1]
    caller = handler if len(chain.via) == 1 else program.functions.get(chain.via[-2].callee)
    origin = program.functions.get(chain.origin)
    if caller is None or origin is None:
        return None
    site = next((c for c in caller.calls if (c.line, c.col) == (step.line, step.col)), None)
    if site is None:
        return None
    literal = passed_literal(origin.params, origin.kind in ("method", "classmethod",
                                                            "property"),
                             site.literal_args, effect.unless)
    return literal if skips_bound(effect.guard, effect.unless, literal) else None


def _given_requester(program: ProgramModel, handler: FunctionInfo, chain: Reached) -> str:
    """The chain's query as the handler's call makes it: a helper called once from the
    handler with the requesting user (`get_khoj_tokens(user=request.user.object)`) and
    filtering on that parameter (`KhojApiUser.objects.filter(user=user)`) reads as
    `filter(user=request.user)`, for own_rows to judge. The query unchanged otherwise."""
    text = chain.effect.detail
    if len(chain.via) != 1:
        return text
    step = chain.via[0]
    site = next((c for c in handler.calls if (c.line, c.col) == (step.line, step.col)), None)
    callee = program.functions.get(chain.origin)
    if site is None or callee is None or not site.requester_args:
        return text
    params = list(callee.params)
    if callee.kind in ("method", "classmethod") and params:
        params = params[1:]  # `self` / `cls`: the receiver, not a passed argument
    for key in site.requester_args:
        name = params[int(key)] if key.isdigit() and int(key) < len(params) else key
        if name in params:
            # `= user` / `== user`, not `= user.x` or `= user_id`
            text = re.sub(rf"(==|=)(\s*){re.escape(name)}\b(?![.(\w])", r"\1\2request.user",
                          text)
    return text


# Calls that make SQL text a statement: what it selects is written in that text.
_TEXT_CALLS = re.compile(r"(?:^|_)text$")


def unread_filter(text: str) -> str:
    """The conditions that choose the query's rows are not written in it: a filter given a
    list or mapping built elsewhere (`.filter(*filters)`, `.filter_by(**kw)`), or SQL text
    held in a name (`select(Record).from_statement(sql_text(sql))`) or written in place
    with a WHERE the rule does not read. They may well keep only
    the caller's own rows or one parent's (on the tuning half both such lists, a user's
    equipment and personal records, were labelled false; one parent's comments
    debatable), so the list is not known to be unbounded: a note that says what went
    unread, "" when every condition is written in the query."""
    try:
        tree = ast.parse(one_line(text), mode="eval")
    except SyntaxError:
        return ""
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute | ast.Name)):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
        if name in ("filter", "filter_by", "where"):
            spread = [a for a in node.args if isinstance(a, ast.Starred)] + [
                k for k in node.keywords if k.arg is None]
            if spread:
                shown = ast.unparse(spread[0]) if isinstance(spread[0], ast.Starred) \
                    else f"**{ast.unparse(spread[0].value)}"
                return (f" (note: the rows are chosen by `{_short(shown)}`, conditions built "
                        f"outside the query: they may keep only the caller's own or one "
                        f"parent's rows, so the list is not known to be unbounded)")
        elif name in ("from_statement", "execute") and node.args and (
                unread := _unread_sql(node.args[0])):
            return (f" (note: the rows are chosen by {unread}, which the rule does not "
                    f"read: its WHERE may keep only the caller's own or one parent's rows, "
                    f"so the list is not known to be unbounded)")
    return ""


# A WHERE clause in SQL text: conditions the rule does not read.
_SQL_WHERE = re.compile(r"\bwhere\b", re.I)


def _unread_sql(node: ast.expr) -> str:
    """`text(sql)` / `sql_text(query)`: SQL text made a statement from a name or a call
    ("the SQL text in `sql`"), or SQL text written in place whose WHERE keeps some rows
    (`text("SELECT * FROM record WHERE user_id = :uid")`: "the SQL text `SELECT ...`"); ""
    for SQL text written in place with no WHERE (every row of what it selects)."""
    if not (isinstance(node, ast.Call) and node.args):
        return ""
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if not _TEXT_CALLS.search(name):
        return ""
    sql = node.args[0]
    if not isinstance(sql, ast.Constant):
        return f"the SQL text in `{_short(ast.unparse(sql))}`"
    if isinstance(sql.value, str) and _SQL_WHERE.search(sql.value):
        return f"the SQL text `{_short(sql.value)}`"
    return ""


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:37] + "..."


def _own_log_rows(listed: str, narrowed: str) -> bool:
    """The get_queryset keeps the requesting user's own rows (`.filter(recipient=
    self.request.user)`) of rows that pile up with use (their messages): judged as
    `own_rows` judges the same filter written in a handler, a warning."""
    how = narrowed.partition(": ")[2]
    return bool(_OWN_ROWS.search(" ".join(how.split()))) and bool(
        _LOG_LIKE.match(" ".join(listed.split())))


def _paged(route: Route, orm: str) -> bool:
    """The route pages what it returns. A DRF view's `pagination_class` (and the project's
    default) pages its generic list only: a custom `@action` returning its own query
    through a serializer (`Response(S(rows, many=True).data)`) is not paged by it."""
    if orm == "drf":
        return bool(route.pagination or route.global_pagination)
    if route.framework == "drf":
        # `pagination_class=` and a paging `filter_queryset` page DRF's generic list only.
        return any(not p.startswith(("pagination_class", "filter_queryset"))
                   for p in route.pagination)
    return bool(route.pagination)


def _relies_on_unsized_default(route: Route) -> bool:
    """A DRF list view that returns every row of its queryset but for the project's
    default pagination, and that default is DRF's own class with no PAGE_SIZE."""
    query = route.unbounded
    return (route.framework == "drf" and query is not None and query.orm == "drf"
            and bool({"GET", "ANY"} & set(route.methods)) and not route.pagination
            and any(p.split(" (settings")[0].endswith(UNSIZED_PAGINATION)
                    for p in route.global_pagination)
            and not staff_only(route) and not bounded_by_keys(query.text)
            and not summary_query(query.text) and not parent_scoped(route, query.text,
                                                                    query.parent))


# `@deprecated(...)` from the `deprecated` package, typing_extensions or warnings (3.13).
_DEPRECATED = re.compile(r"(?:^|\.)deprecated$", re.I)


def _deprecated(program: ProgramModel, qualnames: list[str]) -> str:
    """The handler, or a function on its way to the query, is marked `@deprecated`: the
    project is retiring the endpoint (Airflow's experimental API, whose replacement pages),
    so paging it is not the change a reviewer asks for; a note that says so."""
    for qualname in qualnames:
        fn = program.functions.get(qualname)
        if fn is not None and any(_DEPRECATED.search(d) for d in fn.decorators):
            return (f" (note: `{fn.name}` is marked @deprecated: page its replacement, not "
                    f"the retiring endpoint)")
    return ""


# Django's model permissions that only staff get: the "change", "add", "delete" (and
# custom "manage") rights on a model, as opposed to "view" rights.
_STAFF_PERMISSION = re.compile(r"""permission_required=.*['"][\w.]*\.(change|add|delete|manage)_""")
_STAFF_MARKER = re.compile(r"staff_member_required|"
                           r"(superuser|admin|staff|management)_(required|only|access)|"
                           r"require_(superuser|admin|staff)|is_staff|is_superuser|"
                           r"IsAdminUser", re.IGNORECASE)
# A filter on the primary key with a list the client sent: the rows are the ones it named.
_BY_KEYS = re.compile(r"\.filter\([^()]*\b(pk|id)__in\s*=")
# ... unless the list is a subquery (`id__in=group.members().values_list("user")`), which
# names every row it finds.
_SUBQUERY = re.compile(r"\.(?:values_list|values|all|filter|exclude)\(|\.objects\b|queryset\b")


def staff_only(route: Route) -> bool:
    """Only site staff reach the route: a Django `permission_required` on a model's change /
    add / delete right, a staff or superuser check, DRF `IsAdminUser`, or a handler in an
    `admin/` package. Such lists (languages, units, icons, moderation queues) are curated
    by a few operators: not the unbounded public list this rule is about."""
    if admin_reason(route.handler_file):
        return True
    return any(_STAFF_PERMISSION.search(a) or _STAFF_MARKER.search(a)
               for a in (*route.auth, *route.raw))


def bounded_by_keys(text: str) -> bool:
    found = _BY_KEYS.search(text)
    if found is None:
        return False
    depth, end = 0, len(text)
    for index in range(found.end(), len(text)):  # the value, up to its `,` or `)`
        char = text[index]
        if char in "([{":
            depth += 1
        elif char in ")]}" and depth:
            depth -= 1
        elif char in ",)" and not depth:
            end = index
            break
    return not _SUBQUERY.search(text[found.end():end])


# One row per group or per distinct value: `group_by(...)`, `distinct(Model.col)`,
# `.values("kind").distinct()` / `.values("kind").annotate(n=Count("id"))`.
_SUMMARY = re.compile(r"\.group_by\(|\bdistinct\(\s*[^)\s]|"
                      r"\.values(_list)?\([^)]*\)\s*\.(distinct|annotate)\(")


def summary_query(text: str) -> bool:
    """The query returns a summary (one row per group or distinct value: the initials of
    author names, the event names in a log), not the rows of a table."""
    return bool(_SUMMARY.search(" ".join(text.split())))


# The requesting user's own rows: `filter(user=request.user)`, `filter(favourites__user__in=
# [request.user])`, `request.user.tokens.all()`, `filter(Person.id == current_user["id"])`.
_REQUESTER = r"(?:self\.)?request\.user\b|\bcurrent_user\b|\bg\.user\b"
# What the requesting user belongs to along with others (`request.user.active_organization`,
# `.team_id`, `.partners`): not the user's own rows, every row of that group.
_SHARED_ATTR = (r"\.\w*?(?:organi[sz]ation|org|team|tenant|company|companies|workspace|"
                r"group|partner)s?(?:_ids?|_dict)?\b")
_OWN_ROWS = re.compile(
    rf"\.(?:filter|filter_by|where)\((?:[^()]|\([^()]*\))*?(?:==|=)\s*\[?\s*(?:{_REQUESTER})"
    rf"(?!{_SHARED_ATTR})"
    # the user's own relation as the list (`request.user.tokens.all()`); inside a filter,
    # not a group they share with others (`partner__in=request.user.partners.all()`)
    rf"|^(?:{_REQUESTER})\.\w+\.(?:all|filter)\("
    rf"|(?:{_REQUESTER})(?!{_SHARED_ATTR})\.\w+\.(?:all|filter)\("
    # a manager method that keeps what the user may see: `Billing.objects.for_user(request.user)`
    rf"|\.(?:for|of|by|owned_by)_user\(\s*(?:{_REQUESTER})")


_SHARED_ROWS = re.compile(
    rf"\.(?:filter|filter_by|where)\((?:[^()]|\([^()]*\))*?(?:==|=)\s*\[?\s*"
    rf"((?:{_REQUESTER}){_SHARED_ATTR})")


def shared_rows(text: str) -> str:
    """The query keeps the rows of a group the requesting user belongs to along with
    others (`filter(project__organization=self.request.user.active_organization)`): the
    group as written, else "". Not the user's own rows: every row of that organization or
    team, for each of its members; label-studio's predictions of an organization, one per
    task per model version, labelled a miss. A note, as nothing says how large the group
    grows (its webhooks or labels are a handful)."""
    found = _SHARED_ROWS.search(" ".join(text.split()))
    return found.group(1) if found else ""


def _shared_note(text: str) -> str:
    shared = shared_rows(text)
    return (f" (note: the query keeps the rows of `{shared}`, shared by every member of "
            f"it: not the caller's own rows, and as many as that group holds)"
            if shared else "")


# The condition of a join, two levels of parentheses deep: `outerjoin(UserMacros,
# and_(Macros.id == UserMacros.mid, UserMacros.uid == current_user.id))`.
_JOIN_ON = re.compile(r"\.(?:join|outerjoin)\(((?:[^()]|\((?:[^()]|\([^()]*\))*\))*)\)")
_ON_REQUESTER = re.compile(rf"==\s*(?:{_REQUESTER})")


def own_rows(text: str) -> bool:
    """The query keeps the requesting user's own rows (their tokens, favourites, saved
    searches, photos), by its filter or by the condition it joins on (the user's macros,
    one per shortcut slot: pgAdmin's `outerjoin(UserMacros, and_(..., UserMacros.uid ==
    current_user.id))`): on the tuning half every such list was a handful of rows by nature
    (labelled false or debatable), not the table that grows with every user. Rows that pile
    up with use (a user's messages, notifications, activity) are not such a list."""
    compact = " ".join(text.split())
    keyed = bool(_OWN_ROWS.search(compact)) or any(
        _ON_REQUESTER.search(m.group(1)) for m in _JOIN_ON.finditer(compact))
    return keyed and not _LOG_LIKE.match(compact)


# The site's administrators: `filter(is_staff=True)`, `filter(roles__kind__contains="admin")`,
# `filter(User.role == "admin")`.
_ADMIN_FLAG = re.compile(r"(?:^|__|\.)is_(?:staff|superuser|admin)$")
_ADMIN_FIELD = re.compile(r"(?:role|kind|group)", re.I)
_ADMIN_VALUE = re.compile(r"^(?:admin|administrator|superuser|staff)s?$", re.I)


def admin_rows(text: str) -> bool:
    """The query lists the site's administrators (staff flags, an admin role or group, on a
    filter of the query itself, not of a subquery inside it): rows as few as the people who
    run the site, the bound that keeps staff-only routes out of this rule (kolibri's
    facility admins for the setup wizard; labelled false)."""
    compact = " ".join(re.sub(r"\\\s*\n", " ", text).split())
    try:
        node: ast.AST = ast.parse(compact, mode="eval").body
    except SyntaxError:
        return False
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr in ("filter", "filter_by", "where") and (
                any(_admin_keyword(k) for k in node.keywords)
                or any(_admin_compare(a) for a in node.args)):
            return True
        node = node.func.value
    return False


def _admin_keyword(keyword: ast.keyword) -> bool:
    name, value = keyword.arg or "", keyword.value
    if not isinstance(value, ast.Constant):
        return False
    if _ADMIN_FLAG.search(name):
        return value.value is True
    return bool(_ADMIN_FIELD.search(name)) and isinstance(value.value, str) and bool(
        _ADMIN_VALUE.match(value.value))


def _admin_compare(node: ast.AST) -> bool:
    """`User.role == "admin"`, `User.is_admin == True`."""
    if not (isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(
            node.ops[0], ast.Eq) and isinstance(node.left, ast.Attribute)):
        return False
    right = node.comparators[0]
    return isinstance(right, ast.Constant) and _admin_keyword(
        ast.keyword(arg=node.left.attr, value=right))


# Ordered by a column someone sets by hand: the rows are a list that admins curate and
# arrange (ranks, categories, menu entries), not rows that pile up with use.
_CURATED = re.compile(r"""\border_by\(\s*(?:\w+\.)?['"]?-?(?:order|ordering|position|"""
                      r"""sort_order|sort_key|display_order|weight)['"]?\s*[,)]""")


def curated(text: str) -> bool:
    return bool(_CURATED.search(" ".join(text.split())))


# `Account.objects.all()`, `MailTemplate.query.all()`, a ListView's `model = Account`: the
# whole table, neither filtered nor ordered.
_WHOLE_TABLE = re.compile(r"^[A-Z]\w*\.(?:objects|query)\.all\(\)$")


def whole_table_as_stored(text: str) -> bool:
    """A server-rendered page that lists a whole table as the database keeps it, with no
    filter and no order: the code shows the table as a small set, whole (a chart of
    accounts, the mail templates, the bank-statement uploads, the registered remote
    services). On the tuning half no such page was labelled true: byro's accounts and
    templates and geonode's recent-activity view false, byro's uploads, geonode's remote
    services and wger's action history debatable (netbox's script modules and misago's icons
    false before). Rows that grow with use are shown newest first
    or filtered (byro's sent mails, `filter(sent__isnull=False).order_by("-sent")`), and
    those stay reported; a JSON list of a whole table stays reported too."""
    return bool(_WHOLE_TABLE.match(" ".join(text.split())))


# An equality filter on a value the code does not fix: `filter(Child.parent_id == parent_id)`,
# `filter_by(**kw)`, `filter(ticket=ticket)`. Not a membership lookup (`id__in=group.members()
# ...`, `project__in=projects`): that keeps every row the collection names, many parents' rows
# (geonode's group members, the registered-members group holding every user; a labelled miss).
_EQUALITY = re.compile(r"\.(?:filter|filter_by|where)\((?:[^()]|\([^()]*\))*?"
                       r"(?:(?:==|\b\w+(?<!__in)\s*=)\s*(?!(?:True|False|None)\b)[A-Za-z_]|\*\*\w)"
                       # a condition in parentheses: `.where((T.c.root == root) | ...)`
                       r"|\.(?:filter|where)\(\s*\([^()]*?==\s*(?!(?:True|False|None)\b)[A-Za-z_]")
# `{?}` is the route model's mark for a prefix it could not read, not a parameter.
_PATH_PARAMETER = re.compile(r"<[^>]+>|\{(?!\?\})[^}]+\}|/:\w")
# Rows that pile up with use even under one parent: a chat's messages, a job's log lines,
# an object's events, comments or history.
_LOG_LIKE = re.compile(r"^\s*\w*(?:Message|Log|LogEntry|Event|Comment|Notification|History|"
                       r"Activity|Audit)s?\b")


def parent_scoped(route: Route, text: str, parent: str = "") -> bool:
    """The rows of one parent the route names in its path (`/projects/<id>/budgets` filtering
    on `project_id == project_id`): not reported. On the tuning half none of nine such lists
    was labelled true (a project's budgets, a playlist's share links, an asset's instances,
    a dataset's column lineage: five false, four debatable), so the code alone is too weak
    evidence even for a note. Rows that pile up under their parent (a chat's messages, a
    job's logs) are reported all the same.

    `parent`: a DRF view's get_queryset (its own or a base class's) keeps the rows of one
    parent the request must name, a URL keyword or a query parameter it refuses to go on
    without (QueryFact.parent): the same list under one parent, whatever the class
    attribute `queryset` says (label-studio's storage lists, `?project=` required: ten
    labelled false)."""
    compact = " ".join(text.split())
    if parent:
        return not _LOG_LIKE.match(compact)
    if not _PATH_PARAMETER.search(route.path or "") or not _EQUALITY.search(compact):
        return False
    return not _LOG_LIKE.match(compact)


def reference_table(route: Route, text: str) -> bool:
    """A query that gives the same rows whatever the request (a whole table, or one filtered
    by literals: `DDataType.objects.all()`, `ValueType.objects.filter(category="label")`)
    answered by a route whose path names one object (`/graphs/<graph_id>`): reference data
    sent beside that object, not the list the route is about. On the tuning half each such
    list was a fixed catalogue (arches' datatypes and value types beside one card, graph or
    report; labelled false, paging them breaks the client)."""
    return bool(_PATH_PARAMETER.search(route.path or "")) and _constant_query(text)


def _constant_query(text: str) -> bool:
    """Every argument of every call of the query is a literal or a model's column."""
    compact = " ".join(re.sub(r"\\\s*\n", " ", text).split())
    try:
        tree = ast.parse(compact, mode="eval")
    except SyntaxError:
        return False
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    return bool(calls) and all(
        fixed_value(a) for c in calls for a in (*c.args, *(k.value for k in c.keywords)))


def _fix_for(route: Route, text: str, origin: str | None = None) -> tuple[str, str | None]:
    """The fix written for this query: the same expression with a bound applied. `origin`:
    the function that builds the query when it is not the handler (the parameters are read
    in the handler and the bound goes on the query there)."""
    # one line, without the comments a multi-line chain carries (`# type: ignore`)
    compact = one_line(text)
    if route.framework in _GRAPHQL_FIXES:
        return _GRAPHQL_FIXES[route.framework]
    if route.unbounded is not None and route.unbounded.orm in ("drf", "django"):
        if route.framework == "drf" and route.handler.rpartition(".")[2] in _OWN_HANDLERS \
                and not route.hands_on:
            # `def get(self, request)` that builds its own Response: a pagination class
            # (the project's or the view's) pages only the generic list(), which this view
            # does not run, so setting or restoring one changes nothing. A `get` that calls
            # `super().get()` or `self.list()` runs it: the pagination class text below.
            return (f"The view builds its answer in `{route.handler}` itself, where no "
                    f"pagination class applies: slice the queryset there with capped "
                    f"limit/offset query parameters (on a GenericAPIView, "
                    f"`self.paginate_queryset(qs)` and `self.get_paginated_response(...)` "
                    f"page it the project's way)", None)
        if route.framework == "drf" and "pagination_class" in route.overrides:
            # The view turned the project's paging off itself: setting a default that is
            # already set would change nothing.
            return ("Remove the view's opt-out `pagination_class = None` so that the "
                    "project's DEFAULT_PAGINATION_CLASS pages it (or give the view its own "
                    "pagination class with a capped page size)",
                    "from rest_framework.pagination import LimitOffsetPagination\n\n"
                    f"class {route.handler.split('.')[0]}:  # the existing view\n"
                    "    pagination_class = LimitOffsetPagination  # instead of None")
        if route.framework == "drf":
            return _FIXES["drf"]
        if _is_view_class(route.handler):
            # A Django generic view registered whole (ListView): its own paging is
            # `paginate_by`; DRF's pagination_class means nothing to it.
            return ("Give the view a page size: `paginate_by` (the template then gets "
                    "`page_obj` and `paginator`)",
                    f"class {route.handler}:  # the existing view\n    paginate_by = 50")
        return ("Paginate the queryset with a capped page size",
                "from django.core.paginator import Paginator\n\n"
                f"paginator = Paginator({compact}, 50)\n"
                f"page = paginator.get_page(request.GET.get(\"page\"))")
    if route.unbounded is not None and route.unbounded.orm == "manager" and (
            route.framework == "flask"):
        # A Django or MongoEngine queryset: a slice is the bound both run as LIMIT/OFFSET.
        return ("Take capped limit/offset parameters and slice the queryset",
                "from flask import request\n\n"
                "limit = min(request.args.get(\"limit\", 50, type=int), 200)\n"
                "offset = request.args.get(\"offset\", 0, type=int)\n"
                f"rows = {compact}[offset:offset + limit]")
    if compact.endswith(".all()") and _SQL_TEXT.search(compact):
        # `select(M).from_statement(text(sql))`: the statement is the SQL text, and a bound
        # chained onto the select is dropped by from_statement; it belongs in the SQL.
        return ("Take capped limit/offset parameters and put them in the SQL text "
                "(`LIMIT :limit OFFSET :offset`, bound like its other parameters): the query "
                "runs that text, so a bound chained onto it is not applied", None)
    if compact.endswith(".all()"):
        bounded = with_loader(compact, ".offset(offset).limit(limit)",
                              "select" if "select(" in compact else "query") or (
            f"{compact}  # with .offset(offset).limit(limit) on the query")
        if origin is not None and route.framework in ("flask", "aiohttp"):
            # Two places, two scopes: the request is read in the handler, the query is
            # bounded in the function that builds it.
            bounded = f"# in `{origin}`, given limit and offset:\n{bounded}"
        if route.framework == "fastapi" and origin is not None:
            code = ("from fastapi import Query\n\n" + handler_code(
                route.handler, "limit: int = Query(50, ge=1, le=200), offset: int = "
                "Query(0, ge=0)", [], body="...  # pass limit and offset down",
                comment="keep the other parameters", is_async=route.handler_async)
                + f"\n\n# in `{origin}`, given limit and offset:\n{bounded}")
        elif route.framework == "fastapi":
            code = "from fastapi import Query\n\n" + handler_code(
                route.handler, "limit: int = Query(50, ge=1, le=200), offset: int = "
                "Query(0, ge=0)", [], body=f"return {bounded}",
                comment="keep the other parameters", is_async=route.handler_async)
        elif route.framework == "flask":
            code = ("from flask import request\n\n"
                    "limit = min(request.args.get(\"limit\", 50, type=int), 200)\n"
                    f"offset = request.args.get(\"offset\", 0, type=int)\n{bounded}")
        else:
            code = ("limit = min(int(request.query.get(\"limit\", 50)), 200)\n"
                    f"offset = int(request.query.get(\"offset\", 0))\n{bounded}")
        return "Take limit/offset parameters with a cap and apply them to the query", code
    # No query of this route to bound here: the generic example's names (`Item`) are not the
    # project's, so only its words are given.
    description, example = _FIXES.get(route.framework, _FIXES["fastapi"])
    return description, example if route.framework in ("drf", "aiohttp") else None


# A DRF view's own HTTP-method handler (not the generic `list`): it returns what it builds.
_OWN_HANDLERS = frozenset({"get"})


# The query runs SQL text the code wrote (`from_statement(text(sql))`, `session.execute(
# text(...))`): LIMIT and OFFSET go into that text, not onto the chain.
_SQL_TEXT = re.compile(r"\.from_statement\(|\.execute\(\s*(?:[\w.]*\.)?\w*text\(")


def _is_view_class(handler: str) -> bool:
    """`GymListView`: a class-based view registered as a whole, not one of its methods."""
    return "." not in handler and handler[:1].isupper()


def _shown(route: Route) -> str:
    return f"{'|'.join(route.methods)} {route.path}"


RULES = (MissingPagination,)
