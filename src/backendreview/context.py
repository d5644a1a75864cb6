"""What a rule sees of one file: nodes, names, positions, inference, and `report()`."""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from .model import Finding, Fix, Related, Severity, Span
from .projectpath import project_relative
from .semantic import Binding, SemanticModel, module_name
from .sourcelines import source_lines

if TYPE_CHECKING:
    from .config import Config

T = TypeVar("T")


class FileContext:
    def __init__(self, path: str, text: str, tree: ast.Module, semantic: SemanticModel,
                 config: Config, module: str | None = None) -> None:
        self.path = path
        # The file's dotted module name: what names its classes and functions across files.
        # It comes from the import root of the argument that found the file, not from the
        # shown path (which may start above the project, or be absolute).
        self.module = module_name(path) if module is None else module
        self.text = text
        self.tree = tree
        self.semantic = semantic
        self.config = config
        self.lines = source_lines(text, keepends=True)
        self.findings: list[Finding] = []
        self.facts: dict[str, list[Any]] = {}
        self._astroid: Any = None
        self._astroid_failed = False
        self._astroid_index: dict[tuple[int, int, int, int, str], Any] | None = None
        self._memo: dict[str, dict[int, Any]] = {}
        self._policy_path: str | None = None
        # Rules ask these ~15 times per call node: bind the model's methods directly rather
        # than going through a forwarding method each time.
        self.qualified_name = semantic.qualified_name  # type: ignore[method-assign]
        self.reaching_bindings = semantic.reaching_bindings  # type: ignore[method-assign]

    def release(self) -> None:
        """Drop the file's tree, model and caches once its result is taken (see
        `SemanticModel.release`): value trackers and rule helpers refer back to the
        context, so it would otherwise wait for a cyclic collection."""
        self.semantic.release()
        self.__dict__.clear()

    @property
    def policy_path(self) -> str:
        """The file's path from the project root: what test / seed / migration / settings
        path policies look at (the reported path may start above the project)."""
        if self._policy_path is None:
            self._policy_path = project_relative(self.path, self.config.root)
        return self._policy_path

    # -- positions -------------------------------------------------------------------------
    def _line(self, lineno: int) -> str:
        if 1 <= lineno <= len(self.lines):
            return self.lines[lineno - 1]
        return ""

    def char_col(self, lineno: int, byte_col: int) -> int:
        """Convert an ast UTF-8 byte offset into a 0-based code point offset."""
        line = self._line(lineno)
        if line.isascii():
            return byte_col
        return len(line.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))

    def span_of(self, node: ast.AST, end: ast.AST | None = None) -> Span:
        last = end or node
        start_line = getattr(node, "lineno", 1)
        start = self.char_col(start_line, getattr(node, "col_offset", 0))
        end_line = getattr(last, "end_lineno", None) or start_line
        end_byte = getattr(last, "end_col_offset", None)
        end_col = self.char_col(end_line, end_byte) if end_byte is not None else start + 1
        return Span(start_line, start + 1, end_line, end_col + 1)

    def line_span(self, lineno: int) -> Span:
        line = self._line(lineno).rstrip("\r\n")
        indent = len(line) - len(line.lstrip())
        return Span(lineno, indent + 1, lineno, max(len(line), indent) + 1)

    def source(self, node: ast.AST) -> str:
        """The exact source text of an expression (like ast.get_source_segment, cheaper)."""
        if not hasattr(node, "lineno") or node.end_lineno is None:  # type: ignore[attr-defined]
            return ast.unparse(node)
        first = node.lineno  # type: ignore[attr-defined]
        last = node.end_lineno  # type: ignore[attr-defined]
        start = node.col_offset  # type: ignore[attr-defined]
        stop = node.end_col_offset  # type: ignore[attr-defined]
        if first == last:
            return self._line(first).encode("utf-8")[start:stop].decode("utf-8", "replace")
        parts = [self._line(first).encode("utf-8")[start:].decode("utf-8", "replace")]
        parts += [self._line(n) for n in range(first + 1, last)]
        parts.append(self._line(last).encode("utf-8")[:stop].decode("utf-8", "replace"))
        return "".join(parts)

    # -- names -----------------------------------------------------------------------------
    def qualified_name(self, expr: ast.AST) -> str | None:
        return self.semantic.qualified_name(expr)

    def reaching_bindings(self, name: ast.Name) -> list[Binding]:
        return self.semantic.reaching_bindings(name)

    # -- inference (astroid, built on demand from the same text) -----------------------------
    def infer(self, node: ast.AST, limit: int = 8) -> list[Any]:
        """Values astroid infers for `node`, or [] when it cannot tell.

        astroid is built once per file, only when a rule asks, from this file's text: files
        whose rules never ask never pay for it.
        """
        module = self._astroid_module()
        if module is None:
            return []
        target = self._astroid_node(node)
        if target is None:
            return []
        import astroid

        values: list[Any] = []
        try:
            for value in target.infer():
                if value is astroid.Uninferable:
                    return []
                values.append(value)
                if len(values) >= limit:
                    break
        except (astroid.InferenceError, RecursionError, AttributeError, TypeError,
                ValueError, StopIteration):
            return []
        return values

    @property
    def astroid_built(self) -> bool:
        return self._astroid is not None

    def _astroid_module(self) -> Any:
        if self._astroid is None and not self._astroid_failed:
            try:
                import astroid

                # Inference may look up the reviewed project's imports: astroid then parses
                # their source, and must never load a compiled extension (that would run it).
                astroid.MANAGER.always_load_extensions = False
                astroid.MANAGER.extension_package_whitelist = set()
                self._astroid = astroid.parse(self.text, path=self.path)
            except Exception:  # astroid failing must never fail the review
                self._astroid_failed = True
        return self._astroid

    def _astroid_node(self, node: ast.AST) -> Any:
        if self._astroid_index is None:
            index: dict[tuple[int, int, int, int, str], Any] = {}
            for anode in self._astroid.nodes_of_class(object):  # type: ignore[arg-type]
                key = (anode.lineno, anode.col_offset, anode.end_lineno or 0,
                       anode.end_col_offset or 0, type(anode).__name__)
                index.setdefault(key, anode)
            self._astroid_index = index
        key = (getattr(node, "lineno", 0), getattr(node, "col_offset", 0),
               getattr(node, "end_lineno", 0) or 0, getattr(node, "end_col_offset", 0) or 0,
               type(node).__name__)
        return self._astroid_index.get(key)

    # -- shared per-file answers -------------------------------------------------------------
    def memo(self, kind: str, node: ast.AST, compute: Callable[[], T]) -> T:
        """Compute an answer about `node` once per file, whichever rule asks first (several
        rules ask whether a function is a route handler, or what an except clause does)."""
        cache = self._memo.setdefault(kind, {})
        key = id(node)
        if key not in cache:
            cache[key] = compute()
        return cache[key]

    # -- output ----------------------------------------------------------------------------
    def report(self, rule_id: str, node: ast.AST, message: str, *, severity: Severity,
               fix: Fix | None = None, related: tuple[Related, ...] = (),
               end: ast.AST | None = None) -> Finding:
        span = self.span_of(node, end)
        finding = Finding(
            rule_id=rule_id,
            severity=severity,
            message=message,
            path=self.path,
            span=span,
            fix=fix,
            related=related,
            snippet=self._line(span.start_line).strip(),
        )
        self.findings.append(finding)
        return finding

    def emit_fact(self, kind: str, fact: Any) -> None:
        """Record a cross-file fact for the project phase (routes, models, settings)."""
        self.facts.setdefault(kind, []).append(fact)
