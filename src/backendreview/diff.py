"""Diff-only review: which lines changed since a git ref, and which findings touch them.

`changed_lines(ref)` diffs the merge-base of REF and HEAD against the working tree with
`git diff --unified=0 -M`, so a pull request's own changes count and its base branch's later
commits do not (the same three-dot semantics as GitHub's "Files changed" view), uncommitted
edits count as well (useful before a commit), and a renamed file counts only its edited
lines. Untracked files that git does not ignore count as entirely new.

A finding is kept when its primary span, or one of its related locations (e.g. the line where
BR101's SQL was built), overlaps a changed line. Project-phase findings (routes, settings) go
through the same test: they are kept when the lines they report on changed.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .model import Finding

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(?P<start>\d+)(?:,(?P<count>\d+))? @@")
# Options that make the output independent of the user's git configuration (noprefix,
# mnemonic prefixes, external diff drivers, colour, quoted non-ASCII paths).
_DIFF_ARGS = ("-c", "core.quotePath=false", "diff", "--unified=0", "--no-color",
              "--no-ext-diff", "--no-textconv", "-M", "--src-prefix=a/", "--dst-prefix=b/")


class DiffError(Exception):
    """git could not answer (not a repository, unknown ref, no merge base)."""


@dataclass
class ChangedLines:
    """Changed lines per file, keyed by absolute resolved path."""

    root: Path
    lines: dict[Path, set[int]] = field(default_factory=dict)
    whole_files: set[Path] = field(default_factory=set)  # untracked: every line is new
    merge_base: str = ""

    def touches(self, path: str, start: int, end: int) -> bool:
        absolute = _absolute(path)
        if absolute in self.whole_files:
            return True
        changed = self.lines.get(absolute)
        if not changed:
            return False
        return any(line in changed for line in range(start, max(start, end) + 1))

    def keeps(self, finding: Finding) -> bool:
        if self.touches(finding.path, finding.span.start_line, finding.span.end_line):
            return True
        return any(self.touches(r.path or finding.path, r.span.start_line, r.span.end_line)
                   for r in finding.related)

    def filter(self, findings: Iterable[Finding]) -> list[Finding]:
        return [f for f in findings if self.keeps(f)]

    def files(self) -> set[Path]:
        return set(self.lines) | self.whole_files


def _absolute(path: str) -> Path:
    candidate = Path(path)
    if not candidate.is_absolute():
        candidate = Path.cwd() / candidate
    return candidate.resolve()


def _git(args: list[str] | tuple[str, ...], cwd: Path) -> str:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=120,
                              check=False)
    except FileNotFoundError:
        raise DiffError("--diff-base needs git, which is not on PATH") from None
    except subprocess.SubprocessError as exc:
        raise DiffError(f"git {args[0]} failed: {exc}") from None
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise DiffError(f"git {' '.join(args[:2])}: {message[-1] if message else 'failed'}")
    return proc.stdout.decode("utf-8", "surrogateescape")


def _unquote(name: str) -> str:
    """git quotes paths with unusual characters as C strings: "a\\tb\\303\\251"."""
    if not (name.startswith('"') and name.endswith('"')):
        return name
    raw = name[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape")
    return raw.encode("latin-1").decode("utf-8", "surrogateescape")


def parse_unified_diff(text: str) -> dict[str, set[int]]:
    """`git diff --unified=0` output -> new-side path -> added or changed line numbers.

    Deleted files and pure deletions contribute nothing: there is no new line to report on.
    """
    out: dict[str, set[int]] = {}
    current: set[int] | None = None
    for line in text.splitlines():
        if line.startswith("+++ "):
            target = line[4:].rstrip("\t")
            if target == "/dev/null":
                current = None
                continue
            target = _unquote(target)
            current = out.setdefault(target[2:] if target.startswith("b/") else target, set())
            continue
        if line.startswith("diff --git "):
            current = None
            continue
        if current is None or not line.startswith("@@"):
            continue
        match = _HUNK.match(line)
        if match is None:
            continue
        start = int(match.group("start"))
        count = int(match.group("count")) if match.group("count") is not None else 1
        current.update(range(start, start + count))
    return out


def repository_root(path: Path | None) -> Path:
    """The top of the git work tree holding `path` (a file or directory; default: the
    working directory): the reviewed code's repository, wherever the command runs from."""
    here = (path or Path.cwd()).resolve()
    while not here.is_dir() and here != here.parent:
        here = here.parent
    try:
        top = _git(["rev-parse", "--show-toplevel"], here)
    except DiffError as exc:
        if "not a git repository" in str(exc).lower():
            raise DiffError(f"--diff-base: {here} is not inside a git repository") from None
        raise
    return Path(top.strip()).resolve()


def merge_base(ref: str, root: Path) -> str:
    """The merge-base of `ref` and HEAD, with an error that says which fix is needed."""
    try:
        return _git(["merge-base", ref, "HEAD"], root).strip()
    except DiffError:
        # An unknown ref and a ref with no common history need different fixes: say which.
        try:
            _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], root)
        except DiffError:
            raise DiffError(f"--diff-base: unknown git ref {ref!r} (with actions/checkout, "
                            "use fetch-depth: 0 or fetch the base branch)") from None
        raise DiffError(f"--diff-base: {ref} has no common history with HEAD "
                        "(with actions/checkout, use fetch-depth: 0)") from None


def changed_lines(ref: str, cwd: Path | None = None) -> ChangedLines:
    """Lines added or changed since the merge-base of `ref` and HEAD, in the repository
    that holds `cwd` (a reviewed path)."""
    root = repository_root(cwd)
    base = merge_base(ref, root)
    diff = _git([*_DIFF_ARGS, base, "--"], root)
    result = ChangedLines(root=root, merge_base=base)
    for name, lines in parse_unified_diff(diff).items():
        if lines:
            result.lines[(root / name).resolve()] = lines
    untracked = _git(["ls-files", "-z", "--others", "--exclude-standard"], root)
    result.whole_files = {(root / name).resolve() for name in untracked.split("\0") if name}
    return result


__all__ = ["ChangedLines", "DiffError", "changed_lines", "merge_base", "parse_unified_diff",
           "repository_root"]
