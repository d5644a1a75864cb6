"""Corpus run (issue 15): review a large body of real Python with every rule and check that
the reviewer never fails and reports BR000 exactly on the files this Python's `ast` rejects.

    python bench/corpus_run.py DIR [DIR ...] [--jobs N] [--json out.json]

Each DIR is reviewed as one project (all rules, no excludes but `site-packages/`, .gitignore
not consulted). For every regular *.py / *.pyi file below it, the expected answer is whether
`ast.parse` of its bytes succeeds in this interpreter. The run prints, per DIR and in total:
files, lines, internal errors, crashes, BR000 files, disagreements with ast, and seconds.
Exit status 1 when there is any internal error, crash or disagreement.

Typical corpus (docs/reliability.md): the standard library of every Python under pyenv plus
large packages from the index, unpacked outside the repository:

    pip download --no-deps django sympy homeassistant ... -d /tmp/corpus-dl
    (unpack each wheel / sdist under /tmp/corpus/NAME)
    python bench/corpus_run.py ~/.pyenv/versions/*/lib/python*.* /tmp/corpus/* --jobs 2
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import stat
import sys
import time
import warnings
from pathlib import Path

from backendreview.config import Config
from backendreview.engine import all_rule_ids, run

SUFFIXES = (".py", ".pyi")


def _python_files(root: Path) -> list[Path]:
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != "site-packages")
        for name in filenames:
            if name.endswith(SUFFIXES):
                path = Path(dirpath) / name
                try:
                    if stat.S_ISREG(os.lstat(path).st_mode):
                        out.append(path)
                except OSError:
                    continue
    return out


def _ast_accepts(path: Path) -> tuple[bool, int]:
    """Whether this Python's ast accepts the file, and its number of lines."""
    data = path.read_bytes()
    lines = data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            ast.parse(data, filename=str(path))
        except (SyntaxError, ValueError, RecursionError, MemoryError, UnicodeError):
            return False, lines
    return True, lines


def review_root(root: Path, jobs: int) -> dict:
    root = root.resolve()
    files = _python_files(root)
    expected_reject: set[str] = set()
    lines = 0
    for path in files:
        accepted, count = _ast_accepts(path)
        lines += count
        if not accepted:
            expected_reject.add(path.relative_to(root).as_posix())
    config = Config(root=root, select=("ALL",), exclude=("site-packages/",),
                    respect_gitignore=False)
    rules = tuple(sorted(all_rule_ids()))
    previous = Path.cwd()
    os.chdir(root)
    start = time.perf_counter()
    crash = None
    try:
        result = run([Path(".")], config, jobs=jobs, rules=rules)
    except BaseException as exc:  # a crash of the whole run is what this script looks for
        if isinstance(exc, KeyboardInterrupt):
            raise
        crash = f"{type(exc).__name__}: {exc}"
        result = None
    finally:
        os.chdir(previous)
    seconds = time.perf_counter() - start
    known = {p.relative_to(root).as_posix() for p in files}
    br000 = set() if result is None else {
        f.path for f in result.findings if f.rule_id == "BR000" and f.path in known}
    return {
        "root": str(root), "files": len(files), "lines": lines,
        "reviewed": 0 if result is None else result.files,
        "internal_errors": [] if result is None else result.errors,
        "crash": crash,
        "ast_rejects": len(expected_reject), "br000": len(br000),
        "br000_not_rejected": sorted(br000 - expected_reject),
        "rejected_without_br000": sorted(expected_reject - br000),
        "findings": 0 if result is None else len(result.findings),
        "seconds": round(seconds, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("roots", nargs="+", type=Path)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    args = parser.parse_args(argv)
    rows = []
    for root in args.roots:
        row = review_root(root, args.jobs)
        rows.append(row)
        bad = (len(row["internal_errors"]) + bool(row["crash"])
               + len(row["br000_not_rejected"]) + len(row["rejected_without_br000"]))
        print(f"{row['root']}: {row['files']} files, {row['lines']} lines, "
              f"{len(row['internal_errors'])} internal errors, crash={row['crash']}, "
              f"BR000 {row['br000']} / ast rejects {row['ast_rejects']}, "
              f"{bad} problem(s), {row['seconds']} s", flush=True)
        for item in row["internal_errors"][:5] + row["br000_not_rejected"][:5] + \
                row["rejected_without_br000"][:5]:
            print(f"    {item}", flush=True)
    total = {key: sum(r[key] for r in rows) for key in
             ("files", "lines", "ast_rejects", "br000", "findings", "seconds")}
    total["internal_errors"] = sum(len(r["internal_errors"]) for r in rows)
    total["crashes"] = sum(bool(r["crash"]) for r in rows)
    total["disagreements"] = sum(len(r["br000_not_rejected"]) + len(r["rejected_without_br000"])
                                 for r in rows)
    total["python"] = sys.version.split()[0]
    print("TOTAL " + json.dumps(total), flush=True)
    if args.json:
        args.json.write_text(json.dumps({"total": total, "roots": rows}, indent=2) + "\n",
                             encoding="utf-8")
    failed = total["internal_errors"] or total["crashes"] or total["disagreements"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
