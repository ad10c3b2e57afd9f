"""Writes for reviews: enrolling cards, live and offline reviews.

A review locks its card (``select_for_update``) and writes the ``ReviewLog`` row, the
new card state, the ``Activity`` row and the implicit credit it earns
(``quizzes.credits``) in one transaction, so two submissions for one card are applied
one after the other and neither is lost. What a submitted review means (grading,
times) is ``quizzes.grading``'s; how it moves the card, ``quizzes.cards``'.

Every review's fuzz is seeded by ``scheduler.review_seed(card.pk, n)`` for the card's
n-th review in time order, so rebuilding a card from its log and its credits
(``quizzes.cards.cards_rebuild``) gives exactly the state the live reviews produced. An
offline review older than the card's last review or credit is therefore inserted into
the log and the card rebuilt, which ends where sending every review live in time order
would have. (A rebuild uses the learner's current parameters; after the monthly fit
changes them, every card is rebuilt, as in any FSRS "reschedule".)

The other writes of the app: review reminders in `quizzes.reminders`, the nightly mastery
and monthly parameter fits in `quizzes.fitting`, curators' questions in `quizzes.questions`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from progress.models import Activity, ActivityKind, User
from progress.selectors import profile_for
from quizzes import selectors
from quizzes.cards import CARD_FIELDS, apply_review, cards_rebuild, last_event, save_cards
from quizzes.credits import CreditSession
from quizzes.grading import ReviewInput, grade, review_time
from quizzes.models import Card, Question, ReviewLog
from roadmap.models import Topic
from roadmap.selectors import graph_version_sql

__all__ = [
    "MAX_BATCH",
    "ReviewInput",
    "ReviewResult",
    "cards_rebuild",
    "Graded",
    "enroll_topic_cards",
    "graded_reviews_record",
    "review_submit",
    "reviews_upload",
]

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


@dataclass
class ReviewResult:
    """What became of one review: ``applied``, ``duplicate`` (client id seen) or ``rejected``."""

    status: str
    index: int = 0
    client_id: str | None = None
    card: Card | None = None
    review: ReviewLog | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)


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
    # The roadmap's version comes with the card: implicit credit needs it, and a round trip
    # of its own was one of a review's nine statements.
    cards = (
        Card.objects.select_for_update(of=("self",))
        .select_related("question")
        .annotate(graph_version=graph_version_sql())
    )
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
    rating, correct, answer, errors = grade(card, review, live=True)
    at, time_errors = review_time(review, card, now, live=True)
    if errors or time_errors:
        raise ValidationError({**errors, **time_errors})
    settings = selectors.scheduler_settings_for(profile_for(learner))
    before = card.state
    observation = apply_review(card, rating, at, settings)
    log = _log(card, learner, review, rating, correct, answer, at)
    log.save()
    card.save(update_fields=CARD_FIELDS)
    _activity(log).save()
    session = CreditSession(
        learner=learner, settings=settings, cards={card.pk: card}, graph_version=card.graph_version or 0
    )
    session.reviewed(card, log, before=before, observation=observation)
    session.finish()
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
    locked = (
        Card.objects.select_for_update(of=("self",))
        .select_related("question")
        .filter(learner=learner, pk__in={r.card_id for r in reviews})
    )
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
        rating, correct, answer, errors = grade(card, review, live=False, earlier=len(accepted.get(card.pk, ())))
        at, time_errors = review_time(review, card, now, live=False)
        if errors or time_errors:
            result.errors = {**errors, **time_errors}
            continue
        known[review.client_id] = (card.pk, None)
        accepted.setdefault(card.pk, []).append(
            (index, _log(card, learner, review, rating, correct, answer, at))
        )

    settings = selectors.scheduler_settings_for(profile_for(learner))
    logs: list[tuple[int, ReviewLog]] = []
    moved, rebuilt, noted = [], [], []
    for card_id in sorted(accepted):
        card = cards[card_id]
        items = sorted(accepted[card_id], key=lambda item: item[1].reviewed_at)  # stable for ties
        last = last_event(card)
        if last is None or items[0][1].reviewed_at >= last:
            for _, log in items:
                before = card.state
                noted.append((card, log, before, apply_review(card, log.rating, log.reviewed_at, settings)))
            moved.append(card)
        else:
            rebuilt.append(card)
            noted.extend((card, log, None, None) for _, log in items)
        logs.extend(items)
    ReviewLog.objects.bulk_create([log for _, log in logs])
    save_cards(moved)
    cards_rebuild(cards=rebuilt, settings=settings)
    Activity.objects.bulk_create([_activity(log) for _, log in logs])
    session = CreditSession(learner=learner, settings=settings, cards=cards)
    for card, log, before, observation in noted:
        session.reviewed(card, log, before=before, observation=observation)
    session.finish()
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


@dataclass(frozen=True)
class Graded:
    """A review already graded elsewhere (a check quiz, ``quizzes.checks``)."""

    card: Card
    rating: int
    correct: bool | None
    answer: str


@transaction.atomic
def graded_reviews_record(*, learner: User, graded: list[Graded], at: datetime) -> list[ReviewLog]:
    """Apply reviews graded elsewhere to the learner's cards at `at`, as live reviews are:
    log, card, activity and implicit credit together. The cards are locked here, in id order.
    """
    locked = {
        card.pk: card
        for card in Card.objects.select_for_update(of=("self",))
        .filter(learner=learner, pk__in=[g.card.pk for g in graded])
        .order_by("pk")
    }
    settings = selectors.scheduler_settings_for(profile_for(learner))
    session = CreditSession(learner=learner, settings=settings, cards=locked)
    logs, noted = [], []
    for item in graded:
        card = locked[item.card.pk]
        before = card.state
        observation = apply_review(card, item.rating, at, settings)
        log = ReviewLog(
            card=card, learner=learner, rating=item.rating, reviewed_at=at,
            answer=item.answer[:5000], correct=item.correct,
        )  # fmt: skip
        logs.append(log)
        noted.append((card, log, before, observation))
    ReviewLog.objects.bulk_create(logs)
    save_cards(list(locked.values()))
    Activity.objects.bulk_create([_activity(log) for log in logs])
    for card, log, before, observation in noted:
        session.reviewed(card, log, before=before, observation=observation)
    session.finish()
    return logs
