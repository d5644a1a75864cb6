"""The command line: `backendreview check | routes | rules | explain`.

Exit status: 0 no findings, 1 findings, 2 usage, configuration or internal error. Every
error is one line on stderr naming the problem; never a traceback.
"""

from __future__ import annotations

import io
import json
import os
import signal
import sys
import threading
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from . import __version__
from .config import Config, ConfigError, ConfigResolver, validate_selectors
from .metadata import RuleFileError, load_rule_docs
from .model import Severity
from .reporters import FORMATS

# The engine (every rule module) and rich's renderables are imported by the commands that
# use them, so that `--version`, `--help` and `explain` start in a blink.
if TYPE_CHECKING:
    from rich.table import Table

    from .engine import RunResult


# Options shared by the commands that review files (check, baseline, routes).
JobsOption = Annotated[int | None, typer.Option(
    "--jobs", "-j", min=1, metavar="N", help="Worker processes (default: one per CPU).")]
NoCacheOption = Annotated[bool, typer.Option(
    "--no-cache", help="Neither read nor write the result cache.")]
CacheDirOption = Annotated[Path | None, typer.Option(
    "--cache-dir", metavar="DIR",
    help="Where the result cache lives (default: .backendreview_cache beside the "
         "configuration).")]


def all_rule_ids() -> set[str]:
    from .engine import all_rule_ids as ids

    return ids()

app = typer.Typer(
    name="backendreview",
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Automated code review for Python web backends.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)




class UsageProblem(Exception):
    """A bad argument; reported as one line with exit status 2."""


def _version(value: bool) -> None:
    if value:
        typer.echo(f"backendreview {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """Automated code review for Python web backends."""


def _codes(values: list[str] | None, option: str) -> tuple[str, ...] | None:
    if not values:
        return None
    codes = tuple(c.strip().upper() for v in values for c in v.split(",") if c.strip())
    validate_selectors(codes, all_rule_ids(), option)
    return codes


def _piped_width() -> int:
    """Width for output that is not a terminal: $COLUMNS when set (as rich does for a
    terminal), else wide enough that code frames rarely wrap."""
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdecimal() and int(columns) >= 40 else 120


@app.command()
def check(
    # Arguments are described in the docstring: typer would print their type (<list[Path]>).
    paths: Annotated[list[Path] | None, typer.Argument(metavar="PATHS", hidden=True)] = None,
    select: Annotated[list[str] | None, typer.Option(
        "--select", metavar="CODES",
        help="Rule codes or prefixes to enable (comma-separated), e.g. BR101,BR2.")] = None,
    extend_select: Annotated[list[str] | None, typer.Option(
        "--extend-select", metavar="CODES",
        help="Codes or prefixes to enable on top of the selection.")] = None,
    ignore: Annotated[list[str] | None, typer.Option(
        "--ignore", metavar="CODES",
        help="Rule codes or prefixes to disable (comma-separated).")] = None,
    extend_ignore: Annotated[list[str] | None, typer.Option(
        "--extend-ignore", metavar="CODES",
        help="Codes or prefixes to disable on top of the configuration's ignore list.")
    ] = None,
    output_format: Annotated[str, typer.Option(
        "--output-format", "--format", metavar="FORMAT",
        help="console (default), concise, json, sarif, github, gitlab or junit.")
    ] = "console",
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", metavar="FILE",
        help="Write the report to this file instead of stdout.")] = None,
    exit_zero: Annotated[bool, typer.Option(
        "--exit-zero", help="Exit 0 even when there are findings (errors still exit 2).")
    ] = False,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="Print only the findings: no code frames, no summary.")] = False,
    statistics: Annotated[bool, typer.Option(
        "--statistics", help="Print the number of findings per rule.")] = False,
    show_fixes: Annotated[bool, typer.Option(
        "--show-fixes", help="List the exact fixes: those --fix applied, or, without --fix, "
                             "those it would apply.")] = False,
    config_file: Annotated[Path | None, typer.Option(
        "--config", metavar="FILE",
        help="Read configuration from this TOML file for every file (default: the nearest "
             ".backendreview.toml or pyproject.toml above each file).")] = None,
    show_settings: Annotated[bool, typer.Option(
        "--show-settings", help="Print the configuration the (one) named file gets, and "
                                "exit.")] = False,
    stdin_filename: Annotated[str | None, typer.Option(
        "--stdin-filename", metavar="PATH",
        help="With `-`: the path of the file read from standard input (for messages, "
             "configuration and per-file-ignores).")] = None,
    severity: Annotated[str | None, typer.Option(
        "--severity", metavar="LEVEL",
        help="Report findings at this level and above: note, warning, error.")] = None,
    jobs: JobsOption = None,
    no_cache: NoCacheOption = False,
    cache_dir: CacheDirOption = None,
    fix: Annotated[bool, typer.Option(
        "--fix", help="Apply the safe exact fixes to the files; report the rest.")
    ] = False,
    unsafe_fixes: Annotated[bool, typer.Option(
        "--unsafe-fixes", help="With --fix or --diff, apply the unsafe fixes too (they "
                               "change behaviour: review them).")] = False,
    show_diff: Annotated[bool, typer.Option(
        "--diff", help="Print the fixes as a unified diff instead of writing them; exit 1 "
                       "when there is something to fix.")] = False,
    diff_base: Annotated[str | None, typer.Option(
        "--diff-base", metavar="REF",
        help="Report only findings on lines added or changed since the merge-base of REF "
             "and HEAD (e.g. origin/main).")] = None,
    force_exclude: Annotated[bool, typer.Option(
        "--force-exclude", help="Apply exclude / extend-exclude to files named on the command "
                                "line too (for pre-commit and editors).")] = False,
    baseline_file: Annotated[Path | None, typer.Option(
        "--baseline", metavar="FILE",
        help="Report only findings that this baseline (from `backendreview baseline`) "
             "does not record.")] = None,
    fail_on: Annotated[str | None, typer.Option(
        "--fail-on", metavar="LEVEL",
        help="Exit 1 only for findings at this level and above: note (default), warning, "
             "error.")] = None,
) -> None:
    """Review Python files and report findings.

    PATHS: files or directories to review (default: the current directory); `-` reads one
    file from standard input (name it with --stdin-filename).
    """
    output_format = _output_format(output_format)
    targets = paths or [Path(".")]
    from_stdin = targets == [Path("-")]
    if Path("-") in targets and not from_stdin:
        raise UsageProblem("`-` (standard input) cannot be combined with other paths")
    if stdin_filename is not None and not from_stdin:
        raise UsageProblem("--stdin-filename needs `-` as the path")
    if fix and from_stdin:
        raise UsageProblem("--fix cannot rewrite standard input; review the file itself")
    named = [Path(stdin_filename)] if from_stdin and stdin_filename else targets
    if from_stdin and not stdin_filename:
        named = [Path(".")]
    _check_report_target(output, targets if not from_stdin else [])
    resolver = _resolver(config_file, select, extend_select, ignore, extend_ignore, severity,
                         force_exclude)
    if show_settings:
        _show_settings(resolver, named)
        return
    config = resolver.for_path(named[0])
    threshold = _severity_option(fail_on, "--fail-on") or Severity.NOTE
    changed = None
    if diff_base is not None:
        from .diff import DiffError, changed_lines

        try:
            changed = changed_lines(diff_base, named[0])
        except DiffError as exc:
            raise UsageProblem(str(exc)) from None
    recorded = None
    if baseline_file is not None:
        from .baseline import BaselineError, load

        try:
            recorded = load(baseline_file)
        except BaselineError as exc:
            raise UsageProblem(str(exc)) from None
    def review(texts: dict[str, str] | None = None) -> RunResult:
        if from_stdin:
            result = _review_stdin(stdin_filename, config)
        else:
            result = _run(targets, config, jobs, no_cache, cache_dir, resolver.for_path,
                          texts)
            if result.files == 0 and texts is None:
                shown = ", ".join(str(t) for t in targets)
                typer.echo(f"backendreview: warning: no Python files found under {shown}",
                           err=True)
        if baseline_file is not None:
            from .baseline import new_findings

            result.findings = new_findings(result.findings, baseline_file, result.sources,
                                           recorded)
        if changed is not None:
            result.findings = changed.filter(result.findings)
        return result

    result = review()
    fixed: list = []
    # Text read from stdin is never written back: fixes apply to files only.
    if (fix or show_diff) and not from_stdin:
        from .fixes.session import fix_findings

        session = fix_findings(result, review, tuple(targets), unsafe=unsafe_fixes,
                               write=not show_diff)
        fixed = session.applied
        for line in session.notes:
            typer.echo(f"backendreview: {line}", err=True)
        if show_diff:
            typer.echo(session.diff(), nl=False)
            typer.echo(f"backendreview: would fix {session.fixed} finding(s) in "
                       f"{len(session.changed)} file(s)", err=True)
            raise typer.Exit(1 if session.changed else 0)
        typer.echo(f"backendreview: fixed {session.fixed} finding(s) in "
                   f"{len(session.changed)} file(s)", err=True)
        result = session.result
    _emit(result, output_format, output, quiet, statistics)
    if show_fixes:
        from .reporters.concise import fixes_listing

        listing = fixes_listing(fixed if fix else result.findings, applied=fix)
        (sys.stderr if output_format not in ("console", "concise") or output else
         sys.stdout).write(listing)
    _print_problems(result)
    if result.errors:
        raise typer.Exit(2)
    failing = any(f.severity.rank >= threshold.rank for f in result.findings)
    raise typer.Exit(1 if failing and not exit_zero else 0)


def _run(targets: list[Path], config: Config, jobs: int | None, no_cache: bool,
         cache_dir: Path | None, config_for: Callable[[Path], Config] | None = None,
         texts: dict[str, str] | None = None) -> RunResult:
    """The engine with the result cache and, on a terminal, a progress bar. `texts`: files
    reviewed as if they held that text (`--fix` rounds)."""
    from .cache import default_cache_dir
    from .engine import run
    from .progress import ProgressBar, wanted

    directory = None
    # BACKENDREVIEW_NO_CACHE=1 is --no-cache for wrappers that cannot add an argument.
    if not no_cache and config.cache and not os.environ.get("BACKENDREVIEW_NO_CACHE"):
        directory = cache_dir if cache_dir is not None else default_cache_dir(config)
    bar = ProgressBar(wanted())
    try:
        return run(list(targets), config, jobs=jobs, cache_dir=directory, progress=bar,
                   config_for=config_for, texts=texts)
    finally:
        bar.close()


def _check_report_target(output: Path | None, targets: list[Path]) -> None:
    from .safeoutput import report_target_problem

    problem = None if output is None else report_target_problem(output, targets)
    if problem is not None:
        raise UsageProblem(f"--output: {problem}")


def _print_problems(result) -> None:  # type: ignore[no-untyped-def]
    """Paths not reviewed (notes), then internal errors, one line each on stderr."""
    for note in result.notes:
        typer.echo(f"backendreview: note: {note}", err=True)
    for error in result.errors:
        typer.echo(f"backendreview: {error}", err=True)


def _output_format(value: str) -> str:
    key = value.strip().lower()
    if key not in FORMATS:
        raise UsageProblem(f"--format: {value!r} is not one of {', '.join(FORMATS)}")
    return key


def _review_stdin(stdin_filename: str | None, config: Config):  # type: ignore[no-untyped-def]
    """One file read from standard input (an editor's unsaved buffer), reviewed as if it
    were `stdin_filename`; nothing is written to disk."""
    from .discovery import display_path, excluded_by, file_module
    from .engine import RunResult, enabled_rules, finish, review_source

    shown = display_path(Path(stdin_filename)) if stdin_filename else "-"
    if stdin_filename and config.force_exclude and excluded_by(Path(stdin_filename), config):
        sys.stdin.buffer.read()
        return RunResult(files=0)
    data = sys.stdin.buffer.read()
    docs = load_rule_docs()
    rules = enabled_rules(config, docs)
    module = file_module(stdin_filename) if stdin_filename else None
    result = finish([review_source(data, shown, config, rules, module=module)], config, rules,
                    docs)
    return result


def _resolver(config_file: Path | None, select: list[str] | None,
              extend_select: list[str] | None, ignore: list[str] | None,
              extend_ignore: list[str] | None, severity: str | None,
              force_exclude: bool = False) -> ConfigResolver:
    """Per-file configuration with the command line's options on top of each file's."""
    sel = _codes(select, "--select")
    ext = _codes(extend_select, "--extend-select")
    ign = (_codes(ignore, "--ignore") or ()) + (_codes(extend_ignore, "--extend-ignore") or ())
    level = _severity_option(severity, "--severity")

    def apply(config: Config) -> Config:
        overrides: dict[str, object] = {"select": sel, "severity": level,
                                        "force_exclude": force_exclude or None}
        if sel is not None:
            # `--select` means only these rules: the file's extend-select goes with its select.
            overrides["extend_select"] = ext or ()
        elif ext is not None:
            overrides["extend_select"] = config.extend_select + ext
        if ign:
            overrides["ignore"] = config.ignore + ign
        return config.with_overrides(**overrides)

    return ConfigResolver(all_rule_ids(), config_file, apply)


def _show_settings(resolver: ConfigResolver, named: list[Path]) -> None:
    if len(named) != 1:
        raise UsageProblem("--show-settings takes exactly one file")
    from .settings_view import render_settings

    sys.stdout.write(render_settings(named[0], resolver.for_path(named[0])))


def _severity_option(value: str | None, option: str) -> Severity | None:
    if value is None:
        return None
    try:
        return Severity.parse(value)
    except ValueError as exc:
        raise UsageProblem(f"{option}: {exc}") from None


def _emit(result: RunResult, output_format: str, output: Path | None, quiet: bool,
          statistics: bool) -> None:
    if output_format == "console":
        from rich.console import Console

        from .reporters import console as console_reporter

        if output is None and sys.stdout.isatty():
            console_reporter.render(result, Console(highlight=False, soft_wrap=False),
                                    quiet=quiet, statistics=statistics)
            return
        # Piped or to a file: plain text at a known width, without the padding rich adds to
        # fill each line.
        buffer = io.StringIO()
        console = Console(file=buffer, highlight=False, color_system=None,
                          width=_piped_width(), soft_wrap=False)
        console_reporter.render(result, console, quiet=quiet, statistics=statistics)
        text = "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())
    else:
        from importlib import import_module

        module = {"json": "json_report"}.get(output_format, output_format)
        text = import_module(f".reporters.{module}", __package__).render(result)
    if output is None:
        sys.stdout.write(text)
    else:
        # A file name that is not UTF-8 appears as its escaped bytes, not as a crash.
        output.write_text(text, encoding="utf-8", errors="backslashreplace")
    if statistics and output_format != "console":
        from rich.console import Console

        from .reporters import console as console_reporter

        Console(stderr=True, highlight=False).print(console_reporter.summary_table(result))


@app.command()
def baseline(
    file: Annotated[Path, typer.Argument(metavar="FILE", hidden=True)],
    paths: Annotated[list[Path] | None, typer.Argument(metavar="PATHS", hidden=True)] = None,
    select: Annotated[list[str] | None, typer.Option(
        "--select", metavar="CODES",
        help="Rule codes or prefixes to enable (comma-separated).")] = None,
    extend_select: Annotated[list[str] | None, typer.Option(
        "--extend-select", metavar="CODES",
        help="Codes or prefixes to enable on top of the selection.")] = None,
    ignore: Annotated[list[str] | None, typer.Option(
        "--ignore", metavar="CODES",
        help="Rule codes or prefixes to disable (comma-separated).")] = None,
    config_file: Annotated[Path | None, typer.Option(
        "--config", metavar="FILE", help="Read configuration from this TOML file.")] = None,
    jobs: JobsOption = None,
    no_cache: NoCacheOption = False,
    cache_dir: CacheDirOption = None,
) -> None:
    """Record the current findings in FILE; `check --baseline FILE` then reports only new
    ones.

    FILE: the baseline file to write (JSON). PATHS: files or directories to review (default:
    the current directory).
    """
    from .baseline import BaselineError, write
    from .safeoutput import baseline_target_problem

    targets = paths or [Path(".")]
    problem = baseline_target_problem(file)
    if problem is not None:  # before the review: a slip must not cost a whole run
        raise UsageProblem(f"baseline: {problem}")
    resolver = _resolver(config_file, select, extend_select, ignore, None, None)
    result = _run(targets, resolver.for_path(targets[0]), jobs, no_cache, cache_dir,
                  resolver.for_path)
    try:
        count = write(file, result.findings, result.sources)
    except BaselineError as exc:
        raise UsageProblem(str(exc)) from None
    except OSError as exc:
        raise UsageProblem(f"baseline: {file}: cannot write: {exc.strerror or exc}") from None
    typer.echo(f"backendreview: recorded {count} finding(s) in {file}", err=True)
    _print_problems(result)
    raise typer.Exit(2 if result.errors else 0)


class RulesFormat(str, Enum):
    console = "console"
    json = "json"
    markdown = "markdown"


@app.command()
def rules(
    output_format: Annotated[RulesFormat, typer.Option(
        "--format", case_sensitive=False, metavar="FORMAT",
        help="console, json, or markdown (the rules reference, docs/rules.md).")
    ] = RulesFormat.console,
) -> None:
    """List every rule with its severity and whether it is on by default."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from .engine import enabled_rules

    docs = load_rule_docs()
    default_on = set(enabled_rules(Config()))
    if output_format is RulesFormat.markdown:
        from .metadata import rules_reference

        sys.stdout.write(rules_reference(docs, default_on))
        return
    if output_format is RulesFormat.json:
        rows = [{"id": d.id, "name": d.name, "title": d.title, "severity": d.severity.value,
                 "confidence": d.confidence, "default": d.id in default_on,
                 "default_off_reason": None if d.id in default_on else d.off_reason,
                 "cwe": list(d.cwe)}
                for d in docs.values()]
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    table = Table(title="backendreview rules", title_justify="left")
    for column in ("Code", "Name", "Severity", "Default", "What it finds"):
        table.add_column(column)
    for doc in docs.values():
        table.add_row(doc.id, doc.name, doc.severity.value,
                      "on" if doc.id in default_on else "off", doc.title)
    console = Console(highlight=False)
    console.print(table)
    off = [doc for doc in docs.values() if doc.id not in default_on]
    if off:
        why = Table(title="Off by default", title_justify="left", caption_justify="left",
                    caption="Turn one on with --extend-select CODE, or extend-select = "
                            "[\"CODE\"] under \\[tool.backendreview].")
        for column in ("Code", "Name", "Why it is off"):
            why.add_column(column)
        for doc in off:
            why.add_row(doc.id, doc.name, Text(doc.off_reason + "."))  # not markup
        console.print(why)


class RoutesFormat(str, Enum):
    console = "console"
    json = "json"
    markdown = "markdown"


@app.command()
def routes(
    paths: Annotated[list[Path] | None, typer.Argument(metavar="PATHS", hidden=True)] = None,
    output_format: Annotated[RoutesFormat, typer.Option(
        "--output-format", "--format", case_sensitive=False, metavar="FORMAT",
        help="console (a table), json, or markdown (with --diff-base: the job summary "
             "table).")] = RoutesFormat.console,
    config_file: Annotated[Path | None, typer.Option(
        "--config", metavar="FILE", help="Read configuration from this TOML file.")] = None,
    diff_base: Annotated[str | None, typer.Option(
        "--diff-base", metavar="REF",
        help="Show the routes added, removed or changed since the merge-base of REF and "
             "HEAD, and flag new routes lacking the auth, rate limit or pagination all their "
             "neighbours have.")] = None,
    jobs: JobsOption = None,
) -> None:
    """Print the project's HTTP routes: method, full path, handler, auth, rate limit,
    pagination and framework. A prefix that cannot be resolved shows as {?}.

    PATHS: files or directories to read routes from (default: the current directory).
    """
    from .routes_diff import config_routes

    targets = paths or [Path(".")]
    resolver = ConfigResolver(all_rule_ids(), config_file)
    table_of = config_routes(resolver.for_path, jobs)
    if diff_base is not None:
        _routes_diff(diff_base, targets, table_of, output_format)
        return
    table_rows, errors = table_of(list(targets))
    for error in errors:
        typer.echo(f"backendreview: {error}", err=True)
    if output_format is RoutesFormat.json:
        sys.stdout.write(json.dumps([r.to_dict() for r in table_rows], indent=2) + "\n")
    else:
        from rich.table import Table

        table = Table(title=f"{len(table_rows)} route(s)", title_justify="left")
        for column in ("Method", "Path", "Handler", "Auth", "Rate limit", "Pagination",
                       "Framework", "Serves"):
            table.add_column(column, overflow="fold")
        for route in table_rows:
            row = route.to_dict()
            table.add_row(",".join(row["methods"]), row["path"],
                          f"{row['handler']} {row['location']}",
                          ", ".join(row["auth"]) or "-", ", ".join(row["rate_limit"]) or "-",
                          ", ".join(row["pagination"]) or "-", row["framework"],
                          row["serves"] or "-")
        _print_table(table)
    if errors:
        raise typer.Exit(2)


def _print_table(table: Table) -> None:
    from rich.console import Console

    if sys.stdout.isatty():
        Console(highlight=False).print(table)
        return
    # Piped: a wide table rather than 80 columns of folded paths, without trailing padding.
    buffer = io.StringIO()
    Console(file=buffer, highlight=False, color_system=None, width=200).print(table)
    sys.stdout.write("".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines()))


def _routes_diff(ref: str, targets: list[Path], table_of,  # type: ignore[no-untyped-def]
                 output_format: RoutesFormat) -> None:
    from .diff import DiffError
    from .routes_diff import diff_routes, flag_message, markdown_table

    try:
        diff = diff_routes(ref, list(targets), table_of)
    except DiffError as exc:
        raise UsageProblem(str(exc)) from None
    for change in diff.flagged:
        typer.echo(f"backendreview: warning: {change.file}:{change.span_line}: "
                   f"{flag_message(change)}", err=True)
    if output_format is RoutesFormat.json:
        sys.stdout.write(json.dumps(diff.to_dict(), indent=2) + "\n")
        return
    if output_format is RoutesFormat.markdown:
        sys.stdout.write(markdown_table(diff))
        return
    from rich.table import Table

    counts = diff.to_dict()["summary"]
    table = Table(title=f"Routes since {diff.merge_base[:12]}: {counts['added']} added, "
                        f"{counts['changed']} changed, {counts['removed']} removed",
                  title_justify="left")
    for column in ("Change", "Method", "Path", "Handler", "Auth", "Rate limit", "Pagination",
                   "Note"):
        table.add_column(column, overflow="fold")
    for change in diff.changes:
        row = change.route
        note = ("no " + ", no ".join(change.lacks) + f" (all {change.neighbours} neighbours "
                "have it)") if change.lacks else "; ".join(change.what_changed())
        table.add_row(change.change, ",".join(row["methods"]), row["path"],
                      f"{row['handler']} {row['location']}", ", ".join(row["auth"]) or "-",
                      ", ".join(row["rate_limit"]) or "-", ", ".join(row["pagination"]) or "-",
                      note)
    _print_table(table)


@app.command()
def explain(code: Annotated[str, typer.Argument(metavar="CODE", hidden=True)]) -> None:
    """Show a rule's documentation. CODE: a rule code or name, e.g. BR101 or raw-sql."""
    from rich.console import Console
    from rich.markdown import Markdown

    docs = load_rule_docs()
    key = code.strip().upper()
    if key not in docs:
        by_name = {d.name: d.id for d in docs.values()}
        if code.strip().lower() in by_name:
            key = by_name[code.strip().lower()]
        else:
            raise UsageProblem(f"explain: unknown rule {code!r} (see `backendreview rules`)")
    Console(highlight=False).print(Markdown(docs[key].markdown()))


def _fail(message: str, args: list[str] | None = None) -> int:
    sys.stderr.write(f"backendreview: error: {message}\n")
    target = _sarif_output(args or [])
    if target is not None:
        from .safeoutput import report_target_problem

        if report_target_problem(Path(target)) is not None:
            return 2
        from .reporters import sarif

        try:
            Path(target).write_text(sarif.render_failure(message), encoding="utf-8")
        except OSError as exc:
            sys.stderr.write(f"backendreview: error: cannot write {target}: "
                             f"{exc.strerror or exc}\n")
    return 2


def _sarif_output(args: list[str]) -> str | None:
    """The --output file of a `--format sarif` run, read from the raw arguments, so that a
    run that fails before or while parsing them still leaves a SARIF log for the upload."""
    fmt = output = None
    i = 0
    while i < len(args):
        arg = args[i]
        nxt = args[i + 1] if i + 1 < len(args) else None
        if arg == "--":
            break
        if arg in ("--format", "--output-format") and nxt is not None:
            fmt, i = nxt, i + 2
            continue
        if arg in ("--output", "-o") and nxt is not None:
            output, i = nxt, i + 2
            continue
        if arg.startswith(("--format=", "--output-format=")):
            fmt = arg.split("=", 1)[1]
        elif arg.startswith("--output="):
            output = arg.split("=", 1)[1]
        elif arg.startswith("-o") and len(arg) > 2 and not arg.startswith("--"):
            output = arg[2:]
        i += 1
    if fmt is None or fmt.lower() != "sarif" or not output:
        return None
    return output


class Interrupted(BaseException):
    """Ctrl-C. Not a KeyboardInterrupt, which click turns into an empty line on stderr and
    an Abort; nor an Exception, which a rule's or astroid's guard would swallow."""


def _interrupt(signum: int, frame: object) -> None:
    raise Interrupted


def _catch_interrupts() -> Any:
    """Route SIGINT to `Interrupted` while a command runs; the previous handler, or None
    where no handler can be set (not the main thread) or SIGINT is ignored."""
    if threading.current_thread() is not threading.main_thread():
        return None
    previous = signal.getsignal(signal.SIGINT)
    if previous is signal.SIG_IGN:
        return None
    signal.signal(signal.SIGINT, _interrupt)
    return previous


def main(argv: list[str] | None = None) -> int:
    """Entry point: runs the typer app without its own exception printing, so that every
    error is one line and the exit status follows the contract."""
    command = typer.main.get_command(app)
    args = sys.argv[1:] if argv is None else argv
    previous = _catch_interrupts()
    try:
        code = command.main(args=args, prog_name="backendreview", standalone_mode=False)
    except typer.Exit as exc:  # pragma: no cover - depends on the typer version
        code = exc.exit_code
    except (ConfigError, RuleFileError, UsageProblem) as exc:
        return _fail(str(exc), args)
    except (Interrupted, KeyboardInterrupt, typer.Abort):
        return _fail("interrupted", args)
    except BrokenPipeError:
        # The reader went away (`| head`); nothing more to say.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except typer.TyperException as exc:  # click's usage errors: bad option, bad value
        if type(exc).__name__ == "NoArgsIsHelpError":  # as typer tells it (vendored click)
            # `backendreview` alone: the help as help, not squashed into an error line.
            sys.stdout.write(exc.ctx.get_help() + "\n")  # type: ignore[attr-defined]
            return 2
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        return _fail(" ".join(message.split()), args)
    except Exception as exc:  # never a traceback: one line and exit 2
        return _fail(f"internal error: {type(exc).__name__}: {exc}", args)
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    if isinstance(code, int):
        return code
    return 0


def entry() -> None:
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    entry()
