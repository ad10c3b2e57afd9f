"""Fitting FSRS parameters with fsrs-rs, and scoring them by the recall they predict.

Fitting is fsrs-rs's (``fsrs_rs_python.FSRS.compute_parameters``, the optimiser Anki
ships); scoring replays reviews through ``fsrs.Scheduler``, the model
``quizzes.scheduler`` runs, so a parameter set is judged by the predictions it will
actually make for the learner. The two engines agree on memory states to about 1e-5
(fsrs-rs computes in float32); the tests check that. Pure: no Django.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from datetime import datetime
from typing import NamedTuple

import fsrs
import fsrs_rs_python
from fsrs import scheduler as fsrs_scheduler

from quizzes.optimizer.history import (
    History,
    NotEnoughReviewsError,
    OptimizerError,
    checked_parameters,
    histories,
    require_enough,
    rows_of,
    training_items,
)

# Predicted recall is clipped away from 0 and 1 so one confident miss cannot make the loss infinite.
EPSILON = 1e-6


class Prediction(NamedTuple):
    """A long-term scored review and the recall predicted for it from its card's history."""

    card: Hashable
    at: datetime
    recall: float
    recalled: bool
    elapsed_days: int
    number: int  # how many reviews of the card came before it
    lapses: int  # how many of those were Again after a day or more


def fit(cards: dict[Hashable, History]) -> tuple[float, ...]:
    """FSRS-6 parameters fsrs-rs fits to these histories, within ``fsrs.Scheduler``'s bounds."""
    items = training_items(cards)
    try:
        fitted = fsrs_rs_python.FSRS(fsrs_rs_python.DEFAULT_PARAMETERS).compute_parameters(items)
    except Exception as error:  # the Rust binding raises plain Exceptions
        raise OptimizerError(f"fsrs-rs could not fit parameters: {error}") from error
    # fsrs-rs clips to the same bounds but in float32, where the bound 0.8 becomes
    # 0.800000011920929 and fsrs.Scheduler rejects it; clamp into fsrs's float64 bounds.
    return tuple(
        min(max(float(value), low), high)
        for value, low, high in zip(
            fitted,
            fsrs_scheduler.LOWER_BOUNDS_PARAMETERS,
            fsrs_scheduler.UPPER_BOUNDS_PARAMETERS,
            strict=True,
        )
    )


def predictions(
    parameters: tuple[float, ...],
    cards: dict[Hashable, History],
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[Prediction]:
    """The recall `parameters` predict for each long-term scored review in [since, until),
    each from the memory state its card's whole earlier history builds."""
    scheduler = fsrs.Scheduler(parameters=parameters, enable_fuzzing=False)
    found = []
    for key, history in cards.items():
        card = fsrs.Card(card_id=0, due=history[0].at)
        lapses = 0
        for number, review in enumerate(history):
            if until is not None and review.at >= until:
                break
            elapsed = (review.at - card.last_review).days if card.last_review is not None else None
            long_term = elapsed is not None and elapsed >= 1
            if long_term and review.scored and (since is None or review.at >= since):
                recall = scheduler.get_card_retrievability(card, current_datetime=review.at)
                found.append(Prediction(key, review.at, recall, review.rating > 1, elapsed, number, lapses))
            if long_term and review.rating == 1:
                lapses += 1
            card, _ = scheduler.review_card(card, fsrs.Rating(review.rating), review.at)
    return found


def loss(prediction_recall: float, recalled: bool) -> float:
    """The log loss of one prediction."""
    recall = min(max(prediction_recall, EPSILON), 1 - EPSILON)
    return -math.log(recall if recalled else 1 - recall)


def fit_parameters(reviews: Iterable[Sequence]) -> tuple[float, ...]:
    """Fit FSRS-6 parameters to one learner's review history with fsrs-rs.

    Parameters
    ----------
    reviews : iterable of (card_key, rating, reviewed_at[, scored])
        The learner's reviews, in any order (see ``quizzes.optimizer.history``).

    Returns
    -------
    tuple of float
        21 parameters, within the bounds ``fsrs.Scheduler`` accepts.

    Raises
    ------
    NotEnoughReviewsError
        Below `MIN_REVIEWS` reviews.
    OptimizerError
        For an unknown rating or a naive datetime.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> one_review = [("card-1", 3, datetime(2025, 3, 1, tzinfo=timezone.utc))]
    >>> fit_parameters(one_review)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    quizzes.optimizer.history.NotEnoughReviewsError: fitting ... needs at least 400 reviews, got 1
    """
    rows = rows_of(reviews)
    require_enough(rows)
    return fit(histories(rows))


def log_loss(
    parameters: Sequence[float], reviews: Iterable[Sequence], *, since: datetime | None = None
) -> float:
    """Mean log loss of ``parameters`` predicting whether each review was recalled.

    For every long-term scored review (one day or more after the card's previous one),
    the recall probability predicted from the card's memory state before it is
    compared with the outcome, recalled meaning any rating but Again. With ``since``,
    only reviews at or after it are scored; earlier ones still build the memory states.

    Raises
    ------
    NotEnoughReviewsError
        When no review qualifies for scoring.
    OptimizerError
        For invalid parameters, an unknown rating or a naive datetime.

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> from fsrs.scheduler import DEFAULT_PARAMETERS
    >>> start = datetime(2025, 3, 1, tzinfo=timezone.utc)
    >>> reviews = [("a", 3, start), ("a", 3, start + timedelta(days=3)),
    ...            ("b", 3, start), ("b", 1, start + timedelta(days=3))]
    >>> round(log_loss(DEFAULT_PARAMETERS, reviews), 3)
    1.127
    """
    parameters = checked_parameters(parameters)
    if since is not None and since.utcoffset() is None:
        raise OptimizerError(f"since must be timezone-aware, got {since!r}")
    found = predictions(parameters, histories(rows_of(reviews)), since=since)
    if not found:
        raise NotEnoughReviewsError(
            "no review to score: none comes a day or more after the previous review of its card"
        )
    return sum(loss(p.recall, p.recalled) for p in found) / len(found)
