"""Reads for a review session as Anki runs one: what comes next (learning cards a few
minutes early rather than an idle wait), how much is left, and the end summary."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q, Sum

from progress.models import User
from quizzes.models import CardState, ReviewLog
from quizzes.selectors.queue import active_cards, due_queue

#: Like Anki's "learn ahead limit": with nothing else due, a card in its learning steps
#: (one just rated Again, say) due within this much comes back now rather than tomorrow.
LEARN_AHEAD = timedelta(minutes=20)
LEARNING_STATES = (CardState.LEARNING, CardState.RELEARNING)


@dataclass(frozen=True)
class SessionQueue:
    card_id: int | None  # the card to show now
    left: int  # cards left in this session, the one shown included
    next_due: datetime | None  # when the next card is due, once nothing is left


def session_queue(*, learner: User, now: datetime) -> SessionQueue:
    """The next card of the session and how many are left (due now, plus learning cards
    due within ``LEARN_AHEAD``, which come back in this same session)."""
    queue = due_queue(learner=learner, now=now)
    due_ids = set(queue.card_ids)
    soon = list(
        active_cards(learner)
        .filter(state__in=LEARNING_STATES, due__gt=now, due__lte=now + LEARN_AHEAD)
        .order_by("due", "id")
        .values_list("id", flat=True)[: max(queue.reviews_left, 0)]
    )
    ahead = [card_id for card_id in soon if card_id not in due_ids]
    order = queue.card_ids + ahead
    return SessionQueue(
        card_id=order[0] if order else None,
        left=len(order),
        next_due=queue.next_due if not order else None,
    )


@dataclass(frozen=True)
class SessionSummary:
    reviewed: int
    again: int
    seconds: int
    next_due: datetime | None

    @property
    def again_rate(self) -> float:
        return self.again / self.reviewed if self.reviewed else 0.0


def session_summary(
    *, learner: User, review_ids: Sequence[int], started: datetime, now: datetime
) -> SessionSummary:
    """What a session did: reviews, how many were Again, time spent (the answer times the
    page measured, else the session's wall time) and when the next card is due."""
    totals = ReviewLog.objects.filter(learner=learner, pk__in=list(review_ids)).aggregate(
        reviewed=Count("id"),
        again=Count("id", filter=Q(rating=1)),
        ms=Sum("duration_ms"),
        measured=Count("duration_ms"),
    )
    if totals["reviewed"] and totals["measured"] == totals["reviewed"]:
        seconds = round((totals["ms"] or 0) / 1000)
    else:
        seconds = round(max((now - started).total_seconds(), 0)) if totals["reviewed"] else 0
    return SessionSummary(
        reviewed=totals["reviewed"],
        again=totals["again"],
        seconds=seconds,
        next_due=session_queue(learner=learner, now=now).next_due,
    )
