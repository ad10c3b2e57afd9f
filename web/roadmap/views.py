from django.http import Http404
from django.shortcuts import render

from progress import selectors as progress_selectors
from progress.models import TopicStatus
from roadmap import selectors
from roadmap.models import Topic

TOPIC_TEMPLATE = "roadmap/topic_detail.html"


def track_list(request):
    tracks = progress_selectors.tracks_with_status(learner=request.user)
    return render(request, "roadmap/track_list.html", {"tracks": tracks})


def topic_detail(request, slug):
    try:
        topic = selectors.topic_detail(slug=slug)
    except Topic.DoesNotExist:
        raise Http404(f"No topic {slug!r}") from None
    return render_topic(request, topic)


def render_topic(
    request, topic: Topic, *, partial: str | None = None, status: int = 200, **context
):
    """The topic page, or one of its partials (``status``, ``resource``, ``notes``) for htmx.

    The progress endpoints answer with the same template, so the page and the fragments
    they swap in can never drift apart.
    """
    tracking = None
    if request.user.is_authenticated:
        tracking = progress_selectors.topic_tracking(learner=request.user, topic=topic)
    template = f"{TOPIC_TEMPLATE}#{partial}" if partial else TOPIC_TEMPLATE
    context = {"topic": topic, "tracking": tracking, "statuses": TopicStatus.choices, **context}
    return render(request, template, context, status=status)
