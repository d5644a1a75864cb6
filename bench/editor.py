"""Benchmark: what an editor waits for. The flake8 plugin's own time per buffer (engine on
flake8's tree, no second parse), over every file of a tree, in-process.

    PYTHONPATH=src python bench/editor.py PATH

Prints files, findings, total, median, p95 and the slowest file. Run it from the tree's
root so that [tool.backendreview] is found as flake8 would find it.
"""

from __future__ import annotations

import ast
import statistics
import sys
import time
from pathlib import Path

from backendreview.flake8_plugin import Plugin


def main(root: Path) -> None:
    timings: list[tuple[float, str, int]] = []
    findings = 0
    for path in sorted(root.rglob("*.py")):
        try:
            text = path.read_text(encoding="utf-8")
            tree = ast.parse(text)
        except (SyntaxError, UnicodeDecodeError, ValueError):
            continue  # flake8 reports E999 and runs no AST plugin
        lines = text.splitlines(True)
        start = time.perf_counter()
        findings += len(list(Plugin(tree, lines, str(path)).run()))
        timings.append((time.perf_counter() - start, str(path), len(lines)))
    if not timings:
        sys.exit("no Python files")
    seconds = sorted(t for t, _, _ in timings)
    slowest = max(timings)
    print(f"files {len(seconds)}  findings {findings}  total {sum(seconds):.2f}s  "
          f"median {statistics.median(seconds) * 1e3:.1f} ms  "
          f"p95 {seconds[int(0.95 * (len(seconds) - 1))] * 1e3:.1f} ms  "
          f"slowest {slowest[0] * 1e3:.0f} ms ({slowest[1]}, {slowest[2]} lines)")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "."))
