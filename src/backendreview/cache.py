"""The content-hash cache of per-file results (`.backendreview_cache`).

An entry maps (tool fingerprint, the per-file part of the config, rule selection, fact
collectors, display path, file bytes) to the whole `FileResult` of that file — findings,
facts, suppressions, lines — so a re-run answers an unchanged file without parsing it.
Every field is stored generically: a new fact kind needs no change here. One more entry per
configuration holds the project rules' findings of the last run, keyed by every file's entry
key: a re-run with nothing changed skips the project phase (ORM index, route table,
program model); after an edit it reruns from the cached facts.

Safety:
- Writes go to a unique temporary file in the entry's directory, then `os.replace`: a
  concurrent run sees the old entry, the new one, or none; never half of one.
- Anything wrong with an entry (truncated, garbage, wrong version, a class we do not know)
  is a miss, never a crash; the entry is rewritten after the file is reviewed.
- Entries are unpickled by a restricted unpickler that builds only plain containers and
  backendreview's own data classes, so a planted cache file cannot run code.
- The tool fingerprint hashes the package's own source and rule files: any change to the
  reviewer invalidates every entry without a version bump.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import hashlib
import io
import os
import pickle
import secrets
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import __version__
from .config import Config
from .model import FileResult, Finding

CACHE_DIR_NAME = ".backendreview_cache"
# Bump when the entry layout changes in a way the fingerprint would not see.
_FORMAT = b"backendreview-cache-1"
# Config fields that only discovery or the project-wide finish step read: changing them must
# not throw away per-file results.
_NOT_PER_FILE = frozenset({"source", "exclude", "extend_exclude", "force_exclude",
                           "respect_gitignore", "per_file_ignores", "severity", "cache",
                           "cache_dir"})
_SAFE_BUILTINS = frozenset({"set", "frozenset", "list", "dict", "tuple", "bytearray",
                            "complex", "slice", "range"})
_SAFE_OTHER = frozenset({("collections", "OrderedDict"), ("collections", "defaultdict"),
                         ("collections", "deque"), ("collections", "Counter"),
                         ("pathlib", "PurePosixPath"), ("pathlib", "PosixPath")})


@lru_cache(maxsize=1)
def tool_fingerprint() -> bytes:
    """A hash of the reviewer itself: version, every module and every rule file."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256(_FORMAT + __version__.encode())
    files = sorted(package.rglob("*.py"))
    from .metadata import rules_dir

    files += sorted(rules_dir().glob("*.yaml"))
    for path in files:
        digest.update(path.name.encode())
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"?")
    return digest.digest()


def config_fingerprint(config: Config) -> bytes:
    """The config fields a per-file review may read, in a stable spelling."""
    fields = [(f.name, repr(getattr(config, f.name))) for f in dataclasses.fields(config)
              if f.name not in _NOT_PER_FILE]
    return hashlib.sha256(repr(fields).encode()).digest()


class _SafeUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module == "builtins" and name in _SAFE_BUILTINS) or (module, name) in _SAFE_OTHER:
            return super().find_class(module, name)
        if module == "backendreview" or module.startswith("backendreview."):
            obj = super().find_class(module, name)
            if isinstance(obj, type) and (dataclasses.is_dataclass(obj)
                                          or issubclass(obj, (enum.Enum, tuple, frozenset))):
                return obj
        if module in ("ast", "_ast"):
            import ast

            obj = getattr(ast, name, None)
            if isinstance(obj, type) and issubclass(obj, ast.AST):
                return obj
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a cache entry")


class ResultCache:
    """Entries of one run: the key prefix is fixed by the tool, config and rule selection."""

    def __init__(self, directory: Path, config: Config, rules: tuple[str, ...],
                 collect: tuple[str, ...] | None) -> None:
        self.directory = directory
        prefix = hashlib.sha256(tool_fingerprint() + config_fingerprint(config))
        prefix.update(repr((rules, collect)).encode())
        self._prefix = prefix.digest()
        self._prepared = False

    def key(self, shown_path: str, data: bytes, module: str = "") -> str:
        """`module`: the file's dotted module name, which its review depends on and which
        the shown path alone does not decide (it follows the argument's import root)."""
        digest = hashlib.sha256(self._prefix)
        digest.update(shown_path.encode("utf-8", "surrogateescape") + b"\0")
        digest.update(module.encode("utf-8", "surrogateescape") + b"\0")
        digest.update(data)
        return digest.hexdigest()

    def _entry(self, key: str) -> Path:
        return self.directory / key[:2] / key[2:]

    def load(self, key: str) -> FileResult | None:
        try:
            raw = self._entry(key).read_bytes()
        except OSError:
            return None
        try:
            if not raw.startswith(_FORMAT):
                return None
            value = _SafeUnpickler(io.BytesIO(raw[len(_FORMAT):])).load()
        except Exception:  # a broken entry, whatever the breakage, is a miss
            return None
        return value if isinstance(value, FileResult) else None

    def store(self, key: str, result: FileResult) -> None:
        """Best effort: a read-only or full disk costs the next run time, not this one."""
        self._write(self._entry(key), result)

    # -- the project phase -------------------------------------------------------------------
    def project_key(self, parts: Iterable[bytes]) -> str:
        """The key of a run's project phase: this cache's prefix (tool, per-file config,
        rules, collectors) and `parts`, which the caller builds from every file's entry key
        (the facts are a function of it) and the configuration the project rules read."""
        digest = hashlib.sha256(self._prefix + b"project\0")
        for part in parts:
            digest.update(hashlib.sha256(part).digest())
        return digest.hexdigest()

    def _project_entry(self) -> Path:
        # One entry per configuration and rule selection, overwritten by each run: the
        # project phase of an older state of the tree is never asked for again.
        return self.directory / "project" / self._prefix.hex()

    def load_project(self, key: str) -> list[Finding] | None:
        """The project rules' findings of a run whose key was `key`, or None (a miss)."""
        try:
            raw = self._project_entry().read_bytes()
        except OSError:
            return None
        try:
            if not raw.startswith(_FORMAT):
                return None
            stored, findings = _SafeUnpickler(io.BytesIO(raw[len(_FORMAT):])).load()
        except Exception:  # a broken entry, whatever the breakage, is a miss
            return None
        if stored != key or not isinstance(findings, list) or not all(
                isinstance(f, Finding) for f in findings):
            return None
        return findings

    def store_project(self, key: str, findings: list[Finding]) -> None:
        self._write(self._project_entry(), (key, findings))

    def _write(self, entry: Path, value: object) -> None:
        """Best effort, atomic: a read-only or full disk costs the next run time."""
        try:
            self._prepare()
            entry.parent.mkdir(exist_ok=True)
            payload = _FORMAT + pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            temporary = entry.parent / f".{entry.name}.{os.getpid()}.{secrets.token_hex(4)}"
            try:
                temporary.write_bytes(payload)
                os.replace(temporary, entry)
            finally:
                if temporary.exists():
                    temporary.unlink()
        except (OSError, pickle.PicklingError, TypeError, AttributeError):
            return

    def _prepare(self) -> None:
        """Create the directory, marked so that git and backup tools leave it alone."""
        if self._prepared:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        for name, text in (
                (".gitignore", "# Created by backendreview\n*\n"),
                ("CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc55\n"
                                 "# backendreview's cache; see https://bford.info/cachedir/\n")):
            marker = self.directory / name
            if not marker.exists():
                with contextlib.suppress(OSError):
                    marker.write_text(text, encoding="utf-8")
        self._prepared = True


def default_cache_dir(config: Config) -> Path:
    configured = getattr(config, "cache_dir", None)
    if configured:
        path = Path(configured)
        return path if path.is_absolute() else config.root / path
    return config.root / CACHE_DIR_NAME


__all__ = ["CACHE_DIR_NAME", "ResultCache", "config_fingerprint", "default_cache_dir",
           "tool_fingerprint"]
