"""BR102, review of session 13's merge: near misses of its three new reasons.

- A get-or-create needs a row made when the lookup finds none: `missing.add(email)` on a set
  the function builds is no row, so the lookup per item stays a warning (presence-first and
  absence-first forms alike).
- A query that varies only by what an iteration's `with` opens is a retry when the `with`
  opens the same thing each time; `with open(path) as fh` opens what the item names, so a
  lookup by what `fh` holds is a lookup per item.
- A session handed to a call before the read (a lease) makes the block a unit of work; one
  handed on after the read (`render(session, user)`) only uses what was read.
"""

from __future__ import annotations

from .projects import project_findings

_CREATES = """\
    import sqlalchemy

    from app.db import Trust


    def known(session, emails):
        found, missing = [], set()
        for email in emails:
            user = session.query(Trust).filter_by(email=email).first()  # ruleid: BR102
            if user:
                found.append(user.id)
            else:
                missing.add(email)
        return found, missing


    def unknown(session, emails):
        missing = []
        for email in emails:
            user = session.query(Trust).filter_by(email=email).first()  # ruleid: BR102
            if user is None:
                missing.insert(0, email)
        return missing


    def upsert(session, emails):
        for email in emails:
            user = session.query(Trust).filter_by(email=email).first()  # note: BR102
            if user:
                user.seen = True
            else:
                session.add(Trust(email=email))


    def create_missing(session, emails, pending):
        for email in emails:
            user = session.query(Trust).filter_by(email=email).first()  # note: BR102
            if user is None:
                pending.add(Trust(email=email))


    def fixed(session):
        missing = set()
        for email in ("a@example.org", "b@example.org"):
            user = session.query(Trust).filter_by(email=email).first()  # ok: BR102
            if user is None:
                missing.add(email)
        return missing
"""

_OPENED = """\
    import sqlalchemy

    from app.db import Trust, locks, session_for_write

    CONFIG = "/etc/app.conf"


    def per_file(session, paths):
        for path in paths:
            with open(path) as fh:
                print(session.query(Trust).filter_by(email=fh.readline()).first())  # ruleid: BR102


    def per_lock(session, keys):
        for key in keys:
            with locks.hold(key) as held:
                print(session.query(Trust).filter_by(id=held.owner).first())  # ruleid: BR102


    def same_file(session, rounds):
        for _ in rounds:
            with open(CONFIG) as fh:
                print(session.query(Trust).filter_by(email=fh.readline()).first())  # ok: BR102


    def retry(trust_id, rounds):
        for attempt in range(rounds):
            with session_for_write() as session:
                print(session.query(Trust).filter_by(id=trust_id).one())  # ok: BR102
"""

_HANDED = """\
    import sqlalchemy

    from app.db import Trust, leases, render, session_scope


    def read_each(ids):
        out = []
        for uid in ids:
            with session_scope() as session:
                user = session.get(Trust, uid)  # ruleid: BR102
                out.append(render(session, user))
        return out


    def leased(ids):
        for uid in ids:
            with session_scope() as session:
                if not leases.acquire(session, uid):
                    continue
                user = session.get(Trust, uid)  # ok: BR102
                user.done = True


    def deleted(ids):
        for uid in ids:
            with session_scope() as session:
                user = session.get(Trust, uid)  # ok: BR102
                render(session, user)
                session.delete(user)
"""


def _by_line(tmp_path, monkeypatch, text):  # type: ignore[no-untyped-def]
    found = project_findings(tmp_path, {"app/__init__.py": "", "app/jobs.py": text},
                             "BR102", monkeypatch)
    assert all(f.path == "app/jobs.py" for f in found)
    return {f.span.start_line: f for f in found}


def _marked(text: str, marker: str) -> list[int]:
    return [n for n, line in enumerate(text.splitlines(), 1) if f"# {marker}: BR102" in line]


def test_a_set_the_function_builds_is_no_row_created(tmp_path, monkeypatch):
    found = _by_line(tmp_path, monkeypatch, _CREATES)
    warnings = _marked(_CREATES, "ruleid")
    notes = _marked(_CREATES, "note")
    assert sorted(found) == sorted([*warnings, *notes])
    for line in warnings:
        assert found[line].severity.value == "warning"
        assert "get-or-create" not in found[line].message
    for line in notes:
        assert found[line].severity.value == "note"
        assert "read half of a get-or-create" in found[line].message


def test_what_a_with_opens_from_the_item_is_a_value_of_the_item(tmp_path, monkeypatch):
    found = _by_line(tmp_path, monkeypatch, _OPENED)
    assert sorted(found) == _marked(_OPENED, "ruleid")
    first, second = _marked(_OPENED, "ruleid")
    assert "(it depends on `fh`)" in found[first].message
    assert "(it depends on `held`)" in found[second].message
    assert all(f.severity.value == "warning" for f in found.values())


def test_a_session_handed_on_after_the_read_is_no_unit_of_work(tmp_path, monkeypatch):
    found = _by_line(tmp_path, monkeypatch, _HANDED)
    assert sorted(found) == _marked(_HANDED, "ruleid")
    assert found[_marked(_HANDED, "ruleid")[0]].severity.value == "warning"
