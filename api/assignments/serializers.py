"""Assignments and a cohort's progress towards them."""

from rest_framework import serializers

from api.fields import BoundedDateField
from progress.assignments import NOTE_MAX_LENGTH
from progress.deadlines import BEHIND, DONE, ON_TRACK
from progress.models import Assignment, Cohort
from progress.planning import MAX_GOALS
from roadmap.models import Topic

OUTLOOKS = [(DONE, "Done"), (ON_TRACK, "On track"), (BEHIND, "Behind")]


class AssignmentWriteSerializer(serializers.Serializer):
    learner = serializers.CharField(
        max_length=150, required=False, help_text="Username of a learner in a cohort you mentor."
    )
    cohort = serializers.IntegerField(
        required=False, help_text="Id of a cohort you mentor (instead of `learner`)."
    )
    goals = serializers.ListField(
        child=serializers.CharField(max_length=100), allow_empty=False, max_length=MAX_GOALS,
        help_text=(
            "Topic or track slugs; a track is stored as its topics that nothing else in the "
            "track builds on."
        ),
    )  # fmt: skip
    due_date = BoundedDateField(help_text="Today or later.")
    note = serializers.CharField(max_length=NOTE_MAX_LENGTH, allow_blank=True, default="")

    def validate(self, data):
        if ("learner" in data) == ("cohort" in data):
            raise serializers.ValidationError(
                "Give either `learner` or `cohort`, not both or neither."
            )
        return data


class GoalSerializer(serializers.ModelSerializer):
    topic = serializers.CharField(source="slug")
    track = serializers.CharField(source="track.slug")

    class Meta:
        model = Topic
        fields = ["topic", "title", "track"]


class CohortRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Cohort
        fields = ["id", "name"]


class AssigneeProgressSerializer(serializers.Serializer):
    learner = serializers.CharField(help_text="Whose progress this is.")
    remaining_goals = serializers.ListField(
        child=serializers.CharField(), help_text="Goals not known yet."
    )
    remaining_hours = serializers.IntegerField(help_text="Whole hours left, review steps included.")
    remaining_topics = serializers.IntegerField(help_text="Topics still to study.")
    reviews = serializers.ListField(
        child=serializers.CharField(),
        help_text="Known topics on the way whose memory has faded: review steps of the path.",
    )
    finish_date = serializers.DateField(
        allow_null=True,
        help_text="Projected at their weekly hours, assignments due earlier first; null when done.",
    )
    outlook = serializers.ChoiceField(
        choices=OUTLOOKS, help_text="done, or whether the projected finish is by the due date."
    )
    ready_now = serializers.ListField(
        child=serializers.CharField(), help_text="Topics of the path startable today."
    )


class AssignmentSerializer(serializers.ModelSerializer):
    learner = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True,
        help_text="The learner's username, for a one-learner assignment; null for a cohort's.",
    )  # fmt: skip
    cohort = CohortRefSerializer(read_only=True, allow_null=True, help_text="The cohort, or null.")
    goals = GoalSerializer(many=True, read_only=True)
    created_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, help_text="Username of who set it."
    )
    updated = serializers.BooleanField(
        source="roadmap_changed", read_only=True,
        help_text="The roadmap changed since the goals were set: the path may differ from then.",
    )  # fmt: skip
    progress = AssigneeProgressSerializer(
        read_only=True, allow_null=True,
        help_text=(
            "The remaining path of the assignee: the learner of a one-learner assignment, "
            "or you when you are in the assigned cohort; null otherwise "
            "(see /cohorts/{id}/progress/)."
        ),
    )  # fmt: skip

    class Meta:
        model = Assignment
        fields = [
            "id", "learner", "cohort", "goals", "due_date", "note", "created_by", "created_at",
            "graph_version", "updated", "progress",
        ]  # fmt: skip
        read_only_fields = fields


class LearnerAssignmentSerializer(serializers.Serializer):
    assignment = serializers.IntegerField()
    due_date = serializers.DateField()
    remaining_hours = serializers.IntegerField(help_text="Whole hours left, review steps included.")
    finish_date = serializers.DateField(allow_null=True)
    outlook = serializers.ChoiceField(choices=OUTLOOKS)


class CohortLearnerProgressSerializer(serializers.Serializer):
    learner = serializers.CharField()
    hours_per_week = serializers.FloatField()
    remaining_hours = serializers.IntegerField(
        help_text="Whole hours to all their assignments' goals together, review steps included."
    )
    remaining_topics = serializers.IntegerField(help_text="Topics still to study.")
    reviews = serializers.ListField(
        child=serializers.CharField(),
        help_text="Known topics on the way whose memory has faded: review steps of their path.",
    )
    finish_date = serializers.DateField(allow_null=True)
    outlook = serializers.ChoiceField(
        choices=OUTLOOKS, allow_null=True,
        help_text="behind if any assignment is, done if all are, null without assignments.",
    )  # fmt: skip
    blocked_by = serializers.ListField(
        child=serializers.CharField(),
        help_text="Topics they can start now that something else on their path needs.",
    )
    assignments = LearnerAssignmentSerializer(many=True)


class CohortAssignmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    goals = serializers.ListField(child=serializers.CharField())
    due_date = serializers.DateField()
    note = serializers.CharField(allow_blank=True)
    updated = serializers.BooleanField(source="roadmap_changed")


class BlockingTopicSerializer(serializers.Serializer):
    topic = serializers.CharField()
    title = serializers.CharField()
    track = serializers.CharField()
    hours = serializers.IntegerField()
    learner_count = serializers.IntegerField()
    learners = serializers.ListField(child=serializers.CharField())


class CohortProgressSerializer(serializers.Serializer):
    cohort = CohortRefSerializer()
    graph_version = serializers.IntegerField()
    today = serializers.DateField()
    assignments = CohortAssignmentSerializer(many=True, help_text="The cohort's own assignments.")
    learners = CohortLearnerProgressSerializer(many=True)
    blocking = BlockingTopicSerializer(
        many=True, help_text="Blocking prerequisites, the one holding up the most learners first."
    )
