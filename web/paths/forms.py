"""The planner's form: goals (topics and whole tracks, type-ahead), what is known, weekly hours."""

from django import forms
from django.core.exceptions import ValidationError

from progress.planning import MAX_KNOWN
from web.goals import GoalsField


class PathForm(forms.Form):
    goals = GoalsField(
        label="Goals", help_text="Type a topic or a track and pick it from the suggestions; add as many as you like."
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
        self.fields["goals"].set_options(options)
        if signed_in:
            del self.fields["known"]
        else:
            self.fields["known"].choices = [
                (t["title"], [(x["topic"], x["title"]) for x in t["topics"]]) for t in options
            ]
            del self.fields["needs_review_as_unknown"]

    def clean_known(self):
        known = self.cleaned_data["known"]
        if len(known) > MAX_KNOWN:
            raise ValidationError(f"Tick at most {MAX_KNOWN} topics.")
        return known
