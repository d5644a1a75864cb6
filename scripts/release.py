#!/usr/bin/env python3
"""Cut a release: version, changelog, commit, tag, build, check; publish only when asked.

    python scripts/release.py 0.2.0             # everything up to the built, checked dist/
    python scripts/release.py 0.2.0 --publish   # ... then push the tag and upload to PyPI

Steps (docs/releasing.md explains each):
1. the work tree is clean and the version is new and greater than the current one;
2. `__version__` in src/backendreview/__init__.py becomes VERSION;
3. CHANGELOG.md's "## Unreleased" entries move under "## VERSION - DATE" (an empty
   Unreleased section stops the release: there would be nothing to announce);
4. one commit "Release VERSION" and an annotated tag vVERSION;
5. sdist and wheel are built into dist/ with hatchling (the project's build backend), the
   wheel is installed into a scratch directory and must answer `--version` with VERSION;
6. with --publish only: `git push` of the branch and the tag, then `twine upload` of the two
   files (credentials come from twine's usual environment / keyring).

Exit status 0 on success, 2 with one line naming the problem otherwise; a failure after the
commit says how to undo it. Nothing is published without --publish.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

VERSION_RE = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
INIT = Path("src/backendreview/__init__.py")
CHANGELOG = Path("CHANGELOG.md")
UNRELEASED = "## Unreleased"


class ReleaseError(Exception):
    pass


def _run(args: list[str], cwd: Path, **kwargs: object) -> str:
    proc = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False,
                          **kwargs)  # type: ignore[call-overload]
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        raise ReleaseError(f"{' '.join(args[:3])} failed: {detail[-1] if detail else '?'}")
    return proc.stdout


def _version_tuple(version: str) -> tuple[int, ...]:
    match = VERSION_RE.match(version)
    if match is None:
        raise ReleaseError(f"version {version!r} is not MAJOR.MINOR.PATCH")
    return tuple(int(part) for part in match.groups())


def current_version(root: Path) -> str:
    match = re.search(r'^__version__ = "([^"]+)"', (root / INIT).read_text(encoding="utf-8"),
                      flags=re.M)
    if match is None:
        raise ReleaseError(f"{INIT}: no __version__ line")
    return match.group(1)


def check_ready(root: Path, version: str) -> None:
    if _run(["git", "status", "--porcelain"], root).strip():
        raise ReleaseError("the work tree has uncommitted changes: commit or stash them")
    current = current_version(root)
    if _version_tuple(version) <= _version_tuple(current):
        raise ReleaseError(f"version {version} is not greater than the current {current}")
    if _run(["git", "tag", "--list", f"v{version}"], root).strip():
        raise ReleaseError(f"tag v{version} already exists")


def bump_version(root: Path, version: str) -> None:
    path = root / INIT
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r'^__version__ = "[^"]+"', f'__version__ = "{version}"', text,
                           flags=re.M), encoding="utf-8")


def released_changelog(root: Path, version: str, date: str) -> str:
    """CHANGELOG.md with the Unreleased entries moved under the new version (not written:
    every check runs before the first file changes)."""
    path = root / CHANGELOG
    if not path.is_file():
        raise ReleaseError(f"{CHANGELOG} is missing")
    text = path.read_text(encoding="utf-8")
    if UNRELEASED not in text:
        raise ReleaseError(f"{CHANGELOG}: no '{UNRELEASED}' section")
    head, rest = text.split(UNRELEASED, 1)
    following = re.search(r"^## ", rest, flags=re.M)
    entries = rest[:following.start()] if following else rest
    tail = rest[following.start():] if following else ""
    if not entries.strip():
        raise ReleaseError(f"{CHANGELOG}: the '{UNRELEASED}' section is empty")
    return (f"{head}{UNRELEASED}\n\n## {version} - {date}\n\n{entries.strip()}\n\n"
            f"{tail}".rstrip() + "\n")


def commit_and_tag(root: Path, version: str) -> None:
    _run(["git", "add", str(INIT), str(CHANGELOG)], root)
    _run(["git", "commit", "-q", "-m", f"Release {version}"], root)
    _run(["git", "tag", "-a", f"v{version}", "-m", f"backendreview {version}"], root)


def build(root: Path, version: str) -> list[Path]:
    dist = root / "dist"
    for old in dist.glob(f"backendreview-{version}*"):
        old.unlink()
    _run([sys.executable, "-m", "hatchling", "build", "-d", str(dist)], root, timeout=600)
    files = sorted(dist.glob(f"backendreview-{version}*"))
    wheels = [f for f in files if f.suffix == ".whl"]
    if len(files) != 2 or len(wheels) != 1:
        raise ReleaseError(f"expected one sdist and one wheel in dist/, found {files}")
    with tempfile.TemporaryDirectory() as scratch:
        _run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
              "--target", scratch, str(wheels[0])], root, timeout=600)
        answer = _run([sys.executable, "-m", "backendreview", "--version"], Path(scratch),
                      env={**os.environ, "PYTHONPATH": scratch}).strip()
    if answer != f"backendreview {version}":
        raise ReleaseError(f"the built wheel says {answer!r}, not backendreview {version}")
    return files


def publish(root: Path, version: str, files: list[Path]) -> None:
    branch = _run(["git", "rev-parse", "--abbrev-ref", "HEAD"], root).strip()
    _run(["git", "push", "origin", branch, f"v{version}"], root, timeout=600)
    _run([sys.executable, "-m", "twine", "upload", *map(str, files)], root, timeout=600)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("version", help="the new version, MAJOR.MINOR.PATCH")
    parser.add_argument("--publish", action="store_true",
                        help="push the branch and tag and upload dist/ to PyPI (twine)")
    parser.add_argument("--date", default=dt.date.today().isoformat(),
                        help="release date for the changelog (default: today)")
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1],
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    root: Path = args.root
    committed = False
    try:
        check_ready(root, args.version)
        changelog = released_changelog(root, args.version, args.date)
        bump_version(root, args.version)
        (root / CHANGELOG).write_text(changelog, encoding="utf-8")
        commit_and_tag(root, args.version)
        committed = True
        files = build(root, args.version)
        for f in files:
            print(f"built {f.relative_to(root)}")
        if args.publish:
            publish(root, args.version, files)
            print(f"published backendreview {args.version}")
        else:
            print(f"v{args.version} is tagged and built, not published; to publish: "
                  f"git push origin HEAD v{args.version} && "
                  f"python -m twine upload dist/backendreview-{args.version}*")
    except ReleaseError as exc:
        undo = (f" (undo: git tag -d v{args.version} && git reset --hard HEAD~1)"
                if committed else "")
        print(f"release: error: {exc}{undo}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
