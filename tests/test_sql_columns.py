"""Which value a SQL statement binds to the password column (BR201's SQL reading)."""

from __future__ import annotations

from backendreview.analysis.sql_columns import VALUE_MARK, column_values

PASSWORD = "password|passwd"


def _kinds(text: str) -> list[tuple[str, str, int, str | None, int | None]]:
    return [(v.kind, v.text, v.index, v.name, v.number) for v in column_values(text, PASSWORD)]


def test_where_clause_placeholders_map_to_their_parameter_position() -> None:
    assert _kinds("SELECT id FROM users WHERE username = ? AND password = ?") == [
        ("placeholder", "?", 1, None, None)]
    assert _kinds("SELECT id FROM users WHERE name = %s AND u.password=%s") == [
        ("placeholder", "%s", 1, None, None)]


def test_named_and_numbered_placeholders_keep_their_names() -> None:
    assert _kinds("UPDATE users SET password = :pw WHERE id = :id") == [
        ("placeholder", ":pw", 0, "pw", None)]
    assert _kinds("UPDATE users SET passwd = %(new)s") == [
        ("placeholder", "%(new)s", 0, "new", None)]
    assert _kinds("SELECT 1 FROM users WHERE name = $1 AND password = $2") == [
        ("placeholder", "$2", 1, None, 2)]


def test_insert_values_are_matched_to_the_password_column() -> None:
    assert _kinds("INSERT INTO users (name, password) VALUES ('admin', 'admin123')") == [
        ("literal", "admin123", -1, None, None)]
    assert _kinds("INSERT INTO users (password, name) VALUES (?, ?)") == [
        ("placeholder", "?", 0, None, None)]
    text = f"INSERT INTO users (name, password) VALUES ('{VALUE_MARK}', '{VALUE_MARK}')"
    assert _kinds(text) == [("value", f"'{VALUE_MARK}'", 1, None, None)]


def test_hash_columns_and_casts_are_not_the_password_column() -> None:
    assert _kinds("SELECT id FROM users WHERE password_hash = ?") == []
    assert _kinds("INSERT INTO users (name, password_hash) VALUES (?, ?)") == []
    assert _kinds("SELECT password::text FROM users WHERE id = ?") == []
