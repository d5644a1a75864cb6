"""One answer to "is this a route handler": the per-file question (analysis/handlers,
asked by BR401, BR209 and the value tracker) and the project's route table agree on every
fixture project under fixtures/routes/.

- Every function the per-file recognisers register (`registered_handler_lines`) is a route
  of the table.
- Every handler `def` the table lists for a route registered in the handler's own file is a
  handler for the per-file question. A route registered in another file (a DRF viewset's
  mixin, a Starlette Route list, a resource class added elsewhere) is the per-file
  question's known limit: a pure function of one file cannot see it. So is a verb decorator
  on an instance of a project class (`@rest.get("/leases")`, `rest = utils.Rest(...)`):
  whether the class's own `get` registers a route is decided by following it in the class's
  module (frameworks/blueprint_verbs), so the per-file question does not answer yes; nor
  for `@rest.route(...)` in a module that imports no flask (the collector reads such a
  module for the project phase only).
- A route on `self.<attr>` of a class that never assigns the attribute (the app a base
  class holds, frameworks/instance_owners.inherited_owner) is registered per file and kept
  by the project phase only when a class of its MRO, possibly in another module, holds an
  app there: per file the answer is yes, the table may say no."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from backendreview.analysis.frameworks.collector import file_facts
from backendreview.analysis.frameworks.graphql import GqlBindingFact
from backendreview.analysis.handlers import is_route_handler, registered_handler_lines
from backendreview.cli import main
from backendreview.config import Config
from backendreview.context import FileContext
from backendreview.semantic import SemanticBuilder, module_name

ROOT = Path(__file__).resolve().parents[1]
PROJECTS = sorted(p.name for p in (ROOT / "fixtures" / "routes").iterdir() if p.is_dir())


def _ctx(base: Path, rel: str) -> FileContext:
    text = (base / rel).read_text(encoding="utf-8")
    tree = ast.parse(text)
    semantic = SemanticBuilder(tree, module_name(rel),
                               is_package=Path(rel).stem == "__init__").build()
    return FileContext(rel, text, tree, semantic, Config())


def _defs(ctx: FileContext) -> dict[int, ast.FunctionDef | ast.AsyncFunctionDef]:
    return {n.lineno: n for n in ast.walk(ctx.tree)
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}


def _project_class_verb(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """`@rest.get(...)` with `rest` built from a class of the project (not flask's), or
    `@rest.route(...)` so in a module that imports no flask."""
    from backendreview.analysis.frameworks.blueprint_verbs import SHORTCUTS
    from backendreview.analysis.frameworks.flask import project_class

    flask_file = ctx.semantic.is_imported("flask")
    return any(isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and
               (d.func.attr in SHORTCUTS or (d.func.attr == "route" and not flask_file)) and
               project_class(ctx, d.func.value, any_file=True) is not None
               for d in func.decorator_list)


def _inherited_app_route(ctx: FileContext, func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """`@self.flask_app.route(...)` in a class that never assigns `flask_app`."""
    from backendreview.analysis.frameworks.instance_owners import inherited_owner

    return any(isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and
               isinstance(d.func.value, ast.Attribute) and
               inherited_owner(ctx, d.func.value) is not None
               for d in func.decorator_list)


@pytest.mark.parametrize("project", PROJECTS)
def test_route_table_and_per_file_answer_agree(project: str, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    base = ROOT / "fixtures" / "routes" / project
    monkeypatch.chdir(base)
    assert main(["routes", ".", "--format", "json", "--jobs", "1"]) in (0, 1)
    rows = json.loads(capsys.readouterr().out)
    table: dict[str, set[int]] = {}
    same_file: dict[str, set[int]] = {}
    for row in rows:
        file, line = row["location"].rsplit(":", 1)
        table.setdefault(file, set()).add(int(line))
        if row["defined_at"].rsplit(":", 1)[0] == file and file.endswith(".py"):
            same_file.setdefault(file, set()).add(int(line))
    contexts = {rel: _ctx(base, rel) for rel in sorted(
        p.relative_to(base).as_posix() for p in base.rglob("*.py"))}
    problems: list[str] = []
    for rel, lines in sorted(same_file.items()):
        defs = _defs(contexts[rel])
        for line in sorted(lines):
            func = defs.get(line)
            if func is not None and _project_class_verb(contexts[rel], func):
                continue  # the known limit above
            if func is not None and not is_route_handler(contexts[rel], func):
                problems.append(f"{rel}:{line} {func.name}: in the route table, "
                                f"not a handler for the per-file question")
    for rel, ctx in contexts.items():
        # A resolver of an object type's field (`book.set_field("author", f)`) answers the
        # client but is no row of the table, which lists root operations only.
        type_fields = {f.field.handler.line for f in file_facts(ctx)
                       if isinstance(f, GqlBindingFact) and f.field.handler is not None}
        defs = _defs(ctx)
        for line in sorted(registered_handler_lines(ctx) - type_fields):
            if line in defs and _inherited_app_route(ctx, defs[line]):
                continue  # the known limit above: a base class decides, in the project phase
            if line not in table.get(rel, set()):
                problems.append(f"{rel}:{line}: registered per file, missing from the table")
    assert problems == []


def test_handler_registered_elsewhere_is_not_guessed() -> None:
    """A near miss: a method named like a route on an object that is not a router, and a
    plain function next to a real route, are not handlers."""
    source = '''
from fastapi import APIRouter

router = APIRouter()


class Cache:
    def get(self, key):
        return key


cache = Cache()


@router.get("/items/{item_id}")
def read_item(item_id: int):
    return {}


def helper(item_id: int):
    return item_id
'''
    tree = ast.parse(source)
    ctx = FileContext("api.py", source, tree, SemanticBuilder(tree, "api").build(), Config())
    funcs = {n.name: n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    assert is_route_handler(ctx, funcs["read_item"])
    assert not is_route_handler(ctx, funcs["helper"])
    assert not is_route_handler(ctx, funcs["get"])
    assert registered_handler_lines(ctx) == frozenset({funcs["read_item"].lineno})
