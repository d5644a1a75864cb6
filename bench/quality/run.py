"""Run backendreview (this checkout) over each app of the quality corpus, then score the run.

    python bench/quality/run.py [--score] [--dest /tmp/brq] [--only APP ...] [--half H]

Fetches the apps first (cached, see fetch.py), then runs `backendreview check .` with the
benchmark's rule set (BENCH_RULES below) and JSON output in each app's root, so finding paths
are relative to it, and writes DEST/results/<app>.json. With --score, prints score.py's
table for the run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import DEFAULT_DEST, App, load_corpus, select
from fetch import fetch_all

REPO = Path(__file__).resolve().parents[2]
# The rules measured here: every rule that was on by default when the benchmark was built
# (2026-11-29). A fixed set, not "the default rules", so a rule switched off by default on the
# strength of these figures is still measured and can earn its way back; score.py shows
# which of them are on by default today.
BENCH_RULES = ("BR000,BR101,BR102,BR103,BR104,BR106,BR201,BR202,BR203,BR204,BR205,BR206,"
               "BR208,BR209,BR210,BR211,BR212,BR213,BR301,BR302,BR303,BR304,BR306,BR401,"
               "BR402,BR403,BR501,BR502")


def review(app: App, dest: Path, jobs: int | None) -> int | None:
    """Review one app; return its number of findings, or None when the run failed."""
    out = app.result(dest)
    out.parent.mkdir(parents=True, exist_ok=True)
    # This checkout's source comes first on the path, whatever is installed in the venv.
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    cmd = [sys.executable, "-m", "backendreview", "check", ".", "--format", "json",
           "--output", str(out), "--exit-zero", "--select", BENCH_RULES]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    proc = subprocess.run(cmd, cwd=app.root(dest), env=env, capture_output=True, text=True,
                          check=False)
    if proc.returncode != 0 or not out.exists():
        tail = proc.stderr.strip().splitlines()[-1:] or ["(no output)"]
        print(f"run: {app.name}: backendreview exited {proc.returncode}: {tail[0]}",
              file=sys.stderr)
        return None
    return len(json.loads(out.read_text(encoding="utf-8"))["findings"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dest", type=Path, default=DEFAULT_DEST)
    parser.add_argument("--only", nargs="*", metavar="APP")
    parser.add_argument("--half", choices=("validation", "tuning"))
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--score", action="store_true", help="print the score table after")
    parser.add_argument("--list-unlabelled", action="store_true",
                        help="with --score: list each finding that has no label")
    args = parser.parse_args(argv)
    dest = args.dest.resolve()
    apps = select(load_corpus(), args.only, args.half)
    failed = len(apps) - len(ready := fetch_all(apps, dest))
    for app in ready:
        count = review(app, dest, args.jobs)
        if count is None:
            failed += 1
        else:
            print(f"{app.name:18} {app.half:10} {count:5} findings", file=sys.stderr)
    if args.score:
        import score

        score_args = ["--dest", str(dest)]
        if args.only:
            score_args += ["--only", *args.only]
        if args.half:
            score_args += ["--half", args.half]
        if args.list_unlabelled:
            score_args.append("--list-unlabelled")
        score.main(score_args)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
