"""Forms of the account pages: login, sign-up, settings. They parse and validate input; services write."""

import zoneinfo

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from progress import lockout
from progress.models import LearnerProfile, User


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class LockoutMessageMixin:
    """A login form that says so when the lockout (``progress.lockout``) refused the attempt,
    instead of "wrong password": the right password would not have helped either."""

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            if getattr(self.request, "axes_locked_out", False):
                message = lockout.lockout_message(lockout.retry_after(self.request))
                raise ValidationError(message, code="locked_out") from None
            raise


class LoginForm(LockoutMessageMixin, AuthenticationForm):
    pass


class AdminLoginForm(LockoutMessageMixin, AdminAuthenticationForm):
    pass


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
