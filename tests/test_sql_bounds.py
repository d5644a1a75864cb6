"""One answer to "does this SQL text return every row of a table, and which execute ran
it?" (analysis/sql_bounds.py), read by BR102 (a loop over a cursor's fetched rows) and BR303
(a handler returning a cursor's rows): the cases where the two rules' own readings used to
disagree. BR303's side is fixtures/BR303/sql_text_bounds.py."""

from __future__ import annotations

import pytest

from backendreview.analysis.sql_bounds import selects_every_row

from .test_br102_bounds import _findings


@pytest.mark.parametrize("sql", [
    "SELECT * FROM orders",
    "select id from orders where paid = 1 order by id",
    "WITH paid AS (SELECT * FROM orders WHERE paid = 1) SELECT * FROM paid",
    "(SELECT id FROM orders) UNION (SELECT id FROM archived_orders)",
    "-- every order\nSELECT * FROM orders",
    "/* report */ SELECT * FROM orders",
    "SELECT * FROM orders o, lines l WHERE o.id = l.order_id",
    "SELECT * FROM orders WHERE id = ANY(%s)",
    "SELECT count(*), status FROM orders GROUP BY status",
    "SELECT id, top FROM boxes",
    "SELECT * FROM orders WHERE user_id = %s",
    "SELECT * FROM \x00",
    "SELECT * FROM orders FOR UPDATE",
    'SELECT * FROM "orders" WHERE "user_id" = %s',
    "SELECT * FROM orders WHERE id = (order_id)",
])
def test_every_row(sql: str) -> None:
    assert selects_every_row(sql)


@pytest.mark.parametrize("sql", [
    "SELECT * FROM orders LIMIT 10",
    "SELECT * FROM orders LIMIT \x00",
    "SELECT * FROM orders ORDER BY id OFFSET 0 ROWS FETCH NEXT 50 ROWS ONLY",
    "SELECT * FROM orders FETCH FIRST 5 ROWS ONLY",
    "SELECT TOP 20 * FROM orders",
    "SELECT DISTINCT TOP (10) name FROM orders",
    "SELECT * FROM orders WHERE id = %s",
    "SELECT * FROM orders o WHERE o.id = :oid",
    "SELECT * FROM orders WHERE pk = ?",
    "SELECT * FROM orders WHERE id = \x00",
    "SELECT * FROM orders WHERE id = 'abc'",
    "SELECT * FROM orders WHERE id = $1",
    # quoted keys (Django's own SQL spelling), T-SQL names, a scalar subquery: one row
    'SELECT * FROM "orders" WHERE "orders"."id" = %s',
    "SELECT * FROM orders WHERE `pk` = %s",
    "SELECT * FROM orders WHERE [id] = @oid",
    "SELECT * FROM orders o WHERE o.id = (SELECT max(order_id) FROM lines)",
    "SELECT count(*) FROM orders",
    "SELECT max(created) FROM orders WHERE paid = 1",
    "SELECT exists(SELECT 1 FROM orders)",
    "SELECT now()",
    "SELECT 1",
    "SELECT generate_series(1, 10)",
    "SELECT extract(epoch FROM now())",
    "WITH gone AS (DELETE FROM orders WHERE paid = 1 RETURNING id) SELECT id FROM gone",
    "UPDATE orders SET paid = 1",
    "INSERT INTO orders SELECT * FROM drafts",
    "\x00 FROM orders",
])
def test_bounded_or_not_a_table_read(sql: str) -> None:
    assert not selects_every_row(sql)


_LOOPS = b'''

def with_rows():
    with connection.cursor() as cursor:
        cursor.execute("WITH g AS (SELECT id FROM graphs) SELECT id FROM g")
        for row in cursor.fetchall():
            Graph.objects.get(pk=row[0])


def counted():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM graphs")
        for row in cursor.fetchall():
            Graph.objects.get(pk=row[0])


def nested():
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM graphs")

        def later():
            cursor.execute("SELECT 1")

        for row in cursor.fetchall():
            Graph.objects.get(pk=row[0])


def no_table():
    with connection.cursor() as cursor:
        cursor.execute("SELECT generate_series(1, 10)")
        for row in cursor.fetchall():
            Graph.objects.get(pk=row[0])


def column_named_top():
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, top FROM graphs")
        for row in cursor.fetchall():
            Graph.objects.get(pk=row[0])
'''

_WALKS = "; the loop walks the rows `"


def test_br102_names_the_fetched_select_only_when_it_returns_every_row() -> None:
    found = {line: f.message for line, f in _findings(_LOOPS, "BR102").items()}
    assert sorted(found) == [13, 20, 31, 38, 45]
    assert _WALKS + "WITH g AS (SELECT id FROM graphs) SELECT id FROM g` fetched)" in found[13]
    # One aggregate row is not the table's rows.
    assert _WALKS not in found[20]
    # The execute of a nested function has not run before the loop: the one above it has.
    assert _WALKS + "SELECT id FROM graphs` fetched)" in found[31]
    # No table read: the database computes the rows.
    assert _WALKS not in found[38]
    # A column named `top` is no TOP n.
    assert _WALKS + "SELECT id, top FROM graphs` fetched)" in found[45]
