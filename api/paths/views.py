"""Personalised learning paths (``progress.planning``).

* ``POST /paths/``: anyone. Signed in, your progress, weekly hours and time zone fill
  in what you leave out; anonymous callers list what they know in ``known``.
* ``GET /me/ready/``: what you can start today.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions
from rest_framework.response import Response

from api.pagination import PageNumberPagination
from api.paths import serializers
from api.views import APIView, GenericViewSet
from progress import planning
from roadmap.models import Topic


class PathView(APIView):
    permission_classes = [permissions.AllowAny]
    idempotent_writes = False  # computes, never writes: nothing to replay

    @extend_schema(
        summary="Your learning path to some topics or tracks: ordered steps, why each, and dates",
        description=(
            "Works out what you still need for the goals, in an order where every prerequisite "
            "comes first, explains each step, picks the resource to start with and dates the "
            "steps at your weekly hours. Anonymous callers must send `known`. Unknown slugs, "
            "goals you already know and hours per week of 0 or less are refused with 400."
        ),
        operation_id="paths_compute",
        request=serializers.PathRequestSerializer,
        responses=serializers.PathSerializer,
    )
    def post(self, request):
        query = serializers.PathRequestSerializer(data=request.data)
        query.is_valid(raise_exception=True)
        path = planning.path_for(learner=request.user, **query.validated_data)
        return Response(serializers.path_body(path))


class ReadyView(mixins.ListModelMixin, GenericViewSet):
    """Paginated like every other list, though it is computed from the cached graph."""

    serializer_class = serializers.ReadyTopicSerializer
    pagination_class = PageNumberPagination
    queryset = Topic.objects.none()  # tells the schema generator what the items are

    def get_queryset(self):
        if self.is_schema_generation():
            return []
        return planning.ready_for(learner=self.request.user)

    @extend_schema(
        summary="Topics you can start today: not known, every required prerequisite known",
        description=(
            "Topics you have not done or skipped whose required prerequisites you know "
            "(done, skipped, or implied by what you know), in track order."
        ),
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)
