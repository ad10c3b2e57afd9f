"""The signed-in user's own data: profile, progress, finished resources, activity, stats."""

from rest_framework import serializers

from api.fields import BoundedDateField, NumberField, TextField
from progress.models import (
    LearnerProfile,
    ResourceProgress,
    TopicProgress,
    TopicStatus,
    validate_time_zone,
)

NOTES_MAX_LENGTH = TopicProgress._meta.get_field("notes").max_length


class MeSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    roles = serializers.SlugRelatedField(
        source="user.groups",
        slug_field="name",
        many=True,
        read_only=True,
        help_text="learner, mentor and/or curator.",
    )

    class Meta:
        model = LearnerProfile
        fields = [
            "username",
            "email",
            "roles",
            "time_zone",
            "hours_per_week",
            "new_cards_per_day",
            "reviews_per_day",
            "desired_retention",
            "reminder_hour",
        ]
        read_only_fields = fields


def me_body(profile: LearnerProfile) -> dict:
    """``GET /me/`` as ``MeSerializer`` writes it, from the profile (with ``profile.user``).

    The serializer's fields, rebuilt for each request, and the roles read as model
    instances were two thirds of this read's own CPU time (cProfile); the roles are now
    read as names only. tests/api/test_me.py holds the two equal, key order included.
    """
    user = profile.user
    return {
        "username": user.username,
        "email": user.email,
        "roles": list(user.groups.values_list("name", flat=True)),
        "time_zone": profile.time_zone,
        "hours_per_week": profile.hours_per_week,
        "new_cards_per_day": profile.new_cards_per_day,
        "reviews_per_day": profile.reviews_per_day,
        "desired_retention": profile.desired_retention,
        "reminder_hour": profile.reminder_hour,
    }


class MeUpdateSerializer(serializers.Serializer):
    """Every field is optional: send only what changes."""

    email = serializers.EmailField(max_length=254, required=False)
    time_zone = serializers.CharField(
        max_length=64,
        required=False,
        validators=[validate_time_zone],
        help_text="An IANA name, e.g. Europe/Berlin.",
    )
    hours_per_week = NumberField(min_value=0.5, max_value=80, required=False)
    new_cards_per_day = serializers.IntegerField(min_value=0, max_value=500, required=False)
    reviews_per_day = serializers.IntegerField(min_value=0, max_value=5000, required=False)
    desired_retention = NumberField(min_value=0.7, max_value=0.97, required=False)
    reminder_hour = serializers.IntegerField(
        min_value=0,
        max_value=23,
        allow_null=True,
        required=False,
        help_text="Local hour for the daily review reminder; null for none.",
    )


class TopicProgressSerializer(serializers.ModelSerializer):
    mastery = serializers.FloatField(
        read_only=True, allow_null=True,
        help_text="Deprecated: retention × coverage (as of last night), which mixes the two; read them apart.",
    )  # fmt: skip
    topic = serializers.CharField(source="topic.slug", read_only=True)
    title = serializers.CharField(source="topic.title", read_only=True)
    track = serializers.CharField(source="topic.track.slug", read_only=True)
    retired = serializers.BooleanField(
        source="topic.is_retired",
        read_only=True,
        help_text="The topic is no longer on the roadmap; your progress and notes stay.",
    )

    class Meta:
        model = TopicProgress
        fields = [
            "topic",
            "title",
            "track",
            "retired",
            "status",
            "started_at",
            "completed_at",
            "notes",
            "mastery",
            "coverage",
            "retention",
            "needs_review",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "updated_at": {"allow_null": True},
            "coverage": {"help_text": "Share of the topic's cards you have studied (as of last night)."},
            "retention": {
                "help_text": "Mean predicted recall of the cards you have studied (as of last night); "
                "null until you have studied one."
            },
            "needs_review": {
                "help_text": "Done or skipped, and retention below your desired retention (as of last night)."
            },
        }


#: What ``progress_row`` reads of a ``TopicProgress`` row, through ``QuerySet.values()``.
PROGRESS_COLUMNS = (
    "topic__slug", "topic__title", "topic__track__slug", "topic__retired_at", "status", "started_at",
    "completed_at", "notes", "retention", "coverage", "needs_review", "updated_at",
)  # fmt: skip


def progress_row(row: dict) -> dict:
    """One row of ``GET /me/progress/`` as ``TopicProgressSerializer`` writes it, from
    ``PROGRESS_COLUMNS`` (datetimes are written by the renderer, as DRF writes them).

    Serialising model instances field by field was most of the list's own CPU time
    (cProfile); tests/api/test_me.py holds the two equal, key order included.
    """
    return {
        "topic": row["topic__slug"],
        "title": row["topic__title"],
        "track": row["topic__track__slug"],
        "retired": row["topic__retired_at"] is not None,
        "status": row["status"],
        "started_at": row["started_at"],
        "completed_at": row["completed_at"],
        "notes": row["notes"],
        "mastery": TopicProgress.mastery_of(row["retention"], row["coverage"]),
        "coverage": row["coverage"],
        "retention": row["retention"],
        "needs_review": row["needs_review"],
        "updated_at": row["updated_at"],
    }


class ProgressUpdateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=TopicStatus.choices)
    notes = TextField(
        max_length=NOTES_MAX_LENGTH,
        allow_blank=True,
        required=False,
        help_text="Your private notes; left as they are when omitted.",
    )


class ResourceDoneSerializer(serializers.ModelSerializer):
    resource = serializers.IntegerField(source="resource.id", read_only=True)
    slug = serializers.CharField(source="resource.slug", read_only=True)
    title = serializers.CharField(source="resource.title", read_only=True)

    class Meta:
        model = ResourceProgress
        fields = ["resource", "slug", "title", "done_at"]
        read_only_fields = fields


class ActivityRangeSerializer(serializers.Serializer):
    """``?from=`` and ``?to=`` (``from`` is a Python keyword, hence ``get_fields``)."""

    def get_fields(self):
        return {
            "from": BoundedDateField(
                required=False, help_text="First day (YYYY-MM-DD), your time zone."
            ),
            "to": BoundedDateField(
                required=False, help_text="Last day (YYYY-MM-DD); at most 366 days in all."
            ),
        }


class ActivityDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    count = serializers.IntegerField()


class ActivityCalendarSerializer(serializers.Serializer):
    def get_fields(self):
        return {
            "from": serializers.DateField(),
            "to": serializers.DateField(),
            "time_zone": serializers.CharField(),
            "days": ActivityDaySerializer(many=True),
        }


class TrackStatsSerializer(serializers.Serializer):
    track = serializers.CharField()
    title = serializers.CharField()
    done = serializers.IntegerField(help_text="Topics done or skipped.")
    total = serializers.IntegerField()
    cards = serializers.IntegerField(help_text="Your active quiz cards on the track's topics.")
    studied = serializers.IntegerField(help_text="Cards you have reviewed at least once.")
    coverage = serializers.FloatField(help_text="studied / cards (0 without cards).")
    retention = serializers.FloatField(
        allow_null=True,
        help_text=(
            "Mean predicted recall, now, of the studied cards; null until one is studied. "
            "Cards waiting behind the daily limit lower coverage, never retention."
        ),
    )
    needs_review = serializers.IntegerField(
        help_text="Topics done or skipped whose retention is below your desired retention."
    )


class StreakSerializer(serializers.Serializer):
    current = serializers.IntegerField()
    longest = serializers.IntegerField()


class HoursSerializer(serializers.Serializer):
    done = serializers.IntegerField()
    remaining = serializers.IntegerField()


class StatsSerializer(serializers.Serializer):
    tracks = TrackStatsSerializer(many=True)
    streak = StreakSerializer()
    hours = HoursSerializer()
