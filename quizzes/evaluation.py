"""How well does the memory model predict this installation's learners? The srs-benchmark protocol.

Per learner, as open-spaced-repetition's srs-benchmark does it:

- only the **first review of each card on each day** is kept (a same-day repeat is no
  test of memory), and only long-term reviews (a day or more after the card's previous
  one) that are evidence (not multiple-choice: ``quizzes.optimizer.history``) are scored;
- a **time-series split**: the learner's reviews in time order are cut into
  ``splits + 1`` chunks and each chunk after the first is predicted by models trained on
  everything before it (``quizzes.optimizer.folds``);
- three models predict the probability of recall: **FSRS-6 with the default
  parameters**, **FSRS-6 with parameters fitted** (fsrs-rs) on the training part, and
  **SM-2** turned into a probability as srs-benchmark does, R = 0.9^(t / I) for an
  interval I from SM-2 over the card's earlier grades (Again → 2, Hard → 3, Good → 4,
  Easy → 5);
- three metrics: **log loss**, **RMSE (bins)** (predictions and outcomes grouped by
  interval, review number and lapses in srs-benchmark's log-spaced bins; the RMSE of the
  groups' mean prediction against their mean recall, weighted by group size) and
  **AUC** (the probability that a recalled review got a higher prediction than a
  forgotten one);
- each metric averaged over learners **weighted by their number of scored reviews**.

Pure: no Django. ``manage.py evaluate_memory`` reads the logs (or makes a synthetic data
set with ``quizzes.synthetic``) and prints `table`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from fsrs.scheduler import DEFAULT_PARAMETERS

from quizzes.optimizer import Row, folds, histories, loss, predictions, rows_of
from quizzes.optimizer.history import Review
from quizzes.optimizer.scoring import fit

__all__ = ["MODELS", "Score", "auc", "evaluate", "first_of_each_day", "rmse_bins", "sm2_interval", "table"]

MODELS = ("FSRS-6, default parameters", "FSRS-6, fitted parameters", "SM-2")


def first_of_each_day(rows: Sequence[Row]) -> list[Row]:
    """The first review of each card on each (UTC) day, in time order."""
    seen, kept = set(), []
    for row in rows:
        day = (row.card, row.at.date())
        if day not in seen:
            seen.add(day)
            kept.append(row)
    return kept


def sm2_interval(ratings: Iterable[int], maximum: float = 36500) -> float:
    """The interval in days SM-2 (Wozniak 1990) schedules after these grades (1 to 4).

    >>> sm2_interval([3]), sm2_interval([3, 3]), sm2_interval([3, 3, 3]), sm2_interval([3, 1])
    (1, 6, 15, 1)
    """
    interval, ease, repetitions = 0.0, 2.5, 0
    for rating in ratings:
        quality = rating + 1
        if quality > 2:
            interval = 1 if repetitions == 0 else 6 if repetitions == 1 else interval * ease
            repetitions += 1
        else:
            interval, repetitions = 1, 0
        ease = max(1.3, ease + (0.1 - (5 - quality) * (0.08 + (5 - quality) * 0.02)))
        interval = min(max(1, round(interval + 0.01)), maximum)
    return interval


def _sm2_predictions(cards: dict[Hashable, list[Review]], start, end) -> list[tuple]:
    found = []
    for history in cards.values():
        lapses = 0
        for number, review in enumerate(history):
            if end is not None and review.at >= end:
                break
            if number:
                elapsed = (review.at - history[number - 1].at).days
                if elapsed >= 1 and review.scored and review.at >= start:
                    interval = sm2_interval(r.rating for r in history[:number])
                    found.append((0.9 ** (elapsed / interval), review.rating > 1, elapsed, number, lapses))
                if elapsed >= 1 and review.rating == 1:
                    lapses += 1
    return found


def learner_predictions(rows: Iterable[Sequence], *, splits: int = 5) -> dict[str, list[tuple]]:
    """Each model's held-out predictions for one learner: ``(p, recalled, elapsed_days,
    review_number, lapses)`` tuples."""
    rows = first_of_each_day(rows_of(rows))
    out: dict[str, list[tuple]] = {model: [] for model in MODELS}
    if len(rows) <= splits:
        return out
    cards = histories(rows)
    for start, end in folds(rows, splits):
        fitted = fit(histories(row for row in rows if row.at < start))
        for model, parameters in zip(MODELS[:2], (tuple(DEFAULT_PARAMETERS), fitted), strict=True):
            out[model] += [
                (p.recall, p.recalled, p.elapsed_days, p.number, p.lapses)
                for p in predictions(parameters, cards, since=start, until=end)
            ]
        out[MODELS[2]] += _sm2_predictions(cards, start, end)
    return out


def log_loss(found: Sequence[tuple]) -> float:
    return sum(loss(p, y) for p, y, *_ in found) / len(found)


def _bin(value: float, base: float, scale: float, digits: int) -> float:
    return round(scale * base ** math.floor(math.log(value) / math.log(base)), digits)


def rmse_bins(found: Sequence[tuple]) -> float:
    """srs-benchmark's RMSE (bins): groups by interval, review number and lapses.

    >>> round(rmse_bins([(0.9, True, 3, 2, 0), (0.9, False, 3, 2, 0), (0.5, True, 40, 5, 1)]), 3)
    0.436
    """
    groups: dict[tuple, list] = defaultdict(lambda: [0.0, 0.0, 0])
    for p, y, elapsed, number, lapses in found:
        key = (
            _bin(max(elapsed, 1e-6), 3.62, 2.48, 2),
            _bin(max(number, 1), 1.89, 1.99, 0),
            _bin(lapses, 1.73, 1.65, 0) if lapses else 0,
        )
        group = groups[key]
        group[0] += p
        group[1] += y
        group[2] += 1
    total = sum(n for *_, n in groups.values())
    return math.sqrt(sum(n * (p / n - y / n) ** 2 for p, y, n in groups.values()) / total)


def auc(found: Sequence[tuple]) -> float | None:
    """The area under the ROC curve (ties count half); None with only one outcome.

    >>> auc([(0.9, True), (0.8, False), (0.7, True), (0.2, False)])
    0.75
    """
    ordered = sorted(found, key=lambda item: item[0])
    positives = sum(1 for _, y, *_ in ordered if y)
    negatives = len(ordered) - positives
    if not positives or not negatives:
        return None
    rank_sum, index = 0.0, 0
    while index < len(ordered):
        tied = index
        while tied + 1 < len(ordered) and ordered[tied + 1][0] == ordered[index][0]:
            tied += 1
        average_rank = (index + tied) / 2 + 1
        rank_sum += average_rank * sum(1 for item in ordered[index : tied + 1] if item[1])
        index = tied + 1
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


@dataclass
class Score:
    """A model's metrics, averaged over learners weighted by their scored reviews."""

    learners: int = 0
    reviews: int = 0
    sums: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    weights: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, found: Sequence[tuple]) -> None:
        if not found:
            return
        self.learners += 1
        self.reviews += len(found)
        for name, value in (("log loss", log_loss(found)), ("RMSE (bins)", rmse_bins(found)), ("AUC", auc(found))):
            if value is not None:
                self.sums[name] += value * len(found)
                self.weights[name] += len(found)

    def mean(self, name: str) -> float | None:
        return self.sums[name] / self.weights[name] if self.weights[name] else None


def evaluate(learners: Mapping[Hashable, Iterable[Sequence]], *, splits: int = 5) -> dict[str, Score]:
    """Each model's scores over the learners (learner key -> their review rows)."""
    scores = {model: Score() for model in MODELS}
    for rows in learners.values():
        for model, found in learner_predictions(rows, splits=splits).items():
            scores[model].add(found)
    return scores


def table(scores: Mapping[str, Score]) -> str:
    """The scores as one Markdown table."""
    def number(value, digits):
        return "–" if value is None else f"{value:.{digits}f}"

    lines = [
        "| model | log loss ↓ | RMSE (bins) ↓ | AUC ↑ | learners | reviews scored |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for model, score in scores.items():
        lines.append(
            f"| {model} | {number(score.mean('log loss'), 4)} | {number(score.mean('RMSE (bins)'), 4)} "
            f"| {number(score.mean('AUC'), 4)} | {score.learners} | {score.reviews:,} |"
        )
    return "\n".join(lines)
