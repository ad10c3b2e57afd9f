"""What a learner's Today page shows: the next step, cards due, assignments, what is ready,
what needs review, the streak. It reads progress and quizzes, so it lives at the top of the
domain layers; the web page only renders it.
"""

from datetime import datetime

from django.core.exceptions import ValidationError

from progress import assignments, selectors
from progress.goals import plan_for
from progress.models import TopicProgress, User
from progress.planning import path_for, ready_for
from quizzes.selectors import due_queue
from roadmap.selectors import roadmap_graph

READY_SHOWN = 6


def today_for(*, learner: User, now: datetime) -> dict:
    """Everything on the learner's Today page, as plain data and model rows.

    ``next_step`` is the first step of the path to their saved goals (the topic they have
    in progress first, if it is on the way), else a topic in progress, else the first
    topic ready to start; with its resource to open. ``first_run`` is true for a learner
    who has neither saved goals nor recorded any progress.
    """
    plan = plan_for(learner=learner)
    in_progress = list(selectors.topics_in_progress(learner=learner)[:5])
    path, path_problem = None, None
    if plan is not None:
        try:
            path = path_for(learner=learner, goals=plan.goals, include_recommended=plan.include_recommended)
        except ValidationError as error:
            path_problem = " ".join(error.messages)
    ready = ready_for(learner=learner)
    next_step = _next_step(path, in_progress, ready)
    faded = TopicProgress.objects.filter(learner=learner, needs_review=True).select_related("topic")
    today = selectors.local_today(learner=learner, now=now)
    queue = due_queue(learner=learner, now=now)
    mine = assignments.with_progress(
        assignments=assignments.assignments_for_learner(learner=learner), viewer=learner
    )
    return {
        "plan": plan,
        "path": path,
        "path_problem": path_problem,
        "next_step": next_step,
        "due": len(queue.entries),
        "next_due": queue.next_due,
        "assignments": mine,
        "ready": ready[:READY_SHOWN],
        "ready_count": len(ready),
        "needs_review": list(faded.order_by("topic__title")),
        "in_progress": in_progress,
        "streak": selectors.streak(learner=learner, today=today),
        "first_run": plan is None and not TopicProgress.objects.filter(learner=learner).exists(),
    }


def _next_step(path: dict | None, in_progress: list, ready: list[dict]) -> dict | None:
    started = {row.topic.slug for row in in_progress}
    if path and path["steps"]:
        steps = path["steps"]
        step = next((s for s in steps if s["topic"] in started), steps[0])
        return {**step, "in_progress": step["topic"] in started, "from_plan": True}
    resources = roadmap_graph()[0].nodes
    if in_progress:
        topic = in_progress[0].topic
        return {"topic": topic.slug, "title": topic.title, "hours": topic.hours, "in_progress": True,
                "resource": _first(resources, topic.slug), "from_plan": False}  # fmt: skip
    if ready:
        slug = ready[0]["topic"]
        return {**ready[0], "resource": _first(resources, slug), "in_progress": False, "from_plan": False}
    return None


def _first(nodes, slug: str) -> dict | None:
    """The topic's first resource: a healthy core one if there is one."""
    resources = nodes[slug]["resources"] if slug in nodes else []
    healthy = [r for r in resources if r["health"] in ("ok", "unknown")]
    return (healthy or resources or [None])[0]


