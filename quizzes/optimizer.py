"""Per-learner FSRS parameters: fitting them, scoring them, deciding whether to switch.

Fitting is fsrs-rs's (``fsrs_rs_python.FSRS.compute_parameters``, the optimiser
Anki ships); scoring replays reviews through ``fsrs.Scheduler``, the model
`quizzes.scheduler` runs, so a parameter set is judged by the predictions it
will actually make for the learner. The two engines agree on memory states to
about 1e-5 (fsrs-rs computes in float32); the tests check that.

Input is plain rows ``(card_key, rating, reviewed_at)``: any hashable card key,
a rating from 1 (Again) to 4 (Easy), and a timezone-aware datetime. A selector
reads them from the review log; a service stores the parameters chosen here.

Conventions
-----------
- Elapsed time between two reviews of a card is whole 24-hour days,
  ``(later - earlier).days``, which is how ``fsrs.Scheduler`` measures it, so the
  fitted parameters describe the scheduler we run (fsrs-rs's own examples use
  calendar-day differences at the learner's day rollover instead).
- A review is *long-term* when it comes at least one day after the previous
  review of its card. Only long-term reviews are training targets (one
  ``FSRSItem`` per long-term review, holding the card's history up to it, as
  fsrs-rs expects) and only they are scored: a same-day review's predicted
  recall is 1 by construction and says nothing about the parameters.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import fsrs
import fsrs_rs_python
from fsrs import scheduler as fsrs_scheduler

__all__ = [
    "MIN_REVIEWS",
    "FitOutcome",
    "NotEnoughReviewsError",
    "OptimizerError",
    "choose_parameters",
    "fit_parameters",
    "log_loss",
]

#: Fewest reviews (all rows, same-day ones included) we fit parameters from.
#: fsrs-rs states no minimum: given fewer than 8 long-term reviews it silently
#: returns its defaults, and below 64 it fits only the four initial
#: stabilities. Anki, the main fsrs-rs user, refuses to optimise below 400
#: reviews (1000 before 24.04). We follow Anki: by 400 reviews a learner has
#: enough long-term reviews for a full fit, and we raise instead of silently
#: returning the defaults.
MIN_REVIEWS = 400

# Predicted recall is clipped away from 0 and 1 so one confident miss cannot make the loss infinite.
_EPSILON = 1e-6


class OptimizerError(ValueError):
    """Review rows or parameters the optimiser cannot work with."""


class NotEnoughReviewsError(OptimizerError):
    """Too few reviews to fit or fairly compare parameters."""


@dataclass(frozen=True)
class FitOutcome:
    """What `choose_parameters` decided and why.

    Attributes
    ----------
    adopted : bool
        Whether the freshly fitted parameters predicted the held-out reviews better.
    parameters : tuple of float
        The parameters to use from now on: the candidate if adopted, else the current ones.
    current_loss, candidate_loss : float
        Log loss of each parameter set on the held-out reviews (lower is better).
    n_train, n_test : int
        Reviews before the cut-off (fitted on) and from it on (held out).
    """

    adopted: bool
    parameters: tuple[float, ...]
    current_loss: float
    candidate_loss: float
    n_train: int
    n_test: int


_Row = tuple[Hashable, int, datetime]
_History = list[tuple[datetime, int]]


def _rows(reviews: Iterable[tuple[Hashable, int, datetime]]) -> list[_Row]:
    rows = []
    for card_key, rating, reviewed_at in reviews:
        if isinstance(rating, bool) or rating not in (1, 2, 3, 4):
            raise OptimizerError(
                f"card {card_key!r}: rating must be 1 (Again) to 4 (Easy), got {rating!r}"
            )
        if not isinstance(reviewed_at, datetime) or reviewed_at.utcoffset() is None:
            raise OptimizerError(
                f"card {card_key!r}: reviewed_at must be a timezone-aware datetime, "
                f"got {reviewed_at!r}"
            )
        rows.append((card_key, int(rating), reviewed_at.astimezone(UTC)))
    rows.sort(key=lambda row: row[2])
    return rows


def _require_enough(rows: Sequence[_Row]) -> None:
    if len(rows) < MIN_REVIEWS:
        raise NotEnoughReviewsError(
            f"fitting FSRS parameters needs at least {MIN_REVIEWS} reviews, got {len(rows)}"
        )


def _histories(rows: Iterable[_Row]) -> dict[Hashable, _History]:
    """Each card's reviews in time order (rows must already be sorted by time)."""
    histories: dict[Hashable, _History] = {}
    for card_key, rating, reviewed_at in rows:
        histories.setdefault(card_key, []).append((reviewed_at, rating))
    return histories


def _parameters(parameters: Sequence[float]) -> tuple[float, ...]:
    parameters = tuple(float(value) for value in parameters)
    try:
        fsrs.Scheduler(parameters=parameters)
    except ValueError as error:
        raise OptimizerError(f"invalid FSRS parameters: {error}") from error
    return parameters


def _training_items(histories: dict[Hashable, _History]) -> list[fsrs_rs_python.FSRSItem]:
    dated_items = []
    for history in histories.values():
        reviews = []
        previous = history[0][0]
        for reviewed_at, rating in history:
            elapsed_days = (reviewed_at - previous).days
            reviews.append(fsrs_rs_python.FSRSReview(rating, elapsed_days))
            if elapsed_days > 0:
                dated_items.append((reviewed_at, fsrs_rs_python.FSRSItem(list(reviews))))
            previous = reviewed_at
    # fsrs-rs weights later items more (recency weighting) and expects them in time order.
    dated_items.sort(key=lambda dated: dated[0])
    return [item for _, item in dated_items]


def _fit(histories: dict[Hashable, _History]) -> tuple[float, ...]:
    items = _training_items(histories)
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


def _log_loss(
    parameters: tuple[float, ...],
    histories: dict[Hashable, _History],
    since: datetime | None,
) -> tuple[float, int]:
    scheduler = fsrs.Scheduler(parameters=parameters, enable_fuzzing=False)
    total, scored = 0.0, 0
    for history in histories.values():
        card = fsrs.Card(card_id=0, due=history[0][0])
        for reviewed_at, rating in history:
            long_term = card.last_review is not None and (reviewed_at - card.last_review).days >= 1
            if long_term and (since is None or reviewed_at >= since):
                recall = scheduler.get_card_retrievability(card, current_datetime=reviewed_at)
                recall = min(max(recall, _EPSILON), 1 - _EPSILON)
                total -= math.log(recall if rating > 1 else 1 - recall)
                scored += 1
            card, _ = scheduler.review_card(card, fsrs.Rating(rating), reviewed_at)
    if scored == 0:
        raise NotEnoughReviewsError(
            "no review to score: none comes a day or more after the previous review of its card"
        )
    return total / scored, scored


def fit_parameters(reviews: Iterable[tuple[Hashable, int, datetime]]) -> tuple[float, ...]:
    """Fit FSRS-6 parameters to one learner's review history with fsrs-rs.

    Parameters
    ----------
    reviews : iterable of (card_key, rating, reviewed_at)
        The learner's reviews, in any order.

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
    quizzes.optimizer.NotEnoughReviewsError: fitting ... needs at least 400 reviews, got 1
    """
    rows = _rows(reviews)
    _require_enough(rows)
    return _fit(_histories(rows))


def log_loss(
    parameters: Sequence[float],
    reviews: Iterable[tuple[Hashable, int, datetime]],
    *,
    since: datetime | None = None,
) -> float:
    """Mean log loss of ``parameters`` predicting whether each review was recalled.

    For every long-term review (one day or more after the card's previous one),
    the recall probability predicted from the card's memory state before it is
    compared with the outcome, recalled meaning any rating but Again.

    Parameters
    ----------
    parameters : sequence of float
        21 FSRS-6 parameters.
    reviews : iterable of (card_key, rating, reviewed_at)
        The reviews, in any order.
    since : datetime, optional
        Score only reviews at or after this instant; earlier ones still build
        each card's memory state.

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
    parameters = _parameters(parameters)
    if since is not None and since.utcoffset() is None:
        raise OptimizerError(f"since must be timezone-aware, got {since!r}")
    loss, _scored = _log_loss(parameters, _histories(_rows(reviews)), since)
    return loss


def choose_parameters(
    current: Sequence[float],
    reviews: Iterable[tuple[Hashable, int, datetime]],
    *,
    holdout_fraction: float = 0.2,
) -> FitOutcome:
    """Fit on older reviews and switch only if that predicts the newest ones better.

    The most recent ``holdout_fraction`` of reviews (by time) is held out; new
    parameters are fitted on the rest. Both the current and the new parameters
    then predict the held-out reviews, each from memory states built on the
    card's whole earlier history, and the new ones are adopted only if their
    log loss is strictly lower.

    Raises
    ------
    NotEnoughReviewsError
        Below `MIN_REVIEWS` reviews in total, or when no held-out review can be scored.
    OptimizerError
        For invalid current parameters, a bad ``holdout_fraction``, an unknown
        rating or a naive datetime.
    """
    current = _parameters(current)
    if not 0 < holdout_fraction < 1:
        raise OptimizerError(f"holdout_fraction must be between 0 and 1, got {holdout_fraction}")
    rows = _rows(reviews)
    _require_enough(rows)

    cutoff = rows[len(rows) - max(1, round(len(rows) * holdout_fraction))][2]
    # Split on the instant, not the index, so reviews sharing a timestamp stay together.
    train = [row for row in rows if row[2] < cutoff]
    histories = _histories(rows)

    candidate = _fit(_histories(train))
    current_loss, _ = _log_loss(current, histories, cutoff)
    candidate_loss, _ = _log_loss(candidate, histories, cutoff)
    adopted = candidate_loss < current_loss
    return FitOutcome(
        adopted=adopted,
        parameters=candidate if adopted else current,
        current_loss=current_loss,
        candidate_loss=candidate_loss,
        n_train=len(train),
        n_test=len(rows) - len(train),
    )
