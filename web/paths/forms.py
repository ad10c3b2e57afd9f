"""The planner's form: goals (topics and whole tracks), what is known, weekly hours."""

from django import forms
from django.core.exceptions import ValidationError

from progress.planning import MAX_GOALS, MAX_KNOWN, TRACK_PREFIX


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
