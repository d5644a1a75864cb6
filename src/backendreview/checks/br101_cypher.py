"""BR101's fix for SQL that runs Apache AGE's `cypher()`: the Cypher text sits in a
dollar-quoted literal, where a driver placeholder is never bound, so "bind the values" does
not work there. AGE's own way is a parameter map: `$name` in the Cypher text and an agtype
map as cypher()'s third argument, itself bound as the statement's parameter."""

from __future__ import annotations

import re

from ..model import Fix

_CYPHER_CALL = re.compile(r"\bcypher\s*\(", re.I)


def runs_age_cypher(sql_text: str) -> bool:
    """Whether the SQL's written text calls AGE's `cypher(graph, $$ ... $$)`."""
    return bool(_CYPHER_CALL.search(sql_text))


def cypher_fix(values: str, placeholder: str = "$1") -> Fix:
    """Words: what works for values spliced into a Cypher query run through cypher()."""
    return Fix(
        f"This SQL runs Apache AGE's cypher(): a driver placeholder inside the dollar-quoted "
        f"Cypher text is never bound, and the Cypher text itself cannot be a parameter. For "
        f"values, write `$name` parameters in the Cypher text and pass them as cypher()'s "
        f"third argument, an agtype map bound as the statement's own parameter: "
        f"`SELECT * FROM cypher('graph', $$ MATCH (n {{entity_id: $id}}) RETURN n $$, "
        f"{placeholder}) AS (n agtype)` with `json.dumps({{\"id\": value}})` as the value of "
        f"{placeholder}. The graph name, labels and property keys among the parts ({values}) "
        f"cannot be parameters: check them against a strict identifier pattern or a list of "
        f"known names; a value that must stay in the text needs escaping for a Cypher string "
        f"literal (backslash and quote) and a dollar-quote tag it cannot contain.")
