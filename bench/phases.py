"""Per-part CPU of the per-file phase, in one process: which rule or fact producer costs what.

    python bench/phases.py TREE [--select BR101,BR401] [--producers] [--time MODULE:FUNCTION]
                               [--top 40] [--files 10]

cProfile charges every small Python call far more than it costs and barely sees work done
in C (regular expressions, comprehensions, pickling): its shares mislead once the many-call
code is gone. This harness instead reads the process's CPU clock (`time.process_time`)
around each part of the engine's own per-file pass (`engine.review_source`, run unchanged on
every file of TREE with one process and no cache):

- parsing, the semantic model's build, suppression parsing;
- each rule's and collector's `__init__`, each of its `visit_*` methods and its `end_file`;
- each function named by `--time` (and with `--producers` the fact producers listed in
  `_PRODUCERS`), inclusive of what it calls, replaced wherever a backendreview module holds
  it;
- pickling each fact kind the files emit (the facts cross the worker boundary and go into
  the cache): CPU seconds and bytes, and the whole `FileResult`s.

Each timed call reads the clock twice (about a microsecond each, a system call): a part
asked of every node (a rule's `visit_Call`, a producer run per call) carries that much per
call, and the part around it too. So fine-grained producers are opt-in, and a saving smaller
than the overhead shows only in whole-process CPU (`bench/alternate.py --jobs 1`). Compare
two versions' tables from the same machine and load, never a table against a whole-process
time. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import functools
import gc
import importlib
import pickle
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

# The per-file fact producers worth a row of their own (issue 14, sessions 9-10): each is
# timed inclusive of its callees, so rows may nest (a producer inside a rule's visitor).
_PRODUCERS = (
    "backendreview.analysis.frameworks.eve:file_facts",
    "backendreview.analysis.frameworks.eve:_call_fact",
    "backendreview.analysis.frameworks.eve:_registrar",
    "backendreview.analysis.frameworks.eve:_class_fact",
    "backendreview.checks.br101_calls:FlowRecorder.call",
    "backendreview.checks.br101_calls:FlowRecorder._record_derived",
    "backendreview.checks.br101_calls:FlowRecorder.sink",
    "backendreview.checks.br101_calls:FlowRecorder.returned",
    "backendreview.checks.br401_helper_text:record_text_returns",
    "backendreview.checks.br401_calls:_names_in",
    "backendreview.checks.br101_origins:parameters_behind",
)

_clock = time.process_time
_spent: dict[str, float] = defaultdict(float)
_calls: dict[str, int] = defaultdict(int)


def _timed(label: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def run(*args: Any, **kwargs: Any) -> Any:
        start = _clock()
        try:
            return function(*args, **kwargs)
        finally:
            _spent[label] += _clock() - start
            _calls[label] += 1
    run.__wrapped_by_phases__ = True  # type: ignore[attr-defined]
    return run


def _resolve(spec: str) -> tuple[Any, str, Any] | None:
    """(the object holding it, attribute name, function) for MODULE:NAME or
    MODULE:CLASS.METHOD; None when the name is not there (in this version)."""
    module_name, _, qualname = spec.partition(":")
    try:
        owner: Any = importlib.import_module(module_name)
    except ImportError:
        return None
    *path, name = qualname.split(".")
    for part in path:
        owner = getattr(owner, part, None)
        if owner is None:
            return None
    function = getattr(owner, name, None)
    return None if function is None else (owner, name, function)


def _wrap_everywhere(spec: str) -> bool:
    """Replace the function of `spec` by a timed one in its module and in every loaded
    backendreview module that imported it by name."""
    found = _resolve(spec)
    if found is None:
        return False
    owner, name, function = found
    timed = _timed(spec.rpartition(":")[2], function)
    setattr(owner, name, timed)
    for module in list(sys.modules.values()):
        if getattr(module, "__name__", "").startswith("backendreview"):
            for attr, value in list(vars(module).items()):
                if value is function:
                    setattr(module, attr, timed)
    return True


def _wrap_rule_class(cls: type, label: str) -> None:
    # `visit_*` (the rules) or `visit` (the program collector, by its level's node kinds)
    methods = {"__init__", "end_file",
               *(a for a in dir(cls) if a.startswith("visit") and a != "visitors")}
    for method in methods:
        function = getattr(cls, method, None)
        if function is None or getattr(function, "__wrapped_by_phases__", False):
            continue
        setattr(cls, method, _timed(f"{label}.{method}", function))


def _instrument(extra: list[str]) -> list[str]:
    from backendreview import engine, semantic
    from backendreview.analysis.frameworks.collector import RouteCollector
    from backendreview.analysis.program import ProgramCollector
    from backendreview.checks import FILE_RULES

    for rule_id, cls in FILE_RULES.items():
        _wrap_rule_class(cls, rule_id)
    _wrap_rule_class(RouteCollector, "routes")
    _wrap_rule_class(ProgramCollector, "program")
    engine.parse_source = _timed("ast.parse (parse_source)", engine.parse_source)
    semantic.SemanticBuilder.build = _timed("semantic model build",
                                            semantic.SemanticBuilder.build)
    engine.parse_suppressions = _timed("suppressions", engine.parse_suppressions)
    return [spec for spec in extra if not _wrap_everywhere(spec)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", type=Path)
    parser.add_argument("--select", help="comma-separated rule selectors (default: the "
                        "configured default rules)")
    parser.add_argument("--time", action="append", default=[], metavar="MODULE:FUNCTION",
                        help="also time this function (repeatable)")
    parser.add_argument("--producers", action="store_true",
                        help="also time the per-file fact producers of _PRODUCERS")
    parser.add_argument("--top", type=int, default=40, help="rows shown (default 40)")
    parser.add_argument("--files", type=int, default=0, metavar="N",
                        help="also show the N files whose review took the most CPU "
                        "(a superlinear file shows here, not in the per-part rows)")
    args = parser.parse_args()
    if not args.tree.is_dir():
        parser.error(f"not a directory: {args.tree}")

    from backendreview import engine
    from backendreview.config import Config

    missing = _instrument([*(_PRODUCERS if args.producers else ()), *args.time])
    root = args.tree.resolve()
    select = tuple(args.select.split(",")) if args.select else None
    config = Config(root=root, select=select) if select else Config(root=root)

    results: list[Any] = []
    per_file: dict[str, float] = {}
    original = engine.review_source

    def keep(*a: Any, **k: Any) -> Any:
        began = _clock()
        result = original(*a, **k)
        per_file[str(a[1]) if len(a) > 1 else str(k.get("path"))] = _clock() - began
        results.append(result)
        return result

    engine.review_source = _timed("per-file total (review_source)", keep)
    start = _clock()
    engine.run([root], config, jobs=1)  # no cache_dir: no cache
    whole = _clock() - start

    sizes: dict[str, int] = defaultdict(int)
    gc.disable()  # as in the workers (engine._gc_paused_during): no collection mid-pickle
    for result in results:
        for kind, facts in result.facts.items():
            began = _clock()
            blob = pickle.dumps(facts, pickle.HIGHEST_PROTOCOL)
            _spent[f"pickle facts[{kind}]"] += _clock() - began
            sizes[f"pickle facts[{kind}]"] += len(blob)
        began = _clock()
        blob = pickle.dumps(result, pickle.HIGHEST_PROTOCOL)
        _spent["pickle FileResult (all)"] += _clock() - began
        sizes["pickle FileResult (all)"] += len(blob)

    print(f"{args.tree}: {len(results)} files, whole run {whole:.2f} CPU s "
          f"(one process, no cache, select {args.select or 'default'})")
    if missing:
        print(f"not in this version: {', '.join(missing)}")
    print(f"{'part':64} {'CPU s':>8} {'calls':>9} {'KiB':>9}")
    rows = sorted(_spent.items(), key=lambda item: (-item[1], item[0]))
    for label, seconds in rows[:args.top]:
        size = f"{sizes[label] / 1024:9.0f}" if label in sizes else ""
        print(f"{label[:64]:64} {seconds:8.3f} {_calls.get(label, 0) or '':>9} {size:>9}")
    if args.files:
        print(f"\n{'file':64} {'CPU s':>8}")
        for path, seconds in sorted(per_file.items(), key=lambda item: (-item[1], item[0]))[
                :args.files]:
            print(f"{path[-64:]:64} {seconds:8.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
