"""BR102's batched query for a per-row `session.get(Model, key)` has one writer, which takes
the key from the model's columns: a declared primary key by its name, a composite key as
`tuple_(...)`, `id` when the model's class is not in the file."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

from backendreview.config import Config
from backendreview.engine import run

SOURCE = '''
    from fastapi import FastAPI
    from sqlalchemy import Column, Integer, String, select
    from sqlalchemy.orm import DeclarativeBase, Session

    from .other import Remote

    app = FastAPI()
    session: Session = None


    class Base(DeclarativeBase):
        pass


    class Token(Base):
        __tablename__ = "tokens"
        uuid = Column(String, primary_key=True)


    class Membership(Base):
        __tablename__ = "memberships"
        user_id = Column(Integer, primary_key=True)
        group_id = Column(Integer, primary_key=True)


    @app.get("/tokens")
    def tokens(ids: list[str]):
        return [session.get(Token, i) for i in ids]


    @app.get("/members")
    def members(pairs: list[tuple[int, int]]):
        return [session.get(Membership, (u, g)) for u, g in pairs]


    @app.get("/remotes")
    def remotes(ids: list[int]):
        return [session.get(Remote, i) for i in ids]
'''


def test_the_batched_get_uses_the_models_primary_key(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "app.py").write_text(textwrap.dedent(SOURCE), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    findings = run([Path(".")], Config(root=tmp_path, select=("BR102",)), jobs=1).findings
    by_line = {f.span.start_line: f for f in findings if f.rule_id == "BR102"}
    assert sorted(by_line) == [29, 34, 39]
    token = by_line[29]
    assert token.message.endswith(
        "session.scalars(select(Token).where(Token.uuid.in_(<keys>))).all()")
    assert token.fix.suggestion == (
        "session.scalars(select(Token).where(Token.uuid.in_(ids))).all()")
    ast.parse(token.fix.suggestion)
    # a composite key: no `.in_` on one column; words only (`tuple_` is not imported here)
    member = by_line[34]
    assert member.fix.suggestion is None
    assert member.fix.description == (
        "query once before the loop: session.scalars(select(Membership).where("
        "tuple_(Membership.user_id, Membership.group_id).in_(<keys>))).all()")
    # near miss: the model is defined elsewhere; `id`, the usual key, as before
    remote = by_line[39]
    assert remote.fix.suggestion == (
        "session.scalars(select(Remote).where(Remote.id.in_(ids))).all()")
    # ... and the words do not guess a key the file does not show
    assert remote.message.endswith(
        "session.scalars(select(Remote).where(Remote.<primary key>.in_(<keys>))).all()")
