"""Rule documentation as data: `rules/*.yaml`, validated at load.

The same records feed `backendreview explain`, `backendreview rules`, SARIF `help`, and the
generated `docs/rules.md`. A malformed file is a `RuleFileError` naming the file and the key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from .model import Severity

RULE_ID_RE = re.compile(r"^BR\d{3}$")
NAME_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
CONFIDENCES = ("high", "medium", "low")

# key -> (type, required)
_SCHEMA: dict[str, tuple[type | tuple[type, ...], bool]] = {
    "id": (str, True),
    "name": (str, True),
    "title": (str, True),
    "severity": (str, True),
    "confidence": (str, True),
    "security-severity": ((int, float), False),
    "cwe": (list, True),
    "owasp": (list, True),
    "tags": (list, True),
    "frameworks": (list, True),
    "default-enabled": (bool, False),
    # Why a rule is off by default: the measured figures that put it there.
    "default-off-reason": (str, False),
    "summary": (str, True),
    "why": (str, True),
    "example": (str, True),
    "use-instead": (str, True),
    "fix-safety": (str, True),
    "references": (list, True),
    "examples": (dict, True),
    "options": (dict, False),
}


class RuleFileError(ValueError):
    """A rule YAML file is malformed; the message names the file and the key."""


@dataclass(frozen=True)
class RuleDoc:
    id: str
    name: str
    title: str
    severity: Severity
    confidence: str
    security_severity: float | None
    cwe: tuple[str, ...]
    owasp: tuple[str, ...]
    tags: tuple[str, ...]
    frameworks: tuple[str, ...]
    default_enabled: bool
    summary: str
    why: str
    example: str
    use_instead: str
    fix_safety: str
    references: tuple[str, ...]
    bad_examples: tuple[str, ...]
    good_examples: tuple[str, ...]
    source: str  # file name, for error messages and tests
    options: tuple[tuple[str, str], ...] = ()  # name -> description
    default_off_reason: str = ""

    @property
    def off_reason(self) -> str:
        """`default-off-reason` on one line, without its closing full stop (it is quoted
        inside a sentence)."""
        return " ".join(self.default_off_reason.split()).rstrip(".")

    @property
    def precision(self) -> str:
        """SARIF `precision` from our confidence scale."""
        return {"high": "high", "medium": "medium", "low": "low"}[self.confidence]

    def markdown(self) -> str:
        """The rule's documentation page: `explain`, SARIF help.markdown, docs/rules.md."""
        parts = [
            f"## {self.id} {self.name}: {self.title}",
            "",
            self.summary.strip(),
            "",
            f"- Severity: {self.severity.value}; confidence: {self.confidence}"
            + (
                f"; security severity: {self.security_severity}"
                if self.security_severity is not None
                else ""
            ),
        ]
        if self.cwe:
            parts.append(f"- CWE: {', '.join(self.cwe)}")
        if self.owasp:
            parts.append(f"- OWASP: {', '.join(self.owasp)}")
        if self.frameworks:
            parts.append(f"- Frameworks: {', '.join(self.frameworks)}")
        if not self.default_enabled:
            parts.append(f"- **Off by default:** {self.off_reason}. Enable it with "
                         f"{enable_hint(self.id)}.")
        parts += [
            "",
            "### Why is this bad?",
            "",
            self.why.strip(),
            "",
            "### Example",
            "",
            "```python",
            self.example.strip("\n"),
            "```",
            "",
            "### Use instead",
            "",
            "```python",
            self.use_instead.strip("\n"),
            "```",
            "",
            "### Fix safety",
            "",
            self.fix_safety.strip(),
        ]
        if self.options:
            parts += ["", "### Options", "",
                      f"Set in `[tool.backendreview.rules.{self.id}]`:", ""]
            parts += [f"- `{name}`: {text.strip()}" for name, text in self.options]
        if self.references:
            parts += ["", "### References", ""]
            parts += [f"- <{ref}>" for ref in self.references]
        return "\n".join(parts) + "\n"

    def text(self) -> str:
        """Plain-text help for SARIF `help.text`."""
        return (
            f"{self.summary.strip()}\n\nWhy is this bad?\n{self.why.strip()}\n\n"
            f"Use instead:\n{self.use_instead.strip()}\n"
        )


def enable_hint(rule_id: str) -> str:
    """How to turn on a rule that is off by default, in Markdown."""
    return (f"`--extend-select {rule_id}` or `extend-select = [\"{rule_id}\"]` under "
            "`[tool.backendreview]`")


def _fail(source: str, key: str, problem: str) -> RuleFileError:
    return RuleFileError(f"{source}: key '{key}': {problem}")


def parse_rule_doc(data: Any, source: str) -> RuleDoc:
    if not isinstance(data, dict):
        raise RuleFileError(f"{source}: expected a mapping at the top level")
    for key in data:
        if key not in _SCHEMA:
            raise _fail(source, str(key), "unknown key")
    for key, (typ, required) in _SCHEMA.items():
        if key not in data:
            if required:
                raise _fail(source, key, "missing")
            continue
        value = data[key]
        if isinstance(value, bool) and typ in ((int, float),):
            raise _fail(source, key, "expected a number")
        if not isinstance(value, typ):
            expected = typ.__name__ if isinstance(typ, type) else "number"
            raise _fail(source, key, f"expected {expected}, got {type(value).__name__}")
        if isinstance(value, str) and not value.strip():
            raise _fail(source, key, "must not be empty")
        if isinstance(value, list) and not all(isinstance(v, str) for v in value):
            raise _fail(source, key, "expected a list of strings")

    rule_id = data["id"]
    if not RULE_ID_RE.match(rule_id):
        raise _fail(source, "id", f"{rule_id!r} is not BR + three digits")
    if not Path(source).name.startswith(rule_id + "-"):
        raise _fail(source, "id", f"file name must start with '{rule_id}-'")
    if not NAME_RE.match(data["name"]):
        raise _fail(source, "name", f"{data['name']!r} is not kebab-case")
    try:
        severity = Severity.parse(data["severity"])
    except ValueError as exc:
        raise _fail(source, "severity", str(exc)) from None
    if data["confidence"] not in CONFIDENCES:
        raise _fail(source, "confidence", f"expected one of {', '.join(CONFIDENCES)}")
    sec = data.get("security-severity")
    if sec is not None and not 0.0 < float(sec) <= 10.0:
        raise _fail(source, "security-severity", "must be in (0, 10]")
    examples = data["examples"]
    for key in examples:
        if key not in ("bad", "good"):
            raise _fail(source, f"examples.{key}", "unknown key (expected bad, good)")
    bad = examples.get("bad") or []
    good = examples.get("good") or []
    for kind, items in (("bad", bad), ("good", good)):
        if not isinstance(items, list) or not items:
            raise _fail(source, f"examples.{kind}", "expected a non-empty list of code blocks")
        if not all(isinstance(i, str) and i.strip() for i in items):
            raise _fail(source, f"examples.{kind}", "every example must be a code string")

    # Which rules are on by default is a decision taken on measured precision: an off rule
    # says why, and an on rule carries no stale reason.
    enabled = data.get("default-enabled", True)
    if not enabled and "default-off-reason" not in data:
        raise _fail(source, "default-off-reason", "missing (a rule off by default says why)")
    if enabled and "default-off-reason" in data:
        raise _fail(source, "default-off-reason", "set, but the rule is on by default")

    options = data.get("options", {})
    for key, text in options.items():
        if not isinstance(text, str) or not text.strip():
            raise _fail(source, f"options.{key}", "expected a description string")
    return RuleDoc(
        options=tuple(sorted(options.items())),
        id=rule_id,
        name=data["name"],
        title=data["title"].strip(),
        severity=severity,
        confidence=data["confidence"],
        security_severity=float(sec) if sec is not None else None,
        cwe=tuple(data["cwe"]),
        owasp=tuple(data["owasp"]),
        tags=tuple(data["tags"]),
        frameworks=tuple(data["frameworks"]),
        default_enabled=enabled,
        default_off_reason=data.get("default-off-reason", ""),
        summary=data["summary"],
        why=data["why"],
        example=data["example"],
        use_instead=data["use-instead"],
        fix_safety=data["fix-safety"],
        references=tuple(data["references"]),
        bad_examples=tuple(bad),
        good_examples=tuple(good),
        source=source,
    )


def load_rule_file(path: Path) -> RuleDoc:
    try:
        # libyaml's loader when present: every run loads all rule files, and the pure-Python
        # one costs ~0.1 s of start-up.
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except yaml.YAMLError as exc:
        raise RuleFileError(f"{path.name}: not valid YAML: {exc}") from None
    return parse_rule_doc(data, path.name)


def rules_dir() -> Path:
    """Where the rule YAML lives: inside the installed package, or the source checkout."""
    packaged = resources.files("backendreview") / "rules"
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parents[2] / "rules"
    if checkout.is_dir():
        return checkout
    raise RuleFileError("rule documentation directory not found (broken installation)")


@lru_cache(maxsize=1)
def load_rule_docs() -> dict[str, RuleDoc]:
    docs: dict[str, RuleDoc] = {}
    for path in sorted(rules_dir().glob("*.yaml")):
        doc = load_rule_file(path)
        if doc.id in docs:
            raise RuleFileError(f"{path.name}: key 'id': {doc.id} is also defined in "
                                f"{docs[doc.id].source}")
        docs[doc.id] = doc
    return docs


def _anchor(doc: RuleDoc) -> str:
    """GitHub's anchor for the rule's `## BRxxx name: title` heading."""
    heading = f"{doc.id} {doc.name}: {doc.title}".lower()
    return re.sub(r"[^\w\- ]", "", heading).replace(" ", "-")


def rules_reference(docs: dict[str, RuleDoc], default_on: set[str]) -> str:
    """docs/rules.md: the generated reference of every rule."""
    lines = [
        "# Rules reference",
        "",
        "Generated from `rules/*.yaml` by `backendreview rules --format markdown`; do not edit.",
        "",
        "| Code | Name | Severity | Default | What it finds |",
        "|---|---|---|---|---|",
    ]
    for doc in docs.values():
        lines.append(f"| [{doc.id}](#{_anchor(doc)}) | {doc.name} | {doc.severity.value} | "
                     f"{'on' if doc.id in default_on else 'off'} | {doc.title} |")
    lines.append("")
    off = [doc for doc in docs.values() if doc.id not in default_on]
    if off:
        lines += ["## Off by default", "",
                  "These rules run only when selected: `--extend-select CODE`, or "
                  "`extend-select = [\"CODE\"]` under `[tool.backendreview]`. Each says why, "
                  "with the measured precision where there is one (docs/quality.md).", ""]
        lines += [f"- [{doc.id}](#{_anchor(doc)}) {doc.name}: {doc.off_reason}." for doc in off]
        lines.append("")
    for doc in docs.values():
        lines.append(doc.markdown())
    return "\n".join(lines)
