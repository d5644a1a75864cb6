"""BR101's fix for SQL running Apache AGE's cypher(): placeholders inside the dollar-quoted
Cypher text are never bound, so the fix names AGE's parameter map instead; a plain query
beside it keeps the placeholder rewrite."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

from backendreview.config import Config
from backendreview.engine import run

STORE = '''
    import asyncpg
    from fastapi import FastAPI

    app = FastAPI()
    pool: asyncpg.Pool = None


    async def run_query(query: str):
        async with pool.acquire() as conn:
            return await conn.fetch(query)


    @app.delete("/nodes/{label}")
    async def delete_node(label: str):
        query = f"SELECT * FROM cypher('g', $$ MATCH (n {{entity_id: '{label}'}}) DETACH DELETE n $$) AS (n agtype)"
        return await run_query(query)


    @app.get("/nodes/{label}")
    async def get_node(label: str):
        async with pool.acquire() as conn:
            return await conn.fetch(f"SELECT * FROM cypher('g', $$ MATCH (n {{entity_id: '{label}'}}) RETURN n $$) AS (n agtype)")


    @app.get("/rows/{label}")
    async def get_row(label: str):
        async with pool.acquire() as conn:
            return await conn.fetch(f"SELECT * FROM nodes WHERE label = '{label}'")
'''


def test_cypher_gets_ages_parameter_map_and_plain_sql_keeps_placeholders(
        tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "store.py").write_text(textwrap.dedent(STORE), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    findings = run([Path(".")], Config(root=tmp_path, select=("BR101",)), jobs=1).findings
    by_line = {f.span.start_line: f for f in findings}
    assert sorted(by_line) == [17, 23, 29]
    for line in (17, 23):
        fix = by_line[line].fix
        assert fix is not None and fix.edits == () and fix.suggestion is None
        assert fix.description.startswith(
            "This SQL runs Apache AGE's cypher(): a driver placeholder inside the "
            "dollar-quoted Cypher text is never bound")
        assert "cypher()'s third argument, an agtype map" in fix.description
        assert "(`label`)" in fix.description
    plain = by_line[29].fix
    assert plain is not None and "cypher" not in plain.description
    assert plain.suggestion is not None and "$1" in plain.suggestion
    ast.parse(plain.suggestion)
