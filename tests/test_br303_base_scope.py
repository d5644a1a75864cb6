"""BR303 on DRF lists a base class decides: the fix text of a `get` that hands on to the
generic list (it runs the pagination class), and the route table's Pagination column, which
names paging (a helper called from filter_queryset) and never a one-object fetch.

The get_queryset / filter_queryset cases themselves are marked in
fixtures/BR303/base_class_scope.py."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from backendreview.cli import main
from backendreview.config import Config
from backendreview.engine import run

VIEWS = """\
    from django.urls import path
    from rest_framework import generics
    from rest_framework.response import Response

    from .helpers import paginator


    class TagList(generics.ListCreateAPIView):
        queryset = Tag.objects.all()
        serializer_class = TagSerializer

        def get(self, request, *args, **kwargs):
            return super(TagList, self).get(request, *args, **kwargs)


    class NoteList(generics.ListAPIView):
        queryset = Note.objects.all()
        serializer_class = NoteSerializer

        def get(self, request, *args, **kwargs):
            self.check_throttles(request)
            return self.list(request, *args, **kwargs)


    class BookList(generics.GenericAPIView):
        queryset = Book.objects.all()
        serializer_class = BookSerializer

        def get(self, request, *args, **kwargs):
            return Response(BookSerializer(Book.objects.all(), many=True).data)


    class BookDetail(generics.GenericAPIView):
        serializer_class = BookSerializer

        def get(self, request, pk):
            book = generics.get_object_or_404(Book, pk=pk)
            return Response(BookSerializer(book).data)


    class PagedTaskList(generics.ListAPIView):
        queryset = Task.objects.all()
        serializer_class = TaskSerializer

        def filter_queryset(self, queryset):
            return paginator(queryset.order_by("-id"), self.request)


    class LabelList(generics.ListAPIView):
        queryset = Label.objects.all()
        serializer_class = LabelSerializer

        def get(self, request, *args, **kwargs):
            if request.query_params.get("all"):
                return Response(LabelSerializer(Label.objects.all(), many=True).data)
            return super().get(request, *args, **kwargs)


    class OwnList(generics.ListAPIView):
        def list(self, request, *args, **kwargs):
            return Response(self.get_serializer(self.get_queryset(), many=True).data)


    class MemoList(OwnList):
        queryset = Memo.objects.all()
        serializer_class = MemoSerializer

        def get(self, request, *args, **kwargs):
            return self.list(request, *args, **kwargs)


    urlpatterns = [
        path("labels/", LabelList.as_view()),
        path("memos/", MemoList.as_view()),
        path("tags/", TagList.as_view()),
        path("notes/", NoteList.as_view()),
        path("books/", BookList.as_view()),
        path("books/<int:pk>/", BookDetail.as_view()),
        path("tasks/", PagedTaskList.as_view()),
    ]
    """

HELPERS = """\
    def paginator(objects, request, default_size=50):
        size = int(request.GET.get("page_size", default_size))
        page = int(request.GET.get("page", 1))
        return objects[(page - 1) * size:page * size]
    """


def _project(tmp_path: Path) -> Path:
    pkg = tmp_path / "shop"
    pkg.mkdir()
    for name, text in {"__init__.py": "", "views.py": VIEWS, "helpers.py": HELPERS,
                       "settings.py": 'ROOT_URLCONF = "shop.views"\n'}.items():
        (pkg / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return tmp_path


def test_fix_of_a_get_that_hands_on_to_the_generic_list(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = _project(tmp_path)
    monkeypatch.chdir(project)
    findings = run([Path(".")], Config(root=project, select=("BR303",)), jobs=1).findings
    fixes = {f.message.split('"')[1]: f.fix.description for f in findings
             if f.path == "shop/views.py" and f.fix is not None}
    assert set(fixes) == {"GET /tags/", "GET /notes/", "GET /books/", "GET /labels/",
                          "GET /memos/"}
    # super().get() and self.list() run DRF's list(), which a pagination class pages
    for route in ("GET /tags/", "GET /notes/"):
        assert fixes[route].startswith("Give the view a pagination class"), fixes[route]
    # a get() that builds its own Response runs no list(): the pagination class would not
    assert fixes["GET /books/"].startswith("The view builds its answer in `BookList.get`")
    # the `?all=` branch answers its own query, not through list() (review of br303base)
    assert fixes["GET /labels/"].startswith("The view builds its answer in `LabelList.get`")
    # self.list() is the project's own list(), which builds its own Response
    assert fixes["GET /memos/"].startswith("The view builds its answer in `MemoList.get`")


def test_pagination_column_names_paging_not_a_one_object_fetch(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = _project(tmp_path)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(project)
        code = main(["routes", ".", "--format", "json", "--jobs", "1"])
    out = capsys.readouterr()
    assert code == 0, out.err
    pages = {f"{','.join(r['methods'])} {r['path']}": r["pagination"]
             for r in json.loads(out.out)}
    assert pages["GET /books/<int:pk>/"] == []  # get_object_or_404 fetches one book
    assert pages["GET /tasks/"] == ["filter_queryset: paginator()"]  # what it returns
    assert pages["GET /tags/"] == []


def test_pagination_column_filter_parameters_are_not_paging(
        capsys: pytest.CaptureFixture[str]) -> None:
    """A filter_queryset's query parameters filter (kolibri's `?after=` / `?before=`
    timestamps, a `?size=`) and a search term cut to 100 characters bounds no rows: none
    of them is the list's pagination; a slice of what it returns is."""
    fixture = Path(__file__).parent.parent / "fixtures" / "BR303" / "filter_queryset_paging.py"
    code = main(["routes", str(fixture), "--format", "json", "--jobs", "1"])
    out = capsys.readouterr()
    assert code == 0, out.err
    pages = {f"{','.join(r['methods'])} {r['path']}": r["pagination"]
             for r in json.loads(out.out)}
    assert pages["GET /api/readings/"] == []
    assert pages["GET /api/products/"] == []
    assert pages["GET /api/documents/"] == []
    assert pages["GET /api/invoices/"] == []
    assert pages["GET /api/exports/"] == ["filter_queryset: slice"]
    assert pages["GET /api/projects/tasks/"] == ["filter_queryset: paginator()"]
    assert pages["GET /api/articles/"] == ["filter_queryset: Paginator()"]
