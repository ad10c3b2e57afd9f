"""The signed-in home: each role's landing page, Today, the first-run flow, notices.

Like every page here, views parse input, call one service or selector and render.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from progress import goals, planning, selectors, services, states
from quizzes import notices
from quizzes.today import today_for
from web.home.forms import GoalsForm, HoursForm, KnownForm
from web.htmx import login_required_htmx


def home(request):
    """Each role lands where it works: curators on curation, mentors on their cohorts,
    learners on Today, visitors on the roadmap."""
    user = request.user
    if not user.is_authenticated:
        return redirect("roadmap:map")
    if user.is_curator:
        return redirect("curation")
    if user.is_mentor:
        return redirect("mentor-home")
    return redirect("today")


@login_required
def today(request):
    context = today_for(learner=request.user, now=timezone.now())
    if context["first_run"] and not request.GET.get("skip"):
        return redirect("welcome")
    return render(request, "home/today.html", context)


def _next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


@login_required
def welcome(request):
    """First run, step 1 of 3: where the learner wants to go."""
    options = planning.goal_options()
    plan = goals.plan_for(learner=request.user)
    initial = {"goals": plan.goals} if plan else None
    form = GoalsForm(request.POST or None, options=options, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            goals.plan_save(learner=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("goals", error.messages)
        else:
            return redirect("welcome-known")
    picked = form["goals"].value() or []
    context = {"form": form, "picked": form.fields["goals"].picked(picked), "step": 1,
               "tracks": [(planning.TRACK_PREFIX + t["track"], t["title"]) for t in options]}  # fmt: skip
    return render(request, "home/welcome_goals.html", context, status=400 if form.errors else 200)


@login_required
def welcome_known(request):
    """First run, step 2 of 3: mark on the picture what the learner already knows."""
    context = {"map": states.roadmap_map(learner=request.user), "step": 2, "known_mode": True}
    return render(request, "home/welcome_known.html", context)


@login_required
def welcome_hours(request):
    """First run, step 3 of 3: weekly hours; then the plan."""
    form = HoursForm(request.POST or None, instance=selectors.profile_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(learner=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, "Your plan is ready: here it is, week by week.")
            return redirect("paths:path")
    return render(request, "home/welcome_hours.html", {"form": form, "step": 3}, status=400 if form.errors else 200)


@login_required_htmx
@require_POST
def topic_known(request):
    """Mark a topic known (with its prerequisites) or not; JSON for the picture, else a redirect."""
    wants_json = "application/json" in request.headers.get("Accept", "")
    form = KnownForm(request.POST)
    problem, message = None, ""
    if not form.is_valid():
        problem = "Send a topic and known=1 or known=0."
    else:
        data = form.cleaned_data
        try:
            if data["known"]:
                marked = goals.topic_mark_known(
                    learner=request.user, topic=data["topic"], with_prerequisites=data["with_prerequisites"]
                )
                others = len(marked) - 1 if data["topic"] in marked else len(marked)
                message = f"Marked {len(marked)} topic{'s' if len(marked) != 1 else ''} as known" + (
                    f" ({others} prerequisite{'s' if others != 1 else ''})." if others > 0 else "."
                )
            else:
                goals.topic_unmark_known(learner=request.user, topic=data["topic"])
                message = "Marked as not known yet."
        except ValidationError as error:
            problem = " ".join(error.messages)
    if wants_json:
        if problem:
            return JsonResponse({"detail": problem}, status=400)
        return JsonResponse({"message": message, "states": states.topic_states(learner=request.user)})
    if problem:
        messages.error(request, f"Not changed: {problem}")
    else:
        messages.success(request, message)
    return redirect(_next(request, "welcome-known"))


@login_required
@require_POST
def goals_save(request):
    """Save the planner's goals as the learner's own, then show the plan."""
    form = GoalsForm(request.POST, options=planning.goal_options())
    if form.is_valid():
        try:
            goals.plan_save(learner=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, "Not saved: " + " ".join(error.messages))
        else:
            messages.success(request, "Saved as your goals: Today and the roadmap follow them now.")
    else:
        messages.error(request, "Not saved: " + " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("paths:path")


@login_required_htmx
@require_POST
def notice_dismiss(request):
    now = timezone.now()
    if request.POST.get("all"):
        notices.notices_dismiss_all(learner=request.user, now=now)
    else:
        notices.notice_dismiss(learner=request.user, key=request.POST.get("key", ""), now=now)
    if request.htmx:
        return render(request, "includes/notices.html", {"notices": notices.notices_for(learner=request.user, now=now)})
    return redirect(_next(request, "today"))
