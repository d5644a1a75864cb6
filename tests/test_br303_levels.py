"""BR303 levels: a list is a warning only when the query that chooses its rows is read in
full and keeps no rows computed from the requesting user. A filter value the handler
computes from the requesting user (the groups they may read), conditions spread into the
filter from a list or mapping built elsewhere (`*filters`, `**kw`) and SQL text held in a
name go out as notes that say which evidence was missing; their near misses (conditions
written in the query, a value the client names, SQL text written in place, `exclude`)
stay warnings. A DRF view whose nearest get_queryset (through the MRO) filters the class
queryset by a value the code computes is a note too; one that filters by literals or only
loads relations stays a warning."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from backendreview.analysis.frameworks.common import requester_filter_value
from backendreview.analysis.frameworks.routes import QueryFact
from backendreview.checks.br303_missing_pagination import unread_filter
from backendreview.config import Config
from backendreview.context import FileContext
from backendreview.engine import run
from backendreview.model import Severity
from backendreview.semantic import SemanticBuilder

PROJECT = Path(__file__).resolve().parents[1] / "fixtures" / "BR303" / "weak_filters"
REQUESTER = "which the handler computes from the requesting user"
SPREAD = "conditions built outside the query"
SQL_TEXT = "which the rule does not read: its WHERE may keep"
NARROWED = "a value the rule does not follow"


@pytest.fixture(scope="module")
def found() -> dict[tuple[str, int], tuple[Severity, str]]:
    findings = run([PROJECT], Config(root=PROJECT, select=("BR303",)), jobs=1).findings
    return {(Path(f.path).name, f.span.start_line): (f.severity, f.message) for f in findings}


@pytest.mark.parametrize(("where", "words"), [
    (("routes.py", 20), ("chosen by `*filters`", SPREAD)),  # conditions on g.user
    (("routes.py", 30), ("chosen by `*filters`", SPREAD)),
    (("routes.py", 37), ("chosen by `**conditions`", SPREAD)),
    (("routes.py", 51), ("SQL text in `RECORDS_SQL`", SQL_TEXT)),
    (("routes.py", 67), ("SQL text in `COMMENTS_SQL`", SQL_TEXT)),  # through a helper
    # SQL text written in place whose WHERE the rule does not read
    (("routes.py", 107), ("SQL text `SELECT * FROM record WHERE", SQL_TEXT)),
    (("views.py", 13), ("`permitted` allows", REQUESTER)),
    (("views.py", 19), ("`readable_groups(request.user)` allows", REQUESTER)),
    # the binding reaching the query's use, not one made after it (ctx.reaching_bindings)
    (("views.py", 80), ("`permitted` allows", REQUESTER)),
    (("views.py", 99), ("`readable_groups(user)` allows", REQUESTER)),  # a local: the user
    # a DRF view's get_queryset narrows the class queryset by a computed value, its own or
    # inherited through the MRO
    (("api.py", 8), ("`TeamDocuments.get_queryset` narrows that queryset with "
                     "`.filter(team__in=self.teams())`", NARROWED)),
    (("api.py", 18), ("`TeamDocuments.get_queryset` narrows", NARROWED)),
    # every binding of the local it returns is narrowed (an ordering on one path only)
    (("api.py", 99), ("`TeamMessages.get_queryset` narrows that queryset with "
                      "`.filter(team__in=self.teams())`", NARROWED)),
])
def test_weak_evidence_goes_out_as_a_note(found, where, words) -> None:  # type: ignore[no-untyped-def]
    severity, message = found[where]
    assert severity == Severity.NOTE
    assert "(note: " in message
    for fragment in words:
        assert fragment in message


@pytest.mark.parametrize("where", [
    ("routes.py", 44),  # a flag written in the query
    ("routes.py", 59),  # SQL text written in place
    ("routes.py", 74),  # the helper's SQL text written in place
    ("routes.py", 82),  # a plain local value
    ("views.py", 26),  # groups the client names
    ("views.py", 35),  # one assignment is every group
    ("views.py", 42),  # exclude: every other row
    ("views.py", 61),  # `self.groups = ...` binds no local `self`
    ("views.py", 67),  # Q(owner=request.user) | Q(public=True): a condition, not a value
    ("views.py", 91),  # a binding reaching the query is every group
    ("views.py", 107),  # the local may be a user the caller chose
    ("routes.py", 91),  # the user itself through a local: as when written in place
    ("routes.py", 99),  # or_(public, == g.user.id): compares with the user
    ("api.py", 24),  # get_queryset filters by a literal flag
    ("api.py", 34),  # get_queryset only loads relations
    ("api.py", 52),  # an enum member and a list of literals
    ("api.py", 62),  # a filter only some paths apply: absent the parameter, every row
    ("api.py", 76),  # a filter of another model, not of the list
    ("api.py", 89),  # the user's own messages, which pile up (as own_rows judges them)
])
def test_near_misses_stay_warnings(found, where) -> None:  # type: ignore[no-untyped-def]
    severity, message = found[where]
    assert severity == Severity.WARNING
    assert "note" not in message


def test_every_finding_is_one_of_the_above(found) -> None:  # type: ignore[no-untyped-def]
    assert len(found) == 32


def _requester(body: str, query: str, conditions: frozenset[str] = frozenset()) -> str:
    """requester_filter_value of `query`, returned at the end of a handler whose first
    lines are `body`: the query's names are followed from their use in that return."""
    source = f"def get(self, request):\n{body}    return {query}\n"
    tree = ast.parse(source)
    func = tree.body[0]
    assert isinstance(func, ast.FunctionDef)
    ctx = FileContext("views.py", source, tree, SemanticBuilder(tree, "views").build(), Config())
    returned = func.body[-1]
    assert isinstance(returned, ast.Return) and returned.value is not None
    fact = QueryFact(ctx.span_of(returned.value), query, "django")
    return requester_filter_value(ctx, func, fact, conditions)


def test_requester_filter_value_follows_local_names() -> None:
    body = ("    ids = perms(self.request.user)\n"
            "    for row in rows:\n"
            "        other = row\n")
    assert _requester(body, "X.objects.filter(pk__in=ids)") == "ids"
    assert _requester(body, "X.objects.filter(pk__in=other)") == ""
    # a name bound by a loop is not computed from the user, whatever the loop walks
    assert _requester(body, "X.objects.exclude(pk__in=ids)") == ""
    # the user itself as the value: the caller's own rows, judged by the model elsewhere
    assert _requester(body, "X.query.where(X.owner == current_user.id)") == ""
    assert _requester(body, "X.objects.filter(owner=request.user)") == ""
    assert _requester(body, "X.objects.filter(g__in=of(user=request.user))") == \
        "of(user=request.user)"


def test_requester_filter_value_reads_the_bindings_that_reach_the_query() -> None:
    # Rebound after the query (a later use): not what the query read.
    source = ("def get(self, request):\n"
              "    ids = perms(request.user)\n"
              "    rows = X.objects.filter(pk__in=ids)\n"
              "    ids = [str(i) for i in ids]\n"
              "    return rows\n")
    tree = ast.parse(source)
    func = tree.body[0]
    ctx = FileContext("views.py", source, tree, SemanticBuilder(tree, "views").build(), Config())
    query = tree.body[0].body[1].value  # type: ignore[attr-defined]
    fact = QueryFact(ctx.span_of(query), ctx.source(query), "django")
    assert requester_filter_value(ctx, func, fact) == "ids"
    # Rebound before the query on one path: both reach it, one is every row.
    assert _requester("    ids = perms(request.user)\n"
                      "    if wide:\n"
                      "        ids = Group.objects.values_list('pk')\n",
                      "X.objects.filter(pk__in=ids)") == ""
    # A parameter reaches the use as well: a value the caller may choose.
    assert _requester("    user = user or request.user\n",
                      "X.objects.filter(g__in=perms(user))") == ""


def test_requester_filter_value_is_not_the_user_itself() -> None:
    body = ("    me = current_user.id\n"
            "    self.groups = perms(request.user)\n"
            "    seen[key] = perms(request.user)\n"
            "    mine = perms(me)\n")
    # the user itself through a local is the caller's own rows, as when written in place
    assert _requester(body, "X.query.filter(X.owner_id == me)") == ""
    # an attribute or item target binds no local name
    assert _requester(body, "X.query.filter(X.kind == self.kind)") == ""
    assert _requester(body, "X.query.filter(X.kind == key)") == ""
    # a call given a local that holds the user is given the user
    assert _requester(body, "X.query.filter(X.group_id.in_(mine))") == "X.group_id.in_(mine)"
    # a condition built from the user is no value computed from the user
    assert _requester(body, "X.query.filter(or_(X.public, X.owner_id == current_user.id))") \
        == ""
    shared = "X.objects.filter(Q(owner=request.user) | Q(public=True))"
    assert _requester(body, shared, frozenset({"Q"})) == ""
    assert _requester(body, shared) == "Q(owner=request.user) | Q(public=True)"


def test_unread_filter_reads_the_query_text() -> None:
    assert unread_filter("M.query.filter(M.a == 1).all()") == ""
    assert unread_filter("s.scalars(select(M).from_statement(text('SELECT 1'))).all()") == ""
    assert unread_filter("s.execute(text('SELECT * FROM m')).all()") == ""
    # a WHERE written in place is not read either
    assert "`SELECT * FROM m where m.a = 1`" in unread_filter(
        "s.execute(text('SELECT * FROM m where m.a = 1')).all()")
    assert "`*conds`" in unread_filter("M.query.filter(*conds).all()")
    assert "`**kw`" in unread_filter("M.query.filter_by(**kw).all()")
    # a comment inside the chain does not hide what follows it
    assert "`sql`" in unread_filter("s.scalars(  # type: ignore\n"
                                    "    select(M).from_statement(sql_text(sql))).all()")
