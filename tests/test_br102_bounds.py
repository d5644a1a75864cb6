"""BR102 on queries the code bounds, and the batch fix's keys: named when the loop's iterable
gives them, never read before the loop sets them. BR103 on stars over function calls."""

from __future__ import annotations

from backendreview.config import Config
from backendreview.engine import finish, review_source
from backendreview.metadata import load_rule_docs

MODELS = b'''from django.db import connection, models


class Graph(models.Model):
    name = models.TextField()
    slug = models.TextField()
'''


def _findings(code: bytes, rule: str):  # type: ignore[no-untyped-def]
    rules = (rule,)
    result = review_source(MODELS + code, "app/views.py", Config(), rules)
    return {f.span.start_line: f for f in finish([result], Config(), rules,
                                                 load_rule_docs()).findings}


def test_keys_read_after_the_loop_sets_them_are_not_gathered():
    found = _findings(b'''

def history(edits):
    for edit in edits:
        edit.model_name = None
        if edit.model_name is None:
            edit.model_name = Graph.objects.get(pk=edit.graph_id).name
''', "BR102")
    assert list(found) == [13]
    # `[... for edit in edits if edit.model_name is None]` would raise AttributeError before
    # the loop: no code, and the keys stay a placeholder.
    assert found[13].fix.suggestion is None
    assert "Graph.objects.in_bulk(<keys>)" in found[13].message


def test_keys_of_an_attribute_the_loop_does_not_set_are_gathered():
    found = _findings(b'''

def history(edits):
    for edit in edits:
        if edit.model_name is None:
            edit.label = Graph.objects.get(pk=edit.graph_id).name
''', "BR102")
    assert found[12].fix.suggestion == (
        "Graph.objects.in_bulk([edit.graph_id for edit in edits if edit.model_name is None])")


def test_filter_names_the_gathered_keys():
    found = _findings(b'''

def by_slug(slugs):
    return [Graph.objects.filter(slug=slug).first() for slug in slugs]
''', "BR102")
    assert "Graph.objects.filter(slug__in=slugs) before the loop" in found[10].message


def test_first_hit_and_computed_sql_are_silent_but_a_conditional_break_is_not():
    found = _findings(b'''

def first(sheets, values):
    for sheet in sheets:
        try:
            gid = Graph.objects.filter(slug=sheet.slug)[0].name
            break
        except IndexError:
            pass
    with connection.cursor() as cursor:
        for value in values:
            cursor.execute("SELECT * FROM TRIM(%s)", [value])
    for sheet in sheets:
        hit = Graph.objects.filter(slug=sheet.slug).first()
        if hit:
            break
    return gid
''', "BR102")
    assert list(found) == [20]
    assert found[20].message.startswith("`Graph.objects.filter(slug=sheet.slug).first()` runs "
                                        "a query on every iteration of the loop over `sheets`")


def test_star_over_a_function_is_silent_but_over_a_table_is_reported():
    found = _findings(b'''

def rows(cursor, value):
    cursor.execute("SELECT * FROM generate_series(1, %s)", [value])
    cursor.execute("SELECT * FROM graphs WHERE slug = upper(%s)", [value])
    return cursor.fetchall()
''', "BR103")
    assert list(found) == [11]
    assert "reads every column of graphs" in found[11].message


def test_a_test_that_queries_is_not_gathered():
    found = _findings(b'''

def managers(names):
    for name in names:
        if keep(Graph.objects.filter(name=name).first()):
            Graph.objects.get(slug=name)
''', "BR102")
    # `[name for name in names if Graph.objects.filter(...)]` would query per name again.
    assert found[12].fix.suggestion is None
    assert "Graph.objects.filter(slug__in=<keys>)" in found[12].message


def test_a_loop_over_spans_is_told_to_query_the_whole_span_once():
    found = _findings(b'''

def daily(start, days, step):
    out = []
    for day in range(days):
        since = start - step * day
        out.append(Graph.objects.filter(created__gte=since, created__lt=since + step).count())
    return out
''', "BR102")
    assert list(found) == [13]
    assert "the loop varies the bounds of a range, not a key" in found[13].message
    assert "query the whole span once" in found[13].fix.description
    assert found[13].fix.suggestion is None


def test_one_bound_alone_keeps_the_batch_advice():
    found = _findings(b'''

def newer(graphs):
    return [Graph.objects.filter(id__gt=g.id).count() for g in graphs]
''', "BR102")
    assert list(found) == [10]
    assert "bounds of a range" not in found[10].message
    assert "one query for all iterations before the loop" in found[10].message
