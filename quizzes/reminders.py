"""Review reminders: the daily in-app notice and email, and marking notices seen.

A learner gets at most one reminder per local day, at their chosen hour (see
`selectors.learners_due_reminder`), and only when cards are due. Delivery is at least
once and in effect once: the day's row is written before anything is sent (the database
keeps one per learner and local day), each delivery claims it, and a reminder left
pending or half-done by a killed worker is delivered by the next ``reminders_retry`` pass.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings as django_settings
from django.core.mail import EmailMessage
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from progress.models import LearnerProfile, User
from progress.selectors import profile_for
from quizzes import selectors
from quizzes.models import Reminder


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
    zones = dict(LearnerProfile.objects.filter(user_id__in=learner_ids).values_list("user_id", "time_zone"))
    rows = [
        Reminder(learner_id=learner_id, local_date=at.astimezone(ZoneInfo(zones.get(learner_id, "UTC"))).date())
        for learner_id in learner_ids
    ]
    # ignore_conflicts: the unique (learner, local_date) constraint keeps one row a day.
    return len(Reminder.objects.bulk_create(rows, ignore_conflicts=True))


def reminder_send(*, learner_id: int, at: datetime) -> Reminder | None:
    """Today's review notice and email for the learner, at most one per local day.

    Finds (or writes) the day's row and delivers it (``reminder_deliver``). None when
    nothing was sent: no card due, or the day's reminder is sent or in hand elsewhere.
    """
    learner = User.objects.select_related("profile").get(pk=learner_id)
    local_date = at.astimezone(profile_for(learner).zone).date()
    reminder, _ = Reminder.objects.get_or_create(learner=learner, local_date=local_date)
    return reminder_deliver(reminder_id=reminder.pk, at=at)


def reminder_deliver(*, reminder_id: int, at: datetime) -> Reminder | None:
    """Claim the reminder, email it if cards are due, and mark it sent. At least once, and
    in effect once.

    The claim is a conditional update that only one worker wins; a claim left by a worker
    that died before it finished is stale after ``REMINDER_CLAIM_TIMEOUT`` and is taken
    again. The email carries a Message-ID made from the learner and the day, so the one
    send that can happen twice (a worker killed between the mail server's "accepted" and
    marking the row sent) is the same message to every mail system that deduplicates. If
    sending fails the claim is released and the error raised, for the task to retry. A
    reminder with no card due is removed: no notice, no email.
    """
    now = timezone.now()
    free = Q(claimed_at=None) | Q(claimed_at__lt=now - claim_timeout())
    if not Reminder.objects.filter(free, id=reminder_id, sent_at=None).update(claimed_at=now):
        return None
    reminder = Reminder.objects.select_related("learner").get(pk=reminder_id)
    learner = reminder.learner
    count = selectors.due_count(learner=learner, now=at)
    if count == 0:
        Reminder.objects.filter(id=reminder_id, claimed_at=now).delete()
        return None
    emailed = None
    if learner.email:
        try:
            _email(learner, reminder, count)
        except BaseException:
            Reminder.objects.filter(id=reminder_id, claimed_at=now, sent_at=None).update(claimed_at=None)
            raise
        emailed = timezone.now()
    Reminder.objects.filter(id=reminder_id, claimed_at=now).update(
        due_count=count, emailed_at=emailed, sent_at=timezone.now()
    )
    reminder.refresh_from_db()
    return reminder


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


def _email(learner: User, reminder: Reminder, count: int) -> None:
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
    )
    message.send()


def reminders_mark_seen(*, learner: User, now: datetime, reminder_id: int | None = None) -> int:
    """Mark the learner's unseen notices (or just one of them) as seen; returns how many."""
    rows = Reminder.objects.filter(learner=learner, seen_at=None).exclude(sent_at=None)
    if reminder_id is not None:
        rows = rows.filter(id=reminder_id)
    return rows.update(seen_at=now)
