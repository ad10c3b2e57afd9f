"""Learning paths: what to ask for, and the path that comes back."""

from rest_framework import serializers

from api.fields import BoundedDateField, NumberField
from progress.planning import MAX_GOALS, MAX_KNOWN
from roadmap.models import Access, ResourceKind

HOURS_IN_A_WEEK = 168
# Less than half an hour a week plans a path decades long, past the last date there is.
MIN_HOURS_PER_WEEK = 0.5


class PathRequestSerializer(serializers.Serializer):
    goals = serializers.ListField(
        child=serializers.CharField(max_length=100), allow_empty=False, max_length=MAX_GOALS,
        help_text=(
            "Topic or track slugs. A track stands for its topics that no other topic of the track "
            "builds on, so the path covers the whole track; `track:<slug>` names a track whose "
            "slug is also a topic's."
        ),
    )  # fmt: skip
    known = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, max_length=MAX_KNOWN,
        help_text=(
            "Topic slugs you already know. Defaults to your done and skipped topics; "
            "required when anonymous."
        ),
    )  # fmt: skip
    include_recommended = serializers.BooleanField(
        default=False, help_text="Follow recommended prerequisites too, not only required ones."
    )
    assume_known_prerequisites = serializers.BooleanField(
        default=True, help_text="Count the prerequisites of topics you know as known too."
    )
    needs_review_as_unknown = serializers.BooleanField(
        default=False,
        help_text=(
            "Treat your topics whose quizzes say they need review as not known "
            "(ignored with `known`)."
        ),
    )
    hours_per_week = NumberField(
        required=False,
        min_value=MIN_HOURS_PER_WEEK,
        max_value=HOURS_IN_A_WEEK,
        help_text=(
            f"Study hours a week, {MIN_HOURS_PER_WEEK} to {HOURS_IN_A_WEEK}. "
            "Defaults to your profile's (5 when anonymous)."
        ),
    )
    start_date = BoundedDateField(
        required=False, help_text="The day you start. Defaults to today (in your time zone)."
    )
    # Plain strings checked below: ChoiceFields would give the Access and ResourceKind
    # choice sets a second name in the OpenAPI schema.
    preferred_access = serializers.ListField(
        child=serializers.CharField(max_length=20), required=False, max_length=len(Access.choices),
        help_text=(
            "Access to prefer for the resource to start each topic with, best first: "
            + ", ".join(Access.values) + "."
        ),
    )  # fmt: skip
    preferred_kinds = serializers.ListField(
        child=serializers.CharField(max_length=20),
        required=False,
        max_length=len(ResourceKind.choices),
        help_text=(
            "Resource kinds to prefer for the resource to start each topic with, best first: "
            + ", ".join(ResourceKind.values) + "."
        ),
    )  # fmt: skip

    def validate_preferred_access(self, value: list[str]) -> list[str]:
        return _only(value, Access.values)

    def validate_preferred_kinds(self, value: list[str]) -> list[str]:
        return _only(value, ResourceKind.values)


def _only(values: list[str], allowed: list[str]) -> list[str]:
    wrong = [v for v in values if v not in allowed]
    if wrong:
        raise serializers.ValidationError(
            f"unknown value(s) {', '.join(map(repr, wrong))}; use {', '.join(allowed)}"
        )
    return values


class PathResourceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()
    kind = serializers.CharField(help_text="book, course, video, paper, ...")
    access = serializers.CharField(help_text="free, signup or paid.")
    url = serializers.CharField(allow_blank=True)
    health = serializers.CharField(help_text="Link health: ok, redirected, broken, ...")
    role = serializers.CharField(help_text="core or supplemental.")
    locator = serializers.CharField(allow_blank=True, help_text='Where to look, e.g. "ch. 8".')


class PathStepSerializer(serializers.Serializer):
    topic = serializers.CharField()
    title = serializers.CharField()
    hours = serializers.IntegerField()
    why = serializers.CharField(
        help_text='Why this step is here, e.g. "Needed for Transformers via Attention".'
    )
    needed_for = serializers.ListField(
        child=serializers.CharField(), help_text="The goals this step leads to."
    )
    chain = serializers.ListField(
        child=serializers.CharField(),
        help_text="A shortest chain of topics from this step to a goal.",
    )
    resource = PathResourceSerializer(allow_null=True, help_text="The resource to start with.")
    resources = PathResourceSerializer(many=True, help_text="All resources, core first.")
    week = serializers.IntegerField(help_text="The week (from 1) the step starts in.")
    start = serializers.DateField()
    end = serializers.DateField()


class PathSerializer(serializers.Serializer):
    goals = serializers.ListField(
        child=serializers.CharField(), help_text="The goal topics (tracks expanded)."
    )
    steps = PathStepSerializer(many=True)
    total_hours = serializers.IntegerField()
    finish_date = serializers.DateField(
        allow_null=True, help_text="The day the last hours run out."
    )
    ready_now = serializers.ListField(
        child=serializers.CharField(), help_text="Steps you can start today."
    )
    graph_version = serializers.IntegerField(
        help_text="The roadmap version the path was computed on."
    )
    hours_per_week = serializers.FloatField()
    start_date = serializers.DateField()


class ReadyTopicSerializer(serializers.Serializer):
    topic = serializers.CharField()
    title = serializers.CharField()
    track = serializers.CharField()
    level = serializers.CharField()
    hours = serializers.IntegerField()
