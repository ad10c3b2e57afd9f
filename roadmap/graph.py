"""Pure graph checks for the roadmap DAG (no ORM, no I/O).

Edges point from a prerequisite to the topic that needs it.
"""

from collections.abc import Iterable

import networkx as nx

Edge = tuple[str, str]


class CycleError(ValueError):
    """Raised when edges would make the roadmap cyclic; ``cycle`` lists the slugs in order.

    The cycle is closed: its first and last slug are the same.
    """

    def __init__(self, cycle: list[str], edge: Edge | None = None):
        self.cycle = cycle
        self.edge = edge
        path = " → ".join(cycle)
        if edge is not None:
            message = f"adding {edge[0]} → {edge[1]} would create the cycle {path}"
        else:
            message = f"the prerequisites form the cycle {path}"
        super().__init__(message)


def cycle_if_added(graph: nx.DiGraph, source: str, target: str) -> list[str] | None:
    """Return the cycle that adding ``source → target`` would close, or None.

    Parameters
    ----------
    graph : networkx.DiGraph
        The roadmap, edges from prerequisite to dependent.
    source, target : str
        The prerequisite and the topic that would need it.

    Returns
    -------
    list of str or None
        The closed cycle starting and ending at ``source``.

    Examples
    --------
    >>> G = nx.DiGraph([("linear-algebra", "calculus"), ("calculus", "deep-learning")])
    >>> cycle_if_added(G, "deep-learning", "linear-algebra")
    ['deep-learning', 'linear-algebra', 'calculus', 'deep-learning']
    >>> cycle_if_added(G, "linear-algebra", "deep-learning") is None
    True
    """
    if source == target:
        return [source, source]
    if source not in graph or target not in graph:
        return None
    try:
        back = nx.shortest_path(graph, target, source)
    except nx.NetworkXNoPath:
        return None
    return [source, *back]


def apply_edges(
    graph: nx.DiGraph, *, add: Iterable[Edge] = (), remove: Iterable[Edge] = ()
) -> nx.DiGraph:
    """Return a copy of ``graph`` with edges removed and added, refusing any cycle.

    Edges are added one at a time so the error names the first edge that closes a
    cycle and the whole cycle it closes.

    Raises
    ------
    CycleError
        If an added edge would close a cycle.

    Examples
    --------
    >>> G = nx.DiGraph([("a", "b")])
    >>> sorted(apply_edges(G, add=[("b", "c")], remove=[("a", "b")]).edges)
    [('b', 'c')]
    >>> apply_edges(G, add=[("b", "a")])
    Traceback (most recent call last):
    ...
    roadmap.graph.CycleError: adding b → a would create the cycle b → a → b
    """
    result = graph.copy()
    result.remove_edges_from(list(remove))
    for source, target in add:
        cycle = cycle_if_added(result, source, target)
        if cycle is not None:
            raise CycleError(cycle, (source, target))
        result.add_edge(source, target)
    return result


def find_cycle(graph: nx.DiGraph) -> list[str] | None:
    """Return one closed cycle of ``graph`` as slugs, or None for a DAG.

    Examples
    --------
    >>> find_cycle(nx.DiGraph([("a", "b"), ("b", "c"), ("c", "a")]))
    ['a', 'b', 'c', 'a']
    >>> find_cycle(nx.DiGraph([("a", "b")])) is None
    True
    """
    try:
        edges = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        return None
    return [edges[0][0], *(target for _, target in edges)]


def redundant_edges(graph: nx.DiGraph) -> list[Edge]:
    """Edges implied by a longer path between the same two topics.

    Parameters
    ----------
    graph : networkx.DiGraph
        A DAG (typically the required edges only).

    Examples
    --------
    >>> redundant_edges(nx.DiGraph([("a", "b"), ("b", "c"), ("a", "c")]))
    [('a', 'c')]
    """
    reduced = nx.transitive_reduction(graph)
    return sorted(set(graph.edges) - set(reduced.edges))


def unreachable_from(graph: nx.DiGraph, roots: Iterable[str]) -> set[str]:
    """Nodes that no path from ``roots`` reaches (the roots themselves count as reached).

    Examples
    --------
    >>> sorted(unreachable_from(nx.DiGraph([("a", "b"), ("c", "d")]), ["a"]))
    ['c', 'd']
    """
    reached: set[str] = set()
    for root in roots:
        if root in graph and root not in reached:
            reached.add(root)
            reached |= nx.descendants(graph, root)
    return set(graph) - reached


def topic_depths(graph: nx.DiGraph) -> dict[str, int]:
    """Return each topic's depth: the most prerequisite edges on a chain leading to it.

    Starting points (no prerequisites) have depth 0. Every edge counts, required or
    recommended, so a topic always sits deeper than anything it builds on. Pages order
    a track's topics by depth, then title, so they read in an order one can learn them.

    Examples
    --------
    >>> G = nx.DiGraph([("algebra", "calculus"), ("calculus", "optimisation"), ("algebra", "optimisation")])
    >>> G.add_node("logic")
    >>> topic_depths(G)
    {'algebra': 0, 'calculus': 1, 'logic': 0, 'optimisation': 2}
    """
    depths: dict[str, int] = {}
    for topic in nx.lexicographical_topological_sort(graph):
        depths[topic] = max((depths[p] + 1 for p in graph.predecessors(topic)), default=0)
    return depths
