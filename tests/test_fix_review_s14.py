"""Review of session 14's fixes14 merge: fix texts that named a list "one object", proposed a
path with one parameter twice or a parameter that is no identifier, wrote `//`, or "an user".
Each case beside the near miss whose text stays."""

from __future__ import annotations


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
