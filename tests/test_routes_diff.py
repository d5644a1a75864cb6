"""`routes --diff-base`: a scripted pull request that adds, removes and changes routes, read
through the command line and through the GitHub Action's job summary."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from backendreview.analysis.frameworks.routes import Route
from backendreview.cli import main
from backendreview.model import Span
from backendreview.routes_diff import compare

from .gitrepo import Repo

ROOT = Path(__file__).resolve().parents[1]

MAIN = """\
from fastapi import FastAPI

from app.orders import router

app = FastAPI()
app.include_router(router, prefix="/api")
"""
ORDERS = """\
from fastapi import APIRouter, Depends, Query

from app.deps import current_user

router = APIRouter(prefix="/orders")


@router.get("")
def list_orders(limit: int = Query(50, le=200), user=Depends(current_user)):
    return []


@router.get("/{order_id}")
def get_order(order_id: int, user=Depends(current_user)):
    return {}


@router.delete("/{order_id}")
def delete_order(order_id: int, user=Depends(current_user)):
    return None


@router.get("/legacy")
def legacy(user=Depends(current_user)):
    return []
"""
# The pull request: a POST without the auth its neighbours have (flagged), a PUT with it
# (not flagged), the legacy GET removed, and list_orders no longer paginated.
ADDED = """\


@router.post("")
def create_order(payload: dict):
    return payload


@router.put("/{order_id}")
def update_order(order_id: int, payload: dict, user=Depends(current_user)):
    return payload
"""


def make_routes_pull_request(root: Path) -> Repo:
    repo = Repo(root)
    repo.write("app/__init__.py", "")
    repo.write("app/deps.py", "def current_user():\n    return None\n")
    repo.write("app/main.py", MAIN)
    repo.write("app/orders.py", ORDERS)
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "feature")
    head = ORDERS.replace(
        '@router.get("/legacy")\ndef legacy(user=Depends(current_user)):\n    return []\n',
        "").rstrip() + "\n" + ADDED
    head = head.replace("def list_orders(limit: int = Query(50, le=200), user=",
                        "def list_orders(user=")
    repo.write("app/orders.py", head)
    repo.commit("orders: create and update, no legacy listing")
    return repo


@pytest.fixture
def routes_pr(tmp_path, monkeypatch) -> Repo:
    repo = make_routes_pull_request(tmp_path / "repo")
    monkeypatch.chdir(repo.root)
    return repo


def _rows(data: dict) -> list[tuple]:
    return [(r["change"], ",".join(r["methods"]), r["path"], r["handler"], r["location"],
             ",".join(r["auth"]), ",".join(r["pagination"]), ",".join(r.get("lacks", [])))
            for r in data["routes"]]


def test_json_lists_added_changed_removed_and_flags(routes_pr, capsys):
    assert main(["routes", "--diff-base", "main", "--format", "json", "-j", "1"]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert data["merge_base"] == routes_pr.git("merge-base", "main", "HEAD")
    assert data["summary"] == {"added": 2, "removed": 1, "changed": 1, "flagged": 1}
    assert _rows(data) == [
        ("added", "POST", "/api/orders", "create_order", "app/orders.py:24", "", "", "auth"),
        ("added", "PUT", "/api/orders/{order_id}", "update_order", "app/orders.py:29",
         "app.deps.current_user", "", ""),
        ("changed", "GET", "/api/orders", "list_orders", "app/orders.py:9",
         "app.deps.current_user", "", ""),
        ("removed", "GET", "/api/orders/legacy", "legacy", "app/orders.py:24",
         "app.deps.current_user", "", ""),
    ]
    changed = data["routes"][2]
    assert changed["before"]["pagination"] == ["limit"] and "lacks" not in changed
    assert captured.err == (
        "backendreview: warning: app/orders.py:23: new route POST /api/orders has no auth, "
        "which all 3 neighbouring routes have\n")


def test_console_table_names_each_change(routes_pr, capsys):
    assert main(["routes", "--diff-base", "main", "-j", "1"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].endswith(": 2 added, 1 changed, 1 removed")
    row = next(line for line in out.splitlines() if "create_order" in line)
    assert "no auth (all 3 neighbours have it)" in row
    row = next(line for line in out.splitlines() if "list_orders" in line)
    assert "pagination: limit -> -" in row


def test_no_route_change_is_an_empty_table(tmp_path, monkeypatch, capsys):
    repo = Repo(tmp_path / "repo")
    repo.write("app/__init__.py", "")
    repo.write("app/deps.py", "def current_user():\n    return None\n")
    repo.write("app/main.py", MAIN)
    repo.write("app/orders.py", ORDERS)
    repo.commit("base")
    repo.write("app/deps.py", "def current_user():\n    return 1\n")
    monkeypatch.chdir(repo.root)
    assert main(["routes", "--diff-base", "main", "--format", "markdown", "-j", "1"]) == 0
    assert "No route was added, removed or changed." in capsys.readouterr().out


def test_reviewed_from_outside_the_repository(routes_pr, tmp_path, monkeypatch, capsys):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert main(["routes", str(routes_pr.root), "--diff-base", "main", "--format", "json",
                 "-j", "1"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["summary"] == {"added": 2, "removed": 1, "changed": 1, "flagged": 1}
    removed = data["routes"][-1]
    assert removed["location"] == f"{routes_pr.root.resolve().as_posix()}/app/orders.py:24"


def test_diff_base_errors_are_one_line(routes_pr, tmp_path, monkeypatch, capsys):
    assert main(["routes", "--diff-base", "nope"]) == 2
    assert capsys.readouterr().err.startswith(
        "backendreview: error: --diff-base: unknown git ref 'nope'")
    outside = tmp_path / "plain"
    outside.mkdir()
    monkeypatch.chdir(outside)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    assert main(["routes", "--diff-base", "main"]) == 2
    assert capsys.readouterr().err == (f"backendreview: error: --diff-base: {outside.resolve()} "
                                       "is not inside a git repository\n")


def _route(path: str, methods: tuple[str, ...], auth: tuple[str, ...] = (),
           file: str = "app/x.py", pagination: tuple[str, ...] = ()) -> Route:
    return Route(methods=methods, path=path, own_path=path, prefix_known=True,
                 framework="fastapi", file=file, span=Span(1, 1, 1, 2), handler="h",
                 handler_file=file, handler_line=1, auth=auth, pagination=pagination)


def test_flags_need_two_neighbours_that_all_agree():
    old = [_route("/a", ("GET",), ("user",)), _route("/a/{id}", ("GET",), ("user",))]
    new_post = _route("/a", ("POST",))
    (change,) = compare(old, [*old, new_post])
    assert change.lacks == ["auth"]
    # One neighbour is not a pattern.
    (change,) = compare(old[:1], [old[0], new_post])
    assert change.lacks == []
    # A neighbour without auth: not every sibling has it.
    mixed = [*old, _route("/a/open", ("GET",))]
    changes = compare(mixed, [*mixed, new_post])
    assert [c.lacks for c in changes] == [[]]
    # Neighbours in another file under another parent path are not neighbours.
    far = [_route("/b", ("GET",), ("user",), file="b.py"),
           _route("/b/{id}", ("GET",), ("user",), file="b.py")]
    (change,) = compare(far, [*far, new_post])
    assert change.lacks == []


def test_pagination_flag_only_for_list_gets():
    old = [_route("/a", ("GET",), file="a.py", pagination=("limit",)),
           _route("/b", ("GET",), file="a.py", pagination=("page",)),
           _route("/a/{id}", ("GET",), file="a.py")]
    new_list = _route("/c", ("GET",), file="a.py")
    new_detail = _route("/c/{id}", ("GET",), file="a.py")
    changes = compare(old, [*old, new_list, new_detail])
    assert [(c.route["path"], c.lacks) for c in changes] == [("/c", ["pagination"]),
                                                             ("/c/{id}", [])]


def test_action_summary_has_the_routes_table(routes_pr, tmp_path):
    runner = tmp_path / "runner"
    runner.mkdir()
    event = {"pull_request": {"base": {"ref": "main", "sha": routes_pr.git("rev-parse", "main")},
                              "head": {"ref": "feature",
                                       "sha": routes_pr.git("rev-parse", "HEAD")}}}
    (runner / "event.json").write_text(json.dumps(event), encoding="utf-8")
    env = {"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request",
           "GITHUB_EVENT_PATH": str(runner / "event.json"),
           "GITHUB_STEP_SUMMARY": str(runner / "summary.md"),
           "GITHUB_OUTPUT": str(runner / "output.txt"), "RUNNER_TEMP": str(runner),
           "GITHUB_WORKSPACE": str(routes_pr.root), "GITHUB_BASE_REF": "main",
           "GITHUB_HEAD_REF": "feature", "GITHUB_REF": "refs/pull/7/merge",
           "INPUT_FAIL_ON": "error"}
    proc = subprocess.run([sys.executable, "-m", "backendreview.github_action"],
                          cwd=routes_pr.root, capture_output=True, text=True, timeout=300,
                          env={**os.environ, **env, "PYTHONPATH": str(ROOT / "src")})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert ("::warning file=app/orders.py,line=23,title=backendreview new route::new route "
            "POST /api/orders has no auth, which all 3 neighbouring routes have"
            ) in proc.stdout.splitlines()
    summary = (runner / "summary.md").read_text(encoding="utf-8")
    section = summary.split("## API surface changed by this pull request", 1)[1]
    assert "2 added, 1 changed, 1 removed; **1 new route(s) lacking what their neighbours " \
        "have**" in section
    rows = [line for line in section.splitlines() if line.startswith("| ") and "`" in line]
    assert [row.split(" | ")[:3] for row in rows] == [
        ["| added", "POST", "`/api/orders`"], ["| added", "PUT", "`/api/orders/{order_id}`"],
        ["| changed", "GET", "`/api/orders`"], ["| removed", "GET", "`/api/orders/legacy`"]]
    assert rows[0].endswith("| ⚠️ no auth |")
    assert rows[2].endswith("| pagination: limit -> - |")
    outputs = dict(line.split("=", 1) for line in (runner / "output.txt").read_text(
        encoding="utf-8").splitlines())
    assert outputs["routes-flagged"] == "1"


STRAWBERRY = """\
import strawberry
from fastapi import FastAPI
from strawberry.fastapi import GraphQLRouter


@strawberry.type
class Query:
    @strawberry.field
    def users(self) -> list[str]:
        return []


schema = strawberry.Schema(query=Query)
app = FastAPI()
app.include_router(GraphQLRouter(schema), prefix="/graphql")
"""


def test_graphql_operations_are_compared_too(tmp_path, monkeypatch, capsys):
    repo = Repo(tmp_path / "repo")
    repo.write("app/schema.py", STRAWBERRY)
    repo.commit("base")
    repo.write("app/schema.py", STRAWBERRY.replace(
        "        return []\n",
        "        return []\n\n    @strawberry.field\n    def orders(self) -> list[str]:\n"
        "        return []\n", 1))
    monkeypatch.chdir(repo.root)
    assert main(["routes", "--diff-base", "main", "--format", "json", "-j", "1"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(r["change"], r["methods"], r["path"], r["framework"]) for r in data["routes"]] == [
        ("added", ["QUERY"], "/graphql orders", "strawberry")]
