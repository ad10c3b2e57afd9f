"""Reads for a review session: the due queue and the daily limits (a page of its cards, as
shown, is ``quizzes.selectors.cards``).

Daily limits follow the learner's local day (``LearnerProfile.time_zone``), counted from
``ReviewLog``:

- a card is *new* until its first review;
- ``new_cards_per_day`` caps the cards whose first review falls on the local day;
- ``reviews_per_day`` caps every other review that day (learning steps included).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from operator import attrgetter
from typing import NamedTuple, TypeVar
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Count, Min, Q, QuerySet

from progress.models import LearnerProfile, User
from progress.selectors import profile_for
from quizzes import scheduler
from quizzes.models import Card, CardState, Question, ReviewLog

T = TypeVar("T")


def scheduler_settings_for(profile: LearnerProfile) -> scheduler.SchedulerSettings:
    """The learner's scheduler settings: their retention target and fitted parameters, if any."""
    if profile.fsrs_parameters:
        return scheduler.SchedulerSettings(
            desired_retention=profile.desired_retention, parameters=tuple(profile.fsrs_parameters)
        )
    return scheduler.SchedulerSettings(desired_retention=profile.desired_retention)


def local_day(*, zone: ZoneInfo, now: datetime) -> tuple[datetime, datetime]:
    """The UTC bounds [start, end) of the learner's local day containing ``now``.

    A day is 23 or 25 hours long when the clocks change.

    >>> from zoneinfo import ZoneInfo
    >>> start, end = local_day(zone=ZoneInfo("America/New_York"),
    ...                        now=datetime(2026, 11, 1, 12, tzinfo=UTC))
    >>> start.isoformat(), end - start
    ('2026-11-01T04:00:00+00:00', datetime.timedelta(days=1, seconds=3600))
    """
    today = now.astimezone(zone).date()
    return midnight(today, zone), midnight(today + timedelta(days=1), zone)


def midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


@dataclass(frozen=True)
class DailyCounts:
    new: int
    reviews: int


# The due page's three reads in SQL of our own: it is the API's hottest personal read, and
# building these statements with the ORM cost twice what running them did (see
# tests/benchmarks/bench_quizzes.py). Table names come from the models, never from input;
# 'new' is inlined so that PostgreSQL matches the partial queue indexes (card_*_queue).
_LOG = ReviewLog._meta.db_table
_REVIEWED_TODAY_SQL = (  # noqa: S608 - table names from the models; ids written in as integers
    "SELECT l.learner_id, count(*), count(DISTINCT CASE WHEN NOT EXISTS ("
    f" SELECT 1 FROM {_LOG} b WHERE b.card_id = l.card_id AND b.reviewed_at < %s) THEN l.card_id END)"
    f" FROM {_LOG} l WHERE l.learner_id IN ({{learners}}) AND l.reviewed_at >= %s AND l.reviewed_at < %s"
    " GROUP BY l.learner_id"
)
_QUEUE_SQL = (
    "SELECT id, topic_id FROM {card} WHERE learner_id = %s AND {state} AND due <= %s"
    " AND NOT (question_id IN (SELECT id FROM {question} WHERE NOT is_active))"
    " ORDER BY due, id LIMIT %s"
)
_REVIEWS_SQL, _NEW_SQL = (
    _QUEUE_SQL.format(card=Card._meta.db_table, question=Question._meta.db_table, state=state)
    for state in (f"NOT (state = '{CardState.NEW}')", f"state = '{CardState.NEW}'")
)


def reviewed_today(*, learner: User, zone: ZoneInfo, now: datetime) -> DailyCounts:
    """Cards first reviewed, and other reviews done, on the learner's local day (one query)."""
    return _reviewed_on(local_day(zone=zone, now=now), [learner.pk]).get(learner.pk, DailyCounts(new=0, reviews=0))


def _reviewed_on(day: tuple[datetime, datetime], learner_ids: Sequence[int]) -> dict[int, DailyCounts]:
    """`reviewed_today` of these learners on one day (UTC bounds ``[start, end)``), in one
    query; a learner with no review that day is left out."""
    start, end = (connection.ops.adapt_datetimefield_value(at) for at in day)
    sql = _REVIEWED_TODAY_SQL.format(learners=", ".join(str(int(learner_id)) for learner_id in learner_ids))
    with connection.cursor() as cursor:
        cursor.execute(sql, [start, start, end])
        return {learner_id: DailyCounts(new=new, reviews=total - new) for learner_id, total, new in cursor.fetchall()}


def _queue_entries(sql: str, learner: User, now: datetime, limit: int, *, is_new: bool) -> list[QueueEntry]:
    """Up to ``limit`` of the learner's active cards due by ``now``, by due time (one range
    read of the partial index ``sql`` names)."""
    if not limit:
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, [learner.pk, connection.ops.adapt_datetimefield_value(now), limit])
        return [QueueEntry(card_id, topic_id, is_new) for card_id, topic_id in cursor.fetchall()]


def spread_siblings(
    items: Sequence[T], key: Callable[[T], Hashable], previous: Hashable | None = None
) -> list[T]:
    """Reorder ``items`` so no two with the same key are adjacent, when that is avoidable.

    Keeps the given order as far as possible: each slot takes the earliest remaining
    item whose key differs from the one before and leaves the rest arrangeable.
    ``previous`` is the key of whatever is shown just before the first item.

    >>> spread_siblings(list("AABBC"), key=str)
    ['A', 'B', 'A', 'B', 'C']
    >>> spread_siblings(list("ABCAA"), key=str)
    ['A', 'B', 'A', 'C', 'A']
    >>> spread_siblings(list("AAAB"), key=str)
    ['A', 'B', 'A', 'A']
    >>> spread_siblings(list("AB"), key=str, previous="A")
    ['B', 'A']
    """
    remaining = list(items)
    counts = Counter(key(item) for item in remaining)
    ordered: list[T] = []
    while remaining:
        left = len(remaining) - 1
        chosen = None
        for index, item in enumerate(remaining):
            k = key(item)
            if k == previous:
                continue
            counts[k] -= 1
            # Feasible if, after this pick, no key needs more than every other slot
            # (and the picked key cannot take the very next slot).
            worst = max(counts.values(), default=0)
            if counts[k] <= left // 2 and worst <= (left + 1) // 2:
                chosen = index
                break
            counts[k] += 1
        if chosen is None:
            # Adjacency is unavoidable now: take the earliest item that differs, else the first.
            chosen = next((i for i, item in enumerate(remaining) if key(item) != previous), 0)
            counts[key(remaining[chosen])] -= 1
        item = remaining.pop(chosen)
        previous = key(item)
        if counts[previous] == 0:
            del counts[previous]
        ordered.append(item)
    return ordered


class QueueEntry(NamedTuple):
    """One card's place in the queue: just what ordering it needs."""

    card_id: int
    topic_id: int
    is_new: bool


@dataclass(frozen=True)
class DueQueue:
    """Today's cards in the order to show them, and what is left of the daily limits.

    The entries are light; ``selectors.cards`` loads the cards of the page actually shown.
    """

    entries: list[QueueEntry]
    reviews_left: int
    new_left: int
    next_due: datetime | None  # when the next card becomes available, if the queue is empty

    @property
    def card_ids(self) -> list[int]:
        return [entry.card_id for entry in self.entries]


def active_cards(learner: User) -> QuerySet[Card]:
    """The learner's cards, less those of retired questions.

    An anti-join on the few retired questions (a partial index), not a join of every card
    to its question: for a wide read that join made PostgreSQL scan the whole question table.
    """
    retired = Question.objects.filter(is_active=False).values("id")
    return Card.objects.filter(learner=learner).exclude(question_id__in=retired)


def due_queue(*, learner: User, now: datetime) -> DueQueue:
    """The learner's due cards: reviews by due time, then new cards, topics spread out.

    Each list is one range read of its ``(learner, due, id)`` partial index (reviewed
    cards, new cards), limited by what is left of the learner's daily limits.
    """
    profile = profile_for(learner)
    done = reviewed_today(learner=learner, zone=profile.zone, now=now)
    reviews_left = max(profile.reviews_per_day - done.reviews, 0)
    new_left = max(profile.new_cards_per_day - done.new, 0)
    # Ordered by due time in the database; not loading it saves a timestamp per entry.
    reviews = _queue_entries(_REVIEWS_SQL, learner, now, reviews_left, is_new=False)
    new = _queue_entries(_NEW_SQL, learner, now, new_left, is_new=True)
    topic = attrgetter("topic_id")
    reviews = spread_siblings(reviews, key=topic)
    new = spread_siblings(new, key=topic, previous=reviews[-1].topic_id if reviews else None)
    queue = reviews + new
    next_due = None if queue else _next_due(learner, profile, now, reviews_left, new_left)
    return DueQueue(entries=queue, reviews_left=reviews_left, new_left=new_left, next_due=next_due)


def _next_due(
    learner: User, profile: LearnerProfile, now: datetime, reviews_left: int, new_left: int
) -> datetime | None:
    tomorrow = local_day(zone=profile.zone, now=now)[1]
    active = active_cards(learner)
    times = []
    seen = active.exclude(state=CardState.NEW)
    if reviews_left:
        upcoming = seen.filter(due__gt=now).aggregate(at=Min("due"))["at"]
        if upcoming:
            times.append(upcoming)
    else:
        earliest = seen.aggregate(at=Min("due"))["at"]
        if earliest:
            times.append(max(earliest, tomorrow))
    if not new_left and active.filter(state=CardState.NEW).exists():
        times.append(tomorrow)
    return min(times, default=None)


def due_count(*, learner: User, now: datetime) -> int:
    """How many cards the learner could review now, within today's limits."""
    profile = profile_for(learner)
    done = reviewed_today(learner=learner, zone=profile.zone, now=now)
    cards = active_cards(learner).filter(due__lte=now)
    reviews_left = max(profile.reviews_per_day - done.reviews, 0)
    new_left = max(profile.new_cards_per_day - done.new, 0)
    reviews = (
        cards.exclude(state=CardState.NEW).order_by()[:reviews_left].count() if reviews_left else 0
    )
    new = cards.filter(state=CardState.NEW).order_by()[:new_left].count() if new_left else 0
    return reviews + new


def due_counts(*, learner_ids: Sequence[int], now: datetime) -> dict[int, int]:
    """`due_count` for many learners in a few queries: one for their profiles, one for
    their due cards, and one for today's reviews per time zone among them (a local day
    is the same for every learner of a zone). For the hourly reminders."""
    ids = list(learner_ids)
    profiles = {p.user_id: p for p in LearnerProfile.objects.filter(user_id__in=ids)}
    defaults = LearnerProfile()  # what profile_for would create for a learner without one
    retired = Question.objects.filter(is_active=False).values("id")
    new = Q(state=CardState.NEW)
    due = {
        row["learner_id"]: (row["reviews"], row["new"])
        for row in Card.objects.filter(learner_id__in=ids, due__lte=now)
        .exclude(question_id__in=retired)
        .values("learner_id")
        .annotate(reviews=Count("id", filter=~new), new=Count("id", filter=new))
        .order_by()
    }
    by_zone: dict[str, list[int]] = {}
    for learner_id in ids:
        by_zone.setdefault(profiles.get(learner_id, defaults).time_zone, []).append(learner_id)
    done: dict[int, DailyCounts] = {}
    for zone, members in by_zone.items():
        if not any(learner_id in due for learner_id in members):
            continue  # nothing due: today's reviews cannot make it more
        done.update(_reviewed_on(local_day(zone=ZoneInfo(zone), now=now), members))
    counts = {}
    for learner_id in ids:
        profile = profiles.get(learner_id, defaults)
        today = done.get(learner_id, DailyCounts(new=0, reviews=0))
        reviews, new_cards = due.get(learner_id, (0, 0))
        counts[learner_id] = min(reviews, max(profile.reviews_per_day - today.reviews, 0)) + min(
            new_cards, max(profile.new_cards_per_day - today.new, 0)
        )
    return counts
