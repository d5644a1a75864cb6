"""The rule API: a file rule visits ast nodes through the shared context; a project rule
reads the merged facts of every file."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any, ClassVar

from ..model import Finding, Fix, Related, Severity, Span

if TYPE_CHECKING:
    from ..config import Config
    from ..context import FileContext
    from ..metadata import RuleDoc


class Rule:
    """A per-file rule. Subclasses define `id` and `visit_<NodeType>(node)` methods; the engine
    walks each tree once and calls every enabled rule's visitors for each node."""

    id: ClassVar[str]
    # Run the rule only on files that import one of these modules (a cheap prefilter);
    # empty means every file.
    requires_imports: ClassVar[tuple[str, ...]] = ()
    # Options accepted in [tool.backendreview.rules.<id>]: name -> type (str, int, bool,
    # list for a list of strings). Read them with `self.option(name, default)`.
    OPTIONS: ClassVar[dict[str, type]] = {}
    _visitors: ClassVar[dict[type[ast.AST], str] | None] = None
    # Node types this instance has nothing to do for in its file, by a gate computed once
    # in __init__ (e.g. a file importing nothing the rule's calls can name): the engine
    # then dispatches none of those nodes to it.
    idle: frozenset[type[ast.AST]] = frozenset()

    def __init__(self, ctx: FileContext, doc: RuleDoc) -> None:
        self.ctx = ctx
        self.doc = doc

    def option(self, name: str, default: Any) -> Any:
        return self.ctx.config.options_for(self.id).get(name, default)

    @classmethod
    def visitors(cls) -> dict[type[ast.AST], str]:
        # Asked once per rule per file: dir() of the class every time was ~2% of a run.
        cached = cls.__dict__.get("_visitors")
        if cached is None:
            cached = {}
            for attr in dir(cls):
                if attr.startswith("visit_"):
                    node_type = getattr(ast, attr[len("visit_"):], None)
                    if isinstance(node_type, type) and issubclass(node_type, ast.AST):
                        cached[node_type] = attr
            cls._visitors = cached
        return cached

    def report(self, node: ast.AST, message: str, *, fix: Fix | None = None,
               related: tuple[Related, ...] = (), severity: Severity | None = None,
               end: ast.AST | None = None) -> Finding:
        return self.ctx.report(self.id, node, message, severity=severity or self.doc.severity,
                               fix=fix, related=related, end=end)

    def end_file(self) -> None:
        """Called once after the walk."""


class ProjectRule:
    """A rule over the merged facts of the whole project (routes, models, settings).

    Facts are emitted by file rules through `FileContext.emit_fact(kind, fact)`; the engine
    merges them by kind, in path order, and calls `check(facts)` once per run.
    """

    id: ClassVar[str]
    OPTIONS: ClassVar[dict[str, type]] = {}
    # Fact collectors the rule needs run in the file walk
    # ("routes": analysis/frameworks/collector.py).
    needs_facts: ClassVar[tuple[str, ...]] = ()
    # Whether the rule still answers rightly when the project is one file (the flake8
    # plugin reviews one buffer at a time).
    one_file_ok: ClassVar[bool] = False

    def __init__(self, doc: RuleDoc, config: Config | None = None) -> None:
        self.doc = doc
        self.config = config
        self.findings: list[Finding] = []

    def option(self, name: str, default: Any) -> Any:
        if self.config is None:
            return default
        return self.config.options_for(self.id).get(name, default)

    def check(self, facts: dict[str, list[Any]]) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def report(self, path: str, span: Span, message: str, *, fix: Fix | None = None,
               related: tuple[Related, ...] = (), severity: Severity | None = None,
               snippet: str = "") -> Finding:
        finding = Finding(rule_id=self.id, severity=severity or self.doc.severity,
                          message=message, path=path, span=span, fix=fix, related=related,
                          snippet=snippet)
        self.findings.append(finding)
        return finding
