"""The path engine: pure NetworkX functions from what a learner knows to their goals.

``engine`` decides which topics a path needs, in what order and why (walking the graph
with ``walk``); ``schedule`` dates the steps against weekly hours and picks where each
starts. Import the public names from here. Pure: no Django, no I/O, no clock; the
learner-facing planner that feeds it from the database is ``progress.planning``.
"""

from roadmap.paths.engine import (
    GoalAlreadyKnownError,
    InvalidOptionError,
    LearningPath,
    PathError,
    PathOptions,
    PathStep,
    PrerequisiteCycleError,
    StudySlot,
    UnknownTopicError,
    explain,
    learning_path,
    needed_topics,
    order_topics,
    pick_start_resource,
    ready_now,
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
