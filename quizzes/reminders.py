"""Review reminders: the daily in-app notice and email, and marking notices seen.

A learner gets at most one reminder per local day, at their chosen hour (see
`selectors.learners_due_reminder`), and only when cards are due. Delivery is at least
once and in effect once: the day's row is written before anything is sent (the database
keeps one per learner and local day), each delivery claims it, and a reminder left
pending or half-done by a killed worker is delivered by the next ``reminders_retry`` pass.
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings as django_settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from progress.models import LearnerProfile, User
from progress.selectors import profile_for
from quizzes import selectors
from quizzes.models import Reminder

#: Emailed reminders are marked sent at least this often (seconds) while a chunk is sent: a
#: worker killed mid-chunk leaves at most this much of its emails to be sent again (with the
#: same Message-ID), while a fast mail server is not held up by one commit per email.
MARK_SENT_EVERY = 0.1


def _review_page_url() -> str:
    try:
        path = reverse("quizzes:review")
    except NoReverseMatch:
        path = "/reviews/"
    return django_settings.SITE_URL.rstrip("/") + path


def reminders_plan(*, learner_ids: list[int], at: datetime) -> int:
    """Write down today's reminder (one row per learner and local day) for each learner,
    before any is sent: a worker killed half-way leaves the rest pending, and
    ``reminders_retry`` finds them. Returns how many rows were new."""
    return _plan(_local_days(learner_ids, at))


def _plan(days: dict[int, date]) -> int:
    rows = [Reminder(learner_id=learner_id, local_date=day) for learner_id, day in days.items()]
    # ignore_conflicts: the unique (learner, local_date) constraint keeps one row a day.
    return len(Reminder.objects.bulk_create(rows, ignore_conflicts=True))


def _local_days(learner_ids: list[int], at: datetime) -> dict[int, date]:
    """Each learner's local date at ``at``, in their time zone (UTC without a profile)."""
    zones = dict(LearnerProfile.objects.filter(user_id__in=learner_ids).values_list("user_id", "time_zone"))
    return {learner_id: at.astimezone(ZoneInfo(zones.get(learner_id, "UTC"))).date() for learner_id in learner_ids}


def reminder_send(*, learner_id: int, at: datetime) -> Reminder | None:
    """Today's review notice and email for the learner, at most one per local day.

    Finds (or writes) the day's row and delivers it (``reminder_deliver``). None when
    nothing was sent: no card due, or the day's reminder is sent or in hand elsewhere.
    """
    learner = User.objects.select_related("profile").get(pk=learner_id)
    local_date = at.astimezone(profile_for(learner).zone).date()
    reminder, _ = Reminder.objects.get_or_create(learner=learner, local_date=local_date)
    return reminder_deliver(reminder_id=reminder.pk, at=at)


def reminders_send(*, learner_ids: list[int], at: datetime) -> list[Reminder]:
    """`reminder_send` for many learners at once (the hourly task's chunk): the day's rows
    are written down first (``reminders_plan``), then delivered together
    (``reminders_deliver``). Returns the reminders sent."""
    days = _local_days(learner_ids, at)
    _plan(days)
    today = set(days.items())
    rows = Reminder.objects.filter(
        learner_id__in=learner_ids, local_date__in=set(days.values()), sent_at=None
    ).values_list("id", "learner_id", "local_date")
    return reminders_deliver(reminder_ids=[id_ for id_, learner, day in rows if (learner, day) in today], at=at)


def reminder_deliver(*, reminder_id: int, at: datetime) -> Reminder | None:
    """Claim the reminder, email it if cards are due, and mark it sent; see
    ``reminders_deliver``. None when it was not sent."""
    sent = reminders_deliver(reminder_ids=[reminder_id], at=at)
    return sent[0] if sent else None


def reminders_deliver(*, reminder_ids: list[int], at: datetime) -> list[Reminder]:
    """Claim the reminders, email those with cards due, and mark them sent. At least once,
    and in effect once. Returns the reminders sent.

    The claim is a conditional update that only one worker wins; a claim left by a worker
    that died before it finished is stale after ``REMINDER_CLAIM_TIMEOUT`` and is taken
    again. Each email carries a Message-ID made from the learner and the day, so the one
    send that can happen twice (a worker killed between the mail server's "accepted" and
    marking the row sent) is the same message to every mail system that deduplicates. If
    sending fails, the reminders already emailed are marked sent, the others' claims are
    released and the error raised, for the task to retry. A reminder with no card due is
    removed: no notice, no email. The due counts come from one set of queries
    (``selectors.due_counts``) and the emails go through one mail connection.
    """
    now = timezone.now()
    free = Q(claimed_at=None) | Q(claimed_at__lt=now - claim_timeout())
    if not Reminder.objects.filter(free, id__in=reminder_ids, sent_at=None).update(claimed_at=now):
        return []
    claimed = list(
        Reminder.objects.filter(id__in=reminder_ids, claimed_at=now, sent_at=None).select_related("learner")
    )
    counts = selectors.due_counts(learner_ids=[r.learner_id for r in claimed], now=at)
    Reminder.objects.filter(id__in=[r.pk for r in claimed if not counts[r.learner_id]], claimed_at=now).delete()
    due = [r for r in claimed if counts[r.learner_id]]
    emailed: set[int] = set()
    unmarked: list[Reminder] = []  # emailed, not yet marked sent
    marked_at = time.monotonic()
    connection = get_connection()
    try:
        for reminder in due:
            if reminder.learner.email:
                _email(reminder.learner, reminder, counts[reminder.learner_id], connection)
                emailed.add(reminder.pk)
                unmarked.append(reminder)
                # Marked as they go, not with the whole chunk: a worker killed mid-chunk
                # leaves at most MARK_SENT_EVERY seconds of emails for the retry to send again.
                if time.monotonic() - marked_at >= MARK_SENT_EVERY:
                    _mark_sent(unmarked, counts, now, emailed=True)
                    unmarked, marked_at = [], time.monotonic()
    except BaseException:
        # Those emailed are marked sent; the rest go back to be claimed again.
        unsent = [r.pk for r in due if r.pk not in emailed and r.learner.email]
        Reminder.objects.filter(id__in=unsent, claimed_at=now, sent_at=None).update(claimed_at=None)
        _mark_sent(unmarked, counts, now, emailed=True)
        raise
    finally:
        connection.close()
    _mark_sent(unmarked, counts, now, emailed=True)
    _mark_sent([r for r in due if r.pk not in emailed], counts, now, emailed=False)
    sent = Reminder.objects.filter(id__in=[r.pk for r in due], claimed_at=now).exclude(sent_at=None)
    return list(sent.order_by("id"))


def _mark_sent(reminders: list[Reminder], counts: dict, claimed_at: datetime, *, emailed: bool) -> None:
    """One update per due count, in one transaction, each row only while the claim is still
    this worker's."""
    if not reminders:
        return
    sent_at = timezone.now()
    groups: dict[int, list[int]] = {}
    for reminder in reminders:
        groups.setdefault(counts[reminder.learner_id], []).append(reminder.pk)
    with transaction.atomic():
        for count, ids in groups.items():
            Reminder.objects.filter(id__in=ids, claimed_at=claimed_at).update(
                due_count=count, emailed_at=sent_at if emailed else None, sent_at=sent_at
            )


def reminders_to_retry(*, now: datetime) -> list[int]:
    """Reminders of the last ``RETRY_WITHIN`` still not sent: never claimed though written
    down a claim timeout ago, or claimed by a worker that has not finished within it."""
    stale = now - claim_timeout()
    rows = Reminder.objects.filter(sent_at=None, created_at__gte=now - RETRY_WITHIN).filter(
        Q(claimed_at=None, created_at__lt=stale) | Q(claimed_at__lt=stale)
    )
    return list(rows.order_by("id").values_list("id", flat=True))


def claim_timeout() -> timedelta:
    return timedelta(seconds=django_settings.REMINDER_CLAIM_TIMEOUT_SECONDS)


RETRY_WITHIN = timedelta(hours=12)


def _email(learner: User, reminder: Reminder, count: int, connection=None) -> None:
    cards = f"{count} card{'s' if count != 1 else ''}"
    message = EmailMessage(
        subject=f"{cards} to review today",
        body=(
            f"Hi {learner.get_short_name() or learner.username},\n\n"
            f"You have {cards} due for review on Pathwise. "
            f"A few minutes now keeps them fresh:\n\n{_review_page_url()}\n\n"
            "You can change the hour of this reminder, or turn it off, in your profile.\n"
        ),
        to=[learner.email],
        headers={"Message-ID": f"<reminder-{learner.pk}-{reminder.local_date.isoformat()}@pathwise>"},
        connection=connection,
    )
    message.send()


def reminders_mark_seen(*, learner: User, now: datetime, reminder_id: int | None = None) -> int:
    """Mark the learner's unseen notices (or just one of them) as seen; returns how many."""
    rows = Reminder.objects.filter(learner=learner, seen_at=None).exclude(sent_at=None)
    if reminder_id is not None:
        rows = rows.filter(id=reminder_id)
    return rows.update(seen_at=now)
