"""Query-string filters for the roadmap lists (django-filter; the HTML pages may reuse them)."""

import django_filters
from django.db.models import Q
from rest_framework.exceptions import ValidationError

from progress.models import TopicStatus
from roadmap.models import (
    Access,
    Level,
    LinkHealth,
    Prerequisite,
    PrerequisiteKind,
    Resource,
    ResourceKind,
    Topic,
    Track,
)

SEARCH_MAX_LENGTH = 200


class TopicFilterSet(django_filters.FilterSet):
    track = django_filters.ModelChoiceFilter(
        queryset=Track.objects.all(), to_field_name="slug", help_text="A track's slug."
    )
    level = django_filters.ChoiceFilter(choices=Level.choices)
    status = django_filters.ChoiceFilter(
        choices=TopicStatus.choices,
        method="filter_status",
        help_text="Your status on the topic. Only when signed in: anonymous callers get 400.",
    )
    search = django_filters.CharFilter(
        method="filter_search",
        max_length=SEARCH_MAX_LENGTH,
        help_text="Words found in the title, slug or summary (case-insensitive).",
    )

    class Meta:
        model = Topic
        fields = ["track", "level", "status", "search"]

    def filter_status(self, queryset, name, value):
        if not (self.request and self.request.user.is_authenticated):
            # Ignoring the filter would answer "every topic", which reads as "all not started".
            raise ValidationError({"status": ["Sign in to filter topics by your status."]})
        return queryset.filter(learner_status=value)

    def filter_search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(title__icontains=word) | Q(slug__icontains=word) | Q(summary__icontains=word)
            )
        return queryset


class PrerequisiteFilterSet(django_filters.FilterSet):
    from_topic = django_filters.ModelChoiceFilter(
        queryset=Topic.objects.all(), to_field_name="slug", help_text="The prerequisite's slug."
    )
    to_topic = django_filters.ModelChoiceFilter(
        queryset=Topic.objects.all(), to_field_name="slug", help_text="The dependent topic's slug."
    )
    kind = django_filters.ChoiceFilter(choices=PrerequisiteKind.choices)

    class Meta:
        model = Prerequisite
        fields = ["from_topic", "to_topic", "kind"]


class ResourceFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=ResourceKind.choices)
    access = django_filters.ChoiceFilter(choices=Access.choices)
    topic = django_filters.ModelChoiceFilter(
        field_name="topics",
        queryset=Topic.objects.all(),
        to_field_name="slug",
        help_text="Resources linked to this topic (slug).",
    )
    health = django_filters.ChoiceFilter(choices=LinkHealth.choices, help_text="e.g. `broken`.")

    class Meta:
        model = Resource
        fields = ["kind", "access", "topic", "health"]
