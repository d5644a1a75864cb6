"""A base class that is neither the project's nor a known library's is read as
authentication only by a name that can mean nothing else (frameworks/django.guard_base)."""

from __future__ import annotations

import pytest

from backendreview.analysis.frameworks.django import guard_base


@pytest.mark.parametrize("name", [
    "django.contrib.auth.mixins.LoginRequiredMixin",
    "django.contrib.auth.mixins.PermissionRequiredMixin",
    "django.contrib.auth.mixins.UserPassesTestMixin",
    "rest_framework.permissions.IsAuthenticated",
    "braces.views.LoginRequiredMixin",
    "guardian.mixins.PermissionRequiredMixin",
    "extauth.mixins.StaffRequiredMixin",
    "lib.ObjectPermissionRequiredMixin",
    "lib.AuthenticatedHandler",
    "lib.AdminRequiredView",
    "lib.LoginRequired",
])
def test_guard_names(name: str) -> None:
    assert guard_base(name), name


@pytest.mark.parametrize("name", [
    "keystone.api.auth._AuthFederationWebSSOBase",
    "extauth.views.OAuthCallbackBase",
    "lib.AuthBase",
    "lib.PermissionHelperMixin",
    "lib.OAuth1ResourceBase",
    "lib.LoginView",
    "lib.AdminView",
    "lib.ProtectedModelViewSetMixin",
    "django.contrib.auth.views.LoginView",
    "rest_framework.permissions.AllowAny",
    "rest_framework.views.APIView",
])
def test_not_guard_names(name: str) -> None:
    assert not guard_base(name), name
