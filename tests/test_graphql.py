"""GraphQL backends: the fixture projects under fixtures/routes/ that serve a GraphQL schema
(graphene with Flask and Django, strawberry with FastAPI, ariadne) behave as their
`ruleid` / `ok` markers say for every rule, in one run with every rule enabled; and the
route model lists their operations as QUERY / MUTATION with the endpoint's path."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from backendreview.analysis.frameworks.graphql import camel, is_resolver
from backendreview.analysis.frameworks.routes import merge_routes
from backendreview.config import Config
from backendreview.context import FileContext
from backendreview.engine import all_rule_ids, run
from backendreview.semantic import SemanticBuilder

from .markers import check_markers, read_markers

ROOT = Path(__file__).resolve().parents[1]
PROJECTS = ("graphene_django", "graphene_flask", "strawberry_fastapi", "ariadne_starlette")


def _run(project: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    base = ROOT / "fixtures" / "routes" / project
    monkeypatch.chdir(base)
    return base, run([Path(".")], Config(root=base, select=tuple(sorted(all_rule_ids()))),
                     jobs=1, collect=("routes",))


@pytest.mark.parametrize("project", PROJECTS)
def test_markers_hold_for_every_rule(project: str, monkeypatch: pytest.MonkeyPatch) -> None:
    base, result = _run(project, monkeypatch)
    problems: list[str] = []
    for file in sorted(base.rglob("*.py")):
        rel = file.relative_to(base).as_posix()
        text = file.read_text(encoding="utf-8")
        mine = [f for f in result.findings if f.path == rel]
        for rule in sorted({m.rule for m in read_markers(text)}):
            problems += [f"{rel}: {p}" for p in check_markers(text, mine, rule)]
    assert problems == []


@pytest.mark.parametrize("project", PROJECTS)
def test_operations_are_routes(project: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _, result = _run(project, monkeypatch)
    operations = [r for r in merge_routes(result.facts) if r.methods[0] in ("QUERY",
                                                                            "MUTATION")]
    assert {r.methods[0] for r in operations} == {"QUERY", "MUTATION"}
    # Every operation sits below the path of the endpoint that serves its schema.
    for route in operations:
        assert route.path.endswith(" " + route.own_path), route.path
        assert route.prefix_known, route.path


def test_graphene_django_table(monkeypatch: pytest.MonkeyPatch) -> None:
    _, result = _run("graphene_django", monkeypatch)
    shown = {f"{r.methods[0]} {r.path}": r for r in merge_routes(result.facts)}
    assert shown["QUERY /graphql/ recentPosts"].pagination == ("first", "slice")
    assert shown["QUERY /graphql/ comments"].pagination == ("DjangoFilterConnectionField",)
    assert shown["MUTATION /graphql/ deletePost"].auth == (
        "graphql_jwt.decorators.login_required",)
    assert shown["MUTATION /graphql/ createPost"].handler == "CreatePost.mutate"
    assert shown["MUTATION /graphql/ tokenAuth"].handler == "ObtainJSONWebToken"


def _ctx(source: str) -> FileContext:
    tree = ast.parse(source)
    return FileContext("schema.py", source, tree, SemanticBuilder(tree, "schema").build(),
                       Config())


def test_resolvers_are_handlers_and_helpers_are_not() -> None:
    ctx = _ctx(
        "import graphene\nimport strawberry\n"
        "class Query(graphene.ObjectType):\n"
        "    def resolve_users(self, info): ...\n"
        "    def helper(self): ...\n"
        "@strawberry.type\nclass Q:\n"
        "    @strawberry.field\n    def hello(self) -> str: ...\n"
        "    def plain(self) -> str: ...\n"
        "class Plain:\n    def resolve_x(self): ...\n")
    found = {n.name: is_resolver(ctx, n) for n in ast.walk(ctx.tree)
             if isinstance(n, ast.FunctionDef)}
    assert found == {"resolve_users": True, "helper": False, "hello": True, "plain": False,
                     "resolve_x": False}


def test_camel_case_matches_graphene() -> None:
    assert [camel(n) for n in ("create_user", "token_auth", "users", "_private_field")] == [
        "createUser", "tokenAuth", "users", "_privateField"]
