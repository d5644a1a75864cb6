"""`check --show-settings FILE`: the configuration one file gets, as TOML a user can read
and paste back (with where it came from as comments)."""

from __future__ import annotations

import json
from pathlib import Path

from .config import Config
from .engine import enabled_rules
from .globs import compile_globs


def _value(value: object) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)


def render_settings(path: Path, config: Config) -> str:
    out = [f"# Settings for {path}"]
    if config.source:
        out.append(f"# from: {config.source}")
        out += [f"# extends: {source}" for source in config.extends]
    else:
        out.append("# from: defaults (no .backendreview.toml or pyproject.toml with "
                   "[tool.backendreview] above this file)")
    out.append(f"# root (globs are relative to it): {config.root}")
    rel = _relative(path, config.root)
    applies = tuple(codes for glob, codes in config.per_file_ignores
                    if compile_globs([glob]).match_file(rel))
    out += [
        "",
        "[tool.backendreview]",
        f"select = {_value(config.select)}",
        f"extend-select = {_value(config.extend_select)}",
        f"ignore = {_value(config.ignore)}",
        f"exclude = {_value(config.exclude) if config.exclude is not None else '(defaults)'}",
        f"extend-exclude = {_value(config.extend_exclude)}",
        f"severity = {_value(config.severity.value)}",
        f"respect-gitignore = {_value(config.respect_gitignore)}",
        f"force-exclude = {_value(config.force_exclude)}",
        "",
        f"# rules enabled for this file: {', '.join(enabled_rules(config)) or 'none'}",
        "# per-file-ignores matching this file: "
        + (", ".join(c for codes in applies for c in codes) or "none"),
    ]
    if config.per_file_ignores:
        out += ["", "[tool.backendreview.per-file-ignores]"]
        out += [f"{_value(glob)} = {_value(codes)}" for glob, codes in config.per_file_ignores]
    for rule_id, options in config.rule_options:
        out += ["", f"[tool.backendreview.rules.{rule_id}]"]
        out += [f"{name} = {_value(value)}" for name, value in options]
    return "\n".join(out) + "\n"


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
