"""Review of fixes15 (session 15): near misses of the fix texts it added, each beside the
case the text is right for.

- BR501: the long-wait words only for a POST (a GET of `/api/chat/rooms`, of a search box's
  `/completions?q=` or of any URL from a module under `llm/` is a quick read), and the bound
  in the form the client takes (urlopen one number, urllib3 a `Timeout`).
- BR102: the read-after-own-write text for any write that may change the rows read; the
  batch text only where the write provably leaves them alone (another group's rows, an
  update of columns a count does not look at).
- BR401: the input-report words need what the client sent (not `request.user`) and say the
  name they rest on; a 401 around an API-key lookup is a refused authentication.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from .projects import project_findings

CLIENTS = '''\
import urllib.request

import requests
import urllib3


def rooms(base):
    return requests.get(f"{base}/api/chat/rooms")


def suggest(base, q):
    return requests.get(f"{base}/search/completions?q={q}")


def ask(base):
    return requests.post(f"{base}/v1/chat/completions", json={})


def ask_by_method(base):
    return requests.request("POST", f"{base}/api/chat", json={})


def ask_urlopen(base, body):
    return urllib.request.urlopen(f"{base}/api/generate", body)


def ask_urllib3(base):
    return urllib3.request("POST", f"{base}/api/generate", json={})
'''

MODEL_MODULE = '''\
import requests


def models(base):
    return requests.get(f"{base}/models")


def complete(base, payload):
    return requests.post(f"{base}/prompt", json=payload)
'''


def test_br501_long_wait_words_need_a_post_and_the_clients_form(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = project_findings(tmp_path, {"clients.py": CLIENTS, "app/llm/client.py": MODEL_MODULE},
                             "BR501", monkeypatch)
    by_line = {(Path(f.path).name, f.span.start_line): f for f in found}
    lines = CLIENTS.splitlines()

    def at(text: str) -> int:
        return next(i for i, line in enumerate(lines, 1) if text in line)

    # Near misses: GETs keep the exact ten-second edit, which parses.
    for key in (("clients.py", at("/api/chat/rooms")), ("clients.py", at("completions?q=")),
                ("client.py", 5)):
        fix = by_line[key].fix
        assert fix is not None and fix.edits and fix.suggestion is not None, key
        assert fix.suggestion.endswith("timeout=10)")
        ast.parse(fix.suggestion)
    # POSTs get the words, in the form their client takes.
    for key in (("clients.py", at("v1/chat/completions")), ("clients.py", at('"POST", f"{base}/api/chat"')),
                ("client.py", 9)):
        fix = by_line[key].fix
        assert fix is not None and not fix.edits, key
        assert fix.description.startswith("Pass a timeout, but not a short one")
        assert "as a (connect, read) tuple" in fix.description
    urlopen = by_line[("clients.py", at("request.urlopen("))].fix
    assert urlopen is not None and "tuple" not in urlopen.description
    assert "urlopen takes one number" in urlopen.description
    pool = by_line[("clients.py", at("urllib3.request("))].fix
    assert pool is not None and "as `urllib3.Timeout(connect=..., read=...)`" in pool.description


LOOPS = '''\
from django.db import models


class Order(models.Model):
    number = models.IntegerField()


class Item(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE)
    done = models.BooleanField()


def add_lines(orders):
    totals = {}
    for order in orders:
        Item.objects.create(order_id=order.id, done=False)
        totals[order.id] = Item.objects.filter(order=order).count()
    return totals


def bulk_add(orders):
    totals = {}
    for order in orders:
        Item.objects.bulk_create([Item(order=order, done=False)])
        totals[order.id] = Item.objects.filter(order=order).count()
    return totals


def close_orders(orders):
    left = {}
    for order in orders:
        Item.objects.filter(order=order).update(done=True)
        left[order.id] = Item.objects.filter(order=order, done=False).count()
    return left


def mark_done(orders):
    totals = {}
    for order in orders:
        Item.objects.filter(order=order).update(done=True)
        totals[order.id] = Item.objects.filter(order=order).count()
    return totals


def move_lines(pairs):
    totals = {}
    for old, new in pairs:
        Item.objects.filter(order=old).delete()
        totals[new.id] = Item.objects.filter(order_id=new.id).count()
    return totals
'''


def test_br102_a_write_that_may_change_the_rows_read_keeps_the_read_after_write_text() -> None:
    """A write the fix builder cannot prove apart from the read (a create naming the order
    by its id, a bulk_create, an update that moves rows out of `done=False`) keeps the
    read-after-write text: a batch before the loop would read them before the write. Near
    misses: an update of a column the count does not look at, and a delete of another
    group's rows, leave the count alone and get the batch text."""
    from .projects import one_file_findings

    found = {line: message for line, _, message in one_file_findings(LOOPS, ("BR102",))}
    lines = LOOPS.splitlines()
    special = "the iteration writes these rows on line"
    batch = "fetch the rows for all iterations with one query before the loop"
    for function in ("add_lines", "bulk_add", "close_orders", "mark_done", "move_lines"):
        start = next(i for i, line in enumerate(lines, 1) if f"def {function}(" in line)
        message = found[start + 4]
        if function in ("mark_done", "move_lines"):
            assert batch in message and special not in message, function
        else:
            assert f"{special} {start + 3} before it reads them" in message, function


VIEWS = '''\
from django.http import JsonResponse
from fastapi import FastAPI, HTTPException, Request

app = FastAPI()


def build_pdf(user, invoice_id):
    return b""


def render_text(text):
    return text


def lookup_key(value):
    return {}[value]


def render_invoice(request, invoice_id):
    try:
        pdf = build_pdf(request.user, invoice_id)
    except Exception as e:
        return JsonResponse({"error": str(e)}, status=500)
    return JsonResponse({"size": len(pdf)})


def render_markdown(request):
    try:
        html = render_text(request.POST["text"])
    except Exception as e:
        return JsonResponse({"error": str(e)}, status=500)
    return JsonResponse({"html": html})


@app.get("/items")
async def items(request: Request):
    try:
        owner = lookup_key(request.headers["X-API-Key"])
    except Exception as e:
        raise HTTPException(status_code=401, detail=f"denied: {e}") from e
    return {"owner": owner}


@app.post("/templates/validate")
async def validate_template(template: str):
    try:
        return {"html": render_text(template)}
    except Exception as e:
        raise HTTPException(status_code=500, detail=str(e)) from e


@app.post("/projects/{name}/validate")
async def validate_project(name: str):
    try:
        return {"html": render_text(name)}
    except Exception as e:
        raise HTTPException(status_code=500, detail=str(e)) from e
'''


def test_br401_input_words_need_the_clients_input_and_a_401_channel_no_key_check(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`render_invoice` hands on `request.user` (what the server attached), not what the
    client sent: no input-report words. Near miss: `render_markdown` renders the posted
    text and gets them, hedged on the name they rest on. A 401 around an API-key lookup is
    a refused authentication, not an error channel."""
    found = project_findings(tmp_path, {"views.py": VIEWS}, "BR401", monkeypatch)
    lines = VIEWS.splitlines()

    def fix_after(text: str) -> str:
        start = next(i for i, line in enumerate(lines, 1) if text in line)
        finding = min((f for f in found if f.span.start_line > start),
                      key=lambda f: f.span.start_line)
        assert finding.fix is not None
        return finding.fix.description

    assert "in its name" not in fix_after("def render_invoice(")
    markdown = fix_after("def render_markdown(")
    assert markdown.startswith("`render_markdown` has `render` in its name, and the try body "
                               "hands what the client sent to `render_text` (line ")
    assert "if the endpoint exists to report on that input" in markdown
    key = fix_after("async def items(")
    assert key.startswith("This answers a 401 (a refused authentication)")
    assert "nothing in the try body checks credentials" not in key


def test_br401_a_str_body_is_input_and_a_path_parameter_a_record(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`validate_template(template: str)`: FastAPI takes the client's template from the
    query or body, the input the endpoint judges. Near miss: `{name}` in the route's path
    names a stored project, whose errors are not the client's input: the generic edit."""
    found = project_findings(tmp_path, {"views.py": VIEWS}, "BR401", monkeypatch)
    lines = VIEWS.splitlines()

    def fix_after(text: str):  # type: ignore[no-untyped-def]
        start = next(i for i, line in enumerate(lines, 1) if text in line)
        return min((f for f in found if f.span.start_line > start),
                   key=lambda f: f.span.start_line).fix

    template = fix_after("async def validate_template(")
    assert not template.edits and template.description.startswith(
        "`validate_template` has `validate` in its name")
    project = fix_after("async def validate_project(")
    assert project.edits and "in its name" not in project.description
    ast.parse(project.suggestion)


POOLS = '''\
import urllib.request

import aiohttp
import requests
import urllib3


def make_pool():
    return urllib3.PoolManager()


def fetch(url):
    return urllib.request.urlopen(url)


def limits():
    return aiohttp.ClientTimeout()


def get(url):
    return requests.get(url)
'''


def test_br501_the_edits_words_give_the_bound_in_the_clients_form(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A tuple is requests' form alone: urllib3 raises on one, urlopen takes one number,
    aiohttp's ClientTimeout takes keywords. Near miss: requests keeps the tuple words."""
    found = {f.span.start_line: f.fix for f in project_findings(
        tmp_path, {"pools.py": POOLS}, "BR501", monkeypatch)}
    lines = POOLS.splitlines()

    def at(text: str):  # type: ignore[no-untyped-def]
        return found[next(i for i, line in enumerate(lines, 1) if text in line)]

    assert "urllib3.Timeout(connect=3.05, read=27)" in at("PoolManager(").description
    assert "urlopen takes one number" in at("urlopen(").description
    assert "sock_read" in at("ClientTimeout(").description
    for text in ("PoolManager(", "urlopen(", "ClientTimeout("):
        assert "tuple such as" not in at(text).description, text
        ast.parse(at(text).suggestion)
    assert "requests accepts a tuple such as (3.05, 27)" in at("requests.get(").description
    ast.parse(at("requests.get(").suggestion)
