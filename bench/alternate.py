"""Two versions of backendreview against the parse floor, in alternating rounds.

    python bench/alternate.py TREE --src base=/tmp/main/src --src new=/tmp/branch/src \
        [--rounds 5] [--jobs 2] [--select ALL] [--bandit]

Each `--src LABEL=DIR` is a source tree (with `rules/` beside it, as `git archive HEAD src
rules` gives) put first on PYTHONPATH. Every round runs the parse floor and then each
version once (`check TREE --no-cache --jobs N`), so that a change in the machine's load
falls on all of them; the table gives each run's CPU seconds (user + sys of the process and
its workers), the medians, each median over the floor's, and each version over the first
pair by pair. `--bandit` adds `bandit -r TREE` (as bench/run.py runs it) to every round and
each version's median over bandit's (issue 14's second ratio). The load average is printed
before and after. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import _MEASURE, _PARSE_FLOOR


def cpu_seconds(cmd: list[str], env: dict[str, str]) -> float:
    done = subprocess.run([sys.executable, "-c", _MEASURE, *cmd], capture_output=True,
                          text=True, check=False, env=env)
    return float(done.stderr.strip().splitlines()[-1].split()[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", type=Path)
    parser.add_argument("--src", action="append", required=True, metavar="LABEL=DIR")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--select", help="rule selectors passed to check (e.g. ALL); "
                        "default: the configured default rules")
    parser.add_argument("--bandit", action="store_true",
                        help="also run bandit -r TREE in every round (installed bandit)")
    args = parser.parse_args()
    versions = [tuple(s.split("=", 1)) for s in args.src]
    if any(len(v) != 2 or not Path(v[1]).is_dir() for v in versions):
        parser.error("--src takes LABEL=DIR with an existing directory")
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # as bench/run.py: bytecode cached
    tree = str(args.tree.resolve())
    floor_cmd = [sys.executable, "-c", _PARSE_FLOOR, tree, str(args.jobs)]
    review = [sys.executable, "-m", "backendreview", "check", tree, "--format", "json",
              "--output", os.devnull, "--exit-zero", "--no-cache", "--jobs", str(args.jobs)]
    if args.select:
        review += ["--select", args.select]
    envs = {label: {**os.environ, "PYTHONPATH": src} for label, src in versions}
    bandit = shutil.which("bandit", path=str(Path(sys.executable).parent)) or \
        shutil.which("bandit")
    if args.bandit and bandit is None:
        parser.error("--bandit: bandit is not installed")
    bandit_cmd = [str(bandit), "-r", tree, "-q", "-f", "json", "-o", os.devnull]
    print(f"load average before: {os.getloadavg()}")
    for env in envs.values():  # warm-up: page cache and .pyc files
        subprocess.run(review, capture_output=True, check=False, env=env)
    if args.bandit:
        subprocess.run(bandit_cmd, capture_output=True, check=False)
    rows: dict[str, list[float]] = {"parse floor": [], **{label: [] for label in envs}}
    if args.bandit:
        rows["bandit"] = []
    for _ in range(args.rounds):
        rows["parse floor"].append(cpu_seconds(floor_cmd, dict(os.environ)))
        for label, env in envs.items():
            rows[label].append(cpu_seconds(review, env))
        if args.bandit:
            rows["bandit"].append(cpu_seconds(bandit_cmd, dict(os.environ)))
    floor = statistics.median(rows["parse floor"])
    first = versions[0][0]
    for label, cpus in rows.items():
        median = statistics.median(cpus)
        print(f"{label:>12}: " + " ".join(f"{c:6.2f}" for c in cpus) +
              f" | median {median:6.2f} | {median / floor:5.2f}x floor")
    for label in list(envs)[1:]:
        pairs = [b / a for a, b in zip(rows[first], rows[label], strict=True)]
        print(f"{label} / {first} pair by pair: " + " ".join(f"{p:.2f}" for p in pairs) +
              f" (median {statistics.median(pairs):.2f})")
    if args.bandit:
        bandit_median = statistics.median(rows["bandit"])
        for label in envs:
            print(f"{label} / bandit: {statistics.median(rows[label]) / bandit_median:.3f}")
    print(f"load average after: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
