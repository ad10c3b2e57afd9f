"""The review page's answer form: a card and a rating, or the chosen option of a multiple-choice card."""

from django import forms

from quizzes import services
from quizzes.scheduler import Rating


class ReviewForm(forms.Form):
    card = forms.IntegerField(min_value=1)
    rating = forms.TypedChoiceField(
        choices=[(int(r), r.name) for r in Rating], coerce=int, required=False
    )
    choice = forms.IntegerField(min_value=0, required=False)
    # How long the learner took to answer, measured by the page (review.js); optional.
    duration_ms = forms.IntegerField(min_value=0, max_value=3_600_000, required=False)

    def review(self) -> services.ReviewInput:
        data = self.cleaned_data
        return services.ReviewInput(
            card_id=data["card"],
            rating=data["rating"] or None,
            answer=data["choice"],
            duration_ms=data["duration_ms"],
        )
