"""The planner: pick goals (type-ahead topics and tracks), see the path to them week by week.

A plain GET form, so a path has a shareable URL and the page works without JavaScript;
with htmx the form swaps in only the ``path-result`` partial, scrolled into view. Signed-in
learners get their progress, weekly hours and time zone filled in, their saved goals by
default, and can save the goals as their own; anonymous visitors tick what they know.
"""

from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.shortcuts import render

from progress import assignments, goals, planning, states
from web.paths.forms import PathForm

TEMPLATE = "paths/path.html"


def path_page(request):
    signed_in = request.user.is_authenticated
    plan = goals.plan_for(learner=request.user) if signed_in else None
    data = request.GET
    if not data and plan is not None:  # a learner's own plan, until they ask for another
        data = {"goals": plan.goals, "include_recommended": "on" if plan.include_recommended else ""}
    form = PathForm(data or None, options=planning.goal_options(), signed_in=signed_in)
    path = weeks = None
    if form.is_bound and form.is_valid():
        cleaned = form.cleaned_data
        try:
            path = planning.path_for(
                learner=request.user if signed_in else None,
                goals=cleaned["goals"],
                known=None if signed_in else cleaned["known"],
                hours_per_week=cleaned["hours_per_week"],
                include_recommended=cleaned["include_recommended"],
                needs_review_as_unknown=cleaned.get("needs_review_as_unknown", False),
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            weeks = goals.path_by_week(path, states.topic_states(learner=request.user))
    mine = []
    if signed_in and not request.htmx:
        mine = assignments.with_progress(
            assignments=assignments.assignments_for_learner(learner=request.user),
            viewer=request.user,
        )
    picked = form.fields["goals"].picked(form["goals"].value() if form.is_bound else [])
    chosen = [goal for goal, _ in picked]
    context = {
        "form": form,
        "path": path,
        "weeks": weeks,
        "picked": picked,
        "assignments": mine,
        "is_saved_plan": plan is not None and path is not None and list(plan.goals) == chosen,
        "map_query": urlencode([("goals", goal) for goal in chosen]),
    }
    template = f"{TEMPLATE}#path-result" if request.htmx else TEMPLATE
    return render(request, template, context, status=400 if form.errors else 200)
