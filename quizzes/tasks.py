"""Background work for reviews: hourly reminders, nightly mastery, monthly parameter fits.

Each beat task fans out over learner ids in chunks (ten thousand learners make twenty
reminder tasks, not ten thousand), enqueued with ``delay_on_commit``. The chunk tasks
are thin: they call one service per learner, and every service is idempotent
(a reminder is claimed per local day, a fit is unique per month, mastery is
recomputed), so a retry or a second delivery of a late-acked task does no harm.
"""

import logging
import smtplib
from collections.abc import Callable
from datetime import datetime

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from quizzes import fitting, nightly, optimizer, reminders, selectors

logger = logging.getLogger(__name__)

#: Errors worth retrying a task for: the database or the mail server is away.
TRANSIENT_ERRORS = (OperationalError, smtplib.SMTPException, ConnectionError, TimeoutError)

REMINDER_CHUNK = 500
MASTERY_CHUNK = 1_000  # one SQL statement each (quizzes.nightly)
FIT_CHUNK = 20

_RETRYING = {
    "acks_late": True,
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 10,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}


def _chunks(ids: list[int], size: int):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _for_each(learner_ids: list[int], work: Callable[[int], object]) -> int:
    """Run ``work`` per learner; how many returned something truthy.

    A transient error ends the task so Celery retries it (learners already done are
    skipped or recomputed harmlessly then); any other error is logged and does not
    keep the other learners of the chunk from their turn.
    """
    done = 0
    for learner_id in learner_ids:
        try:
            done += bool(work(learner_id))
        except TRANSIENT_ERRORS:
            raise
        except Exception:
            logger.exception(
                "%s failed for learner %s", getattr(work, "__name__", work), learner_id
            )
    return done


@shared_task(soft_time_limit=60, time_limit=90, **_RETRYING)
def send_review_reminders(at: str | None = None) -> int:
    """Hourly: remind the learners whose local reminder hour this is. Returns the chunk count."""
    now = datetime.fromisoformat(at) if at else timezone.now()
    chunks = list(_chunks(selectors.learners_due_reminder(now=now), REMINDER_CHUNK))
    for chunk in chunks:
        send_reminders_to.delay_on_commit(chunk, now.isoformat())
    return len(chunks)


@shared_task(soft_time_limit=240, time_limit=300, **_RETRYING)
def send_reminders_to(learner_ids: list[int], at: str) -> int:
    """Write the chunk's reminders down first, then deliver them together
    (``reminders.reminders_send``): a worker killed half-way leaves the rest pending for
    ``retry_reminders``. Returns how many were sent."""
    return len(reminders.reminders_send(learner_ids=learner_ids, at=datetime.fromisoformat(at)))


@shared_task(soft_time_limit=240, time_limit=300, **_RETRYING)
def retry_reminders(at: str | None = None) -> int:
    """Every few minutes: deliver the reminders a killed or failed worker left pending or
    half-done (claimed longer than ``REMINDER_CLAIM_TIMEOUT_SECONDS`` ago)."""
    now = datetime.fromisoformat(at) if at else timezone.now()
    done = 0
    for reminder_id in reminders.reminders_to_retry(now=now):
        try:
            done += bool(reminders.reminder_deliver(reminder_id=reminder_id, at=now))
        except TRANSIENT_ERRORS:
            raise
        except Exception:
            logger.exception("retrying reminder %s failed", reminder_id)
    return done


@shared_task(soft_time_limit=60, time_limit=90, **_RETRYING)
def refresh_mastery(at: str | None = None) -> int:
    """Nightly: recompute topic mastery and the needs-review flags. Returns the chunk count."""
    now = datetime.fromisoformat(at) if at else timezone.now()
    chunks = list(_chunks(selectors.learners_with_progress(), MASTERY_CHUNK))
    for chunk in chunks:
        refresh_mastery_for.delay_on_commit(chunk, now.isoformat())
    return len(chunks)


@shared_task(soft_time_limit=600, time_limit=660, **_RETRYING)
def refresh_mastery_for(learner_ids: list[int], at: str) -> int:
    """Recompute the chunk's mastery in one statement (``quizzes.nightly``); returns how
    many topic progress rows changed."""
    return nightly.mastery_refresh_many(learner_ids=learner_ids, now=datetime.fromisoformat(at))


@shared_task(soft_time_limit=60, time_limit=90, **_RETRYING)
def optimise_parameters(at: str | None = None) -> int:
    """Monthly: fit each learner's FSRS parameters once they have enough reviews."""
    now = datetime.fromisoformat(at) if at else timezone.now()
    chunks = list(
        _chunks(selectors.learners_with_reviews(at_least=optimizer.MIN_REVIEWS), FIT_CHUNK)
    )
    for chunk in chunks:
        optimise_parameters_for.delay_on_commit(chunk, now.isoformat())
    return len(chunks)


@shared_task(soft_time_limit=1800, time_limit=1900, **_RETRYING)
def optimise_parameters_for(learner_ids: list[int], at: str) -> int:
    when = datetime.fromisoformat(at)
    return _for_each(
        learner_ids, lambda learner_id: fitting.parameters_optimise(learner_id=learner_id, at=when)
    )
