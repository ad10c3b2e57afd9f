"""Retiring a topic: off the roadmap, kept for the learners who studied it.

A retired topic is hidden from the roadmap lists, the path engine's graph (so paths, ready
lists and cohort projections) and new review decks, while every learner keeps their
progress, notes, cards and review history on it, shown as retired. Deleting a topic would
destroy all that, so a topic with learners' data is not deleted through the API
(``TopicInUse``, a 409) and only a superuser may force it in the admin.

Learners' data lives in higher layers (``progress``, ``quizzes``). Each tells this one
what it keeps on a topic through ``register_learner_data``, called from its
``AppConfig.ready()``: a name ("progress", "notes", "cards") and a function giving the ids
of the learners with that kind of data on a topic.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from roadmap.models import Topic
from roadmap.services import lock_roadmap

LearnersWith = Callable[[Topic], Iterable[int]]

_kinds: dict[str, LearnersWith] = {}


def register_learner_data(kind: str, learners_with: LearnersWith) -> None:
    """Let ``learner_data_on`` count the learners with ``kind`` of data on a topic."""
    _kinds[kind] = learners_with


@dataclass(frozen=True)
class LearnerData:
    """How many learners keep something on a topic, in all and per kind of data."""

    learners: int = 0
    per_kind: dict[str, int] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return self.learners > 0

    def sentence(self, topic: Topic) -> str:
        """E.g. "3 learners have progress, notes or cards on calculus (3 with progress, 1 with
        cards)"."""
        kinds = ", ".join(_kinds)
        kinds = " or ".join(kinds.rsplit(", ", 1))
        detail = ", ".join(f"{n} with {kind}" for kind, n in self.per_kind.items() if n)
        people = f"{self.learners} learner{'s' if self.learners != 1 else ''}"
        verb = "have" if self.learners != 1 else "has"
        return f"{people} {verb} {kinds} on {topic.slug} ({detail})"


class TopicInUse(Exception):
    """The topic holds learners' data: retire it instead of deleting it."""

    def __init__(self, topic: Topic, data: LearnerData):
        self.topic, self.data = topic, data
        super().__init__(f"{data.sentence(topic)}; retire the topic instead of deleting it")


def learner_data_on(*, topic: Topic) -> LearnerData:
    """Who keeps progress, notes or cards on ``topic`` (one query per kind)."""
    everyone: set[int] = set()
    per_kind = {}
    for kind, learners_with in _kinds.items():
        learners = set(learners_with(topic))
        per_kind[kind] = len(learners)
        everyone |= learners
    return LearnerData(len(everyone), per_kind)


def ensure_deletable(*, topic: Topic) -> None:
    """Raises ``TopicInUse`` when deleting ``topic`` would destroy learners' data."""
    data = learner_data_on(topic=topic)
    if data:
        raise TopicInUse(topic, data)


@transaction.atomic
def topic_retire(*, topic: Topic) -> Topic:
    """Take the topic off the roadmap; learners keep what they have on it. Idempotent."""
    lock_roadmap()
    if topic.retired_at is None:
        topic.retired_at = timezone.now()
        topic.save(update_fields=["retired_at", "updated_at"])
    return topic


@transaction.atomic
def topic_restore(*, topic: Topic) -> Topic:
    """Put a retired topic back on the roadmap. Idempotent."""
    lock_roadmap()
    if topic.retired_at is not None:
        topic.retired_at = None
        topic.save(update_fields=["retired_at", "updated_at"])
    return topic
