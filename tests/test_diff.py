"""--diff-base: findings only on lines changed since the merge-base; git diff parsing."""

from __future__ import annotations

import json

import pytest

from backendreview.cli import main
from backendreview.diff import changed_lines, parse_unified_diff

from .gitrepo import Repo
from .samples import FIND_USER

OLD = FIND_USER
LEGACY = (
    "import sqlite3\n"
    "\n"
    "\n"
    "def total(conn: sqlite3.Connection, day):\n"
    "    return conn.execute(\"SELECT sum(n) FROM sales WHERE day = '%s'\" % day)\n"
    "\n"
    "\n"
    "def count(conn: sqlite3.Connection):\n"
    "    return conn.execute(\"SELECT count(*) FROM sales\")\n"
)
SHARED = (
    "import sqlite3\n"
    "\n"
    "\n"
    "def names(request, conn: sqlite3.Connection, t):\n"
    "    return conn.execute(\"SELECT name FROM \" + t)\n"
)


def make_pull_request(root) -> Repo:  # type: ignore[no-untyped-def]
    """main: three files with one old finding each. feature (checked out): shifts the old
    finding in users.py and adds a new one; renames legacy.py with one new finding; leaves
    shared.py alone, which main edits after the branch point. The table names come into
    views (they take the request): BR101 warns of a name position only on such evidence."""
    repo = Repo(root)
    repo.write("app/users.py", OLD)
    repo.write("app/legacy.py", LEGACY)
    repo.write("app/shared.py", SHARED)
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("app/users.py", "\"\"\"Users.\"\"\"\n" + OLD + (
        "\n"
        "\n"
        "def by_name(conn: sqlite3.Connection, name):\n"
        "    return conn.execute(f\"SELECT id FROM users WHERE name = '{name}'\")\n"))
    repo.git("mv", "app/legacy.py", "app/reports.py")
    repo.write("app/reports.py", LEGACY.replace(
        "\"SELECT count(*) FROM sales\")", "f\"SELECT count(*) FROM {table}\")").replace(
        "(conn: sqlite3.Connection):", "(request, conn: sqlite3.Connection, table):"))
    repo.commit("feature work")
    repo.git("checkout", "-q", "main")
    repo.write("app/shared.py", SHARED.replace("name FROM", "name, id FROM"))
    repo.commit("main moves on")
    repo.git("checkout", "-q", "feature")
    return repo


@pytest.fixture
def pull_request(tmp_path, monkeypatch) -> Repo:
    repo = make_pull_request(tmp_path / "repo")
    monkeypatch.chdir(repo.root)
    return repo


def _findings(capsys, *args: str) -> list[tuple[str, int, str]]:  # type: ignore[no-untyped-def]
    # BR101 is what the pull request adds; chosen here, not taken from the default set.
    code = main(["check", *args, "--select", "BR101", "--format", "json"])
    out = capsys.readouterr()
    assert code in (0, 1), out.err
    return [(f["path"], f["start_line"], f["message"].split(" is built")[0])
            for f in json.loads(out.out)["findings"]]


def test_without_diff_base_every_finding_is_reported(pull_request, capsys):
    assert _findings(capsys, ".") == [
        ("app/reports.py", 5, "SQL passed to `conn.execute()`"),
        ("app/reports.py", 9, "SQL passed to `conn.execute()`"),
        ("app/shared.py", 5, "SQL passed to `conn.execute()`"),
        ("app/users.py", 6, "SQL passed to `conn.execute()`"),
        ("app/users.py", 10, "SQL passed to `conn.execute()`"),
    ]


def test_diff_base_keeps_only_changed_lines(pull_request, capsys):
    # Not users.py:6 (shifted, not changed), not reports.py:5 (renamed, not changed), not
    # shared.py:5 (changed on main after the branch point: the merge-base excludes it).
    assert _findings(capsys, ".", "--diff-base", "main") == [
        ("app/reports.py", 9, "SQL passed to `conn.execute()`"),
        ("app/users.py", 10, "SQL passed to `conn.execute()`"),
    ]


def test_diff_base_counts_uncommitted_and_untracked_files(pull_request, capsys):
    pull_request.write("app/new.py", SHARED)
    pull_request.write("app/shared.py", SHARED.replace("\"SELECT name FROM \" + t",
                                                       "\"SELECT id FROM \" + t"))
    assert [f[:2] for f in _findings(capsys, ".", "--diff-base", "main")] == [
        ("app/new.py", 5), ("app/reports.py", 9), ("app/shared.py", 5), ("app/users.py", 10)]


def test_diff_base_from_a_subdirectory_uses_repo_paths(pull_request, capsys, monkeypatch):
    monkeypatch.chdir(pull_request.root / "app")
    assert [f[:2] for f in _findings(capsys, ".", "--diff-base", "main")] == [
        ("reports.py", 9), ("users.py", 10)]


def test_related_location_on_a_changed_line_keeps_the_finding(tmp_path, monkeypatch, capsys):
    repo = Repo(tmp_path / "r")
    repo.write("q.py", "import sqlite3\n\n\ndef f(conn: sqlite3.Connection, t):\n"
                       "    sql = \"SELECT 1\"\n    return conn.execute(sql)\n")
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("q.py", "import sqlite3\n\n\ndef f(conn: sqlite3.Connection, t):\n"
                       "    sql = \"SELECT 1 FROM \" + t\n    return conn.execute(sql)\n")
    repo.commit("build the SQL from t")
    monkeypatch.chdir(repo.root)
    assert [f[:2] for f in _findings(capsys, ".", "--diff-base", "main")] == [("q.py", 6)]


@pytest.mark.parametrize(("ref", "needle"), [
    ("no-such-branch", "--diff-base: unknown git ref 'no-such-branch'"),
])
def test_bad_diff_base_is_a_usage_error(pull_request, capsys, ref, needle):
    assert main(["check", ".", "--diff-base", ref]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and needle in err[0]


def test_diff_base_outside_git_is_a_usage_error(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.py").write_text("x = 1\n", encoding="utf-8")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert main(["check", ".", "--diff-base", "main"]) == 2
    assert "is not inside a git repository" in capsys.readouterr().err


def test_parse_unified_diff_hunks_renames_deletions_and_quoted_paths():
    text = (
        "diff --git a/old.py b/new.py\n"
        "similarity index 90%\n"
        "rename from old.py\n"
        "rename to new.py\n"
        "--- a/old.py\n"
        "+++ b/new.py\n"
        "@@ -3 +3 @@ def f():\n"
        "-    a\n"
        "+    b\n"
        "@@ -10,0 +11,3 @@\n"
        "+x\n+y\n+z\n"
        "@@ -20,2 +23,0 @@\n"
        "-gone\n-gone\n"
        "diff --git a/gone.py b/gone.py\n"
        "deleted file mode 100644\n"
        "--- a/gone.py\n"
        "+++ /dev/null\n"
        "@@ -1,2 +0,0 @@\n"
        "-a\n-b\n"
        "diff --git \"a/sp ace\\tt.py\" \"b/sp ace\\tt.py\"\n"
        "--- \"a/sp ace\\tt.py\"\n"
        "+++ \"b/sp ace\\tt.py\"\n"
        "@@ -0,0 +1 @@\n"
        "+new\n"
        "diff --git a/caf\u00e9 x.py b/caf\u00e9 x.py\n"
        "--- a/caf\u00e9 x.py\t\n"
        "+++ b/caf\u00e9 x.py\t\n"
        "@@ -5,0 +6,2 @@\n"
        "+p\n+q\n"
    )
    assert parse_unified_diff(text) == {
        "new.py": {3, 11, 12, 13},
        "sp ace\tt.py": {1},
        "caf\u00e9 x.py": {6, 7},
    }


def test_changed_lines_uses_the_merge_base(pull_request):
    changed = changed_lines("main")
    root = pull_request.root.resolve()
    assert changed.merge_base == pull_request.git("merge-base", "main", "HEAD")
    assert {p.relative_to(root).as_posix(): sorted(v) for p, v in changed.lines.items()} == {
        "app/users.py": [1, 7, 8, 9, 10], "app/reports.py": [8, 9]}
