"""Review rows in, card histories and fsrs-rs training items out.

A row is ``(card_key, rating, reviewed_at)`` or ``(card_key, rating, reviewed_at,
scored)``: any hashable card key, a rating from 1 (Again) to 4 (Easy), a timezone-aware
datetime, and whether the review's outcome may be used as evidence (default: yes).

Conventions
-----------
- Elapsed time between two reviews of a card is whole 24-hour days,
  ``(later - earlier).days``, which is how ``fsrs.Scheduler`` measures it, so the
  fitted parameters describe the scheduler we run (fsrs-rs's own examples use
  calendar-day differences at the learner's day rollover instead).
- A review is *long-term* when it comes at least one day after the previous review of
  its card. Only long-term reviews are evidence (training targets and scored
  predictions): a same-day review's predicted recall is 1 by construction.
- A review with ``scored`` false — a multiple-choice answer, which a guess gets right a
  quarter of the time (``quizzes.selectors.review_rows``) — stays in its card's history,
  since it did exercise the memory, but is never a target or a scored prediction. FSRS
  predicts recall, and a right answer to a 4-option question is right with probability
  R + (1 − R)/4: counted as recall it would make every learner look less forgetful than
  they are. fsrs-rs has no per-review weight, so such reviews are excluded, not
  down-weighted.

Pure: no Django.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from datetime import UTC, datetime
from typing import NamedTuple

import fsrs
import fsrs_rs_python

#: Fewest reviews (all rows, same-day ones included) we fit parameters from.
#: fsrs-rs states no minimum: given fewer than 8 long-term reviews it silently
#: returns its defaults, and below 64 it fits only the four initial
#: stabilities. Anki, the main fsrs-rs user, refuses to optimise below 400
#: reviews (1000 before 24.04). We follow Anki: by 400 reviews a learner has
#: enough long-term reviews for a full fit, and we raise instead of silently
#: returning the defaults.
MIN_REVIEWS = 400


class OptimizerError(ValueError):
    """Review rows or parameters the optimiser cannot work with."""


class NotEnoughReviewsError(OptimizerError):
    """Too few reviews to fit or fairly compare parameters."""


class Row(NamedTuple):
    card: Hashable
    rating: int
    at: datetime
    scored: bool = True


class Review(NamedTuple):
    """One review in its card's history."""

    at: datetime
    rating: int
    scored: bool


History = list[Review]


def rows_of(reviews: Iterable[Sequence]) -> list[Row]:
    """Checked rows in time order (ties keep their order).

    Raises
    ------
    OptimizerError
        For an unknown rating or a naive datetime.
    """
    rows = []
    for review in reviews:
        card_key, rating, reviewed_at = review[0], review[1], review[2]
        scored = bool(review[3]) if len(review) > 3 else True
        if isinstance(rating, bool) or rating not in (1, 2, 3, 4):
            raise OptimizerError(f"card {card_key!r}: rating must be 1 (Again) to 4 (Easy), got {rating!r}")
        if not isinstance(reviewed_at, datetime) or reviewed_at.utcoffset() is None:
            raise OptimizerError(
                f"card {card_key!r}: reviewed_at must be a timezone-aware datetime, got {reviewed_at!r}"
            )
        rows.append(Row(card_key, int(rating), reviewed_at.astimezone(UTC), scored))
    rows.sort(key=lambda row: row.at)
    return rows


def require_enough(rows: Sequence[Row]) -> None:
    if len(rows) < MIN_REVIEWS:
        raise NotEnoughReviewsError(f"fitting FSRS parameters needs at least {MIN_REVIEWS} reviews, got {len(rows)}")


def histories(rows: Iterable[Row]) -> dict[Hashable, History]:
    """Each card's reviews in time order (rows must already be sorted by time)."""
    found: dict[Hashable, History] = {}
    for row in rows:
        found.setdefault(row.card, []).append(Review(row.at, row.rating, row.scored))
    return found


def checked_parameters(parameters: Sequence[float]) -> tuple[float, ...]:
    parameters = tuple(float(value) for value in parameters)
    try:
        fsrs.Scheduler(parameters=parameters)
    except ValueError as error:
        raise OptimizerError(f"invalid FSRS parameters: {error}") from error
    return parameters


def training_items(cards: dict[Hashable, History]) -> list[fsrs_rs_python.FSRSItem]:
    """One fsrs-rs item per long-term scored review: its card's history up to it, in time order."""
    dated_items = []
    for history in cards.values():
        reviews = []
        previous = history[0].at
        for review in history:
            elapsed_days = (review.at - previous).days
            reviews.append(fsrs_rs_python.FSRSReview(review.rating, elapsed_days))
            if elapsed_days > 0 and review.scored:
                dated_items.append((review.at, fsrs_rs_python.FSRSItem(list(reviews))))
            previous = review.at
    # fsrs-rs weights later items more (recency weighting) and expects them in time order.
    dated_items.sort(key=lambda dated: dated[0])
    return [item for _, item in dated_items]
