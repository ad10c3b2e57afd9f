"""Review steps: known topics whose memory has faded, put back into a path where they count.

A path skips what the learner knows. But knowing a topic once is not remembering it: when
the planner (``progress.planning``, from the quiz memory model) says a known topic needs
review, the path should send the learner back to it before the first step that builds on
it, for as long as a review takes, not for its full study hours. That holds for a faded
topic hidden behind one the learner still knows, too: with goal *LLMs*, *transformers*
known and *attention* faded, the path is *review attention*, then *LLMs*.

:func:`with_review_steps` adds those steps to a path the engine built: a review topic
counts when some step builds on it, directly or through other topics, known or not,
along the edges the path follows; its step goes just before the first such step, with
the chain that leads from it to that step and on to a goal. Reviews due before the same
step come prerequisites first. The whole path is then dated again.

Pure module: no I/O, no ORM, no clock.
"""

from collections.abc import Mapping

import networkx as nx

from roadmap.paths.schedule import REVIEW, LearningPath, PathError, PathOptions, schedule
from roadmap.paths.steps import _plan_steps
from roadmap.paths.walk import edge_filter, remembered

__all__ = ["with_review_steps"]


def with_review_steps(
    graph: nx.DiGraph,
    path: LearningPath,
    reviews: Mapping[str, float],
    options: PathOptions | None = None,
) -> LearningPath:
    """Return `path` with a review step for each topic of `reviews` that it builds on.

    Parameters
    ----------
    graph : networkx.DiGraph
        The curriculum the path was built on.
    path : LearningPath
        A path from :func:`roadmap.paths.learning_path`, built with the same `options`.
    reviews : mapping of str to float
        Known topics that need review, each with the hours its review takes (> 0).
        Topics no step builds on, and topics already on the path, are left out.
    options : PathOptions, optional
        The options the path was built with (edges followed, weekly hours, start date).

    Raises
    ------
    PathError
        If a review topic is not a topic of `graph` or its hours are not positive.

    Examples
    --------
    >>> from roadmap.paths import learning_path
    >>> G = nx.DiGraph()
    >>> for topic, hours in [("attention", 10), ("transformers", 15), ("llms", 12)]:
    ...     G.add_node(topic, hours=hours, title=topic.title())
    >>> G.add_edges_from([("attention", "transformers"), ("transformers", "llms")])
    >>> options = PathOptions(hours_per_week=6)
    >>> path = learning_path(G, ["llms"], {"attention", "transformers"}, options)
    >>> [(s.topic, s.hours) for s in path.steps]
    [('llms', 12)]
    >>> path = with_review_steps(G, path, {"attention": 0.1}, options)
    >>> [(s.topic, s.kind, s.hours, s.chain) for s in path.steps]
    [('attention', 'review', 0.1, ['attention', 'transformers', 'llms']), ('llms', 'study', 12, ['llms'])]
    >>> path.total_hours, path.ready_now
    (12.1, ['attention', 'llms'])
    """
    options = options if options is not None else PathOptions()
    unknown = sorted(topic for topic in reviews if topic not in graph)
    if unknown:
        raise PathError("unknown review topic(s): " + ", ".join(map(repr, unknown)))
    bad = sorted(t for t, h in reviews.items() if not (isinstance(h, int | float) and 0 < h < float("inf")))
    if bad:
        raise PathError(f"review hours must be positive numbers, got {[reviews[t] for t in bad]!r}")
    on_path = {step.topic for step in path.steps}
    pending = set(reviews).difference(on_path)
    if not pending or not path.steps:
        return path

    prerequisites = edge_filter(graph, options.include_recommended)
    seen: set[str] = set()
    before: dict[int, list[tuple[str, list[str]]]] = {}
    for index, step in enumerate(path.steps):
        found = _walk_back(step.topic, prerequisites, seen, pending)
        if found:
            before[index] = found
            pending.difference_update(topic for topic, _ in found)
            if not pending:
                break
    if not before:
        return path

    topics, data, needed_for, chains, hours = [], [], [], [], []
    for index, step in enumerate(path.steps):
        for topic, chain in before.get(index, ()):
            topics.append(topic)
            data.append(graph._node[topic])
            needed_for.append(list(step.needed_for))
            chains.append([*chain, *step.chain[1:]])
            hours.append(reviews[topic])
    access, kinds = options.preferred_access, options.preferred_kinds
    review_steps, _, _ = _plan_steps(
        topics, data, needed_for, chains, options,
        remembered(graph, ("start resources", access, kinds), dict),
        hours=hours, step_kinds=[REVIEW] * len(topics),
    )  # fmt: skip
    merged, added = [], iter(review_steps)
    for index, step in enumerate(path.steps):
        merged.extend(next(added) for _ in before.get(index, ()))
        merged.append(step)
    slots, finish = schedule([s.hours for s in merged], options.hours_per_week, options.start_date)
    steps = [s._replace(week=slot.week, start=slot.start, end=slot.end) for s, slot in zip(merged, slots, strict=True)]
    ready = set(path.ready_now).union(topics)
    return LearningPath(
        steps,
        sum(s.hours for s in steps),
        finish,
        [s.topic for s in steps if s.topic in ready],
        list(path.goals),
    )


def _walk_back(start, prerequisites, seen, wanted):
    """Walk back from `start` over prerequisites not `seen` yet (marking them seen) and
    return the `wanted` topics met, prerequisites first, each with its chain to `start`.

    A depth-first post-order gives the order (every topic after its prerequisites met in
    this walk); a breadth-first pass over the same topics gives each a shortest chain.
    """
    if start in seen:
        return []
    seen.add(start)
    order = []
    stack = [(start, iter(prerequisites(start)))]
    while stack:
        topic, todo = stack[-1]
        for p in todo:
            if p not in seen:
                seen.add(p)
                stack.append((p, iter(prerequisites(p))))
                break
        else:
            stack.pop()
            order.append(topic)
    met = [topic for topic in order if topic in wanted]
    if not met:
        return []
    walked = set(order)
    chains = {start: [start]}
    level = [start]
    while level and any(topic not in chains for topic in met):
        below = []
        for topic in level:
            for p in prerequisites(topic):
                if p in walked and p not in chains:
                    chains[p] = [p, *chains[topic]]
                    below.append(p)
        level = sorted(below)
    return [(topic, chains[topic]) for topic in met]
