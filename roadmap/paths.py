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
what this module does. :mod:`roadmap.schedule` then dates the steps and picks their
resources; its public names are re-exported here, so import everything from here.

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

import networkx as nx

from roadmap.schedule import (
    GoalAlreadyKnownError,
    InvalidOptionError,
    LearningPath,
    PathError,
    PathOptions,
    PathStep,
    PrerequisiteCycleError,
    StudySlot,
    UnknownTopicError,
    _plan_steps,
    pick_start_resource,
    schedule,
)

__all__ = [
    "GoalAlreadyKnownError",
    "InvalidOptionError",
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

_NOTHING = frozenset()
# Where this module keeps what it derives from a graph in the graph's networkx cache.
_CACHE_KEY = "roadmap.paths"


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
    goals, known = _check_request(graph, goals, known)
    drop = known if assume_known_prerequisites else _NOTHING
    order = _walk(graph, [g for g in goals if g not in drop], include_recommended, drop=drop)[0]
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
    order, visited = _walk(graph, roots, include_recommended, keep=domain)
    rest = sorted(needed.difference(visited))
    if rest:
        order += _walk(graph, rest, include_recommended, keep=domain, visited=visited)[0]
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
    walked, kids = _walk(graph, goals, include_recommended, keep=domain)
    chains, masks = _trace(walked, kids, goals)
    stray = [t for t in order if t not in chains]
    if stray:
        raise PathError(f"topic(s) {stray!r} lead to none of the goals {goals!r}")
    serves = _served_goals(order, masks, goals)
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
    goals, known = _check_request(graph, goals, known)
    if not goals:
        raise InvalidOptionError("goals must name at least one topic")
    already = [g for g in goals if g in known]
    if already:
        raise GoalAlreadyKnownError(already)
    drop = known if options.assume_known_prerequisites else _NOTHING
    walked, kids = _walk(graph, goals, options.include_recommended, drop=drop)
    chains, masks = _trace(walked, kids, goals)
    order = walked if drop or not known else [t for t in walked if t not in known]

    access, kinds = options.preferred_access, options.preferred_kinds
    steps, total_hours, finish = _plan_steps(
        order,
        list(map(graph._node.__getitem__, order)),
        _served_goals(order, masks, goals),
        list(map(chains.__getitem__, order)),
        options,
        _remembered(graph, ("start resources", access, kinds), dict),
    )
    if drop or not known:
        # Known prerequisites were never followed: a step is ready when nothing is left.
        ready = [t for t in order if not kids[t]]
    else:
        ready = [t for t in order if known.issuperset(kids[t])]
    return LearningPath(steps, total_hours, finish, ready, goals)


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
    known = _check_request(graph, (), known)[1]
    candidates = graph._node if within is None else _check_request(graph, (), within)[1]
    prerequisites = _edge_filter(graph, include_recommended)
    return sorted(
        topic
        for topic in candidates
        if topic not in known and known.issuperset(prerequisites(topic))
    )


def _walk(graph, roots, include_recommended, *, keep=None, drop=_NOTHING, visited=None):
    """Depth-first post-order from `roots` over prerequisites, each sorted by slug.

    Follows an edge only if its prerequisite is in `keep` (when given) and not in `drop`.
    Returns the order and the walked topics mapped to the prerequisites followed, as
    tuples; `visited` is such a mapping from an earlier walk, whose topics are not
    walked again.
    """
    if not graph.is_directed() or graph.is_multigraph():
        raise PathError("the curriculum must be a networkx.DiGraph")
    prerequisites = _edge_filter(graph, include_recommended, keep, drop)
    kids = {} if visited is None else visited
    finished = set(kids)
    order = []
    for root in roots:
        if root in kids:
            continue
        kids[root] = found = prerequisites(root)
        # Topics on the current branch, and what is left to visit below each.
        branch, todo = [root], [iter(found)]
        while todo:
            for p in todo[-1]:
                if p not in kids:
                    kids[p] = found = prerequisites(p)
                    if found:
                        branch.append(p)
                        todo.append(iter(found))
                        break
                    # Nothing below it: done at once, without a trip through the stack.
                    order.append(p)
                    finished.add(p)
                elif p not in finished:
                    _raise_cycle(branch, p)
            else:
                todo.pop()
                topic = branch.pop()
                order.append(topic)
                finished.add(topic)
    return order, kids


def _edge_filter(graph, include_recommended, keep=None, drop=_NOTHING):
    """Return a function from a topic to the sorted tuple of its prerequisites to follow."""
    every = _remembered(
        graph,
        ("prerequisites", include_recommended),
        lambda: _SortedPrerequisites(graph._pred, include_recommended),
    )
    if not drop and keep is None:
        return every.__getitem__

    def follow(topic):
        found = every[topic]
        if drop and not drop.isdisjoint(found):
            found = tuple([p for p in found if p not in drop])
        if keep is not None:
            found = tuple([p for p in found if p in keep])
        return found

    return follow


class _SortedPrerequisites(dict):
    """Each topic's prerequisites to follow, sorted by slug, worked out on first use."""

    def __init__(self, pred, include_recommended):
        super().__init__()
        self.pred, self.include_recommended = pred, include_recommended

    def __missing__(self, topic):
        adjacent = self.pred[topic]
        if self.include_recommended:
            found = sorted(adjacent)
        else:
            found = [p for p, edge in adjacent.items() if edge.get("kind") != "recommended"]
            found.sort()
        self[topic] = found = tuple(found)
        return found


def _remembered(graph, key, factory):
    """Return what the engine remembers of `graph` under `key`, new from `factory` if none.

    See the module docstring. Frozen graphs, views among them, get a new value on every
    call: a view's cache is not emptied when the graph under it changes.
    """
    cache = getattr(graph, "__networkx_cache__", None)
    if cache is None or nx.is_frozen(graph):
        return factory()
    memo = cache.get(_CACHE_KEY)
    if memo is None:
        memo = cache[_CACHE_KEY] = {}
    found = memo.get(key)
    if found is None:
        found = memo[key] = factory()
    return found


def _trace(order, kids, goals):
    """Return each topic's chain to a goal, and the goals it serves as a bit mask.

    A breadth-first pass from the goals over the walked prerequisites, each level in
    slug order: a topic's chain is final when it is first reached, through the nearest
    topic whose slug sorts first. The goals served need the post-order `order`, read
    backwards so that every topic comes after all that need it; with a single goal
    every topic serves it, and the masks are None.
    """
    goals = list(dict.fromkeys(goals))
    chains = {goal: [goal] for goal in goals}
    level = sorted(goals)
    while level:
        below = []
        for topic in level:
            chain = chains[topic]
            for p in kids[topic]:
                if p not in chains:
                    chains[p] = [p, *chain]
                    below.append(p)
        below.sort()
        level = below
    if len(goals) == 1:
        return chains, None
    masks = {goal: 1 << i for i, goal in enumerate(goals)}
    for topic in reversed(order):
        mask = masks[topic]
        for p in kids[topic]:
            masks[p] = masks.get(p, 0) | mask
    return chains, masks


def _served_goals(order, masks, goals):
    """Return, for each topic of `order`, a new list of the goals it serves."""
    if masks is None:
        return [[goals[0]] for _ in order]
    names = {}
    for mask in set(map(masks.__getitem__, order)):
        names[mask] = [g for i, g in enumerate(goals) if mask >> i & 1]
    return [names[masks[t]].copy() for t in order]


def _check_request(graph, goals, known):
    """Return goals as a list without repeats and known as a set, all topics of `graph`."""
    goals = [goals] if isinstance(goals, str) else list(dict.fromkeys(goals))
    known = {known} if isinstance(known, str) else known
    if not isinstance(known, set | frozenset):
        known = set(known)
    nodes = graph._node
    # A set's difference with a dict looks up only the set's members, in C: the cost
    # follows the request, not the curriculum.
    if known.difference(nodes) or not all(g in nodes for g in goals):
        raise UnknownTopicError([s for s in (*goals, *known) if s not in nodes])
    return goals, known


def _raise_cycle(branch, repeated):
    # The branch runs from a topic to its prerequisites, so read it backwards.
    loop = branch[branch.index(repeated) :]
    cycle = [repeated, *reversed(loop[1:]), repeated]
    raise PrerequisiteCycleError("the prerequisites form the cycle " + " → ".join(cycle))
