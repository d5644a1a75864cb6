"""Suppression, per-file-ignores and the rules must stay linear (issue 18): time the shapes
that were quadratic at growing sizes and print seconds and the ratio to the previous size
(about 2 for linear when the size doubles, about 4 for quadratic).

    python bench/scaling.py [--sizes 2500,5000,10000,20000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from backendreview.config import Config
from backendreview.engine import enabled_rules, run


def _noqa_strings(n: int) -> str:
    return "".join(f'x{i} = "a # b"  # noqa: BR101\n' for i in range(n))


def _findings_and_one_noqa(n: int) -> str:
    head = "import requests\n\n\ndef f(url):\n    requests.get(url)  # noqa: BR501\n"
    return head + "".join("    requests.get(url)\n" for _ in range(n))


def _timed(text: str, config_extra: dict | None = None) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "app.py").write_text(text, encoding="utf-8")
        config = Config(root=root, **(config_extra or {}))
        old = Path.cwd()
        os.chdir(root)
        try:
            start = time.perf_counter()
            run([Path(".")], config, jobs=1, rules=enabled_rules(config))
            return time.perf_counter() - start
        finally:
            os.chdir(old)


def _pfi(n: int) -> dict:
    return {"per_file_ignores": tuple((f"pkg{i}/*.py", ("BR1",)) for i in range(n))}


CASES = {
    "noqa on every line with a string": lambda n: (_noqa_strings(n), None),
    "findings plus one noqa": lambda n: (_findings_and_one_noqa(n), None),
    "per-file-ignores globs": lambda n: (_findings_and_one_noqa(200), _pfi(n)),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2500,5000,10000,20000")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    for name, make in CASES.items():
        previous = None
        cells = []
        for n in sizes:
            text, extra = make(n)
            seconds = _timed(text, extra)
            ratio = f" (x{seconds / previous:.1f})" if previous else ""
            cells.append(f"{n}: {seconds:.2f}s{ratio}")
            previous = seconds
        print(f"{name:<36} " + "  ".join(cells), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
