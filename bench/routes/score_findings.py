"""Score the API-design findings (BR206, BR301, BR302, BR303) on the route-accuracy benchmark's
apps against the hand labels in bench/routes/findings/<app>.yaml.

    python bench/routes/score_findings.py [--cache /tmp/backendreview-routes-bench]
                                          [--json DIR] [--save-json DIR] [--app NAME ...]
                                          [--list-unlabelled]

By default each app's cached tree (fetched by run.py) is checked again with this checkout:
`backendreview check . --select BR206,BR301,BR302,BR303 --format json --no-cache` from the
unpacked package root. `--json DIR` reads DIR/<app>.json (that command's output) instead.
Findings join their labels on (path, line, rule) with bench/quality/score.py's loading and
scoring code, so a label stays valid when a message changes. A label file may sample a rule
(`sampled: {BR302: 3}`: every 3rd finding of that rule in the JSON's order is labelled);
the findings left out of the sample are counted as `skipped`, never as unlabelled, and the
"weighted" precision counts each sampled label once per finding it stands for.
For weblate and zou, also quality-benchmark apps, a verdict that differs from
bench/quality/labels/<app>.yaml for the same finding is reported.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
FINDINGS_DIR = HERE / "findings"
RULES = ("BR206", "BR301", "BR302", "BR303")

sys.path.insert(0, str(ROOT / "bench" / "quality"))
import score as quality  # noqa: E402  (bench/quality/score.py: label loading and scoring)


def _routes_bench():
    """bench/routes/run.py (APPS, fetch), under a name of its own: bench/quality has a run.py."""
    spec = importlib.util.spec_from_file_location("routes_bench_run", HERE / "run.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@dataclass
class AppResult:
    rules: dict[str, quality.RuleScore]
    skipped: Counter  # rule -> findings outside the labelled sample
    weights: dict[str, float]  # rule -> findings each sampled label stands for
    fixes: dict[str, Counter] = field(default_factory=dict)
    unlabelled: list[dict] = field(default_factory=list)
    disagreements: list[str] = field(default_factory=list)
    # The same score over the findings that are not notes: notes are where the rules admit
    # weak evidence, and the quality benchmark's precision leaves them out too.
    loud: dict[str, quality.RuleScore] = field(default_factory=dict)


def parse_sampling(text: str, source: str) -> dict[str, int]:
    """The `sampled:` mapping of a label file: rule -> k (every k-th finding is labelled)."""
    data = yaml.safe_load(text) or {}
    sampled = data.get("sampled") or {}
    if not isinstance(sampled, dict) or not all(
            isinstance(k, int) and not isinstance(k, bool) and k >= 1 for k in sampled.values()):
        raise quality.LabelError(f"{source}: sampled must map rules to whole numbers >= 1")
    return {str(rule): k for rule, k in sampled.items()}


def in_sample(findings: list[dict], sampled: dict[str, int]) -> tuple[list[dict], Counter]:
    """The findings a label file covers: for a sampled rule, its 1st, (k+1)-th, ... finding."""
    kept: list[dict] = []
    skipped: Counter = Counter()
    nth: Counter = Counter()
    for finding in findings:
        rule = finding["rule"]
        k = sampled.get(rule, 1)
        if nth[rule] % k == 0:
            kept.append(finding)
        else:
            skipped[rule] += 1
        nth[rule] += 1
    return kept, skipped


def disagreements(labels: quality.Labels, other: quality.Labels, where: str) -> list[str]:
    """Findings both files label, with different verdicts."""
    out = []
    for key in sorted(labels.verdicts.keys() & other.verdicts.keys()):
        if labels.verdicts[key] != other.verdicts[key]:
            path, line, rule = key
            out.append(f"{where}: {path}:{line} {rule} is {labels.verdicts[key]} here, "
                       f"{other.verdicts[key]} there")
    return out


def score_app(findings: list[dict], text: str, source: str,
              quality_labels: quality.Labels | None = None) -> AppResult:
    labels = quality.parse_labels(text, source)
    kept, skipped = in_sample(findings, parse_sampling(text, source))
    scored = quality.score_app(kept, labels)
    weights = {rule: (row.found + skipped[rule]) / row.found if row.found else 1.0
               for rule, row in scored.rules.items()}
    found_all = Counter(f["rule"] for f in findings)
    for rule, row in scored.rules.items():
        row.found = found_all[rule]
    other = [] if quality_labels is None else disagreements(
        labels, quality_labels, f"{source} vs bench/quality/labels")
    loud = quality.score_app([f for f in kept if f.get("severity") != "note"], labels).rules
    return AppResult(scored.rules, skipped, weights, scored.fixes, scored.unlabelled, other,
                     loud)


def run_check(name: str, cache: Path, bench) -> list[dict]:
    source = bench.fetch(name, cache)
    done = subprocess.run(
        [sys.executable, "-m", "backendreview", "check", ".", "--select", ",".join(RULES),
         "--format", "json", "--no-cache"],
        cwd=source, capture_output=True, text=True, check=False,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"})
    if done.returncode not in (0, 1):
        raise SystemExit(f"{name}: backendreview check failed: {done.stderr[-500:]}")
    return json.loads(done.stdout)["findings"]


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f}%"


def report(results: dict[str, AppResult], list_unlabelled: bool) -> list[str]:
    lines = ["| app | rule | found | skipped | true | false | debatable | unlabelled | precision |",
             "|---|---|---|---|---|---|---|---|---|"]
    totals: dict[str, quality.RuleScore] = defaultdict(quality.RuleScore)
    loud: dict[str, quality.RuleScore] = defaultdict(quality.RuleScore)
    weighted: dict[str, Counter] = defaultdict(Counter)
    fixes: dict[str, Counter] = defaultdict(Counter)
    skipped: Counter = Counter()
    notes: list[str] = []
    for app, result in results.items():
        for rule in sorted(result.rules):
            row = result.rules[rule]
            totals[rule].add(row)
            if rule in result.loud:
                loud[rule].add(result.loud[rule])
            skipped[rule] += result.skipped[rule]
            for verdict in quality.VERDICTS:
                weighted[rule][verdict] += getattr(row, verdict) * result.weights[rule]
            lines.append(f"| {app} | {rule} | {row.found} | {result.skipped[rule]} | "
                         f"{row.true} | {row.false} | {row.debatable} | {row.unlabelled} | "
                         f"{_pct(row.precision)} |")
        for rule, counts in result.fixes.items():
            fixes[rule].update(counts)
        if result.unlabelled:
            notes.append(f"- {app}: {len(result.unlabelled)} unlabelled finding(s)")
            if list_unlabelled:
                notes.extend(f"    {f['path']}:{f['start_line']} {f['rule']} {f['message'][:100]}"
                             for f in result.unlabelled)
        notes.extend(f"- {line}" for line in result.disagreements)
    lines += ["", "| rule | found | skipped | true | false | debatable | unlabelled | precision | "
              "weighted precision | without notes (true / false) |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    everything = quality.RuleScore()
    for rule in sorted(totals):
        row = totals[rule]
        everything.add(row)
        judged = weighted[rule]["true"] + weighted[rule]["false"]
        share = weighted[rule]["true"] / judged if judged else None
        lines.append(f"| {rule} | {row.found} | {skipped[rule]} | {row.true} | {row.false} | "
                     f"{row.debatable} | {row.unlabelled} | {_pct(row.precision)} | "
                     f"{_pct(share)} | {_pct(loud[rule].precision)} ({loud[rule].true} / "
                     f"{loud[rule].false}) |")
    lines.append(f"| **all** | {everything.found} | {sum(skipped.values())} | {everything.true} | "
                 f"{everything.false} | {everything.debatable} | {everything.unlabelled} | "
                 f"{_pct(everything.precision)} | | |")
    lines += ["", *quality.fix_table(dict(fixes), "labelled findings")]
    if notes:
        lines += ["", "Notes:", *notes]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=Path("/tmp/backendreview-routes-bench"))
    parser.add_argument("--json", type=Path, metavar="DIR", help="read DIR/<app>.json, run nothing")
    parser.add_argument("--save-json", type=Path, metavar="DIR", help="write each run's findings")
    parser.add_argument("--app", nargs="*", metavar="NAME")
    parser.add_argument("--list-unlabelled", action="store_true")
    args = parser.parse_args(argv)
    names = args.app or sorted(p.stem for p in FINDINGS_DIR.glob("*.yaml"))
    bench = None if args.json else _routes_bench()
    results: dict[str, AppResult] = {}
    try:
        for name in names:
            label_file = FINDINGS_DIR / f"{name}.yaml"
            if not label_file.is_file():
                print(f"score_findings: no labels at {label_file}", file=sys.stderr)
                return 2
            if args.json:
                findings = quality.load_findings(args.json / f"{name}.json")
            else:
                findings = run_check(name, args.cache, bench)
            if args.save_json:
                args.save_json.mkdir(parents=True, exist_ok=True)
                (args.save_json / f"{name}.json").write_text(
                    json.dumps({"findings": findings}, indent=1), encoding="utf-8")
            known = quality.LABELS_DIR / f"{name}.yaml"
            results[name] = score_app(findings, label_file.read_text(encoding="utf-8"),
                                      str(label_file.relative_to(ROOT)),
                                      quality.load_labels(name) if known.is_file() else None)
    except (quality.LabelError, OSError, KeyError, json.JSONDecodeError) as exc:
        print(f"score_findings: {exc}", file=sys.stderr)
        return 2
    print("\n".join(report(results, args.list_unlabelled)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
