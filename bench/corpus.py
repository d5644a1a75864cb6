"""The fixed benchmark corpus: real backends at pinned versions, fetched from the package
index into a directory outside the repository (never committed).

    python bench/corpus.py [--dest /tmp/backendreview-bench]    # prints the tree paths

All of them are in the tuning half of the quality corpus (see the engineering notes): the
performance work may look at them freely.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import zipfile
from pathlib import Path

DEFAULT_DEST = Path("/tmp/backendreview-bench")

# name, pinned version, top-level package directories to review
CORPUS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("wagtail", "8.0.1", ("wagtail",)),  # Django + DRF, 1,379 files, 272 kLOC
    ("pretix", "2026.8.0", ("pretix",)),  # Django + DRF, 994 files, 181 kLOC
    ("apache-superset", "6.1.0", ("superset",)),  # Flask + SQLAlchemy, 1,176 files, 200 kLOC
    ("label-studio", "1.23.2", ("label_studio",)),  # Django + DRF, 669 files, 86 kLOC
    ("fastapi-users", "15.0.5", ("fastapi_users",)),  # FastAPI, 35 files, 3 kLOC
)


def fetch(dest: Path = DEFAULT_DEST) -> dict[str, Path]:
    """Download (once) and unpack every pinned wheel; return name -> tree to review."""
    wheels = dest / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    trees: dict[str, Path] = {}
    for name, version, packages in CORPUS:
        tree = dest / f"{name}-{version}"
        if not (tree / ".complete").exists():
            found = _wheel(wheels, name, version)
            if found is None:
                subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps",
                                "--only-binary", ":all:", "-q", "-d", str(wheels),
                                f"{name}=={version}"], check=True)
                found = _wheel(wheels, name, version)
            if found is None:
                raise SystemExit(f"bench: no wheel for {name}=={version}")
            with zipfile.ZipFile(found) as archive:
                members = [m for m in archive.namelist()
                           if m.split("/")[0] in packages and m.endswith(".py")]
                archive.extractall(tree, members)
            (tree / ".complete").write_text("", encoding="utf-8")
        trees[name] = tree
    return trees


def _wheel(wheels: Path, name: str, version: str) -> Path | None:
    stem = name.replace("-", "_").lower()
    for path in wheels.glob("*.whl"):
        parts = path.name.split("-")
        if parts[0].lower() == stem and parts[1] == version:
            return path
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dest", type=Path, default=DEFAULT_DEST)
    args = parser.parse_args()
    for name, tree in fetch(args.dest).items():
        print(f"{name}\t{tree}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
