"""The public roadmap: anyone reads tracks, topics, prerequisites and resources; curators edit.

Reads carry ETags (``api.etag``) and are serialised once per graph version
(``api.roadmap.cache``); topic reads include the caller's own status, laid over the shared body.
"""

from django.db import transaction
from django.db.models import Count, Prefetch, Q
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.exceptions import APIException, NotFound

from api.etag import RoadmapETagMixin
from api.permissions import IsCuratorOrReadOnly
from api.roadmap import filtersets, serializers
from api.roadmap.cache import SharedBodyMixin
from api.views import EditableViewSet, GenericViewSet
from progress import selectors as progress_selectors
from progress.models import TopicStatus
from roadmap import editing, retirement, services
from roadmap.models import Prerequisite, Resource, Topic, TopicResource, Track
from roadmap.selectors import roadmap_memo


@extend_schema_view(
    list=extend_schema(
        summary="List the tracks of the roadmap, in order",
        description=(
            "The tracks (Math, Programming, ML, ...) in their teaching order, each with how many "
            "topics it holds. Public; answers 304 to a matching `If-None-Match`."
        ),
    )
)
class TrackViewSet(RoadmapETagMixin, SharedBodyMixin, mixins.ListModelMixin, GenericViewSet):
    queryset = Track.objects.annotate(
        topic_count=Count("topics", filter=Q(topics__retired_at=None))
    ).order_by("position")
    serializer_class = serializers.TrackSerializer
    permission_classes = [IsCuratorOrReadOnly]


@extend_schema_view(
    list=extend_schema(
        summary="List topics, with your status when signed in",
        description=(
            "Every topic, filtered by track, level, words (`search`) or, signed in, your status. "
            "`status` is yours (`not_started` without a record), null for anonymous callers. "
            "The ETag also covers your progress, so it changes when you mark a topic."
        ),
    ),
    retrieve=extend_schema(
        summary="A topic with its prerequisites, dependents and resources",
        description=(
            "The topic, the edges into it (what to learn first, and why) and out of it (what "
            "builds on it), and its resources in order, each with its role and link health."
        ),
    ),
    create=extend_schema(
        summary="Add a topic (curators)",
        description="Adds a topic to a track. Its slug must be new; edges and resources are added separately.",
    ),
    partial_update=extend_schema(
        summary="Change a topic (curators)",
        description="Send only the fields that change. Renaming the slug keeps its edges, links and progress.",
    ),
    destroy=extend_schema(
        summary="Delete a topic nobody has studied (curators)",
        description="A topic on which learners have progress, notes or cards is not deleted: "
        "409 says how many, and PATCH `{\"retired\": true}` retires it instead.",
        responses={status.HTTP_204_NO_CONTENT: None},
    ),
)
class TopicViewSet(RoadmapETagMixin, SharedBodyMixin, mixins.ListModelMixin, EditableViewSet):
    permission_classes = [IsCuratorOrReadOnly]
    filterset_class = filtersets.TopicFilterSet
    write_serializer_class = serializers.TopicWriteSerializer
    lookup_field = "slug"
    object_name = "topic"
    location_route = "topic-detail"
    location_field = "slug"
    etag_includes_progress = True
    personal_params = frozenset({"status"})

    def get_queryset(self):
        return progress_selectors.topics_with_status(learner=self.request.user)

    def shared(self, body):
        if self.action != "list":
            return {**body, "status": None}
        return {**body, "results": [{**topic, "status": None} for topic in body["results"]]}

    def personalised(self, body, request):
        if not request.user.is_authenticated:
            return body
        statuses = self.caller_statuses(request.user)
        if self.action != "list":
            return {**body, "status": statuses.get(body["slug"], TopicStatus.NOT_STARTED)}
        results = [
            {**topic, "status": statuses.get(topic["slug"], TopicStatus.NOT_STARTED)}
            for topic in body["results"]
        ]
        return {**body, "results": results}

    def caller_statuses(self, learner) -> dict[str, str]:
        """The caller's statuses by slug, kept while their ETag stamp (which covers every
        change to their progress) stays the same: no query for a caller who reads again."""
        memo = roadmap_memo(version=self.graph_version)
        key = ("statuses", learner.pk, self.version_stamp)
        if key not in memo:
            memo[key] = progress_selectors.statuses_by_slug(learner=learner)
        return memo[key]

    def get_serializer_class(self):
        return (
            serializers.TopicSerializer
            if self.action == "list"
            else serializers.TopicDetailSerializer
        )

    def get_object(self):
        slug = self.kwargs["slug"]
        try:
            return progress_selectors.topic_detail_for(slug=slug, learner=self.request.user)
        except Topic.DoesNotExist:
            raise NotFound(f"No topic {slug!r}.") from None

    def create_object(self, data):
        retired = data.pop("retired", False)
        topic = editing.topic_create(**data)
        if retired:
            retirement.topic_retire(topic=topic)
        return progress_selectors.topic_detail_for(slug=topic.slug, learner=self.request.user)

    @transaction.atomic
    def update_object(self, topic, data):
        retired = data.pop("retired", None)
        if data:
            topic = editing.topic_update(topic=topic, **data)
        if retired is True:
            retirement.topic_retire(topic=topic)
        elif retired is False:
            retirement.topic_restore(topic=topic)
        return progress_selectors.topic_detail_for(slug=topic.slug, learner=self.request.user)

    def delete_object(self, topic):
        try:
            editing.topic_delete(topic=topic)
        except retirement.TopicInUse as error:
            raise TopicInUseConflict(
                f"{error.data.sentence(topic)}. Deleting it would destroy them: retire it "
                f'instead with PATCH /api/v1/topics/{topic.slug}/ {{"retired": true}}.'
            ) from None


class TopicInUseConflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "topic_in_use"


@extend_schema_view(
    list=extend_schema(
        summary="List prerequisite edges (the roadmap graph)",
        description=(
            "Every edge `from_topic → to_topic` (learn `from_topic` first), required or "
            "recommended, with its reason; filter by either end or by kind."
        ),
    ),
    retrieve=extend_schema(summary="One prerequisite edge", description="The edge with its ends, kind and reason."),
    create=extend_schema(
        summary="Add a prerequisite edge; refused with the cycle it would close (curators)",
        description=(
            "An edge that would close a cycle is refused with 400 naming the whole cycle "
            "(`adding a → b would create the cycle b → c → a → b`), as are self-edges and duplicates."
        ),
    ),
    partial_update=extend_schema(
        summary="Change an edge; moving an end is checked for cycles (curators)",
        description="Send only the fields that change; a new end is checked for cycles like a new edge.",
    ),
    destroy=extend_schema(
        summary="Remove a prerequisite edge (curators)", description="Learners' paths stop counting on it."
    ),
)
class PrerequisiteViewSet(RoadmapETagMixin, SharedBodyMixin, mixins.ListModelMixin, EditableViewSet):
    queryset = Prerequisite.objects.select_related("from_topic", "to_topic").order_by("id")
    serializer_class = serializers.PrerequisiteSerializer
    write_serializer_class = serializers.PrerequisiteWriteSerializer
    filterset_class = filtersets.PrerequisiteFilterSet
    permission_classes = [IsCuratorOrReadOnly]
    object_name = "prerequisite"
    location_route = "prerequisite-detail"

    def create_object(self, data):
        return services.prerequisite_create(**data)

    def update_object(self, prerequisite, data):
        return services.prerequisite_update(prerequisite=prerequisite, **data)

    def delete_object(self, prerequisite):
        services.prerequisite_delete(prerequisite=prerequisite)


@extend_schema_view(
    list=extend_schema(
        summary="List resources, with their topics and link health",
        description=(
            "Books, courses, papers, videos, docs and case studies, each with the topics it "
            "serves and the health of its link (checked nightly); e.g. `?health=broken`."
        ),
    ),
    retrieve=extend_schema(summary="One resource", description="The resource with its topic links and link health."),
    create=extend_schema(
        summary="Add a resource and its topic links (curators)",
        description="Adds the resource and links it to the topics listed in `topics`, each with a role.",
    ),
    partial_update=extend_schema(
        summary="Change a resource; `topics`, when given, replaces its links (curators)",
        description="Send only the fields that change; `topics`, when given, replaces every link.",
    ),
    destroy=extend_schema(
        summary="Delete a resource (curators)", description="Removes the resource and its topic links."
    ),
)
class ResourceViewSet(RoadmapETagMixin, SharedBodyMixin, mixins.ListModelMixin, EditableViewSet):
    queryset = Resource.objects.prefetch_related(
        Prefetch(
            "topic_resources",
            queryset=TopicResource.objects.select_related("topic").order_by("position", "id"),
        )
    ).order_by("title", "id")
    serializer_class = serializers.ResourceSerializer
    write_serializer_class = serializers.ResourceWriteSerializer
    filterset_class = filtersets.ResourceFilterSet
    permission_classes = [IsCuratorOrReadOnly]
    object_name = "resource"
    location_route = "resource-detail"

    def create_object(self, data):
        return self._reloaded(editing.resource_create(**data))

    def update_object(self, resource, data):
        return self._reloaded(editing.resource_update(resource=resource, **data))

    def delete_object(self, resource):
        editing.resource_delete(resource=resource)

    def _reloaded(self, resource):
        return self.get_queryset().get(pk=resource.pk)
