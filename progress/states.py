"""A learner's state on every topic of the roadmap, for the picture, the list view and Today.

Each topic is in one state, decided from the learner's progress and the required edges:

- ``done``: done or skipped (skipping means already knowing it);
- ``needs_review``: done or skipped, but the quizzes say it has faded;
- ``in_progress``: started;
- ``ready``: not started, and every required prerequisite is done;
- ``locked``: some required prerequisite is not done yet.

Cost: the graph version (the graph is cached per version) and one query for the
learner's progress, whatever the size of the roadmap.
"""


from progress.models import KNOWN_STATUSES, TopicProgress, TopicStatus, User
from progress.planning import path_for
from roadmap.selectors import roadmap_graph

DONE = "done"
NEEDS_REVIEW = "needs_review"
IN_PROGRESS = "in_progress"
READY = "ready"
LOCKED = "locked"

#: Each state's label, in the order the legend lists them.
STATE_LABELS = {
    DONE: "Done",
    IN_PROGRESS: "In progress",
    READY: "Ready to start",
    NEEDS_REVIEW: "Needs review",
    LOCKED: "Locked",
}


def _progress_rows(learner: User | None) -> list[tuple[str, str, bool]]:
    if learner is None or not learner.is_authenticated:
        return []
    rows = TopicProgress.objects.filter(learner=learner).exclude(status=TopicStatus.NOT_STARTED)
    return list(rows.values_list("topic__slug", "status", "needs_review"))


def topic_states(*, learner: User | None) -> dict[str, str]:
    """Every topic's state for the learner (slug → state); empty for an anonymous visitor."""
    if learner is None or not learner.is_authenticated:
        return {}
    graph, _ = roadmap_graph()
    return states_from(graph, _progress_rows(learner))


def states_from(graph, rows) -> dict[str, str]:
    """The states of every topic of ``graph`` given ``(slug, status, needs_review)`` rows."""
    known, started, faded = set(), set(), set()
    for slug, status, needs_review in rows:
        if status in KNOWN_STATUSES:
            known.add(slug)
            if needs_review:
                faded.add(slug)
        elif status == TopicStatus.IN_PROGRESS:
            started.add(slug)
    states = {}
    for slug in graph.nodes:
        if slug in known:
            states[slug] = NEEDS_REVIEW if slug in faded else DONE
        elif slug in started:
            states[slug] = IN_PROGRESS
        elif all(
            source in known
            for source, _, kind in graph.in_edges(slug, data="kind")
            if kind != "recommended"
        ):
            states[slug] = READY
        else:
            states[slug] = LOCKED
    return states


def roadmap_map(*, learner: User | None) -> dict:
    """The whole roadmap as the picture and the list view draw it.

    ``{"version", "tracks": [{"track", "title", "topics": [...]}], "edges": [{"from", "to",
    "kind"}], "states": {state: label}}``; each topic is ``{"topic", "title", "track",
    "hours", "level", "depth", "state", "requires", "recommends"}`` with its state (None
    for an anonymous visitor) and the titles of its prerequisites. A track's topics come
    by depth in the graph, then title.
    """
    graph, version = roadmap_graph()
    states = states_from(graph, _progress_rows(learner)) if learner and learner.is_authenticated else {}
    nodes = graph.nodes
    tracks = []
    for slug, track in graph.graph.get("tracks", {}).items():
        topics = []
        for topic in track["topics"]:
            data = nodes[topic]
            prerequisites = sorted(graph.in_edges(topic, data="kind"), key=lambda e: nodes[e[0]]["title"])
            topics.append(
                {
                    "topic": topic,
                    "title": data["title"],
                    "track": slug,
                    "hours": data["hours"],
                    "level": data["level"],
                    "depth": data["depth"],
                    "state": states.get(topic),
                    "requires": [nodes[s]["title"] for s, _, k in prerequisites if k != "recommended"],
                    "recommends": [nodes[s]["title"] for s, _, k in prerequisites if k == "recommended"],
                }
            )
        topics.sort(key=lambda t: (t["depth"], t["title"].casefold()))
        tracks.append({"track": slug, "title": track["title"], "topics": topics})
    edges = [{"from": s, "to": t, "kind": kind} for s, t, kind in graph.edges(data="kind")]
    return {"version": version, "tracks": tracks, "edges": edges, "states": STATE_LABELS}


def topic_order() -> dict[str, tuple[int, str]]:
    """Each topic's sort key within its track: (depth in the graph, title)."""
    graph, _ = roadmap_graph()
    return {slug: (data["depth"], data["title"].casefold()) for slug, data in graph.nodes(data=True)}


def path_topics(*, learner: User | None, goals: list[str]) -> list[str]:
    """The topics on the path to ``goals`` (what is left for the learner; everything for an
    anonymous visitor), in path order, for the picture to highlight.

    Raises
    ------
    ValidationError
        For an unknown goal, or goals already reached.
    """
    signed_in = learner is not None and learner.is_authenticated
    path = path_for(
        learner=learner if signed_in else None, goals=goals, known=None if signed_in else []
    )
    return [step["topic"] for step in path["steps"]]


