"""Shapes of the public roadmap: what is read (``*Serializer``) and what curators send
(``*WriteSerializer``). Writes are validated here for shape only; ``roadmap.editing`` and
``roadmap.services`` own the rules."""

from rest_framework import serializers

from api.fields import HttpURLField, SlugReferenceField
from progress.models import TopicStatus
from roadmap.editing import TopicLink
from roadmap.models import (
    Access,
    Level,
    LinkHealth,
    Prerequisite,
    PrerequisiteKind,
    Resource,
    ResourceKind,
    ResourceRole,
    Topic,
    TopicResource,
    Track,
)

SUMMARY_MAX_LENGTH = 20_000
#: Declared here rather than taken from the models, whose bounds come from the database in
#: use (SQLite's are 64-bit): the schema must not depend on the backend.
POSITION_MAX = 32767


def position_field() -> serializers.IntegerField:
    return serializers.IntegerField(read_only=True, min_value=0, max_value=POSITION_MAX)


class TrackSerializer(serializers.ModelSerializer):
    topic_count = serializers.IntegerField(read_only=True)
    position = position_field()

    class Meta:
        model = Track
        fields = ["slug", "title", "position", "description", "topic_count"]


class TrackRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Track
        fields = ["slug", "title"]


class TopicSerializer(serializers.ModelSerializer):
    track = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    status = serializers.ChoiceField(
        source="learner_status",
        choices=TopicStatus.choices,
        read_only=True,
        allow_null=True,
        help_text="Your status on this topic; null when not signed in.",
    )
    retired_at = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text="When curators took the topic off the roadmap; null while it is on it. "
        "Learners keep their progress, notes and cards on a retired topic.",
    )

    class Meta:
        model = Topic
        fields = ["slug", "title", "summary", "track", "level", "hours", "status", "retired_at", "updated_at"]


class PrerequisiteEdgeSerializer(serializers.ModelSerializer):
    """An edge seen from the topic that needs it: which topic to learn first, and why."""

    topic = serializers.SlugRelatedField(source="from_topic", slug_field="slug", read_only=True)
    title = serializers.CharField(source="from_topic.title", read_only=True)

    class Meta:
        model = Prerequisite
        fields = ["id", "topic", "title", "kind", "reason"]


class DependentEdgeSerializer(serializers.ModelSerializer):
    """An edge seen from the prerequisite: which topic builds on this one."""

    topic = serializers.SlugRelatedField(source="to_topic", slug_field="slug", read_only=True)
    title = serializers.CharField(source="to_topic.title", read_only=True)

    class Meta:
        model = Prerequisite
        fields = ["id", "topic", "title", "kind", "reason"]


class TopicResourceSerializer(serializers.ModelSerializer):
    """A resource as one topic lists it: core or supplemental, and where to look."""

    id = serializers.IntegerField(source="resource.id", read_only=True)
    slug = serializers.CharField(source="resource.slug", read_only=True)
    title = serializers.CharField(source="resource.title", read_only=True)
    kind = serializers.ChoiceField(
        source="resource.kind", choices=ResourceKind.choices, read_only=True
    )
    access = serializers.ChoiceField(
        source="resource.access", choices=Access.choices, read_only=True
    )
    url = HttpURLField(source="resource.url", read_only=True, help_text="The link; empty when there is none.")
    position = position_field()
    health = serializers.ChoiceField(
        source="resource.health", choices=LinkHealth.choices, read_only=True
    )

    class Meta:
        model = TopicResource
        fields = [
            "id",
            "slug",
            "title",
            "kind",
            "access",
            "url",
            "health",
            "role",
            "locator",
            "position",
        ]


class TopicDetailSerializer(TopicSerializer):
    track = TrackRefSerializer(read_only=True)
    prerequisites = PrerequisiteEdgeSerializer(
        source="prerequisite_edges", many=True, read_only=True
    )
    dependents = DependentEdgeSerializer(source="dependent_edges", many=True, read_only=True)
    resources = TopicResourceSerializer(source="topic_resources", many=True, read_only=True)

    class Meta(TopicSerializer.Meta):
        fields = [*TopicSerializer.Meta.fields, "prerequisites", "dependents", "resources"]


class TopicWriteSerializer(serializers.Serializer):
    slug = serializers.SlugField(max_length=80)
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(max_length=SUMMARY_MAX_LENGTH, allow_blank=True, required=False)
    track = SlugReferenceField(queryset=Track.objects.all())
    level = serializers.ChoiceField(choices=Level.choices, required=False)
    hours = serializers.IntegerField(min_value=1, max_value=1000)
    retired = serializers.BooleanField(
        required=False,
        help_text="true takes the topic off the roadmap (learners keep what they have on it); "
        "false puts it back.",
    )


class PrerequisiteSerializer(serializers.ModelSerializer):
    from_topic = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    to_topic = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Prerequisite
        fields = ["id", "from_topic", "to_topic", "kind", "reason", "weight"]


class PrerequisiteWriteSerializer(serializers.Serializer):
    from_topic = SlugReferenceField(queryset=Topic.objects.all(), help_text="Learn this first.")
    to_topic = SlugReferenceField(queryset=Topic.objects.all(), help_text="The topic needing it.")
    kind = serializers.ChoiceField(choices=PrerequisiteKind.choices, required=False)
    reason = serializers.CharField(
        max_length=500, help_text="Why the prerequisite helps, in one sentence."
    )
    weight = serializers.FloatField(
        min_value=0, max_value=1, required=False, allow_null=True,
        help_text=(
            "How much studying to_topic exercises from_topic (0 to 1): the share of a review "
            "a successful review of to_topic credits from_topic's quiz cards with. Null: the default."
        ),
    )  # fmt: skip


class ResourceTopicSerializer(serializers.ModelSerializer):
    topic = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    position = position_field()

    class Meta:
        model = TopicResource
        fields = ["topic", "role", "locator", "position"]


class ResourceSerializer(serializers.ModelSerializer):
    topics = ResourceTopicSerializer(source="topic_resources", many=True, read_only=True)
    url = HttpURLField(read_only=True, help_text="The link; empty when there is none.")
    suggested_url = HttpURLField(
        read_only=True, help_text="Where `url` permanently redirects to, for a curator to adopt; empty otherwise."
    )

    class Meta:
        model = Resource
        fields = [
            "id",
            "slug",
            "title",
            "authors",
            "kind",
            "access",
            "url",
            "year",
            "health",
            "health_checked_at",
            "suggested_url",
            "topics",
        ]


class TopicLinkWriteSerializer(serializers.Serializer):
    topic = SlugReferenceField(queryset=Topic.objects.all())
    role = serializers.ChoiceField(choices=ResourceRole.choices, default=ResourceRole.CORE)
    locator = serializers.CharField(
        max_length=200, allow_blank=True, default="", help_text='e.g. "ch. 8"'
    )
    position = serializers.IntegerField(min_value=0, max_value=POSITION_MAX, default=0)

    def to_internal_value(self, data) -> TopicLink:
        values = super().to_internal_value(data)
        if "topic" not in values:  # a PATCH skips missing fields, but a link needs its topic
            required = self.fields["topic"].error_messages["required"]
            raise serializers.ValidationError({"topic": [required]})
        return TopicLink(**values)


class ResourceWriteSerializer(serializers.Serializer):
    slug = serializers.SlugField(max_length=100)
    title = serializers.CharField(max_length=300)
    authors = serializers.CharField(
        max_length=500, allow_blank=True, required=False, help_text="Comma-separated."
    )
    kind = serializers.ChoiceField(choices=ResourceKind.choices)
    access = serializers.ChoiceField(choices=Access.choices, required=False)
    url = HttpURLField(max_length=500, required=False, help_text="An absolute http(s) URL in ASCII; empty for none.")
    year = serializers.IntegerField(min_value=1600, max_value=2100, allow_null=True, required=False)
    topics = TopicLinkWriteSerializer(
        source="links",
        many=True,
        required=False,
        help_text="The topics this resource serves. On update, replaces all of them when given.",
    )
