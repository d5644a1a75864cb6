"""Score SQL-injection detectors on a peer's annotated test suite (issue 17, item 6).

    python bench/peer_sqli.py SUITE_DIR --preset semgrep-rules [--rule-ids ID,...]
        [--tools backendreview,bandit,ruff] [--unknown-origins] [--details TOOL] [--json]

SUITE_DIR holds test files annotated the way semgrep's rule tests are (`# ruleid: <id>` /
`# ok: <id>` on a line of its own, about the code line after it). Only annotations whose rule
id is one of the SQL-injection ids given (`--rule-ids`, or a `--preset`) make cases:
`ruleid:` / `todoruleid:` mark a line that must be reported, `ok:` / `todook:` one that must
not (the `todo` forms record what the peer's rule gets wrong today, not what the code is,
so they count by what they say the code is).

Each tool runs once over the directory: backendreview with `--select BR101` (this checkout's
code), bandit with B608/B610/B611 and ruff with `--select S608` when they are installed (next
to this Python or on PATH). A finding answers a case when its line lies in the statement that
starts on the case's line (a call whose SQL argument starts on a later line, or a whole
`def` when the annotation sits on it, as semgrep's match ranges do). Per tool the table gives
found % (ruleid cases answered), wrong % (ok cases answered) and the findings that answer no
case at all (lines nobody annotated). Output is sorted and byte-identical run to run.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# The SQL-injection rules of semgrep/semgrep-rules whose python tests the suite holds (see
# docs/quality.md, "Peer SQL-injection suite"). The two audit rules that flag an API whatever
# its arguments (`avoid-query-set-extra`, `avoid-sqlalchemy-text`) are not in it: their
# `ruleid` cases include `Entry.objects.filter().extra()`, which injects nothing.
PRESETS: dict[str, tuple[str, ...]] = {
    "semgrep-rules": (
        "aiopg-sqli", "asyncpg-sqli", "formatted-sql-query", "mysql-sqli", "pg8000-sqli",
        "psycopg-sqli", "pymssql-sqli", "pymysql-sqli", "pyramid-sqlalchemy-sql-injection",
        "sql-injection-db-cursor-execute", "sql-injection-using-extra-where",
        "sql-injection-using-raw", "sql-injection-using-rawsql",
        "sqlalchemy-distinct-sql-injection", "sqlalchemy-execute-raw-query",
        "sqlalchemy-filter-sql-injection", "sqlalchemy-groupby-sql-injection",
        "sqlalchemy-having-sql-injection", "sqlalchemy-orderby-sql-injection",
        "sqlalchemy-sql-injection", "sqlalchemy-sqli", "sqlite3-sqli", "tainted-sql-string",
    ),
}

TOOLS = ("backendreview", "bandit", "ruff")
MATCHES = ("statement", "region")
BANDIT_TESTS = "B608,B610,B611"  # SQL built as a string; Django extra(); Django RawSQL()

# semgrep's grammar (src/osemgrep/cli_test/Test_annotation.ml): a comment alone on its line,
# an optional pro/deep engine prefix, the kind, a colon, comma-separated rule ids. Anything
# after code on the same line is not an annotation, and neither is a bare `# ok`.
_KIND = re.compile(r"^(?:pro|deep)?(ruleid|ok|todoruleid|todook):(.*)$")
POSITIVE_KINDS = frozenset({"ruleid", "todoruleid"})


@dataclass(frozen=True, order=True)
class Annotation:
    path: str  # relative to the suite directory, with forward slashes
    line: int  # the annotation comment's own line
    kind: str  # ruleid, ok, todoruleid or todook
    rule_id: str


@dataclass(frozen=True, order=True)
class Case:
    path: str
    line: int  # the annotated code line
    end_line: int  # last line of the statement that starts there
    positive: bool  # must be reported (ruleid / todoruleid)
    kinds: tuple[str, ...]
    rule_ids: tuple[str, ...]


@dataclass(frozen=True, order=True)
class Hit:
    path: str
    line: int


@dataclass(frozen=True)
class Score:
    tool: str
    found: tuple[Case, ...]
    missed: tuple[Case, ...]
    wrong: tuple[Case, ...]
    clean: tuple[Case, ...]
    unannotated: tuple[Hit, ...]


def parse_annotations(text: str, path: str) -> list[Annotation]:
    """The semgrep test annotations of one file, in line order."""
    found: list[Annotation] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped.startswith("#"):
            continue
        rest = stripped[1:].strip()
        match = _KIND.match(rest)
        if match is None:
            continue
        kind, rest = match.group(1), match.group(2).strip()
        # `ruleid: prook: x` — later kinds only negate for another engine; the first decides.
        while (more := _KIND.match(rest)) is not None:
            rest = more.group(2).strip()
        for rule_id in (part.strip() for part in rest.split(",")):
            if rule_id and not any(ch.isspace() for ch in rule_id):
                found.append(Annotation(path, number, kind, rule_id))
    return found


def _is_code(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def target_line(lines: Sequence[str], annotation_line: int) -> int | None:
    """The code line an annotation is about: the next line that is neither blank nor a
    comment (semgrep takes the very next line; in the suites both agree, and stacked
    annotations then share their line)."""
    for number in range(annotation_line + 1, len(lines) + 1):
        if _is_code(lines[number - 1]):
            return number
    return None


def _parse(text: str) -> ast.Module | None:
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError):
        return None


def statement_ends(tree: ast.Module | None) -> dict[int, int]:
    """For each line on which a statement starts, the last line of the outermost one."""
    ends: dict[int, int] = {}
    for node in ast.walk(tree) if tree is not None else ():
        if isinstance(node, ast.stmt):
            end = node.end_lineno or node.lineno
            ends[node.lineno] = max(ends.get(node.lineno, node.lineno), end)
    return ends


def function_spans(tree: ast.Module | None) -> list[tuple[int, int]]:
    return sorted((node.lineno, node.end_lineno or node.lineno)
                  for node in (ast.walk(tree) if tree is not None else ())
                  if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)))


def widen_to_regions(cases: list[Case], functions: Sequence[tuple[int, int]],
                     last_line: int) -> list[Case]:
    """The loose `region` match: a case also owns the lines after its statement, up to the
    next case of the file, without leaving its innermost function. It credits a finding at the
    call that runs SQL built on the annotated line, and one on the sink when the peer
    annotated the source; it is for comparison with looser counts, not the headline."""
    widened = []
    for index, case in enumerate(cases):
        limit = cases[index + 1].line - 1 if index + 1 < len(cases) else last_line
        inside = [end for start, end in functions if start < case.line <= end]
        if inside:
            limit = min(limit, min(inside))
        widened.append(Case(case.path, case.line, max(case.end_line, limit), case.positive,
                            case.kinds, case.rule_ids))
    return widened


def cases_of_file(text: str, path: str, rule_ids: frozenset[str],
                  match: str = "statement") -> list[Case]:
    lines = text.splitlines()
    tree = _parse(text)
    ends = statement_ends(tree)
    grouped: dict[int, list[Annotation]] = {}
    for annotation in parse_annotations(text, path):
        if annotation.rule_id not in rule_ids:
            continue
        line = target_line(lines, annotation.line)
        if line is not None:
            grouped.setdefault(line, []).append(annotation)
    cases = []
    for line, on_line in sorted(grouped.items()):
        kinds = tuple(sorted({a.kind for a in on_line}))
        cases.append(Case(
            path=path, line=line, end_line=ends.get(line, line),
            positive=any(kind in POSITIVE_KINDS for kind in kinds), kinds=kinds,
            rule_ids=tuple(sorted({a.rule_id for a in on_line}))))
    if match == "region":
        return widen_to_regions(cases, function_spans(tree), len(lines))
    return cases


def suite_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if p.is_file())


def relative(root: Path, path: str | Path) -> str:
    """A reported path, relative to the suite. A saved report may have been written from
    another directory: its path then names a suite file by its tail."""
    given = Path(path)
    resolved = given if given.is_absolute() else (Path.cwd() / given)
    try:
        return resolved.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        pass
    parts = given.parts
    for start in range(len(parts)):
        tail = Path(*parts[start:])
        if (root / tail).is_file():
            return tail.as_posix()
    return given.as_posix()


def collect_cases(root: Path, rule_ids: Iterable[str], match: str = "statement") -> list[Case]:
    wanted = frozenset(rule_ids)
    cases: list[Case] = []
    for file in suite_files(root):
        text = file.read_text(encoding="utf-8", errors="replace")
        cases.extend(cases_of_file(text, relative(root, file), wanted, match))
    return cases


def score(tool: str, cases: Sequence[Case], hits: Iterable[Hit]) -> Score:
    """Match findings to cases: a hit answers every case whose statement holds its line."""
    hits = sorted(set(hits))
    by_path: dict[str, list[Case]] = {}
    for case in cases:
        by_path.setdefault(case.path, []).append(case)
    answered: set[Case] = set()
    unannotated: list[Hit] = []
    for hit in hits:
        inside = [c for c in by_path.get(hit.path, ()) if c.line <= hit.line <= c.end_line]
        answered.update(inside)
        if not inside:
            unannotated.append(hit)
    ordered = sorted(cases)
    return Score(
        tool=tool,
        found=tuple(c for c in ordered if c.positive and c in answered),
        missed=tuple(c for c in ordered if c.positive and c not in answered),
        wrong=tuple(c for c in ordered if not c.positive and c in answered),
        clean=tuple(c for c in ordered if not c.positive and c not in answered),
        unannotated=tuple(unannotated))


# --- the tools -------------------------------------------------------------------------------


def hits_from_backendreview(report: dict, root: Path) -> list[Hit]:
    return [Hit(relative(root, f["path"]), int(f["start_line"]))
            for f in report.get("findings", []) if f.get("rule") == "BR101"]


def hits_from_bandit(report: dict, root: Path) -> list[Hit]:
    return [Hit(relative(root, r["filename"]), int(r["line_number"]))
            for r in report.get("results", [])]


def hits_from_ruff(report: list, root: Path) -> list[Hit]:
    return [Hit(relative(root, d["filename"]), int(d["location"]["row"]))
            for d in report if d.get("code") == "S608"]


def hits_from_report(tool: str, file: Path, root: Path) -> list[Hit]:
    report = json.loads(file.read_text(encoding="utf-8"))
    if tool == "backendreview":
        return hits_from_backendreview(report, root)
    return hits_from_bandit(report, root) if tool == "bandit" else hits_from_ruff(report, root)


def _executable(name: str) -> str | None:
    beside = Path(sys.executable).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which(name)


def _run(argv: list[str], env: dict[str, str] | None = None) -> str:
    done = subprocess.run(argv, capture_output=True, text=True, check=False, env=env)
    if not done.stdout.strip():
        raise RuntimeError(f"{argv[0]} produced no report (exit {done.returncode}): "
                           f"{done.stderr.strip()[:300]}")
    return done.stdout


def run_backendreview(root: Path, unknown_origins: bool) -> list[Hit]:
    with tempfile.TemporaryDirectory(prefix="peer-sqli-") as scratch:
        # The suite is reviewed as a project of its own, in a copy with an explicit
        # configuration at its root: nothing near the suite changes what runs, and the path
        # policies (test code, examples) see suite-relative paths, not where the copy lives.
        copy = Path(scratch) / "project"
        for file in suite_files(root):
            target = copy / file.relative_to(root)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(file, target)
        config = copy / ".backendreview.toml"
        options = "\n[tool.backendreview.rules.BR101]\nunknown-origins = true\n"
        config.write_text("[tool.backendreview]\nseverity = \"note\"\n"
                          + (options if unknown_origins else ""))
        env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
        out = _run([sys.executable, "-m", "backendreview", "check", str(copy), "--select",
                    "BR101", "--format", "json", "--no-cache", "--exit-zero", "--jobs", "1",
                    "--config", str(config)], env=env)
        return hits_from_backendreview(json.loads(out), copy)


def run_bandit(root: Path, executable: str) -> list[Hit]:
    out = _run([executable, "-r", str(root), "-f", "json", "-q", "-t", BANDIT_TESTS])
    return hits_from_bandit(json.loads(out), root)


def run_ruff(root: Path, executable: str) -> list[Hit]:
    out = _run([executable, "check", "--isolated", "--no-cache", "--exit-zero", "--select", "S608",
                "--output-format", "json", str(root)])
    return hits_from_ruff(json.loads(out), root)


# --- the report ------------------------------------------------------------------------------


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "n/a"


def tool_label(tool: str, unknown_origins: bool) -> str:
    if tool == "backendreview":
        return "backendreview BR101" + (" (unknown-origins)" if unknown_origins else "")
    return {"bandit": f"bandit {BANDIT_TESTS}", "ruff": "ruff S608"}.get(tool, tool)


def markdown_table(scores: Sequence[Score], labels: dict[str, str]) -> str:
    rows = ["| tool | found | found % | ok cases flagged | wrong % "
            "| findings on unannotated lines |",
            "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for s in scores:
        positives = len(s.found) + len(s.missed)
        negatives = len(s.wrong) + len(s.clean)
        rows.append(f"| {labels[s.tool]} | {len(s.found)}/{positives} | "
                    f"{_percent(len(s.found), positives)} | {len(s.wrong)}/{negatives} | "
                    f"{_percent(len(s.wrong), negatives)} | {len(s.unannotated)} |")
    return "\n".join(rows)


def details(s: Score, root: Path) -> str:
    """Every missed ruleid case, every flagged ok case and every unannotated finding."""
    texts: dict[str, list[str]] = {}

    def source(path: str, line: int) -> str:
        if path not in texts:
            texts[path] = (root / path).read_text(encoding="utf-8", errors="replace").splitlines()
        lines = texts[path]
        return lines[line - 1].strip() if 0 < line <= len(lines) else ""

    out = []
    for title, cases in (("missed", s.missed), ("flagged ok", s.wrong)):
        out.append(f"{title} ({len(cases)}):")
        out.extend(f"  {c.path}:{c.line}  [{','.join(c.rule_ids)}]  {source(c.path, c.line)}"
                   for c in cases)
    out.append(f"unannotated findings ({len(s.unannotated)}):")
    out.extend(f"  {h.path}:{h.line}  {source(h.path, h.line)}" for h in s.unannotated)
    return "\n".join(out)


def as_json(scores: Sequence[Score]) -> str:
    def case(c: Case) -> dict:
        return {"path": c.path, "line": c.line, "end_line": c.end_line,
                "rule_ids": list(c.rule_ids), "kinds": list(c.kinds)}

    return json.dumps({s.tool: {
        "found": [case(c) for c in s.found], "missed": [case(c) for c in s.missed],
        "wrong": [case(c) for c in s.wrong], "clean": [case(c) for c in s.clean],
        "unannotated": [{"path": h.path, "line": h.line} for h in s.unannotated],
    } for s in scores}, indent=2, sort_keys=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("suite", type=Path, help="directory of annotated test files")
    parser.add_argument("--preset", choices=sorted(PRESETS),
                        help="the SQL-injection rule ids of a known suite")
    parser.add_argument("--rule-ids", default="",
                        help="comma-separated rule ids that count as SQL injection (added to "
                             "the preset's)")
    parser.add_argument("--tools", default=",".join(TOOLS),
                        help=f"comma-separated, of {', '.join(TOOLS)} (default: all)")
    parser.add_argument("--match", choices=MATCHES, default="statement",
                        help="statement (default): a finding in the statement that starts on "
                             "the annotated line; region: up to the next case (looser)")
    parser.add_argument("--unknown-origins", action="store_true",
                        help="run BR101 with its unknown-origins option on")
    parser.add_argument("--details", metavar="TOOL",
                        help="list that tool's misses, flagged ok cases and unannotated findings")
    parser.add_argument("--json", action="store_true", help="print every case's outcome as JSON")
    parser.add_argument("--report", action="append", default=[], metavar="TOOL=FILE",
                        help="score this saved JSON report of TOOL instead of running it (e.g. "
                             "an older backendreview's); repeatable")
    args = parser.parse_args(argv)

    root: Path = args.suite
    if not root.is_dir():
        parser.error(f"not a directory: {root}")
    rule_ids = set(PRESETS.get(args.preset or "", ()))
    rule_ids.update(r.strip() for r in args.rule_ids.split(",") if r.strip())
    if not rule_ids:
        parser.error("give --preset or --rule-ids")
    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    unknown = [t for t in tools if t not in TOOLS]
    if unknown:
        parser.error(f"unknown tool: {unknown[0]} (expected one of {', '.join(TOOLS)})")
    saved: dict[str, Path] = {}
    for item in args.report:
        tool, _, file = item.partition("=")
        if tool not in TOOLS or not file:
            parser.error(f"--report {item}: expected TOOL=FILE with TOOL one of {', '.join(TOOLS)}")
        saved[tool] = Path(file)
    if args.details and args.details not in tools:
        parser.error(f"--details {args.details}: that tool is not in --tools")

    cases = collect_cases(root, rule_ids, args.match)
    positives = sum(c.positive for c in cases)
    files = len({c.path for c in cases})
    print(f"suite: {files} files with cases, {positives} ruleid cases, "
          f"{len(cases) - positives} ok cases ({len(rule_ids)} rule ids; match: {args.match})")

    scores: list[Score] = []
    for tool in tools:
        try:
            if tool in saved:
                hits = hits_from_report(tool, saved[tool], root)
            elif tool == "backendreview":
                hits = run_backendreview(root, args.unknown_origins)
            else:
                executable = _executable(tool)
                if executable is None:
                    print(f"{tool}: not installed, skipped")
                    continue
                hits = (run_bandit(root, executable) if tool == "bandit"
                        else run_ruff(root, executable))
        except (OSError, RuntimeError, ValueError, KeyError, TypeError) as exc:
            # One line naming the tool, not a traceback: a broken or foreign report, or a
            # tool that printed no JSON.
            print(f"peer_sqli: {tool}: {type(exc).__name__}: {exc}"[:400], file=sys.stderr)
            return 2
        scores.append(score(tool, cases, hits))

    labels = {t: tool_label(t, args.unknown_origins) for t in TOOLS}
    print()
    print(markdown_table(scores, labels))
    for s in scores:
        if s.tool == args.details:
            print()
            print(details(s, root))
    if args.json:
        print()
        print(as_json(scores))
    return 0


if __name__ == "__main__":
    sys.exit(main())
