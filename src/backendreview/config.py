"""Configuration: `[tool.backendreview]` in pyproject.toml, then command-line overrides.

Every key is validated; an unknown key or a bad value is a `ConfigError` whose message
names the file and the key, and the CLI turns it into exit status 2.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .model import Severity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

SELECTOR_RE = re.compile(r"^(ALL|BR\d{0,3})$")


class ConfigError(ValueError):
    """Bad configuration or arguments; the message is one line naming the problem."""


@dataclass(frozen=True)
class Config:
    select: tuple[str, ...] = ()  # empty = the default-enabled rules
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] | None = None  # None = the default excludes
    extend_exclude: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    severity: Severity = Severity.NOTE  # report findings at this level and above
    respect_gitignore: bool = True
    # Apply the excludes to files named on the command line too (pre-commit names each file).
    force_exclude: bool = False
    # Per-rule options from [tool.backendreview.rules.BR301] tables: (rule id, options).
    rule_options: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...] = ()
    # The per-file result cache: on/off and its directory (relative to `root`); the engine
    # uses it only when the caller hands it a cache (the CLI does).
    cache: bool = True
    cache_dir: str | None = None
    source: str | None = None  # the file this came from, for messages
    extends: tuple[str, ...] = ()  # the files `source` extends, nearest first
    # Directory that exclude and per-file-ignores globs are relative to.
    root: Path = field(default_factory=Path.cwd)

    def options_for(self, rule_id: str) -> dict[str, Any]:
        for rule, options in self.rule_options:
            if rule == rule_id:
                return dict(options)
        return {}

    def with_overrides(self, **changes: Any) -> Config:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


_KEYS = {
    "select", "extend-select", "ignore", "extend-ignore", "exclude", "extend-exclude",
    "per-file-ignores", "severity", "respect-gitignore", "rules", "extend", "cache",
    "cache-dir",
}


def _string_list(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: expected a list of strings")
    return tuple(value)


def _globs(value: Any, where: str) -> tuple[str, ...]:
    """A list of gitignore-style globs, each checked to compile."""
    from .globs import compile_globs

    globs = _string_list(value, where)
    for glob in globs:
        try:
            compile_globs([glob])
        except Exception as exc:  # pathspec raises several types for a bad pattern
            raise ConfigError(f"{where}: invalid glob {glob!r} ({exc})") from None
    return globs


def validate_selectors(selectors: tuple[str, ...], known: set[str], where: str) -> None:
    for selector in selectors:
        if not SELECTOR_RE.match(selector):
            raise ConfigError(
                f"{where}: {selector!r} is not a rule code or prefix (e.g. BR101, BR1)")
        if selector != "ALL" and not any(code.startswith(selector) for code in known):
            raise ConfigError(f"{where}: no rule matches {selector!r}")


def parse_config(table: dict[str, Any], source: str, known_rules: set[str],
                 root: Path) -> Config:
    for key in table:
        if key not in _KEYS:
            raise ConfigError(f"{source}: unknown key '{key}' in [tool.backendreview]")
    kwargs: dict[str, Any] = {"source": source, "root": root}
    for key, attr in (("select", "select"), ("extend-select", "extend_select"),
                      ("ignore", "ignore")):
        if key in table:
            values = _string_list(table[key], f"{source}: key '{key}'")
            validate_selectors(values, known_rules, f"{source}: key '{key}'")
            kwargs[attr] = values
    if "extend-ignore" in table:
        # ruff's spelling for "ignore these too": they add to `ignore`.
        where = f"{source}: key 'extend-ignore'"
        more = _string_list(table["extend-ignore"], where)
        validate_selectors(more, known_rules, where)
        kwargs["ignore"] = kwargs.get("ignore", ()) + more
    for key, attr in (("exclude", "exclude"), ("extend-exclude", "extend_exclude")):
        if key in table:
            kwargs[attr] = _globs(table[key], f"{source}: key '{key}'")
    if "per-file-ignores" in table:
        pfi = table["per-file-ignores"]
        where = f"{source}: key 'per-file-ignores'"
        if not isinstance(pfi, dict):
            raise ConfigError(f"{where}: expected a table of glob = [codes]")
        entries = []
        for glob, codes in pfi.items():
            _globs([glob], where)
            codes_t = _string_list(codes, f"{where}.{glob!r}")
            validate_selectors(codes_t, known_rules, f"{where}.{glob!r}")
            entries.append((glob, codes_t))
        kwargs["per_file_ignores"] = tuple(entries)
    if "severity" in table:
        value = table["severity"]
        if not isinstance(value, str):
            raise ConfigError(f"{source}: key 'severity': expected a string")
        try:
            kwargs["severity"] = Severity.parse(value)
        except ValueError as exc:
            raise ConfigError(f"{source}: key 'severity': {exc}") from None
    if "respect-gitignore" in table:
        if not isinstance(table["respect-gitignore"], bool):
            raise ConfigError(f"{source}: key 'respect-gitignore': expected true or false")
        kwargs["respect_gitignore"] = table["respect-gitignore"]
    if "cache" in table:
        if not isinstance(table["cache"], bool):
            raise ConfigError(f"{source}: key 'cache': expected true or false")
        kwargs["cache"] = table["cache"]
    if "cache-dir" in table:
        if not isinstance(table["cache-dir"], str) or not table["cache-dir"].strip():
            raise ConfigError(f"{source}: key 'cache-dir': expected a directory name")
        kwargs["cache_dir"] = table["cache-dir"]
    if "rules" in table:
        kwargs["rule_options"] = _rule_options(table["rules"], source, known_rules)
    return Config(**kwargs)


def _rule_options(value: Any, source: str, known_rules: set[str]) -> tuple[
        tuple[str, tuple[tuple[str, Any], ...]], ...]:
    """[tool.backendreview.rules.BR301] allow = [...]: checked against each rule's OPTIONS."""
    from .checks import declared_options

    where = f"{source}: key 'rules'"
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: expected a table of rule codes")
    out = []
    for rule_id, options in sorted(value.items()):
        if rule_id not in known_rules:
            raise ConfigError(f"{where}: unknown rule {rule_id!r}")
        if not isinstance(options, dict):
            raise ConfigError(f"{where}.{rule_id}: expected a table of options")
        declared = declared_options(rule_id)
        checked = []
        for name, option in sorted(options.items()):
            if name not in declared:
                allowed = ", ".join(sorted(declared)) or "none"
                raise ConfigError(f"{where}.{rule_id}: unknown option '{name}' "
                                  f"(options: {allowed})")
            expected = declared[name]
            ok = isinstance(option, expected) and not (
                expected is not bool and isinstance(option, bool))
            if expected is list:
                ok = isinstance(option, list) and all(isinstance(v, str) for v in option)
                option = tuple(option) if ok else option
            if not ok:
                kind = "a list of strings" if expected is list else expected.__name__
                raise ConfigError(f"{where}.{rule_id}.{name}: expected {kind}")
            checked.append((name, option))
        out.append((rule_id, tuple(checked)))
    return tuple(out)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: not UTF-8 (byte {exc.start})") from None
    except RecursionError:
        raise ConfigError(f"{path}: not valid TOML: nested too deeply") from None


# Looked for in each directory, first match wins (as ruff prefers .ruff.toml to pyproject).
CONFIG_NAMES = (".backendreview.toml", "pyproject.toml")


def _table_of(path: Path, data: dict[str, Any]) -> dict[str, Any] | None:
    """The [tool.backendreview] table; a .backendreview.toml (or --config file) may also
    hold the keys at top level."""
    tool = data.get("tool")
    if isinstance(tool, dict) and "backendreview" in tool:
        table = tool["backendreview"]
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [tool.backendreview] must be a table")
        return table
    if path.name == "pyproject.toml":
        return None
    return {k: v for k, v in data.items() if k != "tool"} if isinstance(tool, dict) else data


def find_config(start: Path) -> Path | None:
    """The nearest .backendreview.toml, or pyproject.toml with a [tool.backendreview] table,
    walking up from `start`."""
    current = start.resolve()
    if current.is_file() or not current.exists():
        current = current.parent
    for directory in (current, *current.parents):
        for name in CONFIG_NAMES:
            candidate = directory / name
            if candidate.is_file() and _table_of(candidate, _read_toml(candidate)) is not None:
                return candidate
    return None


# Keys whose values add up along an `extend` chain instead of replacing the parent's.
_ADDITIVE = ("extend-select", "extend-ignore", "extend-exclude")


def _resolved_table(path: Path, seen: tuple[Path, ...] = ()) -> tuple[dict[str, Any],
                                                                      tuple[str, ...]]:
    """The table of `path` with its `extend = "../pyproject.toml"` chain applied (the
    extending file wins key by key; extend-* lists, per-file-ignores and rule tables add up),
    and the files it was read from, nearest first."""
    resolved = path.resolve()
    if resolved in seen:
        chain = " -> ".join(str(p) for p in (*seen, resolved))
        raise ConfigError(f"{path}: key 'extend': the files extend each other ({chain})")
    if not path.is_file():
        where = f"{seen[-1]}: key 'extend'" if seen else "--config"
        raise ConfigError(f"{where}: {path}: no such file")
    table = _table_of(path, _read_toml(path))
    if table is None and not seen:
        table = {}  # --config pyproject.toml without the table: the defaults
    if table is None:
        raise ConfigError(f"{seen[-1] if seen else path}: key 'extend': {path} has no "
                          "[tool.backendreview] table")
    table = dict(table)
    parent_ref = table.pop("extend", None)
    if parent_ref is None:
        return table, (str(path),)
    if not isinstance(parent_ref, str):
        raise ConfigError(f"{path}: key 'extend': expected a path to a TOML file")
    parent_path = Path(parent_ref).expanduser()
    if not parent_path.is_absolute():
        parent_path = (path.parent / parent_path).resolve()
    parent, sources = _resolved_table(parent_path, (*seen, resolved))
    merged = dict(parent)
    for key, value in table.items():
        if key in _ADDITIVE and isinstance(value, list) and isinstance(merged.get(key), list):
            merged[key] = [*merged[key], *value]
        elif key in ("per-file-ignores", "rules") and isinstance(value, dict) and isinstance(
                merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged, (str(path), *sources)


def read_config(path: Path, known_rules: set[str]) -> Config:
    """The configuration in one file (with what it extends); its directory is the root that
    exclude and per-file-ignores globs are relative to."""
    table, sources = _resolved_table(path)
    config = parse_config(table, str(path), known_rules, path.resolve().parent)
    return replace(config, extends=sources[1:])


def load_config(paths: list[Path], config_file: Path | None, known_rules: set[str]) -> Config:
    if config_file is not None:
        if not config_file.is_file():
            raise ConfigError(f"--config: {config_file}: no such file")
        return read_config(config_file, known_rules)
    found = find_config(paths[0] if paths else Path.cwd())
    if found is None:
        return Config(root=Path.cwd())
    return read_config(found, known_rules)


class ConfigResolver:
    """The configuration each file gets: the nearest configuration file above it (or the
    `--config` file for every file), with the command line's overrides applied on top.
    Looked up once per directory."""

    def __init__(self, known_rules: set[str], config_file: Path | None = None,
                 overrides: Callable[[Config], Config] | None = None) -> None:
        self.known_rules = known_rules
        self.overrides = overrides or (lambda config: config)
        self._fixed = (self.overrides(read_config(config_file, known_rules))
                       if config_file is not None else None)
        self._by_file: dict[Path, Config] = {}
        self._by_directory: dict[Path, Path | None] = {}

    def _nearest(self, directory: Path) -> Path | None:
        if directory not in self._by_directory:
            found = None
            for name in CONFIG_NAMES:
                candidate = directory / name
                if candidate.is_file() and _table_of(candidate,
                                                     _read_toml(candidate)) is not None:
                    found = candidate
                    break
            if found is None and directory.parent != directory:
                found = self._nearest(directory.parent)
            self._by_directory[directory] = found
        return self._by_directory[directory]

    def for_path(self, path: Path) -> Config:
        if self._fixed is not None:
            return self._fixed
        if path.is_absolute() and path.suffix in (".py", ".pyi"):
            directory = path.parent  # a discovered file: already resolved, no stat needed
        else:
            resolved = path.resolve()
            directory = resolved if resolved.is_dir() else resolved.parent
        found = self._nearest(directory)
        key = found if found is not None else Path()
        if key not in self._by_file:
            base = read_config(found, self.known_rules) if found else Config(root=Path.cwd())
            self._by_file[key] = self.overrides(base)
        return self._by_file[key]
