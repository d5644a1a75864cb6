"""Nautobot apps and NetBox plugins in the route model (analysis/frameworks/host_apps): the
loader's prefix from the config class, the hosts' viewsets and routers by qualified name, the
hosts' REST_FRAMEWORK defaults on plugin API routes, and BR303 following from them."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from backendreview.cli import main
from tests.projects import project_findings

VIEWS = """\
from nautobot.apps.api import NautobotModelViewSet

from {pkg}.models import Item


class ItemViewSet(NautobotModelViewSet):
    queryset = Item.objects.all()
"""
URLS = """\
from nautobot.apps.api import OrderedDefaultRouter

from {pkg}.api import views

router = OrderedDefaultRouter()
router.register("items", views.ItemViewSet)
urlpatterns = router.urls
"""


def _plugin(tmp: Path, pkg: str, init: str) -> None:
    for name, text in {f"{pkg}/__init__.py": init, f"{pkg}/api/__init__.py": "",
                       f"{pkg}/api/views.py": VIEWS.format(pkg=pkg),
                       f"{pkg}/api/urls.py": URLS.format(pkg=pkg)}.items():
        path = tmp / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _routes(capsys: pytest.CaptureFixture[str], root: Path,
            monkeypatch: pytest.MonkeyPatch) -> dict[str, dict[str, object]]:
    monkeypatch.chdir(root)
    code = main(["routes", ".", "--format", "json", "--jobs", "1"])
    out = capsys.readouterr()
    assert code == 0, out.err
    return {f"{','.join(r['methods'])} {r['path']}": r for r in json.loads(out.out)}


CONFIG = "from nautobot.apps import NautobotAppConfig\n\n\nclass Cfg(NautobotAppConfig):\n"


@pytest.mark.parametrize(("body", "prefix"), [
    ('    name = "acme_app"\n    base_url = "acme"\n', "/api/plugins/acme/"),
    # no base_url: the app label, the last part of `name`
    ('    name = "vendor.acme_app"\n', "/api/plugins/acme_app/"),
    # an explicit label wins over `name`
    ('    name = "acme_app"\n    label = "acme_label"\n', "/api/plugins/acme_label/"),
    # an annotated base_url is the attribute all the same (not the label's `acme_app`)
    ('    name = "acme_app"\n    base_url: str = "acme"\n', "/api/plugins/acme/"),
    # `base_url or label` in the loaders: a written None is the label
    ('    name = "acme_app"\n    base_url = None\n', "/api/plugins/acme_app/"),
])
def test_plugin_prefix(tmp_path, capsys, monkeypatch, body, prefix) -> None:  # type: ignore[no-untyped-def]
    _plugin(tmp_path, "acme_app", CONFIG + body)
    rows = _routes(capsys, tmp_path, monkeypatch)
    row = rows[f"GET {prefix}items/"]
    assert row["prefix_known"] is True
    assert row["handler"] == "ItemViewSet"
    assert row["pagination"] == [
        "nautobot.core.api.pagination.OptionalLimitOffsetPagination "
        "(nautobot REST_FRAMEWORK DEFAULT_PAGINATION_CLASS)"]
    assert "nautobot.core.api.authentication.TokenPermissions (nautobot REST_FRAMEWORK " \
           "DEFAULT_PERMISSION_CLASSES)" in row["auth"]
    # the bulk mapping of Nautobot's router on the list route, and the notes action
    assert {"PUT", "PATCH", "DELETE", "POST"} <= {k.split(" ")[0] for k in rows
                                                  if k.endswith(f"{prefix}items/")}
    assert f"GET,POST {prefix}items/{{pk}}/notes/" in rows


def test_computed_base_url_is_unknown(tmp_path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _plugin(tmp_path, "acme_app", CONFIG + '    name = "acme_app"\n    base_url = SLUG\n')
    rows = _routes(capsys, tmp_path, monkeypatch)
    (key,) = [k for k in rows if k.startswith("GET ") and k.endswith("/items/")]
    assert rows[key]["prefix_known"] is False
    assert key.startswith("GET /api/plugins/{?}")


def test_not_a_plugin(tmp_path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # ok: a plain AppConfig, and a NautobotAppConfig imported from another package, mount
    # nothing; a viewset base spelt like Nautobot's but from elsewhere serves no route.
    _plugin(tmp_path, "acme_app", 'from django.apps import AppConfig\n\n\n'
            'class Cfg(AppConfig):\n    name = "acme_app"\n    base_url = "acme"\n')
    _plugin(tmp_path, "other_app", 'from myhost.apps import NautobotAppConfig\n\n\n'
            'class Cfg(NautobotAppConfig):\n    name = "other_app"\n    base_url = "o"\n')
    (tmp_path / "other_app/api/views.py").write_text(VIEWS.format(pkg="other_app").replace(
        "nautobot.apps.api", "myhost.api"), encoding="utf-8")
    rows = _routes(capsys, tmp_path, monkeypatch)
    assert not [k for k in rows if "/plugins/" in k]
    assert "GET /items/" in rows and rows["GET /items/"]["pagination"] == []
    assert len([k for k in rows if k.endswith("/items/")]) == 5  # acme_app's only


BR303_FILES = {
    "golden/__init__.py": CONFIG + '    name = "golden"\n',
    "golden/api/__init__.py": "",
    "golden/api/views.py": """\
        from nautobot.apps.api import NautobotModelViewSet
        from rest_framework.mixins import ListModelMixin
        from rest_framework.viewsets import GenericViewSet

        from golden.models import Item


        class ItemViewSet(NautobotModelViewSet):
            queryset = Item.objects.all()


        class PlanViewSet(ListModelMixin, GenericViewSet):
            queryset = Item.objects.all()


        class DumpViewSet(ListModelMixin, GenericViewSet):
            queryset = Item.objects.all()
            pagination_class = None
        """,
    "golden/api/urls.py": """\
        from nautobot.apps.api import OrderedDefaultRouter

        from golden.api import views

        router = OrderedDefaultRouter()
        router.register("items", views.ItemViewSet)
        router.register("plans", views.PlanViewSet)
        router.register("dump", views.DumpViewSet)
        urlpatterns = router.urls
        """,
}


def test_br303_follows_host_pagination(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    findings = project_findings(tmp_path, BR303_FILES, "BR303", monkeypatch)
    # ok: ItemViewSet and PlanViewSet (DRF mixins) list through Nautobot's default paginator.
    # ruleid: DumpViewSet turns the host's paginator off.
    assert [(f.rule_id, f.path, f.span.start_line, f.message) for f in findings] == [
        ("BR303", "golden/api/views.py", 17,
         'route "GET /api/plugins/golden/dump/" returns every row of `Item.objects.all()` '
         "with no limit or pagination")]


BULK_NAMED_FILES = {
    # A plain DRF router: its list route maps no bulk action; @actions named like one sit at
    # their own path and are no collection.
    "app/__init__.py": "",
    "app/views.py": """\
        from rest_framework import viewsets
        from rest_framework.decorators import action
        from rest_framework.response import Response


        class QueueViewSet(viewsets.ModelViewSet):
            queryset = None

            @action(detail=False, methods=["patch"], url_path="priority")
            def bulk_update(self, request):
                return Response({})

            @action(detail=False, methods=["delete"], url_path="selection")
            def bulk_destroy(self, request):
                return Response({})
        """,
    "app/urls.py": """\
        from rest_framework.routers import DefaultRouter

        from app.views import QueueViewSet

        router = DefaultRouter()
        router.register("queue", QueueViewSet)
        urlpatterns = router.urls
        """,
    # Flask-AppBuilder: a method called bulk_update is the handler of its own path.
    "fab.py": """\
        from flask import Flask, jsonify
        from flask_appbuilder import AppBuilder, expose
        from flask_appbuilder.api import BaseApi

        app = Flask(__name__)
        appbuilder = AppBuilder(app)


        class ArchiveApi(BaseApi):
            route_base = "/archive"

            @expose("/entry/", methods=["PUT"])
            def bulk_update(self):
                return jsonify({})


        appbuilder.add_view_no_menu(ArchiveApi())
        """,
    # A Nautobot plugin: the host router's bulk DELETE on the list route is the collection.
    "golden/__init__.py": CONFIG + '    name = "golden"\n',
    "golden/api/__init__.py": "",
    "golden/api/views.py": """\
        from nautobot.apps.api import BulkDestroyModelMixin
        from rest_framework.viewsets import GenericViewSet


        class PlanViewSet(BulkDestroyModelMixin, GenericViewSet):
            queryset = None
        """,
    "golden/api/urls.py": """\
        from nautobot.apps.api import OrderedDefaultRouter

        from golden.api import views

        router = OrderedDefaultRouter()
        router.register("plan", views.PlanViewSet)
        urlpatterns = router.urls
        """,
}


def test_br301_bulk_actions_are_collections_on_host_routers_only(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    findings = project_findings(tmp_path, BULK_NAMED_FILES, "BR301", monkeypatch)
    # ruleid: "queue" at its register call (the list route); "plan" at the host router's
    # register call (its bulk DELETE is the collection route).
    # ok: @action bulk_update "priority", @action bulk_destroy "selection", FAB bulk_update
    # "entry": each names no collection.
    assert sorted((f.path, f.span.start_line, f.message.split(":")[0]) for f in findings) == [
        ("app/urls.py", 6, 'route "GET /queue/"'),
        ("golden/api/urls.py", 6, 'route "DELETE /api/plugins/golden/plan/"'),
    ]


IMPORTED_ROUTER_FILES = {
    "golden/__init__.py": CONFIG + '    name = "golden"\n',
    "golden/routers.py": """\
        from nautobot.apps.api import OrderedDefaultRouter
        from nautobot.apps.urls import NautobotUIViewSetRouter

        ui_router = NautobotUIViewSetRouter()
        api_router = OrderedDefaultRouter()
        """,
    "golden/views.py": """\
        from nautobot.apps.views import NautobotUIViewSet


        class PlanUIViewSet(NautobotUIViewSet):
            queryset = None
        """,
    "golden/urls.py": """\
        from golden import views
        from golden.routers import ui_router

        ui_router.register("plans", views.PlanUIViewSet)
        urlpatterns = ui_router.urls
        """,
    "golden/api/__init__.py": "",
    "golden/api/views.py": VIEWS.format(pkg="golden"),
    "golden/api/urls.py": """\
        from golden.api import views
        from golden.routers import api_router

        api_router.register("items", views.ItemViewSet)
        urlpatterns = api_router.urls
        """,
}


def test_routers_imported_from_another_module(tmp_path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # The routers are built in golden/routers.py and registered on elsewhere: what they serve
    # follows the class they were built from, as for a router built where it registers.
    for name, text in IMPORTED_ROUTER_FILES.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    (tmp_path / "golden/models.py").write_text("", encoding="utf-8")
    rows = _routes(capsys, tmp_path, monkeypatch)
    # the UI router's pages, not DRF API routes (no POST on the list, no PUT on the member)
    assert rows["GET /plugins/golden/plans/"]["framework"] == "django"
    assert rows["GET /plugins/golden/plans/"]["auth"] == [
        "nautobot NautobotViewSetMixin (object permissions in dispatch)"]
    assert "POST /plugins/golden/plans/add/" in rows
    assert "POST /plugins/golden/plans/" not in rows
    assert "PUT /plugins/golden/plans/{pk}/" not in rows
    # the API router's bulk mapping on the list route
    assert {"DELETE /api/plugins/golden/items/", "PUT /api/plugins/golden/items/",
            "PATCH /api/plugins/golden/items/"} <= set(rows)
