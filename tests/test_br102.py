"""BR102 beyond the fixture markers: tests and migrations are skipped unless configured, and
the fix names the exact loader for the framework in use."""

from __future__ import annotations

from backendreview.config import Config
from backendreview.engine import finish, review_source
from backendreview.metadata import load_rule_docs

CODE = b'''from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=10)


class Book(models.Model):
    author = models.ForeignKey(Author, on_delete=models.CASCADE)


def names():
    return [b.author.name for b in Book.objects.all()]
'''


def _findings(path: str, config: Config):  # type: ignore[no-untyped-def]
    rules = ("BR102",)
    result = review_source(CODE, path, config, rules)
    return finish([result], config, rules, load_rule_docs()).findings


def test_app_code_is_reviewed_and_the_fix_is_the_exact_select_related():
    [finding] = _findings("shop/views.py", Config())
    assert finding.span.start_line == 13
    assert finding.message.startswith("`b.author` loads the ForeignKey `Book.author`")
    assert finding.fix is not None
    # The loader goes on the query, before .all() (the rule for every ORM).
    assert finding.fix.suggestion == 'Book.objects.select_related("author").all()'


def test_tests_and_migrations_are_skipped_by_default():
    assert _findings("shop/tests/test_views.py", Config()) == []
    assert _findings("shop/test_views.py", Config()) == []
    assert _findings("shop/migrations/0002_data.py", Config()) == []


def test_options_bring_tests_and_migrations_back():
    config = Config(rule_options=(("BR102", (("include-tests", True),
                                             ("include-migrations", True))),))
    assert [f.span.start_line for f in _findings("shop/tests/test_views.py", config)] == [13]
    assert [f.span.start_line for f in _findings("shop/migrations/0002_data.py", config)] == [13]


def _project_findings(root, rel: str):  # type: ignore[no-untyped-def]
    from pathlib import Path

    from backendreview.engine import run

    config = Config(root=root, select=("BR102",))
    return [f for f in run([Path(root)], config, jobs=1).findings if f.path.endswith(rel)]


def test_a_loader_for_a_statement_run_by_the_session_goes_on_the_statement(monkeypatch):
    from pathlib import Path
    root = Path(__file__).resolve().parents[1] / "fixtures" / "BR102" / "fits_the_lookup"
    monkeypatch.chdir(root)
    found = {f.span.start_line: f for f in _project_findings(root, "ident/service.py")}
    # `session.options(...)` does not exist: the loader goes on `stmt`, with its import.
    assert found[22].fix.suggestion == ("from sqlalchemy.orm import selectinload\n\n"
                                        "stmt = stmt.options(selectinload(Connector.owners))")
    # lazy='dynamic' cannot be eager-loaded: no loader is suggested at all.
    assert found[13].fix.suggestion is None
    assert "selectinload` / `joinedload` do not apply" in found[13].fix.description


def test_in_bulk_only_by_primary_key_and_the_model_as_the_module_names_it(monkeypatch):
    from pathlib import Path
    root = Path(__file__).resolve().parents[1] / "fixtures" / "BR102" / "fits_the_lookup"
    monkeypatch.chdir(root)
    found = {f.span.start_line: f for f in _project_findings(root, "pulp/app/tasks.py")}
    assert found[22].fix.suggestion == "models.Repository.objects.in_bulk(pks)"
    # By a field that need not be unique: a filter mapped by that field, never in_bulk.
    assert found[14].fix.suggestion is None
    assert "in_bulk" not in found[14].message
    assert "models.Ticket.objects.filter(title__in=titles)" in found[14].fix.description
    # The loop rebinds its item (`value = value.strip()`): the iterable is not the keys, so
    # no code; only the items an `if` on the item lets through are gathered.
    assert found[135].fix.suggestion is None
    assert "in_bulk(<keys>)" in found[135].fix.description
    assert found[145].fix.suggestion == (
        "models.Repository.objects.in_bulk([value for value in values if is_key(value)])")
    # `link.repository = ...` changes the item, not which item it is: the keys are gathered.
    assert found[161].fix.suggestion == (
        "models.Repository.objects.in_bulk([link.repository_id for link in links])")


def test_a_selected_column_names_its_model_and_other_conditions_give_no_code(monkeypatch):
    from pathlib import Path
    root = Path(__file__).resolve().parents[1] / "fixtures" / "BR102" / "fits_the_lookup"
    monkeypatch.chdir(root)
    found = {f.span.start_line: f for f in _project_findings(root, "ident/batch.py")}
    assert sorted(found) == [11, 22, 44, 54]
    # A query's earlier filter is its receiver: the batch query keeps it.
    assert found[44].fix.suggestion == (
        "session.query(Connector).filter(Connector.name == owner)"
        ".filter(Connector.id.in_(connector_ids)).all()")
    # A filter after the per-row comparison would be dropped: words only.
    assert found[54].fix.suggestion is None
    # select(Connector.id): the model is Connector (a bare `id` would be Python's builtin).
    assert found[11].rule_id == "BR102"
    assert found[11].fix.suggestion == "select(Connector).where(Connector.id.in_(connector_ids))"
    assert "select(id)" not in found[11].message
    # The name condition would be lost from a query rebuilt on the key alone: words only.
    assert found[22].fix.suggestion is None
    assert "select(Connector).where(Connector.<column>.in_(<keys>))" in found[22].message


def test_a_tools_package_that_registers_routes_is_not_called_a_script():
    """pgAdmin's `tools/user_management` is a blueprint of the web app (a project subclass of
    flask.Blueprint): its per-row loads are warnings; a `tools/` file with no route stays a
    note that says why."""
    from pathlib import Path

    from backendreview.model import Severity

    root = Path(__file__).parent.parent / "fixtures" / "BR102" / "served_tools"
    [served] = _project_findings(root, "portal/tools/accounts/__init__.py")
    assert (served.span.start_line, served.severity) == (14, Severity.WARNING)
    assert "note:" not in served.message
    [script] = _project_findings(root, "portal/tools/export_accounts.py")
    assert (script.span.start_line, script.severity) == (8, Severity.NOTE)
    assert script.message.endswith(
        "(note: it runs in a command-line or build script, not while serving a request)")
