"""The learning-path page: pick goals (topics and/or whole tracks), see the path to them.

A plain GET form, so a path has a shareable URL and the page works without JavaScript;
with htmx the form swaps in only the ``path-result`` partial. Signed-in learners get
their progress, weekly hours and time zone filled in, and their assignments with the
path remaining to each; anonymous visitors tick what they already know.
"""

from django.core.exceptions import ValidationError
from django.shortcuts import render

from progress import assignments, planning
from web.paths.forms import PathForm

TEMPLATE = "paths/path.html"


def path_page(request):
    signed_in = request.user.is_authenticated
    form = PathForm(request.GET or None, options=planning.goal_options(), signed_in=signed_in)
    path = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            path = planning.path_for(
                learner=request.user if signed_in else None,
                goals=data["goals"],
                known=None if signed_in else data["known"],
                hours_per_week=data["hours_per_week"],
                include_recommended=data["include_recommended"],
                needs_review_as_unknown=data.get("needs_review_as_unknown", False),
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
    mine = []
    if signed_in and not request.htmx:
        mine = assignments.with_progress(
            assignments=assignments.assignments_for_learner(learner=request.user),
            viewer=request.user,
        )
    template = f"{TEMPLATE}#path-result" if request.htmx else TEMPLATE
    context = {"form": form, "path": path, "assignments": mine}
    return render(request, template, context, status=400 if form.errors else 200)
