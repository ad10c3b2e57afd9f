"""Learning paths: what to ask for, and the path that comes back."""

from rest_framework import serializers

from api.fields import BoundedDateField, ChoiceListField, HttpURLField, NumberField
from progress.planning import MAX_GOALS, MAX_KNOWN
from roadmap.models import Access, Level, LinkHealth, ResourceKind, ResourceRole

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
            "Study your known topics whose quizzes say they need review again in full, instead "
            "of as short review steps (ignored with `known`)."
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
    preferred_access = ChoiceListField(
        choices=Access.choices, required=False,
        help_text="Access to prefer for the resource to start each topic with, best first.",
    )  # fmt: skip
    preferred_kinds = ChoiceListField(
        choices=ResourceKind.choices, required=False,
        help_text="Resource kinds to prefer for the resource to start each topic with, best first.",
    )  # fmt: skip



class PathResourceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=ResourceKind.choices)
    access = serializers.ChoiceField(choices=Access.choices)
    url = HttpURLField(help_text="The link; empty when there is none.")
    health = serializers.ChoiceField(choices=LinkHealth.choices, help_text="Link health, checked nightly.")
    role = serializers.ChoiceField(choices=ResourceRole.choices, help_text="Its role for this step's topic.")
    locator = serializers.CharField(allow_blank=True, help_text='Where to look, e.g. "ch. 8".')


class ReviewStepSerializer(serializers.Serializer):
    retention = serializers.FloatField(
        help_text="Mean predicted recall now of the topic's studied cards (0 to 1)."
    )
    due_cards = serializers.IntegerField(help_text="Its studied cards due now.")


class PathStepSerializer(serializers.Serializer):
    topic = serializers.CharField()
    kind = serializers.ChoiceField(
        choices=["study", "review"],
        help_text=(
            "study: learn the topic (its full hours). review: a topic you know whose memory has "
            "faded below your desired retention, placed before the first step that builds on it; "
            "its hours are the time its due cards take."
        ),
    )
    title = serializers.CharField()
    hours = serializers.IntegerField(help_text="The topic's study hours; 0 for a review step (see minutes).")
    minutes = serializers.IntegerField(
        help_text="The step's time in minutes: its study hours, or for a review step the time its due cards take."
    )
    why = serializers.CharField(
        help_text=(
            'Why this step is here, e.g. "Needed for Transformers via Attention", or for a review '
            'step "Attention has faded to 62 %; Transformers builds on it".'
        )
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
    review = ReviewStepSerializer(allow_null=True, help_text="For a review step; null otherwise.")


class PathSerializer(serializers.Serializer):
    goals = serializers.ListField(
        child=serializers.CharField(), help_text="The goal topics (tracks expanded)."
    )
    steps = PathStepSerializer(many=True)
    total_hours = serializers.IntegerField(help_text="Whole hours of all the steps, review steps included.")
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


_PATH_FIELDS = tuple(PathSerializer().fields)
_STEP_FIELDS = tuple(PathStepSerializer().fields)


def path_body(path: dict) -> dict:
    """``path`` as ``PathSerializer(path).data`` would write it, without running the serializer.

    ``progress.planning.path_for`` already returns plain JSON values in the serializer's
    shapes, so only the order of the keys is set here. Running the serializer field by
    field over every step and resource took about a quarter of ``POST /paths/``'s time
    (cProfile, a 55-step path). ``PathSerializer`` still documents the response, and
    tests/api/test_paths_api.py holds the two equal, key order included.
    """
    body = {key: path[key] for key in _PATH_FIELDS}
    body["steps"] = [{key: step[key] for key in _STEP_FIELDS} for step in path["steps"]]
    return body


class ReadyTopicSerializer(serializers.Serializer):
    topic = serializers.CharField()
    title = serializers.CharField()
    track = serializers.CharField()
    level = serializers.ChoiceField(choices=Level.choices)
    hours = serializers.IntegerField()
