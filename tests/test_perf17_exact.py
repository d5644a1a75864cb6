"""The shortcuts perf17 took (issue 14): each must give what the reading it shortens gave,
near misses included."""

from __future__ import annotations

import ast
import dataclasses
import pickle
import sys
import textwrap

import pytest

from backendreview.analysis.program import facts as program_facts
from backendreview.analysis.program.facts import Callee, CallSite, FunctionInfo
from backendreview.checks import br401_helper_text
from backendreview.config import Config
from backendreview.context import FileContext
from backendreview.semantic import SemanticBuilder

# Helpers that return (or not) the text of a parameter, each a near miss of another: the
# text in the first return only, in a later return only, through a local, through a local
# the first return does not name, handed to a call, scrubbed, behind a conditional.
_HELPERS = '''
from app.fmt import describe

def direct(e):
    return f"{type(e).__name__}: {e}"

def later_only(e, flag):
    if flag:
        return "generic"
    return str(e)

def first_only(e, flag):
    if flag:
        return str(e)
    return "generic"

def through_local(e):
    message = str(e)
    return message

def local_not_named_first(e, flag):
    message = str(e)
    if flag:
        return "generic"
    return message

def chained_locals(e):
    text = force_str(e)
    message = text
    return message

def local_then_format(e):
    message = str(e)
    return f"error: {message}"

def handed_on(e):
    return describe(e)

async def handed_on_awaited(e):
    return await describe(exc=e)

def handed_then_text(e, flag):
    if flag:
        return describe(e)
    return repr(e)

def scrubbed(e, secret):
    message = str(e)
    cleaned = message.replace(secret, "***")
    return cleaned

def conditional(e):
    return "generic" if isinstance(e, ValueError) else f"{e}"

def other_param(e, detail):
    return str(detail)

def attribute_only(e):
    return e.args

def no_params():
    return str(1)

class Helper:
    def text(self, e):
        note = self.prefix + str(e)
        return note
'''


def _ctx(source: str) -> FileContext:
    text = textwrap.dedent(source)
    tree = ast.parse(text)
    return FileContext("app/errtext.py", text, tree, SemanticBuilder(tree, "app.errtext").build(),
                       Config())


def _recorded(ctx: FileContext) -> list[tuple[str, object]]:
    for node in ast.walk(ctx.tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            br401_helper_text.record_text_returns(ctx, node)
    return [(kind, fact) for kind, found in sorted(ctx.facts.items()) for fact in found]


def test_text_returns_gate_keeps_every_parameter_the_full_reading_keeps(
        monkeypatch: pytest.MonkeyPatch) -> None:
    gated = _recorded(_ctx(_HELPERS))
    # The reading without any gate: every parameter of the file is a candidate.
    every = {a.arg for a in ast.walk(ast.parse(_HELPERS)) if isinstance(a, ast.arg)}
    monkeypatch.setattr(br401_helper_text, "_formatted_names", lambda nodes: set(every))
    ungated = _recorded(_ctx(_HELPERS))
    assert gated == ungated
    lines = {n.name: n.lineno for n in ast.walk(ast.parse(_HELPERS))
             if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}
    texts = sorted((f.line, f.param) for kind, f in gated  # type: ignore[attr-defined]
                   if kind == br401_helper_text.RETURNS_TEXT)
    assert texts == sorted([*((lines[name], "e") for name in (
        "direct", "through_local", "chained_locals", "local_then_format", "text")),
        (lines["other_param"], "detail")])
    hand_ons = sorted((f.line, f.key) for kind, f in gated  # type: ignore[attr-defined]
                      if kind == br401_helper_text.RETURN_HAND_ONS)
    assert hand_ons == [(lines["handed_on"], "0"), (lines["handed_on_awaited"], "exc"),
                        (lines["handed_then_text"], "0")]


def test_filled_records_equal_the_dataclass_ones() -> None:
    made = FunctionInfo("app.f", "f", "app.py", 3, params=("a",), end_line=4)
    again = FunctionInfo(qualname="app.f", name="f", path="app.py", line=3, params=("a",),
                         end_line=4)
    assert made == again
    assert list(vars(made)) == [f.name for f in dataclasses.fields(FunctionInfo)]
    # each default factory gives each record its own value
    assert made.param_types == {} and made.param_types is not again.param_types
    assert made.imports is not again.imports
    assert FunctionInfo("app.f", "f", "app.py", 3, imports=None).imports is None  # type: ignore[arg-type]
    assert pickle.loads(pickle.dumps(made)) == made
    assert dataclasses.replace(made, name="g").name == "g"
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.name = "g"  # type: ignore[misc]
    with pytest.raises(TypeError):
        FunctionInfo("app.f", "f", "app.py")  # type: ignore[call-arg]
    with pytest.raises(TypeError):  # a keyword it does not have, as the generated one
        FunctionInfo("app.f", "f", "app.py", 3, nope=1)  # type: ignore[call-arg]
    site = CallSite(1, 2, 1, 9, Callee("ref", "app.g"), "g", returned=True)
    assert repr(site).startswith("CallSite(line=1, col=2, end_line=1, end_col=9, "
                                 "callee=Callee(kind='ref', ref='app.g', attr=''), text='g', "
                                 "returned=True, answered=False")


def test_every_program_record_is_filled() -> None:
    """Each record of the program model's facts takes the dictionary-filling __init__."""
    records = [value for value in vars(program_facts).values()
               if dataclasses.is_dataclass(value) and isinstance(value, type)]
    assert records
    for record in records:
        # (the generated frozen one names `__dataclass_builtins_object__`, `__setattr__`)
        names = record.__init__.__code__.co_names
        assert names[0] == "__dict__" and "__setattr__" not in names, record


@pytest.mark.parametrize("record", [FunctionInfo, CallSite])
def test_filled_records_keep_the_shared_key_dictionary(record: type) -> None:
    """The filled `__init__` must not cost memory: records of every function and call of
    a project stay alive through the project phase, and a dictionary filled by
    `__dict__.update(...)` loses CPython's key sharing (832 bytes instead of 296 for a
    FunctionInfo on 3.11; a CallSite 2.9x its size)."""
    # the same fields with the generated frozen __init__, in a class of their own
    reference = dataclasses.make_dataclass(
        "Reference", [(f.name, f.type, f) for f in dataclasses.fields(record)], frozen=True)
    args = {"line": 1, "col": 2, "end_line": 1, "end_col": 9, "callee": None, "text": "g"} \
        if record is CallSite else {"qualname": "app.f", "name": "f", "path": "app.py", "line": 3}
    made = [record(**args) for _ in range(3)]
    expected = [reference(**args) for _ in range(3)]
    assert vars(made[-1]) == vars(expected[-1])
    assert sys.getsizeof(vars(made[-1])) <= sys.getsizeof(vars(expected[-1]))


def test_filled_refuses_what_it_would_get_wrong() -> None:
    """A record given `__post_init__`, an `init=False` or a keyword-only field later must
    not be filled silently wrong (the generated `__init__` honours all three)."""
    @dataclasses.dataclass(frozen=True)
    class Later:
        a: int

        def __post_init__(self) -> None:
            pass

    @dataclasses.dataclass(frozen=True)
    class Derived:
        a: int
        b: int = dataclasses.field(default=0, init=False)

    @dataclasses.dataclass(frozen=True)
    class Keyword:
        a: int
        b: int = dataclasses.field(default=0, kw_only=True)

    for record in (Later, Derived, Keyword):
        with pytest.raises(TypeError, match="_filled"):
            program_facts._filled(record)


_LAMBDA_HELPERS = '''
def ranked(e, choices):
    return sorted(choices, key=lambda c: str(e).find(c))

def joined(e, names):
    return ", ".join(map(lambda n: f"{n}: {e}", names))

def first_in_lambda_later_plain(e, choices, flag):
    if flag:
        return sorted(choices, key=lambda c: str(e))
    return str(e)
'''


def test_text_returns_gate_keeps_main_reading_of_lambdas() -> None:
    """A parameter formatted only inside a lambda of the returned value: before perf17 the
    gate (every returned and assigned value, nested scopes left out) kept it out, unless
    another value formats it; a speed change must not move it (the cross-module BR401
    findings `ranked` and `joined` appeared with perf17's gate)."""
    found = _recorded(_ctx(_LAMBDA_HELPERS))
    lines = {n.name: n.lineno for n in ast.walk(ast.parse(_LAMBDA_HELPERS))
             if isinstance(n, ast.FunctionDef)}
    assert sorted((f.line, f.param) for kind, f in found  # type: ignore[attr-defined]
                  if kind == br401_helper_text.RETURNS_TEXT) == [
        (lines["first_in_lambda_later_plain"], "e")]
