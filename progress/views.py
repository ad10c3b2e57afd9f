"""The learner's and the mentor's web pages.

Every progress endpoint takes a POST, calls one service and answers an htmx request with
the topic page's partial it changed, or a plain form post with a redirect back to the
topic (post/redirect/get), so the page works without JavaScript.
"""

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from progress import selectors, services
from progress.calendar import activity_calendar, calendar_start
from progress.forms import NotesForm, ProfileForm, SignUpForm
from progress.models import Cohort, Role, TopicStatus, User
from roadmap import selectors as roadmap_selectors
from roadmap.models import Topic, TopicResource
from roadmap.views import render_topic

# --- Accounts -----------------------------------------------------------------------------


def signup(request):
    if request.user.is_authenticated:
        return redirect("dashboard")
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
            messages.success(
                request, f"Welcome to Pathwise, {user.username}! Pick a topic to start."
            )
            return redirect("dashboard")
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


# --- The learner's dashboard --------------------------------------------------------------


def _progress_overview(learner: User) -> dict:
    """Stats, the activity calendar and topics in progress, counted in the learner's local days."""
    zone = selectors.profile_for(learner).zone
    today = selectors.local_today(learner=learner)
    days = selectors.activity_per_day(learner=learner, start=calendar_start(today), end=today)
    return {
        "learner": learner,
        "zone": zone,
        "stats": selectors.learner_stats(learner=learner, today=today),
        "calendar": activity_calendar(days, today=today),
        "in_progress": selectors.topics_in_progress(learner=learner),
    }


@login_required
def dashboard(request):
    return render(request, "progress/dashboard.html", _progress_overview(request.user))


# --- Tracking a topic (the topic page's forms post here) ----------------------------------


def _login_required_htmx(view):
    """``login_required``, but an htmx request from a logged-out browser (an expired
    session) reloads the whole page onto the login form instead of swapping the login
    page into a fragment."""
    guarded = login_required(view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.htmx and not request.user.is_authenticated:
            back_to = request.htmx.current_url_abs_path or "/"
            return HttpResponseClientRedirect(
                f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': back_to})}"
            )
        return guarded(request, *args, **kwargs)

    return wrapper


def _back_to_topic(topic: Topic, anchor: str):
    return redirect(reverse("roadmap:topic-detail", args=[topic.slug]) + f"#{anchor}")


def _topic_with_error(request, topic: Topic, partial: str, **context):
    """A refused change: the fragment for htmx, else the whole page, both with status 400."""
    if not request.htmx:
        topic = roadmap_selectors.topic_detail(slug=topic.slug)
    return render_topic(
        request, topic, partial=partial if request.htmx else None, status=400, **context
    )


@_login_required_htmx
@require_POST
def topic_status_update(request, slug):
    topic = get_object_or_404(Topic, slug=slug)
    status = request.POST.get("status", "")
    try:
        services.topic_status_set(learner=request.user, topic=topic, status=status)
    except ValidationError as error:
        problem = " ".join(error.messages)
        return _topic_with_error(request, topic, "status", status_error=f"Not changed: {problem}.")
    label = TopicStatus(status).label.lower()
    if request.htmx:
        return render_topic(request, topic, partial="status", status_message=f"Marked as {label}.")
    messages.success(request, f"“{topic.title}”: marked as {label}.")
    return _back_to_topic(topic, "topic-status")


@_login_required_htmx
@require_POST
def resource_done_update(request, slug, resource_slug):
    link = get_object_or_404(
        TopicResource.objects.select_related("topic", "resource"),
        topic__slug=slug,
        resource__slug=resource_slug,
    )
    done = request.POST.get("done")
    if done not in {"0", "1"}:
        return _topic_with_error(
            request,
            link.topic,
            "resource",
            link=link,
            resource_error_id=link.resource.id,
            resource_error="Not changed: send done=1 to tick the resource off, done=0 to undo.",
        )
    if done == "1":
        services.resource_mark_done(learner=request.user, resource=link.resource)
    else:
        services.resource_mark_undone(learner=request.user, resource=link.resource)
    if request.htmx:
        return render_topic(request, link.topic, partial="resource", link=link)
    verb = "ticked off" if done == "1" else "no longer ticked off"
    messages.success(request, f"“{link.resource.title}” is {verb}.")
    return _back_to_topic(link.topic, f"resource-{link.resource.id}")


@_login_required_htmx
@require_POST
def topic_notes_update(request, slug):
    topic = get_object_or_404(Topic, slug=slug)
    form = NotesForm(request.POST)
    if not form.is_valid():
        return _topic_with_error(request, topic, "notes", notes_form=form)
    tracking = selectors.topic_tracking(learner=request.user, topic=topic)
    try:
        services.topic_status_set(
            learner=request.user,
            topic=topic,
            status=tracking.status,
            notes=form.cleaned_data["notes"],
        )
    except ValidationError as error:
        form.add_error("notes", error.messages)
        return _topic_with_error(request, topic, "notes", notes_form=form)
    if request.htmx:
        return render_topic(request, topic, partial="notes", notes_saved=True)
    messages.success(request, "Your notes are saved.")
    return _back_to_topic(topic, "topic-notes")


# --- Mentors ------------------------------------------------------------------------------


def _require_mentor(user: User) -> None:
    if not user.is_mentor:
        raise PermissionDenied("Only mentors can read their cohorts' progress.")


@login_required
def mentor_home(request):
    # One query per cohort for its learners' summaries, however many learners it has.
    _require_mentor(request.user)
    cohorts = [
        (cohort, selectors.cohort_members(cohort=cohort))
        for cohort in selectors.cohorts_for_mentor(mentor=request.user).order_by("name", "id")
    ]
    return render(request, "progress/mentor_home.html", {"cohorts": cohorts})


@login_required
def mentor_learner(request, cohort_id, username):
    _require_mentor(request.user)
    # Only learners of a cohort this mentor mentors exist here; anyone else is a 404,
    # so a mentor cannot even find out which usernames are taken.
    try:
        cohort = selectors.cohort_for_mentor(mentor=request.user, cohort_id=cohort_id)
        learner = selectors.cohort_member(cohort=cohort, username=username)
    except (Cohort.DoesNotExist, User.DoesNotExist):
        raise Http404("No such learner in your cohorts") from None
    context = {
        **_progress_overview(learner),
        "cohort": cohort,
        "tracks": selectors.tracks_with_status(learner=learner),
    }
    return render(request, "progress/mentor_learner.html", context)
