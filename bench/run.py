"""Benchmark: backendreview cold and warm against the parse floor, bandit, ruff and flake8.

    python bench/run.py                 # the pinned corpus (bench/corpus.py), downloaded once
    python bench/run.py PATH [PATH...]  # your own trees
    options: --repeat 5  --jobs 2  --only pretix  --scaling  --startup

Every measure is a whole process, run `--repeat` times after one warm-up run; the tables
show medians of wall time and the ratios the performance goals are stated in. The parse
floor is a process that only reads and `ast.parse`s every file, with the same number of
workers. Tools that are not installed are skipped (`pip install bandit ruff flake8`). The
flake8 start-up baseline uses a separate virtualenv with flake8 alone, made once under the
corpus directory. Nothing here asserts a time: it prints numbers.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import DEFAULT_DEST, fetch

EXE = Path(sys.executable).parent

# A process that only parses: what any ast-based reviewer pays at least.
_PARSE_FLOOR = r"""
import ast, sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

def parse(path):
    try:
        ast.parse(Path(path).read_bytes())
    except (SyntaxError, ValueError):
        pass
    return 0

if __name__ == "__main__":
    files = sorted(str(p) for p in Path(sys.argv[1]).rglob("*.py"))
    jobs = int(sys.argv[2])
    if jobs == 1:
        for f in files:
            parse(f)
    else:
        with ProcessPoolExecutor(jobs) as pool:
            list(pool.map(parse, files, chunksize=16))
"""

# "peak RSS KiB of the largest process, CPU seconds of all of them" for one command, printed
# on stderr's last line. CPU time is the robust number on a shared machine: wall time there
# also measures the neighbours.
_MEASURE = r"""
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(usage.ru_maxrss, usage.ru_utime + usage.ru_stime, file=sys.stderr)
"""


class Timing(tuple):
    """(median wall s, peak RSS MiB, median CPU s)."""

    wall = property(lambda self: self[0])
    rss = property(lambda self: self[1])
    cpu = property(lambda self: self[2])


def timed(cmd: list[str], repeat: int) -> Timing:
    """Medians of `repeat` runs after a warm-up run (page cache, .pyc files)."""
    subprocess.run(cmd, capture_output=True, check=False)
    times, cpus, peak = [], [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", _MEASURE, *cmd], capture_output=True,
                              text=True, check=False)
        times.append(time.perf_counter() - start)
        fields = done.stderr.strip().splitlines()[-1].split() if done.stderr.strip() else []
        if len(fields) == 2:
            peak = max(peak, int(fields[0]) // 1024)
            cpus.append(float(fields[1]))
    return Timing((statistics.median(times), peak,
                   statistics.median(cpus) if cpus else float("nan")))


def tool(name: str) -> str | None:
    return shutil.which(name, path=str(EXE)) or shutil.which(name)


def tree_stats(tree: Path) -> tuple[int, int]:
    files = list(tree.rglob("*.py"))
    lines = sum(p.read_bytes().count(b"\n") for p in files)
    return len(files), lines


def bench_tree(name: str, tree: Path, repeat: int, jobs: int) -> dict[str, Timing]:
    files, lines = tree_stats(tree)
    print(f"\n## {name}: {tree} ({files} files, {lines / 1000:.0f} kLOC); cores: "
          f"{os.cpu_count()}; repeat: {repeat}\n")
    review = [str(EXE / "backendreview"), "check", str(tree), "--format", "json",
              "--output", os.devnull, "--exit-zero"]
    cache = Path(tempfile.mkdtemp(prefix="br-bench-cache-"))
    ruff_cache = Path(tempfile.mkdtemp(prefix="br-bench-ruff-"))
    runs: dict[str, Timing] = {}
    runs["parse floor, 1 process"] = timed([sys.executable, "-c", _PARSE_FLOOR, str(tree),
                                            "1"], repeat)
    runs[f"parse floor, {jobs} workers"] = timed(
        [sys.executable, "-c", _PARSE_FLOOR, str(tree), str(jobs)], repeat)
    runs["backendreview cold, 1 process"] = timed([*review, "--no-cache", "--jobs", "1"],
                                                  repeat)
    runs[f"backendreview cold, {jobs} workers"] = timed(
        [*review, "--no-cache", "--jobs", str(jobs)], repeat)
    warm = [*review, "--jobs", str(jobs), "--cache-dir", str(cache)]
    runs["backendreview warm (cached)"] = timed(warm, repeat)
    bandit = tool("bandit")
    if bandit:
        runs["bandit -r (default)"] = timed([bandit, "-r", str(tree), "-q", "-f", "json",
                                             "-o", os.devnull], max(1, repeat // 2))
    ruff = tool("ruff")
    if ruff:
        base = [ruff, "check", str(tree), "--select", "ALL", "--statistics", "--exit-zero",
                "-q"]
        runs["ruff --select ALL, no cache"] = timed([*base, "--no-cache"], repeat)
        runs["ruff --select ALL, cached"] = timed([*base, "--cache-dir", str(ruff_cache)],
                                                 repeat)
    flake8 = tool("flake8")
    if flake8:
        runs[f"flake8 (default, {jobs} jobs, BR plugin on)"] = timed(
            [flake8, str(tree), "--jobs", str(jobs), "--exit-zero"], max(1, repeat // 2))
    shutil.rmtree(cache, ignore_errors=True)
    shutil.rmtree(ruff_cache, ignore_errors=True)
    print("| measure | median wall s | median CPU s | peak RSS MiB |")
    print("|---|---|---|---|")
    for label, run in runs.items():
        print(f"| {label} | {run.wall:.2f} | {run.cpu:.2f} | {run.rss} |")
    ratios = [
        (f"cold {jobs} workers / parse floor {jobs} workers", f"backendreview cold, {jobs} "
         f"workers", f"parse floor, {jobs} workers", "<= 3"),
        ("cold 1 process / bandit", "backendreview cold, 1 process", "bandit -r (default)",
         "<= 0.25"),
        (f"cold {jobs} workers / bandit", f"backendreview cold, {jobs} workers",
         "bandit -r (default)", "<= 0.25"),
        ("warm / ruff cached", "backendreview warm (cached)", "ruff --select ALL, cached",
         "<= 1"),
    ]
    print("\n| ratio | wall | CPU | goal |")
    print("|---|---|---|---|")
    for label, ours, theirs, goal in ratios:
        if ours in runs and theirs in runs:
            print(f"| {label} | {runs[ours].wall / runs[theirs].wall:.2f} | "
                  f"{runs[ours].cpu / runs[theirs].cpu:.2f} | {goal} |")
    edit = edited_file_run(tree, review, jobs)
    if edit is not None:
        print(f"\nafter editing one file (the largest), re-run: {edit:.2f} s wall")
    return runs


def edited_file_run(tree: Path, review: list[str], jobs: int) -> float | None:
    """A warm run after appending a comment to the largest file (restored afterwards)."""
    files = sorted(tree.rglob("*.py"), key=lambda p: p.stat().st_size)
    if not files:
        return None
    target = files[-1]
    original = target.read_bytes()
    cache = Path(tempfile.mkdtemp(prefix="br-bench-cache-"))
    cmd = [*review, "--jobs", str(jobs), "--cache-dir", str(cache)]
    try:
        subprocess.run(cmd, capture_output=True, check=False)
        target.write_bytes(original + b"\n# edited by the benchmark\n")
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=False)
        return time.perf_counter() - start
    finally:
        target.write_bytes(original)
        shutil.rmtree(cache, ignore_errors=True)


def startup(repeat: int, dest: Path) -> None:
    """`backendreview --version`, the plugin's import, and flake8 --select E on one file
    with and without backendreview installed."""
    print("\n## start-up\n")
    sample = Path(__file__).resolve()
    rows = {
        "backendreview --version": timed([str(EXE / "backendreview"), "--version"], repeat),
        "import backendreview.flake8_plugin": timed(
            [sys.executable, "-c", "import backendreview.flake8_plugin"], repeat),
    }
    flake8 = tool("flake8")
    bare = _bare_flake8(dest)
    if flake8:
        rows["flake8 --select E one file, backendreview installed"] = timed(
            [flake8, "--select", "E", str(sample), "--exit-zero"], repeat)
    if bare:
        rows["flake8 --select E one file, flake8 alone"] = timed(
            [bare, "--select", "E", str(sample), "--exit-zero"], repeat)
    print("| measure | median wall s | median CPU s |")
    print("|---|---|---|")
    for label, run in rows.items():
        print(f"| {label} | {run.wall:.3f} | {run.cpu:.3f} |")
    with_br = rows.get("flake8 --select E one file, backendreview installed")
    alone = rows.get("flake8 --select E one file, flake8 alone")
    if with_br and alone:
        print(f"\nflake8 with / without backendreview: wall {with_br.wall / alone.wall:.2f}, "
              f"CPU {with_br.cpu / alone.cpu:.2f} (goal <= 1.5)")


def _bare_flake8(dest: Path) -> str | None:
    venv = dest / "flake8-alone"
    exe = venv / "bin" / "flake8"
    if not exe.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=False)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "flake8"],
                       capture_output=True, check=False)
    return str(exe) if exe.exists() else None


def scaling(tree: Path, dest: Path, jobs: int, repeat: int) -> None:
    """Cold time on 4 growing prefixes of one tree: linear in the number of files?"""
    files = sorted(tree.rglob("*.py"))
    print(f"\n## scaling on {tree.name} ({jobs} workers, cold)\n")
    print("| files | kLOC | median wall s | median CPU s | CPU s per 1,000 files | peak RSS MiB |")
    print("|---|---|---|---|---|---|")
    for quarter in (1, 2, 3, 4):
        subset = files[: len(files) * quarter // 4]
        target = dest / f"scale-{tree.name}-{quarter}"
        if not target.exists():
            for path in subset:
                out = target / path.relative_to(tree)
                out.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, out)
        lines = sum(p.read_bytes().count(b"\n") for p in subset)
        run = timed([str(EXE / "backendreview"), "check", str(target), "--no-cache",
                     "--jobs", str(jobs), "--format", "json", "--output", os.devnull,
                     "--exit-zero"], repeat)
        print(f"| {len(subset)} | {lines / 1000:.0f} | {run.wall:.2f} | {run.cpu:.2f} | "
              f"{run.cpu / len(subset) * 1000:.2f} | {run.rss} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trees", type=Path, nargs="*")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--dest", type=Path, default=DEFAULT_DEST,
                        help="where the corpus is downloaded (outside the repository)")
    parser.add_argument("--only", action="append", help="corpus entries to run (by name)")
    parser.add_argument("--scaling", action="store_true",
                        help="also time 4 growing parts of the first tree")
    parser.add_argument("--startup", action="store_true", help="only the start-up measures")
    args = parser.parse_args()
    # Every tool measured here is timed as installed, with its bytecode cached: the warm-up
    # run writes the .pyc files. An environment with PYTHONDONTWRITEBYTECODE set (this
    # project's shared sessions have it) would make every Python tool (backendreview,
    # bandit, flake8; not ruff) compile its modules from source on every run.
    if os.environ.pop("PYTHONDONTWRITEBYTECODE", None) is not None:
        print("note: PYTHONDONTWRITEBYTECODE unset for the measured processes")
    startup(args.repeat, args.dest)
    if args.startup:
        return 0
    if args.trees:
        trees = {t.name: t.resolve() for t in args.trees}
    else:
        trees = fetch(args.dest)
        if args.only:
            trees = {k: v for k, v in trees.items() if k in args.only}
    for name, tree in trees.items():
        bench_tree(name, tree, args.repeat, args.jobs)
    if args.scaling and trees:
        scaling(next(iter(trees.values())), args.dest, args.jobs, max(1, args.repeat // 2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
