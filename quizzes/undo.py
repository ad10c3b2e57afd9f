"""Undoing a review: its log row and activity removed, the card rebuilt from its history.

A write of its own beside ``quizzes.services`` (which it reuses to rebuild the card): the
review page offers it for the last rating of a session, as Anki does.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from progress.models import Activity, ActivityKind, User
from progress.selectors import profile_for
from quizzes import selectors
from quizzes.models import Card, ReviewLog
from quizzes.services import cards_rebuild


@transaction.atomic
def review_undo(*, learner: User, review_id: int) -> Card:
    """Take back one of the learner's reviews: the card returns to the state its earlier
    reviews give (replayed with their seeds, so exactly the state it had before).

    Raises
    ------
    ReviewLog.DoesNotExist
        When the review is not one of the learner's.
    ValidationError
        When the card has been reviewed again since: only its latest review can be undone.
    """
    log = ReviewLog.objects.get(pk=review_id, learner=learner)
    card = Card.objects.select_for_update(of=("self",)).get(pk=log.card_id)
    latest = ReviewLog.objects.filter(card=card).order_by("-reviewed_at", "-id").values_list("pk", flat=True).first()
    if latest != log.pk:
        raise ValidationError("this card was reviewed again since; only its latest review can be undone")
    activity = (
        Activity.objects.filter(
            learner=learner, kind=ActivityKind.REVIEW, occurred_at=log.reviewed_at, detail__card=card.pk
        )
        .order_by("-id")
        .first()
    )
    if activity is not None:
        activity.delete()
    log.delete()
    cards_rebuild(cards=[card], settings=selectors.scheduler_settings_for(profile_for(learner)))
    return card
