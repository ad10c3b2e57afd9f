"""Reading a submitted review: what it means, and whether it can be taken as sent.

A free-recall card is rated by the learner; a multiple-choice card is graded from its
answer (``quizzes.choices``). ``review_time`` checks when a review says it was made. Both
return errors naming the field instead of raising, so an offline batch can reject one
review and apply the rest. Used by ``quizzes.services``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.utils import timezone

from quizzes import choices, scheduler
from quizzes.cards import last_event
from quizzes.models import Card, QuestionKind

#: How far ahead of the server clock a device's ``reviewed_at`` may be.
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class ReviewInput:
    """One review as a client sends it. ``answer`` is free text, or for a multiple-choice
    card the position (or list of positions) of the chosen option in the order shown by
    ``presentation`` (see ``quizzes.choices``)."""

    card_id: int
    rating: int | None = None
    answer: object = None
    reviewed_at: datetime | None = None
    duration_ms: int | None = None
    client_id: str | None = None
    presentation: int | None = None


def refused(field_name: str, message: str) -> tuple[int, None, str, dict]:
    return 0, None, "", {field_name: [message]}


def grade(
    card: Card, review: ReviewInput, *, live: bool, earlier: int = 0
) -> tuple[int, bool | None, str, dict]:
    """The rating to apply, whether the answer was right, the answer as stored text, errors.

    A free-recall card is rated by the learner. A multiple-choice card is graded from its
    answer, positions in the order it was shown (``quizzes.choices``): right is Good, wrong
    is Again, and a rating alone is refused, since a guess rated "Good" would count as a
    recall. The log stores the chosen options as indexes of the question's own choices.

    Without a ``presentation`` the answer is taken as given to the shuffle the card shows for
    its next review (``reps + 1``; in an offline batch, after the ``earlier`` reviews of the
    card the batch holds): what the due cards showed when the device fetched them.
    """
    rating, answer = review.rating, review.answer
    if rating is not None and (isinstance(rating, bool) or rating not in (1, 2, 3, 4)):
        return refused(
            "rating", f"rating must be 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy), got {rating!r}"
        )
    question = card.question
    if question.kind == QuestionKind.FREE_RECALL:
        if rating is None:
            return refused("rating", "this free recall card needs a rating")
        if answer is not None and not isinstance(answer, str):
            return refused("answer", "a free-recall answer must be text")
        return rating, None, answer or "", {}
    if answer is None:
        return refused(
            "answer",
            "a multiple choice card is graded from its answer: send the position of the option "
            "you chose (a rating alone is not accepted)",
        )
    presentation = review.presentation
    if presentation is None:
        presentation = card.reps + 1 + (0 if live else earlier)
    try:
        chosen = choices.original_indexes(
            card.pk, presentation, len(question.choices), answer if isinstance(answer, list) else [answer]
        )
    except choices.ChoiceError as error:
        return refused("presentation" if "presentation" in str(error) else "answer", str(error))
    correct = sorted(set(chosen)) == sorted(set(question.correct_choices))
    graded = scheduler.Rating.Good if correct else scheduler.Rating.Again
    if rating is not None and rating != graded:
        return refused(
            "rating",
            f"a multiple choice card is rated from its answer: this one is "
            f"{'right' if correct else 'wrong'}, so {int(graded)} ({graded.name}), not {rating}",
        )
    return int(graded), correct, ",".join(str(c) for c in chosen), {}


def review_time(
    review: ReviewInput, card: Card, now: datetime, *, live: bool
) -> tuple[datetime | None, dict]:
    if review.reviewed_at is None:
        if not live:
            return None, {"reviewed_at": ["an offline review needs the time it was made"]}
        return now, {}
    if timezone.is_naive(review.reviewed_at):
        return None, {"reviewed_at": ["reviewed_at must include a time zone offset"]}
    at = review.reviewed_at.astimezone(UTC)
    if at > now + CLOCK_SKEW:
        return None, {
            "reviewed_at": [f"{at.isoformat()} is in the future (server time {now.isoformat()})"]
        }
    if at < card.created_at:
        return None, {
            "reviewed_at": [
                f"{at.isoformat()} is before the card existed ({card.created_at.isoformat()})"
            ]
        }
    last = last_event(card)
    if live and last and at < last:
        return None, {
            "reviewed_at": [
                f"{at.isoformat()} is before the card's last review or credit "
                f"({last.isoformat()}); "
                "send older reviews as a batch (a list) to have them replayed in order"
            ]
        }
    return min(at, now), {}
