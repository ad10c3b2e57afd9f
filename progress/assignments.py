"""Assignments: goals a mentor sets for one learner or a whole cohort, with a due date.

Writes (``assignment_create``, ``assignment_delete``) and reads (who sees which, and how
far each assignee is). An assignment stores only its goals and the roadmap version they
were set at: the path to them is always computed afresh from the learner's current
progress on the current roadmap, and ``roadmap_changed`` says when the roadmap has been
edited since the goals were set (the path may differ from what the mentor saw).

Who may assign (and remove an assignment): a mentor of the cohort, or of a cohort the
learner is in; a curator (or superuser) may assign to anyone. The creator may always
remove their own. Who sees an assignment: its learner, the learners of its cohort, its
creator, and the mentors of the cohort or of a cohort the learner is in.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from progress.deadlines import GoalProgress, deadline_progress
from progress.memory import memory_by_learner, review_hours
from progress.models import KNOWN_STATUSES, Assignment, Cohort, LearnerProfile, TopicProgress, User
from progress.planning import DEFAULT_HOURS_PER_WEEK, MAX_GOALS, resolve_goals
from progress.selectors import local_today
from roadmap.models import Topic
from roadmap.paths import PathError
from roadmap.selectors import roadmap_graph

NOTE_MAX_LENGTH = 2000

# --- Who may assign -------------------------------------------------------------------------


# Setting goals shows the assignee's progress to whoever set them, so it needs a mentoring
# relation: mentors assign to their own cohorts' learners, admins (superusers) to anyone.
# Curating the roadmap gives no such relation.


def may_assign(*, user: User, learner: User | None = None, cohort: Cohort | None = None) -> bool:
    """Whether `user` may set (or remove) goals for `learner` or `cohort` (one query)."""
    if user.is_superuser:
        return True
    if cohort is not None:
        return cohort.mentors.filter(pk=user.pk).exists()
    return Cohort.objects.filter(mentors=user, learners=learner).exists()


def assignable_learners(*, user: User) -> QuerySet[User]:
    """Learners `user` may assign to: those of the cohorts they mentor (anyone, for admins)."""
    if user.is_superuser:
        return User.objects.all()
    return User.objects.filter(cohorts__in=Cohort.objects.filter(mentors=user)).distinct()


def assignable_cohorts(*, user: User) -> QuerySet[Cohort]:
    """Cohorts `user` may assign to: the ones they mentor (any, for admins)."""
    if user.is_superuser:
        return Cohort.objects.all()
    return Cohort.objects.filter(mentors=user)


# --- Writes ------------------------------------------------------------------------------------


@transaction.atomic
def assignment_create(
    *,
    created_by: User,
    goals: Sequence[str],
    learner: User | None = None,
    cohort: Cohort | None = None,
    due_date: date,
    note: str = "",
    today: date | None = None,
) -> Assignment:
    """Set goals (topic or track slugs, see ``progress.planning``) for a learner or a cohort.

    A track goal is stored as the track's terminal topics of today's roadmap. ``today``
    defaults to the creator's local date.

    Raises
    ------
    PermissionDenied
        If `created_by` may not assign to this learner or cohort.
    ValidationError
        For neither or both of learner and cohort, a due date in the past, no goals or an
        unknown one, or a note that is too long.
    """
    if (learner is None) == (cohort is None):
        raise ValidationError("assign to one learner or to one cohort, not both or neither")
    if not may_assign(user=created_by, learner=learner, cohort=cohort):
        whom = f"cohort {cohort.name!r}" if cohort is not None else f"learner {learner.username!r}"
        raise PermissionDenied(
            f"you may only assign to learners of cohorts you mentor, not to {whom}"
        )
    today = today or local_today(learner=created_by)
    if due_date < today:
        raise ValidationError(
            {"due_date": f"the due date {due_date} is in the past (today is {today})"}
        )
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError({"note": f"keep the note under {NOTE_MAX_LENGTH} characters"})
    goals = list(dict.fromkeys(goals))
    if not goals:
        raise ValidationError({"goals": "name at least one topic or track"})
    if len(goals) > MAX_GOALS:
        raise ValidationError(
            {"goals": f"assign at most {MAX_GOALS} goals at a time, got {len(goals)}"}
        )
    graph, version = roadmap_graph()
    try:
        slugs = resolve_goals(graph, goals)
    except PathError as error:
        raise ValidationError({"goals": str(error)}) from error
    topics = list(Topic.objects.filter(slug__in=slugs))
    gone = sorted(set(slugs) - {topic.slug for topic in topics})
    if gone:  # deleted since the graph was read
        raise ValidationError({"goals": "unknown topic(s): " + ", ".join(map(repr, gone))})
    assignment = Assignment.objects.create(
        learner=learner, cohort=cohort, due_date=due_date, note=note, created_by=created_by,
        graph_version=version,
    )  # fmt: skip
    assignment.goals.set(topics)
    return assignment


@transaction.atomic
def assignment_delete(*, assignment: Assignment, deleted_by: User) -> None:
    """Remove an assignment: its creator, or anyone who may assign to its learner or cohort.

    Raises
    ------
    PermissionDenied
        For anyone else.
    """
    if assignment.created_by_id != deleted_by.pk and not may_assign(
        user=deleted_by, learner=assignment.learner, cohort=assignment.cohort
    ):
        raise PermissionDenied(
            "only the mentor who set an assignment, or its cohort's mentors, can remove it"
        )
    assignment.delete()


# --- Reads --------------------------------------------------------------------------------------


def _learner_filter(learner: User) -> Q:
    return Q(learner=learner) | Q(
        cohort__in=Cohort.learners.through.objects.filter(user=learner).values("cohort")
    )


def _mentor_filter(mentor: User) -> Q:
    mentored = Cohort.objects.filter(mentors=mentor).values("pk")
    their_learners = Cohort.learners.through.objects.filter(cohort__in=mentored).values("user")
    return Q(created_by=mentor) | Q(cohort__in=mentored) | Q(learner__in=their_learners)


def _with_goals(assignments: QuerySet[Assignment]) -> QuerySet[Assignment]:
    topics = Topic.objects.select_related("track").order_by("track__position", "slug")
    return assignments.select_related("learner", "cohort", "created_by").prefetch_related(
        Prefetch("goals", queryset=topics)
    )


def assignments_for_learner(*, learner: User) -> QuerySet[Assignment]:
    """The learner's own assignments and their cohorts', goals loaded, by due date."""
    return _with_goals(Assignment.objects.filter(_learner_filter(learner)))


def assignments_for_mentor(*, mentor: User) -> QuerySet[Assignment]:
    """Assignments the mentor created, or set for a cohort they mentor or one of its learners."""
    return _with_goals(Assignment.objects.filter(_mentor_filter(mentor)))


def assignments_visible_to(*, user: User) -> QuerySet[Assignment]:
    """Everything a user sees: as a learner and as a mentor (most users are one of them)."""
    return _with_goals(Assignment.objects.filter(_learner_filter(user) | _mentor_filter(user)))


def assignment_for(*, user: User, assignment_id: int) -> Assignment:
    """One assignment the user may see; ``Assignment.DoesNotExist`` otherwise (a 404: an
    assignment someone else set does not reveal itself)."""
    return assignments_visible_to(user=user).get(pk=assignment_id)


def known_slugs_by_learner(*, learner_ids: Iterable[int]) -> dict[int, set[str]]:
    """Each learner's known topics (done or skipped), for many learners in one query."""
    known: dict[int, set[str]] = defaultdict(set)
    rows = TopicProgress.objects.filter(learner_id__in=list(learner_ids), status__in=KNOWN_STATUSES)
    for learner_id, slug in rows.values_list("learner_id", "topic__slug"):
        known[learner_id].add(slug)
    return known


def profiles_by_learner(*, learner_ids: Iterable[int]) -> dict[int, LearnerProfile]:
    """Each learner's profile (for their hours and time zone), in one query; missing ones absent."""
    return {p.user_id: p for p in LearnerProfile.objects.filter(user_id__in=list(learner_ids))}


def learner_deadlines(
    *, learners: Iterable[User], today: date | None = None
) -> dict[int, dict[int, GoalProgress]]:
    """For each learner (by id), their progress on every assignment they have (by id).

    Deadlines are weighed together, earliest due first (see
    ``progress.deadlines.deadline_progress``), at each learner's weekly hours from
    `today` (default: each learner's local today), review steps included (see
    ``progress.memory``). A constant number of queries.
    """
    learners = {learner.pk: learner for learner in learners}
    if not learners:
        return {}
    graph, _ = roadmap_graph()
    ids = list(learners)
    memberships = defaultdict(set)
    for user_id, cohort_id in Cohort.learners.through.objects.filter(user_id__in=ids).values_list(
        "user_id", "cohort_id"
    ):
        memberships[cohort_id].add(user_id)
    rows = Assignment.objects.filter(Q(learner_id__in=ids) | Q(cohort_id__in=list(memberships)))
    goals_of = defaultdict(list)
    for assignment_id, slug in Assignment.goals.through.objects.filter(
        assignment__in=rows
    ).values_list("assignment_id", "topic__slug"):
        goals_of[assignment_id].append(slug)
    deadlines = defaultdict(list)
    for assignment_id, learner_id, cohort_id, due in rows.values_list(
        "id", "learner_id", "cohort_id", "due_date"
    ):
        for user_id in [learner_id] if learner_id else memberships[cohort_id]:
            deadlines[user_id].append((assignment_id, goals_of[assignment_id], due))
    known = known_slugs_by_learner(learner_ids=ids)
    profiles = profiles_by_learner(learner_ids=ids)
    now = timezone.now()
    memory = memory_by_learner(learner_ids=ids, now=now)
    result = {}
    for user_id in ids:
        profile = profiles.get(user_id)
        hours = profile.hours_per_week if profile else DEFAULT_HOURS_PER_WEEK
        day = today or (
            timezone.localdate(now, timezone=profile.zone) if profile else timezone.localdate(now)
        )
        result[user_id] = deadline_progress(
            graph, known.get(user_id, set()), deadlines[user_id], hours_per_week=hours, today=day,
            reviews=review_hours(memory[user_id]),
        )  # fmt: skip
    return result


def with_progress(*, assignments: Iterable[Assignment], viewer: User) -> list[Assignment]:
    """The assignments with ``roadmap_changed``, ``assignee`` and ``progress`` (the
    assignee's ``GoalProgress`` as a dict with their ``learner`` username) set.

    ``assignee`` is whose progress is shown: the learner of a one-learner assignment, or
    the viewer when they are in the assignment's cohort; otherwise None (a mentor reads a
    cohort's progress with ``progress.mentoring.cohort_progress``). A constant number of
    queries however many assignments.
    """
    assignments = list(assignments)
    _, version = roadmap_graph()
    viewer_cohorts = (
        set(viewer.cohorts.values_list("pk", flat=True))
        if any(a.cohort_id for a in assignments)
        else set()
    )
    for assignment in assignments:
        assignment.roadmap_changed = assignment.graph_version != version
        if assignment.learner_id is not None:
            assignment.assignee = assignment.learner
        elif assignment.cohort_id in viewer_cohorts:
            assignment.assignee = viewer
        else:
            assignment.assignee = None
    assignees = {a.assignee.pk: a.assignee for a in assignments if a.assignee is not None}
    progress = learner_deadlines(learners=assignees.values())
    for assignment in assignments:
        assignee = assignment.assignee
        found = progress[assignee.pk].get(assignment.pk) if assignee is not None else None
        assignment.progress = (
            None if found is None else {"learner": assignee.username, **asdict(found)}
        )
    return assignments
