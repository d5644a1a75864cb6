"""Review of session 14's fixes14 merge: fix texts that named a list "one object", proposed a
path with one parameter twice or a parameter that is no identifier, wrote `//`, or "an user".
Each case beside the near miss whose text stays."""

from __future__ import annotations

import ast
import re

from backendreview.analysis.frameworks.naming import indefinite_article

from .test_br301_fixes import _br301
from .test_fix_wrong_classes_s14 import _br302


def test_br301_a_list_that_also_lists_is_not_one_object(tmp_path, monkeypatch) -> None:
    # A list() answering one object in one branch and the page of all of them (its
    # get_serializer(many=True), or the base list()) in the other lists: the rename stands.
    from .projects import project_findings

    found = project_findings(tmp_path, {"app/__init__.py": "", "app/views.py": """
        from rest_framework import routers, viewsets
        from rest_framework.response import Response

        from .serializers import DeviceSerializer


        class MineDeviceViewSet(viewsets.GenericViewSet):
            serializer_class = DeviceSerializer

            def list(self, request):
                if request.query_params.get("mine"):
                    return Response(DeviceSerializer(request.user.device).data)
                rows = self.filter_queryset(self.get_queryset())
                return Response(self.get_serializer(rows, many=True).data)


        class SuperDeviceViewSet(viewsets.ModelViewSet):
            serializer_class = DeviceSerializer

            def list(self, request, *args, **kwargs):
                if request.query_params.get("mine"):
                    return Response(DeviceSerializer(request.user.device).data)
                return super().list(request, *args, **kwargs)


        class ConnectedDeviceViewSet(viewsets.GenericViewSet):
            def list(self, request):
                device = find_device(request.query_params)
                if device is None:
                    return Response()
                return Response(self.get_serializer(device).data)


        router = routers.DefaultRouter()
        router.register("mine-device", MineDeviceViewSet, basename="md")
        router.register("super-device", SuperDeviceViewSet, basename="sd")
        router.register("connected-device", ConnectedDeviceViewSet, basename="cd")
        urlpatterns = router.urls
        """, "app/serializers.py": "class DeviceSerializer:\n    pass\n"}, "BR301", monkeypatch)
    by_segment = {f.message.split('segment "')[1].split('"')[0]: f.fix for f in found}
    assert by_segment["mine-device"].suggestion == '"mine-devices"'
    assert by_segment["super-device"].suggestion == '"super-devices"'
    # Near miss: every answer is one object (get_serializer with no many=, an empty Response).
    one = by_segment["connected-device"]
    assert one.suggestion is None
    assert one.description.startswith("The handler answers one object "
                                      "(`self.get_serializer` is given one item")


CHILD = '''from fastapi import APIRouter, FastAPI

app = FastAPI()
router = APIRouter(prefix="/users")


@router.post("/{user_id}/child-user", status_code=201)
async def create_child_user(user_id: int):
    return {}


@router.post("/{user_id}/encryption-key", status_code=201)
async def create_encryption_key(user_id: int):
    return {}


app.include_router(router)
'''


def test_br301_one_or_several_names_the_member_id_apart_from_the_parents() -> None:
    found = {line: text for line, _m, text, _c in _br301({"main.py": CHILD})}
    # `/users/{user_id}/child-users/{user_id}` took the same parameter twice.
    assert found[7].endswith("they are a collection: /users/{user_id}/child-users, one of "
                             "them at /users/{user_id}/child-users/{child_user_id}")
    # Near miss: a key's id is no parameter of the path yet: the short name stays.
    assert found[12].endswith("one of them at /users/{user_id}/encryption-keys/{key_id}")
    # "a user", not "an user".
    assert found[12].startswith('Decide whether a user has one "encryption-key"')
    for text in found.values():
        for path in re.findall(r"/users/\S+", text):
            names = re.findall(r"\{(\w+)\}", path)
            assert len(names) == len(set(names)), path


WARM = '''from fastapi import APIRouter, FastAPI

app = FastAPI()
router = APIRouter()


@router.post("/warm/{name}", status_code=201)
async def warm(name: str):
    return {}


@router.post("/lazy/archive/{name}", status_code=201)
async def archive(name: str):
    return {}


app.include_router(router)
'''


def test_br301_a_handler_named_first_segment_gives_no_double_slash() -> None:
    found = {line: text for line, _m, text, _c in _br301({"main.py": WARM})}
    assert "(POST /<collection>/{name}/warm)" in found[7], found[7]
    assert "//" not in found[7]


def test_indefinite_article_reads_the_sound() -> None:
    assert [indefinite_article(w) for w in ("user", "unit", "owner", "item", "hour",
                                              "client", "url", "update")] == \
        ["a", "a", "an", "an", "an", "a", "a", "an"]


TRAINING = '''from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()


class JobRef(BaseModel):
    job_uuid: str


@app.post("/v1/training-job/cancel")
async def cancel_training_job(body: JobRef):
    return {}


@app.post("/v1/job/cancel")
async def cancel_job(body: JobRef):
    return {}
'''


def test_br302_a_member_parameter_is_an_identifier() -> None:
    # `{training-job_id}`: no FastAPI handler can declare a parameter with a hyphen.
    found = _br302({"main.py": TRAINING})
    assert "PATCH /v1/training-job/{training_job_id} with the new state" in found[11][0]
    # Near miss: a one-word parent keeps its plain id.
    assert "PATCH /v1/job/{job_id} with the new state" in found[16][0]
    for description, _code in found.values():
        for name in re.findall(r"\{([^}]+)\}", description):
            assert name.isidentifier() or name == "?", name
            ast.parse(f"def f({name}): pass")
