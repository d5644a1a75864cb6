"""Score a quality-benchmark run against the hand labels, per rule and per half.

    python bench/quality/score.py [--dest /tmp/brq] [--only APP ...] [--half H]
                                  [--list-unlabelled] [--stub APP]

Joins DEST/results/<app>.json (from run.py) with labels/<app>.yaml on (path, line, rule), so
a label stays valid when a rule's message changes. For each half and rule it prints
found / true / false / debatable / unlabelled, precision = true / (true + false), and recall
against the misses labelled by reading: recall = true found / (true found + misses not found).
A labelled miss that a finding now matches counts as found (true), not as a miss.
Unlabelled findings are counted and listed, never dropped. `--stub APP` prints YAML entries,
to fill in, for that app's unlabelled findings.

Label file (labels/<app>.yaml):

    findings:
      - {path: pkg/views.py, line: 12, rule: BR101, verdict: "true", why: "one line"}
    misses:
      - {path: pkg/api.py, line: 40, rule: BR102, why: "one line"}

verdict is "true", "false" or "debatable" (unquoted YAML true/false are read the same).
A finding's label may also judge its fix (issue 13): `fix: correct|vague|wrong` with a
`fix_why` line; the report then adds a table of fix verdicts per rule for findings still
reported.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import DEFAULT_DEST, HALVES, LABELS_DIR, App, load_corpus, select

VERDICTS = ("true", "false", "debatable")
FIX_VERDICTS = ("correct", "vague", "wrong")
# The seven concerns the product promises to catch (RULEBOOK): recall is summed over these.
HEADLINE_RULES = ("BR101", "BR102", "BR201", "BR206", "BR301", "BR303", "BR401")

Key = tuple[str, int, str]  # path relative to the app root, 1-based line, rule code


class LabelError(ValueError):
    """A label file that does not follow the format; names the file and the entry."""


@dataclass
class Labels:
    verdicts: dict[Key, str] = field(default_factory=dict)
    misses: set[Key] = field(default_factory=set)
    fixes: dict[Key, str] = field(default_factory=dict)  # the judged fix of a finding


def _verdict(value: object) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if value in VERDICTS else None


def _key(entry: object, where: str) -> Key:
    if not isinstance(entry, dict):
        raise LabelError(f"{where}: expected a mapping with path, line, rule")
    try:
        return str(entry["path"]), int(entry["line"]), str(entry["rule"])
    except (KeyError, TypeError, ValueError) as exc:
        raise LabelError(f"{where}: needs path, line (a number) and rule") from exc


def parse_labels(text: str, source: str) -> Labels:
    data = yaml.safe_load(text) or {}
    labels = Labels()
    for i, entry in enumerate(data.get("findings") or []):
        where = f"{source}: findings[{i}]"
        key = _key(entry, where)
        verdict = _verdict(entry.get("verdict"))
        if verdict is None:
            raise LabelError(f"{where}: verdict must be one of {', '.join(VERDICTS)}")
        if key in labels.verdicts and labels.verdicts[key] != verdict:
            raise LabelError(f"{where}: {key} is labelled twice with different verdicts")
        labels.verdicts[key] = verdict
        if "fix" in entry:
            if entry["fix"] not in FIX_VERDICTS:
                raise LabelError(f"{where}: fix must be one of {', '.join(FIX_VERDICTS)}")
            labels.fixes[key] = entry["fix"]
    for i, entry in enumerate(data.get("misses") or []):
        labels.misses.add(_key(entry, f"{source}: misses[{i}]"))
    return labels


def load_labels(app: str, labels_dir: Path = LABELS_DIR) -> Labels:
    path = labels_dir / f"{app}.yaml"
    if not path.exists():
        return Labels()
    return parse_labels(path.read_text(encoding="utf-8"), str(path))


def load_findings(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["findings"]


@dataclass
class RuleScore:
    found: int = 0
    true: int = 0
    false: int = 0
    debatable: int = 0
    unlabelled: int = 0
    missed: int = 0  # labelled misses that no finding matches

    def add(self, other: RuleScore) -> None:
        for name in ("found", "true", "false", "debatable", "unlabelled", "missed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def precision(self) -> float | None:
        judged = self.true + self.false
        return self.true / judged if judged else None

    @property
    def recall(self) -> float | None:
        known = self.true + self.missed
        return self.true / known if known else None


@dataclass
class AppScore:
    rules: dict[str, RuleScore]
    unlabelled: list[dict]  # the findings themselves, to list
    stale: Counter  # verdicts of labels that no finding matches any more
    fixes: dict[str, Counter] = field(default_factory=dict)  # rule -> fix verdict counts


def score_app(findings: list[dict], labels: Labels) -> AppScore:
    rules: dict[str, RuleScore] = defaultdict(RuleScore)
    fixes: dict[str, Counter] = defaultdict(Counter)
    unlabelled = []
    seen: set[Key] = set()
    for finding in findings:
        key = (finding["path"], finding["start_line"], finding["rule"])
        row = rules[finding["rule"]]
        row.found += 1
        seen.add(key)  # two findings of one rule on one line share one label
        verdict = labels.verdicts.get(key)
        if verdict is None and key in labels.misses:
            verdict = "true"  # a miss labelled by reading that the rule now catches
        if verdict is None:
            row.unlabelled += 1
            unlabelled.append(finding)
        else:
            setattr(row, verdict, getattr(row, verdict) + 1)
        fixes[finding["rule"]][labels.fixes.get(key, "unjudged")] += 1
    for key in labels.misses - seen:
        rules[key[2]].missed += 1
    stale = Counter(v for k, v in labels.verdicts.items() if k not in seen)
    return AppScore(dict(rules), unlabelled, stale, dict(fixes))


def default_off_rules() -> frozenset[str]:
    """Rules measured here that are off by default today (read from this checkout's rule
    docs; empty when the package cannot be imported, e.g. a bare checkout)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
    try:
        from backendreview.metadata import load_rule_docs
    except ImportError:
        return frozenset()
    return frozenset(code for code, doc in load_rule_docs().items() if not doc.default_enabled)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f}%"


def table(rules: dict[str, RuleScore], title: str,
          strict: dict[str, RuleScore] | None = None,
          off: frozenset[str] = frozenset()) -> list[str]:
    """One half's table. `strict`: the same scores over warning and error findings only,
    summed into a last row (notes are where the rules admit weak evidence). `off`: rules off
    by default, marked in their row and left out of the "default rules" row."""
    lines = [f"### {title}", "",
             "| rule | found | true | false | debatable | unlabelled | precision | "
             "missed | recall |",
             "|---|---|---|---|---|---|---|---|---|"]
    total, headline, default = RuleScore(), RuleScore(), RuleScore()
    for code in sorted(rules):
        row = rules[code]
        total.add(row)
        if code in HEADLINE_RULES:
            headline.add(row)
        if code not in off:
            default.add(row)
        shown = f"{code} (off)" if code in off else code
        lines.append(f"| {shown} | {row.found} | {row.true} | {row.false} | {row.debatable} | "
                     f"{row.unlabelled} | {_pct(row.precision)} | {row.missed} | "
                     f"{_pct(row.recall)} |")
    rows = [("all rules", total), ("seven headline concerns", headline)]
    if off:
        rows.append(("rules on by default", default))
    if strict is not None:
        above, headline_above = RuleScore(), RuleScore()
        for code, row in strict.items():
            if code not in off:
                above.add(row)
            if code in HEADLINE_RULES:
                headline_above.add(row)
        # where a user reads the headline rules: what they say above note
        rows.append(("seven headline concerns, warning and error only", headline_above))
        rows.append(("rules on by default, warning and error only" if off
                     else "all rules, warning and error only", above))
    for name, row in rows:
        # misses belong to no severity: recall is shown once, over all findings
        missed, recall = (("—", "—") if name.endswith("only")
                          else (str(row.missed), _pct(row.recall)))
        lines.append(f"| **{name}** | {row.found} | {row.true} | {row.false} | "
                     f"{row.debatable} | {row.unlabelled} | {_pct(row.precision)} | "
                     f"{missed} | {recall} |")
    return lines


def fix_table(fixes: dict[str, Counter], title: str) -> list[str]:
    """Fix verdicts of the findings reported now; `unjudged` = no `fix:` in the label."""
    columns = (*FIX_VERDICTS, "unjudged")
    lines = [f"#### fixes, {title}", "", "| rule | " + " | ".join(columns) + " |",
             "|---|" + "---|" * len(columns)]
    total: Counter = Counter()
    for code in sorted(fixes):
        total.update(fixes[code])
        lines.append(f"| {code} | " + " | ".join(str(fixes[code][c]) for c in columns) + " |")
    lines.append("| **all** | " + " | ".join(str(total[c]) for c in columns) + " |")
    return lines


def loud_table(rules: dict[str, RuleScore], loud: dict[str, RuleScore],
               title: str) -> list[str]:
    """Per rule, the findings at warning and error only, beside what went out at note: how
    precise each rule is where it speaks up, and what its notes hold back (true findings at
    note count as found, not missed, in the table above)."""
    lines = [f"#### warning and error only, per rule, {title}", "",
             "| rule | found | true | false | debatable | precision | at note: true / false "
             "/ debatable |", "|---|---|---|---|---|---|---|"]
    for code in sorted(rules):
        every, above = rules[code], loud.get(code, RuleScore())
        quiet = (every.true - above.true, every.false - above.false,
                 every.debatable - above.debatable)
        lines.append(f"| {code} | {above.found} | {above.true} | {above.false} | "
                     f"{above.debatable} | {_pct(above.precision)} | "
                     + " / ".join(map(str, quiet)) + " |")
    return lines


def stub(findings: list[dict]) -> str:
    out = []
    for f in findings:
        out.append(f"  # {f['message'][:150]}")
        out.append(f"  - {{path: {f['path']}, line: {f['start_line']}, rule: {f['rule']}, "
                   f"verdict: TODO, why: \"\"}}")
    return "\n".join(out)


def report(apps: list[App], dest: Path, labels_dir: Path, list_unlabelled: bool,
           off: frozenset[str] = frozenset()) -> list[str]:
    per_half: dict[str, dict[str, RuleScore]] = {h: defaultdict(RuleScore) for h in HALVES}
    strict: dict[str, dict[str, RuleScore]] = {h: defaultdict(RuleScore) for h in HALVES}
    fixes: dict[str, dict[str, Counter]] = {h: defaultdict(Counter) for h in HALVES}
    lines: list[str] = []
    notes: list[str] = []
    for app in apps:
        result = app.result(dest)
        if not result.exists():
            notes.append(f"- {app.name}: no result at {result} (run run.py first)")
            continue
        findings = load_findings(result)
        labels = load_labels(app.name, labels_dir)
        scored = score_app(findings, labels)
        for code, row in scored.rules.items():
            per_half[app.half][code].add(row)
        for code, counts in scored.fixes.items():
            fixes[app.half][code].update(counts)
        loud = score_app([f for f in findings if f.get("severity") != "note"], labels)
        for code, row in loud.rules.items():
            strict[app.half][code].add(row)
        if scored.unlabelled:
            notes.append(f"- {app.name}: {len(scored.unlabelled)} unlabelled finding(s)")
            if list_unlabelled:
                notes.extend(f"    {f['path']}:{f['start_line']} {f['rule']} {f['message'][:100]}"
                             for f in scored.unlabelled)
        if scored.stale:
            gone = ", ".join(f"{n} {v}" for v, n in sorted(scored.stale.items()))
            notes.append(f"- {app.name}: labelled findings no longer reported: {gone}")
    for half in HALVES:
        names = [a.name for a in apps if a.half == half]
        if names:
            title = f"{half} half ({len(names)} apps: {', '.join(names)})"
            lines += [*table(per_half[half], title, strict[half], off), ""]
            lines += [*loud_table(per_half[half], strict[half], f"{half} half"), ""]
            if any(c[v] for c in fixes[half].values() for v in FIX_VERDICTS):
                lines += [*fix_table(fixes[half], f"{half} half"), ""]
    if notes:
        lines += ["Notes:", *notes]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dest", type=Path, default=DEFAULT_DEST)
    parser.add_argument("--labels", type=Path, default=LABELS_DIR)
    parser.add_argument("--only", nargs="*", metavar="APP")
    parser.add_argument("--half", choices=HALVES)
    parser.add_argument("--list-unlabelled", action="store_true")
    parser.add_argument("--stub", metavar="APP", help="print label entries to fill in")
    args = parser.parse_args(argv)
    dest = args.dest.resolve()
    apps = select(load_corpus(), args.only, args.half)
    try:
        if args.stub:
            (app,) = select(apps, [args.stub], None)
            scored = score_app(load_findings(app.result(dest)), load_labels(app.name, args.labels))
            print(stub(scored.unlabelled))
            return 0
        print("\n".join(report(apps, dest, args.labels, args.list_unlabelled,
                                default_off_rules())))
    except LabelError as exc:
        print(f"score: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
