#!/usr/bin/env python3
"""Turn one rule on or off by default: the one-line decision of issue 12.

    .venv/bin/python scripts/set_default.py BR101 off "0 true / 43 false on the validation half"
    .venv/bin/python scripts/set_default.py BR101 on

`off` writes `default-enabled: false` and the reason as `default-off-reason` into the rule's
YAML, after its `confidence:` line; `on` removes both (on is what a rule is when it says
nothing). The file is edited line by line, so its comments and layout stay as they are (a
YAML library would rewrite the whole file). Then docs/rules.md is regenerated and the Default
cell of the rule's row in README's rules table is set, so that the tests which keep those in
step with the YAML pass.

The reason is what `explain`, `backendreview rules` and docs/rules.md show to users: say what
was measured (docs/quality.md has the figures), e.g. "0 true / 43 false on the validation half:
SQL built from constants the rule cannot prove constant".

Run it with the project's virtualenv (the regeneration imports backendreview from the
checkout's src/). Exit status 0 on success; 2 with one line naming the problem otherwise, and
then no file has changed.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

RULE_RE = re.compile(r"^BR\d{3}$")
WIDTH = 92  # the rule files' own line width
# A file that could not be reviewed is always said: BR000 is no rule with a precision to weigh.
ALWAYS_ON = {"BR000": "it reports files that could not be reviewed, which is never optional"}


class SetDefaultError(Exception):
    pass


def rule_file(root: Path, code: str) -> Path:
    found = sorted((root / "rules").glob(f"{code}-*.yaml"))
    if len(found) != 1:
        raise SetDefaultError(f"no single rule file rules/{code}-*.yaml under {root}")
    return found[0]


def _without_default_keys(lines: list[str]) -> list[str]:
    """The lines minus `default-enabled:` and the `default-off-reason:` entry (its block
    scalar's indented lines, and blank lines inside it, go with it)."""
    out: list[str] = []
    skipping = False
    for index, line in enumerate(lines):
        if line.startswith("default-enabled:"):
            skipping = False
            continue
        if line.startswith("default-off-reason:"):
            skipping = True
            continue
        if skipping:
            if line.startswith((" ", "\t")):
                continue
            if not line.strip():
                rest = lines[index + 1:]
                following = next((n for n in rest if n.strip()), "")
                if following.startswith((" ", "\t")):
                    continue
            skipping = False
        out.append(line)
    return out


def reason_lines(reason: str) -> list[str]:
    words = " ".join(reason.split())
    if not words:
        raise SetDefaultError("the reason is empty: say what was measured")
    body = textwrap.wrap(words, width=WIDTH - 2, break_long_words=False,
                         break_on_hyphens=False)
    return ["default-off-reason: |\n", *(f"  {line}\n" for line in body)]


def edit_rule_text(text: str, state: str, reason: str | None) -> str:
    """The rule file's text with the rule on, or off for `reason`."""
    lines = _without_default_keys(text.splitlines(keepends=True))
    if state == "on":
        return "".join(lines)
    assert reason is not None
    anchor = next((i for i, line in enumerate(lines) if line.startswith("confidence:")), None)
    if anchor is None:
        raise SetDefaultError("the rule file has no top-level `confidence:` line to follow")
    if not lines[anchor].endswith("\n"):
        lines[anchor] += "\n"
    insert = ["default-enabled: false\n", *reason_lines(reason)]
    return "".join(lines[:anchor + 1] + insert + lines[anchor + 1:])


def edit_readme_text(text: str, code: str, state: str) -> str:
    row = re.compile(rf"^(\| {code} \| [\w-]+ \| \w+ \| )(on|off)( \|)", flags=re.M)
    if len(row.findall(text)) != 1:
        raise SetDefaultError(f"README.md has no single `| {code} | name | severity | on/off |` "
                              "row in its rules table")
    return row.sub(rf"\g<1>{state}\g<3>", text)


def reference(root: Path) -> str:
    """docs/rules.md as the checkout's own code generates it from the rule files."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        p for p in (str(root / "src"), os.environ.get("PYTHONPATH", "")) if p)}
    proc = subprocess.run([sys.executable, "-m", "backendreview", "rules", "--format",
                           "markdown"], cwd=root, env=env, capture_output=True, text=True,
                          timeout=300, check=False)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["(no message)"])[-1]
        raise SetDefaultError(f"the rule files do not load after the edit: {last}")
    return proc.stdout


def set_default(root: Path, code: str, state: str, reason: str | None) -> list[Path]:
    """Apply the decision; return the files written. On failure nothing is left changed."""
    if not RULE_RE.match(code):
        raise SetDefaultError(f"{code!r} is not a rule code (BR + three digits)")
    if code in ALWAYS_ON:
        raise SetDefaultError(f"{code} stays on: {ALWAYS_ON[code]}")
    if state == "off" and not (reason or "").strip():
        raise SetDefaultError("turning a rule off needs a reason: say what was measured")
    if state == "on" and reason:
        raise SetDefaultError("a reason is only for turning a rule off")
    path = rule_file(root, code)
    readme = root / "README.md"
    docs = root / "docs" / "rules.md"
    old_rule = path.read_text(encoding="utf-8")
    new_rule = edit_rule_text(old_rule, state, reason)
    new_readme = edit_readme_text(readme.read_text(encoding="utf-8"), code, state)
    path.write_text(new_rule, encoding="utf-8")
    try:
        new_docs = reference(root)
    except SetDefaultError:
        path.write_text(old_rule, encoding="utf-8")
        raise
    docs.write_text(new_docs, encoding="utf-8")
    readme.write_text(new_readme, encoding="utf-8")
    return [path, docs, readme]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("code", help="the rule, e.g. BR101")
    parser.add_argument("state", choices=("on", "off"))
    parser.add_argument("reason", nargs="?", help="why it is off (required with off)")
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1],
                        help="the checkout to edit (default: the one holding this script)")
    args = parser.parse_args(argv)
    try:
        written = set_default(args.root.resolve(), args.code.strip().upper(), args.state,
                              args.reason)
    except (SetDefaultError, OSError) as exc:
        sys.stderr.write(f"set_default: error: {exc}\n")
        return 2
    shown = ", ".join(str(p.relative_to(args.root.resolve())) for p in written)
    print(f"{args.code.upper()} is {args.state} by default; wrote {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
