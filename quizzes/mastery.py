"""How well a learner knows a topic, from the FSRS state of the topic's cards.

One set of definitions, used by the API (``topics/{slug}/mastery/``, ``me/stats/``), the
nightly refresh, the path planner (through ``progress.memory``) and the roadmap pages.
Two separate numbers, never multiplied together:

- **coverage** = studied cards / cards: the share of the topic's cards the learner has
  reviewed at least once (0 for a topic without cards). It grows as the daily new-card
  limit lets cards in; it says nothing about forgetting.
- **retention** = the mean, over the *studied* cards only, of FSRS's predicted
  probability of recalling each card now (`quizzes.scheduler.retrievabilities`, which
  counts whole days since the last review). ``None`` while no card has been studied:
  "not measured yet" is not the same as "forgotten".
- **needs review**: the topic is known (done, or skipped and checked by a quiz), its
  retention is measured, and retention is strictly below the learner's desired
  retention. The scheduler asks for a review when a card's recall falls to the desired
  retention, so a known topic whose mean recall is below it has, on balance, cards
  overdue. Cards still waiting behind the daily new-card limit lower the coverage, never
  the retention, so they can never make a topic need review.
- **review time**: a topic that needs review comes back into a learner's path as a
  review step of its due cards at `MINUTES_PER_CARD` each (at least one card), not at its
  full study hours.

Pure: plain values in, plain values out; a selector reads the cards, a service
writes the result to ``TopicProgress``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from quizzes.scheduler import Memory, SchedulerSettings, retrievabilities

__all__ = ["MINUTES_PER_CARD", "Mastery", "needs_review", "review_hours", "topic_mastery"]

#: Time budgeted per due card in a review step: answering takes seconds, but a faded
#: card usually sends the learner back to the explanation or the resource.
MINUTES_PER_CARD = 1.0


@dataclass(frozen=True)
class Mastery:
    """A topic's coverage and retention for one learner; see the module docstring."""

    cards: int
    studied: int
    coverage: float
    retention: float | None

    @property
    def retention_times_coverage(self) -> float | None:
        """The single number the API reported before (deprecated: it mixes the two)."""
        return None if self.retention is None else self.retention * self.coverage


def topic_mastery(
    studied_states: Iterable[Memory],
    now: datetime,
    *,
    cards: int,
    settings: SchedulerSettings,
) -> Mastery:
    """Coverage and retention at ``now`` of a topic of ``cards`` cards, from its studied ones.

    Never-studied cards only count towards ``cards`` (and so lower the coverage); no
    state is needed for them. A state is a `CardState` or any row with the card's
    ``stability`` and ``last_review`` (see `quizzes.scheduler.Memory`).

    Raises
    ------
    ValueError
        When a state is of a never-studied card, or there are more states than cards.

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> from quizzes.scheduler import CardState, review
    >>> settings = SchedulerSettings()
    >>> start = datetime(2025, 3, 1, tzinfo=timezone.utc)
    >>> learnt = review(CardState.new(start), 3, start, settings=settings, fuzz_seed=1)

    Three of four cards still wait behind the daily limit: coverage is low, retention is not.

    >>> topic_mastery([learnt], start, cards=4, settings=settings)
    Mastery(cards=4, studied=1, coverage=0.25, retention=1.0)
    >>> later = topic_mastery([learnt], start + timedelta(days=3), cards=1, settings=settings)
    >>> round(later.retention, 3), later.coverage
    (0.881, 1.0)
    >>> topic_mastery([], start, cards=3, settings=settings).retention is None
    True
    """
    states = list(studied_states)
    if any(state.last_review is None for state in states):
        raise ValueError("a never-studied card has no retention; count it in cards")
    studied = len(states)
    if studied > cards:
        raise ValueError(f"{studied} studied cards cannot belong to a topic of {cards} cards")
    coverage = studied / cards if cards else 0.0
    if studied == 0:
        return Mastery(cards=cards, studied=0, coverage=coverage, retention=None)
    retention = sum(retrievabilities(states, now, settings=settings)) / studied
    return Mastery(cards=cards, studied=studied, coverage=coverage, retention=retention)


def needs_review(mastery: Mastery, *, known: bool, desired_retention: float) -> bool:
    """Whether a topic should be reviewed: known, measured, and retention below the target.

    Examples
    --------
    >>> faded = Mastery(cards=4, studied=4, coverage=1.0, retention=0.85)
    >>> needs_review(faded, known=True, desired_retention=0.9)
    True
    >>> needs_review(faded, known=False, desired_retention=0.9)
    False
    >>> needs_review(faded, known=True, desired_retention=0.85)
    False

    A topic whose cards mostly wait behind the daily limit does not need review:

    >>> waiting = Mastery(cards=4, studied=1, coverage=0.25, retention=0.97)
    >>> needs_review(waiting, known=True, desired_retention=0.9)
    False
    """
    return known and mastery.retention is not None and mastery.retention < desired_retention


def review_hours(due_cards: int) -> float:
    """Hours a review step of ``due_cards`` cards takes, counting at least one card.

    Examples
    --------
    >>> review_hours(6), review_hours(0)
    (0.1, 0.016666666666666666)
    """
    return max(due_cards, 1) * MINUTES_PER_CARD / 60
