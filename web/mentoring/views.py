"""The mentor's pages: their cohorts, a learner's progress, a cohort's outlook and assignments.

Setting and removing assignments works like the topic page's forms: a POST calls one
service and answers htmx with the sections it changed, a plain post with a redirect.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from progress import assignments, mentoring, planning, selectors
from progress.models import Assignment, Cohort, User
from web.htmx import login_required_htmx
from web.mentoring.forms import AssignmentForm
from web.templatetags.roadmap_tags import day
from web.tracking.views import progress_overview


def _require_mentor(user: User) -> None:
    if not user.is_mentor:
        raise PermissionDenied("Only mentors can read their cohorts' progress.")


@login_required
def mentor_home(request):
    # One query per cohort for its learners' summaries, however many learners it has.
    _require_mentor(request.user)
    cohorts = [
        (cohort, selectors.cohort_members(cohort=cohort))
        for cohort in selectors.cohorts_for_mentor(mentor=request.user).order_by("name", "id")
    ]
    return render(request, "progress/mentor_home.html", {"cohorts": cohorts})


@login_required
def mentor_learner(request, cohort_id, username):
    _require_mentor(request.user)
    # Only learners of a cohort this mentor mentors exist here; anyone else is a 404,
    # so a mentor cannot even find out which usernames are taken.
    try:
        cohort = selectors.cohort_for_mentor(mentor=request.user, cohort_id=cohort_id)
        learner = selectors.cohort_member(cohort=cohort, username=username)
    except (Cohort.DoesNotExist, User.DoesNotExist):
        raise Http404("No such learner in your cohorts") from None
    context = {
        **progress_overview(learner),
        "cohort": cohort,
        "tracks": selectors.tracks_with_status(learner=learner),
    }
    return render(request, "progress/mentor_learner.html", context)


COHORT_TEMPLATE = "progress/mentor_cohort.html"


def _mentored_cohort(user: User, cohort_id: int) -> Cohort:
    """The cohort, for one of its mentors; 403 for anyone not a mentor, 404 for other
    mentors (so they cannot find out which cohorts exist)."""
    _require_mentor(user)
    try:
        return selectors.cohort_for_mentor(mentor=user, cohort_id=cohort_id)
    except Cohort.DoesNotExist:
        raise Http404("No such cohort among yours") from None


def _assignable_cohort(user: User, cohort_id: int) -> Cohort:
    """The cohort, if the user may set its goals: its mentors, and admins (who may assign to
    anyone, see ``progress.assignments.may_assign``). 403 for other roles, 404 for a cohort
    they may not assign to."""
    if not (user.is_mentor or user.is_curator):
        raise PermissionDenied("Only mentors and curators can set assignments.")
    try:
        return assignments.assignable_cohorts(user=user).get(pk=cohort_id)
    except Cohort.DoesNotExist:
        raise Http404("No such cohort among yours") from None


def _titled(slugs, titles: dict[str, str]) -> list[dict]:
    return [{"topic": slug, "title": titles.get(slug, slug)} for slug in slugs]


def _cohort_context(request, cohort: Cohort, *, form: AssignmentForm | None = None) -> dict:
    """The cohort page's data: ``progress.mentoring.cohort_progress`` (None for a curator
    who does not mentor the cohort: they may assign, not read its learners' progress),
    with topic titles put next to its slugs, the learners' own assignments and the form."""
    options = planning.goal_options()
    try:
        report = mentoring.cohort_progress(
            cohort=cohort, mentor=request.user, today=selectors.local_today(learner=request.user)
        )
    except PermissionDenied:
        report = None
    individual = []
    if report is not None:
        titles = {t["topic"]: t["title"] for track in options for t in track["topics"]}
        cohort_wide = {a["id"] for a in report["assignments"]}
        for assignment in report["assignments"]:
            assignment["goals"] = _titled(assignment["goals"], titles)
        for row in report["learners"]:
            row["blocked_by"] = _titled(row["blocked_by"], titles)
            for assignment in row["assignments"]:
                assignment["cohort_wide"] = assignment["assignment"] in cohort_wide
        individual = assignments.assignments_for_mentor(mentor=request.user).filter(
            learner__cohorts=cohort
        )
        learners = [row["learner"] for row in report["learners"]]
    else:
        learners = list(cohort.learners.order_by("username").values_list("username", flat=True))
    if form is None:
        form = AssignmentForm(goal_options=options, learners=learners)
    return {
        "cohort": cohort,
        "report": report,
        "individual_assignments": individual,
        "form": form,
    }


def _render_cohort(request, cohort: Cohort, *, form=None, status=200, **context):
    """The cohort page, or for htmx its assignments section (with the learners' outlook
    and the blocking ranking swapped out of band, since a change of goals moves them)."""
    template = f"{COHORT_TEMPLATE}#assignments-swap" if request.htmx else COHORT_TEMPLATE
    context = {**_cohort_context(request, cohort, form=form), **context}
    return render(request, template, context, status=status)


def _after_assignment_change(request, cohort: Cohort, message: str):
    """Post/redirect/get back to the cohort page, or its sections swapped in for htmx."""
    mentors_it = selectors.cohorts_for_mentor(mentor=request.user).filter(pk=cohort.pk).exists()
    if not mentors_it:  # a curator: there is no cohort page for them to go back to
        messages.success(request, message)
        if request.htmx:
            return HttpResponseClientRedirect(reverse("dashboard"))
        return redirect("dashboard")
    if request.htmx:
        return _render_cohort(request, cohort, assignments_message=message)
    messages.success(request, message)
    return redirect(reverse("mentor-cohort", args=[cohort.pk]) + "#assignments")


@login_required
def mentor_cohort(request, cohort_id):
    cohort = _mentored_cohort(request.user, cohort_id)
    return render(request, COHORT_TEMPLATE, _cohort_context(request, cohort))


@login_required_htmx
@require_POST
def mentor_assignment_create(request, cohort_id):
    cohort = _assignable_cohort(request.user, cohort_id)
    usernames = list(cohort.learners.order_by("username").values_list("username", flat=True))
    form = AssignmentForm(
        request.POST, goal_options=planning.goal_options(), learners=usernames
    )
    if not form.is_valid():
        return _render_cohort(request, cohort, form=form, status=400)
    data = form.cleaned_data
    learner = selectors.cohort_member(cohort=cohort, username=data["learner"]) if data["learner"] else None
    try:
        assignment = assignments.assignment_create(
            created_by=request.user,
            goals=data["goals"],
            learner=learner,
            cohort=None if learner else cohort,
            due_date=data["due_date"],
            note=data["note"],
        )
    except ValidationError as error:
        for field, problems in error.message_dict.items():
            problems = [capfirst(problem) for problem in problems]
            form.add_error(field if field in form.fields else None, problems)
        return _render_cohort(request, cohort, form=form, status=400)
    whom = learner.username if learner else cohort.name
    labels = form.goal_labels()
    goals = ", ".join(labels[:3]) + (f" and {len(labels) - 3} more" if len(labels) > 3 else "")
    message = f"Assigned {goals} to {whom}, due {day(assignment.due_date)}."
    return _after_assignment_change(request, cohort, message)


@login_required_htmx
def mentor_assignment_delete(request, cohort_id, assignment_id):
    """GET asks for confirmation (the page without JavaScript); POST removes."""
    cohort = _assignable_cohort(request.user, cohort_id)
    try:
        assignment = assignments.assignment_for(user=request.user, assignment_id=assignment_id)
    except Assignment.DoesNotExist:
        raise Http404("No such assignment") from None
    in_cohort = assignment.cohort_id == cohort.pk or (
        assignment.learner_id is not None
        and cohort.learners.filter(pk=assignment.learner_id).exists()
    )
    if not in_cohort:
        raise Http404("No such assignment in this cohort")
    if request.method != "POST":
        context = {"cohort": cohort, "assignment": assignment}
        return render(request, "progress/mentor_assignment_delete.html", context)
    assignments.assignment_delete(assignment=assignment, deleted_by=request.user)
    whom = assignment.learner.username if assignment.learner_id else cohort.name
    message = f"Removed the assignment for {whom} due {day(assignment.due_date)}."
    return _after_assignment_change(request, cohort, message)
