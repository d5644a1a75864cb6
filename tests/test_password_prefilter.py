"""BR201's per-file gates: a file that spells no name a password can have skips BR201's
per-call checks (`values.may_name_password`), and one that names no password hasher skips
the walks of its methods for hasher calls (`br201_models.hashes`). A gate must never say
"no" to a file whose parsed names or strings could say yes, however the text spells them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from backendreview.analysis.values import may_name_password, tracker_for
from backendreview.checks.br201_hashing import hashes
from backendreview.config import Config
from backendreview.context import FileContext
from backendreview.engine import review_source, run
from backendreview.semantic import SemanticBuilder

# The key and the request field are spelled with an escape and by implicit concatenation:
# the text never shows the word, the parsed constants do.
_HIDDEN = (
    "from django.contrib.auth.models import User\n\n\n"
    "def register(request):\n"
    "    User.objects.create(username=request.POST['name'],\n"
    "                        **{'pass\\x77ord': request.POST['pass' 'word']})\n"
)


def _gate(text: str) -> bool:
    tree = ast.parse(text)
    ctx = FileContext("case.py", text, tree, SemanticBuilder(tree, "case").build(), Config())
    return may_name_password(ctx)


@pytest.mark.parametrize(("text", "expected"), [
    ("def f(x):\n    pass\n", False),  # the `pass` statement names nothing
    ("def f(passage, bypass):\n    return passage or bypass\n", False),
    ("pw = 1\n", True),
    ("def f(newPassWord):\n    pass\n", True),
    ("x = {'pass\\x77ord': 1}\n", True),  # an escape
    ("x = ('pass'\n     'phrase')\n", True),  # implicit concatenation over two lines
    ("x = 'é'\n", False),  # non-ASCII: the parsed identifiers are read
    ("ｐｗ = 1\n", True),  # NFKC: the parser reads `pw`
    ("x = 'é'\ndef f(newPassWord):\n    pass\n", True),
])
def test_the_gate_says_no_only_when_nothing_parsed_can_be_a_password_name(text, expected):
    assert _gate(text) is expected


def test_a_password_hidden_by_escapes_and_concatenation_is_still_found(tmp_path, monkeypatch):
    assert _gate(_HIDDEN)
    (tmp_path / "views.py").write_text(_HIDDEN, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run([Path(".")], Config(root=tmp_path, select=("BR201",)), jobs=1)
    assert [(f.rule_id, f.span.start_line, f.message) for f in result.findings] == [
        ("BR201", 6, "plaintext password (request.POST['password']) is stored by "
                     "`User.objects.create()` without a password hash")]


def test_a_secret_parameter_handed_on_is_recorded_in_a_file_naming_no_password():
    text = ("def check(name, token):\n"
            "    return name == token\n\n"
            "def login(name, secret):\n"
            "    return check(name, secret)\n\n"
            "def other(name, value):\n"
            "    return check(name, value)\n")
    assert not _gate(text)
    result = review_source(text.encode(), "auth.py", Config(), ("BR201",))
    forwards = result.facts.get("br201_param_forwards", [])
    assert [(f.line, f.param, f.key, f.text) for f in forwards] == [(4, "secret", "1", "check")]


@pytest.mark.parametrize(("text", "expected"), [
    ("import bcrypt\n\ndef f(p):\n    return bcrypt.kdf(p, b's', 32, 50)\n", True),
    ("from passlib.apps import custom_app_context as c\n\ndef f(p):\n    return c.make(p)\n",
     True),
    ("def f(p):\n    return set_password(p)\n", True),  # named for it
    ("def f(p):\n    return p.make(p)\n", False),  # near miss: `make` of no hasher
    ("def f(p):\n    return p.upper()\n", False),
])
def test_hashes_is_answered_the_same_with_the_per_file_gate(text, expected):
    tree = ast.parse(text)
    ctx = FileContext("case.py", text, tree, SemanticBuilder(tree, "case").build(), Config())
    assert hashes(tracker_for(ctx), tree) is expected
