"""The GitHub Action's logic (`python -m backendreview.github_action`), kept out of action.yml
so that it can be tested locally with a simulated GITHUB_* environment.

One review of the whole project, written as SARIF (uploaded by the next step of the action);
then, from that SARIF:
- workflow-command annotations for the findings on lines the pull request added or changed
  (every finding outside pull requests, or with `diff-only: false`), errors first, because
  GitHub shows only 10 annotations per level per step;
- the complete findings table in $GITHUB_STEP_SUMMARY;
- on pull requests, the routes the change adds, removes or changes (routes_diff.py) as a
  second table in the summary, and a warning annotation on each new route lacking the auth,
  rate limit or pagination all its neighbours have;
- outputs `sarif-file`, `findings`, `findings-in-diff`, `routes-flagged` and `exit-code` in
  $GITHUB_OUTPUT.

Inputs arrive as environment variables (action.yml maps each input through `env:`):
INPUT_PATHS, INPUT_ARGS, INPUT_FAIL_ON, INPUT_DIFF_ONLY, INPUT_SARIF_FILE.

Exit status: 0, 1 when a finding that counts (on changed lines in diff-only mode) is at or
above `fail-on`, 2 when the review itself failed. The action records it and fails the job
only after the SARIF upload, so the upload always happens.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from .diff import ChangedLines, DiffError, changed_lines
from .model import Finding, Related, Severity, Span
from .reporters.github import annotation, escape_data, escape_property, workspace_path

SUMMARY_ROWS = 500
_LEVELS = {"error": Severity.ERROR, "warning": Severity.WARNING, "note": Severity.NOTE}


@dataclass
class Inputs:
    paths: list[str]
    args: list[str]
    fail_on: Severity | None  # None: never fail on findings
    diff_only: str  # "auto" | "true" | "false"
    sarif_file: Path

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Inputs:
        paths = shlex.split(env.get("INPUT_PATHS", "") or ".")
        args = shlex.split(env.get("INPUT_ARGS", ""))
        fail_on_raw = (env.get("INPUT_FAIL_ON", "") or "error").strip().lower()
        if fail_on_raw in ("never", "none", "off"):
            fail_on = None
        elif fail_on_raw in _LEVELS:
            fail_on = _LEVELS[fail_on_raw]
        else:
            raise ValueError(f"fail-on: {fail_on_raw!r} is not one of error, warning, note, "
                             "never")
        diff_only = (env.get("INPUT_DIFF_ONLY", "") or "auto").strip().lower()
        if diff_only not in ("auto", "true", "false"):
            raise ValueError(f"diff-only: {diff_only!r} is not one of auto, true, false")
        temp = env.get("RUNNER_TEMP") or "."
        sarif = env.get("INPUT_SARIF_FILE", "") or str(Path(temp) / "backendreview.sarif")
        return cls(paths, args, fail_on, diff_only, Path(sarif))


def _event(env: Mapping[str, str]) -> dict:
    path = env.get("GITHUB_EVENT_PATH")
    if not path:
        return {}
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def diff_base(env: Mapping[str, str], inputs: Inputs) -> str | None:
    """The base commit whose changes are annotated, or None to annotate everything."""
    if inputs.diff_only == "false":
        return None
    event = _event(env)
    pull = event.get("pull_request") or {}
    base = (pull.get("base") or {}).get("sha")
    if base:
        return str(base)
    if inputs.diff_only == "true" and env.get("GITHUB_BASE_REF"):
        return f"origin/{env['GITHUB_BASE_REF']}"
    return None


def _ensure_commit(ref: str) -> None:
    """With a shallow checkout the base commit may be missing: fetch it (best effort)."""
    probe = subprocess.run(["git", "cat-file", "-e", f"{ref}^{{commit}}"],
                           capture_output=True, check=False)
    if probe.returncode != 0:
        subprocess.run(["git", "fetch", "--no-tags", "--quiet", "origin", ref],
                       capture_output=True, check=False, timeout=300)


def _findings_from_sarif(log: dict) -> tuple[list[Finding], dict[str, str], list[str]]:
    """SARIF results back to Findings (message already carries the fix text), the rule
    names, and the tool execution notifications of a failed run."""
    (run,) = log["runs"]
    names = {r["id"]: r.get("name", "") for r in run["tool"]["driver"].get("rules", [])}
    findings = []
    for result in run.get("results", []):
        location = result["locations"][0]["physicalLocation"]
        findings.append(Finding(
            rule_id=result["ruleId"], severity=Severity.parse(result.get("level", "warning")),
            message=result["message"]["text"],
            path=unquote(location["artifactLocation"]["uri"]),
            span=_span(location["region"]),
            related=tuple(Related(_span(r["physicalLocation"]["region"]),
                                  r.get("message", {}).get("text", ""))
                          for r in result.get("relatedLocations", [])),
        ))
    notes = [n["message"]["text"] for inv in run.get("invocations", [])
             for n in inv.get("toolExecutionNotifications", [])
             if n.get("level", "warning") == "error"]
    return findings, names, notes


def _span(region: dict) -> Span:
    start = region["startLine"]
    end_line = region.get("endLine", start)
    return Span(start, region.get("startColumn", 1), end_line, region.get("endColumn", 1))


def _cell(text: str) -> str:
    # GitHub's tables take `\|` for a pipe, inside code spans too.
    return " ".join(text.replace("|", "\\|").split()) or " "


def summary(findings: list[Finding], names: dict[str, str], in_diff: set[int],
            diff_mode: bool, errors: list[str]) -> str:
    counts = {s: sum(1 for f in findings if f.severity is s) for s in Severity}
    out = ["## backendreview", ""]
    if errors:
        out += ["**The review failed:**", ""] + [f"- {_cell(e)}" for e in errors] + [""]
    total = (f"{len(findings)} finding(s): {counts[Severity.ERROR]} error, "
             f"{counts[Severity.WARNING]} warning, {counts[Severity.NOTE]} note")
    if diff_mode:
        total += f"; **{len(in_diff)} on lines this pull request changed**"
    out += [total, ""]
    if findings:
        header = "| | Severity | Rule | Location | Message |"
        out += [header, "|---|---|---|---|---|"]
        order = sorted(range(len(findings)), key=lambda i: (
            i not in in_diff, -findings[i].severity.rank, findings[i].sort_key()))
        for i in order[:SUMMARY_ROWS]:
            f = findings[i]
            mark = "🆕" if diff_mode and i in in_diff else ""
            rule = f"{f.rule_id} {names.get(f.rule_id, '')}".strip()
            message = f.message.split("\nFix:")[0]
            out.append(f"| {mark} | {f.severity.value} | {rule} | "
                       f"`{f.path}:{f.span.start_line}` | {_cell(message)} |")
        if len(findings) > SUMMARY_ROWS:
            out += ["", f"... and {len(findings) - SUMMARY_ROWS} more: see the SARIF file or "
                        "the code scanning alerts."]
        if diff_mode:
            out += ["", "🆕 = on a line added or changed by this pull request (annotated)."]
    return "\n".join(out) + "\n"


def _append(path: str | None, text: str) -> None:
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(text)


def _routes_summary(base: str | None, inputs: Inputs, env: Mapping[str, str]) -> int:
    """The API surface the pull request changes: the routes table in the job summary and a
    warning annotation on each new route lacking what its neighbours have. Returns how many
    were flagged; a failure here is a warning, never a failed review."""
    from .config import ConfigResolver
    from .engine import all_rule_ids
    from .routes_diff import config_routes, diff_routes, flag_message, markdown_table

    if base is None:
        return 0
    resolver = ConfigResolver(all_rule_ids())
    try:
        diff = diff_routes(base, [Path(p) for p in inputs.paths],
                           config_routes(resolver.for_path, None))
    except (DiffError, ValueError, OSError) as exc:
        print(f"::warning title=backendreview::route comparison skipped: "
              f"{escape_data(str(exc))}")
        return 0
    _append(env.get("GITHUB_STEP_SUMMARY"), "\n" + markdown_table(diff))
    for change in diff.flagged:
        props = ",".join(f"{k}={escape_property(v)}" for k, v in (
            ("file", workspace_path(change.file)), ("line", str(change.span_line)),
            ("title", "backendreview new route")))
        print(f"::warning {props}::{escape_data(flag_message(change))}")
    return len(diff.flagged)


def main(env: Mapping[str, str] | None = None) -> int:
    from .cli import main as cli_main

    env = os.environ if env is None else env
    try:
        inputs = Inputs.from_env(env)
    except ValueError as exc:
        print(f"::error title=backendreview::{escape_data(str(exc))}")
        return 2
    base = diff_base(env, inputs)
    changed: ChangedLines | None = None
    if base is not None:
        _ensure_commit(base)
        try:
            changed = changed_lines(base)
        except DiffError as exc:
            print(f"::warning title=backendreview::{escape_data(str(exc))}; annotating every "
                  "finding instead of only those on changed lines")
    inputs.sarif_file.parent.mkdir(parents=True, exist_ok=True)
    argv = ["check", *inputs.paths, *inputs.args, "--format", "sarif", "--output",
            str(inputs.sarif_file), "--exit-zero"]
    print(f"backendreview {shlex.join(argv)}", flush=True)
    code = cli_main(argv)
    sys.stdout.flush()
    errors: list[str] = []
    findings: list[Finding] = []
    names: dict[str, str] = {}
    try:
        log = json.loads(inputs.sarif_file.read_text(encoding="utf-8"))
        findings, names, errors = _findings_from_sarif(log)
    except (OSError, ValueError, KeyError) as exc:
        errors = [f"no SARIF log was written ({exc})"]
    if code == 2 and not errors:
        errors = ["the review failed (see the log above)"]
    in_diff = {i for i, f in enumerate(findings) if changed is None or changed.keeps(f)}
    shown = sorted(in_diff, key=lambda i: (-findings[i].severity.rank, findings[i].sort_key()))
    for i in shown:
        f = findings[i]
        title = f"{f.rule_id} {names.get(f.rule_id, '')}".strip()
        print(annotation(f, title=title))
    for error in errors:
        print(f"::error title=backendreview::{escape_data(error)}")
    _append(env.get("GITHUB_STEP_SUMMARY"),
            summary(findings, names, in_diff if changed is not None else set(),
                    changed is not None, errors))
    flagged = _routes_summary(base, inputs, env) if changed is not None else 0
    status = 2 if errors else 0
    if not errors and inputs.fail_on is not None and any(
            findings[i].severity.rank >= inputs.fail_on.rank for i in in_diff):
        status = 1
    _append(env.get("GITHUB_OUTPUT"),
            f"sarif-file={inputs.sarif_file}\nfindings={len(findings)}\n"
            f"findings-in-diff={len(in_diff)}\nroutes-flagged={flagged}\n"
            f"exit-code={status}\n")
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
