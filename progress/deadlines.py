"""Goals with due dates (assignments): will a learner make it, at their own pace?

The path to a learner's goals (``roadmap.paths``, review steps included, see
``progress.planning``) projected at their weekly hours, earliest due date first. Used by
assignments (``progress.assignments``) and mentors' cohort outlook (``progress.mentoring``).
"""

from collections.abc import Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import networkx as nx

from roadmap.paths import REVIEW, PathOptions, learning_path, with_review_steps

DONE = "done"
ON_TRACK = "on_track"
BEHIND = "behind"



@dataclass(frozen=True)
class GoalProgress:
    """How far a learner is from some goals, and whether they will make the due date.

    ``remaining_goals`` (those not known yet), ``remaining_hours`` (review steps
    included), ``remaining_topics`` (topics to study), ``reviews`` (known topics to review
    on the way) and ``ready_now`` are about these goals alone; ``finish_date`` and
    ``outlook`` (``done``, ``on_track`` or ``behind``) also count the work for goals due
    earlier (see :func:`deadline_progress`). ``blocking`` lists the ready-now topics to
    study that are prerequisites of something else on the path.
    """

    remaining_goals: tuple[str, ...]
    remaining_hours: float
    remaining_topics: int
    finish_date: date | None
    outlook: str
    ready_now: tuple[str, ...]
    blocking: tuple[str, ...]
    reviews: tuple[str, ...] = ()


def deadline_progress(
    graph: nx.DiGraph,
    known: Collection[str],
    deadlines: Iterable[tuple[Hashable, Collection[str], date | None]],
    *,
    hours_per_week: float,
    today: date,
    reviews: Mapping[str, float] | None = None,
) -> dict[Hashable, GoalProgress]:
    """Map each ``(key, goal topics, due date)`` of `deadlines` to the learner's progress.

    The learner is assumed to work on goals in due-date order (earliest deadline first,
    no due date last): the projected finish of a set of goals is that of the path to
    them *and* to every goal due no later, studied from `today` at `hours_per_week`,
    review steps included for the known topics of `reviews` (topic -> hours, see
    ``progress.memory``) that the path builds on. A deadline is ``on_track`` when that
    finish is on or before the due date, ``behind`` otherwise, and ``done`` when no topic
    of its own path is left to study. Goals and known slugs that are not topics of
    `graph` (deleted since) are ignored.

    Examples
    --------
    >>> G = nx.DiGraph([("python", "numpy"), ("numpy", "pandas")])
    >>> nx.set_node_attributes(G, 7, "hours")
    >>> monday = date(2025, 1, 6)
    >>> result = deadline_progress(
    ...     G, {"python"},
    ...     [("a", ["numpy"], date(2025, 1, 13)), ("b", ["pandas"], date(2025, 1, 15))],
    ...     hours_per_week=7, today=monday,
    ... )
    >>> a, b = result["a"], result["b"]
    >>> a.outlook, a.finish_date, b.remaining_hours, b.outlook
    ('on_track', datetime.date(2025, 1, 12), 14, 'behind')
    """
    known = graph.nodes.keys() & known
    reviews = {t: hours for t, hours in (reviews or {}).items() if t in known}
    order = sorted(
        enumerate(deadlines), key=lambda item: (item[1][2] is None, item[1][2] or date.max, item[0])
    )
    results = {}
    cumulative: list[str] = []
    for _, (key, goals, due) in order:
        goals = [g for g in goals if g in graph]
        cumulative.extend(g for g in goals if g not in cumulative)
        own = _path(graph, goals, known, hours_per_week, today, reviews)
        if own is None:
            results[key] = GoalProgress((), 0, 0, None, DONE, (), ())
            continue
        finish = _path(graph, cumulative, known, hours_per_week, today, reviews).finish_date
        ready = tuple(own.ready_now)
        study = {step.topic: step.needed_for for step in own.steps if step.kind != REVIEW}
        blocking = tuple(t for t in ready if t in study and any(goal != t for goal in study[t]))
        outlook = BEHIND if due is not None and finish > due else ON_TRACK
        to_review = tuple(step.topic for step in own.steps if step.kind == REVIEW)
        results[key] = GoalProgress(
            tuple(own.goals), own.total_hours, len(study), finish, outlook, ready, blocking,
            to_review,
        )  # fmt: skip
    return results


def _path(graph, goals, known, hours_per_week, today, reviews):
    """The path to the goals not known yet, review steps included, or None when there are none."""
    missing = [g for g in goals if g not in known]
    if not missing:
        return None
    options = PathOptions(hours_per_week=hours_per_week, start_date=today)
    path = learning_path(graph, missing, known, options)
    return with_review_steps(graph, path, reviews, options) if reviews else path
