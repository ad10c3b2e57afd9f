"""Learning paths: what a learner still needs for their goals, in what order, and when.

The curriculum is a :class:`networkx.DiGraph` whose nodes are topic slugs. An edge
``u -> v`` means "u is a prerequisite of v"; its ``kind`` is ``"required"`` or
``"recommended"`` (an edge without a ``kind`` counts as required). Topics carry
``hours`` (> 0), ``title`` and optionally ``resources`` (a list of dicts).

Everything here walks backwards from the goals only, so the cost grows with the size of
the path, never with the size of the curriculum. networkx answers each question on its
own (``ancestors``, ``topological_sort`` of a subgraph, ``shortest_path`` per step), but
stopping at known topics, keeping related topics together and explaining every step
fit in one depth-first walk plus one pass back over it, which is what this module does.

Pure module: no I/O, no ORM, no clock. A selector builds the graph; a service stores
the result.
"""

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

import networkx as nx

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

HEALTHY = frozenset({"ok", "redirected", "unknown"})
_NOTHING = frozenset()
_BEST_KEY = (False, False, 0, 0)
# Days are whole; this tolerance keeps float noise (7.000000001 days) from adding one.
_EPSILON_DAYS = 1e-6


class PathError(ValueError):
    """A learning path cannot be built from this input."""


class UnknownTopicError(PathError):
    """Some slugs name no topic of the curriculum; ``slugs`` lists them, sorted."""

    def __init__(self, slugs: Iterable[str]):
        self.slugs = sorted(slugs)
        super().__init__(self.slugs)

    def __str__(self) -> str:
        return "unknown topic(s): " + ", ".join(map(repr, self.slugs))


class GoalAlreadyKnownError(PathError):
    """A goal is among the learner's known topics; ``goals`` lists them."""

    def __init__(self, goals: Iterable[str]):
        self.goals = list(goals)
        super().__init__(self.goals)

    def __str__(self) -> str:
        return "goal(s) already known: " + ", ".join(map(repr, self.goals))


class InvalidOptionError(PathError):
    """An option or argument is out of range."""


class PrerequisiteCycleError(PathError):
    """The prerequisites reached from the goals form a cycle."""


@dataclass(frozen=True)
class PathOptions:
    """How to build a path.

    ``start_date=None`` means "no calendar": steps get week numbers but no dates. The
    module never reads the clock, so callers pass ``date.today()`` themselves.
    """

    include_recommended: bool = False
    assume_known_prerequisites: bool = True
    hours_per_week: float = 5.0
    start_date: date | None = None
    preferred_access: tuple[str, ...] = ()
    preferred_kinds: tuple[str, ...] = ()

    def __post_init__(self):
        _check_hours_per_week(self.hours_per_week)
        object.__setattr__(self, "preferred_access", tuple(self.preferred_access))
        object.__setattr__(self, "preferred_kinds", tuple(self.preferred_kinds))


class StudySlot(NamedTuple):
    """When a step is studied: ``week`` (1-based) it starts in, first and last day."""

    week: int
    start: date | None
    end: date | None


@dataclass(frozen=True, slots=True)
class PathStep:
    """One topic of a path, why it is there, where to start, and when."""

    topic: str
    title: str
    hours: float
    needed_for: list[str]
    chain: list[str]
    resource: dict | None
    resources: list[dict]
    week: int
    start: date | None
    end: date | None

    def to_dict(self) -> dict:
        """Plain JSON-ready data; dates as ISO strings."""
        return {
            "topic": self.topic,
            "title": self.title,
            "hours": self.hours,
            "needed_for": list(self.needed_for),
            "chain": list(self.chain),
            "resource": dict(self.resource) if self.resource is not None else None,
            "resources": [dict(r) for r in self.resources],
            "week": self.week,
            "start": _iso(self.start),
            "end": _iso(self.end),
        }


@dataclass(frozen=True, slots=True)
class LearningPath:
    """The steps towards ``goals``; ``ready_now`` lists the steps startable today."""

    steps: list[PathStep]
    total_hours: float
    finish_date: date | None
    ready_now: list[str]
    goals: list[str]

    def to_dict(self) -> dict:
        """Plain JSON-ready data; dates as ISO strings.

        Examples
        --------
        >>> G = nx.DiGraph([("python", "numpy")])
        >>> G.add_node("python", hours=4, title="Python")
        >>> G.add_node("numpy", hours=2, title="NumPy")
        >>> options = PathOptions(hours_per_week=7, start_date=date(2025, 1, 6))
        >>> data = learning_path(G, ["numpy"], set(), options).to_dict()
        >>> data["finish_date"], [s["topic"] for s in data["steps"]]
        ('2025-01-11', ['python', 'numpy'])
        """
        return {
            "goals": list(self.goals),
            "total_hours": self.total_hours,
            "finish_date": _iso(self.finish_date),
            "ready_now": list(self.ready_now),
            "steps": [step.to_dict() for step in self.steps],
        }


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
    serves, chains = _trace(walked, kids, goals)
    stray = [t for t in order if t not in chains]
    if stray:
        raise PathError(f"topic(s) {stray!r} lead to none of the goals {goals!r}")
    return {t: (serves[t], chains[t]) for t in order}


def schedule(
    hours_in_order: Iterable[float], hours_per_week: float, start_date: date | None = None
) -> tuple[list[StudySlot], date | None]:
    """Lay steps end to end at `hours_per_week`, spread evenly over the 7 days of a week.

    A step starts on the day the previous one's hours run out (or the next day when they
    ran out exactly at midnight) and may span weeks. Returns one :class:`StudySlot` per
    step and the finish date: the day the last hours run out. Without `start_date` the
    slots carry week numbers only and the finish date is None, as it is for no steps.

    Raises
    ------
    InvalidOptionError
        If `hours_per_week` is not a positive finite number, or a step's hours are not.

    Examples
    --------
    >>> slots, finish = schedule([5, 10], 7, date(2025, 1, 6))
    >>> [(s.week, s.start.isoformat(), s.end.isoformat()) for s in slots]
    [(1, '2025-01-06', '2025-01-10'), (1, '2025-01-11', '2025-01-20')]
    >>> finish
    datetime.date(2025, 1, 20)
    """
    _check_hours_per_week(hours_per_week)
    days_per_hour = 7 / hours_per_week
    first = start_date.toordinal() if start_date is not None else None
    on_day = date.fromordinal
    floor, ceil = math.floor, math.ceil
    slots = []
    done = 0.0
    previous_day = start = end = None
    for hours in hours_in_order:
        if not _valid_hours(hours):
            raise InvalidOptionError(f"hours must be a positive number, got {hours!r}")
        start_day = floor(done * days_per_hour + _EPSILON_DAYS)
        done += hours
        last_day = max(start_day, ceil(done * days_per_hour - _EPSILON_DAYS) - 1)
        if first is not None:
            # Consecutive steps often share a day; reuse its date.
            start = end if start_day == previous_day else on_day(first + start_day)
            end = start if last_day == start_day else on_day(first + last_day)
        slots.append(StudySlot(start_day // 7 + 1, start, end))
        previous_day = last_day
    return slots, end


def pick_start_resource(
    resources: Iterable[Mapping],
    *,
    preferred_access: Sequence[str] = (),
    preferred_kinds: Sequence[str] = (),
) -> Mapping | None:
    """Return the resource a learner should start a topic with, or None if there is none.

    Core before supplemental (a resource without a role is core), healthy links (``ok``,
    ``redirected``, ``unknown`` or unchecked) before broken ones, then the access and
    kind earliest in the preferences, then the order given.

    Examples
    --------
    >>> book = {"slug": "book", "role": "core", "kind": "book", "health": "ok"}
    >>> video = {"slug": "video", "role": "core", "kind": "video", "health": "ok"}
    >>> dead = {"slug": "dead", "role": "core", "kind": "video", "health": "broken"}
    >>> pick_start_resource([dead, book, video], preferred_kinds=("video",))["slug"]
    'video'
    >>> pick_start_resource([]) is None
    True
    """
    best = best_key = None
    for resource in resources:
        access, kind = resource.get("access"), resource.get("kind")
        key = (
            resource.get("role", "core") != "core",
            resource.get("health", "unknown") not in HEALTHY,
            preferred_access.index(access) if access in preferred_access else len(preferred_access),
            preferred_kinds.index(kind) if kind in preferred_kinds else len(preferred_kinds),
        )
        if key == _BEST_KEY:
            return resource
        if best_key is None or key < best_key:
            best, best_key = resource, key
    return best


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
    serves, chains = _trace(walked, kids, goals)
    order = walked if drop or not known else [t for t in walked if t not in known]

    nodes = graph._node
    attrs = [nodes[t] for t in order]
    hours = [a.get("hours") for a in attrs]
    try:
        slots, finish = schedule(hours, options.hours_per_week, options.start_date)
    except InvalidOptionError:
        # schedule() checks every step's hours; find which topic to name.
        topic, spent = next(
            (t, h) for t, h in zip(order, hours, strict=True) if not _valid_hours(h)
        )
        raise PathError(f"topic {topic!r} has no valid hours: {spent!r}") from None

    access, kinds = options.preferred_access, options.preferred_kinds
    steps = []
    for topic, a, spent, (week, start, end) in zip(order, attrs, hours, slots, strict=True):
        resources = _core_first(a.get("resources") or ())
        if len(resources) == 1:
            start_with = resources[0]
        else:
            start_with = pick_start_resource(
                resources, preferred_access=access, preferred_kinds=kinds
            )
        steps.append(PathStep(
            topic, a.get("title", topic), spent, serves[topic], chains[topic],
            start_with, resources, week, start, end,
        ))  # fmt: skip
    ready = [t for t in order if known.issuperset(kids[t])]
    return LearningPath(steps, sum(hours), finish, ready, goals)


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
    pred = graph._pred
    return sorted(
        topic
        for topic in candidates
        if topic not in known
        and all(p in known for p in _prerequisites(pred[topic], include_recommended))
    )


def _walk(graph, roots, include_recommended, *, keep=None, drop=_NOTHING, visited=None):
    """Depth-first post-order from `roots` over prerequisites, each sorted by slug.

    Follows an edge only if its prerequisite is in `keep` (when given) and not in `drop`.
    Returns the order and the walked topics mapped to the prerequisites followed.
    """
    if not graph.is_directed() or graph.is_multigraph():
        raise PathError("the curriculum must be a networkx.DiGraph")
    pred = graph._pred
    prerequisites = _edge_filter(include_recommended, keep, drop)
    kids = {} if visited is None else visited
    order = []
    for root in roots:
        if root in kids:
            continue
        kids[root] = found = prerequisites(pred[root])
        # Topics on the current branch, and what is left to visit below each.
        branch, todo, active = [root], [iter(found)], {root}
        while todo:
            for p in todo[-1]:
                if p not in kids:
                    kids[p] = found = prerequisites(pred[p])
                    branch.append(p)
                    todo.append(iter(found))
                    active.add(p)
                    break
                if p in active:
                    _raise_cycle(branch, p)
            else:
                todo.pop()
                topic = branch.pop()
                active.discard(topic)
                order.append(topic)
    return order, kids


def _edge_filter(include_recommended, keep, drop):
    """Return a function from a topic's predecessors to the sorted prerequisites to follow."""
    # One comprehension per case: this runs once per walked topic.
    if include_recommended and drop:

        def follow(adjacent):
            found = [p for p in adjacent if p not in drop]
            found.sort()
            return found
    elif include_recommended:
        follow = sorted
    elif drop:

        def follow(adjacent):
            found = [
                p for p, edge in adjacent.items()
                if p not in drop and edge.get("kind") != "recommended"
            ]  # fmt: skip
            found.sort()
            return found
    else:

        def follow(adjacent):
            found = [p for p, edge in adjacent.items() if edge.get("kind") != "recommended"]
            found.sort()
            return found

    if keep is None:
        return follow
    return lambda adjacent: [p for p in follow(adjacent) if p in keep]


def _trace(order, kids, goals):
    """Return, for each topic of `order`, the goals it serves and its chain to a goal.

    One pass back over a post-order: every topic's successors come before it, so its
    served goals and its shortest distance to a goal are final when it is reached.
    """
    first_goal = {}
    for i, goal in enumerate(goals):
        first_goal.setdefault(goal, i)
    distance = dict.fromkeys(first_goal, 0)
    nearer = {}
    chains = {}
    single = len(goals) == 1
    masks = None if single else {g: 1 << i for g, i in first_goal.items()}
    for topic in reversed(order):
        hop = nearer.get(topic)
        chains[topic] = [topic] if hop is None else [topic, *chains[hop]]
        step = distance[topic] + 1
        for p in kids[topic]:
            known_distance = distance.get(p)
            if (
                known_distance is None
                or step < known_distance
                or (step == known_distance and topic < nearer[p])
            ):
                distance[p] = step
                nearer[p] = topic
        if not single:
            mask = masks[topic]
            for p in kids[topic]:
                masks[p] = masks.get(p, 0) | mask
    if single:
        serves = {t: [goals[0]] for t in order}
    else:
        names = {}
        serves = {}
        for topic in order:
            mask = masks[topic]
            if mask not in names:
                names[mask] = [g for g, i in first_goal.items() if mask >> i & 1]
            serves[topic] = list(names[mask])
    return serves, chains


def _prerequisites(adjacent, include_recommended):
    if include_recommended:
        return adjacent
    return [p for p, edge in adjacent.items() if edge.get("kind") != "recommended"]


def _check_request(graph, goals, known):
    """Return goals as a list without repeats and known as a set, all topics of `graph`."""
    goals = [goals] if isinstance(goals, str) else list(dict.fromkeys(goals))
    known = {known} if isinstance(known, str) else known
    if not isinstance(known, set | frozenset):
        known = set(known)
    nodes = graph._node
    # keys() >= set checks only the set's members, in C: cost follows the request.
    if not (nodes.keys() >= known and all(g in nodes for g in goals)):
        raise UnknownTopicError([s for s in (*goals, *known) if s not in nodes])
    return goals, known


def _valid_hours(hours):
    return isinstance(hours, int | float) and 0 < hours < math.inf  # False for NaN too


def _check_hours_per_week(hours_per_week):
    if not _valid_hours(hours_per_week):
        raise InvalidOptionError(
            f"hours_per_week must be greater than 0 and finite, got {hours_per_week!r}"
        )


def _raise_cycle(branch, repeated):
    # The branch runs from a topic to its prerequisites, so read it backwards.
    loop = branch[branch.index(repeated) :]
    cycle = [repeated, *reversed(loop[1:]), repeated]
    raise PrerequisiteCycleError("the prerequisites form the cycle " + " → ".join(cycle))


def _core_first(resources):
    core = [r for r in resources if r.get("role", "core") == "core"]
    if len(core) == len(resources):
        return core
    return core + [r for r in resources if r.get("role", "core") != "core"]


def _iso(day):
    return day.isoformat() if day is not None else None
