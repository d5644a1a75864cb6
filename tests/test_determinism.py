"""Determinism (issue 15): the same input gives byte-identical JSON and SARIF, run after
run, whatever the number of worker processes, with the result cache cold or warm."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from backendreview.config import Config
from backendreview.engine import all_rule_ids, run
from backendreview.reporters import json_report, sarif

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    # Every fixture (over 100 files: above the parallel threshold) in a copy, so that the
    # runs see the same tree and nothing else.
    target = tmp_path_factory.mktemp("determinism") / "fixtures"
    shutil.copytree(ROOT / "fixtures", target)
    config = Config(root=target, select=("ALL",))
    rules = tuple(sorted(all_rule_ids()))
    out = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(target)
        cache = target.parent / "cache"
        for label, jobs, cache_dir in (("first", 1, None), ("again", 1, None),
                                       ("parallel", 3, None), ("cache cold", 3, cache),
                                       ("cache warm", 1, cache)):
            result = run([Path(".")], config, jobs=jobs, rules=rules, cache_dir=cache_dir)
            out[label] = (json_report.render(result).encode("utf-8"),
                          sarif.render(result).encode("utf-8"))
    return out


@pytest.mark.parametrize(("fmt", "index"), [("json", 0), ("sarif", 1)])
def test_runs_and_job_counts_give_identical_bytes(reports, fmt, index):
    first = reports["first"][index]
    assert b'"BR101"' in first  # a real report, not an empty one
    assert reports["again"][index] == first
    assert reports["parallel"][index] == first
    assert reports["cache cold"][index] == first
    assert reports["cache warm"][index] == first
