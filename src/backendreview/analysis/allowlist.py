"""Whether a value spliced into SQL text is drawn from a fixed set or validated before use.

A senior reviewer accepts a column name or a sort key in SQL text when the code shows it can
only be one of a fixed set: a member test against a literal collection or a constant that
rejects every other value on the path (`if col not in COLUMNS: raise`, `assert col in
(...)`), the value of an `Enum` member, or a validator that rejects on failure (a regex,
`isidentifier()`). A container the code cannot fix (request data, a parameter, object state)
is no allowlist. Used by BR101 in the file and by the program model's constant summaries.
"""

from __future__ import annotations

import ast
import re

from .quoting import quoting_function
from .strings import StringAnalyzer

# Calls whose truth says a string is a safe identifier or a known value.
_VALIDATOR = re.compile(r"(?i)valid|match|isidentifier|isalnum|isalpha|isdigit|isdecimal"
                        r"|allowed|safe_(?:name|ident)")
# Statement calls that raise unless their argument is acceptable.
_CHECKER = re.compile(r"(?i)valid|require|ensure|check|assert")


_ENUM_BASES = frozenset({"Enum", "IntEnum", "StrEnum", "Flag", "IntFlag"})


def enum_member_value(ctx, value: ast.expr) -> bool:  # type: ignore[no-untyped-def]
    """`order.value` where `order` is a member of an `Enum` class of this module: made by
    `Order(text)` (which raises on any other value) or a parameter annotated `Order` (FastAPI
    and pydantic reject other values before the handler runs)."""
    if not (isinstance(value, ast.Attribute) and value.attr in ("value", "name")
            and isinstance(value.value, ast.Name)):
        return False
    bindings = ctx.reaching_bindings(value.value) or ctx.semantic.lookup(
        value.value.id, value.value)[1]
    if not bindings:
        return False
    for binding in bindings:
        if binding.kind == "param":
            made_by = binding.annotation
        elif binding.kind in ("assign", "annassign") and isinstance(binding.value, ast.Call):
            made_by = binding.value.func
        else:
            return False
        if not (isinstance(made_by, ast.Name) and _is_enum_class(ctx, made_by)):
            return False
    return True


def _is_enum_class(ctx, name: ast.Name) -> bool:  # type: ignore[no-untyped-def]
    bindings = ctx.semantic.lookup(name.id, name)[1]
    if len(bindings) != 1 or not isinstance(bindings[0].node, ast.ClassDef):
        return False
    for base in bindings[0].node.bases:
        base_name = base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", "")
        if base_name in _ENUM_BASES:
            return True
    return False


def guarded(ctx, name: ast.Name, validators: bool = True) -> bool:  # type: ignore[no-untyped-def]
    """The value is checked before use: the use sits in the true branch of `if name in X`
    (alone or with `and`), or an earlier `if name not in X` / `if not valid(name)` /
    `assert name in X` of the same function replaces it with a constant or leaves (raise,
    return, abort). `validators=False`: only a fixed set counts (the value is then one of
    the set's constants), not a validator or a record looked up in the database."""
    if validators:
        positive, negative = _positive_test, _negative_test
    else:
        def positive(test: ast.expr, name: str, ctx) -> bool:  # type: ignore[no-untyped-def]
            return any(_membership(c, name, True, ctx) for c in _conjuncts(test))

        def negative(test: ast.expr, name: str, ctx) -> bool:  # type: ignore[no-untyped-def]
            return _membership(test, name, False, ctx)
    function = ctx.semantic.enclosing_function(name)
    if function is None:
        return False
    for anc in ctx.semantic.ancestors(name):
        if anc is function:
            break
        if isinstance(anc, ast.If) and positive(anc.test, name.id, ctx):
            parent_body = anc.body
            if any(name in ast.walk(stmt) for stmt in parent_body):
                return True
    for node in ast.walk(function):
        if not isinstance(node, ast.If | ast.Assert) or node.lineno >= name.lineno:
            continue
        if isinstance(node, ast.Assert) and positive(node.test, name.id, ctx):
            # `assert col in COLUMNS`: raises on every other value (the rule's doc notes that
            # `python -O` strips it; the reviewer still reads it as the author's allowlist).
            return True
        if not isinstance(node, ast.If):
            continue
        if negative(node.test, name.id, ctx) and _rejects_or_resets(node.body, name.id):
            return True
        if validators and _missing_lookup(ctx, node.test, name.id) and _rejects_or_resets(
                node.body, ""):
            return True
    return False


def _missing_lookup(ctx, test: ast.expr, name: str) -> bool:  # type: ignore[no-untyped-def]
    """`row = fetchone("... WHERE id = :id", {"id": name})` then `if not row: raise`: the
    value is the key of a stored record, an allowlist kept in the database."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        found = test.operand
    elif isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(
            test.ops[0], ast.Is) and isinstance(test.comparators[0], ast.Constant) and (
            test.comparators[0].value is None):
        found = test.left
    else:
        return False
    if not isinstance(found, ast.Name):
        return False
    bindings = ctx.reaching_bindings(found)
    if len(bindings) != 1 or bindings[0].value is None:
        return False
    lookup = bindings[0].value
    if isinstance(lookup, ast.Await):
        lookup = lookup.value
    if not isinstance(lookup, ast.Call):
        return False
    # The value is an argument of the lookup (a bound parameter), not text spliced into it.
    for call in ast.walk(lookup):
        if not isinstance(call, ast.Call):
            continue
        for arg in [*call.args, *(k.value for k in call.keywords)]:
            if isinstance(arg, ast.JoinedStr | ast.BinOp):
                continue
            if any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(arg)):
                return True
    return False


def quoting_helper(ctx, value: ast.expr) -> str:  # type: ignore[no-untyped-def]
    """The name of the function of this module that `value` calls when that function
    quotes its argument for SQL (`identifier(name)`, `literal_string(s)`: see
    analysis/quoting.py); "" otherwise. Helpers of other modules are asked of the program
    model in the project phase."""
    if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Name)):
        return ""
    bindings = ctx.semantic.lookup(value.func.id, value.func)[1]
    if len(bindings) != 1 or bindings[0].kind != "def":
        return ""
    func = bindings[0].node
    if isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef) and quoting_function(func):
        return value.func.id
    return ""


def validating_function(ctx, call: ast.Call) -> bool:  # type: ignore[no-untyped-def]
    """`_table_ref(schema, table)` defined in this module, whose body validates every
    parameter it returns before returning it (`_require_identifier(table)`, `if not
    VALID.match(table): raise ...`)."""
    if not isinstance(call.func, ast.Name):
        return False
    bindings = ctx.semantic.lookup(call.func.id, call.func)[1]
    if len(bindings) != 1 or bindings[0].kind != "def":
        return False
    func = bindings[0].node
    if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
        return False
    params = {a.arg for a in [*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs]}
    returned = {n.id for stmt in ast.walk(func) if isinstance(stmt, ast.Return) and stmt.value
                for n in ast.walk(stmt.value) if isinstance(n, ast.Name) and n.id in params}
    if not returned:
        return False
    checked: set[str] = set()
    for stmt in func.body:
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            called = stmt.value.func
            name = called.attr if isinstance(called, ast.Attribute) else getattr(called, "id", "")
            if _CHECKER.search(name):
                checked |= {n.id for n in ast.walk(stmt.value) if isinstance(n, ast.Name)}
        elif isinstance(stmt, ast.If) and _rejects_or_resets(stmt.body, ""):
            checked |= {p for p in params if _negative_test(stmt.test, p, ctx)}
    return returned <= checked


def _conjuncts(test: ast.expr) -> list[ast.expr]:
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return [c for v in test.values for c in _conjuncts(v)]
    return [test]


def _membership(test: ast.expr, name: str, positive: bool, ctx=None) -> bool:  # type: ignore[no-untyped-def]
    """`name in X` (`positive`) or `name not in X`, where X is a fixed set: a literal
    collection, a constant of the module or class, or its keys. A container the code
    cannot fix (request data, a parameter, object state) is no allowlist."""
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(
            test.left, ast.Name) and test.left.id == name:
        op = test.ops[0]
        if not (isinstance(op, ast.In) if positive else isinstance(op, ast.NotIn)):
            return False
        return ctx is None or fixed_set(ctx, test.comparators[0])
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _membership(test.operand, name, not positive, ctx)
    return False


def fixed_set(ctx, container: ast.expr) -> bool:  # type: ignore[no-untyped-def]
    """A collection whose members the code fixes: literals, constants (of this module,
    imported, or upper-case class attributes `self.SORT_FIELDS`), their `.keys()` /
    `.values()`, an `Enum` class's members."""
    if isinstance(container, ast.Call) and isinstance(container.func, ast.Attribute) and (
            container.func.attr in ("keys", "values")) and not container.args:
        container = container.func.value
    if isinstance(container, ast.Attribute) and container.attr.isupper() and isinstance(
            container.value, ast.Name) and container.value.id in ("self", "cls"):
        return True
    if _class_attribute(ctx, container):
        return True
    if not StringAnalyzer(ctx).is_static(container):
        return False
    # A name bound only by an import is static to the string analysis by convention; as an
    # allowlist it must at least be spelled as a constant.
    if isinstance(container, ast.Name):
        bindings = ctx.semantic.lookup(container.id, container)[1]
        if bindings and all(b.kind == "import" for b in bindings):
            return container.id.isupper()
    return True


def _class_attribute(ctx, expr: ast.expr) -> bool:  # type: ignore[no-untyped-def]
    """An attribute of a class the code defines or imports, read without a call:
    `User.__table__.columns`, `ub.User.__table__.c`, `Model.FIELDS`: the ORM model's column
    names and other class-level data are fixed by the code, not by a request."""
    chain: list[str] = []
    while isinstance(expr, ast.Attribute):
        chain.append(expr.attr)
        expr = expr.value
    if not chain or not isinstance(expr, ast.Name):
        return False
    bindings = ctx.semantic.lookup(expr.id, expr)[1]
    if not bindings or not all(b.kind in ("import", "class") for b in bindings):
        return False
    names = [expr.id, *reversed(chain)]
    # A CapWords segment before the last: the value is read off a class (`User.__table__`),
    # not a module-level object such as `request.args`.
    return any(n[:1].isupper() and not n.isupper() for n in names[:-1])


def _validator_call(test: ast.expr, name: str) -> bool:
    """`valid_name(x)`, `RE.fullmatch(x)`, `x.isidentifier()`."""
    if not isinstance(test, ast.Call):
        return False
    func = test.func
    called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if not _VALIDATOR.search(called):
        return False
    args = [*test.args, *(k.value for k in test.keywords)]
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and (
            func.value.id == name):
        return True
    return any(isinstance(a, ast.Name) and a.id == name for a in args)


def _positive_test(test: ast.expr, name: str, ctx=None) -> bool:  # type: ignore[no-untyped-def]
    return any(_membership(c, name, True, ctx) or _validator_call(c, name)
               for c in _conjuncts(test))


def _negative_test(test: ast.expr, name: str, ctx=None) -> bool:  # type: ignore[no-untyped-def]
    if _membership(test, name, False, ctx):
        return True
    return isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) and (
        _validator_call(test.operand, name))


def _rejects_or_resets(body: list[ast.stmt], name: str) -> bool:
    last = body[-1] if body else None
    if isinstance(last, ast.Raise | ast.Return | ast.Continue | ast.Break):
        return True
    if isinstance(last, ast.Expr) and isinstance(last.value, ast.Call):
        func = last.value.func
        called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if called in ("abort", "exit", "fail"):
            return True
    return any(isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
               and isinstance(stmt.targets[0], ast.Name) and stmt.targets[0].id == name
               and isinstance(stmt.value, ast.Constant) for stmt in body)
