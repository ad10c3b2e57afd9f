"""Personalised learning paths: the pure engine (``roadmap.paths``) fed from the database.

``path_for`` answers "what do I still need for these goals, in what order, and by when?"
for a signed-in learner (their progress, weekly hours and time zone) or for anyone who
lists what they know. ``ready_for`` lists what a learner can start today.
``progress.deadlines`` asks the same question about goals with due dates (assignments).

Goals name topics or tracks. A track goal stands for the track's *terminal topics*: its
topics on which no other topic of the same track builds, through the edges the path
follows (required ones, and recommended ones too with ``include_recommended``). Every
topic of a track leads to one of them without leaving the track, so the path to a track
covers all of it that is not known yet. A track all of whose terminal topics are known
is a goal already reached. A slug naming both a topic and a track means the topic; write
``track:<slug>`` to mean the track.

*Review steps*: a known topic whose memory has faded (``progress.memory``, which the
quizzes app answers: its retention is below the learner's desired retention) comes back
into a signed-in learner's path as a step of kind ``review`` just before the first step
that builds on it, even through topics they still know, for the time its due cards take
(see ``roadmap.paths.review``). Its ``why`` says how far it has faded and what builds on
it. With ``needs_review_as_unknown`` such topics count as not known instead and come back
at their full study hours. Mentors' projections (``deadline_progress``) include them.

Cost: one query for the graph version (the graph itself is built once per version, see
``roadmap.selectors.roadmap_graph``) and, for a learner, one for their progress, one for
their profile and two for their memory, whatever the length of the path.
"""

from collections.abc import Collection, Iterable, Sequence
from datetime import date, datetime

import networkx as nx
from django.core.exceptions import ValidationError
from django.utils import timezone

from progress.memory import TopicMemory, memory_for, review_hours
from progress.models import LearnerProfile, User
from progress.selectors import known_topic_slugs, local_today, profile_for
from roadmap.paths import (
    REVIEW,
    GoalAlreadyKnownError,
    PathError,
    PathOptions,
    known_topics,
    learning_path,
    ready_now,
    with_review_steps,
)
from roadmap.selectors import roadmap_graph

MAX_GOALS = 500
MAX_KNOWN = 500
TRACK_PREFIX = "track:"
DEFAULT_HOURS_PER_WEEK = LearnerProfile._meta.get_field("hours_per_week").default


class UnknownGoalError(PathError):
    """Some goals name neither a topic nor a track; ``slugs`` lists them, sorted."""

    def __init__(self, slugs: Iterable[str]):
        self.slugs = sorted(slugs)
        super().__init__(self.slugs)

    def __str__(self) -> str:
        return "unknown topic(s) or track(s): " + ", ".join(map(repr, self.slugs))


# --- Goals --------------------------------------------------------------------------------------


def track_terminal_topics(
    graph: nx.DiGraph, track: str, *, include_recommended: bool = False
) -> list[str]:
    """Return the topics of `track` on which no other topic of the track builds.

    Only the edges a path follows count: required ones, and recommended ones when
    `include_recommended`. Topics come in the track's order (by slug). An unknown track
    has none.

    Examples
    --------
    >>> G = nx.DiGraph([("algebra", "calculus"), ("algebra", "geometry")], kind="required")
    >>> G.add_edge("geometry", "calculus", kind="recommended")
    >>> nx.set_node_attributes(G, "math", "track")
    >>> track_terminal_topics(G, "math")
    ['calculus', 'geometry']
    >>> track_terminal_topics(G, "math", include_recommended=True)
    ['calculus']
    """
    topics = _tracks(graph).get(track, {}).get("topics", [])
    members = set(topics)
    successors = graph.succ

    def builds_on(topic: str) -> bool:
        return any(
            dependent in members and (include_recommended or edge.get("kind") != "recommended")
            for dependent, edge in successors[topic].items()
        )

    return [topic for topic in topics if not builds_on(topic)]


def resolve_goals(
    graph: nx.DiGraph,
    goals: str | Iterable[str],
    known: Collection[str] = (),
    *,
    include_recommended: bool = False,
) -> list[str]:
    """Return the topic slugs that `goals` (topics and/or tracks) stand for, without repeats.

    A topic stays as it is; a track becomes its terminal topics that are not in `known`
    (see :func:`track_terminal_topics`). A slug that names both means the topic;
    ``track:<slug>`` always means the track.

    Raises
    ------
    UnknownGoalError
        If a goal names neither a topic nor a track.
    GoalAlreadyKnownError
        If every terminal topic of a track goal is known.

    Examples
    --------
    >>> G = nx.DiGraph([("algebra", "calculus"), ("python", "numpy")])
    >>> nx.set_node_attributes(G, {"algebra": "math", "calculus": "math"}, "track")
    >>> nx.set_node_attributes(G, {"python": "code", "numpy": "code"}, "track")
    >>> resolve_goals(G, ["math", "numpy"])
    ['calculus', 'numpy']
    >>> resolve_goals(G, ["track:code", "python"])
    ['numpy', 'python']
    """
    goals = [goals] if isinstance(goals, str) else list(goals)
    tracks = _tracks(graph)
    topics: list[str] = []
    unknown = []
    for goal in goals:
        track = goal.removeprefix(TRACK_PREFIX) if goal.startswith(TRACK_PREFIX) else None
        if track is None and goal in graph:
            topics.append(goal)
            continue
        track = goal if track is None else track
        if track not in tracks:
            unknown.append(goal)
            continue
        terminal = track_terminal_topics(graph, track, include_recommended=include_recommended)
        missing = [topic for topic in terminal if topic not in known]
        if not missing:
            raise GoalAlreadyKnownError([TRACK_PREFIX + track])
        topics.extend(missing)
    if unknown:
        raise UnknownGoalError(unknown)
    return list(dict.fromkeys(topics))


def _tracks(graph: nx.DiGraph) -> dict[str, dict]:
    """Track slug -> ``{"title", "topics"}``: precomputed by the selector, else from the nodes."""
    tracks = graph.graph.get("tracks")
    if tracks is None:
        tracks = {}
        for topic, track in sorted(graph.nodes(data="track"), key=lambda pair: pair[0]):
            if track is not None:
                tracks.setdefault(track, {"title": track, "topics": []})["topics"].append(topic)
    return tracks


# --- A learner's path ---------------------------------------------------------------------------


def path_for(
    *,
    goals: str | Sequence[str],
    known: Iterable[str] | None = None,
    learner: User | None = None,
    include_recommended: bool = False,
    assume_known_prerequisites: bool = True,
    needs_review_as_unknown: bool = False,
    hours_per_week: float | None = None,
    start_date: date | None = None,
    preferred_access: Sequence[str] = (),
    preferred_kinds: Sequence[str] = (),
    now: datetime | None = None,
) -> dict:
    """The path to `goals` as plain data: ``LearningPath.to_dict()`` (each step with a
    ``why`` sentence and, for a review step, ``review``: its ``retention`` and
    ``due_cards``), plus ``graph_version``, ``hours_per_week`` and ``start_date``.

    ``known`` defaults to the learner's done and skipped topics, those that need review
    coming back as review steps (or, with ``needs_review_as_unknown``, as topics to study
    again); with ``known`` given, no review steps are added. ``hours_per_week`` defaults to
    their profile's and ``start_date`` to their local today; ``now`` (the memory's clock)
    to now. Without a learner, ``known`` is required.

    Raises
    ------
    ValidationError
        With the engine's message for any ``PathError`` (an unknown slug, a goal already
        known, hours out of range...), or when there is neither a learner nor ``known``.
    """
    if learner is not None and not learner.is_authenticated:
        learner = None
    goals = [goals] if isinstance(goals, str) else list(goals)
    if not goals:
        raise ValidationError({"goals": "name at least one topic or track"})
    if len(goals) > MAX_GOALS:
        raise ValidationError(
            {"goals": f"ask for at most {MAX_GOALS} goals at a time, got {len(goals)}"}
        )
    graph, version = roadmap_graph()
    memory: dict[str, TopicMemory] = {}
    if known is None:
        if learner is None:
            raise ValidationError(
                {
                    "known": "sign in to use your progress, "
                    "or list the topics you already know in `known`"
                }
            )
        # Checked against the graph once, here: the engine does not check them again.
        known = known_topics(graph, known_topic_slugs(learner=learner), drop_unknown=True)
        if known:  # only known topics can need review
            memory = memory_for(learner_id=learner.pk, now=now or timezone.now())
    else:
        known = set(known)
        if len(known) > MAX_KNOWN:
            raise ValidationError(
                {"known": f"list at most {MAX_KNOWN} known topics, got {len(known)}"}
            )
    reviews = {t: hours for t, hours in review_hours(memory).items() if t in known}
    if needs_review_as_unknown:
        known, reviews = known.difference(reviews), {}
    if hours_per_week is None:
        hours_per_week = profile_for(learner).hours_per_week if learner else DEFAULT_HOURS_PER_WEEK
    if start_date is None:
        start_date = local_today(learner=learner) if learner else timezone.localdate()
    try:
        options = PathOptions(
            include_recommended=include_recommended,
            assume_known_prerequisites=assume_known_prerequisites,
            hours_per_week=hours_per_week,
            start_date=start_date,
            preferred_access=tuple(preferred_access),
            preferred_kinds=tuple(preferred_kinds),
        )
        topics = resolve_goals(graph, goals, known, include_recommended=include_recommended)
        path = learning_path(graph, topics, known, options)
        if reviews:
            path = with_review_steps(graph, path, reviews, options)
    except PathError as error:
        raise ValidationError(str(error), code="path") from error
    except OverflowError:  # dates past year 9999: the API's bounds keep callers clear of it
        raise ValidationError(
            "the path would end after the last date there is; plan with more hours a week",
            code="path",
        ) from None
    data = path.to_dict()
    titles = graph.nodes

    def title(topic: str) -> str:
        return titles[topic].get("title", topic)

    for step in data["steps"]:
        topic = step["topic"]
        if step["kind"] == REVIEW:
            faded = memory[topic]
            step["why"] = why_review(title(topic), faded.retention, title(step["chain"][1]))
            step["review"] = {"retention": faded.retention, "due_cards": faded.due_cards}
            # API v1's hours are whole study hours: a review takes minutes, not hours.
            step["minutes"], step["hours"] = max(1, round(step["hours"] * 60)), 0
        else:
            step["why"] = why(topic, step["needed_for"], step["chain"], title)
            step["review"] = None
            step["minutes"] = round(step["hours"] * 60)
    data["total_hours"] = round(data["total_hours"])
    data["graph_version"] = version
    data["hours_per_week"] = hours_per_week
    data["start_date"] = start_date.isoformat()
    return data


def why_review(title: str, retention: float, builds_on_it: str) -> str:
    """Why a review step is on the path.

    Examples
    --------
    >>> why_review("Attention", 0.6213, "Transformers")
    'Attention has faded to 62 %; Transformers builds on it'
    """
    return f"{title} has faded to {retention:.0%}".replace("%", " %") + f"; {builds_on_it} builds on it"


def why(topic: str, needed_for: Sequence[str], chain: Sequence[str], title=str) -> str:
    """One sentence saying why a step is on the path, naming topics with `title`.

    Examples
    --------
    >>> why("attention", ["transformers"], ["attention", "transformers"])
    'Needed for transformers'
    >>> why("calculus", ["transformers"], ["calculus", "attention", "transformers"])
    'Needed for transformers via attention'
    >>> why("numpy", ["numpy", "pandas"], ["numpy"])
    'Your goal; also needed for pandas'
    """
    goal = chain[-1]
    others = [title(g) for g in needed_for if g != goal]
    if len(others) > 3:
        others = [*others[:3], f"{len(others) - 3} more"]
    if goal == topic:
        sentence = "Your goal"
        return sentence + (f"; also needed for {', '.join(others)}" if others else "")
    sentence = f"Needed for {title(goal)}"
    if len(chain) > 2:
        sentence += f" via {title(chain[1])}"
    return sentence + (f" (and for {', '.join(others)})" if others else "")


def ready_for(*, learner: User, needs_review_as_unknown: bool = False) -> list[dict]:
    """What the learner can start today: topics not known whose required prerequisites all
    are, in roadmap order, with ``topic``, ``title``, ``track``, ``level`` and ``hours``.
    With ``needs_review_as_unknown`` a known topic that needs review counts as not known."""
    graph, _ = roadmap_graph()
    known = graph.nodes.keys() & known_topic_slugs(learner=learner)
    if needs_review_as_unknown:
        known = known.difference(review_hours(memory_for(learner_id=learner.pk, now=timezone.now())))
    track_order = {track: i for i, track in enumerate(_tracks(graph))}
    nodes = graph.nodes
    slugs = sorted(
        ready_now(graph, known), key=lambda t: (track_order.get(nodes[t].get("track"), 0), t)
    )
    return [
        {
            "topic": slug,
            "title": nodes[slug].get("title", slug),
            "track": nodes[slug].get("track"),
            "level": nodes[slug].get("level"),
            "hours": nodes[slug].get("hours"),
        }
        for slug in slugs
    ]


def goal_options() -> list[dict]:
    """Every track with its topics, in roadmap order, for pickers: ``[{"track", "title",
    "topics": [{"topic", "title"}]}]``. One query while the graph is cached."""
    graph, _ = roadmap_graph()
    nodes = graph.nodes
    return [
        {
            "track": slug,
            "title": track["title"],
            "topics": [{"topic": t, "title": nodes[t].get("title", t)} for t in track["topics"]],
        }
        for slug, track in _tracks(graph).items()
    ]
