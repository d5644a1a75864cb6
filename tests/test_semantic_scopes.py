"""Which scope each child of a def, a class or a lambda is evaluated in (rev-perf, s14).

The walk chooses a child's scope by its field (`semantic._OUTER_FIELDS`); these pin the
choice for every field Python 3.10-3.13 gives those nodes, with the rule Python itself
applies: decorators, defaults, annotations, bases and class keywords run in the scope
around the definition, the body (and, on 3.12+, the type parameters) in its own."""

from __future__ import annotations

import ast
import sys

import pytest

from backendreview.semantic import SemanticBuilder

SOURCE = """\
import json
import abc

def deco(f):
    return f

@deco
def handler(a: abc.A = json.dumps, /, b: int = 1, *args: abc.B, k=json, **kw: abc.C) -> abc.R:
    inner = [row for row in a if row]
    match b:
        case {"k": [1, *rest]} if rest:
            pass
        case abc.Point(x=0) as point:
            pass
    return inner

class View(abc.Base, metaclass=abc.Meta, flag=json):
    field: abc.F = json
    def method(self, arg=field):
        return arg

pick = lambda json=json, *, strict=abc.S: json.loads
"""


def _model(source: str = SOURCE):
    tree = ast.parse(source)
    return tree, SemanticBuilder(tree, "app.views").build()


def _named(tree: ast.AST, kind: type, name: str) -> ast.AST:
    return next(n for n in ast.walk(tree) if isinstance(n, kind) and getattr(n, "name", None) == name)


def test_function_decorators_defaults_annotations_are_outer_body_inner() -> None:
    tree, model = _model()
    func = _named(tree, ast.FunctionDef, "handler")
    outer, inner = model.module_scope, model.scope_for(func)
    assert inner is not None and inner is not outer
    args = func.args
    for node in (func.decorator_list[0], func.returns, args, *args.defaults,
                 *args.kw_defaults, args.posonlyargs[0].annotation, args.args[0].annotation,
                 args.vararg.annotation, args.kwarg.annotation):
        assert model.scope_of(node) is outer, ast.dump(node)
    assert model.qualified_name(args.defaults[0]) == "json.dumps"
    assert model.qualified_name(args.kw_defaults[0]) == "json"
    comp, match = func.body[0].value, func.body[1]
    # The body, a comprehension in it and a match statement with its patterns belong to
    # the function (comprehensions and patterns open no scope of their own in the model)
    for node in (func.body[0], comp, comp.generators[0].iter, match, match.subject,
                 match.cases[0].pattern, match.cases[0].guard, match.cases[1].pattern):
        assert model.scope_of(node) is inner, ast.dump(node)


def test_class_decorators_bases_keywords_are_outer_body_inner() -> None:
    tree, model = _model()
    cls = _named(tree, ast.ClassDef, "View")
    outer, inner = model.module_scope, model.scope_for(cls)
    for node in (*cls.bases, *cls.keywords, cls.keywords[1].value):
        assert model.scope_of(node) is outer, ast.dump(node)
    assert model.qualified_name(cls.keywords[1].value) == "json"
    for node in cls.body:
        assert model.scope_of(node) is inner, ast.dump(node)
    method = cls.body[1]
    # a method's default runs in the class body: `field` is the class attribute
    assert model.scope_of(method.args.defaults[0]) is inner


def test_lambda_defaults_are_outer_body_inner() -> None:
    # `lambda json=json: ...` (the loop-variable idiom): the default is evaluated where the
    # lambda is made, so it is the imported module, not the lambda's own parameter.
    tree, model = _model()
    lam = next(n for n in ast.walk(tree) if isinstance(n, ast.Lambda))
    outer, inner = model.module_scope, model.scope_for(lam)
    assert inner is not None and inner is not outer
    default, kw_default = lam.args.defaults[0], lam.args.kw_defaults[0]
    assert model.scope_of(default) is outer
    assert model.scope_of(kw_default) is outer
    assert model.qualified_name(default) == "json"
    assert model.qualified_name(kw_default) == "abc.S"
    # The body still sees the parameter, which shadows the import
    assert model.scope_of(lam.body) is inner
    assert model.qualified_name(lam.body.value) is None
    assert "json" in inner.bindings and inner.bindings["json"][0].kind == "param"


def test_lambda_default_in_a_loop_reaches_the_loop_variable() -> None:
    tree, model = _model("def f(items):\n"
                         "    out = []\n"
                         "    for item in items:\n"
                         "        out.append(lambda item=item: item.name)\n"
                         "    return out\n")
    lam = next(n for n in ast.walk(tree) if isinstance(n, ast.Lambda))
    kinds = [b.kind for b in model.reaching_bindings(lam.args.defaults[0])]
    assert kinds == ["for"]
    # The use in the body is the lambda's parameter
    assert [b.kind for b in model.reaching_bindings(lam.body.value)] == ["param"]


@pytest.mark.skipif(sys.version_info < (3, 12), reason="type parameters are 3.12 syntax")
def test_type_parameters_belong_to_the_definition() -> None:
    tree, model = _model("import abc\n"
                         "def f[T: abc.Bound](x: T = abc.D) -> T:\n"
                         "    return x\n"
                         "class C[U](abc.Base):\n"
                         "    pass\n"
                         "type Alias[K] = dict[K, abc.V]\n")
    func, cls = tree.body[1], tree.body[2]
    assert model.scope_of(func.type_params[0]) is model.scope_for(func)
    assert model.scope_of(func.type_params[0].bound) is model.scope_for(func)
    assert model.scope_of(func.args.defaults[0]) is model.module_scope
    assert model.scope_of(cls.type_params[0]) is model.scope_for(cls)
    assert model.scope_of(cls.bases[0]) is model.module_scope
    alias = tree.body[3]
    # A type alias opens no scope in the model; its parts stay in the module's
    assert model.scope_of(alias.value) is model.module_scope
    assert model.qualified_name(alias.value.slice.elts[1]) == "abc.V"
