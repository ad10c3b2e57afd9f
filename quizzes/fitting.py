"""Keeping each learner's memory model current from their reviews, in the background.

- `mastery_refresh` (nightly): each topic's coverage, retention and needs-review flag on
  the learner's ``TopicProgress`` rows, by the rules of `quizzes.mastery` (a snapshot for
  lists; the planner asks for the live values through ``progress.memory``);
- `parameters_optimise` (monthly): the learner's own FSRS parameters, fitted by
  `quizzes.optimizer` and adopted only when they predict held-out reviews better by a
  margin a paired test says is real; on adoption every card of the learner is
  recomputed from its history with them and rescheduled.

Both are idempotent, as `quizzes.tasks` needs: mastery is recomputed from scratch, and a
fit is recorded once per learner and month (and a rebuild from the same history with the
same parameters gives the same cards).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from django.db import transaction

from progress.models import LearnerProfile
from quizzes import nightly, optimizer, selectors
from quizzes.cards import cards_rebuild
from quizzes.models import Card, ParameterFit

logger = logging.getLogger(__name__)


def mastery_refresh(*, learner_id: int, now: datetime) -> int:
    """Store coverage, retention and the needs-review flag on each of the learner's topic
    progress rows.

    See `quizzes.mastery` for the definitions and `quizzes.nightly` for how (one SQL
    statement, for one learner or many). Returns how many rows changed.
    """
    return nightly.mastery_refresh_many(learner_ids=[learner_id], now=now)


def parameters_optimise(*, learner_id: int, at: datetime) -> ParameterFit | None:
    """Fit the learner's own FSRS parameters for the month of ``at``, adopting them only if
    really better (``quizzes.optimizer.choose_parameters``).

    Needs `optimizer.MIN_REVIEWS` reviews. The fit, both held-out log losses, the evidence
    and the decision are recorded in ``ParameterFit`` (one per learner and month, so a
    rerun returns the month's fit untouched). Adopted parameters go to
    ``LearnerProfile.fsrs_parameters``, and in the same transaction every one of the
    learner's cards is rebuilt from its reviews and credits with them and rescheduled.
    """
    period = f"{at.astimezone(UTC):%Y-%m}"
    existing = ParameterFit.objects.filter(learner_id=learner_id, period=period).first()
    if existing is not None:
        return existing
    rows = selectors.review_rows(learner_id=learner_id, until=at)
    if len(rows) < optimizer.MIN_REVIEWS:
        return None
    profile = LearnerProfile.objects.get(user_id=learner_id)
    current = selectors.scheduler_settings_for(profile).parameters
    try:
        outcome = optimizer.choose_parameters(current, rows)
    except optimizer.NotEnoughReviewsError as error:
        logger.info("no parameter fit for learner %s: %s", learner_id, error)
        return None
    with transaction.atomic():
        fit, created = ParameterFit.objects.get_or_create(
            learner_id=learner_id,
            period=period,
            defaults={
                "fitted_at": at,
                "review_count": len(rows),
                "current_loss": outcome.current_loss,
                "candidate_loss": outcome.candidate_loss,
                "scored": outcome.scored,
                "improvement_low": outcome.improvement_low,
                "decision": outcome.reason[:300],
                "adopted": outcome.adopted,
                "parameters": list(outcome.candidate),
            },
        )
        if created and outcome.adopted:
            LearnerProfile.objects.filter(user_id=learner_id).update(
                fsrs_parameters=list(outcome.parameters)
            )
            cards_reschedule(learner_id=learner_id)
    return fit


def cards_reschedule(*, learner_id: int) -> int:
    """Recompute every one of the learner's cards from its history with their current
    settings (after new parameters are adopted); returns how many cards.

    One transaction; the cards are locked in id order. Running it twice gives the same
    cards: a rebuild replays the same history with the same parameters.
    """
    with transaction.atomic():
        profile = LearnerProfile.objects.get(user_id=learner_id)
        settings = selectors.scheduler_settings_for(profile)
        cards = list(Card.objects.select_for_update().filter(learner_id=learner_id).order_by("pk"))
        cards_rebuild(cards=cards, settings=settings, learner_id=learner_id)
    return len(cards)
