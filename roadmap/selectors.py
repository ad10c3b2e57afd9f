"""Reads of the roadmap: the graph (cached per graph version) and its version."""

import hashlib
import threading

import networkx as nx
from django.core.cache import cache
from django.db import connection
from django.db.models import Prefetch, QuerySet

from roadmap.models import GraphVersion, Prerequisite, Resource, Topic, TopicResource, Track

# The database's name is part of the key: two local databases (a demo, a test run) may share
# the file cache and sit at the same version number with different roadmaps.
_GRAPH_CACHE_KEY = "roadmap:graph:{database}:v{version}"
_local = threading.local()


def graph_version() -> int:
    """The current roadmap version (one query)."""
    version = GraphVersion.objects.values_list("version", flat=True).first()
    return version or 0


def build_roadmap_graph() -> nx.DiGraph:
    """Build the roadmap DiGraph from the database in three queries.

    Nodes are topic slugs with ``title``, ``hours``, ``track``, ``level`` and
    ``resources`` (core first); edges carry ``kind`` and ``reason``.
    ``graph.graph["tracks"]`` maps each track slug that has topics to its ``title`` and
    ``topics`` (slugs), tracks in roadmap order, so track goals need no query of their own.
    Retired topics and their edges are left out: no path, ready list or goal reaches them.
    """
    graph = nx.DiGraph()
    tracks = graph.graph["tracks"] = {}
    rows = Topic.objects.live().values("id", "slug", "title", "hours", "level", "track__slug", "track__title")
    for topic in rows.order_by("track__position", "slug"):
        graph.add_node(
            topic["slug"],
            id=topic["id"],
            title=topic["title"],
            hours=topic["hours"],
            level=topic["level"],
            track=topic["track__slug"],
            resources=[],
        )
        track = tracks.setdefault(topic["track__slug"], {"title": topic["track__title"], "topics": []})
        track["topics"].append(topic["slug"])
    edges = Prerequisite.objects.filter(from_topic__retired_at=None, to_topic__retired_at=None)
    for source, target, kind, reason in edges.values_list(
        "from_topic__slug", "to_topic__slug", "kind", "reason"
    ):
        graph.add_edge(source, target, kind=kind, reason=reason)
    links = TopicResource.objects.filter(topic__retired_at=None).values(
        "topic__slug", "role", "locator", "position", "resource__id", "resource__slug", "resource__title",
        "resource__kind", "resource__access", "resource__url", "resource__health",
    ).order_by("topic__slug", "position", "id")
    for link in links:
        graph.nodes[link["topic__slug"]]["resources"].append(
            {
                "id": link["resource__id"],
                "slug": link["resource__slug"],
                "title": link["resource__title"],
                "kind": link["resource__kind"],
                "access": link["resource__access"],
                "url": link["resource__url"],
                "health": link["resource__health"],
                "role": link["role"],
                "locator": link["locator"],
            }
        )
    for _, data in graph.nodes(data=True):
        data["resources"].sort(key=lambda r: r["role"] != "core")
    return graph


def roadmap_graph() -> tuple[nx.DiGraph, int]:
    """The roadmap graph and its version, built once per version.

    A process keeps the graph of the version it last saw; other processes (web workers,
    the Celery worker) share it through the cache. The returned graph is shared: treat
    it as read-only. Costs one query while the version is unchanged.
    """
    version = graph_version()
    memo = getattr(_local, "graph", None)
    if memo is not None and memo[0] == version:
        return memo[1], version
    key = _GRAPH_CACHE_KEY.format(database=_database_tag(), version=version)
    graph = cache.get(key)
    if graph is None:
        graph = build_roadmap_graph()
        cache.set(key, graph, timeout=7 * 24 * 3600)
    _local.graph = (version, graph)
    return graph, version


def _database_tag() -> str:
    name = str(connection.settings_dict["NAME"])
    return hashlib.sha1(name.encode()).hexdigest()[:12]


def forget_cached_graph() -> None:
    """Drop this process's memo (tests; the cache itself is keyed by version)."""
    _local.graph = None


def tracks_with_topics() -> QuerySet[Track]:
    return Track.objects.prefetch_related(
        Prefetch("topics", queryset=Topic.objects.live().order_by("level", "slug"))
    )


def topic_detail(*, slug: str) -> Topic:
    """A topic with its edges and resources loaded (constant number of queries)."""
    return (
        Topic.objects.select_related("track")
        .prefetch_related(
            Prefetch(
                "prerequisite_edges",
                queryset=Prerequisite.objects.select_related("from_topic").order_by("kind", "from_topic__slug"),
            ),
            Prefetch(
                "dependent_edges",
                queryset=Prerequisite.objects.select_related("to_topic").order_by("kind", "to_topic__slug"),
            ),
            Prefetch(
                "topic_resources",
                queryset=TopicResource.objects.select_related("resource").order_by("role", "position", "id"),
            ),
        )
        .get(slug=slug)
    )


def resources_for_export() -> QuerySet[Resource]:
    return Resource.objects.order_by("slug")
