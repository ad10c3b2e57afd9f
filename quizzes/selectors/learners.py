"""Which learners the background jobs visit: reminders due this hour, mastery, parameter fits."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db.models import Count, Q, QuerySet

from progress.models import LearnerProfile, TopicProgress, User
from quizzes.models import Reminder, ReviewLog


def unseen_reminders(learner: User) -> QuerySet[Reminder]:
    """The learner's in-app review notices not yet seen, newest first."""
    return Reminder.objects.filter(learner=learner, seen_at=None).exclude(sent_at=None).order_by("-local_date")


def learners_due_reminder(*, now: datetime) -> list[int]:
    """Ids of active learners whose local reminder hour is the hour of ``now``."""
    zones_by_hour: dict[int, list[str]] = defaultdict(list)
    names = LearnerProfile.objects.filter(reminder_hour__isnull=False).values_list(
        "time_zone", flat=True
    )
    for name in names.distinct().order_by():
        try:
            zones_by_hour[now.astimezone(ZoneInfo(name)).hour].append(name)
        except (ZoneInfoNotFoundError, ValueError):
            continue  # the model validates zones; a bad one means no reminder, not an error
    if not zones_by_hour:
        return []
    match = Q()
    for hour, zones in zones_by_hour.items():
        match |= Q(reminder_hour=hour, time_zone__in=zones)
    return list(
        LearnerProfile.objects.filter(match, user__is_active=True)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )


def learners_with_progress() -> list[int]:
    """Ids of learners with any topic progress (whose mastery the nightly refresh keeps)."""
    return list(
        TopicProgress.objects.order_by("learner_id").values_list("learner_id", flat=True).distinct()
    )


def learners_with_reviews(*, at_least: int) -> list[int]:
    """Ids of learners with at least ``at_least`` reviews in their log."""
    return list(
        ReviewLog.objects.order_by()
        .values("learner_id")
        .annotate(n=Count("id"))
        .filter(n__gte=at_least)
        .order_by("learner_id")
        .values_list("learner_id", flat=True)
    )
