"""The semantic model's tables keyed by node, and Binding's own __init__ (perf10): the same
answers as before, for nodes and for arguments that are not nodes."""

from __future__ import annotations

import ast
import dataclasses

import pytest

from backendreview.semantic import Binding, SemanticBuilder

SOURCE = """\
import os.path as osp
from .models import User

@decorate
def handler(request, limit=10):
    rows = User.objects.filter(name=request.name)
    return osp.join(rows, limit)
"""


def _model():
    tree = ast.parse(SOURCE)
    return tree, SemanticBuilder(tree, "app.views").build()


def test_parents_scopes_and_names_by_node() -> None:
    tree, model = _model()
    func = tree.body[2]
    call = func.body[1].value  # osp.join(rows, limit)
    assert model.parent(call) is func.body[1]
    assert [type(a).__name__ for a in model.ancestors(call)] == ["Return", "FunctionDef",
                                                                 "Module"]
    assert model.scope_of(call) is model.scope_for(func)
    # The decorator is evaluated in the module's scope, the body in the function's.
    assert model.scope_of(func.decorator_list[0]) is model.module_scope
    assert model.qualified_name(call.func) == "os.path.join"
    user = func.body[0].value.func.value.value  # User in User.objects.filter
    assert model.qualified_name(user) == "app.models.User"
    assert model.qualified_name(func.body[0].value.func) == "app.models.User.objects.filter"


@pytest.mark.parametrize("thing", [[], {}, "handler", None])
def test_non_nodes_have_no_parent_scope_or_name(thing: object) -> None:
    _, model = _model()
    assert model.parent(thing) is None  # type: ignore[arg-type]
    assert list(model.ancestors(thing)) == []  # type: ignore[arg-type]
    assert model.scope_of(thing) is model.module_scope  # type: ignore[arg-type]
    assert model.scope_for(thing) is None  # type: ignore[arg-type]
    assert model.qualified_name(thing) is None  # type: ignore[arg-type]


def test_binding_init_keeps_the_dataclass_behaviour() -> None:
    node = ast.Pass()
    made = Binding("limit", "param", node, lineno=5)
    assert list(vars(made)) == [f.name for f in dataclasses.fields(Binding)]
    assert made == Binding("limit", "param", node, None, None, None, 5, None)
    assert made != Binding("limit", "param", node, lineno=6)
    assert hash(made) == hash(Binding("limit", "param", node, lineno=5))
    assert repr(made).startswith("Binding(name='limit', kind='param', node=")
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.lineno = 7  # type: ignore[misc]


def test_function_bindings_by_type() -> None:
    tree, model = _model()
    scope = model.scope_for(tree.body[2])
    assert scope is not None
    assert {name: [b.kind for b in bs] for name, bs in scope.bindings.items()} == {
        "request": ["param"], "limit": ["param"], "rows": ["assign"]}
    assert scope.bindings["limit"][0].value.value == 10  # type: ignore[union-attr]
    module = model.module_scope.bindings
    assert [(b.kind, b.qualified) for b in module["osp"]] == [("import", "os.path")]
    assert [(b.kind, b.qualified) for b in module["User"]] == [("import", "app.models.User")]
    assert [b.kind for b in module["handler"]] == ["def"]
