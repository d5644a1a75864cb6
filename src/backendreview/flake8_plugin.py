"""flake8 plugin (entry point `BR` in `flake8.extension`): backendreview in every editor that
runs flake8 (VS Code's flake8 extension, pylsp, vim/ALE...) and in existing flake8 set-ups.

- No second parse: the engine runs on the `tree` flake8 already built and the `lines` it read
  (for an editor buffer these come from stdin, not from the file on disk).
- flake8 never reads pyproject.toml, so `[tool.backendreview]` is found here, walking up from
  the file (or from the working directory for stdin), once per directory per process.
- Editor profile: per-file rules only. Project-phase rules need every file of the project,
  which a linter run on one buffer does not have; `--br-project-rules` (or
  `br-project-rules = true` in the flake8 config) runs them over the one file anyway.
- `exclude` / `extend-exclude` of that configuration apply: an excluded file gets no
  findings, as with `backendreview check` (flake8's own exclude is flake8's business).
- `# backendreview: ignore[BR101]` works as on the command line (statement-wide); `# noqa`
  is left to flake8, which applies it to the line it reports (and honours --disable-noqa).
"""

from __future__ import annotations

import ast
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from . import __version__

if TYPE_CHECKING:
    from .config import Config

LOG = logging.getLogger("backendreview")

# flake8 imports every installed plugin at start-up, even when no BR code is selected, so
# this module imports nothing heavy: the engine, the rules and their docs are loaded by the
# first `run` of each process.
_CONFIGS: dict[Path, tuple[Config | None, str | None]] = {}


def _config_for(filename: str) -> tuple[Config | None, str | None]:
    """(config, None) or (None, error message) for the file's directory, cached."""
    path = Path(filename)
    directory = (path.parent if filename not in ("stdin", "-") else Path(".")).resolve()
    cached = _CONFIGS.get(directory)
    if cached is None:
        from .config import Config, ConfigError, find_config, read_config
        from .engine import all_rule_ids

        try:
            found = find_config(directory)
            config = read_config(found, all_rule_ids()) if found else Config(root=Path.cwd())
            cached = (config, None)
        except ConfigError as exc:
            cached = (None, str(exc))
        _CONFIGS[directory] = cached
    return cached


def _any_code_selected(options: Any) -> bool:
    """Whether flake8 would report at least one BR code under these options."""
    try:
        from flake8.style_guide import Decision, DecisionEngine

        decide = DecisionEngine(options).decision_for
        from .metadata import rules_dir

        # Rule files are named by code (BR101-raw-sql.yaml): no YAML needs parsing here.
        codes = [p.name.split("-", 1)[0] for p in rules_dir().glob("BR*.yaml")]
        return any(decide(code) is Decision.Selected for code in codes)
    except Exception:  # another flake8 API: run, and let flake8 filter as before
        return True


def _display(filename: str) -> str:
    return filename[2:] if filename.startswith("./") else filename


class Plugin:
    name = "backendreview"
    version = __version__
    project_rules: ClassVar[bool] = False
    # False when flake8's --select / --ignore leave no BR code to report: flake8 runs every
    # installed plugin on every file and filters afterwards, so `flake8 --select E` would
    # otherwise pay for a full review it then throws away.
    selected: ClassVar[bool] = True

    def __init__(self, tree: ast.AST, lines: list[str], filename: str) -> None:
        self.tree = tree
        self.lines = lines
        self.filename = filename

    @classmethod
    def add_options(cls, manager: Any) -> None:
        manager.add_option(
            "--br-project-rules", action="store_true", default=False, parse_from_config=True,
            help="backendreview: also run project-phase rules (routes, settings) over the "
                 "single file being checked. Off by default: they need the whole project.")

    @classmethod
    def parse_options(cls, options: Any) -> None:
        cls.project_rules = bool(getattr(options, "br_project_rules", False))
        cls.selected = _any_code_selected(options)

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        if not self.selected:
            return
        config, error = _config_for(self.filename)
        if config is None:
            # flake8 has no channel for a configuration error; show it where the user looks.
            yield 1, 0, f"BR000 backendreview configuration error: {error}", type(self)
            return
        from .checks import PROJECT_RULES
        from .discovery import excluded_by, file_module
        from .engine import enabled_rules, finish, review_source
        from .metadata import load_rule_docs
        from .suppression import parse_suppressions

        if self.filename not in ("stdin", "-") and excluded_by(Path(self.filename), config):
            return
        docs = load_rule_docs()
        rules = enabled_rules(config, docs)
        if not self.project_rules:
            # Project rules need the whole project, except those that also decide well on
            # one file (BR101's project half only withdraws findings it can prove constant).
            rules = tuple(r for r in rules if r not in PROJECT_RULES
                          or PROJECT_RULES[r].one_file_ok)
        path = _display(self.filename)
        tree = self.tree if isinstance(self.tree, ast.Module) else None
        text = "".join(self.lines)
        result = review_source(text, path, config, rules, tree=tree,
                               module=file_module(self.filename))
        if result.suppressions:
            # Our own ignore comment applies here as on the command line; noqa is flake8's.
            result.suppressions = parse_suppressions(text, tree, own_only=True)
        outcome = finish([result], config, rules, docs)
        for message in outcome.errors:
            LOG.warning("backendreview: %s", message)
        for finding in outcome.findings:
            text = finding.message
            if finding.fix is not None:
                text += f" (fix: {finding.fix.description.rstrip('.')})"
            yield (finding.span.start_line, finding.span.start_col - 1,
                   f"{finding.rule_id} {' '.join(text.split())}", type(self))


__all__ = ["Plugin"]
