"""Walking the prerequisite graph backwards from goals: the engine's inner loops.

``walk`` is one depth-first post-order over the prerequisites a path follows (stopping at
known topics), ``trace`` one breadth-first pass back from the goals that gives every
topic its chain and the goals it serves. ``edge_filter`` and ``remembered`` keep what they
derive per topic in the graph's networkx cache (see :mod:`roadmap.paths.engine`). Used by
:mod:`roadmap.paths.engine` only; pure, no I/O.
"""

from itertools import filterfalse, repeat

from roadmap.paths.schedule import PathError, PrerequisiteCycleError, UnknownTopicError

NOTHING = frozenset()
# Where the engine keeps what it derives from a graph in the graph's networkx cache.
_CACHE_KEY = "roadmap.paths"


def walk(graph, roots, include_recommended, *, keep=None, drop=NOTHING, visited=None):
    """Depth-first post-order from `roots` over prerequisites, each sorted by slug.

    Follows an edge only if its prerequisite is in `keep` (when given) and not in `drop`.
    Returns the order and the walked topics mapped to the prerequisites followed, as
    tuples; `visited` is such a mapping from an earlier walk, whose topics are not
    walked again.
    """
    if not graph.is_directed() or graph.is_multigraph():
        raise PathError("the curriculum must be a networkx.DiGraph")
    prerequisites = edge_filter(graph, include_recommended, keep, drop)
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
                    raise_cycle(branch, p)
            else:
                todo.pop()
                topic = branch.pop()
                order.append(topic)
                finished.add(topic)
    return order, kids


def edge_filter(graph, include_recommended, keep=None, drop=NOTHING):
    """Return a function from a topic to the sorted tuple of its prerequisites to follow."""
    every = remembered(
        graph,
        ("prerequisites", include_recommended),
        lambda: SortedPrerequisites(graph._pred, include_recommended),
    )
    if not drop and keep is None:
        return every.__getitem__

    # filter() and filterfalse() over a membership test: C loops, where a comprehension
    # is a function call per topic (Python 3.11).
    dropped, kept = drop.__contains__, keep.__contains__ if keep is not None else None

    def follow(topic):
        found = every[topic]
        if drop and not drop.isdisjoint(found):
            found = tuple(filterfalse(dropped, found))
        if kept is not None:
            found = tuple(filter(kept, found))
        return found

    return follow


class SortedPrerequisites(dict):
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


def remembered(graph, key, factory):
    """Return what the engine remembers of `graph` under `key`, new from `factory` if none.

    See the module docstring. Frozen graphs, views among them, get a new value on every
    call: a view's cache is not emptied when the graph under it changes.
    """
    cache = getattr(graph, "__networkx_cache__", None)
    # nx.is_frozen(graph) without its try/except: an AttributeError raised and caught on
    # every path was a tenth of a short path's time.
    if cache is None or getattr(graph, "frozen", False):
        return factory()
    memo = cache.get(_CACHE_KEY)
    if memo is None:
        memo = cache[_CACHE_KEY] = {}
    found = memo.get(key)
    if found is None:
        found = memo[key] = factory()
    return found


def trace(order, kids, goals):
    """Return each topic's chain to a goal, and the goals it serves as a bit mask.

    A breadth-first pass from the goals over the walked prerequisites, each level in
    slug order: a topic's chain is final when it is first reached, through the nearest
    topic whose slug sorts first. The goals served need the post-order `order`, read
    backwards so that every topic comes after all that need it; with a single goal
    every topic serves it, and the masks are None.
    """
    if len(order) == 1:
        # A path of one topic: the goal itself (the usual path when most is known).
        return {order[0]: [order[0]]}, None
    if len(goals) == 1:
        chains = {goals[0]: [goals[0]]}
        level = [goals[0]]
    else:
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


def served_goals(order, masks, goals):
    """Return, for each topic of `order`, a new list of the goals it serves."""
    if masks is None:
        return list(map(list, repeat(goals[:1], len(order))))
    names = {}
    for mask in set(map(masks.__getitem__, order)):
        names[mask] = [g for i, g in enumerate(goals) if mask >> i & 1]
    return [names[masks[t]].copy() for t in order]


class KnownTopics(frozenset):
    """Topic slugs already checked against one graph: the engine does not check them again.

    Made by :func:`known_topics`. A caller that reads what a learner knows from the
    database checks it once there; without this the engine checked it again on every call,
    ~25 ms for 80k known topics on a 100k-topic graph (one dict lookup per slug, each a
    cache miss).
    """

    graph: object = None


def known_topics(graph, slugs, *, drop_unknown=False):
    """Return `slugs` as :class:`KnownTopics` of `graph`, at a cost proportional to `slugs`.

    Raises ``UnknownTopicError`` for a slug that is not a topic of `graph`, or leaves it out
    with `drop_unknown` (say, a topic retired since the learner marked it done).
    """
    nodes = graph._node
    if drop_unknown:
        known = KnownTopics(s for s in slugs if s in nodes)
    else:
        known = KnownTopics(slugs)
        if known.difference(nodes):
            raise UnknownTopicError([s for s in known if s not in nodes])
    known.graph = graph
    return known


def check_request(graph, goals, known):
    """Return goals as a list without repeats and known as a set, all topics of `graph`."""
    goals = [goals] if isinstance(goals, str) else list(dict.fromkeys(goals))
    nodes = graph._node
    # Known topics checked for this graph already are not checked again.
    if type(known) is KnownTopics and known.graph is graph:
        if all(map(nodes.__contains__, goals)):
            return goals, known
    elif isinstance(known, str):
        known = {known}
    elif not isinstance(known, set | frozenset):
        known = set(known)
    # A set's difference with a dict looks up only the set's members, in C: the cost
    # follows the request, not the curriculum.
    if known.difference(nodes) or not all(map(nodes.__contains__, goals)):
        raise UnknownTopicError([s for s in (*goals, *known) if s not in nodes])
    return goals, known


def raise_cycle(branch, repeated):
    # The branch runs from a topic to its prerequisites, so read it backwards.
    loop = branch[branch.index(repeated) :]
    cycle = [repeated, *reversed(loop[1:]), repeated]
    raise PrerequisiteCycleError("the prerequisites form the cycle " + " → ".join(cycle))
