"""Verb decorators of project Blueprint subclasses: `@rest.get("/leases")` where `rest =
Rest(...)` and `class Rest(flask.Blueprint)` defines its own `get`.

Flask's own `Blueprint.get(rule)` is `route(rule, methods=["GET"])`; a subclass may override
`get` with anything (a config lookup, a cache read). So such a decorator is a route only when
the method, followed call by call through the instance's class, hands the decorator's rule
on to `self.route(rule, methods=...)` with methods the code fixes, and that `route` is
flask's own or an override that still registers (`self.add_url_rule`, `super().route`):

    def get(self, rule, status_code=200):
        return self._mroute("GET", rule, status_code)
    def _mroute(self, methods, rule, status_code=None, **kw):
        if type(methods) is str:
            methods = [methods]
        return self.route(rule, methods=methods, status_code=status_code, **kw)

Per file, each method of a module-level class that returns a call of a method of its own
instance gives a `SelfCallFact` (which of its parameters and which literals it passes
where). In the project phase, `verb_methods` follows those facts from the decorator's
method along the owner's class hierarchy (frameworks/flask_subclasses keeps the route and
takes its methods from there). A class that does not override the verb keeps flask's."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .common import literal_str, str_list, this_module
from .flask import SHORTCUTS

if TYPE_CHECKING:
    from ...context import FileContext
    from ..program.facts import ClassInfo
    from ..program.model import ProgramModel


# A symbolic value while following: the decorator's rule argument.
_RULE = ("rule",)


@dataclass(frozen=True)
class SelfCallFact:
    """`def get(self, rule, ...): return self._mroute("GET", rule, ...)`."""

    method: str  # qualified name of the method (module.Class.name)
    params: tuple[str, ...]  # its positional parameters after self
    callee: str  # the method of the instance it calls (`route`); "super.route" for super()
    # (key, kind, values): key a position ("0") or keyword; kind "param" (values: the
    # parameter's name), "lit" (values: the literal strings) or "other" (no values: a value
    # the code computes, `methods=verbs`, a rebound parameter); "*" as a key: a `*args` /
    # `**kwargs` passes more.
    args: tuple[tuple[str, str, tuple[str, ...]], ...]
    file: str
    line: int
    # False: the call is made, not returned (`route` registering through a closure's
    # `self.add_url_rule(rule, ...)`)
    returned: bool = True


def self_calls(ctx: FileContext, node: ast.ClassDef) -> list[SelfCallFact]:
    """The methods of a module-level class that return a call of their own instance's."""
    if ctx.semantic.scope_of(node) is not ctx.semantic.module_scope:
        return []
    out = []
    for method in node.body:
        if isinstance(method, ast.FunctionDef) and not method.decorator_list:
            fact = _self_call(ctx, node, method)
            if fact is not None:
                out.append(fact)
    return out


def _self_call(ctx: FileContext, cls: ast.ClassDef, method: ast.FunctionDef
               ) -> SelfCallFact | None:
    if len(method.args.args) < 2 or method.args.args[0].arg != "self" or not method.body:
        return None
    last = method.body[-1]
    call = last.value if isinstance(last, ast.Return) else None
    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Attribute):
        return _registers(ctx, cls, method)
    receiver = call.func.value
    if isinstance(receiver, ast.Name) and receiver.id == "self":
        callee = call.func.attr
    elif isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Name) and \
            receiver.func.id == "super":
        callee = f"super.{call.func.attr}"
    else:
        return None
    params = tuple(a.arg for a in method.args.args[1:])
    # A parameter rebound before the call holds what it was given only when the rebinding
    # wraps it in a list (`methods = [methods]`); any other rebinding makes it unknown.
    rebound = {t.id for stmt in method.body[:-1] for sub in ast.walk(stmt)
               if isinstance(sub, ast.Assign | ast.AugAssign | ast.AnnAssign)
               for t in (sub.targets if isinstance(sub, ast.Assign) else [sub.target])
               if isinstance(t, ast.Name) and not _wraps_itself(sub, t.id)}
    args: list[tuple[str, str, tuple[str, ...]]] = []
    for key, value in [*((str(i), a) for i, a in enumerate(call.args)),
                       *((k.arg or "*", k.value) for k in call.keywords)]:
        if isinstance(value, ast.Starred) or key == "*":
            args.append(("*", "", ()))
            if isinstance(value, ast.Starred):
                break  # positions after a *args are unknown
            continue
        if isinstance(value, ast.Name) and value.id in params and value.id not in rebound:
            args.append((key, "param", (value.id,)))
            continue
        text = literal_str(value)
        values = (text,) if text is not None else str_list(value)
        # A computed argument is still recorded: left out, `route`'s `methods` would read
        # as not passed, i.e. flask's default GET, a method the code may never register.
        args.append((key, "lit", tuple(values)) if values else (key, "other", ()))
    return SelfCallFact(f"{this_module(ctx)}.{cls.name}.{method.name}", params, callee,
                        tuple(args), ctx.path, method.lineno)


def _registers(ctx: FileContext, cls: ast.ClassDef, method: ast.FunctionDef
               ) -> SelfCallFact | None:
    """`def route(self, rule, **options)` whose inner decorator calls `self.add_url_rule(rule,
    ...)`: an override of `route` that registers its rule (the call sits in a closure, which
    the program model's call sites do not attribute to the method)."""
    rule = method.args.args[1].arg
    rebound = any(isinstance(sub, ast.Name) and sub.id == rule and
                  isinstance(sub.ctx, ast.Store) for sub in ast.walk(method))
    for sub in ast.walk(method):
        if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute) and \
                sub.func.attr == "add_url_rule" and isinstance(sub.func.value, ast.Name) and \
                sub.func.value.id == "self" and sub.args and \
                isinstance(sub.args[0], ast.Name) and sub.args[0].id == rule and not rebound:
            return SelfCallFact(f"{this_module(ctx)}.{cls.name}.{method.name}",
                                tuple(a.arg for a in method.args.args[1:]), "add_url_rule",
                                (("0", "param", (rule,)),), ctx.path, method.lineno,
                                returned=False)
    return None


def _wraps_itself(stmt: ast.AST, name: str) -> bool:
    """`methods = [methods]`."""
    return isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.List | ast.Tuple) and \
        len(stmt.value.elts) == 1 and isinstance(stmt.value.elts[0], ast.Name) and \
        stmt.value.elts[0].id == name


def verb_methods(model: ProgramModel, calls: dict[str, SelfCallFact], cls_ref: str,
                 verb: str, registers: bool) -> tuple[str, ...] | None:
    """The HTTP methods `@obj.<verb>(rule)` registers `rule` with, `obj` an instance of the
    Blueprint subclass `cls_ref`; None when the method is not followed to a route
    registration of that rule with methods the code fixes. `registers`: the class's
    `route` is flask's or an override that registers."""
    cls = model.class_of(cls_ref)
    if cls is None:
        return None
    found = model.method(cls, verb)
    if found is None:
        return (SHORTCUTS[verb],) if verb in SHORTCUTS else None  # flask's own (Scaffold.get)
    fact = calls.get(found.qualname)
    if fact is None or not fact.returned or not fact.params:
        return None
    env: dict[str, tuple[str, ...]] = {fact.params[0]: _RULE}
    for _step in range(6):  # a chain of helpers, not a loop
        given: dict[str, tuple[str, ...] | None] = {}
        for key, kind, values in fact.args:
            given[key] = env.get(values[0]) if kind == "param" else (
                ("lit", *values) if kind == "lit" else None)
        name = fact.callee.removeprefix("super.")
        if name == "route":
            if not (registers or _registering(model, cls, calls)):
                return None
            rule = given.get("0", given.get("rule"))
            if rule != _RULE:
                return None
            methods = given.get("methods")
            if methods is None:
                # not passed: flask's default, unless a **kwargs may carry it
                return None if "methods" in given or "*" in given else ("GET",)
            if methods[0] != "lit":
                return None
            return tuple(m.upper() for m in methods[1:])
        if fact.callee.startswith("super."):
            return None  # a base class's helper outside what the facts follow
        target = model.method(cls, name)
        fact = calls.get(target.qualname) if target is not None else None
        if fact is None or not fact.returned:
            return None
        env = {}
        for index, param in enumerate(fact.params):
            value = given.get(str(index), given.get(param))
            if value is not None:
                env[param] = value
    return None


def _registering(model: ProgramModel, cls: ClassInfo, calls: dict[str, SelfCallFact]) -> bool:
    """The class's `route` is an override that hands its rule to `self.add_url_rule`."""
    found = model.method(cls, "route")
    fact = calls.get(found.qualname) if found is not None else None
    return fact is not None and not fact.returned and fact.callee == "add_url_rule"


__all__ = ["SelfCallFact", "self_calls", "verb_methods"]
