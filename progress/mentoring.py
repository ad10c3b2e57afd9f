"""What a mentor reads about a cohort: who will make their due dates, and what holds them up.

For each learner, every assignment that applies to them (the cohort's and their own) is
projected at their own weekly hours, earliest due date first, with review steps for the
known topics on the way whose memory has faded (see
``progress.deadlines.deadline_progress``): its outlook is ``done``, ``on_track`` or
``behind``. A learner's outlook is ``behind`` if any of their assignments is, ``done`` if
all are, and None without any.

*Blocking prerequisites*: for each learner, the topics on their remaining path to all
their assignments that they can start right now (every required prerequisite known) and
that something else on that path needs. Until they learn these, nothing after them can
start. Ranked by how many learners each blocks (then by slug), they tell a mentor which
session would unblock the most people.
"""

from collections import defaultdict
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone

from progress.assignments import known_slugs_by_learner, profiles_by_learner
from progress.deadlines import BEHIND, DONE, ON_TRACK, deadline_progress
from progress.memory import memory_by_learner, review_hours
from progress.models import Assignment, Cohort, User
from progress.planning import DEFAULT_HOURS_PER_WEEK
from roadmap.selectors import roadmap_graph

_ALL_GOALS = object()  # the key of a learner's combined path to all their goals


def cohort_progress(*, cohort: Cohort, mentor: User, today: date) -> dict:
    """Each learner's remaining work and outlook, and the blocking prerequisites, ranked.

    Returns ``{"cohort", "graph_version", "assignments", "learners", "blocking"}``;
    ``assignments`` are the cohort's own (with ``roadmap_changed``); each learner has
    ``remaining_hours`` and ``finish_date`` for all their goals together, ``outlook``,
    ``blocked_by`` and one entry per assignment. A constant number of queries however
    many learners and assignments.

    Raises
    ------
    PermissionDenied
        If `mentor` does not mentor `cohort`.
    """
    if not cohort.mentors.filter(pk=mentor.pk).exists():
        raise PermissionDenied("only the cohort's mentors can read its progress")
    graph, version = roadmap_graph()
    learners = list(cohort.learners.order_by("username"))
    ids = [learner.pk for learner in learners]
    rows = list(
        Assignment.objects.filter(Q(cohort=cohort) | Q(learner_id__in=ids)).order_by(
            "due_date", "id"
        )
    )
    goals_of = defaultdict(list)
    through = Assignment.goals.through.objects.filter(assignment_id__in=[a.pk for a in rows])
    for assignment_id, slug in through.values_list("assignment_id", "topic__slug"):
        goals_of[assignment_id].append(slug)
    known = known_slugs_by_learner(learner_ids=ids)
    profiles = profiles_by_learner(learner_ids=ids)
    memory = memory_by_learner(learner_ids=ids, now=timezone.now())

    blocked = defaultdict(list)
    members = []
    for learner in learners:
        theirs = [a for a in rows if a.cohort_id == cohort.pk or a.learner_id == learner.pk]
        deadlines = [(a.pk, goals_of[a.pk], a.due_date) for a in theirs]
        every_goal = [slug for a in theirs for slug in goals_of[a.pk]]
        profile = profiles.get(learner.pk)
        hours = profile.hours_per_week if profile else DEFAULT_HOURS_PER_WEEK
        progress = deadline_progress(
            graph, known.get(learner.pk, set()), [*deadlines, (_ALL_GOALS, every_goal, None)],
            hours_per_week=hours, today=today, reviews=review_hours(memory[learner.pk]),
        )  # fmt: skip
        overall = progress.pop(_ALL_GOALS)
        for topic in overall.blocking:
            blocked[topic].append(learner.username)
        members.append({
            "learner": learner.username,
            "hours_per_week": hours,
            "remaining_hours": overall.remaining_hours,
            "remaining_topics": overall.remaining_topics,
            "reviews": list(overall.reviews),
            "finish_date": overall.finish_date,
            "outlook": _overall_outlook([p.outlook for p in progress.values()]),
            "blocked_by": list(overall.blocking),
            "assignments": [
                {
                    "assignment": a.pk,
                    "due_date": a.due_date,
                    "remaining_hours": progress[a.pk].remaining_hours,
                    "finish_date": progress[a.pk].finish_date,
                    "outlook": progress[a.pk].outlook,
                }
                for a in theirs
            ],
        })  # fmt: skip

    nodes = graph.nodes
    ranked = sorted(blocked.items(), key=lambda item: (-len(item[1]), item[0]))
    return {
        "cohort": {"id": cohort.pk, "name": cohort.name},
        "graph_version": version,
        "today": today,
        "assignments": [
            {
                "id": a.pk,
                "goals": sorted(goals_of[a.pk]),
                "due_date": a.due_date,
                "note": a.note,
                "roadmap_changed": a.graph_version != version,
            }
            for a in rows
            if a.cohort_id == cohort.pk
        ],
        "learners": members,
        "blocking": [
            {
                "topic": topic,
                "title": nodes[topic].get("title", topic),
                "track": nodes[topic].get("track"),
                "hours": nodes[topic].get("hours"),
                "learner_count": len(usernames),
                "learners": usernames,
            }
            for topic, usernames in ranked
        ],
    }


def _overall_outlook(outlooks: list[str]) -> str | None:
    if not outlooks:
        return None
    if BEHIND in outlooks:
        return BEHIND
    if all(outlook == DONE for outlook in outlooks):
        return DONE
    return ON_TRACK
