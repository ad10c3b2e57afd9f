"""Accounts: sign-up and the learner's settings (Django's own views do login and passwords)."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from progress import selectors, services
from progress.models import Role
from web.accounts.forms import ProfileForm, SignUpForm


def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                username=data["username"],
                password=data["password1"],
                email=data["email"],
                role=Role.LEARNER,
                time_zone=data["time_zone"],
                hours_per_week=data["hours_per_week"],
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            login(request, user)
            messages.success(request, f"Welcome to Pathwise, {user.username}! Three questions, and you have a plan.")
            return redirect("welcome")
    return render(request, "registration/signup.html", {"form": form})


@login_required
def profile_settings(request):
    profile = selectors.profile_for(request.user)
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(learner=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, "Your settings are saved.")
            return redirect("profile-settings")
    return render(request, "progress/settings.html", {"form": form})
