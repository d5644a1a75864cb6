"""The review engine.

    paths -> discovery -> per file (pure function of text and config, run in worker
    processes): read bytes once -> decode (PEP 263) -> ast.parse -> one walk that builds the
    semantic model and dispatches every node to every enabled rule -> FileResult (findings +
    facts) -> project phase over merged facts -> suppression, per-file-ignores, severity.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import gc
import os
import signal
import threading
import traceback
import warnings
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pathspec

from .analysis.paths import ToolCode, serves_requests, tool_code
from .analysis.program.extract import LEVELS as PROGRAM_LEVELS
from .cache import ResultCache
from .checks import ENGINE_RULES, FILE_RULES, PROJECT_RULES
from .checks.base import Rule
from .checks.br000_parse_error import PARSE_ERROR_ID, SourceError, decode_source, parse_source
from .config import Config, ConfigError, validate_selectors
from .context import FileContext
from .discovery import Skipped, discover_all, display_path, excluded_by
from .globs import compile_globs
from .metadata import RuleDoc, load_rule_docs
from .model import FileResult, Finding, Span
from .projectpath import project_relative
from .semantic import SemanticBuilder, module_name
from .sourcefile import UnreadableSource, read_source
from .sourcelines import source_lines
from .suppression import Suppressor, parse_suppressions, statement_extents

# Below this many files a process pool costs more than it saves.
_PARALLEL_THRESHOLD = 40


def all_rule_ids() -> set[str]:
    return set(FILE_RULES) | set(PROJECT_RULES) | set(ENGINE_RULES)


def enabled_rules(config: Config, docs: dict[str, RuleDoc] | None = None) -> tuple[str, ...]:
    docs = docs or load_rule_docs()
    known = all_rule_ids()

    def matching(selectors: Iterable[str]) -> set[str]:
        out: set[str] = set()
        for selector in selectors:
            out |= {code for code in known if selector == "ALL" or code.startswith(selector)}
        return out

    if config.select:
        chosen = matching(config.select)
    else:
        chosen = {code for code in known if docs[code].default_enabled}
    chosen |= matching(config.extend_select)
    chosen -= matching(config.ignore)
    return tuple(sorted(chosen))


@dataclass
class RunResult:
    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    suppressed: int = 0
    errors: list[str] = field(default_factory=list)  # internal errors: exit status 2
    notes: list[str] = field(default_factory=list)  # paths not reviewed, and why
    rules: tuple[str, ...] = ()
    sources: dict[str, list[str]] = field(default_factory=dict)  # path -> lines, for frames
    facts: dict[str, list[Any]] = field(default_factory=dict)  # merged facts of every file
    reviewed: int = 0  # files reviewed in this run (the rest came from the cache)
    cached: int = 0
    project_cached: bool = False  # the project rules' findings came from the cache




def needed_collectors(rules: tuple[str, ...]) -> tuple[str, ...]:
    """The fact collectors the enabled project rules need."""
    out: set[str] = set()
    for rule_id in rules:
        cls = PROJECT_RULES.get(rule_id)
        if cls is not None:
            out.update(cls.needs_facts)
    return merge_collectors(out)


def merge_collectors(*groups: Iterable[str]) -> tuple[str, ...]:
    """One sorted tuple of collector names, each program model level folded into the
    highest one asked for: the whole model answers everything its call graph level does, and
    that everything its classes level does. The tuple is part of the cache key, so facts
    collected at a lower level are never served to a run that needs a higher one."""
    out = set().union(*groups)
    if "routes" in out:
        # The route model follows the class hierarchy (project Blueprint subclasses).
        out.add(PROGRAM_LEVELS[0])
    asked = [level for level in PROGRAM_LEVELS if level in out]
    out.difference_update(asked[:-1])
    return tuple(sorted(out))


def _collectors(names: tuple[str, ...], ctx: FileContext) -> list[Any]:
    out: list[Any] = []
    if "routes" in names:
        from .analysis.frameworks.collector import RouteCollector

        out.append(RouteCollector(ctx))
    if "model-creates" in names:
        from .analysis.orm.creates import CreatesCollector

        out.append(CreatesCollector(ctx))
    level = next((level for level in reversed(PROGRAM_LEVELS) if level in names), None)
    if level is not None:
        from .analysis.program import ProgramCollector

        out.append(ProgramCollector(ctx, level=level))
    return out


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while one file is parsed and walked.

    The ast, the parent map and the semantic model are millions of young objects in a large
    file, and every automatic collection traverses all of them again: on a 1,000,000-node
    file that was a third of the time. Whatever cycles the review leaves are collected by
    the first automatic collection after it."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


_F = TypeVar("_F", bound=Callable[..., Any])


def _gc_paused_during(function: _F) -> _F:
    """Run `function` with the cyclic garbage collector paused. For `run`: each file's
    tree is freed by reference counting as soon as it is reviewed (`FileContext.release`)
    and results are acyclic records, so a whole run leaves almost no cyclic garbage (138
    objects on wagtail's 1,379 files), while automatic collections kept traversing every
    result received so far (unpickling the results cost 4x more with them)."""
    @functools.wraps(function)
    def paused(*args: Any, **kwargs: Any) -> Any:
        with _gc_paused():
            return function(*args, **kwargs)
    return paused  # type: ignore[return-value]


def review_source(data: bytes | str, path: str, config: Config, rules: tuple[str, ...],
                  tree: ast.Module | None = None,
                  collect: tuple[str, ...] | None = None, module: str | None = None
                  ) -> FileResult:
    """Review one file. A pure function of (text, config, module name): safe to cache and
    parallelize.

    `collect` names fact collectors to run in the same walk (default: those the enabled
    project rules need). `module` is the file's dotted module name (default: the one `path`
    gives; `run` passes the one its import root gives, see `discovery.import_root`)."""
    with _gc_paused(), warnings.catch_warnings():
        # Compiling the reviewed code warns about *its* problems (invalid escapes,
        # `x is 1`, `assert (a, b)`): not ours to print, 180 lines for 45 files under 3.12.
        warnings.simplefilter("ignore", SyntaxWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        return _review_source(data, path, config, rules, tree, collect,
                              module_name(path) if module is None else module)


def _review_source(data: bytes | str, path: str, config: Config, rules: tuple[str, ...],
                   tree: ast.Module | None, collect: tuple[str, ...] | None, module: str
                   ) -> FileResult:
    result = FileResult(path=path)
    docs = load_rule_docs()
    text: str | None = None
    try:
        text = data if isinstance(data, str) else decode_source(data)
        if tree is None:
            tree = parse_source(text, path)
    except SourceError as exc:
        if text is not None:
            result.lines = source_lines(text)
        if PARSE_ERROR_ID in rules:
            line = exc.line
            result.findings.append(Finding(
                rule_id=PARSE_ERROR_ID, severity=docs[PARSE_ERROR_ID].severity,
                message=exc.message, path=path, span=Span(line, exc.col, line, exc.col + 1),
                snippet=result.lines[line - 1].strip() if 0 < line <= len(result.lines) else "",
            ))
        return result

    builder = SemanticBuilder(tree, module, is_package=Path(path).stem == "__init__")
    semantic = builder.build()
    ctx = FileContext(path, text, tree, semantic, config, module)
    active: list[Rule] = []
    for rule_id in rules:
        cls = FILE_RULES.get(rule_id)
        if cls is None:
            continue
        if cls.requires_imports and not any(semantic.is_imported(m) for m in cls.requires_imports):
            continue
        active.append(cls(ctx, docs[rule_id]))
    active += _collectors(needed_collectors(rules) if collect is None else collect, ctx)
    dispatch: dict[type[ast.AST], list[tuple[Any, str]]] = {}
    for rule in active:
        idle = getattr(rule, "idle", ())  # collectors have no per-file gates
        for node_type, method in rule.visitors().items():
            if node_type not in idle:
                dispatch.setdefault(node_type, []).append((getattr(rule, method), rule.id))
    failed: set[str] = set()
    errors: list[str] = []
    get = dispatch.get
    for node in builder.nodes:
        handlers = get(type(node))
        if not handlers:
            continue
        for handler, owner in handlers:
            if failed and owner in failed:
                continue
            try:
                handler(node)
            except Exception as exc:  # a rule bug must not lose the other findings
                failed.add(owner)
                errors.append(_rule_error(owner, path, node, exc))
    for rule in active:
        if rule.id not in failed:
            try:
                rule.end_file()
            except Exception as exc:
                errors.append(_rule_error(rule.id, path, tree, exc))
    tool = tool_code(ctx.policy_path, tree, semantic.is_imported("faker"))
    result.findings = [f for f in ctx.findings
                       if serves_requests(f, tool, lambda rule: _wants_tests(config, rule))]
    result.facts = ctx.facts
    if tool:  # so that project rules' findings in this file are judged the same way
        result.facts["_tool_code"] = [(path, tool)]
    result.suppressions = parse_suppressions(text, tree, builder.nodes)
    if result.suppressions:
        result.statement_spans = statement_extents(tree, builder.nodes)
    if result.findings or result.suppressions:
        # Only then are the lines shown or matched: a file with neither ships no text back
        # from the worker process (nor into the cache), and most files have neither, so they
        # are not split here at all. A project rule that reports here, from the facts, gets
        # the lines read again for its frame (`finish`).
        result.lines = source_lines(text)
    if errors:
        result.facts.setdefault("_errors", []).extend(errors)
    ctx.release()
    return result


def _wants_tests(config: Config, rule_id: str) -> bool:
    return bool(config.options_for(rule_id).get("include-tests", False))


def _rule_error(rule_id: str, path: str, node: ast.AST, exc: Exception) -> str:
    line = getattr(node, "lineno", 0)
    frame = traceback.extract_tb(exc.__traceback__)[-1]
    return (f"internal error: rule {rule_id} failed on {path}:{line}: "
            f"{type(exc).__name__}: {exc} (at {Path(frame.filename).name}:{frame.lineno})")


# (real path, display path, config, rules, collect, cache, the bytes when already read,
#  module name)
_Task = tuple[str, str, Config, tuple[str, ...], tuple[str, ...] | None, ResultCache | None,
              bytes | None, str]


def _review_path(task: _Task) -> FileResult:
    file_path, shown, config, rules, collect, cache, data, module = task
    if data is None:
        try:
            data = read_source(file_path)
        except UnreadableSource as exc:
            return _unreadable(shown, str(exc), rules)
    limit = file_time_limit()
    try:
        with _time_limit(limit):
            result = review_source(data, shown, config, rules, collect=collect, module=module)
    except FileTimeout:
        gc.collect()  # the stopped review did not release its tree (see FileContext.release)
        return _unreadable(shown, f"review stopped after {limit:g} s: the file takes too long "
                                  "to review (BACKENDREVIEW_FILE_TIME_LIMIT sets the limit)",
                           rules)
    # Keyed by the bytes reviewed, which the parent read once to look the cache up: a file
    # edited since is stored under the content that was reviewed. A rule failure is not
    # cached: the next run retries.
    if cache is not None and "_errors" not in result.facts:
        cache.store(cache.key(shown, data, module), result)
    return result


@_gc_paused_during
def _review_batch(tasks: list[_Task]) -> list[FileResult]:
    return [_review_path(t) for t in tasks]


def _batches(tasks: list[tuple[int, _Task]], sizes: dict[int, int], workers: int
             ) -> list[list[tuple[int, _Task]]]:
    """Largest files first, so that a big file does not start last and serialise the tail;
    small files travel in batches to keep the per-task overhead low."""
    ordered = sorted(tasks, key=lambda t: (-sizes.get(t[0], 0), t[0]))
    total = sum(sizes.get(i, 0) for i, _ in ordered) or 1
    # A batch holds about 1/(16 x workers) of the bytes, and at most 64 files.
    budget = max(total // (16 * workers), 1)
    out: list[list[tuple[int, _Task]]] = []
    current: list[tuple[int, _Task]] = []
    weight = 0
    for item in ordered:
        current.append(item)
        weight += sizes.get(item[0], 0)
        if weight >= budget or len(current) >= 64:
            out.append(current)
            current, weight = [], 0
    if current:
        out.append(current)
    return out


def _lookup(files: list[Path], shown: list[str], modules: list[str],
            caches: list[ResultCache | None]
            ) -> tuple[dict[int, FileResult], dict[int, int], dict[int, bytes], dict[int, str]]:
    """Cached results by file index (each file in the cache of its own configuration), the
    size of every file (for scheduling), the bytes of the misses read to key them, so that
    their review does not read them again, and every file's entry key."""
    hits: dict[int, FileResult] = {}
    sizes: dict[int, int] = {}
    read: dict[int, bytes] = {}
    keys: dict[int, str] = {}
    for index, path in enumerate(files):
        cache = caches[index]
        if cache is None:
            try:
                sizes[index] = path.stat().st_size
            except OSError:
                sizes[index] = 0
            continue
        try:
            data = read_source(path)
        except UnreadableSource:
            sizes[index] = 0  # reviewed (and reported) by the worker
            continue
        sizes[index] = len(data)
        keys[index] = cache.key(shown[index], data, modules[index])
        cached = cache.load(keys[index])
        if cached is not None:
            hits[index] = cached
        else:
            read[index] = data
    return hits, sizes, read, keys


ProgressHook = Callable[[int, int], None]  # (files done, total)


# A safety net, not a budget: the slowest real file in the corpus run takes seconds.
DEFAULT_FILE_TIME_LIMIT = 120.0


def file_time_limit() -> float:
    """Seconds one file may take; BACKENDREVIEW_FILE_TIME_LIMIT overrides, 0 turns it off."""
    raw = os.environ.get("BACKENDREVIEW_FILE_TIME_LIMIT", "")
    try:
        value = float(raw) if raw.strip() else DEFAULT_FILE_TIME_LIMIT
    except ValueError:
        return DEFAULT_FILE_TIME_LIMIT
    return value if value > 0 else 0.0


class FileTimeout(BaseException):
    """Raised in the middle of a file's review when its time is up. A BaseException, so
    that the `except Exception` guards around rules and astroid do not swallow it."""


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """SIGALRM after `seconds` of wall time, where a timer can be set (the main thread of
    a process on POSIX: the CLI and its worker processes); elsewhere, no limit."""
    if (not seconds or not hasattr(signal, "setitimer")
            or threading.current_thread() is not threading.main_thread()):
        yield
        return
    previous = signal.signal(signal.SIGALRM, _timed_out)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _timed_out(signum: int, frame: object) -> None:
    raise FileTimeout


def _unreadable(shown: str, reason: str, rules: tuple[str, ...]) -> FileResult:
    """A file that looks like source but was not read: a BR000 finding naming why."""
    result = FileResult(path=shown)
    if PARSE_ERROR_ID in rules:
        result.findings.append(Finding(
            rule_id=PARSE_ERROR_ID, severity=load_rule_docs()[PARSE_ERROR_ID].severity,
            message=reason, path=shown, span=Span(1, 1, 1, 2)))
    return result


def _skipped_results(skipped: list[Skipped], rules: tuple[str, ...]
                     ) -> tuple[list[FileResult], list[str]]:
    results, notes = [], []
    for item in skipped:
        shown = display_path(item.path)
        if item.finding:
            results.append(_unreadable(shown, item.reason, rules))
        else:
            notes.append(f"{shown}: {item.reason}")
    return results, notes


def _pfi_matchers(config: Config) -> list[tuple[pathspec.PathSpec, tuple[str, ...]]]:
    return [(compile_globs([glob]), codes)
            for glob, codes in config.per_file_ignores]


@_gc_paused_during
def run(paths: list[Path], config: Config, *, jobs: int | None = None,
        collect: tuple[str, ...] | None = None, rules: tuple[str, ...] | None = None,
        cache_dir: Path | None = None, progress: ProgressHook | None = None,
        config_for: Callable[[Path], Config] | None = None,
        texts: dict[str, str] | None = None) -> RunResult:
    """Review `paths`. `rules` overrides the configured selection (the `routes` command
    runs none); `collect` adds fact collectors to those the rules need. With `cache_dir`,
    unchanged files are answered from the result cache there. `progress(done, total)` is
    called as files finish. `config_for` gives each file its own configuration (the nearest
    one above it); `config` then governs the walk and the project phase. `texts` (display
    path -> text) reviews those files as if they held that text, bypassing the cache
    (`--fix` rounds)."""
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise ConfigError(f"path does not exist: {missing[0]}")
    docs = load_rule_docs()
    fixed_rules = rules
    if rules is None:
        rules = enabled_rules(config, docs)
    if collect is not None:
        collect = merge_collectors(collect, needed_collectors(rules))
    discovery = discover_all(paths, config)
    skipped, notes = _skipped_results(discovery.skipped, rules)
    files = discovery.files
    here = Path.cwd().resolve()  # once, not once per file
    shown = [_shown(f, here) for f in files]
    file_configs: dict[str, Config] = {}
    if config_for is not None:
        file_configs, files, shown = _configs_per_file(files, shown, paths, config, config_for)
        if fixed_rules is None:
            rules = tuple(sorted(set(rules).union(
                *(enabled_rules(c, docs) for c in set(file_configs.values())))))
        # Every file feeds the project phase the facts any configuration's rules need.
        collect = merge_collectors(collect or (), needed_collectors(rules))
    # One (configuration, rules, cache) per distinct configuration among the files.
    plans: dict[Config, tuple[tuple[str, ...], ResultCache | None]] = {}

    def plan(index: int) -> tuple[Config, tuple[str, ...], ResultCache | None]:
        own = file_configs.get(shown[index], config)
        if own not in plans:
            own_rules = rules if fixed_rules is not None or not file_configs else \
                enabled_rules(own, docs)
            plans[own] = (own_rules, ResultCache(cache_dir, own, own_rules, collect)
                          if cache_dir is not None else None)
        return (own, *plans[own])

    planned = [plan(i) for i in range(len(files))]
    modules = [discovery.modules.get(f, module_name(name)) for f, name in zip(
        files, shown, strict=True)]
    found, sizes, read, keys = _lookup(files, shown, modules, [p[2] for p in planned])
    overridden = [i for i, name in enumerate(shown) if texts and name in texts]
    for i in overridden:  # `--fix` rounds: these files as their fixed text, not cached
        own, own_rules, _ = planned[i]
        found[i] = review_source(texts[shown[i]], shown[i], own, own_rules,  # type: ignore[index]
                                 collect=collect, module=modules[i])
        # Frames of project findings here show the fixed text, not the file on disk.
        found[i].lines = found[i].lines or source_lines(texts[shown[i]])  # type: ignore[index]
    results: list[FileResult | None] = [found.get(i) for i in range(len(files))]
    pending = [(i, (str(files[i]), shown[i], planned[i][0], planned[i][1], collect,
                    planned[i][2], read.pop(i, None), modules[i]))
               for i in range(len(files)) if i not in found]
    total, done = len(files), len(found)
    if progress is not None:
        progress(done, total)

    def record(index: int, result: FileResult) -> None:
        nonlocal done
        results[index] = result
        done += 1
        if progress is not None:
            progress(done, total)

    workers = _worker_count(jobs, len(pending))
    if workers > 1 and len(pending) >= _PARALLEL_THRESHOLD:
        _review_in_pool(pending, sizes, workers, record)
    for index, task in pending:  # serially: small runs, and whatever a failed pool left
        if results[index] is None:
            record(index, _review_path(task))
    project_cache = None
    if cache_dir is not None and not overridden and len(keys) == len(files):
        project_cache = _project_cache(ResultCache(cache_dir, config, rules, collect), keys,
                                       results)
    run_result = finish([r for r in results if r is not None] + skipped, config, rules, docs,
                        file_configs, project_cache=project_cache)
    run_result.notes = notes
    run_result.reviewed = len(pending)
    run_result.cached = len(found) - len(overridden)
    return run_result


def _project_cache(cache: ResultCache, keys: dict[int, str],
                   results: list[FileResult | None]) -> tuple[ResultCache, str]:
    """The cache and key of this run's project phase. Every file's facts are a function of
    its entry key, unless its review stopped (time limit, a failed rule): the kinds and
    counts of its facts tell those apart. The walking configuration the project rules read
    is in the cache's prefix."""
    parts = []
    for index, result in enumerate(results):
        shape = sorted((kind, len(items)) for kind, items in result.facts.items()) \
            if result is not None else None
        parts.append(f"{keys[index]} {shape!r}".encode())
    return cache, cache.project_key(parts)


def _shown(real: Path, here: Path) -> str:
    """`display_path` of a discovered file: discovery hands out real paths (links already
    followed, see discovery._classify) and `here` is resolved, so resolving both again (a
    `realpath`, one lstat per path component, twice per file) cannot change the answer."""
    try:
        return real.relative_to(here).as_posix()
    except ValueError:
        return real.as_posix()


def _configs_per_file(files: list[Path], shown: list[str], paths: list[Path], config: Config,
                      config_for: Callable[[Path], Config]
                      ) -> tuple[dict[str, Config], list[Path], list[str]]:
    """Each file's own configuration, keyed by its displayed path; files that their own
    configuration excludes are dropped (unless named on the command line)."""
    named = {p.resolve() for p in paths if p.is_file()}
    out: dict[str, Config] = {}
    kept: list[Path] = []
    kept_shown: list[str] = []
    for f, name in zip(files, shown, strict=True):
        own = config_for(f)
        # The walk applied the walking configuration's excludes already.
        if own is not config and f not in named and excluded_by(f, own):
            continue
        out[name] = own
        kept.append(f)
        kept_shown.append(name)
    return out, kept, kept_shown


def _worker_count(jobs: int | None, tasks: int) -> int:
    """Worker processes for `tasks` files. More processes than CPUs only cost memory, and
    `-j 100000` made fork fail and the pool hang: the request is capped."""
    cpus = os.cpu_count() or 1
    wanted = jobs if jobs is not None else min(cpus, 8)
    return max(1, min(wanted, 2 * cpus, 61, tasks))  # 61: the Windows pool limit


def _worker_init() -> None:
    # Ctrl-C reaches the whole process group: the parent alone reports it and stops the
    # workers; each worker printing a KeyboardInterrupt traceback is noise.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _import_collectors(pending: list[tuple[int, _Task]]) -> None:
    """Import the collectors the pending files will run, in this process, before the pool
    forks: each forked worker then starts with them (the route collector alone is 34
    modules, ~0.04 CPU s to import with bytecode) instead of every worker importing them
    again on its first file. Importing has no other effect."""
    names: set[str] = set()
    asked: set[tuple[tuple[str, ...], tuple[str, ...] | None]] = set()
    for _, task in pending:
        key = (task[3], task[4])
        if key not in asked:
            asked.add(key)
            names.update(needed_collectors(task[3]) if task[4] is None else task[4])
    if "routes" in names:
        from .analysis.frameworks import collector  # noqa: F401
    if "model-creates" in names:
        from .analysis.orm import creates  # noqa: F401
    if names.intersection(PROGRAM_LEVELS):
        from .analysis import program  # noqa: F401


def _review_in_pool(pending: list[tuple[int, _Task]], sizes: dict[int, int], workers: int,
                    record: Callable[[int, FileResult], None]) -> None:
    """Review the pending files in a process pool, largest first, recording each result as
    its batch finishes. When no pool can be started, or it breaks (out of processes or
    memory), it stops and the caller reviews what is left in this process."""
    _import_collectors(pending)
    try:
        pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker_init)
    except (OSError, ValueError):
        return
    try:
        futures = {pool.submit(_review_batch, [t for _, t in batch]): batch
                   for batch in _batches(pending, sizes, workers)}
        for future in as_completed(futures):
            for (index, _), result in zip(futures[future], future.result(), strict=True):
                record(index, result)
    except (OSError, BrokenProcessPool):
        _abandon(pool)
        return
    except BaseException:  # Ctrl-C: stop now rather than after every queued file
        _abandon(pool)
        raise
    pool.shutdown()


def _abandon(pool: ProcessPoolExecutor) -> None:
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()


def finish(results: list[FileResult], config: Config, rules: tuple[str, ...],
           docs: dict[str, RuleDoc], file_configs: dict[str, Config] | None = None,
           project_cache: tuple[ResultCache, str] | None = None) -> RunResult:
    """Project phase, suppression, per-file-ignores and the severity threshold, each by the
    configuration of the finding's file when `file_configs` gives one. With
    `project_cache` (cache, key), the project rules' findings are taken from there when
    the key matches, and stored there after a run without errors."""
    run_result = RunResult(files=len(results), rules=rules)
    facts: dict[str, list[Any]] = {}
    tools: dict[str, ToolCode] = {}
    for result in results:
        for kind, items in result.facts.items():
            if kind == "_errors":
                run_result.errors.extend(items)
            elif kind == "_tool_code":
                tools.update(items)
            else:
                facts.setdefault(kind, []).extend(items)
    run_result.facts = facts
    by_path = {r.path: r for r in results}
    cached = project_cache[0].load_project(project_cache[1]) if project_cache else None
    if cached is not None:
        run_result.project_cached = True
    project_findings = cached if cached is not None else _project_findings(
        facts, tools, config, rules, docs, run_result)
    if project_cache is not None and cached is None and not run_result.errors:
        project_cache[0].store_project(project_cache[1], project_findings)
    file_configs = file_configs or {}
    pfi_of: dict[Config, tuple[list[tuple[pathspec.PathSpec, tuple[str, ...]]], Path]] = {}
    enabled_of: dict[Config, set[str]] = {}
    kept: list[Finding] = []
    suppressors: dict[str, Suppressor] = {}
    pfi_cache: dict[str, tuple[str, ...]] = {}
    all_findings = [f for r in results for f in r.findings] + project_findings
    for finding in all_findings:
        own = file_configs.get(finding.path, config)
        if file_configs:
            if own not in enabled_of:
                enabled_of[own] = set(enabled_rules(own, docs))
            if finding.rule_id not in enabled_of[own]:
                continue  # a project rule that this file's configuration turns off
        if finding.severity.rank < own.severity.rank:
            continue
        if own not in pfi_of:
            pfi_of[own] = (_pfi_matchers(own), own.root.resolve())
        matchers, root = pfi_of[own]
        if matchers and _per_file_ignored(finding, matchers, root, pfi_cache):
            continue
        result = by_path.get(finding.path)
        if result is not None and result.suppressions:
            suppressor = suppressors.get(finding.path)
            if suppressor is None:
                suppressor = Suppressor("\n".join(result.lines), None, result.suppressions,
                                        result.statement_spans)
                suppressors[finding.path] = suppressor
            if suppressor.is_suppressed(finding):
                run_result.suppressed += 1
                continue
        kept.append(finding)
    kept.sort(key=Finding.sort_key)
    run_result.findings = kept
    for path in sorted({f.path for f in kept}):
        lines = by_path[path].lines if path in by_path else []
        run_result.sources[path] = lines or _read_lines(path)
    run_result.errors.sort()
    return run_result


def _project_findings(facts: dict[str, list[Any]], tools: dict[str, ToolCode], config: Config,
                      rules: tuple[str, ...], docs: dict[str, RuleDoc], run_result: RunResult
                      ) -> list[Finding]:
    """Every enabled project rule over the merged facts; a rule that fails is an error."""
    project_findings: list[Finding] = []
    for rule_id in rules:
        cls = PROJECT_RULES.get(rule_id)
        if cls is None:
            continue
        rule = cls(docs[rule_id], config)
        try:
            rule.check(facts)
            # Routes declared in tests or seed scripts serve no real request either.
            project_findings.extend(
                f for f in rule.findings
                if serves_requests(f, tools.get(f.path) or tool_code(
                                   project_relative(f.path, config.root), None, False),
                                   lambda rule: _wants_tests(config, rule)))
        except Exception as exc:
            run_result.errors.append(f"internal error: project rule {rule_id} failed: "
                                     f"{type(exc).__name__}: {exc}")
    return project_findings


def _read_lines(path: str) -> list[str]:
    """Lines of a file for code frames, when the per-file phase did not keep them."""
    try:
        return source_lines(decode_source(read_source(path)))
    except (UnreadableSource, SourceError):
        return []


def _per_file_ignored(finding: Finding, pfi: list[tuple[pathspec.PathSpec, tuple[str, ...]]],
                      root: Path, cache: dict[str, tuple[str, ...]] | None = None) -> bool:
    codes = cache.get(finding.path) if cache is not None else None
    if codes is None:
        codes = _ignored_codes(finding.path, pfi, root)
        if cache is not None:
            cache[finding.path] = codes
    return any(finding.rule_id.startswith(c) for c in codes)


def _ignored_codes(shown: str, pfi: list[tuple[pathspec.PathSpec, tuple[str, ...]]],
                   root: Path) -> tuple[str, ...]:
    """Every code that per-file-ignores silences in one file: matched once per file, not
    once per finding (20,000 globs times every finding took minutes)."""
    path = Path(shown)
    absolute = path if path.is_absolute() else (Path.cwd() / path)
    try:
        rel = absolute.resolve().relative_to(root).as_posix()
    except (ValueError, OSError, RuntimeError):
        rel = shown
    out: list[str] = []
    for spec, codes in pfi:
        if spec.match_file(rel) or spec.match_file(shown):
            out.extend(codes)
    return tuple(out)


__all__ = ["RunResult", "enabled_rules", "finish", "review_source", "run",
           "validate_selectors"]
