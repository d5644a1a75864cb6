"""Which files to review: walk the given paths, honour .gitignore inside a git work tree,
skip virtualenvs, build output and caches, and apply `exclude` / `extend-exclude` globs.

Only regular files are reviewed. What the walk meets that cannot or must not be read is a
`Skipped` entry instead of an exception, so one odd file never stops the run: FIFOs, sockets
and devices named `*.py`, symbolic link loops and dangling links become BR000 findings on
that file; a link whose target lies outside the reviewed root, and a directory that cannot be
listed, become notes. Nothing outside the root is opened, so a `settings.py` linked to
`/proc/self/environ` or `/etc/passwd` never reaches the report.
"""

from __future__ import annotations

import functools
import os
import stat
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

from .config import Config
from .globs import compile_globs
from .semantic import module_name_under
from .sourcefile import file_kind

DEFAULT_EXCLUDES = (
    ".bzr", ".direnv", ".eggs", ".git", ".git-rewrite", ".hg", ".ipynb_checkpoints",
    ".mypy_cache", ".nox", ".pants.d", ".pyenv", ".pytest_cache", ".pytype", ".ruff_cache",
    ".svn", ".tox", ".venv", ".vscode", "__pypackages__", "__pycache__", "_build",
    "buck-out", "build", "dist", "node_modules", "site-packages", "venv",
    ".backendreview_cache",
)
SUFFIXES = (".py", ".pyi")


@dataclass(frozen=True)
class Skipped:
    """A path the walk did not hand on for review. `finding`: report it as a BR000 finding
    on the file (it looks like source that cannot be read); otherwise as a note."""

    path: Path
    reason: str
    finding: bool


@dataclass
class Discovery:
    files: list[Path] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    # Each file's dotted module name, from the import root of the path argument that found
    # it (the first argument, when several name the same file).
    modules: dict[Path, str] = field(default_factory=dict)


def import_root(start: Path) -> Path:
    """Where module names start for a tree named on the command line: the nearest directory,
    from `start` (a real path) up, that is not itself a package (holds no `__init__.py`).
    Decided once per argument, so `check /abs/app` names modules as `cd /abs/app && check .`
    does, `check mypkg` gives `mypkg.x`, and `check src` in a src layout gives `pkg.x`."""
    root = start
    while os.path.isfile(root / "__init__.py") and root.parent != root:
        root = root.parent
    return root


def file_module(filename: str) -> str | None:
    """The module name of one file reviewed on its own (flake8 hands over the path as named
    on its command line, `--stdin-filename` names an editor's buffer): no argument to take
    the root from, so the root is the nearest directory above the file that is not a
    package. None for standard input without a name (the path then gives the name)."""
    if filename in ("stdin", "-"):
        return None
    real = _real(Path(filename))
    return module_name_under(str(real), str(import_root(real.parent)))


def _git_visible(directory: Path) -> set[Path] | None:
    """Files git would consider (tracked, or untracked and not ignored); None outside git."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "."],
            cwd=directory, capture_output=True, timeout=60, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0:
        return None
    # os.fsdecode keeps a non-UTF-8 name as the same str the walk produces (surrogate
    # escapes); decoding with "replace" would make such a file invisible, i.e. unreviewed.
    names = [os.fsdecode(p) for p in out.stdout.split(b"\0") if p]
    base = _real(directory)
    return {_real_entry(base / p) for p in names}


def _real(path: Path) -> Path:
    """`path` with every symbolic link resolved; never raises (a loop stays unresolved)."""
    try:
        return Path(os.path.realpath(path))
    except (OSError, ValueError):
        return Path(os.path.abspath(path))


def _real_entry(path: Path) -> Path:
    """A directory entry's path with its parent resolved but not the entry itself."""
    return _real(path.parent) / path.name


def _is_venv(directory: Path) -> bool:
    # os.path.exists swallows every OSError: an unreadable directory (a Docker volume owned
    # by another user) is simply not a virtualenv.
    return os.path.exists(directory / "pyvenv.cfg")


def _within(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _classify(entry: Path, roots: tuple[Path, ...]) -> Path | Skipped:
    """The real path of a file to review, or why it is skipped. `entry` has a resolved
    parent; `roots` are the directories its link target may lie in."""
    try:
        info = os.lstat(entry)
    except OSError as exc:
        return Skipped(entry, f"cannot read the file: {exc.strerror or exc}", True)
    target = entry
    if stat.S_ISLNK(info.st_mode):
        try:
            target = Path(os.path.realpath(entry, strict=True))
        except OSError as exc:
            reason = "symbolic link loop" if "loop" in str(exc).lower() or (
                exc.errno == 40) else f"broken symbolic link ({exc.strerror or exc})"
            return Skipped(entry, f"cannot read the file: {reason}", True)
        except RuntimeError:  # older Pythons report a loop this way
            return Skipped(entry, "cannot read the file: symbolic link loop", True)
        if not any(_within(target, root) for root in roots):
            return Skipped(entry, "symbolic link to a file outside the reviewed tree: "
                                  "not read", False)
        try:
            info = os.stat(target)
        except OSError as exc:
            return Skipped(entry, f"cannot read the file: {exc.strerror or exc}", True)
    if not stat.S_ISREG(info.st_mode):
        return Skipped(entry, f"not a regular file ({file_kind(info.st_mode)}): not read",
                       True)
    return target


def discover(paths: list[Path], config: Config) -> list[Path]:
    """The files to review (see `discover_all` for what is skipped and why)."""
    return discover_all(paths, config).files


def discover_all(paths: list[Path], config: Config) -> Discovery:
    excludes = config.exclude if config.exclude is not None else DEFAULT_EXCLUDES
    spec = compile_globs(tuple(excludes) + config.extend_exclude)
    root = _real(config.root)
    found: set[Path] = set()
    skipped: dict[Path, Skipped] = {}
    modules: dict[Path, str] = {}

    def add(item: Path, entry: Path, base: str) -> None:
        found.add(item)
        if item not in modules:
            # The name follows the file's real path, as the reported path does; a link whose
            # target lies outside the root is named where the link stands.
            inside = item if _within(item, Path(base)) else entry
            modules[item] = module_name_under(str(inside), base)

    def skip(item: Skipped) -> None:
        skipped.setdefault(item.path, item)

    for given in paths:
        try:
            given_info = os.lstat(given)
        except OSError as exc:
            skip(Skipped(Path(os.path.abspath(given)),
                         f"cannot read the file: {exc.strerror or exc}", True))
            continue
        if not os.path.isdir(given):
            # A file named explicitly is reviewed whatever its suffix or the excludes say,
            # unless --force-exclude asks for the excludes (as pre-commit hooks do). A link
            # may point anywhere below the working directory or the configuration's root.
            entry = _real_entry(Path(os.path.abspath(given)))
            if stat.S_ISLNK(given_info.st_mode):
                item = _classify(entry, (_real(Path.cwd()), root, entry.parent))
            else:
                item = _classify(entry, (entry.parent,))
            if isinstance(item, Skipped):
                skip(item)
                continue
            if config.force_exclude and _named_file_excluded(item, spec, excludes, root):
                continue
            add(item, entry, str(import_root(entry.parent)))
            continue
        # Globs apply to what the walk finds below a directory named explicitly, never to
        # the directory itself or its parents: reviewing /srv/build/app, or `dist/` on
        # purpose, must not silently review nothing. Paths are matched relative to the
        # configuration's root when the directory lies inside it (so anchored globs work).
        top = _real(given)
        base = str(import_root(top))
        try:
            prefix = top.relative_to(root).as_posix() + "/"
        except ValueError:
            prefix = ""
        if prefix == "./" or spec.match_file(prefix + "x"):
            prefix = ""

        def excluded(rel: str, prefix: str = prefix) -> bool:
            return spec.match_file(prefix + rel)

        visible = _git_visible(given) if config.respect_gitignore else None
        # Directories holding a file git would consider: the walk enters no other, so an
        # ignored directory (a database volume, a node_modules) is never even listed.
        visible_dirs = None if visible is None else {d for p in visible for d in p.parents}

        def unlistable(exc: OSError, top: Path = top) -> None:
            where = Path(exc.filename) if exc.filename else top
            skip(Skipped(_real_entry(where), f"cannot list the directory: "
                                             f"{exc.strerror or exc}: not reviewed", False))

        for dirpath, dirnames, filenames in os.walk(given, onerror=unlistable):
            here = Path(dirpath)
            below = here.relative_to(given).as_posix()
            below = "" if below == "." else below + "/"
            # The walk enters no linked directory (os.walk does not follow links), so a
            # directory below `given` lies where its names say below `given`'s real path:
            # no realpath (an lstat per path component) for each directory (issue 14).
            real_here = top / below if below else top
            keep = []
            for d in sorted(dirnames):
                sub = here / d
                if visible_dirs is not None and real_here / d not in visible_dirs:
                    continue
                if d in excludes or _is_venv(sub) or excluded(below + d + "/x"):
                    continue
                keep.append(d)
            dirnames[:] = keep
            for name in filenames:
                if not name.endswith(SUFFIXES):
                    continue
                entry = real_here / name
                if visible is not None and entry not in visible:
                    continue
                if excluded(below + name):
                    continue
                item = _classify(entry, (top,))
                if isinstance(item, Skipped):
                    skip(item)
                else:
                    add(item, entry, base)
    return Discovery(sorted(found), sorted(skipped.values(), key=lambda s: s.path), modules)


def excluded_by(path: Path, config: Config) -> bool:
    """Do `config`'s excludes (relative to its root) cover `path`? For a file found below a
    directory that another configuration governs (a nested service's own extend-exclude)."""
    excludes, spec = _exclude_spec(config.exclude, config.extend_exclude)
    root = config.root.resolve()
    try:
        path.resolve().relative_to(root)
    except ValueError:
        return False
    return _named_file_excluded(path, spec, excludes, root)


@functools.lru_cache(maxsize=64)
def _exclude_spec(exclude: tuple[str, ...] | None, extend: tuple[str, ...]
                  ) -> tuple[tuple[str, ...], pathspec.PathSpec]:
    """Compiled once per configuration, not once per file."""
    excludes = exclude if exclude is not None else DEFAULT_EXCLUDES
    return excludes, compile_globs(tuple(excludes) + extend)


def _named_file_excluded(path: Path, spec, excludes, root: Path) -> bool:  # type: ignore[no-untyped-def]
    """--force-exclude: does an explicitly named file fall under the excludes?"""
    try:
        rel = path.relative_to(root).as_posix()
    except ValueError:
        rel = path.as_posix().lstrip("/")
    parts = rel.split("/")
    return spec.match_file(rel) or any(part in excludes for part in parts[:-1])


def display_path(path: Path, base: Path | None = None) -> str:
    """Path as reported: relative to the working directory when inside it, with '/'."""
    base = _real(base or Path.cwd())
    resolved = _real(path) if not os.path.islink(path) else _real_entry(path)
    try:
        return resolved.relative_to(base).as_posix()
    except ValueError:
        return resolved.as_posix()
