"""Benchmark: backendreview against bandit and ruff on the same tree.

    python bench/run.py PATH [--repeat 5] [--jobs N]

Each tool runs as a whole process, `--repeat` times, after one warm-up run; the table shows
medians of wall time, and the ratio of backendreview's median to each peer's. The parse cost
of the tree (stdlib ast.parse of every file, in-process) is shown as the floor that any
ast-based reviewer pays. Tools that are not installed are skipped.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def _timed(cmd: list[str], repeat: int) -> list[float]:
    subprocess.run(cmd, capture_output=True, check=False)  # warm-up: page cache, imports
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return times


def _tree_stats(tree: Path) -> tuple[int, int, float]:
    files = [p for p in tree.rglob("*.py") if "site-packages" not in p.parts]
    lines = 0
    start = time.perf_counter()
    for path in files:
        data = path.read_bytes()
        lines += data.count(b"\n")
        with contextlib.suppress(SyntaxError, ValueError):
            ast.parse(data)
    return len(files), lines, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=None,
                        help="backendreview worker processes (default: one per CPU)")
    args = parser.parse_args()
    tree = args.tree.resolve()
    exe = Path(sys.executable).parent
    review = [str(exe / "backendreview"), "check", str(tree), "--format", "json",
              "--output", os.devnull, "--exit-zero", "--select", "ALL"]
    if args.jobs:
        review += ["--jobs", str(args.jobs)]
    tools: dict[str, list[str]] = {"backendreview": review}
    bandit = shutil.which("bandit", path=str(exe)) or shutil.which("bandit")
    if bandit:
        tools["bandit"] = [bandit, "-r", str(tree), "-q", "-f", "json", "-o", os.devnull]
    ruff = shutil.which("ruff", path=str(exe)) or shutil.which("ruff")
    if ruff:
        tools["ruff --select ALL"] = [ruff, "check", str(tree), "--select", "ALL",
                                      "--no-cache", "--exit-zero", "-q", "--output-format",
                                      "json"]
        tools["ruff --select S608"] = [ruff, "check", str(tree), "--select", "S608",
                                       "--no-cache", "--exit-zero", "-q", "--output-format",
                                       "json"]
    files, lines, parse = _tree_stats(tree)
    print(f"tree: {tree} ({files} files, {lines} lines); cores: {os.cpu_count()}; "
          f"repeat: {args.repeat}")
    print(f"stdlib ast.parse of every file, one process: {parse:.2f} s")
    medians = {name: statistics.median(_timed(cmd, args.repeat)) for name, cmd in tools.items()}
    ours = medians["backendreview"]
    print()
    print("| tool | median wall s | backendreview / tool |")
    print("|---|---|---|")
    for name, median in medians.items():
        print(f"| {name} | {median:.2f} | {ours / median:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
