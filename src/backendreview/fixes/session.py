"""`--fix`, `--unsafe-fixes` and `--diff` (ruff's conventions) over a whole run.

Rounds, as ruff does: apply every applicable fix whose edits do not nest in another's,
review the fixed texts again in memory, and repeat while a round changes something (a nested
fix gets its turn once the outer one is in). Only then are files written — atomically, and
never through a link or outside the reviewed root — or, with `--diff`, shown as a unified
diff and left alone. A fix that does not compile, or a file that must not be written, is a
one-line note and the rest of the run goes on.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..checks.br000_parse_error import SourceError, decode_source
from ..config import Config
from ..engine import RunResult, finish, review_source
from ..metadata import load_rule_docs
from ..model import Finding
from .apply import fix_text
from .write import WriteRefused, check_writable, encode_like, write_atomically

# ruff stops after 100 rounds; fixes here rarely nest more than twice.
MAX_ROUNDS = 6


@dataclass
class FixSession:
    """What a fix run did: the last review (of the fixed texts), the files it changed and
    the notes it has for the user."""

    result: RunResult
    fixed: int = 0
    applied: list[Finding] = field(default_factory=list)  # the findings whose fix went in
    changed: dict[str, tuple[bytes, str, str]] = field(default_factory=dict)  # path -> (
    # original bytes, original text, fixed text)
    notes: list[str] = field(default_factory=list)

    def diff(self) -> str:
        out: list[str] = []
        for path in sorted(self.changed):
            _, old, new = self.changed[path]
            out.extend(difflib.unified_diff(
                old.splitlines(keepends=True), new.splitlines(keepends=True),
                fromfile=f"a/{path}", tofile=f"b/{path}"))
            if out and not out[-1].endswith(("\n", "\r")):
                out[-1] += "\n\\ No newline at end of file\n"
        return "".join(out)


def applicable(finding: Finding, unsafe: bool) -> bool:
    fix = finding.fix
    return fix is not None and bool(fix.edits) and (fix.safe or unsafe)


def _identity(finding: Finding) -> tuple[str, str, str, str]:
    """Survives line shifts within a round: a dropped fix is not tried again."""
    return (finding.rule_id, finding.path, finding.message, finding.snippet)


def fix_findings(first: RunResult, review: Callable[[dict[str, str]], RunResult],
                 roots: tuple[Path, ...], *, unsafe: bool, write: bool,
                 load: Callable[[str], tuple[bytes, str] | str] | None = None) -> FixSession:
    """Fix what `first` found; `review(texts)` reviews again with some files' texts
    replaced. With `write`, the fixed files are written; otherwise nothing is. `load(path)`
    gives a file's bytes and text, or why it is not to be fixed (default: read it from disk,
    refusing links, files outside `roots` and, when writing, read-only files)."""
    session = FixSession(result=first)
    originals: dict[str, tuple[bytes, str]] = {}
    current: dict[str, str] = {}
    skipped: set[tuple[str, str, str, str]] = set()
    refused: set[str] = set()
    for _ in range(MAX_ROUNDS):
        by_path: dict[str, list[Finding]] = defaultdict(list)
        for finding in session.result.findings:
            if (applicable(finding, unsafe) and finding.path not in refused
                    and _identity(finding) not in skipped):
                by_path[finding.path].append(finding)
        progressed = False
        for path, items in sorted(by_path.items()):
            if path not in originals:
                loaded = load(path) if load else _load(Path(path), roots, write)
                if isinstance(loaded, str):
                    session.notes.append(f"{path}: not fixed: {loaded}")
                    refused.add(path)
                    continue
                originals[path] = loaded
            text = current.get(path, originals[path][1])
            outcome = fix_text(text, items, path)
            for finding, why in outcome.dropped:
                skipped.add(_identity(finding))
                session.notes.append(f"{path}:{finding.span.start_line}: {finding.rule_id} fix "
                                     f"dropped: {why}")
            if outcome.applied and outcome.text != text:
                current[path] = outcome.text
                session.fixed += len(outcome.applied)
                session.applied.extend(outcome.applied)
                progressed = True
        if not progressed:
            break
        session.result = review(dict(current))
    for path, new in sorted(current.items()):
        data, old = originals[path]
        if new == old:
            continue
        if write:
            try:
                write_atomically(Path(path), data, encode_like(data, new), roots)
            except WriteRefused as exc:
                session.notes.append(f"{path}: not fixed: {exc}")
                continue
        session.changed[path] = (data, old, new)
    return session


def _load(path: Path, roots: tuple[Path, ...], write: bool) -> tuple[bytes, str] | str:
    """The file's bytes and text, or why it is not to be fixed."""
    try:
        check_writable(path, roots, for_writing=write)
        data = path.read_bytes()
        return data, decode_source(data)
    except WriteRefused as exc:
        return str(exc)
    except OSError as exc:
        return f"cannot read it: {exc.strerror or exc}"
    except SourceError as exc:
        return exc.message



def fix_source(text: str, path: str, config: Config, rules: tuple[str, ...], *,
               unsafe: bool = False) -> tuple[str, list[str]]:
    """One file's text with its fixes applied (in rounds, in memory), and the notes; the
    project phase sees only this file, as in the fixture tests."""
    docs = load_rule_docs()

    def review(texts: dict[str, str]) -> RunResult:
        source = texts.get(path, text)
        return finish([review_source(source, path, config, rules)], config, rules, docs)

    def load(wanted: str) -> tuple[bytes, str] | str:
        return (text.encode("utf-8"), text) if wanted == path else "not the file being fixed"

    session = fix_findings(review({}), review, (), unsafe=unsafe, write=False, load=load)
    return (session.changed[path][2] if path in session.changed else text), session.notes
