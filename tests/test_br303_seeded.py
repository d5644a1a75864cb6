"""BR303 on lookup tables that only migrations, commands or seed scripts fill: not
reported, unless any code that may serve a request can add rows (a route, a serializer a
view saves, an admin registration, a relation's create, a factory, raw SQL)."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendreview.analysis.orm.creates import FACT_KIND
from backendreview.analysis.orm.seeded import SeedIndex, query_root
from backendreview.analysis.program import program_of
from backendreview.config import Config
from backendreview.engine import run

ROOT = Path(__file__).resolve().parents[1] / "fixtures" / "BR303"


@pytest.mark.parametrize(("text", "root"), [
    ("Sport.query.order_by(Sport.id).all()", "Sport"),
    ("Role.objects.all()", "Role"),
    ("models.Role.objects.filter(active=True)", "models.Role"),
    ("db.session.query(Sport).filter(Sport.active).all()", "Sport"),
    ("db.session.scalars(select(Sport).order_by(Sport.id)).all()", "Sport"),
    ("session.execute(select(Sport)).scalars().all()", "Sport"),
    ("request.user.tokens.all()", None),
    ("self.repo.list()", None),
])
def test_query_root(text: str, root: str | None) -> None:
    assert query_root(text) == root


def _index(project: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[SeedIndex, dict]:
    monkeypatch.chdir(project)
    result = run([Path(".")], Config(root=project), rules=(),
                 collect=("program", "model-creates"), jobs=1)
    program = program_of(result.facts)
    classes = {c.name: c for c in program.classes.values()}
    return SeedIndex(result.facts.get(FACT_KIND, []), program), classes


def test_seeded_models_and_why(monkeypatch: pytest.MonkeyPatch) -> None:
    index, classes = _index(ROOT / "seeded_lookups", monkeypatch)
    seeded = {name: index.seeded(classes[name]) for name in
              ("Sport", "Unit", "Color", "Badge", "Level", "Kind", "Region")}
    assert {n for n, s in seeded.items() if s is not None} == {"Sport", "Unit", "Color"}
    assert seeded["Sport"].reason() == ("rows of `Sport` are added only by migration code "
                                        "(app/migrations/versions/01_seed.py:5)")
    assert seeded["Unit"].where == (("app/cli.py", 9, "command"),)
    assert seeded["Color"].where == (("app/migrations/versions/02_colors.py", 7, "migration"),)


def test_seeded_drf_models(monkeypatch: pytest.MonkeyPatch) -> None:
    index, classes = _index(ROOT / "seeded_drf", monkeypatch)
    names = ("Role", "Label", "Status", "Category", "Topic", "Priority", "Level", "Stage",
             "Tag", "Member")
    seeded = {name for name in names if index.seeded(classes[name]) is not None}
    # Label: a CreateAPIView saves its serializer; Topic: a relation's create() in a view;
    # Tag: registered with the admin but constructed in a view; Member: registered with the
    # admin but built on AbstractUser (the auth library's views may add users). Status,
    # Level (@admin.register) and Stage (an admin inline): rows staff add by hand.
    assert seeded == {"Role", "Category", "Priority", "Status", "Level", "Stage"}


@pytest.mark.parametrize(("project", "rel", "lines"), [
    ("seeded_lookups", "app/routes.py", {27, 41, 48, 55, 76}),
    ("seeded_drf", "catalog/views.py", {35, 65, 98, 106}),
])
def test_findings(monkeypatch: pytest.MonkeyPatch, project: str, rel: str,
                  lines: set[int]) -> None:
    monkeypatch.chdir(ROOT / project)
    findings = run([Path(".")], Config(root=ROOT / project, select=("BR303",)),
                   jobs=1).findings
    assert {f.span.start_line for f in findings if f.path == rel} == lines
    assert all(f.rule_id == "BR303" and "returns every row" in f.message for f in findings)


_MODELS = """
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Sport(db.Model):
    __tablename__ = "sports"
    id = db.Column(db.Integer, primary_key=True)
"""
_MIGRATION = """
from alembic import op


def upgrade():
    op.execute("INSERT INTO sports (id) VALUES (1)")
"""
_ROUTES = """
from flask import Flask, jsonify

from app.models import Sport

app = Flask(__name__)


@app.get("/sports")
def sports():
    return jsonify([s.id for s in Sport.query.all()])
"""


@pytest.mark.parametrize(("extra", "reported"), [
    ("", False),
    # a docstring that says "insert into" is no statement
    ('"""Helpers to insert into the cache: nothing here writes rows."""\n', False),
    # a class method that reads is no factory
    ("from app.models import Sport\n\ndef one():\n    return Sport.get_by_id(1)\n", False),
    # the class given to readers: a select, a relation's target
    ("from sqlalchemy import select\nfrom app.models import Sport, db\n\n"
     "def names():\n    return db.session.scalars(select(Sport.id)).all()\n\n"
     "class Pick(db.Model):\n    sport = db.relationship(Sport)\n", False),
    # a construction in a CLI command seeds, it does not grow the table
    ("import click\nfrom app.models import Sport\n\n@click.command()\ndef seed():\n"
     "    return Sport(id=2)\n", False),
    # SQL into a table the code computes may be any table
    ("def put(cur, table):\n    cur.execute('INSERT INTO %s (id) VALUES (1)' % table)\n",
     True),
    ("def put(cur, table):\n    cur.execute(f'INSERT INTO {table} (id) VALUES (1)')\n", True),
    ("def put(cur, table):\n    cur.execute('INSERT INTO ' + table + ' VALUES (1)')\n", True),
    # a class method that may build an instance (pydantic / SQLModel validation)
    ("from app.models import Sport\n\ndef add(data):\n    return Sport.model_validate(data)\n",
     True),
    # the class handed to a call we do not know
    ("from app.models import Sport\n\ndef register(admin):\n    admin.add_view(Sport)\n",
     True),
])
def test_request_side_evidence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: str,
                               reported: bool) -> None:
    files = {"app/__init__.py": "", "app/models.py": _MODELS, "app/routes.py": _ROUTES,
             "app/migrations/versions/01_seed.py": _MIGRATION, "app/store.py": extra}
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    findings = run([Path(".")], Config(root=tmp_path, select=("BR303",)), jobs=1).findings
    got = [(f.path, f.span.start_line) for f in findings]
    assert got == ([("app/routes.py", 11)] if reported else [])


_ROLE = "from django.db import models\n\n\nclass Role(models.Model):\n" \
        "    name = models.CharField(max_length=50)\n"
_LIST = "from django.http import JsonResponse\n\nfrom {app}.models import Role\n\n\n" \
        "def roles(request):\n    return JsonResponse({{\"items\": list(Role.objects.all().values())}})\n"
_SEED = "from django.db import migrations\n\n\ndef seed(apps, schema_editor):\n" \
        "    Role = apps.get_model(\"{label}\", \"Role\")\n    Role.objects.create(name=\"admin\")\n" \
        "\n\nclass Migration(migrations.Migration):\n    operations = [migrations.RunPython(seed)]\n"


@pytest.mark.parametrize(("seeds", "reported"), [
    # staff seeds its own Role: shop.Role, listed by shop's view, is not seeded (rev-a p6)
    (("staff",), {"shop/views.py"}),
    # near misses: each app seeds its own Role, so each list is of a lookup table
    (("shop",), {"staff/views.py"}),
    (("shop", "staff"), set()),
    # a label on no model's path seeds neither
    (("billing",), {"shop/views.py", "staff/views.py"}),
])
def test_seed_evidence_is_the_models_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         seeds: tuple[str, ...], reported: set[str]) -> None:
    """Two models named Role in two apps: a data migration's `apps.get_model(label, "Role")`
    seeds the one whose app the label names, not every Role."""
    files = {}
    for app in ("shop", "staff", "billing"):
        files |= {f"{app}/__init__.py": "", f"{app}/migrations/__init__.py": ""}
    for app in ("shop", "staff"):
        files |= {f"{app}/models.py": _ROLE, f"{app}/views.py": _LIST.format(app=app),
                  f"{app}/urls.py": f"from django.urls import path\n\nfrom {app} import views"
                                    "\n\nurlpatterns = [path(\"roles/\", views.roles)]\n"}
    for label in seeds:
        files[f"{label}/migrations/0002_seed.py"] = _SEED.format(label=label)
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    findings = run([Path(".")], Config(root=tmp_path, select=("BR303",)), jobs=1).findings
    assert {f.path for f in findings} == reported
    assert all(f.span.start_line == 7 for f in findings)


_DEEP = "def total(x):\n    return " + " + ".join(["x"] * 990) + "\n"


@pytest.mark.parametrize(("extra", "reported"), [
    # a create in a file with an expression deeper than Python's recursion limit: the file's
    # places are still read, so Sport is grown by request code (rev-a p3)
    ("from app.models import Sport, db\n\n\ndef add():\n    db.session.add(Sport(id=2))\n\n\n"
     + _DEEP, True),
    # near miss: the deep expression alone adds no rows
    (_DEEP, False),
])
def test_a_deep_expression_does_not_hide_a_files_creates(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: str, reported: bool) -> None:
    files = {"app/__init__.py": "", "app/models.py": _MODELS, "app/routes.py": _ROUTES,
             "app/migrations/versions/01_seed.py": _MIGRATION, "app/store.py": extra}
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    findings = run([Path(".")], Config(root=tmp_path, select=("BR303",)), jobs=1).findings
    got = [(f.path, f.span.start_line) for f in findings if f.rule_id == "BR303"]
    assert got == ([("app/routes.py", 11)] if reported else [])
    assert not any("model-creates" in f.message for f in findings)
