"""The roadmap: the picture (drawn in the browser from the same data), its list view for
screen readers and without JavaScript, and the topic page (or, for htmx, its panel)."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render

from progress import planning, states
from progress import selectors as progress_selectors
from progress.goals import plan_for
from progress.models import TopicStatus
from roadmap import selectors
from roadmap.models import Topic
from web.goals import goal_choices

TOPIC_TEMPLATE = "roadmap/topic_detail.html"
PANEL_TEMPLATE = "roadmap/topic_panel.html"


def _highlight(request) -> tuple[list[str], list[str], str | None]:
    """The goals to highlight (``?goals=``, else the learner's saved ones) and their path."""
    goals = request.GET.getlist("goals")
    if not goals:
        plan = plan_for(learner=request.user)
        goals = list(plan.goals) if plan else []
    if not goals:
        return [], [], None
    try:
        return goals, states.path_topics(learner=request.user, goals=goals), None
    except ValidationError as error:
        return goals, [], " ".join(error.messages)


def roadmap_map(request):
    goals, path, problem = _highlight(request)
    labels = dict(goal_choices(planning.goal_options()))
    context = {
        "map": states.roadmap_map(learner=request.user),
        "goals": goals,
        "goal_titles": [labels.get(goal, goal) for goal in goals],
        "path": path,
        "path_problem": problem,
        "track": request.GET.get("track", ""),
    }
    slug = request.GET.get("topic")
    if slug:
        try:
            topic = selectors.topic_detail(slug=slug)
        except Topic.DoesNotExist:
            pass
        else:
            context.update(_topic_context(request, topic))
    return render(request, "roadmap/map.html", context)


def track_list(request):
    return render(request, "roadmap/track_list.html", {"map": states.roadmap_map(learner=request.user)})


def topic_detail(request, slug):
    try:
        topic = selectors.topic_detail(slug=slug)
    except Topic.DoesNotExist:
        raise Http404(f"No topic {slug!r}") from None
    if request.htmx and request.htmx.target == "topic-panel":
        return render(request, PANEL_TEMPLATE, _topic_context(request, topic))
    return render_topic(request, topic)


def _topic_context(request, topic: Topic) -> dict:
    tracking = None
    if request.user.is_authenticated:
        tracking = progress_selectors.topic_tracking(learner=request.user, topic=topic)
    return {"topic": topic, "tracking": tracking, "statuses": TopicStatus.choices}


def render_topic(
    request, topic: Topic, *, partial: str | None = None, status: int = 200, **context
):
    """The topic page, or one of its partials (``status``, ``resource``, ``notes``) for htmx.

    The progress endpoints answer with the same template, so the page and the fragments
    they swap in can never drift apart.
    """
    template = f"{TOPIC_TEMPLATE}#{partial}" if partial else TOPIC_TEMPLATE
    return render(request, template, {**_topic_context(request, topic), **context}, status=status)
