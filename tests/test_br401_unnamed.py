"""BR401 in a function nothing in the reviewed code can call: a module-level function,
undecorated, no route handler, named only at its def in its file and imported by no module
(nor its module, nor the package holding that) is reported as a note saying so; any way in
keeps the warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendreview.checks.br401_unnamed import LONE
from backendreview.config import Config
from backendreview.engine import review_source
from backendreview.model import Severity

from .projects import one_file_findings, project_findings

_AUTH = '''
from fastapi import Depends, HTTPException
from fastapi.security import HTTPBearer

security = HTTPBearer()


def get_current_user(auth=Depends(security)):
    try:
        return lookup(auth.credentials)
    except Exception as e:
        raise HTTPException(status_code=403, detail=f"Authentication error: {e}")


def lookup(token):
    return token
'''

_MAIN = '''
from fastapi import FastAPI

app = FastAPI()


@app.get("/items")
def items():
    return []
'''


def _severities(tmp_path: Path, files: dict[str, str], monkeypatch: pytest.MonkeyPatch
                ) -> list[tuple[str, int, Severity]]:
    found = project_findings(tmp_path, files, "BR401", monkeypatch)
    return [(f.path, f.span.start_line, f.severity) for f in found]


def test_a_function_nothing_names_is_a_note(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    found = project_findings(tmp_path, {"app/__init__.py": "", "app/auth.py": _AUTH,
                                        "app/main.py": _MAIN}, "BR401", monkeypatch)
    assert [(f.path, f.span.start_line, f.severity) for f in found] == [
        ("app/auth.py", 11, Severity.NOTE)]
    assert found[0].message == (
        "`except Exception as e` sends exception details to the client: {e} in an f-string "
        "reaches HTTPException(...) on line 12 (note: nothing in the reviewed code calls, "
        "imports or names `get_current_user`, so no route runs it; it is sent only if "
        "something outside the code calls it, such as a setting naming it by string)")


@pytest.mark.parametrize("main", [
    # imported by name, used as a dependency (a reference, no call)
    _MAIN.replace("from fastapi import FastAPI",
                  "from fastapi import Depends, FastAPI\n\nfrom .auth import get_current_user")
    .replace("def items():", "def items(user=Depends(get_current_user)):"),
    # the module imported whole
    _MAIN.replace("from fastapi import FastAPI", "from fastapi import FastAPI\n\nfrom . import auth"),
    # the package holding it
    _MAIN.replace("from fastapi import FastAPI", "from fastapi import FastAPI\n\nimport app as package"),
    # imported inside a function (litellm's slack alerting imports its helper so)
    _MAIN.replace("    return []", "    from .auth import get_current_user\n\n    return [get_current_user]"),
    # `import *`
    _MAIN.replace("from fastapi import FastAPI", "from fastapi import FastAPI\n\nfrom .auth import *"),
    # a guarded import with a fallback binding: the module scope binds the name twice
    _MAIN.replace("from fastapi import FastAPI",
                  "from fastapi import Depends, FastAPI\n\ntry:\n    from .auth import get_current_user\n"
                  "except ImportError:\n    get_current_user = None")
    .replace("def items():", "def items(user=Depends(get_current_user)):"),
    # the same import on both sides of a version test
    _MAIN.replace("from fastapi import FastAPI",
                  "import sys\n\nfrom fastapi import Depends, FastAPI\n\nif sys.version_info >= (3, 11):\n"
                  "    from .auth import get_current_user\nelse:\n    from .auth import get_current_user")
    .replace("def items():", "def items(user=Depends(get_current_user)):"),
])
def test_a_way_in_keeps_the_warning(tmp_path: Path, main: str,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    assert _severities(tmp_path, {"app/__init__.py": "", "app/auth.py": _AUTH,
                                  "app/main.py": main}, monkeypatch) == [
        ("app/auth.py", 11, Severity.WARNING)]


@pytest.mark.parametrize("auth", [
    # named again in its own file (a dependency of a route there)
    _AUTH + "\n\nCURRENT = Depends(get_current_user)\n",
    # decorated: a registration may call it
    _AUTH.replace("def get_current_user", "@cache\ndef get_current_user")
    .replace("security = HTTPBearer()", "security = HTTPBearer()\ncache = lambda f: f"),
    # a method: a framework or an untyped receiver may call it by name
    _AUTH.replace("def get_current_user(auth=Depends(security)):",
                  "class Auth:\n    def get_current_user(self, auth=Depends(security)):")
    .replace("\n    try:\n        return lookup(auth.credentials)\n    except Exception as e:\n"
             "        raise HTTPException(",
             "\n        try:\n            return lookup(auth.credentials)\n"
             "        except Exception as e:\n            raise HTTPException("),
])
def test_a_function_that_may_be_called_keeps_the_warning(tmp_path: Path, auth: str,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    found = _severities(tmp_path, {"app/__init__.py": "", "app/auth.py": auth,
                                   "app/main.py": _MAIN}, monkeypatch)
    assert len(found) == 1 and found[0][0] == "app/auth.py"
    assert found[0][2] is Severity.WARNING


def test_one_file_reviewed_alone_keeps_the_warning() -> None:
    """An editor's buffer: the modules that may import it are not seen."""
    assert [(line, severity) for line, severity, _ in one_file_findings(_AUTH, ("BR401",))] \
        == [(11, "warning")]


def test_a_dotted_import_of_its_module_keeps_the_warning(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """`import app.sub.auth` binds only `app`; the function is called as
    `app.sub.auth.get_current_user`, three levels under the bound name."""
    main = _MAIN.replace("from fastapi import FastAPI",
                         "from fastapi import Depends, FastAPI\n\nimport app.sub.auth") \
        .replace("app = FastAPI()", "api = FastAPI()").replace("@app.get", "@api.get") \
        .replace("def items():", "def items(user=Depends(app.sub.auth.get_current_user)):")
    assert _severities(tmp_path, {"app/__init__.py": "", "app/sub/__init__.py": "",
                                  "app/sub/auth.py": _AUTH, "app/main.py": main},
                       monkeypatch) == [("app/sub/auth.py", 11, Severity.WARNING)]


def test_a_dotted_import_of_another_module_is_no_way_in(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Near miss: `import app.sub.other` names a sibling module, not the function's."""
    main = _MAIN.replace("from fastapi import FastAPI", "from fastapi import FastAPI\n\nimport app.sub.other") \
        .replace("app = FastAPI()", "api = FastAPI()").replace("@app.get", "@api.get")
    assert _severities(tmp_path, {"app/__init__.py": "", "app/sub/__init__.py": "",
                                  "app/sub/other.py": "", "app/sub/auth.py": _AUTH,
                                  "app/main.py": main}, monkeypatch) == [
        ("app/sub/auth.py", 11, Severity.NOTE)]


def test_another_name_from_its_module_is_no_way_in(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Near miss: `from .auth import lookup` loads the module but names only `lookup`."""
    main = _MAIN.replace("from fastapi import FastAPI",
                         "from fastapi import FastAPI\n\nfrom .auth import lookup") \
        .replace("    return []", "    return [lookup(1)]")
    assert _severities(tmp_path, {"app/__init__.py": "", "app/auth.py": _AUTH,
                                  "app/main.py": main}, monkeypatch) == [
        ("app/auth.py", 11, Severity.NOTE)]


# A leak found only through a helper of another module (`describe(e)` returns the exception's
# text): the project half reports it (THROUGH_HELPER), and it must be asked the same question
# as a direct leak. It was asked only when another reading of the function happened to ask it
# (a second handler handing its exception on) — the same function got a warning or a note
# depending on an unrelated handler.
_JOBS = '''
import json

from fastapi.responses import JSONResponse

from app.text import describe


def sync_job(body):
    try:
        data = json.loads(body)
    except Exception as e:
        return JSONResponse({"error": describe(e)}, status_code=500)
    return data


def cleanup():
    return None
'''
_TEXT = "def describe(exc):\n    return str(exc)\n"
_OTHER_HANDLER = ("def sync_job(body):\n    try:\n        cleanup()\n    except Exception as e:\n"
                  "        cleanup()\n")


@pytest.mark.parametrize("jobs", [
    _JOBS,
    # a second handler that hands nothing on: it asked the question before (and still does)
    _JOBS.replace("def sync_job(body):\n", _OTHER_HANDLER),
])
def test_a_leak_through_a_helper_in_a_function_nothing_names_is_a_note(
        tmp_path: Path, jobs: str, monkeypatch: pytest.MonkeyPatch) -> None:
    line = 12 if jobs == _JOBS else 16
    found = project_findings(tmp_path, {"app/__init__.py": "", "app/jobs.py": jobs,
                                        "app/text.py": _TEXT, "app/main.py": _MAIN},
                             "BR401", monkeypatch)
    assert [(f.path, f.span.start_line, f.severity) for f in found] == [
        ("app/jobs.py", line, Severity.NOTE)]
    assert "nothing in the reviewed code calls, imports or names `sync_job`" in \
        found[0].message
    assert "`describe` (text.py:1), which returns the exception's text" in found[0].message


@pytest.mark.parametrize("files", [
    # named again in its file
    {"app/jobs.py": _JOBS + "\n\nJOBS = [sync_job]\n"},
    # imported by a module (a way in)
    {"app/jobs.py": _JOBS, "app/main.py": _MAIN.replace(
        "from fastapi import FastAPI", "from fastapi import FastAPI\n\nfrom .jobs import sync_job")},
    # a route handler itself: no lone question
    {"app/jobs.py": _JOBS.replace("from app.text import describe",
                                  "from app.text import describe\nfrom app.main import app")
     .replace("def sync_job(body):", "@app.post(\"/sync\")\ndef sync_job(body: str):")},
])
def test_a_leak_through_a_helper_with_a_way_in_keeps_the_warning(
        tmp_path: Path, files: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    found = project_findings(tmp_path, {"app/__init__.py": "", "app/text.py": _TEXT,
                                        "app/main.py": _MAIN, **files}, "BR401", monkeypatch)
    assert [(f.path, f.severity) for f in found] == [("app/jobs.py", Severity.WARNING)]
    assert "nothing in the reviewed code" not in found[0].message


# perf15 made a handler's held finding lazily (`_HeldOnce`): a handler of a function that is
# no route, handing nothing on, no longer makes it, and `settle()` must still ask the lone
# question — the project half turns every held BR401 finding in the function's lines
# (nested functions' too) into a note by that fact. Removing settle() left every test green.
_HANDS_NOTHING_ON = '''
def nightly_job():
    try:
        work()
    except Exception as e:
        cleanup()


def named_job():
    try:
        work()
    except Exception as e:
        cleanup()


JOBS = [named_job]


def route_free():
    return work()
'''


def test_a_handler_handing_nothing_on_still_asks_whether_its_function_is_lone() -> None:
    result = review_source(_HANDS_NOTHING_ON, "app/jobs.py", Config(), ("BR401",),
                           module="app.jobs")
    assert result.findings == []
    # nightly_job: named only at its def; named_job (named again in JOBS) and route_free
    # (no handler: never asked) get no fact
    assert [(f.name, f.first, f.last) for f in result.facts.get(LONE, [])] == [
        ("nightly_job", 2, 6)]
