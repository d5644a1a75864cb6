"""Project decorators that guard a route by refusing the caller on a test of who is calling
(umap's `team_members_only`, `can_edit_map`: `return HttpResponseForbidden()`, `raise
PermissionDenied`, `redirect_to_login(...)`), on fixtures/routes/django_guard_responses; the
near misses whose 403 answers something else (an object relation, a feature flag, the HTTP
method, an ajax test) or that a setting turns on, and library guards wrapping a class view at the registration."""

from __future__ import annotations

import json
from pathlib import Path

from backendreview.cli import main

GUARDS = Path(__file__).resolve().parents[1] / "fixtures" / "routes" / "django_guard_responses"
WHY = "refuses callers a user or permission test turns away"
LOGIN = "django.contrib.auth.decorators.login_required"


def _auth(capsys) -> dict[tuple[str, str], tuple[str, ...]]:  # type: ignore[no-untyped-def]
    code = main(["routes", str(GUARDS), "--format", "json", "--jobs", "1"])
    out = capsys.readouterr()
    assert code == 0, out.err
    return {(",".join(r["methods"]), r["path"]): tuple(r["auth"]) for r in json.loads(out.out)}


def test_a_refusal_on_a_test_of_the_user_guards_the_route(capsys) -> None:  # type: ignore[no-untyped-def]
    auth = _auth(capsys)
    # `if not request.user.is_authenticated or team not in request.user.teams.all():
    # return HttpResponseForbidden()`, wrapping a class view at the registration.
    assert auth[("GET", "/team/<int:pk>/edit/")] == (f"team_members_only ({WHY})",)
    assert auth[("POST", "/team/<int:pk>/edit/")] == (f"team_members_only ({WHY})",)
    # `if not board.can_view(request): raise PermissionDenied(...)`.
    assert auth[("GET", "/board/<int:pk>/")] == (f"can_view_board ({WHY})",)
    # `can_edit = board.can_edit(request=request)`; `if not can_edit: return 403`, nested
    # under a test of the board's own setting; applied with `@can_edit_board`.
    assert auth[("ANY", "/board/<int:pk>/rename/")] == (f"can_edit_board ({WHY})",)
    # `if request.user.is_staff: return view(...)`, then `return redirect_to_login(...)`.
    assert auth[("ANY", "/board/<int:pk>/admin/")] == (f"staff_or_login ({WHY})",)


def test_a_check_in_a_function_the_wrapper_calls_first_is_followed(capsys) -> None:  # type: ignore[no-untyped-def]
    auth = _auth(capsys)
    # `_require_owner(request, pk)` raises PermissionDenied when the owner is someone else.
    assert auth[("ANY", "/board/<int:pk>/owner/")] == (f"owner_only ({WHY})",)
    # In another module (teams/checks.py), resolved in the project phase.
    assert auth[("ANY", "/team/<int:pk>/boards/")] == (
        f"members_via_check (calls ensure_member(), which {WHY})",)
    # Near misses: a helper returning a 403 response the wrapper throws away (in this module
    # and in another); a check of another module raising on the HTTP method; a raising
    # helper called on one branch only.
    assert auth[("ANY", "/board/<int:pk>/checked/")] == ()
    assert auth[("ANY", "/team/<int:pk>/members/")] == ()
    assert auth[("ANY", "/board/<int:pk>/strict/")] == ()


def test_a_403_on_a_test_of_something_else_is_no_guard(capsys) -> None:  # type: ignore[no-untyped-def]
    auth = _auth(capsys)
    assert auth[("ANY", "/team/<int:team_id>/board/<int:pk>/")] == ()  # board.team != team
    assert auth[("ANY", "/board/<int:pk>/beta/")] == ()  # a setting (request.user only logged)
    assert auth[("ANY", "/board/<int:pk>/touch/")] == ()  # request.method != "POST"
    assert auth[("ANY", "/board/<int:pk>/peek/")] == ()  # is_ajax(request)
    # `if not request.user.is_authenticated and getattr(settings, "BOARDS_LOGIN", False)`:
    # whether anyone is refused is the deployment's setting.
    assert auth[("GET", "/board/<int:pk>/public/")] == ()
    # A test of the user that refuses no one.
    assert auth[("GET", "/board/<int:pk>/seen/")] == ()


def test_a_library_guard_wrapping_a_class_view_held_in_a_module_name(capsys) -> None:  # type: ignore[no-untyped-def]
    auth = _auth(capsys)
    # `path("me/profile/", login_required(views.profile))`, `profile = Profile.as_view()`.
    assert auth[("GET", "/me/profile/")] == (LOGIN,)
    assert auth[("POST", "/me/profile/")] == (LOGIN,)
