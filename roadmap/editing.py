"""Curators' edits to topics and resources (prerequisite edges live in ``roadmap.services``).

Each function is one transaction that takes the roadmap lock (so two curators' edits
queue instead of racing past each other's uniqueness checks), validates with the
models' own rules and leaves the graph version one step further on (the signals bump
it; ``one_graph_version`` folds a resource and its links into a single bump).
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from roadmap import retirement
from roadmap.models import Access, Level, Resource, ResourceRole, Topic, TopicResource, Track
from roadmap.services import lock_roadmap, one_graph_version

TOPIC_FIELDS = frozenset({"slug", "title", "summary", "track", "level", "hours"})
RESOURCE_FIELDS = frozenset({"slug", "title", "authors", "kind", "access", "url", "year"})


@dataclass(frozen=True)
class TopicLink:
    """A resource's place on one topic: how central it is and where to look."""

    topic: Topic
    role: str = ResourceRole.CORE
    locator: str = ""
    position: int = 0


@transaction.atomic
def topic_create(
    *,
    slug: str,
    title: str,
    track: Track,
    hours: int,
    level: str = Level.BEGINNER,
    summary: str = "",
) -> Topic:
    lock_roadmap()
    topic = Topic(slug=slug, title=title, track=track, hours=hours, level=level, summary=summary)
    topic.full_clean()
    topic.save()
    return topic


@transaction.atomic
def topic_update(*, topic: Topic, **changes) -> Topic:
    """Change any of a topic's own fields (``TOPIC_FIELDS``); edges and links stay."""
    _refuse_unknown(changes, TOPIC_FIELDS, "topic")
    lock_roadmap()
    for field, value in changes.items():
        setattr(topic, field, value)
    topic.full_clean()
    topic.save()
    return topic


@transaction.atomic
def topic_delete(*, topic: Topic, force: bool = False) -> None:
    """Delete a topic with its edges and resource links.

    Raises ``roadmap.retirement.TopicInUse`` when learners have progress, notes or cards on
    it, unless ``force`` (a superuser in the admin): those would be destroyed with it.
    """
    lock_roadmap()
    if not force:
        retirement.ensure_deletable(topic=topic)
    topic.delete()


@transaction.atomic
def resource_create(
    *,
    slug: str,
    title: str,
    kind: str,
    access: str = Access.FREE,
    url: str = "",
    authors: str = "",
    year: int | None = None,
    links: Sequence[TopicLink] = (),
) -> Resource:
    with one_graph_version():
        lock_roadmap()
        resource = Resource(
            slug=slug, title=title, kind=kind, access=access, url=url, authors=authors, year=year
        )
        resource.full_clean()
        resource.save()
        _links_set(resource, links)
    return resource


@transaction.atomic
def resource_update(
    *, resource: Resource, links: Sequence[TopicLink] | None = None, **changes
) -> Resource:
    """Change a resource's fields (``RESOURCE_FIELDS``) and, when ``links`` is given,
    replace its topic links with exactly those.

    A new URL has not been checked: its link health starts again from "unknown".
    """
    _refuse_unknown(changes, RESOURCE_FIELDS, "resource")
    with one_graph_version():
        lock_roadmap()
        if "url" in changes and changes["url"] != resource.url:
            resource.health = Resource._meta.get_field("health").default
            resource.health_checked_at = None
            resource.consecutive_failures = 0
            resource.first_failure_at = None
            resource.suggested_url = ""
        for field, value in changes.items():
            setattr(resource, field, value)
        resource.full_clean()
        resource.save()
        if links is not None:
            _links_set(resource, links)
    return resource


@transaction.atomic
def resource_delete(*, resource: Resource) -> None:
    lock_roadmap()
    resource.delete()


def _refuse_unknown(changes: dict, allowed: frozenset[str], what: str) -> None:
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ValidationError(f"cannot change {', '.join(unknown)} of a {what} here")


def _links_set(resource: Resource, links: Sequence[TopicLink]) -> None:
    seen: set[int] = set()
    for link in links:
        if link.topic.pk in seen:
            raise ValidationError({"topics": f"{link.topic.slug} is listed more than once"})
        seen.add(link.topic.pk)
    resource.topic_resources.exclude(topic__in=seen).delete()
    existing = {row.topic_id: row for row in resource.topic_resources.all()}
    for link in links:
        row = existing.get(link.topic.pk) or TopicResource(resource=resource, topic=link.topic)
        row.role, row.locator, row.position = link.role, link.locator, link.position
        row.full_clean(validate_unique=False, validate_constraints=False)
        row.save()
