from django.http import Http404
from django.shortcuts import render

from roadmap import selectors
from roadmap.models import Topic


def track_list(request):
    return render(request, "roadmap/track_list.html", {"tracks": selectors.tracks_with_topics()})


def topic_detail(request, slug):
    try:
        topic = selectors.topic_detail(slug=slug)
    except Topic.DoesNotExist:
        raise Http404(f"No topic {slug!r}") from None
    return render(request, "roadmap/topic_detail.html", {"topic": topic})
