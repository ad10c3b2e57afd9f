"""Reads about a learner's memory: the review forecast, mastery per topic, the review log."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count
from django.db.models.functions import TruncDate

from progress.models import TopicProgress, TopicStatus, User
from progress.selectors import profile_for
from quizzes import mastery as mastery_rules
from quizzes import scheduler
from quizzes.models import CardState, ReviewLog
from quizzes.selectors.queue import active_cards, local_day, midnight, scheduler_settings_for
from roadmap.models import Topic


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


@dataclass
class TopicCards:
    """How many active cards a learner has in a topic, and the memory of the reviewed ones.

    Each reviewed card is a row with its ``stability`` and ``last_review`` (a
    `scheduler.Memory`), not a `scheduler.CardState`: mastery reads thousands of them
    and needs nothing else.
    """

    cards: int = 0
    reviewed: list[scheduler.Memory] = field(default_factory=list)


def cards_by_topic(
    *, learner: User, topic_ids: Sequence[int] | None = None
) -> dict[int, TopicCards]:
    """The learner's active cards per topic id: a count, and the reviewed cards' memory."""
    rows = active_cards(learner)
    if topic_ids is not None:
        rows = rows.filter(topic_id__in=topic_ids)
    topics: dict[int, TopicCards] = defaultdict(TopicCards)
    # Only the columns mastery reads: loading costs per column and row (a timestamp about
    # 4 µs), and reading each card's whole state took twice as long for a 2,000-card topic.
    for row in rows.values_list("topic_id", "stability", "last_review", named=True).order_by():
        topic = topics[row.topic_id]
        topic.cards += 1
        if row.last_review is not None:  # reviewed at least once
            topic.reviewed.append(row)
    return topics


def topic_mastery(*, learner: User, topic: Topic, now: datetime) -> TopicMastery:
    """The learner's mastery of one topic; see `quizzes.mastery` for the definitions."""
    profile = profile_for(learner)
    cards = cards_by_topic(learner=learner, topic_ids=[topic.pk]).get(topic.pk, TopicCards())
    result = mastery_rules.topic_mastery(
        cards.reviewed, now, cards=cards.cards, settings=scheduler_settings_for(profile)
    )
    done = TopicProgress.objects.filter(
        learner=learner, topic=topic, status=TopicStatus.DONE
    ).exists()
    return TopicMastery(
        topic=topic,
        mastery=result,
        desired_retention=profile.desired_retention,
        needs_review=mastery_rules.needs_review(
            result, done=done, desired_retention=profile.desired_retention
        ),
    )


def review_rows(*, learner_id: int, until: datetime) -> list[tuple[int, int, datetime]]:
    """The learner's ``(card_id, rating, reviewed_at)`` rows up to ``until``, for the optimiser."""
    return list(
        ReviewLog.objects.filter(learner_id=learner_id, reviewed_at__lte=until)
        .order_by("reviewed_at", "id")
        .values_list("card_id", "rating", "reviewed_at")
    )
