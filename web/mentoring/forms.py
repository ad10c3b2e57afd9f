"""The mentor's assignment form."""

from django import forms

from progress.assignments import NOTE_MAX_LENGTH
from web.goals import GoalsField


class AssignmentForm(forms.Form):
    """A mentor sets goals (topics and/or whole tracks) for their cohort or one of its learners.

    The goal and learner choices come from the caller (the roadmap's ``goal_options()`` and
    the cohort's usernames); due dates in the past and goals that vanished meanwhile are
    refused by ``progress.assignments.assignment_create``, whose errors the view adds here.
    """

    goals = GoalsField(label="Goals", help_text="Type a topic or a whole track and pick it; add as many as you like.")
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
        self.fields["goals"].set_options(goal_options)
        whole = f"The whole cohort ({len(learners)} learner{'' if len(learners) == 1 else 's'})"
        self.fields["learner"].choices = [("", whole), *((name, name) for name in learners)]
        self.fields["learner"].error_messages["invalid_choice"] = (
            "%(value)s is not a learner of this cohort."
        )

    def goal_labels(self) -> list[str]:
        """The picked goals as the picker names them ("Mathematics (whole track)")."""
        labels = self.fields["goals"].labels
        return [labels.get(goal, goal) for goal in self.cleaned_data.get("goals", [])]
