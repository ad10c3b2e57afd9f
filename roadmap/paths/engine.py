"""Learning paths: what a learner still needs for their goals, in what order, and when.

The curriculum is a :class:`networkx.DiGraph` whose nodes are topic slugs. An edge
``u -> v`` means "u is a prerequisite of v"; its ``kind`` is ``"required"`` or
``"recommended"`` (an edge without a ``kind`` counts as required). Topics carry
``hours`` (> 0), ``title`` and optionally ``resources`` (a list of dicts).

Everything here walks backwards from the goals only, so the cost grows with the size of
the path, never with the size of the curriculum. networkx answers each question on its
own (``ancestors``, ``topological_sort`` of a subgraph, ``shortest_path`` per step), but
stopping at known topics, keeping related topics together and explaining every step
fit in one depth-first walk plus one breadth-first pass back from the goals, which is
what this module and :mod:`roadmap.paths.walk` do. :mod:`roadmap.paths.schedule` then dates
the steps and picks their resources (:mod:`roadmap.paths.steps` lays them out); its public
names are re-exported here, so import everything from here.

The curriculum graph is built once per version and shared read-only, and the same
topics come back in path after path, so the engine remembers what it derives per topic
(prerequisites sorted by slug, start resource per preferences) in the graph's networkx
cache, ``G.__networkx_cache__``: beside the graph's data, not in it. networkx empties
that cache whenever the graph is changed through its methods (``add_edge``,
``add_node``, ``set_node_attributes``...), and a topic whose ``resources`` list is
replaced gets a new pick. Edits made directly to attribute dicts are not noticed, as
networkx documents for its own cache: build a new graph for a new curriculum, as the
selector does. Frozen graphs, views among them, remember nothing.

Pure module: no I/O, no ORM, no clock. A selector builds the graph; a service stores
the result.
"""

from collections.abc import Collection, Iterable, Sequence
from itertools import repeat

import networkx as nx

from roadmap.paths.schedule import (
    GoalAlreadyKnownError,
    InvalidOptionError,
    LearningPath,
    PathError,
    PathOptions,
    PathStep,
    PrerequisiteCycleError,
    StudySlot,
    UnknownTopicError,
    pick_start_resource,
    schedule,
)
from roadmap.paths.steps import _FEW_STEPS, _new_path, _plan_few, _plan_steps
from roadmap.paths.walk import (
    NOTHING,
    KnownTopics,
    check_request,
    edge_filter,
    known_topics,
    remembered,
    served_goals,
    trace,
    walk,
)

__all__ = [
    "GoalAlreadyKnownError",
    "InvalidOptionError",
    "KnownTopics",
    "known_topics",
    "LearningPath",
    "PathError",
    "PathOptions",
    "PathStep",
    "PrerequisiteCycleError",
    "StudySlot",
    "UnknownTopicError",
    "explain",
    "learning_path",
    "needed_topics",
    "order_topics",
    "pick_start_resource",
    "ready_now",
    "schedule",
]

def needed_topics(
    graph: nx.DiGraph,
    goals: Iterable[str],
    known: Collection[str] = (),
    *,
    include_recommended: bool = False,
    assume_known_prerequisites: bool = True,
) -> set[str]:
    """Return the goals and their prerequisites that the learner does not know yet.

    Prerequisites follow required edges, and recommended ones when
    `include_recommended`. With `assume_known_prerequisites` the walk stops at known
    topics: whatever is only reachable through them counts as learnt too (Metacademy's
    "implicitly learned"). Known goals are left out.

    Raises
    ------
    UnknownTopicError
        If a goal or a known slug is not a topic of `graph`.

    Examples
    --------
    >>> G = nx.DiGraph([("algebra", "calculus"), ("calculus", "ml"), ("python", "ml")])
    >>> sorted(needed_topics(G, ["ml"], {"calculus"}))
    ['ml', 'python']
    >>> sorted(needed_topics(G, ["ml"], {"calculus"}, assume_known_prerequisites=False))
    ['algebra', 'ml', 'python']
    """
    goals, known = check_request(graph, goals, known)
    drop = known if assume_known_prerequisites else NOTHING
    order = walk(graph, [g for g in goals if g not in drop], include_recommended, drop=drop)[0]
    return set(order).difference(known)


def order_topics(
    graph: nx.DiGraph,
    needed: Collection[str],
    goals: Sequence[str],
    *,
    include_recommended: bool = False,
    through: Collection[str] = (),
) -> list[str]:
    """Return `needed` in an order that puts every prerequisite before what needs it.

    A depth-first post-order from the goals, taken in the order given, visiting the
    prerequisites of each topic by slug, so related topics stay together and the same
    input always gives the same order (Metacademy orders its paths the same way). The
    walk may pass through the topics in `through` (say, known topics whose forgotten
    prerequisites are needed) without listing them. Needed topics that no goal reaches
    come last, in the same fashion.

    Raises
    ------
    PrerequisiteCycleError
        If the prerequisites among these topics form a cycle.

    Examples
    --------
    >>> G = nx.DiGraph([("algebra", "calculus"), ("calculus", "ml"), ("python", "ml")])
    >>> order_topics(G, {"algebra", "calculus", "ml", "python"}, ["ml"])
    ['algebra', 'calculus', 'python', 'ml']
    """
    needed = set(needed)
    domain = needed.union(through) if through else needed
    roots = [g for g in goals if g in domain]
    order, visited = walk(graph, roots, include_recommended, keep=domain)
    rest = sorted(needed.difference(visited))
    if rest:
        order += walk(graph, rest, include_recommended, keep=domain, visited=visited)[0]
    return [t for t in order if t in needed] if through else order


def explain(
    graph: nx.DiGraph,
    order: Iterable[str],
    goals: Sequence[str],
    *,
    include_recommended: bool = False,
    through: Collection[str] = (),
) -> dict[str, tuple[list[str], list[str]]]:
    """Map each step of `order` to the goals it serves and one shortest chain to a goal.

    The goals a step serves are those it leads to (itself included), in the order of
    `goals`. The chain starts at the step and ends at the nearest goal, moving only
    through steps and `through` topics; ties go to the next topic whose slug sorts first.

    Raises
    ------
    PathError
        If a step leads to none of the goals.

    Examples
    --------
    >>> G = nx.DiGraph([("algebra", "calculus"), ("calculus", "ml"), ("python", "ml")])
    >>> explain(G, ["algebra", "calculus", "ml"], ["calculus", "ml"])["algebra"]
    (['calculus', 'ml'], ['algebra', 'calculus'])
    """
    order = list(order)
    domain = set(order).union(through)
    goals = [g for g in dict.fromkeys(goals) if g in domain]
    walked, kids = walk(graph, goals, include_recommended, keep=domain)
    chains, masks = trace(walked, kids, goals)
    stray = [t for t in order if t not in chains]
    if stray:
        raise PathError(f"topic(s) {stray!r} lead to none of the goals {goals!r}")
    serves = served_goals(order, masks, goals)
    return {t: (needed_for, chains[t]) for t, needed_for in zip(order, serves, strict=True)}


def learning_path(
    graph: nx.DiGraph,
    goals: Iterable[str],
    known: Collection[str] = (),
    options: PathOptions | None = None,
) -> LearningPath:
    """Build the path from what the learner knows to their goals.

    The steps are :func:`needed_topics` in the order of :func:`order_topics`, each
    explained as in :func:`explain`, given a start resource by
    :func:`pick_start_resource` and dated by :func:`schedule`. ``ready_now`` lists the
    steps whose prerequisites are all known, in path order. A single slug may be passed
    as `goals`.

    Raises
    ------
    InvalidOptionError
        If there are no goals.
    UnknownTopicError
        If a goal or a known slug is not a topic of `graph`.
    GoalAlreadyKnownError
        If a goal is already known.
    PathError
        If a topic on the path has no positive number of hours.
    PrerequisiteCycleError
        If the prerequisites of the goals form a cycle.

    Examples
    --------
    >>> G = nx.DiGraph()
    >>> G.add_node("python", hours=6, title="Python")
    >>> G.add_node("calculus", hours=10, title="Calculus")
    >>> G.add_node("ml", hours=20, title="Machine learning")
    >>> G.add_edges_from([("python", "ml"), ("calculus", "ml")], kind="required")
    >>> path = learning_path(G, ["ml"], {"calculus"}, PathOptions(hours_per_week=6))
    >>> [(s.topic, s.week, s.chain) for s in path.steps]
    [('python', 1, ['python', 'ml']), ('ml', 2, ['ml'])]
    >>> path.total_hours, path.ready_now
    (26, ['python'])
    >>> path.to_dict()["steps"][0]["needed_for"]
    ['ml']
    """
    options = options if options is not None else PathOptions()
    goals, known = check_request(graph, goals, known)
    if not goals:
        raise InvalidOptionError("goals must name at least one topic")
    if not known.isdisjoint(goals):
        raise GoalAlreadyKnownError([g for g in goals if g in known])
    drop = known if options.assume_known_prerequisites else NOTHING
    walked, kids = walk(graph, goals, options.include_recommended, drop=drop)
    chains, masks = trace(walked, kids, goals)
    order = walked if drop or not known else [t for t in walked if t not in known]

    access, kinds = options.preferred_access, options.preferred_kinds
    starts_with = remembered(graph, ("start resources", access, kinds), dict)
    topic_data = map(graph._node.__getitem__, order)
    if masks is None and len(order) <= _FEW_STEPS:
        # One goal and a short path (most is known): no columns to lay out.
        needed_for = map(list, repeat(goals, len(order)))
        plan = _plan_few(order, topic_data, needed_for, map(chains.__getitem__, order), options, starts_with)
    else:
        needed_for = served_goals(order, masks, goals)
        step_chains = list(map(chains.__getitem__, order))
        plan = _plan_steps(order, list(topic_data), needed_for, step_chains, options, starts_with)
    steps, total_hours, finish = plan
    if drop or not known:
        # Known prerequisites were never followed: a step is ready when nothing is left.
        ready = [t for t in order if not kids[t]]
    else:
        ready = [t for t in order if known.issuperset(kids[t])]
    return _new_path(steps, total_hours, finish, ready, goals)


def ready_now(
    graph: nx.DiGraph,
    known: Collection[str],
    *,
    include_recommended: bool = False,
    within: Iterable[str] | None = None,
) -> list[str]:
    """Return the topics a learner can start today, sorted by slug.

    The outer fringe of knowledge-space theory: topics not known whose required
    prerequisites (and recommended ones, when `include_recommended`) are all known.
    `within` restricts the answer to those topics, at a cost proportional to them;
    without it the whole curriculum is scanned.

    Raises
    ------
    UnknownTopicError
        If a known slug or a slug of `within` is not a topic of `graph`.

    Examples
    --------
    >>> G = nx.DiGraph([("algebra", "calculus"), ("calculus", "ml"), ("python", "ml")])
    >>> ready_now(G, {"algebra"})
    ['calculus', 'python']
    >>> ready_now(G, {"algebra"}, within={"ml", "python"})
    ['python']
    """
    known = check_request(graph, (), known)[1]
    candidates = graph._node if within is None else check_request(graph, (), within)[1]
    prerequisites = edge_filter(graph, include_recommended)
    return sorted(
        topic
        for topic in candidates
        if topic not in known and known.issuperset(prerequisites(topic))
    )
