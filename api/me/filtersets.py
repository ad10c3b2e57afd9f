import django_filters

from progress.models import TopicProgress, TopicStatus
from roadmap.models import Track


class ProgressFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=TopicStatus.choices)
    track = django_filters.ModelChoiceFilter(
        field_name="topic__track",
        queryset=Track.objects.all(),
        to_field_name="slug",
        help_text="A track's slug.",
    )

    class Meta:
        model = TopicProgress
        fields = ["status", "track"]
