"""Forms of the learner's home: saving goals, marking a topic known, weekly hours."""

from django import forms

from progress.models import LearnerProfile
from web.goals import GoalsField


class GoalsForm(forms.Form):
    goals = GoalsField(label="Where do you want to go?")
    include_recommended = forms.BooleanField(label="Include recommended prerequisites too", required=False)

    def __init__(self, *args, options: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goals"].set_options(options)


class KnownForm(forms.Form):
    topic = forms.SlugField()
    known = forms.TypedChoiceField(choices=[("1", "known"), ("0", "not known")], coerce=lambda v: v == "1")
    with_prerequisites = forms.BooleanField(required=False)


class HoursForm(forms.ModelForm):
    class Meta:
        model = LearnerProfile
        fields = ["hours_per_week"]
        labels = {"hours_per_week": "Hours per week"}
        help_texts = {"hours_per_week": "A typical week; your plan's dates follow from it. You can change it any time."}
        widgets = {"hours_per_week": forms.NumberInput(attrs={"step": "0.5", "min": "0.5", "max": "80"})}
