"""How well a learner knows a topic, from the FSRS state of the topic's cards.

One definition, used by the API, the nightly refresh and the roadmap:

- **coverage** = reviewed cards / cards: the share of the topic's cards the learner
  has reviewed at least once (0 for a topic without cards).
- **mean retrievability** = the mean, over the reviewed cards only, of FSRS's
  predicted probability of recalling each card now (`quizzes.scheduler.retrievability`,
  which counts whole days since the last review; computed for the whole topic at once
  by `quizzes.scheduler.retrievabilities`).
- **mastery** = mean retrievability × coverage. Equivalently, the predicted recall
  summed over *all* the topic's cards and divided by their number, a never-reviewed
  card counting as 0. ``None`` while no card has been reviewed: "not measured yet"
  is not the same as "forgotten".
- **needs review**: the topic is done, its mastery is known, and mastery is
  strictly below the learner's desired retention. The scheduler asks for a review
  when a card's recall falls to the desired retention, so a done topic whose mastery
  is below it has, on balance, cards overdue or never reviewed.

Pure: plain values in, plain values out; a selector reads the cards, a service
writes the result to ``TopicProgress``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from quizzes.scheduler import Memory, SchedulerSettings, retrievabilities

__all__ = ["Mastery", "needs_review", "topic_mastery"]


@dataclass(frozen=True)
class Mastery:
    """A topic's mastery for one learner; see the module docstring for the definitions."""

    cards: int
    reviewed: int
    coverage: float
    mean_retrievability: float | None
    mastery: float | None


def topic_mastery(
    reviewed_states: Iterable[Memory],
    now: datetime,
    *,
    cards: int,
    settings: SchedulerSettings,
) -> Mastery:
    """Mastery at ``now`` of a topic of ``cards`` cards, from the states of its reviewed ones.

    Never-reviewed cards only count towards ``cards`` (and so lower the coverage); no
    state is needed for them. A state is a `CardState` or any row with the card's
    ``stability`` and ``last_review`` (see `quizzes.scheduler.Memory`).

    Raises
    ------
    ValueError
        When a state is of a never-reviewed card, or there are more states than cards.

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> from quizzes.scheduler import CardState, review
    >>> settings = SchedulerSettings()
    >>> start = datetime(2025, 3, 1, tzinfo=timezone.utc)
    >>> learnt = review(CardState.new(start), 3, start, settings=settings, fuzz_seed=1)
    >>> topic_mastery([learnt], start, cards=2, settings=settings)
    Mastery(cards=2, reviewed=1, coverage=0.5, mean_retrievability=1.0, mastery=0.5)
    >>> later = topic_mastery([learnt], start + timedelta(days=3), cards=1, settings=settings)
    >>> round(later.mastery, 3), later.coverage
    (0.881, 1.0)
    >>> topic_mastery([], start, cards=3, settings=settings).mastery is None
    True
    """
    states = list(reviewed_states)
    if any(state.last_review is None for state in states):
        raise ValueError("a never-reviewed card has no retrievability; count it in cards")
    reviewed = len(states)
    if reviewed > cards:
        raise ValueError(f"{reviewed} reviewed cards cannot belong to a topic of {cards} cards")
    if reviewed == 0:
        return Mastery(
            cards=cards, reviewed=0, coverage=0.0, mean_retrievability=None, mastery=None
        )
    mean = sum(retrievabilities(states, now, settings=settings)) / reviewed
    coverage = reviewed / cards
    return Mastery(
        cards=cards,
        reviewed=reviewed,
        coverage=coverage,
        mean_retrievability=mean,
        mastery=mean * coverage,
    )


def needs_review(mastery: Mastery, *, done: bool, desired_retention: float) -> bool:
    """Whether a topic should be flagged for review.

    Examples
    --------
    >>> m = Mastery(cards=4, reviewed=4, coverage=1.0, mean_retrievability=0.85, mastery=0.85)
    >>> needs_review(m, done=True, desired_retention=0.9)
    True
    >>> needs_review(m, done=False, desired_retention=0.9)
    False
    >>> needs_review(m, done=True, desired_retention=0.85)
    False
    """
    return done and mastery.mastery is not None and mastery.mastery < desired_retention
