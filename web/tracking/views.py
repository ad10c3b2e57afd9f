"""The learner's dashboard, and the topic page's tracking forms (status, resources, notes).

Every tracking endpoint takes a POST, calls one service and answers an htmx request with
the topic page's partial it changed, or a plain form post with a redirect back to the
topic (post/redirect/get), so the page works without JavaScript.
"""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from progress import selectors, services
from progress.calendar import activity_calendar, calendar_start
from progress.models import TopicStatus, User
from quizzes import selectors as quiz_selectors
from roadmap import selectors as roadmap_selectors
from roadmap.models import Topic, TopicResource
from web import charts
from web.htmx import login_required_htmx
from web.roadmap.views import render_topic
from web.templatetags.roadmap_tags import day
from web.tracking.forms import NotesForm


def progress_overview(learner: User) -> dict:
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


CHART_DAYS = 30
HISTORY_DAYS = 91  # 13 weeks of reviews and retention


def _charts(learner: User) -> list[charts.Chart]:
    """The progress page's charts, from the review selectors (shapes only are made here)."""
    now = timezone.now()
    today = selectors.local_today(learner=learner, now=now)
    forecast = quiz_selectors.due_forecast(learner=learner, now=now, days=CHART_DAYS)
    history = quiz_selectors.review_history(learner=learner, start=today - timedelta(days=HISTORY_DAYS - 1), end=today)
    weeks = quiz_selectors.retention_by_week(history)
    return [
        charts.bar_chart("Reviews due, next 30 days", "cards",
                         [(day(d["date"]), d["due"], "") for d in forecast]),
        charts.bar_chart("Reviews per day, last 13 weeks", "reviews",
                         [(day(d["date"]), d["reviews"], f"{d['again']} again") for d in history], label_every=14),
        charts.line_chart("Retention per week (share of reviews not rated Again)", "recalled",
                          [(day(w["start"]), w["retention"], f"{w['reviews']} reviews") for w in weeks]),
    ]  # fmt: skip


@login_required
def dashboard(request):
    context = progress_overview(request.user)
    context["charts"] = _charts(request.user)
    context["mastery"] = quiz_selectors.mastery_by_track(learner=request.user)
    return render(request, "progress/dashboard.html", context)


def _back_to_topic(topic: Topic, anchor: str):
    return redirect(reverse("roadmap:topic-detail", args=[topic.slug]) + f"#{anchor}")


def _topic_with_error(request, topic: Topic, partial: str, **context):
    """A refused change: the fragment for htmx, else the whole page, both with status 400."""
    if not request.htmx:
        topic = roadmap_selectors.topic_detail(slug=topic.slug)
    return render_topic(
        request, topic, partial=partial if request.htmx else None, status=400, **context
    )


@login_required_htmx
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


@login_required_htmx
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


@login_required_htmx
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
