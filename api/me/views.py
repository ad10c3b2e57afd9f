"""/me/: the signed-in user's profile, progress, finished resources, activity and stats.

Anyone signed in has these (mentors and curators learn too); anonymous callers get 401.
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from api.me import serializers
from api.me.filtersets import ProgressFilterSet
from api.views import APIView, GenericViewSet
from progress import selectors, services
from progress.models import ResourceProgress, TopicProgress
from roadmap.models import Resource, Topic


class MeView(APIView):
    @extend_schema(
        summary="Your account and learning settings",
        description=(
            "Your username, email and roles, and the settings that shape your days: time zone "
            "(per-day figures follow it), weekly hours, daily review limits, target retention "
            "and reminder hour."
        ),
        responses=serializers.MeSerializer,
    )
    def get(self, request):
        profile = selectors.profile_for(request.user)
        profile.user = request.user  # the account already loaded: no query to load it again
        return Response(serializers.me_body(profile))

    @extend_schema(
        summary="Change your email or learning settings",
        description="Send only the fields that change; each is checked against its bounds (400 naming it).",
        request=serializers.MeUpdateSerializer,
        responses=serializers.MeSerializer,
    )
    def patch(self, request):
        update = serializers.MeUpdateSerializer(data=request.data)
        update.is_valid(raise_exception=True)
        profile = services.account_update(user=request.user, **update.validated_data)
        return Response(serializers.me_body(profile))


def _topic(slug: str) -> Topic:
    try:
        return Topic.objects.select_related("track").get(slug=slug)
    except Topic.DoesNotExist:
        raise NotFound(f"No topic {slug!r}.") from None


def _resource(pk: int) -> Resource:
    try:
        return Resource.objects.get(pk=pk)
    except Resource.DoesNotExist:
        raise NotFound(f"No resource {pk}.") from None


@extend_schema_view(
    list=extend_schema(
        summary="Your status and notes on every topic you have touched",
        description="One row per topic you have a status or notes on, in track order; filter by status or track.",
    ),
    retrieve=extend_schema(
        summary="Your status and notes on one topic",
        description="`not_started` with empty notes for a topic you have not touched.",
    ),
    update=extend_schema(
        summary="Set your status (and optionally notes) on a topic",
        operation_id="me_progress_set",
        description=(
            "Allowed moves: not started → in progress/done/skipped; "
            "in progress → done/skipped/not started; "
            "done → in progress/not started; skipped → not started/in progress/done. "
            "Others get 400."
        ),
        request=serializers.ProgressUpdateSerializer,
    ),
)
class ProgressViewSet(mixins.ListModelMixin, GenericViewSet):
    queryset = TopicProgress.objects.none()  # what the schema generator sees
    serializer_class = serializers.TopicProgressSerializer
    filterset_class = ProgressFilterSet
    lookup_url_kwarg = "topic_slug"

    def get_queryset(self):
        if self.is_schema_generation():
            return self.queryset
        return selectors.learner_progress(learner=self.request.user)

    def list(self, request):
        rows = self.filter_queryset(self.get_queryset()).values(*serializers.PROGRESS_COLUMNS)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response([serializers.progress_row(row) for row in page])

    def retrieve(self, request, topic_slug):
        progress = selectors.topic_progress_for(learner=request.user, topic=_topic(topic_slug))
        return Response(self.get_serializer(progress).data)

    def update(self, request, topic_slug):
        topic = _topic(topic_slug)
        change = serializers.ProgressUpdateSerializer(data=request.data)
        change.is_valid(raise_exception=True)
        progress = services.topic_status_set(
            learner=request.user, topic=topic, **change.validated_data
        )
        return Response(self.get_serializer(progress).data)


@extend_schema_view(
    list=extend_schema(
        summary="Resources you have finished, latest first",
        description="Each resource you marked as finished, with when.",
    )
)
class ResourcesDoneViewSet(mixins.ListModelMixin, GenericViewSet):
    queryset = ResourceProgress.objects.none()  # what the schema generator sees
    serializer_class = serializers.ResourceDoneSerializer

    def get_queryset(self):
        if self.is_schema_generation():
            return self.queryset
        return selectors.resources_done(learner=self.request.user)


class ResourceDoneView(APIView):
    @extend_schema(
        summary="Mark a resource as finished (again is harmless)",
        description=(
            "Records that you finished the resource (counts as activity today); marking it "
            "again changes nothing."
        ),
        operation_id="me_resources_mark_done",
        request=None,
        responses=serializers.ResourceDoneSerializer,
    )
    def post(self, request, pk):
        resource = _resource(pk)
        progress = services.resource_mark_done(learner=request.user, resource=resource)
        return Response(serializers.ResourceDoneSerializer(progress).data)

    @extend_schema(
        summary="Mark a resource as not finished",
        description="Removes the mark; a resource that was not marked is fine too.",
        operation_id="me_resources_mark_undone",
        responses={status.HTTP_204_NO_CONTENT: None},
    )
    def delete(self, request, pk):
        services.resource_mark_undone(learner=request.user, resource=_resource(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ActivityView(APIView):
    @extend_schema(
        summary="Your activity per day (your time zone); the last 365 days by default",
        description=(
            "Counts of what you did (status changes, finished resources, notes, reviews) per "
            "local day, every day of the range included. At most 366 days at a time."
        ),
        parameters=[serializers.ActivityRangeSerializer],
        responses=serializers.ActivityCalendarSerializer,
    )
    def get(self, request):
        query = serializers.ActivityRangeSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        calendar = selectors.activity_calendar(
            learner=request.user,
            start=query.validated_data.get("from"),
            end=query.validated_data.get("to"),
        )
        return Response(serializers.ActivityCalendarSerializer(calendar).data)


class StatsView(APIView):
    @extend_schema(
        summary="Topics done per track, your streak, hours done and remaining",
        description=(
            "Only your own progress counts. Per track: topics done or skipped of all its topics, and "
            "your quiz cards: `coverage` (share studied) and `retention` (mean predicted recall now "
            "of the studied ones), reported separately, and how many known topics need review. "
            "Streak: consecutive local days with activity (today without activity yet does not "
            "break it). Hours: of the topics you have done; remaining is the whole roadmap's "
            "hours less those done and skipped."
        ),
        responses=serializers.StatsSerializer,
    )
    def get(self, request):
        today = selectors.local_today(learner=request.user)
        return Response(
            serializers.StatsSerializer(
                selectors.learner_stats(learner=request.user, today=today)
            ).data
        )
