"""Reads about learners: progress, activity calendar, streaks, stats, who may see whom."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate

from progress.models import KNOWN_STATUSES, Activity, Cohort, LearnerProfile, TopicProgress, TopicStatus, User
from roadmap.models import Topic, Track


def profile_for(user: User) -> LearnerProfile:
    profile = getattr(user, "_profile_cache", None)
    if profile is None:
        profile, _ = LearnerProfile.objects.get_or_create(user=user)
        user._profile_cache = profile
    return profile


def learner_progress(*, learner: User) -> QuerySet[TopicProgress]:
    return TopicProgress.objects.filter(learner=learner).select_related("topic", "topic__track").order_by(
        "topic__track__position", "topic__slug"
    )


def known_topic_slugs(*, learner: User, include_needs_review: bool = True) -> set[str]:
    """Topics the learner counts as known: done or skipped (optionally not those flagged for review)."""
    rows = TopicProgress.objects.filter(learner=learner, status__in=KNOWN_STATUSES)
    if not include_needs_review:
        rows = rows.filter(needs_review=False)
    return set(rows.values_list("topic__slug", flat=True))


def status_by_topic(*, learner: User | None) -> dict[int, str]:
    if learner is None or not learner.is_authenticated:
        return {}
    return dict(TopicProgress.objects.filter(learner=learner).values_list("topic_id", "status"))


def activity_per_day(*, learner: User, start: date, end: date) -> list[dict]:
    """Activity counts per local day (the learner's time zone), every day in [start, end]."""
    zone = profile_for(learner).zone
    rows = (
        Activity.objects.filter(learner=learner)
        .annotate(day=TruncDate("occurred_at", tzinfo=zone))
        .filter(day__gte=start, day__lte=end)
        .values("day")
        .annotate(count=Count("id"))
    )
    counts = {row["day"]: row["count"] for row in rows}
    return [
        {"date": start + timedelta(days=offset), "count": counts.get(start + timedelta(days=offset), 0)}
        for offset in range((end - start).days + 1)
    ]


@dataclass(frozen=True)
class Streak:
    current: int
    longest: int


def streak(*, learner: User, today: date) -> Streak:
    """Consecutive local days with activity. Today without activity yet does not break it."""
    zone = profile_for(learner).zone
    days = sorted(
        set(
            Activity.objects.filter(learner=learner)
            .annotate(day=TruncDate("occurred_at", tzinfo=zone))
            .values_list("day", flat=True)
        )
    )
    return streak_from_days(days, today)


def streak_from_days(days: list[date], today: date) -> Streak:
    """Current and longest runs of consecutive days.

    >>> from datetime import date
    >>> d = lambda n: date(2026, 11, n)
    >>> streak_from_days([d(1), d(2), d(3), d(10), d(11)], today=d(12))
    Streak(current=2, longest=3)
    >>> streak_from_days([d(1), d(2)], today=d(4))
    Streak(current=0, longest=2)
    """
    longest = run = 0
    previous = None
    for day in days:
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        longest = max(longest, run)
        previous = day
    current = run if previous is not None and (today - previous).days <= 1 else 0
    return Streak(current=current, longest=longest)


def learner_stats(*, learner: User, today: date) -> dict:
    """Topics done per track, streaks, and hours done and remaining on the whole roadmap."""
    known = Q(topics__progress__learner=learner, topics__progress__status__in=KNOWN_STATUSES)
    tracks = Track.objects.order_by("position").annotate(
        total=Count("topics", distinct=True),
        done=Count("topics", filter=known, distinct=True),
    )
    hours = Topic.objects.aggregate(
        total=Sum("hours"),
        done=Sum("hours", filter=Q(progress__learner=learner, progress__status=TopicStatus.DONE)),
        skipped=Sum("hours", filter=Q(progress__learner=learner, progress__status=TopicStatus.SKIPPED)),
    )
    total, done, skipped = hours["total"] or 0, hours["done"] or 0, hours["skipped"] or 0
    current = streak(learner=learner, today=today)
    return {
        "tracks": [{"track": t.slug, "title": t.title, "done": t.done, "total": t.total} for t in tracks],
        "streak": {"current": current.current, "longest": current.longest},
        "hours": {"done": done, "remaining": max(total - done - skipped, 0)},
    }


def cohorts_for_mentor(*, mentor: User) -> QuerySet[Cohort]:
    return Cohort.objects.filter(mentors=mentor)


def mentor_can_see(*, mentor: User, learner: User) -> bool:
    return Cohort.objects.filter(mentors=mentor, learners=learner).exists()
