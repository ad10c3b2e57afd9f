"""The topic page's notes form."""

from django import forms

from progress.models import TopicProgress


class NotesForm(forms.Form):
    notes = forms.CharField(
        label="Private notes",
        required=False,
        strip=False,
        max_length=TopicProgress._meta.get_field("notes").max_length,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Only you can read these.",
    )
