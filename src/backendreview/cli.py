"""The command line: `backendreview check | routes | rules | explain`.

Exit status: 0 no findings, 1 findings, 2 usage, configuration or internal error. Every
error is one line on stderr naming the problem; never a traceback.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from . import __version__
from .config import Config, ConfigError, load_config, validate_selectors
from .metadata import RuleFileError, load_rule_docs
from .model import Severity

# The engine (every rule module) and rich's renderables are imported by the commands that
# use them, so that `--version`, `--help` and `explain` start in a blink.
if TYPE_CHECKING:
    from rich.console import Console

    from .engine import RunResult


def all_rule_ids() -> set[str]:
    from .engine import all_rule_ids as ids

    return ids()

app = typer.Typer(
    name="backendreview",
    help="Automated code review for Python web backends.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class OutputFormat(str, Enum):
    console = "console"
    json = "json"
    sarif = "sarif"
    github = "github"


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


def _console(output: Path | None) -> tuple[Console, object | None]:
    from rich.console import Console

    if output is None:
        console = Console(highlight=False, soft_wrap=False)
        if not console.is_terminal:
            # Piped output: wide enough that code frames keep the interpolated value.
            console = Console(highlight=False, soft_wrap=False, width=max(console.width, 120))
        return console, None
    handle = output.open("w", encoding="utf-8", errors="backslashreplace")
    return Console(file=handle, highlight=False, color_system=None, width=120,
                   soft_wrap=False), handle


@app.command()
def check(
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Files or directories to review (default: the current directory).")] = None,
    select: Annotated[list[str] | None, typer.Option(
        "--select", help="Rule codes or prefixes to enable (comma-separated), e.g. BR101,BR2.")
    ] = None,
    extend_select: Annotated[list[str] | None, typer.Option(
        "--extend-select", help="Codes or prefixes to enable on top of the selection.")] = None,
    ignore: Annotated[list[str] | None, typer.Option(
        "--ignore", help="Rule codes or prefixes to disable (comma-separated).")] = None,
    output_format: Annotated[OutputFormat, typer.Option(
        "--format", case_sensitive=False, help="Output format.")] = OutputFormat.console,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the report to this file instead of stdout.")] = None,
    exit_zero: Annotated[bool, typer.Option(
        "--exit-zero", help="Exit 0 even when there are findings (errors still exit 2).")
    ] = False,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="Print only the findings: no code frames, no summary.")] = False,
    statistics: Annotated[bool, typer.Option(
        "--statistics", help="Print the number of findings per rule.")] = False,
    config_file: Annotated[Path | None, typer.Option(
        "--config", help="Read configuration from this TOML file.")] = None,
    severity: Annotated[str | None, typer.Option(
        "--severity", help="Report findings at this level and above: note, warning, error.")
    ] = None,
    jobs: Annotated[int | None, typer.Option(
        "--jobs", "-j", min=1, help="Worker processes (default: one per CPU).")] = None,
    no_cache: Annotated[bool, typer.Option(
        "--no-cache", help="Neither read nor write the result cache.")] = False,
    cache_dir: Annotated[Path | None, typer.Option(
        "--cache-dir", metavar="DIR",
        help="Where the result cache lives (default: .backendreview_cache beside the "
             "configuration).")] = None,
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
    """Review Python files and report findings."""
    targets = paths or [Path(".")]
    _check_report_target(output, targets)
    config = _build_config(targets, config_file, select, extend_select, ignore, severity)
    if force_exclude:
        config = config.with_overrides(force_exclude=True)
    threshold = _severity_option(fail_on, "--fail-on") or Severity.NOTE
    changed = None
    if diff_base is not None:
        from .diff import DiffError, changed_lines

        try:
            changed = changed_lines(diff_base)
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
        result = _run(targets, config, jobs, no_cache, cache_dir, texts)
        if baseline_file is not None:
            from .baseline import new_findings

            result.findings = new_findings(result.findings, baseline_file, result.sources,
                                           recorded)
        if changed is not None:
            result.findings = changed.filter(result.findings)
        return result

    result = review()
    if fix or show_diff:
        from .fixes.session import fix_findings

        session = fix_findings(result, review, tuple(targets), unsafe=unsafe_fixes,
                               write=not show_diff)
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
    _print_problems(result)
    if result.errors:
        raise typer.Exit(2)
    failing = any(f.severity.rank >= threshold.rank for f in result.findings)
    raise typer.Exit(1 if failing and not exit_zero else 0)


def _run(targets: list[Path], config: Config, jobs: int | None, no_cache: bool,
         cache_dir: Path | None, texts: dict[str, str] | None = None) -> RunResult:
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
                   texts=texts)
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


def _build_config(targets: list[Path], config_file: Path | None, select: list[str] | None,
                  extend_select: list[str] | None, ignore: list[str] | None,
                  severity: str | None) -> Config:
    config = load_config(targets, config_file, all_rule_ids())
    overrides: dict[str, object] = {}
    sel = _codes(select, "--select")
    if sel is not None:
        overrides["select"] = sel
    ext = _codes(extend_select, "--extend-select")
    if ext is not None:
        overrides["extend_select"] = config.extend_select + ext
    ign = _codes(ignore, "--ignore")
    if ign is not None:
        overrides["ignore"] = config.ignore + ign
    if severity is not None:
        overrides["severity"] = _severity_option(severity, "--severity")
    return config.with_overrides(**overrides)


def _severity_option(value: str | None, option: str) -> Severity | None:
    if value is None:
        return None
    try:
        return Severity.parse(value)
    except ValueError as exc:
        raise UsageProblem(f"{option}: {exc}") from None


def _emit(result: RunResult, output_format: OutputFormat, output: Path | None, quiet: bool,
          statistics: bool) -> None:
    if output_format is OutputFormat.console:
        from .reporters import console as console_reporter

        console, handle = _console(output)
        try:
            console_reporter.render(result, console, quiet=quiet, statistics=statistics)
        finally:
            if handle is not None:
                handle.close()  # type: ignore[attr-defined]
        return
    if output_format is OutputFormat.json:
        from .reporters import json_report

        text = json_report.render(result)
    elif output_format is OutputFormat.github:
        from .reporters import github

        text = github.render(result)
    else:
        from .reporters import sarif

        text = sarif.render(result)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
    if statistics:
        from rich.console import Console

        from .reporters import console as console_reporter

        Console(stderr=True, highlight=False).print(console_reporter.summary_table(result))


@app.command()
def baseline(
    file: Annotated[Path, typer.Argument(help="The baseline file to write (JSON).")],
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Files or directories to review (default: the current directory).")] = None,
    select: Annotated[list[str] | None, typer.Option(
        "--select", help="Rule codes or prefixes to enable (comma-separated).")] = None,
    extend_select: Annotated[list[str] | None, typer.Option(
        "--extend-select", help="Codes or prefixes to enable on top of the selection.")] = None,
    ignore: Annotated[list[str] | None, typer.Option(
        "--ignore", help="Rule codes or prefixes to disable (comma-separated).")] = None,
    config_file: Annotated[Path | None, typer.Option(
        "--config", help="Read configuration from this TOML file.")] = None,
    jobs: Annotated[int | None, typer.Option(
        "--jobs", "-j", min=1, help="Worker processes (default: one per CPU).")] = None,
    no_cache: Annotated[bool, typer.Option(
        "--no-cache", help="Neither read nor write the result cache.")] = False,
    cache_dir: Annotated[Path | None, typer.Option(
        "--cache-dir", metavar="DIR",
        help="Where the result cache lives (default: .backendreview_cache beside the "
             "configuration).")] = None,
) -> None:
    """Record the current findings in FILE; `check --baseline FILE` then reports only new
    ones."""
    from .baseline import BaselineError, write
    from .safeoutput import baseline_target_problem

    targets = paths or [Path(".")]
    problem = baseline_target_problem(file)
    if problem is not None:  # before the review: a slip must not cost a whole run
        raise UsageProblem(f"baseline: {problem}")
    config = _build_config(targets, config_file, select, extend_select, ignore, None)
    result = _run(targets, config, jobs, no_cache, cache_dir)
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
        "--format", case_sensitive=False,
        help="console, json, or markdown (the rules reference, docs/rules.md).")
    ] = RulesFormat.console,
) -> None:
    """List every rule with its severity and whether it is on by default."""
    from rich.console import Console
    from rich.table import Table

    from .engine import enabled_rules

    docs = load_rule_docs()
    default_on = set(enabled_rules(Config()))
    if output_format is RulesFormat.markdown:
        from .metadata import rules_reference

        sys.stdout.write(rules_reference(docs, default_on))
        return
    if output_format is RulesFormat.json:
        rows = [{"id": d.id, "name": d.name, "title": d.title, "severity": d.severity.value,
                 "confidence": d.confidence, "default": d.id in default_on, "cwe": list(d.cwe)}
                for d in docs.values()]
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    table = Table(title="backendreview rules", title_justify="left")
    for column in ("Code", "Name", "Severity", "Default", "What it finds"):
        table.add_column(column)
    for doc in docs.values():
        table.add_row(doc.id, doc.name, doc.severity.value,
                      "on" if doc.id in default_on else "off", doc.title)
    Console(highlight=False).print(table)


class RoutesFormat(str, Enum):
    console = "console"
    json = "json"


@app.command()
def routes(
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Files or directories to read routes from (default: the current directory).")
    ] = None,
    output_format: Annotated[RoutesFormat, typer.Option(
        "--format", case_sensitive=False, help="console (a table) or json.")
    ] = RoutesFormat.console,
    config_file: Annotated[Path | None, typer.Option(
        "--config", help="Read configuration from this TOML file.")] = None,
    jobs: Annotated[int | None, typer.Option(
        "--jobs", "-j", min=1, help="Worker processes (default: one per CPU).")] = None,
) -> None:
    """Print the project's HTTP routes: method, full path, handler, auth, rate limit,
    pagination and framework. A prefix that cannot be resolved shows as {?}."""
    from rich.console import Console
    from rich.table import Table

    from .analysis.frameworks.routes import merge_routes
    from .engine import run

    targets = paths or [Path(".")]
    config = load_config(targets, config_file, all_rule_ids())
    result = run(list(targets), config, jobs=jobs, collect=("routes",), rules=())
    table_rows = merge_routes(result.facts)
    _print_problems(result)
    if output_format is RoutesFormat.json:
        sys.stdout.write(json.dumps([r.to_dict() for r in table_rows], indent=2) + "\n")
    else:
        table = Table(title=f"{len(table_rows)} route(s)", title_justify="left")
        for column in ("Method", "Path", "Handler", "Auth", "Rate limit", "Pagination",
                       "Framework"):
            table.add_column(column, overflow="fold")
        for route in table_rows:
            row = route.to_dict()
            table.add_row(",".join(row["methods"]), row["path"],
                          f"{row['handler']} {row['location']}",
                          ", ".join(row["auth"]) or "-", ", ".join(row["rate_limit"]) or "-",
                          ", ".join(row["pagination"]) or "-", row["framework"])
        # Piped output gets a wide table rather than 80 columns of folded paths.
        width = None if sys.stdout.isatty() else 200
        Console(highlight=False, width=width).print(table)
    if result.errors:
        raise typer.Exit(2)


@app.command()
def explain(code: Annotated[str, typer.Argument(help="A rule code, e.g. BR101.")]) -> None:
    """Show a rule's documentation."""
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
        if arg == "--format" and nxt is not None:
            fmt, i = nxt, i + 2
            continue
        if arg in ("--output", "-o") and nxt is not None:
            output, i = nxt, i + 2
            continue
        if arg.startswith("--format="):
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
