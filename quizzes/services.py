"""Writes for reviews: enrolling cards, live and offline reviews, rebuilding a card.

A review locks its card (``select_for_update``) and writes the ``ReviewLog`` row, the
new card state and the ``Activity`` row in one transaction, so two submissions for one
card are applied one after the other and neither is lost.

Every review's fuzz is seeded by ``scheduler.review_seed(card.pk, n)`` for the card's
n-th review in time order, so rebuilding a card from its log (`cards_rebuild`) gives
exactly the state the live reviews produced. An offline review older than the card's
last review is therefore inserted into the log and the card rebuilt, which ends where
sending every review live in time order would have. (A rebuild uses the learner's
current parameters; after the monthly fit changes them, a rebuild can differ from the
live history by the parameter change, as in any FSRS "reschedule".)

The other writes of the app: review reminders in `quizzes.reminders`, the nightly mastery
and monthly parameter fits in `quizzes.fitting`, curators' questions in `quizzes.questions`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from progress.models import Activity, ActivityKind, User
from progress.selectors import profile_for
from quizzes import scheduler, selectors
from quizzes.models import Card, CardState, Question, QuestionKind, ReviewLog
from roadmap.models import Topic

#: How far ahead of the server clock a device's ``reviewed_at`` may be.
CLOCK_SKEW = timedelta(minutes=5)
#: Most reviews one offline upload may carry.
MAX_BATCH = 500


@transaction.atomic
def enroll_topic_cards(*, learner: User, topic: Topic, now: datetime) -> int:
    """Give the learner a new card, due ``now``, for each active question of the topic.

    Idempotent: questions that already have a card for the learner are left alone.
    A retired topic joins no new deck. Returns how many cards were created.
    """
    if topic.retired_at is not None:
        return 0
    have = Card.objects.filter(learner=learner, topic=topic).values_list("question_id", flat=True)
    missing = (
        Question.objects.filter(topic=topic, is_active=True)
        .exclude(id__in=have)
        .values_list("id", flat=True)
    )
    now = now.astimezone(UTC)
    cards = [
        Card(learner=learner, question_id=question_id, topic=topic, due=now, created_at=now)
        for question_id in missing
    ]
    # ignore_conflicts: a concurrent enrolment of the same topic must not fail either call.
    Card.objects.bulk_create(cards, ignore_conflicts=True)
    return len(cards)


@dataclass(frozen=True)
class ReviewInput:
    """One review as a client sends it. ``answer`` is free text, or for a
    multiple-choice card the chosen choice index (or list of indexes)."""

    card_id: int
    rating: int | None = None
    answer: object = None
    reviewed_at: datetime | None = None
    duration_ms: int | None = None
    client_id: str | None = None


@dataclass
class ReviewResult:
    """What became of one review: ``applied``, ``duplicate`` (client id seen) or ``rejected``."""

    status: str
    index: int = 0
    client_id: str | None = None
    card: Card | None = None
    review: ReviewLog | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)


def _refused(field_name: str, message: str) -> tuple[int, None, str, dict]:
    return 0, None, "", {field_name: [message]}


def _grade(card: Card, review: ReviewInput) -> tuple[int, bool | None, str, dict]:
    """The rating to apply, whether the answer was right, the answer as stored text, errors.

    Only a multiple-choice answer is graded; a rating sent alone is taken as it is, without
    even reading the question.
    """
    rating, answer = review.rating, review.answer
    if rating is not None and (isinstance(rating, bool) or rating not in (1, 2, 3, 4)):
        return _refused(
            "rating", f"rating must be 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy), got {rating!r}"
        )
    if answer is None and rating is not None:
        return rating, None, "", {}
    question = card.question
    if question.kind == QuestionKind.FREE_RECALL:
        if rating is None:
            return _refused("rating", "this free recall card needs a rating")
        if not isinstance(answer, str):
            return _refused("answer", "a free-recall answer must be text")
        return rating, None, answer, {}
    if answer is None:
        return _refused(
            "answer", "this multiple choice card needs an answer (a choice index) or a rating"
        )
    chosen = answer if isinstance(answer, list) else [answer]
    last = len(question.choices) - 1
    if not chosen or any(
        isinstance(c, bool) or not isinstance(c, int) or not 0 <= c <= last for c in chosen
    ):
        return _refused("answer", f"choose by index, 0 to {last}; got {answer!r}")
    correct = sorted(set(chosen)) == sorted(set(question.correct_choices))
    if rating is None:
        rating = scheduler.Rating.Good if correct else scheduler.Rating.Again
    elif not correct and rating != scheduler.Rating.Again:
        return _refused("rating", f"a wrong answer is rated 1 (Again), not {rating}")
    return int(rating), correct, ",".join(str(c) for c in chosen), {}


def _when(
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
    if live and card.last_review and at < card.last_review:
        return None, {
            "reviewed_at": [
                f"{at.isoformat()} is before the card's last review "
                f"({card.last_review.isoformat()}); "
                "send older reviews as a batch (a list) to have them replayed in order"
            ]
        }
    return min(at, now), {}


def _apply(
    card: Card, rating: int, reviewed_at: datetime, settings: scheduler.SchedulerSettings
) -> None:
    """Move the card (in memory) through one review; its next review number seeds the fuzz."""
    before = selectors.card_state(card)
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


_CARD_FIELDS = ["state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses"]


def _save_cards(cards: list[Card]) -> None:
    """Write the cards' scheduling fields in one statement.

    An upsert on the primary key of rows the caller holds locked, so it only ever
    updates. ``bulk_update`` builds a ``CASE WHEN id = ...`` per field and card: for 100
    cards it took 70-100 ms, most of an offline upload; this takes under 10 ms.
    """
    Card.objects.bulk_create(
        cards, update_conflicts=True, unique_fields=["id"], update_fields=_CARD_FIELDS
    )


def cards_rebuild(*, cards: list[Card], settings: scheduler.SchedulerSettings) -> list[Card]:
    """Recompute the cards from their whole review logs in time order.

    The caller holds the cards' locks. One read of the logs and one write of the cards,
    however many cards.
    """
    history: dict[int, list[tuple[int, datetime]]] = defaultdict(list)
    logs = ReviewLog.objects.filter(card__in=cards).order_by("card_id", "reviewed_at", "id")
    for card_id, rating, reviewed_at in logs.values_list("card_id", "rating", "reviewed_at"):
        history[card_id].append((rating, reviewed_at))
    for card in cards:
        card.state, card.step, card.stability, card.difficulty = CardState.NEW, None, None, None
        card.due, card.last_review, card.reps, card.lapses = card.created_at, None, 0, 0
        for rating, reviewed_at in history[card.pk]:
            _apply(card, rating, reviewed_at, settings)
    _save_cards(cards)
    return cards


def _log(
    card: Card, learner: User, review: ReviewInput, rating: int, correct, answer: str, at
) -> ReviewLog:
    return ReviewLog(
        card=card,
        learner=learner,
        rating=rating,
        reviewed_at=at,
        duration_ms=review.duration_ms,
        answer=answer[:5000],
        correct=correct,
        client_id=review.client_id or None,
    )


def _activity(log: ReviewLog) -> Activity:
    return Activity(
        learner_id=log.learner_id,
        kind=ActivityKind.REVIEW,
        topic_id=log.card.topic_id,
        occurred_at=log.reviewed_at,
        detail={"card": log.card_id, "rating": log.rating, "correct": log.correct},
    )


@transaction.atomic
def review_submit(
    *, learner: User, review: ReviewInput, now: datetime | None = None
) -> ReviewResult:
    """Apply one live review to one of the learner's cards.

    Raises
    ------
    Card.DoesNotExist
        When the card is not one of the learner's.
    ValidationError
        Naming the field: a bad rating or answer, or ``reviewed_at`` in the future,
        before the card existed or before the card's last review.
    """
    cards = Card.objects.select_for_update(of=("self",))
    if review.answer is not None or review.rating is None:
        cards = cards.select_related("question")  # to grade the answer; a bare rating needs none
    card = cards.get(pk=review.card_id, learner=learner)
    now = now or timezone.now()  # read after the lock, so racing submissions keep their order
    if review.client_id:
        seen = ReviewLog.objects.filter(learner=learner, client_id=review.client_id).first()
        if seen is not None:
            if seen.card_id != card.pk:
                raise ValidationError(
                    {"client_id": [f"{review.client_id!r} was already used for another review"]}
                )
            return ReviewResult(
                status="duplicate", client_id=review.client_id, card=card, review=seen
            )
    rating, correct, answer, errors = _grade(card, review)
    at, time_errors = _when(review, card, now, live=True)
    if errors or time_errors:
        raise ValidationError({**errors, **time_errors})
    _apply(card, rating, at, selectors.scheduler_settings_for(profile_for(learner)))
    log = _log(card, learner, review, rating, correct, answer, at)
    log.save()
    card.save(update_fields=_CARD_FIELDS)
    _activity(log).save()
    return ReviewResult(status="applied", client_id=log.client_id, card=card, review=log)


@transaction.atomic
def reviews_upload(
    *, learner: User, reviews: list[ReviewInput], now: datetime | None = None
) -> list[ReviewResult]:
    """Apply a batch of offline reviews, each accepted or rejected on its own.

    Reviews are taken in ``reviewed_at`` order. Each needs a ``client_id``: one already
    in the log is reported as a duplicate and changes nothing, so sending the same batch
    twice is harmless. A card whose new reviews all come after its last review moves on
    as if they had been sent live; otherwise it is rebuilt from its whole log.
    """
    if len(reviews) > MAX_BATCH:
        raise ValidationError(
            {"reviews": [f"send at most {MAX_BATCH} reviews at a time, got {len(reviews)}"]}
        )
    locked = Card.objects.select_for_update(of=("self",)).filter(
        learner=learner, pk__in={r.card_id for r in reviews}
    )
    if any(r.answer is not None or r.rating is None for r in reviews):
        locked = locked.select_related("question")  # answers to grade; bare ratings need none
    # Lock in id order so two uploads touching the same cards cannot deadlock.
    cards = {card.pk: card for card in locked.order_by("pk")}
    now = now or timezone.now()
    known = {
        client_id: (card_id, review_id)
        for client_id, card_id, review_id in ReviewLog.objects.filter(
            learner=learner, client_id__in=[r.client_id for r in reviews if r.client_id]
        ).values_list("client_id", "card_id", "id")
    }
    results = [
        ReviewResult(status="rejected", index=i, client_id=r.client_id)
        for i, r in enumerate(reviews)
    ]
    accepted: dict[int, list[tuple[int, ReviewLog]]] = {}
    for index, review in enumerate(reviews):
        result, card = results[index], cards.get(review.card_id)
        if card is None:
            result.errors = {"card": [f"you have no card {review.card_id}"]}
            continue
        result.card = card
        if not review.client_id:
            result.errors = {
                "client_id": [
                    "an offline review needs a client_id, so a resend is not applied twice"
                ]
            }
            continue
        if review.client_id in known:
            card_id, review_id = known[review.client_id]
            if card_id == card.pk:
                result.status, result.review = "duplicate", review_id  # an id until loaded below
            else:
                result.errors = {
                    "client_id": [f"{review.client_id!r} was already used for another review"]
                }
            continue
        rating, correct, answer, errors = _grade(card, review)
        at, time_errors = _when(review, card, now, live=False)
        if errors or time_errors:
            result.errors = {**errors, **time_errors}
            continue
        known[review.client_id] = (card.pk, None)
        accepted.setdefault(card.pk, []).append(
            (index, _log(card, learner, review, rating, correct, answer, at))
        )

    settings = selectors.scheduler_settings_for(profile_for(learner))
    logs: list[tuple[int, ReviewLog]] = []
    moved, rebuilt = [], []
    for card_id in sorted(accepted):
        card = cards[card_id]
        items = sorted(accepted[card_id], key=lambda item: item[1].reviewed_at)  # stable for ties
        if card.last_review is None or items[0][1].reviewed_at >= card.last_review:
            for _, log in items:
                _apply(card, log.rating, log.reviewed_at, settings)
            moved.append(card)
        else:
            rebuilt.append(card)
        logs.extend(items)
    ReviewLog.objects.bulk_create([log for _, log in logs])
    _save_cards(moved)
    cards_rebuild(cards=rebuilt, settings=settings)
    Activity.objects.bulk_create([_activity(log) for _, log in logs])
    for index, log in logs:
        results[index].status, results[index].review = "applied", log
    earlier = [r for r in results if r.status == "duplicate"]
    sent_before = ReviewLog.objects.in_bulk([r.review for r in earlier if r.review])
    for result in earlier:
        # A duplicate of an earlier item of this same batch points at that item's review.
        result.review = sent_before.get(result.review) or next(
            (
                r.review
                for r in results
                if r.status == "applied" and r.client_id == result.client_id
            ),
            None,
        )
    return results
