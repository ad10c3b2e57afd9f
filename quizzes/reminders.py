"""Review reminders: the daily in-app notice and email, and marking notices seen.

A learner gets at most one reminder per local day, at their chosen hour (see
`selectors.learners_due_reminder`), and only when cards are due.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings as django_settings
from django.core.mail import send_mail
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from progress.models import User
from progress.selectors import profile_for
from quizzes import selectors
from quizzes.models import Reminder


def _review_page_url() -> str:
    try:
        path = reverse("quizzes:review")
    except NoReverseMatch:
        path = "/reviews/"
    return django_settings.SITE_URL.rstrip("/") + path


def reminder_send(*, learner_id: int, at: datetime) -> Reminder | None:
    """Leave today's review notice for the learner and email it, at most once per local day.

    The day's ``Reminder`` row is the in-app notice; it is claimed with a conditional
    update before the email goes out, so two runs (or two workers) send one email. If
    sending fails the claim is released and the error raised, for the task to retry.
    Nothing is created when no card is due.
    """
    learner = User.objects.select_related("profile").get(pk=learner_id)
    profile = profile_for(learner)
    count = selectors.due_count(learner=learner, now=at)
    if count == 0:
        return None
    local_date = at.astimezone(profile.zone).date()
    reminder, _ = Reminder.objects.get_or_create(
        learner=learner, local_date=local_date, defaults={"due_count": count}
    )
    claimed = Reminder.objects.filter(id=reminder.id, claimed_at=None).update(
        claimed_at=timezone.now()
    )
    if claimed != 1:
        return None
    if learner.email:
        try:
            send_mail(
                subject=f"{count} card{'s' if count != 1 else ''} to review today",
                message=(
                    f"Hi {learner.get_short_name() or learner.username},\n\n"
                    f"You have {count} card{'s' if count != 1 else ''} due for review on Pathwise. "
                    f"A few minutes now keeps them fresh:\n\n{_review_page_url()}\n\n"
                    "You can change the hour of this reminder, or turn it off, in your profile.\n"
                ),
                from_email=None,
                recipient_list=[learner.email],
            )
        except BaseException:
            Reminder.objects.filter(id=reminder.id, emailed_at=None).update(claimed_at=None)
            raise
        Reminder.objects.filter(id=reminder.id).update(emailed_at=timezone.now())
    return reminder


def reminders_mark_seen(*, learner: User, now: datetime, reminder_id: int | None = None) -> int:
    """Mark the learner's unseen notices (or just one of them) as seen; returns how many."""
    rows = Reminder.objects.filter(learner=learner, seen_at=None)
    if reminder_id is not None:
        rows = rows.filter(id=reminder_id)
    return rows.update(seen_at=now)
