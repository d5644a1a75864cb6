"""Django views named through a project function that looks them up by name
(`get_view("obtain_token")` returning `getattr(api_views, name, getattr(views, name))` or a
module dict's entry), view aliases followed to their class, a URL list returned by a function
and included through its call (`include(get_api_urls(api_views))`), on the
fixtures/routes/django_view_lookup project; and BR206 on the lookups the code cannot follow."""

from __future__ import annotations

import json
from pathlib import Path

from backendreview.cli import main

PROJECT = Path(__file__).resolve().parents[1] / "fixtures" / "routes" / "django_view_lookup"


def _json(capsys, *args: str) -> list[dict]:  # type: ignore[no-untyped-def]
    code = main([*args, str(PROJECT), "--format", "json", "--jobs", "1"])
    out = capsys.readouterr()
    assert code in (0, 1), out.err
    data = json.loads(out.out)
    return data["findings"] if isinstance(data, dict) else data


def _rows(capsys) -> list[tuple[str, str, str, tuple[str, ...]]]:  # type: ignore[no-untyped-def]
    return [(",".join(r["methods"]), r["path"], r["handler"], tuple(r["rate_limit"]))
            for r in _json(capsys, "routes")]


def test_lookup_by_name_resolves_through_aliases_to_the_view_class(capsys) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(capsys)
    # get_view("obtain_token") -> views.obtain_token -> auth_views.obtain_token ->
    # ObtainTokenView.as_view(): the class's post() and its throttle, below api/v1/ built
    # by get_urls().
    assert ("POST", "/api/v1/organization/<slug:slug>/account/token/", "ObtainTokenView.post",
            ("throttle_classes=[ScopedRateThrottle]",)) in rows
    assert ("GET", "/api/v1/groups/", "GroupListView", ()) in rows
    # A module dict's entry for a literal key (its empty throttle constant limits nothing).
    assert ("POST", "/api/v1/login/", "LoginView.post", ()) in rows
    # throttle_classes = RESET_THROTTLES, a module constant naming ScopedRateThrottle.
    assert ("POST", "/api/v1/organization/<slug:slug>/account/password/reset/",
            "PasswordResetView.post", ("throttle_classes=RESET_THROTTLES",)) in rows


def test_a_parameter_defaulting_to_a_module_names_the_module_view(capsys) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(capsys)
    # `if not extra_views: extra_views = views` then `extra_views.group_list`.
    assert ("GET", "/api/v2/groups/all/", "GroupListView", ()) in rows
    # A parameter with no default the code fixes: the attribute as written.
    assert ("ANY", "/api/v3/custom/groups/", "group_list", ()) in rows


def test_lookups_the_code_does_not_fix_stay_unresolved(capsys) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(capsys)
    # Only the caller's module; a key the dict does not hold; a .get() with a default; a
    # key that is not a literal: the call as written, never a guessed view.
    assert ("ANY", "/api/v1/custom/<slug:slug>/token/", 'custom_view("obtain_token")', ()) in rows
    assert ("ANY", "/api/v1/other/login/", 'table_view("signin")', ()) in rows
    assert ("ANY", "/api/v1/other/reset/", 'table_view_or("reset")', ()) in rows
    assert ("ANY", "{?}/{?}", "get_view(name)", ()) in rows


def test_br206_does_not_claim_a_looked_up_view_is_foreign(capsys) -> None:  # type: ignore[no-untyped-def]
    found = [f for f in _json(capsys, "check", "--select", "BR206") if f["rule"] == "BR206"]
    by_line = {f["start_line"]: f for f in found}
    # The resolved, throttled views: no finding.
    assert 30 not in by_line and 31 not in by_line
    # An unresolved lookup: a note saying why, no wrapper proposed.
    looked_up = by_line[35]
    assert looked_up["severity"] == "note"
    assert "looked up by name at run time" in looked_up["message"]
    assert "not defined in this project" not in looked_up["fix"]["description"]
    assert not looked_up["fix"].get("suggestion")
    assert by_line[36]["severity"] == "note"
