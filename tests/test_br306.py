"""BR306 unsafe-get across modules: the router's prefix is declared where it is mounted, the
message names the full route and the write, and the fix is written for the framework."""

from __future__ import annotations

from backendreview.config import Config
from backendreview.engine import finish, review_source
from backendreview.metadata import load_rule_docs

MAIN = '''
from fastapi import FastAPI

from app.items import router

app = FastAPI()
app.include_router(router, prefix="/api/v1/items")
'''

ITEMS = '''
from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

router = APIRouter()


@router.get("/{item_id}/archive")
def archive_item(item_id: int, db: Session = Depends(get_db)):
    item = db.get(Item, item_id)
    item.archived = True
    db.add(item)
    db.commit()
    return {"ok": True}


@router.get("/{item_id}")
def read_item(item_id: int, db: Session = Depends(get_db)):
    item = db.get(Item, item_id)
    item.last_viewed_at = now()
    db.commit()
    return item


@router.get("/oauth/callback")
def oauth_callback(code: str, db: Session = Depends(get_db)):
    db.add(Token(code=code))
    db.commit()
    return {"ok": True}
'''


def _run() -> list:
    config = Config()
    rules = ("BR306",)
    results = [review_source(MAIN.encode(), "app/main.py", config, rules),
               review_source(ITEMS.encode(), "app/items.py", config, rules)]
    return finish(results, config, rules, load_rule_docs()).findings


def test_get_route_that_writes_is_reported_with_full_path_and_write() -> None:
    found = _run()
    assert [(f.rule_id, f.path, f.span.start_line) for f in found] == [
        ("BR306", "app/items.py", 8)]
    assert found[0].message == (
        'route "GET /api/v1/items/{item_id}/archive" (archive_item) writes data: '
        "`db.add(item)` on line 12; a GET must be safe and idempotent (crawlers, "
        "prefetchers and retries repeat it)")
    assert found[0].fix is not None
    assert found[0].fix.suggestion.startswith('@router.post("/{item_id}/archive")')
