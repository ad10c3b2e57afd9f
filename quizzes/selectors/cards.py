"""A page of the due queue as the learner sees it: the cards loaded (as models for the web
review page, which shows the answer too; as plain rows for the API's due page), each
card's question as shown this time, and what each answer button would do."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from progress.models import User
from quizzes import choices, scheduler
from quizzes.models import Card, CardState


def card_state(card: Card) -> scheduler.CardState:
    """The card as the scheduler sees it; a never-reviewed card is learning, step 0."""
    if card.state == CardState.NEW:
        return scheduler.CardState.new(card.due)
    return scheduler.CardState(
        state=card.state,
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
    )


def due_cards(*, learner: User, card_ids: Sequence[int]) -> list[Card]:
    """The learner's cards with these ids, question and topic loaded, in the given order."""
    cards = Card.objects.filter(learner=learner, pk__in=card_ids).select_related(
        "question", "topic"
    )
    by_id = {card.pk: card for card in cards}
    return [by_id[card_id] for card_id in card_ids if card_id in by_id]


class ShownTopic(NamedTuple):
    slug: str
    title: str


class ShownCardQuestion(NamedTuple):
    kind: str
    prompt: str
    choices: list[str]


class ShownCard(NamedTuple):
    """A due card as a page of the queue shows it: the card's schedule, its question without
    the answer, its topic. Read as plain rows, not models; ``card_state``,
    ``shown_question`` and ``review_previews`` take it as they take a ``Card``."""

    pk: int
    state: str
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None
    reps: int
    question: ShownCardQuestion
    topic: ShownTopic


_SHOWN_FIELDS = ("id", "state", "step", "stability", "difficulty", "due", "last_review", "reps",
                 "question__kind", "question__prompt", "question__choices", "topic__slug", "topic__title")  # fmt: skip


def shown_cards(*, learner: User, card_ids: Sequence[int]) -> list[ShownCard]:
    """`due_cards` for a page of the queue (the API's due page): only the columns shown, as
    plain rows. A page of 50 as models was a third of that page's time: 150 instances and
    every timestamp column of three tables."""
    rows = Card.objects.filter(learner=learner, pk__in=card_ids).values_list(*_SHOWN_FIELDS)
    by_id = {
        row[0]: ShownCard(*row[:8], question=ShownCardQuestion(*row[8:11]), topic=ShownTopic(*row[11:]))
        for row in rows
    }
    return [by_id[card_id] for card_id in card_ids if card_id in by_id]


@dataclass(frozen=True)
class ShownQuestion:
    """A card's question as the learner sees it now: never the answer or which choice is
    right; a multiple-choice question's options shuffled for this presentation (the card's
    next review number, see ``quizzes.choices``), which the answer must name back."""

    kind: str
    prompt: str
    choices: list[str]
    presentation: int


def shown_question(card: Card) -> ShownQuestion:
    """The card's question for its next review (needs ``card.question`` loaded)."""
    question, presentation = card.question, card.reps + 1
    return ShownQuestion(
        kind=question.kind,
        prompt=question.prompt,
        choices=choices.shown_choices(card.pk, presentation, question.choices),
        presentation=presentation,
    )


@dataclass(frozen=True)
class ButtonPreview:
    rating: int
    label: str
    due: datetime
    interval: str


def review_previews(
    *, card: Card, now: datetime, settings: scheduler.SchedulerSettings
) -> list[ButtonPreview]:
    """What each of the four answer buttons would do, with the seed the real review uses."""
    due = scheduler.preview(
        card_state(card),
        now,
        settings=settings,
        fuzz_seed=scheduler.review_seed(card.pk, card.reps + 1),
    )
    return [
        ButtonPreview(
            rating=int(rating),
            label=rating.name,
            due=at,
            interval=scheduler.format_interval(at - now),
        )
        for rating, at in due.items()
    ]
