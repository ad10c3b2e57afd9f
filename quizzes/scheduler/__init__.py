"""Review scheduling for quiz cards: the FSRS library behind plain values (the FSRS wrapper).

The memory model, learning steps and fuzz are the ``fsrs`` package's own; this
package only translates between Pathwise's frozen values and ``fsrs.Card`` /
``fsrs.Scheduler``, normalises datetimes to UTC, and makes the fuzz reproducible
from a seed, so replaying a card's review log offline gives exactly the card
state the live reviews produced.

A selector builds a `CardState` from the ORM, a service stores the one
`review` returns. Nothing here touches Django or the database.

Examples
--------
>>> from datetime import datetime, timezone
>>> settings = SchedulerSettings()
>>> now = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)
>>> card = review(CardState.new(now), Rating.Good, now, settings=settings, fuzz_seed="42:1")
>>> card.state, card.step, format_interval(card.due - now)
('learning', 1, '10m')
>>> buttons = preview(card, card.due, settings=settings, fuzz_seed="42:2")
>>> {rating.name: format_interval(due - card.due) for rating, due in buttons.items()}
{'Again': '1m', 'Hard': '10m', 'Good': '2d', 'Easy': '4d'}

The package is three modules: ``cards`` (``CardState``, ``SchedulerSettings``),
``reviews`` (``review``, ``preview``, ``replay``) and ``recall`` (the forgetting curve).
Import the public names from here.
"""

from quizzes.scheduler.cards import (
    MAX_DESIRED_RETENTION,
    MIN_DESIRED_RETENTION,
    CardState,
    SchedulerError,
    SchedulerSettings,
)
from quizzes.scheduler.recall import Memory, retrievabilities, retrievability
from quizzes.scheduler.reviews import Rating, format_interval, preview, replay, review, review_seed

__all__ = [
    "CardState",
    "Memory",
    "Rating",
    "SchedulerError",
    "SchedulerSettings",
    "format_interval",
    "preview",
    "replay",
    "retrievabilities",
    "retrievability",
    "review",
    "review_seed",
    "MAX_DESIRED_RETENTION",
    "MIN_DESIRED_RETENTION",
]
