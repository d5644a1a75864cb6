"""The program model's cost on a cold run: the same review with and without it, A/B.

    python bench/program_model_cost.py TREE [--pairs 3]

One process, no cache, CPU seconds (user + sys of this process). "without" drops the
`program` fact collector (at whichever level the rules ask for) and gives the project rules
an empty program model, which is what the rules saw before the model existed. Pairs
alternate so that a change in the machine's load falls on both sides; the medians and their
ratio are printed. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

_ONE_RUN = r"""
import os, sys, time
from pathlib import Path
import backendreview.engine as engine
from backendreview.config import Config
if sys.argv[2] == "without":
    import backendreview.analysis.program as program
    from backendreview.analysis.program.model import ProgramModel
    needed = engine.needed_collectors
    engine.needed_collectors = lambda rules: tuple(c for c in needed(rules)
                                                   if not c.startswith("program"))
    program.program_of = lambda facts: ProgramModel([])
    for module in list(sys.modules.values()):
        if module.__name__.startswith("backendreview.checks") and \
                getattr(module, "program_of", None) is not None:
            module.program_of = program.program_of
os.chdir(sys.argv[1])
start = time.process_time()
result = engine.run([Path(".")], Config(root=Path(".")), jobs=1)
print(time.process_time() - start, len(result.findings))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", type=Path)
    parser.add_argument("--pairs", type=int, default=3)
    args = parser.parse_args()
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # as bench/run.py: bytecode cached
    times: dict[str, list[float]] = {"without": [], "with": []}
    for _ in range(args.pairs):
        for mode in ("without", "with"):
            done = subprocess.run([sys.executable, "-c", _ONE_RUN, str(args.tree.resolve()),
                                   mode], capture_output=True, text=True, check=True)
            cpu, findings = done.stdout.split()
            times[mode].append(float(cpu))
            print(f"{mode:8s} {float(cpu):6.2f} CPU s  {findings} findings", flush=True)
    without, with_model = (statistics.median(times[m]) for m in ("without", "with"))
    print(f"\nmedian without {without:.2f} s, with {with_model:.2f} s: "
          f"{(with_model / without - 1) * 100:+.0f}% (goal <= +25%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
