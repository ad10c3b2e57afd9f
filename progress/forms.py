"""Forms of the learner's and the mentor's web pages. They parse and validate input; services write."""

import zoneinfo

from django import forms
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from progress import throttle
from progress.assignments import NOTE_MAX_LENGTH
from progress.models import LearnerProfile, TopicProgress, User
from roadmap.learning_paths import MAX_GOALS, TRACK_PREFIX


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's login form, refusing to even try a password once a user or an IP address
    has failed too often (see ``progress.throttle``)."""

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            ip = throttle.client_ip(self.request) if self.request else None
            try:
                throttle.ensure_login_allowed(username, ip)
            except throttle.LoginThrottled as error:
                raise ValidationError(str(error), code="throttled") from None
            self.user_cache = authenticate(self.request, username=username, password=password)
            if self.user_cache is None:
                throttle.record_login_failure(username, ip)
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
            throttle.record_login_success(username)
        return self.cleaned_data


class SignUpForm(forms.Form):
    username = forms.CharField(
        max_length=150,
        validators=[User.username_validator],
        help_text="Letters, digits and @ . + - _ only.",
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    time_zone = forms.ChoiceField(
        choices=time_zone_choices,
        initial="UTC",
        help_text="Your streak and calendar count days in this zone.",
    )
    hours_per_week = forms.FloatField(
        label="Hours per week",
        min_value=0.5,
        max_value=80,
        initial=5,
        widget=forms.NumberInput(attrs={"step": "0.5"}),
        help_text="How long you can study in a typical week; paths are planned with it.",
    )

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError("That username is taken; please choose another.", code="taken")
        return username

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error(
                "password2", ValidationError("The two passwords differ.", code="password_mismatch")
            )
        elif password1:
            candidate = User(username=cleaned.get("username", ""), email=cleaned.get("email", ""))
            try:
                password_validation.validate_password(password1, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(choices=time_zone_choices)
    reminder_hour = forms.TypedChoiceField(
        label="Daily reminder",
        choices=[("", "No reminders"), *((str(hour), f"{hour:02d}:00") for hour in range(24))],
        coerce=int,
        empty_value=None,
        required=False,
        help_text="Local time of the daily review reminder.",
    )

    class Meta:
        model = LearnerProfile
        fields = [
            "time_zone",
            "hours_per_week",
            "new_cards_per_day",
            "reviews_per_day",
            "desired_retention",
            "reminder_hour",
        ]
        labels = {
            "hours_per_week": "Hours per week",
            "new_cards_per_day": "New cards per day",
            "reviews_per_day": "Reviews per day",
            "desired_retention": "Desired retention",
        }
        help_texts = {
            "new_cards_per_day": "At most this many new flashcards a day.",
            "reviews_per_day": "At most this many reviews a day.",
            "desired_retention": "Chance of remembering a card when it is due (0.70–0.97); "
            "higher means more reviews.",
        }
        widgets = {
            "hours_per_week": forms.NumberInput(attrs={"step": "0.5", "min": "0.5", "max": "80"}),
            "desired_retention": forms.NumberInput(
                attrs={"step": "0.01", "min": "0.7", "max": "0.97"}
            ),
        }


class NotesForm(forms.Form):
    notes = forms.CharField(
        label="Private notes",
        required=False,
        strip=False,
        max_length=TopicProgress._meta.get_field("notes").max_length,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Only you can read these.",
    )


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
