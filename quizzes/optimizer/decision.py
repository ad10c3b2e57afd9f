"""Whether to switch a learner to their own FSRS parameters: only when the gain is real.

`choose_parameters` evaluates *the procedure* "fit on what came before, predict what
comes next" with time-series splits (srs-benchmark's protocol): the learner's reviews in
time order are cut into ``splits + 1`` chunks; for each chunk after the first, parameters
are fitted on all reviews before it and, like the current parameters, predict the
chunk's long-term scored reviews from each card's whole earlier history. That gives one
pair of log losses per held-out review. The switch is made only when

- there are at least `MIN_SCORED` held-out scored reviews (at 400 reviews in all a
  single 20 % hold-out had 20 to 43, too few to tell noise from a gain), and
- the mean paired improvement is above zero with one-sided confidence `CONFIDENCE`, by a
  paired z-test whose standard error is clustered by *card* (a card's reviews are not
  independent of each other: the sandwich estimator of a ratio of sums), so the same
  reviews always give the same decision.

The parameters adopted are then fitted on all reviews. Pure: no Django.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import NormalDist

from quizzes.optimizer.history import (
    OptimizerError,
    Row,
    checked_parameters,
    histories,
    require_enough,
    rows_of,
)
from quizzes.optimizer.scoring import fit, loss, predictions

#: Time-series splits: the reviews are cut into this many held-out chunks plus a first one.
SPLITS = 5
#: Fewest held-out scored reviews a decision may rest on.
MIN_SCORED = 200
#: One-sided confidence that the improvement is above zero.
CONFIDENCE = 0.975


@dataclass(frozen=True)
class FitOutcome:
    """What `choose_parameters` decided, on which figures, and why.

    ``current_loss`` and ``candidate_loss`` are the mean log losses on the held-out
    reviews (None without any), ``scored`` how many there were, ``improvement`` the mean
    paired difference (current − candidate, positive when fitting helps) and
    ``improvement_low`` the lower end of its one-sided confidence interval. ``parameters``
    are those to use from now on: ``candidate`` (fitted on all reviews) if adopted, else
    the current ones.
    """

    adopted: bool
    parameters: tuple[float, ...]
    candidate: tuple[float, ...]
    current_loss: float | None
    candidate_loss: float | None
    scored: int
    improvement: float | None
    improvement_low: float | None
    reason: str


def folds(rows: Sequence[Row], splits: int = SPLITS) -> list[tuple]:
    """The [start, end) instants of each held-out chunk (end None for the last).

    Cuts fall on instants, so reviews sharing a timestamp stay in one chunk.

    >>> from datetime import datetime, timedelta, timezone
    >>> start = datetime(2025, 1, 1, tzinfo=timezone.utc)
    >>> rows = [Row("a", 3, start + timedelta(days=n)) for n in range(6)]
    >>> [(a.day, b.day if b else None) for a, b in folds(rows, 2)]
    [(3, 5), (5, None)]
    """
    n = len(rows)
    cuts = sorted({rows[round(i * n / (splits + 1))].at for i in range(1, splits + 1)})
    return list(zip(cuts, [*cuts[1:], None], strict=True))


def choose_parameters(
    current: Sequence[float],
    reviews: Iterable[Sequence],
    *,
    splits: int = SPLITS,
    min_scored: int = MIN_SCORED,
    confidence: float = CONFIDENCE,
) -> FitOutcome:
    """Decide whether the learner's own parameters predict their reviews better, for real.

    See the module docstring. Reviews are ``(card_key, rating, reviewed_at[, scored])``.

    Raises
    ------
    NotEnoughReviewsError
        Below `MIN_REVIEWS` reviews in total.
    OptimizerError
        For invalid current parameters or options, an unknown rating or a naive datetime.
    """
    current = checked_parameters(current)
    if splits < 1 or not 0.5 < confidence < 1:
        raise OptimizerError(f"need splits >= 1 and 0.5 < confidence < 1; got {splits}, {confidence}")
    rows = rows_of(reviews)
    require_enough(rows)
    cards = histories(rows)
    candidate = fit(cards)
    baseline = {(p.card, p.at): p for p in predictions(current, cards)}
    pairs = []
    for start, end in folds(rows, splits):
        fitted = fit(histories(row for row in rows if row.at < start))
        for p in predictions(fitted, cards, since=start, until=end):
            before = baseline[p.card, p.at]
            pairs.append((p.card, loss(before.recall, before.recalled), loss(p.recall, p.recalled)))
    if not pairs:
        return _kept(current, candidate, 0, None, None, None, None, "no held-out review could be scored")
    current_loss = sum(c for _, c, _ in pairs) / len(pairs)
    candidate_loss = sum(f for _, _, f in pairs) / len(pairs)
    improvement = current_loss - candidate_loss
    if len(pairs) < min_scored:
        return _kept(
            current, candidate, len(pairs), current_loss, candidate_loss, improvement, None,
            f"only {len(pairs)} held-out scored reviews; a decision needs {min_scored}",
        )  # fmt: skip
    low = _lower_bound(pairs, confidence)
    if low <= 0:
        return _kept(
            current, candidate, len(pairs), current_loss, candidate_loss, improvement, low,
            f"the gain in log loss ({improvement:+.4f}) is not above zero with "
            f"{confidence:.1%} confidence (lower bound {low:+.4f})",
        )  # fmt: skip
    return FitOutcome(
        True, candidate, candidate, current_loss, candidate_loss, len(pairs), improvement, low,
        f"log loss improves by {improvement:.4f} (at least {low:.4f} with {confidence:.1%} "
        f"confidence) on {len(pairs)} held-out reviews",
    )  # fmt: skip


def _kept(current, candidate, scored, current_loss, candidate_loss, improvement, low, reason):
    return FitOutcome(
        False, current, candidate, current_loss, candidate_loss, scored, improvement, low, reason
    )


def _lower_bound(pairs, confidence: float) -> float:
    """One-sided lower confidence bound of the mean improvement, errors clustered by card.

    >>> pairs = [("a", 0.5, 0.4), ("a", 0.5, 0.45), ("b", 0.3, 0.2), ("c", 0.6, 0.55)]
    >>> round(_lower_bound(pairs, 0.975), 4)
    0.0538
    """
    per_card: dict = {}
    for card, current_loss, candidate_loss in pairs:
        total, count = per_card.get(card, (0.0, 0))
        per_card[card] = (total + current_loss - candidate_loss, count + 1)
    k, n = len(per_card), len(pairs)
    mean = sum(total for total, _ in per_card.values()) / n
    if k < 2:
        return float("-inf")
    spread = sum((total - mean * count) ** 2 for total, count in per_card.values())
    error = math.sqrt(k / (k - 1) * spread) / n
    return mean - NormalDist().inv_cdf(confidence) * error
