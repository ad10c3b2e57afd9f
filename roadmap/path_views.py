"""The learning-path page: pick goals (topics and/or whole tracks), see the path to them.

A plain GET form, so a path has a shareable URL and the page works without JavaScript;
with htmx the form swaps in only the ``path-result`` partial. Signed-in learners get
their progress, weekly hours and time zone filled in, and their assignments with the
path remaining to each; anonymous visitors tick what they already know.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import render

from progress import assignments
from roadmap import learning_paths
from roadmap.learning_paths import MAX_GOALS, MAX_KNOWN, TRACK_PREFIX

TEMPLATE = "paths/path.html"


class PathForm(forms.Form):
    goals = forms.MultipleChoiceField(
        label="Goals", help_text="Topics, or whole tracks. Hold Ctrl (⌘ on a Mac) to pick several."
    )
    known = forms.MultipleChoiceField(
        label="Topics you already know", required=False, widget=forms.CheckboxSelectMultiple
    )
    hours_per_week = forms.FloatField(
        label="Hours a week", required=False, min_value=0.5, max_value=168,
        help_text="Leave empty to use your settings (5 hours when signed out).",
    )  # fmt: skip
    include_recommended = forms.BooleanField(
        label="Include recommended prerequisites too", required=False
    )
    needs_review_as_unknown = forms.BooleanField(
        label="Relearn topics your quizzes say need review", required=False
    )

    def __init__(self, *args, options: list[dict], signed_in: bool, **kwargs):
        super().__init__(*args, **kwargs)
        tracks = [(TRACK_PREFIX + t["track"], f"{t['title']} (whole track)") for t in options]
        topics = [(t["title"], [(x["topic"], x["title"]) for x in t["topics"]]) for t in options]
        self.fields["goals"].choices = [("Tracks", tracks), *topics]
        self.fields["goals"].widget.attrs["size"] = 12
        if signed_in:
            del self.fields["known"]
        else:
            self.fields["known"].choices = topics
            del self.fields["needs_review_as_unknown"]

    def clean_goals(self):
        goals = self.cleaned_data["goals"]
        if len(goals) > MAX_GOALS:
            raise ValidationError(f"Pick at most {MAX_GOALS} goals.")
        return goals

    def clean_known(self):
        known = self.cleaned_data["known"]
        if len(known) > MAX_KNOWN:
            raise ValidationError(f"Tick at most {MAX_KNOWN} topics.")
        return known


def path_page(request):
    signed_in = request.user.is_authenticated
    form = PathForm(request.GET or None, options=learning_paths.goal_options(), signed_in=signed_in)
    path = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            path = learning_paths.path_for(
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
