"""Issue 17 items 1-2 beyond the fixture markers: the fix of a password column compared in a
query is the lookup's (no verify call on the column object), a literal seeded into a users
collection gets the environment-and-hash fix, werkzeug hashes written as literals are not
passwords, and a log line carrying a credential read into a local of any name says which
local."""

from __future__ import annotations

from backendreview.checks.br201_passwords import is_literal_password
from backendreview.config import Config
from backendreview.engine import finish, review_source
from backendreview.metadata import load_rule_docs


def _findings(code: str, rules: tuple[str, ...], path: str = "app/views.py"):
    result = review_source(code.encode(), path, Config(), rules)
    return finish([result], Config(), rules, load_rule_docs()).findings


_QUERY_COMPARE = """\
from flask import Flask, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import select

app = Flask(__name__)
db = SQLAlchemy(app)


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    password = db.Column(db.String)


@app.post("/login")
def login():
    password = request.form["password"]
    row = db.session.execute(select(User).where(User.password == password)).scalar()
    if row is not None and row.password == password:
        return "in"
    return "no"
"""


def test_column_compared_in_a_query_gets_the_lookup_fix_not_a_verify_on_the_column():
    first, second = _findings(_QUERY_COMPARE, ("BR201",))
    assert (first.rule_id, first.span.start_line) == ("BR201", 17)
    assert "compared with `User.password` using `==` in a query" in first.message
    assert first.fix is not None
    assert "User.password" not in (first.fix.suggestion or "")
    assert first.fix.description.startswith("Look the user up by identifier")
    # The row's column, compared in Python, keeps the verify suggestion on that row.
    assert (second.span.start_line, "in a query" in second.message) == (18, False)
    assert second.fix is not None and second.fix.suggestion is not None
    assert "check_password_hash(row.password, password)" in second.fix.suggestion


def test_literal_seeded_into_a_users_collection_reads_the_password_from_the_environment():
    code = (
        "from pymongo import MongoClient\n"
        "db = MongoClient()['app']\n"
        "def seed():\n"
        "    db.users.insert_one({'name': 'admin', 'password': 'admin'})\n"
        "    db.settings.insert_one({'name': 'relay', 'password': 'relay'})\n"
    )
    [finding] = _findings(code, ("BR201",), "app/bootstrap.py")
    assert finding.span.start_line == 4
    assert finding.message.startswith("literal password 'admin' is stored by `.insert_one()`")
    assert finding.fix is not None and finding.fix.suggestion is not None
    assert 'os.environ["INITIAL_PASSWORD"]' in finding.fix.suggestion
    # Seed code under tests/ is fixture data, not the application's.
    assert _findings(code, ("BR201",), "tests/conftest.py") == []


def test_werkzeug_hash_literals_are_not_passwords():
    assert not is_literal_password("pbkdf2:sha256:600000$abcd$0123")
    assert not is_literal_password("scrypt:32768:8:1$abcd$0123")
    assert is_literal_password("pbkdf2")  # a word, not a hash
    assert is_literal_password("admin123")


def test_log_of_a_credential_read_into_any_local_names_the_local():
    code = (
        "import logging\n"
        "from flask import request\n"
        "audit = logging.getLogger('audit')\n"
        "def hook():\n"
        "    header = request.headers['Authorization']\n"
        "    bearer = header.split(' ')[1]\n"
        "    audit.info('called by %s', bearer)\n"
        "    audit.info('scheme %s', header.split(' ')[0])\n"
    )
    [finding] = _findings(code, ("BR403",))
    assert (finding.rule_id, finding.span.start_line) == ("BR403", 7)
    assert finding.message.startswith("`bearer` is written to the log by `audit.info()`")
