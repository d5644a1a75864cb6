"""Django helpers that apply decorators to every pattern of a list (umap's
`decorated_patterns`), on the fixtures/routes/django_decorated_patterns project: the
patterns written in the call and the starred lists it is handed sit below the list the
result goes into, with the decorators in the auth column (a project decorator judged by its
body); a helper of the same shape whose body decorates nothing leaves them as they were.
Django's `i18n_patterns(...)` serves its patterns below the language code (`<lang>/`)."""

from __future__ import annotations

import json
from pathlib import Path

from backendreview.cli import main

PROJECT = Path(__file__).resolve().parents[1] / "fixtures" / "routes" / "django_decorated_patterns"
LOGIN = "django.contrib.auth.decorators.login_required"


def _rows(capsys) -> dict[str, tuple[str, ...]]:  # type: ignore[no-untyped-def]
    code = main(["routes", str(PROJECT), "--format", "json", "--jobs", "1"])
    out = capsys.readouterr()
    assert code == 0, out.err
    rows = json.loads(out.out)
    paths = [r["path"] for r in rows]
    assert len(paths) == len(set(paths)), paths  # each pattern once
    return {r["path"]: tuple(r["auth"]) for r in rows}


def test_patterns_written_in_the_call_carry_its_decorators(capsys) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(capsys)
    assert rows["/<lang>/me/"] == (LOGIN,)
    # `url.callback = decorator(url.callback)`: the view wrapped directly.
    assert rows["/<lang>/stats/"] == (LOGIN,)
    assert rows["/"] == ()


def test_starred_lists_are_mounted_with_the_decorators(capsys) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(capsys)
    # staff_only refuses anonymous callers in its wrapper (frameworks/guards).
    assert rows["/<lang>/map/<int:map_id>/update/"] == ("staff_only (aborts for anonymous users)",)
    assert rows["/<lang>/map/<int:map_id>/delete/"] == ("staff_only (aborts for anonymous users)",)
    # Decorated by two calls (login_required, then never_cache): one route, both applied.
    assert rows["/<lang>/map/<int:map_id>/layer/"] == (LOGIN,)


def test_a_helper_that_decorates_nothing_changes_nothing(capsys) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(capsys)
    # named_patterns returns its patterns but only renames them: the written pattern stays
    # in the list it was written in, undecorated; the starred list it is handed is mounted
    # nowhere the code shows.
    assert rows["/<lang>/renamed/"] == ()
    assert rows["{?}/listed/"] == ()


def test_i18n_patterns_serve_below_the_language_code(capsys) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(capsys)
    assert "/<lang>/about/" in rows
    assert "/about/" not in rows
    # prefix_default_language=False: the default language's paths carry no prefix.
    assert "/help/" in rows
    # A pattern outside i18n_patterns keeps its path.
    assert "/" in rows
