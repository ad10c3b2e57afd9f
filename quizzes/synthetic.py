"""Synthetic review logs: learners whose true memory is known, for tests, the benchmark and
``manage.py evaluate_memory --synthetic``.

A learner's true memory is FSRS-6 with ``true_parameters``; they are scheduled by FSRS
with the default parameters (or ``parameters``) at 90 % desired retention, without fuzz.
Each day a few new cards join; every due card is reviewed, often late (a quarter of
reviews 1 to 5 days late). Whether a review is recalled is drawn from the true memory:
a first answer is Again 15 %, Hard 10 %, Good 60 %, Easy 15 %; a recalled card is
answered Hard 15 %, Good 75 %, Easy 10 %. A multiple-choice card (a share
``multiple_choice``, four options) that is forgotten is still answered right a quarter of
the time, by guessing, and rated as Pathwise rates it (right Good, wrong Again); its
reviews are marked not ``scored``. Pure and seeded.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import fsrs
from fsrs.scheduler import DEFAULT_PARAMETERS, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

__all__ = ["FORGETFUL", "START", "learner_reviews", "population"]

START = datetime(2024, 1, 1, 7, tzinfo=UTC)

#: A learner who forgets far faster than FSRS's population defaults assume: low initial
#: stabilities, slow stability growth and a steeper forgetting curve.
FORGETFUL = (
    (0.05, 0.2, 0.5, 1.5) + tuple(DEFAULT_PARAMETERS[4:8]) + (0.9,) + tuple(DEFAULT_PARAMETERS[9:20]) + (0.6,)
)


def learner_reviews(
    true_parameters: Sequence[float] = DEFAULT_PARAMETERS,
    *,
    reviews: int = 2000,
    new_per_day: int = 6,
    multiple_choice: float = 0.0,
    parameters: Sequence[float] = DEFAULT_PARAMETERS,
    seed: int = 1,
    prefix: str = "card",
) -> list[tuple[str, int, datetime, bool]]:
    """About `reviews` review rows ``(card_key, rating, reviewed_at, scored)`` of one learner.

    >>> rows = learner_reviews(reviews=50, seed=3)
    >>> len(rows) >= 50, rows[0][1:3] == rows[0][1:3], all(scored for *_, scored in rows)
    (True, True, True)
    >>> learner_reviews(reviews=50, seed=3) == rows
    True
    """
    rng = random.Random(seed)
    truth = fsrs.Scheduler(parameters=tuple(true_parameters), enable_fuzzing=False)
    scheduler = fsrs.Scheduler(parameters=tuple(parameters), enable_fuzzing=False)
    cards: list[dict] = []
    rows: list[tuple[str, int, datetime, bool]] = []
    day = 0
    while len(rows) < reviews and day < 3650:
        today = START + timedelta(days=day)
        for _ in range(new_per_day):
            key = f"{prefix}-{len(cards)}"
            at = today + timedelta(minutes=rng.uniform(0, 60))
            cards.append({
                "key": key, "state": fsrs.Card(card_id=1, due=at), "true": fsrs.Card(card_id=1, due=at),
                "next": at, "choice": rng.random() < multiple_choice,
            })  # fmt: skip
        tomorrow = today + timedelta(days=1)
        due = sorted((c for c in cards if c["next"] < tomorrow), key=lambda c: c["next"])
        while due:
            card = due.pop(0)
            at = card["next"]
            rating = _answer(rng, truth, card, at)
            rows.append((card["key"], rating, at, not card["choice"]))
            card["true"], _ = truth.review_card(card["true"], fsrs.Rating(rating), at)
            card["state"], _ = scheduler.review_card(card["state"], fsrs.Rating(rating), at)
            late = timedelta(0)
            if card["state"].state == fsrs.State.Review:
                late = timedelta(days=rng.choice([0, 0, 0, 1, 2, 5]))
            card["next"] = card["state"].due + late + timedelta(minutes=rng.uniform(0, 30))
            if card["next"] < tomorrow:
                due.append(card)
                due.sort(key=lambda c: c["next"])
        day += 1
    return rows


def _answer(rng: random.Random, truth: fsrs.Scheduler, card: dict, at: datetime) -> int:
    if card["true"].last_review is None:
        return rng.choices([1, 2, 3, 4], weights=[15, 10, 60, 15])[0]
    recalled = rng.random() < truth.get_card_retrievability(card["true"], at)
    if card["choice"]:
        return 3 if recalled or rng.random() < 0.25 else 1
    if recalled:
        return rng.choices([2, 3, 4], weights=[15, 75, 10])[0]
    return 1


def population(
    learners: int = 12, *, reviews: int = 1500, multiple_choice: float = 0.3, seed: int = 7
) -> dict[str, list[tuple[str, int, datetime, bool]]]:
    """A synthetic installation: `learners` learners, each with their own true memory (the
    FSRS defaults with every parameter scaled by a random factor from 0.5 to 2, within
    fsrs's bounds; every third learner `FORGETFUL`), each with about `reviews` reviews,
    a share `multiple_choice` of their cards multiple choice.

    >>> learners = population(2, reviews=40)
    >>> sorted(learners), all(len(rows) >= 40 for rows in learners.values())
    (['synthetic-1', 'synthetic-2'], True)
    """
    rng = random.Random(seed)
    found = {}
    for number in range(1, learners + 1):
        if number % 3 == 0:
            truth = FORGETFUL
        else:
            bounds = zip(DEFAULT_PARAMETERS, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True)
            truth = tuple(min(max(value * 2 ** rng.uniform(-1, 1), low), high) for value, low, high in bounds)
        found[f"synthetic-{number}"] = learner_reviews(
            truth, reviews=reviews, multiple_choice=multiple_choice, seed=seed * 1000 + number,
            prefix=f"learner-{number}-card",
        )  # fmt: skip
    return found
