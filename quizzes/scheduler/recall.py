"""How likely a learner is to recall a card now: FSRS's forgetting curve, one card or many.

Pure: no Django. A selector passes ORM rows straight in (see ``Memory``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

import fsrs

from quizzes.scheduler.cards import CardState, SchedulerSettings, as_utc
from quizzes.scheduler.reviews import fsrs_scheduler, to_fsrs_card


def retrievability(state: CardState, now: datetime, *, settings: SchedulerSettings) -> float:
    """Predicted probability of recalling the card at ``now``; 0 if never reviewed.

    As in fsrs, only whole days since the last review count.

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> from quizzes.scheduler.reviews import Rating, review
    >>> settings = SchedulerSettings()
    >>> now = datetime(2025, 3, 1, tzinfo=timezone.utc)
    >>> retrievability(CardState.new(now), now, settings=settings)
    0.0
    >>> card = review(CardState.new(now), Rating.Good, now, settings=settings, fuzz_seed=1)
    >>> round(retrievability(card, now + timedelta(days=3), settings=settings), 3)
    0.881
    """
    now = as_utc(now, "now")
    return float(fsrs_scheduler(settings, None).get_card_retrievability(to_fsrs_card(state), now))


class Memory(Protocol):
    """What the forgetting curve reads of a card: a `CardState` has it, and so does a row
    of ``values_list("stability", "last_review", named=True)``."""

    @property
    def stability(self) -> float | None: ...

    @property
    def last_review(self) -> datetime | None: ...


def retrievabilities(
    cards: Iterable[Memory], now: datetime, *, settings: SchedulerSettings
) -> list[float]:
    """`retrievability` of each card at ``now``, card for card the same values.

    For many cards at once (a topic's mastery reads thousands): one fsrs scheduler
    serves them all, and a card may be any `Memory`, so a selector can pass its rows
    without building a `CardState` for each.

    Raises
    ------
    SchedulerError
        For a naive ``now`` or ``last_review``.

    Examples
    --------
    >>> from collections import namedtuple
    >>> from datetime import datetime, timedelta, timezone
    >>> from quizzes.scheduler.reviews import Rating, review
    >>> settings = SchedulerSettings()
    >>> now = datetime(2025, 3, 1, tzinfo=timezone.utc)
    >>> card = review(CardState.new(now), Rating.Good, now, settings=settings, fuzz_seed=1)
    >>> Row = namedtuple("Row", "stability last_review")
    >>> later = now + timedelta(days=3)
    >>> [round(r, 3) for r in retrievabilities(
    ...     [card, Row(card.stability, card.last_review), CardState.new(now)], later,
    ...     settings=settings)]
    [0.881, 0.881, 0.0]
    """
    now = as_utc(now, "now")
    curve = fsrs_scheduler(settings, None).get_card_retrievability
    recall = []
    for card in cards:
        last_review = card.last_review
        if last_review is not None:
            last_review = as_utc(last_review, "last_review")
        # The curve reads only stability and last_review; the rest of this card is
        # fsrs's defaults, which it ignores.
        probe = fsrs.Card(card_id=0, stability=card.stability, due=now, last_review=last_review)
        recall.append(float(curve(probe, now)))
    return recall


