from rest_framework import serializers

from api.me.serializers import TopicProgressSerializer
from progress.models import Cohort, User


class CohortSerializer(serializers.ModelSerializer):
    role = serializers.SerializerMethodField(
        help_text="Whether you mentor this cohort or learn in it."
    )
    mentors = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)
    learner_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Cohort
        fields = ["id", "name", "role", "mentors", "learner_count", "created_at"]

    def get_role(self, cohort) -> str:
        return "mentor" if cohort.is_mentor else "learner"


class CohortMemberSerializer(serializers.ModelSerializer):
    topics_done = serializers.IntegerField(read_only=True)
    topics_in_progress = serializers.IntegerField(read_only=True)
    last_active_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = User
        fields = ["username", "topics_done", "topics_in_progress", "last_active_at"]


class MemberTopicProgressSerializer(TopicProgressSerializer):
    """A learner's progress as their mentor sees it: without their private notes."""

    class Meta(TopicProgressSerializer.Meta):
        fields = [name for name in TopicProgressSerializer.Meta.fields if name != "notes"]
        read_only_fields = fields
