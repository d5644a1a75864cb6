"""The quality benchmark's corpus file and where its apps live on disk (shared by the scripts)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
CORPUS_FILE = HERE / "corpus.yaml"
LABELS_DIR = HERE / "labels"
DEFAULT_DEST = Path("/tmp/brq")
HALVES = ("validation", "tuning")


@dataclass(frozen=True)
class App:
    name: str
    package: str
    version: str
    framework: str
    half: str
    sha256: str

    def root(self, dest: Path) -> Path:
        """Where the app's unpacked wheel lives: label paths are relative to this."""
        return dest / "apps" / f"{self.name}-{self.version}"

    def result(self, dest: Path) -> Path:
        return dest / "results" / f"{self.name}.json"


def load_corpus(path: Path = CORPUS_FILE) -> list[App]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    apps = []
    for entry in data["apps"]:
        app = App(name=entry["name"], package=entry["package"], version=str(entry["version"]),
                  framework=entry["framework"], half=entry["half"], sha256=entry["sha256"])
        if app.half not in HALVES:
            raise ValueError(f"{path}: app {app.name}: half must be one of {HALVES}")
        apps.append(app)
    names = [a.name for a in apps]
    if len(set(names)) != len(names):
        raise ValueError(f"{path}: an app name appears twice")
    return apps


def select(apps: list[App], names: list[str] | None, half: str | None) -> list[App]:
    chosen = [a for a in apps if (not names or a.name in names) and (not half or a.half == half)]
    unknown = set(names or []) - {a.name for a in apps}
    if unknown:
        raise SystemExit(f"unknown app(s): {', '.join(sorted(unknown))}")
    return chosen
