"""BR303 leaves out DRF lists whose permission class lets only staff through, read through
the class's `has_permission` (along its hierarchy), never by the class's name."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendreview.config import Config
from backendreview.engine import run
from backendreview.model import Severity

from .projects import program_model

PROJECT = Path(__file__).resolve().parents[1] / "fixtures" / "BR303" / "superuser_permissions"


def test_superuser_only_lists_are_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PROJECT)
    findings = run([Path(".")], Config(root=PROJECT, select=("BR303",)), jobs=1).findings
    got = sorted((f.path, f.span.start_line, f.severity) for f in findings)
    # Only the near misses: an `or`, a name without the check, a path letting all in, `|`.
    assert got == [("app/views.py", line, Severity.WARNING) for line in (42, 49, 55, 62)]
    named = next(f for f in findings if f.span.start_line == 49)
    assert named.rule_id == "BR303"
    assert named.message == ('route "GET /jobs/named/" returns every row of '
                             '`Job.objects.order_by("-created")` with no limit or pagination')


def test_staff_flag_of_has_permission(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    program = program_model(tmp_path, {"perms.py": (
        "class A:\n"
        "    def has_permission(self, request, view):\n"
        "        return bool(request.user and request.user.is_superuser)\n"
        "class B:\n"
        "    def has_permission(self, request, view):\n"
        "        return request.user.is_staff or request.user.is_verified\n"
        "class C:\n"
        "    def has_permission(self, request, view):\n"
        "        return other.user.is_superuser\n"  # not the request parameter
        "class D:\n"
        "    def has_permission(self, request, view):\n"
        "        return request.user.is_staff is True\n")}, monkeypatch)
    flags = {q.split(".")[-2]: f.staff_flag for q, f in program.functions.items()
             if q.endswith("has_permission")}
    assert flags == {"A": "is_superuser", "B": "", "C": "", "D": "is_staff"}
