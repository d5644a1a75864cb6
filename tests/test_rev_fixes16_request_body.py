"""Near miss of HandlerInfo.request_is_body (merge 961c00e): `request: AppRequest` where
AppRequest is a Request subclass of the same file is the request object, not a body model;
`request: SummaryRequest(BaseModel)` stays the body."""

from __future__ import annotations

import pytest

from .projects import project_findings

_APP = """\
from typing import Annotated

from fastapi import APIRouter, FastAPI, Body
from pydantic import BaseModel
from starlette.requests import Request

app = FastAPI()
router = APIRouter()


class AppRequest(Request):
    pass


class TracedRequest(AppRequest):
    pass


class SummaryRequest(BaseModel):
    names: list[str]


@router.post("/runs/{run_id}/metric/get-summary")
async def get_summary(run_id: str, request: TracedRequest):
    return {}


@router.post("/runs/{run_id}/stats/get-summary")
async def get_stats(run_id: str, request: Annotated[AppRequest, "x"]):
    return {}


@router.post("/runs/{run_id}/traces/get-summary")
async def get_traces(run_id: str, request: SummaryRequest):
    return {}

app.include_router(router)
"""


def test_request_subclass_is_not_read_as_the_body(
        tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    findings = project_findings(tmp_path, {"app/__init__.py": "", "app/main.py": _APP},
                                "BR302", monkeypatch)
    fixes = {f.message.split('"')[1]: f.fix.description for f in findings
             if f.rule_id == "BR302"}
    conditional = "if the handler reads no request body; if it does"
    metric = fixes["POST /runs/{run_id}/metric/get-summary"]
    assert conditional in metric and "GET /runs/{run_id}/metric/summary" in metric
    stats = fixes["POST /runs/{run_id}/stats/get-summary"]
    assert conditional in stats and "GET /runs/{run_id}/stats/summary" in stats
    # Near miss: a body model under the request's name keeps the read a POST.
    traces = fixes["POST /runs/{run_id}/traces/get-summary"]
    assert traces.startswith("Name the resource, not the action: POST /runs/{run_id}/traces/"
                             "summary") and conditional not in traces
