"""BR102, session 13: evidence the tool used to miss on real code.

- A model method that deletes its row through a session parameter named for what it is
  (`db: Session`), not for its type: the call per row is a per-item delete, a write to
  batch, not a read per row (ethyca-fides Comment.delete, ManualTaskSubmission.delete).
- A lookup on a session the iteration opens itself: each item is its own unit of work (a
  lease, a commit per item), which one query before the loop would read outside of
  (langflow's trigger clean-up worker).
"""

from __future__ import annotations

from .projects import project_findings

_MODELS = """\
    from sqlalchemy import Column, ForeignKey, Integer, String
    from sqlalchemy.orm import Session, declarative_base, relationship

    Base = declarative_base()


    class Comment(Base):
        __tablename__ = "comment"
        id = Column(Integer, primary_key=True)
        ref = Column(String)

        def delete(self, db: Session) -> None:
            comment = db.query(Comment).filter(Comment.id == self.id).first()
            db.delete(comment)

        def purge(self, db: "Session | None") -> None:
            comment = db.query(Comment).filter(Comment.id == self.id).first()
            db.delete(comment)

        def reload(self, db: Session) -> None:
            return db.query(Comment).filter(Comment.id == self.id).first()

        def fetch(self, http: "requests.Session") -> None:
            found = http.query(Comment).filter(Comment.id == self.id).first()
            http.delete(found)
"""

_LOOPS = """\
    import requests
    from sqlalchemy.orm import Session

    from app.models import Comment


    def delete_all(db: Session, ref: str) -> None:
        for comment in db.query(Comment).filter(Comment.ref == ref).all():
            comment.delete(db)  # ok: BR102


    def purge_all(db: Session, ref: str) -> None:
        for comment in db.query(Comment).filter(Comment.ref == ref).all():
            comment.purge(db)  # ok: BR102


    def reload_all(db: Session, ref: str) -> None:
        for comment in db.query(Comment).filter(Comment.ref == ref).all():
            comment.reload(db)  # ruleid: BR102


    def fetch_all(db: Session, ref: str, http: requests.Session) -> None:
        for comment in db.query(Comment).filter(Comment.ref == ref).all():
            comment.fetch(http)  # ruleid: BR102
"""


def _marked(text: str) -> list[int]:
    """The lines of `text` marked `# ruleid: BR102`."""
    return [n for n, line in enumerate(text.splitlines(), 1) if "# ruleid: BR102" in line]


def _lines(tmp_path, monkeypatch, files):  # type: ignore[no-untyped-def]
    found = project_findings(tmp_path, files, "BR102", monkeypatch)
    return {(f.path, f.span.start_line): f.message for f in found}


def test_a_delete_through_a_session_typed_parameter_is_a_write_not_a_read(tmp_path,
                                                                          monkeypatch):
    found = _lines(tmp_path, monkeypatch, {"app/__init__.py": "", "app/models.py": _MODELS,
                                           "app/service.py": _LOOPS})
    assert sorted(found) == [("app/service.py", line) for line in _marked(_LOOPS)]
    assert _marked(_LOOPS) == [19, 24]
    assert found[("app/service.py", 19)].startswith(
        "`comment.reload` calls `Comment.reload` (models.py:20), which runs "
        "`db.query(Comment).filter(Comment.id == self.id).first()`")
    # An HTTP client's session deletes nothing in the database: the read stays a read.
    assert found[("app/service.py", 24)].startswith("`comment.fetch` calls `Comment.fetch`")


_WORKER = """\
    from sqlalchemy.ext.asyncio import AsyncSession

    from app.db import Task, leases, session_scope


    async def per_item(ids: list[int]) -> None:
        for task_id in ids:
            async with session_scope() as session:
                if not await leases.acquire(session, task_id):
                    continue
                task = await session.get(Task, task_id)  # ok: BR102
                task.done = True


    async def per_item_delete(ids: list[int]) -> None:
        for task_id in ids:
            async with session_scope() as session:
                await session.delete(await session.get(Task, task_id))  # ok: BR102


    async def per_item_commit(ids: list[int]) -> None:
        for task_id in ids:
            async with session_scope() as session:
                task = await session.get(Task, task_id)  # ok: BR102
                task.done = True
                await session.commit()


    async def read_only(ids: list[int]) -> None:
        for task_id in ids:
            async with session_scope() as session:
                task = await session.get(Task, task_id)  # ruleid: BR102
            print(task)


    async def shared(ids: list[int]) -> None:
        async with session_scope() as session:
            for task_id in ids:
                task = await session.get(Task, task_id)  # ruleid: BR102
                task.done = True


    async def passed_in(session: AsyncSession, ids: list[int]) -> None:
        for task_id in ids:
            task = await session.get(Task, task_id)  # ruleid: BR102
            task.done = True
"""


def test_a_lookup_on_the_iterations_own_session_is_its_unit_of_work(tmp_path, monkeypatch):
    found = _lines(tmp_path, monkeypatch, {"app/__init__.py": "", "app/worker.py": _WORKER})
    # A session the iteration opens only to read is a short read, not a unit of work.
    assert sorted(found) == [("app/worker.py", line) for line in _marked(_WORKER)]
    assert found[("app/worker.py", _marked(_WORKER)[1])].startswith(
        "`session.get(Task, task_id)` runs a query on every iteration of the loop over `ids`")


_COUNTS = {
    "app/__init__.py": "",
    "app/models.py": """\
        from django.db import models
        from sqlalchemy import Column, ForeignKey, Integer
        from sqlalchemy.orm import declarative_base

        Base = declarative_base()


        class Author(models.Model):
            name = models.CharField(max_length=40)


        class Book(models.Model):
            author = models.ForeignKey(Author, on_delete=models.CASCADE)


        class Task(Base):
            __tablename__ = "task"
            id = Column(Integer, primary_key=True)
            request_id = Column(Integer, ForeignKey("request.id"))
        """,
    "app/views.py": """\
        from django.db import transaction
        from sqlalchemy import func

        from app.models import Book, Task


        def per_author(authors):
            for author in authors:
                print(Book.objects.filter(author=author.id).count())  # ruleid: BR102


        def any_books(authors):
            for author in authors:
                print(Book.objects.filter(author=author.id).exists())  # ruleid: BR102


        def listed(authors):
            for author in authors:
                print(list(Book.objects.filter(author=author.id)))  # ruleid: BR102


        def per_request(db, requests):
            for request in requests:
                print(db.query(Task).filter(Task.request_id == request.id).count())  # ruleid: BR102


        def once(authors):
            ids = [author.id for author in authors]
            print(Book.objects.filter(author__in=ids).count())  # ok: BR102


        def two_kinds():
            for author_id in (1, 2):
                print(Book.objects.filter(author=author_id).count())  # ok: BR102


        def fallback(authors):
            for author in authors:
                try:
                    author.check()
                except ValueError:
                    print(Book.objects.filter(author=author.id).count())  # ok: BR102


        def own_units(make_session, requests):
            for request in requests:
                with make_session() as db:
                    n = db.query(Task).filter(Task.request_id == request.id).count()  # ok: BR102
                    db.commit()
        """,
}


def test_a_count_per_row_batches_as_one_grouped_count(tmp_path, monkeypatch):
    found = {f.span.start_line: f for f in project_findings(tmp_path, _COUNTS, "BR102",
                                                            monkeypatch)
             if f.path == "app/views.py"}
    assert sorted(found) == [9, 14, 19, 24]
    assert found[9].fix.suggestion == (
        "from django.db.models import Count\n\n"
        "counts = dict(Book.objects.filter(author__in=[author.id for author in authors])"
        ".values_list(\"author\").annotate(n=Count(\"pk\")))")
    assert found[14].fix.suggestion == (
        "present = set(Book.objects.filter(author__in=[author.id for author in authors])"
        ".values_list(\"author\", flat=True))")
    # Rows wanted: the rows, fetched once.
    assert found[19].fix.suggestion == (
        "Book.objects.filter(author__in=[author.id for author in authors])")
    # The module imports `func`: the grouped count uses it, on the same query.
    assert found[24].fix.suggestion == (
        "counts = dict(db.query(Task).with_entities(Task.request_id, func.count())"
        ".filter(Task.request_id.in_([request.id for request in requests]))"
        ".group_by(Task.request_id).all())")


_RETRY = """\
    import sqlalchemy

    from app.db import Trust, session_for_write

    ATTEMPTS = 5


    def consume(trust_id):
        for attempt in range(ATTEMPTS):
            with session_for_write() as session:
                uses = session.query(Trust).filter_by(id=trust_id).one()  # ok: BR102
                if session.query(Trust).filter_by(id=trust_id, uses=uses).update({}):
                    return


    def consume_all(trust_ids):
        for trust_id in trust_ids:
            with session_for_write() as session:
                uses = session.query(Trust).filter_by(id=trust_id).one()  # ruleid: BR102
                print(uses)


    def per_owner(owners):
        for owner in owners:
            with session_for_write() as session:
                print(session.query(Trust).filter_by(owner=owner.id).all())  # ruleid: BR102


    def reopened(trust_id, rounds):
        for _ in rounds:
            with session_for_write() as session:
                print(session.query(Trust).filter_by(id=trust_id).one())  # ok: BR102
"""


def test_a_query_that_varies_only_by_the_session_the_iteration_opens_is_a_retry(
        tmp_path, monkeypatch):
    found = _lines(tmp_path, monkeypatch, {"app/__init__.py": "", "app/retry.py": _RETRY})
    assert sorted(found) == [("app/retry.py", line) for line in _marked(_RETRY)]


_UPSERTS = """\
    from sqlalchemy import select

    from app.db import Option, db


    def set_options(token_ids, name, value):
        for token_id in token_ids:
            stmt = select(Option).filter_by(token_id=token_id, key=name)
            existing = db.session.execute(stmt).scalar_one_or_none()  # note: BR102
            if existing:
                existing.value = value
            else:
                db.session.add(Option(token_id, name, value))


    def set_options_none(token_ids, name, value):
        for token_id in token_ids:
            stmt = select(Option).filter_by(token_id=token_id, key=name)
            existing = db.session.execute(stmt).scalar_one_or_none()  # note: BR102
            if existing is not None:
                existing.value = value
            else:
                db.session.add(Option(token_id, name, value))


    def update_only(token_ids, name, value):
        for token_id in token_ids:
            stmt = select(Option).filter_by(token_id=token_id, key=name)
            existing = db.session.execute(stmt).scalar_one_or_none()  # ruleid: BR102
            if existing:
                existing.value = value
            else:
                print("missing", token_id)


    def other_test(token_ids, name, value, flag):
        for token_id in token_ids:
            stmt = select(Option).filter_by(token_id=token_id, key=name)
            existing = db.session.execute(stmt).scalar_one_or_none()  # ruleid: BR102
            if flag:
                existing.value = value
            else:
                db.session.add(Option(token_id, name, value))


    def set_defaults(token_id):
        for name in ("colour", "size"):
            stmt = select(Option).filter_by(token_id=token_id, key=name)
            existing = db.session.execute(stmt).scalar_one_or_none()  # ok: BR102
            if existing is None:
                db.session.add(Option(token_id, name, ""))


    def set_one(token_id, names, value):
        stmt = select(Option).filter_by(token_id=token_id)
        existing = db.session.execute(stmt).scalars().all()  # ok: BR102
        for option in existing:
            option.value = value
"""


def test_an_upsert_that_tests_presence_first_is_a_get_or_create_note(tmp_path, monkeypatch):
    found = project_findings(tmp_path, {"app/__init__.py": "", "app/upsert.py": _UPSERTS},
                             "BR102", monkeypatch)
    by_line = {f.span.start_line: f for f in found}
    lines = _UPSERTS.splitlines()
    notes = [n for n, line in enumerate(lines, 1) if "# note: BR102" in line]
    assert sorted(by_line) == sorted([*notes, *_marked(_UPSERTS)])
    for line in notes:
        assert by_line[line].severity.value == "note"
        assert "read half of a get-or-create" in by_line[line].message
    for line in _marked(_UPSERTS):
        assert by_line[line].severity.value == "warning"
