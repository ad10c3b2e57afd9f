"""Reads about a learner's memory: the review forecast, coverage and retention per topic (for
the API and, through ``progress.memory``, the planner), the review log."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import connection
from django.db.models import Avg, Count, Q
from django.db.models.functions import TruncDate

from progress.memory import TopicMemory
from progress.models import KNOWN_STATUSES, TopicProgress, User
from progress.selectors import profile_for
from quizzes import mastery as mastery_rules
from quizzes import recall_sql, scheduler
from quizzes.models import CardState, QuestionKind, ReviewLog
from quizzes.selectors.queue import active_cards, local_day, midnight, scheduler_settings_for
from roadmap.models import Topic, Track


def due_forecast(*, learner: User, now: datetime, days: int) -> list[dict]:
    """Reviewed cards falling due on each of the next ``days`` local days, today first.

    Overdue cards count on today; new cards are not forecast (they wait on the daily limit).
    """
    zone = profile_for(learner).zone
    start, _ = local_day(zone=zone, now=now)
    first = now.astimezone(zone).date()
    end = midnight(first + timedelta(days=days), zone)
    rows = (
        active_cards(learner)
        .exclude(state=CardState.NEW)
        .filter(due__lt=end)
        .annotate(day=TruncDate("due", tzinfo=zone))
        .values("day")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict[date, int] = defaultdict(int)
    for row in rows:
        counts[max(row["day"], first)] += row["n"]
    return [
        {"date": first + timedelta(days=offset), "due": counts[first + timedelta(days=offset)]}
        for offset in range(days)
    ]


@dataclass(frozen=True)
class TopicMastery:
    topic: Topic
    mastery: mastery_rules.Mastery
    needs_review: bool
    desired_retention: float
    due_cards: int


@dataclass
class TopicCards:
    """How many active cards a learner has in a topic, and the memory of the studied ones.

    Each studied card is a row with its ``stability``, ``last_review`` and ``due`` (a
    `scheduler.Memory`), not a `scheduler.CardState`: mastery reads thousands of them
    and needs nothing else.
    """

    cards: int = 0
    studied: list[scheduler.Memory] = field(default_factory=list)

    def due_cards(self, now: datetime) -> int:
        """Studied cards due at ``now``."""
        return sum(1 for row in self.studied if row.due <= now)


_MEMORY_COLUMNS = ("stability", "last_review", "due")


def cards_by_topic(
    *, learner: User, topic_ids: Sequence[int] | None = None
) -> dict[int, TopicCards]:
    """The learner's active cards per topic id: a count, and the studied cards' memory."""
    rows = active_cards(learner)
    if topic_ids is not None:
        rows = rows.filter(topic_id__in=topic_ids)
    topics: dict[int, TopicCards] = defaultdict(TopicCards)
    # Only the columns mastery reads: loading costs per column and row (a timestamp about
    # 4 µs), and reading each card's whole state took twice as long for a 2,000-card topic.
    for row in rows.values_list("topic_id", *_MEMORY_COLUMNS, named=True).order_by():
        topic = topics[row.topic_id]
        topic.cards += 1
        if row.last_review is not None:  # studied at least once
            topic.studied.append(row)
    return topics


def topic_mastery(*, learner: User, topic: Topic, now: datetime) -> TopicMastery:
    """The learner's coverage and retention of one topic; see `quizzes.mastery`."""
    profile = profile_for(learner)
    cards = cards_by_topic(learner=learner, topic_ids=[topic.pk]).get(topic.pk, TopicCards())
    result = mastery_rules.topic_mastery(
        cards.studied, now, cards=cards.cards, settings=scheduler_settings_for(profile)
    )
    known = TopicProgress.objects.filter(
        learner=learner, topic=topic, status__in=KNOWN_STATUSES
    ).exists()
    return TopicMastery(
        topic=topic,
        mastery=result,
        desired_retention=profile.desired_retention,
        needs_review=mastery_rules.needs_review(
            result, known=known, desired_retention=profile.desired_retention
        ),
        due_cards=cards.due_cards(now),
    )


def memory_by_learner(
    *, learner_ids: list[int], now: datetime, known_only: bool
) -> dict[int, dict[str, TopicMemory]]:
    """The provider behind ``progress.memory``: each learner's memory per topic slug.

    One statement whatever the number of learners: their cards grouped by topic with the
    mean recall computed in the database (``quizzes.recall_sql``, the nightly refresh's
    own), each topic's slug and track, whether it is known and the learner's retention
    target (with ``known_only``, the cards of known topics only). Reading every studied
    card's memory into Python and calling fsrs per card was most of a path request's
    time, and grew with a mentor's cohort.
    """
    ids = sorted(set(learner_ids))
    result: dict[int, dict[str, TopicMemory]] = {learner_id: {} for learner_id in learner_ids}
    if not ids:
        return result
    known_card = recall_sql.KNOWN.format(learner="c.learner_id", topic="c.topic_id")
    cards = recall_sql.topic_cards(
        ids,
        extra=",\n       SUM(CASE WHEN c.last_review IS NOT NULL AND c.due <= %(now)s THEN 1 ELSE 0 END) AS due",
        where=f"\n  AND {known_card}" if known_only else "",
    )
    known = "1 = 1" if known_only else recall_sql.KNOWN.format(learner="g.learner_id", topic="g.topic_id")
    sql = (  # noqa: S608 - built from our own fragments and integer ids
        f"SELECT g.learner_id, t.slug, r.slug, {known}, g.cards, g.studied, g.retention, g.due,"
        " COALESCE(p.desired_retention, %(retention)s)"
        f" FROM ({cards}) AS g JOIN {Topic._meta.db_table} AS t ON t.id = g.topic_id"
        f" JOIN {Track._meta.db_table} AS r ON r.id = t.track_id"
        " LEFT JOIN progress_learnerprofile AS p ON p.user_id = g.learner_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, recall_sql.parameters(now))
        rows = cursor.fetchall()
    for learner_id, slug, track, is_known, count, studied, retention, due, desired in rows:
        mastery = mastery_rules.Mastery(
            cards=count, studied=studied, coverage=studied / count if count else 0.0, retention=retention
        )
        result[learner_id][slug] = TopicMemory(
            track=track,
            cards=count,
            studied=studied,
            coverage=mastery.coverage,
            retention=retention,
            needs_review=mastery_rules.needs_review(mastery, known=bool(is_known), desired_retention=desired),
            due_cards=int(due),
            review_hours=mastery_rules.review_hours(int(due)),
        )
    return result


def review_rows(*, learner_id: int, until: datetime) -> list[tuple[int, int, datetime, bool]]:
    """The learner's real reviews up to ``until`` as ``(card_id, rating, reviewed_at, scored)``
    rows for the optimiser; implicit credits are not reviews and are not read.

    ``scored`` is false for multiple-choice answers: a guess gets them right, so they are
    no evidence of recall (see ``quizzes.optimizer.history``).
    """
    rows = (
        ReviewLog.objects.filter(learner_id=learner_id, reviewed_at__lte=until)
        .order_by("reviewed_at", "id")
        .values_list("card_id", "rating", "reviewed_at", "card__question__kind")
    )
    return [
        (card, rating, at, kind != QuestionKind.MULTIPLE_CHOICE) for card, rating, at, kind in rows
    ]


def review_history(*, learner: User, start: date, end: date) -> list[dict]:
    """Reviews per local day in [start, end]: ``{"date", "reviews", "again"}`` for every day."""
    zone = profile_for(learner).zone
    rows = (
        ReviewLog.objects.filter(learner=learner)
        .annotate(day=TruncDate("reviewed_at", tzinfo=zone))
        .filter(day__gte=start, day__lte=end)
        .values("day")
        .annotate(n=Count("id"), again=Count("id", filter=Q(rating=1)))
        .order_by()
    )
    counts = {row["day"]: (row["n"], row["again"]) for row in rows}
    days = []
    for offset in range((end - start).days + 1):
        day = start + timedelta(days=offset)
        reviews, again = counts.get(day, (0, 0))
        days.append({"date": day, "reviews": reviews, "again": again})
    return days


def retention_by_week(days: Sequence[dict]) -> list[dict]:
    """Share of reviews recalled (not Again) per 7-day block of ``review_history`` rows.

    >>> from datetime import date
    >>> rows = [{"date": date(2026, 1, d), "reviews": 4, "again": 1 if d == 1 else 0} for d in range(1, 15)]
    >>> [(w["start"].day, w["reviews"], w["retention"]) for w in retention_by_week(rows)]
    [(1, 28, 0.964), (8, 28, 1.0)]
    """
    weeks = []
    for i in range(0, len(days), 7):
        block = days[i : i + 7]
        reviews = sum(d["reviews"] for d in block)
        again = sum(d["again"] for d in block)
        weeks.append({"start": block[0]["date"], "end": block[-1]["date"], "reviews": reviews,
                      "retention": round((reviews - again) / reviews, 3) if reviews else None})  # fmt: skip
    return weeks


def mastery_by_track(*, learner: User) -> list[dict]:
    """The learner's mean retention per track (``quizzes.mastery``, as the nightly refresh
    stored it) over the topics that have one (``None`` where none has), with how many topics
    it covers; tracks in roadmap order."""
    rows = (
        TopicProgress.objects.filter(learner=learner, retention__isnull=False)
        .values("topic__track__slug")
        .annotate(mean=Avg("retention"), topics=Count("id"))
        .order_by()
    )
    by_track = {row["topic__track__slug"]: row for row in rows}
    return [
        {"track": track.slug, "title": track.title,
         "retention": round(by_track[track.slug]["mean"], 3) if track.slug in by_track else None,
         "topics": by_track[track.slug]["topics"] if track.slug in by_track else 0}  # fmt: skip
        for track in Track.objects.order_by("position")
    ]
