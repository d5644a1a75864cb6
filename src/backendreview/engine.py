"""The review engine.

    paths -> discovery -> per file (pure function of text and config, run in worker
    processes): read bytes once -> decode (PEP 263) -> ast.parse -> one walk that builds the
    semantic model and dispatches every node to every enabled rule -> FileResult (findings +
    facts) -> project phase over merged facts -> suppression, per-file-ignores, severity.
"""

from __future__ import annotations

import ast
import os
import traceback
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pathspec

from .checks import ENGINE_RULES, FILE_RULES, PROJECT_RULES
from .checks.base import Rule
from .checks.br000_parse_error import PARSE_ERROR_ID, SourceError, decode_source, parse_source
from .config import Config, ConfigError, validate_selectors
from .context import FileContext
from .discovery import discover, display_path
from .globs import compile_globs
from .metadata import RuleDoc, load_rule_docs
from .model import FileResult, Finding, Span
from .semantic import SemanticBuilder
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
    rules: tuple[str, ...] = ()
    sources: dict[str, list[str]] = field(default_factory=dict)  # path -> lines, for frames
    facts: dict[str, list[Any]] = field(default_factory=dict)  # merged facts of every file


def _module_name(path: str) -> str:
    parts = Path(path).with_suffix("").parts
    parts = tuple(p for p in parts if p not in ("", ".", ".."))
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def needed_collectors(rules: tuple[str, ...]) -> tuple[str, ...]:
    """The fact collectors the enabled project rules need."""
    out: set[str] = set()
    for rule_id in rules:
        cls = PROJECT_RULES.get(rule_id)
        if cls is not None:
            out.update(cls.needs_facts)
    return tuple(sorted(out))


def _collectors(names: tuple[str, ...], ctx: FileContext) -> list[Any]:
    out: list[Any] = []
    if "routes" in names:
        from .analysis.frameworks.collector import RouteCollector

        out.append(RouteCollector(ctx))
    return out


def review_source(data: bytes | str, path: str, config: Config, rules: tuple[str, ...],
                  tree: ast.Module | None = None,
                  collect: tuple[str, ...] | None = None) -> FileResult:
    """Review one file. A pure function of (text, config): safe to cache and parallelize.

    `collect` names fact collectors to run in the same walk (default: those the enabled
    project rules need)."""
    result = FileResult(path=path)
    docs = load_rule_docs()
    try:
        text = data if isinstance(data, str) else decode_source(data)
        result.lines = source_lines(text)
        if tree is None:
            tree = parse_source(text, path)
    except SourceError as exc:
        if PARSE_ERROR_ID in rules:
            line = exc.line
            result.findings.append(Finding(
                rule_id=PARSE_ERROR_ID, severity=docs[PARSE_ERROR_ID].severity,
                message=exc.message, path=path, span=Span(line, exc.col, line, exc.col + 1),
                snippet=result.lines[line - 1].strip() if 0 < line <= len(result.lines) else "",
            ))
        return result

    builder = SemanticBuilder(tree, _module_name(path))
    semantic = builder.build()
    ctx = FileContext(path, text, tree, semantic, config)
    active: list[Rule] = []
    for rule_id in rules:
        cls = FILE_RULES.get(rule_id)
        if cls is None:
            continue
        if cls.requires_imports and not any(semantic.is_imported(m) for m in cls.requires_imports):
            continue
        active.append(cls(ctx, docs[rule_id]))
    active += _collectors(needed_collectors(rules) if collect is None else collect, ctx)
    dispatch: dict[type[ast.AST], list[Any]] = {}
    for rule in active:
        for node_type, method in rule.visitors().items():
            dispatch.setdefault(node_type, []).append(getattr(rule, method))
    failed: set[str] = set()
    errors: list[str] = []
    for node in builder.nodes:
        handlers = dispatch.get(type(node))
        if not handlers:
            continue
        for handler in handlers:
            owner = handler.__self__.id
            if owner in failed:
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
    result.findings = ctx.findings
    result.facts = ctx.facts
    result.suppressions = parse_suppressions(text, tree, builder.nodes)
    if result.suppressions:
        result.statement_spans = statement_extents(tree, builder.nodes)
    if not (result.findings or result.suppressions or result.facts):
        # Nothing will be shown or matched in this file: do not ship its text back from the
        # worker process.
        result.lines = []
    if errors:
        result.facts.setdefault("_errors", []).extend(errors)
    return result


def _rule_error(rule_id: str, path: str, node: ast.AST, exc: Exception) -> str:
    line = getattr(node, "lineno", 0)
    frame = traceback.extract_tb(exc.__traceback__)[-1]
    return (f"internal error: rule {rule_id} failed on {path}:{line}: "
            f"{type(exc).__name__}: {exc} (at {Path(frame.filename).name}:{frame.lineno})")


def _review_path(args: tuple[str, str, Config, tuple[str, ...], tuple[str, ...] | None,
                              str | None]) -> FileResult:
    file_path, shown, config, rules, collect, text = args
    if text is not None:
        return review_source(text, shown, config, rules, collect=collect)
    try:
        data = Path(file_path).read_bytes()
    except OSError as exc:
        result = FileResult(path=shown)
        if PARSE_ERROR_ID in rules:
            result.findings.append(Finding(
                rule_id=PARSE_ERROR_ID, severity=load_rule_docs()[PARSE_ERROR_ID].severity,
                message=f"cannot read the file: {exc.strerror or exc}", path=shown,
                span=Span(1, 1, 1, 2)))
        return result
    return review_source(data, shown, config, rules, collect=collect)


def _pfi_matchers(config: Config) -> list[tuple[pathspec.PathSpec, tuple[str, ...]]]:
    return [(compile_globs([glob]), codes)
            for glob, codes in config.per_file_ignores]


def run(paths: list[Path], config: Config, *, jobs: int | None = None,
        collect: tuple[str, ...] | None = None, rules: tuple[str, ...] | None = None,
        texts: dict[str, str] | None = None) -> RunResult:
    """Review `paths`. `rules` overrides the configured selection (the `routes` command
    runs none); `collect` adds fact collectors to those the rules need; `texts` (display
    path -> text) reviews those files as if they held that text (`--fix` rounds)."""
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise ConfigError(f"path does not exist: {missing[0]}")
    docs = load_rule_docs()
    if rules is None:
        rules = enabled_rules(config, docs)
    if collect is not None:
        collect = tuple(sorted(set(collect) | set(needed_collectors(rules))))
    files = discover(paths, config)
    texts = texts or {}
    tasks = [(str(f), shown, config, rules, collect, texts.get(shown))
             for f in files for shown in (display_path(f),)]
    workers = jobs if jobs is not None else min(os.cpu_count() or 1, 8)
    if workers > 1 and len(tasks) >= _PARALLEL_THRESHOLD:
        chunk = max(1, len(tasks) // (workers * 8))
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(_review_path, tasks, chunksize=chunk))
    else:
        results = [_review_path(t) for t in tasks]
    return finish(results, config, rules, docs)


def finish(results: list[FileResult], config: Config, rules: tuple[str, ...],
           docs: dict[str, RuleDoc]) -> RunResult:
    """Project phase, suppression, per-file-ignores and the severity threshold."""
    run_result = RunResult(files=len(results), rules=rules)
    facts: dict[str, list[Any]] = {}
    for result in results:
        for kind, items in result.facts.items():
            if kind == "_errors":
                run_result.errors.extend(items)
            else:
                facts.setdefault(kind, []).extend(items)
    run_result.facts = facts
    by_path = {r.path: r for r in results}
    project_findings: list[Finding] = []
    for rule_id in rules:
        cls = PROJECT_RULES.get(rule_id)
        if cls is None:
            continue
        rule = cls(docs[rule_id], config)
        try:
            rule.check(facts)
            project_findings.extend(rule.findings)
        except Exception as exc:
            run_result.errors.append(f"internal error: project rule {rule_id} failed: "
                                     f"{type(exc).__name__}: {exc}")
    pfi = _pfi_matchers(config)
    root = config.root.resolve()
    kept: list[Finding] = []
    suppressors: dict[str, Suppressor] = {}
    all_findings = [f for r in results for f in r.findings] + project_findings
    for finding in all_findings:
        if finding.severity.rank < config.severity.rank:
            continue
        if pfi and _per_file_ignored(finding, pfi, root):
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


def _read_lines(path: str) -> list[str]:
    """Lines of a file for code frames, when the per-file phase did not keep them."""
    try:
        return source_lines(decode_source(Path(path).read_bytes()))
    except (OSError, SourceError):
        return []


def _per_file_ignored(finding: Finding, pfi: list[tuple[pathspec.PathSpec, tuple[str, ...]]],
                      root: Path) -> bool:
    path = Path(finding.path)
    absolute = path if path.is_absolute() else (Path.cwd() / path)
    try:
        rel = absolute.resolve().relative_to(root).as_posix()
    except ValueError:
        rel = finding.path
    for spec, codes in pfi:
        if (spec.match_file(rel) or spec.match_file(finding.path)) and any(
                finding.rule_id.startswith(c) for c in codes):
            return True
    return False


__all__ = ["RunResult", "enabled_rules", "finish", "review_source", "run",
           "validate_selectors"]
