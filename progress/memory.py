"""What the progress layer knows of a learner's memory: asked of ``quizzes`` through a hook.

The path planner (``progress.planning``), mentors' projections (``progress.mentoring``,
``progress.assignments``) and the stats (``progress.selectors.learner_stats``) need to
know, per topic, how much of it a learner has studied and whether it has faded. That
lives in ``quizzes`` (the cards and the FSRS memory model), a layer above, which
``progress`` may not import. So ``quizzes`` registers a provider here in
``QuizzesConfig.ready()``; without one (an installation without quizzes, or a unit test
of the planner alone) every learner simply has no memory data and paths have no review
steps.

The provider is called as ``provider(learner_ids=[...], now=datetime, known_only=bool)``
and returns ``{learner_id: {topic_slug: TopicMemory}}`` for topics where the learner has
cards (with ``known_only``, only their done and skipped topics). It must answer for many
learners in a constant number of queries: a mentor's cohort view asks for all of them
at once. The definitions of coverage, retention and needs review are ``quizzes.mastery``'s.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class TopicMemory:
    """One learner's memory of one topic, as the planner reads it.

    ``track`` is the topic's track slug; ``retention`` is None until a card is studied;
    ``due_cards`` counts studied cards due now; ``review_hours`` is the time a review of
    them takes (see ``quizzes.mastery``).
    """

    track: str
    cards: int
    studied: int
    coverage: float
    retention: float | None
    needs_review: bool
    due_cards: int
    review_hours: float


class MemoryProvider(Protocol):
    def __call__(
        self, *, learner_ids: list[int], now: datetime, known_only: bool
    ) -> Mapping[int, Mapping[str, TopicMemory]]: ...


_provider: MemoryProvider | None = None


def register(provider: MemoryProvider | None) -> None:
    """Install the memory provider (``quizzes`` does, in ``QuizzesConfig.ready()``)."""
    global _provider
    _provider = provider


def registered() -> MemoryProvider | None:
    return _provider


def memory_by_learner(
    *, learner_ids: Iterable[int], now: datetime, known_only: bool = True
) -> dict[int, dict[str, TopicMemory]]:
    """Each learner's memory per topic slug; empty for everyone without a provider."""
    ids = list(learner_ids)
    if _provider is None or not ids:
        return {learner_id: {} for learner_id in ids}
    found = _provider(learner_ids=ids, now=now, known_only=known_only)
    return {learner_id: dict(found.get(learner_id, {})) for learner_id in ids}


def memory_for(*, learner_id: int, now: datetime, known_only: bool = True) -> dict[str, TopicMemory]:
    """One learner's memory per topic slug."""
    return memory_by_learner(learner_ids=[learner_id], now=now, known_only=known_only)[learner_id]


def review_hours(memory: Mapping[str, TopicMemory]) -> dict[str, float]:
    """The topics that need review, each with the hours its review step takes."""
    return {slug: m.review_hours for slug, m in memory.items() if m.needs_review}

