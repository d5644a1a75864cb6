"""BR303 on server-rendered pages: the same unbounded query, a note instead of a warning."""

from __future__ import annotations

from pathlib import Path

from .test_fixtures import _review

ROOT = Path(__file__).resolve().parents[1]


def _br303(name: str) -> dict[int, tuple[str, str]]:
    path = ROOT / "fixtures" / "BR303" / name
    findings = _review(path.read_text(encoding="utf-8"), f"BR303/{name}")
    return {f.span.start_line: (f.severity.value, f.message) for f in findings
            if f.rule_id == "BR303"}


def test_template_contexts_and_list_views_are_notes_that_say_why() -> None:
    found = _br303("server_rendered.py")
    rendered = [line for line, (_, message) in found.items() if "server-rendered page" in message]
    # render() contexts (two querysets, a fetchall()) and two ListView `queryset =`
    assert len(rendered) == 5
    assert all(found[line][0] == "note" for line in rendered)


def test_json_lists_and_fetchall_stay_warnings() -> None:
    found = _br303("flask_rendered.py")
    severities = {message.split("`")[1]: severity for severity, message in found.values()}
    assert severities['conn.execute("SELECT * FROM orders")'] == "warning"
    assert severities["Product.query.order_by(Product.created.desc()).all()"] == "note"
    assert severities["Category.query.all()"] == "warning"  # JSON, not a page
    found = _br303("fastapi_sqlalchemy.py")
    assert found and {severity for severity, _ in found.values()} == {"warning"}


def test_a_manager_query_in_flask_is_sliced_with_capped_parameters() -> None:
    path = ROOT / "fixtures" / "BR303" / "mongo_managers.py"
    findings = [f for f in _review(path.read_text(encoding="utf-8"), "BR303/mongo_managers.py")
                if f.rule_id == "BR303"]
    by_line = {f.span.start_line: f.fix for f in findings}
    fix = by_line[24]
    assert fix is not None and fix.description == (
        "Take capped limit/offset parameters and slice the queryset")
    assert fix.suggestion is not None and fix.suggestion.endswith(
        'rows = Discussion.objects.filter(closed=None).order_by("-created")'
        "[offset:offset + limit]")
    assert 'min(request.args.get("limit", 50, type=int), 200)' in fix.suggestion
