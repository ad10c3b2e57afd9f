"""Keep the graph version moving on every roadmap edit, whatever made it.

The admin, inlines, cascades and the shell all save through the ORM; bumping here
(inside the same transaction) means no path can change the roadmap without caches and
ETags noticing. Bulk ``QuerySet.update`` bypasses signals: services that use it call
``bump_graph_version`` themselves.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from roadmap.models import Prerequisite, Resource, Topic, TopicResource, Track
from roadmap.services import bump_graph_version

_GRAPH_MODELS = (Track, Topic, Prerequisite, Resource, TopicResource)


@receiver(post_save)
@receiver(post_delete)
def _roadmap_changed(sender, raw=False, **kwargs):
    if sender in _GRAPH_MODELS and not raw:
        bump_graph_version()


@receiver(m2m_changed, sender=Resource.topics.through)
def _roadmap_links_changed(sender, action, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"}:
        bump_graph_version()
