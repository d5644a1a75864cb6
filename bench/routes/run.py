"""Route-table accuracy benchmark: real backends from the package index, a hand-checked
sample of routes each (bench/routes/expected/<app>.json), compared column by column with
what `backendreview routes` finds.

    python bench/routes/run.py [--cache /tmp/backendreview-routes-bench] [--app NAME]

Each app is downloaded once with `pip download --no-deps <package>==<version>` into the
cache directory (outside the repository; nothing downloaded is committed) and unpacked
there. A sampled route is matched by method and full path; a route the tool does not find
counts as wrong on every column. Columns: route (method + full path found), handler, auth,
limit, pagination (each of the last three: present or not), and row (every column right).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]

# name -> (requirement, framework style, paths to review, relative to the unpacked wheel)
APPS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "weblate": ("weblate==5.14.3", "Django + DRF with a project router subclass",
                ("weblate",)),
    "superset": ("apache-superset==6.1.0", "Flask-AppBuilder (BaseApi / ModelRestApi)",
                 ("superset",)),
    "open-webui": ("open-webui==0.12.4", "FastAPI (routers across modules, dependencies)",
                   ("open_webui",)),
    "zou": ("zou==1.0.97", "Flask MethodView route tables registered through a project helper",
            ("zou",)),
    "pretix": ("pretix==2026.8.0", "Django + DRF (nested routers)", ("pretix",)),
    "tribler": ("tribler==7.13.1", "aiohttp (add_routes / add_subapp)", ("tribler/core",)),
    "airflow": ("apache-airflow==2.10.5", "Connexion (OpenAPI spec loaded with safe_load and "
                "handed to FlaskApi, operationIds resolved to endpoint functions)",
                ("airflow/www", "airflow/api_connexion", "airflow/api_internal")),
    "jinjamator": ("jinjamator==0.140.1", "flask-restx (an Api subclass initialised on a "
                   "blueprint in an app factory, namespaces in modules)",
                   ("jinjamator/daemon",)),
    "opsdroid": ("opsdroid==0.31.0", "aiohttp (an app held by a class, connectors adding "
                 "routes to it)", ("opsdroid",)),
    "nautobot-golden-config": ("nautobot-golden-config==3.0.8", "a Nautobot app (the plugin "
                               "loader's prefixes, Nautobot's viewsets and routers, its "
                               "REST_FRAMEWORK defaults)", ("nautobot_golden_config",)),
}
COLUMNS = ("route", "handler", "auth", "limit", "pagination")


def fetch(name: str, cache: Path) -> Path:
    requirement = APPS[name][0]
    target = cache / "src" / name
    if target.is_dir():
        return _source_root(target)
    wheels = cache / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", requirement,
                    "-d", str(wheels)], check=True)
    package = requirement.split("==")[0].replace("-", "_").lower()
    version = requirement.split("==")[1]
    found = [p for p in wheels.iterdir()
             if p.name.lower().replace("-", "_").startswith(f"{package}_{version}") or
             p.name.lower().startswith(f"{package}-{version}")]
    wheel = next((p for p in found if p.suffix == ".whl"), None)
    if wheel is not None:
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(target)
        return target
    # Only a source distribution on the index (opsdroid): unpacked with tarfile's data
    # filter (no links out of the target, no special files).
    sdist = next(p for p in found if p.name.endswith(".tar.gz"))
    with tarfile.open(sdist) as archive:
        archive.extractall(target, filter="data")
    return _source_root(target)


def _source_root(target: Path) -> Path:
    """An unpacked sdist holds one `<name>-<version>/` directory: the sources are in it."""
    inner = [p for p in target.iterdir() if p.is_dir()]
    if len(inner) == 1 and (inner[0] / "PKG-INFO").is_file():
        return inner[0]
    return target


def actual_routes(name: str, source: Path) -> list[dict[str, object]]:
    paths = APPS[name][2]
    done = subprocess.run(
        [sys.executable, "-m", "backendreview", "routes", *paths, "--format", "json"],
        cwd=source, capture_output=True, text=True, check=False,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"})
    if done.returncode not in (0, 1):
        raise SystemExit(f"{name}: backendreview routes failed: {done.stderr[-500:]}")
    return json.loads(done.stdout)


def compare(expected: list[dict[str, object]], actual: list[dict[str, object]]
            ) -> tuple[dict[str, int], list[str]]:
    index: dict[tuple[str, str], dict[str, object]] = {}
    for row in actual:
        key = ("|".join(row["methods"]), str(row["path"]))  # type: ignore[arg-type]
        index.setdefault(key, row)
    right = dict.fromkeys((*COLUMNS, "row"), 0)
    wrong: list[str] = []
    for want in expected:
        got = index.get((str(want["method"]), str(want["path"])))
        shown = f"{want['method']} {want['path']}"
        if got is None:
            wrong.append(f"  missing  {shown}")
            continue
        checks = {
            "route": True,
            "handler": got["handler"] == want["handler"],
            "auth": bool(got["auth"]) == want["auth"],
            "limit": bool(got["rate_limit"]) == want["limit"],
            "pagination": bool(got["pagination"]) == want["pagination"],
        }
        for column, ok in checks.items():
            right[column] += ok
        right["row"] += all(checks.values())
        for column, ok in checks.items():
            if not ok:
                seen = {"handler": got["handler"], "auth": got["auth"],
                        "limit": got["rate_limit"], "pagination": got["pagination"]}[column]
                wrong.append(f"  {column:<10} {shown}: expected {want[column]!r}, got {seen!r}")
    return right, wrong


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=Path("/tmp/backendreview-routes-bench"))
    parser.add_argument("--app", action="append", choices=sorted(APPS))
    parser.add_argument("--verbose", action="store_true", help="list every wrong cell")
    args = parser.parse_args()
    names = args.app or [n for n in APPS if (HERE / "expected" / f"{n}.json").is_file()]
    totals = dict.fromkeys((*COLUMNS, "row"), 0)
    count = 0
    print(f"{'app':<11} {'rows':>4}  " + "  ".join(f"{c:>10}" for c in (*COLUMNS, "row")))
    for name in names:
        expected = json.loads((HERE / "expected" / f"{name}.json").read_text("utf-8"))
        right, wrong = compare(expected, actual_routes(name, fetch(name, args.cache)))
        n = len(expected)
        count += n
        for key, value in right.items():
            totals[key] += value
        print(f"{name:<11} {n:>4}  " + "  ".join(f"{100 * right[c] / n:>9.0f}%"
                                                 for c in (*COLUMNS, "row")))
        if args.verbose:
            print("\n".join(wrong))
    if count:
        print(f"{'all':<11} {count:>4}  " + "  ".join(f"{100 * totals[c] / count:>9.0f}%"
                                                      for c in (*COLUMNS, "row")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
