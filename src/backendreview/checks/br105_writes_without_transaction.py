"""BR105 writes-without-transaction: a request handler that writes twice or more outside a
transaction.

Django runs in autocommit mode: each `save()`, `create()` or `update()` commits on its own,
so an exception between two of them leaves the first one written. Covered: the handler or
its class decorated with `transaction.atomic`, the writes inside `with
transaction.atomic():`, or `ATOMIC_REQUESTS` in the project's DATABASES setting (read in the
project phase). SQLAlchemy sessions are transactional until `commit()`: there, two commits in
one handler are the same mistake.
"""

from __future__ import annotations

import ast
from typing import ClassVar

from ..analysis.dbapi import HandleResolver
from ..astutil import own_nodes
from ..model import Fix
from .base import ProjectRule, Rule
from .br102_n_plus_one import skipped_path
from .br104_connection_per_request import _handler

_MANAGER_WRITES = frozenset({"create", "get_or_create", "update_or_create", "bulk_create",
                             "bulk_update"})
_QUERYSET_WRITES = frozenset({"update", "delete"})
_RELATED_WRITES = frozenset({"add", "remove", "set", "clear"})
_ATOMIC = frozenset({"django.db.transaction.atomic", "django.db.transaction"})


class WritesWithoutTransaction(Rule):
    id = "BR105"
    requires_imports = ("django", "sqlalchemy", "flask_sqlalchemy")
    OPTIONS: ClassVar[dict[str, type]] = {"include-tests": bool}

    def __init__(self, ctx, doc) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx, doc)
        self.skip = skipped_path(ctx.path, self.option("include-tests", False), False)
        self.handles = HandleResolver(ctx)

    def visit_Assign(self, node: ast.Assign) -> None:
        # DATABASES = {"default": {..., "ATOMIC_REQUESTS": True}}
        if any(isinstance(t, ast.Name) and t.id == "DATABASES" for t in node.targets) or any(
                isinstance(t, ast.Subscript) and "ATOMIC_REQUESTS" in ast.unparse(t)
                for t in node.targets):
            text = ast.unparse(node)
            if "'ATOMIC_REQUESTS': True" in text or "ATOMIC_REQUESTS'] = True" in text:
                self.ctx.emit_fact("br105_atomic_requests", self.ctx.path)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        if self.skip or self.ctx.semantic.enclosing_function(node) is not None:
            return
        kind = _handler(self.ctx, node)
        if kind is None or self._decorated_atomic(node):
            return
        cls = self.ctx.semantic.enclosing_class(node)
        if cls is not None and self._decorated_atomic(cls):
            return
        django: list[tuple[ast.Call, str]] = []
        commits: list[ast.Call] = []
        for call in _calls(node):
            label = self._django_write(call)
            if label and not self._inside_atomic(call, node):
                django.append((call, label))
            elif self._is_commit(call):
                commits.append(call)
        pair = _same_path_pair(self.ctx, django)
        if pair is not None:
            (first, first_label), (second, second_label) = pair
            message = (f"`{second_label}` and `{first_label}` (line {first.lineno}) write in "
                       f"{kind} `{node.name}` without a transaction: an error between them "
                       f"leaves the first change committed; wrap the writes in `with "
                       f"transaction.atomic():` or decorate the view with "
                       f"`@transaction.atomic`")
            span = self.ctx.span_of(second)
            self.ctx.emit_fact("br105_django", (self.ctx.path, span, message,
                                                self.ctx.source(second).split("\n")[0]))
        if len(commits) >= 2:
            first, second = commits[0], commits[1]
            self.report(second, f"second `commit()` in {kind} `{node.name}` (the first is on "
                                f"line {first.lineno}): the writes before it are already "
                                f"committed if this part fails; commit once at the end, or "
                                f"use `with session.begin():` around all of them",
                        fix=Fix(description="one transaction for the whole request",
                                suggestion="with session.begin():\n    ...  # every write"))

    visit_AsyncFunctionDef = visit_FunctionDef

    def _decorated_atomic(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
                          ) -> bool:
        for decorator in node.decorator_list:
            for sub in ast.walk(decorator):
                if isinstance(sub, ast.Name | ast.Attribute) and (
                        self.ctx.qualified_name(sub) in _ATOMIC):
                    return True
        return False

    def _inside_atomic(self, call: ast.Call, function: ast.AST) -> bool:
        for anc in self.ctx.semantic.ancestors(call):
            if anc is function:
                return False
            if isinstance(anc, ast.With | ast.AsyncWith):
                for item in anc.items:
                    expr = item.context_expr
                    target = expr.func if isinstance(expr, ast.Call) else expr
                    if self.ctx.qualified_name(target) in _ATOMIC:
                        return True
        return False

    def _django_write(self, call: ast.Call) -> str | None:
        if not self.ctx.semantic.is_imported("django"):
            return None
        func = call.func
        if not isinstance(func, ast.Attribute):
            return None
        method = func.attr
        receiver = func.value
        short = " ".join(self.ctx.source(call).split())
        short = short if len(short) <= 50 else short[:47] + "..."
        chain = receiver
        while isinstance(chain, ast.Call) and isinstance(chain.func, ast.Attribute):
            chain = chain.func.value
        on_manager = isinstance(chain, ast.Attribute) and chain.attr == "objects"
        if on_manager and (method in _MANAGER_WRITES or (
                method in _QUERYSET_WRITES and isinstance(receiver, ast.Call))):
            return short
        if method == "save" and isinstance(receiver, ast.Name) and not call.args and (
                receiver.id != "self" and not receiver.id.endswith(("session", "cache"))) and (
                not any(k.arg == "commit" for k in call.keywords)):  # form.save(commit=False)
            return short
        if method in _RELATED_WRITES and isinstance(receiver, ast.Attribute) and isinstance(
                receiver.value, ast.Name) and self._bound_to_model(receiver.value):
            return short
        return None

    def _bound_to_model(self, name: ast.Name) -> bool:
        """`order` bound to `Order.objects.get(...)`, `Order.objects.create(...)`, `Order(...)`
        with a capitalised class, or `get_object_or_404(...)`."""
        for binding in self.ctx.reaching_bindings(name):
            value = binding.value
            if not isinstance(value, ast.Call):
                continue
            text = self.ctx.source(value.func)
            if ".objects." in text or text.endswith("get_object_or_404"):
                return True
        return False

    def _is_commit(self, call: ast.Call) -> bool:
        func = call.func
        if not (isinstance(func, ast.Attribute) and func.attr == "commit") or call.args:
            return False
        handle = self.handles.of(func.value)
        if handle is not None:
            return handle.library == "sqlalchemy" and handle.kind == "session"
        return self.ctx.source(func.value).endswith("session") and (
            self.ctx.semantic.is_imported("sqlalchemy") or self.ctx.semantic.is_imported(
                "flask_sqlalchemy"))


def _same_path_pair(ctx, writes):  # type: ignore[no-untyped-def]
    """The first two writes that can both run in one request: not in opposite arms of an
    `if` (or `try` / `except`)."""
    for index, second in enumerate(writes):
        for first in writes[:index]:
            if not _exclusive(ctx, first[0], second[0]):
                return first, second
    return None


def _exclusive(ctx, a: ast.AST, b: ast.AST) -> bool:  # type: ignore[no-untyped-def]
    a_chain = [a, *ctx.semantic.ancestors(a)]
    b_chain = [b, *ctx.semantic.ancestors(b)]
    b_ids = {id(n) for n in b_chain}
    for position, node in enumerate(a_chain):
        if id(node) in b_ids:
            child_a = a_chain[position - 1] if position else None
            child_b = b_chain[[id(n) for n in b_chain].index(id(node)) - 1]
            if isinstance(node, ast.If):
                arm_a = 0 if child_a in node.body else 1 if child_a in node.orelse else None
                arm_b = 0 if child_b in node.body else 1 if child_b in node.orelse else None
                return arm_a is not None and arm_b is not None and arm_a != arm_b
            if isinstance(node, ast.Try):
                # except handlers exclude each other and the else arm; the try body does
                # not exclude a handler (it may write, then raise)
                arm_a, arm_b = _try_arm(node, child_a), _try_arm(node, child_b)
                return arm_a is not None and arm_b is not None and arm_a != arm_b
            return False
    return False


def _try_arm(node: ast.Try, child: ast.AST | None) -> tuple[str, int] | None:
    if isinstance(child, ast.ExceptHandler):
        return ("handler", node.handlers.index(child))
    return ("else", 0) if child in node.orelse else None


def _calls(function: ast.AST) -> list[ast.Call]:
    calls = [n for n in own_nodes(function) if isinstance(n, ast.Call)]
    calls.sort(key=lambda c: (c.lineno, c.col_offset))
    return calls


class WritesWithoutTransactionProject(ProjectRule):
    id = "BR105"
    OPTIONS: ClassVar[dict[str, type]] = {"include-tests": bool}

    def check(self, facts: dict[str, list]) -> None:  # type: ignore[type-arg]
        if facts.get("br105_atomic_requests"):
            return  # every Django request already runs in a transaction
        for path, span, message, snippet in facts.get("br105_django", []):
            self.report(path, span, message, fix=Fix(
                description="make the request's writes one transaction",
                suggestion="from django.db import transaction\n\n@transaction.atomic\n"
                           "def view(request): ..."), snippet=snippet)


RULES = (WritesWithoutTransaction, WritesWithoutTransactionProject)
