"""Module names do not depend on the working directory: a file's dotted name comes from the
import root of the command-line argument that found it (the nearest directory, from the
argument up, that is not a package), so `check /abs/app` names modules, resolves prefixes
across files and reports findings as `cd /abs/app && check .` does; only `path` differs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backendreview.analysis.program import program_of
from backendreview.cache import ResultCache
from backendreview.cli import main
from backendreview.config import Config
from backendreview.discovery import discover_all, file_module, import_root
from backendreview.engine import run
from backendreview.semantic import module_name_under

ROOT = Path(__file__).resolve().parents[1]
ROUTE_PROJECTS = sorted(p.name for p in (ROOT / "fixtures" / "routes").iterdir() if p.is_dir())

# A package whose route prefix is declared in another module, imported absolutely.
MAIN = """\
from fastapi import FastAPI

from shop import api

app = FastAPI()
app.include_router(api.router, prefix="/api")
"""
API = """\
import sqlite3

from fastapi import APIRouter

router = APIRouter()


@router.post("/items")
def create_item(name: str):
    conn = sqlite3.connect("db.sqlite")
    conn.execute(f"INSERT INTO items VALUES ('{name}')")
    return {"ok": True}
"""


def _write(base: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        target = base / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def _shop(parent: Path, under: str = "") -> Path:
    """The `shop` project (a package `shop/` in a project directory that is not one)."""
    project = parent / "project-1.2"
    prefix = f"{under}/" if under else ""
    _write(project, {f"{prefix}shop/__init__.py": "", f"{prefix}shop/main.py": MAIN,
                     f"{prefix}shop/api.py": API})
    return project


def _json(capsys, *args: str) -> object:  # type: ignore[no-untyped-def]
    code = main(list(args))
    out = capsys.readouterr()
    assert code in (0, 1), out.err
    return json.loads(out.out)


def _modules(paths: list[Path]) -> list[str]:
    return sorted(discover_all(paths, Config()).modules.values())


def test_import_root_is_the_nearest_directory_that_is_not_a_package(tmp_path: Path) -> None:
    project = _shop(tmp_path)
    assert import_root(project) == project
    assert import_root(project / "shop") == project
    _write(tmp_path, {"deep/a/__init__.py": "", "deep/a/b/__init__.py": ""})
    assert import_root(tmp_path / "deep" / "a" / "b") == tmp_path / "deep"


def test_module_names_from_the_root_however_the_tree_is_named(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = _shop(tmp_path)
    expected = ["shop", "shop.api", "shop.main"]
    monkeypatch.chdir(project)
    assert _modules([Path(".")]) == expected
    monkeypatch.chdir(tmp_path)
    assert _modules([project]) == expected  # absolute, from the parent
    assert _modules([Path("project-1.2")]) == expected  # relative, from the parent
    # A package named on the command line keeps its own name; so does a file in it.
    monkeypatch.chdir(project)
    assert _modules([Path("shop")]) == expected
    assert _modules([Path("shop/api.py")]) == ["shop.api"]
    assert _modules([project / "shop" / "main.py"]) == ["shop.main"]


def test_src_layout_names_the_package_not_src(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    project = _shop(tmp_path, under="src")
    monkeypatch.chdir(project)
    assert _modules([Path("src")]) == ["shop", "shop.api", "shop.main"]
    # From the project root, `src` is a directory of the tree: named as today.
    assert _modules([Path(".")]) == ["src.shop", "src.shop.api", "src.shop.main"]


def test_program_model_names_match_from_the_root_and_from_outside(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = _shop(tmp_path)

    def names(where: Path, target: Path) -> list[str]:
        monkeypatch.chdir(where)
        result = run([target], Config(root=project), rules=(), collect=("program",), jobs=1)
        assert result.errors == []
        return sorted(program_of(result.facts).modules)

    inside = names(project, Path("."))
    assert inside == ["shop", "shop.api", "shop.main"]
    assert names(tmp_path, project) == inside
    assert names(Path("/"), project) == inside


def _routes(capsys, target: Path) -> list[dict]:  # type: ignore[no-untyped-def,type-arg]
    return _json(capsys, "routes", str(target), "--format", "json", "--jobs", "1")  # type: ignore[return-value]


def _findings(capsys, target: Path) -> list[list[object]]:  # type: ignore[no-untyped-def]
    report = _json(capsys, "check", str(target), "--format", "json", "--jobs", "1",
                   "--select", "ALL", "--no-cache")
    return [[f["rule"], f["path"], f["start_line"], f["message"]]
            for f in report["findings"]]  # type: ignore[index]


def _strip(prefix: str, rows: list) -> list:  # type: ignore[type-arg]
    """`rows` as JSON text with the path prefix taken out, back as data."""
    return json.loads(json.dumps(rows).replace(prefix, ""))


def test_same_routes_and_findings_from_the_root_and_by_absolute_path(
        tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    project = _shop(tmp_path)
    monkeypatch.chdir(project)
    routes = _routes(capsys, Path("."))
    findings = _findings(capsys, Path("."))
    assert [(r["methods"], r["path"], r["handler"]) for r in routes] == [
        (["POST"], "/api/items", "create_item")]
    assert ["BR207", "shop/api.py", 8] in [f[:3] for f in findings]
    monkeypatch.chdir(tmp_path)
    outside = "project-1.2/"  # the reported path, relative to the working directory
    assert _strip(outside, _routes(capsys, project)) == routes
    assert _strip(outside, _findings(capsys, project)) == findings


@pytest.mark.parametrize("project", ROUTE_PROJECTS)
def test_route_fixtures_by_absolute_path_from_elsewhere(
        project: str, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    # The end-to-end route projects run from their own directory with `.`: named by an
    # absolute path from an unrelated directory they give the same table.
    base = ROOT / "fixtures" / "routes" / project
    monkeypatch.chdir(tmp_path)
    routes = _strip(f"{base.as_posix()}/", _routes(capsys, base))
    expected = json.loads((base / "expected_routes.json").read_text(encoding="utf-8"))
    assert routes == expected


def test_cache_entries_differ_by_module_name(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path, Config(), ("BR101",), None)
    assert cache.key("api.py", b"x = 1\n", "shop.api") != cache.key("api.py", b"x = 1\n", "api")


def test_module_name_under_falls_back_to_the_path_outside_the_root() -> None:
    assert module_name_under("/srv/app/shop/__init__.py", "/srv/app") == "shop"
    assert module_name_under("/srv/app/shop/api.py", "/srv/app") == "shop.api"
    assert module_name_under("/srv/other/x.py", "/srv/app") == "srv.other.x"
    assert module_name_under("shop/api.py", None) == "shop.api"


def test_a_file_reviewed_alone_is_named_from_its_root(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    project = _shop(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert file_module(str(project / "shop" / "api.py")) == "shop.api"
    monkeypatch.chdir(project)
    assert file_module("./shop/api.py") == "shop.api"
    assert file_module("stdin") is None
