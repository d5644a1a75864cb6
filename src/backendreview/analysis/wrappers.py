"""Project decorators that only wrap: `@exclusive(LOCK)` whose wrapper is `functools.wraps`-ed.

A decorator that registers the function somewhere (a route, a task, a signal receiver) hands
it to callers outside the project, so its parameters come from outside. A decorator whose
whole body defines a wrapper and returns it does nothing with the function at decoration
time: the wrapped function is still called only where the project calls it, with the
project's arguments (the wrapper passes them on). `wraps_only(func)` recognises that shape
from the syntax alone:

    def exclusive(lock):                # a factory (optional): defines the decorator
        def _decorator(f):               # the decorator: defines the wrapper, returns it
            @functools.wraps(f)
            def _f(self, *args, **kwargs):
                ...
            return _f
        return _decorator

Anything else in either body (a registry append, a call, an assignment) and it is not one.
"""

from __future__ import annotations

import ast

from ..context import FileContext

_FunctionDef = ast.FunctionDef | ast.AsyncFunctionDef


def wraps_only(func: ast.AST, depth: int = 0) -> bool:
    """`func` is a decorator (or a decorator factory) that only returns a `wraps` wrapper."""
    if not isinstance(func, _FunctionDef) or func.decorator_list or depth > 1:
        return False
    body = list(func.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        body = body[1:]  # the docstring
    if len(body) != 2 or not isinstance(body[0], _FunctionDef):
        return False
    inner, ret = body
    if not (isinstance(ret, ast.Return) and isinstance(ret.value, ast.Name)
            and ret.value.id == inner.name):
        return False
    params = [a.arg for a in [*func.args.posonlyargs, *func.args.args]]
    if len(params) == 1 and _wraps(inner, params[0]):
        return True
    # A factory's inner function is the decorator itself.
    return not inner.decorator_list and wraps_only(inner, depth + 1)


def _wraps(wrapper: ast.FunctionDef | ast.AsyncFunctionDef, wrapped: str) -> bool:
    """`@functools.wraps(f)` / `@wraps(f)` on `wrapper`, and nothing else on it."""
    if len(wrapper.decorator_list) != 1:
        return False
    dec = wrapper.decorator_list[0]
    if not (isinstance(dec, ast.Call) and len(dec.args) == 1 and isinstance(dec.args[0], ast.Name)
            and dec.args[0].id == wrapped):
        return False
    name = dec.func
    if not ((isinstance(name, ast.Name) and name.id == "wraps") or (
            isinstance(name, ast.Attribute) and name.attr == "wraps"
            and isinstance(name.value, ast.Name) and name.value.id == "functools")):
        return False
    return _passes_own_arguments(wrapper, wrapped)


def _passes_own_arguments(wrapper: ast.FunctionDef | ast.AsyncFunctionDef, wrapped: str
                          ) -> bool:
    """Every call of the wrapped function hands on the wrapper's own parameters as they
    are (`f(self, *args, **kwargs)`): a wrapper that adds a value of its own (a request
    field, a session) fills a parameter the project's callers do not."""
    args = wrapper.args
    own = {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]}
    own |= {a.arg for a in (args.vararg, args.kwarg) if a is not None}
    calls = [n for n in ast.walk(wrapper) if isinstance(n, ast.Call)
             and isinstance(n.func, ast.Name) and n.func.id == wrapped]
    if not calls:
        return False
    for call in calls:
        values = [a.value if isinstance(a, ast.Starred) else a for a in call.args]
        values += [k.value for k in call.keywords]
        if not all(isinstance(v, ast.Name) and v.id in own for v in values):
            return False
    return True


def same_file_wrapper(ctx: FileContext, decorator: ast.expr) -> bool:
    """`decorator` names a function of this file that only wraps (see `wraps_only`)."""
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    if not isinstance(target, ast.Name):
        return False
    bindings = ctx.semantic.lookup(target.id, target)[1]
    return len(bindings) == 1 and bindings[0].kind == "def" and wraps_only(bindings[0].node)
