"""A card's memory, moved by its reviews and implicit credits, and rebuilt from its history.

``apply_review`` moves a card through one real review with the ``fsrs`` scheduler (the
fuzz seeded by the card and its review number, so a replay gives exactly what the live
reviews gave); ``apply_credit`` and ``apply_boost`` apply the rules of ``quizzes.fire``.
``cards_rebuild`` replays a card's reviews (``ReviewLog``) and implicit credits
(``ImplicitCredit``) in time order. All of them change the card objects in memory;
``save_cards`` writes them in one statement.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import datetime
from typing import NamedTuple

from quizzes import fire, scheduler, selectors
from quizzes.models import Card, CardState, CreditKind, ImplicitCredit, ReviewLog

CARD_FIELDS = [
    "state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses",
    "last_credit", "uncredited_stability", "uncredited_review",
]  # fmt: skip


class Observation(NamedTuple):
    """A real review of a card that took credit since its last one: recall predicted with and
    without the credit, and what happened (see ``quizzes.fire.Calibration``)."""

    recalled: bool
    credited: float
    plain: float


def apply_review(
    card: Card, rating: int, reviewed_at: datetime, settings: scheduler.SchedulerSettings
) -> Observation | None:
    """Move the card (in memory) through one review; its next review number seeds the fuzz.

    Returns how the credits the card took since its last review fared, if it took any.
    """
    before = selectors.card_state(card)
    observation = None
    if card.uncredited_stability is not None:
        plain = scheduler.CardState(
            state="review", step=None, stability=card.uncredited_stability,
            difficulty=card.difficulty, due=card.due, last_review=card.uncredited_review,
        )  # fmt: skip
        observation = Observation(
            recalled=rating > 1,
            credited=scheduler.retrievability(before, reviewed_at, settings=settings),
            plain=scheduler.retrievability(plain, reviewed_at, settings=settings),
        )
        card.uncredited_stability = card.uncredited_review = None
    after = scheduler.review(
        before,
        rating,
        reviewed_at,
        settings=settings,
        fuzz_seed=scheduler.review_seed(card.pk, card.reps + 1),
    )
    if rating == scheduler.Rating.Again and before.state == CardState.REVIEW:
        card.lapses += 1
    card.reps += 1
    card.state, card.step = after.state, after.step
    card.stability, card.difficulty = after.stability, after.difficulty
    card.due, card.last_review = after.due, after.last_review
    return observation


def last_event(card: Card) -> datetime | None:
    """When the card's memory last changed: its last review or its last credit."""
    times = [t for t in (card.last_review, card.last_credit) if t is not None]
    return max(times, default=None)


def apply_credit(
    card: Card, at: datetime, weight: float, settings: scheduler.SchedulerSettings
) -> bool:
    """Give the card an implicit credit of `weight` at `at` if it can take one (see
    ``quizzes.fire``); whether it did."""
    if card.state == CardState.NEW:
        return False
    state = selectors.card_state(card)
    if not fire.can_take_credit(state, at, card.last_credit):
        return False
    plain = state
    if card.uncredited_stability is not None:
        plain = replace(state, stability=card.uncredited_stability, last_review=card.uncredited_review)
    credited = fire.implicit_credit(state, at, weight, settings=settings, plain=plain)
    if card.uncredited_stability is None:
        card.uncredited_stability, card.uncredited_review = card.stability, card.last_review
    card.stability, card.last_review, card.due = credited.stability, credited.last_review, credited.due
    card.last_credit = at
    return True


def apply_boost(card: Card, at: datetime, settings: scheduler.SchedulerSettings) -> bool:
    """Bring a card that took credit since its last review back to its plain schedule (due
    at `at` if that has passed); whether it moved."""
    if card.state == CardState.NEW or card.uncredited_stability is None:
        return False
    state = selectors.card_state(card)
    plain = replace(state, stability=card.uncredited_stability, last_review=card.uncredited_review)
    boosted = fire.priority_boost(state, at, plain=plain, settings=settings)
    if boosted is None:
        return False
    card.due = boosted.due
    return True


def save_cards(cards: list[Card]) -> None:
    """Write the cards' scheduling fields in one statement.

    An upsert on the primary key of rows the caller holds locked, so it only ever
    updates. ``bulk_update`` builds a ``CASE WHEN id = ...`` per field and card: for 100
    cards it took 70-100 ms, most of an offline upload; this takes under 10 ms.
    """
    if cards:
        Card.objects.bulk_create(
            cards, update_conflicts=True, unique_fields=["id"], update_fields=CARD_FIELDS
        )


_REVIEW, _CREDIT = 0, 1  # at the same instant a card's own review comes first


def cards_rebuild(
    *, cards: list[Card], settings: scheduler.SchedulerSettings, learner_id: int | None = None
) -> list[Card]:
    """Recompute the cards from their whole history, reviews and implicit credits, in time order.

    A credit that no longer applies in the replayed history (the card was not in review
    state then, say) is skipped. The caller holds the cards' locks. Two reads and one
    write, however many cards; replaying a card twice gives the same card. With
    ``learner_id`` (when `cards` are all that learner's cards) the history is read by
    learner rather than by a list of card ids.
    """
    history: dict[int, list[tuple]] = defaultdict(list)
    mine = {"learner_id": learner_id} if learner_id is not None else {"card__in": cards}
    logs = ReviewLog.objects.filter(**mine).order_by()
    for card_id, rating, at, log_id in logs.values_list("card_id", "rating", "reviewed_at", "id"):
        history[card_id].append((at, _REVIEW, log_id, rating))
    credits = ImplicitCredit.objects.filter(**mine).order_by()
    for card_id, kind, weight, at, credit_id in credits.values_list(
        "card_id", "kind", "weight", "credited_at", "id"
    ):
        history[card_id].append((at, _CREDIT, credit_id, (kind, weight)))
    for card in cards:
        card.state, card.step, card.stability, card.difficulty = CardState.NEW, None, None, None
        card.due, card.last_review, card.reps, card.lapses = card.created_at, None, 0, 0
        card.last_credit = card.uncredited_stability = card.uncredited_review = None
        for at, event, _, detail in sorted(history[card.pk]):
            if event == _REVIEW:
                apply_review(card, detail, at, settings)
            elif detail[0] == CreditKind.BOOST:
                apply_boost(card, at, settings)
            else:
                apply_credit(card, at, detail[1], settings)
    save_cards(cards)
    return cards


__all__ = [
    "CARD_FIELDS",
    "Observation",
    "apply_boost",
    "apply_credit",
    "apply_review",
    "cards_rebuild",
    "last_event",
    "save_cards",
]
