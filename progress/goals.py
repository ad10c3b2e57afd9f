"""A learner's saved goals (their plan) and marking what they already know.

The planner and the first-run flow save goals here; Today, the picture and the planner
read them back. Marking a topic known records it as skipped (skipping means already
knowing it), optionally with every topic it requires, directly or through others.
"""

from collections.abc import Sequence
from datetime import date, timedelta

import networkx as nx
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from progress.models import KNOWN_STATUSES, LearningPlan, TopicProgress, TopicStatus, User
from progress.planning import MAX_GOALS, resolve_goals
from progress.services import topic_status_set
from roadmap.models import Topic
from roadmap.paths import PathError
from roadmap.selectors import roadmap_graph


def plan_for(*, learner: User) -> LearningPlan | None:
    """The learner's saved goals, or None before they saved any."""
    if not learner.is_authenticated:
        return None
    return LearningPlan.objects.filter(learner=learner).first()


@transaction.atomic
def plan_save(*, learner: User, goals: Sequence[str], include_recommended: bool = False) -> LearningPlan:
    """Save ``goals`` (topic slugs, ``track:<slug>`` for a whole track) as the learner's plan.

    Raises
    ------
    ValidationError
        For no goals, too many, or one that names neither a topic nor a track.
    """
    goals = list(dict.fromkeys(goals))
    if not goals:
        raise ValidationError({"goals": "name at least one topic or track"})
    if len(goals) > MAX_GOALS:
        raise ValidationError({"goals": f"save at most {MAX_GOALS} goals, got {len(goals)}"})
    graph, version = roadmap_graph()
    try:
        resolve_goals(graph, goals)
    except PathError as error:
        raise ValidationError({"goals": str(error)}) from error
    plan, _ = LearningPlan.objects.update_or_create(
        learner=learner,
        defaults={
            "goals": goals,
            "include_recommended": include_recommended,
            "graph_version": version,
            "saved_at": timezone.now(),
        },
    )
    return plan


def required_ancestors(graph: nx.DiGraph, topic: str) -> set[str]:
    """Every topic ``topic`` requires, directly or through other required topics."""
    required = nx.subgraph_view(graph, filter_edge=lambda s, t: graph.edges[s, t].get("kind") != "recommended")
    return nx.ancestors(required, topic)


@transaction.atomic
def topic_mark_known(*, learner: User, topic: str, with_prerequisites: bool = False) -> list[str]:
    """Record that the learner already knows ``topic`` (and, with ``with_prerequisites``,
    everything it requires). Topics already done or skipped stay as they are.

    Returns the slugs newly marked, in roadmap order.

    Raises
    ------
    ValidationError
        For an unknown topic.
    """
    graph, _ = roadmap_graph()
    if topic not in graph:
        raise ValidationError({"topic": f"{topic!r} is not a topic of the roadmap"})
    wanted = {topic} | (required_ancestors(graph, topic) if with_prerequisites else set())
    known = set(
        TopicProgress.objects.filter(learner=learner, topic__slug__in=wanted, status__in=KNOWN_STATUSES)
        .values_list("topic__slug", flat=True)
    )
    order = {slug: i for i, slug in enumerate(graph.nodes)}
    marked = sorted(wanted - known, key=order.__getitem__)
    for row in Topic.objects.filter(slug__in=marked):
        topic_status_set(learner=learner, topic=row, status=TopicStatus.SKIPPED)
    return marked


@transaction.atomic
def topic_unmark_known(*, learner: User, topic: str) -> None:
    """Undo "I know this": the topic goes back to not started (its prerequisites stay known).

    Raises
    ------
    ValidationError
        For an unknown topic.
    """
    row = Topic.objects.filter(slug=topic).first()
    if row is None:
        raise ValidationError({"topic": f"{topic!r} is not a topic of the roadmap"})
    topic_status_set(learner=learner, topic=row, status=TopicStatus.NOT_STARTED)


def path_by_week(path: dict, states: dict[str, str] | None = None) -> list[dict]:
    """Group a path's steps (``progress.planning.path_for``) by the week they start in.

    Each week is ``{"week", "start", "end", "hours", "steps", "continuing"}`` with ISO
    dates, the hours the path plans in it, the steps starting in it and the titles of
    those still running from before (so a long topic leaves no week out); each step gets
    ``state`` (the learner's, if known) and ``kind`` (``learn``, or ``review`` for a
    faded topic).

    Examples
    --------
    >>> path = {"start_date": "2026-01-05", "hours_per_week": 5, "steps": [
    ...     {"topic": "a", "hours": 3, "week": 1, "start": "2026-01-05", "end": "2026-01-09"},
    ...     {"topic": "b", "hours": 4, "week": 1, "start": "2026-01-09", "end": "2026-01-14"},
    ...     {"topic": "c", "hours": 2, "week": 2, "start": "2026-01-14", "end": "2026-01-16"}]}
    >>> weeks = path_by_week(path, {"a": "in_progress"})
    >>> [(w["week"], w["start"], w["end"], w["hours"], [s["topic"] for s in w["steps"]]) for w in weeks]
    [(1, '2026-01-05', '2026-01-11', 5, ['a', 'b']), (2, '2026-01-12', '2026-01-18', 4, ['c'])]
    >>> weeks[0]["steps"][0]["state"], weeks[0]["steps"][1]["kind"], weeks[1]["continuing"]
    ('in_progress', 'learn', ['b'])
    """
    states = states or {}
    start = date.fromisoformat(path["start_date"])
    total = sum(step["hours"] for step in path["steps"])
    per_week = path["hours_per_week"]
    last = max((step["week"] for step in path["steps"]), default=0)
    weeks = []
    for number in range(1, last + 1):
        first = start + timedelta(weeks=number - 1)
        planned = min(per_week, max(total - per_week * (number - 1), 0))
        weeks.append({
            "week": number,
            "start": first.isoformat(),
            "end": (first + timedelta(days=6)).isoformat(),
            "hours": round(planned, 1) if planned % 1 else int(planned),
            "steps": [],
            "continuing": [],
        })  # fmt: skip
    for step in path["steps"]:
        weeks[step["week"] - 1]["steps"].append(
            {**step, "state": states.get(step["topic"]), "kind": step.get("kind", "learn")}
        )
        end = date.fromisoformat(step["end"]) if step.get("end") else None
        for week in weeks[step["week"] :]:
            if end is None or date.fromisoformat(week["start"]) > end:
                break
            week["continuing"].append(step.get("title", step["topic"]))
    return weeks
