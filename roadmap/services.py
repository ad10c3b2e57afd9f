"""Writes to the roadmap. Every edit that can change the graph goes through here.

Acyclicity is checked in one place, ``ensure_acyclic``, which the admin, the importer
and the API all call.
"""

import contextlib
import threading
from collections.abc import Iterable, Iterator

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from roadmap.graph import CycleError, Edge, apply_edges
from roadmap.models import GraphVersion, Prerequisite, PrerequisiteKind, Topic
from roadmap.selectors import roadmap_graph

_state = threading.local()


def bump_graph_version() -> None:
    """Move the roadmap to a new version (inside the caller's transaction).

    Suppressed inside ``one_graph_version()``, which bumps once at its end.
    """
    if getattr(_state, "batch_depth", 0):
        _state.batch_dirty = True
        return
    updated = GraphVersion.objects.filter(id=1).update(version=F("version") + 1)
    if not updated:
        GraphVersion.objects.get_or_create(id=1, defaults={"version": 2})


@contextlib.contextmanager
def one_graph_version() -> Iterator[None]:
    """Group many edits (an import) under a single version bump."""
    _state.batch_depth = getattr(_state, "batch_depth", 0) + 1
    try:
        yield
    finally:
        _state.batch_depth -= 1
        if _state.batch_depth == 0 and getattr(_state, "batch_dirty", False):
            _state.batch_dirty = False
            bump_graph_version()


def lock_roadmap() -> None:
    """Serialise graph edits: two concurrent edges could each be acyclic alone but not together."""
    GraphVersion.objects.get_or_create(id=1)
    GraphVersion.objects.select_for_update().filter(id=1).first()


def ensure_acyclic(*, add: Iterable[Edge], remove: Iterable[Edge] = ()) -> None:
    """Refuse edge changes that would make the roadmap cyclic.

    Raises
    ------
    django.core.exceptions.ValidationError
        Naming the edge and the whole cycle it would close.
    """
    graph, _ = roadmap_graph()
    try:
        apply_edges(graph, add=add, remove=remove)
    except CycleError as error:
        raise ValidationError(str(error), code="cycle") from error


@transaction.atomic
def prerequisite_create(
    *,
    from_topic: Topic,
    to_topic: Topic,
    kind: str = PrerequisiteKind.REQUIRED,
    reason: str,
    weight: float | None = None,
) -> Prerequisite:
    if from_topic.pk == to_topic.pk:
        raise ValidationError(f"a topic cannot be its own prerequisite ({from_topic.slug})", code="self_edge")
    lock_roadmap()
    if Prerequisite.objects.filter(from_topic=from_topic, to_topic=to_topic).exists():
        raise ValidationError(
            f"{from_topic.slug} is already a prerequisite of {to_topic.slug}", code="duplicate_edge"
        )
    ensure_acyclic(add=[(from_topic.slug, to_topic.slug)])
    edge = Prerequisite(from_topic=from_topic, to_topic=to_topic, kind=kind, reason=reason, weight=weight)
    edge.full_clean()
    edge.save()
    return edge


@transaction.atomic
def prerequisite_update(*, prerequisite: Prerequisite, **changes) -> Prerequisite:
    """Change an edge's ends, kind, reason or weight; moving an end is checked for cycles."""
    lock_roadmap()
    old = (prerequisite.from_topic.slug, prerequisite.to_topic.slug)
    for field, value in changes.items():
        setattr(prerequisite, field, value)
    new = (prerequisite.from_topic.slug, prerequisite.to_topic.slug)
    if new != old:
        if new[0] == new[1]:
            raise ValidationError(f"a topic cannot be its own prerequisite ({new[0]})", code="self_edge")
        ensure_acyclic(add=[new], remove=[old])
    prerequisite.full_clean()
    prerequisite.save()
    return prerequisite


@transaction.atomic
def prerequisite_delete(*, prerequisite: Prerequisite) -> None:
    prerequisite.delete()
