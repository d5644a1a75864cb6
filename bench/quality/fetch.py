"""Download and unpack the quality corpus outside the repository (cached).

    python bench/quality/fetch.py [--dest /tmp/brq] [--only APP ...]

Each app is its published wheel, fetched with pip from the package index, checked against the
sha256 pinned in corpus.yaml and unpacked into DEST/apps/<name>-<version>/. An app already
unpacked is left alone. Nothing is installed and nothing of the apps is imported or run.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import DEFAULT_DEST, App, load_corpus, select

DONE_MARK = ".brq-complete"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _download(app: App, cache: Path) -> Path:
    cache.mkdir(parents=True, exist_ok=True)
    for wheel in cache.glob("*.whl"):
        if _sha256(wheel) == app.sha256:
            return wheel
    # --ignore-requires-python: the wheel is only unpacked, so the local interpreter's version
    # must not hide releases made for a newer or older Python.
    cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
           "--only-binary=:all:", "--ignore-requires-python", "--dest", str(cache),
           f"{app.package}=={app.version}"]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()[-1:] or ["(no output)"]
        raise RuntimeError(f"pip download {app.package}=={app.version} failed: {tail[0]}")
    for wheel in cache.glob("*.whl"):
        if _sha256(wheel) == app.sha256:
            return wheel
    raise RuntimeError(f"{app.package}=={app.version}: no downloaded wheel has the pinned sha256")


def fetch(app: App, dest: Path) -> Path:
    root = app.root(dest)
    if (root / DONE_MARK).exists():
        return root
    wheel = _download(app, dest / "wheels" / app.name)
    partial = root.with_name(root.name + ".partial")
    for leftover in (root, partial):  # a half-finished unpack from an interrupted run
        if leftover.exists():
            shutil.rmtree(leftover)
    partial.mkdir(parents=True)
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(partial)  # zipfile drops absolute paths and '..' parts itself
    (partial / DONE_MARK).write_text(f"{wheel.name}\n", encoding="utf-8")
    partial.rename(root)
    return root


def fetch_all(apps: list[App], dest: Path) -> list[App]:
    """Fetch each app; report failures and return the apps that are ready."""
    ready = []
    for app in apps:
        try:
            fetch(app, dest)
        except (RuntimeError, OSError, zipfile.BadZipFile) as exc:
            print(f"fetch: {app.name}: {exc}", file=sys.stderr)
            continue
        ready.append(app)
    return ready


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dest", type=Path, default=DEFAULT_DEST)
    parser.add_argument("--only", nargs="*", metavar="APP")
    parser.add_argument("--half", choices=("validation", "tuning"))
    args = parser.parse_args(argv)
    apps = select(load_corpus(), args.only, args.half)
    ready = fetch_all(apps, args.dest.resolve())
    for app in ready:
        print(f"{app.name:18} {app.version:10} {app.root(args.dest.resolve())}")
    return 0 if len(ready) == len(apps) else 1


if __name__ == "__main__":
    raise SystemExit(main())
