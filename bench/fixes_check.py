"""A mechanical check of fixes and suggestions on real code (issue 13).

    python bench/fixes_check.py [--json] ROOT [ROOT ...]

For each application root: runs `backendreview check . --diff --unsafe-fixes` in it (nothing
is written), applies the printed diff to a scratch copy of the files it touches, and compiles
every edited file; collects the notes of fixes that were dropped. Then reviews the root with
JSON output and checks every suggestion: it must parse, and every name it reads that it does
not bind itself must be bound somewhere in the finding's file (an import, a def, a class, an
assignment, a parameter) or be a builtin. Prints one line per root and each problem found.
"""

from __future__ import annotations

import argparse
import ast
import builtins
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
_TARGET = re.compile(r"^\+\+\+ b/(.+)$", re.MULTILINE)


def _backendreview(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    return subprocess.run([sys.executable, "-m", "backendreview", "check", ".", "--no-cache",
                           *args], cwd=root, env=env, capture_output=True, text=True,
                          check=False)


def check_diff(root: Path) -> dict[str, object]:
    """Apply `--diff --unsafe-fixes` to a scratch copy; every edited file must compile."""
    proc = _backendreview(root, "--diff", "--unsafe-fixes", "--exit-zero")
    if proc.returncode not in (0, 1):
        return {"fixed": 0, "files": 0, "broken": [f"run failed: {proc.stderr.strip()}"],
                "dropped": []}
    diff = proc.stdout
    files = _TARGET.findall(diff)
    dropped = [line for line in proc.stderr.splitlines() if "fix dropped" in line]
    broken: list[str] = []
    with tempfile.TemporaryDirectory(prefix="brfix-") as scratch:
        for name in files:
            (Path(scratch) / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / name, Path(scratch) / name)
        if files:
            patched = subprocess.run(["patch", "-s", "-p1", "-d", scratch], input=diff,
                                     capture_output=True, text=True, check=False)
            if patched.returncode != 0:
                broken.append(f"patch failed: {patched.stdout.strip()} {patched.stderr.strip()}")
        for name in files:
            text = (Path(scratch) / name).read_bytes()
            try:
                compile(text, name, "exec", dont_inherit=True)
            except (SyntaxError, ValueError) as exc:
                broken.append(f"{name}: {exc}")
    fixed = re.search(r"would fix (\d+) finding", proc.stderr)
    return {"fixed": int(fixed[1]) if fixed else 0, "files": len(files), "broken": broken,
            "dropped": dropped}


def _bound(tree: ast.AST) -> set[str]:
    """Every name the module binds anywhere (a loose notion of "in scope in this file")."""
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            out.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            out.add(node.name)
        elif isinstance(node, ast.arg):
            out.add(node.arg)
        elif isinstance(node, ast.alias):
            out.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.ExceptHandler) and node.name:
            out.add(node.name)
    return out


def free_names(code: str) -> set[str]:
    """Names the suggestion reads without binding them itself."""
    tree = ast.parse(code)
    loaded = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)
              and isinstance(n.ctx, ast.Load)}
    return loaded - _bound(tree) - set(dir(builtins))


def check_suggestions(root: Path, results: Path | None) -> dict[str, object]:
    """`results`: a directory of earlier JSON reports (bench/quality/run.py's), one per app
    named without its version; else the root is reviewed here."""
    report = results / f"{root.name.rsplit('-', 1)[0]}.json" if results else None
    if report is not None and report.exists():
        text = report.read_text(encoding="utf-8")
    else:
        proc = _backendreview(root, "--format", "json", "--exit-zero")
        if proc.returncode != 0:
            return {"suggestions": 0, "problems": [f"review failed: {proc.stderr.strip()}"]}
        text = proc.stdout
    findings = json.loads(text)["findings"]
    problems: list[str] = []
    count = 0
    scopes: dict[str, set[str]] = {}
    for finding in findings:
        code = (finding.get("fix") or {}).get("suggestion")
        if not code:
            continue
        count += 1
        where = f"{finding['path']}:{finding['start_line']} {finding['rule']}"
        try:
            names = free_names(code)
        except SyntaxError as exc:
            problems.append(f"{where}: does not parse: {exc.msg}")
            continue
        # In scope: the finding's file and the files its chain goes through (a BR303 fix
        # belongs in the function that builds the query), and what its own edits add.
        visible: set[str] = set()
        for path in {finding["path"], *(r.get("path") or finding["path"]
                                        for r in finding.get("related", []))}:
            if path not in scopes:
                try:
                    # What the file binds, and what it reads (a star import binds names
                    # the file uses without a visible binding).
                    tree = ast.parse((root / path).read_bytes())
                    scopes[path] = _bound(tree) | {n.id for n in ast.walk(tree)
                                                   if isinstance(n, ast.Name)}
                except (OSError, SyntaxError, ValueError):
                    scopes[path] = set()
            visible |= scopes[path]
        for edit in finding["fix"].get("edits", []):
            with contextlib.suppress(SyntaxError):
                visible |= _bound(ast.parse(edit["replacement"]))
        unknown = sorted(names - visible)
        if unknown:
            problems.append(f"{where}: not in scope: {', '.join(unknown)}")
    return {"suggestions": count, "problems": problems}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("roots", nargs="+", type=Path)
    parser.add_argument("--json", action="store_true", help="one JSON object per root")
    parser.add_argument("--results", type=Path, help="reuse these JSON reports")
    args = parser.parse_args(argv)
    bad = 0
    for root in args.roots:
        diff = check_diff(root)
        found = check_suggestions(root, args.results)
        if args.json:
            print(json.dumps({"root": str(root), **diff, **found}))
            continue
        print(f"{root.name}: {diff['fixed']} fixes in {diff['files']} files, "
              f"{len(diff['broken'])} do not compile, {len(diff['dropped'])} dropped; "
              f"{found['suggestions']} suggestions, {len(found['problems'])} with problems")
        for line in [*diff["broken"], *diff["dropped"], *found["problems"]]:  # type: ignore[misc]
            print(f"    {line}")
        bad += len(diff["broken"])  # type: ignore[arg-type]
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
