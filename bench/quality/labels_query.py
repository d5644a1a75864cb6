"""Search the hand labels of ONE half of the quality corpus (tuning unless told otherwise).

    python bench/quality/labels_query.py [--rule BR102] [--verdict false] [--fix wrong]
                                         [--misses] [--app APP ...] [--half tuning|validation]

Prints one line per label entry: `app path:line rule verdict fix — why [fix_why]`. Engineers
study the tuning half only; a `grep -r` over labels/ also prints validation apps' labels and
spoils them, so search here instead. `--half validation` is for triagers and the session lead.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import HALVES, LABELS_DIR, App, load_corpus


def entries(apps: list[App], labels_dir: Path, *,
            misses: bool = False) -> Iterator[tuple[str, dict]]:
    """(app name, label entry) of the apps' findings (or misses), in corpus order."""
    section = "misses" if misses else "findings"
    for app in apps:
        path = labels_dir / f"{app.name}.yaml"
        if not path.exists():
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for entry in data.get(section) or []:
            if isinstance(entry, dict):
                yield app.name, entry


def _verdict(entry: dict) -> str:
    value = entry.get("verdict")
    if isinstance(value, bool):  # an unquoted `true` in YAML
        return "true" if value else "false"
    return str(value) if value is not None else "-"


def matches(entry: dict, rule: str | None, verdict: str | None, fix: str | None) -> bool:
    return ((rule is None or entry.get("rule") == rule)
            and (verdict is None or _verdict(entry) == verdict)
            and (fix is None or entry.get("fix") == fix))


def line(app: str, entry: dict) -> str:
    where = f"{entry.get('path')}:{entry.get('line')}"
    head = f"{app} {where} {entry.get('rule')}"
    if "verdict" in entry:
        head += f" {_verdict(entry)} fix={entry.get('fix', '-')}"
    text = f"{head} — {entry.get('why', '')}"
    if entry.get("fix_why"):
        text += f" [fix: {entry['fix_why']}]"
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", choices=HALVES, default="tuning")
    parser.add_argument("--app", nargs="*", default=None)
    parser.add_argument("--rule")
    parser.add_argument("--verdict", choices=("true", "false", "debatable"))
    parser.add_argument("--fix", choices=("correct", "vague", "wrong"))
    parser.add_argument("--misses", action="store_true", help="search the misses instead")
    parser.add_argument("--labels", type=Path, default=LABELS_DIR)
    args = parser.parse_args(argv)
    apps = [a for a in load_corpus() if a.half == args.half]
    if args.app:
        other = sorted(set(args.app) - {a.name for a in apps})
        if other:
            parser.error(f"not in the {args.half} half: {', '.join(other)}")
        apps = [a for a in apps if a.name in args.app]
    try:
        for app, entry in entries(apps, args.labels, misses=args.misses):
            if matches(entry, args.rule, args.verdict, args.fix):
                print(line(app, entry))
    except BrokenPipeError:  # `| head`: the reader has all it wanted
        sys.stderr.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
