"""The wheel carries rules/ and an installed (non-editable) package finds it at run time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(out), str(ROOT)],
        capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (built,) = out.glob("backendreview-*.whl")
    return built


def test_wheel_contains_rule_yaml(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    yaml_files = sorted(n for n in names if n.startswith("backendreview/rules/"))
    expected = sorted(f"backendreview/rules/{p.name}" for p in (ROOT / "rules").glob("*.yaml"))
    assert yaml_files == expected
    assert "backendreview/cli.py" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "backendreview = backendreview.launcher:entry" in text
    assert "[flake8.extension]\nBR = backendreview.flake8_plugin:Plugin" in text


def test_installed_wheel_finds_rules_and_reviews(wheel, tmp_path):
    target = tmp_path / "site"
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--target",
         str(target), str(wheel)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    env = {**os.environ, "PYTHONPATH": str(target)}
    probe = subprocess.run(
        [sys.executable, "-c",
         "import backendreview.metadata as m, json; "
         "print(json.dumps([str(m.rules_dir()), m.__file__, sorted(m.load_rule_docs())]))"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert probe.returncode == 0, probe.stderr
    rules_dir, module_file, ids = json.loads(probe.stdout)
    assert Path(module_file).is_relative_to(target)
    assert Path(rules_dir) == target / "backendreview" / "rules"
    assert "BR101" in ids
    review = subprocess.run(
        [sys.executable, "-m", "backendreview", "check", str(ROOT / "fixtures" / "sample_app"),
         "--format", "json"], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert review.returncode == 1, review.stderr
    found = {(f["rule"], f["path"].split("sample_app/")[-1], f["start_line"])
             for f in json.loads(review.stdout)["findings"]}
    # the seeded mistakes of MISTAKES.md that the installed rules cover
    assert {("BR101", "app/routers/reports.py", 24), ("BR102", "app/routers/reports.py", 63),
            ("BR201", "app/routers/users.py", 59), ("BR203", "app/settings.py", 9)} <= found
    # BR301/BR303 come from the route model: the frameworks package ships too.
    assert {("BR301", "app/routers/books.py", 31), ("BR303", "app/routers/books.py", 15)} <= found
