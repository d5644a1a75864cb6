"""Source rewrites that exact fixes are built from, done with libcst on the node's own text so
that comments, line breaks and the author's spacing inside the node survive.

Each function takes the exact source text of one expression (as `FileContext.source` gives
it) and returns the rewritten text, or None when the text is not the expected shape; the
rule then offers its suggestion without an exact edit.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from ..model import Edit, Span

if TYPE_CHECKING:
    import libcst as cst
else:
    class _Libcst:
        """libcst, imported on first use: most runs build no exact fix, and importing it
        is a third of the engine's start-up (every rule module imports this one)."""

        def __getattr__(self, name: str) -> Any:
            import libcst

            globals()["cst"] = libcst
            return getattr(libcst, name)

    cst = _Libcst()
_R = TypeVar("_R")


def _bounded(function: Callable[..., _R | None]) -> Callable[..., _R | None]:
    """A rewrite of a node nested deeper than libcst can recurse (a chain of hundreds of
    attributes) gives no fix rather than failing the rule."""
    @functools.wraps(function)
    def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            return function(*args, **kwargs)
        except RecursionError:
            return None
    return wrapper


def _call(source: str) -> cst.Call | None:
    try:
        expr = cst.parse_expression(source)
    except (cst.ParserSyntaxError, RecursionError, ValueError):
        return None
    return expr if isinstance(expr, cst.Call) else None


def _expression(source: str) -> cst.BaseExpression | None:
    try:
        return cst.parse_expression(source)
    except (cst.ParserSyntaxError, RecursionError, ValueError):
        return None


@functools.cache
def _empty_module() -> cst.Module:
    return cst.Module(body=[])


def code(node: cst.CSTNode) -> str:
    return _empty_module().code_for_node(node)


def _keyword_arg(name: str, value: cst.BaseExpression) -> cst.Arg:
    return cst.Arg(keyword=cst.Name(name), value=value,
                   equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                         whitespace_after=cst.SimpleWhitespace("")))


@_bounded
def with_keyword(source: str, name: str, value: str) -> str | None:
    """The call with `name=value`: an existing `name=` keyword gets the new value (a call
    never ends up with the keyword twice); otherwise the keyword follows the last argument,
    on its own line when the arguments are one per line."""
    call = _call(source)
    new_value = _expression(value)
    if call is None or new_value is None:
        return None
    args = list(call.args)
    for index, arg in enumerate(args):
        if arg.keyword is not None and arg.keyword.value == name:
            args[index] = arg.with_changes(value=new_value)
            return code(call.with_changes(args=args))
    return code(call.with_changes(args=_appended(
        args, _keyword_arg(name, new_value), call.whitespace_before_args,
        args[-1].whitespace_after_arg if args else None)))


def _appended(items: list, new, opening, closing):  # type: ignore[no-untyped-def, type-arg]
    """`items` (call arguments or dict elements) with `new` last. A trailing comma stays
    trailing; the new item takes the layout the earlier ones use (a line of its own when
    they have one); a closing bracket on its own line stays there. `opening` and `closing`
    are the whitespace after the opening bracket and before the closing one."""
    if not items:
        return [new]
    items = list(items)
    last = items[-1]
    if not isinstance(last.comma, cst.Comma) and isinstance(
            closing, cst.ParenthesizedWhitespace) and isinstance(
            opening, cst.ParenthesizedWhitespace):
        # f(\n    a\n) -> f(\n    a,\n    new\n)
        items[-1] = last.with_changes(comma=cst.Comma(whitespace_after=opening))
        if isinstance(last, cst.Arg):  # a call keeps that whitespace on its last argument
            items[-1] = items[-1].with_changes(whitespace_after_arg=cst.SimpleWhitespace(""))
            new = new.with_changes(whitespace_after_arg=closing)
        return [*items, new]
    if isinstance(last.comma, cst.Comma):
        after = last.comma.whitespace_after
        if isinstance(after, cst.ParenthesizedWhitespace):
            # One item per line: the last item keeps its comment, the new one gets a line
            # indented like the items, and the closing bracket keeps its own indentation.
            earlier = items[-2].comma.whitespace_after if len(items) > 1 and isinstance(
                items[-2].comma, cst.Comma) else None
            layout = earlier if isinstance(earlier, cst.ParenthesizedWhitespace) else after
            items[-1] = last.with_changes(comma=last.comma.with_changes(
                whitespace_after=after.with_changes(indent=layout.indent,
                                                    last_line=layout.last_line)))
            closing = cst.ParenthesizedWhitespace(indent=after.indent,
                                                  last_line=after.last_line)
            return [*items, new.with_changes(comma=cst.Comma(whitespace_after=closing))]
        items[-1] = last.with_changes(comma=cst.Comma(
            whitespace_after=cst.SimpleWhitespace(" ")))
        return [*items, new.with_changes(comma=last.comma)]
    items[-1] = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    return [*items, new]


@_bounded
def dict_with_key(source: str, key: str, value: str) -> str | None:
    """A dict display with one more `"key": value` entry (None when `key` is already there
    or the text is not a dict display)."""
    expr = _expression(source)
    new_value = _expression(value)
    if not isinstance(expr, cst.Dict) or new_value is None:
        return None
    elements = list(expr.elements)
    for element in elements:
        if isinstance(element, cst.DictElement) and isinstance(element.key, cst.SimpleString) \
                and element.key.evaluated_value == key:
            return None
    quote = next((e.key.quote for e in elements if isinstance(e, cst.DictElement)
                  and isinstance(e.key, cst.SimpleString)), '"')  # the dict's own quotes
    new = cst.DictElement(key=cst.SimpleString(f"{quote}{key}{quote}"), value=new_value)
    return code(expr.with_changes(elements=_appended(
        elements, new, expr.lbrace.whitespace_after, expr.rbrace.whitespace_before)))


# -- names in scope and module-level additions ------------------------------------------------

def imported_name(tree: ast.Module, qualified: str) -> str | None:
    """How this module spells `qualified` (e.g. `datetime.timedelta`) through its top-level
    imports: `timedelta`, `datetime.timedelta`, `dt.timedelta`; None when not imported."""
    module, _, attr = qualified.rpartition(".")
    for stmt in tree.body:
        if isinstance(stmt, ast.ImportFrom) and stmt.level == 0 and stmt.module == module:
            for alias in stmt.names:
                if alias.name == attr:
                    return alias.asname or alias.name
        elif isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.name == module:
                    return f"{alias.asname or alias.name}.{attr}"
                if alias.name == qualified and alias.asname is None:
                    return qualified
    return None


def _is_docstring(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(
        stmt.value.value, str)


def _insert_before(stmt: ast.stmt, text: str) -> Edit:
    # A decorated definition starts at its first decorator, not at its `def` line.
    line = min([stmt.lineno, *(d.lineno for d in getattr(stmt, "decorator_list", ()))])
    return Edit(Span(line, 1, line, 1), text if text.endswith("\n") else text + "\n")


def import_edit(tree: ast.Module, text: str) -> Edit | None:
    """Insert an import statement after the module docstring and `__future__` imports."""
    for index, stmt in enumerate(tree.body):
        if index == 0 and _is_docstring(stmt):
            continue
        if isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__":
            continue
        return _insert_before(stmt, text)
    return None


def _binds(stmt: ast.stmt, name: str) -> bool:
    return isinstance(stmt, ast.Import | ast.ImportFrom) and any(
        (alias.asname or alias.name.partition(".")[0]) == name for alias in stmt.names)


def setup_edit(tree: ast.Module, text: str, uses: str | None = None) -> Edit | None:
    """Insert module-level setup (`logger = logging.getLogger(__name__)`) after the imports
    at the top of the module — after the last import before the first definition, and after
    the import that binds `uses` — so the line never runs before a name it needs is bound
    (modules often put `__author__ = ...` above their imports)."""
    body = tree.body
    first_def = next((i for i, stmt in enumerate(body) if isinstance(
        stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)), len(body))
    after = 1 if body and _is_docstring(body[0]) else 0
    for index, stmt in enumerate(body):
        if (index < first_def and isinstance(stmt, ast.Import | ast.ImportFrom)) or (
                uses is not None and _binds(stmt, uses)):
            after = max(after, index + 1)
    if after >= len(body):
        return None
    return _insert_before(body[after], text)


@_bounded
def replace_in(source: str, old: str, new: str, statement: bool = False) -> str | None:
    """`source` (an expression, or a simple statement) with its first sub-expression whose
    text is `old` replaced by the expression `new`."""
    try:
        node: cst.CSTNode = cst.parse_statement(source) if statement else \
            cst.parse_expression(source)
        replacement = cst.parse_expression(new)
    except (cst.ParserSyntaxError, RecursionError, ValueError):
        return None

    class _Swap(cst.CSTTransformer):
        def __init__(self) -> None:
            super().__init__()
            self.done = False
            # Names that are not values: a keyword argument's name (`detail=`), an
            # attribute's name (`x.detail`). Swapping one would write `"text"=detail`.
            self.labels: set[int] = set()

        def visit_Arg(self, node: cst.Arg) -> None:
            if node.keyword is not None:
                self.labels.add(id(node.keyword))

        def visit_Attribute(self, node: cst.Attribute) -> None:
            self.labels.add(id(node.attr))

        def on_leave(self, original, updated):  # type: ignore[no-untyped-def]
            if not self.done and isinstance(original, cst.BaseExpression) and (
                    id(original) not in self.labels) and code(original) == old:
                self.done = True
                return replacement
            return updated

    swap = _Swap()
    out = node.visit(swap)
    if not swap.done:
        return None
    text = code(out)  # type: ignore[arg-type]
    return text.rstrip("\r\n") if statement else text


@_bounded
def without_keyword(source: str, name: str) -> str | None:
    """The call without its `name=` keyword argument."""
    call = _call(source)
    if call is None:
        return None
    args = [a for a in call.args if not (a.keyword is not None and a.keyword.value == name)]
    if len(args) == len(call.args):
        return source
    if args and not isinstance(call.args[-1].comma, cst.Comma):
        args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return code(call.with_changes(args=args))
