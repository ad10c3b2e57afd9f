"""The notices in the page header: review reminders, new assignments, a plan the roadmap
moved under. Each has a key; dismissing one records the key (a reminder is marked seen).

Notices are computed when read, not fanned out when something happens: an assignment to a
cohort of 200 learners writes nothing per learner, and a roadmap edit writes nothing at all.
Cost: a constant five queries, whatever the number of assignments or reminders.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.urls import reverse

from progress.assignments import assignments_for_learner
from progress.goals import plan_for
from progress.models import NoticeDismissal, User
from quizzes.reminders import reminders_mark_seen
from quizzes.selectors import unseen_reminders
from roadmap.selectors import graph_version

#: Assignments older than this no longer make a notice (they stay on Today).
ASSIGNMENT_NOTICE_DAYS = 30


@dataclass(frozen=True)
class Notice:
    key: str
    kind: str  # reminder, assignment, roadmap
    message: str
    url: str
    at: datetime


def notices_for(*, learner: User, now: datetime) -> list[Notice]:
    """The learner's notices not dismissed yet, newest first."""
    if not learner.is_authenticated:
        return []
    dismissed = set(NoticeDismissal.objects.filter(learner=learner).values_list("key", flat=True))
    notices = []
    for reminder in unseen_reminders(learner):
        cards = f"{reminder.due_count} card{'s' if reminder.due_count != 1 else ''}"
        notices.append(
            Notice(f"reminder:{reminder.pk}", "reminder", f"{cards} to review today",
                   reverse("quizzes:review"), reminder.created_at)
        )  # fmt: skip
    since = now - timedelta(days=ASSIGNMENT_NOTICE_DAYS)
    for assignment in assignments_for_learner(learner=learner).filter(created_at__gte=since):
        key = f"assignment:{assignment.pk}"
        if key in dismissed:
            continue
        goals = [goal.title for goal in assignment.goals.all()]
        what = ", ".join(goals[:3]) + (f" and {len(goals) - 3} more" if len(goals) > 3 else "")
        who = assignment.created_by.get_full_name() or assignment.created_by.username
        notices.append(
            Notice(key, "assignment", f"{who} assigned you {what}, due {assignment.due_date:%-d %b %Y}",
                   reverse("today") + f"#assignment-{assignment.pk}", assignment.created_at)
        )  # fmt: skip
    plan = plan_for(learner=learner)
    if plan is not None:
        version = graph_version()
        key = f"roadmap:{version}"
        if plan.graph_version != version and key not in dismissed:
            notices.append(
                Notice(key, "roadmap", "The roadmap changed since your path was computed: see what moved",
                       reverse("paths:path"), plan.saved_at)
            )  # fmt: skip
    return sorted(notices, key=lambda notice: notice.at, reverse=True)


@transaction.atomic
def notice_dismiss(*, learner: User, key: str, now: datetime) -> None:
    """Dismiss one notice by its key; dismissing twice, or an unknown key, changes nothing."""
    kind, _, ident = key.partition(":")
    if kind == "reminder":
        if ident.isdigit():
            reminders_mark_seen(learner=learner, now=now, reminder_id=int(ident))
        return
    if kind in {"assignment", "roadmap"} and ident.isdigit():
        NoticeDismissal.objects.get_or_create(learner=learner, key=key, defaults={"dismissed_at": now})


@transaction.atomic
def notices_dismiss_all(*, learner: User, now: datetime) -> int:
    """Dismiss every notice the learner has now; returns how many."""
    notices = notices_for(learner=learner, now=now)
    for notice in notices:
        notice_dismiss(learner=learner, key=notice.key, now=now)
    return len(notices)


