"""The mentor's assignment form."""

from django import forms
from django.core.exceptions import ValidationError

from progress.assignments import NOTE_MAX_LENGTH
from progress.planning import MAX_GOALS, TRACK_PREFIX


class AssignmentForm(forms.Form):
    """A mentor sets goals (topics and/or whole tracks) for their cohort or one of its learners.

    The goal and learner choices come from the caller (the roadmap's ``goal_options()`` and
    the cohort's usernames); due dates in the past and goals that vanished meanwhile are
    refused by ``progress.assignments.assignment_create``, whose errors the view adds here.
    """

    goals = forms.MultipleChoiceField(
        label="Goals",
        help_text="Topics, or whole tracks. Hold Ctrl (⌘ on a Mac) to pick several.",
        error_messages={
            "required": "Pick at least one topic or track.",
            "invalid_choice": "%(value)s is not a topic or track of the roadmap.",
        },
    )
    learner = forms.ChoiceField(label="For", required=False)
    due_date = forms.DateField(
        label="Due date",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the due date as YYYY-MM-DD."},
    )
    note = forms.CharField(
        label="Note to the learners",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, goal_options: list[dict], learners: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        tracks = [(TRACK_PREFIX + t["track"], f"{t['title']} (whole track)") for t in goal_options]
        topics = [(t["title"], [(x["topic"], x["title"]) for x in t["topics"]]) for t in goal_options]
        self.fields["goals"].choices = [("Tracks", tracks), *topics]
        self.fields["goals"].widget.attrs["size"] = 10
        whole = f"The whole cohort ({len(learners)} learner{'' if len(learners) == 1 else 's'})"
        self.fields["learner"].choices = [("", whole), *((name, name) for name in learners)]
        self.fields["learner"].error_messages["invalid_choice"] = (
            "%(value)s is not a learner of this cohort."
        )

    def clean_goals(self):
        goals = self.cleaned_data["goals"]
        if len(goals) > MAX_GOALS:
            raise ValidationError(f"Pick at most {MAX_GOALS} goals.")
        return goals

    def goal_labels(self) -> list[str]:
        """The picked goals as the picker names them ("Mathematics (whole track)")."""
        labels = {value: label for _, group in self.fields["goals"].choices for value, label in group}
        return [labels.get(goal, goal) for goal in self.cleaned_data.get("goals", [])]
