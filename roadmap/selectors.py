"""Reads of the roadmap: the graph (cached per graph version) and its version."""

import hashlib
import threading

import networkx as nx
from django.contrib.admin.models import LogEntry
from django.core.cache import cache
from django.db import connection
from django.db.models import Case, Count, IntegerField, Prefetch, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from roadmap.graph import topic_depths
from roadmap.models import GraphVersion, LinkCheck, LinkCheckRun, Prerequisite, Resource, Topic, TopicResource

# The database's name is part of the key: two local databases (a demo, a test run) may share
# the file cache and sit at the same version number with different roadmaps.
_GRAPH_CACHE_KEY = "roadmap:graph:{database}:v{version}"
_local = threading.local()
#: Entries of ``roadmap_memo`` (bodies of a few kB to 100 kB) kept per process at most.
MEMO_LIMIT = 1000

#: The one-row version query, in SQL of our own (see `graph_version`). The table name is
#: the model's own, never input, and the row is the singleton its constraint allows.
_VERSION_SQL = f"SELECT version FROM {GraphVersion._meta.db_table} WHERE id = 1"  # noqa: S608


def graph_version() -> int:
    """The current roadmap version (one query).

    In SQL of our own: every roadmap read (and its ETag) asks for it, and building this
    query with the ORM costs three times what running it does.
    """
    with connection.cursor() as cursor:
        cursor.execute(_VERSION_SQL)
        row = cursor.fetchone()
    return row[0] if row else 0


def build_roadmap_graph() -> nx.DiGraph:
    """Build the roadmap DiGraph from the database in three queries.

    Nodes are topic slugs with ``title``, ``hours``, ``track``, ``level``, ``depth`` (see
    ``roadmap.graph.topic_depths``) and ``resources`` (core first); edges carry ``kind``,
    ``reason`` and ``weight`` (None when the curriculum gives none).
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
    for source, target, kind, reason, weight in edges.values_list(
        "from_topic__slug", "to_topic__slug", "kind", "reason", "weight"
    ):
        graph.add_edge(source, target, kind=kind, reason=reason, weight=weight)
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
    nx.set_node_attributes(graph, topic_depths(graph), "depth")
    return graph


def graph_version_sql() -> RawSQL:
    """`graph_version` as an expression, for a query the caller makes anyway
    (``.annotate(graph_version=graph_version_sql())``): its value passed to
    `roadmap_graph` saves that query (a live review reads it with the card it locks)."""
    return RawSQL(_VERSION_SQL, [], IntegerField())


def roadmap_graph(*, version: int | None = None) -> tuple[nx.DiGraph, int]:
    """The roadmap graph and its version, built once per version.

    A process keeps the graph of the version it last saw; other processes (web workers,
    the Celery worker) share it through the cache. The returned graph is shared: treat
    it as read-only. Costs one query while the version is unchanged, none when the
    caller read ``version`` already in this transaction (`graph_version_sql`).
    """
    if version is None:
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


def roadmap_memo(*, version: int) -> dict:
    """A dict this process keeps for things that depend only on the roadmap at ``version``
    (a response body serialised once): emptied when the version moves, and when it grows
    past ``MEMO_LIMIT`` entries. Every edit moves the version, so what is kept here is
    never out of date for a caller who read ``version`` first."""
    memo = getattr(_local, "memo", None)
    if memo is None or memo[0] != version or len(memo[1]) >= MEMO_LIMIT:
        memo = _local.memo = (version, {})
    return memo[1]


def _database_tag() -> str:
    name = str(connection.settings_dict["NAME"])
    return hashlib.sha1(name.encode()).hexdigest()[:12]


def forget_cached_graph() -> None:
    """Drop this process's memos (tests; the cache itself is keyed by version)."""
    _local.graph = None
    _local.memo = None


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


#: Link health that asks for a curator's attention, worst first.
ATTENTION_HEALTH = ["broken", "dns-error", "tls-error", "connection-error", "redirected", "timeout", "blocked"]


def link_health_report(*, history: int = 5) -> dict:
    """Resources whose link needs a curator (broken, moved, unreachable...), worst first,
    each with its last ``history`` checks as ``recent_checks``; the last run; counts per
    health. Three queries."""
    rank = Case(*(When(health=h, then=Value(i)) for i, h in enumerate(ATTENTION_HEALTH)), output_field=IntegerField())
    checks = LinkCheck.objects.order_by("-checked_at", "-id")
    resources = (
        Resource.objects.filter(health__in=ATTENTION_HEALTH)
        .annotate(rank=rank)
        .order_by("rank", "title")
        .prefetch_related(
            Prefetch("link_checks", queryset=checks[:history], to_attr="recent_checks"),
            Prefetch("topic_resources", queryset=TopicResource.objects.select_related("topic")),
        )
    )
    rows = list(resources)
    counts = dict(Resource.objects.order_by().values_list("health").annotate(n=Count("id")))
    return {"resources": rows, "counts": counts, "last_run": LinkCheckRun.objects.order_by("-started_at").first()}


def recent_edits(*, limit: int = 15) -> list:
    """The latest changes curators made to the roadmap in the admin, newest first."""
    return list(
        LogEntry.objects.filter(content_type__app_label="roadmap")
        .select_related("user", "content_type")
        .order_by("-action_time")[:limit]
    )
