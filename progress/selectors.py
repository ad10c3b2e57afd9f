"""Reads about learners: progress, activity calendar, streaks, stats, who may see whom."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import CharField, Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from progress.memory import memory_for
from progress.models import (
    KNOWN_STATUSES,
    Activity,
    Cohort,
    ResourceProgress,
    TopicProgress,
    TopicStatus,
    User,
)
from progress.profiles import profile_for
from roadmap.models import GraphVersion, Topic, Track
from roadmap.selectors import graph_version, roadmap_graph, topic_detail


def learner_progress(*, learner: User) -> QuerySet[TopicProgress]:
    return (
        TopicProgress.objects.filter(learner=learner)
        .select_related("topic", "topic__track")
        .order_by("topic__track__position", "topic__slug")
    )


def known_topic_slugs(*, learner: User) -> set[str]:
    """Topics the learner counts as known: done or skipped (whether they need review is
    ``progress.memory``'s to say)."""
    rows = TopicProgress.objects.filter(learner=learner, status__in=KNOWN_STATUSES)
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


def learner_stats(*, learner: User, today: date, now: datetime | None = None) -> dict:
    """Topics done per track, streaks, hours done and remaining on the whole roadmap, and per
    track the memory of the learner's cards (``progress.memory``): how many cards, how many
    studied (``coverage``), their mean recall now (``retention``, None until one is studied)
    and how many topics need review.

    Only the learner's own progress rows count. The roadmap's totals come from the topics
    alone and the learner's figures from their rows alone: one aggregate over a join of
    topics to everyone's progress would count each topic once per learner who touched it.
    Retired topics are off the roadmap's totals; hours done still count them.
    """
    live = Q(topics__retired_at=None)
    tracks = list(
        Track.objects.order_by("position").annotate(
            total=Count("topics", filter=live), hours=Coalesce(Sum("topics__hours", filter=live), 0)
        )
    )
    mine = (
        TopicProgress.objects.filter(learner=learner, status__in=KNOWN_STATUSES)
        .order_by()
        .values_list("topic__track", "status", "topic__retired_at")
        .annotate(n=Count("id"), hours=Sum("topic__hours"))
    )
    known_per_track: dict[int, int] = {}
    done = known_hours = 0
    for track_id, status, retired_at, count, status_hours in mine:
        if status == TopicStatus.DONE:
            done += status_hours
        if retired_at is None:
            known_per_track[track_id] = known_per_track.get(track_id, 0) + count
            known_hours += status_hours
    total = sum(track.hours for track in tracks)
    current = streak(learner=learner, today=today)
    memory = memory_by_track(learner=learner, now=now or timezone.now())
    return {
        "tracks": [
            {
                "track": t.slug, "title": t.title, "done": known_per_track.get(t.pk, 0), "total": t.total,
                **memory[t.slug],
            }  # fmt: skip
            for t in tracks
        ],
        "streak": {"current": current.current, "longest": current.longest},
        "hours": {"done": done, "remaining": max(total - known_hours, 0)},
    }


def memory_by_track(*, learner: User, now: datetime) -> dict[str, dict]:
    """Per track slug: ``cards``, ``studied``, ``coverage``, ``retention`` and
    ``needs_review`` (topics), summed over the learner's topics with cards.

    Retention is the mean over every studied card of the track, so a topic counts by its
    number of studied cards. Tracks without cards get zeros and a None retention.
    """
    topics = memory_for(learner_id=learner.pk, now=now, known_only=False)
    totals: dict[str, dict] = defaultdict(
        lambda: {"cards": 0, "studied": 0, "recall": 0.0, "needs_review": 0}
    )
    for memory in topics.values():
        total = totals[memory.track]
        total["cards"] += memory.cards
        total["studied"] += memory.studied
        total["recall"] += (memory.retention or 0.0) * memory.studied
        total["needs_review"] += memory.needs_review
    result: dict[str, dict] = defaultdict(
        lambda: {"cards": 0, "studied": 0, "coverage": 0.0, "retention": None, "needs_review": 0}
    )
    for track, total in totals.items():
        studied = total["studied"]
        result[track] = {
            "cards": total["cards"],
            "studied": studied,
            "coverage": studied / total["cards"] if total["cards"] else 0.0,
            "retention": total["recall"] / studied if studied else None,
            "needs_review": total["needs_review"],
        }
    return result


def cohorts_for_mentor(*, mentor: User) -> QuerySet[Cohort]:
    return Cohort.objects.filter(mentors=mentor)


def mentor_can_see(*, mentor: User, learner: User) -> bool:
    return Cohort.objects.filter(mentors=mentor, learners=learner).exists()


# --- Reads for the web pages: the topic page, the dashboard and the mentor pages ----------


@dataclass(frozen=True)
class TopicTracking:
    """What one learner has recorded about one topic, as the topic page shows it."""

    status: str
    notes: str
    done_resource_ids: frozenset[int]


def topic_tracking(*, learner: User, topic: Topic) -> TopicTracking:
    """The learner's status, private notes and finished resources for ``topic`` (two queries)."""
    progress = topic_progress_for(learner=learner, topic=topic)
    done = ResourceProgress.objects.filter(learner=learner, resource__topic_resources__topic=topic)
    return TopicTracking(
        status=progress.status,
        notes=progress.notes,
        done_resource_ids=frozenset(done.values_list("resource_id", flat=True)),
    )


def topics_in_progress(*, learner: User) -> QuerySet[TopicProgress]:
    return learner_progress(learner=learner).filter(status=TopicStatus.IN_PROGRESS)


def tracks_with_status(*, learner: User | None) -> list[Track]:
    """Every track with its topics (as ``topics_with_status`` annotates them, but with
    ``learner_status`` a ``TopicStatus``, so pages can show its label) in two queries, plus
    the graph version. A track's topics come by depth in the graph, then title, as ``topics``.
    """
    graph, _ = roadmap_graph()
    nodes = graph.nodes
    tracks = list(Track.objects.prefetch_related(Prefetch("topics", queryset=topics_with_status(learner=learner))))
    for track in tracks:
        track.ordered_topics = sorted(
            track.topics.all(),
            key=lambda t: (nodes[t.slug]["depth"] if t.slug in nodes else 0, t.title.casefold()),
        )
        for topic in track.ordered_topics:
            status = topic.learner_status
            topic.learner_status = TopicStatus(status) if status else None
    return tracks


# --- Reads for the REST API (api/) ------------------------------------------------------------


def roadmap_version_and_stamp(*, learner: User | None = None) -> tuple[int, str]:
    """The graph version and a stamp of what a roadmap read depends on, in one query: the
    version and, for a signed-in learner, their progress (row count, last change).

    Every status or notes change saves its row (``updated_at`` moves) and rows are only
    removed with their topic (which moves the graph version), so the stamp changes
    whenever a learner's view of the roadmap does. HTTP ETags are built from it.
    """
    if learner is None or not learner.is_authenticated:
        version = graph_version()
        return version, f"v{version}"
    # In SQL of our own: it runs on every signed-in topic read, and the ORM took several
    # times longer to build it than the database to answer it.
    progress = TopicProgress._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT version FROM {GraphVersion._meta.db_table} WHERE id = 1), "  # noqa: S608
            f"(SELECT COUNT(*) FROM {progress} WHERE learner_id = %s), "
            f"(SELECT MAX(updated_at) FROM {progress} WHERE learner_id = %s)",
            [learner.pk, learner.pk],
        )
        version, count, last = cursor.fetchone()
    version = version or 0  # no version row until the first edit
    return version, f"v{version}:p{count}:{last or '-'}"


def topics_with_status(*, learner: User | None) -> QuerySet[Topic]:
    """The roadmap's (not retired) topics with their track and ``learner_status``: the
    learner's status (``not_started`` without a row), or None for an anonymous caller."""
    topics = Topic.objects.live().select_related("track")
    if learner is None or not learner.is_authenticated:
        return topics.annotate(learner_status=Value(None, output_field=CharField()))
    status = TopicProgress.objects.filter(learner=learner, topic=OuterRef("pk")).values("status")
    return topics.annotate(
        learner_status=Coalesce(Subquery(status[:1]), Value(TopicStatus.NOT_STARTED), output_field=CharField())
    )


def topic_status(*, learner: User | None, topic: Topic) -> str | None:
    """One learner's status on one topic; None for an anonymous caller."""
    if learner is None or not learner.is_authenticated:
        return None
    rows = TopicProgress.objects.filter(learner=learner, topic=topic)
    return rows.values_list("status", flat=True).first() or TopicStatus.NOT_STARTED


def statuses_by_slug(*, learner: User) -> dict[str, str]:
    """The learner's status on each topic they have a row for, by slug (one query)."""
    rows = TopicProgress.objects.filter(learner=learner)
    return dict(rows.values_list("topic__slug", "status"))


def topic_detail_for(*, slug: str, learner: User | None) -> Topic:
    """``roadmap.selectors.topic_detail`` plus the learner's ``learner_status`` (one more
    query when signed in). Raises ``Topic.DoesNotExist``."""
    topic = topic_detail(slug=slug)
    topic.learner_status = topic_status(learner=learner, topic=topic)
    return topic


def topic_progress_for(*, learner: User, topic: Topic) -> TopicProgress:
    """The learner's progress row on ``topic``, or an unsaved not-started one."""
    progress = TopicProgress.objects.filter(learner=learner, topic=topic).first()
    return progress or TopicProgress(learner=learner, topic=topic)


def resources_done(*, learner: User) -> QuerySet[ResourceProgress]:
    rows = ResourceProgress.objects.filter(learner=learner).select_related("resource")
    return rows.order_by("-done_at", "id")


ACTIVITY_MAX_DAYS = 366
ACTIVITY_DEFAULT_DAYS = 365


def local_today(*, learner: User, now: datetime | None = None) -> date:
    """Today's date where the learner is."""
    return timezone.localdate(now or timezone.now(), timezone=profile_for(learner).zone)


def activity_calendar(
    *, learner: User, start: date | None = None, end: date | None = None, today: date | None = None
) -> dict:
    """Per-day activity counts for [start, end] in the learner's time zone.

    Without dates it covers the last 365 days up to today (the learner's); one missing
    end is filled in from the other. A range over ``ACTIVITY_MAX_DAYS`` days, or one that
    ends before it starts, is refused with a ``ValidationError``.
    """
    today = today or local_today(learner=learner)
    span = timedelta(days=ACTIVITY_DEFAULT_DAYS - 1)
    if end is None:
        end = today if start is None else (start + span if date.max - start > span else date.max)
    if start is None:
        start = end - span if end - date.min > span else date.min
    if end < start:
        raise ValidationError({"to": f"the range ends ({end}) before it starts ({start})"})
    days = (end - start).days + 1
    if days > ACTIVITY_MAX_DAYS:
        raise ValidationError({"to": f"the range covers {days} days; ask for at most {ACTIVITY_MAX_DAYS} at a time"})
    return {
        "from": start,
        "to": end,
        "time_zone": profile_for(learner).time_zone,
        "days": activity_per_day(learner=learner, start=start, end=end),
    }


def cohorts_visible_to(*, user: User) -> QuerySet[Cohort]:
    """Cohorts the user mentors or learns in, with ``is_mentor``, ``learner_count`` and the
    mentors prefetched. Curators and staff get no wider view: cohorts hold learners' data."""
    mentored = Cohort.mentors.through.objects.filter(cohort=OuterRef("pk"), user=user)
    learner_count = (
        Cohort.learners.through.objects.filter(cohort=OuterRef("pk"))
        .order_by()
        .values("cohort")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        Cohort.objects.filter(Q(pk__in=user.mentored_cohorts.values("pk")) | Q(pk__in=user.cohorts.values("pk")))
        .annotate(is_mentor=Exists(mentored), learner_count=Coalesce(Subquery(learner_count), 0))
        .prefetch_related(Prefetch("mentors", queryset=User.objects.order_by("username")))
        .order_by("name", "id")
    )


def cohort_for_mentor(*, mentor: User, cohort_id: int) -> Cohort:
    """The cohort, if ``mentor`` mentors it; ``Cohort.DoesNotExist`` otherwise (so callers
    can answer 404 and not reveal that someone else's cohort exists)."""
    return Cohort.objects.get(pk=cohort_id, mentors=mentor)


def cohort_members(*, cohort: Cohort) -> QuerySet[User]:
    """The cohort's learners with ``topics_done``, ``topics_in_progress`` and ``last_active_at``."""

    def count(status: str):
        rows = TopicProgress.objects.filter(learner=OuterRef("pk"), status=status).order_by()
        return Coalesce(Subquery(rows.values("learner").annotate(n=Count("id")).values("n")), 0)

    activities = Activity.objects.filter(learner=OuterRef("pk")).order_by("-occurred_at")
    last_activity = activities.values("occurred_at")
    return cohort.learners.annotate(
        topics_done=count(TopicStatus.DONE),
        topics_in_progress=count(TopicStatus.IN_PROGRESS),
        last_active_at=Subquery(last_activity[:1]),
    ).order_by("username")


def cohort_member(*, cohort: Cohort, username: str) -> User:
    """A learner of the cohort by username; ``User.DoesNotExist`` if they are not in it."""
    return cohort.learners.get(username=username)
