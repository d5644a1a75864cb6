"""`backendreview routes --diff-base REF`: the HTTP API surface a change adds, removes or
changes, and the new routes that lack what their neighbours have.

The route table is built twice with the same extraction as `backendreview routes`: once
from the merge-base of REF and HEAD (the tracked files of that commit, read with
`git archive` into a scratch directory; the repository itself is not touched), once from the
work tree (HEAD plus uncommitted edits, as `check --diff-base` counts them). Routes are
matched by method and full path: a route only in the work tree is *added*, only in the base
*removed*, in both with a different handler, auth, rate limit or pagination *changed*.

A new route is *flagged* when at least two neighbours - routes that existed before, defined
in the same file, or else under the same parent path - all have auth (or all a rate limit)
and it has none; a new list-style GET (path not ending in a parameter) is flagged when every
such GET neighbour is paginated and it is not. That is the review comment "every other
endpoint in this router checks the user; this new POST does not".
"""

from __future__ import annotations

import io
import os
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .analysis.frameworks.routes import Route, merge_routes
from .config import Config
from .diff import DiffError, merge_base, repository_root
from .discovery import SUFFIXES, display_path

# Besides Python sources, what the base tree needs: the configuration files (excludes).
_CONFIG_FILES = (".backendreview.toml", "pyproject.toml")
MIN_NEIGHBOURS = 2
_ATTRIBUTES = (("auth", "auth"), ("rate_limit", "rate limit"))


@dataclass
class RouteChange:
    change: str  # added | removed | changed
    route: dict[str, Any]  # Route.to_dict() of the work tree's route (the base's if removed)
    before: dict[str, Any] | None = None  # changed: the base's route
    lacks: list[str] = field(default_factory=list)  # added: what the neighbours all have
    neighbours: int = 0
    span_line: int = 0  # where to annotate: the route's definition line
    file: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"change": self.change, **self.route}
        if self.before is not None:
            out["before"] = {k: self.before[k] for k in _COMPARED}
        if self.change == "added":
            out["lacks"] = list(self.lacks)
        return out

    def what_changed(self) -> list[str]:
        if self.before is None:
            return []
        return [f"{key}: {_fmt(self.before[key])} -> {_fmt(self.route[key])}"
                for key in _COMPARED if self.before[key] != self.route[key]]


@dataclass
class RoutesDiff:
    merge_base: str
    changes: list[RouteChange]

    @property
    def flagged(self) -> list[RouteChange]:
        return [c for c in self.changes if c.lacks]

    def to_dict(self) -> dict[str, Any]:
        return {"merge_base": self.merge_base,
                "summary": {kind: sum(1 for c in self.changes if c.change == kind)
                            for kind in ("added", "removed", "changed")}
                | {"flagged": len(self.flagged)},
                "routes": [c.to_dict() for c in self.changes]}


_COMPARED = ("handler", "auth", "rate_limit", "pagination")


def _fmt(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(value) or "-"
    return str(value) or "-"


def _key(route: dict[str, Any]) -> tuple[tuple[str, ...], str]:
    return (tuple(sorted(route["methods"])), route["path"])


def _safe_members(archive: tarfile.TarFile) -> Iterator[tarfile.TarInfo]:
    """Regular files with a relative path that stays inside the directory: Python sources
    and configuration files only (nothing else is read)."""
    for member in archive.getmembers():
        name = member.name
        if not member.isfile() or name.startswith("/") or ".." in Path(name).parts:
            continue
        if name.endswith(SUFFIXES) or Path(name).name in _CONFIG_FILES:
            yield member


def extract_tree(root: Path, commit: str, into: Path) -> None:
    """The tracked Python and configuration files of `commit`, written below `into`."""
    try:
        proc = subprocess.run(["git", "archive", "--format=tar", commit], cwd=root,
                              capture_output=True, timeout=300, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        raise DiffError(f"git archive failed: {exc}") from None
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise DiffError(f"git archive: {message[-1] if message else 'failed'}")
    with tarfile.open(fileobj=io.BytesIO(proc.stdout)) as archive:
        for member in _safe_members(archive):
            source = archive.extractfile(member)
            if source is None:
                continue
            target = into / member.name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read())


@contextmanager
def _working_directory(path: Path) -> Iterator[None]:
    previous = Path.cwd()
    path.mkdir(parents=True, exist_ok=True)
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


RouteTable = Callable[[list[Path]], tuple[list[Route], list[str]]]


def diff_routes(ref: str, targets: list[Path], route_table: RouteTable) -> RoutesDiff:
    """Routes of `targets` at the merge-base of `ref` and HEAD against the work tree.
    `route_table(paths)` builds a route table (and errors) for paths under the current
    working directory."""
    root = repository_root(targets[0])
    base = merge_base(ref, root)
    for target in targets:
        try:
            target.resolve().relative_to(root)
        except ValueError:
            raise DiffError(f"--diff-base: {target} is not inside the repository {root}"
                            ) from None
    head_routes, errors = route_table(targets)
    cwd = Path.cwd().resolve()
    with tempfile.TemporaryDirectory(prefix="backendreview-base-") as scratch:
        mirror = Path(scratch).resolve()
        extract_tree(root, base, mirror)
        base_targets = [mirror / t.resolve().relative_to(root) for t in targets]
        existing = [t for t in base_targets if t.exists()]
        base_routes: list[Route] = []
        try:
            inside = cwd.relative_to(root)
        except ValueError:
            inside = None
        if existing:
            if inside is not None:
                # Same relative paths (and module names) as the work tree's run.
                with _working_directory(mirror / inside):
                    base_routes, base_errors = route_table(
                        [Path(os.path.relpath(t, mirror / inside)) for t in existing])
            else:
                base_routes, base_errors = route_table(existing)
                base_routes = [_relocate(r, mirror, root) for r in base_routes]
            errors += base_errors
    if errors:
        raise DiffError("; ".join(sorted(set(errors))))
    return RoutesDiff(base, compare(base_routes, head_routes))


def _relocate(route: Route, mirror: Path, root: Path) -> Route:
    def moved(path: str) -> str:
        try:
            return display_path(root / Path(path).resolve().relative_to(mirror))
        except ValueError:
            return path

    return replace(route, file=moved(route.file), handler_file=moved(route.handler_file))


def compare(base_routes: list[Route], head_routes: list[Route]) -> list[RouteChange]:
    before = {_key(r.to_dict()): r for r in base_routes}
    after = {_key(r.to_dict()): r for r in head_routes}
    changes: list[RouteChange] = []
    for key, route in after.items():
        now = route.to_dict()
        if key not in before:
            changes.append(RouteChange("added", now, span_line=route.span.start_line,
                                       file=route.file))
            continue
        old = before[key].to_dict()
        if any(old[k] != now[k] for k in _COMPARED):
            changes.append(RouteChange("changed", now, before=old,
                                       span_line=route.span.start_line, file=route.file))
    for key, route in before.items():
        if key not in after:
            changes.append(RouteChange("removed", route.to_dict(),
                                       span_line=route.span.start_line, file=route.file))
    added_keys = {_key(c.route) for c in changes if c.change == "added"}
    kept = [r for k, r in after.items() if k not in added_keys]
    for change in changes:
        if change.change == "added":
            _flag(change, after[_key(change.route)], kept)
    order = {"added": 0, "changed": 1, "removed": 2}
    changes.sort(key=lambda c: (order[c.change], c.route["path"], c.route["methods"]))
    return changes


def _parent(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[0]


def _is_list_get(route: Route) -> bool:
    """A GET whose path does not end in a parameter (/orders, not /orders/{id})."""
    tail = route.path.rstrip("/").rsplit("/", 1)[-1]
    return "GET" in route.methods and not tail.startswith(("{", "<", "(", ":"))


def _flag(change: RouteChange, route: Route, kept: list[Route]) -> None:
    """What every neighbour of a new route has and it lacks."""
    neighbours = [r for r in kept if r.file == route.file]
    if len(neighbours) < MIN_NEIGHBOURS:
        neighbours = [r for r in kept if _parent(r.path) == _parent(route.path)]
    if len(neighbours) < MIN_NEIGHBOURS:
        return
    change.neighbours = len(neighbours)
    mine = change.route
    for key, label in _ATTRIBUTES:
        if not mine[key] and all(n.to_dict()[key] for n in neighbours):
            change.lacks.append(label)
    if _is_list_get(route) and not mine["pagination"]:
        gets = [n for n in neighbours if _is_list_get(n)]
        if len(gets) >= MIN_NEIGHBOURS and all(n.to_dict()["pagination"] for n in gets):
            change.lacks.append("pagination")


def flag_message(change: RouteChange) -> str:
    methods = ",".join(change.route["methods"])
    lacks = " and ".join(change.lacks)
    return (f"new route {methods} {change.route['path']} has no {lacks}, which all "
            f"{change.neighbours} neighbouring routes have")


def markdown_table(diff: RoutesDiff) -> str:
    """The job summary section (GitHub-flavoured markdown)."""
    out = ["## API surface changed by this pull request", ""]
    if not diff.changes:
        return "\n".join([*out, "No route was added, removed or changed.", ""]) + "\n"
    counts = diff.to_dict()["summary"]
    out += [f"{counts['added']} added, {counts['changed']} changed, {counts['removed']} "
            f"removed; **{counts['flagged']} new route(s) lacking what their neighbours "
            "have**", "",
            "| Change | Method | Path | Handler | Auth | Rate limit | Pagination | Note |",
            "|---|---|---|---|---|---|---|---|"]
    for c in diff.changes:
        r = c.route
        note = "⚠️ no " + ", no ".join(c.lacks) if c.lacks else "; ".join(c.what_changed())
        cells = [c.change, ",".join(r["methods"]), f"`{r['path']}`",
                 f"`{r['handler']}` {r['location']}", _fmt(r["auth"]), _fmt(r["rate_limit"]),
                 _fmt(r["pagination"]), note]
        out.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(out) + "\n"


def config_routes(config_for: Callable[[Path], Config], jobs: int | None) -> RouteTable:
    """The route table the `routes` command prints, as a function of the paths."""
    from .engine import run

    def table(paths: list[Path]) -> tuple[list[Route], list[str]]:
        # The program model resolves handlers named in a spec (Connexion operationIds).
        result = run(paths, config_for(paths[0]), jobs=jobs, collect=("program", "routes"),
                     rules=(), config_for=config_for)
        return merge_routes(result.facts), list(result.errors)

    return table


__all__ = ["RouteChange", "RoutesDiff", "compare", "diff_routes", "flag_message",
           "markdown_table"]
