"""BR208's per-call gate: a file that imports none of starlette, fastapi and flask_cors
cannot name either CORS middleware, so its calls are only read for a `CORS_ORIGINS=`
keyword; files that import them, however they spell the middleware, are read in full."""

from __future__ import annotations

import textwrap

from backendreview.config import Config
from backendreview.engine import review_source


def _review(source: str):  # type: ignore[no-untyped-def]
    return review_source(textwrap.dedent(source).encode(), "app/main.py", Config(), ("BR208",))


def _findings(source: str) -> list[tuple[str, int, str]]:
    return [(f.rule_id, f.span.start_line, f.message.split(":")[0]) for f in _review(source).findings]


def test_the_middleware_through_a_top_level_module_import_is_reported():
    assert _findings("""\
        import fastapi

        app = fastapi.FastAPI()
        app.add_middleware(fastapi.middleware.cors.CORSMiddleware, allow_origins=["*"],
                           allow_credentials=True)
        """) == [("BR208", 4, 'CORSMiddleware(allow_origins=["*"], allow_credentials=True)')]


def test_the_middleware_through_an_aliased_import_is_reported():
    assert _findings("""\
        from starlette.middleware.cors import CORSMiddleware as Cors

        def build(app):
            app.add_middleware(Cors, allow_origins=["*"], allow_credentials=True)
        """) == [("BR208", 4, 'CORSMiddleware(allow_origins=["*"], allow_credentials=True)')]


def test_a_project_class_of_the_same_name_without_those_imports_is_not():
    assert _findings("""\
        from app.middleware import CORSMiddleware

        def build(app):
            app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)
        """) == []


def test_a_cors_origins_keyword_is_still_read_in_a_file_without_those_imports():
    result = _review("""\
        def configure(app):
            app.config.update(CORS_ORIGINS=["*"])
        """)
    assert result.findings == []
    assert [(f.path, f.line, f.wildcard) for f in result.facts["br208_configured_origins"]] == [
        ("app/main.py", 2, True)]
