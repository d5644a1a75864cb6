"""Baselines: record today's findings once, then report only new ones.

A finding is identified by (rule id, file path, normalised snippet): the text of the reported
line with runs of whitespace collapsed. Line numbers are left out on purpose, so inserting or
deleting lines elsewhere in the file does not make old findings look new; changing the
reported line itself does (it is new code). Entries whose file no longer exists match
findings with the same rule and line text anywhere, so renaming or moving a file does not
resurface its findings. Each entry carries an occurrence count: when a
file has more findings with one key than the baseline recorded, the extra ones (the last in
the file) are reported, so a copied-and-pasted old mistake is still caught.

File format (JSON, sorted, stable across runs so it diffs well in review):

    {
      "version": 1,
      "tool": "backendreview",
      "findings": [
        {"rule": "BR101", "path": "app/db.py", "snippet": "cur.execute(f\"... {x}\")",
         "count": 1, "message": "SQL passed to `cur.execute()` ..."}
      ]
    }

`path` is relative to the baseline file's directory with `/` separators, so the check can run
from any working directory. `message` is for people reading the file; it is not part of the
key (messages may be reworded between versions without invalidating a baseline).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from . import __version__
from .model import Finding, printable_path
from .safeoutput import baseline_target_problem, write_atomic

FORMAT_VERSION = 1

Key = tuple[str, str, str]


class BaselineError(ValueError):
    """The baseline file cannot be read or is not a backendreview baseline."""


def normalise(text: str) -> str:
    return " ".join(text.split())


def snippet_of(finding: Finding, sources: Mapping[str, Sequence[str]] | None = None) -> str:
    """The finding's reported line as text, whitespace-normalised; the message when the file's
    text is not at hand (a project-level finding with no line)."""
    if finding.snippet:
        return normalise(finding.snippet)
    lines = (sources or {}).get(finding.path)
    if lines and 0 < finding.span.start_line <= len(lines):
        return normalise(lines[finding.span.start_line - 1])
    return normalise(finding.message)


def _relative(path: str, base: Path) -> str:
    absolute = Path(path)
    if not absolute.is_absolute():
        absolute = Path.cwd() / absolute
    try:
        return Path(os.path.relpath(absolute.resolve(), base.resolve())).as_posix()
    except ValueError:  # another drive on Windows
        return absolute.resolve().as_posix()


def key_of(finding: Finding, base: Path,
           sources: Mapping[str, Sequence[str]] | None = None) -> Key:
    return (finding.rule_id, printable_path(_relative(finding.path, base)),
            snippet_of(finding, sources))


def write(file: Path, findings: Iterable[Finding],
          sources: Mapping[str, Sequence[str]] | None = None) -> int:
    base = file.resolve().parent
    counts: Counter[Key] = Counter()
    messages: dict[Key, str] = {}
    for finding in findings:
        key = key_of(finding, base, sources)
        counts[key] += 1
        messages.setdefault(key, finding.message)
    entries = [{"rule": rule, "path": path, "snippet": snippet, "count": counts[key],
                "message": messages[key]}
               for key in sorted(counts) for rule, path, snippet in (key,)]
    payload = {"version": FORMAT_VERSION, "tool": "backendreview",
               "generated-by": f"backendreview {__version__}", "findings": entries}
    problem = baseline_target_problem(file)
    if problem is not None:
        raise BaselineError(f"baseline: {problem}")
    write_atomic(file, json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    return sum(counts.values())


def load(file: Path) -> Counter[Key]:
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(f"--baseline: {file}: cannot read: {exc.strerror or exc}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise BaselineError(f"--baseline: {file}: not valid JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("tool") != "backendreview":
        raise BaselineError(f"--baseline: {file}: not a backendreview baseline "
                            "(write one with `backendreview baseline FILE`)")
    if data.get("version") != FORMAT_VERSION:
        raise BaselineError(f"--baseline: {file}: unsupported version {data.get('version')!r} "
                            f"(expected {FORMAT_VERSION})")
    counts: Counter[Key] = Counter()
    for index, entry in enumerate(data.get("findings", [])):
        try:
            key = (str(entry["rule"]), str(entry["path"]), normalise(str(entry["snippet"])))
            count = int(entry.get("count", 1))
        except (KeyError, TypeError, ValueError):
            raise BaselineError(f"--baseline: {file}: entry {index} needs rule, path, "
                                "snippet and count") from None
        counts[key] += count
    return counts


def new_findings(findings: Sequence[Finding], file: Path,
                 sources: Mapping[str, Sequence[str]] | None = None,
                 recorded: Counter[Key] | None = None) -> list[Finding]:
    """The findings the baseline does not account for, in their original order."""
    remaining = Counter(recorded) if recorded is not None else load(file)
    base = file.resolve().parent
    keys = [key_of(f, base, sources) for f in findings]
    # Earlier occurrences consume the baseline's count first: with one more occurrence than
    # recorded, the last one in the file is reported as new.
    order = sorted(range(len(findings)), key=lambda i: findings[i].sort_key())
    new: list[int] = []
    for i in order:
        if remaining[keys[i]] > 0:
            remaining[keys[i]] -= 1
        else:
            new.append(i)
    # A file that was renamed or moved: its entries name a path that no longer exists, and
    # its findings keep their rule and line text. Match those on (rule, snippet).
    moved: Counter[tuple[str, str]] = Counter()
    for (rule, path, snippet), count in remaining.items():
        if count > 0 and not (base / path).exists():
            moved[(rule, snippet)] += count
    still_new: set[int] = set()
    for i in new:
        pair = (keys[i][0], keys[i][2])
        if moved[pair] > 0:
            moved[pair] -= 1
        else:
            still_new.add(i)
    return [f for i, f in enumerate(findings) if i in still_new]


__all__ = ["BaselineError", "key_of", "load", "new_findings", "normalise", "snippet_of",
           "write"]
